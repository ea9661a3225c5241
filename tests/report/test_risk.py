"""The report's risk section: fan charts drawn as shaded bands at their own size, and a table
whose figures say what they are and how they differ from the plan's headline."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import supplyline as sl
from supplyline.report.facts import whole
from supplyline.report.risk import FAN_INNER, FAN_MEDIAN, FAN_OUTER, risk_rows, risk_section
from supplyline.report.sections import ReportContext, Section
from supplyline.report.svg import fmt


@pytest.fixture(scope="module")
def simulation() -> sl.Simulation:
    return sl.simulate(sl.plan(sl.load("tutorial")), runs=40, seed=1)


@pytest.fixture(scope="module")
def section(simulation: sl.Simulation) -> Section:
    made = risk_section(simulation.plan, ReportContext(results={"simulation": simulation}))
    assert made is not None
    return made


def test_the_fan_is_two_shaded_bands_and_a_median_line_with_a_legend_that_matches(
    section: Section,
) -> None:
    svg = re.search(r'<svg id="chart-fan-0".*?</svg>', section.html, re.S)
    assert svg is not None
    root = ET.fromstring(svg.group(0))
    fills = [p.get("fill") for p in root.iter("polygon")]
    assert set(fills) == {FAN_OUTER, FAN_INNER}
    assert fills.index(FAN_OUTER) < fills.index(FAN_INNER)  # the light band under the dark
    assert {line.get("stroke") for line in root.iter("polyline")} == {FAN_MEDIAN}
    legend = section.html[svg.end():].split("</ul>")[0]
    swatches = re.findall(r'class="swatch (\w+)" style="--c:([^"]+)"></span>([^<]+)<', legend)
    assert swatches == [("box", FAN_OUTER, "P5–P95: 9 runs in 10"),
                        ("box", FAN_INNER, "P25–P75: half the runs"),
                        ("line", FAN_MEDIAN, "median run")]


def test_risk_charts_are_drawn_at_their_own_width_in_the_wide_section(section: Section) -> None:
    assert section.wide
    charts = re.findall(r'<svg id="chart-[^"]+"[^>]*>', section.html)
    assert len(charts) == 2
    for chart in charts:
        assert 'viewBox="0 0 560 ' in chart and "max-width:560px" in chart


def test_the_risk_section_says_how_its_figures_differ_from_the_plans(
    section: Section, simulation: sl.Simulation,
) -> None:
    first_figure = section.html.index("<svg")
    assert "those at the top of the page are the plan's own" in section.html[:first_figure]
    rows = risk_rows(simulation)
    labels = [label for label, _, _ in rows]
    assert "units lost" not in labels and "rations not there" not in labels
    assert "eaten on the way by carriers, road-work and repair crews and the wounded" in labels
    lost = simulation.units_lost.mean(axis=0)
    net = simulation.network
    for m in range(net.n_modes):  # units lost, by mode: porters and bicycles do not add up
        name = f"{net.scenario.modes[m].name.lower()} units lost to strikes and raids, mean"
        served = whole(float(simulation.plan.recruited_units[:, m].sum()))
        said = [label for label in labels if label.startswith(name)]
        assert bool(said) == (lost[m] > 0)
        if said:  # against the units there are: those owned, or the persons put into
            # service (which may be more than at once)
            owned = net.carriers_owned[:, m].sum()
            assert said == [f"{name} (of {fmt(whole(float(owned)))} there are)"
                            if net.owned_units[m] else
                            f"{name} (of {fmt(served)} put into service over the plan)"]
            value = next(v for label, v, _ in rows if label == said[0])
            assert " ± " in value  # (with its error, as every other figure)
    assert lost.sum() > 0


def test_one_run_has_no_standard_error_and_a_constant_has_none_to_speak_of() -> None:
    from supplyline.report.risk import _error, risk_rows

    assert _error(0.4, 12.0, runs=1) == "—"
    assert _error(1.5e-14, 1636.45, runs=2000) == "0"
    assert _error(0.4, 12.0, runs=2000) == "0.4"
    one = sl.simulate(sl.plan(sl.load("tutorial"), days=5), runs=1, seed=1)
    rows = dict((figure, (value, more)) for figure, value, more in risk_rows(one))
    assert rows["shortfall, mean"][0].endswith("± — t") and rows["shortfall, mean"][1] == "—"
    # Nor in its figures, nor in JSON (it said 0, a claim of exactness): NaN, and null.
    import json
    import math

    figures = one.kpis()
    for name in ("shortfall_t", "p_any_shortfall"):
        assert math.isnan(figures[name]["se"]) and math.isnan(figures[name]["runs_for_1pct"])
        assert json.loads(one.to_json())["kpis"][name]["se"] is None


def test_one_run_is_one_run_drawn_as_a_line_without_bands() -> None:
    """The report said "1 runs of this plan" and drew a fan of one run with the keys of its
    bands (9 runs in 10, half the runs), which one run does not have."""
    one = sl.simulate(sl.plan(sl.load("tutorial"), days=5), runs=1, seed=1)
    made = risk_section(one.plan, ReportContext(results={"simulation": one}))
    assert made is not None
    assert made.html.startswith("<p>1 run of this plan under its threats (seed 1, ")
    assert "The figures below are the run's; those at the top" in made.html
    svg = re.search(r'<svg id="chart-fan-0".*?</svg>', made.html, re.S)
    assert svg is not None
    root = ET.fromstring(svg.group(0))
    assert not list(root.iter("polygon"))
    assert {line.get("stroke") for line in root.iter("polyline")} == {FAN_MEDIAN}
    caption = made.html[svg.end():].split("</figcaption>")[0]
    assert "runs in 10" not in caption and "half the runs" not in caption
    assert "the line is the one run (one run has no spread to shade). Counted by the good " \
           "that runs out first, the run holds " in caption


def test_a_percentile_of_no_shortfall_reads_0_beside_others(
        simulation: sl.Simulation, monkeypatch: pytest.MonkeyPatch) -> None:
    """P50 read "0.000" beside a P90 of 0.164 t, where every other 0 reads 0."""
    import copy

    kpis = copy.deepcopy(simulation.kpis())
    kpis["shortfall_distribution_t"].update(p50=0.0, p90=0.164, p99=0.2489)
    monkeypatch.setattr(simulation, "kpis", lambda: kpis)
    rows = {label: value for label, value, _ in risk_rows(simulation)}
    assert rows["shortfall, P50 / P90 / P99"] == "0 / 0.164 / 0.249 t"


def test_a_ranking_cut_short_says_how_many_more_there_are() -> None:
    from types import SimpleNamespace

    from supplyline.report.resilience import _more

    res = SimpleNamespace(ranking=[object()] * 48)
    assert _more(res, 15) == ("33 more cuts rank below these; all 48 are in "  # type: ignore[arg-type]
                              "resilience.csv, which --export DIR writes.")
    assert _more(res, 48) == ""  # type: ignore[arg-type]


def test_a_reserve_of_crumbs_does_not_set_the_fan_s_scale(
        simulation: sl.Simulation, monkeypatch: pytest.MonkeyPatch) -> None:
    """A relief camp holding a few grams had its fan drawn from 0 to 4e-4 days: a reserve
    below a hundredth of a day is drawn as none."""
    fan = simulation.reserve_fan()
    crumbs = np.where(np.isnan(fan), np.nan, 4e-4 * np.minimum(np.nan_to_num(fan), 1.0))
    monkeypatch.setattr(simulation, "reserve_fan", lambda main=False: crumbs)
    made = risk_section(simulation.plan, ReportContext(results={"simulation": simulation}))
    assert made is not None
    svg = re.search(r'<svg id="chart-fan-0".*?</svg>', made.html, re.S)
    assert svg is not None
    ticks = [t.text or "" for t in ET.fromstring(svg.group(0)).iter("text")
             if t.get("text-anchor") == "end"]
    assert not any("e-4" in t for t in ticks) and "1" in ticks


def test_a_front_that_holds_nothing_says_which_goods_the_plan_keeps_none_of(
        simulation: sl.Simulation) -> None:
    """Where the median run holds nothing, the words name the goods the plan itself keeps
    less than a hundredth of a day of at half or more of the steps' ends there (the stock
    chart's days; "at most steps' ends" where the median run held nothing on 50 % of them
    read as more than it said)."""
    import dataclasses

    from supplyline.report.risk import _first_out_words

    plan = simulation.plan
    f = int(simulation.fronts[0])
    nothing = np.zeros(plan.steps)
    kept = _first_out_words(plan, simulation, 0, nothing)
    assert kept.startswith("Counted by the good that runs out first, the median run holds "
                           "nothing on every step")
    bare = plan.stock_kg.copy()
    bare[f] = 0.0
    none = _first_out_words(dataclasses.replace(plan, stock_kg=bare), simulation, 0, nothing)
    assert none.endswith("every step: the plan itself keeps no stock of rice there at half or "
                         "more of the steps' ends (it brings them just in time).")
    full = plan.stock_kg.copy()
    full[f] = 1e9
    held = _first_out_words(dataclasses.replace(plan, stock_kg=full), simulation, 0, nothing)
    assert held.endswith("holds nothing on every step.")


def test_a_plan_in_steps_charts_its_chance_of_shortfall_by_step(section: Section) -> None:
    """A plan in 3-day steps had one point per step under "Chance of shortfall by day",
    captioned "that day"; day by day it still says day."""
    assert "<h3>Chance of shortfall by day</h3>" in section.html
    stepped = sl.simulate(sl.plan(sl.load("tutorial"), step_days=3, days=12), runs=20, seed=1)
    made = risk_section(stepped.plan, ReportContext(results={"simulation": stepped}))
    assert made is not None
    assert "<h3>Chance of shortfall by step</h3>" in made.html
    assert "of its demand in that step (each point is a step: planned in 3-day steps)" in \
        made.html


def test_the_safety_tables_give_one_chance_one_way_and_dates_as_the_report_does(
        simulation: sl.Simulation) -> None:
    """The chosen plan's chance read "6 ± 1 %" in the search table and "5.67 %" in the
    trade-off table, and the reserves' first day "2024-11-04" where every other date of the
    report reads "4 Nov 2024"."""
    from types import SimpleNamespace

    from supplyline.report.risk import risk_search_section
    from supplyline.simulate.target import RiskRound

    rounds = [RiskRound(0.0, 0.0, None, 0.9333, 0.0144, 61.6, 1637.0, 0.0),
              RiskRound(0.2, 4.0, "2024-11-04", 0.0567, 0.0134, 71.2, 1890.0, 0.0)]
    search = SimpleNamespace(rounds=rounds, met=True, target=0.2, message=(
        "some front goes short in 6 ± 1 % of runs (target 20%) with 20% of route capacity kept "
        "in hand and 4 days of supply on hand at the fronts from 2024-11-04"))
    made = risk_search_section(simulation.plan, ReportContext(results={"risk_search": search}))
    assert made is not None
    searched = made.html.split('id="table-risk-rounds"')[1].split("</table>")[0]
    traded = made.html.split('id="table-risk-tradeoff"')[1].split("</table>")[0]
    assert ">6 ± 1 %<" in searched and ">6 ± 1 %<" in traded and "5.67" not in made.html
    assert ">4 Nov 2024<" in searched and "2024-11-04" not in made.html
    assert "on hand at the fronts from 4 Nov 2024" in made.html


def test_a_chance_is_said_to_whole_per_cent_at_least() -> None:
    """1 run short of 4 read "20 ± 20 %" (rounded half to even at the error's leading digit,
    tens), a share no 4 runs can give; 3 of 4, "80 ± 20 %"."""
    from supplyline.report.risk import _chance

    assert _chance(0.25, 4) == "25 ± 22 %"
    assert _chance(0.75, 4) == "75 ± 22 %"
    assert _chance(0.5, 10_000) == "50.0 ± 0.5 %"
