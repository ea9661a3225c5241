"""What-ifs: a scenario with some of its values changed, validated as a file would be.

:func:`replace` takes changes by dotted path, in the grammar of
:mod:`supplyline.scenario.paths` that the sweep's ``--vary`` reads too
(``"modes.porter.payload_kg"``; list elements by id, by index ``[N]``, or all of them
``[*]``), and validates the changed scenario as the loader validates a file: every problem
comes back as a :class:`~supplyline.errors.ScenarioError` naming the field, exactly as for a
file. :func:`first_days` cuts the horizon, for ``plan --days`` and ``sl.plan(days=...)``
alike; :func:`with_step_days` sets the planning step of a scenario (``--step-days`` of
commands that hand the scenario on, such as ``sweep``) and :func:`with_daily_days` the days
planned day by day before the steps (``resilience --daily-days``).

>>> import supplyline as sl
>>> sc = sl.load("tutorial")
>>> sc.replace({"modes.porter.payload_kg": 30}).modes[0].payload_kg
30.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml
from pydantic import BaseModel

from supplyline.errors import Problem, ScenarioError, not_whole
from supplyline.scenario._yaml_lines import Locations
from supplyline.scenario.paths import PathError, document, element_labels, parse_path, set_value

if TYPE_CHECKING:
    from supplyline.scenario.schema import Scenario

__all__ = ["WHAT_IF", "check", "document", "first_days", "replace", "with_daily_days",
           "with_step_days"]

#: The "file" named in the problems of a what-if.
WHAT_IF = "what-if"


def _plain(value: Any) -> Any:
    """``value`` in the types a scenario file holds, within lists and mappings too: a
    schema object written out, a tuple or a NumPy array as a list, a NumPy number as a
    number, and a moment at midnight (pandas' ``Timestamp``, NumPy's ``datetime64``,
    ``datetime``) as its date."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="python", by_alias=True, exclude_unset=True)
    if isinstance(value, dict):
        return {key: _plain(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.datetime64):
        value = value.astype("datetime64[us]").item()  # (a datetime, or None for NaT)
    elif isinstance(value, np.generic) or (isinstance(value, np.ndarray) and value.ndim == 0):
        value = value.item()  # a NumPy number
    elif isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]  # a NumPy array, as the list it holds
    try:  # (pandas' NaT is a datetime that has no time: left for the check to refuse)
        midnight = isinstance(value, dt.datetime) and value.tzinfo is None and \
            value.time() == dt.time(0)
    except ValueError:
        return value
    if midnight:
        return dt.date(value.year, value.month, value.day)  # (pandas' Timestamp is one)
    return value


def _unwritable(path: str, value: Any) -> tuple[str, Any] | None:
    """The first place within ``value`` (its path) that no scenario file can hold, and
    what is there; None when a file can hold all of it."""
    if isinstance(value, dict):
        inner = ((f"{path}.{key}", v) for key, v in value.items())
    elif isinstance(value, list):
        inner = ((f"{path}[{i}]", v) for i, v in enumerate(value))
    else:
        try:
            yaml.safe_dump(value)
        except yaml.YAMLError:
            return path, value
        return None
    for where, v in inner:
        if (found := _unwritable(where, v)) is not None:
            return found
    return None


def _writable(path: str, value: Any) -> Any:
    """``value`` as a scenario file would hold it (:func:`_plain`); a ScenarioError naming
    the first place within it that no file could hold."""
    value = _plain(value)
    found = _unwritable(path, value)
    if found is not None:
        where, what = found
        raise ScenarioError([Problem(
            WHAT_IF, None, where, "a value a scenario file can hold (a number, text, a date, "
            "or a list or mapping of them)", f"{type(what).__name__} {what!r}")])
    return value


def replace(scenario: Scenario, changes: Mapping[str, Any]) -> Scenario:
    """The scenario with ``changes`` made, validated like a file.

    Parameters
    ----------
    scenario:
        The scenario to start from (it is not changed).
    changes:
        New values by dotted path (:mod:`supplyline.scenario.paths`): a section, then a
        field; list elements named by their id (``modes.porter.payload_kg``), by
        ``front:commodity`` for demand, by ``from--to`` for a route, by index
        (``routes[3].length_km``, or ``routes.3.length_km`` where no element is called
        ``3``), or all of them (``threats.air[0].windows[*].day_probability``). A value
        may be a whole section or element. Changes are made in order.

    Returns
    -------
    Scenario
        A new, validated scenario.

    Raises
    ------
    ScenarioError
        Every problem of the changed scenario, named by field (an element by its id, as a
        path names it), with ``what-if`` as the file;
        or every path that names nothing (with "did you mean" for a misspelt id).
    TypeError
        When ``changes`` is not a mapping with str keys.

    Examples
    --------
    >>> import supplyline as sl
    >>> sl.load("tutorial").replace({"modes.porter.payload_kg": -1})
    Traceback (most recent call last):
    ...
    supplyline.errors.ScenarioError: 1 problem in the scenario:
      - modes.porter.payload_kg: expected a number > 0 and <= 1e+07 (kg), got -1 (what-if)
    """
    if not isinstance(changes, Mapping) or not all(isinstance(k, str) for k in changes):
        raise TypeError(f"changes: expected a mapping of dotted paths (str) to new values, "
                        f"like {{'modes.porter.payload_kg': 30}}, got {type(changes).__name__}"
                        + (f" with a key {next(k for k in changes if not isinstance(k, str))!r}"
                           if isinstance(changes, Mapping) else ""))
    data = document(scenario)
    problems: list[Problem] = []
    for path, value in changes.items():
        try:
            set_value(data, parse_path(path), _writable(path, value))
        except PathError as error:
            problems.append(Problem(WHAT_IF, None, error.field, error.expected, error.got))
        except ScenarioError as error:
            problems += error.problems
    if problems:
        raise ScenarioError(problems)
    return _validated(data, compiled=False)


