"""Summary tables of a plan and of its validation, printed in the terminal with Rich."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table
from rich.text import Text

from supplyline.plan.metrics import MetricValue
from supplyline.plan.result import Plan
from supplyline.report.facts import (
    burden_bound,
    mode_name,
    place_name,
    route_facts,
    short_label,
    shortfall_words,
    shortfalls,
)
from supplyline.report.inert import inert, plain
from supplyline.report.sections import day_date, percent
from supplyline.report.svg import fmt

__all__ = ["print_plan_summary", "print_validation"]


def _table(title: str, *columns: str, numeric: Sequence[bool] = ()) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    for i, name in enumerate(columns):
        right = i < len(numeric) and numeric[i]
        table.add_column(name, justify="right" if right else "left")
    return table


def _headline(plan: Plan, kpis: dict[str, Any]) -> Table:
    demand, delivered = float(kpis["demand_t"]), float(kpis["delivered_t"])
    mobilized, eaten = float(kpis["mobilized_t"]), float(kpis["eaten_on_way_t"])
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    met = delivered / demand if demand > 0 else 1.0
    style = "green" if met >= 0.999 else "red"
    table.add_row("delivered", Text(f"{fmt(delivered)} t of {fmt(demand)} t demanded "
                                    f"({percent(met)})", style=style))
    table.add_row("shortfall days", Text(f"{kpis['shortfall_days']} of {plan.days}",
                                         style="red" if kpis["shortfall_days"] else "green"))
    table.add_row("mobilized", f"{fmt(mobilized)} t")
    share = f" ({percent(eaten / mobilized)} of mobilized)" if mobilized > 0 else ""
    table.add_row("eaten on the way", f"{fmt(eaten)} t{share}")
    labour = plan.labour_days()
    table.add_row("labour-days", f"{fmt(labour['total'])} (carriers {fmt(labour['carriers'])}, "
                  f"road works {fmt(labour['road_works'])}, repair crews "
                  f"{fmt(labour['repair_crews'])})")
    cost, per_t = kpis["cost"], kpis["cost"]["per_t_delivered"]
    if cost["total"] > 0 and per_t is not None:
        currency = inert(str(cost["currency"]))
        table.add_row("cost", Text.assemble(f"{fmt(per_t)} ", currency, " per tonne delivered "
                                            f"({fmt(float(cost['total']))} ", currency, ")"))
    if kpis["wounded_late_person_days"] > 0:
        table.add_row("wounded waiting too long",
                      Text(f"{fmt(float(kpis['wounded_late_person_days']))} person-days",
                           style="red"))
    return table


def _commodities(kpis: dict[str, Any]) -> Table:
    table = _table("Delivered vs demand", "commodity", "demand", "delivered", "short", "met",
                   "short days", "mobilized", "eaten", "destroyed", "spoiled",
                   numeric=[False, *([True] * 9)])
    table.caption = "tonnes; eaten: rations and fuel on the way"
    for cid, row in kpis["by_commodity"].items():
        if row["demand_t"] <= 0 and row["mobilized_t"] <= 0:
            continue
        met = row["delivered_t"] / row["demand_t"] if row["demand_t"] > 0 else 1.0
        table.add_row(inert(cid), fmt(row["demand_t"]), fmt(row["delivered_t"]),
                      Text(fmt(row["shortfall_t"]), style="red" if row["shortfall_t"] > 1e-3
                           else ""),
                      percent(met), str(row["shortfall_days"]), fmt(row["mobilized_t"]),
                      fmt(row["eaten_on_way_t"] + row["burned_t"]), fmt(row["lost_t"]),
                      fmt(row["spoiled_t"]))
    return table


def _regions(kpis: dict[str, Any]) -> Table:
    regions: dict[str, float] = kpis["mobilized_by_region_t"]
    total = sum(regions.values()) or 1.0
    table = _table("Mobilized per region", "region", "t", "share", numeric=[False, True, True])
    for tag, tonnes in sorted(regions.items(), key=lambda kv: -kv[1]):
        table.add_row(inert(tag), fmt(tonnes), percent(tonnes / total))
    if len(regions) > 1:
        table.caption = "a locality with several region tags counts in each of them"
    return table


def _in_steps(plan: Plan) -> str:
    steps = plan.steps_description()
    return f", {steps}" if steps else ""


def _carriers(plan: Plan) -> Table:
    net = plan.network
    in_use = plan.units_in_use()
    unit_days = plan.unit_days()
    needed = plan.fleet_needed()
    table = _table("Carriers by mode", "mode", "recruited", "needed", "persons at peak",
                   "unit-days", numeric=[False, True, True, True, True])
    table.caption = "needed: the most in service at once, which the plan minimizes"
    for m in range(net.n_modes):
        peak = float(in_use[m].max(initial=0.0))
        if peak <= 1e-6 and plan.recruited_units[:, m].sum() <= 1e-6:
            continue
        table.add_row(inert(short_label(mode_name(net, m))),
                      fmt(float(plan.recruited_units[:, m].sum())),
                      fmt(float(needed[m])), fmt(peak * float(net.crew_per_unit[m])),
                      fmt(float(unit_days[m])))
    return table


def _burden(plan: Plan, count: int = 8) -> Table:
    net = plan.network
    food, labour = plan.burden()
    bound, what = burden_bound(plan)
    table = _table("Most burdened localities", "locality", "food burden", "labour burden",
                   numeric=[False, True, True])
    table.caption = f"bound {percent(bound)}: {what}"
    worst = np.argsort(-np.maximum(food, labour), kind="stable")[:count]
    for p in worst:
        if max(food[p], labour[p]) <= 0:
            continue
        high = max(food[p], labour[p]) >= bound - 1e-6
        table.add_row(inert(short_label(place_name(net, int(p)), 40)), percent(float(food[p])),
                      percent(float(labour[p])), style="yellow" if high else "")
    return table


def _routes(plan: Plan, count: int = 8) -> Table:
    net = plan.network
    facts = route_facts(plan)
    table = _table("Busiest routes", "route", "from → to", "km", "t carried", "t eaten on way",
                   "days at capacity", numeric=[False, False, True, True, True, True])
    for r in np.argsort(-facts.tonnes, kind="stable")[:count]:
        if facts.tonnes[r] <= 0:
            continue
        days = int(facts.at_capacity_days[r])
        table.add_row(inert(net.route_names[r]),
                      inert(f"{net.place_ids[facts.start[r]]} → {net.place_ids[facts.end[r]]}"),
                      fmt(float(facts.length_km[r])), fmt(float(facts.tonnes[r])),
                      fmt(float(facts.eaten_t[r])),
                      Text(str(days), style="red" if days else ""))
    return table


def _findings(plan: Plan, console: Console) -> None:
    groups = shortfalls(plan)
    if not groups:
        console.print("[green]All demand is met.[/green]")
    else:
        console.print("[bold red]Why demand is not met[/bold red]")
        for group in groups:
            what, why = shortfall_words(plan, group)
            console.print(inert(f"• {group.front} {what} {why}"))
    notes = plan.gave_up()
    if notes:
        console.print("[bold red]What else the plan could not do[/bold red]")
        for note in notes:
            console.print(inert(f"• {note}"))


def print_plan_summary(plan: Plan, console: Console) -> None:
    """Print a plan's key figures as Rich tables.

    Shows delivered vs demand per commodity, shortfall days, tonnes mobilized per region,
    food eaten on the way, labour-days, carriers by mode, the most burdened localities, the
    busiest routes, and the findings (why demand is unmet) in words.

    Parameters
    ----------
    plan:
        The solved plan.
    console:
        Where to print (``rich.console.Console()`` for the terminal).
    """
    sc = plan.network.scenario
    kpis = plan.kpis()
    replay = f", replay {plain(plan.replay)}" if plan.replay else ""
    status_style = "green" if plan.status == "optimal" else "red"
    console.rule(Text(plain(sc.title), style="bold"))
    console.print(Text.assemble(
        f"{day_date(plan, 0)} – {day_date(plan, plan.days - 1)} ({plan.days} days"
        f"{_in_steps(plan)}){replay}; "
        "solver ", (plan.status, status_style),
        f" in {fmt(plan.build_seconds + plan.solve_seconds)} s"))
    if plan.solver_note:
        console.print(Text(plan.solver_note, style="dim"))
    console.print(_headline(plan, kpis))
    for table in (_commodities(kpis), _regions(kpis), _carriers(plan), _burden(plan),
                  _routes(plan)):
        if table.row_count:
            console.print(table)
    _findings(plan, console)


def _history(v: MetricValue) -> str:
    """The historical figure with what counts as agreeing: '47 ± 5 %', '≥ 22,370 t'."""
    if v.compare == "at_least":
        return f"≥ {fmt(v.value - v.tolerance)} {v.unit}"
    if v.compare == "at_most":
        return f"≤ {fmt(v.value + v.tolerance)} {v.unit}"
    spread = f" ± {fmt(v.tolerance)}" if v.tolerance else ""
    return f"{fmt(v.value)}{spread} {v.unit}"


def print_validation(values: Sequence[MetricValue], console: Console) -> None:
    """Print model-vs-history figures as a Rich table, with a pass count.

    Parameters
    ----------
    values:
        From :func:`supplyline.validate`.
    console:
        Where to print.
    """
    if not values:
        console.print("No historical figures apply to this plan.")
        return
    table = _table("Model against history", "figure", "model", "history", "result",
                   numeric=[False, True, True, False])
    for i, v in enumerate(values, start=1):
        label = Text.assemble(plain(f"{v.id} [{i}]"),
                              (plain("\n" + v.description) if v.description else "", "dim"))
        if v.is_input:
            result = Text("input", style="bold yellow")
        elif v.passed:
            result = Text("pass", style="bold green")
        else:
            result = Text("FAIL", style="bold red")
        table.add_row(label, inert(f"{fmt(v.model)} {v.unit}"), inert(_history(v)), result)
    console.print(table)
    for i, v in enumerate(values, start=1):
        console.print(Text(plain(f"[{i}] {v.source}"), style="dim"))
        if v.is_input:
            console.print(Text(plain(f"    input, not a test: {v.input_reason}"), style="yellow"))
    computed = [v for v in values if not v.is_input]
    passed = sum(v.passed for v in computed)
    style = "green" if passed == len(computed) else "red"
    inputs = len(values) - len(computed)
    also = f"; {inputs} set by the inputs, shown but not tested" if inputs else ""
    console.print(Text(f"{passed} of {len(computed)} computed figures within tolerance{also}",
                       style=style))
