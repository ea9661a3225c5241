"""One dotted-path grammar: ``Scenario.replace`` and the sweep's ``--vary`` read the same
paths, set the same values and say the same thing about a path that names nothing."""

from __future__ import annotations

from typing import Any

import pytest

import supplyline as sl
from supplyline.scenario.paths import (
    PathError,
    Step,
    document,
    parse_path,
    set_value,
    written,
)
from supplyline.scenario.whatif import WHAT_IF
from supplyline.sweep import VaryError, make_variants, parse_vary


@pytest.fixture(scope="module")
def tutorial() -> sl.Scenario:
    return sl.load("tutorial")


def via_vary(scenario: sl.Scenario, path: str, value: Any) -> sl.Scenario:
    text = "true" if value is True else str(value)
    # A replay's values are read only by a sweep that plans with it.
    replay = "pledged" if path.startswith("replays.pledged") else None
    variants = make_variants(scenario, [parse_vary(f"{path}={text}")], "tutorial",
                             replay=replay)
    assert len(variants) == 1
    return variants[0].scenario


def vary_problems(scenario: sl.Scenario, path: str, value: Any) -> set[tuple[str, str, str]]:
    with pytest.raises(VaryError) as caught:
        via_vary(scenario, path, value)
    return {(p.field, p.expected, p.got) for p in caught.value.problems}


def replace_problems(scenario: sl.Scenario, path: str, value: Any
                     ) -> set[tuple[str, str, str]]:
    with pytest.raises(sl.ScenarioError) as caught:
        scenario.replace({path: value})
    assert {p.file for p in caught.value.problems} == {WHAT_IF}
    return {(p.field, p.expected, p.got) for p in caught.value.problems}


@pytest.mark.parametrize(("path", "value"), [
    ("modes.porter.payload_kg", 30),
    ("modes[1].payload_kg", 100),
    ("modes.1.payload_kg", 100),  # a whole number that names no element is its index
    ("routes.ridge-road.length_km", 20),
    ("routes.high-village--ridge-depot.length_km", 7),  # a route without an id
    ("routes.bridge--ridge-depot.terrain_factor", 1.5),  # a route with one, by its ends
    ("routes[*].repair_days", 3),
    ("threats.air[0].windows[*].day_probability", 0.5),
    ("demand.kestrel-town:rice.ration_kg_per_person_day", 0.6),
    ("places.high-village.stock_kg.rice", 30000),
    ("replays.pledged.mobilization[1].kg", 40000),
    ("policy.step_days", 3),  # a field the file leaves at its default
    ("costs.wage_per_person_day", 2),  # a section the file leaves out
    ("threats.air[0].windows[0].start", "2024-11-05"),
    ("routes[ridge-road].capacity_movements_per_day", 40),  # an id in brackets
])
def test_replace_and_vary_give_the_same_scenario(tutorial: sl.Scenario, path: str,
                                                 value: Any) -> None:
    replaced = tutorial.replace({path: value})
    assert replaced == via_vary(tutorial, path, value)
    assert replaced != tutorial


@pytest.mark.parametrize(("path", "value", "expected"), [
    ("modes.portr.payload_kg", 20, "(did you mean 'porter'?)"),
    ("modes.porter.payload_kg.kg", 5, "a section at modes.porter.payload_kg"),
    ("threats.air[2].windows[*].day_probability", 0.5, "an index below 1"),
    ("routes[99].length_km", 20, "an index below 8"),
    ("routes.99.length_km", 20, "an index below 8"),
    ("threats.sabotage[*].probability_per_day", 0.1, "a list at sabotage in threats"),
    ("threats.air[0].routes[0].id", "x", "a section at threats.air[0].routes[0]"),
    ("policy[0].labour_share", 0.3, "a list at policy"),
    ("policy.labour_share[*]", 0.3, "a list at policy.labour_share"),
    ("threats.rain[0].start", "2024-11-05", "a list at rain in threats"),
    ("modes..payload_kg", 20, "a dotted path"),
    ("modes.porter[0].payload_kg", 20, "a list at modes.porter"),
    ("routes[-1].length_km", 20, "the id of an element of routes"),
    ("modes.porter.payload_kgg", 20, "did you mean 'payload_kg'"),
    ("modes.porter.payload_kg", -5, "a number > 0"),
    ("threats.air[0].windows[*].day_probability", 2, "a number from 0 to 1"),
    ("routes.gorge-path.to", "kestrel-twn", "did you mean 'kestrel-town'"),
])
def test_replace_and_vary_give_the_same_error(tutorial: sl.Scenario, path: str, value: Any,
                                              expected: str) -> None:
    problems = replace_problems(tutorial, path, value)
    assert problems == vary_problems(tutorial, path, value)
    assert any(expected in p[1] for p in problems), problems


