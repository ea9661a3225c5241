"""The resilience analysis in the report and the terminal: the N-1 ranking, the worst cut
sets, and a map of the network with the critical routes and places marked and the worst cut
set drawn.

The map is drawn here, plainly (places at their coordinates, routes as lines), so that it
reads the analysis alone: routes coloured and widened by what cutting them costs, places
ringed likewise, the worst set's routes struck through and its places ringed in red.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from rich.console import Console

from supplyline.network import Network
from supplyline.plan.result import Plan
from supplyline.report.inert import inert
from supplyline.report.map import FRONT, Labeller, route_curves
from supplyline.report.sections import ReportContext, Section, figure, prose, table
from supplyline.report.svg import fmt, size_style
from supplyline.resilience.analysis import (
    SHOWN,
    SOLVED_BY,
    Resilience,
    WorstSet,
    stock_days,
    stock_state,
)
from supplyline.resilience.cuts import NOT_USED, TWIN, Impact, called, gave_up_words, split_cut
from supplyline.resilience.interdiction import WorstCut, fewer_words
from supplyline.scenario.summary import counted
from supplyline.units import words_and

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["cut_map", "export_resilience", "print_resilience", "ranking_table",
           "resilience_html", "resilience_section"]

WIDTH, HEIGHT, PAD = 640.0, 460.0, 30.0
#: The legend's panel, right of the map.
LEGEND_WIDTH = 210.0
#: Characters of the key to numbered names on a line (10 px text across the map's width).
KEY_CHARS = 150
#: The map's colours: a cut that adds little or nothing, one that adds some, one that adds
#: more than half the worst single cut's, and the worst set of cuts found.
GREY, ORANGE, DARK_ORANGE, RED = "#b8c0c8", "#f59f00", "#d9480f", "#c92a2a"
#: A cut that adds less than CRITICAL_T of shortfall but leaves wounded late or costs
#: labour: not harmless.
VIOLET = "#7048e8"
#: The red ring round a place of the worst set: its radius and its stroke's width (px).
CUT_RING, CUT_RING_STROKE = 10.0, 3.0
#: Cuts that add less than this many tonnes of shortfall are not marked critical.
CRITICAL_T = 0.5
#: A cut that adds at least this many person-days of wounded late, or this share of the
#: uncut plan's labour-days (and at least one), is drawn as costing late wounded or labour.
LATE_PD, LABOUR_SHARE = 1.0, 0.01


def _reserve(i: Impact) -> str:
    """The "stock" column: :func:`~supplyline.resilience.analysis.stock_days` where a front
    goes short, else the word of :func:`~supplyline.resilience.analysis.stock_state`
    ("lasts", or "unsolved": its cost is not known)."""
    state = stock_state(i)
    return f"{stock_days(i):g} d" if state == "short" else state


def _cell(x: float) -> str:
    if not np.isfinite(x):
        return "—"
    return "0" if abs(x) < SHOWN else fmt(x)


def _worst_impact(res: Resilience) -> Impact | None:
    best = [w.worst for w in res.worst if w.worst is not None]
    return best[-1] if best else None


def _xy(net: Network) -> list[tuple[float, float]]:
    """Places on an equirectangular projection fitted to the box."""
    lat, lon = net.lat, net.lon
    scale_x = np.cos(np.radians(float(lat.mean()))) if lat.size else 1.0
    x = lon * scale_x
    span = max(float(x.max() - x.min()), float(lat.max() - lat.min()), 1e-9)
    k = min((WIDTH - 2 * PAD) / span, (HEIGHT - 2 * PAD) / span)
    return [(PAD + (float(a) - float(x.min())) * k, HEIGHT - PAD - (float(b) - float(lat.min()))
             * k) for a, b in zip(x, lat, strict=True)]


def cut_map(net: Network, res: Resilience) -> str:
    """An SVG map: each route and place coloured by the shortfall its cut adds, or violet
    where it adds less than :data:`CRITICAL_T` but leaves wounded late, costs labour, or
    leaves road work undone or food unfed (grey: little or nothing), every place named,
    the worst cut set's routes struck through and its places ringed in red; the legend
    keys the marks drawn."""
    xy = _xy(net)
    by_id = {i.ids: i for i in res.ranking if len(i.ids) == 1}
    struck = _struck(net, res)
    biggest = max([i.extra_shortfall_t for i in res.ranking
                   if np.isfinite(i.extra_shortfall_t)] + [1e-9])

    labour = max(1.0, LABOUR_SHARE * res.base.labour_days)

    def style(ident: str) -> tuple[str, float, str]:
        i = by_id.get((ident,))
        if i is None:
            return GREY, 1.5, "not cut"
        t = i.extra_shortfall_t
        if not np.isfinite(t):
            return GREY, 1.5, "its cut did not solve"
        if t >= CRITICAL_T:
            share = t / biggest
            colour = DARK_ORANGE if share > 0.5 else ORANGE
            left = (f", {gave_up_words(i.extra_road_work_undone_days, i.extra_unfed_t)}"
                    if i.gives_up else "")
            return colour, 2.0 + 6.0 * share, f"+{fmt(t)} t shortfall{left} when cut"
        costs = ([f"+{fmt(i.extra_wounded_late)} person-days of wounded late"]
                 if i.extra_wounded_late >= LATE_PD else [])
        costs += ([f"+{fmt(i.extra_labour_days)} labour-days"]
                  if i.extra_labour_days >= labour else [])
        # (labour-days that fall because road work is dropped are no saving: say the work)
        costs += [gave_up_words(i.extra_road_work_undone_days, i.extra_unfed_t)] \
            if i.gives_up else []
        short = f"+{_cell(t)} t shortfall" if t >= SHOWN else "no shortfall"
        if costs:
            return VIOLET, 3.0, f"{short}, {', '.join(costs)} when cut"
        return GREY, 1.5, f"{short} when cut, and little else"

    names = net.place_names
    parts = [f'<rect width="{WIDTH + LEGEND_WIDTH:.0f}" height="{HEIGHT:.0f}" fill="#f6f8fa"/>']
    samples: list[np.ndarray] = []  # points along the routes, that names should not cover
    # Each route from its first arc's place to the other, drawn as the report's map draws
    # it: routes between the same two places bowed apart, a route bent around a place it
    # would cross (drawn straight, they lay on one another and through places).
    first: dict[int, int] = {}  # each route's first arc
    for a in range(net.n_arcs):
        first.setdefault(int(net.arc_route[a]), a)
    routes = sorted(first)
    styles = [style(net.route_ids[r]) for r in routes]
    curves = route_curves([int(net.arc_from[first[r]]) for r in routes],
                          [int(net.arc_to[first[r]]) for r in routes], xy,
                          [width for _, width, _ in styles])
    for r, curve, (colour, width, words) in zip(routes, curves, styles, strict=True):
        samples.append(np.array([(x, y, 1.0) for x, y in curve.samples()]))
        tip = escape(f"{net.route_names[r]}: {words}")
        parts.append(f'<path data-route="{escape(net.route_ids[r])}" d="{curve.path()}" '
                     f'fill="none" stroke="{colour}" stroke-width="{width:.1f}" '
                     f'stroke-linecap="round"><title>{tip}</title></path>')
        if net.route_ids[r] in struck:
            mx, my = curve.at(0.5)
            parts.append(f'<path d="{curve.path()}" fill="none" stroke="{RED}" '
                         f'stroke-width="2" stroke-dasharray="6 4"/>'
                         f'<path class="cut" d="M{mx - 7:.1f} {my - 7:.1f}L{mx + 7:.1f} '
                         f'{my + 7:.1f}M{mx - 7:.1f} {my + 7:.1f}L{mx + 7:.1f} {my - 7:.1f}" '
                         f'stroke="{RED}" stroke-width="3"/>')
    # Names never overlap each other or a place (the report map's labeller): the fronts' and
    # the worst set's first, then the places whose cut adds most.
    labeller = Labeller(WIDTH, HEIGHT, np.vstack(samples) if samples else np.zeros((0, 3)),
                        bottom=4.0)
    named: list[tuple[tuple[float, float], int, float]] = []
    for p, pid in enumerate(net.place_ids):
        x, y = xy[p]
        colour, width, words = style(pid)
        front = net.place_kind[p] == "front"
        radius = 7.0 if front else 3 + width / 2
        if pid in struck:  # (the red ring's outer edge: a name beside the marker covered it)
            radius = max(radius, CUT_RING + CUT_RING_STROKE / 2)
        labeller.reserve(x, y, radius)
        tip = escape(f"{names[p]} ({net.place_kind[p]}): {'front' if front else words}")
        # A front as the flows map draws it (a red disc with a black ring), not to be taken
        # for a depot.
        shape = (f'<circle class="front" cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{FRONT}" '
                 'stroke="#000" stroke-width="2">' if front else
                 f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{3 + width / 2:.1f}" fill="{colour}" '
                 'stroke="#fff">')
        parts.append(f"{shape}<title>{tip}</title></circle>")
        if pid in struck:
            parts.append(f'<circle class="cut" cx="{x:.1f}" cy="{y:.1f}" r="{CUT_RING:g}" '
                         f'fill="none" stroke="{RED}" stroke-width="{CUT_RING_STROKE:g}"/>')
        impact = by_id.get((pid,))
        # Every place is named (a number keyed under the map where no spot is free): the
        # fronts and the worst set's first, then by what their cut adds.
        added = (0.0, 0.0) if impact is None or not np.isfinite(impact.extra_shortfall_t) \
            else (impact.extra_shortfall_t, impact.extra_objective)
        named.append(((np.inf, np.inf) if front or pid in struck else added, p, radius))
    for _, p, radius in sorted(named, key=lambda n: (n[0], -n[1]), reverse=True):
        front = net.place_kind[p] == "front"
        labeller.add(p, net.place_ids[p], names[p], *xy[p], radius,
                     "label label-front" if front else "label")
    parts.extend(labeller.parts)
    height = HEIGHT
    if labeller.key:  # names with no free spot are numbered: the key, under the map
        import textwrap

        key = "; ".join(f"{n} {name}" for n, _, name in labeller.key)
        for line in textwrap.wrap(key, KEY_CHARS, break_long_words=False,
                                  break_on_hyphens=False):
            height += 14
            parts.append(f'<text x="6" y="{height - 3:.0f}" font-size="10">{escape(line)}'
                         "</text>")
        height += 6
    parts[0] = (f'<rect width="{WIDTH + LEGEND_WIDTH:.0f}" height="{height:.0f}" '
                'fill="#f6f8fa"/>')
    parts.append(_cut_legend(WIDTH + 10, *_marks(net, res)))
    title = f"What cutting each route and place costs: {net.scenario.title}"
    return (f'<svg id="cut-map" class="map" viewBox="0 0 {WIDTH + LEGEND_WIDTH:.0f} '
            f'{height:.0f}" {size_style(WIDTH + LEGEND_WIDTH)} role="img" '
            f'aria-label="{escape(title)}" '
            'font-family="system-ui, sans-serif">'
            f"<title>{escape(title)}</title>{''.join(parts)}</svg>")


def _struck(net: Network, res: Resilience) -> set[str]:
    """The routes and places the cut map marks in red: those of the worst set found, as
    drawn (a route with no trip to draw has no line to strike)."""
    worst = _worst_impact(res)
    if worst is None:
        return set()
    drawn = {net.route_ids[int(r)] for r in np.unique(net.arc_route)} | set(net.place_ids)
    return set(worst.ids) & drawn


def _marks(net: Network, res: Resilience) -> tuple[bool, bool]:
    """Whether the cut map strikes a route of the worst set through, and rings a place of
    it (:func:`_struck`)."""
    struck = _struck(net, res)
    return (any(r in struck for r in net.route_ids),
            any(p in struck for p in net.place_ids))


def _marks_words(net: Network, res: Resilience) -> str:
    """The cut map's red marks in words, for its caption ('' where it draws none)."""
    routes, places = _marks(net, res)
    if routes and places:
        return "the worst cut set found is struck through (routes) and ringed (places) in red"
    if routes or places:
        return f"the worst cut set found is {'struck through' if routes else 'ringed'} in red"
    return ""


