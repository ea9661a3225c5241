"""The ``simulate`` command: plan, then run the plan many times under the scenario's threats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from supplyline.cli import common as ui
from supplyline.cli.common import (
    DEFAULT_TIME_LIMIT_S,
    EXIT_BAD_INPUT,
    DaysOption,
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
    _limit_days,
    _on_command_line,
    _plan_or_exit,
    _simulate_or_exit,
    _writing,
    app,
    fail,
    folder_path,
    load_or_exit,
    print_json,
    say,
)
from supplyline.simulate import MAX_RUNS, SEED


def _check_device(device: str, precision: str, json_output: bool) -> None:
    """Exit 2 when ``--device`` or ``--precision`` names what is not there, before any
    work."""
    from supplyline.errors import SimulationError
    from supplyline.simulate import DEVICES, PRECISIONS, array_module

    if device not in DEVICES:
        fail("usage", f"--device: expected one of {', '.join(map(repr, DEVICES))}, got "
                      f"{device!r}",
             EXIT_BAD_INPUT, json_output)
    if precision not in PRECISIONS:
        fail("usage", f"--precision: expected one of {', '.join(map(repr, PRECISIONS))}, "
                      f"got {precision!r}",
             EXIT_BAD_INPUT, json_output)
    try:
        array_module(device)
    except SimulationError as error:
        fail("usage", f"--device: {error}", EXIT_BAD_INPUT, json_output)


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
    str, typer.Option("--device", metavar="cpu|gpu",
                      help="Where to run: cpu (NumPy) or gpu (CuPy, the [gpu] extra and a CUDA "
                           "GPU).")]


PrecisionOption = Annotated[
    str, typer.Option("--precision", metavar="single|double",
                      help="single (float32, the default: 1.4 to 1.9 times as fast) or double "
                           "(float64) for every amount.")]


@app.command("simulate")
def simulate_command(
    ctx: typer.Context,
    scenario: ScenarioArg = None,
    replay: ReplayOption = None,
    runs: Annotated[int, typer.Option("--runs", min=1, max=MAX_RUNS, metavar="N",
                                      help="Number of runs.")] = 10_000,
    seed: Annotated[int, typer.Option(
        "--seed", min=0, metavar="S", help="Seed: the same seed gives the same result "
                                           "(the default is sl.simulate's too).")] = SEED,
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
        typer.Option("--export", metavar="DIR", parser=folder_path,
                     help="Write the simulation (JSON) and its tables (CSV, Parquet) into "
                          "the folder DIR."),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Plan, then run the plan many times under random strikes, raids, rain and
    breakdowns: the chance and size of shortfall, days of reserve, what is lost."""
    from supplyline.report.facts import replay_days_note
    from supplyline.report.risk import export_simulation, print_simulation_summary

    if not threats and _on_command_line(ctx, "unit_losses"):  # (ran as if not there)
        flag = "--unit-losses" if unit_losses else "--no-unit-losses"
        fail("usage", f"{flag}: acts only with the threats drawn (units are lost to strikes "
                      f"and raids), got --no-threats (leave {flag} out, or --no-threats)",
             EXIT_BAD_INPUT, json_output)
    _check_device(device, precision, json_output)  # (options first, then the file, as --solver)
    whole = load_or_exit(scenario, json_output)
    sc = _limit_days(whole, days, json_output)
    _check_replay(sc, replay, json_output)
    _check_export(export, json_output)
    # (what holds the fronts short is not sought: up to a minute of solving again that
    # nothing here shows; the summary says where `plan` says it)
    made = _plan_or_exit(sc, replay, solver, time_limit, json_output, step_days, verbose,
                         explain=False)
    if sc.days < whole.days:
        made.whole_days = whole.days  # (as sl.plan(..., days=N) marks it: the summary says)
    result = _simulate_or_exit(made, runs, seed, device, json_output, unit_losses, precision,
                               breakdowns, threats)
    written: list[Path] = []
    if export is not None:
        with _writing(export, "--export", json_output):
            written = export_simulation(result, export, notify=lambda m: say(ui.stderr, m))
    if json_output:
        replay_note = replay_days_note(made)
        print_json({"ok": True, "simulation": json.loads(result.to_json()),
                    **({"replay_note": replay_note} if replay_note else {}),
                    "written": [str(p) for p in written]})
        return
    print_simulation_summary(result, ui.stdout, scenario)
    if written:
        say(ui.stdout, f"Wrote {len(written)} files to {export}")
