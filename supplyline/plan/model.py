"""Building the planning LP from a Network (and an optional replay) and solving it with HiGHS."""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import enum
import functools
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import NDArray

from supplyline.accounting import (
    crew_days,
    labour_ration,
    repair_crew_days,
    waiting_ration,
    way_home_kg,
    ways_home,
    wounded_food,
)
from supplyline.errors import PlanError, ReplayError
from supplyline.network import Network, replay_beyond, replay_labour_beyond, replay_places
from supplyline.plan.constraints import (
    Assembled,
    RowBlock,
    assemble,
    conserved_upper_bounds,
    define_arrivals,
    define_cargo_within_payload,
    define_carriers_unfed,
    define_fleet_balance,
    define_fleet_peak,
    define_food_fairness,
    define_giving_never_shrinks,
    define_handling,
    define_homecoming,
    define_labour_days,
    define_labour_fairness,
    define_replay,
    define_reserves,
    define_road_works,
    define_route_movements,
    define_route_tonnage,
    define_service,
    define_stock_balance,
    define_trips_within_step,
    define_unit_time,
    define_wounded,
    define_wounded_within_places,
)
from supplyline.plan.feed import held_by_rows, nothing_can_feed
from supplyline.plan.start import Start, start_from
from supplyline.plan.variables import FloatArray, Variables, define_variables
from supplyline.scenario.schema import Replay
from supplyline.state import State

#: Cost per kg·km of cargo moved: tiny, so that among equal plans the one that moves less wins.
HAULAGE_COST_PER_KG_KM = 1e-6
#: Cost per unit recruited: tiny, so that units are not recruited and released for nothing.
RECRUIT_COST_PER_UNIT = 1e-3
#: Cost per kg and day of stock held at a front: tiny, so that a front eats from its stock as
#: soon as it has it (of two plans that leave the same shortfall, the one that holds less at
#: the front wins: it never goes short while stock waits there to be eaten later).
FRONT_STOCK_COST_PER_KG_DAY = 1e-3


class SolveStatus(enum.Enum):
    """What HiGHS said, in words."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time limit reached"
    OTHER = "solver stopped"


@dataclass
class ReplaySpec:
    """A replay turned into indices: which (locality, good) pairs it fixes and the totals."""

    name: str
    fixed: NDArray[np.bool_]  # [P, G] pairs whose giving the replay decides
    given_sets: list[tuple[int, NDArray[np.bool_], float]]  # (commodity, places, kg)
    carrier_caps: list[tuple[int, float]]  # (mode, units)
    labour_days: float | None = None  # person-days served at least


@dataclass
class LinearProgram:
    """The assembled LP with what is needed to read its solution back."""

    net: Network
    variables: Variables
    assembled: Assembled
    cost: FloatArray
    replay: ReplaySpec | None
    build_seconds: float
    start: Start

    @property
    def n_columns(self) -> int:
        return self.variables.n_columns

    @property
    def n_rows(self) -> int:
        return int(self.assembled.row_lower.size)

    @functools.cached_property
    def conserved_upper(self) -> FloatArray:
        """Column upper bounds the stock balances imply together
        (:func:`~supplyline.plan.constraints.conserved_upper_bounds`); the proven gap's
        implied bounds start from them, the solver never sees them."""
        return conserved_upper_bounds(self.net, self.variables, self.start.stock_in)


@dataclass
class Solution:
    """Primal values, row duals and the solver's verdict."""

    status: SolveStatus
    objective: float
    x: FloatArray
    row_dual: FloatArray
    solve_seconds: float
    solver: str
    note: str = ""  # how optimality was established, when not by a basic solution


#: LPs with at least this many columns are solved by interior point without crossover: on the
#: built-in scenario crossover and its simplex clean-up take longer than the interior point
#: itself and, depending on the model, stall (see docs/benchmarks.md).
INTERIOR_ONLY_COLUMNS = 20_000
#: On LPs below INTERIOR_ONLY_COLUMNS, crossover's simplex clean-up is stopped after this many
#: iterations; the interior point's own solution is then taken when it passes the checks
#: below. There a clean-up that works takes a handful (4 on the tutorial, 0 on the built-in
#: scenario's first week day by day, 14 on its 14-day grid); one that fails runs on: the
#: built-in's first 10 days day by day took 41,209 before giving up, its first 14 days lost
#: its way for 28 s and then the whole time limit. (Larger LPs run crossover only in a
#: session with warm re-solves, which needs its basis: there the clean-up is not stopped; on
#: the built-in in 14-day steps after 21 days day by day it takes 26,127 and works.)
CLEANUP_ITERATIONS = 5_000
#: HiGHS's "no limit" for an iteration count.
NO_ITERATION_LIMIT = int(highspy.kHighsIInf)
#: An interior solution is accepted as optimal when no row or bound is violated by more than
#: this (relative to 1 + |bound|) ...
ACCEPT_VIOLATION = 1e-6
#: ... and its primal and dual objectives agree to this (relative).
ACCEPT_GAP = 1e-7


