"""A no-break space keeps words together in a prose cell, as it does in a header."""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.text import Text

from supplyline.report.terminal import NO_BREAK, Column, FitTable

NB = NO_BREAK


def _printed(table: FitTable, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    console.print(table)
    return console.export_text().splitlines()


def _table() -> FitTable:
    table = FitTable("Wounded", Column("figure", prose=True), Column("value", prose=True),
                     show_header=False)
    table.add_row(Text("brought in by", style="bold"),
                  f"Truck{NB}9,838, Pack horse{NB}42.45, Porter on foot{NB}3.5 [b]x[/b]")
    return table


@pytest.mark.parametrize("width", [24, 30, 34, 40, 60])
def test_a_number_stays_with_the_word_a_no_break_space_joins_it_to(width: int) -> None:
    lines = _printed(_table(), width)
    text = "\n".join(lines)
    assert NB not in text  # shown as a space
    assert all(len(line) <= width for line in lines)
    # Never "Pack horse" at a line's end and "42.45," at the next's start, nor "Truck" and
    # "9,838": Rich alone breaks at a no-break space as at any other.
    for line in lines:
        words = line.split()
        assert words[-1] not in ("horse", "Truck", "foot")
        assert words[0] not in ("9,838,", "42.45,", "3.5")
    assert "[b]x[/b]" in text  # (still shown as written, not read as markup)


def test_a_cell_without_a_no_break_space_wraps_as_before() -> None:
    table = FitTable("", Column("figure", prose=True), Column("value", prose=True),
                     show_header=False)
    table.add_row("into", "Rear hospital near Tuan Giao 9,838, Field hospitals 42.45")
    lines = _printed(table, 30)
    assert [line.rstrip() for line in lines if line.strip()] == [
        "into   Rear hospital near Tuan", "       Giao 9,838, Field", "       hospitals 42.45"]


def test_the_styles_of_a_rich_cell_are_kept_when_it_is_wrapped() -> None:
    table = FitTable("", Column("figure", prose=True), Column("value", prose=True),
                     show_header=False)
    table.add_row("late", Text.assemble(("0", "bold red"), f"{NB}of{NB}them{NB}late, "
                                        f"and{NB}more words here"))
    console = Console(width=24, record=True, color_system="standard")
    console.print(table)
    styled = console.export_text(styles=True, clear=False)
    assert "\x1b[1;31m0\x1b[0m" in styled
    assert "0 of them late," in console.export_text()
