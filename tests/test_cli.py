"""The command line, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import supplyline as sl
from supplyline.cli import app
from supplyline.scenario import DEFAULT_SCENARIO, builtin_names

runner = CliRunner()
needs_default_builtin = pytest.mark.skipif(DEFAULT_SCENARIO not in builtin_names(),
                                           reason="the default scenario is not installed")


def line_of(text: str, needle: str) -> int:
    return text.count("\n", 0, text.index(needle)) + 1


@pytest.fixture
def bad_file(tmp_path: Path, tiny_text: str) -> tuple[Path, str]:
    """A scenario with three mistakes, and its text."""
    text = tiny_text.replace("length_km: 25", "length_km: -4")
    text = text.replace("    population: 1000", "    populaton: 1000")
    text = text.replace("{from: ban-b, to: relay", "{from: ban-b, to: relai")
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"supplyline {sl.__version__}"


def test_no_command_shows_help() -> None:
    result = runner.invoke(app, [])
    assert "check" in result.output and "show" in result.output


def test_scenarios_lists_the_builtins() -> None:
    result = runner.invoke(app, ["scenarios", "--json"])
    assert result.exit_code == 0
    listed = json.loads(result.stdout)
    assert listed["ok"] is True  # (as every command's answer: it was a bare list)
    assert [entry["name"] for entry in listed["scenarios"]] == builtin_names()
    if builtin_names():
        plain = runner.invoke(app, ["scenarios"])
        assert plain.exit_code == 0
        assert builtin_names()[0] in plain.output


def test_a_builtin_is_copied_to_edit_and_never_over_a_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tutorial said to copy the file, and nothing said where it was (inside the
    installed package)."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["scenarios", "--copy", "tutorial"])
    assert result.exit_code == 0, result.output
    copied = tmp_path / "tutorial.yaml"
    from supplyline.scenario.load import builtin_text

    assert copied.read_text(encoding="utf-8") == builtin_text("tutorial")
    copied.write_text("# my edits\n", encoding="utf-8")
    again = runner.invoke(app, ["scenarios", "--copy", "tutorial", "--out", str(copied)])
    assert again.exit_code == 2 and "exists" in again.output
    assert copied.read_text(encoding="utf-8") == "# my edits\n"
    # (an output problem, said with its path, as every other --out's is; it was "usage")
    error = json.loads(runner.invoke(app, ["scenarios", "--copy", "tutorial", "--out",
                                           str(copied), "--json"]).stdout)["error"]
    assert (error["kind"], error["path"]) == ("output", str(copied))
    unknown = runner.invoke(app, ["scenarios", "--copy", "nowhere"])
    assert unknown.exit_code == 2 and "expected a built-in scenario" in unknown.output
    alone = runner.invoke(app, ["scenarios", "--out", "x.yaml"])
    assert alone.exit_code == 2 and not (tmp_path / "x.yaml").exists()
    # Copied again without --out: the message named --out, which was not given.
    twice = runner.invoke(app, ["scenarios", "--copy", "tutorial"])
    assert twice.exit_code == 2
    assert "--copy: tutorial.yaml exists (where --copy writes without --out)" in twice.output
    # A misspelt name gets a suggestion, as FILE does; FILE's builtin: form is a name too.
    misspelt = runner.invoke(app, ["scenarios", "--copy", "tutorail"])
    assert misspelt.exit_code == 2 and "(did you mean 'tutorial'?)" in misspelt.output
    prefixed = runner.invoke(app, ["scenarios", "--copy", "builtin:tutorial", "--out",
                                   "mine.yaml"])
    assert prefixed.exit_code == 0, prefixed.output
    assert (tmp_path / "mine.yaml").read_text(encoding="utf-8") == builtin_text("tutorial")


def test_check_ok(tiny_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tiny_path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: Tiny valley — 6 places, 5 routes, 2 modes")


def test_check_counts_one_as_one(tmp_path: Path) -> None:
    """'1 routes, 1 modes, 1 commodities' on a first scenario of one route."""
    from tests.plan.builders import place, route, scenario, village

    one = scenario([village("v", 0.0, 1000.0), place("front", "front", 0.1)],
                   [route("v", "front", 10.0)], demand_kg_per_day=10.0, days=1)
    path = tmp_path / "one.yaml"
    path.write_text(yaml.safe_dump(one.model_dump(mode="json", by_alias=True,
                                                  exclude_unset=True)), encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 places, 1 route, 1 mode, 1 commodity, 1 day (" in " ".join(result.output.split())
    # So do `show` and the notebook's view of a scenario (one function: summary.counted).
    shown = runner.invoke(app, ["show", str(path)])
    assert "1 day; 2 places (1 locality, 1 front); 1 route (10 km); 1 mode; 1 commodity" in \
        " ".join(shown.output.split())
    assert "(1 day); 2 places, 1 route (10 km), 1 mode, 1 commodity" in one._repr_html_()


def test_check_says_what_goes_short_whatever_the_plan(tmp_path: Path) -> None:
    """Salt that no place holds, and rice from a village two days away: `check` passes the
    scenario and says what its front must go short of, before any plan."""
    from tests.plan.builders import place, route, scenario, village

    sc = scenario([village("v", 0.0, 1e6), place("front", "front", 0.1)],
                  [route("v", "front", 40.0)], demand_kg_per_day=100.0, days=10,
                  commodities=[{"id": "rice"}, {"id": "salt"}],
                  demand=[{"front": "front", "commodity": "rice", "kg_per_day": 100.0},
                          {"front": "front", "commodity": "salt", "kg_per_day": 5.0}])
    path = tmp_path / "short.yaml"
    path.write_text(yaml.safe_dump(sc.model_dump(mode="json", by_alias=True,
                                                 exclude_unset=True)), encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "Short whatever the plan does:" in said
    assert ("• no rice can reach front before 3 Jan 2020, the soonest any from v can arrive, "
            "so at least 0.2 t of the rice it needs goes short") in said
    assert ("• no place holds salt or may give any, so at least 0.05 t of the salt it needs "
            "goes short") in said
    answer = json.loads(runner.invoke(app, ["check", str(path), "--json"]).stdout)
    # Closed forms: 100 kg of rice a day for the 2 days before 3 Jan; salt for all 10 days.
    assert [(x["commodity"], x["at_least_kg"], x["first_arrival"], x["from"])
            for x in answer["short_whatever_the_plan"]] == [
        ("rice", pytest.approx(200.0), "2020-01-03", "v"),
        ("salt", pytest.approx(50.0), None, None)]
    # And the plan goes short of as much (at least).
    plan = sl.plan(sc)
    by_good = {f.commodity: f.shortfall_t for f in plan.findings}
    assert by_good["rice"] >= 0.2 - 1e-6 and by_good["salt"] == pytest.approx(0.05)
    # The places each finding's sentences name, by id: none where no place holds the good.
    named = {f.commodity: f.places for f in plan.findings}
    assert named["rice"][:2] == ["front", "v"] and named["salt"] == []


def test_check_says_what_the_repair_crews_go_without_whatever_the_plan(tmp_path: Path
                                                                       ) -> None:
    """A route's crew of 10 eats 0.8 kg of rice a day at a relay that holds none, two days'
    walk from the village: `check` says before any plan that they go without 16 kg, the
    part of what the plan's note says they miss "before any can reach where they eat"
    (`check` had said nothing of the crews; the built-in scenario's plan notes 800 kg so)."""
    from supplyline.network import compile_network
    from supplyline.plan.reach import crews_unfed
    from tests.plan.builders import place, route, scenario, village

    sc = scenario(
        [village("v", 0.0, 1e6), place("relay", "depot", 0.4), place("front", "front", 0.5)],
        [route("v", "relay", 40.0), route("relay", "front", 10.0, repair_crew=10.0)],
        demand_kg_per_day=10.0, days=10,
        policy={"labour_max_days_per_person": 10_000.0, "labour_share": 1.0,
                "labour_rations_kg_per_day": {"rice": 0.8}},
    )
    path = tmp_path / "crews.yaml"
    path.write_text(yaml.safe_dump(sc.model_dump(mode="json", by_alias=True,
                                                 exclude_unset=True)), encoding="utf-8")
    said = " ".join(runner.invoke(app, ["check", str(path)]).output.split())
    assert ("• no rice can be at relay before 3 Jan 2020, the soonest any from v can arrive, "
            "so the repair crews fed there go without at least 16 kg of the rice they "
            "need") in said
    answer = json.loads(runner.invoke(app, ["check", str(path), "--json"]).stdout)
    assert [(x["place"], x["commodity"], x["at_least_kg"], x["first_there"])
            for x in answer["crews_unfed_whatever_the_plan"]] == [
        ("relay", "rice", pytest.approx(16.0), "2020-01-03")]
    # The plan's note says the same part, by the same bound.
    (note,) = [n for n in sl.plan(sc).gave_up() if n.startswith("repair crews not fed:")]
    assert note.endswith(" of rice missing, all of it before any can reach where they eat")
    assert float(note.split(": ")[1].split(" kg")[0]) == pytest.approx(16.0)
    # Held at the relay from the start, there is nothing to say.
    held = sc.replace({"places[relay].stock_kg": {"rice": 1000.0}})
    assert crews_unfed(compile_network(held)) == []


def test_check_ok_json(tiny_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tiny_path), "--json"])
    assert result.exit_code == 0
    answer = json.loads(result.stdout)
    # (the scenario under the key every command's JSON names it by)
    assert answer["ok"] is True and answer["scenario"] == "tiny" and "name" not in answer


