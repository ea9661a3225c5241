"""The solver registry: HiGHS as before, PDLP judged against a proven bound, the GPU solver
registered with a clear error where it cannot run (and checked against HiGHS where it can)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from types import SimpleNamespace

import highspy
import numpy as np
import pytest
from typer.testing import CliRunner

import supplyline as sl
from supplyline.cli import app
from supplyline.cli.common import Solver
from supplyline.network import compile_network
from supplyline.plan import SOLVERS
from supplyline.plan.constraints import conserved_upper_bounds
from supplyline.plan.model import (
    InteriorPointProgress,
    LinearProgram,
    Solution,
    SolveStatus,
    build_lp,
    highs_model,
    solve_lp,
)
from supplyline.plan.solvers import (
    REGISTRY,
    _cuopt_missing,
    _first_order_solution,
    assess,
    check_solver,
    implied_upper_bounds,
    lagrangian_bound,
    solve,
)
from supplyline.scenario import load_text
from supplyline.scenario.whatif import first_days, with_step_days

runner = CliRunner()
NO_GPU_SOLVER = _cuopt_missing()


def short(scenario: sl.Scenario, days: int) -> sl.Scenario:
    return scenario.model_copy(update={"end_date": scenario.start_date
                                       + dt.timedelta(days=days - 1)})


def test_the_registry_names_every_solver_and_plan_checks_it() -> None:
    assert SOLVERS == tuple(REGISTRY) == ("ipm", "simplex", "choose", "pdlp", "cuopt",
                                          "pdhg-jax")
    assert tuple(Solver) == SOLVERS  # --solver offers exactly the registry
    with pytest.raises(sl.PlanError, match="one of ipm, simplex, choose, pdlp, cuopt, pdhg-jax"):
        sl.plan(sl.load("tutorial"), solver="fast")


@pytest.mark.skipif(NO_GPU_SOLVER is None, reason="cuOpt and a GPU are here")
def test_the_gpu_solver_says_what_is_missing() -> None:
    with pytest.raises(sl.PlanError, match="cannot run here"):
        check_solver("cuopt")
    result = runner.invoke(app, ["plan", "tutorial", "--solver", "cuopt", "--json"])
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "usage" and error["message"].startswith("--solver:")
    assert NO_GPU_SOLVER is not None and NO_GPU_SOLVER in error["message"]


@pytest.fixture(scope="module")
def tutorial_lp() -> tuple[LinearProgram, Solution]:
    lp = build_lp(compile_network(sl.load("tutorial")))
    return lp, solve_lp(lp, solver="simplex")


def test_the_interior_points_progress_is_read_from_highs_own_log(
        tutorial_lp: tuple[LinearProgram, Solution]) -> None:
    """What `plan` shows while HiGHS's interior point runs is read from HiGHS's log as it
    comes: on the tutorial, its last iteration ends below IPX's gap of 10^-8, and the
    simplex's log says nothing of it."""
    lp, _ = tutorial_lp
    seen, pieces = InteriorPointProgress(), []
    solve_lp(lp, "ipm", solver_log=lambda piece: (seen.feed(piece), pieces.append(piece)))
    # (HiGHS's summary at the end; the simplex's clean-up lines between are not counted)
    summary = re.search(r"IPM +iterations: +(\d+)", "".join(pieces))
    assert summary is not None and seen.iteration == int(summary[1]) > 10
    assert seen.gap is not None and 0 <= seen.gap < 1e-8
    assert seen.words() == (f"interior point done after {seen.iteration} iterations (gap "
                            f"{seen.gap:.0e}); crossover")  # (a small LP's basis)
    simplex = InteriorPointProgress()
    solve_lp(lp, "simplex", solver_log=simplex.feed)
    assert simplex.words() == ""


def test_a_large_lps_interior_point_is_said_finishing_after_its_iterations(
        tutorial_lp: tuple[LinearProgram, Solution], monkeypatch: pytest.MonkeyPatch) -> None:
    """A large LP (the built-in plan's) runs no crossover: after the last iteration HiGHS
    undoes its presolve and the answer is judged, which the words say."""
    from supplyline.plan import model

    lp, _ = tutorial_lp
    monkeypatch.setattr(model, "INTERIOR_ONLY_COLUMNS", 0)
    seen = InteriorPointProgress()
    solve_lp(lp, "ipm", solver_log=seen.feed)
    assert seen.gap is not None and seen.gap < 1e-8
    assert seen.words() == (f"interior point done after {seen.iteration} iterations (gap "
                            f"{seen.gap:.0e}); finishing")


