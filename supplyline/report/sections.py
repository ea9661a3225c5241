"""The sections of the HTML report: one function each, ``(plan, context) -> Section | None``.

A section function returns ``None`` when it has nothing to show (no validation figures, no
simulation yet), and the page leaves it out; a section of the plan's own that finds nothing in
this plan (no demand to chart, no route used) returns :func:`left_out` instead: its heading
and one line saying why, so that no part of the report goes missing without a word. Adding
a section to the report (e.g. Monte Carlo risk once a simulation is at hand in
``context.results``) is writing one such function and listing it in :data:`SECTIONS`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

import numpy as np

from supplyline.plan.figures import (
    EATEN_ON_TRIPS,
    INITIAL_STOCK,
    deliveries_by_source,
    route_facts,
)
from supplyline.plan.metrics import MetricValue
from supplyline.plan.result import Plan
from supplyline.report import svg
from supplyline.report.facts import (
    FOOD_BURDEN_MEANS,
    LABOUR_BURDEN_MEANS,
    WOUNDED_MEANS,
    burden_bound,
    commodity_label,
    commodity_name,
    idle_carriers,
    input_words,
    left_out_words,
    mass_words,
    mode_labels,
    model_text,
    scenario_argument,
    stock_days,
    tonnes_of,
    tonnes_text,
    whole,
    wounded_rows,
)
from supplyline.report.map import draw_map
from supplyline.report.svg import Bubble, Marker, Series, colour, fmt
from supplyline.report.svg import percent as percent  # (the one rule for shares, read here)
from supplyline.units import as_written, days, said_date, words


@dataclass(frozen=True)
class Section:
    """One part of the report: an anchor ``id``, a heading and its HTML body (already
    escaped). ``wide`` sections span the page; others may sit two abreast."""

    id: str
    title: str
    html: str
    wide: bool = False


@dataclass(frozen=True)
class ReportContext:
    """What a section may read besides the plan.

    Attributes
    ----------
    validation:
        Model-vs-history figures (:func:`supplyline.plan.validate`), when given.
    results:
        Results of later capabilities by name (e.g. ``"simulation"``, ``"resilience"``), for
        the sections that show them.
    scenario:
        The scenario as the command that made the page was given it (``./short.yaml``), for
        the commands the page suggests; None in Python, where they name it by
        :func:`~supplyline.report.facts.scenario_argument`'s rule.
    """

    validation: Sequence[MetricValue] | None = None
    results: Mapping[str, Any] = field(default_factory=dict)
    scenario: str | None = None


SectionFunction = Callable[[Plan, ReportContext], Section | None]


#: Routes that delivered less than this share of the busiest route's tonnes are left out of
#: the eaten-on-the-way chart.
MINOR_ROUTE_SHARE = 0.01


# ------------------------------------------------------------------------------- helpers
@dataclass(frozen=True)
class Raw:
    """A table cell that is markup built here (e.g. a badge), inserted without escaping."""

    html: str


#: A column of text whose longest cell has this many characters or more is a column of names:
#: it keeps a readable width (``td.name``) where the table scrolls sideways anyway, instead of
#: a word or two a line. A header this short or shorter ("+short t") is not wrapped.
NAME_CHARS = 24
SHORT_HEADER = 10


def _classes(**on: bool) -> str:
    """The CSS classes whose flag is set, as a ``class`` attribute holds them."""
    return " ".join(name for name, flag in on.items() if flag)


def table(table_id: str, headers: Sequence[str], rows: Sequence[Sequence[Any]],
          numeric: Sequence[bool] | None = None, scroll: bool = False) -> str:
    """An HTML table: cells are escaped (floats formatted with :func:`svg.fmt`), except
    :class:`Raw` ones. Columns of long names (:data:`NAME_CHARS`) keep a readable width, and
    short headers (:data:`SHORT_HEADER`) stay on one line."""
    numeric = numeric or [False] * len(headers)
    names = [k > 0 and not n and any(isinstance(row[k], str) and len(row[k]) >= NAME_CHARS
                                     for row in rows)
             for k, n in enumerate(numeric)]  # (the first column is a name already: CSS)
    head = "".join(
        f'<th class="{_classes(num=n, short=len(h) <= SHORT_HEADER)}">{escape(h)}</th>'
        for h, n in zip(headers, numeric, strict=True))
    body = []
    for row in rows:
        cells = []
        for value, is_num, name in zip(row, numeric, names, strict=True):
            if isinstance(value, Raw):
                text = value.html
            elif isinstance(value, float):
                text = escape(fmt(value))
            else:
                text = escape(str(value))
            css = "num" if is_num else "name" if name else ""
            cells.append(f'<td class="{css}">{text}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    markup = (f'<table id="{escape(table_id)}"><thead><tr>{head}</tr></thead>'
              f"<tbody>{''.join(body)}</tbody></table>")
    return f'<div class="{"table-scroll" if scroll else "table-wrap"}">{markup}</div>'


def figure(chart: str, legend: str = "", caption: str = "") -> str:
    """A chart with its legend and a short reading guide. The chart sits in a box that
    scrolls sideways where the screen is narrower than the chart's smallest readable size
    (:func:`svg.size_style`)."""
    note = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return f'<figure><div class="scroll-x">{chart}</div>{legend}{note}</figure>'


def day_date(plan: Plan, day: int) -> str:
    """The date of day ``day`` of the plan, e.g. '7 May 1954'."""
    return said_date(plan.network.scenario.start_date + dt.timedelta(days=day))


def prose(text: str) -> str:
    """Words as HTML: escaped, a `command` in code, each of its words kept whole (never
    broken at a hyphen) and the command wrapped between them where it is wider than the line
    (`supplyline report dien-bien-phu-1954 --replay historical` on a phone: the page's
    ``code.words``), in the report's header and its sections alike."""
    def command(found: re.Match[str]) -> str:
        words = " ".join(f'<span class="nowrap">{word}</span>'
                         for word in found.group(1).split(" ") if word)
        return f'<code class="words">{words}</code>'

    return re.sub(r"`([^`<>]+)`", command, escape(text))


