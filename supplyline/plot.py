"""Matplotlib figures of a plan, for notebooks and scripts: ``plan.plot.deliveries()``,
``plan.plot.stock()`` and ``plan.plot.map()``.

Each returns a :class:`matplotlib.figure.Figure` built without pyplot, so nothing is shown
and no display is needed (a notebook shows the figure returned by a cell; a script saves it
with ``fig.savefig("map.png")``). The figures show the same figures as the HTML report,
read from :mod:`supplyline.plan.figures` and :mod:`supplyline.report.facts`. Needs the
``plot`` extra (``pip install 'supplyline[plot]'``).

>>> import supplyline as sl
>>> plan = sl.plan(sl.load("tutorial"))
>>> plan.plot.stock().savefig("stock.png")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from supplyline.plan.figures import INITIAL_STOCK, deliveries_by_source
from supplyline.report.facts import commodity_label, stock_days, tonnes_text
from supplyline.report.map import (
    DEPOT,
    FRONT,
    JUNCTION,
    LOCALITY,
    PLACE_WORDS,
    Curve,
    Layout,
    Point,
    layout,
    route_width,
    size_samples,
    width_samples,
)
from supplyline.report.svg import colour, fmt
from supplyline.units import said_span

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from supplyline.plan.result import Plan

__all__ = ["PlanPlots"]

#: Colours of place kinds on the map (as in the HTML report).
KIND_COLOURS = {"locality": LOCALITY, "front": FRONT, "depot": DEPOT, "junction": JUNCTION,
                "hospital": FRONT}
KIND_MARKERS = {"locality": "o", "front": "o", "depot": "s", "junction": ".", "hospital": "P"}


#: The colour of closures (a cross) and of strikes (a dotted line) on a route, and the
#: closure's words in the legend (as the HTML map's).
HAZARD_COLOUR = "#c62828"
CLOSED_WORDS = "closed on some days"

#: A closure's cross is drawn where its route is at least this far (the layout's pixels)
#: from every other route, place and name, as near the route's middle as that allows; on a
#: route nowhere that clear, where it is clearest. (At 30 % of its length the cross had sat
#: where the tutorial's gorge path crosses the road to the hospital.)
CROSS_CLEARANCE = 14.0


def closure_point(lay: Layout, r: int) -> Point:
    """Where the cross of route ``r``'s closure goes on the map (the layout's pixels): a
    point of its curve clear of the other routes (less their half widths), of the places and
    of the names placed, the one nearest the route's middle of those at least
    :data:`CROSS_CLEARANCE` clear, else the clearest."""
    ts = np.linspace(0.1, 0.9, 81)
    points = np.array([lay.curves[r].at(float(t)) for t in ts])  # [T, 2]
    clear = np.full(len(ts), np.inf)
    for o, curve in enumerate(lay.curves):
        if o == r:
            continue
        along = np.array(curve.samples(2.0))
        gap = np.hypot(*(points[:, None, :] - along[None, :, :]).transpose(2, 0, 1))
        clear = np.minimum(clear, gap.min(axis=1) - float(lay.widths[o]) / 2.0)
    if lay.xy:
        places = np.array(lay.xy)
        gap = np.hypot(*(points[:, None, :] - places[None, :, :]).transpose(2, 0, 1))
        clear = np.minimum(clear, gap.min(axis=1))
    boxes = np.array([spot.box for spot in lay.labeller.placed.values()]).reshape(-1, 4)
    if boxes.size:  # (how far outside each name's box: 0 within it)
        dx = np.maximum(np.maximum(boxes[None, :, 0] - points[:, None, 0],
                                   points[:, None, 0] - boxes[None, :, 2]), 0.0)
        dy = np.maximum(np.maximum(boxes[None, :, 1] - points[:, None, 1],
                                   points[:, None, 1] - boxes[None, :, 3]), 0.0)
        clear = np.minimum(clear, np.hypot(dx, dy).min(axis=1))
    enough = np.minimum(clear, CROSS_CLEARANCE)
    best = np.nonzero(enough >= enough.max() - 1e-9)[0]
    t = float(ts[best[np.argmin(np.abs(ts[best] - 0.5))]])
    return lay.curves[r].at(t)


try:  # the plot extra; without it plan.plot raises a clear ImportError on first use
    from matplotlib.lines import Line2D
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path as MplPath
except ImportError:  # pragma: no cover - depends on the environment
    pass


@functools.cache
def _figure_class() -> type[Figure]:
    """A matplotlib figure that draws itself as a PNG for IPython and Jupyter, so that a
    notebook shows it even when pyplot was never imported."""
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError("plan.plot needs matplotlib: pip install 'supplyline[plot]'") from exc

    class NotebookFigure(Figure):
        def _repr_png_(self) -> bytes:
            out = io.BytesIO()
            self.savefig(out, format="png", bbox_inches="tight")
            return out.getvalue()

    return NotebookFigure


def _figure(width: float, height: float) -> Figure:
    """A new figure, without pyplot (no display, no global state)."""
    return _figure_class()(figsize=(width, height), layout="constrained")


def _date_axis(ax: Axes, most: int, days: int) -> None:
    """Dates along ``ax``'s x axis over ``days`` days, at most ``most`` ticks, labelled short
    ("05 Nov", "Dec" at a month's start) with the year once at the end (matplotlib's concise
    formatter): full dates, rotated, had run into each other on a narrow axes of a month. A
    plan of one day is ticked at its two ends, not at hours the plan does not know."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator(  # type: ignore[no-untyped-call]
        minticks=2 if days > 1 else 1, maxticks=most)
    formatter = ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
    formatter.formats[2] = "%d %b"  # a tick within a month, the month said
    formatter.offset_formats[2] = "%Y"  # so the offset need only say the year
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(formatter)


