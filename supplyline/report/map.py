"""The network map: places at their coordinates, routes as lines whose width shows the tonnes
carried and whose colour shows the mode that carried most, as one inline SVG.

The projection is equirectangular around the mean latitude (longitudes scaled by
``cos(latitude)``), which keeps distances true to a few percent over a campaign's area; the
km scale bar is drawn in that projection. No base map is needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

import numpy as np

from supplyline.network import FloatArray
from supplyline.plan.result import Plan
from supplyline.report.facts import (
    RouteFacts,
    given_t,
    mode_name,
    place_name,
    received_t,
    route_facts,
    short_label,
)
from supplyline.report.svg import colour, fmt, nice_ticks, text_width

MAP_ID = "network-map"
WIDTH = 1100.0
LEGEND_WIDTH = 230.0
PAD = 36.0
KM_PER_DEGREE_LAT = 110.574
KM_PER_DEGREE_LON = 111.320

LOCALITY = "#2e7d32"
FRONT = "#c62828"
DEPOT = "#37474f"
JUNCTION = "#607d8b"
ARROW = "#1f2933"
UNUSED = "#b0b7bf"
CHOKEPOINT = "#ff3d00"
MAX_ROUTE_PX = 13.0
MAX_PLACE_PX = 15.0


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Projection:
    """Degrees to pixels: equirectangular around ``lat0``, ``scale`` pixels per km."""

    lat0: float
    lon0: float
    scale: float
    x0: float
    y0: float

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        east = (lon - self.lon0) * math.cos(math.radians(self.lat0)) * KM_PER_DEGREE_LON
        north = (lat - self.lat0) * KM_PER_DEGREE_LAT
        return self.x0 + east * self.scale, self.y0 - north * self.scale


def _fit(lat: FloatArray, lon: FloatArray, width: float, min_height: float) -> tuple[
    Projection, float
]:
    """A projection that fits all places into ``width`` (and at most 760 px of height)."""
    lat0 = float((lat.min() + lat.max()) / 2) if lat.size else 0.0
    lon0 = float((lon.min() + lon.max()) / 2) if lon.size else 0.0
    cos = math.cos(math.radians(lat0))
    x_span = max(float(np.ptp(lon)) * cos * KM_PER_DEGREE_LON if lon.size else 0.0, 1.0)
    y_span = max(float(np.ptp(lat)) * KM_PER_DEGREE_LAT if lat.size else 0.0, 1.0)
    scale = min((width - 2 * PAD) / x_span, (760.0 - 2 * PAD - 30) / y_span)
    height = max(min_height, y_span * scale + 2 * PAD + 30)
    return Projection(lat0, lon0, scale, width / 2, (height - 30) / 2), height


def _degree_step(span: float) -> float:
    return next((s for s in (0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0) if span / s <= 5),
                20.0)


def _graticule(proj: Projection, lat: FloatArray, lon: FloatArray, width: float,
               height: float) -> list[str]:
    """Faint lines of latitude and longitude, labelled at the map's edges."""
    out: list[str] = []
    step = _degree_step(max(float(np.ptp(lat)), float(np.ptp(lon)), 0.05))
    # Latitudes and longitudes visible inside the frame.
    lat_lo = proj.lat0 - (height - proj.y0) / proj.scale / KM_PER_DEGREE_LAT
    lat_hi = proj.lat0 + proj.y0 / proj.scale / KM_PER_DEGREE_LAT
    km_lon = math.cos(math.radians(proj.lat0)) * KM_PER_DEGREE_LON
    lon_lo = proj.lon0 - proj.x0 / proj.scale / km_lon
    lon_hi = proj.lon0 + (width - proj.x0) / proj.scale / km_lon
    for value in np.arange(math.ceil(lat_lo / step) * step, lat_hi, step):
        _, y = proj.xy(float(value), proj.lon0)
        label = f"{abs(value):.2f}".rstrip("0").rstrip(".") + ("°N" if value >= 0 else "°S")
        out.append(f'<line x1="0" x2="{_n(width)}" y1="{_n(y)}" y2="{_n(y)}" '
                   f'class="graticule"/><text x="4" y="{_n(y - 3)}" '
                   f'class="graticule-label">{label}</text>')
    for value in np.arange(math.ceil(lon_lo / step) * step, lon_hi, step):
        x, _ = proj.xy(proj.lat0, float(value))
        label = f"{abs(value):.2f}".rstrip("0").rstrip(".") + ("°E" if value >= 0 else "°W")
        text = (f'<text x="{_n(x + 3)}" y="12" class="graticule-label">{label}</text>'
                if x < width - 48 else "")
        out.append(f'<line x1="{_n(x)}" x2="{_n(x)}" y1="0" y2="{_n(height)}" '
                   f'class="graticule"/>{text}')
    return out


