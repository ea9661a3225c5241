"""The ``supplyline`` command line.

Every command that reads a scenario takes an optional ``FILE`` (a path or a built-in name;
the built-in default when left out) and loads it with :func:`load_or_exit`, so bad input
always ends the same way: the list of problems, exit code 2, no traceback.

Exit codes: 0 ok, 1 a run that failed (the plan could not be made, it was interrupted, the
output folder is in use, a validated figure is out of tolerance), 2 bad input (the scenario,
an option, an output path). A command ends on a failure with :func:`fail`, which prints the
message on standard error or, with ``--json``, the error object
``{"ok": false, "error": {"kind": ..., "message": ..., ...}}`` on standard output. Mistakes
in the command line itself (Click's usage errors) and Ctrl-C give the same object
(:class:`_Commands`).

Text from the scenario is printed through :func:`supplyline.report.inert.inert` (or
:func:`say`): never read as Rich markup, control characters shown as escapes.

Adding a command: write a function under the "commands" heading below, decorate it with
``@app.command()``, take ``scenario: ScenarioArg = None`` and ``json_output: JsonOption =
False``, and start with ``sc = load_or_exit(scenario, json_output)``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

try:  # recent Typer runs on its own copy of Click, and raises that copy's exceptions
    from typer._click.exceptions import BadParameter, ClickException
except ImportError:  # pragma: no cover - older Typer runs on Click itself
    from click.exceptions import (  # type: ignore[assignment]
        BadParameter,
        ClickException,
    )

from supplyline import __version__
from supplyline.errors import Problem, ReplayError, ScenarioError
from supplyline.report.inert import inert, plain
from supplyline.report.safe_write import OutputBusyError
from supplyline.resilience.bounds import LIMITS
from supplyline.scenario.load import (
    DEFAULT_SCENARIO,
    MAX_FILE_BYTES,
    MAX_FILE_ENV,
    builtin_titles,
    load,
)
from supplyline.scenario.schema import Scenario
from supplyline.scenario.summary import counted, network_sketch, summarize
from supplyline.scenario.whatif import first_days

if TYPE_CHECKING:
    from supplyline.errors import PlanError
    from supplyline.plan.result import Plan

__all__ = [
    "DEFAULT_TIME_LIMIT_S",
    "EXIT_BAD_INPUT",
    "EXIT_FAILED",
    "EXIT_OK",
    "JsonOption",
    "ScenarioArg",
    "app",
    "error_object",
    "fail",
    "format_problem",
    "load_or_exit",
    "print_json",
    "say",
    "stderr",
    "stdout",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2

#: The solver's time limit when ``--time-limit`` is not given, in seconds.
DEFAULT_TIME_LIMIT_S = 300.0


class _Interrupted(Exception):
    """Ctrl-C, carried past Typer (which would end the run silently with code 130)."""


class _Commands(TyperGroup):
    """The command group, made to answer on every failure in the form asked for.

    With ``--json`` anywhere on the command line, Click's usage errors (an unknown option, a
    bad option value), raised before a command runs, and unexpected errors give the JSON error
    object on standard output, with Click's exit code (2 for usage errors). Ctrl-C ends any
    command with "interrupted" and exit code 1, without a traceback.
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise _Interrupted from None
        except BadParameter as error:
            # Typer checks a value's range with pydantic, whose message does not say the
            # value: "Input should be greater than or equal to 1". Say what was given.
            errors = getattr(error.__cause__, "errors", None)
            found = errors()[0] if callable(errors) and errors() else None
            if found is not None and "input" in found and "got" not in error.message:
                error.message = f"{error.message.rstrip('.')}, got {found['input']!r}"
            raise

    def main(  # type: ignore[override]  # windows_expand_args passes through **extra
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        json_output = "--json" in argv
        try:
            result = super().main(argv, prog_name, complete_var,
                                  standalone_mode=standalone_mode and not json_output, **extra)
        except (_Interrupted, typer.Abort):
            code = _report("interrupted", "interrupted", EXIT_FAILED, json_output)
        except ClickException as error:
            if not json_output:  # a caller's own standalone_mode=False
                raise
            code = _report("usage", error.format_message(), error.exit_code, True)
        except Exception as error:
            if not json_output:
                raise
            code = _report("internal", f"{type(error).__name__}: {error}", EXIT_FAILED, True)
        else:
            if not (standalone_mode and json_output):
                return result
            code = result if isinstance(result, int) else EXIT_OK
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(
    name="supplyline",
    cls=_Commands,
    help="Plan, simulate and run mobilized supply logistics under disruption.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    # Help text is Markdown: "[gpu]" is shown as written (Rich markup would eat it), and a
    # docstring's lines are joined into paragraphs that wrap at the terminal's width.
    rich_markup_mode="markdown",
)

stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False)


#: Where many steps come fast (chunks of runs, variants), at most one progress line this
#: often (seconds) in a log file.
LINE_EVERY_S = 5.0


def _progress_lines(every_s: float = 0.0) -> Callable[..., None] | None:
    """Where standard error is not a terminal (a log file, a pipe, a batch job), a progress
    bar or a spinner shows nothing until the end: then each step of long work is one plain
    line on standard error instead (``[12/48   5m03s] message``, or ``[  5m03s] message``
    where there is no count), within 80 columns, with or without ``--json`` (standard output
    stays the answer). With ``every_s``, a counted step is printed only that long after the
    last line, and always the last one. None on a terminal."""
    if stderr.is_terminal:
        return None
    started = time.perf_counter()
    last = -float("inf")

    def line(message: str, done: int | None = None, total: int | None = None) -> None:
        nonlocal last
        now = time.perf_counter()
        if done is not None and done != total and now - last < every_s:
            return
        last = now
        minutes, seconds = divmod(int(now - started), 60)
        clock = f"{minutes:>3}m{seconds:02d}s"
        if done is None or total is None:
            head = f"[{clock}] "
        else:
            width = len(str(total))
            head = f"[{done:>{width}}/{total} {clock}] "
        text = plain(message)
        room = 80 - len(head)
        if len(text) > room:
            text = text[:room - 1] + "…"
        stderr.print(head + text, soft_wrap=True, markup=False, highlight=False)

    return line


