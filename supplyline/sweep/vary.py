"""Variants of a scenario: ``--vary PATH=VALUES`` options turned into validated scenarios.

A PATH names values in the scenario as written in its file, in the grammar that
``Scenario.replace`` reads too (:mod:`supplyline.scenario.paths`): mapping keys joined by
dots, a list element by its ``id`` (or ``name``, ``FROM--TO``, ``FRONT:COMMODITY``), by index
``[0]``, or all of them ``[*]``::

    modes.porter.payload_kg
    threats.air[0].windows[*].day_probability
    routes.ridge-road.capacity_movements_per_day

VALUES are ``START:STOP:STEP`` (STOP included: ``15:30:5`` is 15, 20, 25, 30) or a comma
list of YAML scalars (``0.2,0.5,0.8``; ``porter,bicycle``; ``true``). Every combination of
the options is one variant.

Each variant is the scenario's data with its values set, validated by the same schema and
cross-reference checks as a file (:func:`supplyline.scenario.load.validate_data`); a problem
is reported with the option that caused it and, where the file has one, the line of the
value it replaces. Nothing runs until every variant is valid.

The variants are a lazy sequence (:class:`Variants`): every combination is validated once, up
front, and its scenario dropped; a variant's scenario is built again from its values when it
is asked for (:attr:`Variant.scenario`, or on the worker that plans it), so that a sweep of
90,000 variants holds the data of one scenario, not of 90,000.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import itertools
import json
import math
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, overload

from supplyline.errors import Problem, SupplylineError
from supplyline.scenario._crossref import MONEY_FIELDS, costs_money
from supplyline.scenario._describe import fields_by_key, target_at
from supplyline.scenario._yaml_lines import Locations, Spot, read_yaml, shown
from supplyline.scenario._yaml_lines import Path as DataPath
from supplyline.scenario.load import (
    builtin_name,
    locations_of,
    quoted,
    validate_data,
)
from supplyline.scenario.paths import (
    PathError,
    Step,
    assign,
    document,
    element_labels,
    parse_path,
    resolve,
    written,
)
from supplyline.scenario.schema import Scenario
from supplyline.scenario.whatif import first_days, with_step_days

__all__ = [
    "MAX_VARIANTS",
    "Variant",
    "Variants",
    "Vary",
    "VaryError",
    "VaryProblem",
    "make_variants",
    "parse_vary",
    "short_label",
    "short_names",
]

#: Most variants one sweep may have (every combination of the ``--vary`` options).
MAX_VARIANTS = 100_000
#: Most values one ``START:STOP:STEP`` range may give.
MAX_RANGE_VALUES = 10_000
#: Values of one option refused for the same reason that are said one by one; the rest are
#: said in one line (``-500:0:1`` gave 501 lines alike).
SAID_VALUES = 3

Value = bool | int | float | str


@dataclass(frozen=True)
class Vary:
    """One ``--vary`` option: where (``path``, as written) and the values to take."""

    text: str
    path: str
    steps: tuple[Step, ...]
    values: tuple[Value, ...]


@dataclass(frozen=True)
class VaryProblem:
    """A ``--vary`` option that cannot be used, located in the option and, for a value the
    schema refuses, in the scenario file."""

    option: str  # the option's text, or the combination of values that fails
    field: str
    expected: str
    got: str
    file: str | None = None
    line: int | None = None
    #: The problems this one stands for: 1, or for a line that counts values or combinations
    #: refused alike past those said ("2 more values refused alike"), how many it counts.
    count: int = 1

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = f" ({self.file} line {self.line})" if self.line else f" ({self.file})"
        head = f"--vary {self.option}".rstrip()  # (no option at all: "--vary")
        field = "" if self.field == "(option)" and not self.option else f" {self.field}{where}:"
        return f"{head}:{field} expected {self.expected}, got {self.got}"


class VaryError(SupplylineError):
    """``--vary`` options that name no value of the scenario, or give values it refuses."""

    def __init__(self, problems: Sequence[VaryProblem]) -> None:
        self.problems = list(dict.fromkeys(problems))
        count = self.count
        head = f"{count} problem{'s' * (count != 1)} with --vary:"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))

    @property
    def count(self) -> int:
        """How many problems there are: each said, and each that a line counts (values or
        combinations refused alike past those said)."""
        return sum(p.count for p in self.problems)


@dataclass(frozen=True)
class Variant:
    """One combination of values: its number in the sweep, the values by path, and how to
    make its validated scenario (the scenario itself, or what builds it)."""

    index: int
    settings: dict[str, Value]
    build: Scenario | Callable[[], Scenario] = field(repr=False, compare=False)

    @property
    def scenario(self) -> Scenario:
        """The validated scenario, cut to the sweep's days. A variant of
        :func:`make_variants` builds it anew each time it is asked for (a few ms) and keeps
        none: hold on to it where it is needed twice."""
        return self.build if isinstance(self.build, Scenario) else self.build()

    @property
    def label(self) -> str:
        return ", ".join(f"{path}={shown_value(value)}" for path, value in self.settings.items())


def short_names(paths: Sequence[str]) -> list[str]:
    """What a reader calls each varied path: its last part (``payload_kg``), or as many of
    its last parts as tell it from the others (``porter.payload_kg`` beside
    ``bicycle.payload_kg``).

    >>> short_names(["modes.porter.payload_kg", "modes.bicycle.payload_kg", "policy.x"])
    ['porter.payload_kg', 'bicycle.payload_kg', 'x']
    """
    split = [path.split(".") for path in paths]
    names = []
    for i, parts in enumerate(split):
        for k in range(1, len(parts) + 1):
            name = ".".join(parts[-k:])
            if all(".".join(other[-k:]) != name for j, other in enumerate(split) if j != i):
                break
        names.append(name)
    return names


def short_label(variant: Variant) -> str:
    """A variant's values under their short names (``payload_kg=15, day_probability=0.2``):
    what labels it in a comparison, beside its full :attr:`Variant.label`."""
    names = short_names(list(variant.settings))
    return ", ".join(f"{name}={shown_value(value)}"
                     for name, value in zip(names, variant.settings.values(), strict=True))


def shown_value(value: Value) -> str:
    """A value as the option wrote it: text that would read as something else (a number,
    true) in quotes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        read, _, problems = read_yaml(value, "--vary")
        if not problems and read != value and not isinstance(read, dt.date):
            return json.dumps(value)  # (a date is kept as text: it is a date either way)
    return str(value)


