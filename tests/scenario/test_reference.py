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
