"""The planning LP written again with Pyomo, as a peer for speed and a check of correctness.

The model is built from the same :class:`~supplyline.network.Network` as
:func:`supplyline.plan.model.build_lp`, constraint family by constraint family, in the way a
Pyomo user would write it: index sets as lists of tuples, variables indexed by them, and one
rule per family that sums the terms of each row. The physics is not derived again: the
per-leg coefficients (travel days, arrival steps, food, fuel, room for cargo, which trips can
leave) are read from :func:`supplyline.accounting.legs_of` and the start (stocks and units at
the start, what is left to give, capacity left) from :func:`supplyline.plan.start.start_from`,
as the planner reads them; what is written again here is the model itself, so that agreeing
rows and objectives check both writings of it.

Trips, idle units and waiting are laid out, as in the planner, only where a unit can be
(:func:`supplyline.accounting.units_can_be`). It covers the plain plan from the scenario's
own start (no replay, no State): cargo within
the room a load leaves, route movements and tonnage, handling at places, fleet balance,
units in service and recruitment so far, every unit-day travelling or waiting (waiting where
units are, and at least the unavailable share), trips within a step on the time their units
have there, stock balance with spoilage, expected cargo loss, food and fuel drawn where
trips start, food carried for the way back, units waiting
and the way home, unmet demand, giving that never shrinks within what a locality can give,
labour and food fairness, the running balance of labour days, the way home at the end and
reserve targets, and the objective. Wounded, road works and repair crews are refused.

Pyomo is a benchmark-only dependency: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pyomo.environ as pyo

from supplyline.accounting import departure, legs_of, time_charges, units_can_be
from supplyline.network import Network
from supplyline.plan.model import (
    FRONT_STOCK_COST_PER_KG_DAY,
    HAULAGE_COST_PER_KG_KM,
    RECRUIT_COST_PER_UNIT,
)
from supplyline.plan.start import start_from

__all__ = ["build_pyomo_model", "unsupported_features"]


def unsupported_features(net: Network) -> list[str]:
    """The features of ``net`` this peer does not model (empty when it models them all)."""
    found = []
    if net.wounded is not None or net.wounded_groups:
        found.append("wounded")
    if net.road_works:
        found.append("road works")
    if (net.repair_crew_people > 0).any():
        found.append("repair crews")
    return found


def _bound(value: float) -> float | None:
    return None if not np.isfinite(value) else float(value)


def _row(terms: list[Any], make: Any) -> Any:
    """The row ``make(sum of terms)``, or no row when it has no terms."""
    if not terms:
        return pyo.Constraint.Skip
    return make(pyo.quicksum(terms))


def build_pyomo_model(net: Network) -> pyo.ConcreteModel:
    """The planning LP of ``net`` as a Pyomo model (minimize ``model.cost``)."""
    missing = unsupported_features(net)
    if missing:
        raise ValueError("the Pyomo peer does not model " + ", ".join(missing))
    weights = net.weights
    steps = net.steps
    last = steps - 1
    length = net.step_length
    goods = list(net.goods)
    slot = {c: g for g, c in enumerate(goods)}
    n_p, n_m = net.n_places, net.n_modes
    crew = net.crew_per_unit
    legs = legs_of(net)
    carried_back = legs.carried_back  # [L, G, S] food and fuel for the way back
    start = start_from(net, None)

    # -- index sets ---------------------------------------------------------------------------
    n_legs = legs.n
    leg_mode = [int(m) for m in legs.mode]
    leg_from = [int(p) for p in legs.origin]
    leg_to = [int(p) for p in legs.dest]
    present = np.zeros((n_p, n_m), dtype=bool)
    present[legs.origin, legs.mode] = True
    present[legs.dest, legs.mode] = True
    place_modes = [(p, m) for p in range(n_p) for m in range(n_m) if present[p, m]]
    homes = [(p, m) for p, m in place_modes if net.can_serve[p, m]]
    # Trips, idle units and waiting only where a unit of the mode can be: from the homes that
    # can put units into service, along the trips that can leave (accounting.units_can_be).
    serves = np.zeros((n_p, n_m, steps), dtype=bool)
    for p, m in homes:
        serves[p, m] = not net.owned_units[m] or net.carriers_owned[p, m] > 0
    can = units_can_be(legs, serves)
    loaded_ok = legs.loaded_ok & can[legs.origin, legs.mode, :]  # [L, S]
    empty_ok = legs.empty_ok & can[legs.origin, legs.mode, :]
    loaded_set = [(int(leg), int(s)) for leg, s in zip(*np.nonzero(loaded_ok), strict=True)]
    empty_set = [(int(leg), int(s)) for leg, s in zip(*np.nonzero(empty_ok), strict=True)]
    cargo_set = [(leg, c, s) for leg, s in loaded_set for c in goods]
    at_days = [(p, m, s) for p, m in place_modes for s in range(steps) if can[p, m, s]]
    at_set = set(at_days)
    home_days = [(p, m, s) for p, m in homes for s in range(steps)]
    home_ok = set(homes)
    # Units at a place at the end go back to one of their mode's homes: (place, mode, home).
    going_set = [
        (p, m, int(h))
        for m in range(n_m)
        for p in range(n_p) if (p, m, last) in at_set
        for j, h in enumerate(net.homes[m])
        if (int(h), m) in home_ok and np.isfinite(net.home_days[m][p, j])
    ]
    home_slot = [{int(h): j for j, h in enumerate(net.homes[m])} for m in range(n_m)]

    def way_home(p: int, m: int, h: int) -> tuple[float, float]:
        j = home_slot[m][h]
        return float(net.home_days[m][p, j]), float(net.home_km[m][p, j])

    giveable = start.giveable_kg
    gives = [(p, c) for p in range(n_p) for c in goods if giveable[p, c, last] > 0]
    demand = net.demand_kg
    short_set = [
        (p, c, s) for p in range(n_p) for c in goods for s in range(steps) if demand[p, c, s] > 0
    ]

    model = pyo.ConcreteModel(name=net.scenario.name)
    model.loaded = pyo.Var(loaded_set, domain=pyo.NonNegativeReals)
    model.empty = pyo.Var(empty_set, domain=pyo.NonNegativeReals)
    model.cargo = pyo.Var(cargo_set, domain=pyo.NonNegativeReals)

    def idle_bounds(_: Any, p: int, m: int, s: int) -> tuple[float, float | None]:
        # Units left at the end must be able to go home.
        return (0.0, 0.0 if s == last and net.days_home[p, m] < 0 else None)

    model.idle = pyo.Var(at_days, bounds=idle_bounds)
    model.waiting = pyo.Var(at_days, domain=pyo.NonNegativeReals)
    model.recruited = pyo.Var(home_days, domain=pyo.NonNegativeReals)
    model.recruited_so_far = pyo.Var(home_days, domain=pyo.NonNegativeReals)
    model.released = pyo.Var(home_days, domain=pyo.NonNegativeReals)
    # Units in service by home: owned units are bounded by what a place owns.
    model.in_service = pyo.Var(
        home_days,
        bounds=lambda _, p, m, s: (
            0.0, float(net.carriers_owned[p, m]) if net.owned_units[m] else None
        ),
    )
    model.stock = pyo.Var(
        [(p, c, s) for p in range(n_p) for c in goods for s in range(steps)],
        domain=pyo.NonNegativeReals,
    )
    model.given = pyo.Var(
        [(p, c, s) for p, c in gives for s in range(steps)],
        bounds=lambda _, p, c, s: (0.0, _bound(float(giveable[p, c, s]))),
    )
    model.unmet = pyo.Var(short_set, bounds=lambda _, p, c, s: (0.0, float(demand[p, c, s])))
    model.reserve_short = pyo.Var(range(len(net.reserve_targets)), domain=pyo.NonNegativeReals)
    model.labour_days_left = pyo.Var([(p, m, s) for p, m in homes for s in range(steps)],
                                     domain=pyo.NonNegativeReals)
    model.going_home = pyo.Var(going_set, domain=pyo.NonNegativeReals)
    # Trips that arrive within the step they leave; where units of a mode both arrive and
    # leave within a step, the time the units of such a trip still have on arrival.
    loaded_within, empty_within = legs.within_step()
    within_loaded = {(leg, s) for leg, s in loaded_set if loaded_within[leg, s]}
    within_empty = {(leg, s) for leg, s in empty_set if empty_within[leg, s]}
    within = within_loaded | within_empty
    turns = ({(leg_to[leg], leg_mode[leg], s) for leg, s in within}
             & {(leg_from[leg], leg_mode[leg], s) for leg, s in within})
    spare_set = sorted((leg, s) for leg, s in within if (leg_to[leg], leg_mode[leg], s) in turns)
    model.spare = pyo.Var(spare_set, domain=pyo.NonNegativeReals)
    # The fleet of each mode that has homes: the most units of it in service at once.
    fleet_modes = sorted({m for _, m in homes})
    model.fleet = pyo.Var(fleet_modes, domain=pyo.NonNegativeReals)
    burden_cap = 1.0 if net.max_burden_bound is None else net.max_burden_bound
    model.max_burden = pyo.Var(bounds=(0.0, burden_cap))

    # Lookups the rules read: legs by place and mode, dispatches by arrival step.
    legs_out: dict[int, list[int]] = defaultdict(list)
    legs_on_arc: dict[int, list[int]] = defaultdict(list)
    for leg in range(n_legs):
        legs_out[leg_from[leg]].append(leg)
        legs_on_arc[int(legs.arc[leg])].append(leg)
    loaded_at: dict[tuple[int, int], list[int]] = defaultdict(list)  # (place, step): legs
    empty_at: dict[tuple[int, int], list[int]] = defaultdict(list)
    for leg, s in loaded_set:
        loaded_at[leg_from[leg], s].append(leg)
    for leg, s in empty_set:
        empty_at[leg_from[leg], s].append(leg)
    units_arrive: dict[tuple[int, int, int], list[Any]] = defaultdict(list)
    # Units arriving from an earlier step, with the time left in their arrival step.
    units_from_before: dict[tuple[int, int, int], list[tuple[float, Any]]] = defaultdict(list)
    cargo_lands: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    unit_lands: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    leave, end = departure(net), net.grid.start + length

    def lands(leg: int, s: int, days: np.ndarray, arrive: int, x: Any) -> None:
        units_arrive[leg_to[leg], leg_mode[leg], arrive].append(x)
        if arrive > s:
            landed = min(arrive, steps - 1)
            left = min(max(float(end[landed] - leave[s] - days[leg, s]), 0.0),
                       float(length[landed]))
            units_from_before[leg_to[leg], leg_mode[leg], arrive].append((left, x))

    for leg, s in loaded_set:
        arrive = int(legs.arrive_loaded[leg, s])
        lands(leg, s, legs.days_loaded, arrive, model.loaded[leg, s])
        unit_lands[leg_to[leg], arrive].append((leg, s))
        cargo_lands[leg_to[leg], int(legs.cargo_arrives[leg, s])].append((leg, s))
    for leg, s in empty_set:
        lands(leg, s, legs.days_empty, int(legs.arrive_empty[leg, s]), model.empty[leg, s])
    places_of: dict[int, list[int]] = defaultdict(list)
    for p, m in place_modes:
        places_of[m].append(p)
    homes_of: dict[int, list[int]] = defaultdict(list)
    for p, m in homes:
        homes_of[m].append(p)
    going_from: dict[tuple[int, int], list[int]] = defaultdict(list)
    going_to: dict[tuple[int, int], list[int]] = defaultdict(list)
    for p, m, h in going_set:
        going_from[p, m].append(h)
        going_to[h, m].append(p)

    # -- constraint families ------------------------------------------------------------------
    def cargo_within_payload(mdl: Any, leg: int, s: int) -> Any:
        load = pyo.quicksum(mdl.cargo[leg, c, s] for c in goods)
        return load - float(legs.cargo_room[leg, s]) * mdl.loaded[leg, s] <= 0

    model.cargo_within_payload = pyo.Constraint(loaded_set, rule=cargo_within_payload)

    factor = start.capacity_factor
    limited_moves = [
        (int(a), s) for a in np.nonzero(np.isfinite(net.capacity_movements))[0]
        for s in range(steps)
    ]

    def route_movements(mdl: Any, a: int, s: int) -> Any:
        terms = []
        for leg in legs_on_arc[a]:
            use = float(net.road_use[leg_mode[leg]])
            if use == 0:
                continue
            if loaded_ok[leg, s]:
                terms.append(use * mdl.loaded[leg, s])
            if empty_ok[leg, s]:
                terms.append(use * mdl.empty[leg, s])
        cap = float(net.capacity_movements[a] * factor[a, s] * length[s])
        return _row(terms, lambda e: e <= cap)

    model.route_movements = pyo.Constraint(limited_moves, rule=route_movements)

    limited_kg = [
        (int(a), s) for a in np.nonzero(np.isfinite(net.capacity_kg))[0] for s in range(steps)
    ]

    def route_tonnage(mdl: Any, a: int, s: int) -> Any:
        terms = [
            mdl.cargo[leg, c, s] for leg in legs_on_arc[a] if loaded_ok[leg, s]
            for c in goods
        ]
        cap = float(net.capacity_kg[a] * factor[a, s] * length[s])
        return _row(terms, lambda e: e <= cap)

    model.route_tonnage = pyo.Constraint(limited_kg, rule=route_tonnage)

    limited_handling = [
        (int(p), s) for p in np.nonzero(np.isfinite(net.handling_kg_per_day))[0]
        for s in range(steps)
    ]

    def handling(mdl: Any, p: int, s: int) -> Any:
        terms = [mdl.cargo[leg, c, s] for leg in loaded_at[p, s] for c in goods]
        terms += [mdl.cargo[leg, c, sent] for leg, sent in cargo_lands[p, s] for c in goods]
        cap = float(net.handling_kg_per_day[p] * length[s])
        return _row(terms, lambda e: e <= cap)

    model.handling = pyo.Constraint(limited_handling, rule=handling)

    def fleet_balance(mdl: Any, p: int, m: int, s: int) -> Any:
        terms = [mdl.idle[p, m, s]]
        if (p, m, s - 1) in at_set:
            terms.append(-mdl.idle[p, m, s - 1])
        if (p, m) in home_ok:
            terms += [-mdl.recruited[p, m, s], mdl.released[p, m, s]]
        terms += [mdl.loaded[leg, s] for leg in loaded_at[p, s] if leg_mode[leg] == m]
        terms += [mdl.empty[leg, s] for leg in empty_at[p, s] if leg_mode[leg] == m]
        terms += [-x for x in units_arrive[p, m, s]]
        units = float(start.units_in[p, m, s])
        return pyo.quicksum(terms) == units

    model.fleet_balance = pyo.Constraint(at_days, rule=fleet_balance)

    def service_balance(mdl: Any, p: int, m: int, s: int) -> Any:
        expr = mdl.in_service[p, m, s] - mdl.recruited[p, m, s] + mdl.released[p, m, s]
        if s > 0:
            expr -= mdl.in_service[p, m, s - 1]
        return expr == (float(start.in_service[p, m]) if s == 0 else 0.0)

    model.service_balance = pyo.Constraint(home_days, rule=service_balance)

    def recruitment_so_far(mdl: Any, p: int, m: int, s: int) -> Any:
        expr = mdl.recruited_so_far[p, m, s] - mdl.recruited[p, m, s]
        if s > 0:
            expr -= mdl.recruited_so_far[p, m, s - 1]
        return expr == 0

    model.recruitment_so_far = pyo.Constraint(home_days, rule=recruitment_so_far)

    # Every unit-day in service is spent travelling or waiting: a trip's days are charged to
    # the steps they fall in.
    trip_days: dict[tuple[int, int], list[tuple[float, Any]]] = defaultdict(list)
    for var, ok, days in ((model.loaded, loaded_ok, legs.days_loaded),
                          (model.empty, empty_ok, legs.days_empty)):
        for k, share in time_charges(net, days):
            for leg, s in zip(*np.nonzero(ok & (share != 0)), strict=True):
                if s + k < steps:
                    trip_days[leg_mode[leg], int(s + k)].append((float(share[leg, s]),
                                                                 var[int(leg), int(s)]))

    def unit_time(mdl: Any, m: int, s: int) -> Any:
        terms = [share * x for share, x in trip_days[m, s]]
        terms += [mdl.waiting[p, m, s] for p in places_of[m] if (p, m, s) in at_set]
        terms += [-float(length[s]) * mdl.in_service[p, m, s] for p in homes_of[m]]
        rhs = -float(start.transit_days[m, s])
        return _row(terms, lambda e: e == rhs)

    model.unit_time = pyo.Constraint(
        [(m, s) for m in range(n_m) for s in range(steps)], rule=unit_time
    )

    def waiting_where_units_are(mdl: Any, p: int, m: int, s: int) -> Any:
        days = float(length[s])
        expr = mdl.waiting[p, m, s] - days * mdl.idle[p, m, s]
        if (p, m, s - 1) in at_set:
            expr -= days * mdl.idle[p, m, s - 1]
        if (p, m) in home_ok:
            expr -= days * mdl.recruited[p, m, s]
        return expr <= 0

    model.waiting_where_units_are = pyo.Constraint(at_days, rule=waiting_where_units_are)

    # A unit at a place at a step's end that did not land there in the step (on a trip, or
    # from before the start) waited there all of it. (From the scenario's own start, which
    # this peer models, no State leaves units anywhere, so no unfed waiting is laid out.)
    def waiting_of_units_that_stay(mdl: Any, p: int, m: int, s: int) -> Any:
        days = float(length[s])
        terms = [mdl.waiting[p, m, s], -days * mdl.idle[p, m, s]]
        terms += [days * x for x in units_arrive[p, m, s]]
        rhs = -days * float(start.units_landing[p, m, s])
        return _row(terms, lambda e: e >= rhs)

    model.waiting_of_units_that_stay = pyo.Constraint(at_days,
                                                      rule=waiting_of_units_that_stay)

    # A unit sets out again within a step only on the time it has left (see
    # supplyline.plan.constraints.define_trips_within_step).
    def spare_time_on_arrival(mdl: Any, leg: int, s: int) -> Any:
        terms = [mdl.spare[leg, s]]
        if (leg, s) in within_loaded:
            terms.append(-float(length[s] - legs.days_loaded[leg, s]) * mdl.loaded[leg, s])
        if (leg, s) in within_empty:
            terms.append(-float(length[s] - legs.days_empty[leg, s]) * mdl.empty[leg, s])
        return pyo.quicksum(terms) <= 0

    model.spare_time_on_arrival = pyo.Constraint(spare_set, rule=spare_time_on_arrival)
    spare_out: dict[tuple[int, int, int], list[Any]] = defaultdict(list)
    spare_in: dict[tuple[int, int, int], list[Any]] = defaultdict(list)
    for leg, s in spare_set:
        spare_out[leg_from[leg], leg_mode[leg], s].append(model.spare[leg, s])
        spare_in[leg_to[leg], leg_mode[leg], s].append(model.spare[leg, s])

    def time_for_trips_within_step(mdl: Any, p: int, m: int, s: int) -> Any:
        days = float(length[s])
        terms = [float(legs.days_loaded[leg, s]) * mdl.loaded[leg, s]
                 for leg in loaded_at[p, s] if leg_mode[leg] == m and (leg, s) in within_loaded]
        terms += [float(legs.days_empty[leg, s]) * mdl.empty[leg, s]
                  for leg in empty_at[p, s] if leg_mode[leg] == m and (leg, s) in within_empty]
        terms += spare_out[p, m, s] + [-x for x in spare_in[p, m, s]]
        if (p, m, s - 1) in at_set:
            terms.append(-days * mdl.idle[p, m, s - 1])
        if (p, m) in home_ok:
            terms += [-days * mdl.recruited[p, m, s], days * mdl.released[p, m, s]]
        terms += [-left * x for left, x in units_from_before[p, m, s]]
        return pyo.quicksum(terms) <= float(start.unit_days_in[p, m, s])

    model.time_for_trips_within_step = pyo.Constraint(sorted(turns),
                                                      rule=time_for_trips_within_step)

    def fleet_peak(mdl: Any, m: int, s: int) -> Any:
        terms = [mdl.in_service[p, m, s] for p in homes_of[m]]
        return pyo.quicksum(terms) - mdl.fleet[m] <= 0

    model.fleet_peak = pyo.Constraint([(m, s) for m in fleet_modes for s in range(steps)],
                                      rule=fleet_peak)

    def availability(mdl: Any, m: int, s: int) -> Any:
        rest = float((1.0 - net.availability[m]) * length[s])
        terms = [mdl.waiting[p, m, s] for p in places_of[m] if (p, m, s) in at_set]
        terms += [-rest * mdl.in_service[p, m, s] for p in homes_of[m]]
        return _row(terms, lambda e: e >= 0)

    model.availability = pyo.Constraint(
        [(m, s) for m in np.nonzero(net.availability < 1.0)[0].tolist() for s in range(steps)],
        rule=availability,
    )

    keep = net.kept_share(goods)  # [G, S]
    loss = net.cargo_loss[legs.arc, legs.mode, :]  # [L, S]
    rations = net.rations_kg_per_day
    fuel = net.fuel_kg_per_km
    modes_at: dict[int, list[int]] = defaultdict(list)
    for p, m in place_modes:
        modes_at[p].append(m)
    give_ok = set(gives)
    short_ok = set(short_set)

    def stock_balance(mdl: Any, p: int, c: int, s: int) -> Any:
        g = slot[c]
        terms = [mdl.stock[p, c, s]]
        if s > 0:
            terms.append(-float(keep[g, s]) * mdl.stock[p, c, s - 1])
        if (p, c) in give_ok:
            terms.append(-mdl.given[p, c, s])
            if s > 0:
                terms.append(mdl.given[p, c, s - 1])
        # Cargo out; food eaten on the way, fuel burned, and the food and fuel carried for
        # the way back, drawn where a trip starts.
        for leg in loaded_at[p, s]:
            terms.append(mdl.cargo[leg, c, s])
            drawn = float(legs.food_loaded[leg, g, s] + carried_back[leg, g, s]
                          + legs.fuel_loaded[leg, g])
            if drawn != 0:
                terms.append(drawn * mdl.loaded[leg, s])
        for leg in empty_at[p, s]:
            drawn = float(legs.food_empty[leg, g, s] + legs.fuel_empty[leg, g])
            if drawn != 0:
                terms.append(drawn * mdl.empty[leg, s])
        # Cargo in, less the expected loss on the way; the food and fuel for the way back
        # handed over.
        for leg, sent in cargo_lands[p, s]:
            terms.append(-float(1.0 - loss[leg, sent]) * mdl.cargo[leg, c, sent])
        for leg, sent in unit_lands[p, s]:
            back = float(carried_back[leg, g, sent])
            if back != 0:
                terms.append(-back * mdl.loaded[leg, sent])
        # Units waiting eat; those still out at the end draw their way home.
        for m in modes_at[p]:
            if rations[m, c] != 0 and (p, m, s) in at_set:
                terms.append(float(rations[m, c]) * mdl.waiting[p, m, s])
            if s == last:
                for h in going_from[p, m]:
                    days, km = way_home(p, m, h)
                    kg = float(days * rations[m, c] + km * fuel[m, c])
                    if kg != 0:
                        terms.append(kg * mdl.going_home[p, m, h])
        if (p, c, s) in short_ok:
            terms.append(-mdl.unmet[p, c, s])  # consumed = demand − unmet
        rhs = float(start.stock_in[p, g, s] - demand[p, c, s])
        return pyo.quicksum(terms) == rhs

    model.stock_balance = pyo.Constraint(
        [(p, c, s) for p in range(n_p) for c in goods for s in range(steps)], rule=stock_balance
    )

    def giving_never_shrinks(mdl: Any, p: int, c: int, s: int) -> Any:
        return mdl.given[p, c, s] - mdl.given[p, c, s - 1] >= 0

    model.giving_never_shrinks = pyo.Constraint(
        [(p, c, s) for p, c in gives for s in range(1, steps)], rule=giving_never_shrinks
    )

    people = start.labour_people

    def labour_fairness(mdl: Any, p: int) -> Any:
        terms = [float(crew[m]) * mdl.recruited_so_far[p, m, last]
                 for m in modes_at[p] if (p, m) in home_ok and crew[m] != 0]
        terms.append(-float(people[p]) * mdl.max_burden)
        return pyo.quicksum(terms) <= 0

    model.labour_fairness = pyo.Constraint(
        [int(p) for p in np.nonzero(net.labour_people > 0)[0]], rule=labour_fairness
    )

    could = giveable[:, goods, last].sum(axis=1)

    def food_fairness(mdl: Any, p: int) -> Any:
        terms = [mdl.given[p, c, last] for c in goods if (p, c) in give_ok]
        terms.append(-float(could[p]) * mdl.max_burden)
        return pyo.quicksum(terms) <= 0

    model.food_fairness = pyo.Constraint(
        [int(p) for p in np.nonzero(could > 0)[0]], rule=food_fairness
    )

    # Service days: a running balance per home, mode and step, in whole services of a
    # person (days / the home's most days a person serves). The persons recruited bring
    # theirs; every day a unit is in service spends its crew's (units still out at the end
    # also their way home). The balance never goes negative.
    def labour_days(mdl: Any, p: int, m: int, s: int) -> Any:
        per = 1.0 / float(net.labour_max_days[p])
        terms = [mdl.labour_days_left[p, m, s]]
        if s > 0:
            terms.append(-mdl.labour_days_left[p, m, s - 1])
        if crew[m] != 0:
            terms.append(float(crew[m] * length[s]) * per * mdl.in_service[p, m, s])
            terms.append(-float(crew[m]) * mdl.recruited[p, m, s])
        if s == last:
            for q, mode, h in going_set:
                days = float(crew[mode] * way_home(q, mode, h)[0])
                if mode == m and h == p and days != 0:
                    terms.append(days * per * mdl.going_home[q, mode, h])
        rhs = float(start.labour_days_left[p, m]) * per if s == 0 else 0.0
        return pyo.quicksum(terms) == rhs

    model.labour_days = pyo.Constraint(
        [(p, m, s) for p, m in homes for s in range(steps)], rule=labour_days)

    # At the end the units at each place go home, and each home gets back its units.
    def going_home(mdl: Any, p: int, m: int) -> Any:
        terms = [mdl.going_home[p, m, h] for h in going_from[p, m]]
        return pyo.quicksum(terms) - mdl.idle[p, m, last] == 0

    model.goes_home = pyo.Constraint([(p, m) for p, m in place_modes if (p, m, last) in at_set],
                                     rule=going_home)

    def coming_home(mdl: Any, h: int, m: int) -> Any:
        terms = [mdl.going_home[p, m, h] for p in going_to[h, m]]
        return pyo.quicksum(terms) - mdl.in_service[h, m, last] == 0

    model.coming_home = pyo.Constraint(homes, rule=coming_home)

    def reserve_target(mdl: Any, i: int) -> Any:
        p, c, s, kg = net.reserve_targets[i]
        return mdl.stock[p, c, s] + mdl.reserve_short[i] >= kg

    model.reserve_target = pyo.Constraint(range(len(net.reserve_targets)), rule=reserve_target)

    # -- objective: shortfall first, then the burden on the population, then fairness -----------
    eat_per_day = rations[:, goods].sum(axis=1)  # [M]
    fuel_per_km = fuel[:, goods].sum(axis=1)  # [M]
    per_loaded = weights.eaten_per_kg * (legs.food_loaded.sum(axis=1)
                                         + legs.fuel_loaded.sum(axis=1)[:, None])  # [L, S]
    per_empty = weights.eaten_per_kg * (legs.food_empty.sum(axis=1)
                                        + legs.fuel_empty.sum(axis=1)[:, None])

    # Money, at the scenario's weight: wages and the units' days and km, and food bought.
    money = net.cost_weight
    wage = net.wage_per_person_day

    def per_way_home(p: int, m: int, h: int) -> float:
        days, km = way_home(p, m, h)
        paid = (wage * crew[m] + net.cost_per_unit_day[m]) * days
        if np.isfinite(km):
            paid += net.cost_per_unit_km[m] * km
        return float(weights.labour_per_person_day * crew[m] * days
                     + weights.eaten_per_kg * (eat_per_day[m] * days + fuel_per_km[m] * km)
                     + money * paid)

    def objective(mdl: Any) -> Any:
        w = weights
        terms = [w.shortfall_per_kg * mdl.unmet[i] for i in short_set]
        terms += [w.shortfall_per_kg * mdl.reserve_short[i] for i in mdl.reserve_short]
        terms += [float(FRONT_STOCK_COST_PER_KG_DAY * length[s]) * mdl.stock[p, c, s]
                  for p in np.nonzero(net.is_front)[0].tolist() for c in goods
                  for s in range(steps)]
        # Every day a unit is in service costs its crew's labour; what it eats or burns costs
        # where it is drawn (trips, waiting, the way home at the end).
        terms += [float((w.labour_per_person_day * crew[m]
                         + money * (wage * crew[m] + net.cost_per_unit_day[m])) * length[s])
                  * mdl.in_service[p, m, s] for p, m, s in home_days]
        per_km = money * net.cost_per_unit_km[legs.mode] * legs.length_km  # [L]
        terms += [float(per_loaded[leg, s] + per_km[leg]) * mdl.loaded[leg, s]
                  for leg, s in loaded_set]
        terms += [float(per_empty[leg, s] + per_km[leg]) * mdl.empty[leg, s]
                  for leg, s in empty_set]
        terms += [float(w.eaten_per_kg * eat_per_day[m]) * mdl.waiting[p, m, s]
                  for p, m, s in at_days]
        terms += [per_way_home(p, m, h) * mdl.going_home[p, m, h] for p, m, h in going_set]
        terms += [float(HAULAGE_COST_PER_KG_KM * legs.length_km[leg]) * mdl.cargo[leg, c, s]
                  for leg, c, s in cargo_set]
        terms += [float(w.taken_per_kg + money * net.price_per_kg[p, c]) * mdl.given[p, c, last]
                  for p, c in gives]
        terms += [RECRUIT_COST_PER_UNIT * mdl.recruited[i] for i in home_days]
        terms += [w.fleet_per_unit * mdl.fleet[m] for m in fleet_modes]
        terms.append(w.max_burden * mdl.max_burden)
        return pyo.quicksum(terms)

    model.cost = pyo.Objective(rule=objective, sense=pyo.minimize)
    return model
