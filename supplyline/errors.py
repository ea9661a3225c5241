"""The exceptions supplyline raises.

Every error a user can cause derives from :class:`SupplylineError`, so a caller can catch one
type. The tree::

    SupplylineError
    ├── ScenarioError      a scenario file is wrong (carries every problem found, with places)
    ├── PlanError          the optimizer could not produce a plan, or was asked wrongly
    ├── ReplayError        a replay asks for what the scenario cannot give
    └── SimulationError    a simulation that cannot be run as asked

An argument is refused by name: out of its range or of the wrong kind (``runs="x"``,
``threats="no"``), by the error of the step that takes it (``PlanError``,
``SimulationError``; resilience's arguments by ``ValueError``); an object of the wrong type
where a Scenario, Plan, State or function is expected, by ``TypeError``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np


class SupplylineError(Exception):
    """Base class of all errors that supplyline raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a scenario, located as precisely as the input allows.

    Attributes
    ----------
    file:
        The file that holds the value (the YAML file, or a CSV/GeoJSON table it names).
    line:
        1-based line in ``file``, or ``None`` when the value has no line of its own.
    field:
        Dotted path to the value, e.g. ``routes[12].length_km``.
    expected:
        What a valid value looks like.
    got:
        What was found, as the user wrote it.
    """

    file: str
    line: int | None
    field: str
    expected: str
    got: str

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}" if self.line is not None else self.file
        return f"{self.field}: expected {self.expected}, got {self.got} ({where})"


class ScenarioError(SupplylineError):
    """A scenario that cannot be used, with every problem found (not only the first)."""

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("ScenarioError needs at least one problem")
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the scenario:"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))

    @property
    def file(self) -> str:
        return self.problems[0].file

    @property
    def line(self) -> int | None:
        return self.problems[0].line

    @property
    def field(self) -> str:
        return self.problems[0].field

    @property
    def expected(self) -> str:
        return self.problems[0].expected

    @property
    def got(self) -> str:
        return self.problems[0].got


class PlanError(SupplylineError):
    """The optimizer failed in a way that yields no plan at all (not a shortfall)."""


class ReplayError(SupplylineError):
    """A replay that is not in the scenario, or that names places, regions or amounts the
    scenario cannot supply."""


class SimulationError(SupplylineError):
    """A simulation that cannot be run as asked (a bad number of runs, a device that is not
    there)."""


def not_whole(value: object, least: int) -> bool:
    """Whether an argument is not a whole number (an ``int`` or a NumPy integer; never
    ``True`` or ``False``) of at least ``least``: the one check of every count, day and seed
    the Python API takes."""
    return (isinstance(value, bool) or not isinstance(value, numbers.Integral)
            or int(value) < least)


def not_number(value: object) -> bool:
    """Whether an argument is not a real number (``True`` and ``False`` are not)."""
    return isinstance(value, bool) or not isinstance(value, numbers.Real)


def not_flag(value: object) -> bool:
    """Whether an argument is not ``True`` or ``False`` (a NumPy boolean is; ``"no"``, which
    ``bool()`` would read as true, is not)."""
    return not isinstance(value, bool | np.bool_)


def check_callback(name: str, value: object, takes: str) -> None:
    """Raise ``TypeError`` naming the argument ``name`` unless ``value`` is ``None`` or
    can be called (with ``takes``, said in the message)."""
    if value is not None and not callable(value):
        raise TypeError(f"{name}: expected a function of {takes}, or None, got "
                        f"{type(value).__name__}")
