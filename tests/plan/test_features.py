"""Replays, shortfall findings, wounded evacuation, road works, threats and the tables."""

from __future__ import annotations

import datetime as dt
import importlib
import json

import numpy as np
import pytest

import supplyline as sl
from supplyline.units import fmt
from tests.plan.builders import PORTER, place, route, scenario, village


def _two_villages(**extra: object) -> sl.Scenario:
    return scenario(
        [village("near", 0.0, 50_000.0, regions=["hills"]),
         village("far", -3.0, 50_000.0, regions=["plain"]),
         place("front", "front", 1.0)],
        [route("near", "front", 40.0), route("far", "near", 200.0)],
        demand_kg_per_day=200.0,
        days=60,
        **extra,  # type: ignore[arg-type]
    )


def test_replay_fixes_what_each_region_gives() -> None:
    sc = _two_villages(replays=[{
        "name": "history",
        "mobilization": [
            {"commodity": "rice", "regions": ["hills"], "kg": 3000.0},
            {"commodity": "rice", "exclude_regions": ["hills"], "kg": 9000.0},
        ],
    }])
    result = sl.plan(sc, replay="history")
    net = result.network
    given = result.mobilized_kg()[:, 0]
    assert given[net.place_ids.index("near")] == pytest.approx(3000.0)
    assert given[net.place_ids.index("far")] == pytest.approx(9000.0)
    # Without the replay the optimizer takes what is cheapest: all from the near village.
    free = sl.plan(sc).mobilized_kg()[:, 0]
    assert free[net.place_ids.index("far")] == pytest.approx(0.0, abs=1e-6)


def test_replayed_labour_days_are_served_and_eaten() -> None:
    """People mobilized beyond what the hauling needs still serve and eat: a porter-day eats
    the porter's ration, so the extra labour-days eat exactly ration x extra days."""
    history = {"name": "history",
               "mobilization": [{"commodity": "rice", "regions": ["hills"], "kg": 12_000.0}]}
    plain = sl.plan(_two_villages(replays=[history]), replay="history")
    needed = plain.labour_days()["total"]
    extra = 5_000.0
    sc = _two_villages(replays=[{**history, "labour": {"person_days": needed + extra}}])
    busy = sl.plan(sc, replay="history")
    assert busy.labour_days()["total"] == pytest.approx(needed + extra, rel=1e-6)
    ration = PORTER["rations_kg_per_day"]["rice"]
    eaten = busy.kpis()["eaten_on_way_t"] - plain.kpis()["eaten_on_way_t"]
    assert eaten * 1000.0 == pytest.approx(ration * extra, rel=1e-6)
    # The food given is fixed and the front was eating all of it, so the front loses exactly
    # what the extra days eat.
    lost = plain.consumed_kg.sum() - busy.consumed_kg.sum()
    assert lost == pytest.approx(ration * extra, rel=1e-6)


def test_given_over_consumed_is_the_ratio_of_the_two_totals() -> None:
    sc = _two_villages(observed=[{
        "id": "hills-vs-used", "metric": {"kind": "given_over_consumed", "commodity": "rice",
                                          "regions": ["hills"]},
        "value": 50.0, "unit": "%", "tolerance": 100.0, "source": "test"}])
    result = sl.plan(sc)
    (value,) = sl.validate(result)
    near = result.network.place_ids.index("near")
    assert value.model == pytest.approx(
        100.0 * result.mobilized_kg()[near, 0] / result.consumed_kg.sum())


def test_unknown_replay_and_impossible_replay_are_domain_errors() -> None:
    sc = _two_villages(replays=[{
        "name": "too-much",
        "mobilization": [{"commodity": "rice", "regions": ["hills"], "kg": 9e9}],
    }])
    # (named as every other argument is: "replay: ...")
    with pytest.raises(sl.ReplayError, match=r"^replay: expected one of scenario .*'s "
                                             r"replays \(too-much\), got 'nope'"):
        sl.plan(sc, replay="nope")
    with pytest.raises(sl.ReplayError, match=r"\(did you mean 'too-much'\?\), got 'too-mch'"):
        sl.plan(sc, replay="too-mch")  # as the command line says it
    with pytest.raises(sl.ReplayError, match=r"9,000,000.0 t of rice from hills is more than"):
        sl.plan(sc, replay="too-much")


def test_a_shortfall_in_steps_is_said_from_the_first_day_asked() -> None:
    """In 3-day steps the tutorial, its ridge road closed and the gorge path narrowed, was
    short of rice "from 1 Nov", the step's first day: its demand begins on the 3rd."""
    sc = sl.load("tutorial").replace({
        "routes.ridge-road.closed": [{"start": "2024-11-01", "end": "2024-11-20"}],
        "routes.gorge-path.capacity_movements_per_day": 20})
    for step_days in (1, 3):
        (rice,) = sl.plan(sc, step_days=step_days, days=12).findings
        assert (rice.first_day, rice.first_date) == (2, "2024-11-03"), step_days


def test_shortfall_is_explained_by_the_route_at_capacity() -> None:
    sc = scenario(
        [village("v", 0.0, 1e6), place("front", "front", 1.0)],
        [route("v", "front", 40.0, capacity_movements_per_day=10.0, id="pass")],
        demand_kg_per_day=1000.0,
        days=30,
    )
    result = sl.plan(sc)
    assert len(result.findings) == 1
    finding = result.findings[0]
    assert finding.front == "front" and finding.commodity == "rice"
    assert finding.first_day == 0  # nothing can arrive before the first trip does
    # 10 porters a day × 20 kg, less the way back (2 days × 0.8 kg) eaten at the front.
    assert result.consumed_kg.sum() < 30 * 10 * 20.0
    assert any("route pass" in b and "capacity" in b for b in finding.binding)