def violations(lp: LinearProgram, x: FloatArray) -> tuple[float, float]:
    """The largest row or bound violation of an answer ``x``: absolute, and relative, each
    side of a row or column against 1 + the bound it breaks (read by the planner's verdicts
    on interior answers and by :func:`~supplyline.plan.solvers.assess`)."""
    a = lp.assembled
    if x.size != lp.n_columns or not np.all(np.isfinite(x)):
        return float("inf"), float("inf")
    worst_abs = worst_rel = 0.0
    for value, lo, hi in ((a.matrix @ x, a.row_lower, a.row_upper),
                          (x, lp.variables.lower, lp.variables.upper)):
        finite_lo, finite_hi = np.isfinite(lo), np.isfinite(hi)
        below = np.maximum(np.where(finite_lo, lo - value, 0.0), 0.0)
        above = np.maximum(np.where(finite_hi, value - hi, 0.0), 0.0)
        worst_abs = max(worst_abs, float(np.maximum(below, above).max(initial=0.0)))
        relative = np.maximum(below / (1.0 + np.abs(np.where(finite_lo, lo, 0.0))),
                              above / (1.0 + np.abs(np.where(finite_hi, hi, 0.0))))
        worst_rel = max(worst_rel, float(relative.max(initial=0.0)))
    return worst_abs, worst_rel


def _relative_violation(lp: LinearProgram, h: highspy.Highs) -> float:
    """:func:`violations`, relative, of HiGHS's answer."""
    return violations(lp, np.asarray(h.getSolution().col_value, dtype=float))[1]


def _interior_verdict(lp: LinearProgram, h: highspy.Highs,
                      how: str = "without crossover") -> tuple[bool, str]:
    """Whether an interior-point solution that HiGHS could not certify after undoing its
    presolve is primal feasible with a vanishing duality gap, and a note saying so (of the
    interior point run ``how``)."""
    violation = _relative_violation(lp, h)
    gap = float(h.getInfo().primal_dual_objective_error)  # type: ignore[attr-defined]
    if violation > ACCEPT_VIOLATION or not gap <= ACCEPT_GAP:
        return False, ""
    return True, (
        f"interior point {how}: primal feasible (largest relative violation "
        f"{violation:.1e}), primal and dual objectives within {gap:.1e}; the dual values "
        "(used to explain shortfalls) are approximate")


class _ImpliedBounds(threading.Thread):
    """The LP's implied column bounds (:func:`~supplyline.plan.solvers.implied_upper_bounds`,
    about 3 s for the built-in scenario's 85,000 columns), computed beside the interior
    point's solve: HiGHS lets other threads run, and its interior point keeps one core busy
    of the two, so the proven gap costs the plan almost no time."""

    def __init__(self, lp: LinearProgram) -> None:
        super().__init__(name="supplyline-bounds", daemon=True)
        self.lp = lp
        self.upper: FloatArray | None = None
        self.error: Exception | None = None
        self._stopped = threading.Event()

    def run(self) -> None:
        from supplyline.plan.solvers import implied_upper_bounds

        try:
            self.upper = implied_upper_bounds(self.lp,
                                              keep_going=lambda: not self._stopped.is_set())
        except Exception as error:  # said in the plan's note; the plan stands
            self.error = error

    def stop(self) -> None:
        """End the work (after its current round) where no proven gap will be asked for: a
        failed solve, a crossover or simplex run after all."""
        self._stopped.set()
        self.join()


def _with_proven_gap(note: str, lp: LinearProgram, h: highspy.Highs,
                     bounds: _ImpliedBounds | None = None) -> str:
    """``note`` (an accepted interior solution's) with the gap to the lower bound that its
    dual values prove (:func:`~supplyline.plan.solvers.assess`), where one can be proven.
    HiGHS's own figure compares the primal and dual objectives; this one holds whatever the
    duals' own small violations."""
    from supplyline.plan.solvers import assess

    if bounds is not None:
        bounds.join()
    solution = h.getSolution()
    try:
        if bounds is not None and bounds.error is not None:
            raise bounds.error
        judged = assess(lp, np.asarray(solution.col_value, dtype=float),
                        np.asarray(solution.row_dual, dtype=float),
                        bounds.upper if bounds is not None else None)
    except Exception as error:  # the gap is a figure to show: its failure fails no plan
        proven = f"no proven gap could be computed ({type(error).__name__}: {error})"
    else:
        useless = " (no useful bound)" if judged.gap > 1 else ""
        proven = (f"proven gap {judged.gap:.1e} to the lower bound its dual values give"
                  f"{useless}" if np.isfinite(judged.bound) else
                  "no finite lower bound could be proven from its dual values")
    head, _, tail = note.partition("; ")
    return f"{head}, {proven}; {tail}" if tail else f"{note}; {proven}"


