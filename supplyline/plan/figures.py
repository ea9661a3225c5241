"""Figures derived from a plan, per route and per source region: what each route carried,
in which direction and by which mode, what each place gave and received, and what the fronts
consumed of each region's gifts (origins traced through every depot, stocks well mixed).

They read the :class:`~supplyline.plan.result.Plan` and its
:class:`~supplyline.network.Network` and return plain NumPy arrays or small lists, in tonnes
where the name says ``_t`` and in kg where it says ``_kg``; the reports, the map, the
exports (:mod:`supplyline.report`) and the plots (:mod:`supplyline.plot`) show them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from supplyline.network import UNTAGGED, BoolArray, FloatArray, IntArray, Network
from supplyline.plan.metrics import traced_share
from supplyline.plan.result import Plan

__all__ = ["INITIAL_STOCK", "UNTAGGED", "RouteFacts", "deliveries_by_source", "given_t",
           "received_t", "route_facts", "source_groups"]

#: Label of the share of front consumption that was already in stock at the start.
INITIAL_STOCK = "stock held at the start"


#: The heading of a route's ``eaten_t`` in every table of routes (terminal and HTML), and
#: what it means.
EATEN_ON_TRIPS = "t drawn"
EATEN_ON_TRIPS_MEANS = ("t drawn: the food and fuel the carriers draw from what they carry "
                        "for their trips on the route")


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
