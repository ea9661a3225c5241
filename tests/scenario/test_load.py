"""Loading scenarios: where each problem is reported, and that all are reported at once."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

import supplyline as sl
from supplyline.errors import ScenarioError
from supplyline.scenario import DEFAULT_SCENARIO, builtin_names, builtin_titles, load_text

from .helpers import (
    DATA,
    TINY_TEXT,
    by_field,
    edit,
    in_order,
    line_of,
    needs_default_builtin,
    problems_in,
)

needs_symlinks = pytest.mark.skipif(sys.platform == "win32", reason="symlinks need rights")

# -- loading what is right -------------------------------------------------------------------


def test_tiny_loads(tiny: sl.Scenario) -> None:
    assert tiny.name == "tiny"
    assert tiny.days == 10
    assert [p.id for p in tiny.places] == ["ban-a", "ban-b", "ban-c", "relay", "front",
                                           "hospital"]
    assert tiny.routes[0].key == "ban-a--relay"
    assert tiny.routes[3].key == "pass"
    assert tiny.places[0].stock_kg == {"rice": 40000.0}


def test_load_text_matches_load(tiny: sl.Scenario) -> None:
    assert load_text(TINY_TEXT, "tiny.yaml") == tiny


def test_load_accepts_str_and_path(tiny_path: Path) -> None:
    assert sl.load(str(tiny_path)) == sl.load(tiny_path)


def test_route_named_from_to_is_a_valid_reference() -> None:
    text = edit(TINY_TEXT, "routes: [pass]", "routes: [ban-a--relay]")
    assert load_text(text).threats.air[0].routes == ["ban-a--relay"]


def test_builtin_names_are_sorted_strings() -> None:
    names = builtin_names()
    assert names == sorted(names)
    assert set(builtin_titles()) == set(names)


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_loads(name: str) -> None:
    scenario = sl.load(name)
    assert scenario.title == builtin_titles()[name]


@needs_default_builtin
def test_no_source_means_the_default() -> None:
    assert sl.load() == sl.load(DEFAULT_SCENARIO)


# -- the three planted mistakes --------------------------------------------------------------


def test_three_planted_mistakes_come_back_together() -> None:
    text = edit(TINY_TEXT, "length_km: 25", "length_km: -4")  # negative length
    text = edit(text, "    population: 1000", "    popluation: 1000")  # typo'd field
    text = edit(text, "{from: ban-b, to: relay", "{from: ban-b, to: relais")  # unknown place
    problems = by_field(problems_in(text))
    assert set(problems) == {"routes[3].length_km", "places[1].popluation", "routes[1].to"}

    length = problems["routes[3].length_km"]
    assert (length.file, length.line) == ("tiny.yaml", line_of(text, "length_km: -4"))
    assert in_order(length.expected, "a number > 0 … (km)")  # and any upper bound
    assert length.got == "-4"

    typo = problems["places[1].popluation"]
    assert typo.line == line_of(text, "popluation")
    assert "did you mean 'population'" in typo.expected

    unknown = problems["routes[1].to"]
    assert unknown.line == line_of(text, "relais")
    assert "did you mean 'relay'" in unknown.expected
    assert unknown.got == "'relais'"


def test_rules_across_fields_are_reported_beside_the_others_and_each_once() -> None:
    """A backwards horizon, and two rules one place breaks, come back with a mistake in
    another section: fixing one never reveals the next."""
    text = edit(TINY_TEXT, "end_date: 1954-03-10", "end_date: 1954-02-10")
    text = edit(text, "    kind: depot\n", "    kind: depot\n    labour_share: 0.5\n"
                "    labour_max_days_per_person: 10\n")
    text = edit(text, "length_km: 25", "length_km: -4")
    problems = problems_in(text)
    fields = [p.field for p in problems]
    assert sorted(fields) == ["end_date", "places[3].labour_max_days_per_person",
                              "places[3].labour_share", "routes[3].length_km"]
    end = next(p for p in problems if p.field == "end_date")
    assert end.line == line_of(text, "end_date: 1954-02-10")
    assert (end.expected, end.got) == ("a date on or after start_date (1954-03-01)",
                                       "1954-02-10")
    depot = [p for p in problems if p.field.startswith("places[3]")]
    assert in_order(depot[0].expected, "no labour_share on a place of kind depot")
    assert in_order(depot[1].expected, "no labour_max_days_per_person")
    assert depot[0].got == "kind 'depot', labour_share 0.5"
    # Each at the line of the field it is about, not at the place's first line.
    assert [p.line for p in depot] == [line_of(text, "labour_share: 0.5"),
                                       line_of(text, "labour_max_days_per_person: 10")]


def test_a_rule_across_fields_is_said_at_the_field_it_is_about(tmp_path: Path) -> None:
    """A depot's population, a tank on a mode that burns nothing, and fuel burned with no
    fuel named were said at the entry (``places[3]``, at its first line): each is said at
    its field and that field's line, or, where the field is missing, named as it at the
    entry's line; with the file's other problems, all at once."""
    text = edit(TINY_TEXT, "  - id: relay\n    kind: depot\n    lat: 21.55\n",
                "  - id: relay\n    kind: depot\n    lat: 21.55\n    population: 50\n")
    text = edit(text, "    rations_kg_per_day: {rice: 0.9}\n",
                "    rations_kg_per_day: {rice: 0.9}\n    fuel_tank_kg: 200\n")
    text = edit(text, "    units_from: labour\n",
                "    units_from: labour\n    fuel_kg_per_km: 0.1\n")
    text = edit(text, "length_km: 25", "length_km: -4")
    file = tmp_path / "valley.yaml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        sl.load(file)
    found = by_field(caught.value.problems)
    assert sorted(found) == ["modes[0].fuel_commodity", "modes[1].fuel_tank_kg",
                             "places[3].population", "routes[3].length_km"]
    depot = found["places[3].population"]
    relay = line_of(text, "  - id: relay")
    assert depot.line == relay + 3 == line_of(text, "    population: 50")
    assert depot.file == str(file)
    assert depot.expected.startswith("no population on a place of kind depot")
    assert depot.got == "kind 'depot', population 50"
    tank = found["modes[1].fuel_tank_kg"]
    assert tank.line == line_of(text, "    fuel_tank_kg: 200")
    assert tank.expected.startswith("fuel_kg_per_km > 0 where fuel_tank_kg is given")
    assert tank.got == "fuel_tank_kg 200"
    # The fuel is not named: said at the mode's first line, as the field that is missing.
    fuel = found["modes[0].fuel_commodity"]
    assert fuel.line == line_of(text, "  - id: porter")
    assert fuel.expected.startswith("a fuel_commodity where fuel_kg_per_km > 0")
    assert fuel.got == "no fuel_commodity, fuel_kg_per_km 0.1"


def test_a_rule_across_fields_in_a_table_is_said_at_its_row(tmp_path: Path) -> None:
    """In a CSV table the field is named as the file names it, at the row's line."""
    folder = tmp_path / "tables"
    folder.mkdir()
    for name in ("scenario.yaml", "places.csv", "routes.geojson"):
        (folder / name).write_bytes((DATA / "tables" / name).read_bytes())
    places = folder / "places.csv"
    bad = edit(places.read_text(encoding="utf-8"), "relay,Relay depot,depot,21.55,103.15,,,",
               "relay,Relay depot,depot,21.55,103.15,,50,")
    places.write_text(bad, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        sl.load(folder / "scenario.yaml")
    (problem,) = caught.value.problems
    assert (problem.field, problem.file, problem.line) == (
        "places[3].population", str(places), line_of(bad, "relay,"))


def test_error_message_names_field_expected_got_and_line() -> None:
    text = edit(TINY_TEXT, "length_km: 25", "length_km: -4")
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "scenario.yaml")
    line = line_of(text, "length_km: -4")
    assert in_order(str(caught.value), "routes[3].length_km: expected a number > 0 … (km), "
                    f"got -4 (scenario.yaml line {line})")
    assert caught.value.line == line