def _nothing_to_draw(fig: Figure, title: str, sentence: str) -> Figure:
    """``fig`` saying in a sentence why it has nothing to draw (one Axes, no frame): a
    blank chart, or a frame with only its title, says nothing."""
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, textwrap.fill(sentence, 70), ha="center", va="center",
            transform=ax.transAxes, gid="nothing-to-draw")
    return fig


class PlanPlots:
    """The plots of one plan (``plan.plot``)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan

    def _edges(self) -> NDArray[np.datetime64]:
        """The first day of each step, then the day after the last [S + 1]: the dates
        between which each step's figures hold."""
        start = np.datetime64(self.plan.network.start_date, "D")
        days = np.append(self.plan.step_start, self.plan.network.grid.end[-1] + 1)
        return start + days.astype("timedelta64[D]")

    def _span(self) -> str:
        """The plan's days in words ('1 Nov – 2 Nov 2024')."""
        start = self.plan.network.start_date
        return said_span(start, start + dt.timedelta(days=self.plan.days - 1))

    def deliveries(self) -> Figure:
        """What the fronts consumed each day (t a day), stacked by the region that gave it,
        with the demand as a dashed line: one Axes; the bands' labels are the regions (and
        the stock held at the start) with the tonnes each gave the fronts, as the report's
        legend; the last line is the demand. Each step's figure is drawn flat from its first
        day to the end of its last, so that the area under a band is its tonnes, the last
        step's too. A plan whose fronts ask for nothing and receive nothing says so."""
        plan = self.plan
        title = "Deliveries per day by source region"
        per_day = plan.step_length * 1000.0
        parts = deliveries_by_source(plan)
        demand = plan.demand_kg[plan.network.is_front].sum(axis=(0, 1)) / per_day
        if not parts and not (demand > 0).any():
            return _nothing_to_draw(_figure(6.5, 2.5), title, "No front asks for anything "
                                    f"or receives anything in the plan's days ({self._span()}):"
                                    " no deliveries to draw.")
        fig = _figure(9, 4)
        ax = fig.subplots()
        dates = self._edges()

        def held(values: NDArray[np.float64]) -> NDArray[np.float64]:
            return np.append(values, values[-1])  # (the last step holds to its end)

        if parts:
            colours = ["#9e9e9e" if label == INITIAL_STOCK else colour(i)
                       for i, (label, _) in enumerate(parts)]
            ax.stackplot(dates, *[held(kg / per_day) for _, kg in parts],
                         labels=[f"{label} ({tonnes_text(float(kg.sum()) / 1000.0)} t consumed)"
                                 for label, kg in parts],
                         colors=colours, alpha=0.85, step="post")
        else:
            ax.text(0.5, 0.5, "Nothing reached the fronts.", ha="center", va="center",
                    transform=ax.transAxes, gid="nothing-delivered")
        ax.step(dates, held(demand), where="post", color="#000", linestyle="--",
                label="demand")
        ax.set_ylabel("t per day")
        ax.set_title(title)
        ax.set_xlim(dates[0], dates[-1])
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper left", fontsize="small")
        _date_axis(ax, 10, plan.days)
        return fig

    def stock(self) -> Figure:
        """Stock at the fronts in days of supply: small multiples, one Axes per good with
        demand at a front (each on its own scale), one line per front, reserve targets as
        diamonds; the figure's legend names the fronts (and the targets), and the dates are
        under each column's last Axes. A plan whose fronts ask for nothing says so."""
        plan = self.plan
        lines = stock_days(plan)
        if not lines:
            return _nothing_to_draw(_figure(6.5, 2.5), "Front stock in days of supply",
                                    "No front asks for anything in the plan's days "
                                    f"({self._span()}): no stock to count in days of supply.")
        goods = sorted({line.good for line in lines})
        columns = min(3, max(1, len(goods)))
        rows = max(1, math.ceil(len(goods) / columns))
        fig = _figure(3.6 * columns + 0.6, 2.6 * rows + 0.4)
        axes = np.atleast_1d(fig.subplots(rows, columns, sharex=True, squeeze=False)).ravel()
        fronts = sorted({line.front for line in lines})
        # (stocks at each step's end, drawn on its last day, as the report's chart)
        start = np.datetime64(plan.network.start_date, "D")
        dates = start + plan.network.grid.end.astype("timedelta64[D]")
        for ax, g in zip(axes, goods, strict=False):
            for line in (x for x in lines if x.good == g):
                c = colour(fronts.index(line.front))
                ax.plot(dates, line.days_of_supply, color=c, label=line.label)
                # (a value between gaps, or a plan's only one, is a point: no line shows it)
                finite = np.isfinite(line.days_of_supply)
                alone = finite & ~np.append(finite[1:], False) & ~np.insert(finite[:-1], 0, False)
                if alone.any():
                    ax.plot(dates[alone], line.days_of_supply[alone], color=c, marker="o",
                            markersize=3, linestyle="none", clip_on=False)
                for step, wanted in line.targets:
                    ax.plot([dates[step]], [wanted], marker="D", color=c, markerfacecolor="#fff",
                            linestyle="none", label="reserve target")
            ax.set_title(commodity_label(plan, g))
            ax.set_xlim(start, dates[-1] if dates[-1] > start else start + 1)
            ax.set_ylim(bottom=0)
            ax.set_ylabel("days of supply")
            _date_axis(ax, 5, plan.days)
            ax.tick_params(axis="x", labelsize="small")
        for i, ax in enumerate(axes):
            if i >= len(goods):
                ax.set_visible(False)
            elif i + columns >= len(goods):  # (nothing drawn below it: its dates are shown)
                ax.tick_params(axis="x", labelbottom=True)
                ax.xaxis.offsetText.set_visible(True)
        handles = [Line2D([], [], color=colour(i), label=plan.network.place_label(p))
                   for i, p in enumerate(fronts)]
        if any(line.targets for line in lines):
            handles.append(Line2D([], [], marker="D", color="#555", markerfacecolor="#fff",
                                  linestyle="none", label="reserve target"))
        fig.legend(handles=handles, loc="outside lower center", fontsize="small",
                   ncols=min(len(handles), 4))
        fig.suptitle("Front stock in days of supply")
        return fig

    def map(self) -> Figure:
        """The network, laid out as in the HTML report: routes as lines (width: tonnes
        carried; colour: the mode that carried most; grey dashed: unused; red dotted: air
        strikes or raids; a red ``x`` at a closure), routes between the same two places
        bowed apart, places by kind, and every place named in full (with a leader line where
        crowded, or by a number keyed under the map); a crowded front gets a magnified
        inset. Two legends beside the map, as the report's, name the routes' marks (with the
        widths of some tonnes) and the places' (with the sizes of some tonnes). Coordinates
        are km east and north of the map's centre."""
        plan = self.plan
        net = plan.network
        lay = layout(plan)
        proj = lay.proj

        def km(point: tuple[float, float]) -> tuple[float, float]:
            return ((point[0] - proj.x0) / proj.scale, (proj.y0 - point[1]) / proj.scale)

        fig = _figure(12.5, 10 * lay.height / lay.width + 0.6)
        ax = fig.subplots()
        _draw(ax, plan, lay, lay.curves, km, lay.labeller, "")
        if lay.labeller.key:
            key = "\n".join(f"{n}  {name}" for n, _, name in lay.labeller.key)
            ax.text(0.0, -0.06, key, transform=ax.transAxes, va="top", fontsize=8,
                    gid="map-key")
        # The legends beside the map, where they cover nothing of it.
        routes, places = _legend(ax, plan, lay)
        if routes:
            fig.legend(handles=routes, loc="outside right upper", fontsize="small",
                       title="routes: mode carrying most", alignment="left",
                       handlelength=3.0)
        if places:
            fig.legend(handles=places, loc="outside right lower", fontsize="small",
                       title="places: area shows t", alignment="left",
                       handlelength=3.0)
        ax.set_xlim(-proj.x0 / proj.scale, (lay.width - proj.x0) / proj.scale)
        ax.set_ylim((proj.y0 - lay.height) / proj.scale, proj.y0 / proj.scale)
        ax.set_aspect("equal")
        ax.set_xlabel("km east")
        ax.set_ylabel("km north")
        ax.set_title(f"Network and flows: {net.scenario.title}")
        inset = lay.inset
        if inset is not None:
            (x1, y1), (x2, y2) = km(inset.box[:2]), km(inset.box[2:])
            inner = ax.inset_axes((x1, y2, x2 - x1, y1 - y2), transform=ax.transData,
                                  gid="inset")
            (r1, s1), (r2, s2) = km(inset.region[:2]), km(inset.region[2:])
            ax.add_patch(Rectangle((r1, s2), r2 - r1, s1 - s2, fill=False, linestyle="--",
                                   edgecolor="#7b8794", zorder=7))

            def inset_km(point: tuple[float, float]) -> tuple[float, float]:
                return km(inset.back(point))

            _draw(inner, plan, lay, lay.curves, km, inset.labeller, "inset-",
                  labels_at=inset_km)
            inner.set_xlim(r1, r2)
            inner.set_ylim(s2, s1)
            inner.set_aspect("equal")
            inner.set_xticks([])
            inner.set_yticks([])
            name = net.place_label(inset.front)
            inner.set_title(f"Around {name}", fontsize=8, loc="left")
        return fig


