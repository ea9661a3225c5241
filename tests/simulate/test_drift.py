"""How far the runs drift from the plan because they execute it without re-planning: the
plan's loads that never left and the units waiting where the plan does not keep them, the
note that says so, the reserve of each front's main good, and the steps most at risk as a
pick among near ties."""

from __future__ import annotations

import dataclasses
import io
import json

import numpy as np
import pytest
from rich.console import Console

import supplyline as sl
from supplyline.report.risk import print_simulation_summary, risk_rows, risk_section
from supplyline.report.sections import ReportContext
from supplyline.simulate.engine import compile_plan, run_chunk
from supplyline.simulate.result import ASTRAY_DOCS, ASTRAY_NOTE_SHARE
from tests.simulate.helpers import tutorial_plan


@pytest.fixture(scope="module")
def tutorial() -> sl.Simulation:
    return sl.simulate(tutorial_plan(), runs=400, seed=1)


def _summary(result: sl.Simulation) -> str:
    out = io.StringIO()
    print_simulation_summary(result, Console(file=out, width=80))
    return out.getvalue()


def test_the_loads_not_sent_and_the_units_astray_are_measured_against_the_plan() -> None:
    """What never left is the plan's loads less what the runs sent, leg by leg and good by
    good over the horizon; the units astray are those waiting at the end beyond the plan's
    own waiting there."""
    plan = tutorial_plan()
    c = compile_plan(plan)
    out = run_chunk(c, 20, np.random.default_rng(4), trace=True)
    planned = np.asarray(c.cargo).sum(axis=2)  # [L, G] on the legs kept
    sent = out["trace_cargo"][:, np.asarray(c.legs)].sum(axis=3)  # [R, L, G]
    expected = np.maximum(planned[None] - sent, 0.0).sum(axis=(1, 2))
    np.testing.assert_allclose(out["loads_not_sent"], expected, rtol=1e-9, atol=1e-6)
    assert (out["loads_not_sent"] > 0).any()
    idle_end = out["trace_idle"][..., -1]  # [R, P, M]
    astray = np.maximum(idle_end - plan.idle_units[None, :, :, -1], 0.0).sum(axis=1)
    np.testing.assert_allclose(out["units_astray"], astray, rtol=1e-9, atol=1e-9)


def test_a_run_without_threats_sends_every_load_and_strands_no_unit() -> None:
    result = sl.simulate(tutorial_plan(), runs=3, seed=1, threats=False, breakdowns=False,
                         precision="double")
    k = result.kpis()
    assert k["loads_not_sent"]["value"] < 1e-9
    assert max(k["units_astray_by_mode"].values()) < 1e-6
    assert not result.never_replans_note()


def test_on_the_tutorial_the_runs_stay_close_to_the_plan_and_no_note_says_otherwise(
        tutorial: sl.Simulation) -> None:
    k = tutorial.kpis()
    assert 0.0 < k["loads_not_sent"]["value"] < ASTRAY_NOTE_SHARE
    assert tutorial.never_replans_note() == ""
    assert not any("re-plan" in note for note in k["notes"])
    text = _summary(tutorial)
    assert "Read with care" not in text
    assert "the plan's loads that never left" in text  # the figure itself is always there


def test_runs_far_from_the_plan_say_that_they_never_re_plan_everywhere(
        tutorial: sl.Simulation) -> None:
    """Where a fifth of the plan's loads never left and units wait where the plan does not
    keep them (as on the built-in scenario), the terminal, the JSON and the report say that
    the runs never re-plan, from the figures the runs measured, and where to read more."""
    astray = np.zeros_like(tutorial.units_astray)
    astray[:, 1] = 12.0
    far = dataclasses.replace(tutorial, loads_not_sent_kg=0.2 * np.full(
        tutorial.runs, tutorial.loads_planned_kg), units_astray=astray, notes=[])
    note = far.never_replans_note()
    assert "never re-plan" in note and "20 % of the plan's loads" in note
    assert "12 pack bicycle units" in note and "supplyline replan" in note
    assert ASTRAY_DOCS in note
    text = _summary(far)
    said = text.index("Read with care")
    assert said < text.index("Risk (± Monte Carlo")  # before the figures, not after
    assert max(len(line) for line in text.splitlines()) <= 80
    made = risk_section(far.plan, ReportContext(results={"simulation": far}))
    assert made is not None and "<strong>Read with care:</strong>" in made.html
    assert "Units stranded where the plan does not expect them" in made.html.replace(
        "&quot;", '"')
    # simulate() puts it among the notes, which the JSON carries.
    far.notes.insert(0, note)
    assert json.loads(far.to_json())["kpis"]["notes"][0] == note
    assert json.loads(far.to_json())["kpis"]["loads_not_sent"]["value"] == pytest.approx(0.2)


