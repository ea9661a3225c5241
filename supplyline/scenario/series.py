"""Day series over the horizon: constants and step functions as arrays, one value per day.

The planner, the simulator and ``supplyline show`` all expand series with these functions, so
they agree on what a scenario says day by day.

A series is a number (the same every day) or a list of steps ``{start, value}``: each step's
value holds from its start date until the next step. Before the first step the series is 0;
a step dated before ``start_date`` holds from day 0.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from supplyline.scenario.schema import DaySeries, Demand, Scenario

__all__ = ["day_window", "demand_kg_per_day", "series_over_horizon"]

FloatArray = npt.NDArray[np.float64]


def series_over_horizon(series: DaySeries, scenario: Scenario) -> FloatArray:
    """The value of a day series on each day of the horizon.

    Parameters
    ----------
    series:
        A number, or steps ``{start, value}`` sorted by start.
    scenario:
        Gives the horizon (``start_date`` is day 0).

    Returns
    -------
    numpy.ndarray
        ``float64`` array of length ``scenario.days``.

    Examples
    --------
    A step from the third day on, over a five-day horizon:

    >>> import datetime as dt
    >>> from supplyline.scenario.schema import DaySeriesStep
    >>> sc = _example_scenario(days=5)
    >>> steps = [DaySeriesStep(start=sc.start_date, value=2),
    ...          DaySeriesStep(start=sc.start_date + dt.timedelta(days=2), value=5)]
    >>> series_over_horizon(steps, sc).tolist()
    [2.0, 2.0, 5.0, 5.0, 5.0]
    """
    days = scenario.days
    if not isinstance(series, list):
        return np.full(days, float(series), dtype=np.float64)
    values = np.zeros(days, dtype=np.float64)
    for step in sorted(series, key=lambda step: step.start):
        first = max(0, scenario.day_index(step.start))
        if first < days:
            values[first:] = step.value
    return values


def day_window(first: int, last: int, days: int) -> npt.NDArray[np.bool_]:
    """Mask of the days ``first`` to ``last`` (inclusive) within ``range(days)``."""
    day = np.arange(days)
    return (day >= first) & (day <= last)


def demand_kg_per_day(demand: Demand, scenario: Scenario) -> FloatArray:
    """What one demand asks for on each day of the horizon, in kg.

    ``kg_per_day`` as given, or ``troops × ration_kg_per_person_day``; zero before the
    demand's ``start`` and after its ``end``.

    Parameters
    ----------
    demand:
        One entry of ``scenario.demand``.
    scenario:
        Gives the horizon.

    Returns
    -------
    numpy.ndarray
        ``float64`` array of length ``scenario.days``.

    Examples
    --------
    >>> from supplyline.scenario.schema import Demand
    >>> sc = _example_scenario(days=4)
    >>> d = Demand(front="front", commodity="rice", troops=100, ration_kg_per_person_day=0.8)
    >>> demand_kg_per_day(d, sc).tolist()
    [80.0, 80.0, 80.0, 80.0]
    """
    if demand.kg_per_day is not None:
        per_day = series_over_horizon(demand.kg_per_day, scenario)
    else:
        troops = series_over_horizon(demand.troops if demand.troops is not None else 0.0,
                                     scenario)
        per_day = troops * (demand.ration_kg_per_person_day or 0.0)
    first = scenario.day_index(demand.start) if demand.start is not None else 0
    last = scenario.day_index(demand.end) if demand.end is not None else scenario.days - 1
    return np.where(day_window(first, last, scenario.days), per_day, 0.0)


def _example_scenario(days: int) -> Scenario:
    """A minimal valid scenario of ``days`` days, for the examples above."""
    import datetime as dt

    start = dt.date(1954, 3, 1)
    return Scenario.model_validate({
        "name": "example", "title": "Example",
        "start_date": start, "end_date": start + dt.timedelta(days=days - 1),
        "commodities": [{"id": "rice"}],
        "modes": [{"id": "porter", "payload_kg": 25, "speed_loaded_km_per_day": 20,
                   "speed_empty_km_per_day": 25, "crew_per_unit": 1}],
        "places": [{"id": "village", "kind": "locality", "lat": 21.5, "lon": 103.4},
                   {"id": "front", "kind": "front", "lat": 21.4, "lon": 103.0}],
        "routes": [{"from": "village", "to": "front", "length_km": 40, "modes": ["porter"]}],
        "demand": [{"front": "front", "commodity": "rice", "kg_per_day": 100}],
    })
