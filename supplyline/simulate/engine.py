"""The Monte Carlo engine: a plan executed step by step for many runs at once.

Every quantity is an array in the array module passed in (``numpy``, or ``cupy`` on a GPU:
the code is the same), with the runs last: places × goods × runs, legs × runs, ... so that
every operation runs over the runs in contiguous memory and sums over legs into places,
(place, mode) pairs or arcs are one sparse product. The plan is executed on
its own step grid (day by day where the plan is daily); threats are drawn day by day
(:mod:`supplyline.simulate.threats`); what is sent when reality falls short follows
:mod:`supplyline.simulate.policy`. Every per-leg coefficient (travel days, food and fuel per
trip, room for cargo, arrival steps) is the planner's own, read from the plan's
:class:`~supplyline.accounting.Legs`; only the day's draws move them (a wet day stretches the
movement time by the drawn slowdown instead of the expected one).

The engine is three modules: :mod:`~supplyline.simulate.compiled` (the plan as the arrays the
engine reads, and its sums), :mod:`~supplyline.simulate.device` (those arrays in the array
module, step first) and this one, the day step (:func:`run_chunk`) and the policy's
arithmetic.

A run starts from the plan's own start, or from a given :class:`~supplyline.state.State`
(:func:`compile_plan`): its stocks, the units waiting and on the way with their cargo (read
by the planner's own :func:`~supplyline.plan.start.start_from`), what localities have given
so far (they give as planned, never beyond what they have left) and the route damage it
holds (repaired as the planner repairs it).

What the engine does not redraw: what localities give, units recruited and released (a
home of an owned mode puts into service only the units it still has: a unit lost is not
taken again), road work, and the wounded's food follow the plan (their amounts are drawn
from stock like any other use); units do not go home at the end (their food for the way is
drawn as planned).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from supplyline.simulate.compiled import UNLIMITED, Compiled, compile_plan
from supplyline.simulate.device import _CapacityLayout, _Device, _Pending, _rows
from supplyline.simulate.policy import share
from supplyline.simulate.threats import ThreatSampler

__all__ = ["Compiled", "compile_plan", "run_chunk"]


def run_chunk(c: Compiled, runs: int, rng: Any, threats: bool = True,
              unit_losses: bool = True, trace: bool = False,
              breakdowns: bool = True) -> dict[str, Any]:
    """Execute the plan ``runs`` times. Returns per-run arrays (in ``xp``, the runs first):
    see :class:`supplyline.simulate.result.Simulation` for what each holds. With ``trace``,
    also every step's dispatches, cargo, stocks, units waiting and consumption (``trace_*``,
    in the plan's shapes with the runs first), the units of each mode in service at each
    step's end (``trace_serving`` [R, M, S]: put into service, not released nor lost) and
    those each home has not put into service (``trace_at_home`` [R, P, M, S]; inf for a
    mode of labour; below 0 where a home is owed units it put into service against a
    release that did not come, and none of its units is there)."""
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
                                      "trace_stock", "trace_idle", "trace_consumed",
                                      "trace_serving", "trace_at_home")}

    stock = zeros(n_p, n_g, runs)
    idle = zeros(n_p, n_m, runs)
    # The units each home has not put into service (of an owned mode; inf for labour's):
    # the plan's recruits are taken from them, its releases go back to them, and a unit
    # lost never does, so a home cannot put into service more than it still has.
    at_home = d.at_home + zeros(n_p, n_m, runs)
    # The units of each mode in service (put into service, not released nor lost) [M, R].
    serving = xp.asarray(np.asarray(c.serving, dtype=dtype))[:, None] + zeros(n_m, runs)
    pending = _Pending(cargo={}, units={}, in_transit=zeros(n_g, runs))
    tally = {key: zeros(n_g, runs) for key in (
        "consumed", "eaten", "burned", "spoiled", "destroyed", "unfed")}
    lost_units = zeros(n_m, runs)
    owed = xp.zeros((n_p, n_m, runs))  # most units of each mode a place owed at a step's end
    owed_kg = xp.zeros((n_p, n_g, runs))  # most kg of each good
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

        # --- what is there at the step's start
        # (only what is there spoils: a place's debt, stock below nothing, stays as it is)
        kept = xp.where(stock > 0.0, stock * d.keep[s], stock)
        tally["spoiled"] += (stock - kept).sum(axis=0)
        stock = kept + d.stock_in[s] + d.given[s]
        if s in pending.cargo:
            stock += pending.cargo.pop(s)
        # (The plan may put into service, on a step's grid, units it releases by the
        # step's end: those count as there.)
        recruited = xp.minimum(d.recruited[s], xp.maximum(at_home + d.released[s], 0.0))
        at_home = at_home - recruited
        idle = idle + d.units_in[s] + recruited
        serving = serving + recruited.sum(axis=0)
        # The share of the units the plan has in service this step that the run still has
        # (those lost, and those their homes could not put into service again, are not).
        alive = xp.clip(serving / xp.maximum(d.serving[s], 1e-9), 0.0, 1.0)
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
        fuel_day = d.fixed_fuel[s] * per_day if s in d.fixed_fuel else None
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
            at_l, at_e, at_cargo = d.landing_steps(c, s, slow[d.arc])
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
            # cargo and the food and fuel for the way back (only the legs where some does).
            units_land = (plan_loaded * now_l + plan_empty * now_e) * (1.0 - hit)
            # (What a unit carries for the way back goes with it: a unit lost loses it.)
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
                # (the fuel for the way home is kept aside too, as the food is)
                xp, d, stock=stock,
                fixed=fixed_day if fuel_day is None else fixed_day + fuel_day,
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
            if fuel_day is not None:  # fuel for the way home: burned, as on trips (what
                # was not there is no ration, so not counted unfed)
                fuelled = xp.minimum(fuel_day, xp.maximum(stock, 0.0))
                stock = stock - fuelled
                tally["burned"] += fuelled.sum(axis=0)
            idle = idle - d.by_origin_mode(n_loaded + n_empty).reshape(n_p, n_m, runs)
            trip = draws * leave[d.draw_leg]  # [Ed, R]
            eaten_trip = (n_loaded[d.draw_leg] * d.eat_loaded[s][:, None]
                          + n_empty[d.draw_leg] * d.eat_empty[s][:, None])
            tally["eaten"] += d.draw_good(eaten_trip)
            burned = d.draw_good(n_loaded[d.draw_leg] * d.burn_loaded[s][:, None]
                                 + n_empty[d.draw_leg] * d.burn_empty[s][:, None])
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
            # A run cannot lose more units than have been in service: a step's rounds run
            # on the units its plan lands within it, lent on its first day (the step's end
            # settles the account), so a unit struck on its way out and not landing could
            # be struck again on a round it never made.
            lost = xp.minimum(lost_units + lost, d.existed[s]) - lost_units
            lost_units = lost_units + lost
            serving = serving - lost
            # A unit lost serves no more, from the day it is lost, while the plan would
            # have kept it in service (not after the plan releases its mode's units), nor
            # does one its home could not put into service again.
            lost_unit_days += xp.clip(d.serving[s] - serving, 0.0, d.serving[s])
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
        released = xp.clip(d.released[s], 0.0, xp.maximum(idle, 0.0))
        idle = idle - released
        # A home that put units into service against this step's release, which did not
        # come (units late, or lost), takes back what it is owed from those there now: it
        # never has more in service than it owns.
        owed_home = xp.clip(-(at_home + released), 0.0, xp.maximum(idle, 0.0))
        idle = idle - owed_home
        released = released + owed_home
        at_home = at_home + released
        serving = serving - released.sum(axis=0)
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
        owed = xp.maximum(owed, -idle)
        owed_kg = xp.maximum(owed_kg, -stock)
        if trace:
            traced["trace_loaded"].append(n_loaded)
            traced["trace_empty"].append(n_empty)
            traced["trace_stock"].append(stock)
            traced["trace_idle"].append(idle)
            traced["trace_consumed"].append(eaten_here)
            traced["trace_serving"].append(serving)  # [M, R] at the step's end
            traced["trace_at_home"].append(at_home)  # [P, M, R]
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
    # What the plan itself leaves unfed, no run feeds either (Compiled.unfed_planned).
    out["unfed"] += xp.asarray(np.asarray(c.unfed_planned, dtype=np.float64))[None, :]
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
        "units_owed": runs_first(owed),  # [R, P, M]
        "goods_owed_kg": runs_first(owed_kg),  # [R, P, G]
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