@pytest.mark.parametrize(("header", "line", "said"), [
    (" Iter  primal obj  dual obj  pinf  dinf  gap  time", "  7   2.1e+04  -3.2e+05  "
     "1.1e-02  4.0e-03  3.10e+00  58s", "interior point at iteration 7, gap 3e+00"),
    (" Iter  primal obj  dual obj  pinf  dinf  gap", " 12*  2.1e+04  2.0e+04  1e-16  1e-16  "
     "4.2e-09", "interior point at iteration 12, gap 4e-09"),
    # (an older log's columns have no gap: nothing is said rather than another figure)
    (" Iter    P.res    D.res            P.obj           D.obj        mu     Time",
     "   3  1.2e+02  3.4e+01  1.0e+05  -2.0e+05  5.6e+03    10s", ""),
])
def test_the_interior_points_line_is_read_by_the_columns_its_header_names(
        header: str, line: str, said: str) -> None:
    """Versions of HiGHS write the time with or without an "s", or leave it out; an older
    interior point wrote other columns."""
    seen = InteriorPointProgress()
    seen.feed(f"IPX model has 10 rows, 12 columns\n{header}\n{line}\n")
    assert seen.words() == said


def test_a_second_run_of_the_interior_point_is_counted() -> None:
    """HiGHS runs the interior point again without presolve after a numerical failure:
    the count of iterations starts again, and the words say which run it is."""
    seen = InteriorPointProgress()
    header = " Iter  primal obj  dual obj  pinf  dinf  gap  time\n"
    seen.feed("IPX model has 9 rows\n" + header + " 94  1.0  1.0  1e-9  1e-9  3.6e-05  300\n")
    seen.feed("IPX model has 10 rows\n" + header + "  2  1.0  1.0  1e-1  1e-1  2.0e+00  3\n")
    assert seen.words() == "interior point, run 2, at iteration 2, gap 2e+00"


def test_the_lagrangian_bound_of_the_optimal_duals_is_the_optimum(
        tutorial_lp: tuple[LinearProgram, Solution]) -> None:
    lp, solution = tutorial_lp
    bound, unbounded = lagrangian_bound(lp, solution.row_dual, implied_upper_bounds(lp))
    assert unbounded == 0
    # Below the optimum, by no more than the simplex's dual tolerance (1e-7 per reduced cost)
    # allows over the columns' implied bounds.
    assert solution.objective * (1 - 1e-6) <= bound <= solution.objective * (1 + 1e-12)


def test_any_dual_values_give_a_bound_below_the_optimum(
        tutorial_lp: tuple[LinearProgram, Solution]) -> None:
    lp, solution = tutorial_lp
    upper = implied_upper_bounds(lp)
    # Every feasible point lies within the implied bounds: the optimal one does.
    assert np.all(solution.x <= upper + 1e-6 * (1 + np.abs(upper)))
    rng = np.random.default_rng(3)
    for scale in (1e-3, 1e-1, 1.0):
        y = solution.row_dual * (1 + scale * rng.standard_normal(solution.row_dual.size))
        bound, _ = lagrangian_bound(lp, y, upper)
        assert bound <= solution.objective * (1 + 1e-9)