ScenarioArg = Annotated[
    str | None,
    typer.Argument(
        metavar="FILE",
        help=f"Scenario YAML file or built-in name (default: {DEFAULT_SCENARIO}).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


# -- shared helpers -------------------------------------------------------------------------


def format_problem(problem: Problem) -> str:
    """One problem as one line: ``file line N: field: expected …, got …``."""
    where = f"{problem.file} line {problem.line}" if problem.line is not None else problem.file
    return f"{where}: {problem.field}: expected {problem.expected}, got {problem.got}"


def _bars(json_output: bool) -> bool:
    """Whether progress bars are drawn: on a terminal, without ``--json``. Elsewhere
    :func:`_progress_lines` says the progress (a rich bar, even disabled, ends with an empty
    line on standard error where it is not a terminal)."""
    return not json_output and stderr.is_terminal


def say(console: Console, message: str) -> None:
    """Print a message that may hold text from the scenario, as it is (see
    :func:`~supplyline.report.inert.inert`). On a terminal it is wrapped to the terminal's
    width between words (never inside a path, a date or an id), its following lines
    indented; into a file or a pipe each message stays one line, for grep and logs."""
    if not console.is_terminal:
        console.print(inert(message), soft_wrap=True)
        return
    for paragraph in plain(message).split("\n"):
        lines = textwrap.wrap(paragraph, width=max(console.width, 40), subsequent_indent="  ",
                              break_long_words=False, break_on_hyphens=False) or [""]
        for line in lines:
            console.print(inert(line), soft_wrap=True)


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on standard output (no colours, no wrapping; control
    characters escaped, see :func:`~supplyline.report.inert.plain`)."""
    typer.echo(plain(json.dumps(data, indent=2, ensure_ascii=False, default=str)))


def error_object(kind: str, message: str, **details: Any) -> dict[str, Any]:
    """What ``--json`` prints on a failure: ``{"ok": false, "error": {"kind": ..., "message":
    ..., **details}}``.

    Kinds: ``usage`` (a bad option or option value), ``scenario`` (with ``problems``: file,
    line, field, expected, got), ``replay`` (an unknown replay, or one the scenario cannot
    give), ``plan`` (no plan could be made: infeasible, time limit, solver failure),
    ``output`` (an output path that cannot be written; with ``path``), ``busy`` (another run
    writes into the same folder; with ``path``), ``validation`` (figures out of tolerance),
    ``vary`` (``--vary`` options that name nothing or give refused values; with
    ``problems``: option, field, expected, got, file, line), ``sweep`` (a sweep that could
    not start, or whose variants failed in part),
    ``interrupted`` (Ctrl-C) and ``internal`` (a bug: please report it).
    """
    return {"ok": False, "error": {"kind": kind, "message": message, **details}}


def _report(kind: str, message: str, code: int, json_output: bool, **details: Any) -> int:
    if json_output:
        print_json(error_object(kind, message, **details))
    else:
        say(stderr, message)
    return code


def fail(kind: str, message: str, code: int, json_output: bool, **details: Any) -> NoReturn:
    """End the command on a failure: ``message`` on standard error, or with ``--json`` the
    :func:`error_object` on standard output; exit with ``code``."""
    raise typer.Exit(_report(kind, message, code, json_output, **details))



def load_or_exit(source: str | None, json_output: bool = False) -> Scenario:
    """Load a scenario for a command, or print every problem and exit with code 2.

    Parameters
    ----------
    source:
        A path, a built-in name, or ``None`` for the default built-in scenario.
    json_output:
        Print the problems as JSON (the :func:`error_object` of kind ``scenario``, its
        ``problems`` a list of objects with ``file``, ``line``, ``field``, ``expected`` and
        ``got``) on standard output instead of lines on standard error.

    Returns
    -------
    Scenario
        The validated scenario; the function does not return when it is invalid.
    """
    limit: int | None = MAX_FILE_BYTES
    raw = os.environ.get(MAX_FILE_ENV, "").strip()
    if raw:
        try:
            mib = float(raw)
        except ValueError:
            mib = math.nan
        if not mib >= 0 or math.isinf(mib):
            fail("usage", f"{MAX_FILE_ENV}: expected a number of MiB ≥ 0 (0: no limit), got "
                          f"{raw!r}", EXIT_BAD_INPUT, json_output)
        limit = None if mib == 0 else int(mib * 1024 * 1024)
    try:
        return load(source, max_file_bytes=limit)
    except ScenarioError as error:
        if not json_output:
            for problem in error.problems:
                say(stderr, format_problem(problem))
        count = len(error.problems)
        fail("scenario", f"{count} problem{'s' * (count != 1)} found; nothing was done.",
             EXIT_BAD_INPUT, json_output, problems=[asdict(p) for p in error.problems])


def _counts_line(summary: dict[str, Any]) -> str:
    counts = summary["counts"]
    return (f"{counted(counts['places'], 'place', 'places')}, "
            f"{counted(counts['routes'], 'route', 'routes')}, "
            f"{counted(counts['modes'], 'mode', 'modes')}, "
            f"{counted(counts['commodities'], 'commodity', 'commodities')}, "
            f"{counted(summary['days'], 'day', 'days')} "
            f"({summary['start_date']} to {summary['end_date']})")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"supplyline {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True,
                     help="Print the version and exit."),
    ] = False,
) -> None:
    """Plan, simulate and run mobilized supply logistics under disruption."""


# -- commands -------------------------------------------------------------------------------


@app.command()
def scenarios(json_output: JsonOption = False) -> None:
    """List the built-in scenarios."""
    from supplyline.report.terminal import print_scenario_list

    titles = builtin_titles()
    if json_output:
        print_json([{"name": name, "title": title, "default": name == DEFAULT_SCENARIO}
                    for name, title in titles.items()])
        return
    if not titles:
        say(stderr, "No built-in scenarios are installed.")
        raise typer.Exit(EXIT_FAILED)
    print_scenario_list(titles, DEFAULT_SCENARIO, stdout)


@app.command()
def check(scenario: ScenarioArg = None, json_output: JsonOption = False) -> None:
    """Validate a scenario and list every problem found (exit code 2 when there are any),
    then what its fronts must go short of whatever the plan does."""
    from supplyline.network import compile_network
    from supplyline.plan.reach import unavoidable_short

    sc = load_or_exit(scenario, json_output)
    summary = summarize(sc)
    net = compile_network(sc, checked=False)
    short = unavoidable_short(net)
    if json_output:
        print_json({"ok": True, "name": sc.name, "title": sc.title, "days": summary["days"],
                    "counts": summary["counts"], "short_whatever_the_plan": [
                        {"front": net.place_ids[x.place],
                         "commodity": net.commodity_ids[net.goods[x.good]],
                         "at_least_kg": round(x.kg, 6),
                         "first_arrival": (str(net.start_date + dt.timedelta(
                             days=int(net.step_start[x.arrives])))
                             if x.arrives < net.steps else None),
                         "from": net.place_ids[x.source] if x.source >= 0 else None,
                         "words": x.words} for x in short]})
        return
    stdout.print(inert(f"OK: {sc.title} — {_counts_line(summary)}"))
    if short:
        stdout.print("Short whatever the plan does:")
        for x in short:
            stdout.print(inert(f"• {x.words}"))


@app.command()
def show(scenario: ScenarioArg = None, json_output: JsonOption = False) -> None:
    """Summarize a scenario: what it holds, what it asks for, and its network."""
    from supplyline.network import compile_network
    from supplyline.report.map import hazard_notes
    from supplyline.report.terminal import print_scenario_summary

    sc = load_or_exit(scenario, json_output)
    summary = summarize(sc)
    # Closures, strikes and rain as the plan reads them (day by day).
    summary["closures_and_threats"] = hazard_notes(compile_network(sc, 1, checked=False))
    if json_output:
        print_json(summary)
        return
    print_scenario_summary(sc.title, sc.name, summary, network_sketch(sc), stdout)


@app.command()
def schema(
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="FILE",
                     help="Write the schema to FILE (.json) instead of printing it."),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Print the JSON Schema of scenario files (for editors that complete and check YAML)."""
    from supplyline.report.safe_write import output_files
    from supplyline.scenario.json_schema import scenario_json_schema

    document = scenario_json_schema()
    if out is None:
        print_json(document)
        return
    _check_suffix(out, (".json",), json_output)
    with _writing(out, "--out", json_output), output_files(out.parent) as files, \
            files.open(out.name) as handle:
        json.dump(document, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    if json_output:
        print_json({"ok": True, "written": [str(out)]})
    else:
        say(stdout, f"Wrote {out}")


# -- planning -------------------------------------------------------------------------------

ReplayOption = Annotated[
    str | None,
    typer.Option("--replay", metavar="NAME",
                 help="Fix mobilization to one of the scenario's replays (e.g. historical)."),
]


class Solver(StrEnum):
    """The solvers ``--solver`` offers (the registry, :mod:`supplyline.plan.solvers`; a test
    keeps the two the same)."""

    ipm = "ipm"
    simplex = "simplex"
    choose = "choose"
    pdlp = "pdlp"
    cuopt = "cuopt"
    pdhg_jax = "pdhg-jax"


SolverOption = Annotated[
    Solver,
    # A short metavar: the choices are named in the help, which wraps between words.
    typer.Option("--solver", metavar="NAME",
                 help="LP solver: ipm (HiGHS interior point), simplex, choose (HiGHS "
                      "decides), pdlp (HiGHS first-order, gap to a proven bound shown), "
                      "cuopt (GPU, the [gpu] extra) or pdhg-jax (PDHG on JAX: the GPU "
                      "where there is one, the [gpu] extra)."),
]
StepOption = Annotated[
    int | None,
    typer.Option("--step-days", min=1, metavar="N",
                 help="Plan in steps of N days (default: the scenario's policy.step_days). "
                      "1 is day by day; longer steps solve faster with coarser timing."),
]
DaysOption = Annotated[
    int | None, typer.Option("--days", metavar="N", help="Plan only the first N days."),
]
TimeLimitOption = Annotated[
    float,
    typer.Option("--time-limit", min=0, metavar="SECONDS", show_default=False,
                 help=f"Stop the solver after SECONDS (default: {DEFAULT_TIME_LIMIT_S:.0f}; "
                      "0: no limit); the run then fails with exit code 1."),
]
VerboseOption = Annotated[
    bool, typer.Option("--verbose", "-v", help="Show the solver's own log (on stderr)."),
]
ExportOption = Annotated[
    Path | None,
    typer.Option("--export", metavar="DIR",
                 help="Also write the plan's tables (CSV, Parquet), places and routes "
                      "(GeoJSON) and the plan (JSON) into the folder DIR."),
]


def _check_step_days(sc: Scenario, step_days: int | None, json_output: bool) -> None:
    """Exit 2 when ``--step-days`` is longer than the horizon planned (it would be cut to it
    in silence)."""
    if step_days is not None and step_days > sc.days:
        fail("usage", f"--step-days: expected at most the horizon ({sc.days} days), got "
                      f"{step_days}", EXIT_BAD_INPUT, json_output)


def _limit_days(sc: Scenario, days: int | None, json_output: bool) -> Scenario:
    """The scenario cut to its first ``days`` days (``--days``), or exit 2 if that is no
    horizon (:func:`supplyline.scenario.whatif.first_days`)."""
    try:
        return first_days(sc, days)
    except ValueError as error:
        fail("usage", f"--days: {error}", EXIT_BAD_INPUT, json_output)


def _check_suffix(out: Path, suffixes: Sequence[str], json_output: bool) -> None:
    """Exit 2 when ``--out`` names a file of a kind this command cannot write."""
    if out.suffix.lower() not in suffixes:
        kinds = ", ".join(suffixes)
        hint = (" (to write the tables into a folder, use --export DIR)"
                if not out.suffix or out.is_dir() else "")
        fail("usage", f"--out: expected a file ending in {kinds}, got {str(out)!r}{hint}",
             EXIT_BAD_INPUT, json_output, path=str(out))
    _check_file(out, "--out", json_output)
    if out.suffix.lower() == ".pdf":  # said before planning, not after
        from supplyline.report.pdf import find_chromium, unavailable

        if find_chromium() is None:
            fail("output", f"--out: cannot write {out}: {unavailable()}", EXIT_BAD_INPUT,
                 json_output, path=str(out))


def _check_file(out: Path, option: str, json_output: bool) -> None:
    """Exit 2 when a file to write is a folder, or its nearest existing folder is a file or
    not writable, before any work (a sweep's results were lost to it after the sweep)."""
    if out.is_dir():
        fail("output", f"{option}: cannot write {out}: it is a folder", EXIT_BAD_INPUT,
             json_output, path=str(out))
    _check_parent(out.absolute().parent, out, option, json_output)


def _check_parent(folder: Path, target: Path, option: str, json_output: bool) -> None:
    """Exit 2 when the nearest existing folder of ``folder`` (where ``target`` goes) is a
    file or cannot be written in."""
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        why = "a file, not a folder" if not folder.is_dir() else "not writable"
        fail("output", f"{option}: cannot write {target}: {folder} is {why}", EXIT_BAD_INPUT,
             json_output, path=str(target))
    try:  # what the permissions do not say (a read-only mount, /proc, or as root)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        fail("output", f"{option}: cannot write {target}: {folder} takes no new files "
                       f"({error.strerror or error})", EXIT_BAD_INPUT, json_output,
             path=str(target))


def _check_export(folder: Path | None, json_output: bool) -> None:
    """Exit 2 when ``--export`` names something that is not a folder, or a new folder
    whose nearest existing parent is not a folder it may write in, before any work
    (nothing is made yet: an interrupted run leaves nothing behind)."""
    if folder is None:
        return
    if folder.exists() and not folder.is_dir():
        fail("usage", f"--export: expected a folder (new or existing), got {str(folder)!r}, "
                      "a file", EXIT_BAD_INPUT, json_output, path=str(folder))
    _check_parent(folder.absolute(), folder, "--export", json_output)


def _check_device(device: str, precision: str, json_output: bool) -> None:
    """Exit 2 when ``--device`` or ``--precision`` names what is not there, before any
    work."""
    from supplyline.errors import SimulationError
    from supplyline.simulate import DEVICES, PRECISIONS, array_module

    if device not in DEVICES:
        fail("usage", f"--device: expected {' or '.join(DEVICES)}, got {device}",
             EXIT_BAD_INPUT, json_output)
    if precision not in PRECISIONS:
        fail("usage", f"--precision: expected {' or '.join(PRECISIONS)}, got {precision}",
             EXIT_BAD_INPUT, json_output)
    try:
        array_module(device)
    except SimulationError as error:
        fail("usage", f"--device: {error}", EXIT_BAD_INPUT, json_output)


def _check_replay(sc: Scenario, replay: str | None, json_output: bool) -> None:
    """Exit 2 when ``--replay`` names no replay of the scenario."""
    from supplyline.plan import replay_named

    if replay is not None:
        try:
            replay_named(sc, replay)
        except ReplayError as error:
            fail("replay", f"--replay: {error}", EXIT_BAD_INPUT, json_output)


def _plan_or_exit(sc: Scenario, replay: str | None, solver: Solver | str, time_limit: float,
                  json_output: bool, step_days: int | None = None,
                  verbose: bool = False, lines: Callable[..., None] | None = None) -> Plan:
    """:func:`_solve` for a plan the command needs: a failed solve exits 1."""
    result = _solve(sc, replay, solver, time_limit, json_output, step_days, verbose, lines)
    assert result is not None  # without ``failed``, _solve exits instead
    return result


def _solve(sc: Scenario, replay: str | None, solver: Solver | str, time_limit: float,
           json_output: bool, step_days: int | None = None,
           verbose: bool = False, lines: Callable[..., None] | None = None,
           failed: Callable[[PlanError], None] | None = None) -> Plan | None:
    """Solve, showing the stage and a running clock (none with ``--json``; without a
    terminal, a line for each stage, on the clock of ``lines`` where given: see
    :func:`_progress_lines`); a bad replay exits 2, a failed solve exits 1 (or, where
    ``failed`` is given, is handed to it and None is returned: a plan that is only a
    comparison). With ``verbose`` the solver's log goes to stderr.

    The solve runs in a worker thread while this one keeps the clock: HiGHS does not come
    back to Python until it is done (it lets other threads run meanwhile), so without the
    thread neither the clock nor Ctrl-C could be served. After Ctrl-C the worker is left to
    the end of the process.
    """
    from supplyline.errors import PlanError, ReplayError
    from supplyline.plan import plan

    _check_solver(str(solver), json_output)
    _check_step_days(sc, step_days, json_output)
    stage = "planning"
    outcome: dict[str, Any] = {}

    lines = lines or _progress_lines()

    def progress(message: str) -> None:
        nonlocal stage
        stage = message
        if lines is not None:
            lines(message)

    def solver_log(message: str) -> None:
        stderr.print(Text(plain(message), style="dim"), end="", soft_wrap=True)

    def solve() -> None:
        try:
            outcome["plan"] = plan(sc, replay=replay, solver=str(solver), progress=progress,
                                   time_limit_s=time_limit or None, step_days=step_days,
                                   solver_log=solver_log if verbose else None)
        except BaseException as error:  # handed to the waiting thread
            outcome["error"] = error

    worker = threading.Thread(target=solve, name="supplyline-plan", daemon=True)
    started = time.perf_counter()
    with ExitStack() as stack:
        status = None if json_output else stack.enter_context(stderr.status("planning"))
        worker.start()
        while worker.is_alive():
            worker.join(0.2)
            if status is not None:
                status.update(inert(f"{stage} ({time.perf_counter() - started:.0f} s)"))
    error = outcome.get("error")
    if isinstance(error, ReplayError):
        fail("replay", f"--replay: {error}", EXIT_BAD_INPUT, json_output)
    if isinstance(error, PlanError):
        if failed is not None:
            failed(error)
            return None
        fail("plan", str(error), EXIT_FAILED, json_output)
    if error is not None:
        raise error
    result: Plan = outcome["plan"]
    return result


#: A plan in steps is compared with the plan day by day without ``--compare-daily`` where
#: that plan has at most this many variables: seconds on 2 cores (the built-in scenario's
#: first 14 days, 16,480 variables (17,488 before trips within a step were bound to the
#: units there, when they solved in 1.5 s); its whole horizon, 248,389, in minutes).
COMPARE_DAILY_UP_TO = 20_000


def _daily_affordable(sc: Scenario) -> bool:
    """Whether the scenario's plan day by day is small enough to make beside a plan in
    steps by default (:data:`COMPARE_DAILY_UP_TO`)."""
    from supplyline.network import compile_network
    from supplyline.plan.variables import define_variables
    from supplyline.scenario.whatif import with_step_days

    columns = define_variables(compile_network(with_step_days(sc, 1))).n_columns
    return columns <= COMPARE_DAILY_UP_TO


def _check_solver(solver: str, json_output: bool) -> None:
    """Exit 2 when ``--solver`` names no solver of the registry, or one that cannot run here
    (its package or a GPU missing)."""
    from supplyline.errors import PlanError
    from supplyline.plan.solvers import check_solver

    try:
        check_solver(solver)
    except PlanError as error:
        fail("usage", f"--solver: {error}", EXIT_BAD_INPUT, json_output)


@contextmanager
def _writing(target: Path, option: str, json_output: bool) -> Iterator[None]:
    """Turn a failure to write ``target`` into exit code 2 (1 when another run holds it)."""
    try:
        yield
    except OutputBusyError:
        fail("busy", f"{option}: {target} is being written by another run; try again when it "
                     "has finished", EXIT_FAILED, json_output, path=str(target))
    except OSError as error:
        fail("output", f"{option}: cannot write {target}: {error.strerror or error}",
             EXIT_BAD_INPUT, json_output, path=str(target))


def _export(result: Plan, directory: Path, option: str, json_output: bool) -> list[Path]:
    from supplyline.report import export_plan

    written: list[Path] = []
    with _writing(directory, option, json_output):
        written = export_plan(result, directory, notify=lambda message: say(stderr, message))
    return written


def _write_out(result: Plan, out: Path, json_output: bool,
               values: list[Any] | None = None, results: dict[str, Any] | None = None,
               ) -> Path:
    """Write ``--out``: the plan as JSON (.json), or its report as HTML (.html) or PDF
    (.pdf), with the sections of ``results`` (e.g. a simulation's risk)."""
    from supplyline.report.pdf import PdfUnavailable, write_pdf
    from supplyline.report.safe_write import output_files

    with _writing(out, "--out", json_output):
        suffix = out.suffix.lower()
        if suffix == ".json":
            with output_files(out.parent) as files, files.open(out.name) as handle:
                handle.write(result.to_json())
            return out
        from supplyline.report import render_report, write_report

        if suffix == ".html":
            return write_report(result, out, values or None, results=results)
        try:
            return write_pdf(render_report(result, values or None, results=results), out)
        except PdfUnavailable as error:
            fail("output", f"--out: cannot write {out}: {error}", EXIT_BAD_INPUT, json_output,
                 path=str(out))
    return out  # pragma: no cover - _writing exits on every failure


@app.command("plan")
def plan_command(
    scenario: ScenarioArg = None,
    replay: ReplayOption = None,
    days: DaysOption = None,
    step_days: StepOption = None,
    solver: SolverOption = Solver.ipm,
    time_limit: TimeLimitOption = DEFAULT_TIME_LIMIT_S,
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="FILE",
                     help="Write the plan to FILE: .json (the plan's figures and tables), "
                          ".html or .pdf (the report)."),
    ] = None,
    export: ExportOption = None,
    compare_daily: Annotated[
        bool,
        typer.Option("--compare-daily",
                     help="Also plan day by day and show what the steps change (done "
                          "without it where the day-by-day plan has at most "
                          f"{COMPARE_DAILY_UP_TO:,} variables)."),
    ] = False,
    verbose: VerboseOption = False,
    risk: Annotated[float | None, typer.Option(
        "--risk", metavar="P", help="Plan so that some front goes short on some day in at "
        "most this share of simulated runs (e.g. 0.05): plan, simulate, keep more capacity "
        "and reserves in hand, plan again.")] = None,
    risk_runs: Annotated[int, typer.Option("--risk-runs", min=1, metavar="N",
                                           help="Runs per simulation with --risk.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0, metavar="S",
                                      help="Seed of the simulations (with --risk).")] = 0,
    unit_losses: Annotated[bool, typer.Option(
        "--unit-losses/--no-unit-losses",
        help="In the simulations of --risk, a strike destroys the same share of the units "
             "on a trip as of their cargo (default), or units are never lost.")] = True,
    json_output: JsonOption = False,
) -> None:
    """Optimize what to mobilize where and how to move it; print what arrives."""
    from supplyline.report import print_plan_summary
    from supplyline.report.terminal import (
        print_step_comparison,
        step_comparison,
        step_gave_up,
    )

    sc = _limit_days(load_or_exit(scenario, json_output), days, json_output)
    _check_replay(sc, replay, json_output)
    _check_export(export, json_output)
    if out is not None:
        _check_suffix(out, (".json", ".html", ".pdf"), json_output)
    search = None
    if risk is not None:
        from supplyline.simulate.target import plan_for_risk

        if not 0.0 < risk < 1.0:
            fail("usage", f"--risk: expected a share between 0 and 1 (e.g. 0.05), got {risk}",
                 EXIT_BAD_INPUT, json_output)
        lines = _progress_lines()

        def round_said(message: str) -> None:
            """Each round of the search, as it starts planning or simulating."""
            if lines is not None:
                lines(message)
            elif not json_output:
                stderr.print(Text(plain(message), style="dim"))

        search = plan_for_risk(sc, risk, runs=risk_runs, seed=seed, unit_losses=unit_losses,
                               plan=lambda s: _plan_or_exit(s, replay, solver, time_limit,
                                                            json_output, step_days, verbose,
                                                            lines),
                               progress=round_said)
        result = search.plan
    else:
        result = _plan_or_exit(sc, replay, solver, time_limit, json_output, step_days, verbose)
    daily = None
    daily_failed: list[str] = []
    if result.steps_description() and (compare_daily or _daily_affordable(sc)):
        # The plan is made: a comparison that cannot be made is said, not a failed command.
        def failed(error: PlanError) -> None:
            late = time_limit and "time limit" in str(error)
            daily_failed.append(
                f"the plan day by day, to compare with, was not made within the time limit "
                f"({time_limit:g} s; --time-limit 0: no limit)" if late else
                f"the plan day by day, to compare with, could not be made: {error}")

        # After a risk search, the scenario it planned (more margin and reserves), so that
        # the comparison shows what the steps change and nothing else.
        compared = result.network.scenario if search is not None else sc
        daily = _solve(compared, replay, solver, time_limit, json_output, 1, verbose,
                       failed=failed)
    elif compare_daily and not json_output:
        say(stderr, "--compare-daily: the plan is day by day already; there are no steps to "
                    "compare.")
    found = {"risk_search": search} if search is not None else None
    written = [_write_out(result, out, json_output, results=found)] if out is not None else []
    exported = _export(result, export, "--export", json_output) if export is not None else []
    if json_output:
        extra: dict[str, Any] = (
            {"compare_daily": step_comparison(result, daily),
             "compare_daily_could_not_do": step_gave_up(result, daily)} if daily is not None
            else {"compare_daily": None, "compare_daily_error": daily_failed[0]}
            if daily_failed
            else {"compare_daily": []} if compare_daily else {})  # []: day by day already
        if search is not None:
            from supplyline.report.risk import risk_search_json

            extra["risk"] = risk_search_json(search)
        print_json({"ok": True, "kpis": result.kpis(),
                    "steps": result.steps_description() or "day by day", **extra,
                    "written": [str(p) for p in written + exported]})
        return
    print_plan_summary(result, stdout, compared=daily is not None,
                       risk_shown=search is not None)
    if daily is not None:
        print_step_comparison(result, daily, stdout)
    for words in daily_failed:
        say(stderr, words[0].upper() + words[1:] + ".")
    if search is not None:
        from supplyline.report.risk import print_risk_search

        print_risk_search(search, stdout)
    _say_written(written, exported, export)


