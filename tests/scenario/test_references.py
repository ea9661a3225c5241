"""Cross-reference checks: each names the line of the value that refers to nothing."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

import supplyline as sl
from supplyline.scenario import load_text
from supplyline.scenario._yaml_lines import Locations
from supplyline.scenario.load import validate_data

from .helpers import DATA, TINY_TEXT, by_field, edit, line_of, problems_in

TUTORIAL = (resources.files("supplyline.scenario") / "builtin" / "tutorial.yaml").read_text(
    "utf-8")

ROAD_WORK = """
road_works:
  - {route: ROUTE, crew_days: 500, start: START, by: BY}
"""


def _with_road_work(route: str = "pass", start: str = "1954-03-01",
                    by: str = "1954-03-05") -> str:
    work = ROAD_WORK.replace("ROUTE", route).replace("START", start).replace("BY", by)
    return TINY_TEXT + work


CASES = [
    # (id, old, new, field, text on the reported line, part of `expected`)
    ("route-unknown-place", "{from: ban-b, to: relay", "{from: ban-b, to: relai",
     "routes[1].to", "relai", "a known place id (did you mean 'relay'?)"),
    ("route-unknown-mode", "modes: [porter], terrain_factor", "modes: [portr], terrain_factor",
     "routes[2].modes[0]", "portr",
     "one of the scenario's modes (porter, bicycle; did you mean 'porter'?)"),
    ("route-to-itself", "{from: ban-b, to: relay", "{from: relay, to: relay",
     "routes[1].to", "{from: relay, to: relay", "a place other than 'from'"),
    ("mode-ration-commodity", "rations_kg_per_day: {rice: 0.9}",
     "rations_kg_per_day: {rize: 0.9}", "modes[1].rations_kg_per_day.rize", "rize",
     "a known commodity id"),
    ("mode-fuel-commodity", "    rations_kg_per_day: {rice: 0.9}\n",
     "    rations_kg_per_day: {rice: 0.9}\n    fuel_commodity: diesel\n",
     "modes[1].fuel_commodity", "diesel", "a known commodity id"),
    ("place-stock-commodity", "stock_kg: {rice: 15000}", "stock_kg: {rise: 15000}",
     "places[1].stock_kg.rise", "rise", "a known commodity id"),
    ("place-production-commodity", "production_kg_per_day: {rice: 500}",
     "production_kg_per_day: {corn: 500}", "places[0].production_kg_per_day.corn", "corn",
     "a known commodity id"),
    ("place-carriers-mode", "carriers: {bicycle: 20}", "carriers: {horse: 20}",
     "places[0].carriers.horse", "horse", "one of the scenario's modes (porter, bicycle)"),
    ("demand-not-a-front", "  - front: front\n    commodity: rice",
     "  - front: relay\n    commodity: rice", "demand[0].front", "front: relay",
     "a place of kind front"),
    ("demand-unknown-place", "  - front: front\n    commodity: rice",
     "  - front: nowhere\n    commodity: rice", "demand[0].front", "nowhere",
     "a known place id"),
    ("demand-unknown-commodity", "    commodity: rice\n    troops:",
     "    commodity: salt\n    troops:", "demand[0].commodity", "salt",
     "a known commodity id"),
    ("demand-of-persons", "    commodity: rice\n    troops:",
     "    commodity: wounded\n    troops:", "demand[0].commodity", "commodity: wounded",
     "a goods commodity (unit kg)"),
    ("front-unreached", "    to: front\n", "    to: hospital\n", "places[4].id", "id: front",
     "a front that some route reaches"),
    ("wounded-front-not-front", "  - front: front\n    persons_per_day",
     "  - front: relay\n    persons_per_day", "wounded[0].front", "front: relay",
     "a place of kind front"),
    ("wounded-hospital-not-hospital", "hospitals: [hospital]", "hospitals: [relay]",
     "wounded[0].hospitals[0]", "hospitals: [relay]", "a place of kind hospital"),
    ("wounded-without-person-commodity", "    unit: person\n", "", "wounded", "wounded:",
     "a commodity with unit: person"),
    ("two-person-commodities", "    unit: person\n",
     "    unit: person\n  - id: sick\n    unit: person  # again\n", "commodities[2].unit",
     "person  # again", "one commodity of unit person"),
    ("air-threat-route", "routes: [pass]", "routes: [pas]", "threats.air[0].routes[0]",
     "routes: [pas]", "a known route id (did you mean 'pass'?)"),
    # A place's id where a route's is asked: said as a place.
    ("air-threat-route-a-place", "routes: [pass]", "routes: [relay]",
     "threats.air[0].routes[0]", "routes: [relay]",
     "a known route id (a route's id, or FROM--TO for one without)"),
    ("air-window-reversed", "{start: 1954-03-01, end: 1954-03-10, day_probability",
     "{start: 1954-03-05, end: 1954-03-01, day_probability",
     "threats.air[0].windows[0].end", "end: 1954-03-01, day", "end on or after start"),
    ("sabotage-region", "    - regions: [northwest]", "    - regions: [nortwest]",
     "threats.sabotage[0].regions[0]", "nortwest",
     "a region tag that some place has (did you mean 'northwest'?)"),
    ("policy-commodity", "subsistence_kg_per_person_day: {rice: 0.5}",
     "subsistence_kg_per_person_day: {rize: 0.5}",
     "policy.subsistence_kg_per_person_day.rize", "rize", "a known commodity id"),
    ("replay-commodity", "{commodity: rice, regions: [northwest], kg",
     "{commodity: rize, regions: [northwest], kg", "replays[0].mobilization[0].commodity",
     "rize", "a known commodity id"),
    ("replay-region", "{commodity: rice, regions: [northwest], kg",
     "{commodity: rice, regions: [north], kg", "replays[0].mobilization[0].regions[0]",
     "north]", "a region tag"),
    ("replay-place-kind", "{commodity: rice, regions: [northwest], kg",
     "{commodity: rice, places: [relay], kg", "replays[0].mobilization[0].places[0]",
     "places: [relay]", "a place of kind locality"),
    ("replay-mode", "{mode: bicycle, units: 20}", "{mode: bike, units: 20}",
     "replays[0].carriers[0].mode", "bike",
     "one of the scenario's modes (porter, bicycle)"),
    ("observed-commodity", "commodity: rice, regions: [northwest]}",
     "commodity: rize, regions: [northwest]}", "observed[0].metric.commodity", "rize",
     "a known commodity id"),
    ("observed-region", "commodity: rice, regions: [northwest]}",
     "commodity: rice, regions: [west]}", "observed[0].metric.regions[0]", "[west]",
     "a region tag"),
    ("observed-place", "metric: {kind: share_mobilized, commodity: rice, regions: [northwest]}",
     "metric: {kind: through_t, place: relai}", "observed[0].metric.place", "relai",
     "a known place id"),
    ("observed-replay", "    replay: history", "    replay: histry", "observed[0].replay",
     "histry", "a known replay id"),
    ("observed-date", "metric: {kind: share_mobilized, commodity: rice, regions: [northwest]}",
     "metric: {kind: days_from, start: 1954-01-01}", "observed[0].metric.start",
     "1954-01-01", "a date from 1954-03-01 to 1954-03-10"),
    ("demand-start-outside", "    start: 1954-03-02", "    start: 1954-02-02",
     "demand[0].start", "1954-02-02", "a date from 1954-03-01 to 1954-03-10 (the horizon)"),
    ("demand-end-before-start", "    start: 1954-03-02", "    start: 1954-03-05\n"
     "    end: 1954-03-03", "demand[0].end", "end: 1954-03-03", "end on or after start"),
    ("reserve-by-outside", "by: 1954-03-08", "by: 1954-04-08", "demand[0].reserves[0].by",
     "1954-04-08", "the horizon"),
    ("route-open-from-outside", "modes: [porter], air_exposed: false}",
     "modes: [porter], air_exposed: false, open_from: 1955-01-01}", "routes[4].open_from",
     "1955-01-01", "the horizon"),
    ("steps-unsorted", "      - {start: 1954-03-06, value: 2000}",
     "      - {start: 1954-03-01, value: 2000}", "demand[0].troops[1].start",
     "{start: 1954-03-01, value: 2000}", "steps sorted by start"),
    ("duplicate-place", "  - id: ban-b", "  - id: ban-a", "places[1].id", "- id: ban-a", 2,
     ),
    ("duplicate-route", "{from: ban-b, to: relay", "{from: ban-a, to: relay", "routes[1]",
     "{from: ban-a, to: relay", 2),
    ("duplicate-commodity", "  - id: wounded", "  - id: rice", "commodities[1].id",
     "- id: rice", 2),
    # A cut or a protection names a route or a place by its id alone.
    ("route-id-of-a-place", "  - id: pass\n", "  - id: relay\n", "routes[3].id",
     "  - id: relay\n    name: The pass", "a route id no place has (also the id of places["),
]


@pytest.mark.parametrize(("old", "new", "field", "where", "expected"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_reference_problem_is_located(old: str, new: str, field: str, where: str,
                                      expected: str | int) -> None:
    text = edit(TINY_TEXT, old, new)
    problems = by_field(problems_in(text))
    assert field in problems, sorted(problems)
    problem = problems[field]
    if isinstance(expected, int) and field == "routes[1]":  # two routes without an id
        first = line_of(text, where)
        assert problem.expected == (f"an id (routes[0], line {first} also runs from ban-a to "
                                    "relay: a second route between them needs an id to tell "
                                    "it apart)")
        assert problem.got == "no id"
        assert problem.line == line_of(text, where, occurrence=expected)
    elif isinstance(expected, int):  # a duplicate: reported at its second occurrence
        assert problem.expected.startswith("a unique id (also used by")
        assert problem.line == line_of(text, where, occurrence=expected)
    else:
        assert expected in problem.expected
        assert problem.line == line_of(text, where)


@pytest.mark.parametrize(("route", "start", "by", "field", "expected"), [
    ("pas", "1954-03-01", "1954-03-05", "road_works[0].route", "a known route id"),
    ("pass", "1954-02-01", "1954-03-05", "road_works[0].start", "the horizon"),
    ("pass", "1954-03-01", "1954-04-05", "road_works[0].by", "the horizon"),
    ("pass", "1954-03-06", "1954-03-05", "road_works[0].by", "by on or after start"),
])
def test_road_work_references(route: str, start: str, by: str, field: str,
                              expected: str) -> None:
    text = _with_road_work(route, start, by)
    problems = by_field(problems_in(text))
    assert expected in problems[field].expected
    assert problems[field].line == line_of(text, "- {route:")


def test_road_work_on_an_unnamed_route_uses_from_to() -> None:
    from supplyline.scenario import load_text

    assert load_text(_with_road_work("ban-b--relay")).road_works[0].route == "ban-b--relay"


def test_every_reference_problem_is_reported_at_once() -> None:
    text = TINY_TEXT
    for old, new in [("{from: ban-b, to: relay", "{from: ban-b, to: relai"),
                     ("carriers: {bicycle: 20}", "carriers: {horse: 20}"),
                     ("hospitals: [hospital]", "hospitals: [relay]"),
                     ("routes: [pass]", "routes: [pas]"),
                     ("    replay: history", "    replay: histry")]:
        text = edit(text, old, new)
    problems = problems_in(text)
    # The five, and the bicycles that no place owns once ban-a's are horses.
    assert len(problems) == 6
    assert "'bicycle' (no place owns any)" in {p.got for p in problems}
    assert [p.line for p in problems] == sorted(p.line or 0 for p in problems)


def test_schema_and_reference_problems_come_together() -> None:
    text = edit(TINY_TEXT, "length_km: 25", "length_km: -4")
    text = edit(text, "routes: [pass]", "routes: [pas]")
    assert set(by_field(problems_in(text))) == {"routes[3].length_km",
                                                "threats.air[0].routes[0]"}


def test_an_invalid_place_is_not_also_unknown() -> None:
    # ban-b has a bad latitude: routes from it must not be reported as unknown places too.
    text = edit(TINY_TEXT, "    lat: 21.60\n    lon: 103.20", "    lat: 121.60\n    lon: 103.20")
    assert [p.field for p in problems_in(text)] == ["places[1].lat"]


# -- every problem at once, inside one entry and behind schema problems elsewhere -----------


def test_every_problem_of_one_route() -> None:
    text = edit(TINY_TEXT, "{from: ban-b, to: relay, length_km: 10, modes: [porter]}",
                "{from: ban-b, to: relai, length_km: -10, modes: [portr]}")
    problems = problems_in(text)
    assert [p.field for p in problems] == ["routes[1].length_km", "routes[1].to",
                                           "routes[1].modes[0]"]
    assert {p.line for p in problems} == {line_of(text, "to: relai")}


@pytest.mark.parametrize(("old", "new", "field"), [
    ("labour_share: 0.3", "labour_share: 1.3", "places[2].labour_share"),
    ("    lat: 21.60\n    lon: 103.20", "    lat: 121.60\n    lon: 103.20", "places[1].lat"),
    ("probability_per_day: 0.01", "probability_per_day: 2",
     "threats.sabotage[0].probability_per_day"),
    ("    regions: [delta]\n", "    regions: [delta]\n    colour: red\n", "places[2].colour"),
    ("title: Tiny valley", "title: [Tiny, valley]", "title"),
    ("  labour_rations_kg_per_day: {rice: 0.8}", "  labour_rations_kg_per_day: {rice: -1}",
     "policy.labour_rations_kg_per_day.rice"),
])
def test_schema_problem_does_not_hide_an_unknown_region(old: str, new: str, field: str) -> None:
    text = edit(TINY_TEXT, "    - regions: [northwest]", "    - regions: [nortwest]")
    text = edit(text, old, new)
    assert set(by_field(problems_in(text))) == {field, "threats.sabotage[0].regions[0]"}


def test_unreadable_regions_of_a_place_leave_region_tags_unchecked() -> None:
    text = edit(TINY_TEXT, "    - regions: [northwest]", "    - regions: [nortwest]")
    text = edit(text, "regions: [delta]", "regions: delta")
    assert [p.field for p in problems_in(text)] == ["places[2].regions"]


def test_a_demand_with_a_rule_broken_keeps_its_references_checked() -> None:
    text = edit(TINY_TEXT, "  - front: front\n    commodity: rice",
                "  - front: relay\n    commodity: rice")
    text = edit(text, "    ration_kg_per_person_day: 0.9\n",
                "    ration_kg_per_person_day: 0.9\n    kg_per_day: 4\n")
    assert set(by_field(problems_in(text))) == {"demand[0].kg_per_day", "demand[0].front"}


def test_a_wounded_flow_with_a_bad_value_keeps_its_references_checked() -> None:
    text = edit(TINY_TEXT, "hospitals: [hospital]", "hospitals: [relay]")
    text = edit(text, "within_days: 3", "within_days: 0")
    assert set(by_field(problems_in(text))) == {"wounded[0].hospitals[0]",
                                                "wounded[0].within_days"}


def test_several_bad_entries_of_other_sections() -> None:
    text = edit(TINY_TEXT, "{commodity: rice, regions: [northwest], kg: 20000}",
                "{commodity: rize, regions: [northwest], kg: -20000}")
    text = edit(text, "{mode: bicycle, units: 20}", "{mode: bike, units: -20}")
    text = edit(text, "routes: [pass]", "routes: [pas, 5]")
    text = edit(text, "cargo_destroyed_fraction: 0.2", "cargo_destroyed_fraction: 2")
    assert set(by_field(problems_in(text))) == {
        "replays[0].mobilization[0].commodity", "replays[0].mobilization[0].kg",
        "replays[0].carriers[0].mode", "replays[0].carriers[0].units",
        "threats.air[0].routes[0]", "threats.air[0].routes[1]",
        "threats.air[0].cargo_destroyed_fraction",
    }


def test_an_entry_that_is_not_a_mapping() -> None:
    """Its id is not known, so no reference to its section is judged: every reference to a
    mode made 5 by a what-if (``replace({"modes.porter": 5})``) was said to name an unknown
    mode, eight problems after the one."""
    text = edit(TINY_TEXT, "  - {from: ban-b, to: relay, length_km: 10, modes: [porter]}",
                "  - 5")
    text = edit(text, "routes: [pass]", "routes: [pas]")
    assert set(by_field(problems_in(text))) == {"routes[1]"}
    # The other sections' references still are.
    other = edit(text, "  - 5", "  - {from: ban-b, to: relay, length_km: 10, modes: [portr]}")
    assert set(by_field(problems_in(other))) == {"routes[1].modes[0]",
                                                 "threats.air[0].routes[0]"}


# -- what can never be used is an error, where it was written -------------------------------

WOUNDED = """wounded:
  - front: front
    persons_per_day: 5
    hospitals: [hospital]
    within_days: 3
