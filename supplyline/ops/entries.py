"""The kinds of entry in the council's books, validated with pydantic and then against the
scenario (places, goods, modes and routes exist and fit, dates inside the horizon).

An entry is a fact on a date: a pledge, a contribution received, labour registered, a
convoy dispatched, a receipt (what arrived, what was lost and why), wounded evacuated, a
route report; or the cancellation of an entry written by mistake. Each kind says whose
books it belongs to (:func:`place_of`): the locality for pledges, contributions and labour,
the sending place for a dispatch, the receiving place for a receipt, the cancelled entry's
for a cancellation.

What the books record is what the clerks report, even where the scenario's figures say it
cannot be: such an entry is written, with an :class:`EntryWarning` saying what the scenario
says and what was written (:func:`given_beyond`, :func:`labour_beyond`,
:func:`wounded_beyond`, :func:`over_closed_route`, :func:`carries_nothing`).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import sys
import typing
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, TypeAdapter
from pydantic_core import PydanticCustomError

from supplyline.accounting import Legs, _closed_during, legs_of
from supplyline.errors import SupplylineError
from supplyline.hazards import damage_days_left
from supplyline.network import Network, compile_network, giveable_kg, labour_pool
from supplyline.scenario._yaml_lines import shown
from supplyline.scenario.schema import Date, NotTrueOrFalse, Route, Scenario
from supplyline.scenario.series import series_over_horizon
from supplyline.text import REFUSED, closest
from supplyline.units import words_and

__all__ = [
    "KINDS",
    "Cancel",
    "Contribution",
    "Dispatch",
    "Entry",
    "EntryError",
    "EntryWarning",
    "Labour",
    "Loss",
    "Pledge",
    "Receipt",
    "RouteReport",
    "Trip",
    "UnitLoss",
    "Wounded",
    "as_counted",
    "body_loc",
    "carries_nothing",
    "check_entry",
    "closed_spans",
    "closed_under_convoys",
    "entry_problems",
    "given_beyond",
    "ids_listed",
    "labour_beyond",
    "outside_horizon",
    "over_closed_route",
    "parse_entry",
    "partial_entry",
    "pledged_beyond",
    "received_too_soon",
    "report_without_effect",
    "route_closed",
    "routes_by_ends",
    "said",
    "scenario_problems",
    "units_of",
    "wounded_beyond",
]


@dataclass(frozen=True)
class _JsonNumber(NotTrueOrFalse):
    """A number field of an entry: neither true nor false nor text (``"kg": "5"`` was
    written as 5 kg, though a value of the wrong type is to be refused, as in a scenario)."""

    def check(self, value: Any) -> Any:
        if isinstance(value, str):
            raise PydanticCustomError("number_type", "a number, written without quotes")
        return super().check(value)


#: Marks every number field of an entry (see :class:`_JsonNumber`).
Number = _JsonNumber()

Kg = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False), Number]
PositiveKg = Annotated[float, Field(gt=0, le=1e12, allow_inf_nan=False), Number]


def as_counted(units: float) -> int | float:
    """Carriers as the books answer them: a whole number as an integer (``20``, not
    ``20.0``); books written before carriers were counted whole may hold ``2.5``."""
    return int(units) if units == round(units) else units


#: Carriers of an entry (a convoy's, those it lost), answered as :func:`as_counted` says.
Units = Annotated[float, Field(gt=0, le=1e9, allow_inf_nan=False), Number,
                  PlainSerializer(as_counted)]


Note = Annotated[str, Field(max_length=2000)]
Ident = Annotated[str, Field(min_length=1, max_length=200)]
EntryId = Annotated[int, Field(ge=1, le=2**62), Number]


class EntryError(SupplylineError):
    """An entry that cannot be written: ``field`` is where (dotted path in the entry),
    ``message`` what was expected and what was found. Nothing was written."""

    def __init__(self, field: str, message: str, status: int = 422,
                 more: Sequence[tuple[str, str]] = ()) -> None:
        self.problems: list[tuple[str, str]] = [(field, message), *more]
        super().__init__("; ".join(f"{f}: {m}" for f, m in self.problems))
        self.field = field
        self.message = message
        self.status = status

    @classmethod
    def of(cls, errors: Sequence[EntryError]) -> EntryError:
        """One error that says every problem of ``errors`` (the status of the first)."""
        problems = [problem for error in errors for problem in error.problems]
        return cls(*problems[0], errors[0].status, problems[1:])

    def at(self, prefix: str) -> EntryError:
        """The same problems, at ``prefix`` (an entry's position in a batch: ``3.``)."""
        problems = [(prefix + f, m) for f, m in self.problems]
        return EntryError(*problems[0], self.status, problems[1:])


@dataclass(frozen=True)
class EntryWarning:
    """What the scenario says against an entry that was written all the same (the books
    record what the clerks report; the scenario's figures may be wrong): ``field`` is where
    (dotted path in the entry, as an :class:`EntryError`'s), ``message`` what the scenario
    says and what was written, ``type`` ``beyond_scenario`` (more than the scenario says
    there is), ``route_closed`` (a convoy over a route closed that day, or a report that
    closes a route on days convoys went over it), ``no_effect`` (a route report the books
    count nothing from: a reopening of a route not closed, a repair of one not damaged),
    ``no_cargo`` (a convoy that carries nothing) or ``service_over`` (a convoy of carriers
    on its way past the service days registered for them)."""

    field: str
    message: str
    type: Literal["beyond_scenario", "route_closed", "no_effect", "no_cargo", "service_over"]

    def at(self, prefix: str) -> EntryWarning:
        """The warning of an entry at ``prefix`` in a batch (``3.``)."""
        return EntryWarning(prefix + self.field, self.message, self.type)

    def to_record(self) -> dict[str, str]:
        """As the books keep it with its entry (the fields by name)."""
        return {"field": self.field, "message": self.message, "type": self.type}

    def to_json(self) -> dict[str, Any]:
        """As the API says an error (``loc`` in the request's body, ``msg``, ``type``)."""
        return {"loc": body_loc(self.field), "msg": self.message, "type": self.type}


def body_loc(field: str) -> list[str | int]:
    """A dotted field of an entry (``3.losses.0.good``) as a ``loc`` in a request's body,
    positions as numbers (as pydantic gives them): ``["body", 3, "losses", 0, "good"]``."""
    parts = [part for part in field.split(".") if part]
    return ["body", *(int(part) if _position(parts, i) else part for i, part in enumerate(parts))]


def _position(parts: list[str], i: int) -> bool:
    """Whether ``parts[i]`` is a position in a list (an entry's in a batch, first; or in a
    list field of an entry, as a receipt's ``losses``), not a name (a good may be called
    ``2024``)."""
    listed = i == 0 or parts[i - 1] in _LIST_FIELDS
    return listed and parts[i].isascii() and parts[i].isdigit()


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    date: Date = Field(description="the day it happened")
    note: Note = Field("", description="free text kept with the entry")
    corrects: EntryId | None = Field(
        None, description="id of the entry this one corrects (replaces)")


class Pledge(_Entry):
    """What a locality promised to give."""

    kind: Literal["pledge"] = "pledge"
    locality: Ident
    good: Ident
    kg: PositiveKg
    by: Date = Field(description="the day it is promised by")


class Contribution(_Entry):
    """What a locality gave, received at ``at`` (a depot or other place, or the locality
    itself when the goods wait there to be carried)."""

    kind: Literal["contribution"] = "contribution"
    locality: Ident
    good: Ident
    kg: PositiveKg
    at: Ident


class Labour(_Entry):
    """Persons a locality registered to serve for ``days`` days; carriers name their mode
    (one of its units per ``crew_per_unit`` persons waits at the locality)."""

    kind: Literal["labour"] = "labour"
    locality: Ident
    persons: Annotated[int, Field(gt=0, le=10**9), Number]
    days: Annotated[float, Field(gt=0, le=100_000, allow_inf_nan=False), Number]
    role: Literal["carrier", "road_crew", "stretcher_bearer"]
    mode: Ident | None = None


class Dispatch(_Entry):
    """A convoy: ``units`` of ``mode`` leave ``from`` for ``to`` over a route joining them,
    with ``cargo_kg`` of each good on board."""

    kind: Literal["dispatch"] = "dispatch"
    from_: Ident = Field(alias="from")
    to: Ident
    mode: Ident
    units: Units
    cargo_kg: dict[Ident, Kg] = Field(default_factory=dict)
    route: Ident | None = Field(None, description="the route taken, where several join "
                                                  "from and to")


class Loss(BaseModel):
    model_config = ConfigDict(extra="forbid")

    good: Ident
    kg: PositiveKg
    reason: Literal["strike", "raid", "spoilage", "eaten"]


class UnitLoss(BaseModel):
    """Carriers that did not come back from a trip, and why."""

    model_config = ConfigDict(extra="forbid")

    units: Units
    reason: Literal["strike", "raid", "breakdown", "illness", "desertion"]


class Receipt(_Entry):
    """A convoy's arrival: what was received and what was lost on the way, and why. Every
    kg dispatched is either received or lost; every unit sent arrives (and waits at the
    destination) unless ``units_lost`` says it was lost on the way, and why."""

    kind: Literal["receipt"] = "receipt"
    dispatch: EntryId
    received_kg: dict[Ident, Kg] = Field(default_factory=dict)
    losses: list[Loss] = Field(default_factory=list, max_length=100)
    units_lost: list[UnitLoss] = Field(default_factory=list, max_length=100,
                                       description="carriers lost on the way, and why")


class Wounded(_Entry):
    """Wounded brought from a front to a hospital."""

    kind: Literal["wounded"] = "wounded"
    front: Ident
    hospital: Ident
    persons: Annotated[int, Field(gt=0, le=10**9), Number]


class RouteReport(_Entry):
    """What happened to a route: a strike or damage (``capacity_lost``: share of capacity
    lost, repaired over the route's repair days), repaired, closed (until reopened),
    reopened."""

    kind: Literal["route"] = "route"
    route: Ident
    status: Literal["strike", "damage", "repaired", "closed", "reopened"]
    capacity_lost: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False), Number] | None = None