def resolve_replay(net: Network, replay: Replay, giveable_kg: FloatArray) -> ReplaySpec:
    """Turn a scenario replay into index sets, checking the localities can give the amounts."""
    goods = net.goods
    fixed = np.ones((net.n_places, len(goods)), dtype=bool)
    replayed = {e.commodity for e in replay.mobilization}
    for cid in replayed:
        fixed[:, goods.index(net.commodity_ids.index(cid))] = False
    beyond = replay_beyond(net, replay, giveable_kg)
    if beyond:
        raise ReplayError(f"replay {replay.name}: {beyond[0][1]}")
    labour_beyond = replay_labour_beyond(net.scenario, replay)
    if labour_beyond is not None:
        raise ReplayError(f"replay {replay.name}: {labour_beyond[0]}")
    given_sets: list[tuple[int, NDArray[np.bool_], float]] = []
    for entry in replay.mobilization:
        c = net.commodity_ids.index(entry.commodity)
        places = replay_places(net, entry)
        fixed[places, goods.index(c)] = True
        given_sets.append((c, places, entry.kg))
    carrier_caps = [(net.mode_ids.index(e.mode), e.units) for e in replay.carriers]
    labour = replay.labour.person_days if replay.labour is not None else None
    return ReplaySpec(replay.name, fixed, given_sets, carrier_caps, labour)


def _adder(cost: FloatArray) -> Callable[[NDArray[np.int64], FloatArray | float], None]:
    """``put(cols, value)``: add ``value`` to the cost of each column (-1: none)."""

    def put(cols: NDArray[np.int64], value: FloatArray | float) -> None:
        cols_b, value_b = np.broadcast_arrays(cols, np.asarray(value, dtype=float))
        keep = cols_b >= 0
        np.add.at(cost, cols_b[keep], value_b[keep])

    return put


#: The parts of a plan's money cost, each a set of columns (see :func:`money_per_column`).
MONEY_PARTS = ("wages", "unit_days", "unit_km", "food_bought")


def money_per_column(net: Network, v: Variables) -> dict[str, FloatArray]:
    """What each column costs in money, by part: wages of every person-day served (crews in
    service and on their way home, road works), units' days in service, units' km, and food
    bought from the localities. The repair crews' wages are a constant (see
    :func:`fixed_money`)."""
    out = {part: np.zeros(v.n_columns) for part in MONEY_PARTS}
    wages, days, km, food = (_adder(out[part]) for part in MONEY_PARTS)
    serving, home = crew_days(net)
    wages(v.in_service, net.wage_per_person_day * serving[None])
    days(v.in_service, net.cost_per_unit_day[None, :, None] * net.step_length)
    for m, (way_days, way_km) in enumerate(ways_home(net)):
        going = v.going_home[m]
        wages(going, net.wage_per_person_day * home[m])
        days(going, net.cost_per_unit_day[m] * way_days)
        km(going, net.cost_per_unit_km[m] * way_km)
    wages(v.road_work, net.wage_per_person_day)
    per_km = (net.cost_per_unit_km[v.legs.mode] * v.legs.length_km)[:, None]
    km(v.loaded, per_km)
    km(v.empty, per_km)
    food(v.given[:, :, -1], net.price_per_kg[:, v.goods])
    return out


def fixed_money(net: Network) -> float:
    """Money every plan pays: the wages of the repair crews posted on the routes."""
    return float(net.wage_per_person_day * repair_crew_days(net))