def test_the_reserve_chart_is_of_the_front_s_main_good(tutorial: sl.Simulation) -> None:
    """A front whose minor goods the plan brings just in time holds 0 days of the good that
    runs out first all along: the chart shows its main good, and says what the first to
    run out gives."""
    plan = tutorial.plan
    c = compile_plan(plan)
    out = run_chunk(c, 5, np.random.default_rng(2), trace=True)
    main = int(tutorial.main_goods()[0])
    assert plan.good_ids[main] == "rice"
    f = int(c.fronts[0])
    daily = plan.demand_kg[f, main] / plan.step_length
    stock = out["trace_stock"][:, f, main]  # [R, S]
    expected = np.where(daily > 0, stock / np.where(daily > 0, daily, 1.0), np.nan)
    np.testing.assert_allclose(out["reserve_main"][:, 0], expected, rtol=1e-6, atol=1e-9)
    assert tutorial.reserve_fan(main=True).shape == tutorial.reserve_fan().shape
    made = risk_section(plan, ReportContext(results={"simulation": tutorial}))
    assert made is not None
    assert "<h3>Days of rice at Kestrel town</h3>" in made.html
    assert "Counted by the good that runs out first" in made.html


def test_the_steps_most_at_risk_say_when_they_are_a_pick_among_near_ties(
        tutorial: sl.Simulation, monkeypatch: pytest.MonkeyPatch) -> None:
    steps = tutorial.plan.steps
    flat = np.full(steps, 1.0)
    monkeypatch.setattr(tutorial, "shortfall_probability_by_step", lambda: flat)
    monkeypatch.setattr(tutorial, "planned_short_by_step", lambda: np.zeros(steps, bool))
    k = tutorial.kpis()
    assert len(k["worst_days"]) == 5 and k["worst_days_as_likely"] == steps - 5
    text = " ".join(_summary(tutorial).split())
    assert f"A pick among near ties: {steps - 5} more days are as likely" in text
    assert "100.0 ± 0.3 %" in text  # (every run short, runs that differ: not exact)


def test_steps_no_run_goes_short_on_are_no_near_ties(
        tutorial: sl.Simulation, monkeypatch: pytest.MonkeyPatch) -> None:
    """Six steps go short in some run, the last listed in 0.5 % of them; the others in
    none: one more step is as likely (0.4 %), and the steps no run goes short on are not
    counted as ties (they were, within the point below 0.5 %)."""
    steps = tutorial.plan.steps
    p = np.zeros(steps)
    p[:6] = [0.3, 0.2, 0.1, 0.05, 0.005, 0.004]
    monkeypatch.setattr(tutorial, "shortfall_probability_by_step", lambda: p)
    monkeypatch.setattr(tutorial, "planned_short_by_step", lambda: np.zeros(steps, bool))
    k = tutorial.kpis()
    assert [row["p_shortfall"] for row in k["worst_days"]] == [0.3, 0.2, 0.1, 0.05, 0.005]
    assert k["worst_days_as_likely"] == 1
    text = " ".join(_summary(tutorial).split())
    assert "A pick among near ties: 1 more day is as likely" in text


def test_the_risk_table_has_the_loads_not_sent(tutorial: sl.Simulation) -> None:
    rows = {name: (value, runs) for name, value, runs in risk_rows(tutorial)}
    name = ("the plan's loads that never left where they were to start (the runs never "
            "re-plan)")
    assert rows[name][0].endswith(" %") and " ± " in rows[name][0]
