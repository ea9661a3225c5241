"""Planning from a State that holds wounded not yet at a hospital: those waiting at their
front, at a place on the way, or still on the way there, are carried to one of their
hospitals like those the scenario's flows bring; their time limit runs from the day they
were wounded; those already at a hospital are left out."""

from __future__ import annotations

import numpy as np
import pytest

import supplyline as sl
from supplyline.state import WoundedWaiting
from tests.plan.builders import place, route, scenario, village

POLICY = {"labour_max_days_per_person": 10_000.0, "labour_share": 1.0,
          "labour_rations_kg_per_day": {"rice": 0.7}}


def _valley(arising: float = 0.0) -> sl.Scenario:
    """A village feeding a front 40 km away; the front's wounded go through a relay depot
    to the hospital (20 km and 20 km), within 10 days; ``arising`` wounded a day."""
    places = [village("v", 0.0, 50_000.0), place("front", "front", 1.0),
              place("relay", "depot", 1.5), place("hospital", "hospital", 2.0)]
    routes = [route("v", "front", 40.0), route("front", "relay", 20.0),
              route("relay", "hospital", 20.0)]
    wounded = [{"front": "front", "persons_per_day": arising, "hospitals": ["hospital"],
                "within_days": 10}]
    return scenario(places, routes, demand_kg_per_day=100.0, days=30, policy=POLICY,
                    commodities=[{"id": "rice"}, {"id": "wounded", "unit": "person"}],
                    wounded=wounded)


def _waiting(net: sl.Network, at: str, persons: float, ago: float = 1.0,
             arrive: float = 0.0) -> sl.State:
    state = sl.State.initial(net)
    state.wounded = WoundedWaiting(
        group=np.array([0]), place=np.array([net.place_ids.index(at)]),
        persons=np.array([persons]), arrive_in_days=np.array([arrive]),
        wounded_days_ago=np.array([ago]))
    return state


def _into(result: sl.Plan, where: str) -> float:
    net = result.network
    return float(result.wounded_carried[result.legs.dest == net.place_ids.index(where)].sum())


def _out_of(result: sl.Plan, where: str) -> np.ndarray:
    net = result.network
    out = result.legs.origin == net.place_ids.index(where)
    return np.asarray(result.wounded_carried[out].sum(axis=0))


def test_wounded_waiting_at_the_front_are_carried_to_their_hospital() -> None:
    net = sl.compile_network(_valley())
    assert _into(sl.plan(net), "hospital") == 0.0  # the scenario brings none
    result = sl.plan(net, state=_waiting(net, "front", 20.0))
    assert result.status == "optimal"
    assert _into(result, "hospital") == pytest.approx(20.0, rel=1e-6)
    assert _out_of(result, "front").sum() == pytest.approx(20.0, rel=1e-6)
    assert result.kpis()["wounded_late_person_days"] == pytest.approx(0.0, abs=1e-6)
    assert result.wounded_fed_kg.sum() > 0  # they eat while they wait and on the way


def test_wounded_waiting_on_the_way_go_on_from_where_they_are() -> None:
    net = sl.compile_network(_valley())
    result = sl.plan(net, state=_waiting(net, "relay", 12.0))
    assert _into(result, "hospital") == pytest.approx(12.0, rel=1e-6)
    assert _out_of(result, "front").sum() == pytest.approx(0.0, abs=1e-6)
    assert _out_of(result, "relay").sum() == pytest.approx(12.0, rel=1e-6)
    # Still on the way to the relay, reached after 3 days: nothing leaves it before.
    result = sl.plan(net, state=_waiting(net, "relay", 8.0, arrive=3.0))
    assert _out_of(result, "relay")[:3].sum() == pytest.approx(0.0, abs=1e-6)
    assert _into(result, "hospital") == pytest.approx(8.0, rel=1e-6)


def test_their_time_limit_runs_from_the_day_they_were_wounded() -> None:
    net = sl.compile_network(_valley())
    fresh = sl.plan(net, state=_waiting(net, "front", 10.0, ago=1.0))
    assert fresh.kpis()["wounded_late_person_days"] == pytest.approx(0.0, abs=1e-6)
    # Wounded 30 days ago with 10 days to reach a hospital: late until they are there.
    old = sl.plan(net, state=_waiting(net, "front", 10.0, ago=30.0))
    assert old.kpis()["wounded_late_person_days"] > 10.0
    assert _into(old, "hospital") == pytest.approx(10.0, rel=1e-6)


def test_wounded_with_their_flows_and_at_a_hospital() -> None:
    """With the scenario's own wounded arising: the State's add to them; those already at
    their hospital change nothing; a State naming a flow the scenario lacks is an error."""
    net = sl.compile_network(_valley(arising=0.5))
    base = sl.plan(net)
    more = sl.plan(net, state=_waiting(net, "front", 6.0))
    assert _into(more, "hospital") == pytest.approx(_into(base, "hospital") + 6.0, rel=1e-6)
    there = sl.plan(net, state=_waiting(net, "hospital", 6.0))
    assert there.objective == pytest.approx(base.objective, rel=1e-9)
    wrong = _waiting(net, "front", 1.0)
    wrong.wounded.group = np.array([3])
    with pytest.raises(sl.PlanError, match=r"State\.wounded\.group"):
        sl.plan(net, state=wrong)
