"""The ``resilience`` command: cut every route and place in turn, and rank what the plan hangs
on."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer

from supplyline.cli import common as ui
from supplyline.cli.common import (
    DEFAULT_TIME_LIMIT_S,
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    DaysOption,
    JsonOption,
    ScenarioArg,
    StepOption,
    TimeLimitOption,
    _check_export,
    _check_step_days,
    _limit_days,
    _on_command_line,
    _progress_lines,
    _writing,
    app,
    fail,
    folder_path,
    load_or_exit,
    only_with,
    print_json,
    say,
)
from supplyline.report.inert import inert, plain
from supplyline.resilience.bounds import (
    ANALYSIS_MAX_COLUMNS,
    COARSE_STEP_DAYS,
    LIMITS,
)
from supplyline.simulate import SEED
from supplyline.units import words_and


@app.command()
def resilience(
    ctx: typer.Context,
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
    seed: Annotated[int, typer.Option("--seed", min=0, metavar="S",
                                      help="Seed of the simulations of --simulate (the "
                                           "table says it; the default is every "
                                           "simulation's).")] = SEED,
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
                          f"whose plan has more than {ANALYSIS_MAX_COLUMNS:,} variables is "
                          f"planned in {COARSE_STEP_DAYS}-day steps from the first day, and "
                          "the output says so)."),
    ] = None,
    time_limit: TimeLimitOption = DEFAULT_TIME_LIMIT_S,
    export: Annotated[
        Path | None,
        typer.Option("--export", metavar="DIR", parser=folder_path,
                     help="Write resilience.json, resilience.csv and .parquet (the "
                          "ranking) and report.html (the plan's report with the "
                          "resilience section)."),
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
    from supplyline.resilience.bounds import check_daily_days, parse_window, worst_of_acts

    only_with(ctx, simulate_runs > 0, "--simulate", ("seed",), json_output, off="0")
    if not worst_of_acts(k, budget) and _on_command_line(ctx, "worst_of"):  # (else ignored)
        fail("usage", "--worst-of: acts only on the worst sets (--k 2 or more) or the "
                      "protection (--budget), got --k 1 without --budget (leave --worst-of "
                      "out, or raise --k)", EXIT_BAD_INPUT, json_output)
    if worst_of not in ("routes", "all"):  # (options first, then the file, as --solver)
        fail("usage", f"--worst-of: expected one of 'routes', 'all', got {worst_of!r}",
             EXIT_BAD_INPUT, json_output)
    sc = _limit_days(load_or_exit(scenario, json_output), days, json_output)
    _check_export(export, json_output)
    span = None
    if window is not None:
        try:
            span = parse_window(window, sc.start_date, sc.days)
        except ValueError as error:
            fail("usage", f"--window: {error}", EXIT_BAD_INPUT, json_output)
    units: dict[str, int] = {}
    for part in (protect or "").split(","):
        kind, _, count = part.strip().partition("=")
        if not part.strip():
            continue
        if kind not in ("guards", "air", "repair") or not count.strip().isdigit():
            fail("usage", f"--protect: expected KIND=N with KIND guards, air or repair and N "
                          f"a whole number, got {part.strip()!r}", EXIT_BAD_INPUT, json_output)
        if kind in units:  # (added up in silence, where it is likely a slip)
            fail("usage", f"--protect: expected each kind once, got {kind} twice "
                          f"({kind}={units[kind]}, {part.strip()})", EXIT_BAD_INPUT,
                 json_output)
        units[kind] = int(count)
    if protect is not None and not any(units.values()):
        fail("usage", "--protect: expected at least one unit to place, got "
             + (", ".join(f"{kind}={n}" for kind, n in units.items()) or repr(protect)),
             EXIT_BAD_INPUT, json_output)
    _check_step_days(sc, step_days, json_output)
    try:
        check_daily_days(daily_days, sc.days, step_days, "--step-days ")
    except ValueError as error:
        fail("usage", f"--daily-days: {error}", EXIT_BAD_INPUT, json_output)
    try:
        net, grid_note = analysis_grid(sc, step_days, daily_days)
    except ValueError as error:
        fail("usage", f"--daily-days: {error}", EXIT_BAD_INPUT, json_output)
    if grid_note is not None and not json_output:
        ui.stderr.print(inert(f"{grid_note[:1].upper()}{grid_note[1:]}."))  # wrapped at words
    with ExitStack() as stack:
        bar = None
        # The step's words get what the bar, its count and the clock leave (ids never cut).
        room = max(0, ui.stderr.width - _STEP_BAR - 7 - 7 - 3)
        if ui.bars(json_output):
            bar = stack.enter_context(Progress(
                TextColumn("{task.description}"), BarColumn(bar_width=_STEP_BAR),
                TextColumn("{task.fields[count]}"), TimeElapsedColumn(),
                console=ui.stderr, transient=True))
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
                             simulate_runs=simulate_runs, seed=seed,
                             own=None if grid_note is None else compile_network(sc))
        except PlanError as error:
            fail("plan", str(error), EXIT_FAILED, json_output)
    if grid_note is not None:
        result.notes.insert(0, grid_note)
    written: list[Path] = []
    if export is not None:
        from supplyline.report.resilience import export_resilience

        with _writing(export, "--export", json_output):
            written = export_resilience(result, export, notify=lambda m: say(ui.stderr, m))
        if result.plan is not None:
            with _writing(export, "--export", json_output):
                written.append(write_report(result.plan, export / "report.html",
                                            results={"resilience": result}))
    # A cut whose plan did not solve (a time limit) has no answer: the analysis did not do
    # what was asked. All that was found is said, then exit code 1, as for a plan.
    unanswered = result.unanswered()
    why = (f"the plan{'s' if len(unanswered) > 1 else ''} of {len(unanswered)} "
           f"{'cuts' if len(unanswered) > 1 else 'cut'} did not solve "
           f"({words_and(sorted({i.status for i in unanswered}))}): "
           f"{words_and([' + '.join(i.ids) for i in unanswered])}; what "
           f"{'they cost' if len(unanswered) > 1 else 'it costs'} is not known; allow more "
           "time with --time-limit") if unanswered else ""
    if json_output:
        verdict = {"error": {"kind": "plan", "message": why}} if unanswered else {}
        print_json({"ok": not unanswered, **verdict, "resilience": result.to_dict(),
                    "written": [str(p) for p in written]})
    else:
        print_resilience(result, ui.stdout)
        if written:
            say(ui.stdout, f"Wrote {len(written)} files to {export}")
    if unanswered:
        if not json_output:
            fail("plan", why, EXIT_FAILED, False)  # (on standard error, after the tables)
        raise typer.Exit(EXIT_FAILED)


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
