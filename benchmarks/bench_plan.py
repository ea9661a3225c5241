"""Size sweep of the planning LP: build time, build memory and HiGHS solve times.

Synthetic scenarios (:mod:`supplyline.scenario.synthetic`) are sized to give about 10^4,
3·10^4, 10^5, 3·10^5 and 10^6 columns. Each size runs in a fresh Python process, so that its
peak memory is its own. Per size:

- generation of the scenario data and its validation (``Scenario.model_validate``), reported
  apart from the build;
- the build: ``compile_network`` + ``build_lp``, the first run (the process still takes its
  memory from the system) and the best of ``--repeat`` runs, and per column (the target:
  below linopy's ~6 µs per variable);
- the build's memory: growth of the peak resident set size over the first build, and the peak
  of Python allocations during a build (``tracemalloc``, which sees NumPy's buffers);
- the solve: ``solve_lp`` with HiGHS dual simplex and interior point, each under a time limit
  (reported as "time limit" when hit), or skipped above ``--solve-max-columns``.
  ``--highs-option KEY=VALUE`` sets extra HiGHS options for these solves, to measure a
  solver setting without changing the planner (it wraps the planner's HiGHS factory).

Run from the repository root::

    python -m benchmarks.bench_plan            # print the table
    python -m benchmarks.bench_plan --write    # and update docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
import tracemalloc
from typing import Any

from benchmarks._common import ROOT, OtherLoad, peak_rss_mib, stamp, table, write_section

#: (label, places, days): sizes chosen to give about the labelled number of columns.
SIZES: list[tuple[str, int, int]] = [
    ("1e4", 12, 20),
    ("3e4", 25, 28),
    ("1e5", 50, 45),
    ("3e5", 100, 68),
    ("1e6", 250, 90),
]
TARGET_US_PER_COLUMN = 6.0


def _use_highs_options(options: list[str]) -> None:
    """Make the planner's HiGHS instances start with ``options`` (KEY=VALUE strings)."""
    import highspy

    from supplyline.plan import model

    make = model._quiet_highs

    def configured() -> Any:
        h = make()
        for option in options:
            key, value = option.split("=", 1)
            if h.setOptionValue(key, value) != highspy.HighsStatus.kOk:
                raise ValueError(f"HiGHS refused the option {option}")
        return h

    model._quiet_highs = configured


