"""The ``sweep`` command: plan every combination of some values of a scenario, on Dask."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from supplyline.cli import common as ui
from supplyline.cli.common import (
    DEFAULT_TIME_LIMIT_S,
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    LINE_EVERY_S,
    DaysOption,
    JsonOption,
    ReplayOption,
    ScenarioArg,
    Solver,
    SolverOption,
    StepOption,
    SweepTimeLimitOption,
    _check_file,
    _check_replay,
    _check_solver,
    _check_step_days,
    _check_suffix,
    _limit_days,
    _progress_lines,
    _writing,
    app,
    fail,
    file_path,
    load_or_exit,
    only_with,
    print_json,
    say,
)
from supplyline.errors import not_whole
from supplyline.report.inert import plain
from supplyline.scenario.summary import counted
from supplyline.simulate import MAX_RUNS, SEED


@app.command()
def sweep(
    ctx: typer.Context,
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
    time_limit: SweepTimeLimitOption = DEFAULT_TIME_LIMIT_S,
    simulate_runs: Annotated[
        int | None,
        typer.Option("--simulate", min=1, max=MAX_RUNS, metavar="N",
                     help="Also run each variant's plan N times under the scenario's threats "
                          "(as supplyline simulate does); its figures join the table."),
    ] = None,
    seed: Annotated[
        int,
        typer.Option("--seed", min=0, metavar="S",
                     help="Seed of the simulations, the same for every variant."),
    ] = SEED,
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
        Path, typer.Option("--out", "-o", metavar="FILE", parser=file_path,
                           help="The table to write: a .parquet file.")
    ] = Path("sweep.parquet"),
    report_file: Annotated[
        Path | None,
        typer.Option("--report", metavar="FILE", parser=file_path,
                     help="Also write an HTML page (.html) with the variants side by side."),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Plan every combination of some values of a scenario, on Dask; write one Parquet
    table of the values and each plan's key figures.

    Exit code 1 when any variant failed (each is listed with its reason; the others are in
    the table), or when Ctrl-C stopped the sweep (as it ends every command: the variants
    finished so far are in the table), 2 when a --vary option names nothing or a value the
    scenario refuses, or when no Dask scheduler answers at --scheduler's address."""
    from supplyline.report.compare import write_comparison
    from supplyline.sweep import VaryError, make_variants, parse_vary
    from supplyline.sweep.run import (
        SweepError,
        SweepOptions,
        address_problem,
        connect,
        run_sweep,
        settings_words,
    )
    from supplyline.sweep.vary import overridden, short_label

    only_with(ctx, simulate_runs is not None, "--simulate", ("seed",), json_output)
    whole = load_or_exit(scenario, json_output)
    # Where the dates are varied, --days and --step-days are checked against each variant's
    # horizon (make_variants), not the file's.
    dates = any(text.partition("=")[0].strip() in ("start_date", "end_date")
                for text in vary or [])
    sc = whole if dates else _limit_days(whole, days, json_output)
    if not dates:
        _check_step_days(sc, step_days, json_output)
    elif days is not None and not_whole(days, 1):  # (the upper bound is each variant's)
        fail("usage", f"--days: expected a whole number ≥ 1, got {days!r}", EXIT_BAD_INPUT,
             json_output)
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
    dask = None
    if scheduler is not None:  # reached first: it was found unreachable only after every
        # combination had been checked, and said with exit code 1
        connected = ExitStack()
        ctx.call_on_close(connected.close)
        try:
            dask = connected.enter_context(connect(scheduler))
        except SweepError as error:
            fail("usage", str(error), EXIT_BAD_INPUT, json_output)
    try:
        problems = []
        varies = []
        for text in vary or []:
            try:
                varies.append(parse_vary(text))
            except VaryError as error:
                problems += error.problems
        problems += overridden(varies, days, step_days)
        if problems:
            raise VaryError(problems)
        with _checking(json_output) as checked:
            variants = make_variants(whole, varies, scenario, days, replay, progress=checked,
                                     step_days=step_days)
    except VaryError as error:
        if not json_output:
            for problem in error.problems:
                say(ui.stderr, str(problem))
        count = error.count  # (a line that counts values refused alike counts them)
        fail("vary", f"{count} problem{'s' * (count != 1)} with --vary; nothing was run.",
             EXIT_BAD_INPUT, json_output, problems=[asdict(p) for p in error.problems])
    options = SweepOptions(replay=replay, solver=solver.value, time_limit_s=time_limit or None,
                           step_days=step_days, simulate=simulate_runs, seed=seed)
    with ExitStack() as stack:
        bar = None
        if ui.bars(json_output):
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            bar = stack.enter_context(Progress(
                "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), console=ui.stderr, transient=True))
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
                result = run_sweep(variants, out, options, workers=workers, client=dask,
                                   progress=progress, source=scenario)
        except SweepError as error:
            fail("sweep", str(error), EXIT_FAILED, json_output)
    written = [out]
    if report_file is not None:
        # The report labels each variant by its values, and routes by their names.
        called = {i: f"#{i} {short_label(variants[i])}" for i in sorted(result.records)}
        comparison = result.comparison(
            called, route_names={r.key: sc.route_title(r) for r in sc.routes})
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
        note = result.settings.get("replay_note")
        print_json({
            "ok": not (result.failed or result.interrupted), **verdict,
            "sweep": result.settings,
            # (as plan and simulate answer it: the sweep's settings hold it too)
            **({"replay_note": note} if note else {}),
            "variants": len(variants), "done": done, "failed": failed,
            "results": results, "workers": result.workers, "seconds": result.seconds,
            "written": [str(p) for p in written],
        })
    else:
        if result.settings.get("replay_note"):  # (as plan says it, above its figures)
            ui.stdout.print(Text(plain(result.settings["replay_note"]), style="yellow"))
        _print_sweep(variants, result.records)
        for i, reason in sorted(result.failed.items()):
            say(ui.stderr, f"#{i} ({variants[i].label}) failed: {reason}")
        say(ui.stdout, f"{_sweep_words(result, done)}; wrote {', '.join(map(str, written))}")
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
            lines(f"checked {done} of {counted(total, 'variant', 'variants')}", done, total)

    if not ui.bars(json_output):
        yield line
        return
    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=ui.stderr,
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
    the terminal (at 80 columns: two varied paths with the simulation's figures, or one with
    a name longer than ``payload_kg``; two with names as long as ``porter.payload_kg``
    without), the values are one table and the figures another, each row under the
    variant's number; and where even the values are too wide, each variant's values are
    one cell of words."""
    from supplyline.report.compare import (
        KPIS,
        MORE_SHOWN,
        PERCENT,
        SIMULATED_KPIS,
        decimals,
        shown,
    )
    from supplyline.report.terminal import Column, FitTable
    from supplyline.sweep.vary import short_label, short_names, shown_value
    from supplyline.text import NO_BREAK

    paths = list(variants[0].settings) if len(variants) else []
    simulated = any("sim_p_any_shortfall" in r for r in records.values())
    headers = ["delivered t", "short t", "mobilized t", "labour-days"]
    if simulated:
        headers += ["P(short) %", "sim. short t"]
    number = Column("#", numeric=True)
    valued = [Column(plain(name), numeric=True) for name in short_names(paths)]
    # The simulated shortfall's unit stays with its last word where its column is wide
    # enough: "sim." over "short t", not "sim. short" over a lone "t". Where that is too
    # wide for one table, each header is words over its unit ("sim." over "short" over "t",
    # beside "delivered" over "t"), not two tables.
    kept = [header.replace("short t", f"short{NO_BREAK}t") if header.startswith("sim.")
            else header for header in headers]
    rows: list[tuple[str, list[str], str, list[str]]] = []
    if not records:
        return  # (interrupted before any variant ended: the closing line says so)
    run = [v for v in variants if v.index in records]  # (an interrupted sweep: those run)
    ok = [records[v.index] for v in run if records[v.index]["status"] == "ok"]
    # Each figure to the same decimals in every variant, as many as tell them apart (as
    # the report's tables give them): 29.9 beside 30.0, not 30, and 1,636.6 beside 1,637.3
    # where both had read 1,637.
    usual = {key: digits for key, _label, digits in KPIS + SIMULATED_KPIS}
    keys = ["delivered_t", "shortfall_t", "mobilized_t", "labour_days"]
    keys += ["sim_p_any_shortfall", "sim_shortfall_t"] if simulated else []
    by_key = {key: [100 * r[key] if key in PERCENT else r[key] for r in ok] for key in keys}
    columns = [iter(shown(by_key[key], usual[key])) for key in keys]
    more = any(decimals(by_key[key], usual[key]) > usual[key] for key in keys)
    for v in run:
        record = records[v.index]
        figures = [""] * len(headers)
        if record["status"] != "ok":
            figures[0] = "failed"
        else:
            figures = [next(column) for column in columns]
        rows.append((str(v.index), [shown_value(v.settings[p]) for p in paths],
                     short_label(v), figures))
    legend = " ".join(([
        "P(short) %: the share of the simulated runs in which some front went short; sim. "
        "short t: the mean shortfall over all the runs."] if simulated else [])
        + ([MORE_SHOWN] if more else []))

    def table(title: str, with_values: bool) -> tuple[FitTable, bool]:
        """The table of the variants' figures (and values), and whether it fits (where it
        does not, it prints one block per variant)."""
        for heads in (kept, headers):
            made = FitTable(title, number, *(valued if with_values else ()),
                            *(Column(header, numeric=True) for header in heads),
                            caption=legend)
            for name, values, _words, figures in rows:
                made.add_row(name, *(values if with_values else ()), *figures)
            if made.widths(ui.stdout, ui.stdout.width) is not None:
                return made, True
        return made, False

    whole, fits = table("Variants", with_values=True)
    if fits:
        ui.stdout.print(whole)
        return
    values_table = FitTable("Variants", number, *valued)
    for name, values, _words, _figures in rows:
        values_table.add_row(name, *values)
    if values_table.widths(ui.stdout, ui.stdout.width) is None:
        values_table = FitTable("Variants", number, Column("values", prose=True))
        for name, _values, words, _figures in rows:
            values_table.add_row(name, words)
    ui.stdout.print(values_table)
    ui.stdout.print(table("Key figures, by variant", with_values=False)[0])
