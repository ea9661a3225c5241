"""Columns that nothing can feed: held at 0 in every plan the planner makes.

Goods and units spread step by step from where they are held at the start or arrive from
before it, are given or are put into service, along the trips that can leave. A trip can
leave only where its units can be and where the food and fuel it draws can be; a place's
stock of a good, the cargo leaving it, its units' waiting (which eats from its stock) and
its idle units are held at 0 where nothing can bring them.

Within a step the LP balances a place's goods and units over the whole step, so a trip may
draw food that another trip of the same step brings. Followed in order (``in_order``, the
least fixed point within each step: a trip of the step is added once what it draws is
there, from before the step or brought by trips of the step already added), such chains
stay; what is left out is only what a loop of the step's trips could feed, each drawing
what the next one brings, with nothing to start it. The planner fixes those at 0: nothing
comes from nothing. Without that, carriers with no food anywhere they are could run a loop
of short trips to a village whose food nobody can fetch, and bring it; an LP that allows
such a loop from nothing, but only from nothing, is ill-posed (a loop that gains food
grows from a rounding error: HiGHS's simplex and interior point both stopped without a
plan on a network of 2,644 columns, ``tests/plan/test_feed.py``). On the built-in
scenario such loops fed the repair crews 1.0 t of rice in the first days, and 0.17 t more
salt reached the front (the default plan, measured 2026-12-04; docs/model.md).

``in_order=False`` instead keeps every column such a loop could feed (the greatest fixed
point within each step): fixing the rest at 0 changes nothing the LP allows (a reduction of
the LP alone; ``benchmarks/lp_forced.py`` compares the two).

The planner fixes these columns at 0 when it builds the LP (:func:`~supplyline.plan.model.
build_lp`): its interior point then meets fewer rows that nothing can feed (such rows carry
duals of 10^10 to 10^14 on the first days of the built-in scenario day by day), and on that
LP HiGHS's presolve no longer left it singular near its optimum (one measurement, not
traced further: docs/benchmarks.md; the planner's retry without presolve stays).

A column can also be held at 0 by a row whose other columns nothing can feed: a mode's
units cannot be in service in a step in which none of its trips can leave and none of its
units can wait (their unit-days would go nowhere). :func:`held_by_rows` finds those, row by
row, to a fixed point. On a small network where no unit can ever be in service (the people
of each village keep all their food, so no porter can eat) the interior point, without
them, met an LP with no interior and stopped without a plan.

Units alone are followed when the variables are laid out
(:func:`~supplyline.accounting.units_can_be`: no column where no unit can be); this module
follows goods and units together on the built LP (a trip needs its food and fuel where it
leaves), and only sets upper bounds.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from supplyline.accounting import waiting_ration
from supplyline.plan.constraints import LIMIT_FAMILIES

if TYPE_CHECKING:
    from supplyline.accounting import Legs
    from supplyline.plan.model import LinearProgram

__all__ = ["fed_legs", "held_by_rows", "nothing_can_feed"]

BoolArray = NDArray[np.bool_]
FloatArray = NDArray[np.float64]


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
    # The trips of earlier steps, by the step they land in: loaded units, cargo, empty units.
    later = [_by_arrival(arrive, steps)
             for arrive in (legs.arrive_loaded, legs.cargo_arrives, legs.arrive_empty)]

    def land(s: int, s2: int, loaded: BoolArray, empty: BoolArray, there: BoolArray,
             h: BoolArray, u: BoolArray) -> bool:
        """Add to ``h`` and ``u`` (step ``s``) what the trips of step ``s2`` that leave
        (``loaded``, ``empty``; goods where they leave: ``there``, read before any is
        added: ``spread`` repeats until nothing is) bring in step ``s``; whether anything
        was added."""
        count = np.count_nonzero(h) + np.count_nonzero(u)
        units = np.nonzero(loaded & (legs.arrive_loaded[:, s2] == s))[0]
        cargo = np.nonzero(loaded & (legs.cargo_arrives[:, s2] == s))[0]
        back = there[o[units]] & carried_back[units, :, s2]  # their food for the way back
        src = there[o[cargo]]
        walk = np.nonzero(empty & (legs.arrive_empty[:, s2] == s))[0]
        u[d[units], m[units]] = True
        u[d[walk], m[walk]] = True
        np.logical_or.at(h, d[units], back)
        np.logical_or.at(h, d[cargo], src)
        return bool(np.count_nonzero(h) + np.count_nonzero(u) != count)

    def landed_before(s: int) -> tuple[BoolArray, BoolArray]:
        """Goods and units at step ``s`` from the start, giving, the step before and the
        trips of earlier steps (settled already: one pass)."""
        h = goods_from[:, :, s] | (hold[:, :, s - 1] if s else False)
        u = units_from[:, :, s] | (at[:, :, s - 1] if s else False)
        (units, left), (cargo, sent), (walk, went) = (
            (leg[bounds[s]:bounds[s + 1]], step[bounds[s]:bounds[s + 1]])
            for leg, step, bounds in later)
        ok, fed = can_loaded[units, left], can_loaded[cargo, sent]
        units, left, cargo, sent = units[ok], left[ok], cargo[fed], sent[fed]
        walk = walk[can_empty[walk, went]]
        u[d[units], m[units]] = True
        u[d[walk], m[walk]] = True
        np.logical_or.at(h, d[units], hold[o[units], :, left] & carried_back[units, :, left])
        np.logical_or.at(h, d[cargo], hold[o[cargo], :, sent])
        return h, u

    def spread(before: tuple[BoolArray, BoolArray], s: int, loaded_now: BoolArray,
               empty_now: BoolArray) -> tuple[BoolArray, ...]:
        """Goods and units at step ``s`` when the trips of ``s`` that may leave are given."""
        h, u = before[0].copy(), before[1].copy()
        while land(s, s, loaded_now, empty_now, h, h, u):
            pass
        return h, u

    for s in range(steps):
        before = landed_before(s)
        if in_order:  # least fixed point: start from no trip of the day
            loaded_now = np.zeros(legs.n, dtype=bool)
            empty_now = np.zeros(legs.n, dtype=bool)
        else:  # greatest: start from every trip the day's units could make
            loaded_now = legs.loaded_ok[:, s].copy()
            empty_now = legs.empty_ok[:, s].copy()
        while True:
            h, u = spread(before, s, loaded_now, empty_now)
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


def _by_arrival(arrive: NDArray[np.int64], steps: int,
                ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """The trips [L, S] that land (``arrive``) in a later step than they leave, within the
    horizon: their legs and steps of leaving, ordered by the step they land in, and where
    each landing step's trips begin in that order [S + 1]."""
    leg, step = np.nonzero((arrive > np.arange(steps)[None, :]) & (arrive < steps))
    lands = arrive[leg, step]
    order = np.argsort(lands, kind="stable")
    return leg[order], step[order], np.searchsorted(lands[order], np.arange(steps + 1))


