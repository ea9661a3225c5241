"""A rolling horizon over the day-by-day LP: how far its plan is from the optimum and how
long it takes (docs/benchmarks.md, "Why the day-by-day LP is slow").

    python -m benchmarks.lp_rolling [SCENARIO] --days 60 --window 21 --commit 7

Solves the LP of the first ``--window`` days, keeps its first ``--commit`` days, then solves
the LP of ``--commit`` days more with those days fixed, and so on to ``--days``. The last
LP is the whole LP with every earlier day fixed, so its objective is that of a plan the
whole LP allows. The duals of the windows, each row's from the window that kept its day,
are then tried as a proof over the whole LP, and the whole LP is solved once for comparison
(``--no-full`` to skip).
"""

from __future__ import annotations

import contextlib
import io
import time

import numpy as np

from benchmarks.lp_restricted import daily_lp, daily_parser
from supplyline.plan import model
from supplyline.plan.model import LinearProgram
from supplyline.plan.solvers import assess

#: Variable blocks indexed by step (the step last); the others span the horizon.
STEP_BLOCKS = ("loaded", "empty", "cargo", "wounded", "idle", "waiting", "recruited",
               "recruited_so_far", "released", "in_service", "stock", "given", "unmet",
               "wounded_waiting", "late", "wounded_fed", "road_work", "crew_unfed",
               "labour_days_left")


def fix_days(lp: LinearProgram, before: LinearProgram, x: np.ndarray, days: int) -> None:
    """Fix the columns of ``lp``'s first ``days`` steps at the values ``x`` of ``before``."""
    lower, upper = lp.variables.lower.copy(), lp.variables.upper.copy()
    for name in STEP_BLOCKS:
        new = getattr(lp.variables, name)[..., :days]
        old = getattr(before.variables, name)[..., :days]
        both = (new >= 0) & (old >= 0)
        value = np.clip(x[old[both]], lower[new[both]], upper[new[both]])
        lower[new[both]] = upper[new[both]] = value
        only = (new >= 0) & (old < 0)
        lower[new[only]] = upper[new[only]] = 0.0
    lp.variables.lower, lp.variables.upper = lower, upper


def _row_index(lp: LinearProgram) -> dict[tuple[str, tuple[int, ...]], int]:
    """Each row of ``lp`` by its family and keys."""
    out = {}
    for block, offset in zip(lp.assembled.blocks, lp.assembled.offsets, strict=True):
        for i, keys in enumerate(block.keys):
            out[(block.family, tuple(int(k) for k in keys))] = int(offset + i)
    return out


def stitched_duals(whole: LinearProgram, windows: list[tuple[LinearProgram, np.ndarray, int,
                                                              int]]) -> np.ndarray:
    """Row duals for ``whole``: each row's from the window that kept its step (rows without
    a step from the last window)."""
    index = _row_index(whole)
    y = np.zeros(whole.n_rows)
    for number, (lp, dual, first, kept) in enumerate(windows):
        last = number == len(windows) - 1
        for block, offset in zip(lp.assembled.blocks, lp.assembled.offsets, strict=True):
            step = block.key_names.index("step") if "step" in block.key_names else None
            for i, keys in enumerate(block.keys):
                if step is None:
                    take = last
                else:
                    take = first <= keys[step] < kept or (last and keys[step] >= first)
                row = index.get((block.family, tuple(int(k) for k in keys)))
                if take and row is not None:
                    y[row] = dual[offset + i]
    return y


def _lp(scenario: str, days: int) -> LinearProgram:
    with contextlib.redirect_stdout(io.StringIO()):
        return daily_lp(scenario, days)


def main() -> None:
    parser = daily_parser(__doc__ or "")
    parser.add_argument("--window", type=int, default=21, help="days each LP plans")
    parser.add_argument("--commit", type=int, default=7, help="days each LP keeps")
    parser.add_argument("--no-full", action="store_true", help="skip the whole LP's solve")
    args = parser.parse_args()
    if not 1 <= args.commit <= args.window:
        parser.error("--commit must be from 1 to --window")
    whole = daily_lp(args.scenario, args.days)  # announced with the machine
    # Every window solved as the planner solves large LPs (interior point, no crossover).
    model.INTERIOR_ONLY_COLUMNS = 0
    started = time.perf_counter()
    solving = 0.0
    before: LinearProgram | None = None
    x = np.zeros(0)
    windows: list[tuple[LinearProgram, np.ndarray, int, int]] = []
    first = 0
    while True:
        last = min(args.days, first + args.window)
        lp = _lp(args.scenario, last)
        if before is not None:
            fix_days(lp, before, x, first)
        sol = model.solve_lp(lp, "ipm")
        solving += sol.solve_seconds
        print(f"days {first + 1}-{last}: {sol.solve_seconds:5.2f} s, objective "
              f"{sol.objective:,.2f}", flush=True)
        before, x = lp, sol.x
        windows.append((lp, sol.row_dual, first, first + args.commit))
        if last == args.days:
            break
        first += args.commit
    rolling = sol.objective
    print(f"rolling horizon (window {args.window}, commit {args.commit}): objective "
          f"{rolling:,.4f}; solves {solving:.1f} s, {time.perf_counter() - started:.1f} s "
          "in all")
    judged = assess(whole, x, stitched_duals(whole, windows))
    proven = (f"gap {judged.gap:.1e}" if np.isfinite(judged.bound) else
              f"no bound ({judged.unbounded_columns:,} columns without an upper bound have a "
              "negative reduced cost)")
    print(f"the windows' own duals, each row's from the window that kept it, over the whole "
          f"LP: {proven}")
    if not args.no_full:
        full = model.solve_lp(whole, "ipm")
        print(f"whole LP: objective {full.objective:,.4f} in {full.solve_seconds:.1f} s; "
              f"the rolling horizon is {(rolling - full.objective) / abs(full.objective):.1e} "
              "above it")


if __name__ == "__main__":
    main()
