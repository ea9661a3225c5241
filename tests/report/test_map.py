"""The report's map: every place named in full and once, parallel routes drawn apart,
closures and strike windows marked, idle localities distinct from junctions; and the charts
beside it: front stock as small multiples, the burden chart sized to its rows, and idle
carriers explained from the plan's own figures."""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import supplyline as sl
from supplyline.plan.figures import given_t, route_facts
from supplyline.plan.result import whole_units
from supplyline.report import facts
from supplyline.report.facts import (
    _eaten_per_kg,
    idle_carriers,
    route_hazards,
    stock_days,
    wrap_name,
)
from supplyline.report.map import (
    ARROW,
    MAX_BEND,
    PARALLEL_GAP,
    PASS_CLEARANCE,
    draw_map,
    layout,
)
from supplyline.report.sections import (
    ReportContext,
    burden_section,
    mobilization_section,
    routes_section,
    stock_section,
    table,
)
from supplyline.report.svg import fmt, nice_ticks
from supplyline.scenario.schema import Scenario

Doc = Callable[[], dict[str, Any]]
SVG = ""  # inline SVG in HTML: no namespace


def _names_on_map(svg: str) -> tuple[dict[str, list[str]], list[str]]:
    """The names drawn as labels (place id -> each label's text, lines joined) and the
    places shown by a number."""
    root = ET.fromstring(svg)
    labels: dict[str, list[str]] = {}
    for text in root.iter(f"{SVG}text"):
        place = text.get("data-place")
        if place:
            lines = [span.text or "" for span in text.iter(f"{SVG}tspan")]
            labels.setdefault(place, []).append(" ".join(lines))
    numbered = [g.get("data-place") or "" for g in root.iter(f"{SVG}g")
                if g.get("class") == "map-number"]
    return labels, numbered


def _plan(doc: dict[str, Any]) -> sl.Plan:
    return sl.plan(Scenario.model_validate(doc))


def _boxes_overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_every_place_is_named_in_full_once(valley_plan: sl.Plan) -> None:
    net = valley_plan.network
    drawing = draw_map(valley_plan)
    labels, numbered = _names_on_map(drawing.svg)
    full = dict(zip(net.place_ids, net.place_names, strict=True))
    assert "…" not in drawing.svg
    keyed = {name for _, name in drawing.numbered}
    for place, name in full.items():
        shown = labels.get(place, []) + ([name] if place in numbered and name in keyed else [])
        assert shown == [name], place  # named once, in full, in a label or in the key
    assert "fork" in labels  # a junction without a name is named by its id
    # Labels sit apart from each other and from every place's symbol.
    lay = layout(valley_plan)
    boxes = [spot.box for spot in lay.labeller.placed.values()]
    for a, b in itertools.combinations(boxes, 2):
        assert not _boxes_overlap(a, b)
    assert len(lay.labeller.symbols) == valley_plan.network.n_places
    for a, b in itertools.product(boxes, lay.labeller.symbols):
        assert not _boxes_overlap(a, b)


