"""Rules the planner's rows, its objective and the plan's results share, read from one place:
each reader is checked against the rule itself, so that a copy that drifted would fail."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import cast

import numpy as np
import pytest
import scipy.sparse as sp

import supplyline as sl
from supplyline.accounting import waiting_food, waiting_ration
from supplyline.plan.constraints import RowBlock
from supplyline.plan.model import LinearProgram, build_lp
from tests.plan.builders import place, route, scenario, village


@pytest.fixture(scope="module")
def small() -> tuple[LinearProgram, sl.Plan]:
    """Three villages (one of two region tags, one of another, one untagged) give porters
    and rice to a front through a depot over 10 days, and road work on the last route: the
    plan has units waiting, road workers and a region that gives nothing. Its LP and plan."""
    places = [village("a", 0.0, 5000.0, regions=["north", "hills"]),
              village("b", 0.1, 5000.0, regions=["south"]), village("c", 0.15, 100.0),
              place("d", "depot", 0.2), place("f", "front", 0.3)]
    routes = [route("a", "d", 30.0), route("b", "d", 40.0), route("c", "d", 10.0),
              route("d", "f", 25.0, id="last")]
    works = [{"route": "last", "crew_days": 40.0, "start": "2020-01-03", "by": "2020-01-08"}]
    plan = sl.plan(scenario(places, routes, 50.0, days=10, road_works=works))
    return build_lp(plan.network), plan


def _block(lp: LinearProgram, family: str) -> tuple[RowBlock, sp.csr_matrix]:
    """The rows of a family and their coefficients [rows, columns] (duplicates summed)."""
    block = next(b for b in lp.assembled.blocks if b.family == family)
    matrix = sp.csr_matrix((block.val, (block.row, block.col)),
                           shape=(block.n_rows, lp.n_columns))
    matrix.sum_duplicates()
    return block, matrix


def test_a_waiting_unit_day_eats_the_modes_ration_wherever_it_is_read(
        small: tuple[LinearProgram, sl.Plan]) -> None:
    """The stock balance draws, the objective charges and the plan reports what waiting
    eats by :func:`waiting_ration`, one rule."""
    lp, plan = small
    net, v = lp.net, lp.variables
    ration = waiting_ration(net, v.goods)  # [M, G]
    assert ration.shape == (net.n_modes, v.goods.size) and (ration > 0).any()

    block, matrix = _block(lp, "stock_balance")
    row = {tuple(k): i for i, k in enumerate(block.keys)}  # (place, good, step)
    checked = 0
    for p, m, s in np.argwhere(v.waiting >= 0):
        for g in range(v.goods.size):
            coef = matrix[row[(p, g, s)], v.waiting[p, m, s]] if (p, g, s) in row else 0.0
            assert coef == ration[m, g], (p, m, g, s)
            checked += 1
    assert checked > 0

    eat = lp.cost[v.waiting[v.waiting >= 0]]
    modes = np.nonzero(v.waiting >= 0)[1]
    np.testing.assert_array_equal(eat, net.weights.eaten_per_kg * ration.sum(axis=1)[modes])

    eaten = waiting_food(plan.network, plan.goods, plan.waiting_unit_days)
    assert eaten.sum() > 0
    np.testing.assert_array_equal(plan.waiting_rations_kg(),
                                  np.maximum(eaten - plan.waiting_unfed_kg, 0.0))


def test_every_reader_of_the_waiting_ration_follows_the_rule_when_it_changes(
        small: tuple[LinearProgram, sl.Plan], monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader that kept a copy of the rule (indexing the modes' rations itself) gives the
    same numbers as the rule does, so the test above cannot tell it: here the rule is made
    to say twice the ration, and every reader must follow it."""
    import importlib

    # (supplyline.plan and supplyline.simulate are functions too: modules by their names)
    accounting, constraints, model, compiled = (importlib.import_module(f"supplyline.{name}")
                                                for name in ("accounting", "plan.constraints",
                                                             "plan.model",
                                                             "simulate.compiled"))

    _lp, plan = small
    net = plan.network
    rule = accounting.waiting_ration

    def doubled(network: sl.Network, goods: np.ndarray) -> np.ndarray:
        return 2.0 * rule(network, goods)

    for module in (accounting, constraints, model, compiled):
        monkeypatch.setattr(module, "waiting_ration", doubled)
    lp = build_lp(net)
    v = lp.variables
    ration = rule(net, v.goods)
    block, matrix = _block(lp, "stock_balance")
    row = {tuple(k): i for i, k in enumerate(block.keys)}
    p, m, s = next((p, m, s) for p, m, s in np.argwhere(v.waiting >= 0)
                   if (p, 0, s) in row and ration[m, 0] > 0)
    assert matrix[row[(p, 0, s)], v.waiting[p, m, s]] == 2.0 * ration[m, 0]
    assert lp.cost[v.waiting[p, m, s]] == net.weights.eaten_per_kg * 2.0 * ration[m].sum()
    eaten = plan.waiting_rations_kg() + plan.waiting_unfed_kg
    assert eaten.sum() > 0
    np.testing.assert_allclose(
        eaten, 2.0 * plan.waiting_unit_days[:, :, None, :] * ration[None, :, :, None])
    np.testing.assert_array_equal(compiled.compile_plan(plan).rations, 2.0 * ration)