"""

UNUSED = [
    # (id, old, new, field, text on the reported line, what it got)
    ("mode-on-no-route", "\nplaces:\n", "  - {id: mule, payload_kg: 60, speed_loaded_km_per_day: "
     "15, speed_empty_km_per_day: 20, crew_per_unit: 1, units_from: labour}\n\nplaces:\n",
     "modes[2].id",
     "id: mule", "'mule' (on no route)"),
    ("commodity-named-nowhere", "  - id: wounded\n", "  - {id: salt, name: Salt}\n"
     "  - id: wounded\n", "commodities[1].id", "id: salt", "'salt' (named nowhere)"),
    ("place-on-no-route", "\nroutes:\n", "  - {id: ban-d, kind: locality, lat: 21.8, lon: "
     "103.6, population: 500, stock_kg: {rice: 9000}}\n\nroutes:\n", "places[6].id",
     "id: ban-d", "'ban-d' (on no route)"),
    ("air-threat-on-a-sheltered-route", "routes: [pass]", "routes: [relay--hospital]",
     "threats.air[0].routes[0]", "routes: [relay--hospital]",
     "'relay--hospital' (air_exposed: false at routes[4].air_exposed, line 85)"),
    ("carriers-of-a-labour-mode", "carriers: {bicycle: 20}",
     "carriers: {bicycle: 20, porter: 40}", "places[0].carriers.porter",
     "carriers: {bicycle: 20, porter: 40}", "'porter' (units_from: labour)"),
    ("carriers-where-no-one-may-serve", "    population: 2000\n    stock_kg: {rice: 40000}",
     "    population: 2000\n    labour_share: 0\n    stock_kg: {rice: 40000}",
     "places[0].carriers.bicycle", "carriers: {bicycle: 20}",
     "'bicycle' at a locality of labour_share 0"),
    ("service-days-where-no-one-may-serve", "    population: 1000\n",
     "    population: 1000\n    labour_share: 0\n    labour_max_days_per_person: 30\n",
     "places[1].labour_max_days_per_person", "labour_max_days_per_person: 30",
     "30 at a locality of labour_share 0"),
    ("service-days-where-no-one-lives", "    population: 1000\n",
     "    population: 0\n    labour_max_days_per_person: 30\n",
     "places[1].labour_max_days_per_person", "labour_max_days_per_person: 30",
     "30 at a locality of population 0"),
    ("rain-that-never-falls", "  sabotage:\n", "  rain:\n    - {start: 1954-03-01, end: "
     "1954-03-05, probability_per_day: 0, speed_factor: 0.8, capacity_factor: 0.8}\n"
     "  sabotage:\n", "threats.rain[0].probability_per_day", "probability_per_day: 0,", "0"),
    ("rain-that-changes-nothing", "  sabotage:\n", "  rain:\n    - {start: 1954-03-01, end: "
     "1954-03-05, probability_per_day: 0.5, speed_factor: 1, capacity_factor: 1}\n"
     "  sabotage:\n", "threats.rain[0].speed_factor", "speed_factor: 1,", "1 and 1"),
    ("wounded-who-never-arise", "    persons_per_day: 5\n", "    persons_per_day: 0\n",
     "wounded[0].persons_per_day", "persons_per_day: 0", "0 every day"),
    ("demand-of-nothing", "    troops:\n      - {start: 1954-03-01, value: 1000}\n      - "
     "{start: 1954-03-06, value: 2000}\n", "    troops:\n      - {start: 1954-03-01, value: "
     "0}\n      - {start: 1954-03-06, value: 0}\n", "demand[0].troops", "troops:",
     "0 every day"),
    ("replay-labour-of-nothing", "      - {mode: bicycle, units: 20}\n",
     "      - {mode: bicycle, units: 20}\n    labour: {person_days: 0}\n",
     "replays[0].labour.person_days", "labour: {person_days: 0}", "0"),
    ("a-region-twice", "    regions: [northwest]\n    population: 2000",
     "    regions: [northwest, northwest]\n    population: 2000", "places[0].regions[1]",
     "regions: [northwest, northwest]", "'northwest' again"),
    ("steps-longer-than-the-horizon", "  subsistence_kg_per_person_day:",
     "  step_days: 30\n  subsistence_kg_per_person_day:", "policy.step_days", "step_days: 30",
     "30"),
]


@pytest.mark.parametrize(("old", "new", "field", "where", "got"),
                         [case[1:] for case in UNUSED], ids=[case[0] for case in UNUSED])
def test_what_can_never_be_used_is_located(old: str, new: str, field: str, where: str,
                                           got: str) -> None:
    text = edit(TINY_TEXT, old, new)
    problems = by_field(problems_in(text))
    assert set(problems) == {field}, problems
    assert problems[field].line == line_of(text, where)
    assert problems[field].got == got


def test_a_replay_beyond_its_localities_is_said_beside_other_problems() -> None:
    """It was checked only when nothing else was wrong: a user mended the file's problems,
    then met a new one."""
    text = edit(TINY_TEXT, "regions: [northwest], kg: 20000}", "regions: [northwest], kg: 9e9}")
    alone = by_field(problems_in(text))
    assert set(alone) == {"replays[0].mobilization[0].kg"}
    text = edit(text, "    tolerance: 10\n", "    tolerance: -10\n")  # the schema's
    text = edit(text, "routes: [pass]", "routes: [pas]")  # a reference
    problems = by_field(problems_in(text))
    assert set(problems) == {"replays[0].mobilization[0].kg", "observed[0].tolerance",
                             "threats.air[0].routes[0]"}
    assert problems["replays[0].mobilization[0].kg"] == alone["replays[0].mobilization[0].kg"]


@pytest.mark.parametrize(("edits", "field"), [
    ([("    population: 1000\n", "    population: 0\n"),
      ("stock_kg: {rice: 15000}", "stock_kg: {rice: 15000}\n    carriers: {bicycle: -3}")],
     "places[1].carriers.bicycle"),
    ([("    population: 1000\n", "    population: 1000\n    labour_share: 0\n"),
      ("stock_kg: {rice: 15000}", "stock_kg: {rice: 15000}\n    carriers: {porter: 5}")],
     "places[1].carriers.porter"),
    ([("\nobserved:\n", "\ncosts: {wage_per_person_day: -1, weight: 2}\n\nobserved:\n")],
     "costs.wage_per_person_day"),
    ([("    rations_kg_per_day: {rice: 0.9}\n", "    rations_kg_per_day: {rice: -0.9}\n"
       "    return_food: carried\n")], "modes[1].rations_kg_per_day.rice"),
    ([("regions: [northwest], kg: 20000}", "places: [relay], kg: 20000}")],
     "replays[0].mobilization[0].places[0]"),
])
def test_a_mistake_is_said_once_not_again_by_what_follows_from_it(
        edits: list[tuple[str, str]], field: str) -> None:
    """The checks of what can never act read a value the schema refused as nothing (no
    carriers, no wage, no rations) and said it again, or crashed; the replay's giving was
    said to be "at most 0 kg" beside a place that is no locality."""
    text = TINY_TEXT
    for old, new in edits:
        text = edit(text, old, new)
    assert list(by_field(problems_in(text))) == [field]


def test_a_route_whose_fuel_does_not_fit_the_tank_is_located() -> None:
    """A leg that needs more fuel than the tank holds is never driven, so a mode listed on
    such a route never uses it."""
    text = edit(TINY_TEXT, "  - id: bicycle\n    payload_kg: 100\n",
                "  - id: bicycle\n    payload_kg: 100\n    fuel_commodity: rice\n"
                "    fuel_kg_per_km: 3\n    fuel_tank_kg: 80\n")
    problems = by_field(problems_in(text))
    assert set(problems) == {"routes[0].modes[1]"}, problems  # 30 km; the pass (25) fits
    assert problems["routes[0].modes[1]"].got == (
        "'bicycle' (needs 90 kg, its tank holds 80 at modes[1].fuel_tank_kg, "
        f"line {line_of(text, 'fuel_tank_kg: 80')})")
    assert problems["routes[0].modes[1]"].line == line_of(text, "{from: ban-a, to: relay")


def test_without_wounded_their_commodity_and_carrying_are_never_used() -> None:
    text = edit(TINY_TEXT, WOUNDED, "")
    problems = by_field(problems_in(text))
    # ... and the labour rations: no road works, no repair crews, no wounded to eat them;
    # and the hospital, where no one is brought.
    assert set(problems) == {"commodities[1].id", "modes[0].wounded_per_unit",
                             "policy.labour_rations_kg_per_day", "places[5].kind"}
    assert problems["commodities[1].id"].got == "'wounded' (no wounded section)"
    assert problems["modes[0].wounded_per_unit"].line == line_of(text, "wounded_per_unit")
    fed = edit(text, "  subsistence_kg_per_person_day:",
               "  wounded_rations_kg_per_day: {rice: 0.5}\n  subsistence_kg_per_person_day:")
    problem = by_field(problems_in(fed))["policy.wounded_rations_kg_per_day"]
    assert problem.line == line_of(fed, "wounded_rations_kg_per_day")
    assert problem.got == "rations of rice"
    # Written as a number, it is the schema's to say (the check crashed on it).
    wrong = edit(text, "  subsistence_kg_per_person_day:",
                 "  wounded_rations_kg_per_day: 0.5\n  subsistence_kg_per_person_day:")
    assert "policy.wounded_rations_kg_per_day" in by_field(problems_in(wrong))


def test_a_locality_on_no_route_may_still_work_on_the_roads() -> None:
    place = ("  - {id: ban-d, kind: locality, lat: 21.8, lon: 103.6, population: 5000}\n"
             "\nroutes:\n")
    text = edit(TINY_TEXT, "\nroutes:\n", place)
    assert set(by_field(problems_in(text))) == {"places[6].id"}  # nothing to do there ...
    text += "\nroad_works:\n  - {route: pass, crew_days: 500, start: 1954-03-01, by: 1954-03-05}\n"
    load_text(text, "tiny.yaml", base_dir=DATA)  # ... but with road works they may work


def test_an_unreadable_section_adds_no_never_used_guesses() -> None:
    """Wounded given as a mapping: the schema says so, and neither their commodity nor the
    porters' wounded_per_unit is called unused on a guess."""
    text = edit(TINY_TEXT, WOUNDED, "wounded: {front: front}\n")
    assert set(by_field(problems_in(text))) == {"wounded"}


