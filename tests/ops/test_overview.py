"""What the overview's figures mean (``GET /api/overview``): the entries it counts, what the
plan asked where none is in force, and the actual arrivals, which stop at its day."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from tests.ops.conftest import council_client, entry
from tests.ops.test_replan import tutorial_figures


@pytest.fixture
def council(tmp_path: Path) -> Iterator[tuple[Any, TestClient, dict[str, str]]]:
    """Books of the tutorial: 3,000 kg given on 1 Nov, a convoy that brings 1,400 kg to
    Kestrel town on 3 Nov, an entry cancelled and the last entries of 12 Nov."""
    books, client, headers = council_client(tmp_path / "books.db")
    for data in (
        entry("contribution", date="2024-11-01", locality="high-village", good="rice",
              kg=3000, at="ridge-depot"),
        entry("labour", date="2024-11-01", locality="high-village", persons=60, days=20,
              role="carrier", mode="porter"),
        entry("dispatch", date="2024-11-01", from_="high-village", to="ridge-depot",
              mode="porter", units=60),
        entry("receipt", date="2024-11-02", dispatch=3),
        entry("dispatch", date="2024-11-02", from_="ridge-depot", to="kestrel-town",
              mode="porter", units=60, cargo_kg={"rice": 1400}),
        entry("receipt", date="2024-11-03", dispatch=5, received_kg={"rice": 1400}),
        entry("contribution", date="2024-11-04", locality="far-village", good="rice",
              kg=99, at="bridge"),
        entry("cancel", date="2024-11-04", corrects=7, reason="written twice"),
        entry("contribution", date="2024-11-12", locality="far-village", good="rice",
              kg=500, at="bridge"),
        entry("wounded", date="2024-11-12", front="kestrel-town",
              hospital="district-hospital", persons=3),
    ):
        got = client.post("/api/entries", json=data, headers=headers)
        assert got.status_code == 201, got.text
    yield books, client, headers
    books.close()


def test_the_overview_counts_the_entries_standing_up_to_its_day(council: Any) -> None:
    """``entries`` counted every entry in the books, the cancelled ones, the cancellations
    and those dated after the overview's day too, beside figures counted to its day."""
    books, client, headers = council
    assert books.count() == 10
    on = client.get("/api/overview?as_of=2024-11-05", headers=headers).json()
    assert on["entries"] == 6  # not the one cancelled, its cancellation, nor 12 Nov's
    assert client.get("/api/overview?as_of=2024-11-03",
                      headers=headers).json()["entries"] == 6
    assert client.get("/api/overview?as_of=2024-11-02",
                      headers=headers).json()["entries"] == 5
    today = client.get("/api/overview", headers=headers).json()
    assert (today["as_of"], today["entries"]) == ("2024-11-13", 8)


def test_what_the_plan_asked_is_null_where_no_plan_is_in_force(council: Any) -> None:
    """Every locality's "plan asked" read 0 with no plan in force: "the plan asks nothing"."""
    books, client, headers = council
    rows = client.get("/api/overview?as_of=2024-11-05", headers=headers).json()["localities"]
    assert rows and all(r["plan_kg"] is None for r in rows)
    books.save_plan(tutorial_figures(), "council")
    rows = client.get("/api/overview?as_of=2024-11-05", headers=headers).json()["localities"]
    assert all(isinstance(r["plan_kg"], float) for r in rows)
    assert sum(r["plan_kg"] for r in rows) > 0


def test_the_actual_arrivals_stop_at_the_overview_s_day(council: Any) -> None:
    """``arrivals.actual_kg`` ran on flat to the end of the horizon, past today."""
    _books, client, headers = council
    actual = client.get("/api/overview", headers=headers).json()["arrivals"]["actual_kg"]
    assert len(actual) == 30
    assert actual[:3] == [0.0, 0.0, 1400.0] and actual[12] == 1400.0  # to 13 Nov, today
    assert actual[13:] == [None] * 17
    early = client.get("/api/overview?as_of=2024-11-05",
                       headers=headers).json()["arrivals"]["actual_kg"]
    assert early[4] == 1400.0 and early[5:] == [None] * 25
    # Asked of a day past today, they stop at today all the same: nothing is recorded after.
    later = client.get("/api/overview?as_of=2024-11-20",
                       headers=headers).json()["arrivals"]["actual_kg"]
    assert later[12] == 1400.0 and later[13:] == [None] * 17


