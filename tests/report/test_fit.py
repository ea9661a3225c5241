"""Terminal output at 60, 80 and 120 columns: no number and no id is cut ("…") or broken over
two lines, in every command; no line is wider than the terminal."""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console
from typer.testing import CliRunner

import supplyline as sl
from supplyline import cli
from supplyline.plan.result import whole_units
from supplyline.report.svg import fmt
from supplyline.report.terminal import Column, FitTable, print_plan_summary, print_validation

WIDTHS = (60, 80, 120)


def _console(width: int) -> Console:
    return Console(width=width, file=io.StringIO(), color_system=None, highlight=False,
                   record=True)


def _fits(text: str, width: int) -> None:
    assert "…" not in text
    for line in text.splitlines():
        assert len(line.rstrip()) <= width, line


def test_a_table_too_wide_for_the_terminal_is_laid_out_in_blocks() -> None:
    table = FitTable("Routes", Column("route"), Column("from → to", prose=True),
                     Column("km", numeric=True), Column("tonnes carried", numeric=True),
                     caption="a caption that wraps between its words")
    table.add_row("ridge-depot--district-hospital", "ridge-depot → district-hospital",
                  "1,234.5", "98,765,432")
    table.add_row("far-village--bridge", "far-village → bridge", "16", "25.2")
    for width in range(30, 130, 7):
        console = _console(width)
        console.print(table)
        text = console.export_text()
        _fits(text, width)
        for whole in ("ridge-depot--district-hospital", "district-hospital", "1,234.5",
                      "98,765,432", "far-village--bridge"):
            assert whole in text, (width, text)
    narrow = _console(40)
    narrow.print(table)
    assert "    tonnes carried: 98,765,432" in narrow.export_text()  # one block per row
    wide = _console(120)
    wide.print(table)
    assert re.search(r"ridge-depot--district-hospital +ridge-depot → district-hospital",
                     wide.export_text())


@pytest.mark.parametrize("width", WIDTHS)
def test_plan_summary_and_validation_fit(width: int, valley_plan: sl.Plan,
                                         replay_plan: sl.Plan) -> None:
    console = _console(width)
    print_plan_summary(valley_plan, console)
    print_validation(sl.validate(replay_plan), console)
    text = console.export_text()
    _fits(text, width)
    kpis = valley_plan.kpis()
    net = valley_plan.network
    for number in (fmt(kpis["delivered_t"]), fmt(kpis["demand_t"]), fmt(kpis["mobilized_t"])):
        assert number in text
    for route in np.nonzero(valley_plan.route_tonnes() > 0)[0]:
        a, b = net.arc_from[net.arc_route == route][0], net.arc_to[net.arc_route == route][0]
        assert net.place_ids[a] in text and net.place_ids[b] in text


