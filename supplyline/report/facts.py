"""What the reports read of a plan besides its figures per route and per source region
(:mod:`supplyline.plan.figures`): the fronts' stock in days of supply, the shortfalls grouped
by what binds them, idle carriers, the food crews and the wounded went without, route
hazards, and the words and names the pages write them with.

Everything here reads the :class:`~supplyline.plan.result.Plan` and its
:class:`~supplyline.network.Network` and returns plain NumPy arrays, small lists or words, in
tonnes where the name says ``_t`` and in kg where it says ``_kg``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from supplyline.hazards import rainy_day_slowdown
from supplyline.network import BoolArray, FloatArray, Network
from supplyline.plan.kpis import WoundedKpis
from supplyline.plan.metrics import MetricValue
from supplyline.plan.reach import modes_never_used
from supplyline.plan.result import (
    KG_RESOLUTION,
    Plan,
    note_mass,
    whole_units,
)
from supplyline.report.svg import fmt, percent
from supplyline.text import NO_BREAK
from supplyline.units import (
    days,
    distinct,
    said_date,
    said_span,
    short_label,
    told_apart,
    words_and,
)


def tonnes_of(kg: float) -> float:
    """Tonnes to the kg, as the report shows them (its tables, and what the map draws): the
    solver's noise (grams) is 0.

    >>> tonnes_of(38.8e-3), tonnes_of(4_440.0), tonnes_of(2_620_000.4)
    (0.0, 4.44, 2620.0)
    """
    return round(kg / 1000.0, 3) + 0.0


def tonnes_text(tonnes: float) -> str:
    """Tonnes as every table and headline of the reports says them: to the kg
    (:func:`tonnes_of`: the solver's grams are 0), then to three significant figures.

    >>> tonnes_text(0.00000000196), tonnes_text(57.749999998), tonnes_text(1.045291)
    ('0', '57.8', '1.05')
    """
    return fmt(tonnes_of(1000.0 * tonnes))


def whole(count: float) -> int:
    """Units or persons as the whole number needed, by the plan's one rule
    (:func:`supplyline.plan.result.whole_units`, as the headline's "Fleet needed").

    >>> whole(70.6), whole(56.0000004), whole(0.0)
    (71, 56, 0)
    """
    return int(whole_units(count))


def mass_words(kg: float) -> str:
    """An amount in words: '4.2 kg' below a tonne, '2.4 t' from a tonne."""
    return f"{fmt(kg)} kg" if kg < 1000 else f"{fmt(kg / 1000.0)} t"


def commodity_name(plan: Plan, g: int) -> str:
    """Display name of good ``g`` of the plan (:meth:`Network.commodity_name`)."""
    return plan.network.commodity_name(int(plan.goods[g]))


def mode_labels(plan: Plan, mode_ids: Sequence[str]) -> str:
    """Modes given by id, as the tables and legends name them: 'Porter, Pack bicycle'."""
    net = plan.network
    return ", ".join(net.mode_label(net.mode_ids.index(m)) for m in mode_ids)


def commodity_label(plan: Plan, g: int) -> str:
    """Good ``g`` of the plan as a table or sentence names it
    (:meth:`Network.commodity_label`)."""
    return plan.network.commodity_label(int(plan.goods[g]))


@dataclass(frozen=True)
class Reserve:
    """A reserve target as the scenario asks it (``demand[].reserves``): ``days`` of supply
    of the demand on day ``by``, which is ``kg``; the plan holds it at the end of the step
    ``step`` that holds that day (the end of a step is the only time a plan made in steps
    knows its stock)."""

    step: int
    by: int  # days since the start
    days: float
    kg: float


def reserve_asks(net: Network) -> list[Reserve]:
    """The network's reserve targets (``Network.reserve_targets``, in its order) with the
    day and the days of supply the scenario asks for (of all the front's demand that day:
    the reserves of two demand entries at one front add up)."""
    return [Reserve(step, day, days, kg) for (_, _, step, kg), (day, days)
            in zip(net.reserve_targets, net.reserve_days, strict=True)]


@dataclass(frozen=True)
class StockLine:
    """Days of supply held at one front for one good, and its reserve targets: ``targets``
    on the line's own scale (the kg asked for over the step's mean daily demand, as the
    line divides the stock), ``reserves`` as the scenario asks them."""

    label: str
    front: int
    good: int
    days_of_supply: FloatArray  # [S], NaN in steps without demand
    targets: list[tuple[int, float]]  # (step, days of supply wanted)
    reserves: list[Reserve] = field(default_factory=list)  # one for each target


def stock_days(plan: Plan) -> list[StockLine]:
    """Stock at each front at the end of each step, in days of the step's mean daily demand,
    per good with demand there."""
    net = plan.network
    goods = [int(c) for c in plan.goods]
    fronts = [int(p) for p in np.nonzero(net.is_front)[0]]
    asks = reserve_asks(net)
    lines: list[StockLine] = []
    for p in fronts:
        for g in range(len(goods)):
            demand = plan.demand_kg[p, g] / plan.step_length  # kg a day
            if demand.sum() <= 0:
                continue
            # Stock below the report's resolution is none: the solver's crumbs (a
            # millionth of a day) would otherwise set a chart's scale.
            stock = np.where(np.abs(plan.stock_kg[p, g]) < KG_RESOLUTION, 0.0,
                             plan.stock_kg[p, g])
            ratio = np.divide(stock, demand, out=np.full(plan.steps, np.nan),
                              where=demand > 0)
            reserves = [ask for (tp, c, _, _), ask in zip(net.reserve_targets, asks, strict=True)
                        if tp == p and c == goods[g] and demand[ask.step] > 0]
            targets = [(r.step, r.kg / float(demand[r.step])) for r in reserves]
            name = commodity_label(plan, g)
            label = name if len(fronts) == 1 else f"{net.place_label(p)} · {name}"
            lines.append(StockLine(label, p, g, ratio, targets, reserves))
    return lines


def asks_nothing(plan: Plan) -> bool:
    """Whether no front asks for anything over the plan's horizon (a scenario whose fronts
    ask for nothing, or a plan from a State with nothing left to deliver)."""
    return float(plan.demand_kg[plan.network.is_front].sum()) <= 0


#: Why the report shows no chart or table of a part of the plan: one line each, said alike
#: by the HTML report (under the section's heading) and the terminal (after the table's
#: title), so that a reader never finds a part missing without a word.
NOTHING_ASKED = "no front asks for anything over this plan's horizon"
NO_LOCALITIES = "the scenario has no localities"


def left_out_words(plan: Plan, part: str) -> str:
    """Why the report shows nothing of ``part`` of the plan, as one sentence:
    ``"deliveries"`` (nothing consumed at the fronts), ``"stock"`` (no demand to count the
    fronts' stock in days of), ``"carriers"`` (no carrier in service), ``"routes"`` (no
    route carried anything), ``"eaten"`` (no route delivered anything), ``"localities"``
    (none in the scenario), ``"burden"`` (no locality gave or served), ``"balance"`` (no
    good held, given or moved), ``"commodities"`` (no demand and nothing given)."""
    asked = tonnes_text(float(plan.kpis()["demand_t"]))
    why = {
        "deliveries": NOTHING_ASKED if asks_nothing(plan) else
        f"the fronts consumed nothing of the {asked} t they asked for",
        # (stock is counted in days of demand: a front with none has no such days)
        "stock": f"{NOTHING_ASKED}: there is no demand to count the fronts' stock in days of",
        "carriers": "no carrier was put into service: nothing was carried",
        "routes": "no route carried anything",
        "eaten": "no route delivered anything",
        "localities": NO_LOCALITIES,
        "burden": "no locality gave anything or served",
        "balance": "no good was held, given, eaten or carried",
        "commodities": f"{NOTHING_ASKED}, and no locality gave anything",
    }[part]
    return why[0].upper() + why[1:] + "."


#: What the two burdens are, said alike by the report's chart and the terminal's table.
FOOD_BURDEN_MEANS = "what each locality gave as a share of what it could give above subsistence"
LABOUR_BURDEN_MEANS = "the share of its labour pool that served"


def burden_bound(plan: Plan) -> tuple[float, str]:
    """The fairness bound to compare burdens with, and what it is."""
    bound = plan.network.max_burden_bound
    fixed = "; the replay's fixed figures may exceed it" if plan.replay else ""
    if bound is not None:
        return float(bound), "fairness bound set by the policy" + fixed
    if plan.replay:  # (a replay fixes the food given: only the labour is held to the bound)
        return float(plan.max_burden), (
            "largest share of a labour pool in service, lowered as far as it is worth "
            "against the other costs (policy.weights.max_burden); the food the replay "
            "fixes is not held to it")
    return float(plan.max_burden), ("largest burden of the plan, lowered as far as it is "
                                    "worth against the other costs "
                                    "(policy.weights.max_burden)")


@dataclass(frozen=True)
class Shortfall:
    """Findings that share a front and the same binding limits, told once."""

    front: str  # display name
    short: list[tuple[str, float, int]]  # (commodity name, tonnes short, first day short)
    binding: list[str]


def shortfalls(plan: Plan) -> list[Shortfall]:
    """The plan's findings grouped by front and binding limits (in the order found)."""
    net = plan.network
    groups: dict[tuple[str, tuple[str, ...]], list[tuple[str, float, int]]] = {}
    for f in plan.findings:
        key = (f.front, tuple(f.binding))
        c = net.commodity_ids.index(f.commodity) if f.commodity in net.commodity_ids else -1
        name = net.commodity_label(c) if c >= 0 else f.commodity
        groups.setdefault(key, []).append((name, f.shortfall_t, f.first_day))
    out = []
    for (front, binding), short in groups.items():
        p = net.place_ids.index(front) if front in net.place_ids else -1
        out.append(Shortfall(net.place_label(p) if p >= 0 else front, short, list(binding)))
    return out


