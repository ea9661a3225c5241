"""The HTML report: one self-contained file that opens offline in any browser.

Charts and the map are inline SVG, the styling is inline CSS with the system's fonts, and the
page needs no script: hover text comes from SVG ``<title>`` elements and navigation from plain
anchors. Sections come from :data:`supplyline.report.sections.SECTIONS`.

>>> import supplyline as sl
>>> from pathlib import Path
>>> from supplyline.report.html import write_report
>>> write_report(sl.plan(sl.load("tutorial")), Path("report.html"))  # doctest: +SKIP
PosixPath('report.html')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

import numpy as np

from supplyline import __version__
from supplyline.plan.figures import given_t, source_groups
from supplyline.plan.kpis import Kpis
from supplyline.plan.metrics import MetricValue
from supplyline.plan.result import Plan
from supplyline.report.facts import (
    demand_short,
    gave_up_words,
    not_looked_for,
    persons_text,
    replay_days_note,
    shortfall_words,
    shortfalls,
    step_note,
    time_words,
    tonnes_text,
)
from supplyline.report.risk import risk_search_section, risk_section
from supplyline.report.safe_write import output_files
from supplyline.report.sections import (
    SECTIONS,
    ReportContext,
    Section,
    SectionFunction,
    day_date,
    horizon_words,
    percent,
    prose,
    validation_left_out,
)
from supplyline.report.svg import fmt
from supplyline.text import NO_BREAK
from supplyline.units import days

__all__ = ["render_report", "write_report"]

#: The sheet a printed report is laid out on (the PDF, or a browser's print): A4, with these
#: margins (top and bottom, left and right). Its text is 186 mm (703 CSS px) wide.
PAGE_SIZE = "A4"
PAGE_WIDTH_MM = 210.0
PAGE_MARGIN_MM = (14.0, 12.0)

#: Print: what scrolls sideways on a screen fits the page instead, since paper does not
#: scroll. Charts and the map shrink to the page's width (their inline ``min-width``, the
#: smallest readable size on a screen, does not hold there), tables take a smaller font, wrap
#: their names and keep no minimum widths. A heading stays with what follows it; a figure,
#: a card or a table of a dozen rows or fewer is not split over two pages (a longer table
#: breaks between rows). The footer is small, so as not to end up alone on a last page.
PRINT_CSS = f"""
@page {{ size: {PAGE_SIZE}; margin: {PAGE_MARGIN_MM[0]:g}mm {PAGE_MARGIN_MM[1]:g}mm; }}
@media print {{
  body {{ font-size: 13px; }}
  main {{ max-width: none; padding: 0; }}
  .sections {{ display: block; }}
  section h2 {{ margin-top: 16px; }}
  h1, h2, h3 {{ break-after: avoid; }}
  figure, .kpi, .findings, ul.legend, tr, .multiple {{ break-inside: avoid; }}
  .table-wrap:not(:has(tr:nth-child(13))) {{ break-inside: avoid; }}
  svg.chart, svg.map {{ width: 100%; min-width: 0 !important; }}
  .scroll-x, .table-wrap, .table-scroll {{ overflow: visible; max-height: none; background: none; }}
  .table-scroll {{ border: 0; }}
  table {{ font-size: 10.5px; }}
  th, td {{ padding: 3px 4px; }}
  th {{ position: static; }}
  td:first-child:not(.num), td.name {{ min-width: 0; }}
  td.num {{ white-space: normal; }}
  footer {{ margin-top: 8px; padding-top: 4px; font-size: 11px; break-before: avoid; }}
}}
"""

#: The first tags of every page the reports write: its encoding, and a phone's viewport (a
#: page without it is laid out at a desktop's width and shrunk, its text too small to read).
HEAD_META = ('<meta charset="utf-8">'
             '<meta name="viewport" content="width=device-width, initial-scale=1">')

CSS = """
:root { --ink: #1f2933; --muted: #5f6b7a; --line: #dde3ea; --bg: #ffffff; --panel: #f6f8fa;
  --accent: #0b5cab; --bad: #b3261e; --good: #1e7b34; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: var(--bg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
header.page h1 { font-size: 26px; margin: 0 0 4px; }
header.page .sub { color: var(--muted); margin: 0 0 14px; }
.facts { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 0 0 16px; padding: 0;
  list-style: none; color: var(--muted); font-size: 14px; }
.facts b { color: var(--ink); font-weight: 600; }
.status { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 13px;
  background: #e4f2e7; color: var(--good); font-weight: 600; }
.status.warn { background: #fbe4e2; color: var(--bad); }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px;
  margin: 8px 0 18px; }
.kpi { background: var(--panel); border: 1px solid var(--line); border-radius: 8px;
  padding: 10px 14px; }
.kpi .label { font-size: 12px; text-transform: uppercase; letter-spacing: .04em;
  color: var(--muted); }
.kpi .value { font-size: 24px; font-weight: 650; line-height: 1.25; white-space: nowrap; }
.kpi .value.long { line-height: 30px; }  /* its font size fits its length: _kpi */
.kpi .detail { font-size: 13px; color: var(--muted); }
.kpi.bad .value { color: var(--bad); }
.kpi ul.fleet { list-style: none; margin: 2px 0 0; padding: 0; font-size: 14px;
  line-height: 1.45; }
.kpi ul.fleet li { break-inside: avoid; }
.kpi ul.fleet b { font-size: 18px; font-weight: 650; font-variant-numeric: tabular-nums; }
@media (min-width: 640px) { .kpi.wide { grid-column: span 2; }
  .kpi.wide ul.fleet { columns: 2; column-gap: 16px; } }
ul.caveats { margin: -8px 0 14px; padding-left: 18px; color: var(--muted); font-size: 13px; }
/* A command, a number such as 6.3e-09 or a tag such as viet-bac is not broken at its hyphen.
   A command of several words in prose moves to the next line whole where it fits there, and
   wraps between its words where it is wider than the line (a phone). */
code, .nowrap { white-space: nowrap; }
code.words { display: inline-block; max-width: 100%; white-space: normal; }
.findings { border-left: 4px solid var(--bad); background: #fdf3f2; padding: 10px 16px;
  border-radius: 0 8px 8px 0; margin: 0 0 18px; }
.findings h2 { font-size: 16px; margin: 0 0 6px; }
.findings ul { margin: 0; padding-left: 20px; }
.findings.minor { border-left-color: #b26a00; background: #fdf7ea; }
nav.toc { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 14px; margin: 0 0 8px;
  padding: 8px 0; border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); }
nav.toc a { color: var(--accent); text-decoration: none; }
.sections { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(520px, 100%), 1fr));
  gap: 8px 28px; }
