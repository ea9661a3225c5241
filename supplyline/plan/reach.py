"""When a good can first reach a place: a lower bound from the network alone.

From every place that holds the good at the start (or has it arriving on the way) or may
first give it, along every leg a loaded trip can take (:func:`supplyline.accounting.legs_of`),
step by step, as if carriers and their food were everywhere. A trip may leave in the step
its cargo arrives, as the planner's balances (by step) allow. No plan can bring the good
sooner, so demand before that day that the place's own stock cannot meet goes short
whatever the plan does.

Read by the shortfall findings of a plan (:mod:`supplyline.plan.diagnose`) and by
``supplyline check``, which says before any plan which fronts must go short (:func:`unavoidable`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from supplyline.accounting import Legs, legs_of
from supplyline.network import Network
from supplyline.plan.result import SHORT_MIN_KG
from supplyline.units import fmt

__all__ = ["Unavoidable", "before_arrival", "earliest_arrival", "held", "held_at_start",
           "out_of_reach", "step_date", "unavoidable", "unavoidable_short"]

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
    steps = held.shape[2]
    first = np.where(held.any(axis=2), held.argmax(axis=2), steps)  # [P, G]
    source = np.where(first < steps, np.arange(first.shape[0])[:, None], -1)
    # The earliest arrival of a trip on each leg leaving in step s or later [L, S + 1].
    arrives = np.where(legs.loaded_ok, legs.cargo_arrives, steps)
    later = np.minimum.accumulate(arrives[:, ::-1], axis=1)[:, ::-1]
    later = np.concatenate([later, np.full((legs.n, 1), steps)], axis=1)
    rows = np.arange(legs.n)[:, None]
    while True:
        reached = later[rows, first[legs.origin]]  # [L, G]
        sooner = reached < first[legs.dest]
        if not sooner.any():
            return first[place], source[place]
        for leg, g in zip(*np.nonzero(sooner), strict=True):
            if reached[leg, g] < first[legs.dest[leg], g]:
                first[legs.dest[leg], g] = reached[leg, g]
                source[legs.dest[leg], g] = source[legs.origin[leg], g]


def before_arrival(legs: Legs, held: BoolArray, kg: NDArray[np.float64]) -> NDArray[np.float64]:
    """Of ``kg`` [P, G, S] (food some group went without, at each place and step), how much
    falls before the good can first arrive at its place from elsewhere [G]."""
    out = np.zeros(kg.shape[1])
    for p in np.nonzero(kg.sum(axis=(1, 2)) > 0)[0]:
        first, _ = earliest_arrival(legs, held, int(p))
        steps = np.arange(kg.shape[2])[None, :] < first[:, None]  # [G, S]
        out += np.where(steps, kg[p], 0.0).sum(axis=1)
    return out


def step_date(net: Network, step: int) -> str:
    """The first day of ``step``, as findings say it: '14 Dec 1953'."""
    day = net.start_date + dt.timedelta(days=int(net.step_start[step]))
    return f"{day.day} {day:%b %Y}"


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


def unavoidable_short(net: Network) -> list[Unavoidable]:
    """What a scenario's fronts must go short of whatever the plan does: demand before its
    good can first arrive (:func:`earliest_arrival`) beyond what the front holds itself, at
    least (spoiling left out); more than :data:`~supplyline.plan.result.SHORT_MIN_KG` each."""
    goods = net.goods
    demand = net.demand_kg[:, goods, :]  # [P, G, S]
    if not demand.any():
        return []
    legs, held = legs_of(net), held_at_start(net)
    out = []
    for p in np.nonzero(demand.sum(axis=(1, 2)) > 0)[0]:
        reach = earliest_arrival(legs, held, int(p))
        for g in np.nonzero(demand[p].sum(axis=1) > 0)[0]:
            before = float(demand[p, g, :reach[0][g]].sum())
            short = before - float(net.initial_stock_kg[p, goods[g]])
            if short > SHORT_MIN_KG:
                why, _ = out_of_reach(net, reach, held, int(p), int(g))
                out.append(Unavoidable(
                    int(p), int(g), short, int(reach[0][g]),
                    f"{why}, so at least {fmt(short / 1000.0)} t of the "
                    f"{net.commodity_ids[goods[g]]} it needs goes short", int(reach[1][g])))
    return out


def unavoidable(net: Network) -> list[str]:
    """:func:`unavoidable_short` in words, as ``supplyline check`` says it."""
    return [short.words for short in unavoidable_short(net)]
