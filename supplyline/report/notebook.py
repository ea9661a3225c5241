"""What a notebook shows of a plan: a short HTML summary (``Plan._repr_html_``)."""

from __future__ import annotations

import html

from supplyline.plan.result import Plan
from supplyline.report.facts import outcome_lines
from supplyline.report.sections import day_date, horizon_words, percent
from supplyline.report.svg import fmt

__all__ = ["plan_html"]


def plan_html(plan: Plan) -> str:
    """The plan's headline figures and its commodities as a small HTML block, then why the
    fronts go short and what else the plan could not do (as the terminal says them), and
    with ``risk=``, whether its target held."""
    esc = html.escape
    kpis = plan.kpis()
    sc = plan.network.scenario
    demand, delivered = float(kpis["demand_t"]), float(kpis["delivered_t"])
    met = delivered / demand if demand > 0 else 1.0
    net = plan.network
    rows = "".join(
        f"<tr><td>{esc(net.commodity_label(net.commodity_ids.index(cid)))}</td><td>{fmt(row['demand_t'])}</td>"
        f"<td>{fmt(row['delivered_t'])}</td><td>{fmt(row['shortfall_t'])}</td>"
        f"<td>{row['shortfall_days']}</td><td>{fmt(row['mobilized_t'])}</td>"
        f"<td>{fmt(row['eaten_on_way_t'])}</td><td>{fmt(row['burned_t'])}</td></tr>"
        for cid, row in kpis["by_commodity"].items()
        if row["demand_t"] > 0 or row["mobilized_t"] > 0)
    replay = f", replay <code>{esc(plan.replay)}</code>" if plan.replay else ""
    said = outcome_lines(plan)
    if plan.risk is not None:
        said.append(("Risk target met: " if plan.risk.met else "Risk target not met: ")
                    + plan.risk.message.rstrip(".") + ".")
    notes = "".join(f"<li>{esc(words)}</li>" for words in said)
    return (
        f"<div><b>{esc(sc.title)}</b>{replay}<br>"
        f"{day_date(plan, 0)} – {day_date(plan, plan.days - 1)} ({esc(horizon_words(plan))});"
        f" solver {esc(plan.status)}<br>"
        f"delivered <b>{fmt(delivered)} t</b> of {fmt(demand)} t ({percent(met)}); "
        f"{kpis['shortfall_days']} shortfall day{'' if kpis['shortfall_days'] == 1 else 's'}"
        f"; mobilized {fmt(kpis['mobilized_t'])} t, "
        f"{fmt(kpis['eaten_on_way_t'])} t eaten on the way"
        "<table><thead><tr><th>commodity</th><th>demand (t)</th><th>delivered (t)</th>"
        "<th>short (t)</th><th>short days</th><th>mobilized (t)</th><th>eaten (t)</th>"
        "<th>burned (t)</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
        + (f"<ul>{notes}</ul>" if notes else "") + "</div>")
