"""PDHG on JAX (MPAX, the ``pdhg-jax`` solver): the LP converted to MPAX's form and back,
checked against HiGHS on small random LPs and the tiny scenario on CPU JAX; a clear error
where jax or mpax is missing."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from typer.testing import CliRunner

import supplyline as sl
from supplyline.cli import app
from supplyline.network import compile_network
from supplyline.plan import pdhg_jax
from supplyline.plan.model import SolveStatus, build_lp, solve_lp
from supplyline.plan.pdhg_jax import compile_pdhg, repair_duals, standard_form
from supplyline.plan.solvers import (
    FIRST_ORDER_TOLERANCE,
    assess,
    check_solver,
    implied_upper_bounds,
    lagrangian_bound,
    solve,
)

runner = CliRunner()
NO_JAX = pdhg_jax.missing()
needs_jax = pytest.mark.skipif(NO_JAX is not None, reason=f"no JAX solver here: {NO_JAX}")


def random_lp(seed: int, rows: int = 24, columns: int = 40) -> Any:
    """A feasible, bounded LP with every kind of row (equal, ranged, >=, <=, free) and
    columns with and without an upper bound, shaped like the planner's (``assembled``,
    ``variables``, ``cost``)."""
    rng = np.random.default_rng(seed)
    matrix = sp.random(rows, columns, density=0.25, random_state=seed, format="csc")
    matrix.data = rng.uniform(0.5, 2.0, matrix.data.size) * rng.choice([-1, 1], matrix.nnz)
    upper = np.where(rng.random(columns) < 0.5, rng.uniform(5, 20, columns), np.inf)
    x0 = rng.uniform(0, 4, columns)
    activity = matrix @ x0
    kind = np.arange(rows) % 5  # 0 equal, 1 ranged, 2 >=, 3 <=, 4 free
    row_lower = np.where(np.isin(kind, (0, 1, 2)), activity - (kind != 0), -np.inf)
    row_upper = np.where(np.isin(kind, (0, 1, 3)), activity + (kind != 0), np.inf)
    row_lower[kind == 0] = row_upper[kind == 0] = activity[kind == 0]
    cost = rng.uniform(0.1, 3.0, columns) * np.where(np.isfinite(upper),
                                                     rng.choice([-1, 1], columns), 1)
    return SimpleNamespace(
        assembled=SimpleNamespace(matrix=matrix, row_lower=row_lower, row_upper=row_upper),
        variables=SimpleNamespace(lower=np.zeros(columns), upper=upper),
        conserved_upper=np.full(columns, np.inf),  # a plain LP: no stock balances
        cost=cost, n_columns=columns, n_rows=rows)


def short(scenario: sl.Scenario, days: int) -> sl.Scenario:
    return scenario.model_copy(update={"end_date": scenario.start_date
                                       + dt.timedelta(days=days - 1)})


def test_the_standard_form_is_the_same_lp() -> None:
    lp = random_lp(1)
    form = standard_form(lp)
    n = lp.n_columns
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 3, n)
    a = lp.assembled
    ranged = np.isfinite(a.row_lower) & np.isfinite(a.row_upper) & (a.row_lower < a.row_upper)
    # The slacks take the ranged rows' activities: the equalities then read the same rows.
    full = np.concatenate([x, (a.matrix @ x)[ranged]])
    assert full.size == form.c.size == form.lower.size == form.upper.size
    eq_activity = form.a_eq @ full
    assert np.allclose(eq_activity[~ranged[form.eq_rows]], (a.matrix @ x)[form.eq_rows][
        ~ranged[form.eq_rows]])
    assert np.allclose(eq_activity[ranged[form.eq_rows]], 0.0)
    assert np.allclose(form.b[~ranged[form.eq_rows]], a.row_lower[form.eq_rows][
        ~ranged[form.eq_rows]])
    # >= rows as they are, <= rows negated; free rows are gone.
    g_activity = form.g @ full
    k = form.ge_rows.size
    assert np.allclose(g_activity[:k], (a.matrix @ x)[form.ge_rows])
    assert np.allclose(g_activity[k:], -(a.matrix @ x)[form.le_rows])
    assert np.allclose(form.h, np.concatenate([a.row_lower[form.ge_rows],
                                               -a.row_upper[form.le_rows]]))
    free = ~np.isfinite(a.row_lower) & ~np.isfinite(a.row_upper)
    assert form.eq_rows.size + form.ge_rows.size + form.le_rows.size == lp.n_rows - free.sum()
    # Duals mapped back give the same reduced costs on the planner's columns.
    dual = rng.standard_normal(form.a_eq.shape[0] + form.g.shape[0])
    y = form.row_dual(dual)
    mpax_reduced = form.c - sp.vstack([form.a_eq, form.g]).T @ dual
    assert np.allclose(mpax_reduced[:n], lp.cost - a.matrix.T @ y)
    assert np.all(y[free] == 0)


def test_the_repaired_duals_give_a_finite_proven_bound() -> None:
    lp = random_lp(3)
    exact = solve_lp(lp, solver="simplex")
    upper = implied_upper_bounds(lp)
    # Optimal duals nudged so that some columns without an upper bound have a slightly
    # negative reduced cost: the bound is -inf until they are repaired.
    y = exact.row_dual.copy()
    free_columns = ~np.isfinite(upper)
    assert free_columns.any()
    y = y + 1e-7 * np.random.default_rng(4).standard_normal(y.size)
    repaired = repair_duals(lp, y, upper)
    bound, unbounded = lagrangian_bound(lp, repaired, upper)
    assert unbounded == 0
    assert bound <= exact.objective * (1 + 1e-9) + 1e-9
    assert bound >= exact.objective - 1e-3 * max(1.0, abs(exact.objective))


@needs_jax
@pytest.mark.parametrize("seed", [5, 6])
def test_random_lps_agree_with_highs(seed: int) -> None:
    lp = random_lp(seed)
    exact = solve_lp(lp, solver="simplex")
    run = pdhg_jax.solve_pdhg(lp, 1e-9, time_limit_s=120)
    assert run.status == "optimal"
    judged = assess(lp, run.x, run.row_dual)
    assert judged.objective == pytest.approx(exact.objective, rel=1e-6, abs=1e-6)
    assert judged.bound <= exact.objective + 1e-9 * max(1.0, abs(exact.objective))
    assert judged.gap < 1e-6 and judged.violation < 1e-6


@pytest.fixture(scope="module")
def tiny_lp() -> Any:
    from tests.conftest import TINY

    return build_lp(compile_network(short(sl.load(TINY), 4)))


@needs_jax
def test_the_tiny_scenario_agrees_with_highs(tiny_lp: Any) -> None:
    exact = solve_lp(tiny_lp, solver="simplex")
    solution = solve(tiny_lp, solver="pdhg-jax", time_limit_s=120)
    judged = assess(tiny_lp, solution.x, solution.row_dual)
    assert solution.solver == "pdhg-jax"
    assert solution.objective == pytest.approx(exact.objective, rel=1e-5)
    # The proven bound is a bound: never above the optimum.
    assert np.isfinite(judged.bound)
    assert judged.bound <= exact.objective * (1 + 1e-9)
    assert solution.note.startswith("MPAX PDHG on JAX (")
    assert f"proven lower bound {judged.bound:,.2f}, gap {judged.gap:.1e}" in solution.note
    # Optimal only where assess says so; else the note says it is not proven.
    proven = judged.gap <= FIRST_ORDER_TOLERANCE and judged.violation <= 1e-6
    assert (solution.status is SolveStatus.OPTIMAL) == proven
    assert ("NOT proven optimal" in solution.note) == (not proven)


@needs_jax
def test_the_time_limit_stops_the_solve(tiny_lp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = compile_pdhg(tiny_lp, 1e-12)
    run = compiled.run(time_limit_s=0.0)
    assert run.status == "time limit" and run.x.size == tiny_lp.n_columns
    assert run.iterations < 1_000  # stopped at the first check past the deadline
    # The planner's entry says so in its words (the same run, not compiled again).
    monkeypatch.setattr(pdhg_jax, "solve_pdhg", lambda *args, **kwargs: run)
    with pytest.raises(sl.PlanError, match="reached its time limit"):
        solve(tiny_lp, solver="pdhg-jax", time_limit_s=1.0)


def test_without_jax_the_solver_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    def absent(name: str) -> Any:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    monkeypatch.setattr(pdhg_jax, "_module", absent)
    with pytest.raises(sl.PlanError, match=r"cannot run here: .*pip install 'supplyline\[gpu\]'"):
        check_solver("pdhg-jax")
    result = runner.invoke(app, ["plan", "tutorial", "--solver", "pdhg-jax", "--json"])
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "usage" and "jax and mpax (jax is missing)" in error["message"]
    assert "Traceback" not in result.output