# -- schema problems, one at a time ----------------------------------------------------------

SCHEMA_CASES = [
    # (id, old, new, field, text on the reported line, part of `expected`)
    ("unknown-field", "    population: 1000", "    populaton: 1000", "places[1].populaton",
     "populaton", "a field of Place (did you mean 'population'?)"),
    ("missing-field", "    kind: depot\n", "", "places[3].kind", "- id: relay",
     "a required value: one of 'locality'"),
    ("alias-from", "{from: ban-b, to: relay", "{form: ban-b, to: relay", "routes[1].form",
     "form: ban-b", "did you mean 'from'"),
    # A required field misspelt is said once, at the key written (not also as missing).
    ("alias-from-missing", "{from: ban-b, to: relay", "{form: ban-b, to: relay",
     "routes[1].form", "form: ban-b", "a field of Route (did you mean 'from'?)"),
    ("alias-from-missing-alone", "{from: ban-b, to: relay", "{to: relay",
     "routes[1].from", "{to: relay", "a required value"),
    ("step-value", "{start: 1954-03-06, value: 2000}", "{start: 1954-03-06, value: -3}",
     "demand[0].troops[1].value", "value: -3", "a number … (person)"),
    # A step's date said as a date (it had been said as the whole series: "a number ...
    # or a list of steps").
    ("step-date", "{start: 1954-03-06, value: 2000}", "{start: 1954-03-32, value: 2000}",
     "demand[0].troops[1].start", "start: 1954-03-32", "a date (YYYY-MM-DD)"),
    ("series-word", "    troops:\n      - {start: 1954-03-01, value: 1000}\n"
     "      - {start: 1954-03-06, value: 2000}\n", "    troops: lots\n",
     "demand[0].troops", "troops: lots", "a number … or a list of steps (start, value)"),
    ("series-negative", "persons_per_day: 5", "persons_per_day: -5",
     "wounded[0].persons_per_day", "persons_per_day: -5", "a number … (person/day)"),
    ("two-ways-to-say-demand", "    ration_kg_per_person_day: 0.9\n",
     "    ration_kg_per_person_day: 0.9\n    kg_per_day: 4\n", "demand[0].kg_per_day",
     "kg_per_day: 4", "either kg_per_day, or troops and ration_kg_per_person_day"),
    # A companion field missing: said at the entry's first line, named as the one missing.
    ("troops-without-ration", "    ration_kg_per_person_day: 0.9\n", "",
     "demand[0].ration_kg_per_person_day", "- front: front",
     "troops and ration_kg_per_person_day together"),
    ("bad-date", "end_date: 1954-03-10", "end_date: 1954-13-10", "end_date",
     "end_date", "a date (YYYY-MM-DD)"),
    # A time of day, even midnight, is refused (it was read as its day, its zone dropped).
    ("date-with-a-time", "end_date: 1954-03-10", "end_date: 1954-03-10T00:00:00+14:00",
     "end_date", "end_date", "a date (YYYY-MM-DD)"),
    ("end-before-start", "end_date: 1954-03-10", "end_date: 1954-02-10", "end_date",
     "end_date", "a date on or after start_date (1954-03-01)"),
    ("literal", "    unit: person", "    unit: persons", "commodities[1].unit",
     "unit: persons", "one of 'kg', 'person'"),
    ("fraction", "labour_share: 0.3", "labour_share: 1.3", "places[2].labour_share",
     "labour_share", "a number from 0 to 1 (fraction)"),
    ("identifier", "  - id: ban-a", "  - id: Ban A", "places[0].id", "id: Ban A",
     "an identifier (lower-case letters"),
    # A currency is not an identifier: its message said so and asked for lower case.
    ("currency", "end_date: 1954-03-10", "end_date: 1954-03-10\ncosts:\n  currency: usd-1",
     "costs.currency", "currency: usd-1",
     "a currency (a letter, then letters or '_', at most 16 characters)"),
    ("infinite", "length_km: 10", "length_km: .inf", "routes[1].length_km", ".inf",
     "a number > 0 … (km)"),
    ("whole-number", "carriers: {bicycle: 20}", "carriers: {bicycle: 20.5}",
     "places[0].carriers.bicycle", "bicycle: 20.5", "a whole number … (unit)"),
    ("not-a-mapping", "stock_kg: {rice: 40000}", "stock_kg: 40000", "places[0].stock_kg",
     "stock_kg: 40000", "a mapping of id: a number … (kg)"),
    ("not-a-list", "regions: [delta]", "regions: delta", "places[2].regions",
     "regions: delta", "a list of identifiers"),
    ("empty-list", "modes: [porter], terrain_factor", "modes: [], terrain_factor",
     "routes[2].modes", "modes: []", "at least 1"),
    ("bool", "air_exposed: false", "air_exposed: maybe", "routes[4].air_exposed",
     "air_exposed: maybe", "true or false"),
    # YAML 1.2: `no` is text, not false (YAML 1.1, which PyYAML reads, said false).
    ("no-as-bool", "air_exposed: false", "air_exposed: no", "routes[4].air_exposed",
     "air_exposed: no", "true or false"),
    ("fuel-needs-commodity", "    rations_kg_per_day: {rice: 0.9}\n",
     "    rations_kg_per_day: {rice: 0.9}\n    fuel_kg_per_km: 0.1\n", "modes[1].fuel_commodity",
     "- id: bicycle", "a fuel_commodity where fuel_kg_per_km > 0"),
    ("true-as-number", "length_km: 10", "length_km: true", "routes[1].length_km",
     "length_km: true", "a number > 0 … (km)"),
    ("yes-as-count", "carriers: {bicycle: 20}", "carriers: {bicycle: yes}",
     "places[0].carriers.bicycle", "bicycle: yes", "a whole number … (unit)"),
    ("false-as-days", "within_days: 3", "within_days: false", "wounded[0].within_days",
     "within_days: false", "a whole number"),
    ("metric-arguments", "metric: {kind: share_mobilized, commodity: rice, regions: "
     "[northwest]}", "metric: {kind: through_t}", "observed[0].metric.place",
     "kind: through_t", "place for metric through_t"),
    # The other rules across a part's fields, each at the field it is about.
    ("metric-unused-argument", "regions: [northwest]}", "regions: [northwest], place: front}",
     "observed[0].metric.place", "metric: {kind: share_mobilized",
     "no place for metric share_mobilized"),
    ("spoils-two-ways", "    decay_per_day: 0.001\n",
     "    decay_per_day: 0.001\n    shelf_life_days: 30\n", "commodities[0].shelf_life_days",
     "shelf_life_days: 30", "decay_per_day or shelf_life_days, not both"),
    ("wounded-spoil", "    unit: person\n", "    unit: person\n    decay_per_day: 0.1\n",
     "commodities[1].decay_per_day", "decay_per_day: 0.1", "no decay_per_day or"),
    ("closure-backwards", "    capacity_movements_per_day: 2000\n",
     "    capacity_movements_per_day: 2000\n    closed:\n      - start: 1954-03-05\n"
     "        end: 1954-03-04\n", "routes[3].closed[0].end", "end: 1954-03-04",
     "an end on or after start"),
    ("daily-start-without-steps", "  labour_rations_kg_per_day: {rice: 0.8}\n",
     "  labour_rations_kg_per_day: {rice: 0.8}\n  daily_start_days: 2\n",
     "policy.daily_start_days", "daily_start_days: 2", "daily_start_days only with"),
    ("replay-selects-nothing", "{commodity: rice, regions: [northwest], kg: 20000}",
     "{commodity: rice, kg: 20000}", "replays[0].mobilization[0].regions",
     "- {commodity: rice, kg", "some regions, places or exclude_regions"),
    ("unknown-block-key", "  labour_rations_kg_per_day: {rice: 0.8}",
     "  labour_ration_kg_per_day:\n    rice: 0.8", "policy.labour_ration_kg_per_day",
     "labour_ration_kg_per_day", "did you mean 'labour_rations_kg_per_day'"),
    ("duplicate-key", "    name: The pass\n", "    name: The pass\n    name: Again\n",
     "routes[3].name", "name: Again", "each key once in a mapping"),
    ("yaml-tag", "length_km: 10", "length_km: !!binary aGVsbG8=", "routes[1].length_km",
     "!!binary", "a plain YAML value (no tags)"),
    # A quantity under `per` has no `per` of its own: it was "expected a known field".
    ("per-under-per", "regions: [northwest]}", "regions: [northwest], per: {kind: "
     "demand_t, commodity: rice, per: {kind: demand_t}}}", "observed[0].metric.per.per",
     "metric:", "a field of MetricTerm (kind, commodity, regions, place, mode, start, by)"),
    ("number-as-id", "  - id: ban-a", "  - id: 1954", "places[0].id", "id: 1954",
     "at most 64 characters), written in quotes: '1954'"),
    ("places-not-a-list", "places:\n  - id: ban-a", "places: nope\nxplaces:\n  - id: ban-a",
     "places", "places: nope", "or {file: places.csv}"),
    # Threats that can never act (a chance of 0, or strikes that take nothing).
    ("air-never-strikes", "day_probability: 0.1}", "day_probability: 0}",
     "threats.air[0].windows", "      windows:", "an air threat that may strike"),
    ("air-strikes-take-nothing", "capacity_lost_fraction: 0.5\n      cargo_destroyed_fraction: "
     "0.2", "capacity_lost_fraction: 0\n      cargo_destroyed_fraction: 0",
     "threats.air[0].capacity_lost_fraction", "capacity_lost_fraction: 0\n",
     "a strike that takes something"),
    ("raid-never-happens", "probability_per_day: 0.01", "probability_per_day: 0",
     "threats.sabotage[0].probability_per_day", "probability_per_day: 0",
     "a raid that may happen"),
    ("raid-always-guarded", "probability_per_day: 0.01", "probability_per_day: 0.01\n"
     "      protection: 1", "threats.sabotage[0].protection", "protection: 1",
     "a raid that may happen"),
    ("raid-takes-nothing", "capacity_lost_fraction: 0.3", "capacity_lost_fraction: 0",
     "threats.sabotage[0].capacity_lost_fraction", "capacity_lost_fraction: 0\n",
     "a raid that takes capacity"),
    # A route closed on every day of the horizon: nothing could use it, no threat strike it.
    ("route-never-open", "terrain_factor: 1.5}", "terrain_factor: 1.5, open_from: "
     "1954-03-04, closed: [{start: 1954-03-01, end: 1954-03-06}, {start: 1954-03-05, end: "
     "1954-03-12}]}", "routes[2].closed", "- {id: long-trail", "a route open on some day"),
    # Money named where nothing costs money: a currency, and a cost figure to compare
    # (it was compared with a plan's cost of 0).
    ("currency-without-costs", "\nobserved:\n", "\ncosts: {currency: EUR}\n\nobserved:\n",
     "costs.currency", "costs: {currency: EUR}", "a cost currency where something costs"),
    ("cost-figure-without-costs", "metric: {kind: share_mobilized, commodity: rice, "
     "regions: [northwest]}\n    value: 50\n    unit: \"%\"", "metric: {kind: cost_per_t}\n"
     "    value: 50\n    unit: USD/t", "observed[0].metric.kind",
     "metric: {kind: cost_per_t}", "a figure about money only where something costs money"),
    # A mode whose payload holds less than its own food for one way on every route it may
    # use, and that carries no wounded, never carries anything.
    ("payload-below-its-food", "    payload_kg: 100\n", "    payload_kg: 0.01\n",
     "modes[1].payload_kg", "payload_kg: 0.01",
     "a payload above the food and fuel a unit draws for one way over a route it may use"),
    # Settings that never act on the scenario's routes, read as the planner reads them.
    ("margin-without-capacities", "  labour_rations_kg_per_day: {rice: 0.8}",
     "  labour_rations_kg_per_day: {rice: 0.8}\n  capacity_safety_margin: 0.1",
     "policy.capacity_safety_margin", "capacity_safety_margin: 0.1",
     "0 where no route has a capacity", "    capacity_movements_per_day: 2000\n", "",
     ",\n     capacity_movements_per_day: 1000}", "}"),
    ("raid-takes-capacity-of-uncapped-routes", "length_km: 30, modes: [porter, bicycle],\n"
     "     capacity_movements_per_day: 1000}", "length_km: 30, modes: [porter, bicycle]}",
     "threats.sabotage[0].capacity_lost_fraction", "capacity_lost_fraction: 0.3",
     "a share that acts: some of its routes with a capacity"),
    ("air-threat-on-no-exposed-route", "    - routes: [pass]\n", "    - routes: []\n",
     "threats.air[0].routes", "- routes: []",
     "an air threat on some route open to air attack", "    capacity_movements_per_day: "
     "2000\n", "    capacity_movements_per_day: 2000\n    air_exposed: false\n",
     "modes: [porter, bicycle],\n", "modes: [porter, bicycle], air_exposed: false,\n",
     "long-trail, from: ban-c, to: relay, length_km: 40, modes: [porter]",
     "long-trail, from: ban-c, to: relay, length_km: 40, modes: [porter], "
     "air_exposed: false", "{from: ban-b, to: relay, length_km: 10, modes: [porter]}",
     "{from: ban-b, to: relay, length_km: 10, modes: [porter], air_exposed: false}"),
    ("rain-narrows-uncapped-routes", "\npolicy:\n", "\n  rain:\n    - {routes: "
     "[long-trail], start: 1954-03-01, end: 1954-03-10, probability_per_day: 0.5, "
     "speed_factor: 1, capacity_factor: 0.5}\n\npolicy:\n", "threats.rain[0].speed_factor",
     "- {routes: [long-trail]", "below 1 where none of the routes it falls on has a capacity"),
    ("labour-rations-no-one-eats", "wounded:\n  - front: front\n    persons_per_day: 5\n"
     "    hospitals: [hospital]\n    within_days: 3\n", "",
     "policy.labour_rations_kg_per_day", "labour_rations_kg_per_day: {rice: 0.8}",
     "rations only where someone eats them", "    wounded_per_unit: 0.25\n", "",
     "  - id: wounded\n    unit: person\n", ""),
    ("good-only-held", "  - id: wounded\n", "  - id: salt\n  - id: wounded\n",
     "commodities[1].id", "- id: salt", "a good that some demand, ration or fuel uses",
     "stock_kg: {rice: 40000}", "stock_kg: {rice: 40000, salt: 100}"),
    # A hospital no mode that carries wounded can reach from the front: they were left
    # waiting in silence ("wounded not at a hospital within their limit: 140 person-days").
    ("hospital-no-stretcher-reaches", "to: hospital, length_km: 8, modes: [porter]",
     "to: hospital, length_km: 8, modes: [bicycle]", "wounded[0].hospitals[0]",
     "hospitals: [hospital]", "a hospital the wounded can be carried to from 'front'"),
    # A closure over before its route opens never acts.
    ("closure-before-the-route-opens", "terrain_factor: 1.5}", "terrain_factor: 1.5, "
     "open_from: 1954-03-05, closed: [{start: 1954-03-01, end: 1954-03-03}]}",
     "routes[2].closed[0].end", "open_from: 1954-03-05",
     "a closure that ends on or after the day the route opens (1954-03-05"),
    # A reserve that holds nothing (days of that day's demand) was planned for as nil.
    ("reserve-of-no-days", "{days_of_supply: 2, by: 1954-03-08}",
     "{days_of_supply: 0, by: 1954-03-08}", "demand[0].reserves[0].days_of_supply",
     "- {days_of_supply: 0", "a reserve of more than 0 days"),
    ("reserve-on-a-day-without-troops", "value: 2000}\n", "value: 2000}\n      - {start: "
     "1954-03-07, value: 0}\n", "demand[0].reserves[0].by", "- {days_of_supply: 2",
     "a day on which the demand is above 0"),
    # Each within its own limit, their product stopped the planner with no field named.
    ("troops-times-ration", "value: 2000}\n    ration_kg_per_person_day: 0.9",
     "value: 1e12}\n    ration_kg_per_person_day: 2", "demand[0].troops",
     "- {start: 1954-03-01, value: 1000}", "troops × ration_kg_per_person_day of at most"),
]


