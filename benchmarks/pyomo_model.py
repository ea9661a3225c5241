"""The planning LP written again with Pyomo, as a peer for speed and a check of correctness.

The model is built from the same :class:`~supplyline.network.Network` arrays as
:func:`supplyline.plan.model.build_lp`, constraint family by constraint family, in the way a
Pyomo user would write it: index sets as lists of tuples, variables indexed by them, and one
rule per family that sums the terms of each row. Nothing is taken from ``supplyline.plan``: the
index sets are derived here again, so that agreeing objectives check both formulations.

It covers the features the synthetic scenarios use (see
:mod:`supplyline.scenario.synthetic`): cargo within payload, route movements and tonnage,
fleet balance with recruitment and release, recruitment so far (which carries the bound on
owned carriers), stock balance with rations, fuel, spoilage, expected cargo loss and the
way-home charge, giving that never shrinks within what a locality can give, labour and food
fairness, the running balance of labour days, reserve targets and the objective. Wounded,
road works, repair crews, routes that open late and replays are refused.

Pyomo is a benchmark-only dependency: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pyomo.environ as pyo

from supplyline.network import Network
from supplyline.plan.model import HAULAGE_COST_PER_KG_KM, RECRUIT_COST_PER_UNIT

__all__ = ["build_pyomo_model", "unsupported_features"]


def unsupported_features(net: Network) -> list[str]:
    """The features of ``net`` this peer does not model (empty when it models them all)."""
    found = []
    if net.wounded is not None:
        found.append("a wounded commodity")
    if net.road_works:
        found.append("road works")
    if (net.repair_crew_people > 0).any():
        found.append("repair crews")
    if (net.open_step > 0).any():
        found.append("routes that open late")
    if (net.step_length != 1).any():
        found.append("planning steps longer than a day")
    return found


def _bound(value: float) -> float | None:
    return None if not np.isfinite(value) else float(value)


def build_pyomo_model(net: Network) -> pyo.ConcreteModel:
    """The planning LP of ``net`` as a Pyomo model (minimize ``model.cost``)."""
    missing = unsupported_features(net)
    if missing:
        raise ValueError("the Pyomo peer does not model " + ", ".join(missing))
    sc = net.scenario
    weights = sc.policy.weights
    days = net.steps
    last = days - 1
    goods = net.goods
    n_p, n_m = net.n_places, net.n_modes
    is_locality = net.is_locality

    # -- index sets ---------------------------------------------------------------------------
    legs = [(int(a), int(m)) for a, m in zip(*np.nonzero(net.arc_allows), strict=True)]
    leg_from = [int(net.arc_from[a]) for a, _ in legs]
    leg_to = [int(net.arc_to[a]) for a, _ in legs]
    go = [int(net.travel_days_loaded[a, m]) for a, m in legs]
    back = [int(net.travel_days_empty[a, m]) for a, m in legs]
    loaded_set = [(leg, t) for leg in range(len(legs)) for t in range(days - go[leg])]
    empty_set = [(leg, t) for leg in range(len(legs)) for t in range(days - back[leg])]
    cargo_set = [(leg, g, t) for leg, t in loaded_set for g in goods]

    present = np.zeros((n_p, n_m), dtype=bool)
    for leg, (_, m) in enumerate(legs):
        present[leg_from[leg], m] = present[leg_to[leg], m] = True
    place_modes = [(p, m) for p in range(n_p) for m in range(n_m) if present[p, m]]
    recruits = [
        (p, m)
        for p, m in place_modes
        if is_locality[p]
        and (net.carriers_owned[p, m] > 0 if net.owned_units[m] else net.labour_people[p] > 0)
    ]
    releases = [(p, m) for p, m in place_modes if is_locality[p]]
    gives = [(p, g) for p in range(n_p) for g in goods if net.giveable_kg[p, g, last] > 0]
    eats = [
        (p, g, t) for p in range(n_p) for g in goods for t in range(days)
        if net.demand_kg[p, g, t] > 0
    ]

    model = pyo.ConcreteModel(name=sc.name)
    model.loaded = pyo.Var(loaded_set, domain=pyo.NonNegativeReals)
    model.empty = pyo.Var(empty_set, domain=pyo.NonNegativeReals)
    model.cargo = pyo.Var(cargo_set, domain=pyo.NonNegativeReals)

    def idle_bounds(_: Any, p: int, m: int, t: int) -> tuple[float, float | None]:
        return (0.0, 0.0 if t == last and net.days_home[p, m] < 0 else None)

    model.idle = pyo.Var(
        [(p, m, t) for p, m in place_modes for t in range(days)], bounds=idle_bounds
    )
    recruit_days = [(p, m, t) for p, m in recruits for t in range(days)]
    model.recruited = pyo.Var(recruit_days, domain=pyo.NonNegativeReals)
    # Units recruited so far (a running total): owned units are bounded by what a place owns.
    model.recruited_so_far = pyo.Var(
        recruit_days,
        bounds=lambda _, p, m, t: (
            0.0, float(net.carriers_owned[p, m]) if net.owned_units[m] else None
        ),
    )
    model.released = pyo.Var(
        [(p, m, t) for p, m in releases for t in range(days)], domain=pyo.NonNegativeReals
    )
    model.stock = pyo.Var(
        [(p, g, t) for p in range(n_p) for g in goods for t in range(days)],
        domain=pyo.NonNegativeReals,
    )
    model.given = pyo.Var(
        [(p, g, t) for p, g in gives for t in range(days)],
        bounds=lambda _, p, g, t: (0.0, _bound(float(net.giveable_kg[p, g, t]))),
    )
    model.consumed = pyo.Var(eats, bounds=lambda _, p, g, t: (0.0, float(net.demand_kg[p, g, t])))
    model.reserve_short = pyo.Var(range(len(net.reserve_targets)), domain=pyo.NonNegativeReals)
    model.labour_days_left = pyo.Var(range(days), domain=pyo.NonNegativeReals)
    burden_cap = 1.0 if sc.policy.max_burden is None else sc.policy.max_burden
    model.max_burden = pyo.Var(bounds=(0.0, burden_cap))

    # Lookups the rules read: legs by place and mode, arrivals by day.
    loaded_ok = set(loaded_set)
    empty_ok = set(empty_set)
    legs_out: dict[tuple[int, int], list[int]] = defaultdict(list)
    legs_in: dict[tuple[int, int], list[int]] = defaultdict(list)
    legs_on_arc: dict[int, list[int]] = defaultdict(list)
    for leg, (a, m) in enumerate(legs):
        legs_out[leg_from[leg], m].append(leg)
        legs_in[leg_to[leg], m].append(leg)
        legs_on_arc[a].append(leg)
    modes_at: dict[int, list[int]] = defaultdict(list)
    for p, m in place_modes:
        modes_at[p].append(m)
    recruit_ok = set(recruits)
    release_ok = set(releases)
    give_ok = set(gives)
    eat_ok = set(eats)

    # -- constraint families ------------------------------------------------------------------
    payload = net.payload_kg

    def cargo_within_payload(mdl: Any, leg: int, t: int) -> Any:
        load = pyo.quicksum(mdl.cargo[leg, g, t] for g in goods)
        return load - float(payload[legs[leg][1]]) * mdl.loaded[leg, t] <= 0

    model.cargo_within_payload = pyo.Constraint(loaded_set, rule=cargo_within_payload)

    limited_moves = [
        (int(a), t) for a in np.nonzero(np.isfinite(net.capacity_movements))[0]
        for t in range(days)
    ]

    def route_movements(mdl: Any, a: int, t: int) -> Any:
        terms = []
        for leg in legs_on_arc[a]:
            use = float(net.road_use[legs[leg][1]])
            if (leg, t) in loaded_ok:
                terms.append(use * mdl.loaded[leg, t])
            if (leg, t) in empty_ok:
                terms.append(use * mdl.empty[leg, t])
        if not terms:
            return pyo.Constraint.Skip
        cap = float(net.capacity_movements[a] * net.capacity_factor[a, t])
        return pyo.quicksum(terms) <= cap

    model.route_movements = pyo.Constraint(limited_moves, rule=route_movements)

    limited_kg = [
        (int(a), t) for a in np.nonzero(np.isfinite(net.capacity_kg))[0] for t in range(days)
    ]

    def route_tonnage(mdl: Any, a: int, t: int) -> Any:
        terms = [
            mdl.cargo[leg, g, t] for leg in legs_on_arc[a] if (leg, t) in loaded_ok for g in goods
        ]
        if not terms:
            return pyo.Constraint.Skip
        return pyo.quicksum(terms) <= float(net.capacity_kg[a] * net.capacity_factor[a, t])

    model.route_tonnage = pyo.Constraint(limited_kg, rule=route_tonnage)

    def fleet_balance(mdl: Any, p: int, m: int, t: int) -> Any:
        expr = mdl.idle[p, m, t]
        if t > 0:
            expr -= mdl.idle[p, m, t - 1]
        if (p, m) in recruit_ok:
            expr -= mdl.recruited[p, m, t]
        if (p, m) in release_ok:
            expr += mdl.released[p, m, t]
        for leg in legs_out[p, m]:
            if (leg, t) in loaded_ok:
                expr += mdl.loaded[leg, t]
            if (leg, t) in empty_ok:
                expr += mdl.empty[leg, t]
        for leg in legs_in[p, m]:
            if (leg, t - go[leg]) in loaded_ok:
                expr -= mdl.loaded[leg, t - go[leg]]
            if (leg, t - back[leg]) in empty_ok:
                expr -= mdl.empty[leg, t - back[leg]]
        return expr == 0

    model.fleet_balance = pyo.Constraint(
        [(p, m, t) for p, m in place_modes for t in range(days)], rule=fleet_balance
    )

    keep = 1.0 - net.decay_per_day
    rations = net.rations_kg_per_day
    fuel = net.fuel_kg_per_km
    home_days = np.maximum(net.days_home, 0)

    def trip_kg(leg: int, g: int, travel: int) -> float:
        """Rations for the trip and fuel for its length, per unit, drawn where it starts."""
        a, m = legs[leg]
        return float(rations[m, g] * travel + fuel[m, g] * net.arc_length_km[a])

    def stock_balance(mdl: Any, p: int, g: int, t: int) -> Any:
        expr = mdl.stock[p, g, t]
        if t > 0:
            expr -= float(keep[g]) * mdl.stock[p, g, t - 1]
        if (p, g) in give_ok:
            expr -= mdl.given[p, g, t]
            if t > 0:
                expr += mdl.given[p, g, t - 1]
        for m in modes_at[p]:
            for leg in legs_out[p, m]:
                if (leg, t) in loaded_ok:
                    expr += mdl.cargo[leg, g, t]
                    if trip_kg(leg, g, go[leg]) != 0:
                        expr += trip_kg(leg, g, go[leg]) * mdl.loaded[leg, t]
                if (leg, t) in empty_ok and trip_kg(leg, g, back[leg]) != 0:
                    expr += trip_kg(leg, g, back[leg]) * mdl.empty[leg, t]
            for leg in legs_in[p, m]:
                sent = t - go[leg]
                if (leg, sent) in loaded_ok:
                    a, _ = legs[leg]
                    expr -= float(1.0 - net.cargo_loss[a, m, sent]) * mdl.cargo[leg, g, sent]
            eat = float(rations[m, g])
            if t == last:
                eat += float(home_days[p, m] * rations[m, g] + net.km_home[p, m] * fuel[m, g])
            if eat != 0:
                expr += eat * mdl.idle[p, m, t]
        if (p, g, t) in eat_ok:
            expr += mdl.consumed[p, g, t]
        initial = float(net.initial_stock_kg[p, g]) if t == 0 else 0.0
        return expr == initial

    model.stock_balance = pyo.Constraint(
        [(p, g, t) for p in range(n_p) for g in goods for t in range(days)], rule=stock_balance
    )

    def giving_never_shrinks(mdl: Any, p: int, g: int, t: int) -> Any:
        return mdl.given[p, g, t] - mdl.given[p, g, t - 1] >= 0

    model.giving_never_shrinks = pyo.Constraint(
        [(p, g, t) for p, g in gives for t in range(1, days)], rule=giving_never_shrinks
    )

    crew = net.crew_per_unit

    def recruitment_so_far(mdl: Any, p: int, m: int, t: int) -> Any:
        expr = mdl.recruited_so_far[p, m, t] - mdl.recruited[p, m, t]
        if t > 0:
            expr -= mdl.recruited_so_far[p, m, t - 1]
        return expr == 0

    model.recruitment_so_far = pyo.Constraint(recruit_days, rule=recruitment_so_far)

    def labour_fairness(mdl: Any, p: int) -> Any:
        people = pyo.quicksum(
            float(crew[m]) * mdl.recruited_so_far[p, m, last]
            for m in modes_at[p] if (p, m) in recruit_ok and crew[m] != 0
        )
        return people - float(net.labour_people[p]) * mdl.max_burden <= 0

    model.labour_fairness = pyo.Constraint(
        [int(p) for p in np.nonzero(net.labour_people > 0)[0]], rule=labour_fairness
    )

    could = net.giveable_kg[:, goods, last].sum(axis=1)

    def food_fairness(mdl: Any, p: int) -> Any:
        given = pyo.quicksum(mdl.given[p, g, last] for g in goods if (p, g) in give_ok)
        return given - float(could[p]) * mdl.max_burden <= 0

    model.food_fairness = pyo.Constraint(
        [int(p) for p in np.nonzero(could > 0)[0]], rule=food_fairness
    )

    # Service days: a running balance per day. Persons recruited bring the days they may
    # serve; crew-days spend them (a trip's all on the day it leaves; units idle on the last
    # day also their way home). The balance never goes negative.
    idle_by_day: dict[int, list[tuple[int, int]]] = {t: place_modes for t in range(days)}
    loaded_by_day: dict[int, list[int]] = defaultdict(list)
    empty_by_day: dict[int, list[int]] = defaultdict(list)
    for leg, t in loaded_set:
        loaded_by_day[t].append(leg)
    for leg, t in empty_set:
        empty_by_day[t].append(leg)

    def labour_days(mdl: Any, t: int) -> Any:
        expr = mdl.labour_days_left[t]
        if t > 0:
            expr -= mdl.labour_days_left[t - 1]
        expr += pyo.quicksum(
            float(crew[m] * (1 + (home_days[p, m] if t == last else 0))) * mdl.idle[p, m, t]
            for p, m in idle_by_day[t] if crew[m] != 0
        )
        expr += pyo.quicksum(float(crew[legs[leg][1]] * go[leg]) * mdl.loaded[leg, t]
                             for leg in loaded_by_day[t])
        expr += pyo.quicksum(float(crew[legs[leg][1]] * back[leg]) * mdl.empty[leg, t]
                             for leg in empty_by_day[t])
        expr -= pyo.quicksum(
            float(net.labour_max_days[p] * crew[m]) * mdl.recruited[p, m, t]
            for p, m in recruits if crew[m] != 0
        )
        return expr == 0

    model.labour_days = pyo.Constraint(range(days), rule=labour_days)

    def reserve_target(mdl: Any, i: int) -> Any:
        p, c, t, kg = net.reserve_targets[i]
        return mdl.stock[p, c, t] + mdl.reserve_short[i] >= kg

    model.reserve_target = pyo.Constraint(range(len(net.reserve_targets)), rule=reserve_target)

    # -- objective: shortfall first, then the burden on the population, then fairness -----------
    eat_per_day = rations[:, goods].sum(axis=1)
    fuel_per_km = fuel[:, goods].sum(axis=1)

    def per_trip(leg: int, travel: int) -> float:
        a, m = legs[leg]
        return float(
            weights.labour_per_person_day * crew[m] * travel
            + weights.eaten_per_kg
            * (eat_per_day[m] * travel + fuel_per_km[m] * net.arc_length_km[a])
        )

    def objective(mdl: Any) -> Any:
        per_idle_day = weights.labour_per_person_day * crew + weights.eaten_per_kg * eat_per_day
        cost = -weights.shortfall_per_kg * pyo.quicksum(mdl.consumed[i] for i in eats)
        short = pyo.quicksum(mdl.reserve_short[i] for i in mdl.reserve_short)
        cost += weights.shortfall_per_kg * short
        cost += pyo.quicksum(per_trip(leg, go[leg]) * mdl.loaded[leg, t] for leg, t in loaded_set)
        cost += pyo.quicksum(per_trip(leg, back[leg]) * mdl.empty[leg, t] for leg, t in empty_set)
        cost += pyo.quicksum(
            float(
                per_idle_day[m]
                + (per_idle_day[m] * home_days[p, m]
                   + weights.eaten_per_kg * fuel_per_km[m] * net.km_home[p, m]
                   if t == last else 0.0)
            )
            * mdl.idle[p, m, t]
            for p, m, t in mdl.idle
        )
        cost += pyo.quicksum(
            float(HAULAGE_COST_PER_KG_KM * net.arc_length_km[legs[leg][0]]) * mdl.cargo[leg, g, t]
            for leg, g, t in cargo_set
        )
        cost += weights.taken_per_kg * pyo.quicksum(mdl.given[p, g, last] for p, g in gives)
        cost += RECRUIT_COST_PER_UNIT * pyo.quicksum(mdl.recruited[i] for i in mdl.recruited)
        cost += weights.max_burden * mdl.max_burden
        return cost

    model.cost = pyo.Objective(rule=objective, sense=pyo.minimize)
    return model
