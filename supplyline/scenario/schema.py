"""The scenario schema: the one declarative source of truth for what a scenario may say.

Every field carries its unit (``json_schema_extra={"unit": ...}``), its default and a
description; validation, defaults and the generated ``docs/scenario-reference.md`` all come
from these classes. Cross-references between sections (a route naming an unknown place, ...)
are checked in :mod:`supplyline.scenario.load`, which knows where each value was written.

Dates are ISO dates (``1954-03-13``); day 0 of the model is ``start_date`` and the horizon
runs to ``end_date`` inclusive.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

__all__ = [
    "RESOLUTION",
    "SHARE_KINDS",
    "AirThreat",
    "Closure",
    "Commodity",
    "Costs",
    "DaySeriesStep",
    "Demand",
    "Metric",
    "MetricTerm",
    "Mode",
    "NonzeroAtLeast",
    "Observed",
    "Place",
    "Policy",
    "Price",
    "RainSpell",
    "Replay",
    "ReplayCarriers",
    "ReplayMobilization",
    "ReserveTarget",
    "RoadWork",
    "Route",
    "Sabotage",
    "Scenario",
    "Threats",
    "Weights",
    "WoundedFlow",
    "each_once_fields",
]


_NUMBER_TEXT = re.compile(r"[-+]?[0-9]+(\.[0-9]*)?")
_DAY_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _a_day(value: Any) -> Any:
    """A date is written as a date, a day and nothing else: pydantic would read a number as
    seconds since 1970, and a time of midnight (``2024-11-01T00:00:00+14:00``) as its day,
    the time zone dropped. (Other text is pydantic's to refuse.)"""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    text = value.strip() if isinstance(value, str) else ""
    with_time = isinstance(value, dt.datetime) or (
        _DAY_TEXT.match(text) is not None and _DAY_TEXT.fullmatch(text) is None)
    if number or with_time or _NUMBER_TEXT.fullmatch(text):
        raise ValueError("a date (YYYY-MM-DD)")
    return value


#: A calendar day, written YYYY-MM-DD (a number is refused, not read as a Unix time,
#: and so is a time of day, even midnight).
Date = Annotated[dt.date, BeforeValidator(_a_day)]


def _field(
    description: str,
    unit: str = "",
    default: Any = ...,
    *,
    each_once: bool = False,
    **kwargs: Any,
) -> Any:
    """A pydantic Field that records its unit for validation messages and the reference.

    ``each_once``: a list of ids in which each may stand once (``uniqueItems`` in the JSON
    Schema; ``check`` says an id written twice, :func:`each_once_fields`)."""
    extra: dict[str, Any] = {"unit": unit} if unit else {}
    if each_once:
        extra["uniqueItems"] = True
    if default is ...:
        return Field(description=description, json_schema_extra=extra, **kwargs)
    return Field(default, description=description, json_schema_extra=extra, **kwargs)


def each_once_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``model`` that are lists of ids each written once (``_field``'s
    ``each_once``)."""
    return tuple(name for name, info in model.model_fields.items()
                 if isinstance(info.json_schema_extra, dict)
                 and info.json_schema_extra.get("uniqueItems"))


class Strict(BaseModel):
    """Base of every schema class: unknown fields are errors, so a typo never passes."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )


#: The longest horizon, in days (ten years): the LP grows with the days, and the built-in
#: 158 days are some 90,000 columns; a slip of the keyboard (2124 for 2024) would otherwise
#: pass the check and end in running out of memory.
MAX_HORIZON_DAYS = 3_653

#: What an id may be written with.
ID_PATTERN = r"^[a-z0-9][a-z0-9_\-]*$"
#: What a currency may be written with (USD, VND, Yuan_Renminbi).
CURRENCY_PATTERN = r"^[A-Za-z][A-Za-z_]{0,15}$"
#: What a title must hold: some letter or sign (a title of nothing, or of spaces, is no title).
TITLE_PATTERN = r"\S"
#: Each pattern a text field may have, in words (``check``'s messages, the reference): the
#: kind of text, as a type and as a phrase, and what it is written with.
PATTERN_WORDS = {
    ID_PATTERN: ("identifier", "an identifier",
                 "lower-case letters, digits, '_' or '-', a letter or digit first"),
    CURRENCY_PATTERN: ("currency", "a currency",
                       "a letter, then letters or '_', at most 16 characters"),
    TITLE_PATTERN: ("title", "a one-line title", "some letter or sign, not only spaces"),
}

Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        min_length=1,
        max_length=64,
        description="identifier: lower-case letters, digits, '_' or '-', a letter or digit "
                    "first",
    ),
]
#: The smallest amount other than 0 that a quantity of the model may be, in its own unit
#: (kg, person, kg/day, fraction, cost, ...): a value between 0 and this is a check error
#: ("expected 0, or a number from 1e-09 to ..."), never rounded away in silence. Below it the
#: LP solver drops coefficients (HiGHS ignores matrix entries of at most 1e-9) and sums lose
#: values to rounding (1 - 1e-38 is 1), while no figure of a real campaign is that small.
#: Where a physical minimum applies, it takes the place of this one (a route of a metre).
RESOLUTION = 1e-9


@dataclass(frozen=True)
class NonzeroAtLeast:
    """``Annotated`` marker of a quantity that is 0 or at least ``least`` (where the field's
    own bounds allow 0; otherwise at least ``least``). A value in between is refused, with
    the field's range from ``least`` on, so that a tiny figure is never silently taken for 0
    (nor turned into a coefficient the solver cannot use). Written once, read by the loader's
    messages, the reference and the JSON Schema."""

    least: float

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["not"] = {"exclusiveMinimum": 0, "exclusiveMaximum": self.least}
        return json_schema

    def check(self, value: float) -> float:
        if 0 < value < self.least:
            raise PydanticCustomError("below_resolution", "0, or at least {least}",
                                      {"least": self.least})
        return value


@dataclass(frozen=True)
class NotTrueOrFalse:
    """``Annotated`` marker of a number field: ``true`` and ``false`` are refused, where
    pydantic would read them as 1 and 0 (YAML reads yes, no, on and off as them too), so that
    a value written by mistake is an error rather than a silently different number."""

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_before_validator_function(self.check, handler(source))

    def check(self, value: Any) -> Any:
        if isinstance(value, bool):
            raise PydanticCustomError("number_type", "a number, not true or false")
        return value