def _cut_legend(x0: float, routes: bool, places: bool) -> str:
    """The cut map's legend, a column at ``x0``: what each colour means, and each red mark
    drawn (``routes``: a route of the worst set struck through; ``places``: a place of it
    ringed)."""
    rows = [f'<text x="{x0:.0f}" y="24" font-size="12" font-weight="700">When cut</text>']
    y = 44.0

    def row(symbol: str, text: str) -> None:
        nonlocal y
        rows.append(symbol + f'<text x="{x0 + 38:.0f}" y="{y + 4:.0f}" font-size="11">'
                    f"{escape(text)}</text>")
        y += 22

    def line(colour: str, width: float, extra: str = "") -> str:
        return (f'<line x1="{x0:.0f}" y1="{y:.0f}" x2="{x0 + 28:.0f}" y2="{y:.0f}" '
                f'stroke="{colour}" stroke-width="{width:.1f}" stroke-linecap="round"{extra}/>')

    row(line(GREY, 1.5), "adds little or nothing")
    row(line(VIOLET, 3.0), "late, labour, unfed or undone")
    row(line(ORANGE, 3.5), f"adds {fmt(CRITICAL_T)} t short or more")
    row(line(DARK_ORANGE, 7.0), "over half the worst cut's")
    rows.append(f'<text x="{x0:.0f}" y="{y + 2:.0f}" font-size="11" fill="#555">'
                "(places ringed alike; wider:</text>")
    rows.append(f'<text x="{x0:.0f}" y="{y + 16:.0f}" font-size="11" fill="#555">'
                "adds more)</text>")
    y += 40
    cx = x0 + 14
    if routes:
        row(line(GREY, 3.0) + line(RED, 2.0, ' stroke-dasharray="6 4"')
            + f'<path d="M{cx - 6:.0f} {y - 6:.0f}L{cx + 6:.0f} {y + 6:.0f}M{cx - 6:.0f} '
            f'{y + 6:.0f}L{cx + 6:.0f} {y - 6:.0f}" stroke="{RED}" stroke-width="3"/>',
            "route in the worst set")
    if places:
        row(f'<circle cx="{cx:.0f}" cy="{y:.0f}" r="8" fill="none" stroke="{RED}" '
            'stroke-width="3"/>', "place in the worst set")
    row(f'<circle cx="{cx:.0f}" cy="{y:.0f}" r="6" fill="{FRONT}" stroke="#000" '
        'stroke-width="2"/>', "front")
    return "".join(rows)


