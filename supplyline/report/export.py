"""Exports of a plan to files other tools read: CSV and Parquet tables, GeoJSON of the routes
with their flows, and the plan as JSON.

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
from typing import Any

from supplyline.plan.result import Plan
from supplyline.report.facts import mode_name, route_facts

__all__ = ["PARQUET_MISSING", "export_plan", "parquet_available", "routes_geojson"]

#: Said once when Parquet files are skipped.
PARQUET_MISSING = (
    "Parquet tables skipped: the pyarrow package is not installed "
    "(pip install 'supplyline[parquet]'); the CSV files hold the same tables."
)


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

    Parameters
    ----------
    plan:
        The solved plan.
    directory:
        The folder to write into; existing files of the same names are replaced.
    notify:
        Called with a message when something is skipped.

    Returns
    -------
    list[Path]
        The files written, in order.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    say = notify or (lambda message: warnings.warn(message, UserWarning, stacklevel=3))
    parquet = parquet_available()
    if not parquet:
        say(PARQUET_MISSING)
    written: list[Path] = []
    for name in plan.TABLES:
        frame = plan.to_frame(name)
        csv_path = directory / f"{name}.csv"
        frame.to_csv(csv_path, index=False)
        written.append(csv_path)
        if parquet:
            parquet_path = directory / f"{name}.parquet"
            frame.to_parquet(parquet_path, index=False)
            written.append(parquet_path)
    geojson_path = directory / "routes.geojson"
    geojson_path.write_text(json.dumps(routes_geojson(plan), indent=1), encoding="utf-8")
    json_path = directory / "plan.json"
    json_path.write_text(plan.to_json(), encoding="utf-8")
    return [*written, geojson_path, json_path]
