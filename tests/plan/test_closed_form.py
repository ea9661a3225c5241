"""The planner against the closed forms of docs/model.md ("Carriers eat what they carry").

Each test builds a small scenario whose answer follows from its inputs by hand, and runs it at
steps of 1, 2 and 7 days: the step is a modelling choice that must not change what a unit can
do. Speeds are chosen so that trips last whole days where a form needs the fleet to cycle
without waiting.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

import supplyline as sl
from tests.plan.builders import place, route, scenario, village

STEPS = [1, 2, 7]
L, R = 20.0, 0.8  # payload kg, ration kg/day


def _porter(**extra: Any) -> dict[str, Any]:
    """A porter walking 20 km a day loaded or empty (so a leg takes as long both ways)."""
    return {"id": "porter", "payload_kg": L, "speed_loaded_km_per_day": 20.0,
            "speed_empty_km_per_day": 20.0, "crew_per_unit": 1.0,
            "rations_kg_per_day": {"rice": R}, "units_from": "labour", **extra}


def _one_leg(km: float, step: int, days: int = 120, **mode: Any) -> sl.Plan:
    stock = 20_000.0
    sc = scenario(
        [village("v", 0.0, stock), place("front", "front", 1.0)],
        [route("v", "front", km)],
        demand_kg_per_day=10_000.0,  # far more than can arrive: everything is used
        days=days,
        modes=[_porter(**mode)],
        policy={"labour_max_days_per_person": 10_000.0, "labour_share": 1.0,
                "step_days": step},
    )
    return sl.plan(sc)


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize(("return_food", "k"), [("fed_there", 0), ("carried", 1)])
def test_delivered_per_trip_is_payload_less_the_food_inside_the_load(
    step: int, return_food: str, k: int
) -> None:
    """D = L − r·T·(1 + k): the cargo of a loaded trip is what the payload leaves after the
    food for the way out (and back, when it is carried)."""
    km = 100.0
    days = km / 20.0
    result = _one_leg(km, step, return_food=return_food)
    out = result.legs.origin == 0  # the leg from the village to the front
    trips = result.loaded_units[out].sum()
    assert trips > 0
    cargo = result.cargo_kg[out].sum()
    assert cargo / trips == pytest.approx(L - R * days * (1 + k), rel=1e-6)
    # Food rides inside the load: cargo and food together fill the payload, no more.
    legs = result.legs
    food = (legs.food_loaded + legs.food_carried_back).sum(axis=1)[out]  # [1, S] per unit
    assert cargo + (food * result.loaded_units[out]).sum() == pytest.approx(trips * L,
                                                                           rel=1e-6)
    # Either way the front keeps L − 2·r·T per load: the way back is fed from what arrived.
    kept = (L - 2 * R * days) / L
    assert result.consumed_kg.sum() == pytest.approx(result.mobilized_kg().sum() * kept,
                                                     rel=1e-6)


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize(("return_food", "k"), [("fed_there", 0), ("carried", 1)])
def test_no_leg_longer_than_payload_over_food_delivers(step: int, return_food: str,
                                                       k: int) -> None:
    """T* = L / (r·(1 + k)): a leg a little shorter delivers, a little longer does not. (The
    front holds rice to feed the way back when it is not carried.)"""

    def run(km: float) -> sl.Plan:
        sc = scenario(
            [village("v", 0.0, 1e6, stock_kg={"rice": 1e6, "ammo": 1e5}),
             place("front", "front", 1.0, stock_kg={"rice": 1e6})],
            [route("v", "front", km)],
            demand_kg_per_day=0.0,
            days=120,
            modes=[_porter(return_food=return_food)],
            commodities=[{"id": "rice"}, {"id": "ammo"}],
            policy={"labour_max_days_per_person": 10_000.0, "labour_share": 1.0,
                    "step_days": step},
            demand=[{"front": "front", "commodity": "ammo", "kg_per_day": 1000.0}],
        )
        return sl.plan(sc)

    longest_km = L / (R * (1 + k)) * 20.0
    short, long_ = run(longest_km * 0.9), run(longest_km * 1.05)
    ammo = short.good_ids.index("ammo")
    assert short.consumed_kg[:, ammo].sum() > 0
    assert long_.cargo_kg.sum() == 0.0
    assert long_.consumed_kg.sum() == 0.0


@pytest.mark.parametrize("step", STEPS)
def test_relay_stages_multiply_their_fractions(step: int) -> None:
    """Each stage keeps (L − 2·r·T_i) / L of what it carries (the way back fed at its end),
    so n stages keep the product; carriers of each stage come home to their own station."""
    bearer = _porter(id="bearer", units_from="owned")
    stock = 20_000.0
    stages = [60.0, 100.0, 40.0]  # km: 3, 5 and 2 days
    names = ["v", "r1", "r2", "front"]
    places = [village("v", 0.0, stock, carriers={"bearer": 5000}),
              place("r1", "depot", 1.0, carriers={"bearer": 5000}),
              place("r2", "depot", 2.0, carriers={"bearer": 5000}),
              place("front", "front", 3.0)]
    pairs = zip(names, names[1:], stages, strict=False)
    routes = [route(a, b, km, ["bearer"]) for a, b, km in pairs]
    sc = scenario(places, routes, demand_kg_per_day=10_000.0, days=40, modes=[bearer],
                  policy={"labour_max_days_per_person": 10_000.0, "labour_share": 1.0,
                          "step_days": step})
    result = sl.plan(sc)
    product = math.prod((L - 2 * R * km / 20.0) / L for km in stages)
    assert result.mobilized_kg().sum() == pytest.approx(stock, rel=1e-6)
    assert result.consumed_kg.sum() == pytest.approx(stock * product, rel=1e-6)


@pytest.mark.parametrize("step", STEPS)
def test_a_train_hauling_its_own_fodder_grows_as_a_geometric_series(step: int) -> None:
    """Animals that eat fodder the same train must haul: per cycle of c days each unit eats
    q·L (q = r·c / L), so moving W₀ needs a fleet of W₀ / (1 − q) = W₀ (1 + q + q² + ...)
    payloads: in unit-days, units × L = W₀ × c / (1 − q) summed over the horizon."""
    mule = {"id": "mule", "payload_kg": 100.0, "speed_loaded_km_per_day": 25.0,
            "speed_empty_km_per_day": 25.0, "crew_per_unit": 0.0,
            "rations_kg_per_day": {"fodder": 5.0}, "return_food": "carried",
            "units_from": "owned"}
    km = 75.0  # 3 days each way: a 6-day cycle
    sc = scenario(
        [place("base", "depot", 0.0, carriers={"mule": 100_000},
               stock_kg={"fodder": 1e7, "rice": 1e7}),
         place("front", "front", 1.0)],
        [route("base", "front", km, ["mule"])],
        demand_kg_per_day=1_000.0,
        days=84,
        modes=[mule],
        commodities=[{"id": "rice"}, {"id": "fodder"}],
        policy={"step_days": step},
    )
    result = sl.plan(sc)
    cycle = 2 * km / 25.0
    q = 5.0 * cycle / 100.0
    moved = result.cargo_kg[:, result.good_ids.index("rice")].sum()
    assert moved > 0
    # Unit-days in service, with the way home of units still out at the end.
    fleet_payload_days = result.unit_days().sum() * 100.0
    assert fleet_payload_days == pytest.approx(moved * cycle / (1.0 - q), rel=1e-6)


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("cycle_hours", [1.0, 7.0, 30.0, 24.0 * 10])
def test_throughput_is_units_times_availability_times_payload_over_cycle(
    step: int, cycle_hours: float
) -> None:
    """Throughput = units × availability × payload × 24 h / cycle hours, whatever the step:
    short cycles make several trips a day, long ones one every few days. Over a horizon of
    H days the loads delivered lie between the formula over H − cycle − step and over H,
    plus the way back of each unit's last trip (the first trip has to get there, and the last
    loads need not come back within the horizon)."""
    units, availability, payload = 40, 0.75, 2000.0
    # A quarter of the cycle loading and unloading, three eighths moving each way at 60 km/day.
    km = 60.0 * cycle_hours / 24.0 * 3.0 / 8.0
    truck = {"id": "truck", "payload_kg": payload, "speed_loaded_km_per_day": 60.0,
             "speed_empty_km_per_day": 60.0, "crew_per_unit": 1.0,
             "loading_hours": cycle_hours / 8.0, "unloading_hours": cycle_hours / 8.0,
             "availability": availability, "units_from": "owned"}
    horizon = 56
    sc = scenario(
        [place("depot", "depot", 0.0, carriers={"truck": units}, stock_kg={"rice": 1e9}),
         place("front", "front", 1.0)],
        [route("depot", "front", km, ["truck"])],
        demand_kg_per_day=1e8,
        days=horizon,
        modes=[truck],
        policy={"step_days": step},
    )
    result = sl.plan(sc)
    cycle_days = cycle_hours / 24.0
    assert float(result.legs.days_loaded[0, 0] + result.legs.days_empty[0, 0]) == pytest.approx(
        cycle_days, rel=1e-9)
    per_day = units * availability * payload / cycle_days
    delivered = result.cargo_kg.sum()
    # The last return of each unit may fall after the horizon (it is paid as its way home).
    back = float(result.legs.days_empty[0, 0])
    assert delivered <= (per_day * horizon + units * payload * back / cycle_days) * (1 + 1e-6)
    assert delivered >= per_day * (horizon - cycle_days - step) * (1 - 1e-6)


def test_fuel_fills_a_tank_and_a_leg_beyond_its_range_is_not_driven() -> None:
    truck = {"id": "truck", "payload_kg": 2000.0, "speed_loaded_km_per_day": 100.0,
             "speed_empty_km_per_day": 100.0, "crew_per_unit": 2.0,
             "rations_kg_per_day": {"rice": 1.6}, "fuel_commodity": "fuel",
             "fuel_kg_per_km": 0.25, "fuel_tank_kg": 100.0, "units_from": "owned"}

    def run(km: float, front_fuel: float = 1e5, front_rice: float = 0.0,
            trucks_at: str = "base", **extra: Any) -> sl.Plan:
        trucks = {"carriers": {"truck": 50}}
        sc = scenario(
            [place("base", "depot", 0.0, stock_kg={"rice": 1e6, "fuel": 1e6},
                   **(trucks if trucks_at == "base" else {})),
             place("front", "front", 1.0, stock_kg={"fuel": front_fuel, "rice": front_rice},
                   **(trucks if trucks_at == "front" else {}))],
            [route("base", "front", km, ["truck"])],
            demand_kg_per_day=100_000.0, days=30, modes=[{**truck, **extra}],
            commodities=[{"id": "rice"}, {"id": "fuel"}],
        )
        return sl.plan(sc)

    within = run(300.0)  # 75 kg of fuel a way
    fuel = within.good_ids.index("fuel")
    trips = within.loaded_units.sum() + within.empty_units.sum()
    assert within.fuel_kg()[:, fuel].sum() == pytest.approx(trips * 300.0 * 0.25, rel=1e-6)
    # Fuel is in the tank, not the load: the cargo is the payload less the crew's rice.
    out = within.legs.origin == 0
    assert within.cargo_kg[out].sum() / within.loaded_units[out].sum() == pytest.approx(
        2000.0 - 1.6 * 3.0, rel=1e-6)
    assert run(500.0).cargo_kg.sum() == 0.0  # 125 kg a way: beyond the tank
    # Filling for the round trip at the base: 150 kg needed, the tank holds 100.
    assert run(300.0, front_fuel=0.0, tank_round_trip=True).cargo_kg.sum() == 0.0
    round_trip = run(300.0, front_fuel=0.0, tank_round_trip=True, fuel_tank_kg=200.0)
    assert round_trip.cargo_kg.sum() > 0  # the way back runs on the fuel carried out
    # Each way burns its own 75 kg, the way back from what the loaded trip carried out: the
    # base gives 150 kg a loaded trip, and the front, which holds none, burns on the way
    # back (and on the way home at the end) exactly what the loaded trips handed over.
    burned = round_trip.fuel_kg()[:, fuel].sum(axis=1)  # [L]
    units = round_trip.loaded_units.sum(axis=1) + round_trip.empty_units.sum(axis=1)
    assert round_trip.empty_units.sum() > 0
    assert burned == pytest.approx(units * 75.0, rel=1e-6)
    assert round_trip.cargo_kg[:, fuel].sum() == 0.0
    base, front = 0, 1
    out = round_trip.legs.origin == base
    loaded_out = round_trip.loaded_units[out].sum()
    stock = round_trip.stock_kg[:, fuel, -1]
    assert 1e6 - stock[base] == pytest.approx(150.0 * loaded_out, rel=1e-6)
    back = round_trip.empty_units[~out].sum() * 75.0 + round_trip.way_home_kg()[front, fuel]
    assert back == pytest.approx(75.0 * loaded_out, rel=1e-6)
    assert stock[front] == pytest.approx(0.0, abs=1e-6)
    # An empty trip that is no way back burns fuel where it starts: trucks at a front
    # without fuel cannot drive empty to the base to load (with fuel there, they do).
    for front_fuel, moves in ((0.0, False), (1e5, True)):
        at_front = run(300.0, front_fuel=front_fuel, front_rice=2000.0, trucks_at="front",
                       tank_round_trip=True, fuel_tank_kg=200.0)
        assert (at_front.cargo_kg.sum() > 0) == moves


def test_a_unit_arriving_within_a_step_has_only_the_rest_of_it() -> None:
    """1,000 porters walk 9 days to a relay, then shuttle to the front 0.5 day away. In 7-day
    steps they land 2 days into the second step, so they shuttle 5 of its days. Porters of a
    village 20 days from anywhere add nothing: before, some were put into service to wait
    at home, and their time ran the relay's shuttle (271 t delivered against 233 t)."""

    def run(far_village: bool) -> sl.Plan:
        places = [village("v", 0.0, 20_000.0),
                  place("r", "depot", 1.0, stock_kg={"rice": 1e6}), place("f", "front", 2.0)]
        routes = [route("v", "r", 180.0), route("r", "f", 10.0)]
        if far_village:
            places.append(village("w", 5.0, 0.0))
            routes.append(route("w", "f", 400.0))
        return sl.plan(scenario(places, routes, demand_kg_per_day=1e6, days=21,
                                modes=[_porter()],
                                policy={"labour_max_days_per_person": 10_000.0,
                                        "labour_share": 1.0, "step_days": 7}))

    result = run(far_village=True)
    legs = result.legs
    r = result.network.place_ids.index("r")
    f = result.network.place_ids.index("f")
    shuttle = ((legs.origin == r) & (legs.dest == f)) | ((legs.origin == f) & (legs.dest == r))
    days = (result.loaded_units * legs.days_loaded + result.empty_units * legs.days_empty)
    assert days[shuttle, 1].sum() > 0
    assert days[shuttle, 1].sum() <= 1000.0 * (14.0 - 9.0) * (1 + 1e-6)
    assert result.consumed_kg.sum() == pytest.approx(run(far_village=False).consumed_kg.sum(),
                                                     rel=1e-6)


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize(("return_food", "k"), [("fed_there", 0), ("carried", 1)])
def test_one_route_by_hand(step: int, return_food: str, k: int) -> None:
    """A village of 20 t of rice 100 km from a front: 5 days out at 20 km/day, 4 days back
    empty at 25 km/day. Each load takes 20 kg from the village, delivers
    D = L − r·(T + k·T_back) (16 kg, or 12.8 kg with the way back carried), and its way back
    eats r·T_back = 3.2 kg at the front either way: 1,000 loads, 12.8 t eaten at the front,
    7.2 t on the way, and, day by day, 9 labour-days a load (no porter waits); in longer
    steps a load still spends at least its 9 days."""
    t_out, t_back = 100.0 / 20.0, 100.0 / 25.0
    porter = {**_porter(return_food=return_food), "speed_empty_km_per_day": 25.0}
    sc = scenario(
        [village("v", 0.0, 20_000.0), place("front", "front", 1.0)],
        [route("v", "front", 100.0)],
        demand_kg_per_day=10_000.0,  # far more than can arrive
        days=60,
        modes=[porter],
        policy={"labour_max_days_per_person": 10_000.0, "labour_share": 1.0,
                "step_days": step},
    )
    result = sl.plan(sc)
    out = result.legs.origin == 0
    loads = result.loaded_units[out].sum()
    assert result.cargo_kg[out].sum() / loads == pytest.approx(
        L - R * (t_out + k * t_back), rel=1e-9)
    labour = result.labour_days()["carriers"]
    if step == 1:
        assert loads == pytest.approx(20_000.0 / L, rel=1e-6)
        assert result.consumed_kg.sum() == pytest.approx(
            20_000.0 / L * (L - R * (t_out + t_back)), rel=1e-6)
        kpis = result.kpis()
        assert kpis["delivered_t"] == pytest.approx(12.8, rel=1e-6)
        assert kpis["mobilized_t"] == pytest.approx(20.0, rel=1e-6)
        assert kpis["eaten_on_way_t"] == pytest.approx(7.2, rel=1e-6)
        assert labour == pytest.approx(1000.0 * (t_out + t_back), rel=1e-6)
        assert kpis["labour_days"] == pytest.approx(9000.0, rel=1e-6)
    # (in longer steps the plan may trade a gram of the front's rice for fewer units at
    # once: the fleet's weight; a load never takes less than its days)
    assert labour >= loads * (t_out + t_back) * (1 - 1e-9)
    assert result.unit_days().sum() == pytest.approx(labour, rel=1e-9)  # a crew of 1


