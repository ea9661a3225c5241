"""A scenario compiled to index arrays: the one representation planner, simulator and
resilience code read.

Indices: places ``p``, directed arcs ``a`` (a two-way route gives two arcs), modes ``m``,
commodities ``c``, days ``d`` (0 is the scenario's ``start_date``) and planning steps ``s``
(see :class:`supplyline.grid.Grid`). The network holds the physical truth: travel times in
real days, expected threats and closures by day (compiled by :mod:`supplyline.hazards`);
per-step arrays are that truth summed or averaged over the grid's steps. Every array is
NumPy; nothing downstream reads ``scenario`` for a number (it is kept for names, replays and
observed figures).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from supplyline.grid import Grid
from supplyline.hazards import RainSource, StrikeSource, _threat_factors, threat_sources
from supplyline.scenario.schema import (
    Place,
    Replay,
    ReplayMobilization,
    Route,
    Scenario,
    Weights,
)
from supplyline.scenario.series import demand_kg_per_day, series_over_horizon
from supplyline.scenario.whatif import check, with_step_days
from supplyline.units import distinct, short_label

__all__ = ["UNTAGGED", "Network", "RoadWorkTask", "WoundedGroup", "compile_network",
           "labour_pool", "travel_time_days"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

PLACE_KINDS = ("locality", "depot", "junction", "front", "hospital")
#: The region a place with no region tag counts in (:meth:`Network.regions_of`).
UNTAGGED = "(untagged)"


def travel_time_days(length_km: float, terrain_factor: float, speed_km_per_day: float) -> float:
    """Days of movement on a route in dry weather: ``length × terrain / speed``, a real number
    (hours count: a 30 km stage at 150 km/day is 0.2 days).

    >>> travel_time_days(100.0, 1.0, 25.0)
    4.0
    >>> travel_time_days(30.0, 1.0, 150.0)
    0.2
    """
    return length_km * terrain_factor / speed_km_per_day


def fixed_days(turnaround_days: FloatArray, stop_days_at_dest: FloatArray,
               load_days: FloatArray | float = 0.0) -> FloatArray:
    """The days of a trip that rain does not stretch: the mode's turnaround, the stop at the
    destination and, on a loaded trip, the loading and unloading. A trip lasts movement days
    × slowdown + these; a way home is a chain of empty trips, each with its own stop.

    >>> float(fixed_days(np.array(0.25), np.array(0.5)))
    0.75
    """
    return np.asarray(turnaround_days + stop_days_at_dest + load_days, dtype=float)


def trip_days(move_days: Any, slowdown: Any, handling_days: Any) -> Any:
    """A trip's days: its movement days stretched by the slowdown (rain), plus the days
    that rain does not stretch (:func:`fixed_days`). The planner reads it with each step's
    expected slowdown, the simulator with the one a run draws (any array module).

    >>> float(trip_days(np.array(0.63), 1.0, np.array(0.37)))
    1.0
    """
    return move_days * slowdown + handling_days


def empty_trip_fits(fuel_kg: FloatArray | float, food_kg: FloatArray | float,
                    tank_kg: FloatArray | float, payload_kg: FloatArray | float) -> BoolArray:
    """Whether an empty trip can be driven: its fuel fits the tank and its crew's food
    (which rides in the load) the payload. A way home is a chain of such trips.

    >>> empty_trip_fits(np.array([50.0, 75.0]), np.array([1.0, 1.0]), 60.0, 20.0).tolist()
    [True, False]
    """
    return np.asarray((np.asarray(fuel_kg) <= tank_kg) & (np.asarray(food_kg) <= payload_kg),
                      dtype=bool)


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
class WoundedGroup:
    """Wounded of one front who may go only to the given hospitals."""

    front: int
    hospitals: NDArray[np.bool_]  # [P]
    within_days: int
    arising: FloatArray  # [S] persons wounded in each step
    recent: FloatArray  # [S] persons wounded within their limit before each step's end


@dataclass(frozen=True)
class Network:
    """A scenario as arrays. Shapes are given in brackets: P places, A arcs, M modes,
    C commodities, D days, S planning steps, R routes.

    Time runs in the steps of ``grid``; amounts per step (demand, wounded, capacity) are sums
    over its days, rations and speeds stay per day, and travel times are real days (see
    :mod:`supplyline.accounting` for what a trip takes in each step).
    """

    scenario: Scenario
    grid: Grid
    days: int
    start_date: dt.date
    place_ids: list[str]
    place_kind: list[str]
    lat: FloatArray  # [P] degrees
    lon: FloatArray  # [P] degrees
    place_regions: list[frozenset[str]]
    population: FloatArray  # [P] persons
    labour_people: FloatArray  # [P] persons able to serve (share × population)
    labour_max_days: FloatArray  # [P] days one person may serve
    carriers_owned: FloatArray  # [P, M] units
    can_serve: BoolArray  # [P, M] places that put units of a mode into service (their homes)
    initial_stock_kg: FloatArray  # [P, C] campaign stock at depots, junctions, fronts, hospitals
    giveable_kg: FloatArray  # [P, C, S] most a locality can have given by the end of step s
    handling_kg_per_day: FloatArray  # [P] cargo loaded and unloaded per day (inf: unlimited)
    arrivals_per_day: FloatArray  # [P] units received per day (inf: unlimited)
    stop_days: FloatArray  # [P] days every arriving unit spends there

    commodity_ids: list[str]
    decay_per_day: FloatArray  # [C]
    wounded: int | None  # index of the commodity counted in persons, if any

    mode_ids: list[str]
    payload_kg: FloatArray  # [M]
    crew_per_unit: FloatArray  # [M] persons
    rations_kg_per_day: FloatArray  # [M, C] per unit
    return_carried: BoolArray  # [M] the food for the way back is carried out in the load
    fuel_kg_per_km: FloatArray  # [M, C] per unit (non-zero in the fuel commodity's column)
    fuel_tank_kg: FloatArray  # [M] (inf: unlimited)
    tank_round_trip: BoolArray  # [M]
    availability: FloatArray  # [M] share of units in service that can travel on a day
    load_days: FloatArray  # [M] loading + unloading time of a loaded trip
    turnaround_days: FloatArray  # [M] added to every trip
    road_use: FloatArray  # [M]
    wounded_per_unit: FloatArray  # [M] persons
    owned_units: BoolArray  # [M] units limited by carriers owned
    night_only: BoolArray  # [M]

    route_ids: list[str]
    route_names: list[str]  # what a reader calls each route (Scenario.route_title)
    arc_route: IntArray  # [A]
    arc_from: IntArray  # [A]
    arc_to: IntArray  # [A]
    arc_length_km: FloatArray  # [A]
    arc_allows: BoolArray  # [A, M]
    move_days_loaded: FloatArray  # [A, M] dry-weather days of movement, loaded
    move_days_empty: FloatArray  # [A, M]
    slowdown: FloatArray  # [A, D] expected factor on movement time from rain (>= 1)
    closed: BoolArray  # [A, D] the route cannot be used that day
    days_home: FloatArray  # [P, M] empty travel days to the nearest home of the mode (-1: none)
    homes: list[IntArray]  # per mode: its home places [H_m]
    home_days: list[FloatArray]  # per mode [P, H_m]: empty days from each place to each home
    home_km: list[FloatArray]  # per mode [P, H_m]: km of that way (inf: none)
    capacity_movements: FloatArray  # [A] per day (inf: unlimited)
    capacity_kg: FloatArray  # [A] per day (inf: unlimited)
    open_step: IntArray  # [A] first usable step
    capacity_factor: FloatArray  # [A, S] expected share of capacity left (threats, closures)
    cargo_loss: FloatArray  # [A, M, S] expected share of cargo destroyed on a trip leaving in s
    strike_probability: FloatArray  # [A, M, D] chance a trip on the route is struck that day
    repair_days: FloatArray  # [R]

    demand_kg: FloatArray  # [P, C, S] kg wanted in each step
    demand_kg_by_day: FloatArray  # [P, C, D] kg wanted on each day (demand_kg, summed)
    reserve_targets: list[tuple[int, int, int, float]]  # (place, commodity, step, kg)
    #: each reserve target's day and days of supply (of all the front's demand that day)
    reserve_days: list[tuple[int, float]]
    wounded_groups: list[WoundedGroup]
    wounded_rations_kg_per_day: FloatArray  # [C] per wounded person
    road_works: list[RoadWorkTask]
    repair_crew_people: FloatArray  # [R] persons kept on each route (from route_open_step)
    route_open_step: IntArray  # [R] first step the route can be used (open_step of its arcs)
    repair_fed_at: IntArray  # [R] place whose stock feeds them
    labour_rations_kg_per_day: FloatArray  # [C] per road or repair worker (and the wounded
    #                                        where they have no rations of their own)
    weights: Weights
    max_burden_bound: float | None
    currency: str  # of every cost figure below
    wage_per_person_day: float  # every person-day served (crews, road works, repair crews)
    cost_per_unit_day: FloatArray  # [M] a unit's day in service beyond its crew's wages
    cost_per_unit_km: FloatArray  # [M] a unit's km, loaded or empty
    price_per_kg: FloatArray  # [P, C] paid for what a locality gives
    cost_weight: float  # objective cost of one unit of money
    route_index: dict[str, int] = field(repr=False)
    strikes: list[StrikeSource] = field(default_factory=list, repr=False)  # what the
    #                            expected threats above are made of (the simulator samples it)
    rains: list[RainSource] = field(default_factory=list, repr=False)
    route_closed: BoolArray = field(  # [R, D] days each route cannot be used
        default_factory=lambda: np.zeros((0, 0), dtype=bool), repr=False)
    capacity_safety_margin: float = 0.0  # share of capacity the planner keeps in hand

    def __repr__(self) -> str:
        """One line, not the arrays: '<Network 'tutorial': 8 places, 8 routes, ...>'."""
        from supplyline.units import days

        steps = f"{self.steps} step{'s' if self.steps != 1 else ''}"
        return (f"<Network {self.scenario.name!r}: {self.n_places} places, "
                f"{len(self.route_ids)} routes, {self.n_modes} modes, "
                f"{days(self.scenario.days)} in {steps}>")

    def threatened(self) -> bool:
        """Whether a strike, a raid or rain can fall on some route within the horizon."""
        return (any(src.routes.size and (src.day_probability.any()
                                         or src.night_probability.any())
                    for src in self.strikes)
                or any(rain.routes.size and rain.probability.any() for rain in self.rains))

    @property
    def steps(self) -> int:
        return self.grid.steps

    @property
    def step_days(self) -> int:
        """Days in the longest step."""
        return self.grid.longest

    @property
    def step_length(self) -> FloatArray:
        return self.grid.length

    @property
    def step_start(self) -> IntArray:
        return self.grid.start

    @property
    def wounded_arising(self) -> FloatArray:
        """Persons wounded at each place in each step [P, S]."""
        out = np.zeros((self.n_places, self.steps))
        for g in self.wounded_groups:
            out[g.front] += g.arising
        return out

    # --- names, as a reader sees them (ids stay in tables and files) ----------------------
    def place_name(self, p: int) -> str:
        """Display name of place ``p`` (its id when it has none)."""
        return self.scenario.places[p].name or self.place_ids[p]

    def place_label(self, p: int) -> str:
        """Place ``p`` as a sentence names it: its display name up to a parenthesis,
        semicolon or comma ("Son La villages"; :func:`~supplyline.units.short_label`), with
        its id in brackets where another place's would read the same."""
        return self._place_labels[p]

    @functools.cached_property
    def _place_labels(self) -> list[str]:
        short = [short_label(self.place_name(p), 200) for p in range(self.n_places)]
        return distinct(short, self.place_ids)

    @functools.cached_property
    def place_names(self) -> list[str]:
        """The full name of every place [P], with its id in brackets where another place has
        the same name (a map's or chart's label)."""
        return distinct([self.place_name(p) for p in range(self.n_places)], self.place_ids)

    def mode_name(self, m: int) -> str:
        """Display name of mode ``m`` (its id when it has none)."""
        return self.scenario.modes[m].name or self.mode_ids[m]

    def mode_label(self, m: int) -> str:
        """Mode ``m`` as a table, legend or sentence names it ("Pack bicycle"), with its id in
        brackets where another mode's would read the same."""
        return self._mode_labels[m]

    @functools.cached_property
    def _mode_labels(self) -> list[str]:
        return distinct([short_label(self.mode_name(m), 200) for m in range(self.n_modes)],
                        self.mode_ids)

    def commodity_name(self, c: int) -> str:
        """Display name of commodity ``c`` (its id when it has none)."""
        return self.scenario.commodities[c].name or self.commodity_ids[c]

    def commodity_label(self, c: int) -> str:
        """Commodity ``c`` as a table, legend or sentence names it ("Rice"), with its id in
        brackets where another commodity's would read the same ("Rice [paddy]")."""
        return self._commodity_labels[c]

    @functools.cached_property
    def _commodity_labels(self) -> list[str]:
        return distinct([short_label(self.commodity_name(c), 200)
                         for c in range(self.n_commodities)], self.commodity_ids)

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

    def regions_of(self, place: int) -> list[str]:
        """The regions a place counts in: its region tags, sorted, or :data:`UNTAGGED`
        where it has none (a place of several tags counts in each). What is mobilized per
        region (the plan's key figures, a sweep's records, a comparison) reads it."""
        return sorted(self.place_regions[place]) or [UNTAGGED]

    def locality_regions(self) -> list[str]:
        """Every region the localities count in (:meth:`regions_of`), each once, in the
        order of the places: those a plan may mobilize from, each listed in its key
        figures, at 0 where none was given."""
        return list(dict.fromkeys(tag for p in np.flatnonzero(self.is_locality)
                                  for tag in self.regions_of(int(p))))

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