#: Marks every number field (see :class:`NotTrueOrFalse`).
Number = NotTrueOrFalse()


class Broken(ValueError):
    """Rules across a model's fields that its values break, each with the field it is about
    (as the file writes its key): the loader reports each as one problem of that field, at
    its line, or at the entry's line where the field is not written (a companion missing).
    Its text is the rules' messages, one a line, as a plain ``ValueError``'s."""

    def __init__(self, rules: list[tuple[str, str]]) -> None:
        self.rules = tuple(rules)
        super().__init__("\n".join(message for _field, message in self.rules))

    def __reduce__(self) -> tuple[Any, ...]:
        return Broken, (list(self.rules),)


def refuse(broken: list[tuple[str, str]]) -> None:
    """Raise every rule across a model's fields that its values break, at once, each as
    ``(field, message)``: the loader reports one problem each, at the field it is about (so
    a fix never reveals another)."""
    if broken:
        raise Broken(broken)


#: Values other than 0 are at least RESOLUTION.
Resolved = NonzeroAtLeast(RESOLUTION)

NonNegative = Annotated[float, Field(ge=0), Number]
Fraction = Annotated[float, Field(ge=0, le=1), Resolved, Number]
#: A share that 0 would make useless (a largest burden of 0 lets no locality give food or
#: people: everything goes short, and no limit said why).
ShareAbove0 = Annotated[float, Field(gt=0, le=1), Resolved, Number]
# Bounds that keep the model's arithmetic finite and well scaled: values beyond them describe
# nothing physical (a route longer than twice round the Earth or shorter than a metre, a
# carrier faster than an aircraft, a ration of a tonne a day), and values between 0 and
# RESOLUTION nothing measurable.
Km = Annotated[float, Field(gt=0, le=100_000), NonzeroAtLeast(0.001), Number]
Speed = Annotated[float, Field(ge=0.01, le=25_000), Number]
Kg = Annotated[float, Field(ge=0, le=1e12), Resolved, Number]
#: A capacity (per day), where one is given.
Capacity = Annotated[float, Field(gt=0, le=1e9), Resolved, Number]
KgPerDay = Annotated[float, Field(ge=0, le=1e10), Resolved, Number]
Ration = Annotated[float, Field(ge=0, le=1_000), Resolved, Number]
Hours = Annotated[float, Field(ge=0, le=24 * 365), Resolved, Number]
Persons = Annotated[float, Field(ge=0, le=1e10), Resolved, Number]
Weight = Annotated[float, Field(ge=0, le=1e6), Resolved, Number]
#: Days one person serves at most: at least a quarter of an hour (below, one person's work
#: weighs more than a hundred persons' in the fairness rows, and the figure means nothing).
ServiceDays = Annotated[float, Field(gt=0, le=100_000), NonzeroAtLeast(0.01), Number]


#: The most a day series may say on a day (kg a day, persons); a demand by troops × ration
#: is held to it too (``check``).
MAX_DAY_VALUE = 1e12


class DaySeriesStep(Strict):
    """One step of a day series: from ``start`` on, the series has ``value``."""

    start: Date = _field("first day this value holds", "date")
    value: Annotated[float, Field(ge=0, le=MAX_DAY_VALUE), Resolved, Number] = _field(
        "the value from that day on (unit of the series)"
    )


DaySeries = (Annotated[float, Field(ge=0, le=MAX_DAY_VALUE), Resolved, Number]
             | list[DaySeriesStep])
"""A constant, or a step function given as steps sorted by ``start``."""


class Commodity(Strict):
    """Something that is mobilized, moved, stored and consumed."""

    id: Id = _field("identifier used everywhere else in the scenario")
    name: str = _field("display name", default="")
    unit: Literal["kg", "person"] = _field(
        "kg for goods; person for the one casualty commodity (wounded)", default="kg"
    )
    decay_per_day: Fraction = _field(
        "fraction of a stock that spoils each day it is held", "1/day", default=0.0
    )
    shelf_life_days: Annotated[int, Field(gt=0), Number] | None = _field(
        "days after which a stock is spoiled; converted to an equivalent daily decay "
        "(1/shelf_life) when decay_per_day is 0",
        "day",
        default=None,
    )
    source: str = _field("where the figures come from, or 'estimate: reasoning'", default="")

    @model_validator(mode="after")
    def _one_way_to_spoil(self) -> Commodity:
        broken = []
        if self.shelf_life_days is not None and self.decay_per_day > 0:
            broken.append(("shelf_life_days", "decay_per_day or shelf_life_days, not both (the "
                           "shelf life would never be used)"))
        if self.unit == "person" and (self.decay_per_day > 0 or self.shelf_life_days):
            spoils = "decay_per_day" if self.decay_per_day > 0 else "shelf_life_days"
            broken.append((spoils, "no decay_per_day or shelf_life_days for unit person (the "
                           "wounded do not spoil)"))
        refuse(broken)
        return self

    def effective_decay_per_day(self) -> float:
        """Daily spoilage fraction, from ``decay_per_day`` or else from the shelf life."""
        if self.decay_per_day > 0 or self.shelf_life_days is None:
            return self.decay_per_day
        return 1.0 / self.shelf_life_days


