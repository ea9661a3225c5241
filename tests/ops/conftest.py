"""Books on SQLite and on PostgreSQL (skipped, saying why, only where no server can be had)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

import supplyline as sl
from supplyline.ops import Books, open_books
from tests.ops.pg import fresh_database, server


@pytest.fixture(scope="session")
def tutorial() -> sl.Scenario:
    return sl.load("tutorial")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty database."""
    if request.param == "sqlite":
        return str(tmp_path / "books.db")
    found, reason = server()
    if found is None:
        pytest.skip(reason)
    return fresh_database()


@pytest.fixture(scope="session")
def _postgres_books(tutorial: sl.Scenario) -> Iterator[Books]:
    found, reason = server()
    if found is None:
        pytest.skip(reason)
    b = open_books(fresh_database(), tutorial)
    yield b
    b.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory, tutorial: sl.Scenario) -> Path:
    """Empty books of the tutorial on SQLite, migrated once (copied for each test)."""
    path = tmp_path_factory.mktemp("template") / "books.db"
    open_books(path, tutorial).close()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def books(request: pytest.FixtureRequest, tmp_path: Path, tutorial: sl.Scenario,
          sqlite_template: Path) -> Iterator[Books]:
    """Empty books (on SQLite a copy of migrated empty books; on PostgreSQL one database,
    emptied before each test)."""
    if request.param == "sqlite":
        shutil.copy(sqlite_template, tmp_path / "books.db")
        b = open_books(tmp_path / "books.db", tutorial)
        yield b
        b.close()
        return
    b = request.getfixturevalue("_postgres_books")
    with b.writing() as conn:
        conn.execute(text("TRUNCATE token, account, daily, movement, entry, plan, request "
                          "RESTART IDENTITY CASCADE"))
    yield b


def day(sc: sl.Scenario, i: int) -> str:
    """ISO date of day ``i`` of the scenario."""
    return (sc.start_date + dt.timedelta(days=i)).isoformat()


def entry(kind: str, **fields: Any) -> dict[str, Any]:
    if "from_" in fields:
        fields["from"] = fields.pop("from_")
    return {"kind": kind, **fields}


@pytest.fixture(scope="session", autouse=True)
def _quick_hashes() -> Iterator[None]:
    """argon2 at its lightest in tests (the defaults take half a second a hash here)."""
    from argon2 import PasswordHasher

    from supplyline.ops import accounts

    kept = accounts.hasher
    accounts.hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    accounts.hasher = kept


def council_client(path: Path) -> tuple[Books, Any, dict[str, str]]:
    """New books of the tutorial at ``path``, an API client on them and the council's
    headers (logged in)."""
    from fastapi.testclient import TestClient

    from supplyline.ops.accounts import add_account
    from supplyline.ops.api import create_app

    books = open_books(path, sl.load("tutorial"))
    add_account(books, "council", "council-password", "council")
    client = TestClient(create_app(books))
    token = client.post("/api/login", json={"name": "council",
                                            "password": "council-password"}).json()["token"]
    return books, client, {"Authorization": f"Bearer {token}"}
