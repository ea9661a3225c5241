"""Every field of every kind of entry has an effect: correcting an entry with one field
changed changes what the books show (the State, the overview, or the ledger)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

import supplyline as sl
from supplyline.ops import Books, open_books
from supplyline.ops.entries import Contribution, Dispatch, Labour, Pledge, Receipt, RouteReport
from supplyline.ops.entries import Wounded as WoundedEntry
from supplyline.ops.overview import Views, state_json
from supplyline.ops.replan import recorded_state
from tests.ops.conftest import day, entry

SC = sl.load("tutorial")
AS_OF = SC.start_date + dt.timedelta(days=6)


def base(kind: str) -> dict[str, Any]:
    d = day(SC, 2)
    return {
        "pledge": entry("pledge", date=d, locality="high-village", good="rice", kg=100,
                        by=day(SC, 10)),
        "contribution": entry("contribution", date=d, locality="high-village", good="rice",
                              kg=100, at="ridge-depot"),
        "labour": entry("labour", date=d, locality="high-village", persons=10, days=8,
                        role="carrier", mode="porter"),
        "dispatch": entry("dispatch", date=d, from_="ridge-depot", to="kestrel-town",
                          mode="porter", units=10, cargo_kg={"rice": 200}),
        "receipt": entry("receipt", date=day(SC, 3), dispatch=5, received_kg={"rice": 250}),
        "wounded": entry("wounded", date=d, front="kestrel-town",
                         hospital="district-hospital", persons=3),
        "route": entry("route", date=day(SC, 5), route="ridge-road", status="damage",
                       capacity_lost=0.5),
    }[kind]


CHANGES: list[tuple[str, str, Any]] = [
    ("pledge", "date", day(SC, 8)), ("pledge", "locality", "river-village"),
    ("pledge", "kg", 150), ("pledge", "by", day(SC, 5)), ("pledge", "note", "in sacks"),
    ("contribution", "date", day(SC, 7)), ("contribution", "locality", "far-village"),
    ("contribution", "kg", 150), ("contribution", "at", "bridge"),
    ("labour", "date", day(SC, 0)), ("labour", "locality", "terrace-village"),
    ("labour", "persons", 12), ("labour", "days", 9), ("labour", "role", "road_crew"),
    ("dispatch", "date", day(SC, 6)), ("dispatch", "from", "bridge"),
    ("dispatch", "to", "bridge"), ("dispatch", "mode", "bicycle"), ("dispatch", "units", 12),
    ("dispatch", "cargo_kg", {"rice": 150}),
    ("receipt", "date", day(SC, 6)), ("receipt", "received_kg", {"rice": 240}),
    ("receipt", "dispatch", 5),
    ("receipt", "losses", [{"good": "rice", "kg": 10, "reason": "raid"}]),
    ("receipt", "units_lost", [{"units": 2, "reason": "strike"}]),
    ("wounded", "date", day(SC, 7)), ("wounded", "persons", 4),
    ("route", "date", day(SC, 2)), ("route", "route", "bridge-road"),
    ("route", "status", "closed"), ("route", "capacity_lost", 0.7),
]
# Fields with no second value to try in the tutorial, each with why: the only good counted
# in kg is rice, the only hospital the district hospital, the only front Kestrel town, the
# only mode from labour the porter, and one route joins any two places (a dispatch's
# `route` is tried in test_books, on a second route); `corrects` is what these tests use.
NOT_TRIED = {("pledge", "good"), ("contribution", "good"), ("labour", "mode"),
             ("wounded", "hospital"), ("wounded", "front"), ("dispatch", "route")}
# What else a case needs: in the entry first written, and in its correction.
BASE = {("dispatch", "mode"): {"from": "bridge", "to": "ridge-depot"}}
ALSO = {("labour", "role"): {"mode": None}, ("route", "status"): {"capacity_lost": None},
        ("receipt", "losses"): {"received_kg": {"rice": 240}}}
MODELS = {"pledge": Pledge, "contribution": Contribution, "labour": Labour,
          "dispatch": Dispatch, "receipt": Receipt, "wounded": WoundedEntry,
          "route": RouteReport}


def test_every_field_is_tried() -> None:
    tried = {(k, f) for k, f, _ in CHANGES} | NOT_TRIED | {(k, "note") for k in MODELS} | {
        (k, "corrects") for k in MODELS}
    every = {(k, (field.alias or name)) for k, model in MODELS.items()
             for name, field in model.model_fields.items() if name != "kind"}
    assert every <= tried, every - tried


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded books, made once (each test works on a copy)."""
    path = tmp_path_factory.mktemp("seeded") / "books.db"
    seed(path).close()
    return path


