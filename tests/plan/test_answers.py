"""Answers users ask: how many units, what it costs, when the front eats, figures in real
units, and explanations that are true (issue 9)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, get_type_hints

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import supplyline as sl
from supplyline.accounting import ways_home
from supplyline.errors import ScenarioError
from supplyline.plan.diagnose import (
    UNFINISHED,
    binding_limits,
    explain_shortfall,
    shortfall_kg,
)
from supplyline.plan.kpis import (
    BurdenKpis,
    CarrierKpis,
    CommodityKpis,
    CostKpis,
    Kpis,
    LabourKpis,
    RouteKpis,
    WoundedKpis,
    WoundedRouteKpis,
)
from supplyline.plan.metrics import compare
from supplyline.plan.model import build_lp, solve_lp
from supplyline.plan.result import read_plan
from supplyline.scenario.load import load_text
from supplyline.scenario.schema import Observed, Scenario
from tests.plan.builders import PORTER, place, route, scenario, village
from tests.plan.test_invariants import _build, small_networks

BICYCLE: dict[str, Any] = {
    "id": "bicycle", "payload_kg": 200.0, "speed_loaded_km_per_day": 25.0,
    "speed_empty_km_per_day": 40.0, "crew_per_unit": 1.0, "rations_kg_per_day": {"rice": 0.8},
    "units_from": "owned",
}


def _one_route(days: int = 30, **extra: Any) -> Scenario:
    return scenario(
        [village("v", 0.0, 1e6, carriers={"bicycle": 200}), place("front", "front", 1.0)],
        [route("v", "front", 60.0, ["porter", "bicycle"])],
        demand_kg_per_day=500.0, days=days, modes=[PORTER, BICYCLE], **extra)


# -- fleet -----------------------------------------------------------------------------------


def test_the_plan_runs_the_fewest_units_it_needs() -> None:
    """A steady demand over one route needs a steady fleet: the peak in service is what the
    throughput needs (units × payload / cycle), not an arbitrary number."""
    result = sl.plan(_one_route())
    assert result.kpis()["shortfall_t"] <= 1.0 + 1e-6  # the two days before the first arrives
    bicycle = result.network.mode_ids.index("bicycle")
    needed = result.fleet_needed()[bicycle]
    # 500 kg a day; a bicycle's cycle is 60/25 + 60/40 = 3.9 days for 200 kg less the food
    # for 2.4 days loaded: per bicycle (200 − 0.8 × 2.4) / 3.9 kg a day.
    per_day = (200.0 - 0.8 * 2.4) / 3.9
    assert needed <= np.ceil(500.0 / per_day) + 2  # the first trips fill the pipeline
    assert result.kpis()["carriers"]["bicycle"]["needed"] == needed
    # Without the fleet term the same plan may run any fleet the labour cost allows.
    free = sl.plan(_one_route(policy={"labour_max_days_per_person": 10_000.0,
                                      "labour_share": 1.0,
                                      "weights": {"fleet_per_unit": 0.0}}))
    assert free.fleet_needed()[bicycle] >= needed - 1e-6


# -- cost -------------------------------------------------------------------------------------


def test_cost_per_tonne_adds_wages_unit_days_km_and_prices() -> None:
    costs = {"currency": "VND", "wage_per_person_day": 2.0, "per_unit_day": {"bicycle": 1.0},
             "per_unit_km": {"bicycle": 0.1}, "prices": [
                 {"place": "v", "commodity": "rice", "per_kg": 0.5}], "weight": 0.0}
    result = sl.plan(_one_route(costs=costs))
    net = result.network
    c = result.costs()
    bicycle = net.mode_ids.index("bicycle")
    unit_days = result.unit_days()  # in service and on the way home
    persons = float((unit_days * net.crew_per_unit).sum())
    assert c["wages"] == pytest.approx(2.0 * persons, rel=1e-6)
    assert c["unit_days"] == pytest.approx(1.0 * unit_days[bicycle], rel=1e-6)
    trips = result.loaded_units + result.empty_units
    km = (trips.sum(axis=1) * result.legs.length_km)[result.leg_mode == bicycle].sum()
    home_km = sum(float((units * way_km).sum()) for (_, way_km), units, m in zip(
        ways_home(net), result.going_home_units, range(net.n_modes),
        strict=True) if m == bicycle)
    assert c["unit_km"] == pytest.approx(0.1 * (km + home_km), rel=1e-6)
    assert c["food_bought"] == pytest.approx(0.5 * result.mobilized_kg().sum(), rel=1e-6)
    delivered_t = result.consumed_kg.sum() / 1000.0
    assert result.cost_per_t() == pytest.approx(c["total"] / delivered_t)
    kpis = result.kpis()
    assert kpis["cost"] is not None and kpis["cost"]["currency"] == "VND"
    assert kpis["cost"]["per_t_delivered"] == pytest.approx(c["total"] / delivered_t)
    _keys_are_the_types(kpis, absent={WoundedKpis, WoundedRouteKpis})  # (no wounded)


def test_the_wounded_figures_hold_exactly_the_keys_of_their_types() -> None:
    """The tutorial's injured: ``kpis()["wounded"]`` and its routes as WoundedKpis and
    WoundedRouteKpis list them."""
    kpis = sl.plan(sl.load("tutorial"), explain=False).kpis()
    _keys_are_the_types(kpis, absent={CostKpis} if kpis["cost"] is None else set())


def _keys_are_the_types(kpis: Kpis, absent: set[type] | None = None) -> None:
    """The key figures hold exactly the keys their types list (supplyline.plan.kpis), in
    every nested record, so that the typed list is the whole truth; each type has a record
    to check, but those ``absent`` (a plan without costs or wounded)."""
    assert set(kpis) == set(get_type_hints(Kpis))
    wounded = kpis["wounded"]
    for typed, records in ((CommodityKpis, kpis["by_commodity"].values()),
                           (CarrierKpis, kpis["carriers"].values()),
                           (BurdenKpis, kpis["most_burdened"]),
                           (RouteKpis, kpis["busiest_routes"]),
                           (CostKpis, [kpis["cost"]] if kpis["cost"] else []),
                           (LabourKpis, [kpis["labour_days_by_part"]]),
                           (WoundedKpis, [wounded] if wounded else []),
                           (WoundedRouteKpis, wounded["routes"] if wounded else [])):
        records = list(records)
        assert records or typed in (absent or set()), typed.__name__
        for record in records:
            assert set(record) == set(get_type_hints(typed)), typed.__name__


def test_a_scenario_that_prices_nothing_has_no_cost() -> None:
    """Without costs the plan's cost is unknown, not 0 USD: plan.json had a cost block of
    zeros in a currency the scenario never named."""
    result = sl.plan(_one_route())
    assert not result.priced() and result.kpis()["cost"] is None


def test_the_largest_burden_is_a_locality_s_even_under_a_replay() -> None:
    """Under a replay the localities' fixed figures may exceed the fairness bound the LP
    lowers: the key figure said 4.8 % where Terrace village gave 100 % of what it could."""
    plan = sl.plan(sl.load("tutorial"), replay="pledged")
    food, labour = plan.burden()
    largest = plan.kpis()["max_burden"]
    assert largest == pytest.approx(max(food.max(), labour.max()))
    assert largest > plan.max_burden + 0.5  # the bound, which the fixed figures exceed


def test_money_weight_trades_cost_against_the_burden() -> None:
    """Bicycles cost money by the km, porters only labour: with money weighed, the plan
    moves work to porters and costs less."""
    costs = {"per_unit_km": {"bicycle": 5.0}}
    cheap = sl.plan(_one_route(costs={**costs, "weight": 0.0}))
    weighed = sl.plan(_one_route(costs={**costs, "weight": 1.0}))
    assert weighed.kpis()["shortfall_t"] == pytest.approx(cheap.kpis()["shortfall_t"],
                                                          abs=1e-3)
    assert weighed.costs()["total"] < cheap.costs()["total"] - 1.0


# -- when the front eats ----------------------------------------------------------------------


def test_the_front_eats_its_stock_before_going_short() -> None:
    """800 kg at the front, 100 kg a day and nothing else: the front eats for 8 days and then
    goes short, never short while stock waits."""
    sc = scenario([village("v", 0.0, 0.0), place("front", "front", 1.0,
                                                  stock_kg={"rice": 800.0})],
                  [route("v", "front", 40.0)], demand_kg_per_day=100.0, days=20)
    result = sl.plan(sc)
    front = result.network.place_ids.index("front")
    short = (result.demand_kg - result.consumed_kg)[front, 0]
    held = result.stock_kg[front, 0]
    assert not ((short > 1e-6) & (held > 1e-6)).any()
    np.testing.assert_allclose(result.consumed_kg[front, 0, :8], 100.0, atol=1e-6)


def test_peak_delivered_counts_arrivals_not_consumption() -> None:
    """Arrivals in a day can exceed what the front eats that day (stock building up for a
    reserve): the peak is of arrivals."""
    sc = _one_route(days=20)
    doc = sc.model_dump(by_alias=True, mode="json")
    doc["demand"][0]["reserves"] = [{"days_of_supply": 10.0, "by": "2020-01-12"}]
    doc["observed"] = [{"id": "peak", "metric": {"kind": "peak_delivered_t_per_day"},
                        "value": 1.0, "unit": "t/day", "source": "test"}]
    result = sl.plan(Scenario.model_validate(doc))
    arrivals = result.arrivals_kg().sum(axis=(0, 1)) / result.step_length
    (peak,) = sl.validate(result)
    assert peak.model == pytest.approx(arrivals.max() / 1000.0)
    assert peak.model > result.consumed_kg.sum(axis=(0, 1)).max() / 1000.0 + 0.1


@pytest.mark.parametrize("step_days", [1, 4])
def test_the_flows_arrive_on_the_day_the_plan_counts_them(step_days: int) -> None:
    """The flows table gave each load the day it would arrive had it left on its step's first
    day; the plan counts it in stock from the step that holds its mean arrival (loads leave
    in the middle of their step), a day or a step later. The table's arrival days now give
    what the plan's arrivals count, step by step."""
    result = sl.plan(_one_route(days=24, policy={"step_days": step_days,
                                                 "daily_start_days": 0}))
    flows = result.flows_frame()
    front = result.network.place_ids.index("front")
    counted = result.arrivals_kg()[front].sum(axis=0)  # [S]
    into = flows[flows["to"] == "front"]
    for s, first in enumerate(result.step_start):
        said = into.loc[into["arrival_day"] == first, "arrived_kg"].sum()
        assert said == pytest.approx(counted[s], abs=1e-2), (s, first)
    assert counted.sum() > 5_000.0
    later = into[into["arrival_day"] >= result.days]  # still on the way at the end
    assert (later["arrival_day"] == result.days).all()


