"""A small kit of inline SVG charts: time series (lines or stacked areas), bubble scatter and
grouped horizontal bars.

Each chart is returned as markup to place in an HTML page: an ``<svg>`` element with an ``id``,
a ``<title>`` for screen readers and hover text on every series, followed by an HTML legend.
Nothing here needs a browser script, a font download or a plotting library; sizes are in CSS
pixels of a ``viewBox``. A chart is drawn at its own width where the page has room, never
wider (its text keeps the size it was laid out for), and never narrower than
:data:`MIN_SCALE` of it: on a narrow screen it scrolls sideways instead
(:func:`size_style`). Paper does not scroll: in print, the report's style
(:data:`supplyline.report.html.PRINT_CSS`) lifts that least width, and a chart shrinks to the
page.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

import numpy as np
from numpy.typing import NDArray

from supplyline.units import fmt as fmt  # the one number format, for the reports
from supplyline.units import said_date

FloatArray = NDArray[np.float64]

#: Colour-blind-safe palette (Okabe & Ito), then a few neutral extras.
PALETTE = (
    "#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#f0e442", "#000000",
    "#7f7f7f", "#8c564b",
)
GRID = "#e3e3e3"
AXIS = "#555555"
FONT_PX = 12

#: The smallest share of its own width a chart (or the map) is shrunk to on a narrow screen:
#: its 12 px text stays at least 9 px; below that, the chart scrolls sideways.
MIN_SCALE = 0.75

#: Day steps the time axis may tick at.
_DAY_STEPS = (1, 2, 5, 7, 14, 28, 56, 91, 182, 364)


def colour(i: int) -> str:
    """The ``i``-th colour of the palette (cycling)."""
    return PALETTE[i % len(PALETTE)]


def tick_text(value: float) -> str:
    """A tick label, compact whatever the scale: :func:`fmt`, except that a value below a
    thousandth is written with its power of ten, so that a label never runs long.

    >>> tick_text(0.25), tick_text(12000), tick_text(8e-7), tick_text(0)
    ('0.25', '12,000', '8e-7', '0')
    """
    if value == 0 or abs(value) >= 1e-3:
        return fmt(value)
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


def size_style(width: float) -> str:
    """The ``style`` attribute that draws an SVG of ``width`` px (its ``viewBox`` width) at
    that width at most, and at :data:`MIN_SCALE` of it at least (a scrolling container,
    :func:`supplyline.report.sections.figure`, holds what is wider than the screen); in
    print, the least width gives way to the page's (``html.PRINT_CSS``)."""
    return f'style="max-width:{_num(width)}px;min-width:{_num(MIN_SCALE * width)}px"'


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering ``lo..hi`` (steps of 1, 2, 2.5 or 5 × 10^k).

    >>> nice_ticks(0, 97)
    [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    """
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(1, count)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= raw)
    first = math.floor(lo / step + 1e-9) * step
    ticks: list[float] = []
    value = first
    while value < hi + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def text_width(text: str, size: float = FONT_PX) -> float:
    """Rough width of a label in a sans-serif font (0.56 em a character)."""
    return 0.56 * size * len(text)


def y_label_room(ticks: Sequence[float]) -> float:
    """The left margin of a chart whose y axis is labelled at ``ticks``: room for the axis
    title and, between it and the axis, for the longest tick label, so that none runs into
    the title."""
    return 30.0 + max((text_width(tick_text(t)) for t in ticks), default=0.0)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _points(xs: Sequence[float], ys: Sequence[float]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in zip(xs, ys, strict=True))


@dataclass
class Series:
    """One line or band of a chart: ``values`` per x position (NaN leaves a gap)."""

    label: str
    values: FloatArray
    colour: str
    dashed: bool = False
    note: str = ""  # what its hover text says after the label (": 46.5 t in all")


@dataclass
class Band:
    """A shaded band of a time chart between ``low`` and ``high`` per x position (NaN in
    either leaves a gap), e.g. the runs between two percentiles."""

    label: str
    low: FloatArray
    high: FloatArray
    colour: str


@dataclass
class Marker:
    """A point drawn on top of a time chart (e.g. a reserve target)."""

    x: float
    y: float
    colour: str
    label: str


@dataclass
class Bubble:
    """A point of a scatter chart; ``size`` sets its area."""

    x: float
    y: float
    size: float
    colour: str
    label: str


@dataclass
class Axes:
    """A plotting area and the linear (or log) scales that map data to pixels."""

    width: float
    height: float
    x_lo: float
    x_hi: float
    y_lo: float
    y_hi: float
    left: float = 64.0
    right: float = 16.0
    top: float = 14.0
    bottom: float = 40.0
    log_y: bool = False
    parts: list[str] = field(default_factory=list)

    def x(self, value: float) -> float:
        span = self.x_hi - self.x_lo or 1.0
        return self.left + (value - self.x_lo) / span * (self.width - self.left - self.right)

    def y(self, value: float) -> float:
        lo, hi, v = self.y_lo, self.y_hi, value
        if self.log_y:
            lo, hi, v = math.log10(lo), math.log10(hi), math.log10(max(value, self.y_lo))
        span = hi - lo or 1.0
        return self.height - self.bottom - (v - lo) / span * (self.height - self.top - self.bottom)

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def y_grid(self, ticks: Sequence[float], label: Callable[[float], str] = tick_text) -> None:
        for tick in ticks:
            y = self.y(tick)
            self.add(f'<line x1="{_num(self.left)}" x2="{_num(self.width - self.right)}" '
                     f'y1="{_num(y)}" y2="{_num(y)}" stroke="{GRID}"/>')
            self.add(f'<text x="{_num(self.left - 6)}" y="{_num(y + 4)}" '
                     f'text-anchor="end">{escape(label(tick))}</text>')

    def x_axis(self, ticks: Sequence[float], label: Callable[[float], str] = fmt) -> None:
        base = self.height - self.bottom
        self.add(f'<line x1="{_num(self.left)}" x2="{_num(self.width - self.right)}" '
                 f'y1="{_num(base)}" y2="{_num(base)}" stroke="{AXIS}"/>')
        for tick in ticks:
            x = self.x(tick)
            self.add(f'<line x1="{_num(x)}" x2="{_num(x)}" y1="{_num(base)}" '
                     f'y2="{_num(base + 4)}" stroke="{AXIS}"/>')
            text = label(tick)
            # A label by the right edge moves left, under its tick still, so none is cut.
            middle = min(x, self.width - 2.0 - text_width(text) / 2)
            self.add(f'<text x="{_num(middle)}" y="{_num(base + 17)}" '
                     f'text-anchor="middle">{escape(text)}</text>')

    def titles(self, x_title: str, y_title: str) -> None:
        if x_title:
            self.add(f'<text x="{_num((self.left + self.width - self.right) / 2)}" '
                     f'y="{_num(self.height - 4)}" text-anchor="middle" '
                     f'class="axis-title">{escape(x_title)}</text>')
        if y_title:
            mid = (self.top + self.height - self.bottom) / 2
            self.add(f'<text transform="translate(14 {_num(mid)}) rotate(-90)" '
                     f'text-anchor="middle" class="axis-title">{escape(y_title)}</text>')

    def svg(self, chart_id: str, title: str) -> str:
        return (
            f'<svg id="{escape(chart_id)}" class="chart" viewBox="0 0 {_num(self.width)} '
            f'{_num(self.height)}" {size_style(self.width)} role="img" '
            f'aria-label="{escape(title)}" '
            f'font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, '
            f'sans-serif" font-size="{FONT_PX}" fill="{AXIS}">'
            f"<title>{escape(title)}</title>{''.join(self.parts)}</svg>"
        )


def legend(items: Sequence[tuple[str, str, str]]) -> str:
    """An HTML legend: (colour, label, shape) per item; shape is 'line', 'dash', 'box' or
    'dot'."""
    out = []
    for swatch_colour, label, shape in items:
        out.append(f'<li><span class="swatch {escape(shape)}" style="--c:{escape(swatch_colour)}">'
                   f"</span>{escape(label)}</li>")
    return f'<ul class="legend">{"".join(out)}</ul>'


def _day_ticks(days: int, most: int = 9) -> list[float]:
    step = next((s for s in _DAY_STEPS if days / s <= most), _DAY_STEPS[-1])
    return [float(d) for d in range(0, days, step)]


def _years(first: dt.date, last: dt.date) -> str:
    """The x title of a time chart, which its ticks ("22 Dec") leave out: the year, or the
    months and years it spans when it crosses a new year ("Dec 1953 – May 1954"), so that a
    tick after the turn of the year is not read as of the year before.

    >>> _years(dt.date(1954, 3, 1), dt.date(1954, 5, 7))
    '1954'
    >>> _years(dt.date(1953, 12, 6), dt.date(1954, 5, 7))
    'Dec 1953 – May 1954'
    """
    if first.year == last.year:
        return str(first.year)
    return f"{first:%b %Y} – {last:%b %Y}"


def _runs(values: FloatArray) -> list[tuple[int, int]]:
    """Index ranges [start, stop) of consecutive finite values."""
    finite = np.isfinite(values)
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, ok in enumerate(finite):
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(values)))
    return runs


def _held(series: Series) -> Series:
    """A series with each value twice: at the start and at the end of the days it holds."""
    return Series(series.label, np.repeat(np.asarray(series.values, dtype=float), 2),
                  series.colour, series.dashed, series.note)


def time_chart(
    chart_id: str,
    title: str,
    start: dt.date,
    series: Sequence[Series],
    y_title: str,
    *,
    stacked: bool = False,
    markers: Sequence[Marker] = (),
    overlay: Sequence[Series] = (),
    bands: Sequence[Band] = (),
    log_y: bool = False,
    log_floor: float = 0.0,
    height: float = 300.0,
    days: Sequence[int] | NDArray[np.int64] | None = None,
    last_days: Sequence[int] | NDArray[np.int64] | None = None,
    width: float = 560.0,
    max_ticks: int = 9,
) -> str:
    """A chart over the horizon: one line per series, or stacked bands. Value ``i`` is drawn
    at day ``days[i]`` (day ``i`` when not given); with ``last_days``, it holds from day
    ``days[i]`` to the end of day ``last_days[i]`` and is drawn flat across them (a planning
    step's total per day: a step, not a ramp to the next one).

    Parameters
    ----------
    chart_id, title:
        The ``id`` of the ``<svg>`` element and its accessible title.
    start:
        The date of day 0 (ticks are labelled with dates).
    series:
        Lines (or bands when ``stacked``), all of the same length (the days).
    y_title:
        Title of the y axis, with its unit.
    markers:
        Points drawn on top (e.g. reserve targets).
    overlay:
        Lines drawn over stacked bands (e.g. demand).
    bands:
        Shaded bands drawn under the lines, in the order given (e.g. the widest first).
    log_y:
        Logarithmic y axis (values at or below zero leave gaps).
    log_floor:
        On a log axis, values below this leave gaps too (e.g. fractions of a unit).
    days:
        The day of each value (markers' ``x`` are days too).
    last_days:
        The last day each value holds for (a planning step's last day), when it holds for
        more than an instant.
    width, max_ticks:
        Width of the chart in px, and the most date ticks on its axis (fewer for a small
        chart).
    """
    count = max((len(s.values) for s in [*series, *overlay]), default=1)
    at = np.arange(count) if days is None else np.asarray(days, dtype=float)[:count]
    if last_days is not None:  # each value from its first day to the end of its last
        ends = np.asarray(last_days, dtype=float)[:count] + 1.0
        at = np.column_stack([at, ends]).ravel()
        count *= 2
        series = [_held(s) for s in series]
        overlay = [_held(s) for s in overlay]
        bands = [Band(b.label, np.repeat(b.low, 2), np.repeat(b.high, 2), b.colour)
                 for b in bands]
    data = [np.asarray(s.values, dtype=float) for s in series]
    if stacked:
        data = [np.nan_to_num(d) for d in data]
        tops = np.cumsum(np.vstack(data), axis=0) if data else np.zeros((1, count))
        values = [tops[-1], *(np.asarray(s.values, dtype=float) for s in overlay)]
    else:
        values = [*data, *(np.asarray(s.values, dtype=float) for s in overlay)]
    values.extend(np.asarray(v, dtype=float) for b in bands for v in (b.low, b.high))
    values.extend(np.array([m.y]) for m in markers)
    finite = np.concatenate([v[np.isfinite(v)] for v in values]) if values else np.zeros(1)
    if log_y:
        positive = finite[finite > max(log_floor, 0.0)]
        lo = 10.0 ** math.floor(math.log10(positive.min())) if positive.size else 1.0
        hi = 10.0 ** math.ceil(math.log10(positive.max())) if positive.size else 10.0
        y_ticks = [10.0**k for k in range(round(math.log10(lo)), round(math.log10(hi)) + 1)]
    else:
        # From 0, or from below it where some value is negative (nothing drawn outside).
        bottom = min(0.0, float(finite.min(initial=0.0)))
        top = max(0.0, float(finite.max(initial=0.0)))
        y_ticks = nice_ticks(bottom, top if top > bottom else bottom + 1.0)
        lo, hi = y_ticks[0], y_ticks[-1]
    last_day = int(at[-1]) if at.size else 0
    # Room for the longest tick label between the axis title and the axis: none is cut.
    axes = Axes(width=width, height=height, x_lo=0, x_hi=max(last_day, 1), y_lo=lo, y_hi=hi,
                log_y=log_y, left=y_label_room(y_ticks))
    axes.y_grid(y_ticks)

    def date_label(day: float) -> str:
        return said_date(start + dt.timedelta(days=int(day)), year=False)

    # Ticks on the horizon's days (a step-wise chart ends where its last day ends).
    axes.x_axis(_day_ticks(last_day + (last_days is None), max_ticks), date_label)
    axes.titles(_years(start, start + dt.timedelta(days=last_day)), y_title)
    xs = [axes.x(float(day)) for day in at]
    if stacked:
        below = np.zeros(count)
        for s, d in zip(series, data, strict=True):
            above = below + d
            upper = [axes.y(v) for v in above]
            lower = [axes.y(v) for v in below[::-1]]
            axes.add(f'<polygon points="{_points(xs + xs[::-1], upper + lower)}" '
                     f'fill="{s.colour}" fill-opacity="0.8" stroke="{s.colour}">'
                     f"<title>{escape(s.label)}{escape(s.note)}</title></polygon>")
            below = above
    for band in bands:
        low, high = (np.asarray(v, dtype=float) for v in (band.low, band.high))
        for a, b in _runs(low + high):
            if b - a < 2:  # a lone step has no width to shade
                continue
            upper = [axes.y(float(v)) for v in high[a:b]]
            lower = [axes.y(float(v)) for v in low[a:b][::-1]]
            axes.add(f'<polygon points="{_points(xs[a:b] + xs[a:b][::-1], upper + lower)}" '
                     f'fill="{band.colour}" stroke="none" class="band">'
                     f"<title>{escape(band.label)}</title></polygon>")
    lines = list(overlay) if stacked else list(series)
    for s in lines:
        v = np.asarray(s.values, dtype=float)
        if log_y:
            v = np.where((v > 0) & (v >= log_floor), v, np.nan)
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        for a, b in _runs(v):
            ys = [axes.y(float(y)) for y in v[a:b]]
            if b - a == 1:
                axes.add(f'<circle cx="{_num(xs[a])}" cy="{_num(ys[0])}" r="2" '
                         f'fill="{s.colour}"/>')
                continue
            axes.add(f'<polyline points="{_points(xs[a:b], ys)}" fill="none" '
                     f'stroke="{s.colour}" stroke-width="2"{dash}>'
                     f"<title>{escape(s.label)}{escape(s.note)}</title></polyline>")
    for m in markers:
        x, y = axes.x(m.x), axes.y(m.y)
        axes.add(f'<path d="M{_num(x)} {_num(y - 7)} l6 7 l-6 7 l-6 -7 z" fill="#fff" '
                 f'stroke="{m.colour}" stroke-width="2.5"><title>{escape(m.label)}</title></path>')
    return axes.svg(chart_id, title)


def scatter_chart(
    chart_id: str,
    title: str,
    bubbles: Sequence[Bubble],
    x_title: str,
    y_title: str,
    height: float = 300.0,
    x_top: float | None = None,
) -> str:
    """Bubbles on linear axes from zero (from below it where some value is negative), the
    x axis up to ``x_top`` when given (e.g. 100 for a percentage); bubble area proportional
    to ``size``."""
    x_max = max((b.x for b in bubbles), default=1.0) or 1.0
    y_max = max((b.y for b in bubbles), default=1.0) or 1.0
    y_min = min([0.0, *(b.y for b in bubbles)])
    x_ticks = nice_ticks(0.0, x_max * 1.05 if x_top is None else max(x_top, x_max))
    y_ticks = nice_ticks(y_min * 1.1, y_max * 1.1)
    axes = Axes(width=560, height=height, x_lo=0, x_hi=x_ticks[-1], y_lo=y_ticks[0],
                y_hi=y_ticks[-1], left=max(64.0, y_label_room(y_ticks)))
    axes.y_grid(y_ticks)
    axes.x_axis(x_ticks)
    axes.titles(x_title, y_title)
    biggest = max((b.size for b in bubbles), default=1.0) or 1.0
    for b in sorted(bubbles, key=lambda b: -b.size):
        radius = 3.0 + 15.0 * math.sqrt(max(b.size, 0.0) / biggest)
        axes.add(f'<circle cx="{_num(axes.x(b.x))}" cy="{_num(axes.y(b.y))}" '
                 f'r="{_num(radius)}" fill="{b.colour}" fill-opacity="0.55" '
                 f'stroke="{b.colour}"><title>{escape(b.label)}</title></circle>')
    return axes.svg(chart_id, title)


def percent(share: float) -> str:
    """A share as a percentage, as every table and chart of the reports says it: to three
    significant figures, and never finer than a hundredth of a percent (below that, solver
    noise); a share short of the whole by more than that never reads 100%. Rounded once:
    84.7486 % is 84.7 %, where rounding to the hundredth first (84.75) made it 84.8 %.

    >>> percent(0.804), percent(7.7e-7), percent(0.99958), percent(0.999999)
    ('80.4%', '0%', '99.96%', '100%')
    >>> percent(0.847486), percent(0.0000996), percent(0.0099449)
    ('84.7%', '0.01%', '0.99%')
    """
    raw = 100.0 * share
    value = round(raw, 2) + 0.0
    # (below 1 %, three figures would be finer than the hundredth: the hundredth it is)
    text = fmt(value if abs(raw) < 1.0 else raw)
    if value < 100.0 and text == "100":
        text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


_percent = percent  # (bar_chart's flag of that name hides it there)
#: The finest step between a share's ticks: a hundredth of a percent, the finest
#: :func:`percent` says.
PERCENT_STEP = 1e-4


def bar_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    groups: Sequence[Series],
    x_title: str,
    *,
    bound: float | None = None,
    bound_label: str = "",
    percent: bool = False,
    width: float = 560.0,
) -> str:
    """Grouped horizontal bars: one row per label, one bar per group in each row, and an
    optional vertical line for a bound (e.g. the fairness limit). Labels are shown in full:
    the label column is as wide as the longest (up to 40 % of ``width``), longer ones wrap
    onto more lines at spaces."""
    chars = max(12, int(width * 0.4 / text_width("x")))
    wrapped = [_wrap(label, chars) for label in labels]
    lines = max((len(w) for w in wrapped), default=1)
    row = max(8.0 + 10.0 * len(groups), 4.0 + 14.0 * lines)
    left = 16.0 + max((text_width(line) for w in wrapped for line in w), default=40.0)
    height = 14.0 + 40.0 + row * max(len(labels), 1)
    top_value = max([*(float(np.nanmax(g.values, initial=0.0)) for g in groups),
                     bound or 0.0]) or 1.0
    ticks = nice_ticks(0.0, top_value)
    if percent and ticks[1] - ticks[0] < PERCENT_STEP:
        # (a share is said to the hundredth of a percent: finer ticks read 0.01% thrice)
        ticks = [round(PERCENT_STEP * k, 10)
                 for k in range(math.ceil(top_value / PERCENT_STEP - 1e-9) + 1)]
    axes = Axes(width=width, height=height, x_lo=0, x_hi=ticks[-1], y_lo=0, y_hi=1,
                left=left)

    def tick_label(v: float) -> str:  # (a share as the tables say it: 84.8%, not 84.7%)
        return _percent(v) if percent else fmt(v)

    for tick in ticks:
        x = axes.x(tick)
        axes.add(f'<line x1="{_num(x)}" x2="{_num(x)}" y1="{_num(axes.top)}" '
                 f'y2="{_num(height - axes.bottom)}" stroke="{GRID}"/>')
    axes.x_axis(ticks, tick_label)
    axes.titles(x_title, "")
    bars = 10.0 * len(groups)
    for i, label in enumerate(labels):
        y0 = axes.top + row * i
        first = y0 + row / 2 + 4 - 7.0 * (len(wrapped[i]) - 1)
        spans = "".join(f'<tspan x="{_num(left - 6)}" y="{_num(first + 14 * k)}">'
                        f"{escape(line)}</tspan>" for k, line in enumerate(wrapped[i]))
        axes.add(f'<text text-anchor="end" class="bar-label">{spans}</text>')
        for j, g in enumerate(groups):
            value = float(g.values[i])
            if not math.isfinite(value):
                continue
            axes.add(f'<rect x="{_num(left)}" y="{_num(y0 + (row - bars) / 2 + 10 * j)}" '
                     f'width="{_num(max(axes.x(value) - left, 0.0))}" height="9" '
                     f'fill="{g.colour}"><title>{escape(label)}: {escape(g.label)} '
                     f"{escape(tick_label(value))}</title></rect>")
    if bound is not None:
        x = axes.x(bound)
        axes.add(f'<line x1="{_num(x)}" x2="{_num(x)}" y1="{_num(axes.top - 4)}" '
                 f'y2="{_num(height - axes.bottom)}" stroke="#c00" stroke-width="2" '
                 f'stroke-dasharray="5 3"><title>{escape(bound_label)}</title></line>')
    return axes.svg(chart_id, title)


def _wrap(text: str, chars: int) -> list[str]:
    """``text`` in lines of at most ``chars`` characters at spaces (a longer word stays
    whole)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [text]
