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
        [village("v", 0.0, 200_000.0), place("front", "front", 1.0)],
        [route("v", "front", 20.0, ["porter"], id="road", **extra)],
        demand_kg_per_day=400.0, days=days, modes=[PORTER],
        threats={"air": [{"routes": ["road"], "capacity_lost_fraction": lost,
                          "cargo_destroyed_fraction": destroyed,
                          "windows": [{"start": "2020-01-01", "end": "2020-12-31",
                                       "day_probability": p}]}]},
    )
