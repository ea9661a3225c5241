"""The API: each role against each endpoint (allowed and refused, and nothing written when
refused), 422 with the field on bad input, and generated input from the OpenAPI schema
(no server error)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

import supplyline as sl
from supplyline.ops import Books, EntryError, open_books
from supplyline.ops.accounts import accounts, add_account
from supplyline.ops.api import create_app
from supplyline.report.svg import fmt
from tests.ops.conftest import council_client, entry

ROLES = {"council": ("council", None), "depot": ("depot", "ridge-depot"),
         "commune": ("commune", "high-village"), "viewer": ("viewer", None)}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Books, TestClient,
                                                                        dict[str, Any]]]:
    books = open_books(tmp_path_factory.mktemp("api") / "books.db", sl.load("tutorial"))
    for name, (role, place) in ROLES.items():
        add_account(books, name, f"{name}-password", role, place)
    client = TestClient(create_app(books))
    headers = {}
    for name in ROLES:
        got = client.post("/api/login", json={"name": name, "password": f"{name}-password"})
        assert got.status_code == 200
        headers[name] = {"Authorization": f"Bearer {got.json()['token']}"}
    headers["anonymous"] = {}
    council = headers["council"]
    for data in (
        entry("contribution", date="2024-11-01", locality="high-village", good="rice",
              kg=5000, at="ridge-depot"),
        entry("labour", date="2024-11-01", locality="high-village", persons=100, days=20,
              role="carrier", mode="porter"),
        entry("dispatch", date="2024-11-01", from_="high-village", to="ridge-depot",
              mode="porter", units=100, cargo_kg={}),  # (sent empty, on purpose)
        entry("receipt", date="2024-11-01", dispatch=3),
        entry("dispatch", date="2024-11-02", from_="ridge-depot", to="kestrel-town",
              mode="porter", units=10, cargo_kg={"rice": 250}),
    ):
        assert client.post("/api/entries", json=data, headers=council).status_code == 201
    yield books, client, headers
    books.close()


READS = ["/api/me", "/api/scenario", "/api/entries", "/api/entries.csv", "/api/state",
         "/api/overview", "/api/plan-vs-actual", "/api/plans", "/api/replan"]


@pytest.mark.parametrize("who", [*ROLES, "anonymous"])
def test_reads(served: Any, who: str) -> None:
    _books, client, headers = served
    for path in READS:
        got = client.get(path, headers=headers[who])
        assert got.status_code == (401 if who == "anonymous" else 200), (path, got.text)
    got = client.get("/api/accounts", headers=headers[who])
    assert got.status_code == {"council": 200, "anonymous": 401}.get(who, 403)


def contribution(locality: str, kg: float = 10) -> dict[str, Any]:
    return entry("contribution", date="2024-11-03", locality=locality, good="rice", kg=kg,
                 at="ridge-depot")


def dispatch(place: str) -> dict[str, Any]:
    to = "kestrel-town" if place == "ridge-depot" else "ridge-depot"
    return entry("dispatch", date="2024-11-03", from_=place, to=to, mode="porter", units=1,
                 cargo_kg={"rice": 5})


WRITES: list[tuple[str, dict[str, Any], set[str]]] = [
    ("own contribution", contribution("high-village"), {"council", "commune"}),
    ("another locality's", contribution("river-village"), {"council"}),
    ("pledge", entry("pledge", date="2024-11-03", locality="high-village", good="rice",
                     kg=100, by="2024-11-09"), {"council", "commune"}),
    ("labour", entry("labour", date="2024-11-03", locality="high-village", persons=2,
                     days=3, role="road_crew"), {"council", "commune"}),
    ("own dispatch", dispatch("ridge-depot"), {"council", "depot"}),
    ("another depot's", dispatch("bridge"), set()),
    ("a front's receipt", entry("receipt", date="2024-11-03", dispatch=5,
                          received_kg={"rice": 250}), {"council"}),
    ("wounded", entry("wounded", date="2024-11-03", front="kestrel-town",
                      hospital="district-hospital", persons=1), {"council"}),
    ("route", entry("route", date="2024-11-03", route="gorge-path", status="damage",
                    capacity_lost=0.1), {"council"}),
]


@pytest.mark.parametrize(("what", "data", "allowed"), WRITES, ids=[w[0] for w in WRITES])
@pytest.mark.parametrize("who", [*ROLES, "anonymous"])
def test_writes(served: Any, who: str, what: str, data: dict[str, Any],
                allowed: set[str]) -> None:
    books, client, headers = served
    before = books.count()
    got = client.post("/api/entries", json=data, headers=headers[who])
    if who in allowed:
        assert got.status_code == 201, got.text
        assert got.json()["author"] == who
        corrected = dict(data, corrects=got.json()["id"])  # leave the books as they were
        if data["kind"] in ("dispatch", "contribution", "pledge", "labour", "route"):
            corrected = _undone(corrected)
        if corrected is not None:
            assert client.post("/api/entries", json=corrected,
                               headers=headers["council"]).status_code == 201
        return
    if what == "another depot's" and who == "council":
        assert got.status_code == 422  # the bridge holds nothing
    else:
        assert got.status_code == (401 if who == "anonymous" else 403), got.text
    assert books.count() == before


def _undone(data: dict[str, Any]) -> dict[str, Any] | None:
    if data["kind"] == "dispatch":
        return dict(data, cargo_kg={})
    if data["kind"] in ("contribution", "pledge"):
        return dict(data, kg=0.001)
    return None


def test_the_ledger_filters_and_pages(served: Any) -> None:
    _books, client, headers = served
    every = client.get("/api/entries", headers=headers["viewer"]).json()
    assert [r["id"] for r in every] == sorted(r["id"] for r in every)
    newest = client.get("/api/entries?newest=true&limit=2", headers=headers["viewer"]).json()
    assert [r["id"] for r in newest] == [every[-1]["id"], every[-2]["id"]]
    dispatches = client.get("/api/entries?kind=dispatch&place=ridge-depot",
                            headers=headers["viewer"]).json()
    assert dispatches and {(r["kind"], r["place"]) for r in dispatches} == {
        ("dispatch", "ridge-depot")}
    table = client.get("/api/entries.csv?kind=labour", headers=headers["viewer"]).text
    assert table.splitlines()[0].startswith("id,kind,date") and all(
        ",labour," in line for line in table.splitlines()[1:])
    # A mistyped place is said at the field, not answered with an empty list.
    for path in ("/api/entries?place=ridge-depo", "/api/entries.csv?place=ridge-depo"):
        got = client.get(path, headers=headers["viewer"])
        assert got.status_code == 422
        (problem,) = got.json()["detail"]
        assert problem["loc"] == ["query", "place"]
        assert "(did you mean 'ridge-depot'?), got 'ridge-depo'" in problem["msg"]
    # Every problem of the query at once: a wrong place and a wrong order of days hid a
    # bad limit and offset, and bad dates hid the place (both answered alone).
    for path, expected in (
            ("/api/entries?place=nowhere&since=2024-11-05&until=2024-11-01&limit=0&offset=-1",
             ["limit", "offset", "place", "until"]),
            ("/api/entries.csv?place=nowhere&since=bad&until=worse",
             ["place", "since", "until"]),
            ("/api/entries.csv?place=nowhere&since=2024-11-05&until=2024-11-01",
             ["place", "until"])):
        got = client.get(path, headers=headers["viewer"])
        assert got.status_code == 422, path
        assert sorted(problem["loc"][1] for problem in got.json()["detail"]) == expected
    # A route's reports are in its own books: the dashboard's filter offers routes too.
    route = client.get("/api/entries?place=ridge-road", headers=headers["viewer"])
    assert route.status_code == 200 and all(r["place"] == "ridge-road" for r in route.json())


def test_the_scenario_and_the_overview_give_names(served: Any) -> None:
    """What the dashboard shows: the scenario's names (a route without one is named by the
    places it joins), and the books' today, which a new entry's date starts as."""
    from supplyline.ops.overview import Views

    books, client, headers = served
    got = client.get("/api/scenario", headers=headers["viewer"]).json()
    routes = {r["id"]: r["name"] for r in got["routes"]}
    assert routes["ridge-road"] == "Ridge road (exposed)"
    assert routes["high-village--ridge-depot"] == \
        "High village (on the ridge) – Ridge relief depot"
    assert got["goods"] == [{"id": "rice", "name": "Rice"}]
    assert got["today"] == Views(books).today().isoformat()
    overview = client.get("/api/overview", headers=headers["viewer"]).json()
    assert {r["id"]: r["name"] for r in overview["routes"]} == routes


def test_a_token_ends_at_logout(served: Any) -> None:
    _books, client, _headers = served
    token = client.post("/api/login", json={"name": "viewer",
                                            "password": "viewer-password"}).json()["token"]
    mine = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/me", headers=mine).status_code == 200
    assert client.post("/api/logout", headers=mine).status_code == 204
    assert client.get("/api/me", headers=mine).status_code == 401


def test_the_depot_receives_its_own_convoys_only(served: Any) -> None:
    _books, client, headers = served
    # Convoy 5 goes to kestrel-town: not the ridge depot clerk's books.
    got = client.post("/api/entries", json=entry("receipt", date="2024-11-03", dispatch=5,
                                                 received_kg={"rice": 250}),
                      headers=headers["depot"])
    assert got.status_code == 403 and "kestrel-town" in got.json()["detail"][0]["msg"]


def test_a_clerk_is_refused_at_the_field_that_names_another_place(served: Any) -> None:
    """A clerk's own entry for another locality is refused at locality; correcting another
    locality's entry, at corrects (the locality there is the clerk's own)."""
    books, client, headers = served
    theirs = client.post("/api/entries", json=contribution("far-village"),
                         headers=headers["council"]).json()["id"]
    before = books.count()
    got = client.post("/api/entries", json=contribution("far-village"),
                      headers=headers["commune"])
    assert got.status_code == 403 and got.json()["detail"][0]["loc"] == ["body", "locality"]
    got = client.post("/api/entries", json=dict(contribution("high-village"), corrects=theirs),
                      headers=headers["commune"])
    assert got.status_code == 403 and got.json()["detail"][0]["loc"] == ["body", "corrects"]
    assert "far-village" in got.json()["detail"][0]["msg"]
    assert books.count() == before


def test_a_batch_with_one_entry_of_another_place_writes_nothing(served: Any) -> None:
    books, client, headers = served
    before = books.count()
    got = client.post("/api/entries/batch", headers=headers["commune"],
                      json=[contribution("high-village"), contribution("far-village")])
    assert got.status_code == 403 and got.json()["detail"][0]["loc"] == ["body", 1, "locality"]
    assert books.count() == before


def test_a_write_is_answered_with_what_the_scenario_says(served: Any) -> None:
    """More than the village can give: written all the same, with a warning said as errors
    are (at the field); cancelled by its clerk, it counts no more."""
    books, client, headers = served
    held = books.balances()[("ridge-depot", "rice")]
    got = client.post("/api/entries", json=contribution("high-village", kg=500_000),
                      headers=headers["commune"])
    assert got.status_code == 201, got.text
    written = got.json()
    (warning,) = written["warnings"]
    assert (warning["loc"], warning["type"]) == (["body", "kg"], "beyond_scenario")
    assert warning["msg"].startswith("high-village gave ")
    assert "kg of rice in all by 2024-11-03, this entry's 500,000 kg included; the scenario " \
           "says it can give at most 10,000 kg by then" in warning["msg"]
    assert books.balances()[("ridge-depot", "rice")] == pytest.approx(held + 500_000)
    gone = client.post("/api/entries", headers=headers["commune"], json=entry(
        "cancel", date="2024-11-03", corrects=written["id"], reason="500 t typed for 500 kg"))
    assert gone.status_code == 201, gone.text
    assert (gone.json()["kind"], gone.json()["place"], gone.json()["corrects"],
            gone.json()["warnings"]) == ("cancel", "high-village", written["id"], [])
    assert books.balances()[("ridge-depot", "rice")] == pytest.approx(held)
    # In a batch, each entry's warnings are located as its errors would be.
    batch = client.post("/api/entries/batch", headers=headers["council"],
                        json=[contribution("high-village", kg=1),
                              contribution("high-village", kg=500_000)])
    assert batch.status_code == 201
    assert [[w["loc"] for w in r["warnings"]] for r in batch.json()] == [
        [], [["body", 1, "kg"]]]
    # A batch of one too (it was written as a single entry is, and said at ["body", "kg"]).
    one = client.post("/api/entries/batch", headers=headers["council"],
                      json=[contribution("high-village", kg=400_000)])
    assert [w["loc"] for w in one.json()[0]["warnings"]] == [["body", 0, "kg"]]
    client.post("/api/entries", headers=headers["council"], json=entry(
        "cancel", date="2024-11-03", corrects=one.json()[0]["id"], reason="a test"))
    # The ledger keeps them with their entries, each at the entry's own field.
    ledger = {r["id"]: r for r in client.get("/api/entries", headers=headers["council"]
                                             ).json()}
    assert ledger[written["id"]]["warnings"] == [warning]
    assert ledger[written["id"]]["cancelled_by"] == gone.json()["id"]
    assert [[w["loc"] for w in ledger[r["id"]]["warnings"]] for r in batch.json()] == [
        [], [["body", "kg"]]]
    rows = list(csv.DictReader(io.StringIO(client.get(
        "/api/entries.csv", headers=headers["council"]).text)))
    assert {r["id"]: r["warnings"] for r in rows}[str(written["id"])] == "kg: " + warning["msg"]
    assert client.post("/api/entries/batch", headers=headers["council"], json=[
        entry("cancel", date="2024-11-03", corrects=r["id"], reason="a test")
        for r in batch.json()]).status_code == 201
    assert books.balances()[("ridge-depot", "rice")] == pytest.approx(held)


def test_a_convoy_of_nothing_is_warned_of_and_kg_by_good_are_said_so(served: Any) -> None:
    """A convoy with no cargo was written without a word (its mistake showed days later, at
    the receipt); and ``"received_kg": 2350`` was refused as "expected an object {name:
    value, ...}", where the doc warns of that very mistake."""
    books, client, headers = served
    got = client.post("/api/entries", headers=headers["council"],
                      json=dispatch("ridge-depot") | {"cargo_kg": {}})
    assert got.status_code == 201, got.text
    assert [(w["loc"], w["type"]) for w in got.json()["warnings"]] == [
        (["body", "cargo_kg"], "no_cargo")]
    assert got.json()["warnings"][0]["msg"].startswith("the convoy carries nothing: 1 unit "
                                                       "of porter sent empty from ridge-depot")
    assert client.post("/api/entries", headers=headers["council"], json=entry(
        "cancel", date="2024-11-03", corrects=got.json()["id"], reason="a test")
                       ).status_code == 201
    before = books.count()
    for field, data, kg, empty in (
            ("received_kg", entry("receipt", date="2024-11-03", dispatch=5, received_kg=2350),
             2350, "{} where none arrived"),
            ("cargo_kg", dispatch("ridge-depot") | {"cargo_kg": 10}, 10,
             "{} for carriers sent empty")):
        got = client.post("/api/entries", json=data, headers=headers["council"])
        assert got.status_code == 422
        assert got.json()["detail"] == [{
            "loc": ["body", field], "type": "dict_type",
            "msg": f'expected kg by good, e.g. {{"rice": {kg}}} ({empty}), got {kg}'}]
    assert books.count() == before


