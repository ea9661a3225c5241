"""The ``supplyline`` command line.

Every command that reads a scenario takes an optional ``FILE`` (a path or a built-in name;
the built-in default when left out) and loads it with :func:`load_or_exit`, so bad input
always ends the same way: the list of problems, exit code 2, no traceback.

Exit codes: 0 ok, 1 a run that failed, 2 bad input.

Adding a command: write a function under the "commands" heading below, decorate it with
``@app.command()``, take ``scenario: ScenarioArg = None`` and ``json_output: JsonOption =
False``, and start with ``sc = load_or_exit(scenario, json_output)``.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from supplyline import __version__
from supplyline.errors import Problem, ScenarioError
from supplyline.scenario.load import DEFAULT_SCENARIO, builtin_titles, load
from supplyline.scenario.schema import Scenario
from supplyline.scenario.summary import network_sketch, summarize

if TYPE_CHECKING:
    from supplyline.plan.result import Plan

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FAILED",
    "EXIT_OK",
    "JsonOption",
    "ScenarioArg",
    "app",
    "format_problem",
    "load_or_exit",
    "print_json",
    "stderr",
    "stdout",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2

app = typer.Typer(
    name="supplyline",
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


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on standard output (no colours, no wrapping)."""
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def load_or_exit(source: str | None, json_output: bool = False) -> Scenario:
    """Load a scenario for a command, or print every problem and exit with code 2.

    Parameters
    ----------
    source:
        A path, a built-in name, or ``None`` for the default built-in scenario.
    json_output:
        Print the problems as JSON (``{"ok": false, "problems": [...]}``) on standard output
        instead of lines on standard error.

    Returns
    -------
    Scenario
        The validated scenario; the function does not return when it is invalid.
    """
    try:
        return load(source)
    except ScenarioError as error:
        if json_output:
            print_json({"ok": False, "problems": [asdict(p) for p in error.problems]})
        else:
            for problem in error.problems:
                stderr.print(format_problem(problem), markup=False, soft_wrap=True)
            count = len(error.problems)
            stderr.print(f"{count} problem{'s' * (count != 1)} found; nothing was done.",
                         markup=False, soft_wrap=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


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
        stderr.print("No built-in scenarios are installed.")
        raise typer.Exit(EXIT_FAILED)
    table = Table("name", "title", box=None, pad_edge=False)
    for name, title in titles.items():
        table.add_row(name + (" (default)" if name == DEFAULT_SCENARIO else ""), title)
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
    stdout.print(f"OK: {sc.title} — {_counts_line(summary)}", markup=False, soft_wrap=True)


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
    stdout.print(f"[bold]{escape(sc.title)}[/bold] ({sc.name})", soft_wrap=True)
    stdout.print(f"{summary['start_date']} to {summary['end_date']}, {summary['days']} days; "
                 f"{counts['places']} places ({kinds}); {counts['routes']} routes "
                 f"({counts['route_km']:,.0f} km); {counts['modes']} modes; "
                 f"{counts['commodities']} commodities", markup=False, soft_wrap=True)

    table = Table(title="Goods over the horizon (tonnes)", title_justify="left",
                  caption="kept: the people's own food (subsistence); could give: the rest",
                  caption_justify="left")
    for header in ("commodity", "stock", "production", "kept", "could give", "demand"):
        table.add_column(header, justify="left" if header == "commodity" else "right")
    for row in summary["commodities"]:
        table.add_row(row["commodity"], *(f"{row[key]:,.1f}" for key in (
            "stock_t", "production_t", "subsistence_t", "mobilizable_t", "demand_t")))
    stdout.print(table)
    labour = summary["labour"]
    stdout.print(f"Labour: {labour['people']:,.0f} people can serve, "
                 f"{labour['person_days']:,.0f} person-days in all.", markup=False,
                 soft_wrap=True)
    if counts["wounded_flows"]:
        stdout.print(f"Wounded: {summary['wounded_persons']:,.0f} persons over the horizon.",
                     markup=False)

    routes = Table(title="Longest routes", title_justify="left")
    for header in ("route", "from", "to", "km", "modes"):
        routes.add_column(header, justify="right" if header == "km" else "left",
                          overflow="fold")
    for row in summary["longest_routes"]:
        routes.add_row(row["route"], row["from"], row["to"],
                       f"{row['length_km']:,.1f}", ", ".join(row["modes"]))
    stdout.print(routes)

    stdout.print("Network, from each front:", style="italic")
    for line in network_sketch(sc):
        stdout.print(line, markup=False, soft_wrap=True)
    if summary["unconnected"]:
        stdout.print("Not connected to any front: " + ", ".join(summary["unconnected"]),
                     markup=False, soft_wrap=True)


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


def _with_step(sc: Scenario, step_days: int | None) -> Scenario:
    """The scenario with its planning step set by ``--step-days`` (unchanged when None)."""
    if step_days is None:
        return sc
    return sc.model_copy(
        update={"policy": sc.policy.model_copy(update={"step_days": step_days})}
    )


def _limit_days(sc: Scenario, days: int | None) -> Scenario:
    """The scenario cut to its first ``days`` days (``--days``), or exit 2 if that is no
    horizon."""
    if days is None:
        return sc
    if not 1 <= days <= sc.days:
        stderr.print(f"--days: expected a whole number from 1 to {sc.days} (the scenario's "
                     f"horizon), got {days}", markup=False, soft_wrap=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    return sc.model_copy(update={"end_date": sc.start_date + dt.timedelta(days=days - 1)})


def _plan_or_exit(sc: Scenario, replay: str | None, solver: str, quiet: bool) -> Plan:
    """Solve with a progress display; a bad replay exits 2, a failed solve exits 1."""
    from supplyline.errors import PlanError, ReplayError
    from supplyline.plan import plan

    if solver not in ("ipm", "simplex", "choose"):
        stderr.print(f"--solver: expected ipm, simplex or choose, got {solver}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    started = time.perf_counter()
    try:
        with stderr.status("planning", spinner="dots") as status:

            def progress(message: str) -> None:
                status.update(f"{message} ({time.perf_counter() - started:.0f} s)")

            result = plan(sc, replay=replay, solver=solver, progress=None if quiet else progress)
    except ReplayError as error:
        stderr.print(f"--replay: {error}", markup=False, soft_wrap=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except PlanError as error:
        stderr.print(str(error), markup=False, soft_wrap=True)
        raise typer.Exit(EXIT_FAILED) from None
    return result


@app.command("plan")
def plan_command(
    scenario: ScenarioArg = None,
    replay: ReplayOption = None,
    days: Annotated[int | None, typer.Option("--days", help="Plan only the first N days.")]
    = None,
    step_days: StepOption = None,
    solver: SolverOption = "ipm",
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

    sc = _with_step(_limit_days(load_or_exit(scenario, json_output), days), step_days)
    result = _plan_or_exit(sc, replay, solver, quiet=json_output)
    written = _export(result, out) if out is not None else []
    if json_output:
        print_json({"ok": True, "kpis": result.kpis(), "written": [str(p) for p in written]})
        return
    print_plan_summary(result, stdout)
    if written:
        stdout.print(f"Wrote {len(written)} files to {out}", markup=False, soft_wrap=True)


def _export(result: Plan, directory: Path) -> list[Path]:
    from supplyline.report import export_plan

    try:
        return export_plan(result, directory,
                           notify=lambda m: stderr.print(m, markup=False, soft_wrap=True))
    except OSError as error:
        stderr.print(f"--out: cannot write to {directory}: {error.strerror}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _observed_replays(sc: Scenario, replay: str | None) -> list[str | None]:
    """The replays to validate: the one asked for, or every one the observed figures name."""
    if replay is not None:
        return [replay]
    named = sorted({o.replay for o in sc.observed if o.replay is not None})
    plain: list[str | None] = [None] if any(o.replay is None for o in sc.observed) else []
    return plain + list(named)


@app.command()
def validate(
    scenario: ScenarioArg = None,
    replay: ReplayOption = None,
    step_days: StepOption = None,
    solver: SolverOption = "ipm",
    json_output: JsonOption = False,
) -> None:
    """Compare the scenario's observed (historical) figures with what the model computes.

    Exit code 1 when any figure is outside its tolerance."""
    from supplyline.plan import validate as compare_observed
    from supplyline.report import print_validation

    sc = _with_step(load_or_exit(scenario, json_output), step_days)
    replays = _observed_replays(sc, replay)
    if not replays:
        stderr.print(f"{sc.name} has no observed figures to validate against.", markup=False)
        raise typer.Exit(EXIT_FAILED)
    values = []
    for name in replays:
        values.extend(compare_observed(_plan_or_exit(sc, name, solver, quiet=json_output)))
    failed = [v for v in values if not v.passed]
    if json_output:
        print_json({"ok": not failed, "figures": [asdict(v) for v in values]})
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
) -> None:
    """Plan the scenario and write a self-contained HTML report (opens offline)."""
    from supplyline.plan import validate as compare_observed
    from supplyline.report import write_report

    sc = _with_step(load_or_exit(scenario), step_days)
    result = _plan_or_exit(sc, replay, solver, quiet=False)
    values = compare_observed(result)
    try:
        path = write_report(result, out, values or None)
    except OSError as error:
        stderr.print(f"--out: cannot write {out}: {error.strerror}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if export is not None:
        _export(result, export)
    stdout.print(f"Wrote {path}", markup=False, soft_wrap=True)
