"""A reference model of the simulator's day-by-day rules, written with SimPy, one run at a
time and one leg at a time: the check that the array engine (``supplyline.simulate``)
executes the rules it states (docs/simulate.md), and the per-run speed it is measured
against (``benchmarks/bench_simulate.py``).

It reads the same plan and coefficients (:func:`supplyline.simulate.engine.compile_plan`:
the plan's arrays, nothing of the engine's logic) and draws from its own random streams, so
the two agree in distribution, not run by run. Processes: one per strike source and one
per rain spell draw each day's events; one for the supply line executes each planning step
once its days are drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

from supplyline.network import trip_days
from supplyline.plan.result import Plan
from supplyline.simulate.engine import Compiled, compile_plan

__all__ = ["ReferenceRun", "simulate_reference"]

@dataclass
class ReferenceRun:
    """What one run gives (kg summed over goods unless said)."""

    shortfall_kg: float
    consumed_kg: float
    destroyed_kg: float
    front_stock_kg: float  # mean over the steps of the stock held at the fronts
    balance_error_kg: float = 0.0
    units_lost: float = 0.0
    shortfall_by_step: list[float] = field(default_factory=list)


def _share(have: float, want: float) -> float:
    """min(1, have / want), 1 when nothing is wanted; within a millionth: 1."""
    if want <= 0.0:
        return 1.0
    out = min(have, want) / want
    return 1.0 if out > 1.0 - 1e-6 else max(out, 0.0)


class _Threats:
    """Each day's state of every route, drawn by SimPy processes."""

    def __init__(self, env: simpy.Environment, plan: Plan, rng: np.random.Generator) -> None:
        net = plan.network
        self.net = net
        self.rng = rng
        routes = len(net.route_ids)
        self.days: list[dict[str, list[float]]] = [
            {"left": [1.0] * routes, "slow": [1.0] * routes, "loss_day": [0.0] * routes,
             "loss_night": [0.0] * routes, "added": [0.0] * routes}
            for _ in range(net.days)]
        self.repair = [float(r) for r in net.repair_days]
        for source in net.strikes:
            env.process(self._strikes(env, source))
        for spell in net.rains:
            env.process(self._rain(env, spell))
        env.process(self._damage(env))

    def _strikes(self, env: simpy.Environment, source: Any) -> Any:
        for d in range(self.net.days):
            today = self.days[d]
            for route in source.routes:
                p_day = float(source.day_probability[d])
                p_night = float(source.night_probability[d])
                if p_day <= 0.0 and p_night <= 0.0:
                    continue
                by_day = self.rng.random() < p_day
                by_night = by_day if source.same_event else self.rng.random() < p_night
                if by_day:
                    today["added"][route] += source.capacity_lost
                    today["loss_day"][route] += source.cargo_destroyed
                if by_night:
                    today["loss_night"][route] += source.cargo_destroyed
            yield env.timeout(1)

    def _rain(self, env: simpy.Environment, spell: Any) -> Any:
        for d in range(self.net.days):
            p = float(spell.probability[d])
            if p > 0.0:
                for route in spell.routes:
                    if self.rng.random() < p:
                        self.days[d]["left"][route] *= spell.capacity_factor
                        self.days[d]["slow"][route] *= 1.0 / spell.speed_factor
            yield env.timeout(1)

    def _damage(self, env: simpy.Environment) -> Any:
        """After the day's draws: damage of the strikes of the days before, whole days for
        the repair days, then the rest of the last one (none on a strike's own day)."""
        yield env.timeout(0.5)
        for d in range(self.net.days):
            today = self.days[d]
            for route, repair in enumerate(self.repair):
                damage = 0.0
                for k in range(1, math.ceil(repair) + 2):
                    if d - k >= 0:
                        damage += self.days[d - k]["added"][route] * min(
                            max(repair - (k - 1), 0.0), 1.0)
                today["left"][route] *= min(max(1.0 - damage, 0.0), 1.0)
                today["loss_day"][route] = min(today["loss_day"][route], 1.0)
                today["loss_night"][route] = min(today["loss_night"][route], 1.0)
            yield env.timeout(1)


