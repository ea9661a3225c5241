"""End to end: planning the built-in scenario from a fresh process, start to summary.

Runs ``supplyline plan`` (or, while the command line has no ``plan`` command yet, the same
work from Python: load the default scenario and plan it) a few times in fresh processes and
reports the wall time and peak memory of each, against the target of 10 s.

First, in one process, the time is split into its steps: import, load (YAML and validation),
compile + build, solve and reading the plan; this run also warms the file cache and Python's
bytecode cache. When it takes more than six times the target, one timed run is enough to
show where things stand, and only one is made. A run still going after ``--timeout`` seconds
is stopped and reported as such.

Run from the repository root::

    python -m benchmarks.bench_cli            # print the table
    python -m benchmarks.bench_cli --write    # and update docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

from benchmarks._common import ROOT, stamp, table, write_section

TARGET_S = 10.0
FALLBACK = "import supplyline as sl; from supplyline.scenario.load import load; sl.plan(load())"
STEPS = """
import json, time
steps = {}
def done(step, since):
    steps[step] = time.perf_counter() - since
    print(json.dumps(steps), flush=True)
    return time.perf_counter()
now = time.perf_counter()
import supplyline as sl
from supplyline.network import compile_network
from supplyline.plan.model import build_lp, solve_lp
from supplyline.plan.result import read_plan
from supplyline.scenario.load import load
now = done("import", now)
scenario = load()
now = done("load", now)
lp = build_lp(compile_network(scenario))
steps["columns"], steps["rows"] = lp.n_columns, lp.n_rows
now = done("compile + build", now)
solution = solve_lp(lp, solver="ipm")  # the default of `supplyline plan`
now = done("solve", now)
read_plan(lp, solution, None)
done("read plan", now)
"""


def _last_json(output: str | bytes | None) -> dict[str, float]:
    if isinstance(output, bytes):
        output = output.decode("utf-8", "replace")
    lines = [line for line in (output or "").splitlines() if line.startswith("{")]
    return dict(json.loads(lines[-1])) if lines else {}


def plan_command() -> tuple[list[str], str]:
    """The command to time, and how to show it: ``supplyline plan`` when the CLI has it."""
    exe = shutil.which("supplyline")
    if exe is not None:
        probe = subprocess.run([exe, "plan", "--help"], capture_output=True, text=True,
                               check=False)
        if probe.returncode == 0:
            return [exe, "plan"], "supplyline plan"
    return [sys.executable, "-c", FALLBACK], f'python -c "{FALLBACK}"'


def run_once(command: list[str], timeout_s: float) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) and exit code of one fresh process."""
    started = time.perf_counter()
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL) as process:
        deadline = started + timeout_s
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.01)
        process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss / 1024.0, process.returncode


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs (default 5)")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds before a run is stopped (default 120)")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args(argv)

    command, shown = plan_command()
    print("timing the steps (and warming the caches) ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    finished = True
    try:
        steps_run = subprocess.run([sys.executable, "-c", STEPS], cwd=ROOT, capture_output=True,
                                   text=True, check=False, timeout=args.timeout)
        steps = _last_json(steps_run.stdout)
        finished = steps_run.returncode == 0
    except subprocess.TimeoutExpired as stopped_run:
        steps = _last_json(stopped_run.stdout)
        finished = False
    slow = time.perf_counter() - started > 6 * TARGET_S
    runs = 1 if slow else args.runs

    print(f"timing: {shown}", file=sys.stderr, flush=True)
    walls, peaks, codes = [], [], []
    for _ in range(runs):
        wall, peak, code = run_once(command, args.timeout)
        print(f"  {wall:.2f} s, {peak:.0f} MiB, exit {code}", file=sys.stderr, flush=True)
        walls.append(wall)
        peaks.append(peak)
        codes.append(code)

    median = statistics.median(walls)
    stopped = any(wall >= args.timeout for wall in walls)
    ok = all(code == 0 for code in codes)
    if stopped:
        outcome = f"no: stopped after {args.timeout:.0f} s"
    else:
        outcome = "yes" if ok else f"no (exit codes {codes})"
    rows = [[f"`{shown}`", f"{median:.2f} s", f"{min(walls):.2f} s", f"{max(walls):.2f} s",
             f"{max(peaks):.0f} MiB", outcome]]
    how = (f"{runs} measured runs, each a fresh process, after one warm-up run"
           if runs > 1 else
           "One measured run in a fresh process, after one warm-up run (the warm-up took more "
           f"than {6 * TARGET_S:.0f} s, so more runs would tell nothing new)")
    lines = [
        table(["command", "median wall", "fastest", "slowest", "peak RSS", "finished"], rows),
        "",
        f"{how}. Target: below {TARGET_S:.0f} s — "
        f"**{'met' if ok and not stopped and median < TARGET_S else 'NOT met'}**.",
    ]
    if not shown.startswith("supplyline plan"):
        lines.append("The command line has no `plan` command yet: the same work (load the "
                     "built-in default scenario, build, solve, read the plan) is timed from "
                     "Python instead; the summary printing is not included.")
    size = ""
    if "columns" in steps:
        size = f"; the LP has {steps.pop('columns'):,} columns × {steps.pop('rows'):,} rows"
    if steps:
        rows = [[k, f"{v:.2f}"] for k, v in steps.items()]
        if not finished:
            rows.append(["(next step)", f"stopped after {args.timeout:.0f} s in all"])
        lines += ["", f"Where the time goes (a separate process, run first{size}):", "",
                  table(["step", "seconds"], rows)]
    body = "\n".join(lines)
    print(body)
    if args.write:
        write_section("bench_cli", stamp() + "\n\n" + body)


if __name__ == "__main__":
    main()