class Mode(Strict):
    """A kind of carrier: porter, pack bicycle, pack horse, raft, truck, ..."""

    id: Id = _field("identifier")
    name: str = _field("display name", default="")
    payload_kg: Annotated[float, Field(gt=0, le=1e7), Resolved, Number] = _field(
        "what one unit carries: its cargo together with the food its crew and animals eat on "
        "the way (rations travel inside the load)",
        "kg",
    )
    speed_loaded_km_per_day: Speed = _field(
        "distance a loaded unit covers per day on terrain factor 1 (a day's march, or a "
        "night's drive); travel time is length × terrain_factor / speed, in real days",
        "km/day",
    )
    speed_empty_km_per_day: Speed = _field(
        "distance an empty (or wounded-carrying) unit covers per day", "km/day"
    )
    loading_hours: Hours = _field(
        "hours to load a unit where a loaded trip starts", "hour", default=0.0
    )
    unloading_hours: Hours = _field(
        "hours to unload a unit where a loaded trip ends", "hour", default=0.0
    )
    turnaround_hours: Hours = _field(
        "hours added to every trip, loaded or empty (rest, watering, servicing)", "hour",
        default=0.0,
    )
    availability: Annotated[float, Field(gt=0, le=1), Resolved, Number] = _field(
        "share of the units in service that are serviceable on a day (the rest wait, "
        "and eat, under repair or rest)",
        "fraction",
        default=1.0,
    )
    crew_per_unit: Annotated[float, Field(ge=0, le=1e4), Resolved, Number] = _field(
        "persons mobilized per unit (a porter 1, a truck its driver and mate)", "person"
    )
    rations_kg_per_day: dict[str, Ration] = _field(
        "what one unit (its crew and animals together) eats per day it is in service, "
        "by commodity id; on a trip it rides inside the payload",
        "kg/day",
        default_factory=dict,
    )
    return_food: Literal["fed_there", "carried"] = _field(
        "'fed_there': the food for the way back is drawn where the return leg starts (it "
        "must have been brought there); 'carried': it is carried out in the load too and "
        "handed over at the destination for the way back",
        default="fed_there",
    )
    fuel_commodity: str | None = _field(
        "commodity burned per km (trucks); filled into the tank where the trip starts",
        default=None,
    )
    fuel_kg_per_km: Annotated[float, Field(ge=0, le=1e4), Resolved, Number] = _field(
        "fuel one unit burns per km driven", "kg/km", default=0.0
    )
    fuel_tank_kg: Annotated[float, Field(gt=0, le=1e7), Resolved, Number] | None = _field(
        "fuel a unit's tank holds (its range); a leg needing more is not driven; unlimited "
        "when empty",
        "kg",
        default=None,
    )
    tank_round_trip: bool = _field(
        "fill the tank at the origin for the way back too: the loaded trip draws the fuel "
        "of both ways where it starts and hands the way back's over where it lands; every "
        "empty trip draws its fuel where it starts, the way back from what was handed "
        "over; the round trip must fit in fuel_tank_kg",
        default=False,
    )
    night_only: bool = _field(
        "moves only at night (exposed to the night air-strike probability)", default=False
    )
    road_use: Annotated[float, Field(gt=0, le=1e4), Resolved, Number] = _field(
        "route capacity one movement of one unit takes up (a porter 1)", "movement", default=1.0
    )
    wounded_per_unit: Annotated[float, Field(ge=0, le=1e4), Resolved, Number] = _field(
        "wounded persons one unit can carry instead of cargo (four stretcher bearers: 0.25)",
        "person",
        default=0.0,
    )
    units_from: Literal["labour", "owned"] = _field(
        "'labour': any mobilized person can serve (porters); 'owned': units are limited by the "
        "carriers places own (bicycles, horses, trucks, rafts)",
        default="owned",
    )
    source: str = _field("where the figures come from, or 'estimate: reasoning'", default="")

    @model_validator(mode="after")
    def _fuel_named(self) -> Mode:
        broken = []
        if self.fuel_kg_per_km > 0 and self.fuel_commodity is None:
            broken.append(("fuel_commodity", "a fuel_commodity where fuel_kg_per_km > 0 (what "
                           "the mode burns)"))
        burns = "fuel_kg_per_km > 0 where {} is given (else it is never used)"
        if self.fuel_kg_per_km == 0:
            given = [("fuel_commodity", self.fuel_commodity is not None),
                     ("fuel_tank_kg", self.fuel_tank_kg is not None),
                     ("tank_round_trip", self.tank_round_trip)]
            broken += [(name, burns.format(name)) for name, is_given in given if is_given]
        if self.units_from == "labour" and self.crew_per_unit == 0:
            broken.append(("crew_per_unit", "crew_per_unit > 0 where units_from is 'labour' "
                           "(units of mobilized persons; with none, no labour pool, share or "
                           "cap on days served would limit them)"))
        refuse(broken)
        return self


PlaceKind = Literal["locality", "depot", "junction", "front", "hospital"]


class Place(Strict):
    """A node of the network: a source village, a relay depot, a junction, a front, a hospital."""

    id: Id = _field("identifier")
    name: str = _field("display name", default="")
    kind: PlaceKind = _field(
        "locality (a source), depot (relay station), junction, front (consumers), hospital"
    )
    lat: Annotated[float, Field(ge=-90, le=90), Number] = _field("latitude, WGS84", "degree")
    lon: Annotated[float, Field(ge=-180, le=180), Number] = _field("longitude, WGS84", "degree")
    regions: list[Id] = _field(
        "region tags (e.g. northwest) that metrics and replays select places by",
        default_factory=list, each_once=True,
    )
    population: Persons = _field("people living there (localities)", "person", default=0.0)
    stock_kg: dict[str, Kg] = _field(
        "food and goods held at the start, by commodity id (a locality's own stores, "
        "a depot's or the front's stock)",
        "kg",
        default_factory=dict,
    )
    production_kg_per_day: dict[str, KgPerDay] = _field(
        "what the locality produces per day over the horizon, by commodity id", "kg/day",
        default_factory=dict,
    )
    labour_share: Fraction | None = _field(
        "share of the population able to serve; policy.labour_share when empty",
        "fraction",
        default=None,
    )
    labour_max_days_per_person: ServiceDays | None = _field(
        "most days one person serves; policy.labour_max_days_per_person when empty",
        "day",
        default=None,
    )
    carriers: dict[str, Annotated[int, Field(ge=0, le=10**9), Number]] = _field(
        "carrier units the place owns and puts into service, by mode id (any kind of place: "
        "a village's bicycles, a depot's trucks); they come back here to be released",
        "unit",
        default_factory=dict,
    )
    handling_tonnes_per_day: Capacity | None = _field(
        "cargo the place can load and unload per day, in and out together (a ferry landing, "
        "a depot's own porters, an airfield); unlimited when empty",
        "t/day",
        default=None,
    )
    handling_arrivals_per_day: Capacity | None = _field(
        "carrier units the place can receive per day, loaded or empty (berths at a ferry "
        "landing, stands at an airfield); unlimited when empty",
        "unit/day",
        default=None,
    )
    stop_hours: Hours = _field(
        "hours every unit arriving here spends before it can go on (a ferry crossing, a "
        "check point)",
        "hour",
        default=0.0,
    )
    source: str = _field("where the figures come from, or 'estimate: reasoning'", default="")

    @model_validator(mode="after")
    def _locality_fields_on_localities(self) -> Place:
        if self.kind == "locality":
            return self
        broken = [(name, f"no {name} on a place of kind {self.kind} (only a locality gives "
                          f"food or labour)")
                  for name in ("population", "production_kg_per_day", "labour_share")
                  if getattr(self, name)]
        if self.labour_max_days_per_person is not None and not self.carriers:
            broken.append(("labour_max_days_per_person", "no labour_max_days_per_person on a "
                           "place with neither people (a locality) nor carriers of its own"))
        refuse(broken)
        return self


