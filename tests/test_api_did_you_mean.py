"""A misspelt solver, device or precision in Python is said with the one meant, as the
command line says a misspelt scenario or replay: they had listed the choices alone."""

from __future__ import annotations

import pytest

import supplyline as sl
from supplyline.errors import PlanError, SimulationError


def test_a_misspelt_solver_device_or_precision_names_the_one_meant() -> None:
    tutorial = sl.load("tutorial")
    with pytest.raises(PlanError, match=r"\(did you mean 'simplex'\?\), got 'simplx'$"):
        sl.plan(tutorial, solver="simplx")
    with pytest.raises(PlanError, match=r"pdhg-jax, got 3$"):  # (no word: no hint)
        sl.plan(tutorial, solver=3)  # type: ignore[arg-type]
    plan = sl.plan(tutorial, days=2)
    with pytest.raises(SimulationError, match=r"\(did you mean 'cpu'\?\), got 'cpuu'$"):
        sl.simulate(plan, runs=10, device="cpuu")
    with pytest.raises(SimulationError, match=r"\(did you mean 'single'\?\), got 'singel'$"):
        sl.simulate(plan, runs=10, precision="singel")
