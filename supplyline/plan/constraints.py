"""The planning LP's constraints, one plain function per family.

Each ``define_*`` function reads the Network arrays and the variable layout and returns a
:class:`RowBlock`: sparse coefficients over local row numbers, row bounds, and for every row
the indices that name it (place, commodity, step, ...) so that a binding row can be told back
to the user in domain words. :func:`assemble` stacks the blocks into one matrix, once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from supplyline.accounting import (
    crew_days,
    departure,
    labour_ration,
    landed_share,
    persons_per,
    repair_crew_days,
    repair_crew_food,
    step_capacity,
    time_charges,
    waiting_ration,
    way_home_kg,
    wounded_food,
    wounded_on_the_way,
)
from supplyline.network import Network
from supplyline.plan.variables import FloatArray, IntArray, Variables

INF = np.inf
#: The row families that stand for a limit a diagnosis frees to see what it holds back
#: (:mod:`supplyline.plan.diagnose`): no column is fixed at 0 from them when the LP is built
#: (:func:`~supplyline.plan.feed.held_by_rows`), else freeing the row would free nothing.
LIMIT_FAMILIES = frozenset({
    "route_movements", "route_tonnage", "handling", "arrivals", "labour_fairness",
    "food_fairness", "replay_given", "replay_labour", "replay_carriers"})


@dataclass
class RowBlock:
    """A family of rows: ``lower <= A[rows] @ x <= upper``."""

    family: str
    key_names: tuple[str, ...]
    keys: IntArray  # [n, len(key_names)]
    lower: FloatArray  # [n]
    upper: FloatArray  # [n]
    row: IntArray  # local row of each coefficient
    col: IntArray
    val: FloatArray

    @property
    def n_rows(self) -> int:
        return int(self.lower.size)


class _Rows:
    """Collects coefficients for rows laid out like a boolean mask."""

    def __init__(self, mask: NDArray[np.bool_]) -> None:
        self.index = np.full(mask.shape, -1, dtype=np.int64)
        self.index[mask] = np.arange(int(mask.sum()))
        self.keys = np.argwhere(mask).astype(np.int64)
        self._row: list[IntArray] = []
        self._col: list[IntArray] = []
        self._val: list[FloatArray] = []

    def add(self, rows: IntArray, cols: IntArray, vals: FloatArray | float) -> None:
        rows, cols, vals = np.broadcast_arrays(rows, cols, np.asarray(vals, dtype=float))
        keep = (rows >= 0) & (cols >= 0) & (vals != 0)
        self._row.append(rows[keep].ravel())
        self._col.append(cols[keep].ravel())
        self._val.append(vals[keep].ravel())

    def change(self, cols: IntArray, keep: FloatArray | float = 1.0, sign: float = 1.0) -> None:
        """Add ``sign × (x[.., s] − keep × x[.., s−1])`` for a variable laid out like the rows
        with time last: the step-to-step change of a running quantity (a stock, a fleet, a
        running total)."""
        self.add(self.index, cols, sign)
        previous = np.asarray(keep, dtype=float)
        if previous.ndim:
            previous = previous[..., 1:]
        self.add(self.index[..., 1:], cols[..., :-1], -sign * previous)

    def block(
        self,
        family: str,
        key_names: tuple[str, ...],
        lower: FloatArray | float,
        upper: FloatArray | float,
    ) -> RowBlock:
        n = self.keys.shape[0]
        lo = np.broadcast_to(np.asarray(lower, dtype=float), self.index.shape)[self.index >= 0]
        hi = np.broadcast_to(np.asarray(upper, dtype=float), self.index.shape)[self.index >= 0]
        empty_i = np.zeros(0, dtype=np.int64)
        return RowBlock(
            family=family,
            key_names=key_names,
            keys=self.keys,
            lower=np.array(lo[:n], dtype=float),
            upper=np.array(hi[:n], dtype=float),
            row=np.concatenate(self._row) if self._row else empty_i,
            col=np.concatenate(self._col) if self._col else empty_i,
            val=np.concatenate(self._val) if self._val else np.zeros(0),
        )


def _arrival_rows(
    index: IntArray, place: IntArray, second: IntArray, dispatch: IntArray, arrive: IntArray
) -> tuple[IntArray, IntArray]:
    """Rows of ``index[place, second, arrive[leg, s]]`` for every dispatch column (leg, s)."""
    steps = dispatch.shape[1]
    ok = (dispatch >= 0) & (arrive < steps)
    rows = np.full(dispatch.shape, -1, dtype=np.int64)
    legs_i, steps_i = np.nonzero(ok)
    rows[legs_i, steps_i] = index[place[legs_i], second[legs_i], arrive[legs_i, steps_i]]
    return rows, dispatch


def define_cargo_within_payload(net: Network, v: Variables) -> RowBlock:
    """Cargo on a dispatch + the food its units eat on the way (and carry for the way back)
    ≤ payload × units: cargo ≤ cargo_room × units dispatched loaded."""
    rows = _Rows(v.loaded >= 0)
    rows.add(rows.index[:, None, :], v.cargo, 1.0)
    rows.add(rows.index, v.loaded, -v.legs.cargo_room)
    return rows.block("cargo_within_payload", ("leg", "step"), -INF, 0.0)


def define_wounded_within_places(net: Network, v: Variables) -> RowBlock:
    """Wounded carried on a dispatch are at most wounded_per_unit × units dispatched empty."""
    rows = _Rows(v.empty >= 0)
    for w in range(v.wounded.shape[0]):
        rows.add(rows.index, v.wounded[w], 1.0)
    rows.add(rows.index, v.empty, -v.legs.wounded_per_unit[:, None])
    block = rows.block("wounded_within_places", ("leg", "step"), -INF, 0.0)
    # Keep only rows that carry wounded.
    used = np.zeros(block.n_rows, dtype=bool)
    used[block.row[block.val > 0]] = True
    return _only(block, used)


def _only(block: RowBlock, keep: NDArray[np.bool_]) -> RowBlock:
    """The rows of ``block`` marked in ``keep``, renumbered."""
    new = np.cumsum(keep) - 1
    take = keep[block.row]
    return RowBlock(block.family, block.key_names, block.keys[keep], block.lower[keep],
                    block.upper[keep], new[block.row[take]], block.col[take], block.val[take])


def define_route_movements(net: Network, v: Variables, factor: FloatArray) -> RowBlock:
    """Unit movements (weighted by road use) per arc and step within the derated capacity."""
    limited = np.isfinite(net.capacity_movements)
    rows = _Rows(np.broadcast_to(limited[:, None], (net.n_arcs, net.steps)).copy())
    use = net.road_use[v.legs.mode][:, None]
    arc_rows = rows.index[v.legs.arc]
    rows.add(arc_rows, v.loaded, use)
    rows.add(arc_rows, v.empty, use)
    return rows.block("route_movements", ("arc", "step"), -INF, np.where(
        limited[:, None], step_capacity(net.capacity_movements, factor, net.step_length), 0.0))


def define_route_tonnage(net: Network, v: Variables, factor: FloatArray) -> RowBlock:
    """Cargo per arc and step within the derated tonnage capacity."""
    limited = np.isfinite(net.capacity_kg)
    rows = _Rows(np.broadcast_to(limited[:, None], (net.n_arcs, net.steps)).copy())
    rows.add(rows.index[v.legs.arc][:, None, :], v.cargo, 1.0)
    return rows.block("route_tonnage", ("arc", "step"), -INF, np.where(
        limited[:, None], step_capacity(net.capacity_kg, factor, net.step_length), 0.0))


def define_handling(net: Network, v: Variables) -> RowBlock:
    """Cargo loaded and unloaded at a place per step within its handling capacity: all that
    is loaded, and what lands of it (less the expected loss on the way, as the stock
    balance lands it; nothing is unloaded of what was destroyed)."""
    limited = np.isfinite(net.handling_kg_per_day)
    rows = _Rows(np.broadcast_to(limited[:, None], (net.n_places, net.steps)).copy())
    legs = v.legs
    rows.add(rows.index[legs.origin][:, None, :], v.cargo, 1.0)
    idx3 = rows.index[:, None, :]
    in_rows, _ = _arrival_rows(idx3, legs.dest, np.zeros_like(legs.dest), v.loaded,
                               legs.cargo_arrives)
    ok = in_rows >= 0
    target = np.where(ok[:, None, :], in_rows[:, None, :], -1)
    landed = landed_share(net, legs.arc, legs.mode)  # [L, S]
    rows.add(np.broadcast_to(target, v.cargo.shape), v.cargo,
             np.broadcast_to(landed[:, None, :], v.cargo.shape))
    cap = np.where(limited, net.handling_kg_per_day, 0.0)[:, None] * net.step_length
    return rows.block("handling", ("place", "step"), -INF, cap)


def define_arrivals(net: Network, v: Variables) -> RowBlock:
    """Units arriving at a place per step (loaded or empty) within what it can receive."""
    limited = np.isfinite(net.arrivals_per_day)
    rows = _Rows(np.broadcast_to(limited[:, None, None], (net.n_places, 1, net.steps)).copy())
    legs = v.legs
    for dispatch, arrive in ((v.loaded, legs.arrive_loaded), (v.empty, legs.arrive_empty)):
        in_rows, cols = _arrival_rows(rows.index, legs.dest, np.zeros_like(legs.dest),
                                      dispatch, arrive)
        rows.add(in_rows, cols, 1.0)
    cap = np.where(limited, net.arrivals_per_day, 0.0)[:, None, None] * net.step_length
    return rows.block("arrivals", ("place", "unit", "step"), -INF, cap)


def define_fleet_balance(net: Network, v: Variables, units_in: FloatArray) -> RowBlock:
    """Units at a place: the last step's + recruited − released + arrived − dispatched =
    this step's (+ units waiting at the start or arriving from before it)."""
    rows = _Rows(v.idle >= 0)
    idx = rows.index
    rows.change(v.idle)
    rows.add(idx, v.recruited, -1.0)
    rows.add(idx, v.released, 1.0)
    legs = v.legs
    out_rows = idx[legs.origin, legs.mode, :]
    rows.add(out_rows, v.loaded, 1.0)
    rows.add(out_rows, v.empty, 1.0)
    for dispatch, arrive in ((v.loaded, legs.arrive_loaded), (v.empty, legs.arrive_empty)):
        in_rows, cols = _arrival_rows(idx, legs.dest, legs.mode, dispatch, arrive)
        rows.add(in_rows, cols, -1.0)
    _check_placed(units_in, v.idle, "units")
    return rows.block("fleet_balance", ("place", "mode", "step"), units_in, units_in)


