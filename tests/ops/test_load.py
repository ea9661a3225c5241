"""Many clients at once, and a server killed mid-batch, on SQLite and PostgreSQL: every
acknowledged entry is in the books once, balances agree with a replay of the entries, and no
entry is ever half written."""

from __future__ import annotations

import json
import random
import signal
import threading
from collections import defaultdict
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import httpx2
import pytest
from sqlalchemy import func, select

import supplyline as sl
from supplyline.ops import open_books
from supplyline.ops import tables as t
from supplyline.ops.entries import Contribution, Dispatch, Labour, Receipt
from supplyline.ops.writing import Recorded
from tests.ops.conftest import entry
from tests.ops.live import in_process, serving, tokens

CLIENTS, ENTRIES = 20, 1000
LOCALITIES = ["high-village", "terrace-village", "river-village", "far-village"]


def work(i: int, n: int) -> list[dict[str, Any]]:
    """Client ``i``'s entries: contributions to the ridge depot and convoys from it (some
    of which find the depot empty and are refused)."""
    rng = random.Random(i)
    out = []
    for _ in range(n):
        day = f"2024-11-{rng.randint(2, 9):02d}"
        if rng.random() < 0.7:
            out.append(entry("contribution", date=day, locality=rng.choice(LOCALITIES),
                             good="rice", kg=rng.randint(1, 40), at="ridge-depot"))
        else:
            out.append(entry("dispatch", date=day, from_="ridge-depot", to="kestrel-town",
                             mode="porter", units=1, cargo_kg={"rice": rng.randint(1, 25)}))
    return out


