"""Trips that leave and come back within a step need units that are there: a place where no
unit can be sends none, and a unit's trips take no more days than it has."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import supplyline as sl
from supplyline.accounting import legs_of, units_can_be
from supplyline.errors import PlanError
from supplyline.network import compile_network
from supplyline.plan import variables
from supplyline.plan.model import build_lp, solve_lp
from tests.plan.builders import place, route, scenario
from tests.plan.test_invariants import _build, small_networks

#: Owned pack bicycles: 40 km a day empty, 25 km loaded.
BICYCLE: dict[str, Any] = {
    "id": "bicycle", "payload_kg": 100.0, "speed_loaded_km_per_day": 25.0,
    "speed_empty_km_per_day": 40.0, "crew_per_unit": 1.0, "rations_kg_per_day": {"rice": 0.8},
    "units_from": "owned",
}


def _depot(pid: str, lon: float, bicycles: int, rice_kg: float = 0.0) -> dict[str, Any]:
    return place(pid, "depot", lon, carriers={"bicycle": bicycles}, stock_kg={"rice": rice_kg})


def _trip_days(result: sl.PlanResult) -> np.ndarray:
    """Unit-days of trips leaving each place in each day [P, S]."""
    legs = result.legs
    days = result.loaded_units * legs.days_loaded + result.empty_units * legs.days_empty
    out = np.zeros((result.network.n_places, result.network.steps))
    np.add.at(out, legs.origin, days)
    return out


def test_no_trip_leaves_where_no_unit_can_be_yet() -> None:
    # Rice at the store, 10 km from the front; the only bicycles are 300 km away, 7.5 days
    # empty: before then no bicycle can be at the store or the front, whatever idles far off.
    result = sl.plan(_far_store())
    net = result.network
    near = [net.place_ids.index("store"), net.place_ids.index("front")]
    first = 7  # the first day a bicycle from far can be at the store (7.5 days from day 0)
    worked = _trip_days(result)[near]
    assert worked[:, :first].max() < 1e-6
    assert worked[:, first:].sum() > 1.0  # and after, they work


def test_a_unit_makes_no_more_trips_than_its_days_allow() -> None:
    # One bicycle at the store, 5 km from a hungry front: trips within the day, again and
    # again. 40 more stand idle far away, where no trip of theirs helps in time: their days
    # are theirs, not the store's.
    days = 8
    sc = scenario(
        [_depot("store", 0.0, 1, rice_kg=50_000.0), place("front", "front", 0.05),
         _depot("far", 6.0, 40, rice_kg=1_000.0)],
        [route("store", "front", 5.0, ["bicycle"]), route("far", "store", 600.0, ["bicycle"])],
        5_000.0, days=days, modes=[BICYCLE],
    )
    result = sl.plan(sc)
    net = result.network
    near = [net.place_ids.index("store"), net.place_ids.index("front")]
    worked = _trip_days(result)[near].sum(axis=0)
    assert (worked <= 1.0 + 1e-6).all()  # one bicycle, one day a day
    assert worked.sum() > 0.5 * days  # and it does work


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def far_carriers(draw: st.DrawFn) -> sl.Scenario:
    """A store near a hungry front with a few bicycles or none; more bicycles far away."""
    store_bicycles = draw(st.integers(0, 3))
    return scenario(
        [_depot("store", 0.0, store_bicycles, rice_kg=100_000.0),
         place("front", "front", 0.1), _depot("far", 3.0, draw(st.integers(1, 60)),
                                               rice_kg=2_000.0)],
        [route("store", "front", draw(st.floats(2.0, 20.0)), ["bicycle"]),
         route("far", "store", draw(st.floats(50.0, 400.0)), ["bicycle"])],
        draw(st.floats(500.0, 5_000.0)), days=draw(st.integers(6, 20)), modes=[BICYCLE],
        policy={"labour_max_days_per_person": 10_000.0, "labour_share": 1.0,
                "step_days": draw(st.sampled_from([1, 1, 2, 3]))},
    )


@SETTINGS
@given(far_carriers())
def test_trips_near_the_front_take_no_more_days_than_the_bicycles_there(
        sc: sl.Scenario) -> None:
    result = sl.plan(sc)
    net, legs = result.network, result.legs
    store, front, far = (net.place_ids.index(p) for p in ("store", "front", "far"))
    owned = net.carriers_owned[store].sum()
    from_far = (legs.origin == far) & (legs.dest == store)
    came = np.zeros(net.steps + 1)  # bicycles that reached the store from far, by step
    for units, arrive in ((result.loaded_units, legs.arrive_loaded),
                          (result.empty_units, legs.arrive_empty)):
        np.add.at(came, arrive[from_far], units[from_far])
    there = owned + np.cumsum(came)[: net.steps]  # the most that can be near the front
    near = np.isin(legs.origin, [store, front]) & np.isin(legs.dest, [store, front])
    worked = (result.loaded_units * legs.days_loaded
              + result.empty_units * legs.days_empty)[near].sum(axis=0)
    assert (worked <= net.step_length * there + 1e-5 * (1.0 + there)).all()


def _far_store() -> sl.Scenario:
    """Rice at a store 10 km from the front; the only bicycles 300 km away (7.5 days empty)."""
    return scenario(
        [_depot("store", 0.0, 0, rice_kg=50_000.0), place("front", "front", 0.1),
         _depot("far", 3.0, 40, rice_kg=1_000.0)],
        [route("store", "front", 10.0, ["bicycle"]), route("far", "store", 300.0, ["bicycle"])],
        2_000.0, days=14, modes=[BICYCLE],
    )


def test_units_can_be_where_trips_from_their_homes_bring_them() -> None:
    net = compile_network(_far_store())
    legs = legs_of(net)
    store, front, far = (net.place_ids.index(p) for p in ("store", "front", "far"))
    sources = np.zeros((net.n_places, net.n_modes, net.steps), dtype=bool)
    sources[far] = True  # the bicycles' home
    can = units_can_be(legs, sources)[:, 0, :]
    first = 7  # an empty bicycle leaving far on day 0 arrives 7.5 days later
    assert can[far].all()
    for place_ in (store, front):  # the front within the day the store is reached
        assert not can[place_, :first].any() and can[place_, first:].all()


@SETTINGS
@given(small_networks())
def test_laying_out_columns_only_where_units_can_be_changes_no_optimum(
        spec: dict[str, Any]) -> None:
    net = compile_network(_build(spec))
    objectives = []
    for everywhere in (False, True):
        with pytest.MonkeyPatch.context() as patch:
            if everywhere:  # every trip, idle and waiting column, as before the layout
                patch.setattr(variables, "units_can_be",
                              lambda legs, sources: np.ones_like(sources))
            lp = build_lp(net)
        try:
            objectives.append(solve_lp(lp, "simplex").objective)
        except PlanError:  # the dual simplex stops on some (test_invariants.UNSOLVED)
            reject()
    assert objectives[0] == pytest.approx(objectives[1], rel=1e-7, abs=1e-6)