def define_objective(net: Network, v: Variables) -> FloatArray:
    """Shortfall first, then the burden on the population, the fleet, money, and
    fairness."""
    w = net.weights
    cost = np.zeros(v.n_columns)
    put = _adder(cost)

    put(v.unmet, w.shortfall_per_kg)
    put(v.stock[net.is_front], FRONT_STOCK_COST_PER_KG_DAY * net.step_length)
    put(v.crew_unfed, w.shortfall_per_kg)
    put(v.reserve_short, w.shortfall_per_kg)
    put(v.road_work_short, w.shortfall_per_kg)
    # Per person-day late, as the plan reports them: a person late at a step's end is late
    # for the step's days (a weight per step end charged a daily plan four times what a
    # plan in 4-day steps paid for the same four days).
    put(v.late, w.wounded_late_per_person * net.step_length)

    legs = v.legs
    serving, home = crew_days(net)
    # Every day a unit is in service costs its crew's labour; what it eats or burns costs
    # where it is drawn (trips, waiting, the way home at the end).
    put(v.in_service, w.labour_per_person_day * serving[None])
    put(v.loaded, w.eaten_per_kg * (legs.food_loaded.sum(axis=1)
                                    + legs.fuel_loaded.sum(axis=1)[:, None]))
    put(v.empty, w.eaten_per_kg * (legs.food_empty.sum(axis=1)
                                   + legs.fuel_empty.sum(axis=1)[:, None]))
    eat_per_day = waiting_ration(net, v.goods).sum(axis=1)  # [M]
    put(v.waiting, w.eaten_per_kg * eat_per_day[None, :, None])
    for m, home_kg in enumerate(way_home_kg(net, v.goods)):
        put(v.going_home[m], w.labour_per_person_day * home[m]
            + w.eaten_per_kg * home_kg.sum(axis=2))
    # Carriers going without (waiting, or on the way home, where a State leaves units with
    # no food to be had): it costs more than the same food taken from a front's demand (the
    # shortfall's weight and what is eaten), at twice the shortfall's weight on top of what
    # their waiting or their way home is charged for eating it; and the plan feeds them
    # first (:func:`carriers_fed_first`). Of equal totals, going without later costs a
    # little less (EARLY_HUNGER of the whole, what is eaten included): they eat while the
    # food lasts.
    earlier = np.zeros(v.n_columns)  # 1 on the first step to 0 on the last
    _adder(earlier)(v.waiting_unfed, ((net.steps - 1 - np.arange(net.steps))
                                      / net.steps)[None, None, None, :])
    whole = 2.0 * w.shortfall_per_kg + w.eaten_per_kg
    cost += carriers_unfed_kg(net, v) * (2.0 * w.shortfall_per_kg
                                         + whole * EARLY_HUNGER * earlier)
    put(v.cargo, (HAULAGE_COST_PER_KG_KM * legs.length_km)[:, None, None])
    worker_ration = float(labour_ration(net, v.goods).sum())
    put(v.road_work, w.labour_per_person_day + w.eaten_per_kg * worker_ration)
    # The wounded's food is a need: what is not fed costs as unmet demand, and what is fed
    # costs as food eaten (so keeping them waiting never pays).
    put(v.wounded_fed, -w.shortfall_per_kg + w.eaten_per_kg)
    waiting_food, carried_food = wounded_food(net, legs)
    for g in range(v.wounded.shape[0]):
        put(v.wounded_waiting[g], w.shortfall_per_kg * waiting_food.sum(axis=0)[None, :])
        put(v.wounded[g], w.shortfall_per_kg * carried_food.sum(axis=1))
    put(v.given[:, :, -1], w.taken_per_kg)
    put(v.recruited, RECRUIT_COST_PER_UNIT)
    put(v.fleet, w.fleet_per_unit)
    if net.cost_weight > 0:
        for part in money_per_column(net, v).values():
            cost += net.cost_weight * part
    cost[v.max_burden] += w.max_burden
    return cost


def carriers_unfed_kg(net: Network, v: Variables) -> FloatArray:
    """The kg of food and fuel each column has carriers go without [n columns]: 1 on the
    columns of what they go without waiting and on their way home (kg already), 0 on every
    other column."""
    kg = np.zeros(v.n_columns)
    for cols in (v.waiting_unfed, *v.going_home_unfed):
        kg[cols[cols >= 0]] = 1.0
    return kg


#: How much more (relative) a kg a carrier goes without on the horizon's first step costs
#: than one on its last, in between in proportion: of plans that leave them as hungry,
#: the one that feeds them while the food lasts.
EARLY_HUNGER = 1e-4
#: Carriers going without less than this (kg, over the horizon) are not fed first again.
FED_FIRST_KG = 1e-3
#: The least they can go without is a bound with this relative margin (and FED_FIRST_KG):
#: an interior point's answer is accepted with rows violated by 1e-6 of their size.
FED_FIRST_MARGIN = 1e-4


def carriers_fed_first(lp: LinearProgram, solution: Solution,
                       solve_again: Callable[[LinearProgram], Solution],
                       say: Callable[[str], None] | None = None,
                       ) -> tuple[LinearProgram, Solution]:
    """People on the line eat first: where ``solution`` has carriers go without food
    (:func:`carriers_unfed_kg`, where a starting State leaves units), the least they can go
    without is found (the LP with only that as its cost), and, where the solution has them
    go without more, the plan is made again with that as a bound (a row,
    ``carriers_fed_first``). Their weight alone would not do it: twice the shortfall's
    weight is less than what a kg of rice moves on a truck crew's trip, so the LP had
    starved carts at a depot full of rice to keep it for the trucks.

    Returns the LP and the solution to read the plan from, the solution's note saying what
    was done and its seconds those of every solve. ``solve_again`` solves with the plan's
    own solver and what is left of its time limit; where it fails (:class:`PlanError`), the
    first plan stands and its note says why."""
    kg = carriers_unfed_kg(lp.net, lp.variables)
    unfed = float(kg @ solution.x)
    if solution.status is not SolveStatus.OPTIMAL or unfed <= FED_FIRST_KG:
        return lp, solution
    tell = say or (lambda _message: None)
    tell("carriers go without food: finding the least they can, to feed them first")
    seconds = solution.solve_seconds

    def noted(sol: Solution, words: str) -> Solution:
        before = sol.note if not sol.note or sol.note.endswith(".") else f"{sol.note}."
        return dataclasses.replace(sol, solve_seconds=seconds,
                                   note=f"{before} {words}".strip())

    try:
        least = solve_again(dataclasses.replace(lp, cost=kg))
    except PlanError as error:
        return lp, noted(solution, f"Carriers go without {unfed:,.1f} kg of food; they were "
                                   f"not fed first, the least they can go without not "
                                   f"found: {error}")
    seconds += least.solve_seconds
    fewest = max(float(kg @ least.x), 0.0)
    bound = fewest * (1.0 + FED_FIRST_MARGIN) + FED_FIRST_KG
    going = "no food" if fewest <= FED_FIRST_KG else f"{fewest:,.1f} kg of food"
    fed_first = f"Carriers fed first: they go without {going}, the least they can"
    if unfed <= bound:
        return lp, noted(solution, fed_first + " (the first plan already did).")
    cols = np.flatnonzero(kg)
    row = RowBlock("carriers_fed_first", (), np.zeros((1, 0), dtype=np.int64),
                   np.array([-np.inf]), np.array([bound]), np.zeros(cols.size, dtype=np.int64),
                   cols.astype(np.int64), kg[cols])
    bounded = dataclasses.replace(
        lp, assembled=assemble([*lp.assembled.blocks, row], lp.n_columns))
    tell(f"solving again: carriers to go without {going} (the least they can) at most"
         if fewest > FED_FIRST_KG else "solving again: carriers to go without no food")
    try:
        again = solve_again(bounded)
    except PlanError as error:
        return lp, noted(solution, f"Carriers go without {unfed:,.1f} kg of food, though "
                                   f"{fewest:,.1f} kg would do; the plan that feeds them "
                                   f"first failed: {error}")
    seconds += again.solve_seconds
    return bounded, noted(again, fed_first + " (planned again with that bound).")