# -- parsing ---------------------------------------------------------------------------------

_NUMBER = r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*"
_RANGE = re.compile(rf"^{_NUMBER}:{_NUMBER}:{_NUMBER}$")


def parse_vary(text: str) -> Vary:
    """Read one ``PATH=VALUES`` option.

    Raises
    ------
    VaryError
        When the option is not of that form, or its values are not usable.
    """
    def problem(field_: str, expected: str, got: str) -> VaryError:
        return VaryError([VaryProblem(text, field_, expected, got)])

    path, equals, spec = text.partition("=")
    path = path.strip()
    if not equals or not path:
        raise problem("(option)", "PATH=VALUES, e.g. modes.porter.payload_kg=15:30:5",
                      shown(text))
    try:
        steps = parse_path(path)
    except PathError as error:
        raise problem(error.field, error.expected, error.got) from None
    values = _parse_values(spec)
    if isinstance(values, str):
        raise problem("(values)", values, shown(spec))
    # (the path as it reads, spaces a shell let through left out: "modes.porter. payload_kg"
    # named the table's column so)
    return Vary(text, written(steps), steps, values)


def _parse_values(spec: str) -> tuple[Value, ...] | str:
    """The values of ``spec``, or what was expected when they cannot be read."""
    ranged = _RANGE.match(spec)
    if ranged is not None:
        return _range(*ranged.groups())
    if ":" in spec and "," not in spec and re.fullmatch(r"[-+0-9.eE:\s]+", spec):
        return "START:STOP:STEP, three numbers (e.g. 15:30:5)"
    parts = [part.strip() for part in spec.split(",")]
    if not spec.strip() or any(not part for part in parts):
        return "values separated by commas (e.g. 0.2,0.5,0.8) or START:STOP:STEP"
    values: list[Value] = []
    for part in parts:
        # Read as a scenario file reads a value (YAML 1.2's numbers: 0750 is 750, 1e1 is 10).
        value, _, problems = read_yaml(part, "--vary")
        if problems:
            value = part
        if isinstance(value, dt.date):
            value = value.isoformat()
        if value is None or isinstance(value, list | dict):
            return f"plain values (numbers, words, true/false, dates); {part!r} is not one"
        if isinstance(value, float) and not math.isfinite(value):
            return f"finite numbers ({part!r} reads as {value})"
        values.append(value)
    # 20 and 20.0 are one value (a number is a number however written), true and 1 two.
    if len({(type(v) is bool, v) for v in values}) != len(values):
        return "each value once"
    return tuple(values)


