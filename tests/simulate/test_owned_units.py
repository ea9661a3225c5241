"""A home puts into service only the units it still has: a unit lost to a strike does not
come back when the plan takes its mode into service again."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

import supplyline as sl
from supplyline.simulate.compiled import compile_plan
from supplyline.simulate.engine import run_chunk
from tests.plan.builders import place, route, scenario, village
from tests.simulate.helpers import _mode

OWNED = 10.0


@functools.cache
def _released_and_taken_again() -> sl.Plan:
    """A village owns 10 bicycles; its front eats 200 kg a day for 5 days, nothing for 7,
    then 400 kg a day. Strikes on the one route in the first 5 days destroy half of what
    they hit, units too. The plan puts all 10 into service, releases them in the lull and
    takes 7 into service again."""
    sc = scenario([village("v", 0.0, 200_000.0, carriers={"bicycle": OWNED}),
                   place("front", "front", 0.5)],
                  [route("v", "front", 60.0, ["bicycle"], id="road")],
                  demand_kg_per_day=200.0, days=18, modes=[_mode("bicycle", 100, 40, 60, 0.7)],
                  threats={"air": [{"routes": ["road"], "capacity_lost_fraction": 0.0,
                                    "cargo_destroyed_fraction": 0.5,
                                    "windows": [{"start": "2020-01-01", "end": "2020-01-05",
                                                 "day_probability": 0.8}]}]})
    doc: dict[str, Any] = sc.model_dump(mode="json", exclude_unset=True)
    first = doc["demand"][0]
    doc["demand"] = [{**first, "end": "2020-01-05"},
                     {**first, "start": "2020-01-13", "kg_per_day": 400.0}]
    return sl.plan(sl.Scenario.model_validate(doc))


def test_a_home_never_sends_more_units_than_it_has_left() -> None:
    """The runs lost 6.5 of the 10 on average, and yet had sent up to 1.7 more bicycles a
    step after the strikes than they had left: the plan's recruits were added whatever had
    been lost (its shortfall 0.54 t against 1.61 t now)."""
    plan = _released_and_taken_again()
    recruited = plan.recruited_units[0, 0]
    assert recruited[:5].sum() > OWNED - 1e-6 and recruited[8:].sum() > 5.0  # (the case)
    assert plan.released_units[0, 0, :8].sum() > 8.0
    c = compile_plan(plan)
    out = run_chunk(c, 200, np.random.default_rng(1), trace=True)
    lost = out["units_lost"][:, 0]
    assert 5.0 < lost.mean() < 8.0
    from_home = plan.legs.origin[np.asarray(c.legs)] == 0
    sent = (out["trace_loaded"] + out["trace_empty"])[:, from_home, :].sum(axis=1)  # [R, S]
    # After the strikes (none after day 5) no step sends more than the run has left.
    assert (sent[:, 6:] <= (OWNED - lost)[:, None] + 1e-6).all()
    assert sent[:, 12:].sum(axis=1).max() > 0.0  # (what it has left, it still sends)


def test_without_losses_the_home_sends_what_the_plan_does() -> None:
    """Released units go back to their home and are taken again as planned: a run without
    threats and breakdowns sends the plan's units and counts its labour-days."""
    plan = _released_and_taken_again()
    c = compile_plan(plan)
    out = run_chunk(c, 1, np.random.default_rng(1), threats=False, breakdowns=False,
                    trace=True)
    legs = np.asarray(c.legs)
    np.testing.assert_allclose(out["trace_loaded"][0], plan.loaded_units[legs], atol=1e-9)
    np.testing.assert_allclose(out["trace_empty"][0], plan.empty_units[legs], atol=1e-9)
    np.testing.assert_allclose(out["labour_days"], c.labour_planned, rtol=1e-9)


def test_a_plan_from_a_state_run_from_its_own_start_counts_the_units_in_service() -> None:
    """A plan made from a State, run without the State (the plan's own start), started with
    no units in service: 1,318.6 labour-days against the plan's 1,568.1 with nothing gone
    wrong, the missing units counted as lost every day."""
    from tests.simulate.test_state import _quiet_network, _state

    net = _quiet_network(1)
    state = _state(net)
    assert state.in_service.sum() > 0  # (the case)
    plan = sl.plan(net, state=state)
    c = compile_plan(plan)
    out = run_chunk(c, 1, np.random.default_rng(0), threats=False, breakdowns=False)
    np.testing.assert_allclose(out["labour_days"], c.labour_planned, rtol=1e-9)
    np.testing.assert_allclose(np.asarray(c.serving), state.in_service.sum(axis=0),
                               atol=1e-6)


def test_a_home_owed_units_takes_them_back_when_they_are_there() -> None:
    """On a grid of 2-day steps a home may put units into service against the step's own
    release; where the release did not come (units late or lost) the home kept owing them
    with its units idle there, up to 3.7 bicycles a run (1,165 run-steps of 300 runs):
    more in service than it owned."""
    sc = sl.load("tutorial").replace({"threats.air[0].windows[0].day_probability": 0.6,
                                      "threats.air[0].cargo_destroyed_fraction": 0.6,
                                      "policy.step_days": 2})
    plan = sl.plan(sc)
    net = plan.network
    owned = np.nonzero(net.owned_units)[0]
    assert np.minimum(plan.recruited_units, plan.released_units)[:, owned].max() > 1.0
    out = run_chunk(compile_plan(plan), 300, np.random.default_rng(1), trace=True)
    at_home = out["trace_at_home"][:, :, owned]
    idle = out["trace_idle"][:, :, owned]
    assert at_home.min() < -1.0  # (homes are owed units)
    assert not ((at_home < -1e-6) & (idle > 1e-6)).any()
    assert (out["trace_serving"][:, owned] <= net.carriers_owned[:, owned].sum(axis=0)[
        None, :, None] + 1e-6).all()
