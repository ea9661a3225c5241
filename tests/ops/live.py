"""A books server in its own process (``supplyline serve``), for the concurrency and crash
tests, and session tokens made directly in the books (so that no client pays argon2)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2

import supplyline as sl
from supplyline.ops import Books, open_books
from supplyline.ops.accounts import Account, add_account, new_token

ROOT = Path(__file__).resolve().parents[2]


def tokens(url: str, sc: sl.Scenario, names: dict[str, tuple[str, str | None]]
           ) -> dict[str, str]:
    """Accounts ``name: (role, place)`` in the books at ``url``, and a token for each."""
    books = open_books(url, sc)
    out = {}
    for name, (role, place) in names.items():
        add_account(books, name, f"{name}-password", role, place)
        out[name] = new_token(books, Account(name, role, place))
    books.close()
    return out


@contextmanager
def in_process(books: Books) -> Iterator[str]:
    """The API and dashboard over ``books`` on a free loopback port, served by a thread of
    this process: its base URL."""
    import uvicorn

    from supplyline.ops.api import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    running = uvicorn.Server(uvicorn.Config(create_app(books), host="127.0.0.1", port=port,
                                            log_level="warning"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    while not running.started:
        if not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(10)


@contextmanager
def serving(url: str, log: Path, workers: int = 1
            ) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``supplyline serve`` on a free loopback port: (base URL, process)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", "from supplyline.cli import app; app()", "serve",
             "--db", url, "--scenario", "tutorial", "--port", str(port),
             "--workers", str(workers)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                if httpx2.get(base + "/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.1)
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(10)
