"""Commands that plan a scenario: ``plan``, ``validate`` and ``report``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from supplyline.cli import common as ui
from supplyline.cli.common import (
    DEFAULT_TIME_LIMIT_S,
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    DaysOption,
    ExportOption,
    JsonOption,
    ReplayOption,
    ScenarioArg,
    Solver,
    SolverOption,
    StepOption,
    TimeLimitOption,
    VerboseOption,
    _check_export,
    _check_replay,
    _check_suffix,
    _export,
    _limit_days,
    _observed_replays,
    _plan_or_exit,
    _progress_lines,
    _say_written,
    _simulate_or_exit,
    _solve,
    _write_out,
    app,
    fail,
    file_path,
    load_or_exit,
    only_with,
    print_json,
    say,
)
from supplyline.plan import RISK_RUNS, RISK_SEED, MetricValue
from supplyline.report.inert import plain
from supplyline.scenario.schema import Scenario
from supplyline.scenario.summary import counted
from supplyline.simulate import MAX_RUNS, SEED
from supplyline.simulate.target import MIN_RISK_RUNS

if TYPE_CHECKING:
    from supplyline.errors import PlanError
    from supplyline.plan.result import Plan


#: What ``--compare-daily`` says of a plan that is day by day already.
DAILY_ALREADY = "the plan is day by day already; there are no steps to compare."
#: A plan in steps is compared with the plan day by day without ``--compare-daily`` where
#: that plan has at most this many variables: seconds on 2 cores (the built-in scenario's
#: first 14 days, 16,480 variables (17,488 before trips within a step were bound to the
#: units there, when they solved in 1.5 s); its whole horizon, 252,294, in minutes).
COMPARE_DAILY_UP_TO = 20_000


def _daily_affordable(sc: Scenario) -> bool:
    """Whether the scenario's plan day by day is small enough to make beside a plan in
    steps by default (:data:`COMPARE_DAILY_UP_TO`)."""
    from supplyline.network import compile_network
    from supplyline.plan.variables import define_variables
    from supplyline.scenario.whatif import with_step_days

    columns = define_variables(compile_network(with_step_days(sc, 1))).n_columns
    return columns <= COMPARE_DAILY_UP_TO


def _steps_words(result: Plan) -> str:
    """How the plan cuts its horizon, in words, as ``plan --json`` and ``report --json``
    say it (``steps_description``: "day by day", "planned in 3-day steps")."""
    return result.steps_description() or "day by day"


@app.command("plan")
def plan_command(
    ctx: typer.Context,
    scenario: ScenarioArg = None,
    replay: ReplayOption = None,
    days: DaysOption = None,
    step_days: StepOption = None,
    solver: SolverOption = Solver.ipm,
    time_limit: TimeLimitOption = DEFAULT_TIME_LIMIT_S,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="FILE", parser=file_path,
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
        "and reserves in hand, plan again; exit code 1 where no plan meets it.")] = None,
    risk_runs: Annotated[int, typer.Option("--risk-runs", min=MIN_RISK_RUNS, max=MAX_RUNS,
                                           metavar="N",
                                           help="Runs per simulation with --risk (at "
                                                "least 2: one run's chance of shortfall is "
                                                "0 or 1).")] = RISK_RUNS,
    seed: Annotated[int, typer.Option("--seed", min=0, metavar="S",
                                      help="Seed of the simulations (with --risk).")] = RISK_SEED,
    unit_losses: Annotated[bool, typer.Option(
        "--unit-losses/--no-unit-losses",
        help="In the simulations of --risk, a strike destroys the same share of the units "
             "on a trip as of their cargo (default), or units are never lost.")] = True,
    json_output: JsonOption = False,
) -> None:
    """Optimize what to mobilize where and how to move it; print what arrives."""
    only_with(ctx, risk is not None, "--risk", ("risk_runs", "seed", "unit_losses"),
              json_output)
    from supplyline.report import print_plan_summary
    from supplyline.report.facts import replay_days_note
    from supplyline.report.terminal import (
        print_step_comparison,
        step_comparison,
        step_gave_up,
    )

    whole = load_or_exit(scenario, json_output)
    sc = _limit_days(whole, days, json_output)
    _check_replay(sc, replay, json_output)
    _check_export(export, json_output)
    if out is not None:
        _check_suffix(out, (".json", ".html", ".pdf"), json_output, export=True)
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
                ui.stderr.print(Text(plain(message), style="dim"))

        search = plan_for_risk(sc, risk, runs=risk_runs, seed=seed, unit_losses=unit_losses,
                               plan=lambda s: _plan_or_exit(s, replay, solver, time_limit,
                                                            json_output, step_days, verbose,
                                                            lines),
                               progress=round_said)
        result = search.plan
    else:
        result = _plan_or_exit(sc, replay, solver, time_limit, json_output, step_days, verbose)
    if sc.days < whole.days:
        result.whole_days = whole.days  # (as sl.plan(..., days=N) marks it: the summary says)
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
        say(ui.stderr, f"--compare-daily: {DAILY_ALREADY}")
    found = {"risk_search": search} if search is not None else None
    written = ([_write_out(result, out, json_output, results=found, scenario=scenario)]
               if out is not None else [])
    exported = _export(result, export, "--export", json_output) if export is not None else []
    if json_output:
        extra: dict[str, Any] = (
            {"compare_daily": step_comparison(result, daily),
             "compare_daily_could_not_do": step_gave_up(result, daily)} if daily is not None
            else {"compare_daily": None, "compare_daily_error": daily_failed[0]}
            if daily_failed
            else {"compare_daily": [], "compare_daily_note": DAILY_ALREADY}
            if compare_daily else {})  # []: day by day already, said (it was not, under --json)
        if search is not None:
            from supplyline.report.risk import risk_search_json

            extra["risk"] = risk_search_json(search)
        replay_note = replay_days_note(result)
        if replay_note:  # (said under the summary's first line too)
            extra["replay_note"] = replay_note
        # A risk target not met is a run that did not do what was asked (as a figure outside
        # its tolerance is for validate): said, with the plan made, and exit code 1.
        missed = search is not None and not search.met
        verdict = {"error": {"kind": "risk", "message": f"risk target not met: "
                             f"{search.message}"}} if missed and search is not None else {}
        # (the grid in words: plan.json's "steps" is the list of steps, so it is not "steps")
        print_json({"ok": not missed, **verdict, **result.horizon_json(), "kpis": result.kpis(),
                    "steps_description": _steps_words(result), **extra,
                    "written": [str(p) for p in written + exported]})
        if missed:
            raise typer.Exit(EXIT_FAILED)
        return
    print_plan_summary(result, ui.stdout, compared=daily is not None,
                       risk_shown=search is not None)
    if daily is not None:
        print_step_comparison(result, daily, ui.stdout)
    for words in daily_failed:
        say(ui.stderr, words[0].upper() + words[1:] + ".")
    if search is not None:
        from supplyline.report.risk import print_risk_search

        print_risk_search(search, ui.stdout)
    _say_written(written, exported, export)
    if search is not None and not search.met:
        raise typer.Exit(EXIT_FAILED)


@app.command()
def validate(
    scenario: ScenarioArg = None,
    replay: Annotated[str | None, typer.Option(
        "--replay", metavar="NAME",
        help="Compare only the figures observed under this replay (by default every figure, "
             "each on the plan of its own replay, or on the plain plan)."),
    ] = None,
    step_days: StepOption = None,
    solver: SolverOption = Solver.ipm,
    time_limit: TimeLimitOption = DEFAULT_TIME_LIMIT_S,
    verbose: VerboseOption = False,
    json_output: JsonOption = False,
) -> None:
    """Compare the scenario's observed (historical) figures with what the model computes.

    Exit code 1 when a figure the model computes is outside its tolerance (a figure the
    inputs alone set, or whose verdict they decide whatever the plan does, is shown as
    'input', never judged), or when no plan can be made; 0 otherwise, or when there is none
    to compare; 2 for a scenario with problems.

    With --json, each figure gives the record as the file writes it (id, description,
    value, tolerance, compare, unit, source: value is the table's 'history') and the
    model's value in that unit (model; null where the plan gives it none); result is
    'pass', 'fail', 'input' or 'undefined', and passed its verdict (null for an input or an
    undefined figure); within says whether the model's value lies within the record's
    tolerance, inputs too (an input outside it: the inputs differ from the record);
    input_reason and undefined_reason say why there is no verdict, from_inputs (in unit)
    and from_inputs_reason the part of a computed figure that the inputs set; replay, the
    plan it is of."""
    from supplyline.plan import validate as compare_observed
    from supplyline.report import print_validation

    sc = load_or_exit(scenario, json_output)
    _check_replay(sc, replay, json_output)
    replays = _observed_replays(sc, replay)
    if not replays:
        which = f"for replay {replay}" if replay is not None else "to validate against"
        message = (f"{scenario if scenario is not None else sc.name} has no observed "
                   f"figures {which}; nothing to compare.")
        if json_output:
            print_json({"ok": True, "figures": [], "message": message})
        else:
            say(ui.stdout, message)
        return
    values: list[MetricValue] = []
    for name in replays:
        # (what holds the fronts short is not shown here: `plan` says it)
        values.extend(compare_observed(_plan_or_exit(sc, name, solver, time_limit,
                                                     json_output, step_days, verbose,
                                                     explain=False)))
    # In the file's order (each plan's figures had come together, the plain plan's first):
    # the table's [1], [2] ... then count as observed[0], observed[1] ... does.
    order = {o.id: i for i, o in enumerate(sc.observed)}
    values.sort(key=lambda v: order.get(v.id, len(order)))
    failed = [v for v in values if v.tested and not v.passed]
    if json_output:
        computed = sum(v.tested for v in values)
        verdict = {"error": {"kind": "validation", "message": f"{len(failed)} of {computed} "
                             "computed figures outside their tolerance"}} if failed else {}
        print_json({"ok": not failed, **verdict, "figures": [v.to_json() for v in values]})
    else:
        print_validation(values, ui.stdout)
    if failed:
        raise typer.Exit(EXIT_FAILED)


@app.command()
def report(
    ctx: typer.Context,
    scenario: ScenarioArg = None,
    replay: ReplayOption = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="FILE", parser=file_path,
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
        "--runs", min=1, max=MAX_RUNS, metavar="N",
        help="Also simulate the plan N times and add the risk section.")] = None,
    seed: Annotated[int, typer.Option(
        "--seed", min=0, metavar="S", help="Seed of the simulation (with --runs).")] = SEED,
    json_output: JsonOption = False,
) -> None:
    """Plan the scenario and write a self-contained report (HTML, or PDF)."""
    only_with(ctx, runs is not None, "--runs", ("seed",), json_output)
    from supplyline.plan import validate as compare_observed
    from supplyline.report.facts import replay_days_note

    whole = load_or_exit(scenario, json_output)
    sc = _limit_days(whole, days, json_output)
    _check_replay(sc, replay, json_output)
    _check_export(export, json_output)
    _check_suffix(out, (".html", ".pdf"), json_output, export=True)
    result = _plan_or_exit(sc, replay, solver, time_limit, json_output, step_days, verbose)
    if sc.days < whole.days:
        result.whole_days = whole.days  # (as sl.plan(..., days=N) marks it: the report says)
    results = ({"simulation": _simulate_or_exit(result, runs, seed, "cpu", json_output)}
               if runs is not None else None)
    # (the observed figures are of the whole horizon: a plan of its first --days has none)
    validation = compare_observed(result) if days is None else []
    written = [_write_out(result, out, json_output, validation, results, scenario)]
    exported = _export(result, export, "--export", json_output) if export is not None else []
    if json_output:
        # With --runs, the simulation as `simulate --json` gives it (the report's risk section).
        risk = ({"simulation": json.loads(results["simulation"].to_json())}
                if results is not None else {})
        # (as `plan --json` says the same plan: its steps, and a replay's note on --days)
        note = replay_days_note(result)
        print_json({"ok": True, "kpis": result.kpis(),
                    "steps_description": _steps_words(result),
                    **({"replay_note": note} if note else {}), **risk,
                    "written": [str(p) for p in written + exported]})
        return
    if results is not None:  # (the seed was said only inside the report)
        simulation = results["simulation"]
        say(ui.stdout, f"Simulated the plan {counted(simulation.runs, 'time', 'times')} "
                       f"(seed {simulation.seed}: --seed {simulation.seed} draws the same "
                       "runs)")
    _say_written(written, exported, export)