def left_out(plan: Plan, section_id: str, title: str, part: str,
             wide: bool = False) -> Section:
    """A section of the report that has nothing to show for this plan: its heading and one
    line saying why (:func:`~supplyline.report.facts.left_out_words`, as the terminal says
    it), in place of a chart or table that would be empty."""
    why = escape(left_out_words(plan, part))
    return Section(section_id, title,
                   f'<p class="note left-out" id="{section_id}-left-out">{why}</p>', wide=wide)


def horizon_words(plan: Plan) -> str:
    """What the plan's dates span, as the terminal's first line and the report's header say
    it in brackets after them: its days, that they are the first of the scenario's where
    ``--days`` cut them ('10 days, the first of the scenario's 30': a description of the
    whole horizon precedes them), and its steps where it has them."""
    first = (f", the first of the scenario's {plan.whole_days}"
             if plan.whole_days is not None else "")
    steps = plan.steps_description()
    return days(plan.days) + first + (f", {steps}" if steps else "")


# ------------------------------------------------------------------------------ sections
def map_section(plan: Plan, context: ReportContext) -> Section:
    """The network map: where things were given, carried and received; the places it names
    by number, and the routes' closures and threats."""
    drawing = draw_map(plan)
    extra = ""
    if drawing.numbered:
        items = "".join(f"<li><b>{n}</b> {escape(name)}</li>" for n, name in drawing.numbered)
        extra += f'<ul class="map-key" id="map-key">{items}</ul>'
    if drawing.hazards:
        items = "".join(f"<li>{escape(line)}</li>" for line in drawing.hazards)
        extra += (f'<div class="hazards" id="map-hazards"><b>Closures and threats</b>'
                  f"<ul>{items}</ul></div>")
    body = figure(
        drawing.svg, extra,
        caption="Line width shows the tonnes carried over each route (both ways); colour the "
        "mode that carried most; the arrow the main direction. Routes used to their capacity "
        "on at least one day (chokepoints) glow orange; a red dotted centre line marks air "
        "strikes or raids, a red no-entry sign a closure (dates above and on hover); dashed "
        "grey routes carried nothing. Routes between the same two places are drawn bowed "
        "apart, and a route that would run through a place it does not end at bends around "
        "it. Names that find no room are numbered and listed under the map."
        + (" The crowded area around the front (dashed frame) is magnified in the inset, "
           "where its places are named." if 'id="map-inset"' in drawing.svg else "")
        + " Hover over a route or place for its figures.",
    )
    return Section("map", "Network and flows", body, wide=True)