#: Coefficients beyond this size make the LP too badly scaled to solve reliably.
LARGEST_COEFFICIENT = 1e12


def _check_finite(a: Assembled, cost: FloatArray, v: Variables) -> None:
    """Refuse an LP with a non-finite or absurdly large coefficient, naming the constraint
    family it is in (the schema's bounds keep every input within physical limits, so this
    guards the arithmetic that combines them)."""
    data = a.matrix.tocoo()
    bad = ~np.isfinite(data.data) | (np.abs(data.data) > LARGEST_COEFFICIENT)
    if bad.any():
        row = int(data.row[np.nonzero(bad)[0][0]])
        block = int(np.searchsorted(a.offsets, row, side="right")) - 1
        raise PlanError(
            f"the scenario's numbers make a {a.blocks[block].family.replace('_', ' ')} "
            f"coefficient of {data.data[bad][0]:.3g}; check the lengths, speeds, payloads and "
            "rations it combines")
    for name, values in (("cost", cost), ("row bound", np.r_[a.row_lower, a.row_upper]),
                         ("variable bound", np.r_[v.lower, v.upper])):
        if np.isnan(values).any() or (np.abs(values[np.isfinite(values)])
                                      > LARGEST_COEFFICIENT * 1e3).any():
            raise PlanError(f"the scenario's numbers make a {name} that is not a usable "
                            "number; check its largest figures")


def build_lp(net: Network, replay: Replay | None = None, state: State | None = None,
             fix_unreachable: bool = True) -> LinearProgram:
    """Build the whole LP as one sparse matrix from the Network arrays, starting from
    ``state`` (the scenario's own start when ``None``). ``fix_unreachable``: fix at 0 the
    columns that nothing can feed, followed in order within a step (:func:`~supplyline.plan.
    feed.nothing_can_feed`: what only a loop of a step's trips could feed, from nothing,
    stays at 0), and those a row then holds at 0 (:func:`~supplyline.plan.feed.
    held_by_rows`); off only to measure what that does."""
    started = time.perf_counter()
    start = start_from(net, state)
    spec = resolve_replay(net, replay, start.giveable_kg) if replay is not None else None
    v = define_variables(net, spec.fixed if spec else None, start.giveable_kg, start.units_in)
    blocks: list[RowBlock] = [
        define_cargo_within_payload(net, v),
        define_wounded_within_places(net, v),
        define_route_movements(net, v, start.capacity_factor),
        define_route_tonnage(net, v, start.capacity_factor),
        define_handling(net, v),
        define_arrivals(net, v),
        define_fleet_balance(net, v, start.units_in),
        *define_service(net, v, start.in_service),
        *define_unit_time(net, v, start.transit_days, start.units_in, start.units_landing),
        *define_trips_within_step(net, v, start.unit_days_in),
        define_stock_balance(net, v, start.stock_in),
        define_giving_never_shrinks(net, v),
        *define_wounded(net, v),
        define_labour_fairness(net, v, start.labour_people),
        define_labour_days(net, v, start.labour_days_left),
        *define_homecoming(net, v),
        *define_carriers_unfed(net, v),
        define_fleet_peak(net, v),
        define_reserves(net, v),
        *define_road_works(net, v, start.labour_people),
    ]
    if spec is None:
        blocks.append(define_food_fairness(net, v, start.giveable_kg))
    else:
        blocks.extend(define_replay(net, v, spec.given_sets, spec.carrier_caps,
                                    spec.labour_days))
    assembled = assemble(blocks, v.n_columns)
    cost = define_objective(net, v)
    _check_finite(assembled, cost, v)
    lp = LinearProgram(net, v, assembled, cost, spec, 0.0, start)
    if fix_unreachable:
        v.upper[np.logical_or.reduce(list(nothing_can_feed(lp).values()))] = 0.0
        v.upper[held_by_rows(lp, v.upper)] = 0.0
    lp.build_seconds = time.perf_counter() - started
    return lp


