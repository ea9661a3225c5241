"""The planning LP solved by PDHG on JAX (MPAX): on the GPU where JAX has one, else the CPU.

MPAX (``pip install mpax``, MIT) implements the reflected restarted Halpern PDHG (r²HPDHG)
and the restarted average PDHG of PDLP in JAX. Its LP is

    min c'x  s.t.  A x = b,  G x >= h,  l <= x <= u

so the planner's rows ``row_lower <= a'x <= row_upper`` are converted
(:func:`standard_form`): a row with equal bounds is an equality; a row with one finite
bound is an inequality (a ``<=`` row negated); a row with two different finite bounds
becomes an equality with a slack column ``a'x - s = 0``, ``row_lower <= s <= row_upper``; a
row without a finite bound is dropped. The row duals come back in the planner's sign (a
``<=`` row's negated, the slack rows' as they are), so that
:func:`supplyline.plan.solvers.assess` judges the answer like every other first-order one.

The whole solve (MPAX's rescaling and its iterations) is compiled once by XLA
(:func:`jax.jit`, ahead of time: the compile is timed apart from the run) and runs in double
precision (``jax_enable_x64``). MPAX has no time limit of its own: every termination check
(every 100 iterations) calls back to the host, which stops the loop at the deadline and
passes the progress to the solver's log.
"""

from __future__ import annotations

import importlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from supplyline.errors import PlanError
from supplyline.plan.model import LinearProgram
from supplyline.plan.variables import FloatArray, IntArray

__all__ = ["Compiled", "MpaxForm", "PdhgRun", "compile_pdhg", "device_words", "missing",
           "repair_duals", "solve_pdhg", "standard_form"]

#: Seconds between two lines of progress in the solver's log.
LOG_EVERY_S = 2.0

Log = Callable[[str], None] | None


def _module(name: str) -> Any:
    """An optional module (jax, mpax), imported when first needed; typed as Any, so that the
    type checks read the same with or without it installed."""
    return importlib.import_module(name)


def missing() -> str | None:
    """Why the JAX solver cannot run here (jax or mpax missing), or None when it can."""
    try:
        _module("jax")
        _module("mpax")
    except ImportError as error:
        return (f"the JAX solver needs jax and mpax ({error.name or error} is missing): "
                "pip install 'supplyline[gpu]' for an NVIDIA GPU, or pip install jax mpax "
                "to run it on the CPU")
    except Exception as error:  # a broken CUDA plugin fails at import
        return f"jax or mpax is installed but cannot be loaded: {error}"
    return None


def device_words() -> str:
    """The device JAX computes on, in words (e.g. 'gpu (NVIDIA H200)' or 'cpu')."""
    device = _module("jax").devices()[0]
    kind = str(getattr(device, "device_kind", "") or "")
    return f"{device.platform} ({kind})" if kind and device.platform != "cpu" else (
        str(device.platform))


@dataclass(frozen=True)
class MpaxForm:
    """The LP in MPAX's form, with the map back to the planner's rows."""

    c: FloatArray
    a_eq: sp.csr_matrix
    b: FloatArray
    g: sp.csr_matrix
    h: FloatArray
    lower: FloatArray
    upper: FloatArray
    n_columns: int  # the planner's columns; slack columns follow them
    n_rows: int  # the planner's rows
    eq_rows: IntArray  # planner rows of the equalities (slack rows among them)
    ge_rows: IntArray  # planner rows kept as a'x >= row_lower
    le_rows: IntArray  # planner rows negated: -a'x >= -row_upper

    def row_dual(self, dual: FloatArray) -> FloatArray:
        """MPAX's duals (equalities, then inequalities) as the planner's row duals."""
        y = np.zeros(self.n_rows)  # rows without a finite bound: 0
        k, m = self.eq_rows.size, self.ge_rows.size
        y[self.eq_rows] = dual[:k]
        y[self.ge_rows] = dual[k:k + m]
        y[self.le_rows] = -dual[k + m:]
        return y


def standard_form(lp: LinearProgram) -> MpaxForm:
    """The planner's LP as MPAX takes it (see the module's text)."""
    a = lp.assembled
    lo, hi = a.row_lower, a.row_upper
    fin_lo, fin_hi = np.isfinite(lo), np.isfinite(hi)
    equal = fin_lo & fin_hi & (lo == hi)
    ranged = fin_lo & fin_hi & ~equal
    eq_rows = np.flatnonzero(equal | ranged)
    ge_rows = np.flatnonzero(fin_lo & ~fin_hi)
    le_rows = np.flatnonzero(fin_hi & ~fin_lo)
    slack_rows = np.flatnonzero(ranged)
    n, s = lp.n_columns, slack_rows.size
    matrix = a.matrix.tocsr()
    slack = sp.csr_matrix((-np.ones(s), (np.searchsorted(eq_rows, slack_rows), np.arange(s))),
                          shape=(eq_rows.size, s))
    a_eq = sp.hstack([matrix[eq_rows], slack], format="csr")
    g = sp.hstack([sp.vstack([matrix[ge_rows], -matrix[le_rows]]),
                   sp.csr_matrix((ge_rows.size + le_rows.size, s))], format="csr")
    return MpaxForm(
        c=np.concatenate([lp.cost, np.zeros(s)]),
        a_eq=a_eq,
        b=np.where(equal[eq_rows], lo[eq_rows], 0.0),
        g=g,
        h=np.concatenate([lo[ge_rows], -hi[le_rows]]),
        lower=np.concatenate([lp.variables.lower, lo[slack_rows]]),
        upper=np.concatenate([lp.variables.upper, hi[slack_rows]]),
        n_columns=n,
        n_rows=lp.n_rows,
        eq_rows=eq_rows,
        ge_rows=ge_rows,
        le_rows=le_rows,
    )


