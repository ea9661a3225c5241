"""The planner's step grid: how the horizon's days are grouped into planning steps.

The grid is a modelling choice, not physics: what a unit can do in a day (its real travel
times, its rations) does not depend on it. One day each for the first ``daily`` days, then
``size`` days each (the last step may be shorter).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["Grid", "step_of_time"]

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
        #: The step holding each whole day [days + 1], ``steps`` for the horizon's end:
        #: steps start on whole days, so this table says the step of any time
        #: (:func:`step_of_time`), on the host or on a device.
        self.day_step: IntArray = np.append(
            np.searchsorted(self.start, np.arange(days), side="right") - 1, self.steps
        ).astype(np.int64)
        for shared in (self.start, self.length, self.end, self.day_step):  # many readers
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
        """The step holding each time (days since the start; ``steps`` past the end):
        :func:`step_of_time` on this grid."""
        out = step_of_time(self.day_step, np.asarray(time, dtype=float))
        return int(out) if np.ndim(out) == 0 else np.asarray(out, dtype=np.int64)

    def left_after(self, time: FloatArray, step: IntArray) -> FloatArray:
        """Days of ``step`` from ``time`` to its end (0 to the step's length): what a unit
        landing at ``time`` in ``step`` has left of it (``step`` is cut at the horizon).

        >>> Grid(8, size=4).left_after(np.array([1.5, 4.0]), np.array([0, 1])).tolist()
        [2.5, 4.0]
        """
        s = np.minimum(np.asarray(step, dtype=np.int64), self.steps - 1)
        return np.asarray(np.clip(self.start[s] + self.length[s] - np.asarray(time, dtype=float),
                                  0.0, self.length[s]), dtype=float)

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


def step_of_time(day_step: Any, time: Any, xp: Any = np) -> Any:
    """The step holding each time (days since the start) by a grid's table ``day_step``
    (:attr:`Grid.day_step`, in the array module ``xp``: NumPy or CuPy): the step of the
    time's whole day, step 0 before the start and ``steps`` from the horizon's end. The
    planner's arrival steps and the simulator's are this one rule.

    >>> g = Grid(10, 4, daily=2)
    >>> step_of_time(g.day_step, np.array([0.0, 1.99, 2.0, 9.5, 10.0, 12.0])).tolist()
    [0, 1, 2, 3, 4, 4]
    """
    day = xp.clip(xp.floor(time), 0, day_step.shape[0] - 1).astype(xp.int64)
    return day_step[day]
