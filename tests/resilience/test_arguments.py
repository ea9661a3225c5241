"""The Python function refuses what the command line's options refuse, naming the argument;
a window may be given as dates, as on the command line."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import supplyline as sl
from supplyline.resilience import resilience


@pytest.fixture(scope="module")
def tutorial() -> sl.Scenario:
    return sl.load("tutorial")


@pytest.mark.parametrize(("given", "says"), [
    ({"k": 0}, "k: expected a whole number ≥ 1, got 0"),
    ({"k": "2"}, "k: expected a whole number ≥ 1, got '2'"),
    ({"budget": -1}, "budget: expected a whole number ≥ 0, got -1"),
    ({"jobs": 0}, "jobs: expected a whole number ≥ 1, got 0"),
    ({"simulate_runs": -5}, "simulate_runs: expected a whole number ≥ 0, got -5"),
    ({"step_days": 0}, "step_days: expected a whole number of days ≥ 1, got 0"),
    ({"daily_days": -1}, "daily_days: expected a whole number of days ≥ 0, got -1"),
    ({"window": (5, 2)}, "window: expected (first, last) days from 0 to 29"),
    ({"window": ("2024-11-02", "soon")}, "window: expected (first, last) days"),
])
def test_a_bad_argument_is_refused_by_name(tutorial: sl.Scenario, given: dict[str, Any],
                                           says: str) -> None:
    """k=0 skipped the worst sets and budget=-1 ran, without a word."""
    with pytest.raises(ValueError, match=says.replace("(", r"\(").replace(")", r"\)")):
        resilience(tutorial, **given)


def test_the_scenario_must_be_one(tutorial: sl.Scenario) -> None:
    with pytest.raises(TypeError, match="scenario: expected a Scenario"):
        resilience("tutorial")  # type: ignore[arg-type]


def test_a_window_may_be_dates(tutorial: sl.Scenario) -> None:
    by_days = resilience(tutorial, k=1, window=(9, 19))
    by_dates = resilience(tutorial, k=1, window=(dt.date(2024, 11, 10), "2024-11-20"))
    assert by_dates.window_dates == by_days.window_dates == ("2024-11-10", "2024-11-20")
    assert [i.extra_shortfall_t for i in by_dates.ranking] == \
        [i.extra_shortfall_t for i in by_days.ranking]
