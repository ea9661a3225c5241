"""The resilience report's cut map draws places as the flows map does."""

from __future__ import annotations

import re

import supplyline as sl
from supplyline.network import compile_network
from supplyline.report.map import FRONT
from supplyline.report.resilience import cut_map
from supplyline.resilience.analysis import analyse


def test_the_cut_map_draws_a_front_as_the_flows_map_does() -> None:
    """The cut map drew the front as a dark square, the flows map's depot, in the same
    report: it is a red disc with a black ring there as here, in the legend too."""
    from tests.conftest import TINY

    res = analyse(compile_network(sl.load(TINY)), k=1)
    assert res.plan is not None
    net = res.plan.network
    svg = cut_map(net, res)
    fronts = re.findall(r'<circle class="front" [^>]*fill="([^"]+)" stroke="#000"[^>]*>'
                        r"<title>([^<]*)</title>", svg)
    assert [name for _, name in fronts] == [
        f"{net.place_names[p]} (front): front" for p in range(net.n_places)
        if net.place_kind[p] == "front"]
    assert {fill for fill, _ in fronts} == {FRONT}
    assert 'fill="#343a40"' not in svg  # no square of the depots' colour
    legend = svg.split("When cut")[1]
    assert re.search(rf'<circle [^>]*fill="{FRONT}" stroke="#000" stroke-width="2"/>'
                     r'<text [^>]*>front</text>', legend)
