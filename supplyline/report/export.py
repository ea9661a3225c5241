"""Exports of a plan to files other tools read: CSV and Parquet tables, GeoJSON of the routes
with their flows, and the plan as JSON.

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
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from supplyline.plan.result import Plan
from supplyline.report.facts import mode_name, route_facts
from supplyline.report.safe_write import output_files

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FORMULA_START",
    "PARQUET_MISSING",
    "csv_safe",
    "export_plan",
    "neutralise_formula",
    "parquet_available",
    "routes_geojson",
]

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

    >>> neutralise_formula("=HYPERLINK(\"http://x\")"), neutralise_formula(-4.5)
    ('\'=HYPERLINK("http://x")', -4.5)
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
    trips on it) and ``days_at_capacity``.
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
                "main_mode_name": mode_name(net, main) if main >= 0 else None,
                "tonnes_forward": float(facts.forward_t[r]),
                "tonnes_backward": float(facts.back_t[r]),
                "tonnes": float(facts.tonnes[r]),
                "tonnes_arrived": float(facts.arrived_t[r]),
                "tonnes_eaten": float(facts.eaten_t[r]),
                "days_at_capacity": int(facts.at_capacity_days[r]),
            },
        })
    return {"type": "FeatureCollection", "name": f"{net.scenario.name} routes",
            "features": features}


def export_plan(
    plan: Plan,
    directory: Path,
    notify: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write the plan's tables and geometry into ``directory`` (created if needed).

    Writes ``<table>.csv`` and ``<table>.parquet`` for each name in ``Plan.TABLES``,
    ``routes.geojson`` (:func:`routes_geojson`) and ``plan.json`` (``Plan.to_json()``).
    Without pyarrow the Parquet files are skipped and ``notify`` is told why (by default a
    :class:`UserWarning`); nothing fails.

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
            frame = plan.to_frame(name)
            with files.open(f"{name}.csv") as handle:
                csv_safe(frame).to_csv(handle, index=False)
            if parquet:
                with files.open(f"{name}.parquet", binary=True) as handle:
                    frame.to_parquet(handle, index=False)
        with files.open("routes.geojson") as handle:
            json.dump(routes_geojson(plan), handle, indent=1)
        with files.open("plan.json") as handle:
            handle.write(plan.to_json())
    return files.written
