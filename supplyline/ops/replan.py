"""What the books say: the :class:`~supplyline.state.State` on a date, plan against actual,
and the re-plan of the rest of the horizon from what happened.

The State *as of* a date counts every entry dated before it (the start of that day): the
movements of that day are not done yet. What is known of the routes on that day is: a route
report dated on it (a closure, a reopening, a strike) counts from that day on, in the State's
route damage and in the routes the re-plan may use. The re-plan plans from that day to the
scenario's end: the scenario is moved to start there
(each locality's stores grown by what it produced and less what its people ate since the
start, so what it can still give is the same; road works due before it taken as done, those
under way cut to what the plans in force did not do of them before it: :func:`road_work_done`),
routes reported closed stay closed
until a report reopens them, and the planner starts from the recorded State — what is in transit
arrives when its trip ends, what was given is gone, damaged routes are damaged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any

import numpy as np

from supplyline.hazards import damage_days_left, damage_held
from supplyline.network import Network, compile_network, surplus_kg
from supplyline.ops.books import Books
from supplyline.ops.entries import (
    Dispatch,
    Labour,
    Receipt,
    RouteReport,
    Trip,
    Wounded,
    closed_spans,
    outside_horizon,
    service_left,
)
from supplyline.ops.tables import read_item
from supplyline.scenario.schema import Closure, RoadWork, Scenario
from supplyline.scenario.series import series_over_horizon
from supplyline.state import FloatArray, State, Transit, WoundedWaiting
from supplyline.units import said_date

__all__ = ["Figures", "ReplanRefused", "as_of_refused", "before_replan", "changes_in_tonnes",
           "compare_plans", "crew_food", "crew_food_sent",
           "entries_left_out", "figures_of", "in_force_by_day", "left_out_of_the_day",
           "lost_by_home", "plan_vs_actual",
           "plans_in_force",
           "recorded_state", "replan", "replan_in_force", "road_work_done", "scenario_from",
           "wounded_waiting"]


def _days(a: dt.date, b: dt.date) -> int:
    return (b - a).days


def route_reports(books: Books, as_of: dt.date) -> list[RouteReport]:
    """The route reports standing in the books dated up to and including ``as_of``, oldest
    first: what is known of the routes on that day (a closure, a reopening, a strike
    reported on it) shapes a plan from it, where the State counts only the movements of
    the days before it."""
    found = [r.entry for r in books.entries(kind="route", effective=True, until=as_of)]
    reports = [e for e in found if isinstance(e, RouteReport)]
    return sorted(reports, key=lambda e: e.date)


@dataclass(frozen=True)
class Damage:
    """What the reported strikes and damage take from a route on a date: ``share`` of its
    capacity for ``days`` more days (from that date on, the last in part), by the one repair
    rule (:func:`~supplyline.hazards.damage_held`); the route is whole again after
    ``repaired_in`` days, when the last of them is repaired (``days`` where they do not
    overlap; fewer capacity-days are left than ``share`` × ``repaired_in`` where they
    do)."""

    share: float
    days: float
    repaired_in: float


def route_damage(reports: list[RouteReport], sc: Scenario, as_of: dt.date) -> dict[str, Damage]:
    """The damage each route holds on ``as_of``: a strike or damage takes its share of the
    route's capacity from the day after its date for the route's repair days, as the planner
    and the simulator have it (on its own day it takes cargo and units, which the convoys'
    receipts record; one reported on ``as_of`` itself is held from ``as_of`` on, the
    dashboard's view of today, to the same end:
    :func:`~supplyline.hazards.damage_days_left`), so that the days left count down by one
    a day; strikes that hold together
    add up, day by day, to at most the whole capacity. One share and one count of days
    stand for them all: the share lost now, for as many days as keep the capacity-days
    they take together (staggered strikes are so evened out). A repair report ends them
    all."""
    repair = {r.key: r.repair_days for r in sc.routes}
    held: dict[str, list[tuple[float, float]]] = {}  # route: (share, days left on as_of)
    for e in reports:
        if e.date > as_of:
            continue
        if e.status in ("strike", "damage"):
            assert e.capacity_lost is not None
            left = damage_days_left(repair[e.route], _days(e.date, as_of))
            if left > 0:
                held.setdefault(e.route, []).append((e.capacity_lost, left))
        elif e.status == "repaired":
            held.pop(e.route, None)
    out: dict[str, Damage] = {}
    for route, parts in held.items():
        shares, days = np.array(parts).T
        # Day by day, the strikes' damage adds up to at most the whole capacity; the route
        # keeps those capacity-days, at the share lost now.
        lost = np.minimum(damage_held(shares, days, int(np.ceil(days.max()))).sum(axis=0), 1.0)
        share = min(1.0, float(shares.sum()))
        out[route] = Damage(share, float(lost.sum()) / share, float(days.max()))
    return out


def scenario_from(sc: Scenario, as_of: dt.date, closed: dict[str, list[tuple[dt.date, dt.date]]],
                  done: Mapping[int, float] | None = None) -> Scenario:
    """The scenario moved to start on ``as_of`` (see the module's docstring). ``done``: the
    person-days of each road work (by its index in ``sc.road_works``) done before
    ``as_of``, as :func:`road_work_done` counts them from the plans in force; where it is
    ``None``, those the plan from the scenario's start does before it (made here, where a
    work is under way on ``as_of``)."""
    elapsed = _days(sc.start_date, as_of)
    places = []
    for p in sc.places:
        if p.kind == "locality" and elapsed > 0:
            stock = dict(p.stock_kg)
            for c in sc.commodities:
                moved = float(surplus_kg(sc, p, c.id, elapsed))
                if c.id in stock or moved != 0.0:
                    stock[c.id] = moved
            p = p.model_copy(update={"stock_kg": stock})
        places.append(p)
    routes = []
    for r in sc.routes:
        rid = r.key
        spans = [Closure(start=max(a, as_of), end=b) for a, b in closed.get(rid, []) if b >= as_of]
        if spans:
            r = r.model_copy(update={"closed": [*r.closed, *spans]})
        routes.append(r)
    works = [w for _i, w in _works_left(sc, as_of, done)]
    return sc.model_copy(update={"start_date": as_of, "places": places, "routes": routes,
                                 "road_works": works})


def _under_way(sc: Scenario, work: RoadWork, as_of: dt.date) -> bool:
    """Whether ``work`` has begun before ``as_of`` and is due on or after it."""
    return (work.start or sc.start_date) < as_of <= work.by


def _works_left(sc: Scenario, as_of: dt.date, done: Mapping[int, float] | None
                ) -> list[tuple[int, RoadWork]]:
    """The road works of ``sc`` left on ``as_of`` (see :func:`scenario_from`), each with its
    index in ``sc.road_works``."""
    works = []
    for i, w in enumerate(sc.road_works):
        if w.by < as_of:
            continue  # due before the re-plan's start: taken as done
        if _under_way(sc, w, as_of):
            # Under way: what the plans did not do of it before as_of (a plan may do a
            # work in its first days: nothing spreads it over its dates).
            if done is None:
                done = _start_plan_done(sc, as_of)
            left = w.crew_days - done.get(i, 0.0)
            if left <= 1e-6:
                continue  # all done before the re-plan's start
            w = w.model_copy(update={"start": as_of, "crew_days": left})
        works.append((i, w))
    return works


def _start_plan_done(sc: Scenario, as_of: dt.date) -> dict[int, float]:
    from supplyline.plan import plan as make_plan

    return _done_before(figures_of(make_plan(sc)), as_of)


def _done_before(figures: Figures, as_of: dt.date) -> dict[int, float]:
    """Person-days of each road work (by its index in the scenario) that ``figures`` do
    before ``as_of``."""
    start = dt.date.fromisoformat(figures["start"])
    ahead = max(0, _days(start, as_of))
    return {int(i): float(sum(days[:ahead])) for i, days in figures["road_work"].items()}


def road_work_done(books: Books, as_of: dt.date, in_force: Figures | None = None
                   ) -> dict[int, float]:
    """Person-days of each road work (by its index in the books' scenario) done before
    ``as_of``: what the plans in force did of it, day by day (``in_force``, else the plans
    the books keep: :func:`in_force_by_day`), as what they asked of given goods and convoys
    is taken as done until the books record otherwise. The books' ``road_crew`` labour
    entries are no record of it: they register persons of a locality to serve for days,
    and name no work, nor what was done. Where no plan is in force, or one kept before the
    plans kept their road work days is, the plan from the scenario's start counts."""
    sc = books.scenario
    if not any(_under_way(sc, w, as_of) for w in sc.road_works):
        return {}  # (no work under way: nothing to read, nor a plan to make)
    if in_force is None:
        in_force = in_force_by_day([f for _id, f in books.plans_kept()])
    if in_force is not None and "road_work" in in_force:
        return _done_before(in_force, as_of)
    return _start_plan_done(sc, as_of)


def lost_by_home(books: Books, net: Network, before: dt.date | None = None) -> FloatArray:
    """Units lost on the way [P, M], by home, counting the books' entries dated before
    ``before`` (all when ``None``): a convoy's losses are of its own units, each home's in
    proportion to its units on the convoy. A home none of whose units were on it takes no
    share: porters that never left their village were not lost on the way.

    The books count the units waiting at a place, not whose they are, so they are followed
    here by home: units registered or put into service wait at their home; a convoy takes
    of each home's units waiting where it leaves in proportion to them on its day, and
    those it does not lose wait where it arrives, each home's the same share of them.

    A day is counted as the books check it, whole: a convoy takes of the units waiting
    where it leaves at the start of its day and of those that come there that day
    (registered, put into service, or arrived, on a convoy sent that day too), whatever
    the order the entries were written in. Where convoys sent on a day arrive that day and
    others leave from where they arrived, each place's units by home are what it had and
    was given, and of each convoy that arrived the share of its origin's: one set of
    linear equations, solved together. Corrections and cancellations count as the books
    do: what stands of them (:meth:`~supplyline.ops.books.Books.unit_moves`)."""
    place = {p: i for i, p in enumerate(net.place_ids)}
    mode = {m: i for i, m in enumerate(net.mode_ids)}
    n = net.n_places
    waiting = np.zeros((n, n, net.n_modes))  # [place, home, mode]
    lost: FloatArray = np.zeros((n, net.n_modes))  # [home, mode]
    mix: dict[int, FloatArray] = {}  # a convoy's units by home, as shares of one unit
    items: dict[str, tuple[str, int]] = {}  # item: (its kind, its mode's index)
    for _day, moves in groupby(books.unit_moves(before), key=itemgetter(0)):
        pool = waiting.copy()  # the day's units, by place, home and mode
        sent: dict[int, tuple[int, float]] = {}  # convoy: (from, units)
        landed: dict[int, tuple[int, float]] = {}  # convoy: (to, units)
        gone: dict[int, float] = defaultdict(float)  # convoy: units lost
        mode_of: dict[int, int] = {}
        for _date, kind, convoy, at, name, delta in moves:
            if name not in items:
                item = read_item(name)
                items[name] = (item.kind, mode[item.mode])
            what, m = items[name]
            p = place[at]
            if convoy is not None:
                mode_of[convoy] = m
            if what == "unitlost" and convoy is not None:
                gone[convoy] += delta
            elif what != "unit":
                continue  # (units in service: the books' balances count them)
            elif kind == "dispatch" and delta < 0 and convoy is not None:
                sent[convoy] = (p, -delta)
            elif kind == "receipt" and convoy is not None:
                landed[convoy] = (p, delta)
            else:
                pool[p, p, m] += delta  # registered, or put into service, at home
        count = pool.sum(axis=1)  # [place, mode]: the units each place has that day
        same_day = np.zeros((net.n_modes, n, n))  # [mode, to, from]: units arrived
        for convoy, (to, units) in landed.items():
            m = mode_of[convoy]
            count[to, m] += units
            if convoy in sent:
                same_day[m, to, sent[convoy][0]] += units
            else:
                pool[to, :, m] += units * mix.get(convoy, np.zeros(n))
        for k in np.flatnonzero(same_day.any(axis=(1, 2))):
            # pool[to] = what it had and was given + Σ arrived(from → to) × pool[from]
            # / count[from], for every place at once
            share = np.divide(same_day[k], count[None, :, k], out=np.zeros((n, n)),
                              where=count[None, :, k] > 0)
            solved = np.linalg.lstsq(np.eye(n) - share, pool[:, :, k], rcond=None)[0]
            pool[:, :, k] = np.maximum(solved, 0.0)
        for convoy, (origin, _units) in sent.items():
            m = mode_of[convoy]
            mix[convoy] = (pool[origin, :, m] / count[origin, m] if count[origin, m] > 0
                           else np.zeros(n))
        for convoy, (origin, units) in sent.items():
            pool[origin, :, mode_of[convoy]] -= units * mix[convoy]
        waiting = np.maximum(pool, 0.0)
        for convoy, units in gone.items():
            lost[:, mode_of[convoy]] += units * mix.get(convoy, np.zeros(n))
    return lost


def recorded_state(books: Books, net: Network, as_of: dt.date,
                   lost: FloatArray | None = None) -> State:
    """The State the books give at the start of ``as_of``, in the indices of ``net`` (the
    scenario's network, or the one moved to start on ``as_of``): the entries dated before
    it, and the route reports dated on it too (:func:`route_reports`). ``lost``: the units
    lost on the way, by home (:func:`lost_by_home`), where the caller has them.

    Raises ``ValueError`` where ``as_of`` is no day of the horizon, or ``net`` is not of the
    books' scenario."""
    sc = books.scenario
    if (wrong := _not_a_day(as_of)) is not None:
        raise ValueError(f"as_of: {wrong}")
    if (outside := outside_horizon(as_of, sc.start_date, sc.end_date)) is not None:
        raise ValueError(f"as_of: {outside}")
    if (other := _not_its_network(sc, net)) is not None:
        raise ValueError(f"net: {other}")
    place = {p: i for i, p in enumerate(net.place_ids)}
    com = {c: i for i, c in enumerate(net.commodity_ids)}
    mode = {m: i for i, m in enumerate(net.mode_ids)}
    state = State.initial(net)
    state.date = as_of
    state.stock_kg[:] = 0.0
    balances = books.on_hand(before=as_of)
    for (p, item), value in balances.items():
        counted = read_item(item)
        if counted.kind == "good" and item in com:
            state.stock_kg[place[p], com[item]] = max(value, 0.0)
        elif counted.kind == "unit":
            state.units_idle[place[p], mode[counted.mode]] = max(value, 0.0)
        elif counted.kind == "service":
            state.in_service[place[p], mode[counted.mode]] = max(value, 0.0)
    until = as_of - dt.timedelta(days=1)
    for (locality, good), kg in books.given(before=as_of).items():
        state.given_kg[place[locality], com[good]] = max(kg, 0.0)
    # Carriers registered (persons, and the service days they owe) per home and mode.
    carriers = np.zeros((net.n_places, net.n_modes))
    owed = np.zeros((net.n_places, net.n_modes))
    for r in books.entries(kind="labour", effective=True, until=until):
        e = r.entry
        assert isinstance(e, Labour)
        days = e.persons * service_left(e, as_of)
        state.persons[place[e.locality]] += e.persons
        if e.role == "carrier" and e.mode is not None:
            carriers[place[e.locality], mode[e.mode]] += e.persons
            owed[place[e.locality], mode[e.mode]] += days
    # Units lost on the way leave service; carriers lost owe no more days (each lost
    # person the average days its home's carriers of the mode still owe).
    if lost is None:
        lost = lost_by_home(books, net, as_of)
    state.in_service = np.maximum(state.in_service - lost, 0.0)
    persons_lost = lost * net.crew_per_unit[None, :]
    per_person = np.divide(owed, carriers, out=np.zeros_like(owed), where=carriers > 0)
    # The days owed are the carriers' crews', by home and mode (a road crew or a stretcher
    # bearer crews no unit): the planner's rows read them so.
    state.labour_days_left = np.maximum(
        owed - np.minimum(persons_lost * per_person, owed), 0.0)
    state.transit = _transit(books, net, as_of)
    state.wounded = wounded_waiting(books, net, as_of)
    for route, damage in route_damage(route_reports(books, as_of), sc, as_of).items():
        state.route_damage[net.route_ids.index(route)] = damage.share
        state.route_damage_days[net.route_ids.index(route)] = damage.days
    return state


def _not_a_day(as_of: Any) -> str | None:
    """What is wrong with ``as_of`` where it is not a day (a ``datetime.date``; a
    ``datetime``, text or a number is not one), ``None`` where it is."""
    if isinstance(as_of, dt.date) and not isinstance(as_of, dt.datetime):
        return None
    return f"expected a date (datetime.date), got {type(as_of).__name__} {as_of!r}"


def _not_its_network(sc: Scenario, net: Any) -> str | None:
    """What is wrong with ``net`` where it is not a network of ``sc`` (or of ``sc`` moved to
    a later day: the same places, goods, modes and routes), ``None`` where it is."""
    if not isinstance(net, Network):
        return (f"expected a compiled Network of the books' scenario "
                f"(sl.compile_network(books.scenario)), got {type(net).__name__}")
    ids = (("place", [p.id for p in sc.places], net.place_ids),
           ("good", [c.id for c in sc.commodities], net.commodity_ids),
           ("mode", [m.id for m in sc.modes], net.mode_ids),
           ("route", [r.key for r in sc.routes], net.route_ids))
    missing = [f"{what} {name!r}" for what, ours, theirs in ids
               for name in ours if name not in set(theirs)]
    if not missing:
        return None
    shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3
                                      else "")
    return (f"expected a network of the books' scenario {sc.name!r} "
            f"(sl.compile_network(books.scenario)), got one of {net.scenario.name!r}, "
            f"without its {shown}")


