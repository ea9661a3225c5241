"""A sweep refused for values (or combinations) refused alike counts every one of them, and
the line that counts those past the first three says where in the file they are, as the
others do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import supplyline as sl
from supplyline.cli import app

runner = CliRunner()
TUTORIAL = "supplyline/scenario/builtin/tutorial.yaml"
#: Five ends before the window's start: three said, two counted in one line.
ENDS = "threats.air[0].windows[0].end=2024-10-01,2024-10-02,2024-10-03,2024-10-04,2024-10-05"


def _line_of(needle: str) -> int:
    text = (Path(sl.__file__).parent / "scenario/builtin/tutorial.yaml").read_text("utf-8")
    return text.count("\n", 0, text.index(needle)) + 1


@pytest.mark.parametrize(("vary", "refused", "counted"), [
    ([ENDS], 5, "2 more values refused alike (2024-10-04 to 2024-10-05)"),
    (["threats.air[0].windows[0].end=2024-10-01,2024-10-02",
      "threats.air[0].windows[0].start=2024-11-01,2024-11-02,2024-11-03"], 6,
     "3 more combinations refused alike"),
])
def test_every_value_refused_is_counted(vary: list[str], refused: int, counted: str) -> None:
    """Five values refused, three said and two counted in a line, were '4 problems with
    --vary'; the counting line named no file and line."""
    options = [arg for text in vary for arg in ("--vary", text)]
    result = runner.invoke(app, ["sweep", "tutorial", *options, "--json"])
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["message"] == f"{refused} problems with --vary; nothing was run."
    problems = error["problems"]
    assert len(problems) == 4 and problems[-1]["got"] == counted
    assert sum(p["count"] for p in problems) == refused
    line = _line_of("end: 2024-11-30")
    assert {(p["file"], p["line"]) for p in problems} == {(TUTORIAL, line)}
    said = runner.invoke(app, ["sweep", "tutorial", *options])
    assert said.exit_code == 2
    assert f"{refused} problems with --vary; nothing was run." in said.output
    (last,) = [text for text in said.output.splitlines() if counted in text]
    assert f"({TUTORIAL} line {line}): expected end on or after start" in last