@pytest.mark.parametrize(("old", "new", "field", "where", "expected", "more"),
                         [(*case[1:6], case[6:]) for case in SCHEMA_CASES],
                         ids=[case[0] for case in SCHEMA_CASES])
def test_schema_problem_is_located(old: str, new: str, field: str, where: str,
                                   expected: str, more: tuple[str, ...]) -> None:
    text = edit(TINY_TEXT, old, new)
    for before, after in zip(more[::2], more[1::2], strict=True):  # further edits
        text = edit(text, before, after)
    problems = by_field(problems_in(text))
    assert field in problems, sorted(problems)
    problem = problems[field]
    assert in_order(problem.expected, expected)
    assert problem.file == "tiny.yaml"
    assert problem.line == line_of(text, where)


@pytest.mark.parametrize(("written", "found"), [('"The\\0pass"', "U+0000"),
                                                 ('"The \\u202epass"', "U+202E")])
def test_text_with_a_control_character_is_refused(written: str, found: str) -> None:
    """A file writes a NUL or a bidirectional override only as an escape (YAML refuses
    them raw); refused too, as the books refuse them: they reached the report's HTML raw."""
    text = edit(TINY_TEXT, "    name: The pass", f"    name: {written}")
    (problem,) = problems_in(text)
    assert (problem.field, problem.line) == ("routes[3].name", line_of(text, "name: \"The"))
    assert problem.expected == "text without control characters"
    assert problem.got.endswith(f"(with {found})") and "\\u" in problem.got


