"""What the benchmark scripts share: the machine and versions, Markdown tables, and writing a
section of ``docs/benchmarks.md`` in place."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
import re
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import NoReturn

from supplyline.cores import usable_cores

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"


def fail(message: str) -> NoReturn:
    """Stop a benchmark: ``message`` on stderr and exit status 1. A run that failed or was
    stopped is said so, never written into docs/benchmarks.md as a figure."""
    raise SystemExit(message)


def peak_rss_mib() -> float:
    """Largest resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _machine_busy_seconds() -> float:
    """CPU seconds all processes have used since boot (user, system, irq, steal), or NaN
    where /proc/stat cannot be read."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()[1:]
    except OSError:
        return float("nan")
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds() -> float:
    """CPU seconds of this process, of its children that ended, and of its live descendants
    (worker processes), so that a benchmark's own workers are not counted as others' load."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total + _descendants_cpu_seconds()


def _descendants_cpu_seconds() -> float:
    """CPU seconds of the live descendants of this process and of their ended children,
    read from /proc (0 elsewhere)."""
    parent: dict[int, int] = {}
    ticks: dict[int, int] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0.0
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(entry)] = int(fields[1])
        # utime + stime, and cutime + cstime: its own ended children (a pool's workers,
        # reaped by the process that forked them)
        ticks[int(entry)] = sum(int(x) for x in fields[11:15])
    me, found = os.getpid(), 0
    for pid in parent:
        p = parent[pid]
        while p > 1 and p != me:
            p = parent.get(p, 0)
        if p == me:
            found += ticks[pid]
    return found / os.sysconf("SC_CLK_TCK")


class OtherLoad:
    """How many cores other processes kept busy while a measurement ran.

    The machine may be shared; its figures are only comparable with this beside them::

        with OtherLoad() as other:
            ...
        other.cores  # average cores used by everything but this process
    """

    def __enter__(self) -> OtherLoad:
        self._wall = time.perf_counter()
        self._busy = _machine_busy_seconds()
        self._own = _own_cpu_seconds()
        self.cores = float("nan")
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        wall = time.perf_counter() - self._wall
        others = (_machine_busy_seconds() - self._busy) - (_own_cpu_seconds() - self._own)
        self.cores = max(0.0, others / wall) if wall > 0 else float("nan")


def _run(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout
    except OSError:
        return ""


def machine() -> str:
    """CPU model, cores and memory, from ``lscpu``, the cores this process may run on and
    ``free -h``."""
    model = "unknown CPU"
    for line in _run(["lscpu"]).splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
    # Not `nproc`: it reports OMP_NUM_THREADS, which a Dask cluster sets to 1 in the
    # process that starts it (the sweep's table once said "1 cores" on a 2-core machine).
    cores = str(usable_cores())
    memory = "unknown"
    for line in _run(["free", "-h"]).splitlines():
        if line.startswith("Mem:"):
            memory = line.split()[1]
    return f"{model}, {cores} cores, {memory} memory, {platform.system()} {platform.machine()}"


def versions(extra: Sequence[str] = ()) -> str:
    """Python and the versions of the packages the measurements depend on."""
    names = ["numpy", "scipy", "highspy", "pydantic", *extra]
    parts = [f"Python {platform.python_version()}"]
    # An import name can come from a distribution of another name (cupy from cupy-cuda13x).
    providers = importlib.metadata.packages_distributions()
    for name in names:
        for dist in [name, *providers.get(name, [])]:
            try:
                version = importlib.metadata.version(dist)
            except importlib.metadata.PackageNotFoundError:
                continue
            parts.append(f"{name} {version}" + (f" ({dist})" if dist != name else ""))
            break
        else:
            parts.append(f"{name} (not installed)")
    return ", ".join(parts)


def command_line() -> str:
    """How this script was run, as a user would type it from the repository root (less
    ``--json PATH``, which only saves the raw figures somewhere)."""
    module = Path(sys.argv[0]).stem
    args = list(sys.argv[1:])
    if "--json" in args:
        at = args.index("--json")
        del args[at : at + 2]
    args = [a for a in args if not a.startswith("--json=")]
    return " ".join(["python -m", f"benchmarks.{module}", *args])


def stamp(extra_versions: Sequence[str] = ()) -> str:
    """The lines that head every section: date, machine, versions and command."""
    return (
        f"Measured {dt.date.today().isoformat()} on {machine()}.  \n"
        f"{versions(extra_versions)}.  \n"
        f"Command: `{command_line()}`"
    )


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table with right-aligned columns after the first."""
    align = ["---"] + ["---:"] * (len(header) - 1)
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def write_section(name: str, body: str) -> None:
    """Replace the text between ``<!-- name:start -->`` and ``<!-- name:end -->`` in
    docs/benchmarks.md (appending the section when the markers are missing)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    block = f"{start}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote the {name} section of {DOC.relative_to(ROOT)}")
