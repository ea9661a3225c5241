"""The planning LP on a GPU: MPAX's PDHG on JAX (the ``pdhg-jax`` solver) at 10^4, 10^5 and
10^6 columns, against HiGHS's interior point where it finishes quickly; one process, a few
minutes.

Per size, the synthetic scenario (:mod:`supplyline.scenario.synthetic`, the sizes of
``bench_plan``) is generated and built here, then:

- PDHG (:mod:`supplyline.plan.pdhg_jax`) on JAX's default device (the GPU where JAX has
  one): conversion and transfer to the device, the XLA compile (ahead of time, apart), and
  the compiled solve under the size's time limit, at a relative tolerance (``--tolerance``,
  default the planner's); its objective, the **proven** lower bound from its duals and the
  gap, the largest row or bound violation (:func:`supplyline.plan.solvers.assess`, timed
  apart);
- then, for the sizes of ``--highs-sizes``, HiGHS interior point with the planner's
  settings (``threads`` as given): its objective and the relative difference to PDHG's.

All PDHG solves run first (the figure the target is about: 10^6 columns in < 1 minute on
one GPU), the HiGHS references after them. ``--budget`` caps the whole run: each solve's
time limit shrinks to what is left. The figures are written to ``OUT/gpu_lp.json`` after
every step (a run cut short keeps what it measured) and the table to ``OUT/gpu_lp.md``;
the table is printed too.

Needs numpy, scipy, pydantic, PyYAML, rich, pint, highspy, jax and mpax (the ``[gpu]``
extra); on a machine without internet that has numpy, scipy and jax, the wheels of
``benchmarks/gpu_requirements.txt`` (how to fetch and install them: its first lines). Run
from the repository root::

    python -m benchmarks.gpu_lp OUT                       # 1e4, 1e5, 1e6 (about 4 minutes)
    python -m benchmarks.gpu_lp OUT --sizes 1e4 --time-limits 60 --highs-threads 2  # CPU
    python -m benchmarks.gpu_lp --write-from OUT/gpu_lp.json   # its figures into the docs

``--write-from`` puts a run's figures (its JSON, brought back from the GPU machine) into the
``gpu_lp`` section of docs/benchmarks.md, with the date, machine and command of that run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks._common import fail, stamp, table, write_section

#: (label, places, days), as in bench_plan.
SIZES: dict[str, tuple[int, int]] = {"1e4": (12, 20), "3e4": (25, 28), "1e5": (50, 45),
                                     "3e5": (100, 68), "1e6": (250, 90)}
#: What a step is kept in hand for after a solve (assessing it, writing the figures).
RESERVE_S = 5.0
#: The target: 10^6 columns in under a minute on one GPU (setup, compile and solve), with a
#: proven gap and every violation within bench_plan's TARGET_GAP.
TARGET_SIZE = "1e6"
TARGET_S = 60.0
TARGET_GAP = 1e-4


class _Bounds:
    """Each LP's implied column bounds computed once, in a thread of their own from when the
    LP is built (the dual repair and ``assess`` both ask for them after the solve; at 10^6
    columns they take tens of seconds of CPU, which the GPU solve then hides)."""

    def __init__(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from supplyline.plan import solvers

        self.compute = solvers.implied_upper_bounds
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.kept: tuple[Any, Any] | None = None
        solvers.implied_upper_bounds = self.once  # type: ignore[assignment]

    def prefetch(self, lp: Any) -> None:
        self.kept = (lp, self.pool.submit(self.compute, lp))

    def once(self, lp: Any, rounds: int = 200) -> Any:
        if self.kept is None or self.kept[0] is not lp or rounds != 200:
            return self.compute(lp, rounds)
        return self.kept[1].result()


def _build(places: int, days: int) -> tuple[Any, dict[str, Any]]:
    from supplyline.network import compile_network
    from supplyline.plan.model import build_lp
    from supplyline.scenario.synthetic import synthetic_scenario

    started = time.perf_counter()
    lp = build_lp(compile_network(synthetic_scenario(places, days)))
    return lp, {"places": places, "days": days, "columns": lp.n_columns, "rows": lp.n_rows,
                "nonzeros": int(lp.assembled.matrix.nnz),
                "build_s": time.perf_counter() - started}


def _pdhg(lp: Any, tolerance: float, limit: float, log: bool) -> dict[str, Any]:
    from supplyline.errors import PlanError
    from supplyline.plan import solvers
    from supplyline.plan.pdhg_jax import compile_pdhg

    say = (lambda line: print("   ", line, file=sys.stderr, flush=True)) if log else None
    try:
        compiled = compile_pdhg(lp, tolerance, say)
    except PlanError as error:
        return {"status": f"failed: {error}"}
    run = compiled.run(limit)
    out: dict[str, Any] = {
        "status": run.status, "device": run.device, "tolerance": tolerance,
        "time_limit_s": limit, "iterations": run.iterations, "setup_s": run.setup_seconds,
        "compile_s": run.compile_seconds, "solve_s": run.solve_seconds,
        "repair_s": run.repair_seconds,
        "history": [dict(zip(("s", "iterations", "primal", "dual", "gap", "primal_residual",
                              "dual_residual"), point, strict=True)) for point in run.history]}
    started = time.perf_counter()
    judged = solvers.assess(lp, run.x, run.row_dual)
    out.update(assess_s=time.perf_counter() - started, objective=judged.objective,
               bound=judged.bound, gap=judged.gap, violation=judged.violation,
               violation_absolute=judged.violation_absolute)
    return out


def _highs(lp: Any, limit: float) -> dict[str, Any]:
    from supplyline.errors import PlanError
    from supplyline.plan.model import solve_lp

    started = time.perf_counter()
    try:
        solution = solve_lp(lp, solver="ipm", time_limit_s=limit)
    except PlanError as error:
        hit = "time limit" in str(error).lower()
        return {"status": "time limit" if hit else f"failed: {error}",
                "wall_s": time.perf_counter() - started, "time_limit_s": limit}
    return {"status": solution.status.value, "wall_s": time.perf_counter() - started,
            "time_limit_s": limit, "objective": solution.objective}


def _threads(threads: int) -> None:
    """HiGHS with ``threads`` threads for the references (the planner's settings else)."""
    from benchmarks.bench_plan import _use_highs_options

    _use_highs_options([f"threads={threads}"])


def _cell_s(value: Any) -> str:
    return "-" if value is None else f"{value:.1f} s"


def report(results: dict[str, Any]) -> str:
    """The figures as Markdown."""
    header = ["size", "columns", "rows", "device", "compile", "PDHG solve", "iterations",
              "status", "objective", "proven gap", "largest violation", "HiGHS ipm",
              "HiGHS objective", "relative difference"]
    rows = []
    for label, r in results["sizes"].items():
        p = r.get("pdhg", {})
        h = r.get("highs", {})
        gap = p.get("gap")
        difference = "-"
        if "objective" in p and "objective" in h:
            relative = abs(p["objective"] - h["objective"]) / max(1.0, abs(h["objective"]))
            difference = f"{relative:.1e}"
        highs = "-"
        if h:
            highs = _cell_s(h["wall_s"]) if h["status"] == "optimal" else str(h["status"])[:80]
            if h["status"] == "time limit":
                highs += f" ({h['time_limit_s']:.0f} s)"
        rows.append([
            label, f"{r['columns']:,}", f"{r['rows']:,}", str(p.get("device", "-")),
            _cell_s(p.get("compile_s")), _cell_s(p.get("solve_s")),
            f"{p['iterations']:,}" if "iterations" in p else "-",
            str(p.get("status", "not run"))[:80],
            f"{p['objective']:,.2f}" if "objective" in p else "-",
            "-" if gap is None else ("no bound" if math.isinf(gap) else f"{gap:.1e}"),
            f"{p['violation']:.1e}" if "violation" in p else "-",
            highs,
            f"{h['objective']:,.2f}" if "objective" in h else "-",
            difference,
        ])
    tolerance = results["tolerance"]
    lines = [
        table(header, rows), "",
        f"PDHG: MPAX r²HPDHG (`--solver pdhg-jax`) in double precision to a relative "
        f"tolerance of {tolerance:.0e}, each size under its time limit "
        f"({', '.join(f'{k}: {v:.0f} s' for k, v in results['time_limits'].items())}); "
        "\"compile\" is the XLA compile of the whole solve, apart from \"PDHG solve\" (the "
        "compiled run); \"status\" is MPAX's own verdict (its criteria are relative to the "
        "norms of the whole LP). \"proven gap\" is (objective - bound) / max(1, |objective|) "
        "with the bound from its duals (`supplyline.plan.solvers.assess`, after the duals' "
        "repair), \"largest violation\" the largest row or bound violation relative to "
        "1 + |bound|. HiGHS: interior point with the planner's settings and "
        f"threads={results['highs_threads']}; \"relative difference\" is between the two "
        f"objectives. The whole run took {results.get('wall_s', float('nan')):.0f} s.",
    ]
    lines += ["", target_line(results)]
    return "\n".join(lines)


def target_line(results: dict[str, Any]) -> str:
    """The target and whether this run met it."""
    said = (f"Target: 10^6 columns in < {TARGET_S:.0f} s on one GPU (setup, compile and "
            f"solve) with a proven gap and every violation below {TARGET_GAP:.0e}")
    p = results["sizes"].get(TARGET_SIZE, {}).get("pdhg", {})
    if "gap" not in p:
        why = "not run" if not p else str(p.get("status"))[:80]
        return f"{said} — **NOT met**: the 10^6 size has no answer ({why})."
    seconds = p.get("setup_s", 0.0) + p.get("compile_s", 0.0) + p.get("solve_s", 0.0)
    met = seconds < TARGET_S and p["gap"] <= TARGET_GAP and p["violation"] <= TARGET_GAP
    return (f"{said} — **{'met' if met else 'NOT met'}**: {seconds:.1f} s on "
            f"{p.get('device', '?')}, status {p['status']}, proven gap {p['gap']:.1e}, "
            f"largest violation {p['violation']:.1e}.")


def failures(results: dict[str, Any]) -> list[str]:
    """The steps that failed (an error, not a time limit nor the budget)."""
    return [f"{label} {step}: {figures[step]['status']}"
            for label, figures in results["sizes"].items() for step in ("pdhg", "highs")
            if str(figures.get(step, {}).get("status", "")).startswith("failed")]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, nargs="?",
                        help="folder for gpu_lp.json and gpu_lp.md")
    parser.add_argument("--sizes", default="1e4,1e5,1e6",
                        help=f"comma-separated sizes of {', '.join(SIZES)} (default "
                             "1e4,1e5,1e6)")
    parser.add_argument("--time-limits", default="10,30,60",
                        help="seconds for each size's PDHG run, in the order of --sizes "
                             "(default 10,30,60; the last one repeats)")
    parser.add_argument("--tolerance", type=float, default=None,
                        help="PDHG's relative tolerance (default: the planner's)")
    parser.add_argument("--highs-sizes", default="1e4,1e5",
                        help="sizes also solved by HiGHS interior point (default 1e4,1e5; "
                             "'' for none)")
    parser.add_argument("--highs-time-limit", type=float, default=60.0,
                        help="seconds for each HiGHS solve (default 60)")
    parser.add_argument("--highs-threads", type=int, default=min(16, os.cpu_count() or 1),
                        help="HiGHS threads (default: the cores, at most 16)")
    parser.add_argument("--budget", type=float, default=230.0,
                        help="seconds for the whole run; the solves' time limits shrink to "
                             "fit (default 230)")
    parser.add_argument("--log", action="store_true", help="PDHG's progress on stderr")
    parser.add_argument("--write-from", type=Path, metavar="JSON",
                        help="write the figures of a run's gpu_lp.json into "
                             "docs/benchmarks.md (section gpu_lp) and stop")
    args = parser.parse_args(argv)
    if args.write_from is not None:
        done = json.loads(args.write_from.read_text(encoding="utf-8"))
        failed = failures(done)
        if failed:
            fail(f"gpu_lp: a step of {args.write_from} failed, so nothing is written:\n"
                 + "\n".join(failed))
        write_section("gpu_lp", done["stamp"] + "\n\n" + report(done))
        return
    if args.out is None:
        parser.error("the folder OUT is needed (or --write-from JSON)")
    started = time.perf_counter()
    deadline = started + args.budget

    from supplyline.plan import solvers
    from supplyline.plan.pdhg_jax import device_words, missing

    reason = missing()
    if reason is not None:
        sys.exit(f"gpu_lp: {reason}")
    tolerance = args.tolerance or solvers.FIRST_ORDER_TOLERANCE
    bounds = _Bounds()
    _threads(args.highs_threads)
    labels = [s for s in args.sizes.split(",") if s]
    unknown = [s for s in labels if s not in SIZES]
    if unknown:
        sys.exit(f"gpu_lp: unknown size {unknown[0]!r}; sizes are {', '.join(SIZES)}")
    limits = [float(v) for v in args.time_limits.split(",") if v]
    per_size = {label: limits[min(i, len(limits) - 1)] for i, label in enumerate(labels)}
    args.out.mkdir(parents=True, exist_ok=True)
    # The command as typed, the output folder (a path of that machine) as OUT.
    typed = ["OUT" if not a.startswith("-") and Path(a) == args.out else a
             for a in sys.argv[1:]]
    head = stamp(["jax", "jaxlib", "mpax"]).rsplit("Command:", 1)[0]
    command = "python -m benchmarks.gpu_lp " + shlex.join(typed)
    results: dict[str, Any] = {"stamp": f"{head}Command: `{command}`",
                               "device": device_words(), "tolerance": tolerance,
                               "time_limits": per_size, "highs_threads": args.highs_threads,
                               "sizes": {}}

    def save() -> None:
        results["wall_s"] = time.perf_counter() - started
        path = args.out / "gpu_lp.json"
        path.write_text(json.dumps(results, indent=1, default=float), encoding="utf-8")

    def left() -> float:
        return deadline - time.perf_counter() - RESERVE_S

    print(f"gpu_lp: JAX computes on {results['device']}", file=sys.stderr, flush=True)
    kept: dict[str, Any] = {}
    for label in labels:
        places, days = SIZES[label]
        print(f"size {label}: building {places} places × {days} days", file=sys.stderr,
              flush=True)
        lp, figures = _build(places, days)
        bounds.prefetch(lp)
        results["sizes"][label] = figures
        save()
        limit = min(per_size[label], left())
        if limit <= 1:
            figures["pdhg"] = {"status": "skipped (budget)"}
            continue
        print(f"  {figures['columns']:,} columns: PDHG, limit {limit:.0f} s", file=sys.stderr,
              flush=True)
        try:
            figures["pdhg"] = _pdhg(lp, tolerance, limit, args.log)
        except Exception as error:  # one shot on a borrowed machine: keep the other sizes
            figures["pdhg"] = {"status": f"failed: {type(error).__name__}: {error}"[:300]}
        p = figures["pdhg"]
        print(f"  {p['status']}: compile {p.get('compile_s', 0):.1f} s, solve "
              f"{p.get('solve_s', 0):.1f} s, gap {p.get('gap', math.nan):.1e}, violation "
              f"{p.get('violation', math.nan):.1e}", file=sys.stderr, flush=True)
        save()
        if label in args.highs_sizes.split(","):
            kept[label] = lp
        del lp
    for label, lp in kept.items():
        limit = min(args.highs_time_limit, left())
        if limit <= 1:
            results["sizes"][label]["highs"] = {"status": "skipped (budget)", "wall_s": 0.0}
            continue
        print(f"size {label}: HiGHS ipm, limit {limit:.0f} s", file=sys.stderr, flush=True)
        try:
            results["sizes"][label]["highs"] = _highs(lp, limit)
        except Exception as error:
            results["sizes"][label]["highs"] = {
                "status": f"failed: {type(error).__name__}: {error}"[:300], "wall_s": 0.0}
        save()
    save()
    body = report(results)
    (args.out / "gpu_lp.md").write_text(results["stamp"] + "\n\n" + body + "\n",
                                        encoding="utf-8")
    print(body)
    failed = failures(results)
    if failed:
        fail("gpu_lp: a step failed (its figures, kept in OUT, say so):\n" + "\n".join(failed))


if __name__ == "__main__":
    main()
