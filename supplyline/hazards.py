"""Threats and damage per route and day, as the network compiles them
(:func:`~supplyline.network.compile_network`): the scenario's air threats, raids and rain as
sources (:class:`StrikeSource`, :class:`RainSource`), the one repair rule
(:func:`damage_held`, :func:`damage_weights`), and from them the expected capacity left,
cargo loss, chance of a strike and slowdown the planner plans with
(:func:`_threat_factors`). The simulator draws its strikes and rain from the same sources
(:mod:`supplyline.simulate.threats`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from supplyline.scenario.schema import Route, Scenario

__all__ = ["RainSource", "StrikeSource", "damage_days_left", "damage_held", "damage_weights",
           "damage_window",
           "rainy_day_slowdown", "threat_sources"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def _routes_touching(sc: Scenario, routes: list[Route], regions: list[str]) -> list[int]:
    """Routes with an end at a place tagged with any of ``regions``."""
    tags = {p.id: set(p.regions) for p in sc.places}
    wanted = set(regions)
    return [i for i, r in enumerate(routes) if (tags[r.from_] | tags[r.to]) & wanted]


def _day_span(sc: Scenario, start: dt.date, end: dt.date) -> tuple[int, int]:
    """First and last day index of a date window, cut to the horizon (lo > hi: none)."""
    return max(0, sc.day_index(start)), min(sc.days - 1, sc.day_index(end))


def damage_held(share: FloatArray, days_left: FloatArray, days: int) -> FloatArray:
    """The share of each route's capacity [R, days] that damage takes, day by day from now:
    ``share`` [R] for ``days_left`` [R] whole days, the last in part when they are not whole,
    then none. The one repair rule: a strike's damage, a State's and the books' alike."""
    t = np.arange(days)[None, :]
    left = np.asarray(days_left, dtype=float)[:, None]
    return np.asarray(share, dtype=float)[:, None] * np.clip(left - t, 0.0, 1.0)


def damage_days_left(repair_days: float, days_since: int) -> float:
    """Days a strike or damage reported ``days_since`` days ago still holds from that day on,
    that day included (0 once repaired; the books' view): whole from the day after its own
    for ``repair_days``, the last in part (:func:`damage_weights`, the planner's and the
    simulator's rule), and on its own day too (the books count one reported today from
    today, to the same end), so that the days left count down by one a day:
    ``repair_days + 1`` on its day, then ``repair_days``, and so on."""
    return max(0.0, float(repair_days) + 1.0 - max(0, days_since))


def damage_window(repair_days: FloatArray) -> int:
    """Days back a strike's damage can reach today (:func:`damage_weights`): its own day, the
    whole repair days after it and the part of the last."""
    return int(np.ceil(float(np.max(repair_days, initial=1.0)))) + 2


def damage_weights(repair_days: FloatArray, window: int) -> FloatArray:
    """How much of a strike's capacity loss holds on a route ``k`` days after it [Q, window]:
    none on the day itself (the strike destroys its share of what moves that day; the damage
    it does to the road holds from the next day), then for ``repair_days``
    (:func:`damage_held`). A strike's weights sum to its ``repair_days``, so that on average
    ``p × lost × repair_days`` of the capacity is missing, as the planner expects; the same
    day's cargo sees the capacity earlier strikes left, whatever today's strike does, so the
    cargo it destroys is ``p × destroyed`` of what moves, as the planner expects too."""
    repair = np.asarray(repair_days, dtype=float)
    held = damage_held(np.ones_like(repair), repair, window - 1)
    return np.hstack([np.zeros((repair.size, 1)), held])


@dataclass(frozen=True)
class StrikeSource:
    """One source of strikes on routes, as the scenario gives it: an air threat (its windows
    summed) or a sabotage raid (its probability reduced by protection). Each exposed route is
    struck independently, by day with ``day_probability`` and by night with
    ``night_probability`` (the same event when ``same_event``: a raid hits whatever moves).
    A day strike (or the raid) takes ``capacity_lost`` of the route's capacity for its
    ``repair_days``, from the next day (:func:`damage_weights`); a strike destroys
    ``cargo_destroyed`` of the cargo leaving on the route that day by movement of its kind
    (day modes by day, night-only modes by night)."""

    kind: str  # "air" or "sabotage"
    routes: IntArray  # [k] route indices
    day_probability: FloatArray  # [D]
    night_probability: FloatArray  # [D]
    capacity_lost: float
    cargo_destroyed: float
    same_event: bool


