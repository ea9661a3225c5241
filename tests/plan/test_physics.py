"""Physics the planner must respect: closures, rain, handling, availability, fleets that come
home, trucks owned by a depot, the wounded, and planning from a State."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import supplyline as sl
from supplyline.accounting import ways_home
from supplyline.units import fmt
from tests.plan.builders import PORTER, place, route, scenario, village
from tests.plan.test_invariants import _plan  # sl.plan without the diagnosis (findings)

POLICY = {"labour_max_days_per_person": 10_000.0, "labour_share": 1.0}


def _line(km: float = 40.0, days: int = 30, **extra: Any) -> sl.Scenario:
    """A village, a front 40 km (2 days loaded) away, a steady demand the porters can meet."""
    return scenario(
        [village("v", 0.0, 50_000.0), place("front", "front", 1.0)],
        [route("v", "front", km, id="track", **extra.pop("route", {}))],
        demand_kg_per_day=100.0, days=days, policy=POLICY, **extra,
    )


def test_a_closed_route_carries_nothing_on_its_closed_days() -> None:
    sc = _line(route={"closed": [{"start": "2020-01-10", "end": "2020-01-16"}]})
    result = sl.plan(sc)
    out = result.legs.origin == 0
    trips = result.loaded_units[out][0]
    # A trip may not leave if it would be on the route on a closed day (2 days a trip).
    assert trips[8:16].sum() == 0.0
    assert trips[:8].sum() > 0 and trips[16:].sum() > 0
    # Reserves built before the closure carry the front through it, or it goes short: either
    # way nothing crossed.
    assert result.status == "optimal"


def test_no_trip_leaves_in_a_step_on_a_day_of_which_its_route_is_closed() -> None:
    """A step's trips leave over the whole step (several a step on a short route): none
    leaves in a step on any day of which the route is closed, though a trip leaving on the
    step's first day would be back before the closure. So a plan in steps asks nothing a
    day-by-day execution cannot do: without threats, its runs go no shorter than it does
    (they went 0.8 t short here, every run, when the step's open day carried it all)."""
    sc = _line(km=10.0, days=15,
               route={"closed": [{"start": "2020-01-05", "end": "2020-01-06"}]})
    result = sl.plan(sc, step_days=3)  # step 1 is 2020-01-04 to 01-06
    out = result.legs.origin == 0
    assert result.loaded_units[out][0][1] == 0.0
    assert result.loaded_units[out][0][[0, 2, 3, 4]].min() > 0
    runs = sl.simulate(result, runs=2, seed=0, threats=False, breakdowns=False)
    assert float(runs.shortfall_kg.max()) <= result.kpis()["shortfall_t"] * 1000.0 + 1.0
    # A trip that leaves on a step's last day is on its way after the step: 2-day trips in
    # 4-day steps (days 0-3) meet a closure on day 4, so step 0 carries nothing either.
    later = _line(days=16, route={"closed": [{"start": "2020-01-05", "end": "2020-01-05"}]})
    stepped = sl.plan(later, step_days=4)
    out = stepped.legs.origin == 0
    assert stepped.loaded_units[out][0][:2].sum() == 0.0
    assert stepped.loaded_units[out][0][2:].sum() > 0


def test_rain_slows_carriers_by_its_expected_factor() -> None:
    rain = {"start": "2020-01-01", "end": "2020-01-30", "probability_per_day": 0.5,
            "speed_factor": 0.5, "capacity_factor": 1.0, "routes": ["track"]}
    dry = sl.plan(_line())
    wet = sl.plan(_line(threats={"rain": [rain]}))
    # 1 - q + q / f = 1.5: 2 days of walking become 3.
    assert wet.legs.days_loaded[0, 0] == pytest.approx(dry.legs.days_loaded[0, 0] * 1.5)
    assert wet.labour_days()["carriers"] > dry.labour_days()["carriers"]


def test_handling_capacity_bounds_what_a_place_loads_and_unloads() -> None:
    sc = scenario(
        [village("v", 0.0, 50_000.0), place("front", "front", 1.0,
                                            handling_tonnes_per_day=0.05)],
        [route("v", "front", 40.0)],
        demand_kg_per_day=100.0, days=30, policy=POLICY,
    )
    result = sl.plan(sc)
    into_front = result.legs.dest == 1
    per_step = result.cargo_kg[into_front].sum(axis=(0, 1))
    assert per_step.max() <= 50.0 + 1e-6
    assert result.kpis()["shortfall_t"] > 0


def test_trucks_owned_by_a_depot_are_put_into_service_and_come_home() -> None:
    truck = {"id": "truck", "payload_kg": 2000.0, "speed_loaded_km_per_day": 100.0,
             "speed_empty_km_per_day": 100.0, "crew_per_unit": 2.0,
             "rations_kg_per_day": {"rice": 1.6}, "units_from": "owned"}
    sc = scenario(
        [place("depot", "depot", 0.0, carriers={"truck": 3}, stock_kg={"rice": 1e6}),
         place("front", "front", 1.0)],
        [route("depot", "front", 200.0, modes=["truck"])],
        demand_kg_per_day=1000.0, days=30, modes=[truck],
    )
    result = sl.plan(sc)
    assert result.kpis()["delivered_t"] > 0
    assert result.in_service_units[0, 0].max() <= 3.0 + 1e-9
    # Every truck still out at the end pays its way home to the depot.
    depot = list(result.network.homes[0]).index(0)
    assert result.going_home_units[0][:, depot].sum() == pytest.approx(
        result.in_service_units[0, 0, -1])


def test_carriers_go_home_to_the_village_they_came_from() -> None:
    """Two villages along a line, each with its own porters: porters of the far village may
    not be released at the near one (the way home is walked or paid)."""
    places = [village("far", 0.0, 20_000.0), village("near", 1.0, 0.0),
              place("front", "front", 2.0)]
    sc = scenario(places, [route("far", "near", 100.0), route("near", "front", 100.0)],
                  demand_kg_per_day=10_000.0, days=120, policy=POLICY)
    result = sl.plan(sc)
    net = result.network
    far, near = net.place_ids.index("far"), net.place_ids.index("near")
    released = result.released_units[:, 0].sum(axis=1)
    recruited = result.recruited_units[:, 0].sum(axis=1)
    for p in (far, near):
        assert released[p] <= recruited[p] + 1e-6
    # Each village's porters work their own stage and walk back (5 days out, 4 back): the
    # front keeps (20 − 0.8·9) / 20 of each stage, no more (nobody saves a way home).
    assert result.consumed_kg.sum() == pytest.approx(20_000.0 * 0.64 * 0.64, rel=1e-6)


def test_the_wounded_go_only_to_their_hospitals_and_eat() -> None:
    places = [village("v", 0.0, 50_000.0), place("front", "front", 1.0),
              place("near-hospital", "hospital", 0.5), place("far-hospital", "hospital", 2.0)]
    routes = [route("v", "front", 40.0), route("front", "near-hospital", 10.0),
              route("front", "far-hospital", 60.0)]
    wounded = [{"front": "front", "persons_per_day": 2.0, "hospitals": ["far-hospital"],
                "within_days": 10}]
    sc = scenario(places, routes, demand_kg_per_day=100.0, days=40, policy={
        **POLICY, "labour_rations_kg_per_day": {"rice": 0.7}},
        commodities=[{"id": "rice"}, {"id": "wounded", "unit": "person"}], wounded=wounded)
    result = sl.plan(sc)
    net = result.network
    near = net.place_ids.index("near-hospital")
    into_near = result.legs.dest == near
    assert result.wounded_carried[into_near].sum() == 0.0
    far = net.place_ids.index("far-hospital")
    assert result.wounded_carried[result.legs.dest == far].sum() > 0
    # They eat (the labour ration by default) where they wait and on the way.
    assert result.wounded_fed_kg.sum() > 0
    assert not any("late" in note for note in result.gave_up())


def _evacuation(km: float, within_days: int, step_days: int | None = None,
                via_relay: bool = False) -> sl.Plan:
    """A front whose 2 wounded a day go back to a hospital ``km`` away (or through a relay,
    ``km`` and ``km`` again) on the porters' empty trips (25 km a day empty) and must be
    there within ``within_days``."""
    places = [village("v", 0.0, 50_000.0), place("front", "front", 1.0),
              place("hospital", "hospital", 0.5)]
    routes = [route("v", "front", 20.0)]
    if via_relay:
        places.append(place("relay", "depot", 0.7))
        routes += [route("front", "relay", km), route("relay", "hospital", km)]
    else:
        routes.append(route("front", "hospital", km))
    wounded = [{"front": "front", "persons_per_day": 2.0, "hospitals": ["hospital"],
                "within_days": within_days}]
    sc = scenario(places, routes, demand_kg_per_day=100.0, days=30, policy=POLICY,
                  commodities=[{"id": "rice"}, {"id": "wounded", "unit": "person"}],
                  wounded=wounded)
    return _plan(sc) if step_days is None else sl.plan(sc, step_days=step_days)


@pytest.mark.parametrize("step_days", [None, 3])
def test_wounded_on_a_carry_longer_than_their_limit_are_late(step_days: int | None) -> None:
    """45 km is 1.8 days empty: no one carried there reaches the hospital within 1 day, each
    at least 0.8 days late. The trips had been charged from the start of the step they leave
    in, before most of its wounded arose, and the limit checked at step ends: 0 late."""
    plan = _evacuation(45.0, within_days=1, step_days=step_days)
    carried = float(plan.wounded_carried.sum())
    assert carried > 40.0  # (most of the 60 wounded are carried: the case)
    assert plan.wounded_late_person_days() >= 0.8 * carried
    # As the headline gives the figure (it said 9 where the headline said 9.25).
    late = fmt(plan.wounded_late_person_days())
    assert f"wounded not at a hospital within their limit: {late} person-days" in \
        plan.gave_up()


def test_wounded_on_a_carry_within_their_limit_are_not_late() -> None:
    """20 km is 0.8 days empty: carried the day they arise, they are there within 1 day
    (all but the first day's, who wait a day for the first porters to come)."""
    plan = _evacuation(20.0, within_days=1)
    assert plan.wounded_carried.sum() > 40.0
    assert plan.wounded_late[2:].sum() == pytest.approx(0.0, abs=1e-6)


def test_wounded_landing_at_a_relay_at_a_step_s_end_are_counted_on_their_way() -> None:
    """Two 1-day carries through a relay (25 km each, empty) with a 1-day limit: each person
    is a day late. One landing at the relay on the step's last instant is there from the
    next step by the wounded balance, and had been counted neither on the way nor there at
    the step's end: 4 person-days late for 56 carried."""
    plan = _evacuation(25.0, within_days=1, via_relay=True)
    into = plan.legs.dest == plan.network.place_ids.index("hospital")
    carried = float(plan.wounded_carried[into].sum())
    assert carried > 40.0
    assert plan.wounded_late_person_days() >= 0.95 * carried


def test_a_plan_starts_from_a_given_state() -> None:
    sc = _line()
    net = sl.compile_network(sc)
    start = sl.State.initial(net)
    front = net.place_ids.index("front")
    start.stock_kg[front, 0] = 3_000.0  # a month of demand already at the front
    result = sl.plan(net, state=start)
    assert result.kpis()["shortfall_t"] == pytest.approx(0.0, abs=1e-6)
    assert result.mobilized_kg().sum() == pytest.approx(0.0, abs=1e-3)
    # The same as a scenario whose front holds that stock from the start.
    with_stock = scenario(
        [village("v", 0.0, 50_000.0), place("front", "front", 1.0, stock_kg={"rice": 3000.0})],
        [route("v", "front", 40.0, id="track")], demand_kg_per_day=100.0, days=30,
        policy=POLICY)
    assert sl.plan(with_stock).objective == pytest.approx(result.objective, rel=1e-9)


def test_a_plan_from_a_state_counts_the_burden_as_its_fairness_rows_do() -> None:
    """Against what the village can still give and its persons who can still serve at the
    plan's start, as the LP's fairness rows: the plan's burden is its bound, where the
    report divided by the scenario's own figures and showed less."""
    net = sl.compile_network(_line())
    start = sl.State.initial(net)
    v = net.place_ids.index("v")
    full = net.giveable_kg[v, 0, -1]
    start.given_kg[v, 0] = full / 2  # half of it given before the plan
    start.persons[v] = net.labour_people[v] / 4
    result = sl.plan(net, state=start)
    assert result.could_give_kg[v, 0] == pytest.approx(full / 2)
    assert result.labour_pool[v] == pytest.approx(net.labour_people[v] * 3 / 4)
    food, labour = result.burden()
    assert result.mobilized_kg()[v].sum() > 1_000.0
    assert food[v] == pytest.approx(result.mobilized_kg()[v].sum() / (full / 2))
    assert max(food[v], labour[v]) == pytest.approx(result.max_burden, rel=1e-6)
    row = result.mobilization_frame().set_index("place").loc["v"]
    assert row["labour_pool"] == pytest.approx(net.labour_people[v] * 3 / 4)


def test_units_and_cargo_on_the_way_arrive_from_the_state() -> None:
    sc = _line(days=20)
    net = sl.compile_network(sc)
    start = sl.State.initial(net)
    front = net.place_ids.index("front")
    home = net.place_ids.index("v")
    start.transit = sl.state.Transit(
        dest=np.array([front]), mode=np.array([0]), arrive_in_days=np.array([1.5]),
        units=np.array([100.0]), cargo_kg=np.array([[1_500.0]]))
    start.in_service[home, 0] = 100.0
    start.labour_days_left[home, 0] = 100.0 * 60
    result = sl.plan(net, state=start)
    # 1.5 t arrive in step 1 and feed the front for 15 days; the porters go home. Day 0
    # goes short: nothing can be there before the first arrival.
    assert result.stock_in_kg[front, 0, 1] == pytest.approx(1_500.0)
    assert result.kpis()["delivered_t"] == pytest.approx(1.9, rel=1e-6)
    assert result.consumed_kg[front, 0, 0] == 0.0
    going = result.going_home_units[0][:, list(net.homes[0]).index(home)].sum()
    assert going == pytest.approx(result.in_service_units[home, 0, -1], abs=1e-6)


def test_a_state_that_counts_the_whole_labour_pool_served_recruits_no_one() -> None:
    """What is left of a village's pool bounds whom a plan may still put into service; a
    pool used up (the State counts all its persons served) had lost its row, and the plan
    recruited as many as from a pool untouched (666 of 1,000)."""
    sc = scenario([village("v", 0.0, 1e5), place("f", "front", 0.1)], [route("v", "f", 10.0)],
                  demand_kg_per_day=1e6, days=10, policy=POLICY)
    net = sl.compile_network(sc)
    recruited = {}
    for served in (0.0, 600.0, 1000.0):
        start = sl.State.initial(net)
        start.persons[0] = served
        recruited[served] = sl.plan(net, state=start).recruited_units.sum()
    assert recruited[0.0] > 400.0
    assert recruited[600.0] == pytest.approx(400.0, rel=1e-6)
    assert recruited[1000.0] == pytest.approx(0.0, abs=1e-6)


def test_units_landing_from_the_state_within_a_step_have_only_the_rest_of_it() -> None:
    """1,000 porters of the State land at a relay 9 days on and shuttle to the front 0.5 day
    away. In 7-day steps they have 5 days of the second step there (they had been given
    all 7, and porters put into service to wait at home paid for the other 2)."""
    places = [village("v", 0.0, 0.0), place("r", "depot", 1.0, stock_kg={"rice": 1e6}),
              place("f", "front", 2.0)]
    sc = scenario(places, [route("v", "r", 180.0), route("r", "f", 10.0)],
                  demand_kg_per_day=1e6, days=21, policy={**POLICY, "step_days": 7})
    net = sl.compile_network(sc)
    v, r = net.place_ids.index("v"), net.place_ids.index("r")
    start = sl.State.initial(net)
    start.in_service[v, 0] = start.persons[v] = 1000.0
    start.labour_days_left[v, 0] = 1e6
    start.transit = sl.state.Transit(
        dest=np.array([r]), mode=np.array([0]), arrive_in_days=np.array([9.0]),
        units=np.array([1000.0]), cargo_kg=np.zeros((1, net.n_commodities)))
    result = sl.plan(net, state=start)
    legs = result.legs
    shuttle = (legs.origin != v) & (legs.dest != v)
    days = result.loaded_units * legs.days_loaded + result.empty_units * legs.days_empty
    assert days[shuttle, 1].sum() == pytest.approx(1000.0 * (14.0 - 9.0), rel=1e-6)
    assert result.in_service_units.sum(axis=(0, 1)) == pytest.approx([1000.0] * 3)


def test_a_state_that_does_not_fit_is_a_plan_error() -> None:
    net = sl.compile_network(_line())
    start = sl.State.initial(net)
    start.units_idle = np.ones((net.n_places, net.n_modes))
    with pytest.raises(sl.PlanError, match="add up to the units in service"):
        sl.plan(net, state=start)
    start = sl.State.initial(net)
    start.stock_kg = np.zeros((1, 1))
    with pytest.raises(sl.PlanError, match="stock_kg: expected shape"):
        sl.plan(net, state=start)


def test_an_unknown_solver_is_an_error() -> None:
    with pytest.raises(sl.PlanError, match="solver must be one of"):
        sl.plan(_line(), solver="fooo")


def test_porter_rations_ride_in_the_load_on_the_default_scenario_routes() -> None:
    """A porter with 20 kg on a leg of T days carries 20 − 0.8·T kg of cargo, not 20."""
    result = sl.plan(_line(km=100.0))
    out = result.legs.origin == 0
    assert result.cargo_kg[out].sum() / result.loaded_units[out].sum() == pytest.approx(
        PORTER["payload_kg"] - 0.8 * 5.0, rel=1e-6)


def test_a_place_receives_no_more_units_a_day_than_it_can() -> None:
    sc = scenario(
        [village("v", 0.0, 50_000.0), place("front", "front", 1.0,
                                            handling_arrivals_per_day=2.0)],
        [route("v", "front", 40.0)],
        demand_kg_per_day=100.0, days=30, policy=POLICY,
    )
    result = sl.plan(sc)
    into_front = result.legs.dest == 1
    arrived = np.zeros(result.steps)
    legs = result.legs
    for units, arrive_at in ((result.loaded_units, legs.arrive_loaded),
                             (result.empty_units, legs.arrive_empty)):
        for s in range(result.steps):
            arrive = arrive_at[into_front, s]
            here = arrive < result.steps
            np.add.at(arrived, arrive[here], units[into_front, s][here])
    assert arrived.max() <= 2.0 + 1e-6
    # Two porters a day bring 2 × 18 kg: the front goes short of its 100 kg a day.
    assert result.kpis()["shortfall_t"] > 0


def test_what_the_objective_gave_up_is_reported(tiny_text: str) -> None:
    """Road work that cannot be done by its date, and a replay cap above the units the places
    own, are said in words (they used to pass as 'optimal' without a word)."""
    from supplyline.scenario.load import load_text

    text = tiny_text.replace(
        "replays:",
        "road_works:\n  - {route: long-trail, crew_days: 100000000, by: 1954-03-08}\n\nreplays:",
    ).replace("{mode: bicycle, units: 20}", "{mode: bicycle, units: 5000}")
    sc = load_text(text, "tiny.yaml")
    notes = sl.plan(sc).gave_up()
    assert any(n.startswith("road work on long-trail left unfinished") for n in notes)
    replayed = sl.plan(sc, replay="history").gave_up()
    assert any("caps bicycle at 5,000 units, but the places own only" in n for n in replayed)


@pytest.mark.parametrize("step_days", [1, 4])
def test_reserves_missed_on_days_in_a_row_are_one_line(step_days: int) -> None:
    """A reserve asked for every day and missed every day is one line per front and good,
    with how many targets it missed and the largest miss, not a line a day (in 4-day steps,
    four targets fall in each step)."""
    import re

    from supplyline.simulate.target import _hardened

    base = sl.load("tutorial")
    result = _plan(_hardened(base, 0.0, 60.0, base.start_date),
                               step_days=step_days)
    net = result.network
    missed = [(p, c, s) for i, (p, c, s, _) in enumerate(net.reserve_targets)
              if result.reserve_short_kg[i] > 1.0]
    assert len(missed) > len({(p, c) for p, c, _ in missed})  # some missed in a row
    notes = [n for n in result.gave_up() if n.startswith("reserve of ")]
    counted = 0
    for note in notes:
        match = re.search(r"\((\d+) targets, steps? from (\S+)(?: to (\S+))?\)$", note)
        counted += int(match[1]) if match else 1
        assert match is None or match[3] is None or match[2] < match[3]
    assert counted == len(missed)
    assert len(notes) < len(missed)


def test_the_way_home_goes_only_where_an_empty_trip_can_drive() -> None:
    """A road whose fuel does not fit the tank is never driven, yet the way home took it:
    trucks at the front went home over it, drawing 75 kg of fuel each into a 60 kg tank,
    and the road changed the plan. With it, the plan is the plan without it."""
    truck = {"id": "truck", "payload_kg": 2000.0, "speed_loaded_km_per_day": 400.0,
             "speed_empty_km_per_day": 400.0, "crew_per_unit": 1.0,
             "rations_kg_per_day": {"rice": 1.0}, "units_from": "owned",
             "fuel_commodity": "diesel", "fuel_kg_per_km": 0.5, "fuel_tank_kg": 60.0}
    places = [village("v", 0.0, 1e6, carriers={"truck": 5},
                      stock_kg={"rice": 1e6, "diesel": 1e5}),
              place("j", "junction", 1.0), place("f", "front", 2.0)]
    chain = [route("v", "j", 50.0, ["truck"], terrain_factor=3.0),
             route("j", "f", 50.0, ["truck"], terrain_factor=3.0)]
    plans = [sl.plan(scenario(
        places, direct + chain,
        [{"start": "2020-01-01", "value": 0.0}, {"start": "2020-01-10", "value": 6000.0}],
        days=10, modes=[truck], commodities=[{"id": "rice"}, {"id": "diesel"}],
        policy={"labour_max_days_per_person": 10_000.0, "labour_share": 1.0,
                "weights": {"labour_per_person_day": 100.0}}))
        for direct in ([route("v", "f", 150.0, ["truck"])], [])]
    with_road, without = plans
    f = with_road.network.place_ids.index("f")
    assert with_road.network.home_km[0][f, 0] == pytest.approx(100.0)  # by j, not 150 km
    assert with_road.objective == pytest.approx(without.objective, rel=1e-7)
    assert with_road.labour_days()["total"] == pytest.approx(without.labour_days()["total"],
                                                             rel=1e-6)


def test_handling_counts_what_lands_not_what_was_destroyed_on_the_way() -> None:
    """The handling row counted cargo landing before the expected loss on the way, while
    the stock balance (and the simulator) land it after: at Kestrel town, 2 t a day, the
    row was full with 1.92 t landed. Now what lands fills it."""
    sc = sl.load("tutorial").replace({"places[kestrel-town].handling_tonnes_per_day": 2.0})
    result = _plan(sc)
    net, legs = result.network, result.legs
    town = net.place_ids.index("kestrel-town")
    arrived = result.arrived_kg().sum(axis=1)  # [L, S], after the loss
    sent = result.cargo_kg.sum(axis=1)  # before it
    landed, landed_before_loss = np.zeros(result.steps), np.zeros(result.steps)
    for leg in np.nonzero(legs.dest == town)[0]:
        for s in range(result.steps):
            if legs.cargo_arrives[leg, s] < result.steps:
                landed[legs.cargo_arrives[leg, s]] += arrived[leg, s]
                landed_before_loss[legs.cargo_arrives[leg, s]] += sent[leg, s]
    out = result.cargo_kg[legs.origin == town].sum(axis=(0, 1))
    cap = 2000.0 * result.step_length
    assert (landed + out <= cap * (1 + 1e-6)).all()
    # In a step whose loads run a risk, more is sent than the town could handle were all of
    # it to land (the row of before held that at the cap too).
    assert (landed_before_loss + out > cap * (1 + 1e-4)).any()


def test_a_round_trip_tank_fills_for_the_way_back_it_takes() -> None:
    """On a one-way route the way back is the way home, for the fuel as for the food: the
    tank was filled for 100 km back (the route) while the way home is 160 km, and the
    round trip was said to fit a tank it does not fit."""
    from supplyline.accounting import legs_of

    truck = {"id": "truck", "payload_kg": 2000.0, "speed_loaded_km_per_day": 400.0,
             "speed_empty_km_per_day": 400.0, "crew_per_unit": 1.0,
             "rations_kg_per_day": {"rice": 10.0}, "units_from": "owned",
             "return_food": "carried", "fuel_commodity": "diesel", "fuel_kg_per_km": 0.5,
             "fuel_tank_kg": 120.0, "tank_round_trip": True}
    places = [village("v", 0.0, 1e6, carriers={"truck": 5},
                      stock_kg={"rice": 1e6, "diesel": 1e5}),
              place("j", "junction", 1.0), place("f", "front", 2.0)]
    routes = [route("v", "f", 100.0, ["truck"], one_way=True),
              route("f", "j", 80.0, ["truck"], one_way=True),
              route("j", "v", 80.0, ["truck"], one_way=True)]
    net = sl.compile_network(scenario(places, routes, 500.0, days=10, modes=[truck],
                                      commodities=[{"id": "rice"}, {"id": "diesel"}]))
    legs = legs_of(net)
    out = next(i for i in range(legs.arc.size) if net.place_ids[legs.origin[i]] == "v")
    diesel = net.goods.index(net.commodity_ids.index("diesel"))
    assert legs.fuel_carried_back[out, diesel] == pytest.approx(0.5 * 160.0)
    assert not legs.loaded_ok[out].any()  # 50 kg out and 80 kg back: over the 120 kg tank


CARTS = """name: carts
title: Carts at a depot, a front and a far home
start_date: 2024-11-01
end_date: {end}
commodities:
  - {{id: rice, source: "test"}}
modes:
  - id: cart
    units_from: owned
    payload_kg: 100
    speed_loaded_km_per_day: 20
    speed_empty_km_per_day: 40
    crew_per_unit: 1
    rations_kg_per_day: {{rice: {rations}}}
    source: "test"
places:
  - {{id: far, kind: depot, lat: 20.0, lon: 85.6, stock_kg: {{rice: 100000}},
     carriers: {{cart: {far}}}, source: "test"}}
  - {{id: depot, kind: depot, lat: 27.9, lon: 85.6, stock_kg: {{rice: 100000}},
     carriers: {{cart: 10}}, source: "test"}}
  - {{id: front, kind: front, lat: 28.2, lon: 85.6, source: "test"}}
routes:
  - {{from: far, to: depot, length_km: 5000, modes: [cart]}}
  - {{id: road, from: depot, to: front, length_km: {km}, modes: [cart]
     {closed}}}
demand:
  - {{front: front, commodity: rice, kg_per_day: {demand}, source: "test"}}
"""


def _carts(far: int = 0, km: float = 30.0, end: str = "2024-11-08", rations: float = 2.0,
           closed: str = "", demand: float = 100_000.0) -> sl.Scenario:
    from supplyline.scenario import load_text

    return load_text(CARTS.format(far=far, km=km, end=end, rations=rations, closed=closed,
                                  demand=demand), "carts.yaml")


def test_units_that_can_never_arrive_lend_no_time() -> None:
    """100 carts at a home 5,000 km away (125 days empty) can change nothing in 8 days. Kept
    in service and idle there, their unit-days had paid, through the mode's time row, for
    more trips than the depot's 10 carts had time for: 4.10 t delivered against 2.87 t
    without them, above the 3.71 t those 10 carts can carry at most, and 20 carts
    "needed"."""
    alone, beside = _plan(_carts(far=0)), _plan(_carts(far=100))
    assert beside.kpis()["delivered_t"] == pytest.approx(alone.kpis()["delivered_t"],
                                                         rel=1e-6)
    assert beside.fleet_needed().tolist() == alone.fleet_needed().tolist() == [10.0]
    assert alone.kpis()["delivered_t"] <= 3.71


def test_units_stranded_at_a_front_wait_and_eat_there() -> None:
    """A closure from day 3 strands the 10 carts at the front (2 days out, the way back
    closed). Their waiting had been booked at the depot 40 km away, which put 10 carts into
    service and released them every day (90 "recruited" of 10 owned), so the carts ate the
    depot's rice and the front got 0.85 t. By hand: 10 carts × 90 kg of cargo = 900 kg, less
    8 days' waiting at 5 kg (400 kg) and the way home (50 kg) eaten at the front: 450 kg."""
    plan = _plan(_carts(km=40.0, end="2024-11-10", rations=5.0, demand=1000.0,
                        closed=", closed: [{start: 2024-11-04, end: 2024-11-10}]"))
    depot, front = (plan.network.place_ids.index(p) for p in ("depot", "front"))
    # From the day after they land, every cart waits at the front, none at the depot.
    assert plan.waiting_unit_days[depot, 0, 3:].max() <= 1e-6
    assert plan.waiting_unit_days[front, 0, 3:] == pytest.approx(10.0, abs=1e-6)
    assert plan.recruited_units[depot, 0, 3:].sum() <= 1e-6
    # (The day they land, the step they arrive in, is still lenient: 0.5 t, not 0.45.)
    assert plan.kpis()["delivered_t"] <= 0.5 + 1e-6
    # The waiting table says so: 10 carts at the front each of those days, eating 50 kg.
    table = plan.to_frame("waiting")
    there = table[(table["place"] == "front") & (table["day"] >= 3)]
    assert len(there) == 7
    assert there["units"].tolist() == [10] * 7
    assert there["waiting_unit_days"].tolist() == pytest.approx([10.0] * 7, abs=1e-6)
    assert there["rations_kg"].tolist() == pytest.approx([50.0] * 7, abs=1e-5)
    assert table[(table["place"] == "depot") & (table["day"] >= 3)].empty


def _stranded_carts(far: int, rice_kg: float, salt: float = 0.0, burn: float = 0.0
                    ) -> tuple[sl.Network, sl.State]:
    """10 carts of the depot that a State has at the front, with ``rice_kg`` there, the way
    back closed until the horizon's last day; their crews owe days enough (else the plan
    puts carts into service only for the days their crews bring). With ``salt``, they eat
    that much salt a day beside their rice, and the far home holds 10 kg of it, which cannot
    come in time (a ration or a fuel no place holds is a check error); with ``burn``, they
    also burn that much of it a km (a good both eaten and burned)."""
    from supplyline.scenario import load_text

    text = CARTS.format(far=far, km=40.0, end="2024-11-05", rations=5.0, demand=1000.0,
                        closed=", closed: [{start: 2024-11-01, end: 2024-11-04}]")
    if salt:
        text = text.replace('  - {id: rice, source: "test"}',
                            '  - {id: rice, source: "test"}\n  - {id: salt, source: "test"}')
        text = text.replace("rations_kg_per_day: {rice: 5.0}",
                            f"rations_kg_per_day: {{rice: 5.0, salt: {salt}}}")
        text = text.replace("stock_kg: {rice: 100000},\n     carriers: {cart: 0}",
                            "stock_kg: {rice: 100000, salt: 10},\n     carriers: {cart: 0}")
    if burn:
        text = text.replace("    crew_per_unit: 1\n", "    crew_per_unit: 1\n"
                            f"    fuel_commodity: salt\n    fuel_kg_per_km: {burn}\n")
    net = sl.compile_network(load_text(text, "carts.yaml"))
    depot, front = (net.place_ids.index(p) for p in ("depot", "front"))
    state = sl.State.initial(net)
    state.units_idle[front, 0] = 10.0
    state.in_service[depot, 0] = 10.0
    state.labour_days_left[depot, 0] = 1000.0
    state.stock_kg[front, net.commodity_ids.index("rice")] = rice_kg
    return net, state


def test_units_a_state_holds_at_a_place_wait_there_from_the_first_step() -> None:
    """Carts a State has at the front, the way back closed: they wait and eat there from
    the plan's first step. Let off in it (as units that land in a step are, which was the
    rule before), their first day's waiting was booked 5,000 km away, at a home that put
    carts into service and released them that day, and the front ate their 50 kg."""
    net, state = _stranded_carts(far=100, rice_kg=5000.0)
    far, front = (net.place_ids.index(p) for p in ("far", "front"))
    plan = sl.plan(net, state=state)
    # (the road opens on the last day, too late to matter)
    assert plan.waiting_unit_days[front, 0, :4] == pytest.approx([10.0] * 4, abs=1e-6)
    assert plan.waiting_unit_days[far, 0].max() <= 1e-6
    assert plan.recruited_units[far, 0].sum() <= 1e-6
    assert plan.consumed_kg[front].sum() <= 5000.0 - 4 * 50.0 + 1e-3
    assert plan.waiting_unfed_kg.max() <= 1e-6


def test_units_a_state_leaves_where_there_is_no_food_wait_there_without_it() -> None:
    """The same carts at a front whose rice is gone: bound to wait where they stay, they had
    no plan at all (infeasible). They wait without food, a last resort the plan names; a
    run of the plan feeds what the plan feeds, and counts unfed what the plan leaves unfed
    and what it then lacks (none here)."""
    net, state = _stranded_carts(far=0, rice_kg=0.0)
    front = net.place_ids.index("front")
    plan = sl.plan(net, state=state)
    assert plan.status == "optimal"
    assert plan.waiting_unit_days[front, 0] == pytest.approx([10.0] * 5, abs=1e-6)
    assert plan.waiting_unfed_kg[front, 0].sum(axis=0) == pytest.approx([50.0] * 5, abs=1e-5)
    assert plan.waiting_rations_kg().sum() == pytest.approx(0.0, abs=1e-6)
    missing = plan.unfed_kg()["carriers waiting"]
    assert missing[front].sum(axis=0) == pytest.approx([50.0] * 5, abs=1e-5)
    assert "carriers waiting not fed: 250 kg of rice missing, all of it before any can " \
        "reach where they eat" in plan.gave_up()
    table = plan.to_frame("waiting")
    assert table["unfed_kg"].tolist() == pytest.approx([50.0] * 5, abs=1e-5)
    assert table["rations_kg"].tolist() == pytest.approx([0.0] * 5, abs=1e-6)
    run = sl.simulate(plan, runs=4, seed=1, state=state)
    own = sum(float(kg.sum()) for kg in plan.unfed_kg().values())
    assert own >= 250.0  # (and their rice for the way home)
    assert run.unfed_kg.sum(axis=1) == pytest.approx([own] * 4, abs=1e-6)


def test_units_short_of_one_good_still_eat_the_others() -> None:
    """The same carts, eating salt beside their rice, at a front with rice and no salt:
    they go without the salt and eat the rice, waiting and on the way home. Short of any
    good, a unit had gone without all of them, and the plan said the rice there was
    missing."""
    net, state = _stranded_carts(far=0, rice_kg=5000.0, salt=0.5)
    depot, front = (net.place_ids.index(p) for p in ("depot", "front"))
    rice, salt = (net.commodity_ids.index(g) for g in ("rice", "salt"))
    plan = sl.plan(net, state=state)
    g_rice, g_salt = (list(plan.goods).index(g) for g in (rice, salt))
    assert plan.waiting_unit_days[front, 0] == pytest.approx([10.0] * 5, abs=1e-6)
    eaten = plan.waiting_rations_kg()[front, 0]  # [G, S]
    assert eaten[g_rice] == pytest.approx([50.0] * 5, abs=1e-3)
    assert eaten[g_salt] == pytest.approx([0.0] * 5, abs=1e-6)
    assert plan.waiting_unfed_kg[front, 0, g_salt] == pytest.approx([5.0] * 5, abs=1e-3)
    assert plan.waiting_unfed_kg[front, 0, g_rice].max() <= 1e-3
    # The carts still out at the end draw their rice for the way home, not their salt.
    way_days = ways_home(net)[0][0][front, list(net.homes[0]).index(depot)]
    home_rice, home_salt = plan.way_home_kg()[front, [g_rice, g_salt]]
    assert home_rice == pytest.approx(10 * 5.0 * way_days, rel=1e-4)
    assert home_salt == pytest.approx(0.0, abs=1e-6)
    assert plan.way_home_kg(unfed=True)[front, g_salt] == pytest.approx(10 * 0.5 * way_days,
                                                                        rel=1e-4)
    said = [words for words in plan.gave_up() if "not fed" in words]
    assert said == [
        "carriers waiting not fed: 25 kg of salt missing, all of it before any can reach "
        "where they eat",
        f"carriers on their way home not fed: {10 * 0.5 * way_days:,.0f} kg of salt "
        "missing, all of it before any can reach where they eat"]
    # The front eats what the carts leave of its rice: 5,000 kg less their 250 kg and their
    # 50 kg for the way home.
    assert plan.consumed_kg[front, g_rice].sum() == pytest.approx(4700.0, rel=1e-6)
    # A run of the plan feeds what the plan feeds: the rice, and no salt that is not there
    # (the salt it goes without, as the plan does).
    run = sl.simulate(plan, runs=4, seed=1, state=state)
    assert run.unfed_kg[:, g_rice].max() == pytest.approx(0.0, abs=1e-3)
    assert run.unfed_kg[:, g_salt] == pytest.approx([25.0 + 10 * 0.5 * way_days] * 4,
                                                    rel=1e-4)
    assert run.eaten_kg[:, g_rice] == pytest.approx([300.0] * 4, rel=1e-4)


@pytest.mark.parametrize("salt_kg", [0.0, 30.0])
def test_what_units_go_without_of_a_good_both_eaten_and_burned_is_split_by_share(
        salt_kg: float) -> None:
    """The same carts, eating 0.5 kg of salt a day and burning 0.01 kg of it a km, with no
    salt at the front, or 30 kg (their 5 days' waiting take 25 kg, the way home 10 × (0.5
    kg a day + 0.01 kg a km × 40 km) more): what they go without on the way home is food
    not eaten and fuel not burned, each in its own share of what the way draws."""
    net, state = _stranded_carts(far=0, rice_kg=5000.0, salt=0.5, burn=0.01)
    depot, front = (net.place_ids.index(p) for p in ("depot", "front"))
    salt = net.commodity_ids.index("salt")
    state.stock_kg[front, salt] = salt_kg
    plan = sl.plan(net, state=state)
    g_salt = list(plan.goods).index(salt)
    home = list(net.homes[0]).index(depot)
    way_days, way_km = (part[front, home] for part in ways_home(net)[0])
    assert way_km == pytest.approx(40.0)
    food, fuel = 10 * 0.5 * way_days, 10 * 0.01 * 40.0  # what the way home draws
    unfed = {part: plan.way_home_kg(unfed=True, part=part)[front, g_salt]
             for part in ("all", "food", "fuel")}
    drawn = {part: plan.way_home_kg(part=part)[front, g_salt]
             for part in ("all", "food", "fuel")}
    if salt_kg == 0:
        assert unfed["all"] == pytest.approx(food + fuel, rel=1e-4)
    else:  # (of equal totals, going without later costs less: the way home goes short)
        assert unfed["all"] == pytest.approx(food + fuel + 25.0 - salt_kg, rel=1e-4)
    assert unfed["food"] == pytest.approx(unfed["all"] * food / (food + fuel), rel=1e-4)
    assert unfed["fuel"] == pytest.approx(unfed["all"] * fuel / (food + fuel), rel=1e-4)
    for part, need in (("all", food + fuel), ("food", food), ("fuel", fuel)):
        assert drawn[part] + unfed[part] == pytest.approx(need, rel=1e-4)


TRUCKS_AND_CARTS = """name: trucks
title: Carts at a depot whose rice the trucks eat too
start_date: 2024-11-01
end_date: 2024-11-05
commodities:
  - {{id: rice, source: "test"}}
  - {{id: shells, source: "test"}}
modes:
  - {{id: cart, units_from: owned, payload_kg: 100, speed_loaded_km_per_day: 20,
     speed_empty_km_per_day: 40, crew_per_unit: 1, rations_kg_per_day: {{rice: 5}},
     source: "test"}}
  - {{id: truck, units_from: owned, payload_kg: 1000, speed_loaded_km_per_day: 40,
     speed_empty_km_per_day: 40, crew_per_unit: 1, rations_kg_per_day: {{rice: 2}},
     source: "test"}}
places:
  - {{id: home, kind: depot, lat: 27.5, lon: 85.6, carriers: {{cart: 10}}, source: "test"}}
  - {{id: depot, kind: depot, lat: 27.9, lon: 85.6, carriers: {{truck: 100}},
     stock_kg: {{rice: {rice}, shells: 1000000}}, source: "test"}}
  - {{id: front, kind: front, lat: 28.0, lon: 85.6, source: "test"}}
routes:
  - {{id: back, from: home, to: depot, length_km: 40, modes: [cart],
     closed: [{{start: 2024-11-01, end: 2024-11-04}}]}}
  - {{id: road, from: depot, to: front, length_km: 20, modes: [truck]}}
demand:
  - {{front: front, commodity: shells, kg_per_day: 100000, source: "test"}}
"""


def _carts_at_depot(rice: int) -> tuple[sl.Network, sl.State]:
    """TRUCKS_AND_CARTS with ``rice`` kg at the depot, where a State leaves the 10 carts of
    their home (its way closed until the last day); their crews owe days enough."""
    from supplyline.scenario import load_text

    net = sl.compile_network(load_text(TRUCKS_AND_CARTS.format(rice=rice), "trucks.yaml"))
    home, depot = (net.place_ids.index(p) for p in ("home", "depot"))
    cart = net.mode_ids.index("cart")
    state = sl.State.initial(net)
    state.units_idle[depot, cart] = 10.0
    state.in_service[home, cart] = 10.0
    state.labour_days_left[home, cart] = 1000.0
    return net, state


@pytest.mark.parametrize(("rice", "unfed"), [(1000, 0.0), (300, 0.0), (100, 200.0)])
def test_units_a_state_leaves_where_there_is_food_eat_first(rice: int, unfed: float) -> None:
    """10 carts a State leaves at a depot with some rice, the way home closed until the
    last day; 100 trucks there eat rice too, each carrying a tonne of shells to the front.
    The carts need 250 kg over the 5 days and 50 kg for the way home: people on the line
    eat first, as a run of the plan feeds them. At twice the shortfall's weight alone, the
    plan had starved them for 4 days with 1,000 kg there (a truck crew's rice moves a
    tonne), and with 300 kg for all 5 days and the way home; with 100 kg they go without
    the rest, 200 kg."""
    net, state = _carts_at_depot(rice)
    depot, cart = net.place_ids.index("depot"), net.mode_ids.index("cart")
    messages: list[str] = []
    plan = sl.plan(net, state=state, progress=messages.append)
    assert plan.waiting_unit_days[depot, cart] == pytest.approx([10.0] * 5, abs=1e-6)
    missing = sum(kg.sum() for kg in plan.unfed_kg().values())
    assert missing == pytest.approx(unfed, rel=2e-4, abs=0.01)  # (FED_FIRST_MARGIN)
    assert plan.solver_note.endswith(
        "Carriers fed first: they go without "
        + ("no food" if unfed == 0 else f"{unfed:,.1f} kg of food")
        + ", the least they can (planned again with that bound).")
    # They eat while the food lasts: with 100 kg, the first two days.
    hungry = [0.0] * 5 if unfed == 0 else [0.0, 0.0, 50.0, 50.0, 50.0]
    # (within FED_FIRST_MARGIN and FED_FIRST_KG, which the plan may use)
    assert plan.waiting_unfed_kg[depot, cart].sum(axis=0) == pytest.approx(hungry, abs=2.5e-2)
    # The trucks have what the carts leave: 300 kg feeds the carts and no truck's crew.
    assert (plan.kpis()["delivered_t"] > 300.0) == (rice == 1000)
    # (the first solve had them go without each time, and the progress says it solves again)
    assert any(m.startswith("carriers go without food") for m in messages)


def test_where_carriers_cannot_be_fed_first_in_time_the_first_plan_stands() -> None:
    """A solve that fails while the plan is made again to feed the carriers first (the
    time limit spent, say) leaves the first plan, whose note says so: it had failed the
    whole plan."""
    from supplyline.errors import PlanError
    from supplyline.plan.model import build_lp, carriers_fed_first
    from supplyline.plan.solvers import solve

    net, state = _carts_at_depot(1000)
    lp = build_lp(net, state=state)
    first = solve(lp)
    for fails_at in (1, 2):
        calls: list[int] = []

        def solve_again(again: Any, fails_at: int = fails_at, calls: list[int] = calls) -> Any:
            calls.append(1)
            if len(calls) == fails_at:
                raise PlanError("the time limit (1 s) was spent")
            return solve(again)

        kept_lp, kept = carriers_fed_first(lp, first, solve_again)
        assert kept_lp is lp and (kept.x == first.x).all() and len(calls) == fails_at
        assert kept.note.endswith("the time limit (1 s) was spent")
        assert ("not fed first" in kept.note) == (fails_at == 1)
        assert kept.solve_seconds >= first.solve_seconds


def test_food_held_where_a_group_went_without_it_was_not_out_of_reach() -> None:
    """The notes on food a group went without say how much of it fell before any could be
    where they eat. Rice the depot itself holds from the first day was there: none of what
    went without there fell before it (all of it had, as only arrivals from elsewhere were
    counted, and the note said "all of it before any can reach where they eat")."""
    from supplyline.accounting import legs_of
    from supplyline.plan.reach import before_arrival, held_at_start
    from supplyline.scenario import load_text

    net = sl.compile_network(load_text(TRUCKS_AND_CARTS.format(rice=1000), "trucks.yaml"))
    missing = np.zeros((net.n_places, len(net.goods), net.steps))
    missing[net.place_ids.index("depot"), 0, :] = 50.0
    assert before_arrival(legs_of(net), held_at_start(net), missing).tolist() == [0.0, 0.0]
    missing[net.place_ids.index("home"), 0, :] = 50.0  # none there, nor can any come
    assert before_arrival(legs_of(net), held_at_start(net), missing).tolist() == [250.0, 0.0]


def _work(start: str, by: str, crew_days: float) -> dict[str, Any]:
    return {"route": "track", "crew_days": crew_days, "start": start, "by": by,
            "source": "test"}


def _village_road_work(*works: dict[str, Any], days: int = 10,
                       max_days: float = 3.0) -> sl.Scenario:
    """A village of 100 (20 may serve, each ``max_days`` days) beside a front, and road
    ``works`` on the track between them."""
    return scenario(
        [village("v", 0.0, 50_000.0, population=100), place("front", "front", 1.0)],
        [route("v", "front", 10.0, id="track")], demand_kg_per_day=10.0, days=days,
        policy={"labour_max_days_per_person": max_days, "labour_share": 0.2,
                "labour_rations_kg_per_day": {"rice": 0.5}},
        road_works=list(works))


def test_road_work_takes_no_more_person_days_in_a_day_than_there_are_persons() -> None:
    """A village of 20 persons able to serve had done 60 person-days of road work on its one
    day, and nothing was left undone: 20 are done, 40 left, and the plan says so."""
    sc = _village_road_work(_work("2020-01-05", "2020-01-05", 60))
    plan = _plan(sc)
    assert plan.road_work_days.sum() == pytest.approx(20.0, abs=1e-6)
    assert plan.road_work_days[0, 4] == pytest.approx(20.0, abs=1e-6)
    data = plan.to_xarray()  # (road work by day is in the plan's arrays)
    assert data["road_work_route"].values.tolist() == ["track"]
    assert float(data["road_work_days"].sel(road_work=0).sum()) == pytest.approx(20.0)
    assert any("40 of 60 person-days undone" in words for words in plan.gave_up())


def test_no_home_s_persons_serve_more_days_than_they_brought() -> None:
    """Service days were one pool over all homes and modes: the tutorial's terrace porters
    served 173.8 crew-days with 5.95 persons recruited, 29 days each against a limit of 20,
    on days other villages' persons brought. By home and mode, what its units serve is at
    most what the persons recruited for them bring (8.7 terrace porters are recruited),
    and no porter is recruited to serve nothing so that his days crew bicycles."""
    from supplyline.accounting import crew_days

    plan = sl.plan(sl.load("tutorial"))
    net = plan.network
    serving, _ = crew_days(net)
    served = (plan.in_service_units * serving[None]).sum(axis=2)  # [P, M]
    brought = (plan.recruited_units.sum(axis=2) * net.crew_per_unit[None, :]
               * net.labour_max_days[:, None])
    assert served.sum() > 1000  # (the case: carriers serve)
    assert (served <= brought + 1e-6).all(), (served - brought).round(1).tolist()
    terrace, porter = net.place_ids.index("terrace-village"), net.mode_ids.index("porter")
    # (it binds there, with the way home at the end)
    assert served[terrace, porter] > 0.99 * brought[terrace, porter]
    assert (brought[served == 0] == 0).all()  # (none recruited to lend his days)


def test_a_plan_of_the_first_days_asks_the_share_of_a_road_work_its_days_hold() -> None:
    """`--days 9` had asked all of a work due on the 12th by the 9th (50 person-days on two
    days of at most 20, 10 undone and charged), and a work that begins after the 9th on its
    last day: now the share of the work's days within the plan (2 of 5: 20 person-days),
    and nothing of a work that begins after."""
    sc = _village_road_work(_work("2020-01-08", "2020-01-12", 50),
                            _work("2020-01-10", "2020-01-12", 50), days=20, max_days=10.0)
    plan = _plan(sc, days=9)
    (asked,) = plan.network.road_works
    assert asked.crew_days == pytest.approx(20.0)
    assert plan.road_work_days.sum() == pytest.approx(20.0, abs=1e-6)
    assert plan.road_work_days[0, 7:9].sum() == pytest.approx(20.0, abs=1e-6)
    assert not plan.gave_up()
    # The whole horizon asks both works whole.
    assert _plan(sc).road_work_days.sum() == pytest.approx(100.0, abs=1e-6)


def test_road_work_in_a_re_plan_takes_no_more_persons_than_the_state_leaves() -> None:
    """The pace of road work counted the scenario's whole pool even where a State had sent
    most of it: 15 of a village's 20 sent, 5 are left, so a day's road work is 5
    person-days (20 before), and the rest is said undone."""
    sc = _village_road_work(_work("2020-01-05", "2020-01-05", 60))
    net = sl.compile_network(sc)
    state = sl.State.initial(net)
    state.persons[net.place_ids.index("v")] = 15.0
    plan = sl.plan(sc, state=state)
    assert plan.road_work_days.sum() == pytest.approx(5.0, abs=1e-6)
    assert any("55 of 60 person-days undone" in words for words in plan.gave_up())


@pytest.mark.parametrize("mode", ["porter", "bicycle"])
def test_a_round_trips_way_back_is_the_same_whoever_carries_its_food(mode: str) -> None:
    """The report's food per tonne delivered and the resilience model's gain per kg counted
    the way back as the empty trip out again (with its stop at the far end, against a
    one-way route), where the plan's carriers come back by the reverse arc: the same trip
    read 1.86 kg of food back fed there and 1.16 kg carried."""
    from supplyline.report.facts import _eaten_per_kg
    from supplyline.resilience.interdiction import gains

    base = sl.load("tutorial").replace({"places.kestrel-town.stop_hours": 24,
                                        "places.bridge.stop_hours": 24, "threats.air": [],
                                        "threats.sabotage": []})
    eaten, gained = [], []
    for how in ("carried", "fed_there"):
        plan = _plan(base.replace({f"modes.{mode}.return_food": how}))
        legs = plan.legs
        # a leg to a place with a stop, whose way back has none
        leg = next(i for i in range(legs.n)
                   if plan.network.mode_ids[legs.mode[i]] == mode and legs.loaded_ok[i].any()
                   and legs.food_way_back[i].sum() < legs.food_empty[i].sum())
        eaten.append(_eaten_per_kg(plan)[leg] * legs.cargo_room[leg, legs.loaded_ok[leg]].mean())
        gained.append(gains(plan.network)[0][legs.arc[leg]])
    eaten_carried, eaten_fed = eaten
    assert eaten_carried * 0.98 < eaten_fed < eaten_carried * 1.02
    assert gained[0] == pytest.approx(gained[1], rel=1e-9)
