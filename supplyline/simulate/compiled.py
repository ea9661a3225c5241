"""A plan compiled for the Monte Carlo engine (:mod:`supplyline.simulate.engine`): the
arrays it reads, on the host, in the plan's shapes (:class:`Compiled`, made by
:func:`compile_plan`), and the small array operations the engine is written with (sums over
legs into places, (place, mode) pairs or arcs as one sparse product: :class:`_Sum`).

Every per-leg coefficient (travel days, food and fuel per trip, room for cargo, arrival
steps) is the planner's own, read from the plan's :class:`~supplyline.accounting.Legs`.
A run starts from the plan's own start, or from a given :class:`~supplyline.state.State`:
its stocks, the units waiting and on the way with their cargo (read by the planner's own
:func:`~supplyline.plan.start.start_from`), what localities have given so far and the route
damage it holds.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse

from supplyline.accounting import (
    arrival_steps,
    handling_days,
    labour_ration,
    waiting_ration,
    way_back_arcs,
)
from supplyline.hazards import rainy_day_slowdown
from supplyline.network import Network, trip_days
from supplyline.plan.result import Plan
from supplyline.plan.start import damage_factor, start_from
from supplyline.state import State

if TYPE_CHECKING:
    from supplyline.simulate.device import _Device

__all__ = ["MIN_CARGO_KG", "MIN_LEG_UNITS", "UNLIMITED", "Compiled", "compile_plan",
           "planned_unfed_kg"]

#: A capacity this large is unlimited (:func:`_finite`).
UNLIMITED = 1e30
#: A leg along which the plan sends fewer units than this over its whole horizon is left
#: out (its units wait), unless those units carry :data:`MIN_CARGO_KG` or more of a good.
#: An interior point solution without crossover (the planner's on large LPs) spreads such
#: crumbs over the legs it does not use: on the built-in scenario 76 of 146 legs carry at
#: most 0.005 units in all, the other 70 at least 3; leaving them out halves the engine's
#: work over legs. A leg that carries cargo is kept however few its units: a truck of 5 t
#: carries 0.45 kg of rice a day in 0.0001 of a unit (to a clinic, for the rations of the
#: bicycles that bring it the wounded; the leg left out, the bicycles never came back for
#: want of them, and their depot lent day after day the bicycles it was owed).
MIN_LEG_UNITS = 0.01
#: Cargo of a good that the plan carries along a leg less than this many kg of over its
#: whole horizon stays where it is (the same interior point crumbs, a few grams in all): on
#: the built-in scenario 163 of the 390 (leg, good) pairs of the legs kept carry at least
#: this, the other 227 carry 0.8 kg in all. It is small because small cargo can be real:
#: 0.44 kg of rice brought to a relay for its truck crews' trips (at 1 kg it had been left
#: out, and the relay's trucks left at 43 % of the plan for want of their rice). The engine
#: keeps cargo on the pairs that carry any (:class:`~supplyline.simulate.device._Device`).
MIN_CARGO_KG = 0.01

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
    back: Any  # [L, G, S] food and fuel for the way back handed over where it arrives
    move_loaded: Any  # [L] dry movement days
    move_empty: Any
    handling_loaded: Any  # [L] the days of a trip rain does not stretch (network.trip_days)
    handling_empty: Any
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
    units_at_most: Any  # [M] units of a mode there are (inf: persons mobilized afresh)
    at_home: Any  # [P, M] units a home owns and has not put into service at the start
    #             (inf: a mode mobilized from labour)
    serving: Any  # [M] units in service at the start
    fixed_food: Any  # [P, G, S] crews, road work, wounded, way home (as planned)
    fixed_fuel: Any  # [P, G, S] fuel for the way home of units still out (as planned)
    waiting: Any  # [P, M, S] planned unit-days waiting
    waiting_food: Any  # [P, M, G, S] kg their rations the plan feeds (not what it has them
    #                  go without)
    rations: Any  # [M, G] per unit and day waiting (accounting.waiting_ration)
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
    unfed_planned: Any = None  # [G] kg the plan itself leaves unfed (planned_unfed_kg)
    _device: _Device | None = field(default=None, repr=False)

    def device(self) -> _Device:
        """The arrays in ``xp``, step first, with the sums the engine uses (made once)."""
        from supplyline.simulate.device import _Device

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
        out = _times(self.xp, matrix, _rows(x))
        return out.reshape(self.shape[0], *x.shape[1:])


def _rows(x: Any) -> Any:
    """``x`` [N, ...] as a matrix [N, product of the rest], also where N is 0 (a
    reshape to ``(0, -1)`` cannot tell the rest: a route with a capacity that no leg of the
    plan uses had crashed the simulation)."""
    return x.reshape(x.shape[0], math.prod(x.shape[1:]))


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
        flat = _rows(x)
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


def planned_unfed_kg(plan: Plan) -> dict[str, np.ndarray]:
    """What the plan itself leaves each group without [G] kg, by group, as the plan counts
    it (:meth:`~supplyline.plan.result.Plan.unfed_by_group_kg`: the wounded, the repair
    crews, carriers a starting State left where there was none, those on their way home at
    the end). A run feeds them only what the plan does (``fixed_food``, ``waiting_food``),
    so it goes without this too."""
    return plan.unfed_by_group_kg()


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
    ration = labour_ration(net, goods)
    for k, work in enumerate(net.road_works):
        fixed[work.fed_at] += ration[:, None] * plan.road_work_days[k][None, :]
    fixed[:, :, -1] += plan.way_home_kg(part="food")
    fixed_fuel = np.zeros_like(fixed)
    fixed_fuel[:, :, -1] = plan.way_home_kg(part="fuel")

    given_total = plan.given_kg
    if state is None:
        stock_in = plan.stock_in_kg
        units_in = units_at_start(plan)
        serving = serving_at_start(plan)
        # The route damage the plan's start held: what its capacity has beyond the network's.
        base = net.capacity_factor
        damage = np.where(base > 0, plan.capacity_factor / np.where(base > 0, base, 1.0), 1.0)
        damage = np.clip(damage, 0.0, 1.0)
    else:
        start = start_from(net, state)  # checks the State against the network, its date too
        stock_in = start.stock_in
        units_in = start.units_in
        serving = start.in_service
        damage = damage_factor(net, state)
        # Localities give as planned, never more than they have left.
        given_total = np.minimum(given_total, start.giveable_kg[:, goods, :])

    given = np.diff(given_total, axis=2, prepend=0.0)
    demand = plan.demand_kg
    fronts = np.nonzero(demand.sum(axis=(1, 2)) > 0)[0]
    closed = net.closed.astype(float)
    labour = plan.labour_days()
    units = (plan.loaded_units + plan.empty_units).sum(axis=1)
    carries = (plan.cargo_kg.sum(axis=2) >= MIN_CARGO_KG).any(axis=1)
    used = np.nonzero((units >= MIN_LEG_UNITS) | (carries & (units > 0)))[0]
    compiled = Compiled(
        xp=xp, plan=plan, steps=steps, days=net.days,
        step_start=grid.start.copy(), step_length=grid.length.copy(), middle=grid.middle.copy(),
        origin=legs.origin, dest=legs.dest, mode=legs.mode, arc=legs.arc,
        route=net.arc_route[legs.arc], night=net.night_only[legs.mode],
        loaded=plan.loaded_units, empty=plan.empty_units, cargo=plan.cargo_kg,
        cargo_room=legs.cargo_room, loaded_ok=legs.loaded_ok, empty_ok=legs.empty_ok,
        draw_loaded=legs.food_loaded + legs.carried_back + fuel_loaded,
        draw_empty=legs.food_empty + fuel_empty,
        eat_loaded=legs.food_loaded, eat_empty=legs.food_empty,
        back=legs.carried_back,
        move_loaded=net.move_days_loaded[legs.arc, legs.mode],
        move_empty=net.move_days_empty[legs.arc, legs.mode],
        handling_loaded=handling_days(net, legs.arc, legs.mode, loaded=True),
        handling_empty=handling_days(net, legs.arc, legs.mode, loaded=False),
        road_use=net.road_use[legs.mode],
        capacity_movements=_finite(net.capacity_movements),
        capacity_kg=_finite(net.capacity_kg),
        open_share=1.0 - closed, damage=damage, arc_route=net.arc_route,
        keep=net.kept_share(goods), stock_in=stock_in, given=given,
        units_in=units_in, recruited=plan.recruited_units,
        released=plan.released_units, units_at_most=units_at_most(net, units_in),
        at_home=units_at_home(net, serving), serving=np.asarray(serving).sum(axis=0),
        fixed_food=fixed, fixed_fuel=fixed_fuel,
        waiting=plan.waiting_unit_days, waiting_food=plan.waiting_rations_kg(),
        rations=waiting_ration(net, goods),  # (units kept back wait as the plan's do)
        consumed=plan.consumed_kg, demand=demand, plan_stock=plan.stock_kg,
        fronts=fronts, front_daily=demand[fronts] / grid.length[None, None, :],
        availability=net.availability.copy(), in_service=plan.units_in_use(),
        crew=net.crew_per_unit.copy(), labour_planned=float(labour["total"]),
        n_places=n_p, n_modes=n_m, n_goods=n_g, dtype=np.dtype(dtype),
        legs=np.arange(legs.origin.size), n_legs_plan=int(legs.origin.size),
        handling=net.handling_kg_per_day.copy(), arrivals=net.arrivals_per_day.copy(),
        max_slow=_max_slowdown(net)[net.arc_route[legs.arc]],
        idle_end=np.asarray(plan.idle_units)[:, :, -1].copy(),
        unfed_planned=sum(planned_unfed_kg(plan).values(), np.zeros(n_g)),
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
            "eat_empty", "back", "move_loaded", "move_empty", "handling_loaded",
            "handling_empty", "road_use", "legs", "max_slow")


def _landing_offsets(c: Compiled, places: np.ndarray) -> int:
    """How many steps, from the one a trip leaves in, the trips to ``places`` and their
    cargo may land in: under the slowest rain each route may draw, and one more (0: none)."""
    if places.size == 0:
        return 0
    into = np.nonzero(np.isin(np.asarray(c.dest), places))[0]
    if into.size == 0:
        return 0
    slowest = np.asarray(c.max_slow)[into, None]
    days = [trip_days(np.asarray(move)[into, None], slowest, np.asarray(handling)[into, None])
            for move, handling in ((c.move_loaded, c.handling_loaded),
                                   (c.move_empty, c.handling_empty))]
    at = arrival_steps(c.plan.network.grid.day_step, np.asarray(c.step_start, dtype=float),
                       np.asarray(c.middle, dtype=float), *days)
    steps = np.arange(c.steps)[None, :]
    most = max(int((np.asarray(a) - steps).max(initial=0)) for a in at)
    # One more than the latest landing step so counted: a run draws its slowdowns in its
    # own floating-point type, whose rounding may carry a trip past a day's edge.
    return most + 2


def _max_slowdown(net: Network) -> np.ndarray:
    """The largest slowdown a day's rain may draw on each route [R]: every spell that may
    fall on it that day wet at once (:func:`~supplyline.hazards.rainy_day_slowdown`), on
    its worst day."""
    return np.asarray(rainy_day_slowdown(net.rains, len(net.route_ids), net.days).max(
        axis=1, initial=1.0))


def _used_legs(c: Compiled, used: np.ndarray) -> Compiled:
    """``c`` with only the legs ``used`` (indices of the plan's legs)."""
    return dataclasses.replace(c, **{name: np.asarray(getattr(c, name))[used]
                                     for name in _PER_LEG})


def units_at_start(plan: Plan) -> np.ndarray:
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


def serving_at_start(plan: Plan) -> np.ndarray:
    """The units in service by home at the plan's start [P, M]: those of the State it was
    made from (none from the scenario's own start), as its first step's service balance
    leaves them (in service at its end, less those put into service in it, plus those
    released)."""
    first = (plan.in_service_units[:, :, 0] - plan.recruited_units[:, :, 0]
             + plan.released_units[:, :, 0])
    return np.where(first > 1e-6, first, 0.0)


def units_at_home(net: Network, in_service: np.ndarray) -> np.ndarray:
    """The units each home owns and has not put into service [P, M], from the units in
    service by home at the start (``in_service``): those the plan's recruits at the home
    are taken from, and its releases there go back to. A unit lost is not among them, so
    it cannot be put into service again. Infinite for a mode mobilized from the
    localities' labour (a village sends other persons)."""
    free = np.maximum(net.carriers_owned - np.asarray(in_service, dtype=float), 0.0)
    return np.where(net.owned_units[None, :], free, np.inf)


def units_at_most(net: Network, units_in: np.ndarray) -> np.ndarray:
    """The units of each mode there are to lose [M]: for a mode whose units are owned
    (``units_from: owned``), those the places own (or those landing from before the start,
    where they are more); none else can be put into service, however often the plan takes
    them again. A mode
    whose units are mobilized from the localities' labour is limited only by the persons
    put into service (inf here)."""
    # (a State's units of an owned mode are among those owned: only more than owned, such
    # as units the books have from elsewhere, add to them)
    there = np.maximum(net.carriers_owned.sum(axis=0), np.asarray(units_in).sum(axis=(0, 2)))
    return np.asarray(np.where(net.owned_units, there, np.inf), dtype=float)

