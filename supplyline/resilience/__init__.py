"""Resilience: which routes and places everything hangs on, the worst cuts an adversary can
make, and where protection pays (see docs/resilience.md).

>>> import supplyline as sl
>>> from supplyline.resilience import resilience
>>> res = resilience(sl.load("tutorial"), k=2, step_days=3)  # in 3-day steps: a second
>>> res.ranking[0].ids
('bridge',)
"""

from __future__ import annotations

from collections.abc import Callable

from supplyline.errors import SimulationError, check_callback, not_whole
from supplyline.network import Network, compile_network
from supplyline.resilience.analysis import (
    ANALYSIS_MAX_COLUMNS,
    COARSE_STEP_DAYS,
    EXACT_MAX_K,
    OwnGrid,
    Resilience,
    WorstSet,
    analyse,
    analysis_grid,
)
from supplyline.resilience.bounds import (
    check_counts,
    check_daily_days,
    window_days,
    worst_of_acts,
)
from supplyline.resilience.cuts import Impact
from supplyline.resilience.protect import check_protect
from supplyline.scenario.schema import Scenario
from supplyline.scenario.whatif import check, with_daily_days, with_step_days
from supplyline.simulate import SEED, check_seed

__all__ = ["ANALYSIS_MAX_COLUMNS", "COARSE_STEP_DAYS", "EXACT_MAX_K", "Impact", "OwnGrid",
           "Resilience", "WorstSet", "analysis_grid", "resilience"]

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
    seed: int = SEED,
) -> Resilience:
    """Cut every route and place in turn (N-1), find the worst sets of 2..k cuts and, with a
    ``budget``, the routes and places to make safe against them. ``window``: inclusive day
    indices (0 the scenario's start) to cut on; the whole horizon when None. ``worst_of``:
    'routes' to look for the worst sets among the routes only. ``protect``: units of
    ``guards``, ``air`` defence and ``repair`` crews to place against the expected threats.
    ``simulate_runs``: Monte Carlo runs to re-check the uncut plan and the top cuts, drawn
    from ``seed`` (:data:`~supplyline.simulate.SEED` unless told, as the command line's
    ``--seed`` and every simulation's; another seed without runs is a ValueError, as
    ``--seed`` without ``--simulate`` is a usage error).
    ``step_days`` and ``daily_days`` choose the grid of a Scenario (:func:`analysis_grid`:
    a large scenario is otherwise analysed in 14-day steps, and the result's first notes say
    so and what its own grid must go short of whatever the plan does, beside the coarser
    uncut plan: ``own_grid``, an :class:`OwnGrid`).
    ``window`` may also be given as two dates (or ISO dates, YYYY-MM-DD).

    Raises
    ------
    TypeError
        When ``scenario`` is neither a Scenario nor a Network.
    ValueError
        When a count is out of its range (:data:`~supplyline.resilience.bounds.LIMITS`,
        as the command line's options), or the window or the grid cannot be made; the
        message names the argument."""
    if not isinstance(scenario, Scenario | Network):
        raise TypeError("scenario: expected a Scenario (sl.load(...)) or a compiled Network, "
                        f"got {type(scenario).__name__}")
    check_counts(k=k, budget=budget, jobs=jobs, simulate_runs=simulate_runs)
    try:
        check_seed(seed)
    except SimulationError:
        raise ValueError(f"seed: expected a whole number >= 0 or None, got {seed!r}") from None
    if simulate_runs == 0 and (not_whole(seed, 0) or int(seed) != SEED):
        # (it was ignored in silence, where the command line refuses --seed without --simulate)
        raise ValueError(f"seed: acts only with simulate_runs > 0, got simulate_runs=0 and "
                         f"seed={seed!r} (leave seed out, or give simulate_runs=...)")
    if worst_of != "all" and not worst_of_acts(k, budget):
        # (as the command line's --worst-of with --k 1 and no --budget: it did nothing)
        raise ValueError(f"worst_of: acts only on the worst sets (k >= 2) or the protection "
                         f"(budget > 0), got k=1 and budget=0 with worst_of={worst_of!r}")
    if protect is not None:
        check_protect(protect)
    check_callback("progress", progress, "(stage, done, total)")
    note = own = None
    if isinstance(scenario, Network):
        net = scenario
    else:
        scenario = check(scenario)  # (the days below are read in the schema's types)
        try:
            stepped = with_step_days(scenario, step_days)
        except ValueError as error:
            raise ValueError(f"step_days: {error}") from None
        try:
            with_daily_days(stepped, daily_days)
            check_daily_days(daily_days, scenario.days, step_days, "step_days=")
        except ValueError as error:
            raise ValueError(f"daily_days: {error}") from None
        net, note = analysis_grid(scenario, step_days, daily_days)
        own = None if note is None else compile_network(scenario)
    result = analyse(net, k=k, window=_days_of(net, window), progress=progress,
                     budget=budget, jobs=jobs, worst_of=worst_of, protect=protect,
                     simulate_runs=simulate_runs, seed=seed, own=own)
    if note is not None:
        result.notes.insert(0, note)
    return result



def _days_of(net: Network, window: object) -> tuple[int, int] | None:
    """``window`` as inclusive day indices (0 the start), from day numbers or dates."""
    if window is None:
        return None
    if not isinstance(window, tuple | list):
        raise ValueError(f"window: expected (first, last) days or dates, got {window!r}")
    try:
        return window_days(window, net.start_date, net.days, repr(window))
    except ValueError as error:
        raise ValueError(f"window: {error}") from None
