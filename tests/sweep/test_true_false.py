"""True or false in --vary is read in any capitals and said back as YAML writes it, as
docs/sweep.md says."""

from __future__ import annotations

from supplyline.sweep.vary import parse_vary, shown_value


def test_true_or_false_in_any_capitals_is_said_as_yaml_writes_it() -> None:
    vary = parse_vary("modes.porter.night_only=TRUE,False")
    assert vary.values == (True, False)
    assert all(type(value) is bool for value in vary.values)
    assert [shown_value(value) for value in vary.values] == ["true", "false"]
