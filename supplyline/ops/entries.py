"""The kinds of entry in the council's books, validated with pydantic and then against the
scenario (places, goods, modes and routes exist and fit, dates inside the horizon).

An entry is a fact on a date: a pledge, a contribution received, labour registered, a
convoy dispatched, a receipt (what arrived, what was lost and why), wounded evacuated, a
route report. Each kind says whose books it belongs to (:func:`place_of`): the locality for
pledges, contributions and labour, the sending place for a dispatch, the receiving place
for a receipt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from supplyline.errors import SupplylineError
from supplyline.scenario._yaml_lines import shown
from supplyline.scenario.schema import Number, Scenario

__all__ = [
    "KINDS",
    "Contribution",
    "Dispatch",
    "Entry",
    "EntryError",
    "Labour",
    "Loss",
    "Pledge",
    "Receipt",
    "RouteReport",
    "UnitLoss",
    "Wounded",
    "check_entry",
    "parse_entry",
    "said",
]

Kg = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False), Number]
PositiveKg = Annotated[float, Field(gt=0, le=1e12, allow_inf_nan=False), Number]
Note = Annotated[str, Field(max_length=2000)]
Ident = Annotated[str, Field(min_length=1, max_length=200)]


class EntryError(SupplylineError):
    """An entry that cannot be written: ``field`` is where (dotted path in the entry),
    ``message`` what was expected and what was found. Nothing was written."""

    def __init__(self, field: str, message: str, status: int = 422) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.status = status


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    date: dt.date = Field(description="the day it happened")
    note: Note = Field("", description="free text kept with the entry")
    corrects: Annotated[int, Field(ge=1, le=2**62), Number] | None = Field(
        None, description="id of the entry this one corrects (replaces)")


class Pledge(_Entry):
    """What a locality promised to give."""

    kind: Literal["pledge"] = "pledge"
    locality: Ident
    good: Ident
    kg: PositiveKg
    by: dt.date = Field(description="the day it is promised by")


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
    units: Annotated[float, Field(gt=0, le=1e9, allow_inf_nan=False), Number]
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

    units: Annotated[float, Field(gt=0, le=1e9, allow_inf_nan=False), Number]
    reason: Literal["strike", "raid", "breakdown", "illness", "desertion"]


class Receipt(_Entry):
    """A convoy's arrival: what was received and what was lost on the way, and why. Every
    kg dispatched is either received or lost; every unit sent arrives (and waits at the
    destination) unless ``units_lost`` says it was lost on the way, and why."""

    kind: Literal["receipt"] = "receipt"
    dispatch: Annotated[int, Field(ge=1, le=2**62), Number]
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


Entry = Annotated[
    Pledge | Contribution | Labour | Dispatch | Receipt | Wounded | RouteReport,
    Field(discriminator="kind"),
]
PLACE_KINDS = ("locality", "depot", "junction", "front", "hospital")
KINDS = ("pledge", "contribution", "labour", "dispatch", "receipt", "wounded", "route")
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
                     "date_from_datetime_inexact"), "a date YYYY-MM-DD"),
    "string_type": "text",
    **dict.fromkeys(("dict_type", "model_type", "model_attributes_type"),
                    "an object {name: value, ...}"),
    "list_type": "a list",
}
_BOUNDS = {"greater_than": ("gt", "greater than"), "greater_than_equal": ("ge", "of at least"),
           "less_than": ("lt", "less than"), "less_than_equal": ("le", "of at most")}


def said(error: Mapping[str, Any]) -> tuple[list[str | int], str]:
    """A pydantic error (one of ``ValidationError.errors()``) as the books say every error:
    where (its ``loc``, an entry's own ``kind`` tag left out; a bad or missing kind at
    ``kind``) and "expected ..., got ..."."""
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    loc = [x for i, x in enumerate(error["loc"])
           if not (x in KINDS and (i == 0 or error["loc"][i - 1] == "body"
                                   or isinstance(error["loc"][i - 1], int)))]
    got = shown(value)
    if kind in _EXPECTED:
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
    elif kind == "missing":
        expected, got = "a value", "nothing"
    elif kind == "extra_forbidden":
        expected, got = "a known field", f"unknown field {shown(loc[-1] if loc else '')}"
    else:
        expected = str(error["msg"]).removeprefix("Input should be ")
    return loc, f"expected {expected}, got {got}"


def _number(x: Any) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def dump_entry(entry: Entry) -> dict[str, Any]:
    """The entry as JSON-ready data (``from`` spelled as written)."""
    data: dict[str, Any] = entry.model_dump(mode="json", by_alias=True)
    return data


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
        return [rid for rid, r in self.routes.items() if mode in r.modes and (
            (r.from_, r.to) == (a, b) or (not r.one_way and (r.from_, r.to) == (b, a)))]

    def route_of(self, entry: Dispatch) -> str:
        """The route a convoy took: the one it names, else the only one joining its ends."""
        if entry.route is not None:
            return entry.route
        return self.routes_between(entry.from_, entry.to, entry.mode)[0]


def _one_of(field: str, value: str, choices: Any, what: str) -> None:
    if value not in choices:
        shown = ", ".join(sorted(choices)) or "none"
        raise EntryError(field, f"expected {what} ({shown}), got {value!r}")


def _place(ix: Index, field: str, value: str, kinds: tuple[str, ...], what: str) -> None:
    place = ix.places.get(value)
    if place is None or place.kind not in kinds:
        shown = ", ".join(sorted(p for p, v in ix.places.items() if v.kind in kinds))
        raise EntryError(field, f"expected {what} ({shown}), got {value!r}")


def _whole(field: str, units: float) -> None:
    """Carriers are counted whole: a porter, a bicycle, a truck. (The schema keeps a number,
    so that books written before this rule still read.)"""
    if units != round(units):
        raise EntryError(field, f"expected a whole number of units, got {units:g}")


def check_entry(entry: Entry, ix: Index) -> None:
    """Raise :class:`EntryError` where ``entry`` does not fit the scenario."""
    if not ix.start <= entry.date <= ix.end:
        raise EntryError("date", f"expected a day from {ix.start} to {ix.end} (the scenario's "
                                 f"horizon), got {entry.date}")
    not_locality = PLACE_KINDS[1:]
    if isinstance(entry, Pledge | Contribution):
        _place(ix, "locality", entry.locality, ("locality",), "a locality")
        _one_of("good", entry.good, ix.goods, "a good counted in kg")
        if isinstance(entry, Contribution):
            if entry.at != entry.locality:
                _place(ix, "at", entry.at, not_locality,
                       "the locality itself or a place that is not a locality")
        elif entry.by < entry.date:
            raise EntryError("by", f"expected a day on or after the pledge's date "
                                   f"{entry.date}, got {entry.by}")
    elif isinstance(entry, Labour):
        _place(ix, "locality", entry.locality, ("locality",), "a locality")
        labour_modes = {m for m, v in ix.modes.items() if v.units_from == "labour"}
        if entry.role == "carrier":
            if entry.mode is None:
                raise EntryError("mode", "expected the carriers' mode for role 'carrier', "
                                         "got none")
            _one_of("mode", entry.mode, labour_modes, "a mode whose units come from labour")
        elif entry.mode is not None:
            raise EntryError("mode", f"expected no mode for role {entry.role!r}, "
                                     f"got {entry.mode!r}")
    elif isinstance(entry, Dispatch):
        _whole("units", entry.units)
        _place(ix, "from", entry.from_, PLACE_KINDS, "a place")
        _place(ix, "to", entry.to, PLACE_KINDS, "a place")
        _one_of("mode", entry.mode, ix.modes, "a mode")
        joining = ix.routes_between(entry.from_, entry.to, entry.mode)
        if not joining:
            raise EntryError("to", f"expected a place joined to {entry.from_!r} by a route "
                                   f"that {entry.mode!r} may use, got {entry.to!r}")
        if entry.route is not None and entry.route not in joining:
            raise EntryError("route", f"expected a route from {entry.from_!r} to "
                                      f"{entry.to!r} that {entry.mode!r} may use "
                                      f"({', '.join(joining)}), got {entry.route!r}")
        if entry.route is None and len(joining) > 1:
            raise EntryError("route", f"expected the route taken: {', '.join(joining)} join "
                                      f"{entry.from_!r} and {entry.to!r}, got none")
        for good in entry.cargo_kg:
            _one_of(f"cargo_kg.{good}", good, ix.goods, "a good counted in kg")
        payload = ix.modes[entry.mode].payload_kg * entry.units
        if sum(entry.cargo_kg.values()) > payload * (1 + 1e-9):
            raise EntryError("cargo_kg", f"expected at most {payload:,.0f} kg ({entry.units:g} "
                                         f"units × {ix.modes[entry.mode].payload_kg:g} kg), "
                                         f"got {sum(entry.cargo_kg.values()):,.0f} kg")
    elif isinstance(entry, Receipt):
        for good in entry.received_kg:
            _one_of(f"received_kg.{good}", good, ix.goods, "a good counted in kg")
        for i, loss in enumerate(entry.losses):
            _one_of(f"losses.{i}.good", loss.good, ix.goods, "a good counted in kg")
        for i, gone in enumerate(entry.units_lost):
            _whole(f"units_lost.{i}.units", gone.units)
    elif isinstance(entry, Wounded):
        _place(ix, "front", entry.front, ("front",), "a front")
        _place(ix, "hospital", entry.hospital, ("hospital",), "a hospital")
    elif isinstance(entry, RouteReport):
        _one_of("route", entry.route, ix.routes, "a route id")
        damaged = entry.status in ("strike", "damage")
        if damaged and entry.capacity_lost is None:
            raise EntryError("capacity_lost", f"expected the share of capacity lost (0 to 1] "
                                              f"for a {entry.status}, got none")
        if not damaged and entry.capacity_lost is not None:
            raise EntryError("capacity_lost", f"expected none for status {entry.status!r}, "
                                              f"got {entry.capacity_lost}")

