"""Runs that start from a given State (stocks, units waiting and on the way with their cargo,
what was given, route damage) instead of the scenario's own start."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest

import supplyline as sl
from supplyline.simulate.engine import compile_plan, run_chunk
from tests.simulate.helpers import builtin_document, quiet_tutorial_plan, without_threats

TABLES = (("loaded", "loaded_units"), ("empty", "empty_units"), ("cargo", "cargo_kg"),
          ("stock", "stock_kg"), ("idle", "idle_units"), ("consumed", "consumed_kg"))


def _quiet_network(step_days: int) -> sl.Network:
    doc = without_threats(builtin_document("tutorial"))
    if step_days > 1:
        doc["policy"] = {**doc["policy"], "step_days": step_days, "daily_start_days": 3}
    return sl.compile_network(sl.Scenario.model_validate(doc))


def _state(net: sl.Network) -> sl.State:
    """Part way through the valley's relief: rice and porters at the depot, porters on their
    way to the bridge with rice, rice given by a village, the ridge road half cut."""
    place, mode = net.place_ids.index, net.mode_ids.index
    rice = net.commodity_ids.index("rice")
    porter = mode("porter")
    state = sl.State.initial(net)
    state.stock_kg[place("ridge-depot"), rice] = 2_000.0
    state.stock_kg[place("kestrel-town"), rice] += 400.0
    state.units_idle[place("ridge-depot"), porter] = 10.0
    state.in_service[place("high-village"), porter] = 10.0
    state.transit = sl.state.Transit(
        dest=np.array([place("bridge")]), mode=np.array([porter]),
        arrive_in_days=np.array([1.5]), units=np.array([20.0]),
        cargo_kg=np.array([[300.0 if c == rice else 0.0 for c in range(net.n_commodities)]]))
    state.in_service[place("terrace-village"), porter] = 20.0
    state.given_kg[place("high-village"), rice] = 1_000.0
    state.persons[place("high-village")] = 10.0
    state.persons[place("terrace-village")] = 20.0
    state.labour_days_left[place("high-village"), porter] = 10.0 * 20
    state.labour_days_left[place("terrace-village"), porter] = 20.0 * 20
    state.route_damage[net.route_ids.index("ridge-road")] = 0.5
    state.route_damage_days[net.route_ids.index("ridge-road")] = 1.5
    return state


@pytest.mark.parametrize("step_days", [1, 4])
def test_a_plan_from_a_state_run_from_that_state_is_the_plan(step_days: int) -> None:
    net = _quiet_network(step_days)
    state = _state(net)
    plan = sl.plan(net, state=state)
    rice = net.commodity_ids.index("rice")
    bridge = net.place_ids.index("bridge")
    # The plan does start from the State: the cargo on the way is at the bridge from the
    # step of its arrival, and the damage is in the ridge road's capacity.
    arrives = net.grid.of_time(1.5)
    assert plan.stock_in_kg[bridge, list(plan.goods).index(rice), arrives] == pytest.approx(300.0)
    ridge = net.arc_route == net.route_ids.index("ridge-road")
    assert plan.capacity_factor[ridge, 0].max() < 0.75
    out = run_chunk(compile_plan(plan, state=state), 1, np.random.default_rng(0),
                    threats=False, trace=True)
    for name, attribute in TABLES:
        np.testing.assert_allclose(out[f"trace_{name}"][0], getattr(plan, attribute),
                                   rtol=1e-6, atol=1e-6, err_msg=name)
    assert float(out["units_owed"].max()) < 1e-6 and float(out["goods_owed_kg"].max()) < 1e-6
    result = sl.simulate(plan, runs=2, seed=1, threats=False, state=state,
                         precision="double")
    np.testing.assert_allclose(result.consumed_kg.sum(axis=1), plan.consumed_kg.sum(),
                               rtol=1e-6)
    b = result.balance_kg()
    uses = sum(b[k] for k in ("consumed", "eaten", "burned", "spoiled", "destroyed",
                              "final_stock", "in_transit"))
    np.testing.assert_allclose(uses, b["initial"] + b["given"], rtol=1e-9, atol=1e-6)


def test_cargo_on_the_way_at_the_start_arrives_as_the_state_says() -> None:
    """The plan made from the scenario's start, run from a State with 25 porters and 500 kg
    of rice on their way to the town, arriving 2.5 days in: nothing changes before the step
    of their arrival; from it the town holds the 500 kg (less what spoils) and the porters."""
    plan = quiet_tutorial_plan()
    net = plan.network
    town = net.place_ids.index("kestrel-town")
    rice = net.commodity_ids.index("rice")
    porter = net.mode_ids.index("porter")
    state = sl.State.initial(net)
    state.transit = sl.state.Transit(
        dest=np.array([town]), mode=np.array([porter]), arrive_in_days=np.array([2.5]),
        units=np.array([25.0]),
        cargo_kg=np.array([[500.0 if c == rice else 0.0 for c in range(net.n_commodities)]]))
    state.in_service[net.place_ids.index("high-village"), porter] = 25.0
    g = list(plan.goods).index(rice)
    base = run_chunk(compile_plan(plan), 1, np.random.default_rng(0), threats=False,
                     trace=True)
    moved = run_chunk(compile_plan(plan, state=state), 1, np.random.default_rng(0),
                      threats=False, trace=True)
    arrives = int(net.grid.of_time(2.5))
    assert arrives == 2
    extra = moved["trace_stock"][0, town, g] - base["trace_stock"][0, town, g]
    np.testing.assert_allclose(extra[:arrives], 0.0, atol=1e-9)
    keep = net.kept_share(plan.goods)[g]
    expected = 500.0 * np.concatenate([[1.0], np.cumprod(keep[arrives + 1:])])
    np.testing.assert_allclose(extra[arrives:], expected, rtol=1e-9)
    units = moved["trace_idle"][0, town, porter] - base["trace_idle"][0, town, porter]
    np.testing.assert_allclose(units[:arrives], 0.0, atol=1e-9)
    np.testing.assert_allclose(units[arrives:], 25.0, rtol=1e-9)
    # Every dispatch as planned (the plan does not count on them), and 500 kg more in.
    np.testing.assert_allclose(moved["trace_cargo"], base["trace_cargo"], atol=1e-9)
    np.testing.assert_allclose(moved["initial"] - base["initial"], [[500.0]], rtol=1e-12)


def test_a_state_of_another_day_is_an_error() -> None:
    """Planning and simulating alike: a State stands at the network's start."""
    plan = quiet_tutorial_plan()
    state = sl.State.initial(plan.network)
    state.date = state.date + dt.timedelta(days=3)
    said = re.escape("State.date: expected 2024-11-01 (the network's start), got 2024-11-04")
    with pytest.raises(sl.SimulationError, match=said):
        sl.simulate(plan, runs=2, seed=1, state=state)
    with pytest.raises(sl.PlanError, match=said):
        sl.plan(plan.network, state=state)


