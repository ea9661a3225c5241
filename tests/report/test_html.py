"""The HTML report: self-contained, complete, escaped, and built from section functions."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import supplyline as sl
from supplyline.plan.result import whole_units
from supplyline.report import facts
from supplyline.report.facts import persons_text, unfed
from supplyline.report.html import findings, render_report, write_report
from supplyline.report.sections import (
    SECTIONS,
    ReportContext,
    Section,
    carriers_section,
    deliveries_section,
    mobilization_section,
)
from supplyline.report.svg import colour, fmt
from supplyline.scenario.schema import Scenario
from supplyline.text import NO_BREAK

CHART_IDS = ("network-map", "chart-deliveries", "chart-stock", "chart-carriers", "chart-eaten",
             "chart-burden")
TABLE_IDS = ("table-mobilization", "table-routes", "table-balance")
VOID = {"meta", "link", "br", "img", "input", "hr", "area", "base", "col", "source", "wbr"}


class _Tags(HTMLParser):
    """Collects element ids and checks that every element that is opened is closed."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.open: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.extend(v for k, v in attrs if k == "id" and v)
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.extend(v for k, v in attrs if k == "id" and v)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.open[-1] if self.open else None}>")
            return
        self.open.pop()


def _parse(page: str) -> _Tags:
    tags = _Tags()
    tags.feed(page)
    tags.close()
    return tags


def code(command: str) -> str:
    """A command as the page writes it in prose: each word kept whole, the command wrapped
    between them where it is wider than the line (test_layout measures it)."""
    words = " ".join(f'<span class="nowrap">{word}</span>' for word in command.split(" "))
    return f'<code class="words">{words}</code>'


@pytest.fixture(scope="module")
def page(valley_plan: sl.Plan) -> str:
    return render_report(valley_plan)


@pytest.fixture(scope="module")
def replay_page(replay_plan: sl.Plan) -> str:
    return render_report(replay_plan, sl.validate(replay_plan))


def test_report_is_self_contained(page: str, replay_page: str) -> None:
    for html in (page, replay_page):
        assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
        assert "<script" not in html.lower()
        assert "@import" not in html and "url(" not in html
        assert "<link" not in html.lower()


def test_report_has_the_map_every_chart_and_the_tables(page: str) -> None:
    tags = _parse(page)
    for element_id in (*CHART_IDS, *TABLE_IDS, "kpis", "findings", "scale-bar"):
        assert element_id in tags.ids, element_id
    assert len(tags.ids) == len(set(tags.ids)), "element ids are unique"
    assert "table-validation" not in tags.ids, "no validation table without validation figures"


def test_markup_is_well_formed(page: str, replay_page: str) -> None:
    for html in (page, replay_page):
        tags = _parse(html)
        assert tags.errors == []
        assert tags.open == []
        for svg in re.findall(r"<svg.*?</svg>", html, re.S):
            ET.fromstring(svg)  # every chart is well-formed XML as well


def test_every_navigation_link_has_its_section(page: str) -> None:
    ids = set(_parse(page).ids)
    links = re.findall(r'href="#([^"]+)"', page)
    assert links and all(link in ids for link in links)


def test_header_shows_the_headline_figures(page: str, valley_plan: sl.Plan) -> None:
    kpis = valley_plan.kpis()
    assert "1 Mar 1954 – 10 Mar 1954" in page and "(10 days)" in page
    assert "optimal" in page
    for label in ("Delivered", "Shortfall days", "Mobilized", "Eaten on the way", "Labour-days"):
        assert label in page
    assert f"{kpis['shortfall_days']}</div>" in page
    assert "Why demand is not met" in page and "The pass" in page
    # The labour-days card names every part of its total (the repair crews were left out).
    labour = valley_plan.labour_days()
    assert (f"carriers {fmt(labour['carriers'])}, road works {fmt(labour['road_works'])}, "
            f"repair crews {fmt(labour['repair_crews'])}") in page


def test_the_horizon_of_a_plan_of_the_first_days_says_they_are_the_first(
        valley_doc: Callable[[], dict[str, Any]]) -> None:
    """`supplyline report tutorial --days 10` said "Horizon 1 Nov 2024 – 10 Nov 2024 (10
    days)" under a description of Kestrel fed "for 30 days", and nothing on the page said
    that the plan is of the first 10 of them (the caveat that says so is about historical
    figures of this plan, which the tutorial's plain plan has none of)."""
    first = sl.plan(Scenario.model_validate(valley_doc()), days=4)
    page = render_report(first)
    horizon = page.split("<li>Horizon ")[1].split("</li>")[0]
    assert horizon == ("<b>1 Mar 1954 – 4 Mar 1954</b> (4 days, the first of the "
                       "scenario&#x27;s 10)")
    stepped = render_report(sl.plan(Scenario.model_validate(valley_doc()), days=8,
                                    step_days=4))
    assert ("(8 days, the first of the scenario&#x27;s 10, planned in 4-day steps)"
            in stepped)


def test_chokepoint_is_highlighted(page: str, valley_plan: sl.Plan) -> None:
    assert valley_plan.route_at_capacity_days().max() > 0
    assert 'class="chokepoint"' in page
    assert "at capacity on" in page


