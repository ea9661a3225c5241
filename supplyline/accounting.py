"""What a trip takes, written once: travel time, food and fuel, room left for cargo, crew-days.

Every per-leg coefficient of the model lives here. The planner's constraints and objective,
the plan's results and summaries (and the simulator) read them from :func:`legs_of`, so they
cannot disagree on the physics.

A *leg* is an (arc, mode) pair the mode may use. A trip leaving in step ``s`` leaves at the
step's start (:func:`departure`) and takes its real travel time in days: movement (length ×
terrain / speed, slowed by the expected rain of the step) plus the mode's loading, unloading
and turnaround time and the stop at the destination. The unit is at its destination from
the step that holds its arrival time on (the same step when the trip is shorter than the
step, so a unit can make several trips in a step). Loads sent during a step leave, on
average, in its middle: the cargo is at the destination from the step that holds that mean
arrival (the same step for a stage shorter than half the step), never before its unit.

The rules (see docs/model.md, "Carriers eat what they carry"):

- A unit's own food for the way rides inside its payload: cargo + rations ≤ payload. A mode
  whose ``return_food`` is ``carried`` also carries the food for the way back and hands it
  over at the destination, where the return leg draws it. So of a payload ``L`` a trip of
  ``T`` days at ``r`` kg a day, whose way back takes ``T_back``, delivers
  ``L − r·(T + k·T_back)``, ``k`` = 1 when the way back is carried; where the way back takes
  as long, a leg longer than ``L / (r·(1 + k))`` delivers nothing.
- Fuel fills a tank (``fuel_tank_kg``) where the trip starts; a leg that needs more than the
  tank holds is not driven. With ``tank_round_trip`` the loaded trip fills for the way back
  too and hands that fuel over where it lands (it stays in the tank), where the trip back
  draws it, as carried food is; every empty trip burns its fuel, a way back or not.
- A unit's time is counted exactly: a trip spends ``T`` unit-days, spread over the steps it
  spans, and a unit in service spends every day either travelling or waiting. Throughput is
  therefore ``units × availability × payload / cycle`` whatever the step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from supplyline.grid import step_of_time
from supplyline.network import Network, empty_trip_fits, fixed_days, trip_days

__all__ = ["Legs", "arrival_steps", "crew_days", "departure", "handling_days", "landed_share",
           "legs_of", "persons_per", "persons_serving", "repair_crew_food", "repair_crew_serving",
           "step_capacity", "time_charges", "trips_on_days", "units_can_be", "waiting_food",
           "waiting_ration", "way_home_kg", "ways_home", "wounded_food", "wounded_on_the_way"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class Legs:
    """Per-leg coefficients. Shapes: L legs, G goods (the network's ``goods``), S steps.
    Amounts are per unit and per trip."""

    arc: IntArray  # [L]
    mode: IntArray  # [L]
    origin: IntArray  # [L] place
    dest: IntArray  # [L] place
    length_km: FloatArray  # [L]
    goods: IntArray  # [G] commodity index of each goods slot
    days_loaded: FloatArray  # [L, S] real days of a loaded trip leaving in step s
    days_empty: FloatArray  # [L, S] real days of an empty (or wounded-carrying) trip
    arrive_loaded: IntArray  # [L, S] step in which the unit arrives (S: after the horizon)
    arrive_empty: IntArray  # [L, S]
    cargo_arrives: IntArray  # [L, S] step from which its cargo is at the destination
    food_loaded: FloatArray  # [L, G, S] eaten on a loaded trip, inside the load
    food_carried_back: FloatArray  # [L, G, S] food for the way back carried out too
    food_way_back: FloatArray  # [L, G, S] eaten on the way back, whoever carries it
    food_empty: FloatArray  # [L, G, S] eaten on an empty trip, drawn where it starts
    fuel_loaded: FloatArray  # [L, G] burned on a loaded trip, filled where it starts
    fuel_carried_back: FloatArray  # [L, G] fuel for the way back filled there too
    fuel_way_back: FloatArray  # [L, G] burned on the way back, wherever it is filled
    fuel_empty: FloatArray  # [L, G] burned on an empty trip, filled where it starts
    cargo_room: FloatArray  # [L, S] payload left for cargo on a loaded trip (kg)
    loaded_ok: BoolArray  # [L, S] a loaded trip can leave in step s
    empty_ok: BoolArray  # [L, S] an empty trip can leave in step s
    wounded_per_unit: FloatArray  # [L]

    @property
    def n(self) -> int:
        return int(self.arc.size)

    @property
    def carried_back(self) -> FloatArray:
        """What a loaded trip takes where it starts for the way back and hands over where it
        lands, food and fuel [L, G, S] per unit."""
        return self.food_carried_back + self.fuel_carried_back[:, :, None]

    def within_step(self) -> tuple[BoolArray, BoolArray]:
        """Whether a loaded and an empty trip leaving in each step arrive within that same
        step [L, S] (so that its unit may set out again before the step ends)."""
        steps = np.arange(self.arrive_loaded.shape[1])[None, :]
        return self.arrive_loaded == steps, self.arrive_empty == steps


def departure(net: Network) -> FloatArray:
    """When a trip leaving in each step leaves [S]: the step's start (days since day 0)."""
    return np.asarray(net.grid.start, dtype=float)


def _closed_during(net: Network, arc: IntArray, begin: FloatArray, end: FloatArray,
                   closed_days: BoolArray | None = None) -> BoolArray:
    """Whether the route of each arc is closed on any day of ``[begin, end]`` [L, S]
    (on the days marked in ``closed_days`` [L, D] when given, else the network's)."""
    closed = (net.closed[arc] if closed_days is None else closed_days).astype(np.int64)
    before = np.concatenate([np.zeros((arc.size, 1), dtype=np.int64), closed.cumsum(axis=1)],
                            axis=1)  # [L, D + 1]: closed days before day d
    first = np.clip(np.floor(begin).astype(np.int64), 0, net.days)
    last = np.clip(np.floor(end).astype(np.int64) + 1, 0, net.days)
    rows = np.arange(arc.size)[:, None]
    return np.asarray(before[rows, last] - before[rows, first] > 0)


def _trip_days(net: Network, arc: IntArray, mode: IntArray, move: FloatArray,
               loaded: bool) -> FloatArray:
    """Real days of a trip leaving in each step [L, S]: movement slowed by the step's expected
    rain, plus handling and turnaround time, plus the stop at the destination."""
    slow = net.grid.mean(net.slowdown[arc])  # [L, S]
    fixed = handling_days(net, arc, mode, loaded)
    return np.asarray(trip_days(move[:, None], slow, fixed[:, None]), dtype=float)


def step_capacity(per_day: FloatArray, factor: FloatArray, step_length: FloatArray
                  ) -> FloatArray:
    """What each arc can take in each step [A, S]: its capacity per day ``per_day`` [A]
    (movements or kg; inf: unlimited) × the share ``factor`` [A, S] left of it (route
    damage, closed days, the safety margin) × the step's days; nothing where nothing is
    left, even of an unlimited capacity. Read by the planner's rows, the plan's days at
    capacity and the resilience model's network.

    >>> step_capacity(np.array([10.0, np.inf]), np.array([[0.5, 0.0], [1.0, 0.0]]),
    ...               np.array([1.0, 4.0])).tolist()
    [[5.0, 0.0], [inf, 0.0]]
    """
    return np.asarray(np.where(factor > 0, per_day[:, None], 0.0) * factor
                      * step_length[None, :], dtype=float)


def arrival_steps(day_step: Any, start: Any, middle: Any, days_loaded: Any, days_empty: Any,
                  xp: Any = np) -> tuple[Any, Any, Any]:
    """The steps in which trips leaving at ``start`` (a step's first day) land, loaded and
    empty, and in which their cargo is at the destination, by the grid's ``day_step``
    (:func:`~supplyline.grid.step_of_time`; any array module ``xp``, any shapes that
    broadcast). Loads sent during a step leave, on average, in its ``middle``: the cargo is
    there from the step that holds that mean arrival (the same step for a stage shorter
    than half the step), never before the unit that carries it. The planner reads it with
    the expected trip days, the simulator with those a run draws."""
    loaded = step_of_time(day_step, start + days_loaded, xp)
    empty = step_of_time(day_step, start + days_empty, xp)
    cargo = xp.maximum(step_of_time(day_step, middle + days_loaded, xp), loaded)
    return loaded, empty, cargo


def handling_days(net: Network, arc: IntArray, mode: IntArray, loaded: bool) -> FloatArray:
    """The part of a trip's days that rain does not stretch [L]: the mode's turnaround, its
    loading and unloading on a loaded trip, and the stop at the destination. A trip lasts
    ``movement days × slowdown + handling_days``."""
    return fixed_days(net.turnaround_days[mode], net.stop_days[net.arc_to[arc]],
                      net.load_days[mode] if loaded else 0.0)


def legs_of(net: Network) -> Legs:
    """The per-leg coefficients of a network on its grid."""
    arc, mode = np.nonzero(net.arc_allows)
    arc = arc.astype(np.int64)
    mode = mode.astype(np.int64)
    grid = net.grid
    goods = np.array(net.goods, dtype=np.int64)
    days_loaded = _trip_days(net, arc, mode, net.move_days_loaded[arc, mode], loaded=True)
    days_empty = _trip_days(net, arc, mode, net.move_days_empty[arc, mode], loaded=False)
    arrive_loaded, arrive_empty, cargo_arrives = arrival_steps(
        grid.day_step, departure(net)[None, :], grid.middle[None, :], days_loaded, days_empty)
    steps = np.arange(grid.steps)[None, :]

    ration = net.rations_kg_per_day[:, goods][mode]  # [L, G]
    # The way back: the empty trip over the same route, or the way home where it is one way.
    back = _way_back_days(net, arc, mode)  # [L, S]
    carried = net.return_carried[mode][:, None, None]
    food_loaded = ration[:, :, None] * days_loaded[:, None, :]
    food_way_back = ration[:, :, None] * back[:, None, :]
    food_carried_back = np.where(carried, food_way_back, 0.0)
    food_empty = ration[:, :, None] * days_empty[:, None, :]

    per_km = net.fuel_kg_per_km[:, goods][mode]  # [L, G]
    length = net.arc_length_km[arc]
    one_way = per_km * length[:, None]
    round_trip = net.tank_round_trip[mode][:, None]
    # (the way back, as the food for it: on a one-way route, the way home)
    fuel_way_back = per_km * _way_back_km(net, arc, mode)[:, None]
    fuel_carried_back = np.where(round_trip, fuel_way_back, 0.0)
    tank = net.fuel_tank_kg[mode]
    payload = net.payload_kg[mode]
    cargo_room = payload[:, None] - food_loaded.sum(axis=1) - food_carried_back.sum(axis=1)

    open_ = steps >= net.open_step[arc][:, None]
    loaded_ok = (
        open_
        & (arrive_loaded < grid.steps)
        & (cargo_arrives < grid.steps)
        & (cargo_room > 1e-9 * payload[:, None])
        & ((one_way + fuel_carried_back).sum(axis=1) <= tank)[:, None]
        & ~_on_closed_days(net, arc, days_loaded)
    )
    empty_ok = (
        open_
        & (arrive_empty < grid.steps)
        & empty_trip_fits(one_way.sum(axis=1)[:, None], food_empty.sum(axis=1), tank[:, None],
                          payload[:, None])
        & ~_on_closed_days(net, arc, days_empty)
    )
    return Legs(
        arc=arc, mode=mode, origin=net.arc_from[arc], dest=net.arc_to[arc], length_km=length,
        goods=goods, days_loaded=days_loaded, days_empty=days_empty,
        arrive_loaded=arrive_loaded, arrive_empty=arrive_empty, cargo_arrives=cargo_arrives,
        food_loaded=food_loaded, food_carried_back=food_carried_back,
        food_way_back=food_way_back, food_empty=food_empty,
        fuel_loaded=one_way, fuel_carried_back=fuel_carried_back, fuel_way_back=fuel_way_back,
        fuel_empty=one_way,
        cargo_room=cargo_room,
        loaded_ok=loaded_ok, empty_ok=empty_ok,
        wounded_per_unit=net.wounded_per_unit[mode],
    )


def units_can_be(legs: Legs, sources: BoolArray) -> BoolArray:
    """Where a unit of each mode can be in each step [P, M, S]: where ``sources`` [P, M, S]
    says units are or arrive from before the start or can be put into service, and from
    there wherever the trips that can leave take them (several in turn within a step, where
    each arrives within it). A unit stays where it is from step to step. No unit can be
    anywhere else, so a trip cannot leave from there."""
    can = sources.copy()
    origin, dest, mode = legs.origin, legs.dest, legs.mode
    steps = can.shape[2]
    kinds = ((legs.arrive_loaded, legs.loaded_ok), (legs.arrive_empty, legs.empty_ok))
    for s in range(steps):
        if s:
            can[:, :, s] |= can[:, :, s - 1]
        grown = True
        while grown:  # trips that arrive within the step take units on within it
            grown = False
            for arrive, ok in kinds:
                leg = np.flatnonzero(ok[:, s] & (arrive[:, s] == s) & can[origin, mode, s]
                                     & ~can[dest, mode, s])
                if leg.size:
                    can[dest[leg], mode[leg], s] = True
                    grown = True
        for arrive, ok in kinds:  # and those that arrive later, from then on
            leg = np.flatnonzero(ok[:, s] & (arrive[:, s] > s) & (arrive[:, s] < steps)
                                 & can[origin, mode, s])
            can[dest[leg], mode[leg], arrive[leg, s]] = True
    return can


def _on_closed_days(net: Network, arc: IntArray, days: FloatArray,
                    closed_days: BoolArray | None = None) -> BoolArray:
    """Whether trips on ``arc`` leaving in each step and lasting ``days`` [L, S] are on their
    route on a closed day (of ``closed_days`` [L, D] when given, else the network's). A
    step's trips leave over the whole step (several a step where they are short), so each is
    on its route from the step's first day to the arrival of one leaving on its last day: a
    route closed on any of those days carries nothing in the step (a 3-day step open on its
    first day only had carried the whole step's trips that day)."""
    first = np.broadcast_to(departure(net)[None, :], days.shape)
    last = (net.grid.start + net.grid.length - 1)[None, :]
    return _closed_during(net, arc, first, last + days, closed_days)


def trips_on_days(net: Network, legs: Legs, days: BoolArray) -> tuple[BoolArray, BoolArray]:
    """Which loaded and empty trips [L, S] are on their way on any of the days marked in
    ``days`` [L, D]: the rule by which a route's closed days forbid a trip
    (:func:`_on_closed_days`), for cuts as for closures."""
    return (_on_closed_days(net, legs.arc, legs.days_loaded, days),
            _on_closed_days(net, legs.arc, legs.days_empty, days))


def way_back_arcs(net: Network, arc: IntArray, mode: IntArray) -> IntArray:
    """The way back of a trip on each leg (arc, mode) [L]: the reverse arc of the same
    route where the mode may use it, -1 where there is none (a one-way route)."""
    reverse = np.full(arc.size, -1, dtype=np.int64)
    by_ends = {(int(f), int(t), int(r)): a for a, (f, t, r) in
               enumerate(zip(net.arc_from, net.arc_to, net.arc_route, strict=True))}
    for i, a in enumerate(arc):
        reverse[i] = by_ends.get((int(net.arc_to[a]), int(net.arc_from[a]),
                                  int(net.arc_route[a])), -1)
    allowed = net.arc_allows[np.maximum(reverse, 0), mode]
    return np.where((reverse >= 0) & allowed, reverse, -1)


def _way_back_days(net: Network, arc: IntArray, mode: IntArray) -> FloatArray:
    """Days of the empty way back after a trip on each leg [L, S]: the empty trip on the
    reverse arc of the same route (:func:`way_back_arcs`), or, on a one-way route, the way
    home from the destination (dry weather; 0 where there is none)."""
    reverse = way_back_arcs(net, arc, mode)
    has = reverse >= 0
    rev = np.maximum(reverse, 0)
    back = _trip_days(net, rev, mode, net.move_days_empty[rev, mode], loaded=False)
    home = np.maximum(net.days_home[net.arc_to[arc], mode], 0.0)
    return np.asarray(np.where(has[:, None], back, home[:, None]), dtype=float)


def landed_share(net: Network, arc: IntArray, mode: IntArray) -> FloatArray:
    """The share of the cargo sent on each leg that lands [L, S by departure step]: all but
    the threats' expected loss on the way. The stock balance lands it, handling unloads it,
    the plan reports it arrived."""
    return np.asarray(1.0 - net.cargo_loss[arc, mode, :], dtype=float)


def _way_back_km(net: Network, arc: IntArray, mode: IntArray) -> FloatArray:
    """Km of the empty way back after a trip on each leg [L], the way :func:`_way_back_days`
    takes: the route itself, or on a one-way route the quickest way home from the
    destination (0 where there is none)."""
    reverse = way_back_arcs(net, arc, mode)
    home = np.zeros(arc.size)
    for i in np.nonzero(reverse < 0)[0]:
        days = net.home_days[mode[i]][net.arc_to[arc[i]]]
        if days.size and np.isfinite(days).any():
            home[i] = float(net.home_km[mode[i]][net.arc_to[arc[i]], int(np.argmin(days))])
    return np.asarray(np.where(reverse >= 0, net.arc_length_km[arc], home), dtype=float)


def ways_home(net: Network) -> list[tuple[FloatArray, FloatArray]]:
    """Per mode, the empty days and km of the way from each place to each of its homes
    [P, H_m] (``Network.homes``), 0 where there is none (no unit may be there at the end).
    A unit still out when the horizon ends pays this way home: its crew's days, their food
    and the fuel."""
    return [
        (np.where(np.isfinite(days), days, 0.0), np.where(np.isfinite(km), km, 0.0))
        for days, km in zip(net.home_days, net.home_km, strict=True)
    ]


def crew_days(net: Network) -> tuple[FloatArray, list[FloatArray]]:
    """The person-days a unit costs its crew (``crew_per_unit`` persons): in each step it
    is in service, travelling or waiting [M, S] (crew × the step's days), and, still out at
    the horizon's end, on its way home, per mode [P, H_m] (crew × the way's days,
    :func:`ways_home`). Read by the labour-days row, a replay's labour, the objective's
    labour, the wages and the plan's labour-days."""
    crew = net.crew_per_unit
    serving = np.asarray(crew[:, None] * net.step_length[None, :], dtype=float)
    home = [np.asarray(crew[m] * days, dtype=float)
            for m, (days, _km) in enumerate(ways_home(net))]
    return serving, home


def way_home_kg(net: Network, goods: IntArray,
                part: Literal["all", "food", "fuel"] = "all") -> list[FloatArray]:
    """Per mode, the food and fuel one unit still out at the end draws for its way home
    [P, H_m, G] (:func:`ways_home`'s days × rations, km × fuel), of the goods slots
    ``goods`` (commodity ids), where it is on the last day; ``part``: only the food (eaten
    on the way) or only the fuel (burned)."""
    rations = net.rations_kg_per_day[:, goods] * (part != "fuel")  # [M, G]
    fuel = net.fuel_kg_per_km[:, goods] * (part != "food")
    return [days[:, :, None] * rations[m] + km[:, :, None] * fuel[m]
            for m, (days, km) in enumerate(ways_home(net))]


def waiting_ration(net: Network, goods: IntArray) -> FloatArray:
    """What a unit-day spent waiting at a place eats there, kg of each goods slot ``goods``
    (commodity ids) per mode [M, G]: the mode's daily ration (``rations_kg_per_day``), the
    same on every day it waits, drawn from that place's stock. The one rule the stock
    balance and the carriers' unfed rows, the objective's charge on waiting and the plan's
    waiting rations (:func:`waiting_food`) read."""
    return np.asarray(net.rations_kg_per_day[:, goods], dtype=float)


def waiting_food(net: Network, goods: IntArray, unit_days: FloatArray) -> FloatArray:
    """What units waiting ``unit_days`` [P, M, S] at each place eat there [P, M, G, S]:
    unit-days × :func:`waiting_ration`.

    >>> from types import SimpleNamespace
    >>> net = SimpleNamespace(rations_kg_per_day=np.array([[0.5, 0.25], [2.0, 0.0]]))
    >>> waiting_food(net, np.array([0, 1]), np.array([[[3.0], [1.0]]]))[0, :, :, 0].tolist()
    [[1.5, 0.75], [2.0, 0.0]]
    """
    return np.asarray(np.einsum("pmd,mg->pmgd", unit_days, waiting_ration(net, goods)),
                      dtype=float)


def persons_per(net: Network) -> tuple[FloatArray, FloatArray]:
    """What a locality's persons serving count: per unit it puts into service, its crew
    [M] (``crew_per_unit``; a unit put into service again counts its crew again), and per
    person-day it gives road works, 1 / the days one of its persons may serve [P]
    (``labour_max_days``). The labour fairness row reads them as its coefficients, the
    plan's persons serving (:func:`persons_serving`) and labour burden through them."""
    return (np.asarray(net.crew_per_unit, dtype=float),
            np.asarray(1.0 / net.labour_max_days, dtype=float))


def persons_serving(net: Network, recruited: FloatArray, road_work_from: FloatArray
                    ) -> tuple[FloatArray, FloatArray]:
    """The persons of each locality who serve [P]: the crews of the units it put into
    service, ``recruited`` [P, M] units over the horizon, and its road workers, of the
    person-days ``road_work_from`` [K, P] it gave each road work, by :func:`persons_per`.

    >>> from types import SimpleNamespace
    >>> net = SimpleNamespace(crew_per_unit=np.array([1.0, 2.0]),
    ...                       labour_max_days=np.array([20.0, 10.0]))
    >>> crews, road = persons_serving(net, np.array([[3.0, 1.0], [0.0, 0.0]]),
    ...                               np.array([[40.0, 5.0]]))
    >>> crews.tolist(), road.tolist()
    ([5.0, 0.0], [2.0, 0.5])
    """
    per_unit, per_road_day = persons_per(net)
    crews = (np.asarray(recruited) * per_unit[None, :]).sum(axis=1)
    road = (np.asarray(road_work_from) * per_road_day[None, :]).sum(axis=0)
    return np.asarray(crews, dtype=float), np.asarray(road, dtype=float)


def labour_ration(net: Network, goods: IntArray | None = None) -> FloatArray:
    """What a person-day of road work or route repair eats, kg of each good [G] (the
    network's ``goods`` unless given): ``policy.labour_rations_kg_per_day``. Road workers
    draw it at their work's ``fed_at`` place, repair crews at their route's ``from``."""
    if goods is None:
        goods = np.array(net.goods, dtype=np.int64)
    return np.asarray(net.labour_rations_kg_per_day[goods], dtype=float)


def repair_crew_serving(net: Network) -> FloatArray:
    """The person-days each route's repair crew serves in each step [R, S]: its persons ×
    the step's days, every step from the one its route opens (``open_from``; a route
    opening within a step is used from the next one, ``Network.route_open_step``), none
    before: a crew keeps a route that is there, and the work of building one is a road
    work's."""
    serving = np.arange(net.step_length.size)[None, :] >= net.route_open_step[:, None]
    return np.asarray(net.repair_crew_people[:, None] * net.step_length[None, :] * serving,
                      dtype=float)


def repair_crew_days(net: Network) -> float:
    """The person-days the route repair crews serve over the horizon (labour-days, wages
    and the replays' labour floor read it): :func:`repair_crew_serving`, summed."""
    return float(repair_crew_serving(net).sum())


def repair_crew_food(net: Network) -> FloatArray:
    """What the route repair crews eat in full in each step [R, G, S]: the person-days
    they serve (:func:`repair_crew_serving`) × :func:`labour_ration`, drawn from the stock
    at each route's ``from`` place (``Network.repair_fed_at``)."""
    return np.asarray(repair_crew_serving(net)[:, None, :] * labour_ration(net)[None, :, None],
                      dtype=float)


def wounded_food(net: Network, legs: Legs) -> tuple[FloatArray, FloatArray]:
    """What one wounded person eats: waiting through each step [G, S], and carried on a trip
    leaving in each step [L, G, S] (taken where the trip starts)."""
    ration = net.wounded_rations_kg_per_day[legs.goods]  # [G]
    waiting = ration[:, None] * net.step_length[None, :]
    carried = ration[None, :, None] * legs.days_empty[:, None, :]
    return np.asarray(waiting, dtype=float), np.asarray(carried, dtype=float)


def wounded_on_the_way(net: Network, legs: Legs, hospitals: BoolArray
                       ) -> list[tuple[int, FloatArray]]:
    """The share of the wounded carried along each leg in step ``s`` [L, S] who are still on
    the way at the end of step ``s + k``, as a list of ``(k, share)``: what their time limit
    is checked against.

    The wounded arise over a step, and none leaves before he arises: those carried in a step
    leave evenly over it, and travel the leg's empty days. That is the share counted on legs
    into one of their ``hospitals`` [P] (charged from the step's start, as units' trips are,
    a 1.8-day carry had met a limit of 1 day). On a leg into another place they are counted
    until the step the wounded balance lands them in (``legs.arrive_empty``, from the step's
    start): where they land within a step they may go on in it, on the next leg, and are
    counted there, not twice; one who lands on a step's last instant is counted on the way
    at its end, not nowhere."""
    ends = (net.step_start + net.step_length).astype(float)  # [S]
    length = net.step_length[None, :]
    step = np.arange(net.steps)[None, :]
    until = departure(net)[None, :] + legs.days_empty  # [L, S] landing, left at the start
    last = np.maximum(np.searchsorted(ends, until + length, side="left"), legs.arrive_empty)
    lag = int(np.max(last - step, initial=0))
    to_hospital = hospitals[legs.dest][:, None]
    out: list[tuple[int, FloatArray]] = []
    for k in range(lag + 1):
        end = ends[np.minimum(step + k, net.steps - 1)]
        spread = np.clip((until + length - end) / length, 0.0, 1.0)
        landed = legs.arrive_empty <= step + k  # where the wounded balance has them
        out.append((k, np.where(to_hospital, spread, (~landed).astype(float))))
    return out


def time_charges(net: Network, days: FloatArray) -> list[tuple[int, FloatArray]]:
    """The unit-days a trip leaving in step ``s`` and lasting ``days`` [L, S] spends in step
    ``s + k``, as a list of ``(k, days_in_that_step [L, S])``. They add up to the trip's days
    (cut at the horizon's end)."""
    depart = np.broadcast_to(departure(net)[None, :], days.shape)
    return net.grid.overlap(depart, depart + days)
