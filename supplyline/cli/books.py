"""Commands on the council's books (:mod:`supplyline.ops`): ``replan`` and ``serve``."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from supplyline.cli import common as ui
from supplyline.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    JsonOption,
    app,
    fail,
    load_or_exit,
    print_json,
    say,
)
from supplyline.errors import Problem
from supplyline.report.inert import inert
from supplyline.scenario.load import DEFAULT_SCENARIO, MAX_FILE_BYTES, MAX_FILE_ENV

DEFAULT_BOOKS = "supplyline-books.db"
DbOption = Annotated[
    str,
    typer.Option("--db", metavar="URL",
                 help="The books: an SQLite file or a postgresql://USER@HOST/DB URL."),
]


def _books_or_exit(db: str, scenario: str | None, json_output: bool, given_as: str,
                   existing: bool = False) -> Any:
    """Open the books at ``db`` for ``scenario`` (by default the one the books were made
    for, else the built-in default; ``given_as``: the argument or option that names it);
    exit 2 when they cannot be opened, or, with ``existing``, when ``db`` names an SQLite
    file that is not there (a mistyped path would otherwise start new, empty books)."""
    from supplyline.ops.db import BooksError, NotTheirScenario, books_source, open_books

    refused = _books_refused(db, given_as, existing)
    if refused is not None:
        fail(*refused[:2], EXIT_BAD_INPUT, json_output, **refused[2])

    try:
        kept = books_source(db)
    except Exception as error:  # an unreachable server or a bad URL, said below
        kept = None
        if scenario is None:
            fail("db", f"--db: cannot read the books at {db}: {str(error).splitlines()[0]}",
                 EXIT_BAD_INPUT, json_output)
    source = scenario or kept or DEFAULT_SCENARIO
    # (a scenario the books were kept with is said at its file; one named, at what named it)
    sc = (load_or_exit(source, json_output, given_as=None) if scenario is None
          else load_or_exit(scenario, json_output, given_as,
                            "re-planned" if given_as == "FILE" else "done"))
    try:
        return open_books(db, sc, source)
    except NotTheirScenario as error:  # said at what named the scenario, where one did
        fail("db", f"{given_as if scenario is not None else '--db'}: {error}",
             EXIT_BAD_INPUT, json_output)
    except BooksError as error:
        fail("db", f"--db: {error}", EXIT_BAD_INPUT, json_output)


def _books_refused(db: str, given_as: str,
                   existing: bool = False) -> tuple[str, str, dict[str, str]] | None:
    """What is wrong with ``db`` before the books are opened, as :func:`fail` says it (its
    kind, its message and what more it gives), ``None`` where nothing is: no name, an
    in-memory database, a file that is not an SQLite database (``given_as``: what names
    the scenario, said where ``db`` names one), or, with ``existing``, no books there. It
    looks at the file only: a command says it with the problems of its other options."""
    from supplyline.ops.db import SQLITE_FILE, database_url, holds_books, in_memory, sqlite_file

    if not db.strip():
        return ("usage", "--db: expected an SQLite file name or a postgresql://USER@HOST/DB "
                         "URL, got ''", {})
    refused = in_memory(db)  # (said before any file is looked for: there is none)
    if refused is not None:
        return "db", f"--db: {refused}", {}
    file = sqlite_file(database_url(db))
    at = {"path": str(db)}
    expected = (f"expected books that `supplyline serve --db {db}` has started (or a "
                "postgresql:// URL)")
    if existing and file is not None and not file.is_file():
        # (only books that are there will do: "new or existing" was no answer)
        found = ("a folder" if file.is_dir() else "no such file" if file.parent.is_dir()
                 else f"no folder {str(file.parent)!r}")
        return "db", f"--db: no books at {db}: {expected}, found {found}", at
    if file is not None and file.is_file() and file.stat().st_size > 0 and (
            not _is_sqlite(file)):
        scenario_file = _is_scenario(file)
        what = (f"a scenario file (a scenario is given as {given_as}; --db names the books)"
                if scenario_file else "a file that is not an SQLite database")
        if existing:  # (serve refuses such a file too: it is not one to suggest serving)
            return ("db", f"--db: no books at {db}: expected books (an SQLite file that "
                          f"`supplyline serve` has started, or a postgresql:// URL), found "
                          f"{what}", at)
        if scenario_file:  # (open_books says "a file that is not an SQLite database")
            return ("db", f"--db: cannot open the books at {db}: expected {SQLITE_FILE}, "
                          f"got {what}", at)
    if existing and file is not None and file.is_file() and (
            file.stat().st_size == 0 or not holds_books(db)):
        # (open_books would say "an SQLite database file, new or existing" of a file that
        # is not one, where only existing books will do)
        what = ("an empty file" if file.stat().st_size == 0
                else "an SQLite database that holds no books")
        return "db", f"--db: no books at {db}: {expected}, found {what}", at
    return None


def _is_scenario(file: Path) -> bool:
    """Whether ``file`` reads as a scenario: a YAML file, or text whose YAML is a mapping
    with ``places``."""
    if file.suffix.lower() in (".yaml", ".yml"):
        return True
    import yaml

    try:
        with file.open("rb") as handle:
            head = handle.read(1 << 20)
        data = yaml.safe_load(head.decode("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and "places" in data


def _is_sqlite(file: Path) -> bool:
    """Whether ``file`` starts as an SQLite database does."""
    try:
        with file.open("rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


@app.command()
def replan(
    scenario: Annotated[str | None, typer.Argument(
        metavar="FILE", show_default=False,
        help="Scenario YAML file or built-in name (default: the scenario the books are kept "
             "for).")] = None,
    db: DbOption = DEFAULT_BOOKS,
    as_of: Annotated[str | None, typer.Option("--as-of", metavar="DATE",
                                              help="Plan from the start of this day "
                                                   "(YYYY-MM-DD).  [required]")] = None,
    keep: Annotated[bool, typer.Option("--keep",
                                       help="Keep the re-plan as the plan in force (the "
                                            "default).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run",
                                          help="Show the re-plan, but keep no plan.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Plan the rest of the horizon from what the books recorded; show what changed."""
    from supplyline.errors import PlanError
    from supplyline.ops.replan import (
        ReplanRefused,
        as_of_refused,
        changes_in_tonnes,
        compare_plans,
        entries_left_out,
        in_force_or_first,
    )
    from supplyline.ops.replan import replan as make_replan

    # Every problem at once, as `check` says those of a file: the options' first (--db's
    # where no books are there to open), then, where the day is one, the books' (a day can
    # be both outside the horizon and before the last entry); where the books cannot be
    # opened, the day is still held against the scenario FILE names, and where FILE does
    # not load, its own problems are said with the options', located as `check` says them.
    problems: list[tuple[str, str]] = []
    if keep and dry_run:  # (one flag --keep/--dry-run kept the last in silence)
        problems.append(("--keep, --dry-run", "expected one of them, got both"))
    keep = not dry_run
    day = None
    if as_of is None:
        # (as a field left out is said: "required: the day ..." said no expected and got)
        problems.append(("--as-of", "expected the day to plan from (YYYY-MM-DD), got "
                                    "nothing"))
    else:
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError:
            problems.append(("--as-of", f"expected a date (YYYY-MM-DD), got {as_of!r}"))
    no_books = _books_refused(db, "FILE", existing=True)
    try:  # (the size limit FILE is read with, from the environment)
        limit = ui.max_file_bytes()
    except ValueError as error:
        problems.append((MAX_FILE_ENV, str(error).removeprefix(f"{MAX_FILE_ENV}: ")))
        limit = MAX_FILE_BYTES
    # (FILE alone wrong, with the books there, is said by the loading below, as before;
    # with the size limit wrong, FILE is not read)
    named, unsound = (_scenario_or_problems(scenario, limit)
                      if (problems or no_books is not None) and scenario is not None
                      and not any(option == MAX_FILE_ENV for option, _ in problems)
                      else (None, []))
    if no_books is not None:
        outside = as_of_refused(named, day) if named is not None and day is not None else None
        if not problems and outside is None and not unsound:  # (alone, as it was: the path)
            fail(*no_books[:2], EXIT_BAD_INPUT, json_output, **no_books[2])
        problems.append(("--db", no_books[1].removeprefix("--db: ")))
        if outside is not None:
            problems.append(("--as-of", outside))
    if day is None or no_books is not None:  # (no day, or no books to check it with)
        _refuse(problems, json_output, unsound, scenario or "")
    assert day is not None
    books = (_books_or_exit(db, scenario, json_output, "FILE", existing=True)
             if not problems else _books_if_there(db, scenario, named))
    if books is None:  # (books that cannot be opened are said once the options are right)
        _refuse(problems, json_output, unsound, scenario or "")
    if (outside := as_of_refused(books.scenario, day)) is not None:
        problems.append(("--as-of", outside))
    if (refused := entries_left_out(books, day)) is not None:
        problems.append(("--as-of", refused))
    if problems:
        books.close()
        _refuse(problems, json_output)
    with ExitStack() as stack:
        status = None if json_output else stack.enter_context(ui.stderr.status("re-planning"))
        try:
            if status is not None and books.plan_in_force() is None:
                status.update("no plan in force: planning from the scenario's start")
            force = in_force_or_first(books, keep, "replan")
            if status is not None:
                status.update(f"re-planning from {day}")
            done = make_replan(books, day, in_force=force[1])
        except ReplanRefused as error:  # (an entry written meanwhile, after the check)
            fail("usage", f"--as-of: {error}", EXIT_BAD_INPUT, json_output)
        except PlanError as error:
            fail("plan", str(error), EXIT_FAILED, json_output)
    kept = books.save_plan(done.figures, "replan") if keep else None
    changes = compare_plans(force[1], done.figures)
    kpis = done.plan.kpis()  # the re-plan's, from the as-of day (as the API gives them)
    if json_output:
        print_json({"ok": True, "status": done.plan.status, "kept": kept,
                    "in_force": force[0], "kpis": kpis, "changes": changes,
                    "outcome": done.figures["outcome"]})
        return
    from supplyline.report.terminal import Column, FitTable

    against = (f"plan #{force[0]}" if force[0] is not None
               else "the plan from the scenario's start (not kept)")
    table = FitTable(f"Re-plan from {day} against {against} (tonnes from {day})",
                     Column("What"), Column("Id"), Column("In force", numeric=True),
                     Column("Re-plan", numeric=True), Column("Change", numeric=True))
    rows, left_out = changes_in_tonnes(changes)
    for cells in rows:
        table.add_row(*cells)
    ui.stdout.print(table)
    if left_out:
        one = left_out == 1
        ui.stdout.print(f"Left out: {left_out} row{'' if one else 's'} whose figures are all "
                     f"under 0.05 t (--json gives {'it' if one else 'them'}).")
    for words in done.figures["outcome"]:
        ui.stdout.print(inert(words))
    say(ui.stdout, f"Re-plan {done.plan.status}; " + (f"kept as plan #{kept}, now in force."
                                                   if kept else "not kept (--dry-run)."))