def overridden(varies: Sequence[Vary], days: int | None, step_days: int | None
               ) -> list[VaryProblem]:
    """The ``--vary`` options that a sweep's own ``--days`` or ``--step-days`` would undo in
    every variant (the variants were the same plan, labelled with different values)."""
    setting = {"end_date": ("--days", days is not None),
               "policy.step_days": ("--step-days", step_days is not None),
               # (in steps of one day every day is planned day by day: no first days apart)
               "policy.daily_start_days": ("--step-days 1", step_days == 1)}
    found = []
    for vary in varies:
        option, given = setting.get(written(vary.steps), ("", False))
        if given:
            found.append(VaryProblem(
                vary.text, vary.path, f"a setting {option} leaves as the file has it ("
                f"{option} sets {vary.path} for every variant; leave one of them out)",
                f"{option} as well"))
    return found


def _planned_problems(valid: Scenario, varied: set[str], days: int | None,
                      step_days: int | None) -> list[tuple[str, str, str]]:
    """(field, expected, got) of what a sweep's ``--days`` and ``--step-days`` cannot plan
    in a valid variant: more days than it has, steps longer than its days planned (a plan
    refuses them: they would be cut in silence), or, with ``--days``, a varied
    ``policy.step_days`` above the days planned (cut to them, every such value plans the
    same). The first two are the rules a plan reads (:func:`first_days`,
    :func:`with_step_days`), said as they say them."""
    def said(option: str, error: ValueError) -> list[tuple[str, str, str]]:
        expected, _, got = str(error).removeprefix("expected ").rpartition(", got ")
        return [(option, expected, got)]

    try:
        cut = first_days(valid, days)
    except ValueError as error:
        return said("--days", error)
    try:
        with_step_days(cut, step_days)
    except ValueError as error:
        return said("--step-days", error)
    if days is not None and step_days is None and "policy.step_days" in varied and \
            valid.policy.step_days > days:
        return [("policy.step_days", f"at most the days planned ({days}, --days): longer "
                 "steps are cut to them", str(valid.policy.step_days))]
    return []


def _alike(expected: str) -> str:
    """What a problem expects with its figures and dates left out: problems that differ only
    in them ("an end on or after start (2024-11-20)", "(2024-11-21)") are refused alike."""
    return re.sub(r"\d[\d.,:-]*", "#", expected)


def _shared(field: str, paths: list[str]) -> bool:
    """Whether the problem at ``field`` is of a section one of ``paths`` (named as problems
    name them) is in, or of one of them."""
    return any(path == field or path.startswith((field + ".", field + "[")) for path in paths)


def _range(start_text: str, stop_text: str, step_text: str) -> tuple[Value, ...] | str:
    start, stop, step = float(start_text), float(stop_text), float(step_text)
    if not all(map(math.isfinite, (start, stop, step))):
        return "finite numbers in START:STOP:STEP"
    if not step > 0:
        return "a STEP above 0 in START:STOP:STEP"
    if stop < start:
        return "STOP at least START in START:STOP:STEP"
    steps = (stop - start) / step * (1 + 1e-12) + 1e-9  # (inf for a STEP of 1e-300)
    if not steps < MAX_RANGE_VALUES:
        return f"at most {MAX_RANGE_VALUES:,} values in a range"
    count = math.floor(steps) + 1
    whole = all(re.fullmatch(r"\s*[-+]?\d+\s*", t) for t in (start_text, stop_text, step_text))
    if whole:
        return tuple(int(start) + i * int(step) for i in range(count))
    values = tuple(float(f"{start + i * step:.12g}") for i in range(count))
    if len(set(values)) != len(values):  # a STEP below the 12 digits a value is written to
        return "each value once (values are read to 12 significant digits: a larger STEP)"
    return values


# -- applying to the scenario's data ---------------------------------------------------------