def _more(res: Resilience, count: int, report: bool = False) -> str:
    """What a ranking cut at ``count`` rows leaves out, in words ('' when nothing): where all
    are, in the report (written with resilience.csv beside it) or on the terminal."""
    left = len(res.ranking) - count
    if left <= 0:
        return ""
    where = ("in resilience.csv, written beside this report" if report else
             "in resilience.csv, which --export DIR writes")
    return (f"{counted(left, 'more cut ranks', 'more cuts rank')} below these; all "
            f"{len(res.ranking)} are {where}.")


def _ranking_notes(res: Resilience, count: int) -> str:
    """Why rows of the first ``count`` read alike, in words ('' when none do): a cut that
    forbids the same trips as another has its figures, and one of what the plan does not
    use changes nothing (neither was solved again)."""
    shown = res.ranking[:count]
    rank = {i.ids: n for n, i in enumerate(res.ranking, start=1)}
    twins = [(n, rank.get(tuple(i.notes[-1].removeprefix(TWIN).split(" + "))))
             for n, i in enumerate(shown, start=1) if i.notes and i.notes[-1].startswith(TWIN)]
    unused = [n for n, i in enumerate(shown, start=1) if i.status == NOT_USED]
    said = []
    if twins:
        said.append("Rows that forbid the same trips as another have its figures: "
                    + words_and([f"{n} as {m}" if m else str(n) for n, m in twins]) + ".")
    if unused:
        said.append("Rows that cut what the plan does not use change nothing (nothing was "
                    "solved): " + words_and([str(n) for n in unused]) + ".")
    return " ".join(said)


