"""The planner's step grid: how the horizon's days are grouped into planning steps.

The grid is a modelling choice, not physics: what a unit can do in a day (its real travel
times, its rations) does not depend on it. One day each for the first ``daily`` days, then
``size`` days each (the last step may be shorter).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["Grid"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


class Grid:
    """The horizon's ``days`` grouped into steps.

    >>> g = Grid(10, 4, daily=2)
    >>> g.start.tolist(), g.length.tolist()
    ([0, 1, 2, 6], [1.0, 1.0, 4.0, 4.0])
    >>> g.of_time(6.5), g.first_from(3)
    (3, 3)
    """

    def __init__(self, days: int, size: int = 1, daily: int = 0) -> None:
        if days < 1 or size < 1:
            raise ValueError(f"a grid needs days >= 1 and size >= 1, got {days} and {size}")
        daily = min(daily, days) if size > 1 else days
        self.days = days
        self.size = size
        self.start: IntArray = np.concatenate(
            [np.arange(daily), np.arange(daily, days, size)]
        ).astype(np.int64)
        self.length: FloatArray = np.diff(np.append(self.start, days)).astype(float)
        self.end: IntArray = self.start + self.length.astype(np.int64) - 1
        for shared in (self.start, self.length, self.end):  # one grid, many readers
            shared.flags.writeable = False

    @property
    def steps(self) -> int:
        return int(self.start.size)

    @property
    def longest(self) -> int:
        """Days in the longest step."""
        return int(self.length.max(initial=1.0))

    @property
    def middle(self) -> FloatArray:
        """The time (days since the start) in the middle of each step [S]: trips that leave
        during a step are taken to leave then on average."""
        return np.asarray(self.start + self.length / 2.0, dtype=float)

    def total(self, daily: FloatArray) -> FloatArray:
        """Sum over each step's days (last axis)."""
        return np.asarray(np.add.reduceat(daily, self.start, axis=-1), dtype=float)

    def mean(self, daily: FloatArray) -> FloatArray:
        """Mean over each step's days (last axis)."""
        return np.asarray(self.total(daily) / self.length, dtype=float)

    def of_day(self, day: int) -> int:
        """The step that contains ``day``."""
        return int(np.searchsorted(self.start, day, side="right")) - 1

    def of_time(self, time: float | FloatArray) -> IntArray | int:
        """The step holding each time (days since the start; ``steps`` past the end)."""
        out = np.searchsorted(self.start, np.asarray(time, dtype=float), side="right") - 1
        out = np.where(np.asarray(time) >= self.days, self.steps, out)
        return int(out) if np.ndim(out) == 0 else out.astype(np.int64)

    def first_from(self, day: int) -> int:
        """The first step that starts on or after ``day``."""
        return int(np.searchsorted(self.start, day, side="left"))

    def overlap(self, begin: FloatArray, end: FloatArray) -> list[tuple[int, FloatArray]]:
        """Days of each interval ``[begin, end)`` that fall in each step, as a list of
        ``(k, days)`` where ``days`` has the shape of ``begin`` and counts the days in step
        ``first + k``, ``first`` being the step holding ``begin`` (intervals past the horizon
        are cut at its end).

        >>> g = Grid(4)
        >>> [(k, d.tolist()) for k, d in g.overlap(np.array([0.5]), np.array([2.25]))]
        [(0, [0.5]), (1, [1.0]), (2, [0.25])]
        """
        begin = np.asarray(begin, dtype=float)
        end = np.minimum(np.asarray(end, dtype=float), float(self.days))
        first = np.asarray(self.of_time(np.minimum(begin, self.days - 1e-9)), dtype=np.int64)
        out: list[tuple[int, FloatArray]] = []
        k = 0
        while True:
            step = first + k
            inside = step < self.steps
            if not inside.any():
                break
            s = np.minimum(step, self.steps - 1)
            lo = np.maximum(begin, self.start[s])
            hi = np.minimum(end, self.start[s] + self.length[s])
            days = np.where(inside, np.maximum(hi - lo, 0.0), 0.0)
            if not (days > 0).any() and k > 0:
                break
            out.append((k, days))
            k += 1
        return out
