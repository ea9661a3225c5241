"""A cut whose plan drops a road work or leaves a group unfed says so, as ``supplyline plan``
says it, beside its shortfall: its labour-days and food eaten fall by what is not done, which
the table's columns alone read as a saving (the tutorial with a road work on the gorge path
and a repair crew on the ridge road: cutting the Bridge junction read -3,510 labour-days and
the Ridge relief depot nothing, where the one dropped the road work and the other left the
repair crew unfed)."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from rich.console import Console

import supplyline as sl
from supplyline.network import compile_network
from supplyline.plan.session import Session
from supplyline.resilience.analysis import Resilience, gave_up_note
from supplyline.resilience.cuts import Impact, figures_of, kept_plan, n_minus_1
from tests.plan.builders import place, route, scenario, village


def works_scenario() -> sl.Scenario:
    """The tutorial with a road work of 3,000 person-days on the gorge path (fed at the
    Bridge junction) and a repair crew of 20 on the ridge road (fed at the Ridge depot)."""
    doc = sl.load("tutorial").model_dump(by_alias=True, exclude_none=True)
    for r in doc["routes"]:
        if r.get("id") == "ridge-road":
            r["repair_crew"] = 20
    doc["road_works"] = [{"route": "gorge-path", "crew_days": 3000, "start": "2024-11-01",
                          "by": "2024-11-15", "source": "test"}]
    return sl.Scenario.model_validate(doc)


@pytest.fixture(scope="module")
def cut() -> dict[str, Any]:
    s = Session.of(compile_network(works_scenario()))
    out = s.solve()
    assert out.ok and out.x is not None
    uncut = s.plan(out)
    base = figures_of(uncut)
    ranking = n_minus_1(s, base, out.x, routes=[],
                        places=["terrace-village", "ridge-depot", "bridge"])
    return {"session": s, "uncut": uncut, "base": base, "ranking": ranking,
            "by_id": {i.ids[0]: i for i in ranking}}


def _plan_of(cut: dict[str, Any], impact: Impact) -> sl.Plan:
    plan = kept_plan(cut["session"], impact)
    assert plan is not None
    return plan


def test_a_cut_that_drops_a_road_work_says_what_plan_says(cut: dict[str, Any]) -> None:
    bridge = cut["by_id"]["bridge"]
    plan = _plan_of(cut, bridge)
    # `plan` of the cut says it; the cut's impact reads the same figure from it.
    assert ("road work on gorge-path left unfinished: 3,000 of 3,000 person-days undone by "
            "2024-11-15") in plan.gave_up()
    undone = plan.road_work_undone_days().sum() - cut["uncut"].road_work_undone_days().sum()
    assert undone == pytest.approx(3000.0)
    assert bridge.extra_road_work_undone_days == pytest.approx({"gorge-path": undone})
    assert bridge.extra_labour_days < -3000  # (the "saving" the table showed alone)
    assert bridge.gives_up
    assert "3,000 person-days of road work on gorge-path undone" in bridge.notes[0]


def test_a_cut_that_leaves_the_repair_crew_unfed_says_so(cut: dict[str, Any]) -> None:
    depot = cut["by_id"]["ridge-depot"]
    plan = _plan_of(cut, depot)
    assert "repair crews not fed: 420 kg of rice missing" in plan.gave_up()
    for who in ("repair crews", "wounded"):
        more = (plan.unfed_kg()[who].sum() - cut["uncut"].unfed_kg()[who].sum()) / 1000.0
        assert more > 0.005
        assert depot.extra_unfed_t[who] == pytest.approx({"rice": more})
    assert depot.extra_unfed_t["repair crews"]["rice"] == pytest.approx(0.42)
    assert depot.extra_shortfall_t == pytest.approx(0.0, abs=1e-3)
    assert "420 kg of rice for the repair crews unfed" in depot.notes[0]
    # A cut that leaves nothing undone says nothing.
    terrace = cut["by_id"]["terrace-village"]
    assert not terrace.gives_up and terrace.notes == []
    assert terrace.extra_road_work_undone_days == {} and terrace.extra_unfed_t == {}


def test_the_table_json_csv_and_report_say_it(cut: dict[str, Any]) -> None:
    ranking = cut["ranking"]
    rows = {i.ids[0]: n for n, i in enumerate(ranking, start=1)}
    note = gave_up_note(ranking)
    assert note.startswith("cuts leave undone what the uncut plan does (2 of them; their "
                           "labour-days and food eaten fall by it, which is no saving): ")
    assert (f"Bridge junction (row {rows['bridge']}): 3,000 person-days of road work on "
            "gorge-path undone") in note
    assert f"Ridge relief depot (row {rows['ridge-depot']}): " in note
    assert "420 kg of rice for the repair crews unfed" in note
    assert "Terrace" not in note
    res = Resilience("tut-works", None, None, cut["base"], ranking, [], 0.0, 0, [note],
                     plan=cut["uncut"])
    doc = res.to_dict()
    by_id = {tuple(i["ids"]): i for i in doc["ranking"]}
    assert by_id[("bridge",)]["extra_road_work_undone_days"] == pytest.approx(
        {"gorge-path": 3000.0})
    assert by_id[("ridge-depot",)]["extra_unfed_t"]["repair crews"] == pytest.approx(
        {"rice": 0.42})
    assert note in doc["notes"]
    frame = res.to_frame().set_index("ids")
    assert frame.loc["bridge", "extra_road_work_undone_days"] == pytest.approx(3000.0)
    assert frame.loc["ridge-depot", "extra_unfed_t"] > 0.42
    assert frame.loc["terrace-village", "extra_unfed_t"] == 0.0
    # On an 80-column terminal, under the tables.
    from supplyline.report.resilience import print_resilience

    out = io.StringIO()
    print_resilience(res, Console(file=out, width=80, color_system=None))
    text = out.getvalue()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "3,000 person-days of road work on gorge-path undone" in " ".join(text.split())
    # In the exported report.
    from supplyline.report import render_report

    page = render_report(cut["uncut"], results={"resilience": res})
    assert "3,000 person-days of road work on gorge-path undone" in page


def test_a_cut_that_drops_a_road_work_ranks_above_one_that_costs_labour() -> None:
    """Two ways from the village to the front: by the junction, where a road work on its
    road to the front is fed, or the direct road, longer. Cutting the village's road to the
    junction leaves the road work undone (no food reaches the workers) and saves its
    labour-days; cutting the junction's road to the front only sends the loads the long
    way. Neither goes short: the one that drops the road work ranks first, though its
    labour-days fall and the other's rise."""
    sc = scenario(
        [village("v", 0.0, 50_000.0), place("j", "junction", 0.5),
         place("front", "front", 1.0)],
        [route("v", "j", 10.0), route("j", "front", 10.0, one_way=True),
         route("v", "front", 30.0, id="direct")],
        demand_kg_per_day=100.0, days=20,
        road_works=[{"route": "j--front", "crew_days": 400, "start": "2020-01-01",
                     "by": "2020-01-15"}],
        policy={"labour_max_days_per_person": 10_000.0, "labour_share": 1.0,
                "labour_rations_kg_per_day": {"rice": 0.7}})
    s = Session.of(compile_network(sc))
    out = s.solve()
    assert out.ok and out.x is not None
    base = figures_of(s.plan(out))
    assert not np.any(base.road_work_undone > 1.0)
    ranked = n_minus_1(s, base, out.x, routes=["j--front", "v--j"], places=[])
    by_id = {i.ids: i for i in ranked}
    dropped, longer = by_id[("v--j",)], by_id[("j--front",)]
    for i in (dropped, longer):
        assert i.extra_shortfall_t == pytest.approx(0.0, abs=1e-3)
    assert dropped.extra_road_work_undone_days == pytest.approx({"j--front": 400.0})
    assert not longer.gives_up
    assert dropped.extra_labour_days < 0 < longer.extra_labour_days
    assert ranked[0] is dropped