def demand_short(plan: Plan) -> bool:
    """Whether some front went short of some good (:meth:`Plan.short_steps`, the rule by
    which the plan's findings list a front and good, "Why demand is not met"): then the
    headline's "Delivered" turns red."""
    return bool(plan.short_steps())


def not_looked_for(plan: Plan) -> str:
    """Where the fronts go short but the plan was made without looking for what holds them
    short (``sl.plan(..., explain=False)``), a sentence saying so, so that its empty
    findings do not read as demand met; '' otherwise."""
    if plan.explained or not demand_short(plan):
        return ""
    short = tonnes_text(float(plan.kpis()["shortfall_t"]))
    return (f"The fronts go {short} t short; what holds them short was not looked for "
            "(made with explain=False): supplyline plan says it.")


def shortfall_words(plan: Plan, shortfall: Shortfall) -> tuple[str, str]:
    """What is short and what binds, as two sentences that follow the front's name: "is short
    of rice by 39.2 t (from 6 Dec 1953) and salt by 23.6 t (from 1 Dec 1953)." and "What
    binds: ...".
    """
    start = plan.network.scenario.start_date
    parts = []
    for name, tonnes, day in shortfall.short:
        parts.append(f"{name.lower()} by {tonnes_text(tonnes)} t (from "
                     f"{said_date(start + dt.timedelta(days=day))})")
    what = words_and(parts)
    why = "; ".join(shortfall.binding) or "no single limit stands out"
    return f"is short of {what}.", f"What binds: {why}."


