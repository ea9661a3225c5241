"""Invariants of the planner on random small networks (Hypothesis)."""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, reject, settings
from hypothesis import strategies as st

import supplyline as sl
from supplyline.errors import PlanError
from supplyline.network import compile_network
from supplyline.plan import model
from supplyline.plan.model import build_lp, solve_lp
from supplyline.plan.result import SHOWN, read_plan
from supplyline.plan.solvers import assess
from supplyline.scenario.schema import RESOLUTION
from tests.plan.builders import PORTER, place, route, scenario, village

BICYCLE: dict[str, Any] = {
    "id": "bicycle", "payload_kg": 200.0, "speed_loaded_km_per_day": 25.0,
    "speed_empty_km_per_day": 40.0, "crew_per_unit": 1.0, "rations_kg_per_day": {"rice": 0.8},
    "units_from": "owned",
}


def amounts(most: float) -> st.SearchStrategy[float]:
    """Quantities from 0 to ``most``, as a scenario holds them: 0 or at least RESOLUTION."""
    return st.floats(0.0, most).map(lambda value: value if value >= RESOLUTION else 0.0)


@st.composite
def small_networks(draw: st.DrawFn) -> dict[str, Any]:
    n_villages = draw(st.integers(1, 3))
    villages = [
        village(f"v{i}", float(i), draw(amounts(30_000.0)),
                carriers={"bicycle": draw(st.integers(0, 20))},
                production_kg_per_day={"rice": draw(amounts(300.0))},
                population=draw(amounts(2000.0)))
        for i in range(n_villages)
    ]
    places = [*villages, place("relay", "depot", 5.0), place("front", "front", 6.0,
              stock_kg={"rice": draw(amounts(5000.0)), "greens": 100.0})]
    routes = [
        route(f"v{i}", "relay", draw(st.floats(10.0, 150.0)), ["porter", "bicycle"],
              capacity_movements_per_day=draw(st.floats(1.0, 200.0)))
        for i in range(n_villages)
    ]
    routes.append(route("relay", "front", draw(st.floats(10.0, 150.0)), ["porter", "bicycle"],
                        capacity_movements_per_day=draw(st.floats(1.0, 200.0))))
    step_days = draw(st.sampled_from([1, 1, 2, 3, 7]))
    return {
        "places": places,
        "routes": routes,
        "demand": draw(st.floats(50.0, 3000.0)),
        "days": draw(st.integers(10, 40)),
        "decay": draw(amounts(0.2)),
        "step_days": step_days,
        "daily_start_days": draw(st.integers(0, 8)) if step_days > 1 else 0,
        # the modes whose carriers carry their food for the way back (docs/model.md)
        "return_carried": sorted(draw(st.sets(st.sampled_from(["porter", "bicycle"])))),
    }


def _build(spec: dict[str, Any], capacity_scale: float = 1.0, carrier_scale: int = 1,
           ) -> sl.Scenario:
    routes = [
        {**r, "capacity_movements_per_day": r["capacity_movements_per_day"] * capacity_scale}
        for r in spec["routes"]
    ]
    places = [
        {**p, "carriers": {m: n * carrier_scale for m, n in p.get("carriers", {}).items()}}
        for p in spec["places"]
    ]
    carried = spec.get("return_carried", [])
    modes = [{**m, "return_food": "carried" if m["id"] in carried else "fed_there"}
             for m in (PORTER, BICYCLE)]
    return scenario(
        places, routes, spec["demand"], days=spec["days"], modes=modes,
        commodities=[{"id": "rice"}, {"id": "greens", "decay_per_day": spec["decay"]}],
        policy={"labour_max_days_per_person": 30.0, "labour_share": 0.3,
                "subsistence_kg_per_person_day": {"rice": 0.3},
                "step_days": spec.get("step_days", 1),
                "daily_start_days": spec.get("daily_start_days", 0)},
    )


COMMON = settings(max_examples=25, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow])


