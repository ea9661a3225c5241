"""A small valley scenario for the report tests: two regions give rice and salt, porters and
bicycles carry them through a relay to a front over a pass that is too narrow (a chokepoint),
and the wounded go back to a hospital."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import supplyline as sl
from supplyline.scenario.schema import Scenario

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

PORTER = {"id": "porter", "name": "Porter", "payload_kg": 25, "speed_loaded_km_per_day": 20,
          "speed_empty_km_per_day": 25, "crew_per_unit": 1, "rations_kg_per_day": {"rice": 0.8},
          "wounded_per_unit": 0.25, "units_from": "labour"}
BICYCLE = {"id": "bicycle", "name": "Pack bicycle", "payload_kg": 100,
           "speed_loaded_km_per_day": 25, "speed_empty_km_per_day": 40, "crew_per_unit": 1,
           "rations_kg_per_day": {"rice": 0.9}, "units_from": "owned"}


def _village(pid: str, name: str, lat: float, lon: float, region: str, rice: float,
             **extra: Any) -> dict[str, Any]:
    return {"id": pid, "name": name, "kind": "locality", "lat": lat, "lon": lon,
            "regions": [region], "population": 2000, "stock_kg": {"rice": rice, "salt": 400},
            **extra}


def valley_document(title: str = "Valley <test> & co") -> dict[str, Any]:
    """The scenario as a document; its title has markup characters, to test escaping."""
    return {
        "name": "valley",
        "title": title,
        "description": "Three villages, a relay, a pass, a front and a hospital; ten days.",
        "start_date": "1954-03-01",
        "end_date": "1954-03-10",
        "commodities": [{"id": "rice", "name": "Rice", "decay_per_day": 0.001},
                        {"id": "salt", "name": "Salt"},
                        {"id": "wounded", "unit": "person"}],
        # (copies: a test that renames a mode in its document had renamed it in every
        # later test's, "Porter [/]" in a sentence a page quotes)
        "modes": copy.deepcopy([PORTER, BICYCLE]),
        "places": [
            _village("ban-a", "Ban A", 21.50, 103.40, "northwest", 40000,
                     carriers={"bicycle": 20}),
            _village("ban-b", "Ban B", 21.62, 103.22, "northwest", 15000),
            _village("ban-c", "Ban C", 21.75, 103.55, "rear", 60000),
            {"id": "relay", "name": "Relay 1", "kind": "depot", "lat": 21.55, "lon": 103.15},
            {"id": "fork", "kind": "junction", "lat": 21.47, "lon": 103.08},
            {"id": "front", "name": "The valley", "kind": "front", "lat": 21.39, "lon": 103.02,
             "stock_kg": {"rice": 1500, "salt": 100}},
            {"id": "hospital", "name": "Field hospital", "kind": "hospital", "lat": 21.60,
             "lon": 103.10},
        ],
        "routes": [
            {"from": "ban-a", "to": "relay", "length_km": 30, "modes": ["porter", "bicycle"]},
            {"from": "ban-b", "to": "relay", "length_km": 10, "modes": ["porter"]},
            {"id": "long-trail", "name": "Long trail", "from": "ban-c", "to": "relay",
             "length_km": 45, "modes": ["porter"], "terrain_factor": 1.3},
            {"id": "pass", "name": "The pass", "from": "relay", "to": "fork", "length_km": 15,
             "modes": ["porter", "bicycle"], "capacity_movements_per_day": 15},
            {"from": "fork", "to": "front", "length_km": 10, "modes": ["porter", "bicycle"]},
            {"from": "relay", "to": "hospital", "length_km": 8, "modes": ["porter"],
             "air_exposed": False},
        ],
        "demand": [
            {"front": "front", "commodity": "rice", "start": "1954-03-02",
             "troops": [{"start": "1954-03-01", "value": 1000},
                        {"start": "1954-03-06", "value": 2000}],
             "ration_kg_per_person_day": 0.9,
             "reserves": [{"days_of_supply": 1, "by": "1954-03-08"}]},
            {"front": "front", "commodity": "salt", "kg_per_day": 40},
        ],
        "wounded": [{"front": "front", "persons_per_day": 5, "hospitals": ["hospital"],
                     "within_days": 3}],
        "policy": {"subsistence_kg_per_person_day": {"rice": 0.5}, "labour_share": 0.5,
                   "labour_rations_kg_per_day": {"rice": 0.8}},
        "replays": [{"name": "history", "mobilization": [
            {"commodity": "rice", "regions": ["northwest"], "kg": 20000}]}],
        "observed": [
            {"id": "northwest-share", "description": "share of rice from the northwest",
             "metric": {"kind": "share_mobilized", "commodity": "rice",
                        "regions": ["northwest"]},
             "value": 100, "unit": "%", "tolerance": 5, "source": "estimate: for the tests",
             "replay": "history"},
            {"id": "salt-met", "description": "salt demand met",
             "metric": {"kind": "demand_met_pct", "commodity": "salt"}, "value": 100,
             "unit": "%", "tolerance": 50, "source": "estimate: made to pass",
             "replay": "history"},
            {"id": "peak", "description": "peak delivery <b>",
             "metric": {"kind": "peak_delivered_t_per_day"}, "value": 99, "unit": "t/day",
             "tolerance": 1, "source": "estimate: made to fail", "replay": "history"},
        ],
    }


@pytest.fixture(scope="session")
def valley() -> Scenario:
    return Scenario.model_validate(valley_document())


@pytest.fixture(scope="session")
def valley_doc() -> Callable[[], dict[str, Any]]:
    """A fresh copy of the valley document, to change in a test."""
    return valley_document


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The git-ignored folder where tests leave files for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def valley_plan(valley: Scenario) -> sl.Plan:
    return sl.plan(valley)


@pytest.fixture(scope="session")
def replay_plan(valley: Scenario) -> sl.Plan:
    return sl.plan(valley, replay="history")