def _say_written(written: list[Path], exported: list[Path], folder: Path | None) -> None:
    for path in written:
        say(stdout, f"Wrote {path}")
    if exported:
        say(stdout, f"Wrote {len(exported)} files to {folder}")


def _observed_replays(sc: Scenario, replay: str | None) -> list[str | None]:
    """The replays to validate: the one asked for, or every one the observed figures name
    (``None`` for the plain plan); empty when no observed figure applies."""
    if replay is not None:
        return [replay] if any(o.replay == replay for o in sc.observed) else []
    named = sorted({o.replay for o in sc.observed if o.replay is not None})
    plain_plan: list[str | None] = [None] if any(o.replay is None for o in sc.observed) else []
    return plain_plan + list(named)


@app.command()
def validate(
    scenario: ScenarioArg = None,
    replay: ReplayOption = None,
    step_days: StepOption = None,
    solver: SolverOption = Solver.ipm,
    time_limit: TimeLimitOption = DEFAULT_TIME_LIMIT_S,
    verbose: VerboseOption = False,
    json_output: JsonOption = False,
) -> None:
    """Compare the scenario's observed (historical) figures with what the model computes.

    Exit code 1 when any figure is outside its tolerance; 0 when there is none to compare."""
    from supplyline.plan import validate as compare_observed
    from supplyline.report import print_validation

    sc = load_or_exit(scenario, json_output)
    _check_replay(sc, replay, json_output)
    replays = _observed_replays(sc, replay)
    if not replays:
        which = f"for replay {replay}" if replay is not None else "to validate against"
        message = f"{sc.name} has no observed figures {which}; nothing to compare."
        if json_output:
            print_json({"ok": True, "figures": [], "message": message})
        else:
            say(stdout, message)
        return
    values = []
    for name in replays:
        values.extend(compare_observed(_plan_or_exit(sc, name, solver, time_limit,
                                                     json_output, step_days, verbose)))
    failed = [v for v in values if not v.passed and not v.is_input]
    if json_output:
        verdict = {"error": {"kind": "validation", "message": f"{len(failed)} of {len(values)} "
                             "figures outside their tolerance"}} if failed else {}
        print_json({"ok": not failed, **verdict, "figures": [asdict(v) for v in values]})
    else:
        print_validation(values, stdout)
    if failed:
        raise typer.Exit(EXIT_FAILED)


