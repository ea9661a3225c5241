"""Fixtures of the planner's tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest


@pytest.fixture
def fail_numerically_once(monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[str]]:
    """Call it to make HiGHS stop its next run with a "solve error" (as the interior point
    does on a singular factorization), and every later run as it is; the list it gives
    fills with each run's ``presolve`` setting. (Called, not applied at once, so that a
    test can first solve with HiGHS unhindered.)"""

    def fail() -> list[str]:
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

    return fail
