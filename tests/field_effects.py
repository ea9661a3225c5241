"""Change one field of a scenario at a time and see whether anything observable changes.

The fields come from the schema (:mod:`supplyline.scenario.schema`), walked through
``model_fields``: every field of every class has a *key* such as
``routes[].capacity_movements_per_day`` or ``threats.air[].windows[].night_probability``
(``[]`` stands for any entry of a list). For one key and one scenario, :func:`Study.effect_of`
tries plausible changes of that field, entry by entry, until one of them changes something:

- ``check``: the scenario no longer loads (a :class:`~supplyline.ScenarioError`);
- ``plan``: the compiled LP differs (matrix, row bounds, column bounds or costs), with
  ``plan --replay NAME`` for the LP of each replay;
- ``validate``: the comparison with the observed figures differs (model value, figure,
  tolerance, comparison, verdict). It is computed on the same solution for the changed and the
  unchanged scenario (their LPs are then equal): the solved plan where one is given, and a
  fixed synthetic solution (deterministic values for every column) that makes every metric
  depend on every number it reads.

Entries are tried the first place of each kind first, then in file order, entries where the
field is written and entries where it is not in turn. A field that a scenario leaves empty is
set to a plausible value; a list that a scenario leaves empty gets one plausible entry (a
closure, a rain spell, a road work...), and the fields of that entry are then changed against
the scenario with it. A change that only makes ``check`` fail counts, but a change of a
number, a date, a switch or a choice that the plan sees is looked for first (a truck's tank
must change the plan, not only the porter's, which ``check`` refuses).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from supplyline.errors import ScenarioError, SupplylineError
from supplyline.network import Network, compile_network
from supplyline.plan import validate
from supplyline.plan.model import LinearProgram, Solution, SolveStatus, build_lp, solve_lp
from supplyline.plan.result import read_plan
from supplyline.scenario import schema as s
from supplyline.scenario.load import load_text

Doc = dict[str, Any]
Path = tuple[str | int, ...]
DELETE = object()  # a change that removes the field (back to its default)
#: PyYAML's emitter in C where it has one: writing each changed document out took a quarter
#: of this module's time in Python's.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


# -- the schema's fields -------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """One step from a scenario mapping down to an entry: a key, and whether it holds a list."""

    key: str
    many: bool
    model: type[BaseModel]


@dataclass(frozen=True)
class Slot:
    """One field of the schema, wherever it may occur in a scenario."""

    key: str  # e.g. "routes[].closed[].start"
    owners: tuple[Segment, ...]  # from the scenario down to the mapping holding the field
    model: type[BaseModel]  # the class holding the field
    name: str  # its Python name
    written: str  # its key in a file (the alias, when there is one)
    info: FieldInfo = field(compare=False, repr=False)

    @property
    def annotation(self) -> Any:
        return self.info.annotation


def _strip(annotation: Any) -> tuple[Any, list[Any]]:
    """``Annotated[X, ...]`` as ``(X, metadata)``."""
    metadata: list[Any] = []
    while typing.get_origin(annotation) is typing.Annotated:
        args = typing.get_args(annotation)
        annotation, metadata = args[0], [*metadata, *args[1:]]
    return annotation, metadata


def _members(annotation: Any) -> list[Any]:
    """The members of a union other than None (the annotation itself when not a union)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _entry_model(annotation: Any) -> tuple[type[BaseModel], bool] | None:
    """The schema class a field holds, and whether as a list (day series: their steps)."""
    for member in _members(_strip(annotation)[0]):
        member = _strip(member)[0]
        if _is_model(member):
            return member, False
        if typing.get_origin(member) is list:
            (item,) = typing.get_args(member)
            item = _strip(item)[0]
            if _is_model(item):
                return item, True
    return None


def schema_slots(model: type[BaseModel] = s.Scenario, prefix: str = "",
                 owners: tuple[Segment, ...] = ()) -> list[Slot]:
    """Every field of the schema, depth first, in declaration order."""
    out: list[Slot] = []
    for name, info in model.model_fields.items():
        written = info.alias or name
        key = prefix + written
        inner = _entry_model(info.annotation)
        section = inner is not None and not inner[1] and info.default is not None
        if not section:  # a section (policy, threats, a metric) is its fields
            out.append(Slot(key, owners, model, name, written, info))
        if inner is not None:
            entry, many = inner
            below = f"{key}[]." if many else f"{key}."
            out += schema_slots(entry, below, (*owners, Segment(written, many, entry)))
    return out


# -- what kind of value a field holds --------------------------------------------------------