def time_words(plan: Plan) -> str:
    """How long the plan took, in words, as the summary and the report say it: 'built and
    solved in 1.22 s', with ', what holds the fronts short found in 5.94 s' where that took
    a twentieth of a second or more."""
    said = f"built and solved in {fmt(plan.build_seconds + plan.solve_seconds)} s"
    if plan.explain_seconds >= 0.05:
        said += f", what holds the fronts short found in {fmt(plan.explain_seconds)} s"
    return said


def model_text(value: MetricValue) -> str:
    """A figure's model value, to as many digits as tell it apart from the record's figures
    it is judged against (:func:`~supplyline.units.told_apart`): a FAIL had shown "26.8 %"
    beside "26.8 %"."""
    return told_apart(value.model, [b for b in (value.value, *value.bounds())
                                    if math.isfinite(b)])


def input_words(value: MetricValue) -> str:
    """Why a figure of the record is set by the inputs, and, where the value they give lies
    outside the record's tolerance, that it does: the terminal's note, the report's badge
    and its summary say it alike (the summary had left the second part out)."""
    differs = ("; the inputs give a value outside the record's tolerance"
               if value.within is False else "")
    return value.input_reason + differs


def replan_outcome(plan: Plan, as_of: dt.date) -> list[str]:
    """What a re-plan (made from ``as_of``) gives the fronts, in words, as the command line
    and the dashboard say it: how short it leaves them of what they need from that day,
    why (each front short, what and what binds, as a plan's findings are said:
    :func:`shortfall_words`), then what else it could not do (:meth:`Plan.gave_up`)."""
    kpis = plan.kpis()
    short, need = float(kpis["shortfall_t"]), tonnes_text(kpis["demand_t"])
    day = said_date(as_of)  # (as its findings say their days: one list, one way)
    head = (f"The re-plan leaves the fronts {tonnes_text(short)} t short of the {need} t they "
            f"need from {day}." if short >= 0.0005 else
            f"The re-plan meets all of the {need} t the fronts need from {day}.")
    return [head, *outcome_lines(plan, said_before=True)]