class Cancel(_Entry):
    """An entry written by mistake, cancelled: a correction (``corrects``) that puts nothing
    in its place. Its effect is undone as a correction undoes it; ``reason`` says why."""

    kind: Literal["cancel"] = "cancel"
    date: Date = Field(description="the day it is cancelled")
    corrects: EntryId = Field(description="id of the entry cancelled")
    reason: Annotated[str, Field(min_length=1, max_length=2000)] = Field(
        description="why it is cancelled")


Entry = Annotated[
    Pledge | Contribution | Labour | Dispatch | Receipt | Wounded | RouteReport | Cancel,
    Field(discriminator="kind"),
]
_BY_KIND: dict[Any, type[BaseModel]] = {
    model.model_fields["kind"].default: model
    for model in typing.get_args(typing.get_args(Entry)[0])}
#: The fields of entries that hold lists (a position in them is a number in a ``loc``).
_LIST_FIELDS = frozenset(
    name for model in typing.get_args(typing.get_args(Entry)[0])
    for name, info in model.model_fields.items() if typing.get_origin(info.annotation) is list)


def _types_of(annotation: Any) -> set[Any]:
    """The plain types an annotation names (through ``Annotated`` and unions)."""
    args = typing.get_args(annotation)
    if not args:
        return {annotation}
    if typing.get_origin(annotation) is Annotated:
        return _types_of(args[0])
    return {t for arg in args for t in _types_of(arg)}


def _bounds_of(annotation: Any) -> dict[str, Any]:
    """The bounds (``gt``, ``ge``, ``lt``, ``le``) of a number field's type, through
    ``X | None``."""
    found = {name: getattr(bound, name) for metadata in getattr(annotation, "__metadata__", ())
             for bound in getattr(metadata, "metadata", [metadata])
             for name in ("gt", "ge", "lt", "le") if getattr(bound, name, None) is not None}
    if found:
        return found
    for arg in typing.get_args(annotation):
        if found := _bounds_of(arg):
            return found
    return {}


def _annotation_at(loc: Sequence[Any]) -> Any:
    """The type of the value at ``loc`` (pydantic's, with an entry's ``kind`` tag): of a
    field, an item of a list field (a receipt's ``losses.0``) or a value of a dict field (a
    convoy's ``cargo_kg.rice``); ``None`` where it is not known."""
    at = next((i for i in range(len(loc)) if _is_tag(loc, i)), None)
    if at is None:
        return None
    annotation: Any = _BY_KIND[loc[at]]
    for key in loc[at + 1:]:
        annotation = _inner(annotation, key)
        if annotation is None:
            return None
    return annotation


def _inner(annotation: Any, key: Any) -> Any:
    """The type of the value at ``key`` in a value of ``annotation`` (through
    ``Annotated`` and ``X | None``), ``None`` where it has none."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        name = _name(annotation, key)
        return None if name is None else annotation.model_fields[name].rebuild_annotation()
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        return _inner(args[0], key)
    if origin is list and isinstance(key, int):
        return args[0]
    if origin is dict:
        return args[1]
    found = [inner for arg in args if arg is not type(None)
             if (inner := _inner(arg, key)) is not None]
    return found[0] if len(found) == 1 else None


PLACE_KINDS = ("locality", "depot", "junction", "front", "hospital")
KINDS = ("pledge", "contribution", "labour", "dispatch", "receipt", "wounded", "route",
         "cancel")
_adapter: TypeAdapter[Any] = TypeAdapter(Entry)


def parse_entry(data: Any) -> Entry:
    """Validate raw data (a dict) as an entry; pydantic's ``ValidationError`` otherwise."""
    entry: Entry = _adapter.validate_python(data)
    return entry


#: What was expected, by pydantic's type of error (those that need no more than the type).
_EXPECTED = {
    **dict.fromkeys(("int_parsing", "int_type", "int_from_float"), "a whole number"),
    **dict.fromkeys(("float_parsing", "float_type", "number_type"), "a number"),
    "finite_number": "a finite number",
    **dict.fromkeys(("bool_parsing", "bool_type"), "true or false"),
    **dict.fromkeys(("date_parsing", "date_type", "date_from_datetime_parsing",
                     "date_from_datetime_inexact"), "a date (YYYY-MM-DD)"),
    "string_type": "text",
    **dict.fromkeys(("dict_type", "model_type", "model_attributes_type"),
                    "an object {name: value, ...}"),
    "list_type": "a list",
}
_BOUNDS = {"greater_than": ("gt", "greater than"), "greater_than_equal": ("ge", "of at least"),
           "less_than": ("lt", "less than"), "less_than_equal": ("le", "of at most")}
#: The fields of entries that give kg by good, and what ``{}`` says there.
_BY_GOOD = {"cargo_kg": "{} for carriers sent empty", "received_kg": "{} where none arrived"}


def said(error: Mapping[str, Any], goods: Iterable[str] = (), ix: Index | None = None,
         body: Any = None) -> tuple[list[str | int], str]:
    """A pydantic error (one of ``ValidationError.errors()``) as the books say every error:
    where (its ``loc``, an entry's own ``kind`` tag left out; a bad or missing kind at
    ``kind``) and "expected ..., got ...". ``goods``: the scenario's goods, the first of
    which a field of kg by good that is not an object is shown with (``{"rice": 2350}``).

    A field left out expects what a wrong value of it hears (:func:`_left_out`): that of an
    entry's by its ``kind``, that of another request's ``body`` (its type: its model, an
    entry, a list of them) at ``["body", NAME]``; the scenario's words where ``ix`` is
    given. So does a request's body left out, at ``["body"]`` ("got an empty body")."""
    loc = [x for i, x in enumerate(error["loc"]) if not _is_tag(error["loc"], i)]
    if error["type"] == "missing" and body is not None and tuple(error["loc"]) == ("body",):
        return loc, f"expected {_expected_of(TypeAdapter(body), [], goods)}, got an empty body"
    if error["type"] == "missing":
        model = body if isinstance(body, type) and issubclass(body, BaseModel) else None
        return loc, f"expected {_left_out(error['loc'], goods, ix, model)}, got nothing"
    return _words(error, loc, goods)


