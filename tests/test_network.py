"""The compiled Network: travel times, ways home, parallel routes."""

from __future__ import annotations

import numpy as np
import pytest

import supplyline as sl
from supplyline.network import compile_network, shortest_days, travel_time_days
from tests.plan.builders import PORTER, place, route, scenario, village


def test_travel_times_are_real_days() -> None:
    assert travel_time_days(100.0, 1.0, 25.0) == 4.0
    assert travel_time_days(101.0, 1.0, 25.0) == pytest.approx(4.04)
    assert travel_time_days(10.0, 1.5, 25.0) == pytest.approx(0.6)  # hours count
    assert travel_time_days(50.0, 2.0, 20.0) == 5.0


def test_parallel_edges_keep_the_shorter_not_the_sum() -> None:
    origin = np.array([0, 0, 1])
    dest = np.array([1, 1, 2])
    weight = np.array([5.0, 3.0, 2.0])
    dist = shortest_days(origin, dest, weight, 3, np.array([2]))
    assert dist.tolist() == [5.0, 2.0, 0.0]


def test_way_home_over_two_parallel_routes() -> None:
    sc = scenario(
        [village("v", 0.0, 1000.0), place("front", "front", 1.0)],
        [route("v", "front", 100.0, id="old-track"), route("v", "front", 40.0, id="new-road")],
        demand_kg_per_day=10.0,
    )
    net = sl.compile_network(sc)
    front = net.place_ids.index("front")
    # Porters walk home empty at 25 km/day on the shorter road: 40 km, 1.6 days.
    assert net.days_home[front, 0] == pytest.approx(1.6)
    home = list(net.homes[0]).index(net.place_ids.index("v"))
    assert net.home_days[0][front, home] == pytest.approx(1.6)
    assert net.home_km[0][front, home] == pytest.approx(40.0)
    assert net.days_home[net.place_ids.index("v"), 0] == 0


def test_the_way_home_is_a_chain_of_empty_trips_with_their_stops() -> None:
    """A way home of two stages lasts what its two empty trips last: movement, the mode's
    turnaround and the stop where each ends (the trip rule of accounting, in dry weather),
    not movement and turnaround alone."""
    from supplyline.accounting import legs_of

    porter = {**PORTER, "turnaround_hours": 6.0}
    sc = scenario(
        [village("v", 0.0, 1000.0, stop_hours=12.0), place("j", "junction", 0.5, stop_hours=3.0),
         place("front", "front", 1.0)],
        [route("v", "j", 25.0), route("j", "front", 50.0)],
        demand_kg_per_day=10.0, modes=[porter],
    )
    net = sl.compile_network(sc)
    front, j = net.place_ids.index("front"), net.place_ids.index("j")
    # front -> j: 2 days walking + 6 h turnaround + 3 h stop; j -> v: 1 day + 6 h + 12 h.
    assert net.days_home[j, 0] == pytest.approx(1.0 + 0.25 + 0.5)
    assert net.days_home[front, 0] == pytest.approx(2.0 + 0.25 + 0.125 + 1.75)
    # One stage home lasts what the empty trip on it lasts (no rain here).
    legs = legs_of(net)
    back = np.flatnonzero((legs.origin == j) & (legs.dest == net.place_ids.index("v")))
    assert legs.days_empty[back, 0] == pytest.approx([net.days_home[j, 0]])


def test_two_strike_sources_on_a_route_strike_it_at_least_once_not_in_sum() -> None:
    """Independent sources: the chance of a strike is 1 - (1 - p1)(1 - p2) (0.65 for 0.3 and
    0.5, never their sum 0.8); their expected cargo losses add."""
    from supplyline.hazards import StrikeSource, _threat_factors

    sc = sl.load("tutorial").replace({"threats": {"air": [], "sabotage": []}})
    net = sl.compile_network(sc)
    days = sc.days

    def source(p: float) -> StrikeSource:
        return StrikeSource(kind="air", routes=np.array([0]), day_probability=np.full(days, p),
                            night_probability=np.zeros(days), capacity_lost=0.0,
                            cargo_destroyed=0.1, same_event=False)

    _, loss, hit, _, _ = _threat_factors(sc, list(sc.routes), net.night_only,
                                         [source(0.3), source(0.5)], [])
    day_mode = int(np.flatnonzero(~net.night_only)[0])
    assert hit[0, day_mode] == pytest.approx(np.full(days, 0.65))
    assert loss[0, day_mode] == pytest.approx(np.full(days, 0.3 * 0.1 + 0.5 * 0.1))
    assert not hit[1:].any()