def test_a_cancellation_is_refused_at_corrects(served: Any) -> None:
    """What others depend on says what to cancel first; nothing is written."""
    books, client, headers = served
    before = books.count()

    def cancel(corrects: int, who: str = "council") -> Any:
        return client.post("/api/entries", headers=headers[who], json=entry(
            "cancel", date="2024-11-03", corrects=corrects, reason="a test"))

    for corrects, status, msg in (
            (3, 409, "convoy 3 was received (entry 4, in the books of ridge-depot); cancel "
                     "that receipt first (a depot clerk of ridge-depot or the council may)"),
            (10**6, 422, "expected the id of an entry, got 1000000: no entry has that id")):
        got = cancel(corrects)
        assert got.status_code == status
        assert got.json()["detail"] == [{"loc": ["body", "corrects"], "msg": msg, "type":
                                         "conflict" if status == 409 else "value_error"}]
    # Another place's entry, or a kind the clerk may not write: 403 at corrects.
    got = cancel(5, "commune")
    assert got.status_code == 403 and got.json()["detail"][0]["loc"] == ["body", "corrects"]
    assert cancel(1, "depot").status_code == 403
    assert cancel(1, "viewer").status_code == 403
    assert books.count() == before


KINDS_SAID = ("'pledge', 'contribution', 'labour', 'dispatch', 'receipt', 'wounded', 'route', "
              "'cancel'")


@pytest.mark.parametrize(("data", "loc", "says"), [
    (contribution("high-village", kg=0), ["body", "kg"],
     "expected a number greater than 0, got 0"),
    (contribution("nowhere"), ["body", "locality"], "expected a locality"),
    ({"kind": "contribution", "date": "2024-11-03"}, ["body", "locality"],
     "expected a locality (far-village, high-village, river-village, terrace-village), got "
     "nothing"),
    ({"kind": "gift"}, ["body", "kind"], f"expected one of {KINDS_SAID}, got 'gift'"),
    ({"date": "2024-11-03"}, ["body", "kind"], f"expected one of {KINDS_SAID}, got nothing"),
    (dict(contribution("high-village"), date="someday"), ["body", "date"],
     "expected a date (YYYY-MM-DD), got 'someday'"),
    (dict(contribution("high-village"), kg="lots"), ["body", "kg"],
     "expected a number, got 'lots'"),
    (dict(contribution("high-village"), colour="red"), ["body", "colour"],
     "expected a known field, got unknown field 'colour'"),
    (entry("labour", date="2024-11-03", locality="high-village", persons=1.5, days=2,
           role="carrier", mode="porter"), ["body", "persons"],
     "expected a whole number, got 1.5"),
    (entry("labour", date="2024-11-03", locality="high-village", persons=1, days=2,
           role="boss"), ["body", "role"],
     "expected one of 'carrier', 'road_crew' or 'stretcher_bearer', got 'boss'"),
    (entry("route", date="2024-11-03", route="ridge-road", status="damage",
           capacity_lost=2), ["body", "capacity_lost"],
     "expected a number of at most 1, got 2"),
])
def test_bad_input_gets_422_with_the_field(served: Any, data: dict[str, Any], loc: list[str],
                                           says: str) -> None:
    """Said as every error of the books is: the field, and "expected ..., got ..."."""
    books, client, headers = served
    before = books.count()
    got = client.post("/api/entries", json=data, headers=headers["council"])
    assert got.status_code == 422
    first = got.json()["detail"][0]
    assert first["loc"] == loc and first["msg"].startswith(says), first
    assert books.count() == before


def test_a_field_refused_does_not_hide_what_the_scenario_says(served: Any) -> None:
    """A negative kg was said alone: the misspelt locality beside it only once the kg was
    mended. Every problem of a request is said at once, in one entry and across a batch."""
    books, client, headers = served
    before = books.count()
    got = client.post("/api/entries", json=dict(contribution("nowhere"), kg=-1),
                      headers=headers["council"])
    assert got.status_code == 422
    said = {tuple(d["loc"]): d["msg"] for d in got.json()["detail"]}
    assert said.keys() == {("body", "kg"), ("body", "locality")}, said
    assert said[("body", "locality")].startswith("expected a locality")
    got = client.post("/api/entries/batch", headers=headers["council"], json=[
        contribution("nowhere"), dict(contribution("high-village"), kg=-1),
        dict(dispatch("ridge-depot"), units="many", cargo_kg={"rice": 5, "gold": 1})])
    assert got.status_code == 422
    said = {tuple(d["loc"]): d["msg"] for d in got.json()["detail"]}
    assert said.keys() == {("body", 0, "locality"), ("body", 1, "kg"), ("body", 2, "units"),
                           ("body", 2, "cargo_kg", "gold")}, said
    assert books.count() == before


@pytest.mark.parametrize(("path", "body", "loc", "says"), [
    ("/api/replan", {"as_of": ""}, ["body", "as_of"], "expected a date (YYYY-MM-DD), got '' "),
    ("/api/replan", {}, ["body", "as_of"], "expected a date (YYYY-MM-DD), got nothing"),
    ("/api/accounts", {"name": "x", "password": "short", "role": "viewer"},
     ["body", "password"], "expected at least 8 characters, got 5 characters"),
    ("/api/accounts", {"name": "x", "password": "long-enough", "role": "king"},
     ["body", "role"], "expected one of 'council', 'depot', 'commune' or 'viewer', got 'king'"),
])
def test_bad_requests_are_said_as_entries_are(served: Any, path: str, body: dict[str, Any],
                                              loc: list[str], says: str) -> None:
    _books, client, headers = served
    got = client.post(path, json=body, headers=headers["council"])
    assert got.status_code == 422
    first = got.json()["detail"][0]
    assert first["loc"] == loc and first["msg"].startswith(says), first
    assert "short" not in first["msg"]  # a password is never repeated


