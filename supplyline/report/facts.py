"""Figures derived from a plan for reports and exports: per route, per place and per day.

Everything here reads the :class:`~supplyline.plan.result.Plan` and its
:class:`~supplyline.network.Network` and returns plain NumPy arrays or small lists, in tonnes
where the name says ``_t`` and in kg where it says ``_kg``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from supplyline.network import BoolArray, FloatArray, IntArray, Network
from supplyline.plan.metrics import traced_share
from supplyline.plan.result import Plan
from supplyline.report.svg import fmt

#: Label of the share of front consumption that was already in stock at the start.
INITIAL_STOCK = "campaign stock at start"
#: Label of the localities that carry no region tag.
UNTAGGED = "(untagged)"


def short_label(text: str, limit: int = 30) -> str:
    """A name short enough for a map label or a legend: cut before a parenthesis, semicolon
    or comma that follows the first few characters, then at ``limit`` characters.

    >>> short_label("Meat (salted, dried, or on the hoof)")
    'Meat'
    >>> short_label("Son La villages (Son La, Thuan Chau); relay station at the town")
    'Son La villages'
    """
    cuts = [i for i in (text.find(" ("), text.find(";"), text.find(",")) if i >= 4]
    short = text[: min(cuts)].strip() if cuts else text.strip()
    return short if len(short) <= limit else short[: limit - 1].rstrip() + "…"


def place_name(net: Network, p: int) -> str:
    """Display name of place ``p`` (its id when it has no name)."""
    return net.scenario.places[p].name or net.place_ids[p]


def mode_name(net: Network, m: int) -> str:
    """Display name of mode ``m`` (its id when it has no name)."""
    return net.scenario.modes[m].name or net.mode_ids[m]


def commodity_name(plan: Plan, g: int) -> str:
    """Display name of good ``g`` of the plan (its id when it has no name)."""
    c = int(plan.goods[g])
    return plan.network.scenario.commodities[c].name or plan.network.commodity_ids[c]


@dataclass(frozen=True)
class RouteFacts:
    """Per route [R]: its ends, length, modes, and what the plan moved over it."""

    start: IntArray  # place at the 'from' end
    end: IntArray  # place at the 'to' end
    length_km: FloatArray
    modes: list[list[str]]  # mode ids allowed
    forward_t: FloatArray  # cargo dispatched from 'from' to 'to'
    back_t: FloatArray  # cargo dispatched from 'to' to 'from'
    arrived_t: FloatArray  # cargo that reached the far end (after threats)
    eaten_t: FloatArray  # rations and fuel drawn for trips on the route
    main_mode: IntArray  # mode that carried most cargo (-1: none)
    at_capacity_days: IntArray

    @property
    def tonnes(self) -> FloatArray:
        """Cargo dispatched in both directions."""
        return self.forward_t + self.back_t


def route_facts(plan: Plan) -> RouteFacts:
    """What each route carried, in which direction and by which mode."""
    net = plan.network
    n_routes = len(net.route_ids)
    # A route's first arc runs from its 'from' end to its 'to' end.
    first_arc = np.unique(net.arc_route, return_index=True)[1].astype(np.int64)
    start, end = net.arc_from[first_arc], net.arc_to[first_arc]
    leg_route = net.arc_route[plan.leg_arc]
    leg_forward = net.arc_from[plan.leg_arc] == start[leg_route]
    cargo_t = plan.cargo_kg.sum(axis=(1, 2)) / 1000.0
    forward = np.zeros(n_routes)
    back = np.zeros(n_routes)
    np.add.at(forward, leg_route[leg_forward], cargo_t[leg_forward])
    np.add.at(back, leg_route[~leg_forward], cargo_t[~leg_forward])
    arrived = np.zeros(n_routes)
    np.add.at(arrived, leg_route, plan.arrived_kg().sum(axis=(1, 2)) / 1000.0)
    eaten = np.zeros(n_routes)
    drawn = (plan.trip_rations_kg() + plan.fuel_kg()).sum(axis=(1, 2)) / 1000.0
    np.add.at(eaten, leg_route, drawn)
    by_mode = np.zeros((n_routes, net.n_modes))
    np.add.at(by_mode, (leg_route, plan.leg_mode), cargo_t)
    main = np.where(by_mode.max(axis=1) > 0, by_mode.argmax(axis=1), -1).astype(np.int64)
    allows = net.arc_allows[first_arc]
    return RouteFacts(
        start=start,
        end=end,
        length_km=net.arc_length_km[first_arc],
        modes=[[net.mode_ids[m] for m in np.nonzero(row)[0]] for row in allows],
        forward_t=forward,
        back_t=back,
        arrived_t=arrived,
        eaten_t=eaten,
        main_mode=main,
        at_capacity_days=plan.route_at_capacity_days(),
    )


def given_t(plan: Plan) -> FloatArray:
    """What each place gave over the horizon, all goods [P] (localities only are non-zero)."""
    return np.asarray(plan.mobilized_kg().sum(axis=1) / 1000.0, dtype=float)


def received_t(plan: Plan) -> FloatArray:
    """What each place consumed over the horizon, all goods [P] (fronts only are non-zero)."""
    return np.asarray(plan.consumed_kg.sum(axis=(1, 2)) / 1000.0, dtype=float)


def source_groups(net: Network) -> list[tuple[str, BoolArray]]:
    """Region tags that split the localities into disjoint groups.

    Tags are taken largest first, each only if it shares no locality with those already
    taken (so a sub-region inside a larger region is not counted twice); localities left over
    form a last group, named by their tags or :data:`UNTAGGED`.
    """
    localities = net.is_locality
    tags = sorted({t for p, ts in enumerate(net.place_regions) if localities[p] for t in ts})
    masks = {t: net.places_in_regions([t]) for t in tags}
    taken = np.zeros(net.n_places, dtype=bool)
    groups: list[tuple[str, BoolArray]] = []
    for tag in sorted(tags, key=lambda t: (-int(masks[t].sum()), t)):
        if not (masks[tag] & taken).any():
            groups.append((tag, masks[tag]))
            taken |= masks[tag]
    rest = localities & ~taken
    if rest.any():
        left_tags = sorted({t for p in np.nonzero(rest)[0] for t in net.place_regions[p]})
        groups.append((" / ".join(left_tags) or UNTAGGED, rest))
    return groups


def deliveries_by_source(plan: Plan) -> list[tuple[str, FloatArray]]:
    """What the fronts consumed in each step [S, kg], split by the region it was given in.

    Origins are traced through every depot with
    :func:`~supplyline.plan.metrics.traced_share` (stocks well mixed). What no locality gave
    (stock held at depots or fronts from the start) is the last entry, :data:`INITIAL_STOCK`.
    """
    net = plan.network
    fronts = net.is_front
    consumed = plan.consumed_kg[fronts]  # [F, G, S]
    total = consumed.sum(axis=(0, 1))
    out: list[tuple[str, FloatArray]] = []
    traced = np.zeros(plan.steps)
    for label, mask in source_groups(net):
        daily = np.zeros(plan.steps)
        for g in range(len(plan.goods)):
            if consumed[:, g].sum() <= 0:
                continue
            share = traced_share(plan, g, mask)[fronts]  # [F, S]
            daily += (consumed[:, g] * share).sum(axis=0)
        if daily.sum() > 0:
            out.append((label, daily))
        traced += daily
    rest = np.clip(total - traced, 0.0, None)
    if rest.sum() > 1e-6 * max(float(total.sum()), 1.0):
        out.append((INITIAL_STOCK, rest))
    return out


@dataclass(frozen=True)
class StockLine:
    """Days of supply held at one front for one good, and its reserve targets."""

    label: str
    front: int
    good: int
    days_of_supply: FloatArray  # [S], NaN in steps without demand
    targets: list[tuple[int, float]]  # (step, days of supply wanted)


def stock_days(plan: Plan) -> list[StockLine]:
    """Stock at each front in days of its daily demand, per good with demand there."""
    net = plan.network
    goods = [int(c) for c in plan.goods]
    fronts = [int(p) for p in np.nonzero(net.is_front)[0]]
    lines: list[StockLine] = []
    for p in fronts:
        for g in range(len(goods)):
            demand = plan.demand_kg[p, g] / plan.step_length  # kg a day
            if demand.sum() <= 0:
                continue
            ratio = np.divide(plan.stock_kg[p, g], demand, out=np.full(plan.steps, np.nan),
                              where=demand > 0)
            targets = [
                (day, kg / float(demand[day]))
                for (tp, c, day, kg) in net.reserve_targets
                if tp == p and c == goods[g] and demand[day] > 0
            ]
            name = short_label(commodity_name(plan, g))
            label = name if len(fronts) == 1 else f"{short_label(place_name(net, p))} · {name}"
            lines.append(StockLine(label, p, g, ratio, targets))
    return lines


def burden_bound(plan: Plan) -> tuple[float, str]:
    """The fairness bound to compare burdens with, and what it is."""
    bound = plan.network.max_burden_bound
    fixed = "; the replay's fixed figures may exceed it" if plan.replay else ""
    if bound is not None:
        return float(bound), "fairness bound set by the policy" + fixed
    return float(plan.max_burden), "largest burden the optimizer allowed (minimized)" + fixed


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
        name = (net.scenario.commodities[c].name or f.commodity) if c >= 0 else f.commodity
        groups.setdefault(key, []).append((short_label(name), f.shortfall_t, f.first_day))
    out = []
    for (front, binding), short in groups.items():
        p = net.place_ids.index(front) if front in net.place_ids else -1
        out.append(Shortfall(place_name(net, p) if p >= 0 else front, short, list(binding)))
    return out


def shortfall_words(plan: Plan, shortfall: Shortfall) -> tuple[str, str]:
    """What is short and what binds, as two sentences that follow the front's name: "is short
    of rice by 39.2 t (from 6 Dec 1953) and salt by 23.6 t (from 1 Dec 1953)." and "What
    binds: ...".
    """
    start = plan.network.scenario.start_date
    parts = []
    for name, tonnes, day in shortfall.short:
        date = start + dt.timedelta(days=day)
        parts.append(f"{name.lower()} by {fmt(tonnes)} t (from {date.day} {date:%b %Y})")
    what = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    why = "; ".join(shortfall.binding) or "no single limit stands out"
    return f"is short of {what}.", f"What binds: {why}."
