"""Plain-words descriptions of schema types, and the walk from a data path to its field.

Both validation messages ("expected a number > 0 (km)") and the generated scenario reference
read the schema through these functions, so the two always say the same thing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from supplyline.scenario.schema import PATTERN_WORDS, DaySeriesStep, NonzeroAtLeast, Scenario

Path = tuple[str | int, ...]

_BOUND_NAMES = ("gt", "ge", "lt", "le", "min_length", "max_length", "pattern")


@dataclass(frozen=True)
class Constraints:
    """The bounds a value must respect, gathered from ``Annotated`` metadata."""

    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    least: float | None = None  # a value other than 0 is at least this (NonzeroAtLeast)

    def allows_zero(self) -> bool:
        return self.least is not None and self.ge is not None and self.ge <= 0

    def nonzero(self) -> Constraints:
        """The bounds of a value other than 0: from ``least`` on, when there is one."""
        if self.least is None:
            return self
        return dataclasses.replace(self, gt=None, ge=self.least, least=None)


def constraints_of(metadata: typing.Iterable[Any]) -> Constraints:
    """Collect ``gt``, ``ge``, ... from pydantic/annotated-types metadata objects."""
    found: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, FieldInfo):
            found.update(vars(constraints_of(item.metadata)))
            found = {key: value for key, value in found.items() if value is not None}
            continue
        if isinstance(item, NonzeroAtLeast):
            found["least"] = item.least
            continue
        for name in _BOUND_NAMES:
            value = getattr(item, name, None)
            if value is not None:
                found[name] = value
    return Constraints(**found)


def split_annotated(annotation: Any) -> tuple[Any, list[Any]]:
    """``Annotated[float, Field(ge=0)]`` as ``(float, [FieldInfo(ge=0)])``."""
    metadata: list[Any] = []
    while typing.get_origin(annotation) is typing.Annotated:
        args = typing.get_args(annotation)
        annotation = args[0]
        metadata.extend(args[1:])
    return annotation, metadata


def is_union(annotation: Any) -> bool:
    """Whether ``annotation`` is ``A | B`` (``Optional`` included)."""
    return typing.get_origin(annotation) in (typing.Union, types.UnionType)


def union_members(annotation: Any) -> list[Any]:
    """The members of a union other than ``None``."""
    return [arg for arg in typing.get_args(annotation) if arg is not type(None)]


def without_none(annotation: Any) -> Any:
    """``X | None`` as ``X``; other annotations unchanged."""
    if is_union(annotation):
        members = union_members(annotation)
        if len(members) == 1:
            return members[0]
        if len(members) < len(typing.get_args(annotation)):
            return typing.Union[tuple(members)]  # noqa: UP007 (built from a runtime tuple)
    return annotation


def is_model(annotation: Any) -> bool:
    """Whether ``annotation`` is a schema class."""
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def number(value: float) -> str:
    """A bound as written by a person: 0 not 0.0."""
    return f"{value:g}"


def bounds_text(limits: Constraints) -> str:
    """`` > 0``, `` from 0 to 1``, or empty."""
    low = (">", limits.gt) if limits.gt is not None else (">=", limits.ge)
    high = ("<", limits.lt) if limits.lt is not None else ("<=", limits.le)
    if low[1] is not None and high[1] is not None:
        if low[0] == ">=" and high[0] == "<=":
            return f" from {number(low[1])} to {number(high[1])}"
        return f" {low[0]} {number(low[1])} and {high[0]} {number(high[1])}"
    for sign, value in (low, high):
        if value is not None:
            return f" {sign} {number(value)}"
    return ""


def describe(annotation: Any, metadata: typing.Iterable[Any] = (), *,
             resolution: bool = False) -> str:
    """What a value of this schema type looks like, in plain words.

    Parameters
    ----------
    annotation:
        A schema annotation (``float``, ``list[Route]``, ``Annotated[...]``, ...).
    metadata:
        Extra constraint objects that pydantic moved out of the annotation.
    resolution:
        Say the smallest value other than 0 (:class:`~supplyline.scenario.schema.
        NonzeroAtLeast`): ``"0, or a number from 1e-09 to 1"`` rather than ``"a number from
        0 to 1"``, for a value refused as too small to be told from 0.

    Returns
    -------
    str
        For example ``"a number from 0 to 1"`` or ``"a list of Route entries"``.
    """
    base, inner = split_annotated(annotation)
    limits = constraints_of([*metadata, *inner])
    origin = typing.get_origin(base)
    if is_union(base):
        members = union_members(base)
        if _is_day_series(members):
            first = describe(members[0], resolution=resolution)
            return f"{first}, or a list of steps (start, value)"
        return ", or ".join(describe(member, resolution=resolution) for member in members)
    if base is bool:
        return "true or false"
    if base is float:
        if resolution and limits.least is not None:
            zero = "0, or " if limits.allows_zero() else ""
            return f"{zero}a number" + bounds_text(limits.nonzero())
        return "a number" + bounds_text(limits)
    if base is int:
        return "a whole number" + bounds_text(limits)
    if base is str:
        if limits.pattern is not None:
            _, kind, written = PATTERN_WORDS[limits.pattern]
            longest = f"; at most {limits.max_length} characters" if limits.max_length else ""
            return f"{kind} ({written}{longest})"
        return "text"
    if base is dt.date:
        return "a date (YYYY-MM-DD)"
    if origin is Literal:
        return "one of " + ", ".join(repr(arg) for arg in typing.get_args(base))
    if origin is list:
        (item,) = typing.get_args(base)
        least = f" (at least {limits.min_length})" if limits.min_length else ""
        return f"a list of {_plural(item)}{least}"
    if origin is dict:
        _, value = typing.get_args(base)
        return f"a mapping of id: {describe(value)}"
    if is_model(base):
        return f"a mapping of {base.__name__} fields"
    return "a value"


def _plural(item: Any) -> str:
    base, metadata = split_annotated(item)
    if is_model(base):
        return f"{base.__name__} entries"
    if base is str:
        return "identifiers" if constraints_of(metadata).pattern else "names"
    return f"values, each {describe(item)}"


def _is_day_series(members: list[Any]) -> bool:
    if len(members) != 2:
        return False
    first, _ = split_annotated(members[0])
    return first is float and typing.get_args(members[1]) == (DaySeriesStep,)


def fields_by_key(model: type[BaseModel]) -> dict[str, tuple[str, FieldInfo]]:
    """A model's fields by the key a user writes (the alias when there is one)."""
    table: dict[str, tuple[str, FieldInfo]] = {}
    for name, info in model.model_fields.items():
        table[info.alias or name] = (name, info)
    return table


