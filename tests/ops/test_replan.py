"""A week of the tutorial in the books, the ridge road cut on day 3: the State on day 7 is
the one computed by hand below, and the re-plan starts from it and goes round the cut."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import supplyline as sl
from supplyline.accounting import ways_home
from supplyline.network import compile_network
from supplyline.ops import Books, open_books
from supplyline.ops.replan import (
    Damage,
    ReplanRefused,
    compare_plans,
    entries_left_out,
    figures_of,
    in_force_or_first,
    plan_vs_actual,
    recorded_state,
    replan,
    route_damage,
    route_reports,
)
from supplyline.plan.model import build_lp
from tests.ops.conftest import day, entry


def scenario() -> sl.Scenario:
    """The tutorial, its bridge road repaired in 4 days (so that damage shows on day 7)."""
    sc = sl.load("tutorial")
    routes = [r.model_copy(update={"repair_days": 4.0}) if r.id == "bridge-road" else r
              for r in sc.routes]
    return sc.model_copy(update={"routes": routes})


def record_week(books: Books) -> None:
    sc = books.scenario

    def add(kind: str, on: int, **fields: object) -> int:
        return books.append(entry(kind, date=day(sc, on), **fields), "clerk").id

    add("labour", 0, locality="high-village", persons=60, days=20, role="carrier",
        mode="porter")
    add("labour", 0, locality="terrace-village", persons=30, days=5, role="road_crew")
    add("contribution", 0, locality="high-village", good="rice", kg=2000, at="high-village")
    add("contribution", 0, locality="terrace-village", good="rice", kg=3000, at="bridge")
    add("pledge", 1, locality="far-village", good="rice", kg=9000, by=day(sc, 10))
    up = add("dispatch", 0, from_="high-village", to="ridge-depot", mode="porter", units=60,
             cargo_kg={"rice": 1500})
    add("receipt", 1, dispatch=up, received_kg={"rice": 1450},
        losses=[{"good": "rice", "kg": 50, "reason": "spoilage"}])
    over = add("dispatch", 1, from_="ridge-depot", to="kestrel-town", mode="porter", units=60,
               cargo_kg={"rice": 1400})
    add("receipt", 2, dispatch=over, received_kg={"rice": 1400})
    add("route", 3, route="ridge-road", status="closed")
    back = add("dispatch", 4, from_="kestrel-town", to="bridge", mode="porter", units=60)
    add("receipt", 6, dispatch=back)
    add("contribution", 5, locality="river-village", good="rice", kg=2400, at="river-village")
    bikes = add("dispatch", 5, from_="river-village", to="bridge", mode="bicycle", units=20,
                cargo_kg={"rice": 2400})
    add("receipt", 5, dispatch=bikes, received_kg={"rice": 2400})
    add("route", 5, route="bridge-road", status="strike", capacity_lost=0.5)
    add("dispatch", 6, from_="bridge", to="kestrel-town", mode="porter", units=60,
        cargo_kg={"rice": 1500})
    # Recorded on day 7 and after: not in the State as of day 7.
    add("contribution", 7, locality="far-village", good="rice", kg=999, at="bridge")


@cache
def tutorial_figures() -> dict[str, Any]:
    """The plan of the tutorial from its start, as kept in the books."""
    return figures_of(sl.plan(sl.load("tutorial")))


def test_the_state_on_day_7_is_the_hand_computed_one(tmp_path: Path) -> None:
    sc = scenario()
    books = open_books(tmp_path / "week.db", sc)
    record_week(books)
    net = sl.compile_network(sc)
    as_of = sc.start_date + dt.timedelta(days=7)
    s = recorded_state(books, net, as_of)
    p = {pid: i for i, pid in enumerate(net.place_ids)}
    rice, porter, bike = 0, 0, 1
    held = {pid: float(s.stock_kg[i, rice]) for pid, i in p.items() if s.stock_kg[i, rice]}
    assert held == pytest.approx({
        "high-village": 2000 - 1500,  # given there, 1,500 carried away
        "ridge-depot": 1450 - 1400,  # 50 kg spoiled on the way up
        # kestrel-town: none; the 1,400 kg that arrived on day 2 were eaten that day
        # (3,000 people x 0.5 kg a day from day 2 on)
        "bridge": 3000 + 2400 - 1500,  # the 999 kg of day 7 not yet
    })
    assert s.units_idle[p["bridge"], bike] == 20 and s.units_idle[:, porter].sum() == 0
    assert s.in_service[p["high-village"], porter] == 60
    assert s.in_service[p["river-village"], bike] == 20
    # The 60 porters that left the bridge on day 6 over the gorge path: 26 km x 1.6 / 20
    # km a day = 2.08 days, so they arrive 6 + 2.08 - 7 = 1.08 days after the State's date.
    t = s.transit
    assert (t.dest.tolist(), t.mode.tolist(), t.units.tolist()) == (
        [p["kestrel-town"]], [porter], [60.0])
    assert t.arrive_in_days == pytest.approx([1.08])
    # What they loaded holds the food they eat on the way (0.7 kg a day each for 2.08
    # days): that lands no more, as in the plan (the books had landed all 1,500 kg).
    assert t.cargo_kg[:, rice] == pytest.approx([1500 - 60 * 0.7 * 2.08])
    assert s.given_kg[:, rice].tolist() == pytest.approx(
        [2000 if pid == "high-village" else 3000 if pid == "terrace-village"
         else 2400 if pid == "river-village" else 0 for pid in net.place_ids])
    assert s.persons[p["high-village"]] == 60 and s.persons[p["terrace-village"]] == 30
    # 60 carriers owe 20 - 7 days, at their home; the road crew's 5 days are served.
    assert s.labour_days_left[p["high-village"], porter] == pytest.approx(60 * 13)
    assert s.labour_days_left.sum() == pytest.approx(60 * 13)
    # Half the bridge road struck on day 5, repaired in 4 days: half lost on days 6 to 9
    # (the one repair rule, the planner's: from the day after, whole until repaired), so
    # from day 7 for 3 days.
    damage = dict(zip(net.route_ids, s.route_damage.tolist(), strict=True))
    days = dict(zip(net.route_ids, s.route_damage_days.tolist(), strict=True))
    assert damage["bridge-road"] == pytest.approx(0.5) and days["bridge-road"] == 3
    assert sum(damage.values()) == pytest.approx(0.5)
    s.check(net)
    books.close()


def test_replan_starts_from_the_books_and_goes_round_the_cut(books: Books) -> None:
    sc = books.scenario
    in_force = tutorial_figures()
    assert sum(in_force["route"]["ridge-road"]) > 10_000  # the plan used the ridge road
    books.save_plan(in_force, "council")
    record_week(books)
    as_of = sc.start_date + dt.timedelta(days=7)
    done = replan(books, as_of)
    plan = done.plan
    assert plan.status == "optimal"
    net = plan.network
    assert net.start_date == as_of and net.days == sc.days - 7
    p = {pid: i for i, pid in enumerate(net.place_ids)}
    # Starts from the recorded stocks (the town ate what it had), and the convoy on the way
    # arrives in step 1, with what it loaded less what its 60 porters ate on the way.
    assert plan.stock_in_kg[p["bridge"], 0, 0] == pytest.approx(3900)
    assert plan.stock_in_kg[p["kestrel-town"], 0, 0] == pytest.approx(0, abs=1e-6)
    assert plan.stock_in_kg[p["kestrel-town"], 0, 1] == pytest.approx(1500 - 60 * 0.7 * 2.08)
    # Round the cut: nothing over the ridge road, the gorge path carries the town's food.
    route = done.figures["route"]
    assert sum(route["ridge-road"]) == 0
    assert sum(route["gorge-path"]) > 10_000
    ridge = net.route_ids.index("ridge-road")
    assert net.closed[net.arc_route == ridge].all()
    changes = {(r["what"], r["id"]): r for r in compare_plans(in_force, done.figures)}
    assert changes[("route", "ridge-road")]["replan_kg"] == 0
    assert changes[("route", "ridge-road")]["in_force_kg"] > 0


def test_plan_vs_actual_by_locality_route_and_day(books: Books) -> None:
    sc = books.scenario
    figures = tutorial_figures()
    record_week(books)
    rows = plan_vs_actual(books, figures, sc.start_date + dt.timedelta(days=6))
    got = {(r["what"], r["id"], r["date"]): r for r in rows}
    assert got[("locality", "high-village", day(sc, 0))]["actual_kg"] == 2000
    # A route's figure is the cargo a plan would count: the 1,500 kg loaded less the food
    # the 60 porters eat on the way (as a plan leaves it out of cargo_kg), said apart.
    gorge = got[("route", "gorge-path", day(sc, 6))]
    convoy = next(r.entry for r in books.entries(kind="dispatch")
                  if r.entry.date == sc.start_date + dt.timedelta(days=6))
    trip = books.index.trip(convoy)
    assert trip is not None and trip.food["rice"] > 0
    assert gorge["crew_food_kg"] == pytest.approx(60 * trip.food["rice"], abs=1e-3)
    assert gorge["actual_kg"] + gorge["crew_food_kg"] == pytest.approx(1500, abs=1e-3)
    assert gorge["actual_kg"] < 1500
    # A convoy sent empty carries neither.
    assert ("route", "gorge-path", day(sc, 4)) not in got
    assert got[("front", "kestrel-town", day(sc, 2))]["actual_kg"] == 1400
    planned = sum(r["planned_kg"] for r in rows if r["what"] == "front")
    assert planned == pytest.approx(sum(figures["arrive"]["kestrel-town"][:7]), rel=1e-6)
    assert all(r["date"] <= day(sc, 6) for r in rows)


def test_repairs_and_reopening(books: Books) -> None:
    sc = books.scenario
    books.append(entry("route", date=day(sc, 1), route="ridge-road", status="strike",
                       capacity_lost=0.5), "council")
    books.append(entry("route", date=day(sc, 2), route="ridge-road", status="strike",
                       capacity_lost=0.5), "council")
    reports = route_reports(books, sc.start_date + dt.timedelta(days=9))
    # Repaired in 2 days, each from the day after its strike: the first holds on days 2 and
    # 3, the second on days 3 and 4 (reported on day 2 itself, held from day 2 on, to the
    # same end): the whole capacity on days 2 and 3, half on day 4, and whole again on day 5.
    assert route_damage(reports, sc, sc.start_date + dt.timedelta(days=2)) == {
        "ridge-road": Damage(1.0, 2.5, 3.0)}
    # Day 3: both hold, the first for the day, the second for a day more: the whole
    # capacity for 1.5 days, the capacity-days of the two apart.
    assert route_damage(reports, sc, sc.start_date + dt.timedelta(days=3)) == {
        "ridge-road": Damage(1.0, 1.5, 2.0)}
    # Day 4: the first is repaired, the second holds for the day.
    assert route_damage(reports, sc, sc.start_date + dt.timedelta(days=4)) == {
        "ridge-road": Damage(0.5, 1.0, 1.0)}
    books.append(entry("route", date=day(sc, 3), route="ridge-road", status="repaired"),
                 "council")
    reports = route_reports(books, sc.start_date + dt.timedelta(days=9))
    assert route_damage(reports, sc, sc.start_date + dt.timedelta(days=3)) == {}
    np.testing.assert_equal(len(reports), 3)


def test_the_overview_of_the_week(tmp_path: Path) -> None:
    from supplyline.ops.overview import Views

    sc = scenario()
    books = open_books(tmp_path / "week.db", sc)
    record_week(books)
    books.append(entry("wounded", date=day(sc, 4), front="kestrel-town",
                       hospital="district-hospital", persons=7), "council")
    books.save_plan(tutorial_figures(), "council")
    view = Views(books).overview(sc.start_date + dt.timedelta(days=6))
    fronts = {f["front"]: f for f in view["fronts"]}
    # The 1,400 kg that arrived on day 2 eaten that day by 3,000 people x 0.5 kg a day.
    assert fronts["kestrel-town"]["kg"] == 0
    assert fronts["kestrel-town"]["need_kg_per_day"] == 1500
    assert fronts["kestrel-town"]["days_of_supply"] == 0
    routes = {r["id"]: r for r in view["routes"]}
    assert routes["ridge-road"]["status"] == "closed"
    assert routes["bridge-road"]["status"] == "damaged"
    # Struck by half on day 5, repaired in 4 days: half lost on days 6 to 9 (the repair
    # rule of the planner and the simulator, from the day after the strike).
    assert routes["bridge-road"]["capacity_lost"] == pytest.approx(0.5)
    assert routes["bridge-road"]["repaired_in_days"] == 4
    assert routes["gorge-path"]["repaired_in_days"] is None
    assert routes["gorge-path"]["status"] == "open"
    places = {x["locality"]: x for x in view["localities"]}
    assert (places["far-village"]["pledged_kg"], places["far-village"]["pledged_due_kg"]) == (
        9000, 0)
    assert places["high-village"]["given_kg"] == 2000
    assert places["river-village"]["plan_kg"] == pytest.approx(
        sum(tutorial_figures()["given"]["river-village"][:7]), abs=0.1)
    assert view["wounded"] == {"district-hospital": 7}
    assert view["losses"] == [{"reason": "spoilage", "good": "rice", "kg": 50}]
    actual = view["arrivals"]["actual_kg"]
    assert (actual[1], actual[2], actual[6]) == (0, 1400, 1400)
    assert set(actual[7:]) == {None}  # to the overview's day: none after it
    assert view["arrivals"]["planned_kg"][-1] == pytest.approx(
        sum(tutorial_figures()["arrive"]["kestrel-town"]), abs=0.5)
    books.close()


def test_after_a_replan_the_planned_line_goes_on_from_what_arrived(tmp_path: Path) -> None:
    """A re-plan's figures start on its day: the dashboard's planned line had started again
    from 0 there, below what had already arrived. Before the plan's day it is what arrived,
    then the plan's arrivals are added to it."""
    from supplyline.ops.overview import Views

    sc = scenario()
    books = open_books(tmp_path / "replanned.db", sc)
    record_week(books)  # 1,400 kg arrive at the front on day 2
    figures = tutorial_figures()
    begins = 5
    replanned = {**figures, "start": day(sc, begins),
                 "arrive": {front: values[begins:]
                            for front, values in figures["arrive"].items()}}
    books.save_plan(replanned, "council")
    arrivals = Views(books).arrivals()
    planned, actual = arrivals["planned_kg"], arrivals["actual_kg"]
    assert arrivals["plan_start"] == day(sc, begins)
    assert planned[:begins] == actual[:begins] and actual[begins - 1] == 1400
    later = sum(sum(values[begins:]) for values in figures["arrive"].values())
    assert planned[-1] == pytest.approx(1400 + later, abs=0.5)
    # The API's rows (which the dashboard's comparisons draw) follow the same rule.
    rows = plan_vs_actual(books, replanned)
    early = [r for r in rows if r["date"] < day(sc, begins)]
    assert early and all(r["planned_kg"] == r["actual_kg"] for r in early)
    assert sum(r["actual_kg"] for r in early if r["what"] == "front") == 1400
    # The plan made on the first day is drawn as it was.
    books.save_plan(figures, "council")
    first = Views(books).arrivals()
    assert first["plan_start"] == sc.start_date.isoformat()
    assert first["planned_kg"][1] == pytest.approx(sum(v[0] + v[1] for v in
                                                       figures["arrive"].values()), abs=0.5)
    books.close()