def _check_placed(amounts: FloatArray, where: IntArray, what: str) -> None:
    if np.any((amounts > 0) & (where < 0)):
        raise ValueError(f"the start puts {what} where the network has no room for them")


def define_service(net: Network, v: Variables, in_service: FloatArray) -> list[RowBlock]:
    """Units in service by home: the last step's + recruited − released = this step's; and
    the running total of units recruited (which the labour pool and replays bound)."""
    rows = _Rows(v.in_service >= 0)
    idx = rows.index
    rows.change(v.in_service)
    rows.add(idx, v.recruited, -1.0)
    rows.add(idx, v.released, 1.0)
    start = np.zeros(idx.shape)
    start[:, :, 0] = in_service
    _check_placed(start, v.in_service, "units in service")
    so_far = _Rows(v.recruited_so_far >= 0)
    sidx = so_far.index
    so_far.change(v.recruited_so_far)
    so_far.add(sidx, v.recruited, -1.0)
    return [
        rows.block("service_balance", ("place", "mode", "step"), start, start),
        so_far.block("recruitment_so_far", ("place", "mode", "step"), 0.0, 0.0),
    ]


def define_unit_time(net: Network, v: Variables, transit_days: FloatArray,
                     units_in: FloatArray, units_landing: FloatArray) -> list[RowBlock]:
    """Every unit-day of a unit in service is spent travelling or waiting, per mode and step:
    Σ trip days falling in the step + Σ waiting = step days × units in service; waiting
    happens where units are (at most step days × the units there at its start or end, those
    put into service there in it, and those a State holds there or lands there from before
    the start, ``units_in`` [P, M, S]), and at least step days × the units there at its end
    that did not land there in it (on a trip of the plan, or from before the start:
    ``units_landing`` [P, M, S]); and at least the unavailable share of the units waits.
    Waiting counts fed and unfed alike (what they go without: ``Variables.waiting_unfed``,
    :func:`define_carriers_unfed`)."""
    legs = v.legs
    n_m, steps = net.n_modes, net.steps
    time = _Rows(np.ones((n_m, steps), dtype=bool))
    tidx = time.index
    for dispatch, days in ((v.loaded, legs.days_loaded), (v.empty, legs.days_empty)):
        for k, share in time_charges(net, days):
            target = np.arange(steps)[None, :] + k
            ok = target < steps
            rows = np.where(ok, tidx[legs.mode[:, None], np.minimum(target, steps - 1)], -1)
            time.add(rows, dispatch, share)
    per_place = np.broadcast_to(tidx[None], v.waiting.shape)
    time.add(per_place, v.waiting, 1.0)
    time.add(per_place, v.in_service, -net.step_length[None, None, :])
    where = _Rows(v.waiting >= 0)
    widx = where.index
    where.add(widx, v.waiting, 1.0)
    length = net.step_length[None, None, :]
    where.add(widx, v.idle, -length)
    where.add(widx[:, :, 1:], v.idle[:, :, :-1], -length[:, :, 1:])
    where.add(widx, v.recruited, -length)
    # A unit at a place at a step's end that did not land there in the step was there all
    # step (from its start, or from when it was put into service there: the time row charges
    # it the whole step either way), so its step days are spent waiting there, and eaten
    # there: not lent to a trip or a wait elsewhere through the mode's time row (units
    # recruited and released within a step, or kept idle where they can never be of use,
    # had paid for the waiting of units stranded elsewhere, and for more trips than the
    # units that made them had time for). A unit that lands in the step is left out
    # (lenient: it spent part of the step on the way), whether on a trip of the plan or
    # from before the start (``units_landing``). Units a State holds at a place are bound
    # from the first step; where there is no food they wait without it (``waiting_unfed``).
    stay = _Rows(v.idle >= 0)
    sidx = stay.index
    stay.add(sidx, v.waiting, 1.0)
    stay.add(sidx, v.idle, -length)
    for dispatch, arrive in ((v.loaded, legs.arrive_loaded), (v.empty, legs.arrive_empty)):
        in_rows, cols = _arrival_rows(sidx, legs.dest, legs.mode, dispatch, arrive)
        landed = np.minimum(arrive, steps - 1)
        stay.add(in_rows, cols, net.step_length[landed])
    unavailable = net.availability < 1.0
    rest = _Rows(np.broadcast_to(unavailable[:, None], (n_m, steps)).copy())
    ridx = rest.index
    rest_rows = np.broadcast_to(ridx[None], v.waiting.shape)
    rest.add(rest_rows, v.waiting, 1.0)
    rest.add(rest_rows, v.in_service, -((1.0 - net.availability)[None, :, None] * length))
    return [
        time.block("unit_time", ("mode", "step"), -transit_days, -transit_days),
        where.block("waiting_where_units_are", ("place", "mode", "step"), -INF,
                    units_in * length),
        stay.block("waiting_of_units_that_stay", ("place", "mode", "step"),
                   -units_landing * length, INF),
        rest.block("availability", ("mode", "step"), 0.0, INF),
    ]