def stock_section(plan: Plan, context: ReportContext) -> Section | None:
    """Stock at the fronts in days of supply, with the reserve targets: one small chart per
    good (small multiples), each on its own scale, so that one good's peaks do not flatten
    another's line; one line per front in each. Each point is the stock at the end of a step,
    drawn at the step's last day; a reserve target is drawn where the plan holds it, at the
    end of the step that holds its date, and told as the scenario asks it."""
    lines = stock_days(plan)
    if not lines:
        return left_out(plan, "stock", "Front stock", "stock")
    stepped = bool(plan.steps_description())
    last_day = plan.network.grid.end
    fronts = sorted({line.front for line in lines})
    goods = sorted({line.good for line in lines})
    # One good: one chart of the usual size; more: small charts side by side.
    small: dict[str, Any] = ({"width": 300.0, "height": 190.0, "max_ticks": 4}
                             if len(goods) > 1 else {})
    charts, any_target = [], False
    for g in goods:
        series, markers = [], []
        for line in (x for x in lines if x.good == g):
            c = colour(fronts.index(line.front))
            series.append(Series(line.label, line.days_of_supply, c))
            for (step, wanted), reserve in zip(line.targets, line.reserves, strict=True):
                day = int(last_day[step])
                held = float(plan.stock_kg[line.front, line.good, step])
                held = 1000.0 * tonnes_of(held)  # (to the kg, as the tables: crumbs are none)
                when = (f" (checked at the end of its step, {day_date(plan, day)})"
                        if day != reserve.by else "")
                days = f"{fmt(reserve.days)} day{'' if reserve.days == 1 else 's'}"
                markers.append(Marker(
                    float(day), wanted, c,
                    f"reserve target {line.label}: {days} of supply by "
                    f"{day_date(plan, reserve.by)}, {mass_words(reserve.kg)}{when}; the "
                    f"plan holds {mass_words(held)}"))
        any_target = any_target or bool(markers)
        name = commodity_name(plan, g)
        good_id = plan.network.commodity_ids[int(plan.goods[g])]
        chart = svg.time_chart(f"chart-stock-{good_id}", f"{name}: front stock in days of "
                               "supply", plan.network.scenario.start_date, series,
                               "days of supply", markers=markers, days=last_day, **small)
        charts.append(f'<div class="multiple"><h3>{escape(commodity_label(plan, g))}</h3>'
                      f"{chart}</div>")
    # Which front each line is, also when there is one front.
    items = [(colour(i), plan.network.place_label(p), "line")
             for i, p in enumerate(fronts)]
    if any_target:
        items.append(("#555", "reserve target", "diamond"))
    css = "multiples" if len(goods) > 1 else "multiples one"
    body = f'<div class="{css}" id="chart-stock">{"".join(charts)}</div>'
    when = ("Stock held at the front at the end of each step of the plan, drawn at the "
            "step's last day, divided by the step's mean daily demand"
            if stepped else "Stock held at the front at the end of each day, divided by "
            "that day's demand")
    targets = (" Diamonds are the reserve targets: the days of supply asked for, of the "
               "demand on their date"
               + (", which the plan holds at the end of the step that holds that date"
                  if stepped else "") + "; a line below a diamond is a missed target."
               if any_target else "")
    return Section("stock", "Front stock", figure(
        body, svg.legend(items),
        f"{when}: how many days the front could eat if supply stopped; one chart per good, "
        f"each on its own scale.{targets}"))