def test_every_problem_of_an_account_is_said_at_once(served: Any) -> None:
    """A short password hid a depot given as a commune clerk's place (said only once the
    password was fixed), and a commune clerk without a place was told "got None"."""
    books, client, headers = served
    before = [a["name"] for a in client.get("/api/accounts", headers=headers["council"]).json()]
    got = client.post("/api/accounts", headers=headers["council"], json={
        "name": "bad1", "password": "x", "role": "commune", "place": "ridge-depot"})
    assert got.status_code == 422
    assert [(d["loc"], d["msg"]) for d in got.json()["detail"]] == [
        (["body", "password"], "expected at least 8 characters, got 1 character"),
        (["body", "place"], "expected a locality for a commune clerk (far-village, "
                            "high-village, river-village, terrace-village), got "
                            "'ridge-depot'")]
    got = client.post("/api/accounts", headers=headers["council"], json={
        "name": "bad1", "password": "a long one here", "role": "commune"})
    assert got.status_code == 422
    assert got.json()["detail"] == [{
        "loc": ["body", "place"], "type": "value_error",
        "msg": "expected a locality for a commune clerk (far-village, high-village, "
               "river-village, terrace-village), got nothing"}]
    got = client.post("/api/accounts", headers=headers["council"], json={
        "name": " bad1", "password": " " * 9, "role": "depot", "place": "far-village"})
    assert got.status_code == 422
    assert [d["loc"][1] for d in got.json()["detail"]] == ["name", "password", "place"]
    # The place hangs on the role: a wrong role leaves it unjudged.
    got = client.post("/api/accounts", headers=headers["council"], json={
        "name": "bad1", "password": "x", "role": "king", "place": "ridge-depot"})
    assert [d["loc"][1] for d in got.json()["detail"]] == ["password", "role"]
    assert [a["name"] for a in client.get("/api/accounts",
                                          headers=headers["council"]).json()] == before
    assert "bad1" not in [a.name for a in accounts(books)]


def test_a_body_that_is_not_json_is_said_as_such(served: Any) -> None:
    """A cut-off body used to be said as "got an empty mapping" at ["body", 23]."""
    books, client, headers = served
    before = books.count()
    got = client.post("/api/entries", content=b'{"kind":"contribution",',
                      headers={**headers["council"], "Content-Type": "application/json"})
    assert got.status_code == 422
    first = got.json()["detail"][0]
    assert first["loc"] == ["body"]
    assert first["msg"].startswith("expected a JSON document, got text that is not JSON (")
    assert first["msg"].endswith(", at character 23)")
    assert books.count() == before


def test_the_python_api_says_bad_entries_as_the_http_api(books: Books) -> None:
    with pytest.raises(EntryError) as error:
        books.append(dict(contribution("high-village"), date="someday"), "clerk")
    assert (error.value.field, error.value.message) == (
        "date", "expected a date (YYYY-MM-DD), got 'someday'")
    with pytest.raises(EntryError) as error:
        books.append_many([contribution("high-village"), {"kind": "gift"}], "clerk")
    assert (error.value.field, error.value.message) == (
        "1.kind", f"expected one of {KINDS_SAID}, got 'gift'")


def test_a_date_outside_the_horizon_is_located(served: Any) -> None:
    _books, client, headers = served
    for path, name in (("/api/state?as_of=2030-01-01", "as_of"),
                       ("/api/overview?as_of=2024-10-01", "as_of"),
                       ("/api/plan-vs-actual?until=2025-01-01", "until")):
        got = client.get(path, headers=headers["viewer"])
        assert got.status_code == 422
        assert got.json()["detail"][0]["loc"] == ["query", name]
        assert "expected a day from 2024-11-01 to 2024-11-30" in got.json()["detail"][0]["msg"]


def test_council_plans_replans_and_makes_accounts(served: Any) -> None:
    _books, client, headers = served
    for who in ("depot", "commune", "viewer"):
        assert client.post("/api/plans", headers=headers[who]).status_code == 403
        assert client.post("/api/replan", json={"as_of": "2024-11-04"},
                           headers=headers[who]).status_code == 403
        assert client.post("/api/accounts", headers=headers[who], json={
            "name": "x", "password": "long-enough", "role": "viewer"}).status_code == 403
    made = client.post("/api/plans", headers=headers["council"])
    assert made.status_code == 201 and made.json()["status"] == "optimal"
    again = client.post("/api/replan", json={"as_of": "2024-11-04"}, headers=headers["council"])
    assert again.status_code == 200, again.text
    body = again.json()
    assert body["state"]["transit"][0]["to"] == "kestrel-town"
    assert {c["what"] for c in body["changes"]} == {"locality", "route", "front"}
    # How short it leaves the fronts from the as-of day, and what else it could not do.
    short, need = body["kpis"]["shortfall_t"], body["kpis"]["demand_t"]
    assert body["outcome"][0].startswith(
        "The re-plan leaves the fronts" if short >= 0.0005 else "The re-plan meets all")
    assert f"of the {fmt(need)} t they need from 4 Nov 2024" in body["outcome"][0] or \
        f"all of the {fmt(need)} t the fronts need from 4 Nov 2024" in body["outcome"][0]
    # Why the fronts go short (each front's findings), then what else it could not do: the
    # first said so, the next as "Nor this" (the same words twice in a row read as a
    # stutter).
    why = [line for line in body["outcome"][1:] if "What binds: " in line]
    assert body["outcome"][1:1 + len(why)] == why and (short >= 0.0005) == bool(why)
    notes = body["outcome"][1 + len(why):]
    assert [line.split(":")[0] for line in notes] == [
        "It could not do this either", *["Nor this"] * len(notes)][:len(notes)]
    assert [p["id"] for p in client.get("/api/plans", headers=headers["viewer"]).json()] == [
        made.json()["id"], body["id"]]
    assert client.post("/api/replan", json={"as_of": "2024-11-01"},
                       headers=headers["council"]).json()["detail"][0]["loc"] == ["body",
                                                                                  "as_of"]
    clerk = {"name": "bridge-clerk", "password": "bridge-password", "role": "depot",
             "place": "high-village"}
    got = client.post("/api/accounts", json=clerk, headers=headers["council"])
    assert got.status_code == 422 and got.json()["detail"][0]["loc"] == ["body", "place"]
    clerk["place"] = "bridge"
    assert client.post("/api/accounts", json=clerk,
                       headers=headers["council"]).status_code == 201
    assert client.post("/api/login", json={"name": "bridge-clerk",
                                           "password": "wrong-password"}).status_code == 401


def test_the_dashboard_and_its_assets_are_served_from_the_package(served: Any) -> None:
    _books, client, _headers = served
    page = client.get("/")
    assert page.status_code == 200 and "/static/app.js" in page.text
    assert '<link rel="icon" href="data:,">' in page.text  # no request for /favicon.ico
    for asset in ("/static/app.js", "/static/app.css"):
        got = client.get(asset)
        assert got.status_code == 200 and "http" not in got.text.replace(
            "http://www.w3.org/2000/svg", "")
    assert "/api/entries" in client.get("/openapi.json").json()["paths"]