def test_a_state_of_the_wrong_types_is_said_at_its_field() -> None:
    """A date as text was refused as "expected 2024-11-01 ..., got 2024-11-01"; a list for an
    array failed deep in the planner ("list indices must be integers"); labour days owed
    below 0 passed; a Scenario for the Network failed on an attribute."""
    import dataclasses

    net = sl.compile_network(sl.load("tutorial"))
    start = sl.State.initial(net)
    for state, said in (
            (dataclasses.replace(start, date="2024-11-01"),
             "State.date: expected a date (datetime.date(2024, 11, 1)), got str '2024-11-01'"),
            (dataclasses.replace(start, stock_kg=start.stock_kg.tolist()),
             "State.stock_kg: expected a NumPy array of shape (8, 2), got list"),
            (dataclasses.replace(start, labour_days_left=np.full((8, 2), -5.0)),
             "State.labour_days_left: expected finite values >= 0, got -5.0 at [0, 0]"),
            (dataclasses.replace(start, labour_days_left=np.zeros(8)),
             "State.labour_days_left: expected shape (8, 2), got (8,)")):
        with pytest.raises(sl.PlanError, match=re.escape(said)):
            sl.plan(net, state=state)
    with pytest.raises(TypeError, match=re.escape("net: expected a Network (sl.compile_netwo")):
        start.check(sl.load("tutorial"))  # type: ignore[arg-type]


def test_a_states_damage_holds_whole_until_repaired() -> None:
    """The one repair rule (hazards.damage_held), for a State as for a strike: the share lost
    holds whole for the days left, the last in part, then none; a State with damage and no
    days left is refused."""
    from supplyline.hazards import damage_held
    from supplyline.plan.start import damage_factor

    net = _quiet_network(1)
    state = sl.State.initial(net)
    ridge = net.route_ids.index("ridge-road")
    state.route_damage[ridge] = 0.5
    state.route_damage_days[ridge] = 1.5
    arcs = net.arc_route == ridge
    np.testing.assert_allclose(damage_factor(net, state)[arcs][:, :3], [[0.5, 0.75, 1.0]] * 2)
    np.testing.assert_allclose(damage_held(np.array([0.4]), np.array([2.0]), 4),
                               [[0.4, 0.4, 0.0, 0.0]])
    state.route_damage_days[ridge] = 0.0
    with pytest.raises(ValueError, match="route_damage_days"):
        state.check(net)


def test_units_a_state_holds_at_a_place_may_wait_there_in_the_first_step() -> None:
    """Waiting is bounded by the units at a place; the units a State holds there at the
    start (the end of the step before) gave it no room in the first step."""
    from supplyline.plan.model import build_lp

    net = _quiet_network(1)
    state = _state(net)
    lp = build_lp(net, state=state)
    blocks = lp.assembled.blocks
    i = next(k for k, b in enumerate(blocks) if b.family == "waiting_where_units_are")
    block = blocks[i]
    depot, porter = net.place_ids.index("ridge-depot"), net.mode_ids.index("porter")
    row = next(r for r, key in enumerate(block.keys)
               if tuple(key) == (depot, porter, 0))
    assert block.upper[row] == pytest.approx(10.0 * float(net.step_length[0]))
    plan = sl.plan(net, state=state)
    assert plan.status == "optimal"
