"""Shared fixtures (the canonical test scenarios) and the Hypothesis settings profiles."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import supplyline as sl
from supplyline.cores import usable_cores

_SHARED = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
# "ci" (the default) draws the same examples on every run, so that a run of the suite decides
# the same way each time; "thorough" (--hypothesis-profile thorough) searches afresh.
settings.register_profile("ci", max_examples=200, derandomize=True, **_SHARED)
settings.register_profile("thorough", max_examples=10_000, **_SHARED)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto`` (the project's default, pyproject.toml): one test process per usable core.
    pytest-xdist's own count is the machine's physical cores, which in a container can be
    many more than it may use."""
    return usable_cores()


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("--hypothesis-profile", default=None):
        settings.load_profile("ci")


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