def test_road_works_due_before_the_replan_are_taken_as_done() -> None:
    from supplyline.ops.replan import scenario_from

    sc = sl.load()  # the built-in scenario has one road work
    (work,) = sc.road_works
    assert work.start is not None
    middle = work.start + (work.by - work.start) / 2
    done = {0: 0.25 * work.crew_days}
    (left,) = scenario_from(sc, middle, {}, done).road_works
    assert left.start == middle
    assert left.crew_days == pytest.approx(0.75 * work.crew_days)
    assert scenario_from(sc, middle, {}, {0: work.crew_days}).road_works == []
    assert scenario_from(sc, work.by + dt.timedelta(days=1), {}).road_works == []
    assert scenario_from(sc, work.start, {}).road_works == [work]


def _front_loaded() -> sl.Scenario:
    """The tutorial with 3,000 person-days of road work on the gorge path, 1 to 28 Nov."""
    doc = sl.load("tutorial").model_dump(by_alias=True, exclude_none=True)
    doc["road_works"] = [{"route": "gorge-path", "crew_days": 3000,
                          "start": dt.date(2024, 11, 1), "by": dt.date(2024, 11, 28)}]
    return sl.Scenario.model_validate(doc)


def test_a_replan_leaves_of_a_road_work_what_the_plans_in_force_did_not_do(
        tmp_path: Path) -> None:
    """A re-plan kept of a work under way what a steady pace leaves (3,000 × 14/28 = 1,500
    person-days as of 15 Nov), where the plan in force had done another share before (1,199.5
    when this was found: 1,800.5 were left). What is left follows the plans in force day by
    day (the one kept first until a re-plan's day, that re-plan's from it), with or without
    the plans kept."""
    from supplyline.ops.replan import road_work_done, scenario_from
    from supplyline.plan import plan as make_plan

    sc = _front_loaded()
    days = make_plan(sc).road_work_days[0]
    first_days = float(days[:14].sum())
    books = open_books(tmp_path / "books.db", sc)
    as_of = dt.date(2024, 11, 15)
    # Nothing kept: the plan from the scenario's start, not kept (a dry run), counts.
    _id, figures = in_force_or_first(books, False, "council")
    # Plans in force that do the work unevenly, whatever pace the LP picks among its equal
    # optima (it values a day's work alike on any day of the window): 200 person-days a day
    # to 10 Nov, 50 after, so 2,000 + 4 × 50 = 2,200 before 15 Nov, not a steady 1,500.
    uneven = copy.deepcopy(figures)
    uneven["road_work"]["0"] = [200.0] * 10 + [50.0] * (len(days) - 10)
    assert road_work_done(books, as_of, uneven)[0] == pytest.approx(2200.0)
    assert road_work_done(books, as_of, figures)[0] == pytest.approx(first_days, abs=0.01)
    assert road_work_done(books, as_of)[0] == pytest.approx(first_days, abs=0.01)
    (left,) = scenario_from(sc, as_of, {}).road_works
    assert left.crew_days == pytest.approx(3000 - first_days, abs=0.01)
    done = replan(books, as_of, in_force=figures)
    (left,) = done.scenario.road_works
    assert left.crew_days == pytest.approx(3000 - first_days, abs=0.01)
    # Kept, then re-planned from 10 Nov and kept: the work done before 15 Nov is the first
    # plan's to 9 Nov and the re-plan's from 10 Nov.
    in_force_or_first(books, True, "council")
    again = replan(books, dt.date(2024, 11, 10))
    books.save_plan(again.figures, "council")
    (moved,) = again.scenario.road_works
    after = again.plan.road_work_days[0]
    expected = float(days[:9].sum()) + float(after[:5].sum())
    assert moved.crew_days == pytest.approx(3000 - float(days[:9].sum()), abs=0.01)
    assert again.figures["road_work"]["0"][:5] == pytest.approx(after[:5], abs=0.01)
    assert road_work_done(books, as_of)[0] == pytest.approx(expected, abs=0.01)
    (left,) = replan(books, as_of).scenario.road_works
    assert left.crew_days == pytest.approx(3000 - expected, abs=0.01)
    books.close()


