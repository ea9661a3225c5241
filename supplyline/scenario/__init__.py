"""The input: typed schema, loading and validation, built-in scenarios.

:func:`load` reads a scenario from a file or a built-in name and reports every problem at
once as a :class:`~supplyline.errors.ScenarioError`; :mod:`~supplyline.scenario.series`
expands day series over the horizon; :mod:`~supplyline.scenario.summary` gives the counts
and totals that ``supplyline show`` prints.
"""

from supplyline.scenario.load import (
    DEFAULT_SCENARIO,
    builtin_names,
    builtin_titles,
    load,
    load_text,
)
from supplyline.scenario.schema import Scenario
from supplyline.scenario.series import demand_kg_per_day, series_over_horizon

__all__ = [
    "DEFAULT_SCENARIO",
    "Scenario",
    "builtin_names",
    "builtin_titles",
    "demand_kg_per_day",
    "load",
    "load_text",
    "series_over_horizon",
]
