"""The array engine against the SimPy reference model of the same rules
(benchmarks/simpy_reference.py): identical without threats, the same distributions under
them (two-sample Kolmogorov-Smirnov). The test uses 50 reference runs against 2,000 engine
runs: the reference takes 0.023-0.028 s of CPU a run on the three plans below (the
tutorial's 0.023-0.024 s; measured on a loaded 2-core machine, 50 runs each), so 2,000 would
be about 50 s of the suite for each plan; ``python -m benchmarks.bench_simulate --ks 2000``
runs 2,000 each."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import ks_2samp

import supplyline as sl
from benchmarks.simpy_reference import simulate_reference
from tests.simulate.helpers import (
    ARRIVALS,
    HANDLING,
    limited_plan,
    quiet_tutorial_plan,
    tutorial_plan,
)

REFERENCE_RUNS = 50
ENGINE_RUNS = 2_000


@pytest.mark.parametrize("step_days", [1, 4])
def test_without_threats_the_reference_and_the_engine_agree_exactly(step_days: int) -> None:
    plan = quiet_tutorial_plan(step_days)
    (ref,) = simulate_reference(plan, runs=1, seed=0)
    sim = sl.simulate(plan, runs=1, seed=0, precision="double")
    assert ref.consumed_kg == pytest.approx(float(sim.consumed_kg.sum()), rel=1e-9)
    assert ref.front_stock_kg == pytest.approx(float(sim.front_stock_kg[0]), rel=1e-9,
                                               abs=1e-9)
    assert ref.shortfall_kg == pytest.approx(0.0, abs=1e-6)
    assert ref.balance_error_kg < 1e-6


@pytest.mark.parametrize("limit", [None, HANDLING, ARRIVALS],
                         ids=["tutorial", "handling-limited", "arrivals-limited"])
def test_under_threats_the_distributions_agree(limit: tuple[str, float] | None) -> None:
    """On the tutorial, and with the ridge depot's handling limited to 4 t a day or its
    arrivals to 45 units a day (each holds back loads in a fifth to a quarter of the
    runs' days)."""
    plan = tutorial_plan() if limit is None else limited_plan(*limit)
    ref = simulate_reference(plan, runs=REFERENCE_RUNS, seed=11)
    sim = sl.simulate(plan, runs=ENGINE_RUNS, seed=12)
    short_ref = np.array([r.shortfall_kg for r in ref])
    short_sim = sim.shortfall_kg.sum(axis=1)
    stock_ref = np.array([r.front_stock_kg for r in ref])
    assert short_ref.std() > 0 and short_sim.std() > 0  # the test is not vacuous
    assert ks_2samp(short_ref, short_sim).pvalue > 0.01
    assert ks_2samp(stock_ref, sim.front_stock_kg).pvalue > 0.01
    destroyed_ref = np.array([r.destroyed_kg for r in ref])
    destroyed_sim = sim.destroyed_kg.sum(axis=1)
    se = np.sqrt(destroyed_ref.var(ddof=1) / REFERENCE_RUNS
                 + destroyed_sim.var(ddof=1) / ENGINE_RUNS)
    assert abs(destroyed_ref.mean() - destroyed_sim.mean()) < 4 * se
    assert max(r.balance_error_kg for r in ref) < 1e-6