def test_text_is_escaped(page: str, replay_page: str) -> None:
    assert "Valley &lt;test&gt; &amp; co" in page
    assert "<test>" not in page
    assert "peak delivery &lt;b&gt;" in replay_page


def test_validation_table_when_given(replay_page: str) -> None:
    assert 'id="table-validation"' in replay_page
    assert replay_page.count('class="badge pass"') == 1
    assert replay_page.count('class="badge fail"') == 1
    assert replay_page.count('class="badge" title="set by the replay') == 1  # northwest-share
    assert "1 of 2 historical figures computed by the model" in replay_page
    assert "shown but not tested: northwest-share (set by the replay" in replay_page
    assert "replayed: history" in replay_page


def test_validation_says_the_part_the_inputs_set(replay_plan: sl.Plan) -> None:
    """A computed figure partly set by the inputs (labour-days: the road works and repair
    crews a file fixes) says how much, beside the verdict."""
    import dataclasses

    values = sl.validate(replay_plan)
    computed = next(v for v in values if not v.is_input)
    part = dataclasses.replace(computed, from_inputs=1.5,
                               from_inputs_reason="road works <b>, set by the scenario")
    page = render_report(replay_plan, [part])
    assert (f"Computed, but partly from the inputs: {computed.id}, 1.5 " in page
            and "(road works &lt;b&gt;, set by the scenario)" in page)


def test_sections_are_pluggable_and_absent_ones_leave_no_trace(valley_plan: sl.Plan) -> None:
    def risk(plan: sl.Plan, context: ReportContext) -> Section | None:
        runs = context.results.get("runs")  # (a name of its own: custom sections read any)
        if runs is None:
            return None
        return Section("risk", "Risk of shortfall", f"<p>{runs} runs</p>", wide=True)

    without = render_report(valley_plan, sections=[*SECTIONS, risk])
    assert 'id="risk"' not in without and "Risk of shortfall" not in without
    with_risk = render_report(valley_plan, sections=[*SECTIONS, risk],
                              results={"runs": 1000})
    assert '<section id="risk" class="wide"><h2>Risk of shortfall</h2><p>1000 runs</p>' in with_risk
    assert '<a href="#risk">Risk of shortfall</a>' in with_risk


def test_figures_of_another_plan_are_refused(valley_plan: sl.Plan, replay_plan: sl.Plan,
                                            tmp_path: Path) -> None:
    """A simulation or validation figures of another plan had been shown under this plan's
    headline (57.8 t delivered above "the plan expects 81.2 t"): refused, naming the
    argument, what was expected and what was given, and nothing is written."""
    other = sl.simulate(replay_plan, runs=2, seed=1)
    with pytest.raises(ValueError, match=r"results\['simulation'\]: expected a simulation of "
                       r"this plan \(sl\.simulate\(plan, \.\.\.\)\), got one of another "
                       r"plan \(the replay history of valley\)"):
        write_report(valley_plan, tmp_path / "r.html", results={"simulation": other})
    with pytest.raises(ValueError, match=r"validation\[0\] \(.+\): expected figures of this "
                       r"plan's replay \(the plain plan of valley: sl\.validate\(plan\)\), "
                       r"got figures of the replay history"):
        write_report(valley_plan, tmp_path / "r.html", validation=sl.validate(replay_plan))
    assert list(tmp_path.iterdir()) == []
    own = sl.simulate(valley_plan, runs=2, seed=1)  # (this plan's own: shown)
    assert 'id="risk"' in render_report(valley_plan, results={"simulation": own})


@pytest.mark.parametrize(("args", "kwargs", "error", "said"), [
    ((5,), {}, TypeError, r"plan: expected a Plan \(sl\.plan\(\.\.\.\)\), got int"),
    (("plan", 5), {}, TypeError, r"validation: expected a list of MetricValue "
     r"\(sl\.validate\(plan\)\), got int"),
    (("plan", [5]), {}, TypeError, r"validation\[0\]: expected a MetricValue .*, got int"),
    (("plan",), {"results": 5}, TypeError, r"results: expected a dict of results by name.*"
     r", got int"),
    (("plan",), {"results": {"simulations": 5}}, ValueError, r"results: expected names "
     r"among 'simulation', 'resilience', 'risk_search', got 'simulations'"),
    (("plan",), {"results": {"simulation": 5}}, TypeError, r"results\['simulation'\]: "
     r"expected a simulation of this plan \(sl\.simulate\(plan, \.\.\.\)\), got int"),
    (("plan",), {"results": {"resilience": 5}}, TypeError, r"results\['resilience'\]: "
     r"expected a resilience analysis .*, got int"),
])
def test_bad_arguments_are_named(valley_plan: sl.Plan, args: tuple[Any, ...],
                                 kwargs: dict[str, Any], error: type[Exception],
                                 said: str) -> None:
    """A misspelt result's name had been dropped in silence, and a wrong type had raised an
    AttributeError from deep inside a section."""
    given = tuple(valley_plan if a == "plan" else a for a in args)
    with pytest.raises(error, match=said):
        render_report(*given, **kwargs)