def _resolve(data: Any, vary: Vary) -> list[DataPath] | VaryProblem:
    """The places in ``data`` that ``vary`` names (several with ``[*]``), or the problem."""
    try:
        return resolve(data, vary.steps)
    except PathError as error:
        return VaryProblem(vary.text, error.field, error.expected, error.got)


# -- validating ------------------------------------------------------------------------------


@dataclass
class _Source:
    """The scenario's data as a file would give it, and where its values are written."""

    data: dict[str, Any]
    file: str
    locations: Locations


def _source(scenario: Scenario, source: str | Path | None) -> _Source:
    """The scenario's data (from the validated scenario, tables included) and the locations
    of its values in the file it came from, where that file can be read again."""
    data = document(scenario)
    text, file = None, str(source) if source is not None else f"{scenario.name}.yaml"
    base: Traversable = files("supplyline.scenario").joinpath("builtin")
    try:
        if source is None or builtin_name(source) is not None:
            name = builtin_name(source) or scenario.name
            file = f"supplyline/scenario/builtin/{name}.yaml"
            text = base.joinpath(f"{name}.yaml").read_text("utf-8")
        else:
            text = Path(source).read_text("utf-8-sig")
            base = Path(source).parent
    except (OSError, UnicodeDecodeError):
        text = None
    # (with the rows of its tables: a value varied in routes.csv is said at its line there)
    locations = Locations() if text is None else locations_of(text, file, base)
    # An element is named by its id, as an option's path names it (and a what-if's problem),
    # but where a table names it its own way (``features[3].properties``).
    locations.labels = {**element_labels(data), **locations.labels}
    return _Source(data, file, locations)


def _validate(data: dict[str, Any], source: _Source, changed: list[DataPath],
              replay: str | None) -> tuple[Scenario | None, list[Problem]]:
    """Validate variant data as a file is validated (but for what can never be used: a
    variant without trucks asks a question; of the replays, only ``replay``, the one to be
    planned, must be possible); values the variant changed are shown as the variant gives
    them, at the line of the value they replace, and a value the file does not write (a
    default, a section it leaves out) at no line (not at the nearest one it writes)."""
    locations = Locations(dict(source.locations.spots), dict(source.locations.labels))
    for path in changed:
        spot = locations.spots.get(path)
        locations.spots[path] = (Spot(spot.file, spot.line, spot.key_line, None)
                                 if spot is not None else Spot(source.file, None, None, None))
    scenario, problems = validate_data(data, locations, source.file, unused=False,
                                       replay=replay)
    # A value the option gives is read as a file's is: "25" (quoted) or yes is no number or
    # true/false there, though the schema's lax reading would take it.
    problems += quoted(data, locations, source.file, {p.field for p in problems},
                       only=set(changed))
    return (None if problems else scenario), problems


#: Fields that only describe (the reader's text): no plan reads them.
_TEXT_FIELDS = ("title", "description", "source")
#: The sections whose entries have a display name (``routes[3].name``) besides their id.
_NAMED = ("commodities", "modes", "places", "routes")


def _unread(data: dict[str, Any], path: DataPath, replay: str | None,
            others: Collection[DataPath] = ()) -> tuple[str, str] | None:
    """What is expected and what was found where ``path`` names a value that none of the
    sweep's plans reads, so that varying it would give the same plan again and again: the
    historical figures (read by ``validate``), a replay other than the one planned, text,
    a place's position on the map, the name of the money; a capacity margin without a
    capacity and a weight of money without any money, unless another option (``others``,
    the paths it varies) may give them one."""
    expected = "a value the sweep's plans read"
    if path[0] == "observed":
        return expected, "a historical figure (read only by validate)"
    if path[0] == "replays" and len(path) > 1:
        name = str(data["replays"][path[1]].get("name", path[1]))
        if replay != name:
            planned = "no replay" if replay is None else f"replay {replay!r}"
            return (f"{expected}: replay {name!r} is read only when the sweep plans with it "
                    f"(--replay {name})", f"a sweep that plans {planned}")
    if isinstance(path[-1], str) and path[-1] in _TEXT_FIELDS:
        return expected, f"text ({path[-1]}), which no plan reads"
    if len(path) == 3 and path[0] in _NAMED and path[2] == "name":  # (a replay's is its id)
        return expected, "a display name, which no plan reads"
    if path == ("name",):
        return expected, "the scenario's name, which no plan reads"
    if len(path) == 3 and path[0] == "places" and path[2] in ("lat", "lon"):
        return expected, (f"a place's position on the map ({path[2]}), which no plan reads "
                          "(a route's length is given, not measured from it)")
    if path == ("costs", "currency"):
        return expected, "the name of the money, which no plan reads (the figures are the same)"
    capacities = ("capacity_movements_per_day", "capacity_tonnes_per_day")
    if path == ("policy", "capacity_safety_margin") and not any(
            isinstance(route, dict) and any(route.get(name) is not None for name in capacities)
            for route in data.get("routes") or []) and not any(
            other[0] == "routes" for other in others):
        return expected, ("a capacity margin, where no route has a capacity ("
                          + " or ".join(capacities) + ") for it to hold back")
    if path == ("costs", "weight") and not costs_money(data.get("costs")) and not any(
            other[0] == "costs" for other in others):
        return expected, ("a weight of money, where nothing costs money (costs: "
                          f"{MONEY_FIELDS}) for it to weigh")
    return None