def test_a_character_escaped_as_two_utf16_halves_is_read_as_that_character() -> None:
    """A JSON writer escapes a character beyond U+FFFF as its two UTF-16 halves (Python's
    json.dumps writes 😀 as \\ud83d\\ude00); JSON reads them as the one character, and
    so does the scenario's reader (YAML's had kept the halves, which no file can hold)."""
    text = edit(TINY_TEXT, "    name: The pass", '    name: "The pass \\ud83d\\ude00"')
    assert load_text(text, "tiny.yaml", base_dir=DATA).routes[3].name == "The pass \U0001f600"


@pytest.mark.parametrize("field", ["name", "key"])
def test_half_of_a_utf16_pair_is_refused_where_it_was_written(field: str) -> None:
    """A lone half (\\ud800 to \\udfff) is no character: it passed check and the plan,
    then the report could not be written (UnicodeEncodeError), and as a key it hid every
    other problem of its entry behind 'expected a mapping of Route fields'. Refused at its
    field and line, shown as its escape, the entry's other fields still judged."""
    written = ('    name: "The \\ud800pass"' if field == "name"
               else '    name: The pass\n    "colo\\udc00ur": red')
    text = edit(TINY_TEXT, "    name: The pass", written)
    text = edit(text, "    length_km: 25\n", "    length_km: -25\n")
    problems = problems_in(text)
    half = [p for p in problems if p.expected.startswith("text of whole characters")]
    assert len(half) == 1, problems
    (problem,) = half
    where = '"The' if field == "name" else '"colo'
    assert problem.line == line_of(text, where)
    assert problem.field.startswith("routes[3].")
    assert problem.got.endswith("(with U+D800)" if field == "name" else "(with U+DC00)")
    assert ("\\ud800" if field == "name" else "\\udc00") in problem.got
    for shown in problems:  # every message can be printed and written as UTF-8
        str(shown).encode("utf-8")
    fields = {p.field for p in problems}
    assert "routes[3].length_km" in fields, fields
    assert "routes[3]" not in fields, fields


