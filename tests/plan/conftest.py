"""Fixtures of the planner's tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def fails_numerically_once(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """HiGHS made to stop its first run with a "solve error" (as the interior point does
    on a singular factorization), every later run as it is; the list gives each run's
    ``presolve`` setting."""
    import highspy

    presolve: list[str] = []

    class FailsFirst(highspy.Highs):
        failed = False

        def run(self) -> highspy.HighsStatus:
            presolve.append(str(self.getOptionValue("presolve")[1]))
            self.failed = len(presolve) == 1
            return highspy.HighsStatus.kError if self.failed else super().run()

        def getModelStatus(self) -> highspy.HighsModelStatus:
            return (highspy.HighsModelStatus.kSolveError if self.failed
                    else super().getModelStatus())

    monkeypatch.setattr(highspy, "Highs", FailsFirst)
    return presolve