def outcome_lines(plan: Plan, said_before: bool = False) -> list[str]:
    """Why the fronts go short (each front's findings: :func:`shortfall_words`), then what
    else the plan could not do (:meth:`Plan.gave_up`), as sentences: what a re-plan says
    under its first line, and a notebook under a plan's figures. The first of these reads
    "It could not do this either" after a shortfall or a line ``said_before`` them (the
    re-plan's), and "It could not do this" where nothing comes before it."""
    why = [" ".join((group.front, *shortfall_words(plan, group)))
           for group in shortfalls(plan)] or [s for s in (not_looked_for(plan),) if s]
    first = "It could not do this either" if why or said_before else "It could not do this"
    return [*why, *(f"{first if k == 0 else 'Nor this'}: {note}."
                    for k, note in enumerate(plan.gave_up()))]


def wrap_name(text: str, width: int = 28) -> list[str]:
    """A name cut into balanced lines of about ``width`` characters at spaces, never inside a
    word and never shortened: the lines joined by spaces give the name back.

    >>> wrap_name("Son La villages (Son La, Thuan Chau); relay station at the town")
    ['Son La villages (Son', 'La, Thuan Chau); relay', 'station at the town']
    >>> wrap_name("Far village (down the river)")
    ['Far village (down the river)']
    """
    words = text.split()
    if len(text) <= width + 4 or len(words) < 2:
        return [" ".join(words) or text]
    count = math.ceil(len(text) / width)
    target = math.ceil(len(text) / count) + 2
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= target:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


# ---------------------------------------------------------------------------- hazards
@dataclass(frozen=True)
class Window:
    """Days ``first..last`` (inclusive, days since the start) on which a route is closed,
    exposed to strikes (with the largest daily chance of a strike, ``level``) or slowed by
    rain (``level``: the expected factor on travel time, over rainy and dry days; ``rainy``:
    the factor on a rainy day)."""

    kind: str  # "closed", "strikes" or "rain"
    first: int
    last: int
    level: float = 0.0
    rainy: float = 0.0


def _windows(kind: str, values: FloatArray, on: BoolArray,
             rainy: FloatArray | None = None) -> list[Window]:
    """Runs of consecutive days where ``on`` holds, with the largest value in each; with
    ``rainy`` (rain's factor on a rainy day), a run also ends where the rain changes, so
    that each window has one factor."""
    out: list[Window] = []
    days = np.nonzero(on)[0]
    if days.size == 0:
        return out
    cut = np.diff(days) > 1
    if rainy is not None:
        cut |= (np.diff(values[days]) != 0) | (np.diff(rainy[days]) != 0)
    breaks = np.nonzero(cut)[0]
    starts = np.concatenate([[0], breaks + 1])
    stops = np.concatenate([breaks, [days.size - 1]])
    for a, b in zip(starts, stops, strict=True):
        first, last = int(days[a]), int(days[b])
        wet = 0.0 if rainy is None else float(rainy[first: last + 1].max())
        out.append(Window(kind, first, last, float(values[first: last + 1].max()), wet))
    return out