def test_an_air_threat_names_the_route_its_key_names() -> None:
    """A sheltered parallel route with an id does not stand in for the exposed one named
    FROM--TO."""
    text = edit(TINY_TEXT, "  - {from: ban-b, to: relay, length_km: 10, modes: [porter]}\n",
                "  - {from: ban-b, to: relay, length_km: 10, modes: [porter]}\n"
                "  - {id: ban-a-relay-2, from: ban-a, to: relay, length_km: 30, "
                "modes: [porter], air_exposed: false}\n")
    text = edit(text, "routes: [pass]", "routes: [ban-a--relay]")
    load_text(text, "tiny.yaml", base_dir=DATA)
    text = edit(text, "routes: [ban-a--relay]", "routes: [ban-a-relay-2]")
    assert [p.got for p in problems_in(text)] == [
        "'ban-a-relay-2' (air_exposed: false at routes[2].air_exposed, line 77)"]


def test_a_replay_asking_more_than_its_localities_can_give_is_located() -> None:
    """The planner refuses such a replay; `check` says so first, at the amount's line
    (it was found only by `plan --replay`, as an error of the option)."""
    import importlib.resources

    text = (importlib.resources.files("supplyline") / "scenario" / "builtin"
            / "tutorial.yaml").read_text(encoding="utf-8")
    bad = edit(text, "kg: 20000, source", "kg: 90000, source")
    found = by_field(problems_in(bad, "tutorial.yaml"))
    problem = found["replays[0].mobilization[0].kg"]
    assert problem.line == line_of(bad, "kg: 90000")
    assert "at most 25,000 kg" in problem.expected and problem.got == "90,000"
    assert load_text(text, "tutorial.yaml", base_dir=DATA).replays[0].mobilization[0].kg == 20000