def _is_tag(loc: Sequence[Any], i: int) -> bool:
    """Whether ``loc[i]`` is an entry's ``kind`` tag in a pydantic ``loc``: first, or
    after ``body`` or an entry's position in a batch."""
    return loc[i] in KINDS and (i == 0 or loc[i - 1] == "body" or isinstance(loc[i - 1], int))


class _LeftOut(str):
    """A field left out, as the scenario's checks of its value say it: ``got nothing``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "nothing"


#: What no type of an entry's field takes: what such a field expects is said on it.
_NO_VALUE = object()


def _left_out(loc: Sequence[Any], goods: Iterable[str], ix: Index | None,
              body: type[BaseModel] | None) -> str:
    """What the field at ``loc`` (pydantic's, with an entry's ``kind`` tag) expects, in the
    words a wrong value of it hears: the scenario's where it names a place, good, mode or
    route of ``ix`` (``a locality (far-village, ...)``), else its type's (``a date
    (YYYY-MM-DD)``, ``one of 'strike', ...``); ``a value`` where the field is not known."""
    at = next((i for i in range(len(loc)) if _is_tag(loc, i)), None)
    if at is not None:
        model, path = _BY_KIND[loc[at]], list(loc[at + 1:])
    elif body is not None and loc and loc[0] == "body":
        model, path = body, list(loc[1:])
    else:
        return "a value"
    found = _model_of(model, path) if path else None
    if found is None:
        return "a value"
    inner, name = found
    if ix is not None and at is not None and str in _types_of(
            inner.model_fields[name].rebuild_annotation()):
        probe = _probe(model, path)
        field = ".".join(str(x) for x in path)
        for problem in (entry_problems(probe, ix) if probe is not None else []):
            for where, message in problem.problems:
                if where == field and message.endswith(", got nothing"):
                    return message.removeprefix("expected ").removesuffix(", got nothing")
    return _expected_of(_field_adapter(inner, name), path, goods)


def _expected_of(adapter: TypeAdapter[Any], path: Sequence[Any], goods: Iterable[str]) -> str:
    """What a value of ``adapter``'s type (at ``path``) expects, in the words a wrong value
    of it hears; ``a value`` where any value does."""
    try:
        adapter.validate_python(_NO_VALUE)
    except ValueError as refused:  # (pydantic's ValidationError is one)
        first = refused.errors()[0]  # type: ignore[attr-defined]
        words = _words(first, path, goods)[1]
        return words.removeprefix("expected ").rsplit(", got ", 1)[0]
    return "a value"


def _model_of(model: type[BaseModel], path: Sequence[Any]
              ) -> tuple[type[BaseModel], str] | None:
    """The model and the name of the field at ``path`` in ``model`` (through lists of
    models, as a receipt's ``losses``), ``None`` where there is no such field."""
    names = [x for x in path if not isinstance(x, int)]
    for i, key in enumerate(names):
        name = _name(model, key)
        if name is None:
            return None
        if i == len(names) - 1:
            return model, name
        annotation = model.model_fields[name].annotation
        item = typing.get_args(annotation)[0] if typing.get_origin(annotation) is list else None
        if not (isinstance(item, type) and issubclass(item, BaseModel)):
            return None
        model = item
    return None


def _probe(model: type[BaseModel], path: Sequence[Any]) -> Any:
    """An entry of ``model`` with nothing but the field at ``path`` (a name, or a list's
    name, a position and a name), which holds :class:`_LeftOut`: the scenario's checks say
    what they expect of it, those of the fields it lacks are not made (:func:`_each`)."""
    left: dict[str, Any]
    if len(path) == 1:
        left = {str(_name(model, path[0])): _LeftOut()}
        return model.model_construct(None, **left)
    if len(path) == 3 and isinstance(path[1], int):
        name = str(_name(model, path[0]))
        item = typing.get_args(model.model_fields[name].annotation)[0]
        left = {str(_name(item, path[2])): _LeftOut()}
        items = [*(item.model_construct() for _ in range(path[1])),
                 item.model_construct(None, **left)]
        return model.model_construct(None, **{name: items})
    return None


def _name(model: type[BaseModel], key: Any) -> str | None:
    """A field's name in ``model`` by its name or its alias (``from``), ``None`` where it
    has none."""
    return next((n for n, f in model.model_fields.items() if (f.alias or n) == key), None)


def _words(error: Mapping[str, Any], where: Sequence[Any], goods: Iterable[str]
           ) -> tuple[list[str | int], str]:
    """A pydantic error of a value given (``where``: its ``loc``, the kinds left out) as
    where it is said (a bad or missing kind at ``kind``) and "expected ..., got ..."."""
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    loc = list(where)
    at_key = _is_key(error["loc"])
    if at_key:  # said at the key itself, as a problem of its value is
        loc.pop()
    key_of = "a key naming a good" if len(loc) > 1 and loc[-2] in _BY_GOOD else "a key"
    got = "null" if value is None else shown(value)
    if kind == "dict_type" and loc and loc[-1] in _BY_GOOD:
        expected = f"{_by_good(goods, value)} ({_BY_GOOD[str(loc[-1])]})"
    elif kind == "int_parsing_size" or (kind == "float_type" and isinstance(value, int)
                                        and not isinstance(value, bool)) or (
            kind == "finite_number" and isinstance(value, float) and math.isinf(value)):
        # too large to be read as a number of the field's type at all (``1e20`` persons, a
        # kg of 400 digits, ``1e400``, which a float holds as inf): said against the field's
        # bound, as one merely too large is
        expected = _beyond(_bounds_at(error["loc"]), str(value).lstrip().startswith("-"),
                           kind != "int_parsing_size")
    elif kind in _EXPECTED:
        expected = _EXPECTED[kind]
    elif kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        expected = f"a number {words} {_number(ctx[key])}"
    elif kind in ("string_too_short", "string_too_long", "too_short", "too_long"):
        least = kind.endswith("short")
        bound = ctx["min_length" if least else "max_length"]
        what = "character" if kind.startswith("string") else "item"
        count = len(value) if isinstance(value, str | list | dict) else 0
        expected = f"at {'least' if least else 'most'} {bound} {what}{'s' * (bound != 1)}"
        got = f"{count} {what}{'s' * (count != 1)}"
        if at_key:
            expected = f"{key_of}, of {expected}"
            got = "an empty key" if count == 0 else f"a key of {got}"
    elif kind == "literal_error":
        expected = f"one of {ctx['expected']}"
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        loc.append(str(ctx["discriminator"]).strip("'"))
        expected = "one of " + ", ".join(repr(k) for k in KINDS)
        got = shown(ctx["tag"]) if kind == "union_tag_invalid" else "nothing"
    elif kind == "json_invalid":  # the body is no JSON: its loc ends at the character
        at = loc.pop() if loc and isinstance(loc[-1], int) else None
        expected = "a JSON document"
        got = (f"text that is not JSON ({ctx.get('error', 'cannot be read')}"
               + (f", at character {at})" if at is not None else ")"))
    elif kind == "extra_forbidden":
        expected, got = "a known field", f"unknown field {shown(loc[-1] if loc else '')}"
    elif kind == "value_error":  # a rule of this module's or the schema's (a Date's)
        expected = str(error["msg"]).removeprefix("Value error, ")
    else:
        expected = str(error["msg"]).removeprefix("Input should be ")
    if at_key and not expected.startswith(key_of):
        expected = f"{key_of}: {expected}"
    return loc, f"expected {expected}, got {got}"


def _is_key(loc: Sequence[Any]) -> bool:
    """Whether pydantic's ``loc`` is that of a key of a dict field (a convoy's cargo_kg):
    its last item is pydantic's marker ``[key]``, after the key (a good named ``[key]``
    is a key, and its kg is at ``["cargo_kg", "[key]"]``)."""
    if len(loc) < 3 or loc[-1] != "[key]":
        return False
    annotation = _annotation_at(loc[:-2])
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    return typing.get_origin(annotation) is dict


def _bounds_at(loc: Sequence[Any]) -> dict[str, Any]:
    """The bounds of the number field at ``loc`` (pydantic's), none where it is not known."""
    annotation = _annotation_at(loc)
    return {} if annotation is None else _bounds_of(annotation)


def _beyond(bounds: Mapping[str, Any], below: bool, floating: bool) -> str:
    """What a field of ``bounds`` expects of a number beyond its type's reach (``below``
    the least, or above the most): the bound on that side, else the type's own."""
    for key in (("gt", "ge") if below else ("lt", "le")):
        if key in bounds:
            return f"a number {dict(_BOUNDS.values())[key]} {_number(bounds[key])}"
    reach = f"{sys.float_info.max:g}" if floating else f"{2**63 - (not below):,}"
    return f"a number of at {'least -' if below else 'most '}{reach}"


def _by_good(goods: Iterable[str], value: Any) -> str:
    """How kg by good are written (a convoy's cargo, a receipt's goods): shown with the
    first of the scenario's ``goods`` by name and the number given, if one was
    (``"received_kg": 2350`` for ``{"rice": 2350}``)."""
    good = min(goods, default="GOOD")
    kg = value if isinstance(value, int | float) and not isinstance(value, bool) and (
        math.isfinite(value) and value > 0) else 1000
    return f"kg by good, e.g. {json.dumps({good: kg})}"


def _number(x: Any) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def dump_entry(entry: Entry) -> dict[str, Any]:
    """The entry as JSON-ready data (``from`` spelled as written)."""
    data: dict[str, Any] = entry.model_dump(mode="json", by_alias=True)
    return data


@dataclass(frozen=True)
class Trip:
    """A convoy's trip as the planner reckons it on its day (:meth:`Index.trip`): ``days``
    it lasts (a loaded trip's where it carries cargo, an empty one's else), the cargo room
    of a unit (``room``: its ``payload`` less the food its crew eats on the trip, and
    carries for the way back where ``carried_back``), and its ``arc``; ``moving``: its days
    on the move in dry weather (the trip's ``days`` count the rain the scenario expects,
    and loading, unloading and the stop at the end), before which it cannot land; ``food``:
    the kg of each good a unit's crew eats on a loaded trip, from what it loads (none on
    an empty one)."""

    days: float
    loaded: bool
    room: float
    payload: float
    carried_back: bool
    arc: int
    moving: float
    food: dict[str, float]


class Index:
    """What entries are checked against: the scenario's ids and horizon."""

    def __init__(self, sc: Scenario) -> None:
        self.scenario = sc
        self.places = {p.id: p for p in sc.places}
        self.goods = {c.id for c in sc.commodities if c.unit == "kg"}
        self.wounded = {c.id for c in sc.commodities if c.unit == "person"}
        self.modes = {m.id: m for m in sc.modes}
        self.routes = {r.key: r for r in sc.routes}
        self.start = sc.start_date
        self.end = sc.end_date

    def route_name(self, rid: str) -> str:
        """A route's name for a reader (:meth:`Scenario.route_title`)."""
        return self.scenario.route_title(self.routes[rid])

    def routes_between(self, a: str, b: str, mode: str) -> list[str]:
        """Ids of the routes that ``mode`` may use from ``a`` to ``b``."""
        return [rid for rid, (_r, to) in self._leaving(a, mode).items() if to == b]

    def places_next(self, a: str, mode: str) -> list[str]:
        """The places ``mode`` may go to from ``a`` by one route (each once, in the
        scenario's order of routes): where a convoy from ``a`` may be sent."""
        return list(dict.fromkeys(to for _r, to in self._leaving(a, mode).values()))

    def _leaving(self, a: str, mode: str) -> dict[str, tuple[Route, str]]:
        """The routes ``mode`` may use from ``a``, by id, with the place each leads to: a
        route one way only the way it runs."""
        return {rid: (r, r.to if r.from_ == a else r.from_) for rid, r in self.routes.items()
                if mode in r.modes and (r.from_ == a or (not r.one_way and r.to == a))}

    def route_of(self, entry: Dispatch) -> str:
        """The route a convoy took: the one it names, else the only one joining its ends."""
        if entry.route is not None:
            return entry.route
        return self.routes_between(entry.from_, entry.to, entry.mode)[0]

    # --- a convoy's trip, as the planner reckons it ---------------------------------------

    @cached_property
    def _daily(self) -> tuple[Network, Legs]:
        """The scenario's network in steps of one day, and its legs: each convoy's trip by
        the planner's rule (:func:`~supplyline.accounting.legs_of`) on its own day."""
        net = compile_network(self.scenario, 1)
        return net, legs_of(net)

    @property
    def network(self) -> Network:
        """The scenario's network (in steps of one day): its figures by day."""
        return self._daily[0]

    def trip(self, entry: Dispatch) -> Trip | None:
        """The trip of the convoy ``entry`` as the planner reckons it on the convoy's day
        (:class:`Trip`): loaded where it carries cargo, else empty. ``None`` where its
        places, mode or route are not the scenario's."""
        net, legs = self._daily
        try:
            a, b = net.place_ids.index(entry.from_), net.place_ids.index(entry.to)
            m = net.mode_ids.index(entry.mode)
            route = net.route_ids.index(self.route_of(entry))
        except (ValueError, IndexError):
            return None
        leg = np.flatnonzero((net.arc_from[legs.arc] == a) & (net.arc_to[legs.arc] == b)
                             & (legs.mode == m) & (net.arc_route[legs.arc] == route))
        if not leg.size:
            return None
        i, day = int(leg[0]), self._day(entry.date)
        loaded = any(kg > 0 for kg in entry.cargo_kg.values())
        days = float((legs.days_loaded if loaded else legs.days_empty)[i, day])
        moving = float((net.move_days_loaded if loaded else net.move_days_empty)[
            legs.arc[i], m])
        food = ({net.commodity_ids[int(c)]: float(legs.food_loaded[i, slot, day])
                 for slot, c in enumerate(legs.goods)} if loaded else {})
        return Trip(days=days, loaded=loaded, room=float(legs.cargo_room[i, day]),
                    payload=float(net.payload_kg[m]), carried_back=bool(
                        net.return_carried[m]), arc=int(legs.arc[i]), moving=moving,
                    food=food)

    def on_route(self, entry: Dispatch, trip: Trip) -> list[dt.date]:
        """The days the convoy ``entry`` is on its route: from its day to the day its trip
        (:meth:`trip`) lands, by the planner's rule of a trip's closed days
        (:func:`~supplyline.accounting._closed_during`: a day it is on its way, its last
        one included, forbids it where its route is closed)."""
        net, _legs = self._daily
        start = float((entry.date - self.start).days)
        days = []
        for d in range(max(int(start), 0), min(int(np.floor(start + trip.days)) + 1, net.days)):
            marked = np.zeros((1, net.days), dtype=bool)
            marked[0, d] = True
            if _closed_during(net, np.array([trip.arc]), np.array([[start]]),
                              np.array([[start + trip.days]]), marked)[0, 0]:
                days.append(self.start + dt.timedelta(days=d))
        return days or [entry.date]

    # --- what the scenario says there is (the warnings' figures) -------------------------

    def _day(self, day: dt.date) -> int:
        return min(max((day - self.start).days, 0), self.scenario.days - 1)

    @cached_property
    def _giveable(self) -> dict[tuple[str, str], np.ndarray]:
        goods = sorted(self.goods)
        most = giveable_kg(self.scenario, goods)
        return {(p.id, good): most[i, c] for i, p in enumerate(self.scenario.places)
                if p.kind == "locality" for c, good in enumerate(goods)}

    def giveable(self, locality: str, good: str, day: dt.date) -> float:
        """kg of ``good`` the scenario says ``locality`` can have given by the end of ``day``:
        its stores and what it grew, less what its people keep (the planner's own rule,
        :func:`~supplyline.network.giveable_kg`)."""
        most = self._giveable.get((locality, good))
        return 0.0 if most is None else float(most[self._day(day)])

    @cached_property
    def _labour(self) -> dict[str, tuple[float, float]]:
        people, days = labour_pool(self.scenario)
        return {p.id: (float(people[i]), float(days[i]))
                for i, p in enumerate(self.scenario.places)}

    def labour(self, locality: str) -> tuple[float, float]:
        """The persons the scenario says ``locality`` has who can serve, and the most days
        one serves (:func:`~supplyline.network.labour_pool`)."""
        return self._labour[locality]

    @cached_property
    def _arisen(self) -> dict[str, np.ndarray]:
        sc = self.scenario
        daily: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(sc.days))
        for flow in sc.wounded:
            daily[flow.front] += series_over_horizon(flow.persons_per_day, sc)
        return {front: np.cumsum(persons) for front, persons in daily.items()}

    def arisen(self, front: str, day: dt.date) -> float:
        """Wounded the scenario says arose at ``front`` by the end of ``day`` (its
        ``wounded`` flows)."""
        arisen = self._arisen.get(front)
        return 0.0 if arisen is None else float(arisen[self._day(day)])


