"""Resilience: which routes and places everything hangs on, the worst cuts an adversary can
make, and where protection pays (see docs/resilience.md).

>>> import supplyline as sl
>>> from supplyline.resilience import resilience
>>> res = resilience(sl.load("tutorial"), k=2)
>>> res.ranking[0].ids
('bridge',)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from supplyline.errors import not_whole
from supplyline.network import Network
from supplyline.resilience.analysis import (
    ANALYSIS_MAX_COLUMNS,
    COARSE_STEP_DAYS,
    EXACT_MAX_K,
    Resilience,
    WorstSet,
    analyse,
    analysis_grid,
)
from supplyline.resilience.cuts import Impact
from supplyline.scenario.schema import Scenario
from supplyline.scenario.whatif import with_daily_days, with_step_days

__all__ = ["ANALYSIS_MAX_COLUMNS", "COARSE_STEP_DAYS", "EXACT_MAX_K", "Impact", "Resilience",
           "WorstSet", "analysis_grid", "resilience"]

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
    a large scenario is otherwise analysed in 14-day steps, and the result's notes say so).
    ``window`` may also be given as two dates (or ISO dates, YYYY-MM-DD).

    Raises
    ------
    TypeError
        When ``scenario`` is neither a Scenario nor a Network.
    ValueError
        When a number is out of its range (``k`` ≥ 1; ``budget``, ``simulate_runs`` ≥ 0;
        ``jobs`` ≥ 1; whole numbers), or the window or the grid cannot be made; the
        message names the argument, as the command line's options are named."""
    if not isinstance(scenario, Scenario | Network):
        raise TypeError("scenario: expected a Scenario (sl.load(...)) or a compiled Network, "
                        f"got {type(scenario).__name__}")
    for name, value, least in (("k", k, 1), ("budget", budget, 0), ("jobs", jobs, 1),
                               ("simulate_runs", simulate_runs, 0)):
        if not_whole(value, least):
            raise ValueError(f"{name}: expected a whole number ≥ {least}, got {value!r}")
    note = None
    if isinstance(scenario, Network):
        net = scenario
    else:
        try:
            stepped = with_step_days(scenario, step_days)
        except ValueError as error:
            raise ValueError(f"step_days: {error}") from None
        try:
            with_daily_days(stepped, daily_days)
        except ValueError as error:
            raise ValueError(f"daily_days: {error}") from None
        net, note = analysis_grid(scenario, step_days, daily_days)
    result = analyse(net, k=k, window=_days_of(net, window), progress=progress,
                     budget=budget, jobs=jobs, worst_of=worst_of, protect=protect,
                     simulate_runs=simulate_runs)
    if note is not None:
        result.notes.insert(0, note)
    return result


def _days_of(net: Network, window: object) -> tuple[int, int] | None:
    """``window`` as inclusive day indices (0 the start), from indices or dates."""
    if window is None:
        return None
    expected = (f"window: expected (first, last) days from 0 to {net.days - 1}, or two "
                f"dates from {net.start_date} to "
                f"{net.start_date + dt.timedelta(days=net.days - 1)}, got {window!r}")
    if not isinstance(window, tuple | list) or len(window) != 2:
        raise ValueError(expected)
    try:
        dates = [dt.date.fromisoformat(d) if isinstance(d, str) else d for d in window]
    except ValueError:
        raise ValueError(expected) from None
    days = [(d - net.start_date).days if isinstance(d, dt.date) else d for d in dates]
    if any(not_whole(d, 0) for d in days) or not days[0] <= days[1] < net.days:
        raise ValueError(expected)
    return int(days[0]), int(days[1])
