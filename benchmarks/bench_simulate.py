"""Speed of the Monte Carlo engine (``supplyline.simulate``) and its agreement with the SimPy
reference model (``benchmarks/simpy_reference.py``) and across devices.

- ``N`` runs of a scenario's plan over its whole horizon on the CPU: wall time, CPU time
  (the cores used), runs per second, peak memory (the resident set sampled during the
  simulation; the runs are cut into chunks so that it stays bounded whatever N); target:
  10,000 runs of the built-in scenario below 10 s on 2 cores, below 2 GiB; in single
  precision (the default) and, as the peer, the same runs in double precision;
- per run, against the reference model on the same plan, measured in the same process
  (target: at least 300× faster);
- ``--device gpu`` (CuPy): 1,000,000 runs on the GPU (target: below 1 minute), and the
  CPU-vs-GPU check: the same chunks with the same random numbers (drawn on the host) on
  both, run by run, then the GPU's own generator against the CPU's, within Monte Carlo
  error; each ends with an explicit verdict;
- ``--ks N``: the two-sample Kolmogorov-Smirnov test of total shortfall and front stock on
  the tutorial, N runs each (the issue asks 2,000; the test suite uses 50 reference runs).

Each figure is written beside its target and its verdict (met, **NOT met**); the CPU
targets are judged on 10,000 runs of the built-in scenario only, the GPU's on 1,000,000
runs. ``--device gpu`` stops with an error where there is no GPU (before planning), and
``--write`` puts its figures in a section of their own (``bench_simulate_gpu``), leaving
the CPU's alone.

The plan is made first and not timed; ``--plan-pickle FILE`` loads one made before
(``--save-plan FILE`` plans, writes it and stops), so that a machine can run the benchmark
without planning (the pickle needs the same supplyline and the same NumPy major version).
Run from the repository root::

    python -m benchmarks.bench_simulate                              # CPU, built-in scenario
    python -m benchmarks.bench_simulate --save-plan plan.pkl         # plan once
    python -m benchmarks.bench_simulate --plan-pickle plan.pkl --device gpu
    python -m benchmarks.bench_simulate --ks 2000 --write            # and the KS test; doc
    python -m benchmarks.bench_simulate --scenario tutorial --runs 200 --reference-runs 5
"""

from __future__ import annotations

import argparse
import importlib
import json
import pickle
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from benchmarks._common import OtherLoad, fail, stamp, table, write_section

TARGET_CPU_S = 10.0
TARGET_SPEEDUP = 300.0
TARGET_GPU_S = 60.0
TARGET_MEMORY_MIB = 2048.0
#: Relative difference under which CPU and GPU runs with the same random numbers are
#: called identical.
IDENTICAL = 1e-6


class PeakRss:
    """The largest resident set of this process while the block runs (MiB), sampled every
    few milliseconds from /proc (``getrusage`` keeps the peak of the whole process life,
    planning included)."""

    def __init__(self, every_s: float = 0.005) -> None:
        self.every_s = every_s
        self.start_mib = self.peak_mib = _rss_mib()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_mib = max(self.peak_mib, _rss_mib())
            self._stop.wait(self.every_s)

    def __enter__(self) -> PeakRss:
        self.start_mib = self.peak_mib = _rss_mib()
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mib = max(self.peak_mib, _rss_mib())


def _rss_mib() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def _plan(name: str) -> tuple[Any, float]:
    import supplyline as sl

    started = time.perf_counter()
    plan = sl.plan(sl.load(name))
    return plan, time.perf_counter() - started


def _load_plan(path: str) -> Any:
    with open(path, "rb") as handle:
        return pickle.load(handle)  # a file this script wrote (--save-plan)


def measure_cpu(plan: Any, runs: int, seed: int, workers: int | None,
                precision: str = "single") -> dict[str, Any]:
    import supplyline as sl

    # Warm-up: the compiled plan's caches.
    sl.simulate(plan, runs=min(runs, 50), seed=seed + 1, precision=precision)
    with OtherLoad() as other, PeakRss() as memory:
        started = time.perf_counter()
        cpu = time.process_time()
        result = sl.simulate(plan, runs=runs, seed=seed, workers=workers, precision=precision)
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu
    kpis = result.kpis()
    return {"runs": runs, "wall_s": wall, "cpu_s": cpu, "cores_used": cpu / wall,
            "per_run_ms": 1000.0 * wall / runs, "peak_rss_mib": memory.peak_mib,
            "rss_growth_mib": memory.peak_mib - memory.start_mib, "chunk": result.chunk,
            "workers": workers, "others_cores": other.cores, "precision": precision,
            "mean_shortfall_t": kpis["shortfall_t"]["value"],
            "p_any_shortfall": kpis["p_any_shortfall"]["value"]}


