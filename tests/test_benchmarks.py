"""The benchmark scripts (benchmarks/) say what they measured, beside its target, and stop
with an error rather than write a figure that a failed or stopped run did not give. Nothing
here runs a benchmark: the scripts' parts are given small figures, fake processes or tiny
LPs (a few seconds in all)."""

from __future__ import annotations

import gc
import importlib
import json
import os
import re
import stat
import subprocess
import sys
import weakref
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"


def _help(module: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
          ) -> str:
    script = importlib.import_module(f"benchmarks.{module}")
    monkeypatch.setattr(sys, "argv", [module, "--help"])
    with pytest.raises(SystemExit) as stopped:
        script.main()
    assert stopped.value.code == 0
    return capsys.readouterr().out


def test_every_command_in_the_benchmarks_page_takes_the_options_it_is_given(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    commands = re.findall(r"python -m benchmarks\.(\w+)([^`\n]*)",
                          DOC.read_text(encoding="utf-8"))
    assert len({module for module, _ in commands}) >= 12
    helps: dict[str, str] = {}
    for module, rest in commands:
        if module not in helps:
            helps[module] = _help(module, monkeypatch, capsys)
        for option in re.findall(r"(--[a-z][a-z-]*)", rest):
            assert re.search(rf"{option}\b", helps[module]), (module, option, rest)


# -- bench_plan -------------------------------------------------------------------------------

def _plan_result(columns: int, build_s: float, solve: dict[str, Any]) -> dict[str, Any]:
    return {"places": 12, "days": 20, "columns": columns, "rows": columns // 2,
            "build_s": build_s, "repeat": 3, "peak_rss_mib": 120.0,
            "solve": {"wall_s": 2.0, "other_cores": 0.0, **solve}}


def test_bench_plan_judges_the_build_target() -> None:
    from benchmarks.bench_plan import report

    solved = {"status": "optimal", "objective": 1.0, "gap": 1e-9, "violation": 1e-12}
    slow = [("1e4", {"ipm": _plan_result(10_000, 0.07, solved)})]  # 7 µs a column
    assert "worst measured 7.00 µs per column (best of 3 builds) — **NOT met**" in report(
        slow, ["ipm"], "ipm", 60.0)
    fast = [("1e4", {"ipm": _plan_result(10_000, 0.02, solved)})]
    assert "worst measured 2.00 µs per column (best of 3 builds) — **met**" in report(
        fast, ["ipm"], "ipm", 60.0)


def test_bench_plan_stops_on_a_failed_process_with_its_error() -> None:
    from benchmarks.bench_plan import run_one

    with pytest.raises(SystemExit) as stopped:
        run_one([sys.executable, "-c", "import sys; sys.exit('the solver fell over')"])
    assert "exit status 1" in str(stopped.value.code)
    assert "the solver fell over" in str(stopped.value.code)
    assert run_one([sys.executable, "-c", "print('{\"columns\": 3}')"]) == {"columns": 3}


def test_bench_plan_counts_a_failed_solve_but_not_a_time_limit() -> None:
    from benchmarks.bench_plan import failed_solves

    results = [("1e4", {"ipm": _plan_result(10, 0.1, {"status": "time limit"}),
                        "pdlp": _plan_result(10, 0.1, {"status": "failed: numerical"})})]
    assert failed_solves(results) == ["1e4 pdlp: failed: numerical"]


def test_bench_plan_solves_with_one_lp_alive(monkeypatch: pytest.MonkeyPatch) -> None:
    """The traced build, and so the process's peak RSS the memory target reads, is of one
    LP: the LP to solve is not kept alive beside it."""
    from benchmarks.bench_plan import _build
    from supplyline.plan import model

    build_lp = model.build_lp
    made: list[weakref.ref[Any]] = []
    alive_before: list[int] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        gc.collect()
        alive_before.append(sum(ref() is not None for ref in made))
        lp = build_lp(*args, **kwargs)
        made.append(weakref.ref(lp))
        return lp

    monkeypatch.setattr(model, "build_lp", counting)
    out: dict[str, Any] = {}
    lp = _build(4, 3, 2, out)
    assert lp.n_columns == out["columns"] and "traced_build_mib" in out
    assert alive_before and max(alive_before) == 0, alive_before


# -- bench_cli --------------------------------------------------------------------------------

def _fake_supplyline(folder: Path, body: str) -> str:
    path = folder / "supplyline"
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def _fake_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, body: str) -> Any:
    from benchmarks import bench_cli

    exe = _fake_supplyline(tmp_path, body)
    monkeypatch.setattr(bench_cli.shutil, "which", lambda name: exe)
    monkeypatch.setattr(bench_cli, "STEPS", "import json; print(json.dumps({'import': 0.1}))")
    written: list[str] = []
    monkeypatch.setattr(bench_cli, "write_section", lambda name, body: written.append(body))
    return bench_cli, written


