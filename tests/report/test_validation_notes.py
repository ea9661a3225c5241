"""The notes under the validation table keep each number with its unit, as the findings do:
Rich wrapped them anywhere ("... from the start 45" at a line's end, "t of the 57.8 t
eaten" on the next)."""

from __future__ import annotations

import functools
import io
import itertools
import re

import pytest
from rich.console import Console

import supplyline as sl
from supplyline.plan.metrics import MetricValue
from supplyline.report.terminal import print_validation

UNIT = r"(t|kg|km|days?|units?|persons?|person-days|labour-days|%)\b"


@functools.cache
def _values() -> list[MetricValue]:
    """The tutorial's figures under its replay, and one whose tolerance spans every share:
    notes of inputs with tonnes and shares in them."""
    sc = sl.load("tutorial")
    observed = [o.model_dump(mode="json", exclude_unset=True) for o in sc.observed]
    observed.append({"id": "wide", "description": "A share whose tolerance spans every share",
                     "metric": {"kind": "share_consumed", "commodity": "rice",
                                "regions": ["upper"]},
                     "value": 50, "unit": "%", "tolerance": 100, "source": "illustrative",
                     "replay": "pledged"})
    return sl.validate(sl.plan(sc.replace({"observed": observed}), replay="pledged"))


@pytest.mark.parametrize("width", [41, 45, 47, 48, 60, 80])
def test_a_note_never_parts_a_number_from_its_unit(width: int) -> None:
    values = _values()
    assert any(v.is_input for v in values)  # (the case: a note of inputs)
    console = Console(width=width, record=True, color_system=None, highlight=False,
                      file=io.StringIO())
    print_validation(values, console)
    lines = console.export_text().splitlines()
    for line, following in itertools.pairwise(lines):
        assert not (re.search(r"\d$", line.rstrip()) and re.match(rf"\s*{UNIT}", following)), (
            line, following)
    notes = [line for line in lines if line.startswith("    ")]
    assert notes and all(len(line) <= width and not line.endswith(" ") for line in notes)
    text = " ".join(" ".join(lines).split())
    assert "start 45 t of the 57.8 t eaten" in text and "at least 22.1 %" in text
