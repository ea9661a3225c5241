"""Every way into the re-check by simulation draws from the same seed unless told: the
command line's, ``resilience()``'s and ``analyse()``'s, that of every simulation."""

from __future__ import annotations

import supplyline as sl
from supplyline.network import compile_network
from supplyline.resilience import resilience
from supplyline.resilience.analysis import analyse
from supplyline.simulate import SEED


def test_analyse_simulates_with_every_simulations_seed(tiny: sl.Scenario) -> None:
    """analyse() drew from seed 1 where resilience() and --simulate draw from SEED (0): the
    same analysis gave other simulated figures, and said another seed, by the way it was
    called."""
    res = analyse(compile_network(tiny), k=1, simulate_runs=30)
    assert res.simulated_seed == SEED
    again = resilience(tiny, k=1, simulate_runs=30)
    assert [c.to_dict() for c in res.simulated] == [c.to_dict() for c in again.simulated]
