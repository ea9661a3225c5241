"""Planning in steps of several days: the grid, when trips arrive, and what a step sums."""

from __future__ import annotations

import numpy as np
import pytest

import supplyline as sl
from supplyline.accounting import legs_of
from supplyline.grid import Grid
from tests.plan.builders import place, route, scenario, village


def _scenario(step_days: int, daily_start_days: int = 0, days: int = 30) -> sl.Scenario:
    return scenario(
        [village("v", 0.0, 5_000.0), place("front", "front", 1.0)],
        [route("v", "front", 50.0)],
        demand_kg_per_day=40.0,
        days=days,
        policy={"labour_max_days_per_person": 10_000.0, "labour_share": 1.0,
                "step_days": step_days, "daily_start_days": daily_start_days},
    )


def test_grid_is_daily_first_then_steps_with_a_short_last_step() -> None:
    net = sl.compile_network(_scenario(step_days=4, daily_start_days=3, days=16))
    assert net.step_start.tolist() == [0, 1, 2, 3, 7, 11, 15]
    assert net.step_length.tolist() == [1, 1, 1, 4, 4, 4, 1]
    assert net.step_days == 4


def test_step_amounts_are_sums_of_their_days() -> None:
    daily = sl.compile_network(_scenario(step_days=1))
    stepped = sl.compile_network(_scenario(step_days=7))
    assert stepped.steps == 5  # 4 weeks and 2 days
    assert stepped.demand_kg.sum() == pytest.approx(daily.demand_kg.sum())
    assert stepped.demand_kg[1, 0].tolist() == [280.0] * 4 + [80.0]
    # What a locality may have given by the end of a step is its end day's figure.
    np.testing.assert_allclose(stepped.giveable_kg[..., 0], daily.giveable_kg[..., 6])


def _legs(km: float, step_days: int, daily_start_days: int = 0) -> sl.Plan:
    sc = scenario(
        [village("v", 0.0, 5_000.0), place("front", "front", 1.0)],
        [route("v", "front", km)],
        demand_kg_per_day=40.0,
        days=30,
        policy={"labour_max_days_per_person": 10_000.0, "labour_share": 1.0,
                "step_days": step_days, "daily_start_days": daily_start_days},
    )
    return sl.compile_network(sc)


def test_units_arrive_in_the_step_that_holds_their_arrival_and_cargo_on_average() -> None:
    """A trip leaves at its step's start; the unit is at its destination from the step that
    holds start + travel time (the same step for a short trip: it can go again). Loads leave,
    on average, in the middle of the step: the cargo is there from the step that holds that
    mean arrival, and never before its unit."""
    net = _legs(30.0, 4)  # 1.5 days loaded at 20 km/day, 1.2 empty at 25
    legs = legs_of(net)
    out = int(np.nonzero(legs.origin == 0)[0][0])
    assert legs.days_loaded[out, 0] == pytest.approx(1.5)
    assert legs.arrive_loaded[out, :3].tolist() == [0, 1, 2]
    assert legs.cargo_arrives[out, :3].tolist() == [0, 1, 2]  # 2 + 1.5 < 4: the same step
    far = legs_of(_legs(60.0, 4))  # 3 days: the unit the same step, the load the next
    assert far.arrive_loaded[0, :2].tolist() == [0, 1]
    assert far.cargo_arrives[0, :2].tolist() == [1, 2]
    # Past the horizon: never (the step count).
    assert far.cargo_arrives[0, -1] == net.steps


@pytest.mark.parametrize("name", ["tests/data/tiny.yaml", "tutorial", "synthetic"])
def test_longer_steps_deliver_within_a_tenth_of_the_demand_of_the_day_by_day_plan(
    name: str,
) -> None:
    """Steps of 1 to 7 days move what the day-by-day plan moves, within 10 % of the demand
    (timing is rounded to the step: a load arrives in the step that holds its mean arrival)."""
    if name == "synthetic":
        from supplyline.scenario.synthetic import synthetic_scenario

        sc = synthetic_scenario(places=20, days=20, seed=3)  # short of supply: 76.5 of 86.5 t
    else:
        sc = sl.load(name)
    daily = sl.plan(sl.compile_network(sc, 1)).kpis()
    for step in range(2, 8):
        stepped = sl.plan(sl.compile_network(sc, step)).kpis()
        assert stepped["demand_t"] == pytest.approx(daily["demand_t"])
        assert abs(stepped["delivered_t"] - daily["delivered_t"]) <= 0.1 * daily["demand_t"], (
            step, stepped["delivered_t"], daily["delivered_t"])


def test_the_grid_spreads_a_trip_over_the_steps_it_spans() -> None:
    grid = Grid(10, 4, daily=2)  # steps start on days 0, 1, 2, 6
    parts = grid.overlap(np.array([1.0]), np.array([7.5]))
    assert [(k, float(d[0])) for k, d in parts] == [(0, 1.0), (1, 4.0), (2, 1.5)]
    assert sum(float(d[0]) for _, d in parts) == pytest.approx(6.5)


def test_step_days_one_is_day_by_day() -> None:
    net = _legs(50.0, 1)
    assert net.steps == 30
    legs = legs_of(net)
    out = int(np.nonzero(legs.origin == 0)[0][0])
    assert legs.arrive_loaded[out, 0] == 2  # 2.5 days: in day 2