def repair_duals(lp: LinearProgram, row_dual: FloatArray, upper: FloatArray,
                 passes: int = 3) -> FloatArray:
    """Row duals whose Lagrangian bound is finite where ``row_dual``'s is -inf only through
    columns without an upper bound (``upper``: declared or implied) whose reduced cost is a
    little negative (a first-order answer leaves them at -1e-7 or so): for each, one of its
    rows' duals is moved, within the row's sign, so that its reduced cost is zero. Any row
    duals give a proven bound (:func:`supplyline.plan.solvers.lagrangian_bound`), these
    included; the move is as small as the reduced cost it removes."""
    a = lp.assembled
    csc = a.matrix.tocsc()
    y = np.where(np.isfinite(row_dual), row_dual, 0.0).astype(float, copy=True)
    y = np.where((y > 0) & ~np.isfinite(a.row_lower), 0.0, y)
    y = np.where((y < 0) & ~np.isfinite(a.row_upper), 0.0, y)
    can_rise = np.isfinite(a.row_lower)  # y may be > 0
    can_fall = np.isfinite(a.row_upper)  # y may be < 0
    for _ in range(passes):
        reduced = lp.cost - csc.T @ y
        bad = np.flatnonzero((reduced < 0) & ~np.isfinite(upper))
        if bad.size == 0:
            break
        for j in bad:
            start, end = csc.indptr[j], csc.indptr[j + 1]
            rows, coef = csc.indices[start:end], csc.data[start:end]
            red = lp.cost[j] - coef @ y[rows]
            if red >= 0:
                continue
            new = y[rows] + red / coef  # each row alone would bring the reduced cost to 0
            ok = ((new >= 0) | can_fall[rows]) & ((new <= 0) | can_rise[rows])
            if ok.any():
                k = int(np.flatnonzero(ok)[np.argmax(np.abs(coef[ok]))])
                y[rows[k]] = new[k]
    return y


#: MPAX's termination status (its IntEnum, 1-based) in the planner's words.
_STATUS = {1: "stopped", 2: "optimal", 3: "primal infeasible", 4: "dual infeasible",
           5: "time limit", 6: "iteration limit", 7: "numerical error",
           8: "invalid problem", 9: "other"}


@dataclass(frozen=True)
class PdhgRun:
    """What one PDHG solve gave: the answer in the planner's terms and how it went."""

    x: FloatArray
    row_dual: FloatArray
    status: str  # 'optimal' (MPAX's own criteria met), 'time limit', ... (see _STATUS)
    iterations: int
    setup_seconds: float  # conversion and transfer to the device
    compile_seconds: float  # XLA compile of the whole solve
    solve_seconds: float  # the compiled solve, run to its end
    repair_seconds: float  # the duals' repair (:func:`repair_duals`)
    device: str
    tolerance: float
    #: Every 2 s of the run: (seconds, iterations, primal objective, dual objective, relative
    #: gap, relative primal residual, relative dual residual), MPAX's own measures.
    history: tuple[tuple[float, ...], ...] = ()


class _Watch:
    """The host side of the loop's callback: the deadline, the log and the history."""

    def __init__(self, solver_log: Log) -> None:
        self.deadline = math.inf
        self.expired = False
        self.solver_log = solver_log
        self.started = time.perf_counter()
        self.noted = -math.inf
        self.history: list[tuple[float, ...]] = []

    def start(self, time_limit_s: float | None) -> None:
        self.started = time.perf_counter()
        self.deadline = math.inf if time_limit_s is None else self.started + time_limit_s
        self.expired = False
        self.noted = -math.inf
        self.history = []

    def __call__(self, iteration: Any, primal: Any, dual: Any, gap: Any, primal_res: Any,
                 dual_res: Any) -> np.bool_:
        now = time.perf_counter()
        if now - self.noted >= LOG_EVERY_S:
            self.noted = now
            point = (now - self.started, float(iteration), float(primal), float(dual),
                     float(gap), float(primal_res), float(dual_res))
            self.history.append(point)
            if self.solver_log is not None:
                self.solver_log(
                    f"{int(iteration):>10,} iterations {point[0]:8.1f} s  primal "
                    f"{point[2]:.8e}  dual {point[3]:.8e}  relative gap {point[4]:.1e}  "
                    f"residuals {point[5]:.1e} / {point[6]:.1e}\n")  # (a line, as HiGHS's)
        if now >= self.deadline:
            self.expired = True
        return np.bool_(self.expired)