Kind = Literal["bool", "literal", "int", "float", "date", "text", "id", "ref", "refs",
               "table", "series", "entry", "entries"]


@dataclass(frozen=True)
class Bounds:
    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None

    def admits(self, x: float) -> bool:
        return not (
            (self.gt is not None and x <= self.gt) or (self.ge is not None and x < self.ge)
            or (self.lt is not None and x >= self.lt) or (self.le is not None and x > self.le)
        )

    @property
    def upper(self) -> float | None:
        return self.le if self.le is not None else self.lt


def _bounds(annotation: Any, metadata: list[Any]) -> Bounds:
    found: dict[str, float] = {}
    items = list(metadata)
    base, inner = _strip(annotation)
    items += inner
    for member in _members(base):
        items += _strip(member)[1]
    while items:
        item = items.pop()
        if isinstance(item, FieldInfo):
            items += item.metadata
            continue
        for name in ("gt", "ge", "lt", "le"):
            value = getattr(item, name, None)
            if value is not None:
                found[name] = float(value)
    return Bounds(**found)


def _has_pattern(annotation: Any, metadata: list[Any]) -> bool:
    items = list(metadata)
    for member in _members(_strip(annotation)[0]):
        items += _strip(member)[1]
    for item in items:
        inner = item.metadata if isinstance(item, FieldInfo) else [item]
        if any(getattr(m, "pattern", None) for m in inner):
            return True
    return False


# Fields that name something else in the scenario: the values they may take instead.
def _vocabulary(doc: Doc, model: type[BaseModel], name: str) -> list[str] | None:
    places = doc.get("places", [])
    goods = [c["id"] for c in doc.get("commodities", []) if c.get("unit", "kg") == "kg"]
    modes = doc.get("modes", [])
    owned = [m["id"] for m in modes if m.get("units_from", "owned") == "owned"]
    mode_ids = owned + [m["id"] for m in modes if m["id"] not in owned]
    routes = doc.get("routes", [])
    route_keys = [r.get("id") or f"{r['from']}--{r['to']}" for r in routes]
    exposed = [k for k, r in zip(route_keys, routes, strict=True) if r.get("air_exposed", True)]
    route_keys = exposed + [k for k in route_keys if k not in exposed]
    regions = sorted({tag for p in places for tag in p.get("regions", [])})

    def of_kind(kind: str) -> list[str]:
        chosen = [p["id"] for p in places if p["kind"] == kind]
        return chosen + [p["id"] for p in places if p["kind"] != kind]

    table: dict[tuple[type[BaseModel], str], list[str]] = {
        (s.Mode, "rations_kg_per_day"): goods,
        (s.Mode, "fuel_commodity"): goods,
        (s.Place, "regions"): regions,
        (s.Place, "stock_kg"): goods,
        (s.Place, "production_kg_per_day"): goods,
        (s.Place, "carriers"): mode_ids,
        (s.Route, "from_"): [p["id"] for p in places],
        (s.Route, "to"): [p["id"] for p in places],
        (s.Route, "modes"): mode_ids,
        (s.Demand, "front"): of_kind("front"),
        (s.Demand, "commodity"): goods,
        (s.WoundedFlow, "front"): of_kind("front"),
        (s.WoundedFlow, "hospitals"): of_kind("hospital"),
        (s.RoadWork, "route"): route_keys,
        (s.AirThreat, "routes"): route_keys,
        (s.Sabotage, "regions"): regions,
        (s.RainSpell, "routes"): route_keys,
        (s.RainSpell, "regions"): regions,
        (s.Policy, "subsistence_kg_per_person_day"): goods,
        (s.Policy, "labour_rations_kg_per_day"): goods,
        (s.Policy, "wounded_rations_kg_per_day"): goods,
        (s.ReplayMobilization, "commodity"): goods,
        (s.ReplayMobilization, "regions"): regions,
        (s.ReplayMobilization, "places"): of_kind("locality"),
        (s.ReplayMobilization, "exclude_regions"): regions,
        (s.ReplayCarriers, "mode"): mode_ids,
        (s.Metric, "commodity"): goods,
        (s.Metric, "regions"): regions,
        (s.Metric, "place"): of_kind("depot"),
        (s.Metric, "mode"): mode_ids,
        (s.MetricTerm, "commodity"): goods,
        (s.MetricTerm, "regions"): regions,
        (s.MetricTerm, "place"): of_kind("depot"),
        (s.MetricTerm, "mode"): mode_ids,
        (s.Observed, "replay"): [r["name"] for r in doc.get("replays", [])],
        (s.Observed, "unit"): ["%", "t", "t/day", "day", "kg", "short_ton", "1"],
        (s.Costs, "per_unit_day"): mode_ids,
        (s.Costs, "per_unit_km"): mode_ids,
        (s.Price, "place"): of_kind("locality"),
        (s.Price, "commodity"): goods,
    }
    return table.get((model, name))