def route_hazards(net: Network) -> list[list[Window]]:
    """Per route [R], the windows in which it is closed (``routes[].closed``), exposed to air
    strikes or raids (any mode's daily chance of a strike above zero) and slowed by rain, read
    from the network's daily arrays (the route's first arc: both directions share them)."""
    first_arc = np.unique(net.arc_route, return_index=True)[1]
    rainy = rainy_day_slowdown(net.rains, first_arc.size, net.days)  # [R, D]
    out: list[list[Window]] = []
    for r, a in enumerate(first_arc):
        strike = net.strike_probability[a].max(axis=0)  # [D], over modes
        closed = net.closed[a]
        out.append([
            *_windows("closed", closed.astype(float), closed),
            *_windows("strikes", strike, (strike > 0) & ~closed),
            *_windows("rain", net.slowdown[a], net.slowdown[a] > 1.0 + 1e-9, rainy[r]),
        ])
    return out


def window_words(net: Network, window: Window) -> str:
    """A window in words: 'closed 5 Nov – 12 Nov 1954', 'air strikes or raids 1 Dec 1953 –
    7 May 1954 (chance of a strike up to 3% a day)', 'rain 21 Apr – 7 May 1954 (trips 1.43 ×
    as long on a rainy day, 1.26 × on average)'. The strikes' figure is the largest daily
    chance that a strike happens, not a share of the loads lost."""
    start = net.start_date
    a, b = start + dt.timedelta(days=window.first), start + dt.timedelta(days=window.last)
    span = said_span(a, b) if window.last > window.first else said_date(b)
    if window.kind == "closed":
        return f"closed {span}"
    if window.kind == "strikes":
        return (f"air strikes or raids {span} (chance of a strike up to "
                f"{fmt(100 * window.level)}% a day)")
    if fmt(window.rainy) == fmt(window.level):  # it rains every day
        return f"rain {span} (trips {fmt(window.rainy)} × as long)"
    return (f"rain {span} (trips {fmt(window.rainy)} × as long on a rainy day, "
            f"{fmt(window.level)} × on average)")


# ------------------------------------------------------------------------ idle carriers
@dataclass(frozen=True)
class IdleCarriers:
    """Units of a mode that a place owns but the plan never put into service at its peak,
    and what the plan's own coefficients say about why."""

    mode: int
    owned: float
    idle: float  # whole units
    sentence: str


def _eaten_per_kg(plan: Plan) -> FloatArray:
    """Food and fuel a round trip on each leg draws per kg of cargo it delivers [L] (the
    loaded trip and the way back, whoever carries the food and fuel for it; averaged over
    the steps in which a loaded trip may leave), from the plan's per-leg coefficients."""
    legs = plan.legs
    food = (legs.food_loaded + legs.food_way_back).sum(axis=1)
    fuel = (legs.fuel_loaded + legs.fuel_way_back).sum(axis=1)[:, None]
    per_kg = np.where(legs.loaded_ok, (food + fuel) / np.maximum(legs.cargo_room, 1e-9), np.nan)
    usable = legs.loaded_ok.any(axis=1)
    out = np.full(legs.n, np.nan)
    out[usable] = np.nanmean(per_kg[usable], axis=1)
    return out


