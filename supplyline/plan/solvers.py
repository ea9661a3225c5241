"""The LP solvers a plan may be made with: a checked registry.

=========== ============================================================================
name        solver
=========== ============================================================================
``ipm``     HiGHS interior point (the default; without crossover on large LPs, see
            :func:`~supplyline.plan.model.solve_lp`)
``simplex`` HiGHS dual simplex
``choose``  HiGHS decides
``pdlp``    HiGHS PDLP, a first-order method (primal-dual hybrid gradient): fast per
            iteration, but its answer is only as accurate as its tolerance
``cuopt``   NVIDIA cuOpt's PDLP on a GPU (the ``[gpu]`` extra, an NVIDIA GPU with CUDA 12)
=========== ============================================================================

and ``pdhg-jax``: MPAX's PDHG (r²HPDHG) on JAX, on the GPU where JAX has one, else on the CPU
(the ``[gpu]`` extra, or ``jax`` and ``mpax``; :mod:`supplyline.plan.pdhg_jax`).

A first-order answer is never taken on trust: :func:`assess` measures how far it is from
feasible (the largest row or bound violation) and computes a **proven** lower bound on the
optimum from its dual values (the Lagrangian bound, valid for any dual values, with upper
bounds on the columns implied by the rows, :func:`implied_upper_bounds`). The plan's
``solver_note`` gives the objective, that bound and the gap between them, or says that no
finite bound could be proven.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np

from supplyline.errors import PlanError
from supplyline.plan.model import (
    LinearProgram,
    Solution,
    SolveStatus,
    _quiet_highs,
    failure_words,
    highs_model,
    solve_lp,
    violations,
)
from supplyline.plan.variables import FloatArray
from supplyline.text import did_you_mean

__all__ = [
    "DEFAULT_SOLVER",
    "FIRST_ORDER_TOLERANCE",
    "REGISTRY",
    "Assessment",
    "SolverEntry",
    "assess",
    "check_solver",
    "implied_upper_bounds",
    "lagrangian_bound",
    "solve",
    "solver_names",
]

DEFAULT_SOLVER = "ipm"
#: The solver's time limit in seconds where `supplyline` is not given ``--time-limit``
#: (``sl.plan`` sets none unless told).
DEFAULT_TIME_LIMIT_S = 300.0
#: Relative optimality tolerance of the first-order solvers (PDLP's own measure).
FIRST_ORDER_TOLERANCE = 1e-7

Log = Callable[[str], None] | None
#: (lp, time limit in seconds, message log, the solver's own log) -> Solution
SolveFunction = Callable[[LinearProgram, float | None, Log, Log], Solution]


@dataclass(frozen=True)
class SolverEntry:
    """One solver of the registry."""

    name: str
    description: str
    solve: SolveFunction
    #: Says why the solver cannot run here (a package or a GPU missing), or None when it can.
    missing: Callable[[], str | None] = lambda: None
    first_order: bool = False


# -- HiGHS ----------------------------------------------------------------------------------


def _highs(name: str) -> SolveFunction:
    def run(lp: LinearProgram, time_limit_s: float | None, log: Log,
            solver_log: Log) -> Solution:
        return solve_lp(lp, solver=name, time_limit_s=time_limit_s, log=log,
                        solver_log=solver_log)
    return run


def _highs_pdlp(lp: LinearProgram, time_limit_s: float | None, log: Log,
                solver_log: Log) -> Solution:
    h = _quiet_highs(solver_log)
    h.setOptionValue("solver", "pdlp")
    h.setOptionValue("pdlp_optimality_tolerance", FIRST_ORDER_TOLERANCE)
    if time_limit_s is not None:
        h.setOptionValue("time_limit", float(time_limit_s))
    h.passModel(highs_model(lp))
    started = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - started
    status = {
        highspy.HighsModelStatus.kOptimal: SolveStatus.OPTIMAL,
        highspy.HighsModelStatus.kTimeLimit: SolveStatus.TIME_LIMIT,
        highspy.HighsModelStatus.kInfeasible: SolveStatus.INFEASIBLE,
    }.get(h.getModelStatus(), SolveStatus.OTHER)
    if status is not SolveStatus.OPTIMAL:
        raise PlanError(failure_words(status, "HiGHS PDLP: "
                                       + h.modelStatusToString(h.getModelStatus())))
    sol = h.getSolution()
    x = np.asarray(sol.col_value, dtype=float)
    y = np.asarray(sol.row_dual, dtype=float)
    iterations = int(h.getInfo().pdlp_iteration_count)
    if log is not None:
        log(f"HiGHS PDLP: {iterations:,} iterations in {seconds:.2f} s")
    return _first_order_solution(lp, x, y, seconds, "pdlp",
                                 f"HiGHS PDLP ({iterations:,} iterations)")


# -- cuOpt (GPU) ----------------------------------------------------------------------------


def _cuopt_missing() -> str | None:
    try:
        import cuopt.linear_programming  # noqa: F401
    except ImportError:
        return ("the GPU solver needs NVIDIA cuOpt: pip install 'supplyline[gpu]' (an NVIDIA "
                "GPU with CUDA 12)")
    except Exception as error:  # a broken CUDA installation fails at import
        return f"NVIDIA cuOpt is installed but cannot be loaded: {error}"
    try:
        import cupy

        count = int(cupy.cuda.runtime.getDeviceCount())
    except Exception as error:
        return f"the GPU solver needs an NVIDIA GPU; CUDA finds none ({error})"
    return None if count > 0 else "the GPU solver needs an NVIDIA GPU; CUDA finds none"


def _cuopt_pdlp(lp: LinearProgram, time_limit_s: float | None, log: Log,
                solver_log: Log) -> Solution:
    # cuOpt writes its own log to the console; ``solver_log`` has nothing to receive.
    from cuopt import linear_programming as cu

    try:
        from cuopt.linear_programming.solver_settings import SolverMethod
    except ImportError:  # releases that keep it one module down
        from cuopt.linear_programming.solver_settings.solver_settings import SolverMethod

    a = lp.assembled
    csr = a.matrix.tocsr()
    model = cu.DataModel()
    model.set_csr_constraint_matrix(csr.data.astype(np.float64), csr.indices.astype(np.int32),
                                    csr.indptr.astype(np.int32))
    model.set_constraint_lower_bounds(a.row_lower)
    model.set_constraint_upper_bounds(a.row_upper)
    model.set_variable_lower_bounds(lp.variables.lower)
    model.set_variable_upper_bounds(lp.variables.upper)
    model.set_objective_coefficients(lp.cost)
    model.set_maximize(False)
    settings = cu.SolverSettings()
    settings.set_parameter("method", int(SolverMethod.PDLP))
    settings.set_optimality_tolerance(FIRST_ORDER_TOLERANCE)
    settings.set_parameter("log_to_console", solver_log is not None)
    if time_limit_s is not None:
        settings.set_parameter("time_limit", float(time_limit_s))
    started = time.perf_counter()
    result = cu.Solve(model, settings)
    seconds = time.perf_counter() - started
    verdict = result.get_termination_status()
    status = str(getattr(verdict, "name", verdict)).lower()
    if status != "optimal":
        kind = SolveStatus.TIME_LIMIT if "time" in status else (
            SolveStatus.INFEASIBLE if "infeasible" in status else SolveStatus.OTHER)
        raise PlanError(failure_words(kind, f"cuOpt PDLP: {status}"))
    x = np.asarray(result.get_primal_solution(), dtype=float)
    y = np.asarray(result.get_dual_solution(), dtype=float)
    if log is not None:
        log(f"cuOpt PDLP: {status} in {seconds:.2f} s")
    return _first_order_solution(lp, x, y, seconds, "cuopt", "cuOpt PDLP on the GPU")


# -- PDHG on JAX (MPAX): the GPU where JAX has one, else the CPU ---------------------------


def _jax_missing() -> str | None:
    from supplyline.plan.pdhg_jax import missing

    return missing()


def _jax_pdhg(lp: LinearProgram, time_limit_s: float | None, log: Log,
              solver_log: Log) -> Solution:
    from supplyline.plan.pdhg_jax import solve_pdhg

    run = solve_pdhg(lp, FIRST_ORDER_TOLERANCE, time_limit_s, solver_log)
    who = f"MPAX PDHG on JAX ({run.device}, {run.iterations:,} iterations)"
    if log is not None:
        log(f"{who}: {run.status} in {run.solve_seconds:.2f} s after a "
            f"{run.compile_seconds:.2f} s compile")
    if run.status != "optimal":
        kind = {"time limit": SolveStatus.TIME_LIMIT,
                "primal infeasible": SolveStatus.INFEASIBLE}.get(run.status, SolveStatus.OTHER)
        raise PlanError(failure_words(kind, f"MPAX PDHG: {run.status}"))
    return _first_order_solution(
        lp, run.x, run.row_dual, run.setup_seconds + run.compile_seconds + run.solve_seconds,
        "pdhg-jax", who)


# -- judging a first-order answer -----------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """How good an LP answer is: its objective, the proven lower bound, the gap between them
    and the largest violations of the rows and column bounds."""

    objective: float
    bound: float  # -inf when none could be proven
    unbounded_columns: int  # columns that made the bound -inf
    violation: float  # largest, relative to 1 + |bound|
    violation_absolute: float

    @property
    def gap(self) -> float:
        """(objective - bound) / max(1, |objective|); inf without a bound."""
        if not np.isfinite(self.bound):
            return float("inf")
        return max(0.0, self.objective - self.bound) / max(1.0, abs(self.objective))

    def words(self, who: str) -> str:
        proven = (f"proven lower bound {self.bound:,.2f}, gap {self.gap:.1e}"
                  if np.isfinite(self.bound) else
                  f"no finite lower bound could be proven from its dual values "
                  f"({self.unbounded_columns:,} columns without an upper bound have a "
                  "negative reduced cost)")
        return (f"{who} to a relative tolerance of {FIRST_ORDER_TOLERANCE:.0e}: objective "
                f"{self.objective:,.2f}, {proven}; largest row or bound violation "
                f"{self.violation_absolute:.2g} ({self.violation:.1e} relative); the dual "
                "values (used to explain shortfalls) are approximate")


def implied_upper_bounds(lp: LinearProgram, rounds: int = 200,
                         keep_going: Callable[[], bool] | None = None) -> FloatArray:
    """Upper bounds on the columns that the rows imply (each row's activity, the other
    columns at their most favourable bound), tightened round after round (a bound travels
    one row per round, so chains over the days take many) until no column gains a bound or
    after ``rounds``, or when ``keep_going`` says to stop; the declared upper bound, or the
    one the stock balances imply together (``lp.conserved_upper``), where it is smaller.
    Every feasible solution lies within them (after any round)."""
    a = lp.assembled.matrix.tocsc()
    n = a.shape[1]
    lower = lp.variables.lower
    upper: FloatArray = np.minimum(lp.variables.upper.astype(float), lp.conserved_upper)
    counts = np.diff(a.indptr)
    cols = np.repeat(np.arange(n), counts)  # entries in column order: a column's are adjacent
    rows = a.indices
    coef = a.data
    used = counts > 0
    starts = a.indptr[:-1][used]
    for _ in range(rounds):
        if keep_going is not None and not keep_going():
            break
        bounded = int(np.isfinite(upper).sum())
        for bound, sign in ((lp.assembled.row_upper, 1.0), (lp.assembled.row_lower, -1.0)):
            # sign * row <= sign * bound: the others' smallest contribution
            c = sign * coef
            with np.errstate(invalid="ignore"):  # 0 x inf: treated as unbounded below
                low_term = np.where(c > 0, c * lower[cols], c * upper[cols])
            infinite = ~np.isfinite(low_term)
            term = np.where(infinite, 0.0, low_term)
            finite_sum = np.bincount(rows, term, a.shape[0])
            n_inf = np.bincount(rows, infinite.astype(float), a.shape[0])
            others = finite_sum[rows] - term
            ok = (c > 0) & np.isfinite(bound[rows]) & (n_inf[rows] - infinite == 0)
            limit = np.full(coef.size, np.inf)
            r, ck = rows[ok], c[ok]
            # Rounding in the sums never makes a bound too tight: a margin far above it.
            slack = 1e-12 * (np.abs(finite_sum[r]) + np.abs(bound[r]) + np.abs(term[ok]))
            limit[ok] = (sign * bound[r] - others[ok] + slack) / ck
            best = np.full(n, np.inf)
            best[used] = np.minimum.reduceat(limit, starts)
            best = best + 1e-9 * (1.0 + np.abs(best))
            upper = np.minimum(upper, np.maximum(best, lower))
        if int(np.isfinite(upper).sum()) == bounded:
            break
    return upper


#: The solvers' dual feasibility tolerance (HiGHS's default): a reduced cost within it is
#: zero on a column no row bounds (:func:`lagrangian_bound`).
DUAL_TOLERANCE = 1e-7


def lagrangian_bound(lp: LinearProgram, row_dual: FloatArray, upper: FloatArray | None = None
                     ) -> tuple[float, int]:
    """A lower bound on the LP's optimum from any row dual values ``y``:
    min over the column box of (c - A'y)'x, plus min over the row range of y's. Valid whatever
    ``y`` is (to the rounding of its computation); tight when ``y`` is optimal. Returns the
    bound and the number of columns that make it -inf (a negative reduced cost with no upper
    bound). ``upper``: column upper bounds to use (e.g. :func:`implied_upper_bounds`)."""
    a = lp.assembled
    upper = lp.variables.upper if upper is None else upper
    lower = lp.variables.lower
    y = np.where(np.isfinite(row_dual), row_dual, 0.0)
    y = np.where((y > 0) & ~np.isfinite(a.row_lower), 0.0, y)
    y = np.where((y < 0) & ~np.isfinite(a.row_upper), 0.0, y)
    reduced = lp.cost - a.matrix.T @ y
    # A reduced cost within the rounding of its own computation is zero (it would otherwise
    # make the bound -inf on a column without an upper bound for a difference of 1e-16). On
    # the few columns the rows do not bound (a mode's fleet, the time a trip's units bring),
    # a reduced cost within the solvers' dual feasibility tolerance (1e-7) is zero too, so
    # the bound is proven to that tolerance there: a basic optimum priced the time units
    # bring at -2e-12 and the trucks' fleet at -2.4e-8, and the bound fell to -3.9e7.
    scale = np.abs(lp.cost) + abs(a.matrix).T @ np.abs(y)
    unbounded = ~np.isfinite(upper) | ~np.isfinite(lower)
    noise = np.where(unbounded, DUAL_TOLERANCE * (1.0 + scale), 1e-12 * scale)
    reduced = np.where(np.abs(reduced) <= noise, 0.0, reduced)
    rows = np.where(y > 0, y * np.where(np.isfinite(a.row_lower), a.row_lower, 0.0),
                    y * np.where(np.isfinite(a.row_upper), a.row_upper, 0.0))
    at_lower = reduced > 0
    at_upper = reduced < 0
    bad = (at_lower & ~np.isfinite(lower)) | (at_upper & ~np.isfinite(upper))
    if bad.any():
        return float("-inf"), int(bad.sum())
    columns = np.where(at_lower, reduced * np.where(np.isfinite(lower), lower, 0.0),
                       np.where(at_upper, reduced * np.where(np.isfinite(upper), upper, 0.0),
                                0.0))
    return float(columns.sum() + rows.sum()), 0


def assess(lp: LinearProgram, x: FloatArray, row_dual: FloatArray,
           upper: FloatArray | None = None) -> Assessment:
    """Objective, proven bound (the better of ``row_dual`` and its negation: solvers differ
    in sign) and violations of an answer ``x``; ``upper``: the LP's
    :func:`implied_upper_bounds` where they are at hand (computed here otherwise)."""
    absolute, relative = violations(lp, x)
    upper = implied_upper_bounds(lp) if upper is None else upper
    bound, unbounded = max(lagrangian_bound(lp, row_dual, upper),
                           lagrangian_bound(lp, -row_dual, upper),
                           key=lambda pair: (pair[0], -pair[1]))
    return Assessment(
        objective=float(lp.cost @ x),
        bound=bound,
        unbounded_columns=unbounded,
        violation=relative,
        violation_absolute=absolute,
    )


def _first_order_solution(lp: LinearProgram, x: FloatArray, y: FloatArray, seconds: float,
                          name: str, who: str) -> Solution:
    """A first-order solver's answer, judged by :func:`assess`. Its own stopping criteria are
    relative to norms of the whole LP, so they are not taken on trust: the answer is called
    optimal only when the proven gap is within ``FIRST_ORDER_TOLERANCE`` and every row's
    violation within that or the planner's ``ACCEPT_VIOLATION``; otherwise its status says
    the solver stopped, and its note why."""
    from supplyline.plan.model import ACCEPT_VIOLATION

    if x.size != lp.n_columns or not np.all(np.isfinite(x)):
        raise PlanError(f"{who} returned no usable solution")
    judged = assess(lp, x, y)
    worst = max(FIRST_ORDER_TOLERANCE, ACCEPT_VIOLATION)
    proven = judged.gap <= FIRST_ORDER_TOLERANCE and judged.violation <= worst
    note = judged.words(who)
    if not proven:
        note += (f"; NOT proven optimal: the solver's own criteria were met, but not a proven "
                 f"gap within {FIRST_ORDER_TOLERANCE:.0e} and every violation within "
                 f"{worst:.0e}")
    return Solution(status=SolveStatus.OPTIMAL if proven else SolveStatus.OTHER,
                    objective=judged.objective, x=x, row_dual=np.where(np.isfinite(y), y, 0.0),
                    solve_seconds=seconds, solver=name, note=note)


# -- the registry ---------------------------------------------------------------------------

REGISTRY: dict[str, SolverEntry] = {
    entry.name: entry for entry in (
        SolverEntry("ipm", "HiGHS interior point", _highs("ipm")),
        SolverEntry("simplex", "HiGHS dual simplex", _highs("simplex")),
        SolverEntry("choose", "HiGHS chooses", _highs("choose")),
        SolverEntry("pdlp", "HiGHS PDLP (first-order; gap to a proven bound reported)",
                    _highs_pdlp, first_order=True),
        SolverEntry("cuopt", "NVIDIA cuOpt PDLP on a GPU ([gpu] extra)", _cuopt_pdlp,
                    missing=_cuopt_missing, first_order=True),
        SolverEntry("pdhg-jax", "MPAX PDHG on JAX, the GPU where there is one ([gpu] extra)",
                    _jax_pdhg, missing=_jax_missing, first_order=True),
    )
}


def solver_names() -> tuple[str, ...]:
    """The names ``solver=`` and ``--solver`` accept."""
    return tuple(REGISTRY)


def check_solver(name: str) -> SolverEntry:
    """The registry's entry for ``name``.

    Raises
    ------
    PlanError
        For a name not in the registry, or a solver that cannot run here (its package or a
        GPU missing), saying why.
    """
    entry = REGISTRY.get(name)
    if entry is None:
        hint = did_you_mean(name, REGISTRY) if isinstance(name, str) else ""
        raise PlanError(f"solver must be one of {', '.join(REGISTRY)}{hint}, got {name!r}")
    reason = entry.missing()
    if reason is not None:
        raise PlanError(f"solver {name!r} cannot run here: {reason}")
    return entry


def solve(lp: LinearProgram, solver: str = DEFAULT_SOLVER, time_limit_s: float | None = None,
          log: Log = None, solver_log: Log = None) -> Solution:
    """Solve ``lp`` with the registry's solver ``solver`` (see :func:`check_solver`);
    ``solver_log`` receives the solver's own log, where it gives one."""
    return check_solver(solver).solve(lp, time_limit_s, log, solver_log)