section { min-width: 0; }
section.wide { grid-column: 1 / -1; }
section h2 { font-size: 19px; margin: 22px 0 8px; padding-bottom: 4px;
  border-bottom: 1px solid var(--line); }
figure { margin: 0; }
figcaption, .note { color: var(--muted); font-size: 13px; margin: 6px 0 0; }
svg { display: block; width: 100%; height: auto; }
svg.map { border: 1px solid var(--line); border-radius: 8px;
  background: rgba(222, 229, 237, .3); }
/* What is wider than the screen (a chart at its smallest readable size, a table) scrolls
   sideways in its own box; a shadow at an edge shows that there is more that way. */
.scroll-x, .table-wrap, .table-scroll { overflow-x: auto;
  background: linear-gradient(to right, #fff 50%, rgba(255, 255, 255, 0)) left / 40px 100%
      no-repeat local,
    linear-gradient(to left, #fff 50%, rgba(255, 255, 255, 0)) right / 40px 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgba(0, 0, 0, .28), rgba(0, 0, 0, 0)) left / 16px
      100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgba(0, 0, 0, .28), rgba(0, 0, 0, 0)) right /
      16px 100% no-repeat scroll; }
svg text { fill: #333; }
svg .axis-title { fill: var(--muted); }
svg .graticule { stroke: #dfe5ec; stroke-width: 1; }
svg .graticule-label { fill: #98a2ad; font-size: 10px; }
svg .label { font-size: 11.5px; paint-order: stroke; stroke: #fff; stroke-width: 3px;
  stroke-linejoin: round; }
svg .label-front { font-weight: 700; fill: #8e0000; }
svg .inset-title { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg .label-minor { fill: #5f6b7a; font-style: italic; }
ul.map-key { columns: 2 320px; list-style: none; margin: 6px 0 0; padding: 0; font-size: 13px; }
ul.map-key b { display: inline-block; min-width: 1.6em; }
.multiples { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr));
  gap: 4px 16px; }
.multiples.one { grid-template-columns: 1fr; }
.multiple h3 { font-size: 13.5px; margin: 4px 0 0; font-weight: 600; }
ul.idle { font-size: 13.5px; margin: 8px 0 0; padding-left: 18px; }
.hazards { font-size: 13px; margin: 6px 0 0; }
.hazards ul { margin: 2px 0 0; padding-left: 18px; }
svg .legend text { font-size: 12px; }
svg .legend-heading { font-weight: 650; fill: var(--ink); }
ul.legend { display: flex; flex-wrap: wrap; gap: 2px 16px; list-style: none; margin: 4px 0 0;
  padding: 0; font-size: 13px; }
ul.legend li { display: flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; flex: none; width: 18px; height: 10px; background: var(--c); }
.swatch.line { height: 3px; }
.swatch.dash { height: 0; border-top: 2px dashed var(--c); background: none; }
.swatch.dot { width: 11px; height: 11px; border-radius: 50%; opacity: .7; }
.swatch.diamond { width: 10px; height: 10px; transform: rotate(45deg); background: #fff;
  border: 2px solid var(--c); }
.table-scroll { overflow-y: auto; max-height: 460px; border: 1px solid var(--line);
  border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
th, td { padding: 5px 9px; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: top; }
th { background: var(--panel); font-weight: 600; position: sticky; top: 0; }
td:first-child:not(.num) { min-width: 12em; }  /* a name, not a rank */
td.name { min-width: 12em; }  /* a column of long names, where it is not the first */
th.short { white-space: nowrap; }  /* a header of a word or two ("+short t") */
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
tbody tr:nth-child(even) { background: rgba(31, 41, 51, .025); }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px;
  font-weight: 650; }
.badge.pass { background: #e4f2e7; color: var(--good); }
.badge.fail { background: #fbe4e2; color: var(--bad); }
footer { margin-top: 36px; color: var(--muted); font-size: 12.5px;
  border-top: 1px solid var(--line); padding-top: 10px; }
footer p { margin: 4px 0 0; }
@media (max-width: 600px) { main { padding: 16px 14px 40px; } }
/* The risk table on a phone: a figure wraps only before its error (its other spaces do not
   break) and the names take what is left, so that its three columns fit the screen. */
@media (max-width: 600px) { #table-risk td:first-child { min-width: 0; }
  #table-risk td.num { white-space: normal; } #table-risk th, #table-risk td { padding: 5px; } }
""" + PRINT_CSS


#: A headline figure this long or longer ("1,051,569") takes a smaller font, so that it fits
#: the narrowest card (120 px inside): ``LONG_FONT`` px over its characters (20 px for nine,
#: 15 px for twelve; a figure's characters are about 0.63 of the font size wide).
LONG_VALUE = 9
LONG_FONT = 180.0


def _kpi(label: str, value: str, detail: str = "", bad: bool = False) -> str:
    extra = f'<div class="detail">{escape(detail)}</div>' if detail else ""
    css = "kpi bad" if bad else "kpi"
    size = (f'class="value long" style="font-size: {LONG_FONT / len(value):.1f}px"'
            if len(value) >= LONG_VALUE else 'class="value"')
    return (f'<div class="{css}"><div class="label">{escape(label)}</div>'
            f"<div {size}>{escape(value)}</div>{extra}</div>")


def _t(value: float) -> str:
    """Tonnes in a headline, as the tables say them (:func:`~supplyline.report.facts.
    tonnes_text`), the figure and its unit joined by a no-break space (a card's breakdown
    had wrapped "upper 25" and "t" onto two lines)."""
    return f"{tonnes_text(value)}{NO_BREAK}t"


def _unbroken_numbers(text: str) -> str:
    """Words as HTML: escaped, a number written with a power of ten (6.3e-09) kept on one
    line."""
    return re.sub(r"\d[\d.,]*e[-+]?\d+", r'<span class="nowrap">\g<0></span>', escape(text))


#: The header's caveat where the solver's answer is not a basic solution (its note says how
#: it judged it, at the foot of the page).
SOLVER_CAVEAT = ("The reasons given for shortfalls (\"What binds\") are approximate; how the "
                 "solver judged this plan is noted at the foot of the page.")


def header(plan: Plan, unvalidated: bool = False, scenario: str | None = None) -> str:
    """Title, horizon, solver status, headline figures and the findings; ``unvalidated``:
    the page compares none of the scenario's historical figures with the plan, which is said
    where the scenario has some for it (with the command that compares them, naming the
    scenario as ``scenario``: :func:`validation_left_out`)."""
    sc = plan.network.scenario
    kpis: Kpis = plan.kpis()
    start, end = day_date(plan, 0), day_date(plan, plan.days - 1)
    ok = plan.status == "optimal"
    facts = [
        f"<li>Horizon <b>{escape(start)} – {escape(end)}</b> ({escape(horizon_words(plan))})"
        "</li>",
        f"<li>Scenario <b>{escape(sc.name)}</b></li>",
        "<li>Mobilization <b>"
        + (f"replayed: {escape(plan.replay)}" if plan.replay else "optimized")
        + "</b></li>",
        f'<li>Solver <span class="status{"" if ok else " warn"}">{escape(plan.status)}</span>'
        f"; {escape(time_words(plan))}</li>",
    ]
    demand, delivered = float(kpis["demand_t"]), float(kpis["delivered_t"])
    met = delivered / demand if demand > 0 else 1.0
    mobilized, eaten = float(kpis["mobilized_t"]), float(kpis["eaten_on_way_t"])
    given = given_t(plan)
    regions = [(label, float(given[mask].sum())) for label, mask in source_groups(plan.network)]
    region_text = ", ".join(f"{label} {_t(t)}" for label, t in
                            sorted(regions, key=lambda kv: -kv[1])[:3] if t > 0)
    labour = plan.labour_days()
    cards = [
        _kpi("Delivered", _t(delivered), f"of {_t(demand)} demanded ({percent(met)})",
             bad=demand_short(plan)),
        _kpi("Shortfall days", f"{kpis['shortfall_days']}", f"of {days(plan.days)}",
             bad=kpis["shortfall_days"] > 0),
        _kpi("Mobilized", _t(mobilized), region_text),
        _kpi("Eaten on the way", _t(eaten),
             f"{percent(eaten / mobilized)} of what was mobilized" if mobilized > 0 else ""),
        _kpi("Labour-days", fmt(float(kpis["labour_days"])),
             f"carriers {fmt(labour['carriers'])}, road works {fmt(labour['road_works'])}, "
             f"repair crews {fmt(labour['repair_crews'])}"),
    ]
    cards += fleet_and_cost_cards(plan)
    wounded = kpis["wounded"]
    if wounded is not None and wounded["arising"] > 0:
        cards.append(_kpi("Wounded at a hospital", percent(wounded["reached"] / wounded["arising"]),
                          f"{persons_text(wounded['reached'])} of "
                          f"{persons_text(wounded['arising'])} by the end, "
                          f"{persons_text(wounded['reached_late'])} late",
                          bad=persons_text(wounded["reached_late"]) != "0"
                          or persons_text(wounded["past_limit_at_end"]) != "0"))
    if kpis["wounded_late_person_days"] > 0:
        cards.append(_kpi("Wounded waiting too long",
                          f"{fmt(float(kpis['wounded_late_person_days']))}", "person-days",
                          bad=True))
    description = f'<p class="sub">{escape(sc.description)}</p>' if sc.description else ""
    # What the terminal says under the same line, in plain words: that the solver's answer
    # explains shortfalls only roughly (its own note on hover, and at the foot of the page),
    # and what planning in steps changes.
    notes = ([f'<li title="{escape(plan.solver_note)}">{escape(SOLVER_CAVEAT)}</li>']
             if plan.solver_note else [])
    step = step_note(plan, full=True)
    history = validation_left_out(plan, scenario) if unvalidated else ""
    notes += [f"<li>{prose(note)}</li>"
              for note in (replay_days_note(plan), step, history) if note]
    caveats = f'<ul class="caveats" id="caveats">{"".join(notes)}</ul>' if notes else ""
    return (
        f'<header class="page"><h1>{escape(sc.title)}</h1>{description}'
        f'<ul class="facts">{"".join(facts)}</ul>{caveats}'
        f'<div class="kpis" id="kpis">{"".join(cards)}</div></header>{findings(plan)}'
    )


def fleet_and_cost_cards(plan: Plan) -> list[str]:
    """Headline cards for the fleet the plan needs and, when the scenario has a cost model,
    its cost per tonne delivered.

    The fleet is told mode by mode (porters and trucks do not add up to one number): the
    fewest units of each the plan needs, the most in service at once in whole units
    (``Plan.fleet_needed``); the carriers chart's legend gives the same figures."""
    net = plan.network
    needed = plan.fleet_needed()
    modes = [int(m) for m in np.argsort(-needed, kind="stable") if needed[m] > 0]
    cards = []
    if modes:
        items = "".join(f'<li title="{escape(net.mode_name(m))}"><b>{fmt(float(needed[m]))}'
                        f"</b> {escape(net.mode_label(m))}</li>"
                        for m in modes)
        wide = " wide" if len(modes) > 2 else ""
        cards.append(f'<div class="kpi fleet{wide}" id="kpi-fleet"><div class="label">Fleet '
                     f'needed</div><ul class="fleet">{items}</ul><div class="detail">most in '
                     "service at once</div></div>")
    costs, per_t = plan.costs(), plan.cost_per_t()
    if costs["total"] > 0 and per_t is not None:
        cards.append(_kpi("Cost per tonne", f"{fmt(per_t)} {escape(net.currency)}",
                          f"{fmt(costs['total'])} {escape(net.currency)} in all"))
    return cards


def findings(plan: Plan) -> str:
    """Why demand is unmet, in words (empty when it is met)."""
    items = []
    for group in shortfalls(plan):
        what, why = shortfall_words(plan, group)
        items.append(f"<li><b>{escape(group.front)}</b> {escape(what)} {escape(why)}</li>")
    unsought = not_looked_for(plan)
    if unsought:
        items.append(f"<li>{escape(unsought)}</li>")
    # The plan's own notes, as the terminal prints them, with where and when food was missing.
    notes = [f"<li>{escape(note)}</li>" for note in gave_up_words(plan)]
    out = ""
    if items:
        out += (f'<div class="findings" id="findings"><h2>Why demand is not met</h2>'
                f"<ul>{''.join(items)}</ul></div>")
    if notes:
        out += (f'<div class="findings minor" id="gave-up"><h2>What else the plan could not '
                "do</h2>"
                f"<ul>{''.join(notes)}</ul></div>")
    return out


#: The results the report's own sections show, by name: what each must be, and the
#: Python call that makes it.
RESULT_KINDS = {
    "simulation": ("a simulation of this plan", "sl.simulate(plan, ...)"),
    "resilience": ("a resilience analysis", "sl.resilience(...)"),
    "risk_search": ("a risk search", "supplyline.simulate.target.plan_for_risk(...)"),
}


def _plan_words(plan: Plan) -> str:
    """Which plan, in words: 'the plain plan of tutorial', 'the replay pledged of short'."""
    which = f"the replay {plan.replay}" if plan.replay else "the plain plan"
    return f"{which} of {plan.network.scenario.name}"


def checked_context(plan: Plan, validation: Sequence[MetricValue] | None,
                    results: Mapping[str, Any] | None, custom: bool = False,
                    scenario: str | None = None) -> ReportContext:
    """What the sections read besides ``plan``, once each argument is known to be what the
    page can show; else a TypeError or ValueError naming the argument, what was expected and
    what was given. Figures of another plan are refused, not shown under this one's headline:
    a simulation (and a risk search) must be of ``plan`` itself, and validation figures of
    its replay (``MetricValue.replay``). ``results`` may hold only the names of
    :data:`RESULT_KINDS`, each of its kind, unless the sections are ``custom`` (a section of
    one's own may read any other name)."""
    from supplyline.resilience.analysis import Resilience
    from supplyline.simulate.result import Simulation
    from supplyline.simulate.target import RiskPlan

    if not isinstance(plan, Plan):
        raise TypeError(f"plan: expected a Plan (sl.plan(...)), got {type(plan).__name__}")
    if validation is not None and (isinstance(validation, (str, bytes))
                                   or not isinstance(validation, Sequence)):
        raise TypeError("validation: expected a list of MetricValue (sl.validate(plan)), "
                        f"got {type(validation).__name__}")
    for k, value in enumerate(validation or []):
        if not isinstance(value, MetricValue):
            raise TypeError(f"validation[{k}]: expected a MetricValue (sl.validate(plan)), "
                            f"got {type(value).__name__}")
        if value.replay != plan.replay:
            got = f"the replay {value.replay}" if value.replay else "the plain plan"
            raise ValueError(
                f"validation[{k}] ({value.id}): expected figures of this plan's replay "
                f"({_plan_words(plan)}: sl.validate(plan)), got figures of {got}")
    if results is not None and not isinstance(results, Mapping):
        raise TypeError('results: expected a dict of results by name, e.g. {"simulation": '
                        f"sl.simulate(plan, ...)}}, got {type(results).__name__}")
    kinds = {"simulation": Simulation, "resilience": Resilience, "risk_search": RiskPlan}
    for name, given in (results or {}).items():
        if name not in kinds:
            if custom:
                continue
            raise ValueError(f"results: expected names among "
                             f"{', '.join(repr(k) for k in RESULT_KINDS)}, got {name!r}")
        what, call = RESULT_KINDS[name]
        if not isinstance(given, kinds[name]):
            raise TypeError(f"results[{name!r}]: expected {what} ({call}), got "
                            f"{type(given).__name__}")
        of = getattr(given, "plan", None)  # (each kind has its plan)
        if name != "resilience" and of is not plan and of is not None:
            which = _plan_words(of)
            raise ValueError(f"results[{name!r}]: expected {what} ({call}), got one of "
                             "another plan" + (f" ({which})" if which != _plan_words(plan)
                                               else " (made apart from this one)"))
    if scenario is not None and not isinstance(scenario, str):
        raise TypeError("scenario: expected the scenario as a command names it (a str such as "
                        f"'short.yaml'), got {type(scenario).__name__}")
    return ReportContext(validation=validation, results=dict(results or {}),
                         scenario=scenario)


def render_report(
    plan: Plan,
    validation: Sequence[MetricValue] | None = None,
    *,
    results: Mapping[str, Any] | None = None,
    sections: Sequence[SectionFunction] | None = None,
    scenario: str | None = None,
) -> str:
    """The report as one HTML document (a string).

    Parameters
    ----------
    plan:
        The solved plan to show.
    validation:
        Model-vs-history figures (from :func:`supplyline.validate`) for the validation table.
    results:
        Results of later capabilities by name, for the sections that show them.
    sections:
        The section functions to run, in order (default :data:`SECTIONS`, then the risk
        section of a simulation in ``results["simulation"]``).
    scenario:
        The scenario as the command that made the plan was given it (``supplyline report
        ./short.yaml``), which the commands the page suggests name; None: a built-in by its
        name, any other scenario as FILE (:func:`~supplyline.report.facts.scenario_argument`).

    Raises
    ------
    TypeError, ValueError
        When an argument is not what the page can show (:func:`checked_context`): a
        simulation or figures of another plan would be shown as this plan's.
    """
    context = checked_context(plan, validation, results, custom=sections is not None,
                              scenario=scenario)
    built: list[Section] = []
    for make in [*SECTIONS, risk_section, risk_search_section] if sections is None else sections:
        section = make(plan, context)
        if section is not None:
            built.append(section)
    toc = "".join(f'<a href="#{escape(s.id)}">{escape(s.title)}</a>' for s in built)
    body = "".join(
        f'<section id="{escape(s.id)}" class="{"wide" if s.wide else ""}">'
        f"<h2>{escape(s.title)}</h2>{s.html}</section>"
        for s in built
    )
    sc = plan.network.scenario
    title = escape(f"{sc.title} — supply plan")
    solver = (f'<p id="solver-note">Solver: {_unbroken_numbers(plan.solver_note)}.</p>'
              if plan.solver_note else "")
    footer = (f"<footer>supplyline {escape(__version__)} · scenario {escape(sc.name)} · "
              f"{plan.n_columns:,} variables × {plan.n_rows:,} constraints · "
              f"all figures in tonnes unless marked{solver}</footer>")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head>{HEAD_META}'
        f"<title>{title}</title><style>{CSS}</style></head>"
        f'<body><main>{header(plan, not validation, context.scenario)}<nav class="toc">{toc}</nav>'
        f'<div class="sections">{body}</div>{footer}</main></body></html>\n'
    )


def write_report(
    plan: Plan,
    path: Path,
    validation: list[MetricValue] | None = None,
    *,
    results: Mapping[str, Any] | None = None,
    scenario: str | None = None,
) -> Path:
    """Write the plan's report as one self-contained HTML file.

    Parameters
    ----------
    plan:
        The solved plan.
    path:
        Where to write the file; its folder is created if needed. The file appears whole or
        not at all, and a symlink at ``path`` is replaced, not followed
        (:func:`~supplyline.report.safe_write.output_files`).
    validation:
        Model-vs-history figures (:func:`supplyline.validate`) to show in a table.
    results:
        Results of later capabilities by name (simulation, resilience), for their sections.
    scenario:
        The scenario as the command that made the plan was given it, for the commands the
        page suggests (:func:`render_report`).

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    ValueError
        When ``path`` does not end in .html (a PDF is printed by
        :func:`supplyline.report.pdf.write_pdf` from the page): HTML written to ``x.pdf``
        opens as a broken PDF.
    """
    path = Path(path)
    if path.suffix.lower() != ".html":  # as the command line's --out
        raise ValueError(f"path: expected a file name ending in .html, got {str(path)!r} (a "
                         "PDF: supplyline.report.pdf.write_pdf(render_report(plan), path))")
    page = render_report(plan, validation, results=results, scenario=scenario)
    with output_files(path.parent) as files, files.open(path.name) as handle:
        handle.write(page)
    return path