def test_strikes_that_add_past_the_whole_capacity_keep_their_capacity_days(
        tmp_path: Path) -> None:
    """Two strikes of 0.8 on the bridge road (repaired in 4 days), on days 1 and 4: the first
    holds on days 2 to 5, the second (reported on day 4, held from then to the end of its
    repair days after it) on days 4 to 8: on day 4 the whole capacity for 2 days, then 0.8
    for 3 (4.4 capacity-days), held as the whole capacity for 4.4 days (the two apart would
    take 1.6 + 4.0 = 5.6)."""
    sc = scenario()
    books = open_books(tmp_path / "strikes.db", sc)
    for on in (1, 4):
        books.append(entry("route", date=day(sc, on), route="bridge-road", status="strike",
                           capacity_lost=0.8), "council")
    reports = route_reports(books, sc.start_date + dt.timedelta(days=9))
    damage = route_damage(reports, sc, sc.start_date + dt.timedelta(days=4))["bridge-road"]
    assert damage.share == 1.0 and damage.days == pytest.approx(4.4)
    books.close()


def test_a_replan_after_a_village_s_stores_ran_below_subsistence(tmp_path: Path) -> None:
    """High village's 10 t less 25 days of what its people eat is 3.5 t below nothing: a
    deficit its later production fills first, not a scenario to refuse (the check before
    compiling refused it, and `replan` ended in a traceback)."""
    sc = sl.load("tutorial").replace({"places.high-village.stock_kg": {"rice": 10_000}})
    books = open_books(tmp_path / "books.db", sc)
    done = replan(books, dt.date(2024, 11, 26))
    village = next(p for p in done.scenario.places if p.id == "high-village")
    assert village.stock_kg["rice"] == pytest.approx(10_000 - 25 * 1200 * 0.45)
    assert done.plan.status == "optimal"
    books.close()