def idle_carriers(plan: Plan, least_share: float = 0.05) -> list[IdleCarriers]:
    """Modes whose owned units (``units_from: owned``) stayed idle: owned minus the fleet the
    plan needs (``Plan.fleet_needed``: the most in service on any day, in whole units, as the
    headline counts it), when that is at least ``least_share`` of those owned and one unit.

    The reason given is computed from the plan, never assumed: on the routes the idle mode
    may use that carried cargo, what a round trip eats per tonne delivered by the idle mode
    against the modes that carried (weighted by the tonnes they carried there). When the idle
    mode eats more, that is the reason; when no route it may use carried anything, that is
    said; otherwise only the figures are given (what holds it back is then not in them:
    route capacity, the way from its homes, time)."""
    net = plan.network
    legs = plan.legs
    needed = plan.fleet_needed()  # the most in service at once, in whole units
    owned = net.carriers_owned.sum(axis=0)
    per_kg = _eaten_per_kg(plan)
    cargo = plan.cargo_kg.sum(axis=(1, 2))  # [L] kg over the horizon
    route_of_leg = net.arc_route[legs.arc]
    # (what check says of a mode no plan from the start can use; a State's units may be
    # where they can)
    never = {} if plan.from_state else modes_never_used(net)
    out: list[IdleCarriers] = []
    for m in range(net.n_modes):
        idle = float(max(0.0, owned[m] - needed[m]))
        if not net.owned_units[m] or idle < max(1.0, least_share * owned[m]):
            continue
        name = net.mode_label(m).lower()
        count = f"{fmt(idle)} of {fmt(float(owned[m]))} {name} units idle"
        if m in never:  # (3,000 rafts had "nothing was carried over the routes they may use")
            out.append(IdleCarriers(m, float(owned[m]), idle, f"{count}: {never[m]}."))
            continue
        mine = legs.mode == m
        routes = set(route_of_leg[mine & np.isfinite(per_kg)].tolist())
        shared = np.isin(route_of_leg, list(routes)) & ~mine & (cargo > 0)
        if not routes:
            out.append(IdleCarriers(m, float(owned[m]), idle, f"{count}: no route they may "
                                    "use can carry a load in the horizon."))
            continue
        if not shared.any():
            if (mine & (cargo > 0)).any():
                words = (f"{count}: they carried all that went over the routes they may "
                         f"use, and at most {fmt(float(needed[m]))} of them were needed in "
                         "service at once for it.")
            else:
                words = f"{count}: nothing was carried over the routes they may use, by any mode."
            out.append(IdleCarriers(m, float(owned[m]), idle, words))
            continue
        # Per route the idle mode may use, its own cost against what the carriers paid there.
        used_routes = sorted(set(route_of_leg[shared].tolist()))
        own = np.array([np.nanmin(per_kg[mine & (route_of_leg == r)]) for r in used_routes])
        weights = np.array([cargo[shared & (route_of_leg == r)].sum() for r in used_routes])
        paid = np.array([float(np.average(per_kg[shared & (route_of_leg == r)],
                                          weights=cargo[shared & (route_of_leg == r)]))
                         for r in used_routes])
        own_avg = float(np.average(own, weights=weights))
        paid_avg = float(np.average(paid, weights=weights))
        carriers = sorted({int(x) for x in legs.mode[shared]},
                          key=lambda k: -float(cargo[shared & (legs.mode == k)].sum()))
        names = [net.mode_label(k).lower() for k in carriers[:2]]
        who = words_and(names)
        served = words_and([f"{needed[k]:,.0f} {name}"
                            for k, name in zip(carriers[:2], names, strict=True)])
        # Said with how many routes: each figure is over the idle mode's own routes, so the
        # same mode's figure differs from one sentence to the next.
        where = ("the one route" if len(used_routes) == 1
                 else f"the {len(used_routes)} routes")
        figures = (f"on {where} they may use where others carried, a round trip eats "
                   f"{fmt(1000 * own_avg)} kg per tonne delivered, against "
                   f"{fmt(1000 * paid_avg)} kg for the {who} that carried there (at most "
                   f"{served} units in service at once)")
        if own_avg > paid_avg * (1 + 1e-6):
            sentence = f"{count}: {figures}, so the plan spends less food with {who}."
        else:
            sentence = (f"{count}, although {figures}: what held them back is not in these "
                        "figures (route capacity, the way from their homes, or time).")
        out.append(IdleCarriers(m, float(owned[m]), idle, sentence))
    return out


# ------------------------------------------------------------------------- unfed people


@dataclass(frozen=True)
class Unfed:
    """Food that the wounded, the repair crews, carriers waiting where a starting State left
    them with none, or the carriers on their way home at the end went without at one place:
    ``kg`` of ``good`` at ``place`` (as a sentence names them), from day ``first`` to day
    ``last``; ``good_id`` is the good's id, as the plan's own note (:meth:`Plan.gave_up`)
    names it."""

    who: str  # a key of Plan.unfed_kg: "wounded", "repair crews", ...
    good: str
    place: str
    first: int
    last: int
    kg: float
    total: float  # kg of the good the group went without at every place
    good_id: str = ""


