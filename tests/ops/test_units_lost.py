"""Carriers lost on the way: a receipt says how many units of its convoy did not come back
and why; they do not wait at the destination, leave service (their carriers owe no more
days), show on the overview, and owned ones are not owned any more in a re-plan. They are
the convoy's own units, each home's in proportion to its units on it: a home whose units
were not on it loses none. Losing more units than were sent is refused at the field, and
nothing is written. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import pytest

import supplyline as sl
from supplyline.ops import Books
from supplyline.ops.overview import Views
from supplyline.ops.replan import lost_by_home, recorded_state, replan
from tests.ops.conftest import council_client, day, entry
from tests.ops.test_books import refused


def porters_to_depot(books: Books, sc: sl.Scenario, persons: int = 40) -> int:
    """``persons`` porters of the high village registered for 20 days and sent to the ridge
    depot with 20 kg of rice each: the convoy's id."""
    books.append(entry("labour", date=day(sc, 0), locality="high-village", persons=persons,
                       days=20, role="carrier", mode="porter"), "commune")
    books.append(entry("contribution", date=day(sc, 0), locality="high-village", good="rice",
                       kg=20 * persons, at="high-village"), "commune")
    return books.append(entry("dispatch", date=day(sc, 0), from_="high-village",
                              to="ridge-depot", mode="porter", units=persons,
                              cargo_kg={"rice": 20 * persons}), "council").id


def test_units_lost_on_the_way_leave_the_books_state(books: Books,
                                                      tutorial: sl.Scenario) -> None:
    convoy = porters_to_depot(books, tutorial)
    books.append(entry("receipt", date=day(tutorial, 1), dispatch=convoy,
                       received_kg={"rice": 750},
                       losses=[{"good": "rice", "kg": 50, "reason": "strike"}],
                       units_lost=[{"units": 3, "reason": "strike"},
                                   {"units": 1, "reason": "illness"}]), "depot")
    held = books.balances()
    assert held[("ridge-depot", "unit:porter")] == pytest.approx(36)
    assert held[("ridge-depot", "unitlost:strike:porter")] == pytest.approx(3)
    assert held[("ridge-depot", "unitlost:illness:porter")] == pytest.approx(1)
    assert held[("high-village", "service:porter")] == pytest.approx(40)  # put in service

    net = sl.compile_network(tutorial)
    s = recorded_state(books, net, tutorial.start_date + dt.timedelta(days=5))
    p, porter = net.place_ids.index, net.mode_ids.index("porter")
    assert s.units_idle[p("ridge-depot"), porter] == pytest.approx(36)
    assert s.in_service[p("high-village"), porter] == pytest.approx(36)
    assert s.persons[p("high-village")] == 40  # given, lost or not
    # 36 carriers owe 20 - 5 days each, at their home; the 4 lost owe nothing.
    assert s.labour_days_left[p("high-village"), porter] == pytest.approx(36 * 15)
    assert s.labour_days_left.sum() == pytest.approx(36 * 15)
    from supplyline.ops.overview import state_json  # (GET /api/state: by home and mode)
    assert state_json(s, net)["labour_days_left"] == {"high-village": {"porter": 540.0}}
    s.check(net)

    overview = Views(books).overview()
    assert overview["units_lost"] == [{"reason": "illness", "mode": "porter", "units": 1.0},
                                      {"reason": "strike", "mode": "porter", "units": 3.0}]
    assert overview["losses"] == [{"reason": "strike", "good": "rice", "kg": 50.0}]