def route_width(tonnes: float, biggest: float) -> float:
    """Stroke width in px for a route carrying ``tonnes`` (area-like: square root)."""
    if tonnes <= 0 or biggest <= 0:
        return 1.0
    return 1.5 + (MAX_ROUTE_PX - 1.5) * math.sqrt(tonnes / biggest)


def place_radius(tonnes: float, biggest: float) -> float:
    """Radius in px for a place that gave or received ``tonnes`` (area proportional)."""
    if tonnes <= 0 or biggest <= 0:
        return 3.0
    return 3.0 + (MAX_PLACE_PX - 3.0) * math.sqrt(tonnes / biggest)


def _arrow(x1: float, y1: float, x2: float, y2: float, size: float, fill: str) -> str:
    """A small triangle at the middle of a segment, pointing from (x1, y1) to (x2, y2)."""
    length = math.hypot(x2 - x1, y2 - y1)
    if length < 3 * size:
        return ""
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    tip = (mx + ux * size, my + uy * size)
    left = (mx - ux * size - uy * size * 0.8, my - uy * size + ux * size * 0.8)
    right = (mx - ux * size + uy * size * 0.8, my - uy * size - ux * size * 0.8)
    points = " ".join(f"{_n(x)},{_n(y)}" for x, y in (tip, left, right))
    return f'<polygon points="{points}" fill="{fill}" fill-opacity="0.8"/>'


def _route_title(plan: Plan, facts: RouteFacts, r: int) -> str:
    net = plan.network
    a, b = place_name(net, int(facts.start[r])), place_name(net, int(facts.end[r]))
    text = (f"{net.route_names[r]} ({a} – {b}), {fmt(float(facts.length_km[r]))} km, "
            f"modes: {', '.join(facts.modes[r])}; {fmt(float(facts.forward_t[r]))} t "
            f"{a} → {b}, {fmt(float(facts.back_t[r]))} t {b} → {a}")
    days = int(facts.at_capacity_days[r])
    if days:
        text += f"; at capacity on {days} day{'s' if days != 1 else ''}"
    return text


class _Labels:
    """Place labels that do not overlap: each tries four spots and is dropped if all are
    taken (unless it must be shown)."""

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height
        self.boxes: list[tuple[float, float, float, float]] = []
        self.parts: list[str] = []

    def _inside(self, box: tuple[float, float, float, float]) -> bool:
        x1, y1, x2, y2 = box
        return x1 >= 2 and y1 >= 2 and x2 <= self.width - 2 and y2 <= self.height - 2

    def _free(self, box: tuple[float, float, float, float]) -> bool:
        x1, y1, x2, y2 = box
        return self._inside(box) and all(
            x2 < a or x1 > c or y2 < b or y1 > d for a, b, c, d in self.boxes
        )

    def reserve(self, x: float, y: float, radius: float) -> None:
        self.boxes.append((x - radius, y - radius, x + radius, y + radius))

    def add(self, text: str, x: float, y: float, radius: float, css: str,
            force: bool = False) -> None:
        w, h = text_width(text, 11.5), 12.0
        spots = [
            (x + radius + 3, y + 4, "start", (x + radius + 2, y - h / 2, x + radius + 4 + w,
                                              y + h / 2)),
            (x - radius - 3, y + 4, "end", (x - radius - 4 - w, y - h / 2, x - radius - 2,
                                            y + h / 2)),
            (x, y - radius - 4, "middle", (x - w / 2, y - radius - 4 - h, x + w / 2,
                                           y - radius - 3)),
            (x, y + radius + 13, "middle", (x - w / 2, y + radius + 2, x + w / 2,
                                            y + radius + 3 + h)),
        ]
        free = [spot for spot in spots if self._free(spot[3])]
        inside = [spot for spot in spots if self._inside(spot[3])]
        if not free and not (force and inside):
            return
        tx, ty, anchor, box = (free or inside)[0]
        self.boxes.append(box)
        self.parts.append(f'<text x="{_n(tx)}" y="{_n(ty)}" text-anchor="{anchor}" '
                          f'class="{css}">{escape(text)}</text>')


