"""resilience.csv and resilience.parquet: written by the tables' one writer, as every other
exported table (digits kept, formula-like names made inert, a Parquet twin, read back by
read_table with its ids, names and words as text)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import supplyline as sl
from supplyline.cli import app
from supplyline.network import compile_network
from supplyline.report.export import (
    TEXT_COLUMNS,
    neutralise_formula,
    parquet_available,
    read_table,
)
from supplyline.resilience.analysis import analyse

runner = CliRunner()

TUTORIAL = Path(__file__).parents[2] / "supplyline" / "scenario" / "builtin" / "tutorial.yaml"
#: Names a spreadsheet would run as formulas, and one that a CSV reader takes for missing.
HOSTILE = "=HYPERLINK(\"http://evil.example\",\"x\")"
MINUS = "-2+3"
MISSING = "nan"
#: The figures of the ranking, in the JSON and the table alike.
FIGURES = ("extra_shortfall_t", "extra_wounded_late_person_days", "extra_labour_days",
           "extra_eaten_t")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """The tutorial with a place and a route named like formulas and a place named 'nan',
    analysed over its first 16 days (which some cuts leave short, others not) and exported
    once: about 2 s, where the whole 30 days took 13 s."""
    folder = tmp_path_factory.mktemp("resilience-export")
    doc = yaml.safe_load(TUTORIAL.read_text(encoding="utf-8"))
    places = {p["id"]: p for p in doc["places"]}
    places["bridge"]["name"] = HOSTILE
    places["ridge-depot"]["name"] = MISSING
    routes = {r.get("id"): r for r in doc["routes"]}
    routes["ridge-road"]["name"] = MINUS
    path = folder / "hostile.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    out = folder / "out"
    result = runner.invoke(app, ["resilience", str(path), "--k", "1", "--days", "16", "--json",
                                 "--export", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["resilience"], out


def _rows(exported: tuple[dict[str, Any], Path]) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    res, out = exported
    return res["ranking"], read_table(out / "resilience.csv")


def test_the_csv_keeps_every_digit_of_the_json(exported: tuple[dict[str, Any], Path]) -> None:
    """Written with six significant figures, -462.80632... read -462.806."""
    ranking, table = _rows(exported)
    assert len(table) == len(ranking)
    long = 0
    for (_, row), cut in zip(table.iterrows(), ranking, strict=True):
        assert row["ids"] == " + ".join(cut["ids"])
        for column in FIGURES:
            said = cut[column]
            assert row[column] == pytest.approx(said, rel=0, abs=1e-9), (cut["ids"], column)
            long += len(f"{said:.12g}".lstrip("-").replace(".", "").strip("0")) > 6
        assert row["extra_road_work_undone_days"] == pytest.approx(
            sum(cut["extra_road_work_undone_days"].values()), rel=0, abs=1e-9)
        assert row["extra_unfed_t"] == pytest.approx(
            sum(t for goods in cut["extra_unfed_t"].values() for t in goods.values()),
            rel=0, abs=1e-9)
    assert long, "no figure with more than six significant digits to keep"


def test_formula_like_names_are_made_inert(exported: tuple[dict[str, Any], Path]) -> None:
    _, out = exported
    table = pd.read_csv(out / "resilience.csv", dtype=str, keep_default_na=False)
    assert f"'{HOSTILE}" in set(table["names"]) and f"'{MINUS}" in set(table["names"])
    for column in table.columns:
        assert not table[column].str.startswith(("=", "+", "@", "\t", "\r")).any(), column
    assert not table[["ids", "names", "kind", "status", "stock"]].map(
        lambda cell: cell.startswith("-")).any().any()


@pytest.mark.skipif(not parquet_available(), reason="pyarrow is not installed")
def test_a_parquet_twin_holds_the_same_table(exported: tuple[dict[str, Any], Path]) -> None:
    res, out = exported
    assert (out / "resilience.parquet").is_file()
    parquet = read_table(out / "resilience.parquet")
    csv = read_table(out / "resilience.csv")
    assert list(parquet.columns) == list(csv.columns)
    # The Parquet file keeps the names as written; the CSV file has them made inert.
    assert HOSTILE in set(parquet["names"]) and MINUS in set(parquet["names"])
    inert = parquet.copy()
    for column in TEXT_COLUMNS & set(parquet.columns):
        inert[column] = inert[column].map(neutralise_formula)
    pd.testing.assert_frame_equal(inert, csv, check_exact=False, rtol=1e-12, atol=1e-12)
    assert [str(t) for t in parquet.dtypes] == [str(t) for t in csv.dtypes]
    said = json.loads((out / "resilience.json").read_text(encoding="utf-8"))
    assert said == json.loads(json.dumps(res))  # (the JSON beside them, the --json one's)


def test_read_table_reads_ids_names_and_words_as_text(
        exported: tuple[dict[str, Any], Path]) -> None:
    """A place called nan came back from the CSV as a missing value."""
    ranking, table = _rows(exported)
    for column in ("ids", "names", "kind", "status", "stock"):
        assert pd.api.types.is_string_dtype(table[column]), column
        assert table[column].map(lambda cell: isinstance(cell, str)).all(), column
    assert MISSING in set(table["names"])
    assert table["names"].tolist() == [neutralise_formula(" + ".join(cut["names"]))
                                       for cut in ranking]
    assert table["status"].tolist() == [cut["status"] for cut in ranking]
    assert table["rank"].tolist() == list(range(1, len(ranking) + 1))
    assert {"ids", "names", "kind", "status", "stock"} <= TEXT_COLUMNS


def test_stock_says_what_an_empty_stock_days_means(
        exported: tuple[dict[str, Any], Path]) -> None:
    """stock_days was NaN both where the stocks last and where a cut did not solve."""
    from supplyline.resilience.analysis import STOCK_STATES

    ranking, table = _rows(exported)
    assert set(table["stock"]) <= set(STOCK_STATES)
    for (_, row), cut in zip(table.iterrows(), ranking, strict=True):
        assert row["stock"] == cut["stock"]
        days = [d for d in cut["reserve_days"].values() if d is not None]
        if days:
            assert row["stock"] == "short" and row["stock_days"] == min(days)
        else:
            assert row["stock"] == "lasts" and math.isnan(row["stock_days"])
    assert {"short", "lasts"} <= set(table["stock"])


def test_without_pyarrow_the_csv_alone_is_written_and_an_old_parquet_goes(
        tiny: sl.Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As a plan's export: a Parquet file left by an earlier export would hold another
    analysis beside the new CSV file."""
    from supplyline.report import export
    from supplyline.report.resilience import export_resilience

    res = analyse(compile_network(tiny), k=1)
    stale = tmp_path / "resilience.parquet"
    stale.write_bytes(b"an earlier export's")
    said: list[str] = []
    monkeypatch.setattr(export, "parquet_available", lambda: False)
    written = export_resilience(res, tmp_path, notify=said.append)
    assert [p.name for p in written] == ["resilience.json", "resilience.csv"]
    assert not stale.exists()
    assert said[0] == export.PARQUET_MISSING and "resilience.parquet" in said[1]
    assert len(read_table(tmp_path / "resilience.csv")) == len(res.ranking)
    # Every figure a float, whatever the cuts (a sum of nothing undone was the integer 0).
    table = read_table(tmp_path / "resilience.csv")
    assert all(table[c].dtype.kind == "f" for c in [*FIGURES, "extra_road_work_undone_days",
                                                    "extra_unfed_t", "stock_days"])
