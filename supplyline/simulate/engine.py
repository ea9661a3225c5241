"""The Monte Carlo engine: a plan executed step by step for many runs at once.

Every quantity is an array with the runs first (runs × places × goods, runs × legs, ...), in
the array module passed in (``numpy``, or ``cupy`` on a GPU: the code is the same). The plan
is executed on its own step grid (day by day where the plan is daily); threats are drawn day
by day (:mod:`supplyline.simulate.threats`); what is sent when reality falls short follows
:mod:`supplyline.simulate.policy`. Every per-leg coefficient (travel days, food and fuel per
trip, room for cargo, arrival steps) is the planner's own, read from the plan's
:class:`~supplyline.accounting.Legs`; only the day's draws move them (a wet day stretches the
movement time by the drawn slowdown instead of the expected one).

What the engine does not redraw: what localities give, units recruited and released, road
work, and the wounded's food follow the plan (their amounts are drawn from stock like any
other use); units do not go home at the end (their food for the way is drawn as planned).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from supplyline.plan.result import Plan
from supplyline.simulate.policy import MAX_PASSES, SETTLED, share
from supplyline.simulate.threats import ThreatSampler

__all__ = ["Compiled", "compile_plan", "run_chunk"]


@dataclass
class Compiled:
    """A plan as the arrays the engine reads, in the array module ``xp``. Shapes: L legs,
    G goods, P places, M modes, A arcs, S steps, F places with demand (fronts)."""

    xp: Any
    plan: Plan
    steps: int
    days: int
    step_start: Any  # host [S] int
    step_length: Any  # host [S] float
    start_xp: Any  # [S] float, for arrival steps
    middle: Any  # host [S]
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
    open_share: Any  # host [A, D] 1 on days the route is open
    arc_route: Any  # [A]
    by_origin: _Sum  # legs → places they leave
    by_dest: _Sum  # legs → places they reach
    by_origin_mode: _Sum  # legs → (place, mode) they leave
    by_dest_mode: _Sum  # legs → (place, mode) they reach
    by_arc: _Sum  # legs → arcs
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
    fronts: Any  # host [F] places with demand
    front_daily: Any  # host [F, G, S] demand per day
    availability: Any  # host [M]
    in_service: Any  # host [M, S] planned units in service
    crew: Any  # host [M]
    labour_planned: float
    n_places: int
    n_modes: int
    n_goods: int


def _host(xp: Any, value: Any) -> np.ndarray:
    """An array on the host (NumPy)."""
    return np.asarray(value if xp is np else xp.asnumpy(value))


class _Sum:
    """Sums over legs into their targets (places, (place, mode) pairs or arcs), along the
    legs' axis (1): ``[R, L] → [R, T]``, ``[R, L, G] → [R, T, G]``; and back: the value of
    each leg's target (``spread``). On NumPy a segment sum (no BLAS threads to wake for a
    small product); on CuPy a product with the one-hot matrix."""

    def __init__(self, xp: Any, target: np.ndarray, size: int) -> None:
        self.xp = xp
        self.size = size
        self.target = xp.asarray(target)
        self.onehot = xp.asarray(_one_hot(target, size)) if xp is not np else None
        order = np.argsort(target, kind="stable")
        self.order = order
        self.targets, self.starts = np.unique(target[order], return_index=True)

    def __call__(self, x: Any) -> Any:
        if self.onehot is not None:
            if x.ndim == 2:
                return x @ self.onehot
            return self.xp.einsum("rlg,lt->rtg", x, self.onehot)
        out = np.zeros((x.shape[0], self.size, *x.shape[2:]))
        if self.targets.size:
            out[:, self.targets] = np.add.reduceat(x[:, self.order], self.starts, axis=1)
        return out

    def spread(self, x: Any) -> Any:
        """Each leg's target's value: ``[R, T] → [R, L]``."""
        return x[:, self.target]


def _largest(x: Any) -> float:
    """The largest value of an array (0 when it is empty), on the host."""
    return float(x.max()) if x.size else 0.0


def _finite(capacity: np.ndarray) -> np.ndarray:
    """Capacities with unlimited as a huge finite number (so a closed day, 0 × it, is 0)."""
    return np.where(np.isfinite(capacity), capacity, 1e300)


def _one_hot(index: np.ndarray, size: int) -> np.ndarray:
    out = np.zeros((index.size, size))
    out[np.arange(index.size), index] = 1.0
    return out


def compile_plan(plan: Plan, xp: Any = np) -> Compiled:
    """The plan's arrays the engine reads, moved to ``xp``."""
    net = plan.network
    legs = plan.legs
    grid = net.grid
    n_p, n_m, steps = net.n_places, net.n_modes, net.steps
    goods = plan.goods
    n_g = goods.size
    a = xp.asarray

    fuel_loaded = np.broadcast_to(legs.fuel_loaded[:, :, None], legs.food_loaded.shape)
    fuel_empty = np.broadcast_to(legs.fuel_empty[:, :, None], legs.food_empty.shape)

    # Uses of stock the plan fixes: repair crews, road work, the wounded, the way home.
    fixed = plan.wounded_fed_kg.copy()
    np.add.at(fixed, net.repair_fed_at, plan.crew_fed_kg)
    ration = net.labour_rations_kg_per_day[goods]
    for k, work in enumerate(net.road_works):
        fixed[work.fed_at] += ration[:, None] * plan.road_work_days[k][None, :]
    fixed[:, :, -1] += plan.way_home_kg()

    # Units at the start or arriving from before it: what the fleet balance leaves over.
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
    units_in = np.where(units_in > 1e-6, units_in, 0.0)

    given = np.diff(plan.given_kg, axis=2, prepend=0.0)
    demand = plan.demand_kg
    fronts = np.nonzero(demand.sum(axis=(1, 2)) > 0)[0]
    closed = net.closed.astype(float)
    labour = plan.labour_days()
    return Compiled(
        xp=xp, plan=plan, steps=steps, days=net.days,
        step_start=grid.start.copy(), step_length=grid.length.copy(),
        start_xp=a(grid.start.astype(float)), middle=grid.middle.copy(),
        origin=a(legs.origin), dest=a(legs.dest), mode=a(legs.mode), arc=a(legs.arc),
        route=a(net.arc_route[legs.arc]), night=a(net.night_only[legs.mode]),
        loaded=a(plan.loaded_units), empty=a(plan.empty_units), cargo=a(plan.cargo_kg),
        cargo_room=a(legs.cargo_room), loaded_ok=a(legs.loaded_ok), empty_ok=a(legs.empty_ok),
        draw_loaded=a(legs.food_loaded + legs.food_carried_back + fuel_loaded),
        draw_empty=a(legs.food_empty + fuel_empty),
        eat_loaded=a(legs.food_loaded), eat_empty=a(legs.food_empty),
        back_food=a(legs.food_carried_back),
        days_loaded=a(legs.days_loaded), days_empty=a(legs.days_empty),
        move_loaded=a(net.move_days_loaded[legs.arc, legs.mode]),
        move_empty=a(net.move_days_empty[legs.arc, legs.mode]),
        slow_expected=a(grid.mean(net.slowdown[legs.arc])),
        road_use=a(net.road_use[legs.mode]),
        capacity_movements=a(_finite(net.capacity_movements)),
        capacity_kg=a(_finite(net.capacity_kg)),
        open_share=1.0 - closed, arc_route=a(net.arc_route),
        by_origin=_Sum(xp, legs.origin, n_p), by_dest=_Sum(xp, legs.dest, n_p),
        by_origin_mode=_Sum(xp, legs.origin * n_m + legs.mode, n_p * n_m),
        by_dest_mode=_Sum(xp, legs.dest * n_m + legs.mode, n_p * n_m),
        by_arc=_Sum(xp, legs.arc, net.n_arcs),
        keep=a(net.kept_share(goods)), stock_in=a(plan.stock_in_kg), given=a(given),
        units_in=a(units_in), recruited=a(plan.recruited_units),
        released=a(plan.released_units), fixed_food=a(fixed),
        waiting=a(plan.waiting_unit_days), rations=a(net.rations_kg_per_day[:, goods]),
        consumed=a(plan.consumed_kg), demand=a(demand), plan_stock=a(plan.stock_kg),
        fronts=fronts, front_daily=demand[fronts] / grid.length[None, None, :],
        availability=net.availability.copy(), in_service=plan.units_in_use(),
        crew=net.crew_per_unit.copy(), labour_planned=float(labour["total"]),
        n_places=n_p, n_modes=n_m, n_goods=n_g,
    )


