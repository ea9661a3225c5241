"""``supplyline simulate`` as a user runs it, and the report's risk section."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

import supplyline as sl
from supplyline.cli import app
from supplyline.report import render_report
from supplyline.report.risk import risk_rows
from supplyline.simulate import SEED
from tests.simulate.helpers import builtin_document, tutorial_plan

runner = CliRunner()


def test_simulate_prints_the_risk_and_writes_files(tmp_path: Path) -> None:
    out = tmp_path / "sim"
    result = runner.invoke(app, ["simulate", "tutorial", "--runs", "40", "--seed", "2",
                                 "--export", str(out)])
    assert result.exit_code == 0, result.output
    assert "40 runs of the plan" in result.output
    assert "chance some front goes short" in result.output
    lines = [line for line in result.output.splitlines() if not line.startswith("Wrote")]
    assert max(len(line) for line in lines) <= 80
    names = {p.name for p in out.iterdir()}
    assert {"simulation.json", "sim_days.csv", "sim_fan.csv", "sim_runs.csv"} <= names
    doc = json.loads((out / "simulation.json").read_text(encoding="utf-8"))
    assert doc["kpis"]["runs"] == 40 and doc["kpis"]["seed"] == 2
    assert doc["kpis"]["precision"] == "single"
    assert "single precision" in result.output
    assert "A front is short on a day when" in " ".join(result.output.split())


def test_a_plan_in_steps_says_a_front_is_short_in_a_step() -> None:
    """It said "on a day" under a table of steps: a step's shortfall is of the step's
    demand, over the step."""
    result = runner.invoke(app, ["simulate", "tutorial", "--runs", "20", "--step-days", "3"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "A front is short in a step when it eats less over the step than" in said


def test_simulate_in_double_precision() -> None:
    result = runner.invoke(app, ["simulate", "tutorial", "--runs", "10", "--seed", "2",
                                 "--precision", "double", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["simulation"]["kpis"]["precision"] == "double"


def test_simulate_json_is_reproducible() -> None:
    args = ["simulate", "tutorial", "--runs", "30", "--seed", "5", "--json"]
    first = runner.invoke(app, args)
    second = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert a["ok"] is True
    a["simulation"]["kpis"].pop("seconds")
    b["simulation"]["kpis"].pop("seconds")
    assert a == b


def test_simulate_bad_options_exit_2() -> None:
    bad_device = runner.invoke(app, ["simulate", "tutorial", "--runs", "5", "--device",
                                     "abacus", "--json"])
    assert bad_device.exit_code == 2
    error = json.loads(bad_device.stdout)["error"]
    assert error["kind"] == "usage" and "--device" in error["message"]
    bad_precision = runner.invoke(app, ["simulate", "tutorial", "--runs", "5", "--precision",
                                        "half", "--json"])
    assert bad_precision.exit_code == 2
    message = json.loads(bad_precision.stdout)["error"]["message"]
    assert message == "--precision: expected one of 'single', 'double', got 'half'"
    # Said before the file, as --solver is: a broken scenario had hidden it.
    broken = runner.invoke(app, ["simulate", "no-such-file.yaml", "--device", "abacus",
                                 "--json"])
    assert "--device: expected one of 'cpu', 'gpu', got 'abacus'" in json.loads(
        broken.stdout)["error"]["message"]
    bad_runs = runner.invoke(app, ["simulate", "tutorial", "--runs", "0"])
    assert bad_runs.exit_code == 2
    bad_replay = runner.invoke(app, ["simulate", "tutorial", "--replay", "nope", "--json"])
    assert bad_replay.exit_code == 2
    assert "got 'nope' (no replay of that name)" in json.loads(
        bad_replay.stdout)["error"]["message"]


def test_bad_simulate_options_exit_2_before_planning(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrong device, precision or export folder is found before the plan is solved (on
    the built-in scenario that is 40 s of work lost per typo)."""
    import importlib

    def no_plan(*args: object, **kwargs: object) -> None:
        raise AssertionError("planned before the options were checked")

    monkeypatch.setattr(importlib.import_module("supplyline.plan"), "plan", no_plan)
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    for option in (["--device", "abacus"], ["--precision", "half"],
                   ["--export", str(blocker / "sub")]):
        result = runner.invoke(app, ["simulate", "tutorial", "--runs", "5", "--json", *option])
        assert result.exit_code == 2, (option, result.output)
        assert json.loads(result.stdout)["error"]["message"].startswith(option[0])
    assert "cannot write" in json.loads(result.stdout)["error"]["message"]