def test_shortfall_is_explained_by_exhausted_labour() -> None:
    sc = scenario(
        [village("v", 0.0, 1e6, population=100.0), place("front", "front", 1.0)],
        [route("v", "front", 40.0)],
        demand_kg_per_day=1000.0,
        days=30,
        policy={"labour_share": 0.1, "labour_max_days_per_person": 30.0},
    )
    result = sl.plan(sc)
    people = (result.recruited_units.sum(axis=(1, 2))).sum()
    assert people == pytest.approx(10.0)  # 10 % of 100 people
    assert any("labour of v exhausted" in b for b in result.findings[0].binding)
    assert "v" in result.findings[0].places


def test_wounded_are_carried_back_within_the_limit() -> None:
    sc = scenario(
        [village("v", 0.0, 1e6), place("front", "front", 1.0),
         place("hospital", "hospital", -0.1)],
        [route("v", "front", 40.0), route("hospital", "v", 10.0)],
        demand_kg_per_day=500.0,
        days=30,
        commodities=[{"id": "rice"}, {"id": "wounded", "unit": "person"}],
        wounded=[{"front": "front", "persons_per_day": 5.0, "hospitals": ["hospital"],
                  "within_days": 6}],
    )
    result = sl.plan(sc)
    assert result.wounded_late.sum() == pytest.approx(0.0, abs=1e-6)
    # Everyone who arose early enough to reach the hospital in the horizon got there.
    carried_from_front = result.wounded_carried[
        result.network.arc_from[result.leg_arc] == result.network.place_ids.index("front")
    ].sum()
    assert carried_from_front >= 5.0 * (30 - 6) - 1e-6


@pytest.mark.parametrize("step_days", [1, 3])
def test_wounded_late_cost_what_the_plan_reports_them_whatever_the_steps(step_days: int) -> None:
    """The weight is per person-day late, as the plan reports them: charged per step end,
    a daily plan paid three times what a plan in 3-day steps paid for the same three days."""
    from supplyline.plan.model import build_lp, solve_lp
    from supplyline.plan.result import read_plan

    sc = scenario(
        [village("v", 0.0, 1e6), place("front", "front", 1.0),
         place("hospital", "hospital", -0.1)],
        [route("v", "front", 40.0), route("hospital", "v", 150.0)],
        demand_kg_per_day=500.0,
        days=30,
        commodities=[{"id": "rice"}, {"id": "wounded", "unit": "person"}],
        wounded=[{"front": "front", "persons_per_day": 5.0, "hospitals": ["hospital"],
                  "within_days": 3}],
        policy={"step_days": step_days, "daily_start_days": 0},
    )
    net = sl.compile_network(sc)
    lp = build_lp(net)
    late = lp.variables.late[lp.variables.late >= 0]
    sol = solve_lp(lp, "ipm")
    result = read_plan(lp, sol, None)
    assert result.wounded_late_person_days() > 1.0  # the hospital is too far to be in time
    weight = sc.policy.weights.wounded_late_per_person
    assert float(lp.cost[late] @ sol.x[late]) == pytest.approx(
        weight * result.wounded_late_person_days(), rel=1e-6)


def test_road_work_is_staffed_fed_and_opens_the_route() -> None:
    sc = scenario(
        [village("v", 0.0, 1e6), place("front", "front", 1.0)],
        [route("v", "front", 40.0, id="new-road", open_from="2020-01-11")],
        demand_kg_per_day=100.0,
        days=30,
        road_works=[{"route": "new-road", "crew_days": 500.0, "by": "2020-01-10"}],
        policy={"labour_share": 1.0, "labour_max_days_per_person": 100.0,
                "labour_rations_kg_per_day": {"rice": 0.7}},
    )
    result = sl.plan(sc)
    assert result.road_work_days.sum() == pytest.approx(500.0)
    assert result.road_work_days[:, 10:].sum() == pytest.approx(0.0)
    assert result.loaded_units[:, :10].sum() == pytest.approx(0.0)
    assert result.worker_rations_kg()[0] == pytest.approx(500.0 * 0.7)
    assert result.kpis()["labour_days"] >= 500.0


def test_air_threat_derates_capacity_and_destroys_cargo_in_expectation() -> None:
    threat = {"air": [{"windows": [{"start": "2020-01-01", "end": "2020-01-30",
                                    "day_probability": 0.2}],
                       "capacity_lost_fraction": 0.5, "cargo_destroyed_fraction": 0.25}]}
    sc = scenario(
        [village("v", 0.0, 1e6), place("front", "front", 1.0)],
        [route("v", "front", 40.0, capacity_movements_per_day=100.0, repair_days=2.0)],
        demand_kg_per_day=100.0,
        days=30,
        threats=threat,
    )
    net = sl.compile_network(sc)
    # A strike's damage holds from the next day for its repair days: nothing struck before
    # the first day, one day of strikes behind the second, then 1 - p × lost × repair_days.
    assert net.capacity_factor[0, :4] == pytest.approx([1.0, 1 - 0.2 * 0.5, 0.8, 0.8])
    assert net.cargo_loss[0, 0, 0] == pytest.approx(0.2 * 0.25)
    result = sl.plan(sc)
    assert result.lost_kg().sum() == pytest.approx(0.05 * result.cargo_kg.sum(), rel=1e-9)