def kind_of(slot: Slot, doc: Doc) -> Kind:
    """How a field is changed."""
    base = _strip(slot.annotation)[0]
    members = [_strip(m)[0] for m in _members(base)]
    inner = _entry_model(slot.annotation)
    if inner is not None:
        entry, many = inner
        if entry is s.DaySeriesStep:
            return "series"
        return "entries" if many else "entry"
    vocabulary = _vocabulary(doc, slot.model, slot.name) is not None
    first = members[0]
    origin = typing.get_origin(first)
    if origin is dict:
        return "table"
    if origin is list:
        return "refs"
    if origin is Literal:
        return "literal"
    if first is bool:
        return "bool"
    if first is int:
        return "int"
    if first is float:
        return "float"
    if first is dt.date:
        return "date"
    if first is str and vocabulary:
        return "ref"
    if first is str and _has_pattern(slot.annotation, list(slot.info.metadata)):
        return "id"
    return "text"


# -- plausible values for what a scenario leaves empty ----------------------------------------


def _day(doc: Doc, offset: int, *, from_end: bool = False) -> str:
    anchor = doc["end_date"] if from_end else doc["start_date"]
    return (dt.date.fromisoformat(anchor) + dt.timedelta(days=offset)).isoformat()


def _goods(doc: Doc) -> list[str]:
    return [c["id"] for c in doc["commodities"] if c.get("unit", "kg") == "kg"]


def _plausible_value(slot: Slot, doc: Doc) -> Any:
    """A plausible value for a scalar field a scenario leaves empty."""
    special: dict[tuple[type[BaseModel], str], Any] = {
        (s.Commodity, "shelf_life_days"): 20,
        (s.Mode, "fuel_tank_kg"): [50.0, 10.0],  # a tank must be small to limit a leg
        (s.Place, "labour_share"): 0.3,
        (s.Place, "labour_max_days_per_person"): 10.0,
        (s.Place, "handling_tonnes_per_day"): 1.0,
        (s.Route, "capacity_movements_per_day"): 50.0,
        (s.Route, "capacity_tonnes_per_day"): 1.0,
        (s.Route, "open_from"): _day(doc, 5),
        (s.Demand, "kg_per_day"): 1000.0,
        (s.Demand, "troops"): 1000.0,
        (s.Demand, "ration_kg_per_person_day"): 0.5,
        (s.Demand, "start"): _day(doc, 5),
        (s.Demand, "end"): _day(doc, -5, from_end=True),
        (s.RoadWork, "start"): _day(doc, 5),
        (s.Policy, "max_burden"): 0.5,
        (s.Metric, "start"): _day(doc, 5),
        (s.Metric, "by"): _day(doc, -5, from_end=True),
        (s.MetricTerm, "start"): _day(doc, 5),
        (s.MetricTerm, "by"): _day(doc, -5, from_end=True),
    }
    if (slot.model, slot.name) in special:
        return special[(slot.model, slot.name)]
    return 1.0


