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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from supplyline.errors import PlanError, not_whole
from supplyline.hazards import StrikeSource, _threat_factors
from supplyline.network import Network
from supplyline.plan.model import failure_words
from supplyline.plan.result import Plan
from supplyline.plan.session import Session
from supplyline.resilience.interdiction import (
    ADDS_NOTHING_KG,
    Aggregate,
    WorstCut,
    fewer_words,
    worst_cuts,
)

__all__ = ["EFFECTS", "Allocation", "Defence", "allocate", "best_defence",
           "candidates_to_protect", "plan_on", "protected"]


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

    def notes(self) -> list[str]:
        """Why the attack on the protected network, or on the unprotected one, has fewer
        cuts than ``k`` (:func:`~supplyline.resilience.interdiction.fewer_words`, the words
        the protection's sentence gives beside its cuts), for the JSON."""
        said = [(which, fewer_words(len(cut.ids), cut.k, cut.gap))
                for which, cut in (("protected", self.attack),
                                   ("unprotected", self.unprotected))]
        return [f"the attack on the {which} network has {few}" for which, few in said if few]


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
        # Lower by more than the MIPs' tolerance, or as low with fewer protected: a
        # protection that leaves the other of two equal attacks, found a few grams lower
        # within the MIP's gap, was named the best where none helps.
        margin = ADDS_NOTHING_KG + SAVES_NOTHING * max(value[0], best[0][0])
        if value[0] < best[0][0] - margin or (
                value[0] <= best[0][0] + margin and value[1] < best[0][1]):
            best[0] = value
        if len(protected) == budget:
            return
        for item in answer.ids:
            branch(protected | {item})

    branch(frozenset())
    _, _, chosen = best[0]
    return Defence(budget, k, tuple(sorted(chosen)), attack(chosen), none, len(solved),
                   time.perf_counter() - started)


#: A protection that lowers the worst attack by no more than this share of it (beside
#: :data:`~supplyline.resilience.interdiction.ADDS_NOTHING_KG`) saves nothing: the
#: interdiction MIPs are solved to a relative gap of 1e-6, so two answers of equal worth
#: may differ by that much.
SAVES_NOTHING = 1e-5


# ------------------------------------------------------------------ expected threats
#: What one unit of each protection does on its route (estimates, the same for every
#: scenario; the scenario file has no field for them): a guard post halves the raids'
#: chance, air defence halves the strikes' chance, a repair crew halves the repair time (so
#: the capacity a hit takes away, for half as long).
EFFECTS: dict[str, float] = {"guards": 0.5, "air": 0.5, "repair": 0.5}
KINDS = tuple(EFFECTS)
#: The threat each kind of protection counters (a route takes one unit of each kind).
COUNTERS: dict[str, str] = {"guards": "raids", "air": "air strikes",
                            "repair": "strikes or raids that cut capacity"}


@dataclass
class Allocation:
    """Protection put route by route, one unit at a time where it lowers the plan's cost
    most (shortfall first, then labour and food eaten: the planner's objective)."""

    picks: list[tuple[str, str, float, float]]  # (kind, route, objective, shortfall t) after
    base_objective: float
    base_shortfall_t: float
    solves: int
    seconds: float
    budget: dict[str, int] = dataclasses.field(default_factory=dict)  # units asked, by kind
    threatened: dict[str, int] = dataclasses.field(default_factory=dict)  # routes it can help
    #: the plan on the network with every pick in place (None without one), as
    #: ``plan_on(protected(net, picks))`` makes it: solved while the picks were tried
    plan: Plan | None = dataclasses.field(default=None, repr=False, compare=False)

    def unplaced(self) -> dict[str, tuple[int, str]]:
        """Units of each kind left unplaced, and why: no route under the threat the kind
        counters, every route it can help has its one unit, or none where one more lowers
        the plan's cost."""
        out: dict[str, tuple[int, str]] = {}
        for kind, units in self.budget.items():
            placed = sum(1 for k, _, _, _ in self.picks if k == kind)
            if units <= placed:
                continue
            routes = self.threatened.get(kind, 0)
            if routes == 0:
                why = f"no route is under {COUNTERS[kind]}"
            elif placed == routes:
                why = (f"the one route under {COUNTERS[kind]} has one" if routes == 1 else
                       f"each of the {routes} routes under {COUNTERS[kind]} has one")
            elif placed == 0:
                why = "no route where one lowers the plan's cost"
            else:
                why = "no other route where one lowers the plan's cost"
            out[kind] = (units - placed, why)
        return out

    @property
    def objective(self) -> float:
        return self.picks[-1][2] if self.picks else self.base_objective

    @property
    def shortfall_t(self) -> float:
        return self.picks[-1][3] if self.picks else self.base_shortfall_t


