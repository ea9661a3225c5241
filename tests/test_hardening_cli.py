"""The command line on untrusted scenarios and on every kind of failure: scenario text is
inert, ``--json`` always answers with an object and the exit code of the text output, the
solver has a time limit, and Ctrl-C ends a run cleanly."""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from supplyline.cli import DEFAULT_TIME_LIMIT_S, app, print_json
from supplyline.errors import PlanError
from supplyline.report.safe_write import output_files

runner = CliRunner()
planning = importlib.import_module("supplyline.plan")  # the module (sl.plan is the function)
ROOT = Path(__file__).resolve().parents[1]

HOSTILE_PLACE = "Ban [/red] A [link=https://evil.example]x[/link]"
ESCAPES = r"\e]0;pwned\a\e[2J"  # YAML double-quoted escapes: ESC ... BEL ESC [2J


def _hostile(tmp_path: Path, tiny_text: str, escapes: str) -> Path:
    text = tiny_text.replace("title: Tiny valley", f'title: "Tiny [/bold] valley{escapes}"')
    text = text.replace("  - id: ban-a\n", f'  - id: ban-a\n    name: "{HOSTILE_PLACE}"\n')
    text = text.replace("  - id: front\n", f'  - id: front\n    name: "Front [/red]{escapes}"\n')
    text = text.replace("    name: The pass\n", f'    name: "=cmd [red]pass{escapes}"\n')
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def hostile(tmp_path: Path, tiny_text: str) -> Path:
    """The tiny scenario with markup in its names (Rich's, a spreadsheet formula's)."""
    return _hostile(tmp_path, tiny_text, "")


@pytest.fixture
def controls(tmp_path: Path, tiny_text: str) -> Path:
    """The same with terminal controls too, written as YAML escapes."""
    return _hostile(tmp_path, tiny_text, f" {ESCAPES}")


def run(*args: str) -> tuple[int, str]:
    """The exit code and what was printed (with ``--json``, standard output only: progress
    lines go to standard error)."""
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout if "--json" in args else result.output


def json_error(*args: str) -> tuple[int, dict[str, Any]]:
    code, output = run(*args, "--json")
    answer = json.loads(output)
    assert answer["ok"] is False
    assert {"kind", "message"} <= set(answer["error"])
    return code, answer["error"]


def no_raw_controls(text: str) -> None:
    for sequence in ("\x1b", "\x07"):
        assert sequence not in text


# -- untrusted text ---------------------------------------------------------------------------


def test_plan_prints_hostile_names_as_written(hostile: Path, tmp_path: Path) -> None:
    code, output = run("plan", str(hostile), "--export", str(tmp_path / "out"))
    assert code == 0, output
    no_raw_controls(output)
    for text in ("Tiny [/bold] valley", "Front [/red]"):
        assert text in output
    routes = (tmp_path / "out" / "routes.csv").read_text(encoding="utf-8")
    assert ",'=cmd [red]pass" in routes


def test_names_with_terminal_controls_are_refused_and_said_inert(controls: Path) -> None:
    """A scenario may write controls only as escapes; it is refused (they had reached the
    report's HTML raw), and the refusal shows them written out, never obeyed."""
    for args in (["check", str(controls)], ["plan", str(controls)]):
        code, output = run(*args)
        assert code == 2, output
        no_raw_controls(output)
        assert "title: expected text without control characters" in output
        assert "\\u001b]0;pwned\\u0007\\u001b[2J" in output
        assert "3 problems found" in output


