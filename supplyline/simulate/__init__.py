"""Simulation: a plan executed many times under random strikes, raids, rain and breakdowns.

>>> import supplyline as sl
>>> result = sl.simulate(sl.plan(sl.load("tutorial")), runs=200, seed=1)
>>> 0.0 <= result.kpis()["p_any_shortfall"]["value"] <= 1.0
True

The engine's rules: :mod:`supplyline.simulate.engine`; what is sent when reality falls short:
:mod:`supplyline.simulate.policy`; the draws: :mod:`supplyline.simulate.threats`.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

from supplyline.cores import usable_cores
from supplyline.errors import SimulationError, check_callback, not_flag, not_whole
from supplyline.plan.result import Plan
from supplyline.scenario.summary import counted
from supplyline.simulate.engine import Compiled, compile_plan, run_chunk
from supplyline.simulate.result import Simulation, is_short
from supplyline.state import State
from supplyline.text import did_you_mean
from supplyline.units import fmt

__all__ = ["DEVICES", "MAX_RUNS", "PRECISIONS", "SEED", "Simulation", "array_module",
           "check_runs", "check_seed", "simulate"]

#: The most runs one simulation makes: the result keeps every run's figures (about 0.5 kB
#: a run on the built-in scenario, so 500 MB at this many); a billion, asked for by a slip
#: of the keyboard, would end in running out of memory.
MAX_RUNS = 1_000_000

#: The seed of every simulation unless one is given, whoever asks: ``sl.simulate`` and
#: ``supplyline simulate``, the risk search (``plan_for_risk``), resilience's re-check
#: (``resilience(simulate_runs=...)``, ``resilience --simulate``); with the defaults, the
#: command line and Python draw the same runs. ``seed=None`` draws a fresh one instead.
SEED = 0

#: Where the runs can be computed.
DEVICES = ("cpu", "gpu")
#: The floating-point types the runs can be computed in. Single precision halves the memory
#: each operation reads and writes, and so is 1.4 to 1.9 times as fast (10,000 runs of the
#: built-in scenario, docs/simulate.md); its rounding (about 1e-7 of each amount, 1e-6 of a
#: sum of many) is far below any Monte Carlo error. Double
#: precision executes a plan exactly (the checks that a run without threats is the plan,
#: and that every kg is accounted for, are made in it).
PRECISIONS = {"single": np.float32, "double": np.float64}
#: Memory one chunk of runs may take (bytes), on the CPU and on a GPU: the runs are cut
#: into chunks that fit.
CHUNK_BYTES = {"cpu": 256 * 2**20, "gpu": 16 * 2**30}
#: Most runs in one chunk (the same chunks, and so the same results, for a seed whatever
#: N): on the CPU chunks small enough for the cores' caches and large enough that the
#: engine's work per day (about 0.2 s of Python per chunk over the built-in scenario)
#: is spread over many runs, on a GPU large enough to keep it busy.
MAX_CHUNK = 1000
MAX_CHUNK_GPU = 2**17
#: Runs whose reserve days are kept for the fan chart.
FAN_RUNS = 20_000


def array_module(device: str) -> Any:
    """NumPy for ``cpu``, CuPy for ``gpu`` (a :class:`SimulationError` when it is missing)."""
    if device not in DEVICES:
        hint = did_you_mean(device, DEVICES) if isinstance(device, str) else ""
        raise SimulationError(f"device must be one of {', '.join(DEVICES)}{hint}, "
                              f"got {device!r}")
    if device == "cpu":
        return np
    try:
        import cupy
    except ImportError as error:
        raise SimulationError(
            "expected CuPy and a CUDA GPU for device 'gpu' (pip install 'supplyline[gpu]'), "
            "got no CuPy") from error
    try:
        cupy.cuda.runtime.getDeviceCount()
    except Exception as error:  # CuPy installed, no usable GPU
        raise SimulationError(f"expected a usable CUDA GPU for device 'gpu', got none "
                              f"({error})") from error
    return cupy


def _generator(xp: Any, seed: np.random.SeedSequence) -> Any:
    """A random generator on the device from one spawned seed."""
    if xp is np:
        return np.random.default_rng(seed)
    return xp.random.default_rng(int(seed.generate_state(1, dtype=np.uint64)[0]))


def chunk_size(compiled: Compiled, device: str = "cpu") -> int:
    """Runs per chunk: at most :data:`MAX_CHUNK` (:data:`MAX_CHUNK_GPU` on a GPU), fewer
    where one run's arrays would not fit in :data:`CHUNK_BYTES`. A run's arrays are sized
    in the widest of :data:`PRECISIONS` whatever the precision asked for, so that both cut
    the runs into the same chunks and so draw the same runs (sized in their own type,
    single precision's chunks had been twice double's where memory bounds them, and a seed
    drew other runs in each)."""
    c = compiled
    plan = c.plan
    legs, goods, places = c.loaded.shape[0], c.n_goods, c.n_places
    # Steps ahead that units and cargo may arrive in (one more for a wet trip).
    ahead = 2 + int(max(0, (np.maximum(plan.legs.arrive_empty, plan.legs.cargo_arrives)
                            - np.arange(c.steps)[None, :]).max(initial=0)))
    widest = max(np.dtype(t).itemsize for t in PRECISIONS.values())
    per_run = widest * (16 * legs * goods + 40 * legs
                        + (ahead + 10) * places * (goods + c.n_modes)
                        + int(c.fronts.size) * c.steps * (goods + 2))
    most = MAX_CHUNK_GPU if device == "gpu" else MAX_CHUNK
    return int(max(1, min(most, CHUNK_BYTES[device] // max(per_run, 1))))


def check_runs(runs: object, name: str = "runs") -> None:
    """Raise :class:`SimulationError` unless ``runs`` (the argument ``name``) is a whole
    number from 1 to :data:`MAX_RUNS`."""
    if not_whole(runs, 1) or runs > MAX_RUNS:  # type: ignore[operator]
        raise SimulationError(f"{name} must be a whole number from 1 to {MAX_RUNS:,}, got "
                              f"{runs!r}")


def check_seed(seed: object) -> None:
    """Raise :class:`SimulationError` unless ``seed`` is a whole number >= 0 or None (the
    seed of :class:`numpy.random.SeedSequence`)."""
    if seed is not None and not_whole(seed, 0):
        raise SimulationError(f"seed must be a whole number >= 0 or None, got {seed!r}")


def simulate(
    plan: Plan,
    runs: int = 10_000,
    seed: int | None = SEED,
    device: str = "cpu",
    threats: bool = True,
    unit_losses: bool = True,
    progress: Callable[[int, int], None] | None = None,
    state: State | None = None,
    workers: int | None = None,
    precision: str = "single",
    breakdowns: bool = True,
) -> Simulation:
    """Execute ``plan`` ``runs`` times under the scenario's threats.

    Parameters
    ----------
    plan:
        A solved plan (``sl.plan(...)``).
    runs:
        Number of runs (independent draws of every threat).
    seed:
        Seed of :class:`numpy.random.SeedSequence`; the same seed gives the same result
        (default :data:`SEED`, as ``supplyline simulate``'s; ``None``: a fresh seed of 32
        bits; the seed used is in the result).
    device:
        'cpu' (NumPy) or 'gpu' (CuPy, the ``[gpu]`` extra).
    threats:
        Draw strikes, raids and rain (``False``: every day dry and quiet; availability is
        still drawn unless ``breakdowns`` is ``False``).
    unit_losses:
        A strike destroys the same share of the units on the trip as of their cargo
        (``False`` acts only with ``threats``: without them no unit is lost).
    breakdowns:
        Draw the share of each mode's units that can travel around its ``availability``
        (``False``: exactly the share the plan counts on). With ``threats`` off too, a run
        is the plan executed as planned.
    progress:
        Called with (runs done, runs) after each chunk.
    state:
        Start every run from this :class:`~supplyline.state.State` (of the plan's network,
        on the plan's first day) instead of the plan's own start: its stocks, units waiting
        and on the way with their cargo, what was given so far and route damage. Its
        wounded are not read here: the wounded are not re-simulated, their food is drawn
        as the plan has it, so make the plan from the same State (``sl.plan(...,
        state=...)`` carries them).
    workers:
        Chunks of runs computed at once on the CPU, each in its own thread (default: the
        cores this process may use); the result does not depend on it.
    precision:
        'single' (float32, the default: 1.4 to 1.9 times as fast) or 'double' (float64) for
        every amount (see :data:`PRECISIONS`). The random draws are the same in both.
    """
    if not isinstance(plan, Plan):
        raise TypeError(f"plan: expected a Plan (sl.plan(...)), got {type(plan).__name__}")
    check_runs(runs)
    check_seed(seed)
    for name, flag in (("threats", threats), ("unit_losses", unit_losses),
                       ("breakdowns", breakdowns)):
        if not_flag(flag):  # "no" would be read as true
            raise SimulationError(f"{name}: expected True or False, got {flag!r}")
    if not threats and not unit_losses:  # (as --no-unit-losses with --no-threats is)
        raise SimulationError("unit_losses: False acts only with the threats drawn (units "
                              "are lost to strikes and raids), got threats=False (leave "
                              "unit_losses out, or threats)")
    check_callback("progress", progress, "(runs done, runs)")
    if state is not None and not isinstance(state, State):
        raise TypeError(f"state: expected a State, or None, got {type(state).__name__}")
    if workers is not None and not_whole(workers, 1):
        raise SimulationError(f"workers must be a whole number >= 1 or None, got {workers!r}")
    runs = int(runs)
    if precision not in PRECISIONS:
        hint = did_you_mean(precision, PRECISIONS) if isinstance(precision, str) else ""
        raise SimulationError(f"precision must be one of {', '.join(PRECISIONS)}{hint}, "
                              f"got {precision!r}")
    xp = array_module(device)
    if seed is None:  # a fresh seed, short enough to copy into --seed and exact in any
        seed = secrets.randbits(32)  # JSON reader (NumPy's own entropy has 39 digits)
    seed = int(seed)  # (a NumPy integer, kept as given, had reached kpis() as np.int64)
    sequence = np.random.SeedSequence(seed)
    started = time.perf_counter()
    try:
        compiled = compile_plan(plan, xp, state=state, dtype=PRECISIONS[precision])
    except ValueError as error:
        raise SimulationError(str(error)) from error
    compiled.device()  # made once, before any thread reads it
    chunk = chunk_size(compiled, device)
    n_chunks = -(-runs // chunk)
    seeds = sequence.spawn(n_chunks)
    if workers is None:
        workers = usable_cores() if xp is np else 1
    workers = max(1, min(int(workers), n_chunks))

    def one(i: int) -> tuple[dict[str, np.ndarray], tuple[float, float]]:
        size = min(chunk, runs - i * chunk)
        out = run_chunk(compiled, size, _generator(xp, seeds[i]), threats=threats,
                        unit_losses=unit_losses, breakdowns=breakdowns)
        owed = (_host(xp, out.pop("units_owed")).max(axis=0),
                _host(xp, out.pop("goods_owed_kg")).max(axis=0))
        return _reduce(compiled, out, keep_fan=max(0, FAN_RUNS - i * chunk)), owed

    parts: dict[str, list[Any]] = {}
    owed = np.zeros((compiled.n_places, compiled.n_modes))
    owed_kg = np.zeros((compiled.n_places, compiled.n_goods))
    done = 0
    for reduced, (chunk_owed, chunk_owed_kg) in _in_order(one, n_chunks, workers):
        owed = np.maximum(owed, chunk_owed)
        owed_kg = np.maximum(owed_kg, chunk_owed_kg)
        for key, value in reduced.items():
            parts.setdefault(key, []).append(value)
        done = min(runs, done + chunk)
        if progress is not None:
            progress(done, runs)
    merged = {key: (np.sum(values, axis=0) if key.endswith("_count")
                    else np.concatenate(values, axis=0)) for key, values in parts.items()}
    notes = _notes(plan, owed, owed_kg, daily=not plan.steps_description())
    result = Simulation(
        plan=plan, runs=runs, seed=seed,
        device=device, precision=precision, chunk=chunk, seconds=time.perf_counter() - started,
        fronts=compiled.fronts.astype(np.int64), **merged, notes=notes,
        threats=bool(threats), unit_losses=bool(unit_losses), breakdowns=bool(breakdowns),
        loads_planned_kg=float(np.asarray(compiled.cargo).sum()),
    )
    replans = result.never_replans_note()
    if replans:
        result.notes.insert(0, replans)
    return result


def _in_order(fn: Callable[[int], Any], n: int, workers: int) -> Iterator[Any]:
    """``fn(0), fn(1), ...`` in order, computed by ``workers`` threads at most twice as many
    ahead as there are threads; an interruption (Ctrl-C) cancels what has not started."""
    if workers <= 1:
        yield from (fn(i) for i in range(n))
        return
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="simulate")
    try:
        ahead: deque[Future[Any]] = deque()
        started = 0
        for _ in range(n):
            while started < n and len(ahead) < 2 * workers:
                ahead.append(pool.submit(fn, started))
                started += 1
            yield ahead.popleft().result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _notes(plan: Plan, owed: np.ndarray, owed_kg: np.ndarray, daily: bool = False
           ) -> list[str]:
    """What the reader should know about how the runs went: the most units of one mode
    ``owed`` [P, M] and kg of one good ``owed_kg`` [P, G] (the plan's goods) a place still
    owed at a step's end in any run, each named with its place, mode or good (modes and
    goods are never added up); ``daily``: the plan is day by day, each step a day."""
    net = plan.network
    notes = []
    parts = []
    if owed.size and owed.max() > 0.5:
        p, m = np.unravel_index(int(np.argmax(owed)), owed.shape)
        mode = net.mode_label(int(m)).lower()
        parts.append(f"{counted(round(float(owed[p, m])), f'{mode} unit', f'{mode} units')} "
                     f"({net.place_label(int(p))})")
    if owed_kg.size and owed_kg.max() > 0.5:
        p, g = np.unravel_index(int(np.argmax(owed_kg)), owed_kg.shape)
        good = net.commodity_label(int(plan.goods[g])).lower()
        parts.append(f"{fmt(float(owed_kg[p, g]) / 1000)} t of {good} "
                     f"({net.place_label(int(p))})")
    if parts:
        owing = f"a place still owed at worst {' and '.join(parts)}"
        notes.append(
            "a place may send on a day the units and goods the plan has coming back to it "
            f"within that day (lent against them); {owing} at a day's end, where less came "
            "back (the next arrivals there repay them, if any come)" if daily else
            "a place may send on a step's first day the units and goods the plan has coming "
            f"back to it within the step (lent against them); {owing} at a step's end, "
            "where the step's last days sent back less (the next arrivals there repay them, "
            "if any come)")
    return notes


def _host(xp: Any, value: Any) -> np.ndarray:
    return np.asarray(value if xp is np else xp.asnumpy(value))


def _reduce(c: Compiled, out: dict[str, Any], keep_fan: int) -> dict[str, np.ndarray]:
    """One chunk's per-run arrays in the shapes :class:`Simulation` keeps, reduced where
    they are (on the device) and then moved to the host."""
    xp = c.xp
    short = out["short"]  # [R, F, G, S]
    demand = xp.asarray(np.asarray(c.plan.demand_kg[c.fronts]))  # [F, G, S]
    short_days = is_short(short, demand[None])
    reduced = {
        "initial_kg": out["initial"], "given_kg": out["given"], "consumed_kg": out["consumed"],
        "eaten_kg": out["eaten"], "burned_kg": out["burned"], "spoiled_kg": out["spoiled"],
        "destroyed_kg": out["destroyed"], "unfed_kg": out["unfed"],
        "final_stock_kg": out["final_stock"], "in_transit_kg": out["in_transit"],
        "shortfall_kg": short.sum(axis=(1, 3)),
        "short_any": short_days.any(axis=(1, 2, 3)),
        "short_count": short_days.sum(axis=0).astype(np.int64),
        "short_any_count": short_days.any(axis=(1, 2)).sum(axis=0).astype(np.int64),
        "shortfall_by_step_kg": short.sum(axis=(1, 2)).astype(np.float32),
        "reserve_days": out["reserve_days"][:keep_fan].astype(np.float32),
        "reserve_main_days": out["reserve_main"][:keep_fan].astype(np.float32),
        "loads_not_sent_kg": out["loads_not_sent"],
        "units_astray": out["units_astray"],
        "front_stock_kg": out["front_stock"].sum(axis=1).mean(axis=1),
        "units_lost": out["units_lost"], "labour_days": out["labour_days"],
    }
    return {key: _host(xp, value) for key, value in reduced.items()}