def protected(net: Network, picks: Sequence[tuple[str, str]]) -> Network:
    """The network with the protections in ``picks`` (kind, route id) in place, threats
    and expectations alike: each unit of ``air`` or ``guards`` on a route takes
    :data:`EFFECTS` of the chance of its air strikes or raids there (the route gets a threat
    source of its own, the rest keep theirs), each unit of ``repair`` the same share of its
    repair days; the expected capacity, cargo loss and strike chance are recomputed from the
    sources as the network computes them, so plans and simulations both see the protection."""
    sc = net.scenario
    kinds = {"air": "air", "guards": "sabotage"}
    scale: dict[tuple[str, int], float] = {}
    routes = list(sc.routes)
    for kind, rid in picks:
        if kind not in EFFECTS:
            raise ValueError(f"protection kinds are {', '.join(KINDS)}, got {kind!r}")
        r = net.route_index[rid]
        if kind == "repair":
            routes[r] = routes[r].model_copy(
                update={"repair_days": routes[r].repair_days * (1.0 - EFFECTS[kind])})
        else:
            key = (kinds[kind], r)
            scale[key] = scale.get(key, 1.0) * (1.0 - EFFECTS[kind])
    strikes: list[StrikeSource] = []
    for source in net.strikes:
        mine = [int(r) for r in source.routes if (source.kind, int(r)) in scale]
        rest = np.array([r for r in source.routes if int(r) not in mine], dtype=np.int64)
        strikes.append(dataclasses.replace(source, routes=rest))
        for r in mine:
            f = scale[(source.kind, r)]
            strikes.append(dataclasses.replace(
                source, routes=np.array([r], dtype=np.int64),
                day_probability=source.day_probability * f,
                night_probability=source.night_probability * f))
    left, loss, hit, _, _ = _threat_factors(sc, routes, net.night_only, strikes, net.rains)
    arcs = net.arc_route
    return dataclasses.replace(
        net, capacity_factor=net.grid.mean(left[arcs]), cargo_loss=net.grid.mean(loss[arcs]),
        strike_probability=hit[arcs], strikes=strikes,
        repair_days=np.array([r.repair_days for r in routes], dtype=float))


def candidates_to_protect(net: Network) -> list[tuple[str, str]]:
    """Every (kind, route) where one unit changes anything: routes under air strikes (air
    defence, repair crews) or raids (guards, repair crews)."""
    out: list[tuple[str, str]] = []
    for r, rid in enumerate(net.route_ids):
        hit_by = {s.kind for s in net.strikes if r in s.routes
                  and (s.day_probability.any() or s.night_probability.any())}
        if "air" in hit_by:
            out.append(("air", rid))
        if "sabotage" in hit_by:
            out.append(("guards", rid))
        if hit_by and any(s.capacity_lost > 0 for s in net.strikes if r in s.routes):
            out.append(("repair", rid))
    return out