def test_losing_more_units_than_were_sent_is_refused(books: Books,
                                                     tutorial: sl.Scenario) -> None:
    convoy = porters_to_depot(books, tutorial, persons=10)
    refused(books, entry("receipt", date=day(tutorial, 1), dispatch=convoy,
                         received_kg={"rice": 200},
                         units_lost=[{"units": 6, "reason": "raid"},
                                     {"units": 5, "reason": "desertion"}]),
            "units_lost.1.units", "at most the 10 units the convoy took lost in all, got 11")
    refused(books, entry("receipt", date=day(tutorial, 1), dispatch=convoy,
                         received_kg={"rice": 200},
                         units_lost=[{"units": 1, "reason": "ambush"}]),
            "units_lost.0.reason", "strike")
    # Carriers are counted whole, sent or lost (half a porter used to be taken).
    refused(books, entry("receipt", date=day(tutorial, 1), dispatch=convoy,
                         received_kg={"rice": 200},
                         units_lost=[{"units": 0.5, "reason": "illness"}]),
            "units_lost.0.units", "expected a whole number of units, got 0.5")
    refused(books, entry("dispatch", date=day(tutorial, 1), from_="ridge-depot",
                         to="kestrel-town", mode="porter", units=2.5, cargo_kg={}),
            "units", "expected a whole number of units, got 2.5")
    # All of them lost is a receipt like any other; no units wait at the depot.
    books.append(entry("receipt", date=day(tutorial, 1), dispatch=convoy,
                       received_kg={"rice": 200},
                       units_lost=[{"units": 10, "reason": "raid"}]), "depot")
    assert books.balances().get(("ridge-depot", "unit:porter"), 0.0) == 0.0


def test_a_corrected_receipt_brings_the_units_back(books: Books,
                                                   tutorial: sl.Scenario) -> None:
    convoy = porters_to_depot(books, tutorial, persons=10)
    first = books.append(entry("receipt", date=day(tutorial, 1), dispatch=convoy,
                               received_kg={"rice": 200},
                               units_lost=[{"units": 4, "reason": "strike"}]), "depot").id
    books.append(entry("receipt", date=day(tutorial, 1), dispatch=convoy, corrects=first,
                       received_kg={"rice": 200},
                       units_lost=[{"units": 1, "reason": "breakdown"}]), "depot")
    held = books.balances()
    assert held[("ridge-depot", "unit:porter")] == pytest.approx(9)
    assert held[("ridge-depot", "unitlost:strike:porter")] == pytest.approx(0)
    assert held[("ridge-depot", "unitlost:breakdown:porter")] == pytest.approx(1)


def test_a_receipt_corrected_to_lose_units_sent_on_is_refused_at_its_losses(
        books: Books, tutorial: sl.Scenario) -> None:
    """The refusal was at received_kg.unit:porter, a name of the books' own (and the
    dashboard marked the received-kg box): the units are those the receipt says lost."""
    convoy = porters_to_depot(books, tutorial, persons=10)
    got = books.append(entry("receipt", date=day(tutorial, 1), dispatch=convoy,
                             received_kg={"rice": 200}), "depot").id
    books.append(entry("dispatch", date=day(tutorial, 2), from_="ridge-depot",
                       to="kestrel-town", mode="porter", units=10, cargo_kg={}), "depot")
    refused(books, entry("receipt", date=day(tutorial, 1), dispatch=convoy, corrects=got,
                         received_kg={"rice": 200},
                         units_lost=[{"units": 2, "reason": "illness"}]),
            "units_lost", "this entry would leave -2 units")


def test_owned_carriers_lost_are_shared_among_their_homes(books: Books,
                                                          tutorial: sl.Scenario) -> None:
    """Bicycles of two villages meet at the bridge; a convoy of them loses 5: the books do
    not say whose, so the convoy took of the bicycles at the bridge in proportion, and the
    two homes lose them so (30 to 10)."""
    sent = []
    for village, units in (("river-village", 30), ("far-village", 10)):
        books.append(entry("contribution", date=day(tutorial, 0), locality=village,
                           good="rice", kg=100, at=village), "commune")
        sent.append(books.append(entry("dispatch", date=day(tutorial, 0), from_=village,
                                       to="bridge", mode="bicycle", units=units,
                                       cargo_kg={"rice": 100}), "council").id)
    for convoy in sent:
        books.append(entry("receipt", date=day(tutorial, 0), dispatch=convoy,
                           received_kg={"rice": 100}), "council")
    onward = books.append(entry("dispatch", date=day(tutorial, 1), from_="bridge",
                                to="ridge-depot", mode="bicycle", units=20), "council").id
    books.append(entry("receipt", date=day(tutorial, 2), dispatch=onward,
                       units_lost=[{"units": 5, "reason": "strike"}]), "council")
    net = sl.compile_network(tutorial)
    bike = net.mode_ids.index("bicycle")
    lost = lost_by_home(books, net)[:, bike]
    p = net.place_ids.index
    assert lost[p("river-village")] == pytest.approx(3.75)
    assert lost[p("far-village")] == pytest.approx(1.25)
    assert lost.sum() == pytest.approx(5)
    s = recorded_state(books, net, tutorial.start_date + dt.timedelta(days=3))
    assert s.in_service[:, bike].sum() == pytest.approx(35)
    assert s.units_idle[:, bike].sum() == pytest.approx(35)
    assert np.all(s.in_service >= 0)
    s.check(net)
    # The re-plan's villages own the bicycles they have left.
    done = replan(books, tutorial.start_date + dt.timedelta(days=3))
    owned = done.plan.network.carriers_owned[:, bike]
    assert owned[p("river-village")] == pytest.approx(40 - 3.75)
    assert owned[p("far-village")] == pytest.approx(30 - 1.25)
    assert done.plan.status == "optimal"


