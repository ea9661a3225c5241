"""Sweeps: --vary options, their errors, and the variants run on a Dask cluster (the same
figures as the plans made one by one, whatever happens to a worker)."""

from __future__ import annotations

import html
import json
import os
import re
import shlex
import signal
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

import supplyline as sl
from supplyline.cli import app
from supplyline.report.compare import KPIS, plan_record
from supplyline.sweep import VaryError, make_variants, parse_vary
from supplyline.sweep.run import HTTP_ADDRESS, SweepOptions, run_sweep

distributed = pytest.importorskip("distributed")

runner = CliRunner()
TUTORIAL = "supplyline/scenario/builtin/tutorial.yaml"
DOC = Path(__file__).parent.parent / "docs" / "sweep.md"
EIGHT = ["modes.porter.payload_kg=20,25",
         "threats.air[0].windows[*].day_probability=0.2,0.5",
         "modes.bicycle.payload_kg=100:120:20"]


def line_of(needle: str) -> int:
    text = (Path(sl.__file__).parent / "scenario/builtin/tutorial.yaml").read_text("utf-8")
    return text.count("\n", 0, text.index(needle)) + 1


# -- --vary ----------------------------------------------------------------------------------


def test_values_are_ranges_with_their_end_or_lists() -> None:
    assert parse_vary("modes.porter.payload_kg=15:30:5").values == (15, 20, 25, 30)
    assert parse_vary("x.y=0.1:0.3:0.1").values == (0.1, 0.2, 0.3)
    assert parse_vary("x.y=0.2,0.5,0.8").values == (0.2, 0.5, 0.8)
    assert parse_vary("x.y=porter,true,2024-11-05").values == ("porter", True, "2024-11-05")
    # The path as it reads (a space let through named the table's column with it).
    assert parse_vary("modes.porter. payload_kg=1").path == "modes.porter.payload_kg"
    # Read as a scenario file reads a value: YAML 1.2's numbers (0750 was 488 and 0800 text,
    # 1e1 text), and base 60 stays text for validation to refuse.
    assert parse_vary("x.y=0750,0800,1e1").values == (750, 800, 10.0)
    assert parse_vary("x.y=1:30,2").values == ("1:30", 2)
    # One value written two ways is one value (20 and 20.0 ran as two identical variants).
    with pytest.raises(VaryError, match="each value once"):
        parse_vary("x.y=20,20.0")
    assert parse_vary("x.y=1,true").values == (1, True)
    # A number beyond floats was read as inf and said as "=inf"; in a range, a traceback.
    for spec, expected in (("1e400", "finite numbers ('1e400' reads as inf)"),
                           ("2,-.inf", "finite numbers ('-.inf' reads as -inf)"),
                           (".nan", "finite numbers ('.nan' reads as nan)"),
                           ("1:1e400:1", "finite numbers in START:STOP:STEP")):
        with pytest.raises(VaryError) as caught:
            parse_vary(f"x.y={spec}")
        (problem,) = caught.value.problems
        assert (problem.field, problem.expected, problem.got) == ("(values)", expected,
                                                                   repr(spec))


def test_a_range_of_too_many_or_of_the_same_values_is_refused() -> None:
    """A STEP of 1e-300 was a traceback (OverflowError), and a STEP below the 12 digits a
    value is read to gave 11 variants of 20.0, each planned."""
    for spec, expected in (("1:1e300:1e-300", "at most 10,000 values in a range"),
                           ("20:20.00000000001:1e-12", "each value once (values are read to "
                            "12 significant digits: a larger STEP)")):
        with pytest.raises(VaryError) as caught:
            parse_vary(f"modes.porter.payload_kg={spec}")
        (problem,) = caught.value.problems
        assert (problem.field, problem.expected) == ("(values)", expected)


def test_values_valid_only_together_are_checked_together() -> None:
    """daily_start_days needs step_days > 1: varied beside a step_days that gives it, each
    value was refused alone against the file (whose step_days is 1)."""
    base = sl.load("tutorial")
    both = make_variants(base, [parse_vary("policy.step_days=3"),
                                parse_vary("policy.daily_start_days=5,10")], "tutorial")
    assert [v.scenario.policy.daily_start_days for v in both] == [5, 10]
    # Where a combination does not give it, that combination is said, with its values.
    with pytest.raises(VaryError) as caught:
        make_variants(base, [parse_vary("policy.step_days=1,3"),
                             parse_vary("policy.daily_start_days=5")], "tutorial")
    (problem,) = caught.value.problems
    assert problem.option == "policy.step_days=1, policy.daily_start_days=5"
    assert problem.expected.startswith("daily_start_days only with step_days > 1")
    # Alone, as before: refused with its own option.
    with pytest.raises(VaryError) as caught:
        make_variants(base, [parse_vary("policy.daily_start_days=5")], "tutorial")
    assert caught.value.problems[0].option == "policy.daily_start_days=5"
    # Refused alike in many combinations: the first three, then how many more (51 lines;
    # daily_start_days with a step of 1, whatever the margin: a problem of the daily start
    # alone is said once, at its own option, as above).
    with pytest.raises(VaryError) as caught:
        make_variants(base, [parse_vary("policy.step_days=1,3"),
                             parse_vary("policy.daily_start_days=5"),
                             parse_vary("policy.capacity_safety_margin=0:0.5:0.01")],
                      "tutorial")
    assert len(caught.value.problems) == 4
    assert caught.value.problems[-1].got == "48 more combinations refused alike"


def test_steps_longer_than_the_horizon_are_refused_in_a_variant_and_a_what_if() -> None:
    """check refused step_days 50 on a 30-day horizon in a file; a sweep's variant and
    Scenario.replace took it (and planned otherwise)."""
    base = sl.load("tutorial")
    with pytest.raises(VaryError) as caught:
        make_variants(base, [parse_vary("policy.step_days=50")], "tutorial")
    (problem,) = caught.value.problems
    assert (problem.field, problem.expected) == (
        "policy.step_days", "at most 30 (the horizon is 30 days: more is never used)")
    with pytest.raises(sl.ScenarioError, match=r"policy\.daily_start_days: expected at most "
                                               r"29"):
        base.replace({"policy.step_days": 3, "policy.daily_start_days": 40})
    # A plan of the first days keeps the scenario's steps (they are cut to it).
    assert sl.plan(base, days=5, step_days=3).status == "optimal"


def test_every_combination_is_a_validated_variant() -> None:
    base = sl.load("tutorial")
    variants = make_variants(base, [parse_vary(t) for t in EIGHT], "tutorial")
    assert len(variants) == 8
    seen = {(v.scenario.modes[0].payload_kg, v.scenario.threats.air[0].windows[0]
             .day_probability, v.scenario.modes[1].payload_kg) for v in variants}
    assert seen == {(p, q, b) for p in (20, 25) for q in (0.2, 0.5) for b in (100, 120)}
    assert variants[3].settings == {"modes.porter.payload_kg": 20,
                                    "threats.air[0].windows[*].day_probability": 0.5,
                                    "modes.bicycle.payload_kg": 120}
    # Only what was varied changes.
    assert variants[0].scenario.routes == base.routes
    assert variants[0].scenario.places == base.places


@pytest.mark.parametrize(("option", "field", "expected", "line"), [
    ("modes.portr.payload_kg=15:30:5", "modes.portr", "the id of an element of modes "
     "(porter, bicycle)", None),
    ("threats.air[2].windows[*].day_probability=0.5", "threats.air[2]", "an index below 1",
     None),
    ("modes.porter.payload_kg.kg=5", "modes.porter.payload_kg.kg", "a section at "
     "modes.porter.payload_kg", None),
    ("modes.porter.payload_kg=20,-5", "modes.porter.payload_kg", "a number > 0",
     "payload_kg: 25"),
    ("threats.air[0].windows[*].day_probability=0.5,2", "threats.air[0].windows[0]"
     ".day_probability", "a number from 0 to 1", "day_probability: 0.2"),
    ("modes.porter.payload_kgg=20", "modes.porter.payload_kgg", "did you mean 'payload_kg'", None),
    ("routes.gorge-path.modes[0]=truck", "routes.gorge-path.modes[0]",
     "one of the scenario's modes (porter, bicycle)", None),
    ("modes.porter.payload_kg=30:15:5", "(values)", "STOP at least START", None),
    ("modes.porter.payload_kg", "(option)", "PATH=VALUES", None),
])
def test_bad_paths_and_values_are_located_errors_before_anything_runs(
        option: str, field: str, expected: str, line: str | None, tmp_path: Path) -> None:
    out = tmp_path / "sweep.parquet"
    result = runner.invoke(app, ["sweep", "tutorial", "--vary", "policy.labour_share=0.2,0.3",
                                 "--vary", option, "--out", str(out), "--json"])
    assert result.exit_code == 2, result.output
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "vary"
    assert "nothing was run" in error["message"]
    problem = next(p for p in error["problems"] if p["field"] == field)
    assert expected in problem["expected"]
    if line is not None:
        assert problem["file"] == TUTORIAL
        assert problem["line"] == line_of(line)
    assert not out.exists()


