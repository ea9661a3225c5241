"""What became of the wounded (``Plan.wounded_figures``, ``kpis()["wounded"]``): those who
arose are at a hospital, waiting or on the way at the end; who of them was late is counted
as the LP counts those past their limit; and the modes, hospitals and routes that took them
in are told flow by flow."""

from __future__ import annotations

import json

import numpy as np
import pytest

import supplyline as sl
from supplyline.plan.kpis import WoundedKpis
from supplyline.report.facts import wounded_rows
from supplyline.scenario.summary import summarize
from supplyline.state import WoundedWaiting
from tests.plan.builders import place, route, scenario, village
from tests.plan.test_physics import POLICY, _evacuation, _line
from tests.plan.test_state_wounded import _valley


def _adds_up(figures: WoundedKpis) -> None:
    """Those who arose are at a hospital, waiting or on the way at the end; those at a
    hospital got there in time or late, and each was brought in by some mode into some
    hospital."""
    assert figures["arising"] > 0
    assert figures["reached"] + figures["waiting"] + figures["on_the_way"] == pytest.approx(
        figures["arising"], abs=1e-6)
    assert figures["reached_in_time"] + figures["reached_late"] == pytest.approx(
        figures["reached"], abs=1e-9)
    assert min(figures["reached_in_time"], figures["reached_late"], figures["waiting"],
               figures["on_the_way"], figures["past_limit_at_end"]) >= 0.0
    assert sum(figures["by_mode"].values()) == pytest.approx(figures["reached"], abs=1e-6)
    assert sum(figures["by_hospital"].values()) == pytest.approx(figures["reached"], abs=1e-6)


def test_the_tutorial_s_wounded_add_up() -> None:
    """The tutorial's 88 injured (the scenario's own count, as `supplyline show` gives it)
    are at the district hospital or on the way at the end, by the plan's JSON too."""
    sc = sl.load("tutorial")
    plan = sl.plan(sc, explain=False)
    figures = plan.kpis()["wounded"]
    assert figures is not None
    assert figures["arising"] == pytest.approx(summarize(sc)["wounded_persons"])
    _adds_up(figures)
    assert figures["reached"] > 0.9 * figures["arising"]
    assert list(figures["by_hospital"]) == ["district-hospital"]
    assert figures["within_days"] == [2]
    assert figures["routes"] and all(r["persons"] > 0 for r in figures["routes"])
    assert json.loads(plan.to_json())["kpis"]["wounded"] == json.loads(json.dumps(figures))


def test_those_carried_longer_than_their_limit_all_reach_the_hospital_late() -> None:
    """45 km is 1.8 days empty against a limit of 1 day: everyone brought in is late, and
    those past their limit at the end are the LP's late persons of the last step."""
    plan = _evacuation(45.0, within_days=1)
    figures = plan.wounded_figures()
    assert figures is not None
    _adds_up(figures)
    assert figures["reached"] > 40.0
    assert figures["reached_late"] == pytest.approx(figures["reached"], abs=1e-6)
    assert figures["reached_in_time"] == pytest.approx(0.0, abs=1e-6)
    assert figures["past_limit_at_end"] > 0
    assert figures["past_limit_at_end"] == pytest.approx(float(plan.wounded_late[-1]),
                                                         abs=1e-6)


@pytest.mark.parametrize("step_days", [None, 3])
def test_those_carried_within_their_limit_reach_the_hospital_in_time(
        step_days: int | None) -> None:
    """20 km is 0.8 days empty: all but the first day's 2 wounded, who wait a day for the
    first porters (0.8 days late), are there within 1 day, day by day as in 3-day steps. The
    LP holds the limit at step ends only: between them arrivals run up to 72 minutes past
    it, which had counted 23 of 58 persons late."""
    plan = _evacuation(20.0, within_days=1, step_days=step_days)
    figures = plan.wounded_figures()
    assert figures is not None
    _adds_up(figures)
    assert figures["reached"] > 40.0
    assert 2.0 - 1e-6 <= figures["reached_late"] <= 4.0
    assert figures["past_limit_at_end"] == pytest.approx(float(plan.wounded_late[-1]),
                                                         abs=1e-6)


