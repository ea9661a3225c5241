"""A sweep says true or false as its --vary option wrote them: True, not true."""

from __future__ import annotations

import io
from typing import Any

import pytest
from rich.console import Console

import supplyline as sl
from supplyline.sweep import VaryError, make_variants, parse_vary
from supplyline.sweep.vary import short_label

OPTION = "routes.gorge-path.air_exposed"


def test_true_and_false_are_said_as_the_option_wrote_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """--vary 'routes.gorge-path.air_exposed=True,False' labelled its variants and printed
    its table with true and false, YAML's spelling, not the one typed."""
    import supplyline.cli as cli
    from supplyline.sweep.run import _row, table_schema

    variants = make_variants(sl.load("tutorial"),
                             [f"{OPTION}=True,FALSE", "modes.porter.payload_kg=20"], "tutorial")
    assert [v.settings[OPTION] for v in variants] == [True, False]
    assert [v.label for v in variants] == [
        f"{OPTION}=True, modes.porter.payload_kg=20",
        f"{OPTION}=FALSE, modes.porter.payload_kg=20"]
    assert [short_label(v) for v in variants] == ["air_exposed=True, payload_kg=20",
                                                  "air_exposed=FALSE, payload_kg=20"]
    # A slice keeps them; the table's label column says them so too.
    assert variants[1:][0].label == variants[1].label
    record: dict[str, Any] = {"status": "ok", "delivered_t": 57.8, "shortfall_t": 0.0,
                              "mobilized_t": 61.6, "labour_days": 1637.0}
    schema = table_schema(variants)
    assert _row(record, variants[0], schema)["label"] == variants[0].label
    assert _row(record, variants[0], schema)[OPTION] is True  # (the value, a bool column)
    console = Console(file=io.StringIO(), width=80, record=True)
    monkeypatch.setattr(cli.common, "stdout", console)
    cli.sweep._print_sweep(variants, {0: record, 1: record})
    rows = [line.split()[:2] for line in console.export_text().splitlines()
            if line[:1].isdigit()]
    assert rows == [["0", "True"], ["1", "FALSE"]]
    # Written as YAML writes them, they are said so (and a range's numbers as numbers).
    plain = make_variants(sl.load("tutorial"), [f"{OPTION}=true,false"], "tutorial")
    assert [v.label for v in plain] == [f"{OPTION}=true", f"{OPTION}=false"]
    assert parse_vary("modes.porter.payload_kg=15:25:5").spelled == ()


def test_a_refused_true_is_said_as_the_option_wrote_it() -> None:
    with pytest.raises(VaryError) as caught:
        make_variants(sl.load("tutorial"), ["modes.porter.tank_round_trip=True"], "tutorial")
    assert [p.option for p in caught.value.problems] == ["modes.porter.tank_round_trip=True"]
