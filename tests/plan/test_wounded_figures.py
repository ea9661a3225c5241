"""What became of the wounded (``Plan.wounded_figures``, ``kpis()["wounded"]``): those who
arose are at a hospital, waiting or on the way at the end; who of them was late is counted
by when they arrive, in the steps at whose start or end the LP counts some past their limit
(none where it counts none); and the modes, hospitals and routes that took them in are told
flow by flow."""

from __future__ import annotations

import json

import numpy as np
import pytest

import supplyline as sl
from supplyline.plan.kpis import WoundedKpis
from supplyline.plan.result import WOUNDED_SHOWN
from supplyline.report.facts import wounded_rows
from supplyline.scenario.summary import summarize
from supplyline.state import WoundedWaiting
from tests.plan.builders import place, route, scenario, village
from tests.plan.test_physics import POLICY, _evacuation, _line
from tests.plan.test_state_wounded import _valley


def _adds_up(figures: WoundedKpis) -> None:
    """Those who arose are at a hospital, waiting or on the way at the end; those at a
    hospital got there in time or late, and each was brought in by some mode into some
    hospital (the lists leave out less than half a person: they may add up to less)."""
    assert figures["arising"] > 0
    assert figures["reached"] + figures["waiting"] + figures["on_the_way"] == pytest.approx(
        figures["arising"], abs=1e-6)
    assert figures["reached_in_time"] + figures["reached_late"] == pytest.approx(
        figures["reached"], abs=1e-9)
    assert min(figures["reached_in_time"], figures["reached_late"], figures["waiting"],
               figures["on_the_way"], figures["past_limit_at_end"]) >= 0.0
    for listed in (figures["by_mode"], figures["by_hospital"]):
        assert all(n >= WOUNDED_SHOWN for n in listed.values())
        left_out = figures["reached"] - sum(listed.values())
        assert -1e-6 <= left_out < WOUNDED_SHOWN * max(len(listed), 1)


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


@pytest.mark.parametrize("step_days", [1, 3, 7])
def test_those_carried_longer_than_their_limit_are_all_late_whatever_the_step(
        step_days: int) -> None:
    """45 km is 1.8 days empty against a limit of 1 day: each person brought in arrives 0.8
    days late. The LP finds only some of them away past their limit at step ends (1.6 of the
    2 a day, fewer the longer its steps: counted there, 45.6 of 56.4 were late day by day,
    14.4 in 3-day steps, 6.4 in 7-day steps); by when they arrive, all are. Those past it at
    the end are the LP's late persons of the last step."""
    plan = _evacuation(45.0, within_days=1, step_days=None if step_days == 1 else step_days)
    figures = plan.wounded_figures()
    assert figures is not None
    _adds_up(figures)
    assert figures["reached"] > 40.0
    assert figures["reached_late"] == pytest.approx(figures["reached"], rel=0.03)
    assert figures["past_limit_at_end"] > 0
    assert figures["past_limit_at_end"] == pytest.approx(float(plan.wounded_late[-1]),
                                                         abs=1e-6)


def test_those_arriving_past_their_limit_between_step_ends_are_late_by_when_they_arrive(
        ) -> None:
    """20 km is 0.8 days empty against a limit of 1 day, but the first day's 2 wait for the
    porters and leave on the second with its own 2, evenly over it: the LP finds 1.2 away
    past their limit at that day's end, and by when they arrive the first 3.2 of them are
    late (the one wounded at hour x arrives at 1.8 + x/2 days, past 1 + x up to x = 1.6);
    it keeps all others in time, and none of them is counted late."""
    plan = _evacuation(20.0, within_days=1)
    figures = plan.wounded_figures()
    assert figures is not None
    _adds_up(figures)
    assert float(plan.wounded_late.max()) == pytest.approx(1.2, abs=1e-6)
    assert figures["reached_late"] == pytest.approx(3.2, abs=1e-6)


#: (km, limit in days, step in days): the four the late count had disagreed with the LP on
#: (it counted 3.85, 15.45, 8.40 and 6.55 late of plans with no late person-days), others
#: the LP keeps in time, and carries longer than the limit, which it keeps late.
KEPT_IN_TIME = [(45.0, 3, 1), (45.0, 3, 3), (20.0, 1, 7), (60.0, 5, 5)]
CARRIES = sorted({*KEPT_IN_TIME, *((km, within, step) for km, within in
                                   ((20.0, 1), (45.0, 3), (60.0, 5), (45.0, 1), (70.0, 2))
                                   for step in (1, 3, 5, 7))})


@pytest.mark.parametrize(("km", "within_days", "step_days"), CARRIES)
def test_the_wounded_are_late_only_where_the_plan_counts_them_late(
        km: float, within_days: int, step_days: int) -> None:
    """The LP holds the time limit at step ends: where it counts none late (no late
    person-days) none is, though between step ends the even spread of arrivals runs hours
    to days past the limit (which had counted persons late of plans with none); where it
    counts some, those it counts at any step's end are late, and a carry longer than the
    limit has all late, not only those its step ends catch."""
    plan = _evacuation(km, within_days, step_days=None if step_days == 1 else step_days)
    figures = plan.wounded_figures()
    assert figures is not None
    _adds_up(figures)
    assert figures["reached"] > 40.0
    late = figures["reached_late"] + figures["past_limit_at_end"]
    if (km, within_days, step_days) in KEPT_IN_TIME:
        assert plan.wounded_late_person_days() == 0.0
    if plan.wounded_late_person_days() == 0.0:
        assert figures["reached_late"] == 0.0
        assert figures["past_limit_at_end"] == 0.0
        assert figures["reached_in_time"] == figures["reached"]
    else:
        # Those the LP counts late at any one step's end are late.
        assert late >= float(plan.wounded_late.max()) - 1e-6
        assert figures["past_limit_at_end"] == pytest.approx(float(plan.wounded_late[-1]),
                                                             abs=1e-6)
    if km / 25.0 > within_days:  # (25 km a day empty: a carry longer than the limit)
        assert plan.wounded_late_person_days() > 0.8 * figures["reached"]
        assert figures["reached_late"] == pytest.approx(figures["reached"], rel=0.03)


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
