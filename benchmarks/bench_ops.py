"""The books under load: acknowledged writes per second over HTTP on loopback, and the
dashboard's overview with many entries in the books, on SQLite and on PostgreSQL.

Writes: ``supplyline serve`` in its own process (and again with ``--workers 2``: one row
per number of server processes in ``--workers``, fresh books each); ``--clients`` threads
each post their share of ``--writes`` entries one by one (nine contributions in ten, the
rest convoys that take from the depot's stock, so the balance check runs), each waiting for
its answer. The figure is acknowledged entries (201) per second of wall time. Target: 500 a
second. "Server CPU" is the CPU time the server, its workers and PostgreSQL used per
acknowledged write (steadier than the rate on a shared machine); "other load" is what the
rest of the machine used meanwhile (the server, its workers and PostgreSQL are not counted
in it).

Overview: the books are filled with ``--entries`` entries (contributions, convoys and their
receipts at the front, written straight into the tables in bulk: the fill is not what is
measured), then ``GET /api/overview`` is timed ``--repeat`` times. Target: below 200 ms.

PostgreSQL: the server named by ``--postgres URL``, else a throwaway one started from the
distribution's ``initdb`` (as the tests do); skipped, saying so, when none can be had, and
then ``--write`` stops with an error rather than write tables without it (``--backends
sqlite`` measures SQLite alone). A client that breaks off stops the benchmark too.

Run from the repository root::

    python -m benchmarks.bench_ops                        # print the tables
    python -m benchmarks.bench_ops --write                # and update docs/benchmarks.md
    python -m benchmarks.bench_ops --writes 300 --entries 2000   # a quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import tempfile
import threading
import time
from collections import Counter
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import httpx2
from sqlalchemy import insert

import supplyline as sl
from benchmarks._common import OtherLoad, fail, stamp, table, write_section
from supplyline.ops import open_books
from supplyline.ops import tables as t
from tests.ops.live import serving, tokens
from tests.ops.pg import fresh_database, server

WRITES_TARGET = 500.0
OVERVIEW_TARGET_MS = 200.0
LOCALITIES = ["high-village", "terrace-village", "river-village", "far-village"]


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def _postgres(url: str) -> list[int]:
    """The PostgreSQL processes working for the database at ``url`` (its backends, and the
    server's own: the WAL writer, the checkpointer...), where the server runs here."""
    if "://" not in url:
        return []
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND "
                "(datname = current_database() OR backend_type <> 'client backend')"
            ).fetchall()
    except psycopg.Error:
        return []
    return [int(pid) for (pid,) in rows if Path(f"/proc/{pid}").exists()]


