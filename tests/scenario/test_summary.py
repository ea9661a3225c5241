"""``supplyline show``'s totals and network sketch, against the tiny scenario by hand."""

from __future__ import annotations

import pytest

from supplyline.scenario.schema import Scenario
from supplyline.scenario.summary import kinds_counted, network_sketch, network_tree, summarize


def test_totals(tiny: Scenario) -> None:
    summary = summarize(tiny)
    (rice,) = summary["commodities"]
    assert rice["stock_t"] == pytest.approx(40 + 15 + 60)
    assert rice["production_t"] == pytest.approx(0.5 * 10)
    # 6000 people keep 0.5 kg a day for 10 days.
    assert rice["subsistence_t"] == pytest.approx(30)
    assert rice["mobilizable_t"] == pytest.approx(115 + 5 - 30)
    assert rice["demand_t"] == pytest.approx(12.6)
    # 2000 × 0.2 + 1000 × 0.2 + 3000 × 0.3 people, each for at most the 10-day horizon.
    assert summary["labour"] == {"people": pytest.approx(1500),
                                 "person_days": pytest.approx(15000)}
    assert summary["wounded_persons"] == pytest.approx(50)
    assert summary["counts"]["places_by_kind"] == {"locality": 3, "depot": 1, "front": 1,
                                                   "hospital": 1}
    # Said with plurals ('3 locality' had been printed).
    assert kinds_counted(summary["counts"]["places_by_kind"]) == (
        "3 localities, 1 depot, 1 front, 1 hospital")
    assert kinds_counted({"junction": 2, "hospital": 2, "front": 2, "depot": 5}) == (
        "2 junctions, 2 hospitals, 2 fronts, 5 depots")


def test_longest_routes(tiny: Scenario) -> None:
    longest = summarize(tiny, longest=3)["longest_routes"]
    assert [row["route"] for row in longest] == ["long-trail", "ban-a--relay", "pass"]
    # A route without a name is named as the plan names it: by the places it joins (the
    # JSON answer had given "").
    names = {row["route"]: row["name"] for row in longest}
    assert names["ban-a--relay"] == "ban-a – relay"
    assert names["pass"] == "The pass"


def test_tree_reaches_every_place_from_the_front(tiny: Scenario) -> None:
    (tree,) = network_tree(tiny)
    assert tree["front"] == "front"
    places = {node["place"]: node for node in tree["places"]}
    assert set(places) == {p.id for p in tiny.places}
    assert places["relay"]["depth"] == 1
    assert places["ban-c"]["parent"] == "relay"
    assert summarize(tiny)["unconnected"] == []


def test_sketch(tiny: Scenario) -> None:
    assert network_sketch(tiny) == [
        "front (front)",
        "└── relay (depot)  25 km  porter, bicycle  via pass",
        "    ├── hospital (hospital)  8 km  porter",
        "    ├── ban-b (locality)  10 km  porter",
        "    ├── ban-a (locality)  30 km  porter, bicycle",
        "    └── ban-c (locality)  40 km  porter  via long-trail",
    ]
    assert network_sketch(tiny, max_lines=2)[-1] == "… and 4 more places"


def test_show_and_the_planner_agree_on_what_can_be_given() -> None:
    """What `show` says could be given is what the planner may take, per commodity (the
    Dien Bien Phu fuel is held at depots, so none of it can be given)."""
    import supplyline as sl

    sc = sl.load()
    net = sl.compile_network(sc)
    for row in summarize(sc)["commodities"]:
        c = net.commodity_ids.index(row["commodity"])
        assert row["mobilizable_t"] * 1000 == pytest.approx(net.giveable_kg[:, c, -1].sum())
    fuel = next(r for r in summarize(sc)["commodities"] if r["commodity"] == "fuel")
    assert fuel["mobilizable_t"] == 0.0 and fuel["stock_t"] > 0