def test_route_reports_that_change_nothing_are_answered_with_a_warning(council: Any) -> None:
    """A reopening of a route never closed and a repair of an undamaged one were written
    with ``warnings: []``."""
    _books, client, headers = council
    for status, says in (("reopened", "it was not reported closed by then"),
                         ("repaired", "it was not reported struck, damaged or closed by "
                                      "then")):
        got = client.post("/api/entries", headers=headers, json={
            "kind": "route", "date": "2024-11-12", "route": "bridge-road", "status": status})
        assert got.status_code == 201
        assert got.json()["warnings"] == [{
            "loc": ["body", "status"], "type": "no_effect",
            "msg": f"bridge-road reported {status} on 2024-11-12, but {says}"}]


def test_a_front_s_need_is_the_day_s_own_demand_with_steps_of_a_week(tmp_path: Path) -> None:
    """With steps of 7 days, the overview's need per day (and days of supply) was the step's
    mean (2,035.7 kg on 8 Nov), where the books have the front eat each day's own demand
    (1,500 kg that day)."""
    import datetime as dt

    import supplyline as sl
    from supplyline.ops import open_books
    from supplyline.ops.overview import Views

    sc = sl.load("tutorial").replace({"policy.step_days": 7})
    books = open_books(tmp_path / "week.db", sc)
    books.append(entry("contribution", date="2024-11-01", locality="high-village",
                       good="rice", kg=20_000, at="kestrel-town"), "council")
    net = sl.compile_network(sc)
    on = dt.date(2024, 11, 8)
    day = (on - sc.start_date).days
    front = net.place_ids.index("kestrel-town")
    want = float(net.demand_kg_by_day[front, 0, day])
    assert want != pytest.approx(float(net.demand_kg[front, 0, 1] / net.step_length[1]))
    (row,) = Views(books).overview(on)["fronts"]
    assert row["need_kg_per_day"] == pytest.approx(want, abs=0.05)
    held = 20_000 - float(net.demand_kg_by_day[front, 0, :day].sum())  # eaten day by day
    assert held > 0 and row["kg"] == pytest.approx(held, abs=0.05)
    assert row["days_of_supply"] == pytest.approx(round(row["kg"] / want, 1))
    books.close()


def test_a_replan_from_after_the_books_today_compares_the_days_between_with_the_plan_before(
        tmp_path: Path) -> None:
    """A re-plan from a day after the books' today (nothing recorded after 1 Nov, a re-plan
    from 6 Nov) left plan against actual reading 0 kg planned on 2 to 5 Nov, where the plan
    in force then asked for them (as the re-plan's own comparison counts them): the days
    nothing was recorded on take the plan before's figures, in the chart and the
    localities' "plan asked" too."""
    books, client, council = council_client(tmp_path / "books.db")
    client.post("/api/entries", headers=council, json=entry(
        "contribution", date="2024-11-01", locality="high-village", good="rice", kg=500,
        at="ridge-depot"))
    first = client.post("/api/plans", headers=council).json()["id"]
    assert client.post("/api/replan", json={"as_of": "2024-11-06"},
                       headers=council).status_code == 200
    (_, before), (_, after) = books.plans_kept()
    days = ["2024-11-02", "2024-11-03", "2024-11-04", "2024-11-05"]
    asked = sum(before["arrive"]["kestrel-town"][1:5])
    assert asked > 0 and first == 1 and after["start"] == "2024-11-06"
    rows = client.get("/api/plan-vs-actual", headers=council).json()
    front = {r["date"]: r["planned_kg"] for r in rows if r["what"] == "front"}
    assert sum(front.get(d, 0.0) for d in days) == pytest.approx(asked, abs=0.01)
    chart = client.get("/api/overview", params={"as_of": "2024-11-06"},
                       headers=council).json()
    line = chart["arrivals"]["planned_kg"]
    assert line[4] - line[0] == pytest.approx(asked, abs=0.5)
    given = {r["locality"]: r["plan_kg"] for r in chart["localities"]}
    want = 500 + sum(sum(v[1:5]) for p, v in before["given"].items() if p == "high-village")
    want += after["given"].get("high-village", [0.0])[0]
    assert given["high-village"] == pytest.approx(want, abs=0.5)
    books.close()