def test_a_loss_is_not_shared_with_units_put_into_service_after_it(
        books: Books, tutorial: sl.Scenario) -> None:
    """The losses were shared by the homes' units in service when the books were read: a
    village whose bicycles went into service after a breakdown took a share of it, and the
    other village's count went up again as the days went by."""
    def bicycles(village: str, date: int, units: int) -> int:
        books.append(entry("contribution", date=day(tutorial, date), locality=village,
                           good="rice", kg=100, at=village), "commune")
        return books.append(entry("dispatch", date=day(tutorial, date), from_=village,
                                  to="bridge", mode="bicycle", units=units,
                                  cargo_kg={"rice": 100}), "council").id

    convoy = bicycles("river-village", 1, 20)
    books.append(entry("receipt", date=day(tutorial, 2), dispatch=convoy,
                       received_kg={"rice": 100},
                       units_lost=[{"units": 1, "reason": "breakdown"}]), "council")
    later = bicycles("far-village", 5, 10)
    books.append(entry("receipt", date=day(tutorial, 5), dispatch=later,
                       received_kg={"rice": 100}), "council")
    net = sl.compile_network(tutorial)
    bike = net.mode_ids.index("bicycle")
    p = net.place_ids.index
    for days in (4, 6, 8):
        s = recorded_state(books, net, tutorial.start_date + dt.timedelta(days=days))
        assert s.in_service[p("river-village"), bike] == pytest.approx(19)
        assert s.in_service[p("far-village"), bike] == pytest.approx(10 if days > 5 else 0)
    # A convoy from the bridge, where both wait, takes of both by their units there.
    onward = books.append(entry("dispatch", date=day(tutorial, 6), from_="bridge",
                                to="ridge-depot", mode="bicycle", units=29), "council").id
    books.append(entry("receipt", date=day(tutorial, 7), dispatch=onward,
                       units_lost=[{"units": 3, "reason": "strike"}]), "council")
    lost = lost_by_home(books, net)[:, bike]
    assert lost[p("river-village")] == pytest.approx(1 + 3 * 19 / 29)
    assert lost[p("far-village")] == pytest.approx(3 * 10 / 29)
    # Read as of the day of the loss, it is not yet counted.
    on_the_day = tutorial.start_date + dt.timedelta(days=7)
    assert lost_by_home(books, net, on_the_day)[:, bike].sum() == pytest.approx(1)


def test_whole_carriers_are_answered_as_whole_numbers(tmp_path: Path) -> None:
    """A convoy of ``"units": 20`` was answered ``"units": 20.0`` (in the entry written,
    the ledger, its CSV and the overview's units lost), though half a carrier is refused:
    a count of carriers is said as the integer it is."""
    books, client, council = council_client(tmp_path / "books.db")
    for data in (
        entry("labour", date="2024-11-01", locality="high-village", persons=20, days=20,
              role="carrier", mode="porter"),
        entry("contribution", date="2024-11-01", locality="high-village", good="rice",
              kg=400, at="high-village"),
        entry("dispatch", date="2024-11-01", from_="high-village", to="ridge-depot",
              mode="porter", units=20, cargo_kg={"rice": 400}),
        entry("receipt", date="2024-11-02", dispatch=3, received_kg={"rice": 400},
              units_lost=[{"units": 2.0, "reason": "illness"}]),
    ):
        got = client.post("/api/entries", json=data, headers=council)
        assert got.status_code == 201, got.text
    said = got.json()["entry"]["units_lost"][0]["units"]
    assert said == 2 and isinstance(said, int), said
    ledger = client.get("/api/entries", headers=council).json()
    units = [ledger[2]["entry"]["units"], ledger[3]["entry"]["units_lost"][0]["units"]]
    assert units == [20, 2] and all(isinstance(u, int) for u in units), units
    rows = list(csv.DictReader(io.StringIO(client.get("/api/entries.csv",
                                                      headers=council).text)))
    written = [json.loads(rows[2]["entry"])["units"],
               json.loads(rows[3]["entry"])["units_lost"][0]["units"]]
    assert written == [20, 2] and all(isinstance(u, int) for u in written), rows
    lost = client.get("/api/overview", headers=council).json()["units_lost"]
    assert lost == [{"reason": "illness", "mode": "porter", "units": 2}]
    assert isinstance(lost[0]["units"], int)
    books.close()