def _plan(sc: sl.Scenario, solver: str = "ipm", **options: Any) -> sl.Plan:
    """``sl.plan`` as it is, but for its diagnosis of a shortfall (``explain_shortfall``,
    which re-solves the LP once for each limit it may name: three quarters of these tests'
    time). It only adds ``findings``, which the invariants below do not read: the solution,
    the balance and the KPIs are the plan's own. The diagnosis on these random networks is
    still run, by ``sl.plan``, in
    ``test_no_good_arrives_before_it_can_and_what_cannot_be_met_goes_short``."""
    with pytest.MonkeyPatch.context() as patch:  # raises if sl.plan no longer calls it so
        patch.setattr(importlib.import_module("supplyline.plan"), "explain_shortfall",
                      lambda *args, **kwargs: None)
        return sl.plan(sc, solver=solver, **options)


@COMMON
@given(small_networks())
def test_stocks_never_negative_and_every_kg_accounted_for(spec: dict[str, Any]) -> None:
    result = _plan(_build(spec))
    assert result.stock_kg.min() >= -1e-6
    assert result.cargo_kg.min() >= -1e-6
    b = result.balance_kg()
    sources = b["initial"] + b["mobilized"]
    uses = (b["consumed"] + b["eaten"] + b["burned"] + b["spoiled"] + b["lost"]
            + b["final_stock"])
    np.testing.assert_allclose(uses, sources, rtol=1e-6, atol=1e-3)
    # Never more consumed than demanded, never more given than the locality can spare.
    assert (result.consumed_kg <= result.demand_kg + 1e-6).all()
    net = result.network
    assert (result.given_kg <= net.giveable_kg[:, result.goods, :] + 1e-6).all()


@COMMON
@given(small_networks())
@example(
    spec={'places': [{'id': 'v0',
       'kind': 'locality',
       'lat': 0.0,
       'lon': 0.0,
       'population': 1e-09,
       'stock_kg': {'rice': 0.0},
       'carriers': {'bicycle': 1},
       'production_kg_per_day': {'rice': 1.0}},
      {'id': 'relay', 'kind': 'depot', 'lat': 0.0, 'lon': 5.0},
      {'id': 'front',
       'kind': 'front',
       'lat': 0.0,
       'lon': 6.0,
       'stock_kg': {'rice': 1.0, 'greens': 100.0}}],
     'routes': [{'from': 'v0',
       'to': 'relay',
       'length_km': 85.0,
       'modes': ['porter', 'bicycle'],
       'capacity_movements_per_day': 1.0},
      {'from': 'relay',
       'to': 'front',
       'length_km': 10.0,
       'modes': ['porter', 'bicycle'],
       'capacity_movements_per_day': 1.0}],
     'demand': 50.0,
     'days': 34,
     'decay': 0.0},
).via("tiny population: labour pool below a millionth of a person")
def test_more_capacity_or_carriers_never_increase_shortfall(spec: dict[str, Any]) -> None:
    base = _plan(_build(spec)).kpis()["shortfall_t"]
    wider = _plan(_build(spec, capacity_scale=2.0)).kpis()["shortfall_t"]
    more = _plan(_build(spec, carrier_scale=2)).kpis()["shortfall_t"]
    assert wider <= base + 1e-6
    assert more <= base + 1e-6


@COMMON
@given(small_networks())
def test_the_default_solve_agrees_with_the_dual_simplex(spec: dict[str, Any]) -> None:
    """The planner's interior point (with crossover, or its checked interior answer where
    crossover's clean-up is stopped) and HiGHS's dual simplex, two algorithms, give the same
    optimum and the same shortfall."""
    sc = _build(spec)
    default, simplex = _plan(sc, solver="ipm"), _plan(sc, solver="simplex")
    assert default.objective == pytest.approx(simplex.objective, rel=1e-6, abs=1e-6)
    assert default.kpis()["shortfall_t"] == pytest.approx(simplex.kpis()["shortfall_t"],
                                                          abs=1e-3)


