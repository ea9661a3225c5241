"""Values that can never be used, or that no plan can meet, are ``check`` errors at their
line: each passed ``check`` and then planned nothing, planned without a word, or failed only
when planned."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

import supplyline as sl
from supplyline.cli import app
from supplyline.scenario import load_text

from .helpers import DATA, TINY_TEXT, by_field, edit, line_of, problems_in

TUTORIAL = (resources.files("supplyline.scenario") / "builtin" / "tutorial.yaml").read_text(
    "utf-8")
PORTER = "    units_from: labour\n    payload_kg: 25\n"
PLEDGE = '      - {commodity: rice, regions: [upper], kg: 20000, source: "illustrative pledge"}\n'


def problem(text: str, field: str) -> tuple[int | None, str, str]:
    found = by_field(problems_in(text, "tutorial.yaml", None))  # type: ignore[arg-type]
    assert field in found, sorted(found)
    said = found[field]
    return said.line, said.expected, said.got


def test_the_tutorial_as_shipped_has_none_of_these() -> None:
    load_text(TUTORIAL, "tutorial.yaml")


def test_a_largest_burden_of_0() -> None:
    """It let no locality give food or people: every demand went short, and the plan's
    findings said no single limit stood out."""
    text = edit(TUTORIAL, "  labour_share: 0.2\n", "  labour_share: 0.2\n  max_burden: 0\n")
    line, expected, got = problem(text, "policy.max_burden")
    assert line == line_of(text, "max_burden: 0")
    assert (expected, got) == ("a number > 0 and <= 1 (fraction)", "0")


def test_policy_defaults_every_place_overrides() -> None:
    """policy.labour_share and labour_max_days_per_person where every locality gives its
    own: changing them changed nothing, and check said OK. One locality without its own
    takes the default, and then it is used."""
    own = "    kind: locality\n    labour_share: 0.3\n    labour_max_days_per_person: 10\n"
    text = TUTORIAL.replace("    kind: locality\n", own)
    assert text.count(own) == 4
    line, expected, got = problem(text, "policy.labour_share")
    assert (line, got) == (line_of(text, "  labour_share: 0.2"), "0.2")
    assert expected == ("a default some place takes (every locality gives its own "
                        "labour_share: else it is never used)")
    line, expected, got = problem(text, "policy.labour_max_days_per_person")
    assert line == line_of(text, "  labour_max_days_per_person: 20")
    assert "every place whose persons serve days gives its own" in expected
    one_takes_it = text.replace(own, "    kind: locality\n", 1)
    load_text(one_takes_it, "tutorial.yaml")
    # A depot's carriers of no crew take no one's days: the policy's is still never read.
    idle = edit(text, "    kind: depot\n", "    kind: depot\n    carriers: {bicycle: 0}\n")
    line = problem(idle, "policy.labour_max_days_per_person")[0]
    assert line == line_of(idle, "  labour_max_days_per_person: 20")
    crews_take_it = by_field(problems_in(edit(idle, "{bicycle: 0}", "{bicycle: 5}"),
                                         "tutorial.yaml", None))  # type: ignore[arg-type]
    assert list(crews_take_it) == ["policy.labour_share"]


def test_units_of_labour_without_a_crew() -> None:
    """Porters of no crew were recruited from nowhere: no labour pool, share or cap on days
    limited them."""
    text = edit(TUTORIAL, "    crew_per_unit: 1\n    rations_kg_per_day: {rice: 0.7}\n",
                "    crew_per_unit: 0\n    rations_kg_per_day: {rice: 0.7}\n")
    line, expected, got = problem(text, "modes[0].crew_per_unit")
    assert line == line_of(text, "    crew_per_unit: 0\n")
    assert expected.startswith("crew_per_unit > 0 where units_from is 'labour'")
    assert got == "units_from 'labour', crew_per_unit 0"


def test_routes_and_modes_too_slow_for_the_horizon_are_said_by_check(tmp_path: Path) -> None:
    """800 km of gorge path (51 days for the fastest porter) and bicycles at 0.01 km a day,
    in a horizon of 30 days: check said OK and nothing more, and no plan used them. They
    are kept (units a starting State has out may go home over them), and said."""
    text = edit(TUTORIAL, "    to: kestrel-town\n    length_km: 26\n",
                "    to: kestrel-town\n    length_km: 800\n")
    text = edit(text, "    speed_loaded_km_per_day: 20         # pushed",
                "    speed_loaded_km_per_day: 0.01         # pushed")
    text = edit(text, "    speed_empty_km_per_day: 40 ", "    speed_empty_km_per_day: 0.01 ")
    text = edit(text, "    rations_kg_per_day: {rice: 0.8}\n", "")  # (else it never carries)
    file = tmp_path / "slow.yaml"
    file.write_text(text, "utf-8")
    said = CliRunner().invoke(app, ["check", str(file)], env={"COLUMNS": "200"})
    assert said.exit_code == 0, said.output
    lines = said.output.splitlines()
    at = lines.index("Never used by a plan from the start:")
    assert lines[at + 1:] == [
        "• Pack bicycle: its fastest trip takes 500 days, not within the horizon (30 days)",
        "• Gorge path (safe, slow): the fastest trip over it takes 51.2 days, not within the "
        "horizon (30 days)"]
    as_json = json.loads(CliRunner().invoke(app, ["check", str(file), "--json"]).stdout)
    assert [(x["kind"], x["id"]) for x in as_json["never_used"]] == [
        ("mode", "bicycle"), ("route", "gorge-path")]
    # As shipped: none.
    assert json.loads(CliRunner().invoke(app, ["check", "tutorial", "--json"]).stdout)[
        "never_used"] == []


def test_a_mode_whose_units_could_not_come_home_is_said_by_check(tmp_path: Path) -> None:
    """Bicycles whose only road from their villages runs one way to the bridge, and no
    further (rafts downstream to a depot): check said OK, and the plan left every one idle,
    saying only that nothing was carried. (Units that could reach a front and never come
    home are an error of the front's: a test of its own.)"""
    text = TUTORIAL
    for route in ("    modes: [porter, bicycle]\n    terrain_factor: 1.2",
                  "    modes: [porter, bicycle]\n    terrain_factor: 1.4",
                  "to: district-hospital, length_km: 5, modes: [porter, bicycle]"):
        text = edit(text, route, route.replace("porter, bicycle", "porter"))
    text = edit(text, "    road_use: 2 ", "    ")  # (no route it uses has a capacity now)
    for village in ("river-village", "far-village"):
        old = f"  - {{from: {village}, to: bridge, length_km:"
        start = text.index(old)
        end = text.index("air_exposed: false}", start)
        text = (text[:end] + "air_exposed: false, one_way: true}"
                + text[end + len("air_exposed: false}"):])
    file = tmp_path / "one-way.yaml"
    file.write_text(text, "utf-8")
    said = CliRunner().invoke(app, ["check", str(file), "--json"])
    assert said.exit_code == 0, said.output
    (unused,) = json.loads(said.stdout)["never_used"]
    assert (unused["kind"], unused["id"]) == ("mode", "bicycle")
    assert unused["words"] == (
        "Pack bicycle: no unit could come home from any trip it may make from its homes (to "
        "Bridge junction: the routes back run one way, or none allows it)")
    assert sl.plan(load_text(text, "one-way.yaml")).kpis()["carriers"]["bicycle"][
        "needed"] == 0


def test_a_replays_labour_beyond_what_the_pools_can_serve() -> None:
    """8,500 persons × 0.2 × 20 days = 34,000 person-days: 40,000 passed check and then made
    the plan 'infeasible', naming no field."""
    asked = PLEDGE.replace("regions: [upper]", "regions: [lower]").replace("20000", "45000")
    text = edit(TUTORIAL, asked,
                asked + '    labour: {person_days: 40000, source: "council ledger"}\n')
    line, expected, got = problem(text, "replays[0].labour.person_days")
    assert line == line_of(text, "person_days: 40000")
    assert expected.startswith("at most 34,000 person-days: what the localities' labour "
                               "pools")
    assert got == "40,000"
    # What they can serve is planned (the rule is the planner's own).
    fits = load_text(text.replace("person_days: 40000", "person_days: 30000"),
                     "tutorial.yaml")
    assert sl.plan(fits, replay="pledged").status == "optimal"
    # The planner says the same of a scenario made in Python (it was 'infeasible', naming
    # no figure).
    with pytest.raises(sl.ReplayError, match=r"40,000 person-days of labour are more than "
                                             r".* \(34,000 over the horizon\)"):
        sl.plan(_without_check(fits, 40000), replay="pledged")


def test_a_repair_crew_counts_towards_what_can_be_served_from_its_route_opening() -> None:
    """A crew of 100 on a road that opens on the 21st of 30 days serves 1,000 person-days,
    not 3,000: a replay asking 35,500 is more than the pools' 34,000 and the crew can serve
    (check had taken the crew as posted all 30 days, and passed it)."""
    asked = PLEDGE.replace("regions: [upper]", "regions: [lower]").replace("20000", "45000")
    text = edit(TUTORIAL, asked,
                asked + '    labour: {person_days: 35500, source: "council ledger"}\n')
    text = edit(text, "    terrain_factor: 1.2\n    air_exposed: false\n",
                "    terrain_factor: 1.2\n    air_exposed: false\n    repair_crew: 100\n"
                "    open_from: 2024-11-21\n")
    line, expected, got = problem(text, "replays[0].labour.person_days")
    assert line == line_of(text, "person_days: 35500")
    assert expected.startswith("at most 35,000 person-days: what the localities' labour")
    assert got == "35,500"
    load_text(text.replace("person_days: 35500", "person_days: 35000"), "tutorial.yaml")


def _without_check(sc: sl.Scenario, person_days: float) -> sl.Scenario:
    """``sc`` with its replay's labour changed past ``check`` (as code may build one)."""
    replay = sc.replays[0]
    labour = replay.labour.model_copy(update={"person_days": person_days})  # type: ignore[union-attr]
    return sc.model_copy(update={"replays": [replay.model_copy(update={"labour": labour})]})


def test_an_excluded_region_that_excludes_nothing() -> None:
    text = edit(TUTORIAL, PLEDGE, PLEDGE.replace("regions: [upper],",
                                                 "regions: [upper], exclude_regions: [lower],"))
    line, expected, got = problem(text, "replays[0].mobilization[0].exclude_regions[0]")
    assert line == line_of(text, "exclude_regions: [lower]")
    assert expected == ("a region tag of some locality the entry takes (none of those of "
                        "'upper' is tagged 'lower': leaving it out changes nothing)")
    assert got == "'lower'"
    # Without regions it leaves the lower villages out of all: it acts.
    load_text(edit(TUTORIAL, PLEDGE, PLEDGE.replace("regions: [upper]",
                                                    "exclude_regions: [lower]")),
              "tutorial.yaml")


@pytest.mark.parametrize(("old", "new", "field", "got"), [
    ('title: "Tutorial: relief of a cut-off mountain valley"',
     'title: "Tutorial:\\nrelief\\tof a valley"', "title",
     "'Tutorial:\\nrelief\\tof a valley' (with a line break, a tab)"),
    ("    name: Porter\n", '    name: "Por\\tter"\n', "modes[0].name", "'Por\\tter' (with a tab)"),
])
def test_a_title_or_a_name_is_one_line(old: str, new: str, field: str, got: str) -> None:
    """A title with a line break printed check's OK over two lines, and split tables."""
    text = edit(TUTORIAL, old, new)
    line, expected, said = problem(text, field)
    assert line == line_of(text, new.strip())
    assert expected == "one line of text (a title or a name, shown in tables and on maps)"
    assert said == got


@pytest.mark.parametrize(("title", "got"), [('""', "'' (empty)"), ('"   "', "'   '")])
def test_a_title_of_nothing_or_of_spaces_is_refused(title: str, got: str) -> None:
    """The title is required and one line: a title of nothing passed, and check said
    "OK:  — 8 places"."""
    text = edit(TUTORIAL, 'title: "Tutorial: relief of a cut-off mountain valley"',
                f"title: {title}")
    line, expected, said = problem(text, "title")
    assert line == line_of(text, f"title: {title}")
    assert expected == "a one-line title (some letter or sign, not only spaces)"
    assert said == got


def test_a_route_id_used_twice_is_said_once_not_as_another_routes_fault() -> None:
    """Gorge path renamed ridge-road: the air threat on ridge-road (open to air attack) was
    said to strike a route closed to it, read as the later route of that id."""
    text = edit(TUTORIAL, "  - id: gorge-path\n", "  - id: ridge-road\n")
    found = problems_in(text, "tutorial.yaml", None)  # type: ignore[arg-type]
    assert [(p.field, p.line) for p in found] == [
        ("routes[6].id", line_of(text, "  - id: ridge-road\n", occurrence=2))]
    assert found[0].expected.startswith("a unique id (also used by routes[5], line ")


@pytest.mark.parametrize(("old", "new", "field"), [
    ("    name: Ridge relief depot\n", "    name: 5\n", "places[5].name"),
    ("    description: What the village councils pledged at the first meeting\n",
     "    description: 5\n", "replays[0].description"),
    ("    name: Porter\n", '    name: "Por\\u202eter"\n', "modes[0].name"),
])
def test_a_problem_of_free_text_hides_no_rule_across_sections(old: str, new: str,
                                                               field: str) -> None:
    """A place's name written 5 left the places unread by the rules across sections: a
    replay asking ten times what its villages can give, and a payload that never carries
    the porters' own food, were said only once the name was mended."""
    asked = PLEDGE.replace("regions: [upper]", "regions: [lower]").replace("20000", "45000")
    text = edit(TUTORIAL, asked, asked.replace("45000", "450000"))
    text = edit(text, "    payload_kg: 25\n", "    payload_kg: 0.1\n")
    text = edit(text, old, new)
    found = by_field(problems_in(text, "tutorial.yaml", None))  # type: ignore[arg-type]
    assert set(found) == {field, "replays[0].mobilization[1].kg", "modes[0].payload_kg"}
    assert found["replays[0].mobilization[1].kg"].expected.startswith("at most 61,500 kg")
    assert found["modes[0].payload_kg"].expected.startswith("a payload above the food")


@pytest.mark.parametrize(("old", "new", "field"), [
    ("  labour_share: 0.2\n", "  labour_share: 0.2\n  step_days: 40\n", "policy.step_days"),
    ("    road_use: 2 ", "    fuel_tank_kg: 10\n    road_use: 2 ", "modes[1].fuel_tank_kg"),
    # (a rule of the mode's said at a field it does not write: the whole mode is set aside)
    ("    road_use: 2 ", "    fuel_kg_per_km: 0.1\n    road_use: 2 ", "modes[1].fuel_commodity"),
])
def test_a_problem_the_replays_do_not_read_hides_none_of_theirs(old: str, new: str,
                                                                field: str) -> None:
    """A step longer than the horizon, or a tank on a mode that burns nothing, hid a replay
    asking ten times what its villages can give: the replays read neither."""
    asked = PLEDGE.replace("regions: [upper]", "regions: [lower]").replace("20000", "45000")
    text = edit(edit(TUTORIAL, asked, asked.replace("45000", "450000")), old, new)
    found = by_field(problems_in(text, "tutorial.yaml", None))  # type: ignore[arg-type]
    assert set(found) == {field, "replays[0].mobilization[1].kg"}
    # What they read still holds them back (a labour share of 2: no pool to read).
    text = edit(TUTORIAL, asked, asked.replace("45000", "450000"))
    text = edit(text, "  labour_share: 0.2\n", "  labour_share: 2\n")
    assert set(by_field(problems_in(text, "tutorial.yaml", None))) == {  # type: ignore[arg-type]
        "policy.labour_share"}


def test_the_labour_bound_is_the_planners_beyond_a_short_horizon() -> None:
    """Persons who may serve 60 days in a horizon of 10 serve more than 10 days each (those
    still out at the end count their way home): 17,500 person-days of 8,500 × 0.2 persons
    in 10 days were refused, though the planner makes them."""
    asked = PLEDGE.replace("regions: [upper]", "regions: [lower]").replace("20000", "45000")
    text = edit(TUTORIAL, asked,
                asked + '    labour: {person_days: 17500, source: "council ledger"}\n')
    text = edit(text, "end_date: 2024-11-30", "end_date: 2024-11-10")
    text = edit(text, "  labour_max_days_per_person: 20\n",
                "  labour_max_days_per_person: 60\n")
    text = edit(text, "    reserves:\n      - {days_of_supply: 3, by: 2024-11-20}\n", "")
    sc = load_text(text, "tutorial.yaml")
    planned = sl.plan(sc, replay="pledged")
    assert planned.status == "optimal"
    assert planned.kpis()["labour_days"] >= 17500 - 1e-3


def test_a_bad_repair_crew_is_not_read_as_none_by_the_labour_rule() -> None:
    """A repair crew written '100 people' was set aside as 0 by the replays' rules: their
    labour-days, which the crew's 3,000 make possible, were said to be too many."""
    asked = PLEDGE.replace("regions: [upper]", "regions: [lower]").replace("20000", "45000")
    text = edit(TUTORIAL, asked,
                asked + '    labour: {person_days: 36000, source: "council ledger"}\n')
    crew = "    repair_days: 2\n"
    assert text.count(crew) >= 1
    text = text.replace(crew, crew + "    repair_crew: 100\n", 1)
    load_text(text, "tutorial.yaml")  # 34,000 + 100 × 30
    bad = text.replace("    repair_crew: 100\n", "    repair_crew: '100 people'\n", 1)
    found = problems_in(bad, "tutorial.yaml", None)  # type: ignore[arg-type]
    assert [p.field for p in found] == ["routes[5].repair_crew"]


def test_a_replays_bad_name_hides_no_other_rule() -> None:
    """A replay's name is required: set aside like free text, it left the whole scenario
    unreadable, and a safety margin where no route has a capacity went unsaid."""
    text = edit(TUTORIAL, "  labour_share: 0.2\n",
                "  labour_share: 0.2\n  capacity_safety_margin: 0.1\n")
    text = "\n".join(line for line in text.splitlines()
                     if "capacity_movements_per_day" not in line
                     and "road_use" not in line) + "\n"
    text = edit(text, "  - name: pledged\n", "  - name: pledged now!\n")
    assert set(by_field(problems_in(text, "tutorial.yaml", None))) >= {  # type: ignore[arg-type]
        "replays[0].name", "policy.capacity_safety_margin"}


def test_a_trip_of_exactly_the_horizon_is_listed() -> None:
    """Gorge path at 468.75 km: an empty porter's trip of exactly 30 days arrives after the
    horizon's last day, and was not listed."""
    from supplyline.plan.reach import never_crossed

    text = edit(TUTORIAL, "    to: kestrel-town\n    length_km: 26\n",
                "    to: kestrel-town\n    length_km: 468.75\n")
    net = sl.compile_network(load_text(text, "tutorial.yaml"))
    assert [(kind, ident) for kind, ident, _ in never_crossed(net)] == [("route", "gorge-path")]


#: tiny.yaml with a second front and a second hospital, each on a route from the relay depot.
_MORE_ENDS = (
    ("  - id: hospital\n    kind: hospital\n",
     "  - id: front-b\n    kind: front\n    lat: 21.5\n    lon: 103.0\n"
     "  - id: hospital-b\n    kind: hospital\n    lat: 21.61\n    lon: 103.11\n"
     "  - id: hospital\n    kind: hospital\n"),
    ("  - {from: relay, to: hospital, length_km: 8, modes: [porter], air_exposed: false}\n",
     "  - {from: relay, to: hospital, length_km: 8, modes: [porter], air_exposed: false}\n"
     "  - {from: relay, to: hospital-b, length_km: 9, modes: [porter], air_exposed: false}\n"
     "  - {from: relay, to: front-b, length_km: 9, modes: [porter]}\n"),
)


def _more_ends() -> str:
    text = TINY_TEXT
    for old, new in _MORE_ENDS:
        text = edit(text, old, new)
    return text


def test_a_front_or_a_hospital_nothing_names_is_said_by_check(tmp_path: Path) -> None:
    """A front that no demand and no wounded flow names (nothing is consumed there, no one
    is wounded there) and a hospital that no wounded flow names (no one can be brought
    there) passed check: their kind, all the plan reads it for, says nothing. Said at the
    kind, in a file; the CLI exits 2."""
    text = _more_ends()
    found = by_field(problems_in(text))
    assert sorted(found) == ["places[5].kind", "places[6].kind"]
    front, hospital = found["places[5].kind"], found["places[6].kind"]
    assert (front.line, front.got) == (line_of(text, "kind: front", 2),
                                       "'front' ('front-b': no demand or wounded flow names it)")
    assert front.expected.startswith("a front that some demand or wounded flow names (")
    assert (hospital.line, hospital.got) == (
        line_of(text, "kind: hospital"), "'hospital' ('hospital-b': no wounded flow names it)")
    assert hospital.expected.startswith("a hospital that some wounded flow names among its ")
    file = tmp_path / "ends.yaml"
    file.write_text(text, "utf-8")
    result = CliRunner().invoke(app, ["check", str(file), "--json"])
    assert result.exit_code == 2, result.output
    said = {p["field"] for p in json.loads(result.stdout)["error"]["problems"]}
    assert said == {"places[5].kind", "places[6].kind"}
    # Named, each has its use: a front where only wounded arise, a hospital that takes them.
    named = edit(text, "    hospitals: [hospital]\n", "    hospitals: [hospital, hospital-b]\n")
    load_text(named.replace("wounded:\n  - front: front\n", "wounded:\n  - front: front-b\n"),
              "tiny.yaml", base_dir=DATA)


def test_a_front_misspelt_where_it_is_named_is_said_once() -> None:
    """The demand's front misspelt is the one problem: the front it likely is is not said
    to be named by nothing as well."""
    text = edit(TINY_TEXT, "demand:\n  - front: front\n", "demand:\n  - front: frnt\n")
    text = edit(text, "wounded:\n  - front: front\n", "wounded:\n  - front: frnt\n")
    assert sorted(by_field(problems_in(text))) == ["demand[0].front", "wounded[0].front"]


def test_a_what_if_without_wounded_keeps_its_hospitals() -> None:
    """A what-if asks a question (no wounded): it sets nothing no plan reads, and its
    hospital, named by no flow now, is not refused."""
    tiny = load_text(TINY_TEXT, "tiny.yaml", base_dir=DATA)
    assert tiny.replace({"wounded": []}).wounded == []


def test_a_payload_written_in_tonnes_is_refused(tmp_path: Path) -> None:
    """A truck of 2 t written `payload_kg: 5` passed check: on its short routes a few kg of
    the 5 were left over its crew's food (its fuel rides in the tank), and it carries
    wounded, which the rule that a mode never carries passed over. A payload no more than
    a day's rations and fuel is a slip of unit, said whether or not the mode carries
    wounded."""
    text = resources.files("supplyline.scenario").joinpath(
        "builtin", "dien-bien-phu-1954.yaml").read_text("utf-8")
    text = edit(text, "    payload_kg: 2000 ", "    payload_kg: 5 ")
    line, expected, got = problem(text, "modes[4].payload_kg")
    assert (line, got) == (line_of(text, "payload_kg: 5 "), "5")
    # (0.8 kg of rice a day for each of two men, and 0.25 kg of fuel a km over 92 km)
    assert expected == ("a payload above what a unit draws in a day (its rations and its "
                        "fuel over its longest route, shorter than a day's drive: 24.6 kg): "
                        "in kg, not tonnes")
    file = tmp_path / "tonnes.yaml"
    file.write_text(text, "utf-8")
    said = CliRunner().invoke(app, ["check", str(file)], env={"COLUMNS": "80"})
    assert said.exit_code == 2, said.output
    assert f"line {line}: modes[4].payload_kg: expected a payload above" in " ".join(
        said.output.split())


@pytest.mark.parametrize(("old", "new", "field", "day"), [
    # Bicycles that carry wounded, and porters: 120 kg and 25 kg written in tonnes.
    ("payload_kg: 120", "payload_kg: 0.12", "modes[1].payload_kg", "its rations: 0.8 kg"),
    ("    payload_kg: 25\n", "    payload_kg: 0.7\n", "modes[0].payload_kg",
     "its rations: 0.7 kg"),
])
def test_a_payload_below_a_days_rations_is_refused(old: str, new: str, field: str,
                                                   day: str) -> None:
    text = edit(TUTORIAL, old, new)
    line, expected, got = problem(text, field)
    assert line == line_of(text, new.strip())
    assert expected == f"a payload above what a unit draws in a day ({day}): in kg, not tonnes"
    assert got == new.split(":")[1].strip()
    load_text(edit(TUTORIAL, old, new.replace("0.7", "0.71").replace("0.12", "0.81")),
              "tutorial.yaml")


def test_a_fast_mode_is_held_to_the_fuel_of_its_longest_route_not_of_a_day() -> None:
    """An aircraft burns more than it carries in a day of flying, but not on one flight: a
    mode whose day's drive is longer than its longest route is held to that route's fuel."""
    fast = edit(TUTORIAL, "    speed_loaded_km_per_day: 20         # pushed",
                "    fuel_commodity: rice\n    fuel_kg_per_km: 1\n"
                "    speed_loaded_km_per_day: 5000         # pushed")
    fast = edit(fast, "    speed_empty_km_per_day: 40 ", "    speed_empty_km_per_day: 5000 ")
    load_text(fast, "tutorial.yaml")  # (5,000 kg of fuel in a day, 16 km its longest route)
    text = edit(fast, "payload_kg: 120", "payload_kg: 16.8")
    line, expected, got = problem(text, "modes[1].payload_kg")
    assert (line, got) == (line_of(text, "payload_kg: 16.8"), "16.8")
    assert expected == ("a payload above what a unit draws in a day (its rations and its "
                        "fuel over its longest route, shorter than a day's drive: 16.8 kg): "
                        "in kg, not tonnes")
    load_text(edit(fast, "payload_kg: 120", "payload_kg: 16.9"), "tutorial.yaml")
