"""Protection against the expected threats: one unit against its closed form (in the
planner's expectations and in the simulator's draws), and the greedy allocation on the tiny
scenario."""

from __future__ import annotations

import numpy as np
import pytest

import supplyline as sl
from supplyline.network import compile_network
from supplyline.resilience.protect import allocate, candidates_to_protect, plan_on, protected


def test_one_unit_removes_its_share_of_the_threat(tiny: sl.Scenario) -> None:
    """On the pass, strikes come with probability 0.1 a day, take half the capacity for
    the one repair day and destroy a fifth of the cargo: air defence (half the strikes)
    gives back 0.1 × 0.2 / 2 of the cargo and 0.1 × 0.5 / 2 of the capacity, a repair crew
    (half the repair time) 0.1 × 0.5 / 2 of the capacity and no cargo."""
    net = compile_network(tiny)
    margin = 1.0 - tiny.policy.capacity_safety_margin
    arcs = np.array([net.route_ids[r] == "pass" for r in net.arc_route])
    air = protected(net, [("air", "pass")])
    assert np.allclose(air.cargo_loss[arcs], net.cargo_loss[arcs] - 0.1 * 0.2 / 2)
    # (A strike's damage holds from the next day: on the first day nothing was struck.)
    assert np.allclose(air.capacity_factor[arcs][:, 1:],
                       net.capacity_factor[arcs][:, 1:] + 0.1 * 0.5 / 2 * margin)
    assert np.array_equal(air.capacity_factor[arcs][:, 0], net.capacity_factor[arcs][:, 0])
    assert np.array_equal(air.cargo_loss[~arcs], net.cargo_loss[~arcs])
    assert np.array_equal(air.capacity_factor[~arcs], net.capacity_factor[~arcs])
    # The simulator draws from the sources: the pass now has one of its own, at half.
    own = [s for s in air.strikes if s.routes.tolist() == [net.route_index["pass"]]]
    assert len(own) == 1 and np.allclose(own[0].day_probability, 0.05)
    repair = protected(net, [("repair", "pass")])
    assert repair.repair_days[net.route_index["pass"]] == pytest.approx(0.5)
    assert np.allclose(repair.capacity_factor[arcs][:, 1:],
                       net.capacity_factor[arcs][:, 1:] + 0.1 * 0.5 / 2 * margin)
    assert np.array_equal(repair.cargo_loss, net.cargo_loss)
    both = protected(net, [("air", "pass"), ("air", "pass")])  # two units: a quarter left
    assert np.allclose(both.cargo_loss[arcs], net.cargo_loss[arcs] - 0.1 * 0.2 * 3 / 4)


def test_candidates_are_the_threatened_routes(tiny: sl.Scenario) -> None:
    net = compile_network(tiny)
    found = candidates_to_protect(net)
    assert {r for k, r in found if k == "guards"} == {"ban-a--relay", "ban-b--relay"}
    assert {r for k, r in found if k == "air"} == {"pass"}  # the one route air threatens
    assert ("air", "pass") in found and ("repair", "pass") in found
    assert not any(r == "relay--hospital" for _, r in found)  # sheltered, no raids


def test_protection_shows_in_the_simulation(tiny: sl.Scenario) -> None:
    """The same plan simulated on the network with air defence on the pass loses less."""
    from supplyline.simulate import simulate

    net = compile_network(tiny)
    plan = plan_on(net)
    guarded = plan_on(protected(net, [("air", "pass")]))
    lost = simulate(plan, runs=300, seed=3).kpis()["destroyed_t"]
    fewer = simulate(guarded, runs=300, seed=3).kpis()["destroyed_t"]
    assert fewer["value"] < lost["value"] - 3 * (fewer["se"] + lost["se"])


def test_allocation_puts_air_defence_on_the_pass(tiny: sl.Scenario) -> None:
    net = compile_network(tiny)
    out = allocate(net, {"air": 1, "guards": 1})
    kinds = {kind: route for kind, route, _, _ in out.picks}
    assert kinds.get("air") == "pass"
    assert out.objective < out.base_objective
    assert out.shortfall_t <= out.base_shortfall_t + 1e-6
    objectives = [out.base_objective] + [o for _, _, o, _ in out.picks]
    assert objectives == sorted(objectives, reverse=True)
    with pytest.raises(ValueError, match="protect: expected a kind of protection"):
        allocate(net, {"tanks": 1})


def test_allocation_says_what_it_left_and_why(tiny: sl.Scenario) -> None:
    """Units that find no route are named with the reason, never dropped in silence."""
    from supplyline.report.resilience import _allocation_words
    from supplyline.resilience.analysis import Resilience

    net = compile_network(tiny)
    guarded = sum(1 for k, _ in candidates_to_protect(net) if k == "guards")
    out = allocate(net, {"air": 3, "guards": guarded + 1})
    placed = {k: sum(1 for kind, _, _, _ in out.picks if kind == k) for k in ("air", "guards")}
    left = out.unplaced()
    assert placed["air"] == 1  # one route under air strikes, one unit a route
    assert left["air"] == (2, "the one route under air strikes has one")
    assert left["guards"][0] == guarded + 1 - placed["guards"] >= 1
    words = _allocation_words(Resilience(
        scenario="tiny", window=None, window_dates=None, base=None,  # type: ignore[arg-type]
        ranking=[], worst=[], seconds=0.0, solves=0, allocation=out))
    assert "Not placed: 2 air-defence units (the one route under air strikes has one)" in words
    assert "air on pass" in words  # a Resilience without its plan names routes by id


def test_allocation_without_any_threat_says_so(tiny: sl.Scenario) -> None:
    net = compile_network(tiny.model_copy(update={"threats": tiny.threats.model_copy(
        update={"sabotage": []})}))
    out = allocate(net, {"guards": 2})
    assert out.picks == [] and out.solves == 1
    assert out.unplaced() == {"guards": (2, "no route is under raids")}
