"""What the fleet term, the front's stock cost and true explanations cost in solve time.

Per scenario (and replay), the plan is solved with the objective as it is, and with the fleet
term and the front's stock cost switched off (``weights.fleet_per_unit: 0`` and
``FRONT_STOCK_COST_PER_KG_DAY = 0``: the fleet rows stay, so this bounds the cost of the two
terms, not of the rows); then the explanation of a shortfall is timed on its own (the
candidates, and the warm-started re-solves that confirm them on LPs small enough).

Run from the repository root::

    python -m benchmarks.bench_answers                                  # tutorial, 3 runs
    python -m benchmarks.bench_answers --scenario dien-bien-phu-1954 --runs 1
    python -m benchmarks.bench_answers --scenario dien-bien-phu-1954 --replay historical --runs 1
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import supplyline as sl
from supplyline.plan import diagnose, model
from supplyline.plan.model import build_lp, solve_lp


def _scenario(name: str, terms: bool) -> sl.Scenario:
    sc = sl.load(name)
    if terms:
        return sc
    doc: dict[str, Any] = sc.model_dump(by_alias=True, mode="json")
    doc["policy"].setdefault("weights", {})["fleet_per_unit"] = 0.0
    return sl.Scenario.model_validate(doc)


def _solve(name: str, replay: str | None, terms: bool) -> tuple[float, float, Any]:
    saved = model.FRONT_STOCK_COST_PER_KG_DAY
    if not terms:
        model.FRONT_STOCK_COST_PER_KG_DAY = 0.0
    try:
        net = sl.compile_network(_scenario(name, terms))
        chosen = next((r for r in net.scenario.replays if r.name == replay), None)
        lp = build_lp(net, chosen)
        started = time.perf_counter()
        sol = solve_lp(lp, solver="ipm")
        return time.perf_counter() - started, float(lp.n_columns), (lp, sol)
    finally:
        model.FRONT_STOCK_COST_PER_KG_DAY = saved


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="tutorial")
    parser.add_argument("--replay", default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    rows = []
    last: Any = None
    for terms in (True, False):
        times = []
        for _ in range(args.runs):
            seconds, columns, last_terms = _solve(args.scenario, args.replay, terms)
            times.append(seconds)
            if terms:
                last = last_terms
        rows.append((terms, statistics.median(times), min(times), max(times), columns))
    print(f"{args.scenario}{' --replay ' + args.replay if args.replay else ''}: "
          f"{int(rows[0][4]):,} columns, {args.runs} runs each")
    print(f"{'objective':<40} {'median s':>9} {'fastest':>8} {'slowest':>8}")
    for terms, median, fastest, slowest, _ in rows:
        label = "with fleet term and front stock cost" if terms else "without them (rows kept)"
        print(f"{label:<40} {median:9.2f} {fastest:8.2f} {slowest:8.2f}")
    lp, sol = last
    started = time.perf_counter()
    limits, verified = diagnose.binding_limits(lp, sol)
    seconds = time.perf_counter() - started
    shortfall = diagnose.shortfall_kg(lp, sol.x) / 1000.0
    print(f"explaining a shortfall of {shortfall:,.1f} t: {seconds:.2f} s, {len(limits)} limits "
          f"named, {'confirmed by re-solving' if verified else 'not re-solved (large LP)'}")


if __name__ == "__main__":
    main()