def ids_listed(value: str, choices: Iterable[str], known: bool = False) -> str:
    """The ids a field takes, listed, and the one ``value`` is most likely meant for where
    one is close (``; did you mean 'high-village'?``; not where one id is listed): ids are
    matched as written, as the scenario's are, so ``'High-Village'`` or ``' high-village'``
    is refused, not taken for another place, and said with the id meant. None where
    ``value`` is an id of another kind (``known``: a depot where a front is asked for)."""
    listed = sorted(choices)
    close = None if known or len(listed) == 1 else closest(value.strip(), listed)
    return (", ".join(listed) or "none") + (f"; did you mean {close!r}?" if close else "")


def _one_of(field: str, value: str, choices: Any, what: str) -> EntryError | None:
    if value in choices:
        return None
    return EntryError(field, f"expected {what} ({ids_listed(value, choices)}), got {value!r}")


def routes_by_ends(ix: Index, value: str) -> str:
    """The route or routes that join the places of ``value`` written FROM--TO (either way
    round), said (``the route between those places is 'ridge-road'``); ``''`` where it is
    no FROM--TO of places a route joins."""
    a, dashes, b = value.partition("--")
    between = sorted(rid for rid, r in ix.routes.items() if dashes and {r.from_, r.to} == {a, b})
    if len(between) == 1:
        return f"the route between those places is {between[0]!r}"
    return f"the routes between those places are {', '.join(between)}" if between else ""