@pytest.mark.parametrize(("step", "eaten", "left"), [(1, 1000.0 * 0.9**4, 0.0),
                                                     (2, 1000.0 * 0.9**3, 0.0),
                                                     (5, 800.0, 200.0)])
def test_spoilage_is_kept_share_per_step_of_what_was_held_before(step: int, eaten: float,
                                                                 left: float) -> None:
    """docs/model.md: a front holding 1,000 kg of rice at 10 % a day, eating 800 kg on day
    4, gets the 656 kg left after four days of spoilage day by day; in 2-day steps (days
    0–1, 2–3, 4) it spoils over the second and third steps only (729 kg); in one 5-day
    step it gets all 800 kg. Held from the start, a stock spoils from the next step on."""
    sc = scenario(
        [village("v", 0.0, 0.0), place("front", "front", 1.0, stock_kg={"rice": 1000.0})],
        [route("v", "front", 20.0)],
        demand_kg_per_day=0.0,
        days=5,
        commodities=[{"id": "rice", "decay_per_day": 0.1}],
        demand=[{"front": "front", "commodity": "rice", "kg_per_day": 800.0,
                 "start": "2020-01-05"}],
        policy={"labour_max_days_per_person": 10_000.0, "labour_share": 1.0,
                "step_days": step},
    )
    result = sl.plan(sc)
    assert result.consumed_kg.sum() == pytest.approx(eaten, rel=1e-9)
    balance = result.balance_kg()
    assert balance["final_stock"].sum() == pytest.approx(left, abs=1e-6)
    assert balance["spoiled"].sum() == pytest.approx(1000.0 - eaten - left, abs=1e-6)