def test_write_report_writes_html_only(valley_plan: sl.Plan, tmp_path: Path) -> None:
    """HTML written to report.pdf opened as a broken PDF; the command refused the suffix."""
    with pytest.raises(ValueError, match=r"path: expected a file name ending in \.html"):
        write_report(valley_plan, tmp_path / "report.pdf")
    assert list(tmp_path.iterdir()) == []


def test_write_report_creates_the_folder(valley_plan: sl.Plan, tmp_path: Path) -> None:
    path = write_report(valley_plan, tmp_path / "deep" / "report.html")
    assert path == tmp_path / "deep" / "report.html"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and 'charset="utf-8"' in text
    assert len(text.encode()) < 500_000


def test_a_plan_that_moves_nothing_says_why_its_charts_are_empty(
    valley_doc: Callable[[], dict[str, Any]],
) -> None:
    """The empty charts and tables had been left out without a word; each says why in one
    line under its heading (tests/report/test_left_out.py)."""
    doc = valley_doc()
    doc["demand"] = [{"front": "front", "commodity": "rice", "kg_per_day": 0}]
    doc["wounded"] = []
    page = render_report(sl.plan(Scenario.model_validate(doc)))
    sections = re.findall(r'<section id="([^"]+)"', page)
    assert sections == ["map", "deliveries", "stock", "carriers", "eaten", "burden",
                        "mobilization", "routes", "balance"]
    assert re.findall(r'id="(\w+)-left-out"', page) == ["deliveries", "stock", "carriers",
                                                         "eaten", "routes"]
    assert "Why demand is not met" not in page
    assert 'id="network-map"' in page and _parse(page).errors == []


def _kpi_fleet(page: str) -> str:
    found = re.search(r'<div class="kpi fleet[^"]*" id="kpi-fleet">.*?</ul>', page, re.S)
    assert found is not None
    return found.group(0)


def test_the_fleet_is_told_mode_by_mode_as_whole_units(page: str, valley_plan: sl.Plan) -> None:
    """No cross-mode sum: each mode's units needed, the same whole numbers as the carriers
    chart's legend."""
    needed = valley_plan.fleet_needed()
    net = valley_plan.network
    fleet = _kpi_fleet(page)
    shown = re.findall(r"<li[^>]*><b>([\d,]+)</b> ([^<]+)</li>", fleet)
    assert shown == [(f"{needed[m]:,.0f}", net.scenario.modes[m].name)
                     for m in np.argsort(-needed, kind="stable") if needed[m] > 0]
    assert len(shown) == 2 and f">{needed.sum():,.0f}<" not in fleet
    legend = page.split('id="chart-carriers"')[1].split("</ul>")[0]
    for count, name in shown:
        assert f"{name}: {count} needed" in legend
    assert "peak" not in legend


def _in_service(plan: sl.Plan, mode: str, peak: float) -> sl.Plan:
    """The plan with the mode's units scaled to ``peak`` at most in service, and the cargo
    they carry with them (crumbs of units carry crumbs of cargo)."""
    units = plan.in_service_units.copy()
    m = plan.network.mode_ids.index(mode)
    share = peak / units[:, m, :].sum(axis=0).max()
    units[:, m, :] *= share
    cargo = plan.cargo_kg.copy()
    cargo[plan.leg_mode == m] *= share
    return dataclasses.replace(plan, in_service_units=units, cargo_kg=cargo)


def test_every_mode_of_the_fleet_shows_in_the_carriers_chart(valley_plan: sl.Plan) -> None:
    """A mode below one unit is drawn on the log axis (which starts below it), and a mode
    of which the plan leaves only crumbs is in neither the fleet nor the chart."""
    plan = _in_service(_in_service(valley_plan, "porter", 300.0), "bicycle", 0.455)
    section = carriers_section(plan, ReportContext())
    assert section is not None and "(log scale)" in section.html
    chart = ET.fromstring(re.search(r"<svg.*?</svg>", section.html, re.S).group(0))  # type: ignore[union-attr]
    assert {p.get("stroke") for p in chart.iter("polyline")} == {colour(0), colour(1)}
    assert ">0.1<" in section.html and "Pack bicycle: 1 needed" in section.html
    crumbs = _in_service(valley_plan, "bicycle", 8e-6)
    assert crumbs.fleet_needed()[1] == 0  # no bicycle to find ...
    section = carriers_section(crumbs, ReportContext())
    assert section is not None
    chart = ET.fromstring(re.search(r"<svg.*?</svg>", section.html, re.S).group(0))  # type: ignore[union-attr]
    assert {p.get("stroke") for p in chart.iter("polyline")} == {colour(0)}  # ... none drawn
    assert "Pack bicycle" not in section.html


