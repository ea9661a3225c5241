"""Why demand goes unmet: read from the LP's duals, told in domain words.

A constraint whose dual is non-zero binds: loosening it would lower the cost. When the plan
falls short, the cost is dominated by the shortfall penalty, so the constraints with the
largest duals are the ones that keep food from the front. We name them: a route at capacity,
a locality's labour exhausted, carriers all in use, food taken down to subsistence.
"""

from __future__ import annotations

import numpy as np

from supplyline.plan.model import LinearProgram, Solution
from supplyline.plan.result import Finding, Plan

#: A dual below this share of the shortfall weight is not reported as binding.
RELEVANT_SHARE = 1e-3


def _describe_rows(lp: LinearProgram, sol: Solution, limit: int) -> list[str]:
    net = lp.net
    weight = net.weights.shortfall_per_kg
    threshold = weight * RELEVANT_SHARE
    scores: dict[str, float] = {}
    for block, offset in zip(lp.assembled.blocks, lp.assembled.offsets, strict=True):
        if block.n_rows == 0:
            continue
        duals = np.abs(sol.row_dual[offset : offset + block.n_rows])
        hot = np.nonzero(duals > threshold * 1e-3)[0]
        for i in hot:
            keys = block.keys[i]
            text = _row_words(lp, block.family, keys)
            if text is not None:
                scores[text] = scores.get(text, 0.0) + float(duals[i])
    # Food taken down to what the people must keep: 'given' columns at their upper bound.
    v = lp.variables
    given_last = v.given[:, :, -1]
    for p, g in zip(*np.nonzero(given_last >= 0), strict=True):
        col = given_last[p, g]
        if sol.x[col] >= v.upper[col] - 1e-6 and v.upper[col] > 0 and lp.replay is None:
            cid = net.commodity_ids[v.goods[g]]
            text = (f"{net.place_ids[p]} gives all the {cid} it can above subsistence "
                    f"({v.upper[col] / 1000:,.1f} t)")
            scores[text] = scores.get(text, 0.0) + threshold
    # Carriers all in use: units in service at their upper bound (all the place owns) on
    # some step.
    for p, m in zip(*np.nonzero((v.in_service >= 0).any(axis=2)), strict=True):
        cols = v.in_service[p, m]
        cols = cols[cols >= 0]
        cap = v.upper[cols]
        full = np.isfinite(cap) & (cap > 0) & (sol.x[cols] >= cap - 1e-6)
        if full.any():
            text = (f"all {cap[0]:,.0f} {net.mode_ids[m]} units of "
                    f"{net.place_ids[p]} in service")
            scores[text] = scores.get(text, 0.0) + threshold
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    return [text for text, score in ranked[:limit] if score > threshold * 1e-3]


def _row_words(lp: LinearProgram, family: str, keys: np.ndarray) -> str | None:
    net = lp.net
    if family in ("route_movements", "route_tonnage"):
        a = int(keys[0])
        route = net.route_ids[net.arc_route[a]]
        what = "unit movements" if family == "route_movements" else "tonnage"
        return (f"route {route} ({net.place_ids[net.arc_from[a]]} → "
                f"{net.place_ids[net.arc_to[a]]}) at its {what} capacity")
    if family == "labour_fairness":
        p = int(keys[0])
        return f"labour of {net.place_ids[p]} exhausted ({net.labour_people[p]:,.0f} persons)"
    if family == "food_fairness":
        return f"fairness bound on what {net.place_ids[int(keys[0])]} may give"
    if family == "labour_days":
        return "labour-days: each person may serve only so many days"
    if family == "replay_given":
        return "the replay's fixed mobilization"
    if family == "replay_labour":
        return "the replay's labour-days"
    if family == "replay_carriers":
        mode = net.mode_ids[lp.replay.carrier_caps[int(keys[0])][0]] if lp.replay else "?"
        return f"the replay's number of {mode} units"
    return None


def explain_shortfall(lp: LinearProgram, sol: Solution, plan: Plan, limit: int = 5) -> None:
    """Fill ``plan.findings``: per front and commodity that falls short, from which day, how
    much, and the constraints that bind."""
    net = plan.network
    short = plan.demand_kg - plan.consumed_kg  # [P, G, S]
    binding: list[str] | None = None
    for p, g in zip(*np.nonzero(short.sum(axis=2) > 1.0), strict=True):
        steps = np.nonzero(short[p, g] > 1.0)[0]
        if steps.size == 0:
            continue
        if binding is None:
            binding = _describe_rows(lp, sol, limit)
        first = int(net.step_start[steps[0]])
        plan.findings.append(
            Finding(
                front=net.place_ids[p],
                commodity=plan.good_ids[g],
                first_day=first,
                first_date=str(net.start_date + np.timedelta64(first, "D").item()),
                shortfall_t=float(short[p, g].sum() / 1000.0),
                binding=binding,
            )
        )
