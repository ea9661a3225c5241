"""Helpers to write broken scenarios and find where their problems are reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from supplyline.errors import Problem, ScenarioError
from supplyline.scenario import DEFAULT_SCENARIO, builtin_names, load_text

DATA = Path(__file__).parent.parent / "data"
TINY_TEXT = (DATA / "tiny.yaml").read_text(encoding="utf-8")

needs_default_builtin = pytest.mark.skipif(
    DEFAULT_SCENARIO not in builtin_names(),
    reason=f"the built-in scenario {DEFAULT_SCENARIO} is not installed yet",
)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th appearance of ``needle`` in ``text``."""
    position = -1
    for _ in range(occurrence):
        position = text.index(needle, position + 1)
    return text.count("\n", 0, position) + 1


def in_order(text: str, pattern: str) -> bool:
    """Whether ``text`` holds the parts of ``pattern`` separated by " … ", in that order.

    Messages name a field's bounds; " … " stands for what may change (an upper bound).
    """
    position = 0
    for part in pattern.split(" … "):
        position = text.find(part, position)
        if position < 0:
            return False
        position += len(part)
    return True


def edit(text: str, old: str, new: str) -> str:
    """``text`` with the one occurrence of ``old`` replaced (fails loudly if absent)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def problems_in(text: str, filename: str = "tiny.yaml", base_dir: Path = DATA) -> list[Problem]:
    """The problems ``load_text`` reports for ``text`` (fails the test if it loads)."""
    with pytest.raises(ScenarioError) as caught:
        load_text(text, filename, base_dir=base_dir)
    return caught.value.problems


def by_field(problems: list[Problem]) -> dict[str, Problem]:
    return {problem.field: problem for problem in problems}
