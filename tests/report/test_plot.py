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
from supplyline.report.facts import stock_days, tonnes_text
from supplyline.report.map import layout
from supplyline.report.svg import fmt
from supplyline.scenario.schema import Scenario

pytest.importorskip("matplotlib")


def test_deliveries_stack_the_regions_under_the_demand(valley_plan: sl.Plan) -> None:
    fig = valley_plan.plot.deliveries()
    (ax,) = fig.axes
    parts = deliveries_by_source(valley_plan)
    assert len(ax.collections) == len(parts)  # one band per source region
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [*(f"{label} ({tonnes_text(kg.sum() / 1000)} t consumed)"
                        for label, kg in parts), "demand"]
    (demand,) = ax.get_lines()
    net = valley_plan.network
    expected = (valley_plan.demand_kg[net.is_front].sum(axis=(0, 1))
                / valley_plan.step_length / 1000.0)
    np.testing.assert_allclose(np.asarray(demand.get_ydata(), dtype=float)[:-1], expected)
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


@pytest.fixture(scope="module")
def tutorial_plan() -> sl.Plan:
    return sl.plan(sl.load("tutorial"))


@pytest.mark.parametrize("name", ["tutorial", "valley"])
def test_dates_along_the_x_axis_do_not_run_into_each_other(
        name: str, valley_plan: sl.Plan, tutorial_plan: sl.Plan) -> None:
    """On the narrow axes of the stock plot, the tutorial's month ended with '2024-11-29'
    written over '2024-12-01'. Each date label now stands clear of the next, and says its
    month ('15 Nov', 'Dec') with the year once."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    plan = valley_plan if name == "valley" else tutorial_plan
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
    fig = plan.plot.map()
    (ax,) = fig.axes
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
    routes = fig.legends[0]
    labels = [t.get_text() for t in routes.get_texts()]
    assert "closed on some days" in labels
    (entry,) = [h for h in routes.legend_handles
                if h is not None and h.get_label() == "closed on some days"]
    assert entry.get_marker() == cross.get_marker() == "X"


def _area(vertices: np.ndarray) -> float:
    """The area of a closed polygon (shoelace), in its data's units."""
    x, y = np.asarray(vertices, dtype=float).T
    return abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))) / 2.0


def test_the_deliveries_drawn_are_the_tonnes_the_plan_delivered(tutorial_plan: sl.Plan) -> None:
    """Each step's band was drawn from its first day to the next step's first, so the last
    step had no width: the tutorial's chart showed 55.5 t under its bands where the plan
    delivered 57.75 t (a last step of 7 days would have lost a week). The area under the
    bands is what the plan delivered, and under the demand line what it asked for, and the
    legend says each region's tonnes as the report's does."""
    from supplyline.scenario.whatif import with_step_days

    for plan in (tutorial_plan, sl.plan(with_step_days(sl.load("tutorial"), 7))):
        kpis = plan.kpis()
        (ax,) = plan.plot.deliveries().axes
        parts = deliveries_by_source(plan)
        areas = [sum(_area(path.vertices) for path in band.get_paths())
                 for band in ax.collections]  # (x in days: t a day × days = t)
        for area, (_, kg) in zip(areas, parts, strict=True):
            assert area == pytest.approx(kg.sum() / 1000.0, rel=1e-9)
        assert sum(areas) == pytest.approx(kpis["delivered_t"], rel=1e-9)
        (demand,) = ax.get_lines()
        x, y = (np.asarray(v, dtype=float) for v in demand.get_data(orig=False))
        assert float(np.sum(y[:-1] * np.diff(x))) == pytest.approx(kpis["demand_t"], rel=1e-9)
        start = float(np.datetime64(plan.network.start_date, "D").astype(float))
        assert ax.get_xlim() == pytest.approx((start, start + plan.days))
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert labels == [*(f"{label} ({tonnes_text(kg.sum() / 1000)} t consumed)"
                            for label, kg in parts), "demand"]
        if plan is tutorial_plan:  # (as the report's legend says them)
            assert labels[:2] == ["lower (46.5 t consumed)", "upper (11.3 t consumed)"]


