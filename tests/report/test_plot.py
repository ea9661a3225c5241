"""``plan.plot``: matplotlib figures built from the plan's own figures (no display needed)."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import supplyline as sl
from supplyline.plan.figures import deliveries_by_source
from supplyline.report.facts import stock_days
from supplyline.report.map import layout
from supplyline.scenario.schema import Scenario

pytest.importorskip("matplotlib")


def test_deliveries_stack_the_regions_under_the_demand(valley_plan: sl.Plan) -> None:
    fig = valley_plan.plot.deliveries()
    (ax,) = fig.axes
    parts = deliveries_by_source(valley_plan)
    assert len(ax.collections) == len(parts)  # one band per source region
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [*(label for label, _ in parts), "demand"]
    (demand,) = ax.get_lines()
    net = valley_plan.network
    expected = (valley_plan.demand_kg[net.is_front].sum(axis=(0, 1))
                / valley_plan.step_length / 1000.0)
    np.testing.assert_allclose(np.asarray(demand.get_ydata(), dtype=float), expected)
    assert ax.get_ylabel() == "t per day"
    # A notebook shows it even when pyplot was never imported.
    assert fig._repr_png_()[:4] == b"\x89PNG"


def test_stock_is_one_axes_per_good_at_the_front(valley_plan: sl.Plan) -> None:
    fig = valley_plan.plot.stock()
    shown = [ax for ax in fig.axes if ax.get_visible()]
    lines = stock_days(valley_plan)
    assert len(shown) == len({line.good for line in lines}) == 2
    assert [ax.get_title() for ax in shown] == ["Rice", "Salt"]
    for ax, line in zip(shown, lines, strict=True):
        drawn = ax.get_lines()[0]
        np.testing.assert_array_equal(np.asarray(drawn.get_ydata(), dtype=float),
                                      line.days_of_supply)
        targets = [ln for ln in ax.get_lines() if ln.get_label() == "reserve target"]
        assert len(targets) == len(line.targets)
    # Each good on its own scale.
    tops = [ax.get_ylim()[1] for ax in shown]
    for top, line in zip(tops, lines, strict=True):
        assert top >= np.nanmax(line.days_of_supply)
        highest = max([float(np.nanmax(line.days_of_supply)), *(t for _, t in line.targets)])
        assert top <= 1.2 * highest


@pytest.mark.parametrize("name", ["tutorial", "valley"])
def test_dates_along_the_x_axis_do_not_run_into_each_other(
        name: str, valley_plan: sl.Plan) -> None:
    """On the narrow axes of the stock plot, the tutorial's month ended with '2024-11-29'
    written over '2024-12-01'. Each date label now stands clear of the next, and says its
    month ('15 Nov', 'Dec') with the year once."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    plan = valley_plan if name == "valley" else sl.plan(sl.load("tutorial"))
    for fig in (plan.plot.deliveries(), plan.plot.stock()):
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        for ax in (ax for ax in fig.axes if ax.get_visible()):
            labels = [t for t in ax.get_xticklabels() if t.get_text()]
            assert len(labels) >= 2
            boxes = sorted((t.get_window_extent(renderer) for t in labels),
                           key=lambda box: box.x0)
            assert all(a.x1 < b.x0 for a, b in itertools.pairwise(boxes)), \
                [t.get_text() for t in labels]
            assert all(t.get_text()[-3:].isalpha() or t.get_text()[-4:].isdigit()
                       for t in labels), [t.get_text() for t in labels]  # not a bare day


def test_map_names_every_place_and_draws_every_route(
    valley_doc: Callable[[], dict[str, Any]], tmp_path: Path,
) -> None:
    doc = valley_doc()
    for route in doc["routes"]:
        if route.get("id") == "long-trail":
            route["closed"] = [{"start": "1954-03-03", "end": "1954-03-05"}]
    doc["routes"].append({"id": "pass-trail", "from": "fork", "to": "relay",
                          "length_km": 18, "modes": ["porter"]})
    plan = sl.plan(Scenario.model_validate(doc))
    fig = plan.plot.map()
    (ax,) = fig.axes
    net = plan.network
    gids = {a.get_gid(): a for a in ax.get_children() if a.get_gid()}
    routes = [g for g in gids if g.startswith("route:")]
    assert sorted(routes) == sorted(f"route:{r}" for r in net.route_ids)
    assert "closed:long-trail" in gids
    # Every place by its full name, or by a number with the name in the key.
    names = dict(zip(net.place_ids, net.place_names, strict=True))
    key = gids["map-key"].get_text() if "map-key" in gids else ""
    for place, name in names.items():
        if f"place:{place}" in gids:
            assert " ".join(gids[f"place:{place}"].get_text().split("\n")) == name
        else:
            assert f"number:{place}" in gids and name in key
    # The two routes between the fork and the relay are bowed apart.
    a, b = (gids[f"route:{r}"].get_path().vertices[1] for r in ("pass", "pass-trail"))
    assert np.hypot(*(a - b)) > 0
    lay = layout(plan)
    assert ax.get_aspect() == 1.0
    assert ax.get_xlim()[1] - ax.get_xlim()[0] == pytest.approx(lay.width / lay.proj.scale)
    fig.savefig(tmp_path / "map.png")
    assert (tmp_path / "map.png").read_bytes()[:4] == b"\x89PNG"