def _ranking_rows(res: Resilience, count: int) -> list[list[object]]:
    return [[n, " + ".join(i.names), i.kind, _cell(i.extra_shortfall_t),
             _cell(i.extra_wounded_late), _cell(i.extra_labour_days), _cell(i.extra_eaten_t),
             _reserve(i)]
            for n, i in enumerate(res.ranking[:count], start=1)]


def _model_kg(w: WorstSet, best: Impact | None) -> float:
    """What the aggregated network leaves short with the set the row names cut (the model's
    worst where the full plan names none): the model's next sets cost less there than its
    worst, whose figure the row gave beside another set's name."""
    found = [kg for kg, i in w.confirmed if i is best]
    if found:
        return found[0]
    return w.model.shortfall_kg if w.model is not None else w.greedy_shortfall_kg


def _gap(w: WorstSet, kg: float) -> str:
    """The relative gap between a set's figure on the aggregated network and the model's
    bound, as HiGHS measures its own ((bound - found) / found): the MIP's for its worst set,
    and for a next set what the bound leaves above it (not the worst's 0 %); in the
    tables' numbers (:func:`fmt`: "130%", not "1.3e+02%"), "—" where the set leaves nothing
    short there."""
    m = w.model
    if m is None:
        return "—"
    if kg == m.shortfall_kg:
        gap = m.gap
    else:
        gap = (m.bound_kg - kg) / kg if kg > 0 else (0.0 if m.bound_kg <= 0 else np.inf)
    return f"{fmt(100 * gap, 2)}%" if np.isfinite(gap) else "—"