class Closure(Strict):
    """Days on which a route cannot be used at all (a landslide, a flood, a blown bridge)."""

    start: Date = _field("first closed day", "date")
    end: Date = _field("last closed day", "date")
    source: str = _field("where the figures come from, or 'estimate: reasoning'", default="")

    @model_validator(mode="after")
    def _forward(self) -> Closure:
        if self.end < self.start:
            refuse([("end", "an end on or after start")])
        return self


class Route(Strict):
    """A road, trail, river stretch or ferry between two places; usable both ways unless one_way."""

    id: Id | None = _field("identifier; 'FROM--TO' when empty", default=None)
    name: str = _field("display name (e.g. Route 41, Pha Din pass)", default="")
    from_: str = Field(alias="from", description="place id at one end")
    to: str = _field("place id at the other end")
    length_km: Km = _field("length; at least the great-circle distance between its places, "
                           "less 5 km (or a tenth of it, where more) at each end", "km")
    modes: list[str] = _field("mode ids that may use the route", min_length=1,
                              each_once=True)
    capacity_movements_per_day: Capacity | None = _field(
        "unit movements per day and direction, shared by all modes through their road_use; "
        "unlimited when empty",
        "movement/day",
        default=None,
    )
    capacity_tonnes_per_day: Capacity | None = _field(
        "cargo per day and direction over all modes; unlimited when empty", "t/day",
        default=None,
    )
    terrain_factor: Annotated[float, Field(ge=1, le=100), Number] = _field(
        "divides carrier speeds (passes, mud, fords): 1 is flat road", "factor", default=1.0
    )
    one_way: bool = _field("usable only from 'from' to 'to'", default=False)
    air_exposed: bool = _field("open to air attack (air threats apply)", default=True)
    open_from: Date | None = _field(
        "first day the route can be used (e.g. when a road being built is finished)", "date",
        default=None,
    )
    closed: list[Closure] = _field(
        "date windows in which the route cannot be used (no trip may be on it)",
        default_factory=list,
    )
    repair_days: Annotated[float, Field(gt=0, le=10_000), Resolved, Number] = _field(
        "days the repair crew needs to restore the capacity a strike or sabotage took (the "
        "scenario's threats', and those the council's books record)", "day",
        default=1.0,
    )
    repair_crew: Persons = _field(
        "persons kept on the route to repair it, every day from the day it opens "
        "(open_from); they eat policy.labour_rations_kg_per_day from the stock at 'from'",
        "person",
        default=0.0,
    )
    source: str = _field("where the figures come from, or 'estimate: reasoning'", default="")

    @property
    def key(self) -> str:
        """The route's id, or ``FROM--TO`` when it has none."""
        return self.id or f"{self.from_}--{self.to}"

    @property
    def capped(self) -> bool:
        """Whether the route has a capacity (movements or tonnes a day); unlimited else."""
        return (self.capacity_movements_per_day is not None
                or self.capacity_tonnes_per_day is not None)


class ReserveTarget(Strict):
    """Days of supply the front must hold on hand by a date."""

    days_of_supply: Annotated[float, Field(ge=0, le=10_000), Resolved, Number] = _field(
        "stock expressed in days of that day's demand", "day"
    )
    by: Date = _field("the date by which the reserve must be on hand", "date")


class Demand(Strict):
    """What one front consumes of one commodity per day: tabulated, or troops × ration.
    Entries for the same front and commodity add up (two units at one front, each with its
    own demand and days)."""

    front: str = _field("place id of kind front")
    commodity: str = _field("commodity id")
    kg_per_day: DaySeries | None = _field(
        "consumption per day (constant or steps); give this or troops + ration", "kg/day",
        default=None,
    )
    troops: DaySeries | None = _field("people eating at the front (constant or steps)", "person",
                                      default=None)
    ration_kg_per_person_day: Ration | None = _field(
        "what one of the troops eats per day", "kg/person/day", default=None
    )
    start: Date | None = _field("first day of demand; start_date when empty", "date",
                                   default=None)
    end: Date | None = _field("last day of demand; end_date when empty", "date", default=None)
    reserves: list[ReserveTarget] = _field("reserve targets", default_factory=list)
    source: str = _field("where the figures come from, or 'estimate: reasoning'", default="")

    @model_validator(mode="after")
    def _one_way_to_say_it(self) -> Demand:
        tabulated = self.kg_per_day is not None
        by_troops = self.troops is not None or self.ration_kg_per_person_day is not None
        if tabulated == by_troops:
            refuse([("kg_per_day", "either kg_per_day, or troops and ration_kg_per_person_day")])
        if by_troops and (self.troops is None or self.ration_kg_per_person_day is None):
            missing = "troops" if self.troops is None else "ration_kg_per_person_day"
            refuse([(missing, "troops and ration_kg_per_person_day together")])
        return self


class WoundedFlow(Strict):
    """Wounded generated at a front who must reach a hospital within a number of days."""

    front: str = _field("place id of kind front where the wounded arise")
    persons_per_day: DaySeries = _field("wounded per day (constant or steps)", "person/day")
    hospitals: list[str] = _field("place ids of kind hospital that may take them",
                                  min_length=1, each_once=True)
    within_days: Annotated[int, Field(gt=0, le=10_000), Number] = _field(
        "days within which a wounded person must reach a hospital", "day"
    )
    source: str = _field("where the figures come from, or 'estimate: reasoning'", default="")