def test_persons_serving_are_whole(valley_plan: sl.Plan) -> None:
    section = mobilization_section(valley_plan, ReportContext())
    assert section is not None
    net = valley_plan.network
    persons = (valley_plan.recruited_units.sum(axis=2) * net.crew_per_unit[None, :]).sum(axis=1)
    assert any(p != round(p) for p in persons)  # the LP's are fractional
    rows = re.findall(r"<tr><td[^>]*>([^<]+)</td>(.*?)</tr>", section.html)
    column = ["locality", "regions", "Rice given (t)", "Salt given (t)",
              "persons serving"].index("persons serving")
    for name, cells in rows:
        p = [net.place_name(q) for q in range(net.n_places)].index(name)
        shown = re.findall(r"<td[^>]*>(.*?)</td>", cells)[column - 1]
        assert shown == f"{int(whole_units(persons[p])):,}"
    # The burden beside them is of the persons the plan counts (28 of 500 beside 5.45 %
    # read as a mistake): said under the table.
    assert ("rounded up to whole persons; the labour burden is the persons the plan counts, "
            "before rounding, over the labour pool.") in section.html


def test_a_region_s_band_says_its_tonnes_in_all(page: str, valley_plan: sl.Plan) -> None:
    """Its hover text read '46.5 in all t a day': a sum of daily rates, in no unit."""
    from supplyline.plan.figures import deliveries_by_source

    chart = page.split('id="chart-deliveries"')[1].split("</svg>")[0]
    titles = re.findall(r"<title>([^<]*)</title>", chart)
    for label, daily_kg in deliveries_by_source(valley_plan):
        assert f"{label}: {fmt(float(daily_kg.sum() / 1000.0))} t in all" in titles
    assert not any("t a day" in title for title in titles)


def test_stock_chart_names_its_front_and_routes_are_named(page: str) -> None:
    legend = page.split('id="chart-stock"')[1].split("</ul>")[0]
    assert "The valley" in legend  # one front: its line is still named
    routes = page.split('id="table-routes"')[1].split("</table>")[0]
    assert "--" not in routes  # no route id ("ban-a--relay"): names
    assert "<td class=\"\">Ban A – Relay 1</td>" in routes


def test_every_chart_scrolls_in_its_own_box_on_a_narrow_screen(page: str) -> None:
    charts = re.findall(r'(.{30})<svg id="([^"]+)"', page)
    assert len(charts) >= 6
    for before, chart_id in charts:
        assert before.endswith('<div class="scroll-x">') or chart_id.startswith(
            "chart-stock-"), chart_id
    assert ".scroll-x, .table-wrap, .table-scroll { overflow-x: auto;" in page


def test_unfed_wounded_are_told_with_place_date_and_name(valley_plan: sl.Plan) -> None:
    """The plan's own note names neither place nor date: the report gives the note as the
    terminal does, then where and when."""
    (note,) = [n for n in valley_plan.gave_up() if n.startswith("wounded not fed:")]
    (missing,) = unfed(valley_plan)
    assert (missing.who, missing.good, missing.place) == ("wounded", "Rice", "The valley")
    assert note == f"wounded not fed: {missing.kg:,.0f} kg of rice missing"
    assert missing.first < missing.last
    box = findings(valley_plan)
    assert '<div class="findings minor" id="gave-up">' in box
    assert (f"<li>{note} (at The valley from {missing.first + 1} Mar to {missing.last + 1} Mar "
            "1954)</li>") in box
    assert "wounded not at a hospital within their limit" in box  # the plan's other notes


def test_the_report_says_what_the_terminal_says_of_food_gone_without() -> None:
    """The report wrote "The wounded went without 4.2 kg of rice: ..." where the terminal
    (and the JSON) write "wounded not fed: 4 kg of rice missing, all of it before any can
    reach where they eat": the part that says no plan could avoid it was lost, and the amount
    and the good read differently. The report now gives the plan's own words, then where and
    when (the place as a sentence names it: "Kestrel town", not "(cut off)")."""
    plan = sl.plan(sl.load("tutorial"))
    (note,) = [n for n in plan.gave_up() if n.startswith("wounded not fed:")]
    assert note == ("wounded not fed: 4 kg of rice missing, all of it before any can reach "
                    "where they eat")
    assert facts.gave_up_words(plan) == [f"{note} (at Kestrel town on 1 Nov 2024)"]
    box = findings(plan)
    assert f"<li>{note} (at Kestrel town on 1 Nov 2024)</li>" in box
    assert "4.2 kg" not in box and "(cut off)" not in box


