"""sl.compare says each plan's horizon as the plan's own output does (horizon_words, the one
phrase for it), where the plans cover different days."""

from __future__ import annotations

import supplyline as sl
from supplyline.report.sections import day_date, horizon_words


def test_plans_of_different_days_are_said_by_their_own_horizon_words() -> None:
    """compare wrote a phrase of its own ('the first 10 days of 30 from ...'), which left out
    the steps a plan was made in."""
    tutorial = sl.load("tutorial")
    plans = {"8 days": sl.plan(tutorial, days=8), "6 in steps": sl.plan(
        tutorial, days=6, step_days=3)}
    notes = " ".join(" ".join(sl.compare(plans).notes).split())
    assert "These plans cover different days" in notes
    for label, plan in plans.items():
        said = horizon_words(plan)
        assert said.startswith(f"{plan.days} days, the first of the scenario's ")
        span = f"{day_date(plan, 0)} – {day_date(plan, plan.days - 1)} ({said})"
        assert f"{label}: {span}" in notes, (span, notes)
    assert "3-day steps" in horizon_words(plans["6 in steps"])