def _check_conserved(lp: LinearProgram) -> int:
    """Prove each cap of ``conserved_upper_bounds`` from the LP's own matrix: the stock
    balances of a good summed over places and the steps up to ``s`` (every column at least
    0) bound a column with a positive coefficient there by (the summed right-hand side plus
    the declared bounds of the columns with negative ones) over its coefficient. Returns how
    many caps were checked."""
    caps = conserved_upper_bounds(lp.net, lp.variables, lp.start.stock_in)
    a = lp.assembled
    (i,) = [k for k, b in enumerate(a.blocks) if b.family == "stock_balance"]
    block, first = a.blocks[i], int(a.offsets[i])
    rows = a.matrix.tocsr()[first:first + block.n_rows]
    rhs = block.upper
    good, step = block.keys[:, 1], block.keys[:, 2]
    assert np.array_equal(block.lower, block.upper)
    v = lp.variables
    checked = 0
    for g in range(v.stock.shape[1]):
        for s in range(v.stock.shape[2]):
            pick = (good == g) & (step <= s)
            total = np.asarray(rows[pick].sum(axis=0)).ravel()
            total[np.abs(total) < 1e-12] = 0.0
            negative = total < 0
            inflow = float(rhs[pick].sum() - (total[negative] * v.upper[negative]).sum())
            mine = np.concatenate([v.stock[:, g, s], v.cargo[:, g, s]])
            mine = mine[(mine >= 0) & np.isfinite(caps[np.maximum(mine, 0)])]
            assert np.all(total[mine] > 0)
            proven = inflow / total[mine]
            assert np.all(caps[mine] >= proven - 1e-9 * (1 + np.abs(proven)))
            checked += mine.size
    # Nothing else is capped, and every cap is finite where the argument holds.
    others = np.ones(v.n_columns, dtype=bool)
    others[v.stock.ravel()] = False
    others[v.cargo[v.cargo >= 0]] = False
    assert not np.isfinite(caps[others]).any()
    assert np.isfinite(caps[v.stock.ravel()]).all()
    return checked


@pytest.mark.parametrize("days", [None, 8])
def test_the_stock_balances_together_prove_the_caps_on_stocks_and_loads(days: int | None) -> None:
    """On the tutorial, and on the built-in's first days day by day (spoilage, giving,
    repair crews, threats that destroy loads, food for the way back)."""
    scenario = (sl.load("tutorial") if days is None
                else first_days(with_step_days(sl.load(), 1), days))
    lp = build_lp(compile_network(scenario))
    assert _check_conserved(lp) > 100
    # And the LP itself: the largest stock of each good at its last step is within its cap.
    caps = conserved_upper_bounds(lp.net, lp.variables, lp.start.stock_in)
    for g in range(lp.variables.stock.shape[1]):
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.passModel(highs_model(lp))
        col = lp.variables.stock[:, g, -1]
        cost = np.zeros(lp.n_columns)
        cost[col] = -1.0
        h.changeColsCost(lp.n_columns, np.arange(lp.n_columns, dtype=np.int32), cost)
        h.run()
        most = -h.getInfo().objective_function_value
        assert most <= caps[col[0]] * (1 + 1e-9) + 1e-6


def test_pdlp_reports_its_gap_against_a_proven_bound(tiny: sl.Scenario) -> None:
    scenario = short(tiny, 4)
    exact = sl.plan(scenario, solver="simplex")
    first_order = sl.plan(scenario, solver="pdlp", time_limit_s=60)
    assert first_order.objective == pytest.approx(exact.objective, rel=1e-5)
    assert first_order.solver_note.startswith("HiGHS PDLP")
    # The note says what assess() finds: a bound that is below the optimum (or none).
    lp = build_lp(compile_network(scenario))
    solution = solve(lp, solver="pdlp", time_limit_s=60)
    judged = assess(lp, solution.x, solution.row_dual)
    assert solution.note.startswith(judged.words(solution.note.split(" to a relative")[0]))
    assert judged.bound <= exact.objective * (1 + 1e-9)
    if np.isfinite(judged.bound):
        assert f"proven lower bound {judged.bound:,.2f}, gap {judged.gap:.1e}" in solution.note
    else:
        assert "no finite lower bound could be proven" in solution.note
    assert judged.violation_absolute > 0  # a first-order answer is not exactly feasible
    # With the exact answer and its duals the same measure finds no gap to speak of.
    reference = solve_lp(lp, solver="simplex")
    tight = assess(lp, reference.x, reference.row_dual)
    assert tight.gap < 1e-6 and tight.violation < 1e-9
    # Nothing moving is no answer: its violation says so, and its bound stays a bound.
    nothing = assess(lp, np.zeros(lp.n_columns), np.zeros(lp.n_rows))
    assert nothing.violation > 0 and nothing.bound <= exact.objective