def _scenario_or_problems(scenario: str, limit: int | None) -> tuple[Any, list[Any]]:
    """The scenario ``scenario`` names and no problems, where it loads (a file of at most
    ``limit`` bytes, as :func:`~supplyline.cli.common.max_file_bytes` says); else ``None``
    and its problems, as `check` says them."""
    from supplyline.errors import ScenarioError
    from supplyline.scenario.load import load

    try:
        return load(scenario, max_file_bytes=limit), []
    except ScenarioError as error:
        return None, list(error.problems)


def _books_if_there(db: str, scenario: str | None, loaded: Any = None) -> Any:
    """The books at ``db`` where they are an SQLite file that holds books and open for
    ``scenario`` (or the one they were kept for; ``loaded``: ``scenario`` loaded, where it
    was) without a problem; ``None`` else, saying nothing: what the options got wrong is
    said first, and the books' own problems once they are right."""
    from supplyline.ops.db import books_source, database_url, holds_books, open_books, sqlite_file
    from supplyline.scenario.load import load

    file = sqlite_file(database_url(db)) if db.strip() else None
    if file is None or not file.is_file() or not _is_sqlite(file) or not holds_books(db):
        return None
    try:
        source = scenario or books_source(db) or DEFAULT_SCENARIO
        return open_books(db, loaded if loaded is not None else load(source), source)
    except Exception:  # (said by the run that gets the options right)
        return None


