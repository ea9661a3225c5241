"""Planning in steps of several days: the grid, when trips arrive, and what a step sums."""

from __future__ import annotations

import numpy as np
import pytest

import supplyline as sl
from supplyline.plan.variables import arrival_steps
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


def test_trips_arrive_in_the_step_nearest_their_arrival_day_and_never_the_same_step() -> None:
    start = np.array([0, 1, 2, 5, 8])
    length = np.array([1.0, 1.0, 3.0, 3.0, 3.0])
    got = arrival_steps(np.array([1, 4, 30]), start, length)
    # 1 day: the next day while steps are days, the next step later on.
    assert got[0].tolist() == [1, 2, 3, 4, 5]
    # 4 days from day 0 reach day 4, in the later half of step 2 (days 2-4): step 3. From
    # day 2, day 6 is in the earlier half of step 3 (days 5-7): step 3. From day 5, day 9 is
    # in the earlier half of step 4; from day 8 it ends after the horizon (5 = never).
    assert got[1].tolist() == [3, 3, 3, 4, 5]
    assert got[2].tolist() == [5, 5, 5, 5, 5]


def test_step_days_one_is_day_by_day() -> None:
    net = sl.compile_network(_scenario(step_days=1, daily_start_days=5))
    assert net.steps == 30
    got = arrival_steps(np.array([1, 3]), net.step_start, net.step_length)
    assert got[:, 0].tolist() == [1, 3]
