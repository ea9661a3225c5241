"""Small scenarios built in code, for closed-form and invariant tests of the planner."""

from __future__ import annotations

from typing import Any

from supplyline.scenario.schema import Scenario

PORTER: dict[str, Any] = {
    "id": "porter",
    "payload_kg": 20.0,
    "speed_loaded_km_per_day": 20.0,
    "speed_empty_km_per_day": 25.0,
    "crew_per_unit": 1.0,
    "rations_kg_per_day": {"rice": 0.8},
    "units_from": "labour",
    "wounded_per_unit": 0.25,
}


def village(pid: str, lon: float, rice_kg: float, **extra: Any) -> dict[str, Any]:
    return {"id": pid, "kind": "locality", "lat": 0.0, "lon": lon, "population": 1000.0,
            "stock_kg": {"rice": rice_kg}, **extra}


def place(pid: str, kind: str, lon: float, **extra: Any) -> dict[str, Any]:
    return {"id": pid, "kind": kind, "lat": 0.0, "lon": lon, **extra}


def route(a: str, b: str, km: float, modes: list[str] | None = None,
          **extra: Any) -> dict[str, Any]:
    return {"from": a, "to": b, "length_km": km, "modes": modes or ["porter"], **extra}


def scenario(
    places: list[dict[str, Any]],
    routes: list[dict[str, Any]],
    demand_kg_per_day: float,
    days: int = 60,
    modes: list[dict[str, Any]] | None = None,
    commodities: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> Scenario:
    """A scenario starting 2020-01-01 with rice demand at the one front."""
    import datetime as dt

    start = dt.date(2020, 1, 1)
    front = next(p["id"] for p in places if p["kind"] == "front")
    modes = modes or [PORTER]
    if "wounded" not in extra:  # carrying wounded where there are none is a check error
        modes = [{k: v for k, v in m.items() if k != "wounded_per_unit"} for m in modes]
    doc: dict[str, Any] = {
        "name": "test",
        "title": "test scenario",
        "start_date": start.isoformat(),
        "end_date": (start + dt.timedelta(days=days - 1)).isoformat(),
        "commodities": commodities or [{"id": "rice"}],
        "modes": modes,
        "places": places,
        "routes": routes,
        "demand": [{"front": front, "commodity": "rice", "kg_per_day": demand_kg_per_day}],
        "policy": {"labour_max_days_per_person": 10_000.0, "labour_share": 1.0},
    }
    doc.update(extra)
    return Scenario.model_validate(doc)