def deliveries_section(plan: Plan, context: ReportContext) -> Section | None:
    """What the fronts consumed each day, by the region that gave it: drawn step by step
    (a plan made in steps knows a step's total, not its days)."""
    parts = deliveries_by_source(plan)
    if not parts:
        return left_out(plan, "deliveries", "Deliveries by source region", "deliveries")
    series, items = [], []
    for i, (label, daily_kg) in enumerate(parts):
        c = "#9e9e9e" if label == INITIAL_STOCK else colour(i)
        total = float(daily_kg.sum() / 1000.0)
        series.append(Series(label, daily_kg / plan.step_length / 1000.0, c,
                             note=f": {tonnes_text(total)} t in all"))
        # (consumed, not given: the headline's card beside it says what each region gave)
        items.append((c, f"{label} ({tonnes_text(total)} t consumed)", "box"))
    demand = plan.demand_kg[plan.network.is_front].sum(axis=(0, 1)) / plan.step_length / 1000.0
    overlay = [Series("demand", demand, "#000", dashed=True)]
    items.append(("#000", "demand", "dash"))
    chart = svg.time_chart("chart-deliveries", "Deliveries per day by source region",
                           plan.network.scenario.start_date, series, "t per day", stacked=True,
                           overlay=overlay, days=plan.step_start,
                           last_days=plan.network.grid.end)
    steps = (" In a plan made in steps, each step shows its mean per day."
             if plan.steps_description() else "")
    return Section("deliveries", "Deliveries by source region", figure(
        chart, svg.legend(items),
        "What the fronts consumed each day, split by the region whose localities gave it "
        "(traced through every depot, stocks taken as well mixed). A gap below the dashed "
        f"demand line is a shortfall.{steps}"))


def carriers_section(plan: Plan, context: ReportContext) -> Section | None:
    """Carriers in service each day, by mode: one line for every mode of the headline's
    fleet (``Plan.fleet_needed``: a mode the plan uses only crumbs of is in neither), its
    legend giving the same whole numbers."""
    net = plan.network
    in_use = plan.units_in_use()
    needed = plan.fleet_needed()
    fleet = [int(m) for m in np.argsort(-needed, kind="stable") if needed[m] > 0]
    if not fleet:
        return left_out(plan, "carriers", "Carriers in use", "carriers")
    peaks = {m: float(in_use[m].max()) for m in fleet}
    log_y = max(peaks.values()) / min(peaks.values()) > 50
    # A log axis starts at the power of ten below the smallest mode's peak: every mode of
    # the fleet shows, a fraction of a unit too.
    floor = 10.0 ** math.floor(math.log10(min(peaks.values())))
    series = [Series(net.mode_name(m), in_use[m], colour(m),
                     note=f": {fmt(float(needed[m]))} needed") for m in fleet]
    items = [(colour(m), f"{net.mode_label(m)}: {fmt(float(needed[m]))} "
              "needed", "line") for m in fleet]
    chart = svg.time_chart("chart-carriers", "Carriers in use by mode",
                           net.scenario.start_date, series,
                           "units in use" + (" (log scale)" if log_y else ""), log_y=log_y,
                           log_floor=floor, days=plan.step_start,
                           last_days=net.grid.end)
    idle = "".join(f"<li>{escape(i.sentence)}</li>" for i in idle_carriers(plan))
    note = f'<ul class="idle" id="idle-carriers">{idle}</ul>' if idle else ""
    # (only a plan from a State can leave carriers where none of their food is to be had)
    unfed = float(plan.waiting_rations_kg(unfed=True).sum()) >= 0.5
    eat = ("all of them eat, but for carriers a starting State left where the plan has them "
           "go without" if unfed else "all of them eat")
    return Section("carriers", "Carriers in use", figure(
        chart, svg.legend(items),
        "Units of each mode mobilized each day, whether moving loaded, returning empty or "
        f"waiting at a place ({eat}). The lines are the plan's units, fractions "
        "included; the number needed is the most in service at once, in whole units, as in "
        "the headline.") + note)


