"""Shared fixtures: the canonical test scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

import supplyline as sl

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"


@pytest.fixture
def tiny_path() -> Path:
    """The tiny test scenario: three villages, a relay, a front and a hospital."""
    return TINY


@pytest.fixture
def tiny_text() -> str:
    return TINY.read_text(encoding="utf-8")


@pytest.fixture
def tiny() -> sl.Scenario:
    return sl.load(TINY)