def test_a_first_order_answer_is_optimal_only_with_a_proven_gap() -> None:
    """A first-order answer is judged by one rule (its own stopping criteria are not taken
    on trust): optimal only with a proven gap within FIRST_ORDER_TOLERANCE and every
    violation within tolerance; otherwise the plan says the solver stopped, and why."""
    from supplyline.plan.model import ACCEPT_VIOLATION
    from supplyline.plan.solvers import FIRST_ORDER_TOLERANCE

    lp = build_lp(compile_network(short(sl.load("tutorial"), 4)))
    solution = solve(lp, solver="pdlp", time_limit_s=60)
    judged = assess(lp, solution.x, solution.row_dual)
    proven = (judged.gap <= FIRST_ORDER_TOLERANCE
              and judged.violation <= max(FIRST_ORDER_TOLERANCE, ACCEPT_VIOLATION))
    assert (solution.status is SolveStatus.OPTIMAL) == proven
    assert ("NOT proven optimal" in solution.note) == (not proven)
    exact = solve(lp, solver="simplex")
    kept = _first_order_solution(lp, exact.x, exact.row_dual, 0.0, "pdlp", "exact")
    assert kept.status is SolveStatus.OPTIMAL and "NOT" not in kept.note
    # The same point with duals that prove only a bound far below it (PDLP's answer on
    # the tutorial's first 5 days did so before: a proven gap of 8.2e2).
    weak = _first_order_solution(lp, exact.x, 0.5 * exact.row_dual, 0.0, "pdlp", "weak")
    assert assess(lp, exact.x, 0.5 * exact.row_dual).gap > 1e-3
    assert weak.status is SolveStatus.OTHER and "NOT proven optimal" in weak.note


@pytest.mark.skipif(NO_GPU_SOLVER is not None, reason=f"no GPU solver here: {NO_GPU_SOLVER}")
def test_the_gpu_solver_agrees_with_highs(tiny: sl.Scenario) -> None:
    for scenario in (short(tiny, 4), sl.load("tutorial")):
        exact = sl.plan(scenario)
        gpu = sl.plan(scenario, solver="cuopt", time_limit_s=120)
        assert gpu.objective == pytest.approx(exact.objective, rel=1e-4)
        assert gpu.kpis()["shortfall_t"] == pytest.approx(exact.kpis()["shortfall_t"],
                                                          abs=1e-3)
        assert "lower bound" in gpu.solver_note


