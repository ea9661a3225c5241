"""Figures derived for the report add up to the plan's own totals."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import supplyline as sl
from supplyline.plan.figures import INITIAL_STOCK, deliveries_by_source, route_facts, source_groups
from supplyline.report.facts import Reserve, stock_days
from supplyline.scenario.schema import Scenario


def test_routes_split_the_plans_tonnes_by_direction(valley_plan: sl.Plan) -> None:
    facts = route_facts(valley_plan)
    np.testing.assert_allclose(facts.tonnes, valley_plan.route_tonnes())
    assert (facts.arrived_t <= facts.tonnes + 1e-9).all()
    net = valley_plan.network
    the_pass = net.route_index["pass"]
    assert net.place_ids[facts.start[the_pass]] == "relay"
    assert net.place_ids[facts.end[the_pass]] == "fork"
    assert facts.back_t[the_pass] < facts.forward_t[the_pass]
    assert facts.modes[the_pass] == ["porter", "bicycle"]
    eaten = (valley_plan.trip_rations_kg() + valley_plan.fuel_kg()).sum() / 1000.0
    assert facts.eaten_t.sum() == pytest.approx(eaten)


def test_source_groups_are_disjoint_and_cover_the_localities(valley_plan: sl.Plan) -> None:
    net = valley_plan.network
    groups = source_groups(net)
    assert [label for label, _ in groups] == ["northwest", "rear"]
    stacked = np.vstack([mask for _, mask in groups]).astype(int)
    assert (stacked.sum(axis=0) == net.is_locality.astype(int)).all()


def test_deliveries_by_source_add_up_to_what_the_front_consumed(valley_plan: sl.Plan) -> None:
    parts = deliveries_by_source(valley_plan)
    labels = [label for label, _ in parts]
    assert labels[0] == "northwest" and labels[-1] == INITIAL_STOCK
    total = sum(daily for _, daily in parts)
    eaten = valley_plan.consumed_kg[valley_plan.network.is_front].sum(axis=(0, 1))
    np.testing.assert_allclose(total, eaten, rtol=1e-9, atol=1e-6)
    initial = dict(parts)[INITIAL_STOCK].sum()
    assert 0 < initial <= valley_plan.network.initial_stock_kg.sum() + 1e-6


def test_stock_days_and_reserve_targets(valley_plan: sl.Plan) -> None:
    lines = {line.label: line for line in stock_days(valley_plan)}
    assert set(lines) == {"Rice", "Salt"}
    rice = lines["Rice"]
    assert np.isnan(rice.days_of_supply[0])  # no rice demand on the first day
    assert rice.targets == [(7, pytest.approx(1.0))]
    day = 5
    expected = valley_plan.stock_kg[rice.front, rice.good, day] / valley_plan.demand_kg[
        rice.front, rice.good, day]
    assert rice.days_of_supply[day] == pytest.approx(expected)


def test_reserve_targets_are_told_as_the_scenario_asks_them(valley_doc: Any) -> None:
    """In 4-day steps, a reserve of 1 day by 6 Mar (1.8 t: 2,000 troops' rice that day) is
    held at the end of the step 5-8 Mar, whose mean demand is lower (1,575 kg a day): on the
    line's scale it is 1.14 days, but it is 1 day as asked, of 6 Mar's demand."""
    doc = valley_doc()
    doc["demand"][0]["reserves"] = [{"days_of_supply": 1, "by": "1954-03-06"}]
    plan = sl.plan(Scenario.model_validate(doc), step_days=4)
    (rice,) = [line for line in stock_days(plan) if line.label == "Rice"]
    assert rice.reserves == [Reserve(step=1, by=5, days=1.0, kg=pytest.approx(1800.0))]
    assert rice.targets == [(1, pytest.approx(1800.0 / 1575.0))]


def test_the_burden_bound_under_a_replay_is_said_as_the_labour_it_holds(
        replay_plan: sl.Plan) -> None:
    """Under a replay the fixed food was told as below a "largest burden of the plan" of
    4.81 %, beside villages that gave all they could (100 %): the bound holds only the
    labour, and says so."""
    from supplyline.report.facts import burden_bound

    food, labour = replay_plan.burden()
    bound, what = burden_bound(replay_plan)
    assert food.max() > bound + 0.1  # (the replay fixes more food than the bound)
    assert labour.max() <= bound + 1e-6
    assert "labour pool" in what and "largest burden of the plan" not in what


def test_reserves_of_two_demand_entries_at_one_front_add_up(valley_doc: Any) -> None:
    """Entries at one front add up, and so do their reserves: two units there, each asking
    a day of its own rice by 6 Mar (1.8 t and 0.9 t), need 2.7 t on hand that day. The
    stock row of each stood alone, so the larger held and the smaller was dropped."""
    import copy

    doc = valley_doc()
    doc["demand"][0]["reserves"] = [{"days_of_supply": 1, "by": "1954-03-06"}]
    other = copy.deepcopy(doc["demand"][0])
    other["troops"] = 1000
    doc["demand"].append(other)
    net = sl.compile_network(Scenario.model_validate(doc))
    rice = net.commodity_ids.index("rice")
    assert [(c, kg) for _, c, _, kg in net.reserve_targets] == [
        (rice, pytest.approx(2700.0))]
    # Told as days of all the front's rice that day: 2.7 t of 2.7 t a day.
    from supplyline.report.facts import reserve_asks

    (reserve,) = reserve_asks(net)
    assert reserve.days == pytest.approx(1.0) and reserve.by == 5


def test_what_a_re_plan_could_not_do_is_said_once_then_nor() -> None:
    """replan said "It could not do this either:" twice in a row."""
    import datetime as dt
    from types import SimpleNamespace

    from supplyline.report.facts import replan_outcome

    plan = SimpleNamespace(kpis=lambda: {"shortfall_t": 1.5, "demand_t": 50.2},
                           gave_up=lambda: ["wounded not fed: 31 kg", "wounded late: 36"],
                           findings=[], explained=True,
                           network=None)  # (why the fronts go short: elsewhere)
    assert replan_outcome(plan, dt.date(2024, 11, 8)) == [  # type: ignore[arg-type]
        "The re-plan leaves the fronts 1.5 t short of the 50.2 t they need from 8 Nov 2024.",
        "It could not do this either: wounded not fed: 31 kg.",
        "Nor this: wounded late: 36."]


def test_what_else_a_plan_could_not_do_reads_as_a_first_sentence(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The tutorial meets all demand, and its notebook view opened with "It could not do
    this either: ..." with nothing before it: "either" and "Nor this" follow a shortfall or
    a first note, never open the text."""
    from supplyline.report.facts import outcome_lines

    plan = sl.plan(sl.load("tutorial"))
    assert not plan.findings and plan.gave_up()
    monkeypatch.setattr(sl.Plan, "gave_up", lambda self: ["first thing", "second thing"])
    assert outcome_lines(plan) == ["It could not do this: first thing.",
                                   "Nor this: second thing."]
    monkeypatch.setattr("supplyline.report.facts.not_looked_for", lambda plan: "Short.")
    assert outcome_lines(plan) == ["Short.", "It could not do this either: first thing.",
                                   "Nor this: second thing."]