class RoadWork(Strict):
    """Building or widening a route: labour-days that must be done by a date."""

    route: str = _field("route id (or FROM--TO)")
    crew_days: Annotated[float, Field(gt=0, le=1e10), Resolved, Number] = _field(
        "person-days of work needed", "person-day"
    )
    start: Date | None = _field("first day of work; start_date when empty", "date",
                                   default=None)
    by: Date = _field("date the work must be finished", "date")
    source: str = _field("where the figures come from, or 'estimate: reasoning'", default="")


class AirWindow(Strict):
    """Air-strike probabilities over a date window (weather, season)."""

    start: Date = _field("first day of the window", "date")
    end: Date = _field("last day of the window", "date")
    day_probability: Fraction = _field(
        "chance per day that a route is struck while day movement uses it", "1/day"
    )
    night_probability: Fraction = _field(
        "chance per day that night-only movement on the route is struck (it destroys cargo; "
        "only day strikes damage the road)", "1/day", default=0.0
    )


class AirThreat(Strict):
    """Air interdiction of exposed routes."""

    routes: list[str] = _field(
        "route ids (or FROM--TO) under this threat; all air-exposed routes when empty",
        default_factory=list, each_once=True,
    )
    windows: list[AirWindow] = _field("probabilities by date window", min_length=1)
    capacity_lost_fraction: Fraction = _field(
        "share of the route's capacity a strike takes until repaired", "fraction"
    )
    cargo_destroyed_fraction: Fraction = _field(
        "share of the cargo on the route that day a strike destroys", "fraction"
    )
    source: str = _field("where the figures come from, or 'estimate: reasoning'", default="")


class Sabotage(Strict):
    """Raids and sabotage on routes through an area, reduced by protection."""

    regions: list[str] = _field("region tags; routes touching a place tagged so are exposed",
                                min_length=1, each_once=True)
    probability_per_day: Fraction = _field("chance per day a route there is hit", "1/day")
    protection: Fraction = _field(
        "share of that probability removed by troops guarding the routes", "fraction",
        default=0.0,
    )
    capacity_lost_fraction: Fraction = _field("share of capacity lost until repaired",
                                              "fraction")
    cargo_destroyed_fraction: Fraction = _field("share of the day's cargo lost", "fraction",
                                                default=0.0)
    source: str = _field("where the figures come from, or 'estimate: reasoning'", default="")


class RainSpell(Strict):
    """A rainy season: on a rain day routes slow down and carry less."""

    routes: list[str] = _field(
        "route ids (or FROM--TO) it falls on; with regions, either selects; every route when "
        "both are empty",
        default_factory=list, each_once=True,
    )
    regions: list[str] = _field(
        "region tags: routes touching a place tagged so", default_factory=list, each_once=True
    )
    start: Date = _field("first day", "date")
    end: Date = _field("last day", "date")
    probability_per_day: Fraction = _field("chance that a day is a rain day", "1/day")
    speed_factor: Annotated[float, Field(gt=0, le=1), NonzeroAtLeast(0.01), Number] = _field(
        "carrier speeds are multiplied by this on a rain day (expected travel time grows "
        "by the factor 1 - p + p / speed_factor)",
        "factor",
    )
    capacity_factor: Annotated[float, Field(ge=0, le=1), Resolved, Number] = _field(
        "route capacities are multiplied by this on a rain day", "factor"
    )
    source: str = _field("where the figures come from, or 'estimate: reasoning'", default="")


class Threats(Strict):
    """Everything that cuts routes or destroys cargo."""

    air: list[AirThreat] = _field("air interdiction", default_factory=list)
    sabotage: list[Sabotage] = _field("raids and sabotage by area", default_factory=list)
    rain: list[RainSpell] = _field("rain spells", default_factory=list)


class Weights(Strict):
    """Objective weights, per unit. Shortfall must dominate everything else."""

    shortfall_per_kg: Annotated[float, Field(gt=0, le=1e6), Resolved, Number] = _field(
        "cost of one kg of unmet demand (or reserve)", "cost/kg", default=1000.0
    )
    wounded_late_per_person: Annotated[float, Field(gt=0, le=1e6), Resolved, Number] = _field(
        "cost of one wounded person-day beyond the time limit (a person not at a hospital in "
        "time, for each day of it)", "cost/person-day", default=1000.0
    )
    labour_per_person_day: Weight = _field("cost of one labour-day", "cost/person-day",
                                                default=0.1)
    eaten_per_kg: Weight = _field("cost of one kg eaten or burned on the way", "cost/kg",
                                       default=1.0)
    taken_per_kg: Weight = _field("cost of one kg taken from a locality", "cost/kg",
                                       default=0.1)
    max_burden: Weight = _field(
        "cost per unit of the largest burden (fairness: the largest burden is lowered below "
        "policy.max_burden too, where one is set)", "cost",
        default=1000.0,
    )
    fleet_per_unit: Weight = _field(
        "cost per unit of a mode's fleet (the most units in service at once): after the "
        "shortfall, the plan runs the fewest units it needs", "cost/unit", default=1.0,
    )


class Policy(Strict):
    """The council's rules: what people keep, how much labour may be asked, fairness."""

    subsistence_kg_per_person_day: dict[str, Ration] = _field(
        "food each inhabitant keeps per day, by commodity id (never mobilized)", "kg/person/day",
        default_factory=dict,
    )
    labour_share: Fraction = _field("default share of a population able to serve", "fraction",
                                    default=0.2)
    labour_max_days_per_person: ServiceDays = _field(
        "default most days one person serves over the horizon", "day", default=60.0
    )
    labour_rations_kg_per_day: dict[str, Ration] = _field(
        "what a road worker or a repair crew's person eats per day, by commodity id; the "
        "wounded eat it too where policy.wounded_rations_kg_per_day is empty (stretcher "
        "bearers are carriers' crews: they eat their mode's rations_kg_per_day)",
        "kg/person/day",
        default_factory=dict,
    )
    wounded_rations_kg_per_day: dict[str, Ration] | None = _field(
        "what a wounded person eats per day while waiting or carried, by commodity id; "
        "labour_rations_kg_per_day when empty",
        "kg/person/day",
        default=None,
    )
    max_burden: ShareAbove0 | None = _field(
        "largest burden (given / could give) any locality may bear (1 when empty); below it "
        "the largest burden is lowered as weights.max_burden asks",
        "fraction",
        default=None,
    )
    capacity_safety_margin: Fraction = _field(
        "share held back of the route capacity the threats are expected to leave (capacity "
        "× share left × (1 − margin): 0.1 with 20 % expected damage plans on 72 %)",
        "fraction", default=0.0,
    )
    step_days: Annotated[int, Field(ge=1), Number] = _field(
        "days in one planning step: the planner decides per step; a unit arrives in the "
        "step that holds its arrival time and its cargo in the step that holds the mean "
        "arrival of loads sent through the step, while rations, fuel and labour still count "
        "the real days; longer steps solve long horizons much faster, with timing coarsened "
        "to the step",
        "day",
        default=1,
    )
    daily_start_days: Annotated[int, Field(ge=0), Number] = _field(
        "days at the start of the horizon planned day by day before steps of step_days "
        "begin (while supply lines fill, short stages must not wait a whole step)",
        "day",
        default=0,
    )
    weights: Weights = _field("objective weights", default_factory=Weights)

    @model_validator(mode="after")
    def _daily_start_needs_steps(self) -> Policy:
        if self.daily_start_days > 0 and self.step_days == 1:
            refuse([("daily_start_days", "daily_start_days only with step_days > 1 (else all "
                     "is day by day)")])
        return self


