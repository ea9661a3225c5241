"""What a :class:`~supplyline.state.State` means for the LP: right-hand sides and bounds of
the first steps (stocks, units waiting and arriving, units in service, labour owed), what
is left to give, to serve and to carry, and the wounded still to bring to a hospital."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from supplyline.hazards import damage_held
from supplyline.network import Network, WoundedGroup
from supplyline.plan.variables import FloatArray
from supplyline.state import State

__all__ = ["Start", "damage_factor", "network_from", "start_from"]


def network_from(net: Network, state: State | None) -> Network:
    """``net`` with the State's wounded among those the plan brings to a hospital (``net``
    itself when it has none): those at their flow's front arise there in the first step
    (or in the step they reach it, when on the way); those elsewhere (at a depot, on the
    way to one) form a flow of their own from that place, to the same hospitals within the
    same limit. Their limit runs from the day they were wounded: they count as within it
    until then, late after. Those already at one of their hospitals, or arriving after the
    horizon, are left out. Raises ``ValueError`` where the State does not fit ``net``."""
    if state is None:
        return net
    state.check_start(net)
    w = state.wounded
    if not len(w):
        return net
    grid, steps = net.grid, net.steps
    flows = [(g.front, g.hospitals, g.within_days, g.arising.copy(), g.recent.copy())
             for g in net.wounded_groups]
    own: dict[tuple[int, int], int] = {}  # (flow, place) -> the flow of those waiting there
    for i in range(len(w)):
        flow, place, persons = int(w.group[i]), int(w.place[i]), float(w.persons[i])
        front, hospitals, within = flows[flow][:3]
        step = int(grid.of_time(float(w.arrive_in_days[i])))
        if persons <= 0 or hospitals[place] or step >= steps:
            continue
        if place != front:
            if (flow, place) not in own:
                own[(flow, place)] = len(flows)
                flows.append((place, hospitals, within, np.zeros(steps), np.zeros(steps)))
            flow = own[(flow, place)]
        flows[flow][3][step] += persons
        # Within their limit at the end of a step while its last day is fewer than
        # `within` days after the one they were wounded on (as the scenario's own).
        inside = (np.arange(steps) >= step) & (grid.end + w.wounded_days_ago[i] < within)
        flows[flow][4][inside] += persons
    groups = [WoundedGroup(front=front, hospitals=hospitals, within_days=within,
                           arising=arising, recent=recent)
              for front, hospitals, within, arising, recent in flows]
    return dataclasses.replace(net, wounded_groups=groups)


@dataclass(frozen=True)
class Start:
    """Shapes: P places, G goods, M modes, S steps, A arcs."""

    stock_in: FloatArray  # [P, G, S] kg held at the start (step 0) or arriving on the way
    units_in: FloatArray  # [P, M, S] units waiting at the start (step 0) or arriving
    units_landing: FloatArray  # [P, M, S] of them, those arriving from before the start
    unit_days_in: FloatArray  # [P, M, S] their time there in that step, to its end
    in_service: FloatArray  # [P, M] units in service by home at the start
    transit_days: FloatArray  # [M, S] unit-days the units on the way still travel
    labour_days_left: FloatArray  # [P, M] service days owed by the crews in service
    giveable_kg: FloatArray  # [P, C, S] what localities can still give by each step
    labour_people: FloatArray  # [P] persons who can still be asked to serve
    capacity_factor: FloatArray  # [A, S] capacity left, route damage included


def start_from(net: Network, state: State | None) -> Start:
    """The LP's start from ``state`` (the scenario's own start when ``None``)."""
    state = state or State.initial(net)
    state.check_start(net)
    goods = np.array(net.goods, dtype=np.int64)
    grid = net.grid
    n_p, n_m, steps = net.n_places, net.n_modes, net.steps
    stock_in = np.zeros((n_p, goods.size, steps))
    stock_in[:, :, 0] = state.stock_kg[:, goods]
    units_in = np.zeros((n_p, n_m, steps))
    units_in[:, :, 0] = state.units_idle
    unit_days_in = units_in * grid.length[None, None, :]
    transit_days = np.zeros((n_m, steps))
    units_landing = np.zeros((n_p, n_m, steps))
    t = state.transit
    if len(t):
        arrive = np.asarray(grid.of_time(t.arrive_in_days), dtype=np.int64)
        here = arrive < steps
        where = (t.dest[here], t.mode[here], arrive[here])
        np.add.at(units_landing, where, t.units[here])
        units_in += units_landing
        # A unit landing part-way through a step has the rest of it there.
        step = arrive[here]
        left = grid.left_after(t.arrive_in_days[here], step)
        np.add.at(unit_days_in, where, left * t.units[here])
        for g, c in enumerate(goods):
            np.add.at(stock_in[:, g, :], (t.dest[here], arrive[here]), t.cargo_kg[here, c])
        for k, days in grid.overlap(np.zeros(len(t)), t.arrive_in_days):
            np.add.at(transit_days, (t.mode, np.minimum(k, steps - 1)),
                      np.where(k < steps, days * t.units, 0.0))
    giveable = np.maximum(net.giveable_kg - state.given_kg[:, :, None], 0.0)
    giveable = np.where(giveable >= 1e-6, giveable, 0.0)
    people = np.maximum(net.labour_people - state.persons, 0.0)
    factor = net.capacity_factor * damage_factor(net, state)
    return Start(
        stock_in=stock_in,
        units_in=units_in,
        units_landing=units_landing,
        unit_days_in=unit_days_in,
        in_service=state.in_service.copy(),
        transit_days=transit_days,
        labour_days_left=state.labour_days_left.copy(),
        giveable_kg=giveable,
        labour_people=np.where(people >= 1e-6, people, 0.0),
        capacity_factor=factor,
    )


def damage_factor(net: Network, state: State) -> FloatArray:
    """The share of each arc's capacity [A, S] that the damage a State holds
    (``State.route_damage`` for ``State.route_damage_days``) leaves in each step, by the one
    repair rule (:func:`~supplyline.hazards.damage_held`)."""
    left = 1.0 - damage_held(state.route_damage, state.route_damage_days, net.days)  # [R, D]
    return net.grid.mean(left[net.arc_route])
