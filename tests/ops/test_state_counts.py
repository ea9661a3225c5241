"""The State as GET /api/state gives it: every figure as the State holds it, to 3
decimals, and carriers and persons counted whole where they are whole, as the entries give
them (a convoy of 10 porters, not 10.0, landing 193.14 kg, not 193.14000000000001)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import supplyline as sl
from supplyline.ops import open_books
from supplyline.ops.overview import Views, state_json
from supplyline.ops.replan import recorded_state
from tests.ops.conftest import council_client, day, entry

SC = sl.load("tutorial")


def numbers(data: Any) -> list[float]:
    """Every number in ``data`` (JSON-ready), nested."""
    if isinstance(data, dict):
        return [x for v in data.values() for x in numbers(v)]
    if isinstance(data, list):
        return [x for v in data for x in numbers(v)]
    return [data] if isinstance(data, int | float) and not isinstance(data, bool) else []


def test_the_state_says_its_figures_to_3_decimals_and_counts_whole(tmp_path: Path) -> None:
    books = open_books(tmp_path / "books.db", SC)
    for data in (
        entry("contribution", date=day(SC, 0), locality="high-village", good="rice", kg=2000,
              at="ridge-depot"),
        entry("labour", date=day(SC, 0), locality="high-village", persons=11, days=20,
              role="carrier", mode="porter"),
        entry("labour", date=day(SC, 0), locality="terrace-village", persons=7, days=20,
              role="carrier", mode="porter"),
        entry("dispatch", date=day(SC, 0), from_="high-village", to="ridge-depot",
              mode="porter", units=11, cargo_kg={}),
        entry("receipt", date=day(SC, 1), dispatch=4,
              units_lost=[{"units": 1, "reason": "illness"}]),
        # (the food its 10 porters eat on the way, 0.7 kg a day for 0.98 days each, leaves
        # 200 - 6.86 kg: 193.14000000000001 as the floats subtract)
        entry("dispatch", date=day(SC, 2), from_="ridge-depot", to="kestrel-town",
              mode="porter", units=10, cargo_kg={"rice": 200}),
    ):
        books.append(data, "council")
    views = Views(books)
    said = state_json(recorded_state(books, views.network, SC.start_date
                                     + dt.timedelta(days=3)), views.network)
    [convoy] = said["transit"]
    assert convoy["cargo_kg"] == {"rice": 193.14}
    assert convoy["units"] == 10 and isinstance(convoy["units"], int)
    assert said["units_idle"] == {"terrace-village": {"porter": 7}}
    assert isinstance(said["units_idle"]["terrace-village"]["porter"], int)
    assert said["persons"] == {"high-village": 11, "terrace-village": 7}
    assert all(isinstance(v, int) for v in said["persons"].values())
    assert all(isinstance(w["persons"], int) for w in said["wounded"])  # (6 a day)
    # The lost porter was the high village's, whose convoy it was: Terrace village's 7,
    # who never left, are all in service (6.611 of them were, a share of the loss).
    assert said["in_service"] == {"high-village": {"porter": 10},
                                  "terrace-village": {"porter": 7}}
    assert all(isinstance(x, int) for home in said["in_service"].values()
               for x in home.values())
    assert all(x == round(x, 3) for x in numbers(said)), said
    books.close()


def test_the_api_gives_the_same(tmp_path: Path) -> None:
    books, client, headers = council_client(tmp_path / "books.db")
    for data in (
        entry("labour", date=day(SC, 0), locality="high-village", persons=11, days=20,
              role="carrier", mode="porter"),
        entry("contribution", date=day(SC, 0), locality="high-village", good="rice", kg=200,
              at="high-village"),
        entry("dispatch", date=day(SC, 0), from_="high-village", to="ridge-depot",
              mode="porter", units=11, cargo_kg={"rice": 200}),
    ):
        assert client.post("/api/entries", json=data, headers=headers).status_code == 201
    got = client.get(f"/api/state?as_of={day(SC, 1)}", headers=headers).json()
    assert got["transit"][0]["units"] == 11 and "11.0" not in str(got["transit"])
    assert got["in_service"] == {"high-village": {"porter": 11}}
    assert all(x == round(x, 3) for x in numbers(got))
    books.close()