def seeded(path: Path, template: Path) -> Books:
    shutil.copy(template, path)
    return open_books(path, SC)


def seed(path: Path) -> Books:
    books = open_books(path, SC)
    books.append_many([
        entry("contribution", date=day(SC, 0), locality="far-village", good="rice", kg=5000,
              at="ridge-depot"),
        entry("labour", date=day(SC, 0), locality="high-village", persons=40, days=20,
              role="carrier", mode="porter"),
        entry("dispatch", date=day(SC, 0), from_="high-village", to="ridge-depot",
              mode="porter", units=40),
        entry("receipt", date=day(SC, 0), dispatch=3),
        entry("dispatch", date=day(SC, 1), from_="ridge-depot", to="kestrel-town",
              mode="porter", units=10, cargo_kg={"rice": 250}),
        entry("contribution", date=day(SC, 0), locality="far-village", good="rice", kg=500,
              at="bridge"),
        entry("labour", date=day(SC, 0), locality="river-village", persons=20, days=20,
              role="carrier", mode="porter"),
        entry("dispatch", date=day(SC, 0), from_="river-village", to="bridge",
              mode="porter", units=20),
        entry("receipt", date=day(SC, 0), dispatch=8),
        entry("dispatch", date=day(SC, 0), from_="river-village", to="bridge",
              mode="bicycle", units=10),
        entry("receipt", date=day(SC, 0), dispatch=10),
    ], "council")
    return books


def seen(books: Books) -> Any:
    views = Views(books)
    overview = views.overview(AS_OF)
    overview.pop("entries")
    ledger = [(r.kind, r.entry.note) for r in books.entries(effective=True)]
    return state_json(recorded_state(books, views.network, AS_OF), views.network), \
        overview, ledger


@pytest.mark.parametrize(("kind", "field", "value"), CHANGES,
                         ids=[f"{k}.{f}" for k, f, _ in CHANGES])
def test_a_changed_field_changes_what_the_books_show(tmp_path: Path, seeded_file: Path,
                                                     kind: str, field: str,
                                                     value: Any) -> None:
    books = seeded(tmp_path / "books.db", seeded_file)
    data = base(kind)
    data.update(BASE.get((kind, field), {}))
    first = books.append(data, "council").id
    before = seen(books)
    changed = dict(data, corrects=first)
    changed[field] = value
    changed.update(ALSO.get((kind, field), {}))
    if kind == "receipt" and field == "received_kg":
        changed["losses"] = [{"good": "rice", "kg": 10, "reason": "spoilage"}]
    if kind == "receipt" and field == "dispatch":  # another convoy, received in its place
        books.append(entry("receipt", date=day(SC, 3), dispatch=5, corrects=first,
                           received_kg={"rice": 250}), "council")
        books.append(entry("dispatch", date=day(SC, 2), from_="ridge-depot",
                           to="kestrel-town", mode="porter", units=10,
                           cargo_kg={"rice": 100}), "council")
        books.append(entry("receipt", date=day(SC, 3), dispatch=books.count(),
                           received_kg={"rice": 100}), "council")
    else:
        books.append(changed, "council")
    assert seen(books) != before
    books.close()


def test_where_a_convoy_may_go_is_the_books_one_rule() -> None:
    """The record form's "To" starts at a place the books accept: the places a mode may go
    to from a place are those a route joins them by for it, a one-way route only the way it
    runs (the form had worked this out again, and sent rafts up the river)."""
    from supplyline.ops.entries import Index

    sc = sl.load()
    ix = Index(sc)
    assert ix.places_next("lai-chau", "raft") == []  # (the raft route runs into Lai Chau)
    assert ix.places_next("lao-cai", "raft") == ["yen-bai"]
    assert ix.places_next("lai-chau", "porter") == ["dien-bien-phu"]
    for a in (p.id for p in sc.places):
        for m in (m.id for m in sc.modes):
            assert set(ix.places_next(a, m)) == {
                b for b in (p.id for p in sc.places) if ix.routes_between(a, b, m)}
