"""A --scheduler address where something other than a Dask scheduler answers: a port that
accepts and says nothing (a dashboard's, a web server's) hung the sweep for ever, and a
service that speaks first (an SSH server's banner) ended in a 175-line traceback. Either is
one line naming the address and what was expected, exit code 2, within the connect
deadline."""

from __future__ import annotations

import http.server
import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest

import supplyline as sl
from supplyline.sweep import make_variants, parse_vary

distributed = pytest.importorskip("distributed")

#: The connect deadline of the sweeps run here (the command's is 20 s).
DEADLINE_S = 2
#: Longest a run here may take: the deadline, and a new Python importing supplyline and
#: Dask on a busy machine. A run that hangs is stopped here and fails its test.
LONGEST_S = 90
#: The command line, in a process of its own (a hang is stopped by its timeout), with the
#: deadline lowered.
COMMAND = ("import sys, supplyline.sweep.run as run; "
           f"run.CONNECT_TIMEOUT_S = {DEADLINE_S}; "
           "from supplyline.cli import app; app()")
VARY = "modes.porter.payload_kg=20,30"


@contextmanager
def listener(greeting: bytes | None) -> Iterator[str]:
    """A loopback port that accepts connections and, with ``greeting``, sends it on each
    (then says nothing more); its address."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.1)
    stop = threading.Event()
    accepted: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                peer, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(peer)  # held open, never answered
            if greeting is not None:
                with suppress(OSError):
                    peer.sendall(greeting)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        server.close()
        for peer in accepted:
            peer.close()


@contextmanager
def web_server() -> Iterator[str]:
    """A loopback HTTP server (as a scheduler's dashboard is); its address as tcp://."""

    class Quiet(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


SERVERS: dict[str, Callable[[], Any]] = {
    "silent": lambda: listener(None),
    "banner": lambda: listener(b"SSH-2.0-OpenSSH_9.6\r\n"),
    "web": web_server,
}
#: What each is said to be: no answer within the deadline, or an answer Dask cannot read.
SAID = {"silent": f"got no Dask answer within {DEADLINE_S} s",
        "banner": "got an answer that is not Dask's",
        "web": f"got no Dask answer within {DEADLINE_S} s"}


def sweep(address: str, out: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str],
                                                          float]:
    """``supplyline sweep tutorial --scheduler ADDRESS``: what it did, and its seconds."""
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", COMMAND, "sweep", "tutorial", "--vary", VARY,
             "--scheduler", address, "--out", str(out), *extra],
            capture_output=True, text=True, timeout=LONGEST_S, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the sweep still ran after {LONGEST_S} s with --scheduler {address}")
    return done, time.monotonic() - started


@pytest.mark.parametrize("kind", sorted(SERVERS))
def test_a_port_that_is_no_dask_scheduler_is_a_usage_error(kind: str, tmp_path: Path) -> None:
    out = tmp_path / "t.parquet"
    with SERVERS[kind]() as address:
        done, seconds = sweep(address, out)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr  # one line, no traceback
    assert lines[0].startswith(f"--scheduler: expected a Dask scheduler at {address}, "), \
        lines[0]
    assert SAID[kind] in lines[0], lines[0]
    assert seconds < LONGEST_S / 2, seconds
    assert not out.exists() and done.stdout == ""


def test_a_port_that_is_no_dask_scheduler_is_said_in_json(tmp_path: Path) -> None:
    with SERVERS["silent"]() as address:
        done, _seconds = sweep(address, tmp_path / "t.parquet", "--json")
    assert done.returncode == 2, done.stderr
    error = json.loads(done.stdout)["error"]
    assert error["kind"] == "usage"
    assert error["message"] == (
        f"--scheduler: expected a Dask scheduler at {address}, got no Dask answer within "
        f"{DEADLINE_S} s (is this the dashboard's port? the scheduler's is usually 8786)")
    # As docs/sweep.md shows it (at the dashboard's usual port, with the usual deadline).
    doc = (Path(__file__).parent.parent / "docs" / "sweep.md").read_text("utf-8")
    (shown,) = re.findall(r"^(--scheduler: .*)$", doc, re.M)
    assert shown == error["message"].replace(address, "tcp://127.0.0.1:8787").replace(
        f"within {DEADLINE_S} s", "within 20 s")


@pytest.fixture()
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("supplyline.sweep.run.CONNECT_TIMEOUT_S", DEADLINE_S)


def bounded(call: Callable[[], Any]) -> BaseException | None:
    """What ``call`` raised (None when it returned), in a thread of its own: a call that
    hangs fails the test instead of hanging it."""
    raised: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
        except BaseException as error:  # handed to the test
            raised.append(error)
        else:
            raised.append(None)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(LONGEST_S / 2)
    if thread.is_alive():
        pytest.fail(f"still running after {LONGEST_S / 2} s")
    return raised[0]


@pytest.mark.parametrize("kind", sorted(SERVERS))
def test_run_sweep_says_a_port_is_no_dask_scheduler(kind: str, tmp_path: Path,
                                                    quick: None) -> None:
    """In Python, the module's own error, with the same words (``connect`` too)."""
    from supplyline.sweep.run import SweepError, connect, run_sweep

    variants = make_variants(sl.load("tutorial"), [parse_vary(VARY)], days=3)
    out = tmp_path / "t.parquet"
    with SERVERS[kind]() as address:
        started = time.monotonic()
        error = bounded(lambda: run_sweep(variants, out, scheduler=address))
        assert time.monotonic() - started < DEADLINE_S + 10
        assert isinstance(error, SweepError), repr(error)
        assert str(error).startswith(f"--scheduler: expected a Dask scheduler at {address}, ")
        assert SAID[kind] in str(error)

        def connecting() -> None:
            with connect(address):
                pass

        error = bounded(connecting)
        assert isinstance(error, SweepError) and SAID[kind] in str(error), repr(error)
    assert not out.exists()


def test_a_tls_address_without_tls_settings_is_said_as_such(quick: None) -> None:
    """It was said as "an answer that is not Dask's" (Dask's TypeError, raised before
    anything was sent): the missing settings are this machine's, not the server's."""
    from supplyline.sweep.run import SweepError, connect

    with SERVERS["silent"]() as address:
        tls = address.replace("tcp://", "tls://")
        error = bounded(lambda: connect(tls).__enter__())
    assert isinstance(error, SweepError), repr(error)
    assert str(error) == (f"--scheduler: a tls:// address needs Dask's TLS settings "
                          "(distributed.comm.tls: ca-file, and client's cert and key, in "
                          f"Dask's configuration), got none for {tls}")


def test_a_scheduler_that_answers_is_used(tmp_path: Path, quick: None) -> None:
    """A scheduler is still reached, and a worker's address is said to be no scheduler's."""
    import logging

    from supplyline.sweep.run import HTTP_ADDRESS, SweepError, connect

    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  protocol="tcp", dashboard_address=HTTP_ADDRESS,
                                  silence_logs=logging.CRITICAL) as cluster:
        with connect(cluster.scheduler_address) as dask:
            assert len(dask.scheduler_info()["workers"]) == 1
        (worker,) = cluster.scheduler_info["workers"]
        error = bounded(lambda: connect(worker).__enter__())
        assert isinstance(error, SweepError), repr(error)
        assert str(error) == (f"--scheduler: expected a Dask scheduler at {worker}, got a "
                              "Dask Worker (give the scheduler's address: the one its workers "
                              "were started with)")
