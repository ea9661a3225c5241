"""What resilience takes, checked once for the command line's options and the Python
function alike: the range of each count, the window of days to cut on, the days planned
day by day, and the size above which a scenario is analysed on a coarser grid. Light on
purpose: the command line reads its options' ranges and help from here."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from supplyline.errors import not_whole
from supplyline.simulate import MAX_RUNS

#: Each count's range, inclusive (the command line's ``--k``, ``--budget``, ``--jobs``,
#: ``--simulate``).
LIMITS: dict[str, tuple[int, int]] = {
    "k": (1, 6), "budget": (0, 5), "jobs": (1, 64), "simulate_runs": (0, MAX_RUNS)}

#: A scenario whose own grid gives a planning LP of more columns than this is analysed in
#: steps of :data:`COARSE_STEP_DAYS` days from its first day, unless a grid is asked for: N-1
#: solves the plan once per route and place. On the built-in scenario its own grid gives
#: 88,269 columns a solve (N-1 had not finished after 72 minutes on 2 cores at 84,759, before
#: trips within a step were bound to the units there), 14-day steps 20,092 (N-1 in 75 s;
#: docs/benchmarks.md).
ANALYSIS_MAX_COLUMNS = 25_000

COARSE_STEP_DAYS = 14


def worst_of_acts(k: int, budget: int) -> bool:
    """Whether what the worst sets may cut (``worst_of``) changes anything: only where worst
    sets are sought (k of 2 or more) or protection is (a budget)."""
    return k >= 2 or budget > 0


def check_counts(**counts: object) -> None:
    """Raise ``ValueError`` naming the first count of :data:`LIMITS` out of its range."""
    for name, value in counts.items():
        least, most = LIMITS[name]
        if not_whole(value, least) or int(value) > most:  # type: ignore[call-overload]
            raise ValueError(f"{name}: expected a whole number from {least} to {most}, got "
                             f"{value!r}")


#: What each end of a window must be (the start of the message when one is not).
EACH_END = "expected each end a date (YYYY-MM-DD) or a whole day number from the start"
_DATE_SHAPED = re.compile(r"\d{4}-\d{2}-\d{2}")


def window_days(ends: Sequence[object], start: dt.date, days: int, shown: str
                ) -> tuple[int, int]:
    """Two ends of a window, each a date, an ISO date or a day number from the start, as
    inclusive day indices (0 the start) within the horizon of ``days`` days; ``shown`` is
    how the window was written, for the message. ``ValueError`` says what is wrong."""
    if isinstance(ends, str) or len(ends) != 2:
        raise ValueError(f"expected START:END (dates like 1954-03-13 or day numbers), "
                         f"got {shown}")
    out: list[int] = []
    for end in ends:
        if isinstance(end, str):
            text = end.strip()
            try:
                end = int(text) if text.lstrip("-").isdigit() else dt.date.fromisoformat(text)
            except ValueError as error:
                # (a date of no such day says why: "day is out of range for month")
                why = f" ({error})" if _DATE_SHAPED.fullmatch(text) else ""
                raise ValueError(f"{EACH_END}, got {text!r}{why} in {shown}") from None
        if isinstance(end, dt.date) and not isinstance(end, dt.datetime):
            out.append((end - start).days)
        elif not not_whole(end, -(2**31)):
            out.append(int(end))  # type: ignore[call-overload]
        else:
            raise ValueError(f"{EACH_END}, got {end!r} in {shown}")
    first, last = out
    if not 0 <= first <= last < days:
        last_date = start + dt.timedelta(days=days - 1)
        raise ValueError(f"expected a window within the horizon ({start} to {last_date}, days "
                         f"0 to {days - 1}) with START not after END, got {shown}")
    return first, last


def parse_window(text: str, start: dt.date, days: int) -> tuple[int, int]:
    """``START:END`` as inclusive day indices (0 the scenario's start): each end an ISO date
    (1954-03-13) or a day number counted from the start (0..days-1). ``ValueError`` says what
    is wrong."""
    ends = text.split(":")
    if len(ends) != 2 or not all(e.strip() for e in ends):
        raise ValueError(f"expected START:END (dates like 1954-03-13 or day numbers), "
                         f"got {text!r}")
    return window_days(ends, start, days, repr(text))


def check_daily_days(daily_days: int | None, days: int, step_days: int | None = None,
                     steps_named: str = "step_days=") -> None:
    """``ValueError`` when more days are asked day by day than the horizon has, or, where
    steps of ``step_days`` days are asked for too (``steps_named``: as the caller names
    them), the whole horizon, so that the steps would never begin (the analysis ran day by
    day and said nothing of the steps asked for)."""
    if daily_days is None or not_whole(daily_days, 0):
        return
    if daily_days > days:
        raise ValueError(f"expected at most the horizon ({days} days), got {daily_days}")
    if (step_days is not None and not not_whole(step_days, 1) and step_days > 1
            and daily_days >= days):
        name = steps_named.rstrip("= ")
        raise ValueError(f"expected fewer days than the horizon ({days}) with "
                         f"{steps_named}{step_days}, whose steps begin after them, got "
                         f"{daily_days}: every day day by day (leave {name} out, or plan "
                         "fewer days day by day)")