@pytest.mark.parametrize("step", STEPS)
def test_service_days_bound_the_loads(step: int) -> None:
    """The route above with 50 persons able to serve, 20 days each: 1,000 person-days, at
    9 a load (out and back), are 111.1 loads and 1,422 kg at the front, however much rice
    waits; every person serves, all his days (labour burden 1), and the village gives
    111.1 × 20 kg of its 20 t (food burden 1/9)."""
    sc = scenario(
        [village("v", 0.0, 20_000.0, population=50), place("front", "front", 1.0)],
        [route("v", "front", 100.0)],
        demand_kg_per_day=10_000.0,
        days=60,
        modes=[{**_porter(), "speed_empty_km_per_day": 25.0}],
        policy={"labour_max_days_per_person": 20.0, "labour_share": 1.0, "step_days": step},
    )
    result = sl.plan(sc)
    loads = 50 * 20.0 / 9.0
    assert result.labour_days()["carriers"] == pytest.approx(1000.0, rel=1e-6)
    food, labour = result.burden()
    assert labour[0] == pytest.approx(1.0, rel=1e-6)
    # (day by day exactly; in longer steps the fleet's weight may cost a few grams)
    rel = 1e-6 if step == 1 else 1e-4
    assert result.loaded_units[result.legs.origin == 0].sum() == pytest.approx(loads, rel=rel)
    assert result.consumed_kg.sum() == pytest.approx(loads * (L - R * 9.0), rel=rel)
    assert food[0] == pytest.approx(loads * L / 20_000.0, rel=rel)
