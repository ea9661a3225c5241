"""Checks across sections of a scenario that the schema alone cannot make.

Unknown or duplicate ids, places of the wrong kind, dates outside the horizon, steps out of
order, fronts that cannot be supplied or left (:mod:`supplyline.scenario._reach`). Every
problem names the line where the offending value was written.

The checks read the raw data one field at a time (:class:`Entry`), so they run whether or
not the schema passed: a value that does not validate is skipped (the schema reports it),
and every other value of the same entry is still checked. A route with a negative length,
an unknown place and an unknown mode gives three problems. Ids are taken as written even
from entries that failed, so one bad place does not make every route to it "unknown" too.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import typing
from collections import Counter
from collections.abc import Collection, Iterator
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from supplyline.errors import Problem
from supplyline.scenario._describe import is_model, is_union, split_annotated, union_members
from supplyline.scenario._reach import Finding, Reach, findings
from supplyline.scenario._yaml_lines import Locations, Path, Spot, shown
from supplyline.scenario.schema import (
    ID_PATTERN,
    MAX_DAY_VALUE,
    METRIC_UNITS,
    SHARE_KINDS,
    AirThreat,
    AirWindow,
    Closure,
    Commodity,
    Costs,
    DaySeriesStep,
    Demand,
    Metric,
    MetricTerm,
    Mode,
    Observed,
    Place,
    Policy,
    Price,
    RainSpell,
    Replay,
    ReplayCarriers,
    ReplayLabour,
    ReplayMobilization,
    ReserveTarget,
    RoadWork,
    Route,
    Sabotage,
    Scenario,
    Threats,
    Weights,
    WoundedFlow,
    each_once_fields,
)
from supplyline.scenario.tables import (
    LINE_DETOUR_FACTOR,
    LINE_END_KM,
    Points,
    end_room_km,
    haversine_km,
    line_misses,
    shortest_route_km,
)
from supplyline.text import closest, did_you_mean
from supplyline.units import UnitProblem, convert, currency_unit

__all__ = ["Entry", "check_references"]


#: The costs that make something cost money (what a cost weight, a currency and an observed
#: figure about money need).
MONEY_FIELDS = "wage_per_person_day, per_unit_day, per_unit_km, prices"


def costs_money(costs: Entry | Any) -> bool:
    """Whether a scenario's ``costs`` (its data, or their :class:`Entry`) make something cost
    money (:data:`MONEY_FIELDS`), or may: a cost the schema could not read."""
    if not isinstance(costs, Entry):
        costs = Entry(Costs, costs, ("costs",))
    unread = any(name in costs.data and costs.get(name) is None
                 for name in MONEY_FIELDS.split(", "))
    return unread or any(costs.get(name) for name in MONEY_FIELDS.split(", "))


@functools.cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = model.model_fields[name]
    annotation: Any = info.annotation
    if info.metadata:
        annotation = Annotated[(annotation, *info.metadata)]
    return TypeAdapter(annotation)


class Entry:
    """One mapping of raw scenario data, read a field at a time against its schema class.

    Parameters
    ----------
    model:
        The schema class the mapping should match.
    data:
        The mapping as written (anything else reads as an empty mapping).
    path:
        Where it is in the scenario, for messages.
    """

    def __init__(self, model: type[BaseModel], data: Any, path: Path) -> None:
        self.model = model
        self.readable = isinstance(data, dict)
        self.data: dict[Any, Any] = data if isinstance(data, dict) else {}
        self.path = path

    def key(self, name: str) -> str:
        """The key a user writes for field ``name`` (its alias, when it has one)."""
        info = self.model.model_fields.get(name)
        return (info.alias or name) if info is not None else name

    def at(self, name: str, *more: str | int) -> Path:
        """The data path of field ``name`` (and further keys below it)."""
        return (*self.path, self.key(name), *more)

    def get(self, name: str) -> Any:
        """The field's value as the schema reads it; its default when not written.

        ``None`` when the value does not validate, when a required field is missing, for a
        field this schema does not have, and for a field not written beside an unknown key
        that is likely it misspelt (``popuation``: the schema says so; reading population
        as its default 0 would add problems that are not there).
        """
        info = self.model.model_fields.get(name)
        if info is None:
            return None
        key = info.alias or name
        if key not in self.data:
            if info.is_required() or closest(key, self._unknown_keys()) is not None:
                return None
            return info.get_default(call_default_factory=True)
        try:
            return _adapter(self.model, name).validate_python(self.data[key])
        except (ValidationError, ValueError, TypeError):
            return None

    def written(self, name: str) -> Any:
        """The field's value as written (``road_use: 2``, not the 2.0 the schema reads), to
        quote back to the user (a YAML value: a table's cells are text)."""
        return self.data.get(self.key(name))

    def _unknown_keys(self) -> list[str]:
        fields = self.model.model_fields
        known = {info.alias or field for field, info in fields.items()}
        return [key for key in self.data if isinstance(key, str) and key not in known]

    def names(self, name: str) -> list[tuple[Path, str]]:
        """Each text item of a list field (ids, region tags), with its path."""
        items = self.data.get(self.key(name))
        if not isinstance(items, list):
            return []
        return [(self.at(name, position), item) for position, item in enumerate(items)
                if isinstance(item, str)]

    def keys(self, name: str) -> list[str]:
        """The text keys of a mapping field (``stock_kg``: commodity ids)."""
        table = self.data.get(self.key(name))
        return [key for key in table if isinstance(key, str)] if isinstance(table, dict) else []

    def entries(self, name: str, model: type[BaseModel]) -> list[Entry]:
        """The entries of a list field whose items are schema mappings."""
        items = self.data.get(self.key(name))
        if not isinstance(items, list):
            return []
        return [Entry(model, item, self.at(name, index)) for index, item in enumerate(items)]

    def entry(self, name: str, model: type[BaseModel]) -> Entry:
        """The mapping held by a field whose value is one schema mapping."""
        return Entry(model, self.data.get(self.key(name)), self.at(name))


def _nothing_every_day(series: Any) -> bool:
    """Whether a day series (a number, or steps with a value each) is 0 on every day."""
    if isinstance(series, int | float) and not isinstance(series, bool):
        return series == 0
    if isinstance(series, list):  # (no steps at all: nothing on any day)
        return all(getattr(step, "value", None) == 0 for step in series)
    return False


def check_references(
    data: dict[str, Any], locations: Locations, file: str, unreadable: Collection[str] = (),
    unused: bool = True, compiled: bool = False,
) -> list[Problem]:
    """Every cross-reference problem in raw scenario data.

    Parameters
    ----------
    data:
        The scenario mapping as read (tables included), valid or not.
    locations:
        Where each value was written.
    file:
        The scenario file, for values without a recorded place.
    unreadable:
        Sections that could not be read at all (a missing table): nothing is compared
        with their ids.
    unused:
        Also report what can never be used (:meth:`_Checker.check_unused`).
    compiled:
        Check the scenario as it is compiled for a plan (:func:`supplyline.scenario.whatif
        .check`): the references that compiling reads, not what the planner leaves unused
        or short (dates outside the horizon, which a plan of the first days or one from a
        later day leaves; values without effect; fronts that nothing can reach).

    Returns
    -------
    list of Problem
        Empty when the scenario is consistent.
    """
    checker = _Checker(data, locations, file, unreadable, compiled)
    checker.check_duplicates()
    checker.check_modes()
    checker.check_places()
    checker.check_routes()
    checker.check_demand()
    checker.check_wounded()
    checker.check_road_works()
    checker.check_threats()
    checker.check_policy()
    checker.check_replays()
    checker.check_observed()
    checker.check_costs()
    checker.check_dates(checker.top)
    checker.check_once(checker.top)
    checker.check_reach()
    if unused and not compiled:
        checker.short_routes()
    if unused:
        checker.check_unused()
    elif not compiled:  # a what-if may ask a question (no trucks), never set what no plan reads
        checker.labour_carriers()
    return checker.problems


def _on_day(series: Any, day: dt.date) -> float:
    """A day series' value on ``day`` (as :func:`~supplyline.scenario.series.
    series_over_horizon` reads it: 0 before its first step)."""
    if not isinstance(series, list):
        return float(series)
    steps = [step for step in series if step.start <= day]
    return float(max(steps, key=lambda step: step.start).value) if steps else 0.0


def _first_open(spans: list[tuple[dt.date, dt.date]], day: dt.date) -> dt.date:
    """The first day from ``day`` on that no closed window of ``spans`` (sorted) closes."""
    for start, end in spans:
        if start <= day <= end:
            day = end + dt.timedelta(days=1)
    return day


def _did_you_mean(value: str, known: Collection[str]) -> str:
    return did_you_mean(value, sorted(known)) if known else " (none are defined)"


def _written(items: Any, key: str, unreadable: bool) -> set[str] | None:
    """The ids of a section as written, or ``None`` when there is nothing to compare with:
    also where an id is not one (``id: the bridge``, said by the schema; the references to
    ``bridge`` are likely right, and "did you mean 'the bridge'?" would lead astray), and
    where an entry has none (said by the schema: a places table whose header names its id
    column ``ID`` had each reference to a place said as "expected a known place id (none
    are defined)", a key ``idd:`` each reference to its place)."""
    if unreadable or not isinstance(items, list) or not items:
        return None  # an empty list here already fails the schema (at least one is needed)
    if not all(isinstance(item, dict) for item in items):
        return None  # (an entry that is not a mapping: whose id is it?)
    ids = [item.get(key) for item in items]
    if not all(_is_id(value) for value in ids):
        return None
    return set(ids)


def _is_id(value: Any) -> bool:
    """Whether ``value`` is an identifier as the schema has one."""
    return isinstance(value, str) and len(value) <= 64 and re.fullmatch(
        ID_PATTERN, value) is not None


def _route_keys(routes: Any, unreadable: bool) -> set[str] | None:
    if unreadable or not isinstance(routes, list) or not routes:
        return None
    if not all(isinstance(item, dict) for item in routes) or not all(
            _is_id(item["id"]) for item in routes if item.get("id") is not None):
        return None
    return {str(item["id"]) if item.get("id") is not None
            else f"{item.get('from')}--{item.get('to')}" for item in routes}


@functools.cache
def _date_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``model`` that hold a date."""
    dates = []
    for name, info in model.model_fields.items():
        base, _ = split_annotated(info.annotation)
        members = union_members(base) if is_union(base) else [base]
        if dt.date in [split_annotated(member)[0] for member in members]:
            dates.append(name)
    return tuple(dates)


@functools.cache
def _nested(model: type[BaseModel]) -> tuple[tuple[str, str, type[BaseModel]], ...]:
    """``(field, form, M)`` for each field of ``model`` that holds schema mappings of class
    ``M``, in the form ``"one"``, ``"list"`` or ``"dict"`` (one per form a union allows)."""
    found = []
    for name, info in model.model_fields.items():
        base, _ = split_annotated(info.annotation)
        for member in union_members(base) if is_union(base) else [base]:
            inner, _ = split_annotated(member)
            origin = typing.get_origin(inner)
            if is_model(inner):
                found.append((name, "one", inner))
            elif origin in (list, dict):
                item, _ = split_annotated(typing.get_args(inner)[-1])
                if is_model(item):
                    found.append((name, "list" if origin is list else "dict", item))
    return tuple(found)


def _below(entry: Entry) -> Iterator[tuple[str, type[BaseModel], list[Entry]]]:
    """``(form, M, entries)`` for each field of ``entry`` that holds schema mappings of class
    ``M`` as written (see :func:`_nested`; a value of another form yields nothing)."""
    for name, form, model in _nested(entry.model):
        raw = entry.data.get(entry.key(name))
        if form == "one" and isinstance(raw, dict):
            yield form, model, [entry.entry(name, model)]
        elif form == "list" and isinstance(raw, list):
            yield form, model, entry.entries(name, model)
        elif form == "dict" and isinstance(raw, dict):
            yield form, model, [Entry(model, raw[key], entry.at(name, key)) for key in raw]


# Models whose start and end are when the plan itself runs (not a season or a closure that
# may run past the horizon): each date must lie within the horizon.
_PLAN_DATES: tuple[type[BaseModel], ...] = (Demand,)


class _Checker:
    def __init__(self, data: dict[str, Any], locations: Locations, file: str,
                 unreadable: Collection[str], compiled: bool = False) -> None:
        self.locations = locations
        #: Whether what the planner leaves unused passes (see :func:`check_references`).
        self.compiled = compiled
        self.file = file
        self.problems: list[Problem] = []
        self.unreadable = set(unreadable)
        self.named_commodities: set[str] = set()  # commodity ids some other value names
        self.top = top = Entry(Scenario, data, ())
        self.commodities = top.entries("commodities", Commodity)
        self.modes = top.entries("modes", Mode)
        self.place_entries = top.entries("places", Place)
        self.routes = top.entries("routes", Route)
        self.demand = top.entries("demand", Demand)
        self.wounded = top.entries("wounded", WoundedFlow)
        self.road_works = top.entries("road_works", RoadWork)
        threats = top.entry("threats", Threats)
        self.air = threats.entries("air", AirThreat)
        self.sabotage = threats.entries("sabotage", Sabotage)
        self.rain = threats.entries("rain", RainSpell)
        self.policy = top.entry("policy", Policy)
        self.replays = top.entries("replays", Replay)
        self.observed = top.entries("observed", Observed)
        self.costs = top.entry("costs", Costs)

        self.written: dict[str, set[str] | None] = {
            section: _written(data.get(section), key, section in unreadable)
            for section, key in (("commodities", "id"), ("modes", "id"), ("places", "id"),
                                 ("replays", "name"))
        }
        self.written["routes"] = _route_keys(data.get("routes"), "routes" in unreadable)
        self.places: dict[str, Entry] = {}
        self._points: Points | None = None
        self.line_missed: set[Path] = set()  # routes whose line misses its places
        for place in self.place_entries:
            place_id = place.get("id")
            if place_id is not None:
                self.places.setdefault(place_id, place)
        self.units: dict[str, str | None] = {}
        for mode in self.modes:
            mode_id = mode.get("id")
            if mode_id is not None:
                self.units.setdefault(mode_id, mode.get("units_from"))
        region_lists = [place.get("regions") for place in self.place_entries]
        self.regions: set[str] | None = {
            region for regions in region_lists if regions for region in regions
        }
        if self.written["places"] is None or None in region_lists or not all(
            place.readable for place in self.place_entries
        ):
            self.regions = None  # some place's regions could not be read

    # -- reporting ------------------------------------------------------------------------

    def report(self, path: Path, expected: str, got: str, at_key: bool = False) -> None:
        if self.locations.already_reported(path):
            return  # (a CSV row of the wrong length: its cells stand under other columns)
        spot = self.locations.nearest(path)
        file = spot.file if spot is not None else self.file
        line = spot.line if spot is not None else None
        if at_key and spot is not None and spot.key_line is not None:
            line = spot.key_line
        self.problems.append(Problem(file, line, self.locations.field_name(path), expected,
                                     got))

    def named(self, path: Path) -> str:
        """The field at ``path`` and, where it was written in a file, its line."""
        return self.locations.field_name(path) + self.where(self.locations.nearest(path))

    def where(self, spot: Spot | None) -> str:
        """``, line N`` of a value written at ``spot`` (``, FILE line N`` in a table), to
        name the line of a field a message names beside the one it is said at; nothing
        where it was not written."""
        if spot is None or spot.line is None:
            return ""
        if spot.file != self.file:
            return f", {spot.file} line {spot.line}"
        return f", line {spot.line}"

    def known(self, path: Path, value: Any, what: str, section: str,
              at_key: bool = False) -> bool:
        """Whether ``value`` is an id of ``section``; reports it when it is not.

        A value that is not text is left to the schema.
        """
        known = self.written[section]
        if known is None or not isinstance(value, str):
            return False  # that section could not be read: nothing to compare with
        if value in known:
            if section == "commodities":
                self.named_commodities.add(value)
            return True
        hint = _did_you_mean(value, known)
        if section == "routes" and value in (self.written["places"] or ()):
            hint = " (a route's id, or FROM--TO for one without)"
            value_said = f"{shown(value)} (a place)"
        else:
            value_said = shown(value)
            ends = self.route_between(value) if section == "routes" else None
            if ends is not None:  # (written backwards, or the ends of a route with an id)
                hint = f" (the route between those places is {shown(ends)})"
        expected = f"a known {what} id{hint}"
        if section == "modes":  # (a scenario has few: each is named, as a field's choices)
            listed = ", ".join(str(mode.get("id")) for mode in self.modes
                               if mode.get("id") is not None)
            close = closest(value, sorted(known))
            expected = f"one of the scenario's modes ({listed}" + (
                f"; did you mean {close!r}?)" if close is not None else ")")
        self.report(path, expected, value_said, at_key)
        return False

    def route_between(self, value: str) -> str | None:
        """The key of the one route that joins the places of ``value``, written FROM--TO,
        either way round; None where it is no FROM--TO of known places, or where no route
        or several join them."""
        a, dashes, b = value.partition("--")
        if not dashes:
            return None
        keys = [self.route_key(route) for route in self.routes
                if {route.get("from_"), route.get("to")} == {a, b}]
        return keys[0] if len(keys) == 1 and isinstance(keys[0], str) else None

    def commodity(self, path: Path, value: Any, at_key: bool = False) -> None:
        if self.known(path, value, "commodity", "commodities", at_key):
            found = next((c for c in self.commodities if c.get("id") == value), None)
            if found is not None and found.get("unit") == "person":
                self.report(path, "a goods commodity (unit kg)",
                            f"{shown(value)} (counted in persons)", at_key)

    def place(self, path: Path, value: Any, kind: str | None = None) -> None:
        if self.known(path, value, "place", "places"):
            found = self.places.get(value)
            found_kind = found.get("kind") if found is not None else None
            if kind is not None and found_kind is not None and found_kind != kind:
                self.report(path, f"a place of kind {kind}", f"{shown(value)} (a {found_kind})")

    def region(self, path: Path, value: str) -> None:
        if self.regions is not None and value not in self.regions:
            self.report(path, "a region tag that some place has"
                        + _did_you_mean(value, self.regions), shown(value))

    @functools.cached_property
    def horizon(self) -> tuple[dt.date, dt.date] | None:
        """``(start_date, end_date)``, or ``None`` when they cannot be read or are reversed."""
        start, end = self.top.get("start_date"), self.top.get("end_date")
        if start is None or end is None or end < start:
            return None
        return start, end

    def in_horizon(self, path: Path, date: dt.date | None) -> None:
        horizon = self.horizon
        if date is None or horizon is None:
            return
        start, end = horizon
        if not start <= date <= end and not self.compiled:
            self.report(path, f"a date from {start} to {end} (the horizon)", date.isoformat())

    def in_order(self, entry: Entry, names: tuple[str, str]) -> None:
        first, last = entry.get(names[0]), entry.get(names[1])
        if first is not None and last is not None and first > last:
            self.report(entry.at(names[1]), f"{names[1]} on or after {names[0]} ({first})",
                        last.isoformat())

    # -- the checks -----------------------------------------------------------------------

    def check_duplicates(self) -> None:
        sections: list[tuple[list[Entry], str]] = [
            (self.commodities, "id"), (self.modes, "id"), (self.place_entries, "id"),
            (self.routes, "id"), (self.replays, "name"), (self.observed, "id"),
        ]
        for entries, field in sections:
            first: dict[str, Entry] = {}
            for entry in entries:
                key = entry.get(field)
                path = entry.at(field)
                if entries is self.routes:
                    key, path = self.route_key(entry), entry.path
                    if entry.get("id") is not None:
                        path = entry.at("id")
                if key is None:
                    continue
                if key in first and entries is self.routes and entry.get("id") is None:
                    # (an id the route was given, as FROM--TO, where it was written none)
                    other = self.named(first[key].path)
                    why = (f"{other} has the id {shown(key)} that this route would take"
                           if first[key].get("id") is not None else
                           f"{other} also runs from {entry.get('from_')} to "
                           f"{entry.get('to')}: a second route between them needs an id to "
                           "tell it apart")
                    self.report(path, f"an id ({why})", "no id")
                elif key in first:
                    self.report(path, f"a unique id (also used by "
                                f"{self.named(first[key].path)})", shown(key))
                else:
                    first[key] = entry
        # A cut, a protection and a report name a route or a place by its id alone.
        places = {e.get("id"): e for e in self.place_entries if e.get("id") is not None}
        for entry in self.routes:
            key = self.route_key(entry)
            if key is not None and key in places:
                self.report(entry.at("id") if entry.get("id") is not None else entry.path,
                            f"a route id no place has (also the id of "
                            f"{self.named(places[key].at('id'))})", shown(key))

    @staticmethod
    def route_key(route: Entry) -> str | None:
        """The route's id, or ``FROM--TO``; ``None`` when those cannot be read."""
        if route.data.get("id") is not None:  # (an id written empty, null: none)
            key = route.get("id")
            return key if isinstance(key, str) else None
        origin, dest = route.get("from_"), route.get("to")
        return f"{origin}--{dest}" if origin is not None and dest is not None else None

    def check_modes(self) -> None:
        for mode in self.modes:
            for commodity in mode.keys("rations_kg_per_day"):
                self.commodity(mode.at("rations_kg_per_day", commodity), commodity,
                               at_key=True)
            self.commodity(mode.at("fuel_commodity"), mode.get("fuel_commodity"))
        # road_use weighs a mode's movements against a route's movement capacity: it can act
        # only where such a capacity is given (written: one the schema refuses is reported
        # there, not again here).
        limited: set[str] = set()
        for route in self.routes:
            if route.data.get("capacity_movements_per_day") is not None:
                limited.update(m for _, m in route.names("modes"))
        routes_read = self.written["routes"] is not None  # (else no route is known)
        for mode in self.modes:
            # (an id that is no text is an error of its own: the routes cannot name it)
            if ("road_use" in mode.data and isinstance(mode.get("id"), str)
                    and mode.get("id") not in limited and routes_read and not self.compiled):
                self.report(mode.at("road_use"),
                            "road_use only on a mode that uses a route with "
                            "capacity_movements_per_day (elsewhere it has no effect)",
                            shown(mode.written("road_use")))

    def check_places(self) -> None:
        for place in self.place_entries:
            for name in ("stock_kg", "production_kg_per_day"):
                for commodity in place.keys(name):
                    self.commodity(place.at(name, commodity), commodity, at_key=True)
            for mode in place.keys("carriers"):
                self.known(place.at("carriers", mode), mode, "mode", "modes", at_key=True)

    def check_routes(self) -> None:
        for route in self.routes:
            origin, dest = route.get("from_"), route.get("to")
            self.place(route.at("from_"), origin)
            self.place(route.at("to"), dest)
            if origin is not None and origin == dest:
                self.report(route.at("to"), "a place other than 'from'", shown(dest))
            for path, mode in route.names("modes"):
                self.known(path, mode, "mode", "modes")
            if self.line_joins(route, origin, dest):
                self.line_missed.add(route.path)

    def ends(self, origin: Any, dest: Any) -> tuple[tuple[float, float], ...] | None:
        """The ``(lon, lat)`` of a route's two places; None where either is unknown or its
        coordinates cannot be read (reported at that place)."""
        places = [self.places.get(name) if isinstance(name, str) else None
                  for name in (origin, dest)]
        points = [(place.get("lon"), place.get("lat")) if place is not None else (None, None)
                  for place in places]
        if any(None in point for point in points):
            return None
        return typing.cast(tuple[tuple[float, float], ...], tuple(points))

    def short_routes(self) -> None:
        """Each route no shorter than the great-circle distance between its places, less
        the room its ends have (:func:`~supplyline.scenario.tables.shortest_route_km`, the
        rule a GeoJSON line's ends meet their places by): one far shorter joins other
        coordinates than its places' (a place's lat and lon swapped). Where the places are
        drawn is not planned with: a what-if may ask for a shorter road, and a scenario
        built in code may put its places in a row, so only a file is held to it."""
        for route in self.routes:
            if route.path not in self.line_missed:  # (said of its line)
                self.not_too_short(route, route.get("from_"), route.get("to"))

    def not_too_short(self, route: Entry, origin: Any, dest: Any) -> None:
        """:meth:`short_routes` for one route."""
        points = self.ends(origin, dest)
        length = route.get("length_km")
        if points is None or length is None:
            return
        (lon1, lat1), (lon2, lat2) = points
        straight = haversine_km(lon1, lat1, lon2, lat2)
        shortest = shortest_route_km(straight)
        if length < shortest:
            self.report(route.at("length_km"),
                        f"a length_km of at least {shortest:,.1f} km (the great-circle "
                        f"distance between {origin!r} at lat {lat1:g}, lon {lon1:g} and "
                        f"{dest!r} at lat {lat2:g}, lon {lon2:g}, {straight:,.1f} km, less "
                        f"{end_room_km(straight):,.1f} km at each end where a road may "
                        "begin: lat and lon swapped?)", shown(route.written("length_km")))

    def line_joins(self, route: Entry, origin: Any, dest: Any) -> bool:
        """A route whose length was read from its line (GeoJSON): the line joins its places,
        nearer them than any other place, and is not far longer than the way between them,
        so that the length is this route's. Whether it was found not to (and said so)."""
        parts = self.locations.lines.get(route.path)
        points = self.ends(origin, dest)
        if points is None or parts is None:
            return False
        ends = ((origin, points[0]), (dest, points[1]))
        near, misses = line_misses(parts, typing.cast(Any, ends), self.points())
        if misses:
            self.report(route.at("length_km"),
                        f"a line that joins {origin!r} and {dest!r} (its ends, or its "
                        f"parts' ends, within {near:,.1f} km of them or of each other and "
                        f"nearer them than any other place; no longer than "
                        f"{LINE_DETOUR_FACTOR:g} × the straight distance between them and "
                        f"{2 * LINE_END_KM:g} km), or "
                        "a length_km property", "a line: " + "; ".join(misses))
        return bool(misses)

    def points(self) -> Points:
        """The places whose coordinates can be read, to find the one nearest a point."""
        if self._points is None:
            found = {}
            for place_id, place in self.places.items():
                lon, lat = place.get("lon"), place.get("lat")
                if lon is not None and lat is not None:
                    found[place_id] = (float(lon), float(lat))
            self._points = Points.of(found)
        return self._points

    def check_once(self, entry: Entry) -> None:
        """Each item of a list of ids once, in every such list (``each_once`` in the schema)
        at or below ``entry``: a mode listed twice on a route read as two ways along it, and
        its units as never coming home."""
        for name in each_once_fields(entry.model):
            what = name.rsplit("_", 1)[-1].removesuffix("s")  # (exclude_regions: a region)
            seen: set[str] = set()
            for path, item in entry.names(name):
                if item in seen:
                    self.report(path, f"each {what} once in {name}", f"{shown(item)} again")
                seen.add(item)
        for _, _, children in _below(entry):
            for child in children:
                self.check_once(child)

    def check_demand(self) -> None:
        for demand in self.demand:
            self.place(demand.at("front"), demand.get("front"), "front")
            self.commodity(demand.at("commodity"), demand.get("commodity"))
            self.in_order(demand, ("start", "end"))
            self.troops_fed(demand)
            # A reserve is days of that day's demand: outside the demand's days it is nil.
            first = demand.get("start") or (self.horizon or (None, None))[0]
            last = demand.get("end") or (self.horizon or (None, None))[1]
            dates: set[dt.date] = set()
            for reserve in demand.entries("reserves", ReserveTarget):
                by = reserve.get("by")
                if by is not None and by in dates:
                    self.report(reserve.at("by"), "each date once in a demand's reserves "
                                "(two targets by one day: which holds?)", f"{by} again")
                dates.add(by)
                if self.compiled or by is None or first is None or last is None:
                    continue
                horizon = self.horizon
                if first <= by <= last or first > last or (horizon is not None and not all(
                        horizon[0] <= day <= horizon[1] for day in (by, first, last))):
                    continue  # (a date outside the horizon, or the demand's days out of
                    # order, are said as such, once)
                self.report(reserve.at("by"), f"a date from {first} to {last} (the days of "
                            "this demand: a reserve is days of that day's demand, nil "
                            "outside them)", by.isoformat())

    def troops_fed(self, demand: Any) -> None:
        """Troops × ration within what ``kg_per_day`` may say (each was within its own limit,
        and their product, 10^15 kg a day, stopped the planner with no field named)."""
        troops, ration = demand.get("troops"), demand.get("ration_kg_per_person_day")
        if troops is None or ration is None:  # (not written, or the schema's to say)
            return
        peak = max((step.value for step in troops), default=0.0) if isinstance(troops, list) \
            else float(troops)
        if peak * ration > MAX_DAY_VALUE:
            self.report(demand.at("troops"), f"troops × ration_kg_per_person_day of at most "
                        f"{MAX_DAY_VALUE:.0e} kg a day (the most kg_per_day may say)",
                        f"{peak:.3g} × {ration:.3g} = {peak * ration:.3g} kg a day")

    def check_wounded(self) -> None:
        persons = [c for c in self.commodities if c.get("unit") == "person"]
        for commodity in persons[1:]:
            self.report(commodity.at("unit"),
                        f"one commodity of unit person (the wounded: {persons[0].get('id')})",
                        "'person' again")
        all_read = all(c.readable and c.get("unit") is not None for c in self.commodities)
        if self.wounded and not persons and all_read and self.written["commodities"]:
            self.report(("wounded",), "a commodity with unit: person to carry the wounded",
                        "no such commodity", at_key=True)
        for flow in self.wounded:
            self.place(flow.at("front"), flow.get("front"), "front")
            for path, hospital in flow.names("hospitals"):
                self.place(path, hospital, "hospital")

    def check_road_works(self) -> None:
        for work in self.road_works:
            self.known(work.at("route"), work.get("route"), "route", "routes")
            self.in_order(work, ("start", "by"))

    def check_threats(self) -> None:
        for air in self.air:
            for path, route in air.names("routes"):
                self.known(path, route, "route", "routes")
            for window in air.entries("windows", AirWindow):
                self.in_order(window, ("start", "end"))
                night = window.get("night_probability")
                if isinstance(night, int | float) and night > 0 and not self.night_modes():
                    self.report(window.at("night_probability"),
                                "0 when no mode is night_only (only night-only movement "
                                "meets it)", shown(night))
            self.overlapping_windows(air)
        # night_only chooses which of an air threat's chances a mode meets (its night one):
        # with no air threat written it acts on nothing (raids hit day and night alike).
        threats = self.top.data.get("threats", {})
        if (isinstance(threats, dict) and threats.get("air", []) == []
                and not self.compiled):
            for mode in self.modes:
                if mode.data.get("night_only") is True:
                    self.report(mode.at("night_only"),
                                "false when no air threat is given (night-only movement "
                                "differs only under an air threat's night_probability)",
                                "true")
        for sabotage in self.sabotage:
            for path, region in sabotage.names("regions"):
                self.region(path, region)
        for rain in self.rain:
            self.in_order(rain, ("start", "end"))
            for path, route in rain.names("routes"):
                self.known(path, route, "route", "routes")
            for path, region in rain.names("regions"):
                self.region(path, region)

    def overlapping_windows(self, air: Entry) -> None:
        """An air threat's windows that overlap add up (its chance on a day is the sum of
        theirs): a sum above 1 is no chance. Said once per window and kind, on the day the
        window begins or the first day it shares with an earlier one."""
        windows = [w for w in air.entries("windows", AirWindow)
                   if w.readable and None not in (w.get("start"), w.get("end"))]
        for name in ("day_probability", "night_probability"):
            for later in windows:
                day = later.get("start")
                overlap = [w for w in windows if w.get("start") <= day <= w.get("end")
                           and w is not later]
                # (a value the schema refuses counts as 0 here: it is said there)
                total = sum(w.get(name) or 0.0 for w in [*overlap, later])
                if overlap and total > 1 and (later.get(name) or 0.0) > 0:
                    others = ", ".join(self.named(w.path) for w in overlap)
                    room = max(0.0, 1 - (total - (later.get(name) or 0.0)))
                    self.report(later.at(name), f"at most {room:.3g} (on {day} this window "
                                f"overlaps {others}, and an air threat's windows add up to "
                                "its chance that day, at most 1)",
                                f"{shown(later.written(name))} (together {total:.3g})")

    def night_modes(self) -> bool:
        """Whether some mode moves only at night (or the modes cannot be read)."""
        return any(m.get("night_only") is True or not m.readable for m in self.modes)

    def overridden_policy(self) -> None:
        """A policy default written where every place that would take it gives its own:
        localities their labour_share; places whose persons serve days
        (:meth:`serves_days`) their labour_max_days_per_person (changing the policy's
        changed nothing)."""
        for name in ("labour_share", "labour_max_days_per_person"):
            if name not in self.policy.data:
                continue
            if name == "labour_share":
                places = [p for p in self.place_entries if p.get("kind") == "locality"]
            else:
                places = [p for p in self.place_entries if self.serves_days(p) is not False]
            if places and all(p.get(name) is not None for p in places):
                who = ("locality" if name == "labour_share"
                       else "place whose persons serve days")
                self.report(self.policy.at(name), f"a default some place takes (every {who} "
                            f"gives its own {name}: else it is never used)",
                            shown(self.policy.written(name)))

    def check_policy(self) -> None:
        for name in ("subsistence_kg_per_person_day", "labour_rations_kg_per_day",
                     "wounded_rations_kg_per_day"):
            for commodity in self.policy.keys(name):
                self.commodity(self.policy.at(name, commodity), commodity, at_key=True)
        # Steps longer than the horizon are never used: refused in a file, a what-if and a
        # sweep's variant alike (not where a plan of the first days cuts the horizon).
        horizon = self.horizon
        if horizon is not None and not self.compiled:
            days = (horizon[1] - horizon[0]).days + 1
            for name, most in (("step_days", days), ("daily_start_days", days - 1)):
                value = self.policy.get(name)
                if name in self.policy.data and isinstance(value, int) and value > most:
                    self.report(self.policy.at(name), f"at most {most} (the horizon is "
                                f"{days} days: more is never used)", shown(value))

    def check_replays(self) -> None:
        for replay in self.replays:
            for given in replay.entries("mobilization", ReplayMobilization):
                self.commodity(given.at("commodity"), given.get("commodity"))
                for path, place in given.names("places"):
                    self.place(path, place, "locality")
                for name in ("regions", "exclude_regions"):
                    for path, region in given.names(name):
                        self.region(path, region)
                self.excludes_some(given)
            modes: dict[Any, Entry] = {}
            for carriers in replay.entries("carriers", ReplayCarriers):
                mode = carriers.get("mode")
                self.known(carriers.at("mode"), mode, "mode", "modes")
                if mode is not None and mode in modes:
                    self.report(carriers.at("mode"), "each mode once in a replay's carriers "
                                f"(also capped by {self.named(modes[mode].path)}: which "
                                "holds?)", f"{shown(mode)} again")
                modes.setdefault(mode, carriers)

    def excludes_some(self, given: Entry) -> None:
        """Each of a replay entry's exclude_regions leaves out some locality its regions
        (every locality, where it names none) would take: one that leaves out none changes
        nothing."""
        if self.regions is None:
            return  # (some place's regions could not be read: said there)
        regions = [r for _, r in given.names("regions")]
        taken = [set(place.get("regions") or ()) for place in self.places.values()
                 if place.get("kind") == "locality"
                 and (not regions or set(regions) & set(place.get("regions") or ()))]
        for path, region in given.names("exclude_regions"):
            if region in self.regions and not any(region in tags for tags in taken):
                among = (f"those of {', '.join(map(shown, regions))}" if regions
                         else "the localities")
                self.report(path, f"a region tag of some locality the entry takes (none of "
                                  f"{among} is tagged {shown(region)}: leaving it out "
                                  "changes nothing)", shown(region))

    def check_observed(self) -> None:
        for observed in self.observed:
            metric = observed.entry("metric", Metric)
            for term in (metric, metric.entry("per", MetricTerm)):
                # (no figure counts persons: wounded of a commodity would be read as goods)
                self.commodity(term.at("commodity"), term.get("commodity"))
                self.known(term.at("place"), term.get("place"), "place", "places")
                self.known(term.at("mode"), term.get("mode"), "mode", "modes")
                for path, region in term.names("regions"):
                    self.region(path, region)
            self.known(observed.at("replay"), observed.get("replay"), "replay", "replays")
            self.money_unit(observed, metric)
            self.share_of_a_whole(observed, metric)

    def share_of_a_whole(self, observed: Entry, metric: Entry) -> None:
        """A share of a whole (:data:`SHARE_KINDS`) is at most 100 %."""
        kind, value, unit = metric.get("kind"), observed.get("value"), observed.get("unit")
        if kind not in SHARE_KINDS or metric.data.get("per") is not None or value is None or (
                not isinstance(unit, str)):
            return
        try:
            percent = convert(value, unit, "%")
        except UnitProblem:
            return  # (said at the unit)
        if percent > 100 * (1 + 1e-9):
            self.report(observed.at("value"), f"at most 100 % (a {kind} figure is a share "
                        "of a whole)", f"{observed.written('value')} {unit}")

    def money_unit(self, observed: Entry, metric: Entry) -> None:
        """A figure about money is in the scenario's currency (per the metric's unit)."""
        kinds = [metric.get("kind"), metric.entry("per", MetricTerm).get("kind")]
        unit = observed.get("unit")
        if not isinstance(unit, str) or not any(
                "CURRENCY" in METRIC_UNITS.get(k, "") for k in kinds if isinstance(k, str)):
            return
        currency = self.costs.get("currency") or "USD"
        if not isinstance(currency, str):
            return
        try:
            units = [METRIC_UNITS[k].replace("CURRENCY", currency_unit(currency))
                     for k in kinds if isinstance(k, str) and k in METRIC_UNITS]
            convert(1.0, unit, units[0] if len(units) == 1 else f"({units[0]}) / ({units[1]})")
        except UnitProblem as problem:
            self.report(observed.at("unit"), f"{problem}, in the scenario's currency "
                        f"{currency}", shown(unit))

    def check_costs(self) -> None:
        for name in ("per_unit_day", "per_unit_km"):
            for mode in self.costs.keys(name):
                self.known(self.costs.at(name, mode), mode, "mode", "modes", at_key=True)
        priced: dict[tuple[Any, Any], Entry] = {}
        for price in self.costs.entries("prices", Price):
            self.place(price.at("place"), price.get("place"), "locality")
            self.commodity(price.at("commodity"), price.get("commodity"))
            key = (price.get("place"), price.get("commodity"))
            if None not in key and key in priced:  # (which one to change: its place,
                # or its commodity; its per_kg changes nothing)
                self.report(price.at("place"), "one price for each place and commodity "
                            f"(also priced by {self.named(priced[key].path)}: which holds?)",
                            f"{shown(key[1])} at {shown(key[0])} again")
            priced.setdefault(key, price)

    # -- dates ----------------------------------------------------------------------------

    def check_dates(self, entry: Entry) -> None:
        """Every date written anywhere (fields added to the schema later included).

        A window of the world (a threat window, a rain spell, a closure) may run past the
        horizon, but not lie wholly outside it; any other date must lie within it; a step
        of a day series must hold on some day of it.
        """
        dates = list(_date_fields(entry.model)) if entry.model is not Scenario else []
        if {"start", "end"} <= set(dates) and entry.model not in _PLAN_DATES:
            self.window_in_horizon(entry)
            dates = [name for name in dates if name not in ("start", "end")]
        for name in dates:
            if entry.key(name) in entry.data:
                self.in_horizon(entry.at(name), entry.get(name))
        for form, model, children in _below(entry):
            if form == "list" and model is DaySeriesStep:
                self.check_steps(children)
            else:
                for child in children:
                    self.check_dates(child)

    def window_in_horizon(self, window: Entry) -> None:
        horizon = self.horizon
        first, last = window.get("start"), window.get("end")
        if horizon is None or first is None or last is None or first > last:
            return
        start, end = horizon
        expected = f"a window that overlaps the horizon ({start} to {end})"
        if self.compiled:
            return
        if last < start:
            self.report(window.at("end"), expected, f"{first} to {last} (before it)")
        elif first > end:
            self.report(window.at("start"), expected, f"{first} to {last} (after it)")

    def check_steps(self, steps: list[Entry]) -> None:
        """Steps sorted by start, each holding on some day of the horizon."""
        starts = [step.get("start") for step in steps]
        for index in range(1, len(steps)):
            before, here = starts[index - 1], starts[index]
            if before is not None and here is not None and here <= before:
                self.report(steps[index].at("start"), f"steps sorted by start, after {before}",
                            here.isoformat())
        horizon = self.horizon
        if horizon is None or self.compiled:
            return
        start, end = horizon
        for index, (step, first) in enumerate(zip(steps, starts, strict=True)):
            following = starts[index + 1] if index + 1 < len(starts) else None
            if first is None:
                continue
            if first > end:
                self.report(step.at("start"), f"a step that starts by {end} (the horizon's "
                            "last day)", first.isoformat())
            elif following is not None and first < following <= start:
                self.report(step.at("start"),
                            f"a step that holds on some day from {start} (the next step "
                            f"starts {following})", first.isoformat())

    # -- reachability ---------------------------------------------------------------------

    def check_reach(self) -> None:
        """Fronts that goods cannot reach or units cannot leave; carriers that cannot move.

        Runs only when every place, route and mode can be read and every reference between
        them is known: a guess about a broken network would only repeat the problem.
        """
        net = self.network()
        if net is None or self.compiled:
            return
        index = {place.get("id"): place for place in self.place_entries}
        found = findings(net)
        # (units that could never leave their owner, an owned mode no place owns, or one of
        # people no locality may send (a labour share of 0): what they could not reach
        # follows from what is said of them, here for the last)
        modes = {mode.get("id"): mode for mode in self.modes}
        localities = [place for place in self.place_entries if place.get("kind") == "locality"]
        idle = {finding.mode for finding in found if finding.kind == "idle"} | {
            mode for mode in self.units if not net.homes.get(mode)}
        for mode, units_from in self.units.items():
            if units_from == "labour" and not net.homes.get(mode) and mode in modes:
                # (said at the mode, with why its localities' shares, or the policy's, send
                # none: each of them is a field to change)
                whys = list(dict.fromkeys(self.none_serve(place) for place in localities))
                why = "every locality of " + " or ".join(whys) if whys else "none is given"
                self.report(modes[mode].at("units_from"), "a mode of people that some "
                            "locality may send (one with people, and a labour_share above 0)",
                            f"labour: no locality may send any ({why}; {shown(mode)} is "
                            "never used)")
        for finding in found:
            if finding.kind in ("never_on", "unusable_route"):
                self.never_on(finding, net, modes, idle)
                continue
            place = index[finding.place]
            if finding.kind == "unreached":
                linked = any(finding.place in (link.origin, link.dest) for link in net.links)
                self.report(place.at("id"), "a front that some route reaches" if not linked
                            else "a front that goods can reach (from a place that holds or "
                            "produces them, along routes in their allowed direction, by "
                            "modes whose units can get there)",
                            f"{shown(finding.place)} (no route leads there)" if not linked
                            else f"{shown(finding.place)} (no way there for goods)")
            elif finding.kind == "no_evacuation":
                for flow in self.wounded:
                    for path, hospital in flow.names("hospitals"):
                        if flow.get("front") == finding.front and hospital == finding.place:
                            self.report(path, f"a hospital the wounded can be carried to from "
                                        f"{shown(finding.front)} (along routes in their "
                                        "allowed direction, by modes that carry wounded, "
                                        "wounded_per_unit above 0, whose units can get there)",
                                        f"{shown(hospital)} (no way there for the wounded)")
            elif finding.kind == "stranded":
                self.report(place.at("id"), f"a front that {finding.mode} units can leave for "
                            "a place that puts them in service",
                            f"{shown(finding.place)} ({finding.mode} units that go there can "
                            "never come home)")
            else:
                self.report(place.at("carriers", str(finding.mode)),
                            f"a mode that some route from {shown(finding.place)} allows",
                            f"{shown(finding.mode)} (these units could never be used)",
                            at_key=True)

    def never_on(self, finding: Finding, net: Reach, modes: dict[Any, Entry],
                 idle: set[str | None]) -> None:
        """A mode whose units can be on none of its routes, a route no unit can ever be on
        (``check_reach``): said unless ``idle`` (modes said otherwise) explains it."""
        if finding.kind == "never_on":
            if finding.mode not in idle:
                self.report(modes[finding.mode].at("id"), "a mode whose units can get onto "
                            "some route that lists it (from the places that put them in "
                            "service, along routes that list it)", f"{shown(finding.mode)} "
                            "(no unit of it can reach any of its routes: it is never used)")
            return
        at = typing.cast(int, finding.route)
        link, route = net.links[at], self.routes[at]
        ends = (repr(link.origin) if link.one_way
                else f"{link.origin!r} or {link.dest!r}")
        if not set(link.modes) <= idle:
            self.report(route.at("modes"), "a route that units of some mode it lists can get "
                        "onto (else nothing can ever use it)", f"{', '.join(link.modes)}: no "
                        f"unit of {'them' if len(link.modes) > 1 else 'it'} can reach "
                        f"{ends}", at_key=True)

    # -- what can never act ---------------------------------------------------------------

    def check_unused(self) -> None:
        """Values written that nothing can ever use: a mode on no route, an owned mode no
        place owns, a commodity nothing names, a place no route reaches, an air threat on a
        route not open to air attack (or a route closed to air attack with no air threat), a
        threat that can never act (a chance of 0, or
        strikes that take nothing), carrying or feeding wounded where there are none,
        carriers owned of a mode whose units are people (units_from: labour), a service-days
        limit at a locality where no one may serve, a reserve
        that holds nothing, a route never open. Each would be dropped in silence; each is
        reported where it was written (steps longer than the horizon: check_policy).

        Runs only on what can be read: a broken section is the schema's to report.
        """
        routes_read = self.written["routes"] is not None and all(
            r.readable and r.get("from_") is not None and r.get("to") is not None
            and r.get("modes") is not None for r in self.routes)
        places_read = self.written["places"] is not None and all(
            p.readable and p.get("carriers") is not None for p in self.place_entries)
        self.labour_carriers()
        self.uncrewed_carriers()
        self.idle_service_limits()
        if places_read:
            self.fuel_nowhere()
            self.overridden_policy()
        self.nil_amounts()
        self.harmless_threats()
        self.nil_reserves()
        self.never_open_routes()
        self.idle_ends()
        if routes_read:
            self.unused_modes(places_read)
            self.unreached_places()
            self.unstruck_routes()
            self.unread_air_exposed()
            self.beyond_the_tank()
        naming = ("demand", "places", "modes", "policy", "replays", "observed", "costs",
                  "wounded")
        if self.written["commodities"] is not None and self.sections_read(naming):
            for commodity in self.commodities:
                commodity_id, unit = commodity.get("id"), commodity.get("unit")
                used = (bool(self.wounded) if unit == "person"
                        else commodity_id in self.named_commodities)
                if commodity_id is not None and unit is not None and not used:
                    self.report(commodity.at("id"), "a commodity that some demand, stock, "
                                "ration, fuel or replay names (else it is never used)"
                                if unit != "person" else "a commodity of unit person only "
                                "where wounded are given (it carries them)",
                                f"{shown(commodity_id)} (named nowhere)" if unit != "person"
                                else f"{shown(commodity_id)} (no wounded section)")
        if not self.top.data.get("wounded") and self.sections_read(("wounded",)):
            weights = self.policy.entry("weights", Weights)
            default = Weights.model_fields["wounded_late_per_person"].default
            # (written at its default, as a scenario written out whole has it, it asks
            # nothing)
            if weights.get("wounded_late_per_person") not in (None, default):
                self.report(weights.at("wounded_late_per_person"), "a weight for wounded "
                            "brought in late only where wounded are given (no wounded "
                            "section: none can be late)",
                            shown(weights.data["wounded_late_per_person"]))
            for mode in self.modes:
                if "wounded_per_unit" in mode.data and mode.get("wounded_per_unit"):
                    self.report(mode.at("wounded_per_unit"), "wounded_per_unit only where "
                                "wounded are given (no wounded section: none to carry)",
                                shown(mode.written("wounded_per_unit")))
            rations = self.policy.data.get(self.policy.key("wounded_rations_kg_per_day"))
            if rations and isinstance(rations, dict):  # another form is the schema's to say
                self.report(self.policy.at("wounded_rations_kg_per_day"), "wounded rations "
                            "only where wounded are given (no wounded section: none to "
                            "feed)", "rations of " + ", ".join(map(str, rations)))

    def sections_read(self, names: tuple[str, ...]) -> bool:
        """Whether each of these sections is absent or read whole (a mapping where the
        schema has one, else a list of mappings): only then can nothing in them name a
        value."""
        for name in names:
            if name not in self.top.data:
                continue
            value = self.top.data[name]
            if value is None:  # (``wounded:`` with nothing under it: the schema says so)
                return False
            one = is_model(split_annotated(Scenario.model_fields[name].annotation)[0])
            whole = (isinstance(value, dict) if one else isinstance(value, list)
                     and all(isinstance(v, dict) for v in value))
            if name in self.unreadable or not whole:
                return False
        return True

    def unused_modes(self, places_read: bool) -> None:
        on_routes = {mode for route in self.routes for _, mode in route.names("modes")}
        owned = {mode for place in self.place_entries
                 for mode, units in (place.get("carriers") or {}).items() if units > 0}
        seen: set[object] = set()
        for mode in self.modes:
            mode_id = mode.get("id")
            if mode_id is None or mode_id in seen:  # (a second of one id: said as such)
                continue
            seen.add(mode_id)
            if mode_id not in on_routes:
                self.report(mode.at("id"), "a mode that some route lists in its modes (else "
                            "it is never used)", f"{shown(mode_id)} (on no route)")
            elif places_read and mode.get("units_from") == "owned" and mode_id not in owned:
                self.report(mode.at("id"), "an owned mode (units_from: owned) that some "
                            "place has carriers of (else no unit of it exists)",
                            f"{shown(mode_id)} (no place owns any)")

    def nil_amounts(self) -> None:
        """Amounts that ask for nothing: a demand of 0 every day, wounded who never arise,
        a replay's labour of at least 0 days, food carried back by a mode that eats none,
        a labour share of a locality where no one lives, a cost weight with no cost."""
        for demand in self.demand:
            for name in ("kg_per_day", "troops"):
                if _nothing_every_day(demand.get(name)):
                    self.report(demand.at(name), "a demand above 0 on some day (else it asks "
                                "for nothing)", "0 every day", at_key=True)
        for flow in self.wounded:
            if _nothing_every_day(flow.get("persons_per_day")):
                self.report(flow.at("persons_per_day"), "wounded on some day (else the flow "
                            "never carries anyone)", "0 every day", at_key=True)
        for replay in self.replays:
            labour = replay.entry("labour", ReplayLabour)
            if labour.data and labour.get("person_days") == 0:
                self.report(labour.at("person_days"), "a labour-days figure above 0 (at "
                            "least 0 always holds)", "0")
        for mode in self.modes:
            rations = mode.get("rations_kg_per_day")
            if (mode.data.get("return_food") == "carried" and mode.readable
                    and rations is not None and not any(rations.values())):
                self.report(mode.at("return_food"), "return_food: carried only for a mode "
                            "with rations (else there is no food to carry back)",
                            "'carried' (no rations)")
        for place in self.place_entries:
            if (place.get("kind") == "locality" and place.get("population") == 0
                    and place.get("labour_share")):
                self.report(place.at("labour_share"), "a labour share where people live "
                            "(population above 0)", f"{shown(place.get('labour_share'))} "
                            "(population 0)")
        costs, money = self.costs, self.money()
        for name in ("weight", "currency"):
            value = costs.get(name)
            default = Costs.model_fields[name].default  # (a scenario written out whole has it)
            if (name in costs.data and costs.readable and not money and value is not None
                    and value != default and not (name == "currency" and self.money_figures())):
                self.report(costs.at(name), f"a cost {name} where something costs money "
                            f"({MONEY_FIELDS})", f"{shown(value)} (no cost is given)")
        if not money:
            for metric in self.money_figures():
                self.report(metric.at("kind"), "a figure about money only where something "
                            f"costs money (costs: {MONEY_FIELDS}; else the plan's cost is 0)",
                            f"{shown(metric.get('kind'))} (no cost is given)")

    def money(self) -> bool:
        """Whether something costs money (or may: a cost the schema could not read)."""
        return costs_money(self.costs)

    def money_figures(self) -> list[Entry]:
        """The metrics of the observed figures about money (in the scenario's currency)."""
        out = []
        for observed in self.observed:
            metric = observed.entry("metric", Metric)
            kinds = [metric.get("kind"), metric.entry("per", MetricTerm).get("kind")]
            if any("CURRENCY" in METRIC_UNITS.get(k, "") for k in kinds if isinstance(k, str)):
                out.append(metric)
        return out

    def uncrewed_carriers(self) -> None:
        """Carriers owned at a locality none of whose people may serve (population × labour
        share is 0), of a mode with a crew: no one can crew them, so they are never used."""
        crewed = {mode.get("id") for mode in self.modes
                  if mode.get("crew_per_unit") and mode.get("units_from") == "owned"}
        for place in self.place_entries:
            if place.get("kind") != "locality" or not place.readable or (
                    self.may_serve(place) is not False):
                continue  # (a value the schema refuses is said there, not here again)
            why = self.none_serve(place)
            owned = place.get("carriers") or {}  # (None where the schema refuses it)
            for mode in place.keys("carriers"):
                if mode in crewed and owned.get(mode):
                    self.report(place.at("carriers", mode), "carriers where some of the "
                                "people may serve (a crew must come from them)",
                                f"{shown(mode)} at a locality of {why}", at_key=True)

    def idle_service_limits(self) -> None:
        """A labour_max_days_per_person at a place none of whose persons serve a day
        (:meth:`serves_days`), so the limit is never read: a locality none of whose people
        may serve, a place of another kind whose carriers have no crew. (On a place of
        another kind without carriers the schema refuses it.)"""
        for place in self.place_entries:
            if (not place.readable or place.get("labour_max_days_per_person") is None
                    or self.serves_days(place) is not False):
                continue  # (a value the schema refuses is said there, not here again)
            kind = place.get("kind")
            if kind == "locality":
                expected = "where some of the people may serve (else no one of them"
                why = f"a locality of {self.none_serve(place)}"
            elif not place.get("carriers"):
                continue  # (none at all: the schema's to say)
            else:
                expected = "where the place's own carriers have a crew (else no one of it"
                why = (f"a {kind} whose carriers have no crew "
                       f"({'; '.join(filter(None, self.crewless(place)))})")
            self.report(place.at("labour_max_days_per_person"), "labour_max_days_per_person "
                        f"{expected} serves a day: it is never used)",
                        f"{shown(place.written('labour_max_days_per_person'))} at {why}")

    def serves_days(self, place: Entry) -> bool | None:
        """Whether some person of a place serves days, each at most its
        labour_max_days_per_person (or the policy's): a locality's people where some of them
        may serve (:meth:`may_serve`: road work, a labour mode's units, its carriers'
        crews); at a place of another kind only the crews of its own carriers (no one of a
        depot works a road or walks as a porter: :func:`supplyline.network.labour_pool`).
        None where a value it needs cannot be read (the schema says so)."""
        if place.get("kind") == "locality":
            return self.may_serve(place)
        crewless = self.crewless(place)
        owned = place.get("carriers")
        if owned is None or place.get("kind") is None or None in crewless:
            return None
        return len(crewless) < len(owned)

    def crewless(self, place: Entry) -> list[str | None]:
        """Why each of a place's carriers brings no crew to serve days (``truck: 0 units``,
        ``cart: crew_per_unit 0``); None for one whose mode cannot be read (the schema or a
        reference says so). Carriers of a mode whose units are people are refused apart
        (:meth:`labour_carriers`): they are counted as crewed here."""
        modes = {mode.get("id"): mode for mode in self.modes}
        out: list[str | None] = []
        for name, units in (place.get("carriers") or {}).items():
            mode = modes.get(name)
            crew = mode.get("crew_per_unit") if mode is not None else None
            if not units:
                out.append(f"{name}: 0 units")
            elif crew is None:
                out.append(None)
            elif crew == 0:
                out.append(f"{name}: crew_per_unit 0")
        return out

    def none_serve(self, place: Entry) -> str:
        """Why none of a locality's people may serve (:meth:`may_serve` is False)."""
        if not place.get("population"):
            return "population 0"
        if place.get("labour_share") is not None:
            return "labour_share 0"  # (its own: at the place said)
        written = self.locations.spots.get(self.policy.at("labour_share"))
        return f"policy.labour_share 0{self.where(written)}"

    def labour_carriers(self) -> None:
        """Carriers a place owns of a mode whose units come from labour: its units are the
        locality's people, so the number owned is never read."""
        from_labour = {mode.get("id") for mode in self.modes
                       if mode.get("units_from") == "labour"}
        for place in self.place_entries:
            for mode in place.keys("carriers"):
                if mode in from_labour:
                    self.report(place.at("carriers", mode), "carriers of an owned mode "
                                "(units_from: owned); a labour mode's units are the "
                                "locality's people", f"{shown(mode)} (units_from: labour)",
                                at_key=True)

    def idle_ends(self) -> None:
        """A front that no demand and no wounded flow names, and a hospital that no wounded
        flow names: nothing is ever consumed or wounded at the one, no one is ever brought to
        the other, so their kind has no use (a place where supplies only pass is a depot or
        a junction). Said only where every place a demand or a flow names is read and of its
        kind (a front misspelt there, or a depot named as a hospital, is said as such, and
        may be meant for this one)."""
        if "demand" not in self.top.data or not self.sections_read(("demand", "wounded")):
            return
        fronts = {entry.get("front") for entry in (*self.demand, *self.wounded)}
        lists = [flow.get("hospitals") for flow in self.wounded]
        named = {name for names in lists if names is not None for name in names}
        kinds = {place_id: place.get("kind") for place_id, place in self.places.items()}
        if None in lists or any(kinds.get(name) != "front" for name in fronts) or any(
                kinds.get(name) != "hospital" for name in named):
            return
        for place_id, place in self.places.items():
            kind = place.get("kind")
            if kind == "front" and place_id not in fronts:
                self.report(place.at("kind"), "a front that some demand or wounded flow names "
                            "(else nothing is ever consumed there and no one wounded: a place "
                            "where supplies only pass is a depot or a junction)",
                            f"'front' ({shown(place_id)}: no demand or wounded flow names "
                            "it)")
            elif kind == "hospital" and place_id not in named:
                self.report(place.at("kind"), "a hospital that some wounded flow names among "
                            "its hospitals (else no one is ever brought there: a place where "
                            "supplies only pass is a depot or a junction)",
                            f"'hospital' ({shown(place_id)}: no wounded flow names it)")

    def unreached_places(self) -> None:
        ends = {route.get(end) for route in self.routes for end in ("from_", "to")}
        # A route's end misspelt is said there; the place it likely meant is not also said
        # to be on no route.
        known = self.written["places"] or set()
        ends |= {closest(end, known) for end in set(ends) - known if isinstance(end, str)}
        demanded = {demand.get("front") for demand in self.demand}
        road_works = bool(self.top.data.get("road_works"))
        for place in self.place_entries:
            place_id = place.get("id")
            if place_id is None or place_id in ends:
                continue
            if place.get("kind") == "front" and place_id in demanded:
                continue  # a front with demand and no route: check_reach says so
            if road_works and place.get("kind") == "locality" and place.get("population"):
                continue  # its people may work on the roads, wherever they live
            self.report(place.at("id"), "a place that some route reaches (else nothing "
                        "there is ever used)", f"{shown(place_id)} (on no route)")

    def harmless_threats(self) -> None:
        """Threats that can never act: an air threat with no chance of a strike in any
        window, or whose strikes take nothing; a sabotage with no chance of a raid, or
        whose raids take nothing."""
        for air in self.air:
            windows = air.get("windows")
            lost = air.get("capacity_lost_fraction")
            destroyed = air.get("cargo_destroyed_fraction")
            if windows and all(w.day_probability == 0 and w.night_probability == 0
                               for w in windows):
                self.report(air.at("windows"), "an air threat that may strike (some window "
                            "with day_probability or night_probability above 0)",
                            "a chance of 0 in every window", at_key=True)
            elif lost == 0 and destroyed == 0:
                self.report(air.at("capacity_lost_fraction"), "a strike that takes something "
                            "(capacity_lost_fraction or cargo_destroyed_fraction above 0)",
                            "0 and 0")
        for rain in self.rain:
            chance = rain.get("probability_per_day")
            if chance == 0:
                self.report(rain.at("probability_per_day"), "a rain spell that may fall "
                            "(probability_per_day above 0)", "0")
            elif rain.get("speed_factor") == 1 and rain.get("capacity_factor") == 1:
                self.report(rain.at("speed_factor"), "a rain day that slows carriers or "
                            "narrows routes (speed_factor or capacity_factor below 1)",
                            "1 and 1")
        for raid in self.sabotage:
            chance, guarded = raid.get("probability_per_day"), raid.get("protection")
            if chance == 0 or guarded == 1:
                self.report(raid.at("probability_per_day" if chance == 0 else "protection"),
                            "a raid that may happen (probability_per_day above 0, protection "
                            "below 1)", f"probability_per_day {shown(chance)}, protection "
                            f"{shown(guarded)}")
            elif raid.get("capacity_lost_fraction") == 0:
                self.report(raid.at("capacity_lost_fraction"), "a raid that takes capacity "
                            "(capacity_lost_fraction above 0)", "0")

    def never_open_routes(self) -> None:
        """Routes closed on every day of the horizon (by ``closed`` windows, from
        ``open_from`` on): nothing could ever use them, nor any threat strike them. And a
        closure that is over before its route opens, which never acts."""
        horizon = self.horizon
        if horizon is None:
            return
        for route in self.routes:
            windows = route.entries("closed", Closure)
            if not windows or not all(w.readable for w in windows):
                continue
            spans = sorted((w.get("start"), w.get("end")) for w in windows)
            if any(None in span for span in spans):
                continue  # (the schema's to say)
            opens = route.get("open_from")
            if opens is not None and opens > horizon[1]:
                continue  # (said at open_from: a date outside the horizon)
            for window in windows:  # a closure over before the route opens never acts
                end = window.get("end")
                if opens is not None and end is not None and end < opens:
                    self.report(window.at("end"), f"a closure that ends on or after the day "
                                f"the route opens ({opens}, its open_from: it is closed "
                                "before then anyway)", str(end))
            day = _first_open(spans, max(horizon[0], opens or horizon[0]))
            if day > horizon[1]:
                got = "closed windows that cover every day of it"
                if _first_open(spans, horizon[0]) <= horizon[1]:  # (its open_from the first)
                    got += (f" from {opens} (open_from"
                            f"{self.where(self.locations.spots.get(route.at('open_from')))})")
                self.report(route.at("closed"), f"a route open on some day from "
                            f"{horizon[0]} to {horizon[1]} (the horizon; else nothing could "
                            "ever use it)", got, at_key=True)
            else:
                self.covered_closures(windows, max(horizon[0], opens or horizon[0]),
                                      horizon[1])

    def covered_closures(self, windows: list[Entry], first: dt.date, last: dt.date) -> None:
        """A closure whose every day from ``first`` to ``last`` (the horizon, from the
        route's opening) the route's other closures close: it never acts. Of closures that
        cover each other (one written twice), the last is said."""
        days: list[set[int]] = [
            set(range((max(w.get("start"), first) - first).days,
                      (min(w.get("end"), last) - first).days + 1)) for w in windows]
        said: set[int] = set()
        for i in reversed(range(len(windows))):
            others = [j for j in range(len(windows)) if j != i and j not in said]
            if not days[i] or not days[i] <= set().union(*(days[j] for j in others)):
                continue  # (a closure outside the days: said as such where it is written)
            said.add(i)
            by = ", ".join(f"closed[{j}]" for j in others if days[j] & days[i])
            window = windows[i]
            self.report(window.path, "a closure with a day of the horizon that the route's "
                        "other closures leave open (else it never acts)",
                        f"{window.get('start')} to {window.get('end')}, every day of it "
                        f"closed by {by}")

    def nil_reserves(self) -> None:
        """Reserve targets that hold nothing: of 0 days, or of a demand that is nil on
        their day (a reserve is days of that day's demand). Outside the demand's days,
        check_demand says so."""
        for demand in self.demand:
            kg, troops = demand.get("kg_per_day"), demand.get("troops")
            ration = demand.get("ration_kg_per_person_day")
            for reserve in demand.entries("reserves", ReserveTarget):
                days, by = reserve.get("days_of_supply"), reserve.get("by")
                if days == 0:
                    self.report(reserve.at("days_of_supply"), "a reserve of more than 0 days "
                                "(0 holds nothing: leave the target out)", "0")
                    continue
                first = demand.get("start") or (self.horizon or (None, None))[0]
                last = demand.get("end") or (self.horizon or (None, None))[1]
                if by is None or (kg is None and (troops is None or ration is None)) or (
                        first is not None and last is not None and not first <= by <= last
                ) or _nothing_every_day(kg) or _nothing_every_day(troops):
                    continue  # (not written, the schema's to say, check_demand's, or a
                    # demand of nothing, said as such)
                if kg is not None:
                    held, said_as = _on_day(kg, by), "kg_per_day"
                else:
                    held = _on_day(troops, by) * float(ration)
                    said_as = "troops" if float(ration) > 0 else "ration_kg_per_person_day"
                if held == 0:
                    self.report(reserve.at("by"), "a day on which the demand is above 0 (a "
                                "reserve is days of that day's demand)", f"{by.isoformat()} "
                                f"({said_as} is 0 that day)")

    def fuel_nowhere(self) -> None:
        """A mode burning a fuel, or eating a ration, that no place holds or makes (stock_kg,
        production_kg_per_day): none can ever be drawn, so the mode never moves (a porter's
        salt ration where no place has salt took the porters out of the plan in silence)."""
        held = {name for place in self.place_entries
                for section in ("stock_kg", "production_kg_per_day")
                for name, kg in (place.get(section) or {}).items()
                if isinstance(kg, int | float) and kg > 0}
        if not all(p.readable for p in self.place_entries):
            return  # (the schema's to say)
        for mode in self.modes:
            fuel = mode.get("fuel_commodity")
            if isinstance(fuel, str) and fuel not in held and mode.get("fuel_kg_per_km"):
                self.report(mode.at("fuel_commodity"), "a fuel that some place holds or "
                            "makes (stock_kg or production_kg_per_day; else the mode never "
                            "moves)", f"{shown(fuel)} (no place has any)")
            rations = mode.get("rations_kg_per_day") or {}
            known = self.written["commodities"] or set()
            for good, kg in rations.items():
                if kg > 0 and good in known and good not in held:
                    self.report(mode.at("rations_kg_per_day", good), "a ration of a good "
                                "that some place holds or makes (stock_kg or "
                                "production_kg_per_day; else the mode's units can never be "
                                "fed, and it never moves)", f"{shown(good)} (no place has any)",
                                at_key=True)

    def beyond_the_tank(self) -> None:
        """A mode listed on a route whose one way needs more fuel than its tank holds: it
        never drives it (accounting: a leg that does not fit the tank is not driven)."""
        from supplyline.network import empty_trip_fits  # (the planner's own rule)

        tanks = {mode.get("id"): (mode.get("fuel_tank_kg"), mode.get("fuel_kg_per_km"))
                 for mode in self.modes}
        entries = {mode.get("id"): mode for mode in self.modes}  # (as tanks reads them)
        for route in self.routes:
            length = route.get("length_km")
            if not isinstance(length, int | float):
                continue
            for path, name in route.names("modes"):
                tank, per_km = tanks.get(name, (None, None))
                if tank is None or not per_km or empty_trip_fits(length * per_km, 0.0, tank,
                                                                 float("inf")):
                    continue  # (no food in the way: the tank alone is in question)
                # (the mode listed, or its tank: the one said, the other named)
                self.report(path, "a mode whose tank holds the fuel for one way over the "
                            "route (else it never drives it)",
                            f"{shown(name)} (needs {length * per_km:,.4g} kg, its tank "
                            f"holds {tank:,.4g} at "
                            f"{self.named(entries[name].at('fuel_tank_kg'))})")

    def unstruck_routes(self) -> None:
        """Air threats named on routes closed to air attack (they would never strike)."""
        keys = [self.route_key(route) for route in self.routes]
        times = Counter(keys)
        # (a key two routes have is said there: which one a threat means cannot be told)
        by_key = {key: route for key, route in zip(keys, self.routes, strict=True)
                  if key is not None and times[key] == 1}
        for air in self.air:
            for path, name in air.names("routes"):
                named = by_key.get(name)
                if named is not None and named.get("air_exposed") is False:
                    # (the route named, or its air_exposed: the one said, the other named)
                    self.report(path, "a route open to air attack (air threats strike only "
                                "routes with air_exposed: true)", f"{shown(name)} "
                                f"(air_exposed: false at {self.named(named.at('air_exposed'))})")

    def unread_air_exposed(self) -> None:
        """air_exposed: false written on a route where no air threat is given: it says only
        which routes an air threat strikes (:mod:`supplyline.hazards`), so nothing reads
        it. (Written true, its default, as a scenario written out whole has it, it asks
        nothing; a what-if may take the air threats away and keep it.)"""
        threats = self.top.data.get("threats", {})
        if not isinstance(threats, dict) or threats.get("air", []) != []:
            return  # (air threats given, or threats the schema refuses)
        for route in self.routes:
            if route.data.get(route.key("air_exposed")) is not None and route.get(
                    "air_exposed") is False:
                self.report(route.at("air_exposed"),
                            "air_exposed only where an air threat is given (it says which "
                            "routes air threats strike: else it is never used)",
                            shown(route.written("air_exposed")))

    def may_serve(self, place: Entry) -> bool | None:
        """Whether some of a locality's people may serve (population × its labour share,
        or the policy's: the planner's own rule, :func:`supplyline.network.persons_able`);
        None where a value it needs cannot be read (the schema says so)."""
        from supplyline.network import persons_able

        population, own = place.get("population"), place.get("labour_share")
        share = own if own is not None else self.policy.get("labour_share")
        if population is None or share is None or (own is None
                                                    and "labour_share" in place.data):
            return None
        return bool(persons_able(population, share) > 0)

    def _refused_in_yaml(self, entry: Entry, name: str) -> bool:
        """Whether a true-or-false field was written in the scenario file itself as anything
        but true or false (``one_way: yes``, ``one_way: 1``): the lax reading takes it, but
        ``check`` refuses it (:func:`~supplyline.scenario.load.quoted`), so nothing may be
        concluded from it. A table's cells are text by nature and count as written."""
        key = entry.key(name)
        if key not in entry.data or isinstance(entry.data[key], bool):
            return False
        spot = self.locations.nearest(entry.at(name))
        return spot is None or spot.file == self.file

    def network(self) -> Reach | None:
        """The network as :mod:`~supplyline.scenario._reach` sees it, if it can be read."""
        if self.written["places"] is None or self.written["routes"] is None or (
            self.written["modes"] is None
        ):
            return None
        places = set(self.written["places"])
        net = Reach(modes=list(self.units))
        if len(self.units) != len(self.modes) or None in self.units.values():
            return None
        for route in self.routes:
            origin, dest = route.get("from_"), route.get("to")
            modes, one_way = route.get("modes"), route.get("one_way")
            if origin not in places or dest not in places or modes is None or (
                one_way is None or self._refused_in_yaml(route, "one_way")
                or not set(modes) <= set(self.units)
            ):
                return None
            net.add_route(origin, dest, modes, one_way)
        if len(self.places) != len(self.place_entries):
            return None  # a place without a readable id, or one id twice
        for place_id, place in self.places.items():
            kind, stock, made = place.get("kind"), place.get("stock_kg"), place.get(
                "production_kg_per_day")
            population, carriers = place.get("population"), place.get("carriers")
            if None in (kind, stock, made, population, carriers):
                return None
            if any(value > 0 for value in stock.values()) or (
                kind == "locality" and any(value > 0 for value in made.values())
            ):
                net.suppliers.add(place_id)
            if kind == "front":
                net.fronts.append(place_id)
            owned = [mode for mode, units in carriers.items() if units > 0]
            if owned:
                net.owners[place_id] = [mode for mode in owned if mode in self.units]
            for mode in owned:
                net.homes.setdefault(mode, set()).add(place_id)
            if kind == "locality" and self.may_serve(place) is not False:
                for mode, units_from in self.units.items():
                    if units_from == "labour":
                        net.homes.setdefault(mode, set()).add(place_id)
        net.demanded = {demand.get("front") for demand in self.demand} - {None}
        for mode in self.modes:
            carried = mode.get("wounded_per_unit")
            if carried is None:
                return None
            if carried > 0:
                net.stretchers.add(mode.get("id"))
        for flow in self.wounded:
            front, hospitals = flow.get("front"), flow.get("hospitals")
            if front not in places or hospitals is None or not set(hospitals) <= places:
                return None
            net.flows.append((front, tuple(hospitals)))
        return net