def _new_entry(model: type[BaseModel], doc: Doc) -> Doc | None:
    """A plausible entry for a list that a scenario leaves empty."""
    goods = _goods(doc)
    routes = doc["routes"]
    regions = sorted({tag for p in doc["places"] for tag in p.get("regions", [])})
    owned = [m["id"] for m in doc["modes"] if m.get("units_from", "owned") == "owned"]
    fronts = [p["id"] for p in doc["places"] if p["kind"] == "front"]
    limited = [r for r in routes
               if "capacity_movements_per_day" in r or "capacity_tonnes_per_day" in r]
    tags = {p["id"]: set(p.get("regions", [])) for p in doc["places"]}
    touching = sorted({tag for r in limited for tag in tags[r["from"]] | tags[r["to"]]})
    entries: dict[type[BaseModel], Doc] = {
        s.Demand: {"front": fronts[0], "commodity": goods[-1], "kg_per_day": 100.0},
        s.Closure: {"start": _day(doc, 5), "end": _day(doc, 8)},
        s.ReserveTarget: {"days_of_supply": 3.0, "by": _day(doc, 15)},
        s.RoadWork: {"route": routes[0].get("id") or f"{routes[0]['from']}--{routes[0]['to']}",
                     "crew_days": 500.0, "by": _day(doc, 15)},
        s.AirWindow: {"start": _day(doc, 0), "end": _day(doc, 0, from_end=True),
                      "day_probability": 0.2, "night_probability": 0.05},
        s.AirThreat: {"windows": [{"start": _day(doc, 0), "end": _day(doc, 0, from_end=True),
                                   "day_probability": 0.2, "night_probability": 0.05}],
                      "capacity_lost_fraction": 0.3, "cargo_destroyed_fraction": 0.1},
        s.Sabotage: {"regions": (touching or regions)[:1], "probability_per_day": 0.05,
                     "capacity_lost_fraction": 0.3, "cargo_destroyed_fraction": 0.05},
        s.RainSpell: {"start": _day(doc, 3), "end": _day(doc, -3, from_end=True),
                      "probability_per_day": 0.3, "speed_factor": 0.8, "capacity_factor": 0.8},
        s.ReplayCarriers: {"mode": owned[0] if owned else doc["modes"][0]["id"],
                           "units": 10.0},
        s.ReplayMobilization: {"commodity": goods[0], "regions": regions[:1], "kg": 1000.0},
        s.Price: {"place": next(p["id"] for p in doc["places"] if p["kind"] == "locality"),
                  "commodity": goods[0], "per_kg": 0.2},
        s.WoundedFlow: {"front": next(p["id"] for p in doc["places"] if p["kind"] == "front"),
                        "persons_per_day": 2.0, "within_days": 3,
                        "hospitals": [p["id"] for p in doc["places"]
                                      if p["kind"] == "hospital"][:1]},
    }
    return copy.deepcopy(entries.get(model))


def _new_object(model: type[BaseModel], doc: Doc | None = None) -> Doc:
    """A plausible mapping for a one-entry field that a scenario leaves empty."""
    if model is s.ReplayLabour:
        return {"person_days": 1000.0}
    if model is s.MetricTerm:  # a percent over a percent: a figure in any unit of 1 reads it
        return {"kind": "demand_met_pct", **({"commodity": _goods(doc)[0]} if doc else {})}
    if model is s.Costs and doc is not None:
        modes = [m["id"] for m in doc["modes"]]
        locality = next(p["id"] for p in doc["places"] if p["kind"] == "locality")
        return {"wage_per_person_day": 1.0, "per_unit_day": {modes[0]: 1.0},
                "per_unit_km": {modes[0]: 0.1},
                "prices": [{"place": locality, "commodity": _goods(doc)[0], "per_kg": 0.2}]}
    return {}


def _steps(doc: Doc, value: float) -> list[Doc]:
    """A day series of two steps, the second a week in."""
    return [{"start": _day(doc, 0), "value": value}, {"start": _day(doc, 7), "value": value * 1.5}]


# -- reading and writing documents ----------------------------------------------------------


def _get(doc: Any, path: Path) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def _label(doc: Doc, path: Path) -> str:
    """A path as a person reads it: ``routes[ridge-road].closed[0].start``."""
    out = ""
    node: Any = doc
    for step in path:
        if isinstance(step, int):
            entry = node[step]
            name = None
            if isinstance(entry, dict):
                name = entry.get("id") or entry.get("name")
                if name is None and "from" in entry and "to" in entry:
                    name = f"{entry['from']}--{entry['to']}"
            out += f"[{name or step}]"
        else:
            out += f".{step}" if out else str(step)
        if not isinstance(node, (dict, list)) or (isinstance(node, dict) and step not in node):
            break
        node = node[step]
    return out


def _digest(doc: Doc) -> str:
    return hashlib.blake2b(json.dumps(doc, sort_keys=True).encode(), digest_size=16).hexdigest()


@dataclass
class Context:
    """A document to change, the mapping in it that holds the field, and how it was made."""

    doc: Doc
    owner: Path
    note: str = ""  # what was added to the scenario to have the field at all