def test_numbers_and_yes_no_written_as_quoted_text_are_located() -> None:
    """The schema would read them, but an editor checking the file against the JSON Schema
    refuses them: all of them at once, at their lines. A CSV table's cells, all text, are
    not concerned (tests/data/tables loads)."""
    import importlib.resources

    text = (importlib.resources.files("supplyline") / "scenario" / "builtin"
            / "tutorial.yaml").read_text(encoding="utf-8")
    bad = edit(text, "population: 1200", 'population: "1200"')
    bad = edit(bad, "length_km: 6,", 'length_km: "6",')
    bad = edit(bad, "terrain_factor: 1.5,\n     air_exposed: false}",
               "terrain_factor: 1.5,\n     air_exposed: 'false'}")
    bad = edit(bad, "    lon: 85.601\n", "    lon: 85.601\n    colour: red\n")  # another
    found = by_field(problems_in(bad, "tutorial.yaml"))
    assert "places[0].colour" in found  # said beside them, all at once
    assert found["places[0].population"].expected == "a number, written without quotes"
    assert found["places[0].population"].line == line_of(bad, 'population: "1200"')
    assert found["routes[0].length_km"].got == "'6'"
    assert found["routes[0].air_exposed"].expected == "true or false, written without quotes"
    word = problems_in(edit(text, "terrain_factor: 1.5,\n     air_exposed: false}",
                            "terrain_factor: 1.5,\n     air_exposed: yes}"), "tutorial.yaml")
    # (yes is text in YAML 1.2, written without quotes: it is no true or false at all)
    assert [(p.field, p.expected, p.got) for p in word] == [
        ("routes[0].air_exposed", "true or false", "'yes'")]