def test_the_cut_map_says_what_a_cut_leaves_unfed(cut: dict[str, Any]) -> None:
    """The map's mark of the Ridge relief depot, whose cut adds no shortfall to speak of,
    says the repair crew's 420 kg it leaves unfed beside its wounded late and labour."""
    import re

    from supplyline.report.resilience import VIOLET, cut_map

    assert cut["by_id"]["ridge-depot"].extra_shortfall_t < 0.5  # (below the critical t)
    res = Resilience("tut-works", None, None, cut["base"], cut["ranking"], [], 0.0, 0, [],
                     plan=cut["uncut"])
    svg = cut_map(cut["session"].net, res)
    mark = re.search(r'<circle [^>]*fill="([^"]+)"[^>]*><title>Ridge relief depot \(depot\): '
                     r"([^<]*)</title>", svg)
    assert mark is not None and mark.group(1) == VIOLET
    assert mark.group(2).endswith("420 kg of rice for the repair crews unfed when cut")
    # A cut that adds shortfall too (the Bridge junction, orange) says what it leaves as well.
    bridge = re.search(r"<title>Bridge junction \(junction\): ([^<]*)</title>", svg)
    assert bridge is not None and cut["by_id"]["bridge"].extra_shortfall_t >= 0.5
    assert bridge.group(1).startswith("+49.3 t shortfall, 3,000 person-days of road work on "
                                      "gorge-path undone")


def test_a_cut_that_only_drops_a_road_work_is_not_drawn_as_harmless(
        cut: dict[str, Any]) -> None:
    """A cut with no shortfall, no wounded late and fewer labour-days, that drops a road
    work: violet on the map with the work it leaves, where it was grey "and little else"."""
    from supplyline.report.resilience import VIOLET, cut_map

    dropped = Impact(kind="route", ids=("gorge-path",), names=("Gorge path",),
                     status="optimal", solved=True, extra_shortfall_t=0.0, extra_by_front={},
                     extra_labour_days=-3000.0, extra_eaten_t=-2.1, extra_objective=1.0,
                     reserve_days={}, extra_road_work_undone_days={"gorge-path": 3000.0})
    res = Resilience("tut-works", None, None, cut["base"], [dropped], [], 0.0, 0, [],
                     plan=cut["uncut"])
    svg = cut_map(cut["session"].net, res)
    path = next(p for p in svg.split("<path ") if p.startswith('data-route="gorge-path"'))
    assert f'stroke="{VIOLET}"' in path
    assert "3,000 person-days of road work on gorge-path undone when cut" in path