def test_after_a_replan_plan_asked_counts_what_was_given_before_it(tmp_path: Path) -> None:
    """A locality's "plan asked" after a re-plan counted only the re-plan's own days (0 on
    its first, beside all that was given): it counts as the arrivals chart does, what was
    given before the re-plan's day, then what the re-plan asks."""
    from supplyline.ops.overview import Views

    sc = scenario()
    books = open_books(tmp_path / "asked.db", sc)
    record_week(books)
    figures = tutorial_figures()
    begins = 5
    books.save_plan({**figures, "start": day(sc, begins),
                     "given": {p: values[begins:] for p, values in figures["given"].items()}},
                    "council")
    views = Views(books)
    given_before = defaultdict(float)
    for (place, _good), kg in books.given(before=sc.start_date + dt.timedelta(days=begins)
                                          ).items():
        given_before[place] += kg
    assert sum(given_before.values()) > 0
    for on, asked_since in ((begins, 1), (begins + 2, 3)):
        rows = {r["locality"]: r for r in views.localities(sc.start_date
                                                           + dt.timedelta(days=on))}
        for place, row in rows.items():
            plan = figures["given"].get(place, [0.0] * sc.days)[begins:begins + asked_since]
            assert row["plan_kg"] == pytest.approx(given_before[place] + sum(plan), abs=0.1)
    # Before the re-plan's day, what it asked is what was given (as the chart draws it).
    on = sc.start_date + dt.timedelta(days=3)
    rows = views.localities(on)
    assert [r["plan_kg"] for r in rows] == [r["given_kg"] for r in rows]
    assert any(r["given_kg"] > 0 for r in rows)
    books.close()


