"""Sampling what happens to the routes on one day, for many runs at once.

The network keeps the threats as sources (:class:`~supplyline.hazards.StrikeSource`,
:class:`~supplyline.hazards.RainSource`), the same ones its expected capacity, cargo loss and
slowdown are computed from; here each run draws them day by day:

- each exposed route is struck by day with its source's day probability and, independently,
  by night with its night probability (a raid is one event by day and night alike);
- a day strike (or a raid) adds the source's ``capacity_lost`` to the route's damage for its
  ``repair_days`` from the next day (the last day in part when they are not whole:
  :func:`~supplyline.hazards.damage_weights`), so that on average ``p × lost ×
  repair_days`` of the capacity is missing, as the planner assumes (where strikes overlap
  past the whole capacity, a draw is clipped at nothing left and the runs keep a little
  more than the planner counts on: ``supplyline.hazards._threat_factors``);
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

from supplyline.hazards import damage_weights, damage_window
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
    ``rng`` of the array module ``xp`` (NumPy or CuPy). The arrays are kept with the runs
    last (routes × runs); a day's draw gives them with the runs first (transposed views)."""

    def __init__(self, net: Network, xp: Any, rng: Any, runs: int, enabled: bool = True,
                 dtype: Any = np.float64) -> None:
        self.xp = xp
        self.dtype = dtype
        self.rng = rng
        self.runs = runs
        self.n_routes = len(net.route_ids)
        self.strikes = [s for s in net.strikes if len(s.routes)] if enabled else []
        self.rains = [r for r in net.rains if len(r.routes)] if enabled else []
        repair = np.asarray(net.repair_days, dtype=float)
        self.window = damage_window(repair)
        # The weight of a strike k days ago on today's damage (none on its own day).
        weights = damage_weights(repair, self.window)  # [Q, W]
        self.weights = [xp.asarray(weights[:, j].astype(dtype))[:, None]
                        for j in range(self.window)]
        self.recent = [xp.zeros((self.n_routes, runs), dtype=dtype) for _ in range(self.window)]
        self.today = 0  # the slot of ``recent`` that holds today's damage
        self.strike_routes = [xp.asarray(s.routes) for s in self.strikes]
        self.rain_routes = [xp.asarray(r.routes) for r in self.rains]

    def may_rain(self, first: int, end: int) -> bool:
        """Whether a rain day can be drawn on any of the days ``first`` to ``end - 1``."""
        return any(bool((np.asarray(spell.probability[first:end]) > 0).any())
                   for spell in self.rains)

    def day(self, d: int) -> DayDraw:
        xp, runs, q = self.xp, self.runs, self.n_routes
        added = xp.zeros((q, runs), dtype=self.dtype)
        loss_day = xp.zeros((q, runs), dtype=self.dtype)
        loss_night = xp.zeros((q, runs), dtype=self.dtype)
        for source, routes in zip(self.strikes, self.strike_routes, strict=True):
            p_day = float(source.day_probability[d])
            p_night = float(source.night_probability[d])
            if p_day <= 0.0 and p_night <= 0.0:
                continue
            by_day = self.rng.random((int(routes.size), runs)) < p_day
            by_night = (by_day if source.same_event
                        else self.rng.random((int(routes.size), runs)) < p_night)
            added[routes] += by_day * source.capacity_lost
            loss_day[routes] += by_day * source.cargo_destroyed
            loss_night[routes] += by_night * source.cargo_destroyed
        self.today = (self.today + 1) % self.window
        self.recent[self.today] = added
        damage = added * self.weights[0]
        for k in range(1, self.window):
            damage += self.recent[(self.today - k) % self.window] * self.weights[k]
        left = xp.clip(1.0 - damage, 0.0, 1.0)
        slowdown = xp.ones((q, runs), dtype=self.dtype)
        for spell, routes in zip(self.rains, self.rain_routes, strict=True):
            p = float(spell.probability[d])
            if p <= 0.0:
                continue
            wet = self.rng.random((int(routes.size), runs)) < p
            left[routes] *= xp.where(wet, spell.capacity_factor, 1.0)
            slowdown[routes] *= xp.where(wet, 1.0 / spell.speed_factor, 1.0)
        return DayDraw(capacity_left=left.T, slowdown=slowdown.T,
                       loss_day=xp.minimum(loss_day, 1.0).T,
                       loss_night=xp.minimum(loss_night, 1.0).T)