def wounded_section(plan: Plan, context: ReportContext) -> Section | None:
    """What became of the wounded, where the scenario has wounded flows: the summary's rows
    (:func:`~supplyline.report.facts.wounded_rows`, of :meth:`Plan.wounded_figures`)."""
    figures = plan.wounded_figures()
    if figures is None:
        return None
    rows = wounded_rows(plan, figures)
    body = table("table-wounded", ["", "persons"], [list(row) for row in rows])
    note = (f'<p class="note">{escape(WOUNDED_MEANS[0].upper() + WOUNDED_MEANS[1:])}.</p>'
            if len(rows) > 1 else "")  # (not under "none to bring to a hospital")
    return Section("wounded", "Wounded", body + note)


def eaten_section(plan: Plan, context: ReportContext) -> Section | None:
    """What carriers ate on each route against what it delivered, by route length."""
    net = plan.network
    facts = route_facts(plan)
    bubbles = []
    # Routes that delivered next to nothing (e.g. only wounded on the way back) would show
    # huge ratios of no consequence: they are left out.
    shown = facts.arrived_t > max(1e-6, MINOR_ROUTE_SHARE * float(facts.arrived_t.max(initial=0)))
    for r in np.nonzero(shown)[0]:
        delivered, eaten = float(facts.arrived_t[r]), float(facts.eaten_t[r])
        main = int(facts.main_mode[r])
        bubbles.append(Bubble(
            float(facts.length_km[r]), 100.0 * eaten / delivered, delivered, colour(main),
            f"{net.route_names[int(r)]}: {fmt(float(facts.length_km[r]))} km, "
            f"{tonnes_text(delivered)} t arrived, {tonnes_text(eaten)} t eaten or burned on the "
            f"way ({net.mode_name(main)})"))
    if not bubbles:
        return left_out(plan, "eaten", "Food eaten on the way", "eaten")
    modes = sorted({int(m) for m in facts.main_mode[shown]})
    items = [(colour(m), net.mode_label(m), "dot") for m in modes]
    chart = svg.scatter_chart("chart-eaten", "Food eaten on the way against what arrived, "
                              "by route length", bubbles, "route length (km)",
                              "eaten or burned, % of what arrived")
    return Section("eaten", "Food eaten on the way", figure(
        chart, svg.legend(items),
        "Each bubble is a route; its area shows the tonnes that arrived over it. Height: rations "
        "and fuel drawn for its trips (loaded out and empty back) as a share of what arrived. "
        "Longer stages cost more; relays keep stages short. Routes that delivered less than "
        f"{fmt(100 * MINOR_ROUTE_SHARE)}% of the busiest one are left out."))


def burden_section(plan: Plan, context: ReportContext) -> Section | None:
    """Food and labour burden per locality against the fairness bound."""
    net = plan.network
    food, labour = plan.burden()
    localities = [int(p) for p in np.nonzero(net.is_locality)[0]]
    if not localities:
        return left_out(plan, "burden", "Burden per locality", "localities", wide=True)
    shown = [int(p) for p in plan.most_burdened() if net.is_locality[p]][:30]
    bound, bound_label = burden_bound(plan)
    labels = [net.place_names[p] for p in shown]
    groups = [Series("food", food[shown], "#e69f00"), Series("labour", labour[shown], "#0072b2")]
    chart = svg.bar_chart("chart-burden", "Burden per locality", labels, groups,
                          "share of what it could give", bound=bound, bound_label=bound_label,
                          percent=True, width=1100)
    items = [("#e69f00", "food given / could give", "box"),
             ("#0072b2", "persons serving / labour pool", "box"),
             ("#c00", f"{bound_label}: {percent(bound)}", "dash")]
    more = (f" The {len(shown)} most burdened of {len(localities)} localities are shown."
            if len(localities) > len(shown) else "")
    return Section("burden", "Burden per locality", figure(
        chart, svg.legend(items),
        f"{FOOD_BURDEN_MEANS.capitalize()}, and {LABOUR_BURDEN_MEANS}." + more), wide=True)


