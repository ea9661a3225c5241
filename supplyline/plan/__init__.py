"""Planning: the time-expanded fleet-flow LP, solved by HiGHS, and its result.

>>> import supplyline as sl
>>> p = sl.plan(sl.load("tutorial"))
>>> p.status
'optimal'
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from supplyline.errors import (
    PlanError,
    ReplayError,
    check_callback,
    not_flag,
    not_number,
    not_whole,
)
from supplyline.network import Network, compile_network
from supplyline.plan.diagnose import RESOLVE_SECONDS, VERIFY_COLUMNS, explain_shortfall
from supplyline.plan.kpis import Kpis
from supplyline.plan.metrics import MetricValue, compare
from supplyline.plan.model import LinearProgram, Solution, build_lp, carriers_fed_first
from supplyline.plan.result import Finding, Plan, read_plan
from supplyline.plan.solvers import check_solver, solve, solver_names
from supplyline.plan.start import network_from
from supplyline.scenario.schema import Replay, Scenario
from supplyline.scenario.whatif import check, first_days, with_step_days
from supplyline.simulate import SEED
from supplyline.state import State
from supplyline.text import did_you_mean

#: The solvers a plan may ask for (the registry, :mod:`supplyline.plan.solvers`).
SOLVERS = solver_names()

__all__ = ["SOLVERS", "Finding", "Kpis", "MetricValue", "Plan", "State", "Validation", "plan",
           "validate"]


#: Runs of each simulation of a risk search, and their seed, unless told (``plan(risk=...)``).
RISK_RUNS = 1000
RISK_SEED = SEED  # (the one seed of every simulation unless told)


def plan(
    scenario: Scenario | Network,
    replay: str | None = None,
    solver: str = "ipm",
    progress: Callable[[str], None] | None = None,
    time_limit_s: float | None = None,
    state: State | None = None,
    step_days: int | None = None,
    days: int | None = None,
    solver_log: Callable[[str], None] | None = None,
    risk: float | None = None,
    risk_runs: int = RISK_RUNS,
    seed: int = RISK_SEED,
    explain: bool = True,
) -> Plan:
    """Optimize mobilization and movement for a scenario.

    Parameters
    ----------
    scenario:
        A loaded scenario (or an already compiled Network).
    replay:
        Name of one of the scenario's replays: mobilization is fixed to its figures and the
        model moves them as well as physics allows.
    solver:
        A solver of the registry (:data:`SOLVERS`, :mod:`supplyline.plan.solvers`): HiGHS's
        'ipm' (interior point, the default: far faster than simplex on long horizons),
        'simplex' or 'choose' (HiGHS decides); 'pdlp' (HiGHS's first-order method, its gap
        to a proven bound in the plan's ``solver_note``); 'cuopt' (PDLP on a GPU, the
        ``[gpu]`` extra); 'pdhg-jax' (MPAX's PDHG on JAX, the GPU where JAX has one, else
        the CPU; the ``[gpu]`` extra). An unknown solver, or one that cannot run here, is a
        :class:`PlanError` saying why.
    progress:
        Called with a short message at each step (building, solving, reading).
    time_limit_s:
        Stop the solver after this many seconds (a :class:`PlanError` saying so); no limit
        when ``None``. Where carriers a ``state`` leaves go without food and the plan is made
        again to feed them first, the solves share it (what is left once it is spent: the
        first plan, its ``solver_note`` saying so). Where the fronts go short, what holds
        them short is found by solving again (``Plan.explain_seconds``), within what is left
        of it and at most 60 s: limits not confirmed in time are said to be so.
    state:
        Where everything stands at the start (stocks, units waiting and on the way, what was
        given, labour used, route damage); the scenario's own start when ``None``. Made for
        the network compiled from ``scenario`` (see :meth:`State.initial`).
    step_days:
        Days per planning step after the policy's daily start (the policy's ``step_days``
        when ``None``), at most the horizon's days; for a Scenario only (a compiled Network
        has its steps: a :class:`PlanError` says so).
    days:
        Plan only the first ``days`` days of the horizon (all of it when ``None``; the same
        cut as ``supplyline plan --days``); for a Scenario only, as ``step_days``.
    solver_log:
        Called with each piece of the solver's own log while it solves (``plan --verbose``;
        HiGHS's solvers).
    risk:
        A target for the chance that some front goes short on some day, in ``risk_runs``
        simulated runs (``seed``): plan, simulate, keep more capacity and reserves in hand,
        plan again, until it holds (:func:`supplyline.simulate.target.plan_for_risk`). The
        plan returned is the last one; its ``risk`` holds every round and, in words, whether
        the target held and why not. Needs a Scenario (not a Network) and no ``state``.
    risk_runs, seed:
        Runs of each simulation of the search, and their seed (the same every round; with
        ``None``, one fresh seed drawn for the whole search and kept in the simulation's
        ``seed``). They act only with ``risk``: another value
        without it is a :class:`PlanError`, as ``plan --seed`` without ``--risk`` is.
    explain:
        Find what holds the fronts short where they go short (``Plan.findings``, by
        solving again: up to 60 s). ``False`` leaves the findings empty, for a caller that
        shows none (``supplyline simulate``).

    Examples
    --------
    >>> import supplyline as sl
    >>> sl.plan(sl.load("tutorial"), days=10, step_days=2).days  # doctest: +SKIP
    10
    """
    if not isinstance(scenario, Scenario | Network):
        raise TypeError(f"scenario: expected a Scenario (sl.load(...)) or a compiled Network, "
                        f"got {type(scenario).__name__}")
    if not_flag(explain):  # ("no" would be read as true)
        raise PlanError(f"explain: expected True or False, got {explain!r}")
    if time_limit_s is not None and (not_number(time_limit_s) or not time_limit_s > 0):
        # (the command line's --time-limit 0 is None here: say so where 0 is given)
        raise PlanError(f"time_limit_s: expected a number of seconds > 0, or None for no "
                        f"limit, got {time_limit_s!r}")
    entry = check_solver(solver)
    check_callback("progress", progress, "one str")
    check_callback("solver_log", solver_log, "one str")
    if state is not None and not isinstance(state, State):
        raise TypeError(f"state: expected a State (sl.State...), or None, got "
                        f"{type(state).__name__}")
    if risk is not None:
        if isinstance(scenario, Network) or state is not None:
            raise PlanError("risk: plans that meet a risk target start from a scenario's "
                            "own start (a Scenario, no state)")
        from supplyline.simulate import check_seed
        from supplyline.simulate.target import check_risk_runs, plan_for_risk

        check_risk_runs(risk_runs, "risk_runs")  # before the first plan (it may take minutes)
        check_seed(seed)

        def one(sc: Scenario) -> Plan:
            return plan(sc, replay=replay, solver=solver, progress=progress,
                        time_limit_s=time_limit_s, step_days=step_days, days=days,
                        solver_log=solver_log, explain=explain)

        search = plan_for_risk(scenario, risk, runs=risk_runs, seed=seed, plan=one)
        search.plan.risk = search
        return search.plan
    for option, given, default in (("risk_runs", risk_runs, RISK_RUNS),
                                   ("seed", seed, RISK_SEED)):
        if not_whole(given, 0) or int(given) != default:  # (it was ignored in silence)
            raise PlanError(f"{option}: acts only with risk, which was not given (leave it "
                            f"out, or give risk=...), got {given!r}")
    say = progress or (lambda _message: None)
    whole_days: int | None = None  # (the scenario's, where days= cuts it)
    if isinstance(scenario, Network):
        for name, value in (("step_days", step_days), ("days", days)):
            if value is not None:  # (it was ignored in silence)
                raise PlanError(f"{name}: a compiled Network has its days and steps; pass "
                                f"the Scenario to plan with {name}={value!r}")
        net = scenario
    else:
        scenario = check(scenario)  # (the days below are read in the schema's types)
        whole_days = scenario.days if days is not None else None
        try:
            scenario = first_days(scenario, days)
        except ValueError as error:
            raise PlanError(f"days: {error}") from None
        try:
            scenario = with_step_days(scenario, step_days)
        except ValueError as error:
            raise PlanError(f"step_days: {error}") from None
        net = compile_network(scenario, checked=False)  # (checked above, then cut)
    chosen = None if replay is None else replay_named(net.scenario, replay)
    say("building the LP")
    try:
        lp = build_lp(network_from(net, state), chosen, state)
    except ValueError as error:  # a State that does not fit the network
        raise PlanError(str(error)) from error
    say(f"solving {lp.n_columns:,} variables, {lp.n_rows:,} constraints: {entry.description}")
    started = time.perf_counter()
    solution = solve(lp, solver=solver, time_limit_s=time_limit_s, solver_log=solver_log)

    def solve_again(again: LinearProgram) -> Solution:
        """A solve within what is left of the time limit (carriers_fed_first's)."""
        left = None if time_limit_s is None else time_limit_s - (time.perf_counter() - started)
        if left is not None and left <= 0:
            raise PlanError(f"the time limit ({time_limit_s:g} s) was spent")
        return solve(again, solver=solver, time_limit_s=left, solver_log=solver_log)

    lp, solution = carriers_fed_first(lp, solution, solve_again, say)
    say("reading the plan")
    result = read_plan(lp, solution, replay)
    if whole_days is not None and net.scenario.days < whole_days:
        result.whole_days = whole_days
    result.from_state = state is not None
    result.step_days_given, result.solver, result.time_limit_s = step_days, solver, time_limit_s
    if not explain:
        result.explained = False
        return result
    # What holds the fronts short is found by solving again, within what is left of the
    # time limit (at most RESOLVE_SECONDS): the limits not confirmed in time are said so.
    explaining = time.perf_counter()
    left = RESOLVE_SECONDS if time_limit_s is None else max(
        0.0, min(RESOLVE_SECONDS, time_limit_s - (explaining - started)))
    if result.short_steps():
        say("finding what holds the fronts short (solving again with each limit eased)"
            if lp.n_columns <= VERIFY_COLUMNS else
            "finding what holds the fronts short (from the plan's prices: too large to "
            "confirm by solving again)")
    explain_shortfall(lp, solution, result, seconds=left)
    result.explain_seconds = time.perf_counter() - explaining
    return result


def replay_named(scenario: Scenario, name: str) -> Replay:
    """The scenario's replay called ``name``.

    Raises
    ------
    ReplayError
        When it has none of that name (with the nearest name, and those it has).
    """
    if not isinstance(name, str):
        raise TypeError(f"replay: expected the name of one of the scenario's replays, got "
                        f"{type(name).__name__}")
    names = [r.name for r in scenario.replays]
    if name in names:
        return scenario.replays[names.index(name)]
    raise ReplayError(f"replay: expected one of scenario {scenario.name}'s replays ("
                      f"{', '.join(names) or 'it has none'}){did_you_mean(name, names)}, "
                      f"got {name!r} (no replay of that name)")


class Validation(list[MetricValue]):
    """What :func:`validate` returns: a list of :class:`MetricValue`, one per observed
    figure, that shows itself as a table: in ``print()`` and at a prompt, the one
    ``supplyline validate`` prints; in a notebook, the report's "Model against history".

    Attributes
    ----------
    plan:
        The plan the figures were computed on.
    """

    def __init__(self, values: Iterable[MetricValue], plan: Plan) -> None:
        super().__init__(values)
        self.plan = plan

    def __str__(self) -> str:
        from supplyline.report.validation_view import validation_text

        return validation_text(self)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        """What a notebook shows: the figures as the report's table."""
        from supplyline.report.validation_view import validation_html

        return validation_html(self.plan, self)


def validate(result: Plan) -> Validation:
    """Compare the scenario's observed figures that apply to this plan (its replay, or the plain
    plan) with what the plan computes.

    Parameters
    ----------
    result:
        A plan (``sl.plan(scenario, replay=...)``).

    Returns
    -------
    Validation
        A list of :class:`MetricValue`, one per observed figure of the plan's replay (or of
        the plain plan): the model's value in the figure's unit, the figure, its tolerance,
        and whether it passes or follows from the inputs alone. It shows itself as the table
        ``supplyline validate`` prints (``print()``; a notebook shows the report's table).

    Raises
    ------
    TypeError
        When ``result`` is not a Plan.
    PlanError
        When a figure's unit cannot be converted to the metric's, or when the plan covers
        only the first days of the scenario (``sl.plan(..., days=)``) or starts from a
        :class:`State` (``sl.plan(..., state=)``): the figures are of the scenario's whole
        horizon from its own start.
    """
    if not isinstance(result, Plan):
        raise TypeError(f"result: expected a Plan (sl.plan(...)), got {type(result).__name__}")
    if result.whole_days is not None and any(
            o.replay == result.replay for o in result.network.scenario.observed):
        raise PlanError(f"this plan covers the first {result.days} of the scenario's "
                        f"{result.whole_days} days, and its observed figures are of the whole "
                        "horizon: validate a plan of the whole horizon (no days=)")
    if result.from_state and any(o.replay == result.replay
                                 for o in result.network.scenario.observed):
        raise PlanError("this plan starts from a State (state=), and its observed figures are "
                        "of the scenario's horizon from its own start: validate a plan made "
                        "without state=")
    return Validation((
        compare(result, observed)
        for observed in result.network.scenario.observed
        if observed.replay == result.replay
    ), result)
