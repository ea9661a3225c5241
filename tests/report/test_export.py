"""Exports: CSV and Parquet tables, routes GeoJSON and plan JSON agree with the plan."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import supplyline as sl
from supplyline.report import export
from supplyline.report.export import PARQUET_MISSING, export_plan, routes_geojson

TOTALS = {  # table: (column, the plan's total of it)
    "flows": ("kg", lambda p: p.cargo_kg.sum()),
    "deliveries": ("consumed_kg", lambda p: p.consumed_kg[p.network.is_front].sum()),
    "stocks": ("kg", lambda p: p.stock_kg.sum()),
    "routes": ("tonnes", lambda p: p.route_tonnes().sum()),
    "mobilization": ("rice_given_kg", lambda p: p.mobilized_kg()[:, 0].sum()),
    "carriers": ("loaded_units", lambda p: p.loaded_units.sum()),
}


@pytest.fixture(scope="module")
def exported(valley_plan: sl.Plan, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return export_plan(valley_plan, tmp_path_factory.mktemp("export"))


def test_every_table_is_written(exported: list[Path], valley_plan: sl.Plan) -> None:
    names = {p.name for p in exported}
    for table in valley_plan.TABLES:
        assert f"{table}.csv" in names
        assert f"{table}.parquet" in names
    assert {"routes.geojson", "plan.json"} <= names
    assert all(p.is_file() for p in exported)


@pytest.mark.parametrize("table", sorted(TOTALS))
def test_tables_round_trip_with_the_plans_totals(
    exported: list[Path], valley_plan: sl.Plan, table: str
) -> None:
    column, total = TOTALS[table]
    folder = exported[0].parent
    expected = float(total(valley_plan))
    assert expected > 0
    for frame in (pd.read_csv(folder / f"{table}.csv"),
                  pd.read_parquet(folder / f"{table}.parquet")):
        assert frame[column].sum() == pytest.approx(expected, rel=1e-9)
        assert list(frame.columns) == list(valley_plan.to_frame(table).columns)
        assert len(frame) == len(valley_plan.to_frame(table))


def test_geojson_routes_carry_the_flows(valley_plan: sl.Plan) -> None:
    doc = json.loads(json.dumps(routes_geojson(valley_plan)))
    net = valley_plan.network
    assert doc["type"] == "FeatureCollection"
    features = doc["features"]
    assert [f["properties"]["route"] for f in features] == net.route_ids
    for feature in features:
        geometry, props = feature["geometry"], feature["properties"]
        assert geometry["type"] == "LineString"
        (lon_a, lat_a), (lon_b, lat_b) = geometry["coordinates"]
        a, b = net.place_ids.index(props["from"]), net.place_ids.index(props["to"])
        assert (lon_a, lat_a, lon_b, lat_b) == (net.lon[a], net.lat[a], net.lon[b], net.lat[b])
        assert props["tonnes"] == pytest.approx(props["tonnes_forward"] + props["tonnes_backward"])
        for key in ("name", "length_km", "modes", "days_at_capacity", "tonnes_arrived"):
            assert key in props
    tonnes = np.array([f["properties"]["tonnes"] for f in features])
    np.testing.assert_allclose(tonnes, valley_plan.route_tonnes(), rtol=1e-12, atol=1e-12)
    days = [f["properties"]["days_at_capacity"] for f in features]
    assert days == valley_plan.route_at_capacity_days().tolist()
    the_pass = next(f for f in features if f["properties"]["route"] == "pass")
    assert the_pass["properties"]["tonnes_forward"] > 0
    assert the_pass["properties"]["main_mode"] in ("porter", "bicycle")


def test_plan_json_is_the_plans(exported: list[Path], valley_plan: sl.Plan) -> None:
    doc = json.loads((exported[0].parent / "plan.json").read_text(encoding="utf-8"))
    assert doc["scenario"] == "valley"
    assert doc["kpis"]["delivered_t"] == pytest.approx(valley_plan.kpis()["delivered_t"])


def test_parquet_is_skipped_with_a_message_without_pyarrow(
    valley_plan: sl.Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "parquet_available", lambda: False)
    said: list[str] = []
    written = export_plan(valley_plan, tmp_path, notify=said.append)
    assert said == [PARQUET_MISSING]
    assert not any(p.suffix == ".parquet" for p in written)
    assert not list(tmp_path.glob("*.parquet"))
    assert (tmp_path / "flows.csv").is_file()
    with pytest.warns(UserWarning, match="pyarrow"):
        export_plan(valley_plan, tmp_path)