def wounded_waiting(books: Books, net: Network, as_of: dt.date) -> WoundedWaiting:
    """The wounded not yet at a hospital at the start of ``as_of``: those the scenario says
    arose at each front before then, less those the books say were brought in from it
    (``wounded`` entries; the oldest first, a front's flows that name the entry's hospital
    first), waiting at their front, by the day they were wounded."""
    sc = books.scenario
    elapsed = _days(sc.start_date, as_of)
    if not sc.wounded or elapsed <= 0:
        return WoundedWaiting()
    arisen = [series_over_horizon(w.persons_per_day, sc)[:elapsed].copy() for w in sc.wounded]
    for r in books.entries(kind="wounded", effective=True,
                           until=as_of - dt.timedelta(days=1)):
        e = r.entry
        assert isinstance(e, Wounded)
        left = float(e.persons)
        flows = sorted((j for j, w in enumerate(sc.wounded) if w.front == e.front),
                       key=lambda j: e.hospital not in sc.wounded[j].hospitals)
        for j in flows:
            for d in np.flatnonzero(arisen[j] > 0):
                taken = min(left, float(arisen[j][d]))
                arisen[j][d] -= taken
                left -= taken
                if left <= 0:
                    break
            if left <= 0:
                break
    group, place, persons, ago = [], [], [], []
    for j, daily in enumerate(arisen):
        for d in np.flatnonzero(daily > 1e-9):
            group.append(j)
            place.append(net.place_ids.index(sc.wounded[j].front))
            persons.append(float(daily[d]))
            ago.append(float(elapsed - d))
    return WoundedWaiting(group=np.array(group, dtype=np.int64),
                          place=np.array(place, dtype=np.int64),
                          persons=np.array(persons, dtype=float),
                          arrive_in_days=np.zeros(len(group)),
                          wounded_days_ago=np.array(ago, dtype=float))