def contexts(slot: Slot, doc: Doc) -> Iterator[Context]:
    """Every mapping of ``doc`` that holds (or could hold) the field, best candidates first.

    Where a list on the way is empty (or a day series is a constant), a plausible entry is
    added; the document of that context then includes it.
    """
    level: list[Context] = [Context(doc, ())]
    for segment in slot.owners:
        below: list[Context] = []
        for ctx in level:
            node = _get(ctx.doc, ctx.owner)
            value = node.get(segment.key)
            if not segment.many:
                if isinstance(value, dict):
                    below.append(Context(ctx.doc, (*ctx.owner, segment.key), ctx.note))
                    continue
                new_doc = copy.deepcopy(ctx.doc)
                _get(new_doc, ctx.owner)[segment.key] = _new_object(segment.model, new_doc)
                below.append(Context(new_doc, (*ctx.owner, segment.key),
                                     _join(ctx.note, f"set {segment.key}")))
                continue
            if isinstance(value, list) and value:
                below += [Context(ctx.doc, (*ctx.owner, segment.key, i), ctx.note)
                          for i in range(len(value))]
                continue
            new_doc = copy.deepcopy(ctx.doc)
            parent = _get(new_doc, ctx.owner)
            if segment.model is s.DaySeriesStep:
                if isinstance(value, (int, float)):
                    parent[segment.key] = _steps(new_doc, float(value))
                else:  # a series not given: the other way of saying it goes
                    if segment.key == "kg_per_day":
                        parent.pop("troops", None)
                        parent.pop("ration_kg_per_person_day", None)
                    if segment.key == "troops":
                        parent.pop("kg_per_day", None)
                        parent["ration_kg_per_person_day"] = 0.5
                    parent[segment.key] = _steps(new_doc, 1000.0)
                note = f"{segment.key} given as steps"
            else:
                entry = _new_entry(segment.model, new_doc)
                if entry is None:
                    continue
                parent[segment.key] = [entry]
                note = f"added a {segment.model.__name__} entry"
            below.append(Context(new_doc, (*ctx.owner, segment.key, 0),
                                 _join(ctx.note, f"{_label(new_doc, ctx.owner)}: {note}"
                                       if ctx.owner else note)))
        level = below
    yield from _enabling(slot, doc)
    yield from sorted(level, key=_ranking(slot, level))


def _enabling(slot: Slot, doc: Doc) -> Iterator[Context]:
    """Contexts in which a field the scenario leaves without effect has one, tried first.
    ``air_exposed`` says which routes an air threat that names none strikes: where every
    threat names its routes (the built-in scenario's do), it can change only what check
    says, so its routes are tried with the threats' route lists left out."""
    threats = doc.get("threats", {}).get("air", [])
    if (slot.model, slot.written) != (s.Route, "air_exposed") or \
            not any("routes" in t for t in threats):
        return
    new_doc = copy.deepcopy(doc)
    for threat in new_doc["threats"]["air"]:
        threat.pop("routes", None)
    for i in range(len(new_doc.get("routes", []))):
        yield Context(new_doc, ("routes", i), "the air threats' route lists left out")


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b


def _ranking(slot: Slot, level: list[Context]) -> Callable[[Context], tuple[int, int, int]]:
    """The first of each kind (of place) first; then, in file order, entries where the field
    is written and entries where it is not, taken in turn."""
    seen: set[Any] = set()
    rank: dict[int, tuple[int, int, int]] = {}
    counts = [0, 0]
    for ctx in level:
        node = _get(ctx.doc, ctx.owner)
        kind = node.get("kind") if isinstance(node, dict) else None
        group = 0 if slot.written in node else 1
        rank[id(ctx)] = (0 if kind not in seen else 1, counts[group], group)
        seen.add(kind)
        counts[group] += 1
    return lambda ctx: rank[id(ctx)]


# -- the changes tried ----------------------------------------------------------------------


def _current(slot: Slot, node: Doc) -> Any:
    if slot.written in node:
        return node[slot.written]
    if slot.info.is_required():
        return None
    return slot.info.get_default(call_default_factory=True)


def _numbers(value: float, bounds: Bounds, integer: bool) -> list[float]:
    if value == 0:
        moves = [1.0 if integer or (bounds.upper or 2.0) > 1 else 0.1]
    elif integer:
        moves = [max(value + 1, round(value * 1.5)), value - 1]
    else:
        moves = [value * 1.5, value * 0.5]
    upper = bounds.upper
    if upper is not None and value > 0:
        moves.append((value + upper) / 2 if not integer else upper)
    out: list[float] = []
    for x in moves:
        x = int(x) if integer else float(x)
        if x != value and bounds.admits(x) and x not in out:
            out.append(x)
    return out


