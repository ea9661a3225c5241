"""A compiled plan on the engine's array module (``numpy``, or ``cupy`` on a GPU): its
arrays step first (one step's slice is one contiguous block), the sums over legs and (leg,
good) entries, the layouts of capacity and draws, and what is on the way to later steps
(:class:`_Pending`). Made once per :class:`~supplyline.simulate.compiled.Compiled`
(:meth:`~supplyline.simulate.compiled.Compiled.device`) and read by
:func:`~supplyline.simulate.engine.run_chunk`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from supplyline.accounting import arrival_steps
from supplyline.network import trip_days
from supplyline.plan.result import main_goods
from supplyline.simulate.compiled import (
    UNLIMITED,
    Compiled,
    _entries,
    _host,
    _landing_offsets,
    _Linear,
    _Sum,
)
from supplyline.simulate.policy import rounding


class _Device:
    """The compiled plan in the engine's array module, step first (one step's slice is one
    contiguous block), with the sums over legs and (leg, good) entries."""

    def __init__(self, c: Compiled) -> None:
        xp = c.xp
        self.xp = xp
        n_p, n_m, n_g = c.n_places, c.n_modes, c.n_goods

        self.dtype = dtype = c.dtype

        def real(x: Any) -> Any:
            """Numbers on the host → xp, in the engine's floating-point type."""
            return xp.asarray(np.asarray(x, dtype=dtype))

        def steps_first(x: np.ndarray, times: bool = False) -> Any:
            """[..., S] on the host → [S, ...] in xp (numbers in the engine's type; times
            in days stay in double precision: the step a trip lands in is their floor)."""
            x = np.moveaxis(np.asarray(x), -1, 0)
            return xp.asarray(np.ascontiguousarray(
                x, dtype=dtype if x.dtype.kind == "f" and not times else x.dtype))

        self.origin = xp.asarray(c.origin)
        self.origin_mode = xp.asarray(c.origin * n_m + c.mode)
        # The policy's rounds look only at what can bind: the (place, mode) pairs that legs
        # leave from, the (place, good) pairs that trips draw from, the arcs' limited
        # capacities (an unlimited one binds only where nothing of the route is left).
        pairs, om_of_leg = np.unique(np.asarray(c.origin) * n_m + np.asarray(c.mode),
                                     return_inverse=True)
        self.leave_pairs = xp.asarray(pairs)  # [OM] (place, mode) flat
        self.leave_pair_mode = xp.asarray(pairs % n_m)
        self.leave_pair_of_leg = xp.asarray(om_of_leg.ravel())
        index = np.full(n_p * n_m, -1)
        index[pairs] = np.arange(pairs.size)
        self.dest_leave_pair = index[np.asarray(c.dest) * n_m + np.asarray(c.mode)]  # host [L]
        self.arc = xp.asarray(c.arc)
        self.route = xp.asarray(c.route)
        self.night = xp.asarray(np.asarray(c.night, dtype=np.int64))
        self.loaded = steps_first(c.loaded)  # [S, L]
        self.empty = steps_first(c.empty)
        # Cargo on the (leg, good) pairs the plan carries any of [C] (one, empty, where it
        # carries nothing): its sums by leg, into the (place, good) pairs loads leave from
        # [Q] and into those where they land, and by good.
        cargo_leg, cargo_good = _entries(c.cargo)
        if cargo_leg.size == 0:
            cargo_leg, cargo_good = np.zeros(1, np.int64), np.zeros(1, np.int64)
        self.cargo_leg_host = cargo_leg
        self.cargo_leg = xp.asarray(cargo_leg)
        self.cargo = steps_first(np.asarray(c.cargo)[cargo_leg, cargo_good])  # [S, C]
        self.cargo_by_leg = _Sum(xp, cargo_leg, int(np.asarray(c.origin).size))
        load_pairs, load_pair_of = np.unique(np.asarray(c.origin)[cargo_leg] * n_g
                                             + cargo_good, return_inverse=True)
        self.load_pairs = xp.asarray(load_pairs)  # [Q] (place, good) flat
        self.load_pair_of = xp.asarray(load_pair_of.ravel())  # [C]
        self.cargo_at_origin = _Sum(xp, load_pair_of.ravel(), load_pairs.size)
        self.cargo_to = _Sum(xp, np.asarray(c.dest)[cargo_leg] * n_g + cargo_good, n_p * n_g)
        self.cargo_good = _Sum(xp, cargo_good, n_g)
        # The places whose handling is limited where loads leave or land: in each step the
        # loads leaving them and the cargo landing there stay within their handling, as
        # the planner's rows have it (``handling`` [H, 1, 1], kg per day).
        limited = np.isfinite(np.asarray(c.handling, dtype=float))
        ends = np.concatenate([np.asarray(c.origin)[cargo_leg], np.asarray(c.dest)[cargo_leg]])
        handled = np.intersect1d(np.nonzero(limited)[0], ends)
        self.handled_host = handled
        self.handling = real(np.asarray(c.handling, dtype=float)[handled])[:, None, None]
        row_of_place = np.full(n_p, -1)
        row_of_place[handled] = np.arange(handled.size)
        # The loads taken at the (place, good) pairs loads leave from [Q] → those places [H].
        self.loads_handled = _Sum(xp, row_of_place[load_pairs // n_g], handled.size)
        # The cargo on the (leg, good) pairs [C] → the places it lands at [H].
        self.lands_handled = _Sum(xp, row_of_place[np.asarray(c.dest)[cargo_leg]], handled.size)
        # The places whose arrivals are limited where legs land: the units landing there
        # in a step stay within what they can receive in it (``arrivals`` [Ha, 1, 1]).
        # A trip leaving in step s, and its cargo, land at most ``offsets`` - 1 steps later:
        # what lands at such places counts against the step it lands in.
        received = np.nonzero(np.isfinite(np.asarray(c.arrivals, dtype=float))
                              & np.isin(np.arange(n_p), np.asarray(c.dest)))[0]
        self.received_host = received
        self.arrivals = real(np.asarray(c.arrivals, dtype=float)[received])[:, None, None]
        limited_places = np.union1d(handled, received)
        self.offsets = max(_landing_offsets(c, limited_places), 1) if limited_places.size else 0
        row_of_place = np.full(n_p, -1)
        row_of_place[received] = np.arange(received.size)
        self.lands_received = _Sum(xp, row_of_place[np.asarray(c.dest)], received.size)
        self.capacity = {
            "limited": _CapacityLayout(c, xp, limited_only=True, handled=handled,
                                       received=received, offsets=self.offsets),
            "all": _CapacityLayout(c, xp, limited_only=False, handled=handled,
                                   received=received, offsets=self.offsets)}
        self.room = steps_first(np.where(c.cargo_room > 0, c.cargo_room, 1.0))
        self.loaded_ok_share = steps_first(np.asarray(c.loaded_ok, dtype=float))
        self.all_loaded_ok = np.asarray(np.asarray(c.loaded_ok).all(axis=0))  # [S] host
        self.empty_ok_share = steps_first(np.asarray(c.empty_ok, dtype=float))
        self.move_loaded = xp.asarray(c.move_loaded)[:, None]
        self.move_empty = xp.asarray(c.move_empty)[:, None]
        self.handling_loaded = xp.asarray(c.handling_loaded)[:, None]
        self.handling_empty = xp.asarray(c.handling_empty)[:, None]
        self.road_use = real(c.road_use)[:, None]
        # Food and fuel per trip on the (leg, good) pairs that draw any; the food for the
        # way back on those that carry it.
        draw_leg, draw_good = _entries(c.draw_loaded, c.draw_empty)
        self.draw_leg = xp.asarray(draw_leg)
        self.draw_loaded = steps_first(c.draw_loaded[draw_leg, draw_good])  # [S, Ed]
        self.draw_empty = steps_first(c.draw_empty[draw_leg, draw_good])
        self.eat_loaded = steps_first(c.eat_loaded[draw_leg, draw_good])
        self.eat_empty = steps_first(c.eat_empty[draw_leg, draw_good])
        # The fuel a trip burns: what it draws less what its crew eats (exactly 0 for food,
        # so that the tally of burned fuel holds no rounding crumbs of food).
        self.burn_loaded = steps_first((c.draw_loaded - c.eat_loaded)[draw_leg, draw_good])
        self.burn_empty = steps_first((c.draw_empty - c.eat_empty)[draw_leg, draw_good])
        self.draw_at = _Sum(xp, c.origin[draw_leg] * n_g + draw_good, n_p * n_g)
        self.draws = _DrawLayout(xp, c.origin[draw_leg] * n_g + draw_good, draw_leg,
                                 int(np.asarray(c.origin).size))
        self.draw_good = _Sum(xp, draw_good, n_g)
        # What a place holds of a good is the sum of large flows in and out: its rounding
        # is a share of those flows, not of what a trip draws. Without this slack, a place
        # whose stock the plan runs to nil within the day held -0.0001 kg in single
        # precision, and boats that draw 0.01 kg of rations there never left (a relief
        # plan went 12.8 kg short in every run, and 0 in double precision). The slack is
        # single precision's rounding in both precisions, so that they take the same
        # decisions: a trip may draw up to a ten-thousandth of the largest flow in or out
        # of a place in a step (or of its stock) beyond what it holds, and only while the
        # place holds no less than minus that (a place run dry is not drawn on day after
        # day).
        cargo = np.asarray(c.cargo, dtype=float)
        out, into = (np.zeros((n_p, n_g, cargo.shape[-1])) for _ in range(2))
        np.add.at(out, np.asarray(c.origin), cargo)
        np.add.at(into, np.asarray(c.dest), cargo)
        scale = np.maximum(np.maximum(out, into), np.asarray(c.plan_stock, dtype=float))
        scale = scale.max(axis=2)
        pairs = np.unique(c.origin[draw_leg] * n_g + draw_good)
        self.draw_slack = xp.asarray(
            (rounding(np.float32) * scale.reshape(-1)[pairs])[:, None].astype(c.dtype))
        back_leg, back_good = _entries(c.back)
        self.has_back = back_leg.size > 0
        self.back_leg = xp.asarray(back_leg)
        self.back = steps_first(c.back[back_leg, back_good])  # [S, Eb]
        self.back_good = _Sum(xp, back_good, n_g)
        self.back_to = _Sum(xp, c.dest[back_leg] * n_g + back_good, n_p * n_g)
        # Sums over legs.
        self.by_origin_mode = _Sum(xp, c.origin * n_m + c.mode, n_p * n_m)
        self.by_dest_mode = _Sum(xp, c.dest * n_m + c.mode, n_p * n_m)
        self.by_arc = _Sum(xp, c.arc, int(c.capacity_kg.size))
        self.by_mode = _Sum(xp, c.mode, n_m)
        self.to_reverse = _Sum(xp, c.reverse, int(np.asarray(c.origin).size))
        self.capacity_movements = real(c.capacity_movements)[:, None]
        self.capacity_kg = real(c.capacity_kg)[:, None]
        self.open_share = steps_first(c.open_share)  # [D, A]
        self.damage = steps_first(c.damage)  # [S, A]
        self.arc_route = xp.asarray(c.arc_route)
        self.keep = steps_first(c.keep)[:, :, None]  # [S, G, 1]
        self.stock_in = steps_first(c.stock_in)[..., None]  # [S, P, G, 1]
        self.given = steps_first(c.given)[..., None]
        self.units_in = steps_first(c.units_in)[..., None]  # [S, P, M, 1]
        self.recruited = steps_first(c.recruited)[..., None]  # [S, P, M, 1]
        self.at_home = real(c.at_home)[..., None]  # [P, M, 1]
        # The units of each mode that have been in service by each step's end (at the
        # start, landing from before it, or put into service; of an owned mode, no more
        # than there are, however often the plan takes them again) [S, M, 1]: no run loses
        # more;
        # and those the plan has in service in each step, before its releases at the
        # step's end [S, M, 1]: the units a run lacks of them (lost, or not put into
        # service again) no longer serve, nor eat where the plan has them wait.
        self.existed = steps_first(np.minimum(np.cumsum(
            np.asarray(c.units_in + c.recruited).sum(axis=0), axis=-1),
            np.asarray(c.units_at_most)[:, None]))[..., None]
        self.serving = steps_first(np.asarray(c.in_service)
                                   + np.asarray(c.released).sum(axis=0))[..., None]
        self.released = steps_first(c.released)[..., None]
        self.fixed_food = steps_first(c.fixed_food)[..., None]
        fuel = np.asarray(c.fixed_fuel)
        # Fuel drawn for the way home (burned, not eaten), by the steps that draw any.
        self.fixed_fuel = {s: real(fuel[:, :, s])[..., None]
                           for s in np.flatnonzero(fuel.any(axis=(0, 1))).tolist()}
        # Food of the units the plan keeps waiting and feeds, per unit alive: [S, P·G, M].
        waiting_food = np.asarray(c.waiting_food).transpose(3, 0, 2, 1).reshape(
            c.steps, n_p * n_g, n_m)
        self.waiting_food = [_Linear(xp, w) for w in waiting_food]  # [P·G, M] per step
        # Units the plan keeps waiting on a day of each step, per unit alive: [S, P, M, 1].
        waiting_day = np.asarray(c.waiting) / np.asarray(c.step_length)[None, None, :]
        self.waiting_day = steps_first(waiting_day)[..., None]
        # Rations of units per day, (place, mode) → (place, good): [P·G, P·M].
        rations = np.kron(np.eye(n_p), np.asarray(c.rations).T)
        self.rations = _Linear(xp, rations)
        self.consumed = steps_first(c.consumed)[..., None]
        consumed = np.asarray(c.consumed).reshape(n_p * n_g, c.steps)
        self.consumed_rows = [(xp.asarray(np.nonzero(consumed[:, s])[0]),
                               real(consumed[np.nonzero(consumed[:, s])[0], s])[:, None])
                              for s in range(c.steps)]
        self.demand = steps_first(c.demand)[..., None]
        self.plan_stock = steps_first(c.plan_stock)[..., None]
        self.fronts = xp.asarray(c.fronts)
        self.front_daily = steps_first(c.front_daily)[..., None]  # [S, F, G, 1]
        self.front_has_demand = self.front_daily > 0
        self.front_main = xp.asarray(main_goods(np.asarray(c.demand), np.asarray(c.fronts)))
        self.front_rows = xp.arange(int(np.asarray(c.fronts).size))
        # The loads the plan sends on each (leg, good) pair over the horizon [C, 1], and
        # the units it has waiting at its end [P, M, 1]: what the runs measure against.
        self.cargo_total = self.cargo.sum(axis=0)[:, None]
        self.idle_end = real(np.zeros((n_p, n_m)) if c.idle_end is None
                             else c.idle_end)[..., None]
        # The step holding each whole day (and ``steps`` from the horizon's end): the
        # grid's own table (supplyline.grid.step_of_time), on the device.
        self.day_step_host = c.plan.network.grid.day_step
        self.day_step = xp.asarray(self.day_step_host)
        self._dry: dict[int, _Arrivals] = {}
        self._to_pairs: dict[bytes, _Sum] = {}
        self.initial = c.stock_in.sum(axis=0)  # [G, S] host: the same in every run
        self.given_total = c.given.sum(axis=0)

    def to_leave_pairs(self, rows: np.ndarray) -> _Sum:
        """The sum of legs ``rows`` into the (place, mode) pairs legs leave from, where they
        arrive (units that land where no leg leaves are left out), kept for reuse."""
        key = rows.tobytes()
        found = self._to_pairs.get(key)
        if found is None:
            found = _Sum(self.xp, self.dest_leave_pair[rows], int(self.leave_pairs.size))
            if len(self._to_pairs) < 4096:
                self._to_pairs[key] = found
        return found

    def dry(self, c: Compiled, s: int) -> _Arrivals:
        """When the trips leaving in step ``s`` arrive in a run where no rain can fall in
        the step (the same in every run): the engine's rule, with the slowdown 1."""
        found = self._dry.get(s)
        if found is None:
            found = self._dry[s] = _Arrivals(c, self, s)
        return found

    def landing_steps(self, c: Compiled, s: int, slow: Any) -> tuple[Any, Any, Any]:
        """The steps in which the trips leaving in step ``s`` land, loaded and empty, and
        their cargo, under the slowdown ``slow`` ([L, R] drawn, or 1): the planner's rules
        (:func:`~supplyline.network.trip_days`, :func:`~supplyline.accounting.
        arrival_steps`), in the array module of the arrays given."""
        days_l = trip_days(self.move_loaded, slow, self.handling_loaded)
        days_e = trip_days(self.move_empty, slow, self.handling_empty)
        return arrival_steps(self.day_step, float(c.step_start[s]), float(c.middle[s]),
                             days_l, days_e, self.xp)


class _CapacityLayout:
    """The arcs' capacities as the policy's rounds check them: rows (arc, movements or kg)
    [K], the (leg, kind) entries that use each row [E], and for each leg its rows in the
    rounds' shares (K: none, a share of 1). With ``limited_only``, the rows of limited
    capacities only (enough where every route has something left). After the arcs' rows
    come those of the places whose handling is limited (``handled``, host indices), then
    those of the places whose arrivals are limited (``received``): one for each step from
    this one on that a trip may land in (``offsets`` of them, place first). The loads
    leaving a handled place use its row of this step (kind 1, kg); the loads landing there
    k steps later its row of that step (kind 2 + k, kg); the units landing at a received
    place k steps later its row of that step (kind 2 + offsets + k)."""

    def __init__(self, c: Compiled, xp: Any, limited_only: bool, handled: np.ndarray,
                 received: np.ndarray, offsets: int) -> None:
        self.xp = xp
        capacities = (np.asarray(c.capacity_movements), np.asarray(c.capacity_kg))
        arc = np.asarray(c.arc)
        rows_arc: list[np.ndarray] = []
        rows_cap: list[np.ndarray] = []
        entry_leg: list[np.ndarray] = []
        entry_kind: list[np.ndarray] = []
        entry_row: list[np.ndarray] = []
        self.leg_rows: list[Any] = []
        # The kinds of use whose rows cut only the legs that use them (a place's handling
        # holds back loads, not units leaving empty or landing later); -1: every leg.
        self.users_only: list[int] = []
        k = 0
        for kind, capacity in enumerate(capacities):
            arcs = np.nonzero(capacity < UNLIMITED)[0] if limited_only else np.arange(
                capacity.size)
            if arcs.size == 0:
                continue
            row_of_arc = np.full(capacity.size, -1)
            row_of_arc[arcs] = k + np.arange(arcs.size)
            legs = np.nonzero(row_of_arc[arc] >= 0)[0]
            rows_arc.append(arcs)
            rows_cap.append(capacity[arcs])
            entry_leg.append(legs)
            entry_kind.append(np.full(legs.size, kind))
            entry_row.append(row_of_arc[arc[legs]])
            k += arcs.size
            self.leg_rows.append((row_of_arc[arc], kind))
            self.users_only.append(-1)
        self.arc_rows = k
        dest = np.asarray(c.dest)

        def add(rows: np.ndarray, kind: int) -> None:
            """The legs with a row (>= 0) in ``rows`` [L] use it by ``kind``."""
            legs = np.nonzero(rows >= 0)[0]
            entry_leg.append(legs)
            entry_kind.append(np.full(legs.size, kind))
            entry_row.append(rows[legs])
            self.leg_rows.append((rows, kind))
            self.users_only.append(kind)

        for places, first_kind, leaving in ((handled, 2, True), (received, 2 + offsets, False)):
            if not places.size:
                continue
            index = np.full(c.n_places, -1)
            index[places] = np.arange(places.size)

            def row(ends: np.ndarray, offset: int, base: int = k,
                    index: np.ndarray = index) -> np.ndarray:
                return np.where(index[ends] >= 0, base + index[ends] * offsets + offset, -1)

            if leaving:
                add(row(np.asarray(c.origin), 0), 1)
            for offset in range(offsets):
                add(row(dest, offset), first_kind + offset)
            k += places.size * offsets
        self.rows = k
        self.has_places = bool(handled.size or received.size)
        arcs_here = self.arc_rows > 0
        self.rows_arc: Any = xp.asarray(np.concatenate(rows_arc)) if arcs_here else None
        self.rows_capacity: Any = (xp.asarray(np.concatenate(rows_cap).astype(c.dtype))[:, None]
                                   if arcs_here else None)
        self.entry_leg: Any = xp.asarray(np.concatenate(entry_leg)) if k else None
        self.entry_kind: Any = xp.asarray(np.concatenate(entry_kind)) if k else None
        self.entry_sum: Any = _Sum(xp, np.concatenate(entry_row), k) if k else None
        self.leg_rows = [xp.asarray(np.where(rows >= 0, rows, k)) for rows, _ in self.leg_rows]


class _DrawLayout:
    """The (place, good) pairs trips draw from [D] (``pairs``, flat), the sum of the
    (leg, good) draw entries [Ed] into them, the pair of each entry, and each leg's entries
    ([L, most goods a leg draws], padded with Ed: none)."""

    def __init__(self, xp: Any, entry_pair: np.ndarray, entry_leg: np.ndarray,
                 n_legs: int) -> None:
        pairs, of_entry = np.unique(entry_pair, return_inverse=True)
        of_entry = of_entry.ravel()
        self.size = pairs.size
        self.pairs = xp.asarray(pairs)
        self.sum = _Sum(xp, of_entry, pairs.size)
        self.entry_pair = xp.asarray(of_entry)
        most = int(np.bincount(entry_leg, minlength=n_legs).max(initial=0))
        pad = np.full((n_legs, max(most, 1)), entry_leg.size)
        for leg in range(n_legs):
            mine = np.nonzero(entry_leg == leg)[0]
            pad[leg, :mine.size] = mine
        self.leg_entries = xp.asarray(pad)


class _Arrivals:
    """When the trips leaving in a step arrive, where that is the same in every run (no rain
    can fall in the step): the steps [L, 1] of each leg's units (loaded, empty) and cargo,
    and the sums that put what arrives later into ``_Pending`` in one product each."""

    def __init__(self, c: Compiled, d: _Device, s: int) -> None:
        xp = c.xp
        n_p, n_m, n_g, steps = c.n_places, c.n_modes, c.n_goods, c.steps
        days = [trip_days(np.asarray(move), 1.0, np.asarray(handling))  # the slowdown is 1
                for move, handling in ((c.move_loaded, c.handling_loaded),
                                       (c.move_empty, c.handling_empty))]
        self.at_loaded, self.at_empty, self.at_cargo = (
            np.asarray(at) for at in arrival_steps(
                d.day_step_host, float(c.step_start[s]), float(c.middle[s]), *days))
        self.loaded = xp.asarray(self.at_loaded)[:, None]
        self.empty = xp.asarray(self.at_empty)[:, None]
        self.cargo = xp.asarray(self.at_cargo)[:, None]
        self.s = s
        self.steps = steps
        dest_mode = np.asarray(c.dest) * n_m + np.asarray(c.mode)
        self.units_loaded = self._later(self.at_loaded, dest_mode, n_p * n_m, xp)
        self.units_empty = self._later(self.at_empty, dest_mode, n_p * n_m, xp)
        # Cargo by (leg, good) pair (see _Device).
        at_cargo = self.at_cargo[d.cargo_leg_host]
        self.goods = self._later(at_cargo, _host(xp, d.cargo_to.target), n_p * n_g, xp)
        self.goods_after = np.nonzero(at_cargo >= steps)[0]
        back_leg = _host(xp, d.back_leg)
        back_at = self.at_loaded[back_leg]
        self.back = self._later(back_at, _host(xp, d.back_to.target), n_p * n_g, xp)
        self.back_after = np.nonzero(back_at >= steps)[0]

    def _later(self, at: np.ndarray, target: np.ndarray, size: int,
               xp: Any) -> tuple[_Sum, list[int]]:
        """The sum of what arrives after the step and before the horizon's end, by step:
        row ``i × size + target`` for what arrives in the i-th of those steps; and those."""
        later = (at > self.s) & (at < self.steps)
        when = sorted({int(t) for t in at[later]})
        block = np.full(self.steps + 1, -1)
        block[when] = np.arange(len(when))
        rows = np.where(later, block[at] * size + target, -1)
        return _Sum(xp, rows, len(when) * size), when

    def send(self, pending: _Pending, amount: Any, which: tuple[_Sum, list[int]],
             shape: tuple[int, int], cargo: bool) -> None:
        """Put ``amount`` (per leg or entry) into ``pending`` by the step it arrives in."""
        total, when = which
        if not when:
            return
        runs = amount.shape[-1]
        sums = total(amount).reshape(len(when), *shape, runs)
        book = pending.cargo if cargo else pending.units
        for i, t in enumerate(when):
            _book(book, t, sums[i])


def _book(book: dict[int, Any], t: int, amount: Any) -> None:
    """Add ``amount`` to what arrives in step ``t``."""
    if t in book:
        book[t] += amount
    else:
        book[t] = amount


@dataclass
class _Pending:
    """What arrives in later steps: goods [P, G, R] and units [P, M, R] by step, and the
    cargo still on the way at the horizon's end [G, R]."""

    cargo: dict[int, Any]
    units: dict[int, Any]
    in_transit: Any

    def add(self, amount: Any, at: Any, flows: Any, s: int, steps: int, to: _Sum,
            shape: tuple[int, int], cargo: bool = False, by_good: _Sum | None = None) -> None:
        """Send ``amount`` to arrive in step ``at`` [N, R] (after the step ``s``) where
        ``to`` sums it into ``shape``: units [N, R] per leg into places × modes, or (with
        ``cargo``) goods per leg [N, G, R] or per (leg, good) entry [N, R] into places ×
        goods. ``flows`` [N, R] marks where something may be sent. Cargo arriving after the
        horizon is still on the way at the end (summed by good by ``by_good`` for
        entries)."""
        xp = to.xp
        flows = flows & (at > s)
        if not bool(flows.any()):
            return
        first, last = s + 1, int((at * flows).max())
        book = self.cargo if cargo else self.units
        for t in range(first, min(last, steps if cargo else steps - 1) + 1):
            mask = flows & (at == t)
            rows = np.nonzero(_host(xp, mask.any(axis=1)))[0]
            if rows.size == 0:
                continue
            part = amount[xp.asarray(rows)]
            mask = mask[xp.asarray(rows)]
            # Rows that arrive then in some runs only: the others' part is not theirs.
            partial = np.nonzero(_host(xp, ~mask.all(axis=1)))[0]
            if partial.size:
                at_partial = xp.asarray(partial)
                keep = mask[at_partial]
                part[at_partial] *= keep[:, None, :] if part.ndim == 3 else keep
            if t >= steps:
                self.in_transit += (part.sum(axis=0) if by_good is None
                                    else by_good.subset(rows)(part))
                continue
            summed = to.subset(rows)(part).reshape(*shape, part.shape[-1])
            _book(book, t, summed)


def _rows(xp: Any, x: Any) -> np.ndarray:
    """The rows of ``x`` [N, ...] with something non-zero (host indices)."""
    return np.nonzero(_host(xp, (x != 0).any(axis=tuple(range(1, x.ndim)))))[0]