def test_numbers_are_read_as_yaml_1_2_writes_them() -> None:
    """YAML 1.1 (PyYAML's) reads ``1:30`` as 90 and ``0750`` as 488 without a word, and
    ``2.5e+1`` but not ``1e+07`` nor ``1.2e3``: numbers are read as written, and base-60 text
    is refused."""
    import importlib.resources

    text = (importlib.resources.files("supplyline") / "scenario" / "builtin"
            / "tutorial.yaml").read_text(encoding="utf-8")
    written = edit(text, "population: 1200", "population: 01200")
    written = edit(written, "length_km: 6,", "length_km: 6e+0,")
    scenario = load_text(written, "tutorial.yaml", base_dir=DATA)
    assert scenario.places[0].population == 1200
    assert scenario.routes[0].length_km == 6
    for exponent in ("1.2e3", "1.2E3", "12e2", "1.2e+3", ".12e4"):  # every way YAML 1.2 has
        number = edit(text, "population: 1200", f"population: {exponent}")
        assert load_text(number, "tutorial.yaml", base_dir=DATA).places[0].population == 1200
    bad = edit(text, "population: 1200", "population: 20:00")
    problem = by_field(problems_in(bad, "tutorial.yaml"))["places[0].population"]
    assert (problem.line, problem.got) == (line_of(bad, "population: 20:00"), "'20:00'")
    # A leading zero before an 8 or a 9 is text to YAML 1.1; an explicit tag is kept.
    written = edit(written, "population: 01200", "population: 0900")
    assert load_text(written, "tutorial.yaml", base_dir=DATA).places[0].population == 900
    tagged = edit(text, "  - id: high-village\n    name: High village (on the ridge)",
                  "  - id: high-village\n    name: !!str 1954")
    assert load_text(tagged, "tutorial.yaml", base_dir=DATA).places[0].name == "1954"
    # YAML 1.2's octal and hexadecimal are numbers (YAML 1.1 reads 0o17 as text); digits
    # grouped by '_' are text to YAML 1.2 and to an editor checking the JSON Schema, and
    # refused, though YAML 1.1 reads 1_200 as 1200.
    for written, value in (("0o17", 15), ("0x1F", 31)):
        number = edit(text, "population: 1200", f"population: {written}")
        assert load_text(number, "tutorial.yaml", base_dir=DATA).places[0].population == value
    for grouped in ("1_200", "1_200.5", "+1_2e3", ".2_0"):
        bad = edit(text, "population: 1200", f"population: {grouped}")
        problem = by_field(problems_in(bad, "tutorial.yaml"))["places[0].population"]
        assert (problem.line, problem.expected, problem.got) == (
            line_of(bad, f"population: {grouped}"),
            "a number, its digits not grouped by '_' (text in YAML 1.2)", f"'{grouped}'")
    # Quoted, it is text by its quotes, and said so; a name may be 1_200.
    quoted = edit(text, "population: 1200", "population: '1_200'")
    problem = by_field(problems_in(quoted, "tutorial.yaml"))["places[0].population"]
    assert problem.expected == "a number, written without quotes"
    named = edit(text, "  - id: high-village\n    name: High village (on the ridge)",
                 "  - id: high-village\n    name: 1_200")
    assert load_text(named, "tutorial.yaml", base_dir=DATA).places[0].name == "1_200"


@pytest.mark.parametrize("written", ["0", "20241110", "'1731196800'"])
def test_a_number_is_not_read_as_a_date(written: str) -> None:
    """Pydantic reads a number as seconds since 1970: `start_date: 0` was 1970-01-01."""
    import importlib.resources

    text = (importlib.resources.files("supplyline") / "scenario" / "builtin"
            / "tutorial.yaml").read_text(encoding="utf-8")
    bad = edit(text, "start_date: 2024-11-01", f"start_date: {written}")
    problem = by_field(problems_in(bad, "tutorial.yaml"))["start_date"]
    assert problem.expected == "a date (YYYY-MM-DD)"
    assert problem.line == line_of(bad, f"start_date: {written}")


def test_a_reserve_outside_its_demand_s_days_is_located() -> None:
    """A reserve is days of that day's demand: due before the demand starts, it was nil and
    the plan the same as without it, without a word."""
    import importlib.resources

    text = (importlib.resources.files("supplyline") / "scenario" / "builtin"
            / "tutorial.yaml").read_text(encoding="utf-8")
    bad = edit(text, "by: 2024-11-20}", "by: 2024-10-20}")
    said = [p for p in problems_in(bad, "tutorial.yaml") if p.field == "demand[0].reserves[0].by"]
    assert len(said) == 1 and "the horizon" in said[0].expected  # outside it: said once
    early = edit(text, "    start: 2024-11-03\n    reserves:", "    start: 2024-11-21\n"
                 "    reserves:")
    problem = by_field(problems_in(early, "tutorial.yaml"))["demand[0].reserves[0].by"]
    assert problem.expected.startswith("a date from 2024-11-21 to 2024-11-30 (the days of "
                                       "this demand")