def _legend(plan: Plan, facts: RouteFacts, x0: float, biggest_route: float,
            biggest_place: float) -> tuple[str, float]:
    """The legend panel at ``x0``, and its height."""
    net = plan.network
    rows: list[str] = []
    y = 22.0

    def heading(text: str) -> None:
        nonlocal y
        rows.append(f'<text x="{_n(x0)}" y="{_n(y)}" class="legend-heading">{escape(text)}</text>')
        y += 16

    def row(symbol: str, text: str, step: float = 18.0) -> None:
        nonlocal y
        rows.append(symbol)
        rows.append(f'<text x="{_n(x0 + 40)}" y="{_n(y + 4)}">{escape(text)}</text>')
        y += step

    heading("Routes: mode carrying most")
    used_modes = sorted({int(m) for m in facts.main_mode if m >= 0})
    for m in used_modes:
        row(f'<line x1="{_n(x0)}" x2="{_n(x0 + 30)}" y1="{_n(y)}" y2="{_n(y)}" '
            f'stroke="{colour(m)}" stroke-width="5"/>', short_label(mode_name(net, m), 24))
    row(f'<line x1="{_n(x0)}" x2="{_n(x0 + 30)}" y1="{_n(y)}" y2="{_n(y)}" stroke="{UNUSED}" '
        f'stroke-width="1.2" stroke-dasharray="4 3"/>', "not used")
    row(f'<line x1="{_n(x0)}" x2="{_n(x0 + 30)}" y1="{_n(y)}" y2="{_n(y)}" '
        f'stroke="{CHOKEPOINT}" stroke-opacity="0.4" stroke-width="12"/>'
        f'<line x1="{_n(x0)}" x2="{_n(x0 + 30)}" y1="{_n(y)}" y2="{_n(y)}" stroke="#555" '
        f'stroke-width="3"/>', "at capacity ≥ 1 day")
    row(f'<line x1="{_n(x0)}" x2="{_n(x0 + 30)}" y1="{_n(y)}" y2="{_n(y)}" stroke="#999" '
        f'stroke-width="5"/>{_arrow(x0, y, x0 + 30, y, 4.5, ARROW)}', "main direction")
    y += 6
    if biggest_route > 0:
        heading("Tonnes carried (both ways)")
        for share in (1.0, 0.25, 1.0 / 16):
            t = float(nice_ticks(0, biggest_route * share, 1)[-1]) if share < 1 else biggest_route
            w = route_width(t, biggest_route)
            row(f'<line x1="{_n(x0)}" x2="{_n(x0 + 30)}" y1="{_n(y)}" y2="{_n(y)}" '
                f'stroke="#777" stroke-width="{_n(w)}"/>', f"{fmt(t)} t", max(18.0, w + 6))
        y += 6
    heading("Places")
    r_big = place_radius(biggest_place, biggest_place)
    row(f'<circle cx="{_n(x0 + 15)}" cy="{_n(y + r_big - 6)}" r="{_n(r_big)}" '
        f'fill="{LOCALITY}" fill-opacity="0.75" stroke="#fff"/>',
        f"{fmt(biggest_place)} t given or received", 2 * r_big + 6)
    row(f'<circle cx="{_n(x0 + 15)}" cy="{_n(y)}" r="6" fill="{FRONT}" stroke="#000" '
        f'stroke-width="2"/>', "front (sized by t received)")
    row(f'<rect x="{_n(x0 + 10)}" y="{_n(y - 5)}" width="10" height="10" fill="{DEPOT}"/>',
        "depot / relay station")
    row(f'<circle cx="{_n(x0 + 15)}" cy="{_n(y)}" r="3.5" fill="#fff" stroke="{JUNCTION}" '
        f'stroke-width="1.5"/>', "junction")
    row(_hospital(x0 + 15, y), "hospital")
    return "".join(rows), y


