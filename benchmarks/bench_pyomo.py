"""Our LP build against the same LP written with Pyomo (:mod:`benchmarks.pyomo_model`).

For each size, from the same compiled Network:

- ours: ``build_lp`` (best of three), then ``solve_lp``; the hand-over to HiGHS is
  ``solve_lp``'s wall time minus HiGHS's own run time (it also includes reading the solution
  back, so it is an upper bound);
- Pyomo: model construction (best of three, as ours), writing it to HiGHS through the
  APPSI interface (``appsi_highs``: ``set_instance``), then the solve, which must end
  optimal (a benchmark whose Pyomo solve does not stops with an error: its objective would
  not be the optimum the targets compare), and apart from it the loading of the answer back
  into the model's variables (``load_vars``): the solve runs with ``load_solution`` off, so
  its time is HiGHS's run and the fetching of the solution's values out of HiGHS (which
  ours counts in its hand-over).

Targets: our build + hand-over at least 10 times faster than Pyomo's construction + writing,
and the same optimal objective (relative difference below 1e-6). Beyond the objectives, the
two models are compared row by row: every constraint, its bounds, every column's bounds and
cost, mapped from Pyomo's indices to our columns.

Run from the repository root (Pyomo is in the ``bench`` extra)::

    python -m benchmarks.bench_pyomo            # print the table
    python -m benchmarks.bench_pyomo --write    # and update docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import gc
import math
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks._common import OtherLoad, fail, peak_rss_mib, stamp, table, write_section
from benchmarks.bench_plan import _use_highs_options

#: (label, places, days, solver).
SIZES: list[tuple[str, int, int, str]] = [
    ("1e4", 12, 20, "simplex"),
    ("3e4", 25, 28, "simplex"),
    ("1e5", 50, 45, "simplex"),
]
#: HiGHS options for both sides' solves: with its default dual cost perturbation, HiGHS
#: does not finish the 1e5 size within minutes (see docs/benchmarks.md, "One HiGHS setting").
HIGHS_OPTIONS = {"dual_simplex_cost_perturbation_multiplier": 0.0}
TARGET_RATIO = 10.0
TARGET_OBJECTIVE = 1e-6


def _columns_of(lp: Any, model: Any) -> dict[int, int]:
    """Map each Pyomo variable (by ``id``) to our column index."""
    v = lp.variables
    slot = {int(c): g for g, c in enumerate(v.goods)}
    found: dict[int, int] = {}

    def put(component: Any, column_of: Any) -> None:
        for index, var in component.items():
            found[id(var)] = int(column_of(index))

    put(model.loaded, lambda i: v.loaded[i])
    put(model.empty, lambda i: v.empty[i])
    put(model.cargo, lambda i: v.cargo[i[0], slot[i[1]], i[2]])
    put(model.idle, lambda i: v.idle[i])
    put(model.waiting, lambda i: v.waiting[i])
    put(model.spare, lambda i: v.spare[i])
    put(model.recruited, lambda i: v.recruited[i])
    put(model.recruited_so_far, lambda i: v.recruited_so_far[i])
    put(model.released, lambda i: v.released[i])
    put(model.in_service, lambda i: v.in_service[i])
    put(model.labour_days_left, lambda i: v.labour_days_left[i])
    put(model.stock, lambda i: v.stock[i[0], slot[i[1]], i[2]])
    put(model.given, lambda i: v.given[i[0], slot[i[1]], i[2]])
    put(model.unmet, lambda i: v.unmet[i[0], slot[i[1]], i[2]])
    put(model.reserve_short, lambda i: v.reserve_short[i])
    # The way home is indexed (place, mode, home place); ours by the home's position among
    # the mode's homes.
    home_slot = [{int(h): j for j, h in enumerate(homes)} for homes in lp.net.homes]
    put(model.going_home, lambda i: v.going_home[i[1]][i[0], home_slot[i[1]][i[2]]])
    put(model.fleet, lambda i: v.fleet[i])
    found[id(model.max_burden)] = v.max_burden
    if min(found.values()) < 0:
        raise ValueError("a Pyomo variable has no column in our LP")
    return found


def _key(cols: Any, vals: Any, lower: float, upper: float) -> tuple[Any, ...]:
    def r(x: float) -> float:
        return x if not math.isfinite(x) or x == 0 else float(f"{x:.9g}")

    order = np.argsort(cols)
    terms = tuple((int(cols[i]), r(float(vals[i]))) for i in order)
    return (terms, r(lower), r(upper))


def compare_structure(lp: Any, model: Any) -> dict[str, Any]:
    """Compare the two LPs row by row: which rows only one has, and column bounds and costs.

    Rows without coefficients (a route's capacity on a day nothing can use it) are left out
    of ours, as Pyomo skips them.
    """
    import pyomo.environ as pyo
    from pyomo.repn import generate_standard_repn

    column = _columns_of(lp, model)
    n = lp.n_columns
    mapped = sorted(column.values())
    if len(mapped) != n or len(set(mapped)) != n:
        raise ValueError(f"Pyomo has {len(column)} variables for our {n} columns")

    ours: Counter[tuple[Any, ...]] = Counter()
    a = lp.assembled.matrix.tocsr()
    for row in range(a.shape[0]):
        lo, hi = a.indptr[row], a.indptr[row + 1]
        if hi > lo:
            ours[_key(a.indices[lo:hi], a.data[lo:hi], lp.assembled.row_lower[row],
                      lp.assembled.row_upper[row])] += 1
    theirs: Counter[tuple[Any, ...]] = Counter()
    for con in model.component_data_objects(pyo.Constraint, active=True):
        repn = generate_standard_repn(con.body, compute_values=True)
        if repn.nonlinear_vars or repn.quadratic_vars:
            raise ValueError(f"{con.name} is not linear")
        cols = np.array([column[id(x)] for x in repn.linear_vars])
        vals = np.array(repn.linear_coefs, dtype=float)
        # Merge repeated variables (Pyomo may keep a variable twice in one sum).
        cols, inverse = np.unique(cols, return_inverse=True)
        vals = np.bincount(inverse, weights=vals)
        keep = vals != 0
        lower = pyo.value(con.lower) - repn.constant if con.has_lb() else -math.inf
        upper = pyo.value(con.upper) - repn.constant if con.has_ub() else math.inf
        theirs[_key(cols[keep], vals[keep], lower, upper)] += 1

    cost = np.zeros(n)
    repn = generate_standard_repn(model.cost.expr, compute_values=True)
    for x, c in zip(repn.linear_vars, repn.linear_coefs, strict=True):
        cost[column[id(x)]] += c
    lower, upper = np.zeros(n), np.zeros(n)
    for var in model.component_data_objects(pyo.Var):
        lower[column[id(var)]] = -math.inf if var.lb is None else var.lb
        upper[column[id(var)]] = math.inf if var.ub is None else var.ub
    scale = np.maximum(1.0, np.abs(lp.cost))
    return {
        "rows_compared": sum(ours.values()),
        "rows_only_ours": sum((ours - theirs).values()),
        "rows_only_pyomo": sum((theirs - ours).values()),
        "cost_max_rel_diff": float(np.max(np.abs(cost - lp.cost) / scale)),
        "bounds_differ": int(np.sum((lower != lp.variables.lower)
                                    | (upper != lp.variables.upper))),
    }


def _best_of_three(build: Callable[[], Any]) -> tuple[Any, float]:
    """What ``build`` makes, and its fastest of three builds in seconds (ours and Pyomo's
    alike; one model alive at a time: the last is dropped before the next is built)."""
    made, times = None, []
    for _ in range(3):
        made = None
        gc.collect()
        started = time.perf_counter()
        made = build()
        times.append(time.perf_counter() - started)
    return made, min(times)


def measure(label: str, places: int, days: int, solver: str, time_limit_s: float,
            check_structure: bool) -> dict[str, Any]:
    from pyomo.contrib.appsi.solvers import Highs

    from benchmarks.pyomo_model import build_pyomo_model
    from supplyline.network import compile_network
    from supplyline.plan.model import build_lp, solve_lp
    from supplyline.scenario.synthetic import synthetic_scenario

    out: dict[str, Any] = {"label": label, "places": places, "days": days, "solver": solver}
    net = compile_network(synthetic_scenario(places, days))
    with OtherLoad() as other:
        lp, out["ours_build_s"] = _best_of_three(lambda: build_lp(net))
        out["columns"] = lp.n_columns
        out["rows"] = lp.n_rows
        started = time.perf_counter()
        solution = solve_lp(lp, solver=solver, time_limit_s=time_limit_s)
        out["ours_handover_s"] = time.perf_counter() - started - solution.solve_seconds
        out["ours_solve_s"] = solution.solve_seconds
        out["ours_objective"] = solution.objective

        gc.collect()
        rss = peak_rss_mib()
        model, out["pyomo_build_s"] = _best_of_three(lambda: build_pyomo_model(net))
        out["pyomo_rows"] = model.nconstraints()
        opt = Highs()
        opt.highs_options = {"solver": solver, **HIGHS_OPTIONS}
        opt.config.time_limit = time_limit_s
        # (the answer is loaded into the model's variables apart, and timed apart)
        opt.config.load_solution = False
        started = time.perf_counter()
        opt.set_instance(model)
        out["pyomo_write_s"] = time.perf_counter() - started
        out["pyomo_rss_growth_mib"] = peak_rss_mib() - rss
        started = time.perf_counter()
        result = opt.solve(model)
        out["pyomo_solve_s"] = time.perf_counter() - started
        out["pyomo_status"] = str(result.termination_condition).split(".")[-1]
        out["pyomo_objective"] = result.best_feasible_objective
        check_pyomo(out)
        started = time.perf_counter()
        opt.load_vars()
        out["pyomo_load_s"] = time.perf_counter() - started
    out["other_cores"] = other.cores
    if check_structure:  # the model as written: without the columns the planner fixes at 0
        # where nothing can feed them (plan.feed, an exact presolve of its own Pyomo's model
        # does not make)
        out["structure"] = compare_structure(build_lp(net, fix_unreachable=False), model)
    return out


def check_pyomo(out: dict[str, Any]) -> None:
    """Stop with an error unless Pyomo's solve ended optimal with an objective: the
    objective target compares optima."""
    if out["pyomo_status"] != "optimal" or out["pyomo_objective"] is None:
        fail(f"bench_pyomo: size {out['label']}: Pyomo's solve ended "
             f"{out['pyomo_status']} (objective {out['pyomo_objective']}), not optimal, so "
             "nothing is written")


def report(results: list[dict[str, Any]]) -> str:
    header = ["size", "columns", "ours: build + hand-over", "Pyomo: construct + write",
              "ratio", "solver", "ours: solve", "Pyomo: solve", "Pyomo: loading",
              "objective (ours)",
              "rel. difference", "rows compared", "Pyomo memory", "others' load"]
    rows = []
    ratios, diffs, identical = [], [], True
    for r in results:
        ours = r["ours_build_s"] + r["ours_handover_s"]
        theirs = r["pyomo_build_s"] + r["pyomo_write_s"]
        ratio = theirs / ours
        diff = abs(r["ours_objective"] - r["pyomo_objective"]) / abs(r["ours_objective"])
        ratios.append(ratio)
        diffs.append(diff)
        s = r.get("structure")
        if s is None:
            same = "not checked"
        else:
            ok = (s["rows_only_ours"] == 0 and s["rows_only_pyomo"] == 0
                  and s["bounds_differ"] == 0 and s["cost_max_rel_diff"] < 1e-12)
            identical &= ok
            same = (f"{s['rows_compared']:,}: identical" if ok else
                    f"{s['rows_only_ours']} only ours, {s['rows_only_pyomo']} only Pyomo, "
                    f"{s['bounds_differ']} bounds differ, cost diff "
                    f"{s['cost_max_rel_diff']:.1e}")
        rows.append([
            r["label"],
            f"{r['columns']:,}",
            f"{r['ours_build_s'] * 1000:.1f} + {r['ours_handover_s'] * 1000:.1f} ms",
            f"{r['pyomo_build_s']:.2f} + {r['pyomo_write_s']:.2f} s",
            f"{ratio:.0f}×",
            r["solver"],
            f"{r['ours_solve_s']:.1f} s",
            f"{r['pyomo_solve_s']:.1f} s ({r['pyomo_status']})",
            f"{r['pyomo_load_s']:.2f} s",
            f"{r['ours_objective']:.10g}",
            f"{diff:.1e}",
            same,
            f"{r['pyomo_rss_growth_mib']:.0f} MiB",
            f"{r['other_cores']:.1f} cores",
        ])
    lines = [
        table(header, rows),
        "",
        f"Speed target: ours at least {TARGET_RATIO:.0f}× faster than Pyomo's construction + "
        f"writing to HiGHS (each build the best of three). Smallest ratio measured: "
        f"{min(ratios):.0f}× — "
        f"**{'met' if min(ratios) >= TARGET_RATIO else 'NOT met'}**.  ",
        f"Objective target: relative difference below {TARGET_OBJECTIVE:.0e}. Largest "
        f"measured: {max(diffs):.1e} — "
        f"**{'met' if max(diffs) < TARGET_OBJECTIVE else 'NOT met'}**.  ",
    ]
    lines.append(
        "Both sides solve with the same HiGHS options: "
        + ", ".join(f"`{k}={v}`" for k, v in HIGHS_OPTIONS.items()) + ".  "
    )
    lines.append(
        "Hand-over (ours) is `solve_lp`'s wall time less HiGHS's run time: passing the arrays "
        "and reading the solution back. Pyomo's solve is APPSI's `solve` with `load_solution` "
        "off: HiGHS's run and the fetching of the solution's values out of HiGHS; the loading "
        "of those values into the model's variables (`load_vars`) is measured apart. Pyomo "
        "memory is the growth of the process's peak resident memory over construction and "
        "writing. The machine may be shared: the last column gives the cores other processes "
        "kept busy meanwhile."
    )
    if any("structure" in r for r in results):
        lines.append(
            "Row-by-row comparison (every non-empty row with its bounds, every column's bounds "
            "and cost, Pyomo's indices mapped to our columns; ours as written, before it fixes "
            "at 0 the columns nothing can feed, which Pyomo's model does not): "
            f"**{'identical' if identical else 'DIFFERENT'}**."
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(s[0] for s in SIZES),
                        help="comma-separated size labels to run (default: all)")
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--no-structure", action="store_true",
                        help="skip the row-by-row comparison of the two models")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args(argv)
    wanted = args.sizes.split(",")
    _use_highs_options([f"{key}={value}" for key, value in HIGHS_OPTIONS.items()])
    results = []
    for label, places, days, solver in SIZES:
        if label not in wanted:
            continue
        print(f"size {label}: {places} places × {days} days ...", file=sys.stderr, flush=True)
        r = measure(label, places, days, solver, args.time_limit, not args.no_structure)
        print(f"  ours {r['ours_build_s']:.3f} s, Pyomo {r['pyomo_build_s']:.2f} + "
              f"{r['pyomo_write_s']:.2f} s; solves {r['ours_solve_s']:.2f} s / "
              f"{r['pyomo_solve_s']:.2f} s, Pyomo's loading {r['pyomo_load_s']:.2f} s; "
              f"objectives {r['ours_objective']:.10g} / "
              f"{r['pyomo_objective']:.10g}", file=sys.stderr, flush=True)
        results.append(r)
    body = report(results)
    print(body)
    if args.write:
        write_section("bench_pyomo", stamp(["pyomo"]) + "\n\n" + body)


if __name__ == "__main__":
    main()