@dataclass(frozen=True)
class RainSource:
    """A rain spell (the ``spell``-th of the scenario's): each day a rain day with
    ``probability`` [D] (0 outside the spell), on which the chosen routes' capacity is
    multiplied by ``capacity_factor`` and carrier speeds by ``speed_factor``. A spell
    wholly outside the horizon has none."""

    routes: IntArray  # [k] route indices
    probability: FloatArray  # [D]
    speed_factor: float
    capacity_factor: float
    spell: int  # its place in the scenario's threats.rain


def rainy_day_slowdown(rains: list[RainSource], n_routes: int, days: int) -> FloatArray:
    """The factor on movement time on each route and day when it rains [R, D]: every spell
    that may fall on the route that day falling at once (1 where none may). The largest a
    run may draw; the report's "× as long on a rainy day"."""
    out = np.ones((n_routes, days))
    for spell in rains:
        for r in np.unique(spell.routes):
            out[r, spell.probability > 0] /= spell.speed_factor
    return out


def threat_sources(sc: Scenario, routes: list[Route]) -> tuple[list[StrikeSource],
                                                               list[RainSource]]:
    """The scenario's threats as per-route, per-day sources (see :class:`StrikeSource`)."""
    days = sc.days
    keys = {r.key: i for i, r in enumerate(routes)}
    strikes: list[StrikeSource] = []
    for threat in sc.threats.air:
        chosen = [keys[k] for k in threat.routes] if threat.routes else [
            i for i, r in enumerate(routes) if r.air_exposed
        ]
        chosen = [i for i in chosen if routes[i].air_exposed]
        by_day = np.zeros(days)
        by_night = np.zeros(days)
        for window in threat.windows:
            lo, hi = _day_span(sc, window.start, window.end)
            if lo > hi:
                continue
            by_day[lo : hi + 1] += window.day_probability
            by_night[lo : hi + 1] += window.night_probability
        strikes.append(StrikeSource(
            kind="air", routes=np.array(chosen, dtype=np.int64), day_probability=by_day,
            night_probability=by_night, capacity_lost=threat.capacity_lost_fraction,
            cargo_destroyed=threat.cargo_destroyed_fraction, same_event=False))
    for raid in sc.threats.sabotage:
        probability = np.full(days, raid.probability_per_day * (1.0 - raid.protection))
        strikes.append(StrikeSource(
            kind="sabotage",
            routes=np.array(_routes_touching(sc, routes, raid.regions), dtype=np.int64),
            day_probability=probability, night_probability=probability,
            capacity_lost=raid.capacity_lost_fraction,
            cargo_destroyed=raid.cargo_destroyed_fraction, same_event=True))
    rains: list[RainSource] = []
    for k, spell in enumerate(sc.threats.rain):
        lo, hi = _day_span(sc, spell.start, spell.end)
        if lo > hi:
            continue
        if spell.routes or spell.regions:
            chosen = sorted({keys[k] for k in spell.routes}
                            | set(_routes_touching(sc, routes, spell.regions)))
        else:
            chosen = list(range(len(routes)))
        probability = np.zeros(days)
        probability[lo : hi + 1] = spell.probability_per_day
        rains.append(RainSource(
            routes=np.array(chosen, dtype=np.int64), probability=probability,
            speed_factor=spell.speed_factor, capacity_factor=spell.capacity_factor, spell=k))
    return strikes, rains