def test_the_persons_a_locality_gives_are_those_its_fairness_row_counts(
        small: tuple[LinearProgram, sl.Plan]) -> None:
    """Plan.persons_serving (the labour burden, the mobilization table) counts the persons
    the LP's labour fairness row bounds: its row, read at the plan's units put into service
    and road work person-days, gives each locality's crews and road workers."""
    lp, plan = small
    v = lp.variables
    x = np.zeros(lp.n_columns)
    for idx, value in ((v.recruited_so_far[:, :, -1], plan.recruited_units.sum(axis=2)),
                       (v.road_work_from, plan.road_work_from)):
        laid = idx >= 0  # (-1: no column; x[-1] had taken its value)
        x[idx[laid]] = value[laid]
    block, matrix = _block(lp, "labour_fairness")
    counted = matrix @ x
    crews, road = plan.persons_serving()
    assert crews.sum() > 0 and road.sum() > 0
    places = block.keys[:, 0]
    np.testing.assert_allclose(counted, (crews + road)[places], rtol=1e-12, atol=0.0)
    assert not (crews + road)[np.setdiff1d(np.arange(plan.network.n_places), places)].any()


def test_every_region_of_the_localities_is_in_the_key_figures_at_0_where_none_gave(
        small: tuple[LinearProgram, sl.Plan]) -> None:
    """The key figures listed only the regions that gave, a sweep's records every region
    at 0 where none gave, each by its own copy of the rule of a place's regions: both now
    read Network.regions_of and list every region of the localities (the village of
    'south' gives nothing here; the untagged one counts under UNTAGGED), and a comparison
    counts a scenario's regions by the same rule (an untagged front is no region)."""
    from supplyline.network import UNTAGGED
    from supplyline.report.compare import _regions_of, plan_record

    _lp, plan = small
    net = plan.network
    assert [net.regions_of(p) for p in range(net.n_places)] == [
        ["hills", "north"], ["south"], [UNTAGGED], [UNTAGGED], [UNTAGGED]]
    assert net.locality_regions() == ["hills", "north", "south", UNTAGGED]
    kpis = plan.kpis()
    regions = kpis["mobilized_by_region_t"]
    assert list(regions) == net.locality_regions() and regions["south"] == 0.0
    assert regions["hills"] == regions["north"] > 0 and regions[UNTAGGED] > 0
    given = plan.mobilized_kg().sum(axis=1) / 1000.0
    assert regions["hills"] + regions[UNTAGGED] == pytest.approx(kpis["mobilized_t"])
    assert regions[UNTAGGED] == pytest.approx(given[2])
    assert plan_record(plan)["mobilized_by_region_t"] == regions
    assert _regions_of(plan) == set(regions)
    # With every village tagged, the untagged depot and front make no "(untagged)" region.
    tagged = dataclasses.replace(net, place_regions=[
        *net.place_regions[:2], frozenset({"south"}), *net.place_regions[3:]])
    assert tagged.locality_regions() == ["hills", "north", "south"]
    assert _regions_of(cast(sl.Plan, SimpleNamespace(network=tagged))) == {
        "hills", "north", "south"}
