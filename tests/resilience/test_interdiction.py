"""The aggregated interdiction model: closed forms, known minimum cuts, and the exact MIP
against brute force over every k-subset."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from supplyline.network import compile_network
from supplyline.resilience.interdiction import (
    Aggregate,
    aggregate,
    brute_force,
    gains,
    greedy_cuts,
    next_worst_cuts,
    shortfall,
    worst_cuts,
)
from tests.plan.builders import PORTER, place, route, scenario, village

CART: dict[str, Any] = {  # eats nothing, burns nothing: a gain of exactly 1
    "id": "cart", "payload_kg": 100.0, "speed_loaded_km_per_day": 50.0,
    "speed_empty_km_per_day": 50.0, "crew_per_unit": 1.0, "units_from": "labour",
}


def test_flow_with_losses_against_its_closed_form() -> None:
    """A porter of payload L eating r a day on a leg of T days loaded and T' empty (the way
    back fed there) leaves L − r·(T + T') of each L sent; two legs in series multiply."""
    stock = 10_000.0
    sc = scenario(
        [village("v", 0.0, stock), place("j", "junction", 0.5), place("front", "front", 1.0)],
        [route("v", "j", 40.0), route("j", "front", 60.0)],
        demand_kg_per_day=10_000.0, days=30)
    net = compile_network(sc)
    gain, _ = gains(net)
    L, r = PORTER["payload_kg"], PORTER["rations_kg_per_day"]["rice"]

    def g(km: float) -> float:
        return (L - r * (km / PORTER["speed_loaded_km_per_day"]
                         + km / PORTER["speed_empty_km_per_day"])) / L

    first = np.nonzero((net.arc_from == 0) & (net.arc_to == 1))[0][0]
    second = np.nonzero((net.arc_from == 1) & (net.arc_to == 2))[0][0]
    assert gain[first] == pytest.approx(g(40.0), rel=1e-9)
    assert gain[second] == pytest.approx(g(60.0), rel=1e-9)
    agg = aggregate(net)
    supplied = float(agg.supply_kg[0, 0])
    demand = float(agg.demand_kg.sum())
    assert shortfall(agg) == pytest.approx(demand - supplied * g(40.0) * g(60.0), rel=1e-9)


def _series() -> Aggregate:
    sc = scenario(
        [village("v", 0.0, 5_000.0), place("j", "junction", 0.5),
         place("front", "front", 1.0, stock_kg={"rice": 300.0})],
        [route("v", "j", 10.0), route("j", "front", 10.0)],
        demand_kg_per_day=1_000.0, days=20)
    return aggregate(compile_network(sc))


def test_cutting_a_bridge_loses_everything_but_the_front_stock() -> None:
    agg = _series()
    demand = float(agg.demand_kg.sum())
    for r in agg.route_ids:
        assert shortfall(agg, [r]) == pytest.approx(demand - 300.0, rel=1e-9)
    worst = worst_cuts(agg, 1, places=["j"])
    assert worst.shortfall_kg == pytest.approx(demand - 300.0, rel=1e-6)
    assert worst.gap <= 1e-6 and worst.bound_kg >= worst.shortfall_kg


def _parallel(capacity_t: float) -> Aggregate:
    sc = scenario(
        [village("v", 0.0, 5_000.0), place("front", "front", 1.0)],
        [route("v", "front", 10.0, id="north", capacity_tonnes_per_day=capacity_t,
               modes=["cart"]),
         route("v", "front", 10.0, id="south", capacity_tonnes_per_day=capacity_t,
               modes=["cart"])],
        demand_kg_per_day=100.0, days=20, modes=[CART])
    return aggregate(compile_network(sc))


def test_one_of_two_equal_parallel_routes_loses_nothing_while_the_other_has_room() -> None:
    agg = _parallel(capacity_t=1.0)  # 20 t over the horizon each, 2 t needed
    assert shortfall(agg) == pytest.approx(0.0, abs=1e-9)
    worst = worst_cuts(agg, 1)
    assert worst.shortfall_kg == pytest.approx(0.0, abs=1e-6)
    assert worst_cuts(agg, 2).shortfall_kg == pytest.approx(2_000.0, rel=1e-6)
    tight = _parallel(capacity_t=0.05)  # 1 t each: cutting one loses 1 t
    assert worst_cuts(tight, 1).shortfall_kg == pytest.approx(1_000.0, rel=1e-6)


def _min_cut_graph() -> Aggregate:
    """s→a 3, s→b 2, a→b 1, a→t 2, b→t 3 (tonnes a day, one way, gain 1): the maximum flow
    and the minimum cut are 5; cutting s→a or b→t alone leaves 2, any two of the cut
    {s→a, s→b} or {a→t, b→t} leaves nothing."""
    edges = [("s", "a", 3.0), ("s", "b", 2.0), ("a", "b", 1.0), ("a", "t", 2.0),
             ("b", "t", 3.0)]
    sc = scenario(
        [village("s", 0.0, 1e6), place("a", "junction", 0.3), place("b", "junction", 0.6),
         place("t", "front", 1.0)],
        [route(f, t, 10.0, id=f"{f}{t}", modes=["cart"], one_way=True,
               capacity_tonnes_per_day=c) for f, t, c in edges],
        demand_kg_per_day=100_000.0, days=1, modes=[CART])
    return aggregate(compile_network(sc))


def test_worst_k_cut_equals_the_known_minimum_cut() -> None:
    agg = _min_cut_graph()
    demand = float(agg.demand_kg.sum())
    assert demand - shortfall(agg) == pytest.approx(5_000.0, rel=1e-9)
    one = worst_cuts(agg, 1)
    assert demand - one.shortfall_kg == pytest.approx(2_000.0, rel=1e-6)
    assert set(one.routes) <= {"sa", "bt"}
    two = worst_cuts(agg, 2)
    assert two.shortfall_kg == pytest.approx(demand, rel=1e-9)
    assert set(two.routes) in ({"sa", "sb"}, {"at", "bt"})
    assert two.gap <= 1e-6


def _random(seed: int) -> Aggregate:
    """A random network of 7 places and 10-12 routes, two goods, two fronts."""
    rng = np.random.default_rng(seed)
    n_p = 7
    n_r = int(rng.integers(10, 13))
    pairs = [(int(a), int(b)) for a, b in rng.integers(0, n_p, size=(n_r * 3, 2)) if a != b]
    pairs = pairs[:n_r]
    arc_from, arc_to, arc_route = [], [], []
    for r, (a, b) in enumerate(pairs):
        arc_from += [a, b]
        arc_to += [b, a]
        arc_route += [r, r]
    n_a = len(arc_from)
    capacity = rng.uniform(50, 400, n_a)
    capacity[rng.random(n_a) < 0.3] = np.inf
    supply = np.zeros((n_p, 2))
    supply[:3] = rng.uniform(100, 800, (3, 2))
    demand = np.zeros((n_p, 2))
    demand[5:] = rng.uniform(100, 600, (2, 2))
    return Aggregate(
        place_ids=[f"p{i}" for i in range(n_p)], route_ids=[f"r{i}" for i in range(n_r)],
        goods=["rice", "ammo"], supply_kg=supply, demand_kg=demand,
        arc_from=np.array(arc_from), arc_to=np.array(arc_to), arc_route=np.array(arc_route),
        gain=rng.uniform(0.6, 1.0, n_a), capacity_kg=capacity)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("k", [1, 2, 3])
def test_exact_worst_k_equals_brute_force(seed: int, k: int) -> None:
    agg = _random(seed)
    places = ["p3", "p4"]
    worst = worst_cuts(agg, k, places=places)
    _ids, value = brute_force(agg, k, places=places)
    assert worst.shortfall_kg == pytest.approx(value, rel=1e-6, abs=1e-6)
    # The set it names leaves that shortfall when cut.
    assert shortfall(agg, worst.routes, worst.places) == pytest.approx(value, rel=1e-6,
                                                                      abs=1e-6)
    assert worst.gap <= 1e-6 and worst.bound_kg >= worst.shortfall_kg - 1e-6
    chosen, greedy = greedy_cuts(agg, k, places=places)
    assert len(chosen) <= k and greedy <= value + 1e-6


@pytest.mark.parametrize("seed", range(4))
def test_the_greedy_search_takes_only_cuts_that_add_shortfall(seed: int) -> None:
    """It had taken k cuts, even ones that add nothing: each cut it takes adds shortfall,
    and with more cuts allowed than add any, it stops (the exact model's sets are of at
    most k cuts too)."""
    agg = _random(seed)
    places = ["p3", "p4"]
    everything = len(agg.route_ids) + len(places)
    chosen, value = greedy_cuts(agg, everything, places=places)
    assert len(chosen) < everything
    routes = [c for c in chosen if c in agg.route_ids]
    hit = [c for c in chosen if c not in agg.route_ids]
    steps = [shortfall(agg, [r for r in routes if chosen.index(r) < n],
                       [p for p in hit if chosen.index(p) < n]) for n in range(len(chosen) + 1)]
    assert all(b > a for a, b in itertools.pairwise(steps))
    assert steps[-1] == pytest.approx(value)


def test_excluded_sets_give_the_next_worst() -> None:
    agg = _min_cut_graph()
    first = worst_cuts(agg, 2)
    second = worst_cuts(agg, 2, exclude=[first.ids])
    assert set(second.ids) != set(first.ids)
    assert second.shortfall_kg <= first.shortfall_kg + 1e-6


def _brute_defence(agg: Aggregate, k: int, budget: int, places: list[str]) -> float:
    import itertools

    items = list(agg.route_ids) + places
    best = float("inf")
    for size in range(budget + 1):
        for protected in itertools.combinations(items, size):
            left_r = [r for r in agg.route_ids if r not in protected]
            left_p = [p for p in places if p not in protected]
            best = min(best, worst_cuts(agg, k, left_r, left_p).shortfall_kg)
    return best


@pytest.mark.parametrize("seed", [0])
def test_best_defence_equals_brute_force(seed: int) -> None:
    from supplyline.resilience.protect import best_defence

    agg = _random(seed)
    d = best_defence(agg, k=2, budget=2, places=["p3"])
    assert d.attack.shortfall_kg == pytest.approx(_brute_defence(agg, 2, 2, ["p3"]),
                                                  rel=1e-6, abs=1e-6)
    assert d.saved_kg >= -1e-6 and len(d.protected) <= 2
    assert not set(d.protected) & set(d.attack.ids)  # protected ones are not cut


def test_protecting_the_min_cut_graph() -> None:
    """Single cuts of s→a or b→t leave 2 t a day of 5. Protecting one of them alone does not
    help (the attacker cuts the other); protecting both leaves a→t or s→b as the worst
    cut, 3 t a day kept."""
    from supplyline.resilience.protect import best_defence

    agg = _min_cut_graph()
    demand = float(agg.demand_kg.sum())
    one = best_defence(agg, k=1, budget=1)
    assert one.protected == () and one.saved_kg == pytest.approx(0.0, abs=1e-6)
    assert demand - one.attack.shortfall_kg == pytest.approx(2_000.0, rel=1e-6)
    two = best_defence(agg, k=1, budget=2)
    assert set(two.protected) == {"sa", "bt"}
    assert demand - two.attack.shortfall_kg == pytest.approx(3_000.0, rel=1e-6)
    assert two.saved_kg == pytest.approx(1_000.0, rel=1e-6)


def test_a_budget_that_protects_every_route_leaves_nothing_to_cut() -> None:
    """With every route protected the attacker's model has no binaries: HiGHS answers an LP
    without a MIP bound (a traceback before); the worst cut is none, the shortfall that of
    the network as it is."""
    from supplyline.resilience.protect import best_defence

    agg = _min_cut_graph()
    nothing = worst_cuts(agg, 2, routes=[])
    assert nothing.ids == () and nothing.gap == 0.0
    assert nothing.shortfall_kg == pytest.approx(float(agg.demand_kg.sum()) - 5_000.0, abs=1e-6)
    every = best_defence(agg, k=1, budget=len(agg.route_ids))
    assert every.attack.shortfall_kg <= nothing.shortfall_kg + 1e-6


def test_when_every_set_is_excluded_there_is_no_next_worst() -> None:
    """Excluding the sets found one by one ends: with the empty set and every set of at most
    k cuts excluded, no set is left (it was an infeasible model and a traceback)."""
    agg = _min_cut_graph()
    found: list[tuple[str, ...]] = []
    while (nxt := next_worst_cuts(agg, 1, exclude=found)) is not None:
        assert nxt.ids not in found
        found.append(nxt.ids)
        assert len(found) <= len(agg.route_ids) + 1
    assert sorted(found) == sorted([(), *((r,) for r in agg.route_ids)])
    with pytest.raises(ValueError, match="every set of cuts is excluded"):
        worst_cuts(agg, 1, exclude=found)