def _place_area(tonnes: float, biggest: float) -> float:
    """The area (points²) of the marker of a locality or front that gave or consumed
    ``tonnes``, the most any did being ``biggest``."""
    return 30.0 + 250.0 * tonnes / (biggest or 1.0)


def _legend(ax: Axes, plan: Plan, lay: Layout) -> tuple[list[Any], list[Any]]:
    """The map legends' entries, as the HTML map's: for the routes, the modes carrying most,
    then routes not used, under strikes and closed, where the map has them, then the widths
    of some tonnes carried; for the places, the sizes of some tonnes given or consumed, then
    each kind of place the map draws."""
    facts = lay.facts
    handles = [ax.plot([], [], color=colour(m), lw=4, label=plan.network.mode_label(m))[0]
               for m in sorted({int(m) for m in facts.main_mode if m >= 0})]
    if (facts.tonnes <= 0).any():
        handles += ax.plot([], [], color="#b0b7bf", lw=1.5, linestyle="--", label="not used")
    kinds = {w.kind for windows in lay.hazards for w in windows}
    if "strikes" in kinds:
        handles += ax.plot([], [], color=HAZARD_COLOUR, lw=1.0, linestyle=":",
                           label="air strikes or raids")
    if "closed" in kinds:
        handles += ax.plot([], [], marker="X", color=HAZARD_COLOUR, markersize=9,
                           linestyle="none", label=CLOSED_WORDS)
    biggest_route = float(facts.tonnes.max(initial=0.0))
    if biggest_route > 0:
        handles += [Line2D([], [], color="#777", lw=0.7 * route_width(t, biggest_route),
                           label=f"{fmt(t)} t carried (both ways)")
                    for t in width_samples(biggest_route)]
    net = plan.network
    biggest = float(lay.size_t.max(initial=0.0))
    places = [Line2D([], [], marker="o", linestyle="none", color=KIND_COLOURS["locality"],
                     markersize=math.sqrt(_place_area(t, biggest)), label=text)
              for t, text in size_samples(net, lay.size_t, 0.0)]
    present = set(net.place_kind)
    if any(k == "locality" and t <= 0 for k, t in zip(net.place_kind, lay.size_t, strict=True)):
        places.append(Line2D([], [], marker="o", linestyle="none", markerfacecolor="#fff",
                             markeredgecolor=KIND_COLOURS["locality"], label=PLACE_WORDS["empty"]))
    if "front" in present:
        places.append(Line2D([], [], marker="o", linestyle="none", color=KIND_COLOURS["front"],
                             markersize=math.sqrt(_place_area(0.0, biggest)),
                             label=PLACE_WORDS["front"]))
    for kind in ("depot", "junction", "hospital"):
        if kind in present:
            places.append(Line2D([], [], marker=KIND_MARKERS[kind], linestyle="none",
                                 markeredgecolor=KIND_COLOURS[kind],
                                 markerfacecolor="#fff" if kind == "hospital"
                                 else KIND_COLOURS[kind], label=PLACE_WORDS[kind]))
    return handles, places


