"""The network map: places at their coordinates, routes as lines whose width shows the tonnes
carried and whose colour shows the mode that carried most, as one inline SVG.

The projection is equirectangular around the mean latitude (longitudes scaled by
``cos(latitude)``), which keeps distances true to a few percent over a campaign's area; the
km scale bar is drawn in that projection. No base map is needed.

Every place is named in full: next to its symbol where there is room, further out with a
leader line where it is crowded, and by a number keyed below the map where no spot is free.
Routes that join the same two places are drawn as curves bowed apart; closed routes carry a
bar across them and routes exposed to strikes a red dotted centre line.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

import numpy as np

from supplyline.network import FloatArray, Network
from supplyline.plan.figures import RouteFacts, given_t, received_t, route_facts
from supplyline.plan.result import Plan
from supplyline.report.facts import (
    Window,
    mode_labels,
    route_hazards,
    tonnes_of,
    window_words,
    wrap_name,
)
from supplyline.report.svg import colour, fmt, nice_ticks, size_style, text_width

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
UNUSED = "#7b8794"
#: An unused route: a dashed grey line on a white casing, drawn over the used routes, so that
#: it shows wherever it runs.
UNUSED_CASING = 'stroke="#fff" stroke-width="3.4" stroke-opacity="0.85"'
UNUSED_LINE = f'stroke="{UNUSED}" stroke-width="1.6" stroke-dasharray="5 3"'
CHOKEPOINT = "#ff3d00"
HAZARD = "#c62828"
#: The red dotted centre line of a route under air strikes or raids (map and legend).
STRIKE_LINE = (f'stroke="{HAZARD}" stroke-width="1.8" stroke-dasharray="1.5 3" '
               'stroke-linecap="round"')
LEADER = "#7b8794"
MAX_ROUTE_PX = 13.0
#: Radius (px) of the place that gave or consumed most; the others' circles have areas in
#: proportion, down to the smallest radius that still shows (:func:`place_radius`); a front
#: is never drawn smaller than ``MIN_FRONT_PX``, for its black ring to show.
MAX_PLACE_PX = 15.0
MIN_PLACE_PX = 3.0
MIN_FRONT_PX = 6.0


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


#: Height of a graticule label (px): one closer to the frame's top than this is cut.
LABEL_ROOM = 12.0


#: Room a graticule label takes (px): about 50 wide.
LABEL_WIDTH = 50.0


def _graticule(proj: Projection, lat: FloatArray, lon: FloatArray, width: float,
               height: float, covered: Box | None = None) -> list[str]:
    """Faint lines of latitude and longitude, labelled at the map's edges; a label that the
    box ``covered`` (the inset's) would hide, but for a stray digit at its edge, is left
    out."""

    def hidden(box: Box) -> bool:
        return covered is not None and _boxes_meet(box, covered)

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
        # Above its line, or below it where the frame's top would cut the label.
        ty = y - 3 if y - 3 >= LABEL_ROOM else y + LABEL_ROOM
        text = ("" if hidden((4.0, ty - LABEL_ROOM, 4.0 + LABEL_WIDTH, ty + 2)) else
                f'<text x="4" y="{_n(ty)}" class="graticule-label">{label}</text>')
        out.append(f'<line x1="0" x2="{_n(width)}" y1="{_n(y)}" y2="{_n(y)}" '
                   f'class="graticule"/>{text}')
    for value in np.arange(math.ceil(lon_lo / step) * step, lon_hi, step):
        x, _ = proj.xy(proj.lat0, float(value))
        label = f"{abs(value):.2f}".rstrip("0").rstrip(".") + ("°E" if value >= 0 else "°W")
        text = (f'<text x="{_n(x + 3)}" y="12" class="graticule-label">{label}</text>'
                if x < width - 48 and not hidden((x + 3, 0.0, x + 3 + LABEL_WIDTH, 14.0))
                else "")
        out.append(f'<line x1="{_n(x)}" x2="{_n(x)}" y1="0" y2="{_n(height)}" '
                   f'class="graticule"/>{text}')
    return out


def route_width(tonnes: float, biggest: float) -> float:
    """Stroke width in px for a route carrying ``tonnes`` (area-like: square root)."""
    if tonnes <= 0 or biggest <= 0:
        return 1.0
    return 1.5 + (MAX_ROUTE_PX - 1.5) * math.sqrt(tonnes / biggest)


def place_radius(tonnes: float, biggest: float) -> float:
    """Radius in px for a place that gave or consumed ``tonnes``: its area in proportion to
    the tonnes (``MAX_PLACE_PX`` for the ``biggest``), but never below ``MIN_PLACE_PX``,
    which places of less than :func:`smallest_sized` all get.

    >>> place_radius(100.0, 100.0), place_radius(25.0, 100.0), place_radius(1.0, 100.0)
    (15.0, 7.5, 3.0)
    """
    if tonnes <= 0 or biggest <= 0:
        return MIN_PLACE_PX
    return max(MIN_PLACE_PX, MAX_PLACE_PX * math.sqrt(tonnes / biggest))


def smallest_sized(biggest: float) -> float:
    """The tonnes below which a place's circle is drawn at the smallest size that shows
    (``MIN_PLACE_PX``) instead of in proportion."""
    return biggest * (MIN_PLACE_PX / MAX_PLACE_PX) ** 2


Point = tuple[float, float]
Box = tuple[float, float, float, float]

#: Space between routes drawn side by side (px), and the line height of labels.
PARALLEL_GAP = 6.0
LINE_PX = 13.0
LABEL_FONT = 11.5
#: Characters per line of a wrapped place name.
LABEL_CHARS = 28
#: Distances (px) from a place at which a label may sit at the end of a leader line.
LEADER_RINGS = (16.0, 28.0, 44.0, 64.0, 90.0)
#: ... and at which a number (for a name that found no spot) may sit.
NUMBER_RINGS = (*LEADER_RINGS, 120.0, 160.0, 210.0, 270.0)
#: Cost of a label covering one sample point of a route (about 4 px of a 6 px wide line).
ROUTE_COVER_COST = 6.0


@dataclass(frozen=True)
class Curve:
    """A route drawn from ``a`` (its 'from' place) to ``b`` (its 'to' place) through the
    control point ``c`` of a quadratic Bézier curve: straight when ``c`` is the midpoint."""

    a: Point
    c: Point
    b: Point

    def at(self, t: float) -> Point:
        u = 1.0 - t
        return (u * u * self.a[0] + 2 * u * t * self.c[0] + t * t * self.b[0],
                u * u * self.a[1] + 2 * u * t * self.c[1] + t * t * self.b[1])

    def tangent(self, t: float) -> Point:
        u = 1.0 - t
        return (2 * u * (self.c[0] - self.a[0]) + 2 * t * (self.b[0] - self.c[0]),
                2 * u * (self.c[1] - self.a[1]) + 2 * t * (self.b[1] - self.c[1]))

    def path(self) -> str:
        (ax, ay), (cx, cy), (bx, by) = self.a, self.c, self.b
        return f"M{_n(ax)} {_n(ay)}Q{_n(cx)} {_n(cy)} {_n(bx)} {_n(by)}"

    def samples(self, step: float = 4.0) -> list[Point]:
        length = math.hypot(self.b[0] - self.a[0], self.b[1] - self.a[1])
        count = max(2, int(length / step) + 1)
        return [self.at(i / (count - 1)) for i in range(count)]


#: A route alone between its places is drawn straight unless it would pass closer than this
#: (px) to the centre of a place it does not end at (a large place's symbol and a wide
#: route's half); then it bends away from that place, at most ``MAX_BEND`` of its length
#: out at its middle.
PASS_CLEARANCE = 20.0
MAX_BEND = 0.35


def _clearance(curve: Curve, others: FloatArray) -> float:
    """How close the curve comes to any of the points ``others`` [N, 2] (inf: none)."""
    if others.size == 0:
        return math.inf
    pts = np.array(curve.samples(2.0))
    return float(np.hypot(pts[:, None, 0] - others[None, :, 0],
                          pts[:, None, 1] - others[None, :, 1]).min())


def _bent(one: Point, two: Point, others: FloatArray) -> Curve:
    """The curve from ``one`` to ``two``: straight when it passes no place of ``others``
    [N, 2] within :data:`PASS_CLEARANCE`, otherwise the gentlest quadratic curve (to either
    side) that does, or the one that comes least close within :data:`MAX_BEND`. Places
    within the clearance of an end are left out (no curve avoids them)."""
    mx, my = (one[0] + two[0]) / 2, (one[1] + two[1]) / 2
    straight = Curve(one, (mx, my), two)
    length = math.hypot(two[0] - one[0], two[1] - one[1])
    if others.size:
        far = ((np.hypot(others[:, 0] - one[0], others[:, 1] - one[1]) >= PASS_CLEARANCE)
               & (np.hypot(others[:, 0] - two[0], others[:, 1] - two[1]) >= PASS_CLEARANCE))
        others = others[far]
    if length == 0 or _clearance(straight, others) >= PASS_CLEARANCE:
        return straight
    nx, ny = (one[1] - two[1]) / length, (two[0] - one[0]) / length
    best, best_gap = straight, _clearance(straight, others)
    steps = 12
    for k in range(1, steps + 1):
        middle = MAX_BEND * length * k / steps  # distance of the curve's middle from the chord
        for side in (1.0, -1.0):
            # A quadratic curve's middle lies halfway between the chord and the control point.
            curve = Curve(one, (mx + 2 * side * middle * nx, my + 2 * side * middle * ny), two)
            gap = _clearance(curve, others)
            if gap >= PASS_CLEARANCE:
                return curve
            if gap > best_gap:
                best, best_gap = curve, gap
    return best


def route_curves(start: Sequence[int] | np.ndarray, end: Sequence[int] | np.ndarray,
                 xy: list[Point], widths: Sequence[float] | FloatArray) -> list[Curve]:
    """How each route is drawn [R], from its ``start`` place to its ``end`` place, each
    ``widths`` wide (px): the report's map and the resilience map alike. Routes that join
    the same two places are bowed apart,
    side by side at their middle with ``PARALLEL_GAP`` between their strokes; a route alone
    between its places is straight, unless it would run through another place: then it is
    bent gently away from it (:func:`_bent`), so that it does not read as two routes that
    meet there."""
    groups: dict[tuple[int, int], list[int]] = {}
    for r in range(len(start)):
        a, b = int(start[r]), int(end[r])
        groups.setdefault((min(a, b), max(a, b)), []).append(r)
    curves: list[Curve | None] = [None] * len(start)
    places = np.array(xy, dtype=float).reshape(-1, 2)
    for (lo, hi), routes in groups.items():
        if len(routes) == 1:
            others = np.delete(places, [lo, hi], axis=0)
            r = routes[0]
            curves[r] = _bent(xy[int(start[r])], xy[int(end[r])], others)
            continue
        (x1, y1), (x2, y2) = xy[lo], xy[hi]
        length = math.hypot(x2 - x1, y2 - y1)
        nx, ny = ((y1 - y2) / length, (x2 - x1) / length) if length > 0 else (0.0, -1.0)
        ws = [float(widths[r]) for r in routes]
        total = sum(ws) + PARALLEL_GAP * (len(routes) - 1)
        offset = -total / 2
        for r, w in zip(routes, ws, strict=True):
            middle = offset + w / 2  # distance of the curve's middle from the straight line
            offset += w + PARALLEL_GAP
            one, two = xy[int(start[r])], xy[int(end[r])]
            mx, my = (one[0] + two[0]) / 2, (one[1] + two[1]) / 2
            # A quadratic curve's middle lies halfway between the chord and the control point.
            curves[r] = Curve(one, (mx + 2 * middle * nx, my + 2 * middle * ny), two)
    return [c for c in curves if c is not None]


def _arrow(curve: Curve, size: float, fill: str, forward: bool) -> str:
    """A small arrowhead at the middle of a curve, pointing along it (or back): long and
    notched at the back, so that which way it points is read at a glance (a near-equilateral
    triangle was read backwards)."""
    (x1, y1), (x2, y2) = curve.a, curve.b
    if math.hypot(x2 - x1, y2 - y1) < 3 * size:
        return ""
    tx, ty = curve.tangent(0.5)
    norm = math.hypot(tx, ty) or 1.0
    ux, uy = (tx / norm, ty / norm) if forward else (-tx / norm, -ty / norm)
    mx, my = curve.at(0.5)
    tip = (mx + ux * 1.2 * size, my + uy * 1.2 * size)
    left = (mx - ux * size - uy * size * 0.75, my - uy * size + ux * size * 0.75)
    notch = (mx - ux * 0.35 * size, my - uy * 0.35 * size)
    right = (mx - ux * size + uy * size * 0.75, my - uy * size - ux * size * 0.75)
    points = " ".join(f"{_n(x)},{_n(y)}" for x, y in (tip, left, notch, right))
    return f'<polygon points="{points}" fill="{fill}" fill-opacity="0.8"/>'


def _closure_sign(x: float, y: float, tip: str = "") -> str:
    """A no-entry sign: a red disc with a white bar."""
    return (f'<g class="closure"><circle cx="{_n(x)}" cy="{_n(y)}" r="6" fill="{HAZARD}" '
            f'stroke="#fff" stroke-width="1.2"/><rect x="{_n(x - 3.6)}" y="{_n(y - 1.2)}" '
            f'width="7.2" height="2.4" fill="#fff"/>{tip}</g>')


def _route_title(plan: Plan, facts: RouteFacts, r: int, hazards: list[Window]) -> str:
    net = plan.network
    a, b = net.place_name(int(facts.start[r])), net.place_name(int(facts.end[r]))
    name = net.route_names[r]
    text = (f"{name}{'' if name == f'{a} – {b}' else f' ({a} – {b})'}, "
            f"{fmt(float(facts.length_km[r]))} km, "
            f"modes: {mode_labels(plan, facts.modes[r])}; {fmt(float(facts.forward_t[r]))} t "
            f"{a} → {b}, {fmt(float(facts.back_t[r]))} t {b} → {a}")
    days = int(facts.at_capacity_days[r])
    if days:
        text += f"; at capacity on {days} day{'s' if days != 1 else ''}"
    for window in hazards:
        text += f"; {window_words(plan.network, window)}"
    return text


def _overlaps(boxes: FloatArray, box: Box) -> bool:
    """Whether ``box`` overlaps any row of ``boxes`` [N, 4] (x1, y1, x2, y2)."""
    if boxes.size == 0:
        return False
    x1, y1, x2, y2 = box
    return bool(np.any((x1 < boxes[:, 2]) & (x2 > boxes[:, 0]) & (y1 < boxes[:, 3])
                       & (y2 > boxes[:, 1])))


@dataclass(frozen=True)
class Spot:
    """Where a place's name is drawn: its box, its lines, the text anchor ('start', 'middle'
    or 'end') at x ``tx``, and the leader line from ``start`` to ``end`` (no leader when
    ``start`` is None)."""

    box: Box
    lines: list[str]
    anchor: str
    tx: float
    start: Point | None
    end: Point


@dataclass
class Labeller:
    """Place names that never overlap each other or a place's symbol: each name takes the
    cheapest free spot, next to its place or at the end of a leader line, where it covers
    the fewest route lines; a name with no free spot becomes a number keyed below the map."""

    width: float
    height: float
    route_points: FloatArray  # [N, 3] points along the routes (soft obstacles) and weights
    x0: float = 0.0  # the area's top left corner
    y0: float = 0.0
    bottom: float = 22.0  # kept free at the bottom (the scale bar)
    boxes: list[Box] = field(default_factory=list)  # names and numbers placed
    symbols: list[Box] = field(default_factory=list)  # places' symbols
    parts: list[str] = field(default_factory=list)
    key: list[tuple[int, int, str]] = field(default_factory=list)  # (number, place, name)
    placed: dict[int, Spot] = field(default_factory=dict)  # place -> where its name is
    numbered: dict[int, int] = field(default_factory=dict)  # place -> its number's box
    number_leaders: dict[int, tuple[Point, Point]] = field(default_factory=dict)

    def _inside(self, box: Box) -> bool:
        x1, y1, x2, y2 = box
        return (x1 >= self.x0 + 2 and y1 >= self.y0 + 2 and x2 <= self.x0 + self.width - 2
                and y2 <= self.y0 + self.height - self.bottom)

    def _covered(self, box: Box) -> float:
        pts = self.route_points
        if pts.size == 0:
            return 0
        x1, y1, x2, y2 = box
        inside = (pts[:, 0] > x1) & (pts[:, 0] < x2) & (pts[:, 1] > y1) & (pts[:, 1] < y2)
        return float(pts[inside, 2].sum())

    def reserve(self, x: float, y: float, radius: float) -> None:
        self.symbols.append((x - radius, y - radius, x + radius, y + radius))

    def _candidates(self, x: float, y: float, r: float, w: float, h: float,
                    rings: tuple[float, ...]) -> list[tuple[float, Box, Point | None]]:
        """(base cost, box, start of the leader line or None) for every spot."""
        out: list[tuple[float, Box, Point | None]] = []
        g = 3.0
        near = [
            (x + r + g, y - h / 2), (x - r - g - w, y - h / 2), (x - w / 2, y - r - g - h),
            (x - w / 2, y + r + g), (x + r * 0.7 + g, y - r * 0.7 - h),
            (x - r * 0.7 - g - w, y - r * 0.7 - h), (x + r * 0.7 + g, y + r * 0.7),
            (x - r * 0.7 - g - w, y + r * 0.7),
        ]
        for i, (bx, by) in enumerate(near):
            out.append((0.5 * i, (bx, by, bx + w, by + h), None))
        for ring in rings:
            for k in range(16):
                angle = 2 * math.pi * k / 16
                cx, cy = math.cos(angle), math.sin(angle)
                qx, qy = x + (r + ring) * cx, y + (r + ring) * cy
                bx = qx if cx > 0.38 else qx - w if cx < -0.38 else qx - w / 2
                by = qy if cy > 0.38 else qy - h if cy < -0.38 else qy - h / 2
                out.append((ring, (bx, by, bx + w, by + h), (x + r * cx, y + r * cy)))
        return out

    @staticmethod
    def _leader_blocked(start: Point, box: Box, others: FloatArray) -> bool:
        """Whether a leader from ``start`` to the box's nearest point crosses one of the
        ``others`` boxes [N, 4] (the names placed so far)."""
        end = (min(max(start[0], box[0]), box[2]), min(max(start[1], box[1]), box[3]))
        if others.size == 0:
            return False
        for t in np.linspace(0.15, 0.85, 8):
            px = start[0] + (end[0] - start[0]) * t
            py = start[1] + (end[1] - start[1]) * t
            if np.any((px > others[:, 0]) & (px < others[:, 2]) & (py > others[:, 1])
                      & (py < others[:, 3])):
                return True
        return False

    def _best_spot(self, x: float, y: float, radius: float, w: float, h: float,
                   rings: tuple[float, ...] = LEADER_RINGS, cross_names: bool = False
                   ) -> tuple[Box, Point | None] | None:
        """The cheapest free spot for a ``w`` × ``h`` box by the place at (x, y), and where
        its leader line starts (None: next to the place); None when no spot is free. Leader
        lines never cross a name placed before, unless ``cross_names``."""
        everything = [*self.boxes, *self.symbols]
        taken = np.array(everything) if everything else np.zeros((0, 4))
        # A leader line may cross other places' symbols (in a tight cluster it must), never
        # another name.
        others = np.array(self.boxes) if self.boxes and not cross_names else np.zeros((0, 4))
        best: tuple[float, Box, Point | None] | None = None
        for cost, box, start in self._candidates(x, y, radius, w, h, rings):
            if best is not None and cost >= best[0]:
                continue
            if not self._inside(box) or _overlaps(taken, box):
                continue
            total = cost + ROUTE_COVER_COST * self._covered(box)
            if best is not None and total >= best[0]:
                continue
            if start is not None and self._leader_blocked(start, box, others):
                continue
            best = (total, box, start)
        return None if best is None else (best[1], best[2])

    def _leader(self, start: Point | None, box: Box, x: float, y: float) -> Point:
        """Draw the leader line from ``start`` to the box (if any); where it ends."""
        x1, y1, x2, y2 = box
        if start is None:
            return min(max(x, x1), x2), min(max(y, y1), y2)
        end = (min(max(start[0], x1), x2), min(max(start[1], y1), y2))
        self.parts.append(f'<line x1="{_n(start[0])}" y1="{_n(start[1])}" x2="{_n(end[0])}" '
                          f'y2="{_n(end[1])}" class="leader" stroke="{LEADER}" '
                          'stroke-width="0.9"/>')
        self._soften(start, end)
        return end

    def add(self, p: int, place_id: str, name: str, x: float, y: float, radius: float,
            css: str) -> None:
        lines = wrap_name(name, LABEL_CHARS)
        w = max(text_width(line, LABEL_FONT) for line in lines) + 2
        spot = self._best_spot(x, y, radius, w, LINE_PX * len(lines))
        if spot is None:
            self._number(p, place_id, name, x, y, radius)
            return
        box, start = spot
        self.boxes.append(box)
        end = self._leader(start, box, x, y)
        x1, y1, x2, _ = box
        anchor, tx = ("end", x2 - 1) if x2 <= x - radius else (
            ("start", x1 + 1) if x1 >= x + radius else ("middle", (x1 + x2) / 2))
        self.placed[p] = Spot(box, lines, anchor, tx, start, end)
        spans = "".join(f'<tspan x="{_n(tx)}" y="{_n(y1 + 10 + LINE_PX * i)}">{escape(line)}'
                        "</tspan>" for i, line in enumerate(lines))
        self.parts.append(f'<text text-anchor="{anchor}" class="{css}" '
                          f'data-place="{escape(place_id)}">{spans}</text>')

    def _soften(self, a: Point, b: Point) -> None:
        """Count a leader line as a route line for the labels placed after it."""
        steps = max(2, int(math.hypot(b[0] - a[0], b[1] - a[1]) / 4))
        t = np.linspace(0, 1, steps)[:, None]
        pts = np.asarray(a)[None, :] * (1 - t) + np.asarray(b)[None, :] * t
        weighted = np.hstack([pts, np.full((steps, 1), 0.5)])
        self.route_points = np.vstack([self.route_points, weighted])

    def _number(self, p: int, place_id: str, name: str, x: float, y: float,
                radius: float) -> None:
        """A numbered badge instead of the name, in the cheapest free spot (with a leader
        line when away from the place; on the place itself when none is free)."""
        number = len(self.key) + 1
        self.key.append((number, p, name))
        size = 14.0
        # A leader crossing a name is better than a number on top of the cluster.
        spot = (self._best_spot(x, y, radius, size, size, NUMBER_RINGS)
                or self._best_spot(x, y, radius, size, size, NUMBER_RINGS, cross_names=True))
        box, start = spot or ((x - size / 2, y - size / 2, x + size / 2, y + size / 2), None)
        end = self._leader(start, box, x, y)
        if start is not None:
            self.number_leaders[p] = (start, end)
        self.numbered[p] = len(self.boxes)
        self.boxes.append(box)
        cx, cy = box[0] + size / 2, box[1] + size / 2
        self.parts.append(
            f'<g class="map-number" data-place="{escape(place_id)}"><circle cx="{_n(cx)}" '
            f'cy="{_n(cy)}" r="7" fill="#fff" stroke="#333"/><text x="{_n(cx)}" '
            f'y="{_n(cy + 3.5)}" text-anchor="middle" font-size="10" font-weight="700">'
            f"{number}</text><title>{escape(name)}</title></g>")


def _legend(plan: Plan, facts: RouteFacts, x0: float, biggest_route: float,
            size_t: FloatArray, hazards: list[list[Window]]) -> tuple[str, float]:
    """The legend panel at ``x0``, and its height: a row for each kind of mark the map
    draws, and none for a kind it does not (no route at capacity, no junction)."""
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
        lines = wrap_name(text, 26)
        spans = "".join(f'<tspan x="{_n(x0 + 40)}" y="{_n(y + 4 + 14 * i)}">{escape(line)}'
                        "</tspan>" for i, line in enumerate(lines))
        rows.append(f"<text>{spans}</text>")
        y += step + 14 * (len(lines) - 1)

    def sample(attrs: str) -> str:
        return f'<line x1="{_n(x0)}" x2="{_n(x0 + 30)}" y1="{_n(y)}" y2="{_n(y)}" {attrs}/>'

    heading("Routes: mode carrying most")
    used_modes = sorted({int(m) for m in facts.main_mode if m >= 0})
    for m in used_modes:
        row(sample(f'stroke="{colour(m)}" stroke-width="5"'),
            net.mode_label(m))
    if (facts.tonnes <= 0).any():
        row(sample(UNUSED_CASING) + sample(UNUSED_LINE), "not used")
    if (facts.at_capacity_days > 0).any():
        row(sample(f'stroke="{CHOKEPOINT}" stroke-opacity="0.4" stroke-width="12"')
            + sample('stroke="#555" stroke-width="3"'), "at capacity ≥ 1 day")
    straight = Curve((x0, y), (x0 + 15, y), (x0 + 30, y))
    row(sample('stroke="#999" stroke-width="5"') + _arrow(straight, 4.5, ARROW, True),
        "main direction")
    kinds = {w.kind for ws in hazards for w in ws}
    if "strikes" in kinds:
        row(sample('stroke="#999" stroke-width="5"')
            + sample(STRIKE_LINE), "air strikes or raids")
    if any(w.kind == "strikes" and facts.tonnes[r] <= 0
           for r, ws in enumerate(hazards) for w in ws):
        # (its red dots hide the grey dashes: without a row of its own, a route that carried
        # nothing read as one of no mode the legend names)
        row(sample(UNUSED_CASING) + sample(UNUSED_LINE)
            + sample(STRIKE_LINE), "not used, strikes or raids")
    if "closed" in kinds:
        row(sample('stroke="#999" stroke-width="5"') + _closure_sign(x0 + 15, y),
            "closed on some days")
    y += 6
    if biggest_route > 0:
        heading("Tonnes carried (both ways)")
        for t in width_samples(biggest_route):
            w = route_width(t, biggest_route)
            row(sample(f'stroke="#777" stroke-width="{_n(w)}"'), f"{fmt(t)} t", max(18.0, w + 6))
        y += 6
    heading("Places: area shows t")
    kinds = set(net.place_kind)
    biggest_place = float(size_t.max(initial=0.0))
    for t, text in size_samples(net, size_t, smallest_sized(biggest_place)):
        r = place_radius(t, biggest_place)
        row(f'<circle cx="{_n(x0 + 15)}" cy="{_n(y + r - 6)}" r="{_n(r)}" '
            f'fill="{LOCALITY}" fill-opacity="0.75" stroke="#fff"/>', text,
            max(18.0, 2 * r + 6))
    if any(k == "locality" and t <= 0 for k, t in zip(net.place_kind, size_t, strict=True)):
        row(_empty_locality(x0 + 15, y), PLACE_WORDS["empty"])
    row(f'<circle cx="{_n(x0 + 15)}" cy="{_n(y)}" r="{_n(MIN_FRONT_PX)}" fill="{FRONT}" '
        f'stroke="#000" stroke-width="2"/>', PLACE_WORDS["front"])
    if "depot" in kinds:
        row(f'<rect x="{_n(x0 + 10)}" y="{_n(y - 5)}" width="10" height="10" '
            f'fill="{DEPOT}"/>', PLACE_WORDS["depot"])
    if "junction" in kinds:
        row(_junction(x0 + 15, y), PLACE_WORDS["junction"])
    if "hospital" in kinds:
        row(_hospital(x0 + 15, y), PLACE_WORDS["hospital"])
    return "".join(rows), y


#: What the map's legends (the report's and ``plan.plot.map()``'s) call each kind of place.
PLACE_WORDS = {"empty": "locality that gave nothing",
               "front": "front, sized by t consumed (at least this size)",
               "depot": "depot / relay station", "junction": "junction", "hospital": "hospital"}


def width_samples(biggest_route: float) -> list[float]:
    """The tonnes whose route widths the map's legends show: the most any route carried,
    and round figures near a quarter and a sixteenth of it.

    >>> width_samples(61.0)
    [61.0, 20.0, 5.0]
    """
    return [biggest_route, *(float(nice_ticks(0, biggest_route * share, 1)[-1])
                             for share in (0.25, 1.0 / 16))]


def size_samples(net: Network, size_t: FloatArray, floor: float) -> list[tuple[float, str]]:
    """The tonnes whose circles the map's legends show, with their words: the most a place
    gave or consumed, a round figure near a quarter of it, and, where some place drawn to
    scale is below ``floor`` (the least drawn to scale), ``floor``, which stands for
    anything less; none where no place gave or consumed anything."""
    biggest = float(size_t.max(initial=0.0))
    if biggest <= 0:
        return []
    quarter = float(nice_ticks(0, biggest * 0.25, 1)[-1])
    samples = [(biggest, f"{fmt(biggest)} t given or consumed"), (quarter, f"{fmt(quarter)} t")]
    if any(0 < t < floor for k, t in zip(net.place_kind, size_t, strict=True)
           if k in ("locality", "front")):
        samples.append((floor, f"{fmt(floor)} t or less"))
    return samples


def _hospital(x: float, y: float) -> str:
    return (f'<rect x="{_n(x - 7)}" y="{_n(y - 7)}" width="14" height="14" fill="#fff" '
            f'stroke="{FRONT}" stroke-width="1.5"/><path d="M{_n(x - 4)} {_n(y)}h8M{_n(x)} '
            f'{_n(y - 4)}v8" stroke="{FRONT}" stroke-width="2.5"/>')


def _junction(x: float, y: float, tip: str = "") -> str:
    return (f'<circle cx="{_n(x)}" cy="{_n(y)}" r="2.6" fill="{JUNCTION}" '
            f'class="junction">{tip}</circle>')


def _empty_locality(x: float, y: float, tip: str = "") -> str:
    return (f'<circle cx="{_n(x)}" cy="{_n(y)}" r="5.5" fill="#fff" stroke="{LOCALITY}" '
            f'stroke-width="1.8" stroke-dasharray="2.5 1.8" class="locality-idle">{tip}'
            "</circle>")


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


def _routes_layer(plan: Plan, facts: RouteFacts, curves: list[Curve], widths: FloatArray,
                  hazards: list[list[Window]]) -> list[str]:
    """Chokepoint glows, then route lines (widest first), then strike marks, direction
    arrows and closure signs."""
    net = plan.network
    tonnes = facts.tonnes
    highlights, lines, unused, marks, arrows = [], [], [], [], []
    for r in sorted(range(len(net.route_ids)), key=lambda r: -tonnes[r]):
        curve = curves[r]
        d = f'd="{curve.path()}" fill="none"'
        title = f"<title>{escape(_route_title(plan, facts, r, hazards[r]))}</title>"
        width = float(widths[r])
        kinds = {w.kind for w in hazards[r]}
        if facts.at_capacity_days[r] > 0:
            highlights.append(f'<path {d} stroke="{CHOKEPOINT}" stroke-opacity="0.4" '
                              f'stroke-width="{_n(width + 10)}" stroke-linecap="round" '
                              f'class="chokepoint">{title}</path>')
        if tonnes[r] <= 0:
            unused.append(f'<path {d} {UNUSED_CASING}/><path {d} {UNUSED_LINE} '
                          f'class="route-unused">{title}</path>')
        else:
            stroke = colour(int(facts.main_mode[r]))
            lines.append(f'<path {d} stroke="{stroke}" stroke-width="{_n(width)}" '
                         f'stroke-linecap="round" stroke-opacity="0.9" class="route">{title}'
                         "</path>")
            forward = facts.back_t[r] <= facts.forward_t[r]
            arrows.append(_arrow(curve, max(3.5, width * 0.45 + 2), ARROW, forward))
        if "strikes" in kinds:
            marks.append(f'<path {d} {STRIKE_LINE} class="threatened">{title}</path>')
        if "closed" in kinds:
            x, y = curve.at(0.3)
            arrows.append(_closure_sign(x, y, title))
    return [*highlights, *lines, *unused, *marks, *arrows]


def _place_symbol(kind: str, x: float, y: float, radius: float, tip: str,
                  gave: bool) -> tuple[str, float]:
    """The symbol of a place of ``kind`` and the radius it covers."""
    if kind == "locality":
        if not gave:
            return _empty_locality(x, y, tip), 6.5
        return (f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(radius)}" fill="{LOCALITY}" '
                f'fill-opacity="0.75" stroke="#fff" class="locality">{tip}</circle>', radius)
    if kind == "front":
        radius = max(radius, MIN_FRONT_PX)
        return (f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(radius)}" fill="{FRONT}" '
                f'fill-opacity="0.85" stroke="#000" stroke-width="2" class="front">{tip}'
                "</circle>", radius)
    if kind == "hospital":
        return f'<g class="hospital">{_hospital(x, y)}{tip}</g>', 7.5
    if kind == "depot":
        return (f'<rect x="{_n(x - 5)}" y="{_n(y - 5)}" width="10" height="10" '
                f'fill="{DEPOT}" stroke="#fff" class="depot">{tip}</rect>', 6.0)
    return _junction(x, y, tip), 3.5


def _places_layer(plan: Plan, size_t: FloatArray, xy: list[Point], labeller: Labeller,
                  named: set[int] | None = None, shown: set[int] | None = None) -> list[str]:
    """Symbols of the ``shown`` places (all by default; largest first); then the names of the
    ``named`` ones (all by default), in order: fronts, hospitals, depots, localities (largest
    first), junctions."""
    net = plan.network
    kinds = net.place_kind
    names = net.place_names
    biggest = float(size_t.max(initial=0.0))
    symbols: list[str] = []
    covers: dict[int, float] = {}
    for p in sorted(range(net.n_places), key=lambda p: -size_t[p]):
        x, y = xy[p]
        kind, tonnes = kinds[p], float(size_t[p])
        if kind == "locality":
            title = f"{names[p]} (locality): gave {fmt(tonnes)} t"
        elif kind == "front":
            title = f"{names[p]} (front): consumed {fmt(tonnes)} t"
        else:
            title = f"{names[p]} ({kind})"
        symbol, covers[p] = _place_symbol(kind, x, y, place_radius(tonnes, biggest),
                                          f"<title>{escape(title)}</title>", tonnes > 0)
        if shown is None or p in shown:
            symbols.append(symbol)
            labeller.reserve(x, y, covers[p])
    rank = {"front": 0, "hospital": 1, "depot": 2, "locality": 3, "junction": 4}
    for p in sorted(range(net.n_places), key=lambda p: (rank.get(kinds[p], 4), -size_t[p])):
        if named is not None and p not in named:
            continue
        x, y = xy[p]
        minor = kinds[p] == "junction" or (kinds[p] == "locality" and size_t[p] <= 0)
        css = "label label-front" if kinds[p] == "front" else (
            "label label-minor" if minor else "label")
        labeller.add(p, net.place_ids[p], names[p], x, y, covers[p], css)
    return symbols


# ------------------------------------------------------------------------------- inset
#: A front with at least CROWD_PLACES places (itself included) within CROWD_PX of it, two of
#: them closer than CROWD_GAP_PX, gets an inset that magnifies its area.
CROWD_PX = 90.0
CROWD_PLACES = 4
CROWD_GAP_PX = 28.0
#: The inset magnifies at least this much (less is not worth it) and at most ...
MIN_ZOOM = 1.8
MAX_ZOOM = 6.0


@dataclass(frozen=True)
class Inset:
    """A magnified view of the crowded area around a front: ``region`` of the main map
    (px) drawn ``zoom`` times larger in ``box``. The places in the region are named in the
    inset only."""

    front: int
    region: Box
    box: Box
    zoom: float
    places: set[int]
    labeller: Labeller

    def xy(self, point: Point) -> Point:
        """A point of the main map in the inset."""
        return (self.box[0] + (point[0] - self.region[0]) * self.zoom,
                self.box[1] + (point[1] - self.region[1]) * self.zoom)

    def back(self, point: Point) -> Point:
        """A point of the inset on the main map."""
        return (self.region[0] + (point[0] - self.box[0]) / self.zoom,
                self.region[1] + (point[1] - self.box[1]) / self.zoom)


def _crowd(xy: list[Point], fronts: list[int]) -> tuple[int, list[int]] | None:
    """The first front (in the order given) whose surroundings are crowded, and the places
    there."""
    pts = np.array(xy)
    for f in fronts:
        near = [int(p) for p in np.nonzero(np.hypot(*(pts - pts[f]).T) <= CROWD_PX)[0]]
        if len(near) < CROWD_PLACES:
            continue
        sub = pts[near]
        gaps = np.hypot(*(sub[:, None, :] - sub[None, :, :]).transpose(2, 0, 1))
        gaps[np.diag_indices(len(near))] = np.inf
        if gaps.min() < CROWD_GAP_PX:
            return f, near
    return None


def _inset_box(xy: list[Point], near: list[int], map_width: float, height: float,
               points: FloatArray) -> tuple[Box, Box, float, float] | None:
    """Where to magnify (the region, on the main map), where to draw it (a corner of the map
    that covers no place and the fewest routes, or below the map), the zoom and the map's
    height (grown when the inset goes below)."""
    xs, ys = [xy[p][0] for p in near], [xy[p][1] for p in near]
    w, h = round(0.38 * map_width), round(min(0.45 * height, 300.0))
    span_x, span_y = max(xs) - min(xs) + 60, max(ys) - min(ys) + 60
    zoom = min(w / span_x, h / span_y, MAX_ZOOM)
    if zoom < MIN_ZOOM:
        return None
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    region = (cx - w / zoom / 2, cy - h / zoom / 2, cx + w / zoom / 2, cy + h / zoom / 2)
    pts = np.array(xy)
    best: tuple[float, Box] | None = None
    for bx, by in ((8.0, 8.0), (map_width - w - 8, 8.0), (8.0, height - h - 44),
                   (map_width - w - 8, height - h - 8)):
        box = (bx, by, bx + w, by + h)
        inside = ((pts[:, 0] > box[0] - 12) & (pts[:, 0] < box[2] + 12)
                  & (pts[:, 1] > box[1] - 12) & (pts[:, 1] < box[3] + 12))
        covered = ((points[:, 0] > box[0]) & (points[:, 0] < box[2]) & (points[:, 1] > box[1])
                   & (points[:, 1] < box[3]))
        score = 1000.0 * int(inside.sum()) + float(points[covered, 2].sum())
        if _boxes_meet(box, region):
            score += 1e6
        if best is None or score < best[0]:
            best = (score, box)
    assert best is not None
    if best[0] < 1000.0:
        return region, best[1], zoom, height
    box = (map_width - w - 8, height + 4, map_width - 8, height + 4 + h)
    return region, box, zoom, height + h + 12


def _boxes_meet(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@dataclass(frozen=True)
class MapDrawing:
    """The map as SVG, the places shown by a number (keyed below the map) and the notes on
    closures and threats."""

    svg: str
    numbered: list[tuple[int, str]]  # (number, full name)
    hazards: list[str]  # one line per group of routes that share the same windows


def hazard_notes(net: Network, hazards: list[list[Window]] | None = None) -> list[str]:
    """Closures, strikes and rain, one line per kind and date window, with the routes they
    hit: 'Air strikes or raids 1 Nov – 30 Nov 2024: Ridge road (exposed) (chance of a strike
    up to 20% a day).' Where the routes of a window differ in it, they are grouped by their
    figure, the worst first, each figure said once: 'Air strikes or raids 1 Dec 1953 – 7 May
    1954: chance of a strike up to 80.4% a day on A; B. Chance of a strike up to 2.1% a day
    on C.' (the built-in scenario's line had said the figure once for each of 19 routes)."""
    hazards = route_hazards(net) if hazards is None else hazards
    groups: dict[tuple[int, int, int], list[tuple[str, str, float]]] = {}
    order = {"closed": 0, "strikes": 1, "rain": 2}
    for r, windows in enumerate(hazards):
        for w in windows:
            words = window_words(net, w)
            level = words[words.index(" (") + 1:] if " (" in words else ""
            groups.setdefault((order[w.kind], w.first, w.last), []).append(
                (net.route_names[r], level, w.level))
    notes = []
    for (kind, first, last), routes in sorted(groups.items()):
        words = window_words(net, Window(("closed", "strikes", "rain")[kind], first, last))
        words = words.split(" (")[0]
        levels = {level for _, level, _ in routes}
        if len(routes) == len(net.route_ids) > 1 and len(levels) == 1:
            where = f"every route {levels.pop()}".rstrip()
        elif len(levels) == 1:  # route names may hold commas: semicolons part them
            where = f"{'; '.join(name for name, _, _ in routes)} {levels.pop()}".rstrip()
        else:
            worst: dict[str, float] = {}
            for _, level, value in routes:
                worst[level] = max(value, worst.get(level, value))
            parts = []
            for level in sorted(worst, key=lambda t: -worst[t]):
                names = "; ".join(name for name, said, _ in routes if said == level)
                parts.append(f"{level.strip('()')} on {names}")
            where = ". ".join(part[0].upper() + part[1:] if i else part
                              for i, part in enumerate(parts))
        notes.append(f"{words[0].upper()}{words[1:]}: {where}.")
    return notes


@dataclass(frozen=True)
class Layout:
    """Everything placed on the map, in its pixels: the projection, the places, the route
    curves and widths, and the names (drawn by the SVG map and by ``plan.plot.map()``)."""

    proj: Projection
    width: float  # of the map, without its legend
    height: float
    xy: list[Point]
    facts: RouteFacts
    hazards: list[list[Window]]
    widths: FloatArray
    curves: list[Curve]
    size_t: FloatArray
    symbols: list[str]
    labeller: Labeller
    legend: str
    inset: Inset | None = None
    inset_curves: list[Curve] = field(default_factory=list)
    inset_symbols: list[str] = field(default_factory=list)


def _weighted_samples(curves: list[Curve], widths: FloatArray) -> FloatArray:
    """Points along the routes [N, 3] with weights: a label over a wide route hides more than
    one over a thin, unused one."""
    return np.array([(x, y, max(0.3, float(w) / 6.0))
                     for c, w in zip(curves, widths, strict=True)
                     for x, y in c.samples()]).reshape(-1, 3)


def _shown(tonnes: FloatArray) -> FloatArray:
    """Tonnes as the report's tables show them (to the kg, :func:`tonnes_of`): the solver's
    crumbs (a route's 0.0000733 t) are 0, and the map draws them as nothing."""
    return np.array([tonnes_of(1000.0 * float(t)) for t in tonnes], dtype=float)


def shown_route_facts(plan: Plan) -> RouteFacts:
    """What each route carried (:func:`route_facts`) in tonnes as the report shows them: a
    route that carried only the solver's crumbs carried nothing, and no mode carried most."""
    facts = route_facts(plan)
    forward, back = _shown(facts.forward_t), _shown(facts.back_t)
    return dataclasses.replace(
        facts, forward_t=forward, back_t=back, arrived_t=_shown(facts.arrived_t),
        eaten_t=_shown(facts.eaten_t),
        main_mode=np.where(forward + back > 0, facts.main_mode, -1).astype(np.int64))


def layout(plan: Plan) -> Layout:
    """Project the places, draw the routes' curves and place every name."""
    net = plan.network
    facts = shown_route_facts(plan)
    hazards = route_hazards(plan.network)
    map_width = WIDTH - LEGEND_WIDTH
    # What each locality gave and each front consumed, as the tables show it.
    size_t = _shown(np.where(net.is_front, received_t(plan), given_t(plan)))
    biggest_route = float(facts.tonnes.max(initial=0.0))
    legend, legend_height = _legend(plan, facts, map_width + 18, biggest_route, size_t,
                                    hazards)
    proj, height = _fit(net.lat, net.lon, map_width, max(420.0, legend_height + 12))
    xy = [proj.xy(float(la), float(lo)) for la, lo in zip(net.lat, net.lon, strict=True)]
    widths = np.array([route_width(float(t), biggest_route) if t > 0 else 1.2
                       for t in facts.tonnes])
    curves = route_curves(facts.start, facts.end, xy, widths)
    points = _weighted_samples(curves, widths)
    fronts = sorted(np.nonzero(net.is_front)[0].tolist(), key=lambda p: -size_t[p])
    crowd = _crowd(xy, fronts)
    planned = _inset_box(xy, crowd[1], map_width, height, points) if crowd else None
    if crowd is None or planned is None:
        labeller = Labeller(map_width, height, points)
        symbols = _places_layer(plan, size_t, xy, labeller)
        return Layout(proj, map_width, height, xy, facts, hazards, widths, curves, size_t,
                      symbols, labeller, legend)
    region, box, zoom, height = planned
    in_region = {p for p, (x, y) in enumerate(xy)
                 if region[0] <= x <= region[2] and region[1] <= y <= region[3]}
    labeller = Labeller(map_width, height, points)
    labeller.boxes.append(box)
    # Nor may a name of a place outside the magnified area sit in its frame, where it reads
    # as the name of a place inside (Son La's, under Dien Bien Phu's symbol).
    labeller.boxes.append(region)
    symbols = _places_layer(plan, size_t, xy, labeller,
                            named=set(range(net.n_places)) - in_region)
    # The inset: the same drawing, magnified, named by its own labeller (numbers shared).
    inner = Labeller(box[2] - box[0], box[3] - box[1], np.zeros((0, 3)), x0=box[0],
                      y0=box[1], bottom=22.0, key=labeller.key)
    inset = Inset(crowd[0], region, box, zoom, in_region, inner)
    inset_xy = [inset.xy(pt) for pt in xy]
    inset_curves = [Curve(inset.xy(c.a), inset.xy(c.c), inset.xy(c.b)) for c in curves]
    samples = _weighted_samples(inset_curves, widths)
    inner.route_points = samples[(samples[:, 0] > box[0]) & (samples[:, 0] < box[2])
                                 & (samples[:, 1] > box[1]) & (samples[:, 1] < box[3])]
    inner.boxes.append((box[0], box[1], box[0] + 260, box[1] + 18))  # its title
    near_box = {p for p, (x, y) in enumerate(inset_xy)
                if box[0] - 20 <= x <= box[2] + 20 and box[1] - 20 <= y <= box[3] + 20}
    inset_symbols = _places_layer(plan, size_t, inset_xy, inner, named=in_region,
                                  shown=near_box)
    return Layout(proj, map_width, height, xy, facts, hazards, widths, curves, size_t,
                  symbols, labeller, legend, inset, inset_curves, inset_symbols)


def _inset_layer(plan: Plan, lay: Layout) -> list[str]:
    """The inset: its frame on the main map, then the magnified drawing, clipped to its
    box, with its names, a title and a scale bar."""
    inset = lay.inset
    if inset is None:
        return []
    net = plan.network
    (rx1, ry1, rx2, ry2), (bx1, by1, bx2, by2) = inset.region, inset.box
    clip = f"{MAP_ID}-inset-clip"
    scale = lay.proj.scale * inset.zoom
    target_km = (bx2 - bx1) * 0.3 / scale
    power = 10.0 ** math.floor(math.log10(target_km))
    km = max(m * power for m in (1.0, 2.0, 5.0) if m * power <= target_km)
    px, sx, sy = km * scale, bx1 + 10, by2 - 12
    name = net.place_label(inset.front)
    return [
        f'<rect x="{_n(rx1)}" y="{_n(ry1)}" width="{_n(rx2 - rx1)}" height="{_n(ry2 - ry1)}" '
        f'fill="none" stroke="{LEADER}" stroke-width="1.2" stroke-dasharray="4 3" '
        'class="inset-frame"/>',
        f'<g id="map-inset"><clipPath id="{clip}"><rect x="{_n(bx1)}" y="{_n(by1)}" '
        f'width="{_n(bx2 - bx1)}" height="{_n(by2 - by1)}"/></clipPath>'
        f'<rect x="{_n(bx1)}" y="{_n(by1)}" width="{_n(bx2 - bx1)}" height="{_n(by2 - by1)}" '
        f'fill="#fff" stroke="{LEADER}" stroke-width="1.2"/>'
        f'<g clip-path="url(#{clip})">'
        + "".join(_routes_layer(plan, lay.facts, lay.inset_curves, lay.widths, lay.hazards))
        + "".join(lay.inset_symbols) + "</g>" + "".join(inset.labeller.parts)
        + f'<text x="{_n(bx1 + 6)}" y="{_n(by1 + 14)}" class="legend-heading inset-title">Around '
        f"{escape(name)} (×{fmt(inset.zoom, 2)})</text>"
        f'<rect x="{_n(sx)}" y="{_n(sy)}" width="{_n(px)}" height="4" fill="#333"/>'
        f'<text x="{_n(sx + px + 4)}" y="{_n(sy + 5)}" font-size="10">{fmt(km)} km</text></g>',
    ]


def draw_map(plan: Plan) -> MapDrawing:
    """The map of the plan's network and flows, with what it could not name on the map."""
    net = plan.network
    lay = layout(plan)
    proj, map_width, height = lay.proj, lay.width, lay.height
    parts = [
        # The map's frame; its tint is the page's (see svg.map there): translucent, so that
        # a scrolling box's edge shadow shows through (sections.figure).
        f'<rect width="{_n(map_width)}" height="{_n(height)}" fill="none"/>',
        *_graticule(proj, net.lat, net.lon, map_width, height,
                    lay.inset.box if lay.inset is not None else None),
        *_routes_layer(plan, lay.facts, lay.curves, lay.widths, lay.hazards),
        *lay.symbols,
        *lay.labeller.parts,
        _scale_bar(proj, height, map_width),
        *_inset_layer(plan, lay),
        f'<g class="legend">{lay.legend}</g>',
    ]
    title = f"Network map of {net.scenario.title}: routes by tonnes carried and main mode"
    svg = (
        f'<svg id="{MAP_ID}" class="map" viewBox="0 0 {_n(WIDTH)} {_n(height)}" '
        f'{size_style(WIDTH)} role="img" '
        f'aria-label="{escape(title)}" font-family="system-ui, -apple-system, Segoe UI, Roboto, '
        f'Helvetica, Arial, sans-serif" font-size="12" fill="#333">'
        f"<title>{escape(title)}</title>{''.join(parts)}</svg>"
    )
    return MapDrawing(svg, [(n, name) for n, _, name in lay.labeller.key],
                      hazard_notes(plan.network, lay.hazards))


def network_map(plan: Plan) -> str:
    """The map of the plan's network and flows as an ``<svg id="network-map">`` element."""
    return draw_map(plan).svg