def _transit(books: Books, net: Network, as_of: dt.date) -> Transit:
    """Convoys sent before ``as_of`` and not received before it: they arrive when their
    trip ends (at once when that is past), a loaded trip's where they carry cargo, an empty
    one's else, with what they loaded less what their crews eat on the way."""
    until = as_of - dt.timedelta(days=1)
    # Each dispatch's convoy (its first dispatch's id), whatever their dates: a correction
    # may be dated before the dispatch it corrects (the day the convoy really left), which
    # the State of the days between had ended on (a KeyError).
    every = books.entries(kind="dispatch")
    root: dict[int, int] = {}
    for r in every:
        root[r.id] = root[r.corrects] if r.corrects is not None else r.id
    received = set()
    for r in books.entries(kind="receipt", effective=True, until=until):
        e = r.entry
        assert isinstance(e, Receipt)
        received.add(root.get(e.dispatch, e.dispatch))
    # Those sent before as_of that no later entry corrects or cancels.
    sent = [r for r in every if r.date <= until and r.replaced_by is None
            and root[r.id] not in received]
    # Each convoy's trip as the books reckon it (Index.trip: the planner's rule, on the
    # convoy's own day, loaded or empty), as its receipt and the closures are judged.
    n_c = net.n_commodities
    dest, modes, arrive, units = [], [], [], []
    cargo = np.zeros((len(sent), n_c))
    for i, r in enumerate(sent):
        e = r.entry
        assert isinstance(e, Dispatch)
        trip = books.index.trip(e)
        day = _days(books.scenario.start_date, e.date)
        dest.append(net.place_ids.index(e.to))
        modes.append(net.mode_ids.index(e.mode))
        arrive.append(max(0.0, day + (trip.days if trip is not None else 0.0)
                          - _days(books.scenario.start_date, as_of)))
        units.append(e.units)
        for good, kg in e.cargo_kg.items():
            cargo[i, net.commodity_ids.index(good)] += kg
        # What a convoy loads holds the food its crew eats on the way: that lands no more,
        # as in the plan.
        for good, kg in crew_food(e, trip).items():
            at = net.commodity_ids.index(good)
            cargo[i, at] = max(cargo[i, at] - kg, 0.0)
    return Transit(dest=np.array(dest, dtype=np.int64), mode=np.array(modes, dtype=np.int64),
                   arrive_in_days=np.array(arrive, dtype=float),
                   units=np.array(units, dtype=float), cargo_kg=cargo)


