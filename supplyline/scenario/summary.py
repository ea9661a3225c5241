"""What a scenario amounts to, before any planning: counts, totals and a sketch of the network.

This is what ``supplyline show`` prints. The totals are upper bounds that ignore transport:
what the localities hold and grow, what their people keep, how much labour they could give,
and what the fronts ask for.
"""

from __future__ import annotations

import datetime as dt
import heapq
import html
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np

from supplyline.scenario.schema import Route, Scenario
from supplyline.scenario.series import demand_kg_per_day, series_over_horizon

if TYPE_CHECKING:
    from supplyline.network import Network

__all__ = ["named", "network_sketch", "network_tree", "routes_not_drawn", "summarize",
           "summary_html"]


def counted(n: int, one: str, many: str) -> str:
    """``n`` things, one as one: '1 route', '2 routes'."""
    return f"{n:,} {one if n == 1 else many}"


#: Each kind of place, more than one.
KINDS = {"locality": "localities", "depot": "depots", "junction": "junctions",
         "front": "fronts", "hospital": "hospitals"}


def kinds_counted(by_kind: dict[str, int]) -> str:
    """Places by kind, in words: '1 front, 2 hospitals, 13 localities'."""
    return ", ".join(counted(n, kind, KINDS.get(kind, kind)) for kind, n in by_kind.items())


def named(name: str, ident: str) -> str:
    """A good, mode or place as ``show`` names it: by its name, as the report and the plan's
    summary do (:meth:`Network.commodity_label` and the like), with the id a scenario file
    writes in brackets where the name does not spell it ('Milled rice [rice]', 'Pack
    bicycle [bicycle]'; but 'Rice' for ``rice``, 'Kestrel town' for ``kestrel-town``: case,
    spaces and hyphens aside, the id is the name).

    >>> named("Milled rice", "rice"), named("Kestrel town", "kestrel-town")
    ('Milled rice [rice]', 'Kestrel town')
    """
    # (a label made distinct by its id, 'Rice [paddy]', has it already)
    if name.endswith(f"[{ident}]") or _letters(name) == _letters(ident):
        return name
    return f"{name} [{ident}]"


def _letters(text: str) -> str:
    """Letters and digits only, in one case: what a name and an id share when one spells
    the other."""
    return re.sub(r"[\W_]+", "", text.casefold())