class ReplayMobilization(Strict):
    """A fixed amount mobilized from the localities of some regions (or one place)."""

    commodity: str = _field("commodity id")
    regions: list[str] = _field("region tags whose localities give it", default_factory=list,
                                each_once=True)
    places: list[str] = _field("locality ids that give it", default_factory=list,
                               each_once=True)
    exclude_regions: list[str] = _field(
        "region tags whose localities are left out (e.g. 'not the northwest')",
        default_factory=list, each_once=True,
    )
    kg: Kg = _field("total given over the horizon: at most what those localities can give "
                    "above subsistence over it", "kg")
    source: str = _field("where the figure comes from, or 'estimate: reasoning'", default="")

    @model_validator(mode="after")
    def _selects_something(self) -> ReplayMobilization:
        if not (self.regions or self.places or self.exclude_regions):
            refuse([("regions", "some regions, places or exclude_regions")])
        return self


class ReplayCarriers(Strict):
    """The most carrier units of one mode a replay may put into service (a cap: the plan
    recruits what it needs up to it)."""

    mode: str = _field("mode id")
    units: Annotated[float, Field(ge=0, le=1e9), Resolved, Number] = _field(
        "units mobilized in all, at most", "unit")
    source: str = _field("where the figure comes from, or 'estimate: reasoning'", default="")


class ReplayLabour(Strict):
    """The labour-days served in all (carriers, road works, repair crews)."""

    person_days: Annotated[float, Field(ge=0, le=1e12), Resolved, Number] = _field(
        "person-days served at least", "person-day"
    )
    source: str = _field("where the figure comes from, or 'estimate: reasoning'", default="")


class Replay(Strict):
    """Mobilization fixed to given (e.g. historical) figures, moved as physics allows."""

    name: Id = _field("replay name, used as `--replay NAME`")
    description: str = _field("what is replayed", default="")
    mobilization: list[ReplayMobilization] = _field("amounts given", min_length=1)
    carriers: list[ReplayCarriers] = _field("carrier numbers, when fixed too",
                                            default_factory=list)
    labour: ReplayLabour | None = _field(
        "labour-days served, when fixed too: the people mobilized serve (and eat) at least "
        "this many days, waiting where the plan has no work for them",
        default=None,
    )


class Price(Strict):
    """What a kg of a commodity costs at a locality (paid for what it gives)."""

    place: str = _field("locality id")
    commodity: str = _field("commodity id")
    per_kg: Annotated[float, Field(ge=0, le=1e9), Resolved, Number] = _field("price of one kg",
                                                                     "currency/kg")
    source: str = _field("where the figure comes from, or 'estimate: reasoning'", default="")


class Costs(Strict):
    """The money a plan costs: wages, hire, running costs and food bought, in one currency.
    The plan reports the cost and the cost per tonne delivered; ``weight`` sets how much one
    unit of money counts in the objective against the burden on the people."""

    currency: str = _field("the currency of every figure here (USD, VND, ...)",
                           default="USD", pattern=CURRENCY_PATTERN)
    wage_per_person_day: Annotated[float, Field(ge=0, le=1e9), Resolved, Number] = _field(
        "wage of one labour-day: every person-day served by carriers' crews, road works and "
        "repair crews", "currency/person-day", default=0.0)
    per_unit_day: dict[str, Annotated[float, Field(ge=0, le=1e9), Resolved, Number]] = _field(
        "by mode id: cost of one unit's day in service beyond its crew's wages (a carrier-day: "
        "hire, upkeep, fodder bought)", "currency/unit-day", default_factory=dict)
    per_unit_km: dict[str, Annotated[float, Field(ge=0, le=1e9), Resolved, Number]] = _field(
        "by mode id: running cost of one unit over one km, loaded or empty (wear, tyres, "
        "fuel when fuel is not a commodity)", "currency/unit-km", default_factory=dict)
    prices: list[Price] = _field("price per kg of what localities give", default_factory=list)
    weight: Weight = _field(
        "objective cost of one unit of money, against the burden weights (0: report costs "
        "without minimizing them)", "cost/currency", default=1.0)
    source: str = _field("where the figures come from, or 'estimate: reasoning'", default="")


#: The unit each metric kind is computed in (pint syntax, see :mod:`supplyline.units`; the
#: currency of ``cost_per_t`` is the scenario's).
METRIC_UNITS = {
    "share_mobilized": "%",
    "share_consumed": "%",
    "given_over_consumed": "%",
    "mobilized_t": "t",
    "consumed_t": "t",
    "arrivals_t": "t",
    "through_t": "t",
    "peak_delivered_t_per_day": "t/day",
    "demand_met_pct": "%",
    "days_from": "day",
    "labour_days": "person*day",
    "units_in_use": "unit",
    "units_recruited": "unit",
    "trips": "trip",
    "cost_per_t": "CURRENCY/t",
}

#: The kinds that are a share of a whole (at most 100 %; ``given_over_consumed`` is a ratio
#: of two totals and may exceed it).
SHARE_KINDS = frozenset({"share_mobilized", "share_consumed", "demand_met_pct"})