def _two_villages(v0: dict[str, Any], v1: dict[str, Any], km: float, trips: float,
                  demand: float, days: int, step_days: int) -> dict[str, Any]:
    """A spec of ``small_networks``: two villages 10 km from the relay, the front ``km``
    beyond it."""
    villages = [{"id": pid, "kind": "locality", "lat": 0.0, "lon": float(i), **extra}
                for i, (pid, extra) in enumerate((("v0", v0), ("v1", v1)))]
    return {
        "places": [*villages, {"id": "relay", "kind": "depot", "lat": 0.0, "lon": 5.0},
                   {"id": "front", "kind": "front", "lat": 0.0, "lon": 6.0,
                    "stock_kg": {"rice": 0.0, "greens": 100.0}}],
        "routes": [*({"from": pid, "to": "relay", "length_km": 10.0,
                      "modes": ["porter", "bicycle"], "capacity_movements_per_day": 1.0}
                     for pid in ("v0", "v1")),
                   {"from": "relay", "to": "front", "length_km": km,
                    "modes": ["porter", "bicycle"], "capacity_movements_per_day": trips}],
        "demand": demand, "days": days, "decay": 0.0, "step_days": step_days,
        "daily_start_days": 0,
    }


def _village(population: float, rice_kg: float, bicycles: int, grows: float,
             ) -> dict[str, Any]:
    return {"population": population, "stock_kg": {"rice": rice_kg},
            "carriers": {"bicycle": bicycles}, "production_kg_per_day": {"rice": grows}}


@COMMON
@given(small_networks())
@example(spec=_two_villages(_village(0.0, 0.0, 0, 116.0), _village(0.0, 0.0, 0, 0.5),
                            10.0, 1.0, 51.0, 10, 1)).via(
    "nothing can move; HiGHS's optimal interior answer broke a row by 1.9e-6 once undone")
@example(spec=_two_villages(_village(999.0, 13324.0, 1, 0.0), _village(0.0, 0.0, 0, 0.0),
                            19.0, 2.0, 1082.0, 36, 7)).via(
    "weekly steps; HiGHS's optimal interior answer broke a row by 1.0e-6 once undone")
def test_the_interior_answer_without_crossover_agrees_and_proves_its_gap(
        spec: dict[str, Any]) -> None:
    """What the planner takes for LPs of 20,000 columns or more (the interior point without
    crossover, judged by its violations and duality gap) gives, on random small networks,
    the dual simplex's optimum and shortfall; its note gives the gap its own duals prove, or
    says that none can be (a column the rows leave unbounded, such as a unit recruited and
    released again in one step, with a reduced cost a rounding below 0). An answer HiGHS
    calls optimal that breaks a row by more than the planner accepts once HiGHS has undone
    its presolve goes through crossover."""
    lp = build_lp(compile_network(_build(spec)))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(model, "INTERIOR_ONLY_COLUMNS", 0)
        interior = solve_lp(lp, "ipm")
    simplex = solve_lp(lp, "simplex")
    assert interior.objective == pytest.approx(simplex.objective, rel=1e-6, abs=1e-6)
    short = [read_plan(lp, sol, None).kpis()["shortfall_t"] for sol in (interior, simplex)]
    assert short[0] == pytest.approx(short[1], abs=1e-3)
    judged = assess(lp, interior.x, interior.row_dual)
    assert judged.violation <= model.ACCEPT_VIOLATION
    if interior.note:  # taken without crossover (else crossover ran: a basic solution)
        if np.isfinite(judged.bound):
            assert judged.gap <= 1e-6
            assert f"proven gap {judged.gap:.1e}" in interior.note
        else:
            assert "no finite lower bound could be proven" in interior.note


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(8, 14), st.integers(10, 20), st.integers(0, 2**16))
def test_the_interior_answer_agrees_on_medium_synthetic_scenarios(places: int, days: int,
                                                                  seed: int) -> None:
    """The same on the benchmarks' synthetic scenarios (several thousand columns, three
    modes with fuel, two goods, an air threat): the optimum, the shortfall, a proven gap."""
    from supplyline.scenario.synthetic import synthetic_scenario

    lp = build_lp(compile_network(synthetic_scenario(places, days, seed=seed)))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(model, "INTERIOR_ONLY_COLUMNS", 0)
        interior = solve_lp(lp, "ipm")
    simplex = solve_lp(lp, "simplex")
    assert interior.objective == pytest.approx(simplex.objective, rel=1e-6)
    short = [read_plan(lp, sol, None).kpis()["shortfall_t"] for sol in (interior, simplex)]
    assert short[0] == pytest.approx(short[1], rel=1e-4, abs=1e-3)
    judged = assess(lp, interior.x, interior.row_dual)
    assert judged.violation <= model.ACCEPT_VIOLATION
    assert np.isfinite(judged.bound) and judged.gap <= 1e-6
    assert f"proven gap {judged.gap:.1e}" in interior.note


