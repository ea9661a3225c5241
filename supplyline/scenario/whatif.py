"""What-ifs: a scenario with some of its values changed, validated as a file would be.

:func:`replace` takes changes by dotted path (``"modes.porter.payload_kg"``; list items by
id or by index) and runs the changed scenario through the whole loader: every problem comes
back as a :class:`~supplyline.errors.ScenarioError` naming the field, exactly as for a file.
:func:`first_days` cuts the horizon, for ``plan --days`` and ``sl.plan(days=...)`` alike;
:func:`with_step_days` sets the planning step of a scenario (``--step-days`` of commands that
hand the scenario on, such as ``sweep``).

>>> import supplyline as sl
>>> sc = sl.load("tutorial")
>>> sc.replace({"modes.porter.payload_kg": 30}).modes[0].payload_kg
30.0
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel

from supplyline.errors import Problem, ScenarioError

if TYPE_CHECKING:
    from supplyline.scenario.schema import Scenario

__all__ = ["WHAT_IF", "document", "first_days", "replace", "with_step_days"]

#: The "file" named in the problems of a what-if.
WHAT_IF = "what-if"


def _keys(item: Any) -> list[str]:
    """How a list item may be named in a path: its id, name, or front and commodity."""
    if not isinstance(item, dict):
        return []
    keys = [str(item[key]) for key in ("id", "name") if isinstance(item.get(key), str)]
    if "front" in item and "commodity" in item:
        keys.append(f"{item['front']}:{item['commodity']}")
    if "from" in item and "to" in item:
        keys.append(f"{item['from']}--{item['to']}")
    return keys


def _step(node: Any, part: str, walked: str) -> tuple[Any, str | int]:
    """The key or index that ``part`` names in ``node`` (a ScenarioError when none)."""
    if isinstance(node, dict):
        return node, part
    if isinstance(node, list):
        if part.lstrip("-").isdigit():
            index = int(part)
            if -len(node) <= index < len(node):
                return node, index
            raise _unknown(walked, part, f"an index from 0 to {len(node) - 1}")
        names = {key: i for i, item in enumerate(node) for key in _keys(item)}
        if part in names:
            return node, names[part]
        close = difflib.get_close_matches(part, list(names), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise _unknown(walked, part, f"the id or index of an item{hint}")
    raise _unknown(walked, part, "a field of a section (this value has none)")


def _unknown(walked: str, part: str, expected: str) -> ScenarioError:
    where = f"{walked}.{part}" if walked else part
    return ScenarioError([Problem(WHAT_IF, None, where, expected, repr(part))])


def _set(document: dict[str, Any], path: str, value: Any) -> None:
    parts = path.replace("[", ".").replace("]", "").split(".")
    if not path or any(not part for part in parts):
        raise ScenarioError([Problem(WHAT_IF, None, path or "(path)",
                                     "a dotted path such as 'modes.porter.payload_kg'",
                                     repr(path))])
    node: Any = document
    walked = ""
    for part in parts[:-1]:
        container, key = _step(node, part, walked)
        if isinstance(container, dict) and key not in container:
            container[key] = {}
        node = container[key]
        walked = f"{walked}.{part}" if walked else part
    container, key = _step(node, parts[-1], walked)
    container[key] = value


def _writable(path: str, value: Any) -> Any:
    """``value`` as a scenario file would hold it (a section given as a schema object is
    written out); a ScenarioError naming ``path`` when no file could hold it."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="python", by_alias=True, exclude_unset=True)
    elif isinstance(value, tuple):
        value = list(value)
    elif hasattr(value, "item") and callable(value.item):  # a NumPy number
        value = value.item()
    try:
        yaml.safe_dump(value)
    except yaml.YAMLError:
        raise ScenarioError([Problem(
            WHAT_IF, None, path, "a value a scenario file can hold (a number, text, a date, "
            "or a list or mapping of them)", repr(value))]) from None
    return value


def document(scenario: Scenario) -> dict[str, Any]:
    """The scenario as the data of a scenario file: what was written (defaults left out),
    tables inline."""
    data: dict[str, Any] = scenario.model_dump(mode="python", by_alias=True,
                                               exclude_unset=True)
    return data


def replace(scenario: Scenario, changes: Mapping[str, Any]) -> Scenario:
    """The scenario with ``changes`` made, validated like a file.

    Parameters
    ----------
    scenario:
        The scenario to start from (it is not changed).
    changes:
        New values by dotted path: a section, then a field, list items named by their id
        (``modes.porter.payload_kg``), by ``front:commodity`` for demand, by ``from--to``
        for a route without an id, or by index (``routes.3.length_km`` or
        ``routes[3].length_km``). A value may be a whole section or item.

    Returns
    -------
    Scenario
        A new, validated scenario.

    Raises
    ------
    ScenarioError
        Every problem of the changed scenario, named by field, with ``what-if`` as the file;
        or a path that names nothing.

    Examples
    --------
    >>> import supplyline as sl
    >>> sl.load("tutorial").replace({"modes.porter.payload_kg": -1})  # doctest: +SKIP
    Traceback (most recent call last):
    supplyline.errors.ScenarioError: what-if: modes[0].payload_kg: expected a number > 0 ...
    """
    from supplyline.scenario.load import load_text

    data = document(scenario)
    for path, value in changes.items():
        _set(data, path, _writable(path, value))
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    try:
        return load_text(text, WHAT_IF, max_file_bytes=None)
    except ScenarioError as error:
        raise ScenarioError([Problem(WHAT_IF, None, p.field, p.expected, p.got)
                             for p in error.problems]) from None


def first_days(scenario: Scenario, days: int | None) -> Scenario:
    """The scenario cut to its first ``days`` days (unchanged when None).

    Raises
    ------
    ValueError
        When ``days`` is not a whole number from 1 to the scenario's horizon.
    """
    if days is None:
        return scenario
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= scenario.days:
        raise ValueError(f"expected a whole number from 1 to {scenario.days} (the scenario's "
                         f"horizon), got {days!r}")
    return scenario.model_copy(
        update={"end_date": scenario.start_date + dt.timedelta(days=days - 1)})


def with_step_days(scenario: Scenario, step_days: int | None) -> Scenario:
    """The scenario planned in steps of ``step_days`` days (unchanged when None).

    Raises
    ------
    ValueError
        When ``step_days`` is not a whole number ≥ 1.
    """
    if step_days is None:
        return scenario
    if isinstance(step_days, bool) or not isinstance(step_days, int) or step_days < 1:
        raise ValueError(f"expected a whole number of days ≥ 1, got {step_days!r}")
    policy = scenario.policy.model_copy(update={"step_days": step_days})
    return scenario.model_copy(update={"policy": policy})
