"""An attack of no cuts (the best protection leaves none that adds a shortfall), measured on
the full plan, says so: it read as a place of no name that the plan does not use."""

from __future__ import annotations

import supplyline as sl
from supplyline.network import compile_network
from supplyline.plan.session import Session
from supplyline.resilience.cuts import cut_impact, figures_of


def test_no_cut_is_a_set_of_none_not_an_unused_place(tiny: sl.Scenario) -> None:
    session = Session.of(compile_network(tiny))
    out = session.solve()
    assert out.x is not None
    none = cut_impact(session, figures_of(session.plan(out)), out.x)
    assert none.kind == "set" and none.ids == ()
    assert none.notes == ["nothing is cut"]
    assert none.extra_shortfall_t == 0.0 and not none.solved
