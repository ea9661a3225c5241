"""Dotted paths to a scenario's values: one grammar, read by ``Scenario.replace`` and by the
sweep's ``--vary``.

A path names values as the scenario file writes them:

- mapping keys joined by dots: ``policy.step_days``, ``places.high-village.stock_kg.rice``;
- in a list, an element by what names it: its ``id`` (``modes.porter``), its ``name``
  (``replays.pledged``), ``FROM--TO`` for a route (with or without an id), ``FRONT:COMMODITY``
  for a demand; a whole number that names no element is its index (``routes.3``);
- ``[N]`` after a key: the element at index N (``threats.air[0]``); ``[*]``: every element
  (``threats.air[0].windows[*].day_probability`` names each window's probability); any other
  name in brackets is read as after a dot (``routes[ridge-road]`` is ``routes.ridge-road``).

The last key may be a field the file leaves at its default (the schema then says whether the
scenario has such a field), and a section the file leaves out is added where a key follows
it (``costs.wage_per_person_day``). A path that names nothing is a :class:`PathError` with the
part of the path that failed, what was expected there and what was found; the callers put it
in their own words of place (``what-if``, or the ``--vary`` option).

>>> import supplyline as sl
>>> data = document(sl.load("tutorial"))
>>> set_value(data, parse_path("threats.air[0].windows[*].day_probability"), 0.5)
[('threats', 'air', 0, 'windows', 0, 'day_probability')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from supplyline.errors import SupplylineError
from supplyline.scenario._yaml_lines import Locations, shown
from supplyline.scenario._yaml_lines import Path as DataPath
from supplyline.text import did_you_mean

if TYPE_CHECKING:
    from pydantic import BaseModel

    from supplyline.scenario.schema import Scenario

__all__ = [
    "PATH_GRAMMAR",
    "PathError",
    "Step",
    "assign",
    "document",
    "element_labels",
    "element_names",
    "parse_path",
    "resolve",
    "set_value",
    "written",
]

#: What a path looks like, for the message of a path that cannot be read.
PATH_GRAMMAR = ("a dotted path: keys joined by dots, a list element by its id, [N] or [*] "
                "(e.g. threats.air[0].windows[*].day_probability)")

#: Most element names listed in the message of an id that names nothing.
_LISTED = 12

_NAME = re.compile(r"[^.\[\]=]+")
_BRACKET = re.compile(r"\[([^.\[\]=]+)\]")


@dataclass(frozen=True)
class Step:
    """One step of a path: a mapping key (or, in a list, the name of an element), an index
    ``[N]``, or every element ``[*]``; ``bracketed`` when a key was written ``[KEY]``."""

    key: str | None = None
    index: int | None = None
    every: bool = False
    bracketed: bool = False

    def __str__(self) -> str:
        if self.every:
            return "[*]"
        if self.index is not None:
            return f"[{self.index}]"
        return f"[{self.key}]" if self.bracketed else f".{self.key}"


class PathError(SupplylineError):
    """A path that cannot be read, or that names nothing in the scenario.

    Attributes
    ----------
    field:
        The path as written, up to the step that failed (``modes.portr``), or ``(path)``
        when the path cannot be read at all.
    expected:
        What was expected there.
    got:
        What was found.
    """

    def __init__(self, field: str, expected: str, got: str) -> None:
        super().__init__(f"{field}: expected {expected}, got {got}")
        self.field = field
        self.expected = expected
        self.got = got


def parse_path(text: str) -> tuple[Step, ...]:
    """The steps of a path (see the module's description).

    Raises
    ------
    PathError
        When ``text`` is not keys joined by dots, each followed by any ``[N]`` or ``[*]``.

    Examples
    --------
    >>> [str(step) for step in parse_path("threats.air[0].windows[*].start")]
    ['.threats', '.air', '[0]', '.windows', '[*]', '.start']
    """
    steps: list[Step] = []
    for part in text.split("."):
        name = _NAME.match(part)
        if name is None or not name.group(0).strip():
            raise PathError("(path)", PATH_GRAMMAR, shown(text))
        steps.append(Step(key=name.group(0).strip()))
        rest = part[name.end():]
        while rest:
            bracket = _BRACKET.match(rest)
            if bracket is None:
                raise PathError("(path)", PATH_GRAMMAR, shown(text))
            inner = bracket.group(1).strip()
            if inner == "*":
                steps.append(Step(every=True))
            elif inner.isascii() and inner.isdigit():
                steps.append(Step(index=int(inner)))
            elif inner:
                steps.append(Step(key=inner, bracketed=True))
            else:
                raise PathError("(path)", PATH_GRAMMAR, shown(text))
            rest = rest[bracket.end():]
    return tuple(steps)


def written(steps: tuple[Step, ...] | list[Step]) -> str:
    """The steps as a path is written (``threats.air[0].windows[*]``)."""
    return "".join(str(step) for step in steps).lstrip(".")


def element_names(item: Any) -> list[str]:
    """What names a list element in a path: its id, its name, ``FROM--TO`` for a route and
    ``FRONT:COMMODITY`` for a demand (the first is the one shown)."""
    if not isinstance(item, dict):
        return []
    names = [item[key] for key in ("id", "name") if isinstance(item.get(key), str)]
    if isinstance(item.get("from"), str) and isinstance(item.get("to"), str):
        names.append(f"{item['from']}--{item['to']}")
    if isinstance(item.get("front"), str) and isinstance(item.get("commodity"), str):
        names.append(f"{item['front']}:{item['commodity']}")
    return names


def element_labels(data: Any) -> dict[DataPath, str]:
    """The name by which a path reaches each list element of ``data`` that has one: its id,
    else ``FROM--TO`` or ``FRONT:COMMODITY``, else its name (``("modes", 0)`` is
    ``modes.porter``), where that name reaches it alone. For messages about data with no
    lines to point at (a what-if): ``modes.porter.payload_kg``, not ``modes[0].payload_kg``."""
    labels: dict[DataPath, str] = {}

    def walk(node: Any, path: DataPath, name: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*path, key), f"{name}.{key}" if name else str(key))
        elif isinstance(node, list):
            names = [element_names(item) for item in node]
            counts: dict[str, int] = {}
            for name_list in names:
                for each in set(name_list):
                    counts[each] = counts.get(each, 0) + 1
            for i, (item, name_list) in enumerate(zip(node, names, strict=True)):
                display = item.get("name") if isinstance(item, dict) else None
                usable = [each for each in name_list if counts[each] == 1
                          and _NAME.fullmatch(each) and not (each.isascii() and each.isdigit())]
                usable.sort(key=lambda each: each == display)  # a display name last
                label = f"{name}.{usable[0]}" if usable else f"{name}[{i}]"
                if usable:
                    labels[(*path, i)] = label
                walk(item, (*path, i), label)

    walk(data, (), "")
    return labels


def _element(node: list[Any], key: str, where: str, so_far: str) -> int:
    """The index of the element of ``node`` that ``key`` names (a name, else an index)."""
    if not node:
        return _index(node, 0, where, so_far)
    named: dict[str, int] = {}
    for i, item in enumerate(node):
        for name in element_names(item):
            named.setdefault(name, i)
    if key in named:
        return named[key]
    if key.isascii() and key.isdigit():
        return _index(node, int(key), where, so_far)
    shown_names = [names[0] for names in map(element_names, node) if names]
    if not shown_names:
        raise PathError(so_far, f"an index [N] or [*] ({where} is a list)", shown(key))
    listed = ", ".join(shown_names[:_LISTED]) + (", ..." if len(shown_names) > _LISTED else "")
    hint = did_you_mean(key, named)
    raise PathError(so_far, f"the id of an element of {where} ({listed}){hint}", shown(key))


def _index(node: list[Any], index: int, where: str, so_far: str) -> int:
    if not node:
        raise PathError(so_far, f"elements in {where}", "an empty list")
    if index >= len(node):
        raise PathError(so_far, f"an index below {len(node)} ({where} has {len(node)})",
                        str(index))
    return index


def resolve(data: Any, steps: tuple[Step, ...]) -> list[DataPath]:
    """The places in ``data`` that ``steps`` name: one, or several with ``[*]``.

    A section the data leaves out is added to ``data`` (as an empty mapping) where a key
    follows it; the last key may be one the data does not have.

    Raises
    ------
    PathError
        When a step names nothing: an unknown id, an index past the end, a key under a value
        that is not a section, an index under one that is not a list.
    """
    nodes: list[tuple[DataPath, Any]] = [((), data)]
    named = Locations(labels=element_labels(data))
    for number, step in enumerate(steps):
        last = number == len(steps) - 1
        so_far = written(steps[: number + 1])
        following: list[tuple[DataPath, Any]] = []
        for path, node in nodes:
            # (a list element by its id, as the path names it: modes.porter.payload_kg)
            where = named.field_name(path) if path else "the scenario"
            if isinstance(node, dict) and step.key is not None:
                if step.key in node or last:
                    following.append(((*path, step.key), node.get(step.key)))
                elif steps[number + 1].key is not None:
                    node[step.key] = {}  # a section left out; the schema checks the key
                    following.append(((*path, step.key), node[step.key]))
                else:
                    raise PathError(so_far, f"a list at {step.key} in {where}",
                                    "nothing there")
            elif isinstance(node, list) and step.every:
                if not node:
                    raise PathError(so_far, f"elements in {where}", "an empty list")
                following += [((*path, i), item) for i, item in enumerate(node)]
            elif isinstance(node, list) and step.index is not None:
                i = _index(node, step.index, where, so_far)
                following.append(((*path, i), node[i]))
            elif isinstance(node, list) and step.key is not None:
                i = _element(node, step.key, where, so_far)
                following.append(((*path, i), node[i]))
            else:
                found = "a list" if isinstance(node, list) else (
                    "a section" if isinstance(node, dict) else f"the value {shown(node)}")
                wanted = "a section" if step.key is not None else "a list"
                raise PathError(so_far, f"{wanted} at {where}", found)
        nodes = following
    return [path for path, _ in nodes]


def assign(data: Any, path: DataPath, value: Any) -> None:
    """Set the value at ``path`` (from :func:`resolve`) in ``data``."""
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def set_value(data: Any, steps: tuple[Step, ...], value: Any) -> list[DataPath]:
    """Set every value ``steps`` name in ``data`` to ``value``; the places set.

    Raises
    ------
    PathError
        When the path names nothing (``data`` may then have gained an empty section).
    """
    places = resolve(data, steps)
    for place in places:
        assign(data, place, value)
    return places


def document(scenario: Scenario) -> dict[str, Any]:
    """The scenario as the data of a scenario file: what was written, and what was changed
    in place since (a closure appended to a route's default list, which pydantic does not
    count as set); defaults left out; tables inline. Values are as they are held, a wrong
    type given through ``model_copy`` included: the check that reads this data says it."""
    return _written(scenario)


def _written(model: BaseModel) -> dict[str, Any]:
    """A model's fields that were set or differ from their default, by alias, nested models
    as mappings of their own such fields."""
    out: dict[str, Any] = {}
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if name in model.model_fields_set or value != info.get_default(
                call_default_factory=True):
            out[info.alias or name] = _data(value)
    return out


def _data(value: Any) -> Any:
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return _written(value)
    if isinstance(value, list | tuple):
        return [_data(item) for item in value]
    if isinstance(value, dict):
        return {key: _data(item) for key, item in value.items()}
    return value