def _expected_damage(p_day: FloatArray, repair_days: FloatArray) -> FloatArray:
    """The expected share of a route's capacity a source's day strikes take on each day, per
    share a strike takes [k, D]: the chance of a strike ``j`` days before, times its weight
    then (:func:`damage_weights`, the simulator's own). Where ``p`` holds over a strike's
    repair days this is ``p × repair_days``; a strike's damage starts the day after it."""
    window = damage_window(repair_days)
    weights = damage_weights(repair_days, window)  # [k, W]
    days = p_day.size
    out = np.zeros((repair_days.size, days))
    for j in range(1, min(window, days)):
        out[:, j:] += weights[:, j:j + 1] * p_day[None, : days - j]
    return out


def _threat_factors(
    sc: Scenario, routes: list[Route], night_only: BoolArray,
    strikes: list[StrikeSource], rains: list[RainSource],
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, BoolArray]:
    """Expected capacity left [R, D], expected cargo loss [R, M, D], strike probability
    [R, M, D], expected slowdown of movement [R, D] and closed days [R, D] per route, from
    the threat sources (:func:`threat_sources`).

    A strike (probability ``p`` a day) takes ``lost`` of the capacity for ``repair_days``
    days from the next (:func:`damage_weights`), so on average ``p × lost × repair_days`` of
    it is missing where ``p`` holds over the repair days (:func:`_expected_damage`: the mean
    of the simulator's draws, day by day). A rain day (probability ``q``) multiplies
    capacity by ``capacity_factor`` and speeds by ``speed_factor``, so
    ``1 - q × (1 - capacity_factor)`` of the capacity is left and movement takes
    ``1 - q + q / speed_factor`` times as long on average. Cargo on the route that day is
    lost with probability ``p`` in share ``destroyed``. Several sources on one route: their
    expected losses add; the chance of a strike is that of at least one, ``1 - Π(1 - p)``.
    A closed day has no capacity.

    Where strikes overlap so much that their damage may pass the whole capacity (or cargo),
    the simulator clips each draw at nothing left, and the mean of its draws is then above
    the share left here (the expected damage clipped): the planner counts on a little less
    than the runs give, never more (Jensen: ``E[max(0, 1 - D)] >= max(0, 1 - E[D])``). On
    a route one source strikes with ``capacity_lost`` × the repair days' overlap below 1,
    the two are equal.
    """
    days, n_routes = sc.days, len(routes)
    lost = np.zeros((n_routes, days))
    loss_day = np.zeros((n_routes, days))
    loss_night = np.zeros((n_routes, days))
    # The chance of at least one strike: independent sources miss together with the product
    # of their chances of missing (what they destroy and take, in expectation, simply adds).
    miss_day = np.ones((n_routes, days))
    miss_night = np.ones((n_routes, days))
    repair = np.array([r.repair_days for r in routes])
    for source in strikes:
        exposed = source.routes
        p_day, p_night = source.day_probability[None, :], source.night_probability[None, :]
        lost[exposed] += source.capacity_lost * _expected_damage(
            source.day_probability, repair[exposed])
        loss_day[exposed] += p_day * source.cargo_destroyed
        loss_night[exposed] += p_night * source.cargo_destroyed
        miss_day[exposed] *= 1.0 - p_day
        miss_night[exposed] *= 1.0 - p_night
    left = np.clip(1.0 - lost, 0.0, 1.0)
    slowdown = np.ones((n_routes, days))
    for rain in rains:
        q = rain.probability[None, :]
        left[rain.routes] *= 1.0 - q * (1.0 - rain.capacity_factor)
        slowdown[rain.routes] *= 1.0 - q + q / rain.speed_factor
    closed = np.zeros((n_routes, days), dtype=bool)
    for i, r in enumerate(routes):
        for closure in r.closed:
            lo, hi = _day_span(sc, closure.start, closure.end)
            closed[i, lo : hi + 1] = True
    left = np.where(closed, 0.0, left * (1.0 - sc.policy.capacity_safety_margin))
    loss = np.where(night_only[None, :, None], loss_night[:, None, :], loss_day[:, None, :])
    hit_day, hit_night = 1.0 - miss_day, 1.0 - miss_night
    hit = np.where(night_only[None, :, None], hit_night[:, None, :], hit_day[:, None, :])
    return left, np.clip(loss, 0.0, 1.0), np.clip(hit, 0.0, 1.0), slowdown, closed