def summarize(scenario: Scenario, longest: int = 5, most: int = 3) -> dict[str, Any]:
    """Counts and totals of a scenario, as plain JSON-ready data.

    Parameters
    ----------
    scenario:
        A validated scenario.
    longest:
        How many of the longest routes to list.
    most:
        How many of the places owning most of a mode's carriers to name.

    Returns
    -------
    dict
        ``counts``; per goods commodity the tonnes held (``stock_t``), grown over the
        horizon (``production_t``), kept by the people for their own food
        (``subsistence_t``), the rest that could be given (``mobilizable_t``) and asked for
        at the fronts (``demand_t``), with its ``name`` as the report says it (so too each
        mode, place and front below; ``show`` prints them by :func:`named`, the id beside a
        name that does not spell it); ``labour`` (people who can serve, and person-days:
        people × days each may serve, at most the horizon); ``wounded_persons`` over the
        horizon; ``carriers``: per mode whose units are owned (not labour), in the file's
        order, with its ``name``, the ``units`` the places own in all, how many places own
        some (``owners``) and the ``owned_by`` places that own most (at most ``most``, as
        ``{"place", "name", "units"}``, most first); ``road_works``: per work its
        ``route`` (id), ``name``, ``person_days`` and window (``start``, start_date when
        the file gives none, to ``by``); ``reserves``: per reserve target the planner
        reads, ``front`` and ``commodity`` (with their names, ``front_name`` and
        ``commodity_name``), the tonnes to hold on hand (``amount_t``) ``by`` a date and the
        ``days_of_supply`` they are of that day's demand (targets on one day at one front
        add up, as the planner adds them), by date; ``repair_crews``: per route with one,
        its ``route``, ``persons``, the day they serve ``from`` and their ``person_days``
        over the horizon (day by day); the ``longest_routes``; the ``network``
        tree from each front, the routes it does not draw (``other_routes``:
        :func:`routes_not_drawn`); and the places no front connects to (``unconnected``).
    """
    days = scenario.days
    policy = scenario.policy
    goods = [c.id for c in scenario.commodities if c.unit == "kg"]
    rows: dict[str, dict[str, float]] = {
        c: {"stock_t": 0.0, "production_t": 0.0, "subsistence_t": 0.0, "mobilizable_t": 0.0,
            "demand_t": 0.0}
        for c in goods
    }
    from supplyline.network import compile_network, giveable_kg, labour_pool

    # The planner's pool: each locality's people who may serve, each for at most its days.
    pool, most_days = labour_pool(scenario)
    people = float(pool.sum())
    person_days = float((pool * np.minimum(most_days, days)).sum())
    # What could be given is exactly what the planner may take: the localities' stores and
    # produce above what their people keep, on every day (one formula, in the network).

    could = giveable_kg(scenario, goods)[:, :, -1].sum(axis=0)  # [goods]
    for g, commodity in enumerate(goods):
        rows[commodity]["mobilizable_t"] = float(could[g]) / 1000
    for place in scenario.places:
        for commodity in goods:
            stock = place.stock_kg.get(commodity, 0.0)
            grown = place.production_kg_per_day.get(commodity, 0.0) * days
            kept = place.population * policy.subsistence_kg_per_person_day.get(commodity, 0.0)
            kept *= days
            row = rows[commodity]
            row["stock_t"] += stock / 1000
            row["production_t"] += grown / 1000
            row["subsistence_t"] += min(kept, stock + grown) / 1000
    for demand in scenario.demand:
        if demand.commodity in rows:
            rows[demand.commodity]["demand_t"] += float(
                demand_kg_per_day(demand, scenario).sum()) / 1000
    wounded = sum(float(series_over_horizon(flow.persons_per_day, scenario).sum())
                  for flow in scenario.wounded)
    trees = network_tree(scenario)
    connected = {node["place"] for tree in trees for node in tree["places"]}
    by_length = sorted(scenario.routes, key=lambda route: (-route.length_km, route.key))
    routes = {route.key: route for route in scenario.routes}
    daily = compile_network(scenario, 1, checked=False)
    good = daily.commodity_ids.index
    return {
        "name": scenario.name,
        "title": scenario.title,
        "start_date": scenario.start_date.isoformat(),
        "end_date": scenario.end_date.isoformat(),
        "days": days,
        "counts": {
            "places": len(scenario.places),
            "places_by_kind": dict(Counter(place.kind for place in scenario.places)),
            "routes": len(scenario.routes),
            "route_km": sum(route.length_km for route in scenario.routes),
            "modes": len(scenario.modes),
            "commodities": len(scenario.commodities),
            "demands": len(scenario.demand),
            "wounded_flows": len(scenario.wounded),
            "road_works": len(scenario.road_works),
            "replays": len(scenario.replays),
            "observed": len(scenario.observed),
        },
        "commodities": [{"commodity": c, "name": daily.commodity_label(good(c)), **totals}
                        for c, totals in rows.items()],
        "labour": {"people": people, "person_days": person_days},
        "wounded_persons": wounded,
        "carriers": _carriers(daily, most),
        "road_works": [{"route": work.route, "name": scenario.route_title(routes[work.route]),
                        "person_days": work.crew_days,
                        "start": (work.start or scenario.start_date).isoformat(),
                        "by": work.by.isoformat()} for work in scenario.road_works],
        # Read as the planner reads them, day by day: days of supply times that day's
        # demand; a crew's days from its route's opening.
        "reserves": _reserves(daily),
        "repair_crews": _repair_crews(scenario, daily),
        "longest_routes": [_route_row(scenario, route) for route in by_length[:longest]],
        # Which --replay names there are, and how many historical figures each (None: the
        # plain plan's): show said only how many replays.
        "replays": [{"name": replay.name, "observed": sum(
            o.replay == replay.name for o in scenario.observed)}
            for replay in scenario.replays],
        "observed_plain": sum(o.replay is None for o in scenario.observed),
        "network": trees,
        # (each place hangs under one route: the others, that no tree draws)
        "other_routes": [_route_row(scenario, route)
                         for route in routes_not_drawn(scenario, trees)],
        "unconnected": [p.id for p in scenario.places if p.id not in connected],
    }


def _repair_crews(scenario: Scenario, daily: Network) -> list[dict[str, Any]]:
    """The routes' repair crews, in the file's order: per route with one, its ``route``
    (id), ``persons``, the day they serve ``from`` (the route's opening, else start_date)
    and the ``person_days`` they serve over the horizon day by day
    (:func:`~supplyline.accounting.repair_crew_serving`; a plan in steps starts a crew at
    the step after the one its route opens in)."""
    from supplyline.accounting import repair_crew_serving

    days = repair_crew_serving(daily).sum(axis=1)
    return [{"route": route.key, "persons": route.repair_crew,
             "from": max(route.open_from or scenario.start_date,
                         scenario.start_date).isoformat(),
             "person_days": float(days[r])}
            for r, route in enumerate(scenario.routes) if route.repair_crew > 0]