def test_simulate_bad_scenario_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\n", encoding="utf-8")
    result = runner.invoke(app, ["simulate", str(path), "--runs", "3"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_report_has_a_risk_section_only_with_a_simulation() -> None:
    plan = tutorial_plan()
    assert 'id="risk"' not in render_report(plan)
    simulation = sl.simulate(plan, runs=30, seed=1)
    page = render_report(plan, results={"simulation": simulation})
    assert 'id="risk"' in page
    assert 'id="chart-fan-0"' in page and 'id="chart-p-short"' in page
    assert 'id="table-risk"' in page
    figure = risk_rows(simulation)[0][1]  # (on a phone it wraps only before its error)
    assert figure.replace(" ", "\u00a0").replace("\u00a0±", " ±") in page
    assert "Each run draws strikes, raids, rain and breakdowns day by day" in page


def test_the_risk_section_says_what_the_runs_left_out_and_where_the_plan_is_short() -> None:
    from tests.simulate.helpers import one_route

    plan = sl.plan(one_route(p=0.3, destroyed=0.2, lost=0.5))  # short on its first day
    simulation = sl.simulate(plan, runs=30, seed=1, breakdowns=False)
    page = " ".join(render_report(plan, results={"simulation": simulation}).split())
    assert "single precision; without breakdowns)." in page
    assert "Each run draws strikes, raids and rain day by day" in page
    assert "The plan itself leaves some front short on 1 day from 2020-01-01: every run is " \
           "short then too." in page


def test_report_runs_adds_the_risk_section(tmp_path: Path) -> None:
    with_runs = tmp_path / "risk.html"
    result = runner.invoke(app, ["report", "tutorial", "--runs", "20", "--seed", "1",
                                 "--out", str(with_runs)])
    assert result.exit_code == 0, result.output
    assert 'id="risk"' in with_runs.read_text(encoding="utf-8")
    # --json gives that simulation as `simulate --json` does (it gave the plan's KPIs only).
    got = runner.invoke(app, ["report", "tutorial", "--runs", "20", "--seed", "1",
                              "--out", str(with_runs), "--json"])
    alone = runner.invoke(app, ["simulate", "tutorial", "--runs", "20", "--seed", "1",
                                "--json"])
    assert got.exit_code == 0 and alone.exit_code == 0, got.output
    with_report, simulated = (json.loads(r.stdout)["simulation"]["kpis"] for r in (got, alone))
    assert with_report.pop("seconds") > 0 and simulated.pop("seconds") > 0
    assert with_report == simulated
    bad = runner.invoke(app, ["report", "tutorial", "--runs", "0", "--out",
                              str(tmp_path / "x.html")])
    assert bad.exit_code == 2


def test_simulate_without_unit_losses() -> None:
    args = ["simulate", "tutorial", "--runs", "20", "--seed", "3", "--json"]
    lost = json.loads(runner.invoke(app, args).stdout)["simulation"]["kpis"]["units_lost"]
    kept = runner.invoke(app, [*args, "--no-unit-losses"])
    assert kept.exit_code == 0, kept.output
    assert lost["value"] > 0
    assert json.loads(kept.stdout)["simulation"]["kpis"]["units_lost"]["value"] == 0


def test_without_threats_or_breakdowns_the_command_runs_the_plan_as_planned() -> None:
    """`--no-threats --no-breakdowns`: every run is the plan (the tutorial's plan meets its
    demand in full), and the first line says what the runs left out."""
    result = runner.invoke(app, ["simulate", "tutorial", "--runs", "20", "--seed", "1",
                                 "--no-threats", "--no-breakdowns", "--precision", "double",
                                 "--json"])
    assert result.exit_code == 0, result.output
    k = json.loads(result.stdout)["simulation"]["kpis"]
    assert (k["threats"], k["unit_losses"], k["breakdowns"]) == (False, True, False)
    assert k["shortfall_t"]["value"] == pytest.approx(k["planned"]["shortfall_t"], abs=1e-6)
    assert k["delivered_t"]["value"] == pytest.approx(k["planned"]["delivered_t"], rel=1e-9)
    plain = runner.invoke(app, ["simulate", "tutorial", "--runs", "20", "--seed", "1",
                                "--no-threats"], env={"COLUMNS": "80"})
    assert "without strikes, raids or rain)" in " ".join(plain.output.split())


def test_a_stepped_plan_lists_its_steps_most_at_risk_as_their_dates() -> None:
    """A step of three days is shown as its three days, not as its first day alone (which
    read as a day before the demand starts)."""
    result = runner.invoke(app, ["simulate", "tutorial", "--runs", "100", "--seed", "1",
                                 "--days", "10", "--step-days", "3"])
    assert result.exit_code == 0, result.output
    assert "Steps most at risk" in result.output
    assert "2024-11-04 to 2024-11-06" in result.output
    # The header says which plan was run: its steps (and its replay), as plan says them.
    assert "100 runs of the plan (planned in 3-day steps) for Tutorial" in " ".join(
        result.output.split())
    replayed = runner.invoke(app, ["simulate", "tutorial", "--runs", "10", "--seed", "1",
                                   "--replay", "pledged"])
    assert "10 runs of the plan (replay pledged) for Tutorial" in " ".join(
        replayed.output.split())
    daily = runner.invoke(app, ["simulate", "tutorial", "--runs", "50", "--seed", "1"])
    at_risk = daily.output.split("Days most at risk")[1]  # the header gives the horizon
    assert " to 2024" not in at_risk
    # The days simulated are said (--days 10 used to be said nowhere).
    assert "10 days from 2024-11-01 to 2024-11-10" in " ".join(result.output.split())
    # ... as the first of the scenario's, as plan says them (they read as the whole).
    assert ("10 days from 2024-11-01 to 2024-11-10, the first of the scenario's 30 (seed 1"
            in " ".join(result.output.split()))
    assert "the first of the scenario's" not in daily.output


def test_the_reports_seed_is_said_and_a_fresh_seed_draws_the_same_runs_again(
        tmp_path: Path) -> None:
    """report --runs kept its seed inside the report (a fresh one until 2026-12-06; since,
    the one seed of every simulation unless told), and a fresh seed had 39 digits (beyond
    what a JSON reader holds exactly)."""
    result = runner.invoke(app, ["report", "tutorial", "--runs", "20", "--out",
                                 str(tmp_path / "seeded.html")])
    assert result.exit_code == 0, result.output
    said = re.search(r"seed (\d+): --seed \1 draws the same runs", result.stdout)
    assert said is not None, result.stdout
    assert int(said[1]) == SEED
    plan = tutorial_plan()
    fresh = sl.simulate(plan, runs=20, seed=None)  # (None: fresh; the default is SEED)
    assert fresh.seed < 2**32
    again = sl.simulate(plan, runs=20, seed=fresh.seed)
    np.testing.assert_array_equal(fresh.shortfall_kg, again.shortfall_kg)
    np.testing.assert_array_equal(fresh.destroyed_kg, again.destroyed_kg)


def test_simulate_does_not_seek_what_holds_the_fronts_short(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """`simulate` shows no findings, so it does not seek them: that is solving again, up to
    a minute (15 s of 19 s on the tutorial with a ration of 0.9 kg, its plan 22.8 t short,
    against 3 s without). It says the plan's shortfall, and that `plan` says why."""
    def sought(*args: object, **kwargs: object) -> None:
        raise AssertionError("what holds the fronts short was sought")

    monkeypatch.setattr(sys.modules["supplyline.plan"], "explain_shortfall", sought)
    doc = builtin_document("tutorial")
    doc["demand"] = [{**d, "ration_kg_per_person_day": 0.9} for d in doc["demand"]]
    monkeypatch.chdir(tmp_path)
    Path("short.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    result = runner.invoke(app, ["simulate", "short.yaml", "--runs", "5", "--seed", "1"],
                           env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    # (the scenario as it was given: `supplyline plan` alone plans the built-in default)
    assert ("The plan expects 81.2 t delivered, 22.8 t short (supplyline plan short.yaml says "
            "why)") in said


def test_a_plan_made_without_explaining_has_no_findings() -> None:
    doc = builtin_document("tutorial")
    doc["demand"] = [{**d, "ration_kg_per_person_day": 0.9} for d in doc["demand"]]
    sc = sl.Scenario.model_validate(doc)
    made = sl.plan(sc, explain=False)
    assert made.short_steps() and made.findings == [] and made.explain_seconds == 0.0
    with pytest.raises(sl.PlanError, match="explain: expected True or False, got 'no'"):
        sl.plan(sc, explain="no")  # type: ignore[arg-type]


def test_the_hint_names_the_plan_the_simulation_ran(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the plan is short, the summary names the `plan` command that says why with the
    replay, days and steps the simulation planned: `plan` alone planned the file's whole
    horizon day by day (265 t short, where the runs' plan is 43.1 t short)."""
    doc = builtin_document("tutorial")
    doc["demand"] = [{**d, "ration_kg_per_person_day": 3.0} for d in doc["demand"]]
    monkeypatch.chdir(tmp_path)
    path = Path("short.yaml")
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    options = ["--replay", "pledged", "--days", "12", "--step-days", "3"]
    result = runner.invoke(app, ["simulate", str(path), *options, "--runs", "5", "--seed",
                                 "1"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    said = " ".join(result.stdout.split())
    hint = "(supplyline plan short.yaml --replay pledged --days 12 --step-days 3 says why)"
    assert f"The plan expects 60.4 t delivered, 43.1 t short {hint}" in said, said
    # The command named makes the plan the runs ran: as short.
    planned = runner.invoke(app, ["plan", str(path), *options, "--json"])
    assert planned.exit_code == 0, planned.output
    assert json.loads(planned.stdout)["kpis"]["shortfall_t"] == pytest.approx(43.1, abs=0.05)


def test_the_hint_carries_every_option_the_plan_was_made_with(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A scenario planned in 3-day steps, simulated with ``--step-days 1 --solver simplex``:
    the hint named `supplyline plan short.yaml`, which planned the file's own 3-day steps
    with interior point, another plan than the runs ran (--step-days 1 was not said, since
    a plan day by day has no steps to describe, and the solver never was)."""
    doc = builtin_document("tutorial")
    doc["demand"] = [{**d, "ration_kg_per_person_day": 3.0} for d in doc["demand"]]
    doc["policy"] = {**doc["policy"], "step_days": 3, "daily_start_days": 3}
    monkeypatch.chdir(tmp_path)
    Path("short.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    options = ["--replay", "pledged", "--days", "12", "--step-days", "1", "--solver",
               "simplex"]
    result = runner.invoke(app, ["simulate", "short.yaml", *options, "--runs", "5"],
                           env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    said = " ".join(result.stdout.split())
    hint = re.search(r"\((supplyline plan [^()]*) says why\)", said)
    assert hint is not None, said
    assert hint[1] == ("supplyline plan short.yaml --replay pledged --days 12 --step-days 1 "
                       "--solver simplex")
    # The command named makes the plan the runs ran: as short.
    simulated = runner.invoke(app, ["simulate", "short.yaml", *options, "--runs", "5",
                                    "--json"])
    planned_t = json.loads(simulated.stdout)["simulation"]["kpis"]["planned"]["shortfall_t"]
    made = runner.invoke(app, [*hint[1].split()[1:], "--json"])
    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout)["kpis"]["shortfall_t"] == pytest.approx(planned_t, abs=0.05)


def test_the_hint_says_no_time_limit_where_the_plan_needed_more_than_plans_own() -> None:
    """A plan made without a limit (sl.plan's default, `--time-limit 0`) whose solve took
    longer than `plan`'s own limit was named without --time-limit: the command named would
    have stopped at 300 s. One that solved within it needs no word."""
    import dataclasses

    from supplyline.plan.solvers import DEFAULT_TIME_LIMIT_S
    from supplyline.report.risk import plan_command

    plan = tutorial_plan()
    assert plan.time_limit_s is None
    assert plan_command(plan, "tutorial") == "supplyline plan tutorial"
    slow = dataclasses.replace(plan, solve_seconds=DEFAULT_TIME_LIMIT_S + 1)
    assert plan_command(slow, "tutorial") == "supplyline plan tutorial --time-limit 0"
    limited = dataclasses.replace(plan, time_limit_s=60.0)
    assert plan_command(limited, "tutorial") == "supplyline plan tutorial --time-limit 60"