# -- the observed vocabulary and units --------------------------------------------------------


def _observed(*figures: dict[str, Any], **extra: Any) -> Scenario:
    doc = _one_route(**extra).model_dump(by_alias=True, mode="json")
    doc["observed"] = [{"source": "test", "tolerance": 0.0, **f} for f in figures]
    return Scenario.model_validate(doc)


def test_metrics_per_place_window_mode_and_ratio() -> None:
    sc = _observed(
        {"id": "arrived", "metric": {"kind": "arrivals_t", "place": "front",
                                     "start": "2020-01-05", "by": "2020-01-10"},
         "value": 1.0, "unit": "kg"},
        {"id": "trips", "metric": {"kind": "trips", "mode": "bicycle", "place": "v"},
         "value": 1.0, "unit": "trip"},
        {"id": "fleet", "metric": {"kind": "units_in_use", "mode": "bicycle"},
         "value": 1.0, "unit": "units"},
        {"id": "recruited", "metric": {"kind": "units_recruited", "mode": "bicycle"},
         "value": 1.0, "unit": "unit"},
        {"id": "labour", "metric": {"kind": "labour_days"}, "value": 1.0,
         "unit": "person*day"},
        {"id": "fraction", "metric": {"kind": "consumed_t", "per": {"kind": "mobilized_t"}},
         "value": 50.0, "unit": "%"},
        {"id": "eaten-short-tons", "metric": {"kind": "consumed_t"}, "value": 1.0,
         "unit": "short_ton"},
        {"id": "cost", "metric": {"kind": "cost_per_t"}, "value": 1.0, "unit": "VND/kg"},
        costs={"currency": "VND", "wage_per_person_day": 1.0},
    )
    result = sl.plan(sc)
    got = {v.id: v.model for v in sl.validate(result)}
    net = result.network
    front, v = net.place_ids.index("front"), net.place_ids.index("v")
    days = (result.step_start >= 4) & (result.step_start <= 9)
    assert got["arrived"] == pytest.approx(result.arrivals_kg()[front][:, days].sum())
    bicycle = net.mode_ids.index("bicycle")
    legs = (net.arc_from[result.leg_arc] == v) & (result.leg_mode == bicycle)
    assert got["trips"] == pytest.approx(result.loaded_units[legs].sum())
    # Whole units, as the plan reports them (the LP's 57.3 bicycles at once are 58).
    assert got["fleet"] == np.ceil(result.units_in_use()[bicycle].max() - 0.01)
    assert got["recruited"] == np.ceil(result.recruited_units[:, bicycle].sum() - 0.01)
    assert got["fleet"] == result.fleet_needed()[bicycle]
    assert got["labour"] == pytest.approx(result.labour_days()["total"])
    assert got["fraction"] == pytest.approx(
        100.0 * result.consumed_kg.sum() / result.mobilized_kg().sum())
    assert got["eaten-short-tons"] == pytest.approx(result.consumed_kg.sum() / 907.18474)
    assert got["cost"] == pytest.approx(result.cost_per_t() / 1000.0)


