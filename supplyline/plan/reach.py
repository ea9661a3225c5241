"""When a good can first reach a place: lower bounds from the network alone.

From every place that holds the good at the start (or has it arriving on the way) or may
first give it, along every leg a loaded trip can take (:func:`supplyline.accounting.legs_of`),
step by step, as if carriers and their food were everywhere: as cargo, or as the food
carriers carry out for their way back, which they hand over where they arrive. A trip may
leave in the step its cargo arrives, as the planner's balances (by step) allow. No plan can
bring the good sooner, so demand before that day that the place's own stock cannot meet
goes short whatever the plan does. On the legs a trip of the plan can take
(:func:`supplyline.plan.feed.fed_legs`: carriers set out from where they are, each
drawing its food and fuel there) the same search gives a later bound, never an earlier one.

Read by the shortfall findings of a plan (:mod:`supplyline.plan.diagnose`), by
``supplyline check``, which says before any plan which fronts must go short
(:func:`unavoidable_short`), and by ``supplyline resilience`` for the scenario's own grid."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from supplyline.accounting import Legs, legs_of, repair_crew_food
from supplyline.network import Network
from supplyline.plan.result import SHORT_MIN_KG, UNFED_NOTE_KG, note_mass
from supplyline.units import fmt, said_date, words_and

__all__ = ["BeyondSupply", "CrewsUnfed", "Unavoidable", "all_there_is_kg", "before_arrival",
           "beyond_supply", "crews_unfed", "earliest_arrival", "held", "held_at_start",
           "modes_never_used", "never_crossed", "out_of_reach", "step_date", "unavoidable",
           "unavoidable_short", "unfed_words"]

BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


def held(stock_in_kg: NDArray[np.float64], giveable_kg: NDArray[np.float64]) -> BoolArray:
    """Where each good is, or may be given, in each step [P, G, S]: what is held at the
    start or arrives from before it (``stock_in_kg``), and what a locality may have given
    by then (``giveable_kg``, of the goods only)."""
    return np.asarray((stock_in_kg > 0) | (giveable_kg > 0))


def held_at_start(net: Network) -> BoolArray:
    """:func:`held` at a fresh start [P, G, S]: the campaign stock at step 0, and a
    locality's giving from the step it may first give."""
    goods = np.array(net.goods, dtype=np.int64)
    stock_in = np.zeros(net.giveable_kg[:, goods, :].shape)
    stock_in[:, :, 0] = net.initial_stock_kg[:, goods]
    return held(stock_in, net.giveable_kg[:, goods, :])


def earliest_arrival(legs: Legs, held: BoolArray, place: int) -> tuple[IntArray, IntArray]:
    """The first step in which each good can arrive at ``place`` from elsewhere, and the
    place it comes from [G] (the number of steps and -1 where none can). ``held`` [P, G, S]:
    where each good is, or may be given, in each step; what ``place`` holds itself is left
    out."""
    held = held.copy()
    held[place] = False
    steps, n_goods = held.shape[2], held.shape[1]
    first = np.where(held.any(axis=2), held.argmax(axis=2), steps)  # [P, G]
    source = np.where(first < steps, np.arange(first.shape[0])[:, None], -1)
    # The earliest landing of each good by a trip on each leg leaving in step s or later
    # [L, G, S + 1]: its cargo, or sooner the food its carriers carry out for the way back,
    # handed over where they arrive, when they arrive (the cargo is there from its mean
    # arrival, which may be a step later; the planner's stock balances land both so).
    lands = np.where(legs.carried_back > 0,
                     np.minimum(legs.arrive_loaded, legs.cargo_arrives)[:, None, :],
                     legs.cargo_arrives[:, None, :])
    arrives = np.where(legs.loaded_ok[:, None, :], lands, steps)
    later = np.minimum.accumulate(arrives[:, :, ::-1], axis=2)[:, :, ::-1]
    later = np.concatenate([later, np.full((legs.n, n_goods, 1), steps)], axis=2)
    rows, goods = np.arange(legs.n)[:, None], np.arange(n_goods)[None, :]
    while True:
        reached = later[rows, goods, first[legs.origin]]  # [L, G]
        sooner = reached < first[legs.dest]
        if not sooner.any():
            return first[place], source[place]
        for leg, g in zip(*np.nonzero(sooner), strict=True):
            if reached[leg, g] < first[legs.dest[leg], g]:
                first[legs.dest[leg], g] = reached[leg, g]
                source[legs.dest[leg], g] = source[legs.origin[leg], g]