def test_a_bad_path_is_named_as_written(tutorial: sl.Scenario) -> None:
    assert replace_problems(tutorial, "modes.portr.payload_kg", 20) == {(
        "modes.portr", "the id of an element of modes (porter, bicycle) (did you mean "
        "'porter'?)", "'portr'")}
    [(field, _expected, got)] = replace_problems(tutorial, "threats.air[0].windows[3].end", 1)
    assert (field, got) == ("threats.air[0].windows[3]", "3")


def test_replace_sets_every_element_with_a_star(tutorial: sl.Scenario) -> None:
    two = tutorial.replace({"threats.air[0].windows": [
        {"start": "2024-11-01", "end": "2024-11-15", "day_probability": 0.2},
        {"start": "2024-11-16", "end": "2024-11-30", "day_probability": 0.3}]})
    changed = two.replace({"threats.air[0].windows[*].day_probability": 0.6,
                           "routes[*].repair_days": 4})
    assert [w.day_probability for w in changed.threats.air[0].windows] == [0.6, 0.6]
    assert {r.repair_days for r in changed.routes} == {4}
    assert [w.start for w in changed.threats.air[0].windows] == [
        w.start for w in two.threats.air[0].windows]
    # Changes are made in order: a later path sees what an earlier one set.
    three = tutorial.replace({"threats.air[0].windows[0].end": "2024-11-10",
                              "threats.air[0].windows[0].day_probability": 0.4})
    assert three.threats.air[0].windows[0].day_probability == 0.4


def test_every_bad_path_is_reported_at_once(tutorial: sl.Scenario) -> None:
    with pytest.raises(sl.ScenarioError) as caught:
        tutorial.replace({"modes.portr.payload_kg": 20, "routes[99].length_km": 1,
                          "modes.porter.payload_kg": 30})
    assert [p.field for p in caught.value.problems] == ["modes.portr", "routes[99]"]


def test_an_empty_list_has_no_element(tutorial: sl.Scenario) -> None:
    data = document(tutorial)
    data["wounded"] = []
    for path in ("wounded[*].within_days", "wounded[0].within_days",
                 "wounded.kestrel-town.within_days"):
        with pytest.raises(PathError) as caught:
            set_value(data, parse_path(path), 3)
        assert (caught.value.expected, caught.value.got) == ("elements in wounded",
                                                             "an empty list"), path


def test_the_grammar() -> None:
    assert written(parse_path("threats.air[0].windows[*].day_probability")) == (
        "threats.air[0].windows[*].day_probability")
    assert written(parse_path(" modes . porter ")) == "modes.porter"
    assert parse_path("routes[ridge-road].length_km")[1] == Step(key="ridge-road",
                                                                 bracketed=True)
    for bad in ("", ".", "a..b", "a.", "[0]", "a[0", "a[ ]", "a[]", "a]b", "a=b", "a[b.c]"):
        with pytest.raises(PathError) as caught:
            parse_path(bad)
        assert caught.value.field == "(path)", bad


def test_an_id_comes_before_an_index(tutorial: sl.Scenario) -> None:
    data = document(tutorial)
    data["modes"][1]["id"] = "0"
    assert set_value(data, parse_path("modes.0.payload_kg"), 99) == [("modes", 1, "payload_kg")]
    assert set_value(data, parse_path("modes[0].payload_kg"), 98) == [
        ("modes", 0, "payload_kg")]
