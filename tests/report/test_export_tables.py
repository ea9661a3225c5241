"""Exports that say what they hold: real dates and step lengths on every table by time,
whole units beside the LP's values, no float noise, routes with their ends, places as
GeoJSON points; tables read back with their types; the plan as an xarray Dataset."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import supplyline as sl
from supplyline.plan.result import SHOWN, WHOLE_UNIT_TOLERANCE
from supplyline.report.export import (
    DECIMALS,
    export_plan,
    places_geojson,
    plan_dataset,
    plan_table,
    read_table,
)

TIMED = ("flows", "carriers", "stocks", "deliveries", "waiting")


@pytest.fixture(scope="module")
def stepped() -> sl.Plan:
    """The tutorial in 3-day steps after six days day by day."""
    scenario = sl.load("tutorial").replace({"policy.daily_start_days": 6,
                                            "policy.step_days": 3})
    return sl.plan(scenario)


@pytest.fixture(scope="module")
def folder(stepped: sl.Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("tables")
    export_plan(stepped, directory)
    return directory


@pytest.mark.parametrize("table", TIMED)
def test_time_tables_have_dates_and_step_lengths(stepped: sl.Plan, table: str) -> None:
    frame = stepped.to_frame(table)
    assert len(frame) > 0
    assert list(frame.columns[:3]) == ["day", "date", "step_days"]
    assert frame["date"].dtype.kind == "M"
    start = pd.Timestamp(stepped.network.start_date)
    assert (frame["date"] == start + pd.to_timedelta(frame["day"], unit="D")).all()
    length = dict(zip(stepped.step_start.tolist(), stepped.step_length.tolist(), strict=True))
    assert (frame["step_days"] == frame["day"].map(length)).all()
    assert set(frame["step_days"]) <= {1, 3}
    if table == "deliveries":
        assert set(frame["step_days"]) == {1, 3}


def test_deliveries_of_a_step_are_its_total(stepped: sl.Plan) -> None:
    frame = stepped.to_frame("deliveries")
    daily_demand = frame["demand_kg"] / frame["step_days"]
    late = frame[frame["day"] >= 9]  # 2.25 t a day from the 10th (4,500 people × 0.5 kg)
    assert np.allclose(daily_demand[late.index], 2250.0)


def test_units_are_whole_beside_the_lps_values(stepped: sl.Plan) -> None:
    carriers = stepped.to_frame("carriers")
    for column in ("loaded_units", "empty_units"):
        whole, fractional = carriers[column], carriers[f"{column}_lp"]
        assert whole.dtype == np.int64
        # Rounded up past the plan's one tolerance for crumbs of a unit.
        assert ((whole >= fractional - WHOLE_UNIT_TOLERANCE) & (whole < fractional + 1)).all()
        # Dispatches below a thousandth of a unit are left out (SHOWN).
        units = stepped.loaded_units + stepped.empty_units
        crumbs = float(getattr(stepped, column)[units < SHOWN].sum())
        assert crumbs < SHOWN * units.size
        assert fractional.sum() == pytest.approx(
            getattr(stepped, column).sum() - crumbs, rel=1e-9, abs=1e-6 * len(carriers))
    assert (carriers["loaded_units_lp"] % 1 > 1e-3).any()  # there was something to round
    people = stepped.to_frame("mobilization")
    assert people["persons"].dtype == np.int64 and "persons_lp" in people


def test_a_leg_that_carries_cargo_has_at_least_one_unit() -> None:
    """30 kg a day on a carrier of 10 t is 0.003 of a unit, within the crumbs rounded away:
    the table said 0 units beside the cargo they carried. It now says at least one."""
    from tests.plan.builders import PORTER, place, route, scenario, village

    big = {**PORTER, "payload_kg": 10_000.0, "rations_kg_per_day": {}}
    plan = sl.plan(scenario([village("v", 0.0, 5_000.0), place("front", "front", 0.1)],
                            [route("v", "front", 10.0)], demand_kg_per_day=30.0, days=5,
                            modes=[big]))
    carriers = plan_table(plan, "carriers")
    carrying = carriers[carriers["cargo_kg"] > 1.0]
    assert len(carrying) and (carrying["loaded_units_lp"] < WHOLE_UNIT_TOLERANCE).all()
    assert (carrying["loaded_units"] == 1).all()
    assert carriers["cargo_kg"].sum() == pytest.approx(plan.cargo_kg.sum())
    # The fleet needed counts that unit too (the mode was left out of the carriers table).
    assert plan.fleet_needed().tolist() == [1.0]
    assert plan.kpis()["carriers"]["porter"]["needed"] == 1.0


def test_two_routes_between_the_same_places_each_have_their_carriers() -> None:
    """Two roads join the village and the front, each open to porters up to a capacity:
    the carriers table names the route of each row, as the flows table does (its rows had
    the same day, ends and mode, with nothing to tell the roads apart)."""
    from tests.plan.builders import place, route, scenario, village

    plan = sl.plan(scenario(
        [village("v", 0.0, 5_000.0), place("front", "front", 0.1)],
        [route("v", "front", 20.0, id="upper", capacity_tonnes_per_day=0.2),
         route("v", "front", 30.0, id="lower", capacity_tonnes_per_day=0.2)],
        demand_kg_per_day=300.0, days=6))
    carriers = plan_table(plan, "carriers")
    assert set(carriers["route"]) == {"upper", "lower"}
    flows = plan_table(plan, "flows")
    for road in ("upper", "lower"):
        assert carriers.loc[carriers["route"] == road, "cargo_kg"].sum() == pytest.approx(
            flows.loc[flows["route"] == road, "kg"].sum())


def test_float_noise_is_rounded(stepped: sl.Plan) -> None:
    for table in stepped.TABLES:
        frame = stepped.to_frame(table)
        for column in frame.columns[[dtype.kind == "f" for dtype in frame.dtypes]]:
            values = frame[column].to_numpy()
            assert np.array_equal(values, values.round(DECIMALS)), (table, column)


def test_routes_have_ends_length_and_modes(stepped: sl.Plan) -> None:
    routes = stepped.to_frame("routes")
    scenario = stepped.network.scenario
    assert list(routes.columns[:6]) == ["route", "name", "from", "to", "length_km", "modes"]
    for route, row in zip(scenario.routes, routes.itertuples(index=False), strict=True):
        assert (row.route, row[2], row.to) == (route.key, route.from_, route.to)
        assert row.length_km == route.length_km
        assert row.modes == ";".join(m for m in stepped.network.mode_ids if m in route.modes)


def test_routes_have_what_the_terminal_and_the_geojson_say(stepped: sl.Plan) -> None:
    """The busiest routes' "t drawn" (food and fuel drawn for the trips over a route) and
    the tonnes each way and arrived were in routes.geojson alone: routes.csv had only
    ``tonnes`` and ``days_at_capacity``."""
    from supplyline.report.export import routes_geojson

    routes = stepped.to_frame("routes")
    assert list(routes.columns[6:]) == ["tonnes_forward", "tonnes_backward", "tonnes",
                                        "tonnes_arrived", "tonnes_eaten", "days_at_capacity"]
    geo = pd.DataFrame([f["properties"] for f in routes_geojson(stepped)["features"]])
    geo["modes"] = geo["modes"].map(";".join)  # (a list in GeoJSON)
    for column in routes.columns:
        assert routes[column].tolist() == geo[column].tolist(), column
    assert routes["tonnes_eaten"].sum() > 0
    assert (routes["tonnes"] - routes["tonnes_forward"] - routes["tonnes_backward"]).abs().max() \
        <= 2e-6


@pytest.mark.parametrize("table", ["flows", "carriers", "stocks", "deliveries", "mobilization",
                                   "routes", "waiting"])
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_tables_round_trip_with_their_types(stepped: sl.Plan, folder: Path, table: str,
                                            suffix: str) -> None:
    written = stepped.to_frame(table)
    back = read_table(folder / f"{table}{suffix}")
    assert back.dtypes.to_dict() == written.dtypes.to_dict()
    pd.testing.assert_frame_equal(back, written, check_exact=False, rtol=1e-12)


def test_places_geojson(stepped: sl.Plan, folder: Path) -> None:
    doc = json.loads((folder / "places.geojson").read_text(encoding="utf-8"))
    assert doc == json.loads(json.dumps(places_geojson(stepped)))
    net = stepped.network
    props = {f["id"]: f["properties"] for f in doc["features"]}
    assert list(props) == net.place_ids
    for feature in doc["features"]:
        p = net.place_ids.index(feature["id"])
        assert feature["geometry"] == {"type": "Point",
                                       "coordinates": [net.lon[p], net.lat[p]]}
    given = sum(props[p]["given_kg"] for p in props)
    assert given == pytest.approx(stepped.mobilized_kg().sum(), abs=1e-3)
    front = props["kestrel-town"]
    assert front["kind"] == "front" and front["received_kg"] > 0
    assert front["consumed_kg"] == pytest.approx(stepped.consumed_kg.sum(), abs=1e-3)
    food, labour = stepped.burden()
    river = net.place_ids.index("river-village")
    assert props["river-village"]["food_burden"] == pytest.approx(food[river], abs=1e-6)
    assert props["river-village"]["labour_burden"] == pytest.approx(labour[river], abs=1e-6)
    assert all(math.isfinite(v) for f in props.values() for v in f.values()
               if isinstance(v, float))


def test_xarray_dataset(stepped: sl.Plan) -> None:
    data = stepped.to_xarray()
    assert data.equals(plan_dataset(stepped))
    assert data.sizes["date"] == stepped.steps
    assert data["step_days"].sum() == stepped.days
    assert float(data["consumed_kg"].sum()) == pytest.approx(stepped.consumed_kg.sum())
    assert float(data["cargo_kg"].sum()) == pytest.approx(stepped.cargo_kg.sum())
    # Where units are and wait, as the waiting table has them.
    assert float(data["waiting_unit_days"].sum()) == pytest.approx(
        stepped.waiting_unit_days.sum())
    assert float(data["idle_units"].sum()) == pytest.approx(stepped.idle_units.sum())
    assert data["road_work_days"].dims == ("road_work", "date")
    town = data["stock_kg"].sel(place="kestrel-town", commodity="rice")
    assert town.sel(date="2024-11-01").item() == pytest.approx(
        stepped.stock_kg[stepped.network.place_ids.index("kestrel-town"), 0, 0])
    # Every variable says its unit and what it holds; the running total says so.
    assert all(set(data[v].attrs) == {"units", "description"} for v in data.data_vars)
    assert "running total" in data["given_kg"].attrs["description"]


def test_plan_json_has_iso_dates(stepped: sl.Plan) -> None:
    doc = json.loads(stepped.to_json())
    first = doc["tables"]["deliveries"][0]
    date = stepped.network.start_date + dt.timedelta(days=first["day"])
    assert first["date"] == date.isoformat()
    # The step grid, which the tables show only on the days they have rows: 6 days day by
    # day, then 3-day steps (the last may be shorter) to the end of the horizon.
    assert doc["start_date"] == stepped.network.start_date.isoformat()
    steps = doc["steps"]
    assert [s["days"] for s in steps[:6]] == [1] * 6
    assert [s["days"] for s in steps[6:-1]] == [3] * (len(steps) - 7)
    assert sum(s["days"] for s in steps) == doc["days"] == stepped.days
    for step, following in itertools.pairwise(steps):
        assert following["day"] == step["day"] + step["days"]
        assert step["date"] == (stepped.network.start_date
                                + dt.timedelta(days=step["day"])).isoformat()


def test_a_route_without_a_name_is_called_after_its_places_everywhere(
        stepped: sl.Plan) -> None:
    """One rule for what a reader calls a route (``Scenario.route_title``), in the tables and
    the JSON as in the report and the dashboard."""
    sc = stepped.network.scenario
    unnamed = next(r for r in sc.routes if not r.name)
    title = sc.route_title(unnamed)
    assert " – " in title and "--" not in title
    routes = stepped.to_frame("routes").set_index("route")
    assert routes.loc[unnamed.key, "name"] == title
    names = {row["route"]: row["name"] for row in json.loads(stepped.to_json())["tables"]["routes"]}
    assert names[unnamed.key] == title


def test_crumbs_of_an_interior_answer_are_left_out(stepped: sl.Plan) -> None:
    """An interior-point answer without crossover leaves micrograms on thousands of legs
    (31,405 of the built-in plan's 34,946 dispatch rows): the tables keep a gram and more,
    and a thousandth of a unit and more."""
    import dataclasses

    crumb = SHOWN / 10
    noisy = dataclasses.replace(
        stepped, cargo_kg=stepped.cargo_kg + crumb, stock_kg=stepped.stock_kg + crumb,
        loaded_units=stepped.loaded_units + crumb)
    for table in ("flows", "carriers", "stocks"):
        assert len(noisy.to_frame(table)) == len(stepped.to_frame(table)), table
    flows = stepped.to_frame("flows")
    assert flows["kg"].min() >= SHOWN
    # A gram is kept.
    gram = stepped.cargo_kg.copy()
    leg = int(np.nonzero(stepped.cargo_kg.sum(axis=(1, 2)) == 0)[0][0])
    gram[leg, 0, 0] = SHOWN
    assert len(dataclasses.replace(stepped, cargo_kg=gram).to_frame("flows")) == len(flows) + 1


def test_ids_read_back_from_csv_as_text(tmp_path: Path) -> None:
    """A front called 101, regions called 1 and none, a place called nan: the CSV gave
    101 and 1 as numbers, and '' and 'nan' as missing, where Parquet keeps the text."""
    from supplyline.report.export import csv_safe

    written = pd.DataFrame({"front": ["101", "nan"], "regions": ["1", ""],
                            "kg": [1.5, float("nan")]})
    csv_safe(written).to_csv(tmp_path / "t.csv", index=False)
    back = read_table(tmp_path / "t.csv")
    assert back["front"].tolist() == ["101", "nan"] and back["regions"].tolist() == ["1", ""]
    assert back["kg"].iloc[0] == 1.5 and pd.isna(back["kg"].iloc[1])


def test_the_good_a_fan_is_of_reads_back_from_csv_as_text(tmp_path: Path) -> None:
    """sim_fan.csv's ``reserve_of`` is a good's id (or 'first to run out'): a good called
    nan or 101 (ids may be) read back as a missing value, where Parquet keeps the text."""
    from supplyline.report.export import csv_safe

    written = pd.DataFrame({"reserve_of": ["first to run out", "nan", "101"],
                            "p50_days": [1.5, 2.0, 0.0]})
    csv_safe(written).to_csv(tmp_path / "sim_fan.csv", index=False)
    back = read_table(tmp_path / "sim_fan.csv")
    assert back["reserve_of"].tolist() == ["first to run out", "nan", "101"]
