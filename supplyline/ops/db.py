"""Where the books are kept: a database URL (an SQLite file by default, PostgreSQL by
``postgresql://`` URL), opened for a scenario and migrated to the current schema by the
migrations shipped in the package; why books cannot be opened, said as every input problem
is; whether a database holds books, and which scenario they are kept for."""

from __future__ import annotations

import sqlite3
import typing
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    event,
    func,
    insert,
    inspect,
    make_url,
    select,
)
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from supplyline.errors import SupplylineError
from supplyline.ops import tables as t
from supplyline.ops.books import Books, unknown_ids
from supplyline.ops.entries import Index
from supplyline.scenario.schema import Scenario

__all__ = ["SQLITE_FILE", "BooksError", "NotTheirScenario", "books_source", "database_url",
           "holds_books", "open_books", "shown_url"]

#: What books kept in SQLite are, as said where a path is no such file.
SQLITE_FILE = "an SQLite database file, new or existing, in a folder that exists"


class BooksError(SupplylineError):
    """The books cannot be opened (bad URL, unreachable server, another scenario's books)."""


class NotTheirScenario(BooksError):
    """The books cannot be read with the scenario given: another scenario's books, or a copy
    of theirs that lacks an id their entries name, or whose horizon does not hold their
    dates (what is wrong is the scenario, not where the books are)."""


def database_url(url_or_path: str | Path) -> str:
    """An SQLAlchemy URL: ``postgresql://`` and ``postgres://`` use psycopg 3; a plain
    path is an SQLite file."""
    text_ = str(url_or_path)
    for prefix in ("postgresql://", "postgres://"):
        if text_.startswith(prefix):
            return "postgresql+psycopg://" + text_[len(prefix):]
    if "://" in text_:
        return text_
    # (SQLAlchemy reads %XX in a URL's path: '%', '?' and '#' of a file's name are written
    # so, or books named a?b.db were kept in the file "a")
    return f"sqlite:///{quote(text_, safe='/:~ ')}"


def sqlite_file(url: str) -> Path | None:
    """The file an ``sqlite:///`` URL names (``None`` for another URL): the path as
    SQLAlchemy reads it, %XX undone."""
    if not url.startswith("sqlite:///"):
        return None
    return Path(unquote(url[len("sqlite:///"):].split("?", 1)[0]))


def _engine(url: str) -> Engine:
    if url.split("://", 1)[0].split("+", 1)[0] not in ("sqlite", "postgresql"):
        raise ValueError(f"the books are kept in SQLite or PostgreSQL, not at {url!r}")
    if url.startswith("sqlite"):
        if _in_memory(url):
            raise _InMemory(url)
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False},
                               pool_size=32, max_overflow=32)

        @event.listens_for(engine, "connect")
        def _connect(dbapi: Any, _record: Any) -> None:
            dbapi.isolation_level = None  # transactions are begun below
            cursor = dbapi.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # WAL with synchronous=NORMAL: a committed transaction survives the process
            # being killed; only a power cut may lose the last ones (never a half entry).
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return create_engine(url, pool_size=32, max_overflow=32, pool_recycle=3600)


class _InMemory(ValueError):
    """An SQLite URL of a database in memory (``sqlite://``, ``sqlite:///``,
    ``sqlite:///:memory:``): books kept there would be gone when the process ends, and each
    server process would keep books of its own."""


class _NotBooks(ValueError):
    """An SQLite database with tables of its own but none of the books' (another
    program's): the books' tables are not added to it."""

    def __init__(self, tables: list[str]) -> None:
        most = 5
        shown = ", ".join(repr(name) for name in tables[:most])
        more = f" and {len(tables) - most} more" if len(tables) > most else ""
        super().__init__(f"an SQLite database that holds no books but tables of its own "
                         f"({shown}{more}), another program's; name a new file for new "
                         f"books")


def _read_only(url: str) -> Engine:
    """An engine that reads the SQLite file ``url`` (``sqlite:///PATH``) and changes
    nothing in it (not even its journal mode)."""
    file = typing.cast(Path, sqlite_file(url)).absolute()
    # (an SQLite URI, given to the driver as it is: '#', '?' and '%' in the path are written
    # as %XX, or the path ends there, and a URL of SQLAlchemy's would undo them: books at
    # b#1.db were read at "b")
    uri = f"file:{quote(str(file), safe='/')}?mode=ro"
    return create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))


