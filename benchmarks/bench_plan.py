"""Size sweep of the planning LP: build time and memory, and each solver's time, gap and
memory, from about 10^4 to 10^6 columns.

Synthetic scenarios (:mod:`supplyline.scenario.synthetic`) are sized to give about 10^4,
3·10^4, 10^5, 3·10^5 and 10^6 columns. Every (size, solver) runs in a fresh Python process,
so that its peak memory is its own. Per size:

- generation of the scenario data and its validation, reported apart from the build;
- the build: ``compile_network`` + ``build_lp``, the first run and the best of ``--repeat``
  runs, and per column (the target: below linopy's ~6 µs per variable); the build's memory
  (growth of the peak resident set size over the first build, and the peak of Python
  allocations during a build from ``tracemalloc``);
- per solver of the registry (``--solvers``, :mod:`supplyline.plan.solvers`; the planner's
  own settings): the solve's wall time under a time limit, its objective, the **proven**
  lower bound from its dual values and the gap between them
  (:func:`supplyline.plan.solvers.assess`, timed apart), the largest row or bound
  violation, the relative difference to the reference solver's objective (``--reference``,
  the full HiGHS solve, where it finishes) and the process's peak memory.

Then the growth with size: the exponent ``b`` of ``time ≈ a · columns^b`` fitted over the
sizes each solver finished (1 is linear), and the targets: 10^5 columns in < 10 s, 10^6 in
< 10 minutes, peak memory < 4 GiB, each for the fastest solver that finished with a proven
gap below 1e-4.

``--highs-option KEY=VALUE`` sets extra HiGHS options for the solves (it wraps the
planner's HiGHS factory), to measure a setting without changing the planner;
``--first-order-tolerance`` sets PDLP's relative tolerance (default 1e-4: at the planner's
1e-7 HiGHS's PDLP does not finish even the 10^4 size within a minute).

Run from the repository root::

    python -m benchmarks.bench_plan                       # print the table
    python -m benchmarks.bench_plan --write               # and update docs/benchmarks.md
    python -m benchmarks.bench_plan --sizes 1e4,3e4 --time-limit 60   # a quick look
    python -m benchmarks.bench_plan --solvers ipm,pdlp --time-limit 120 \
        --section bench_plan_pdlp --write                 # HiGHS's PDLP beside ipm
    python -m benchmarks.bench_plan --solvers cuopt,ipm --section bench_plan_gpu --write
                                                          # on a machine with an NVIDIA GPU
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import subprocess
import sys
import time
import tracemalloc
from typing import Any

from benchmarks._common import (
    ROOT,
    OtherLoad,
    fail,
    peak_rss_mib,
    stamp,
    table,
    write_section,
)

#: (label, places, days): sizes chosen to give about the labelled number of columns.
SIZES: list[tuple[str, int, int]] = [
    ("1e4", 12, 20),
    ("3e4", 25, 28),
    ("1e5", 50, 45),
    ("3e5", 100, 68),
    ("1e6", 250, 90),
]
TARGET_US_PER_COLUMN = 6.0
#: (size label, seconds): the solve targets of the scale issue.
TARGET_SOLVE_S = {"1e5": 10.0, "1e6": 600.0}
TARGET_PEAK_MIB = 4096.0
#: A solve counts towards the targets only with a proven gap below this.
TARGET_GAP = 1e-4


def _use_highs_options(options: list[str]) -> None:
    """Make the planner's HiGHS instances start with ``options`` (KEY=VALUE strings)."""
    import highspy

    from supplyline.plan import model, solvers

    make = model._quiet_highs

    def configured(solver_log: Any = None) -> Any:
        h = make(solver_log)
        for option in options:
            key, value = option.split("=", 1)
            if h.setOptionValue(key, value) != highspy.HighsStatus.kOk:
                raise ValueError(f"HiGHS refused the option {option}")
        return h

    model._quiet_highs = configured
    solvers._quiet_highs = configured