def before_arrival(legs: Legs, held: BoolArray, kg: NDArray[np.float64]) -> NDArray[np.float64]:
    """Of ``kg`` [P, G, S] (food some group went without, at each place and step), how much
    falls before the good can first be at its place: held or given there, or arrived from
    elsewhere [G]."""
    out = np.zeros(kg.shape[1])
    n_steps = kg.shape[2]
    for p in np.nonzero(kg.sum(axis=(1, 2)) > 0)[0]:
        first, _ = earliest_arrival(legs, held, int(p))
        own = np.where(held[p].any(axis=1), held[p].argmax(axis=1), n_steps)  # [G]
        steps = np.arange(n_steps)[None, :] < np.minimum(first, own)[:, None]  # [G, S]
        out += np.where(steps, kg[p], 0.0).sum(axis=1)
    return out


def step_date(net: Network, step: int) -> str:
    """The first day of ``step``, as findings say it: '14 Dec 1953'."""
    return said_date(net.start_date + dt.timedelta(days=int(net.step_start[step])))


def out_of_reach(net: Network, reach: tuple[IntArray, IntArray], held: BoolArray,
                 place: int, g: int) -> tuple[str, tuple[str, ...]]:
    """Why good ``g`` (a goods slot) is short at ``place`` before it can first arrive
    there (``reach``: :func:`earliest_arrival`'s answer for ``place``), and the ids of the
    places that says."""
    first, source = reach
    good, front = net.commodity_ids[net.goods[g]], net.place_label(place)
    if not held[:, g].any():
        return f"no place holds {good} or may give any", ()
    if first[g] >= net.steps:
        return (f"no {good} can reach {front} within the plan from where any is held or "
                f"given", (net.place_ids[place],))
    src = int(source[g])
    return (f"no {good} can reach {front} before {step_date(net, int(first[g]))}, the soonest "
            f"any from {net.place_label(src)} can arrive",
            (net.place_ids[place], net.place_ids[src]))


@dataclass(frozen=True)
class Unavoidable:
    """Demand that goes short whatever the plan does: at front ``place``, of goods slot
    ``good``, ``kg`` at least, on the days before the good can first arrive there, the
    first of which is ``arrives`` (a step; the number of steps when it never can), from
    ``source`` (a place; -1 when none can)."""

    place: int
    good: int
    kg: float
    arrives: int
    words: str  # why, and how much, in words
    source: int = -1


def unfed_words(net: Network, place: int, g: int, fed: int) -> str:
    """Why good ``g`` is short at ``place`` after it could first arrive there, when no
    trip the plan can make lands it before step ``fed`` (:func:`~supplyline.plan.feed.
    fed_legs`; the number of steps: never)."""
    good, front = net.commodity_ids[net.goods[g]], net.place_label(place)
    when = ("within the plan" if fed >= net.steps else
            f"before {step_date(net, fed)}, the soonest one can")
    return (f"no carrier can bring {good} to {front} {when} (carriers set out from where "
            "they are, each drawing its food and fuel there)")


def unavoidable_short(net: Network, carriers: bool = True) -> list[Unavoidable]:
    """What a scenario's fronts must go short of whatever the plan does: demand before its
    good can first arrive (:func:`earliest_arrival`) beyond what the front holds itself, at
    least (spoiling left out); more than :data:`~supplyline.plan.result.SHORT_MIN_KG` each.

    With ``carriers`` (the default) the good arrives no sooner than a trip the plan can
    make can bring it (:func:`~supplyline.plan.feed.fed_legs`: carriers set out from where
    they are, each drawing its food and fuel there), which needs the LP the planner builds
    (about 0.2 s on the built-in scenario); without, only the network's quickest legs,
    as if carriers and their food were everywhere."""
    goods = net.goods
    demand = net.demand_kg[:, goods, :]  # [P, G, S]
    if not demand.any():
        return []
    legs, held = legs_of(net), held_at_start(net)
    trips = legs
    if carriers:
        from supplyline.plan.feed import fed_legs  # (the planner reads this module)
        from supplyline.plan.model import build_lp

        trips = fed_legs(build_lp(net))
    out = []
    for p in np.nonzero(demand.sum(axis=(1, 2)) > 0)[0]:
        reach = earliest_arrival(legs, held, int(p))
        fed = earliest_arrival(trips, held, int(p)) if carriers else reach
        for g in np.nonzero(demand[p].sum(axis=1) > 0)[0]:
            own = float(net.initial_stock_kg[p, goods[g]])
            quickest = float(demand[p, g, :reach[0][g]].sum()) - own
            short = float(demand[p, g, :fed[0][g]].sum()) - own
            if short <= SHORT_MIN_KG:
                continue
            why = []
            if quickest > SHORT_MIN_KG:
                why.append(out_of_reach(net, reach, held, int(p), int(g))[0])
            # The carriers' bound is said where it adds to the shortfall; the first arrival
            # and its source are those of the bound said last.
            first, source = reach[0][g], reach[1][g]
            if fed[0][g] > reach[0][g] and (short > max(quickest, 0.0) or not why):
                why.append(unfed_words(net, int(p), int(g), int(fed[0][g])))
                first, source = fed[0][g], (fed[1][g] if fed[1][g] >= 0 else source)
            out.append(Unavoidable(
                int(p), int(g), short, int(first),
                f"{', and '.join(why)}, so at least {fmt(short / 1000.0)} t of the "
                f"{net.commodity_ids[goods[g]]} it needs goes short", int(source)))
    return out