def measure_reference(plan: Any, runs: int, seed: int) -> dict[str, Any]:
    from benchmarks.simpy_reference import simulate_reference

    started = time.perf_counter()
    simulate_reference(plan, runs=runs, seed=seed)
    wall = time.perf_counter() - started
    return {"runs": runs, "wall_s": wall, "per_run_ms": 1000.0 * wall / runs}


def measure_gpu(plan: Any, runs: int, seed: int) -> dict[str, Any]:
    import supplyline as sl
    from supplyline.errors import SimulationError

    try:
        sl.simulate(plan, runs=1000, seed=seed + 1, device="gpu")  # warm-up: kernels, pool
    except SimulationError as error:
        return {"runs": runs, "status": f"not measured ({error})"}
    import cupy

    pool = cupy.get_default_memory_pool()
    pool.free_all_blocks()
    with PeakRss() as memory:
        started = time.perf_counter()
        result = sl.simulate(plan, runs=runs, seed=seed, device="gpu")
        cupy.cuda.Device().synchronize()
        wall = time.perf_counter() - started
    kpis = result.kpis()
    return {"runs": runs, "status": "measured", "wall_s": wall,
            "per_run_ms": 1000.0 * wall / runs, "chunk": result.chunk,
            "device_pool_gib": pool.total_bytes() / 2**30,
            "host_peak_rss_mib": memory.peak_mib,
            "device": cupy.cuda.runtime.getDeviceProperties(0)["name"].decode(),
            "mean_shortfall_t": kpis["shortfall_t"]["value"],
            "p_any_shortfall": kpis["p_any_shortfall"]["value"]}


class HostRandom:
    """NumPy's generator, its numbers moved to the GPU: the GPU engine then draws exactly
    what the CPU engine draws from the same seed."""

    def __init__(self, rng: np.random.Generator, xp: Any) -> None:
        self.rng = rng
        self.xp = xp

    def random(self, shape: tuple[int, ...]) -> Any:
        return self.xp.asarray(self.rng.random(shape))

    def standard_normal(self, shape: tuple[int, ...]) -> Any:
        return self.xp.asarray(self.rng.standard_normal(shape))


#: Per-run figures compared between devices: (name, key in run_chunk's output).
_FIGURES = ("consumed", "destroyed", "eaten", "final_stock", "short", "units_lost")