def nothing_can_feed(lp: LinearProgram, in_order: bool = True) -> dict[str, BoolArray]:
    """Columns held at 0 because nothing can feed them [n columns], by variable block:
    followed in order within a step (``in_order``, as the planner does), or also through the
    loops of a step's trips (``in_order=False``: columns the LP's rows hold at 0, though not
    all of them: :func:`held_by_rows` finds more)."""
    v = lp.variables
    hold, at, can_loaded, can_empty = _reach(lp, in_order)
    before = np.concatenate([np.zeros_like(at[:, :, :1]), at[:, :, :-1]], axis=2)
    eats = waiting_ration(lp.net, v.goods) > 0  # [M, G]
    # Units wait only where what they eat can be, but where a State leaves them, who may
    # go without it (Variables.waiting_unfed).
    lacking = eats[None, :, :, None] & ~hold[:, None, :, :]  # [P, M, G, S]
    unfed = (lacking & (v.waiting_unfed < 0)).any(axis=2)  # [P, M, S]
    masks = {
        "stock": (v.stock, ~hold),
        "cargo": (v.cargo, ~(can_loaded[:, None, :] & hold[v.legs.origin])),
        "loaded": (v.loaded, ~can_loaded),
        "empty": (v.empty, ~can_empty),
        "wounded": (v.wounded, ~can_empty[None]),
        "idle": (v.idle, ~at),
        "waiting": (v.waiting, ~(at | before) | unfed),
        "waiting_unfed": (v.waiting_unfed, ~(at | before)[:, :, None, :]),
    }
    out = {}
    for name, (block, mask) in masks.items():
        fixed = np.zeros(lp.n_columns, dtype=bool)
        fixed[block[(block >= 0) & mask]] = True
        out[name] = fixed
    return out