def test_replan_on_the_last_day_sends_stranded_carriers_home_without_food(
        books: Books) -> None:
    """Porters left at the town, whose stock is eaten, with a day to go: nothing can reach
    them in time, so they go home without their food for the way (before, no plan at all),
    and the plan says so."""
    sc = books.scenario

    def add(kind: str, on: int, **fields: object) -> int:
        return books.append(entry(kind, date=day(sc, on), **fields), "clerk").id

    add("labour", 1, locality="high-village", persons=100, days=10, role="carrier",
        mode="porter")
    add("contribution", 3, locality="high-village", good="rice", kg=1000, at="high-village")
    up = add("dispatch", 3, from_="high-village", to="ridge-depot", mode="porter", units=40,
             cargo_kg={"rice": 1000})
    add("receipt", 4, dispatch=up, received_kg={"rice": 1000})
    over = add("dispatch", 5, from_="ridge-depot", to="kestrel-town", mode="porter", units=40,
               cargo_kg={"rice": 1000})
    add("receipt", 7, dispatch=over, received_kg={"rice": 950},
        losses=[{"good": "rice", "kg": 50, "reason": "strike"}])
    plan = replan(books, sc.end_date).plan
    assert plan.status == "optimal"
    net = plan.network
    town, porter = net.place_ids.index("kestrel-town"), net.mode_ids.index("porter")
    home = list(net.homes[porter]).index(net.place_ids.index("high-village"))
    assert plan.going_home_units[porter][town, home] == pytest.approx(40, abs=1e-6)
    way_days = ways_home(net)[porter][0][town, home]
    rice = net.rations_kg_per_day[porter, plan.goods]
    went_without = plan.going_home_unfed_kg[porter][town, home]
    assert went_without == pytest.approx(40 * way_days * rice)
    missing = plan.way_home_kg(unfed=True)
    assert missing[town] == pytest.approx(40 * way_days * rice)
    assert plan.way_home_kg()[town].sum() == pytest.approx(0, abs=1e-6)
    said = [words for words in plan.gave_up() if words.startswith("carriers on their way")]
    assert said == [f"carriers on their way home not fed: {missing.sum():,.0f} kg of rice "
                    "missing, all of it before any can reach where they eat"]
    # They still walk home: their days count, as the fed ones' do.
    assert plan.way_home_days()[porter] == pytest.approx(40 * way_days)
    # From the scenario's own start every unit is at home: no such column is laid out, and
    # the LP is as it was.
    start = build_lp(compile_network(sc)).variables
    assert all((cols < 0).all() for cols in start.going_home_unfed)


# --- what "as of" a day counts -----------------------------------------------------------

def test_a_closure_reported_on_the_as_of_day_shuts_the_route_from_it(books: Books) -> None:
    """The re-plan read the route reports dated before its day only: a closure reported on
    the day it plans from was ignored (42 t sent over the ridge road), one reported the day
    before was not (0 t)."""
    books.append(entry("route", date="2024-11-12", route="ridge-road", status="closed"),
                 "council")
    done = replan(books, dt.date(2024, 11, 12))
    assert done.plan.status == "optimal"
    assert sum(done.figures["route"]["ridge-road"]) == 0
    net = done.plan.network
    assert net.closed[net.arc_route == net.route_ids.index("ridge-road")].all()


def test_a_reopening_reported_on_the_as_of_day_opens_the_route_from_it(books: Books) -> None:
    """Closed on 8 Nov, reopened on 10 Nov: a re-plan from 10 Nov had the route closed to
    the end of the horizon."""
    books.append(entry("route", date="2024-11-08", route="ridge-road", status="closed"),
                 "council")
    books.append(entry("route", date="2024-11-10", route="ridge-road", status="reopened"),
                 "council")
    done = replan(books, dt.date(2024, 11, 10))
    assert sum(done.figures["route"]["ridge-road"]) > 10_000
    net = done.plan.network
    assert not net.closed[net.arc_route == net.route_ids.index("ridge-road")].any()


def test_a_strike_reported_on_the_as_of_day_is_in_the_state(books: Books) -> None:
    """The State as of 12 Nov had no damage from a strike reported on 12 Nov: it is held from
    that day on, to the end of the route's repair days after it (the planner's rule), as the
    dashboard shows it; its days left count down by one a day (they read the route's repair
    days on 12 Nov and on 13 Nov alike)."""
    from supplyline.ops.overview import Views

    sc = books.scenario
    books.append(entry("route", date="2024-11-12", route="bridge-road", status="strike",
                       capacity_lost=1.0), "council")
    net = sl.compile_network(sc)
    road = net.route_ids.index("bridge-road")
    repair = next(r.repair_days for r in sc.routes if r.key == "bridge-road")
    for on, left in ((dt.date(2024, 11, 12), repair + 1), (dt.date(2024, 11, 13), repair)):
        state = recorded_state(books, net, on)
        assert state.route_damage[road] == 1.0
        assert state.route_damage_days[road] == pytest.approx(left)
        assert state.route_damage.sum() == 1.0
    assert not recorded_state(books, net, dt.date(2024, 11, 11)).route_damage.any()
    routes = {r["id"]: r for r in Views(books).overview(dt.date(2024, 11, 12))["routes"]}
    assert routes["bridge-road"]["capacity_lost"] == 1.0
    assert routes["bridge-road"]["repaired_in_days"] == pytest.approx(repair + 1)


def _bridge_road_repaired_in(tmp_path: Path, days: float) -> tuple[Books, sl.Network, Any]:
    """Books of the tutorial whose bridge road is repaired in ``days``, its network, and the
    dashboard's views of them."""
    from supplyline.ops.overview import Views

    sc = sl.load("tutorial")
    routes = [r.model_copy(update={"repair_days": days}) if r.key == "bridge-road" else r
              for r in sc.routes]
    sc = sc.model_copy(update={"routes": routes})
    books = open_books(tmp_path / "books.db", sc)
    return books, sl.compile_network(sc), Views(books)


def _bridge_road_on(views: Any, on: int) -> tuple[dt.date, dict[str, Any]]:
    """The day ``on`` of November 2024, and the bridge road's row of the overview then."""
    day_ = dt.date(2024, 11, on)
    return day_, {r["id"]: r for r in views.overview(day_)["routes"]}["bridge-road"]