def plan_on(net: Network, time_limit_s: float | None = None, resolve: str = "auto",
            doing: str = "") -> Plan:
    """The plan of ``net``, solved as the analysis's session solves its uncut plan (its
    solver and options, ``time_limit_s`` its limit: they had run by another solver with no
    limit, whatever ``--time-limit`` said). ``PlanError`` where it does not solve, naming
    what was being planned (``doing``)."""
    session = Session.of(net, time_limit_s=time_limit_s, resolve=resolve)
    out = session.solve()
    if not out.ok:
        raise PlanError(f"the plan {doing or 'of the network'} did not solve: "
                        + failure_words(out.status, out.detail))
    return session.plan(out)


def _cost(plan: Plan) -> tuple[float, float]:
    """The plan's objective and shortfall (t)."""
    return plan.objective, float(plan.kpis()["shortfall_t"])


def check_protect(budget: object) -> None:
    """Raise ``ValueError`` naming ``protect`` unless ``budget`` maps kinds of protection
    (:data:`KINDS`) to whole numbers of units >= 0."""
    if not isinstance(budget, Mapping):
        raise ValueError(f"protect: expected units of each kind to place, like "
                         f"{{'guards': 2}}, with kinds {', '.join(KINDS)}, got {budget!r}")
    wrong = [f"a kind of protection ({', '.join(KINDS)}), got {kind!r}" if kind not in EFFECTS
             else f"a whole number >= 0 of {kind}, got {units!r}"
             for kind, units in budget.items() if kind not in EFFECTS or not_whole(units, 0)]
    if wrong:
        raise ValueError("protect: expected " + "; expected ".join(wrong))
    if not any(budget.values()):  # (it said no unit lowers the cost, of none asked for)
        raise ValueError("protect: expected at least one unit to place, got "
                         + (", ".join(f"{kind}={units}" for kind, units in budget.items())
                            or "none"))


def allocate(net: Network, budget: dict[str, int],
             progress: Callable[[str], None] | None = None,
             time_limit_s: float | None = None, resolve: str = "auto") -> Allocation:
    """Put ``budget`` units of each kind (guards, air, repair) one at a time on the route
    where the next unit lowers the plan's cost most, each tried by planning the protected
    network (greedy); stop early when no unit helps. ``solves`` counts the plans made (the
    network unprotected, and each unit tried); ``plan`` is that of the picks. Each plan is
    solved within ``time_limit_s`` (:func:`plan_on`); ``PlanError`` where one does not
    solve."""
    started = time.perf_counter()
    check_protect(budget)
    effects = candidates_to_protect(net)
    base_objective, base_short = _cost(plan_on(net, time_limit_s, resolve,
                                               "to place the protection from"))
    left = dict(budget)
    picks: list[tuple[str, str]] = []
    out = Allocation([], base_objective, base_short, 1, 0.0, budget=dict(budget),
                     threatened={kind: sum(1 for k, _ in effects if k == kind)
                                 for kind in budget})
    best_objective = base_objective
    while any(units > 0 for units in left.values()):
        best: tuple[float, float, tuple[str, str], Plan] | None = None
        for pick in effects:
            if left.get(pick[0], 0) <= 0 or pick in picks:
                continue
            plan = plan_on(protected(net, [*picks, pick]), time_limit_s, resolve,
                           f"with {' and '.join(f'{k} on {r}' for k, r in [*picks, pick])}")
            objective, short = _cost(plan)
            out.solves += 1
            if progress is not None:
                progress(f"{pick[0]} on {pick[1]}")
            if objective < best_objective - 1e-9 * max(1.0, abs(best_objective)) and (
                    best is None or objective < best[0]):
                best = (objective, short, pick, plan)
        if best is None:
            break
        picks.append(best[2])
        left[best[2][0]] -= 1
        best_objective = best[0]
        out.picks.append((best[2][0], best[2][1], best[0], best[1]))
        out.plan = best[3]  # (the plan of the picks so far, in their order)
    out.seconds = time.perf_counter() - started
    return out