def test_check_show_and_report_print_hostile_names_as_written(hostile: Path,
                                                              tmp_path: Path) -> None:
    for args in (["check", str(hostile)], ["show", str(hostile)],
                 ["report", str(hostile), "--out", str(tmp_path / "r.html")]):
        code, output = run(*args)
        assert code == 0, output
        no_raw_controls(output)
    assert "Tiny [/bold] valley" in run("show", str(hostile))[1]
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Ban [/red] A [link=https://evil.example]x[/link]" in page


def test_problems_echo_the_bad_value_inert(tmp_path: Path, tiny_text: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(tiny_text.replace("length_km: 25", f'length_km: "[/red]{ESCAPES}"'),
                    encoding="utf-8")
    code, output = run("check", str(path))
    assert code == 2
    no_raw_controls(output)
    assert "[/red]" in output
    code, output = run("check", str(path), "--json")
    assert code == 2
    no_raw_controls(output)
    assert "[/red]" in json.loads(output)["error"]["problems"][0]["got"]


# -- --json on every failure ------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["plan", "tutorial", "--step-days", "0"],
    ["plan", "tutorial", "--time-limit", "soon"],
    ["plan", "tutorial", "--no-such-option"],
    ["plann", "tutorial"],
    ["validate", "tutorial", "--step-days", "x"],
    ["report", "tutorial", "--time-limit", "-1"],
    ["plan", "tutorial", "--days", "100000"],
    ["plan", "tutorial", "--solver", "fast"],
    ["plan", "tutorial", "--days", "7", "--step-days", "8"],
    ["resilience", "tutorial", "--step-days", "31"],
    ["sweep", "tutorial", "--vary", "modes.porter.payload_kg=20", "--scheduler", "notaurl"],
    ["sweep", "tutorial", "--vary", "modes.porter.payload_kg=20", "--scheduler", "foo://h:1"],
])
def test_usage_errors_answer_in_json(args: list[str]) -> None:
    code, error = json_error(*args)
    assert code == 2
    assert error["kind"] == "usage"
    assert run(*args)[0] == 2  # the same code as the text output


@pytest.mark.parametrize(("args", "flag", "needed"), [
    (["plan", "tutorial", "--seed", "3"], "--seed", "--risk"),
    (["plan", "tutorial", "--risk-runs", "100"], "--risk-runs", "--risk"),
    (["plan", "tutorial", "--no-unit-losses"], "--unit-losses/--no-unit-losses", "--risk"),
    (["report", "tutorial", "--seed", "4"], "--seed", "--runs"),
    (["sweep", "tutorial", "--vary", "modes.porter.payload_kg=20,25", "--seed", "4"],
     "--seed", "--simulate"),
])
def test_an_option_given_without_the_one_it_acts_with_is_refused(
        args: list[str], flag: str, needed: str) -> None:
    """They were run as if they were not there, without a word."""
    code, error = json_error(*args)
    assert (code, error["kind"]) == (2, "usage")
    assert error["message"] == (f"{flag}: acts only with {needed}, which was not given "
                                f"(leave it out, or add {needed})")


@pytest.mark.parametrize(("args", "says"), [
    (["simulate", "tutorial", "--runs", "5", "--no-threats", "--unit-losses"],
     "--unit-losses: acts only with the threats drawn (units are lost to strikes and raids), "
     "got --no-threats (leave --unit-losses out, or --no-threats)"),
    (["simulate", "tutorial", "--runs", "5", "--no-threats", "--no-unit-losses"],
     "--no-unit-losses: acts only with the threats drawn"),
    (["resilience", "tutorial", "--k", "1", "--worst-of", "routes"],
     "--worst-of: acts only on the worst sets (--k 2 or more) or the protection (--budget), "
     "got --k 1 without --budget (leave --worst-of out, or raise --k)"),
])
def test_an_option_that_the_others_leave_without_effect_is_refused(
        args: list[str], says: str) -> None:
    """Unit losses without threats, and what the worst sets may cut where none is sought,
    were run as if they were not there, without a word."""
    code, error = json_error(*args)
    assert (code, error["kind"]) == (2, "usage")
    assert error["message"].startswith(says)


def test_scenario_problems_answer_in_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\n", encoding="utf-8")
    for command in ("check", "show", "plan", "validate", "report"):
        code, error = json_error(command, str(path))
        assert code == 2
        assert error["kind"] == "scenario"
        problem = error["problems"][0]
        assert set(problem) == {"file", "line", "field", "expected", "got", "message"}
        assert problem["file"] == str(path)
        assert problem["message"].startswith(f"{path} line 1: title: expected ")


@pytest.mark.parametrize("command", ["plan", "validate", "report"])
def test_an_unknown_replay_answers_in_json(command: str, tiny_path: Path,
                                           tmp_path: Path) -> None:
    args = [command, str(tiny_path), "--replay", "nope"]
    if command == "report":
        args += ["--out", str(tmp_path / "r.html")]
    code, error = json_error(*args)
    assert (code, error["kind"]) == (2, "replay")
    assert "nope" in error["message"] and "history" in error["message"]
    assert run(*args)[0] == 2
    assert not (tmp_path / "r.html").exists()