def define_trips_within_step(net: Network, v: Variables, unit_days_in: FloatArray
                             ) -> list[RowBlock]:
    """A unit sets out again within a step only on the time it has left. Where units both
    arrive and leave within a step, the trips that leave and arrive within it spend their
    days, and the time their units still have on arrival (``spare``), out of step days ×
    the units there at the step's start or put into service there (less those released),
    the time from their arrival to the step's end of those arriving from earlier steps or
    from the start (``unit_days_in``, :class:`~supplyline.plan.start.Start`), and the
    spare time of the units arriving within the step. A unit that leaves for a later step
    takes none of it: a lenient count, as the fleet balance lets a unit that lands within
    a step leave again in it.
    A trip's spare time is at most step days less its own days, per unit. Without these
    rows, trips that leave and come back within a step form a cycle that the fleet balance
    counts as net zero, so that a place where no unit can be runs one on the time of units
    idle elsewhere."""
    legs = v.legs
    steps = net.steps
    length = net.step_length
    loaded_within, empty_within = legs.within_step()
    loaded_within &= v.loaded >= 0
    empty_within &= v.empty >= 0
    spare = v.spare
    cap = _Rows(spare >= 0)
    cap.add(cap.index, spare, 1.0)
    for dispatch, days, within in ((v.loaded, legs.days_loaded, loaded_within),
                                   (v.empty, legs.days_empty, empty_within)):
        cap.add(np.where(within, cap.index, -1), dispatch, -(length[None, :] - days))

    turns = np.zeros((net.n_places, net.n_modes, steps), dtype=bool)
    leg_i, step_i = np.nonzero(spare >= 0)
    turns[legs.dest[leg_i], legs.mode[leg_i], step_i] = True
    time = _Rows(turns)
    idx = time.index
    out_rows = idx[legs.origin, legs.mode, :]
    time.add(out_rows, spare, 1.0)
    time.add(idx[legs.dest, legs.mode, :], spare, -1.0)
    per_step = np.broadcast_to(length[None, None, :], idx.shape)
    time.add(idx[:, :, 1:], v.idle[:, :, :-1], -per_step[:, :, 1:])
    time.add(idx, v.recruited, -per_step)
    time.add(idx, v.released, per_step)
    leave = departure(net)[None, :]
    for dispatch, days, arrive, within in (
            (v.loaded, legs.days_loaded, legs.arrive_loaded, loaded_within),
            (v.empty, legs.days_empty, legs.arrive_empty, empty_within)):
        time.add(np.where(within, out_rows, -1), dispatch, days)
        later = (arrive > np.arange(steps)[None, :]) & ~within
        # A unit arriving from an earlier step has the time from its arrival to the step's
        # end.
        rows, cols = _arrival_rows(idx, legs.dest, legs.mode, dispatch, arrive)
        time.add(np.where(later, rows, -1), cols, -net.grid.left_after(leave + days, arrive))
    return [
        cap.block("spare_time_on_arrival", ("leg", "step"), -INF, 0.0),
        time.block("time_for_trips_within_step", ("place", "mode", "step"), -INF,
                   unit_days_in),
    ]