def changes(slot: Slot, kind: Kind, ctx: Context) -> list[tuple[str, Any]]:
    """Plausible changes of the field in the mapping ``ctx.owner`` of ``ctx.doc``:
    ``(what was done, the new value or DELETE)``."""
    doc = ctx.doc
    node = _get(doc, ctx.owner)
    written = slot.written in node
    value = _current(slot, node)
    bounds = _bounds(slot.annotation, list(slot.info.metadata))
    out: list[tuple[str, Any]] = []
    optional = not slot.info.is_required()
    if kind == "bool":
        out.append((f"{value} -> {not value}", not value))
    elif kind == "literal":
        allowed = typing.get_args(_members(_strip(slot.annotation)[0])[0])
        out += [(f"{value!r} -> {x!r}", x) for x in allowed if x != value]
    elif kind in ("int", "float"):
        if value is None:
            made = _plausible_value(slot, doc)
            out += [(f"unset -> {x}", x) for x in (made if isinstance(made, list) else [made])]
        else:
            out += [(f"{value} -> {x:g}", x) for x in _numbers(value, bounds, kind == "int")]
    elif kind == "date":
        if value is None:
            made = _plausible_value(slot, doc)
            out.append((f"unset -> {made}", made))
        else:
            day = dt.date.fromisoformat(value)
            first, last = (dt.date.fromisoformat(doc[k]) for k in ("start_date", "end_date"))
            moved = [day + dt.timedelta(days=d) for d in (3, -3, 10, -10)]
            inside = [x for x in moved if first <= x <= last or slot.model is s.Scenario]
            out += [(f"{value} -> {x}", x.isoformat()) for x in inside or moved[:2]]
    elif kind == "text":
        out.append((f"{value!r} -> edited", f"{value or ''} (edited)"))
    elif kind == "id":
        siblings = _siblings(ctx, slot)
        out += [(f"{value!r} -> {x!r} (another entry's)", x) for x in siblings[:1]]
        out.append((f"{value!r} -> 'renamed'", "renamed"))
    elif kind == "ref":
        words = _vocabulary(doc, slot.model, slot.name) or []
        others = [x for x in words if x != value]
        out += [(f"{value!r} -> {x!r}", x) for x in others[:6]]
        if not others:  # nothing else to name: none, or a name of nothing
            if optional and value is not None:
                out.append(("removed (back to the default)", DELETE))
            out.append((f"{value!r} -> 'unknown'", "unknown"))
    elif kind == "refs":
        words = _vocabulary(doc, slot.model, slot.name) or []
        items = list(value or [])
        if len(items) > 1:
            out.append((f"{items} -> {items[:-1]}", items[:-1]))
        others = [x for x in words if x not in items]
        out += [(f"{items} -> {[*items, x]}", [*items, x]) for x in others[:4]]
        out += [(f"{items} -> {[x]}", [x]) for x in others[:2] if items]
    elif kind == "table":
        table = dict(value or {})
        bounds = _bounds(typing.get_args(_members(_strip(slot.annotation)[0])[0])[1], [])
        integer = _strip(typing.get_args(_members(_strip(slot.annotation)[0])[0])[1])[0] is int
        for key, amount in table.items():
            out += [(f"{key}: {amount} -> {x:g}", {**table, key: x})
                    for x in _numbers(amount, bounds, integer)[:1]]
        words = _vocabulary(doc, slot.model, slot.name) or []
        for key in [w for w in words if w not in table][:3]:
            amount = 10 if integer else 0.5 if (bounds.upper or 2) <= 1000 else 1000.0
            out.append((f"{key}: unset -> {amount}", {**table, key: amount}))
    elif kind == "series":
        if value is None:
            made = _plausible_value(slot, doc)
            out.append((f"unset -> {made}", made))
        elif isinstance(value, list):
            scaled = [{**step, "value": step["value"] * 1.5 + (1 if step["value"] == 0 else 0)}
                      for step in value]
            out.append(("every step's value x 1.5", scaled))
        else:
            out += [(f"{value} -> {x:g}", x) for x in _numbers(float(value), bounds, False)]
    elif kind == "entry":
        inner = _entry_model(slot.annotation)
        if (value is None or not written) and inner is not None:
            made = _new_object(inner[0], doc)
            out.append((f"unset -> {made}", made))
    elif kind == "entries":
        items = list(value or [])
        inner = _entry_model(slot.annotation)
        least = _min_length(slot)
        if len(items) > least:
            out.append((f"removed the last of {len(items)} entries", items[:-1]))
        made = _new_entry(inner[0], doc) if inner else None
        if made is not None:
            out.append(("added an entry", [*items, made]))
    removal = ("removed (back to the default)", DELETE)
    if (optional and written and value is not None and removal not in out
            and kind not in ("entries", "table", "refs")):
        out.append(removal)
    return out


def _min_length(slot: Slot) -> int:
    for item in slot.info.metadata:
        length = getattr(item, "min_length", None)
        if length is not None:
            return int(length)
    return 0