def test_map_of_a_crowded_front_has_an_inset(valley_doc: Callable[[], dict[str, Any]]) -> None:
    from tests.report.test_map import _crowded_front

    doc = valley_doc()
    _crowded_front(doc)
    plan = sl.plan(Scenario.model_validate(doc))
    fig = plan.plot.map()
    (inset,) = [a for a in fig.axes[0].child_axes if a.get_gid() == "inset"]
    lay = layout(plan)
    assert lay.inset is not None
    gids = {a.get_gid() for a in inset.get_children() if a.get_gid()}
    for p in lay.inset.places:
        pid = plan.network.place_ids[p]
        assert f"inset-place:{pid}" in gids or f"inset-number:{pid}" in gids
    main = {a.get_gid() for a in fig.axes[0].get_children() if a.get_gid()}
    assert not any(f"place:{plan.network.place_ids[p]}" in main for p in lay.inset.places)


def test_without_matplotlib_the_error_names_the_extra(valley_plan: sl.Plan,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from supplyline import plot

    plot._figure_class.cache_clear()
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # as if not installed
    try:
        with pytest.raises(ImportError, match=r"pip install 'supplyline\[plot\]'"):
            valley_plan.plot.stock()
    finally:
        plot._figure_class.cache_clear()


def test_map_draws_the_leader_lines_of_names_and_numbers(
    valley_doc: Callable[[], dict[str, Any]],
) -> None:
    from tests.report.test_map import _packed_hamlets

    doc = valley_doc()
    _packed_hamlets(doc)
    plan = sl.plan(Scenario.model_validate(doc))
    lay = layout(plan)
    assert lay.labeller.number_leaders  # some numbers sit away from their hamlet
    leaders = (sum(spot.start is not None for spot in lay.labeller.placed.values())
               + len(lay.labeller.number_leaders))
    (ax,) = plan.plot.map().axes
    grey = [line for line in ax.get_lines() if line.get_color() == "#7b8794"]
    assert len(grey) == leaders
    numbers = [a for a in ax.get_children() if (a.get_gid() or "").startswith("number:")]
    assert len(numbers) == len(lay.labeller.key)


def test_stock_in_steps_is_drawn_on_each_step_s_last_day(valley: Scenario) -> None:
    """Stock at each step's end, drawn on its last day as the report draws it (it was drawn
    on the step's first, up to two days early in 3-day steps)."""
    from supplyline.scenario.whatif import with_step_days

    plan = sl.plan(with_step_days(valley, 3))
    assert (plan.network.grid.length > 1).any()
    drawn = plan.plot.stock().axes[0].get_lines()[0]
    days = np.asarray(drawn.get_xdata()) - np.datetime64(plan.network.start_date, "D")
    np.testing.assert_array_equal(days.astype(int), plan.network.grid.end)


def test_the_closure_cross_is_on_its_route_clear_of_the_others() -> None:
    """On the tutorial's what-if map (docs/tutorial.md), the gorge path's cross sat at 30 %
    of its length, where it crosses the road to the hospital; and the legend had no entry
    for it. It sits on the gorge path clear of every other route, and the legend says what
    it is."""
    what_if = sl.load("tutorial").replace({
        "modes.porter.payload_kg": 20,
        "routes.gorge-path.closed": [{"start": "2024-11-01", "end": "2024-11-07"}]})
    plan = sl.plan(what_if)
    (ax,) = plan.plot.map().axes
    (cross,) = [a for a in ax.get_lines() if a.get_gid() == "closed:gorge-path"]
    lay = layout(plan)
    proj = lay.proj
    x, y = (float(v[0]) for v in cross.get_data())
    at = np.array([x * proj.scale + proj.x0, proj.y0 - y * proj.scale])  # the layout's px

    def gap(r: int) -> float:
        return float(np.hypot(*(np.array(lay.curves[r].samples(1.0)) - at).T).min())

    r = plan.network.route_ids.index("gorge-path")
    assert gap(r) < 1.0  # on its route
    others = [gap(o) - float(lay.widths[o]) / 2 for o in range(len(lay.curves)) if o != r]
    assert min(others) > 10.0, others  # (the cross is about 11 px wide)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "closed on some days" in labels
    (entry,) = [h for h in ax.get_legend().legend_handles
                if h is not None and h.get_label() == "closed on some days"]
    assert entry.get_marker() == cross.get_marker() == "X"
