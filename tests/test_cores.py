"""The cores this process may use (:mod:`supplyline.cores`): the suite's processes
(``-n auto``, tests/conftest.py), the simulator's threads, a sweep's local workers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from supplyline.cores import usable_cores


@pytest.mark.parametrize(("written", "cap"), [("max 100000\n", None), ("50000 100000\n", 1),
                                              ("150000 100000\n", 2), ("garbled", None)])
def test_a_cgroup_quota_caps_the_processes(tmp_path: Path, written: str,
                                           cap: int | None) -> None:
    affinity = len(os.sched_getaffinity(0))
    quota = tmp_path / "cpu.max"
    quota.write_text(written, encoding="ascii")
    assert usable_cores(quota) == (affinity if cap is None else min(affinity, cap))
    assert usable_cores(tmp_path / "absent") == affinity