def _siblings(ctx: Context, slot: Slot) -> list[str]:
    """Ids of the other entries of the same list (for a duplicate)."""
    if not ctx.owner or not isinstance(ctx.owner[-1], int):
        return []
    entries = _get(ctx.doc, ctx.owner[:-1])
    out = []
    for i, entry in enumerate(entries):
        if i != ctx.owner[-1] and isinstance(entry, dict):
            other = entry.get(slot.written)
            if other is None and "from" in entry:
                other = f"{entry['from']}--{entry['to']}"
            if other is not None:
                out.append(other)
    return out


def changed_doc(ctx: Context, slot: Slot, value: Any) -> Doc:
    doc = copy.deepcopy(ctx.doc)
    node = _get(doc, ctx.owner)
    if value is DELETE:
        node.pop(slot.written, None)
    else:
        node[slot.written] = value
    return doc


# -- what can be observed -------------------------------------------------------------------

_LP_PARTS = ("indptr", "indices", "data", "row_lower", "row_upper", "lower", "upper", "cost")


def _lp_arrays(lp: LinearProgram) -> tuple[np.ndarray, ...]:
    a = lp.assembled
    return (a.matrix.indptr, a.matrix.indices, a.matrix.data, a.row_lower, a.row_upper,
            lp.variables.lower, lp.variables.upper, lp.cost)