def measure(places: int, days: int, solvers: list[str], time_limit_s: float,
            solve_max_columns: int, repeat: int, highs_options: list[str]) -> dict[str, Any]:
    """Measure one size in this process (the parent runs each size in a fresh process)."""
    from supplyline.errors import PlanError
    from supplyline.network import compile_network
    from supplyline.plan.model import build_lp, solve_lp

    _use_highs_options(highs_options)
    from supplyline.scenario.schema import Scenario
    from supplyline.scenario.synthetic import synthetic_document

    out: dict[str, Any] = {"places": places, "days": days, "repeat": repeat,
                           "highs_options": highs_options}
    started = time.perf_counter()
    doc = synthetic_document(places, days)
    out["generate_s"] = time.perf_counter() - started
    started = time.perf_counter()
    scenario = Scenario.model_validate(doc)
    out["validate_s"] = time.perf_counter() - started
    out["routes"] = len(scenario.routes)
    del doc
    gc.collect()

    rss_before = peak_rss_mib()
    compile_s, build_s = [], []
    lp = None
    with OtherLoad() as building:
        for _ in range(repeat):
            lp = None
            gc.collect()
            started = time.perf_counter()
            net = compile_network(scenario)
            compiled = time.perf_counter()
            lp = build_lp(net)
            finished = time.perf_counter()
            compile_s.append(compiled - started)
            build_s.append(finished - compiled)
            if len(build_s) == 1:
                out["rss_build_mib"] = peak_rss_mib() - rss_before
    assert lp is not None
    out["build_other_cores"] = building.cores
    out["rss_before_mib"] = rss_before
    out["first_build_s"] = compile_s[0] + build_s[0]
    out["compile_s"] = min(compile_s)
    out["build_lp_s"] = min(build_s)
    out["build_s"] = min(c + b for c, b in zip(compile_s, build_s, strict=True))
    out["columns"] = lp.n_columns
    out["rows"] = lp.n_rows
    out["nonzeros"] = int(lp.assembled.matrix.nnz)

    # Python-level allocation peak of one more build (tracemalloc slows it; not timed).
    kept = lp
    lp = None
    gc.collect()
    tracemalloc.start()
    build_lp(compile_network(scenario))
    out["traced_build_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    lp = kept
    gc.collect()

    out["solves"] = {}
    for solver in solvers:
        if lp.n_columns > solve_max_columns:
            out["solves"][solver] = {"status": "skipped"}
            continue
        started = time.perf_counter()
        with OtherLoad() as other:
            try:
                solution = solve_lp(lp, solver=solver, time_limit_s=time_limit_s)
                result = {"status": solution.status.value, "objective": solution.objective,
                          "highs_s": solution.solve_seconds}
            except PlanError as error:
                hit = "time limit" in str(error).lower()
                result = {"status": "time limit" if hit else f"failed: {error}"}
        result["wall_s"] = time.perf_counter() - started
        result["other_cores"] = other.cores
        out["solves"][solver] = result
    out["peak_rss_mib"] = peak_rss_mib()
    return out


def _seconds(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def _solve_cell(result: dict[str, Any], limit: float) -> str:
    status = str(result["status"])
    if status == "optimal":
        return f"{result['wall_s']:.1f} s"
    if status == "time limit":
        return f"time limit ({limit:.0f} s)"
    return status


def _other_load(r: dict[str, Any]) -> str:
    """Cores other processes used during the build and during each solve."""
    parts = [f"{r['build_other_cores']:.1f}"]
    parts += [f"{v['other_cores']:.1f}" for v in r["solves"].values() if "other_cores" in v]
    return " / ".join(parts)


def report(results: list[tuple[str, dict[str, Any]]], solvers: list[str], limit: float) -> str:
    header = ["target", "places × days", "columns", "rows", "nonzeros", "validate",
              "compile + build (best)", "first build", "µs / column", "peak RSS growth",
              "traced peak",
              *[f"solve: {s}" for s in solvers], "others' load (cores)"]
    rows = []
    for label, r in results:
        per_column = r["build_s"] / r["columns"] * 1e6
        rows.append([
            label,
            f"{r['places']} × {r['days']}",
            f"{r['columns']:,}",
            f"{r['rows']:,}",
            f"{r['nonzeros']:,}",
            _seconds(r["validate_s"]),
            f"{_seconds(r['compile_s'])} + {_seconds(r['build_lp_s'])}",
            _seconds(r["first_build_s"]),
            f"{per_column:.2f}",
            f"{r['rss_build_mib']:.0f} MiB",
            f"{r['traced_build_mib']:.0f} MiB",
            *[_solve_cell(r["solves"][s], limit) for s in solvers],
            _other_load(r),
        ])
    worst = max(r["build_s"] / r["columns"] * 1e6 for _, r in results)
    worst_first = max(r["first_build_s"] / r["columns"] * 1e6 for _, r in results)
    verdict = "met" if max(worst, worst_first) < TARGET_US_PER_COLUMN else "NOT met"
    agree = []
    for label, r in results:
        objectives = [s["objective"] for s in r["solves"].values() if "objective" in s]
        if len(objectives) > 1:
            spread = (max(objectives) - min(objectives)) / max(1.0, abs(objectives[0]))
            agree.append(f"{label}: {spread:.1e}")
    lines = [
        table(header, rows),
        "",
        f"Build target: below {TARGET_US_PER_COLUMN:.0f} µs per column (linopy's figure). "
        f"Worst measured: {worst:.2f} µs per column (best of {results[0][1]['repeat']}), "
        f"{worst_first:.2f} µs per column (first build) — **{verdict}**.",
        "",
        "The machine may be shared: the last column gives the cores other processes kept "
        "busy during the builds, then during each solve (out of "
        f"{os.cpu_count()}). Times measured beside a busy machine are longer than they would "
        "be alone.",
    ]
    if agree:
        lines.append("Relative objective difference between the solvers where both finished: "
                     + ", ".join(agree) + ".")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(label for label, _, _ in SIZES),
                        help="comma-separated size labels to run (default: all)")
    parser.add_argument("--solvers", default="simplex,ipm")
    parser.add_argument("--time-limit", type=float, default=300.0,
                        help="seconds allowed per solve (default 300)")
    parser.add_argument("--solve-max-columns", type=int, default=500_000,
                        help="skip solving above this many columns (default 500000)")
    parser.add_argument("--repeat", type=int, default=3, help="builds per size (best is kept)")
    parser.add_argument("--highs-option", action="append", default=[], metavar="KEY=VALUE",
                        help="extra HiGHS option for the solves (repeatable)")
    parser.add_argument("--section", default="bench_plan",
                        help="section of docs/benchmarks.md that --write replaces")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--json", metavar="PATH", help="also save the raw figures as JSON")
    parser.add_argument("--one", nargs=2, type=int, metavar=("PLACES", "DAYS"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    solvers = [s for s in args.solvers.split(",") if s]

    if args.one:
        places, days = args.one
        result = measure(places, days, solvers, args.time_limit, args.solve_max_columns,
                         args.repeat, args.highs_option)
        print(json.dumps(result))
        return

    wanted = args.sizes.split(",")
    sweep_started = time.perf_counter()
    results = []
    for label, places, days in SIZES:
        if label not in wanted:
            continue
        command = [sys.executable, "-m", "benchmarks.bench_plan", "--one", str(places),
                   str(days), "--solvers", ",".join(solvers), "--time-limit",
                   str(args.time_limit), "--solve-max-columns", str(args.solve_max_columns),
                   "--repeat", str(args.repeat)]
        for option in args.highs_option:
            command += ["--highs-option", option]
        print(f"size {label}: {places} places × {days} days ...", file=sys.stderr, flush=True)
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  {result['columns']:,} columns, build {result['build_s']:.3f} s, solves "
              + ", ".join(f"{k}: {_solve_cell(v, args.time_limit)}"
                          for k, v in result["solves"].items()),
              file=sys.stderr, flush=True)
        results.append((label, result))

    if args.json:
        with open(args.json, "w", encoding="utf-8") as raw:
            json.dump(dict(results), raw, indent=1)
    body = report(results, solvers, args.time_limit)
    minutes = (time.perf_counter() - sweep_started) / 60
    body += f"\nThe whole run took {minutes:.1f} minutes."
    if args.highs_option:
        body = ("HiGHS options set for the solves: "
                + ", ".join(f"`{o}`" for o in args.highs_option) + ".\n\n" + body)
    print(body)
    if args.write:
        write_section(args.section, stamp() + "\n\n" + body)


if __name__ == "__main__":
    main()