def test_a_basic_answer_proves_its_gap_with_the_time_units_bring() -> None:
    """Crossover's duals price the time a trip's units bring (``spare``, bounded by no row
    either way) at -2e-12 on the benchmarks' smallest synthetic scenario: far inside the
    solvers' tolerances, not a reason to give up the bound (it was -3.3e7)."""
    from supplyline.scenario.synthetic import synthetic_scenario

    lp = build_lp(compile_network(synthetic_scenario(12, 20)))
    basic = solve_lp(lp, "ipm")
    judged = assess(lp, basic.x, basic.row_dual)
    assert np.isfinite(judged.bound) and judged.gap <= 1e-6


@COMMON
@given(small_networks())
def test_no_good_arrives_before_it_can_and_what_cannot_be_met_goes_short(
        spec: dict[str, Any]) -> None:
    """`supplyline.plan.reach`: no plan brings a good to the front before the step its
    earliest arrival on the trips the plan can make names (never before the quickest
    legs'), so what the front needs before then beyond its own stock goes short, at least
    as much as `check` says."""
    from supplyline.plan.feed import fed_legs
    from supplyline.plan.reach import earliest_arrival, held_at_start, unavoidable_short

    try:
        result = sl.plan(_build(spec))
    except PlanError:  # a network it cannot solve (none known since UNSOLVED below)
        reject()
    net = result.network
    p = net.place_ids.index("front")
    quickest, _ = earliest_arrival(result.legs, held_at_start(net), p)
    first, _ = earliest_arrival(fed_legs(build_lp(net)), held_at_start(net), p)
    assert (first >= quickest).all()
    into = result.legs.dest == p
    musts = {}
    for g in range(result.goods.size):
        arriving = np.zeros(net.steps + 1)
        np.add.at(arriving, result.legs.cargo_arrives[into], result.cargo_kg[into, g, :])
        assert (arriving[:first[g]] <= SHOWN).all()  # nothing but an interior point's crumbs
        before = slice(0, int(first[g]))
        must = (result.demand_kg[p, g, before].sum()
                - net.initial_stock_kg[p, result.goods[g]])
        short = (result.demand_kg[p, g, before] - result.consumed_kg[p, g, before]).sum()
        assert short >= must - 1e-3 * (1.0 + must)
        musts[net.commodity_ids[result.goods[g]]] = must
    said = {net.commodity_ids[net.goods[x.good]]: x.kg for x in unavoidable_short(net)}
    assert set(said) == {good for good, must in musts.items() if must > 1.0}
    for good, kg in said.items():
        assert kg == pytest.approx(musts[good])