def test_units_are_counted_whole_as_the_plan_reports_them() -> None:
    """The tutorial's plan needs 57.3 pack bicycles at once and recruits 8.69 porters: it
    reports 58 and 9, and a record of 58 and 9 at tolerance 0 failed against the LP's
    fractions (then 5.95 porters, when one pool of service days let them serve 29 days
    each)."""
    figures = [{"id": "bikes", "metric": {"kind": "units_in_use", "mode": "bicycle"},
                "value": 58, "unit": "unit", "source": "the plan's own count"},
               {"id": "porters", "metric": {"kind": "units_recruited", "mode": "porter"},
                "value": 9, "unit": "unit", "source": "the plan's own count"}]
    plan = sl.plan(sl.load("tutorial").replace({"observed": figures}))
    assert plan.fleet_needed().tolist() == [6, 58]
    assert plan.recruited_units[:, 0].sum() == pytest.approx(8.69, abs=0.01)
    assert [(v.model, v.result) for v in sl.validate(plan)] == [(58, "pass"), (9, "pass")]


def test_a_figure_in_other_units_gets_the_same_verdict() -> None:
    """1 t = 1.10231 short tons: the same figure written in either unit passes or fails
    alike, the tolerance converted with it."""
    result = sl.plan(_one_route())
    eaten_t = result.consumed_kg.sum() / 1000.0
    for value, tolerance, unit in ((eaten_t + 0.5, 0.6, "t"),
                                   ((eaten_t + 0.5) * 1.1023113, 0.6 * 1.1023113, "short_ton"),
                                   ((eaten_t + 0.5) * 1000.0, 600.0, "kg")):
        for share, verdict in ((1.0, True), (0.5, False)):
            figure = Observed.model_validate({
                "id": "x", "metric": {"kind": "consumed_t"}, "value": value,
                "tolerance": tolerance * share, "unit": unit, "source": "test"})
            assert compare(result, figure).passed is verdict, unit


