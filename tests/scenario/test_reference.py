"""The committed scenario reference is generated from the schema and must not go stale."""

from __future__ import annotations

from pathlib import Path

from supplyline.scenario.reference import REGENERATE, reachable_classes, render_reference

REFERENCE = Path(__file__).parent.parent.parent / "docs" / "scenario-reference.md"


def test_committed_reference_is_up_to_date() -> None:
    committed = REFERENCE.read_text(encoding="utf-8") if REFERENCE.exists() else ""
    assert committed == render_reference(), (
        f"docs/scenario-reference.md is stale; regenerate it with: {REGENERATE}"
    )


def test_every_class_and_field_is_documented() -> None:
    text = render_reference()
    for model in reachable_classes():
        assert f"\n## {model.__name__}\n" in text
        for name, info in model.model_fields.items():
            assert f"| `{info.alias or name}` |" in text


def test_table_forms_are_described() -> None:
    text = render_reference()
    assert "{file: places.csv}" in text
    assert "features[i].properties" in text


def test_the_metric_kinds_that_read_a_window_are_those_the_schema_takes_it_for() -> None:
    """The reference said every kind that counts over time reads the window; labour_days and
    mobilized_t refuse one. Its list is now the schema's own."""
    import re

    from supplyline.scenario.schema import METRIC_UNITS, WINDOW_KINDS, Metric, MetricTerm

    text = " ".join((Metric.__doc__ or "").split())
    listed = re.search(r"The kinds (.*?) read the window", text)
    assert listed is not None
    assert set(re.findall(r"``(\w+)``", listed.group(1))) == WINDOW_KINDS
    for kind in METRIC_UNITS:  # and the schema takes a window for those only
        needs = {"share_mobilized": {"commodity": "rice", "regions": ["r"]},
                 "share_consumed": {"commodity": "rice", "regions": ["r"]},
                 "given_over_consumed": {"commodity": "rice", "regions": ["r"]},
                 "through_t": {"place": "p"}, "days_from": {"start": "2024-01-01"},
                 "units_in_use": {"mode": "m"}, "units_recruited": {"mode": "m"}}
        term = {"kind": kind, **needs.get(kind, {}), "by": "2024-01-05"}
        if kind == "demand_met_pct":
            term["start"] = "2024-01-01"  # it reads its by, not a window
        try:
            MetricTerm.model_validate(term)
            takes = True
        except ValueError:
            takes = False
        assert takes == (kind in WINDOW_KINDS), kind


def test_labour_rations_are_said_to_feed_those_who_eat_them() -> None:
    """The description said labour rations fed "stretcher workers": stretcher bearers are
    carriers' crews and eat their mode's rations_kg_per_day. Labour rations feed road workers,
    repair crews, and the wounded who have no rations of their own."""
    from supplyline.scenario.schema import Policy

    said = Policy.model_fields["labour_rations_kg_per_day"].description or ""
    assert "stretcher worker" not in said
    for eater in ("road worker", "repair crew", "wounded", "wounded_rations_kg_per_day"):
        assert eater in said
    assert "mode's rations_kg_per_day" in said
    assert "labour_rations_kg_per_day when empty" in (
        Policy.model_fields["wounded_rations_kg_per_day"].description or "")