def unfed(plan: Plan) -> list[Unfed]:
    """Where and when each group of ``Plan.unfed_kg`` (the wounded, the repair crews, the
    carriers waiting and those on their way home) went without food, per place and good:
    for the goods the plan notes (:meth:`Plan.noted_unfed`, those ``Plan.gave_up`` names),
    the places with at least a hundredth of that. The days are those on which at
    least a hundredth of the place's worst step was missing."""
    net = plan.network
    out: list[Unfed] = []
    goods_noted = plan.noted_unfed()  # (the goods gave_up names: one rule)
    for who, missing in plan.unfed_kg().items():
        at_place = missing.sum(axis=2)  # [P, G]
        total = at_place.sum(axis=0)
        said = np.zeros(total.shape, dtype=bool)
        said[goods_noted.get(who, [])] = True
        noted = said[None, :] & (at_place >= 0.01 * total[None, :])
        for p, g in zip(*np.nonzero(noted), strict=True):
            by_step = missing[p, g]
            steps = np.flatnonzero(by_step >= 0.01 * by_step.max())
            out.append(Unfed(who, commodity_label(plan, int(g)), net.place_label(int(p)),
                             int(plan.step_start[steps[0]]),
                             int(plan.network.grid.end[steps[-1]]),
                             float(by_step.sum()), float(total[g]),
                             plan.good_ids[int(g)]))
    return out


def unfed_where(plan: Plan) -> dict[tuple[str, str], str]:
    """Where and when each group went without each good (:func:`unfed`), by (who, good id),
    in words: 'at Kestrel town on 1 Nov 2024', or, at several places, each with its amount
    (as the plan's note rounds it): '1.6 t at Lung Lo pass on 1 Mar 1954; 800 kg at Pha Din
    pass from 1 Mar to 2 Mar 1954'."""
    start = plan.network.start_date
    groups: dict[tuple[str, str], list[Unfed]] = {}
    for u in unfed(plan):
        groups.setdefault((u.who, u.good_id), []).append(u)
    out = {}
    for key, places in groups.items():
        where = []
        for u in sorted(places, key=lambda u: (u.first, -u.kg)):
            a, b = start + dt.timedelta(days=u.first), start + dt.timedelta(days=u.last)
            when = (f"on {said_date(b)}" if u.first == u.last
                    else f"from {said_date(a, a.year != b.year)} to {said_date(b)}")
            where.append(f"{note_mass(u.kg)} at {u.place} {when}" if len(places) > 1
                         else f"at {u.place} {when}")
        out[key] = "; ".join(where)
    return out


def gave_up_words(plan: Plan) -> list[str]:
    """What else the plan could not do, as the terminal and the JSON say it
    (:meth:`Plan.gave_up`: the same amounts, goods and "before any can reach where they eat"),
    each note on food a group went without followed by where and when (:func:`unfed_where`):
    'wounded not fed: 4 kg of rice missing, all of it before any can reach where they eat (at
    Kestrel town on 1 Nov 2024)'."""
    where = unfed_where(plan)
    out = []
    for note in plan.gave_up():
        said = next((words for (who, good), words in where.items()
                     if note.startswith(f"{who} not fed: ") and f" of {good} missing" in note),
                    "")
        out.append(f"{note} ({said})" if said else note)
    return out


#: How the wounded's figures count who was late, as the summary and the report say it
#: (:meth:`Plan.wounded_figures`).
WOUNDED_MEANS = ("persons, as the plan carries them (fractions included); late: at a "
                 "hospital after their time limit, counted within the steps at whose start "
                 "or end the plan finds some of them away past it (none in other steps), "
                 "the first wounded taken as the first brought in; the lists leave out "
                 "less than half a person (they may add up to less); the routes count a "
                 "person on each leg he is carried")


def persons_text(count: float) -> str:
    """Persons as the wounded's figures say them: the LP's, fractions included, to a
    hundredth (less is the solver's noise) and four significant digits below a thousand
    (87.75 of 88 had read 87.8 beside 0.25).

    >>> persons_text(87.75), persons_text(0.000138), persons_text(9837.554)
    ('87.75', '0', '9,838')
    """
    return fmt(round(count, 2) + 0.0, 4)


def _listed(amounts: dict[str, float], label: Callable[[str], str]) -> str:
    """'Truck 9,838, Pack horse 42.45': each figure kept on one line with the word before it."""
    return ", ".join(f"{label(key)}{NO_BREAK}{persons_text(n)}"
                     for key, n in amounts.items()) or "none"