def _hospital(x: float, y: float) -> str:
    return (f'<rect x="{_n(x - 7)}" y="{_n(y - 7)}" width="14" height="14" fill="#fff" '
            f'stroke="{FRONT}" stroke-width="1.5"/><path d="M{_n(x - 4)} {_n(y)}h8M{_n(x)} '
            f'{_n(y - 4)}v8" stroke="{FRONT}" stroke-width="2.5"/>')


def _scale_bar(proj: Projection, height: float, map_width: float) -> str:
    """A km scale bar at the bottom left, about a quarter of the map wide at most."""
    target_km = map_width * 0.25 / proj.scale
    power = 10.0 ** math.floor(math.log10(target_km))
    km = max(m * power for m in (1.0, 2.0, 5.0) if m * power <= target_km)
    px = km * proj.scale
    x, y = 16.0, height - 18.0
    half = px / 2
    return (
        f'<g id="scale-bar"><rect x="{_n(x)}" y="{_n(y)}" width="{_n(half)}" height="5" '
        f'fill="#333"/><rect x="{_n(x + half)}" y="{_n(y)}" width="{_n(half)}" height="5" '
        f'fill="#fff" stroke="#333"/><text x="{_n(x)}" y="{_n(y - 4)}">0</text>'
        f'<text x="{_n(x + px)}" y="{_n(y - 4)}" text-anchor="middle">{fmt(km)} km</text></g>'
    )


def _routes_layer(plan: Plan, facts: RouteFacts, xy: list[tuple[float, float]]) -> list[str]:
    """Chokepoint glows, then route lines (widest first), then direction arrows."""
    net = plan.network
    tonnes = facts.tonnes
    biggest = float(tonnes.max(initial=0.0))
    highlights, lines, arrows = [], [], []
    for r in sorted(range(len(net.route_ids)), key=lambda r: -tonnes[r]):
        (x1, y1), (x2, y2) = xy[facts.start[r]], xy[facts.end[r]]
        coords = f'x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"'
        title = f"<title>{escape(_route_title(plan, facts, r))}</title>"
        width = route_width(float(tonnes[r]), biggest)
        if facts.at_capacity_days[r] > 0:
            highlights.append(f'<line {coords} stroke="{CHOKEPOINT}" stroke-opacity="0.4" '
                              f'stroke-width="{_n(width + 10)}" stroke-linecap="round" '
                              f'class="chokepoint">{title}</line>')
        if tonnes[r] <= 0:
            lines.append(f'<line {coords} stroke="{UNUSED}" stroke-width="1.2" '
                         f'stroke-dasharray="4 3">{title}</line>')
            continue
        stroke = colour(int(facts.main_mode[r]))
        lines.append(f'<line {coords} stroke="{stroke}" stroke-width="{_n(width)}" '
                     f'stroke-linecap="round" stroke-opacity="0.9" class="route">{title}</line>')
        if facts.back_t[r] > facts.forward_t[r]:
            x1, y1, x2, y2 = x2, y2, x1, y1
        arrows.append(_arrow(x1, y1, x2, y2, max(3.5, width * 0.45 + 2), ARROW))
    return [*highlights, *lines, *arrows]


