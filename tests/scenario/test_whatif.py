"""What-ifs: changed values go through the whole loader, so a mistake names its field as it
would in a file; the horizon and the step are cut the same way from the API and the CLI."""

from __future__ import annotations

import datetime as dt
import re

import pytest

import supplyline as sl
from supplyline.scenario.paths import element_labels
from supplyline.scenario.schema import Closure
from supplyline.scenario.whatif import WHAT_IF, first_days, with_daily_days, with_step_days


@pytest.fixture(scope="module")
def tutorial() -> sl.Scenario:
    return sl.load("tutorial")


def test_no_change_gives_the_same_scenario(tutorial: sl.Scenario) -> None:
    assert tutorial.replace({}) == tutorial


def test_values_are_changed_by_path(tutorial: sl.Scenario) -> None:
    changed = tutorial.replace({
        "modes.porter.payload_kg": 30,
        "routes.ridge-road.length_km": 20,
        "routes[0].terrain_factor": 1.5,
        "policy.step_days": 3,
        "places.river-village.stock_kg": {"rice": 70000},
    })
    assert changed.modes[0].payload_kg == 30
    assert next(r for r in changed.routes if r.id == "ridge-road").length_km == 20
    assert changed.routes[0].terrain_factor == 1.5
    assert changed.policy.step_days == 3
    assert next(p for p in changed.places if p.id == "river-village").stock_kg == {"rice": 70000}
    assert tutorial.modes[0].payload_kg == 25  # the original is left as it was


def test_a_bad_value_names_its_field(tutorial: sl.Scenario) -> None:
    with pytest.raises(sl.ScenarioError) as caught:
        tutorial.replace({"routes.ridge-road.capacity_movements_per_day": -5,
                          "modes.porter.payload_kg": "heavy"})
    problems = {p.field: p for p in caught.value.problems}
    # With no line to point at, an element is named by its id, as the path names it (it was
    # modes[0].payload_kg).
    capacity = problems["routes.ridge-road.capacity_movements_per_day"]
    assert capacity.file == WHAT_IF and capacity.got == "-5"
    assert "number" in problems["modes.porter.payload_kg"].expected


def test_an_element_is_named_by_its_id_or_its_index() -> None:
    """By its id, else FROM--TO (a route) or FRONT:COMMODITY (a demand); by its index where
    nothing names it alone (two elements of one name, an air threat's window)."""
    labels = element_labels({
        "modes": [{"id": "porter", "name": "Porter"}, {"name": "Mule"}],
        "routes": [{"from": "a", "to": "b", "name": "The pass"}, {"from": "b", "to": "c"},
                   {"from": "b", "to": "c"}, {"id": "9"}],
        "demand": [{"front": "f", "commodity": "rice"}],
        "threats": {"air": [{"windows": [{"start": 1}]}]},
    })
    assert labels == {("modes", 0): "modes.porter", ("modes", 1): "modes.Mule",
                      ("routes", 0): "routes.a--b", ("demand", 0): "demand.f:rice"}


def test_a_broken_reference_is_found_as_in_a_file(tutorial: sl.Scenario) -> None:
    with pytest.raises(sl.ScenarioError) as caught:
        tutorial.replace({"routes.ridge-road.to": "kestrel-twn"})
    assert any("did you mean 'kestrel-town'" in p.expected for p in caught.value.problems)


def test_a_path_that_names_nothing_says_so(tutorial: sl.Scenario) -> None:
    with pytest.raises(sl.ScenarioError, match="did you mean 'porter'"):
        tutorial.replace({"modes.portr.payload_kg": 20})
    # The sweep's wording, now shared (the what-if said "an index from 0 to 7").
    with pytest.raises(sl.ScenarioError, match="an index below 8"):
        tutorial.replace({"routes.99.length_km": 20})
    with pytest.raises(sl.ScenarioError, match="dotted path"):
        tutorial.replace({"modes..payload_kg": 20})


def test_the_horizon_is_cut_in_one_place(tutorial: sl.Scenario) -> None:
    assert first_days(tutorial, 10).days == 10
    assert first_days(tutorial, None) is tutorial
    for bad in (0, tutorial.days + 1, 2.5):
        with pytest.raises(ValueError, match="whole number from 1 to 30"):
            first_days(tutorial, bad)  # type: ignore[arg-type]
    assert with_step_days(tutorial, 4).policy.step_days == 4
    assert with_step_days(tutorial, None) is tutorial
    with pytest.raises(ValueError, match="whole number of days"):
        with_step_days(tutorial, 0)
    plan = sl.plan(tutorial, days=9, step_days=3)
    assert plan.days == 9 and plan.steps == 3
    with pytest.raises(sl.PlanError, match="days: expected a whole number"):
        sl.plan(tutorial, days=31)


