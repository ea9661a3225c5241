"""Every problem of a file at once, and none that another problem only seems to cause: each
case here was reported by a newcomer's review of `check` on a copy of the tutorial."""

from __future__ import annotations

import re

import pytest

import supplyline as sl
from supplyline.errors import ScenarioError
from supplyline.scenario.load import builtin_text, load_text

from .helpers import edit, line_of, problems_in

TUTORIAL = builtin_text("tutorial")


def fields(text: str) -> list[str]:
    return [problem.field for problem in problems_in(text, "tutorial.yaml")]


def test_a_mode_that_never_carries_is_said_beside_another_problem() -> None:
    """A bicycle whose payload cannot hold its own food was said only once the file had no
    other problem (fix a misspelt good, run again, and meet a new one)."""
    never = edit(TUTORIAL, "payload_kg: 120", "payload_kg: 0.1")
    never = edit(never, "    wounded_per_unit: 1\n", "")  # (else it carries the wounded)
    alone = problems_in(never, "tutorial.yaml")
    assert [p.field for p in alone] == ["modes[1].payload_kg"]
    both = edit(never, "    commodity: rice\n", "    commodity: rize\n")
    found = problems_in(both, "tutorial.yaml")
    assert [p.field for p in found] == ["modes[1].payload_kg", "demand[0].commodity"]
    assert found[0].line == line_of(both, "payload_kg: 0.1")
    assert "never carries" in found[0].expected


def test_a_mode_that_never_carries_waits_for_the_sections_it_reads() -> None:
    """Where the modes or routes have problems of their own, the rule is not made on them."""
    text = edit(TUTORIAL, "payload_kg: 120", "payload_kg: 0.1")
    text = edit(text, "    wounded_per_unit: 1\n", "")
    text = edit(text, "speed_empty_km_per_day: 40", "speed_empty_km_per_day: fast")
    assert fields(text) == ["modes[1].speed_empty_km_per_day"]


def test_what_never_acts_is_said_beside_a_bad_value_in_a_section_it_does_not_read() -> None:
    """Rations no one eats beside a negative population: only the population was said (a
    section that every scenario needs, places, could not be set aside, so no rule on what
    never acts was made), and the rations came up once it was fixed. The rule reads the
    policy, the routes, the road works and the wounded, none of which has a problem."""
    text = edit(TUTORIAL, "    population: 1800\n", "    population: -1800\n")
    text = edit(text, "  labour_rations_kg_per_day: {rice: 0.7}\n",
                "  labour_rations_kg_per_day: {rice: 0.7}\n"
                "  wounded_rations_kg_per_day: {rice: 0.6}\n")
    found = problems_in(text, "tutorial.yaml")
    assert [p.field for p in found] == ["places[1].population",
                                        "policy.labour_rations_kg_per_day"]
    assert found[1].line == line_of(text, "labour_rations_kg_per_day")
    # A value no default can stand for (a mode's payload) leaves out its entry alone.
    text = edit(text, "    payload_kg: 25\n", "    payload_kg: -25\n")
    assert fields(text) == ["modes[0].payload_kg", "places[1].population",
                            "policy.labour_rations_kg_per_day"]


def test_what_never_acts_waits_for_a_bad_value_in_a_section_it_reads() -> None:
    """A raid on the lower villages' routes that takes only capacity where they have none:
    not said while a lower village has a problem of its own (the rule reads the places)."""
    text = edit(TUTORIAL, "threats:\n  air:\n",
                "threats:\n  sabotage:\n    - {regions: [lower], probability_per_day: 0.1, "
                "capacity_lost_fraction: 0.5}\n  air:\n")
    assert fields(text) == ["threats.sabotage[0].capacity_lost_fraction"]
    text = edit(text, "    population: 2500\n", "    population: -2500\n")
    assert fields(text) == ["places[2].population"]