def fed_legs(lp: LinearProgram) -> Legs:
    """The LP's legs with only the loaded trips that can leave as the planner follows them
    (in order within a step: their carriers can be where they set out, and so can what
    they draw there). :func:`~supplyline.plan.reach.earliest_arrival` on these legs is when
    a good can first land at a place on a trip of the plan: never before it can on all the
    legs, which assumes carriers and their food everywhere."""
    _, _, can_loaded, _ = _reach(lp, in_order=True)
    return dataclasses.replace(lp.variables.legs, loaded_ok=can_loaded)


def held_by_rows(lp: LinearProgram, upper: FloatArray) -> BoolArray:
    """Columns that a row holds at 0 [n columns], given column upper bounds ``upper`` (0:
    held already), to a fixed point. Exact (it counts; no floating point): a row whose upper side
    is 0 and whose columns with a negative coefficient are all held at 0 holds those with a
    positive one at 0 too (their sum cannot go below 0), and the same with the signs turned
    round for a lower side of 0. Rows with a column whose lower bound is not 0 are left out,
    and so are the limits a diagnosis frees (:data:`~supplyline.plan.constraints.
    LIMIT_FAMILIES`: a closed route's capacity of 0 holds its trips at 0 only while the
    limit stands).
    """
    a = lp.assembled
    structural = np.concatenate([np.full(block.n_rows, block.family not in LIMIT_FAMILIES)
                                 for block in a.blocks]) if a.blocks else np.zeros(0, bool)
    matrix = a.matrix.tocsr()
    positive = (matrix > 0).astype(np.int64).tocsr()
    negative = (matrix < 0).astype(np.int64).tocsr()
    plain = (positive + negative) @ (lp.variables.lower != 0.0).astype(np.int64) == 0
    plain &= structural
    sides = [(plain & (a.row_upper == 0.0), negative, positive),
             (plain & (a.row_lower == 0.0), positive, negative)]
    fixed = np.asarray(upper <= 0.0)
    held = fixed.copy()
    # Per side: how many columns on its other side may still move, row by row; a row fires
    # once none may, and holds its forced columns at 0. Only the rows a newly held column
    # is in are looked at again.
    left = [other @ (~held).astype(np.int64) for _, other, _ in sides]
    others = [other.tocsc() for _, other, _ in sides]
    firing = [np.nonzero(side & (count == 0))[0] for (side, _, _), count in zip(sides, left,
                                                                              strict=True)]
    fired = [np.zeros(side.size, dtype=bool) for side, _, _ in sides]
    while True:
        for k, rows in enumerate(firing):
            fired[k][rows] = True
        columns = np.unique(np.concatenate([_entries(forced, rows) for (_, _, forced), rows
                                            in zip(sides, firing, strict=True)]))
        columns = columns[~held[columns]]
        if columns.size == 0:
            return held & ~fixed
        held[columns] = True
        for k, ((side, _, _), other) in enumerate(zip(sides, others, strict=True)):
            touched = _entries(other, columns)
            np.subtract.at(left[k], touched, 1)
            rows = np.unique(touched)
            firing[k] = rows[side[rows] & (left[k][rows] == 0) & ~fired[k][rows]]


def _entries(matrix: sparse.csr_array | sparse.csc_array, major: NDArray[np.int64],
             ) -> NDArray[np.int32]:
    """The minor indices of the entries of a compressed matrix's rows (CSR) or columns
    (CSC) ``major``, all together (each entry once, as the matrix holds it)."""
    starts, ends = matrix.indptr[major], matrix.indptr[major + 1]
    lengths = ends - starts
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return np.asarray(matrix.indices[offsets + np.arange(offsets.size)])