def _build(places: int, days: int, repeat: int, out: dict[str, Any]) -> Any:
    """Generate, validate and build, with the build's figures in ``out``; the LP."""
    from supplyline.network import compile_network
    from supplyline.plan.model import build_lp
    from supplyline.scenario.schema import Scenario
    from supplyline.scenario.synthetic import synthetic_document

    started = time.perf_counter()
    doc = synthetic_document(places, days)
    out["generate_s"] = time.perf_counter() - started
    started = time.perf_counter()
    scenario = Scenario.model_validate(doc)
    out["validate_s"] = time.perf_counter() - started
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
    out["first_build_s"] = compile_s[0] + build_s[0]
    out["build_s"] = min(c + b for c, b in zip(compile_s, build_s, strict=True))
    out["columns"] = lp.n_columns
    out["rows"] = lp.n_rows
    out["nonzeros"] = int(lp.assembled.matrix.nnz)
    if repeat > 1:  # Python-level allocation peak of one more build (not timed)
        # With no other LP alive, and the LP to solve built again after it: the process's
        # peak RSS, which the memory target reads, is then that of one LP, not of two.
        lp = None
        gc.collect()
        tracemalloc.start()
        build_lp(compile_network(scenario))
        out["traced_build_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        gc.collect()
        lp = build_lp(compile_network(scenario))
    gc.collect()
    return lp


def measure(places: int, days: int, solver: str, time_limit_s: float, repeat: int,
            highs_options: list[str], tolerance: float | None) -> dict[str, Any]:
    """Build one size and solve it with one solver, in this process."""
    from supplyline.errors import PlanError
    from supplyline.plan import solvers

    _use_highs_options(highs_options)
    if tolerance is not None:
        solvers.FIRST_ORDER_TOLERANCE = tolerance
    out: dict[str, Any] = {"places": places, "days": days, "repeat": repeat,
                           "solver": solver}
    lp = _build(places, days, repeat, out)
    result: dict[str, Any] = {}
    started = time.perf_counter()
    with OtherLoad() as other:
        try:
            solution = solvers.solve(lp, solver=solver, time_limit_s=time_limit_s)
        except PlanError as error:
            hit = "time limit" in str(error).lower()
            result["status"] = "time limit" if hit else f"failed: {error}"
            solution = None
    result["wall_s"] = time.perf_counter() - started
    result["other_cores"] = other.cores
    if solution is not None:
        result["status"] = solution.status.value
        started = time.perf_counter()
        judged = solvers.assess(lp, solution.x, solution.row_dual)
        result.update(assess_s=time.perf_counter() - started, objective=judged.objective,
                      bound=judged.bound, gap=judged.gap, violation=judged.violation,
                      note=solution.note)
    out["solve"] = result
    out["peak_rss_mib"] = peak_rss_mib()
    return out


def run_one(command: list[str]) -> dict[str, Any]:
    """The figures of one (size, solver) process (its last line of output, JSON); a process
    that fails stops the sweep, with its own error."""
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode == 0 and lines:
        try:
            return dict(json.loads(lines[-1]))
        except json.JSONDecodeError:
            pass
    said = "\n".join(done.stderr.strip().splitlines()[-15:]) or "(nothing on stderr)"
    fail(f"bench_plan: the process `{' '.join(command[1:])}` failed (exit status "
         f"{done.returncode}), so nothing is written:\n{said}")


def failed_solves(results: list[tuple[str, dict[str, dict[str, Any]]]]) -> list[str]:
    """The solves that failed other than at the time limit (an error of the solver, not a
    figure), as 'size solver: why'."""
    return [f"{label} {solver}: {r['solve']['status']}"
            for label, by_solver in results for solver, r in by_solver.items()
            if str(r["solve"]["status"]).startswith("failed")]


def _seconds(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def _solve_cell(result: dict[str, Any], limit: float) -> str:
    status = str(result["status"])
    if status == "optimal":
        return f"{result['wall_s']:.1f} s"
    if status == "time limit":
        return f"time limit ({limit:.0f} s)"
    if "objective" in result:  # an answer the solver could not prove optimal (pdhg-jax)
        return f"{result['wall_s']:.1f} s, not proven"
    return status[:60]


def _gap_cell(result: dict[str, Any]) -> str:
    if "gap" not in result:
        return "-"
    return "no bound" if math.isinf(result["gap"]) else f"{result['gap']:.1e}"


def exponent(points: list[tuple[float, float]]) -> float | None:
    """The slope b of log(time) = log(a) + b·log(columns), least squares; None below two
    points."""
    if len(points) < 2:
        return None
    xs = [math.log(c) for c, _ in points]
    ys = [math.log(max(t, 1e-6)) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mx) ** 2 for x in xs)
    if spread == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / spread


def report(results: list[tuple[str, dict[str, dict[str, Any]]]], solvers: list[str],
           reference: str, limit: float) -> str:
    """The table, the growth exponents and the targets, as Markdown."""
    header = ["target", "places × days", "columns", "rows", "build (best)", "µs / column",
              "traced peak", "solver", "solve", "objective", "proven gap", "largest violation",
              f"vs {reference}", "peak RSS", "others' load (cores)"]
    rows = []
    growth: dict[str, list[tuple[float, float]]] = {s: [] for s in ["build", *solvers]}
    verdicts: dict[str, tuple[str, float] | None] = {label: None for label in TARGET_SOLVE_S}
    peak = 0.0
    for label, by_solver in results:
        first = by_solver[solvers[0]]
        growth["build"].append((first["columns"], first["build_s"]))
        ref = by_solver.get(reference, {}).get("solve", {})
        for i, solver in enumerate(solvers):
            r = by_solver[solver]
            s = r["solve"]
            if s["status"] == "optimal":
                growth[solver].append((r["columns"], s["wall_s"]))
                good = s.get("gap", math.inf) <= TARGET_GAP
                if good and label in verdicts:
                    best = verdicts[label]
                    if best is None or s["wall_s"] < best[1]:
                        verdicts[label] = (solver, s["wall_s"])
                if good:
                    peak = max(peak, r["peak_rss_mib"])
            versus = "-"
            if "objective" in s and "objective" in ref and solver != reference:
                difference = abs(s["objective"] - ref["objective"])
                versus = f"{difference / max(1.0, abs(ref['objective'])):.1e}"
            rows.append([
                label if i == 0 else "",
                f"{r['places']} × {r['days']}" if i == 0 else "",
                f"{r['columns']:,}" if i == 0 else "",
                f"{r['rows']:,}" if i == 0 else "",
                _seconds(r["build_s"]) if i == 0 else "",
                f"{r['build_s'] / r['columns'] * 1e6:.2f}" if i == 0 else "",
                f"{r['traced_build_mib']:.0f} MiB" if i == 0 and "traced_build_mib" in r
                else "",
                solver,
                _solve_cell(s, limit),
                f"{s['objective']:,.2f}" if "objective" in s else "-",
                _gap_cell(s),
                f"{s['violation']:.1e}" if "violation" in s else "-",
                versus,
                f"{r['peak_rss_mib']:.0f} MiB",
                f"{s['other_cores']:.1f}",
            ])
    lines = [table(header, rows), ""]
    parts = []
    for name, points in growth.items():
        b = exponent(points)
        parts.append(f"{name} {b:.2f}" if b is not None else f"{name} (fewer than two sizes)")
    lines.append("Growth with size, the exponent b of time ≈ a · columns^b over the sizes "
                 "finished (1 is linear): " + ", ".join(parts) + ".")
    lines.append("")
    if results:
        firsts = [by_solver[solvers[0]] for _, by_solver in results]
        worst = max(r["build_s"] / r["columns"] * 1e6 for r in firsts)
        builds = firsts[0].get("repeat", 1)
        verdict = "met" if worst < TARGET_US_PER_COLUMN else "NOT met"
        lines.append(f"Target build below {TARGET_US_PER_COLUMN:.0f} µs per column (linopy's "
                     f"figure): worst measured {worst:.2f} µs per column (best of {builds} "
                     f"build{'s' * (builds != 1)}) — **{verdict}**.  ")
    for label, target in TARGET_SOLVE_S.items():
        if not any(lab == label for lab, _ in results):
            continue
        best = verdicts[label]
        if best is None:
            lines.append(f"Target {label} columns in < {target:.0f} s: no solver finished "
                         f"with a proven gap below {TARGET_GAP:.0e} — **NOT met**.  ")
        else:
            verdict = "met" if best[1] < target else "NOT met"
            lines.append(f"Target {label} columns in < {target:.0f} s: fastest with a proven "
                         f"gap below {TARGET_GAP:.0e} is {best[0]}, {best[1]:.1f} s — "
                         f"**{verdict}**.  ")
    if peak > 0:
        verdict = "met" if peak < TARGET_PEAK_MIB else "NOT met"
        lines.append(f"Target peak memory < {TARGET_PEAK_MIB / 1024:.0f} GiB: largest "
                     f"measured (a solve that counts) {peak:.0f} MiB — **{verdict}**.")
    else:
        lines.append(f"Target peak memory < {TARGET_PEAK_MIB / 1024:.0f} GiB: no solve that "
                     "counts finished, so not measured (the peaks of the solves stopped at "
                     "the limit are in the table).")
    lines += [
        "",
        "\"proven gap\" is (objective - bound) / max(1, |objective|), the bound computed from "
        "the solver's dual values (`supplyline.plan.solvers.assess`), \"no bound\" when none "
        "could be proven; \"largest violation\" is the largest row or bound violation "
        f"relative to 1 + |bound|; \"vs {reference}\" is the relative objective difference "
        "to the reference solve where both finished. Each (size, solver) ran in a fresh "
        "process: \"peak RSS\" is that process's peak. The machine may be shared: the last "
        f"column gives the cores other processes kept busy during the solve (out of "
        f"{os.cpu_count()}).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(label for label, _, _ in SIZES),
                        help="comma-separated size labels to run (default: all)")
    parser.add_argument("--solvers", default="ipm,simplex",
                        help="comma-separated solvers of the registry (default: ipm,simplex; "
                             "add pdlp or cuopt)")
    parser.add_argument("--reference", default="ipm",
                        help="the solver the others' objectives are compared with")
    parser.add_argument("--time-limit", type=float, default=600.0,
                        help="seconds allowed per solve (default 600)")
    parser.add_argument("--repeat", type=int, default=3, help="builds per size (best is kept)")
    parser.add_argument("--highs-option", action="append", default=[], metavar="KEY=VALUE",
                        help="extra HiGHS option for the solves (repeatable)")
    parser.add_argument("--first-order-tolerance", type=float, default=1e-4,
                        help="relative tolerance of the first-order solvers (default 1e-4; "
                             "the planner's 1e-7 does not finish 10^4 columns in a minute)")
    parser.add_argument("--section", default="bench_plan",
                        help="section of docs/benchmarks.md that --write replaces")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--json", metavar="PATH", help="also save the raw figures as JSON")
    parser.add_argument("--one", nargs=3, metavar=("PLACES", "DAYS", "SOLVER"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    solvers = [s for s in args.solvers.split(",") if s]

    if args.one:
        places, days, solver = int(args.one[0]), int(args.one[1]), args.one[2]
        result = measure(places, days, solver, args.time_limit, args.repeat,
                         args.highs_option, args.first_order_tolerance)
        print(json.dumps(result))
        return

    from supplyline.plan.solvers import REGISTRY, check_solver

    for solver in solvers:
        check_solver(solver)  # a clear error now, not after an hour
    first_order = any(REGISTRY[solver].first_order for solver in solvers)
    wanted = args.sizes.split(",")
    sweep_started = time.perf_counter()
    results: list[tuple[str, dict[str, dict[str, Any]]]] = []
    for label, places, days in SIZES:
        if label not in wanted:
            continue
        by_solver: dict[str, dict[str, Any]] = {}
        for i, solver in enumerate(solvers):
            command = [sys.executable, "-m", "benchmarks.bench_plan", "--one", str(places),
                       str(days), solver, "--time-limit", str(args.time_limit),
                       "--repeat", str(args.repeat if i == 0 else 1)]
            if args.first_order_tolerance is not None:
                command += ["--first-order-tolerance", str(args.first_order_tolerance)]
            for option in args.highs_option:
                command += ["--highs-option", option]
            print(f"size {label}: {places} places × {days} days, {solver} ...",
                  file=sys.stderr, flush=True)
            result = run_one(command)
            if i > 0:  # the build figures of the first process (best of --repeat)
                first = by_solver[solvers[0]]
                for key in ("build_s", "first_build_s", "traced_build_mib", "rss_build_mib"):
                    if key in first:
                        result[key] = first[key]
            print(f"  {result['columns']:,} columns, build {result['build_s']:.3f} s, "
                  f"{solver}: {_solve_cell(result['solve'], args.time_limit)}, gap "
                  f"{_gap_cell(result['solve'])}", file=sys.stderr, flush=True)
            by_solver[solver] = result
        results.append((label, by_solver))

    if args.json:
        with open(args.json, "w", encoding="utf-8") as raw:
            json.dump(dict(results), raw, indent=1)
    from supplyline.plan.solvers import FIRST_ORDER_TOLERANCE

    body = report(results, solvers, args.reference, args.time_limit)
    if first_order:
        body += (f"\nFirst-order solvers ran to a relative tolerance of "
                 f"{args.first_order_tolerance:.0e} (the planner's own: "
                 f"{FIRST_ORDER_TOLERANCE:.0e}).")
    minutes = (time.perf_counter() - sweep_started) / 60
    body += f"\nThe whole run took {minutes:.1f} minutes."
    if args.highs_option:
        body = ("HiGHS options set for the solves: "
                + ", ".join(f"`{o}`" for o in args.highs_option) + ".\n\n" + body)
    print(body)
    failed = failed_solves(results)
    if failed:
        fail("bench_plan: a solve failed, so the table above is not written:\n"
             + "\n".join(failed))
    if args.write:
        write_section(args.section, stamp() + "\n\n" + body)


if __name__ == "__main__":
    main()