def test_porters_who_never_left_their_village_are_not_lost(tmp_path: Path) -> None:
    """Terrace village's 7 porters waited at home while a high village convoy lost one:
    the lost porter was shared among all the homes in service, and the State (GET
    /api/state, and the State a re-plan starts from and answers with) counted 6.6 of
    Terrace village's in service, owing fewer days. It was the high village's."""
    books, client, council = council_client(tmp_path / "books.db")
    sc = books.scenario
    for data in (
        entry("labour", date=day(sc, 0), locality="high-village", persons=11, days=20,
              role="carrier", mode="porter"),
        entry("labour", date=day(sc, 0), locality="terrace-village", persons=7, days=20,
              role="carrier", mode="porter"),
        entry("dispatch", date=day(sc, 0), from_="high-village", to="ridge-depot",
              mode="porter", units=11, cargo_kg={}),
        entry("receipt", date=day(sc, 1), dispatch=3,
              units_lost=[{"units": 1, "reason": "illness"}]),
    ):
        got = client.post("/api/entries", json=data, headers=council)
        assert got.status_code == 201, got.text
    serving = {"high-village": {"porter": 10}, "terrace-village": {"porter": 7}}
    owed = {"high-village": {"porter": 10 * 17}, "terrace-village": {"porter": 7 * 17}}
    state = client.get(f"/api/state?as_of={day(sc, 3)}", headers=council).json()
    assert state["in_service"] == serving
    assert state["labour_days_left"] == owed
    replanned = client.post("/api/replan", json={"as_of": day(sc, 3), "keep": False},
                            headers=council)
    assert replanned.status_code == 200, replanned.text
    assert replanned.json()["state"]["in_service"] == serving
    assert replanned.json()["state"]["labour_days_left"] == owed
    net = sl.compile_network(sc)
    lost = lost_by_home(books, net)[:, net.mode_ids.index("porter")]
    assert lost[net.place_ids.index("high-village")] == 1
    assert lost.sum() == 1
    books.close()