def _worst_rows(res: Resilience) -> list[list[object]]:
    rows: list[list[object]] = []
    for w in res.worst:
        best = w.worst
        m = w.model
        kg = _model_kg(w, best)
        rows.append([
            w.k, w.method,
            (" + ".join(best.names) or "none: no cut adds a shortfall") if best is not None
            else "—",
            _cell(best.extra_shortfall_t) if best is not None else "—",
            fmt(kg / 1000.0),
            fmt(m.bound_kg / 1000.0) if m is not None else "—",
            _gap(w, kg),
        ])
    return rows


def _worst_notes(res: Resilience) -> list[str]:
    """The worst sets' notes (:meth:`~supplyline.resilience.analysis.WorstSet.notes`, as the
    JSON gives them), each as a sentence that says its k."""
    return [f"At k = {w.k} {note}." for w in res.worst for note in w.notes(res.base.shortfall_t)]


def _uncut_words(res: Resilience) -> str:
    """The uncut plan's shortfall, and where the analysis took a coarser grid than the
    scenario's own, what that grid must go short of (:meth:`OwnGrid.headline`)."""
    if res.own_grid is None:
        return f"Uncut plan: {_cell(res.base.shortfall_t)} t short."
    return res.own_grid.headline()


def _sentence(note: str) -> str:
    """A note as a sentence: capital first, full stop last."""
    return note[:1].upper() + note[1:] + ("" if note.endswith(".") else ".")


RANKING_HEAD = ["#", "cut", "kind", "+short t", "+late p-d", "+labour d", "+eaten t",
                "stock"]
#: The columns of each table that hold numbers (right-aligned).
RANKING_NUMERIC = (0, 3, 4, 5, 6, 7)
WORST_NUMERIC = (0, 3, 4, 5, 6)
WORST_HEAD = ["k", "method", "worst set (full plan)", "+short t", "model t", "bound t",
              "gap"]


#: Between the routes and places of a set, in every sentence and table (names hold commas).
JOIN = " + "


def _called(res: Resilience, ids: Sequence[str]) -> str:
    """Routes and places by id (one id names one or the other: ``check`` refuses a route id
    that is a place's), as a reader calls them, joined by :data:`JOIN`; ids when the plan
    is not at hand."""
    if res.plan is None:
        return JOIN.join(ids)
    net = res.plan.network
    return JOIN.join(called(net, *split_cut(net, ids)))


def _attack_words(res: Resilience, cut: WorstCut) -> str:
    """An attacker's answer: its cuts, and why they are fewer than allowed when they are."""
    few = fewer_words(len(cut.ids), cut.k, cut.gap)
    return (_called(res, cut.ids) or "none") + (f"; {few}" if few else "")


def _defence_words(res: Resilience) -> str:
    """What the best protection buys, in a sentence ('' without one)."""
    d = res.defence
    if d is None:
        return ""
    worst = "the worst cut" if d.k == 1 else f"the worst {d.k} cuts"
    made = (("route", "routes") if res.worst_of == "routes" else
            ("route or place", "routes or places"))
    words = (f"With {counted(d.budget, *made)} made safe from "
             f"cutting, the best choice is {_called(res, d.protected) or 'none (no choice helps)'}"
             f": {worst} of the rest ({_attack_words(res, d.attack)}) "
             f"{'leaves' if d.k == 1 else 'leave'} {fmt(d.attack.shortfall_kg / 1e3)} t short "
             f"on the aggregated network, against {fmt(d.unprotected.shortfall_kg / 1e3)} t "
             # ("the same cuts" where there are some: of no cut at all it read as if
             # there were)
             "unprotected (" + ("the same cuts" if d.unprotected.ids == d.attack.ids
                                and d.attack.ids else _attack_words(res, d.unprotected))
             + ")")
    if res.defence_checked is not None:
        safe, open_ = res.defence_checked
        words += (f"; on the full plan +{_cell(safe.extra_shortfall_t)} t against "
                  f"+{_cell(open_.extra_shortfall_t)} t")
    # (what the aggregated network leaves out, and in a window that it has no time, is in
    # the notes, for the JSON as for the terminal and the report: aggregated_notes)
    return words + "."


