"""Where protection pays: against the worst cuts (an attacker–defender model on the
aggregated network, :func:`best_defence`) and against the expected threats (guards, air
defence and repair crews put route by route where they lower the plan's cost most,
:func:`allocate`).

The defender makes up to ``budget`` routes or places safe from cutting (guards, air defence
and repair crews enough that a cut there does not hold); the attacker then cuts the worst
``k`` of the rest (:func:`~supplyline.resilience.interdiction.worst_cuts`). The best defence
is found exactly by the usual branching argument: whatever the defender protects, unless it
takes in one of the cuts of the attacker's best answer, that answer stays as good, so the
best defence contains one element of it; branching on each element of each answer, ``budget``
deep, visits every defence that can be best (at most ``k ** budget`` interdiction MIPs).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from supplyline.network import Network, compile_network
from supplyline.plan.model import build_lp, solve_lp
from supplyline.plan.result import read_plan
from supplyline.plan.variables import FloatArray
from supplyline.resilience.interdiction import Aggregate, WorstCut, worst_cuts

__all__ = ["EFFECTS", "Allocation", "Defence", "allocate", "best_defence", "protected",
           "protection_effects"]


@dataclass
class Defence:
    """The protected routes and places, the attacker's best answer to them, and that answer
    against no protection."""

    budget: int
    k: int
    protected: tuple[str, ...]
    attack: WorstCut  # the worst k cuts left once protected
    unprotected: WorstCut  # the worst k cuts with nothing protected
    mips: int
    seconds: float

    @property
    def saved_kg(self) -> float:
        """Worst-case shortfall the protection takes away (aggregated model)."""
        return self.unprotected.shortfall_kg - self.attack.shortfall_kg


def best_defence(agg: Aggregate, k: int, budget: int, routes: Sequence[str] | None = None,
                 places: Sequence[str] = ()) -> Defence:
    """Protect at most ``budget`` of ``routes`` (default all) and ``places`` so that the
    worst ``k`` cuts of the rest leave the least shortfall."""
    started = time.perf_counter()
    routes = list(agg.route_ids if routes is None else routes)
    places = list(places)
    solved: dict[frozenset[str], WorstCut] = {}

    def attack(protected: frozenset[str]) -> WorstCut:
        if protected not in solved:
            solved[protected] = worst_cuts(
                agg, k, [r for r in routes if r not in protected],
                [p for p in places if p not in protected])
        return solved[protected]

    none = attack(frozenset())
    best: list[tuple[float, int, frozenset[str]]] = [(none.shortfall_kg, 0, frozenset())]

    def branch(protected: frozenset[str]) -> None:
        answer = attack(protected)
        value = (answer.shortfall_kg, len(protected), protected)
        if value[:2] < best[0][:2]:
            best[0] = value
        if len(protected) == budget:
            return
        for item in answer.ids:
            branch(protected | {item})

    branch(frozenset())
    _, _, chosen = best[0]
    return Defence(budget, k, tuple(sorted(chosen)), attack(chosen), none, len(solved),
                   time.perf_counter() - started)


# ------------------------------------------------------------------ expected threats
#: What one unit of each protection does on its route (estimates, to be set per scenario):
#: a guard post halves the raids' chance, air defence halves the strikes' chance, a repair
#: crew halves the repair time (so the capacity a hit takes away, for half as long).
EFFECTS: dict[str, float] = {"guards": 0.5, "air": 0.5, "repair": 0.5}
KINDS = tuple(EFFECTS)


@dataclass
class Allocation:
    """Protection put route by route, one unit at a time where it lowers the plan's cost
    most (shortfall first, then labour and food eaten: the planner's objective)."""

    picks: list[tuple[str, str, float, float]]  # (kind, route, objective, shortfall t) after
    base_objective: float
    base_shortfall_t: float
    solves: int
    seconds: float

    @property
    def objective(self) -> float:
        return self.picks[-1][2] if self.picks else self.base_objective

    @property
    def shortfall_t(self) -> float:
        return self.picks[-1][3] if self.picks else self.base_shortfall_t


def _variant(net: Network, kind: str, route: int) -> Network:
    """The network compiled with ``route`` free of the threat ``kind`` protects against
    (no air strikes, no raids; or repaired at once, for repair crews: a tenth of its repair
    days stands in for the limit)."""
    sc = net.scenario
    routes = list(sc.routes)
    if kind == "air":
        routes[route] = routes[route].model_copy(update={"air_exposed": False})
        variant = sc.model_copy(update={"routes": routes})
    elif kind == "guards":
        variant = sc.model_copy(update={"threats": sc.threats.model_copy(
            update={"sabotage": []})})
    else:
        routes[route] = routes[route].model_copy(
            update={"repair_days": routes[route].repair_days * 0.1})
        variant = sc.model_copy(update={"routes": routes})
    return compile_network(variant, net.grid.size)


def protection_effects(net: Network) -> dict[tuple[str, str], tuple[FloatArray, FloatArray]]:
    """For every kind of protection and route it changes anything on: the change of the
    expected capacity left [A, S] and of the cargo destroyed [A, M, S] on the route's arcs
    that one unit brings (:data:`EFFECTS`). Threats add up per route, so a share ``e`` of a
    threat removed changes both by ``e`` times the change without it (repair: the capacity a
    hit takes scales with the repair days, ``e`` of it removed)."""
    out: dict[tuple[str, str], tuple[FloatArray, FloatArray]] = {}
    no_raids = _variant(net, "guards", 0) if net.scenario.threats.sabotage else None
    for r, rid in enumerate(net.route_ids):
        arcs = net.arc_route == r
        for kind in KINDS:
            if kind == "guards":
                if no_raids is None:
                    continue
                free = no_raids
            else:
                free = _variant(net, kind, r)
            share = EFFECTS[kind] / (0.9 if kind == "repair" else 1.0)
            factor = np.where(arcs[:, None], share * (free.capacity_factor
                                                      - net.capacity_factor), 0.0)
            loss = np.where(arcs[:, None, None], share * (free.cargo_loss - net.cargo_loss),
                            0.0)
            if np.abs(factor).max(initial=0.0) > 1e-9 or np.abs(loss).max(initial=0.0) > 1e-9:
                out[(kind, rid)] = (factor, loss)
    return out


def protected(net: Network, effects: dict[tuple[str, str], tuple[FloatArray, FloatArray]],
              picks: Sequence[tuple[str, str]]) -> Network:
    """The network with the protections in ``picks`` (kind, route) in place."""
    factor = net.capacity_factor.copy()
    loss = net.cargo_loss.copy()
    for pick in picks:
        d_factor, d_loss = effects[pick]
        factor += d_factor
        loss += d_loss
    return dataclasses.replace(net, capacity_factor=np.clip(factor, 0.0, 1.0),
                               cargo_loss=np.clip(loss, 0.0, 1.0))


def _cost(net: Network) -> tuple[float, float]:
    """The plan's objective and shortfall (t) on ``net``."""
    lp = build_lp(net)
    sol = solve_lp(lp)
    plan = read_plan(lp, sol, None)
    return sol.objective, float(plan.kpis()["shortfall_t"])


def allocate(net: Network, budget: dict[str, int],
             progress: Callable[[str], None] | None = None) -> Allocation:
    """Put ``budget`` units of each kind (guards, air, repair) one at a time on the route
    where the next unit lowers the plan's cost most, each tried by planning the protected
    network (greedy); stop early when no unit helps."""
    started = time.perf_counter()
    for kind, units in budget.items():
        if kind not in EFFECTS or units < 0:
            raise ValueError(f"a protection budget gives units >= 0 of {', '.join(KINDS)}, "
                             f"got {kind}={units}")
    effects = protection_effects(net)
    base_objective, base_short = _cost(net)
    left = dict(budget)
    picks: list[tuple[str, str]] = []
    out = Allocation([], base_objective, base_short, 1, 0.0)
    best_objective = base_objective
    while any(units > 0 for units in left.values()):
        best: tuple[float, float, tuple[str, str]] | None = None
        for pick in effects:
            if left.get(pick[0], 0) <= 0 or pick in picks:
                continue
            objective, short = _cost(protected(net, effects, [*picks, pick]))
            out.solves += 1
            if progress is not None:
                progress(f"{pick[0]} on {pick[1]}")
            if objective < best_objective - 1e-9 * max(1.0, abs(best_objective)) and (
                    best is None or objective < best[0]):
                best = (objective, short, pick)
        if best is None:
            break
        picks.append(best[2])
        left[best[2][0]] -= 1
        best_objective = best[0]
        out.picks.append((best[2][0], best[2][1], best[0], best[1]))
    out.seconds = time.perf_counter() - started
    return out