def test_text_refused_in_a_scenario_is_what_the_books_refuse_in_a_note() -> None:
    """One rule for both (:data:`supplyline.text.REFUSED`): a mark that only sets the
    direction of right-to-left text passes; an override that reorders it does not."""
    from supplyline.ops.entries import EntryError, _text

    for written, refused in (('"\\u200f\u0627\u0644\u062c\u0633\u0631"', False),
                             ('"The \\u202epass"', True)):
        text = edit(TINY_TEXT, "    name: The pass", f"    name: {written}")
        if refused:
            (problem,) = problems_in(text)
            assert problem.expected == "text without control characters"
        else:
            assert load_text(text, "tiny.yaml", base_dir=DATA).routes[3].name[0] == "\u200f"
        note = "\u200fx" if not refused else "\u202ex"
        assert isinstance(_text("note", note), EntryError) == refused


def test_a_key_without_a_value_got_nothing() -> None:
    text = edit(TINY_TEXT, "    length_km: 25\n", "    length_km:\n")
    (problem,) = problems_in(text)
    assert (problem.field, problem.got) == ("routes[3].length_km", "nothing")


def test_an_empty_name_is_not_read_as_the_current_folder() -> None:
    with pytest.raises(ScenarioError) as caught:
        sl.load("")
    (problem,) = caught.value.problems
    assert (problem.expected, problem.got) == (
        "a scenario file or a built-in scenario name", "an empty name")


def test_unknown_key_is_reported_at_its_own_line() -> None:
    text = edit(TINY_TEXT, "  labour_rations_kg_per_day: {rice: 0.8}",
                "  labour_ration_kg_per_day:\n    rice: 0.8")
    (problem,) = problems_in(text)
    assert problem.line == line_of(text, "labour_ration_kg_per_day")
    assert problem.line != line_of(text, "rice: 0.8")


def test_union_reports_only_the_branch_that_was_written() -> None:
    text = edit(TINY_TEXT, "{start: 1954-03-06, value: 2000}", "{start: 1954-03-06, value: -3}")
    assert [p.field for p in problems_in(text)] == ["demand[0].troops[1].value"]


def test_yaml_syntax_error_has_its_line() -> None:
    text = edit(TINY_TEXT, "  - id: porter\n", "  - id: porter: x\n")
    (problem,) = problems_in(text)
    assert problem.field == "(YAML syntax)"
    assert problem.line == line_of(text, "porter: x")


