"""``supplyline replan`` and ``supplyline serve`` as the README shows them."""

from __future__ import annotations

import importlib.resources
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest
from typer.testing import CliRunner

import supplyline as sl
from supplyline.cli import app
from supplyline.ops import open_books
from tests.ops.conftest import entry
from tests.ops.live import ROOT


def test_replan_from_the_books(tmp_path: Path) -> None:
    db = tmp_path / "books.db"
    sc = sl.load("tutorial")
    books = open_books(db, sc)
    books.append(entry("route", date="2024-11-03", route="ridge-road", status="closed"),
                 "council")
    books.close()
    runner = CliRunner()
    got = runner.invoke(app, ["replan", "--db", str(db), "--as-of", "2024-11-05", "--json"])
    assert got.exit_code == 0, got.output
    out = json.loads(got.stdout)
    changes = {(c["what"], c["id"]): c for c in out["changes"]}
    assert changes[("route", "ridge-road")]["replan_kg"] == 0
    assert changes[("route", "ridge-road")]["in_force_kg"] > 0
    assert (out["in_force"], out["kept"]) == (1, 2)
    # How short the re-plan goes, from the as-of day: its own figures.
    kpis = out["kpis"]
    assert kpis["shortfall_t"] == pytest.approx(kpis["demand_t"] - kpis["delivered_t"])
    # From 5 Nov: 5 days of 1.5 t, then 21 days of 2.25 t.
    assert kpis["demand_t"] == pytest.approx(5 * 1.5 + 21 * 2.25)
    # The books remember their scenario: no FILE needed; the table fits 80 columns.
    got = runner.invoke(app, ["replan", "--db", str(db), "--as-of", "2024-11-06",
                              "--dry-run"])
    assert got.exit_code == 0, got.output
    assert "against plan #2" in got.output and "not kept" in got.output
    said = " ".join(got.output.split())
    assert "t the fronts need from 6 Nov 2024" in said or "t they need from 6 Nov 2024" in said
    assert max(len(line) for line in got.output.splitlines()) <= 80
    # Every change the JSON gives is a row, but those under 0.05 t in both plans: a route
    # asked a few kg by both read "0.0  0.0  +0.0". They are left out, and said so.
    assert not re.search(r"\s0\.0\s+0\.0\s+[-+]0\.0\s*$", got.output, re.M), got.output
    same = json.loads(runner.invoke(app, ["replan", "--db", str(db), "--as-of", "2024-11-06",
                                          "--dry-run", "--json"]).stdout)["changes"]
    small = [c for c in same if max(c["in_force_kg"], c["replan_kg"]) < 50.0]
    assert small
    for c in same:
        shown = re.search(rf"\s{re.escape(c['id'])}\s", got.output) is not None
        assert shown == (c not in small), c
    rows = "1 row" if len(small) == 1 else f"{len(small)} rows"
    assert (f"Left out: {rows} whose figures are all under 0.05 t (--json gives "
            f"{'it' if len(small) == 1 else 'them'}).") in said
    for args, says in (
        (["--as-of", "2024-11-01"], "expected a day after 2024-11-01"),
        (["--as-of", "soon"], "expected a date (YYYY-MM-DD)"),
        (["--as-of", ""], "--as-of: expected a date (YYYY-MM-DD), got ''"),  # (was "required")
        ([], "--as-of: expected the day to plan from (YYYY-MM-DD), got nothing"),
        (["--as-of", "2024-11-05", "tiny-other"], "no such file"),
    ):
        got = runner.invoke(app, ["replan", "--db", str(db), *args, "--json"])
        assert got.exit_code == 2 and says in got.output, got.output
    got = runner.invoke(app, ["replan", "--db", str(db), "--as-of", "2024-11-05",
                              str(ROOT / "tests" / "data" / "tiny.yaml"), "--json"])
    # (said at FILE, what named the scenario, with where the books are: "--db" was blamed)
    assert got.exit_code == 2 and (f"FILE: expected the scenario the books at {db} are kept "
                                   f"for, 'tutorial', got 'tiny'") in got.output