def test_the_tree_follows_the_shortest_way_goods_can_come() -> None:
    """On the built-in scenario Yen Bai hung off Lao Cai by the one-way raft route, read
    against its current (four routes from the front by count, where Route 13 is seven and
    shorter), and Route 13's Lung Lo - Ta Khoa link was not drawn; the road and the trail
    to the valley could not be told apart."""
    import supplyline as sl

    sc = sl.load()
    (tree,) = network_tree(sc)
    places = {node["place"]: node for node in tree["places"]}
    assert set(places) == {p.id for p in sc.places}
    assert (places["yen-bai"]["parent"], places["yen-bai"]["route"]) == (
        "lung-lo", "r13-yen-bai--lung-lo")
    assert places["lung-lo"]["parent"] == "ta-khoa"
    # Lao Cai sends by its raft route only downstream, to Yen Bai: it comes by the trail.
    assert places["lao-cai"]["route"] == "lao-cai--phong-tho"
    sketch = "\n".join(network_sketch(sc))
    assert "tuan-giao (depot)  84 km  truck, bicycle, horse, porter  via tuan-giao--dbp-road" \
        in sketch


def test_a_place_only_a_one_way_route_reaches_is_still_drawn() -> None:
    """Where a place has no way to send toward the front, the route against the current
    still shows where it is."""
    import supplyline as sl

    sc = sl.load("tutorial")
    # Far village's one route, turned to run one way from the bridge to it: Far village can
    # send nothing, and is drawn all the same, under the bridge.
    away = sc.replace({"routes.far-village--bridge": {"from": "bridge", "to": "far-village",
                                                      "length_km": 16, "one_way": True,
                                                      "modes": ["porter"]},
                       "places.far-village.carriers": {}})
    (tree,) = network_tree(away)
    places = {n["place"]: n for n in tree["places"]}
    assert set(places) == {p.id for p in sc.places}
    assert places["far-village"]["parent"] == "bridge"
    # Its km against the current count only where there is no other way: the bridge itself
    # still comes by its own roads.
    assert places["bridge"]["parent"] in ("ridge-depot", "kestrel-town")


def test_show_names_the_replays_and_their_historical_figures() -> None:
    """show said how many replays a scenario had (in its JSON), never their names: a user
    could not tell which --replay to give."""
    import json

    from typer.testing import CliRunner

    import supplyline as sl
    from supplyline.cli import app

    summary = summarize(sl.load("tutorial"))
    assert summary["replays"] == [{"name": "pledged", "observed": 2}]
    assert summary["observed_plain"] == 0
    said = CliRunner().invoke(app, ["show", "tutorial"]).output
    assert "Replays (--replay NAME): pledged (2 historical figures)" in said
    answer = json.loads(CliRunner().invoke(app, ["show", "tutorial", "--json"]).stdout)
    assert answer["replays"] == summary["replays"] and answer["counts"]["replays"] == 1


def test_two_routes_between_the_same_places_are_told_apart() -> None:
    """`supplyline show` said "depot – camp; depot – camp" of two routes without a name
    that join the same places: each is given its key after the places' names."""
    from supplyline.scenario import load_text

    from .helpers import DATA, TINY_TEXT, edit

    text = edit(TINY_TEXT, "  - {from: ban-b, to: relay, length_km: 10, modes: [porter]}\n",
                "  - {from: ban-b, to: relay, length_km: 10, modes: [porter]}\n"
                "  - {id: ford, from: relay, to: ban-b, length_km: 12, modes: [porter]}\n")
    sc = load_text(text, "tiny.yaml", base_dir=DATA)
    titles = {route.key: sc.route_title(route) for route in sc.routes}
    assert titles["ban-b--relay"] == "ban-b – relay (ban-b--relay)"
    assert titles["ford"] == "relay – ban-b (ford)"
    assert titles["ban-a--relay"] == "ban-a – relay"  # (the only route between them)
    assert titles["pass"] == "The pass"
    named = load_text(text.replace("{id: ford,", "{id: ford, name: The ford,"), "tiny.yaml",
                      base_dir=DATA)
    assert [named.route_title(route) for route in named.routes][1:4] == [
        "ban-b – relay", "The ford", "ban-c – relay"]