def test_food_missing_at_several_places_gives_each_place_its_amount(
    valley_plan: sl.Plan, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each place's amount is rounded as the plan's note rounds its total (800 kg, 1.6 t), and
    the places follow the note of their group and good."""
    monkeypatch.setattr(facts, "unfed", lambda plan: [
        facts.Unfed("repair crews", "Milled rice", "Pha Din pass", 0, 1, 800.0, 2400.0, "rice"),
        facts.Unfed("repair crews", "Milled rice", "Lung Lo pass", 0, 0, 1600.0, 2400.0,
                    "rice")])
    notes = ["road work on pass left unfinished: 3 of 5 person-days undone by 1954-03-05",
             "repair crews not fed: 2.4 t of rice missing, 1.0 t of it before any can reach "
             "where they eat"]
    monkeypatch.setattr(sl.Plan, "gave_up", lambda self, unfed=True: notes)
    assert facts.gave_up_words(valley_plan) == [
        notes[0],
        f"{notes[1]} (1.6 t at Lung Lo pass on 1 Mar 1954; 800 kg at Pha Din pass from 1 Mar "
        "to 2 Mar 1954)"]


def test_food_gone_without_is_noted_by_one_threshold_everywhere(
    valley_plan: sl.Plan, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """3 places x 0.45 kg are noted by the report and by the plan's notes alike (terminal,
    JSON); 0.6 kg at one place by neither."""
    shape = valley_plan.wounded_fed_kg.shape
    no_crews = np.zeros(valley_plan.crew_fed_kg.shape)
    monkeypatch.setattr(sl.Plan, "crew_unfed_kg", lambda self: no_crews)
    for spread, noted in (([0.45, 0.45, 0.45], True), ([0.6], False)):
        missing = np.zeros(shape)
        missing[: len(spread), 0, 0] = spread
        monkeypatch.setattr(sl.Plan, "wounded_unfed_kg", lambda self, m=missing: m)
        in_report = [u for u in unfed(valley_plan) if u.who == "wounded"]
        in_notes = [n for n in valley_plan.gave_up() if n.startswith("wounded not fed")]
        assert (bool(in_report), bool(in_notes)) == (noted, noted)
        if noted:
            assert len(in_report) == 3 and in_report[0].total == pytest.approx(1.35)


def test_the_page_gives_the_solver_s_note_and_the_step_caveat(valley_doc: Any,
                                                              valley_plan: sl.Plan) -> None:
    """The terminal prints how the solver judged its answer (interior point without
    crossover: the duals are approximate) and what planning in steps changes; the page, which
    is what people pass around, said neither. It says them in plain words under the header
    (the solver's own note on hover and in the footer), and names the command in full."""
    note = ("interior point without crossover: optimal by HiGHS's criteria after undoing its "
            "presolve, proven gap 6.3e-09 to the lower bound its dual values give; the dual "
            "values (used to explain shortfalls) are approximate")
    page = render_report(dataclasses.replace(valley_plan, solver_note=note))
    caveats = page.split('<ul class="caveats" id="caveats">')[1].split("</ul>")[0]
    shown = re.sub(r'title="[^"]*"', "", caveats)  # (the hover text holds the note)
    assert "interior point" not in shown and "gap" not in shown
    assert (f'<li title="{escape(note)}">The reasons given for shortfalls (&quot;What binds'
            "&quot;) are approximate; how the solver judged this plan is noted at the foot of "
            "the page.</li>") in caveats
    footer = page.split("<footer>")[1].split("</footer>")[0]
    assert '<p id="solver-note">Solver: interior point without crossover:' in footer
    assert 'proven gap <span class="nowrap">6.3e-09</span> to the lower bound' in footer
    assert "Timing is coarser" not in caveats  # planned day by day
    # Nothing to say of the solver or of steps: the one caveat names the plan the
    # scenario's historical figures are of (its replay).
    (plain,) = re.findall(r'<ul class="caveats" id="caveats">(.*?)</ul>',
                          render_report(valley_plan))
    assert plain.count("<li>") == 1 and "historical figures are of the replay" in plain
    assert 'id="solver-note"' not in render_report(valley_plan)
    stepped = sl.plan(Scenario.model_validate(valley_doc()), step_days=4)
    caveats = render_report(stepped).split('id="caveats">')[1].split("</ul>")[0]
    assert ("<li>Timing is coarser in steps (planned in 4-day steps): a load arrives in the step "
            "that holds its mean arrival, up to half a step early or late on each leg;") in caveats
    assert f"{code('supplyline plan --compare-daily')} shows what the steps change" in caveats


def test_the_mobilized_card_and_the_eaten_chart_say_their_units(page: str) -> None:
    """The card's breakdown read 'northwest 11.7, rear 0' in no unit; the chart's axis,
    'eaten per t delivered (%)', mixed a rate and a share."""
    card = page.split('<div class="label">Mobilized</div>')[1].split("</div></div>")[0]
    breakdown = card.split('<div class="detail">')[1]
    # (each figure and its unit joined by a no-break space: "upper 25" and "t" had wrapped
    # onto two lines)
    assert breakdown and all(part.endswith("\u00a0t") for part in breakdown.split(", "))
    assert all(re.search(r"\d\u00a0t", value) for value in re.findall(
        r'<div class="value[^"]*"[^>]*>([^<]*)</div>', page) if value.endswith("t"))
    chart = page.split('id="chart-eaten"')[1].split("</svg>")[0]
    assert "eaten or burned, % of what arrived" in chart and "per t delivered" not in chart
    assert " t arrived, " in chart and " t delivered," not in chart


def test_deliveries_are_drawn_step_by_step(valley_doc: Any) -> None:
    """Each step's deliveries and demand per day are flat across the step, not a ramp from
    its first day to the next step's."""
    plan = sl.plan(Scenario.model_validate(valley_doc()), step_days=4)
    section = deliveries_section(plan, ReportContext())
    assert section is not None
    chart = ET.fromstring(section.html.split('<div class="scroll-x">')[1].split("</div>")[0])
    (demand,) = chart.findall("polyline")
    points = [tuple(map(float, p.split(","))) for p in (demand.get("points") or "").split()]
    assert len(points) == 2 * plan.steps
    xs = [x for x, _ in points]
    day = (xs[1] - xs[0]) / 4  # the first step is 4 days: 1 to 4 Mar
    assert [(x - xs[0]) / day for x in xs] == pytest.approx([0, 4, 4, 8, 8, 10], abs=0.01)
    assert all(points[i][1] == points[i + 1][1] for i in range(0, len(points), 2))


def test_every_output_lists_the_same_busiest_routes(page: str, valley_plan: sl.Plan) -> None:
    """The terminal listed 8 routes (crumbs of grams among them), the JSON 5, the report
    15: one rule now (Plan.busiest_routes), in all three."""
    import io

    from rich.console import Console

    from supplyline.report.terminal import print_plan_summary

    net = valley_plan.network
    busiest = valley_plan.busiest_routes()
    tonnes = valley_plan.route_tonnes()
    assert busiest and all(tonnes[r] * 1000 >= 0.5 for r in busiest)
    assert [k["route"] for k in valley_plan.kpis()["busiest_routes"]] == \
        [net.route_ids[r] for r in busiest]
    table = page.split('<table id="table-routes">')[1].split("</table>")[0]
    assert table.count("<tr>") - 1 == len(busiest)  # (less the header's)
    console = Console(file=io.StringIO(), width=200)
    print_plan_summary(valley_plan, console)
    text = console.file.getvalue().split("Busiest routes")[1].split("Why demand")[0]
    listed = [line for line in text.splitlines() if " → " in line]
    assert len(listed) - 1 == len(busiest)  # (less the header's)


@pytest.fixture(scope="module")
def tutorial() -> sl.Plan:
    return sl.plan(sl.load("tutorial"))


def _card(page: str, label: str) -> str:
    return page.split(f'<div class="label">{label}</div>')[0].rsplit("<div ", 1)[1]


def test_delivered_is_red_whenever_a_front_goes_short(valley_plan: sl.Plan) -> None:
    """The card turned red only below 99.9 % met: the built-in plan, 4.9 t short of 11,237 t
    (99.96 %) with a red box of why under it, showed it dark. It is red when some front goes
    short of some good on some day (the rule of that box and of the shortfall days); half a
    kg (rounding) is not short."""
    front = valley_plan.network.place_ids.index("front")
    for short_kg, red in ((5.0, True), (0.4, False)):
        consumed = np.array(valley_plan.demand_kg, dtype=float)
        consumed[front, 0, -1] -= short_kg
        plan = dataclasses.replace(valley_plan, consumed_kg=consumed)
        page = render_report(plan)
        assert "(99.9" in page or "(100%)" in page  # met to within 0.1 %
        assert facts.demand_short(plan) is red
        assert _card(page, "Delivered").startswith('class="kpi bad"') is red, short_kg
    assert _card(render_report(valley_plan), "Delivered").startswith('class="kpi bad"')
    # Half a kg short on each of ten days is 5 kg, but no day is short: rounding, as the
    # findings read it (the card had turned red with no finding to say why).
    consumed = np.array(valley_plan.demand_kg, dtype=float)
    consumed[front, 0, -10:] -= 0.5
    spread = dataclasses.replace(valley_plan, consumed_kg=consumed)
    assert not facts.demand_short(spread) and not spread.short_steps()


def test_a_front_is_short_by_one_rule_for_its_days_its_findings_and_the_card(
        tutorial: sl.Plan) -> None:
    """A front 2 kg short of a day's 2,250 kg (within the 0.1 % the shortfall days count as
    met) counted no shortfall day, yet turned "Delivered" red with a finding to explain."""
    front = tutorial.network.place_ids.index("kestrel-town")
    assert tutorial.demand_kg[front, 0, 15] > 2000
    for short_kg, short in ((2.0, False), (5.0, True)):
        consumed = np.array(tutorial.consumed_kg, dtype=float)
        consumed[front, 0, 15] = tutorial.demand_kg[front, 0, 15] - short_kg
        plan = dataclasses.replace(tutorial, consumed_kg=consumed)
        days = plan.kpis()["shortfall_days"]
        assert (days > 0, bool(plan.short_steps()), facts.demand_short(plan)) == \
            (short, short, short), short_kg


def test_the_busiest_routes_caption_counts_the_routes_that_carried_anything(
    tutorial: sl.Plan, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The tutorial's caption read "The 6 routes that carried most, of 8", where the other
    two carried nothing."""
    from supplyline.plan.result import BUSIEST_ROUTES
    from supplyline.report.sections import busiest_words, routes_section

    assert len(tutorial.busiest_routes()) == 6 < BUSIEST_ROUTES
    section = routes_section(tutorial, ReportContext())
    assert section is not None
    assert ('<p class="note">The 6 routes that carried anything (the other 2 carried nothing), '
            "by tonnes dispatched;") in section.html
    assert "of 8" not in section.html
    listed = sl.Plan.busiest_routes
    monkeypatch.setattr(sl.Plan, "busiest_routes",
                        lambda self, count=4: listed(self, count))  # (a plan of many routes)
    assert busiest_words(tutorial) == ("The 4 routes that carried most, of the 6 that carried "
                                       "anything (8 in all)")
    # One route that carried nothing is said in the singular ("the other 1 carried nothing").
    monkeypatch.setattr(sl.Plan, "busiest_routes",
                        lambda self, count=BUSIEST_ROUTES: list(range(7))[:count])
    assert busiest_words(tutorial) == ("The 7 routes that carried anything (the other one "
                                       "carried nothing)")


def test_the_busiest_routes_caption_says_that_arrived_counts_both_ways(
        tutorial: sl.Plan) -> None:
    """On the built-in plan the Tuyen Quang - Yen Bai road read 2,705 t forward, 15.1 t back
    and 2,719 t arrived, more than went forward, and the caption said what forward, drawn
    and days at capacity are, not what arrived is."""
    from supplyline.report.sections import routes_section

    section = routes_section(tutorial, ReportContext())
    assert section is not None
    assert ("t arrived: what reached the far end, both ways, after the expected losses to "
            "strikes and raids.") in section.html


def test_modes_and_goods_are_named_as_the_legends_name_them(valley_plan: sl.Plan,
                                                              page: str) -> None:
    """The routes table and the routes' hover texts said "porter, bicycle" (ids) beside
    "Pack bicycle"; the notebook's summary said "rice" where the report says "Rice"."""
    from supplyline.report.notebook import plan_html

    routes = page.split('<table id="table-routes">')[1].split("</table>")[0]
    assert "<td>Porter, Pack bicycle</td>" in routes.replace(' class=""', "")
    assert "porter, bicycle" not in routes
    hovers = re.findall(r"<title>([^<]*modes: [^<]*)</title>",
                        page.split('id="network-map"')[1])
    assert hovers and all("modes: Porter" in h and "bicycle," not in h for h in hovers)
    summary = plan_html(valley_plan)
    assert "<td>Rice</td>" in summary and "<td>rice</td>" not in summary


def test_the_balance_is_of_goods_as_the_terminal_calls_it(page: str,
                                                          valley_plan: sl.Plan) -> None:
    """"Where the food went" listed truck fuel too, and the terminal called the same table
    "Where the goods went"."""
    from rich.console import Console

    from supplyline.report.terminal import print_plan_summary

    assert '<section id="balance" class="wide"><h2>Where the goods went</h2>' in page
    assert "Where the food went" not in page
    console = Console(width=120, record=True)
    print_plan_summary(valley_plan, console)
    assert "Where the goods went" in console.export_text()


def test_a_report_without_the_replay_s_figures_says_why(tmp_path: Path) -> None:
    """`report --replay pledged --days 10` left out "Model against history" without a word:
    the header now says that the replay's figures are of the whole horizon and are not
    compared (and the page has no table of them)."""
    from typer.testing import CliRunner

    from supplyline import cli

    out = tmp_path / "first-days.html"
    result = CliRunner().invoke(cli.app, ["report", "tutorial", "--replay", "pledged",
                                          "--days", "10", "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    caveats = page.split('<ul class="caveats" id="caveats">')[1].split("</ul>")[0]
    assert ("<li>This plan covers the first 10 days of the scenario&#x27;s 30, and its 2 "
            "historical figures for the replay pledged are of the whole horizon: this report "
            "does not compare them with the plan.") in caveats
    assert 'id="validation"' not in page
    # A plan of the first days made in Python knows it covers them.
    plan = sl.plan(sl.load("tutorial"), replay="pledged", days=10)
    assert ("This plan covers the first 10 days of the scenario&#x27;s 30, and its 2 "
            "historical figures for the replay pledged are of the whole horizon: this report "
            "does not compare them with the plan.") in render_report(plan)
    # Compared, or with no figures for the plan (the plain tutorial plan), nothing is said.
    whole = sl.plan(sl.load("tutorial"), replay="pledged")
    assert "does not compare" not in render_report(whole, sl.validate(whole))
    # A plan of the whole horizon given no comparison is not told of --days.
    given_none = render_report(whole)
    assert ("The scenario has 2 historical figures for the replay pledged, which this report "
            "was not given to compare with the plan") in given_none
    assert code("--days") not in given_none and "--days" not in given_none
    # The Python it names runs as written (it named sl.write_report, which is not there).
    import html

    import supplyline
    written = re.search(r'in Python <code class="words">(.*?)</code>', given_none).group(1)
    python = html.unescape(re.sub(r"<[^>]+>", "", written))
    exec(python, {"sl": sl, "supplyline": supplyline, "plan": whole,
                "path": tmp_path / "given.html"})
    assert 'id="validation"' in (tmp_path / "given.html").read_text(encoding="utf-8")
    assert "does not compare" not in render_report(sl.plan(sl.load("tutorial"), days=3))


def test_a_plain_plan_s_report_names_the_plan_the_historical_figures_are_of() -> None:
    """The built-in scenario's historical figures are all of its replay `historical`: the
    report of its plain plan (the README's first command) had said nothing of them."""
    page = render_report(sl.plan(sl.load("tutorial")))
    caveats = page.split('<ul class="caveats" id="caveats">')[1].split("</ul>")[0]
    assert ("<li>The scenario&#x27;s 2 historical figures are of the replay pledged, not of "
            f"this plan: {code('supplyline report tutorial --replay pledged')} compares "
            "them with the record.</li>") in caveats
    assert 'id="validation"' not in page
    # A scenario of a file is named FILE: its name alone had planned the built-in default.
    mine = sl.load("tutorial").replace({"name": "my-valley"})
    assert (code("supplyline report FILE --replay pledged")
            in render_report(sl.plan(mine)))


def test_the_report_command_names_the_scenario_as_it_was_given(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`supplyline report ./short.yaml` of a file whose name is `tutorial` had suggested
    `supplyline report tutorial --replay pledged`, which plans the built-in: the command
    names the scenario as it was given (in Python, given as ``scenario``)."""
    from typer.testing import CliRunner

    from supplyline import cli
    from supplyline.scenario.load import builtin_text

    monkeypatch.chdir(tmp_path)
    Path("short.yaml").write_text(builtin_text("tutorial"), encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["report", "./short.yaml", "--out", "ts.html"])
    assert result.exit_code == 0, result.output
    said = f"{code('supplyline report ./short.yaml --replay pledged')} compares them"
    assert said in Path("ts.html").read_text(encoding="utf-8")
    plan = sl.plan(sl.load("short.yaml"))
    assert said in render_report(plan, scenario="./short.yaml")
    assert code("supplyline report tutorial --replay pledged") in render_report(plan)


def test_a_long_headline_figure_takes_a_smaller_font() -> None:
    """The built-in plan's 1,051,569 labour-days ran past the edge of its card (135 px of
    text in 120): nine characters or more take the smaller font (the browser's measure is
    in test_layout)."""
    from supplyline.report.html import _kpi

    assert ('<div class="value long" style="font-size: 20.0px">1,051,569</div>'
            in _kpi("Labour-days", "1,051,569"))
    assert '<div class="value">11,232 t</div>' in _kpi("Delivered", "11,232 t")


def test_tags_and_commands_are_not_broken_at_their_hyphens(valley_doc: Any) -> None:
    """A region tag (viet-bac), a command (`plan --compare-daily`) and a number with a power
    of ten (6.3e-09) broke at their hyphen on a phone and in print."""
    from supplyline.report.html import CSS

    doc = valley_doc()
    doc["places"][0]["regions"] = ["viet-bac", "northwest"]
    plan = sl.plan(Scenario.model_validate(doc), step_days=4)
    plan = dataclasses.replace(plan, solver_note="interior point: proven gap 6.3e-09")
    page = render_report(plan)
    assert ('<span class="nowrap">northwest</span>, <span class="nowrap">viet-bac</span>'
            in page)
    assert code("supplyline plan --compare-daily") in page
    assert 'gap <span class="nowrap">6.3e-09</span>' in page
    assert "code, .nowrap { white-space: nowrap; }" in CSS


def test_the_report_says_what_its_region_tonnes_and_its_carriers_eat_are() -> None:
    """The deliveries' legend gave each region's tonnes consumed as "lower (46.5 t)" under
    the card of what each region gave ("lower 49.5 t"); and a plan from the scenario's
    start was told of carriers "a starting State left" without food."""
    page = render_report(sl.plan(sl.load("tutorial")))
    assert re.search(r"lower \([\d.,]+ t consumed\)", page)
    assert "waiting at a place (all of them eat)." in page
    assert "starting State" not in page


def test_the_report_says_what_became_of_the_wounded(page: str, valley_plan: sl.Plan) -> None:
    """A section and a headline card say how many of the wounded reached a hospital, in
    time or late, how many wait or are on the way at the end, and who brought them in (the
    valley's 50 wounded: a few brought in, all late); a plan without wounded has neither."""
    figures = valley_plan.kpis()["wounded"]
    assert figures is not None and figures["reached_late"] > 0
    section = page.split('<section id="wounded" class="">')[1].split("</section>")[0]
    p = persons_text
    for words in (f"{p(figures['arising'])} persons to bring to a hospital within 3 days",
                  f"{p(figures['reached'])} by the end (",
                  # (a figure kept on one line with the word beside it, as in the terminal)
                  f"{p(figures['reached_late'])}{NO_BREAK}of them late",
                  f"{p(figures['waiting'])} waiting, {p(figures['on_the_way'])} on the way; "
                  f"{p(figures['past_limit_at_end'])} of them past their limit",
                  f"Porter{NO_BREAK}{p(figures['reached'])}",
                  f"Field hospital{NO_BREAK}{p(figures['reached'])}"):
        assert escape(words) in section, words
    assert '<a href="#wounded">Wounded</a>' in page
    card = page.split('<div class="label">Wounded at a hospital</div>')[1].split("</div></div>")[0]
    assert (f"{p(figures['reached'])} of {p(figures['arising'])} by the end, "
            f"{p(figures['reached_late'])} late") in card
    assert '<div class="kpi bad"><div class="label">Wounded at a hospital' in page
    from tests.plan.test_physics import _line

    none = render_report(sl.plan(_line(), explain=False))
    assert 'id="wounded"' not in none and "Wounded at a hospital" not in none