def _as_vary_problems(option: str, problems: list[Problem]) -> list[VaryProblem]:
    return [VaryProblem(option, p.field, p.expected, p.got, p.file, p.line) for p in problems]


@dataclass(frozen=True, eq=False)
class _Build:
    """What makes a variant's scenario from its values: the scenario's data and the places
    each option sets. Small and picklable, so that a variant is built where it is planned
    (a Dask worker) rather than kept."""

    data: dict[str, Any]
    steps: tuple[tuple[Step, ...], ...]
    targets: tuple[tuple[DataPath, ...], ...]
    file: str
    days: int | None = None
    replay: str | None = None

    def data_of(self, values: Sequence[Value],
                which: Sequence[int]) -> tuple[dict[str, Any], list[DataPath]]:
        """The data with the values of the options ``which`` set, and the paths changed."""
        data = copy.deepcopy(self.data)
        changed: list[DataPath] = []
        for i, value in zip(which, values, strict=True):
            resolve(data, self.steps[i])  # adds a left-out section where the path needs one
            for path in self.targets[i]:
                assign(data, path, value)
                changed.append(path)
        return data, changed

    def __call__(self, values: tuple[Value, ...]) -> Scenario:
        """The validated scenario of one combination (one value per option), cut to the
        days. It was validated when the variants were made: a problem now is a bug."""
        data, _changed = self.data_of(values, range(len(values)))
        valid, problems = validate_data(data, Locations(), self.file, unused=False,
                                        replay=self.replay)
        if valid is None:
            raise SupplylineError(f"a variant checked before no longer validates: "
                                  f"{problems[0] if problems else 'no scenario'}")
        return first_days(valid, self.days)


