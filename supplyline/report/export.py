"""Exports of a plan to files other tools read: CSV and Parquet tables, GeoJSON of the places
and of the routes with their flows, the plan as JSON, and an xarray Dataset.

The tables say what they hold (:func:`plan_table`): every time table has the ``date`` its
step starts on (a real date type) and ``step_days``, the days the step covers (amounts in a
step of several days are the step's total); units and persons are whole numbers, rounded up,
with the LP's fractional value beside them (``loaded_units`` and ``loaded_units_lp``); float
noise is rounded away. :func:`read_table` reads a CSV or Parquet table back with the same
column types.

Files are written whole or not at all (:mod:`supplyline.report.safe_write`), and text cells of
the CSV files that a spreadsheet would run as a formula are neutralised
(:func:`neutralise_formula`).

>>> import supplyline as sl
>>> from pathlib import Path
>>> from supplyline.report.export import export_plan
>>> paths = export_plan(sl.plan(sl.load("tutorial")), Path("out"))  # doctest: +SKIP
"""

from __future__ import annotations

import importlib.util
import json
import math
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from supplyline.plan.figures import route_facts
from supplyline.plan.result import Plan, whole_units
from supplyline.report.safe_write import OutputFiles, output_files

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

__all__ = [
    "DATE_COLUMNS",
    "FORMULA_START",
    "PARQUET_MISSING",
    "csv_safe",
    "drop_stale_parquet",
    "export_plan",
    "neutralise_formula",
    "parquet_available",
    "places_geojson",
    "plan_dataset",
    "plan_table",
    "read_table",
    "routes_geojson",
]

#: Columns that hold dates, in any table that has them.
DATE_COLUMNS = ("date", "arrival_date")
#: Columns of ids and names in the exported tables: read back as text.
TEXT_COLUMNS = frozenset({"route", "name", "from", "to", "mode", "modes", "commodity",
                          "place", "front", "regions", "good", "locality", "kind",
                          "reserve_of", "ids", "names", "status", "stock"})
#: The type of date columns (a day's midnight; the same whether read from CSV or Parquet).
DATE_TYPE: Final = "datetime64[ns]"
#: Decimals kept of fractional amounts: below a milligram, a millionth of a unit.
DECIMALS = 6


def _is_counted(column: str) -> bool:
    """Whether a column counts whole things (units, persons) that a plan decides; a mean
    over simulated runs (``units_lost``) is not one of them."""
    return column.endswith(("_units", "_persons")) or column in ("units", "persons")


def plan_table(plan: Plan, table: str) -> pd.DataFrame:
    """One of the plan's tables (``Plan.TABLES``) as it is exported, saying what it holds.

    - tables by time have ``date`` (the first day of the step, a date type) and
      ``step_days`` (how many days the step covers: amounts in a step of several days are
      that step's totals) after ``day``; ``arrival_day`` gets ``arrival_date``;
    - units and persons are whole, rounded up (a plan for 910.56 porters needs 911; at
      least one unit where cargo moves), with the LP's value in a column of the same name
      ending ``_lp``;
    - fractional amounts are rounded to :data:`DECIMALS` decimals (70.00000000000023 is 70);
    - ``routes`` has each route's ``from``, ``to``, ``length_km`` and ``modes`` (ids
      separated by ';'), and beside ``tonnes`` (both ways) the ``tonnes_forward`` and
      ``tonnes_backward``, ``tonnes_arrived`` and ``tonnes_eaten`` (the terminal's "t
      drawn") of :func:`routes_geojson`.

    Examples
    --------
    >>> import supplyline as sl
    >>> plan_table(sl.plan(sl.load("tutorial")), "carriers").columns[:4].tolist()
    ... # doctest: +SKIP
    ['day', 'date', 'step_days', 'route']
    """
    import pandas as pd

    if table not in plan.TABLES:
        raise ValueError(f"table must be one of {', '.join(plan.TABLES)}, got {table!r}")
    frame: pd.DataFrame = getattr(plan, f"{table}_frame")()
    columns = list(frame.columns)
    if table == "routes":
        facts = route_facts(plan)
        net = plan.network
        before = pd.DataFrame({
            "from": [net.place_ids[p] for p in facts.start],
            "to": [net.place_ids[p] for p in facts.end],
            "length_km": facts.length_km.astype(float),
            "modes": [";".join(modes) for modes in facts.modes],
            "tonnes_forward": facts.forward_t,
            "tonnes_backward": facts.back_t,
        })
        after = pd.DataFrame({"tonnes_arrived": facts.arrived_t, "tonnes_eaten": facts.eaten_t})
        at = columns.index("tonnes") + 1  # (route, name, tonnes | days_at_capacity)
        frame = pd.concat([frame[columns[:2]], before, frame[columns[2:at]], after,
                           frame[columns[at:]]], axis=1)
    return as_exported(plan, frame)


