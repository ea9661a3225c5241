"""Random but plausible scenarios of any size, for benchmarks and tests.

:func:`synthetic_scenario` lays out a connected network of villages, relay depots and a few
fronts on a map, links them with a planar road and trail network, gives the villages people,
food, production and carriers, and sets a troop demand at the fronts. Everything follows from
the seed, so the same arguments always give the same scenario, and the result always passes
validation (schema and cross-references).

The figures are estimates of the right order for a mountain campaign on foot and bicycle
(porters with 20-25 kg, pack bicycles with about 100 kg, pack horses, a few trucks on the
roads); they make the planner's problem realistic in shape, not a record of any campaign.

Examples
--------
>>> from supplyline.scenario.synthetic import synthetic_scenario
>>> sc = synthetic_scenario(places=20, days=30, seed=1)
>>> len(sc.places), sc.days
(20, 30)
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial import Delaunay

from supplyline.scenario.schema import Scenario
from supplyline.scenario.tables import haversine_km

__all__ = ["COMMODITY_PALETTE", "MODE_PALETTE", "synthetic_document", "synthetic_scenario"]

START_DATE = dt.date(1954, 1, 1)
"""Day 0 of every synthetic scenario."""

KM_PER_DEGREE = 111.2
"""Length of one degree of latitude (and of longitude at the equator)."""

EARTH_RADIUS_KM = 6371.0
"""The sphere the generator measures its routes on: 6371 km, where a table's lines are
measured on the mean radius (:data:`supplyline.scenario.tables.EARTH_RADIUS_KM`, 8.8 m more),
so that a seed gives the scenario it always gave (on the mean radius, 1 route in about 2,000
is 0.1 km longer)."""

SPACING_KM = 35.0
"""Typical distance between neighbouring places: a day or two on foot."""

ESTIMATE = "estimate: synthetic scenario, figures of the right order for a mountain campaign"

MODE_PALETTE: tuple[dict[str, Any], ...] = (
    {
        "id": "porter",
        "name": "Porter (carrying pole)",
        "payload_kg": 25.0,
        "speed_loaded_km_per_day": 20.0,
        "speed_empty_km_per_day": 25.0,
        "crew_per_unit": 1.0,
        "rations_kg_per_day": {"rice": 0.8},
        "night_only": True,
        "units_from": "labour",
    },
    {
        "id": "pack-bicycle",
        "name": "Pack bicycle (pushed)",
        "payload_kg": 100.0,
        "speed_loaded_km_per_day": 20.0,
        "speed_empty_km_per_day": 35.0,
        "crew_per_unit": 1.0,
        "rations_kg_per_day": {"rice": 0.8},
        "night_only": True,
        "units_from": "owned",
    },
    {
        "id": "truck",
        "name": "Truck (2 t)",
        "payload_kg": 2000.0,
        "speed_loaded_km_per_day": 120.0,
        "speed_empty_km_per_day": 160.0,
        "crew_per_unit": 2.0,
        "rations_kg_per_day": {"rice": 1.6},
        "fuel_commodity": "fuel",
        "fuel_kg_per_km": 0.25,
        "road_use": 5.0,
        "units_from": "owned",
    },
    {
        "id": "pack-horse",
        "name": "Pack horse with handler",
        "payload_kg": 70.0,
        "speed_loaded_km_per_day": 22.0,
        "speed_empty_km_per_day": 28.0,
        "crew_per_unit": 0.5,
        "rations_kg_per_day": {"rice": 1.4},
        "road_use": 2.0,
        "units_from": "owned",
    },
    {
        "id": "ox-cart",
        "name": "Ox cart",
        "payload_kg": 300.0,
        "speed_loaded_km_per_day": 15.0,
        "speed_empty_km_per_day": 20.0,
        "crew_per_unit": 1.0,
        "rations_kg_per_day": {"rice": 0.8},
        "road_use": 3.0,
        "units_from": "owned",
    },
)
"""Carrier kinds in the order ``modes`` takes them (``modes=3``: porter, bicycle, truck)."""

COMMODITY_PALETTE: tuple[dict[str, Any], ...] = (
    {"id": "rice", "name": "Rice", "ration": 0.7, "subsistence": 0.45, "stock_days": 40.0,
     "production": 0.55},
    {"id": "salt", "name": "Salt", "ration": 0.02, "subsistence": 0.005, "stock_days": 120.0,
     "production": 0.006},
    {"id": "greens", "name": "Greens", "ration": 0.2, "subsistence": 0.1, "stock_days": 2.0,
     "production": 0.15, "decay_per_day": 0.08},
    {"id": "meat", "name": "Dried meat", "ration": 0.05, "subsistence": 0.02,
     "stock_days": 20.0, "production": 0.025, "shelf_life_days": 60},
    {"id": "sugar", "name": "Sugar", "ration": 0.02, "subsistence": 0.005, "stock_days": 60.0,
     "production": 0.007},
)
"""Food commodities in the order ``commodities`` takes them. Per person and day: ``ration``
(troops), ``subsistence`` (kept by villagers), ``production``; ``stock_days`` of local
production held in store at the start."""

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def synthetic_scenario(
    places: int,
    days: int,
    modes: int = 3,
    commodities: int = 2,
    seed: int = 0,
    routes_per_place: float = 1.5,
) -> Scenario:
    """A random, connected, always valid scenario, the same for the same arguments.

    Parameters
    ----------
    places:
        Number of places (at least 3): about 80 % villages (localities), 15 % relay depots
        and one front per 60 places (at most 3).
    days:
        Length of the horizon in days (at least 2).
    modes:
        Carrier kinds taken from :data:`MODE_PALETTE` (1 to 5): porter, pack bicycle, truck,
        pack horse, ox cart. With trucks the scenario also has a ``fuel`` commodity.
    commodities:
        Food commodities taken from :data:`COMMODITY_PALETTE` (1 to 5): rice, salt, greens,
        dried meat, sugar.
    seed:
        Seed of the random generator.
    routes_per_place:
        Routes per place (at least ``(places - 1) / places``, so that the network is a tree at
        least; at most what a planar network allows).

    Returns
    -------
    Scenario
        The validated scenario.

    Examples
    --------
    >>> sc = synthetic_scenario(places=12, days=20, modes=2, commodities=1, seed=3)
    >>> [m.id for m in sc.modes], [c.id for c in sc.commodities]
    (['porter', 'pack-bicycle'], ['rice'])
    """
    return Scenario.model_validate(
        synthetic_document(places, days, modes, commodities, seed, routes_per_place)
    )


def synthetic_document(
    places: int,
    days: int,
    modes: int = 3,
    commodities: int = 2,
    seed: int = 0,
    routes_per_place: float = 1.5,
) -> dict[str, Any]:
    """The scenario of :func:`synthetic_scenario` as plain data (what a YAML file would hold),
    before validation. Benchmarks use it to time validation on its own."""
    if places < 3:
        raise ValueError(f"places: expected at least 3, got {places}")
    if days < 2:
        raise ValueError(f"days: expected at least 2, got {days}")
    if not 1 <= modes <= len(MODE_PALETTE):
        raise ValueError(f"modes: expected 1 to {len(MODE_PALETTE)}, got {modes}")
    if not 1 <= commodities <= len(COMMODITY_PALETTE):
        raise ValueError(f"commodities: expected 1 to {len(COMMODITY_PALETTE)}, got {commodities}")
    if not routes_per_place > 0:
        raise ValueError(f"routes_per_place: expected a number > 0, got {routes_per_place}")
    rng = np.random.default_rng(seed)
    mode_docs = [dict(m) for m in MODE_PALETTE[:modes]]
    mode_ids = [m["id"] for m in mode_docs]
    foods = COMMODITY_PALETTE[:commodities]
    trucks = "truck" in mode_ids

    kinds = _kinds(places)
    lat, lon = _coordinates(places, kinds, rng)
    edges = _route_network(lat, lon, routes_per_place, rng)
    place_docs = _places(kinds, lat, lon, foods, mode_ids, rng)
    route_docs = _routes(edges, lat, lon, place_docs, mode_ids, rng)
    _drop_unusable_carriers(place_docs, route_docs)

    end = START_DATE + dt.timedelta(days=days - 1)
    commodity_docs: list[dict[str, Any]] = []
    for food in foods:
        doc: dict[str, Any] = {"id": food["id"], "name": food["name"], "source": ESTIMATE}
        for key in ("decay_per_day", "shelf_life_days"):
            if key in food:
                doc[key] = food[key]
        commodity_docs.append(doc)
    if trucks:
        commodity_docs.append({"id": "fuel", "name": "Motor fuel", "source": ESTIMATE})

    return {
        "name": f"synthetic-{places}-{days}-s{seed}",
        "title": f"Synthetic campaign: {places} places over {days} days (seed {seed})",
        "description": "Generated by supplyline.scenario.synthetic for benchmarks and tests.",
        "start_date": START_DATE,
        "end_date": end,
        "commodities": commodity_docs,
        "modes": [{**m, "source": ESTIMATE} for m in mode_docs],
        "places": place_docs,
        "routes": route_docs,
        "demand": _demand(place_docs, foods, days, rng),
        "threats": {
            "air": [
                {
                    "windows": [
                        {"start": START_DATE, "end": end, "day_probability": 0.04,
                         "night_probability": 0.01}
                    ],
                    "capacity_lost_fraction": 0.5,
                    "cargo_destroyed_fraction": 0.2,
                    "source": ESTIMATE,
                }
            ]
        },
        "policy": {
            "subsistence_kg_per_person_day": {f["id"]: f["subsistence"] for f in foods},
            "labour_share": 0.2,
            "labour_max_days_per_person": 60.0,
        },
    }


# -- the pieces -----------------------------------------------------------------------------


def _kinds(places: int) -> list[str]:
    """Place kinds: fronts first, then depots, then localities (at least one of each)."""
    fronts = min(3, max(1, places // 60))
    depots = max(1, round(0.15 * places)) if places > 3 else 1
    depots = min(depots, places - fronts - 1)
    localities = places - fronts - depots
    return ["front"] * fronts + ["depot"] * depots + ["locality"] * localities


def _coordinates(
    places: int, kinds: list[str], rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """Points in a square whose side grows with the number of places (so neighbours stay about
    :data:`SPACING_KM` apart), fronts on the western edge, centred in the Northwest of Vietnam."""
    side_km = SPACING_KM * math.sqrt(places)
    x = rng.uniform(0.0, side_km, places)
    y = rng.uniform(0.0, side_km, places)
    is_front = np.array([k == "front" for k in kinds])
    x[is_front] = rng.uniform(0.0, 0.1 * side_km, int(is_front.sum()))
    lat = np.clip(21.5 + (y - side_km / 2) / KM_PER_DEGREE, -80.0, 80.0)
    lon_scale = KM_PER_DEGREE * np.cos(np.radians(lat))
    lon = np.clip(103.0 + (x - side_km / 2) / lon_scale, -179.0, 179.0)
    return np.round(lat, 5), np.round(lon, 5)


def _km(lat: FloatArray, lon: FloatArray, i: IntArray, j: IntArray) -> FloatArray:
    """Great-circle km between places ``i`` and ``j`` (pairwise), by the scenario's one
    formula (:func:`supplyline.scenario.tables.haversine_km`) on the generator's sphere
    (:data:`EARTH_RADIUS_KM`)."""
    km: FloatArray = haversine_km(lon[i], lat[i], lon[j], lat[j], radius_km=EARTH_RADIUS_KM)
    return km


def _route_network(
    lat: FloatArray, lon: FloatArray, routes_per_place: float, rng: np.random.Generator
) -> list[tuple[int, int, bool]]:
    """Pairs of places linked by a route, and whether the link is on the spanning tree.

    Candidates are the edges of the Delaunay triangulation (a planar network, as roads and
    trails are); its minimum spanning tree keeps every place connected, and the shortest
    remaining candidates are added, with some randomness, up to the wanted count.
    """
    n = lat.size
    if n < 4:
        cand = np.array([(i, j) for i in range(n) for j in range(i + 1, n)], dtype=np.int64)
    else:
        tri = Delaunay(np.column_stack([lon, lat]), qhull_options="QJ")
        simplices = tri.simplices
        pairs = np.concatenate([simplices[:, [0, 1]], simplices[:, [1, 2]], simplices[:, [0, 2]]])
        pairs.sort(axis=1)
        cand = np.unique(pairs, axis=0).astype(np.int64)
    km = _km(lat, lon, cand[:, 0], cand[:, 1])
    graph = coo_matrix((km + 1e-6, (cand[:, 0], cand[:, 1])), shape=(n, n)).tocsr()
    tree = minimum_spanning_tree(graph).tocoo()
    in_tree = {(min(int(a), int(b)), max(int(a), int(b))) for a, b in zip(tree.row, tree.col,
                                                                            strict=True)}
    wanted = min(len(cand), max(n - 1, round(routes_per_place * n)))
    # Shorter links are likelier to be built: rank by length times a random factor.
    order = np.argsort(km * rng.uniform(1.0, 2.0, km.size), kind="stable")
    edges = [(a, b, True) for a, b in sorted(in_tree)]
    for k in order:
        if len(edges) >= wanted:
            break
        pair = (int(cand[k, 0]), int(cand[k, 1]))
        if pair not in in_tree:
            edges.append((*pair, False))
    return edges


def _places(
    kinds: list[str],
    lat: FloatArray,
    lon: FloatArray,
    foods: tuple[dict[str, Any], ...],
    mode_ids: list[str],
    rng: np.random.Generator,
) -> list[dict[str, Any]]:
    counters: dict[str, int] = {}
    docs: list[dict[str, Any]] = []
    trucks = "truck" in mode_ids
    for p, kind in enumerate(kinds):
        counters[kind] = counters.get(kind, 0) + 1
        doc: dict[str, Any] = {
            "id": f"{kind}-{counters[kind]:04d}",
            "kind": kind,
            "lat": float(lat[p]),
            "lon": float(lon[p]),
            "regions": ["front-line"] if kind == "front" else [f"zone-{1 + p % 4}"],
            "source": ESTIMATE,
        }
        if kind == "locality":
            population = float(round(rng.lognormal(math.log(1500.0), 0.6)))
            doc["population"] = population
            stock: dict[str, float] = {}
            production: dict[str, float] = {}
            for food in foods:
                per_day = population * food["production"] * rng.uniform(0.7, 1.4)
                production[food["id"]] = round(per_day, 1)
                stock[food["id"]] = round(per_day * food["stock_days"] * rng.uniform(0.5, 1.5), 1)
            carriers: dict[str, int] = {}
            if "pack-bicycle" in mode_ids:
                carriers["pack-bicycle"] = int(population / rng.uniform(30.0, 80.0))
            if "pack-horse" in mode_ids:
                carriers["pack-horse"] = int(population / rng.uniform(60.0, 150.0))
            if "ox-cart" in mode_ids:
                carriers["ox-cart"] = int(population / rng.uniform(100.0, 250.0))
            if trucks and rng.uniform() < 0.15:
                carriers["truck"] = int(rng.integers(2, 12))
                stock["fuel"] = float(rng.integers(2, 10) * 1000)
            doc.update(stock_kg=stock, production_kg_per_day=production, carriers=carriers)
        elif kind == "depot":
            # Relay stations hold a small campaign stock; rear depots hold the fuel.
            stock = {foods[0]["id"]: float(rng.integers(0, 20) * 500)}
            if trucks:
                stock["fuel"] = float(rng.integers(0, 8) * 2500)
            doc["stock_kg"] = stock
        else:
            doc["stock_kg"] = {foods[0]["id"]: float(rng.integers(5, 15) * 1000)}
        docs.append(doc)
    return docs


def _drop_unusable_carriers(place_docs: list[dict[str, Any]],
                            route_docs: list[dict[str, Any]]) -> None:
    """A place keeps only carriers of modes some route from it allows (``check`` rejects the
    others: they could never be used)."""
    usable: dict[str, set[str]] = {}
    for route in route_docs:
        for end in (route["from"], route["to"]):  # synthetic routes are two-way
            usable.setdefault(end, set()).update(route["modes"])
    for doc in place_docs:
        if "carriers" in doc:
            allowed = usable.get(doc["id"], set())
            doc["carriers"] = {m: n for m, n in doc["carriers"].items() if m in allowed}


def _routes(
    edges: list[tuple[int, int, bool]],
    lat: FloatArray,
    lon: FloatArray,
    place_docs: list[dict[str, Any]],
    mode_ids: list[str],
    rng: np.random.Generator,
) -> list[dict[str, Any]]:
    i = np.array([a for a, _, _ in edges], dtype=np.int64)
    j = np.array([b for _, b, _ in edges], dtype=np.int64)
    straight = _km(lat, lon, i, j)
    docs: list[dict[str, Any]] = []
    for k, (a, b, on_tree) in enumerate(edges):
        road = (on_tree and rng.uniform() < 0.6) or rng.uniform() < 0.15
        modes = ["porter"] if "porter" in mode_ids else [mode_ids[0]]
        for mid, share in (("pack-bicycle", 0.75), ("pack-horse", 0.6), ("ox-cart", 0.3)):
            if mid in mode_ids and (road or rng.uniform() < share):
                modes.append(mid)
        if road and "truck" in mode_ids:
            modes.append("truck")
        winding = 1.15 if road else rng.uniform(1.2, 1.5)
        doc: dict[str, Any] = {
            "from": place_docs[a]["id"],
            "to": place_docs[b]["id"],
            "name": ("road " if road else "trail ") + f"{k + 1}",
            "length_km": round(max(1.0, float(straight[k]) * winding), 1),
            "modes": modes,
            "terrain_factor": 1.0 if road else round(float(rng.uniform(1.0, 1.8)), 2),
            "capacity_movements_per_day": float(rng.integers(4, 40) * 100),
            "air_exposed": bool(road or rng.uniform() < 0.3),
            "repair_days": round(float(rng.uniform(1.0, 4.0)), 1),
            "source": ESTIMATE,
        }
        if road:
            doc["capacity_tonnes_per_day"] = float(rng.integers(10, 60) * 10)
        docs.append(doc)
    return docs


def _demand(
    place_docs: list[dict[str, Any]],
    foods: tuple[dict[str, Any], ...],
    days: int,
    rng: np.random.Generator,
) -> list[dict[str, Any]]:
    """Troops at each front, about a tenth of the villagers per front, reinforced by half
    after a third of the horizon; a reserve target for the first food at mid-horizon."""
    people = sum(p.get("population", 0.0) for p in place_docs)
    fronts = [p["id"] for p in place_docs if p["kind"] == "front"]
    reinforced = START_DATE + dt.timedelta(days=days // 3)
    out: list[dict[str, Any]] = []
    for front in fronts:
        troops = float(round(0.1 * people / len(fronts) * rng.uniform(0.7, 1.3)))
        steps: list[dict[str, Any]] = [{"start": START_DATE, "value": troops}]
        if days >= 3:
            steps.append({"start": reinforced, "value": round(1.5 * troops)})
        for n, food in enumerate(foods):
            doc: dict[str, Any] = {
                "front": front,
                "commodity": food["id"],
                "troops": [dict(step) for step in steps],
                "ration_kg_per_person_day": food["ration"],
                "source": ESTIMATE,
            }
            if n == 0:
                doc["reserves"] = [
                    {"days_of_supply": 2.0, "by": START_DATE + dt.timedelta(days=days // 2)}
                ]
            out.append(doc)
    return out