class Variants(Sequence[Variant]):
    """Every combination of the options' values, in order (the last option's values change
    fastest), each made when asked for: variant ``i`` is ``variants[i]``, and its scenario is
    built only when :attr:`Variant.scenario` is read (or by the worker that plans it).
    Memory does not grow with the number of variants.

    A slice (``variants[1:3]``) is a :class:`Variants` too, of those variants, each keeping
    its number among all the combinations (its ``index``), and the units and descriptions
    of the paths (a sweep of it writes them in its table).

    Attributes
    ----------
    paths:
        The paths varied, in the order of the options.
    values:
        The values of each path (the options' values, each once; a slice's variants take
        some of them).
    about:
        The unit (``""`` when none) and description of each path's value, from the schema.
    days:
        The days each variant is planned (``--days``: its first days), or None (its whole
        horizon).
    """

    def __init__(self, varies: Sequence[Vary], build: _Build,
                 about: dict[str, tuple[str, str]] | None = None) -> None:
        self.paths = tuple(vary.path for vary in varies)
        self.values = {vary.path: vary.values for vary in varies}
        self.about = about or {}
        self.days = build.days
        self._choices = tuple(vary.values for vary in varies)
        self._build = build
        #: The numbers of the variants held (all the combinations, or a slice's).
        self._numbers = range(math.prod(len(values) for values in self._choices))

    def horizons(self) -> list[int]:
        """The variants' whole horizons in days, each once, before ``days`` cuts them: the
        scenario's, or, where ``start_date`` or ``end_date`` is varied, each combination of
        their values' (a few, however many variants)."""
        data = self._build.data
        dates = {name: [data[name]] for name in ("start_date", "end_date")}
        dates.update({path: list(values) for path, values in self.values.items()
                      if path in dates})
        return sorted({(_day(end) - _day(start)).days + 1
                       for start in dates["start_date"] for end in dates["end_date"]})

    def __len__(self) -> int:
        return len(self._numbers)

    @overload
    def __getitem__(self, index: int) -> Variant: ...

    @overload
    def __getitem__(self, index: slice) -> Variants: ...

    def __getitem__(self, index: int | slice) -> Variant | Variants:
        if isinstance(index, slice):
            part = copy.copy(self)
            part._numbers = self._numbers[index]
            return part
        try:
            return self.numbered(self._numbers[index])
        except IndexError:
            raise IndexError(f"variant {index} of {len(self)}") from None

    def numbered(self, number: int) -> Variant:
        """The variant numbered ``number`` among all the combinations (its ``index``)."""
        chosen: list[Value] = []
        rest = number
        for values in reversed(self._choices):
            rest, k = divmod(rest, len(values))
            chosen.append(values[k])
        return self._variant(number, tuple(reversed(chosen)))

    def __iter__(self) -> Iterator[Variant]:
        if self._numbers == range(math.prod(len(values) for values in self._choices)):
            for index, values in enumerate(itertools.product(*self._choices)):
                yield self._variant(index, values)
            return
        for number in self._numbers:
            yield self.numbered(number)

    def __repr__(self) -> str:
        count = math.prod(len(values) for values in self._choices)
        part = "" if len(self._numbers) == count else f" of the {count:,}"
        return f"<Variants: {len(self):,}{part} of {', '.join(self.paths)}>"

    def _variant(self, index: int, values: tuple[Value, ...]) -> Variant:
        return Variant(index, dict(zip(self.paths, values, strict=True)),
                       functools.partial(self._build, values))


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _about(path: DataPath) -> tuple[str, str]:
    """The unit of the value at ``path`` and its field's description, from the schema
    (a mapping's entry, ``stock_kg.rice``, is described by its field, ``stock_kg``)."""
    target = target_at(path)
    if target is None or target.owner is None:
        return "", ""
    fields = fields_by_key(target.owner)
    for part in reversed(target.path):
        if isinstance(part, str) and part in fields:
            return target.unit, str(fields[part][1].description or "")
    return target.unit, ""


def _options(varies: Sequence[Vary | str]) -> list[Vary]:
    """The options ``varies`` as :func:`parse_vary` makes them (a text is read by it, every
    problem of every text said together)."""
    said = "parse_vary(TEXT)'s result, or its PATH=VALUES text"
    if isinstance(varies, str | bytes):
        raise TypeError(f"varies: expected a list of options (each {said}), got one "
                        f"{type(varies).__name__}: put it in a list")
    options: list[Vary] = []
    problems: list[VaryProblem] = []
    for i, vary in enumerate(varies):
        if isinstance(vary, Vary):
            options.append(vary)
        elif isinstance(vary, str):
            try:
                options.append(parse_vary(vary))
            except VaryError as error:
                problems += error.problems
        else:
            raise TypeError(f"varies[{i}]: expected an option ({said}), got "
                            f"{type(vary).__name__}")
    if problems:
        raise VaryError(problems)
    return options