def surplus_kg(sc: Scenario, place: Place, commodity: str, elapsed: Any) -> Any:
    """A locality's stores of a commodity plus what it produced over ``elapsed`` days (a
    number or an array), less what its people keep to live: what it could give by then if
    it had given nothing (negative where it eats more than it makes). The one rule of a
    locality's surplus, for the plan's giving bounds and for the books' scenario moved to a
    later day."""
    keep = place.population * sc.policy.subsistence_kg_per_person_day.get(commodity, 0.0)
    grown = place.production_kg_per_day.get(commodity, 0.0) - keep
    return place.stock_kg.get(commodity, 0.0) + grown * elapsed


def giveable_kg(sc: Scenario, commodity_ids: list[str]) -> FloatArray:
    """Most each locality can have given of each commodity by the end of each day.

    Its stores plus what it produced so far, minus what its people keep to live
    (:func:`surplus_kg`), and never so much that it would fall below subsistence on a later
    day of the horizon: a running minimum taken backwards in time.
    """
    days = sc.days
    elapsed = np.arange(1, days + 1, dtype=float)
    out = np.zeros((len(sc.places), len(commodity_ids), days))
    for p, place in enumerate(sc.places):
        if place.kind != "locality":
            continue
        for c, cid in enumerate(commodity_ids):
            surplus = surplus_kg(sc, place, cid, elapsed)
            can = np.minimum.accumulate(surplus[::-1])[::-1]
            out[p, c] = np.where(can >= 1e-6, can, 0.0)
    return out