def test_generated_input_never_gives_a_server_error(served: Any) -> None:
    _books, client, headers = served
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app).exclude(
        path_regex="^/api/(plans|replan|logout)$", method="POST")
    cases = 0
    for operation in schema.get_all_operations():
        op = operation.ok()
        strategy = op.as_strategy()

        @settings(max_examples=5, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def check(case: Any) -> None:
            nonlocal cases
            cases += 1
            response = case.call(headers=headers["council"])
            assert response.status_code < 500, (case.method, case.path, response.text)

        check()
    assert cases > 40


def test_a_body_too_large_or_of_unknown_length_is_refused_unread(served: Any) -> None:
    """An anonymous 200 MB POST was read whole (server memory +400 MB) before its 401."""
    from supplyline.ops.api import MAX_BODY_BYTES

    _books, client, _headers = served
    got = client.post("/api/entries", content=b" " * (MAX_BODY_BYTES + 1),
                      headers={"content-type": "application/json"})
    assert got.status_code == 413
    assert got.json()["detail"][0]["msg"].startswith(
        f"expected a body of at most {MAX_BODY_BYTES:,} bytes")

    def chunks() -> Iterator[bytes]:
        yield b'{"name": "council",'
        yield b' "password": "council-password"}'

    got = client.post("/api/login", content=chunks(),
                      headers={"content-type": "application/json"})
    assert got.status_code == 411
    # Within the limit, as before.
    assert client.post("/api/login", json={"name": "council", "password": "council-password"}
                       ).status_code == 200


def test_the_council_s_button_re_plans_against_the_first_plan_as_the_command_does(
        tmp_path: Path) -> None:
    """With no plan kept, the command compared with the plan from the scenario's start and
    the button with nothing: every 'in force' figure was 0 (docs/operate.md says both)."""
    books, client, council = council_client(tmp_path / "books.db")
    dry = client.post("/api/replan", json={"as_of": "2024-11-04", "keep": False},
                      headers=council).json()
    assert dry["in_force"] is None and dry["id"] is None  # a dry run keeps no plan
    front = next(c for c in dry["changes"] if c["what"] == "front")
    assert front["in_force_kg"] > 0
    assert client.get("/api/plans", headers=council).json() == []
    kept = client.post("/api/replan", json={"as_of": "2024-11-04"}, headers=council).json()
    assert (kept["in_force"], kept["id"]) == (1, 2)  # the first plan kept first, as the command
    assert next(c for c in kept["changes"] if c["what"] == "front") == front
    books.close()


def test_a_plan_or_replan_sent_again_with_its_idempotency_key_is_kept_once(
        tmp_path: Path) -> None:
    """POST /api/replan and /api/plans ignored the Idempotency-Key: the same call twice kept
    two plans, the second compared against the first. Sent again, each is answered as the
    first time and keeps nothing more; the key with another request is refused."""
    books, client, council = council_client(tmp_path / "books.db")
    keyed = {**council, "Idempotency-Key": "replan-1"}
    first = client.post("/api/replan", json={"as_of": "2024-11-04"}, headers=keyed)
    again = client.post("/api/replan", json={"as_of": "2024-11-04"}, headers=keyed)
    assert first.status_code == again.status_code == 200, again.text
    assert again.json() == first.json()
    assert (first.json()["in_force"], first.json()["id"]) == (1, 2)
    assert [p["id"] for p in books.plans()] == [1, 2]
    other = client.post("/api/replan", json={"as_of": "2024-11-05"}, headers=keyed)
    assert other.status_code == 422
    assert other.json()["detail"] == [{
        "loc": ["header", "idempotency-key"], "type": "value_error",
        "msg": "expected a new key for a request other than the one first sent with it, "
               "got 'replan-1' again"}]
    keyed["Idempotency-Key"] = "plan-1"
    first = client.post("/api/plans", headers=keyed)
    again = client.post("/api/plans", headers=keyed)
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json() and first.json()["id"] == 3
    assert [p["id"] for p in books.plans()] == [1, 2, 3]
    # Without a key, each call keeps its plan, as before.
    assert client.post("/api/plans", headers=council).json()["id"] == 4
    books.close()


FROM_THE_START = (
    "expected a day after 2024-11-01 and up to 2024-11-30, got 2024-11-01, the scenario's "
    "start: plan from the scenario's start instead (the dashboard's \"Plan from the "
    "scenario's start\", POST /api/plans; a re-plan from a later day keeps that plan first "
    "while the books hold none)")


def test_fresh_books_are_told_how_to_plan_and_the_replan_in_force_is_read_again(
        tmp_path: Path) -> None:
    """On fresh books the Re-plan page's day (the books' today, the horizon's first) was
    refused as "expected a day after 2024-11-01 ..., got 2024-11-01", naming no way forward;
    and a re-plan kept could not be read again (its changes) without making another."""
    books, client, council = council_client(tmp_path / "fresh.db")
    assert client.get("/api/replan", headers=council).json() is None
    today = client.get("/api/scenario", headers=council).json()["today"]
    got = client.post("/api/replan", json={"as_of": today}, headers=council)
    assert got.status_code == 422
    assert got.json()["detail"] == [{"loc": ["body", "as_of"], "msg": FROM_THE_START,
                                     "type": "value_error"}]
    assert books.plans() == []
    made = client.post("/api/replan", json={"as_of": "2024-11-04"}, headers=council).json()
    kept = client.get("/api/replan", headers=council)
    assert kept.status_code == 200
    # (with what it gives the fronts, in words: the dashboard lost it on a reload)
    assert made["outcome"][0].startswith("The re-plan ")
    assert kept.json() == {"id": made["id"], "as_of": "2024-11-04", "status": made["status"],
                           "in_force": made["in_force"], "changes": made["changes"],
                           "outcome": made["outcome"]}
    assert [p["id"] for p in books.plans()] == [1, 2]  # nothing planned again
    # A plan from the scenario's start in force since: no re-plan is.
    books.save_plan({"start": "2024-11-01", "days": 30, "status": "optimal", "given": {},
                     "route": {}, "arrive": {}}, "council")
    assert client.get("/api/replan", headers=council).json() is None
    books.close()


def test_the_ledger_says_which_entry_corrected_or_cancelled_each(books: Books) -> None:
    """A cancelled or corrected entry stays in the ledger and says which entry replaced it
    (it looked like any other); the standing ones say none."""
    add_account(books, "council", "council-password", "council")
    client = TestClient(create_app(books))
    token = client.post("/api/login", json={"name": "council", "password":
                                            "council-password"}).json()["token"]
    council = {"Authorization": f"Bearer {token}"}

    def write(data: dict[str, Any]) -> int:
        got = client.post("/api/entries", json=data, headers=council)
        assert got.status_code == 201, got.text
        # Just written, nothing has replaced it.
        assert (got.json()["corrected_by"], got.json()["cancelled_by"]) == (None, None)
        return int(got.json()["id"])

    big = write(contribution("high-village", kg=900_000))
    gone = write(entry("cancel", date="2024-11-03", corrects=big, reason="900 t typed"))
    first = write(contribution("far-village", kg=300))
    fixed = write(dict(contribution("far-village", kg=350), corrects=first))
    kept = write(contribution("far-village", kg=20))
    rows = {r["id"]: r for r in client.get("/api/entries", headers=council).json()}
    said = {i: (r["corrected_by"], r["cancelled_by"]) for i, r in rows.items()}
    assert said == {big: (None, gone), gone: (None, None), first: (fixed, None),
                    fixed: (None, None), kept: (None, None)}
    # Standing only: neither of those replaced, and none says it was.
    standing = client.get("/api/entries?effective=true", headers=council).json()
    assert [r["id"] for r in standing] == [gone, fixed, kept]
    assert all(r["corrected_by"] is None and r["cancelled_by"] is None for r in standing)
    newest = client.get("/api/entries?newest=true&limit=5&kind=contribution",
                        headers=council).json()
    assert [(r["id"], r["cancelled_by"]) for r in newest][-1] == (big, gone)
    # The CSV says the same, in two more columns after the entry.
    text = client.get("/api/entries.csv", headers=council).text
    assert ",entry,corrected_by,cancelled_by," in text.splitlines()[0]
    ends = {int(r["id"]): [r["corrected_by"], r["cancelled_by"]]
            for r in csv.DictReader(io.StringIO(text))}
    assert ends == {big: ["", str(gone)], gone: ["", ""], first: [str(fixed), ""],
                    fixed: ["", ""], kept: ["", ""]}


def test_every_refusal_is_said_in_one_shape(served: Any) -> None:
    """Refusals of the log-in and the council's pages came as {"detail": "..."}, those of
    entries as {"detail": [{"loc", "msg", "type"}]}: clients read detail[0]."""
    _books, client, headers = served
    for got, status, loc in (
            (client.get("/api/me"), 401, ["header", "authorization"]),
            (client.get("/api/accounts", headers=headers["viewer"]), 403,
             ["header", "authorization"]),
            (client.post("/api/login", json={"name": "viewer", "password": "wrong"}), 401,
             ["body"]),
            (client.get("/api/nothing-here", headers=headers["viewer"]), 404, []),
            (client.post("/api/entries", json={"kind": "gift"}, headers=headers["council"]),
             422, ["body", "kind"])):
        assert got.status_code == status, got.text
        (problem,) = got.json()["detail"]
        assert set(problem) == {"loc", "msg", "type"} and problem["loc"] == loc
        assert isinstance(problem["msg"], str) and problem["msg"]
    got = client.get("/api/accounts", headers=headers["viewer"])
    assert got.json()["detail"][0]["msg"] == "only the council may do this"
    assert client.get("/api/me").headers["WWW-Authenticate"] == "Bearer"


def test_a_field_the_body_does_not_have_is_refused(served: Any) -> None:
    """``kep`` for ``keep`` was dropped: the re-plan became the plan in force."""
    books, client, headers = served
    plans = len(books.plans())
    got = client.post("/api/replan", json={"as_of": "2024-11-04", "kep": False},
                      headers=headers["council"])
    assert got.status_code == 422
    assert got.json()["detail"] == [{"loc": ["body", "kep"], "type": "extra_forbidden",
                                     "msg": "expected a known field, got unknown field 'kep'"}]
    assert len(books.plans()) == plans
    got = client.post("/api/accounts", headers=headers["council"], json={
        "name": "new-clerk", "password": "long-enough", "role": "viewer", "admin": True})
    assert [d["loc"] for d in got.json()["detail"]] == [["body", "admin"]]
    assert "new-clerk" not in [a["name"] for a in client.get(
        "/api/accounts", headers=headers["council"]).json()]


def test_every_problem_of_a_request_is_said_at_once(served: Any) -> None:
    """The scenario's checks stopped at the first problem, and a batch at its first bad
    entry: fixing one revealed the next."""
    books, client, headers = served
    before = books.count()
    bad = entry("contribution", date="2024-11-02", locality="nowhere", good="gold", kg=5,
                at="moon")
    got = client.post("/api/entries", json=bad, headers=headers["council"])
    assert got.status_code == 422
    assert [d["loc"] for d in got.json()["detail"]] == [
        ["body", "locality"], ["body", "good"], ["body", "at"]]
    batch = [contribution("high-village"), bad, contribution("high-village"),
             dict(contribution("high-village"), good="gold")]
    got = client.post("/api/entries/batch", json=batch, headers=headers["council"])
    assert got.status_code == 422
    assert [d["loc"] for d in got.json()["detail"]] == [
        ["body", 1, "locality"], ["body", 1, "good"], ["body", 1, "at"], ["body", 3, "good"]]
    # What does not have the form of an entry is said first, of every entry at once, then
    # what the scenario says of the rest.
    batch[0] = dict(batch[0], kg="many")
    batch[2] = dict(batch[2], date="someday")
    got = client.post("/api/entries/batch", json=batch, headers=headers["council"])
    assert [d["loc"] for d in got.json()["detail"]] == [
        ["body", 0, "kg"], ["body", 2, "date"], ["body", 1, "locality"], ["body", 1, "good"],
        ["body", 1, "at"], ["body", 3, "good"]]
    # A batch of one is still a batch: its problems are at position 0.
    got = client.post("/api/entries/batch", json=[bad], headers=headers["council"])
    assert got.json()["detail"][0]["loc"] == ["body", 0, "locality"]
    assert client.post("/api/entries/batch", json=[],
                       headers=headers["council"]).status_code == 422
    assert books.count() == before


def test_dates_and_text_are_taken_as_written_or_refused(served: Any) -> None:
    """A number was read as seconds since 1970, a pledge could fall due after the horizon,
    and a blank reason or a control character in a note was kept."""
    books, client, headers = served
    before = books.count()
    for change, loc, says in (
            ({"date": 1730505600}, "date",
             "expected a date (YYYY-MM-DD), got 1730505600"),
            ({"by": "2099-01-01"}, "by", "expected a day from 2024-11-01 to 2024-11-30"),
            ({"note": "a\x00b"}, "note",
             "expected text without control characters, got U+0000 at character 2"),
            ({"note": "paid \u202eKO"}, "note", "expected text without control characters"),
            ({"note": None}, "note", "expected text, got null")):
        pledge = dict(entry("pledge", date="2024-11-02", locality="high-village",
                            good="rice", kg=5, by="2024-11-20"), **change)
        got = client.post("/api/entries", json=pledge, headers=headers["council"])
        assert got.status_code == 422, change
        first = got.json()["detail"][0]
        assert first["loc"] == ["body", loc] and first["msg"].startswith(says), first
    got = client.post("/api/entries", headers=headers["council"], json=entry(
        "cancel", date="2024-11-03", corrects=1, reason="   "))
    assert got.json()["detail"][0]["msg"] == "expected some text (not only spaces), got '   '"
    assert client.post("/api/replan", json={"as_of": 20241104},
                       headers=headers["council"]).status_code == 422
    assert books.count() == before


def test_query_parameters_the_path_does_not_read_are_refused(served: Any) -> None:
    """``?lmit=1`` returned every entry, ``?asof=`` today's State, a repeated ``kind`` the
    last one, and ``since`` after ``until`` nothing."""
    _books, client, headers = served
    for path, loc, says in (
            ("/api/entries?lmit=1", "lmit", "expected a parameter this path reads ("),
            ("/api/state?asof=2024-11-03", "asof", "expected a parameter this path reads "
                                                   "(as_of) (did you mean 'as_of'?), got "
                                                   "'asof'"),
            ("/api/me?x=1", "x", "expected a parameter this path reads (none), got 'x'"),
            ("/api/entries?kind=pledge&kind=receipt", "kind",
             "expected one value, got 2: 'pledge', 'receipt'"),
            ("/api/entries?since=2024-11-20&until=2024-11-01", "until",
             "expected a day on or after since (2024-11-20), got 2024-11-01"),
            ("/api/state?as_of=1730505600", "as_of",
             "expected a date (YYYY-MM-DD), got '1730505600'")):
        got = client.get(path, headers=headers["viewer"])
        assert got.status_code == 422, path
        first = got.json()["detail"][0]
        assert first["loc"] == ["query", loc] and says in first["msg"], first
    assert client.get("/api/entries?limit=1&kind=contribution",
                      headers=headers["viewer"]).status_code == 200


def test_a_query_parameter_the_path_does_not_read_hides_no_other_problem(
        served: Any) -> None:
    """An unknown parameter had been answered alone, hiding a bad value of one the path
    reads (and what the scenario says against the filters, and a bad body): every problem
    of the request at once, each at its field, the unknown one first."""
    books, client, headers = served
    for path, expected in (
            ("/api/entries?lmit=1&limit=0", [("lmit", "extra_forbidden"),
                                            ("limit", "greater_than_equal")]),
            ("/api/state?asof=2024-11-03&as_of=bad", [("asof", "extra_forbidden"),
                                                      ("as_of", "date_from_datetime_parsing")]),
            ("/api/entries.csv?x=1&place=nowhere&since=2024-11-05&until=2024-11-01",
             [("x", "extra_forbidden"), ("place", "value_error"), ("until", "value_error")]),
            # A parameter given twice is said once, its values not judged again.
            ("/api/entries?limit=0&limit=x&offset=-1", [("limit", "value_error"),
                                                        ("offset", "greater_than_equal")])):
        got = client.get(path, headers=headers["viewer"])
        assert got.status_code == 422, path
        detail = got.json()["detail"]
        assert [(d["loc"][1], d["type"]) for d in detail] == expected, detail
        assert all(d["loc"][0] == "query" and d["msg"].startswith("expected ") for d in detail)
    # A write: the body's problems beside the query's, and nothing written.
    before = books.count()
    got = client.post("/api/entries?dry=1", headers=headers["council"], json=entry(
        "pledge", date="2024-11-02", locality="high-villag", good="rice", kg=-5,
        by="2024-11-20"))
    assert got.status_code == 422
    assert [d["loc"] for d in got.json()["detail"]] == [
        ["query", "dry"], ["body", "kg"], ["body", "locality"]]
    assert books.count() == before
    # Alone, it is said alone, as before.
    got = client.get("/api/me?x=1", headers=headers["viewer"])
    assert [d["loc"] for d in got.json()["detail"]] == [["query", "x"]]


def test_a_body_that_says_it_is_not_json_gets_415(served: Any) -> None:
    books, client, headers = served
    before = books.count()
    got = client.post("/api/entries", content=b'{"kind": "pledge"}',
                      headers={**headers["council"], "Content-Type": "text/plain"})
    assert got.status_code == 415
    assert got.json()["detail"] == [{
        "loc": ["header", "content-type"], "type": "unsupported_media_type",
        "msg": "expected a JSON body (Content-Type: application/json), got Content-Type: "
               "text/plain"}]
    assert books.count() == before
    # Without a Content-Type the body is not read as JSON either: it was refused as "expected
    # an object, got b'...'", the body (a password) echoed back.
    got = client.post("/api/login", content=b'{"name": "council", "password": "secret"}')
    assert got.status_code == 415
    assert got.json()["detail"] == [{
        "loc": ["header", "content-type"], "type": "unsupported_media_type",
        "msg": "expected a JSON body (Content-Type: application/json), got no Content-Type"}]


def test_a_body_nested_too_deep_or_where_none_is_read_gets_422(served: Any) -> None:
    """100,000 brackets were a 400 of a shape of its own; a body sent to POST /api/plans,
    which reads none, was ignored and a plan from the scenario's start put in force."""
    books, client, headers = served
    council = {**headers["council"], "Content-Type": "application/json"}
    before, plans = books.count(), len(books.plans())
    deep = {"loc": ["body"], "type": "json_invalid",
            "msg": "expected JSON nested at most 32 levels deep, got one nested deeper"}
    for body in (b"[" * 100_000 + b"]" * 100_000,
                 b'{"kind": "contribution", "note": ' + b"[" * 40 + b"]" * 40 + b"}"):
        got = client.post("/api/entries/batch", content=body, headers=council)
        assert (got.status_code, got.json()["detail"]) == (422, [deep])
    got = client.post("/api/plans", content=b'{"as_of": "2024-11-04"}', headers=council)
    assert got.status_code == 422
    assert got.json()["detail"] == [{
        "loc": ["body"], "type": "extra_forbidden",
        "msg": "expected no body (this request reads none), got '{\"as_of\": \"2024-11-04\"}'"}]
    assert (books.count(), len(books.plans())) == (before, plans)


def test_a_batch_says_an_entry_of_its_own_by_its_position(served: Any) -> None:
    """The second receipt of one convoy in a batch was refused as received by an entry id
    that the refused batch never wrote."""
    _books, client, headers = served
    council = headers["council"]
    assert client.post("/api/entries", headers=council, json=entry(
        "labour", date="2024-11-05", locality="high-village", persons=1, days=5,
        role="carrier", mode="porter")).status_code == 201
    sent = client.post("/api/entries", headers=council, json=entry(
        "dispatch", date="2024-11-05", from_="high-village", to="ridge-depot", mode="porter",
        units=1)).json()["id"]
    receipt = entry("receipt", date="2024-11-05", dispatch=sent)
    got = client.post("/api/entries/batch", json=[receipt, receipt], headers=council)
    assert got.status_code == 409
    assert got.json()["detail"] == [{
        "loc": ["body", 1, "dispatch"], "type": "conflict",
        "msg": f"convoy {sent} was already received (item 0 of this batch); correct that "
               "receipt"}]


def test_text_written_before_the_rules_on_text_still_reads(books: Books) -> None:
    """Control characters and blank reasons are refused when an entry is written; books
    written before, whose entries are read with the same schema, still read."""
    from supplyline.ops import parse_entry

    old = dict(contribution("high-village"), note="bell\x07")
    assert parse_entry(old).note == "bell\x07"
    assert parse_entry(entry("cancel", date="2024-11-03", corrects=1, reason=" ")).reason == " "
    with pytest.raises(EntryError, match="note: expected text without control characters, "
                                         "got U\\+0007 at character 5"):
        books.append(old, "clerk")


def test_a_good_named_by_digits_is_a_name_in_loc(served: Any) -> None:
    """Positions are numbers in a ``loc``; a key of the entry's own is not, even of digits
    (and "²", a digit to Python that int() cannot read, gave a server error)."""
    _books, client, headers = served
    for good in ("2024", "²"):
        got = client.post("/api/entries", headers=headers["council"], json=entry(
            "dispatch", date="2024-11-03", from_="ridge-depot", to="kestrel-town",
            mode="porter", units=1, cargo_kg={good: 5}))
        assert got.status_code == 422
        assert got.json()["detail"][0]["loc"] == ["body", "cargo_kg", good]


def test_a_key_written_twice_is_refused(served: Any) -> None:
    """JSON keeps the last of a key written twice: ``"kg": 1, "kg": 7`` was written as 7."""
    books, client, headers = served
    before = books.count()
    body = (b'{"kind": "contribution", "date": "2024-11-03", "locality": "high-village", '
            b'"good": "rice", "kg": 1, "kg": 7, "at": "ridge-depot"}')
    got = client.post("/api/entries", content=body,
                      headers={**headers["council"], "Content-Type": "application/json"})
    assert got.status_code == 422
    assert got.json()["detail"] == [{"loc": ["body", "kg"], "type": "value_error",
                                     "msg": "expected each key once in an object, got 'kg' "
                                            "again"}]
    assert books.count() == before
    # In a batch, at its position and depth.
    got = client.post("/api/entries/batch", content=b'[{"kind": "pledge"}, {"a": {"b": 1, '
                      b'"b": 2}, "kg": 1, "kg": 2}]',
                      headers={**headers["council"], "Content-Type": "application/json"})
    assert [d["loc"] for d in got.json()["detail"]] == [["body", 1, "a", "b"], ["body", 1, "kg"]]


def test_a_plan_that_cannot_be_made_is_a_409_not_a_bare_500(
        served: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The optimizer finding no plan (or stopping) is said as every refusal is, at the
    field that asked for it: the dashboard shows it rather than waiting on "Planning…"."""
    _books, client, headers = served

    def no_plan(*_args: object, **_kwargs: object) -> None:
        raise sl.PlanError("the optimizer stopped without a plan (solve error: test)")

    monkeypatch.setattr("supplyline.ops.api.replan", no_plan)
    # (the package by its module: ``supplyline.plan`` the attribute is the function)
    monkeypatch.setattr(sys.modules["supplyline.plan"], "plan", no_plan)
    # (from a day after every entry the module's tests write: one before them is refused)
    for path, body, loc in (("/api/replan", {"as_of": "2024-11-10"}, ["body", "as_of"]),
                            ("/api/plans", None, ["body"])):
        got = client.post(path, json=body, headers=headers["council"])
        assert got.status_code == 409, got.text
        assert got.json() == {"detail": [{
            "loc": loc, "type": "conflict",
            "msg": "no plan could be made: the optimizer stopped without a plan (solve "
                   "error: test)"}]}


def test_an_entry_written_while_a_replan_is_made_refuses_it_as_a_409(
        served: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A clerk's entry dated after the as-of day, written after the check and before the
    re-plan read the books (while the plan in force was being made): the re-plan's own
    refusal was a bare ValueError, a 500."""
    from supplyline.ops.replan import ReplanRefused

    _books, client, headers = served

    def refused(*_args: object, **_kwargs: object) -> None:
        raise ReplanRefused("expected a day on or after 2024-11-12 (test)")

    monkeypatch.setattr("supplyline.ops.api.replan", refused)
    got = client.post("/api/replan", json={"as_of": "2024-11-10", "keep": False},
                      headers=headers["council"])
    assert got.status_code == 409, got.text
    assert got.json() == {"detail": [{"loc": ["body", "as_of"], "type": "conflict",
                                      "msg": "expected a day on or after 2024-11-12 (test)"}]}


def test_a_number_written_as_text_is_refused(served: Any) -> None:
    """`"kg": "5"` was written as 5 kg: a value of the wrong type is a 422, as `true` was."""
    books, client, headers = served
    before = books.count()
    for field, value in (("kg", "5"), ("kg", True)):
        got = client.post("/api/entries", headers=headers["council"], json=contribution(
            "high-village") | {field: value})
        assert got.status_code == 422, got.text
        assert got.json()["detail"] == [{
            "loc": ["body", field], "type": "number_type",
            "msg": f"expected a number, got {value!r}" if isinstance(value, str) else
                   "expected a number, got true"}]
    labour = entry("labour", date="2024-11-03", locality="high-village", persons="3", days=2,
                   role="carrier", mode="porter")
    got = client.post("/api/entries", headers=headers["council"], json=labour)
    assert (got.status_code, got.json()["detail"][0]["loc"]) == (422, ["body", "persons"])
    assert books.count() == before


def test_a_write_sent_again_with_its_idempotency_key_is_written_once(served: Any) -> None:
    """A double click on Record, or a retry after an answer that was lost: the same request
    with the same ``Idempotency-Key`` is answered as the first time and written once."""
    books, client, headers = served
    before = books.count()
    keyed = {**headers["commune"], "Idempotency-Key": "form-7f3a"}
    first = client.post("/api/entries", json=contribution("high-village", 3), headers=keyed)
    again = client.post("/api/entries", json=contribution("high-village", 3), headers=keyed)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert books.count() == before + 1
    # The same key with another entry: refused at the header, nothing written.
    other = client.post("/api/entries", json=contribution("high-village", 4), headers=keyed)
    assert other.status_code == 422
    assert other.json()["detail"] == [{
        "loc": ["header", "idempotency-key"], "type": "value_error",
        "msg": "expected a new key for entries other than those first sent with it, got "
               "'form-7f3a' again"}]
    # A batch, sent twice.
    keyed["Idempotency-Key"] = "batch-1"
    batch = [contribution("high-village", 1), contribution("high-village", 2)]
    first = client.post("/api/entries/batch", json=batch, headers=keyed)
    again = client.post("/api/entries/batch", json=batch, headers=keyed)
    assert first.status_code == again.status_code == 201
    assert [e["id"] for e in again.json()] == [e["id"] for e in first.json()]
    assert books.count() == before + 3
    # A key that is not one: at the header.
    for bad in ("", "two words", "x" * 201):
        keyed["Idempotency-Key"] = bad
        got = client.post("/api/entries", json=contribution("high-village", 5), headers=keyed)
        assert got.status_code == 422, bad
        assert got.json()["detail"][0]["loc"] == ["header", "idempotency-key"]
    assert books.count() == before + 3


def test_each_refusal_a_route_gives_is_declared_in_its_openapi(served: Any) -> None:
    """Clients generated from /openapi.json knew only 200 and 422 (in FastAPI's shape):
    each refusal a route gives is declared there, in the one shape every refusal has."""
    from supplyline.ops.api import MAX_BODY_BYTES

    _books, client, headers = served
    spec = client.get("/openapi.json").json()
    council, viewer = headers["council"], headers["viewer"]
    json_type = {"Content-Type": "application/json"}

    def chunks() -> Iterator[bytes]:
        yield b'{"name": "council",'
        yield b' "password": "council-password"}'

    given = [
        ("get", "/api/me", client.get("/api/me")),
        ("get", "/api/entries", client.get("/api/entries?limit=0", headers=council)),
        ("get", "/api/accounts", client.get("/api/accounts", headers=viewer)),
        ("post", "/api/accounts", client.post("/api/accounts", headers=council, json={
            "name": "council", "password": "long enough", "role": "viewer"})),
        ("post", "/api/accounts", client.post("/api/accounts", headers=viewer, json={
            "name": "another", "password": "long enough", "role": "viewer"})),
        ("post", "/api/entries", client.post("/api/entries", headers=viewer,
                                             json=contribution("high-village"))),
        ("post", "/api/entries", client.post("/api/entries", content=b"x",
                                             headers={**council, "Content-Type": "text/plain"})),
        ("post", "/api/entries/batch", client.post(
            "/api/entries/batch", content=b" " * (MAX_BODY_BYTES + 1), headers=json_type)),
        ("post", "/api/login", client.post("/api/login", content=chunks(), headers=json_type)),
        ("post", "/api/login", client.post("/api/login", json={"name": "viewer",
                                                               "password": "wrong"})),
        ("post", "/api/replan", client.post("/api/replan", headers=viewer,
                                            json={"as_of": "2024-11-04"})),
        ("post", "/api/plans", client.post("/api/plans", headers=council, json={"a": 1})),
    ]
    seen = set()
    for method, path, got in given:
        seen.add(got.status_code)
        declared = spec["paths"][path][method]["responses"]
        assert str(got.status_code) in declared, (method, path, got.status_code)
        schema = declared[str(got.status_code)]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Refusal"}
        assert set(got.json()) == {"detail"}
        assert all(set(p) == {"loc", "msg", "type"} for p in got.json()["detail"])
    assert seen == {401, 403, 409, 411, 413, 415, 422}
    # The log-in declares its lock, and every route its 401 and 422.
    assert "429" in spec["paths"]["/api/login"]["post"]["responses"]
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            assert {"401", "422"} <= set(operation["responses"]), (method, path)


def test_a_refusal_says_at_most_a_thousand_problems(served: Any) -> None:
    """50,000 unknown fields were answered with 5.8 MB, one problem each: the first 1,000
    are said, then how many more there are."""
    from supplyline.ops.api import MAX_PROBLEMS

    books, client, headers = served
    before = books.count()
    body = {**contribution("high-village"), **{f"x{i}": 1 for i in range(MAX_PROBLEMS + 500)}}
    got = client.post("/api/entries", json=body, headers=headers["council"])
    assert got.status_code == 422
    detail = got.json()["detail"]
    assert len(detail) == MAX_PROBLEMS + 1
    assert detail[0] == {"loc": ["body", "x0"], "type": "extra_forbidden",
                         "msg": "expected a known field, got unknown field 'x0'"}
    assert detail[-1] == {"loc": [], "type": "too_many_problems",
                          "msg": "expected at most 1,000 problems said one by one, got 500 "
                                 "more, not said"}
    assert books.count() == before
    # A batch of 1,000 entries, one problem each, is said whole.
    got = client.post("/api/entries/batch", headers=headers["council"],
                      json=[{**contribution("high-village"), "kg": -1}] * 1000)
    assert len(got.json()["detail"]) == 1000
    assert got.json()["detail"][-1]["loc"] == ["body", 999, "kg"]


def test_the_entries_say_how_many_match_and_where_the_next_page_is(served: Any) -> None:
    """``GET /api/entries`` gave the 1,000 oldest entries and no sign that more were there:
    ``X-Total-Count`` says how many match the filters, and ``Link`` the next page."""
    books, client, headers = served
    wanted = [r.id for r in books.entries(until=dt.date(2024, 11, 2))]
    assert len(wanted) > 4
    got = client.get("/api/entries?until=2024-11-02&limit=2", headers=headers["viewer"])
    assert [e["id"] for e in got.json()] == wanted[:2]
    assert got.headers["X-Total-Count"] == str(len(wanted))
    assert got.headers["Link"] == ('</api/entries?until=2024-11-02&offset=2&limit=2>; '
                                   'rel="next"')
    # Followed, the links give every entry once, oldest first, and the last page none.
    seen, link = [], got.headers["Link"]
    while link:
        seen += [e["id"] for e in got.json()]
        got = client.get(link[1:link.index(">")], headers=headers["viewer"])
        link = got.headers.get("Link", "")
        assert got.headers["X-Total-Count"] == str(len(wanted))
    assert seen + [e["id"] for e in got.json()] == wanted
    # Newest first, and by default: all of them, the count with them, and no next page.
    got = client.get("/api/entries?newest=true", headers=headers["viewer"])
    assert got.headers["X-Total-Count"] == str(books.count()) == str(len(got.json()))
    assert "Link" not in got.headers
    # Documented in the OpenAPI: the default limit, the order and the headers.
    operation = client.get("/openapi.json").json()["paths"]["/api/entries"]["get"]
    said = " ".join(operation["description"].split())
    assert "at most ``limit`` (1,000 unless given)" in said and "oldest first" in said
    assert set(operation["responses"]["200"]["headers"]) == {"X-Total-Count", "Link"}


def test_a_body_that_is_not_utf8_is_said_at_the_body(served: Any) -> None:
    """A Latin-1 ``é`` in a note (as older tools send it) was a 400 without a field."""
    books, client, headers = served
    before, plans = books.count(), len(books.plans())
    note = (b'{"kind": "pledge", "date": "2024-11-06", "locality": "far-village", '
            b'"good": "rice", "kg": 5, "by": "2024-11-10", "note": "caf\xe9"}')
    json_type = {"Content-Type": "application/json"}
    for path, body in (("/api/entries", note), ("/api/entries/batch", b"[" + note + b"]"),
                       ("/api/login", b'{"name": "caf\xe9", "password": "x"}'),
                       ("/api/replan", b'{"as_of": "2024-11-04", "keep": "\xe9"}'),
                       ("/api/accounts", b'{"name": "caf\xe9", "password": "long enough", '
                                         b'"role": "viewer"}')):
        got = client.post(path, content=body, headers={**headers["council"], **json_type})
        assert got.status_code == 422, (path, got.text)
        assert got.json()["detail"] == [{
            "loc": ["body"], "type": "json_invalid",
            "msg": f"expected UTF-8 JSON, got byte 0xE9 at position {body.index(0xE9)}"}]
    assert (books.count(), len(books.plans())) == (before, plans)
    # Said so whatever charset the Content-Type names.
    got = client.post("/api/entries", content=note, headers={
        **headers["council"], "Content-Type": "application/json; charset=iso-8859-1"})
    assert (got.status_code, got.json()["detail"][0]["loc"]) == (422, ["body"])


def test_a_number_of_more_digits_than_json_reads_is_said_at_the_body(served: Any) -> None:
    """A whole number of 5,000 digits (a key held down) was a 400, 'There was an error
    parsing the body', in no field: Python reads at most 4,300 digits of one."""
    books, client, headers = served
    before, plans = books.count(), len(books.plans())
    digits = sys.get_int_max_str_digits()
    if digits == 0:
        pytest.skip("this Python reads whole numbers of any length")
    long = b"1" * (digits + 700)
    note = (b'{"kind": "pledge", "date": "2024-11-06", "locality": "far-village", '
            b'"good": "rice", "kg": ' + long + b', "by": "2024-11-10"}')
    json_type = {"Content-Type": "application/json"}
    # Said where the number starts (its sign too), not at digits as many in a string.
    replan = b'{"as_of": "2024-11-04", "note": "' + long + b'", "keep": -' + long + b"}"
    for path, body, at in (
            ("/api/entries", note, note.index(long)),
            ("/api/entries/batch", b"[" + note + b"]", note.index(long) + 1),
            ("/api/replan", replan, replan.index(b"-" + long))):
        got = client.post(path, content=body, headers={**headers["council"], **json_type})
        assert got.status_code == 422, (path, got.text)
        assert got.json()["detail"] == [{
            "loc": ["body"], "type": "json_invalid",
            "msg": f"expected a JSON document whose whole numbers have at most {digits:,} "
                   f"digits, got one of {digits + 700:,} digits at character {at}"}]
    assert (books.count(), len(books.plans())) == (before, plans)


def test_keep_is_true_or_false_and_nothing_else(served: Any) -> None:
    """``"keep": "yes"`` kept the re-plan, and ``"no"`` or ``0`` did not: values keep
    their JSON type, true and false too."""
    books, client, headers = served
    plans = len(books.plans())
    for keep, got_said in (("yes", "'yes'"), ("no", "'no'"), ("off", "'off'"), (0, "0"),
                           (1, "1"), ("true", "'true'")):
        got = client.post("/api/replan", json={"as_of": "2024-11-04", "keep": keep},
                          headers=headers["council"])
        assert got.status_code == 422, keep
        assert got.json()["detail"] == [{"loc": ["body", "keep"], "type": "bool_type",
                                         "msg": f"expected true or false, got {got_said}"}]
    assert len(books.plans()) == plans


def test_an_idempotency_key_given_twice_is_refused(served: Any) -> None:
    """A second ``Idempotency-Key`` was dropped without a word: a retry that carried it
    wrote the entry again."""
    books, client, headers = served
    before = books.count()
    keys = [*headers["commune"].items(), ("Idempotency-Key", "twice-1"),
            ("Idempotency-Key", "twice-2")]
    got = client.post("/api/entries", json=contribution("high-village", 6), headers=keys)
    assert got.status_code == 422
    assert got.json()["detail"] == [{"loc": ["header", "idempotency-key"], "type": "value_error",
                                     "msg": "expected one key, got 2: 'twice-1', 'twice-2'"}]
    got = client.post("/api/entries/batch", json=[contribution("high-village", 6)],
                      headers=keys)
    assert got.status_code == 422
    assert books.count() == before
    # Either key alone writes the entry, once.
    for _ in range(2):
        assert client.post("/api/entries", json=contribution("high-village", 6), headers={
            **headers["commune"], "Idempotency-Key": "twice-2"}).status_code == 201
    assert books.count() == before + 1


def test_an_unknown_locality_leaves_at_unjudged(served: Any) -> None:
    """``at`` may name the locality itself: while the locality is unknown, a locality at
    ``at`` was flagged too, though it may be the right one."""
    _books, client, headers = served
    for at, flagged in (("high-village", [["body", "locality"]]),
                        ("ridge-depot", [["body", "locality"]]),
                        ("moon", [["body", "locality"], ["body", "at"]])):
        got = client.post("/api/entries", headers=headers["council"], json=entry(
            "contribution", date="2024-11-06", locality="nowhere", good="rice", kg=5, at=at))
        assert got.status_code == 422
        assert [d["loc"] for d in got.json()["detail"]] == flagged, at
    assert got.json()["detail"][1]["msg"].startswith("expected a place (bridge, ")


def test_the_state_and_the_button_read_the_route_reports_of_their_day(tmp_path: Path) -> None:
    """A strike reported on 12 Nov was not in the State as of 12 Nov (no route damage); a
    re-plan from before the last entries planned as if they had not been written; and the
    button's words (the Re-plan page's) said how short the fronts go, not why."""
    books, client, council = council_client(tmp_path / "books.db")
    for route in ("ridge-road", "gorge-path"):
        assert client.post("/api/entries", headers=council, json=entry(
            "route", date="2024-11-08", route=route, status="closed")).status_code == 201
    assert client.post("/api/entries", headers=council, json=entry(
        "route", date="2024-11-12", route="bridge-road", status="strike",
        capacity_lost=1.0)).status_code == 201
    repair = next(r.repair_days for r in books.scenario.routes if r.key == "bridge-road")
    state = client.get("/api/state?as_of=2024-11-12", headers=council).json()
    assert state["route_damage"] == {"bridge-road": 1.0}
    assert state["route_damage_days"] == {"bridge-road": repair + 1}  # from that day on
    assert client.get("/api/state?as_of=2024-11-11",
                      headers=council).json()["route_damage"] == {}
    got = client.post("/api/replan", json={"as_of": "2024-11-10"}, headers=council)
    assert got.status_code == 409, got.text
    assert got.json()["detail"] == [{
        "loc": ["body", "as_of"], "type": "conflict",
        "msg": "expected a day on or after 2024-11-12, the date of the last entry, got "
               "2024-11-10: the books hold an entry dated after 2024-11-10 (the last on "
               "2024-11-12), which a re-plan from 2024-11-10 would leave out; re-plan from "
               "2024-11-13 (the books' today), or cancel the entries dated by mistake"}]
    assert client.get("/api/plans", headers=council).json() == []  # nothing planned or kept
    done = client.post("/api/replan", json={"as_of": "2024-11-12", "keep": False},
                       headers=council)
    assert done.status_code == 200, done.text
    outcome = done.json()["outcome"]
    assert outcome[0].startswith("The re-plan leaves the fronts 42.8 t short of the 42.8 t")
    assert outcome[1] == ("Kestrel town is short of rice by 42.8 t (from 12 Nov 2024). What "
                          "binds: no rice can reach Kestrel town within the plan from where "
                          "any is held or given.")
    books.close()


def test_a_whole_number_too_large_to_read_is_said_against_its_bound(served: Any) -> None:
    """``"persons": 1e20`` was refused as "expected Unable to parse input string as an
    integer, exceeded maximum size, got 1e+20" (pydantic's words); it is said as a number
    merely too large is, against the field's own bound."""
    _books, client, headers = served
    labour = entry("labour", date="2024-11-03", locality="high-village", persons=1e20,
                   days=3, role="road_crew")
    got = client.post("/api/entries", json=labour, headers=headers["council"])
    assert got.status_code == 422
    assert got.json()["detail"] == [{
        "loc": ["body", "persons"], "type": "int_parsing_size",
        "msg": "expected a number of at most 1,000,000,000, got 1e+20"}]
    got = client.post("/api/entries", json={**contribution("high-village"), "corrects": 1e20},
                      headers=headers["council"])
    assert got.json()["detail"][0]["msg"] == (
        f"expected a number of at most {2**62:,}, got 1e+20")


def test_a_number_too_large_for_a_number_field_is_said_against_its_bound(served: Any) -> None:
    """A 401-digit ``"kg"`` (more than a float holds) was refused as "expected a number,
    got 1000…": a number. It is said against the field's bound, as a whole-number field's
    is, in a field of its own, a dict's value (``cargo_kg.rice``) or a list's item
    (``losses.0.kg``); a negative one against the bound below."""
    _books, client, headers = served
    big = 10**400
    shown = "1" + "0" * 58 + "…"  # (as a value is shown, cut short)
    dispatch_ = entry("dispatch", date="2024-11-03", from_="ridge-depot", to="kestrel-town",
                      mode="porter", units=1)
    for data, loc, says in (
            (contribution("high-village", kg=big), ["body", "kg"],
             "a number of at most 1,000,000,000,000"),
            (contribution("high-village", kg=-big), ["body", "kg"],
             "a number greater than 0, got -" + "1" + "0" * 57 + "…"),
            ({**dispatch_, "cargo_kg": {"rice": big}}, ["body", "cargo_kg", "rice"],
             "a number of at most 1,000,000,000,000"),
            ({**dispatch_, "units": big}, ["body", "units"], "a number of at most 1,000,000,000"),
            (entry("labour", date="2024-11-03", locality="high-village", persons=1, days=big,
                   role="road_crew"), ["body", "days"], "a number of at most 100,000"),
            (entry("route", date="2024-11-03", route="ridge-road", status="damage",
                   capacity_lost=big), ["body", "capacity_lost"], "a number of at most 1"),
            (entry("receipt", date="2024-11-03", dispatch=5, received_kg={"rice": big}),
             ["body", "received_kg", "rice"], "a number of at most 1,000,000,000,000"),
            (entry("receipt", date="2024-11-03", dispatch=5, losses=[
                {"good": "rice", "kg": big, "reason": "raid"}]), ["body", "losses", 0, "kg"],
             "a number of at most 1,000,000,000,000")):
        got = client.post("/api/entries", json=data, headers=headers["council"])
        assert got.status_code == 422, got.text
        if ", got " not in says:
            says += f", got {shown}"
        assert [(d["loc"], d["msg"]) for d in got.json()["detail"]] == [
            (loc, f"expected {says}")], data
    # In a batch too, and a whole number too large to read below its bound.
    got = client.post("/api/entries/batch", headers=headers["council"], json=[
        contribution("high-village"), entry("labour", date="2024-11-03",
                                            locality="high-village", persons=-1e20, days=3,
                                            role="road_crew")])
    assert [(d["loc"], d["msg"]) for d in got.json()["detail"]] == [
        (["body", 1, "persons"], "expected a number greater than 0, got -1e+20")]


def test_a_number_beyond_a_float_is_said_as_written(served: Any) -> None:
    """``"kg": 1e400`` (more than a float holds, which Python reads as inf) was refused as
    "expected a finite number, got inf", not what the clerk wrote; it is said as written,
    against the field's bound as a 400-digit kg is. ``1e-400`` (read as 0.0) was "expected
    a number greater than 0, got 0.0": it is the tiny number it is, as the scenario reads it."""
    books, client, headers = served
    before, plans = books.count(), len(books.plans())
    council = {**headers["council"], "Content-Type": "application/json"}
    pledge = ('{"kind": "pledge", "date": "2024-11-06", "locality": "far-village", '
              '"good": "rice", "kg": %s, "by": "2024-11-10"}')
    dispatch_ = ('{"kind": "dispatch", "date": "2024-11-03", "from": "ridge-depot", '
                 '"to": "kestrel-town", "mode": "porter", "units": 1, "cargo_kg": {"rice": %s}}')
    labour = ('{"kind": "labour", "date": "2024-11-03", "locality": "high-village", '
              '"persons": %s, "days": 3, "role": "road_crew"}')
    for path, body, loc, message in (
            ("/api/entries", pledge % "1e400", ["body", "kg"],
             "expected a number of at most 1,000,000,000,000, got 1e400"),
            ("/api/entries", pledge % "-1.5E+400", ["body", "kg"],
             "expected a number greater than 0, got -1.5E+400"),
            ("/api/entries/batch", f"[{pledge % 1}, {dispatch_ % '2e999'}]",
             ["body", 1, "cargo_kg", "rice"],
             "expected a number of at most 1,000,000,000,000, got 2e999"),
            ("/api/entries", labour % "1e400", ["body", "persons"],
             "expected a number of at most 1,000,000,000, got 1e400"),
            ("/api/entries", labour % "1e-400", ["body", "persons"],
             "expected a whole number, got 1e-400"),
            ("/api/entries", pledge % "Infinity", ["body", "kg"],
             "expected a number of at most 1,000,000,000,000, got Infinity"),
            ("/api/entries", pledge % "NaN", ["body", "kg"], "expected a finite number, got NaN"),
            ("/api/replan", '{"as_of": "2024-11-04", "keep": 1e400}', ["body", "keep"],
             "expected true or false, got 1e400")):
        got = client.post(path, content=body.encode(), headers=council)
        assert got.status_code == 422, got.text
        assert [(d["loc"], d["msg"]) for d in got.json()["detail"]] == [(loc, message)], body
    # A kg of 1e-400 is no problem of its own: the pledge's misspelt locality is the one.
    got = client.post("/api/entries", content=(pledge % "1e-400").replace(
        "far-village", "far-vilage").encode(), headers=council)
    assert [d["loc"] for d in got.json()["detail"]] == [["body", "locality"]]
    assert (books.count(), len(books.plans())) == (before, plans)


def test_an_id_or_account_name_in_other_capitals_is_refused_with_the_one_meant(
        served: Any) -> None:
    """Ids are matched as written, as the scenario's are: ``"Rice"`` or ``" ridge-depot"``
    was refused with every id listed but not the one meant (24 places on the built-in
    scenario); it is said with it. An account ``"Council"`` beside ``council`` had been
    made, a second clerk told apart by capitals alone: it is a 409 at the name."""
    books, client, headers = served
    before, names = books.count(), [a.name for a in accounts(books)]
    places = "bridge, district-hospital, far-village, high-village, kestrel-town, ridge-depot"
    dispatch_ = entry("dispatch", date="2024-11-03", from_=" ridge-depot", to="Kestrel-Town",
                      mode="Porter", units=1, cargo_kg={"Rice": 5})
    for data, problems in (
            (contribution("High-Village"), [
                (["body", "locality"], "expected a locality (far-village, high-village, "
                                       "river-village, terrace-village; did you mean "
                                       "'high-village'?), got 'High-Village'")]),
            # (with one good to choose, the list says it; a place of another kind is meant)
            ({**contribution("high-village"), "good": "Rice", "at": "far-village"}, [
                (["body", "good"], "expected a good counted in kg (rice), got 'Rice'"),
                (["body", "at"], "expected the locality itself or a place that is not a "
                                 "locality (bridge, district-hospital, kestrel-town, "
                                 "ridge-depot), got 'far-village'")]),
            (dispatch_, [
                (["body", "from"], f"expected a place ({places}, river-village, "
                                   "terrace-village; did you mean 'ridge-depot'?), got "
                                   "' ridge-depot'"),
                (["body", "to"], f"expected a place ({places}, river-village, "
                                 "terrace-village; did you mean 'kestrel-town'?), got "
                                 "'Kestrel-Town'"),
                (["body", "mode"], "expected a mode (bicycle, porter; did you mean "
                                   "'porter'?), got 'Porter'"),
                (["body", "cargo_kg", "Rice"], "expected a good counted in kg (rice), got "
                                               "'Rice'")]),
            (entry("route", date="2024-11-03", route="Ridge-Road", status="closed"), [
                (["body", "route"], "expected a route id (bridge-road, far-village--bridge, "
                                    "gorge-path, high-village--ridge-depot, "
                                    "ridge-depot--district-hospital, ridge-road, "
                                    "river-village--bridge, terrace-village--bridge; did "
                                    "you mean 'ridge-road'?), got 'Ridge-Road'")])):
        got = client.post("/api/entries", json=data, headers=headers["council"])
        assert got.status_code == 422, got.text
        assert [(d["loc"], d["msg"]) for d in got.json()["detail"]] == problems, data
    assert books.count() == before
    # An account's place, and its name.
    new = {"name": "high2", "password": "a long one", "role": "commune",
           "place": "High-Village"}
    got = client.post("/api/accounts", json=new, headers=headers["council"])
    assert got.json()["detail"] == [{
        "loc": ["body", "place"], "type": "value_error",
        "msg": "expected a locality for a commune clerk (far-village, high-village, "
               "river-village, terrace-village; did you mean 'high-village'?), got "
               "'High-Village'"}]
    for name, other in (("Council", "council"), ("DEPOT", "depot")):
        got = client.post("/api/accounts", headers=headers["council"], json={
            **new, "name": name, "place": "high-village"})
        assert got.status_code == 409, got.text
        assert got.json()["detail"] == [{
            "loc": ["body", "name"], "type": "conflict",
            "msg": f"expected a name no account has, in any capitals, got {name!r}: "
                   f"account {other!r} has it"}]
    assert [a.name for a in accounts(books)] == names
    with pytest.raises(EntryError) as refused:
        add_account(books, "Viewer", "a long one", "viewer")
    assert (refused.value.field, refused.value.status) == ("name", 409)
    assert [a.name for a in accounts(books)] == names


def test_a_route_named_by_its_ends_or_by_a_place_is_said_so(served: Any) -> None:
    """A route report's ``ridge-depot--kestrel-town`` was said as maybe
    ``ridge-depot--district-hospital`` (the id spelt most like it), and ``ridge-depot`` as
    maybe ``ridge-road``: it is said with the route between those places, as the scenario's
    check says it, and a place as a place."""
    _books, client, headers = served
    routes = ("bridge-road, far-village--bridge, gorge-path, high-village--ridge-depot, "
              "ridge-depot--district-hospital, ridge-road, river-village--bridge, "
              "terrace-village--bridge")
    for route, said_ in (
            ("ridge-depot--kestrel-town", f"({routes}; the route between those places is "
                                          "'ridge-road'), got 'ridge-depot--kestrel-town'"),
            ("bridge--river-village", f"({routes}; the route between those places is "
                                      "'river-village--bridge'), got 'bridge--river-village'"),
            ("ridge-depot", f"({routes}), got 'ridge-depot' (a place)"),
            ("Gorge-Path", f"({routes}; did you mean 'gorge-path'?), got 'Gorge-Path'")):
        got = client.post("/api/entries", headers=headers["council"], json=entry(
            "route", date="2024-11-03", route=route, status="closed"))
        assert got.status_code == 422, got.text
        assert got.json()["detail"] == [{"loc": ["body", "route"], "type": "value_error",
                                         "msg": f"expected a route id {said_}"}]
    # The ledger's filter of a place's or a route's entries too.
    got = client.get("/api/entries?place=kestrel-town--ridge-depot", headers=headers["viewer"])
    assert got.json()["detail"][0]["msg"] == (
        "expected the id of a place or a route of the scenario (the route between those "
        "places is 'ridge-road'), got 'kestrel-town--ridge-depot'")


def test_a_key_of_kg_by_good_is_said_at_the_key(served: Any) -> None:
    """``"cargo_kg": {"": 2}`` was said at ``["body", "cargo_kg", "", "[key]"]`` (a marker
    of pydantic's own) as "expected at least 1 character": said at the key, as a problem of
    its kg is, and as one of the key."""
    books, client, headers = served
    before = books.count()
    dispatch_ = entry("dispatch", date="2024-11-03", from_="ridge-depot", to="kestrel-town",
                      mode="porter", units=1)
    long = "g" * 201
    for data, problems in (
            ({**dispatch_, "cargo_kg": {"": 2}}, [
                (["body", "cargo_kg", ""], "expected a key naming a good, of at least 1 "
                                           "character, got an empty key")]),
            (entry("receipt", date="2024-11-03", dispatch=5, received_kg={long: 2}), [
                (["body", "received_kg", long], "expected a key naming a good, of at most 200 "
                                                "characters, got a key of 201 characters")]),
            # A good named "[key]" is a good: its kg is said at it.
            ({**dispatch_, "cargo_kg": {"[key]": -1}}, [
                (["body", "cargo_kg", "[key]"], "expected a number of at least 0, got -1")])):
        got = client.post("/api/entries", json=data, headers=headers["council"])
        assert got.status_code == 422, got.text
        assert [(d["loc"], d["msg"]) for d in got.json()["detail"]] == problems
    # The Python API says it at the key too.
    with pytest.raises(EntryError) as refused:
        books.append({**dispatch_, "cargo_kg": {"": 2}}, "clerk")
    assert refused.value.problems == [
        ("cargo_kg.", "expected a key naming a good, of at least 1 character, got an empty key")]
    assert books.count() == before


def test_an_empty_body_is_said_as_a_wrong_one_is(served: Any) -> None:
    """An empty JSON body was said as "expected a value, got nothing", where a body of the
    wrong type hears what the route reads: "expected an object {name: value, ...}"."""
    books, client, headers = served
    before, plans = books.count(), len(books.plans())
    json_type = {**headers["council"], "Content-Type": "application/json"}
    for path, expected in (("/api/entries", "an object {name: value, ...}"),
                           ("/api/entries/batch", "a list"),
                           ("/api/login", "an object {name: value, ...}"),
                           ("/api/accounts", "an object {name: value, ...}"),
                           ("/api/replan", "an object {name: value, ...}")):
        wrong = client.post(path, content=b"5", headers=json_type).json()["detail"]
        assert [d["msg"] for d in wrong] == [f"expected {expected}, got 5"], path
        for sent in (json_type, headers["council"]):
            got = client.post(path, content=b"", headers=sent)
            assert got.status_code == 422, (path, got.text)
            assert got.json()["detail"] == [{
                "loc": ["body"], "type": "missing",
                "msg": f"expected {expected}, got an empty body"}], path
    assert (books.count(), len(books.plans())) == (before, plans)