# --- plan figures and plan against actual -------------------------------------------------

Figures = dict[str, Any]


def figures_of(plan: Any, works: list[int] | None = None) -> Figures:
    """What a plan asks, by day (kg, all goods together): given by each locality, sent over
    each route, arriving at each front; and the person-days of each road work
    (``road_work``, by the work's index in the books' scenario: ``works``, of the plan's
    works in order; where ``None``, the plan's own order)."""
    net: Network = plan.network
    start = net.start_date
    length = plan.step_length.astype(int)

    def daily(per_step: np.ndarray) -> list[float]:
        return [round(float(v), 3) for v in np.repeat(per_step / plan.step_length, length)]

    given = np.diff(plan.given_kg.sum(axis=1), axis=1, prepend=0.0)  # [P, S]
    out: Figures = {"start": start.isoformat(), "days": int(net.days), "status": plan.status,
                    "given": {}, "route": {}, "arrive": {}}
    for p, pid in enumerate(net.place_ids):
        if net.is_locality[p] and given[p].sum() > 1e-6:
            out["given"][pid] = daily(given[p])
    sent = plan.cargo_kg.sum(axis=1)  # [L, S]
    route = np.zeros((len(net.route_ids), plan.steps))
    np.add.at(route, net.arc_route[plan.leg_arc], sent)
    for r, rid in enumerate(net.route_ids):
        out["route"][rid] = daily(route[r])
    arrived = plan.arrived_kg().sum(axis=1)  # [L, S by departure]
    legs = plan.legs
    at = np.zeros((net.n_places, plan.steps + 1))
    for k in range(plan.steps):
        np.add.at(at, (legs.dest, legs.cargo_arrives[:, k]), arrived[:, k])
    for p, pid in enumerate(net.place_ids):
        if net.is_front[p]:
            out["arrive"][pid] = daily(at[p, :plan.steps])
    index = works if works is not None else list(range(len(net.road_works)))
    out["road_work"] = {str(index[k]): daily(plan.road_work_days[k])
                        for k in range(len(net.road_works))}
    return out


