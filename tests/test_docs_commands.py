"""The tutorial's commands run as written (the slow Dien Bien Phu solves are covered by
tests/plan/test_dien_bien_phu.py)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from supplyline.cli import app

TUTORIAL = Path(__file__).parent.parent / "docs" / "tutorial.md"
COMMANDS = re.findall(r"^supplyline (.+)$", TUTORIAL.read_text(encoding="utf-8"), re.M)


def test_the_tutorial_shows_commands() -> None:
    assert len(COMMANDS) >= 6


@pytest.mark.parametrize("command", COMMANDS)
def test_tutorial_command_runs(command: str, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, shlex.split(command))
    assert result.exit_code == 0, result.output
    if "--out" in command:
        written = tmp_path / shlex.split(command)[-1]
        assert written.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