def wounded_rows(plan: Plan, figures: WoundedKpis) -> list[tuple[str, str]]:
    """What became of the wounded (``kpis()["wounded"]``, :meth:`Plan.wounded_figures`) as
    rows of a label and its words, the summary's and the report's alike: how many arose,
    reached a hospital (within their limit, late), were still waiting or on the way at the
    end, and who brought them in (by mode and hospital), over which routes."""
    net = plan.network
    limits = figures["within_days"]
    limit = (f" within {days(limits[0])}" if len(limits) == 1 else
             f" within {limits[0]} to {days(limits[-1])}" if limits else "")
    state = " (with those the starting State left away from one)" if plan.from_state else ""
    # (routes by their names up to a parenthesis: "Tuan Giao - Dien Bien Phu truck road")
    routes = distinct([short_label(name, 200) for name in net.route_names], net.route_ids)
    arising, reached = figures["arising"], figures["reached"]
    if persons_text(arising) == "0":  # (e.g. the first days of a campaign, --days)
        return [("wounded", f"none to bring to a hospital over the plan's {days(plan.days)}")]
    share = f" ({percent(reached / arising)})" if arising > 0 else ""
    away = figures["waiting"] + figures["on_the_way"]
    past = figures["past_limit_at_end"]
    rows = [
        ("wounded", f"{persons_text(arising)} persons to bring to a hospital{limit}{state}"),
        # (the late with their number: "…within their limit, 0" over "late" at 80 columns)
        ("at a hospital", f"{persons_text(reached)} by the end{share}: "
                          f"{persons_text(figures['reached_late'])}{NO_BREAK}of them late"),
        ("not there at the end",
         f"{persons_text(away)}: {persons_text(figures['waiting'])} waiting, "
         f"{persons_text(figures['on_the_way'])} on the way"
         + (f"; {persons_text(past)} of them past their limit"
            if persons_text(past) != "0" else "")),
        ("brought in by", _listed(figures["by_mode"],
                                  lambda m: net.mode_label(net.mode_ids.index(m)))),
        ("into", _listed(figures["by_hospital"],
                         lambda p: net.place_label(net.place_ids.index(p)))),
        ("carried most over", ", ".join(f"{routes[net.route_ids.index(r['route'])]}"
                                        f"{NO_BREAK}{persons_text(r['persons'])}"
                                        for r in figures["routes"]) or "none"),
    ]
    return rows


def scenario_argument(plan: Plan, given: str | None = None) -> str:
    """The scenario as a command line names it, for a command a text suggests: ``given``
    (what the command was run with) where it is known, else a built-in by its name and any
    other scenario as FILE (the name alone had planned the built-in default)."""
    import shlex

    from supplyline.scenario.load import builtin_names

    if given is not None:
        return shlex.quote(given)
    name = plan.network.scenario.name
    return name if name in builtin_names() else "FILE"


def replay_days_note(plan: Plan) -> str:
    """What a replay does to a plan of the scenario's first days, in words ('' otherwise):
    it fixes what is given over the whole horizon, and this plan gives all of it within its
    days (the terminal, the JSON answer's ``replay_note`` and the report say it)."""
    if not plan.replay or plan.whole_days is None:
        return ""
    return replay_days_words(plan.replay, plan.whole_days, plan.days)


def replay_days_words(replay: str, whole_days: int, planned: int) -> str:
    """:func:`replay_days_note`'s words for the replay ``replay`` of a scenario of
    ``whole_days`` planned over its first ``planned`` (a sweep's variants say it so)."""
    return (f"The replay {replay} fixes what is given over the scenario's whole horizon "
            f"({days(whole_days)}): this plan of its first {days(planned)} gives all of "
            "it within them.")


def step_note(plan: Plan, compared: bool = False, full: bool = False) -> str:
    """What planning in steps of several days changes, in words ('' when day by day);
    ``compared``: the plan day by day is shown beside it; ``full``: the command is named in
    full (`supplyline plan --compare-daily`), for a page read away from the command line."""
    steps = plan.steps_description()
    if not steps:
        return ""
    command = f"`{'supplyline ' if full else ''}plan --compare-daily`"
    where = ("The table \"Steps against day by day\" below shows what the steps change."
             if compared else f"{command} shows what the steps change against a day-by-day "
             "plan.")
    return (f"Timing is coarser in steps ({steps}): a load arrives in the step that holds its "
            "mean arrival, up to half a step early or late on each leg; totals of rations, "
            f"fuel and labour still count every trip's real days. {where}")