def _carriers(net: Network, most: int) -> list[dict[str, Any]]:
    """The units of each owned mode the places own, and the places that own most, each
    with its name as the report names it."""
    scenario = net.scenario
    rows = []
    for m, mode in enumerate(scenario.modes):
        if mode.units_from != "owned":
            continue
        owners = [(p, place.carriers[mode.id]) for p, place in enumerate(scenario.places)
                  if place.carriers.get(mode.id, 0) > 0]
        # Most first; places owning as many in the file's order.
        owners.sort(key=lambda owner: -owner[1])
        rows.append({"mode": mode.id, "name": net.mode_label(m),
                     "units": sum(units for _, units in owners),
                     "owners": len(owners),
                     "owned_by": [{"place": net.place_ids[p], "name": net.place_label(p),
                                   "units": units} for p, units in owners[:most]]})
    return rows


def _reserves(net: Network) -> list[dict[str, Any]]:
    """The reserve targets as the planner reads them (a network in steps of one day)."""
    rows = []
    for (p, c, step, kg), (_, days) in zip(net.reserve_targets, net.reserve_days,
                                           strict=True):
        by = net.start_date + dt.timedelta(days=int(net.step_start[step]))
        rows.append({"front": net.place_ids[p], "front_name": net.place_label(p),
                     "commodity": net.commodity_ids[c],
                     "commodity_name": net.commodity_label(c), "amount_t": kg / 1000,
                     "days_of_supply": days,
                     "by": by.isoformat()})
    rows.sort(key=lambda row: (row["by"], row["front"], row["commodity"]))
    return rows


def _route_row(scenario: Scenario, route: Route) -> dict[str, Any]:
    return {"route": route.key, "name": scenario.route_title(route), "from": route.from_,
            "to": route.to, "length_km": route.length_km, "modes": list(route.modes)}


def network_tree(scenario: Scenario) -> list[dict[str, Any]]:
    """The network seen from each front: each place under the next place on its shortest
    way to the front, in km, nearer places first.

    A route that runs one way is followed only the way it runs (toward the front), unless
    a place has no other way: the built-in scenario's Yen Bai had hung off Lao Cai by its
    one-way raft route, read against the current, four routes from the front by count where
    Route 13 is seven (and shorter). So the sketch shows where things are and, where it
    can, the way goods come.

    Parameters
    ----------
    scenario:
        A validated scenario.

    Returns
    -------
    list of dict
        One ``{"front", "places"}`` per front, in the order the fronts are listed.
        ``places`` lists the places reached, nearest first, each as ``{"place", "kind",
        "parent", "route", "length_km", "modes", "depth"}`` (the front itself first, with
        ``parent`` and ``route`` empty and depth 0).
    """
    kinds = {place.id: place.kind for place in scenario.places}
    # Into each place: (route, the place goods come from, km to count). Against a one-way
    # route's current the way counts as longer than any other (used only where it must be).
    against = 1.0 + sum(route.length_km for route in scenario.routes)
    into: dict[str, list[tuple[Route, str, float]]] = {place: [] for place in kinds}
    for route in scenario.routes:
        into.setdefault(route.to, []).append((route, route.from_, route.length_km))
        into.setdefault(route.from_, []).append(
            (route, route.to, route.length_km + (against if route.one_way else 0.0)))
    trees = []
    for front in (place.id for place in scenario.places if place.kind == "front"):
        nodes: list[dict[str, Any]] = []
        far: dict[str, float] = {front: 0.0}
        parents: dict[str, tuple[str, Route] | None] = {front: None}
        queue: list[tuple[float, str]] = [(0.0, front)]
        done: set[str] = set()
        while queue:
            km, place = heapq.heappop(queue)
            if place in done:
                continue
            done.add(place)
            came = parents[place]
            parent = nodes[[n["place"] for n in nodes].index(came[0])] if came else None
            nodes.append({"place": place, "kind": kinds.get(place, "?"),
                          "parent": came[0] if came else None,
                          "route": came[1].key if came else None,
                          "length_km": came[1].length_km if came else 0.0,
                          "modes": list(came[1].modes) if came else [],
                          "depth": parent["depth"] + 1 if parent else 0})
            for route, other, length in sorted(into.get(place, []),
                                               key=lambda link: (link[2], link[1])):
                if other not in done and km + length < far.get(other, float("inf")):
                    far[other] = km + length
                    parents[other] = (place, route)
                    heapq.heappush(queue, (km + length, other))
        trees.append({"front": front, "places": nodes})
    return trees