def _route(ix: Index, field: str, value: str) -> EntryError | None:
    """A route's id, as the scenario's check says one that is not (its ``_crossref``): a
    place's id is said to be a place, and FROM--TO of places a route joins (either way
    round) with that route's id, not with the id it is spelt most like
    (``ridge-depot--kestrel-town`` was said as maybe ``ridge-depot--district-hospital``)."""
    if value in ix.routes:
        return None
    between = routes_by_ends(ix, value)
    listed = ids_listed(value, ix.routes, known=bool(between) or value in ix.places)
    if between:
        listed += f"; {between}"
    got = f"{value!r} (a place)" if value in ix.places else repr(value)
    return EntryError(field, f"expected a route id ({listed}), got {got}")


def _place(ix: Index, field: str, value: str, kinds: tuple[str, ...],
           what: str) -> EntryError | None:
    place = ix.places.get(value)
    if place is not None and place.kind in kinds:
        return None
    shown = ids_listed(value, (p for p, v in ix.places.items() if v.kind in kinds),
                     known=place is not None)
    return EntryError(field, f"expected {what} ({shown}), got {value!r}")


def units_of(units: float) -> str:
    """Units counted in words: ``1 unit``, ``2 units``, ``2.5 units`` (a sum that is whole
    but for the float's last digits said whole: ``80 units``, not ``79.99999999999 units``
    nor ``1e-13 units``)."""
    units = round(units, 6) + 0.0  # (+ 0.0: -0.0 is said 0)
    return f"{units:g} unit{'' if units == 1 else 's'}"


def _whole(field: str, units: float) -> EntryError | None:
    """Carriers are counted whole: a porter, a bicycle, a truck. (The schema keeps a number,
    so that books written before this rule still read.)"""
    if isinstance(as_counted(units), int):
        return None
    return EntryError(field, f"expected a whole number of units, got {units:g}")


def outside_horizon(day: dt.date, start: dt.date, end: dt.date) -> str | None:
    """What is wrong with ``day`` where it falls outside the horizon ``start``..``end``
    (an entry's date, or a day asked of the books); ``None`` inside."""
    if start <= day <= end:
        return None
    return f"expected a day from {start} to {end} (the scenario's horizon), got {day}"


def _in_horizon(field: str, day: dt.date, ix: Index) -> EntryError | None:
    message = outside_horizon(day, ix.start, ix.end)
    return None if message is None else EntryError(field, message)


def _text(field: str, text: str, blank: bool = True) -> EntryError | None:
    """Free text as a new entry may hold it: no control characters (``blank``: and it may be
    only spaces). Checked when an entry is written, not when the books are read: entries
    written before the rule still read."""
    if (found := REFUSED.search(text)) is not None:
        return EntryError(field, f"expected text without control characters, got U+"
                                 f"{ord(found[0]):04X} at character {found.start() + 1}")
    if not blank and not text.strip():
        return EntryError(field, f"expected some text (not only spaces), got {text!r}")
    return None


def check_entry(entry: Entry, ix: Index) -> None:
    """Raise :class:`EntryError` where ``entry`` does not fit the scenario, or its text
    what a new entry may hold, with every problem found (:attr:`EntryError.problems`)."""
    errors = entry_problems(entry, ix)
    if errors:
        raise EntryError.of(errors)


def entry_problems(entry: Entry, ix: Index) -> list[EntryError]:
    """What does not fit the scenario in ``entry``, or its text what a new entry may hold.
    On an entry of :func:`partial_entry`, the checks that read a field it lacks are not
    made (each check reads only the fields it judges)."""
    found = _each(lambda: _in_horizon("date", entry.date, ix),
                  lambda: _text("note", entry.note))
    if isinstance(entry, Cancel):
        found += _each(lambda: _text("reason", entry.reason, blank=False))
    return found + _problems(entry, ix)


def partial_entry(data: Any, bad: Iterable[str]) -> Entry | None:
    """The entry ``data`` writes, without its fields ``bad`` (the keys pydantic refused)
    nor any other that does not validate alone: the fields it has are checked against the
    scenario (:func:`entry_problems`) beside pydantic's errors, so that a request hears of
    every problem at once. ``None`` where the kind is unknown."""
    model = _BY_KIND.get(data.get("kind")) if isinstance(data, dict) else None
    if model is None:
        return None
    skipped = set(bad)
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in skipped or (key not in data and info.is_required()):
            continue
        if key not in data:
            values[name] = info.get_default(call_default_factory=True)
            continue
        adapter = _field_adapter(model, name)
        try:
            values[name] = adapter.validate_python(data[key])
        except ValueError:  # (pydantic's ValidationError is one)
            if name in _BY_GOOD and isinstance(data[key], dict):
                # kg by good: the goods whose kg validate are judged still (an unknown good
                # beside a negative kg of another is said with it, not after it)
                values[name] = {good: kg for item in data[key].items()
                                if (one := _valid(adapter, dict([item]))) is not None
                                for good, kg in one.items()}
    return typing.cast("Entry", model.model_construct(**values))


def _valid(adapter: TypeAdapter[Any], value: Any) -> Any:
    """``value`` as ``adapter`` validates it, ``None`` where it does not."""
    try:
        return adapter.validate_python(value)
    except ValueError:
        return None