def _twenty_clients(base: str, token: str) -> tuple[list[int], list[str]]:
    """Each of the clients posts its entries one by one: (ids acknowledged, refused where)."""
    acknowledged: list[int] = []
    refused: list[str] = []
    lock = threading.Lock()

    def client(i: int) -> None:
        # The standard library's client on a kept-alive connection: light on the machine.
        host, port = base.split("//")[1].split(":")
        http = HTTPConnection(host, int(port), timeout=60)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        for data in work(i, ENTRIES // CLIENTS):
            http.request("POST", "/api/entries", json.dumps(data), headers)
            got = http.getresponse()
            body = json.loads(got.read())
            with lock:
                if got.status == 201:
                    acknowledged.append(body["id"])
                else:
                    refused.append(body["detail"][0]["loc"][-1] if got.status == 422
                                   else f"status {got.status}")
        http.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return acknowledged, refused


@pytest.mark.parametrize("processes", [1, 2])
def test_twenty_clients_write_a_thousand_entries(url: str, tutorial: sl.Scenario,
                                                 tmp_path: Path, processes: int) -> None:
    """One server process (in this one), or two (``supplyline serve --workers 2``)."""
    token = tokens(url, tutorial, {"council": ("council", None)})["council"]
    books = open_books(url, tutorial)
    books.append_many([
        entry("labour", date="2024-11-01", locality="high-village", persons=ENTRIES,
              days=20, role="carrier", mode="porter"),
        entry("dispatch", date="2024-11-01", from_="high-village", to="ridge-depot",
              mode="porter", units=ENTRIES),
        entry("receipt", date="2024-11-01", dispatch=2)], "council")
    if processes == 1:
        with in_process(books) as base:
            acknowledged, refused = _twenty_clients(base, token)
    else:
        with serving(url, tmp_path / "server.log", processes) as (base, _process):
            acknowledged, refused = _twenty_clients(base, token)
    assert len(acknowledged) + len(refused) == ENTRIES
    assert set(refused) <= {"rice"}  # only convoys finding the depot short
    written = books.entries()
    ids = [r.id for r in written]
    assert len(ids) == len(set(ids)) == len(acknowledged) + 3
    assert set(acknowledged) == set(ids[3:])
    # A replay of the entries, in the order written, gives the same balances.
    held = books.balances()
    assert {k: v for k, v in held.items() if abs(v) > 1e-9} == pytest.approx(
        replay(written, tutorial))
    assert min(held.values()) >= -1e-6
    books.close()


def replay(written: list[Recorded], sc: sl.Scenario) -> dict[tuple[str, str], float]:
    """What each place holds after the entries (those of this test's kinds), by hand."""
    out: dict[tuple[str, str], float] = defaultdict(float)
    for p in sc.places:
        for good, kg in p.stock_kg.items():
            if p.kind != "locality":
                out[(p.id, good)] += kg
    sent: dict[int, Dispatch] = {}
    for r in written:
        e = r.entry
        if isinstance(e, Contribution):
            out[(e.at, e.good)] += e.kg
        elif isinstance(e, Labour):
            out[(e.locality, f"unit:{e.mode}")] += e.persons
            out[(e.locality, f"service:{e.mode}")] += e.persons
        elif isinstance(e, Dispatch):
            sent[r.id] = e
            out[(e.from_, f"unit:{e.mode}")] -= e.units
            for good, kg in e.cargo_kg.items():
                out[(e.from_, good)] -= kg
                out[(e.from_, f"sent:{e.to}:{e.mode}:{good}:ridge-road")] += kg
        elif isinstance(e, Receipt):
            convoy = sent[e.dispatch]
            out[(convoy.to, f"unit:{convoy.mode}")] += convoy.units
            for good, kg in e.received_kg.items():
                out[(convoy.to, good)] += kg
        else:
            raise AssertionError(f"no replay for {e.kind}")
    return {k: v for k, v in out.items() if abs(v) > 1e-9}


def test_a_server_killed_mid_batch_loses_no_acknowledged_entry(url: str, tutorial: sl.Scenario,
                                                               tmp_path: Path) -> None:
    token = tokens(url, tutorial, {"council": ("council", None)})["council"]
    acknowledged: list[int] = []
    failures: list[str] = []
    sent = threading.Event()
    stop = threading.Event()

    def client(base: str, k: int) -> None:
        with httpx2.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
            batch = 0
            while not stop.is_set():
                batch += 1
                body = [entry("contribution", date="2024-11-02", locality="far-village",
                              good="rice", kg=j + 1, at="bridge", note=f"{k}-{batch}")
                        for j in range(20)]
                try:
                    got = http.post(base + "/api/entries/batch", json=body)
                except httpx2.HTTPError:
                    return
                if got.status_code != 201:
                    failures.append(got.text)
                    return
                acknowledged.extend(r["id"] for r in got.json())
                if len(acknowledged) >= 100:
                    sent.set()

    with serving(url, tmp_path / "server.log") as (base, process):
        threads = [threading.Thread(target=client, args=(base, k)) for k in range(4)]
        for thread in threads:
            thread.start()
        assert sent.wait(60)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        stop.set()
        for thread in threads:
            thread.join(30)
    assert failures == []
    books = open_books(url, tutorial)
    written = books.entries()
    ids = {r.id for r in written}
    assert set(acknowledged) <= ids
    # Whole batches only, and every entry with its movement.
    notes: dict[str, list[float]] = {}
    for r in written:
        notes.setdefault(r.entry.note, []).append(r.entry.kg)  # type: ignore[union-attr]
    assert all(sorted(kgs) == [float(j + 1) for j in range(20)] for kgs in notes.values())
    with books.reading() as conn:
        moved = conn.execute(select(func.count(), func.sum(t.movement.c.delta))).one()
        summed = conn.execute(select(func.sum(t.daily.c.delta))).scalar_one()
    assert moved[0] == len(written)
    assert moved[1] == pytest.approx(sum(r.entry.kg for r in written))  # type: ignore[union-attr]
    assert summed == pytest.approx(moved[1])  # the daily sums written with them
    books.close()


@pytest.mark.parametrize("processes", [1, 2])
def test_clients_racing_for_the_last_sacks_get_exactly_what_is_there(
        url: str, tutorial: sl.Scenario, tmp_path: Path, processes: int) -> None:
    """1,000 kg at the depot, 20 clients sending 10 convoys of 10 kg each at once: exactly
    100 are acknowledged, the others refused at the rice, and the depot holds nothing."""
    token = tokens(url, tutorial, {"council": ("council", None)})["council"]
    books = open_books(url, tutorial)
    books.append_many([
        entry("labour", date="2024-11-01", locality="high-village", persons=200,
              days=20, role="carrier", mode="porter"),
        entry("dispatch", date="2024-11-01", from_="high-village", to="ridge-depot",
              mode="porter", units=200),
        entry("receipt", date="2024-11-01", dispatch=2),
        entry("contribution", date="2024-11-01", locality="high-village", good="rice",
              kg=1000, at="ridge-depot")], "council")
    convoy = entry("dispatch", date="2024-11-02", from_="ridge-depot", to="kestrel-town",
                   mode="porter", units=1, cargo_kg={"rice": 10})
    answers: list[int] = []
    lock = threading.Lock()

    def client(base: str) -> None:
        host, port = base.split("//")[1].split(":")
        http = HTTPConnection(host, int(port), timeout=60)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        for _ in range(10):
            http.request("POST", "/api/entries", json.dumps(convoy), headers)
            got = http.getresponse()
            body = json.loads(got.read())
            assert got.status == 201 or body["detail"][0]["loc"][-1] == "rice", body
            with lock:
                answers.append(got.status)
        http.close()

    def race(base: str) -> None:
        threads = [threading.Thread(target=client, args=(base,)) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    if processes == 1:
        with in_process(books) as base:
            race(base)
    else:
        with serving(url, tmp_path / "server.log", processes) as (base, _process):
            race(base)
    assert sorted(set(answers)) == [201, 422] and answers.count(201) == 100
    held = books.balances()
    assert held[("ridge-depot", "rice")] == pytest.approx(0.0, abs=1e-6)
    assert held[("ridge-depot", "unit:porter")] == pytest.approx(100)
    assert books.count() == 4 + 100
    books.close()