def _draw(ax: Axes, plan: Plan, lay: Layout, curves: list[Curve],
          km: Callable[[tuple[float, float]], tuple[float, float]], labeller: Any,
          prefix: str, labels_at: Callable[[tuple[float, float]], tuple[float, float]]
          | None = None) -> None:
    """Routes, places and the names a labeller placed, on ``ax`` in km; ``labels_at`` maps
    the labeller's pixels to km (``km`` by default); gids start with ``prefix``."""
    net = plan.network
    facts, tonnes = lay.facts, lay.facts.tonnes
    at = labels_at or km
    for r, curve in enumerate(curves):
        path = MplPath([km(curve.a), km(curve.c), km(curve.b)],
                       [MplPath.MOVETO, MplPath.CURVE3, MplPath.CURVE3])
        used = tonnes[r] > 0
        ax.add_patch(PathPatch(
            path, fill=False, lw=0.7 * float(lay.widths[r]), capstyle="round",
            edgecolor=colour(int(facts.main_mode[r])) if used else "#b0b7bf",
            linestyle="-" if used else "--", alpha=0.9, zorder=2,
            label=net.route_names[r], gid=f"{prefix}route:{net.route_ids[r]}"))
        kinds = {w.kind for w in lay.hazards[r]}
        if "strikes" in kinds:
            ax.add_patch(PathPatch(path, fill=False, lw=1.0, edgecolor=HAZARD_COLOUR,
                                   linestyle=":", zorder=3,
                                   gid=f"{prefix}strikes:{net.route_ids[r]}"))
        if "closed" in kinds:
            x, y = km(closure_point(lay, r))
            ax.plot([x], [y], marker="X", color=HAZARD_COLOUR, markersize=9, zorder=4,
                    linestyle="none", gid=f"{prefix}closed:{net.route_ids[r]}")
    biggest = float(lay.size_t.max(initial=0.0)) or 1.0
    for p in range(net.n_places):
        kind = net.place_kind[p]
        gave = lay.size_t[p] > 0
        x, y = km(lay.xy[p])
        sized = kind in ("locality", "front") and gave
        face = "#fff" if kind == "hospital" or (kind == "locality" and not gave) else (
            KIND_COLOURS[kind])
        ax.scatter([x], [y], s=_place_area(float(lay.size_t[p]), biggest) if sized
                   else 36.0, marker=KIND_MARKERS[kind], c=face,
                   edgecolors=KIND_COLOURS[kind], linewidths=1.2, zorder=5,
                   linestyle="--" if kind == "locality" and not gave else "-")
    front = set(np.nonzero(net.is_front)[0].tolist())
    for p, spot in labeller.placed.items():
        if spot.start is not None:
            (x1, y1), (x2, y2) = at(spot.start), at(spot.end)
            ax.plot([x1, x2], [y1, y2], color="#7b8794", lw=0.6, zorder=4)
        tx, top = at((spot.tx, spot.box[1]))
        ax.text(tx, top, "\n".join(spot.lines), ha={"start": "left", "end": "right"}.get(
                    spot.anchor, "center"), va="top", fontsize=7.5, zorder=6,
                fontweight="bold" if p in front else "normal",
                color="#8e0000" if p in front else "#222",
                bbox={"boxstyle": "round,pad=0.05", "fc": "#ffffffa0", "ec": "none"},
                gid=f"{prefix}place:{net.place_ids[p]}")
    for p, index in labeller.numbered.items():
        if p in labeller.number_leaders:
            (x1, y1), (x2, y2) = (at(pt) for pt in labeller.number_leaders[p])
            ax.plot([x1, x2], [y1, y2], color="#7b8794", lw=0.6, zorder=4)
        number = next(n for n, q, _ in labeller.key if q == p)
        box = labeller.boxes[index]
        x, y = at(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2))
        ax.text(x, y, str(number), ha="center", va="center", fontsize=7,
                fontweight="bold", zorder=6, gid=f"{prefix}number:{net.place_ids[p]}",
                bbox={"boxstyle": "circle,pad=0.15", "fc": "#fff", "ec": "#333"})