def _by(x: Any, group: _Sum) -> Any:
    """Sum legs into places (or arcs): [R, L] → [R, P]; [R, L, G] → [R, P, G]."""
    return group(x)


@dataclass
class _Trips:
    """One step's dispatches of every run as drawn: planned units and loads, losses, and
    whether each leg's units (loaded, empty) and cargo arrive within the step."""

    c: Compiled
    loaded: Any  # [R, L] units meant to leave (the plan's and those kept back before)
    empty: Any
    per_unit: Any  # [R, L, G]
    back_food: Any  # [1, L, G]
    loss: Any  # [R, L] share of cargo destroyed
    hit: Any  # [R, L] share of units lost
    now_loaded: Any  # [R, L] bool
    now_empty: Any
    now_cargo: Any

    def landing(self, f_loaded: Any, f_empty: Any, f_cargo: Any) -> tuple[Any, Any]:
        """Units [R, P, M] and goods [R, P, G] that arrive within the step when each leg
        sends the shares ``f_loaded``, ``f_empty`` of its planned units and ``f_cargo`` of
        their planned loads."""
        c = self.c
        n_loaded = self.loaded * f_loaded
        units = _by((n_loaded * self.now_loaded + self.empty * f_empty * self.now_empty)
                    * (1.0 - self.hit), c.by_dest_mode)
        cargo = n_loaded[:, :, None] * self.per_unit * f_cargo
        goods = _by(cargo * ((1.0 - self.loss) * self.now_cargo)[:, :, None]
                    + (n_loaded * self.now_loaded)[:, :, None] * self.back_food, c.by_dest)
        return units.reshape(units.shape[0], c.n_places, c.n_modes), goods