def test_two_homes_porters_that_travel_together_share_their_losses(
        books: Books, tutorial: sl.Scenario) -> None:
    """Terrace village's 10 porters wait at the bridge; on day 1 River village's 5 arrive
    there, and 9 go on to the ridge depot (the onward convoy written before the arrival:
    the books count a day whole). The 9 are 6 of Terrace village's and 3 of River
    village's, and the 2 they lose are theirs in that proportion; the high village's 20,
    waiting at home, lose none. The 6 left at the bridge (4 and 2) lose 3 later."""
    sc = tutorial
    for village, persons in (("high-village", 20), ("terrace-village", 10),
                             ("river-village", 5)):
        books.append(entry("labour", date=day(sc, 0), locality=village, persons=persons,
                           days=20, role="carrier", mode="porter"), "commune")

    def send(date: int, from_: str, to: str, units: int) -> int:
        return books.append(entry("dispatch", date=day(sc, date), from_=from_, to=to,
                                  mode="porter", units=units, cargo_kg={}), "council").id

    def receive(date: int, convoy: int, lost: int = 0) -> None:
        books.append(entry("receipt", date=day(sc, date), dispatch=convoy,
                           units_lost=[{"units": lost, "reason": "strike"}] if lost else []),
                     "council")

    receive(0, send(0, "terrace-village", "bridge", 10))
    river = send(1, "river-village", "bridge", 5)
    onward = send(1, "bridge", "ridge-depot", 9)
    receive(1, river)
    receive(2, onward, lost=2)
    net = sl.compile_network(sc)
    p, porter = net.place_ids.index, net.mode_ids.index("porter")
    lost = lost_by_home(books, net)[:, porter]
    assert lost[p("terrace-village")] == pytest.approx(2 * 6 / 9)
    assert lost[p("river-village")] == pytest.approx(2 * 3 / 9)
    assert lost[p("high-village")] == 0
    s = recorded_state(books, net, sc.start_date + dt.timedelta(days=5))
    from supplyline.ops.overview import state_json
    said = state_json(s, net)
    assert said["in_service"] == {"high-village": {"porter": 20},
                                  "river-village": {"porter": 4.333},
                                  "terrace-village": {"porter": 8.667}}
    assert said["labour_days_left"] == {"high-village": {"porter": 300},
                                        "river-village": {"porter": 65},
                                        "terrace-village": {"porter": 130}}
    s.check(net)
    # The bridge keeps the rest of them, 4 and 2.
    receive(4, send(3, "bridge", "ridge-depot", 6), lost=3)
    lost = lost_by_home(books, net)[:, porter]
    assert lost[p("terrace-village")] == pytest.approx(4 / 3 + 2)
    assert lost[p("river-village")] == pytest.approx(2 / 3 + 1)
    assert lost[p("high-village")] == 0
    # A re-plan starts from the same State.
    done = replan(books, sc.start_date + dt.timedelta(days=5))
    assert np.allclose(done.state.in_service, recorded_state(
        books, done.plan.network, sc.start_date + dt.timedelta(days=5)).in_service)
    assert done.state.in_service[p("high-village"), porter] == pytest.approx(20)
    assert done.state.in_service[p("terrace-village"), porter] == pytest.approx(10 - 10 / 3)


def test_the_losses_follow_what_stands_of_corrected_and_cancelled_entries(
        books: Books, tutorial: sl.Scenario) -> None:
    """A convoy written as Terrace village's and corrected to River village's, received
    with 2 lost, that receipt cancelled and written again with 4 lost; the high village's
    convoy cancelled: the 4 are River village's, whose convoy it was."""
    sc = tutorial
    for village in ("high-village", "terrace-village", "river-village"):
        books.append(entry("labour", date=day(sc, 0), locality=village, persons=10,
                           days=20, role="carrier", mode="porter"), "commune")
    wrong = books.append(entry("dispatch", date=day(sc, 1), from_="terrace-village",
                               to="bridge", mode="porter", units=10, cargo_kg={}),
                         "council").id
    books.append(entry("dispatch", date=day(sc, 1), from_="river-village", to="bridge",
                       mode="porter", units=10, cargo_kg={}, corrects=wrong), "council")
    high = books.append(entry("dispatch", date=day(sc, 1), from_="high-village",
                              to="ridge-depot", mode="porter", units=10, cargo_kg={}),
                        "council").id
    books.append(entry("cancel", date=day(sc, 1), corrects=high, reason="never left"),
                 "council")
    first = books.append(entry("receipt", date=day(sc, 2), dispatch=wrong,
                               units_lost=[{"units": 2, "reason": "illness"}]),
                         "council").id
    books.append(entry("cancel", date=day(sc, 2), corrects=first, reason="miscounted"),
                 "council")
    books.append(entry("receipt", date=day(sc, 3), dispatch=wrong,
                       units_lost=[{"units": 4, "reason": "illness"}]), "council")
    net = sl.compile_network(sc)
    p, porter = net.place_ids.index, net.mode_ids.index("porter")
    lost = lost_by_home(books, net)[:, porter]
    assert lost[p("river-village")] == pytest.approx(4)
    assert lost.sum() == pytest.approx(4)
    s = recorded_state(books, net, sc.start_date + dt.timedelta(days=4))
    assert s.in_service[p("river-village"), porter] == pytest.approx(6)
    assert s.in_service[p("terrace-village"), porter] == pytest.approx(10)
    assert s.in_service[p("high-village"), porter] == pytest.approx(10)
    # Read as of the receipt's day, nothing is lost yet (the cancelled receipt's day 2 is
    # past, and counts nothing).
    assert lost_by_home(books, net, sc.start_date + dt.timedelta(days=3)).sum() == 0
