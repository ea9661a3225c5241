"""N-1 on series and parallel networks whose answers are known by hand."""

from __future__ import annotations

import dataclasses
import html
from typing import Any

import pytest

import supplyline as sl
from supplyline.network import compile_network
from supplyline.plan.session import Session
from supplyline.resilience.cuts import candidates, figures_of, n_minus_1
from tests.plan.builders import place, route, scenario, village


def _session(sc: sl.Scenario) -> tuple[Session, Any, Any]:
    s = Session.of(compile_network(sc))
    out = s.solve()
    assert out.ok
    return s, figures_of(s.plan(out)), out.x


def series(capacity_t: float | None = None) -> sl.Scenario:
    """A village feeds the front through a junction: both routes are bridges. A capacity
    of the demand's rate on the last leg keeps the front from stocking up ahead."""
    last = {} if capacity_t is None else {"capacity_tonnes_per_day": capacity_t}
    return scenario(
        [village("v", 0.0, 50_000.0), place("j", "junction", 0.5),
         place("front", "front", 1.0)],
        [route("v", "j", 20.0), route("j", "front", 20.0, **last)],
        demand_kg_per_day=200.0, days=20)


def parallel(capacity_t: float) -> sl.Scenario:
    """Two equal routes from the village to the front, each carrying up to capacity_t."""
    return scenario(
        [village("v", 0.0, 50_000.0), place("front", "front", 1.0)],
        [route("v", "front", 20.0, id="north", capacity_tonnes_per_day=capacity_t),
         route("v", "front", 20.0, id="south", capacity_tonnes_per_day=capacity_t)],
        demand_kg_per_day=200.0, days=20)


def test_cutting_a_bridge_loses_everything_it_carried() -> None:
    s, base, x = _session(series())
    delivered_t = (base.short_kg.size and
                   float(s.net.demand_kg.sum() / 1000.0) - base.shortfall_t)
    assert delivered_t > 1.0
    ranked = n_minus_1(s, base, x)
    by_id = {i.ids: i for i in ranked}
    for r in ("v--j", "j--front"):
        impact = by_id[(r,)]
        assert impact.solved and impact.status == "optimal"
        assert impact.extra_shortfall_t == pytest.approx(delivered_t, rel=1e-6)
        assert impact.extra_by_front["front"]["rice"] == pytest.approx(delivered_t, rel=1e-6)
        assert impact.extra_labour_days < 0  # nobody carries any more
        assert impact.reserve_days["front"] is not None
    assert by_id[("j",)].extra_shortfall_t == pytest.approx(delivered_t, rel=1e-6)
    assert by_id[("v",)].extra_shortfall_t == pytest.approx(delivered_t, rel=1e-6)
    # The village has one route: cutting it forbids the same trips, solved once.
    assert by_id[("v",)].notes == ["forbids the same trips as v--j"]
    assert by_id[("v",)].kind == "place" and by_id[("v",)].seconds == 0.0
    assert ranked[0].extra_shortfall_t == pytest.approx(delivered_t, rel=1e-6)


def test_a_window_cut_loses_only_its_days() -> None:
    """The plan knows the cut ahead: with no room to stock up, it loses the window's days."""
    s, base, x = _session(series(capacity_t=0.2))
    whole = n_minus_1(s, base, x, routes=["j--front"], places=[])[0]
    part = n_minus_1(s, base, x, routes=["j--front"], places=[], window=(10, 13))[0]
    assert 0.8 - 0.2 <= part.extra_shortfall_t <= 0.8 + 0.4 < whole.extra_shortfall_t
    days = part.reserve_days["front"]
    assert days is not None and 0 <= days <= 4


@pytest.mark.parametrize("capacity_t", [1.0, 0.1])
def test_one_of_two_parallel_routes(capacity_t: float) -> None:
    """With room for everything on either route, cutting one loses nothing; with room for
    half, it loses what it carried."""
    s, base, x = _session(parallel(capacity_t))
    ranked = n_minus_1(s, base, x, places=[])
    assert {i.ids for i in ranked} == {("north",), ("south",)}
    if capacity_t >= 0.2:
        for impact in ranked:
            assert impact.extra_shortfall_t == pytest.approx(0.0, abs=1e-6)
    else:
        for impact in ranked:
            assert impact.extra_shortfall_t > 0.5


def test_candidates_leave_out_the_fronts() -> None:
    net = compile_network(series())
    routes, places = candidates(net)
    assert routes == ["v--j", "j--front"] and places == ["v", "j"]


def test_cuts_in_processes_equal_cuts_in_turn(tiny: sl.Scenario) -> None:
    """Solved from scratch in two processes, the ranking is the one solved in turn."""
    s = Session.of(compile_network(tiny), resolve="cold")
    out = s.solve()
    base = figures_of(s.plan(out))
    assert out.x is not None
    serial = n_minus_1(s, base, out.x)
    parallel = n_minus_1(s, base, out.x, jobs=2)
    assert [i.ids for i in parallel] == [i.ids for i in serial]
    for a, b in zip(parallel, serial, strict=True):
        assert a.extra_shortfall_t == pytest.approx(b.extra_shortfall_t, rel=1e-6, abs=1e-6)
        assert a.extra_objective == pytest.approx(b.extra_objective, rel=1e-6, abs=1e-3)