def mobilization_section(plan: Plan, context: ReportContext) -> Section | None:
    """The mobilization table: what each locality gave, sorted by tonnes given."""
    net = plan.network
    localities = [int(p) for p in np.nonzero(net.is_locality)[0]]
    if not localities:
        return left_out(plan, "mobilization", "Mobilization per locality", "localities",
                        wide=True)
    given = plan.mobilized_kg()  # [P, G]
    could = plan.could_give_kg
    goods = [g for g in range(len(plan.goods))
             if could[localities, g].sum() > 0 or given[localities, g].sum() > 0]
    food, labour = plan.burden()
    crews, road = plan.persons_serving()  # (as the labour burden counts them)
    on_roads = bool((road > 0).any())
    order = sorted(localities, key=lambda p: (-float(given[p].sum()), net.place_ids[p]))
    headers = ["locality", "regions",
               *(f"{commodity_label(plan, g)} given (t)" for g in goods),
               "persons serving", *(["of them on road works"] if on_roads else []),
               "labour pool", "food burden", "labour burden"]
    rows = [
        [net.place_name(p), Raw(", ".join(f'<span class="nowrap">{escape(tag)}</span>'
                                          for tag in sorted(net.place_regions[p]))),
         *(tonnes_of(float(given[p, g])) for g in goods),
         float(whole(float(crews[p] + road[p]))),
         *([float(whole(float(road[p])))] if on_roads else []),
         float(plan.labour_pool[p]), percent(float(food[p])), percent(float(labour[p]))]
        for p in order
    ]
    numeric = [False, False, *([True] * (len(goods) + 4 + on_roads))]
    body = table("table-mobilization", headers, rows, numeric, scroll=len(rows) > 15)
    # (28 persons of 500 beside a burden of 5.45 %: the persons are rounded up, the burden
    # is of those the plan counts)
    body += ("<p class=\"note\">Persons serving: the crews of the units each locality put "
             "into service" + (", and its road workers (their person-days over the days a "
                               "person may serve)" if on_roads else "")
             + ", rounded up to whole persons; the labour burden is the persons the plan "
               "counts, before rounding, over the labour pool.</p>")
    return Section("mobilization", "Mobilization per locality", body, wide=True)


def busiest_words(plan: Plan) -> str:
    """Which routes the busiest-routes table holds, in words: those that carried most of
    the routes that carried anything (``Plan.busiest_routes``: at most its count, none whose
    cargo is the solver's crumbs), said as "The 8 routes that carried most, of the 19 that
    carried anything (25 in all)", or "The 6 routes that carried anything (the other 2
    carried nothing)"."""
    net = plan.network
    shown = len(plan.busiest_routes())
    carried = len(plan.busiest_routes(len(net.route_ids)))
    routes = len(net.route_ids)
    if shown < carried:
        return (f"The {shown} routes that carried most, of the {carried} that carried anything"
                + (f" ({routes} in all)" if carried < routes else ""))
    if carried == routes:
        return f"All {routes} routes" if routes > 1 else "The one route"
    rest = routes - shown
    return (f"The {shown} route{'s' if shown > 1 else ''} that carried anything (the other "
            + (f"{rest} carried nothing)" if rest > 1 else "one carried nothing)"))