def test_replan_refuses_a_copy_whose_horizon_ends_before_the_entries(tmp_path: Path) -> None:
    """A copy of the tutorial ending on 8 Nov, with entries to 12 Nov in the books: the
    re-plan from 7 Nov was refused as one from before the last entry, asking a day the copy
    does not have ("re-plan from 2024-11-08 (the books' today)", itself refused); the copy
    is refused where it is named, as one that lacks ids the entries name."""
    from tests.ops.test_books import short_copy

    db = tmp_path / "books.db"
    books = open_books(db, sl.load("tutorial"))
    books.append(entry("contribution", date="2024-11-12", locality="high-village",
                       good="rice", kg=5, at="high-village"), "clerk")
    books.close()
    short = tmp_path / "short.yaml"
    short.write_text(short_copy().model_dump_json(by_alias=True), encoding="utf-8")
    runner = CliRunner()
    for as_of in ("2024-11-07", "2024-11-08"):
        for flags in (["--json"], []):
            got = runner.invoke(app, ["replan", "--db", str(db), "--as-of", as_of,
                                      "--dry-run", str(short), *flags], terminal_width=400)
            assert got.exit_code == 2, got.output
            said = " ".join(got.output.split())
            if flags:
                said = json.loads(got.stdout)["error"]["message"]
            assert said.startswith(
                f"FILE: expected a scenario whose horizon holds every entry's date, got "
                f"scenario 'tutorial' ({short}), whose end_date (2024-11-08) is before an "
                f"entry dated 2024-11-12"), said
            assert f"open the books at {db} with the scenario they were kept with" in said
            assert "the books' today" not in said
    books = open_books(db, sl.load("tutorial"))
    assert books.plans() == [] and books.count() == 1  # nothing planned, nothing written
    books.close()


def _serve(tmp_path: Path, *options: str) -> tuple[subprocess.Popen[str], int]:
    """``supplyline serve`` of the tutorial's books in ``tmp_path`` on a free port, in a
    process of its own (its output on a pipe), and the port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-c", "from supplyline.cli import app; app()", "serve",
         "--db", str(tmp_path / "books.db"), "--scenario", "tutorial", "--port", str(port),
         *options],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return process, port


def test_serve_prints_the_url_and_the_council_login(tmp_path: Path) -> None:
    process, port = _serve(tmp_path)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        url = f"http://localhost:{port}/"
        assert url in lines[0], lines
        password = re.search(r"Log in as 'council' with the password (\S+)", lines[1])
        assert password is not None, lines
        deadline = time.monotonic() + 30
        while True:
            try:
                got = httpx2.post(url + "api/login", json={"name": "council",
                                                           "password": password.group(1)})
                break
            except httpx2.HTTPError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert got.status_code == 200 and got.json()["role"] == "council"
        assert httpx2.get(url).status_code == 200
    finally:
        process.terminate()
        process.wait(10)


def test_serve_prints_the_url_once_its_processes_answer(tmp_path: Path) -> None:
    """With ``--workers 2`` the URL was printed seconds before the server answered (each
    process imports the app and opens the books first): a browser opened at it was
    refused. It is printed once the server answers, the login after it."""
    process, port = _serve(tmp_path, "--workers", "2")
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        url = f"http://localhost:{port}/"
        assert url in first, first
        assert httpx2.get(url).status_code == 200  # at once: no retry
        assert "Log in as 'council' with the password " in process.stdout.readline()
    finally:
        process.terminate()
        process.wait(10)


def test_serve_prints_a_database_url_without_its_password() -> None:
    from supplyline.ops.db import shown_url

    assert shown_url("postgresql://clerk:s3cret@db.example:5432/books") == \
        "postgresql://clerk:…@db.example:5432/books"
    assert shown_url("postgresql://clerk@db.example/books") == "postgresql://clerk@db.example/books"
    assert shown_url("supplyline-books.db") == "supplyline-books.db"


SQLITE = "expected an SQLite database file, new or existing, in a folder that exists"
#: What a re-plan, which needs books there already, says of a --db where there are none.
NO_BOOKS = "expected books that `supplyline serve --db {db}` has started (or a postgresql:// URL)"
#: ... and of a file that is not books.
NOT_BOOKS = ("expected books (an SQLite file that `supplyline serve` has started, or a "
             "postgresql:// URL)")


@pytest.mark.parametrize(("db", "serve_says", "replan_says"), [
    ("notes.txt", f"{SQLITE}, got a file that is not an SQLite database",
     f"{NOT_BOOKS}, found a file that is not an SQLite database"),
    # A scenario file, said to be one, and how a scenario is given: serve said of it "a file
    # that is not an SQLite database".
    ("scenario.yaml", f"{SQLITE}, got a scenario file (a scenario is given as --scenario; "
                      f"--db names the books)",
     f"{NOT_BOOKS}, found a scenario file (a scenario is given as FILE; --db names the "
     f"books)"),
    # Books a re-plan would not make (it answered "new or existing" of these).
    ("folder", f"{SQLITE}, got a folder", f"{NO_BOOKS}, found a folder"),
    ("..", f"{SQLITE}, got a folder", f"{NO_BOOKS}, found a folder"),
    ("missing/books.db", f"{SQLITE}, got a file in 'missing', a folder that does not exist",
     f"{NO_BOOKS}, found no folder 'missing'"),
    ("foo://bar", "expected an SQLite file or a postgresql://USER@HOST/DB URL, got a URL of "
                  "scheme 'foo'", None),
    # A database SQLAlchemy knows, but the books are not kept in (its driver missing or not).
    ("mysql://x/y", "expected an SQLite file or a postgresql://USER@HOST/DB URL, got a URL of "
                    "scheme 'mysql'", None),
])
def test_books_that_cannot_be_opened_are_said_with_exit_2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db: str, serve_says: str,
        replan_says: str | None) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenario.yaml").write_text((ROOT / "tests" / "data" / "tiny.yaml").read_text())
    (tmp_path / "notes.txt").write_text("the council met on the 3rd\n")
    (tmp_path / "folder").mkdir()
    runner = CliRunner()
    with socket.socket() as s:  # a port free here (8000 may be taken on this machine)
        s.bind(("127.0.0.1", 0))
        port = str(s.getsockname()[1])
    for args in (["replan", "tutorial", "--db", db, "--as-of", "2024-11-05"],
                 ["replan", "--db", db, "--as-of", "2024-11-05", "--json"],
                 ["serve", "--db", db, "--scenario", "tutorial", "--port", port],
                 ["serve", "--db", db, "--port", port]):
        got = runner.invoke(app, args, terminal_width=400)
        assert got.exit_code == 2, (args, got.output)
        said = f"--db: cannot open the books at {db}: {serve_says}"
        if args[0] == "replan" and replan_says is not None:
            said = f"--db: no books at {db}: {replan_says.format(db=db)}"
        assert said in " ".join(got.output.split()), (args, got.output)
        assert isinstance(got.exception, SystemExit)  # said, not raised


def test_a_scenario_the_books_are_not_kept_for_is_said_at_what_named_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another scenario given to the tutorial's books was blamed on --db ("--db: expected
    the scenario these books are kept for, 'tutorial', got ..."), which was right: said at
    --scenario or FILE, what the user typed, with where the books are."""
    monkeypatch.chdir(tmp_path)
    open_books("books.db", sl.load("tutorial")).close()
    tiny = str(ROOT / "tests" / "data" / "tiny.yaml")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = str(s.getsockname()[1])
    runner = CliRunner()
    for args, named in ((["serve", "--scenario", tiny, "--port", port], "--scenario"),
                        (["replan", "--as-of", "2024-11-05", "--dry-run", tiny], "FILE")):
        got = runner.invoke(app, [*args, "--db", "books.db"], terminal_width=400)
        assert got.exit_code == 2, got.output
        assert (f"{named}: expected the scenario the books at books.db are kept for, "
                f"'tutorial', got 'tiny'") in " ".join(got.output.split())