def test_a_horizon_shorter_than_the_repair_days_plans() -> None:
    """The planner's expected damage looks back over a strike's repair days: a horizon
    shorter than them (a re-plan with a few days left) still plans."""
    from tests.simulate.helpers import one_route

    plan = sl.plan(one_route(p=0.3, destroyed=0.2, lost=0.5, repair_days=5.0, days=3))
    assert plan.capacity_factor[0, 0] == 1.0 and plan.capacity_factor[0, 2] < 1.0


def test_a_network_is_threatened_only_by_threats_that_can_fall_in_its_horizon() -> None:
    """The plan's hint to simulate reads this: an air window after the days planned, or a
    scenario without threats, threatens nothing."""
    from supplyline.scenario.whatif import first_days

    tutorial = sl.load("tutorial")
    assert compile_network(tutorial).threatened()
    late = tutorial.replace({"threats.air[0].windows[0].start": "2024-11-20"})
    assert compile_network(late).threatened()
    assert not compile_network(first_days(late, 10)).threatened()
    calm = tutorial.model_copy(update={"threats": tutorial.threats.model_copy(
        update={"air": []})})
    assert not compile_network(calm).threatened()


def test_places_are_named_in_sentences_by_their_short_names() -> None:
    """Up to a parenthesis, semicolon or comma; the id where a place has no name, or where
    two places' names would read the same."""
    sc = scenario(
        [village("v", 0.0, 1000.0, name="Son La villages (Son La, Thuan Chau); relay"),
         village("w", 0.5, 1000.0, name="Moc Chau (plateau)"),
         village("x", 0.7, 1000.0, name="Moc Chau, lower villages"),
         place("front", "front", 1.0)],
        [route("v", "front", 20.0), route("w", "front", 20.0), route("x", "front", 20.0)],
        100.0, days=5)
    net = compile_network(sc)
    labels = [net.place_label(net.place_ids.index(p)) for p in ("v", "w", "x", "front")]
    assert labels == ["Son La villages", "Moc Chau [w]", "Moc Chau [x]", "front"]
    assert net.place_name(net.place_ids.index("w")) == "Moc Chau (plateau)"
    # A map's labels keep the full name, made distinct the same way.
    assert net.place_names == ["Son La villages (Son La, Thuan Chau); relay",
                               "Moc Chau (plateau)", "Moc Chau, lower villages", "front"]


def test_modes_and_goods_are_named_by_their_short_names_or_ids() -> None:
    """Tables, legends and sentences name a mode or good by its name up to a parenthesis,
    and by its id where it has none."""
    tutorial = sl.load("tutorial")
    net = compile_network(tutorial)
    named = tutorial.replace({"modes[0].name": "Porters (carrying poles)",
                              "commodities[0].name": ""})
    other = compile_network(named)
    assert other.mode_name(0) == "Porters (carrying poles)"
    assert other.mode_label(0) == "Porters"
    assert other.commodity_name(0) == other.commodity_label(0) == net.commodity_ids[0]
    assert net.mode_label(0) == net.scenario.modes[0].name
    # Two goods whose short names read the same are told apart by their ids.
    alike = compile_network(tutorial.replace({"commodities[0].name": "Rice (milled)",
                                              "commodities[1].name": "Rice (paddy)"}))
    ids = alike.commodity_ids
    assert [alike.commodity_label(c) for c in (0, 1)] == [f"Rice [{ids[0]}]", f"Rice [{ids[1]}]"]


def test_the_demand_by_day_is_the_demand_of_the_steps() -> None:
    """The tutorial in 3-day steps: each step's demand is its days' demand summed, and the
    days are those the scenario asks (3,000 people × 0.5 kg from the 3rd day, 4,500 from the
    10th: its comments give the figures)."""
    net = compile_network(sl.load("tutorial"), 3)
    front, rice = net.place_ids.index("kestrel-town"), net.commodity_ids.index("rice")
    daily = net.demand_kg_by_day[front, rice]
    assert daily[:2].tolist() == [0.0, 0.0] and daily[2] == pytest.approx(1500.0)
    assert daily[9] == pytest.approx(2250.0)
    starts = net.step_start.tolist()
    assert net.demand_kg[front, rice].tolist() == pytest.approx(
        [daily[s:s + int(n)].sum() for s, n in zip(starts, net.step_length, strict=True)])


def test_a_network_in_steps_longer_than_its_horizon_is_refused_as_a_plan_refuses_it() -> None:
    """``compile_network(sc, step_days=100)`` on 30 days was compiled (one step of 30 days),
    where ``sl.plan(sc, step_days=100)`` refuses it: one rule, with_step_days's."""
    sc = sl.load("tutorial")
    with pytest.raises(ValueError, match=r"^step_days: expected at most 30 \(the horizon"):
        sl.compile_network(sc, step_days=100)
    with pytest.raises(sl.PlanError, match="step_days: expected at most 30"):
        sl.plan(sc, step_days=100)
    assert sl.compile_network(sc, step_days=30).steps == 1
