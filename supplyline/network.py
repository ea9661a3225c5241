"""A scenario compiled to index arrays: the one representation planner, simulator and
resilience code read.

Indices: places ``p``, directed arcs ``a`` (a two-way route gives two arcs), modes ``m``,
commodities ``c`` and days ``t`` (0 is the scenario's ``start_date``). Every array is NumPy;
nothing here refers back to the pydantic objects except ``scenario`` (kept for names).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from supplyline.scenario.schema import Route, Scenario
from supplyline.scenario.series import demand_kg_per_day, series_over_horizon

__all__ = ["Network", "RoadWorkTask", "compile_network", "travel_days"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

PLACE_KINDS = ("locality", "depot", "junction", "front", "hospital")


def travel_days(length_km: float, terrain_factor: float, speed_km_per_day: float) -> int:
    """Whole days a trip takes: ``ceil(length × terrain / speed)``, at least one day.

    >>> travel_days(100.0, 1.0, 25.0)
    4
    >>> travel_days(101.0, 1.0, 25.0)
    5
    """
    exact = length_km * terrain_factor / speed_km_per_day
    return max(1, math.ceil(exact - 1e-9))


@dataclass(frozen=True)
class RoadWorkTask:
    """Road work compiled to indices: ``crew_days`` of labour in steps
    ``start_step..by_step``, fed from the stock at place ``fed_at``."""

    route: int
    fed_at: int
    crew_days: float
    start_step: int
    by_step: int


@dataclass(frozen=True)
class Network:
    """A scenario as arrays. Shapes are given in brackets: P places, A arcs, M modes,
    C commodities, S planning steps, R routes.

    Time runs in steps: one day each for the policy's ``daily_start_days``, then
    ``step_days`` days each (the last may be shorter); ``step_length`` and ``step_start`` give
    each step's days. Amounts per step (demand, wounded, capacity) are sums over its days;
    rations and speeds stay per day and travel stays in days. Compiled with ``step_days=1``
    every step is a day, whatever the scenario's policy says.
    """

    scenario: Scenario
    steps: int
    step_days: int  # days in the longest step
    step_length: FloatArray  # [S] days in each step
    step_start: IntArray  # [S] first day of each step (0 is the start date)
    place_ids: list[str]
    place_kind: list[str]
    lat: FloatArray  # [P] degrees
    lon: FloatArray  # [P] degrees
    place_regions: list[frozenset[str]]
    population: FloatArray  # [P] persons
    labour_people: FloatArray  # [P] persons able to serve (share × population)
    labour_max_days: FloatArray  # [P] days one person may serve
    carriers_owned: FloatArray  # [P, M] units
    initial_stock_kg: FloatArray  # [P, C] campaign stock at depots, junctions, fronts, hospitals
    giveable_kg: FloatArray  # [P, C, S] most a locality can have given by the end of step s

    commodity_ids: list[str]
    decay_per_day: FloatArray  # [C]
    wounded: int | None  # index of the commodity counted in persons, if any

    mode_ids: list[str]
    payload_kg: FloatArray  # [M]
    crew_per_unit: FloatArray  # [M] persons
    rations_kg_per_day: FloatArray  # [M, C] per unit
    fuel_kg_per_km: FloatArray  # [M, C] per unit (non-zero in the fuel commodity's column)
    road_use: FloatArray  # [M]
    wounded_per_unit: FloatArray  # [M] persons
    owned_units: BoolArray  # [M] units limited by carriers owned
    night_only: BoolArray  # [M]

    route_ids: list[str]
    route_names: list[str]
    arc_route: IntArray  # [A]
    arc_from: IntArray  # [A]
    arc_to: IntArray  # [A]
    arc_length_km: FloatArray  # [A]
    arc_allows: BoolArray  # [A, M]
    travel_days_loaded: IntArray  # [A, M]
    travel_days_empty: IntArray  # [A, M]
    days_home: IntArray  # [P, M] empty travel days to the nearest locality (-1: none reachable)
    km_home: FloatArray  # [P, M] km of that way home (fuel for it)
    capacity_movements: FloatArray  # [A] per day (inf: unlimited)
    capacity_kg: FloatArray  # [A] per day (inf: unlimited)
    open_step: IntArray  # [A] first usable step
    capacity_factor: FloatArray  # [A, S] expected share of capacity left by threats
    cargo_loss: FloatArray  # [A, M, S] expected share of cargo destroyed on a trip leaving in s

    demand_kg: FloatArray  # [P, C, S] kg wanted in each step
    reserve_targets: list[tuple[int, int, int, float]]  # (place, commodity, step, kg)
    wounded_arising: FloatArray  # [P, S] persons wounded at fronts in each step
    wounded_recent: FloatArray  # [S] persons wounded within their evacuation limit of a step's end
    is_hospital: BoolArray  # [P]
    road_works: list[RoadWorkTask]
    repair_crew_people: FloatArray  # [R] persons kept on each route
    repair_fed_at: IntArray  # [R] place whose stock feeds them
    labour_rations_kg_per_day: FloatArray  # [C] per road, repair or stretcher worker
    route_index: dict[str, int] = field(repr=False)

    @property
    def n_places(self) -> int:
        return len(self.place_ids)

    @property
    def n_arcs(self) -> int:
        return int(self.arc_from.size)

    @property
    def n_modes(self) -> int:
        return len(self.mode_ids)

    @property
    def n_commodities(self) -> int:
        return len(self.commodity_ids)

    @property
    def goods(self) -> list[int]:
        """Indices of the commodities counted in kg (everything but the wounded)."""
        return [c for c in range(self.n_commodities) if c != self.wounded]

    def kept_share(self, commodities: IntArray | list[int]) -> FloatArray:
        """Share of a stock that has not spoiled after each step [C', S]."""
        keep = 1.0 - self.decay_per_day[np.asarray(commodities, dtype=np.int64)]
        return np.asarray(keep[:, None] ** self.step_length[None, :], dtype=float)

    @property
    def is_locality(self) -> BoolArray:
        return np.array([k == "locality" for k in self.place_kind])

    @property
    def is_front(self) -> BoolArray:
        return np.array([k == "front" for k in self.place_kind])

    def places_in_regions(self, regions: list[str], exclude: list[str] | None = None) -> BoolArray:
        """Localities tagged with any of ``regions`` (all localities when empty), minus those
        tagged with any of ``exclude``."""
        wanted = set(regions)
        unwanted = set(exclude or [])
        return np.array(
            [
                kind == "locality"
                and (not wanted or bool(tags & wanted))
                and not (tags & unwanted)
                for kind, tags in zip(self.place_kind, self.place_regions, strict=True)
            ]
        )


def _route_arcs(route: Route, index: int) -> list[tuple[int, bool]]:
    arcs = [(index, True)]
    if not route.one_way:
        arcs.append((index, False))
    return arcs


def _threat_factors(
    sc: Scenario, routes: list[Route], night_only: BoolArray
) -> tuple[FloatArray, FloatArray]:
    """Expected capacity left [R, D] and expected cargo loss [R, M, D] per route.

    A strike (probability ``p`` a day) takes ``lost`` of the capacity for ``repair_days``
    days, so on average ``p × lost × repair_days`` of it is missing; a rain day (probability
    ``q``) multiplies capacity by ``factor``, so ``1 - q × (1 - factor)`` is left on average.
    Cargo on the route that day is lost with probability ``p`` in share ``destroyed``.
    """
    days, n_routes, n_modes = sc.days, len(routes), night_only.size
    lost = np.zeros((n_routes, days))
    loss_day = np.zeros((n_routes, days))
    loss_night = np.zeros((n_routes, days))
    keys = {r.key: i for i, r in enumerate(routes)}
    repair = np.array([r.repair_days for r in routes])
    for threat in sc.threats.air:
        chosen = [keys[k] for k in threat.routes] if threat.routes else [
            i for i, r in enumerate(routes) if r.air_exposed
        ]
        chosen = [i for i in chosen if routes[i].air_exposed]
        for window in threat.windows:
            lo = max(0, sc.day_index(window.start))
            hi = min(days - 1, sc.day_index(window.end))
            if lo > hi:
                continue
            for i in chosen:
                lost[i, lo : hi + 1] += (
                    window.day_probability * threat.capacity_lost_fraction * repair[i]
                )
                loss_day[i, lo : hi + 1] += window.day_probability * threat.cargo_destroyed_fraction
                loss_night[i, lo : hi + 1] += (
                    window.night_probability * threat.cargo_destroyed_fraction
                )
    place_tags = {p.id: set(p.regions) for p in sc.places}
    for raid in sc.threats.sabotage:
        probability = raid.probability_per_day * (1.0 - raid.protection)
        for i, r in enumerate(routes):
            if (place_tags[r.from_] | place_tags[r.to]) & set(raid.regions):
                lost[i] += probability * raid.capacity_lost_fraction * repair[i]
                loss_day[i] += probability * raid.cargo_destroyed_fraction
                loss_night[i] += probability * raid.cargo_destroyed_fraction
    left = np.clip(1.0 - lost, 0.0, 1.0)
    for spell in sc.threats.rain:
        lo = max(0, sc.day_index(spell.start))
        hi = min(days - 1, sc.day_index(spell.end))
        if lo <= hi:
            left[:, lo : hi + 1] *= 1.0 - spell.probability_per_day * (1.0 - spell.capacity_factor)
    left *= 1.0 - sc.policy.capacity_safety_margin
    loss = np.where(night_only[None, :, None], loss_night[:, None, :], loss_day[:, None, :])
    return left, np.clip(loss, 0.0, 1.0) * np.ones((n_routes, n_modes, days))


def _giveable(sc: Scenario, commodity_ids: list[str]) -> FloatArray:
    """Most each locality can have given of each commodity by the end of each day.

    Its stores plus what it produced so far, minus what its people keep to live, and never so
    much that it would fall below subsistence on a later day of the horizon: a running minimum
    taken backwards in time.
    """
    days = sc.days
    elapsed = np.arange(1, days + 1, dtype=float)
    out = np.zeros((len(sc.places), len(commodity_ids), days))
    for p, place in enumerate(sc.places):
        if place.kind != "locality":
            continue
        for c, cid in enumerate(commodity_ids):
            keep = place.population * sc.policy.subsistence_kg_per_person_day.get(cid, 0.0)
            surplus = (
                place.stock_kg.get(cid, 0.0)
                + (place.production_kg_per_day.get(cid, 0.0) - keep) * elapsed
            )
            can = np.minimum.accumulate(surplus[::-1])[::-1]
            out[p, c] = np.where(can >= 1e-6, can, 0.0)
    return out


def shortest_days(
    origin: IntArray, dest: IntArray, weight: FloatArray, n_places: int, targets: IntArray
) -> FloatArray:
    """Least total ``weight`` from each place to the nearest of ``targets`` over directed
    edges ``origin → dest`` (inf where none is reachable). Parallel edges keep their least
    weight (a sparse matrix would add them up)."""
    if targets.size == 0 or origin.size == 0:
        out = np.full(n_places, np.inf)
        out[targets] = 0.0
        return out
    key = dest.astype(np.int64) * n_places + origin
    order = np.lexsort((weight, key))
    first = np.ones(order.size, dtype=bool)
    first[1:] = key[order][1:] != key[order][:-1]
    pick = order[first]
    graph = csr_matrix((weight[pick], (dest[pick], origin[pick])), shape=(n_places, n_places))
    return np.asarray(dijkstra(graph, directed=True, indices=targets, min_only=True))


def _way_home(
    arc_from: IntArray, arc_to: IntArray, allows: BoolArray, cost: FloatArray,
    is_locality: BoolArray,
) -> FloatArray:
    """Shortest way from each place to the nearest locality per mode, measured by ``cost``
    [A, M] (empty travel days, or km); -1 where no locality can be reached.

    Carriers still out when the horizon ends must walk (or drive) home; the planner charges
    them the rations and fuel of that last trip.
    """
    n_p, n_m = is_locality.size, allows.shape[1]
    out = np.full((n_p, n_m), -1.0)
    homes = np.nonzero(is_locality)[0]
    for m in range(n_m):
        use = allows[:, m]
        if not use.any() or homes.size == 0:
            out[homes, m] = 0
            continue
        dist = shortest_days(arc_from[use], arc_to[use], cost[use, m], n_p, homes)
        reachable = np.isfinite(dist)
        out[reachable, m] = dist[reachable]
    return out


class _Steps:
    """The horizon's days grouped into planning steps: one day each for the first ``daily``
    days, then ``size`` days each (the last may be shorter)."""

    def __init__(self, days: int, size: int, daily: int = 0) -> None:
        daily = min(daily, days) if size > 1 else days
        self.start = np.concatenate(
            [np.arange(daily), np.arange(daily, days, size)]
        ).astype(np.int64)
        self.length = np.diff(np.append(self.start, days)).astype(float)
        self.end = self.start + self.length.astype(np.int64) - 1

    def total(self, daily: FloatArray) -> FloatArray:
        """Sum over each step's days (last axis)."""
        return np.asarray(np.add.reduceat(daily, self.start, axis=-1), dtype=float)

    def mean(self, daily: FloatArray) -> FloatArray:
        """Mean over each step's days (last axis)."""
        return np.asarray(self.total(daily) / self.length, dtype=float)

    def of_day(self, day: int) -> int:
        """The step that contains ``day``."""
        return int(np.searchsorted(self.start, day, side="right")) - 1

    def first_from(self, day: int) -> int:
        """The first step that starts on or after ``day``."""
        return int(np.searchsorted(self.start, day, side="left"))


def _recent_wounded(arising: FloatArray, within_days: IntArray, steps: _Steps) -> FloatArray:
    """Persons wounded within their evacuation limit (days) before the end of each step,
    summed over the fronts [S]: at most these may not yet be at a hospital."""
    cumulative = np.cumsum(arising, axis=1)  # [P, D]
    recent = np.zeros(arising.shape[1])
    for p in np.nonzero(within_days > 0)[0]:
        lag = int(within_days[p])
        before = np.concatenate([np.zeros(lag), cumulative[p, :-lag]])[: arising.shape[1]]
        recent += cumulative[p] - before
    return np.asarray(recent[steps.end], dtype=float)


def compile_network(sc: Scenario, step_days: int | None = None) -> Network:
    """Compile a validated scenario into the arrays the planner and simulator read, in steps
    of ``step_days`` days after the policy's ``daily_start_days`` (default: the scenario's
    ``policy.step_days``).

    Examples
    --------
    >>> import supplyline as sl
    >>> net = sl.compile_network(sl.load("tutorial"))
    >>> net.steps == sl.load("tutorial").days
    True
    >>> bool(sl.compile_network(sl.load("tutorial"), step_days=7).step_length.sum() == net.steps)
    True
    """
    days = sc.days
    steps = _Steps(days, step_days or sc.policy.step_days, sc.policy.daily_start_days)
    place_ids = [p.id for p in sc.places]
    place_index = {pid: i for i, pid in enumerate(place_ids)}
    commodity_ids = [c.id for c in sc.commodities]
    com_index = {cid: i for i, cid in enumerate(commodity_ids)}
    mode_ids = [m.id for m in sc.modes]
    mode_index = {mid: i for i, mid in enumerate(mode_ids)}
    n_p, n_c, n_m = len(place_ids), len(commodity_ids), len(mode_ids)
    policy = sc.policy

    wounded = next((i for i, c in enumerate(sc.commodities) if c.unit == "person"), None)
    population = np.array([p.population for p in sc.places], dtype=float)
    share = np.array(
        [p.labour_share if p.labour_share is not None else policy.labour_share for p in sc.places]
    )
    is_locality = np.array([p.kind == "locality" for p in sc.places])
    # Below a millionth of a person or a milligram, an amount is noise that would only make
    # the LP badly scaled.
    labour_people = np.where(is_locality & (population * share >= 1e-6), population * share, 0.0)
    labour_max_days = np.array(
        [
            p.labour_max_days_per_person or policy.labour_max_days_per_person
            for p in sc.places
        ],
        dtype=float,
    )
    carriers_owned = np.zeros((n_p, n_m))
    initial_stock = np.zeros((n_p, n_c))
    for p, place in enumerate(sc.places):
        for mid, units in place.carriers.items():
            carriers_owned[p, mode_index[mid]] = units
        if place.kind != "locality":
            for cid, kg in place.stock_kg.items():
                initial_stock[p, com_index[cid]] = kg

    rations = np.zeros((n_m, n_c))
    fuel = np.zeros((n_m, n_c))
    for m, mode in enumerate(sc.modes):
        for cid, kg in mode.rations_kg_per_day.items():
            rations[m, com_index[cid]] = kg
        if mode.fuel_commodity is not None:
            fuel[m, com_index[mode.fuel_commodity]] = mode.fuel_kg_per_km
    night_only = np.array([m.night_only for m in sc.modes])

    routes = list(sc.routes)
    route_index = {r.key: i for i, r in enumerate(routes)}
    arcs = [arc for i, r in enumerate(routes) for arc in _route_arcs(r, i)]
    arc_route = np.array([i for i, _ in arcs], dtype=np.int64)
    arc_from = np.array(
        [place_index[routes[i].from_ if fwd else routes[i].to] for i, fwd in arcs], dtype=np.int64
    )
    arc_to = np.array(
        [place_index[routes[i].to if fwd else routes[i].from_] for i, fwd in arcs], dtype=np.int64
    )
    n_a = len(arcs)
    arc_length = np.array([routes[i].length_km for i, _ in arcs])
    allows = np.zeros((n_a, n_m), dtype=bool)
    t_loaded = np.zeros((n_a, n_m), dtype=np.int64)
    t_empty = np.zeros((n_a, n_m), dtype=np.int64)
    for a, (i, _) in enumerate(arcs):
        route = routes[i]
        for mid in route.modes:
            m = mode_index[mid]
            mode = sc.modes[m]
            allows[a, m] = True
            t_loaded[a, m] = travel_days(
                route.length_km, route.terrain_factor, mode.speed_loaded_km_per_day
            )
            t_empty[a, m] = travel_days(
                route.length_km, route.terrain_factor, mode.speed_empty_km_per_day
            )
    cap_mov = np.array(
        [routes[i].capacity_movements_per_day or np.inf for i, _ in arcs], dtype=float
    )
    tonnes = [routes[i].capacity_tonnes_per_day for i, _ in arcs]
    cap_kg = np.array([np.inf if t is None else t * 1000.0 for t in tonnes], dtype=np.float64)
    opens = [routes[i].open_from for i, _ in arcs]
    # A route opening within a step is used from the next one.
    open_step = np.array(
        [0 if d is None else steps.first_from(max(0, sc.day_index(d))) for d in opens],
        dtype=np.int64,
    )
    left, loss = _threat_factors(sc, routes, night_only)

    demand = np.zeros((n_p, n_c, days))
    reserves: list[tuple[int, int, int, float]] = []
    for d in sc.demand:
        p, c = place_index[d.front], com_index[d.commodity]
        per_day = demand_kg_per_day(d, sc)
        demand[p, c] += per_day
        for target in d.reserves:
            t = sc.day_index(target.by)
            if 0 <= t < days:
                reserves.append(
                    (p, c, steps.of_day(t), target.days_of_supply * float(per_day[t]))
                )

    wounded_per_day = np.zeros((n_p, days))
    within = np.zeros(n_p, dtype=np.int64)
    for w in sc.wounded:
        p = place_index[w.front]
        wounded_per_day[p] += series_over_horizon(w.persons_per_day, sc)
        within[p] = w.within_days if within[p] == 0 else min(within[p], w.within_days)
    is_hospital = np.array([p.kind == "hospital" for p in sc.places])

    works = [
        RoadWorkTask(
            route=route_index[w.route],
            fed_at=place_index[routes[route_index[w.route]].from_],
            crew_days=w.crew_days,
            start_step=steps.of_day(max(0, sc.day_index(w.start)) if w.start else 0),
            by_step=steps.of_day(min(days - 1, sc.day_index(w.by))),
        )
        for w in sc.road_works
    ]
    labour_rations = np.zeros(n_c)
    for cid, kg in policy.labour_rations_kg_per_day.items():
        labour_rations[com_index[cid]] = kg

    return Network(
        scenario=sc,
        steps=int(steps.start.size),
        step_days=int(steps.length.max(initial=1.0)),
        step_length=steps.length,
        step_start=steps.start,
        place_ids=place_ids,
        place_kind=[p.kind for p in sc.places],
        lat=np.array([p.lat for p in sc.places]),
        lon=np.array([p.lon for p in sc.places]),
        place_regions=[frozenset(p.regions) for p in sc.places],
        population=population,
        labour_people=labour_people,
        labour_max_days=labour_max_days,
        carriers_owned=carriers_owned,
        initial_stock_kg=initial_stock,
        giveable_kg=_giveable(sc, commodity_ids)[:, :, steps.end],
        commodity_ids=commodity_ids,
        decay_per_day=np.array([c.effective_decay_per_day() for c in sc.commodities]),
        wounded=wounded,
        mode_ids=mode_ids,
        payload_kg=np.array([m.payload_kg for m in sc.modes]),
        crew_per_unit=np.array([m.crew_per_unit for m in sc.modes]),
        rations_kg_per_day=rations,
        fuel_kg_per_km=fuel,
        road_use=np.array([m.road_use for m in sc.modes]),
        wounded_per_unit=np.array([m.wounded_per_unit for m in sc.modes]),
        owned_units=np.array([m.units_from == "owned" for m in sc.modes]),
        night_only=night_only,
        route_ids=[r.key for r in routes],
        route_names=[r.name or r.key for r in routes],
        arc_route=arc_route,
        arc_from=arc_from,
        arc_to=arc_to,
        arc_length_km=arc_length,
        arc_allows=allows,
        travel_days_loaded=t_loaded,
        travel_days_empty=t_empty,
        days_home=_way_home(arc_from, arc_to, allows, t_empty.astype(float), is_locality)
        .astype(np.int64),
        km_home=np.maximum(
            _way_home(arc_from, arc_to, allows, np.repeat(arc_length[:, None], n_m, 1),
                      is_locality),
            0.0,
        ),
        capacity_movements=cap_mov,
        capacity_kg=cap_kg,
        open_step=open_step,
        capacity_factor=steps.mean(left[arc_route]),
        cargo_loss=steps.mean(loss[arc_route]),
        demand_kg=steps.total(demand),
        reserve_targets=reserves,
        wounded_arising=steps.total(wounded_per_day),
        wounded_recent=_recent_wounded(wounded_per_day, within, steps),
        is_hospital=is_hospital,
        road_works=works,
        repair_crew_people=np.array([r.repair_crew for r in routes], dtype=float),
        repair_fed_at=np.array([place_index[r.from_] for r in routes], dtype=np.int64),
        labour_rations_kg_per_day=labour_rations,
        route_index=route_index,
    )