@pytest.mark.parametrize(("closed", "said", "within"), [
    # a window pasted twice: the second is said
    (["2024-11-03, end: 2024-11-08", "2024-11-03, end: 2024-11-08"], 1, "closed[0]"),
    # one inside another
    (["2024-11-03, end: 2024-11-08", "2024-11-04, end: 2024-11-06"], 1, "closed[0]"),
    # one covered by two others together
    (["2024-11-03, end: 2024-11-06", "2024-11-05, end: 2024-11-12",
      "2024-11-04, end: 2024-11-09"], 2, "closed[0], closed[1]"),
    # covered where the horizon ends: its days beyond it are none
    (["2024-11-20, end: 2024-11-30", "2024-11-25, end: 2024-12-20"], 1, "closed[0]"),
])
def test_a_closure_whose_every_day_other_closures_cover_never_acts(
        closed: list[str], said: int, within: str) -> None:
    """A route closed on days its other closures close already: passed in silence, though
    it can never change what the route carries (as a closure over before its route opens,
    which is said)."""
    windows = "".join(f"      - {{start: {window}}}\n" for window in closed)
    text = edit(TUTORIAL, "    repair_days: 2\n", f"    repair_days: 2\n    closed:\n{windows}")
    (problem,) = problems_in(text, "tutorial.yaml")
    assert problem.field == f"routes[5].closed[{said}]"
    assert problem.line == line_of(text, f"{{start: {closed[said]}}}", closed.count(closed[said]))
    assert problem.expected.startswith("a closure with a day of the horizon that the route's "
                                       "other closures leave open")
    assert problem.got.endswith(f"every day of it closed by {within}")
    # Overlapping, each with a day of its own: both act.
    text = edit(TUTORIAL, "    repair_days: 2\n", "    repair_days: 2\n    closed:\n"
                "      - {start: 2024-11-03, end: 2024-11-08}\n"
                "      - {start: 2024-11-05, end: 2024-11-09}\n")
    assert load_text(text, "tutorial.yaml").routes[5].closed[1].end.day == 9


def test_wounded_with_nothing_under_it_is_one_problem() -> None:
    """`wounded:` left empty also said to delete the wounded commodity and each mode's
    wounded_per_unit, before the problem itself."""
    start = TUTORIAL.index("wounded:\n  - front")
    end = TUTORIAL.index("\n\n", start)
    text = TUTORIAL[:start] + "wounded:" + TUTORIAL[end:]
    assert fields(text) == ["wounded"]


def test_a_weight_for_late_wounded_without_wounded_is_refused() -> None:
    start = TUTORIAL.index("wounded:\n  - front")
    end = TUTORIAL.index("\n\n", start)
    text = TUTORIAL[:start] + TUTORIAL[end:]
    text = edit(text, "  labour_rations_kg_per_day: {rice: 0.7}\n",
                "  labour_rations_kg_per_day: {rice: 0.7}\n"
                "  weights: {wounded_late_per_person: 500}\n")
    found = {p.field: p for p in problems_in(text, "tutorial.yaml")}
    late = found["policy.weights.wounded_late_per_person"]
    assert late.line == line_of(text, "wounded_late_per_person")
    assert "none can be late" in late.expected and late.got == "500"


def test_a_demand_starting_outside_the_horizon_gives_its_reserve_no_empty_range() -> None:
    """The reserve was told to fall "from 2024-12-03 to 2024-11-30", a range of no days."""
    text = edit(TUTORIAL, "    start: 2024-11-03\n", "    start: 2024-12-03\n")
    found = problems_in(text, "tutorial.yaml")
    assert [p.field for p in found] == ["demand[0].start"]


def test_an_id_that_is_not_one_is_not_offered_as_the_fix() -> None:
    """`id: the bridge` made every reference to `bridge` say "did you mean 'the bridge'?",
    steering the user to the spelling the schema refuses."""
    text = TUTORIAL.replace("  - id: bridge\n", "  - id: the bridge\n", 1)
    found = problems_in(text, "tutorial.yaml")
    assert [p.field for p in found] == ["places[4].id"]
    assert "a letter or digit first" in found[0].expected


def test_an_id_must_start_with_a_letter_or_digit_and_says_so() -> None:
    text = TUTORIAL.replace("  - id: bridge\n", "  - id: _bridge\n", 1)
    found = problems_in(text, "tutorial.yaml")
    assert [p.field for p in found] == ["places[4].id"]
    assert re.search(r"'_' or '-', a letter or digit first", found[0].expected)
    assert found[0].got == "'_bridge'"


def test_a_what_if_that_makes_a_mode_no_mapping_is_one_problem() -> None:
    """Every route naming the porter was said to name an unknown mode besides."""
    with pytest.raises(ScenarioError) as caught:
        sl.load("tutorial").replace({"modes.porter": 5})
    assert [p.field for p in caught.value.problems] == ["modes[0]"]


def test_a_value_is_quoted_back_as_written() -> None:
    """`road_use: 2` where no route has a capacity came back as "got 2.0"."""
    text = re.sub(r"\n    capacity_movements_per_day: \d+", "", TUTORIAL)
    found = {p.field: p for p in problems_in(text, "tutorial.yaml")}
    assert found["modes[1].road_use"].got == "2"


def test_a_mode_id_written_as_a_number_is_one_problem() -> None:
    """`id: 1954` on the bicycle also had its road_use refused, as if it used no route with a
    movement capacity: the routes name it, as `bicycle`, and cannot name 1954."""
    text = edit(TUTORIAL, "  - id: bicycle", "  - id: 1954")
    assert fields(text) == ["modes[1].id"]