def make_variants(scenario: Scenario, varies: Sequence[Vary | str],
                  source: str | Path | None = None, days: int | None = None,
                  replay: str | None = None,
                  progress: Callable[[int, int], None] | None = None,
                  step_days: int | None = None) -> Variants:
    """Every combination of the options' values, each validated as a file would be.

    Every combination is validated here, before anything runs, and its scenario dropped:
    the :class:`Variants` returned build each one again when it is asked for.

    Parameters
    ----------
    scenario:
        The loaded, valid scenario.
    varies:
        The options: what :func:`parse_vary` made of each, or their ``PATH=VALUES`` text
        (read here by :func:`parse_vary`); at least one.
    source:
        What the scenario was loaded from (a path or a built-in name), to locate problems in
        its file.
    days:
        Plan only the first ``days`` days of each variant (``--days``; None: the whole
        horizon). Each variant is validated whole first, as its file would be.
    replay:
        The replay each variant is planned with (``--replay``): a variant whose replay asks
        more giving than its localities can give is refused with the others' problems.
    progress:
        Called with (combinations checked, of all) as each is validated (a few ms each).
    step_days:
        The steps every variant is planned in (``--step-days``; None: each variant's
        policy): refused where longer than a variant's horizon planned, as a plan refuses
        it (it would be cut to it in silence).

    Returns
    -------
    Variants
        Every combination, in the order of :func:`itertools.product` over the options'
        values, each made (and its scenario built) when asked for.

    Raises
    ------
    VaryError
        With every problem: options that do not read, paths that name nothing, the same
        value set twice, values the schema or the cross-reference checks refuse (each value
        alone first, then the combinations), too many variants.
    TypeError
        When ``varies`` is not a list of options (one text alone, or something else in it).
    """
    varies = _options(varies)
    if not varies:
        raise VaryError([VaryProblem("", "(option)", "at least one --vary PATH=VALUES",
                                     "none")])
    base = _source(scenario, source)
    problems: list[VaryProblem] = []
    targets: list[list[DataPath]] = []
    for vary in varies:
        found = _resolve(copy.deepcopy(base.data), vary)
        if isinstance(found, VaryProblem):
            problems.append(found)
            targets.append([])
        else:
            targets.append(found)
    owners: dict[DataPath, str] = {}
    for vary, paths in zip(varies, targets, strict=True):
        for path in paths:
            if path in owners:
                problems.append(VaryProblem(vary.text, base.locations.field_name(path),
                                            "each value varied by "
                                            "one --vary option", f"also set by --vary "
                                            f"{owners[path]}"))
            owners.setdefault(path, vary.text)
    for vary, paths in zip(varies, targets, strict=True):
        # An option no plan reads at all (with [*], some of its values may be read: the
        # replay planned among others).
        elsewhere = [other for other in owners if other not in paths]
        unread = [(path, _unread(base.data, path, replay, elsewhere)) for path in paths]
        if paths and all(why is not None for _path, why in unread):
            problems += [VaryProblem(vary.text, base.locations.field_name(path), *why)
                         for path, why in unread if why is not None]
    count = math.prod(len(vary.values) for vary in varies)
    if count > MAX_VARIANTS:  # said at once: each value is not checked first
        problems.append(VaryProblem(" ".join(v.text for v in varies), "(combinations)",
                                    f"at most {MAX_VARIANTS:,} variants", f"{count:,}"))
        raise VaryError(problems)

    made = _Build(base.data, tuple(vary.steps for vary in varies),
                  tuple(tuple(paths) for paths in targets), base.file, days, replay)

    # Each value alone: a bad value is reported once, with its own option. A problem of a
    # section another option also changes is left to the combinations, where the two
    # meet; and so is a problem that some value of another option lifts or changes
    # (daily_start_days needs step_days > 1, which a varied step_days may give; an end_date
    # before the file's start_date, beside a varied start_date), wherever it is said.
    lifts: dict[tuple[int, str, str], bool] = {}

    def lifted(i: int, value: Value, problem: Problem) -> bool:
        """Whether some value of another option, set beside ``value``, lifts ``problem`` or
        changes its words: a problem of two fields, left to the combinations. Tried once
        for each kind of problem of an option (:func:`_alike`; a few ms a value of the
        others)."""
        kind = (problem.field, _alike(problem.expected))
        if (i, *kind) not in lifts:
            lifts[(i, *kind)] = False
            said_so = (problem.field, problem.expected, problem.got)
            for j, other in ((j, other) for j, vary in enumerate(varies)
                             if j != i and targets[j] and not set(targets[i]) & set(targets[j])
                             for other in vary.values):  # (a value varied twice: said above)
                data, changed = made.data_of([value, other], [i, j])
                if all((p.field, p.expected, p.got) != said_so
                       for p in _validate(data, base, changed, None)[1]):
                    lifts[(i, *kind)] = True
                    break
        return lifts[(i, *kind)]

    for i, vary in enumerate(varies):
        if not targets[i]:
            continue  # a path that names nothing: reported above
        others = [base.locations.field_name(path) for j, paths in enumerate(targets) if j != i
                  for path in paths
                  if path not in targets[i]]  # (a value varied twice is said above)
        said: set[tuple[str, str, str]] = set()  # a wrong field is wrong for every value
        # values refused for the same reason: (the first's words, the values)
        alike: dict[tuple[str, str], tuple[str, list[str]]] = {}
        # the first value past those said, said in full where it is the only one
        past: dict[tuple[str, str], list[VaryProblem]] = {}
        # the first said of each kind: where in the file the rest are too
        first_at: dict[tuple[str, str], VaryProblem] = {}
        for value in vary.values:
            data, changed = made.data_of([value], [i])
            # (Whether the replay can be given depends on the other values too: it is
            # checked on the combinations.)
            _scenario, found_problems = _validate(data, base, changed, None)
            new = [p for p in found_problems if (p.field, p.expected, p.got) not in said
                   and not _shared(p.field, others)
                   and not lifted(i, value, p)]
            said.update((p.field, p.expected, p.got) for p in new)
            for p in new:
                # (the first's words stand for the rest)
                wanted, refused = alike.setdefault((p.field, _alike(p.expected)),
                                                   (p.expected, []))
                refused.append(shown_value(value))
                one = _as_vary_problems(f"{vary.path}={shown_value(value)}", [p])
                first_at.setdefault((p.field, _alike(p.expected)), one[0])
                if len(refused) <= SAID_VALUES:
                    problems += one
                elif len(refused) == SAID_VALUES + 1:
                    past[(p.field, _alike(p.expected))] = one
        for (where, same), (wanted, refused) in alike.items():
            if len(refused) == SAID_VALUES + 1:  # (a line that counts one says less)
                problems += past[(where, same)]
            elif len(refused) > SAID_VALUES:  # one line for the rest, not one a value
                rest = refused[SAID_VALUES:]
                at = first_at[(where, same)]
                problems.append(VaryProblem(
                    vary.text, where, wanted,
                    f"{len(rest):,} more values refused alike ({rest[0]} to {rest[-1]})",
                    at.file, at.line, count=len(rest)))
    if problems:
        raise VaryError(problems)
    everything = list(range(len(varies)))
    varied = {written(vary.steps) for vary in varies}
    # A problem refused alike in many combinations is said for the first few, then counted.
    refused_alike: dict[tuple[str, str], tuple[str, list[str]]] = {}
    beyond: dict[tuple[str, str], list[VaryProblem]] = {}  # (as past, above)
    first_in: dict[tuple[str, str], VaryProblem] = {}  # (as first_at, above)
    for index, values in enumerate(itertools.product(*(v.values for v in varies))):
        if progress is not None:
            progress(index + 1, count)
        data, changed = made.data_of(values, everything)
        valid, found_problems = _validate(data, base, changed, replay)
        label = ", ".join(f"{v.path}={shown_value(value)}"
                          for v, value in zip(varies, values, strict=True))
        if valid is None:
            for p in found_problems:
                _first, labels = refused_alike.setdefault((p.field, _alike(p.expected)),
                                                          (p.expected, []))
                labels.append(label)
                one = _as_vary_problems(label, [p])
                first_in.setdefault((p.field, _alike(p.expected)), one[0])
                if len(labels) <= SAID_VALUES:
                    problems += one
                elif len(labels) == SAID_VALUES + 1:
                    beyond[(p.field, _alike(p.expected))] = one
            continue
        for where, expected, got in _planned_problems(valid, varied, days, step_days):
            _first, labels = refused_alike.setdefault((where, _alike(expected)),
                                                      (expected, []))
            labels.append(label)
            one = [VaryProblem(label, where, expected, got)]
            first_in.setdefault((where, _alike(expected)), one[0])
            if len(labels) <= SAID_VALUES:
                problems += one
            elif len(labels) == SAID_VALUES + 1:
                beyond[(where, _alike(expected))] = one
    for (where, same), (wanted, labels) in refused_alike.items():
        if len(labels) == SAID_VALUES + 1:  # (a line that counts one says less)
            problems += beyond[(where, same)]
        elif len(labels) > SAID_VALUES:
            at = first_in[(where, same)]
            problems.append(VaryProblem(" ".join(v.path for v in varies), where, wanted,
                                        f"{len(labels) - SAID_VALUES:,} more combinations "
                                        "refused alike", at.file, at.line,
                                        count=len(labels) - SAID_VALUES))
    # Each was validated whole, as its file would be; it is cut to its first days when it is
    # built again (Variant.scenario).
    if problems:
        raise VaryError(problems)
    return Variants(varies, made, {vary.path: _about(paths[0])
                                   for vary, paths in zip(varies, targets, strict=True)})