def test_a_damaged_route_counts_down_by_one_a_day(tmp_path: Path) -> None:
    """A strike of 5 Nov on a route repaired in 2 days read "repaired in 2 days" on 5 Nov and
    on 6 Nov, then 1 on 7 Nov: it holds from the day after its own for 2 days (6 and 7 Nov,
    repaired on 8 Nov), and from its own day in the books' view of it, so the overview and
    the State count 3, 2, 1, then none."""
    books, net, views = _bridge_road_repaired_in(tmp_path, 2.0)
    books.append(entry("route", date="2024-11-05", route="bridge-road", status="strike",
                       capacity_lost=0.5), "council")
    road = net.route_ids.index("bridge-road")
    counted = []
    for on in range(5, 10):
        day_, route = _bridge_road_on(views, on)
        state = recorded_state(books, net, day_)
        assert (route["status"] == "damaged") == bool(state.route_damage[road])
        if route["repaired_in_days"] is not None:
            assert state.route_damage_days[road] == route["repaired_in_days"]
        counted.append(route["repaired_in_days"])
    assert counted == [3.0, 2.0, 1.0, None, None]
    books.close()


def test_a_second_damage_does_not_bring_the_repair_nearer(tmp_path: Path) -> None:
    """Damage of 9 Nov and a strike of 10 Nov on a route repaired in a day read "repaired in
    1.9 days" on 10 Nov, against 2 for the strike alone: the State's days, which even out
    the overlap's capacity-days, were shown as the days to the repair. Both are over on
    12 Nov."""
    books, net, views = _bridge_road_repaired_in(tmp_path, 1.0)
    books.append(entry("route", date="2024-11-09", route="bridge-road", status="damage",
                       capacity_lost=0.3), "council")
    books.append(entry("route", date="2024-11-10", route="bridge-road", status="strike",
                       capacity_lost=0.9), "council")
    road = net.route_ids.index("bridge-road")
    counted = []
    for on in range(10, 13):
        day_, route = _bridge_road_on(views, on)
        counted.append((route["capacity_lost"], route["repaired_in_days"]))
        if on == 10:  # the State keeps the capacity-days: 1.0 on 10 Nov, 0.9 on 11 Nov
            state = recorded_state(books, net, day_)
            assert state.route_damage[road] == 1.0
            assert state.route_damage_days[road] == pytest.approx(1.9)
    assert counted == [(1.0, 2.0), (0.9, 1.0), (0.0, None)]
    books.close()


def test_a_replan_from_before_the_last_entries_is_refused(books: Books) -> None:
    """A re-plan from 5 Nov, with entries to 12 Nov, planned as if they had not been written
    (55.7 t over a route reported closed from 8 to 10 Nov), and was kept."""
    for on, status in (("2024-11-08", "closed"), ("2024-11-10", "reopened")):
        books.append(entry("route", date=on, route="ridge-road", status=status), "council")
    late = books.append(entry("route", date="2024-11-12", route="bridge-road",
                              status="strike", capacity_lost=0.2), "council")
    with pytest.raises(ReplanRefused, match=re.escape(
            "expected a day on or after 2024-11-12, the date of the last entry, "
            "got 2024-11-05: the books hold 3 entries dated after 2024-11-05 (the last on "
            "2024-11-12), which a re-plan from 2024-11-05 would leave out; re-plan from "
            "2024-11-13 (the books' today), or cancel the entries dated by mistake")):
        replan(books, dt.date(2024, 11, 5))
    assert entries_left_out(books, dt.date(2024, 11, 12)) is None
    assert "an entry dated after 2024-11-11 (the last on 2024-11-12)" in str(
        entries_left_out(books, dt.date(2024, 11, 11)))
    # An entry cancelled counts for nothing, and so does the cancellation's own date.
    books.append(entry("cancel", date="2024-11-20", corrects=late.id, reason="not struck"),
                 "council")
    assert entries_left_out(books, dt.date(2024, 11, 10)) is None
    assert "2 entries dated after 2024-11-07 (the last on 2024-11-10)" in str(
        entries_left_out(books, dt.date(2024, 11, 7)))


def test_a_refused_replan_counts_the_day_s_own_entries_it_would_leave_out(
        tmp_path: Path) -> None:
    """A re-plan from 5 Nov, with a contribution and a registration of labour dated 5 Nov
    and a route report of 7 Nov: refused for the report after it, and the refusal names
    the two of the day itself, which the State at the start of 5 Nov leaves out too (it
    said only 'an entry dated after 2024-11-05')."""
    books = open_books(tmp_path / "books.db", sl.load("tutorial"))
    for data in (
        entry("contribution", date="2024-11-05", locality="high-village", good="rice",
              kg=500, at="high-village"),
        entry("labour", date="2024-11-05", locality="high-village", persons=10, days=3,
              role="carrier", mode="porter"),
        entry("route", date="2024-11-05", route="ridge-road", status="closed"),
        entry("route", date="2024-11-07", route="ridge-road", status="reopened"),
    ):
        books.append(data, "council")
    assert ("the books hold an entry dated after 2024-11-05 (the last on 2024-11-07), and 2 "
            "dated that day (a contribution and a registration of labour), which a re-plan "
            "from 2024-11-05 would leave out; re-plan from 2024-11-08") in str(
        entries_left_out(books, dt.date(2024, 11, 5)))
    # From 6 Nov the day's own are in the State: only the report after it is said.
    assert "(the last on 2024-11-07), which a re-plan" in str(
        entries_left_out(books, dt.date(2024, 11, 6)))
    books.close()


def test_the_plan_in_force_is_each_day_s(books: Books) -> None:
    """A re-plan from a day before the plan in force starts (the last entries' day, a plan
    kept from the day after) was compared, on its first days, with nothing: those days are
    those of the plan that was in force on them."""
    def figures(start: str, days: int, kg: float) -> dict[str, Any]:
        return {"start": start, "days": days, "status": "optimal",
                "given": {"far-village": [kg] * days}, "route": {"ridge-road": [kg] * days},
                "arrive": {"kestrel-town": [kg] * days}}

    books.save_plan(figures("2024-11-01", 30, 1.0), "council")
    books.save_plan(figures("2024-11-11", 20, 10.0), "council")
    books.save_plan(figures("2024-11-13", 18, 100.0), "council")
    force, kept = in_force_or_first(books, True, "council")
    assert force == 3
    assert kept["start"] == "2024-11-01" and kept["days"] == 30
    assert kept["route"]["ridge-road"] == [1.0] * 10 + [10.0] * 2 + [100.0] * 18
    new = figures("2024-11-12", 19, 0.0)
    rows = {(r["what"], r["id"]): r["in_force_kg"] for r in compare_plans(kept, new)}
    assert rows == {("locality", "far-village"): 10 + 18 * 100,
                    ("route", "ridge-road"): 10 + 18 * 100,
                    ("front", "kestrel-town"): 10 + 18 * 100}
    # From the day the plan in force starts on, only its own figures.
    later = {(r["what"], r["id"]): r["in_force_kg"]
             for r in compare_plans(kept, figures("2024-11-20", 11, 0.0))}
    assert later[("route", "ridge-road")] == 11 * 100