@pytest.mark.parametrize(("text", "got"), [
    ("", "an empty file"),
    (" \n\n", "an empty file"),
    # a file of comments only (a template with every line commented out) is not empty
    ("# name: my-valley\n\n# start_date: 2024-11-01\n", "only blank and comment lines"),
    ("- a\n- b\n", "a list of 2 items"),
    ("just words", "'just words'"),
    ("42", "42"),
])
def test_top_level_must_be_a_mapping(text: str, got: str) -> None:
    (problem,) = problems_in(text)
    assert problem.expected == "a mapping of scenario fields"
    assert problem.got == got


def test_missing_file_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        sl.load(tmp_path / "nowhere.yaml")
    assert caught.value.got == "no such file"


def test_a_misspelt_file_is_told_the_nearest_in_its_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`check my-valey.yaml` beside my-valley.yaml said only "no such file": the closest YAML
    file of the folder is offered, named as the path named its folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    for name in ("my-valley.yaml", "sub/my-valley.yaml", "sub/my-valey.txt"):
        (tmp_path / name).write_text(TINY_TEXT, encoding="utf-8")
    for written, meant in (("my-valey.yaml", "my-valley.yaml"),
                           ("sub/my-valey.yml", "sub/my-valley.yaml"),
                           (tmp_path / "my-valey.yaml", f"{tmp_path / 'my-valley.yaml'}")):
        with pytest.raises(ScenarioError) as caught:
            sl.load(written)
        (problem,) = caught.value.problems
        assert problem.expected == f"an existing scenario file (did you mean {meant!r}?)"
        assert problem.got == "no such file"
    # Nothing close, or no such folder: nothing offered.
    for written in ("sub/other.yaml", "nowhere/my-valey.yaml"):
        with pytest.raises(ScenarioError) as caught:
            sl.load(written)
        assert caught.value.problems[0].expected == "an existing scenario file"


def test_unknown_name_lists_the_builtins() -> None:
    with pytest.raises(ScenarioError) as caught:
        sl.load("no-such-scenario")
    assert "built-in scenario name" in caught.value.expected


def test_folder_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        sl.load(tmp_path)
    assert caught.value.got == "a folder"