def test_the_days_planned_day_by_day_before_the_steps(tutorial: sl.Scenario) -> None:
    stepped = with_daily_days(with_step_days(tutorial, 4), 6)
    assert stepped.policy.daily_start_days == 6 and stepped.policy.step_days == 4
    net = sl.compile_network(stepped)
    assert list(net.grid.length[:7]) == [1, 1, 1, 1, 1, 1, 4]  # six days, then 4-day steps
    assert with_daily_days(tutorial, None) is tutorial
    for bad in (-1, 1.5):
        with pytest.raises(ValueError, match="whole number of days ≥ 0"):
            with_daily_days(stepped, bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^expected 0 where the steps are of one day, got 3: "
                                         "every day is planned day by day already"):
        with_daily_days(tutorial, 3)  # the tutorial plans in steps of one day


def test_values_may_be_schema_objects_or_numpy_numbers(tutorial: sl.Scenario) -> None:
    import numpy as np

    porter = tutorial.modes[0].model_copy(update={"payload_kg": 22.0})
    changed = tutorial.replace({"modes.porter": porter,
                                "routes.ridge-road.length_km": np.float64(15.0)})
    assert changed.modes[0].payload_kg == 22
    with pytest.raises(sl.ScenarioError, match="a value a scenario file can hold"):
        tutorial.replace({"modes.porter.payload_kg": object()})


def test_dates_from_pandas_and_numpy_are_dates_and_a_bad_value_is_said_where_it_is(
        tutorial: sl.Scenario) -> None:
    """pandas' Timestamp and NumPy's datetime64 were refused as "a value a scenario file can
    hold (... a date ...)", the whole list quoted; a datetime at midnight was "expected a
    date (YYYY-MM-DD), got 2024-11-01T00:00:00"."""
    import datetime as dt

    import numpy as np
    import pandas as pd

    for start in (pd.Timestamp("2024-11-01"), np.datetime64("2024-11-01"),
                  dt.datetime(2024, 11, 1)):
        changed = tutorial.replace({"routes.gorge-path.closed": [
            {"start": start, "end": "2024-11-07"}]})
        (closure,) = next(r for r in changed.routes if r.id == "gorge-path").closed
        assert closure.start == dt.date(2024, 11, 1), start
    with pytest.raises(sl.ScenarioError) as caught:
        tutorial.replace({"routes.gorge-path.closed": [{"start": object(),
                                                        "end": "2024-11-07"}]})
    (problem,) = caught.value.problems
    assert problem.field == "routes.gorge-path.closed[0].start"
    assert problem.got.startswith("object <object object at")


def test_a_scenario_built_in_python_is_checked_before_it_is_planned(
        tutorial: sl.Scenario) -> None:
    """A model alone checks no cross-reference; compiling it checks it as a what-if."""
    data = tutorial.model_dump()
    data["routes"][0]["to"] = "nowhere"
    with pytest.raises(sl.ScenarioError) as caught:
        sl.plan(sl.Scenario.model_validate(data))
    problem, = caught.value.problems
    route = "routes.high-village--nowhere.to"  # (as a path names it: a what-if has no lines)
    assert (problem.file, problem.field, problem.got) == (WHAT_IF, route, "'nowhere'")
    # model_copy checks nothing at all, not even the schema's bounds.
    porter = tutorial.modes[0].model_copy(update={"payload_kg": -25.0})
    negative = tutorial.model_copy(update={"modes": [porter, *tutorial.modes[1:]]})
    with pytest.raises(sl.ScenarioError, match=r"modes\.porter\.payload_kg"):
        sl.compile_network(negative)
    data = tutorial.model_dump()
    data["places"].append(dict(data["places"][0]))
    with pytest.raises(sl.ScenarioError) as caught:
        sl.compile_network(sl.Scenario.model_validate(data))
    problem, = caught.value.problems
    assert problem.expected == "a unique id (also used by places[0])"
    with pytest.raises(TypeError, match="expected a Scenario"):
        sl.compile_network("tutorial")  # type: ignore[arg-type]


@pytest.mark.filterwarnings("error")
def test_a_number_given_as_text_is_refused_as_in_a_file(tutorial: sl.Scenario) -> None:
    """A file may not write `payload_kg: "30"`; replace took it (the schema's lax reading),
    and model_copy kept it as text, on which the network's arithmetic failed with NumPy's
    traceback (after pydantic's warning about serializing it)."""
    said = "modes.porter.payload_kg: expected a number, not text, got '30'"
    with pytest.raises(sl.ScenarioError, match=re.escape(said)):
        tutorial.replace({"modes.porter.payload_kg": "30"})
    with pytest.raises(sl.ScenarioError, match="expected true or false, got 'yes'"):
        tutorial.replace({"routes[0].one_way": "yes"})
    porter = tutorial.modes[0].model_copy(update={"payload_kg": "30"})
    text = tutorial.model_copy(update={"modes": [porter, *tutorial.modes[1:]]})
    with pytest.raises(sl.ScenarioError, match=re.escape(said)):
        sl.plan(text, days=3)
    assert tutorial.replace({"modes.porter.payload_kg": 30}).modes[0].payload_kg == 30


