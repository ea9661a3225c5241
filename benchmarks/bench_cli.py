"""End to end: planning the built-in scenario from a fresh process, start to summary.

Runs ``supplyline plan`` a few times in fresh processes and reports the wall time and peak
memory of each, against the target of 10 s. The built-in scenario plans in steps of several
days after a day-by-day start (its ``policy``); the peer, ``supplyline plan --step-days 1``,
plans every day and is run once in the same session (with ``--time-limit`` set to the
``--timeout``), and the two plans' key figures are compared.

First, in one process, the time is split into its steps: import, load (YAML and validation),
compile + build, solve and reading the plan; this run also warms the file cache and Python's
bytecode cache. A run still going after ``--timeout`` seconds is stopped and reported as such.

Run from the repository root::

    python -m benchmarks.bench_cli            # print the tables
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
from typing import Any

from benchmarks._common import ROOT, stamp, table, write_section

TARGET_S = 10.0
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


def run_once(command: list[str], timeout_s: float) -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS (MiB), exit code and standard output of one fresh process."""
    started = time.perf_counter()
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL) as process:
        assert process.stdout is not None
        os.set_blocking(process.stdout.fileno(), False)
        chunks: list[bytes] = []
        deadline = started + timeout_s
        while True:
            chunks.append(process.stdout.read() or b"")
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                chunks.append(process.stdout.read() or b"")
                break
            if time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.01)
        process.returncode = os.waitstatus_to_exitcode(status)
    output = b"".join(chunks).decode("utf-8", "replace")
    return time.perf_counter() - started, usage.ru_maxrss / 1024.0, process.returncode, output


FIGURES = [
    ("wall", "s", lambda k, w: w),
    ("LP columns", "", lambda k, w: k.get("columns")),
    ("solve", "s", lambda k, w: k.get("solve_seconds")),
    ("delivered", "t", lambda k, w: k.get("delivered_t")),
    ("shortfall", "t", lambda k, w: k.get("shortfall_t")),
    ("shortfall days", "", lambda k, w: k.get("shortfall_days")),
    ("mobilized", "t", lambda k, w: k.get("mobilized_t")),
    ("eaten on the way", "t", lambda k, w: k.get("eaten_on_way_t")),
    ("labour-days", "", lambda k, w: k.get("labour_days")),
    ("wounded late", "person-days", lambda k, w: k.get("wounded_late_person_days")),
]


def _comparison(compared: list[tuple[str, str, float, float, dict[str, Any]]]) -> str:
    """A table of the key figures, one column per way of planning, and their difference."""
    header = ["figure", *(f"{label}: `{shown}`" for label, shown, *_ in compared), "difference"]
    rows = []
    for name, unit, get in FIGURES:
        values = [get(kpis, wall) for _, _, wall, _, kpis in compared]
        cells = [f"{v:,.1f}" if isinstance(v, float) else f"{v:,}" if v is not None else "-"
                 for v in values]
        a, b = values[0], values[-1]
        diff = (f"{100.0 * (a - b) / b:+.1f} %" if isinstance(a, int | float)
                and isinstance(b, int | float) and b else "")
        rows.append([f"{name} ({unit})" if unit else name, *cells, diff])
    return table(header, rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs (default 5)")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds before a run is stopped (default 120)")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args(argv)

    exe = shutil.which("supplyline") or "supplyline"
    command, shown = [exe, "plan"], "supplyline plan"
    print("timing the steps (and warming the caches) ...", file=sys.stderr, flush=True)
    finished = True
    try:
        steps_run = subprocess.run([sys.executable, "-c", STEPS], cwd=ROOT, capture_output=True,
                                   text=True, check=False, timeout=args.timeout)
        steps = _last_json(steps_run.stdout)
        finished = steps_run.returncode == 0
    except subprocess.TimeoutExpired as stopped_run:
        steps = _last_json(stopped_run.stdout)
        finished = False
    runs = args.runs

    print(f"timing: {shown}", file=sys.stderr, flush=True)
    walls, peaks, codes = [], [], []
    for _ in range(runs):
        wall, peak, code, _output = run_once(command, args.timeout)
        print(f"  {wall:.2f} s, {peak:.0f} MiB, exit {code}", file=sys.stderr, flush=True)
        walls.append(wall)
        peaks.append(peak)
        codes.append(code)
    compared = []
    # The peer may use the whole --timeout: the planner's own default limit (300 s) is below
    # what the day-by-day plan takes on 2 cores (docs/benchmarks.md).
    daily = ["--step-days", "1", "--time-limit", f"{args.timeout:g}"]
    for label, extra in (("steps (default)", []), ("day by day (peer)", daily)):
        print(f"comparing: {shown} {' '.join(extra)} --json", file=sys.stderr, flush=True)
        wall, peak, code, output = run_once([*command, *extra, "--json"], args.timeout)
        kpis = json.loads(output)["kpis"] if code == 0 else {}
        compared.append((label, " ".join([shown, *extra]), wall, peak, kpis))

    median = statistics.median(walls)
    stopped = any(wall >= args.timeout for wall in walls)
    ok = all(code == 0 for code in codes)
    if stopped:
        outcome = f"no: stopped after {args.timeout:.0f} s"
    else:
        outcome = "yes" if ok else f"no (exit codes {codes})"
    rows = [[f"`{shown}`", f"{median:.2f} s", f"{min(walls):.2f} s", f"{max(walls):.2f} s",
             f"{max(peaks):.0f} MiB", outcome]]
    how = f"{runs} measured runs, each a fresh process, after one warm-up run"
    lines = [
        table(["command", "median wall", "fastest", "slowest", "peak RSS", "finished"], rows),
        "",
        f"{how}. Target: below {TARGET_S:.0f} s — "
        f"**{'met' if ok and not stopped and median < TARGET_S else 'NOT met'}**.",
        "",
        "The same plan in the built-in steps and day by day (each one run of "
        "`... --json` in a fresh process, same session):",
        "",
        _comparison(compared),
    ]
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
