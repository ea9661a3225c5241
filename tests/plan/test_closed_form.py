"""The planner against closed forms derived in docs/model.md ("Closed forms").

One route, rations drawn where each leg starts: a loaded trip takes ``P + r·τg`` from the
source and brings ``P``; the carrier's way back eats ``r·τb`` at the front. So of ``S`` kg
mobilized, the front keeps ``S (P − r τb) / (P + r τg)``, and the gross delivered fraction
is ``P / (P + r (τg + τb))``.
"""

from __future__ import annotations

import math

import pytest

import supplyline as sl
from tests.plan.builders import PORTER, place, route, scenario, village

P, R = PORTER["payload_kg"], PORTER["rations_kg_per_day"]["rice"]


def _days(km: float, speed: float) -> int:
    return math.ceil(km / speed)


def _kept(payload: float, ration: float, go: int, back: int) -> float:
    return (payload - ration * back) / (payload + ration * go)


@pytest.mark.parametrize("km", [60.0, 100.0, 180.0])
def test_single_porter_route_delivers_the_closed_form_fraction(km: float) -> None:
    stock = 20_000.0
    sc = scenario(
        [village("v", 0.0, stock), place("front", "front", 1.0)],
        [route("v", "front", km)],
        demand_kg_per_day=10_000.0,  # far more than can arrive: everything is used
        days=90,
    )
    result = sl.plan(sc)
    go = _days(km, PORTER["speed_loaded_km_per_day"])
    back = _days(km, PORTER["speed_empty_km_per_day"])
    consumed = result.consumed_kg.sum()
    assert result.mobilized_kg().sum() == pytest.approx(stock, rel=1e-6)
    assert consumed == pytest.approx(stock * _kept(P, R, go, back), rel=1e-6)
    arrived = result.arrived_kg().sum()
    eaten = result.trip_rations_kg().sum() + result.idle_rations_kg().sum()
    assert arrived / (arrived + eaten) == pytest.approx(P / (P + R * (go + back)), rel=1e-6)


@pytest.mark.parametrize("step_days", [2, 3, 7])
def test_longer_planning_steps_keep_the_closed_form(step_days: int) -> None:
    """Rations count real travel days whatever the step, so the fraction kept does not depend
    on it (the horizon is long enough for all of it to arrive)."""
    km, stock = 100.0, 20_000.0
    sc = scenario(
        [village("v", 0.0, stock), place("front", "front", 1.0)],
        [route("v", "front", km)],
        demand_kg_per_day=10_000.0,
        days=120,
        policy={"labour_max_days_per_person": 10_000.0, "labour_share": 1.0,
                "step_days": step_days},
    )
    result = sl.plan(sc)
    assert result.steps == math.ceil(120 / step_days)
    go = _days(km, PORTER["speed_loaded_km_per_day"])
    back = _days(km, PORTER["speed_empty_km_per_day"])
    assert result.consumed_kg.sum() == pytest.approx(stock * _kept(P, R, go, back), rel=1e-6)
    # Each trip is charged its real days: unit-days = trips x (go + back) when nobody waits.
    trips = result.loaded_units.sum()
    assert result.unit_days().sum() == pytest.approx(trips * (go + back), rel=1e-6)


def test_relay_multiplies_the_two_stage_fractions() -> None:
    stock = 20_000.0
    places = [village("v", 0.0, stock), place("relay", "depot", 1.0),
              place("front", "front", 2.0)]
    relayed = scenario(places, [route("v", "relay", 100.0), route("relay", "front", 100.0)],
                       demand_kg_per_day=10_000.0, days=120)
    direct = scenario(places, [route("v", "front", 200.0)], demand_kg_per_day=10_000.0,
                      days=120)
    stage = _kept(P, R, 5, 4)
    whole = _kept(P, R, 10, 8)
    assert sl.plan(relayed).consumed_kg.sum() == pytest.approx(stock * stage * stage, rel=1e-6)
    assert sl.plan(direct).consumed_kg.sum() == pytest.approx(stock * whole, rel=1e-6)
    assert stage * stage > whole  # relays pay the carriers' food per stage


def test_truck_burns_fuel_per_km_and_crew_eat_rice() -> None:
    truck = {
        "id": "truck", "payload_kg": 2000.0, "speed_loaded_km_per_day": 100.0,
        "speed_empty_km_per_day": 100.0, "crew_per_unit": 2.0,
        "rations_kg_per_day": {"rice": 1.6}, "fuel_commodity": "fuel", "fuel_kg_per_km": 0.25,
        "units_from": "owned",
    }
    km, stock = 300.0, 100_000.0
    sc = scenario(
        [village("v", 0.0, stock, carriers={"truck": 50}, stock_kg={"rice": stock, "fuel": 1e6}),
         place("front", "front", 1.0, stock_kg={"fuel": 1e5})],
        [route("v", "front", km, ["truck"])],
        demand_kg_per_day=100_000.0,
        days=60,
        modes=[truck],
        commodities=[{"id": "rice"}, {"id": "fuel"}],
    )
    result = sl.plan(sc)
    days = 3  # 300 km at 100 km/day, each way
    per_trip_go, per_trip_back = 1.6 * days, 1.6 * days
    trips = stock / (2000.0 + per_trip_go)
    assert result.consumed_kg.sum() == pytest.approx(trips * (2000.0 - per_trip_back), rel=1e-6)
    fuel = result.good_ids.index("fuel")
    burned = result.fuel_kg()[:, fuel].sum()
    # Every loaded trip comes back empty: 2 × 300 km at 0.25 kg/km; no trips for nothing.
    assert burned == pytest.approx(trips * 2 * km * 0.25, rel=1e-6)
