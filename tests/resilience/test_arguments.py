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
    ({"k": 0}, "k: expected a whole number from 1 to 6, got 0"),
    ({"k": 7}, "k: expected a whole number from 1 to 6, got 7"),
    ({"k": "2"}, "k: expected a whole number from 1 to 6, got '2'"),
    ({"budget": -1}, "budget: expected a whole number from 0 to 5, got -1"),
    ({"jobs": 0}, "jobs: expected a whole number from 1 to 64, got 0"),
    ({"simulate_runs": -5}, "simulate_runs: expected a whole number from 0 to 1000000, got -5"),
    ({"simulate_runs": 10, "seed": -1}, "seed: expected a whole number >= 0 or None, got -1"),
    # The analysis ran without a word (the command line refuses --seed without --simulate).
    ({"seed": 5}, "seed: acts only with simulate_runs > 0, got simulate_runs=0"),
    # It ran 12 s as if not there (the command line refuses --worst-of with --k 1 too).
    ({"k": 1, "worst_of": "routes"}, "worst_of: acts only on the worst sets (k >= 2) or the "
                                     "protection (budget > 0), got k=1 and budget=0"),
    ({"daily_days": 31, "step_days": 3}, "daily_days: expected at most the horizon (30 days)"),
    # The whole horizon day by day: the steps asked for never began, and nothing said so.
    ({"daily_days": 30, "step_days": 3}, "daily_days: expected fewer days than the horizon "
                                         "(30) with step_days=3, whose steps begin after "
                                         "them, got 30: every day day by day (leave "
                                         "step_days out, or plan fewer days day by day)"),
    ({"step_days": 0}, "step_days: expected a whole number of days ≥ 1, got 0"),
    ({"daily_days": -1}, "daily_days: expected a whole number of days ≥ 0, got -1"),
    ({"window": (5, 2)}, "window: expected a window within the horizon (2024-11-01 to "
                         "2024-11-30, days 0 to 29)"),
    ({"window": ("2024-11-02", "soon")}, "window: expected each end a date (YYYY-MM-DD) or "
                                         "a whole day number from the start, got 'soon' in "
                                         "('2024-11-02', 'soon')"),
    ({"window": ("2024-11-31", 3)}, "window: expected each end a date (YYYY-MM-DD) or a whole "
                                    "day number from the start, got '2024-11-31' (day is out "
                                    "of range for month)"),
    ({"window": (1.5, 3)}, "window: expected each end a date (YYYY-MM-DD) or a whole day "
                           "number from the start, got 1.5 in (1.5, 3)"),
    ({"window": (dt.datetime(2024, 11, 2), 5)}, "window: expected each end a date "
                                                "(YYYY-MM-DD) or a whole day number from the "
                                                "start, got datetime.datetime(2024, 11, 2, 0, "
                                                "0)"),
    # Checked before the analysis runs (it was after, unnamed; 1.5 units were taken).
    ({"protect": {"tanks": 1, "guards": -1}}, "protect: expected a kind of protection "
                                              "(guards, air, repair), got 'tanks'; expected a "
                                              "whole number >= 0 of guards, got -1"),
    ({"protect": {"guards": 1.5}}, "protect: expected a whole number >= 0 of guards, got 1.5"),
    ({"protect": [1]}, "protect: expected units of each kind to place"),
    ({"protect": {"guards": 0}}, "protect: expected at least one unit to place, got guards=0"),
])
def test_a_bad_argument_is_refused_by_name(tutorial: sl.Scenario, given: dict[str, Any],
                                           says: str) -> None:
    """k=0 skipped the worst sets and budget=-1 ran, without a word."""
    with pytest.raises(ValueError, match=says.replace("(", r"\(").replace(")", r"\)")):
        resilience(tutorial, **given)


def test_progress_must_be_called(tutorial: sl.Scenario) -> None:
    with pytest.raises(TypeError, match="progress: expected a function"):
        resilience(tutorial, progress=3)


def test_the_scenario_must_be_one(tutorial: sl.Scenario) -> None:
    with pytest.raises(TypeError, match="scenario: expected a Scenario"):
        resilience("tutorial")  # type: ignore[arg-type]


def test_a_window_may_be_dates(tutorial: sl.Scenario) -> None:
    """(On 5-day steps: 0.25 s a run against 5.5 s day by day; the window is read alike.)"""
    by_days = resilience(tutorial, k=1, window=(9, 19), step_days=5)
    by_dates = resilience(tutorial, k=1, window=(dt.date(2024, 11, 10), "2024-11-20"),
                          step_days=5)
    assert by_dates.window_dates == by_days.window_dates == ("2024-11-10", "2024-11-20")
    assert [i.extra_shortfall_t for i in by_dates.ranking] == \
        [i.extra_shortfall_t for i in by_days.ranking]


def test_the_command_line_takes_the_same_ranges() -> None:
    """One table of ranges for both (LIMITS): the command line refuses what the function
    refuses."""
    from typer.testing import CliRunner

    from supplyline.cli import app
    from supplyline.resilience.bounds import LIMITS

    for option, name in (("--k", "k"), ("--budget", "budget"), ("--jobs", "jobs"),
                         ("--simulate", "simulate_runs")):
        least, most = LIMITS[name]
        for value, bound in ((most + 1, f"less than or equal to {most}"),
                             (least - 1, f"greater than or equal to {least}")):
            got = CliRunner().invoke(app, ["resilience", "tutorial", option, str(value)])
            said = " ".join(got.output.replace("│", " ").split())
            assert got.exit_code == 2 and f"{option}: expected a value {bound}" in said, said
