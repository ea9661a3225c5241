"""The Python example of docs/operate.md runs as written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "operate.md"


def test_the_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    (code,) = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, str(DOC), "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == ("cargo_kg.rice ridge-depot holds 1,200.0 kg of rice on 2024-11-02; "
                          "this entry would leave -800.0")
    assert printed[1] == "1200.0"
    assert printed[2] == "optimal 1200.0"
    # More than the scenario says the village can give: written, with a warning; cancelled.
    assert printed[3] == ("kg high-village gave 121,200 kg of rice in all by 2024-11-03, this "
                          "entry's 120,000 kg included; the scenario says it can give at most "
                          "10,000 kg by then (its stores and what it grows, less what its "
                          "people keep)")
    assert printed[4] == "1200.0"
    # A convoy received: its kg by good, what was lost and the units lost, each a list.
    assert printed[5] == "2350.0 19.0"
    assert len(printed) == 6
    assert '"received_kg": {"rice": 2350}' in code


def test_the_entries_shown_as_json_are_entries() -> None:
    """Each entry the doc shows as JSON is one the books read as written; a receipt among
    them (a first receipt was written as the doc's table seemed to say, and refused)."""
    from supplyline.ops.entries import parse_entry

    blocks = [block for block in re.findall(r"```\n(.*?)```", DOC.read_text(encoding="utf-8"),
                                            re.S) if block.startswith('{"kind"')]
    kinds = [parse_entry(json.loads(block)).kind for block in blocks]
    assert "receipt" in kinds and "cancel" in kinds


def test_the_dashboard_s_views_are_the_menu_s() -> None:
    """The views the doc names in bold are the menu's items (and no more)."""
    page = (Path(__file__).resolve().parents[2] / "supplyline" / "ops" / "static" /
            "index.html").read_text(encoding="utf-8")
    menu = {label.lower() for label in re.findall(r'<button data-view="\w+"[^>]*>([^<]+)<',
                                                  page)}
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## The dashboard", 1)[1].split("\n## ", 1)[0]
    assert set(re.findall(r"\*\*([^*]+)\*\*", section)) == menu == {
        "overview", "record", "ledger", "re-plan", "accounts"}


def test_the_doc_says_what_the_checks_of_a_dispatch_count() -> None:
    """The doc said a dispatch's checks count what was received and sent only: they count
    what a front ate on the days before too (the overview's and the re-plan's rule), and a
    dispatch goes before its own day's eating (tests/ops/test_books.py holds the rule)."""
    state = " ".join(DOC.read_text(encoding="utf-8").split("## State", 1)[1].split())
    assert "received and sent only" not in state
    assert ("the checks of a dispatch count it too: what a front ate on the days before a "
            "dispatch's day is not there to send, and on that day the dispatch goes before "
            "the day's eating") in state
