"""The day-by-day LP with the columns that nothing can feed fixed at 0: how much of the LP
is forced to zero by where goods and units can be, and whether removing it speeds the
interior point (docs/benchmarks.md, "Why the day-by-day LP is slow").

    python -m benchmarks.lp_forced [SCENARIO] --days 30

Which columns nothing can feed is :func:`supplyline.plan.feed.nothing_can_feed` (the planner
fixes them at 0 itself since 2026-12-03, followed in order within a step since 2026-12-04);
the script builds the LP without that, solves it, then solves it with the columns fixed
that even a loop of a day's trips could not feed, and checks that the objective stays the
same. ``--in-order`` fixes those the planner fixes: what a trip draws must be there before
it leaves, or be brought by a trip of the day that could leave before it (the least fixed
point); it shows what the LP's optimum gained from loops of a day's trips that nothing
starts.
"""

from __future__ import annotations

import re

import numpy as np

from benchmarks.lp_restricted import daily_lp, daily_parser
from supplyline.plan.feed import nothing_can_feed
from supplyline.plan.model import LinearProgram, Solution, solve_lp
from supplyline.plan.solvers import assess

BoolArray = np.ndarray


def _solve(lp: LinearProgram, fixed: BoolArray) -> tuple[float, int, float, float, Solution]:
    """The planner's interior point with ``fixed`` columns at 0: seconds, iterations,
    objective, the proven gap of its duals (over the LP with those columns at 0, which
    holds for the whole LP when they are forced) and the answer."""
    upper = lp.variables.upper
    lp.variables.upper = np.where(fixed, 0.0, upper)
    log: list[str] = []
    try:
        sol = solve_lp(lp, "ipm", solver_log=log.append)
        gap = assess(lp, sol.x, sol.row_dual).gap
    finally:
        lp.variables.upper = upper
    found = re.findall(r"IPM\s+iterations:\s*(\d+)", "".join(log))
    return sol.solve_seconds, int(found[-1]) if found else -1, sol.objective, gap, sol


def main() -> None:
    parser = daily_parser(__doc__ or "")
    parser.add_argument("--in-order", action="store_true",
                        help="require what a trip draws to be there before it leaves")
    args = parser.parse_args()
    lp = daily_lp(args.scenario, args.days, fix_unreachable=False)
    seconds, iterations, objective, gap, full = _solve(lp, np.zeros(lp.n_columns, dtype=bool))
    print(f"full solve:   {seconds:6.2f} s, {iterations} iterations, objective "
          f"{objective:,.4f}, proven gap {gap:.1e}, largest |dual| "
          f"{np.abs(full.row_dual).max():.2g}")
    blocks = nothing_can_feed(lp, in_order=args.in_order)
    fixed = np.logical_or.reduce(list(blocks.values()))
    print(f"forced to 0 ({'in order within a day' if args.in_order else 'as the LP allows'}): "
          f"{int(fixed.sum()):,} columns: "
          + ", ".join(f"{name} {int(mask.sum()):,}" for name, mask in blocks.items()))
    used = fixed & (full.x > 1e-6)
    print(f"of which the full solve uses {int(used.sum()):,} "
          f"(largest {full.x[used].max(initial=0):.3g})")
    seconds, iterations, reduced_objective, gap, reduced = _solve(lp, fixed)
    print(f"forced fixed: {seconds:6.2f} s, {iterations} iterations, objective "
          f"{reduced_objective:,.4f}, proven gap {gap:.1e}, largest |dual| "
          f"{np.abs(reduced.row_dual).max():.2g}")
    print(f"relative difference of the objectives: "
          f"{(reduced_objective - objective) / abs(objective):.1e}")
    unmet = lp.variables.unmet[lp.variables.unmet >= 0]
    print(f"unmet demand: {full.x[unmet].sum() / 1e3:,.1f} t full, "
          f"{reduced.x[unmet].sum() / 1e3:,.1f} t with the forced columns fixed")


if __name__ == "__main__":
    main()
