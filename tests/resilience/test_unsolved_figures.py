"""A cut whose plan did not solve has no figures: every one of them is unknown, in Python
and in the JSON alike, none read as a zero or as stocks that last."""

from __future__ import annotations

import json
import math

import pytest

import supplyline as sl
from supplyline.network import compile_network
from supplyline.plan.model import SolveStatus
from supplyline.plan.session import Outcome, Session
from supplyline.resilience.analysis import analyse


def test_an_unsolved_cut_says_no_shortfall_by_front_nor_stocks_that_last(
        tiny: sl.Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cut that reached its time limit gave ``extra_by_front_t`` 0.0 for every front and
    good, and ``reserve_days`` null for each front ("lasts"), beside a null
    ``extra_shortfall_t``: the JSON said per front that the cut costs nothing."""
    solve = Session.solve

    def timed_out(self: Session) -> Outcome:
        if self.solves == 0:  # (the uncut plan solves; every cut reaches its limit)
            return solve(self)
        self.solves += 1
        return Outcome(SolveStatus.TIME_LIMIT, math.nan, None, 0.0, 0, False,
                       "Time limit reached")

    monkeypatch.setattr(Session, "solve", timed_out)
    res = analyse(compile_network(tiny), k=1)
    unsolved = [i for i in res.ranking if i.unsolved]
    assert unsolved, [i.status for i in res.ranking]
    for impact in unsolved:
        assert all(math.isnan(t) for goods in impact.extra_by_front.values()
                   for t in goods.values()), impact.extra_by_front
    doc = json.loads(res.to_json())
    for cut in doc["ranking"]:
        if cut["status"] != "time limit reached":
            continue
        assert cut["extra_shortfall_t"] is None and cut["stock"] == "unsolved"
        assert all(t is None for goods in cut["extra_by_front_t"].values()
                   for t in goods.values()), cut["extra_by_front_t"]
        assert cut["reserve_days"] is None, cut["reserve_days"]
