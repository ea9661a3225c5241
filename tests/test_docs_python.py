"""The tutorial's Python walk-through runs as written, its cells in order in one namespace,
as a notebook would run them."""

from __future__ import annotations

import ast
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


def _shown_outputs(cell: str) -> list[str]:
    """What a cell says its prints print: a comment on a print's last line, or alone on the
    line after it."""
    lines = cell.splitlines()
    shown = []
    for node in ast.walk(ast.parse(cell)):
        if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name) and node.value.func.id == "print"):
            end = node.end_lineno or node.lineno
            inline = lines[end - 1].partition("  # ")[2]
            after = lines[end].strip() if end < len(lines) else ""
            said = inline or (after[2:] if after.startswith("# ") else "")
            if said:
                shown.append(said.strip())
    return shown


def test_the_walk_through_runs(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    """It runs; what a comment says a print prints is what it prints; and no figure is
    printed as a float written out in full (the what-if printed "57.75 t delivered;
    1680.2887854057776 labour-days against 1636.566355000441")."""
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    shown: list[str] = []
    for number, cell in enumerate(_walk_through(), start=1):
        exec(compile(cell, f"docs/tutorial.md (cell {number})", "exec"), namespace)
        shown += _shown_outputs(cell)
    text = capsys.readouterr().out
    assert "<Scenario 'tutorial'" in text and "<Plan 'tutorial'" in text
    assert "planned in 3-day steps" in text
    assert "capacity_movements_per_day" in text  # the what-if's mistake names its field
    assert (tmp_path / "tutorial-map.png").read_bytes().startswith(b"\x89PNG")
    printed = text.splitlines()
    assert "57.8 t delivered; 1,680 labour-days against 1,637" in shown
    for said in shown:
        assert said in printed, (said, printed)
    unrounded = [line for line in printed if re.search(r"\d\.\d{7,}", line)]
    assert not unrounded, unrounded


def _yaml_blocks() -> list[tuple[int, object]]:
    import yaml

    text = TUTORIAL.read_text(encoding="utf-8")
    return [(text[:m.start()].count("\n") + 1, yaml.safe_load(m.group(1)))
            for m in re.finditer(r"```yaml\n(.*?)```", text, re.S)]


def test_every_yaml_block_of_the_tutorial_is_valid_as_the_section_it_shows() -> None:
    """The observed figure's block left out its required ``source``: copied into a
    scenario, it was refused. Each block gives its section's key (``modes:``): the modes,
    places and routes blocks began at ``  - id:``, and pasted as written they gave 30
    errors."""
    from pydantic import TypeAdapter, ValidationError

    from supplyline.scenario.schema import Scenario

    blocks = _yaml_blocks()
    assert len(blocks) >= 10
    for line, block in blocks:
        assert isinstance(block, dict), (f"docs/tutorial.md line {line}: a block without "
                                         "its section's key (modes:, places:, ...)")
        for key, value in block.items():
            assert key in Scenario.model_fields, f"docs/tutorial.md line {line}: {key}"
            try:
                TypeAdapter(Scenario.model_fields[key].annotation).validate_python(value)
            except ValidationError as error:
                pytest.fail(f"docs/tutorial.md line {line}: {key}: {error}")
