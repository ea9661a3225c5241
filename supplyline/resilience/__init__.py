"""Resilience: which routes and places everything hangs on, the worst cuts an adversary can
make, and where protection pays (see docs/resilience.md).

>>> import supplyline as sl
>>> from supplyline.resilience import resilience
>>> res = resilience(sl.load("tutorial"), k=2)
>>> res.ranking[0].ids
('bridge',)
"""

from __future__ import annotations

from collections.abc import Callable

from supplyline.network import Network, compile_network
from supplyline.plan.variables import define_variables
from supplyline.resilience.analysis import EXACT_MAX_K, Resilience, WorstSet, analyse
from supplyline.resilience.cuts import Impact
from supplyline.scenario.schema import Scenario

__all__ = ["ANALYSIS_MAX_COLUMNS", "COARSE_STEP_DAYS", "EXACT_MAX_K", "Impact", "Resilience",
           "WorstSet", "analysis_grid", "resilience"]

#: A scenario whose own grid gives a planning LP of more columns than this is analysed in
#: steps of :data:`COARSE_STEP_DAYS` days from its first day, unless a grid is asked for: N-1
#: solves the plan once per route and place. On the built-in scenario its own grid gives
#: 84,759 columns a solve (N-1 had not finished after 72 minutes on 2 cores), 14-day steps
#: 18,444 (N-1 in 39 s; docs/benchmarks.md).
ANALYSIS_MAX_COLUMNS = 20_000
COARSE_STEP_DAYS = 14


def analysis_grid(scenario: Scenario, step_days: int | None = None,
                  daily_days: int | None = None) -> tuple[Network, str | None]:
    """The network resilience analyses ``scenario`` on, and a note saying why where it is not
    the grid asked for: with ``step_days`` or ``daily_days`` (days planned day by day before
    the steps), that grid; else the scenario's own, or steps of :data:`COARSE_STEP_DAYS`
    days from the first day where its own has more than :data:`ANALYSIS_MAX_COLUMNS`
    columns.

    Raises
    ------
    ValueError
        When the grid asked for cannot be made (``daily_days`` with steps of one day).
    """
    if step_days is not None or daily_days is not None:
        if daily_days is not None:
            steps = scenario.policy.step_days if step_days is None else step_days
            if daily_days < 0:
                raise ValueError(f"daily days: expected a whole number ≥ 0, got {daily_days}")
            if daily_days > 0 and steps == 1:
                raise ValueError("daily days: with steps of one day every day is planned day "
                                 "by day already (give --step-days above 1, or leave this out)")
            scenario = scenario.model_copy(update={"policy": scenario.policy.model_copy(
                update={"daily_start_days": daily_days})})
        return compile_network(scenario, step_days), None
    net = compile_network(scenario)
    columns = define_variables(net).n_columns
    if columns <= ANALYSIS_MAX_COLUMNS:
        return net, None
    coarse = scenario.model_copy(update={"policy": scenario.policy.model_copy(
        update={"daily_start_days": 0, "step_days": COARSE_STEP_DAYS})})
    note = (f"planned in {COARSE_STEP_DAYS}-day steps from the first day: the scenario's own "
            f"grid gives {columns:,} columns a solve, and N-1 solves the plan once per route "
            "and place (--step-days and --daily-days choose the grid)")
    return compile_network(coarse), note


def resilience(
    scenario: Scenario | Network,
    k: int = EXACT_MAX_K,
    window: tuple[int, int] | None = None,
    budget: int = 0,
    jobs: int = 1,
    step_days: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    worst_of: str = "all",
    protect: dict[str, int] | None = None,
    simulate_runs: int = 0,
    daily_days: int | None = None,
) -> Resilience:
    """Cut every route and place in turn (N-1), find the worst sets of 2..k cuts and, with a
    ``budget``, the routes and places to make safe against them. ``window``: inclusive day
    indices (0 the scenario's start) to cut on; the whole horizon when None. ``worst_of``:
    'routes' to look for the worst sets among the routes only. ``protect``: units of
    ``guards``, ``air`` defence and ``repair`` crews to place against the expected threats.
    ``simulate_runs``: Monte Carlo runs to re-check the uncut plan and the top cuts.
    ``step_days`` and ``daily_days`` choose the grid of a Scenario (:func:`analysis_grid`:
    a large scenario is otherwise analysed in 14-day steps, and the result's notes say so)."""
    note = None
    if isinstance(scenario, Network):
        net = scenario
    else:
        net, note = analysis_grid(scenario, step_days, daily_days)
    result = analyse(net, k=k, window=window, progress=progress, budget=budget, jobs=jobs,
                     worst_of=worst_of, protect=protect, simulate_runs=simulate_runs)
    if note is not None:
        result.notes.insert(0, note)
    return result