@pytest.fixture
def console_at(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Run commands with the command line's stdout a terminal of a given width (where
    messages wrap; into a file each stays one line)."""
    def at(width: int) -> Console:
        console = Console(width=width, file=io.StringIO(), color_system=None,
                          highlight=False, record=True, force_terminal=True)
        monkeypatch.setattr(cli.common, "stdout", console)
        return console
    yield at


def test_every_command_fits_80_columns(console_at: object, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    width = 80
    # The report is written by a short relative name: the path echoed back is the user's
    # own, as long as they made it (a test worker's temporary folder alone passes 80).
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    commands = [["scenarios"], ["check", "tutorial"], ["show", "tutorial"],
                ["show", "dien-bien-phu-1954"],
                ["plan", "tutorial", "--days", "12", "--step-days", "3", "--compare-daily"],
                ["validate", "tutorial", "--replay", "pledged"],
                ["report", "tutorial", "--days", "6", "--out", "r.html"]]
    for command in commands:
        console = console_at(width)  # type: ignore[operator]
        result = runner.invoke(cli.app, command)
        assert result.exit_code == 0, (command, result.output)
        text = console.export_text()
        assert text.strip(), command
        _fits(text, width)


def test_carriers_are_counted_in_whole_units(valley_plan: sl.Plan) -> None:
    console = _console(120)
    print_plan_summary(valley_plan, console)
    text = console.export_text()
    net = valley_plan.network
    peak = valley_plan.units_in_use().max(axis=1)
    shown = 0
    for m in range(net.n_modes):
        recruited = float(valley_plan.recruited_units[:, m].sum())
        if whole_units(peak[m]) == 0:
            continue
        name = net.scenario.modes[m].name or net.mode_ids[m]
        line = next(line for line in text.splitlines() if line.startswith(name))
        numbers = re.findall(r"[\d,.]+", line[len(name):])
        assert numbers[:2] == [f"{int(whole_units(recruited)):,}",
                               f"{int(whole_units(peak[m])):,}"], line
        shown += 1
    assert shown and "rounded up to whole ones" in " ".join(text.split())


def test_a_mode_with_only_crumbs_in_service_is_not_a_carrier(valley_plan: sl.Plan) -> None:
    """An interior point answer leaves crumbs on modes it does not use (a raft at 8.8e-6 of a
    unit on the built-in scenario): the table shows no such mode, as the fleet counts none."""
    units = valley_plan.in_service_units.copy()
    recruited = valley_plan.recruited_units.copy()
    share = 8.8e-6 / units[:, 1, :].sum(axis=0).max()
    units[:, 1, :] *= share
    recruited[:, 1, :] = 0.004  # crumbs adding up to more than a hundredth
    cargo = valley_plan.cargo_kg.copy()
    cargo[valley_plan.leg_mode == 1] *= share  # (and the crumbs of cargo they carry)
    crumbs = dataclasses.replace(valley_plan, in_service_units=units, recruited_units=recruited,
                                 cargo_kg=cargo)
    assert crumbs.fleet_needed()[1] == 0
    console = _console(120)
    print_plan_summary(crumbs, console)
    name = crumbs.network.scenario.modes[1].name or crumbs.network.mode_ids[1]
    table = console.export_text().split("Carriers by mode")[1].split("needed: the most")[0]
    assert name not in table


def test_idle_carriers_are_explained() -> None:
    from supplyline.report.facts import idle_carriers

    tutorial = sl.load("tutorial")
    many = tutorial.replace({"places.river-village.carriers": {"bicycle": 400}})
    plan = sl.plan(many, days=10)
    idle = idle_carriers(plan)
    assert idle, "400 bicycles at one village should leave some idle"
    console = _console(80)
    print_plan_summary(plan, console)
    text = " ".join(console.export_text().split())
    for entry in idle:
        assert entry.sentence in text


def test_resilience_tables_never_break_an_id(monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from supplyline.report import resilience

    long_id = "terrace-village--ridge-depot-upper-trail"
    monkeypatch.setattr(resilience, "_ranking_rows", lambda res, count: [
        [1, long_id, "route", "48.5", "1,512", "-1,144", "-0.96", "2 d"],
        [2, "Gorge path (safe, slow)", "route", "0", "0", "0", "0", "lasts"]])
    monkeypatch.setattr(resilience, "_worst_rows", lambda res: [
        [2, "interdiction", f"{long_id} + bridge", "61.2", "60.1", "64.0", "6.5%"]])
    monkeypatch.setattr(resilience, "_worst_notes", lambda res: [])
    monkeypatch.setattr(resilience, "_ranking_notes", lambda res, count: "")
    res = SimpleNamespace(base=SimpleNamespace(shortfall_t=0.0), solves=9, solves_by={},
                          seconds=2.0,
                          own_grid=None,
                          worst=[object()], simulated=[], defence=None,
                          defence_checked=None, allocation=None, notes=[],
                          ranking=[object(), object()],
                          window_dates=("2024-11-10", "2024-11-20"))
    for width in WIDTHS:
        console = _console(width)
        resilience.print_resilience(res, console)  # type: ignore[arg-type]
        text = console.export_text()
        _fits(text, width)
        assert long_id in text and "-1,144" in text and "6.5%" in text
        assert "from 2024-11-10 to 2024-11-20" in " ".join(text.split())
        assert "+late p-d: the wounded's person-days" in " ".join(text.split())


def test_idle_carriers_of_the_only_mode_that_carried_say_so() -> None:
    """The tutorial's bicycles carry alone over the routes they may use: the sentence must not
    say that nothing was carried there, and names how many were needed at once."""
    from supplyline.report.facts import idle_carriers

    plan = sl.plan(sl.load("tutorial"))
    m = plan.network.mode_ids.index("bicycle")
    (idle,) = [i for i in idle_carriers(plan) if i.mode == m]
    assert "nothing was carried" not in idle.sentence
    assert "they carried all that went over the routes they may use" in idle.sentence
    needed = int(np.ceil(plan.units_in_use()[m].max() - 0.01))
    assert f"at most {needed} of them" in idle.sentence