def _place_symbol(kind: str, x: float, y: float, radius: float, tip: str,
                  gave: bool) -> tuple[str, float]:
    """The symbol of a place of ``kind`` and the radius it covers."""
    if kind == "locality":
        return (f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(radius)}" '
                f'fill="{LOCALITY if gave else "#fff"}" fill-opacity="0.75" '
                f'stroke="{"#fff" if gave else LOCALITY}" class="locality">{tip}</circle>',
                radius)
    if kind == "front":
        radius = max(radius, 6.0)
        return (f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(radius)}" fill="{FRONT}" '
                f'fill-opacity="0.85" stroke="#000" stroke-width="2" class="front">{tip}'
                "</circle>", radius)
    if kind == "hospital":
        return f'<g class="hospital">{_hospital(x, y)}{tip}</g>', 7.0
    if kind == "depot":
        return (f'<rect x="{_n(x - 5)}" y="{_n(y - 5)}" width="10" height="10" '
                f'fill="{DEPOT}" stroke="#fff" class="depot">{tip}</rect>', 6.0)
    return (f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.5" fill="#fff" stroke="{JUNCTION}" '
            f'stroke-width="1.5" class="junction">{tip}</circle>', 4.0)


def _places_layer(plan: Plan, size_t: FloatArray, xy: list[tuple[float, float]],
                  width: float, height: float) -> list[str]:
    """Place symbols (largest first), then the labels that fit: fronts always, then
    hospitals, depots and the localities that gave, largest first."""
    net = plan.network
    kinds = net.place_kind
    biggest = float(size_t.max(initial=0.0))
    labels = _Labels(width, height)
    symbols: list[str] = []
    covers: dict[int, float] = {}
    for p in sorted(range(net.n_places), key=lambda p: -size_t[p]):
        x, y = xy[p]
        name, kind, tonnes = place_name(net, p), kinds[p], float(size_t[p])
        if kind == "locality":
            title = f"{name} (locality): gave {fmt(tonnes)} t"
        elif kind == "front":
            title = f"{name} (front): received {fmt(tonnes)} t"
        else:
            title = f"{name} ({kind})"
        symbol, covers[p] = _place_symbol(kind, x, y, place_radius(tonnes, biggest),
                                          f"<title>{escape(title)}</title>", tonnes > 0)
        symbols.append(symbol)
        labels.reserve(x, y, covers[p])
    rank = {"front": 0, "hospital": 1, "depot": 2, "locality": 3}
    for p in sorted(range(net.n_places), key=lambda p: (rank.get(kinds[p], 4), -size_t[p])):
        if kinds[p] == "junction" or (kinds[p] == "locality" and size_t[p] <= 0):
            continue
        x, y = xy[p]
        front = kinds[p] == "front"
        labels.add(short_label(place_name(net, p), 28), x, y, covers[p],
                   "label label-front" if front else "label", force=front)
    return [*symbols, *labels.parts]


def network_map(plan: Plan) -> str:
    """The map of the plan's network and flows as an ``<svg id="network-map">`` element."""
    net = plan.network
    facts = route_facts(plan)
    map_width = WIDTH - LEGEND_WIDTH
    size_t = np.where(net.is_front, received_t(plan), given_t(plan))
    legend, legend_height = _legend(plan, facts, map_width + 18,
                                    float(facts.tonnes.max(initial=0.0)),
                                    float(size_t.max(initial=0.0)))
    proj, height = _fit(net.lat, net.lon, map_width, max(420.0, legend_height + 12))
    xy = [proj.xy(float(la), float(lo)) for la, lo in zip(net.lat, net.lon, strict=True)]
    parts = [
        f'<rect width="{_n(map_width)}" height="{_n(height)}" fill="#f6f8fa"/>',
        *_graticule(proj, net.lat, net.lon, map_width, height),
        *_routes_layer(plan, facts, xy),
        *_places_layer(plan, size_t, xy, map_width, height),
        _scale_bar(proj, height, map_width),
        f'<g class="legend">{legend}</g>',
    ]
    title = f"Network map of {net.scenario.title}: routes by tonnes carried and main mode"
    return (
        f'<svg id="{MAP_ID}" class="map" viewBox="0 0 {_n(WIDTH)} {_n(height)}" role="img" '
        f'aria-label="{escape(title)}" font-family="system-ui, -apple-system, Segoe UI, Roboto, '
        f'Helvetica, Arial, sans-serif" font-size="12" fill="#333">'
        f"<title>{escape(title)}</title>{''.join(parts)}</svg>"
    )