_STATUS = {
    highspy.HighsModelStatus.kOptimal: SolveStatus.OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: SolveStatus.INFEASIBLE,
    highspy.HighsModelStatus.kUnbounded: SolveStatus.UNBOUNDED,
    highspy.HighsModelStatus.kUnboundedOrInfeasible: SolveStatus.INFEASIBLE,
    highspy.HighsModelStatus.kTimeLimit: SolveStatus.TIME_LIMIT,
}


def failure_words(status: SolveStatus, detail: str) -> str:
    """Why no plan came out, in the user's terms."""
    if status is SolveStatus.INFEASIBLE:
        return (
            "no plan can satisfy the scenario's fixed amounts together (a replay's totals, "
            "its carrier numbers, a road work, or the labour days a starting State leaves "
            "to units still out); shortfall at the fronts is always allowed, so one of "
            f"those is impossible with what the localities can give ({detail})"
        )
    if status is SolveStatus.TIME_LIMIT:
        return (
            "the optimizer reached its time limit before finding the best plan; plan fewer "
            "days (--days, or days= in Python), in longer steps (--step-days, step_days=) or "
            f"allow more time (--time-limit, time_limit_s=) ({detail})"
        )
    return f"the optimizer stopped without a plan ({status.value}: {detail})"


#: The span of an LP's nonzero figures (largest over smallest) beyond which a numerical
#: failure is said to come from it: HiGHS warns of bad scaling from about here.
BAD_SPREAD = 1e14


def _spread_words(lp: LinearProgram) -> str:
    """Where a solve failed numerically (a plan can never be unbounded: nothing costs less
    than nothing), what the LP's figures span when that is too wide to solve reliably: the
    scenario's largest figures are far beyond its smallest ('' when they are not)."""
    a = lp.assembled
    figures = [np.abs(a.matrix.data), np.abs(lp.cost)]
    for bound in (lp.variables.upper, a.row_lower, a.row_upper):
        figures.append(np.abs(bound[np.isfinite(bound)]))
    values = np.concatenate(figures)
    values = values[values > 0]
    if values.size == 0 or values.max() / values.min() < BAD_SPREAD:
        return ""
    return (f"; the LP's figures span {values.min():.1e} to {values.max():.1e}, too wide a "
            "range to solve reliably: look for figures far beyond the others (stocks, "
            "populations, payloads, demand), or try the simplex solver (--solver simplex; "
            "solver=\"simplex\" in Python)")


@contextlib.contextmanager
def native_stdout_to(fd: int) -> Iterator[None]:
    """While it lasts, what compiled code (HiGHS) writes to standard output goes to the file
    descriptor ``fd`` instead; Python's own writes are not touched. Where the process has no
    standard output, or ``fd`` is closed, nothing is moved."""
    with contextlib.suppress(AttributeError, OSError):  # (None: started without one)
        sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no standard output: nothing to keep anything off
        yield
        return
    try:
        os.dup2(fd, 1)
    except OSError:
        os.close(saved)
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(OSError, AttributeError):  # what C still holds goes there too
            ctypes.CDLL(None).fflush(None)
        os.dup2(saved, 1)
        os.close(saved)


def _quiet_highs(solver_log: Callable[[str], None] | None = None) -> highspy.Highs:
    """A Highs instance that prints nothing (HiGHS writes a banner to the C-level stdout when
    the first instance of a process is made; it would spoil ``--json`` output); its log goes
    to ``solver_log`` when one is given."""
    with open(os.devnull, "w") as devnull, native_stdout_to(devnull.fileno()):
        h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    if solver_log is not None:
        h.setOptionValue("output_flag", True)
        h.setOptionValue("log_to_console", False)
        h.cbLogging += lambda event: solver_log(str(event.message))
    return h