def persons_able(population: FloatArray | float, share: FloatArray | float) -> FloatArray:
    """The persons of a locality able to serve: its population × its labour share (below a
    millionth of a person, noise that would only make the LP badly scaled: none).

    >>> persons_able(np.array([1000.0, 1000.0, 0.0]), np.array([0.2, 0.0, 0.5])).tolist()
    [200.0, 0.0, 0.0]
    """
    able = np.asarray(population, dtype=float) * np.asarray(share, dtype=float)
    return np.asarray(np.where(able >= 1e-6, able, 0.0), dtype=float)


def labour_pool(sc: Scenario) -> tuple[FloatArray, FloatArray]:
    """Per place [P]: the persons able to serve (a locality's population × its labour share,
    the policy's when it has none) and the most days one person serves."""
    policy = sc.policy
    population = np.array([p.population for p in sc.places], dtype=float)
    share = np.array(
        [p.labour_share if p.labour_share is not None else policy.labour_share for p in sc.places]
    )
    is_locality = np.array([p.kind == "locality" for p in sc.places])
    people = np.where(is_locality, persons_able(population, share), 0.0)
    most_days = np.array(
        [
            p.labour_max_days_per_person or policy.labour_max_days_per_person
            for p in sc.places
        ],
        dtype=float,
    )
    return people, most_days