def unit_of(info: FieldInfo) -> str:
    """The unit recorded on a schema field, or ``""``."""
    extra = info.json_schema_extra
    if isinstance(extra, dict):
        unit = extra.get("unit", "")
        return unit if isinstance(unit, str) else ""
    return ""


@dataclass
class Target:
    """What the schema says about the value at a path.

    Attributes
    ----------
    path:
        The path with pydantic's union branch names taken out.
    annotation, metadata:
        The type expected there, and constraints kept beside it.
    unit:
        Unit of the nearest field on the way that has one.
    owner:
        The schema class holding the value (for an unknown key: the class it was written in).
    branches:
        ``(path, branch)`` for each union branch pydantic named on the way.
    """

    path: Path
    annotation: Any
    metadata: list[Any] = field(default_factory=list)
    unit: str = ""
    owner: type[BaseModel] | None = None
    branches: list[tuple[Path, str]] = field(default_factory=list)


def target_at(loc: tuple[str | int, ...], root: type[BaseModel] = Scenario) -> Target | None:
    """Walk the schema along a pydantic ``loc`` (or a data path).

    Returns ``None`` when the path leaves the schema (an unknown key); the longest prefix
    that stays inside it still resolves.
    """
    target = Target(path=(), annotation=root)
    index = 0
    while index < len(loc):
        part = loc[index]
        base, metadata = split_annotated(target.annotation)
        if is_union(base):
            members = union_members(base)
            if len(members) == 1:
                target.annotation = members[0]
                target.metadata += metadata
                continue
            wants_list = part.startswith("list") if isinstance(part, str) else True
            chosen = [m for m in members if (typing.get_origin(m) is list) == wants_list]
            if not chosen:
                return None
            target.annotation = chosen[0]
            if isinstance(part, str) and not _is_key_of(chosen[0], part):
                target.branches.append((target.path, part))
                index += 1
            continue
        if is_model(base):
            if not isinstance(part, str):
                return None
            entry = fields_by_key(base).get(part)
            if entry is None:
                return None
            _, info = entry
            target.owner = base
            target.annotation = info.annotation
            target.metadata = list(info.metadata)
            target.unit = unit_of(info) or target.unit
        elif typing.get_origin(base) is list and isinstance(part, int):
            (target.annotation,) = typing.get_args(base)
            target.metadata = []
        elif typing.get_origin(base) is dict and isinstance(part, str):
            target.annotation = typing.get_args(base)[1]
            target.metadata = []
        else:
            return None
        target.path = (*target.path, part)
        index += 1
    return target


def _is_key_of(annotation: Any, part: str) -> bool:
    base, _ = split_annotated(annotation)
    return is_model(base) and part in fields_by_key(base)