def _enable_x64() -> None:
    _module("jax").config.update("jax_enable_x64", True)


def _solver(tolerance: float, watch: _Watch, iteration_limit: int | None) -> Any:
    """An MPAX r²HPDHG solver whose termination checks also ask ``watch``."""
    jax = _module("jax")
    jnp = _module("jax.numpy")
    io_callback = _module("jax.experimental").io_callback
    base: Any = _module("mpax").r2HPDHG

    @dataclass(eq=False)
    class Watched(base):  # type: ignore[misc]
        def main_iteration_update(self, *state: Any) -> Any:
            st, info, stop, scaled, cache, ci = super().main_iteration_update(*state)
            late = io_callback(watch, jax.ShapeDtypeStruct((), jnp.bool_),
                               st.num_iterations, ci.primal_objective, ci.dual_objective,
                               ci.relative_optimality_gap, ci.relative_primal_residual_norm,
                               ci.relative_dual_residual_norm, ordered=False)
            return st, info, jnp.logical_or(stop, late), scaled, cache, ci

    options: dict[str, Any] = {"eps_abs": tolerance, "eps_rel": tolerance, "verbose": False}
    if iteration_limit is not None:
        options["iteration_limit"] = iteration_limit
    return Watched(**options)


def _problem(form: MpaxForm) -> Any:
    jnp = _module("jax.numpy")
    bcoo = _module("jax.experimental.sparse").BCOO
    return _module("mpax").create_lp(
        jnp.asarray(form.c), bcoo.from_scipy_sparse(form.a_eq), jnp.asarray(form.b),
        bcoo.from_scipy_sparse(form.g), jnp.asarray(form.h), jnp.asarray(form.lower),
        jnp.asarray(form.upper))


@dataclass
class Compiled:
    """A PDHG solve compiled for one LP: run it with :meth:`run` (as often as wanted)."""

    lp: LinearProgram
    form: MpaxForm
    problem: Any
    executable: Any
    watch: _Watch
    tolerance: float
    setup_seconds: float
    compile_seconds: float

    def run(self, time_limit_s: float | None = None) -> PdhgRun:
        """Solve (the time limit counts the run alone); the row duals are repaired
        (:func:`repair_duals`) so that their proven bound is finite where it can be."""
        jax = _module("jax")
        from supplyline.plan.solvers import implied_upper_bounds

        self.watch.start(time_limit_s)
        started = time.perf_counter()
        result = self.executable(self.problem)
        jax.block_until_ready(result.primal_solution)
        seconds = time.perf_counter() - started
        code = int(result.termination_status)
        status = "time limit" if self.watch.expired and code != 2 else _STATUS.get(code, "other")
        x = np.asarray(result.primal_solution, dtype=float)[:self.form.n_columns]
        y = self.form.row_dual(np.asarray(result.dual_solution, dtype=float))
        started = time.perf_counter()
        y = repair_duals(self.lp, y, implied_upper_bounds(self.lp))
        return PdhgRun(x=x, row_dual=y, status=status, iterations=int(result.iteration_count),
                       setup_seconds=self.setup_seconds, compile_seconds=self.compile_seconds,
                       solve_seconds=seconds, repair_seconds=time.perf_counter() - started,
                       device=device_words(), tolerance=self.tolerance,
                       history=tuple(self.watch.history))


def compile_pdhg(lp: LinearProgram, tolerance: float, solver_log: Log = None,
                 iteration_limit: int | None = None) -> Compiled:
    """Convert ``lp``, put it on JAX's default device and compile the solve (MPAX r²HPDHG to
    the relative and absolute ``tolerance``)."""
    reason = missing()
    if reason is not None:
        raise PlanError(reason)
    jax = _module("jax")
    _enable_x64()
    started = time.perf_counter()
    form = standard_form(lp)
    problem = _problem(form)
    jax.block_until_ready(problem.objective_vector)
    setup = time.perf_counter() - started
    watch = _Watch(solver_log)
    solver = _solver(tolerance, watch, iteration_limit)
    started = time.perf_counter()
    executable = jax.jit(solver.optimize).lower(problem).compile()
    return Compiled(lp, form, problem, executable, watch, tolerance, setup,
                    time.perf_counter() - started)


def solve_pdhg(lp: LinearProgram, tolerance: float, time_limit_s: float | None = None,
               solver_log: Log = None, iteration_limit: int | None = None) -> PdhgRun:
    """Solve ``lp`` with MPAX's r²HPDHG on JAX's default device; the time limit counts the
    conversion and the compile too."""
    started = time.perf_counter()
    compiled = compile_pdhg(lp, tolerance, solver_log, iteration_limit)
    left = None if time_limit_s is None else max(
        0.0, time_limit_s - (time.perf_counter() - started))
    return compiled.run(left)

