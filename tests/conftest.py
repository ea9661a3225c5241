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
    _import_the_package()


def _import_the_package() -> None:
    """Every module of the package imported before any test draws: Hypothesis mixes
    constants from the project's modules already imported into its examples, so without
    this a test drew other examples depending on which tests its worker ran before it (a
    2-second test took 17 s after another had imported the synthetic scenarios). A module
    of an extra that is not installed is left out."""
    import contextlib
    import importlib
    import pkgutil

    for module in pkgutil.walk_packages(sl.__path__, "supplyline."):
        with contextlib.suppress(ImportError):
            importlib.import_module(module.name)


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