@dataclass(frozen=True)
class CrewsUnfed:
    """Food the routes' repair crews fed at ``place`` go without whatever the plan does: of
    goods slot ``good``, ``kg`` at least, on the days before the good can first be there
    (held, given or arrived), the first of which is ``first`` (a step; the number of steps
    when it never can)."""

    place: int
    good: int
    kg: float
    first: int
    words: str


def crews_unfed(net: Network) -> list[CrewsUnfed]:
    """What the repair crews must go without whatever the plan does: their rations at each
    route's ``from`` (:func:`~supplyline.accounting.repair_crew_food`) before the good can
    first be there (:func:`before_arrival`, the bound a plan's note on the crews reads,
    "... of it before any can reach where they eat"), more than
    :data:`~supplyline.plan.result.UNFED_NOTE_KG` each."""
    goods = net.goods
    need = np.zeros((net.n_places, len(goods), net.steps))
    np.add.at(need, net.repair_fed_at, repair_crew_food(net))
    legs, where = legs_of(net), held_at_start(net)
    out = []
    for p in np.nonzero(need.sum(axis=(1, 2)) > 0)[0]:
        alone = np.zeros_like(need)
        alone[p] = need[p]
        early = before_arrival(legs, where, alone)
        first, source = earliest_arrival(legs, where, int(p))
        for g in np.nonzero(early > UNFED_NOTE_KG)[0]:
            good, place = net.commodity_ids[goods[g]], net.place_label(int(p))
            # (before_arrival counts nothing where the place holds the good from the start:
            # the good is first there by its own giving, or arriving from elsewhere)
            own = np.nonzero(where[p, g])[0]
            given_first = own.size > 0 and own[0] <= first[g]
            when = int(own[0]) if given_first else int(first[g])
            why = (f"no {good} can be at {place} within the plan" if when >= net.steps else
                   f"no {good} can be at {place} before {step_date(net, when)}"
                   + ("" if given_first else
                      f", the soonest any from {net.place_label(int(source[g]))} can arrive"))
            out.append(CrewsUnfed(int(p), int(g), float(early[g]), when, (
                f"{why}, so the repair crews fed there go without at least "
                f"{note_mass(float(early[g]))} of the {good} they need")))
    return out


@dataclass(frozen=True)
class BeyondSupply:
    """A good whose demand at the fronts over the horizon (``demand_kg``) is more than all
    there is of it (``supply_kg``: what is held at the start anywhere and what the
    localities could give by the end): at least the difference goes short, whatever the plan
    does, before any carrier eats or anything spoils or is lost."""

    good: int  # goods slot
    demand_kg: float
    supply_kg: float
    words: str

    @property
    def short_kg(self) -> float:
        return self.demand_kg - self.supply_kg


def all_there_is_kg(net: Network) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Of each good [G], all there is of it whatever the plan does: what is held at the
    start anywhere, and what the localities could give by the end. Read by
    :func:`beyond_supply` (``check``) and by ``validate``'s bounds on what the fronts eat."""
    goods = net.goods
    return (net.initial_stock_kg[:, goods].sum(axis=0),
            net.giveable_kg[:, goods, -1].sum(axis=0))


