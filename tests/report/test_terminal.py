"""Terminal tables: the summary and the validation table say what the plan says."""

from __future__ import annotations

import dataclasses

from rich.console import Console

import supplyline as sl
from supplyline.plan.metrics import MetricValue
from supplyline.report.svg import fmt
from supplyline.report.terminal import _history, print_plan_summary, print_validation


def _printed(show: object, *args: object) -> str:
    console = Console(record=True, width=140, color_system=None)
    show(*args, console)  # type: ignore[operator]
    return console.export_text()


def test_summary_has_every_table(valley_plan: sl.Plan) -> None:
    text = _printed(print_plan_summary, valley_plan)
    kpis = valley_plan.kpis()
    for heading in ("Delivered vs demand", "Mobilized per region", "Carriers by mode",
                    "Most burdened localities", "Busiest routes", "Why demand is not met"):
        assert heading in text
    assert f"{fmt(kpis['delivered_t'])} t of {fmt(kpis['demand_t'])} t demanded" in text
    assert f"{kpis['shortfall_days']} of 10" in text
    assert "labour-days" in text and "eaten on the way" in text
    assert "The pass" in text and "Ban A" in text and "Porter" in text
    assert "northwest" in text


def test_summary_says_when_all_demand_is_met(valley_plan: sl.Plan) -> None:
    all_met = dataclasses.replace(valley_plan, findings=[])
    assert "All demand is met." in _printed(print_plan_summary, all_met)


def test_validation_table(replay_plan: sl.Plan) -> None:
    values = sl.validate(replay_plan)
    text = _printed(print_validation, values)
    assert "northwest-share" in text and "pass" in text and "FAIL" in text
    assert "peak delivery <b>" in text
    assert "1 of 2 figures within tolerance" in text
    for i, v in enumerate(values, start=1):
        assert f"[{i}] {v.source}" in text  # each figure's source, numbered
        assert f"{fmt(v.value)}" in text


def test_history_column_says_what_agrees() -> None:
    base = MetricValue(id="x", description="", model=1.0, value=100.0, unit="t",
                       tolerance=5.0, compare="within", source="s", passed=True)
    assert _history(base) == "100 ± 5 t"
    assert _history(dataclasses.replace(base, compare="at_least")) == "≥ 95 t"
    assert _history(dataclasses.replace(base, compare="at_most", tolerance=0.0)) == "≤ 100 t"
    assert "No historical figures" in _printed(print_validation, [])