def _refuse(problems: list[tuple[str, str]], json_output: bool,
            unsound: Sequence[Problem] = (), scenario: str = "") -> None:
    """Exit 2 on the ``problems`` (option, what is wrong) of a command's options and the
    ``unsound`` problems of its scenario FILE (``scenario``, as given: said as `check` says
    them where they are in a file, at FILE where they are of the argument itself),
    all of them: one is said as it is; several each on a line of its own (with ``--json``,
    in ``problems``, FILE's with their ``file``, ``line``, ``field``, ``expected`` and
    ``got``), then how many there were."""
    said: list[dict[str, Any]] = [{"option": option, "message": f"{option}: {text}"}
                                  for option, text in problems]
    said += [{"option": "FILE", "message": ui.scenario_problem_words(problem, scenario, "FILE"),
              **asdict(problem)} for problem in unsound]
    if not said:
        return
    if len(said) == 1:
        fail("usage", said[0]["message"], EXIT_BAD_INPUT, json_output, problems=said)
    if not json_output:
        for problem in said:
            say(ui.stderr, problem["message"])
    fail("usage", f"{len(said)} problems found; nothing was re-planned.", EXIT_BAD_INPUT,
         json_output, problems=said)


@app.command()
def serve(
    db: DbOption = DEFAULT_BOOKS,
    scenario: Annotated[str | None, typer.Option(
        "--scenario", metavar="FILE",
        help=f"Scenario of new books (default: {DEFAULT_SCENARIO}).")] = None,
    host: Annotated[str, typer.Option("--host", metavar="ADDRESS",
                                      help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, metavar="PORT",
                                      help="Port to listen on.")] = 8000,
    reset_council: Annotated[bool, typer.Option(
        "--reset-council", help="Give the council account a new password.")] = False,
    workers: Annotated[int, typer.Option(
        "--workers", min=1, max=64, metavar="N",
        help="Server processes (more serve more clients).")] = 1,
) -> None:
    """Serve the books' API and dashboard (extra [web]) on this machine."""
    import secrets

    try:
        import uvicorn

        from supplyline.ops.accounts import add_account, has_council
        from supplyline.ops.api import create_app
    except ImportError as error:
        fail("usage", f"serve needs the web extra (pip install 'supplyline[web]'): {error}",
             EXIT_BAD_INPUT, False)
    _check_listen(host, port)
    books = _books_or_exit(db, scenario, False, "--scenario")
    url = f"http://{'localhost' if host == '127.0.0.1' else host}:{port}/"
    from supplyline.ops.db import shown_url

    where = f"The books of {books.scenario.name} ({shown_url(db)}) at {url}"
    if reset_council or not has_council(books):
        password = secrets.token_urlsafe(12)
        add_account(books, "council", password, "council", replace=True)
        login = [f"Log in as 'council' with the password {password}",
                 "(kept hashed: note it now; --reset-council gives a new one)"]
    else:
        login = ["Log in as 'council' with its password (--reset-council gives a new one)"]
    if workers == 1:
        served = create_app(books)
        _serve_then_say(lambda: uvicorn.run(served, host=host, port=port,
                                            log_level="warning"), host, port, where, login)
        return
    books.close()
    os.environ["SUPPLYLINE_BOOKS"] = db
    os.environ["SUPPLYLINE_BOOKS_SCENARIO"] = scenario or _kept_source(db)
    _serve_then_say(lambda: uvicorn.run("supplyline.ops.api:app_from_environment",
                                        factory=True, host=host, port=port, workers=workers,
                                        log_level="warning"), host, port, where, login)