@app.command()
def report(
    scenario: ScenarioArg = None,
    replay: ReplayOption = None,
    out: Annotated[
        Path, typer.Option("--out", metavar="FILE",
                           help="The report to write: .html (opens offline) or .pdf (printed "
                                "by headless Chromium, when installed).")
    ] = Path("report.html"),
    export: ExportOption = None,
    days: DaysOption = None,
    step_days: StepOption = None,
    solver: SolverOption = Solver.ipm,
    time_limit: TimeLimitOption = DEFAULT_TIME_LIMIT_S,
    verbose: VerboseOption = False,
    runs: Annotated[int | None, typer.Option(
        "--runs", min=1, metavar="N",
        help="Also simulate the plan N times and add the risk section.")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", min=0, metavar="S", help="Seed of the simulation (with --runs).")] = None,
    json_output: JsonOption = False,
) -> None:
    """Plan the scenario and write a self-contained report (HTML, or PDF)."""
    from supplyline.plan import validate as compare_observed

    sc = _limit_days(load_or_exit(scenario, json_output), days, json_output)
    _check_replay(sc, replay, json_output)
    _check_export(export, json_output)
    _check_suffix(out, (".html", ".pdf"), json_output)
    result = _plan_or_exit(sc, replay, solver, time_limit, json_output, step_days, verbose)
    results = ({"simulation": _simulate_or_exit(result, runs, seed, "cpu", json_output)}
               if runs is not None else None)
    written = [_write_out(result, out, json_output, compare_observed(result), results)]
    exported = _export(result, export, "--export", json_output) if export is not None else []
    if json_output:
        # With --runs, the simulation as `simulate --json` gives it (the report's risk section).
        risk = ({"simulation": json.loads(results["simulation"].to_json())}
                if results is not None else {})
        print_json({"ok": True, "kpis": result.kpis(), **risk,
                    "written": [str(p) for p in written + exported]})
        return
    _say_written(written, exported, export)


# ----------------------------------------------------------------------- resilience
@app.command()
def resilience(
    scenario: ScenarioArg = None,
    k: Annotated[int, typer.Option("--k", min=LIMITS["k"][0], max=LIMITS["k"][1], metavar="N",
                                   help="Find the worst sets of 2..N cuts (exact up to 3, "
                                        "greedy above).")] = 3,
    window: Annotated[
        str | None,
        typer.Option("--window", metavar="START:END",
                     help="Cut only on these days: dates (1954-03-13:1954-04-01) or day "
                          "numbers from the start (10:30). Default: the whole horizon."),
    ] = None,
    budget: Annotated[int, typer.Option("--budget", min=LIMITS["budget"][0],
                                                       max=LIMITS["budget"][1], metavar="N",
                                        help="Also find the N routes or places to make "
                                             "safe from cutting (guards, air defence, "
                                             "repair crews) against the worst cuts.")] = 0,
    protect: Annotated[
        str | None,
        typer.Option("--protect", metavar="KIND=N,...",
                     help="Units of guards, air (defence) and repair (crews) to put where "
                          "they lower the plan's cost most against the expected threats, "
                          "e.g. guards=2,air=1 (each unit: one plan per route tried)."),
    ] = None,
    simulate_runs: Annotated[int, typer.Option("--simulate", min=LIMITS["simulate_runs"][0],
                                                     max=LIMITS["simulate_runs"][1],
                                               metavar="RUNS",
                                               help="Re-check the uncut plan and the five "
                                                    "worst cuts with RUNS Monte Carlo runs "
                                                    "each (0: no simulation).")] = 0,
    worst_of: Annotated[str, typer.Option("--worst-of", metavar="routes|all",
                                          help="What the worst sets and the protection may "
                                               "take: routes only, or routes and places "
                                               "(default).")] = "all",
    jobs: Annotated[int, typer.Option("--jobs", min=LIMITS["jobs"][0], max=LIMITS["jobs"][1],
                                      metavar="N",
                                      help="Solve the cuts in N processes (large "
                                           "scenarios, whose cuts are solved from "
                                           "scratch).")] = 1,
    days: DaysOption = None,
    step_days: StepOption = None,
    daily_days: Annotated[
        int | None,
        typer.Option("--daily-days", min=0, metavar="N",
                     help="Plan the first N days day by day, then in steps (default: the "
                          "scenario's policy; with neither this nor --step-days, a scenario "
                          "whose plan has more than 20,000 variables is planned in 14-day "
                          "steps from the first day, and the output says so)."),
    ] = None,
    time_limit: TimeLimitOption = DEFAULT_TIME_LIMIT_S,
    export: Annotated[
        Path | None,
        typer.Option("--export", metavar="DIR",
                     help="Write resilience.json, resilience.csv (the ranking) and "
                          "report.html (the plan's report with the resilience section)."),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Cut every route and place in turn, find the worst sets of k cuts, and rank what the
    plan hangs on."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from supplyline.errors import PlanError
    from supplyline.network import compile_network
    from supplyline.report import write_report
    from supplyline.report.resilience import print_resilience
    from supplyline.resilience import analysis_grid
    from supplyline.resilience.analysis import analyse
    from supplyline.resilience.bounds import check_daily_days, parse_window

    sc = _limit_days(load_or_exit(scenario, json_output), days, json_output)
    _check_export(export, json_output)
    span = None
    if window is not None:
        try:
            span = parse_window(window, sc.start_date, sc.days)
        except ValueError as error:
            fail("usage", f"--window: {error}", EXIT_BAD_INPUT, json_output)
    if worst_of not in ("routes", "all"):
        fail("usage", f"--worst-of: expected routes or all, got {worst_of}", EXIT_BAD_INPUT,
             json_output)
    units: dict[str, int] = {}
    for part in (protect or "").split(","):
        kind, _, count = part.strip().partition("=")
        if not part.strip():
            continue
        if kind not in ("guards", "air", "repair") or not count.strip().isdigit():
            fail("usage", f"--protect: expected KIND=N with KIND guards, air or repair and N "
                          f"a whole number, got {part.strip()!r}", EXIT_BAD_INPUT, json_output)
        units[kind] = units.get(kind, 0) + int(count)
    _check_step_days(sc, step_days, json_output)
    try:
        check_daily_days(daily_days, sc.days)
    except ValueError as error:
        fail("usage", f"--daily-days: {error}", EXIT_BAD_INPUT, json_output)
    try:
        net, grid_note = analysis_grid(sc, step_days, daily_days)
    except ValueError as error:
        fail("usage", f"--daily-days: {error}", EXIT_BAD_INPUT, json_output)
    if grid_note is not None and not json_output:
        stderr.print(inert(f"{grid_note[:1].upper()}{grid_note[1:]}."))  # wrapped at words
    with ExitStack() as stack:
        bar = None
        # The step's words get what the bar, its count and the clock leave (ids never cut).
        room = max(0, stderr.width - _STEP_BAR - 7 - 7 - 3)
        if _bars(json_output):
            bar = stack.enter_context(Progress(
                TextColumn("{task.description}"), BarColumn(bar_width=_STEP_BAR),
                TextColumn("{task.fields[count]}"), TimeElapsedColumn(),
                console=stderr, transient=True))
            task = bar.add_task(_step_words("planning", room).ljust(room), total=None,
                                count="")
        lines = _progress_lines()

        def progress(message: str, done: int, total: int) -> None:
            if bar is not None:
                bar.update(task, completed=done, total=total, count=f"{done}/{total}",
                           description=_step_words(message, room).ljust(room))
            if lines is not None:  # within the 80 columns of a line after its count and clock
                lines(_step_words(message, 80 - 2 * len(str(total)) - 12), done, total)

        try:
            result = analyse(net, k=k, window=span, progress=progress,
                             time_limit_s=time_limit or None, budget=budget, jobs=jobs,
                             worst_of=worst_of, protect=units or None,
                             simulate_runs=simulate_runs,
                             own=None if grid_note is None else compile_network(sc))
        except PlanError as error:
            fail("plan", str(error), EXIT_FAILED, json_output)
    if grid_note is not None:
        result.notes.insert(0, grid_note)
    written: list[Path] = []
    if export is not None:
        from supplyline.report.safe_write import output_files

        with _writing(export, "--export", json_output), output_files(export) as files:
            with files.open("resilience.json") as handle:
                handle.write(result.to_json() + "\n")
            with files.open("resilience.csv") as handle:
                ranking = result.to_frame()  # one list of columns, as Python gets it
                ranking.insert(0, "rank", range(1, len(ranking) + 1))
                ranking.to_csv(handle, index=False, lineterminator="\n", float_format="%.6g")
        written = list(files.written)
        if result.plan is not None:
            with _writing(export, "--export", json_output):
                written.append(write_report(result.plan, export / "report.html",
                                            results={"resilience": result}))
    if json_output:
        print_json({"ok": True, "resilience": result.to_dict(),
                    "written": [str(p) for p in written]})
        return
    print_resilience(result, stdout)
    if written:
        say(stdout, f"Wrote {len(written)} files to {export}")


#: The resilience progress bar's width, in columns.
_STEP_BAR = 20


def _step_words(message: str, room: int) -> str:
    """A step of the resilience analysis in at most ``room`` characters, ids never cut:
    whole; else what follows its label (``worst 2: a + b``: the ids; ``route a``: the id);
    else the label alone; else nothing."""
    text = plain(message)
    if len(text) <= room:
        return text
    label, sep, rest = text.partition(": ")
    if not sep:
        label, _, rest = text.partition(" ")
    return next((short for short in (rest, label) if short and len(short) <= room), "")


# -- sweeps ---------------------------------------------------------------------------------


@app.command()
def sweep(
    scenario: ScenarioArg = None,
    vary: Annotated[
        list[str] | None,
        typer.Option("--vary", metavar="PATH=VALUES",
                     help="Values to take: PATH=START:STOP:STEP or PATH=V1,V2,... (repeat "
                          "for more; every combination is one variant), e.g. "
                          "'modes.porter.payload_kg=15:30:5'."),
    ] = None,
    replay: ReplayOption = None,
    days: DaysOption = None,
    step_days: StepOption = None,
    solver: SolverOption = Solver.ipm,
    time_limit: TimeLimitOption = DEFAULT_TIME_LIMIT_S,
    simulate_runs: Annotated[
        int | None,
        typer.Option("--simulate", min=1, metavar="N",
                     help="Also run each variant's plan N times under the scenario's threats "
                          "(as supplyline simulate does); its figures join the table."),
    ] = None,
    seed: Annotated[
        int,
        typer.Option("--seed", min=0,
                     help="Seed of the simulations, the same for every variant."),
    ] = 0,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", metavar="ADDRESS",
                     help="A running Dask scheduler (tcp://HOST:8786); default: a local "
                          "cluster on this machine."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, metavar="N",
                     help="Worker processes of the local cluster (default: one per core)."),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", metavar="FILE",
                           help="The table to write: a .parquet file.")
    ] = Path("sweep.parquet"),
    report_file: Annotated[
        Path | None,
        typer.Option("--report", metavar="FILE",
                     help="Also write an HTML page (.html) with the variants side by side."),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Plan every combination of some values of a scenario, on Dask; write one Parquet
    table of the values and each plan's key figures.

    Exit code 1 when any variant failed (each is listed with its reason; the others are in
    the table), 2 when a --vary option names nothing or a value the scenario refuses."""
    from supplyline.report.compare import compare_records, write_comparison
    from supplyline.sweep import VaryError, make_variants, parse_vary
    from supplyline.sweep.run import (
        SweepError,
        SweepOptions,
        address_problem,
        run_sweep,
        settings_words,
    )
    from supplyline.sweep.vary import short_label

    whole = load_or_exit(scenario, json_output)
    sc = _limit_days(whole, days, json_output)
    _check_step_days(sc, step_days, json_output)
    _check_suffix(out, (".parquet",), json_output)
    if report_file is not None and report_file.suffix.lower() != ".html":
        fail("usage", f"--report: expected a file ending in .html, got {str(report_file)!r}",
             EXIT_BAD_INPUT, json_output, path=str(report_file))
    if report_file is not None:
        _check_file(report_file, "--report", json_output)
    if scheduler is not None and (wrong := address_problem(scheduler)) is not None:
        fail("usage", f"--scheduler: expected a Dask scheduler's address like "
                      f"tcp://HOST:8786, got {scheduler!r} ({wrong})", EXIT_BAD_INPUT,
             json_output)
    if scheduler is not None and workers is not None:
        fail("usage", "--workers: sets the size of the local cluster; with --scheduler the "
                      "sweep runs on that cluster's workers (leave --workers out)",
             EXIT_BAD_INPUT, json_output)
    _check_replay(sc, replay, json_output)
    _check_solver(solver.value, json_output)
    try:
        problems = []
        varies = []
        for text in vary or []:
            try:
                varies.append(parse_vary(text))
            except VaryError as error:
                problems += error.problems
        if problems:
            raise VaryError(problems)
        with _checking(json_output) as checked:
            variants = make_variants(whole, varies, scenario, days, replay, progress=checked)
    except VaryError as error:
        if not json_output:
            for problem in error.problems:
                say(stderr, str(problem))
        count = len(error.problems)
        fail("vary", f"{count} problem{'s' * (count != 1)} with --vary; nothing was run.",
             EXIT_BAD_INPUT, json_output, problems=[asdict(p) for p in error.problems])
    options = SweepOptions(replay=replay, solver=solver.value, time_limit_s=time_limit or None,
                           step_days=step_days, simulate=simulate_runs, seed=seed)
    with ExitStack() as stack:
        bar = None
        if _bars(json_output):
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            bar = stack.enter_context(Progress(
                "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), console=stderr, transient=True))
            task = bar.add_task(counted(len(variants), "variant", "variants"),
                                total=len(variants))

        lines = _progress_lines(every_s=LINE_EVERY_S)

        def progress(done: int, failed: int, total: int) -> None:
            words = counted(total, "variant", "variants") + (f", {failed} failed" if failed
                                                              else "")
            if bar is not None:
                bar.update(task, completed=done, description=words)
            if lines is not None:
                lines(f"{done} of {words}", done, total)

        try:
            with _writing(out, "--out", json_output):
                result = run_sweep(variants, out, options, scheduler=scheduler,
                                   workers=workers, progress=progress, source=scenario)
        except SweepError as error:
            fail("sweep", str(error), EXIT_FAILED, json_output)
    written = [out]
    if report_file is not None:
        # The report labels each variant by its values, and routes by their names.
        called = {i: f"#{i} {short_label(variants[i])}" for i in sorted(result.records)}
        comparison = compare_records(
            {called[i]: (r if r["status"] == "ok" else None)
             for i, r in sorted(result.records.items())},
            {called[i]: reason for i, reason in sorted(result.failed.items())},
            route_names={r.key: sc.route_title(r) for r in sc.routes})
        with _writing(report_file, "--report", json_output):
            about = settings_words(result.settings) + (
                f" Interrupted: {len(result.records)} of {result.total} variants finished; "
                "the others were not run." if result.interrupted else "")
            write_comparison(comparison, report_file, f"Sweep of {sc.title}",
                             {called[i]: variants[i].label for i in sorted(result.records)},
                             about=about)
        written.append(report_file)
    done = len(result.records)
    if json_output:
        # (A variant's number is its place among the variants: each is made when asked for.)
        failed = [{"variant": i, "settings": variants[i].settings, "error": reason}
                  for i, reason in sorted(result.failed.items())]
        verdict: dict[str, Any] = {}
        if result.failed or result.interrupted:
            verdict = {"error": {"kind": "sweep", "message": _sweep_words(result, done)}}
        # Each variant that planned: its values and its record (the table's row).
        results = [{"variant": i, "settings": variants[i].settings, **r}
                   for i, r in sorted(result.records.items()) if r["status"] == "ok"]
        print_json({
            "ok": not (result.failed or result.interrupted), **verdict,
            "sweep": result.settings,
            "variants": len(variants), "done": done, "failed": failed,
            "results": results, "workers": result.workers, "seconds": result.seconds,
            "written": [str(p) for p in written],
        })
    else:
        _print_sweep(variants, result.records)
        for i, reason in sorted(result.failed.items()):
            say(stderr, f"#{i} ({variants[i].label}) failed: {reason}")
        say(stdout, f"{_sweep_words(result, done)}; wrote {', '.join(map(str, written))}")
    if result.failed or result.interrupted:
        raise typer.Exit(EXIT_FAILED)


@contextmanager
def _checking(json_output: bool) -> Iterator[Callable[[int, int], None]]:
    """A progress bar (or plain lines without a terminal) while a sweep's combinations are
    validated: a few ms each, minutes for tens of thousands, which had passed in silence."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    lines = _progress_lines(every_s=LINE_EVERY_S)

    def line(done: int, total: int) -> None:
        if lines is not None:
            lines(f"checked {done} of {total} variants", done, total)

    if not _bars(json_output):
        yield line
        return
    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=stderr,
                  transient=True) as bar:
        task = bar.add_task("checking the variants", total=None)

        def checked(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)
            line(done, total)

        yield checked


def _sweep_words(result: Any, done: int) -> str:
    head = (f"interrupted after {done} of {result.total} variants" if result.interrupted
            else counted(done, "variant", "variants"))
    failed = f", {len(result.failed)} failed" if result.failed else ""
    return (f"{head}{failed} in {result.seconds:.1f} s on {result.workers} "
            f"worker{'s' * (result.workers != 1)}")


def _print_sweep(variants: Sequence[Any], records: dict[int, dict[str, Any]]) -> None:
    """One row per variant: its values and its headline figures. Where that is too wide for
    the terminal (two varied paths, or the simulation's figures, at 80 columns), the values
    are one table and the figures another, each row under the variant's number; and where
    even the values are too wide, each variant's values are one cell of words."""
    from supplyline.report.terminal import Column, FitTable
    from supplyline.sweep.vary import short_label, short_names

    paths = list(variants[0].settings) if len(variants) else []
    simulated = any("sim_p_any_shortfall" in r for r in records.values())
    headers = ["delivered t", "short t", "mobilized t", "labour-days"]
    if simulated:
        headers += ["P(short)", "sim. short t"]
    number = Column("#", numeric=True)
    valued = [Column(plain(name), numeric=True) for name in short_names(paths)]
    figured = [Column(header, numeric=True) for header in headers]
    rows: list[tuple[str, list[str], str, list[str]]] = []
    for v in variants:
        record = records.get(v.index)
        if record is None:
            continue  # not run (an interrupted sweep): counted in the closing line
        figures = [""] * len(headers)
        if record["status"] != "ok":
            figures[0] = "failed"
        else:
            figures[:4] = [f"{record['delivered_t']:,.1f}", f"{record['shortfall_t']:,.1f}",
                           f"{record['mobilized_t']:,.1f}", f"{record['labour_days']:,.0f}"]
            if simulated:
                figures[4:] = [f"{record['sim_p_any_shortfall']:.2f}",
                               f"{record['sim_shortfall_t']:,.1f}"]
        rows.append((str(v.index), [str(v.settings[p]) for p in paths], short_label(v), figures))
    legend = ("P(short): share of the simulations with a shortfall; sim. short t: their "
              "mean shortfall" if simulated else "")
    whole = FitTable("Variants", number, *valued, *figured, caption=legend)
    for name, values, _words, figures in rows:
        whole.add_row(name, *values, *figures)
    if whole.widths(stdout, stdout.width) is not None:
        stdout.print(whole)
        return
    values_table = FitTable("Variants", number, *valued)
    for name, values, _words, _figures in rows:
        values_table.add_row(name, *values)
    if values_table.widths(stdout, stdout.width) is None:
        values_table = FitTable("Variants", number, Column("values", prose=True))
        for name, _values, words, _figures in rows:
            values_table.add_row(name, words)
    figures_table = FitTable("Key figures, by variant", number, *figured, caption=legend)
    for name, _values, _words, figures in rows:
        figures_table.add_row(name, *figures)
    stdout.print(values_table)
    stdout.print(figures_table)


# -- operate: the council's books (supplyline.ops) ------------------------------------------

DEFAULT_BOOKS = "supplyline-books.db"
DbOption = Annotated[
    str,
    typer.Option("--db", metavar="URL",
                 help="The books: an SQLite file or a postgresql://USER@HOST/DB URL."),
]


def _books_or_exit(db: str, scenario: str | None, json_output: bool,
                   existing: bool = False) -> Any:
    """Open the books at ``db`` for ``scenario`` (by default the one the books were made
    for, else the built-in default); exit 2 when they cannot be opened, or, with
    ``existing``, when ``db`` names an SQLite file that is not there (a mistyped path would
    otherwise start new, empty books)."""
    from supplyline.ops.books import BooksError, books_source, database_url, open_books

    full = database_url(db)
    file = Path(full[len("sqlite:///"):]) if full.startswith("sqlite:///") else None
    if existing and file is not None and not file.exists() and file.parent.is_dir():
        fail("db", f"--db: no books at {db}: expected books that `supplyline serve --db "
                   f"{db}` has started (or a postgresql:// URL), found no such file",
             EXIT_BAD_INPUT, json_output, path=str(db))

    try:
        kept = books_source(db)
    except Exception as error:  # an unreachable server or a bad URL, said below
        kept = None
        if scenario is None:
            fail("db", f"--db: cannot read the books at {db}: {str(error).splitlines()[0]}",
                 EXIT_BAD_INPUT, json_output)
    source = scenario or kept or DEFAULT_SCENARIO
    sc = load_or_exit(source, json_output)
    try:
        return open_books(db, sc, source)
    except BooksError as error:
        fail("db", f"--db: {error}", EXIT_BAD_INPUT, json_output)


@app.command()
def replan(
    scenario: Annotated[str | None, typer.Argument(
        metavar="FILE", show_default=False,
        help="Scenario YAML file or built-in name (default: the scenario the books are kept "
             "for).")] = None,
    db: DbOption = DEFAULT_BOOKS,
    as_of: Annotated[str, typer.Option("--as-of", metavar="DATE",
                                       help="Plan from the start of this day (YYYY-MM-DD).")]
    = "",
    keep: Annotated[bool, typer.Option("--keep/--dry-run",
                                       help="Keep the re-plan as the plan in force.")] = True,
    json_output: JsonOption = False,
) -> None:
    """Plan the rest of the horizon from what the books recorded; show what changed."""
    from supplyline.errors import PlanError
    from supplyline.ops.replan import changes_in_tonnes, compare_plans, in_force_or_first
    from supplyline.ops.replan import replan as make_replan
    from supplyline.report.facts import replan_outcome

    if not as_of:
        fail("usage", "--as-of: required: the day to plan from (YYYY-MM-DD)", EXIT_BAD_INPUT,
             json_output)
    try:
        day = dt.date.fromisoformat(as_of)
    except ValueError:
        fail("usage", f"--as-of: expected a date YYYY-MM-DD, got {as_of!r}", EXIT_BAD_INPUT,
             json_output)
    books = _books_or_exit(db, scenario, json_output, existing=True)
    sc = books.scenario
    if not sc.start_date < day <= sc.end_date:
        fail("usage", f"--as-of: expected a day after {sc.start_date} and up to "
                      f"{sc.end_date}, got {day}", EXIT_BAD_INPUT, json_output)
    with ExitStack() as stack:
        status = None if json_output else stack.enter_context(stderr.status("re-planning"))
        try:
            if status is not None and books.plan_in_force() is None:
                status.update("no plan in force: planning from the scenario's start")
            force = in_force_or_first(books, keep, "replan")
            if status is not None:
                status.update(f"re-planning from {day}")
            done = make_replan(books, day)
        except PlanError as error:
            fail("plan", str(error), EXIT_FAILED, json_output)
    kept = books.save_plan(done.figures, "replan") if keep else None
    changes = compare_plans(force[1], done.figures)
    kpis = done.plan.kpis()  # the re-plan's, from the as-of day (as the API gives them)
    if json_output:
        print_json({"ok": True, "status": done.plan.status, "kept": kept,
                    "in_force": force[0], "kpis": kpis, "changes": changes,
                    "outcome": replan_outcome(done.plan, day)})
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
    stdout.print(table)
    if left_out:
        one = left_out == 1
        stdout.print(f"Left out: {left_out} row{'' if one else 's'} whose figures are all "
                     f"under 0.05 t (--json gives {'it' if one else 'them'}).")
    for words in replan_outcome(done.plan, day):
        stdout.print(inert(words))
    say(stdout, f"Re-plan {done.plan.status}; " + (f"kept as plan #{kept}, now in force."
                                                   if kept else "not kept (--dry-run)."))


@app.command()
def serve(
    db: DbOption = DEFAULT_BOOKS,
    scenario: Annotated[str | None, typer.Option(
        "--scenario", metavar="FILE",
        help=f"Scenario of new books (default: {DEFAULT_SCENARIO}).")] = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    reset_council: Annotated[bool, typer.Option(
        "--reset-council", help="Give the council account a new password.")] = False,
    workers: Annotated[int, typer.Option(
        "--workers", min=1, max=64, help="Server processes (more serve more clients).")] = 1,
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
    books = _books_or_exit(db, scenario, False)
    url = f"http://{'localhost' if host == '127.0.0.1' else host}:{port}/"
    from supplyline.ops.books import shown_url

    say(stdout, f"The books of {books.scenario.name} ({shown_url(db)}) at {url}")
    if reset_council or not has_council(books):
        password = secrets.token_urlsafe(12)
        add_account(books, "council", password, "council", replace=True)
        say(stdout, f"Log in as 'council' with the password {password}")
        say(stdout, "(kept hashed: note it now; --reset-council gives a new one)")
    else:
        say(stdout, "Log in as 'council' with its password (--reset-council gives a new one)")
    if workers == 1:
        uvicorn.run(create_app(books), host=host, port=port, log_level="warning")
        return
    books.close()
    os.environ["SUPPLYLINE_BOOKS"] = db
    os.environ["SUPPLYLINE_BOOKS_SCENARIO"] = scenario or _kept_source(db)
    uvicorn.run("supplyline.ops.api:app_from_environment", factory=True, host=host,
                port=port, workers=workers, log_level="warning")


def _kept_source(db: str) -> str:
    from supplyline.ops.books import books_source

    return books_source(db) or DEFAULT_SCENARIO


# -- simulation -----------------------------------------------------------------------------

UnitLossesOption = Annotated[
    bool, typer.Option("--unit-losses/--no-unit-losses",
                       help="A strike destroys the same share of the units on a trip as of "
                            "their cargo (default), or units are never lost.")]
ThreatsOption = Annotated[
    bool, typer.Option("--threats/--no-threats",
                       help="Draw the scenario's strikes, raids and rain (default), or run "
                            "every day dry and quiet.")]
BreakdownsOption = Annotated[
    bool, typer.Option("--breakdowns/--no-breakdowns",
                       help="Draw the share of each mode's units that can travel around its "
                            "availability (default), or take exactly the share the plan "
                            "counts on.")]
DeviceOption = Annotated[
    str, typer.Option("--device", help="Where to run: cpu (NumPy) or gpu (CuPy, the [gpu] "
                                       "extra and a CUDA GPU).")]


PrecisionOption = Annotated[
    str, typer.Option("--precision", help="single (float32, the default: about 1.5 times "
                                          "as fast) or double (float64) for every amount.")]


def _simulate_or_exit(result: Plan, runs: int, seed: int | None, device: str,
                      json_output: bool, unit_losses: bool = True,
                      precision: str = "single", breakdowns: bool = True,
                      threats: bool = True) -> Any:
    """Run the simulation with a progress bar on standard error (none with ``--json``); a
    device that is not there exits 2."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from supplyline.errors import SimulationError
    from supplyline.simulate import simulate

    with ExitStack() as stack:
        bar = None
        if _bars(json_output):
            bar = stack.enter_context(Progress(
                "simulating", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                console=stderr, transient=True))
            task = bar.add_task("simulating", total=runs)
        lines = _progress_lines(every_s=LINE_EVERY_S)

        def tick(done: int, total: int) -> None:
            if bar is not None:
                bar.update(task, completed=done)
            if lines is not None:
                lines(f"simulated {done:,} of {total:,} runs", done, total)

        try:
            return simulate(result, runs=runs, seed=seed, device=device, progress=tick,
                            unit_losses=unit_losses, precision=precision,
                            breakdowns=breakdowns, threats=threats)
        except SimulationError as error:
            fail("usage", f"--device: {error}", EXIT_BAD_INPUT, json_output)


@app.command("simulate")
def simulate_command(
    scenario: ScenarioArg = None,
    replay: ReplayOption = None,
    runs: Annotated[int, typer.Option("--runs", min=1, metavar="N",
                                      help="Number of runs.")] = 10_000,
    seed: Annotated[int | None, typer.Option(
        "--seed", min=0, metavar="S", help="Seed: the same seed gives the same result "
                                           "(default: fresh, and printed).")] = None,
    device: DeviceOption = "cpu",
    precision: PrecisionOption = "single",
    threats: ThreatsOption = True,
    unit_losses: UnitLossesOption = True,
    breakdowns: BreakdownsOption = True,
    days: DaysOption = None,
    step_days: StepOption = None,
    solver: SolverOption = Solver.ipm,
    time_limit: TimeLimitOption = DEFAULT_TIME_LIMIT_S,
    verbose: VerboseOption = False,
    export: Annotated[
        Path | None,
        typer.Option("--export", metavar="DIR",
                     help="Write the simulation (JSON) and its tables (CSV, Parquet) into "
                          "the folder DIR."),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Plan, then run the plan many times under random strikes, raids, rain and
    breakdowns: the chance and size of shortfall, days of reserve, what is lost."""
    from supplyline.report.risk import export_simulation, print_simulation_summary

    sc = _limit_days(load_or_exit(scenario, json_output), days, json_output)
    _check_replay(sc, replay, json_output)
    _check_device(device, precision, json_output)
    _check_export(export, json_output)
    result = _simulate_or_exit(
        _plan_or_exit(sc, replay, solver, time_limit, json_output, step_days, verbose),
        runs, seed, device, json_output, unit_losses, precision, breakdowns, threats)
    written: list[Path] = []
    if export is not None:
        with _writing(export, "--export", json_output):
            written = export_simulation(result, export, notify=lambda m: say(stderr, m))
    if json_output:
        print_json({"ok": True, "simulation": json.loads(result.to_json()),
                    "written": [str(p) for p in written]})
        return
    print_simulation_summary(result, stdout)
    if written:
        say(stdout, f"Wrote {len(written)} files to {export}")