class _Line:
    """The supply line of one run: stocks, units, what is on the way, kept back."""

    def __init__(self, c: Compiled, threats: _Threats, rng: np.random.Generator,
                 unit_losses: bool) -> None:
        self.c = c
        self.threats = threats
        self.rng = rng
        self.unit_losses = unit_losses
        # The legs the engine executes (those the plan uses).
        self.origin = [int(x) for x in c.origin]
        self.dest = [int(x) for x in c.dest]
        self.mode = [int(x) for x in c.mode]
        self.arc = [int(x) for x in c.arc]
        self.route = [int(x) for x in c.route]
        self.night = [bool(x) for x in c.night]
        n_l, n_p, n_m, n_g = len(self.origin), c.n_places, c.n_modes, c.n_goods
        self.n = (n_l, n_p, n_m, n_g)
        self.stock = np.zeros((n_p, n_g))
        self.idle = np.zeros((n_p, n_m))
        self.cargo_pipe = np.zeros((c.steps + 1, n_p, n_g))
        # The cargo each place may still load and unload, and the units it may still
        # receive, in each step (inf: unlimited; after the horizon's end, unlimited).
        length = np.asarray(c.step_length, dtype=float)[:, None]
        self.handling_left = np.full((c.steps + 1, n_p), np.inf)
        self.handling_left[:-1] = np.asarray(c.handling, dtype=float)[None, :] * length
        self.arrivals_left = np.full((c.steps + 1, n_p), np.inf)
        self.arrivals_left[:-1] = np.asarray(c.arrivals, dtype=float)[None, :] * length
        self.units_pipe = np.zeros((c.steps + 1, n_p, n_m))
        self.backlog_loaded = [0.0] * n_l
        self.backlog_empty = [0.0] * n_l
        self.backlog_cargo = np.zeros((n_l, n_g))
        self.lost = np.zeros(n_m)
        self.tally = {k: 0.0 for k in ("initial", "given", "consumed", "eaten", "burned",
                                        "spoiled", "destroyed")}
        self.short = 0.0
        self.short_by_step: list[float] = []
        self.front_stock: list[float] = []

    def run(self, env: simpy.Environment) -> Any:
        c = self.c
        for s in range(c.steps):
            length = float(c.step_length[s])
            yield env.timeout(float(c.step_start[s]) + length - env.now)
            self.step(s)

    def _step_of(self, time: float) -> int:
        c = self.c
        if time >= c.days:
            return c.steps
        return int(np.searchsorted(c.step_start, time, side="right")) - 1

    def step(self, s: int) -> None:
        c, net = self.c, self.c.plan.network
        n_l, n_p, n_m, n_g = self.n
        length = float(c.step_length[s])
        first = int(c.step_start[s])
        days = range(first, first + int(length))
        draws = self.threats.days
        # Each day's capacity and cargo loss, per arc and per leg; the step's mean slowdown.
        left_days = [[draws[d]["left"][int(net.arc_route[a])] * c.open_share[a, d]
                      * float(c.damage[a, s]) for a in range(net.n_arcs)] for d in days]
        slow = [sum(draws[d]["slow"][int(net.arc_route[a])] for d in days) / length
                for a in range(net.n_arcs)]
        loss_days = [[draws[d]["loss_night" if self.night[i] else "loss_day"][self.route[i]]
                      for i in range(n_l)] for d in days]
        available = []
        for m in range(n_m):
            a = float(c.availability[m])
            units = max(float(c.in_service[m, s]), 1.0)
            drawn = min(max(a + math.sqrt(a * (1 - a) / units) * self.rng.standard_normal(),
                            0.0), 1.0)
            available.append(min(1.0, drawn / a))

        # The step's start.
        kept = self.stock * np.asarray(c.keep)[None, :, s]
        self.tally["spoiled"] += float((self.stock - kept).sum())
        self.stock = kept + c.stock_in[:, :, s] + c.given[:, :, s] + self.cargo_pipe[s]
        self.tally["initial"] += float(c.stock_in[:, :, s].sum())
        self.tally["given"] += float(c.given[:, :, s].sum())
        self.idle = self.idle + self.units_pipe[s] + c.units_in[:, :, s] + c.recruited[:, :, s]
        alive = [min(max(1.0 - self.lost[m] / max(float(c.in_service[m, s]), 1e-9), 0.0), 1.0)
                 for m in range(n_m)]
        fixed = c.fixed_food[:, :, s].copy()
        for p in range(n_p):
            for m in range(n_m):
                fixed[p] += c.waiting[p, m, s] * alive[m] * c.rations[m]

        # When what leaves in the step arrives.
        at_l, at_e, at_c = [0] * n_l, [0] * n_l, [0] * n_l
        for i in range(n_l):
            d_l = trip_days(float(c.move_loaded[i]), slow[self.arc[i]],
                            float(c.handling_loaded[i]))
            d_e = trip_days(float(c.move_empty[i]), slow[self.arc[i]], float(c.handling_empty[i]))
            at_l[i] = self._step_of(first + d_l)
            at_e[i] = self._step_of(first + d_e)
            at_c[i] = max(self._step_of(float(c.middle[s]) + d_l), at_l[i])

        # The step's days, each with its share of the step's plan.
        n_days = int(length)
        fixed_day = fixed / n_days
        consumed_day = c.consumed[:, :, s] / n_days
        eaten_here = np.zeros((n_p, n_g))
        advanced = (np.zeros((n_p, n_m)), np.zeros((n_p, n_g)))
        landed = advanced
        for j in range(n_days):
            left, loss = left_days[j], loss_days[j]
            hit = loss if self.unit_losses else [0.0] * n_l
            # What each leg means to send today.
            plan_loaded, plan_empty = [0.0] * n_l, [0.0] * n_l
            cargo_want = c.cargo[:, :, s] / n_days + self.backlog_cargo
            per_unit = np.zeros((n_l, n_g))
            for i in range(n_l):
                room = float(c.cargo_room[i, s])
                for_cargo = cargo_want[i].sum() / (room if room > 0 else 1.0)
                if c.loaded_ok[i, s]:
                    plan_loaded[i] = max(float(c.loaded[i, s]) / n_days + self.backlog_loaded[i],
                                         for_cargo)
                if c.empty_ok[i, s]:
                    plan_empty[i] = float(c.empty[i, s]) / n_days + self.backlog_empty[i]
                per_unit[i] = cargo_want[i] / (plan_loaded[i] if plan_loaded[i] > 0 else 1.0)
            want = np.zeros((n_p, n_m))
            for i in range(n_l):
                want[self.origin[i], self.mode[i]] += plan_loaded[i] + plan_empty[i]

            def landing(leave: list[float], take: np.ndarray,
                        plan_loaded: list[float] = plan_loaded,
                        plan_empty: list[float] = plan_empty,
                        per_unit: np.ndarray = per_unit, hit: list[float] = hit,
                        loss: list[float] = loss) -> tuple[np.ndarray, np.ndarray]:
                """What lands within the step when the legs send today's dispatches in the
                shares ``leave`` of their units and ``take`` of their loads."""
                units = np.zeros((n_p, n_m))
                goods = np.zeros((n_p, n_g))
                for i in range(n_l):
                    p, m = self.dest[i], self.mode[i]
                    going_l = plan_loaded[i] * leave[i]
                    if at_l[i] == s:
                        units[p, m] += going_l * (1 - hit[i])
                        goods[p] += going_l * (1 - hit[i]) * c.back[i, :, s]
                    if at_e[i] == s:
                        units[p, m] += plan_empty[i] * leave[i] * (1 - hit[i])
                    if at_c[i] == s:
                        goods[p] += going_l * per_unit[i] * take[i] * (1 - loss[i])
                return units, goods

            # Within the step, what was sent yesterday lands today; on the first day, what
            # the last day will send is advanced as planned.
            if j == 0:  # the plan's own, not what legs kept back before
                plan_l = [float(c.loaded[i, s]) / n_days if c.loaded_ok[i, s] else 0.0
                          for i in range(n_l)]
                plan_e = [float(c.empty[i, s]) / n_days if c.empty_ok[i, s] else 0.0
                          for i in range(n_l)]
                plan_u = (c.cargo[:, :, s] / n_days) / np.maximum(np.asarray(plan_l), 1e-300
                                                                   )[:, None]
                advanced = landing([1.0] * n_l, np.ones((n_l, n_g)), plan_l, plan_e, plan_u)
                arriving = advanced
            else:
                arriving = landed
            self.idle = self.idle + arriving[0]
            self.stock = self.stock + arriving[1]

            # The policy: one pass over what is here.
            ready = np.where(self.idle > 0, self.idle * np.asarray(available)[None, :],
                             self.idle)
            have = self.stock - np.minimum(fixed_day, self.stock)
            have = np.maximum(have, 0.0)
            u = np.ones((n_p, n_m))
            for p in range(n_p):
                for m in range(n_m):
                    u[p, m] = _share(ready[p, m], want[p, m])
            v = [float(u[self.origin[i], self.mode[i]]) for i in range(n_l)]
            moves = [0.0] * net.n_arcs
            kgs = [0.0] * net.n_arcs
            for i in range(n_l):
                moves[self.arc[i]] += (plan_loaded[i] + plan_empty[i]) * v[i] * float(
                    net.road_use[self.mode[i]])
                kgs[self.arc[i]] += plan_loaded[i] * v[i] * float(per_unit[i].sum())
            # A place whose handling is limited: the loads leaving it in this step and
            # those landing there, in the step they land in.
            handled = np.zeros((c.steps + 1, n_p))
            for i in range(n_l):
                kg = plan_loaded[i] * v[i] * float(per_unit[i].sum())
                handled[s, self.origin[i]] += kg
                handled[at_c[i], self.dest[i]] += kg * (1 - loss[i])
            # A place whose arrivals are limited: the units landing there in each step.
            arriving = np.zeros((c.steps + 1, n_p))
            for i in range(n_l):
                arriving[at_l[i], self.dest[i]] += plan_loaded[i] * v[i] * (1 - hit[i])
                arriving[at_e[i], self.dest[i]] += plan_empty[i] * v[i] * (1 - hit[i])
            cut = [1.0] * n_l  # only the legs with loads that leave or land there, or
            for i in range(n_l):  # with units that land there
                o, d = self.origin[i], self.dest[i]
                kg = plan_loaded[i] * v[i] * float(per_unit[i].sum())
                if kg > 0:
                    cut[i] = _share(max(self.handling_left[s, o], 0.0), handled[s, o])
                if kg * (1 - loss[i]) > 0:
                    cut[i] = min(cut[i], _share(max(self.handling_left[at_c[i], d], 0.0),
                                                handled[at_c[i], d]))
                for units, at in ((plan_loaded[i], at_l[i]), (plan_empty[i], at_e[i])):
                    if units * v[i] * (1 - hit[i]) > 0:
                        cut[i] = min(cut[i], _share(max(self.arrivals_left[at, d], 0.0),
                                                    arriving[at, d]))
            for i in range(n_l):
                a = self.arc[i]
                v[i] *= min(_share(c.capacity_movements[a] * left[a], moves[a]),
                            _share(c.capacity_kg[a] * left[a], kgs[a]), cut[i])
            trips = np.zeros((n_p, n_g))
            for i in range(n_l):
                trips[self.origin[i]] += (plan_loaded[i] * v[i] * c.draw_loaded[i, :, s]
                                          + plan_empty[i] * v[i] * c.draw_empty[i, :, s])
            # Each leg as far as the goods it draws are there where it leaves.
            for i in range(n_l):
                o = self.origin[i]
                draw = (plan_loaded[i] * v[i] * c.draw_loaded[i, :, s]
                        + plan_empty[i] * v[i] * c.draw_empty[i, :, s])
                v[i] *= min((_share(have[o, g], trips[o, g]) for g in range(n_g)
                             if draw[g] > 0), default=1.0)
            for i in range(n_l):
                have[self.origin[i]] -= (plan_loaded[i] * v[i] * c.draw_loaded[i, :, s]
                                         + plan_empty[i] * v[i] * c.draw_empty[i, :, s])
            have = np.maximum(have, 0.0)
            have = have - np.minimum(consumed_day, have)
            loads = np.zeros((n_p, n_g))
            for i in range(n_l):
                loads[self.origin[i]] += plan_loaded[i] * v[i] * per_unit[i]
            take = np.array([[_share(have[self.origin[i], g], loads[self.origin[i], g])
                              for g in range(n_g)] for i in range(n_l)]).reshape(n_l, n_g)
            leave = v

            # Execute the day.
            fed = np.minimum(fixed_day, np.maximum(self.stock, 0.0))
            self.stock -= fed
            hungry = fixed_day - fed
            self.tally["eaten"] += float(fed.sum())
            n_loaded = [plan_loaded[i] * leave[i] for i in range(n_l)]
            n_empty = [plan_empty[i] * leave[i] for i in range(n_l)]
            for i in range(n_l):
                o, m = self.origin[i], self.mode[i]
                self.idle[o, m] -= n_loaded[i] + n_empty[i]
                trip = (n_loaded[i] * c.draw_loaded[i, :, s]
                        + n_empty[i] * c.draw_empty[i, :, s])
                eaten = n_loaded[i] * c.eat_loaded[i, :, s] + n_empty[i] * c.eat_empty[i, :, s]
                back = n_loaded[i] * c.back[i, :, s]
                self.tally["eaten"] += float(eaten.sum())
                self.tally["burned"] += float((trip - eaten - back).sum())
                self.stock[o] -= trip
            eaten_today = np.minimum(consumed_day, np.maximum(self.stock, 0.0))
            self.stock -= eaten_today
            eaten_here += eaten_today
            back_later: list[tuple[int, float]] = []
            for i in range(n_l):
                o, m = self.origin[i], self.mode[i]
                cargo = n_loaded[i] * per_unit[i] * take[i]
                self.stock[o] -= cargo
                destroyed = cargo * loss[i]
                self.tally["destroyed"] += float(destroyed.sum())
                lost_l, lost_e = n_loaded[i] * hit[i], n_empty[i] * hit[i]
                self.arrivals_left[at_l[i], self.dest[i]] -= n_loaded[i] - lost_l
                self.arrivals_left[at_e[i], self.dest[i]] -= n_empty[i] - lost_e
                self.lost[m] += lost_l + lost_e
                # The food and fuel for the way back go with their unit: a unit lost loses them.
                d, back = self.dest[i], (n_loaded[i] - lost_l) * c.back[i, :, s]
                self.tally["destroyed"] += float((lost_l * c.back[i, :, s]).sum())
                self.handling_left[s, o] -= cargo.sum()
                self.handling_left[at_c[i], d] -= (cargo - destroyed).sum()
                if at_c[i] > s:
                    self.cargo_pipe[at_c[i], d] += cargo - destroyed
                if at_l[i] > s:
                    self.cargo_pipe[at_l[i], d] += back
                    self.units_pipe[at_l[i], d, m] += n_loaded[i] - lost_l
                if at_e[i] > s:
                    self.units_pipe[at_e[i], d, m] += n_empty[i] - lost_e
                # Units sent beyond the plan to carry loads kept back come back empty
                # on the leg back.
                beyond = n_loaded[i] - (float(c.loaded[i, s]) / n_days + self.backlog_loaded[i])
                self.backlog_loaded[i] = max(-beyond, 0.0)
                self.backlog_empty[i] = max(float(c.empty[i, s]) / n_days
                                            + self.backlog_empty[i] - n_empty[i], 0.0)
                if beyond > 0.0 and c.reverse[i] >= 0:  # those that strikes leave
                    back_later.append((int(c.reverse[i]), beyond * (1 - hit[i])))
                self.backlog_cargo[i] = np.maximum(cargo_want[i] - cargo, 0.0)
            for leg, units in back_later:
                self.backlog_empty[leg] += units
            landed = landing(leave, take)
            # Units that did not leave wait where they are today, and eat there: only those
            # there, beyond the plan's own waiting (fed with the step's fixed food).
            kept_back = np.zeros((n_p, n_m))
            for i in range(n_l):
                kept_back[self.origin[i], self.mode[i]] += \
                    (plan_loaded[i] + plan_empty[i]) * (1 - leave[i])
            for p in range(n_p):
                for m in range(n_m):
                    there = self.idle[p, m] - c.waiting[p, m, s] / length * alive[m]
                    hungry[p] += min(kept_back[p, m], max(there, 0.0)) * c.rations[m]
            fed = np.minimum(hungry, np.maximum(self.stock, 0.0))
            self.stock -= fed
            self.tally["eaten"] += float(fed.sum())
        # The last day's landings, less what the first day had advanced of them.
        self.idle = self.idle + landed[0] - advanced[0]
        self.stock = self.stock + landed[1] - advanced[1]

        # The step's end.
        self.idle -= np.clip(c.released[:, :, s], 0.0, np.maximum(self.idle, 0.0))
        spare = np.maximum(self.stock - c.plan_stock[:, :, s], 0.0)
        extra = np.minimum(np.maximum(c.demand[:, :, s] - eaten_here, 0.0), spare)
        self.stock -= extra
        eaten_here += extra
        # A front eats only what came (the engine's rule): what it owes now, up to what it
        # ate in the step, it went short of.
        unfounded = np.minimum(np.maximum(-self.stock[c.fronts], 0.0), eaten_here[c.fronts])
        self.stock[c.fronts] += unfounded
        eaten_here[c.fronts] -= unfounded
        self.tally["consumed"] += float(eaten_here.sum())
        short = float(np.maximum(c.demand[c.fronts, :, s] - eaten_here[c.fronts], 0.0).sum())
        self.short += short
        self.short_by_step.append(short)
        self.front_stock.append(float(self.stock[c.fronts].sum()))


def simulate_reference(plan: Plan, runs: int, seed: int,
                       unit_losses: bool = True) -> list[ReferenceRun]:
    """``runs`` runs of ``plan`` by the reference model."""
    c = compile_plan(plan, np)
    out = []
    for child in np.random.SeedSequence(seed).spawn(runs):
        rng = np.random.default_rng(child)
        env = simpy.Environment()
        threats = _Threats(env, plan, rng)
        line = _Line(c, threats, rng, unit_losses)
        env.process(line.run(env))
        env.run()
        t = line.tally
        uses = (t["consumed"] + t["eaten"] + t["burned"] + t["spoiled"] + t["destroyed"]
                + float(line.stock.sum()) + float(line.cargo_pipe[c.steps].sum()))
        out.append(ReferenceRun(
            shortfall_kg=line.short, consumed_kg=t["consumed"], destroyed_kg=t["destroyed"],
            front_stock_kg=float(np.mean(line.front_stock)) if line.front_stock else 0.0,
            balance_error_kg=abs(t["initial"] + t["given"] - uses),
            units_lost=float(line.lost.sum()), shortfall_by_step=line.short_by_step))
    return out