def define_stock_balance(net: Network, v: Variables, stock_in: FloatArray) -> RowBlock:
    """Goods at a place: kept from the last step (less spoilage) + given + arrived (less what
    threats destroy) − dispatched − food and fuel drawn − consumed = this step's stock."""
    n_g = v.goods.size
    rows = _Rows(v.stock >= 0)
    idx = rows.index
    keep = net.kept_share(v.goods)  # [G, S]
    rows.change(v.stock, keep[None, :, :])
    rows.change(v.given, sign=-1.0)  # given is a running total: this step's giving

    legs = v.legs
    slots = np.arange(n_g)
    out_rows = idx[legs.origin]  # [L, G, S]
    # Cargo out and in; arrivals are reduced by the expected loss in the step they left.
    rows.add(out_rows, v.cargo, 1.0)
    rows.add(_landing_rows(idx, legs.dest, slots, v.loaded, legs.cargo_arrives), v.cargo,
             -landed_share(net, legs.arc, legs.mode)[:, None, :])
    # Food eaten on the way (inside the load), fuel burned, and the food and fuel carried
    # out for the way back (handed over where the unit arrives), drawn where each trip starts.
    loaded = v.loaded[:, None, :]
    back = legs.carried_back
    rows.add(out_rows, loaded, legs.food_loaded + back + legs.fuel_loaded[:, :, None])
    rows.add(_landing_rows(idx, legs.dest, slots, v.loaded, legs.arrive_loaded), loaded, -back)
    rows.add(out_rows, v.empty[:, None, :], legs.food_empty + legs.fuel_empty[:, :, None])
    # Units waiting at a place eat from its stock; those still out at the end draw their
    # food and fuel for the way home there (less what they go without, where a State left
    # them with none to be had: define_carriers_unfed).
    rations = waiting_ration(net, v.goods)  # [M, G]
    for m, home_kg in enumerate(way_home_kg(net, v.goods)):  # [P, H, G] a unit
        rows.add(idx, v.waiting[:, m : m + 1, :], rations[m][None, :, None])
        rows.add(idx, v.waiting_unfed[:, m], -1.0)
        last = np.broadcast_to(idx[:, None, :, -1], home_kg.shape)
        rows.add(last, v.going_home[m][:, :, None], home_kg)
        rows.add(last, v.going_home_unfed[m], -1.0)
    rows.add(idx, v.unmet, -1.0)  # consumed = demand − unmet
    worker_ration = labour_ration(net, v.goods)
    for k, work in enumerate(net.road_works):
        rows.add(idx[work.fed_at], v.road_work[k][None, :], worker_ration[:, None])
    rows.add(idx[net.repair_fed_at], v.crew_unfed, -1.0)  # fed = need − unfed
    # The wounded eat too (see define_wounded).
    for w in range(v.wounded.shape[0]):
        rows.add(idx, v.wounded_fed[w], 1.0)
    _check_placed(stock_in, v.stock, "stock")
    rhs = _stock_rhs(net, v, stock_in)
    return rows.block("stock_balance", ("place", "good", "step"), rhs, rhs)