class InteriorPointProgress:
    """How far HiGHS's interior point has come, read from HiGHS's log as it is written (pass
    each piece to :meth:`feed`): the number of its last iteration and that iteration's
    relative gap between the primal and dual objectives, which the solve drives below
    10^-8; then what follows it (crossover, a simplex clean-up). The iteration lines are
    read by the columns their header names (``Iter  primal obj  dual obj  pinf  dinf  gap
    time``); a log without a ``gap`` column, or another solver's, leaves it empty. A run
    started again (HiGHS's retry without presolve) is counted.

    Examples
    --------
    >>> seen = InteriorPointProgress()
    >>> seen.feed("IPX model has 4323 rows\\n Iter  primal obj  dual obj  pinf  dinf  gap  time\\n")
    >>> seen.feed("  53   1.2e+04  1.19")
    >>> seen.words()  # (the line is not whole yet)
    ''
    >>> seen.feed("e+04   1.1e-16   2.4e-16   2.13e-03   40.2\\n")
    >>> seen.words()
    'interior point at iteration 53, gap 2e-03'
    >>> seen.feed("Running crossover as requested\\n")
    >>> seen.words()
    'interior point done after 53 iterations (gap 2e-03); crossover'
    """

    #: What HiGHS's log says when the interior point has stopped, and what runs then.
    _AFTER = (("running crossover", "crossover"), ("using primal simplex", "simplex clean-up"),
              ("using dual simplex", "simplex clean-up"), ("summary", "finishing"))

    def __init__(self) -> None:
        self.iteration: int | None = None
        self.gap: float | None = None
        self.runs = 0
        self.after = ""
        self._gap_at: int | None = None  # the gap's place on an iteration line
        self._partial = ""

    def feed(self, message: str) -> None:
        """Read one piece of the log (pieces need not end with a line)."""
        *lines, self._partial = (self._partial + message).split("\n")
        for line in lines:
            self._read(line)

    def _read(self, line: str) -> None:
        words = line.lower().split()
        if not words:
            return
        if line.startswith("IPX model has"):  # a run of the interior point begins
            self.runs += 1
            self.iteration = self.gap = self._gap_at = None
            self.after = ""
        elif words[0] == "iter" and "gap" in words:
            self._gap_at = [w for w in words if w != "obj"].index("gap")
        elif self.iteration is not None and not self.after:
            self.after = next((then for start, then in self._AFTER
                               if line.lower().startswith(start)), "")
        if self._gap_at is None or self.after or not words[0].rstrip("*").isdigit() or (
                len(words) not in (self._gap_at + 1, self._gap_at + 2)):
            return
        try:  # (the columns up to the gap: numbers; the time, last, may end in "s")
            gap = [float(w) for w in words[1:self._gap_at + 1]][-1]
        except ValueError:
            return
        self.iteration, self.gap = int(words[0].rstrip("*")), gap

    def words(self) -> str:
        """How far it has come, said ('' before its first iteration)."""
        if self.iteration is None or self.gap is None:
            return ""
        run = f", run {self.runs}," if self.runs > 1 else ""
        if self.after:
            return (f"interior point{run} done after {self.iteration} iterations (gap "
                    f"{self.gap:.0e}); {self.after}")
        return f"interior point{run} at iteration {self.iteration}, gap {self.gap:.0e}"


def _run_again(h: highspy.Highs, **options: str | int) -> SolveStatus:
    """Solve again from scratch with HiGHS ``options`` changed (``run_crossover="off"``)."""
    h.clearSolver()
    for name, value in options.items():
        h.setOptionValue(name, value)
    h.run()
    return _STATUS.get(h.getModelStatus(), SolveStatus.OTHER)


def _after_solve_error(h: highspy.Highs,
                       log: Callable[[str], None] | None) -> SolveStatus | None:
    """Where the interior point just stopped on a singular factorization (HiGHS's "solve
    error"), its status when run again without presolve (presolve then set back as it was
    for any later run); else None. It stops so near the optimum (the built-in scenario day by day:
    iteration 94 of about 120, at a relative gap of 4e-5); run again as it was, it stops
    there again, while without presolve it takes another path (docs/benchmarks.md)."""
    if h.getModelStatus() != highspy.HighsModelStatus.kSolveError:
        return None
    if log is not None:
        log("the interior point failed numerically; solving again without presolve")
    before = h.getOptionValue("presolve")[1]
    status = _run_again(h, presolve="off")
    h.setOptionValue("presolve", before)
    return status


def highs_model(lp: LinearProgram) -> highspy.HighsLp:
    """The LP as HiGHS takes it (columns, rows, column-wise matrix)."""
    a = lp.assembled
    model = highspy.HighsLp()
    model.num_col_ = lp.n_columns
    model.num_row_ = lp.n_rows
    model.col_cost_ = lp.cost
    model.col_lower_ = lp.variables.lower
    model.col_upper_ = lp.variables.upper
    model.row_lower_ = a.row_lower
    model.row_upper_ = a.row_upper
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = a.matrix.indptr
    model.a_matrix_.index_ = a.matrix.indices
    model.a_matrix_.value_ = a.matrix.data
    return model


