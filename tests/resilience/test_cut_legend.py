"""The cut map keys only the red marks it draws: a route of the worst set struck through, a
place of it ringed; its caption says the same. The legend listed both marks, and the caption
said "struck through in red", where the worst set was one place (ringed, nothing struck)."""

from __future__ import annotations

import dataclasses
import re

import pytest

import supplyline as sl
from supplyline.network import compile_network
from supplyline.report.resilience import cut_map, resilience_section
from supplyline.report.sections import ReportContext
from supplyline.resilience.analysis import Resilience, analyse


@pytest.fixture(scope="module")
def res() -> Resilience:
    """The tiny scenario, k 2: its worst set is one cut alone (the relay or the pass: each
    takes all it delivers; the tests below set the set they read)."""
    from tests.conftest import TINY

    out = analyse(compile_network(sl.load(TINY)), k=2)
    assert out.worst[0].worst is not None and out.worst[0].worst.ids in (("relay",),
                                                                         ("pass",))
    return out


def _with_worst(res: Resilience, ids: tuple[str, ...]) -> Resilience:
    """``res`` with a worst set of ``ids`` (as measured, its figures the relay's)."""
    w = res.worst[0]
    assert w.worst is not None
    impact = dataclasses.replace(w.worst, ids=ids)
    return dataclasses.replace(res, worst=[dataclasses.replace(w, confirmed=[(0.0, impact)])])


def _caption(res: Resilience) -> str:
    assert res.plan is not None
    section = resilience_section(res.plan, ReportContext(results={"resilience": res}))
    assert section is not None
    found = re.search(r'id="cut-map".*?<figcaption>(.*?)</figcaption>', section.html, re.S)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize(("ids", "routes", "places"), [
    (("relay",), False, True),  # the tiny scenario's own: a place alone
    (("pass",), True, False),
    (("pass", "relay"), True, True),
    ((), False, False),  # no cut adds a shortfall: nothing marked
])
def test_the_legend_and_caption_key_the_marks_drawn(res: Resilience, ids: tuple[str, ...],
                                                    routes: bool, places: bool) -> None:
    assert res.plan is not None
    variant = _with_worst(res, ids)
    svg = cut_map(res.plan.network, variant)
    struck, ringed = '<path class="cut"' in svg, '<circle class="cut"' in svg
    assert (struck, ringed) == (routes, places)
    # A legend row for each mark drawn, and for no other.
    assert ("route in the worst set" in svg) == struck
    assert ("place in the worst set" in svg) == ringed
    assert ">front</text>" in svg and "adds little or nothing" in svg
    caption = _caption(variant)
    assert ("struck through" in caption) == struck
    assert ("ringed" in caption) == ringed
    assert caption.endswith("Hover for the figures.")
    if not (struck or ringed):
        assert "red" not in caption