def test_a_crossover_that_does_not_finish_leaves_the_interior_solution(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Small LPs are solved by interior point with crossover; when crossover's clean-up is
    stopped (here at once), the interior solution is taken, judged as large LPs' are."""
    from supplyline.plan import model

    lp = build_lp(compile_network(sl.load("tutorial")))
    assert lp.n_columns < model.INTERIOR_ONLY_COLUMNS
    basic = solve_lp(lp, "ipm")
    monkeypatch.setattr(model, "CLEANUP_ITERATIONS", 0)
    said: list[str] = []
    interior = solve_lp(lp, "ipm", log=said.append)
    assert any("crossover did not finish" in line for line in said)
    assert interior.objective == pytest.approx(basic.objective, rel=1e-7)
    assert not any("retrying with simplex" in line for line in said)


def test_an_interior_answer_says_the_gap_its_duals_prove(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A large LP's interior answer (taken without crossover) says the gap to the lower
    bound its own dual values prove, the figure `assess` gives, beside HiGHS's own."""
    from supplyline.plan import model

    lp = build_lp(compile_network(sl.load("tutorial")))
    basic = solve_lp(lp, "ipm")
    monkeypatch.setattr(model, "INTERIOR_ONLY_COLUMNS", 0)
    interior = solve_lp(lp, "ipm")
    judged = assess(lp, interior.x, interior.row_dual)
    assert f"proven gap {judged.gap:.1e} to the lower bound" in interior.note
    assert judged.gap < 1e-7
    assert interior.note.startswith("interior point without crossover: ")
    assert interior.note.endswith("are approximate")
    assert interior.objective == pytest.approx(basic.objective, rel=1e-7)
    assert "proven gap" not in basic.note  # a basic optimal solution needs no such figure


def test_a_gap_above_one_is_said_to_prove_no_useful_bound(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Duals far off (the built-in scenario day by day, solved without presolve, proves a
    gap of 9e17) still give a finite bound: the note then says it is of no use."""
    import highspy

    from supplyline.plan import model

    lp = build_lp(compile_network(sl.load("tutorial")))
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(model.highs_model(lp))
    h.run()
    good = model._with_proven_gap("interior point; approximate", lp, h)
    assert "proven gap" in good and "no useful bound" not in good
    solution = h.getSolution()
    far = np.asarray(solution.row_dual) * 1e6  # the same answer, its duals far off
    judged = assess(lp, np.asarray(solution.col_value), far)
    assert np.isfinite(judged.bound) and judged.gap > 1
    monkeypatch.setattr(h, "getSolution", lambda: SimpleNamespace(
        col_value=solution.col_value, row_dual=far))
    bad = model._with_proven_gap("interior point; approximate", lp, h)
    assert f"proven gap {judged.gap:.1e} to the lower bound its dual values give (no useful " \
        "bound); approximate" in bad


def test_an_interior_point_that_fails_numerically_runs_again_without_presolve(
        monkeypatch: pytest.MonkeyPatch, fail_numerically_once: Callable[[], list[str]]) -> None:
    """The interior point can stop on a singular factorization near the optimum (HiGHS's
    "solve error": the built-in scenario day by day did at its 94th iteration), and run
    again as it was it stops there again. The planner runs it once more without presolve
    (here the first run is made to fail), takes that answer and says how it was found."""
    from supplyline.plan import model

    lp = build_lp(compile_network(sl.load("tutorial")))
    basic = solve_lp(lp, "ipm")
    presolve = fail_numerically_once()
    monkeypatch.setattr(model, "INTERIOR_ONLY_COLUMNS", 0)
    said: list[str] = []
    again = solve_lp(lp, "ipm", log=said.append)
    assert presolve == ["choose", "off"]
    assert "the interior point failed numerically; solving again without presolve" in said
    assert again.status is SolveStatus.OPTIMAL
    assert again.note.startswith("interior point without crossover nor presolve (with "
                                 "presolve it failed numerically): optimal")
    assert again.objective == pytest.approx(basic.objective, rel=1e-7)


def test_the_bounds_beside_the_solve_never_fail_a_plan_nor_outlive_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The implied bounds are computed on a thread beside the interior point: a failure there
    is said in the note and the plan stands; a solve that fails leaves no thread behind."""
    import threading

    from supplyline.plan import model, solvers

    lp = build_lp(compile_network(sl.load("tutorial")))
    monkeypatch.setattr(model, "INTERIOR_ONLY_COLUMNS", 0)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise MemoryError("no room")

    with monkeypatch.context() as patch:
        patch.setattr(solvers, "implied_upper_bounds", broken)
        solved = solve_lp(lp, "ipm")
    assert solved.status.value == "optimal"
    assert "no proven gap could be computed (MemoryError: no room)" in solved.note
    with pytest.raises(sl.PlanError):
        solve_lp(lp, "ipm", time_limit_s=1e-9)
    assert not any(t.name == "supplyline-bounds" for t in threading.enumerate())


def test_the_built_in_first_two_weeks_day_by_day_plan_in_seconds() -> None:
    """17,488 columns, under the size solved without crossover: crossover's simplex clean-up
    loses its way on this LP (for the whole time limit before it was stopped)."""
    sc = with_step_days(first_days(sl.load(), 14), 1)
    lp = build_lp(compile_network(sc))
    solved = solve_lp(lp, "ipm", time_limit_s=60)
    judged = assess(lp, solved.x, solved.row_dual)
    assert judged.gap < 1e-6
    assert judged.violation < 1e-6


def test_a_numerical_failure_says_when_the_figures_span_too_wide_a_range() -> None:
    """Stocks and troops of 1e12 beside a payload of 1e7 kg: HiGHS failed ("Solve error",
    or "unbounded", which a plan can never be), and nothing said why."""
    from supplyline.plan.model import _spread_words, build_lp
    from tests.scenario.helpers import DATA

    text = (DATA / "tiny.yaml").read_text(encoding="utf-8")
    for old, new in (("payload_kg: 25", "payload_kg: 10000000"),
                     ("stock_kg: {rice: 40000}", "stock_kg: {rice: 1000000000000}"),
                     ("value: 1000}", "value: 1000000000000}")):
        assert old in text
        text = text.replace(old, new)
    extreme = build_lp(sl.compile_network(load_text(text, "extreme.yaml", base_dir=DATA)))
    said = _spread_words(extreme)
    assert said.startswith("; the LP's figures span ") and "e+12" in said
    assert "--solver simplex" in said
    for name in ("tutorial", "dien-bien-phu-1954"):  # (the built-ins span up to 2.4e12)
        assert _spread_words(build_lp(sl.compile_network(sl.load(name)))) == ""