def test_two_flows_are_told_apart_by_their_own_hospitals() -> None:
    """Two flows of one front: the first to the near hospital, the second beyond it to the
    far one, through the near one. Those the second carries into the near hospital are on
    their way, not brought in: the near hospital takes in the first flow's alone."""
    places = [village("v", 0.0, 50_000.0), place("front", "front", 1.0),
              place("near", "hospital", 1.3), place("far", "hospital", 1.6)]
    routes = [route("v", "front", 20.0), route("front", "near", 15.0),
              route("near", "far", 15.0)]
    wounded = [{"front": "front", "persons_per_day": 1.0, "hospitals": ["near"],
                "within_days": 5},
               {"front": "front", "persons_per_day": 2.0, "hospitals": ["far"],
                "within_days": 5}]
    sc = scenario(places, routes, demand_kg_per_day=100.0, days=30, policy=POLICY,
                  commodities=[{"id": "rice"}, {"id": "wounded", "unit": "person"}],
                  wounded=wounded)
    plan = sl.plan(sc, explain=False)
    figures = plan.wounded_figures()
    assert figures is not None
    _adds_up(figures)
    assert figures["arising"] == pytest.approx(90.0)
    near, far = figures["by_hospital"]["near"], figures["by_hospital"]["far"]
    assert 25.0 < near <= 30.0 + 1e-6
    assert 50.0 < far <= 60.0 + 1e-6
    # (the near hospital's legs carried both flows: the sum over them had counted both)
    into_near = plan.legs.dest == plan.network.place_ids.index("near")
    assert float(plan.wounded_carried[into_near].sum()) > 30.0 + 1.0


def test_the_wounded_a_state_left_away_from_a_hospital_count_among_them() -> None:
    """From a State: 10 wounded 30 days ago waiting at the front (10 days to reach the
    hospital: late from the start) and 4 at the relay (a flow of their own), beside the
    scenario's 0.5 a day for 30 days."""
    net = sl.compile_network(_valley(arising=0.5))
    state = sl.State.initial(net)
    state.wounded = WoundedWaiting(
        group=np.array([0, 0]), place=np.array([net.place_ids.index(p)
                                                for p in ("front", "relay")]),
        persons=np.array([10.0, 4.0]), arrive_in_days=np.zeros(2),
        wounded_days_ago=np.array([30.0, 1.0]))
    plan = sl.plan(net, state=state, explain=False)
    figures = plan.wounded_figures()
    assert figures is not None
    _adds_up(figures)
    assert figures["arising"] == pytest.approx(15.0 + 10.0 + 4.0)
    assert figures["reached_late"] >= 10.0 - 1e-6
    assert figures["reached_late"] <= 10.0 + 1.0


def test_a_plan_of_days_before_any_wounded_arise_has_none_to_carry() -> None:
    """A plan of the first 10 days of a flow that begins on the 20th (``plan --days``, the
    built-in campaign's first 60 days): none arise, none are carried, and the summary says
    so in a line."""
    places = [village("v", 0.0, 50_000.0), place("front", "front", 1.0),
              place("hospital", "hospital", 1.5)]
    routes = [route("v", "front", 20.0), route("front", "hospital", 20.0)]
    wounded = [{"front": "front", "hospitals": ["hospital"], "within_days": 2,
                "persons_per_day": [{"start": "2020-01-01", "value": 0},
                                    {"start": "2020-01-20", "value": 2}]}]
    sc = scenario(places, routes, demand_kg_per_day=100.0, days=30, policy=POLICY,
                  commodities=[{"id": "rice"}, {"id": "wounded", "unit": "person"}],
                  wounded=wounded)
    plan = sl.plan(sc, days=10, explain=False)
    figures = plan.kpis()["wounded"]
    assert figures is not None
    assert figures["arising"] == figures["reached"] == figures["reached_late"] == 0.0
    assert figures["by_mode"] == {} and figures["routes"] == []
    assert wounded_rows(plan, figures) == [
        ("wounded", "none to bring to a hospital over the plan's 10 days")]


def test_a_plan_without_wounded_has_no_wounded_figures() -> None:
    plan = sl.plan(_line(), explain=False)
    assert plan.wounded_figures() is None
    assert plan.kpis()["wounded"] is None
