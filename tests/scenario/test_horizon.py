"""Dates outside the horizon (1954-03-01 to 1954-03-10 in tiny.yaml), wherever they are written.

Dates of the plan itself (demand, deadlines, openings, metrics) lie within the horizon; a
window of the world (an air-threat window, a rain spell, a closure) may run past it but not
lie wholly outside it; a step of a day series must hold on some day of it.
"""

from __future__ import annotations

import pytest

from supplyline.scenario import load_text
from supplyline.scenario.schema import Route

from .helpers import TINY_TEXT, by_field, edit, line_of, problems_in

WINDOW = "{start: 1954-03-01, end: 1954-03-10, day_probability"
RAIN = """  rain:
    - {start: START, end: END, probability_per_day: 0.3, speed_factor: 0.5, capacity_factor: 0.5}
"""
HORIZON = "a date from 1954-03-01 to 1954-03-10 (the horizon)"
OVERLAP = "a window that overlaps the horizon (1954-03-01 to 1954-03-10)"


def _rain(start: str, end: str) -> str:
    return edit(TINY_TEXT, "\npolicy:", RAIN.replace("START", start).replace("END", end)
                + "\npolicy:")


@pytest.mark.parametrize(("start", "end", "field", "got"), [
    ("1954-02-01", "1954-02-28", "threats.air[0].windows[0].end",
     "1954-02-01 to 1954-02-28 (before it)"),
    ("1954-03-11", "1954-04-30", "threats.air[0].windows[0].start",
     "1954-03-11 to 1954-04-30 (after it)"),
])
def test_air_window_wholly_outside(start: str, end: str, field: str, got: str) -> None:
    text = edit(TINY_TEXT, WINDOW, f"{{start: {start}, end: {end}, day_probability")
    problem = by_field(problems_in(text))[field]
    assert (problem.expected, problem.got) == (OVERLAP, got)
    assert problem.line == line_of(text, f"{{start: {start}")


def test_air_window_running_past_the_horizon_is_clipped() -> None:
    text = edit(TINY_TEXT, WINDOW, "{start: 1954-02-01, end: 1954-06-30, day_probability")
    assert load_text(text).threats.air[0].windows[0].end.month == 6


@pytest.mark.parametrize(("start", "end", "field"), [
    ("1954-01-01", "1954-01-31", "threats.rain[0].end"),
    ("1955-01-01", "1955-01-31", "threats.rain[0].start"),
])
def test_rain_spell_wholly_outside(start: str, end: str, field: str) -> None:
    problem = by_field(problems_in(_rain(start, end)))[field]
    assert problem.expected == OVERLAP


def test_rain_spell_partly_inside_and_reversed() -> None:
    assert load_text(_rain("1954-03-08", "1954-05-31")).threats.rain[0].start.day == 8
    problem = by_field(problems_in(_rain("1954-03-08", "1954-03-02")))["threats.rain[0].end"]
    assert problem.expected == "end on or after start (1954-03-08)"


@pytest.mark.skipif("closed" not in Route.model_fields, reason="routes have no closures yet")
@pytest.mark.parametrize(("window", "field", "ok"), [
    ("{start: 1954-04-01, end: 1954-04-05}", "routes[4].closed[0].start", False),
    ("{start: 1954-02-01, end: 1954-02-05}", "routes[4].closed[0].end", False),
    ("{start: 1954-02-25, end: 1954-03-02}", "", True),
])
def test_route_closure_windows(window: str, field: str, ok: bool) -> None:
    text = edit(TINY_TEXT, "modes: [porter], air_exposed: false}",
                f"modes: [porter], air_exposed: false, closed: [{window}]}}")
    if ok:
        load_text(text)
    else:
        assert by_field(problems_in(text))[field].expected == OVERLAP


@pytest.mark.parametrize(("old", "new", "field"), [
    ("    start: 1954-03-02", "    start: 1954-03-02\n    end: 1954-03-12", "demand[0].end"),
    ("    start: 1954-03-02", "    start: 1954-02-20", "demand[0].start"),
    ("by: 1954-03-08", "by: 1954-02-08", "demand[0].reserves[0].by"),
    ("metric: {kind: share_mobilized, commodity: rice, regions: [northwest]}",
     "metric: {kind: demand_met_pct, by: 1954-03-20}", "observed[0].metric.by"),
    ("air_exposed: false}", "air_exposed: false, open_from: 1954-02-27}", "routes[4].open_from"),
])
def test_single_dates_lie_within_the_horizon(old: str, new: str, field: str) -> None:
    text = edit(TINY_TEXT, old, new)
    assert by_field(problems_in(text))[field].expected == HORIZON


def test_step_after_the_horizon() -> None:
    text = edit(TINY_TEXT, "{start: 1954-03-06, value: 2000}", "{start: 1954-03-16, value: 2000}")
    problem = by_field(problems_in(text))["demand[0].troops[1].start"]
    assert problem.expected == "a step that starts by 1954-03-10 (the horizon's last day)"
    assert problem.line == line_of(text, "{start: 1954-03-16")


def test_step_before_the_horizon_holds_from_its_first_day() -> None:
    text = edit(TINY_TEXT, "{start: 1954-03-01, value: 1000}", "{start: 1954-02-01, value: 1000}")
    assert load_text(text).demand[0].troops is not None


def test_step_that_never_holds_in_the_horizon() -> None:
    text = edit(TINY_TEXT, "{start: 1954-03-01, value: 1000}",
                "{start: 1954-02-01, value: 500}\n      - {start: 1954-03-01, value: 1000}")
    problem = by_field(problems_in(text))["demand[0].troops[0].start"]
    assert problem.expected == ("a step that holds on some day from 1954-03-01 (the next step "
                                "starts 1954-03-01)")


def test_steps_of_a_wounded_series_are_checked_too() -> None:
    text = edit(TINY_TEXT, "persons_per_day: 5",
                "persons_per_day: [{start: 1954-03-01, value: 5}, {start: 1954-04-01, value: 1}]")
    assert "wounded[0].persons_per_day[1].start" in by_field(problems_in(text))


def test_dates_are_checked_beside_schema_problems() -> None:
    text = edit(TINY_TEXT, "by: 1954-03-08", "by: 1954-02-08")
    text = edit(text, "days_of_supply: 2", "days_of_supply: -2")
    text = edit(text, WINDOW, "{start: 1954-05-01, end: 1954-05-10, day_probability")
    text = edit(text, "capacity_lost_fraction: 0.5", "capacity_lost_fraction: 5")
    assert set(by_field(problems_in(text))) == {
        "demand[0].reserves[0].by", "demand[0].reserves[0].days_of_supply",
        "threats.air[0].windows[0].start", "threats.air[0].capacity_lost_fraction",
    }


def test_no_horizon_no_date_checks() -> None:
    text = edit(TINY_TEXT, "end_date: 1954-03-10", "end_date: 1954-02-10")
    assert [p.field for p in problems_in(text)] == ["end_date"]