def _stock_rhs(net: Network, v: Variables, stock_in: FloatArray) -> FloatArray:
    """The stock balance's right-hand side [P, G, S]: what is held at the start or arrives
    from before it, less what the fronts and the repair crews eat in full (their unmet and
    unfed columns give back what they do not eat)."""
    rhs = stock_in - net.demand_kg[:, v.goods, :]
    np.add.at(rhs, net.repair_fed_at, -repair_crew_food(net))
    return rhs


def conserved_upper_bounds(net: Network, v: Variables, stock_in: FloatArray) -> FloatArray:
    """Upper bounds [n columns] that the stock balances imply together, though no single
    row does: no place holds, and no trip still on its way at the end of a step carries,
    more of a good than has been held, arrived from before the start or given anywhere up
    to that step (less what the fronts and the crews must eat). ``inf`` on every other
    column.

    Summed over places and over the steps up to ``s``, the balances of a good say: the stock
    everywhere at the end of ``s``, plus the cargo that left by ``s`` and lands later, plus
    what spoiled, was lost on the way, eaten or burned, equals the sum of the right-hand
    sides plus what was given and what went unmet or unfed (a trip's food for the way back
    is drawn where it starts and handed over where it lands, so it nets to what is eaten).
    Every term on the left is a column at least 0 with a coefficient at least 0 (spoilage
    keeps at most all of a stock, a threat destroys at most all of a load), so each stock,
    and each such load, is at most the right side at its largest. Cargo that lands within
    the step it leaves is not bounded so: trips of one step may hand the same load on.

    The implied bounds of single rows (:func:`~supplyline.plan.solvers.implied_upper_bounds`)
    start from these; without them a chain of rows can bound a stock only by 10^33 kg, and
    the bound the dual values prove is then no use (the day-by-day plan of the built-in
    scenario, docs/benchmarks.md)."""
    caps = np.full(v.n_columns, INF)
    if (v.lower < 0).any():  # the argument needs every column at least 0
        return caps
    upper = v.upper

    def most(cols: IntArray) -> FloatArray:
        """The declared upper bound of each column (0 where there is none)."""
        return np.where(cols >= 0, upper[np.maximum(cols, 0)], 0.0)

    steps = v.stock.shape[2]
    inflow = np.cumsum(_stock_rhs(net, v, stock_in).sum(axis=0), axis=1)  # [G, S]
    inflow += np.cumsum(most(v.unmet).sum(axis=0), axis=1)
    inflow += np.cumsum(most(v.crew_unfed).sum(axis=0), axis=1)
    inflow += most(v.given).sum(axis=0)  # a running total already
    cap = np.maximum(inflow, 0.0)  # [G, S]
    caps[v.stock.ravel()] = np.broadcast_to(cap[None], v.stock.shape).ravel()
    later = v.legs.cargo_arrives > np.arange(steps)[None, :]  # [L, S]
    cargo = (v.cargo >= 0) & later[:, None, :]
    legs_i, goods_i, steps_i = np.nonzero(cargo)
    caps[v.cargo[legs_i, goods_i, steps_i]] = cap[goods_i, steps_i]
    return caps


