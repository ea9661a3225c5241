"""The Python example of docs/operate.md runs as written."""

from __future__ import annotations

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