#: The kinds that read a date window (``start`` to ``by``, the whole horizon when empty).
WINDOW_KINDS = {"arrivals_t", "peak_delivered_t_per_day", "units_in_use", "units_recruited",
                "trips", "consumed_t"}


class MetricTerm(Strict):
    """A quantity computed from a plan (see :class:`Metric` for the kinds)."""

    kind: Literal[
        "share_mobilized",
        "share_consumed",
        "given_over_consumed",
        "mobilized_t",
        "consumed_t",
        "arrivals_t",
        "through_t",
        "peak_delivered_t_per_day",
        "demand_met_pct",
        "days_from",
        "labour_days",
        "units_in_use",
        "units_recruited",
        "trips",
        "cost_per_t",
    ] = _field("what to compute (see the class description)")
    commodity: str | None = _field("commodity id", default=None)
    regions: list[str] = _field("region tags", default_factory=list, each_once=True)
    place: str | None = _field(
        "place id: where arrivals, trips or tonnes leaving are counted; the home of the units "
        "counted", default=None)
    mode: str | None = _field(
        "mode id: the units counted (units_in_use, units_recruited: required), or the trips' "
        "mode (trips: all modes when empty)", default=None)
    start: Date | None = _field("first day (days_from; a window's first day)", "date",
                                   default=None)
    by: Date | None = _field("last day counted (demand_met_pct; a window's last day)",
                                "date", default=None)

    @model_validator(mode="after")
    def _has_its_arguments(self) -> MetricTerm:
        needs: dict[str, tuple[str, ...]] = {
            "share_mobilized": ("commodity", "regions"),
            "share_consumed": ("commodity", "regions"),
            "given_over_consumed": ("commodity", "regions"),
            "through_t": ("place",),
            "days_from": ("start",),
            "units_in_use": ("mode",),
            "units_recruited": ("mode",),
        }
        missing = [name for name in needs.get(self.kind, ()) if not getattr(self, name)]
        if missing:
            refuse([(missing[0], f"{', '.join(missing)} for metric {self.kind}")])
        reads = {
            "commodity": set(METRIC_UNITS) - {"days_from", "labour_days", "units_in_use",
                                              "units_recruited", "trips", "cost_per_t"},
            "regions": {"share_mobilized", "share_consumed", "given_over_consumed",
                        "mobilized_t"},
            "place": {"through_t", "arrivals_t", "peak_delivered_t_per_day", "trips",
                      "units_in_use", "units_recruited"},
            "mode": {"units_in_use", "units_recruited", "trips"},
            "start": {"days_from"} | WINDOW_KINDS,
            "by": {"demand_met_pct"} | WINDOW_KINDS,
        }
        unused = [name for name, kinds in reads.items()
                  if getattr(self, name) and self.kind not in kinds]
        if unused:
            refuse([(unused[0], f"no {', '.join(unused)} for metric {self.kind} (it does not "
                                "use them)")])
        if self.start is not None and self.by is not None and self.by < self.start:
            refuse([("by", "a window's by on or after its start")])
        return self


class Metric(MetricTerm):
    """A quantity computed from a plan, for comparison with history; with ``per``, its
    ratio to a second quantity.

    kinds:
    ``share_mobilized``: percent of ``commodity`` mobilized that came from localities tagged
    ``regions``. ``share_consumed``: percent of ``commodity`` consumed at fronts that came from
    them (stocks are taken as well mixed: the physical, traced share). ``given_over_consumed``:
    tonnes of ``commodity`` given by localities tagged ``regions`` as a percent of the tonnes
    of it consumed at the fronts (a ratio of two totals, as a report that says "X t was N % of
    what was used" computes it; it can exceed 100). ``mobilized_t``: tonnes of ``commodity``
    (all goods when empty) mobilized from ``regions`` (everywhere when empty).
    ``consumed_t``: tonnes consumed at the fronts. ``arrivals_t``: tonnes arriving at
    ``place`` (the fronts when empty), after what threats destroy. ``through_t``: tonnes of
    goods that leave ``place``. ``peak_delivered_t_per_day``: the largest daily tonnage
    arriving at the fronts (or ``place``). ``demand_met_pct``: percent of demand met up to
    ``by`` (end_date when empty). ``days_from``: days from ``start`` to end_date inclusive.
    ``labour_days``: person-days served (carriers' crews, road works, repair crews).
    ``units_in_use``: the most units of ``mode`` in service at once (of the home ``place``
    when given); over the whole horizon, the fleet the plan needs, which it minimizes after
    the shortfall. ``units_recruited``: units of ``mode`` put into service (a unit released
    and taken again counts each time). Both count whole units, rounded up as the plan
    reports them (57.3 bicycles at once are 58).
    ``trips``: loaded trips of ``mode`` (all when empty) leaving ``place`` (anywhere when
    empty). ``cost_per_t``: the plan's cost (see ``costs``) per tonne consumed at the fronts.
    The kinds ``arrivals_t``, ``consumed_t``, ``peak_delivered_t_per_day``,
    ``units_in_use``, ``units_recruited`` and ``trips`` read the window ``start`` to ``by``
    (the whole horizon when empty; in a plan made in steps, a step partly in the window counts
    for the share of its days within it, its amounts spread evenly over them, and a peak
    reads every step the window touches); the others take neither, but ``days_from`` its
    ``start`` and ``demand_met_pct`` its ``by`` (read as a window's end).
    A field a kind does not read is an error.
    """

    per: MetricTerm | None = _field(
        "a second quantity: the figure is this one divided by it (units divide too: t / t "
        "is a ratio, written '%' or '1')", default=None)