def test_an_id_listed_twice_is_located() -> None:
    """[porter, porter] on a route read as two ways along it, and was reported as porter
    units that can never come home."""
    text = edit(TINY_TEXT, "  - {from: ban-b, to: relay, length_km: 10, modes: [porter]}",
                "  - {from: ban-b, to: relay, length_km: 10, modes: [porter, porter]}")
    problems = by_field(problems_in(text))
    assert set(problems) == {"routes[1].modes[1]"}
    assert problems["routes[1].modes[1]"].expected == "each mode once in modes"
    assert problems["routes[1].modes[1]"].got == "'porter' again"


@pytest.mark.parametrize(("old", "new", "field", "what"), [
    ("      - {commodity: rice, regions: [northwest], kg: 20000}",
     "      - {commodity: rice, regions: [northwest], exclude_regions: [delta, delta], "
     "kg: 20000}", "replays[0].mobilization[0].exclude_regions[1]", "each region once in "
     "exclude_regions"),
    ("    metric: {kind: share_mobilized, commodity: rice, regions: [northwest]}",
     "    metric: {kind: share_mobilized, commodity: rice, regions: [northwest, northwest]}",
     "observed[0].metric.regions[1]", "each region once in regions"),
])
def test_an_id_listed_twice_anywhere_is_located(old: str, new: str, field: str,
                                                 what: str) -> None:
    """Every list of ids the schema marks ``each_once`` is checked, nested or not (a
    metric's regions were not)."""
    problem = by_field(problems_in(edit(TINY_TEXT, old, new)))[field]
    assert problem.expected == what
    assert problem.got.endswith("' again")


@pytest.mark.parametrize(("value", "unit", "expected"), [
    ("-5", '"%"', "a number >= 0"),
    ("150", '"%"', "at most 100 % (a share_mobilized figure is a share of a whole)"),
    ("1.5", "'1'", "at most 100 % (a share_mobilized figure is a share of a whole)"),
])
def test_an_impossible_observed_figure_is_located(value: str, unit: str,
                                                   expected: str) -> None:
    """A negative figure, or a share of a whole above 100 %, was compared with the plan as
    if it were a record (and a negative tonnage set by the inputs exited 0)."""
    text = edit(TINY_TEXT, '    value: 50\n    unit: "%"\n',
                f"    value: {value}\n    unit: {unit}\n")
    problem = by_field(problems_in(text))["observed[0].value"]
    assert problem.expected == expected
    assert problem.line == line_of(text, f"    value: {value}\n")


def test_a_ratio_of_two_totals_may_exceed_100_percent() -> None:
    text = edit(TINY_TEXT, "    metric: {kind: share_mobilized, commodity: rice, regions: "
                "[northwest]}\n    value: 50\n",
                "    metric: {kind: given_over_consumed, commodity: rice, regions: "
                "[northwest]}\n    value: 150\n")
    assert load_text(text, "tiny.yaml", base_dir=DATA).observed[0].value == 150


def test_a_number_for_true_or_false_is_located() -> None:
    """`one_way: 1` was read as true without a word, as the JSON Schema refuses it."""
    text = edit(TINY_TEXT, "  - {from: ban-b, to: relay, length_km: 10, modes: [porter]}",
                "  - {from: ban-b, to: relay, length_km: 10, modes: [porter], one_way: 0}")
    problem = by_field(problems_in(text))["routes[1].one_way"]
    assert (problem.expected, problem.got) == ("true or false", "0")


@pytest.mark.parametrize(("old", "new", "field", "where", "expected", "got"), [
    # No steps at all is 0 on every day: a demand and a wounded flow that ask for nothing.
    ("    troops:\n      - {start: 1954-03-01, value: 1000}\n"
     "      - {start: 1954-03-06, value: 2000}\n", "    troops: []\n",
     "demand[0].troops", "troops: []", "a demand above 0 on some day", "0 every day"),
    # Overlapping windows of one air threat add up: 0.1 + 0.95 is no chance.
    ("day_probability: 0.1}\n",
     "day_probability: 0.1}\n        - {start: 1954-03-05, end: 1954-03-12, "
     "day_probability: 0.95}\n",
     "threats.air[0].windows[1].day_probability", "day_probability: 0.95",
     "at most 0.9 (on 1954-03-05 this window overlaps threats.air[0].windows[0]",
     "0.95 (together 1.05)"),
    # Two reserve targets of one demand by one day: which holds?
    ("      - {days_of_supply: 2, by: 1954-03-08}\n",
     "      - {days_of_supply: 2, by: 1954-03-08}\n      - {days_of_supply: 4, by: 1954-03-08}\n",
     "demand[0].reserves[1].by", "days_of_supply: 4", "each date once in a demand's reserves",
     "1954-03-08 again"),
    # A replay that caps one mode twice.
    ("      - {mode: bicycle, units: 20}\n",
     "      - {mode: bicycle, units: 20}\n      - {mode: bicycle, units: 30}\n",
     "replays[0].carriers[1].mode", "units: 30", "each mode once in a replay's carriers",
     "'bicycle' again"),
    # Two prices of one commodity at one place.
    ("replays:\n", "costs:\n  prices:\n    - {place: ban-a, commodity: rice, per_kg: 1}\n"
     "    - {place: ban-a, commodity: rice, per_kg: 2}\n\nreplays:\n",
     "costs.prices[1].place", "per_kg: 2", "one price for each place and commodity",
     "'rice' at 'ban-a' again"),
    # Shares in %% or radians: pint reads them as shares, 100 %% as 1 %.
    ('    unit: "%"\n', '    unit: "%%"\n', "observed[0].unit", 'unit: "%%"',
     "a share in %", "'%%'"),
    ('    unit: "%"\n', '    unit: "radian"\n', "observed[0].unit", 'unit: "radian"',
     "a share in %", "'radian'"),
    # A unit of another quantity is said at the unit, not at the figure.
    ('    unit: "%"\n', '    unit: "kg"\n', "observed[0].unit", 'unit: "kg"',
     "a share or plain number (like '%') for the share_mobilized figure, not a mass", "'kg'"),
])
def test_what_contradicts_itself_or_means_nothing_is_located(
        old: str, new: str, field: str, where: str, expected: str, got: str) -> None:
    """Each was taken in silence: an empty series as a demand, windows adding up to a chance
    above 1, a second target, cap or price that one of two wins over, a share in %%."""
    text = edit(TINY_TEXT, old, new)
    problems = by_field(problems_in(text))
    assert set(problems) == {field}, problems
    assert problems[field].line == line_of(text, where)
    assert expected in problems[field].expected, problems[field].expected
    assert problems[field].got == got


@pytest.mark.parametrize(("entry", "expected"), [
    # ban-a alone could give 30 t, but all of the northwest gives 20 t (the first entry),
    # of which ban-b can give at most 10 t.
    ("{commodity: rice, places: [ban-a], kg: 30000}",
     "from 10,000 to 20,000 kg: what those localities can give together with "
     "mobilization[0]"),
    # The same localities twice, with another amount.
    ("{commodity: rice, regions: [northwest], kg: 10000}", "20,000 kg: what those"),
])
def test_replay_entries_that_contradict_each_other_are_located(entry: str, expected: str
                                                               ) -> None:
    """Each could be given alone; together no giving meets both. `check` passed them and
    `plan --replay` failed with no place named."""
    text = edit(TINY_TEXT, "      - {commodity: rice, regions: [northwest], kg: 20000}\n",
                "      - {commodity: rice, regions: [northwest], kg: 20000}\n"
                f"      - {entry}\n")
    problems = by_field(problems_in(text))
    assert set(problems) == {"replays[0].mobilization[1].kg"}, problems
    problem = problems["replays[0].mobilization[1].kg"]
    assert problem.line == line_of(text, entry)
    assert problem.expected.startswith(expected), problem.expected


