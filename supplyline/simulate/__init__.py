"""Simulation: a plan executed many times under random strikes, raids, rain and breakdowns.

>>> import supplyline as sl
>>> result = sl.simulate(sl.plan(sl.load("tutorial")), runs=200, seed=1)
>>> 0.0 <= result.kpis()["p_any_shortfall"]["value"] <= 1.0
True

The engine's rules: :mod:`supplyline.simulate.engine`; what is sent when reality falls short:
:mod:`supplyline.simulate.policy`; the draws: :mod:`supplyline.simulate.threats`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from supplyline.errors import SimulationError
from supplyline.plan.result import Plan
from supplyline.simulate.engine import Compiled, compile_plan, run_chunk
from supplyline.simulate.policy import MAX_PASSES
from supplyline.simulate.result import SHORT_SHARE, Simulation

__all__ = ["DEVICES", "Simulation", "array_module", "simulate"]

#: Where the runs can be computed.
DEVICES = ("cpu", "gpu")
#: Memory one chunk of runs may take (bytes): the runs are cut into chunks that fit.
CHUNK_BYTES = 256 * 2**20
#: Most runs in one chunk (the same chunks, and so the same results, for a seed whatever N).
MAX_CHUNK = 1000
#: Runs whose reserve days are kept for the fan chart.
FAN_RUNS = 20_000


def array_module(device: str) -> Any:
    """NumPy for ``cpu``, CuPy for ``gpu`` (a :class:`SimulationError` when it is missing)."""
    if device not in DEVICES:
        raise SimulationError(f"device must be one of {', '.join(DEVICES)}, got {device!r}")
    if device == "cpu":
        return np
    try:
        import cupy
    except ImportError as error:
        raise SimulationError(
            "device 'gpu' needs CuPy and a CUDA GPU: pip install 'supplyline[gpu]'") from error
    try:
        cupy.cuda.runtime.getDeviceCount()
    except Exception as error:  # CuPy installed, no usable GPU
        raise SimulationError(f"device 'gpu': no usable CUDA GPU ({error})") from error
    return cupy


def _generator(xp: Any, seed: np.random.SeedSequence) -> Any:
    """A random generator on the device from one spawned seed."""
    if xp is np:
        return np.random.default_rng(seed)
    return xp.random.default_rng(int(seed.generate_state(1, dtype=np.uint64)[0]))


def chunk_size(compiled: Compiled) -> int:
    """Runs per chunk: at most :data:`MAX_CHUNK`, fewer where one run's arrays are large."""
    c = compiled
    per_run = 8 * ((c.steps + 1) * c.n_places * (c.n_goods + c.n_modes) * 2
                   + c.fronts.size * c.steps * (c.n_goods + 3)
                   + c.loaded.shape[0] * (c.n_goods + 8) * 4)
    return int(max(1, min(MAX_CHUNK, CHUNK_BYTES // max(per_run, 1))))


def simulate(
    plan: Plan,
    runs: int = 10_000,
    seed: int | None = None,
    device: str = "cpu",
    threats: bool = True,
    unit_losses: bool = True,
    progress: Callable[[int, int], None] | None = None,
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
        (fresh entropy when ``None``; the seed used is in the result).
    device:
        'cpu' (NumPy) or 'gpu' (CuPy, the ``[gpu]`` extra).
    threats:
        Draw strikes, raids and rain (``False``: every day dry and quiet; availability is
        still drawn).
    unit_losses:
        A strike destroys the same share of the units on the trip as of their cargo.
    progress:
        Called with (runs done, runs) after each chunk.
    """
    if not isinstance(runs, int) or isinstance(runs, bool) or runs < 1:
        raise SimulationError(f"runs must be a whole number >= 1, got {runs!r}")
    xp = array_module(device)
    sequence = np.random.SeedSequence(seed)
    started = time.perf_counter()
    compiled = compile_plan(plan, xp)
    chunk = chunk_size(compiled)
    n_chunks = -(-runs // chunk)
    seeds = sequence.spawn(n_chunks)
    parts: dict[str, list[Any]] = {}
    done = 0
    unsettled = 0
    owed = 0.0
    for i in range(n_chunks):
        size = min(chunk, runs - done)
        out = run_chunk(compiled, size, _generator(xp, seeds[i]), threats=threats,
                        unit_losses=unit_losses)
        unsettled += int(out.pop("unsettled"))
        owed = max(owed, float(_host(xp, out.pop("units_owed")).max(initial=0.0)))
        for key, value in _reduce(compiled, out, keep_fan=max(0, FAN_RUNS - done)).items():
            parts.setdefault(key, []).append(value)
        done += size
        if progress is not None:
            progress(done, runs)
    merged = {key: (np.sum(values, axis=0) if key.endswith("_count")
                    else np.concatenate(values, axis=0)) for key, values in parts.items()}
    return Simulation(
        plan=plan, runs=runs, seed=int(sequence.entropy) if seed is None else seed,  # type: ignore[arg-type]
        device=device, chunk=chunk, seconds=time.perf_counter() - started,
        fronts=compiled.fronts.astype(np.int64), **merged, notes=_notes(unsettled, owed),
    )


def _notes(unsettled: int, owed: float) -> list[str]:
    """What the reader should know about how the runs went."""
    notes = []
    if unsettled:
        notes.append(f"{unsettled} steps (summed over chunks of runs) had not settled after "
                     f"{MAX_PASSES} rounds of the shortfall policy; they went with the last "
                     "round's shares")
    if owed > 0.5:
        notes.append(f"at worst {owed:,.1f} units were sent from places within a step before "
                     "the units the plan had coming back there arrived (owed, and repaid from "
                     "the next arrivals)")
    return notes


def _host(xp: Any, value: Any) -> np.ndarray:
    return np.asarray(value if xp is np else xp.asnumpy(value))


def _reduce(c: Compiled, out: dict[str, Any], keep_fan: int) -> dict[str, np.ndarray]:
    """One chunk's per-run arrays, on the host, in the shapes :class:`Simulation` keeps."""
    xp = c.xp
    h = {key: _host(xp, value) for key, value in out.items()}
    short = h["short"]  # [R, F, G, S]
    demand = np.asarray(c.plan.demand_kg[c.fronts])  # [F, G, S]
    is_short = short > (1.0 - SHORT_SHARE) * demand[None] + 1e-6
    return {
        "initial_kg": h["initial"], "given_kg": h["given"], "consumed_kg": h["consumed"],
        "eaten_kg": h["eaten"], "burned_kg": h["burned"], "spoiled_kg": h["spoiled"],
        "destroyed_kg": h["destroyed"], "unfed_kg": h["unfed"],
        "final_stock_kg": h["final_stock"], "in_transit_kg": h["in_transit"],
        "shortfall_kg": short.sum(axis=(1, 3)),
        "short_any": is_short.any(axis=(1, 2, 3)),
        "short_count": is_short.sum(axis=0).astype(np.int64),
        "short_any_count": is_short.any(axis=(1, 2)).sum(axis=0).astype(np.int64),
        "shortfall_by_step_kg": short.sum(axis=(1, 2)).astype(np.float32),
        "reserve_days": h["reserve_days"][:keep_fan].astype(np.float32),
        "front_stock_kg": h["front_stock"].sum(axis=1).mean(axis=1),
        "units_lost": h["units_lost"], "labour_days": h["labour_days"],
    }