def _ours(server: int, url: str) -> list[int]:
    """The server process, its children (``--workers``) and the PostgreSQL processes of
    its books: what this measurement runs besides itself."""
    pids = [server, *_postgres(url)]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        if _parent(int(stat.parent.name)) == server:
            pids.append(int(stat.parent.name))
    return pids


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user and system) each process has used so far."""
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def _used(before: dict[int, float], server: int, url: str) -> tuple[float, float]:
    """CPU seconds our processes used since ``before`` (those started since counted
    whole: a PostgreSQL backend opened for a new connection): all of them, and those that
    are not descendants of this process (PostgreSQL's), which :class:`OtherLoad` does not
    count as its own."""
    now = _cpu_seconds(_ours(server, url))
    used = {pid: v - before.get(pid, 0.0) for pid, v in now.items()}
    return sum(used.values()), sum(v for pid, v in used.items() if not _mine(pid))


def _mine(pid: int) -> bool:
    """Whether ``pid`` is this process or one of its descendants (the server and its
    workers; not a PostgreSQL server, which ``pg_ctl`` leaves to the system)."""
    me = os.getpid()
    seen = 0
    while pid > 1 and seen < 1000:
        if pid == me:
            return True
        pid, seen = _parent(pid), seen + 1
    return False


def others_cores(measured: float, outside_s: float, wall_s: float) -> float:
    """The cores other processes kept busy: what :class:`OtherLoad` measured (everything
    but this process and its descendants, the server among them) less what our processes
    outside it used (PostgreSQL's); the server is not taken off twice."""
    return max(0.0, measured - outside_s / wall_s) if wall_s > 0 else float("nan")


def verdict(met: bool) -> str:
    return "met" if met else "**NOT met**"


def _entry(rng: random.Random) -> dict[str, Any]:
    day = f"2024-11-{rng.randint(2, 28):02d}"
    if rng.random() < 0.9:
        return {"kind": "contribution", "date": day, "locality": rng.choice(LOCALITIES),
                "good": "rice", "kg": rng.randint(1, 40), "at": "ridge-depot"}
    return {"kind": "dispatch", "date": day, "from": "ridge-depot", "to": "kestrel-town",
            "mode": "porter", "units": 1, "cargo_kg": {"rice": rng.randint(1, 20)}}


def _setup(url: str, sc: sl.Scenario, porters: int) -> str:
    token = tokens(url, sc, {"council": ("council", None)})["council"]
    books = open_books(url, sc)
    books.append_many([
        {"kind": "labour", "date": "2024-11-01", "locality": "high-village",
         "persons": porters, "days": 30, "role": "carrier", "mode": "porter"},
        {"kind": "dispatch", "date": "2024-11-01", "from": "high-village",
         "to": "ridge-depot", "mode": "porter", "units": porters},
        {"kind": "receipt", "date": "2024-11-01", "dispatch": 2}], "council")
    books.close()
    return token


def writes(url: str, clients: int, total: int, folder: Path, workers: int
           ) -> dict[str, Any]:
    sc = sl.load("tutorial")
    token = _setup(url, sc, total)
    done: list[int] = []
    answers: Counter[int] = Counter()  # the HTTP status of every answer that was not 201
    broken: list[str] = []  # clients that stopped on an error before their last entry
    lock = threading.Lock()

    def client(i: int, base: str) -> None:
        try:
            posting(i, base)
        except Exception as error:  # said after the run: its count would be short
            with lock:
                broken.append(f"client {i}: {type(error).__name__}: {error}")

    def posting(i: int, base: str) -> None:
        # The standard library's client, one kept-alive connection each: a light load
        # generator, so that the clients take little of the machine from the server.
        rng = random.Random(i)
        ok = 0
        other: Counter[int] = Counter()
        host, port = base.split("//")[1].split(":")
        http = HTTPConnection(host, int(port), timeout=120)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        for _ in range(total // clients):
            http.request("POST", "/api/entries", json.dumps(_entry(rng)), headers)
            response = http.getresponse()
            response.read()
            ok += response.status == 201
            if response.status != 201:
                other[response.status] += 1
        http.close()
        with lock:
            done.append(ok)
            answers.update(other)

    with serving(url, folder / "server.log", workers) as (base, process):
        before = _cpu_seconds(_ours(process.pid, url))
        with OtherLoad() as other:
            threads = [threading.Thread(target=client, args=(i, base))
                       for i in range(clients)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - started
        used, outside = _used(before, process.pid, url)
    if broken:
        fail(f"bench_ops: {len(broken)} of {clients} clients stopped before their last "
             "entry, so the writes are not counted:\n" + "\n".join(broken[:5]))
    return {"acknowledged": sum(done), "sent": clients * (total // clients), "wall_s": wall,
            "not_acknowledged": dict(sorted(answers.items())),
            "per_s": sum(done) / wall, "cpu_ms": 1000 * used / max(sum(done), 1),
            "other_cores": others_cores(other.cores, outside, wall)}


def _fill(url: str, n: int) -> None:
    """``n`` entries straight into the tables: contributions, and convoys with receipts."""
    sc = sl.load("tutorial")
    books = open_books(url, sc)
    rng = random.Random(0)
    now = dt.datetime.now(dt.UTC)
    entries, moves = [], []
    next_id = 1
    while next_id <= n:
        day = sc.start_date + dt.timedelta(days=rng.randint(0, sc.days - 1))
        kg = float(rng.randint(1, 40))
        locality = rng.choice(LOCALITIES)
        payload = {"kind": "contribution", "date": day.isoformat(), "locality": locality,
                   "good": "rice", "kg": kg, "at": "ridge-depot", "note": "",
                   "corrects": None}
        entries.append({"id": next_id, "kind": "contribution", "date": day, "place": locality,
                        "payload": json.dumps(payload), "corrects": None, "receipt_of": None,
                        "author": "fill", "written_at": now})
        moves.append({"entry_id": next_id, "place": "ridge-depot", "item": "rice", "date": day,
                      "delta": kg, "own": True})
        next_id += 1
        if rng.random() < 0.2 and next_id + 1 <= n:  # a convoy and its receipt
            cargo = {"rice": kg}
            sent = {"kind": "dispatch", "date": day.isoformat(), "from": "ridge-depot",
                    "to": "kestrel-town", "mode": "porter", "units": 1.0, "cargo_kg": cargo,
                    "note": "", "corrects": None}
            entries.append({"id": next_id, "kind": "dispatch", "date": day,
                            "place": "ridge-depot", "payload": json.dumps(sent),
                            "corrects": None, "receipt_of": None, "author": "fill",
                            "written_at": now})
            moves.append({"entry_id": next_id, "place": "ridge-depot", "item": "rice",
                          "date": day, "delta": -kg, "own": True})
            moves.append({"entry_id": next_id, "place": "ridge-depot",
                          "item": "sent:kestrel-town:porter:rice:ridge-road", "date": day,
                          "delta": kg, "own": True})
            got = {"kind": "receipt", "date": day.isoformat(), "dispatch": next_id,
                   "received_kg": cargo, "losses": [], "note": "", "corrects": None}
            entries.append({"id": next_id + 1, "kind": "receipt", "date": day,
                            "place": "kestrel-town", "payload": json.dumps(got),
                            "corrects": None, "receipt_of": next_id, "author": "fill",
                            "written_at": now})
            moves.append({"entry_id": next_id + 1, "place": "kestrel-town", "item": "rice",
                          "date": day, "delta": kg, "own": True})
            next_id += 2
    kinds = {e["id"]: (e["kind"], e["place"]) for e in entries}
    summed: dict[tuple[Any, ...], float] = {}
    for m in moves:
        kind, source = kinds[m["entry_id"]]
        key = (m["place"], m["item"], m["date"], kind, source)
        summed[key] = summed.get(key, 0.0) + m["delta"]
    daily = [dict(zip(("place", "item", "date", "kind", "source"), key, strict=True),
                  delta=delta) for key, delta in summed.items()]
    with books.writing() as conn:
        for i in range(0, len(entries), 5000):
            conn.execute(insert(t.entry), entries[i:i + 5000])
        for i in range(0, len(moves), 5000):
            conn.execute(insert(t.movement), moves[i:i + 5000])
        conn.execute(insert(t.daily), daily)
    if books.postgres:  # the ids were given: move the sequence past them
        with books.writing() as conn:
            conn.exec_driver_sql("SELECT setval('entry_id_seq', (SELECT max(id) FROM entry))")
    books.close()


def overview(url: str, n: int, repeat: int, folder: Path) -> dict[str, Any]:
    sc = sl.load("tutorial")
    token = tokens(url, sc, {"council": ("council", None)})["council"]
    _fill(url, n)
    times = []
    with serving(url, folder / "server.log") as (base, process), \
            httpx2.Client(headers={"Authorization": f"Bearer {token}"}, timeout=120) as http:
        got = http.get(base + "/api/overview")  # the first builds the network once
        assert got.status_code == 200 and got.json()["entries"] == n, got.text[:300]
        before = _cpu_seconds(_ours(process.pid, url))
        began = time.perf_counter()
        with OtherLoad() as other:
            for _ in range(repeat):
                started = time.perf_counter()
                assert http.get(base + "/api/overview").status_code == 200
                times.append((time.perf_counter() - started) * 1000)
        wall = time.perf_counter() - began
        _, outside = _used(before, process.pid, url)
    return {"median_ms": statistics.median(times), "max_ms": max(times),
            "other_cores": others_cores(other.cores, outside, wall)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", default="1,2",
                        help="server processes: one row of writes for each number listed")
    parser.add_argument("--writes", type=int, default=5000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=None, help="URL of a PostgreSQL database")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args(argv)
    rows_w, rows_o = [], []
    skipped: list[str] = []  # what was asked for and not measured
    for backend in args.backends.split(","):
        folder = Path(tempfile.mkdtemp(prefix="bench-ops-"))
        processes = [int(n) for n in args.workers.split(",")]
        if backend != "sqlite" and args.postgres is None and server()[0] is None:
            skipped.append(f"PostgreSQL skipped: {server()[1]}")
            print(skipped[-1])
            continue
        if args.postgres is not None and backend != "sqlite" and len(processes) > 1:
            print("several --workers on a --postgres database need an empty one each: "
                  "give one number, or leave --postgres out")
            processes = processes[:1]
        for workers in processes:
            if backend == "sqlite":
                url = str(folder / f"w{workers}.db")
            else:
                url = args.postgres or fresh_database()
            print(f"{backend}: {args.writes} writes from {args.clients} clients, "
                  f"{workers} server process(es)…", flush=True)
            w = writes(url, args.clients, args.writes, folder, workers)
            rows_w.append([backend, f"{workers}", f"{args.clients}",
                           f"{w['acknowledged']:,} of {w['sent']:,}"
                           + "".join(f"; {n:,} answered {code}"
                                     for code, n in w["not_acknowledged"].items()),
                           f"{w['wall_s']:.1f}", f"{w['per_s']:,.0f}",
                           verdict(w["per_s"] >= WRITES_TARGET),
                           f"{w['cpu_ms']:.2f}", f"{w['other_cores']:.1f}"])
        if backend == "sqlite":
            overview_url = str(folder / "o.db")
        elif args.postgres is None:
            overview_url = fresh_database()
        else:
            skipped.append("overview on a --postgres database needs an empty one: give "
                           "another URL or leave --postgres out")
            print(skipped[-1])
            continue
        print(f"{backend}: overview with {args.entries:,} entries…", flush=True)
        o = overview(overview_url, args.entries, args.repeat, folder)
        rows_o.append([backend, f"{args.entries:,}", f"{o['median_ms']:.0f}",
                       f"{o['max_ms']:.0f}",
                       verdict(o["median_ms"] < OVERVIEW_TARGET_MS),
                       f"{o['other_cores']:.1f}"])
    text = (
        "## The books under load\n\n" + stamp(["sqlalchemy", "fastapi", "uvicorn", "psycopg"])
        + "\n\nAcknowledged writes per second over HTTP on loopback (target 500):\n\n"
        + table(["books", "server processes", "clients", "acknowledged", "wall (s)",
                 "per second", "target", "server CPU per write (ms)",
                 "other load (cores)"], rows_w)
        + "\n\nOne in ten entries is a dispatch from the depot the contributions fill; one "
          "that arrives before the contributions that cover it on its date is refused (422): "
          "such answers are listed beside the count and are not "
          "acknowledged writes. Any other status would be listed the same way."
        + "\n\nThe overview (`GET /api/overview`) with many entries in the books "
          "(target below 200 ms):\n\n"
        + table(["books", "entries", "median (ms)", "slowest (ms)", "target",
                 "other load (cores)"], rows_o)
    )
    print(text)
    if skipped and args.write:
        fail("bench_ops: not every measurement asked for was made, so nothing is written "
             "(--backends sqlite measures SQLite alone):\n" + "\n".join(skipped))
    if args.write:
        write_section("bench_ops", text)


if __name__ == "__main__":
    main()
