"""What a simulation says, the same wherever it is said: the report carries the notes the
terminal and the JSON give; a chance of shortfall where nothing is demanded is exact; the
risk table's "runs for ±1 %" keeps "±1 %" on one line."""

from __future__ import annotations

import io
from html import escape

import pytest
from rich.console import Console

import supplyline as sl
from supplyline.report.risk import print_simulation_summary, risk_rows, risk_section
from supplyline.report.sections import ReportContext
from supplyline.report.terminal import Column, FitTable
from supplyline.scenario.whatif import first_days
from tests.simulate.helpers import tutorial_plan


def _terminal(result: sl.Simulation, width: int = 80) -> str:
    out = io.StringIO()
    print_simulation_summary(result, Console(file=out, width=width))
    return out.getvalue()


@pytest.fixture(scope="module")
def tutorial() -> sl.Simulation:
    return sl.simulate(tutorial_plan(), runs=40, seed=1)


@pytest.fixture(scope="module")
def two_days() -> sl.Simulation:
    """The tutorial's first two days: its town needs nothing before day 3."""
    return sl.simulate(sl.plan(first_days(sl.load("tutorial"), 2)), runs=50, seed=1)


def test_the_report_carries_the_notes_the_terminal_and_json_give(
        tutorial: sl.Simulation) -> None:
    """The tutorial's runs lend a place units and goods coming back to it within the day:
    the terminal and --json said so, and the report's risk section did not."""
    notes = tutorial.kpis()["notes"]  # (as --json gives them)
    assert any("lent against them" in n for n in notes), notes
    said = [f"Note: {n}" + ("" if n.endswith(".") else ".") for n in notes
            if n != tutorial.never_replans_note()]  # (that one is said above the figures)
    section = risk_section(tutorial.plan, ReportContext(results={"simulation": tutorial}))
    assert section is not None
    terminal = " ".join(_terminal(tutorial, width=1000).split())
    for note in said:
        assert f'<p class="note">{escape(note)}</p>' in section.html
        assert note in terminal


def test_a_chance_of_shortfall_where_nothing_is_demanded_is_exact(
        two_days: sl.Simulation) -> None:
    """No front needs anything in the first two days, so no run can go short: "0 ± 3 %",
    with 1,322 runs for ±1 %, read as a chance seen in 50 runs. The runs differ (strikes
    destroy cargo), so they are not alike; the chance is exact all the same."""
    assert not two_days.alike
    p = two_days.kpis()["p_any_shortfall"]
    assert p == {"value": 0.0, "se": 0.0, "runs_for_1pct": 0}
    row = next(r for r in risk_rows(two_days) if r[0] == "chance some front goes short")
    assert row[1:] == ("0 ± 0 %", "any")


def test_where_a_front_has_demand_runs_that_differ_keep_their_error(
        tutorial: sl.Simulation) -> None:
    assert not tutorial.alike
    assert tutorial.kpis()["p_any_shortfall"]["se"] > 0


def test_the_risk_table_keeps_plus_or_minus_one_percent_on_one_line(
        two_days: sl.Simulation) -> None:
    """At 80 columns the header wrapped as "runs", "for ±1" and "%"."""
    text = _terminal(two_days)
    head = text.split("Risk (± Monte Carlo standard error)")[1].split("─")[0]
    lines = [line.strip() for line in head.splitlines() if line.strip()]
    assert any(line.endswith("±1 %") for line in lines), head
    assert "%" not in lines and "\u00a0" not in text


@pytest.mark.parametrize("width", [4, 5, 6, 7, 8])
def test_a_no_break_space_in_a_header_does_not_break(width: int) -> None:
    """Words a no-break space joins stay on one line, shown with a plain space (at 6
    columns Rich wrapped the header as "runs", "for ±1" and "%")."""
    table = FitTable("", Column("runs for ±1\u00a0%", numeric=True))
    table.add_row("1")
    out = io.StringIO()
    Console(file=out, width=width).print(table)
    lines = [line.strip() for line in out.getvalue().splitlines()]
    assert "±1 %" in lines or "for ±1 %" in lines or "runs for ±1 %" in lines, lines
    assert "%" not in lines and "\u00a0" not in out.getvalue()