def solve_lp(
    lp: LinearProgram,
    solver: str = "choose",
    time_limit_s: float | None = None,
    log: Callable[[str], None] | None = None,
    solver_log: Callable[[str], None] | None = None,
) -> Solution:
    """Solve with HiGHS (``solver``: 'choose', 'simplex' or 'ipm'); ``solver_log`` is called
    with each piece of HiGHS's own log (none is written when it is None)."""
    h = _quiet_highs(solver_log)
    h.setOptionValue("solver", solver)
    # Costs span 1e-6 (the haulage tie-break) to 1e3 (shortfall): once the dual simplex drops its
    # cost perturbation (also in the clean-up after an interior-point crossover), thousands of
    # dual infeasibilities are left, for minutes. Without the perturbation they are not.
    h.setOptionValue("dual_simplex_cost_perturbation_multiplier", 0.0)
    if solver == "ipm":
        # Units may arrive within the step they left (short trips), so the fleet has many
        # equally good circulations: the dual simplex that cleans up after crossover then
        # stalls for minutes on the built-in scenario (more than 240 s), the primal simplex
        # finishes in a few hundred iterations.
        h.setOptionValue("simplex_strategy", 4)
    interior_only = solver == "ipm" and lp.n_columns >= INTERIOR_ONLY_COLUMNS
    if interior_only:
        h.setOptionValue("run_crossover", "off")
    elif solver == "ipm":
        h.setOptionValue("simplex_iteration_limit", CLEANUP_ITERATIONS)
    if time_limit_s is not None:
        h.setOptionValue("time_limit", float(time_limit_s))
    h.passModel(highs_model(lp))
    started = time.perf_counter()
    bounds = _ImpliedBounds(lp) if interior_only else None
    if bounds is not None:
        bounds.start()
    try:
        return _solved(lp, h, solver, interior_only, bounds, started, log)
    finally:
        if bounds is not None:
            bounds.stop()  # ended on every path: a failed solve leaves no work behind


def _solved(lp: LinearProgram, h: highspy.Highs, solver: str, interior_only: bool,
            bounds: _ImpliedBounds | None, started: float,
            log: Callable[[str], None] | None) -> Solution:
    """Run HiGHS as :func:`solve_lp` set it up, judge its answer, and retry as needed."""
    h.run()
    status = _STATUS.get(h.getModelStatus(), SolveStatus.OTHER)
    note = ""
    crossover_failed = solver == "ipm" and not interior_only and status is SolveStatus.OTHER
    if crossover_failed:
        # Crossover's clean-up did not finish: solve again without it, and judge the
        # interior solution as a large LP's is judged.
        if log is not None:
            log("crossover did not finish; solving again without it")
        status = _run_again(h, run_crossover="off")
        interior_only = True
    h.setOptionValue("simplex_iteration_limit", NO_ITERATION_LIMIT)
    again = _after_solve_error(h, log) if interior_only else None
    if again is not None:
        status = again
    how = ("without crossover" if again is None else
           "without crossover nor presolve (with presolve it failed numerically)")
    if interior_only and status is SolveStatus.OTHER:
        accepted, note = _interior_verdict(lp, h, how)
        if accepted:
            status = SolveStatus.OPTIMAL
            note = _with_proven_gap(note, lp, h, bounds)
        elif not crossover_failed:
            if log is not None:
                log("the interior point solution is not accurate enough; running crossover")
            if bounds is not None:
                bounds.stop()  # no proven gap is asked of a basic solution
            status = _run_again(h, run_crossover="on")
    elif interior_only and status is SolveStatus.OPTIMAL and not crossover_failed and \
            _relative_violation(lp, h) > ACCEPT_VIOLATION:
        # HiGHS judges the presolved LP; undone, its answer can break a row by more than
        # the planner accepts (a small network: 1.9e-6): crossover mends it.
        if log is not None:
            log("the interior point's answer breaks a row; running crossover")
        if bounds is not None:
            bounds.stop()
        status = _run_again(h, run_crossover="on")
    elif interior_only and status is SolveStatus.OPTIMAL:
        undone = "" if again is not None else " after undoing its presolve"
        note = _with_proven_gap(
            f"interior point {how}: optimal by HiGHS's criteria{undone}; the dual values "
            "(used to explain shortfalls) are approximate", lp, h, bounds)
    if status is SolveStatus.OTHER and solver != "simplex":
        # The interior point method can fail numerically where simplex does not: retry.
        if log is not None:
            log(f"HiGHS {solver} stopped ({h.modelStatusToString(h.getModelStatus())}); "
                "retrying with simplex")
        if bounds is not None:
            bounds.stop()
        status = _run_again(h, solver="simplex")
    if status is SolveStatus.OTHER and h.getModelStatus() == highspy.HighsModelStatus.kUnknown:
        # Presolve can take an LP apart entirely and then doubt the answer it puts back
        # together (a plan that can move nothing: its objective and its dual's differed by
        # 1e-3): solve it again without presolve.
        if log is not None:
            log("HiGHS could not confirm the answer after its presolve; solving again "
                "without presolve")
        if bounds is not None:
            bounds.stop()
        status = _run_again(h, presolve="off")
    seconds = time.perf_counter() - started
    if status is not SolveStatus.OPTIMAL:
        words = failure_words(status, h.modelStatusToString(h.getModelStatus()))
        raise PlanError(words + _spread_words(lp) if status in (
            SolveStatus.OTHER, SolveStatus.UNBOUNDED) else words)
    sol = h.getSolution()
    if log is not None:
        log(f"HiGHS {solver}: {status.value} in {seconds:.2f} s")
    return Solution(
        status=status,
        objective=float(h.getInfo().objective_function_value),
        x=np.asarray(sol.col_value, dtype=float),
        row_dual=np.asarray(sol.row_dual, dtype=float),
        solve_seconds=seconds,
        solver=solver,
        note=note,
    )