def test_bad_encoding_is_located(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(TINY_TEXT.replace("Tiny valley", "Tiny vall\u00e9e").encode("latin-1"))
    with pytest.raises(ScenarioError) as caught:
        sl.load(path)
    assert caught.value.expected == "text encoded as UTF-8"
    assert caught.value.line == line_of(TINY_TEXT, "title:")


@pytest.mark.parametrize(("encoding", "got"), [
    ("utf-16", "text encoded as UTF-16 (its byte-order mark 0xff 0xfe)"),
    ("utf-16-be", "text encoded as UTF-16 (its byte-order mark 0xfe 0xff)"),
    ("utf-32", "text encoded as UTF-32 (its byte-order mark 0xff 0xfe 0x00 0x00)"),
])
def test_a_file_saved_as_utf16_is_said_so(tmp_path: Path, encoding: str, got: str) -> None:
    """A scenario or a table that an editor saved as UTF-16 or UTF-32 (with its byte-order
    mark) was refused as "got the byte 0xff" at line 1, a byte the user never wrote: it is
    said by its encoding, in the YAML and in a table alike."""
    path = tmp_path / "wide.yaml"
    text = TINY_TEXT if encoding != "utf-16-be" else "\ufeff" + TINY_TEXT
    path.write_bytes(text.encode(encoding))
    with pytest.raises(ScenarioError) as caught:
        sl.load(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.field, problem.expected, problem.got) == (
        1, "(file)", "text encoded as UTF-8", got)
    (tmp_path / "places.csv").write_bytes("id,kind\nx,depot\n".encode(encoding)
                                          if encoding != "utf-16-be" else
                                          "\ufeffid,kind\nx,depot\n".encode(encoding))
    (problem,) = [p for p in problems_in("places: {file: places.csv}\n",
                                         str(tmp_path / "s.yaml"), tmp_path)
                  if p.file != str(tmp_path / "s.yaml")]  # (the YAML's own: no name, ...)
    assert (problem.file, problem.line, problem.field, problem.got) == (
        str(tmp_path / "places.csv"), 1, "places", got)


def test_recursive_alias_is_a_scenario_error() -> None:
    problems = problems_in("name: &a [*a]\n")
    assert any("alias" in p.got for p in problems)


def test_alias_bomb_is_stopped() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    problems = problems_in("\n".join(lines) + "\n")
    assert any("at most" in p.expected for p in problems)


def test_deep_nesting_is_a_scenario_error() -> None:
    (problem,) = problems_in("a: " + "[" * 100_000 + "]" * 100_000 + "\n")
    # Our own limit, or (PyYAML >= 6.0.4) the parser's, which reports it as a syntax error.
    assert problem.line == 1
    assert "nest" in f"{problem.expected} {problem.got}"


def test_a_key_written_beside_a_merge_key_overrides_the_merged_one() -> None:
    """`<<: *a` then `id: ban-b` is YAML for a copy of a with another id; the merged id was
    kept and the written one refused as a key written twice."""
    text = edit(TINY_TEXT, "  - id: ban-a\n", "  - &ban\n    id: ban-a\n")
    text = edit(text, "  - id: ban-b\n    kind: locality\n    lat: 21.60\n    lon: 103.20\n"
                "    regions: [northwest]\n    population: 1000\n    stock_kg: {rice: 15000}\n",
                "  - <<: *ban\n    id: ban-b\n    lon: 103.20\n    carriers: {}\n")
    loaded = load_text(text, "tiny.yaml", base_dir=DATA)
    first, second = loaded.places[0], loaded.places[1]
    # (its own lon keeps its 10 km route to the relay no shorter than the way there)
    assert (second.id, second.lat, second.lon, second.population, second.carriers) == (
        "ban-b", first.lat, 103.20, first.population, {})
    # A mapping with a merge key, built again through an alias, overrides the same way
    # (its keys were taken as written twice the second time).
    stocks = edit(TINY_TEXT, "stock_kg: {rice: 40000}", "stock_kg: &base {rice: 40000}")
    stocks = edit(stocks, "stock_kg: {rice: 15000}", "stock_kg: &b {<<: *base, rice: 15000}")
    stocks = edit(stocks, "stock_kg: {rice: 60000}", "stock_kg: *b")
    places = load_text(stocks, "tiny.yaml", base_dir=DATA).places
    assert [p.stock_kg for p in places[:3]] == [{"rice": 40000}] + [{"rice": 15000}] * 2
    twice = edit(text, "    id: ban-b\n", "    id: ban-b\n    id: ban-x\n")
    (problem,) = problems_in(twice)
    assert problem.expected == "each key once in a mapping"
    assert problem.line == line_of(twice, "id: ban-x")


def test_a_horizon_of_a_century_is_refused_where_it_is_written() -> None:
    """end_date 2124 for 2024 passed check; the plan then built an LP of millions of columns
    and ran out of memory."""
    from supplyline.scenario.schema import MAX_HORIZON_DAYS

    start = dt.date(1954, 3, 1)
    last = start + dt.timedelta(days=MAX_HORIZON_DAYS - 1)
    at_most = edit(TINY_TEXT, "end_date: 1954-03-10", f"end_date: {last}")
    assert "end_date" not in by_field(problems_in(at_most))  # (its replay may not fit)
    text = edit(TINY_TEXT, "end_date: 1954-03-10", "end_date: 2054-03-10")
    (problem,) = problems_in(text)
    assert (problem.field, problem.line) == ("end_date", line_of(text, "end_date: 2054"))
    assert problem.expected.startswith(f"a date by {last} (a horizon of at most 3,653 days")


@pytest.mark.parametrize("written", ["true", "0750", "1e3", "2024-01-01"])
def test_the_quoting_hint_quotes_what_was_written(written: str) -> None:
    """YAML reads `true` as true and `0750` as 750: the hint said to write 'True' and
    '750', which are not what the user meant (and 'True' is no identifier either)."""
    text = edit(TINY_TEXT, "  - id: ban-a", f"  - id: {written}")
    problem = by_field(problems_in(text))["places[0].id"]
    assert problem.expected.endswith(f"), written in quotes: '{written}'")


def test_a_misspelt_bare_name_is_told_the_nearest_file_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`check tutoral` beside tutorial.yaml, or `check my-valey` beside my-valley.yml, was
    offered the built-in names only: the folder's YAML files are offered too, and a
    built-in name that a file here shares as the name that loads it."""
    monkeypatch.chdir(tmp_path)
    prefix = "an existing scenario file or a built-in scenario name ("
    for files, written, meant in (
            ((), "tutoral", "'tutorial'"),
            (("my-valley.yml",), "my-valey", "'my-valley.yml'"),
            (("my-valley.yml",), "MY-VALLEY", "'my-valley.yml'"),
            (("tutorial.yaml",), "tutoral", "'tutorial.yaml' or 'builtin:tutorial'")):
        for name in files:
            (tmp_path / name).write_text(TINY_TEXT, encoding="utf-8")
        with pytest.raises(ScenarioError) as caught:
            sl.load(written)
        (problem,) = caught.value.problems
        assert problem.expected.startswith(prefix), problem.expected
        assert problem.expected.endswith(f") (did you mean {meant}?)"), problem.expected
        for name in files:
            (tmp_path / name).unlink()



@pytest.mark.parametrize("written", ["no", "yes", "on", "off", "n", "y"])
def test_yes_and_no_are_text_as_in_yaml_1_2(written: str) -> None:
    """A place `no` was read as false (YAML 1.1's booleans), and had to be quoted."""
    assert load_text(TINY_TEXT.replace("ban-a", written)).places[0].id == written


def test_a_file_named_as_a_built_in_scenario_is_not_passed_over(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`tutorial` with a file of that name in the folder loaded the built-in scenario,
    without a word: now the name must say which."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tutorial").write_text(TINY_TEXT, encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        sl.load("tutorial")
    (problem,) = raised.value.problems
    assert problem.expected == ("a name that says which: the built-in scenario as "
                                "builtin:tutorial, or the file as ./tutorial (its path)")
    assert sl.load("./tutorial") == load_text(TINY_TEXT)
    # Each choice the message offers can be typed (the built-in had no name of its own).
    assert sl.load("builtin:tutorial").name == "tutorial"
    with pytest.raises(ScenarioError, match="did you mean 'tutorial'"):
        sl.load("builtin:tutoral")
    (tmp_path / "tutorial").unlink()
    assert sl.load("tutorial").name == "tutorial"


@pytest.mark.parametrize("suffix", [".yaml", ".yml"])
def test_a_yaml_file_named_as_a_built_in_scenario_is_not_passed_over(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    """`tutorial` beside an edited `tutorial.yaml` checked the built-in scenario and said
    OK, the user's file ignored: the name is refused as for a file named exactly so."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / f"tutorial{suffix}").write_text(TINY_TEXT, encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        sl.load("tutorial")
    (problem,) = raised.value.problems
    assert (problem.file, problem.field) == ("tutorial", "(file)")
    assert problem.expected == ("a name that says which: the built-in scenario as "
                                f"builtin:tutorial, or the file as ./tutorial{suffix} "
                                "(its path)")
    assert problem.got == f"a file tutorial{suffix} here"
    # Each name the message offers reads what it says.
    assert sl.load(f"./tutorial{suffix}") == load_text(TINY_TEXT)
    assert sl.load("builtin:tutorial").name == "tutorial"
    # Another built-in's name is not refused for it.
    other = next(name for name in builtin_names() if name != "tutorial")
    assert sl.load(other).name == other


@needs_symlinks
def test_a_link_to_nothing_named_as_a_built_in_scenario_is_not_passed_over(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A `tutorial.yaml` left a link to a file moved away: `tutorial` read the built-in
    without a word, as it did beside any file that was not a regular one."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tutorial.yaml").symlink_to(tmp_path / "moved.yaml")
    with pytest.raises(ScenarioError) as raised:
        sl.load("tutorial")
    (problem,) = raised.value.problems
    assert problem.expected == ("a name that says which: the built-in scenario as "
                                "builtin:tutorial, or the file as ./tutorial.yaml (its path)")
    assert problem.got == "a link tutorial.yaml here, to nothing"


def test_a_folder_named_as_a_built_in_scenario_is_no_scenario(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder is no scenario (`--export tutorial` writes one): the bare name reads the
    built-in beside it, as the reference says."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tutorial").mkdir()
    (tmp_path / "tutorial" / "tutorial.yaml").write_text(TINY_TEXT, encoding="utf-8")
    assert sl.load("tutorial") == sl.load("builtin:tutorial")
    (tmp_path / "tutorial.yml").mkdir()
    assert sl.load("tutorial").name == "tutorial"


def test_the_default_beside_a_file_of_its_name_says_none_was_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No scenario given beside a copy of the default: the refusal said "got a file ...
    here" of a name the user had not written."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / f"{DEFAULT_SCENARIO}.yaml").write_text(TINY_TEXT, encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        sl.load()
    (problem,) = raised.value.problems
    assert problem.got == (f"no scenario named (the default is the built-in "
                           f"{DEFAULT_SCENARIO}), and a file {DEFAULT_SCENARIO}.yaml here")
    assert problem.expected.endswith(f"or the file as ./{DEFAULT_SCENARIO}.yaml (its path)")
    with pytest.raises(ScenarioError) as raised:
        sl.load(DEFAULT_SCENARIO)
    assert raised.value.problems[0].got == f"a file {DEFAULT_SCENARIO}.yaml here"


def test_a_route_open_on_one_day_of_the_horizon_is_kept() -> None:
    """Closed windows and open_from that leave one day open (the last) are not refused."""
    text = edit(TINY_TEXT, "terrain_factor: 1.5}", "terrain_factor: 1.5, open_from: "
                "1954-03-04, closed: [{start: 1954-03-01, end: 1954-03-06}, {start: "
                "1954-03-07, end: 1954-03-09}]}")
    route = load_text(text, "tiny.yaml", base_dir=DATA).routes[2]
    assert [c.end for c in route.closed] == [dt.date(1954, 3, 6), dt.date(1954, 3, 9)]


def test_a_value_written_at_length_is_said_cut_short() -> None:
    """A number of 500 digits was echoed whole in the message."""
    text = TINY_TEXT.replace("population: 1000", "population: " + "9" * 500, 1)
    got = by_field(problems_in(text))["places[1].population"].got
    assert len(got) == 60 and got.startswith("999") and got.endswith("…")


@pytest.mark.parametrize(("old", "new", "field"), [
    # Read as population 0, it added "carriers where some of the people may serve".
    ("    population: 2000\n", "    popuation: 2000\n", "places[0].popuation"),
    ("    payload_kg: 100\n", "    payload_kgs: 100\n", "modes[1].payload_kgs"),
    # Read as no stock, it added a replay asking more than the localities could give.
    ("stock_kg: {rice: 40000}", "stock_kg: {rcie: 40000}", "places[0].stock_kg.rcie"),
])
def test_a_misspelt_field_is_one_problem(old: str, new: str, field: str) -> None:
    """A field misspelt is said once, with the field it likely is: the checks that would
    read the field it stands for as its default say nothing more."""
    problems = problems_in(edit(TINY_TEXT, old, new))
    assert [p.field for p in problems] == [field], problems
    assert "did you mean" in problems[0].expected


RAIN = ("\npolicy:\n", "\n  rain:\n    - {routes: [long-trail], start: 1954-03-01, end: "
        "1954-03-10, probability_per_day: 0.5, speed_factor: 1, capacity_factor: 0}\n"
        "\npolicy:\n")


@pytest.mark.parametrize("edits", [
    # A rain day of capacity_factor 0 closes even a route without a capacity.
    [RAIN],
    # Raids of half the capacity, held three days, can take all of a route's.
    [("capacity_lost_fraction: 0.3", "capacity_lost_fraction: 0.5"),
     ("length_km: 30, modes: [porter, bicycle],\n     capacity_movements_per_day: 1000}",
      "length_km: 30, modes: [porter, bicycle], repair_days: 3}")],
    # Road workers eat maize: a wounded ration of 0 maize does not hide it.
    [("  - id: wounded\n", "  - id: maize\n  - id: wounded\n"),
     ("stock_kg: {rice: 40000}", "stock_kg: {rice: 40000, maize: 5000}"),
     ("  labour_rations_kg_per_day: {rice: 0.8}", "  labour_rations_kg_per_day: {maize: 0.8}\n"
      "  wounded_rations_kg_per_day: {rice: 0.5, maize: 0}"),
     ("\nthreats:\n", "\nroad_works:\n  - {route: long-trail, crew_days: 100, by: 1954-03-08}"
      "\n\nthreats:\n")],
], ids=["rain-closes-an-uncapped-route", "raids-add-up-to-all", "a-ration-of-0-elsewhere"])
def test_settings_that_do_act_are_not_refused(edits: list[tuple[str, str]]) -> None:
    text = TINY_TEXT
    for old, new in edits:
        text = edit(text, old, new)
    load_text(text)


def test_what_never_acts_is_said_beside_other_problems() -> None:
    """A margin where no route has a capacity was said only once the file had no other
    problem; now beside one in another section, not beside one in a section it reads."""
    text = edit(TINY_TEXT, "  labour_rations_kg_per_day: {rice: 0.8}",
                "  labour_rations_kg_per_day: {rice: 0.8}\n  capacity_safety_margin: 0.1")
    text = edit(text, "    capacity_movements_per_day: 2000\n", "")
    text = edit(text, ",\n     capacity_movements_per_day: 1000}", "}")
    beside = edit(text, "    within_days: 3", "    within_days: 0")
    assert {"wounded[0].within_days", "policy.capacity_safety_margin"} <= set(
        by_field(problems_in(beside)))
    broken_routes = edit(text, "length_km: 8", "length_km: -8")
    assert "policy.capacity_safety_margin" not in by_field(problems_in(broken_routes))