def _sqlite_tables(url: str) -> list[str]:
    """The tables of the SQLite file ``url`` names, read without changing it (none where it
    is not there yet, or not SQLite)."""
    if not url.startswith("sqlite:///"):
        return []
    file = typing.cast(Path, sqlite_file(url))
    if not file.is_file() or file.stat().st_size == 0:
        return []
    engine = _read_only(url)
    try:
        with engine.connect() as conn:
            return sorted(inspect(conn).get_table_names())
    except _CANNOT_OPEN:
        return []  # (open_books says why it is no database)
    finally:
        engine.dispose()


def _in_memory(url: str) -> bool:
    """Whether the SQLite ``url`` names a database in memory rather than a file."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return False
    database = parsed.database or ""
    return database in ("", ":memory:") or parsed.query.get("mode") == "memory" or (
        database.startswith("file::memory:"))


def _migrations() -> str:
    return str(files("supplyline.ops").joinpath("migrations"))


def _upgrade(engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", _migrations())
    with engine.connect().execution_options(write=True) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        conn.commit()


def open_books(url: str | Path, scenario: Scenario, source: str | None = None) -> Books:
    """Open the books at ``url`` for ``scenario`` (created, and migrated to the current
    schema, as needed). ``source`` is how the scenario was named (kept in the books)."""
    full = database_url(url)
    at = shown_url(str(url))
    try:
        engine = _engine(full)
        tables = _sqlite_tables(full)
        if tables and t.meta.name not in tables:
            engine.dispose()
            raise _NotBooks(tables)
        _upgrade(engine)
        with engine.connect().execution_options(write=True) as conn, conn.begin():
            rows = {k: v for k, v in conn.execute(select(t.meta.c.key, t.meta.c.value)).all()}
            if "scenario" not in rows:
                conn.execute(insert(t.meta), [
                    {"key": "scenario", "value": scenario.name},
                    {"key": "source", "value": source or scenario.name},
                ])
            elif rows["scenario"] != scenario.name:
                raise NotTheirScenario(f"expected the scenario the books at {at} are kept "
                                       f"for, {rows['scenario']!r}, got {scenario.name!r}")
            else:
                unknown = unknown_ids(conn, Index(scenario))
                if unknown:
                    raise NotTheirScenario(_unknown_words(unknown, scenario, at, source,
                                                          rows.get("source")))
                outside = _outside_horizon(conn, scenario, at, source, rows.get("source"))
                if outside is not None:
                    raise NotTheirScenario(outside)
    except _CANNOT_OPEN as error:
        raise _cannot_open(url, error) from error
    return Books(engine, scenario)


def _unknown_words(unknown: dict[str, list[str]], scenario: Scenario, at: str,
                   source: str | None, kept: str | None) -> str:
    """Why the books ``at`` (where they are, as shown) cannot be read with ``scenario`` (as
    ``source`` named it): the ids they name that it lacks, and the scenario they were kept
    with (``kept``, as it was named), as :func:`_outside_horizon` says them. (An edited copy
    keeps its scenario's name: the source kept was compared with that name, not with the
    copy's, so "the scenario they were kept with" named none.)"""
    most = 5
    parts = []
    for what, ids in unknown.items():
        shown = ", ".join(repr(i) for i in ids[:most])
        more = f" and {len(ids) - most} more" if len(ids) > most else ""
        parts.append(f"{what}{'s' if len(ids) > 1 else ''} {shown}{more}")
    named = f"{scenario.name!r}" + (f" ({source})" if source and source != scenario.name
                                    else "")
    kept_with = f" ({kept})" if kept and kept != source else ""
    return (f"expected a scenario with every id the books' entries name, got scenario "
            f"{named}, which has no {'; no '.join(parts)} (renamed or removed since the "
            f"entries were written?); open the books at {at} with the scenario they were "
            f"kept with{kept_with}")


def _outside_horizon(conn: Connection, scenario: Scenario, at: str, source: str | None,
                     kept: str | None) -> str | None:
    """Why the books ``at`` cannot be read with ``scenario`` when some of their entries are dated
    outside its horizon (an edited copy that ends sooner, or starts later): a re-plan or a
    page would count the days of a horizon that does not hold them. ``None`` when every
    entry is inside. Entries cancelled or corrected count too: the books keep and show
    them."""
    c = t.entry.c
    start, end = scenario.start_date, scenario.end_date
    before = conn.execute(select(func.count(), func.min(c.date))
                          .where(c.date < start)).one()
    after = conn.execute(select(func.count(), func.max(c.date)).where(c.date > end)).one()
    if not before[0] and not after[0]:
        return None

    def dated(count: int, edge: str, day: Any) -> str:
        return (f"an entry dated {day}" if count == 1
                else f"{count} entries, the {edge} dated {day}")

    parts = []
    if before[0]:
        parts.append(f"start_date ({start}) is after {dated(before[0], 'first', before[1])}")
    if after[0]:
        parts.append(f"end_date ({end}) is before {dated(after[0], 'last', after[1])}")
    named = f"{scenario.name!r}" + (f" ({source})" if source and source != scenario.name
                                    else "")
    kept_with = f" ({kept})" if kept and kept != source else ""
    return (f"expected a scenario whose horizon holds every entry's date, got scenario "
            f"{named}, whose {', and whose '.join(parts)} (edited since the entries were "
            f"written?); open the books at {at} with the scenario they were kept "
            f"with{kept_with}, or a copy whose horizon holds them")


#: What opening books at a URL that is no database for them raises (said by _cannot_open).
_CANNOT_OPEN = (SQLAlchemyError, CommandError, ValueError, ImportError)


def in_memory(url: str | Path) -> BooksError | None:
    """Why books cannot be kept at ``url`` where it names a database in memory (``sqlite://``,
    ``sqlite:///``, ``sqlite:///:memory:``), as opening them says it; ``None`` otherwise."""
    full = database_url(url)
    memory = full.split("://", 1)[0].split("+", 1)[0] == "sqlite" and _in_memory(full)
    return _cannot_open(url, _InMemory(full)) if memory else None


def _cannot_open(url: str | Path, error: Exception) -> BooksError:
    """Why the books at ``url`` cannot be opened: what was expected, what was found."""
    full = database_url(url)
    # (the driver's own words, without the class SQLAlchemy names them by:
    # "(psycopg.OperationalError) connection failed: ...")
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    first_line = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
    scheme = full.split("://", 1)[0].split("+", 1)[0]
    if isinstance(error, _NotBooks):
        expected, got = "an SQLite database file that is new, empty or holds books", str(error)
    elif isinstance(error, _InMemory):
        expected = SQLITE_FILE
        got = ("a database in memory (books kept there are gone when the server stops): "
               "name a file, e.g. --db supplyline-books.db")
    elif isinstance(error, ArgumentError) or scheme not in ("sqlite", "postgresql"):
        # No such dialect, no URL at all, or a database the books are not kept in.
        expected = "an SQLite file or a postgresql://USER@HOST/DB URL"
        got = f"a URL of scheme {str(url).split('://', 1)[0]!r}"
    elif full.startswith("sqlite:///"):
        path = typing.cast(Path, sqlite_file(full))
        expected = SQLITE_FILE
        if path.is_dir():
            got = "a folder"
        elif not path.parent.is_dir():
            got = f"a file in {str(path.parent)!r}, a folder that does not exist"
        elif path.is_file() and "file is not a database" in first_line:
            got = "a file that is not an SQLite database"
        else:
            got = first_line
    else:
        expected = "a PostgreSQL server that accepts the connection and the books' schema"
        got = first_line
    return BooksError(f"cannot open the books at {shown_url(str(url))}: expected {expected}, "
                      f"got {got}")


def books_source(url: str | Path) -> str | None:
    """The scenario source kept in existing books (``None`` when there are none yet, or they
    cannot be read: :func:`open_books` says why)."""
    full = database_url(url)
    file = sqlite_file(full)
    if file is not None and not file.exists():
        return None
    try:
        # (an SQLite file read only, and left as it was: it may be another program's)
        engine = (_read_only(full) if full.startswith("sqlite:///") else _engine(full))
    except _CANNOT_OPEN:
        return None
    try:
        with engine.connect() as conn:
            value = conn.execute(
                select(t.meta.c.value).where(t.meta.c.key == "source")).scalar_one_or_none()
    except _CANNOT_OPEN:
        return None
    finally:
        engine.dispose()
    return value


def holds_books(url: str | Path) -> bool:
    """Whether the database at ``url`` holds books (their tables), as opposed to being
    empty or another program's: a command that reads books refuses the latter rather than
    turning it into books. An SQLite file is opened read-only, and left as it was."""
    full = database_url(url)
    try:
        engine = _read_only(full) if full.startswith("sqlite:///") else _engine(full)
    except _CANNOT_OPEN:
        return False
    try:
        with engine.connect() as conn:
            return bool(inspect(conn).has_table(t.meta.name))
    except _CANNOT_OPEN:
        return False
    finally:
        engine.dispose()


def shown_url(url: str) -> str:
    """A database URL as it may be printed: its password, if any, left out."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    who, where = rest.rsplit("@", 1)
    return f"{scheme}://{who.split(':', 1)[0]}:…@{where}" if ":" in who else url
