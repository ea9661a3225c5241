"""Risk from a simulation: the terminal summary of ``supplyline simulate``, its files, and
the report's risk section (fan charts of reserve days, the chance of shortfall by day, the
risk table).

Formatting only: every figure comes from :class:`supplyline.simulate.Simulation`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from rich.console import Console

from supplyline.plan.result import (
    SHORT_MIN_KG,
    SHORT_SHARE,
    note_mass,
)
from supplyline.plan.solvers import DEFAULT_SOLVER, DEFAULT_TIME_LIMIT_S
from supplyline.report import svg
from supplyline.report.export import (
    PARQUET_MISSING,
    drop_stale_parquet,
    parquet_available,
    write_table,
)
from supplyline.report.facts import (
    commodity_label,
    replay_days_note,
    scenario_argument,
    stock_days,
    whole,
)
from supplyline.report.inert import inert
from supplyline.report.safe_write import output_files
from supplyline.report.svg import Series, fmt
from supplyline.report.terminal import Column, FitTable
from supplyline.simulate.compiled import units_at_most, units_at_start
from supplyline.simulate.result import FAN, Simulation, chance, mean_figure, period
from supplyline.units import days, said_date, words_and

#: Days of reserve below this are drawn as none (see :func:`risk_section`).
DAYS_RESOLUTION = 0.01

if TYPE_CHECKING:
    from supplyline.plan.result import Plan
    from supplyline.report.sections import ReportContext, Section
    from supplyline.simulate.target import RiskPlan

__all__ = ["TRADEOFF_TARGETS", "export_simulation", "notes_said", "planned_words",
           "print_risk_search", "print_simulation_summary", "risk_rows", "risk_search_json",
           "risk_search_section", "risk_section", "round_chance", "tradeoff_rows"]

#: The fan chart: a light band between the outer percentiles of :data:`FAN` (5th and 95th),
#: a darker one between the inner ones (25th and 75th), and the median as a line.
FAN_OUTER, FAN_INNER, FAN_MEDIAN = "#c6dbef", "#6baed6", "#08306b"


def _error(se: float, value: float, runs: int) -> str:
    """A Monte Carlo standard error as shown: none from one run ('—'), and rounding noise
    of a figure that does not vary (below a billionth of it) as 0."""
    if runs < 2 or not math.isfinite(se):
        return "—"
    return fmt(0.0 if abs(se) <= 1e-9 * max(1.0, abs(value)) else se, 2)


def _decimals(value: float, digits: int = 3) -> int:
    """The decimals that show ``value`` to ``digits`` significant digits (none from 1,000
    on, as :func:`fmt`)."""
    if value == 0 or not math.isfinite(value) or abs(value) >= 1000:
        return 0
    return max(0, digits - 1 - math.floor(math.log10(abs(value))))


#: The most decimals a figure is shown with: 0.1 kg in tonnes, a millionth as a percentage.
MAX_DECIMALS = 4


def _fixed(value: float, decimals: int) -> str:
    """``value`` with exactly ``decimals`` decimals and thousands separated: trailing zeros
    kept, so that figures shown together read alike ('2.00 / 5.00 / 7.78')."""
    return f"{value:,.{decimals}f}"


def _pm(figure: dict[str, Any], runs: int, digits: int = 3, unit: str = "",
        scale: float = 1.0, whole: bool = False) -> str:
    """'12.3 ± 0.4 t': the value and its Monte Carlo standard error to the same decimal
    place, that of the error's leading digit ('4.41 ± 0.07 t', '3,908 ± 10 t'), and never
    beyond two more than ``digits`` significant digits of the value show; a figure that
    does not vary has ``digits`` significant digits ('100 ± 0 %'); from one run the error
    is '—'. ``whole``: never to fewer than units (a chance of 1 run in 4 is '25 ± 22 %':
    to the error's leading digit it was '20 ± 20 %', a share no 4 runs can give)."""
    value, se = scale * figure["value"], scale * figure["se"]
    error = _error(se, value, runs)
    shown = min(_decimals(value, digits), MAX_DECIMALS)
    if error in ("—", "0"):
        if round(value, shown) == 0:  # rounding noise ('0.000000801 ± 0 %')
            return f"0 ± {error}{unit}"
        return f"{_fixed(value, shown)} ± {error}{unit}"
    decimals = min(-math.floor(math.log10(abs(se))), shown + 2)
    if whole:
        decimals = max(decimals, 0)
    if round(abs(se), decimals) == 0:
        return f"{_fixed(value, decimals)} ± 0{unit}"
    if decimals < 0:  # an error of tens or more: both to its leading digit
        return (f"{_fixed(round(value, decimals), 0)} ± "
                f"{_fixed(round(abs(se), decimals), 0)}{unit}")
    return f"{_fixed(value, decimals)} ± {_fixed(abs(se), decimals)}{unit}"


def _tonnes(value: float, decimals: int) -> str:
    """A figure of the shortfall's spread with ``decimals`` decimals, at most
    :data:`MAX_DECIMALS` (rounding noise of a gram is not a shortfall), and one that rounds
    to nothing as '0' (not '0.000' beside 0.164), as :func:`_pm` shows the mean."""
    decimals = min(decimals, MAX_DECIMALS)
    return "0" if round(value, decimals) == 0 else _fixed(value, decimals)


def percent(figure: dict[str, Any], runs: int) -> str:
    """A share (0 to 1) with its standard error, in per cent to whole units at least, as
    :func:`_pm` says it: '62 ± 1 %', '25 ± 22 %'."""
    return _pm(figure, runs, unit=" %", scale=100.0, whole=True)


def _chance(p: float, runs: int, exact: bool = False) -> str:
    """A probability in per cent with its standard error (:func:`~supplyline.simulate.
    result.chance`; ``exact``: the runs all came out alike), as :func:`_pm`: '62 ± 1 %'."""
    return percent(chance(p, runs, exact=exact), runs)


def _runs_for(figure: dict[str, Any], runs: int) -> str:
    """Runs that would make the figure good to ±1 % ('—' from one run; 'any' for a figure
    that does not vary over the runs: every run gives it)."""
    if runs < 2:
        return "—"
    if _error(figure["se"], figure["value"], runs) == "0":
        return "any"
    return f"{figure['runs_for_1pct']:,}"


def risk_rows(result: Simulation) -> list[tuple[str, str, str]]:
    """The risk table: (figure, value ± standard error, runs for ±1 %)."""
    k = result.kpis()
    dist = k["shortfall_distribution_t"]
    p = k["p_any_shortfall"]
    n = result.runs
    tails = [dist[q] for q in ("p50", "p90", "p99")]
    decimals = _decimals(max(abs(v) for v in tails))
    rows = [
        ("chance some front goes short", percent(p, n), _runs_for(p, n)),
        ("shortfall, mean", _pm(k["shortfall_t"], n, unit=" t"), _runs_for(k["shortfall_t"], n)),
        ("shortfall, P50 / P90 / P99",
         " / ".join(_tonnes(v, decimals) for v in tails) + " t", ""),
        ("shortfall, mean of worst 5 %",
         f"{_tonnes(dist['cvar95'], _decimals(dist['cvar95']))} t", ""),
    ]
    loads = k.get("loads_not_sent")
    if loads is not None and result.loads_planned_kg > 0:
        rows.append(("the plan's loads that never left where they were to start (the runs "
                     "never re-plan)", percent(loads, n),
                     _runs_for(loads, n)))
    own = _planned_unfed(result)
    for key, label in (("delivered_t", "delivered (eaten at the fronts)"),
                       ("destroyed_t", "destroyed by strikes and raids"),
                       ("spoiled_t", "spoiled"),
                       ("eaten_t", f"eaten on the way by {EATERS}"),
                       ("burned_t", "fuel burned"),
                       ("unfed_t", f"food {EATERS} went without ("
                                   + (f"the plan's own {note_mass(own[0])}, and what was "
                                      if own else "")
                                   + "not at hand where they were)")):
        if key == "burned_t" and not result.burned_kg.any():  # (no mode burns fuel)
            continue
        rows.append((label, _pm(k[key], n, unit=" t"), _runs_for(k[key], n)))
    net = result.network
    carriers = result.plan.kpis()["carriers"]  # the plan's own count, as its summary shows
    there = units_at_most(net, units_at_start(result.plan))
    for mode, lost in k["units_lost_by_mode"].items():
        m = net.mode_ids.index(mode)
        if lost > 0:
            # Against the units there are to lose: those owned, or the persons put into
            # service over the plan (the runs replace none lost, but the plan mobilizes
            # units all along, so more may be lost than are in service at once).
            of = (f"of {fmt(whole(float(there[m])))} there are" if np.isfinite(there[m]) else
                  f"of {fmt(whole(carriers[mode]['recruited']))} put into service over the "
                  "plan")
            per_mode = mean_figure(result.units_lost[:, m])  # (with its error, as the rest)
            rows.append((f"{net.mode_label(m).lower()} units lost to strikes "
                         f"and raids, mean ({of})", _pm(per_mode, n),
                         _runs_for(per_mode, n)))
    label = "labour-days"
    if any(lost > 0 for lost in k["units_lost_by_mode"].values()):
        planned = fmt(result.plan.labour_days()["total"])
        label = (f"labour-days (the plan's {planned}, less the days the crews of units lost "
                 "would have served)")
    rows.append((label, _pm(k["labour_days"], n), _runs_for(k["labour_days"], n)))
    return rows


#: Who eats on the way (the plan's words: supplyline.plan.kpis).
EATERS = "carriers, road-work and repair crews and the wounded"


def _planned_unfed(result: Simulation) -> tuple[float, list[str]] | None:
    """The food the plan itself leaves unfed, kg, and the groups it leaves without, where
    the plan notes some (:meth:`~supplyline.plan.result.Plan.noted_unfed`, as
    ``Plan.gave_up``)."""
    who = list(result.plan.noted_unfed())
    if not who:
        return None
    return 1000.0 * result.planned_unfed_t(), who


def plan_command(plan: Plan, scenario: str | None = None) -> str:
    """The `plan` command that makes ``plan`` again, as far as the plan tells it: with its
    scenario (``scenario``, as the command that made it was given it; else
    :func:`~supplyline.report.facts.scenario_argument`'s), its replay, the first days of
    the scenario it covers, its steps where they were asked for or are longer than a day,
    its solver and its time limit where they are not ``plan``'s own (none, ``--time-limit
    0``, where the solve took longer than ``plan``'s limit) ('supplyline plan
    short.yaml --replay pledged --days 12 --step-days 1 --solver simplex'): a simulation
    plans with the options ``plan`` takes, as ``plan`` does (``--step-days 1`` on a
    scenario in steps was left out: `plan` then planned the file's steps)."""
    stepped = plan.step_days_given is not None or plan.steps_description()
    limit = plan.time_limit_s
    # A plan made without a limit (Python's default, `--time-limit 0`) is said so where its
    # solve took longer than `plan`'s own limit, which would have stopped it.
    unlimited = limit is None and plan.solve_seconds > DEFAULT_TIME_LIMIT_S
    options = [scenario_argument(plan, scenario)] + (
        [f"--replay {plan.replay}"] if plan.replay else []) + (
        [f"--days {plan.days}"] if plan.whole_days is not None else []) + (
        [f"--step-days {plan.network.step_days}"] if stepped else []) + (
        [f"--solver {plan.solver}"] if plan.solver != DEFAULT_SOLVER else []) + (
        [f"--time-limit {limit:g}"] if limit is not None and limit != DEFAULT_TIME_LIMIT_S
        else ["--time-limit 0"] if unlimited else [])
    return " ".join(["supplyline plan", *options])


def planned_words(result: Simulation, scenario: str | None = None) -> str:
    """What the plan itself expects, as the summary and the report's risk section say it:
    delivered and short (where it is short and has not sought why, the command that says
    it), and the food it leaves unfed and the road work it leaves undone, which every run
    leaves too."""
    k = result.kpis()["planned"]
    plan = result.plan
    said = (f"The plan expects {fmt(k['delivered_t'])} t delivered, "
            f"{fmt(k['shortfall_t'])} t short")
    if plan.short_steps() and not plan.findings:
        said += f" ({plan_command(plan, scenario)} says why)"
    left: list[str] = []
    own = _planned_unfed(result)
    if own is not None:
        left.append(f"{note_mass(own[0])} of food unfed ({words_and(own[1])})")
    undone = plan.road_work_undone_days()
    works = plan.noted_undone()
    if works.size:
        net = plan.network
        routes = [net.route_ids[net.road_works[w].route] for w in works]
        left.append(f"{fmt(float(undone[works].sum()))} person-days of road work undone "
                    f"(on {words_and(list(dict.fromkeys(routes)))})")
    if left:
        said += f"; it leaves {words_and(left)}, and so does every run"
    return said + "."


def print_simulation_summary(result: Simulation, console: Console,
                             scenario: str | None = None) -> None:
    """The simulation's headline figures and worst days, in at most 80 columns
    (``scenario``: as the command was given it, for the command it suggests)."""
    k = result.kpis()
    plan = result.plan
    net = plan.network
    last = net.start_date + dt.timedelta(days=net.days - 1)
    took = f"{result.seconds:.1f} s" if result.seconds >= 0.05 else "under 0.1 s"
    # Which plan: its replay and its step grid, as ``plan`` says them.
    steps = plan.steps_description()
    which = (f" (replay {plan.replay}" + (f", {steps})" if steps else ")") if plan.replay
             else f" ({steps})" if steps else "")
    console.print(inert(
        f"{result.runs:,} run{'s' * (result.runs != 1)} of the plan{which} for "
        f"{net.scenario.title}, {net.days} day{'s' * (net.days != 1)} from "
        f"{net.start_date} to {last}"
        # (the first of the scenario's, as plan's summary says: --days was said as the whole)
        + (f", the first of the scenario's {plan.whole_days}"
           if plan.whole_days is not None else "")
        + f" (seed {result.seed}, {took} on {result.device}, "
        f"{result.precision} precision"
        + (f"; {result.assumptions()}" if result.assumptions() else "") + ")"))
    replay = replay_days_note(plan)  # (as plan's summary says it)
    if replay:
        console.print(inert(replay), style="yellow")
    console.print(inert(planned_words(result, scenario)))
    replans = result.never_replans_note()
    if replans:
        console.print(inert(f"Read with care: {replans}."), style="bold")
    table = FitTable("Risk (± Monte Carlo standard error)", Column("figure", prose=True),
                     Column("value", numeric=True), Column(RUNS_HEAD, numeric=True),
                     caption=RUNS_FOR_1PCT)
    for row in risk_rows(result):
        table.add_row(*row)
    console.print(table)
    worst = k["worst_days"]
    if worst:
        stepped = any(row["step_days"] > 1 for row in worst)
        # (the column only where the plan itself is short on a day listed: it was a column
        # of blanks)
        plan_short = any(row["plan_short"] for row in worst)
        days = FitTable("Steps most at risk" if stepped else "Days most at risk",
                        Column("step" if stepped else "date"),
                        Column("chance some front is short", numeric=True),
                        *([Column("the plan short too")] if plan_short else []))
        for row in worst:
            days.add_row(period(row), _chance(row["p_shortfall"], result.runs,
                                              result.exact_chances),
                         *(["yes" if row["plan_short"] else ""] if plan_short else []))
        captions = [_as_likely_words(k.get("worst_days_as_likely", 0), stepped)]
        if any(row["plan_short"] for row in worst):
            captions.append("yes: the plan itself is short that day (what it cannot bring "
                            "in time, less what it expects to lose), so runs go short then "
                            "unless they lose less")
        days.caption = " ".join(c for c in captions if c)
        console.print(days)
    planned_short = _planned_short_words(result)
    if planned_short:
        unit = "steps" if worst and any(row["step_days"] > 1 for row in worst) else "days"
        console.print(inert(planned_short + f", so the {unit} most at risk list first those "
                            "the plan meets."))
    when = ("in a step when it eats less over the step than" if result.plan.network.grid.longest
            > 1 else "on a day when it eats less than")
    console.print(inert(
        f"A front is short {when} {fmt(100 * SHORT_SHARE)} % of its demand, and more than "
        f"{fmt(SHORT_MIN_KG)} kg less."), style="italic")
    for note in notes_said(result):
        console.print(inert(note))


def notes_said(result: Simulation) -> list[str]:
    """The simulation's notes (``notes``, as ``kpis()["notes"]`` and the JSON give them) as
    the terminal and the report end with them, "Note: …." each; but the one on never
    re-planning (:meth:`~supplyline.simulate.Simulation.never_replans_note`), said above
    the figures."""
    replans = result.never_replans_note()
    return [f"Note: {note}" + ("" if note.endswith(".") else ".")
            for note in result.notes if note != replans]


def _as_likely_words(more: int, stepped: bool) -> str:
    """That the list of the days (steps) most at risk is a pick among as many as likely,
    in words ('' when it is not)."""
    if more <= 0:
        return ""
    unit = "step" if stepped else "day"
    return (f"A pick among near ties: {more} more {unit}{'s' * (more != 1)} "
            f"{'are' if more != 1 else 'is'} as likely to go short as the last listed, to "
            "within a percentage point.")


def export_simulation(result: Simulation, directory: Path,
                      notify: Callable[[str], None] | None = None) -> list[Path]:
    """Write ``simulation.json`` and the tables ``sim_days``, ``sim_fan`` and ``sim_runs``
    (CSV, and Parquet when pyarrow is installed) into ``directory``; all or nothing."""
    parquet = parquet_available()
    if not parquet and notify is not None:
        notify(PARQUET_MISSING)
    with output_files(Path(directory)) as files:
        for name in result.TABLES:
            write_table(files, f"sim_{name}", result.to_frame(name), parquet)
        with files.open("simulation.json") as handle:
            handle.write(result.to_json())
    if not parquet:  # (an earlier export's Parquet would stand beside the new CSV files)
        drop_stale_parquet(Path(directory), [f"sim_{name}" for name in result.TABLES], notify)
    return files.written


def _breaks_before_error(value: str) -> str:
    """A figure of the risk table for HTML: its spaces do not break, except before its
    error and after a slash ('96.9 ± 0.4 %' wraps as '96.9' and '± 0.4 %' on a phone)."""
    text = value.replace(" ", "\u00a0")
    return text.replace("\u00a0±", " ±").replace("/\u00a0", "/ ")


def _share_words(plan: Plan, front: int, good: int) -> str:
    """The share of a front's demand over the horizon that one good is, in words."""
    demand = plan.demand_kg[front].sum(axis=1)
    return f"{100 * demand[good] / demand.sum():.0f} %" if demand.sum() > 0 else "all"


def _first_out_words(plan: Plan, result: Simulation, i: int, median: Any) -> str:
    """What the good that runs out first gives at the ``i``-th front, in words: its median
    over the steps, and where that is nil, the goods the plan itself keeps none of there
    (they arrive just in time)."""
    f = int(result.fronts[i])
    has = ~np.isnan(median)
    if not has.any():
        return ""
    nil = float(np.mean(median[has] <= 0.0))
    run = "the run" if result.runs == 1 else "the median run"
    if nil < 0.5:
        low, high = float(np.min(median[has])), float(np.max(median[has]))
        return (f"Counted by the good that runs out first, {run} holds "
                f"{fmt(low)} to {fmt(high)} days.")
    # The plan's own days of supply there (those of the report's stock chart).
    none = [commodity_label(plan, line.good).lower()
            for line in stock_days(plan) if line.front == f
            for held in [line.days_of_supply[~np.isnan(line.days_of_supply)]]
            if np.mean(held < DAYS_RESOLUTION) >= 0.5]
    why = ""
    if none:
        why = (f": the plan itself keeps no stock of {words_and(none)} there at half or more "
               "of the steps' ends (it brings them just in time)")
    steps = "every step" if nil >= 1.0 else f"{100 * nil:.0f} % of the steps"
    return (f"Counted by the good that runs out first, {run} holds nothing on "
            f"{steps}{why}.")


def _planned_short_words(result: Simulation) -> str:
    """On how many days, from when, the plan itself leaves some front short, and whether
    every run is short then too: a plan made under threats counts on the cargo they are
    expected to destroy, so a run that loses less may not be ('' when never)."""
    planned = result.planned_short_by_step()
    if not planned.any():
        return ""
    first = result.plan.date_of(int(np.argmax(planned)))
    days = round(float(result.plan.step_length[planned].sum()))
    said = (f"The plan itself leaves some front short on {days} day{'s' * (days != 1)} from "
            f"{first}")
    p = result.shortfall_probability_by_step()
    least = int(np.flatnonzero(planned)[np.argmin(p[planned])])
    if p[least] >= 1.0:
        return f"{said}: every run is short then too"
    return (f"{said}, counting the cargo it expects to lose: runs are short then too unless "
            f"they lose less (on {result.plan.date_of(least)}, "
            f"{_chance(float(p[least]), result.runs, result.exact_chances)} of them were)")


def risk_section(plan: Plan, context: ReportContext) -> Section | None:
    """The risk section, when a simulation of this plan is in ``context.results``."""
    from supplyline.report.sections import Section, figure, table

    result = context.results.get("simulation")
    if not isinstance(result, Simulation):
        return None
    net = plan.network
    start = net.scenario.start_date
    left_out = result.assumptions()
    intro = (f"{result.runs:,} run{'s' * (result.runs != 1)} of this plan under its threats "
             f"(seed {result.seed}, "
             f"{result.precision} precision" + (f"; {left_out}" if left_out else "") + ").")
    draws = result.drawn()
    parts = [f"<p>{escape(intro)}"
             + (f" Each run draws {draws} day by day and executes" if draws
                else " Each run executes")
             + " the plan as far as stock, units and routes allow. The figures below are the"
             + (" run's;" if result.runs == 1 else " runs';")
             + " those at the top of the page are the plan's own, which counts only the"
             " threats' expected losses. They measure different things: a run hit harder than"
             " expected goes short where the plan does not, and its carriers eat more while"
             " held up.</p>"]
    parts.append(f"<p>{escape(planned_words(result, context.scenario))}</p>")
    replans = result.never_replans_note()
    if replans:
        parts.append(f"<p><strong>Read with care:</strong> {escape(replans)}.</p>")
    # A reserve below a hundredth of a day (a quarter of an hour's demand) is none: crumbs
    # of stock would otherwise set a chart's scale (0 to 4e-4 days at a relief camp).
    fan = result.reserve_fan(main=True)
    fan = np.where(np.abs(fan) < DAYS_RESOLUTION, 0.0, fan)
    first = result.reserve_fan()
    first = np.where(np.abs(first) < DAYS_RESOLUTION, 0.0, first)
    mains = result.main_goods()
    low, inner_low, median, inner_high, high = (FAN.index(q) for q in (5, 25, 50, 75, 95))
    one = result.runs == 1  # (no spread: no bands, nor their keys)
    line = "the run" if one else "median run"
    spread = [] if one else [(FAN_OUTER, "P5–P95: 9 runs in 10", "box"),
                             (FAN_INNER, "P25–P75: half the runs", "box")]
    key = svg.legend([*spread, (FAN_MEDIAN, line, "line")])
    for i, f in enumerate(result.fronts):
        if np.all(np.isnan(fan[:, i])):
            continue
        bands = [] if one else [
            svg.Band("5th to 95th percentile", fan[low, i], fan[high, i], FAN_OUTER),
            svg.Band("25th to 75th percentile", fan[inner_low, i], fan[inner_high, i],
                     FAN_INNER)]
        name = net.place_label(int(f))
        good = commodity_label(plan, int(mains[i])).lower()
        title = f"Days of {good} at {name}"
        chart = svg.time_chart(f"chart-fan-{i}", title, start,
                               [Series(line, fan[median, i], FAN_MEDIAN)],
                               "days of supply", bands=bands,
                               days=plan.network.grid.end)  # (stocks at each step's end)
        owes = bool(np.nanmin(fan[:, i]) < 0)
        parts.append(f"<h3>{escape(title)}</h3>")
        parts.append(figure(chart, key,
                            f"Stock of {good} at {name} at the end of each step in days of its "
                            f"demand there ({good} is {_share_words(plan, int(f), mains[i])} "
                            "of its demand): "
                            + ("the line is the one run (one run has no spread to shade)."
                               if one else "the line is the median run; the light band "
                               "holds the runs between the 5th and 95th percentiles, the dark "
                               "one those between the 25th and 75th.")
                            + (" Below 0 the place owes it: on a step's first day it ate "
                               "what the plan brings within the step, and less came."
                               if owes else "")
                            + " " + _first_out_words(plan, result, i, first[median, i])))
    p = result.shortfall_probability_by_step()
    planned_short = _planned_short_words(result)
    # (a plan in steps of several days: a chance per step, said so)
    stepped = bool((plan.network.step_length > 1).any())
    title = "Chance of shortfall by step" if stepped else "Chance of shortfall by day"
    chart = svg.time_chart("chart-p-short", title, start,
                           [Series("some front short", 100.0 * p, "#c62828")], "% of runs",
                           days=plan.step_start, last_days=plan.network.grid.end)
    parts.append(f"<h3>{title}</h3>")
    parts.append(figure(chart, caption="Share of runs in which some front eats less than "
                        f"{fmt(100 * SHORT_SHARE)} % of its demand "
                        + ("in that step (each point is a step: "
                           f"{escape(plan.steps_description())})" if stepped else "that day")
                        + f", and more than {fmt(SHORT_MIN_KG)} kg less."
                        + (f" {planned_short}." if planned_short else "")))
    parts.append(table("table-risk", ["figure", "value ± standard error", RUNS_HEAD],
                       [(name.replace(" %", "\u00a0%"), _breaks_before_error(value), runs)
                        for name, value, runs in risk_rows(result)], [False, True, True]))
    parts.append(f'<p class="note">{escape(RUNS_FOR_1PCT)}</p>')
    parts.extend(f'<p class="note">{escape(note)}</p>' for note in notes_said(result))
    return Section("risk", "Risk (Monte Carlo)", "".join(parts), wide=True)


#: The risk table's last column, "±1 %" kept on one line (a no-break space: it wrapped as
#: "runs", "for ±1" and "%").
RUNS_HEAD = "runs for ±1\u00a0%"
#: What the risk table's last column counts: a chance's ±1 is in percentage points, every
#: other figure's in per cent of its value (one said "0.77 %" and needed 126,131 runs).
RUNS_FOR_1PCT = ("runs for ±1 %: the runs that would bring the 95 % interval to ±1 % of the "
                 "value, or to ±1 percentage point for a chance")


def simulation_json(result: Simulation) -> dict[str, Any]:
    """The simulation's document as a dict (for ``--json`` output)."""
    doc: dict[str, Any] = json.loads(result.to_json())
    return doc


def risk_search_json(search: RiskPlan) -> dict[str, Any]:
    """A risk search (``plan --risk``) as a JSON-ready dict: target, met, why, rounds."""
    from dataclasses import asdict

    return {"target": search.target, "met": search.met, "message": search.message,
            "rounds": [asdict(r) for r in search.rounds]}


def print_risk_search(search: RiskPlan, console: Console) -> None:
    """Each plan of a risk search (``plan --risk``): what it kept in hand, what it cost,
    the chance of shortfall; then whether the target held, in words."""
    table = FitTable(f"Plans for a risk of at most {fmt(100 * search.target)} %",
                     *(Column(name, numeric=name != "from")
                       for name in ("margin", "reserve", "from", "P(short)", "mobilized t",
                                    "labour-days")))
    for r in search.rounds:
        table.add_row(f"{fmt(100 * r.margin)} %", f"{r.reserve_days:g} d", r.from_date or "-",
                      round_chance(r),
                      fmt(r.mobilized_t), fmt(r.labour_days))
    console.print(table)
    console.print(inert(("Met: " if search.met else "Not met: ") + search.message))


def round_chance(r: Any) -> str:
    """A search round's chance of shortfall with its standard error, as :func:`_pm` ('6 ±
    1 %'): in the search's table and in its sentence alike."""
    return percent({"value": r.p_shortfall, "se": r.se}, runs=2)


def _date_words(text: str) -> str:
    """``text`` with its ISO dates (2024-11-04) written as the report writes dates: 4 Nov
    2024."""
    def said(match: re.Match[str]) -> str:
        return said_date(dt.date.fromisoformat(match.group(0)))

    return re.sub(r"\b\d{4}-\d{2}-\d{2}\b", said, text)


#: The risk targets of the trade-off table.
TRADEOFF_TARGETS = (0.5, 0.2, 0.1, 0.05, 0.01)


def tradeoff_rows(search: RiskPlan) -> list[tuple[float, Any]]:
    """For each target of :data:`TRADEOFF_TARGETS`, the first plan of the search whose chance
    of shortfall is at most it (``None`` where none is)."""
    return [(target, next((r for r in search.rounds if r.p_shortfall <= target), None))
            for target in TRADEOFF_TARGETS]


def risk_search_section(plan: Plan, context: ReportContext) -> Section | None:
    """The plans of a risk search and the trade-off: what each risk target costs in tonnes
    mobilized and labour-days, when a search (``plan --risk``) is in ``context.results``."""
    from supplyline.report.sections import Section, figure, table

    search = context.results.get("risk_search")
    if search is None or not getattr(search, "rounds", None):
        return None
    base = search.rounds[0]
    rounds = [(f"{fmt(100 * r.margin)} %", f"{r.reserve_days:g}",
               _date_words(r.from_date) if r.from_date else "-",
               round_chance(r), fmt(r.mobilized_t),
               fmt(r.mobilized_t - base.mobilized_t), fmt(r.labour_days),
               fmt(r.labour_days - base.labour_days)) for r in search.rounds]
    curve = []
    for target, r in tradeoff_rows(search):
        if r is None:
            curve.append((f"{fmt(100 * target)} %", "not reached", "", ""))
        else:
            curve.append((f"{fmt(100 * target)} %", round_chance(r),
                          fmt(r.mobilized_t - base.mobilized_t),
                          fmt(r.labour_days - base.labour_days)))
    bubbles = [svg.Bubble(100 * r.p_shortfall, r.mobilized_t - base.mobilized_t,
                          max(r.labour_days - base.labour_days, 0.0), "#1f77b4",
                          f"capacity kept {fmt(100 * r.margin)} %, reserve {days(r.reserve_days)}"
                          f": chance of shortfall {round_chance(r)}, "
                          f"{fmt(r.mobilized_t - base.mobilized_t)} t and "
                          f"{fmt(r.labour_days - base.labour_days)} labour-days more")
               for r in search.rounds]
    chart = figure(svg.scatter_chart("chart-risk-tradeoff", "What safety costs", bubbles,
                                     "chance some front goes short (%)",
                                     "extra mobilized (t)", x_top=100.0),
                   "", "Each plan of the search: its chance of shortfall in simulation against "
                   "the tonnes it mobilizes beyond the plain plan; a bubble's area is its "
                   "extra labour-days.")
    said = _date_words(("Met: " if search.met else "Not met: ") + search.message)
    body = (f"<p>{escape(said)}</p>"
            + chart
            + table("table-risk-rounds", ["capacity kept", "reserve (days)", "from",
                                          "chance of shortfall", "mobilized (t)", "extra (t)",
                                          "labour-days", "extra labour-days"], rounds,
                    [True, True, False, True, True, True, True, True])
            + "<p>What each risk target costs: the first plan of the search that meets it, "
              "against the plain plan.</p>"
            + table("table-risk-tradeoff", ["risk target", "chance reached",
                                            "extra mobilized (t)", "extra labour-days"],
                    curve, [True, True, True, True]))
    return Section("risk-target", "Safety against risk", body, wide=True)