def first_days(scenario: Scenario, days: int | None) -> Scenario:
    """The scenario cut to its first ``days`` days (unchanged when None).

    Raises
    ------
    ValueError
        When ``days`` is not a whole number from 1 to the scenario's horizon.
    """
    if days is None:
        return scenario
    if not_whole(days, 1) or int(days) > scenario.days:
        raise ValueError(f"expected a whole number from 1 to {scenario.days} (the scenario's "
                         f"horizon), got {days!r}")
    return scenario.model_copy(
        update={"end_date": scenario.start_date + dt.timedelta(days=int(days) - 1)})


def check(scenario: Scenario) -> Scenario:
    """Check a scenario built or changed in Python (``Scenario.model_validate``,
    ``model_copy``) before it is compiled: the schema's rules and the cross-references that
    a model alone does not check (a route to a known place, unique ids, ...). What the
    planner leaves unused or short passes: dates outside the horizon (a plan of the first
    days, or one from a later day, leaves them), values without effect, fronts that nothing
    can reach.

    Returns the scenario as validated: what ``model_copy`` kept as given (a date as text,
    ``"2024-11-20"``, which the schema reads as a date) in the schema's own types.

    Raises
    ------
    TypeError
        When ``scenario`` is not a Scenario.
    ScenarioError
        Every problem, named by field, with ``what-if`` as the file.
    """
    from supplyline.scenario.schema import Scenario

    if not isinstance(scenario, Scenario):
        raise TypeError("scenario: expected a Scenario (sl.load(...)), got "
                        f"{type(scenario).__name__}")
    return _validated(document(scenario), compiled=True)


def _validated(data: dict[str, Any], *, compiled: bool) -> Scenario:
    """A what-if's data validated as a file's: the schema, the cross-references and, since
    every value is the caller's, numbers and true/false given as text ("30", which the
    schema's lax reading takes and a file may not hold; ``model_copy`` kept it as text, and
    the network's arithmetic failed on it). ``compiled``: as :func:`check`, what the planner
    leaves unused passes."""
    from supplyline.scenario.load import quoted, validate_data

    # No lines to point at: an element is named by its id, as a path names it.
    named = Locations(labels=element_labels(data))
    checked, problems = validate_data(data, named, WHAT_IF, unused=False, compiled=compiled)
    problems += quoted(data, named, WHAT_IF, {p.field for p in problems}, anywhere=True)
    if checked is None or problems:
        raise ScenarioError(problems)
    return checked


def with_step_days(scenario: Scenario, step_days: int | None) -> Scenario:
    """The scenario planned in steps of ``step_days`` days (unchanged when None); in steps
    of one day, every day is planned day by day, so its ``daily_start_days`` goes.

    Raises
    ------
    ValueError
        When ``step_days`` is not a whole number from 1 to the horizon's days.
    """
    if step_days is None:
        return scenario
    if not_whole(step_days, 1):
        raise ValueError(f"expected a whole number of days ≥ 1, got {step_days!r}")
    if step_days > scenario.days:  # (as check says of policy.step_days)
        raise ValueError(f"expected at most {scenario.days} (the horizon is {scenario.days} "
                         f"days: more is never used), got {step_days!r}")
    # In steps of one day every day is planned day by day: no first days apart.
    daily = {"daily_start_days": 0} if step_days == 1 and scenario.policy.daily_start_days else {}
    policy = scenario.policy.model_copy(update={"step_days": int(step_days), **daily})
    return scenario.model_copy(update={"policy": policy})


def with_daily_days(scenario: Scenario, daily_days: int | None) -> Scenario:
    """The scenario planned day by day for its first ``daily_days`` days, then in its steps
    (unchanged when None; 0: in steps from the first day).

    Raises
    ------
    ValueError
        When ``daily_days`` is not a whole number ≥ 0, or is above 0 where the scenario's
        steps are of one day (every day is planned day by day already).
    """
    if daily_days is None:
        return scenario
    if isinstance(daily_days, bool) or not isinstance(daily_days, int) or daily_days < 0:
        raise ValueError(f"expected a whole number of days ≥ 0, got {daily_days!r}")
    if daily_days > 0 and scenario.policy.step_days == 1:
        raise ValueError(f"expected 0 where the steps are of one day, got {daily_days}: "
                         "every day is planned day by day already (give steps above 1 "
                         "day, or leave this out)")
    policy = scenario.policy.model_copy(update={"daily_start_days": daily_days})
    return scenario.model_copy(update={"policy": policy})