def _quickest_edges(origin: IntArray, dest: IntArray, weight: FloatArray,
                    n_places: int) -> IntArray:
    """Of parallel edges between two places, the one of least weight (index into them)."""
    key = dest.astype(np.int64) * n_places + origin
    order = np.lexsort((weight, key))
    first = np.ones(order.size, dtype=bool)
    first[1:] = key[order][1:] != key[order][:-1]
    return np.asarray(order[first], dtype=np.int64)


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
    pick = _quickest_edges(origin, dest, weight, n_places)
    graph = csr_matrix((weight[pick], (dest[pick], origin[pick])), shape=(n_places, n_places))
    return np.asarray(dijkstra(graph, directed=True, indices=targets, min_only=True))


def _ways_home(
    arc_from: IntArray, arc_to: IntArray, allows: BoolArray, days: FloatArray,
    km: FloatArray, homes: BoolArray,
) -> tuple[list[IntArray], list[FloatArray], list[FloatArray]]:
    """Per mode: its homes, and the quickest empty way from every place to each of them, in
    days and in km along that way (inf where there is none) [P, H_m]."""
    n_p, n_m = homes.shape
    places: list[IntArray] = []
    out_days: list[FloatArray] = []
    out_km: list[FloatArray] = []
    for m in range(n_m):
        targets = np.nonzero(homes[:, m])[0].astype(np.int64)
        use = allows[:, m]
        d = np.full((n_p, targets.size), np.inf)
        k = np.full((n_p, targets.size), np.inf)
        d[targets, np.arange(targets.size)] = 0.0
        k[targets, np.arange(targets.size)] = 0.0
        if use.any() and targets.size:
            # Distances to each home over reversed edges; km along the quickest way.
            f, t, w, x = arc_from[use], arc_to[use], days[use, m], km[use]
            pick = _quickest_edges(f, t, w, n_p)
            f, t, w, x = f[pick], t[pick], w[pick], x[pick]
            graph = csr_matrix((w + 1e-12, (t, f)), shape=(n_p, n_p))
            dist, pred = dijkstra(graph, directed=True, indices=targets,
                                  return_predecessors=True)
            d = dist.T
            length = {(int(a), int(b)): float(y) for a, b, y in zip(t, f, x, strict=True)}
            for j in range(targets.size):
                order = np.argsort(dist[j])
                for p in order:
                    if not np.isfinite(dist[j, p]):
                        break
                    q = pred[j, p]
                    k[p, j] = 0.0 if q < 0 else k[q, j] + length[(int(q), int(p))]
        places.append(targets)
        out_days.append(np.asarray(d, dtype=float))
        out_km.append(np.asarray(k, dtype=float))
    return places, out_days, out_km


class Localities(Protocol):
    """What a replay's entries are read against: the places, their kinds and region tags,
    and the commodities (a compiled :class:`Network`, or :func:`localities` of a scenario)."""

    @property
    def place_ids(self) -> list[str]: ...

    @property
    def commodity_ids(self) -> list[str]: ...

    @property
    def is_locality(self) -> BoolArray: ...

    def places_in_regions(self, regions: list[str],
                          exclude: list[str] | None = None) -> BoolArray: ...


