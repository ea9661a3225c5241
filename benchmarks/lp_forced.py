"""The day-by-day LP with the columns that nothing can feed fixed at 0: how much of the LP
is forced to zero by where goods and units can be, and whether removing it speeds the
interior point (docs/benchmarks.md, "Why the day-by-day LP is slow").

    python -m benchmarks.lp_forced [SCENARIO] --days 30

Goods and units spread day by day from where they start or are given or recruited, along
the legs that can leave that day. A trip can leave only where its units can be and where the
food and fuel it draws can be; a place's stock of a good, the cargo leaving it and its units'
waiting (which eats from its stock) are held at 0 where nothing can bring them. Within a
day the LP balances a place's goods and units over the whole day, so a trip may draw food
that another trip of the same day brings: the default keeps every column such a same-day
exchange could feed (the greatest fixed point within each day), which changes nothing the LP
allows, and the script checks that the objective stays the same. ``--in-order`` instead
requires what a trip draws to be there before it leaves (the least fixed point) and shows
what the optimum gains from same-day exchanges.
"""

from __future__ import annotations

import re

import numpy as np

from benchmarks.lp_restricted import daily_lp, daily_parser
from supplyline.plan.model import LinearProgram, Solution, solve_lp
from supplyline.plan.solvers import assess

BoolArray = np.ndarray


def _reach(lp: LinearProgram, in_order: bool) -> tuple[BoolArray, ...]:
    """Where each good [P, G, S] and each mode's units [P, M, S] can be, and which loaded and
    empty trips [L, S] can leave."""
    net, v, start = lp.net, lp.variables, lp.start
    legs = v.legs
    steps = net.steps
    o, d, m = legs.origin, legs.dest, legs.mode

    def positive(block: np.ndarray) -> BoolArray:
        return np.asarray((block >= 0) & (v.upper[np.maximum(block, 0)] > 0), dtype=bool)

    goods_from = (start.stock_in > 0) | positive(v.given)
    units_from = (start.units_in > 0) | (positive(v.recruited) & positive(v.in_service))
    need_loaded = ((legs.food_loaded + legs.carried_back > 0)
                   | (legs.fuel_loaded > 0)[:, :, None])
    need_empty = (legs.food_empty > 0) | (legs.fuel_empty > 0)[:, :, None]
    carried_back = legs.carried_back > 0
    hold = np.zeros(goods_from.shape, dtype=bool)
    at = np.zeros(units_from.shape, dtype=bool)
    can_loaded = np.zeros(legs.loaded_ok.shape, dtype=bool)
    can_empty = np.zeros(legs.empty_ok.shape, dtype=bool)
    lag = int(max(np.max(legs.arrive_loaded - np.arange(steps), initial=0),
                  np.max(legs.arrive_empty - np.arange(steps), initial=0),
                  np.max(legs.cargo_arrives - np.arange(steps), initial=0)))

    def spread(s: int, loaded_now: BoolArray, empty_now: BoolArray) -> tuple[BoolArray, ...]:
        """Goods and units at step ``s`` when the trips of ``s`` that may leave are given."""
        h = goods_from[:, :, s] | (hold[:, :, s - 1] if s else False)
        u = units_from[:, :, s] | (at[:, :, s - 1] if s else False)
        changed = True
        while changed:
            changed = False
            for s2 in range(max(0, s - lag), s + 1):
                loaded = loaded_now if s2 == s else can_loaded[:, s2]
                empty = empty_now if s2 == s else can_empty[:, s2]
                there = h if s2 == s else hold[:, :, s2]
                for leg in np.nonzero(loaded)[0]:
                    src = there[o[leg]]
                    if legs.arrive_loaded[leg, s2] == s:
                        back = src & carried_back[leg, :, s2]
                        if not u[d[leg], m[leg]] or (back & ~h[d[leg]]).any():
                            u[d[leg], m[leg]] = True
                            h[d[leg]] |= back
                            changed = True
                    if legs.cargo_arrives[leg, s2] == s and (src & ~h[d[leg]]).any():
                        h[d[leg]] |= src
                        changed = True
                for leg in np.nonzero(empty)[0]:
                    if legs.arrive_empty[leg, s2] == s and not u[d[leg], m[leg]]:
                        u[d[leg], m[leg]] = True
                        changed = True
        return h, u

    for s in range(steps):
        if in_order:  # least fixed point: start from no trip of the day
            loaded_now = np.zeros(legs.n, dtype=bool)
            empty_now = np.zeros(legs.n, dtype=bool)
        else:  # greatest: start from every trip the day's units could make
            loaded_now = legs.loaded_ok[:, s].copy()
            empty_now = legs.empty_ok[:, s].copy()
        while True:
            h, u = spread(s, loaded_now, empty_now)
            loaded_next = (legs.loaded_ok[:, s] & u[o, m]
                           & ~(need_loaded[:, :, s] & ~h[o]).any(axis=1))
            empty_next = (legs.empty_ok[:, s] & u[o, m]
                          & ~(need_empty[:, :, s] & ~h[o]).any(axis=1))
            if (loaded_next == loaded_now).all() and (empty_next == empty_now).all():
                break
            loaded_now, empty_now = loaded_next, empty_next
        hold[:, :, s], at[:, :, s] = h, u
        can_loaded[:, s], can_empty[:, s] = loaded_now, empty_now
    return hold, at, can_loaded, can_empty


def forced_columns(lp: LinearProgram, in_order: bool = False) -> dict[str, BoolArray]:
    """Columns held at 0 because nothing can feed them, by variable block."""
    v = lp.variables
    hold, at, can_loaded, can_empty = _reach(lp, in_order)
    before = np.concatenate([np.zeros_like(at[:, :, :1]), at[:, :, :-1]], axis=2)
    eats = lp.net.rations_kg_per_day[:, v.goods] > 0  # [M, G]
    unfed = (eats[None, :, :, None] & ~hold[:, None, :, :]).any(axis=2)  # [P, M, S]
    masks = {
        "stock": (v.stock, ~hold),
        "cargo": (v.cargo, ~(can_loaded[:, None, :] & hold[v.legs.origin])),
        "loaded": (v.loaded, ~can_loaded),
        "empty": (v.empty, ~can_empty),
        "wounded": (v.wounded, ~can_empty[None]),
        "idle": (v.idle, ~at),
        "waiting": (v.waiting, ~(at | before) | unfed),
    }
    out = {}
    for name, (block, mask) in masks.items():
        fixed = np.zeros(lp.n_columns, dtype=bool)
        fixed[block[(block >= 0) & mask]] = True
        out[name] = fixed
    return out


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
    lp = daily_lp(args.scenario, args.days)
    seconds, iterations, objective, gap, full = _solve(lp, np.zeros(lp.n_columns, dtype=bool))
    print(f"full solve:   {seconds:6.2f} s, {iterations} iterations, objective "
          f"{objective:,.4f}, proven gap {gap:.1e}, largest |dual| "
          f"{np.abs(full.row_dual).max():.2g}")
    blocks = forced_columns(lp, args.in_order)
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