def _by_day(values: list[float], start: dt.date) -> dict[dt.date, float]:
    return {start + dt.timedelta(days=i): v for i, v in enumerate(values)}


def before_replan(books: Books, figures: Figures | None) -> tuple[dt.date, dt.date]:
    """The days before the plan in force (``figures``) starts, split at what the books
    recorded: until the first day returned, what was planned is what happened (a re-plan
    plans from its day on); from it to the second (the plan's start), the days nothing was
    recorded on yet (a re-plan from after the books' today), what the plans in force before
    asked for them (:func:`in_force_by_day`), as the re-plan's comparison counts them."""
    sc = books.scenario
    start = sc.start_date if figures is None else dt.date.fromisoformat(figures["start"])
    return min(start, max(books.today(), sc.start_date)), start


def plan_vs_actual(books: Books, figures: Figures | None, until: dt.date | None = None,
                   earlier: Figures | None = None) -> list[dict[str, Any]]:
    """Rows ``{what, id, date, planned_kg, actual_kg}`` per locality (given), route (cargo
    sent: what the convoys loaded less their crews' food, ``crew_food_kg`` beside, as a
    plan counts it) and front (arrived) and day, to ``until`` (the scenario's end when
    ``None``). A re-plan plans from its day on: before it, what was planned is what
    happened (as the dashboard's chart of arrivals draws it), up to the books' today; the
    days from then to a re-plan from a later day take what the plans in force before it
    asked (``earlier``: :func:`in_force_by_day` of them; they had read 0 kg planned)."""
    sc = books.scenario
    until = until or sc.end_date
    planned: dict[tuple[str, str, dt.date], float] = defaultdict(float)
    recorded, start = before_replan(books, figures)
    for plan, first, last in ((figures, start, None), (earlier, recorded, start)):
        if plan is None:
            continue
        begins = dt.date.fromisoformat(plan["start"])
        for what, key in (("locality", "given"), ("route", "route"), ("front", "arrive")):
            for name, values in plan[key].items():
                for day, v in _by_day(values, begins).items():
                    if first <= day and (last is None or day < last):
                        planned[(what, name, day)] += v
    actual: dict[tuple[str, str, dt.date], float] = defaultdict(float)
    # A convoy's load holds its crew's food, a plan's cargo does not: a route's figures
    # are its cargo, the food apart (crew_food_kg), so that plan and books count alike.
    food = crew_food_sent(books)
    for (route, day), kg in food.items():
        actual[("route", route, day)] -= kg
    for what, name, day, kg in books.actual_by_day():
        actual[(what, name, day)] += kg
    for counted, kg in actual.items():
        if counted[0] == "route":
            actual[counted] = kg = max(kg, 0.0)
        if counted[2] < recorded:
            planned[counted] += kg
    keys = sorted(set(planned) | set(actual) | {("route", r, d) for r, d in food})

    def row(w: str, n: str, d: dt.date) -> dict[str, Any]:
        out = {"what": w, "id": n, "date": d.isoformat(),
               "planned_kg": round(planned.get((w, n, d), 0.0), 3),
               "actual_kg": round(actual.get((w, n, d), 0.0), 3)}
        if w == "route":
            out["crew_food_kg"] = round(food.get((n, d), 0.0), 3)
        return out

    return [row(w, n, d) for w, n, d in keys
            if d <= until and (planned.get((w, n, d), 0.0) > 1e-6
                               or actual.get((w, n, d), 0.0) > 1e-6
                               or food.get((n, d), 0.0) > 1e-6)]