@dataclass(frozen=True)
class _Places:
    place_ids: list[str]
    commodity_ids: list[str]
    place_kind: list[str]
    place_regions: list[frozenset[str]]

    is_locality = Network.is_locality
    places_in_regions = Network.places_in_regions


def localities(sc: Scenario) -> Localities:
    """A scenario's places and commodities as a replay reads them, without compiling it (so
    that a replay is checked beside a file's other problems)."""
    return _Places([p.id for p in sc.places], [c.id for c in sc.commodities],
                   [p.kind for p in sc.places], [frozenset(p.regions) for p in sc.places])


def replay_places(net: Localities, entry: ReplayMobilization) -> BoolArray:
    """The localities a replay's mobilization entry covers [P]."""
    if entry.regions or entry.exclude_regions:
        places = net.places_in_regions(entry.regions, entry.exclude_regions)
        if entry.places:
            places |= np.isin(net.place_ids, entry.places)
        return places
    return np.asarray(np.isin(net.place_ids, entry.places) & net.is_locality)


def replay_beyond(net: Localities, replay: Replay, giveable_kg: FloatArray
                  ) -> list[tuple[int, str, str]]:
    """The mobilization entries of ``replay`` no giving can meet (``giveable_kg`` [P, C, S]:
    its last step, what each locality can give above subsistence over the horizon): (entry
    index, sentence, what the entry's kg could be, in words).

    An entry asks more than its localities can give; or, with the entries before it of the
    same commodity whose localities it shares, asks what no giving can meet (a region
    giving 20 t and one of its villages 30 t): then the range it could have, from a small
    LP over the localities (each gives from 0 to what it can; each entry's localities give
    its kg in all). An entry said is left out of the later ones' LP.
    """
    out: list[tuple[int, str, str]] = []
    kept: dict[int, list[tuple[int, BoolArray, float]]] = {}  # commodity: earlier entries
    for i, entry in enumerate(replay.mobilization):
        c = net.commodity_ids.index(entry.commodity)
        places = replay_places(net, entry)
        can = giveable_kg[:, c, -1]
        could = float(can[places].sum())
        who = ", ".join(entry.regions or entry.places) or (
            "all but " + ", ".join(entry.exclude_regions))
        what = f"{entry.kg / 1000:,.1f} t of {entry.commodity} from {who}"
        if entry.kg > could * (1 + 1e-9) + 1e-6:
            out.append((i, f"{what} is more than those localities can give above "
                           f"subsistence ({could / 1000:,.1f} t over the horizon)",
                        f"at most {kg_words(could)} kg: what those localities can give "
                        "above subsistence over the horizon"))
            continue
        earlier = [e for e in kept.get(c, []) if (e[1] & places).any()]
        if earlier:
            lo, hi = _replay_range(can, [(p, kg) for _, p, kg in earlier], places)
            if lo is not None and hi is not None and not (
                    lo * (1 - 1e-9) - 1e-6 <= entry.kg <= hi * (1 + 1e-9) + 1e-6):
                shared = ", ".join(f"mobilization[{j}]" for j, _, _ in earlier)
                span = (f"{kg_words(lo)} kg" if kg_words(lo) == kg_words(hi)
                        else f"from {kg_words(lo)} to {kg_words(hi)} kg")
                out.append((i, f"{what} cannot be given together with {shared} of the "
                               f"same replay, which share its localities (with them, those "
                               f"localities give {span})",
                            f"{span}: what those localities can give together with "
                            f"{shared} of this replay, which share them"))
                continue
        kept.setdefault(c, []).append((i, places, entry.kg))
    return out


def replay_labour_beyond(sc: Scenario, replay: Replay) -> tuple[str, str] | None:
    """Where ``replay``'s labour-days are more than any plan can serve, (a sentence, what the
    figure could be, in words); else None. Persons serve from the localities' labour pools,
    each at most its days (at most the policy's largest burden of each pool; those still out
    at the end count their way home, after the horizon, too), and the routes' repair crews
    serve every day their route is open: the planner's rows allow no more."""
    if replay.labour is None:
        return None
    people, most_days = labour_pool(sc)
    burden = 1.0 if sc.policy.max_burden is None else sc.policy.max_burden
    # (each crew from the day its route opens: the planner's steps start it no sooner)
    crews = float(sum(r.repair_crew * max(0, (sc.end_date - max(sc.start_date, r.open_from
                                                                 or sc.start_date)).days + 1)
                      for r in sc.routes))
    most = burden * float((people * most_days).sum()) + crews
    asked = replay.labour.person_days
    if asked <= most * (1 + 1e-9) + 1e-6:
        return None
    return (f"{asked:,.0f} person-days of labour are more than the localities' labour pools "
            f"and the repair crews can serve ({most:,.0f} over the horizon)",
            f"at most {most:,.0f} person-days: what the localities' labour pools (each "
            "person at most its days of service) and the routes' repair crews can serve over "
            "the horizon")


