"""A solve session: one planning LP built once and kept on one HiGHS instance, whose routes
and places can be cut or derated and restored, and re-solved from the last basis.

>>> import supplyline as sl
>>> from supplyline.plan.session import Session
>>> s = Session.of(sl.compile_network(sl.load("tutorial")))
>>> s.solve().status.value
'optimal'
>>> s.cut(routes=["bridge-road"])
>>> s.solve().warm
True

What a cut means (the rule by which a route's ``closed`` days forbid a trip, see
:func:`supplyline.accounting.trips_on_days`): no trip may be on a cut route, or start or end
at a cut place, on any day of the window. A derating scales the route's capacity limits
(movements and tonnage) on the window's days: in a step the window covers in part, by the
share of its days that fall in it.

How it is solved: with warm re-solves (the default below :data:`WARM_MAX_COLUMNS` columns),
the first solve runs HiGHS's
interior point method *with* crossover, so that an optimal basis exists, and every later
solve changes only bounds and runs the dual simplex from the uncut LP's basis, which
certifies optimality by a basic solution. On large LPs the simplex from a basis takes longer
than a fresh interior point (on the built-in scenario it had not finished a single cut in
the time the interior point solves the whole plan), so there every solve starts from
scratch as :func:`~supplyline.plan.model.solve_lp` does: interior point without crossover,
accepted when primal feasible with a vanishing gap. A solve never raises on the solver's
verdict: its :class:`Outcome` carries the status.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np

from supplyline.accounting import trips_on_days
from supplyline.network import Network
from supplyline.plan.model import (
    _STATUS,
    CLEANUP_ITERATIONS,
    INTERIOR_ONLY_COLUMNS,
    NO_ITERATION_LIMIT,
    LinearProgram,
    Solution,
    SolveStatus,
    _after_solve_error,
    _interior_verdict,
    _quiet_highs,
    _run_again,
    build_lp,
    highs_model,
)
from supplyline.plan.result import Plan, read_plan
from supplyline.plan.start import network_from
from supplyline.plan.variables import FloatArray, IntArray
from supplyline.scenario.schema import Replay
from supplyline.state import State

__all__ = ["Outcome", "Session", "SolveStatus"]

#: Below this many columns re-solves start warm by default (resolve='auto'); above it every
#: solve starts from scratch. Measured (docs/resilience.md, "Cost"): on the tutorial (6,049
#: columns today, 5,200 when measured) a warm cut takes about as long as a fresh solve, on
#: the built-in scenario at 14-day steps (18,400 columns) four times longer, at 4-day steps
#: (85,000) it does not end.
WARM_MAX_COLUMNS = 10_000

#: HiGHS simplex strategies by name.
SIMPLEX = {"dual": 1, "primal": 4}


@dataclass
class Outcome:
    """One solve: the solver's verdict (never an exception), the objective and the primal
    values when there is a solution, the time and simplex iterations it took, and whether it
    started from an earlier basis."""

    status: SolveStatus
    objective: float
    x: FloatArray | None
    seconds: float
    iterations: int
    warm: bool
    detail: str = ""
    note: str = ""  # how optimality was established, when not by a basic solution

    @property
    def ok(self) -> bool:
        return self.status is SolveStatus.OPTIMAL


@dataclass
class _Changes:
    """Bounds changed from the built LP: column upper bounds and row upper bounds."""

    cols: dict[int, float] = field(default_factory=dict)
    rows: dict[int, float] = field(default_factory=dict)


def _day_mask(net: Network, days: tuple[int, int] | None) -> FloatArray:
    """1.0 on the days of the window (inclusive day indices; the whole horizon when None)."""
    mask = np.zeros(net.days)
    first, last = (0, net.days - 1) if days is None else days
    if not (0 <= first <= last < net.days):
        raise ValueError(f"a window of days must lie within 0..{net.days - 1} with its first "
                         f"day not after its last, got {first}..{last}")
    mask[first:last + 1] = 1.0
    return mask


class Session:
    """One LP kept on one HiGHS instance: cut, derate, restore, re-solve warm.

    ``resolve``: 'warm' re-solves by the simplex method from the uncut basis; 'cold' solves
    every time from scratch (interior point, as :func:`~supplyline.plan.model.solve_lp`);
    'auto' (the default) is warm below :data:`WARM_MAX_COLUMNS` columns and cold above
    (on larger LPs the warm simplex takes longer than a fresh interior point). ``simplex``
    names the simplex strategy of warm re-solves ('dual', the default: bound changes keep
    the basis dual feasible; or 'primal').
    """

    def __init__(self, lp: LinearProgram, solver: str = "ipm", simplex: str = "dual",
                 time_limit_s: float | None = None, resolve: str = "auto") -> None:
        if solver not in ("ipm", "simplex", "choose"):
            raise ValueError(f"solver must be ipm, simplex or choose, got {solver!r}")
        if resolve not in ("auto", "warm", "cold"):
            raise ValueError(f"resolve must be auto, warm or cold, got {resolve!r}")
        if simplex not in SIMPLEX:
            raise ValueError(f"simplex must be one of {', '.join(SIMPLEX)}, got {simplex!r}")
        self.lp = lp
        self.net = lp.net
        self.solver = solver
        self.simplex = simplex
        self.resolve = resolve
        self.time_limit_s = time_limit_s
        self._changes = _Changes()
        self._basis = False
        self._crossover_fails = False  # crossover's clean-up did not finish on this LP
        self._base_basis: highspy.HighsBasis | None = None
        self._from_base = False  # the next warm solve starts from the uncut basis
        self._last: Outcome | None = None
        self.solves = 0
        self._h = self._load()
        self._capacity_rows = self._route_capacity_rows()

    @classmethod
    def of(cls, net: Network, replay: Replay | None = None, state: State | None = None,
           **options: object) -> Session:
        """Build the LP of ``net`` (see :func:`~supplyline.plan.model.build_lp`) and open a
        session on it."""
        lp = build_lp(network_from(net, state), replay, state)
        return cls(lp, **options)  # type: ignore[arg-type]

    # ------------------------------------------------------------------------ loading
    def _load(self) -> highspy.Highs:
        h = _quiet_highs()
        # As solve_lp: no dual cost perturbation (costs span 1e-6 to 1e3), primal simplex
        # after the interior point's crossover.
        h.setOptionValue("dual_simplex_cost_perturbation_multiplier", 0.0)
        h.passModel(highs_model(self.lp))
        return h

    def _route_capacity_rows(self) -> dict[str, tuple[IntArray, IntArray]]:
        """Rows of the route capacity families: (arc and step of each row, row index)."""
        a = self.lp.assembled
        out: dict[str, tuple[IntArray, IntArray]] = {}
        for i, block in enumerate(a.blocks):
            if block.family in ("route_movements", "route_tonnage"):
                rows = a.offsets[i] + np.arange(block.n_rows, dtype=np.int64)
                out[block.family] = (block.keys, rows)
        return out

    # ------------------------------------------------------------------------ changes
    def _route(self, route: str) -> int:
        net = self.net
        if route in net.route_index:
            return net.route_index[route]
        raise ValueError(f"no route {route!r} in scenario {net.scenario.name}; it has: "
                         f"{', '.join(net.route_ids)}")

    def _place(self, place: str) -> int:
        net = self.net
        if place in net.place_ids:
            return net.place_ids.index(place)
        raise ValueError(f"no place {place!r} in scenario {net.scenario.name}; it has: "
                         f"{', '.join(net.place_ids)}")

    def cut_columns(self, routes: Sequence[str] = (),
                    places: Sequence[str] = (),
                    days: tuple[int, int] | None = None) -> IntArray:
        """The columns a cut bounds to zero: every dispatch (units, cargo, wounded) of a trip
        on a cut route or to or from a cut place on a day of the window; and a cut
        locality's people on road works whose days all fall in the window (its people stay
        at home; the labour a locality gives a road work is one figure over the work's
        days, so a window that covers part of them leaves it as it is)."""
        net, v = self.net, self.lp.variables
        routes = [routes] if isinstance(routes, str) else routes
        places = [places] if isinstance(places, str) else places
        legs = v.legs
        hit_arc = np.zeros(net.n_arcs, dtype=bool)
        for r in routes:
            hit_arc |= net.arc_route == self._route(r)
        for p in places:
            i = self._place(p)
            hit_arc |= (net.arc_from == i) | (net.arc_to == i)
        window = _day_mask(net, days) > 0
        on = hit_arc[legs.arc][:, None] & window[None, :]  # [L, D]
        loaded, empty = trips_on_days(net, legs, on)
        cols = [v.loaded[loaded], v.empty[empty], v.cargo.transpose(0, 2, 1)[loaded].ravel()]
        cols.extend(w[empty] for w in v.wounded)
        grid = net.grid
        for k, work in enumerate(net.road_works):
            if window[grid.start[work.start_step]:grid.end[work.by_step] + 1].all():
                cols.append(v.road_work_from[k, [self._place(p) for p in places]])
        out = np.concatenate(cols)
        return np.unique(out[out >= 0])

    def cut(self, routes: Sequence[str] = (),
            places: Sequence[str] = (),
            days: tuple[int, int] | None = None) -> None:
        """Cut routes and places (by id) on the window's days (inclusive day indices, 0 the
        scenario's start; the whole horizon when None). Cuts add up until :meth:`restore`."""
        for c in self.cut_columns(routes, places, days):
            self._changes.cols[int(c)] = 0.0
        self._push()

    def derate(self, route: str, factor: float, days: tuple[int, int] | None = None) -> None:
        """Scale a route's capacity limits by ``factor`` (0..1) on the window's days."""
        if not 0.0 <= factor <= 1.0:
            raise ValueError(f"a derating factor lies between 0 and 1, got {factor}")
        r = self._route(route)
        net = self.net
        share = net.grid.mean(_day_mask(net, days)[None, :])[0]  # [S] of each step's days
        scale = 1.0 - (1.0 - factor) * share
        base = self.lp.assembled.row_upper
        found = False
        for keys, rows in self._capacity_rows.values():
            mine = net.arc_route[keys[:, 0]] == r
            found |= bool(mine.any())
            for row, step in zip(rows[mine], keys[mine, 1], strict=True):
                now = self._changes.rows.get(int(row), float(base[row]))
                self._changes.rows[int(row)] = now * float(scale[step])
        if not found:
            raise ValueError(f"route {route!r} has no capacity limit to derate "
                             "(no capacity_movements_per_day or capacity_tonnes_per_day); "
                             "cut it instead")
        self._push()

    def restore(self) -> None:
        """Undo every cut and derating; the next solve starts from the basis of the first
        optimal solve (the uncut LP's), the nearest start for the next cut."""
        lp = self.lp
        cols = np.array(sorted(self._changes.cols), dtype=np.int32)
        rows = np.array(sorted(self._changes.rows), dtype=np.int32)
        if cols.size:
            self._h.changeColsBounds(int(cols.size), cols, lp.variables.lower[cols],
                                     lp.variables.upper[cols])
        if rows.size:
            a = lp.assembled
            self._h.changeRowsBounds(  # type: ignore[attr-defined]
                int(rows.size), rows, a.row_lower[rows], a.row_upper[rows])
        self._changes = _Changes()
        if self._base_basis is not None:
            self._h.setBasis(self._base_basis)
            self._basis = True
            self._from_base = True

    def _push(self) -> None:
        """Send the changed bounds to HiGHS."""
        lp = self.lp
        if self._changes.cols:
            cols = np.array(sorted(self._changes.cols), dtype=np.int32)
            upper = np.array([self._changes.cols[int(c)] for c in cols])
            self._h.changeColsBounds(int(cols.size), cols, lp.variables.lower[cols], upper)
        if self._changes.rows:
            rows = np.array(sorted(self._changes.rows), dtype=np.int32)
            upper = np.array([self._changes.rows[int(r)] for r in rows])
            self._h.changeRowsBounds(  # type: ignore[attr-defined]
                int(rows.size), rows, lp.assembled.row_lower[rows], upper)

    def column_upper(self) -> FloatArray:
        """The column upper bounds as they stand (built LP with the changes)."""
        upper = self.lp.variables.upper.copy()
        for c, u in self._changes.cols.items():
            upper[c] = u
        return upper

    def row_upper(self) -> FloatArray:
        """The row upper bounds as they stand."""
        upper = self.lp.assembled.row_upper.copy()
        for r, u in self._changes.rows.items():
            upper[r] = u
        return upper

    # ------------------------------------------------------------------------ solving
    @property
    def warm_starts(self) -> bool:
        """Whether re-solves start from a basis (see ``resolve``)."""
        return self.resolve == "warm" or (self.resolve == "auto"
                                          and self.lp.n_columns < WARM_MAX_COLUMNS)

    @property
    def interior_only(self) -> bool:
        """Whether crossover's clean-up has failed on this LP, so that its solves are by
        interior point alone."""
        return self._crossover_fails

    def _as_it_stands(self) -> LinearProgram:
        """The LP with the session's bounds (for checking an interior solution)."""
        lp = self.lp
        return dataclasses.replace(
            lp, variables=dataclasses.replace(lp.variables, upper=self.column_upper()),
            assembled=dataclasses.replace(lp.assembled, row_upper=self.row_upper()))

    def solve(self) -> Outcome:
        """Solve as the LP stands: from the last optimal basis when re-solves are warm and
        there is one; else from scratch as :func:`~supplyline.plan.model.solve_lp` does."""
        h = self._h
        self.solves += 1
        warm = self._basis and self.warm_starts
        interior_only = crossover = False
        if warm and self._from_base and self._base_basis is not None:
            # From the uncut basis alone, not from what HiGHS kept of earlier solves: a cut
            # then gets the same plan among equally good ones whatever was solved before
            # (its labour-days and simulated risk with it).
            h.clearSolver()
            h.setBasis(self._base_basis)
        self._from_base = False
        if warm:
            h.setOptionValue("solver", "simplex")
            h.setOptionValue("simplex_strategy", SIMPLEX[self.simplex])
        else:
            h.clearSolver()
            h.setOptionValue("solver", self.solver)
            if self.solver == "ipm":
                # Crossover gives the basis warm re-solves start from; without them, large
                # LPs are accepted from the interior point as solve_lp accepts them.
                interior_only = self._crossover_fails or (
                    not self.warm_starts and self.lp.n_columns >= INTERIOR_ONLY_COLUMNS)
                crossover = not interior_only
                h.setOptionValue("run_crossover", "on" if crossover else "off")
                h.setOptionValue("simplex_strategy", SIMPLEX["primal"])
                if crossover and self.lp.n_columns < INTERIOR_ONLY_COLUMNS:
                    # As solve_lp: a clean-up that runs on is stopped (see CLEANUP_ITERATIONS).
                    h.setOptionValue("simplex_iteration_limit", CLEANUP_ITERATIONS)
        if self.time_limit_s is not None:
            # HiGHS's limit is on the instance's total run time: allow this much more.
            h.setOptionValue("time_limit", h.getRunTime() + float(self.time_limit_s))
        started = time.perf_counter()
        h.run()
        status = _STATUS.get(h.getModelStatus(), SolveStatus.OTHER)
        h.setOptionValue("simplex_iteration_limit", NO_ITERATION_LIMIT)
        if crossover and status is SolveStatus.OTHER:
            # Without a basis, the session's later solves start from scratch without it.
            self._crossover_fails = interior_only = True
            status = _run_again(h, run_crossover="off")
        if interior_only and (again := _after_solve_error(h, None)) is not None:
            status = again
        note = ""
        if interior_only and status is SolveStatus.OTHER:
            accepted, note = _interior_verdict(self._as_it_stands(), h)
            if accepted:
                status = SolveStatus.OPTIMAL
            elif not self._crossover_fails:
                status = _run_again(h, run_crossover="on")
        if status is SolveStatus.OTHER and (warm or self.solver != "simplex"):
            # A numerical stop: start again from scratch with the simplex method.
            status = _run_again(h, solver="simplex", simplex_strategy=SIMPLEX["primal"])
            warm = False
        seconds = time.perf_counter() - started
        info = h.getInfo()
        detail = h.modelStatusToString(h.getModelStatus())
        ok = status is SolveStatus.OPTIMAL
        self._basis = ok and bool(h.getBasis().valid)
        if self._basis and self._base_basis is None and not self._changes.cols \
                and not self._changes.rows:
            self._base_basis = h.getBasis()
            self._from_base = True
        x = np.asarray(h.getSolution().col_value, dtype=float) if ok else None
        out = Outcome(status=status,
                      objective=float(info.objective_function_value) if ok else float("nan"),
                      x=x, seconds=seconds, iterations=int(info.simplex_iteration_count),
                      warm=warm, detail=detail, note=note)
        self._last = out
        return out

    def plan(self, outcome: Outcome | None = None, replay: str | None = None) -> Plan:
        """The Plan of a solve (the last one when None); it must have been optimal."""
        out = outcome or self._last
        if out is None or out.x is None:
            raise ValueError("no optimal solution to read: solve first")
        sol = Solution(status=out.status, objective=out.objective, x=out.x,
                       row_dual=np.zeros(self.lp.n_rows), solve_seconds=out.seconds,
                       solver="simplex" if out.warm else self.solver, note=out.note)
        name = replay or (self.lp.replay.name if self.lp.replay is not None else None)
        return read_plan(self.lp, sol, name)
