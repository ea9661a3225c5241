"""A field left out of an entry, or of another request, says what it expects, as a wrong
value of it does: "expected a value, got nothing" named no place, choice or form, so that
a clerk who left out a locality or a loss's reason was not told which ones there are."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import supplyline as sl
from supplyline.ops import Books, EntryError, open_books
from supplyline.ops.accounts import add_account
from supplyline.ops.api import create_app
from tests.ops.conftest import entry

SC = sl.load("tutorial")
LOCALITIES = "far-village, high-village, river-village, terrace-village"
PLACES = ("bridge, district-hospital, far-village, high-village, kestrel-town, ridge-depot, "
          "river-village, terrace-village")

#: Each kind's fields that must be given, and what each expects.
EXPECTED: dict[str, dict[str, str]] = {
    "pledge": {"date": "a date (YYYY-MM-DD)", "locality": f"a locality ({LOCALITIES})",
               "good": "a good counted in kg (rice)", "kg": "a number",
               "by": "a date (YYYY-MM-DD)"},
    "contribution": {"locality": f"a locality ({LOCALITIES})",
                     "good": "a good counted in kg (rice)", "kg": "a number",
                     "at": f"a place ({PLACES})"},
    "labour": {"locality": f"a locality ({LOCALITIES})", "persons": "a whole number",
               "days": "a number",
               "role": "one of 'carrier', 'road_crew' or 'stretcher_bearer'"},
    "dispatch": {"from": f"a place ({PLACES})", "to": f"a place ({PLACES})",
                 "mode": "a mode (bicycle, porter)", "units": "a number"},
    "receipt": {"dispatch": "a whole number"},
    "wounded": {"front": "a front (kestrel-town)", "hospital": "a hospital (district-hospital)",
                "persons": "a whole number"},
    "route": {"route": "a route id (bridge-road, far-village--bridge, gorge-path, "
                       "high-village--ridge-depot, ridge-depot--district-hospital, ridge-road, "
                       "river-village--bridge, terrace-village--bridge)",
              "status": "one of 'strike', 'damage', 'repaired', 'closed' or 'reopened'"},
    "cancel": {"corrects": "a whole number", "reason": "some text (not only spaces)"},
}


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Books]:
    opened = open_books(tmp_path_factory.mktemp("left-out") / "books.db", SC)
    yield opened
    opened.close()


def test_every_kind_says_what_each_field_left_out_expects(books: Books) -> None:
    for kind, fields in EXPECTED.items():
        with pytest.raises(EntryError) as refused:
            books.append({"kind": kind}, author="council")
        said = dict(refused.value.problems)
        for field, expected in fields.items():
            assert said[field] == f"expected {expected}, got nothing", (kind, field, said)
        assert not any("expected a value" in m for m in said.values()), (kind, said)
    assert books.count() == 0


def test_a_loss_left_incomplete_says_what_it_lacks(books: Books) -> None:
    """Within a receipt's lists too: a loss without its good or reason, a unit lost without
    its count."""
    with pytest.raises(EntryError) as refused:
        books.append(entry("receipt", date="2024-11-05", dispatch=1, received_kg={},
                           losses=[{"good": "rice", "kg": 5, "reason": "raid"}, {"kg": 50}],
                           units_lost=[{"reason": "strike"}]), author="council")
    assert dict(refused.value.problems) == {
        "losses.1.good": "expected a good counted in kg (rice), got nothing",
        "losses.1.reason": "expected one of 'strike', 'raid', 'spoilage' or 'eaten', got "
                           "nothing",
        "units_lost.0.units": "expected a number, got nothing",
    }


def test_the_api_says_them_so_in_an_entry_a_batch_and_other_requests(tmp_path: Path) -> None:
    books = open_books(tmp_path / "books.db", SC)
    add_account(books, "council", "council-password", "council")
    client = TestClient(create_app(books))
    token = client.post("/api/login", json={"name": "council",
                                            "password": "council-password"}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}

    def said(path: str, body: Any) -> dict[tuple[Any, ...], str]:
        got = client.post(path, json=body, headers=headers)
        assert got.status_code == 422, got.text
        return {tuple(d["loc"]): d["msg"] for d in got.json()["detail"]}

    one = said("/api/entries", {"kind": "wounded", "date": "2024-11-05", "persons": 3})
    assert one == {("body", "front"): "expected a front (kestrel-town), got nothing",
                   ("body", "hospital"): "expected a hospital (district-hospital), got nothing"}
    batch = said("/api/entries/batch", [{"kind": "route", "date": "2024-11-05",
                                         "route": "ridge-road"}])
    assert batch == {("body", 0, "status"): f"expected {EXPECTED['route']['status']}, got "
                                            "nothing"}
    assert said("/api/replan", {}) == {
        ("body", "as_of"): "expected a date (YYYY-MM-DD), got nothing"}
    assert said("/api/accounts", {"name": "clerk", "password": "a long one"}) == {
        ("body", "role"): "expected one of 'council', 'depot', 'commune' or 'viewer', got "
                          "nothing"}
    assert books.count() == 0
    books.close()
