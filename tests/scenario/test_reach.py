"""Fronts that goods cannot reach or carriers cannot leave, and carriers that cannot move."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import supplyline as sl
from supplyline.scenario import builtin_names, load_text
from supplyline.scenario._reach import Finding, Reach, findings

from .helpers import DATA, TINY_TEXT, by_field, edit, line_of, problems_in

PASS = """    from: relay
    to: front
    length_km: 25
    modes: [porter, bicycle]
"""
FRONT_ID = "  - id: front\n"


def _pass(lines: str) -> str:
    """tiny.yaml with the route from the relay to the front (the pass) written as ``lines``."""
    return edit(TINY_TEXT, PASS, lines)


def test_front_reached_only_against_a_one_way_route() -> None:
    text = _pass("    from: front\n    to: relay\n    one_way: true\n    length_km: 25\n"
                 "    modes: [porter, bicycle]\n")
    problem = by_field(problems_in(text))["places[4].id"]
    assert problem.line == line_of(text, FRONT_ID)
    assert problem.got == "'front' (no way there for goods)"
    assert "along routes in their allowed direction" in problem.expected


def test_front_without_any_route() -> None:
    text = edit(TINY_TEXT, "    to: front\n", "    to: hospital\n")
    problem = by_field(problems_in(text))["places[4].id"]
    assert problem.expected == "a front that some route reaches"
    assert problem.got == "'front' (no route leads there)"


def test_one_way_to_the_front_strands_the_carriers() -> None:
    text = _pass(PASS + "    one_way: true\n")
    problems = [p for p in problems_in(text) if p.field == "places[4].id"]
    assert {p.got for p in problems} == {
        "'front' (porter units that go there can never come home)",
        "'front' (bicycle units that go there can never come home)",
    }
    assert all(p.line == line_of(text, FRONT_ID) for p in problems)


@pytest.mark.parametrize("written", ["yes", "1", "'true'"])
def test_one_way_written_as_a_word_strands_nobody(written: str) -> None:
    """``one_way: yes`` is refused (true or false); the lax reading took it as true, and a
    stranded front was said beside it, a problem that is not there."""
    text = _pass(PASS + f"    one_way: {written}\n")
    problems = problems_in(text)
    assert [p.field for p in problems] == ["routes[3].one_way"], problems


def test_one_way_loop_is_a_way_home() -> None:
    text = _pass(PASS + "    one_way: true\n")
    text = edit(text, "  - {from: relay, to: hospital",
                "  - {from: front, to: relay, length_km: 30, modes: [porter, bicycle], "
                "one_way: true}\n  - {from: relay, to: hospital")
    assert load_text(text).routes[3].one_way


def test_goods_need_carriers_that_can_get_to_the_route() -> None:
    # Only bicycles may use the pass, and no place owns a bicycle: nothing gets over it.
    text = _pass(PASS.replace("[porter, bicycle]", "[bicycle]"))
    text = edit(text, "    carriers: {bicycle: 20}\n", "")
    problem = by_field(problems_in(text))["places[4].id"]
    assert problem.got == "'front' (no way there for goods)"
    assert "modes whose units can get there" in problem.expected


def test_front_with_its_own_stock_is_supplied() -> None:
    text = _pass(PASS.replace("[porter, bicycle]", "[bicycle]"))
    text = edit(text, "    carriers: {bicycle: 20}\n", "")
    text = edit(text, "    kind: front\n", "    kind: front\n    stock_kg: {rice: 1000}\n")
    # The front is not "unreached"; but the bicycles, owned by no place, are never used, and
    # the porters, who carry the wounded, cannot get up the pass to take them down.
    assert [(p.field, p.got) for p in problems_in(text)] == [
        ("modes[1].id", "'bicycle' (no place owns any)"),
        ("wounded[0].hospitals[0]", "'hospital' (no way there for the wounded)")]


def test_carriers_that_no_route_from_their_place_allows() -> None:
    text = edit(TINY_TEXT, "    stock_kg: {rice: 15000}\n",
                "    stock_kg: {rice: 15000}\n    carriers: {bicycle: 5}\n")
    problem = by_field(problems_in(text))["places[1].carriers.bicycle"]
    assert problem.line == line_of(text, "carriers: {bicycle: 5}")
    assert problem.expected == "a mode that some route from 'ban-b' allows"
    assert problem.got == "'bicycle' (these units could never be used)"


def test_no_carriers_is_not_a_problem() -> None:
    text = edit(TINY_TEXT, "    stock_kg: {rice: 15000}\n",
                "    stock_kg: {rice: 15000}\n    carriers: {bicycle: 0}\n")
    assert load_text(text).places[1].carriers == {"bicycle": 0}


def test_a_depot_may_own_carriers() -> None:
    text = edit(TINY_TEXT, "    kind: depot\n", "    kind: depot\n    carriers: {bicycle: 4}\n")
    assert load_text(text).places[3].carriers == {"bicycle": 4}


def test_unknown_place_on_a_route_gives_no_guess_about_the_front() -> None:
    text = _pass(PASS.replace("to: front", "to: frnt"))
    assert [p.field for p in problems_in(text)] == ["routes[3].to"]


def test_schema_problem_elsewhere_does_not_hide_a_stranded_front() -> None:
    text = _pass(PASS + "    one_way: true\n")
    text = edit(text, "    tolerance: 10", "    tolerance: -10")
    fields = [p.field for p in problems_in(text)]
    assert "observed[0].tolerance" in fields
    assert fields.count("places[4].id") == 2


def test_findings_by_hand() -> None:
    net = Reach(modes=["porter", "truck"], homes={"porter": {"a"}, "truck": {"depot"}},
                owners={"depot": ["truck"]}, suppliers={"a"}, fronts=["f", "g"],
                demanded={"f", "g"})
    net.add_route("a", "f", ["porter"], one_way=False)
    net.add_route("depot", "a", ["porter"], one_way=False)
    net.add_route("a", "g", ["porter"], one_way=True)
    assert findings(net) == [
        Finding("stranded", "g", "porter"),
        Finding("idle", "depot", "truck"),
    ]


@pytest.mark.parametrize("name", builtin_names())
def test_builtin_scenarios_pass(name: str) -> None:
    assert sl.load(name).name == name


@pytest.mark.parametrize("edits", [
    # Porters could reach the hospital, one way, but never leave it: the planner sends no
    # unit where it could never come back from, so the wounded were never carried.
    [("  - {from: relay, to: hospital, length_km: 8, modes: [porter], air_exposed: false}",
      "  - {from: front, to: hospital, length_km: 8, modes: [porter], air_exposed: false,\n"
      "     one_way: true}")],
    # No one may serve (policy.labour_share 0): no porter exists to carry them.
    [("    labour_share: 0.3\n", ""), ("  subsistence_kg_per_person_day: {rice: 0.5}",
                                      "  subsistence_kg_per_person_day: {rice: 0.5}\n"
                                      "  labour_share: 0"),
     ("    crew_per_unit: 1\n    rations_kg_per_day: {rice: 0.9}",
      "    crew_per_unit: 0\n    rations_kg_per_day: {rice: 0.9}")],
], ids=["one-way-to-the-hospital", "no-one-may-serve"])
def test_wounded_no_carrier_can_take_to_the_hospital(edits: list[tuple[str, str]]) -> None:
    text = TINY_TEXT
    for old, new in edits:
        text = edit(text, old, new)
    problems = by_field(problems_in(text))
    assert problems["wounded[0].hospitals[0]"].got == (
        "'hospital' (no way there for the wounded)"), problems


MULE = """  - id: mule
    payload_kg: 80
    speed_loaded_km_per_day: 20
    speed_empty_km_per_day: 25
    crew_per_unit: 1
    rations_kg_per_day: {rice: 2}
    units_from: labour