TUTORIAL = Path(sl.__file__).parent / "scenario" / "builtin" / "tutorial.yaml"
TUTORIAL_FIGURE = """  - id: extra
    metric: {kind: arrivals_t}
    value: 3
    unit: UNIT
    source: test
"""


@pytest.mark.parametrize(("unit", "expected"), [
    ("furlong", "observed[2]"), ("parsecs of rice", "observed[2]"),
    ("person*day", "observed[2]"), ("USD/t", "observed[2]")])
def test_an_unknown_or_mismatched_unit_is_a_located_error(unit: str, expected: str) -> None:
    text = TUTORIAL.read_text(encoding="utf-8")
    bad = text + TUTORIAL_FIGURE.replace("UNIT", repr(unit))
    with pytest.raises(ScenarioError) as caught:
        load_text(bad, "tutorial.yaml")
    message = str(caught.value)
    assert expected in message and "line" in message and repr(unit) in message


def test_a_cost_figure_in_another_currency_is_a_located_error() -> None:
    text = TUTORIAL.read_text(encoding="utf-8")
    figure = TUTORIAL_FIGURE.replace("arrivals_t", "cost_per_t").replace("UNIT", "USD/t")
    costs = "costs: {currency: VND, wage_per_person_day: 20000}\n"  # (a figure about money
    # only where something costs money)
    with pytest.raises(ScenarioError, match=r"observed\[2\]\.unit.*VND.*'USD/t'"):
        load_text(text + figure + costs, "tutorial.yaml")
    assert load_text(text + figure.replace("USD", "VND") + costs,
                     "tutorial.yaml").observed[2].unit == "VND/t"


# -- explanations -----------------------------------------------------------------------------


def _activity(lp: Any, x: np.ndarray) -> np.ndarray:
    return np.asarray(lp.assembled.matrix @ x)