def test_a_fuel_no_place_holds_is_located() -> None:
    """Trucks burning a fuel that no place holds or makes can never move: the built-in
    scenario without the Yen Bai depot's fuel passed check."""
    import importlib.resources

    text = (importlib.resources.files("supplyline") / "scenario" / "builtin"
            / "dien-bien-phu-1954.yaml").read_text(encoding="utf-8")
    bad = edit(text, "stock_kg: {fuel: 1200000}", "stock_kg: {fuel: 0}")
    found = by_field(problems_in(bad, "dien-bien-phu-1954.yaml"))
    problem = found["modes[4].fuel_commodity"]
    assert problem.line == line_of(bad, "fuel_commodity: fuel")
    assert problem.got == "'fuel' (no place has any)"
    assert set(found) == {"modes[4].fuel_commodity"}, found


def test_a_ration_no_place_holds_is_located() -> None:
    """A porter's salt ration where no place holds or makes salt passed check, and the
    planner took the porters out of the plan in silence (their units can never be fed)."""
    salty = edit(TINY_TEXT, "  - id: wounded\n    unit: person\n",
                 "  - id: wounded\n    unit: person\n  - id: salt\n")
    salty = edit(salty, "    rations_kg_per_day: {rice: 0.8}\n    wounded_per_unit",
                 "    rations_kg_per_day: {rice: 0.8, salt: 0.01}\n    wounded_per_unit")
    (problem,) = problems_in(salty)
    assert (problem.field, problem.line) == ("modes[0].rations_kg_per_day.salt",
                                             line_of(salty, "{rice: 0.8, salt: 0.01}"))
    assert problem.got == "'salt' (no place has any)"
    assert problem.expected.startswith("a ration of a good that some place holds or makes")
    # Held at the relay depot, it can be drawn: the mode moves.
    load_text(edit(salty, "stock_kg: {rice: 40000}", "stock_kg: {rice: 40000, salt: 100}"),
              "tiny.yaml", base_dir=DATA)
    # A ration of 0 draws nothing.
    nil = edit(salty, "{rice: 0.8, salt: 0.01}", "{rice: 0.8, salt: 0}")
    assert "salt" not in {p.field.rsplit(".", 1)[-1] for p in problems_in(nil)
                          if p.field.startswith("modes")}


def test_night_only_without_an_air_threat_is_located() -> None:
    """night_only chooses an air threat's night chance over its day one; with no air threat
    it acts on nothing (raids hit whatever moves), so it is said where it is written."""
    night = edit(TINY_TEXT, "    units_from: labour\n    source: \"estimate: a porter's",
                 "    units_from: labour\n    night_only: true\n    source: \"estimate: a "
                 "porter's")
    load_text(night, "tiny.yaml", base_dir=DATA)  # (under the tiny scenario's air threat it acts)
    air = night[night.index("  air:\n"):night.index("  sabotage:\n")]
    text = night.replace(air, "")
    problems = by_field(problems_in(text))
    # (and the hospital route's air_exposed: false, said by the next test)
    assert set(problems) == {"modes[0].night_only", "routes[4].air_exposed"}, problems
    assert problems["modes[0].night_only"].line == line_of(text, "night_only: true")
    assert problems["modes[0].night_only"].got == "true"
    assert by_field(problems_in(text.replace("threats:\n", "threats:\n  air: []\n"))) \
        .keys() == {"modes[0].night_only", "routes[4].air_exposed"}


def test_air_exposed_without_an_air_threat_is_located() -> None:
    """air_exposed says which routes an air threat strikes (and nothing else reads it): a
    route written air_exposed: false in a scenario with no air threat passed check."""
    air = TINY_TEXT[TINY_TEXT.index("  air:\n"):TINY_TEXT.index("  sabotage:\n")]
    text = TINY_TEXT.replace(air, "")
    (problem,) = problems_in(text)
    assert (problem.field, problem.line, problem.got) == (
        "routes[4].air_exposed", line_of(text, "air_exposed: false"), "false")
    assert problem.expected == ("air_exposed only where an air threat is given (it says "
                                "which routes air threats strike: else it is never used)")
    assert [p.field for p in problems_in(text.replace("threats:\n", "threats:\n  air: []\n"))
            ] == ["routes[4].air_exposed"]
    # Written at its default (as a scenario written out whole has it), it asks nothing.
    load_text(text.replace("air_exposed: false", "air_exposed: true"), "tiny.yaml",
              base_dir=DATA)
    load_text(text.replace(", air_exposed: false", ""), "tiny.yaml", base_dir=DATA)
    # A what-if may take the air threats away (a question to ask) and keep the routes'.
    assert sl.load("tutorial").replace({"threats.air": []}).threats.air == []


def test_night_only_on_a_mode_no_air_threat_reaches_is_located() -> None:
    """night_only was refused only where the file has no air threat: on a mode none of whose
    routes an air threat strikes (or strikes by night as by day) it changes nothing."""
    text = edit(TINY_TEXT, "    rations_kg_per_day: {rice: 0.9}\n",
                "    rations_kg_per_day: {rice: 0.9}\n    night_only: true\n")
    load_text(text, "tiny.yaml", base_dir=DATA)  # (the bicycles ride the pass, struck by day)
    off = edit(text, "    modes: [porter, bicycle]\n    capacity_movements_per_day: 2000",
               "    modes: [porter]\n    capacity_movements_per_day: 2000")
    (problem,) = problems_in(off)
    assert (problem.field, problem.line) == ("modes[1].night_only",
                                             line_of(off, "night_only: true"))
    assert problem.got == "true (no air threat reaches its routes)"
    assert problem.expected.startswith("false where no air threat strikes the mode's routes")
    alike = edit(text, "day_probability: 0.1}", "day_probability: 0.1, night_probability: 0.1}")
    assert [p.got for p in problems_in(alike)] == [
        "true (the air threats on its routes strike by night as by day)"]


def test_a_figure_of_the_wounded_commodity_is_located() -> None:
    """No figure counts persons: a share of the wounded was read as the share of the first
    good (rice), and passed."""
    text = edit(TINY_TEXT, "metric: {kind: share_mobilized, commodity: rice,",
                "metric: {kind: share_mobilized, commodity: wounded,")
    problems = by_field(problems_in(text))
    assert set(problems) == {"observed[0].metric.commodity"}, problems
    assert problems["observed[0].metric.commodity"].expected == "a goods commodity (unit kg)"
    assert problems["observed[0].metric.commodity"].line == line_of(text, "commodity: wounded,")


