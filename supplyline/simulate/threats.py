"""Sampling what happens to the routes on one day, for many runs at once.

The network keeps the threats as sources (:class:`~supplyline.network.StrikeSource`,
:class:`~supplyline.network.RainSource`), the same ones its expected capacity, cargo loss and
slowdown are computed from; here each run draws them day by day:

- each exposed route is struck by day with its source's day probability and, independently,
  by night with its night probability (a raid is one event by day and night alike);
- a day strike (or a raid) adds the source's ``capacity_lost`` to the route's damage for its
  ``repair_days`` (the last day in part when they are not whole), so that on average
  ``p × lost × repair_days`` of the capacity is missing, as the planner assumes;
- a strike destroys ``cargo_destroyed`` of the cargo leaving on the route that day by
  movement of its kind (day modes by day, night-only modes by night); several strikes on one
  day add up, at most everything;
- a rain day multiplies the route's capacity by the spell's ``capacity_factor`` and its
  movement time by ``1 / speed_factor``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from supplyline.network import Network

__all__ = ["DayDraw", "ThreatSampler"]


@dataclass
class DayDraw:
    """One day of every run. Shapes: R runs, Q routes."""

    capacity_left: Any  # [R, Q] share of capacity left (damage and rain)
    slowdown: Any  # [R, Q] factor on movement time (>= 1)
    loss_day: Any  # [R, Q] share of day movement's cargo destroyed
    loss_night: Any  # [R, Q] share of night-only movement's cargo destroyed


class ThreatSampler:
    """Draws the threats of ``net`` day by day for ``runs`` runs, with the random generator
    ``rng`` of the array module ``xp`` (NumPy or CuPy)."""

    def __init__(self, net: Network, xp: Any, rng: Any, runs: int, enabled: bool = True) -> None:
        self.xp = xp
        self.rng = rng
        self.runs = runs
        self.n_routes = len(net.route_ids)
        self.strikes = net.strikes if enabled else []
        self.rains = net.rains if enabled else []
        repair = np.asarray(net.repair_days, dtype=float)
        self.window = int(np.ceil(repair.max(initial=1.0))) + 1
        # The weight of a strike k days ago on today's damage: whole days, then the rest.
        k = np.arange(self.window)[None, :]
        self.weights = xp.asarray(np.clip(repair[:, None] - k, 0.0, 1.0))  # [Q, W]
        self.recent = xp.zeros((runs, self.n_routes, self.window))  # damage added k days ago
        self.strike_routes = [xp.asarray(s.routes) for s in self.strikes]
        self.rain_routes = [xp.asarray(r.routes) for r in self.rains]

    def day(self, d: int) -> DayDraw:
        xp, runs, q = self.xp, self.runs, self.n_routes
        added = xp.zeros((runs, q))
        loss_day = xp.zeros((runs, q))
        loss_night = xp.zeros((runs, q))
        for source, routes in zip(self.strikes, self.strike_routes, strict=True):
            if routes.size == 0:
                continue
            p_day = float(source.day_probability[d])
            p_night = float(source.night_probability[d])
            if p_day <= 0.0 and p_night <= 0.0:
                continue
            by_day = self.rng.random((runs, int(routes.size))) < p_day
            by_night = (by_day if source.same_event
                        else self.rng.random((runs, int(routes.size))) < p_night)
            added[:, routes] += by_day * source.capacity_lost
            loss_day[:, routes] += by_day * source.cargo_destroyed
            loss_night[:, routes] += by_night * source.cargo_destroyed
        self.recent = xp.roll(self.recent, 1, axis=2)
        self.recent[:, :, 0] = added
        damage = (self.recent * self.weights[None, :, :]).sum(axis=2)
        left = xp.clip(1.0 - damage, 0.0, 1.0)
        slowdown = xp.ones((runs, q))
        for spell, routes in zip(self.rains, self.rain_routes, strict=True):
            p = float(spell.probability[d])
            if p <= 0.0 or routes.size == 0:
                continue
            wet = self.rng.random((runs, int(routes.size))) < p
            left[:, routes] *= xp.where(wet, spell.capacity_factor, 1.0)
            slowdown[:, routes] *= xp.where(wet, 1.0 / spell.speed_factor, 1.0)
        return DayDraw(capacity_left=left, slowdown=slowdown,
                       loss_day=xp.minimum(loss_day, 1.0), loss_night=xp.minimum(loss_night, 1.0))