def test_the_re_plan_says_why_the_fronts_go_short(books: Books) -> None:
    """Both routes into the town closed: the re-plan's words said how short the fronts go,
    never why, where `supplyline plan` says it (the findings' words)."""
    from supplyline.report.facts import replan_outcome

    for route in ("ridge-road", "gorge-path"):
        books.append(entry("route", date="2024-11-08", route=route, status="closed"),
                     "council")
    day = dt.date(2024, 11, 10)
    plan = replan(books, day).plan
    said = replan_outcome(plan, day)
    assert said[0] == ("The re-plan leaves the fronts 47.3 t short of the 47.3 t they need "
                       "from 10 Nov 2024.")
    assert said[1] == ("Kestrel town is short of rice by 47.3 t (from 10 Nov 2024). What "
                       "binds: no rice can reach Kestrel town within the plan from where "
                       "any is held or given.")
    assert said[2].startswith("It could not do this either: ")


def test_a_convoy_on_its_way_lands_as_the_planner_s_trip_does(tmp_path: Path) -> None:
    """The State timed every convoy on its way as a loaded trip, one sent empty too (the
    planner's empty trip is shorter), and landed all it loaded, the food its crew eats on
    the way included (10 porters with 250 kg over the gorge path land 235.4 kg in the
    plan)."""
    sc = sl.load("tutorial")
    books = open_books(tmp_path / "transit.db", sc)

    def add(kind: str, on: int, **fields: object) -> int:
        return books.append(entry(kind, date=day(sc, on), **fields), "clerk").id

    add("labour", 0, locality="terrace-village", persons=20, days=10, role="carrier",
        mode="porter")
    add("contribution", 0, locality="terrace-village", good="rice", kg=300, at="bridge")
    walk = add("dispatch", 0, from_="terrace-village", to="bridge", mode="porter", units=20)
    add("receipt", 0, dispatch=walk)
    add("dispatch", 1, from_="bridge", to="kestrel-town", mode="porter", units=10)
    add("dispatch", 1, from_="bridge", to="kestrel-town", mode="porter", units=10,
        cargo_kg={"rice": 250})
    net = sl.compile_network(sc)
    t = recorded_state(books, net, sc.start_date + dt.timedelta(days=2)).transit
    # 26 km over the gorge path: loaded 2.08 days, empty 26 x 1.6 / 25 = 1.664 days; left
    # on day 1, seen from day 2.
    assert t.arrive_in_days == pytest.approx([1.664 - 1, 2.08 - 1])
    assert t.cargo_kg[:, 0] == pytest.approx([0.0, 250 - 10 * 0.7 * 2.08])
    books.close()


def test_a_convoy_on_its_way_lands_when_its_receipt_is_judged_to_land(tmp_path: Path) -> None:
    """The State timed a convoy by the plan's steps (a week's mean rain), where its receipt
    and the closures judge it by its own day: with weekly steps and rain from 5 Nov, the
    receipt check reckoned 2.08 days and the State 2.53."""
    sc = sl.load("tutorial").replace({"policy.step_days": 7, "threats.rain": [{
        "routes": ["gorge-path"], "start": "2024-11-05", "end": "2024-11-30",
        "probability_per_day": 0.5, "speed_factor": 0.5, "capacity_factor": 1.0,
        "source": "estimate: a test's wet month"}]})
    books = open_books(tmp_path / "transit.db", sc)

    def add(kind: str, on: int, **fields: object) -> Any:
        return books.append(entry(kind, date=day(sc, on), **fields), "clerk")

    add("labour", 0, locality="terrace-village", persons=20, days=10, role="carrier",
        mode="porter")
    add("contribution", 0, locality="terrace-village", good="rice", kg=300, at="bridge")
    walk = add("dispatch", 0, from_="terrace-village", to="bridge", mode="porter", units=20)
    add("receipt", 0, dispatch=walk.id)
    sent = add("dispatch", 1, from_="bridge", to="kestrel-town", mode="porter", units=10,
               cargo_kg={"rice": 250})
    trip = books.index.trip(sent.entry)
    assert trip is not None and trip.days == pytest.approx(2.08)  # (dry on its day)
    net = sl.compile_network(sc)
    t = recorded_state(books, net, sc.start_date + dt.timedelta(days=2)).transit
    assert t.arrive_in_days == pytest.approx([trip.days - 1])
    assert t.cargo_kg[:, 0] == pytest.approx([250 - 10 * trip.food["rice"]])
    books.close()