@functools.cache
def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    """The validator of one field of an entry alone (its type and constraints)."""
    return TypeAdapter(model.model_fields[name].rebuild_annotation())


def scenario_problems(data: Any, refused: Iterable[Sequence[str | int]],
                      ix: Index) -> list[tuple[str, str]]:
    """Beside pydantic's errors of an entry (``refused``: their ``loc`` from the entry's
    top, as :func:`said` gives it), what the scenario says of the fields it did not refuse
    (:func:`partial_entry`, :func:`entry_problems`), as (dotted field, message): a request
    hears of a misspelt locality with its negative kg, not after it."""
    refused = [loc for loc in refused if loc]
    partial = partial_entry(data, {str(loc[0]) for loc in refused if len(loc) == 1})
    if partial is None:
        return []
    # A problem where a refused field is, or within it, or around it (a convoy's cargo in
    # all, beside a refused kg of one good), is not judged.
    paths = [".".join(str(x) for x in loc) for loc in refused]

    def judged(field: str) -> bool:
        return not any(field == path or field.startswith(path + ".")
                       or path.startswith(field + ".") for path in paths)

    return [(field, message) for error in entry_problems(partial, ix)
            for field, message in error.problems if judged(field)]


def _each(*checks: typing.Callable[[], EntryError | None]) -> list[EntryError]:
    """The problems the checks find; a check that reads a field the entry lacks (an entry
    of :func:`partial_entry`) is not made."""
    found = []
    for check in checks:
        try:
            problem = check()
        except AttributeError:
            continue
        if problem is not None:
            found.append(problem)
    return found


def _problems(entry: Entry, ix: Index) -> list[EntryError]:
    """What does not fit the scenario in ``entry`` beyond its date; a check that needs a
    value found wrong (or missing) is not made."""
    not_locality = PLACE_KINDS[1:]
    if isinstance(entry, Pledge | Contribution):
        unknown = _each(lambda: _place(ix, "locality", entry.locality, ("locality",),
                                       "a locality"))
        found = [*unknown, *_each(lambda: _one_of("good", entry.good, ix.goods,
                                                  "a good counted in kg"))]
        if isinstance(entry, Contribution):
            mine = getattr(entry, "locality", None)
            if unknown or mine is None:  # a locality at `at` may be the one meant
                found += _each(lambda: _place(ix, "at", entry.at, PLACE_KINDS, "a place"))
            else:
                found += _each(lambda: None if entry.at == mine else _place(
                    ix, "at", entry.at, not_locality,
                    "the locality itself or a place that is not a locality"))
        else:  # (by is judged against the date only where the date itself stands)
            date = getattr(entry, "date", None)
            dated = date is not None and _in_horizon("date", date, ix) is None
            found += _each(lambda: EntryError("by", f"expected a day on or after the "
                                                    f"pledge's date {entry.date}, got "
                                                    f"{entry.by}")
                           if dated and entry.by < entry.date
                           else _in_horizon("by", entry.by, ix))
        return found
    if isinstance(entry, Labour):
        labour_modes = {m for m, v in ix.modes.items() if v.units_from == "labour"}

        def mode() -> EntryError | None:
            if entry.role == "carrier":
                return (EntryError("mode", "expected the carriers' mode for role 'carrier', "
                                           "got none") if entry.mode is None else
                        _one_of("mode", entry.mode, labour_modes,
                                "a mode whose units come from labour"))
            return None if entry.mode is None else EntryError(
                "mode", f"expected no mode for role {entry.role!r}, got {entry.mode!r}")

        return _each(lambda: _place(ix, "locality", entry.locality, ("locality",),
                                    "a locality"), mode)
    if isinstance(entry, Dispatch):
        return _dispatch_problems(entry, ix)
    if isinstance(entry, Receipt):
        received = getattr(entry, "received_kg", {})
        losses = getattr(entry, "losses", [])
        gone = getattr(entry, "units_lost", [])
        return [*_each(*(lambda good=good: _one_of(f"received_kg.{good}", good, ix.goods,
                                                   "a good counted in kg")
                         for good in received)),
                *_each(*(lambda i=i, loss=loss: _one_of(f"losses.{i}.good", loss.good,
                                                        ix.goods, "a good counted in kg")
                         for i, loss in enumerate(losses))),
                *_each(*(lambda i=i, lost=lost: _whole(f"units_lost.{i}.units", lost.units)
                         for i, lost in enumerate(gone)))]
    if isinstance(entry, Wounded):
        return _each(lambda: _place(ix, "front", entry.front, ("front",), "a front"),
                     lambda: _place(ix, "hospital", entry.hospital, ("hospital",),
                                    "a hospital"))
    if isinstance(entry, RouteReport):
        def capacity() -> EntryError | None:
            damaged = entry.status in ("strike", "damage")
            if damaged and entry.capacity_lost is None:
                return EntryError("capacity_lost", f"expected the share of capacity lost "
                                                   f"(0 to 1] for a {entry.status}, got none")
            if not damaged and entry.capacity_lost is not None:
                return EntryError("capacity_lost", f"expected none for status "
                                                   f"{entry.status!r}, got "
                                                   f"{entry.capacity_lost}")
            return None

        return _each(lambda: _route(ix, "route", entry.route), capacity)
    return []


def _dispatch_problems(entry: Dispatch, ix: Index) -> list[EntryError]:
    ends = _each(lambda: _place(ix, "from", entry.from_, PLACE_KINDS, "a place"),
                 lambda: _place(ix, "to", entry.to, PLACE_KINDS, "a place"),
                 lambda: _one_of("mode", entry.mode, ix.modes, "a mode"))
    found = [*_each(lambda: _whole("units", entry.units)), *ends,
             *_each(*(lambda good=good: _one_of(f"cargo_kg.{good}", good, ix.goods,
                                                "a good counted in kg")
                      for good in getattr(entry, "cargo_kg", {})))]
    if ends or any(getattr(entry, name, None) is None for name in ("from_", "to", "mode")):
        return found  # the route and the payload hang on the places and the mode
    joining = ix.routes_between(entry.from_, entry.to, entry.mode)
    route = getattr(entry, "route", None)
    if not joining:
        found.append(EntryError("to", f"expected a place joined to {entry.from_!r} by a "
                                      f"route that {entry.mode!r} may use, got {entry.to!r}"))
    elif route is not None and route not in joining:
        found.append(EntryError("route", f"expected a route from {entry.from_!r} to "
                                         f"{entry.to!r} that {entry.mode!r} may use "
                                         f"({', '.join(joining)}), got {route!r}"))
    elif route is None and len(joining) > 1 and hasattr(entry, "route"):
        found.append(EntryError("route", f"expected the route taken: {', '.join(joining)} "
                                         f"join {entry.from_!r} and {entry.to!r}, got none"))

    def payload() -> EntryError | None:
        """What the convoy loads (its cargo, and the food its crew eats on the way where it
        carries it: docs/model.md, "Carriers eat what they carry") fits its payload."""
        most = ix.modes[entry.mode].payload_kg * entry.units
        carried = sum(entry.cargo_kg.values())
        if carried <= most * (1 + 1e-9):
            return None
        return EntryError("cargo_kg", f"expected at most {most:,.0f} kg "
                                      f"({units_of(entry.units)} × "
                                      f"{ix.modes[entry.mode].payload_kg:g} kg), got "
                                      f"{carried:,.0f} kg")

    return found + _each(payload)


# --- what the scenario says against an entry: written, with a warning ----------------------

def _count(x: float) -> str:
    return f"{x:,.0f}" if abs(x - round(x)) < 1e-6 else f"{x:,.1f}"


def _first_beyond(series: Mapping[dt.date, float], since: dt.date, bound: Any,
                  tol: float) -> tuple[dt.date, float, float] | None:
    """The first day from ``since`` on when the running total of ``series`` (what moved, by
    day) is above ``bound(day)``, a bound that never falls: (day, total, bound). Between
    the days the series moves the total stands still, so those days are enough."""
    total = 0.0
    for day in sorted(series):
        total += series[day]
        if day >= since:
            most = float(bound(day))
            if total > most + tol:
                return day, total, most
    return None