def test_a_mode_id_written_twice_is_not_also_a_mode_no_place_owns() -> None:
    """The bicycle renamed `porter` was said to be used twice, and then to be an owned mode
    of which no place has carriers: the places' carriers of porters are the first's."""
    text = edit(TUTORIAL, "  - id: bicycle", "  - id: porter")
    assert [f for f in fields(text) if f.startswith("modes")] == ["modes[1].id"]


def test_a_route_named_by_its_ends_is_told_its_name() -> None:
    """A route named FROM--TO backwards was offered the name of another road ("did you mean
    'river-depot--marsh-camp'?"), and one with an id got no hint at all."""
    text = edit(TUTORIAL, "    - routes: [ridge-road]", "    - routes: [bridge--far-village, "
                "ridge-depot--kestrel-town, nowhere--x]")
    found = {p.field: p for p in problems_in(text, "tutorial.yaml")}
    assert found["threats.air[0].routes[0]"].expected == (
        "a known route id (the route between those places is 'far-village--bridge')")
    assert found["threats.air[0].routes[1]"].expected == (
        "a known route id (the route between those places is 'ridge-road')")
    assert found["threats.air[0].routes[2]"].expected == "a known route id"


def test_a_route_without_an_id_is_told_why_it_needs_one() -> None:
    """A route whose FROM--TO id another route has was told that route "also runs from
    terrace-village to bridge", which it did not."""
    line = "  - {from: terrace-village, to: bridge, length_km: 4, modes: [porter], " \
           "air_exposed: false}\n"
    again = edit(TUTORIAL, line, line + line)
    (twice,) = problems_in(again, "tutorial.yaml")
    assert twice.expected == (f"an id (routes[1], line {line_of(again, line)} also runs from "
                              "terrace-village to bridge: a second route between them needs "
                              "an id to tell it apart)")
    taken = edit(TUTORIAL, line, "  - {id: terrace-village--bridge, from: terrace-village, "
                 "to: ridge-depot, length_km: 4, modes: [porter], air_exposed: false}\n" + line)
    (named,) = problems_in(taken, "tutorial.yaml")
    assert named.field == "routes[2]" and named.got == "no id"
    assert named.expected == (f"an id (routes[1], line {line_of(taken, 'id: terrace-village--')}"
                              " has the id 'terrace-village--bridge' that this route would "
                              "take)")


def test_a_scenario_written_out_whole_loads_again() -> None:
    """A scenario dumped with every default (the late-wounded weight among them) where no
    wounded are given must load as it is: the weight at its default asks nothing."""
    import yaml

    scenario = sl.load("tutorial").model_copy(update={"wounded": []})
    modes = [m.model_copy(update={"wounded_per_unit": 0.0}) for m in scenario.modes]
    places = [p.model_copy(update={"kind": "junction"}) if p.kind == "hospital" else p
              for p in scenario.places]  # (a hospital no one is brought to has no use)
    scenario = scenario.model_copy(update={
        "modes": modes, "places": places,
        "commodities": [c for c in scenario.commodities if c.unit != "person"],
        "policy": scenario.policy.model_copy(update={"wounded_rations_kg_per_day": None,
                                                     "labour_rations_kg_per_day": {}})})
    text = yaml.safe_dump(scenario.model_dump(mode="json", by_alias=True, exclude_none=True))
    assert "wounded_late_per_person: 1000.0" in text
    assert load_text(text, "whole.yaml") == scenario


def test_a_scenario_without_air_threats_written_out_whole_loads_again() -> None:
    """air_exposed: false is refused where no air threat is given (nothing reads it), but
    true, its default, is not: a scenario written out whole has it on every route, and one
    without air threats must load again as it is."""
    import yaml

    scenario = sl.load("tutorial").replace({"threats.air": [], "routes[*].air_exposed": True})
    text = yaml.safe_dump(scenario.model_dump(mode="json", by_alias=True, exclude_none=True))
    assert text.count("air_exposed: true") == len(scenario.routes)
    assert load_text(text, "whole.yaml") == scenario
    one = text.replace("air_exposed: true", "air_exposed: false", 1)
    assert [p.field for p in problems_in(one, "whole.yaml")] == ["routes[0].air_exposed"]


@pytest.mark.parametrize("blank", ['""', '"  "'])
def test_a_figure_compared_with_the_model_names_its_source(blank: str) -> None:
    """An observed figure with a blank source reached the validation table naming none."""
    text = edit(TUTORIAL, "    source: \"illustrative: the committee's closing report\"",
                f"    source: {blank}")
    found = {p.field: p for p in problems_in(text, "tutorial.yaml")}
    assert list(found) == ["observed[0].source"]
    assert found["observed[0].source"].line == line_of(text, f"source: {blank}")
    assert "expected where the figure comes from" in str(found["observed[0].source"])
