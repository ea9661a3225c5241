"""The day-by-day LP restricted to the columns its optimum uses: how much faster it solves,
and whether its duals prove anything about the whole LP (docs/benchmarks.md, "Why the
day-by-day LP is slow").

    python -m benchmarks.lp_restricted [SCENARIO] --days 30

Solves the LP of the scenario's first ``--days`` days day by day with the planner's interior
point, keeps the cargo of the (leg, good) pairs that carry at least 1 kg and the units of the
legs that carry any, fixes every other column at 0, and solves again. Prints both times and
objectives, the largest dual of the restricted solve and the rows it sits on, and the proven
gap over the whole LP that the restricted duals give (``supplyline.plan.solvers.assess``)
beside the full solve's own. The columns come from the full solve, so the speed-up is the
most any choice of columns could give.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

import highspy
import numpy as np

from benchmarks._common import fail, machine, versions
from supplyline.network import compile_network
from supplyline.plan.model import (
    LinearProgram,
    _quiet_highs,
    build_lp,
    highs_model,
    solve_lp,
)
from supplyline.plan.solvers import assess
from supplyline.scenario.load import load
from supplyline.scenario.whatif import first_days, with_step_days

#: Units a leg must move over the horizon to stay; a (leg, good) pair stays when it carries at
#: least ``KEEP_CARGO_KG`` over the horizon (the figures in docs/benchmarks.md were measured
#: with 1 kg, the simulation's floor for cargo then).
KEEP_UNITS = 1e-3
KEEP_CARGO_KG = 1.0


def unused_columns(lp: LinearProgram, x: np.ndarray) -> np.ndarray:
    """Columns of the cargo pairs and unit legs that the solution ``x`` does not use."""
    v = lp.variables

    def total(block: np.ndarray, axis: int) -> np.ndarray:
        return np.where(block >= 0, x[np.maximum(block, 0)], 0.0).sum(axis=axis)

    pair_used = total(v.cargo, 2) >= KEEP_CARGO_KG
    leg_used = total(v.loaded, 1) + total(v.empty, 1) > KEEP_UNITS
    drop = np.zeros(lp.n_columns, dtype=bool)
    cargo = np.where(~pair_used[:, :, None], v.cargo, -1)
    units = [np.where(~leg_used[:, None], v.loaded, -1), np.where(~leg_used[:, None], v.empty, -1),
             np.where(~leg_used[None, :, None], v.wounded, -1)]
    for block in (cargo, *units):
        drop[block[block >= 0]] = True
    return drop


def daily_parser(doc: str) -> argparse.ArgumentParser:
    """The command line of a script on the first days of a scenario, day by day."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("scenario", nargs="?", default="dien-bien-phu-1954")
    parser.add_argument("--days", type=int, default=30)
    return parser


def daily_lp(scenario: str, days: int, fix_unreachable: bool = True) -> LinearProgram:
    """The LP of the scenario's first ``days`` days day by day, announced with the machine
    (``fix_unreachable``: as :func:`~supplyline.plan.model.build_lp`)."""
    lp = build_lp(compile_network(with_step_days(first_days(load(scenario), days), 1)),
                  fix_unreachable=fix_unreachable)
    print(machine())
    print(versions())
    print(f"{scenario}, first {days} days day by day: {lp.n_columns:,} columns, "
          f"{lp.n_rows:,} rows")
    return lp


def main() -> None:
    args = daily_parser(__doc__ or "").parse_args()
    lp = daily_lp(args.scenario, args.days)
    full = solve_lp(lp, "ipm")
    own = assess(lp, full.x, full.row_dual)
    print(f"full solve:       {full.solve_seconds:6.2f} s  objective {full.objective:,.4f}  "
          f"proven gap {own.gap:.1e}")

    drop = unused_columns(lp, full.x)
    model = highs_model(lp)
    upper = np.array(model.col_upper_)
    upper[drop] = 0.0
    model.col_upper_ = upper
    h = _quiet_highs()
    h.setOptionValue("solver", "ipm")
    h.setOptionValue("run_crossover", "off")
    h.passModel(model)
    started = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - started
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        fail(f"lp_restricted: the restricted LP was not solved ({h.modelStatusToString(status)} "
             f"after {seconds:.1f} s), so its figures would be wrong")
    sol = h.getSolution()
    x = np.asarray(sol.col_value, dtype=float)
    y = np.asarray(sol.row_dual, dtype=float)
    judged = assess(lp, x, y)
    print(f"restricted solve: {seconds:6.2f} s  objective {judged.objective:,.4f}  "
          f"({int(drop.sum()):,} columns fixed at 0, {h.getInfo().ipm_iteration_count} "
          f"iterations)")
    print(f"relative difference of the objectives: "
          f"{abs(judged.objective - full.objective) / abs(full.objective):.1e}")
    reduced = lp.cost - lp.assembled.matrix.T @ y
    print(f"restricted duals: largest |y| {np.abs(y).max():.2g}; dropped columns' smallest "
          f"reduced cost {reduced[drop].min():.2g}; proven gap over the whole LP "
          f"{judged.gap:.1e}")
    family = np.empty(lp.n_rows, dtype=object)
    for block, offset in zip(lp.assembled.blocks, lp.assembled.offsets, strict=False):
        family[offset:offset + block.n_rows] = block.family
    largest = np.argsort(-np.abs(y))[:400]
    print("rows of the 400 largest duals:",
          ", ".join(f"{name} {count}" for name, count in Counter(family[largest]).most_common()))


if __name__ == "__main__":
    main()
