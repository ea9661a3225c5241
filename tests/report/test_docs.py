"""The examples in docs/report.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "report.md"


def test_the_examples_in_the_report_page_run(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 3
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for block in blocks:  # the later examples use the plan of the first
        exec(compile(block, str(DOC), "exec"), namespace)
    assert (tmp_path / "report.html").is_file()
    assert (tmp_path / "tables" / "routes.geojson").is_file()
    for name in ("deliveries", "stock", "map"):
        assert (tmp_path / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