def test_a_plan_with_nothing_to_draw_says_so(tutorial_plan: sl.Plan) -> None:
    """The tutorial's first two days ask nothing of the front: the deliveries were an empty
    frame ticked in hours, the stock a title over nothing. Each says in a sentence why it
    has nothing to draw."""
    plan = sl.plan(sl.load("tutorial"), days=2)
    for fig, what in ((plan.plot.deliveries(), "no deliveries to draw"),
                      (plan.plot.stock(), "no stock to count in days of supply")):
        (ax,) = fig.axes
        assert not ax.axison and not ax.lines and not ax.collections
        (text,) = [t for t in ax.texts if t.get_gid() == "nothing-to-draw"]
        said = " ".join(text.get_text().split())
        assert said.startswith("No front asks for anything")
        assert "(1 Nov – 2 Nov 2024)" in said and said.endswith(f"{what}.")
    # A front cut off the whole month asks, and nothing reaches it: its demand, and why
    # there is nothing under it.
    month = [{"start": "2024-11-01", "end": "2024-11-30"}]
    cut = sl.plan(sl.load("tutorial").replace({"routes.ridge-road.closed": month,
                                               "routes.gorge-path.closed": month}))
    assert cut.kpis()["delivered_t"] == 0
    (ax,) = cut.plot.deliveries().axes
    assert not ax.collections and [line.get_label() for line in ax.get_lines()] == ["demand"]
    assert [t.get_text() for t in ax.texts] == ["Nothing reached the fronts."]


def test_a_plan_of_one_day_is_dated_in_days(valley: Scenario) -> None:
    """A plan of one day was ticked in hours ('12:00') on the deliveries, and its stock, one
    point, in years (1951 to 1956)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    plan = sl.plan(valley, days=1)
    start = float(np.datetime64(plan.network.start_date, "D").astype(float))
    for fig in (plan.plot.deliveries(), plan.plot.stock()):
        FigureCanvasAgg(fig).draw()
        for ax in (ax for ax in fig.axes if ax.get_visible()):
            labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
            assert labels == ["Mar", "02 Mar"], labels
            assert ax.get_xlim() == pytest.approx((start, start + 1))


def test_the_stock_legend_names_the_fronts_and_every_column_is_dated(
        valley_doc: Callable[[], dict[str, Any]]) -> None:
    """The stock plot had no legend, so its lines' fronts were nowhere named; and with four
    goods (three columns, two rows) the top row's second and third goods had no dates, the
    Axes below them that would have carried them being hidden."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    doc = valley_doc()
    doc["commodities"] += [{"id": "meat", "name": "Meat"}, {"id": "greens", "name": "Greens"}]
    for place in doc["places"]:
        if place["kind"] == "locality":
            place["stock_kg"].update({"meat": 500, "greens": 500})
    doc["places"].append({"id": "second-front", "name": "The ridge", "kind": "front",
                          "lat": 21.42, "lon": 103.12})
    doc["routes"].append({"from": "fork", "to": "second-front", "length_km": 8,
                          "modes": ["porter"]})
    doc["demand"] += [{"front": "front", "commodity": c, "kg_per_day": 10}
                      for c in ("meat", "greens")]
    doc["demand"].append({"front": "second-front", "commodity": "rice", "kg_per_day": 20})
    plan = sl.plan(Scenario.model_validate(doc))
    fig = plan.plot.stock()
    FigureCanvasAgg(fig).draw()
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in shown] == ["Rice", "Salt", "Meat", "Greens"]
    for ax in shown[1:]:  # (the first's dates are under the fourth, below it)
        assert [t.get_text() for t in ax.get_xticklabels() if t.get_text()], ax.get_title()
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == [
        "The valley", "The ridge", "reserve target"]
    colours = {t.get_text(): h.get_color() for t, h in zip(legend.get_texts(),
                                                            legend.legend_handles, strict=True)}
    drawn = {line.get_label(): line.get_color() for line in shown[0].get_lines()
             if line.get_linestyle() == "-"}
    assert drawn == {"The valley · Rice": colours["The valley"],
                     "The ridge · Rice": colours["The ridge"]}


def test_the_map_legends_name_every_mark_and_cover_none_of_the_map(
        tutorial_plan: sl.Plan) -> None:
    """The map's legend named the routes' modes only, not the places' kinds and sizes nor
    what a route's width is, and sat in the map's corner. Beside the map, one legend names
    the routes (with widths for some tonnes, as the report's), one the places."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from supplyline.report.map import PLACE_WORDS, width_samples

    fig = tutorial_plan.plot.map()
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    (ax,) = fig.axes
    routes, places = fig.legends
    lay = layout(tutorial_plan)
    biggest = float(lay.facts.tonnes.max())
    assert [t.get_text() for t in routes.get_texts()] == [
        "Porter", "Pack bicycle", "not used", "air strikes or raids",
        *(f"{fmt(t)} t carried (both ways)" for t in width_samples(biggest))]
    assert [t.get_text() for t in places.get_texts()] == [
        "57.8 t given or consumed", "20 t", PLACE_WORDS["empty"], PLACE_WORDS["front"],
        PLACE_WORDS["depot"], PLACE_WORDS["junction"], PLACE_WORDS["hospital"]]
    renderer = canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    for legend in (routes, places):
        assert not legend.get_window_extent(renderer).overlaps(frame)
        assert fig.bbox.contains(*legend.get_window_extent(renderer).p1)