def beyond_supply(net: Network) -> list[BeyondSupply]:
    """The goods whose demand is more than all there is of them (:class:`BeyondSupply`), by
    more than :data:`~supplyline.plan.result.SHORT_MIN_KG`: ``check`` said OK of a ration
    that asked 231 t where the localities could give 86.5 t."""
    goods = net.goods
    demand = net.demand_kg[:, goods, :].sum(axis=(0, 2))
    held, given = all_there_is_kg(net)
    out = []
    for g in np.nonzero(demand - held - given > SHORT_MIN_KG)[0]:
        name = net.commodity_label(int(goods[g]))
        at_start = f" and {fmt(held[g] / 1000.0)} t is held at the start" if held[g] else ""
        out.append(BeyondSupply(int(g), float(demand[g]), float(held[g] + given[g]), (
            f"{name}: the fronts need {fmt(demand[g] / 1000.0)} t over the horizon, and the "
            f"localities could give {fmt(given[g] / 1000.0)} t{at_start}: at least "
            f"{fmt((demand[g] - held[g] - given[g]) / 1000.0)} t short")))
    return out


def unavoidable(net: Network) -> list[str]:
    """:func:`unavoidable_short` in words, as ``supplyline check`` says it."""
    return [short.words for short in unavoidable_short(net)]


def _fastest(net: Network, legs: Legs) -> tuple[NDArray[np.float64], float, BoolArray]:
    """Each leg's fastest trip in days [L], the horizon's days, and whether no trip on the
    leg ends within the horizon even leaving at its start [L] (the legs' arrival steps,
    whether or not the route is open then)."""
    fastest = np.minimum(legs.days_loaded, legs.days_empty).min(axis=1, initial=np.inf)
    steps = net.steps
    too_long: BoolArray = ~np.any((legs.arrive_loaded < steps) | (legs.arrive_empty < steps),
                                  axis=1)
    return fastest, float(net.step_length.sum()), too_long


def modes_never_used(net: Network, legs: Legs | None = None) -> dict[int, str]:
    """The modes no plan from the scenario's start can use, each with why in words (after
    the mode's name): none of its trips ends within the horizon, or none of its units could
    come home from any trip from their homes (the routes back run one way: the LP lays out
    no unit where it has no way home). Read by :func:`never_crossed` (``check``) and by the
    report's idle carriers."""
    legs = legs_of(net) if legs is None else legs
    fastest, days, too_long = _fastest(net, legs)
    out: dict[int, str] = {}
    for m in range(net.n_modes):
        mine = legs.mode == m
        # Trips from where its units start, each to a place with no way back to any home of
        # the mode (routes that run one way): a unit there could never come home.
        leaving = mine & np.isin(legs.origin, net.homes[m])
        if mine.any() and too_long[mine].all():
            out[m] = (f"its fastest trip takes {fmt(float(fastest[mine].min()))} days, not "
                      f"within the horizon ({fmt(days)} days)")
        elif leaving.any() and (net.days_home[legs.dest[leaving], m] < 0).all():
            ends = words_and(sorted({net.place_label(int(q)) for q in legs.dest[leaving]}))
            out[m] = (f"no unit could come home from any trip it may make from its homes (to "
                      f"{ends}: the routes back run one way, or none allows it)")
    return out


def never_crossed(net: Network) -> list[tuple[str, str, str]]:
    """Routes over which no trip, by any mode that may use it, ends within the horizon even
    leaving at its start (the legs' arrival steps, closures aside), modes none of whose
    trips does, and modes none of whose units could come home from any trip from their
    homes (the routes back run one way: the LP lays out no unit where it has no way home):
    no plan from the scenario's start uses them (they are kept: units a starting State has
    out may still go home over them).
    Each as (``"route"`` or ``"mode"``, its id, in words)."""
    legs = legs_of(net)
    fastest, days, too_long = _fastest(net, legs)
    out: list[tuple[str, str, str]] = [
        ("mode", net.mode_ids[m], f"{net.mode_label(m)}: {why}")
        for m, why in modes_never_used(net, legs).items()]
    route_of = net.arc_route[legs.arc]
    for r, route in enumerate(net.route_ids):
        mine = route_of == r
        if mine.any() and too_long[mine].all():
            out.append(("route", route, f"{net.route_names[r]}: the fastest trip over it "
                                        f"takes {fmt(float(fastest[mine].min()))} days, "
                                        f"not within the horizon ({fmt(days)} days)"))
    return out