def test_a_refused_value_of_a_table_is_said_at_its_row() -> None:
    """A route's length in routes.csv (or .geojson) was said of the YAML file, at no line."""
    tables = Path(__file__).parent / "data" / "tables"
    for scenario, table, line in (("scenario-geo.yaml", "routes.csv", 4),
                                  ("scenario.yaml", "routes.geojson", 16)):
        result = runner.invoke(app, ["sweep", str(tables / scenario), "--vary",
                                     "routes.long-trail.length_km=40,-1", "--json"])
        assert result.exit_code == 2, result.output
        (problem,) = json.loads(result.stdout)["error"]["problems"]
        assert problem["field"].endswith(".length_km")
        assert (problem["file"], problem["line"]) == (str(tables / table), line)


@pytest.mark.parametrize("option", ["policy.step_days=0", "costs.wage_per_person_day=-1"])
def test_a_refused_value_the_file_does_not_write_names_no_line_of_it(option: str) -> None:
    """A default (step_days) or a section the file leaves out (costs) was located at the
    nearest line the file writes: the first line of the policy, the scenario's name."""
    result = runner.invoke(app, ["sweep", "tutorial", "--vary", option, "--json"])
    assert result.exit_code == 2, result.output
    (problem,) = json.loads(result.stdout)["error"]["problems"]
    assert problem["field"] == option.split("=")[0] and problem["line"] is None


def test_options_that_cannot_apply_are_usage_errors(tmp_path: Path) -> None:
    for extra in (["--scheduler", "tcp://127.0.0.1:9", "--workers", "2"],
                  ["--scheduler", "tcp://127.0.0.1:99999"],
                  ["--out", str(tmp_path / "table.csv")], ["-o", str(tmp_path / "table.csv")],
                  ["--report", str(tmp_path / "page.pdf")],
                  ["--solver", "fast"]):
        result = runner.invoke(app, ["sweep", "tutorial", "--vary",
                                     "modes.porter.payload_kg=20", *extra, "--json"])
        assert result.exit_code == 2, (extra, result.output)
        assert json.loads(result.stdout)["error"]["kind"] == "usage"
    # A scheduler inside one process (inproc://) is never one this command can reach: it
    # was offered among the schemes, then tried ("an answer that is not Dask's").
    result = runner.invoke(app, ["sweep", "tutorial", "--vary", "modes.porter.payload_kg=20",
                                 "--scheduler", "inproc://127.0.0.1/1/1", "--json"])
    message = json.loads(result.stdout)["error"]["message"]
    assert result.exit_code == 2 and "not 'inproc'" in message, message
    assert "inproc," not in message and "tcp" in message