def crew_food_sent(books: Books) -> dict[tuple[str, dt.date], float]:
    """kg of the crews' own food inside what the standing convoys loaded, by route and day
    (all goods together): each convoy's units × what a unit's crew eats on its trip, as the
    books reckon it (:meth:`~supplyline.ops.entries.Index.trip`, the rule its State in
    transit lands by), at most what it loaded of each good. What a plan sends over a route
    is its cargo alone, the food apart (docs/model.md, "Carriers eat what they carry")."""
    out: dict[tuple[str, dt.date], float] = defaultdict(float)
    for r in books.entries(kind="dispatch", effective=True):
        e = r.entry
        assert isinstance(e, Dispatch)
        eaten = sum(crew_food(e, books.index.trip(e)).values())
        if eaten > 0:
            out[(books.index.route_of(e), e.date)] += eaten
    return dict(out)


def crew_food(convoy: Dispatch, trip: Trip | None) -> dict[str, float]:
    """kg of each good the crew of ``convoy`` eats on its ``trip`` (:meth:`~supplyline.ops.
    entries.Index.trip`) out of what it loaded (docs/model.md, "Carriers eat what they
    carry"): its units × a unit's food, at most what it loaded of the good."""
    food = {} if trip is None else trip.food
    return {good: min(convoy.units * kg, convoy.cargo_kg.get(good, 0.0))
            for good, kg in food.items()}


def plans_in_force(books: Books) -> tuple[Figures | None, Figures | None]:
    """The figures of the plan in force and, day by day, of those in force before it
    (:func:`in_force_by_day`): what :func:`plan_vs_actual` compares with."""
    kept = [figures for _id, figures in books.plans_kept()]
    return (kept[-1] if kept else None), in_force_by_day(kept[:-1])


def compare_plans(old: Figures | None, new: Figures) -> list[dict[str, Any]]:
    """Totals from the new plan's start on, by locality, route and front: what the plan in
    force asked and what the re-plan asks."""
    start = dt.date.fromisoformat(new["start"])
    rows = []
    for what, key in (("locality", "given"), ("route", "route"), ("front", "arrive")):
        names = set(new[key]) | set(old[key] if old else {})
        for name in sorted(names):
            now = sum(new[key].get(name, []))
            before = 0.0
            if old:
                s0 = dt.date.fromisoformat(old["start"])
                before = sum(v for d, v in _by_day(old[key].get(name, []), s0).items()
                             if d >= start)
            if now > 1e-6 or before > 1e-6:
                rows.append({"what": what, "id": name, "in_force_kg": round(before, 1),
                             "replan_kg": round(now, 1)})
    return rows