def test_service_days_where_no_one_may_serve_are_said_beside_its_carriers() -> None:
    """labour_max_days_per_person at a locality none of whose people may serve passed check,
    though no one of it serves a day (5 or 60 planned alike): said at the field, whether the
    share of 0 is its own or the policy's, beside the crewed carriers it cannot put into
    service; a locality whose people may serve keeps it."""
    text = edit(TINY_TEXT, "    carriers: {bicycle: 20}\n", "    carriers: {bicycle: 20}\n"
                "    labour_share: 0\n    labour_max_days_per_person: 5\n")
    problems = by_field(problems_in(text))
    assert set(problems) == {"places[0].carriers.bicycle",
                             "places[0].labour_max_days_per_person"}, problems
    said = problems["places[0].labour_max_days_per_person"]
    assert said.line == line_of(text, "labour_max_days_per_person: 5")
    assert said.expected == ("labour_max_days_per_person where some of the people may serve "
                             "(else no one of them serves a day: it is never used)")
    assert said.got == "5 at a locality of labour_share 0"
    policy = edit(TINY_TEXT, "  labour_rations_kg_per_day: {rice: 0.8}\n",
                  "  labour_rations_kg_per_day: {rice: 0.8}\n  labour_share: 0\n")
    policy = edit(policy, "    population: 1000\n",
                  "    population: 1000\n    labour_max_days_per_person: 60\n")
    problems = by_field(problems_in(policy))
    share = line_of(policy, "  labour_share: 0\n")
    assert problems["places[1].labour_max_days_per_person"].got == (
        f"60 at a locality of policy.labour_share 0, line {share}")
    serving = edit(TINY_TEXT, "    labour_share: 0.3\n",
                   "    labour_share: 0.3\n    labour_max_days_per_person: 5\n")
    assert load_text(serving, "tiny.yaml", base_dir=DATA).places[2].labour_max_days_per_person == 5


CART = ("    rations_kg_per_day: {rice: 0.9}\n", "    rations_kg_per_day: {rice: 0.9}\n"
        "  - {id: cart, payload_kg: 300, speed_loaded_km_per_day: 20, "
        "speed_empty_km_per_day: 30, crew_per_unit: 0}\n")


@pytest.mark.parametrize(("carriers", "got"), [
    ("{cart: 5}", "30 at a depot whose carriers have no crew (cart: crew_per_unit 0)"),
    ("{cart: 5, bicycle: 0}", "30 at a depot whose carriers have no crew (cart: "
     "crew_per_unit 0; bicycle: 0 units)"),
])
def test_service_days_at_a_depot_whose_carriers_have_no_crew(carriers: str, got: str) -> None:
    """labour_max_days_per_person at a depot passed check where its carriers have no crew
    (crew_per_unit 0, or none of a crewed mode): a place other than a locality serves days
    only as its carriers' crews, so no one of it serves a day and the limit is never read.
    Said at the field; a depot with a crewed carrier keeps it."""
    text = edit(TINY_TEXT, *CART)
    text = edit(text, "    kind: depot\n", f"    kind: depot\n    carriers: {carriers}\n"
                "    labour_max_days_per_person: 30\n")
    text = edit(text, "    modes: [porter, bicycle]\n    capacity_movements_per_day: 2000",
                "    modes: [porter, bicycle, cart]\n    capacity_movements_per_day: 2000")
    problems = by_field(problems_in(text))
    assert list(problems) == ["places[3].labour_max_days_per_person"], problems
    said = problems["places[3].labour_max_days_per_person"]
    assert said.line == line_of(text, "labour_max_days_per_person: 30")
    assert said.expected == ("labour_max_days_per_person where the place's own carriers have "
                             "a crew (else no one of it serves a day: it is never used)")
    assert said.got == got
    crewed = edit(text, f"carriers: {carriers}", "carriers: {cart: 5, bicycle: 2}")
    depot = load_text(crewed, "tiny.yaml", base_dir=DATA).places[3]
    assert depot.labour_max_days_per_person == 30


def test_a_route_shorter_than_the_way_between_its_places_is_located() -> None:
    """A village's lat and lon swapped passed check, and the report drew an 18 km route
    across thousands of km. A route may be shorter than the straight way between its
    places' centres only by the room its ends have, 5 km each (a line's rule)."""
    swapped = edit(TUTORIAL, "    lat: 27.912\n    lon: 85.601\n",
                   "    lat: 85.601\n    lon: 27.912\n")
    (problem,) = problems_in(swapped, "tutorial.yaml")
    assert problem.field.endswith(".length_km") and problem.got == "6"
    assert problem.line == line_of(swapped, "from: high-village")  # (its length_km's)
    assert "'high-village' at lat 85.601, lon 27.912" in problem.expected
    assert "lat and lon swapped?" in problem.expected and "great-circle" in problem.expected
    # ban-a and the relay are 26.5 km apart: a route of 16.5 km may join them, not 16.
    at_least = edit(TINY_TEXT, "{from: ban-a, to: relay, length_km: 30,",
                    "{from: ban-a, to: relay, length_km: 16.5,")
    load_text(at_least, "tiny.yaml", base_dir=DATA)
    (short,) = problems_in(at_least.replace("length_km: 16.5,", "length_km: 16,"))
    assert short.field == "routes[0].length_km" and short.got == "16"
    assert short.expected.startswith("a length_km of at least 16.5 km (the great-circle "
                                     "distance between 'ban-a' at lat 21.5, lon 103.4 and "
                                     "'relay' at lat 21.55, lon 103.15, 26.5 km, less 5.0 km")


def test_a_route_shorter_than_its_places_apart_is_planned_as_compiled() -> None:
    """Where places are drawn is not planned with: a scenario built in code with its places
    in a row a degree apart (and routes of their own lengths) is planned, not refused as
    compiled, and a what-if may ask for a shorter road; check still says so of a file."""
    text = edit(TUTORIAL, "    lat: 27.912\n    lon: 85.601\n",
                "    lat: 85.601\n    lon: 27.912\n")
    data = yaml.safe_load(text)
    scenario, problems = validate_data(data, Locations(), "built", compiled=True)
    assert scenario is not None and problems == [], problems
    assert [p.field for p in validate_data(data, Locations(), "built")[1]] == [
        "routes[0].length_km"]
    shortcut = sl.load("tutorial").replace({"routes.high-village--ridge-depot.length_km": 0.5})
    assert shortcut.routes[0].length_km == 0.5


def test_an_unknown_mode_names_the_scenario_s_modes_and_a_misspelt_end_no_more() -> None:
    """'expected a known mode id, got 'donkey'' did not say which modes there are (an
    unknown field's error lists its choices); and a place whose only route misspelt it
    ('to: hospitl') was also said to be on no route."""
    text = edit(TINY_TEXT, "modes: [porter], terrain_factor", "modes: [donkey], terrain_factor")
    (problem,) = problems_in(text)
    assert (problem.field, problem.got) == ("routes[2].modes[0]", "'donkey'")
    assert problem.expected == "one of the scenario's modes (porter, bicycle)"
    misspelt = edit(TINY_TEXT, "to: hospital,", "to: hospitl,")
    (problem,) = problems_in(misspelt)
    assert (problem.field, problem.got) == ("routes[4].to", "'hospitl'")
    assert problem.expected == "a known place id (did you mean 'hospital'?)"