def _packed_hamlets(doc: dict[str, Any], count: int = 40) -> None:
    """Hamlets with long names packed around the fork (a few km apart at most); no route
    reaches them, which keeps the plan small (the names are what is tested)."""
    for i in range(count):
        doc["places"].append({
            "id": f"hamlet-{i}", "name": f"Hamlet number {i} on the far side of the long ridge",
            "kind": "junction", "lat": 21.47 + 0.002 * (i % 5), "lon": 103.08 + 0.002 * (i // 5)})


def test_a_crowded_map_numbers_what_it_cannot_name(valley_doc: Doc) -> None:
    doc = valley_doc()
    _packed_hamlets(doc)
    plan = _plan(doc)
    drawing = draw_map(plan)
    labels, numbered = _names_on_map(drawing.svg)
    assert numbered, "some names cannot fit and are numbered"
    assert [n for n, _ in drawing.numbered] == list(range(1, len(numbered) + 1))
    full = dict(zip(plan.network.place_ids, plan.network.place_names, strict=True))
    assert sorted(name for _, name in drawing.numbered) == sorted(full[p] for p in numbered)
    assert set(labels) | set(numbered) == set(full) and not set(labels) & set(numbered)
    # The key is printed under the map in the report.
    page = sl.report.render_report(plan)
    assert 'id="map-key"' in page
    assert "Hamlet number" in page.split('id="map-key"')[1].split("</ul>")[0]


def test_names_wrap_without_losing_a_word() -> None:
    name = "Son La villages (Son La, Thuan Chau, Mai Son, Yen Chau); relay station at the town"
    lines = wrap_name(name)
    assert len(lines) > 1 and " ".join(lines) == name
    assert all(len(line) <= 34 for line in lines)


def test_a_latitude_by_the_top_of_the_map_is_labelled_below_its_line() -> None:
    """A line of latitude 5 px below the frame's top had its label drawn above it, cut off
    ("24°N" half shown); such a label now goes below its line."""
    from supplyline.report.map import KM_PER_DEGREE_LAT, LABEL_ROOM, Projection, _graticule

    scale = 1.0  # px per km: 24°N lies 5 px below the top
    proj = Projection(lat0=23.5, lon0=90.0, scale=scale, x0=300.0,
                      y0=5.0 + 0.5 * KM_PER_DEGREE_LAT * scale)
    parts = ET.fromstring("<svg>" + "".join(_graticule(
        proj, np.array([23.2, 23.9]), np.array([89.8, 90.2]), 600.0, 400.0)) + "</svg>")
    labels = {t.text: float(t.get("y", "0")) for t in parts.iter("text")
              if (t.text or "").endswith("°N")}
    assert "24°N" in labels and labels["24°N"] >= LABEL_ROOM
    assert all(y >= LABEL_ROOM for y in labels.values())


def test_parallel_routes_are_drawn_apart(valley_doc: Doc) -> None:
    doc = valley_doc()
    doc["routes"].append({"id": "pass-trail", "name": "Pass trail", "from": "fork",
                          "to": "relay", "length_km": 18, "modes": ["porter"]})
    plan = _plan(doc)
    lay = layout(plan)
    index = plan.network.route_index
    one, two = lay.curves[index["pass"]], lay.curves[index["pass-trail"]]
    # Both end at the places ...
    assert {one.a, one.b} == {two.a, two.b}
    # ... and their middles stand apart by the half widths of both strokes and a gap.
    (x1, y1), (x2, y2) = one.at(0.5), two.at(0.5)
    apart = (lay.widths[index["pass"]] + lay.widths[index["pass-trail"]]) / 2 + PARALLEL_GAP
    assert math.hypot(x2 - x1, y2 - y1) == pytest.approx(apart, rel=1e-6)
    # A route alone between its places is straight.
    alone = lay.curves[index["long-trail"]]
    mx, my = (alone.a[0] + alone.b[0]) / 2, (alone.a[1] + alone.b[1]) / 2
    assert alone.c == pytest.approx((mx, my))
    svg = draw_map(plan).svg
    assert len(re.findall(r'class="route(?:-unused)?"', svg)) == len(plan.network.route_ids)


def test_closures_and_strike_windows_are_marked(valley_doc: Doc, valley_plan: sl.Plan) -> None:
    plain = draw_map(valley_plan)
    assert 'class="closure"' not in plain.svg and 'class="threatened"' not in plain.svg
    assert plain.hazards == []
    doc = valley_doc()
    for route in doc["routes"]:
        if route.get("id") == "long-trail":
            route["closed"] = [{"start": "1954-03-03", "end": "1954-03-05"}]
    doc["threats"] = {"air": [{"routes": ["pass"], "capacity_lost_fraction": 0.3,
                               "cargo_destroyed_fraction": 0.1,
                               "windows": [{"start": "1954-03-04", "end": "1954-03-08",
                                            "day_probability": 0.25}]}]}
    plan = _plan(doc)
    hazards = route_hazards(plan.network)
    index = plan.network.route_index
    assert [(w.kind, w.first, w.last) for w in hazards[index["long-trail"]]] == [
        ("closed", 2, 4)]
    (strike,) = hazards[index["pass"]]
    assert (strike.kind, strike.first, strike.last) == ("strikes", 3, 7)
    assert strike.level == pytest.approx(0.25)
    drawing = draw_map(plan)
    on_map = drawing.svg.split('<g class="legend">')[0]
    assert on_map.count('class="closure"') == 1
    assert on_map.count('class="threatened"') == 1
    assert "closed on some days" in drawing.svg and "air strikes or raids" in drawing.svg
    assert "Closed 3 Mar – 5 Mar 1954: Long trail." in drawing.hazards
    assert ("Air strikes or raids 4 Mar – 8 Mar 1954: The pass (chance of a strike up to 25% "
            "a day)."
            in drawing.hazards)
    page = sl.report.render_report(plan)
    assert 'id="map-hazards"' in page and "Closed 3 Mar – 5 Mar 1954" in page


def test_a_locality_that_gave_nothing_is_not_drawn_as_a_junction(valley_doc: Doc) -> None:
    doc = valley_doc()
    doc["places"].append({"id": "ban-d", "name": "Ban D", "kind": "locality", "lat": 21.7,
                          "lon": 103.3, "regions": ["rear"], "population": 100})
    doc["routes"].append({"from": "ban-d", "to": "relay", "length_km": 90,
                          "modes": ["porter"]})
    plan = _plan(doc)
    assert plan.mobilized_kg()[plan.network.place_ids.index("ban-d")].sum() == 0
    root = ET.fromstring(draw_map(plan).svg)
    shapes = {el.get("class"): el for el in root.iter() if el.get("class") in (
        "locality-idle", "junction") and el.find("title") is not None}  # not the legend's
    idle, junction = shapes["locality-idle"], shapes["junction"]
    assert "Ban D" in (idle.findtext(f"{SVG}title") or "")
    assert float(idle.get("r") or 0) > float(junction.get("r") or 0)
    assert idle.get("fill") != junction.get("fill")


def test_front_stock_is_one_small_chart_per_good(valley_plan: sl.Plan) -> None:
    section = stock_section(valley_plan, ReportContext())
    assert section is not None
    lines = stock_days(valley_plan)
    goods = {valley_plan.network.commodity_ids[int(valley_plan.goods[line.good])]
             for line in lines}
    charts = re.findall(r'<svg id="chart-stock-([a-z]+)"', section.html)
    assert sorted(charts) == sorted(goods) == ["rice", "salt"]
    # Each chart has its own scale: its top tick is the one its own values need.
    for good, chart in zip(charts, section.html.split('<svg id="chart-stock-')[1:],
                           strict=True):
        line = next(x for x in lines
                    if valley_plan.network.commodity_ids[int(valley_plan.goods[x.good])]
                    == good)
        wanted = [t for _, t in line.targets]
        top = nice_ticks(0.0, float(np.nanmax([*line.days_of_supply, *wanted])))[-1]
        ticks = [float(t) for t in re.findall(r'text-anchor="end">([\d.]+)</text>', chart)]
        assert max(ticks) == pytest.approx(top)


def test_burden_chart_spans_the_page_and_names_every_locality(valley_plan: sl.Plan) -> None:
    section = burden_section(valley_plan, ReportContext())
    assert section is not None and section.wide
    root = ET.fromstring(re.search(r"<svg.*?</svg>", section.html, re.S).group(0))  # type: ignore[union-attr]
    assert root.get("viewBox", "").split()[2] == "1100"
    names = [" ".join(s.text or "" for s in t.iter(f"{SVG}tspan"))
             for t in root.iter(f"{SVG}text") if t.get("class") == "bar-label"]
    assert sorted(names) == ["Ban A", "Ban B", "Ban C"]
    # Its height follows its rows: three localities, a short chart.
    assert float(root.get("viewBox", "").split()[3]) < 200


def _with_mules(doc: dict[str, Any], rations: float, routes: list[str] | None) -> None:
    doc["modes"].append({"id": "mule", "name": "Pack mule", "payload_kg": 60,
                         "speed_loaded_km_per_day": 20, "speed_empty_km_per_day": 25,
                         "crew_per_unit": 0.5, "rations_kg_per_day": {"rice": rations},
                         "units_from": "owned"})
    doc["places"][0]["carriers"] = {**doc["places"][0].get("carriers", {}), "mule": 30}
    for route in doc["routes"]:
        if routes is None or route.get("id") in routes:
            route["modes"].append("mule")


def test_idle_mules_are_explained_by_what_they_eat(valley_doc: Doc) -> None:
    doc = valley_doc()
    _with_mules(doc, rations=6.0, routes=None)  # fodder: far more than a porter's rice
    plan = _plan(doc)
    m = plan.network.mode_ids.index("mule")
    (idle,) = [i for i in idle_carriers(plan) if i.mode == m]
    assert idle.owned == 30 and idle.idle >= 2 and idle.idle == int(idle.idle)
    assert re.match(rf"{idle.idle:,.0f} of 30 pack mule units idle: on the (one route|\d+ "
                    r"routes) they may use where others carried, a round trip eats ",
                    idle.sentence)
    own, other = (float(x.replace(",", "")) for x in
                  re.findall(r"eats ([\d,.]+) kg per tonne delivered, against ([\d,.]+) kg",
                             idle.sentence)[0])
    assert own > other
    # The figures are the legs' own: within what the mules' and the carriers' legs eat.
    per_kg = 1000 * _eaten_per_kg(plan)
    mule_legs = plan.legs.mode == m
    carried = (plan.cargo_kg.sum(axis=(1, 2)) > 0) & ~mule_legs
    assert np.nanmin(per_kg[mule_legs]) * 0.99 <= own <= np.nanmax(per_kg[mule_legs]) * 1.01
    assert per_kg[carried].min() * 0.99 <= other <= per_kg[carried].max() * 1.01
    assert "so the plan spends less food with" in idle.sentence
    # ... and how many of the modes that carried instead served at most.
    porter = plan.network.mode_ids.index("porter")
    assert f"{plan.fleet_needed()[porter]:,.0f} porter units" in idle.sentence
    page = sl.report.render_report(plan)
    assert 'id="idle-carriers"' in page and "pack mule units idle" in page


def test_idle_carriers_without_a_reason_in_the_figures_get_the_figures_only(
    valley_doc: Doc,
) -> None:
    doc = valley_doc()
    _with_mules(doc, rations=0.1, routes=["long-trail"])  # cheap, but only on a far trail
    plan = _plan(doc)
    m = plan.network.mode_ids.index("mule")
    sentences = [i.sentence for i in idle_carriers(plan) if i.mode == m]
    assert len(sentences) == 1
    assert ("what held them back is not in these figures" in sentences[0]
            or "nothing was carried over the routes they may use" in sentences[0])
    assert "spends less food" not in sentences[0]


def test_no_idle_sentence_when_every_owned_unit_served(valley_plan: sl.Plan) -> None:
    net = valley_plan.network
    peak = valley_plan.units_in_use().max(axis=1)
    owned = net.carriers_owned.sum(axis=0)
    needed = valley_plan.fleet_needed()
    assert (needed == whole_units(peak)).all()
    expected = {m for m in range(net.n_modes) if net.owned_units[m]
                and owned[m] - needed[m] >= max(1.0, 0.05 * owned[m])}
    assert {i.mode for i in idle_carriers(valley_plan)} == expected


def test_idle_units_are_whole_and_agree_with_the_headline_fleet(valley_doc: Doc) -> None:
    """Idle units are those owned less the fleet the headline counts (``fleet_needed``):
    the two never disagree, and noise below the plan's tolerance is no unit."""
    doc = valley_doc()
    _with_mules(doc, rations=6.0, routes=None)
    made = _plan(doc)
    m = made.network.mode_ids.index("mule")
    units = made.in_service_units.copy()  # a plan's arrays are read-only: a changed copy
    units[:, m, :] = 0.0
    units[0, m, 3] = 5e-7  # noise: no mule served
    cargo = made.cargo_kg.copy()
    cargo[made.leg_mode == m] = 0.0  # (nor carried anything: a mule that carries is needed)
    made = dataclasses.replace(made, cargo_kg=cargo)
    plan = dataclasses.replace(made, in_service_units=units)
    (idle,) = [i for i in idle_carriers(plan) if i.mode == m]
    assert idle.idle == 30 and idle.sentence.startswith("30 of 30 pack mule units idle")
    for served, needed in ((3e-6, 0), (0.004, 0), (0.4, 1), (4.2, 5), (4.004, 4)):
        # crumbs (of an interior point answer), a part of one unit, a part of a fifth
        units[0, m, 3] = served
        plan = dataclasses.replace(made, in_service_units=units)
        (idle,) = [i for i in idle_carriers(plan) if i.mode == m]
        assert idle.idle == 30 - plan.fleet_needed()[m] == 30 - needed


def test_tables_show_no_solver_noise(valley_plan: sl.Plan) -> None:
    given = valley_plan.given_kg.copy()
    salt = valley_plan.good_ids.index("salt")
    given[valley_plan.network.place_ids.index("ban-c"), salt, :] += 0.0388  # 39 g of noise
    noisy = dataclasses.replace(valley_plan, given_kg=given)
    section = mobilization_section(noisy, ReportContext())
    assert section is not None
    assert not re.search(r">-?0\.0000", section.html)
    cargo = valley_plan.cargo_kg.copy()
    cargo[:, 0, 0] += 0.0391  # 39 g on every leg, both ways of every route
    routes = routes_section(dataclasses.replace(valley_plan, cargo_kg=cargo), ReportContext())
    assert routes is not None and not re.search(r">-?0\.0000", routes.html)
    assert re.search(r">-?0\.0000", table("t", ["x"], [[0.0000388]], [True]))  # a control


def _crowded_front(doc: dict[str, Any]) -> list[str]:
    """Four hamlets close around the front; their ids."""
    ids = []
    for i, (dlat, dlon) in enumerate([(0.006, 0.004), (-0.005, 0.007), (0.009, -0.006),
                                      (-0.008, -0.005)]):
        pid = f"hamlet-{i}"
        ids.append(pid)
        doc["places"].append({"id": pid, "name": f"Hamlet {i} by the front", "kind": "junction",
                              "lat": 21.39 + dlat, "lon": 103.02 + dlon})
        doc["routes"].append({"from": pid, "to": "front", "length_km": 1, "modes": ["porter"]})
    return ids


def test_a_crowded_front_gets_a_magnified_inset(valley_doc: Doc, valley_plan: sl.Plan) -> None:
    assert 'id="map-inset"' not in draw_map(valley_plan).svg  # the valley is not crowded
    doc = valley_doc()
    hamlets = _crowded_front(doc)
    plan = _plan(doc)
    lay = layout(plan)
    assert lay.inset is not None and lay.inset.zoom >= 1.8
    assert {plan.network.place_ids[p] for p in lay.inset.places} >= {"front", *hamlets}
    svg = draw_map(plan).svg
    main, inset = svg.split('<g id="map-inset">')
    labels_main, _ = _names_on_map(main + "</svg>")
    labels_inset, _ = _names_on_map("<svg><g>" + inset)  # the inset's group, then the legend
    in_inset = {plan.network.place_ids[p] for p in lay.inset.places}
    assert set(labels_inset) == in_inset  # named in the inset ...
    assert not set(labels_main) & in_inset  # ... and only there
    labels, numbered = _names_on_map(svg)
    full = dict(zip(plan.network.place_ids, plan.network.place_names, strict=True))
    assert set(labels) | set(numbered) == set(full)
    assert all(len(v) == 1 for v in labels.values())
    # The inset does not cover any place of the main map.
    x1, y1, x2, y2 = lay.inset.box
    assert not any(x1 - 12 < x < x2 + 12 and y1 - 12 < y < y2 + 12 for x, y in lay.xy)
    # Nor does a name of the main map sit in the magnified area's frame, where it reads as
    # the name of a place inside (the built-in map's Son La, under Dien Bien Phu): the frame
    # is an obstacle to names as the inset is.
    r1, s1, r2, s2 = region = lay.inset.region
    assert region in lay.labeller.boxes
    for spot in lay.labeller.placed.values():
        b1, c1, b2, c2 = spot.box
        assert b2 <= r1 or b1 >= r2 or c2 <= s1 or c1 >= s2


def test_long_mode_and_place_names_are_never_cut_on_the_page(valley_doc: Doc) -> None:
    doc = valley_doc()
    long_mode = "Porter carrying a bamboo pole with two baskets over the hills"
    doc["modes"][0]["name"] = long_mode
    doc["places"][0]["name"] = "Ban A and the hamlets along the upper stream of the river"
    plan = _plan(doc)
    page = sl.report.render_report(plan)
    assert "…" not in page
    legend = draw_map(plan).svg.split('<g class="legend">')[1]
    texts = [" ".join(s.text or "" for s in t.iter("tspan"))
             for t in ET.fromstring(f"<g>{legend.removesuffix('</svg>')}").iter("text")]
    assert long_mode in texts


def test_a_route_that_would_run_through_a_place_bends_around_it() -> None:
    """On the tutorial, Far village → Bridge junction runs straight through River village,
    and the unused gorge path Bridge junction → Kestrel town through the ridge depot: each
    is drawn as a gentle curve clear of the place, so it does not read as a chain of two
    routes; a route with no place in its way stays straight."""
    plan = sl.plan(sl.load("tutorial"))
    net = plan.network
    lay = layout(plan)
    ids = net.route_ids
    for route, place in (("far-village--bridge", "river-village"),
                         ("gorge-path", "ridge-depot")):
        curve = lay.curves[ids.index(route)]
        px, py = lay.xy[net.place_ids.index(place)]
        mx, my = (curve.a[0] + curve.b[0]) / 2, (curve.a[1] + curve.b[1]) / 2
        chord = math.hypot(curve.b[0] - curve.a[0], curve.b[1] - curve.a[1])
        t = np.linspace(0.0, 1.0, 200)
        along = np.array([(curve.a[0] + (curve.b[0] - curve.a[0]) * s,
                           curve.a[1] + (curve.b[1] - curve.a[1]) * s) for s in t])
        assert np.hypot(*(along - (px, py)).T).min() < 8  # straight, it would cross the place
        drawn = np.array([curve.at(s) for s in t])
        assert np.hypot(*(drawn - (px, py)).T).min() >= PASS_CLEARANCE
        bend = math.hypot(curve.c[0] - mx, curve.c[1] - my) / 2
        assert 0 < bend <= MAX_BEND * chord  # gentle
    straight = lay.curves[ids.index("terrace-village--bridge")]
    assert straight.c == ((straight.a[0] + straight.b[0]) / 2, (straight.a[1] + straight.b[1]) / 2)


def test_unused_routes_are_drawn_over_the_used_ones_on_a_white_casing() -> None:
    svg = draw_map(sl.plan(sl.load("tutorial"))).svg
    unused = svg.index('class="route-unused"')
    assert unused > svg.rindex('class="route"')  # after (over) every used route
    path = svg[svg.rindex("<path", 0, unused):unused]
    assert 'stroke-width="1.6" stroke-dasharray="5 3"' in path
    casing = svg[svg.rindex("<path", 0, svg.rindex("<path", 0, unused)):]
    assert casing.startswith("<path") and 'stroke="#fff" stroke-width="3.4"' in casing[:200]


def test_front_stock_below_half_a_kg_is_none(valley_plan: sl.Plan) -> None:
    """The solver's crumbs (a millionth of a day of supply) are no stock: they would set the
    chart's scale and its ticks (0.0000008) would run out of the chart."""
    stock = valley_plan.stock_kg.copy()
    front = valley_plan.network.place_ids.index("front")
    salt = valley_plan.good_ids.index("salt")
    stock[front, salt, :] = 4e-4  # 0.4 g: 1e-5 days of 40 kg a day
    stock[front, salt, 2] = 2.0  # 2 kg: 0.05 days, shown
    noisy = dataclasses.replace(valley_plan, stock_kg=stock)
    (line,) = [x for x in stock_days(noisy) if x.good == salt]
    shown = line.days_of_supply[np.isfinite(line.days_of_supply)]
    assert set(np.round(shown, 6)) <= {0.0, 0.05} and 0.05 in np.round(shown, 6)
    section = stock_section(noisy, ReportContext())
    assert section is not None
    chart = section.html.split('<svg id="chart-stock-salt"')[1].split("</svg>")[0]
    ticks = re.findall(r'text-anchor="end">([^<]+)</text>', chart)
    assert ticks == ["0", "0.01", "0.02", "0.03", "0.04", "0.05"]


def test_a_flow_arrow_is_a_long_notched_head_pointing_its_way() -> None:
    """A near-equilateral triangle was read backwards: the head is longer than it is wide
    and notched at the back, and it points along the route (or back along it)."""
    import math
    import re

    from supplyline.report.map import Curve, _arrow

    curve = Curve((0.0, 0.0), (50.0, 0.0), (100.0, 0.0))
    for forward, sign in ((True, 1.0), (False, -1.0)):
        points = [tuple(map(float, p.split(","))) for p in
                  re.search(r'points="([^"]+)"', _arrow(curve, 6.0, "#000", forward))
                  .group(1).split()]  # type: ignore[union-attr]
        tip, left, notch, right = points
        assert sign * (tip[0] - 50.0) > 0 and sign * (notch[0] - 50.0) < 0  # its way
        length = abs(tip[0] - left[0])
        width = math.dist(left, right)
        assert length > 1.2 * width  # long, not equilateral
        assert abs(notch[0] - 50.0) < abs(left[0] - 50.0)  # the back is notched


def test_stock_in_steps_is_drawn_at_each_step_s_end_with_the_target_as_asked(
        valley_doc: Doc) -> None:
    """A plan in 4-day steps knows its stock at the end of each step: each point sits at the
    step's last day (it sat at the first, up to three days early), and the reserve target
    says the scenario's 1 day by 6 Mar and its kg, checked at the end of the step (8 Mar),
    not 1.14 days (the kg over the step's mean demand)."""
    doc = valley_doc()
    doc["demand"][0]["reserves"] = [{"days_of_supply": 1, "by": "1954-03-06"}]
    plan = sl.plan(Scenario.model_validate(doc), step_days=4)
    held = float(plan.stock_kg[plan.network.place_ids.index("front"), 0, 1])
    assert plan.network.grid.end.tolist() == [3, 7, 9]
    section = stock_section(plan, ReportContext())
    assert section is not None
    chart = section.html.split('<svg id="chart-stock-rice"')[1].split("</svg>")[0]
    root = ET.fromstring(f"<svg{chart}</svg>")
    (line,) = root.findall("polyline")
    xs = [float(p.split(",")[0]) for p in (line.get("points") or "").split()]
    assert (xs[2] - xs[1]) / (xs[1] - xs[0]) == pytest.approx(2 / 4, rel=1e-2)  # days 3, 7, 9
    (target,) = [p for p in root.findall("path") if (p.findtext("title") or "").startswith(
        "reserve target")]
    assert float((target.get("d") or "").split()[0][1:]) == pytest.approx(xs[1], abs=0.1)
    assert target.findtext("title") == (
        "reserve target Rice: 1 day of supply by 6 Mar 1954, 1.8 t (checked at the end of "
        "its step, 8 Mar 1954); the plan holds "
        f"{facts.mass_words(held)}")
    caption = " ".join(section.html.split("<figcaption>")[1].split())
    assert "at the end of each step of the plan, drawn at the step&#x27;s last day" in caption
    assert "which the plan holds at the end of the step that holds that date" in caption


def test_the_map_draws_the_solver_s_crumbs_as_nothing(valley_plan: sl.Plan) -> None:
    """A route that carried 70 g was drawn in its mode's colour with a direction arrow, and
    a locality that gave 59 g as a giver: the tables show both as 0 (tonnes to the kg), and
    the map now draws them by the same rule, as not used and as having given nothing."""
    net = valley_plan.network
    trail = net.route_index["long-trail"]
    cargo = valley_plan.cargo_kg.copy()
    leg = int(np.nonzero(net.arc_route[valley_plan.leg_arc] == trail)[0][0])
    cargo[leg, 0, 3] = 0.07
    ban_c = net.place_ids.index("ban-c")
    given = valley_plan.given_kg.copy()
    given[ban_c, 0, -1] = max(given[ban_c, 0, -1], 0.059)
    plan = dataclasses.replace(valley_plan, cargo_kg=cargo, given_kg=given)
    assert 0 < route_facts(plan).tonnes[trail] < 1e-3 and 0 < given_t(plan)[ban_c] < 1e-3
    svg = draw_map(plan).svg
    on_map = svg.split('<g class="legend">')[0]
    root = ET.fromstring(svg)
    routes = {(el.findtext("title") or "").split(" (")[0]: el.get("class")
              for el in root.iter("path") if el.get("class") in ("route", "route-unused")}
    assert routes["Long trail"] == "route-unused"
    assert on_map.count(f'fill="{ARROW}"') == list(routes.values()).count("route")
    (ban,) = [el for el in root.iter("circle")
              if (el.findtext("title") or "").startswith("Ban C (locality)")]
    assert ban.get("class") == "locality-idle"
    assert ban.findtext("title") == "Ban C (locality): gave 0 t"


def test_a_front_on_the_map_says_what_it_consumed(valley_plan: sl.Plan) -> None:
    """The front's hover text said 'received' for what it consumed (the export's
    received_kg is what arrived): it says consumed, as the legend does."""
    svg = draw_map(valley_plan).svg
    front = valley_plan.network.place_ids.index("front")
    consumed = float(valley_plan.consumed_kg[front].sum())
    legend = " ".join(re.sub(r"<[^>]+>", " ", svg.split('<g class="legend">')[1]).split())
    assert "front, sized by t consumed (at least this size)" in legend
    assert "received" not in svg
    assert f"The valley (front): consumed {fmt(facts.tonnes_of(consumed))} t" in svg


def test_rain_says_its_rainy_day_factor_and_its_average_for_each_spell(
        valley_doc: Doc) -> None:
    """Two spells back to back read as one, 'trips up to 1.26 × as long': 1.26 is the
    expected factor of the wetter one (0.6 / 0.7 + 0.4), a rainy day's trip is 1.43 × as
    long. Each spell is its own line, with both factors."""
    doc = valley_doc()
    doc["threats"] = {"rain": [
        {"start": "1954-03-02", "end": "1954-03-04", "probability_per_day": 0.3,
         "speed_factor": 0.8, "capacity_factor": 0.9},
        {"start": "1954-03-05", "end": "1954-03-08", "probability_per_day": 0.6,
         "speed_factor": 0.7, "capacity_factor": 0.9}]}
    plan = _plan(doc)
    notes = draw_map(plan).hazards
    assert notes == [
        f"Rain 2 Mar – 4 Mar 1954: every route (trips 1.25 × as long on a rainy day, "
        f"{fmt(0.7 + 0.3 / 0.8)} × on average).",
        "Rain 5 Mar – 8 Mar 1954: every route (trips 1.43 × as long on a rainy day, 1.26 × "
        "on average)."]
    (first, second) = route_hazards(plan.network)[plan.network.route_index["pass"]]
    assert (first.first, first.last, second.first, second.last) == (1, 3, 4, 7)
    assert second.rainy == pytest.approx(1 / 0.7) and second.level == pytest.approx(
        0.4 + 0.6 / 0.7)


@pytest.mark.parametrize("name", ["tutorial", "tiny"])
def test_the_legend_shows_only_the_marks_the_map_draws(name: str) -> None:
    """The legend always listed routes at capacity, idle localities, junctions and hospitals:
    the tutorial has no route at capacity, the tiny scenario no junction."""
    from tests.scenario.helpers import DATA

    plan = sl.plan(sl.load("tutorial") if name == "tutorial" else sl.load(DATA / "tiny.yaml"))
    on_map, legend = draw_map(plan).svg.split('<g class="legend">')
    for css, words in [("route-unused", "not used"), ("chokepoint", "at capacity ≥ 1 day"),
                       ("locality-idle", "locality that gave nothing"),
                       ("junction", "junction"), ("hospital", "hospital"),
                       ("depot", "depot / relay station")]:
        assert (f'class="{css}"' in on_map) == (f">{words}<" in legend), (css, name)
    if name == "tutorial":
        assert 'class="chokepoint"' not in on_map and "at capacity" not in legend
    else:
        assert 'class="junction"' not in on_map and ">junction<" not in legend


def test_place_circles_have_areas_in_proportion_to_their_tonnes() -> None:
    """The radius was 3 + 12 √(t / largest): on the tutorial, Terrace village's 12.1 t read as
    32 % of Kestrel town's 57.8 t (it is 21 %), and on the built-in scenario a 815 t giver
    read 2.3 times too big beside the front's 11,232 t. Areas are now in proportion, down to
    the smallest size that shows, which the legend states where a place is drawn at it."""
    from supplyline.report.map import MAX_PLACE_PX, MIN_PLACE_PX, place_radius, smallest_sized

    plan = sl.plan(sl.load("tutorial"))
    svg = draw_map(plan).svg
    circles = re.findall(r'<circle [^>]*r="([\d.]+)"[^>]*class="(?:locality|front)">'
                         r"<title>[^<]*(?:gave|consumed) ([\d.,]+) t</title>", svg)
    assert len(circles) == 4
    biggest = max(float(t.replace(",", "")) for _, t in circles)
    for r, t in circles:
        share = float(t.replace(",", "")) / biggest
        assert (float(r) / MAX_PLACE_PX) ** 2 == pytest.approx(share, abs=0.01), (r, t)
    assert "57.8 t given or consumed" in svg and "t or less" not in svg  # none that small
    # A place of under a twenty-fifth of the largest is drawn at the smallest size, said so.
    assert place_radius(10.0, 1000.0) == MIN_PLACE_PX == place_radius(39.9, 1000.0)
    assert place_radius(160.0, 1000.0) == pytest.approx(6.0)
    assert smallest_sized(1000.0) == pytest.approx(40.0)


def test_the_legend_states_the_smallest_size_where_a_place_is_drawn_at_it(
        valley_plan: sl.Plan) -> None:
    """A locality that gave a sliver of the largest place's tonnes is drawn at the smallest
    size; the legend says which tonnes that size stands for (and says nothing of it where no
    place is that small)."""
    from supplyline.report.map import _legend, smallest_sized

    net = valley_plan.network
    sizes = np.zeros(net.n_places)
    sizes[net.place_ids.index("front")] = 1000.0
    sizes[net.place_ids.index("ban-a")] = 300.0
    route = route_facts(valley_plan)
    hazards = route_hazards(net)
    assert "t or less" not in _legend(valley_plan, route, 0.0, 1.0, sizes, hazards)[0]
    sizes[net.place_ids.index("ban-b")] = 12.0
    legend = _legend(valley_plan, route, 0.0, 1.0, sizes, hazards)[0]
    assert smallest_sized(1000.0) == pytest.approx(40.0)
    assert "40 t or less" in legend and "1,000 t given or consumed" in legend


def test_the_inset_hides_no_graticule_label(valley_plan: sl.Plan) -> None:
    """The inset (bottom left on the built-in scenario) covered the latitude labels, a stray
    "2" and "1" showing beside its frame: a label the inset would cover is left out, the
    others stay."""
    from supplyline.report.map import _graticule

    lay = layout(valley_plan)
    net = valley_plan.network

    def labels(covered: tuple[float, float, float, float] | None) -> list[tuple[float, float]]:
        drawn = "".join(_graticule(lay.proj, net.lat, net.lon, lay.width, lay.height, covered))
        return [(float(x), float(y)) for x, y in re.findall(
            r'<text x="([\d.]+)" y="([\d.]+)" class="graticule-label">', drawn)]

    every = labels(None)
    left = [y for x, y in every if x < 10]  # the latitudes, at the left edge
    assert len(left) >= 2
    box = (8.0, min(left) - 5, 300.0, min(left) + 5)  # an inset over the first one
    kept = labels(box)
    assert sorted(y for x, y in kept if x < 10) == sorted(left)[1:]
    assert [xy for xy in kept if xy[0] >= 10] == [xy for xy in every if xy[0] >= 10]


def test_a_route_that_carried_nothing_under_strikes_has_its_own_legend_row(
        valley_plan: sl.Plan) -> None:
    """On the built-in scenario's map the unused raft routes under air strikes showed as red
    dotted lines, their grey dashes hidden under the red dots: the legend named neither that
    mark nor anything like it. It has a row of its own wherever such a route is drawn, and
    none where every threatened route carried something."""
    from supplyline.report.facts import Window
    from supplyline.report.map import _legend

    net = valley_plan.network
    sizes = np.ones(net.n_places)
    route = route_facts(valley_plan)
    hazards: list[list[Window]] = [[] for _ in net.route_ids]
    index = net.route_index
    hazards[index["pass"]] = [Window("strikes", 2, 5, level=0.2)]
    words = "not used, strikes or raids"
    assert route.tonnes[index["pass"]] > 0
    used = _legend(valley_plan, route, 0.0, 1.0, sizes, hazards)[0]
    assert ">air strikes or raids<" in used and words not in used
    forward = route.forward_t.copy()
    forward[index["pass"]] = 0.0
    unused = dataclasses.replace(route, forward_t=forward, back_t=np.zeros_like(forward))
    legend = _legend(valley_plan, unused, 0.0, 1.0, sizes, hazards)[0]
    assert f">{words}<" in legend
    # its sample is the map's mark: the grey dashes on their casing, the red dots over them
    row = legend.split(">air strikes or raids<")[1].split(f">{words}<")[0]
    assert row.count("<line") == 3 and 'stroke-dasharray="5 3"' in row
    assert 'stroke-dasharray="1.5 3"' in row


def test_strike_chances_that_differ_are_grouped_each_said_once_the_worst_first(
        valley_doc: Doc) -> None:
    """The built-in scenario's 'Closures and threats' said the chance of a strike after each
    of its 19 routes, in the order of the scenario's file ('Route 41, Suoi Rut - Moc Chau
    (chance of a strike up to 2.1% a day); Route 41, Moc Chau - Co Noi (... 61.1% ...)'):
    routes that share a chance are named together, each chance once, the worst first."""
    from supplyline.network import compile_network
    from supplyline.report.map import hazard_notes

    doc = valley_doc()
    window = {"start": "1954-03-04", "end": "1954-03-08"}
    doc["threats"] = {"air": [
        {"routes": ["long-trail"], "capacity_lost_fraction": 0.3,
         "cargo_destroyed_fraction": 0.1, "windows": [{**window, "day_probability": 0.05}]},
        {"routes": ["pass", "relay-hospital"], "capacity_lost_fraction": 0.3,
         "cargo_destroyed_fraction": 0.1, "windows": [{**window, "day_probability": 0.4}]}]}
    for route in doc["routes"]:
        if route["to"] == "hospital":
            route.update(id="relay-hospital", name="Hospital track", air_exposed=True)
    (note,) = hazard_notes(compile_network(Scenario.model_validate(doc)))
    assert note == (
        "Air strikes or raids 4 Mar – 8 Mar 1954: chance of a strike up to 40% a day on The "
        "pass; Hospital track. Chance of a strike up to 5% a day on Long trail.")
    assert note.count("chance of a strike") + note.count("Chance of a strike") == 2