def _allocation_words(res: Resilience) -> str:
    """Where the protection against the expected threats went, and what was left unplaced
    and why ('' without one)."""
    a = res.allocation
    if a is None:
        return ""
    left = "; ".join(f"{counted(units, *UNIT_WORDS[kind])} ({why})"
                     for kind, (units, why) in a.unplaced().items())
    if not a.picks:
        return ("No unit of protection lowers the plan's cost against the expected threats"
                + (f": {left}." if left else "."))
    placed = "; ".join(f"{kind} on {_called(res, [route])}" for kind, route, _, _ in a.picks)
    return (f"Protection against the expected threats, one unit at a time where it lowers "
            f"the plan's cost most: {placed}. Shortfall {fmt(a.base_shortfall_t)} t → "
            f"{fmt(a.shortfall_t)} t; the plan's cost (its objective, in the units of "
            f"policy.weights) {fmt(a.base_objective)} → {fmt(a.objective)}"
            + (f" ({a.objective / a.base_objective - 1:+.1%})" if a.base_objective > 0
               else "") + "." + (f" Not placed: {left}." if left else ""))


#: A unit of each kind of protection, one and many.
UNIT_WORDS = {"guards": ("guard post", "guard posts"),
              "air": ("air-defence unit", "air-defence units"),
              "repair": ("repair crew", "repair crews")}


SIMULATED_HEAD = ["plan", "runs", "P(short)", "mean short t", "planned t"]
#: The tables' titles, in the terminal and the report alike.
RANKING_TITLE = "Cut one at a time (worst first)"
WORST_TITLE = "Worst sets of k cuts"
#: What the ranking's columns say, under its table on a terminal.
RANKING_KEY = ("+short t: demand not met; +late p-d: the wounded's person-days beyond their "
               "limit; +labour d: labour-days; +eaten t: food and fuel eaten on the way (each "
               "more than the uncut plan); stock: days the fronts' stocks last once the cut "
               "begins, before they go shorter than in the uncut plan.")
SIMULATED_TITLE = "Re-checked by simulation (the plan made around each cut)"


def _simulated_rows(res: Resilience) -> list[list[object]]:
    """Each plan re-checked, its figures said as ``simulate`` says them (a value and its
    standard error to the same decimal place: :func:`~supplyline.report.risk._pm`)."""
    from supplyline.report.risk import _pm, percent

    return [[" + ".join(c.names or c.ids) or "uncut", f"{c.runs:,}",
             percent({"value": c.p_shortfall, "se": c.p_error}, c.runs)
             if np.isfinite(c.p_shortfall) else "—",
             _pm({"value": c.shortfall_t, "se": c.shortfall_error_t}, c.runs)
             if np.isfinite(c.shortfall_t) else "—",
             _cell(c.planned_shortfall_t)] for c in res.simulated]


def _simulated_title(res: Resilience) -> str:
    """The re-check's title, with the seed that reproduces it."""
    if res.simulated_seed is None:
        return SIMULATED_TITLE
    return SIMULATED_TITLE.removesuffix(")") + f"; seed {res.simulated_seed})"


