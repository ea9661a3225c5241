"""Exports: CSV and Parquet tables, routes GeoJSON and plan JSON agree with the plan; names
that look like formulas are inert in CSV; files are written whole, one run at a time."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import supplyline as sl
from supplyline.report import export, write_report
from supplyline.report.export import (
    FORMULA_START,
    PARQUET_MISSING,
    csv_safe,
    export_plan,
    neutralise_formula,
    routes_geojson,
)
from supplyline.report.safe_write import OutputBusyError, output_files
from supplyline.scenario.schema import Scenario

TOTALS = {  # table: (column, the plan's total of it)
    "flows": ("kg", lambda p: p.cargo_kg.sum()),
    "deliveries": ("consumed_kg", lambda p: p.consumed_kg[p.network.is_front].sum()),
    "stocks": ("kg", lambda p: p.stock_kg.sum()),
    "routes": ("tonnes", lambda p: p.route_tonnes().sum()),
    "mobilization": ("rice_given_kg", lambda p: p.mobilized_kg()[:, 0].sum()),
    "carriers": ("loaded_units_lp", lambda p: p.loaded_units.sum()),
    "waiting": ("waiting_unit_days", lambda p: p.waiting_unit_days.sum()),
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
        # amounts are rounded to 1e-6 (float noise), each row at most half of that off
        assert frame[column].sum() == pytest.approx(expected, rel=1e-9, abs=1e-6 * len(frame))
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
        assert props["tonnes"] == pytest.approx(props["tonnes_forward"] + props["tonnes_backward"],
                                                abs=2e-6)
        for key in ("name", "length_km", "modes", "days_at_capacity", "tonnes_arrived"):
            assert key in props
    tonnes = np.array([f["properties"]["tonnes"] for f in features])
    np.testing.assert_allclose(tonnes, valley_plan.route_tonnes(), rtol=0, atol=5e-7)
    days = [f["properties"]["days_at_capacity"] for f in features]
    assert days == valley_plan.route_at_capacity_days().tolist()
    the_pass = next(f for f in features if f["properties"]["route"] == "pass")
    assert the_pass["properties"]["tonnes_forward"] > 0
    assert the_pass["properties"]["main_mode"] in ("porter", "bicycle")


def test_plan_json_is_the_plans(exported: list[Path], valley_plan: sl.Plan) -> None:
    doc = json.loads((exported[0].parent / "plan.json").read_text(encoding="utf-8"))
    assert doc["version"] == 1 and doc["scenario"] == "valley" and doc["replay"] is None
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


def test_an_export_without_pyarrow_removes_the_parquet_of_an_earlier_one(
    valley_plan: sl.Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Re-exported into the same folder without pyarrow, the plan's CSV files were new and
    the Parquet files beside them an earlier export's: two versions of each table, with
    nothing to say which is which."""
    export_plan(valley_plan, tmp_path)
    stale = sorted(p.name for p in tmp_path.glob("*.parquet"))
    assert stale == sorted(f"{t}.parquet" for t in valley_plan.TABLES)
    (tmp_path / "other.parquet").write_bytes(b"not ours")
    monkeypatch.setattr(export, "parquet_available", lambda: False)
    said: list[str] = []
    export_plan(valley_plan, tmp_path, notify=said.append)
    assert [p.name for p in tmp_path.glob("*.parquet")] == ["other.parquet"]
    assert said[0] == PARQUET_MISSING
    assert len(said) == 2 and f"Removed {len(stale)} Parquet files" in said[1]
    assert all(name in said[1] for name in stale)
    said.clear()
    export_plan(valley_plan, tmp_path, notify=said.append)  # nothing more to remove
    assert said == [PARQUET_MISSING]