def json_ready(data: Any) -> Any:
    """``data`` as JSON can hold it: a float that is not finite (NaN: a standard error from
    one run) as None, which JSON writes ``null`` (it has no NaN)."""
    if isinstance(data, float | np.floating):
        return float(data) if math.isfinite(data) else None
    if isinstance(data, np.integer):
        return int(data)
    if isinstance(data, dict):
        return {key: json_ready(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [json_ready(value) for value in data]
    return data


def json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table as JSON records, dates written as days (``2024-11-03``), as everywhere
    else in the JSON the tool writes."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype.kind == "M":
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    records: list[dict[str, Any]] = json.loads(out.to_json(orient="records"))
    return records


def as_exported(plan: Plan, frame: pd.DataFrame) -> pd.DataFrame:
    """A table of the plan, or of a simulation of it, saying what it holds (the rules of
    :func:`plan_table`): dates and step lengths after ``day``, units and persons whole
    beside their ``_lp`` values, amounts to :data:`DECIMALS` decimals."""
    if "day" in frame.columns:
        day = frame["day"].to_numpy(dtype=np.int64)
        step = np.asarray(plan.network.grid.of_time(day))
        frame["day"] = day
        frame["date"] = _dates(plan, day)
        frame["step_days"] = plan.step_length[step].round().astype(np.int64)
        if "arrival_day" in frame.columns:
            frame["arrival_day"] = frame["arrival_day"].to_numpy(dtype=np.int64)
            frame["arrival_date"] = _dates(plan, frame["arrival_day"].to_numpy())
        order = ["day", "date", "step_days"]
        rest = [c for c in frame.columns if c not in order]
        if "arrival_date" in rest:
            rest.remove("arrival_date")
            rest.insert(rest.index("arrival_day") + 1, "arrival_date")
        frame = frame[order + rest]
    for column in list(frame.columns):
        if frame[column].dtype.kind != "f":
            continue
        if _is_counted(column):
            fractional = frame[column].to_numpy(dtype=float)
            carrying = (frame["cargo_kg"].to_numpy(dtype=float)
                        if column == "loaded_units" and "cargo_kg" in frame else None)
            whole = whole_units(fractional, carrying).astype(np.int64)
            at = frame.columns.get_loc(column)
            frame[column] = whole
            frame.insert(int(at) + 1, f"{column}_lp", fractional.round(DECIMALS))  # type: ignore[arg-type]
        else:
            frame[column] = frame[column].round(DECIMALS)
    return frame


def _dates(plan: Plan, day: Any) -> Any:
    start = np.datetime64(plan.network.start_date, "D")
    return (start + np.asarray(day, dtype=np.int64).astype("timedelta64[D]")).astype(DATE_TYPE)


def read_table(path: Path) -> pd.DataFrame:
    """A table exported by :func:`export_plan`, read back from CSV or Parquet with the types
    it was written with (dates as dates)."""
    import pandas as pd

    path = Path(path)
    if path.suffix.lower() == ".parquet":
        frame = pd.read_parquet(path)
    else:
        # Ids and names stay text (a front called 101, a region called 1, a place called nan;
        # an empty one is ''), as the Parquet form keeps them; an empty number is missing.
        header = pd.read_csv(path, nrows=0).columns
        text = [c for c in header if c in TEXT_COLUMNS]
        frame = pd.read_csv(path, dtype=dict.fromkeys(text, str), keep_default_na=False,
                            na_values={c: ["", "nan", "NaN"] for c in header
                                       if c not in text})
    for column in DATE_COLUMNS:
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column]).to_numpy().astype(DATE_TYPE)
    return frame