def routes_not_drawn(scenario: Scenario, trees: list[dict[str, Any]]) -> list[Route]:
    """The routes none of the trees (:func:`network_tree`) draws, in the file's order: each
    place hangs under one route only, so a second way between places (a safe path beside a
    road) or a road between places drawn elsewhere is not in them."""
    drawn = {node["route"] for tree in trees for node in tree["places"][1:]}
    return [route for route in scenario.routes if route.key not in drawn]


def network_sketch(scenario: Scenario, max_lines: int = 60) -> list[str]:
    """A plain-text drawing of :func:`network_tree`, one line per place.

    Parameters
    ----------
    scenario:
        A validated scenario.
    max_lines:
        Most lines drawn per front; the rest is counted on a last line.

    Returns
    -------
    list of str
        Lines such as ``├── relay (depot)  25 km  porter, bicycle  via pass``; then the
        routes no tree draws (each place hangs under one route only: a second way between
        them, such as a safe but slow path beside the road, or a road joining two places
        drawn elsewhere), under ``Other routes:``, one a line as ``• bridge – town  26 km
        porter  via gorge-path`` (→ where it runs one way).
    """
    lines: list[str] = []
    # Routes between the same two places (a road beside a trail): each named by its id.
    pairs = Counter(frozenset((route.from_, route.to)) for route in scenario.routes)

    def via(route: str, ends: tuple[str, str]) -> str:
        """A route's own id where it is not made of its ends, or where another route joins
        the same two places (the road and the trail to the valley)."""
        return f"  via {route}" if "--" not in route or pairs[frozenset(ends)] > 1 else ""

    trees = network_tree(scenario)
    for tree in trees:
        nodes = tree["places"]
        children: dict[str, list[dict[str, Any]]] = {}
        for node in nodes[1:]:
            children.setdefault(node["parent"], []).append(node)
        drawn = [f"{tree['front']} (front)"]
        stack = [(child, "", index == len(children.get(tree["front"], [])) - 1)
                 for index, child in enumerate(children.get(tree["front"], []))]
        stack.reverse()
        while stack:
            node, indent, last = stack.pop()
            drawn.append(f"{indent}{'└── ' if last else '├── '}{node['place']} ({node['kind']})"
                         f"  {node['length_km']:.4g} km  {', '.join(node['modes'])}"
                         f"{via(node['route'], (node['place'], node['parent']))}")
            below = children.get(node["place"], [])
            inner = indent + ("    " if last else "│   ")
            stack += reversed([(child, inner, index == len(below) - 1)
                               for index, child in enumerate(below)])
        if len(drawn) > max_lines:
            hidden = len(drawn) - max_lines
            drawn = [*drawn[:max_lines], f"… and {hidden} more place{'s' * (hidden != 1)}"]
        lines += drawn
    # (a tree draws each place once: the gorge path beside the ridge road had not been shown)
    others = routes_not_drawn(scenario, trees)
    if others:
        lines.append("Other routes:")
        lines += [f"• {route.from_} {'→' if route.one_way else '–'} {route.to}  "
                  f"{route.length_km:.4g} km  {', '.join(route.modes)}"
                  f"{via(route.key, (route.from_, route.to))}" for route in others]
    return lines


def summary_html(scenario: Scenario) -> str:
    """A short HTML summary of a scenario (what a notebook shows): title, horizon, counts,
    and per commodity what the localities could give against the demand, in tonnes."""
    summary = summarize(scenario)
    counts = summary["counts"]
    esc = html.escape
    rows = "".join(
        f"<tr><td>{esc(row['commodity'])}</td><td>{row['mobilizable_t']:,.1f}</td>"
        f"<td>{row['demand_t']:,.1f}</td></tr>"
        for row in summary["commodities"])
    return (
        f"<div><b>{esc(scenario.title)}</b> <code>{esc(scenario.name)}</code><br>"
        f"{summary['start_date']} to {summary['end_date']} "
        f"({counted(summary['days'], 'day', 'days')}); "
        f"{counted(counts['places'], 'place', 'places')}, "
        f"{counted(counts['routes'], 'route', 'routes')} ({counts['route_km']:,.0f} km), "
        f"{counted(counts['modes'], 'mode', 'modes')}, "
        f"{counted(counts['commodities'], 'commodity', 'commodities')}"
        "<table><thead><tr><th>commodity</th><th>could give (t)</th><th>demand (t)</th>"
        f"</tr></thead><tbody>{rows}</tbody></table></div>")
