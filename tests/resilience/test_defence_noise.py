"""The best protection is one that lowers the worst attack by more than the interdiction
model's own tolerance: one that does not protects nothing."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from supplyline.resilience import protect
from supplyline.resilience.interdiction import Aggregate, WorstCut


def test_a_protection_that_saves_only_the_solvers_noise_is_none(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two disjoint attacks each leave 26.25 t short: protecting a cut of one leaves the
    other, which the MIP (relative gap 1e-6) may find a few grams lower. The defence named
    that protection the best, "26.2 t against 26.2 t unprotected", where nothing helps."""
    def worst(agg: Aggregate, k: int, routes: Sequence[str] | None = None,
              places: Sequence[str] = ()) -> WorstCut:
        left = list(routes or [])
        if "a" in left and "b" in left:
            return WorstCut(k, ["a", "b"], [], 26_250.0, 26_250.0, 0.0, 0.0, 0, "optimal")
        kg = 26_250.0 - 1e-3  # (the other attack, as the MIP found it: within its gap)
        return WorstCut(k, ["c", "d"], [], kg, kg, 0.0, 0.0, 0, "optimal")

    monkeypatch.setattr(protect, "worst_cuts", worst)
    defence = protect.best_defence(None, 2, 1, ["a", "b", "c", "d"])  # type: ignore[arg-type]
    assert defence.protected == ()
    assert defence.saved_kg == 0.0