def test_tables_and_json_agree_with_the_kpis() -> None:
    result = sl.plan(_two_villages())
    k = result.kpis()
    deliveries = result.to_frame("deliveries")
    assert deliveries["consumed_kg"].sum() / 1000 == pytest.approx(k["delivered_t"])
    flows = result.to_frame("flows")
    routes = result.to_frame("routes")
    assert flows["kg"].sum() / 1000 == pytest.approx(routes["tonnes"].sum())
    doc = json.loads(result.to_json())
    assert doc["kpis"]["delivered_t"] == pytest.approx(k["delivered_t"])
    assert set(doc["tables"]) == set(result.TABLES)
    with pytest.raises(ValueError, match="table must be one of"):
        result.to_frame("nope")
    # Plain Python numbers throughout, as Kpis types them (a notebook showed the regions'
    # tonnes as np.float64(49.48...)).

    def numpy_in(value: object, path: str = "kpis") -> list[str]:
        if isinstance(value, dict):
            return [p for key, v in value.items() for p in numpy_in(v, f"{path}.{key}")]
        if isinstance(value, list | tuple):
            return [p for i, v in enumerate(value) for p in numpy_in(v, f"{path}[{i}]")]
        return [path] if type(value).__module__ == "numpy" else []

    assert numpy_in(dict(k)) == []
    assert np.isfinite(k["labour_days"])


def test_a_solve_out_of_time_says_so_in_words() -> None:
    from supplyline.plan.model import build_lp, solve_lp

    lp = build_lp(sl.compile_network(_two_villages()))
    with pytest.raises(sl.PlanError, match=r"time limit.*--days"):
        solve_lp(lp, time_limit_s=0.0)


def test_figures_that_follow_from_the_inputs_are_shown_as_inputs_not_passes() -> None:
    """A share the replay fixes, date arithmetic, and consumption that is the demand because
    all of it is met are inputs: shown, never counted as reproduced."""
    def figure(fid: str, metric: dict[str, object], value: float, unit: str,
               replay: str | None = "history") -> dict[str, object]:
        return {"id": fid, "metric": metric, "value": value, "unit": unit, "tolerance": 1.0,
                "source": "test", "replay": replay}

    sc = _two_villages(
        replays=[{"name": "history", "mobilization": [
            {"commodity": "rice", "regions": ["hills"], "kg": 3000.0},
            {"commodity": "rice", "exclude_regions": ["hills"], "kg": 9000.0}]}],
        observed=[
            figure("hills-share", {"kind": "share_mobilized", "commodity": "rice",
                                   "regions": ["hills"]}, 25.0, "%"),
            figure("days", {"kind": "days_from", "start": "2020-01-31"}, 30.0, "day"),
            figure("eaten", {"kind": "consumed_t", "commodity": "rice"}, 1.0, "t"),
            figure("met", {"kind": "demand_met_pct", "commodity": "rice"}, 100.0, "%"),
        ])
    values = {v.id: v for v in sl.validate(sl.plan(sc, replay="history"))}
    assert values["hills-share"].model == pytest.approx(25.0)
    assert "replay 'history'" in values["hills-share"].input_reason
    assert values["days"].input_reason.startswith("date arithmetic")
    # An input has no verdict, in Python as in JSON: it had been true or false, so a script
    # counting `not v.passed` as failures counted inputs.
    assert values["hills-share"].passed is values["days"].passed is None
    assert values["days"].to_json()["passed"] is None
    assert values["days"].result == "input"
    assert not values["met"].is_input  # the plan computes whether demand is met
    assert values["met"].passed in (True, False)
    # 12 t given cannot meet 60 days of 200 kg: consumption is the model's, not the demand.
    assert not values["eaten"].is_input
    # With a week's rice at the front from the start, all demand is met.
    plain = scenario(
        [village("near", 0.0, 50_000.0), place("front", "front", 1.0,
                                               stock_kg={"rice": 1400.0})],
        [route("near", "front", 40.0)], demand_kg_per_day=200.0, days=60,
        observed=[figure("eaten", {"kind": "consumed_t", "commodity": "rice"}, 12.0, "t",
                         None)])
    (eaten,) = sl.validate(sl.plan(plain))
    assert eaten.model == pytest.approx(12.0)
    assert eaten.input_reason == "all demand is met, so consumption is the scenario's demand"
    # An input outside the record's tolerance says the inputs differ from the record: no
    # verdict, but not silence either.
    assert eaten.within is True
    (far,) = sl.validate(sl.plan(plain.replace({"observed[0].value": 20.0})))
    assert far.passed is None and far.within is False


def test_consumption_met_in_full_within_its_window_is_an_input() -> None:
    """A figure of what was eaten up to 5 Jan, all of it met by then from the front's own
    stock, is the demand of those days, however short the days after: it had been judged
    (a pass that held by construction), as the horizon's demand was not all met."""
    def figure(fid: str, metric: dict[str, object], value: float) -> dict[str, object]:
        return {"id": fid, "metric": metric, "value": value, "unit": "t", "tolerance": 0.1,
                "source": "test"}

    sc = scenario(
        [village("near", 0.0, 500.0),
         place("front", "front", 1.0, stock_kg={"rice": 1400.0})],
        [route("near", "front", 40.0)], demand_kg_per_day=200.0, days=60,
        observed=[figure("early", {"kind": "consumed_t", "commodity": "rice",
                                   "by": "2020-01-05"}, 1.0),
                  # (1.5 t: within the 1.9 t there is, so a plan could eat it)
                  figure("all", {"kind": "consumed_t", "commodity": "rice"}, 1.5)])
    values = {v.id: v for v in sl.validate(sl.plan(sc))}
    assert values["early"].model == pytest.approx(1.0)
    assert values["early"].input_reason == ("all demand to 2020-01-05 is met, so "
                                            "consumption there is the scenario's demand")
    assert values["early"].passed is None
    # Over the whole horizon the front goes short: the plan's figure, judged.
    assert not values["all"].is_input and values["all"].passed is False


