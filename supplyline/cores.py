"""How many cores this process may use: the simulator's threads, a sweep's local Dask
workers, the test suite's processes and the benchmarks' machine line all count them here."""

from __future__ import annotations

import math
import os
from pathlib import Path

#: Where a cgroup v2 container's CPU quota is written ("max PERIOD", or "QUOTA PERIOD" in µs).
CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def usable_cores(cpu_max: Path = CPU_MAX) -> int:
    """The cores this process may run on: its CPU affinity, capped by a cgroup v2 quota
    (``cpu_max``) where there is one. What a container is given, not what the machine has
    (``os.cpu_count()`` and psutil count the machine's)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    try:
        quota, period = cpu_max.read_text(encoding="ascii").split()[:2]
        if quota != "max":
            cores = min(cores, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return max(1, cores)