def resilience_section(plan: Plan, context: ReportContext) -> Section | None:
    """The report section, when a :class:`Resilience` is in ``context.results``."""
    res = context.results.get("resilience")
    if not isinstance(res, Resilience):
        return None
    critical = [i for i in res.ranking if i.extra_shortfall_t >= CRITICAL_T]
    some = [i for i in res.ranking if i.extra_shortfall_t > 0.0005]  # half a kg: any at all
    when = ""
    if res.window_dates is not None:
        when = f" (cut from {res.window_dates[0]} to {res.window_dates[1]})"
    lesser = len(some) - len(critical)
    if res.own_grid is not None:
        lead = (f"<p><strong>{prose(_uncut_words(res))}</strong> This report's plan is "
                "the analysis's, on its coarser grid: "
                f"{prose('its figures are not those of `supplyline plan`.')}</p><p>")
    else:
        lead = f"<p>The uncut plan leaves {_cell(res.base.shortfall_t)} t short. "
    lead += (f"Of {len(res.ranking)} routes and places cut one at a time{escape(when)}, "
            f"{len(critical)} add {fmt(CRITICAL_T)} t of shortfall or more"
            + (f", and {lesser} add less" if lesser > 0 else "")
            + ".</p>")
    marks = _marks_words(plan.network, res)
    body = (lead
            + figure(cut_map(plan.network, res),
                     caption="Routes and places by what their cut adds: shortfall "
                     "(orange), or wounded late or labour without shortfall (violet)"
                     + (f"; {marks}" if marks else "") + ". Hover for the figures.")
            + f"<h3>{RANKING_TITLE}</h3>"
            + table("resilience-ranking", RANKING_HEAD, _ranking_rows(res, 30),
                    [n in RANKING_NUMERIC for n in range(len(RANKING_HEAD))])
            + f'<p class="note">{escape(RANKING_KEY)}</p>'
            + (f'<p class="note">{escape(_ranking_notes(res, 30))}</p>'
               if _ranking_notes(res, 30) else "")
            + (f'<p class="note">{escape(_more(res, 30, report=True))}</p>'
               if _more(res, 30) else "")
            + (f"<h3>{WORST_TITLE}</h3>" + table(
                "resilience-worst", WORST_HEAD, _worst_rows(res),
                [n in WORST_NUMERIC for n in range(len(WORST_HEAD))])
               + "".join(f'<p class="note">{escape(n)}</p>' for n in _worst_notes(res))
               if res.worst else "")
            + (f"<h3>{escape(_simulated_title(res))}</h3>" + table(
                "resilience-simulated", SIMULATED_HEAD, _simulated_rows(res),
                [False, True, True, True, True]) if res.simulated else "")
            + (f"<p>{escape(_defence_words(res))}</p>" if res.defence is not None else "")
            + (f"<p>{escape(_allocation_words(res))}</p>" if res.allocation is not None
               else "")
            + "".join(f"<p class=\"note\">{prose(_sentence(n))}</p>" for n in res.notes))
    return Section("resilience", "Resilience: what the plan hangs on", body, wide=True)


def resilience_html(res: Resilience, count: int = 10) -> str:
    """What a notebook shows of a resilience analysis (``Resilience._repr_html_``): the uncut
    plan, the first ``count`` cuts of the ranking, the worst sets, the protection and the
    notes, as the report's tables (without the map)."""
    when = (f" Each cut from {res.window_dates[0]} to {res.window_dates[1]}."
            if res.window_dates is not None else "")
    left = len(res.ranking) - count
    more = (f"<p>{counted(left, 'more cut ranks', 'more cuts rank')} below these: "
            "<code>to_frame()</code> has all.</p>" if left > 0 else "")
    return (f"<div><b>{escape(res.scenario)}</b>: {prose(_uncut_words(res))} "
            f"{escape(_solves_words(res))}{escape(when)}"
            f"<h4>{RANKING_TITLE}</h4>"
            + table("resilience-ranking", RANKING_HEAD, _ranking_rows(res, count),
                    [n in RANKING_NUMERIC for n in range(len(RANKING_HEAD))])
            + f"<p>{escape(RANKING_KEY)}</p>"
            + (f"<p>{escape(_ranking_notes(res, count))}</p>"
               if _ranking_notes(res, count) else "") + more
            + (f"<h4>{WORST_TITLE}</h4>" + table(
                "resilience-worst", WORST_HEAD, _worst_rows(res),
                [n in WORST_NUMERIC for n in range(len(WORST_HEAD))])
               + "".join(f"<p>{escape(n)}</p>" for n in _worst_notes(res))
               if res.worst else "")
            # (the notes speak of the protection from cutting where there is one: said)
            + (f"<p>{escape(_defence_words(res))}</p>" if res.defence is not None else "")
            + (f"<p>{escape(_allocation_words(res))}</p>" if res.allocation is not None
               else "")
            + "".join(f"<p>{prose(_sentence(n))}</p>" for n in res.notes)
            + "</div>")


#: What each step of the analysis solved (``Resilience.solves_by``, by the steps of
#: :data:`~supplyline.resilience.analysis.SOLVED_BY`), one and many.
SOLVED_WORDS = {
    "uncut": ("the uncut one", "the uncut one"),
    "cuts": ("cut of what the plan uses", "cuts of what the plan uses"),
    "worst": ("worst set", "worst sets"),
    "defence": ("best attack with or without the protection",
                "best attacks with and without the protection"),
    "protection": ("plan to place the protection", "plans to place the protection"),
    "simulated": ("cut simulated that no step before solved",
                  "cuts simulated that no step before solved"),
}