def check_same_streams(plan: Any, runs: int, seed: int) -> dict[str, Any]:
    """The same chunks of runs with the same random numbers on the CPU and on the GPU."""
    from supplyline.simulate.engine import compile_plan, run_chunk

    simulate_module = importlib.import_module("supplyline.simulate")

    try:
        import cupy
    except ImportError as error:
        return {"status": f"not run ({error})"}
    on_cpu = compile_plan(plan, np)
    on_gpu = compile_plan(plan, cupy)
    chunk = simulate_module.chunk_size(on_cpu)
    seeds = np.random.SeedSequence(seed).spawn(-(-runs // chunk))
    worst = 0.0
    differing = 0
    done = 0
    for i, child in enumerate(seeds):
        size = min(chunk, runs - i * chunk)
        a = run_chunk(on_cpu, size, np.random.default_rng(child))
        b = run_chunk(on_gpu, size, HostRandom(np.random.default_rng(child), cupy))
        for key in _FIGURES:
            x = np.asarray(a[key]).reshape(size, -1)
            y = cupy.asnumpy(b[key]).reshape(size, -1)
            rel = np.abs(x - y) / (1.0 + np.abs(x))
            per_run = rel.max(axis=1, initial=0.0)
            worst = max(worst, float(per_run.max(initial=0.0)))
            differing += int((per_run > IDENTICAL).sum())
        done += size
    identical = worst <= IDENTICAL
    verdict = ("IDENTICAL: every run the same on the CPU and the GPU "
               f"(largest relative difference {worst:.1e} <= {IDENTICAL:g})" if identical else
               f"NOT IDENTICAL: {differing} run-figures differ by more than {IDENTICAL:g} "
               f"(largest {worst:.1e}); rounding differs between devices and the policy's "
               "rounds, which do not settle in most steps, can carry it; see the Monte "
               "Carlo check")
    return {"status": "run", "runs": done, "largest_relative_difference": worst,
            "run_figures_differing": differing, "identical": identical, "verdict": verdict,
            "short": "identical" if identical else "not identical"}


def check_monte_carlo(plan: Any, runs: int, seed: int) -> dict[str, Any]:
    """The CPU and the GPU, each with its own generator from the same seed: the means of the
    headline figures within 4 combined standard errors, and the total shortfall's
    distributions by the two-sample KS test (p > 0.01)."""
    from scipy.stats import ks_2samp

    import supplyline as sl
    from supplyline.errors import SimulationError

    try:
        gpu = sl.simulate(plan, runs=runs, seed=seed, device="gpu")
    except SimulationError as error:
        return {"status": f"not run ({error})"}
    cpu = sl.simulate(plan, runs=runs, seed=seed)
    figures = {
        "shortfall_kg": (cpu.shortfall_kg.sum(axis=1), gpu.shortfall_kg.sum(axis=1)),
        "consumed_kg": (cpu.consumed_kg.sum(axis=1), gpu.consumed_kg.sum(axis=1)),
        "destroyed_kg": (cpu.destroyed_kg.sum(axis=1), gpu.destroyed_kg.sum(axis=1)),
        "units_lost": (cpu.units_lost.sum(axis=1), gpu.units_lost.sum(axis=1)),
        "short_any": (cpu.short_any.astype(float), gpu.short_any.astype(float)),
    }
    rows = {}
    agree = True
    for name, (a, b) in figures.items():
        se = float(np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size))
        z = float(abs(a.mean() - b.mean()) / se) if se > 0 else 0.0
        ok = z < 4.0 or (se == 0 and a.mean() == b.mean())
        agree &= ok
        rows[name] = {"cpu": float(a.mean()), "gpu": float(b.mean()), "z": z, "ok": ok}
    ks = float(ks_2samp(*figures["shortfall_kg"]).pvalue)
    agree &= ks > 0.01
    verdict = (f"AGREE within Monte Carlo error ({runs:,} runs each: every mean within 4 "
               f"standard errors, KS p = {ks:.3f} > 0.01)" if agree else
               f"DISAGREE ({runs:,} runs each): "
               + ", ".join(f"{k} z = {v['z']:.1f}" for k, v in rows.items() if not v["ok"])
               + f"; KS p = {ks:.3g}")
    return {"status": "run", "runs": runs, "figures": rows, "ks_shortfall_p": ks,
            "agree": agree, "verdict": verdict,
            "short": "agree" if agree else "DISAGREE"}


def ks_test(runs: int, seed: int) -> dict[str, Any]:
    from scipy.stats import ks_2samp

    import supplyline as sl
    from benchmarks.simpy_reference import simulate_reference

    plan, _ = _plan("tutorial")
    sim = sl.simulate(plan, runs=runs, seed=seed)
    started = time.perf_counter()
    ref = simulate_reference(plan, runs=runs, seed=seed + 1)
    reference_s = time.perf_counter() - started
    short = ks_2samp(sim.shortfall_kg.sum(axis=1), [r.shortfall_kg for r in ref])
    stock = ks_2samp(sim.front_stock_kg, [r.front_stock_kg for r in ref])
    return {"runs": runs, "shortfall_p": float(short.pvalue),
            "front_stock_p": float(stock.pvalue), "reference_s": reference_s,
            "mean_shortfall_kg": [float(sim.shortfall_kg.sum(axis=1).mean()),
                                  float(np.mean([r.shortfall_kg for r in ref]))]}


def _verdict(met: bool) -> str:
    return "met" if met else "**NOT met**"


def render(figures: dict[str, Any]) -> str:
    """The table: each figure beside its target and whether it is met. The CPU targets are
    for 10,000 runs of the built-in scenario and the GPU's for 1,000,000 runs: other runs
    are shown, not judged."""
    rows = []
    cpu, ref = figures.get("cpu"), figures.get("reference")
    on_gpu = figures.get("device") == "gpu"
    judged = figures["scenario"] == "dien-bien-phu-1954" and bool(cpu) and \
        cpu["runs"] == 10_000
    if cpu:
        rows.append([
            f"{cpu['runs']:,} runs on the CPU ({figures['scenario']})", f"{cpu['wall_s']:.1f} s",
            f"< {TARGET_CPU_S:.0f} s" if judged else "—",
            _verdict(cpu["wall_s"] < TARGET_CPU_S) if judged else "—",
            f"{cpu['per_run_ms']:.2f} ms a run; {cpu['cores_used']:.1f} cores used "
            f"(CPU {cpu['cpu_s']:.1f} s); chunks of {cpu['chunk']:,} runs; others' load "
            f"{cpu['others_cores']:.1f} cores; single precision (the default); mean "
            f"shortfall {cpu['mean_shortfall_t']:,.1f} t"])
        double = figures.get("cpu_double")
        if double:
            rows.append([
                "the same runs in double precision (the peer)", f"{double['wall_s']:.1f} s",
                "—", "—", f"{double['per_run_ms']:.2f} ms a run; {double['cores_used']:.1f} "
                f"cores used; chunks of {double['chunk']:,} runs; mean shortfall "
                f"{double['mean_shortfall_t']:,.1f} t; single precision "
                f"{double['wall_s'] / cpu['wall_s']:.1f}× as fast"])
        rows.append([
            "peak memory of that simulation", f"{cpu['peak_rss_mib']:,.0f} MiB",
            f"< {TARGET_MEMORY_MIB:,.0f} MiB" if judged else "—",
            _verdict(cpu["peak_rss_mib"] < TARGET_MEMORY_MIB) if judged else "—",
            f"resident set of the whole process; +{cpu['rss_growth_mib']:,.0f} MiB during "
            "the simulation"])
    if cpu and ref:
        speedup = ref["per_run_ms"] / cpu["per_run_ms"]
        rows.append([f"per run against the SimPy reference ({ref['runs']} runs)",
                     f"{speedup:,.0f}×", f"≥ {TARGET_SPEEDUP:.0f}×" if judged else "—",
                     _verdict(speedup >= TARGET_SPEEDUP) if judged else "—",
                     f"reference {ref['per_run_ms']:,.0f} ms a run"])
    gpu = figures.get("gpu")
    if gpu and gpu.get("status") == "measured":
        full = gpu["runs"] == 1_000_000
        rows.append([f"{gpu['runs']:,} runs on the GPU", f"{gpu['wall_s']:.1f} s",
                     f"< {TARGET_GPU_S:.0f} s" if full else "—",
                     _verdict(gpu["wall_s"] < TARGET_GPU_S) if full else "—",
                     f"{gpu['device']}; chunks of {gpu['chunk']:,} runs; device memory "
                     f"pool {gpu['device_pool_gib']:.1f} GiB"])
    elif not on_gpu:
        rows.append([f"{figures.get('gpu_runs', 1_000_000):,} runs on the GPU",
                     "not measured in this run", f"< {TARGET_GPU_S:.0f} s", "—",
                     "`--device gpu`, written to its own section"])
    for key, label in (("same_streams", "CPU and GPU, the same random numbers"),
                       ("monte_carlo", "CPU and GPU, each its own generator")):
        check = figures.get(key)
        if check and check.get("status") == "run":
            rows.append([f"{label} ({check['runs']:,} runs)", check["short"],
                         "identical or within Monte Carlo error",
                         _verdict(check.get("identical", check.get("agree", False))),
                         check["verdict"]])
    if "ks" in figures:
        ks = figures["ks"]
        passed = ks["shortfall_p"] > 0.01 and ks["front_stock_p"] > 0.01
        rows.append([f"KS test on the tutorial, {ks['runs']:,} runs each",
                     f"p = {ks['shortfall_p']:.3f} (shortfall), {ks['front_stock_p']:.3f} "
                     "(front stock)", "p > 0.01", _verdict(passed),
                     f"the reference took {ks['reference_s']:.0f} s"])
    body = table(["measurement", "figure", "target", "verdict", "notes"], rows)
    if cpu and not judged:
        body += ("\n\nThe CPU targets are for 10,000 runs of the built-in scenario "
                 "(dien-bien-phu-1954): not judged on this run.")
    planned = (f"The plan is made first ({figures['plan_s']:.0f} s, not counted)."
               if figures.get("plan_s") is not None else
               "The plan was loaded from a pickle (made before, not counted).")
    heading = "Monte Carlo simulation on a GPU" if on_gpu else "Monte Carlo simulation"
    return f"## {heading}\n\n{stamp(['simpy', 'cupy'])}\n\n{planned}\n\n{body}\n"


def not_measured(figures: dict[str, Any]) -> list[str]:
    """What a ``--device gpu`` run was asked for and could not measure (empty on the CPU)."""
    if figures.get("device") != "gpu":
        return []
    missed = []
    gpu = figures.get("gpu") or {}
    if gpu.get("status") != "measured":
        missed.append(f"{figures.get('gpu_runs', 0):,} runs on the GPU: "
                      f"{gpu.get('status', 'not run')}")
    for key in ("same_streams", "monte_carlo"):
        check = figures.get(key) or {}
        if check.get("status") != "run":
            missed.append(f"{key.replace('_', ' ')}: {check.get('status', 'not run')}")
    return missed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", default="dien-bien-phu-1954")
    parser.add_argument("--plan-pickle", metavar="FILE",
                        help="load the plan from this pickle (see --save-plan)")
    parser.add_argument("--save-plan", metavar="FILE",
                        help="plan the scenario, pickle the plan to FILE and stop")
    parser.add_argument("--device", choices=("cpu", "gpu"), default="cpu",
                        help="cpu: the CPU runs and the reference; gpu: the GPU runs and "
                             "the CPU-vs-GPU checks")
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=None,
                        help="threads on the CPU (default: the cores)")
    parser.add_argument("--reference-runs", type=int, default=20)
    parser.add_argument("--gpu-runs", type=int, default=1_000_000)
    parser.add_argument("--same-stream-runs", type=int, default=2_000,
                        help="runs of the CPU-vs-GPU check with the same random numbers")
    parser.add_argument("--check-runs", type=int, default=20_000,
                        help="runs of each device in the Monte Carlo CPU-vs-GPU check")
    parser.add_argument("--ks", type=int, default=0, metavar="N",
                        help="also the KS test on the tutorial with N runs each")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--json", metavar="PATH", help="also save the raw figures")
    args = parser.parse_args(argv)

    if args.save_plan:
        plan, seconds = _plan(args.scenario)
        Path(args.save_plan).write_bytes(pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL))
        print(f"planned {args.scenario} in {seconds:.0f} s; wrote {args.save_plan}")
        return
    if args.device == "gpu":  # before the plan (minutes on the built-in scenario)
        from supplyline.errors import SimulationError
        from supplyline.simulate import array_module

        try:
            array_module("gpu")
        except SimulationError as error:
            fail(f"bench_simulate: --device gpu: {error}")
    plan_s: float | None = None
    if args.plan_pickle:
        plan = _load_plan(args.plan_pickle)
        scenario = str(getattr(getattr(plan.network, "scenario", None), "name", args.scenario))
    else:
        plan, plan_s = _plan(args.scenario)
        scenario = args.scenario
    figures: dict[str, Any] = {"scenario": scenario, "plan_s": plan_s,
                               "gpu_runs": args.gpu_runs, "device": args.device}
    if args.device == "cpu":
        figures["cpu"] = measure_cpu(plan, args.runs, args.seed, args.workers)
        print(f"CPU: {args.runs:,} runs in {figures['cpu']['wall_s']:.1f} s", flush=True)
        figures["cpu_double"] = measure_cpu(plan, args.runs, args.seed, args.workers,
                                            precision="double")
        print(f"CPU, double precision: {figures['cpu_double']['wall_s']:.1f} s", flush=True)
        if args.reference_runs:
            figures["reference"] = measure_reference(plan, args.reference_runs, args.seed)
    else:
        figures["gpu"] = measure_gpu(plan, args.gpu_runs, args.seed)
        print(f"GPU: {figures['gpu']}", flush=True)
        figures["same_streams"] = check_same_streams(plan, args.same_stream_runs, args.seed)
        print(f"Same random numbers: {figures['same_streams'].get('verdict')}", flush=True)
        figures["monte_carlo"] = check_monte_carlo(plan, args.check_runs, args.seed)
        print(f"Own generators: {figures['monte_carlo'].get('verdict')}", flush=True)
    if args.ks:
        figures["ks"] = ks_test(args.ks, args.seed)
    text = render(figures)
    print(text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(figures, handle, indent=1)
    missed = not_measured(figures)
    if missed:
        fail("bench_simulate: --device gpu measured nothing on a GPU, so nothing is "
             "written:\n" + "\n".join(missed))
    if args.write:
        # The GPU's figures have a section of their own: a GPU run leaves the CPU's alone.
        write_section("bench_simulate_gpu" if args.device == "gpu" else "bench_simulate",
                      text)


if __name__ == "__main__":
    main()