def test_a_simulation_exported_without_pyarrow_removes_the_parquet_of_an_earlier_one(
    valley_plan: sl.Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a plan's export does: the simulation's CSV files were new and the Parquet files
    beside them an earlier simulation's."""
    import supplyline.report.risk as risk

    simulation = sl.simulate(valley_plan, runs=20)
    risk.export_simulation(simulation, tmp_path)
    stale = sorted(p.name for p in tmp_path.glob("*.parquet"))
    assert stale == sorted(f"sim_{t}.parquet" for t in simulation.TABLES)
    monkeypatch.setattr(risk, "parquet_available", lambda: False)
    said: list[str] = []
    risk.export_simulation(simulation, tmp_path, notify=said.append)
    assert list(tmp_path.glob("*.parquet")) == []
    assert said[0] == PARQUET_MISSING and f"Removed {len(stale)} Parquet files" in said[1]


def test_plan_json_writes_a_figure_that_is_not_finite_as_null(
    valley_plan: sl.Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """plan.json wrote NaN, which is not JSON (a strict reader refuses it), where
    `plan --json` writes null."""
    kpis = valley_plan.kpis()
    monkeypatch.setattr(valley_plan, "kpis", lambda: {**kpis, "shortfall_t": float("nan")})

    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    doc = json.loads(valley_plan.to_json(), parse_constant=refuse)
    assert doc["kpis"]["shortfall_t"] is None


# -- untrusted names and safe writes ---------------------------------------------------------

HOSTILE = "=HYPERLINK(\"http://evil.example\",\"x\")"


@pytest.fixture(scope="module")
def hostile_plan(valley_doc: Callable[[], dict[str, Any]]) -> sl.Plan:
    """The valley with a place and a route named like spreadsheet formulas (region tags are
    identifiers, which cannot start one)."""
    doc = valley_doc()
    doc["places"][0]["name"] = HOSTILE
    doc["routes"][3]["name"] = "-2+3"
    return sl.plan(Scenario.model_validate(doc))


def test_csv_cells_that_start_a_formula_are_neutralised(hostile_plan: sl.Plan,
                                                        tmp_path: Path) -> None:
    export_plan(hostile_plan, tmp_path)
    routes = pd.read_csv(tmp_path / "routes.csv")
    assert "'-2+3" in set(routes["name"])
    for path in tmp_path.glob("*.csv"):
        frame = pd.read_csv(path, keep_default_na=False)
        text = [column for column in frame.columns if frame[column].dtype.kind == "O"]
        assert text, path  # every table has text columns to check
        for column in text:
            assert not frame[column].str.startswith(FORMULA_START).any(), (path, column)
    # Parquet, GeoJSON and JSON keep the names as written.
    assert "-2+3" in set(pd.read_parquet(tmp_path / "routes.parquet")["name"])
    names = {f["properties"]["name"] for f in
             json.loads((tmp_path / "routes.geojson").read_text(encoding="utf-8"))["features"]}
    assert "-2+3" in names


def test_neutralising_leaves_numbers_alone() -> None:
    frame = pd.DataFrame({"name": ["=1+2", "+a", "-b", "@c", "\tt", "\rr", "ok", "a=b"],
                          "kg": [-4.5, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
                          "day": [-1, 0, 1, 2, 3, 4, 5, 6]})
    safe = csv_safe(frame)
    assert safe["name"].tolist() == ["'=1+2", "'+a", "'-b", "'@c", "'\tt", "'\rr", "ok", "a=b"]
    assert safe["kg"].tolist() == frame["kg"].tolist()
    assert safe["day"].tolist() == frame["day"].tolist()
    assert list(safe.dtypes) == list(frame.dtypes)
    assert neutralise_formula(-3) == -3
    assert frame["name"].iloc[0] == "=1+2"  # the plan's own frame is not changed


def test_a_failed_export_leaves_no_file_and_keeps_the_earlier_ones(
    valley_plan: sl.Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    earlier = {p.name: p.read_bytes() for p in export_plan(valley_plan, folder)}
    calls = 0
    original = pd.DataFrame.to_parquet

    def fails_on_the_third(self: pd.DataFrame, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OSError(28, "No space left on device")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", fails_on_the_third)
    with pytest.raises(OSError, match="No space"):
        export_plan(valley_plan, folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == earlier
    with pytest.raises(OSError, match="No space"):
        calls = 0
        export_plan(valley_plan, tmp_path / "fresh")
    assert not (tmp_path / "fresh").exists()  # the folder it made is gone too


KILLED_MIDWAY = """
import sys, time
from pathlib import Path
import pandas as pd
import supplyline as sl
from supplyline.report.export import export_plan
from tests.report.conftest import valley_document

plan = sl.plan(sl.Scenario.model_validate(valley_document()))
original, calls = pd.DataFrame.to_parquet, []

def slow(self, *args, **kwargs):
    calls.append(1)
    if len(calls) == 3:
        print("midway", flush=True)
        time.sleep(60)
    return original(self, *args, **kwargs)

pd.DataFrame.to_parquet = slow
export_plan(plan, Path(sys.argv[1]))
"""


def test_a_run_killed_during_export_leaves_no_truncated_file(valley_plan: sl.Plan,
                                                             tmp_path: Path) -> None:
    folder = tmp_path / "out"
    run = subprocess.Popen([sys.executable, "-c", KILLED_MIDWAY, str(folder)],
                           stdout=subprocess.PIPE, text=True,
                           cwd=Path(__file__).resolve().parents[2])
    try:
        assert run.stdout is not None and run.stdout.readline().strip() == "midway"
    finally:
        run.kill()
        run.wait()
    left = [p.name for p in folder.iterdir()]
    assert left, "the run wrote its first files before it was killed"
    assert all(name.startswith(".") and name.endswith(".tmp") for name in left), left
    (folder / "notes.tmp").write_text("not ours", encoding="utf-8")
    (folder / ".notes.tmp.0123456789ab.tmp").write_text("not ours", encoding="utf-8")
    export_plan(valley_plan, folder)
    # the next run clears what was left for the names it writes, and nothing else
    hidden = [p.name for p in folder.iterdir() if p.name.startswith(".")]
    assert hidden == [".notes.tmp.0123456789ab.tmp"]
    assert (folder / "notes.tmp").is_file()


def test_a_symlink_in_the_output_folder_is_not_followed(valley_plan: sl.Plan,
                                                        tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me", encoding="utf-8")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "flows.csv").symlink_to(target)
    (folder / "report.html").symlink_to(target)
    export_plan(valley_plan, folder)
    write_report(valley_plan, folder / "report.html")
    assert target.read_text(encoding="utf-8") == "keep me"
    assert not (folder / "flows.csv").is_symlink()
    assert len(pd.read_csv(folder / "flows.csv")) == len(valley_plan.to_frame("flows"))
    assert (folder / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_two_exports_into_one_folder_cannot_mix(valley_plan: sl.Plan, tmp_path: Path) -> None:
    with output_files(tmp_path), pytest.raises(OutputBusyError):
        export_plan(valley_plan, tmp_path)
    assert list(tmp_path.iterdir()) == []