def _serve_then_say(run: Callable[[], None], host: str, port: int, where: str,
                    login: list[str]) -> None:
    """Run the server (``run``), and say ``where`` it serves and how to ``login`` once it
    answers: each server process imports the app and opens the books before it takes a
    connection, and with several the URL printed before then was refused for seconds (14 on
    a busy machine). Until then a status says it is starting (on a terminal). Where the
    server stops before it answers, ``login`` is said then: a new password is printed once."""
    lock, told = threading.Lock(), threading.Event()
    status = ui.stderr.status("starting the server")

    def tell(lines: list[str]) -> None:
        with lock:
            if not told.is_set():
                told.set()
                status.stop()
                for line in lines:
                    say(ui.stdout, line)

    status.start()
    threading.Thread(target=_when_answering, args=(host, port, lambda: tell([where, *login])),
                     daemon=True).start()
    try:
        run()
    finally:
        tell(login)


def _when_answering(host: str, port: int, then: Callable[[], None]) -> None:
    """Call ``then`` once the server at ``host``:``port`` answers a request (asked ten times
    a second; an address that stands for every one of this machine's is asked at its
    loopback)."""
    near = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    while not _answers(near, port):
        time.sleep(0.1)
    then()


def _answers(host: str, port: int) -> bool:
    """Whether the server at ``host``:``port`` answers a request for a file of the
    dashboard."""
    import http.client

    connection = http.client.HTTPConnection(host, port, timeout=10)
    try:
        connection.request("GET", "/static/app.css")
        connection.getresponse().read()
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()
    return True


def _check_listen(host: str, port: int) -> None:
    """Exit 2 when the server could not listen on ``host``:``port`` (a name that does not
    resolve, an address not of this machine, a port in use), before any books are made or a
    password printed."""
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
            probe.bind(address)
    except OSError as error:
        # (what was expected and what was found, as every other refusal says it: "cannot
        # listen on 127.0.0.1:8000: Address already in use" said no expected)
        fail("usage", f"--host, --port: expected an address of this machine and a port free "
                      f"to listen on, got {host}:{port} "
                      f"({getattr(error, 'strerror', None) or error})", EXIT_BAD_INPUT, False)


def _kept_source(db: str) -> str:
    from supplyline.ops.db import books_source

    return books_source(db) or DEFAULT_SCENARIO
