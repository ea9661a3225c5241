"""The plans that place the protection against the expected threats are solved as the
analysis's own: with its time limit, and a plan that does not solve within it fails the run
with a message naming the units tried, not a traceback."""

from __future__ import annotations

import math

import pytest
from typer.testing import CliRunner

import supplyline as sl
from supplyline.cli import app
from supplyline.errors import PlanError
from supplyline.network import compile_network
from supplyline.plan.model import SolveStatus
from supplyline.plan.session import Outcome, Session
from supplyline.resilience.analysis import analyse


def test_the_protection_plans_take_the_time_limit(tiny: sl.Scenario,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """--time-limit bounded the analysis's session alone: the plans tried for each unit of
    --protect were solved by another solver with no limit at all."""
    limits: list[float | None] = []  # (each session's, at its first solve)
    solve = Session.solve

    def noted(self: Session) -> Outcome:
        if not getattr(self, "_noted", False):
            self._noted = True  # type: ignore[attr-defined]
            limits.append(self.time_limit_s)
        return solve(self)

    monkeypatch.setattr(Session, "solve", noted)
    res = analyse(compile_network(tiny), k=1, protect={"air": 1}, time_limit_s=77.0)
    assert res.allocation is not None and res.allocation.solves == 2
    # The analysis's session, and one for each plan of the protection.
    assert len(limits) == 1 + res.allocation.solves, limits
    assert set(limits) == {77.0}


def test_a_protection_plan_that_does_not_solve_is_said(
        tiny: sl.Scenario, monkeypatch: pytest.MonkeyPatch, tiny_path: object) -> None:
    first: list[Session] = []
    solve = Session.solve

    def timed_out(self: Session) -> Outcome:
        first.append(first[0] if first else self)
        if self is first[0]:  # (the analysis's session solves; the protection's do not)
            return solve(self)
        self.solves += 1
        return Outcome(SolveStatus.TIME_LIMIT, math.nan, None, 0.0, 0, False,
                       "Time limit reached")

    monkeypatch.setattr(Session, "solve", timed_out)
    with pytest.raises(PlanError, match="the plan to place the protection from did not "
                                        "solve: the optimizer reached its time limit"):
        analyse(compile_network(tiny), k=1, protect={"air": 1}, time_limit_s=77.0)
    first.clear()
    said = CliRunner().invoke(app, ["resilience", str(tiny_path), "--k", "1", "--protect",
                                    "air=1", "--time-limit", "77"])
    assert said.exit_code == 1, said.output
    assert said.exception is None or isinstance(said.exception, SystemExit)
    assert "did not solve" in " ".join(said.output.split())