def _step_of(xp: Any, c: Compiled, time: Any) -> Any:
    """The step holding each time (``steps`` at or past the horizon's end)."""
    step = xp.searchsorted(c.start_xp, time, side="right") - 1
    return xp.where(time >= c.days, c.steps, step)


def run_chunk(c: Compiled, runs: int, rng: Any, threats: bool = True,
              unit_losses: bool = True, trace: bool = False) -> dict[str, Any]:
    """Execute the plan ``runs`` times. Returns per-run arrays (in ``xp``): see
    :class:`supplyline.simulate.result.Simulation` for what each holds. With ``trace``,
    also every step's dispatches, cargo, stocks, units waiting and consumption (``trace_*``,
    in the plan's shapes with the runs first)."""
    xp = c.xp
    n_p, n_m, n_g, steps = c.n_places, c.n_modes, c.n_goods, c.steps
    n_f = int(c.fronts.size)
    fronts = xp.asarray(c.fronts)
    sampler = ThreatSampler(c.plan.network, xp, rng, runs, enabled=threats)
    n_a = int(c.capacity_kg.size)
    n_legs = int(c.loaded.shape[0])
    unsettled = 0
    backlog_loaded = xp.zeros((runs, n_legs))
    backlog_empty = xp.zeros((runs, n_legs))
    backlog_cargo = xp.zeros((runs, n_legs, n_g))
    traced: dict[str, Any] = {}
    if trace:
        traced = {
            "trace_loaded": xp.zeros((runs, n_legs, steps)),
            "trace_empty": xp.zeros((runs, n_legs, steps)),
            "trace_cargo": xp.zeros((runs, n_legs, n_g, steps)),
            "trace_stock": xp.zeros((runs, n_p, n_g, steps)),
            "trace_idle": xp.zeros((runs, n_p, n_m, steps)),
            "trace_consumed": xp.zeros((runs, n_p, n_g, steps)),
        }

    stock = xp.zeros((runs, n_p, n_g))
    idle = xp.zeros((runs, n_p, n_m))
    cargo_pipe = xp.zeros((runs, steps + 1, n_p, n_g))
    units_pipe = xp.zeros((runs, steps + 1, n_p, n_m))
    zeros_g = xp.zeros((runs, n_g))
    tally = {key: zeros_g.copy() for key in (
        "initial", "given", "consumed", "eaten", "burned", "spoiled", "destroyed", "unfed")}
    lost_units = xp.zeros((runs, n_m))
    owed = xp.zeros(runs)  # most units the places owed at the end of a step
    lost_unit_days = xp.zeros((runs, n_m))
    short = xp.zeros((runs, n_f, n_g, steps))
    reserve_days = xp.zeros((runs, n_f, steps))
    front_stock = xp.zeros((runs, n_f, steps))

    for s in range(steps):
        length = float(c.step_length[s])
        first = int(c.step_start[s])
        # --- the step's days: damage, rain, strikes (means over its days)
        left = xp.zeros((runs, n_a))
        slow = xp.zeros((runs, n_a))
        loss_day = xp.zeros((runs, sampler.n_routes))
        loss_night = xp.zeros((runs, sampler.n_routes))
        for d in range(first, first + int(length)):
            draw = sampler.day(d)
            left += draw.capacity_left[:, c.arc_route] * xp.asarray(c.open_share[:, d])
            slow += draw.slowdown[:, c.arc_route]
            loss_day += draw.loss_day
            loss_night += draw.loss_night
        left /= length
        slow /= length
        loss = xp.where(c.night[None, :], loss_night[:, c.route], loss_day[:, c.route]) / length
        # Units in service that can travel: the binomial share of the mode's availability
        # (normal approximation), against the share the plan counted on.
        z = rng.standard_normal((runs, n_m))
        a = xp.asarray(c.availability)
        units = xp.asarray(np.maximum(c.in_service[:, s], 1.0))
        drawn = xp.clip(a + xp.sqrt(a * (1.0 - a) / units) * z, 0.0, 1.0)
        available = xp.minimum(1.0, drawn / a)  # [R, M]
        alive = 1.0 - lost_units / xp.asarray(np.maximum(c.in_service[:, s], 1e-9))
        alive = xp.clip(alive, 0.0, 1.0)

        # --- what is there at the step's start
        kept = stock * c.keep[None, :, s]
        tally["spoiled"] += (stock - kept).sum(axis=1)
        stock = kept + c.stock_in[None, :, :, s] + c.given[None, :, :, s] + cargo_pipe[:, s]
        tally["initial"] += c.stock_in[:, :, s].sum(axis=0)[None, :]
        tally["given"] += c.given[:, :, s].sum(axis=0)[None, :]
        idle = idle + units_pipe[:, s] + c.units_in[None, :, :, s] + c.recruited[None, :, :, s]

        waiting = c.waiting[None, :, :, s] * alive[:, None, :]  # [R, P, M]
        fixed_need = c.fixed_food[None, :, :, s] + xp.einsum("rpm,mg->rpg", waiting, c.rations)
        cap_mov = c.capacity_movements[None, :] * length * left
        cap_kg = c.capacity_kg[None, :] * length * left
        # What each leg means to send: the plan's dispatches and what was kept back before
        # (catching up as soon as it can), with units enough for the loads.
        cargo_want = c.cargo[None, :, :, s] + backlog_cargo
        room = c.cargo_room[None, :, s]
        for_cargo = cargo_want.sum(axis=2) / xp.where(room > 0, room, 1.0)
        plan_loaded = xp.where(c.loaded_ok[None, :, s], xp.maximum(
            c.loaded[None, :, s] + backlog_loaded, for_cargo), 0.0)
        plan_empty = xp.where(c.empty_ok[None, :, s], c.empty[None, :, s] + backlog_empty, 0.0)
        per_unit = cargo_want / xp.where(plan_loaded > 0, plan_loaded, 1.0)[:, :, None]
        want = _by(plan_loaded + plan_empty, c.by_origin_mode).reshape(runs, n_p, n_m)

        # --- on the way: the drawn travel time and strikes of each leg
        stretch = slow[:, c.arc] - c.slow_expected[None, :, s]
        days_l = c.days_loaded[None, :, s] + c.move_loaded[None, :] * stretch
        days_e = c.days_empty[None, :, s] + c.move_empty[None, :] * stretch
        at_l = _step_of(xp, c, first + days_l)
        at_e = _step_of(xp, c, first + days_e)
        at_cargo = xp.maximum(_step_of(xp, c, float(c.middle[s]) + days_l), at_l)
        hit = loss if unit_losses else xp.zeros_like(loss)
        trips = _Trips(c, plan_loaded, plan_empty, per_unit, c.back_food[None, :, :, s], loss,
                       hit, at_l == s, at_e == s, at_cargo == s)

        # --- the policy (see policy.py), in rounds: units and loads that land within the
        # step serve it, so a place's means depend on what reaches it. The first round
        # counts on what the plan has landing (units going round within the step, as the
        # planner counts them); each next one on what the last round's dispatches land.
        ready = xp.where(idle > 0, idle * available[:, None, :], idle)
        leave = xp.ones((runs, n_legs))  # share of each leg's units that leave
        f_cargo = xp.ones((runs, n_legs, n_g))  # share of their loads taken
        for _ in range(MAX_PASSES):
            units_here, goods_here = trips.landing(leave, leave, f_cargo)
            have = stock + goods_here
            have = have - xp.minimum(fixed_need, have)
            units = share(xp, ready + units_here * available[:, None, :], want)
            v = c.by_origin_mode.spread(units.reshape(runs, -1))  # [R, L]
            moves = _by((plan_loaded + plan_empty) * v * c.road_use[None, :], c.by_arc)
            kgs = _by(plan_loaded * v * per_unit.sum(axis=2), c.by_arc)
            v = v * c.by_arc.spread(xp.minimum(share(xp, cap_mov, moves), share(xp, cap_kg, kgs)))
            trip = ((plan_loaded * v)[:, :, None] * c.draw_loaded[None, :, :, s]
                    + (plan_empty * v)[:, :, None] * c.draw_empty[None, :, :, s])
            v = v * c.by_origin.spread(share(xp, have, _by(trip, c.by_origin)).min(axis=2))
            have = have - _by((plan_loaded * v)[:, :, None] * c.draw_loaded[None, :, :, s]
                              + (plan_empty * v)[:, :, None] * c.draw_empty[None, :, :, s],
                              c.by_origin)
            have = have - xp.minimum(c.consumed[None, :, :, s], have)
            new_cargo = share(xp, have, _by((plan_loaded * v)[:, :, None] * per_unit,
                                            c.by_origin))[:, c.origin, :]
            change = max(_largest(xp.abs(v - leave)), _largest(xp.abs(new_cargo - f_cargo)))
            leave, f_cargo = v, new_cargo
            if change < SETTLED:
                break
        else:
            unsettled += 1
        f_loaded = f_empty = leave

        # --- execute: what lands within the step, people eat, units leave, the front eats
        units_here, goods_here = trips.landing(f_loaded, f_empty, f_cargo)
        idle = idle + units_here
        stock = stock + goods_here
        fed = xp.minimum(fixed_need, xp.maximum(stock, 0.0))
        stock = stock - fed
        tally["eaten"] += fed.sum(axis=1)
        fixed_need = fixed_need - fed
        n_loaded = plan_loaded * f_loaded
        n_empty = plan_empty * f_empty
        sent = n_loaded + n_empty
        idle = idle - _by(sent, c.by_origin_mode).reshape(runs, n_p, n_m)
        eat_l = c.eat_loaded[None, :, :, s]
        eat_e = c.eat_empty[None, :, :, s]
        back = n_loaded[:, :, None] * c.back_food[None, :, :, s]
        trip = (n_loaded[:, :, None] * c.draw_loaded[None, :, :, s]
                + n_empty[:, :, None] * c.draw_empty[None, :, :, s])
        eaten_trip = n_loaded[:, :, None] * eat_l + n_empty[:, :, None] * eat_e
        tally["eaten"] += eaten_trip.sum(axis=1)
        tally["burned"] += (trip - eaten_trip - back).sum(axis=1)
        stock = stock - _by(trip, c.by_origin)
        eaten_here = xp.minimum(c.consumed[None, :, :, s], xp.maximum(stock, 0.0))
        stock = stock - eaten_here
        cargo = n_loaded[:, :, None] * per_unit * f_cargo
        stock = stock - _by(cargo, c.by_origin)
        destroyed = cargo * loss[:, :, None]
        tally["destroyed"] += destroyed.sum(axis=1)
        cargo = cargo - destroyed
        lost_l = n_loaded * hit
        lost_e = n_empty * hit
        lost = _by(lost_l + lost_e, c.by_origin_mode).reshape(runs, n_p, n_m).sum(axis=1)
        lost_units += lost
        lost_unit_days += lost * (c.days - first)
        # What arrives in later steps (or after the horizon: still on the way at the end).
        for amount, at, pipe, by_mode in (
            (cargo, at_cargo, cargo_pipe, False),
            (back, at_l, cargo_pipe, False),
            ((n_loaded - lost_l)[:, :, None], at_l, units_pipe, True),
            ((n_empty - lost_e)[:, :, None], at_e, units_pipe, True),
        ):
            later = at > s
            flows = (amount.sum(axis=2) > 0) & later
            if not bool(flows.any()):
                continue
            for t in (int(t) for t in _host(xp, xp.unique(at[flows]))):
                mask = (at == t)[:, :, None]
                if by_mode:
                    pipe[:, t] += _by(amount[:, :, 0] * mask[:, :, 0], c.by_dest_mode).reshape(
                        runs, n_p, n_m)
                else:
                    pipe[:, t] += _by(amount * mask, c.by_dest)
        # --- the step's end: releases, units kept back, a front's luck, the record
        idle = idle - xp.clip(c.released[None, :, :, s], 0.0, xp.maximum(idle, 0.0))
        kept_back = plan_loaded * (1.0 - f_loaded) + plan_empty * (1.0 - f_empty)
        backlog_loaded = xp.maximum(c.loaded[None, :, s] + backlog_loaded - n_loaded, 0.0)
        backlog_empty = xp.maximum(c.empty[None, :, s] + backlog_empty - n_empty, 0.0)
        backlog_cargo = xp.maximum(cargo_want - n_loaded[:, :, None] * per_unit * f_cargo, 0.0)
        kept_back = _by(kept_back, c.by_origin_mode).reshape(runs, n_p, n_m)
        fixed_need = fixed_need + xp.einsum("rpm,mg->rpg", kept_back * length, c.rations)
        fed = xp.minimum(fixed_need, xp.maximum(stock, 0.0))
        stock = stock - fed
        tally["eaten"] += fed.sum(axis=1)
        tally["unfed"] += (fixed_need - fed).sum(axis=1)
        spare = xp.maximum(stock - c.plan_stock[None, :, :, s], 0.0)
        extra = xp.minimum(xp.maximum(c.demand[None, :, :, s] - eaten_here, 0.0), spare)
        stock = stock - extra
        eaten_here += extra
        tally["consumed"] += eaten_here.sum(axis=1)
        owed = xp.maximum(owed, xp.maximum(-idle, 0.0).sum(axis=(1, 2)))
        if trace:
            traced["trace_loaded"][:, :, s] = n_loaded
            traced["trace_empty"][:, :, s] = n_empty
            traced["trace_cargo"][:, :, :, s] = n_loaded[:, :, None] * per_unit * f_cargo
            traced["trace_stock"][:, :, :, s] = stock
            traced["trace_idle"][:, :, :, s] = idle
            traced["trace_consumed"][:, :, :, s] = eaten_here
        if n_f:
            front_demand = c.demand[fronts, :, s]
            short[:, :, :, s] = xp.maximum(front_demand[None] - eaten_here[:, fronts, :], 0.0)
            held = stock[:, fronts, :]
            daily = xp.asarray(c.front_daily[:, :, s])
            days_held = xp.where(daily[None] > 0, held / xp.where(daily > 0, daily, 1.0)[None],
                                 xp.inf)
            reserve = days_held.min(axis=2)  # the good that runs out first
            reserve_days[:, :, s] = xp.where(xp.isfinite(reserve), reserve, xp.nan)
            front_stock[:, :, s] = held.sum(axis=2)

    in_transit = cargo_pipe[:, steps].sum(axis=1)
    crew = xp.asarray(c.crew)
    return {
        **tally,
        "final_stock": stock.sum(axis=1),
        "in_transit": in_transit,
        "units_lost": lost_units,
        "labour_days": c.labour_planned - (lost_unit_days * crew[None, :]).sum(axis=1),
        "short": short,
        "reserve_days": reserve_days,
        "front_stock": front_stock,
        "unsettled": unsettled,
        "units_owed": owed,
        **traced,
    }