def _landing_rows(idx: IntArray, dest: IntArray, slots: IntArray, dispatch: IntArray,
                  arrive: IntArray) -> IntArray:
    """Stock rows [L, G, S] at the destination in the arrival step of each dispatch."""
    steps = dispatch.shape[1]
    ok = (dispatch >= 0) & (arrive < steps)
    out = np.full((dispatch.shape[0], slots.size, steps), -1, dtype=np.int64)
    legs_i, steps_i = np.nonzero(ok)
    out[legs_i, :, steps_i] = idx[dest[legs_i][:, None], slots[None, :],
                                  arrive[legs_i, steps_i][:, None]]
    return out


def define_giving_never_shrinks(net: Network, v: Variables) -> RowBlock:
    """What a locality has given so far never decreases."""
    mask = v.given >= 0
    mask[:, :, 0] = False
    rows = _Rows(mask)
    rows.add(rows.index[:, :, 1:], v.given[:, :, 1:], 1.0)
    rows.add(rows.index[:, :, 1:], v.given[:, :, :-1], -1.0)
    return rows.block("giving_never_shrinks", ("place", "good", "step"), 0.0, INF)


def define_wounded(net: Network, v: Variables) -> list[RowBlock]:
    """Per wounded group: wounded at a place = the last step's + arisen + arrived − carried
    away; and those not yet at one of their hospitals at the end of a step (waiting, or still
    on the way in real days: :func:`~supplyline.accounting.wounded_on_the_way`) are at most
    those wounded within their time limit before it (what is over is counted late)."""
    blocks: list[RowBlock] = []
    legs = v.legs
    steps = net.steps
    for w, group in enumerate(net.wounded_groups):
        rows = _Rows(v.wounded_waiting[w] >= 0)
        idx = rows.index
        rows.change(v.wounded_waiting[w])
        rows.add(idx[legs.origin], v.wounded[w], 1.0)
        in_rows, cols = _arrival_rows(idx[:, None, :], legs.dest, np.zeros_like(legs.dest),
                                      v.wounded[w], legs.arrive_empty)
        rows.add(in_rows, cols, -1.0)
        arising = np.zeros(idx.shape)
        arising[group.front] = group.arising
        blocks.append(rows.block("wounded_balance", ("place", "step"), arising, arising))

        late = _Rows(v.late[w] >= 0)
        lidx = late.index
        late.add(lidx[None, :], v.wounded_waiting[w], 1.0)
        for k, share in wounded_on_the_way(net, legs, group.hospitals):
            target = np.arange(steps)[None, :] + k
            on_way = np.where((share > 0) & (target < steps),
                              lidx[np.minimum(target, steps - 1)], -1)
            late.add(on_way, v.wounded[w], share)
        late.add(lidx, v.late[w], -1.0)
        blocks.append(late.block("wounded_in_time", ("step",), -INF, group.recent))

        # They eat where they wait, and take the food for the way from where they leave: at
        # most what they need (a front with nothing to give them goes short, at the price of
        # unmet demand).
        waiting_food, carried_food = wounded_food(net, legs)
        fed = _Rows(v.wounded_fed[w] >= 0)
        fidx = fed.index  # [P, G, S]
        fed.add(fidx, v.wounded_fed[w], 1.0)
        fed.add(fidx, v.wounded_waiting[w][:, None, :], -waiting_food[None])
        fed.add(fidx[legs.origin], v.wounded[w][:, None, :], -carried_food)
        blocks.append(fed.block("wounded_fed", ("place", "good", "step"), -INF, 0.0))
    return blocks


def define_labour_fairness(net: Network, v: Variables, people: FloatArray) -> RowBlock:
    """Persons a locality gives ≤ max burden × its labour pool (so never more than the pool),
    for every locality whose people may serve: ``people`` is what is left of its pool (0 once
    a State counts it all served, when it may give no one more). A locality where none may
    serve puts none of its crewed carriers into service (``Network.can_serve``)."""
    rows = _Rows(net.labour_people > 0)
    per_unit, per_road_day = persons_per(net)  # (as Plan.persons_serving counts them)
    rows.add(rows.index[:, None], v.recruited_so_far[:, :, -1], per_unit[None, :])
    rows.add(rows.index[None, :], v.road_work_from, per_road_day[None, :])
    rows.add(rows.index, np.full(net.n_places, v.max_burden), -people)
    return rows.block("labour_fairness", ("place",), -INF, 0.0)


def define_food_fairness(net: Network, v: Variables, giveable: FloatArray) -> RowBlock:
    """Food a locality gives ≤ max burden × what it could give."""
    could = giveable[:, v.goods, -1].sum(axis=1)
    rows = _Rows(could > 0)
    rows.add(rows.index[:, None], v.given[:, :, -1], 1.0)
    rows.add(rows.index, np.full(net.n_places, v.max_burden), -could)
    return rows.block("food_fairness", ("place",), -INF, 0.0)


