"""The Monte Carlo engine: a plan executed step by step for many runs at once.

Every quantity is an array in the array module passed in (``numpy``, or ``cupy`` on a GPU:
the code is the same), with the runs last: places × goods × runs, legs × runs, ... so that
every operation runs over the runs in contiguous memory and sums over legs into places,
(place, mode) pairs or arcs are one sparse product (:class:`_Sum`). The plan is executed on
its own step grid (day by day where the plan is daily); threats are drawn day by day
(:mod:`supplyline.simulate.threats`); what is sent when reality falls short follows
:mod:`supplyline.simulate.policy`. Every per-leg coefficient (travel days, food and fuel per
trip, room for cargo, arrival steps) is the planner's own, read from the plan's
:class:`~supplyline.accounting.Legs`; only the day's draws move them (a wet day stretches the
movement time by the drawn slowdown instead of the expected one).

A run starts from the plan's own start, or from a given :class:`~supplyline.state.State`
(:func:`compile_plan`): its stocks, the units waiting and on the way with their cargo (read
by the planner's own :func:`~supplyline.plan.start.start_from`), what localities have given
so far (they give as planned, never beyond what they have left) and the route damage it
holds (repaired as the planner repairs it).

What the engine does not redraw: what localities give, units recruited and released, road
work, and the wounded's food follow the plan (their amounts are drawn from stock like any
other use); units do not go home at the end (their food for the way is drawn as planned).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse

from supplyline.accounting import way_back_arcs
from supplyline.network import Network
from supplyline.plan.result import Plan, main_goods
from supplyline.plan.start import damage_factor, start_from
from supplyline.simulate.policy import rounding, share
from supplyline.simulate.threats import ThreatSampler
from supplyline.state import State

__all__ = ["Compiled", "compile_plan", "run_chunk"]

#: A capacity this large is unlimited (:func:`_finite`).
UNLIMITED = 1e30
#: A leg along which the plan sends fewer units than this over its whole horizon is left
#: out (its units wait and its cargo stays where it is). An interior point solution without
#: crossover (the planner's on large LPs) spreads such crumbs over the legs it does not use:
#: on the built-in scenario 76 of 146 legs carry at most 0.005 units in all, the other 70
#: at least 3; leaving them out halves the engine's work over legs.
MIN_LEG_UNITS = 0.01
#: Cargo of a good that the plan carries along a leg less than this many kg of over its
#: whole horizon stays where it is (the same interior point crumbs): on the built-in
#: scenario 110 of the 360 (leg, good) pairs of the legs kept carry at least 4.8 kg, the
#: other 250 carry 2.0 kg in all. The engine keeps cargo on the pairs that carry any
#: (:class:`_Device`), a third of them there.
MIN_CARGO_KG = 1.0


@dataclass
class Compiled:
    """A plan as the arrays the engine reads, on the host (NumPy), in the plan's shapes:
    L legs (those the plan uses: see :data:`MIN_LEG_UNITS`; ``legs`` gives each one's index
    among the plan's), G goods, P places, M modes, A arcs, S steps, F places with demand
    (fronts). The engine moves them to the array module ``xp`` once, step first
    (:meth:`device`), in its floating-point type ``dtype``."""

    xp: Any
    plan: Plan
    steps: int
    days: int
    step_start: Any  # [S] int
    step_length: Any  # [S] float
    middle: Any  # [S]
    origin: Any  # [L]
    dest: Any
    mode: Any
    arc: Any
    route: Any
    night: Any  # [L] bool: the leg's mode moves by night only
    loaded: Any  # [L, S] planned units leaving loaded
    empty: Any  # [L, S] planned units leaving empty
    cargo: Any  # [L, G, S] planned cargo
    cargo_room: Any  # [L, S] room for cargo per loaded unit
    loaded_ok: Any  # [L, S] a loaded trip can leave
    empty_ok: Any  # [L, S]
    draw_loaded: Any  # [L, G, S] food and fuel drawn per loaded unit where it leaves
    draw_empty: Any  # [L, G, S]
    eat_loaded: Any  # [L, G, S] of which eaten on the way
    eat_empty: Any  # [L, G, S]
    back_food: Any  # [L, G, S] food for the way back handed over where it arrives
    days_loaded: Any  # [L, S] the planner's (expected) trip days
    days_empty: Any
    move_loaded: Any  # [L] dry movement days
    move_empty: Any
    slow_expected: Any  # [L, S] the planner's expected slowdown in the step
    road_use: Any  # [L]
    capacity_movements: Any  # [A] per day (inf: unlimited)
    capacity_kg: Any  # [A] per day
    open_share: Any  # [A, D] 1 on days the route is open
    damage: Any  # [A, S] capacity left by the route damage held at the start
    arc_route: Any  # [A]
    keep: Any  # [G, S] share of a stock not spoiled in the step
    stock_in: Any  # [P, G, S] at the start, or arriving from before it
    given: Any  # [P, G, S] given in the step
    units_in: Any  # [P, M, S] units at the start, or arriving from before it
    recruited: Any  # [P, M, S]
    released: Any  # [P, M, S]
    fixed_food: Any  # [P, G, S] crews, road work, wounded, way home (as planned)
    waiting: Any  # [P, M, S] planned unit-days waiting
    rations: Any  # [M, G] per unit and day
    consumed: Any  # [P, G, S] planned consumption
    demand: Any  # [P, G, S]
    plan_stock: Any  # [P, G, S]
    fronts: Any  # [F] places with demand
    front_daily: Any  # [F, G, S] demand per day
    availability: Any  # [M]
    in_service: Any  # [M, S] planned units in service
    crew: Any  # [M]
    labour_planned: float
    n_places: int
    n_modes: int
    n_goods: int
    dtype: Any = np.float64  # the engine's floating-point type
    legs: Any = None  # [L] the plan's index of each leg the engine executes
    n_legs_plan: int = 0  # the plan's legs
    reverse: Any = None  # [L] the leg back (same mode, the reverse arc of the same route; -1: none)
    handling: Any = None  # [P] kg a place can load and unload per day (inf: unlimited)
    arrivals: Any = None  # [P] units a place can receive per day (inf: unlimited)
    max_slow: Any = None  # [L] the largest slowdown rain may draw on the leg's route
    idle_end: Any = None  # [P, M] units the plan has waiting at the horizon's end
    _device: _Device | None = field(default=None, repr=False)

    def device(self) -> _Device:
        """The arrays in ``xp``, step first, with the sums the engine uses (made once)."""
        if self._device is None:
            self._device = _Device(self)
        return self._device


def _host(xp: Any, value: Any) -> np.ndarray:
    """An array on the host (NumPy)."""
    return np.asarray(value if xp is np else xp.asnumpy(value))


def _times(xp: Any, matrix: Any, x: Any) -> Any:
    """``matrix @ x`` for a 2-D ``x``: a SciPy CSR matrix on NumPy, a dense one on CuPy."""
    return np.asarray(matrix @ x) if xp is np else matrix @ x


class _Linear:
    """A fixed linear map ``[N, ...] → [T, ...]`` along the first axis, given by a host
    matrix [T, N]: a SciPy sparse product on NumPy (no BLAS threads), a dense product on
    CuPy."""

    def __init__(self, xp: Any, matrix: np.ndarray) -> None:
        self.xp = xp
        self.shape = matrix.shape
        self.host = np.asarray(matrix, dtype=float)
        self._matrices: dict[Any, Any] = {}

    def __call__(self, x: Any) -> Any:
        matrix = self._matrices.get(x.dtype)
        if matrix is None:
            if self.xp is np:
                matrix = scipy.sparse.csr_matrix(self.host.astype(x.dtype))
            else:
                matrix = self.xp.asarray(self.host.astype(x.dtype))
            self._matrices[x.dtype] = matrix
        out = _times(self.xp, matrix, x.reshape(x.shape[0], -1))
        return out.reshape(self.shape[0], *x.shape[1:])


class _Sum:
    """Sums the rows of an array (legs, or (leg, good) entries) into their targets (places,
    (place, mode) pairs, arcs, goods; rows whose target is < 0 are left out) along the
    first axis: ``[N, ...] → [T, ...]``; and back, each row's target's value (``spread``).
    On NumPy a SciPy sparse product (one multiply-add per row and run); on CuPy a product
    with the dense one-hot matrix."""

    def __init__(self, xp: Any, target: np.ndarray, size: int) -> None:
        self.xp = xp
        self.size = size
        self.target_host = np.asarray(target, dtype=np.int64)
        self.target = xp.asarray(self.target_host)
        self._matrices: dict[Any, Any] = {}
        self._subsets: dict[bytes, _Sum] = {}

    def _matrix(self, dtype: Any) -> Any:
        matrix = self._matrices.get(dtype)
        if matrix is None:
            n = self.target_host.size
            rows = np.nonzero(self.target_host >= 0)[0]  # a target < 0: the row is left out
            if self.xp is np:
                matrix = scipy.sparse.csr_matrix(
                    (np.ones(rows.size, dtype=dtype), (self.target_host[rows], rows)),
                    shape=(self.size, n))
            else:
                matrix = self.xp.asarray(
                    _one_hot(self.target_host, self.size).T.astype(dtype))
            self._matrices[dtype] = matrix
        return matrix

    def __call__(self, x: Any) -> Any:
        flat = x.reshape(x.shape[0], -1)
        out = _times(self.xp, self._matrix(x.dtype), flat)
        return out.reshape(self.size, *x.shape[1:])

    def spread(self, x: Any) -> Any:
        """Each row's target's value: ``[T, ...] → [N, ...]``."""
        return x[self.target]

    def subset(self, rows: np.ndarray) -> _Sum:
        """The sum over some of the rows only (``rows``: host indices), kept for reuse."""
        key = rows.tobytes()
        found = self._subsets.get(key)
        if found is None:
            found = _Sum(self.xp, self.target_host[rows], self.size)
            if len(self._subsets) < 4096:
                self._subsets[key] = found
        return found


def _one_hot(index: np.ndarray, size: int) -> np.ndarray:
    """[N, size]: 1 at each row's index (none where it is < 0)."""
    out = np.zeros((index.size, size))
    rows = np.nonzero(index >= 0)[0]
    out[rows, index[rows]] = 1.0
    return out


def _largest(x: Any) -> float:
    """The largest value of an array (0 when it is empty), on the host."""
    return float(x.max()) if x.size else 0.0


def _finite(capacity: np.ndarray) -> np.ndarray:
    """Capacities with unlimited as a huge finite number (so a closed day, 0 × it, is 0)."""
    return np.where(np.isfinite(capacity), capacity, UNLIMITED)


def _entries(*coefficients: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (leg, good) pairs [E] where any of the ``[L, G, S]`` coefficients is non-zero in
    some step: the engine computes draws and food for the way back on these only."""
    nonzero = np.zeros(coefficients[0].shape[:2], dtype=bool)
    for c in coefficients:
        nonzero |= (c != 0).any(axis=2)
    leg, good = np.nonzero(nonzero)
    return leg.astype(np.int64), good.astype(np.int64)


def compile_plan(plan: Plan, xp: Any = np, state: State | None = None,
                 dtype: Any = np.float64) -> Compiled:
    """The plan's arrays the engine reads (``xp``: the array module it runs in; ``dtype``:
    the floating-point type it computes in).

    With ``state``, the runs start from it instead of the plan's own start: its stocks and
    the units waiting and on the way with their cargo (as the planner reads them), route
    damage repaired as the planner repairs it, and localities that give as planned but
    never beyond what they have left after what the State says they gave."""
    net = plan.network
    legs = plan.legs
    grid = net.grid
    n_p, n_m, steps = net.n_places, net.n_modes, net.steps
    goods = plan.goods
    n_g = goods.size

    fuel_loaded = np.broadcast_to(legs.fuel_loaded[:, :, None], legs.food_loaded.shape)
    fuel_empty = np.broadcast_to(legs.fuel_empty[:, :, None], legs.food_empty.shape)

    # Uses of stock the plan fixes: repair crews, road work, the wounded, the way home.
    fixed = plan.wounded_fed_kg.copy()
    np.add.at(fixed, net.repair_fed_at, plan.crew_fed_kg)
    ration = net.labour_rations_kg_per_day[goods]
    for k, work in enumerate(net.road_works):
        fixed[work.fed_at] += ration[:, None] * plan.road_work_days[k][None, :]
    fixed[:, :, -1] += plan.way_home_kg()

    given_total = plan.given_kg
    if state is None:
        stock_in = plan.stock_in_kg
        units_in = _units_at_start(plan)
        # The route damage the plan's start held: what its capacity has beyond the network's.
        base = net.capacity_factor
        damage = np.where(base > 0, plan.capacity_factor / np.where(base > 0, base, 1.0), 1.0)
        damage = np.clip(damage, 0.0, 1.0)
    else:
        start = start_from(net, state)  # checks the State against the network, its date too
        stock_in = start.stock_in
        units_in = start.units_in
        damage = damage_factor(net, state)
        # Localities give as planned, never more than they have left.
        given_total = np.minimum(given_total, start.giveable_kg[:, goods, :])

    given = np.diff(given_total, axis=2, prepend=0.0)
    demand = plan.demand_kg
    fronts = np.nonzero(demand.sum(axis=(1, 2)) > 0)[0]
    closed = net.closed.astype(float)
    labour = plan.labour_days()
    used = np.nonzero((plan.loaded_units + plan.empty_units).sum(axis=1) >= MIN_LEG_UNITS)[0]
    compiled = Compiled(
        xp=xp, plan=plan, steps=steps, days=net.days,
        step_start=grid.start.copy(), step_length=grid.length.copy(), middle=grid.middle.copy(),
        origin=legs.origin, dest=legs.dest, mode=legs.mode, arc=legs.arc,
        route=net.arc_route[legs.arc], night=net.night_only[legs.mode],
        loaded=plan.loaded_units, empty=plan.empty_units, cargo=plan.cargo_kg,
        cargo_room=legs.cargo_room, loaded_ok=legs.loaded_ok, empty_ok=legs.empty_ok,
        draw_loaded=legs.food_loaded + legs.food_carried_back + fuel_loaded,
        draw_empty=legs.food_empty + fuel_empty,
        eat_loaded=legs.food_loaded, eat_empty=legs.food_empty,
        back_food=legs.food_carried_back,
        days_loaded=legs.days_loaded, days_empty=legs.days_empty,
        move_loaded=net.move_days_loaded[legs.arc, legs.mode],
        move_empty=net.move_days_empty[legs.arc, legs.mode],
        slow_expected=grid.mean(net.slowdown[legs.arc]),
        road_use=net.road_use[legs.mode],
        capacity_movements=_finite(net.capacity_movements),
        capacity_kg=_finite(net.capacity_kg),
        open_share=1.0 - closed, damage=damage, arc_route=net.arc_route,
        keep=net.kept_share(goods), stock_in=stock_in, given=given,
        units_in=units_in, recruited=plan.recruited_units,
        released=plan.released_units, fixed_food=fixed,
        waiting=plan.waiting_unit_days, rations=net.rations_kg_per_day[:, goods],
        consumed=plan.consumed_kg, demand=demand, plan_stock=plan.stock_kg,
        fronts=fronts, front_daily=demand[fronts] / grid.length[None, None, :],
        availability=net.availability.copy(), in_service=plan.units_in_use(),
        crew=net.crew_per_unit.copy(), labour_planned=float(labour["total"]),
        n_places=n_p, n_modes=n_m, n_goods=n_g, dtype=np.dtype(dtype),
        legs=np.arange(legs.origin.size), n_legs_plan=int(legs.origin.size),
        handling=net.handling_kg_per_day.copy(), arrivals=net.arrivals_per_day.copy(),
        max_slow=_max_slowdown(net)[net.arc_route[legs.arc]],
        idle_end=np.asarray(plan.idle_units)[:, :, -1].copy(),
    )
    # (A plan that sends nothing anywhere keeps its legs: the engine needs one at least.)
    compiled = _used_legs(compiled, used) if used.size else compiled
    crumbs = np.asarray(compiled.cargo).sum(axis=2) < MIN_CARGO_KG
    compiled.cargo = np.where(crumbs[:, :, None], 0.0, compiled.cargo)
    compiled.reverse = _way_back_legs(net, compiled)
    return compiled


def _way_back_legs(net: Network, c: Compiled) -> np.ndarray:
    """Each leg's way back among the legs the engine executes: the leg of the same mode on
    the planner's way back (:func:`supplyline.accounting.way_back_arcs`), -1 where there is
    none or the plan does not use it."""
    arc, mode = np.asarray(c.arc), np.asarray(c.mode)
    back_arc = way_back_arcs(net, arc, mode)
    leg_of = {(int(a), int(m)): i for i, (a, m) in enumerate(zip(arc, mode, strict=True))}
    return np.array([leg_of.get((int(a), int(m)), -1) for a, m in zip(back_arc, mode,
                                                                      strict=True)],
                    dtype=np.int64)


#: The fields of :class:`Compiled` with one row per leg.
_PER_LEG = ("origin", "dest", "mode", "arc", "route", "night", "loaded", "empty", "cargo",
            "cargo_room", "loaded_ok", "empty_ok", "draw_loaded", "draw_empty", "eat_loaded",
            "eat_empty", "back_food", "days_loaded", "days_empty", "move_loaded",
            "move_empty", "slow_expected", "road_use", "legs", "max_slow")


def _landing_offsets(c: Compiled, places: np.ndarray) -> int:
    """How many steps, from the one a trip leaves in, the trips to ``places`` and their
    cargo may land in: under the slowest rain each route may draw, and one more (0: none)."""
    if places.size == 0:
        return 0
    into = np.nonzero(np.isin(np.asarray(c.dest), places))[0]
    if into.size == 0:
        return 0
    stretch = np.asarray(c.max_slow)[into, None] - np.asarray(c.slow_expected)[into]
    steps = np.arange(c.steps)[None, :]
    most = 0
    for days, move, leave in ((c.days_loaded, c.move_loaded, c.step_start),
                              (c.days_empty, c.move_empty, c.step_start),
                              (c.days_loaded, c.move_loaded, c.middle)):  # the cargo
        start = np.asarray(leave, dtype=float)[None, :]
        worst = np.asarray(days)[into] + np.asarray(move)[into, None] * np.maximum(stretch, 0.0)
        day = np.clip(np.floor(start + worst), 0, c.days).astype(np.int64)
        at = np.searchsorted(np.asarray(c.step_start), day, side="right") - 1
        at = np.where(day >= c.days, c.steps, at)
        most = max(most, int((np.minimum(at, c.steps) - steps).max(initial=0)))
    # One more than the latest landing step so counted: a run draws its slowdowns in its
    # own floating-point type, whose rounding may carry a trip past a day's edge.
    return most + 2


def _max_slowdown(net: Network) -> np.ndarray:
    """The largest slowdown a day's rain may draw on each route [R]: every spell that may
    fall on it wet at once."""
    out = np.ones(len(net.route_ids))
    for spell in net.rains:
        if spell.probability.max(initial=0.0) > 0.0:
            out[spell.routes] /= spell.speed_factor
    return out


def _used_legs(c: Compiled, used: np.ndarray) -> Compiled:
    """``c`` with only the legs ``used`` (indices of the plan's legs)."""
    return dataclasses.replace(c, **{name: np.asarray(getattr(c, name))[used]
                                     for name in _PER_LEG})


def _units_at_start(plan: Plan) -> np.ndarray:
    """Units at the plan's start or arriving from before it [P, M, S]: what the plan's
    fleet balance leaves over."""
    net, legs = plan.network, plan.legs
    n_p, n_m, steps = net.n_places, net.n_modes, net.steps
    out = np.zeros((n_p, n_m, steps))
    arrived = np.zeros((n_p, n_m, steps))
    for dispatch, arrive in ((plan.loaded_units, legs.arrive_loaded),
                             (plan.empty_units, legs.arrive_empty)):
        np.add.at(out, (legs.origin, legs.mode), dispatch)
        leg, step = np.nonzero((dispatch > 0) & (arrive < steps))
        np.add.at(arrived, (legs.dest[leg], legs.mode[leg], arrive[leg, step]),
                  dispatch[leg, step])
    previous = np.concatenate([np.zeros((n_p, n_m, 1)), plan.idle_units[:, :, :-1]], axis=2)
    units_in = (plan.idle_units - previous - plan.recruited_units + plan.released_units
                + out - arrived)
    return np.where(units_in > 1e-6, units_in, 0.0)


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
        self.days_loaded = steps_first(c.days_loaded, times=True)
        self.days_empty = steps_first(c.days_empty, times=True)
        self.slow_expected = steps_first(c.slow_expected, times=True)
        self.move_loaded = xp.asarray(c.move_loaded)[:, None]
        self.move_empty = xp.asarray(c.move_empty)[:, None]
        self.road_use = real(c.road_use)[:, None]
        # Food and fuel per trip on the (leg, good) pairs that draw any; the food for the
        # way back on those that carry it.
        draw_leg, draw_good = _entries(c.draw_loaded, c.draw_empty)
        self.draw_leg = xp.asarray(draw_leg)
        self.draw_loaded = steps_first(c.draw_loaded[draw_leg, draw_good])  # [S, Ed]
        self.draw_empty = steps_first(c.draw_empty[draw_leg, draw_good])
        self.eat_loaded = steps_first(c.eat_loaded[draw_leg, draw_good])
        self.eat_empty = steps_first(c.eat_empty[draw_leg, draw_good])
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
        back_leg, back_good = _entries(c.back_food)
        self.has_back = back_leg.size > 0
        self.back_leg = xp.asarray(back_leg)
        self.back = steps_first(c.back_food[back_leg, back_good])  # [S, Eb]
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
        self.units_in = steps_first(c.units_in + c.recruited)[..., None]  # [S, P, M, 1]
        self.released = steps_first(c.released)[..., None]
        self.fixed_food = steps_first(c.fixed_food)[..., None]
        # Food of the units the plan keeps waiting, per unit alive: [S, P·G, M].
        waiting_food = np.asarray(c.waiting)[:, :, None, :] * np.asarray(c.rations)[None, :, :,
                                                                                    None]
        waiting_food = waiting_food.transpose(3, 0, 2, 1).reshape(c.steps, n_p * n_g, n_m)
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
        # The step holding each whole day (and ``steps`` from the horizon's end): trips
        # leave and steps start on whole days.
        day_step = np.searchsorted(c.step_start, np.arange(c.days), side="right") - 1
        self.day_step_host = np.append(day_step, c.steps).astype(np.int64)
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

    def step_of(self, time: Any, days: int) -> Any:
        """The step holding each time (``steps`` at or past the horizon's end)."""
        xp = self.xp
        day = xp.clip(xp.floor(time), 0, days).astype(np.int64)
        return self.day_step[day]


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
        stretch = 1.0 - np.asarray(c.slow_expected)[:, s]  # the drawn slowdown is 1

        def step_of(time: np.ndarray) -> np.ndarray:
            day = np.clip(np.floor(time), 0, c.days).astype(np.int64)
            return np.asarray(d.day_step_host[day])

        first = float(c.step_start[s])
        days_l = np.asarray(c.days_loaded)[:, s] + np.asarray(c.move_loaded) * stretch
        days_e = np.asarray(c.days_empty)[:, s] + np.asarray(c.move_empty) * stretch
        self.at_loaded = step_of(first + days_l)
        self.at_empty = step_of(first + days_e)
        self.at_cargo = np.maximum(step_of(float(c.middle[s]) + days_l), self.at_loaded)
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
    return np.nonzero(_host(xp, (x != 0).reshape(x.shape[0], -1).any(axis=1)))[0]


def run_chunk(c: Compiled, runs: int, rng: Any, threats: bool = True,
              unit_losses: bool = True, trace: bool = False,
              breakdowns: bool = True) -> dict[str, Any]:
    """Execute the plan ``runs`` times. Returns per-run arrays (in ``xp``, the runs first):
    see :class:`supplyline.simulate.result.Simulation` for what each holds. With ``trace``,
    also every step's dispatches, cargo, stocks, units waiting and consumption (``trace_*``,
    in the plan's shapes with the runs first)."""
    d = c.device()
    xp, dtype = c.xp, d.dtype
    n_p, n_m, n_g, steps = c.n_places, c.n_modes, c.n_goods, c.steps
    n_f = int(c.fronts.size)
    sampler = ThreatSampler(c.plan.network, xp, rng, runs, enabled=threats, dtype=dtype)

    def zeros(*shape: int) -> Any:
        return xp.zeros(shape, dtype=dtype)

    n_legs = int(c.loaded.shape[0])
    backlog_loaded = zeros(n_legs, runs)
    backlog_empty = zeros(n_legs, runs)
    n_c = int(d.cargo_leg.size)  # (leg, good) pairs that carry cargo
    backlog_cargo = zeros(n_c, runs)
    traced: dict[str, list[Any]] = {}
    if trace:
        traced = {key: [] for key in ("trace_loaded", "trace_empty", "trace_cargo",
                                      "trace_stock", "trace_idle", "trace_consumed")}

    stock = zeros(n_p, n_g, runs)
    idle = zeros(n_p, n_m, runs)
    pending = _Pending(cargo={}, units={}, in_transit=zeros(n_g, runs))
    tally = {key: zeros(n_g, runs) for key in (
        "consumed", "eaten", "burned", "spoiled", "destroyed", "unfed")}
    lost_units = zeros(n_m, runs)
    owed = xp.zeros(runs)  # most units the places owed at the end of a step
    owed_kg = xp.zeros(runs)  # most goods
    lost_unit_days = zeros(n_m, runs)
    short = zeros(steps, n_f, n_g, runs)
    reserve_days = zeros(steps, n_f, runs)
    reserve_main = zeros(steps, n_f, runs)  # of each front's main good
    loads_sent = zeros(n_c, runs)  # what left of the plan's loads, by (leg, good) pair
    front_stock = zeros(steps, n_f, runs)
    fronts = d.fronts
    a_dev = xp.asarray(np.asarray(c.availability, dtype=dtype))[:, None]
    # What the places whose handling or arrivals are limited may still load and unload,
    # or receive, in each step (and, after the horizon's end, without limit)
    # [H or Ha, S + offsets, R].
    per_step = xp.asarray(np.concatenate([np.asarray(c.step_length, dtype=float),
                                          np.full(d.offsets, UNLIMITED)]).astype(dtype))
    handling_left = (d.handling * per_step[None, :, None]
                     + zeros(d.handled_host.size, steps + d.offsets, runs)
                     if d.handled_host.size else None)
    arrivals_left = (d.arrivals * per_step[None, :, None]
                     + zeros(d.received_host.size, steps + d.offsets, runs)
                     if d.received_host.size else None)

    for s in range(steps):
        length = float(c.step_length[s])
        first = int(c.step_start[s])
        # --- the step's days: damage, rain and strikes, each day its own capacity and
        # cargo loss (a strike falls on its day, not spread over the step); travel times
        # on the plan's grid from the step's mean slowdown.
        left_days: list[Any] = []  # [A, R] per day
        loss_days: list[Any] = []  # [L, R] per day
        slow_q = zeros(sampler.n_routes, runs)
        for day in range(first, first + int(length)):
            draw = sampler.day(day)
            left_days.append(draw.capacity_left.T[d.arc_route] * d.open_share[day][:, None]
                             * d.damage[s][:, None])
            slow_q += draw.slowdown.T
            loss_days.append(xp.stack([draw.loss_day.T, draw.loss_night.T])[d.night, d.route])
        slow = slow_q[d.arc_route] / length  # [A, R]
        # Units in service that can travel: the binomial share of the mode's availability
        # (normal approximation), against the share the plan counted on.
        z = rng.standard_normal((runs, n_m)).T.astype(dtype)
        in_service = np.asarray(c.in_service[:, s], dtype=dtype)
        units = xp.asarray(np.maximum(in_service, 1.0))[:, None]
        drawn = xp.clip(a_dev + xp.sqrt(a_dev * (1.0 - a_dev) / units) * z, 0.0, 1.0)
        available = xp.minimum(1.0, drawn / a_dev)  # [M, R]
        if not breakdowns:  # (drawn all the same: the other draws stay the same runs')
            available = xp.ones_like(available)
        alive = 1.0 - lost_units / xp.asarray(np.maximum(in_service, 1e-9))[:, None]
        alive = xp.clip(alive, 0.0, 1.0)

        # --- what is there at the step's start
        kept = stock * d.keep[s]
        tally["spoiled"] += (stock - kept).sum(axis=0)
        stock = kept + d.stock_in[s] + d.given[s]
        if s in pending.cargo:
            stock += pending.cargo.pop(s)
        idle = idle + d.units_in[s]
        if s in pending.units:
            idle += pending.units.pop(s)

        # --- the step's days. Each day sends its share of the step's dispatches (and what
        # it kept back before: a leg catches up as soon as it can). What lands within the
        # step lands the next day; on the first day, what the last day will land is
        # advanced as planned, and the step's end settles the account.
        n_days = int(length)
        per_day = 1.0 / n_days
        fixed_day = (d.fixed_food[s] + d.waiting_food[s](alive).reshape(n_p, n_g, runs)) \
            * per_day
        front_day = d.consumed[s] * per_day
        eaten_rows, eaten_step = d.consumed_rows[s]
        consumed_day = (eaten_rows, eaten_step * per_day)
        loaded_day = d.loaded[s][:, None] * per_day
        empty_day = d.empty[s][:, None] * per_day
        cargo_day = d.cargo[s][:, None] * per_day

        # --- on the way: the drawn travel time and strikes of each leg (the same in every
        # run where no rain can fall in the step)
        fixed = d.dry(c, s) if not sampler.may_rain(first, first + int(length)) else None
        if fixed is not None:
            at_l, at_e, at_cargo = fixed.loaded, fixed.empty, fixed.cargo
        else:
            stretch = slow[d.arc] - d.slow_expected[s][:, None]
            days_l = d.days_loaded[s][:, None] + d.move_loaded * stretch
            days_e = d.days_empty[s][:, None] + d.move_empty * stretch
            at_l = d.step_of(first + days_l, c.days)
            at_e = d.step_of(first + days_e, c.days)
            at_cargo = xp.maximum(d.step_of(float(c.middle[s]) + days_l, c.days), at_l)
        now_l = at_l == s
        now_e = at_e == s
        now_cargo = at_cargo == s

        sent_loaded = zeros(n_legs, runs)
        sent_empty = zeros(n_legs, runs)
        sent_cargo = zeros(n_c, runs)
        destroyed = zeros(n_c, runs)
        lost_l = zeros(n_legs, runs)
        lost_e = zeros(n_legs, runs)
        eaten_here = zeros(n_p, n_g, runs)
        advanced: tuple[Any, Any] = (None, None)
        landed: tuple[Any, Any] = (None, None)
        for j in range(n_days):
            # Today's cargo loss and capacity (unlimited ones where nothing of a route is
            # left).
            loss, left = loss_days[j], left_days[j]
            hit = loss if unit_losses else xp.zeros_like(loss)
            cargo_kept = (1.0 - loss) * now_cargo  # [L, R]
            layout = d.capacity["limited" if bool((left >= 1e-12).all()) else "all"]
            cap_day = _capacity_today(
                xp, layout, left,
                *(None if budget is None else budget[:, s:s + d.offsets]
                  for budget in (handling_left, arrivals_left)))
            # What each leg means to send today, with units enough for the loads.
            cargo_want = cargo_day + backlog_cargo  # [C, R]
            cargo_total = d.cargo_by_leg(cargo_want)  # [L, R]
            plan_loaded = xp.maximum(loaded_day + backlog_loaded,
                                     cargo_total / d.room[s][:, None]) \
                * d.loaded_ok_share[s][:, None]
            plan_empty = (empty_day + backlog_empty) * d.empty_ok_share[s][:, None]
            # The loads of the units that may leave (a leg that cannot be used keeps its
            # cargo waiting): each unit leaving loaded takes its share of them.
            if d.all_loaded_ok[s]:
                loads = cargo_want
                kgs = cargo_total
            else:
                ok = d.loaded_ok_share[s][:, None]
                loads = cargo_want * ok[d.cargo_leg]
                kgs = cargo_total * ok
            sent_full = plan_loaded + plan_empty
            want = d.by_origin_mode(sent_full).reshape(n_p, n_m, runs)
            draws = (plan_loaded[d.draw_leg] * d.draw_loaded[s][:, None]
                     + plan_empty[d.draw_leg] * d.draw_empty[s][:, None])  # [Ed, R]
            # What lands within the step, per share of each leg sent: its units, and its
            # cargo and the food for the way back (only the legs where some does).
            units_land = (plan_loaded * now_l + plan_empty * now_e) * (1.0 - hit)
            # (The food a unit carries for the way back goes with it: a unit lost loses it.)
            land = _Land(xp, d, n_p, n_m, n_g, runs, units_rows=_rows(xp, units_land),
                         cargo_rows=_rows(xp, cargo_kept * kgs), keep=cargo_kept,
                         back=((plan_loaded * now_l * (1.0 - hit))[d.back_leg]
                               * d.back[s][:, None] if d.has_back else None))
            if j == 0:
                # The plan's own (not what legs kept back before: that is sent first).
                ahead = _Land(xp, d, n_p, n_m, n_g, runs, units_rows=land.units_rows,
                              cargo_rows=land.cargo_rows, keep=cargo_kept,
                              back=((loaded_day * now_l * (1.0 - hit))[d.back_leg]
                                    * d.back[s][:, None] if d.has_back else None))
                advanced = ahead.execute(
                    (loaded_day * d.loaded_ok_share[s][:, None] * now_l
                     + empty_day * d.empty_ok_share[s][:, None] * now_e) * (1.0 - hit),
                    cargo_day * d.loaded_ok_share[s][d.cargo_leg][:, None],
                    xp.ones_like(units_land))
                idle, stock = _plus(idle, stock, advanced)
            else:
                idle, stock = _plus(idle, stock, landed)
            # The policy (see policy.py): what is here serves, in one pass.
            ready = xp.minimum(idle, idle * available[None])  # units owed (< 0): owed whole
            capacity = None
            if cap_day is not None:
                # Per share of each leg sent: its road use, its loads where they leave,
                # and (where places are limited) its loads and units landing k steps on.
                uses = [sent_full * d.road_use, kgs]
                if layout.has_places:
                    uses += [kgs * (1.0 - loss) * (at_cargo == s + k)
                             for k in range(d.offsets)]
                    uses += _landing(plan_loaded, plan_empty, at_l, at_e, s, d.offsets, hit)
                capacity = _Capacity(layout, cap=cap_day, uses=xp.stack(uses))
            pairs = d.leave_pairs
            leave, take, offered = _policy(
                xp, d, stock=stock, fixed=fixed_day,
                ready=ready.reshape(n_p * n_m, runs)[pairs],
                want=want.reshape(n_p * n_m, runs)[pairs], capacity=capacity, draws=draws,
                loads=loads, consumed=consumed_day)

            # --- execute: people eat, units leave, the front eats, the loads are taken
            n_loaded = plan_loaded * leave
            n_empty = plan_empty * leave
            leaving, leaving_here = offered  # the loads of the units leaving, and by place
            cargo = leaving * take[d.load_pair_of]  # [C, R] sent
            fixed_need = fixed_day
            fed = xp.minimum(fixed_need, xp.maximum(stock, 0.0))
            stock = stock - fed
            tally["eaten"] += fed.sum(axis=0)
            fixed_need = fixed_need - fed
            idle = idle - d.by_origin_mode(n_loaded + n_empty).reshape(n_p, n_m, runs)
            trip = draws * leave[d.draw_leg]  # [Ed, R]
            eaten_trip = (n_loaded[d.draw_leg] * d.eat_loaded[s][:, None]
                          + n_empty[d.draw_leg] * d.eat_empty[s][:, None])
            tally["eaten"] += d.draw_good(eaten_trip)
            burned = d.draw_good(trip - eaten_trip)
            if d.has_back:
                burned -= d.back_good(n_loaded[d.back_leg] * d.back[s][:, None])
                tally["destroyed"] += d.back_good((n_loaded * hit)[d.back_leg]
                                                  * d.back[s][:, None])
            tally["burned"] += burned
            stock = stock - d.draw_at(trip).reshape(n_p, n_g, runs)
            eaten_today = xp.minimum(front_day, xp.maximum(stock, 0.0))
            stock = stock - eaten_today
            eaten_here = eaten_here + eaten_today
            # The loads taken, where they leave (``stock`` is this day's own array here).
            stock.reshape(n_p * n_g, runs)[d.load_pairs] -= take * leaving_here
            if handling_left is not None:  # what left, and what will land there, by step
                handling_left[:, s] -= d.loads_handled(take * leaving_here)
                kept = cargo * (1.0 - loss)[d.cargo_leg]
                for k in range(d.offsets):
                    handling_left[:, s + k] -= d.lands_handled(
                        kept * (at_cargo == s + k)[d.cargo_leg])
            if arrivals_left is not None:  # the units that will land there, by step
                landing = _landing(n_loaded, n_empty, at_l, at_e, s, d.offsets, hit)
                for k, units in enumerate(landing):
                    arrivals_left[:, s + k] -= d.lands_received(units)
            lost = d.by_mode((n_loaded + n_empty) * hit)
            lost_l += n_loaded * hit
            lost_e += n_empty * hit
            destroyed += cargo * loss[d.cargo_leg]
            lost_units += lost
            lost_unit_days += lost * (c.days - first - j)
            landed = land.execute(units_land, cargo, leave)
            sent_loaded = sent_loaded + n_loaded
            sent_empty = sent_empty + n_empty
            sent_cargo += cargo
            # What was not sent waits: the units that did not leave eat where they are
            # today, and what they were to send is sent as soon as it can be. Only units
            # that are there eat there: those waiting beyond the plan's own waiting (fed
            # above), not units lost, still on the way or never come.
            kept_back = d.by_origin_mode(sent_full * (1.0 - leave)).reshape(n_p * n_m, runs)
            there = (idle - d.waiting_day[s] * alive[None]).reshape(n_p * n_m, runs)
            kept_back = xp.minimum(kept_back, xp.maximum(there, 0.0))
            fixed_need = fixed_need + d.rations(kept_back).reshape(n_p, n_g, runs)
            fed = xp.minimum(fixed_need, xp.maximum(stock, 0.0))
            stock = stock - fed
            tally["eaten"] += fed.sum(axis=0)
            tally["unfed"] += (fixed_need - fed).sum(axis=0)
            cargo_want -= cargo  # not negative: cargo ≤ loads ≤ cargo_want
            backlog_cargo = cargo_want
            # Units sent beyond the plan to carry loads kept back come back empty on the
            # leg back (the plan has no return for them), those that strikes leave.
            beyond = n_loaded - (loaded_day + backlog_loaded)
            backlog_loaded = xp.maximum(-beyond, 0.0)
            backlog_empty = xp.maximum(empty_day + backlog_empty - n_empty, 0.0) \
                + d.to_reverse(xp.maximum(beyond, 0.0) * (1.0 - hit))
        # The last day's landings, less what the first day had advanced of them.
        idle, stock = _plus(idle, stock, landed)
        idle, stock = _plus(idle, stock, advanced, sign=-1.0)
        n_loaded, n_empty = sent_loaded, sent_empty
        arrived = sent_cargo - destroyed  # each day's cargo, less that day's strikes'
        tally["destroyed"] += d.cargo_good(destroyed)
        loads_sent += sent_cargo
        back = (n_loaded - lost_l)[d.back_leg] * d.back[s][:, None] if d.has_back else None
        # What arrives in later steps (or after the horizon: still on the way at the end).
        if fixed is not None:
            fixed.send(pending, arrived, fixed.goods, (n_p, n_g), cargo=True)
            fixed.send(pending, n_loaded - lost_l, fixed.units_loaded, (n_p, n_m), cargo=False)
            fixed.send(pending, n_empty - lost_e, fixed.units_empty, (n_p, n_m), cargo=False)
            if fixed.goods_after.size:
                rows = fixed.goods_after
                pending.in_transit += d.cargo_good.subset(rows)(arrived[xp.asarray(rows)])
            if back is not None:
                fixed.send(pending, back, fixed.back, (n_p, n_g), cargo=True)
                if fixed.back_after.size:
                    rows = fixed.back_after
                    pending.in_transit += d.back_good.subset(rows)(back[xp.asarray(rows)])
        else:
            sending = n_loaded > 0
            pending.add(arrived, at_cargo[d.cargo_leg], sending[d.cargo_leg], s, steps,
                        d.cargo_to, (n_p, n_g), cargo=True, by_good=d.cargo_good)
            if back is not None:
                pending.add(back, at_l[d.back_leg], sending[d.back_leg], s, steps, d.back_to,
                            (n_p, n_g), cargo=True, by_good=d.back_good)
            pending.add(n_loaded - lost_l, at_l, sending, s, steps, d.by_dest_mode,
                        (n_p, n_m))
            pending.add(n_empty - lost_e, at_e, n_empty > 0, s, steps, d.by_dest_mode,
                        (n_p, n_m))
        if trace:
            every = zeros(n_legs, n_g, runs)
            every[d.cargo_leg, d.cargo_good.target] = sent_cargo
            traced["trace_cargo"].append(every)
        # --- the step's end: releases, a front's luck, the record
        idle = idle - xp.clip(d.released[s], 0.0, xp.maximum(idle, 0.0))
        spare = xp.maximum(stock - d.plan_stock[s], 0.0)
        extra = xp.minimum(xp.maximum(d.demand[s] - eaten_here, 0.0), spare)
        stock = stock - extra
        eaten_here = eaten_here + extra
        if n_f:
            # A front eats only what came: what it owes at the step's end, up to what it
            # ate in the step, it ate on the first day from arrivals advanced as planned
            # that did not come. It went short of it instead, and owes nothing for it.
            unfounded = xp.minimum(xp.maximum(-stock[fronts], 0.0), eaten_here[fronts])
            stock[fronts] += unfounded
            eaten_here[fronts] -= unfounded
        tally["consumed"] += eaten_here.sum(axis=0)
        owed = xp.maximum(owed, xp.maximum(-idle, 0.0).sum(axis=(0, 1)))
        owed_kg = xp.maximum(owed_kg, xp.maximum(-stock, 0.0).sum(axis=(0, 1)))
        if trace:
            traced["trace_loaded"].append(n_loaded)
            traced["trace_empty"].append(n_empty)
            traced["trace_stock"].append(stock)
            traced["trace_idle"].append(idle)
            traced["trace_consumed"].append(eaten_here)
        if n_f:
            held = stock[fronts]  # [F, G, R]
            short[s] = xp.maximum(d.demand[s][fronts] - eaten_here[fronts], 0.0)
            daily = d.front_daily[s]
            days_held = xp.where(d.front_has_demand[s],
                                 held / xp.where(d.front_has_demand[s], daily, 1.0), xp.inf)
            reserve = days_held.min(axis=1)  # the good that runs out first
            reserve_days[s] = xp.where(xp.isfinite(reserve), reserve, xp.nan)
            main = days_held[d.front_rows, d.front_main]  # [F, R]
            reserve_main[s] = xp.where(xp.isfinite(main), main, xp.nan)
            front_stock[s] = held.sum(axis=1)

    def runs_first(x: Any) -> Any:
        return xp.ascontiguousarray(xp.moveaxis(x, -1, 0), dtype=np.float64)

    crew = xp.asarray(c.crew)[:, None]
    out = {key: runs_first(value) for key, value in tally.items()}
    initial = xp.asarray(d.initial.sum(axis=1))
    given = xp.asarray(d.given_total.sum(axis=1))
    out["initial"] = xp.broadcast_to(initial[None, :], (runs, n_g)).copy()
    out["given"] = xp.broadcast_to(given[None, :], (runs, n_g)).copy()
    out.update({
        "final_stock": runs_first(stock.sum(axis=0)),
        "in_transit": runs_first(pending.in_transit),
        "units_lost": runs_first(lost_units),
        "labour_days": c.labour_planned - (lost_unit_days * crew).sum(axis=0),
        "short": runs_first(xp.transpose(short, (1, 2, 0, 3))),  # [R, F, G, S]
        "reserve_days": runs_first(xp.transpose(reserve_days, (1, 0, 2))),  # [R, F, S]
        "reserve_main": runs_first(xp.transpose(reserve_main, (1, 0, 2))),
        # The plan's loads that never left where they were to start (leg by leg, over the
        # horizon: a load sent late counts as sent), and the units waiting at the end
        # beyond those the plan has waiting there [R, M].
        "loads_not_sent": runs_first(xp.maximum(d.cargo_total - loads_sent, 0.0).sum(axis=0)),
        "units_astray": runs_first(xp.maximum(idle - d.idle_end, 0.0).sum(axis=0)),
        "front_stock": runs_first(xp.transpose(front_stock, (1, 0, 2))),
        "units_owed": owed,
        "goods_owed_kg": owed_kg,
    })
    for key, values in traced.items():
        stacked = xp.stack(values, axis=-1)  # [..., R, S]
        stacked = xp.ascontiguousarray(xp.moveaxis(stacked, -2, 0), dtype=np.float64)
        if key in ("trace_loaded", "trace_empty", "trace_cargo"):  # on the plan's legs
            every = xp.zeros((runs, c.n_legs_plan, *stacked.shape[2:]))
            every[:, xp.asarray(c.legs)] = stacked
            stacked = every
        out[key] = stacked
    return out


class _Land:
    """What lands within a step: the units of the legs ``units_rows``, the cargo of the
    legs ``cargo_rows`` (the share ``keep`` [L, R] of what they send: what strikes leave of
    it; cargo by (leg, good) pair, see :class:`_Device`) and the food for the way back
    (``back`` [Eb, R] per share of each leg sent, or None), summed where they arrive."""

    def __init__(self, xp: Any, d: _Device, n_p: int, n_m: int, n_g: int, runs: int,
                 units_rows: np.ndarray, cargo_rows: np.ndarray, keep: Any, back: Any) -> None:
        self.d = d
        self.shape_units = (n_p, n_m, runs)
        self.shape_goods = (n_p, n_g, runs)
        self.units_rows = units_rows
        self.cargo_rows = cargo_rows
        self.units_dev = xp.asarray(units_rows)
        pairs = np.nonzero(np.isin(d.cargo_leg_host, cargo_rows))[0]
        self.cargo_dev = xp.asarray(pairs)
        self.units_sum = d.by_dest_mode.subset(units_rows)
        self.cargo_sum = d.cargo_to.subset(pairs)
        self.keep = keep[d.cargo_leg[self.cargo_dev]] if pairs.size else None
        self.back = back
        if back is not None and not bool(back.any()):
            self.back = None

    def execute(self, units: Any, cargo: Any, leave: Any) -> tuple[Any, Any]:
        """Units [P, M, R] and goods [P, G, R] that land (None where none do) when each leg
        sends the share ``leave`` [L, R] of its units: ``units`` [L, R] per share sent, the
        cargo sent ``cargo`` [C, R] (or [C, 1]), and the food for the way back."""
        units_here = goods_here = None
        if self.units_rows.size:
            rows = self.units_dev
            units_here = self.units_sum(units[rows] * leave[rows]).reshape(self.shape_units)
        if self.keep is not None:
            goods_here = self.cargo_sum(cargo[self.cargo_dev] * self.keep).reshape(
                self.shape_goods)
        if self.back is not None:
            back = self.d.back_to(self.back * leave[self.d.back_leg]).reshape(self.shape_goods)
            goods_here = back if goods_here is None else goods_here + back
        return units_here, goods_here


class _Capacity:
    """One step's capacities as the rounds check them (see :class:`_CapacityLayout`):
    ``cap`` [K, R] and each leg's use of each kind per share of it sent ``uses``
    [kinds, L, R]."""

    def __init__(self, layout: _CapacityLayout, cap: Any, uses: Any) -> None:
        self.layout = layout
        self.cap = cap
        self.uses = uses
        self.per_entry = uses[layout.entry_kind, layout.entry_leg]

    def share(self, xp: Any, v: Any) -> Any:
        """The share of each leg's dispatch [L, R] the capacities allow when the legs send
        the shares ``v`` [L, R] (pro rata on each arc)."""
        layout = self.layout
        used = layout.entry_sum(self.per_entry * v[layout.entry_leg])
        allowed = share(xp, self.cap, used)
        allowed = xp.concatenate([allowed, xp.ones((1, allowed.shape[1]), dtype=allowed.dtype)])
        out = None
        for rows, kind in zip(layout.leg_rows, layout.users_only, strict=True):
            mine = allowed[rows]
            if kind >= 0:
                mine = xp.where(self.uses[kind] > 0, mine, 1.0)
            out = mine if out is None else xp.minimum(out, mine)
        return out


def _landing(loaded: Any, empty: Any, at_l: Any, at_e: Any, s: int, offsets: int,
             hit: Any) -> list[Any]:
    """The units of each leg [L, R] that land 0, 1, ... ``offsets`` - 1 steps after step
    ``s`` when it sends ``loaded`` and ``empty`` units landing in steps ``at_l`` and
    ``at_e`` (those the strikes leave)."""
    return [(loaded * (at_l == s + k) + empty * (at_e == s + k)) * (1.0 - hit)
            for k in range(offsets)]


def _capacity_today(xp: Any, layout: _CapacityLayout, left: Any, handling_left: Any,
                    arrivals_left: Any) -> Any:
    """Today's capacities [K, R] in the rows of ``layout`` (None: none): the arcs' limits
    with what is ``left`` of them [A, R], then what the places whose handling is limited
    may still load and unload [H, offsets, R] and what those whose arrivals are limited
    may still receive [Ha, offsets, R], in this step and the next ones."""
    parts = []
    if layout.arc_rows:
        parts.append(layout.rows_capacity * left[layout.rows_arc])
    for budget in (handling_left, arrivals_left):
        if budget is not None:
            parts.append(xp.maximum(budget, 0.0).reshape(-1, budget.shape[-1]))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else xp.concatenate(parts)


def _plus(idle: Any, stock: Any, landed: tuple[Any, Any], sign: float = 1.0
          ) -> tuple[Any, Any]:
    """Units [P, M, R] and goods [P, G, R] with what ``landed`` (either may be None) added
    (or, with ``sign`` -1, taken away)."""
    units, goods = landed
    if units is not None:
        idle = idle + sign * units
    if goods is not None:
        stock = stock + sign * goods
    return idle, stock


def _policy(xp: Any, d: _Device, *, stock: Any, fixed: Any, ready: Any, want: Any,
            capacity: _Capacity | None, draws: Any, loads: Any,
            consumed: tuple[Any, Any]) -> tuple[Any, Any, tuple[Any, Any]]:
    """The policy for one day (:mod:`supplyline.simulate.policy`): the share of each leg's
    units that leave [L, R] and of the loads that are taken at each (place, good) pair
    loads leave from [Q, R]; and the loads of the units that leave [C, R] ((leg, good)
    pairs: see :class:`_Device`), with their sum by those places [Q, R]. ``stock``
    [P, G, R] is what is there; ``fixed`` [P, G, R] is eaten first; at the (place, mode)
    pairs legs leave from [OM], ``ready`` [OM, R] units can travel and ``want`` [OM, R]
    units the legs mean to send; ``capacity`` the arcs' limits (None: none can bind);
    ``draws`` [Ed, R] the food and fuel for the trips; ``loads`` [C, R] the loads;
    ``consumed`` what the fronts eat (flat (place, good) rows and amounts)."""
    n_p, n_g, runs = stock.shape
    draw = d.draws
    ones = xp.ones((1, runs), dtype=stock.dtype)
    eaten_rows, eaten = consumed
    # People on the line eat first; then units leave as far as units, the routes' capacity
    # and their rations and fuel allow; the front eats; the loads are taken.
    left = (stock - fixed).reshape(n_p * n_g, runs)
    have = xp.maximum(left, 0.0)
    v = share(xp, ready, want)[d.leave_pair_of_leg]
    if capacity is not None:
        v = v * capacity.share(xp, v)
    if draw.size:
        # Each leg goes as far as the food and fuel it draws are there: where a good is
        # short at a place, the share there cuts every leg that draws it.
        wanted = draws * v[d.draw_leg]  # [Ed, R]
        here = have[draw.pairs]
        slack = d.draw_slack * (left[draw.pairs] > -d.draw_slack)  # rounding, not a debt
        pair_share = share(xp, here + slack, draw.sum(wanted))  # [D, R]
        entry_share = xp.maximum(pair_share[draw.entry_pair], wanted <= 0)
        v = v * xp.concatenate([entry_share, ones])[draw.leg_entries].min(axis=1)
        have[draw.pairs] = xp.maximum(here - draw.sum(draws * v[d.draw_leg]), 0.0)
    if eaten_rows.size:
        have[eaten_rows] = xp.maximum(have[eaten_rows] - eaten, 0.0)
    offered = loads * v[d.cargo_leg]
    offered_here = d.cargo_at_origin(offered)
    take = share(xp, have[d.load_pairs], offered_here)
    return v, take, (offered, offered_here)