def test_an_infeasible_plan_answers_in_json(tiny_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def infeasible(*args: Any, **kwargs: Any) -> Any:
        raise PlanError("no plan can satisfy the scenario's fixed amounts together")

    monkeypatch.setattr(planning, "plan", infeasible)
    for command in ("plan", "validate", "report"):
        code, error = json_error(command, str(tiny_path))
        assert (code, error["kind"]) == (1, "plan")
        assert "fixed amounts" in error["message"]
        code, output = run(command, str(tiny_path))
        assert code == 1 and "fixed amounts" in output


def test_output_that_cannot_be_written_answers_in_json(tiny_path: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("", encoding="utf-8")
    code, error = json_error("plan", str(tiny_path), "--export", str(a_file / "out"))
    assert (code, error["kind"], error["path"]) == (2, "output", str(a_file / "out"))
    code, error = json_error("report", str(tiny_path), "--out", str(a_file / "r.html"))
    assert (code, error["kind"]) == (2, "output")
    code, output = run("plan", str(tiny_path), "--export", str(a_file / "out"))
    assert code == 2 and "--export: cannot write" in output
    code, output = run("plan", str(tiny_path), "--out", str(a_file / "plan.json"))
    assert code == 2 and "--out: cannot write" in output


def test_no_output_replaces_a_scenario_file_the_run_read(tmp_path: Path,
                                                          tiny_text: str) -> None:
    """--export into a scenario's folder overwrote its places and routes tables (the next
    check found 154 problems), and --out could write over the scenario file itself."""
    import shutil

    folder = tmp_path / "s"
    shutil.copytree(Path(__file__).parent / "data" / "tables", folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    code, error = json_error("plan", str(folder / "scenario.yaml"), "--export", str(folder))
    assert (code, error["kind"]) == (2, "output")
    assert "routes.geojson is a scenario file this run read" in error["message"]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    scenario = tmp_path / "tiny.json"  # a scenario may be JSON, and --out writes .json
    scenario.write_text(json.dumps(yaml.safe_load(tiny_text), default=str), encoding="utf-8")
    written = scenario.read_bytes()
    code, output = run("plan", str(scenario), "--out", str(scenario))
    assert code == 2 and "it is a scenario file this run reads" in output
    assert "building the LP" not in output  # said before any planning
    assert scenario.read_bytes() == written


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("args", [["check", "tutorial"], ["scenarios", "--json"], ["--help"]])
def test_output_to_a_full_disk_is_said_in_one_line(args: list[str]) -> None:
    """Standard output on a full disk ended in a traceback (OSError: No space left)."""
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = subprocess.run([sys.executable, "-c", "from supplyline.cli import app; app()",
                               *args], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert done.stderr.strip() == ("supplyline: could not write the output: No space left on "
                                   "device"), done.stderr


def test_json_output_is_the_answer_alone_whatever_the_solver_prints(tiny_path: Path) -> None:
    """HiGHS's PDLP, its log on (--verbose), prints its iterations to standard output from
    compiled code: they came before the JSON, which then could not be read."""
    done = subprocess.run([sys.executable, "-c", "from supplyline.cli import app; app()",
                           "plan", str(tiny_path), "--solver", "pdlp", "--json", "--verbose"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True
    assert "cuPDLP" in done.stderr  # (the solver's log, where --verbose sends it)


def test_with_standard_output_closed_the_lost_answer_is_said() -> None:
    """A process started with standard output closed has none (sys.stdout is None): a plan
    failed at HiGHS's banner with code 1 and not a word; with the answer nowhere to go,
    that is said at once. The library plans all the same."""
    closed = {"stderr": subprocess.PIPE, "text": True, "timeout": 300, "check": False,
              "preexec_fn": lambda: os.close(1)}
    done = subprocess.run([sys.executable, "-c", "from supplyline.cli import app; app()",
                           "plan", "tutorial", "--json"], **closed)
    assert done.returncode == 1
    assert done.stderr == "supplyline: could not write the output: standard output is closed\n"
    done = subprocess.run([sys.executable, "-c", "import sys, supplyline as sl; plan = "
                           "sl.plan(sl.load('tutorial'), days=3); print(plan.status, "
                           "file=sys.stderr)"], **closed)
    assert (done.returncode, done.stderr.strip()) == (0, "optimal"), done.stderr


def test_a_folder_in_use_answers_in_json(tiny_path: Path, tmp_path: Path) -> None:
    with output_files(tmp_path):  # another run writing there
        code, error = json_error("plan", str(tiny_path), "--export", str(tmp_path))
        assert (code, error["kind"]) == (1, "busy")
        code, output = run("report", str(tiny_path), "--out", str(tmp_path / "r.html"))
        assert code == 1 and "another run" in output
        # (the run writing there may be writing another file: the folder is what is held)
        code, error = json_error("report", str(tiny_path), "--out", str(tmp_path / "r.html"))
        assert error["message"].startswith(
            f"--out: cannot write {tmp_path / 'r.html'}: another run is writing into its "
            f"folder {str(tmp_path)!r}")
    assert list(tmp_path.iterdir()) == []


def test_an_unexpected_error_still_answers_in_json(tiny_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OverflowError("math range error")

    monkeypatch.setattr(planning, "plan", broken)
    code, error = json_error("plan", str(tiny_path))
    assert (code, error["kind"]) == (1, "internal")
    assert "OverflowError" in error["message"]


def test_validation_failures_answer_in_json(tiny_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    original = planning.compare

    def far_off(result: Any, observed: Any) -> Any:
        return dataclasses.replace(original(result, observed), passed=False, input_reason="")

    monkeypatch.setattr(planning, "compare", far_off)
    code, output = run("validate", str(tiny_path), "--json")
    answer = json.loads(output)
    assert code == 1
    assert answer["ok"] is False and answer["error"]["kind"] == "validation"
    assert answer["figures"][0]["passed"] is False


def test_the_json_verdict_counts_computed_figures_only(tiny_path: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Figures set by the inputs are shown, never tested: the verdict's count leaves them
    out, as the table's does."""
    doc = yaml.safe_load(tiny_path.read_text())
    doc["observed"].append({"id": "days", "metric": {"kind": "days_from",
                                                     "start": str(doc["start_date"])},
                            "value": 1, "unit": "day", "source": "estimate: for the tests",
                            "replay": "history"})
    two = tmp_path / "two.yaml"
    two.write_text(yaml.safe_dump(doc))
    original = planning.compare
    seen: list[str] = []

    def one_fails_rest_inputs(result: Any, observed: Any) -> Any:
        value = original(result, observed)
        seen.append(value.id)
        if len(seen) == 1:
            return dataclasses.replace(value, passed=False, input_reason="")
        return dataclasses.replace(value, input_reason="set by the inputs")

    monkeypatch.setattr(planning, "compare", one_fails_rest_inputs)
    code, output = run("validate", str(two), "--json")
    answer = json.loads(output)
    assert code == 1 and len(answer["figures"]) == len(seen) >= 2
    assert answer["error"]["message"] == "1 of 1 computed figures outside their tolerance"


# -- validate with nothing to compare -----------------------------------------------------------


def test_validate_with_no_observed_figures_says_so_and_exits_0(tmp_path: Path,
                                                               tiny_text: str) -> None:
    path = tmp_path / "unobserved.yaml"
    path.write_text(tiny_text[: tiny_text.index("observed:")], encoding="utf-8")
    code, output = run("validate", str(path))
    assert code == 0
    assert "no observed figures" in output
    code, output = run("validate", str(path), "--replay", "history", "--json")
    assert code == 0
    answer = json.loads(output)
    assert answer["ok"] is True and answer["figures"] == []
    assert "replay history" in answer["message"]


def test_validate_the_plain_plan_of_a_file_observed_only_under_a_replay(tiny_path: Path) -> None:
    # tiny's one figure is for replay 'history': validating 'history' compares it
    code, output = run("validate", str(tiny_path), "--replay", "history", "--json")
    assert code in (0, 1)
    assert [f["id"] for f in json.loads(output)["figures"]] == ["northwest-share"]


# -- time limit and Ctrl-C -------------------------------------------------------------------


def test_the_time_limit_reaches_the_solver(tiny_path: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    limits: list[float | None] = []

    def stop(*args: Any, time_limit_s: float | None = None, **kwargs: Any) -> Any:
        limits.append(time_limit_s)
        raise PlanError("the optimizer reached its time limit")

    monkeypatch.setattr(planning, "plan", stop)
    run("plan", str(tiny_path))
    run("validate", str(tiny_path), "--time-limit", "12.5")
    run("report", str(tiny_path), "--time-limit", "0", "--out", str(tmp_path / "r.html"))
    assert limits == [DEFAULT_TIME_LIMIT_S, 12.5, None]
    assert DEFAULT_TIME_LIMIT_S == 300
    for command in ("plan", "validate", "report"):
        words = " ".join(run(command, "--help")[1].replace("│", " ").split())
        assert "(default: 300; 0: no limit)" in words


def test_ctrl_c_during_the_solve_ends_cleanly(tiny_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(planning, "plan", interrupted)
    code, output = run("plan", str(tiny_path))
    assert (code, output.strip()) == (1, "interrupted")
    code, error = json_error("plan", str(tiny_path))
    assert (code, error["kind"]) == (1, "interrupted")


def test_ctrl_c_stops_a_long_solve_at_once(tmp_path: Path, tiny_text: str) -> None:
    """Three years of the tiny scenario take HiGHS minutes (one year, seconds); SIGINT ends
    the run within seconds. (Over such a horizon the villages eat what its replay asks them
    to give: it goes.)"""
    path = tmp_path / "years.yaml"
    year = tiny_text.replace("end_date: 1954-03-10", "end_date: 1957-02-28")
    path.write_text(year[:year.index("replays:")] + year[year.index("observed:"):],
                    encoding="utf-8")
    out = tmp_path / "out"
    # As a terminal's Ctrl-C finds it: Python's own handler of SIGINT, whatever the test
    # runner's process left to its children (a child that inherits SIGINT ignored gets no
    # handler at all). The signal is sent once the solve is under way.
    start = ("import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
             "from supplyline.cli import app; app()")
    process = subprocess.Popen(
        [sys.executable, "-c", start, "plan", str(path), "--export", str(out), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert process.stderr is not None
        said = ""
        while "solving" not in said and process.poll() is None:
            said = process.stderr.readline()
        time.sleep(2)
        process.send_signal(signal.SIGINT)
        sent = time.perf_counter()
        stdout, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
        process.wait()
    assert time.perf_counter() - sent < 5
    assert process.returncode == 1, stderr
    assert json.loads(stdout)["error"]["kind"] == "interrupted"
    assert "Traceback" not in stderr
    assert not out.exists()


def test_json_output_escapes_terminal_controls_and_keeps_the_text(
    capsys: pytest.CaptureFixture[str],
) -> None:
    name = "a\x1b[2J\x9b\u202eb [/red]"
    print_json({"name": name})
    printed = capsys.readouterr().out
    for raw in ("\x1b", "\x9b", "\u202e"):
        assert raw not in printed
    assert json.loads(printed) == {"name": name}


def test_the_file_size_limit_is_raised_or_lifted_from_the_environment(
    tmp_path: Path, tiny_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.yaml"
    big.write_text(tiny_text + "\n# " + "x" * 200_000 + "\n", encoding="utf-8")
    runner = CliRunner()
    monkeypatch.setenv("SUPPLYLINE_MAX_FILE_MB", "0.1")
    refused = runner.invoke(app, ["check", str(big)])
    assert refused.exit_code == 2
    assert "SUPPLYLINE_MAX_FILE_MB" in refused.output
    monkeypatch.setenv("SUPPLYLINE_MAX_FILE_MB", "1")
    assert runner.invoke(app, ["check", str(big)]).exit_code == 0
    for wrong in ("lots", "-5", "inf"):
        monkeypatch.setenv("SUPPLYLINE_MAX_FILE_MB", wrong)
        bad = runner.invoke(app, ["check", str(big), "--json"])
        assert bad.exit_code == 2
        error = json.loads(bad.stdout)["error"]
        assert error["kind"] == "usage" and "SUPPLYLINE_MAX_FILE_MB" in error["message"]


def test_an_export_that_is_a_file_is_refused_before_any_work(tmp_path: Path) -> None:
    taken = tmp_path / "afile"
    taken.write_text("mine", encoding="utf-8")
    for command in ("plan", "report", "simulate", "resilience"):
        code, error = json_error(command, "tutorial", "--export", str(taken))
        assert code == 2 and error["kind"] == "usage", (command, error)
        assert error["message"] == (f"--export: expected a folder (new or existing), got "
                                    f"{str(taken)!r}, a file")
    assert taken.read_text(encoding="utf-8") == "mine"


def test_an_export_blocked_by_one_file_names_it_and_writes_none(tmp_path: Path) -> None:
    """A folder where plan.json is to go: 14 of the 15 files were put in place before the
    last failed, and the message named the export's folder, not the file."""
    folder = tmp_path / "out"
    (folder / "plan.json").mkdir(parents=True)
    code, error = json_error("plan", "tutorial", "--export", str(folder))
    assert (code, error["kind"]) == (2, "output")
    assert error["message"] == f"--export: cannot write {folder / 'plan.json'}: Is a directory"
    assert sorted(p.name for p in folder.iterdir()) == ["plan.json"]


@pytest.mark.parametrize(("args", "says"), [
    (["plan", "tutorial", "--days", "5", "--days=6"], "--days: expected once, got 2 times "
                                                      "('5', '6')"),
    (["plan", "tutorial", "--replay", "nope", "--replay", "pledged"], "--replay: expected once"),
    (["report", "tutorial", "-o", "a.html", "--out", "b.html"], "--out: expected once"),
    # (a short option's value written on to it: b.json was written, a.json dropped)
    (["plan", "tutorial", "-o", "a.json", "-ob.json"], "--out: expected once, got 2 times "
                                                      "('a.json', 'b.json')"),
    (["plan", "tutorial", "-o", "a.json", "-vo", "b.json"], "--out: expected once, got 2 "
                                                           "times ('a.json', 'b.json')"),
    # Both sides of an on/off flag: the last had won without a word.
    (["simulate", "tutorial", "--runs", "5", "--no-threats", "--threats"],
     "--no-threats, --threats: expected one of them, got both"),
    (["plan", "tutorial", "--risk", "0.5", "--unit-losses", "--no-unit-losses"],
     "--unit-losses, --no-unit-losses: expected one of them, got both"),
])
def test_an_option_given_twice_is_refused_before_anything_runs(args: list[str],
                                                                says: str) -> None:
    """Click kept the last of the two and said nothing: the first was silently dropped."""
    for json_output in (False, True):
        got = runner.invoke(app, [*args, *(["--json"] if json_output else [])])
        assert got.exit_code == 2, got.output
        assert says in (json.loads(got.stdout)["error"]["message"] if json_output
                        else got.output)
        assert "Planning" not in got.output and "solving" not in got.output


def test_an_option_that_takes_several_values_may_be_given_twice(tmp_path: Path) -> None:
    """``sweep --vary`` is given once per path, and is not counted; nor is a flag."""
    got = runner.invoke(app, ["sweep", "tutorial", "--vary", "modes.porter.payload_kg=1:2:1",
                              "--vary", "modes.porter.payload_kg=3", "--json", "--json"])
    assert got.exit_code == 2 and "expected once" not in got.output
    # (the same side of an on/off flag twice says one thing)
    assert "expected one of them" not in runner.invoke(
        app, ["simulate", "tutorial", "--days", "2", "--runs", "2", "--threats", "--threats",
              "--json"]).output
    assert "modes.porter.payload_kg" in got.output  # the sweep's own check, not ours


@pytest.mark.parametrize(("args", "says"), [
    (["plan", "tutorial", "--days"], "--days: expected a value, got nothing"),
    (["plan", "tutorial", "--compare-daily=yes"],
     "--compare-daily: expected no value (a flag takes none), got one"),
])
def test_an_option_without_its_value_is_said_as_every_usage_error_is(args: list[str],
                                                                     says: str) -> None:
    """Click's own words had come through: "Option '--days' requires an argument."."""
    got = runner.invoke(app, args)
    assert got.exit_code == 2
    assert says in got.output and "Option '" not in got.output