class Observed(Strict):
    """A historical figure that the model should reproduce, with its source and tolerance."""

    id: Id = _field("identifier")
    description: str = _field("what the figure is", default="")
    metric: Metric = _field("how the model computes it")
    value: NonNegative = _field(
        "the historical value, in ``unit`` (every kind counts or measures something, so "
        "none is negative; a share of a whole, share_mobilized, share_consumed and "
        "demand_met_pct, is at most 100 %)")
    unit: str = _field(
        "unit of value and tolerance, read by pint and converted to the metric's own: t, kg, "
        "short_ton, long_ton, t/day, %, day, person*day, unit, trip, USD/t (the scenario's "
        "currency per mass); one that measures another quantity is an error, and so is "
        "'ton' alone (the metric, the short or the long ton?)"
    )
    tolerance: NonNegative = _field("largest accepted |model - value|, in the same unit",
                                    default=0.0)
    compare: Literal["within", "at_least", "at_most"] = _field(
        "within: |model - value| <= tolerance; at_least: model >= value - tolerance (a figure "
        "sourced as 'more than'); at_most: model <= value + tolerance",
        default="within",
    )
    source: str = _field("where the figure comes from (not blank: a figure compared with "
                         "the model names its source)")
    replay: str | None = _field("replay under which it is compared; the plain plan when empty",
                                default=None)

    @field_validator("source")
    @classmethod
    def _named(cls, source: str) -> str:
        """A source in words: blank text would put a figure in the validation table that
        names none."""
        if not source.strip():
            raise ValueError("where the figure comes from (a reference, or 'estimate: "
                             "reasoning')")
        return source

    @field_validator("unit")
    @classmethod
    def _unit_of_its_metric(cls, unit: str, info: ValidationInfo) -> str:
        """A unit of the metric's quantity (said at ``unit``: the metric is read first)."""
        from supplyline.units import UnitProblem, convert

        metric = info.data.get("metric")
        if metric is None:  # (a metric the schema refuses: said there)
            return unit
        own = metric_unit(metric, None)
        if own is None:  # money: checked against the scenario's currency
            return unit
        try:
            convert(1.0, unit, own)
        except UnitProblem as problem:
            raise ValueError(f"{problem.expected} for the {metric.kind} figure"
                             f"{problem.instead}") from None
        return unit


def metric_unit(metric: Metric, currency: str | None) -> str | None:
    """The unit a metric is computed in (pint syntax); ``None`` when it involves money and
    no currency is given."""
    terms: list[MetricTerm] = [metric] + ([metric.per] if metric.per is not None else [])
    units: list[str] = []
    for term in terms:
        unit = METRIC_UNITS[term.kind]
        if "CURRENCY" in unit:
            if currency is None:
                return None
            from supplyline.units import currency_unit

            unit = unit.replace("CURRENCY", currency_unit(currency))
        units.append(unit)
    return units[0] if len(units) == 1 else f"({units[0]}) / ({units[1]})"


class Scenario(Strict):
    """A whole scenario: the network, the carriers, the demand, the threats and the policy."""

    name: Id = _field("short name (the built-ins: dien-bien-phu-1954, tutorial)")
    title: Annotated[str, Field(pattern=TITLE_PATTERN)] = _field(
        "one-line title (some letter or sign, not only spaces)")
    description: str = _field("what the scenario represents", default="")
    start_date: Date = _field("day 0 of the model", "date")
    end_date: Date = _field("last day of the horizon (inclusive; at most 3,653 days, ten "
                            "years, from start_date)", "date")
    commodities: list[Commodity] = _field("goods and the wounded", min_length=1)
    modes: list[Mode] = _field("carrier kinds", min_length=1)
    places: list[Place] = _field(
        "places; or {file: places.csv} / {file: places.geojson} naming a table beside the YAML",
        min_length=2,
    )
    routes: list[Route] = _field(
        "routes; or {file: routes.csv} / {file: routes.geojson}", min_length=1
    )
    demand: list[Demand] = _field("consumption at the fronts", min_length=1)
    wounded: list[WoundedFlow] = _field("casualty evacuation", default_factory=list)
    road_works: list[RoadWork] = _field("road building and widening", default_factory=list)
    threats: Threats = _field("air attack, sabotage and rain", default_factory=Threats)
    policy: Policy = _field("rules of mobilization and objective weights",
                            default_factory=Policy)
    replays: list[Replay] = _field("fixed (e.g. historical) mobilizations", default_factory=list)
    observed: list[Observed] = _field("historical figures to reproduce", default_factory=list)
    costs: Costs = _field("the money a plan costs (wages, hire, running costs, prices)",
                          default_factory=Costs)

    @property
    def days(self) -> int:
        """Number of days in the horizon."""
        return (self.end_date - self.start_date).days + 1

    def day_index(self, date: dt.date) -> int:
        """Day number of ``date`` (0 is ``start_date``); may fall outside the horizon."""
        return (date - self.start_date).days

    def replace(self, changes: Mapping[str, Any]) -> Scenario:
        """This scenario with values changed by dotted path, validated like a file (see
        :func:`supplyline.scenario.whatif.replace`):
        ``sc.replace({"modes.porter.payload_kg": 30, "policy.step_days": 3})``."""
        from supplyline.scenario.whatif import replace

        return replace(self, changes)

    def __repr__(self) -> str:
        return (f"<Scenario {self.name!r}: {self.start_date} to {self.end_date} ({self.days} "
                f"days), {len(self.places)} places, {len(self.routes)} routes, "
                f"{len(self.modes)} modes, {len(self.commodities)} commodities>")

    __str__ = __repr__

    def route_title(self, route: Route) -> str:
        """What a route is called for a reader: its name, else the names of the two places
        it joins ('Far village – Bridge junction'), with its key after them where another
        route without a name joins the same places ('Depot – Camp (truck-road)'); a place's
        id where it has no name."""
        if route.name:
            return route.name
        names = {p.id: p.name or p.id for p in self.places}
        title = f"{names.get(route.from_, route.from_)} – {names.get(route.to, route.to)}"
        ends = {route.from_, route.to}
        if any(other is not route and not other.name and {other.from_, other.to} == ends
               for other in self.routes):
            title += f" ({route.key})"
        return title

    def _repr_html_(self) -> str:
        """What a notebook shows: the title, the counts and the goods against the demand."""
        from supplyline.scenario.summary import summary_html

        return summary_html(self)

    @field_validator("end_date")
    @classmethod
    def _horizon_is_forward(cls, end: dt.date, info: ValidationInfo) -> dt.date:
        # A field's own check, so that it is reported beside the file's other problems.
        start = info.data.get("start_date")
        if start is not None and end < start:
            raise ValueError(f"a date on or after start_date ({start})")
        if start is not None and (end - start).days + 1 > MAX_HORIZON_DAYS:
            last = start + dt.timedelta(days=MAX_HORIZON_DAYS - 1)
            raise ValueError(f"a date by {last} (a horizon of at most {MAX_HORIZON_DAYS:,} "
                             "days, ten years: a longer one would not fit in memory)")
        return end
