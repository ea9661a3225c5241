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


def test_the_tutorial_s_example_of_mistakes_is_what_check_says(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ridge road made negative and a hospital misspelt, in a copy of the tutorial, as
    the tutorial tells it (its line numbers had fallen two behind the file)."""
    from supplyline.scenario.load import builtin_text

    text = TUTORIAL.read_text(encoding="utf-8")
    shown = re.findall(r"^(my-valley\.yaml line .+|\d+ problems found.*)$", text, re.M)
    assert len(shown) == 3
    original = builtin_text("tutorial")
    broken = original.replace("    length_km: 14\n", "    length_km: -14\n", 1).replace(
        "hospitals: [district-hospital]", "hospitals: [district-hospitl]", 1)
    assert broken.count("-14") == original.count("-14") + 1
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my-valley.yaml").write_text(broken, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "my-valley.yaml"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == shown