def test_outputs_that_cannot_be_written_are_said_before_anything_runs(tmp_path: Path) -> None:
    """A --out that is a folder, or a --report under a file, was found only once every
    variant had run, and every result was lost with it."""
    (tmp_path / "taken.parquet").mkdir()
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    for extra in (["--out", str(tmp_path / "taken.parquet")],
                  ["--report", str(tmp_path / "notes.txt" / "page.html")]):
        result = runner.invoke(app, ["sweep", "tutorial", "--vary",
                                     "modes.porter.payload_kg=20", *extra, "--json"])
        assert result.exit_code == 2, (extra, result.output)
        error = json.loads(result.stdout)["error"]
        assert error["kind"] == "output"
        assert ("it is a folder" in error["message"]
                or "is a file, not a folder" in error["message"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "taken.parquet"]


def test_an_interrupted_sweep_lists_only_what_ran(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C after 6 of 110 variants printed a 7-line block of 'not run' for each of the
    104 others; only the variants that ran are listed (the closing line counts the rest)."""
    import io

    from rich.console import Console

    import supplyline.cli as cli

    variants = make_variants(sl.load("tutorial"),
                             [parse_vary("modes.porter.payload_kg=15:30:5")], "tutorial")
    record = {"status": "ok", "delivered_t": 57.8, "shortfall_t": 0.0, "mobilized_t": 61.5,
              "labour_days": 1636.0}
    console = Console(file=io.StringIO(), width=80, record=True)
    monkeypatch.setattr(cli.common, "stdout", console)
    cli.sweep._print_sweep(variants, {0: record, 2: {**record, "status": "failed"}})
    text = console.export_text()
    assert "not run" not in text and "failed" in text
    rows = [line.split()[0] for line in text.splitlines() if line[:1].isdigit()]
    assert rows == ["0", "2"]
    # Stopped before any variant ended: no empty table (its title and rule alone).
    console = Console(file=io.StringIO(), width=80, record=True)
    monkeypatch.setattr(cli.common, "stdout", console)
    cli.sweep._print_sweep(variants, {})
    assert console.export_text() == ""
    # Its exit code is said, as every command's on Ctrl-C (1).
    said = " ".join(runner.invoke(app, ["sweep", "--help"], env={"COLUMNS": "200"})
                    .stdout.split())
    assert "or when Ctrl-C stopped the sweep" in said


@pytest.mark.parametrize("options", [
    ["modes.porter.payload_kg=20,25", "threats.air[0].windows[*].day_probability=0.2,0.5"],
    ["modes.porter.payload_kg=20,25", "modes.bicycle.payload_kg=100,120"],
    EIGHT,
    [*EIGHT, "places.high-village.stock_kg.rice=26200", "policy.labour_share=0.3",
     "routes.ridge-road.capacity_movements_per_day=400"],
])
@pytest.mark.parametrize("simulated", [False, True])
def test_the_table_of_variants_fits_80_columns(options: list[str], simulated: bool,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """With --simulate, or two varied paths, the table became a list of 'header: value'
    lines per variant at 80 columns: it is one table where it fits, else the values and
    the figures in two tables by variant number (the values in words where even they are
    too wide), every variant on one line of each."""
    import io

    from rich.console import Console

    import supplyline.cli as cli

    variants = make_variants(sl.load("tutorial"), [parse_vary(o) for o in options])
    record: dict[str, Any] = {"status": "ok", "delivered_t": 1234.5, "shortfall_t": 12.3,
                              "mobilized_t": 1300.0, "labour_days": 16360.0}
    expected = ["1,234.5", "12.3", "1,300.0", "16,360"]
    if simulated:
        record.update(sim_p_any_shortfall=0.95, sim_shortfall_t=13.7)
        expected += ["95.0", "13.7"]  # (to its decimals, as the report gives it)
    records = {v.index: record for v in variants}
    records[1] = {"status": "failed"}
    console = Console(file=io.StringIO(), width=80, record=True)
    monkeypatch.setattr(cli.common, "stdout", console)
    cli.sweep._print_sweep(variants, records)
    lines = console.export_text().splitlines()
    assert max(len(line) for line in lines) <= 80, "\n".join(lines)
    assert not any(line.lstrip().startswith("•") for line in lines), "\n".join(lines)
    figures = [line.split() for line in lines if re.match(r"\d+ .*1,234\.5", line)]
    assert [row[0] for row in figures] == [str(v.index) for v in variants if v.index != 1]
    assert all(row[-len(expected):] == expected for row in figures)
    if simulated:
        assert any(line.startswith("P(short) %: the share of the simulated runs")
                   for line in lines)
    assert any(re.match(r"1 .*failed", line) for line in lines)
    # Each variant's values are said too.
    shown = "\n".join(lines)
    for v in variants:
        assert re.search(rf"^{v.index} ", shown, re.M)


def test_a_solver_that_cannot_run_is_named_as_written() -> None:
    """sweep --solver cuopt said "solver <Solver.cuopt: 'cuopt'> cannot run here"."""
    from supplyline.errors import PlanError
    from supplyline.plan.solvers import check_solver

    try:
        check_solver("cuopt")
    except PlanError:
        pass
    else:
        pytest.skip("cuOpt runs here")
    result = runner.invoke(app, ["sweep", "tutorial", "--vary", "modes.porter.payload_kg=20",
                                 "--solver", "cuopt", "--json"])
    assert result.exit_code == 2
    message = json.loads(result.stdout)["error"]["message"]
    assert message.startswith("--solver: solver 'cuopt' cannot run here"), message


@pytest.mark.parametrize(("vary", "option"), [
    ("policy.step_days=2,5", ["--step-days", "3"]),
    ("policy.daily_start_days=0,5", ["--step-days", "1"]),
    ("end_date=2024-11-20,2024-11-25", ["--days", "10"]),
])
def test_a_vary_the_sweeps_own_option_would_undo_is_refused(vary: str, option: list[str]
                                                            ) -> None:
    """--step-days set every variant's steps, so --vary policy.step_days=2,5 planned the
    same plan twice, labelled 2 and 5 (and --days every variant's end)."""
    result = runner.invoke(app, ["sweep", "tutorial", "--vary", vary, *option, "--json"])
    assert result.exit_code == 2, result.output
    problem = json.loads(result.stdout)["error"]["problems"][0]
    assert problem["field"] == vary.partition("=")[0]
    assert problem["got"].startswith(option[0]) and problem["got"].endswith("as well")


def test_problems_are_the_first_lines_on_standard_error() -> None:
    """Off a terminal a progress bar, even unused, ended with an empty line before the
    problems."""
    result = runner.invoke(app, ["sweep", "tutorial", "--vary", "modes.porter.payload_kgg=1"])
    assert result.exit_code == 2
    assert result.stderr.startswith("--vary modes.porter.payload_kgg=1: ")


def test_run_sweep_writes_only_parquet(tmp_path: Path) -> None:
    """run_sweep(variants, "x.csv") wrote Parquet under a .csv name."""
    with pytest.raises(ValueError, match=r"ending in \.parquet"):
        run_sweep([], tmp_path / "x.csv")
    assert not list(tmp_path.iterdir())


def test_varied_paths_go_by_as_much_of_their_end_as_tells_them_apart() -> None:
    """Two payloads were both called by their whole paths (the terminal's table then fell
    back to a list at 80 columns); each now goes by the parts that tell it apart."""
    from supplyline.sweep.vary import short_names

    assert short_names(["modes.porter.payload_kg", "modes.bicycle.payload_kg",
                        "threats.air[0].windows[*].day_probability"]) == [
        "porter.payload_kg", "bicycle.payload_kg", "day_probability"]
    assert short_names(["a.x", "a.x"]) == ["a.x", "a.x"]  # (never varied twice: refused)


def test_many_values_refused_alike_are_said_in_one_line() -> None:
    """-500:0:1 gave 501 lines alike: the first values are said one by one, the rest in one
    line that says how many and which (51 values here)."""
    from supplyline.sweep.vary import SAID_VALUES

    with pytest.raises(VaryError) as caught:
        make_variants(sl.load("tutorial"), [parse_vary("modes.porter.payload_kg=-50:0:1")],
                      "tutorial")
    problems = caught.value.problems
    assert len(problems) == SAID_VALUES + 1
    assert problems[-1].got == "48 more values refused alike (-47 to 0)"


def test_checking_the_variants_reports_its_progress() -> None:
    """Tens of thousands of variants took minutes to check, in silence."""
    seen: list[tuple[int, int]] = []
    variants = make_variants(sl.load("tutorial"),
                             [parse_vary("modes.porter.payload_kg=15:30:5")], "tutorial",
                             progress=lambda done, total: seen.append((done, total)))
    assert seen == [(i + 1, len(variants)) for i in range(len(variants))]


def test_variants_are_checked_up_front_but_not_kept() -> None:
    """A sweep of 90,000 variants held every validated scenario (3.3 GB) before it ran:
    each is still validated before anything runs, but only its values are kept, and its
    scenario is built again when it is asked for."""
    import gc

    def live_scenarios() -> int:
        gc.collect()
        return sum(isinstance(o, sl.Scenario) for o in gc.get_objects())

    base = sl.load("tutorial")
    before = live_scenarios()
    variants = make_variants(base, [parse_vary("modes.porter.payload_kg=15:30:1"),
                                    parse_vary("modes.bicycle.payload_kg=100,120")],
                             "tutorial", days=5)
    assert len(variants) == 32
    assert live_scenarios() == before  # none kept, whatever the number of variants
    from supplyline.sweep.vary import Variants

    assert isinstance(variants, Variants)
    # Made when asked for, in the order of the combinations, from the front or the back.
    assert variants[3].settings == {"modes.porter.payload_kg": 16,
                                    "modes.bicycle.payload_kg": 120}
    assert variants[-1].index == 31 and [v.index for v in variants[2:4]] == [2, 3]
    assert [v.settings for v in variants] == [variants[i].settings for i in range(32)]
    with pytest.raises(IndexError):
        variants[32]
    # The scenario, validated and cut to its days, as a variant kept whole gave it.
    scenario = variants[3].scenario
    assert (scenario.modes[0].payload_kg, scenario.modes[1].payload_kg) == (16, 120)
    assert scenario.days == 5 and scenario.routes == base.routes
    del scenario
    assert live_scenarios() == before
    # A problem in any one combination is still said before anything runs.
    with pytest.raises(VaryError, match="end=2024-11-10"):
        make_variants(base, [parse_vary("threats.air[0].windows[0].start=2024-11-01,"
                                        "2024-11-20"),
                             parse_vary("threats.air[0].windows[0].end=2024-11-30,"
                                        "2024-11-10")])


def test_a_field_that_does_not_exist_is_said_once_not_once_per_value() -> None:
    with pytest.raises(VaryError) as caught:
        make_variants(sl.load("tutorial"), [parse_vary("modes.porter.payload_kgg=20,25,30")])
    (problem,) = caught.value.problems
    assert problem.field == "modes.porter.payload_kgg" and "payload_kg" in problem.expected


def test_a_variant_may_ask_what_a_file_may_not_say() -> None:
    """No bicycle at all is a question to ask of a sweep, though a file that owns none and
    lists them on routes is a check error (they could never be used)."""
    variants = make_variants(sl.load("tutorial"), [
        parse_vary("places.river-village.carriers.bicycle=0,40"),
        parse_vary("places.far-village.carriers.bicycle=0")])
    owners = [sum(p.carriers.get("bicycle", 0) for p in v.scenario.places) for v in variants]
    assert owners == [0, 40]


@pytest.mark.parametrize(("option", "field", "expected", "got"), [
    ('modes.porter.payload_kg=25,"25"', "modes.porter.payload_kg",
     "a number, written without quotes", "'25'"),
    ("routes.ridge-road.air_exposed=yes", "routes.ridge-road.air_exposed", "true or false",
     "'yes'"),
    ("routes.ridge-road.air_exposed=1", "routes.ridge-road.air_exposed", "true or false", "1"),
    ("modes.porter.payload_kg=2_5,30", "modes.porter.payload_kg",
     "a number, its digits not grouped by '_' (text in YAML 1.2)", "'2_5'"),
])
def test_a_value_a_file_may_not_write_is_refused_in_a_variant(option: str, field: str,
                                                              expected: str, got: str) -> None:
    """A quoted number, a word for true or a number for true passed the schema's lax
    reading: the Parquet columns became text ('25', 'yes') and "25" planned 25 again. A
    number grouped by '_' is text in YAML 1.2, and said so (not to write it unquoted)."""
    with pytest.raises(VaryError) as caught:
        make_variants(sl.load("tutorial"), [parse_vary(option)], "tutorial")
    (problem,) = caught.value.problems
    assert (problem.field, problem.expected, problem.got) == (field, expected, got)


def test_a_quoted_number_for_a_value_of_a_table_is_refused_too() -> None:
    """The check skipped values a CSV or GeoJSON table writes: "12" passed for a route's
    length read from routes.geojson."""
    from tests.scenario.helpers import DATA

    file = DATA / "tables" / "scenario.yaml"
    with pytest.raises(VaryError) as caught:
        make_variants(sl.load(file), [parse_vary('routes[1].length_km="12",15')], file)
    (problem,) = caught.value.problems
    assert (problem.field, problem.got) == ("features[1].properties.length_km", "'12'")
    assert problem.file is not None and problem.file.endswith("routes.geojson")


def test_a_grouped_number_for_a_value_of_a_table_is_said_as_yaml_reads_it() -> None:
    """A --vary value is read as YAML 1.2 reads it, wherever the file keeps the value it
    replaces: 2_000 for a population a CSV table writes was said to be text to a
    spreadsheet."""
    from tests.scenario.helpers import DATA

    file = DATA / "tables" / "scenario.yaml"
    with pytest.raises(VaryError) as caught:
        make_variants(sl.load(file), [parse_vary("places.ban-a.population=2_000,3000")], file)
    (problem,) = caught.value.problems
    assert (problem.expected, problem.got) == (
        "a number, its digits not grouped by '_' (text in YAML 1.2)", "'2_000'")
    assert problem.file is not None and problem.file.endswith("places.csv")


def test_a_variant_may_not_give_carriers_to_a_labour_mode() -> None:
    """A labour mode's units are the locality's people: the carriers a place owns of it are
    never read, so each variant was the same plan (a file that says so is refused)."""
    with pytest.raises(VaryError) as caught:
        make_variants(sl.load("tutorial"),
                      [parse_vary("places.river-village.carriers.porter=0,500")], "tutorial")
    fields = {p.field for p in caught.value.problems}
    assert fields == {"places.river-village.carriers.porter"}


def test_a_value_varied_twice_is_an_error() -> None:
    with pytest.raises(VaryError, match="also set by --vary"):
        make_variants(sl.load("tutorial"), [
            parse_vary("threats.air[0].windows[*].day_probability=0.1,0.2"),
            parse_vary("threats.air[0].windows[0].day_probability=0.3")])


def test_a_value_varied_twice_does_not_hide_a_bad_value() -> None:
    with pytest.raises(VaryError) as caught:
        make_variants(sl.load("tutorial"), [parse_vary("modes.porter.payload_kg=-1"),
                                            parse_vary("modes.porter.payload_kg=2")])
    said = {(p.option, p.got) for p in caught.value.problems}
    assert ("modes.porter.payload_kg=-1", "-1") in said
    assert any("also set by" in got for _option, got in said)


def test_a_variant_whose_replay_cannot_be_given_is_refused_before_anything_runs() -> None:
    """With --replay, each variant's replay must ask no more than its localities can give
    (the planner refuses it; the sweep used to run the others and fail that variant)."""
    vary = [parse_vary("replays.pledged.mobilization[0].kg=20000,90000")]
    with pytest.raises(VaryError) as caught:
        make_variants(sl.load("tutorial"), vary, replay="pledged")
    (problem,) = caught.value.problems
    assert problem.field == "replays.pledged.mobilization[0].kg" and problem.got == "90,000"


def test_a_value_no_plan_reads_is_an_error_before_anything_runs() -> None:
    """Varying a replay the sweep does not plan with, a historical figure or a source gives
    the same plan for every value: each is said at its option (a sweep without --replay
    used to accept a replay that could never be given, and plan every variant alike)."""
    tutorial = sl.load("tutorial")
    with pytest.raises(VaryError) as caught:
        make_variants(tutorial, [parse_vary("replays.pledged.mobilization[0].kg=20000,90000"),
                                 parse_vary("observed[0].value=1,2"),
                                 parse_vary("modes.porter.source=a,b"),
                                 parse_vary("routes.ridge-road.name=A,B"),
                                 parse_vary("places.bridge.lat=1,2")])
    said = {p.field: p for p in caught.value.problems}
    assert set(said) >= {"replays.pledged.mobilization[0].kg", "observed.everyone-fed.value",
                         "modes.porter.source"}
    # A place's position only draws the map (route lengths are given): two identical plans.
    assert any("position on the map (lat)" in p.got for p in caught.value.problems)
    # A route's display name ran two identical plans; a commodity called "name" is read.
    assert any("display name" in p.got for p in caught.value.problems)
    from supplyline.sweep.vary import _unread

    assert _unread({}, ("places", 0, "stock_kg", "name"), None) is None
    assert "scenario's name" in (_unread({}, ("name",), None) or ("", ""))[1]
    assert "--replay pledged" in said["replays.pledged.mobilization[0].kg"].expected
    # A capacity margin where no route has a capacity holds nothing back (check refuses it
    # in a file); where one has, it is read.
    margin = ("policy", "capacity_safety_margin")
    uncapped = {"routes": [{"from": "a", "to": "b"}]}
    assert "no route has a capacity" in (_unread(uncapped, margin, None) or ("", ""))[1]
    assert _unread({"routes": [{"capacity_tonnes_per_day": 5}]}, margin, None) is None
    # ... unless another option gives a route one (it was refused beside such an option).
    assert _unread(uncapped, margin, None, [("routes", 0, "capacity_tonnes_per_day")]) is None
    # The name of the money, and a weight of money where there is none (the tutorial has
    # no costs): each variant was the same plan.
    for option in ("costs.currency=USD,VND", "costs.weight=0,5"):
        with pytest.raises(VaryError, match=r"which no plan reads|where nothing costs money"):
            make_variants(tutorial, [parse_vary(option)])
    paid = [parse_vary("costs.weight=0,5"), parse_vary("costs.wage_per_person_day=0,2")]
    assert len(make_variants(tutorial, paid)) == 4
    assert _unread({"costs": {"prices": [{"per_kg": 3.0}]}}, ("costs", "weight"), None) is None
    assert "validate" in said["observed.everyone-fed.value"].got
    kg = [parse_vary("replays.pledged.mobilization[0].kg=20000,25000")]
    assert len(make_variants(tutorial, kg, replay="pledged")) == 2
    # With [*] over two replays, the one planned varies: the option is read.
    data = tutorial.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["replays"].append({**data["replays"][0], "name": "other"})
    two = sl.Scenario.model_validate(data)
    every = [parse_vary("replays[*].mobilization[0].kg=20000,25000")]
    assert len(make_variants(two, every, replay="pledged")) == 2
    with pytest.raises(VaryError):
        make_variants(two, every)


def test_days_cut_each_variant_after_it_is_validated_whole() -> None:
    """--days 5 leaves the tutorial's later troops and reserve dates outside the horizon:
    each variant is validated as its file would be, then cut, as `plan --days` cuts."""
    tutorial = sl.load("tutorial")
    variants = make_variants(tutorial, [parse_vary("modes.porter.payload_kg=20,25")],
                             days=5)
    assert [v.scenario.days for v in variants] == [5, 5]
    assert [v.scenario.modes[0].payload_kg for v in variants] == [20, 25]
    with pytest.raises(VaryError) as caught:
        make_variants(tutorial, [parse_vary("end_date=2024-11-25,2024-11-30")], days=28)
    (problem,) = caught.value.problems
    assert (problem.option, problem.field, problem.got) == ("end_date=2024-11-25", "--days",
                                                           "28")
    assert problem.expected == "a whole number from 1 to 25 (the scenario's horizon)"


def test_the_error_names_the_combination_that_fails(tmp_path: Path) -> None:
    # Each value is valid alone; together a window would end before it starts.
    result = runner.invoke(app, [
        "sweep", "tutorial", "--out", str(tmp_path / "s.parquet"),
        "--vary", "threats.air[0].windows[0].start=2024-11-01,2024-11-20",
        "--vary", "threats.air[0].windows[0].end=2024-11-10,2024-11-30"])
    assert result.exit_code == 2
    assert ("--vary threats.air[0].windows[0].start=2024-11-20, "
            "threats.air[0].windows[0].end=2024-11-10") in result.output


# -- on a cluster ----------------------------------------------------------------------------


def test_a_local_cluster_says_nothing_where_dasks_usual_port_is_taken() -> None:
    """Its scheduler's web server took Dask's port 8787 and, where that was taken (another
    sweep, a notebook's cluster), warned on standard error amid the progress lines."""
    import socket
    import warnings

    from supplyline.sweep.run import _client

    with socket.socket() as held, warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        with suppress(OSError):  # taken already: all the same
            held.bind(("", 8787))
            held.listen()
        with _client(None, 1, 1) as dask:
            assert len(dask.scheduler_info()["workers"]) == 1
            # On this machine only (a port without a host was served on every network).
            hosts = dask.run_on_scheduler(lambda dask_scheduler: sorted(
                s.getsockname()[0] for s in dask_scheduler.http_server._sockets.values()))
            assert hosts == ["127.0.0.1"]
    assert [str(w.message) for w in said if "8787" in str(w.message)] == []


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """A local cluster of two worker processes (a worker can be killed)."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=HTTP_ADDRESS, silence_logs=50) as cluster, \
            distributed.Client(cluster) as dask:
        yield dask


@pytest.fixture()
def own_client() -> Iterator[Any]:
    """A local cluster of two worker processes of the test's own: one of them is killed,
    and its restart (which may take a minute on a loaded machine) delays no other test."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=HTTP_ADDRESS, silence_logs=50) as cluster, \
            distributed.Client(cluster) as dask:
        yield dask


@pytest.fixture(scope="module")
def eight() -> list[Any]:
    """The eight variants, of the tutorial's first 14 days (0.5 s a plan against 1.9 s for
    its 30 days: these tests are about the sweep, not the plans)."""
    return make_variants(sl.load("tutorial"), [parse_vary(t) for t in EIGHT], "tutorial",
                         days=14)


@pytest.fixture(scope="module")
def one_by_one(eight: list[Any]) -> dict[int, dict[str, Any]]:
    """The eight variants planned here, one after the other."""
    return {v.index: plan_record(sl.plan(v.scenario)) for v in eight}


def same_figures(record: dict[str, Any], expected: dict[str, Any]) -> None:
    for key, _label, _digits in KPIS:
        assert record[key] == pytest.approx(expected[key], rel=1e-6, abs=1e-6), key
    assert record["objective"] == pytest.approx(expected["objective"], rel=1e-9)
    for name in ("mobilized_by_region_t", "route_tonnes"):
        got = dict(record[name])
        assert got.keys() == expected[name].keys()
        for key, value in expected[name].items():
            assert got[key] == pytest.approx(value, rel=1e-6, abs=1e-6), (name, key)
    assert dict(record["route_days_at_capacity"]) == expected["route_days_at_capacity"]


def read_table(path: Path) -> pd.DataFrame:
    table = pd.read_parquet(path)
    assert sorted(table["variant"]) == list(range(8))  # every variant, each once
    return table.set_index("variant").sort_index()


def test_a_sweep_gives_the_figures_of_the_plans_made_one_by_one(
        client: Any, eight: list[Any], one_by_one: dict[int, dict[str, Any]],
        tmp_path: Path) -> None:
    out = tmp_path / "sweep.parquet"
    result = run_sweep(eight, out, client=client, batch=3)
    assert sorted(result.records) == list(range(8)) and not result.failed
    table = read_table(out)
    assert (table["status"] == "ok").all()
    for v in eight:
        row = table.loc[v.index]
        for path, value in v.settings.items():
            assert row[path] == value
        same_figures(result.records[v.index], one_by_one[v.index])
        same_figures(row.to_dict(), one_by_one[v.index])
    # In Python, the table in the order of the combinations, and what the sweep did.
    frame = result.to_frame()
    assert list(frame["variant"]) == list(range(8))
    assert frame.drop(columns="variant").equals(table.reset_index(drop=True))
    assert repr(result).startswith("SweepResult(8 of 8 variants finished, 2 workers, ")
    # A notebook shows what the sweep did and the variants side by side, each labelled by
    # its number and values, with the figures of its plan.
    side = result.comparison()
    assert list(side.kpis.index) == [f"#{v.index} {v.label}" for v in eight]
    for v in eight:
        assert side.kpis.loc[f"#{v.index} {v.label}", "delivered (t)"] == pytest.approx(
            one_by_one[v.index]["delivered_t"], rel=1e-6)
    page = result._repr_html_()
    assert page.startswith("<div><p><b>Sweep: 8 of 8 variants finished, 2 workers, ")
    assert "Key figures" in page and html.escape(f"#7 {eight[7].label}") in page
    assert html.escape(eight[0].scenario.title) in page  # what every variant shares


def test_a_sweeps_table_comes_back_in_the_order_of_the_combinations(tmp_path: Path) -> None:
    """Rows are written as variants finish; ``to_frame`` gives them in the order of the
    combinations, failed ones with their status, and the result says what the sweep did."""
    from supplyline.sweep.run import SweepResult

    path = tmp_path / "sweep.parquet"
    pd.DataFrame({"variant": [2, 0], "status": ["failed", "ok"],
                  "delivered_t": [None, 57.8]}).to_parquet(path)
    result = SweepResult({0: {"status": "ok"}, 2: {"status": "failed"}}, path, 1.5, 1,
                         interrupted=True, total=3, failed={2: "infeasible"})
    frame = result.to_frame()
    assert list(frame["variant"]) == [0, 2] and list(frame["status"]) == ["ok", "failed"]
    assert repr(result) == (f"SweepResult(2 of 3 variants finished (1 failed), interrupted, "
                            f"1 worker, 1.5 s; {str(path)!r})")
    # A result without the variants' values labels them by their numbers; a failed variant
    # is shown with its reason.
    assert result.comparison().failed == {"#2": "infeasible"}
    assert "infeasible" in result._repr_html_()


def test_a_second_ctrl_c_while_the_cluster_stops_loses_nothing(
        client: Any, eight: list[Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C pressed again while the cluster stopped (about 2 s) threw away the table and
    every variant finished: Ctrl-C is now held until the table is written."""
    import contextlib

    from supplyline.sweep import run

    own = run._given_or_own

    @contextlib.contextmanager
    def pressed_again(*args: Any) -> Iterator[Any]:
        with own(*args) as dask:
            yield dask
            os.kill(os.getpid(), signal.SIGINT)  # the second Ctrl-C, as the cluster stops

    def first_ctrl_c(_record: dict[str, Any]) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(run, "_given_or_own", pressed_again)
    before = signal.getsignal(signal.SIGINT)
    out = tmp_path / "sweep.parquet"
    result = run_sweep(eight, out, client=client, on_result=first_ctrl_c)
    assert result.interrupted and len(result.records) >= 1
    assert sorted(pd.read_parquet(out)["variant"]) == sorted(result.records)
    # The table says how many variants the sweep has, so a reader sees it is partial.
    import pyarrow.parquet as pq

    shared = json.loads(pq.read_schema(out).metadata[b"supplyline.sweep"])
    assert shared["variants"] == 8 > len(pd.read_parquet(out))
    assert signal.getsignal(signal.SIGINT) is before  # (put back)


@pytest.mark.parametrize("per_worker", [None, 1])
def test_a_killed_worker_loses_nothing_and_counts_nothing_twice(
        own_client: Any, eight: list[Any], one_by_one: dict[int, dict[str, Any]],
        tmp_path: Path, per_worker: int | None, monkeypatch: pytest.MonkeyPatch) -> None:
    if per_worker is not None:  # a few variants in flight, the others handed over later
        monkeypatch.setattr("supplyline.sweep.run.IN_FLIGHT_PER_WORKER", per_worker)
    client = own_client
    pids = client.run(os.getpid)
    killed: list[list[str]] = []

    def kill_a_busy_worker(_record: dict[str, Any]) -> None:
        if killed:
            return
        busy = {address: keys for address, keys in client.processing().items() if keys}
        if busy:
            address, keys = next(iter(busy.items()))
            killed.append(list(keys))
            os.kill(pids[address], signal.SIGKILL)

    out = tmp_path / "sweep.parquet"
    result = run_sweep(eight, out, client=client, on_result=kill_a_busy_worker)
    assert killed and killed[0], "no worker was busy when the first result came"
    assert sorted(result.records) == list(range(8)) and not result.failed
    table = read_table(out)
    for v in eight:
        same_figures(table.loc[v.index].to_dict(), one_by_one[v.index])


def test_only_a_few_variants_per_worker_are_in_flight(
        client: Any, eight: list[Any], one_by_one: dict[int, dict[str, Any]],
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every variant was handed to Dask at once (90,000 tasks, each with its scenario); a
    few per worker are, the next as each one ends, and every variant is run once."""
    monkeypatch.setattr("supplyline.sweep.run.IN_FLIGHT_PER_WORKER", 1, raising=False)
    seen: list[int] = []

    def count_tasks(_record: dict[str, Any]) -> None:
        seen.append(sum(str(key).startswith("supplyline-variant-") for key in client.futures))

    result = run_sweep(eight, tmp_path / "s.parquet", client=client, on_result=count_tasks)
    assert len(seen) == 8 and max(seen) <= 2 + 1  # (2 workers; the one just ended)
    table = read_table(tmp_path / "s.parquet")
    for v in eight:
        same_figures(result.records[v.index], one_by_one[v.index])
        same_figures(table.loc[v.index].to_dict(), one_by_one[v.index])


def test_every_column_says_its_unit_and_what_it_is(client: Any, tmp_path: Path) -> None:
    """The table's columns had no units: a reader of the file could not tell tonnes from
    kilograms, or a share from a percentage."""
    import pyarrow.parquet as pq

    from supplyline.sweep.run import table_schema

    variants = make_variants(sl.load("tutorial"), [
        parse_vary("modes.porter.payload_kg=20"),
        parse_vary("threats.air[0].windows[*].day_probability=0.3")], "tutorial", days=5)
    run_sweep(variants, tmp_path / "u.parquet", client=client)
    schema = pq.read_schema(tmp_path / "u.parquet")
    said = {f.name: {k.decode(): v.decode() for k, v in (f.metadata or {}).items()}
            for f in schema}
    for name, about in said.items():
        assert set(about) == {"units", "description"} and about["description"], name
        assert "\n" not in about["description"], name
    units = {name: about["units"] for name, about in said.items()}
    assert units["delivered_t"] == units["mobilized_t"] == units["shortfall_t"] == "t"
    assert units["shortfall_days"] == "day" and units["labour_days"] == "person-day"
    assert units["max_burden"] == "1" and "fraction" in said["max_burden"]["description"]
    assert units["route_tonnes"] == "t" and units["route_days_at_capacity"] == "day"
    assert units["wall_s"] == units["solve_seconds"] == "s"
    assert units["status"] == units["label"] == ""
    # The fleet a plan needs, beside the times its units were put into service, which had
    # been said to be "units recruited per mode" (87 for a fleet of 70 bicycles).
    assert units["carriers_needed"] == units["carriers_recruited"] == "unit"
    assert "not how many units" in said["carriers_recruited"]["description"]
    rows = pq.read_table(tmp_path / "u.parquet").to_pylist()
    plan = sl.plan(variants[0].scenario)
    assert dict(rows[0]["carriers_needed"]) == {
        m: v["needed"] for m, v in plan.kpis()["carriers"].items()}
    # A varied value takes its field's unit and description from the schema.
    assert units["modes.porter.payload_kg"] == "kg"
    assert "what one unit carries" in said["modes.porter.payload_kg"]["description"]
    assert units["threats.air[0].windows[*].day_probability"] == "1/day"
    # What the variants share is still there.
    assert b"supplyline.sweep" in (schema.metadata or {})
    simulated = table_schema(variants, simulated=True)
    assert simulated.field("sim_shortfall_t").metadata[b"units"] == b"t"
    assert simulated.field("sim_p_any_shortfall").metadata[b"units"] == b"1"
    assert all(f.metadata and f.metadata[b"description"] for f in simulated)


def test_a_failed_variant_is_reported_and_the_others_go_on(client: Any,
                                                           tmp_path: Path) -> None:
    # The pledged replay asks 20 t of the upper villages: with High village's spare rice
    # gone they cannot give it.
    variants = make_variants(sl.load("tutorial"),
                             [parse_vary("places.high-village.stock_kg.rice=26200,16300")],
                             "tutorial")
    result = run_sweep(variants, tmp_path / "s.parquet", SweepOptions(replay="pledged"),
                       client=client)
    assert result.records[0]["status"] == "ok"
    assert list(result.failed) == [1]
    assert "more than those localities can give" in result.failed[1]
    table = pd.read_parquet(tmp_path / "s.parquet").set_index("variant")
    assert table.loc[1, "status"] == "failed" and "can give" in table.loc[1, "error"]
    assert table.loc[0, "delivered_t"] > 0


def test_varied_dates_are_dates_in_the_table(client: Any, tmp_path: Path) -> None:
    """A varied date was written as text; it is a date, as in the plan's tables."""
    import datetime as dt

    import pyarrow.parquet as pq

    variants = make_variants(sl.load("tutorial"), [parse_vary(
        "threats.air[0].windows[0].end=2024-11-20,2024-11-30")], "tutorial")
    result = run_sweep(variants, tmp_path / "d.parquet", client=client)
    # What the variants share is recorded from Python too (not only by the command line).
    shared = json.loads(pq.read_schema(tmp_path / "d.parquet").metadata[b"supplyline.sweep"])
    assert shared == result.settings and shared["file"] == "tutorial" and shared["days"] == 30
    assert shared["variants"] == 2  # (so a table Ctrl-C stopped shows it has fewer rows)
    path = "threats.air[0].windows[0].end"
    assert str(pq.read_schema(tmp_path / "d.parquet").field(path).type) == "date32[day]"
    table = pd.read_parquet(tmp_path / "d.parquet").sort_values("variant")
    assert list(table[path]) == [dt.date(2024, 11, 20), dt.date(2024, 11, 30)]


def test_the_documented_sweep_runs_as_written(client: Any, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/sweep.md's command (on the test cluster, by --scheduler) and its examples."""
    text = DOC.read_text("utf-8")
    command = shlex.split(re.findall(r"```\n(supplyline sweep.*?)```", text, re.S)[0]
                          .replace("\\\n", " "))[1:]
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [*command, "--scheduler", client.scheduler.address, "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["ok"] and answer["variants"] == 12 and answer["done"] == 12
    assert answer["written"] == ["sweep.parquet", "sweep.html"]
    # Each variant's values and figures, as the table's row.
    assert [r["variant"] for r in answer["results"]] == list(range(12))
    first = answer["results"][0]
    assert first["settings"]["modes.porter.payload_kg"] == 15
    assert first["status"] == "ok" and first["delivered_t"] > 0
    # Without a terminal the progress is plain lines on standard error, the last one whole.
    assert result.stderr.splitlines()[-1].startswith("[12/12 ")
    assert result.stderr.splitlines()[-1].endswith("] 12 of 12 variants")
    table = pd.read_parquet("sweep.parquet").sort_values("variant")
    assert list(table["modes.porter.payload_kg"]) == [15] * 3 + [20] * 3 + [25] * 3 + [30] * 3
    # What the variants share is recorded with them: the table, the answer and the page.
    import pyarrow.parquet as pq

    shared = json.loads(pq.read_schema("sweep.parquet").metadata[b"supplyline.sweep"])
    assert shared == answer["sweep"]
    assert (shared["scenario"], shared["days"], shared["solver"]) == ("tutorial", 30, "ipm")
    page = Path("sweep.html").read_text("utf-8")
    assert "2024-11-01 to 2024-11-30 (30 days); solver ipm" in page
    assert "Days at capacity per route" in page
    # Variants go by their values under short names, routes by their names.
    assert "<th>#0 payload_kg=15, day_probability=0.2</th>" in page
    assert "<th>Ridge road (exposed)</th>" in page and "<th>ridge-road</th>" not in page
    for block in re.findall(r"```python\n(.*?)```", text, re.S):
        exec(compile(block, str(DOC), "exec"), {})
    # The errors shown are the errors given.
    for line in re.findall(r"^(--vary .*)$", text, re.M):
        option = line.split(": ", 1)[0].removeprefix("--vary ")
        wrong = runner.invoke(app, ["sweep", "tutorial", "--vary", option])
        assert wrong.exit_code == 2 and line in wrong.output.replace("\n", "")


def test_a_sweep_says_its_days_and_what_a_replay_does_to_them(
        client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--days with varied dates was recorded nowhere (days: null), and a replay given whole
    within the first days was said nowhere (55 t mobilized against 4.5 t demanded): both
    are in the table's metadata, the answer, the terminal and the report."""
    import pyarrow.parquet as pq

    monkeypatch.chdir(tmp_path)
    command = ["sweep", "tutorial", "--replay", "pledged", "--days", "4", "--vary",
               "start_date=2024-10-29,2024-11-01", "--scheduler", client.scheduler.address,
               "--report", "d.html"]
    result = runner.invoke(app, [*command, "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    shared = json.loads(pq.read_schema("sweep.parquet").metadata[b"supplyline.sweep"])
    assert shared == answer["sweep"] and shared["days"] == 4
    note = answer["replay_note"]
    assert note == shared["replay_note"] and "first 4 days gives all of it" in note
    page = html.unescape(Path("d.html").read_text("utf-8"))
    assert "the first 4 days of each planned" in page and note in page
    said = runner.invoke(app, command, env={"COLUMNS": "200"})
    assert said.exit_code == 0 and note in " ".join(said.stdout.split())


def test_simulations_join_the_table_with_one_seed_for_all(
        client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    import supplyline.cli as cli

    monkeypatch.setattr(cli.common, "stdout", Console(width=80, highlight=False))
    monkeypatch.chdir(tmp_path)  # (the closing line names the table written)
    out = tmp_path / "s.parquet"
    # (the tutorial's first 14 days, under its air strikes as its 30: the sweep's
    # simulations are what is tested, not the plans)
    result = runner.invoke(app, [
        "sweep", "tutorial", "--vary", "threats.air[0].windows[*].day_probability=0.1,0.6",
        "--vary", "modes.porter.payload_kg=25", "--days", "14",
        "--simulate", "40", "--seed", "5", "--scheduler", client.scheduler.address,
        "--out", out.name])
    assert result.exit_code == 0, result.output
    assert "P(short)" in result.output
    # At 80 columns, a table, not a list per variant.
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80 and "P(short)" in result.stdout
    assert not any(line.lstrip().startswith("•") for line in lines), result.stdout
    table = pd.read_parquet(out).set_index("variant").sort_index()
    variants = make_variants(sl.load("tutorial"), [
        parse_vary("threats.air[0].windows[*].day_probability=0.1,0.6")], "tutorial", days=14)
    for v in variants:
        here = sl.simulate(sl.plan(v.scenario), runs=40, seed=5).kpis()
        row = table.loc[v.index]
        assert row["sim_runs"] == 40
        assert row["sim_p_any_shortfall"] == pytest.approx(here["p_any_shortfall"]["value"])
        assert row["sim_shortfall_t"] == pytest.approx(here["shortfall_t"]["value"])
        assert row["sim_shortfall_p90_t"] == pytest.approx(
            here["shortfall_distribution_t"]["p90"])
    # More air strikes, more goods destroyed.
    assert table.loc[1, "sim_destroyed_t"] > table.loc[0, "sim_destroyed_t"]


def test_an_unreachable_scheduler_is_said_before_anything_is_checked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """It was found only after every combination had been checked (minutes, for a large
    sweep), and said with exit code 1."""
    monkeypatch.setattr("supplyline.sweep.run.CONNECT_TIMEOUT_S", 1)
    checked: list[int] = []
    monkeypatch.setattr("supplyline.sweep.make_variants",
                        lambda *args, **kwargs: checked.append(1))
    out = tmp_path / "t.parquet"
    result = runner.invoke(app, ["sweep", "tutorial", "--vary", "modes.porter.payload_kg=20",
                                 "--scheduler", "tcp://127.0.0.1:9", "--out", str(out),
                                 "--json"])
    assert result.exit_code == 2, result.output
    error = json.loads(result.stdout)["error"]
    assert error["message"].startswith("--scheduler: cannot reach the Dask scheduler")
    assert not out.exists() and not checked
    # A port nothing listens on is said at once, not after Dask's connect timeout.
    monkeypatch.setattr("supplyline.sweep.run.CONNECT_TIMEOUT_S", 60)
    started = time.perf_counter()
    result = runner.invoke(app, ["sweep", "tutorial", "--vary", "modes.porter.payload_kg=20",
                                 "--scheduler", "tcp://127.0.0.1:9", "--json"])
    assert result.exit_code == 2 and time.perf_counter() - started < 30
    assert "the connection is refused" in json.loads(result.stdout)["error"]["message"]


def test_a_scheduler_host_with_no_address_is_said_at_once(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    """A misspelt host was tried for the whole connect timeout and said as "Timed out"."""
    import socket

    from supplyline.sweep.run import SweepError, connect

    def no_such_host(host: str, *args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    monkeypatch.setattr("supplyline.sweep.run.CONNECT_TIMEOUT_S", 60)
    started = time.monotonic()
    with pytest.raises(SweepError, match=r"no host is named 'sweep-host\.invalid'"), \
            connect("tcp://sweep-host.invalid:8786"):
        pass
    assert time.monotonic() - started < 5


def test_a_replay_is_judged_on_each_combination_not_on_each_value_alone() -> None:
    """More people in the high village eat more of its stock: the pledged replay cannot be
    given at the base stock, but can with more stock; only the combination decides."""
    varies = [parse_vary("places.high-village.population=5000"),
              parse_vary("places.high-village.stock_kg.rice=100000,120000")]
    variants = make_variants(sl.load("tutorial"), varies, replay="pledged")
    assert len(variants) == 2


def test_dates_a_sweep_varies_are_not_said_as_shared() -> None:
    """Varying end_date, the settings every variant shares gave the first variant's dates
    and days as everyone's (a 25-day variant under "20 days")."""
    from supplyline.sweep.run import SweepOptions, settings_words, sweep_settings

    tutorial = sl.load("tutorial")
    varied = make_variants(tutorial, [parse_vary("end_date=2024-11-20,2024-11-25")])
    shared = sweep_settings(varied, SweepOptions())
    assert (shared["start_date"], shared["end_date"], shared["days"]) == (None, None, None)
    assert "dates as each variant sets them" in settings_words(shared)
    fixed = sweep_settings(make_variants(tutorial, [parse_vary("modes.porter.payload_kg=20,25")]),
                           SweepOptions())
    assert (fixed["start_date"], fixed["days"]) == ("2024-11-01", 30)
    assert "2024-11-01 to 2024-11-30 (30 days)" in settings_words(fixed)
    # The variants side by side say that their totals are over different days, as
    # sl.compare says of plans (the sweep's report had said nothing).
    from supplyline.sweep.run import VARIED_DATES, SweepResult

    def notes(settings: dict[str, object]) -> list[str]:
        return SweepResult({}, Path("t.parquet"), 0.0, 1, settings=settings).comparison().notes

    assert notes(shared) == [VARIED_DATES]
    assert "different days" in VARIED_DATES
    assert notes(fixed) == []


def test_make_variants_takes_the_options_text_or_what_parse_vary_made() -> None:
    """The options' text was taken, then failed deep inside with "AttributeError: 'str'
    object has no attribute 'steps'"."""
    tutorial = sl.load("tutorial")
    texts = ["modes.porter.payload_kg=20,25", "modes.bicycle.payload_kg=100"]
    made = make_variants(tutorial, texts, days=3)
    parsed = make_variants(tutorial, [parse_vary(t) for t in texts], days=3)
    assert [v.settings for v in made] == [v.settings for v in parsed]
    assert made[1].settings == {"modes.porter.payload_kg": 25,
                                "modes.bicycle.payload_kg": 100}
    # Texts that do not read are one VaryError, with every one's problem.
    with pytest.raises(VaryError) as caught:
        make_variants(tutorial, ["modes.porter.payload_kg", "modes.bicycle.payload_kg=1:2",
                                 parse_vary(texts[0])])
    assert [(p.option, p.field) for p in caught.value.problems] == [
        ("modes.porter.payload_kg", "(option)"), ("modes.bicycle.payload_kg=1:2", "(values)")]
    # One that reads and names nothing is said as a parsed one is.
    with pytest.raises(VaryError, match=r"modes\.portr: expected the id of an element"):
        make_variants(tutorial, ["modes.portr.payload_kg=20"])
    # One text where a list of them was meant, or something else: a TypeError that says so.
    with pytest.raises(TypeError, match=r"varies: expected a list of options \(each "
                                        r"parse_vary\(TEXT\)'s result, or its PATH=VALUES "
                                        r"text\), got one str: put it in a list"):
        make_variants(tutorial, "modes.porter.payload_kg=20,25")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"varies\[1\]: expected an option \(parse_vary\("
                                        r"TEXT\)'s result, or its PATH=VALUES text\), got "
                                        r"dict"):
        make_variants(tutorial, [texts[0], {"modes.porter.payload_kg": 20}])  # type: ignore[list-item]


def test_shortfall_days_are_a_whole_number_in_the_table() -> None:
    """``shortfall_days`` (a count of days) was a float column, and 3.0 in the records."""
    import pyarrow as pa

    from supplyline.sweep.run import _row, run_variant, table_schema

    variants = make_variants(sl.load("tutorial"), [parse_vary("modes.porter.payload_kg=5")],
                             days=6)
    schema = table_schema(variants)
    assert schema.field("shortfall_days").type == pa.int64()
    record = run_variant(0, variants[0].build, SweepOptions())
    assert record["status"] == "ok" and type(record["shortfall_days"]) is int
    assert record["shortfall_days"] == sl.plan(variants[0].scenario).kpis()["shortfall_days"]
    table = pa.Table.from_pylist([_row(record, variants[0], schema)], schema=schema)
    assert table.column("shortfall_days").to_pylist() == [record["shortfall_days"]]
    # A failed variant has none.
    failed = {"variant": 0, "status": "failed", "error": "no plan", "wall_s": 0.1}
    row = pa.Table.from_pylist([_row(failed, variants[0], schema)], schema=schema)
    assert row.column("shortfall_days").to_pylist() == [None]


def test_ctrl_c_from_a_terminal_stops_a_sweep_without_the_workers_tracebacks(
        tmp_path: Path) -> None:
    """A terminal's Ctrl-C goes to every process of the command: each worker of the local
    cluster printed the traceback of its KeyboardInterrupt (about 3.5 KB) under the line
    that says the sweep was interrupted."""
    import subprocess
    import sys

    start = ("import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
             "from supplyline.cli import app; app()")
    out = tmp_path / "sweep.parquet"
    process = subprocess.Popen(
        [sys.executable, "-c", start, "sweep", "tutorial", "--days", "5", "--workers", "2",
         "--vary", "modes.porter.payload_kg=10:40:1", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert process.stderr is not None
        said = ""
        while not re.search(r"\] \d+ of 31 variants", said) and process.poll() is None:
            said = process.stderr.readline()
        os.killpg(process.pid, signal.SIGINT)  # as a terminal sends it: to the whole group
        stdout, stderr = process.communicate(timeout=60)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == 1, stderr
    assert "interrupted after" in stdout
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr


def test_days_and_steps_are_checked_against_each_variant_before_anything_runs(
        tmp_path: Path) -> None:
    """--step-days 25 passed against the file's 30 days and failed the variant of 20 days
    when it was planned (exit 1); with --days 5, policy.step_days=5,10,30 ran three times the
    same plan under three labels; --days 32 was refused against the file's 30 days where the
    variants varied start_date to have 32 and more."""
    base = sl.load("tutorial")
    with pytest.raises(VaryError) as caught:
        make_variants(base, [parse_vary("end_date=2024-11-20,2024-11-30")], "tutorial",
                      step_days=25)
    assert [(p.option, p.field, p.expected, p.got) for p in caught.value.problems] == [
        ("end_date=2024-11-20", "--step-days",
         "at most 20 (the horizon is 20 days: more is never used)", "25")]
    with pytest.raises(VaryError) as caught:
        make_variants(base, [parse_vary("policy.step_days=5,10,30")], "tutorial", days=5)
    assert [(p.option, p.got) for p in caught.value.problems] == [
        ("policy.step_days=10", "10"), ("policy.step_days=30", "30")]
    assert caught.value.problems[0].expected == (
        "at most the days planned (5, --days): longer steps are cut to them")
    assert len(make_variants(base, [parse_vary("start_date=2024-10-28,2024-10-30")],
                             "tutorial", days=32)) == 2
    runner = CliRunner()
    step = runner.invoke(app, ["sweep", "tutorial", "--step-days", "25", "--vary",
                               "end_date=2024-11-20,2024-11-30", "--out",
                               str(tmp_path / "x.parquet")])
    assert step.exit_code == 2 and "--step-days: expected at most 20 (the horizon is 20 " \
        "days" in " ".join(step.output.split())
    days = runner.invoke(app, ["sweep", "tutorial", "--days", "32", "--vary",
                               "start_date=2024-10-28", "--step-days", "40", "--out",
                               str(tmp_path / "x.parquet")])
    assert days.exit_code == 2, days.output
    said = " ".join(days.output.split())
    assert "--step-days: expected at most 32 (the horizon is 32 days" in said
    assert "--days: expected a whole number" not in said


def test_combinations_refused_for_one_reason_are_said_once_whatever_their_dates() -> None:
    """Thirty starts against thirty ends, each end before its start refused on its own
    line: 110 lines (42 KB) for one mistake, as each message named its start's date. (Ten
    of each here: 45 combinations refused, under nine different dates.)"""
    dates = ",".join(f"2024-11-{d:02d}" for d in range(1, 11))
    with pytest.raises(VaryError) as caught:
        make_variants(sl.load("tutorial"),
                      [parse_vary(f"threats.air[0].windows[*].start={dates}"),
                       parse_vary(f"threats.air[0].windows[*].end={dates}")], "tutorial")
    problems = caught.value.problems
    assert len(problems) <= 5
    assert problems[-1].got.endswith("more combinations refused alike")
    assert problems[-1].option == ("threats.air[0].windows[*].start "
                                   "threats.air[0].windows[*].end")


def test_a_sweep_s_table_says_values_as_written_and_its_workers_are_no_more_than_its_variants(
        tmp_path: Path) -> None:
    """The terminal said True and False where the option, the label and the report say
    true and false; --workers 5 started five workers for two variants."""
    result = CliRunner().invoke(app, [
        "sweep", "tutorial", "--days", "3", "--workers", "5", "--vary",
        "routes.gorge-path.air_exposed=true,false", "--out", str(tmp_path / "b.parquet")])
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.output.splitlines()]
    assert ["0", "true"] in [row[:2] for row in rows]
    assert ["1", "false"] in [row[:2] for row in rows]
    assert "True" not in result.output and "on 2 workers" in result.output
    with pytest.raises(ValueError, match="workers: sets the size of the local cluster"):
        run_sweep([], tmp_path / "x.parquet", scheduler="tcp://127.0.0.1:1", workers=2)


def test_a_variant_is_planned_without_looking_for_what_holds_it_short(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The sweep's table holds no findings, so a variant that goes short is not solved again
    for them (6.7 s of a 7.7 s plan of the tutorial with a ration of 0.9 kg)."""
    import importlib

    from supplyline.sweep.run import run_variant

    def sought(*args: object, **kwargs: object) -> None:
        raise AssertionError("what holds the fronts short was sought")

    monkeypatch.setattr(importlib.import_module("supplyline.plan"), "explain_shortfall", sought)
    variants = make_variants(sl.load("tutorial"), [parse_vary("modes.porter.payload_kg=5")],
                             days=6)
    record = run_variant(0, variants[0].build, SweepOptions())
    # (a plan made to explain calls it whether or not it goes short: the test can tell)
    assert record["status"] == "ok", record["error"]