def routes_section(plan: Plan, context: ReportContext) -> Section | None:
    """The busiest routes (:meth:`Plan.busiest_routes`, as the terminal and the JSON list
    them)."""
    net = plan.network
    facts = route_facts(plan)
    busiest = plan.busiest_routes()
    if not busiest:
        return left_out(plan, "routes", "Busiest routes", "routes", wide=True)
    headers = ["route", "from → to", "km", "modes", "main mode", "t forward", "t back",
               "t arrived", EATEN_ON_TRIPS, "days at capacity"]
    rows = [
        [net.route_names[r],
         f"{net.place_name(int(facts.start[r]))} → {net.place_name(int(facts.end[r]))}",
         float(facts.length_km[r]), mode_labels(plan, facts.modes[r]),
         net.mode_label(int(facts.main_mode[r])),
         *(tonnes_of(1000.0 * float(t[r])) for t in (facts.forward_t, facts.back_t,
                                                     facts.arrived_t, facts.eaten_t)),
         int(facts.at_capacity_days[r])]
        for r in busiest
    ]
    numeric = [False, False, True, False, False, True, True, True, True, True]
    caption = (f"<p class=\"note\">{escape(busiest_words(plan))}, by tonnes dispatched; "
               "forward is the direction shown. t arrived: what reached the far end, both "
               "ways, after the expected losses to strikes and raids. "
               # (the columns by their headers: "Drawn on trips" named none of them)
               f"{escape(EATEN_ON_TRIPS)}: the food and fuel the trips over the route drew, "
               "loaded and empty (the rations of units waiting and of crews belong to no "
               "route, and "
               "fuel is burned, not eaten: so these do not add up to the plan's eaten on the "
               "way). Days at capacity: days on which the route was used to "
               "its capacity (after expected damage) in some direction.</p>")
    return Section("routes", "Busiest routes", table("table-routes", headers, rows, numeric)
                   + caption, wide=True)


def balance_section(plan: Plan, context: ReportContext) -> Section:
    """Where every tonne went, per good."""
    balance = plan.balance_kg()
    keys = ["initial", "mobilized", "consumed", "eaten", "burned", "spoiled", "lost",
            "final_stock"]
    headers = ["good", "initial stock", "mobilized", "consumed at fronts",
               "eaten on the way", "fuel burned", "spoiled", "destroyed", "stock at end"]
    rows = [[commodity_label(plan, g),
             *(tonnes_of(float(balance[k][g])) for k in keys)] for g in range(len(plan.goods))]
    note = ("<p class=\"note\">Tonnes. Initial stock + mobilized = consumed + eaten + burned + "
            "spoiled + destroyed + stock at end.</p>")
    return Section("balance", "Where the goods went",
                   table("table-balance", headers, rows, [False, *([True] * 8)]) + note,
                   wide=True)


def validation_section(plan: Plan, context: ReportContext) -> Section | None:
    """Model against history, when validation figures are given (where the scenario has
    some for the plan but none are given, the header says why: :func:`validation_left_out`)."""
    if not context.validation:
        return None
    headers = ["figure", "model", "history", "unit", "tolerance", "compare", "source", "result"]
    rows = []
    for v in context.validation:
        if v.is_input:
            badge = f'<span class="badge" title="{escape(input_words(v))}">input</span>'
        elif v.undefined_reason:
            badge = (f'<span class="badge" title="{escape(v.undefined_reason)}">undefined'
                     '</span>')
        elif v.passed:
            badge = '<span class="badge pass">pass</span>'
        else:
            badge = '<span class="badge fail">fail</span>'
        label = f"{v.id}: {v.description}" if v.description else v.id
        # (the record's figures as written; the model's to the digits that tell them apart)
        model = "—" if v.undefined_reason else model_text(v)
        rows.append([label, model, as_written(v.value), words(v.unit), as_written(v.tolerance),
                     v.compare.replace("_", " "), v.source, Raw(badge)])
    computed = [v for v in context.validation if v.tested]
    passed = sum(v.passed is True for v in computed)
    inputs = [v for v in context.validation if v.is_input]
    summary = ('<p class="note">' + (
        f"{passed} of {len(computed)} historical figures computed by the model reproduced "
        "within their tolerance." if computed else  # (as the terminal: no verdict of none)
        "No historical figure is computed by the model here, so none is tested."))
    if inputs:
        summary += (" Set by the scenario's inputs, shown but not tested: "
                    + "; ".join(f"{escape(v.id)} ({escape(input_words(v))})" for v in inputs)
                    + ".")
    undefined = [v for v in context.validation if v.undefined_reason]
    if undefined:
        summary += (" Undefined in this plan, not tested: "
                    + "; ".join(f"{escape(v.id)} ({escape(v.undefined_reason)})"
                                for v in undefined) + ".")
    parts = [v for v in computed if v.from_inputs]
    if parts:
        summary += (" Computed, but partly from the inputs: "
                    + "; ".join(f"{escape(v.id)}, {escape(fmt(v.from_inputs))} "
                                f"{escape(words(v.unit))} of it ({escape(v.from_inputs_reason)})"
                                for v in parts) + ".")
    summary += "</p>"
    return Section("validation", "Model against history", summary + table(
        "table-validation", headers, rows,
        [False, True, True, False, True, False, False, False]), wide=True)