def test_a_scenario_argument_that_names_nothing_is_said_once_at_what_named_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``replan ... Tutorial`` (a built-in name in capitals) said "Tutorial: (file):
    expected ..., got no such file": the argument as if it were a file, a field "(file)",
    and what was found without the name. Said at FILE (``--scenario`` for ``serve``), the
    argument named once, exit code 2, nothing opened or made."""
    monkeypatch.chdir(tmp_path)
    open_books("books.db", sl.load("tutorial")).close()
    runner = CliRunner()
    expected = ("expected an existing scenario file or a built-in scenario name "
                "(dien-bien-phu-1954, tutorial) (did you mean 'tutorial'?), got 'Tutorial' "
                "(no such file)")
    got = runner.invoke(app, ["replan", "--db", "books.db", "--as-of", "2024-11-05",
                              "Tutorial"], terminal_width=400)
    assert got.exit_code == 2, got.output
    assert got.output.splitlines() == [f"FILE: {expected}",
                                       "1 problem found; nothing was re-planned."]
    got = runner.invoke(app, ["replan", "--db", "books.db", "--as-of", "2024-11-05",
                              "Tutorial", "--json"])
    error = json.loads(got.stdout)["error"]
    assert got.exit_code == 2 and error["kind"] == "scenario"
    assert [p["message"] for p in error["problems"]] == [f"FILE: {expected}"]
    assert error["problems"][0]["file"] == "Tutorial"  # (as check gives it)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = str(s.getsockname()[1])
    got = runner.invoke(app, ["serve", "--db", "books.db", "--scenario", "Tutorial",
                              "--port", port], terminal_width=400)
    assert got.exit_code == 2, got.output
    assert got.output.splitlines()[0] == f"--scenario: {expected}"


def test_a_replan_without_its_day_says_what_was_expected_and_found(tmp_path: Path) -> None:
    """``replan`` without ``--as-of`` said "--as-of: required: the day to plan from
    (YYYY-MM-DD)": what was expected, but not what was found, as every other problem says
    it (the API's field left out: "expected ..., got nothing")."""
    db = tmp_path / "books.db"
    open_books(db, sl.load("tutorial")).close()
    got = CliRunner().invoke(app, ["replan", "--db", str(db)], terminal_width=400)
    assert got.exit_code == 2, got.output
    assert got.output.splitlines() == [
        "--as-of: expected the day to plan from (YYYY-MM-DD), got nothing"]


def test_a_replan_from_the_scenario_s_start_says_how_that_is_planned(tmp_path: Path) -> None:
    """On fresh books, ``--as-of`` the horizon's first day was refused as "expected a day
    after 2024-11-01 ..., got 2024-11-01", naming no way to plan from it."""
    db = tmp_path / "fresh.db"
    open_books(db, sl.load("tutorial")).close()
    got = CliRunner().invoke(app, ["replan", "--db", str(db), "--as-of", "2024-11-01",
                                   "--dry-run", "--json"])
    assert got.exit_code == 2, got.output
    from tests.ops.test_api import FROM_THE_START

    assert json.loads(got.stdout)["error"]["message"] == f"--as-of: {FROM_THE_START}"


def test_replan_says_every_problem_at_once(tmp_path: Path) -> None:
    """--keep with --dry-run, an --as-of that is the scenario's start and one before the
    books' last entry: each was said alone, the first found, and the next run found the
    next. All are said together (as `check` says a file's), exit code 2; options that give
    no day are said together without opening the books."""
    db = tmp_path / "books.db"
    books = open_books(db, sl.load("tutorial"))
    books.append(entry("contribution", date="2024-11-12", locality="high-village",
                       good="rice", kg=5, at="high-village"), "clerk")
    books.close()
    runner = CliRunner()
    args = ["replan", "--db", str(db), "--as-of", "2024-11-01", "--keep", "--dry-run"]
    got = runner.invoke(app, [*args, "--json"])
    assert got.exit_code == 2, got.output
    error = json.loads(got.stdout)["error"]
    assert error["kind"] == "usage"
    assert error["message"] == "3 problems found; nothing was re-planned."
    said = [p["message"] for p in error["problems"]]
    assert said[0] == "--keep, --dry-run: expected one of them, got both"
    assert said[1].startswith("--as-of: expected a day after 2024-11-01 and up to 2024-11-30, "
                              "got 2024-11-01, the scenario's start")
    assert said[2].startswith("--as-of: expected a day on or after 2024-11-12, the date of "
                              "the last entry, got 2024-11-01")
    got = runner.invoke(app, args, terminal_width=400)
    assert got.exit_code == 2
    lines = " ".join(got.output.split())
    for message in [*(" ".join(m.split()) for m in said),
                    "3 problems found; nothing was re-planned."]:
        assert message in lines
    got = runner.invoke(app, ["replan", "--db", str(tmp_path / "none.db"), "--keep",
                              "--dry-run", "--as-of", "soon", "--json"])
    error = json.loads(got.stdout)["error"]
    assert got.exit_code == 2 and [p["message"] for p in error["problems"]] == [
        "--keep, --dry-run: expected one of them, got both",
        "--as-of: expected a date (YYYY-MM-DD), got 'soon'",
        f"--db: no books at {tmp_path / 'none.db'}: expected books that `supplyline serve "
        f"--db {tmp_path / 'none.db'}` has started (or a postgresql:// URL), found no such "
        f"file"]
    assert not (tmp_path / "none.db").exists()


def test_replan_says_books_that_are_not_there_with_the_other_options_problems(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``replan --db nothere.db --as-of 2024-10-01 tutorial`` said only that no books were
    there; the next run, with the books named right, said the day was outside the horizon.
    Both are said at once, the day held against the scenario FILE names, exit 2. A FILE
    that is not there, or that does not load, was said only on a later run: its problems
    are said with the others, located as `check` says them."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    args = ["replan", "--db", "nothere.db", "--as-of", "2024-10-01", "tutorial"]
    got = runner.invoke(app, [*args, "--json"])
    assert got.exit_code == 2, got.output
    error = json.loads(got.stdout)["error"]
    assert error["message"] == "2 problems found; nothing was re-planned."
    assert [p["option"] for p in error["problems"]] == ["--db", "--as-of"]
    assert error["problems"][0]["message"].startswith("--db: no books at nothere.db: ")
    assert error["problems"][1]["message"] == (
        "--as-of: expected a day after 2024-11-01 and up to 2024-11-30, got 2024-10-01")
    got = runner.invoke(app, args, terminal_width=400)
    assert got.exit_code == 2 and isinstance(got.exception, SystemExit)
    said = " ".join(got.output.split())
    assert "--db: no books at nothere.db" in said and "got 2024-10-01" in said
    assert "2 problems found" in said
    # A day inside the horizon: the books alone are said, as before (kind db, the path).
    got = runner.invoke(app, ["replan", "--db", "nothere.db", "--as-of", "2024-11-05",
                              "tutorial", "--json"])
    error = json.loads(got.stdout)["error"]
    assert got.exit_code == 2 and error["kind"] == "db" and error["path"] == "nothere.db"
    assert not any(tmp_path.iterdir())  # nothing made
    # A FILE that is not there, with a day that is not one and no books.
    got = runner.invoke(app, ["replan", "--db", "nothere.db", "--as-of", "2024-10-01",
                              "nosuch.yaml", "--json"])
    assert got.exit_code == 2, got.output
    error = json.loads(got.stdout)["error"]
    assert error["message"] == "2 problems found; nothing was re-planned."
    assert [p["option"] for p in error["problems"]] == ["--db", "FILE"]
    assert error["problems"][0]["message"].startswith("--db: no books at nothere.db: ")
    assert error["problems"][1]["message"] == (
        "FILE: expected an existing scenario file, got 'nosuch.yaml' (no such file)")
    assert error["problems"][1]["field"] == "(file)" and error["problems"][1]["line"] is None
    # A FILE with a bad field, said at its line, with a bad --as-of and no books.
    text = (importlib.resources.files("supplyline") / "scenario" / "builtin"
            / "tutorial.yaml").read_text(encoding="utf-8")
    line = text[:text.index("\nstart_date: 2024-11-01")].count("\n") + 2
    (tmp_path / "mine.yaml").write_text(
        text.replace("\nstart_date: 2024-11-01", "\nstart_date: soon"), encoding="utf-8")
    args = ["replan", "--db", "nothere.db", "--as-of", "1 Oct", "mine.yaml"]
    got = runner.invoke(app, [*args, "--json"])
    assert got.exit_code == 2, got.output
    error = json.loads(got.stdout)["error"]
    assert error["message"] == "3 problems found; nothing was re-planned."
    assert [p["option"] for p in error["problems"]] == ["--as-of", "--db", "FILE"]
    bad = error["problems"][2]
    assert (bad["file"], bad["line"], bad["field"]) == ("mine.yaml", line, "start_date")
    assert bad["message"].startswith(f"mine.yaml line {line}: start_date: expected a date")
    assert bad["message"].endswith("got 'soon'"), bad
    got = runner.invoke(app, args, terminal_width=400)
    assert got.exit_code == 2 and isinstance(got.exception, SystemExit)
    said = " ".join(got.output.split())
    for words in ("--as-of: expected a date (YYYY-MM-DD), got '1 Oct'",
                  "--db: no books at nothere.db", f"mine.yaml line {line}: start_date: ",
                  "3 problems found; nothing was re-planned."):
        assert words in said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"]  # nothing made


def test_books_on_a_server_that_does_not_answer_are_said_in_its_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PostgreSQL URL whose server does not answer was said with the class the library
    names the error by ("got (psycopg.OperationalError) connection failed: ...")."""
    monkeypatch.chdir(tmp_path)
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = f"postgresql://clerk@127.0.0.1:{port}/books"
    got = CliRunner().invoke(app, ["replan", "--db", db, "--as-of", "2024-11-10",
                                   "--dry-run", "tutorial", "--json"])
    assert got.exit_code == 2, got.output
    said = json.loads(got.stdout)["error"]["message"]
    assert said.startswith(f"--db: cannot open the books at {db}: expected a PostgreSQL server "
                           f"that accepts the connection and the books' schema, got "
                           f"connection failed: "), said
    assert "OperationalError" not in said and "psycopg" not in said


def test_replan_refuses_books_that_are_not_there(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A mistyped --db (or none, in a folder without books) used to start new, empty books
    and re-plan as if nothing had been recorded; and --as-of is required."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for args in (["--db", "nope.db"], []):
        got = runner.invoke(app, ["replan", *args, "--as-of", "2024-11-05", "--json"])
        assert got.exit_code == 2, got.output
        error = json.loads(got.stdout)["error"]
        assert error["kind"] == "db" and "no books at" in error["message"]
        assert "supplyline serve" in error["message"]
    assert not any(tmp_path.iterdir())  # nothing made
    got = runner.invoke(app, ["replan", "--db", "nope.db"])
    assert got.exit_code == 2 and "--as-of: expected the day to plan from" in got.output


def test_replan_refuses_a_file_that_holds_no_books_and_an_empty_db(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty file, or another program's SQLite database, became books (nine tables added
    to it) and was re-planned against a plan made up; --db '' ended in a traceback."""
    import sqlite3

    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.db").write_bytes(b"")
    foreign = sqlite3.connect(tmp_path / "foreign.db")
    foreign.execute("create table foo (x)")
    foreign.commit()
    foreign.close()
    before = (tmp_path / "foreign.db").read_bytes()
    # A report where the books were meant: it said "expected an SQLite database file, new
    # or existing", and a new one is refused.
    (tmp_path / "report.html").write_text("<html></html>", encoding="utf-8")
    runner = CliRunner()
    for name, found in (("empty.db", "found an empty file"),
                        ("foreign.db", "found an SQLite database that holds no books"),
                        ("report.html", "expected books (an SQLite file that `supplyline "
                                        "serve` has started, or a postgresql:// URL), found "
                                        "a file that is not an SQLite database")):
        got = runner.invoke(app, ["replan", "tutorial", "--db", name, "--as-of", "2024-11-05",
                                  "--json"])
        assert got.exit_code == 2, got.output
        error = json.loads(got.stdout)["error"]
        assert error["kind"] == "db" and found in error["message"], error
    assert (tmp_path / "empty.db").read_bytes() == b""
    assert (tmp_path / "foreign.db").read_bytes() == before
    got = runner.invoke(app, ["replan", "tutorial", "--db", "", "--as-of", "2024-11-05"])
    assert got.exit_code == 2 and isinstance(got.exception, SystemExit | None)
    assert "--db: expected an SQLite file name or a postgresql" in got.output


def test_a_dry_run_on_books_without_a_plan_keeps_none(tmp_path: Path) -> None:
    """With no plan in force, the plan from the scenario's start is what a re-plan is
    compared with; a dry run keeps neither (it used to keep that first plan)."""
    db = tmp_path / "books.db"
    open_books(db, sl.load("tutorial")).close()
    runner = CliRunner()
    got = runner.invoke(app, ["replan", "--db", str(db), "--as-of", "2024-11-05",
                              "--dry-run", "--json"])
    assert got.exit_code == 0, got.output
    assert json.loads(got.stdout)["in_force"] is None
    books = open_books(db, sl.load("tutorial"))
    assert books.plan_in_force() is None
    books.close()
    kept = runner.invoke(app, ["replan", "--db", str(db), "--as-of", "2024-11-05", "--json"])
    assert (json.loads(kept.stdout)["in_force"], json.loads(kept.stdout)["kept"]) == (1, 2)


def test_keep_and_dry_run_together_are_a_usage_error(tmp_path: Path) -> None:
    """``--keep --dry-run`` ran, and the dry run won without a word: the user asked to keep.
    Said before the books are opened or anything is planned."""
    db = tmp_path / "books.db"
    runner = CliRunner()
    for flags in (["--keep", "--dry-run"], ["--dry-run", "--keep"]):
        for json_flag in ([], ["--json"]):
            got = runner.invoke(app, ["replan", "--db", str(db), "--as-of", "2024-11-05",
                                      *flags, *json_flag])
            assert got.exit_code == 2, got.output
            assert "--keep, --dry-run: expected one of them, got both" in got.output
    assert not db.exists()
    open_books(db, sl.load("tutorial")).close()
    kept = runner.invoke(app, ["replan", "--db", str(db), "--as-of", "2024-11-05", "--keep",
                               "--json"])
    assert kept.exit_code == 0, kept.output
    assert json.loads(kept.stdout)["kept"] == 2


def test_the_table_of_changes_leaves_out_what_rounds_to_nothing() -> None:
    from supplyline.ops.replan import changes_in_tonnes

    rows, left_out = changes_in_tonnes([
        {"what": "route", "id": "ridge-depot--district-hospital", "in_force_kg": 2.2,
         "replan_kg": 7.1},
        {"what": "route", "id": "gorge-path", "in_force_kg": 0.0, "replan_kg": 54543.5},
        {"what": "locality", "id": "far-village", "in_force_kg": 20975.3,
         "replan_kg": 20990.0},  # unchanged to a tenth of a tonne: still shown
        {"what": "front", "id": "kestrel-town", "in_force_kg": 40.0, "replan_kg": 60.0},
        {"what": "route", "id": "bridge-road", "in_force_kg": 30.0, "replan_kg": 0.0}])
    assert rows == [("route", "gorge-path", "0.0", "54.5", "+54.5"),
                    ("locality", "far-village", "21.0", "21.0", "+0.0"),
                    ("front", "kestrel-town", "0.0", "0.1", "+0.1")]  # the shown add up
    assert left_out == 2


def test_serve_says_when_it_cannot_listen_before_making_books(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An address not of this machine made the books and printed the council's password,
    then ended with exit code 3 and the server's own words; a port in use alike. Said with
    what was expected and what was found (it said "cannot listen on 127.0.0.1:8000:
    Address already in use")."""
    import socket

    pytest.importorskip("uvicorn")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    got = runner.invoke(app, ["serve", "--db", "b.db", "--scenario", "tutorial",
                              "--host", "999.1.1.1", "--port", "18766"])
    assert got.exit_code == 2, got.output
    listen = "--host, --port: expected an address of this machine and a port free to listen on"
    said = " ".join(got.output.split())
    assert said.startswith(f"{listen}, got 999.1.1.1:18766 ("), said
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        got = runner.invoke(app, ["serve", "--db", "b.db", "--scenario", "tutorial",
                                  "--port", str(port)])
    assert got.exit_code == 2, got.output
    assert " ".join(got.output.split()) == (f"{listen}, got 127.0.0.1:{port} (Address "
                                            "already in use)")
    assert "password" not in got.output and not (tmp_path / "b.db").exists()


def test_replan_says_a_scenario_file_given_as_db_is_one(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """`--db tutorial.yaml` answered "expected books that `supplyline serve --db
    tutorial.yaml` has started": serve refuses a scenario file. Said by its name, or by what
    it holds."""
    monkeypatch.chdir(tmp_path)
    scenario = (ROOT / "supplyline" / "scenario" / "builtin" / "tutorial.yaml").read_text()
    (tmp_path / "tutorial.yaml").write_text(scenario)
    (tmp_path / "tutorial.txt").write_text(scenario)
    runner = CliRunner()
    for name in ("tutorial.yaml", "tutorial.txt"):
        for flags in ([], ["--json"]):
            got = runner.invoke(app, ["replan", "--db", name, "--as-of", "2024-11-10",
                                      *flags], terminal_width=400)
            assert got.exit_code == 2, got.output
            said = " ".join(got.output.split())
            assert (f"--db: no books at {name}: expected books (an SQLite file that "
                    "`supplyline serve` has started, or a postgresql:// URL), found a "
                    "scenario file (a scenario is given as FILE; --db names the books)") in said
            assert f"serve --db {name}" not in said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tutorial.txt", "tutorial.yaml"]


def test_replan_from_before_the_last_entries_is_refused(tmp_path: Path) -> None:
    """With entries to 12 Nov and a plan from 11 Nov in force, a re-plan from 5 Nov planned
    as if the later entries had not been written (55.7 t over a route reported closed from
    8 to 10 Nov), against the plan from 11 Nov, and was kept."""
    db = tmp_path / "books.db"
    books = open_books(db, sl.load("tutorial"))
    for on, status in (("2024-11-08", "closed"), ("2024-11-10", "reopened")):
        books.append(entry("route", date=on, route="ridge-road", status=status), "council")
    books.close()
    runner = CliRunner()
    assert runner.invoke(app, ["replan", "--db", str(db), "--as-of", "2024-11-11",
                               "--json"]).exit_code == 0
    books = open_books(db, sl.load("tutorial"))
    books.append(entry("route", date="2024-11-12", route="bridge-road", status="strike",
                       capacity_lost=0.2), "council")
    books.close()
    for flags in (["--dry-run"], [], ["--dry-run", "--json"]):
        got = runner.invoke(app, ["replan", "--db", str(db), "--as-of", "2024-11-05", *flags],
                            terminal_width=400)
        assert got.exit_code == 2, got.output
        assert ("--as-of: expected a day on or after 2024-11-12, the date of the last entry, "
                "got 2024-11-05: the books hold 3 entries dated after 2024-11-05 (the last on "
                "2024-11-12), which a re-plan from 2024-11-05 would leave out; re-plan from "
                "2024-11-13 (the books' today), or cancel the entries dated by mistake"
                ) in " ".join(got.output.split())
    books = open_books(db, sl.load("tutorial"))
    assert [p["start"] for p in books.plans()] == ["2024-11-01", "2024-11-11"]  # none kept
    books.close()
    # From the last entries' day on, the re-plan is made, against the plan in force.
    got = runner.invoke(app, ["replan", "--db", str(db), "--as-of", "2024-11-12",
                              "--dry-run", "--json"])
    assert got.exit_code == 0, got.output
    assert json.loads(got.stdout)["in_force"] == 2


def test_replan_says_why_the_fronts_go_short(tmp_path: Path) -> None:
    """Both routes into the town closed: the command said "leaves the fronts 47.3 t short of
    the 47.3 t", never why, which its JSON had (``kpis.findings``)."""
    db = tmp_path / "books.db"
    books = open_books(db, sl.load("tutorial"))
    for route in ("ridge-road", "gorge-path"):
        books.append(entry("route", date="2024-11-08", route=route, status="closed"),
                     "council")
    books.close()
    runner = CliRunner()
    got = runner.invoke(app, ["replan", "--db", str(db), "--as-of", "2024-11-10",
                              "--dry-run"])
    assert got.exit_code == 0, got.output
    said = " ".join(got.output.split())
    why = ("Kestrel town is short of rice by 47.3 t (from 10 Nov 2024). What binds: no rice "
           "can reach Kestrel town within the plan from where any is held or given.")
    # (its day said as its findings say theirs: "from 2024-11-10" beside "(from 10 Nov 2024)")
    assert ("The re-plan leaves the fronts 47.3 t short of the 47.3 t they need from "
            "10 Nov 2024. " + why) in said
    assert max(len(line) for line in got.output.splitlines()) <= 80
    out = json.loads(runner.invoke(app, ["replan", "--db", str(db), "--as-of", "2024-11-10",
                                         "--dry-run", "--json"]).stdout)
    assert out["outcome"][1] == why
    assert out["kpis"]["findings"][0]["binding"][0] in why


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite:///:memory:"])
def test_books_in_memory_are_refused_as_bad_input(tmp_path: Path, url: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """``serve --db sqlite://`` (or ``sqlite:///``, ``sqlite:///:memory:``) crashed with a
    traceback (the pool's max_overflow), and ``replan --db sqlite://`` said SQLAlchemy's own
    words: books in memory are gone when the server stops, so each is refused, exit 2, in
    the words of every --db that cannot be opened."""
    from supplyline.ops import BooksError

    with pytest.raises(BooksError, match=r"^cannot open the books at .*: expected an SQLite "
                                         r"database file, new or existing, in a folder that "
                                         r"exists, got a database in memory"):
        open_books(url, sl.load("tutorial"))
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    got = runner.invoke(app, ["serve", "--db", url, "--port", "1"])
    assert got.exit_code == 2, got.output
    assert "Traceback" not in got.output
    assert f"--db: cannot open the books at {url}: expected" in got.output
    got = runner.invoke(app, ["replan", "--db", url, "--as-of", "2024-11-03", "tutorial"])
    assert got.exit_code == 2 and "Traceback" not in got.output
    # (in the same words: replan had told to start books that serve refuses,
    # "expected books that `supplyline serve --db sqlite:///:memory:` has started")
    assert f"--db: cannot open the books at {url}: expected" in got.output
    assert "has started" not in got.output


def test_serve_refuses_an_sqlite_file_of_another_program(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """``serve --db other.db``, an SQLite file with tables of another program's, added the
    books' tables to it in silence (replan refused it: "holds no books"); it is refused, and
    the file left as it was (its journal mode too). An empty file, or a new one, is books to
    be."""
    import sqlite3

    from supplyline.ops import BooksError

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.close()
    with pytest.raises(BooksError, match=r"got an SQLite database that holds no books but "
                                         r"tables of its own \('customers'\)"):
        open_books(other, sl.load("tutorial"))
    monkeypatch.chdir(tmp_path)
    got = CliRunner().invoke(app, ["serve", "--db", str(other), "--port", "1"])
    assert got.exit_code == 2 and "Traceback" not in got.output, got.output
    assert f"--db: cannot open the books at {other}: expected an SQLite database file " \
           "that is new, empty or holds books" in got.output
    with sqlite3.connect(other) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("customers",)]
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    conn.close()
    empty = tmp_path / "empty.db"
    empty.touch()
    open_books(empty, sl.load("tutorial")).close()


@pytest.mark.parametrize("name", ["b#1.db", "a?b.db", "c%20d.db"])
def test_books_are_kept_in_the_file_named_whatever_its_name_holds(tmp_path: Path,
                                                                  name: str) -> None:
    """Books at a?b.db were kept in the file "a" and those at c%20d.db in "c d.db" (a URL's
    query and escapes), and the scenario kept in b#1.db was not read back (serve without a
    FILE took the default scenario, and refused the books as another scenario's)."""
    from supplyline.ops.db import books_source, holds_books

    books = open_books(tmp_path / name, sl.load("tutorial"))
    books.close()
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".db") == [name]
    assert books_source(tmp_path / name) == "tutorial"
    assert holds_books(tmp_path / name)
    got = CliRunner().invoke(app, ["replan", "--db", str(tmp_path / name), "--as-of",
                                   "2024-11-03", "--dry-run"])
    assert got.exit_code == 0, got.output


def test_replan_says_file_problems_at_once_under_a_size_limit_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With SUPPLYLINE_MAX_FILE_MB set, a FILE that is not there, or over the limit, was
    said only once --db and --as-of were right, where without it all came at once; a
    limit that is not a number is said with the others too."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    args = ["replan", "--db", "nothere.db", "--as-of", "2024-10-01"]

    def options(*more: str) -> list[str]:
        got = runner.invoke(app, [*args, *more, "--json"])
        assert got.exit_code == 2, got.output
        return [p["option"] for p in json.loads(got.stdout)["error"]["problems"]]

    monkeypatch.setenv("SUPPLYLINE_MAX_FILE_MB", "5")
    assert options("nosuch.yaml") == ["--db", "FILE"]
    text = (importlib.resources.files("supplyline") / "scenario" / "builtin"
            / "tutorial.yaml").read_text(encoding="utf-8")
    (tmp_path / "mine.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("SUPPLYLINE_MAX_FILE_MB", "0.001")  # (1 kB: the file is larger)
    got = runner.invoke(app, [*args, "mine.yaml", "--json"])
    problems = json.loads(got.stdout)["error"]["problems"]
    assert [p["option"] for p in problems] == ["--db", "FILE"]
    assert "SUPPLYLINE_MAX_FILE_MB" in problems[1]["message"]
    monkeypatch.setenv("SUPPLYLINE_MAX_FILE_MB", "lots")
    got = runner.invoke(app, [*args, "mine.yaml", "--json"])
    problems = json.loads(got.stdout)["error"]["problems"]
    assert [p["option"] for p in problems] == ["SUPPLYLINE_MAX_FILE_MB", "--db"]
    assert problems[0]["message"] == ("SUPPLYLINE_MAX_FILE_MB: expected a number of MiB ≥ 0 "
                                      "(0: no limit), got 'lots'")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"]  # nothing made