def define_labour_days(net: Network, v: Variables, left_at_start: FloatArray) -> RowBlock:
    """Service days the crews of a home's units of a mode owe after step s = owed after
    s−1 + days brought by the persons recruited there for that mode in s − the crew-days its
    units served in s (every day a unit is in service, travelling or waiting; units still
    out at the end count their way home). What is owed is never negative: a person serves
    his own days, not another home's nor another mode's (one pool over all homes and modes
    had let a village's porters serve 29 days of a limit of 20, and porters recruited and
    released at once give their days to their village's bicycle crews).
    ``left_at_start`` [P, M]: what a State's crews in service still owe, by home and mode.
    A row is counted in whole services of a person (days / the home's most days a person
    serves), so the rows of homes whose persons serve 60 days and of one whose serve 158
    read alike: counted in days, the built-in scenario's interior point made no progress
    (solved again, 118 s against 78 s)."""
    rows = _Rows(v.labour_days_left >= 0)
    idx = rows.index  # [P, M, S]
    serving, home = crew_days(net)
    per = 1.0 / net.labour_max_days  # [P] (whole services of a person a day)
    rows.change(v.labour_days_left)
    rows.add(idx, v.in_service, serving[None] * per[:, None, None])
    for m in range(net.n_modes):
        going = v.going_home[m]  # [P, H_m]: from where it is to its home
        rows.add(np.broadcast_to(idx[net.homes[m], m, -1][None, :], going.shape), going,
                 home[m] * per[net.homes[m]][None, :])
    rows.add(idx, v.recruited, -net.crew_per_unit[None, :, None])
    start = np.zeros(idx.shape)
    start[:, :, 0] = left_at_start * per[:, None]
    return rows.block("labour_days", ("home", "mode", "step"), start, start)


def define_carriers_unfed(net: Network, v: Variables) -> list[RowBlock]:
    """Carriers go without no more of a good than they would eat of it: waiting, at most
    the unit-days there × the mode's ration of it; on the way home, at most the units going
    × what a unit draws of it for the way. Good by good, so a unit short of salt still eats
    its rice (the columns are laid out only where a starting State leaves units)."""
    rations = waiting_ration(net, v.goods)  # [M, G]
    waiting = _Rows(v.waiting_unfed >= 0)
    waiting.add(waiting.index, v.waiting_unfed, 1.0)
    waiting.add(waiting.index, v.waiting[:, :, None, :], -rations[None, :, :, None])
    blocks = [waiting.block("carriers_unfed_waiting", ("place", "mode", "good", "step"),
                            -INF, 0.0)]
    for m, home_kg in enumerate(way_home_kg(net, v.goods)):  # [P, H, G] a unit
        home = _Rows(v.going_home_unfed[m] >= 0)
        home.add(home.index, v.going_home_unfed[m], 1.0)
        home.add(home.index, v.going_home[m][:, :, None], -home_kg)
        blocks.append(home.block("carriers_unfed_going_home", ("place", "home", "good"),
                                 -INF, 0.0))
    return blocks


def define_fleet_peak(net: Network, v: Variables) -> RowBlock:
    """The fleet of a mode is at least the units of it in service at the end of each step
    (all homes together): Σh in_service[h, m, s] − fleet[m] ≤ 0."""
    rows = _Rows(np.broadcast_to((v.fleet >= 0)[:, None], (net.n_modes, net.steps)).copy())
    idx = rows.index
    rows.add(np.broadcast_to(idx[None], v.in_service.shape), v.in_service, 1.0)
    rows.add(idx, np.broadcast_to(v.fleet[:, None], idx.shape), -1.0)
    return rows.block("fleet_peak", ("mode", "step"), -INF, 0.0)


def define_homecoming(net: Network, v: Variables) -> list[RowBlock]:
    """At the end, the units at each place go home (Σ over homes = units there), and each
    home gets back the units it has in service (Σ over places = units in service)."""
    blocks: list[RowBlock] = []
    for m in range(net.n_modes):
        where = _Rows(v.idle[:, m, -1] >= 0)
        back = _Rows(v.in_service[net.homes[m], m, -1] >= 0)
        where.add(where.index[:, None], v.going_home[m], 1.0)
        back.add(back.index[None, :], v.going_home[m], 1.0)
        where.add(where.index, v.idle[:, m, -1], -1.0)
        back.add(back.index, v.in_service[net.homes[m], m, -1], -1.0)
        blocks.append(where.block("going_home", ("place",), 0.0, 0.0))
        blocks.append(back.block("coming_home", ("home",), 0.0, 0.0))
    return blocks