#: Said once when Parquet files are skipped.
PARQUET_MISSING = (
    "Parquet tables skipped: the pyarrow package is not installed "
    "(pip install 'supplyline[parquet]'); the CSV files hold the same tables."
)


#: How a cell starts when a spreadsheet may read it as a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, with a single quote before it
    (shown as text); anything else, numbers included, as it is.

    >>> neutralise_formula("=SUM(A1:A9)"), neutralise_formula(-4.5)
    ("'=SUM(A1:A9)", -4.5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with :func:`neutralise_formula` applied to its headers and text columns."""
    safe = frame.rename(columns=neutralise_formula)
    for column in safe.columns[[dtype.kind in "OUT" for dtype in safe.dtypes]]:
        safe[column] = safe[column].map(neutralise_formula)
    return safe


def parquet_available() -> bool:
    """Whether pandas can write Parquet here (pyarrow is installed)."""
    return importlib.util.find_spec("pyarrow") is not None


def routes_geojson(plan: Plan) -> dict[str, Any]:
    """The routes as a GeoJSON FeatureCollection with what the plan moved over them.

    Each route is a ``LineString`` from its ``from`` place to its ``to`` place
    (``[lon, lat]`` pairs, WGS84). Properties: ``route`` (id), ``name``, ``from``, ``to``,
    ``length_km``, ``modes`` (allowed), ``main_mode`` (carried most, or null),
    ``tonnes_forward`` (dispatched from → to), ``tonnes_backward`` (to → from), ``tonnes``
    (both), ``tonnes_arrived`` (after threats), ``tonnes_eaten`` (rations and fuel drawn for
    trips on it, loaded and empty: not the rations of units waiting or of crews, which
    belong to no route, so its sum is not the plan's ``eaten_on_way_t``, which counts
    those and no fuel) and ``days_at_capacity``; tonnes rounded to :data:`DECIMALS` decimals.
    """
    net = plan.network
    facts = route_facts(plan)
    features = []
    for r, route_id in enumerate(net.route_ids):
        a, b = int(facts.start[r]), int(facts.end[r])
        main = int(facts.main_mode[r])
        features.append({
            "type": "Feature",
            "id": route_id,
            "geometry": {
                "type": "LineString",
                "coordinates": [[float(net.lon[a]), float(net.lat[a])],
                                [float(net.lon[b]), float(net.lat[b])]],
            },
            "properties": {
                "route": route_id,
                "name": net.route_names[r],
                "from": net.place_ids[a],
                "to": net.place_ids[b],
                "length_km": float(facts.length_km[r]),
                "modes": facts.modes[r],
                "main_mode": net.mode_ids[main] if main >= 0 else None,
                "main_mode_name": net.mode_name(main) if main >= 0 else None,
                "tonnes_forward": round(float(facts.forward_t[r]), DECIMALS),
                "tonnes_backward": round(float(facts.back_t[r]), DECIMALS),
                "tonnes": round(float(facts.tonnes[r]), DECIMALS),
                "tonnes_arrived": round(float(facts.arrived_t[r]), DECIMALS),
                "tonnes_eaten": round(float(facts.eaten_t[r]), DECIMALS),
                "days_at_capacity": int(facts.at_capacity_days[r]),
            },
        })
    return {"type": "FeatureCollection", "name": f"{net.scenario.name} routes",
            "features": features}


def places_geojson(plan: Plan) -> dict[str, Any]:
    """The places as a GeoJSON FeatureCollection of points with what the plan did there.

    Properties: ``place`` (id), ``name``, ``kind``, ``given_kg`` (what a locality gave over
    the horizon), ``received_kg`` (cargo that arrived there, after threats),
    ``consumed_kg`` and ``demand_kg`` (at fronts), ``food_burden`` and ``labour_burden``
    (shares of what a locality could give), and ``regions``.
    """
    net = plan.network
    given = plan.mobilized_kg().sum(axis=1)
    received = np.zeros(net.n_places)
    np.add.at(received, net.arc_to[plan.leg_arc], plan.arrived_kg().sum(axis=(1, 2)))
    consumed = plan.consumed_kg.sum(axis=(1, 2))
    demand = plan.demand_kg.sum(axis=(1, 2))
    food, labour = plan.burden()
    features = []
    for p, place_id in enumerate(net.place_ids):
        features.append({
            "type": "Feature",
            "id": place_id,
            "geometry": {"type": "Point", "coordinates": [float(net.lon[p]), float(net.lat[p])]},
            "properties": {
                "place": place_id,
                "name": net.place_name(p),
                "kind": net.place_kind[p],
                "regions": sorted(net.place_regions[p]),
                "given_kg": round(float(given[p]), DECIMALS),
                "received_kg": round(float(received[p]), DECIMALS),
                "consumed_kg": round(float(consumed[p]), DECIMALS),
                "demand_kg": round(float(demand[p]), DECIMALS),
                "food_burden": round(float(food[p]), DECIMALS),
                "labour_burden": round(float(labour[p]), DECIMALS),
            },
        })
    return {"type": "FeatureCollection", "name": f"{net.scenario.name} places",
            "features": features}


def plan_dataset(plan: Plan) -> xr.Dataset:
    """The plan's arrays as an xarray Dataset, labelled by id and date.

    Dimensions: ``date`` (the first day of each step; ``step_days`` says how many days it
    covers), ``place``, ``commodity`` (goods), ``mode``, ``route`` and ``road_work`` (the
    scenario's road works in order, with the route of each, ``road_work_route``).
    Variables: stocks, what was given (running total), demand and consumption (kg); units
    recruited and in service by home; units at each place at a step's end and the
    unit-days they waited there; cargo dispatched per route (both directions) and
    commodity; and the person-days of each road work done in each step.
    Needs the ``xarray`` package (``pip install 'supplyline[xarray]'``).
    """
    import xarray as xr

    net = plan.network
    cargo = np.zeros((len(net.route_ids), plan.goods.size, plan.steps))
    np.add.at(cargo, net.arc_route[plan.leg_arc], plan.cargo_kg)
    pgs = ("place", "commodity", "date")
    pms = ("place", "mode", "date")

    def said(units: str, words: str) -> dict[str, str]:
        return {"units": units, "description": words}

    return xr.Dataset(
        {
            "stock_kg": (pgs, plan.stock_kg, said("kg", "held at the end of the step")),
            "given_kg": (pgs, plan.given_kg, said(
                "kg", "given by the locality up to the end of the step: a running total, "
                "not the step's (its difference along date is)")),
            "demand_kg": (pgs, plan.demand_kg, said("kg", "the front's demand in the step")),
            "consumed_kg": (pgs, plan.consumed_kg, said("kg", "eaten at the front in the step")),
            "recruited_units": (pms, plan.recruited_units, said(
                "unit", "units put into service at their home in the step")),
            "in_service_units": (pms, plan.in_service_units, said(
                "unit", "units of this home in service at the end of the step")),
            "cargo_kg": (("route", "commodity", "date"), cargo, said(
                "kg", "cargo dispatched over the route in the step, both directions")),
            "idle_units": (pms, plan.idle_units, said(
                "unit", "units at the place at the end of the step, not on the way")),
            "waiting_unit_days": (pms, plan.waiting_unit_days, said(
                "unit*day", "unit-days spent waiting at the place in the step (and fed "
                "there, but for waiting_unfed_kg)")),
            "waiting_unfed_kg": (("place", "mode", "commodity", "date"), plan.waiting_unfed_kg,
                                 said("kg", "of their rations, what the units waiting at "
                                      "the place went without (units a starting State "
                                      "left where there was none)")),
            "road_work_days": (("road_work", "date"), plan.road_work_days, said(
                "person*day", "person-days of work done on the road work in the step")),
        },
        coords={
            "date": _dates(plan, plan.step_start),
            "step_days": ("date", plan.step_length.round().astype(np.int64)),
            "place": net.place_ids,
            "kind": ("place", net.place_kind),
            "commodity": plan.good_ids,
            "mode": net.mode_ids,
            "route": net.route_ids,
            "road_work": np.arange(len(net.road_works)),
            "road_work_route": ("road_work", [net.route_ids[w.route] for w in net.road_works]),
        },
        attrs={"scenario": net.scenario.name, "status": plan.status,
               "replay": plan.replay or ""},
    )



def drop_stale_parquet(directory: Path, stems: Iterable[str],
                       notify: Callable[[str], None] | None = None) -> list[Path]:
    """Remove the ``<stem>.parquet`` files in ``directory``, an earlier export's: an export
    without pyarrow writes only ``<stem>.csv``, and would leave them beside it holding
    another plan's tables. Call it once the CSV files are in place; ``notify`` is told
    which went. A folder of such a name is left alone."""
    gone = []
    for stem in stems:
        path = Path(directory) / f"{stem}.parquet"
        if path.is_symlink() or path.is_file():
            path.unlink()
            gone.append(path)
    if gone and notify is not None:
        notify(f"Removed {len(gone)} Parquet file{'s' * (len(gone) != 1)} of an earlier "
               f"export from {directory} ({', '.join(p.name for p in gone)}): the CSV files "
               "written now replace them.")
    return gone


def write_table(files: OutputFiles, stem: str, frame: pd.DataFrame, parquet: bool) -> None:
    """Write ``frame`` as ``stem.csv`` (text cells made inert for spreadsheets) and, when
    ``parquet``, as ``stem.parquet``, through ``files`` (an :func:`output_files` batch)."""
    with files.open(f"{stem}.csv") as handle:
        csv_safe(frame).to_csv(handle, index=False)
    if parquet:
        with files.open(f"{stem}.parquet", binary=True) as handle:
            frame.to_parquet(handle, index=False)

def export_plan(
    plan: Plan,
    directory: Path,
    notify: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write the plan's tables and geometry into ``directory`` (created if needed).

    Writes ``<table>.csv`` and ``<table>.parquet`` for each name in ``Plan.TABLES``
    (:func:`plan_table`), ``places.geojson`` (:func:`places_geojson`), ``routes.geojson``
    (:func:`routes_geojson`) and ``plan.json`` (``Plan.to_json()``).
    Without pyarrow the Parquet files are skipped and ``notify`` is told why (by default a
    :class:`UserWarning`); nothing fails. The Parquet files of an earlier export into
    ``directory`` are then removed (:func:`drop_stale_parquet`), and ``notify`` told so:
    they would hold another plan's tables beside these CSV files.

    The files appear together when all are written (:func:`~supplyline.report.safe_write.
    output_files`): after an error, none of them has changed.

    Parameters
    ----------
    plan:
        The solved plan.
    directory:
        The folder to write into; existing files of the same names are replaced (a symlink
        is replaced, not followed).
    notify:
        Called with a message when something is skipped.

    Returns
    -------
    list[Path]
        The files written, in order.

    Raises
    ------
    supplyline.report.safe_write.OutputBusyError
        When another run is writing into ``directory``.
    OSError
        When ``directory`` cannot be written.
    """
    say = notify or (lambda message: warnings.warn(message, UserWarning, stacklevel=3))
    parquet = parquet_available()
    if not parquet:
        say(PARQUET_MISSING)
    with output_files(Path(directory)) as files:
        for name in plan.TABLES:
            write_table(files, name, plan_table(plan, name), parquet)
        with files.open("places.geojson") as handle:
            json.dump(places_geojson(plan), handle, indent=1)
        with files.open("routes.geojson") as handle:
            json.dump(routes_geojson(plan), handle, indent=1)
        with files.open("plan.json") as handle:
            handle.write(plan.to_json())
    if not parquet:
        drop_stale_parquet(Path(directory), plan.TABLES, say)
    return files.written
