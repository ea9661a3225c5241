"""Scenarios and plans for the simulator's tests."""

from __future__ import annotations

import functools
import importlib.resources
from typing import Any

import yaml

import supplyline as sl
from tests.plan.builders import PORTER, place, route, scenario, village


def builtin_document(name: str) -> dict[str, Any]:
    text = (importlib.resources.files("supplyline") / "scenario" / "builtin"
            / f"{name}.yaml").read_text(encoding="utf-8")
    doc: dict[str, Any] = yaml.safe_load(text)
    return doc


def without_threats(doc: dict[str, Any]) -> dict[str, Any]:
    """The scenario with every threat switched off and every mode always available."""
    out = {**doc, "threats": {}}
    out["modes"] = [{**m, "availability": 1.0} for m in doc["modes"]]
    return out


@functools.cache
def tutorial_plan() -> sl.Plan:
    return sl.plan(sl.load("tutorial"))


@functools.cache
def quiet_tutorial_plan(step_days: int = 1) -> sl.Plan:
    doc = without_threats(builtin_document("tutorial"))
    if step_days > 1:
        doc["policy"] = {**doc["policy"], "step_days": step_days, "daily_start_days": 3}
    return sl.plan(sl.Scenario.model_validate(doc))


@functools.cache
def limited_plan(field: str, value: float, threats: bool = True,
                 step_days: int = 1) -> sl.Plan:
    """The tutorial with one limit of the ridge depot set (``handling_tonnes_per_day``,
    ``handling_arrivals_per_day``): at 4 t a day its plan loads and unloads up to 6.8 t a
    day there without the limit; at 45 units a day it receives up to 59 without it."""
    doc = builtin_document("tutorial")
    if not threats:
        doc = without_threats(doc)
    if step_days > 1:
        doc["policy"] = {**doc["policy"], "step_days": step_days, "daily_start_days": 3}
    doc["places"] = [{**p, field: value} if p["id"] == "ridge-depot" else p
                     for p in doc["places"]]
    return sl.plan(sl.Scenario.model_validate(doc))


HANDLING = ("handling_tonnes_per_day", 4.0)
ARRIVALS = ("handling_arrivals_per_day", 45.0)


def one_route(p: float, destroyed: float, lost: float, repair_days: float = 1.0,
              capacity: float | None = None, days: int = 40) -> sl.Scenario:
    """A village feeding a front over one 20 km route under air strikes."""
    extra: dict[str, Any] = {"repair_days": repair_days}
    if capacity is not None:
        extra["capacity_movements_per_day"] = capacity
    return scenario(
        # (0.15 degree apart on the equator: 16.7 km, which a 20 km route may join)
        [village("v", 0.0, 200_000.0), place("front", "front", 0.15)],
        [route("v", "front", 20.0, ["porter"], id="road", **extra)],
        demand_kg_per_day=400.0, days=days, modes=[PORTER],
        threats={"air": [{"routes": ["road"], "capacity_lost_fraction": lost,
                          "cargo_destroyed_fraction": destroyed,
                          "windows": [{"start": "2020-01-01", "end": "2020-12-31",
                                       "day_probability": p}]}]},
    )


def _mode(mid: str, payload: float, loaded: float, empty: float, ration: float,
          **extra: Any) -> dict[str, Any]:
    return {"id": mid, "units_from": "owned", "payload_kg": payload,
            "speed_loaded_km_per_day": loaded, "speed_empty_km_per_day": empty,
            "crew_per_unit": 1, "rations_kg_per_day": {"rice": ration}, **extra}


@functools.cache
def trucks_and_bicycles_plan() -> sl.Plan:
    """A daily plan without threats whose trucks burn diesel and whose bicycles carry the
    wounded: two villages' bicycles bring rice to a depot, a truck takes it on to a camp
    of 5,000, bicycles ferry the camp's 8 wounded a day from the depot to a clinic and
    back. The plan brings the clinic the bicycles' rations for the way back in a truck,
    0.45 kg a day in 0.0001 of a truck."""
    doc: dict[str, Any] = {
        "name": "trucks-and-bicycles", "title": "Trucks and bicycles",
        "start_date": "2025-03-01", "end_date": "2025-03-12",
        "commodities": [{"id": "rice", "decay_per_day": 0.001}, {"id": "diesel"},
                        {"id": "sick", "unit": "person"}],
        "modes": [
            _mode("bicycle", 100, 35, 50, 0.7, road_use=2, wounded_per_unit=1),
            _mode("truck", 5000, 200, 250, 1.2, crew_per_unit=2, fuel_commodity="diesel",
                  fuel_kg_per_km=0.25, loading_hours=2, unloading_hours=2,
                  wounded_per_unit=10),
        ],
        "places": [
            village("north-village", 34.50, 60_000.0, lat=-19.60, population=3000,
                    carriers={"bicycle": 30}),
            village("south-village", 34.45, 40_000.0, lat=-19.80, population=2200,
                    production_kg_per_day={"rice": 100}),
            place("depot", "depot", 34.55, lat=-19.75,
                  stock_kg={"diesel": 3000, "rice": 5000}, carriers={"truck": 3}),
            place("river-crossing", "junction", 34.70, lat=-19.76, stop_hours=6,
                  handling_tonnes_per_day=15),
            place("camp", "front", 34.85, lat=-19.78),
            place("clinic", "hospital", 34.58, lat=-19.74),
        ],
        "routes": [
            route("north-village", "depot", 18, ["bicycle"]),
            route("south-village", "depot", 12, ["bicycle"]),
            route("depot", "river-crossing", 16, ["bicycle"], id="river-ford",
                  terrain_factor=1.3, capacity_movements_per_day=300),
            route("river-crossing", "camp", 15, ["bicycle"], id="ferry", terrain_factor=1.2),
            route("depot", "camp", 60, ["truck"], id="truck-road",
                  capacity_tonnes_per_day=20),
            route("depot", "clinic", 4, ["bicycle", "truck"]),
        ],
        "demand": [{"front": "camp", "commodity": "rice", "troops": 5000,
                    "ration_kg_per_person_day": 0.5}],
        "wounded": [{"front": "camp", "persons_per_day": 8, "hospitals": ["clinic"],
                     "within_days": 2}],
        "policy": {"subsistence_kg_per_person_day": {"rice": 0.45}, "labour_share": 0.2,
                   "labour_max_days_per_person": 15,
                   "labour_rations_kg_per_day": {"rice": 0.6}},
    }
    return sl.plan(sl.Scenario.model_validate(doc))
