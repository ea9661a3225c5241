"""Checks across sections of a scenario that the schema alone cannot make.

Unknown or duplicate ids, places of the wrong kind, dates outside the horizon, steps out of
order. Every problem names the line where the offending value was written.

The checks also run when the schema found problems, on the entries that did validate, so
that one pass reports everything; ids are taken as written even from entries that failed,
so one bad place does not make every route to it "unknown" too.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from supplyline.errors import Problem
from supplyline.scenario._yaml_lines import Locations, Path, shown
from supplyline.scenario.schema import (
    AirThreat,
    Commodity,
    DaySeries,
    Demand,
    Mode,
    Observed,
    Place,
    Policy,
    RainSpell,
    Replay,
    RoadWork,
    Route,
    Sabotage,
    Scenario,
    WoundedFlow,
)

_M = TypeVar("_M", bound=BaseModel)
_DATE = TypeAdapter(dt.date)


@dataclass
class ScenarioParts:
    """The parts of a scenario that validated, at the index where they were written.

    ``None`` stands for an entry that failed validation. ``written`` holds the ids of each
    section as written (valid entries or not), or ``None`` when the section itself could not
    be read, in which case references to it are not checked.
    """

    start_date: dt.date | None
    end_date: dt.date | None
    commodities: list[Commodity | None]
    modes: list[Mode | None]
    places: list[Place | None]
    routes: list[Route | None]
    demand: list[Demand | None]
    wounded: list[WoundedFlow | None]
    road_works: list[RoadWork | None]
    air: list[AirThreat | None]
    sabotage: list[Sabotage | None]
    rain: list[RainSpell | None]
    policy: Policy | None
    replays: list[Replay | None]
    observed: list[Observed | None]
    written: dict[str, set[str] | None]

    @classmethod
    def of(cls, sc: Scenario) -> ScenarioParts:
        """The parts of a valid scenario (all of it)."""
        return cls(
            sc.start_date, sc.end_date, [*sc.commodities], [*sc.modes], [*sc.places],
            [*sc.routes], [*sc.demand], [*sc.wounded], [*sc.road_works], [*sc.threats.air],
            [*sc.threats.sabotage], [*sc.threats.rain], sc.policy, [*sc.replays],
            [*sc.observed],
            {
                "commodities": {c.id for c in sc.commodities},
                "modes": {m.id for m in sc.modes},
                "places": {p.id for p in sc.places},
                "routes": {r.key for r in sc.routes},
                "replays": {r.name for r in sc.replays},
            },
        )

    @classmethod
    def salvage(cls, data: dict[str, Any], unreadable: Collection[str] = ()) -> ScenarioParts:
        """Validate each entry of raw scenario data on its own, keeping those that pass.

        Parameters
        ----------
        data:
            The raw scenario mapping (after tables were read in).
        unreadable:
            Sections whose content could not be read at all (a missing table file).
        """
        threats = data.get("threats")
        threats = threats if isinstance(threats, dict) else {}
        written: dict[str, set[str] | None] = {}
        for section, key in (("commodities", "id"), ("modes", "id"), ("places", "id"),
                             ("replays", "name")):
            written[section] = _written(data.get(section), key, section in unreadable)
        routes = data.get("routes")
        written["routes"] = None
        if isinstance(routes, list) and routes and "routes" not in unreadable:
            written["routes"] = {
                str(item["id"]) if item.get("id") is not None
                else f"{item.get('from')}--{item.get('to')}"
                for item in routes if isinstance(item, dict)
            }
        return cls(
            _valid_date(data.get("start_date")), _valid_date(data.get("end_date")),
            _each(data.get("commodities"), Commodity), _each(data.get("modes"), Mode),
            _each(data.get("places"), Place), _each(data.get("routes"), Route),
            _each(data.get("demand"), Demand), _each(data.get("wounded"), WoundedFlow),
            _each(data.get("road_works"), RoadWork), _each(threats.get("air"), AirThreat),
            _each(threats.get("sabotage"), Sabotage), _each(threats.get("rain"), RainSpell),
            _one(data.get("policy", {}), Policy), _each(data.get("replays"), Replay),
            _each(data.get("observed"), Observed), written,
        )


def _written(items: Any, key: str, unreadable: bool) -> set[str] | None:
    if unreadable or not isinstance(items, list) or not items:
        return None  # an empty list here already fails the schema (at least one is needed)
    return {str(item[key]) for item in items if isinstance(item, dict)
            and item.get(key) is not None}


def _one(item: Any, model: type[_M]) -> _M | None:
    try:
        return model.model_validate(item)
    except (ValidationError, ValueError, TypeError):
        return None


def _each(items: Any, model: type[_M]) -> list[_M | None]:
    return [_one(item, model) for item in items] if isinstance(items, list) else []


def _valid_date(value: Any) -> dt.date | None:
    try:
        return _DATE.validate_python(value)
    except (ValidationError, ValueError, TypeError):
        return None


def check_references(parts: ScenarioParts, locations: Locations, file: str) -> list[Problem]:
    """Every cross-reference problem among the valid parts of a scenario.

    Parameters
    ----------
    parts:
        The scenario, or what validated of it (:meth:`ScenarioParts.salvage`).
    locations:
        Where each value was written.
    file:
        The scenario file, for values without a recorded place.

    Returns
    -------
    list of Problem
        Empty when the scenario is consistent.
    """
    checker = _Checker(parts, locations, file)
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
    return checker.problems


def _did_you_mean(value: str, known: Collection[str]) -> str:
    match = difflib.get_close_matches(value, sorted(known), n=1)
    if match:
        return f" (did you mean '{match[0]}'?)"
    return "" if known else " (none are defined)"


def _present(items: Iterable[tuple[int, _M | None]]) -> Iterable[tuple[int, _M]]:
    """``(index, entry)`` for the entries that validated."""
    return ((index, item) for index, item in items if item is not None)


class _Checker:
    def __init__(self, parts: ScenarioParts, locations: Locations, file: str) -> None:
        self.parts = parts
        self.locations = locations
        self.file = file
        self.problems: list[Problem] = []
        self.commodities = {c.id: c for c in parts.commodities if c is not None}
        self.places: dict[str, Place] = {}
        for place in parts.places:
            if place is not None:
                self.places.setdefault(place.id, place)
        self.regions: set[str] | None = {
            region for place in self.places.values() for region in place.regions
        }
        if parts.written["places"] is None or None in parts.places:
            self.regions = None  # some place's regions could not be read

    # -- reporting ------------------------------------------------------------------------

    def report(self, path: Path, expected: str, got: str, at_key: bool = False) -> None:
        spot = self.locations.nearest(path)
        file = spot.file if spot is not None else self.file
        line = spot.line if spot is not None else None
        if at_key and spot is not None and spot.key_line is not None:
            line = spot.key_line
        self.problems.append(Problem(file, line, self.locations.field_name(path), expected,
                                     got))

    def line_of(self, path: Path) -> str:
        spot = self.locations.nearest(path)
        if spot is None or spot.line is None:
            return self.locations.field_name(path)
        if spot.file != self.file:
            return f"{spot.file} line {spot.line}"
        return f"line {spot.line}"

    def known(self, path: Path, value: str, what: str, section: str,
              at_key: bool = False) -> bool:
        """Whether ``value`` is an id of ``section``; reports it when it is not."""
        known = self.parts.written[section]
        if known is None:
            return False  # that section could not be read: nothing to compare with
        if value in known:
            return True
        self.report(path, f"a known {what} id" + _did_you_mean(value, known), shown(value),
                    at_key)
        return False

    def commodity(self, path: Path, value: str, at_key: bool = False) -> None:
        if self.known(path, value, "commodity", "commodities", at_key):
            found = self.commodities.get(value)
            if found is not None and found.unit != "kg":
                self.report(path, "a goods commodity (unit kg)",
                            f"{shown(value)} (counted in persons)", at_key)

    def place(self, path: Path, value: str, kind: str | None = None) -> None:
        if self.known(path, value, "place", "places"):
            found = self.places.get(value)
            if kind is not None and found is not None and found.kind != kind:
                self.report(path, f"a place of kind {kind}", f"{shown(value)} (a {found.kind})")

    def region(self, path: Path, value: str) -> None:
        if self.regions is not None and value not in self.regions:
            self.report(path, "a region tag that some place has"
                        + _did_you_mean(value, self.regions), shown(value))

    def in_horizon(self, path: Path, date: dt.date | None) -> None:
        start, end = self.parts.start_date, self.parts.end_date
        if date is None or start is None or end is None or end < start:
            return
        if not start <= date <= end:
            self.report(path, f"a date from {start} to {end} (the horizon)", date.isoformat())

    def in_order(self, path: Path, first: dt.date | None, last: dt.date | None,
                 names: tuple[str, str]) -> None:
        if first is not None and last is not None and first > last:
            self.report(path, f"{names[1]} on or after {names[0]} ({first})", last.isoformat())

    def steps_sorted(self, path: Path, series: DaySeries | None) -> None:
        if not isinstance(series, list):
            return
        for index in range(1, len(series)):
            if series[index].start <= series[index - 1].start:
                self.report((*path, index, "start"),
                            f"steps sorted by start, after {series[index - 1].start}",
                            series[index].start.isoformat())

    # -- the checks -----------------------------------------------------------------------

    def check_duplicates(self) -> None:
        parts = self.parts
        sections: list[tuple[str, Iterable[tuple[int, str, str | None]]]] = [
            ("commodities", ((i, c.id, "id") for i, c in _present(enumerate(parts.commodities)))),
            ("modes", ((i, m.id, "id") for i, m in _present(enumerate(parts.modes)))),
            ("places", ((i, p.id, "id") for i, p in _present(enumerate(parts.places)))),
            ("routes", ((i, r.key, "id" if r.id else None)
                        for i, r in _present(enumerate(parts.routes)))),
            ("replays", ((i, r.name, "name") for i, r in _present(enumerate(parts.replays)))),
            ("observed", ((i, o.id, "id") for i, o in _present(enumerate(parts.observed)))),
        ]
        for section, keys in sections:
            first: dict[str, int] = {}
            for index, key, field in keys:
                path: Path = (section, index, field) if field else (section, index)
                if key in first:
                    where = self.line_of((section, first[key]))
                    self.report(path, f"a unique id (also used by {section}[{first[key]}], "
                                f"{where})", shown(key))
                else:
                    first[key] = index

    def check_modes(self) -> None:
        for index, mode in _present(enumerate(self.parts.modes)):
            for commodity in mode.rations_kg_per_day:
                self.commodity(("modes", index, "rations_kg_per_day", commodity), commodity,
                               at_key=True)
            if mode.fuel_commodity is not None:
                self.commodity(("modes", index, "fuel_commodity"), mode.fuel_commodity)

    def check_places(self) -> None:
        for index, place in _present(enumerate(self.parts.places)):
            for name in ("stock_kg", "production_kg_per_day"):
                table: dict[str, float] = getattr(place, name)
                for commodity in table:
                    self.commodity(("places", index, name, commodity), commodity, at_key=True)
            for mode in place.carriers:
                self.known(("places", index, "carriers", mode), mode, "mode", "modes",
                           at_key=True)
        if None in self.parts.routes or self.parts.written["routes"] is None:
            return  # an unreadable route might be the one that reaches a front
        routes = [route for route in self.parts.routes if route is not None]
        reached = {route.to for route in routes} | {
            route.from_ for route in routes if not route.one_way
        }
        for index, place in _present(enumerate(self.parts.places)):
            if place.kind == "front" and place.id not in reached:
                self.report(("places", index, "id"), "a front that some route reaches",
                            f"{shown(place.id)} (no route leads there)")

    def check_routes(self) -> None:
        for index, route in _present(enumerate(self.parts.routes)):
            self.place(("routes", index, "from"), route.from_)
            self.place(("routes", index, "to"), route.to)
            if route.from_ == route.to:
                self.report(("routes", index, "to"), "a place other than 'from'",
                            shown(route.to))
            for position, mode in enumerate(route.modes):
                self.known(("routes", index, "modes", position), mode, "mode", "modes")
            self.in_horizon(("routes", index, "open_from"), route.open_from)

    def check_demand(self) -> None:
        for index, demand in _present(enumerate(self.parts.demand)):
            path: Path = ("demand", index)
            self.place((*path, "front"), demand.front, "front")
            self.commodity((*path, "commodity"), demand.commodity)
            self.in_horizon((*path, "start"), demand.start)
            self.in_horizon((*path, "end"), demand.end)
            self.in_order((*path, "end"), demand.start, demand.end, ("start", "end"))
            self.steps_sorted((*path, "kg_per_day"), demand.kg_per_day)
            self.steps_sorted((*path, "troops"), demand.troops)
            for position, reserve in enumerate(demand.reserves):
                self.in_horizon((*path, "reserves", position, "by"), reserve.by)

    def check_wounded(self) -> None:
        persons = [(i, c) for i, c in _present(enumerate(self.parts.commodities))
                   if c.unit == "person"]
        for index, _ in persons[1:]:
            self.report(("commodities", index, "unit"),
                        f"one commodity of unit person (the wounded: {persons[0][1].id})",
                        "'person' again")
        all_read = None not in self.parts.commodities
        if self.parts.wounded and not persons and all_read:
            self.report(("wounded",), "a commodity with unit: person to carry the wounded",
                        "no such commodity", at_key=True)
        for index, flow in _present(enumerate(self.parts.wounded)):
            self.place(("wounded", index, "front"), flow.front, "front")
            for position, hospital in enumerate(flow.hospitals):
                self.place(("wounded", index, "hospitals", position), hospital, "hospital")
            self.steps_sorted(("wounded", index, "persons_per_day"), flow.persons_per_day)

    def check_road_works(self) -> None:
        for index, work in _present(enumerate(self.parts.road_works)):
            self.known(("road_works", index, "route"), work.route, "route", "routes")
            self.in_horizon(("road_works", index, "start"), work.start)
            self.in_horizon(("road_works", index, "by"), work.by)
            self.in_order(("road_works", index, "by"), work.start, work.by, ("start", "by"))

    def check_threats(self) -> None:
        for index, air in _present(enumerate(self.parts.air)):
            for position, route in enumerate(air.routes):
                self.known(("threats", "air", index, "routes", position), route, "route",
                           "routes")
            for position, window in enumerate(air.windows):
                self.in_order(("threats", "air", index, "windows", position, "end"),
                              window.start, window.end, ("start", "end"))
        for index, sabotage in _present(enumerate(self.parts.sabotage)):
            for position, region in enumerate(sabotage.regions):
                self.region(("threats", "sabotage", index, "regions", position), region)
        for index, rain in _present(enumerate(self.parts.rain)):
            self.in_order(("threats", "rain", index, "end"), rain.start, rain.end,
                          ("start", "end"))

    def check_policy(self) -> None:
        policy = self.parts.policy
        if policy is None:
            return
        for name in ("subsistence_kg_per_person_day", "labour_rations_kg_per_day"):
            table: dict[str, float] = getattr(policy, name)
            for commodity in table:
                self.commodity(("policy", name, commodity), commodity, at_key=True)

    def check_replays(self) -> None:
        for index, replay in _present(enumerate(self.parts.replays)):
            for position, given in enumerate(replay.mobilization):
                path: Path = ("replays", index, "mobilization", position)
                self.commodity((*path, "commodity"), given.commodity)
                for number, place in enumerate(given.places):
                    self.place((*path, "places", number), place, "locality")
                for name in ("regions", "exclude_regions"):
                    regions: list[str] = getattr(given, name)
                    for number, region in enumerate(regions):
                        self.region((*path, name, number), region)
            for position, carriers in enumerate(replay.carriers):
                self.known(("replays", index, "carriers", position, "mode"), carriers.mode,
                           "mode", "modes")

    def check_observed(self) -> None:
        for index, observed in _present(enumerate(self.parts.observed)):
            metric = observed.metric
            path: Path = ("observed", index, "metric")
            if metric.commodity is not None:
                self.known((*path, "commodity"), metric.commodity, "commodity", "commodities")
            if metric.place is not None:
                self.known((*path, "place"), metric.place, "place", "places")
            for position, region in enumerate(metric.regions):
                self.region((*path, "regions", position), region)
            self.in_horizon((*path, "start"), metric.start)
            self.in_horizon((*path, "by"), metric.by)
            if observed.replay is not None:
                self.known(("observed", index, "replay"), observed.replay, "replay", "replays")
