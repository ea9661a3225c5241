"""Hypothesis settings profiles for the fuzz tests.

``ci`` (200 examples per test) is loaded unless ``--hypothesis-profile`` names another;
``thorough`` runs 10,000::

    python -m pytest tests/scenario/test_fuzz.py --hypothesis-profile=thorough
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

_SHARED = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("ci", max_examples=200, **_SHARED)
settings.register_profile("thorough", max_examples=10_000, **_SHARED)


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("--hypothesis-profile", default=None):
        settings.load_profile("ci")
