"""An entry's rules across its fields are said beside an unknown key or a bad value in it:
pydantic runs a model's rules only once all its fields are read, so a depot given both a
population and a misspelt key was said to have the key alone (and the population came up
once that was fixed)."""

from __future__ import annotations

from supplyline.scenario.load import builtin_text

from .helpers import edit, line_of, problems_in

TUTORIAL = builtin_text("tutorial")
DEPOT = "    kind: depot\n    lat: 27.905\n"


def test_a_rule_is_said_beside_an_unknown_key_of_its_entry() -> None:
    text = edit(TUTORIAL, DEPOT, DEPOT + "    population: 500\n    fuel_tank_kg: 3\n")
    found = problems_in(text, "tutorial.yaml")
    assert [p.field for p in found] == ["places[5].population", "places[5].fuel_tank_kg"]
    assert found[0].line == line_of(text, "population: 500")
    assert found[0].expected.startswith("no population on a place of kind depot")
    assert found[1].line == line_of(text, "fuel_tank_kg: 3")
    assert "unknown field" in found[1].got


def test_a_rule_is_said_beside_a_bad_value_it_does_not_read() -> None:
    """The depot's regions, written as no list, stand beside its population (the rule reads
    its kind and population alone)."""
    text = edit(TUTORIAL, DEPOT, DEPOT + "    population: 500\n")
    text = edit(text, "    regions: [ridge]  ", "    regions: {ridge: 1}")
    found = problems_in(text, "tutorial.yaml")
    assert [p.field for p in found] == ["places[5].population", "places[5].regions"]
    assert found[0].expected.startswith("no population on a place of kind depot")


def test_no_rule_is_said_of_a_value_that_is_itself_bad() -> None:
    """A population that is no number is said once, as one (not also as a depot's); nor a
    rule that reads a bad value (a mode's fuel use, written as a word)."""
    text = edit(TUTORIAL, DEPOT, DEPOT + "    population: many\n    fuel_tank_kg: 3\n")
    assert [p.field for p in problems_in(text, "tutorial.yaml")] == [
        "places[5].population", "places[5].fuel_tank_kg"]
    assert "number" in problems_in(text, "tutorial.yaml")[0].expected
    mode = "    payload_kg: 25\n"
    text = edit(TUTORIAL, mode, mode + "    fuel_kg_per_km: lots\n    fuel_commodity: rice\n")
    assert [p.field for p in problems_in(text, "tutorial.yaml")] == ["modes[0].fuel_kg_per_km"]