def test_check_bad_file_lists_every_problem(bad_file: tuple[Path, str]) -> None:
    path, text = bad_file
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines[:2] == [
        f"{path} line {line_of(text, 'populaton')}: places[1].populaton: expected a field "
        "of Place (did you mean 'population'?), got unknown field 'populaton'",
        f"{path} line {line_of(text, 'relai')}: routes[1].to: expected a known place id "
        "(did you mean 'relay'?), got 'relai'",
    ]
    # the schema owns the wording of the bound; the line says where, what field and what came
    assert lines[2].startswith(f"{path} line {line_of(text, 'length_km: -4')}: "
                               "routes[3].length_km: expected a number > 0")
    assert lines[2].endswith(" (km), got -4")
    assert lines[3] == "3 problems found; nothing was done."
    assert "Traceback" not in result.output


def test_check_bad_file_json(bad_file: tuple[Path, str]) -> None:
    path, _ = bad_file
    result = runner.invoke(app, ["check", str(path), "--json"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["ok"] is False
    error = report["error"]
    assert error["kind"] == "scenario"
    assert error["message"] == "3 problems found; nothing was done."
    assert {p["field"] for p in error["problems"]} == {
        "places[1].populaton", "routes[1].to", "routes[3].length_km"}
    assert set(error["problems"][0]) == {"file", "line", "field", "expected", "got",
                                        "message"}


@pytest.mark.parametrize("content", [b"", b"::: not yaml [", b"\xff\xfe\x00garbage", b"- a\n"])
def test_check_never_shows_a_traceback(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.yaml"
    path.write_bytes(content)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "broken.yaml" in result.output


def test_check_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "nowhere.yaml")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_show(tiny_path: Path) -> None:
    result = runner.invoke(app, ["show", str(tiny_path)])
    assert result.exit_code == 0, result.output
    for text in ("Tiny valley", "10 days", "Rice", "115.0", "12.6", "1,500 people",
                 "15,000 person-days", "long-trail", "└── relay (depot)  25 km"):
        assert text in result.output


def test_show_json(tiny_path: Path) -> None:
    result = runner.invoke(app, ["show", str(tiny_path), "--json"])
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["ok"] is True and summary["days"] == 10
    assert summary["commodities"][0]["demand_t"] == pytest.approx(12.6)
    assert summary["longest_routes"][0]["route"] == "long-trail"
    assert summary["network"][0]["front"] == "front"


def test_show_lists_closures_and_threats() -> None:
    """show said nothing of closures, strikes and rain: a user could not see that a closure
    was read without planning. It lists them as the report's map does."""
    result = runner.invoke(app, ["show", "tutorial"])
    assert result.exit_code == 0, result.output
    assert "Closures and threats:" in result.output
    assert "Air strikes or raids 1 Nov – 30 Nov 2024: Ridge road" in result.output
    summary = json.loads(runner.invoke(app, ["show", "tutorial", "--json"]).stdout)
    assert summary["closures_and_threats"][0].startswith("Air strikes or raids 1 Nov")


def test_an_out_file_that_is_a_folder_is_said_before_planning(tmp_path: Path) -> None:
    (tmp_path / "plan.json").mkdir()
    result = runner.invoke(app, ["plan", "tutorial", "--out", str(tmp_path / "plan.json"),
                                 "--json"])
    assert result.exit_code == 2, result.output
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "output" and "it is a folder" in error["message"]
    assert "kpis" not in json.loads(result.stdout)  # nothing was planned


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
@pytest.mark.parametrize("command", [["report", "tutorial", "--out", "/proc/x.html"],
                                     ["simulate", "tutorial", "--runs", "10",
                                      "--export", "/proc/sim"]])
def test_a_folder_that_takes_no_files_is_said_before_any_work(command: list[str]) -> None:
    """/proc passes a check of permissions as root (as a read-only mount may): `report`
    planned and `simulate` ran every run before they found they could not write."""
    result = runner.invoke(app, [*command, "--json"])
    assert result.exit_code == 2, result.output
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "output" and "/proc takes no new files" in error["message"]
    assert set(json.loads(result.stdout)) == {"ok", "error"}  # nothing was planned or run


def test_show_bad_file_exits_2(bad_file: tuple[Path, str]) -> None:
    result = runner.invoke(app, ["show", str(bad_file[0])])
    assert result.exit_code == 2
    assert "3 problems found" in result.output


@needs_default_builtin
def test_show_default_builtin() -> None:
    result = runner.invoke(app, ["show"])
    assert result.exit_code == 0, result.output
    assert "(front)" in result.output


def test_plan_in_steps_of_several_days() -> None:
    result = runner.invoke(app, ["plan", "tutorial", "--step-days", "3", "--json"])
    assert result.exit_code == 0, result.output
    kpis = json.loads(result.stdout)["kpis"]
    assert kpis["days"] == sl.load("tutorial").days
    daily = json.loads(runner.invoke(app, ["plan", "tutorial", "--json"]).stdout)["kpis"]
    assert kpis["columns"] < daily["columns"] / 2


def test_plan_rejects_a_step_of_zero_days() -> None:
    result = runner.invoke(app, ["plan", "tutorial", "--step-days", "0"])
    assert result.exit_code == 2
    assert "--step-days" in result.output


@pytest.mark.parametrize(("args", "option", "given"), [
    (["simulate", "tutorial", "--runs", "-5"], "--runs", "-5"),
    (["plan", "tutorial", "--step-days", "0"], "--step-days", "0"),
    (["resilience", "tutorial", "--jobs", "0"], "--jobs", "0"),
])
def test_a_value_out_of_range_is_said_with_what_was_given(args: list[str], option: str,
                                                          given: str) -> None:
    """Typer's range check said "Input should be greater than or equal to 1" without the
    value given."""
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 2
    message = json.loads(result.stdout)["error"]["message"]
    assert message.startswith(f"{option}: expected ")  # (the option first, in its words)
    assert message.endswith(f", got '{given}'")


@pytest.mark.parametrize("command", ["check", "show", "plan", "simulate", "validate"])
def test_a_scenario_argument_that_names_nothing_is_said_at_file(command: str) -> None:
    """A misspelt built-in name is said at FILE, once, with what was found (it read
    'Tutorial: (file): expected ..., got no such file' everywhere but the books' commands)."""
    result = runner.invoke(app, [command, "Tutorial"])
    assert result.exit_code == 2
    first = result.output.splitlines()[0]
    assert first.startswith("FILE: expected an existing scenario file or a built-in")
    assert "(did you mean 'tutorial'?)" in first
    assert first.endswith("got 'Tutorial' (no such file)")
    assert result.output.count("Tutorial") == 1
    report = json.loads(runner.invoke(app, [command, "Tutorial", "--json"]).stdout)
    assert report["error"]["problems"][0]["message"] == first
