"""``supplyline show``'s network sketch draws every route: a tree hangs each place under one
route only, and the others are listed after it."""

from __future__ import annotations

from typer.testing import CliRunner

import supplyline as sl
from supplyline.cli import app
from supplyline.scenario.summary import network_sketch, network_tree, summarize


def test_a_second_way_to_a_place_is_listed_after_the_tree() -> None:
    """The tutorial's gorge path, its safe but slow way from the bridge to Kestrel, was in
    no line of the sketch (the bridge hangs under the ridge depot), so the network read as
    if every load crossed the exposed ridge road."""
    sc = sl.load("tutorial")
    sketch = network_sketch(sc)
    assert sketch[-2:] == ["Other routes:",
                           "• bridge – kestrel-town  26 km  porter  via gorge-path"]
    (tree,) = network_tree(sc)
    drawn = [node["route"] for node in tree["places"][1:]]
    others = [row["route"] for row in summarize(sc)["other_routes"]]
    assert others == ["gorge-path"]
    assert sorted(drawn + others) == sorted(route.key for route in sc.routes)
    said = CliRunner().invoke(app, ["show", "tutorial"], env={"COLUMNS": "80"}).output
    assert "Other routes:\n• bridge – kestrel-town  26 km  porter  via gorge-path\n" in said


def test_a_one_way_route_not_drawn_says_which_way_it_runs() -> None:
    """A route run one way is listed with an arrow its way; a gorge path of 2 km is the
    bridge's way to Kestrel, and the ridge road is then the route left out of the tree.
    (Where every route is in the tree, no list is drawn: test_summary's tiny sketch.)"""
    sc = sl.load("tutorial").replace({"routes.gorge-path.one_way": True})
    assert network_sketch(sc)[-1] == "• bridge → kestrel-town  26 km  porter  via gorge-path"
    short = sl.load("tutorial").replace({"routes.gorge-path.length_km": 2})
    assert [row["route"] for row in summarize(short)["other_routes"]] == ["ridge-road"]
    assert network_sketch(short)[-1] == (
        "• ridge-depot – kestrel-town  14 km  porter, bicycle  via ridge-road")