def changes_in_tonnes(changes: list[dict[str, Any]]
                      ) -> tuple[list[tuple[str, str, str, str, str]], int]:
    """The rows of :func:`compare_plans` as a table says them, in tonnes to one decimal:
    (what, id, in force, re-plan, change); and how many were left out, those of which every
    figure rounds to 0.0 t (a route asked 2 kg and then 7: nothing the table can show)."""
    rows, left_out = [], 0
    for row in changes:
        # The change of the figures shown, so that the three columns add up ("10.4  10.8
        # +0.5" had been printed).
        was, now = round(row["in_force_kg"] / 1000, 1), round(row["replan_kg"] / 1000, 1)
        shown = (f"{was:,.1f}", f"{now:,.1f}", f"{now - was:+,.1f}")
        if shown[0] == shown[1] == "0.0" and shown[2] in ("+0.0", "-0.0"):
            left_out += 1
            continue
        rows.append((str(row["what"]), str(row["id"]), *shown))
    return rows, left_out


@dataclass
class Replan:
    """A re-plan: the plan, the State it started from, and its figures."""

    plan: Any
    state: State
    scenario: Scenario
    figures: Figures


def in_force_by_day(kept: list[Figures]) -> Figures | None:
    """The figures of the plans kept (oldest first) as one plan's: each day's those of the
    latest kept plan that plans it. The last kept is in force from its start; before it,
    the days a re-plan from an earlier day (the day of the last entries) compares with are
    those of the plan that was in force then."""
    if not kept:
        return None
    # (road work days, where every plan kept has them: those kept before had none)
    keys = ("given", "route", "arrive", *(("road_work",) if all(
        "road_work" in f for f in kept) else ()))
    out = {**kept[-1], **{key: dict(kept[-1][key]) for key in keys}}
    if "road_work" not in keys:
        out.pop("road_work", None)
    for older in reversed(kept[:-1]):
        start, begins = dt.date.fromisoformat(out["start"]), dt.date.fromisoformat(older["start"])
        ahead = _days(begins, start)
        if ahead <= 0:
            continue
        for key in keys:
            for name in set(out[key]) | set(older[key]):
                first = list(older[key].get(name, []))[:ahead]
                first += [0.0] * (ahead - len(first))
                out[key][name] = first + list(out[key].get(name, [0.0] * int(out["days"])))
        out["start"], out["days"] = begins.isoformat(), int(out["days"]) + ahead
    return out


def in_force_or_first(books: Books, keep: bool, author: str
                      ) -> tuple[int | None, Figures]:
    """The plan in force (its id) and the figures of the plans in force day by day
    (:func:`in_force_by_day`), or, while the books hold none, the plan from the scenario's
    start, made and kept first (``keep``; a dry run keeps no plan: id None). What a re-plan
    is compared with, from the command line and the council's button."""
    from supplyline.plan import plan as make_plan

    kept = books.plans_kept()
    figures = in_force_by_day([f for _id, f in kept])
    if figures is not None:
        return kept[-1][0], figures
    first = figures_of(make_plan(books.scenario))
    return (books.save_plan(first, author) if keep else None), first


def replan_in_force(books: Books) -> dict[str, Any] | None:
    """The re-plan in force, as it was answered when it was made: its ``id``, the day it
    plans from (``as_of``), its ``status``, the plan it was compared with (``in_force``, the
    one in force before it), what it changes against the plans in force before it
    (``changes``, :func:`compare_plans`) and what it gives the fronts, in words (``outcome``;
    empty for a plan kept without them). ``None`` where no plan is in force, or the plan in
    force is one from the scenario's start."""
    kept = books.plans_kept()
    if not kept or dt.date.fromisoformat(kept[-1][1]["start"]) <= books.scenario.start_date:
        return None
    (last, figures), before = kept[-1], kept[:-1]
    return {"id": last, "as_of": figures["start"], "status": figures.get("status"),
            "in_force": before[-1][0] if before else None,
            "changes": compare_plans(in_force_by_day([f for _id, f in before]), figures),
            "outcome": list(figures.get("outcome", []))}


class ReplanRefused(ValueError):
    """A re-plan from a day before entries the books hold (:func:`entries_left_out`): it
    would leave them out. Raised by :func:`replan`, where an entry is written after its
    callers checked (a clerk's, while the plan in force was being made)."""


def as_of_refused(sc: Scenario, as_of: dt.date) -> str | None:
    """Why a re-plan cannot plan from ``as_of`` (``None`` where it can): a re-plan plans from
    a day after the scenario's start, up to its end. From the start itself, nothing is
    recorded to plan from: that is the plan from the scenario's start, said as the way to
    make it."""
    if sc.start_date < as_of <= sc.end_date:
        return None
    said = f"expected a day after {sc.start_date} and up to {sc.end_date}, got {as_of}"
    if as_of != sc.start_date:
        return said
    return (f"{said}, the scenario's start: plan from the scenario's start instead (the "
            "dashboard's \"Plan from the scenario's start\", POST /api/plans; a re-plan from "
            "a later day keeps that plan first while the books hold none)")