def validation_left_out(plan: Plan, scenario: str | None = None) -> str:
    """Why a page that compares none of the scenario's historical figures with the plan
    leaves them out, in words with `commands` marked ('' where the scenario has none for this
    plan: its replay's, or the plain plan's): a plan of the first days (``--days``) or from a
    State is not compared with figures of the whole horizon, and a report may be given no
    comparison. ``scenario``: the scenario as the command was given it, which the command
    the words suggest names (:func:`~supplyline.report.facts.scenario_argument`)."""
    observed = plan.network.scenario.observed
    count = sum(o.replay == plan.replay for o in observed)
    if not count:
        return _figures_of_other_plans(plan, scenario)
    which = (f"{'one historical figure' if count == 1 else f'{count} historical figures'} "
             + (f"for the replay {plan.replay}" if plan.replay else "for the plain plan"))
    them = "it" if count == 1 else "them"
    if plan.whole_days is not None:
        return (f"This plan covers the first {days(plan.days)} of the scenario's "
                f"{plan.whole_days}, and its {which} {'is' if count == 1 else 'are'} of the "
                f"whole horizon: this report does not compare {them} with the plan.")
    if plan.from_state:  # (sl.validate refuses it too)
        return (f"This plan starts from a State, and the scenario's {which} "
                f"{'is' if count == 1 else 'are'} of its horizon from its own start: this "
                f"report does not compare {them} with the plan.")
    # A plan of the whole horizon, given to the report without its comparison.
    return (f"The scenario has {which}, which this report was not given to compare with "
            f"the plan: `supplyline report` compares {them}, and in Python "
            f"`supplyline.report.write_report(plan, path, validation=sl.validate(plan))`.")


def _figures_of_other_plans(plan: Plan, scenario: str | None = None) -> str:
    """Where the scenario's historical figures are all of plans other than this one (the
    built-in scenario's are of its replay `historical`, and its plain plan's report had
    said nothing of them): which, and the command that compares them ('' where it has
    none)."""
    sc = plan.network.scenario
    names = list(dict.fromkeys(o.replay for o in sc.observed))
    if not names:
        return ""
    count = len(sc.observed)
    which = "one historical figure" if count == 1 else f"{count} historical figures"
    plans = [f"the replay {name}" if name else "the plain plan" for name in names]
    source = scenario_argument(plan, scenario)
    how = [f"`supplyline report {source} --replay {name}`" if name else
           f"`supplyline report {source}`" for name in names]
    return (f"The scenario's {which} {'is' if count == 1 else 'are'} of "
            f"{' and '.join(plans)}, not of this plan: {' and '.join(how)} "
            f"{'compares' if len(how) == 1 else 'compare'} "
            f"{'it' if count == 1 else 'them'} with the record.")


#: The report's sections in page order. Later capabilities add theirs here.
def resilience_section(plan: Plan, context: ReportContext) -> Section | None:
    """What the plan hangs on, when a resilience analysis is in ``context.results``
    (see :mod:`supplyline.report.resilience`)."""
    from supplyline.report.resilience import resilience_section as section

    return section(plan, context)


SECTIONS: list[SectionFunction] = [
    map_section,
    deliveries_section,
    stock_section,
    carriers_section,
    wounded_section,
    eaten_section,
    burden_section,
    mobilization_section,
    routes_section,
    balance_section,
    validation_section,
    resilience_section,
]
