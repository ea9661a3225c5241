"""How long the report's map and the whole HTML report take as the network grows.

For each size, a synthetic scenario (three days, porters and pack bicycles, rice and salt) is
planned first, in one step of its three days (not timed here, and not what is measured: day
by day, the plan of 1,000 places ran past ten minutes; see bench_plan), then the map is
laid out and drawn (names placed, parallel routes bowed, inset chosen), the whole report is
rendered, and, with the ``plot`` extra, the matplotlib map is drawn. Each step runs
``--repeat`` times; the best time is kept.

Run from the repository root::

    python -m benchmarks.bench_report                         # 100, 300 and 1000 places
    python -m benchmarks.bench_report --places 60 --repeat 1  # a quick look
    python -m benchmarks.bench_report --write                 # update docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import supplyline as sl
from benchmarks._common import stamp, table, write_section
from supplyline.report.html import render_report
from supplyline.report.map import draw_map
from supplyline.scenario.synthetic import synthetic_scenario

#: The report of a 1,000-place network should be drawn in under this many seconds.
TARGET_S = 5.0


def _best(step: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = step()
        best = min(best, time.perf_counter() - start)
    return best, result


def measure(places: int, repeat: int) -> list[str]:
    """One row of the table: places, routes, seconds for the map, the report and the
    matplotlib map, names shown by number, and whether an inset was drawn."""
    scenario = synthetic_scenario(places=places, days=3, modes=2, commodities=2, seed=0)
    plan = sl.plan(scenario, step_days=3)
    map_s, drawing = _best(lambda: draw_map(plan), repeat)
    report_s, _ = _best(lambda: render_report(plan), repeat)
    try:
        plot_s, _ = _best(lambda: plan.plot.map(), repeat)
        plot = f"{plot_s:.2f}"
    except ImportError:
        plot = "(no matplotlib)"
    return [f"{places:,}", f"{len(scenario.routes):,}", f"{map_s:.2f}", f"{report_s:.2f}", plot,
            f"{len(drawing.numbered)}", "yes" if 'id="map-inset"' in drawing.svg else "no"]


def target_words(rows: list[list[str]]) -> str:
    """The target, and whether the row of 1,000 places meets it (not judged without one)."""
    said = f"Target: the report of 1,000 places in under {TARGET_S:g} s."
    biggest = [r for r in rows if r[0] == "1,000"]
    if not biggest:
        return f"{said} Not judged: no network of 1,000 places in this run."
    seconds = float(biggest[0][3])
    return (f"{said} Measured: {seconds:.2f} s — "
            + ("**met**." if seconds < TARGET_S else "**NOT met**."))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    rows = []
    for places in args.places:
        rows.append(measure(places, args.repeat))
        print(" | ".join(rows[-1]), flush=True)
    header = ["places", "routes", "map (s)", "whole report (s)", "plot.map() (s)",
              "names by number", "inset"]
    body = (f"{stamp(['matplotlib'])}\n\n{table(header, rows)}\n\n{target_words(rows)} Each "
            "plan is made in one step of its three days; its solve is not timed.")
    print(body)
    if args.write:
        write_section("bench_report", "## Report and map\n\n" + body)


if __name__ == "__main__":
    main()