#: A small network drawn by the test above (1 in about 370 of its draws) on which every
#: HiGHS method stopped without a plan ("Unknown": interior point made no progress near
#: the optimum, the dual simplex loses feasibility after postsolve) and COIN-OR CLP's dual
#: simplex and barrier both say optimal at different objectives (1,128,367 and 905,605).
#: Village v0 has no people (so no porters, no labour and nothing kept) but grows rice; v1
#: and v2 grow less than their people need, so they give nothing, and their porters and
#: v2's 9 bicycles can neither wait nor set out (both eat where the unit is). So no unit
#: can ever be in service: the only plans move nothing. Every trip is held at 0 by a
#: combination of rows, not by its bounds, so the LP has no interior and its dual optimum
#: is unbounded. In 2- or 3-day steps it failed; day by day it solved. Since the planner
#: fixes at 0 what a row holds at 0 once nothing can feed its other columns
#: (:func:`~supplyline.plan.feed.held_by_rows`: here the porters in service in the first
#: two days, whose unit-days could go nowhere), the interior point converges. The dual
#: simplex still stops without a plan on it.
UNSOLVED: dict[str, Any] = {
    "places": [
        {
            "id": "v0",
            "kind": "locality",
            "lat": 0.0,
            "lon": 0.0,
            "population": 0.0,
            "stock_kg": {
                "rice": 0.0
            },
            "carriers": {
                "bicycle": 0
            },
            "production_kg_per_day": {
                "rice": 167.08405391446388
            }
        },
        {
            "id": "v1",
            "kind": "locality",
            "lat": 0.0,
            "lon": 1.0,
            "population": 814.8766913719869,
            "stock_kg": {
                "rice": 0.0
            },
            "carriers": {
                "bicycle": 0
            },
            "production_kg_per_day": {
                "rice": 124.25204424487491
            }
        },
        {
            "id": "v2",
            "kind": "locality",
            "lat": 0.0,
            "lon": 2.0,
            "population": 1664.3556578870898,
            "stock_kg": {
                "rice": 814.8766913719869
            },
            "carriers": {
                "bicycle": 9
            },
            "production_kg_per_day": {
                "rice": 57.09308873742175
            }
        },
        {
            "id": "relay",
            "kind": "depot",
            "lat": 0.0,
            "lon": 5.0
        },
        {
            "id": "front",
            "kind": "front",
            "lat": 0.0,
            "lon": 6.0,
            "stock_kg": {
                "rice": 623.2199473652623,
                "greens": 100.0
            }
        }
    ],
    "routes": [
        {
            "from": "v0",
            "to": "relay",
            "length_km": 15.0,
            "modes": [
                "porter",
                "bicycle"
            ],
            "capacity_movements_per_day": 85.878884877415
        },
        {
            "from": "v1",
            "to": "relay",
            "length_km": 55.16111737449908,
            "modes": [
                "porter",
                "bicycle"
            ],
            "capacity_movements_per_day": 90.1942860057313
        },
        {
            "from": "v2",
            "to": "relay",
            "length_km": 99.11383205141419,
            "modes": [
                "porter",
                "bicycle"
            ],
            "capacity_movements_per_day": 8.2568397275201
        },
        {
            "from": "relay",
            "to": "front",
            "length_km": 131.52986184533643,
            "modes": [
                "porter",
                "bicycle"
            ],
            "capacity_movements_per_day": 183.85752549362178
        }
    ],
    "demand": 103.4,
    "days": 34,
    "decay": 0.04507050377157517,
    "step_days": 3,
    "daily_start_days": 2
}


def test_a_network_whose_units_can_never_serve_is_planned() -> None:
    """The plan moves nothing (HiGHS 1.16's interior point stopped without a plan on it
    before the columns the rows hold at 0 were fixed); the interior point alone proves its
    gap on it."""
    net = sl.compile_network(_build(UNSOLVED))
    result = sl.plan(net)
    assert result.status == "optimal"
    assert result.loaded_units.sum() <= 1e-6 and result.cargo_kg.sum() <= 1e-3
    lp = build_lp(net)
    solution = solve_lp(lp, "ipm")
    assert assess(lp, solution.x, solution.row_dual).gap <= 1e-6
