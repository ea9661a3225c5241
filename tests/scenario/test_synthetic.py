"""The synthetic scenario generator: valid, deterministic, sized as asked, and plannable."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
import yaml
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from supplyline.network import compile_network
from supplyline.plan import plan
from supplyline.plan.model import build_lp
from supplyline.scenario.load import load_text
from supplyline.scenario.synthetic import (
    COMMODITY_PALETTE,
    MODE_PALETTE,
    synthetic_document,
    synthetic_scenario,
)


@pytest.mark.parametrize(
    ("places", "days", "modes", "commodities", "seed"),
    [(3, 2, 1, 1, 0), (12, 20, 3, 2, 1), (40, 15, 5, 5, 2), (70, 5, 4, 3, 3)],
)
def test_scenario_passes_schema_and_cross_reference_checks(
    places: int, days: int, modes: int, commodities: int, seed: int
) -> None:
    doc = synthetic_document(places, days, modes, commodities, seed)
    sc = load_text(yaml.safe_dump(doc, sort_keys=False), "synthetic.yaml")
    assert len(sc.places) == places
    assert sc.days == days
    assert [m.id for m in sc.modes] == [m["id"] for m in MODE_PALETTE[:modes]]
    foods = [c["id"] for c in COMMODITY_PALETTE[:commodities]]
    fuel = ["fuel"] if any(m.fuel_commodity for m in sc.modes) else []
    assert [c.id for c in sc.commodities] == foods + fuel
    kinds = {p.kind for p in sc.places}
    assert {"front", "depot", "locality"} <= kinds


def test_same_arguments_give_the_same_scenario() -> None:
    first = synthetic_scenario(30, 10, seed=7)
    assert synthetic_scenario(30, 10, seed=7) == first
    assert synthetic_scenario(30, 10, seed=8) != first


@pytest.mark.parametrize(("args", "digest"), [
    ((30, 10, 3, 2, 7), "1d0f14bb7d6df782"),
    ((100, 10, 3, 2, 3), "27d5e3a347f306c8"),
    ((200, 10, 3, 2, 2), "6405081a575957d3"),
])
def test_route_lengths_are_the_ones_a_seed_always_gave(args: tuple[int, ...],
                                                       digest: str) -> None:
    """The generator measures its routes by the scenario's one great-circle formula (it
    had its own copy) on its own sphere of 6371 km: the routes of a seed are as before. (On
    the mean radius, 6371.0088 km, a route of the second and the third is 0.1 km longer.)"""
    routes = [(r["from"], r["to"], r["length_km"]) for r in synthetic_document(*args)["routes"]]
    assert hashlib.sha256(json.dumps(routes).encode()).hexdigest()[:16] == digest


def test_network_is_connected() -> None:
    net = compile_network(synthetic_scenario(60, 5, seed=4))
    # Porters may use every route: every place must reach every other through them.
    n = net.n_places
    graph = coo_matrix((np.ones(net.n_arcs), (net.arc_from, net.arc_to)), shape=(n, n))
    count, _ = connected_components(graph, directed=False)
    assert count == 1
    assert (net.arc_allows[:, net.mode_ids.index("porter")]).all()


def test_routes_scale_with_places() -> None:
    small = synthetic_scenario(20, 5, routes_per_place=1.5)
    large = synthetic_scenario(200, 5, routes_per_place=1.5)
    assert len(small.routes) == 30
    assert len(large.routes) == 300
    sparse = synthetic_scenario(200, 5, routes_per_place=0.5)
    assert len(sparse.routes) == 199  # never fewer than a spanning tree


def test_planner_columns_grow_with_places_and_days() -> None:
    def columns(places: int, days: int) -> int:
        return build_lp(compile_network(synthetic_scenario(places, days))).n_columns

    base = columns(12, 20)
    assert 5_000 < base < 20_000
    assert columns(24, 20) > 1.6 * base
    assert columns(12, 40) > 1.6 * base


def test_tiny_instance_plans_to_optimal() -> None:
    result = plan(synthetic_scenario(8, 12, seed=5))
    assert result.status == "optimal"
    assert result.consumed_kg.sum() > 0


@pytest.mark.parametrize(
    ("argument", "value"),
    [("places", 2), ("days", 1), ("modes", 0), ("modes", 6), ("commodities", 0),
     ("routes_per_place", 0.0)],
)
def test_out_of_range_arguments_are_refused(argument: str, value: float) -> None:
    args: dict[str, float] = {"places": 10, "days": 5}
    args[argument] = value
    with pytest.raises(ValueError, match=argument):
        synthetic_document(**args)  # type: ignore[arg-type]