KPIS = json.dumps({"kpis": {"columns": 12, "solve_seconds": 0.5, "delivered_t": 3.0}})


def test_bench_cli_stops_when_a_measured_run_fails(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    bench_cli, written = _fake_cli(monkeypatch, tmp_path, "echo broken >&2; exit 3")
    with pytest.raises(SystemExit) as stopped:
        bench_cli.main(["--runs", "1", "--timeout", "5", "--write"])
    assert "exit code 3: broken" in str(stopped.value.code)
    assert written == []


def test_bench_cli_says_the_peer_did_not_finish_and_gives_it_no_figures(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    body = f"case \"$*\" in *--step-days*) exec sleep 30;; esac\necho '{KPIS}'"
    bench_cli, _ = _fake_cli(monkeypatch, tmp_path, body)
    bench_cli.main(["--runs", "1", "--timeout", "1"])
    wall = next(line for line in capsys.readouterr().out.splitlines()
                if line.startswith("| wall (s)"))
    cells = [cell.strip() for cell in wall.strip("|").split("|")]
    assert cells[2] == "did not finish within 1 s" and cells[3] == "", cells


def test_bench_cli_stops_a_process_at_its_timeout() -> None:
    from benchmarks.bench_cli import run_once

    run = run_once([sys.executable, "-c", "import time; time.sleep(30)"], 0.5)
    assert run.stopped and run.wall_s < 10
    assert run.trouble(0.5) == "still going after 0.5 s, stopped"


# -- bench_simulate ---------------------------------------------------------------------------

def _simulated(scenario: str, runs: int, speedup: float) -> dict[str, Any]:
    cpu = {"runs": runs, "wall_s": 11.4, "per_run_ms": 1.0, "cores_used": 1.7, "cpu_s": 19.0,
           "chunk": 1000, "others_cores": 0.0, "mean_shortfall_t": 3.9, "peak_rss_mib": 357.0,
           "rss_growth_mib": 149.0}
    return {"scenario": scenario, "plan_s": 80.0, "gpu_runs": 1_000_000, "device": "cpu",
            "cpu": cpu, "reference": {"runs": 20, "per_run_ms": speedup},
            "ks": {"runs": 2000, "shortfall_p": 0.9, "front_stock_p": 0.005,
                   "reference_s": 69.0}}


def _row(text: str, start: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(f"| {start}"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_bench_simulate_writes_each_verdict_beside_its_target() -> None:
    from benchmarks.bench_simulate import render

    text = render(_simulated("dien-bien-phu-1954", 10_000, 96.0))
    assert _row(text, "10,000 runs on the CPU")[2:4] == ["< 10 s", "**NOT met**"]
    assert _row(text, "peak memory")[2:4] == ["< 2,048 MiB", "met"]
    assert _row(text, "per run against")[1:4] == ["96×", "≥ 300×", "**NOT met**"]
    assert _row(text, "KS test")[2:4] == ["p > 0.01", "**NOT met**"]


def test_bench_simulate_does_not_judge_other_runs_against_the_built_in_targets() -> None:
    from benchmarks.bench_simulate import render

    for figures in (_simulated("tutorial", 10_000, 400.0),
                    _simulated("dien-bien-phu-1954", 200, 400.0)):
        text = render(figures)
        assert _row(text, f"{figures['cpu']['runs']:,} runs on the CPU")[2:4] == ["—", "—"]
        assert _row(text, "per run against")[2:4] == ["—", "—"]
        assert "not judged on this run" in text


def test_bench_simulate_on_a_gpu_stops_where_there_is_none(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks import bench_simulate
    from supplyline.errors import SimulationError
    from supplyline.simulate import array_module

    try:
        array_module("gpu")
    except SimulationError:
        pass
    else:
        pytest.skip("this machine has a GPU")
    written: list[str] = []
    monkeypatch.setattr(bench_simulate, "write_section", lambda name, body: written.append(body))
    monkeypatch.setattr(sys, "argv", ["bench_simulate", "--device", "gpu", "--scenario",
                                      "tutorial", "--write"])
    with pytest.raises(SystemExit) as stopped:
        bench_simulate.main()
    assert "--device gpu" in str(stopped.value.code)
    assert written == []


# -- bench_sweep, bench_pyomo, bench_report ---------------------------------------------------

def test_bench_sweep_speed_up_is_over_one_worker() -> None:
    from benchmarks.bench_sweep import speed_ups

    runs = [{"workers": 2, "sweep_s": 9.0}, {"workers": 1, "sweep_s": 18.0}]
    assert speed_ups(runs) == ["2.00×", "1.00×"]
    assert speed_ups(runs[:1]) == ["-"]


def test_bench_sweep_stops_on_a_variant_left_out_or_failed() -> None:
    from benchmarks.bench_sweep import check_runs

    reference = {0: 1.0, 1: 2.0}
    check_runs([{"workers": 1, "failed": 0, "objectives": {0: 1.0, 1: 2.0}}], reference)
    for run in ({"workers": 2, "failed": 0, "objectives": {0: 1.0}},
                {"workers": 2, "failed": 1, "objectives": {0: 1.0, 1: None}}):
        with pytest.raises(SystemExit):
            check_runs([run], reference)


def test_bench_pyomo_stops_unless_pyomo_solved_to_optimality() -> None:
    from benchmarks.bench_pyomo import check_pyomo

    check_pyomo({"label": "1e4", "pyomo_status": "optimal", "pyomo_objective": 2.0})
    with pytest.raises(SystemExit) as stopped:
        check_pyomo({"label": "1e4", "pyomo_status": "maxTimeLimit", "pyomo_objective": 3.0})
    assert "maxTimeLimit" in str(stopped.value.code)


def test_bench_report_says_when_its_target_is_not_judged() -> None:
    from benchmarks.bench_report import target_words

    assert "Not judged" in target_words([["60", "90", "0.06", "0.38"]])
    assert target_words([["1,000", "1,500", "2.9", "5.4"]]).endswith("**NOT met**.")


# -- bench_resilience -------------------------------------------------------------------------

def _resilience(scenario: str, **more: Any) -> dict[str, Any]:
    return {"scenario": scenario, "step_days": 14, "daily_start_days": 0, "columns": 20_092,
            "routes": 25, "places": 23, "solved": 44, "resolve": "from scratch", "jobs": 2,
            "base_s": 6.6, "n1_total_s": 160.3, "n1_s": 153.7, "other_cores": 0.0,
            "worst_s": 5.6, "worst_other_cores": 0.0, "every_cut": True,
            "worst": {"k": 3, "ids": ["a"], "gap": 0.0, "model_t": 1.0, "bound_t": 1.0,
                      "mip_s": 0.0, "full_plan_extra_t": 1.0}, **more}


def test_bench_resilience_writes_each_verdict_beside_its_target() -> None:
    from benchmarks.bench_resilience import markdown

    text = markdown(_resilience("dien-bien-phu-1954", peer_s=176.0,
                                largest_relative_difference=0.0))
    assert _row(text, "N-1: session")[1:4] == ["160.3", "60", "**NOT met**"]
    assert _row(text, "worst 3")[1:4] == ["5.6", "300", "met"]
    small = markdown(_resilience("tutorial"))
    assert _row(small, "N-1: session")[3] == "—" and "not judged" in small
    assert _row(small, "N-1: peer")[1] == "not run (--no-peer)"
    assert "between session and peer" not in small


# -- bench_ops --------------------------------------------------------------------------------

def test_bench_ops_takes_the_server_off_the_other_load_once() -> None:
    from benchmarks.bench_ops import _mine, others_cores

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert _mine(os.getpid()) and _mine(child.pid)
        assert not _mine(1)
    finally:
        child.kill()
        child.wait()
    # OtherLoad already leaves out this process's descendants (the server): only what our
    # processes outside them used (PostgreSQL's) is taken off.
    assert others_cores(1.5, 2.0, 4.0) == 1.0
    assert others_cores(0.2, 2.0, 4.0) == 0.0


def test_bench_ops_stops_when_a_client_breaks_off(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    from contextlib import contextmanager

    from benchmarks import bench_ops

    @contextmanager
    def nothing_listening(url: str, log: Path, workers: int = 1) -> Any:
        yield "http://127.0.0.1:9", SimpleNamespace(pid=os.getpid())

    monkeypatch.setattr(bench_ops, "serving", nothing_listening)
    monkeypatch.setattr(bench_ops, "_setup", lambda url, sc, porters: "token")
    with pytest.raises(SystemExit) as stopped:
        bench_ops.writes("unused.db", 2, 4, tmp_path, 1)
    assert "2 of 2 clients stopped" in str(stopped.value.code)


# -- gpu_lp, lp_restricted --------------------------------------------------------------------

def _gpu_figures(pdhg: dict[str, Any]) -> dict[str, Any]:
    return {"stamp": "Measured.", "tolerance": 1e-7, "time_limits": {"1e6": 60.0},
            "highs_threads": 16, "wall_s": 70.0,
            "sizes": {"1e6": {"columns": 1_251_806, "rows": 574_259, "pdhg": pdhg}}}


def test_gpu_lp_writes_its_target_verdict() -> None:
    from benchmarks.gpu_lp import report

    done = {"status": "optimal", "device": "gpu", "setup_s": 1.0, "compile_s": 4.0,
            "solve_s": 30.0, "iterations": 9, "objective": 1.0, "gap": 5e-5,
            "violation": 2e-5}
    assert "— **met**: 35.0 s on gpu" in report(_gpu_figures(done))
    assert "— **NOT met**: 35.0 s" in report(_gpu_figures({**done, "gap": 3.8}))
    assert "— **NOT met**: the 10^6 size has no answer (time limit" in report(
        _gpu_figures({"status": "time limit"}))


def test_gpu_lp_writes_nothing_from_a_run_with_a_failed_step(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from benchmarks import gpu_lp

    written: list[str] = []
    monkeypatch.setattr(gpu_lp, "write_section", lambda name, body: written.append(body))
    figures = tmp_path / "gpu_lp.json"
    figures.write_text(json.dumps(_gpu_figures({"status": "failed: XlaRuntimeError: OOM"})),
                       encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        gpu_lp.main(["--write-from", str(figures)])
    assert "1e6 pdhg: failed: XlaRuntimeError: OOM" in str(stopped.value.code)
    assert written == []


def test_lp_restricted_stops_when_the_restricted_lp_is_not_solved(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks import lp_restricted

    quiet = lp_restricted._quiet_highs

    def no_time() -> Any:
        h = quiet()
        h.setOptionValue("time_limit", 0.0)
        return h

    monkeypatch.setattr(lp_restricted, "_quiet_highs", no_time)
    monkeypatch.setattr(sys, "argv", ["lp_restricted", "tutorial", "--days", "3"])
    with pytest.raises(SystemExit) as stopped:
        lp_restricted.main()
    assert "the restricted LP was not solved" in str(stopped.value.code)