def _loosened(lp: Any, rows: list[int], cols: list[int]) -> Any:
    """The LP with the named rows' bounds and columns' upper bounds moved out by their own
    size (a relaxation of the limit, not its removal)."""
    a = lp.assembled
    lower, upper = a.row_lower.copy(), a.row_upper.copy()
    upper[rows] += np.maximum(np.abs(upper[rows]), 10.0)
    lower[rows] -= np.maximum(np.abs(lower[rows]), 10.0)
    v_upper = lp.variables.upper.copy()
    v_upper[cols] = 2.0 * v_upper[cols] + 10.0
    return replace(lp, assembled=replace(a, row_lower=lower, row_upper=upper),
                   variables=replace(lp.variables, upper=v_upper))


@settings(max_examples=6, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(small_networks())
def test_each_named_limit_is_at_its_bound_and_relaxing_it_reduces_the_shortfall(
        spec: dict[str, Any]) -> None:
    lp = build_lp(sl.compile_network(_build(spec)))
    sol = solve_lp(lp)
    base = shortfall_kg(lp, sol.x)
    limits, verified = binding_limits(lp, sol)
    assert verified
    if base <= 1.0:
        return
    r = _activity(lp, sol.x)
    a = lp.assembled
    for limit in limits:
        for row in limit.rows:
            at = min(abs(r[row] - a.row_upper[row]), abs(r[row] - a.row_lower[row]))
            assert at <= 1e-5 * (1 + abs(a.row_upper[row]) if np.isfinite(a.row_upper[row])
                                 else 1 + abs(a.row_lower[row])), limit.text
        for col in limit.columns[:1]:
            assert np.isfinite(lp.variables.upper[col])
        assert any(sol.x[c] >= lp.variables.upper[c] - 1e-5 * (1 + lp.variables.upper[c])
                   for c in limit.columns) or not limit.columns, limit.text
        looser = solve_lp(_loosened(lp, limit.rows, limit.columns))
        assert shortfall_kg(lp, looser.x) < base - 1e-3, limit.text


def test_unconfirmed_limits_leave_out_capacities_after_the_last_shortfall(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A large plan names its limits unconfirmed, by their duals: the built-in scenario's
    shortfalls of December were put on a road that opened in January. A capacity binding
    only after the last step that goes short is no longer named then."""
    import importlib

    diagnose = importlib.import_module("supplyline.plan.diagnose")
    sc = scenario([village("v", 0.0, 1e6), place("front", "front", 1.0)],
                  [route("v", "front", 40.0, capacity_tonnes_per_day=0.15)],
                  demand_kg_per_day=100.0, days=12,
                  policy={"labour_max_days_per_person": 10_000.0, "labour_share": 1.0})
    lp = build_lp(sl.compile_network(sc))
    sol = solve_lp(lp)
    last = diagnose._last_short_step(lp, sol.x)
    assert last is not None

    def steps(limits: list[Any]) -> set[int]:
        a = lp.assembled
        out = set()
        for limit in limits:
            for row in limit.rows:
                b = int(np.searchsorted(a.offsets, row, side="right") - 1)
                block = a.blocks[b]
                if block.family == "route_tonnage":
                    out.add(int(block.keys[row - a.offsets[b], 1]))
        return out

    every = steps(diagnose.candidates(lp, sol))
    assert every and max(every) > 0
    named = steps(diagnose.candidates(lp, sol, until_step=0))
    assert named <= {0}
    monkeypatch.setattr(diagnose, "VERIFY_COLUMNS", 0)  # as a large plan: unconfirmed
    limits, verified = binding_limits(lp, sol)
    assert not verified and steps(limits) <= set(range(last + 1))


def test_a_locality_at_the_fairness_bound_is_not_named_when_a_route_holds_the_food() -> None:
    """The old explanation named 'labour of v exhausted' whenever the fairness row bound
    (the largest burden is minimized, so the most burdened locality is always at it); here
    the pass's capacity holds the food back and more labour would change nothing."""
    sc = scenario(
        [village("v", 0.0, 1e6, population=100_000.0), place("front", "front", 1.0)],
        [route("v", "front", 40.0, capacity_movements_per_day=10.0, id="pass")],
        demand_kg_per_day=1000.0, days=30)
    result = sl.plan(sc)
    (finding,) = result.findings
    assert any("route pass" in b for b in finding.binding)
    assert not any("labour of v" in b for b in finding.binding)


def test_re_solves_that_run_out_of_time_name_the_candidates_unconfirmed() -> None:
    """The re-solves are bounded (a stalled dual simplex held a 1-second plan for more than
    ten minutes): out of time, the limits with the largest duals are named, and said to be
    unconfirmed."""
    sc = scenario(
        [village("v", 0.0, 1e6, population=100_000.0), place("front", "front", 1.0)],
        [route("v", "front", 40.0, capacity_movements_per_day=10.0, id="pass")],
        demand_kg_per_day=1000.0, days=30)
    lp = build_lp(sl.compile_network(sc))
    sol = solve_lp(lp)
    limits, verified = binding_limits(lp, sol, seconds=1e-9)
    assert not verified and any("route pass" in limit.text for limit in limits)
    result = read_plan(lp, sol, None)
    explain_shortfall(lp, sol, result, seconds=1e-9)
    (finding,) = result.findings
    assert finding.binding[-1] == UNFINISHED


def test_plan_output_json_and_report_give_the_fleet_and_the_cost_per_tonne() -> None:
    import io
    import json

    from rich.console import Console

    from supplyline.report import print_plan_summary
    from supplyline.report.html import header

    result = sl.plan(_one_route(costs={"currency": "VND", "wage_per_person_day": 3.0}))
    per_t = result.cost_per_t()
    assert per_t is not None and per_t > 0
    out = io.StringIO()
    print_plan_summary(result, Console(file=out, width=80))
    text = out.getvalue()
    assert "needed" in text and "VND per tonne delivered" in text
    assert f"{result.fleet_needed()[1]:,.0f}" in text
    doc = json.loads(result.to_json())
    assert doc["kpis"]["cost"]["per_t_delivered"] == pytest.approx(per_t)
    assert doc["kpis"]["carriers"]["bicycle"]["needed"] == result.fleet_needed()[1]
    page = header(result)
    assert "Fleet needed" in page and "Cost per tonne" in page and "VND" in page


@pytest.mark.parametrize(("metric", "words"), [
    ({"kind": "consumed_t", "mode": "bicycle"}, "no mode for metric consumed_t"),
    ({"kind": "cost_per_t", "commodity": "rice"}, "no commodity for metric cost_per_t"),
    ({"kind": "units_in_use"}, "mode for metric units_in_use"),
    ({"kind": "arrivals_t", "start": "2020-01-10", "by": "2020-01-05"},
     "by on or after its start"),
    ({"kind": "trips", "per": {"kind": "days_from"}}, "start for metric days_from"),
])
def test_a_metric_says_what_it_needs_and_refuses_what_it_ignores(metric: dict[str, Any],
                                                                  words: str) -> None:
    from pydantic import ValidationError

    from supplyline.scenario.schema import Metric

    with pytest.raises(ValidationError, match=words):
        Metric.model_validate(metric)


def test_a_re_solve_highs_cannot_call_optimal_runs_again_with_crossover() -> None:
    """Without crossover HiGHS may stop at an interior answer it cannot call optimal
    ('Unknown') or on a numerical failure near the optimum: that re-solve runs once more
    with crossover, rather than leaving a limit that binds unconfirmed."""
    import highspy

    from supplyline.plan import diagnose

    sc = scenario(
        [village("v", 0.0, 1e6, population=100_000.0), place("front", "front", 1.0)],
        [route("v", "front", 40.0, capacity_movements_per_day=10.0, id="pass")],
        demand_kg_per_day=1000.0, days=30)
    lp = build_lp(sl.compile_network(sc))
    resolver = diagnose.Resolver(lp)
    limit = next(c for c in diagnose.candidates(lp, solve_lp(lp)) if "route pass" in c.text)
    honest = resolver.shortfall_without(limit)
    assert honest is not None and resolver.base_kg is not None
    assert honest < resolver.base_kg - 1.0

    class Unsure:
        """The HiGHS instance, but its first answer is 'Unknown'."""

        def __init__(self, h: Any) -> None:
            self.h, self.runs = h, []

        def __getattr__(self, name: str) -> Any:
            return getattr(self.h, name)

        def crossover(self) -> str:
            value = self.h.getOptionValue("run_crossover")  # (status, value) in some versions
            return str(value[-1] if isinstance(value, tuple) else value)

        def run(self) -> Any:
            self.runs.append(self.crossover())
            return self.h.run()

        def getModelStatus(self) -> Any:  # (HiGHS's name)
            if len(self.runs) == 1:
                return highspy.HighsModelStatus.kUnknown
            return self.h.getModelStatus()

    unsure = Unsure(resolver.h)
    resolver.h = unsure
    assert resolver.shortfall_without(limit) == pytest.approx(honest, abs=1.0)
    assert unsure.runs == ["off", "on"]
    assert unsure.crossover() == "off"
