"""Protection against the expected threats: the effects of one unit against their closed
forms, and the greedy allocation on the tiny scenario."""

from __future__ import annotations

import numpy as np
import pytest

import supplyline as sl
from supplyline.network import compile_network
from supplyline.resilience.protect import allocate, protected, protection_effects


def test_one_unit_removes_its_share_of_the_threat(tiny: sl.Scenario) -> None:
    """On the pass, strikes come with probability 0.1 a day, take half the capacity for
    the one repair day and destroy a fifth of the cargo: air defence (half the strikes)
    gives back 0.1 × 0.2 / 2 of the cargo and 0.1 × 0.5 / 2 of the capacity, a repair crew
    (half the repair time) 0.1 × 0.5 / 2 of the capacity and no cargo."""
    net = compile_network(tiny)
    margin = 1.0 - tiny.policy.capacity_safety_margin
    effects = protection_effects(net)
    arcs = np.array([net.route_ids[r] == "pass" for r in net.arc_route])
    d_factor, d_loss = effects[("air", "pass")]
    assert np.allclose(d_loss[arcs], -0.1 * 0.2 / 2)
    assert np.allclose(d_factor[arcs], 0.1 * 0.5 / 2 * margin)
    assert not d_factor[~arcs].any() and not d_loss[~arcs].any()
    d_factor, d_loss = effects[("repair", "pass")]
    assert np.allclose(d_factor[arcs], 0.1 * 0.5 / 2 * margin) and not d_loss.any()
    # Raids hit the routes touching the northwest villages only.
    guarded = {route for kind, route in effects if kind == "guards"}
    assert guarded == {"ban-a--relay", "ban-b--relay"}
    # Routes away from every threat take no protection.
    assert not any(route == "relay--hospital" for _, route in effects)
    net2 = protected(net, effects, [("air", "pass")])
    assert np.allclose(net2.cargo_loss[arcs], net.cargo_loss[arcs] - 0.01)


def test_allocation_puts_air_defence_on_the_pass(tiny: sl.Scenario) -> None:
    net = compile_network(tiny)
    out = allocate(net, {"air": 1, "guards": 1})
    kinds = {kind: route for kind, route, _, _ in out.picks}
    assert kinds.get("air") == "pass"
    assert out.objective < out.base_objective
    assert out.shortfall_t <= out.base_shortfall_t + 1e-6
    objectives = [out.base_objective] + [o for _, _, o, _ in out.picks]
    assert objectives == sorted(objectives, reverse=True)
    with pytest.raises(ValueError, match="protection budget"):
        allocate(net, {"tanks": 1})