@pytest.mark.parametrize("too_large", [False, True])
def test_the_progress_says_whether_the_limits_are_confirmed_by_solving_again(
        too_large: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plan too large to confirm its limits by solving again had said it was "solving
    again with each limit eased" (the built-in scenario's, whose findings then said the
    limits were not confirmed)."""
    planning = importlib.import_module("supplyline.plan")  # (sl.plan is the function)
    if too_large:
        monkeypatch.setattr(planning, "VERIFY_COLUMNS", 0)
    said: list[str] = []
    sc = scenario([village("near", 0.0, 500.0), place("front", "front", 1.0)],
                  [route("near", "front", 40.0)], demand_kg_per_day=200.0, days=10)
    plan = sl.plan(sc, progress=lambda message, *counts: said.append(message))
    assert plan.findings
    finding = [s for s in said if s.startswith("finding what holds")]
    assert finding == [
        "finding what holds the fronts short (from the plan's prices: too large to confirm "
        "by solving again)" if too_large else
        "finding what holds the fronts short (solving again with each limit eased)"]


def test_a_route_full_both_ways_counts_each_day_once() -> None:
    """Loaded units one way and empty ones back: both directions of the ridge road are at its
    movement capacity on the same days, which count once (never more days than the plan)."""
    import supplyline as sl

    sc = sl.load("tutorial").replace({"routes[ridge-road].capacity_movements_per_day": 40})
    plan = sl.plan(sc)
    days = dict(zip(plan.network.route_ids, plan.route_at_capacity_days(), strict=True))
    assert 0 < days["ridge-road"] <= plan.days


def _one_village_giving_all() -> sl.Scenario:
    """A village that can give 15.5 t of rice to a front 10 km away that eats 5 t a day."""
    return scenario(
        [village("v", 0.0, 20_000.0, population=1000.0), place("front", "front", 0.1)],
        [route("v", "front", 10.0)],
        demand_kg_per_day=5000.0,
        days=10,
        policy={"labour_share": 0.2, "labour_max_days_per_person": 100.0,
                "subsistence_kg_per_person_day": {"rice": 0.45}},
    )


def test_shortfall_is_explained_by_a_village_that_gives_all_it_can() -> None:
    """All the stock given on the first day held the giving at its bound on every day, and
    the locality's fairness row bounds it by the same amount: relaxing the last day's bound
    alone changed nothing, so 'no single limit stands out' was said."""
    sc = _one_village_giving_all()
    result = sl.plan(sc)
    (finding,) = result.findings
    # Short on the first day, before any rice can arrive, then by what the village may give.
    assert finding.binding == [
        "no rice can reach front before 2 Jan 2020, the soonest any from v can arrive",
        "v gives all the rice it can above subsistence (15.5 t)"]
    # The places the sentences name, by id (the sentences name them by name), each once.
    assert finding.places == ["front", "v"]
    assert result.kpis()["findings"][0]["places"] == ["front", "v"]


def test_a_shortfall_before_anything_can_arrive_is_said_so() -> None:
    """The front's own salt runs out before salt from a village days away can arrive: the
    finding names the day it can first arrive and where from, and no limit (named by
    duals or re-solves, which would be the wrong reason). The built-in scenario's salt,
    short for its first 13 days, had been blamed on how much rice villages may give."""
    sc = _rice_and_salt(
        [village("v", 0.0, 1e6),
         village("w", 0.7, 1e6, stock_kg={"rice": 1e6, "salt": 1e5}),
         place("front", "front", 0.3, stock_kg={"salt": 10.0})],
        [route("v", "front", 10.0), route("w", "front", 80.0)])
    result = sl.plan(sc)
    (salt,) = (f for f in result.findings if f.commodity == "salt")
    (why,) = salt.binding
    start, end = "no salt can reach front before ", ", the soonest any from w can arrive"
    assert why.startswith(start) and why.endswith(end)
    assert salt.places == ["front", "w"]
    named = dt.datetime.strptime(why[len(start):-len(end)], "%d %b %Y").date()
    # The day named is the first on which the plan's salt arrives at the front.
    net = result.network
    p, g = net.place_ids.index("front"), result.good_ids.index("salt")
    into = result.legs.dest == p
    arriving = np.zeros(net.steps + 1)
    np.add.at(arriving, result.legs.cargo_arrives[into], result.cargo_kg[into, g, :])
    first = int(np.nonzero(arriving > 1e-3)[0][0])
    assert named == sc.start_date + dt.timedelta(days=int(net.step_start[first]))
    assert salt.first_day == 2  # the front's own 10 kg last two days


def test_repair_crews_unfed_before_any_food_can_reach_them_is_said_so() -> None:
    """A route's repair crew eats at a relay that holds no rice, two days' walk from the
    village: what it goes without in those days, nothing could bring (the built-in
    scenario's repair crews miss 800 kg of rice so, in its first days)."""
    sc = scenario(
        [village("v", 0.0, 1e6), place("relay", "depot", 0.4),
         place("front", "front", 0.5)],
        [route("v", "relay", 40.0), route("relay", "front", 10.0, repair_crew=10.0)],
        demand_kg_per_day=10.0, days=10,
        policy={"labour_max_days_per_person": 10_000.0, "labour_share": 1.0,
                "labour_rations_kg_per_day": {"rice": 0.8}},
    )
    result = sl.plan(sc)
    (note,) = [n for n in result.gave_up() if n.startswith("repair crews not fed:")]
    assert note.endswith(" of rice missing, all of it before any can reach where they eat")
    missing = float(note.split(": ")[1].split(" kg")[0])
    assert missing >= 2 * 10 * 0.8 - 1e-6  # at least the two days' walk
    # Fed from a relay that holds rice from the start, they go without nothing.
    fed = sc.replace({"places[relay].stock_kg": {"rice": 1000.0}})
    assert not [n for n in sl.plan(fed).gave_up() if n.startswith("repair crews")]


def test_a_repair_crew_serves_and_eats_from_the_day_its_route_opens() -> None:
    """A crew keeps a route that is there: on a road that opens on day 4 of 10, its 10
    persons serve and eat for 6 days (60 person-days, 48 kg of rice), not 10 (they had
    been posted, fed and counted from the first day, as on the built-in scenario's Tuan
    Giao road, built by its road works until mid-January)."""
    sc = scenario(
        [village("v", 0.0, 1e6), place("relay", "depot", 0.4, stock_kg={"rice": 1000.0}),
         place("front", "front", 0.5)],
        [route("v", "relay", 40.0),
         route("relay", "front", 10.0, repair_crew=10.0, open_from="2020-01-05")],
        demand_kg_per_day=10.0, days=10,
        policy={"labour_max_days_per_person": 10_000.0, "labour_share": 1.0,
                "labour_rations_kg_per_day": {"rice": 0.8}},
    )
    assert sc.day_index(sc.routes[1].open_from) == 4
    result = sl.plan(sc)
    assert result.labour_days()["repair_crews"] == pytest.approx(60.0, rel=1e-12)
    rice = result.good_ids.index("rice")
    assert result.crew_fed_kg[:, rice].sum() == pytest.approx(48.0, rel=1e-9)
    # By step: none before the opening, 10 persons × the day after it.
    assert result.crew_fed_kg[1, rice].tolist() == pytest.approx([0.0] * 4 + [8.0] * 6)


def _rice_and_salt(places: list[dict[str, object]], routes: list[dict[str, object]]
                   ) -> sl.Scenario:
    """Ten days of 100 kg of rice and 5 kg of salt a day at the front."""
    return scenario(
        places, routes, demand_kg_per_day=100.0, days=10,
        commodities=[{"id": "rice"}, {"id": "salt"}],
        demand=[{"front": "front", "commodity": "rice", "kg_per_day": 100.0},
                {"front": "front", "commodity": "salt", "kg_per_day": 5.0}],
    )


def test_shortfall_of_a_good_no_place_has_says_so() -> None:
    sc = _rice_and_salt([village("v", 0.0, 1e6), place("front", "front", 0.1)],
                        [route("v", "front", 10.0)])
    result = sl.plan(sc)
    salt = next(f for f in result.findings if f.commodity == "salt")
    assert salt.shortfall_t == pytest.approx(0.05)
    assert "no place holds salt or may give any" in salt.binding


@pytest.mark.parametrize("nobody", [{"places[river-village].labour_share": 0.0},
                                    {"places[river-village].population": 0.0}])
def test_a_locality_where_no_one_may_serve_crews_none_of_its_carriers(
        nobody: dict[str, float]) -> None:
    """A labour pool of 0 had no labour row at all: River village crewed 27 bicycles with no
    one (a pool of 2.5 persons allowed 2.5). A file that says so is refused by check; a
    what-if may ask it."""
    sc = sl.load("tutorial").replace(nobody)
    result = sl.plan(sc)
    river = sc.places.index(next(p for p in sc.places if p.id == "river-village"))
    assert result.labour_pool[river] == 0
    assert result.in_service_units[river].max() == pytest.approx(0.0, abs=1e-6)
    assert result.recruited_units[river].sum() == pytest.approx(0.0, abs=1e-6)


def test_the_persons_serving_are_those_the_labour_burden_counts() -> None:
    """The labour burden counts a locality's road workers beside its crews, but the persons
    it was shown against left them out: Phong Tho, 8 persons of a pool of 4,000, was 27.1 %
    burdened. The persons serving now hold both, and the road workers apart."""
    from supplyline.scenario import load_text
    from supplyline.scenario.load import builtin_text

    text = builtin_text("tutorial") + (
        "\nroad_works:\n  - {route: gorge-path, crew_days: 6000, by: 2024-11-14, "
        "source: 'estimate: for the test'}\n")
    plan = sl.plan(load_text(text, "tutorial.yaml"))
    frame = plan.mobilization_frame()
    assert (frame["road_work_persons"] > 1.0).any()
    pool = frame["labour_pool"].to_numpy()
    shown = np.divide(frame["persons"].to_numpy(), pool, out=np.zeros(len(frame)),
                      where=pool > 0)
    np.testing.assert_allclose(shown, frame["labour_burden"].to_numpy(), rtol=1e-9, atol=1e-12)
    _crews, road = plan.persons_serving()
    assert plan.road_work_from.sum() == pytest.approx(
        (road * plan.network.labour_max_days).sum(), rel=1e-9)
    exported = plan.to_frame("mobilization")
    assert exported["road_work_persons"].dtype == np.int64 and "road_work_persons_lp" in exported
    from supplyline.report.sections import ReportContext, mobilization_section

    section = mobilization_section(plan, ReportContext())
    assert section is not None and "of them on road works" in section.html


def test_a_shortfall_before_any_fed_carrier_can_arrive_is_said_so() -> None:
    """Rice lies in a store half a day from the front, but nobody is there: the porters
    live in a village 80 km (four days) away, and each trip draws its food where it sets
    out. The quickest legs say rice could arrive on the second day; the finding says when a
    carrier can first bring it, which is when the plan's rice first arrives,
    and names no limit (the built-in scenario's salt on 14 December 1953)."""
    sc = scenario(
        [village("v", 0.0, 1e6), place("store", "depot", 0.7, stock_kg={"rice": 1e5}),
         place("front", "front", 0.8)],
        [route("v", "store", 80.0), route("store", "front", 10.0)],
        demand_kg_per_day=10.0, days=12)
    result = sl.plan(sc)
    (rice,) = result.findings
    quickest, why = rice.binding
    assert quickest == ("no rice can reach front before 2 Jan 2020, the soonest any from "
                        "store can arrive")
    start = "no carrier can bring rice to front before "
    end = (", the soonest one can (carriers set out from where they are, each drawing its "
           "food and fuel there)")
    assert why.startswith(start) and why.endswith(end)
    assert rice.places == ["front", "store"] and rice.first_day == 0
    named = dt.datetime.strptime(why[len(start):-len(end)], "%d %b %Y").date()
    net = result.network
    p = net.place_ids.index("front")
    into = result.legs.dest == p
    arriving = np.zeros(net.steps + 1)
    np.add.at(arriving, result.legs.cargo_arrives[into], result.cargo_kg[into, 0, :])
    first = int(np.nonzero(arriving > 1e-3)[0][0])
    assert first >= 4
    assert named == sc.start_date + dt.timedelta(days=int(net.step_start[first]))


def test_the_food_for_the_way_back_reaches_the_front_with_its_carriers() -> None:
    """Porters who carry their food for the way back hand it over where they arrive, when
    they arrive: after a stage of 0.7 days it is at the front on the day they set out, a day
    before their cargo (loads sent through a day are there from their mean arrival). The
    front eats it on its first day, which ``check`` had called short whatever the plan does
    (it followed the cargo alone)."""
    from supplyline.accounting import legs_of
    from supplyline.network import compile_network
    from supplyline.plan.reach import earliest_arrival, held_at_start, unavoidable_short

    porter = {**PORTER, "return_food": "carried", "speed_empty_km_per_day": 20.0}
    sc = scenario([village("v", 0.0, 40_000.0), place("front", "front", 0.1)],
                  [route("v", "front", 14.0)], demand_kg_per_day=90.0, days=6,
                  modes=[porter])
    net = compile_network(sc)
    front, legs = net.place_ids.index("front"), legs_of(net)
    into = legs.dest == front
    assert (legs.arrive_loaded[into, 0] == 0).all() and (legs.cargo_arrives[into, 0] == 1).all()
    first, source = earliest_arrival(legs, held_at_start(net), front)
    assert first.tolist() == [0] and source.tolist() == [net.place_ids.index("v")]
    assert unavoidable_short(net) == []
    result = sl.plan(sc)
    assert result.consumed_kg[front, 0, 0] == pytest.approx(90.0, abs=1e-3)
    assert not result.findings


def test_an_at_least_figure_says_from_what_the_plan_s_part_passes() -> None:
    """Labour-days at least 4,000 where the replay asks 3,000: a pass was said to test the
    plan's part, which "passes up to 1,000 person-days"."""
    figure = {"id": "more", "metric": {"kind": "labour_days"}, "value": 4000,
              "unit": "person*day", "tolerance": 0, "compare": "at_least", "source": "test",
              "replay": "pledged"}
    sc = sl.load("tutorial").replace({
        "replays.pledged.labour": {"person_days": 3000},
        "replays.pledged.carriers": [{"mode": "bicycle", "units": 10}],
        "observed": [figure, {**figure, "id": "most", "value": 10000}]})
    more, most = sl.validate(sl.plan(sc, replay="pledged"))
    assert (more.result, most.result) == ("pass", "fail")
    part = fmt(more.model - 3000)
    assert more.from_inputs_reason.endswith(
        f". The verdict tests the plan's part, {part} person-days: it passes from 1,000 "
        "person-days")
    assert most.from_inputs_reason.endswith(f"{part} person-days: it passes from 7,000 "
                                            "person-days")


def test_what_a_replay_or_met_demand_decides_is_an_input_and_what_is_undefined_no_test(
) -> None:
    """Labour-days a replay's floor sets, a recruit count against an "at most" at its cap:
    each passed, though no plan could fail it. A share of no demand and a ratio to 0 passed
    as 100 % and 0."""
    def figure(fid: str, metric: dict[str, object], value: float, unit: str,
               tolerance: float = 1.0, compare: str = "within") -> dict[str, object]:
        return {"id": fid, "metric": metric, "value": value, "unit": unit,
                "tolerance": tolerance, "compare": compare, "source": "test",
                "replay": "pledged"}

    sc = sl.load("tutorial").replace({
        "replays.pledged.labour": {"person_days": 3000},
        "replays.pledged.carriers": [{"mode": "bicycle", "units": 70}],
        "observed": [
            figure("arrivals", {"kind": "arrivals_t", "commodity": "rice",
                                "place": "kestrel-town"}, 57.75, "t", 5),
            figure("labour", {"kind": "labour_days"}, 3000, "person*day", 150),
            figure("bikes", {"kind": "units_recruited", "mode": "bicycle"}, 70, "unit", 0,
                   "at_most"),
            figure("early", {"kind": "demand_met_pct", "commodity": "rice",
                             "by": "2024-11-02"}, 100, "%"),
            figure("per-nothing", {"kind": "mobilized_t", "commodity": "rice",
                                   "per": {"kind": "consumed_t", "commodity": "rice",
                                           "by": "2024-11-02"}}, 0, "t/t"),
        ]})
    values = {v.id: v for v in sl.validate(sl.plan(sc, replay="pledged"))}
    # What arrives at a front fed in full is its demand and what the plan keeps or loses
    # there: computed, with the demand shown as the inputs' part.
    arrivals = values["arrivals"]
    assert arrivals.tested and arrivals.from_inputs == pytest.approx(57.75, rel=1e-6)
    assert arrivals.from_inputs_reason.startswith("the demand eaten there, all of it met")
    # 57.75 ± 5 t holds for the demand alone: what the verdict tests is said.
    plan_part = arrivals.model - arrivals.from_inputs
    assert arrivals.from_inputs_reason.endswith(
        f". The inputs alone lie within the tolerance: the verdict tests only the plan's part, "
        f"{fmt(plan_part)} t, and it passes up to 5 t")
    assert values["labour"].model == pytest.approx(3000, rel=1e-6)
    assert "asks at least 3,000 person-days" in values["labour"].input_reason
    assert "recruits at most 70 bicycle units" in values["bikes"].input_reason
    assert all(v.result == "input" and v.passed is None and v.within is True
               for k, v in values.items() if k in ("labour", "bikes"))
    for key in ("early", "per-nothing"):
        assert values[key].result == "undefined" and values[key].passed is None
        assert not values[key].tested and values[key].to_json()["model"] is None
    assert values["early"].undefined_reason == "a share of no demand: none is asked by then"
    assert values["per-nothing"].undefined_reason.startswith("a ratio to 0 (consumed_t")
    # Where the plan needs more than the replay's floor, the floor is the inputs' part of a
    # figure the plan computes.
    more = sc.replace({"replays.pledged.labour.person_days": 500})
    (labour,) = [v for v in sl.validate(sl.plan(more, replay="pledged")) if v.id == "labour"]
    assert labour.tested and labour.from_inputs == pytest.approx(500)
    assert "asked by the replay 'pledged'" in labour.from_inputs_reason
    assert "inputs alone" not in labour.from_inputs_reason  # (500 is far from 3,000 ± 150)


def test_a_figure_the_inputs_alone_decide_is_shown_not_tested() -> None:
    """Arrivals at a front fed in full are at least its demand (57.75 t): "at least 50 t"
    cannot fail and "at most 50 t" cannot pass, whatever the plan does; both had been
    counted as tests. Where the front eats what it held at the start, arrivals are not
    bound below by the demand, and no part of them is said to be the inputs'."""
    def arrivals(compare: str, value: float) -> dict[str, object]:
        return {"id": compare, "metric": {"kind": "arrivals_t", "commodity": "rice",
                                          "place": "kestrel-town"},
                "value": value, "unit": "t", "compare": compare, "source": "test"}

    sc = sl.load("tutorial").replace({"observed": [arrivals("at_least", 50),
                                                   arrivals("at_most", 50),
                                                   arrivals("within", 58)]})
    values = {v.id: v for v in sl.validate(sl.plan(sc))}
    assert values["at_least"].input_reason.startswith(
        "the inputs alone give 57.8 t, at least the figure's 50: no plan can fall below it")
    assert values["at_most"].input_reason.startswith(
        "the inputs alone give 57.8 t, above the figure's most (50): no plan can meet it")
    assert values["within"].tested  # (58 ± 0: the plan's part is tested)
    held = sc.replace({"places.kestrel-town.stock_kg": {"rice": 40_000}})
    values = {v.id: v for v in sl.validate(sl.plan(held))}
    assert all(v.from_inputs == 0 and v.from_inputs_reason == "" for v in values.values())
    assert values["at_least"].tested and values["at_least"].result == "fail"


def test_a_plan_of_the_first_days_is_not_validated_against_the_whole_horizon() -> None:
    """The observed figures are of the whole campaign: a plan of its first 12 days was
    compared with them, and failed figures it could not have reproduced."""
    tutorial = sl.load("tutorial")
    cut = sl.plan(tutorial, replay="pledged", days=12)
    assert cut.whole_days == tutorial.days
    with pytest.raises(sl.PlanError, match="first 12 of the scenario's 30 days"):
        sl.validate(cut)
    assert sl.plan(tutorial, days=30).whole_days is None
    # Nor a plan from a State (40 t more at the front than the scenario starts with: the
    # upper villages' share of the rice eaten there then failed against the record).
    net = sl.compile_network(tutorial)
    state = sl.State.initial(net)
    state.stock_kg[net.place_ids.index("kestrel-town"), net.commodity_ids.index("rice")] = 4e4
    from_state = sl.plan(tutorial, replay="pledged", state=state)
    assert from_state.from_state and not sl.plan(tutorial, days=3).from_state
    with pytest.raises(sl.PlanError, match="this plan starts from a State"):
        sl.validate(from_state)
    # Nor does its report tell to run what sl.validate refuses.
    from supplyline.report.html import render_report

    page = render_report(from_state)
    assert "This plan starts from a State, and the scenario&#x27;s 2 historical figures" in page
    assert "validation=sl.validate(plan)" not in page


def test_a_reserve_target_that_holds_food_back_from_a_front_going_short_is_named() -> None:
    """The front held 3.6 t for its reserve target while it went short each day, and the
    finding named only the village's giving: a commander saw food at a starving front."""
    # (a later target listed first: the one named is the first due, not the first listed)
    sc = _one_village_giving_all().replace(
        {"demand[0].reserves": [{"days_of_supply": 1, "by": "2020-01-10"},
                                {"days_of_supply": 2, "by": "2020-01-08"}]})
    result = sl.plan(sc)
    (finding,) = result.findings
    front, rice = result.network.place_ids.index("front"), result.good_ids.index("rice")
    short = result.demand_kg[front, rice] - result.consumed_kg[front, rice] > 1.0
    held = result.stock_kg[front, rice][short]
    assert held.max() > 1.0  # the case: stock waits at the front on days it goes short
    said = [b for b in finding.binding if b.startswith("the reserve target")]
    assert said == [f"the reserve target of 2 days of supply by 8 Jan 2020 holds up to "
                    f"{fmt(held.max() / 1000)} t at front while it goes short"]


def test_a_traced_share_is_an_input_only_where_no_plan_could_change_it() -> None:
    """Under a replay where only the northwest gives, the share of what the front eats that
    came from the delta is 0 whatever the plan does; the northwest's is 100 % only while no
    stock is held at a depot or front from the start (traced as from no region: how much of
    it the front eats is the plan's), so with such stock it is computed and judged."""
    from tests.scenario.helpers import DATA

    def figure(fid: str, regions: list[str], value: float) -> dict[str, object]:
        return {"id": fid, "metric": {"kind": "share_consumed", "commodity": "rice",
                                      "regions": regions},
                "value": value, "unit": "%", "tolerance": 5, "source": "test",
                "replay": "history"}

    tiny = sl.load(DATA / "tiny.yaml").replace(
        {"observed": [figure("northwest", ["northwest"], 100), figure("delta", ["delta"], 0)]})
    values = {v.id: v for v in sl.validate(sl.plan(tiny, replay="history"))}
    assert values["northwest"].result == values["delta"].result == "input"
    held = tiny.replace({"places.relay.stock_kg": {"rice": 5000}})
    values = {v.id: v for v in sl.validate(sl.plan(held, replay="history"))}
    assert values["northwest"].tested and values["northwest"].model < 100.0
    assert values["delta"].result == "input"


def test_a_window_counts_the_share_of_a_step_s_days_within_it() -> None:
    """In 3-day steps from 1 Nov, a window of 2 Nov counted nothing (a step counted only
    where its first day lay in the window), where 0.65 t arrived that day day by day; a
    window of 1 Nov counted the whole step."""
    from supplyline.plan.metrics import compute_term
    from supplyline.scenario.schema import MetricTerm

    plan = sl.plan(sl.load("tutorial"), step_days=3)
    assert plan.step_length[0] == 3

    def arrived(start: str, by: str) -> float:
        term = MetricTerm(kind="arrivals_t", commodity="rice", start=start, by=by)
        return compute_term(plan, term)

    step = float(plan.arrivals_kg()[plan.network.is_front][:, 0, 0].sum()) / 1000.0
    assert step > 0
    assert arrived("2024-11-01", "2024-11-03") == pytest.approx(step, rel=1e-12)
    for day in ("2024-11-01", "2024-11-02", "2024-11-03"):
        assert arrived(day, day) == pytest.approx(step / 3, rel=1e-12)
    assert arrived("2024-11-02", "2024-11-05") == pytest.approx(
        2 * step / 3 + arrived("2024-11-04", "2024-11-05"), rel=1e-12)
    # The whole horizon is every step whole, in steps as day by day.
    whole = MetricTerm(kind="arrivals_t", commodity="rice")
    assert compute_term(plan, whole) == pytest.approx(
        float(plan.arrivals_kg()[plan.network.is_front][:, 0].sum()) / 1000.0, rel=1e-12)


def test_an_input_s_reason_reads_once_and_as_its_case() -> None:
    """A ratio of two inputs of one reason said it twice; days_from read "the horizon's end
    less the given start" of a count of both days; share_consumed said "none or all" without
    which; units read as pint writes them ("63.7 short_ton", "1 person-days")."""
    from supplyline.plan.metrics import input_reason
    from supplyline.scenario.schema import Metric
    from supplyline.units import amount

    plan = sl.plan(sl.load("tutorial"), replay="pledged")
    ratio = Metric(kind="consumed_t", commodity="rice",
                   per={"kind": "consumed_t", "commodity": "rice"})
    assert input_reason(plan, ratio) == ("a ratio of two figures set by the inputs (all "
                                         "demand is met, so consumption is the scenario's "
                                         "demand)")
    days = Metric(kind="days_from", start="2024-11-20")
    assert input_reason(plan, days).endswith("both counted")
    # All the tutorial's villages together give all the rice, none held elsewhere at the
    # start: said as that case ("none or all" had been said of it).
    every = Metric(kind="share_consumed", commodity="rice", regions=["upper", "lower"])
    assert input_reason(plan, every) == (
        "set by the replay 'pledged': the regions give all of it and none is held from the "
        "start, so all of what is eaten comes from them")
    assert (amount(63.7, "short_ton"), amount(1, "person*day")) == (
        "63.7 short tons", "1 person-day")
