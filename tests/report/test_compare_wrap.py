"""sl.compare's notes, wrapped to the terminal, keep a number with its unit and a date whole."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

import supplyline as sl

#: A label whose "30" ended a line of 80 columns and whose "kg" began the next.
LONG = "porters of the upper valley carrying their 30 kg"
WHOLE = ["30 kg", "25 kg", "3 days", "4 days", "1 Nov 2024", "3 Nov 2024", "4 Nov 2024"]


def test_a_note_keeps_a_number_with_its_unit_at_80_columns(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """print(comparison) and comparison.print() wrapped the note of plans of different days
    as '... carrying their 30' over 'kg: 1 Nov 2024', and '(3' over 'days'."""
    tutorial = sl.load("tutorial")
    table = sl.compare({LONG: sl.plan(tutorial, days=3),
                        "porters carrying 25 kg": sl.plan(tutorial, days=4)})
    (note,) = table.notes
    monkeypatch.setenv("COLUMNS", "80")
    console = Console(file=io.StringIO(), width=80, record=True)
    table.print(console)
    for text in (str(table), console.export_text()):
        lines = text.splitlines()
        assert max(map(len, lines)) <= 80, text
        assert note in " ".join(text.split()), text  # (the words of the note, all of them)
        start = next(i for i, line in enumerate(lines) if line.startswith("These plans"))
        said = lines[start:lines.index("Key figures")]  # (the note's lines)
        assert " ".join(" ".join(said).split()) == note, text
        for kept in WHOLE:
            assert any(kept in line for line in said), (kept, said)