def _replay_range(can: FloatArray, fixed: list[tuple[BoolArray, float]], places: BoolArray
                  ) -> tuple[float | None, float | None]:
    """The least and the most ``places`` can give in all, each locality giving from 0 to
    ``can``, while each of ``fixed``'s sets gives exactly its kg (None, None: those alone
    cannot be met)."""
    from scipy.optimize import linprog

    used = places.copy()
    for p, _ in fixed:
        used |= p
    index = np.flatnonzero(used)
    a_eq = np.array([p[index] for p, _ in fixed], dtype=float)
    b_eq = np.array([kg for _, kg in fixed])
    bounds = list(zip(np.zeros(index.size), can[index], strict=True))
    target = places[index].astype(float)
    ends: list[float | None] = []
    for sign in (1.0, -1.0):
        got = linprog(sign * target, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        ends.append(sign * float(got.fun) if got.status == 0 else None)
    return ends[0], ends[1]


def kg_words(kg: float) -> str:
    """Kilograms to a tenth, so that a value just over a bound never reads as equal to it.

    >>> kg_words(25000.0), kg_words(25000.04), kg_words(25000.4)
    ('25,000', '25,000', '25,000.4')
    """
    return f"{kg:,.1f}".removesuffix(".0")


def _nearest_home(home_days: list[FloatArray], n_places: int) -> FloatArray:
    """Empty days from each place to the nearest home of each mode [P, M] (-1: none)."""
    out = np.full((n_places, len(home_days)), -1.0)
    for m, days in enumerate(home_days):
        if days.shape[1]:
            nearest = days.min(axis=1)
            out[:, m] = np.where(np.isfinite(nearest), nearest, -1.0)
    return out


def _recent(arising_daily: FloatArray, within: int, grid: Grid) -> FloatArray:
    """Persons wounded within ``within`` days before the end of each step [S]: at most these
    may not yet be at a hospital."""
    cumulative = np.cumsum(arising_daily)
    before = np.concatenate([np.zeros(within), cumulative[:-within]])[: cumulative.size]
    return np.asarray((cumulative - before)[grid.end], dtype=float)


def _prices(sc: Scenario, place_ids: list[str], commodity_ids: list[str]) -> FloatArray:
    """Price per kg of what each locality gives [P, C] (0 where none is set)."""
    out = np.zeros((len(place_ids), len(commodity_ids)))
    for price in sc.costs.prices:
        out[place_ids.index(price.place), commodity_ids.index(price.commodity)] = price.per_kg
    return out


T = TypeVar("T")


def read_only(made: T) -> T:
    """``made`` (a dataclass) with its NumPy arrays made read-only, so that changing an array
    a caller was given fails loudly instead of changing, in silence, every plan that shares
    it (a Network is shared by the plans made from it)."""
    for f in dataclasses.fields(made):  # type: ignore[arg-type]
        value = getattr(made, f.name)
        parts = value if isinstance(value, list | tuple) else [value]
        for part in parts:
            if isinstance(part, np.ndarray):
                part.flags.writeable = False
            elif dataclasses.is_dataclass(part) and not isinstance(part, type):
                read_only(part)  # the grid, the wounded groups, the threats' sources
    return made


def compile_network(sc: Scenario, step_days: int | None = None, *, checked: bool = True
                    ) -> Network:
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

    ``checked=False`` skips the check of the scenario (:func:`~supplyline.scenario.whatif
    .check`) for one the library derived itself and no file could hold: a re-plan's, whose
    stocks carried forward may be below zero (a deficit that later production fills first).

    Raises
    ------
    TypeError
        When ``sc`` is not a Scenario.
    ScenarioError
        When ``sc`` (built or changed in Python) is not one a scenario file could be.
    ValueError
        When ``step_days`` is not a whole number from 1 to the horizon's days (the rule of
        :func:`~supplyline.scenario.whatif.with_step_days`, which ``plan`` reads).
    """
    if checked:  # (in the schema's types: model_copy keeps a date given as text)
        sc = check(sc)
    if step_days is not None:
        try:
            with_step_days(sc, step_days)
        except ValueError as error:
            raise ValueError(f"step_days: {error}") from None
    days = sc.days
    policy = sc.policy
    grid = Grid(days, step_days or policy.step_days, policy.daily_start_days)
    place_ids = [p.id for p in sc.places]
    place_index = {pid: i for i, pid in enumerate(place_ids)}
    commodity_ids = [c.id for c in sc.commodities]
    com_index = {cid: i for i, cid in enumerate(commodity_ids)}
    mode_ids = [m.id for m in sc.modes]
    mode_index = {mid: i for i, mid in enumerate(mode_ids)}
    n_p, n_c, n_m = len(place_ids), len(commodity_ids), len(mode_ids)

    wounded = next((i for i, c in enumerate(sc.commodities) if c.unit == "person"), None)
    population = np.array([p.population for p in sc.places], dtype=float)
    labour_people, labour_max_days = labour_pool(sc)
    carriers_owned = np.zeros((n_p, n_m))
    initial_stock = np.zeros((n_p, n_c))
    for p, place in enumerate(sc.places):
        for mid, units in place.carriers.items():
            carriers_owned[p, mode_index[mid]] = units
        if place.kind != "locality":
            for cid, kg in place.stock_kg.items():
                initial_stock[p, com_index[cid]] = kg
    owned_units = np.array([m.units_from == "owned" for m in sc.modes])
    # A locality crews its own carriers from its people: where none may serve, it puts none
    # of a crewed mode into service (a depot's trucks have army crews).
    crewed = np.array([m.crew_per_unit > 0 for m in sc.modes])
    is_locality = np.array([p.kind == "locality" for p in sc.places])
    crews_free = ~is_locality[:, None] | ~crewed[None, :] | (labour_people[:, None] > 0)
    can_serve = np.where(owned_units[None, :], (carriers_owned > 0) & crews_free,
                         labour_people[:, None] > 0)
    handling = np.array(
        [np.inf if p.handling_tonnes_per_day is None else p.handling_tonnes_per_day * 1000.0
         for p in sc.places]
    )

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
    move_loaded = np.zeros((n_a, n_m))
    move_empty = np.zeros((n_a, n_m))
    for a, (i, _) in enumerate(arcs):
        route = routes[i]
        for mid in route.modes:
            m = mode_index[mid]
            mode = sc.modes[m]
            allows[a, m] = True
            move_loaded[a, m] = travel_time_days(
                route.length_km, route.terrain_factor, mode.speed_loaded_km_per_day
            )
            move_empty[a, m] = travel_time_days(
                route.length_km, route.terrain_factor, mode.speed_empty_km_per_day
            )
    cap_mov = np.array(
        [routes[i].capacity_movements_per_day or np.inf for i, _ in arcs], dtype=float
    )
    tonnes = [routes[i].capacity_tonnes_per_day for i, _ in arcs]
    cap_kg = np.array([np.inf if t is None else t * 1000.0 for t in tonnes], dtype=np.float64)
    # A route opening within a step is used from the next one.
    route_open_step = np.array(
        [0 if r.open_from is None else grid.first_from(max(0, sc.day_index(r.open_from)))
         for r in routes],
        dtype=np.int64,
    )
    open_step = route_open_step[arc_route]
    strikes, rains = threat_sources(sc, routes)
    left, loss, hit, slowdown, closed = _threat_factors(sc, routes, night_only, strikes, rains)
    stop_days = np.array([p.stop_hours / 24.0 for p in sc.places])

    demand = np.zeros((n_p, n_c, days))
    # Reserves by one day at one front add up over the demand entries there, as their
    # demands do (two units at one front, each asking days of its own demand).
    asked: dict[tuple[int, int, int], float] = {}
    for d in sc.demand:
        p, c = place_index[d.front], com_index[d.commodity]
        per_day = demand_kg_per_day(d, sc)
        demand[p, c] += per_day
        for target in d.reserves:
            t = sc.day_index(target.by)
            if 0 <= t < days:
                kg = target.days_of_supply * float(per_day[t])
                asked[p, c, t] = asked.get((p, c, t), 0.0) + kg
    reserves = [(p, c, grid.of_day(t), kg) for (p, c, t), kg in asked.items()]
    reserve_days = [(t, kg / demand[p, c, t] if demand[p, c, t] > 0 else 0.0)
                    for (p, c, t), kg in asked.items()]

    groups: list[WoundedGroup] = []
    for w in sc.wounded:
        daily = series_over_horizon(w.persons_per_day, sc)
        groups.append(WoundedGroup(
            front=place_index[w.front],
            hospitals=np.isin(place_ids, w.hospitals),
            within_days=w.within_days,
            arising=grid.total(daily),
            recent=_recent(daily, w.within_days, grid),
        ))

    works = []
    for work in sc.road_works:
        first = max(0, sc.day_index(work.start)) if work.start else 0
        last = sc.day_index(work.by)
        if first >= days or last < 0:  # (a plan of the first days, --days: a work after)
            continue
        # A work due after the plan's last day (--days) asks the share of its person-days
        # that its days within the plan hold: all of it had been asked by the last day.
        within = (min(last, days - 1) - first + 1) / (last - first + 1)
        works.append(RoadWorkTask(
            route=route_index[work.route],
            fed_at=place_index[routes[route_index[work.route]].from_],
            crew_days=work.crew_days * within,
            start_step=grid.of_day(first),
            by_step=grid.of_day(min(days - 1, last)),
        ))

    labour_rations = np.zeros(n_c)
    for cid, kg in policy.labour_rations_kg_per_day.items():
        labour_rations[com_index[cid]] = kg
    wounded_rations = labour_rations.copy()
    if policy.wounded_rations_kg_per_day is not None:
        wounded_rations[:] = 0.0
        for cid, kg in policy.wounded_rations_kg_per_day.items():
            wounded_rations[com_index[cid]] = kg
    turnaround = np.array([m.turnaround_hours / 24.0 for m in sc.modes])
    # The way home is a chain of empty trips in dry weather, each lasting what the trip
    # rule gives (accounting.handling_days): movement, turnaround and the stop where it ends.
    homes_cost = trip_days(move_empty, 1.0,
                           fixed_days(turnaround[None, :], stop_days[arc_to][:, None]))
    # Only over routes an empty trip can drive (its fuel in the tank, its food in the load);
    # of parallel routes between two places, the quickest.
    tank = np.array([np.inf if m.fuel_tank_kg is None else m.fuel_tank_kg for m in sc.modes])
    payload = np.array([m.payload_kg for m in sc.modes])
    drivable = allows & empty_trip_fits(arc_length[:, None] * fuel.sum(axis=1)[None, :],
                                        homes_cost * rations.sum(axis=1), tank, payload)
    ways = _ways_home(arc_from, arc_to, drivable, homes_cost, arc_length, can_serve)

    return read_only(Network(
        scenario=sc,
        grid=grid,
        days=days,
        start_date=sc.start_date,
        place_ids=place_ids,
        place_kind=[p.kind for p in sc.places],
        lat=np.array([p.lat for p in sc.places]),
        lon=np.array([p.lon for p in sc.places]),
        place_regions=[frozenset(p.regions) for p in sc.places],
        population=population,
        labour_people=labour_people,
        labour_max_days=labour_max_days,
        carriers_owned=carriers_owned,
        can_serve=can_serve,
        initial_stock_kg=initial_stock,
        giveable_kg=giveable_kg(sc, commodity_ids)[:, :, grid.end],
        handling_kg_per_day=handling,
        arrivals_per_day=np.array(
            [np.inf if p.handling_arrivals_per_day is None else p.handling_arrivals_per_day
             for p in sc.places]),
        stop_days=stop_days,
        commodity_ids=commodity_ids,
        decay_per_day=np.array([c.effective_decay_per_day() for c in sc.commodities]),
        wounded=wounded,
        mode_ids=mode_ids,
        payload_kg=payload,
        crew_per_unit=np.array([m.crew_per_unit for m in sc.modes]),
        rations_kg_per_day=rations,
        return_carried=np.array([m.return_food == "carried" for m in sc.modes]),
        fuel_kg_per_km=fuel,
        fuel_tank_kg=tank,
        tank_round_trip=np.array([m.tank_round_trip for m in sc.modes]),
        availability=np.array([m.availability for m in sc.modes]),
        load_days=np.array([(m.loading_hours + m.unloading_hours) / 24.0 for m in sc.modes]),
        turnaround_days=turnaround,
        road_use=np.array([m.road_use for m in sc.modes]),
        wounded_per_unit=np.array([m.wounded_per_unit for m in sc.modes]),
        owned_units=owned_units,
        night_only=night_only,
        route_ids=[r.key for r in routes],
        route_names=[sc.route_title(r) for r in routes],
        arc_route=arc_route,
        arc_from=arc_from,
        arc_to=arc_to,
        arc_length_km=arc_length,
        arc_allows=allows,
        move_days_loaded=move_loaded,
        move_days_empty=move_empty,
        slowdown=slowdown[arc_route],
        closed=closed[arc_route],
        days_home=_nearest_home(ways[1], n_p),
        homes=ways[0],
        home_days=ways[1],
        home_km=ways[2],
        capacity_movements=cap_mov,
        capacity_kg=cap_kg,
        open_step=open_step,
        capacity_factor=grid.mean(left[arc_route]),
        cargo_loss=grid.mean(loss[arc_route]),
        strike_probability=hit[arc_route],
        repair_days=np.array([r.repair_days for r in routes], dtype=float),
        demand_kg=grid.total(demand),
        demand_kg_by_day=demand,
        reserve_targets=reserves,
        reserve_days=reserve_days,
        wounded_groups=groups,
        wounded_rations_kg_per_day=wounded_rations,
        road_works=works,
        repair_crew_people=np.array([r.repair_crew for r in routes], dtype=float),
        route_open_step=route_open_step,
        repair_fed_at=np.array([place_index[r.from_] for r in routes], dtype=np.int64),
        labour_rations_kg_per_day=labour_rations,
        weights=policy.weights,
        max_burden_bound=policy.max_burden,
        currency=sc.costs.currency,
        wage_per_person_day=sc.costs.wage_per_person_day,
        cost_per_unit_day=np.array([sc.costs.per_unit_day.get(m, 0.0) for m in mode_ids]),
        cost_per_unit_km=np.array([sc.costs.per_unit_km.get(m, 0.0) for m in mode_ids]),
        price_per_kg=_prices(sc, place_ids, commodity_ids),
        cost_weight=sc.costs.weight,
        route_index=route_index,
        strikes=strikes,
        rains=rains,
        route_closed=closed,
        capacity_safety_margin=policy.capacity_safety_margin,
    ))