def entries_left_out(books: Books, as_of: dt.date) -> str | None:
    """Why a re-plan from ``as_of`` is refused, ``None`` when it is not: the books hold
    entries dated after it, which it would leave out (it plans from the State at the start
    of ``as_of``, as if they had not been written)."""
    count, last = books.entries_dated(after=as_of)
    if not count or last is None:
        return None
    today = books.today()
    them = "an entry" if count == 1 else f"{count} entries"
    # (those of the day itself whose movements the State does not hold are left out too)
    found = _moves_of_the_day(books, as_of)
    own = sum(found.values())
    also = f", and {own} dated that day ({_kinds_listed(found)})" if own else ""
    return (f"expected a day on or after {last}, the date of the last entry, got {as_of}: "
            f"the books hold {them} dated after {as_of} (the last on {last}){also}, which a "
            f"re-plan from {as_of} would leave out; re-plan from {today} (the books' "
            f"today), or cancel the entries dated by mistake")


#: The kinds of entry whose movements the State counts from the day after their date, as
#: they are said (one, several): a route report counts from its own day, a pledge nowhere
#: in the State, a cancellation's date for nothing.
_MOVES_FROM_THE_NEXT_DAY = {
    "contribution": ("a contribution", "contributions"),
    "labour": ("a registration of labour", "registrations of labour"),
    "dispatch": ("a dispatch", "dispatches"),
    "receipt": ("a receipt", "receipts"),
    "wounded": ("an entry of wounded brought in", "entries of wounded brought in"),
}


def _moves_of_the_day(books: Books, as_of: dt.date) -> dict[str, int]:
    """How many entries standing dated ``as_of`` there are of each kind whose movements the
    State at the start of that day does not hold (:data:`_MOVES_FROM_THE_NEXT_DAY`)."""
    found: dict[str, int] = defaultdict(int)
    for r in books.entries(since=as_of, until=as_of, effective=True):
        if r.kind in _MOVES_FROM_THE_NEXT_DAY:
            found[r.kind] += 1
    return dict(found)


def _kinds_listed(found: dict[str, int]) -> str:
    """Entries counted by kind, as a sentence lists them ('2 contributions and a
    registration of labour')."""
    kinds = [one if found[kind] == 1 else f"{found[kind]} {several}"
             for kind, (one, several) in _MOVES_FROM_THE_NEXT_DAY.items() if kind in found]
    return kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} and {kinds[-1]}"


def left_out_of_the_day(books: Books, as_of: dt.date) -> str | None:
    """What a re-plan from ``as_of`` says of the entries standing dated that day whose
    movements the State it starts from does not hold (it is the State at the start of the
    day: :func:`recorded_state`), ``None`` where there are none. Those dated after it are
    refused (:func:`entries_left_out`); these were left out in silence, a dispatch's cargo
    counted still where it left, to be planned again."""
    found = _moves_of_the_day(books, as_of)
    if not found:
        return None
    count = sum(found.values())
    listed = _kinds_listed(found)
    them, it = ("the entry", "it") if count == 1 else (f"the {count} entries", "them")
    said = (f"The re-plan starts from the State at the start of {said_date(as_of)}, which "
            f"leaves out {them} dated that day ({listed})")
    if as_of >= books.scenario.end_date:
        return f"{said}: the horizon ends that day, so no re-plan counts {it}."
    return f"{said}: re-plan from {said_date(as_of + dt.timedelta(days=1))} to count {it}."


def replan(books: Books, as_of: dt.date, solver: str = "ipm",
           time_limit_s: float | None = None, in_force: Figures | None = None) -> Replan:
    """Plan the rest of the horizon from the State the books give on ``as_of``. Its figures
    keep what it gives the fronts in words (``outcome``,
    :func:`~supplyline.report.facts.replan_outcome`), to be said again once it is kept.
    ``in_force``: the figures of the plans in force day by day, where the caller has them
    (:func:`in_force_or_first`: a dry run's plan from the scenario's start is not kept),
    whose road work days say what is left of the works under way
    (:func:`road_work_done`)."""
    from supplyline.plan import plan as make_plan
    from supplyline.plan.result import Plan
    from supplyline.report.facts import replan_outcome

    sc = books.scenario
    if (wrong := _not_a_day(as_of)) is not None:  # (a text date ended in a TypeError)
        raise ValueError(f"as-of date: {wrong}")
    if (outside := as_of_refused(sc, as_of)) is not None:
        raise ValueError(f"as-of date: {outside}")
    if (refused := entries_left_out(books, as_of)) is not None:
        raise ReplanRefused(refused)
    reports = route_reports(books, as_of)
    done = road_work_done(books, as_of, in_force)
    moved = scenario_from(sc, as_of, closed_spans(reports, sc.end_date), done)
    net = compile_network(moved, checked=False)  # stocks carried forward may be below 0
    # Owned carriers lost on the way are gone: their homes own fewer.
    lost_all = lost_by_home(books, net, as_of)
    lost = np.where(net.owned_units[None, :], lost_all, 0.0)
    if lost.any():
        net = dataclasses.replace(net, carriers_owned=np.maximum(net.carriers_owned - lost,
                                                                 0.0))
    state = recorded_state(books, net, as_of, lost_all)
    result: Plan = make_plan(net, state=state, solver=solver, time_limit_s=time_limit_s)
    figures = figures_of(result, [i for i, _w in _works_left(sc, as_of, done)])
    figures["outcome"] = replan_outcome(result, as_of)
    if (left_out := left_out_of_the_day(books, as_of)) is not None:
        figures["outcome"].append(left_out)
    return Replan(result, state, moved, figures)
