"""Columns that nothing can feed (supplyline.plan.feed): the planner fixes them at 0, and that
changes nothing the LP allows, on random small networks, synthetic scenarios, a plan from a
State with goods and units on the way, and the built-in scenario's first days day by day."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import supplyline as sl
from supplyline.network import compile_network
from supplyline.plan.feed import nothing_can_feed
from supplyline.plan.model import LinearProgram, SolveStatus, build_lp, solve_lp
from supplyline.scenario.whatif import first_days, with_step_days
from tests.plan.test_invariants import _build, small_networks
from tests.plan.test_physics import _line
from tests.simulate.test_state import _quiet_network, _state


def _both(net: sl.Network, state: sl.State | None = None) -> tuple[LinearProgram, float, float]:
    """The LP as the planner builds it, and the dual simplex's optimum without and with the
    columns nothing can feed fixed at 0."""
    free = build_lp(net, state=state, fix_unreachable=False)
    fixed = build_lp(net, state=state)
    objectives = []
    for lp in (free, fixed):
        solution = solve_lp(lp, "simplex")
        assert solution.status is SolveStatus.OPTIMAL
        objectives.append(solution.objective)
    return fixed, objectives[0], objectives[1]


def _fixed(lp: LinearProgram) -> int:
    return int(np.logical_or.reduce(list(nothing_can_feed(lp).values())).sum())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_networks())
def test_fixing_what_nothing_can_feed_keeps_the_optimum_on_small_networks(
        spec: dict[str, Any]) -> None:
    _, free, fixed = _both(compile_network(_build(spec)))
    assert fixed == pytest.approx(free, rel=1e-7, abs=1e-6)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(6, 10), st.integers(8, 14), st.integers(0, 2**16))
def test_and_on_synthetic_scenarios(places: int, days: int, seed: int) -> None:
    """Three modes with fuel, two goods, an air threat that destroys loads."""
    from supplyline.scenario.synthetic import synthetic_scenario

    _, free, fixed = _both(compile_network(synthetic_scenario(places, days, seed=seed)))
    assert fixed == pytest.approx(free, rel=1e-7)


@pytest.mark.parametrize("step_days", [1, 4])
def test_and_from_a_state_with_goods_and_units_on_the_way(step_days: int) -> None:
    net = _quiet_network(step_days)
    _, free, fixed = _both(net, _state(net))
    assert fixed == pytest.approx(free, rel=1e-9)


def test_what_is_on_the_way_feeds_where_it_lands() -> None:
    """Rice and porters on their way to the front land there on the second day, before any
    trip from the village can: the front's stock and the porters' trips from it are fed from
    then on (what a State brings counts), and no rice is there on the first."""
    net = sl.compile_network(_line(days=20))
    start = sl.State.initial(net)
    front, home = net.place_ids.index("front"), net.place_ids.index("v")
    start.transit = sl.state.Transit(
        dest=np.array([front]), mode=np.array([0]), arrive_in_days=np.array([1.5]),
        units=np.array([100.0]), cargo_kg=np.array([[1_500.0]]))
    start.in_service[home, 0] = 100.0
    start.labour_days_left = 100.0 * 60
    lp, free, fixed = _both(net, start)
    assert fixed == pytest.approx(free, rel=1e-9)
    held = nothing_can_feed(lp)
    stock = lp.variables.stock[front, 0]
    assert held["stock"][stock[0]] and not held["stock"][stock[1:]].any()
    # The porters that land there may go home from the second day (none are there before,
    # so no such trip is even laid out on the first).
    away = lp.variables.empty[lp.variables.legs.origin == front][0]
    assert away[0] < 0 and not held["empty"][away[1]]


def test_and_on_the_builtin_first_days_day_by_day() -> None:
    """Thousands of columns fixed (rice where none can be yet, trucks before any can
    arrive); the optimum as it was. Fixing what a trip could have drawn from another trip
    of the same day (the least fixed point, ``in_order``) does change it: the check sees a
    fixing that goes too far."""
    net = compile_network(first_days(with_step_days(sl.load(), 1), 12))
    lp, free, fixed = _both(net)
    assert _fixed(lp) > 1_000
    assert (lp.variables.upper == 0).sum() >= _fixed(lp)
    assert fixed == pytest.approx(free, rel=1e-9)
    too_far = np.logical_or.reduce(list(nothing_can_feed(lp, in_order=True).values()))
    lp.variables.upper[too_far] = 0.0
    assert solve_lp(lp, "simplex").objective > free * (1 + 1e-4)


def test_a_limit_a_diagnosis_frees_holds_no_column_at_0_for_good() -> None:
    """Rain that closes two routes for weeks (capacity 0) made their trips columns the rows
    held at 0: freeing both routes' capacity, as the diagnosis does to see what a limit
    holds back, then still left 13,172 kg short, against 0 without the fixing."""
    from supplyline.plan import diagnose
    from supplyline.scenario import load_text
    from supplyline.scenario.load import builtin_text

    text = builtin_text("tutorial").replace("threats:\n  air:", (
        "threats:\n  rain:\n    - {start: 2024-11-03, end: 2024-11-28, probability_per_day: 1, "
        "speed_factor: 1, capacity_factor: 0, routes: [ridge-road, gorge-path]}\n  air:"))
    net = compile_network(load_text(text, "tutorial.yaml"))
    lp = build_lp(net)
    a = lp.assembled
    rows = tuple(
        int(offset + i) for block, offset in zip(a.blocks, a.offsets, strict=True)
        if block.family == "route_movements" for i, key in enumerate(block.keys)
        if net.route_ids[net.arc_route[int(key[0])]] in ("ridge-road", "gorge-path"))
    resolver = diagnose.Resolver(lp)
    assert rows and resolver.base_kg is not None and resolver.base_kg > 10_000.0
    assert resolver.shortfall_without(diagnose.Limit("both roads", rows=rows)) == \
        pytest.approx(0.0, abs=1.0)