def _in_all(total: float, own: float, what: str, day: dt.date, on: dt.date,
            unit: str = "") -> str:
    """``what`` (its amount first) in all by ``day``, or on ``on`` when it is the entry's
    own alone (of ``unit``, said again after the entry's own)."""
    if abs(total - own) < 1e-6 and day == on:
        return f"{_count(total)} {what} on {on}"
    return (f"{_count(total)} {what} in all by {day}, this entry's {_count(own)}{unit} "
            f"included")


def _beyond_giveable(entry: Contribution | Pledge, series: Mapping[dt.date, float],
                     since: dt.date, ix: Index) -> tuple[dt.date, float, str] | None:
    """The first day from ``since`` on when the running total of ``series`` (kg of the
    entry's good, by day) is above what the entry's locality can have given by then
    (:meth:`Index.giveable`): the day, the total and what it can give, in words."""
    found = _first_beyond(series, since,
                          lambda d: ix.giveable(entry.locality, entry.good, d), 0.5)
    if found is None:
        return None
    day, total, most = found
    return day, total, "none" if most < 0.5 else f"at most {_count(most)} kg"


def _giveable_warning(entry: Contribution | Pledge, done: str, can: str) -> EntryWarning:
    return EntryWarning("kg", f"{entry.locality} {done}; the scenario says it can give {can} "
                              f"by then (its stores and what it grows, less what its people "
                              f"keep)", "beyond_scenario")


def given_beyond(entry: Contribution, given: Mapping[dt.date, float],
                 ix: Index) -> EntryWarning | None:
    """A contribution that makes its locality have given more of the good than the scenario
    says it can (:meth:`Index.giveable`) on a day from the entry's on. ``given``: kg of the
    good the locality gave, by day, the entry counted (and the one it corrects not)."""
    found = _beyond_giveable(entry, given, entry.date, ix)
    if found is None:
        return None
    day, total, can = found
    gave = _in_all(total, entry.kg, f"kg of {entry.good}", day, entry.date, " kg")
    return _giveable_warning(entry, f"gave {gave}", can)


def pledged_beyond(entry: Pledge, pledged: Mapping[dt.date, float],
                   ix: Index) -> EntryWarning | None:
    """A pledge that makes its locality promise more of the good, by its ``by`` day or a later
    one, than the scenario says it can have given by then (the rule of
    :func:`given_beyond`). ``pledged``: kg of the good the locality's pledges promise, by the
    day each is due, the entry counted (and the one it corrects not)."""
    found = _beyond_giveable(entry, pledged, entry.by, ix)
    if found is None:
        return None
    day, total, can = found
    promised = (f"by {day}" if abs(total - entry.kg) < 1e-6 and day == entry.by else
                f"in all by {day}, this entry's {_count(entry.kg)} kg included")
    return _giveable_warning(entry, f"pledged {_count(total)} kg of {entry.good} {promised}",
                             can)


def labour_beyond(entry: Labour, persons: float, ix: Index) -> list[EntryWarning]:
    """Labour beyond the locality's people who can serve (:meth:`Index.labour`), or for more
    days than one person serves. ``persons``: all the locality registered, the entry counted
    (and the one it corrects not)."""
    pool, most = ix.labour(entry.locality)
    out = []
    if persons > pool + 1e-6:
        people = ix.places[entry.locality].population
        can = (f"{_count(pool)} of its {_count(people)} people can serve" if pool > 0
               else f"none of its {_count(people)} people can serve")
        registered = (f"{_count(persons)} persons" if abs(persons - entry.persons) < 1e-6
                      else f"{_count(persons)} persons in all, this entry's "
                           f"{_count(entry.persons)} included")
        out.append(EntryWarning("persons", f"{entry.locality} registered {registered}; the "
                                           f"scenario says {can}", "beyond_scenario"))
    if entry.days > most + 1e-9:
        out.append(EntryWarning("days", f"{entry.locality} registered persons to serve "
                                        f"{entry.days:g} days; the scenario says one person "
                                        f"serves at most {most:g} days", "beyond_scenario"))
    return out


def wounded_beyond(entry: Wounded, brought: Mapping[dt.date, float],
                   ix: Index) -> EntryWarning | None:
    """Wounded brought in from a front beyond those the scenario says arose there by then
    (:meth:`Index.arisen`). ``brought``: persons brought in from the front, by day, the
    entry counted (and the one it corrects not)."""
    found = _first_beyond(brought, entry.date, lambda d: ix.arisen(entry.front, d), 1e-6)
    if found is None:
        return None
    day, total, arisen = found
    said_ = "none" if arisen < 1e-6 else _count(arisen)
    what = _in_all(total, entry.persons, f"wounded brought in from {entry.front}", day,
                   entry.date)
    return EntryWarning("persons", f"{what}; the scenario says {said_} arose there by then",
                        "beyond_scenario")