def test_the_python_api_ranks_and_tabulates(tiny: sl.Scenario) -> None:
    from supplyline.resilience import resilience

    res = resilience(tiny, k=2, window=(2, 6))
    assert res.window == (2, 6) and res.window_dates == ("1954-03-03", "1954-03-07")
    frame = res.to_frame()
    assert list(frame["ids"]) == [" + ".join(i.ids) for i in res.ranking]
    assert frame["extra_shortfall_t"].is_monotonic_decreasing
    assert "10 cuts ranked" in repr(res)
    # The three worst single cuts read as such, and the worst set as a set (it read as one
    # set of the three worst single cuts).
    worst = res.worst[-1].worst
    assert worst is not None
    assert (f"the worst alone {', '.join(' + '.join(i.ids) for i in res.ranking[:3])}; "
            f"worst set of {res.worst[-1].k}: {' + '.join(worst.ids)};") in repr(res)
    # A notebook shows the ranking and the worst sets, as the report's tables.
    shown = res._repr_html_()
    assert shown.count("<tr>") == 1 + len(res.ranking) + 1 + len(res.worst)
    assert "Cut one at a time" in shown and "Worst sets of k cuts" in shown
    assert html.escape(" + ".join(res.ranking[0].names)) in shown
    # The first cuts only, the rest said; names from the scenario escaped.
    from supplyline.report.resilience import resilience_html

    odd = dataclasses.replace(res.ranking[0], names=("<b>Pass</b> & 'gorge'",))
    few = resilience_html(dataclasses.replace(res, ranking=[odd, *res.ranking[1:]]), count=3)
    assert few.count("<tr>") == 1 + 3 + 1 + len(res.worst)
    assert "7 more cuts rank below these: <code>to_frame()</code> has all." in few
    assert "&lt;b&gt;Pass&lt;/b&gt; &amp; &#x27;gorge&#x27;" in few and "<b>Pass" not in few


def test_cuts_are_named_for_a_reader_and_kept_by_id() -> None:
    """A route without a name is called after its places, a place by its name; the ids stay
    in ``ids`` for the export and the command line."""
    sc = series()
    places = [{**p, "name": n} for p, n in zip(
        [p.model_dump(by_alias=True, exclude_none=True) for p in sc.places],
        ["Upper village", "Junction", "The front"], strict=True)]
    named = sl.Scenario.model_validate({**sc.model_dump(by_alias=True, exclude_none=True),
                                        "places": places})
    s, base, x = _session(named)
    by_id = {i.ids: i for i in n_minus_1(s, base, x)}
    assert by_id[("v--j",)].names == ("Upper village – Junction",)
    assert by_id[("j",)].names == ("Junction",)


def test_a_cut_that_leaves_the_wounded_late_says_by_how_much() -> None:
    """On the tutorial the route to the district hospital ranks above the ridge road, which
    costs far more labour: its cut leaves the wounded late, and the ranking says so. (The
    two cuts alone: each is measured against the uncut plan, from its basis, as among all
    the cuts, and ranked by its own figures; the ridge road is listed first, so that the
    hospital's place ahead of it is the ranking's, not the order they were given in.)"""
    s, base, x = _session(sl.load("tutorial"))
    ranked = n_minus_1(s, base, x, routes=["ridge-road", "ridge-depot--district-hospital"],
                       places=[])
    by_id = {i.ids: i for i in ranked}
    hospital = by_id[("ridge-depot--district-hospital",)]
    ridge = by_id[("ridge-road",)]
    assert hospital.extra_wounded_late > 100 * max(ridge.extra_wounded_late, 1.0)
    assert ridge.extra_labour_days > 100 * hospital.extra_labour_days
    assert ranked.index(hospital) < ranked.index(ridge)


def test_each_plan_is_solved_and_simulated_once(tiny_path: Any) -> None:
    """On the tiny scenario a village with one route and that route forbid the same trips
    (so do the relay's road to the hospital and the hospital): the simulation re-checked
    both, two identical rows, where the next distinct cut was left out. The worst sets of
    2 and 3 cuts share two single cuts, which N-1 had solved, and each was solved again; so
    was each cut simulated. Each is solved once now (tests/resilience/test_solved_once.py)."""
    from supplyline.report.resilience import _solves_words
    from supplyline.resilience import resilience

    res = resilience(sl.load(tiny_path), k=3, simulate_runs=30)
    twins = {i.ids for i in res.ranking if any("forbids the same trips" in n for n in i.notes)}
    assert ("hospital",) in twins
    simulated = [c.ids for c in res.simulated[1:]]
    assert not twins & set(simulated) and len(simulated) == 5
    # The uncut plan, the 5 cuts N-1 must solve (the others are twins, or cut what the plan
    # does not use) and the 2 sets of more than one cut; the 5 cuts simulated are N-1's.
    assert sum(i.solved and not any("forbids" in n for n in i.notes)
               for i in res.ranking) == 5
    assert res.solves == 1 + 5 + 2
    assert _solves_words(res) == (
        f"8 plans solved in {res.seconds:.0f} s (the uncut one, 5 cuts of what the plan "
        "uses and 2 worst sets).")
    alone = resilience(sl.load(tiny_path), k=1)
    assert not alone.worst and _solves_words(alone).endswith(
        "(the uncut one and 5 cuts of what the plan uses).")