def test_a_replan_of_a_scenario_with_no_road_work_under_way_makes_one_plan(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every re-plan of books with no plan kept had made a second, whole plan from the
    scenario's start to read what it did of road works, where none is under way (the
    tutorial has none): about 70 s more on the built-in scenario."""
    import importlib

    from supplyline.ops.replan import replan

    planning = importlib.import_module("supplyline.plan")
    made: list[str] = []
    plan = planning.plan

    def counted(*args: Any, **kwargs: Any) -> sl.Plan:
        made.append(type(args[0]).__name__)
        return plan(*args, **kwargs)

    monkeypatch.setattr(planning, "plan", counted)
    sc = sl.load("tutorial")
    assert not sc.road_works
    books = open_books(tmp_path / "none.db", sc)
    replan(books, sc.start_date + dt.timedelta(days=3))
    assert len(made) == 1, made


# --- the council's walk through a re-plan ---------------------------------------------------

def test_a_dispatch_corrected_to_an_earlier_day_is_on_its_way_from_that_day(
        tmp_path: Path) -> None:
    """A convoy written for 6 Nov and corrected to 4 Nov, the day it really left: the State
    of 5 Nov, the books' today, ended in a KeyError (the convoy's first dispatch, dated after
    the State's day, was not among those read), and so did its re-plan and GET /api/state."""
    sc = sl.load("tutorial")
    books = open_books(tmp_path / "books.db", sc)

    def add(on: str, **fields: object) -> int:
        return books.append(entry(date=on, **fields), "clerk").id

    add("2024-11-01", kind="contribution", locality="terrace-village", good="rice", kg=3000,
        at="bridge")
    add("2024-11-01", kind="labour", locality="terrace-village", persons=40, days=20,
        role="carrier", mode="porter")
    walk = add("2024-11-01", kind="dispatch", from_="terrace-village", to="bridge",
               mode="porter", units=40)
    add("2024-11-01", kind="receipt", dispatch=walk)
    late = add("2024-11-06", kind="dispatch", from_="bridge", to="kestrel-town", mode="porter",
               units=20, cargo_kg={"rice": 400})
    add("2024-11-04", kind="dispatch", corrects=late, from_="bridge", to="kestrel-town",
        mode="porter", units=20, cargo_kg={"rice": 400})
    as_of = dt.date(2024, 11, 5)
    assert books.today() == as_of and entries_left_out(books, as_of) is None
    net = sl.compile_network(sc)
    t = recorded_state(books, net, as_of).transit
    # Over the gorge path, 2.08 days loaded from 4 Nov: 1.08 days after the State's day,
    # with what it loaded less what its 20 porters eat on the way.
    assert (t.units.tolist(), t.arrive_in_days.tolist()) == ([20.0], [pytest.approx(1.08)])
    assert t.cargo_kg[:, 0] == pytest.approx([400 - 20 * 0.7 * 2.08])
    books.close()


def test_a_replan_says_which_entries_of_its_own_day_it_leaves_out(tmp_path: Path) -> None:
    """A re-plan from the day of the last entries starts from the State at the start of that
    day, without their movements: it said nothing of them (a contribution of 28 Nov was
    still to be given in the re-plan, as if not written). A route report of the day counts
    from it, and a pledge is no movement: neither is said."""
    sc = sl.load("tutorial")
    books = open_books(tmp_path / "books.db", sc)
    on = "2024-11-28"
    for data in (
        entry("contribution", date=on, locality="high-village", good="rice", kg=500,
              at="high-village"),
        entry("contribution", date=on, locality="far-village", good="rice", kg=700,
              at="far-village"),
        entry("labour", date=on, locality="high-village", persons=10, days=3,
              role="carrier", mode="porter"),
        entry("pledge", date=on, locality="far-village", good="rice", kg=900, by=on),
        entry("route", date=on, route="ridge-road", status="closed"),
    ):
        books.append(data, "council")
    as_of = dt.date(2024, 11, 28)
    done = replan(books, as_of)
    assert not done.state.given_kg.any() and not done.state.persons.any()
    said = ("The re-plan starts from the State at the start of 28 Nov 2024, which leaves out "
            "the 3 entries dated that day (2 contributions and a registration of labour): "
            "re-plan from 29 Nov 2024 to count them.")
    assert done.figures["outcome"][-1] == said
    from supplyline.ops.replan import left_out_of_the_day

    assert left_out_of_the_day(books, dt.date(2024, 11, 29)) is None
    # On the horizon's last day no later re-plan counts them, and that is said instead.
    books.append(entry("wounded", date="2024-11-30", front="kestrel-town",
                       hospital="district-hospital", persons=2), "council")
    assert left_out_of_the_day(books, dt.date(2024, 11, 30)) == (
        "The re-plan starts from the State at the start of 30 Nov 2024, which leaves out the "
        "entry dated that day (an entry of wounded brought in): the horizon ends that day, "
        "so no re-plan counts it.")
    books.close()


def test_the_python_api_says_a_wrong_day_or_network_at_its_argument(tmp_path: Path) -> None:
    """A day given as text ended in a TypeError deep in the re-plan; a network of another
    scenario in a KeyError (the built-in scenario's: 'bridge'), or, where only a route was
    renamed, in "'bridge-road' is not in list" once it was struck, and in no error before;
    a day outside the horizon gave a State all the same (wounded waiting 60 days); and a
    State of a later day, planned with the books' own scenario, was said to be of the
    wrong day, not what to plan it with."""
    sc = sl.load("tutorial")
    books = open_books(tmp_path / "books.db", sc)
    net = sl.compile_network(sc)
    with pytest.raises(ValueError, match=re.escape(
            "as-of date: expected a date (datetime.date), got str '2024-11-08'")):
        replan(books, "2024-11-08")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=re.escape(
            "as_of: expected a day from 2024-11-01 to 2024-11-30 (the scenario's horizon), got "
            "2025-01-01")):
        recorded_state(books, net, dt.date(2025, 1, 1))
    renamed = [r.model_copy(update={"id": "bridge-track"}) if r.key == "bridge-road" else r
               for r in sc.routes]
    other = sl.compile_network(sc.model_copy(update={"routes": renamed}), checked=False)
    with pytest.raises(ValueError, match=re.escape(
            "net: expected a network of the books' scenario 'tutorial' "
            "(sl.compile_network(books.scenario)), got one of 'tutorial', without its route "
            "'bridge-road'")):
        recorded_state(books, other, dt.date(2024, 11, 8))
    state = recorded_state(books, net, dt.date(2024, 11, 8))
    with pytest.raises(sl.PlanError, match=re.escape(
            "got 2024-11-08: a State of a later day is planned on the scenario moved to start "
            "that day, as supplyline.ops.replan.replan(books, day) plans the books' State")):
        sl.plan(sc, state=state)
    books.close()