def test_a_date_given_as_text_through_model_copy_is_read_as_a_date(
        tutorial: sl.Scenario) -> None:
    """model_copy kept "2024-11-20" as text: the check passed (the schema reads it as a
    date) and the plan failed with "unsupported operand type(s) for -: 'str' and
    'datetime.date'". The plan is made of the scenario as the check read it."""
    text = tutorial.model_copy(update={"end_date": "2024-11-20"})
    assert sl.plan(text).days == 20
    assert sl.plan(text, days=5).days == 5
    assert sl.compile_network(text).scenario.end_date == dt.date(2024, 11, 20)
    with pytest.raises(sl.ScenarioError, match=r"end_date: expected a date \(YYYY-MM-DD\)"):
        sl.plan(tutorial.model_copy(update={"end_date": "soon"}))
    # What is changed in place in a default (a closure appended to a route's empty list) is
    # planned, and checked, as well: the scenario as checked had lost it.
    closed = tutorial.model_copy(deep=True)
    route = next(r for r in closed.routes if r.key == "ridge-road")
    assert route.closed == [] and "closed" not in route.model_fields_set
    route.closed.append(Closure(start=dt.date(2024, 11, 1), end=dt.date(2024, 11, 30)))
    ridge = sl.compile_network(closed).route_ids.index("ridge-road")
    assert sl.plan(closed).route_tonnes()[ridge] == 0.0
    # So is a what-if of it, and a sweep's variant (each reads the scenario's data).
    assert closed.replace({"policy.step_days": 2}).routes[ridge].closed == route.closed
    route.closed.append(Closure.model_construct(start=dt.date(2024, 11, 9),
                                                end=dt.date(2024, 11, 2)))
    with pytest.raises(sl.ScenarioError, match=r"ridge-road\.closed"):
        sl.plan(closed)
    # The scenario as checked keeps what was written apart from the defaults: a what-if of a
    # network's scenario (every default counted as written: road_use "has no effect") holds,
    # and two routes of one FROM--TO are still told apart (an id of None was taken as one).
    assert sl.compile_network(tutorial).scenario.replace({"modes.porter.payload_kg": 30})
    twin = tutorial.routes[0].model_copy(update={"name": "twin"})
    with pytest.raises(sl.ScenarioError, match=r"routes\.twin: expected an id"):
        sl.plan(tutorial.model_copy(update={"routes": [*tutorial.routes, twin]}))
    # resilience reads the days before it compiles: it plans the text date too.
    from supplyline.resilience import resilience

    assert resilience(text, k=1, step_days=5).ranking


def test_a_plan_of_the_first_days_or_from_a_later_day_compiles(
        tutorial: sl.Scenario) -> None:
    """The tutorial's later troops, reserves and wounded lie after a 5-day horizon, and its
    demand starts before a horizon that starts on the 4th (a re-plan's): the planner leaves
    them, as a file must not."""
    short = first_days(tutorial, 5)
    assert sl.compile_network(short).steps == 5
    later = tutorial.model_copy(update={"start_date": dt.date(2024, 11, 4)})
    assert sl.compile_network(later).steps == 27
    with pytest.raises(sl.ScenarioError, match="the horizon"):
        tutorial.replace({"end_date": short.end_date})  # a what-if must not


def test_steps_of_one_day_drop_the_days_planned_apart(tutorial: sl.Scenario) -> None:
    """``daily_start_days`` with steps of one day is a check error; the built-in scenario's
    21 days made `plan --step-days 1` one, once its scenario was checked when compiled."""
    stepped = tutorial.replace({"policy.step_days": 3, "policy.daily_start_days": 6})
    daily = with_step_days(stepped, 1)
    assert (daily.policy.step_days, daily.policy.daily_start_days) == (1, 0)
    assert sl.compile_network(daily).steps == tutorial.days


@pytest.mark.parametrize("step_days", [0, -2, 1.5, True])
def test_compiling_in_steps_takes_whole_days_only(tutorial: sl.Scenario,
                                                  step_days: object) -> None:
    with pytest.raises(ValueError, match=r"step_days: expected a whole number of days ≥ 1"):
        sl.compile_network(tutorial, step_days=step_days)  # type: ignore[arg-type]