def closed_spans(reports: Iterable[RouteReport], end: dt.date
                 ) -> dict[str, list[tuple[dt.date, dt.date]]]:
    """Per route, the days it was reported closed (to ``end`` when not reopened), from its
    reports in the order of their dates."""
    opened: dict[str, dt.date] = {}
    spans: dict[str, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for e in sorted(reports, key=lambda e: e.date):
        if e.status == "closed" and e.route not in opened:
            opened[e.route] = e.date
        elif e.status in ("reopened", "repaired") and e.route in opened:
            start = opened.pop(e.route)
            if e.date > start:
                spans[e.route].append((start, e.date - dt.timedelta(days=1)))
    for route, start in opened.items():
        spans[route].append((start, end))
    return spans


def route_closed(route: Route, day: dt.date, reported: Iterable[tuple[dt.date, dt.date]]
                 ) -> str | None:
    """Why ``route`` cannot be used on ``day`` (``None`` when it can): reported closed (its
    ``reported`` spans, :func:`closed_spans`), closed by the scenario, or not open yet."""
    for start, last in reported:
        if start <= day <= last:
            return f"it was reported closed on {start} and not reported reopened by then"
    for closure in route.closed:
        if closure.start <= day <= closure.end:
            return f"the scenario says it is closed from {closure.start} to {closure.end}"
    if route.open_from is not None and day < route.open_from:
        return f"the scenario says it opens on {route.open_from}"
    return None


def closed_under_convoys(entry: RouteReport, reports: Sequence[RouteReport],
                         convoys: Iterable[Dispatch], ix: Index) -> EntryWarning | None:
    """A route report that makes the route closed on days convoys already written were on
    it, from their day to the day their trip lands (the rule of :func:`over_closed_route`,
    from the report's side). ``reports``: the route's reports standing in the books, this one
    among them; ``convoys``: the dispatches standing over the route."""
    spans = closed_spans(reports, ix.end).get(entry.route, [])
    before = closed_spans([r for r in reports if r is not entry], ix.end).get(entry.route, [])

    def closed(day: dt.date, within: list[tuple[dt.date, dt.date]]) -> bool:
        return any(start <= day <= last for start, last in within)

    left: list[dt.date] = []  # the convoys' days, and the days they were on it closed
    on: set[dt.date] = set()
    for c in convoys:
        trip = ix.trip(c)
        days = [c.date] if trip is None else ix.on_route(c, trip)
        shut = [d for d in days if closed(d, spans) and not closed(d, before)]
        if shut:
            left.append(c.date)
            on.update(shut)
    if not left:
        return None
    days_ = words_and([str(d) for d in sorted(on)])
    one = len(left) == 1
    # (the days they left, where those are not the days said)
    gone = "" if set(left) == on else (
        f" (that left on {words_and([str(d) for d in sorted(set(left))])})")
    convoys_ = f"a convoy{gone} was" if one else f"{len(left)} convoys{gone} were"
    return EntryWarning("status", f"{convoys_} on {entry.route} on {days_}, which this "
                                  "report makes closed", "route_closed")


def report_without_effect(entry: RouteReport, reports: Sequence[RouteReport],
                          ix: Index) -> EntryWarning | None:
    """A reopening of a route not reported closed on its day, or a repair of one that holds
    no damage then (none reported, repaired already, or over by the route's repair days:
    :func:`~supplyline.hazards.damage_days_left`) and is not reported closed either: a
    report the books count nothing from. ``reports``: the route's reports standing in the
    books, this one among them (those dated after it do not count)."""
    if entry.status not in ("reopened", "repaired"):
        return None
    closed_on: dt.date | None = None
    reopened_by: RouteReport | None = None  # the report that ended the last closure
    ended_by: RouteReport | None = None  # the last report that ended damage or a closure
    damage: list[RouteReport] = []
    for e in sorted((r for r in reports if r is not entry and r.date <= entry.date),
                    key=lambda r: r.date):
        ends = (e.status == "repaired" and bool(damage)) or (
            e.status in ("reopened", "repaired") and closed_on is not None)
        if e.status == "closed" and closed_on is None:
            closed_on = e.date
        elif e.status in ("reopened", "repaired") and closed_on is not None:
            closed_on, reopened_by = None, e
        if e.status in ("strike", "damage"):
            damage.append(e)
        elif e.status == "repaired":
            damage = []
        if ends:
            ended_by = e
    route = entry.route
    said_ = f"{route} reported {entry.status} on {entry.date}, but"
    if entry.status == "reopened":
        if closed_on is not None:
            return None
        why = f"{said_} it was not reported closed by then"
        if reopened_by is not None:
            why += f" (it was reported {reopened_by.status} on {reopened_by.date} already)"
        shut = [c for c in ix.routes[route].closed if c.start <= entry.date <= c.end]
        if shut:
            why += (f"; the scenario says it is closed from {shut[0].start} to "
                    f"{shut[0].end}, which no report opens")
        return EntryWarning("status", why, "no_effect")
    repair = ix.routes[route].repair_days
    if closed_on is not None or any(
            damage_days_left(repair, (entry.date - e.date).days) > 0 for e in damage):
        return None
    if damage:
        last = max(damage, key=lambda e: e.date)
        why = (f"{said_} the {last.status} reported on {last.date} was over by then: the "
               f"scenario says it is repaired in {repair:g} day{'s' * (repair != 1)}, from "
               f"the day after")
    elif ended_by is not None:
        why = (f"{said_} it was reported {ended_by.status} on {ended_by.date} already, and "
               f"not struck, damaged or closed since")
    else:
        why = f"{said_} it was not reported struck, damaged or closed by then"
    return EntryWarning("status", why, "no_effect")


def carries_nothing(entry: Dispatch) -> EntryWarning | None:
    """A convoy with no cargo (no good above 0 kg, or none given): carriers are sent empty
    at times (home, or to fetch a load), but a cargo left out is the likelier mistake, and
    it showed only at the receipt, days later."""
    if any(kg > 0 for kg in entry.cargo_kg.values()):
        return None
    return EntryWarning("cargo_kg", f"the convoy carries nothing: {units_of(entry.units)} of "
                                    f"{entry.mode} sent empty from {entry.from_} to "
                                    f"{entry.to}", "no_cargo")


def service_left(entry: Labour, day: dt.date) -> float:
    """The service days each person ``entry`` registered still owes at the start of ``day``
    (a day on or after the entry's): its ``days`` from its date on, less one for every day
    since, for a carrier's crew serves every day its unit is in service, travelling or
    waiting (the planner's rule, :func:`~supplyline.accounting.crew_days`), and the books
    put it into service on the day it is registered. The State's service days owed
    (``labour_days_left``) and the warning of a convoy past them (:func:`sent_past_service`)
    read this one rule."""
    return max(0.0, entry.days - (day - entry.date).days)


def sent_past_service(entry: Dispatch, registered: Iterable[Labour], home: str | None,
                      ix: Index) -> EntryWarning | None:
    """A convoy of carriers whose registered service days (:func:`service_left`) are over
    before its trip lands, as the planner reckons the trip (:meth:`Index.on_route`): more of
    its units on the way on its last day than the carriers of its mode registered by its
    day still serve then. ``registered``: the carrier labour entries of its mode standing
    in the books of ``home`` (the place it left, where as many of its units as it carries
    are registered there), or of every locality (``home`` ``None``: the warning does not
    follow whose units wait elsewhere)."""
    mode = ix.modes[entry.mode]
    if mode.units_from != "labour":
        return None
    trip = ix.trip(entry)
    last = entry.date if trip is None else ix.on_route(entry, trip)[-1]
    crew = mode.crew_per_unit or 1.0
    taken = [e for e in registered if e.date <= entry.date]
    serving = sum(e.persons / crew for e in taken if service_left(e, last) > 0)
    if entry.units <= serving + 1e-6:
        return None
    whose = (f"{home}'s {entry.mode} units" if home is not None else
             f"the {entry.mode} units of every locality (this warning does not follow "
             f"whose wait at {entry.from_})")
    why = f"the service days registered for {whose} "
    ended = [e.date + dt.timedelta(days=math.ceil(e.days) - 1) for e in taken
             if service_left(e, last) <= 0]
    if not taken:
        why += f"are none by {entry.date}"
    elif serving <= 1e-6:
        why += f"are over by then (the last registered served to {max(ended)})"
    elif ended:
        why += f"hold {units_of(serving)} then (the others' served to {max(ended)})"
    else:
        why += f"hold {units_of(serving)} then, all registered by {entry.date}"
    return EntryWarning("units", f"the convoy's {units_of(entry.units)} of {entry.mode} are "
                                 f"in service to {last} (its trip to {entry.to}, as the "
                                 f"planner reckons it), but {why}", "service_over")


def received_too_soon(entry: Receipt, convoy: Dispatch, ix: Index) -> EntryWarning | None:
    """A receipt dated before its convoy can have arrived: its day, plus its trip's days on
    the move in dry weather (:class:`Trip`'s ``moving``: the planner's trip, :meth:`Index.
    trip`, also counts the rain it expects and the handling, which a quick convoy may not
    meet; a receipt on its day or after is not said). The books record what the clerks
    report, so it is written, with this warning."""
    trip = ix.trip(convoy)
    if trip is None or entry.date < convoy.date:  # (before it left: refused)
        return None
    lands = convoy.date + dt.timedelta(days=int(np.floor(trip.moving + 1e-9)))
    if entry.date >= lands:
        return None
    kind = "loaded" if trip.loaded else "empty"
    return EntryWarning("date", f"received on {entry.date}, but the convoy left {convoy.from_} "
                                f"on {convoy.date} and the scenario says its {kind} trip to "
                                f"{convoy.to} is {trip.moving:.2f} days on the move in dry "
                                f"weather: it lands on {lands} at the earliest",
                        "beyond_scenario")


def over_closed_route(entry: Dispatch, reports: Iterable[RouteReport],
                      ix: Index) -> EntryWarning | None:
    """A convoy over a route closed on a day it is on it (:func:`route_closed`): from its
    day to the day its trip lands, as the planner reckons the trip (:meth:`Index.trip`,
    :meth:`Index.on_route`: the planner forbids a trip whose route is closed on any of
    those days); ``reports``: the route's reports standing in the books."""
    rid = ix.route_of(entry)
    trip = ix.trip(entry)
    days = [entry.date] if trip is None else ix.on_route(entry, trip)
    spans = closed_spans(reports, ix.end).get(rid, [])
    for day in days:
        why = route_closed(ix.routes[rid], day, spans)
        if why is None:
            continue
        went = (f"went over {rid} on {entry.date}" if days[-1] == days[0] else
                f"is on {rid} from {days[0]} to {days[-1]} (its trip, as the planner "
                f"reckons it)")
        on = "" if day == entry.date else f"on {day}, "
        return EntryWarning("route", f"the convoy {went}: {on}{why}", "route_closed")
    return None
