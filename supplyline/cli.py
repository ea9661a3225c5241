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
import os
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

try:  # recent Typer runs on its own copy of Click, and raises that copy's exceptions
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover - older Typer runs on Click itself
    from click.exceptions import ClickException  # type: ignore[assignment]

from supplyline import __version__
from supplyline.errors import Problem, ScenarioError
from supplyline.report.inert import inert, plain
from supplyline.report.safe_write import OutputBusyError
from supplyline.scenario.load import DEFAULT_SCENARIO, MAX_FILE_BYTES, builtin_titles, load
from supplyline.scenario.schema import Scenario
from supplyline.scenario.summary import network_sketch, summarize

if TYPE_CHECKING:
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
)

stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False)

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


def say(console: Console, message: str) -> None:
    """Print a message that may hold text from the scenario, as it is (see
    :func:`~supplyline.report.inert.inert`), on one line however long."""
    console.print(inert(message), soft_wrap=True)


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


#: Environment variable that raises (or, at 0, lifts) the size limit on scenario and table
#: files, in MiB (default: :data:`supplyline.scenario.load.MAX_FILE_BYTES`, 20 MiB).
MAX_FILE_ENV = "SUPPLYLINE_MAX_FILE_MB"


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
            limit = None if float(raw) == 0 else int(float(raw) * 1024 * 1024)
        except ValueError:
            fail("usage", f"{MAX_FILE_ENV} must be a number of MiB (0: no limit), got {raw!r}",
                 EXIT_BAD_INPUT, json_output)
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
    return (f"{counts['places']} places, {counts['routes']} routes, {counts['modes']} modes, "
            f"{counts['commodities']} commodities, {summary['days']} days "
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
    titles = builtin_titles()
    if json_output:
        print_json([{"name": name, "title": title, "default": name == DEFAULT_SCENARIO}
                    for name, title in titles.items()])
        return
    if not titles:
        say(stderr, "No built-in scenarios are installed.")
        raise typer.Exit(EXIT_FAILED)
    table = Table("name", "title", box=None, pad_edge=False)
    for name, title in titles.items():
        table.add_row(inert(name + (" (default)" if name == DEFAULT_SCENARIO else "")),
                      inert(title))
    stdout.print(table)


@app.command()
def check(scenario: ScenarioArg = None, json_output: JsonOption = False) -> None:
    """Validate a scenario and list every problem found (exit code 2 when there are any)."""
    sc = load_or_exit(scenario, json_output)
    summary = summarize(sc)
    if json_output:
        print_json({"ok": True, "name": sc.name, "title": sc.title, "days": summary["days"],
                    "counts": summary["counts"]})
        return
    say(stdout, f"OK: {sc.title} — {_counts_line(summary)}")


@app.command()
def show(scenario: ScenarioArg = None, json_output: JsonOption = False) -> None:
    """Summarize a scenario: what it holds, what it asks for, and its network."""
    sc = load_or_exit(scenario, json_output)
    summary = summarize(sc)
    if json_output:
        print_json(summary)
        return
    counts = summary["counts"]
    kinds = ", ".join(f"{n} {kind}" for kind, n in counts["places_by_kind"].items())
    stdout.print(Text.assemble((plain(sc.title), "bold"), f" ({sc.name})"), soft_wrap=True)
    say(stdout, f"{summary['start_date']} to {summary['end_date']}, {summary['days']} days; "
                f"{counts['places']} places ({kinds}); {counts['routes']} routes "
                f"({counts['route_km']:,.0f} km); {counts['modes']} modes; "
                f"{counts['commodities']} commodities")

    table = Table(title="Goods over the horizon (tonnes)", title_justify="left",
                  caption="kept: the people's own food (subsistence); could give: the rest",
                  caption_justify="left")
    for header in ("commodity", "stock", "production", "kept", "could give", "demand"):
        table.add_column(header, justify="left" if header == "commodity" else "right")
    for row in summary["commodities"]:
        table.add_row(inert(row["commodity"]), *(f"{row[key]:,.1f}" for key in (
            "stock_t", "production_t", "subsistence_t", "mobilizable_t", "demand_t")))
    stdout.print(table)
    labour = summary["labour"]
    say(stdout, f"Labour: {labour['people']:,.0f} people can serve, "
                f"{labour['person_days']:,.0f} person-days in all.")
    if counts["wounded_flows"]:
        say(stdout, f"Wounded: {summary['wounded_persons']:,.0f} persons over the horizon.")

    routes = Table(title="Longest routes", title_justify="left")
    for header in ("route", "from", "to", "km", "modes"):
        routes.add_column(header, justify="right" if header == "km" else "left",
                          overflow="fold")
    for row in summary["longest_routes"]:
        routes.add_row(inert(row["route"]), inert(row["from"]), inert(row["to"]),
                       f"{row['length_km']:,.1f}", inert(", ".join(row["modes"])))
    stdout.print(routes)

    stdout.print("Network, from each front:", style="italic")
    for line in network_sketch(sc):
        say(stdout, line)
    if summary["unconnected"]:
        say(stdout, "Not connected to any front: " + ", ".join(summary["unconnected"]))


# -- planning -------------------------------------------------------------------------------

ReplayOption = Annotated[
    str | None,
    typer.Option("--replay", metavar="NAME",
                 help="Fix mobilization to one of the scenario's replays (e.g. historical)."),
]
SolverOption = Annotated[
    str,
    typer.Option("--solver", help="HiGHS solver: ipm (interior point), simplex or choose."),
]
StepOption = Annotated[
    int | None,
    typer.Option("--step-days", min=1, metavar="N",
                 help="Plan in steps of N days (default: the scenario's policy.step_days). "
                      "1 is day by day; longer steps solve faster with coarser timing."),
]
TimeLimitOption = Annotated[
    float,
    typer.Option("--time-limit", min=0, metavar="SECONDS", show_default=False,
                 help=f"Stop the solver after SECONDS (default: {DEFAULT_TIME_LIMIT_S:.0f}; "
                      "0: no limit); the run then fails with exit code 1."),
]


def _with_step(sc: Scenario, step_days: int | None) -> Scenario:
    """The scenario with its planning step set by ``--step-days`` (unchanged when None)."""
    if step_days is None:
        return sc
    return sc.model_copy(
        update={"policy": sc.policy.model_copy(update={"step_days": step_days})}
    )


def _limit_days(sc: Scenario, days: int | None, json_output: bool) -> Scenario:
    """The scenario cut to its first ``days`` days (``--days``), or exit 2 if that is no
    horizon."""
    if days is None:
        return sc
    if not 1 <= days <= sc.days:
        fail("usage", f"--days: expected a whole number from 1 to {sc.days} (the scenario's "
                      f"horizon), got {days}", EXIT_BAD_INPUT, json_output)
    return sc.model_copy(update={"end_date": sc.start_date + dt.timedelta(days=days - 1)})


def _check_replay(sc: Scenario, replay: str | None, json_output: bool) -> None:
    """Exit 2 when ``--replay`` names no replay of the scenario."""
    names = [r.name for r in sc.replays]
    if replay is not None and replay not in names:
        fail("replay", f"--replay: no replay named {replay!r} in scenario {sc.name}; it has: "
                       f"{', '.join(names) or 'none'}", EXIT_BAD_INPUT, json_output)


def _plan_or_exit(sc: Scenario, replay: str | None, solver: str, time_limit: float,
                  json_output: bool) -> Plan:
    """Solve, showing the stage and a running clock (none with ``--json``); a bad replay
    exits 2, a failed solve exits 1.

    The solve runs in a worker thread while this one waits: HiGHS does not come back to
    Python until it is done, so without the thread neither the clock nor Ctrl-C could be
    served meanwhile. After Ctrl-C the worker is left to the end of the process.
    """
    from supplyline.errors import PlanError, ReplayError
    from supplyline.plan import plan

    if solver not in ("ipm", "simplex", "choose"):
        fail("usage", f"--solver: expected ipm, simplex or choose, got {solver}",
             EXIT_BAD_INPUT, json_output)
    stage = "planning"
    outcome: dict[str, Any] = {}

    def progress(message: str) -> None:
        nonlocal stage
        stage = message

    def solve() -> None:
        try:
            outcome["plan"] = plan(sc, replay=replay, solver=solver, progress=progress,
                                   time_limit_s=time_limit or None)
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
        fail("plan", str(error), EXIT_FAILED, json_output)
    if error is not None:
        raise error
    result: Plan = outcome["plan"]
    return result


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


@app.command("plan")
def plan_command(
    scenario: ScenarioArg = None,
    replay: ReplayOption = None,
    days: Annotated[int | None, typer.Option("--days", help="Plan only the first N days.")]
    = None,
    step_days: StepOption = None,
    solver: SolverOption = "ipm",
    time_limit: TimeLimitOption = DEFAULT_TIME_LIMIT_S,
    out: Annotated[
        Path | None,
        typer.Option("--out", "--export", metavar="DIR",
                     help="Write the plan (JSON), its tables (CSV, Parquet) and the routes "
                          "with their flows (GeoJSON) to DIR."),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Optimize what to mobilize where and how to move it; print what arrives."""
    from supplyline.report import print_plan_summary

    sc = load_or_exit(scenario, json_output)
    sc = _with_step(_limit_days(sc, days, json_output), step_days)
    result = _plan_or_exit(sc, replay, solver, time_limit, json_output)
    written = _export(result, out, "--out", json_output) if out is not None else []
    if json_output:
        print_json({"ok": True, "kpis": result.kpis(), "written": [str(p) for p in written]})
        return
    print_plan_summary(result, stdout)
    if written:
        say(stdout, f"Wrote {len(written)} files to {out}")


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
    solver: SolverOption = "ipm",
    time_limit: TimeLimitOption = DEFAULT_TIME_LIMIT_S,
    json_output: JsonOption = False,
) -> None:
    """Compare the scenario's observed (historical) figures with what the model computes.

    Exit code 1 when any figure is outside its tolerance; 0 when there is none to compare."""
    from supplyline.plan import validate as compare_observed
    from supplyline.report import print_validation

    sc = _with_step(load_or_exit(scenario, json_output), step_days)
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
                                                     json_output)))
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
        Path, typer.Option("--out", metavar="FILE", help="The HTML file to write.")
    ] = Path("report.html"),
    export: Annotated[
        Path | None,
        typer.Option("--export", metavar="DIR", help="Also write the tables and GeoJSON."),
    ] = None,
    step_days: StepOption = None,
    solver: SolverOption = "ipm",
    time_limit: TimeLimitOption = DEFAULT_TIME_LIMIT_S,
    runs: Annotated[int | None, typer.Option(
        "--runs", min=1, metavar="N",
        help="Also simulate the plan N times and add the risk section.")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", min=0, metavar="S", help="Seed of the simulation (with --runs).")] = None,
    json_output: JsonOption = False,
) -> None:
    """Plan the scenario and write a self-contained HTML report (opens offline)."""
    from supplyline.plan import validate as compare_observed
    from supplyline.report import write_report

    sc = _with_step(load_or_exit(scenario, json_output), step_days)
    result = _plan_or_exit(sc, replay, solver, time_limit, json_output)
    values = compare_observed(result)
    results = ({"simulation": _simulate_or_exit(result, runs, seed, "cpu", json_output)}
               if runs is not None else {})
    with _writing(out, "--out", json_output):
        path = write_report(result, out, values or None, results=results)
    written = [path]
    if export is not None:
        written += _export(result, export, "--export", json_output)
    if json_output:
        print_json({"ok": True, "written": [str(p) for p in written]})
        return
    say(stdout, f"Wrote {path}")


# -- simulation -----------------------------------------------------------------------------

DeviceOption = Annotated[
    str, typer.Option("--device", help="Where to run: cpu (NumPy) or gpu (CuPy, the [gpu] "
                                       "extra and a CUDA GPU).")]


def _simulate_or_exit(result: Plan, runs: int, seed: int | None, device: str,
                      json_output: bool) -> Any:
    """Run the simulation with a progress bar on standard error (none with ``--json``); a
    device that is not there exits 2."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from supplyline.errors import SimulationError
    from supplyline.simulate import DEVICES, simulate

    if device not in DEVICES:
        fail("usage", f"--device: expected {' or '.join(DEVICES)}, got {device}",
             EXIT_BAD_INPUT, json_output)
    with ExitStack() as stack:
        tick = None
        if not json_output:
            bar = stack.enter_context(Progress(
                "simulating", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                console=stderr, transient=True))
            task = bar.add_task("simulating", total=runs)

            def tick(done: int, total: int) -> None:
                bar.update(task, completed=done)

        try:
            return simulate(result, runs=runs, seed=seed, device=device, progress=tick)
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
    step_days: StepOption = None,
    solver: SolverOption = "ipm",
    time_limit: TimeLimitOption = DEFAULT_TIME_LIMIT_S,
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="DIR",
                     help="Write the simulation (JSON) and its tables (CSV, Parquet) to DIR."),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Plan, then run the plan many times under random strikes, raids, rain and
    breakdowns: the chance and size of shortfall, days of reserve, what is lost."""
    from supplyline.report.risk import export_simulation, print_simulation_summary

    sc = _with_step(load_or_exit(scenario, json_output), step_days)
    _check_replay(sc, replay, json_output)
    result = _simulate_or_exit(_plan_or_exit(sc, replay, solver, time_limit, json_output),
                               runs, seed, device, json_output)
    written: list[Path] = []
    if out is not None:
        with _writing(out, "--out", json_output):
            written = export_simulation(result, out, notify=lambda m: say(stderr, m))
    if json_output:
        print_json({"ok": True, "simulation": json.loads(result.to_json()),
                    "written": [str(p) for p in written]})
        return
    print_simulation_summary(result, stdout)
    if written:
        say(stdout, f"Wrote {len(written)} files to {out}")