def define_reserves(net: Network, v: Variables) -> RowBlock:
    """Stock on hand at a front by a date + reserve shortfall ≥ the target."""
    n = len(net.reserve_targets)
    rows = _Rows(np.ones(n, dtype=bool))
    slot = {int(c): g for g, c in enumerate(v.goods)}
    targets = np.zeros(n)
    for i, (p, c, t, kg) in enumerate(net.reserve_targets):
        rows.add(np.array([i]), np.array([v.stock[p, slot[c], t]]), 1.0)
        targets[i] = kg
    rows.add(np.arange(n), v.reserve_short, 1.0)
    return rows.block("reserve_target", ("target",), targets, INF)


def define_road_works(net: Network, v: Variables, people: FloatArray) -> list[RowBlock]:
    """Road work done on its days (+ what is left undone) = its crew-days; the person-days
    worked are the person-days the localities give; and in a step, all works together take
    at most step days × the persons able to serve (``people``: what is left of each
    locality's pool, as the labour fairness row reads it)."""
    k_count = len(net.road_works)
    done = _Rows(np.ones(k_count, dtype=bool))
    done.add(done.index[:, None], v.road_work, 1.0)
    done.add(done.index, v.road_work_short, 1.0)
    need = np.array([w.crew_days for w in net.road_works])
    staffed = _Rows(np.ones(k_count, dtype=bool))
    staffed.add(staffed.index[:, None], v.road_work_from, 1.0)
    staffed.add(staffed.index[:, None], v.road_work, -1.0)
    # No more person-days in a step than the persons able to serve can work in it (60
    # person-days had been done in one day by a village of 20).
    working = np.zeros(net.steps, dtype=bool)
    if k_count:
        working = np.asarray((v.road_work >= 0).any(axis=0), dtype=bool)
    pace = _Rows(working)
    pace.add(pace.index[None, :], v.road_work, 1.0)
    # What a State leaves of the pools: a re-plan whose localities have sent all but 200
    # persons had worked 1,700 person-days in a day.
    persons = float(people[net.is_locality].sum())
    return [
        done.block("road_work_done", ("work",), need, need),
        staffed.block("road_work_staffed", ("work",), 0.0, 0.0),
        pace.block("road_work_pace", ("step",), -INF, persons * net.step_length),
    ]


def define_replay(
    net: Network, v: Variables, given_sets: list[tuple[int, NDArray[np.bool_], float]],
    carrier_caps: list[tuple[int, float]], labour_days: float | None = None,
) -> list[RowBlock]:
    """A replay's amounts: Σ given by the chosen localities = the figure; carriers ≤ figure;
    labour-days served (carriers in service, road works, repair crews) ≥ figure."""
    slot = {int(c): g for g, c in enumerate(v.goods)}
    given = _Rows(np.ones(len(given_sets), dtype=bool))
    amounts = np.zeros(len(given_sets))
    for i, (c, places, kg) in enumerate(given_sets):
        cols = v.given[places, slot[c], -1]
        given.add(np.full(cols.shape, i), cols, 1.0)
        amounts[i] = kg
    carriers = _Rows(np.ones(len(carrier_caps), dtype=bool))
    caps = np.zeros(len(carrier_caps))
    for i, (m, units) in enumerate(carrier_caps):
        carriers.add(np.array([i]), v.recruited_so_far[:, m, -1], 1.0)
        caps[i] = units
    labour = _Rows(np.ones(1 if labour_days is not None else 0, dtype=bool))
    needed = 0.0
    if labour_days is not None:
        serving, home = crew_days(net)
        row = np.zeros(1, dtype=np.int64)
        labour.add(row[:, None, None], v.in_service, serving[None])
        for m in range(net.n_modes):
            going = v.going_home[m]
            labour.add(np.zeros(going.shape, dtype=np.int64), going, home[m])
        labour.add(row[:, None], v.road_work, 1.0)
        needed = labour_days - repair_crew_days(net)
    return [
        given.block("replay_given", ("entry",), amounts, amounts),
        carriers.block("replay_carriers", ("entry",), -INF, caps),
        labour.block("replay_labour", ("entry",), needed, INF),
    ]


@dataclass
class Assembled:
    """The whole LP: ``min cost @ x`` s.t. ``row_lower <= A x <= row_upper``, bounds."""

    matrix: sp.csc_matrix
    row_lower: FloatArray
    row_upper: FloatArray
    blocks: list[RowBlock]
    offsets: IntArray  # first row of each block


def assemble(blocks: list[RowBlock], n_columns: int) -> Assembled:
    """Stack row blocks into one sparse matrix (CSC, as HiGHS takes it)."""
    offsets = np.cumsum([0] + [b.n_rows for b in blocks])
    row = np.concatenate([b.row + offsets[i] for i, b in enumerate(blocks)])
    col = np.concatenate([b.col for b in blocks])
    val = np.concatenate([b.val for b in blocks])
    matrix = sp.csc_matrix((val, (row, col)), shape=(int(offsets[-1]), n_columns))
    matrix.sum_duplicates()
    return Assembled(
        matrix=matrix,
        row_lower=np.concatenate([b.lower for b in blocks]),
        row_upper=np.concatenate([b.upper for b in blocks]),
        blocks=blocks,
        offsets=offsets[:-1].astype(np.int64),
    )
