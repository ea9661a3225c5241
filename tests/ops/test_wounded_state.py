"""The wounded in the books' State: those the scenario says arose at a front before the
State's date, less those the books say were brought to a hospital (the oldest first), wait
at their front with the day they were wounded; the re-plan carries them. On SQLite and
PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

import supplyline as sl
from supplyline.ops import Books
from supplyline.ops.overview import state_json
from supplyline.ops.replan import recorded_state, replan
from supplyline.state import WoundedWaiting
from tests.ops.conftest import day, entry


def brought_in(books: Books, sc: sl.Scenario, on: int, persons: int) -> int:
    return books.append(entry("wounded", date=day(sc, on), front="kestrel-town",
                              hospital="district-hospital", persons=persons), "council").id


def test_the_state_holds_the_wounded_not_yet_brought_in(books: Books,
                                                        tutorial: sl.Scenario) -> None:
    # The tutorial's landslide wounds 6 a day in its first week (2 a day after), to be at
    # the district hospital within 2 days.
    first = brought_in(books, tutorial, 2, 11)
    books.append(entry("wounded", date=day(tutorial, 2), front="kestrel-town",
                       hospital="district-hospital", persons=10, corrects=first), "council")
    brought_in(books, tutorial, 4, 8)
    brought_in(books, tutorial, 5, 100)  # on the State's date: not yet counted
    net = sl.compile_network(tutorial)
    as_of = tutorial.start_date + dt.timedelta(days=5)
    s = recorded_state(books, net, as_of)
    # 30 wounded on days 0-4, 18 brought in (the oldest, days 0-2): 6 of day 3 and 6 of
    # day 4 wait at the front.
    w = s.wounded
    front = net.place_ids.index("kestrel-town")
    assert w.group.tolist() == [0, 0] and w.place.tolist() == [front, front]
    assert w.persons.tolist() == pytest.approx([6.0, 6.0])
    assert w.wounded_days_ago.tolist() == [2.0, 1.0]
    assert w.arrive_in_days.tolist() == [0.0, 0.0]
    s.check(net)
    assert state_json(s, net)["wounded"] == [
        {"front": "kestrel-town", "at": "kestrel-town", "persons": 6.0,
         "arrive_in_days": 0.0, "wounded_days_ago": 2.0},
        {"front": "kestrel-town", "at": "kestrel-town", "persons": 6.0,
         "arrive_in_days": 0.0, "wounded_days_ago": 1.0}]
    # More brought in than arose: none wait.
    brought_in(books, tutorial, 1, 500)
    assert len(recorded_state(books, net, as_of).wounded) == 0


def test_the_replan_carries_the_wounded_left_waiting(books: Books,
                                                     tutorial: sl.Scenario) -> None:
    brought_in(books, tutorial, 3, 12)
    as_of = tutorial.start_date + dt.timedelta(days=5)
    done = replan(books, as_of)
    assert done.plan.status == "optimal"
    assert done.state.wounded.persons.sum() == pytest.approx(30 - 12)
    net = done.plan.network
    fresh = sl.compile_network(done.scenario)  # the moved scenario: its own wounded only
    group, own = net.wounded_groups[0], fresh.wounded_groups[0]
    assert group.arising[0] == pytest.approx(own.arising[0] + 18)
    assert np.allclose(group.arising[1:], own.arising[1:])
    hospital = net.place_ids.index("district-hospital")
    carried = done.plan.wounded_carried[done.plan.legs.dest == hospital].sum()
    without = dataclasses.replace(done.state, wounded=WoundedWaiting())
    alone = sl.plan(fresh, state=without)
    assert carried == pytest.approx(
        alone.wounded_carried[alone.legs.dest == hospital].sum() + 18, rel=1e-6)
    # 6 of them were wounded on day 2 with 2 days to reach a hospital: late already.
    assert done.plan.kpis()["wounded_late_person_days"] > 0