def _solves_words(res: Resilience) -> str:
    """How much planning the analysis took: the plans solved, and by which steps (a step
    whose plans were all solved before, as a worst set that is a single cut N-1 solved,
    solved none and is not named; a cut of what the plan never uses needs none), in
    words."""
    parts = [SOLVED_WORDS[by][0] if by == "uncut" else counted(n, *SOLVED_WORDS[by])
             for by in SOLVED_BY for n in [res.solves_by.get(by, 0)] if n > 0]
    return (f"{counted(res.solves, 'plan', 'plans')} solved in {res.seconds:.0f} s"
            + (f" ({words_and(parts)})." if parts else "."))


def print_resilience(res: Resilience, console: Console, count: int = 15) -> None:
    """The ranking and the worst sets as terminal tables that fit the console (numbers and ids
    never cut: see :class:`~supplyline.report.terminal.FitTable`)."""
    when = (f" Each cut from {res.window_dates[0]} to {res.window_dates[1]}."
            if res.window_dates is not None else "")
    console.print(inert(f"{_uncut_words(res)} {_solves_words(res)}{when}"))
    from supplyline.report.terminal import Column, FitTable

    ranking = FitTable(RANKING_TITLE, *(
        Column(head, numeric=n in RANKING_NUMERIC, prose=n == 1)
        for n, head in enumerate(RANKING_HEAD)))
    for row in _ranking_rows(res, count):
        ranking.add_row(*(str(c) for c in row))
    console.print(ranking)
    console.print(inert(RANKING_KEY))
    if _ranking_notes(res, count):
        console.print(inert(_ranking_notes(res, count)))
    if _more(res, count):
        console.print(inert(_more(res, count)))
    worst = FitTable(WORST_TITLE, *(
        Column(head, numeric=n in WORST_NUMERIC, prose=n == 2)
        for n, head in enumerate(WORST_HEAD)))
    for row in _worst_rows(res):
        worst.add_row(*(str(c) for c in row))
    if res.worst:
        console.print(worst)
        for note in _worst_notes(res):
            console.print(inert(note))
    if res.simulated:
        sim = FitTable(_simulated_title(res), *(
            Column(head, numeric=n > 0, prose=n == 0) for n, head in enumerate(SIMULATED_HEAD)))
        for row in _simulated_rows(res):
            sim.add_row(*(str(c) for c in row))
        console.print(sim)
    if res.defence is not None:
        console.print(inert(_defence_words(res)))
    if res.allocation is not None:
        console.print(inert(_allocation_words(res)))
    for note in res.notes:
        console.print(inert(f"Note: {note}."))


#: The stem of the exported ranking: ``resilience.csv``, and ``resilience.parquet`` with
#: pyarrow.
RANKING_STEM = "resilience"


def ranking_table(res: Resilience) -> pd.DataFrame:
    """The N-1 ranking as exported: ``rank`` (1: the worst), then the columns of
    :meth:`~supplyline.resilience.analysis.Resilience.to_frame`, figures as computed (the
    JSON's, to the last digit)."""
    frame = res.to_frame()
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame


def export_resilience(res: Resilience, directory: Path,
                      notify: Callable[[str], None] | None = None) -> list[Path]:
    """Write ``resilience.json`` and the ranking (:func:`ranking_table`) as
    ``resilience.csv``, and ``resilience.parquet`` when pyarrow is installed, into
    ``directory``; all or nothing, through the tables' one writer
    (:func:`~supplyline.report.export.write_table`: text cells a spreadsheet would run as a
    formula made inert). Without pyarrow ``notify`` is told so, and the Parquet file of an
    earlier export is removed (:func:`~supplyline.report.export.drop_stale_parquet`)."""
    from supplyline.report.export import (
        PARQUET_MISSING,
        drop_stale_parquet,
        parquet_available,
        write_table,
    )
    from supplyline.report.safe_write import output_files

    parquet = parquet_available()
    if not parquet and notify is not None:
        notify(PARQUET_MISSING)
    with output_files(Path(directory)) as files:
        with files.open("resilience.json") as handle:
            handle.write(res.to_json() + "\n")
        write_table(files, RANKING_STEM, ranking_table(res), parquet)
    if not parquet:  # (an earlier export's Parquet would stand beside the new CSV file)
        drop_stale_parquet(Path(directory), [RANKING_STEM], notify)
    return files.written
