"""Where protection pays against the worst cuts: an attacker–defender model on the
aggregated network.

The defender makes up to ``budget`` routes or places safe from cutting (guards, air defence
and repair crews enough that a cut there does not hold); the attacker then cuts the worst
``k`` of the rest (:func:`~supplyline.resilience.interdiction.worst_cuts`). The best defence
is found exactly by the usual branching argument: whatever the defender protects, unless it
takes in one of the cuts of the attacker's best answer, that answer stays as good, so the
best defence contains one element of it; branching on each element of each answer, ``budget``
deep, visits every defence that can be best (at most ``k ** budget`` interdiction MIPs).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from supplyline.resilience.interdiction import Aggregate, WorstCut, worst_cuts

__all__ = ["Defence", "best_defence"]


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
