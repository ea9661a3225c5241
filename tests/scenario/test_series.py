"""Day series and demand over the horizon, against values computed by hand."""

from __future__ import annotations

import datetime as dt
import doctest

import numpy as np
import pytest

import supplyline.scenario.series as series_module
from supplyline.scenario.schema import DaySeriesStep, Demand, Scenario
from supplyline.scenario.series import demand_kg_per_day, series_over_horizon

D0 = dt.date(1954, 3, 1)


def _day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


@pytest.fixture
def horizon() -> Scenario:
    """A ten-day scenario (1954-03-01 to 1954-03-10)."""
    return series_module._example_scenario(days=10)


def test_constant(horizon: Scenario) -> None:
    assert series_over_horizon(7.5, horizon).tolist() == [7.5] * 10


def test_steps_hold_from_their_start(horizon: Scenario) -> None:
    steps = [DaySeriesStep(start=_day(2), value=10), DaySeriesStep(start=_day(5), value=4)]
    assert series_over_horizon(steps, horizon).tolist() == [0, 0, 10, 10, 10, 4, 4, 4, 4, 4]


def test_step_before_the_horizon_holds_from_day_zero(horizon: Scenario) -> None:
    steps = [DaySeriesStep(start=_day(-30), value=3), DaySeriesStep(start=_day(8), value=1),
             DaySeriesStep(start=_day(40), value=99)]
    assert series_over_horizon(steps, horizon).tolist() == [3] * 8 + [1, 1]


def test_tabulated_demand(horizon: Scenario) -> None:
    demand = Demand(front="front", commodity="rice", kg_per_day=100)
    assert demand_kg_per_day(demand, horizon).sum() == 1000


def test_troops_times_ration_within_start_and_end(horizon: Scenario) -> None:
    demand = Demand(
        front="front", commodity="rice", ration_kg_per_person_day=0.9,
        troops=[DaySeriesStep(start=_day(0), value=1000), DaySeriesStep(start=_day(5), value=2000)],
        start=_day(1), end=_day(7),
    )
    expected = [0, 900, 900, 900, 900, 1800, 1800, 1800, 0, 0]
    np.testing.assert_allclose(demand_kg_per_day(demand, horizon), expected)


def test_tiny_demand_total(tiny: Scenario) -> None:
    # troops 1000 from 03-01 and 2000 from 03-06, ration 0.9, demand from 03-02:
    # 4 days × 900 kg + 5 days × 1800 kg.
    assert demand_kg_per_day(tiny.demand[0], tiny).sum() == pytest.approx(4 * 900 + 5 * 1800)


def test_examples_in_docstrings_run() -> None:
    failed, tried = doctest.testmod(series_module)
    assert tried > 0
    assert failed == 0