"""


def test_a_labour_mode_only_on_routes_no_locality_reaches() -> None:
    """Mules led by the villages' people, listed only on the relay's route to the hospital:
    no mule can get there from a village, so the mode is never used. check said OK (an owned
    mode whose owner no route lets out was refused)."""
    text = edit(TINY_TEXT, "\nplaces:\n", "\n" + MULE + "\nplaces:\n")
    text = edit(text, "to: hospital, length_km: 8, modes: [porter]",
                "to: hospital, length_km: 8, modes: [porter, mule]")
    (problem,) = problems_in(text)
    assert (problem.field, problem.line) == ("modes[2].id", line_of(text, "  - id: mule"))
    assert problem.got == "'mule' (no unit of it can reach any of its routes: it is never used)"
    # On the villages' routes too, the mules can get to the hospital.
    load_text(edit(text, "{from: ban-b, to: relay, length_km: 10, modes: [porter]}",
                   "{from: ban-b, to: relay, length_km: 10, modes: [porter, mule]}"),
              "tiny.yaml", base_dir=DATA)


def test_a_route_no_unit_of_its_modes_can_get_onto() -> None:
    """A bicycle track from Ban B to Ban C: the bicycles are Ban A's, and no route they may
    use leads there, so nothing can ever use the track. check said OK."""
    text = edit(TINY_TEXT, "  - {from: relay, to: hospital,",
                "  - {id: track, from: ban-b, to: ban-c, length_km: 35, modes: [bicycle]}\n"
                "  - {from: relay, to: hospital,")
    (problem,) = problems_in(text)
    assert (problem.field, problem.line) == ("routes[4].modes", line_of(text, "id: track"))
    assert problem.got == "bicycle: no unit of it can reach 'ban-b' or 'ban-c'"
    assert problem.expected.startswith("a route that units of some mode it lists can get onto")
    # With porters on it too, the porters of Ban B and Ban C can use it.
    load_text(edit(text, "modes: [bicycle]}", "modes: [porter, bicycle]}"), "tiny.yaml",
              base_dir=DATA)


def test_a_mode_of_people_no_locality_may_send_is_said_once_at_the_mode() -> None:
    """With policy.labour_share 0 the tutorial's porters can come from no village: check
    blamed three routes ("porter: no unit of it can reach 'high-village' or 'ridge-depot'"),
    and, blaming no route, would have said nothing at all where the bicycles need no crew
    (no problem of the carriers to say it): the mode itself is said."""
    text = (Path(sl.__file__).parent / "scenario" / "builtin" / "tutorial.yaml").read_text(
        encoding="utf-8")
    zero = re.sub(r"(?m)^  labour_share: .*$", "  labour_share: 0", text, count=1)
    crewless = re.sub(r"(?m)^(  - id: bicycle\n(?:    .*\n)*?    crew_per_unit:) 1",
                      r"\1 0", zero, count=1)
    assert zero != text and crewless != zero
    for edited in (zero, crewless):
        with pytest.raises(sl.ScenarioError) as caught:
            load_text(edited, "tutorial.yaml")
        problems = caught.value.problems
        said = [p for p in problems if p.field == "modes[0].units_from"]
        assert len(said) == 1, problems
        assert said[0].got == (
            "labour: no locality may send any (every locality of policy.labour_share 0, "
            f"line {line_of(edited, '  labour_share: 0')}; 'porter' is never used)")
        assert not [p for p in problems if p.field.startswith("routes")], problems
    assert len(problems) == 1  # (the crewless bicycles: nothing else to say)