def _same_arrays(a: tuple[np.ndarray, ...], b: tuple[np.ndarray, ...]) -> bool:
    return all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def _lp_hash(arrays: tuple[np.ndarray, ...]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for x in arrays:
        h.update(np.ascontiguousarray(x).tobytes())
        h.update(str(x.shape).encode())
    return h.hexdigest()


@dataclass
class Outcome:
    """What can be observed of one document: check's problems, or its LPs (built when first
    asked for: a change seen in the plain LP needs no replay's)."""

    problems: tuple[str, ...] = ()
    scenario: s.Scenario | None = None
    network: Network | str | None = None
    built: dict[str | None, LinearProgram | str] = field(default_factory=dict)
    arrays: dict[str | None, tuple[np.ndarray, ...]] = field(default_factory=dict)
    validation: dict[tuple[str | None, str], Any] | None = None

    @property
    def plans(self) -> list[str | None]:
        """The plain plan (None) and each replay."""
        if self.scenario is None:
            return []
        return [None, *sorted(r.name for r in self.scenario.replays)]

    def lp(self, replay: str | None) -> LinearProgram | str:
        """The LP of a plan, or why there is none (a replay the localities cannot give; a
        crash, which is a bug once check has passed)."""
        if replay in self.built:
            return self.built[replay]
        assert self.scenario is not None
        try:
            if self.network is None:
                self.network = compile_network(self.scenario)
            if isinstance(self.network, str):
                return self.network
            chosen = next((r for r in self.scenario.replays if r.name == replay), None)
            lp: LinearProgram | str = build_lp(self.network, chosen)
        except SupplylineError as error:
            lp = f"{type(error).__name__}: {error}"
        except Exception as error:  # check passed: a crash is a bug
            lp = f"CRASH {type(error).__name__}: {error}"
            if self.network is None:
                self.network = lp
        self.built[replay] = lp
        if not isinstance(lp, str):
            self.arrays[replay] = _lp_arrays(lp)
        return lp


def _synthetic(n_columns: int) -> Solution:
    """A fixed solution with a distinct value in every column: a stand-in for a plan."""
    x = np.random.default_rng(20240501).uniform(0.5, 2.0, n_columns) * 100.0
    return Solution(SolveStatus.OPTIMAL, 0.0, x, np.zeros(0), 0.0, "synthetic")


@dataclass
class Effect:
    """The first change of a field that had an effect, or every change tried."""

    key: str
    found: str | None  # "where: what was done -> what changed"
    tried: list[str]
    check_only: bool = False  # the only effect found: check refuses the change


class Study:
    """The field effects of one scenario.

    Parameters
    ----------
    scenario:
        The scenario as loaded.
    solve:
        Solve its plain plan and each replay's plan once, and compare the observed figures
        on those plans too (besides the synthetic solution).
    max_tries:
        Most changes tried for one field before it is reported without effect.
    """

    def __init__(self, scenario: s.Scenario, *, solve: bool, max_tries: int) -> None:
        self.doc: Doc = scenario.model_dump(mode="json", by_alias=True, exclude_unset=True)
        self.max_tries = max_tries
        self._outcomes: dict[str, Outcome] = {}
        self._solved: dict[str, Solution] = {}
        self.evaluations = 0
        base = self.outcome(self.doc)
        assert not base.problems, base.problems
        if solve:
            for replay in base.plans:
                lp = base.lp(replay)
                assert not isinstance(lp, str), lp
                self._solved[_lp_hash(base.arrays[replay])] = solve_lp(lp)

    def outcome(self, doc: Doc, *, keep: bool = True) -> Outcome:
        digest = _digest(doc)
        if digest in self._outcomes:
            return self._outcomes[digest]
        self.evaluations += 1
        out = Outcome()
        try:
            s.Scenario.model_validate(doc)
            text = yaml.dump(doc, Dumper=_DUMPER, sort_keys=False, allow_unicode=True)
            scenario = load_text(text, "<field effects>")
        except ValidationError as error:
            out.problems = tuple(sorted(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                                        for e in error.errors()))
        except ScenarioError as error:
            out.problems = tuple(sorted(f"{p.field}: expected {p.expected}, got {p.got}"
                                        for p in error.problems))
        else:
            out.scenario = scenario
        if keep:
            self._outcomes[digest] = out
        return out

    def _validation(self, out: Outcome) -> dict[tuple[str | None, str], Any]:
        """The observed figures' comparison, per plan and solution."""
        if out.validation is not None:
            return out.validation
        result: dict[tuple[str | None, str], Any] = {}
        for replay in out.plans:
            lp = out.lp(replay)
            if isinstance(lp, str):
                continue
            arrays = out.arrays[replay]
            solutions = {"synthetic": _synthetic(lp.n_columns)}
            solved = self._solved.get(_lp_hash(arrays))
            if solved is not None:
                solutions["solved"] = solved
            for which, solution in solutions.items():
                try:
                    values = validate(read_plan(lp, solution, replay))
                    result[(replay, which)] = [
                        (round(v.model, 9), v.value, v.tolerance, v.compare, v.passed)
                        for v in values
                    ]
                except Exception as error:  # any failure is an observable change
                    result[(replay, which)] = f"{type(error).__name__}: {error}"
        out.validation = result
        return result

    def effects(self, base: Outcome, doc: Doc) -> list[str]:
        """What differs between ``base`` and the document ``doc``."""
        out = self.outcome(doc, keep=False)
        if out.problems != base.problems:
            return [f"check: {'; '.join(out.problems)[:300]}"]
        if out.plans != base.plans:
            return [f"plans: {base.plans} -> {out.plans}"]
        for replay in base.plans:
            where = "plan" if replay is None else f"plan --replay {replay}"
            a, b = base.lp(replay), out.lp(replay)
            if isinstance(a, str) or isinstance(b, str):
                if a != b:
                    return [f"{where}: {b if isinstance(b, str) else 'builds again'}"]
            elif not _same_arrays(base.arrays[replay], out.arrays[replay]):
                parts = [name for name, x, y in zip(_LP_PARTS, base.arrays[replay],
                                                    out.arrays[replay], strict=True)
                         if x.shape != y.shape or not np.array_equal(x, y)]
                return [f"{where}: LP {', '.join(parts)}"]
        before, after = self._validation(base), self._validation(out)
        if before != after:
            keys = sorted({k for k in {*before, *after} if before.get(k) != after.get(k)},
                          key=str)
            shown = ", ".join(f"{replay or 'plan'}/{which}" for replay, which in keys)
            return [f"validate ({shown})"]
        return []

    def effect_of(self, slot: Slot, max_tries: int | None = None) -> Effect:
        """Try changes of ``slot`` until one has an effect (at most ``max_tries``)."""
        limit = self.max_tries if max_tries is None else max_tries
        kind = kind_of(slot, self.doc)
        tried: list[str] = []
        refused: str | None = None  # a change that check refuses, if nothing else is found
        settled_by_check = kind in ("id", "ref", "refs", "entries", "text")
        for ctx in contexts(slot, self.doc):
            base = self.outcome(ctx.doc)
            where = _label(ctx.doc, (*ctx.owner, slot.written))
            if ctx.note:
                where += f" (with {ctx.note})"
            if base.problems:
                tried.append(f"{where}: the context itself does not load: {base.problems[:2]}")
                continue
            for what, value in changes(slot, kind, ctx):
                found = self.effects(base, changed_doc(ctx, slot, value))
                tried.append(f"{where}: {what}")
                text = f"{where}: {what} -> {'; '.join(found)}"
                if found and (settled_by_check or not found[0].startswith("check")):
                    return Effect(slot.key, text, tried, found[0].startswith("check"))
                if found and refused is None:
                    refused = text
                if len(tried) >= limit:
                    return Effect(slot.key, refused, tried, refused is not None)
        return Effect(slot.key, refused, tried, refused is not None)
