"""A sweep of 32 variants of the tutorial on a local Dask cluster of 1 and of 2 workers.

The variants are every combination of four porter payloads, four air-threat probabilities
and two bicycle payloads (``--vary`` as ``supplyline sweep`` takes it). For each number of
workers: the time to start the cluster, the sweep's wall time (first task submitted to last
result written, the Parquet table included) and the speed-up over one worker; beside them,
the same 32 plans made one after the other in this process (no Dask). Every run must give
the same objectives, variant by variant.

Run from the repository root::

    python -m benchmarks.bench_sweep            # print the table
    python -m benchmarks.bench_sweep --write    # and update docs/benchmarks.md
    python -m benchmarks.bench_sweep --variants 4 --workers 1,2   # a quick check
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._common import OtherLoad, fail, stamp, table, write_section

VARY = [
    "modes.porter.payload_kg=15:30:5",
    "threats.air[0].windows[*].day_probability=0.2:0.8:0.2",
    "modes.bicycle.payload_kg=100,120",
]


def variants(count: int) -> list[Any]:
    import supplyline as sl
    from supplyline.sweep import make_variants, parse_vary

    made = make_variants(sl.load("tutorial"), [parse_vary(v) for v in VARY], "tutorial")
    return made[:count]


def one_by_one(chosen: list[Any]) -> tuple[float, dict[int, float]]:
    import supplyline as sl

    started = time.perf_counter()
    objectives = {v.index: sl.plan(v.scenario).objective for v in chosen}
    return time.perf_counter() - started, objectives


def on_cluster(chosen: list[Any], workers: int) -> dict[str, Any]:
    import distributed

    from supplyline.sweep.run import HTTP_ADDRESS, run_sweep

    started = time.perf_counter()
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  dashboard_address=HTTP_ADDRESS,
                                  silence_logs=logging.CRITICAL) as cluster, \
            distributed.Client(cluster) as client:
        client.wait_for_workers(workers)
        client.run(lambda: __import__("supplyline.plan"))  # imports done before timing
        start_s = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as folder, OtherLoad() as other:
            result = run_sweep(chosen, Path(folder) / "sweep.parquet", client=client)
    return {
        "workers": workers, "start_s": start_s, "sweep_s": result.seconds,
        "failed": len(result.failed), "other_cores": other.cores,
        "objectives": {i: r.get("objective") for i, r in result.records.items()},
    }


def check_runs(runs: list[dict[str, Any]], reference: dict[int, float]) -> None:
    """Stop with an error where a sweep left a variant out or failed one: its wall time would
    then be that of fewer plans than the one-by-one run's."""
    for run in runs:
        missing = sorted(set(reference) - set(run["objectives"]))
        failed = sorted(i for i, objective in run["objectives"].items() if objective is None)
        if run["failed"] or missing or failed:
            fail(f"bench_sweep: the sweep on {run['workers']} worker(s) planned "
                 f"{len(run['objectives']) - len(failed)} of {len(reference)} variants "
                 f"({run['failed']} failed, missing {missing or 'none'}), so nothing is "
                 "written")


def speed_ups(runs: list[dict[str, Any]]) -> list[str]:
    """Each run's speed-up over the run on one worker ('-' without one)."""
    one = next((run["sweep_s"] for run in runs if run["workers"] == 1), None)
    return ["-" if one is None else f"{one / run['sweep_s']:.2f}×" for run in runs]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", type=int, default=32, help="variants (at most 32)")
    parser.add_argument("--workers", default="1,2", help="cluster sizes to run")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args(argv)
    chosen = variants(args.variants)
    serial_s, reference = one_by_one(chosen)
    runs = [on_cluster(chosen, int(n)) for n in args.workers.split(",")]
    check_runs(runs, reference)
    rows = [["one by one, no Dask", "-", f"{serial_s:.1f} s", "-", "0", "-"]]
    agree = True
    for run, speed_up in zip(runs, speed_ups(runs), strict=True):
        for i, objective in run["objectives"].items():
            agree &= abs(objective - reference[i]) <= 1e-6 * max(1.0, abs(reference[i]))
        rows.append([f"{run['workers']} worker{'s' * (run['workers'] != 1)}",
                     f"{run['start_s']:.1f} s", f"{run['sweep_s']:.1f} s", speed_up,
                     str(run["failed"]), f"{run['other_cores']:.1f}"])
    body = "\n".join([
        f"{len(chosen)} variants of the tutorial: `"
        + "` × `".join(VARY) + "`.",
        "",
        table(["run", "cluster start", "sweep wall", "speed-up over 1 worker", "failed",
               "others' load (cores)"], rows),
        "",
        "Sweep wall: first task submitted to the last result written to the Parquet table; "
        "the cluster's start (worker processes, imports) is apart. Objectives of every run "
        "equal to the plans made one by one (1e-6 relative): "
        + ("**yes**" if agree else "**NO**") + f". Machine: {os.cpu_count()} cores; the last "
        "column gives the cores other processes kept busy during the sweep.",
    ])
    print(body)
    if args.write:
        write_section("bench_sweep", stamp(["dask", "distributed"]) + "\n\n" + body)


if __name__ == "__main__":
    main()
