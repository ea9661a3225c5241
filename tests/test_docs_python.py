"""The tutorial's Python walk-through runs as written, its cells in order in one namespace,
as a notebook would run them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TUTORIAL = Path(__file__).parent.parent / "docs" / "tutorial.md"


def _walk_through() -> list[str]:
    text = TUTORIAL.read_text(encoding="utf-8")
    section = text[text.index("## In Python: a notebook walk-through"):]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_the_walk_through_has_cells() -> None:
    assert len(_walk_through()) >= 5


def test_the_walk_through_runs(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for number, cell in enumerate(_walk_through(), start=1):
        exec(compile(cell, f"docs/tutorial.md (cell {number})", "exec"), namespace)
    printed = capsys.readouterr().out
    assert "<Scenario 'tutorial'" in printed and "<Plan 'tutorial'" in printed
    assert "planned in 3-day steps" in printed
    assert "capacity_movements_per_day" in printed  # the what-if's mistake names its field
    assert (tmp_path / "tutorial-map.png").read_bytes().startswith(b"\x89PNG")
