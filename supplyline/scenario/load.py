"""Loading a scenario: from a file, a built-in name or a string, with precise errors.

Reading happens in four passes, and every problem found is reported at once as one
:class:`~supplyline.errors.ScenarioError`:

1. YAML is read with the line of every value (:mod:`supplyline.scenario._yaml_lines`);
2. ``places`` / ``routes`` given as ``{file: ...}`` are read from their CSV or GeoJSON table
   (:mod:`supplyline.scenario.tables`);
3. the data is validated against the schema (:mod:`supplyline.scenario.schema`), and each
   pydantic error is turned into file, line, field, what was expected and what was written;
4. cross-references are checked on the same data (:mod:`supplyline.scenario._crossref`),
   whether or not the schema passed, skipping only the values that it could not read.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import stat
from collections.abc import Callable, Collection
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Any

import numpy as np
import yaml
from pydantic import ValidationError

from supplyline.errors import Problem, ScenarioError, not_whole
from supplyline.scenario._crossref import check_references
from supplyline.scenario._describe import (
    constraints_of,
    describe,
    fields_by_key,
    is_model,
    split_annotated,
    target_at,
    without_none,
)
from supplyline.scenario._yaml_lines import (
    Locations,
    NotUtf8,
    Spot,
    clipped,
    dotted,
    grouped_digits,
    read_yaml,
    shown,
    utf8_text,
)
from supplyline.scenario._yaml_lines import Path as DataPath
from supplyline.scenario.schema import Broken, Mode, Scenario
from supplyline.scenario.tables import TABLE_MODELS, WINDOW_EXPECTED, is_window, read_table
from supplyline.text import HALF, REFUSED, closest, did_you_mean, plain

__all__ = [
    "DEFAULT_SCENARIO",
    "MAX_FILE_BYTES",
    "MAX_FILE_ENV",
    "builtin_names",
    "builtin_titles",
    "load",
    "load_text",
    "validate_data",
]

DEFAULT_SCENARIO = "dien-bien-phu-1954"
"""The built-in scenario used when none is named."""

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Largest scenario file, and largest table file, that is read: 20 MiB.

A scenario of a few thousand places is far smaller; the limit keeps a mistaken or hostile
file from taking minutes and gigabytes. Raise it with ``load(..., max_file_bytes=N)``
(``None``: no limit). The built-in scenarios are read without it.
"""

#: Environment variable with which the command line raises (or, at 0, lifts) that limit, in
#: MiB.
MAX_FILE_ENV = "SUPPLYLINE_MAX_FILE_MB"

#: An unknown field of a part with at most this many fields, none near what was written,
#: is told them all.
FEW_FIELDS = 8

_BUILTIN_DISPLAY = "supplyline/scenario/builtin"
_TABLE_SUFFIXES = (".csv", ".geojson", ".json")


def _builtin_folder() -> Traversable:
    return files("supplyline.scenario").joinpath("builtin")


def builtin_names() -> list[str]:
    """Names of the scenarios shipped inside the package, sorted.

    Examples
    --------
    >>> "dien-bien-phu-1954" in builtin_names()  # doctest: +SKIP
    True
    """
    folder = _builtin_folder()
    if not folder.is_dir():
        return []
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml") and entry.is_file()
    )


def builtin_text(name: str) -> str:
    """The YAML text of a built-in scenario (``name`` from :func:`builtin_names`), as shipped:
    to copy and edit."""
    if name not in builtin_names():
        raise KeyError(name)
    return _builtin_folder().joinpath(f"{name}.yaml").read_text("utf-8")


def builtin_titles() -> dict[str, str]:
    """The title of each built-in scenario, by name (``""`` when it cannot be read).

    Titles are read without validating the scenarios, so a listing never fails.
    """
    titles: dict[str, str] = {}
    for name in builtin_names():
        try:
            data = yaml.safe_load(_builtin_folder().joinpath(f"{name}.yaml").read_text("utf-8"))
        except (yaml.YAMLError, OSError, UnicodeDecodeError):
            data = None
        title = data.get("title") if isinstance(data, dict) else None
        titles[name] = title if isinstance(title, str) else ""
    return titles


#: The scenario files read in this process (each YAML file and its tables), resolved: what
#: no output may replace (:class:`supplyline.report.safe_write.OutputFiles` refuses to).
_READ_FILES: set[Path] = set()


def was_read(path: Path) -> bool:
    """Whether ``path`` is a scenario file read in this process: outputs never replace one,
    so that ``--export`` into a scenario's folder cannot overwrite its tables. (Its folder
    is resolved, not its name: a link there is replaced by an output, not followed.)"""
    return Path(path).absolute().parent.resolve() / Path(path).name in _READ_FILES


def load(
    source: str | Path | None = None, *, max_file_bytes: int | None = MAX_FILE_BYTES
) -> Scenario:
    """Load and validate a scenario.

    Tables that the file names (``places: {file: places.csv}``) must be regular files inside
    the scenario's folder (or below it): no absolute paths, no ``..``, no links that lead
    out of it.

    Parameters
    ----------
    source:
        ``None`` for the default built-in scenario (``dien-bien-phu-1954``); the name of a
        built-in scenario (see :func:`builtin_names`); or the path of a YAML file.
    max_file_bytes:
        Largest scenario file, and largest table file, that is read (:data:`MAX_FILE_BYTES`
        by default); ``None`` for no limit. Built-in scenarios are not limited.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    ScenarioError
        With every problem found (file, line, field, what was expected, what was written).
    TypeError
        When ``source`` is neither a path nor a name, or ``max_file_bytes`` not a whole
        number.

    Examples
    --------
    >>> import supplyline as sl
    >>> scenario = sl.load()  # doctest: +SKIP
    >>> scenario.days  # doctest: +SKIP
    158
    """
    named = source is not None
    if source is None:
        source = DEFAULT_SCENARIO
    if not isinstance(source, str | os.PathLike):
        raise TypeError(f"source: expected a file's path or a built-in scenario's name, got "
                        f"{type(source).__name__}")
    _check_limit(max_file_bytes)
    if isinstance(source, str) and source.startswith(BUILTIN_PREFIX):
        asked = source.removeprefix(BUILTIN_PREFIX)
        if asked not in builtin_names():
            raise ScenarioError([Problem(source, None, "(file)", "a built-in scenario name ("
                                         + ", ".join(builtin_names()) + ")"
                                         + did_you_mean(asked, builtin_names()),
                                         repr(asked))])
    elif isinstance(source, str) and (same := _file_named_as_builtin(source)) is not None:
        # A file named as a built-in scenario was passed over for it without a word.
        raise ScenarioError([_builtin_or_file(source, *same, named)])
    name = builtin_name(source)
    if name is not None:
        folder = _builtin_folder()
        entry = folder.joinpath(f"{name}.yaml")
        return _parse(entry.read_bytes(), f"{_BUILTIN_DISPLAY}/{name}.yaml", folder, None)
    if isinstance(source, str) and not source.strip():
        raise ScenarioError([Problem("(scenario)", None, "(file)", "a scenario file or a "
                                     "built-in scenario name", "an empty name")])
    path = Path(source)
    shown_name = str(source)
    try:
        raw = read_limited(path, max_file_bytes)
    except FileNotFoundError:
        expected = "an existing scenario file"
        if isinstance(source, str) and not _looks_like_path(source):
            names = ", ".join(builtin_names()) or "none installed"
            expected += f" or a built-in scenario name ({names})"
            expected += _nearest_scenario(source)
        else:
            expected += _nearest_file(shown_name, path)
        raise ScenarioError([Problem(shown_name, None, "(file)", expected,
                                     "no such file")]) from None
    except Refused as refused:
        raise ScenarioError([Problem(shown_name, None, "(file)", refused.expected,
                                     refused.got)]) from None
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ScenarioError([Problem(shown_name, None, "(file)", "a readable file",
                                     reason)]) from None
    _READ_FILES.add(path.resolve())
    return _parse(raw, shown_name, path.parent, max_file_bytes)


def load_text(
    text: str,
    filename: str = "<string>",
    base_dir: str | Path | None = None,
    *,
    max_file_bytes: int | None = MAX_FILE_BYTES,
) -> Scenario:
    """Load and validate a scenario given as YAML text.

    Parameters
    ----------
    text:
        The YAML text.
    filename:
        The name shown in error messages.
    base_dir:
        Folder that ``{file: ...}`` tables are read from (they must lie inside it); the
        folder of ``filename`` when empty.
    max_file_bytes:
        Largest text (UTF-8 encoded), and largest table file, that is read
        (:data:`MAX_FILE_BYTES` by default); ``None`` for no limit.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    ScenarioError
        With every problem found; no other exception comes out, whatever the text.
    TypeError
        When ``text`` or ``filename`` is not a str, or ``max_file_bytes`` not a whole
        number (the arguments, not the text).
    """
    for name, value in (("text", text), ("filename", filename)):
        if not isinstance(value, str):
            raise TypeError(f"{name}: expected a str, got {type(value).__name__}")
    _check_limit(max_file_bytes)
    if base_dir is None:
        base_dir = Path(filename).parent if not filename.startswith("<") else Path(".")
    if max_file_bytes is not None and len(text) > max_file_bytes // 4:
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > max_file_bytes:
            refused = _too_big(size, max_file_bytes)
            raise ScenarioError([Problem(filename, None, "(file)", refused.expected,
                                         refused.got)])
    return _parse_text(text, filename, Path(base_dir), max_file_bytes)


#: A folder of more entries than this is not searched for a misspelt file's name.
_MOST_NEIGHBOURS = 10_000


_YAML_SUFFIXES = (".yaml", ".yml")


def _yaml_files(folder: Path, suffixes: tuple[str, ...] = _YAML_SUFFIXES) -> list[str]:
    """The names of the YAML files (or of those ending in ``suffixes``, in any case) in
    ``folder``, in order; none where it cannot be read or holds more than
    :data:`_MOST_NEIGHBOURS` entries."""
    names: list[str] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if len(names) >= _MOST_NEIGHBOURS:
                    return []
                if entry.name.lower().endswith(suffixes) and entry.is_file():
                    names.append(entry.name)
    except (OSError, ValueError):
        return []
    return sorted(names)


def _nearest_scenario(name: str) -> str:
    """`` (did you mean 'tutorial'?)`` for a bare name that is neither a file nor a built-in
    scenario: the closest of the built-in names and of the current folder's YAML files (by
    their names without the suffix: ``my-valey`` for my-valley.yaml), as the name that
    loads it (``builtin:tutorial`` where a file here has the built-in's name too, beside
    that file), else ``''``."""
    meant: dict[str, list[str]] = {}
    for file in _yaml_files(Path(".")):
        meant.setdefault(Path(file).stem, []).append(file)
    for builtin in builtin_names():
        shared = _file_named_as_builtin(builtin) is not None
        meant.setdefault(builtin, []).append(BUILTIN_PREFIX + builtin if shared else builtin)
    close = closest(name, meant)
    if close is None:
        return ""
    return f" (did you mean {' or '.join(repr(each) for each in meant[close])}?)"


def _nearest_file(written: str, path: Path, suffixes: tuple[str, ...] = _YAML_SUFFIXES
                  ) -> str:
    """`` (did you mean 'my-valley.yaml'?)`` for a scenario file (or a table, of
    ``suffixes``) that is not there, where a file of a close name is in its folder (the
    same name in other capitals first: ``Places.csv`` for places.csv), named as ``written``
    names its folder; else ``''``."""
    close = closest(path.name, _yaml_files(path.parent, suffixes))
    if close is None:
        return ""
    folder = written[: -len(path.name)] if written.endswith(path.name) else ""
    return f" (did you mean {folder + close!r}?)"


def _check_limit(max_file_bytes: object) -> None:
    if max_file_bytes is not None and not_whole(max_file_bytes, 1):
        raise TypeError(f"max_file_bytes: expected a whole number of bytes >= 1, or None, "
                        f"got {max_file_bytes!r}")


def _names_builtin(source: str) -> bool:
    return not _looks_like_path(source) and source in builtin_names()


def _file_named_as_builtin(source: str) -> tuple[str, str] | None:
    """The file in the current folder that the built-in scenario's name ``source`` could
    mean as well (``NAME``, ``NAME.yaml`` or ``NAME.yml``: a file, or a link to nothing,
    left where a file was), as its name and what it is; or ``None``: with one there, the
    bare name is refused rather than read as either. A folder of that name is not one: no
    scenario is a folder (``--export tutorial`` writes one), and the built-in is read."""
    if not _names_builtin(source):
        return None
    for candidate in (source, f"{source}.yaml", f"{source}.yml"):
        try:
            info = os.stat(candidate)
        except OSError:  # (nothing there, a link to nothing or a loop, or a folder unread)
            if os.path.islink(candidate):
                return candidate, f"a link {candidate} here, to nothing"
            continue
        if stat.S_ISDIR(info.st_mode):
            continue
        if stat.S_ISREG(info.st_mode):
            return candidate, f"a file {candidate} here"
        return candidate, f"{_kind(info.st_mode)} {candidate} here"
    return None


def _builtin_or_file(source: str, same: str, there: str, named: bool = True) -> Problem:
    """The problem of a bare built-in name ``source`` with ``there`` (:func:
    `_file_named_as_builtin`) of the name ``same`` in the current folder: the two names
    that say which. Not ``named``: no scenario was given, and ``source`` is the default."""
    if not named:
        there = f"no scenario named (the default is the built-in {source}), and {there}"
    return Problem(source, None, "(file)", f"a name that says which: the built-in scenario "
                   f"as {BUILTIN_PREFIX}{source}, or the file as ./{same} (its path)", there)


#: Names a built-in scenario whatever files are here: ``builtin:tutorial``.
BUILTIN_PREFIX = "builtin:"


def builtin_name(source: str | os.PathLike[str] | None) -> str | None:
    """The built-in scenario ``source`` names (its bare name, or ``builtin:NAME``), or
    ``None`` for a file's path (one with a folder or a ``.yaml`` suffix, or another name)."""
    if not isinstance(source, str):
        return None
    if source.startswith(BUILTIN_PREFIX):
        name = source.removeprefix(BUILTIN_PREFIX)
        return name if name in builtin_names() else None
    return source if _names_builtin(source) else None


def _looks_like_path(source: str) -> bool:
    return "/" in source or "\\" in source or source.lower().endswith((".yaml", ".yml"))


# -- the passes -----------------------------------------------------------------------------


def _parse(raw: bytes, file: str, base: Traversable, limit: int | None) -> Scenario:
    try:
        text = utf8_text(raw)
    except NotUtf8 as error:
        raise ScenarioError([Problem(file, error.line, "(file)", "text encoded as UTF-8",
                                     error.got)]) from None
    return _parse_text(text, file, base, limit)


def _parse_text(text: str, file: str, base: Traversable, limit: int | None) -> Scenario:
    data, locations, problems = read_yaml(text, file)
    if data is None and not problems:
        spot = locations.spots.get((), Spot(file, 1))
        problems.append(Problem(file, spot.line, "(top level)", "a mapping of scenario fields",
                                "an empty document"))
    if data is None:
        raise ScenarioError(problems)
    if not isinstance(data, dict):
        problems.append(Problem(file, 1, "(top level)", "a mapping of scenario fields",
                                shown(data)))
        raise ScenarioError(problems)
    problems += _expand_tables(data, file, base, locations, limit)
    scenario, found = validate_data(data, locations, file)
    problems += found
    problems += quoted(data, locations, file, {p.field for p in problems})
    if problems or scenario is None:
        raise ScenarioError(_ordered(problems, file))
    return scenario


def locations_of(text: str, file: str, base: Traversable) -> Locations:
    """Where each value of a scenario file was written, the rows of its tables included (a
    CSV row's line, in the table's file): what a problem found later says of a value (a
    sweep's variant, whose data comes from the loaded scenario)."""
    data, locations, _problems = read_yaml(text, file)
    if isinstance(data, dict):
        _expand_tables(data, file, base, locations, None)
    return locations


#: The types pydantic's strict mode wants where the lax mode reads text as a number or yes/no.
_WANTS_NUMBER = {"float_type": "a number", "int_type": "a whole number",
                 "bool_type": "true or false"}


def quoted(data: dict[str, Any], locations: Locations, file: str,
           already: set[str], only: Collection[DataPath] | None = None, *,
           anywhere: bool = False) -> list[Problem]:
    """Numbers and yes/no values written in the scenario file as quoted text
    (``population: "1200"``), words for true or false (``one_way: yes``: YAML 1.2 reads
    text), and numbers written for true or false (``one_way: 1``): the schema's lax reading
    takes them, but an editor checking the file against the JSON Schema refuses them, so
    ``check`` does too, beside the file's other problems (``already``: their fields, not
    said twice); ``only``: the values at these paths alone (a sweep's). A CSV table's cells
    are all text: only values written in the YAML file itself count, and in a table only a
    number with its digits grouped by ``_`` (``2_000``), which a spreadsheet keeps as text
    too. ``anywhere``: every
    value counts, where none was written in a file (a scenario changed in Python, whose
    values are all the caller's: ``replace({"modes.porter.payload_kg": "30"})``)."""
    try:
        Scenario.model_validate(data, strict=True)
    except ValidationError as error:
        problems: list[Problem] = []
        said = set(already)
        for found in error.errors():
            wanted = _WANTS_NUMBER.get(found["type"])
            number = isinstance(found["input"], int | float) and found["type"] == "bool_type"
            if wanted is None or not (isinstance(found["input"], str) or number):
                continue
            path = _data_path(data, found["loc"])
            spot = locations.spots.get(path)
            field = locations.field_name(path)
            # (a sweep's value is the option's wherever the file wrote the one it replaces)
            if anywhere and spot is None:
                spot = Spot(file, None)
            # (written plainly, not quoted; a sweep's values are read as YAML 1.2 reads them)
            grouped = path in locations.grouped or (only is not None and isinstance(
                found["input"], str) and grouped_digits(found["input"].strip()))
            # (a table's cells are text, read as a spreadsheet reads them: only a number
            # grouped by '_', which a spreadsheet too keeps as text, is said there, unless
            # its row was said to be broken already: its cells may sit under other columns)
            in_table = spot is not None and spot.file != file and only is None
            if spot is None or (in_table and not grouped) or field in said or (
                    only is not None and path not in only) or locations.already_reported(path):
                continue
            said.add(field)
            # A number or a word for true/false (one_way: 1, one_way: yes) the lax reading
            # took as true; true, false or a number as text.
            word = (found["type"] == "bool_type" and isinstance(found["input"], str)
                    and found["input"].strip().lower() not in ("true", "false"))
            problems.append(Problem(spot.file, spot.line, field, wanted if number or word
                                    else f"{wanted}, its digits not grouped by '_' (text "
                                         + ("to a spreadsheet)" if in_table
                                            else "in YAML 1.2)") if grouped
                                    else f"{wanted}, not text" if anywhere
                                    else f"{wanted}, written without quotes",
                                    shown(found["input"])))
        return problems
    return []


def _data_path(data: Any, loc: tuple[Any, ...]) -> DataPath:
    """The path in ``data`` of a pydantic ``loc`` (union branches and the like left out)."""
    path: list[str | int] = []
    here = data
    for part in loc:
        in_dict = isinstance(here, dict) and part in here
        in_list = isinstance(here, list) and isinstance(part, int) and 0 <= part < len(here)
        if not (in_dict or in_list):
            continue
        here = here[part]
        path.append(part)
    return tuple(path)


def validate_data(
    data: dict[str, Any], locations: Locations, file: str, unused: bool = True,
    replay: str | None = None, compiled: bool = False,
) -> tuple[Scenario | None, list[Problem]]:
    """Validate a scenario's data as a file's is validated: the schema, then the
    cross-references (whether or not the schema passed, skipping only the sections that could
    not be read).

    Parameters
    ----------
    data:
        The data, tables inline (a file's, or a scenario's with values changed); half of
        a UTF-16 pair in its text is made U+FFFD in place, and said.
    locations:
        Where each value was written (empty where there is no file).
    file:
        The name shown for values without a recorded place.
    unused:
        Also report what can never be used (a mode on no route, ...). A file must not say
        such things; a what-if or a sweep's variant may (no trucks at all is a question to
        ask), so they pass False. With it, every replay must ask no more giving than its
        localities can give; without it, only ``replay``'s (the one to be planned).
    replay:
        The replay that will be planned, checked even when ``unused`` is False.
    compiled:
        Check the scenario as it is compiled for a plan: what the planner leaves unused
        passes (:func:`~supplyline.scenario._crossref.check_references`).

    Returns
    -------
    tuple
        The scenario (``None`` when there is any problem) and every problem found.
    """
    problems: list[Problem] = _halves(data, locations, file)
    scenario: Scenario | None = None
    # The entry of each problem of a rule across its fields, by the field it names.
    entries: dict[str, DataPath] = {}
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        problems += schema_problems(error, data, locations, file, entries)
    said = {p.field for p in problems}
    problems += [p for p in _control_problems(data, locations, file) if p.field not in said]
    # A section not read whole: its table (or one of its rows, whose cells stand under the
    # wrong columns) could not be read, so no rule is made on what it seems to lack.
    unreadable = {str(path[0]) for path in locations.reported if len(path) == 1
                  or (len(path) == 2 and isinstance(path[1], int))}
    problems += check_references(data, locations, file, unreadable, unused, compiled)
    # The rules across sections below read no names, descriptions or sources: a problem in
    # one of those leaves its section to them, the text taken out (a place's name written 5
    # had hidden a replay that asked too much).
    ruled, counted = _set_aside(data, problems, locations, entries=entries)
    # The replays' giving is read against the places' stocks and tags alone, so it is checked
    # beside the file's other problems (the values of other sections with problems left
    # out), but not where what it reads could not be read.
    readable = scenario
    giving, given_counted = _set_aside(data, problems, locations, _replay_reads, entries)
    if scenario is None and not locations.reported:
        readable, given_counted = _read_without(giving, given_counted, data, problems,
                                                locations)
    broken = locations.sections_of(given_counted)
    if broken & set(_REPLAY_READS):
        readable = None  # (a stock under a misspelt good is no stock to give from)
    replays_said = any(p.field.startswith("replays") for p in given_counted)
    said_before = len(problems)
    if readable is not None and not locations.reported and not replays_said:
        names = None if unused else {replay} - {None}
        problems += _replay_problems(readable, locations, file, names)
    if unused and not compiled and not locations.reported:
        # (a scenario whose tables could not all be read is not one)
        # What never acts is said beside the file's other problems, each rule where the
        # sections it reads have none.
        later = problems[said_before:]
        whole = scenario
        if scenario is None:
            whole, counted = _read_without(ruled, counted, data, problems[:said_before],
                                           locations, entries=True)
        broken = locations.sections_of([*counted, *later])
        if whole is not None:
            if not broken & {*_CARRYING_READS, "(top level)"}:
                problems += _never_carrying(_without(whole, broken), locations, file)
            problems += _never_acting(whole, locations, file, broken)
    return (None if problems else scenario), problems


def _never_acting(scenario: Scenario, locations: Locations, file: str,
                  broken: Collection[str] = ()) -> list[Problem]:
    """Settings that never act on this scenario, read as the planner reads them (the
    threats' routes: :func:`supplyline.hazards.threat_sources`; what route damage takes:
    capacity, which a route without one does not have):

    - ``policy.capacity_safety_margin`` where no route has a capacity;
    - a threat on no route (an air threat where no route is open to air attack, a raid whose
      regions no route touches);
    - a threat that only narrows routes (strikes that destroy no cargo, rain that slows
      no one) where none of its routes has a capacity nor can be closed by it
      (:func:`_threats_never_acting`);
    - ``night_only`` where no air threat strikes the mode's routes with a night chance other
      than its day one (:func:`_night_never_acting`);
    - ``policy.labour_rations_kg_per_day`` where no one eats them: no road works, no repair
      crews, and no wounded fed by them (none, or ``policy.wounded_rations_kg_per_day``
      given);
    - a good that nothing demands, eats or burns, nor a replay gives or an observed figure
      counts: its stocks and production never move.

    A rule is not made where a section it reads is ``broken`` (has a problem of its own).
    """
    problems: list[Problem] = []

    def said(path: DataPath, expected: str, found: str) -> None:
        spot = locations.nearest(path) or Spot(file, None)
        # (a list, at its key's line; a field not written, at its entry's)
        problems.append(Problem(spot.file, _key_line(locations, path) or spot.line,
                                locations.field_name(path), expected, found))

    def reads(*sections: str) -> bool:
        return not broken or not set(sections) & {*broken, "(top level)"}

    routes = scenario.routes
    capped = [r.capped for r in routes]
    capacities = "capacity_movements_per_day or capacity_tonnes_per_day"
    policy = scenario.policy
    if policy.capacity_safety_margin > 0 and not any(capped) and reads("policy", "routes"):
        said(("policy", "capacity_safety_margin"), f"0 where no route has a capacity "
             f"({capacities}): the margin holds back a share of capacity",
             f"{policy.capacity_safety_margin:g} (no route has one)")
    if reads("threats", "routes", "places", "start_date", "end_date"):
        _threats_never_acting(scenario, capped, said)
    if reads("threats", "routes", "places", "modes", "start_date", "end_date"):
        _night_never_acting(scenario, said)  # (the threats' routes: by the places' regions)
    rations = {good: kg for good, kg in policy.labour_rations_kg_per_day.items() if kg > 0}
    wounded_eat = bool(scenario.wounded) and policy.wounded_rations_kg_per_day is None
    if rations and not (scenario.road_works or any(r.repair_crew > 0 for r in routes)
                        or wounded_eat) and reads("policy", "road_works", "routes", "wounded"):
        said(("policy", "labour_rations_kg_per_day"), "rations only where someone eats them "
             "(road works, a route's repair_crew, or wounded without "
             "wounded_rations_kg_per_day of their own)",
             "rations of " + ", ".join(rations) + " (no one eats them)")
    # A good that nothing demands, eats or burns is never moved, nor taken (a replay's
    # giving and an observed figure about it excepted): its stocks, production,
    # subsistence and prices never act.
    eaten = [*policy.labour_rations_kg_per_day.items(),
             *(policy.wounded_rations_kg_per_day or {}).items(),
             *(item for mode in scenario.modes for item in mode.rations_kg_per_day.items())]
    needed = {d.commodity for d in scenario.demand} | {good for good, kg in eaten if kg > 0} | {
        mode.fuel_commodity for mode in scenario.modes
        if mode.fuel_commodity and mode.fuel_kg_per_km > 0} | {
        given.commodity for replay in scenario.replays for given in replay.mobilization} | {
        term.commodity for observed in scenario.observed
        for term in (observed.metric, observed.metric.per) if term is not None}
    if reads("commodities", "demand", "modes", "policy", "replays", "observed"):
        for c, commodity in enumerate(scenario.commodities):
            if commodity.unit == "kg" and commodity.id not in needed:
                said(("commodities", c, "id"), "a good that some demand, ration or fuel uses "
                     "(or a replay gives, or an observed figure counts): else nothing ever "
                     "moves or takes it", f"'{commodity.id}' (only held, made, kept back or "
                     "priced)")
    return problems


def _night_never_acting(scenario: Scenario,
                        said: Callable[[DataPath, str, str], None]) -> None:
    """``night_only`` on a mode none of whose routes an air threat strikes with a night
    chance other than its day one: it chooses which of the two the mode meets
    (:func:`supplyline.hazards._threat_factors`), and there they are the same. (With no air
    threat at all, ``check_references`` says so.)"""
    from supplyline.hazards import threat_sources

    if not scenario.threats.air:
        return
    strikes, _ = threat_sources(scenario, scenario.routes)
    air = strikes[:len(scenario.threats.air)]  # (the air threats come first, in order)
    for m, mode in enumerate(scenario.modes):
        if not mode.night_only:
            continue
        mine = {r for r, route in enumerate(scenario.routes) if mode.id in route.modes}
        if not any(mine & set(source.routes.tolist())
                   and (source.day_probability != source.night_probability).any()
                   for source in air):
            said(("modes", m, "night_only"), "false where no air threat strikes the mode's "
                 "routes with a night chance other than its day one (night-only movement "
                 "meets the night chance instead of the day one: elsewhere it changes nothing)",
                 "true (no air threat reaches its routes)" if not any(
                     mine & set(source.routes.tolist()) for source in air)
                 else "true (the air threats on its routes strike by night as by day)")


def _threats_never_acting(scenario: Scenario, capped: list[bool],
                          said: Callable[[DataPath, str, str], None]) -> None:
    """The threats of :func:`_never_acting`: on no route, or acting only on capacity where
    their routes have none. A route without a capacity is unlimited whatever share of it is
    left, but closed where none is (the simulator's draws: a rain day of capacity_factor 0,
    or strikes whose damage adds up to all of it), so a threat that can close one acts."""
    from supplyline.hazards import damage_weights, damage_window, threat_sources

    routes = scenario.routes
    strikes, rains = threat_sources(scenario, routes)
    # The most of a route's capacity strikes can take at once: each source's share, struck
    # every day, held as the repair rule holds it (damage_weights).
    repair = np.array([r.repair_days for r in routes], dtype=float)
    held = damage_weights(repair, damage_window(repair)).sum(axis=1)  # [R]
    most = np.zeros(len(routes))
    for source in strikes:
        most[source.routes] += source.capacity_lost * held[source.routes]
    closable = most >= 1.0
    for rain in rains:
        if scenario.threats.rain[rain.spell].capacity_factor == 0:
            closable[rain.routes] = True
    uncapped = "capacity_movements_per_day or capacity_tonnes_per_day"
    kinds = [("air", i) for i in range(len(scenario.threats.air))] + [
        ("sabotage", i) for i in range(len(scenario.threats.sabotage))]
    for (kind, i), source in zip(kinds, strikes, strict=True):
        threat = getattr(scenario.threats, kind)[i]
        count = f"{len(source.routes)} route{'s' * (len(source.routes) != 1)}"
        if not source.routes.size and kind == "air":
            # (a route it names that is not open is said there: here it names none, and
            # every route is written air_exposed: false)
            said(("threats", kind, i, "routes"), "an air threat on some route open to air "
                 "attack (air_exposed: true)", "no route named, and none open to air attack "
                 "(every route has air_exposed: false)")
        elif not source.routes.size:
            said(("threats", kind, i, "regions"), "regions that some route touches (a raid "
                 "strikes the routes with an end at a place tagged so)",
                 f"{', '.join(threat.regions)}: no route touches them")
        elif threat.cargo_destroyed_fraction == 0 and not any(
                capped[r] or closable[r] for r in source.routes):
            said(("threats", kind, i, "capacity_lost_fraction"),
                 f"a share that acts: some of its routes with a capacity ({uncapped}), or "
                 "strikes that can take all of a route's (over its repair_days), or "
                 "cargo_destroyed_fraction above 0",
                 f"{threat.capacity_lost_fraction:g} on {count} without a capacity, and no "
                 "cargo destroyed: the threat never acts")
    for rain in rains:
        spell = scenario.threats.rain[rain.spell]
        if spell.speed_factor == 1 and spell.capacity_factor > 0 and not any(
                capped[r] for r in rain.routes):
            count = f"{len(rain.routes)} route{'s' * (len(rain.routes) != 1)}"
            said(("threats", "rain", rain.spell, "speed_factor"),
                 f"below 1 where none of the routes it falls on has a capacity ({uncapped}): "
                 "a rain day that narrows a route without one changes nothing, unless it "
                 "closes it (capacity_factor 0)",
                 f"1 (capacity_factor {spell.capacity_factor:g} on {count} without a "
                 "capacity)")


#: The sections :func:`_never_carrying` reads (through the network and its legs): where one
#: of them has a problem of its own, the rule is not made.
_CARRYING_READS = ("modes", "routes", "places", "commodities", "policy", "threats",
                   "start_date", "end_date", "name", "title")


def _without(scenario: Scenario, broken: Collection[str]) -> Scenario:
    """The scenario with the sections that have problems of their own left empty or as by
    default (a demand of a misspelt good would name none when compiled)."""
    fields = Scenario.model_fields
    return scenario.model_copy(update={
        name: [] if fields[name].is_required() else fields[name].get_default(
            call_default_factory=True)
        for name in broken if name in fields and name in scenario.model_fields_set})


def _never_carrying(scenario: Scenario, locations: Locations, file: str) -> list[Problem]:
    """A mode whose payload holds less than the food and fuel its units draw for one way
    on every route it may use, and which cannot carry wounded (on trips without a load,
    their food in it): it never carries anything (the
    planner's rule, :func:`supplyline.accounting.legs_of`: a loaded trip carries its own
    food for the way in its load; the fuel tank's is said by ``check_references``).

    And a mode, wounded or not, whose payload is no more than what a unit draws in a day
    (:func:`_day_drawn`): a load that a day's march would eat, or that burns its weight in
    fuel within a day's drive, is a payload written in the wrong unit (a truck's 5 t
    written ``payload_kg: 5``), which on the few short routes where some of it is left
    carried a handful of kg a trip and passed."""
    from supplyline.accounting import legs_of  # (compiling reads this module's schema)
    from supplyline.network import compile_network

    legs = legs_of(compile_network(scenario, checked=False))
    room = legs.cargo_room.max(axis=1, initial=-np.inf)  # the best step of each leg
    problems = []
    for m, mode in enumerate(scenario.modes):
        mine = legs.mode == m
        if not mine.any():
            continue  # (no route lists it: said by check_references)
        path = ("modes", m, "payload_kg")
        spot = locations.nearest(path) or Spot(file, None)
        wounded = mode.wounded_per_unit > 0 and bool(legs.empty_ok[mine].any())
        if not (room[mine] > 0).any() and not wounded:
            drawn = float((mode.payload_kg - room[mine]).min())
            problems.append(Problem(
                spot.file, spot.line, locations.field_name(path),
                f"a payload above the food and fuel a unit draws for one way over a route it "
                f"may use (at least {drawn:,.4g} kg, on its shortest; else it never carries)",
                f"{mode.payload_kg:g}"))
            continue
        day, words = _day_drawn(mode, float(legs.length_km[mine].max()))
        if mode.payload_kg <= day:
            problems.append(Problem(
                spot.file, spot.line, locations.field_name(path),
                f"a payload above what a unit draws in a day ({words}: {day:,.4g} kg): in "
                "kg, not tonnes", f"{mode.payload_kg:g}"))
    return problems


def _day_drawn(mode: Mode, longest_km: float) -> tuple[float, str]:
    """What one unit of ``mode`` draws in a day on the move, in kg, and the words for it:
    its rations for a day (they ride in its load) and the fuel it burns over a day's drive
    at its loaded speed, or over ``longest_km`` (the longest route it may use) where that
    is shorter (an aircraft may burn more than it carries in a day of flying, but not on
    one flight)."""
    food = sum(mode.rations_kg_per_day.values())
    km = min(mode.speed_loaded_km_per_day, longest_km)
    fuel = mode.fuel_kg_per_km * km
    if not fuel:
        return food, "its rations"
    way = ("for a day's drive" if km == mode.speed_loaded_km_per_day
           else "over its longest route, shorter than a day's drive")
    return food + fuel, f"its rations and its fuel {way}"


#: Fields of one line of text (a title, a name): no line break or tab, which would split a
#: table's row, a map's name or a line of ``check``'s output.
ONE_LINE = ("title", "name")
BREAKS = re.compile("[\t\n\r\u0085\u2028\u2029]")
BREAK_NAMES = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return",
               "\u0085": "U+0085", "\u2028": "U+2028", "\u2029": "U+2029"}


def _escaped(match: re.Match[str]) -> str:
    """A line break or tab as a file writes it in quotes ('\\n')."""
    return repr(match.group())[1:-1]


def _control_problems(data: Any, locations: Locations, file: str) -> list[Problem]:
    """Text holding a control character (a file can only write one as an escape, "\\0" or
    "\\u202e"; YAML refuses it raw): refused, as the books refuse it in an entry, since it
    would reach the reports and terminals that show the scenario's names."""
    out: list[Problem] = []

    def walk(value: Any, path: DataPath) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and REFUSED.search(key):
                    said(key, (*path, key))
                walk(item, (*path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, (*path, i))
        elif isinstance(value, str) and REFUSED.search(value):
            said(value, path)
        elif isinstance(value, str) and path and path[-1] in ONE_LINE and BREAKS.search(value):
            spot = locations.nearest(path) or Spot(file, None)
            found = ", ".join(dict.fromkeys(BREAK_NAMES[c] for c in BREAKS.findall(value)))
            out.append(Problem(spot.file, spot.line, locations.field_name(path),
                               "one line of text (a title or a name, shown in tables and "
                               "on maps)",
                               f"'{clipped(plain(BREAKS.sub(_escaped, value)))}' (with {found})"))

    def said(text: str, path: DataPath) -> None:
        spot = locations.nearest(path) or Spot(file, None)
        found = ", ".join(dict.fromkeys(f"U+{ord(c):04X}" for c in REFUSED.findall(text)))
        out.append(Problem(spot.file, spot.line, locations.field_name(path),
                           "text without control characters",
                           f"'{clipped(plain(text))}' (with {found})"))

    walk(data, ())
    return out


def _halves(data: Any, locations: Locations, file: str) -> list[Problem]:
    """Text holding half of a UTF-16 pair (an escape ``"\\ud800"`` without its other half,
    :data:`~supplyline.text.HALF`), in a value or a key: said at its field
    and each half made U+FFFD in ``data``, where validation would otherwise meet it (as a
    key, pydantic refused the whole entry for it, its other fields unread; as a name, it
    passed, and no report could be written with it). Its field is not judged again."""
    out: list[Problem] = []

    def whole(text: str, path: DataPath) -> str:
        if HALF.search(text) is None:
            return text
        mended = HALF.sub("\ufffd", text)
        at = (*path[:-1], mended) if path and path[-1] == text else path
        spot = locations.nearest(path) or Spot(file, None)
        if at != path and path in locations.spots:
            locations.spots[at] = locations.spots[path]
        found = ", ".join(dict.fromkeys(f"U+{ord(c):04X}" for c in HALF.findall(text)))
        escaped = HALF.sub(lambda half: f"\\u{ord(half.group()):04x}", text)
        out.append(Problem(spot.file, spot.line, locations.field_name(at),
                           "text of whole characters (an escape from \\ud800 to \\udfff is "
                           "half of one: write the character itself, or both halves)",
                           f"'{clipped(plain(escaped))}' (with {found})"))
        locations.reported.add(at)
        return mended

    def walk(value: Any, path: DataPath) -> None:
        if isinstance(value, dict):
            items = list(value.items())
            if any(isinstance(key, str) and HALF.search(key) for key, _ in items):
                value.clear()
                for key, item in items:
                    value[whole(key, (*path, key)) if isinstance(key, str) else key] = item
            for key, item in value.items():
                if isinstance(item, str):
                    value[key] = whole(item, (*path, key))
                else:
                    walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, str):
                    value[index] = whole(item, (*path, index))
                else:
                    walk(item, (*path, index))

    walk(data, ())
    return out


#: The sections a replay's giving is read against: where the schema refuses one of them, the
#: replays are not checked (their entries' own references are, by check_references).
_REPLAY_READS = ("replays", "places", "commodities", "policy", "start_date", "end_date",
                 "(top level)")


#: Fields of free text, which no rule across sections reads (a title is required: kept).
TEXT_FIELDS = ("name", "description", "source", "note")


def _replay_reads(path: DataPath) -> bool:
    """Whether the replays' rules read the value at ``path``: of the policy its subsistence
    and labour settings only, of the routes their repair crews (who serve labour-days)."""
    if str(path[0]) == "policy":
        return len(path) < 2 or path[1] in ("subsistence_kg_per_person_day", "labour_share",
                                            "labour_max_days_per_person", "max_burden")
    if str(path[0]) == "routes":
        return len(path) < 3 or path[2] == "repair_crew"
    return str(path[0]) in _REPLAY_READS


def _read_without(data: dict[str, Any], problems: list[Problem], whole: dict[str, Any],
                  all_problems: list[Problem], locations: Locations, entries: bool = False,
                  ) -> tuple[Scenario | None, list[Problem]]:
    """The scenario of ``data`` without the sections that have ``problems`` (what
    :func:`_set_aside` left), and those problems; where that cannot be read (a value set
    aside was required, a replay's name), the scenario of ``whole`` without the sections of
    ``all_problems``, and those; with ``entries``, where a section every scenario has is one
    of them, ``whole`` with its entries that have problems left out instead
    (:func:`_without_entries`); None where none can be read, or the top level has a
    problem."""
    for values, said in ((data, problems), (whole, all_problems)):
        broken = locations.sections_of(said)
        if "(top level)" in broken:
            continue
        try:
            return Scenario.model_validate(
                {key: value for key, value in values.items() if key not in broken}), said
        except ValidationError:
            continue
    if entries:
        kept = _without_entries(whole, all_problems, locations)
        if kept is not None:
            try:
                return Scenario.model_validate(kept), all_problems
            except ValidationError:
                pass
    return None, all_problems


#: The sections every scenario has (a problem in one cannot leave it out).
_REQUIRED = tuple(name for name, info in Scenario.model_fields.items() if info.is_required())


def _without_entries(data: dict[str, Any], problems: list[Problem], locations: Locations
                     ) -> dict[str, Any] | None:
    """``data`` without the sections of ``problems``, but those every scenario has, which
    lose only the entries that have problems (``places[1]`` for its population); None where
    a problem in one of those is in no entry of it (its list as a whole, a start_date). The
    indices of the entries left change: only for rules that read none of those sections."""
    broken = locations.sections_of(problems)
    paths = {dotted(path): path for path in locations.spots}
    paths.update({label: path for path, label in locations.labels.items()})
    gone: dict[str, set[int]] = {}
    for problem in problems:
        name = problem.field
        ends = sorted([len(name), *(m.start() for m in re.finditer(r"[.\[]", name))],
                      reverse=True)
        path = next((paths[name[:end]] for end in ends if name[:end] in paths), None)
        if path is None or str(path[0]) not in _REQUIRED:
            continue  # (a section that can be left out whole: it is, below)
        if len(path) < 2 or not isinstance(path[1], int):
            return None
        gone.setdefault(str(path[0]), set()).add(path[1])
    if broken & set(_REQUIRED) - set(gone):
        return None  # (a problem in such a section not found in it)
    out = {key: value for key, value in data.items() if key not in broken or key in gone}
    for section, indices in gone.items():
        if not isinstance(out.get(section), list):
            return None
        out[section] = [entry for i, entry in enumerate(out[section]) if i not in indices]
    return out


def _set_aside(data: dict[str, Any], problems: list[Problem], locations: Locations,
               reads: Callable[[DataPath], bool] | None = None,
               entries: dict[str, DataPath] | None = None,
               ) -> tuple[dict[str, Any], list[Problem]]:
    """``data`` without the values of the problems a rule across sections can do without,
    and the problems but those: free text (a section entry's name, description or source,
    whose default then stands) and, where the rule ``reads`` only some values, the fields
    and entries it does not read that have problems. ``entries``: the entry of each problem
    of a rule across its fields, by the field it names (:func:`schema_problems`): the entry
    is set aside whole, as the field alone may be required or not written at all."""
    if not problems:  # (nothing to set aside: no walk over every value written)
        return data, problems
    paths = {dotted(path): path for path in locations.spots}
    paths.update({label: path for path, label in locations.labels.items()})
    aside: list[DataPath] = []
    counted = []
    for problem in problems:
        path = (entries or {}).get(problem.field) or paths.get(problem.field)
        if path is not None and len(path) >= 2 and (
                (len(path) >= 3 and path[-1] in TEXT_FIELDS)
                or (reads is not None and not reads(path))):
            aside.append(path)
        else:
            counted.append(problem)
    if not aside:
        return data, problems
    out = copy.deepcopy(data)
    # (the deepest first, and entries of a list from its end: the other paths stay true)
    for path in sorted(aside, key=lambda x: (len(x), x[-1] if isinstance(x[-1], int) else -1),
                       reverse=True):
        holder: Any = out
        for part in path[:-1]:
            try:
                holder = holder[part]
            except (KeyError, IndexError, TypeError):
                break
        else:
            if isinstance(holder, dict):
                holder.pop(path[-1], None)
            elif isinstance(holder, list) and isinstance(path[-1], int) \
                    and path[-1] < len(holder):
                del holder[path[-1]]
    return out, counted


def _replay_problems(scenario: Scenario, locations: Locations, file: str,
                     names: set[str | None] | None) -> list[Problem]:
    """A replay (of ``names``; None: every one) that fixes more giving than its localities
    can give above subsistence over the horizon can never be planned (the planner's own
    rule: :func:`supplyline.network.replay_beyond`)."""
    from supplyline.network import (
        giveable_kg,
        kg_words,
        localities,
        replay_beyond,
        replay_labour_beyond,
    )

    chosen = [(r, replay) for r, replay in enumerate(scenario.replays)
              if (replay.mobilization or replay.labour)
              and (names is None or replay.name in names)]
    if not chosen:
        return []
    places = localities(scenario)
    giveable = giveable_kg(scenario, places.commodity_ids)
    problems = []
    for r, replay in chosen:
        labour = replay_labour_beyond(scenario, replay)
        if labour is not None and replay.labour is not None:
            at: DataPath = ("replays", r, "labour", "person_days")
            spot = locations.nearest(at)
            problems.append(Problem(
                spot.file if spot else file, _key_line(locations, at) or (
                    spot.line if spot else None), locations.field_name(at),
                labour[1], f"{replay.labour.person_days:,.0f}"))
    for r, replay in chosen:  # (its names are known: validate_data checks it only then)
        for i, _sentence, could in replay_beyond(places, replay, giveable):
            path = ("replays", r, "mobilization", i, "kg")
            spot = locations.nearest(path)
            problems.append(Problem(
                spot.file if spot else file, _key_line(locations, path) or (
                    spot.line if spot else None), locations.field_name(path),
                could, kg_words(replay.mobilization[i].kg)))
    return problems


def _ordered(problems: list[Problem], file: str) -> list[Problem]:
    """Problems in reading order: the scenario file first, then tables; each by line."""
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.file != file, p.file, p.line or 0))


def _expand_tables(data: dict[str, Any], file: str, base: Traversable, locations: Locations,
                   limit: int | None) -> list[Problem]:
    """Replace each section written ``{file: ...}`` by the rows of that table."""
    problems: list[Problem] = []
    for section in TABLE_MODELS:
        if isinstance(data.get(section), dict) and "file" in data[section]:
            problems += _expand_table(data, section, file, base, locations, limit)
    return problems


def _expand_table(
    data: dict[str, Any], section: str, file: str, base: Traversable, locations: Locations,
    limit: int | None,
) -> list[Problem]:
    """Replace ``{file: ...}`` by the rows of that table; return the problems found."""
    form: dict[str, Any] = data[section]
    here = locations.spots.get((section,), Spot(file, None))
    problems = [
        Problem(file, _key_line(locations, (section, key)), f"{section}.{key}",
                "only the key 'file' in a table reference", shown(key))
        for key in form
        if key != "file"
    ]
    name = form["file"]
    line = _key_line(locations, (section, "file")) or here.line

    def unreadable(expected: str, got: str) -> list[Problem]:
        problems.append(Problem(file, line, f"{section}.file", expected, got))
        locations.reported.add((section,))
        data[section] = []
        return problems

    if not isinstance(name, str) or not name.lower().endswith(_TABLE_SUFFIXES):
        return unreadable("a file name ending in .csv, .geojson or .json (GeoJSON)",
                          shown(name))
    table_file = str(PurePath(file).parent / name) if not file.startswith("<") else name
    try:
        if isinstance(base, Path):
            table_path = inside(base, name)
            raw = read_limited(table_path, limit)
            _READ_FILES.add(table_path.resolve())
        else:  # a built-in scenario inside the installed package
            _check_relative(name)
            raw = base.joinpath(name).read_bytes()
    except Refused as refused:
        return unreadable(refused.expected, f"{shown(name)} ({refused.got})")
    except (OSError, ValueError) as error:
        missing = isinstance(error, FileNotFoundError)
        reason = "no such file" if missing else (
            getattr(error, "strerror", None) or str(error))
        near = _nearest_file(name, base / name, _TABLE_SUFFIXES) if missing and isinstance(
            base, Path) else ""  # (a misspelt table, or one in other capitals: Places.csv)
        return unreadable("a table file next to the scenario" + near,
                          f"{shown(name)}: {reason}")
    table = read_table(section, raw, table_file)
    data[section] = table.rows
    locations.graft((section,), table.locations)
    if table.unreadable:
        locations.reported.add((section,))
    elif len(table.rows) < _least_rows(section):
        # (too few rows: said at the table, where they are missing, not at its name)
        rows = "row" if table_file.lower().endswith(".csv") else "feature"
        count = len(table.rows)
        locations.spots[(section,)] = Spot(table_file, table.line, table.line,
                                           f"{count} {rows}{'s' * (count != 1)}")
    return problems + table.problems


def _least_rows(section: str) -> int:
    """The fewest entries the scenario's ``section`` holds (its schema's ``min_length``)."""
    return constraints_of(Scenario.model_fields[section].metadata).min_length or 0


# -- reading files safely -------------------------------------------------------------------


class Refused(Exception):
    """A file that is not read: what was expected of it, and what it is (without its name)."""

    def __init__(self, expected: str, got: str) -> None:
        super().__init__(f"expected {expected}, got {got}")
        self.expected = expected
        self.got = got


def _too_big(size: int, limit: int) -> Refused:
    return Refused(f"a file of at most {limit:,} bytes (raise the limit with max_file_bytes, "
                   f"or {MAX_FILE_ENV} in MiB on the command line)",
                   f"{size:,} bytes")


def _check_relative(name: str) -> None:
    """Refuse a table name that is absolute or climbs out of the scenario's folder."""
    windows = PureWindowsPath(name)
    if PurePosixPath(name).is_absolute() or windows.is_absolute() or windows.drive:
        raise Refused("a file name relative to the scenario's folder", "an absolute path")
    if ".." in PurePosixPath(name.replace("\\", "/")).parts:
        raise Refused("a file inside the scenario's folder", "a path through '..'")


def inside(folder: Path, name: str) -> Path:
    """The path of table ``name`` in ``folder``, refused unless it stays inside it.

    Links are followed only as far as they lead to somewhere inside the folder; where a link
    leads outside it is not said (the message must not map the machine's files).

    Raises
    ------
    Refused
        For an absolute name, a ``..`` or a link out of the folder.
    """
    _check_relative(name)
    path = folder / name
    try:
        target = path.resolve()
        home = folder.resolve()
    except (OSError, RuntimeError):  # a loop of links
        raise Refused("a file inside the scenario's folder", "a loop of links") from None
    if not target.is_relative_to(home):
        raise Refused("a file inside the scenario's folder", "a link to a place outside it")
    return path


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _check_kind(path: Path, info: os.stat_result, limit: int | None) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise Refused("a regular file", _kind(info.st_mode))
    if limit is not None and info.st_size > limit:
        raise _too_big(info.st_size, limit)


def read_limited(path: Path, limit: int | None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (``None``: any size).

    The file's kind is checked before it is opened (a FIFO would block, a device such as
    ``/dev/zero`` never ends) and again on the opened file; at most ``limit + 1`` bytes are
    read, so a file that grows meanwhile is refused too.

    Raises
    ------
    Refused
        For anything but a regular file, or a file over the limit.
    OSError
        When the file cannot be read (``FileNotFoundError`` when there is none).
    """
    _check_kind(path, os.stat(path), limit)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    with os.fdopen(os.open(path, flags), "rb") as handle:
        _check_kind(path, os.fstat(handle.fileno()), limit)  # the file that was opened
        raw = handle.read() if limit is None else handle.read(limit + 1)
    if limit is not None and len(raw) > limit:
        raise _too_big(len(raw), limit)
    return raw


def _key_line(locations: Locations, path: DataPath) -> int | None:
    spot = locations.spots.get(path)
    if spot is None:
        return None
    return spot.key_line or spot.line


# -- schema errors in the user's words ------------------------------------------------------


def schema_problems(
    error: ValidationError, data: Any, locations: Locations, file: str,
    entries: dict[str, DataPath] | None = None,
) -> list[Problem]:
    """Turn a pydantic ``ValidationError`` into located problems.

    A rule across a model's fields (:class:`~supplyline.scenario.schema.Broken`) is said at
    the field it is about: ``places[5].population`` at its line, or at the entry's line
    where that field is not written (the message says what is missing there).

    Parameters
    ----------
    error:
        The error raised by ``Scenario.model_validate``.
    data:
        The data that was validated (to see what the user wrote).
    locations:
        Where each value of ``data`` was written.
    file:
        The scenario file, for values without a recorded place.
    entries:
        Filled with the entry of each problem of a rule across its fields, by the field
        the problem names (what the rules across sections set aside with it).

    Returns
    -------
    list of Problem
        One per error, with the union branch that did not apply left out.
    """
    problems: list[Problem] = []
    errors = error.errors(include_url=False)
    # Unknown keys by the mapping they are in: a required field missing beside one that is
    # likely it misspelt is said once, as the unknown key with "did you mean".
    unknown: dict[tuple[Any, ...], list[str]] = {}
    for entry in errors:
        if entry["type"] == "extra_forbidden" and isinstance(entry["loc"][-1], str):
            unknown.setdefault(tuple(entry["loc"][:-1]), []).append(entry["loc"][-1])
    for entry in errors:
        loc = tuple(entry["loc"])
        if (entry["type"] == "missing" and isinstance(loc[-1], str)
                and closest(loc[-1], unknown.get(loc[:-1], ())) is not None):
            continue
        target = target_at(loc)
        path: DataPath = target.path if target is not None else _strip_branches(loc)
        if target is not None and not all(
            isinstance(_value_at(data, where), list) == branch.startswith("list")
            for where, branch in target.branches
        ):
            continue  # pydantic tried the other branch of a union (number or steps)
        if locations.already_reported(path):
            continue
        broken = (entry.get("ctx") or {}).get("error")
        if entry["type"] == "value_error" and isinstance(broken, Broken):
            # A model's rules across fields, each said at the field it is about.
            for name, message in broken.rules:
                problem = _rule_problem(name, message, path, data, locations, file)
                if entries is not None:
                    entries[problem.field] = path
                problems.append(problem)
            continue
        for message in str(entry["msg"]).split("\n"):
            problems.append(_problem({**entry, "msg": message}, path, target, data, locations,
                                     file))
    return problems + _rules_not_run(errors, data, locations, file, entries)


def _rules_not_run(errors: list[Any], data: Any, locations: Locations, file: str,
                   entries: dict[str, DataPath] | None) -> list[Problem]:
    """The rules across the fields of each entry that pydantic did not run, an unknown key
    or a bad value being in it (it runs a model's rules only once all its fields are read):
    each entry's own rules, run on it without those keys, beside their problems (a depot's
    population said with its misspelt key, not once that is fixed). A rule about a key left
    out, or whose message names a bad value left out (the value it reads), is not said: the
    value's own problem is. The sections of the top level are entries; the top level is
    not (its rules read across sections: :func:`validate_data`)."""
    gone: dict[DataPath, set[str]] = {}  # (each entry's keys with problems)
    bad: dict[DataPath, set[str]] = {}  # (those that are a known field's value)
    ran: set[DataPath] = set()
    for entry in errors:
        path = _data_path(data, tuple(entry["loc"]))
        if isinstance((entry.get("ctx") or {}).get("error"), Broken):
            ran.add(path)
        for k in range(1, len(path)):
            key = path[k]
            if not isinstance(key, str):
                continue
            gone.setdefault(path[:k], set()).add(key)
            if not (entry["type"] == "extra_forbidden" and k == len(path) - 1):
                bad.setdefault(path[:k], set()).add(key)
    problems: list[Problem] = []
    for owner, keys in gone.items():
        value = _value_at(data, owner)
        target = target_at(owner)
        if (owner in ran or not isinstance(value, dict) or target is None
                or locations.already_reported(owner)):
            continue
        model = without_none(split_annotated(target.annotation)[0])
        if not is_model(model):
            continue  # (a union of models: which one applies is not known)
        try:
            model.model_validate({k: v for k, v in value.items() if k not in keys})
        except ValidationError as error:
            for found in error.errors(include_url=False):
                broken = (found.get("ctx") or {}).get("error")
                if found["loc"] or not isinstance(broken, Broken):
                    continue
                for name, message in broken.rules:
                    if name in keys or any(re.search(rf"\b{re.escape(key)}\b", message)
                                           for key in bad.get(owner, ())):
                        continue
                    problem = _rule_problem(name, message, owner, data, locations, file)
                    if entries is not None:
                        entries[problem.field] = owner
                    problems.append(problem)
    return problems


def _rule_problem(name: str, message: str, path: DataPath, data: Any, locations: Locations,
                  file: str) -> Problem:
    """A rule across the fields of the entry at ``path`` that its values break, said at its
    field ``name``: at the line of its key where it is written, else at the entry's (a
    companion field missing: what was found says there is none)."""
    at = (*path, name)
    written = locations.spots.get(at)
    spot = written or locations.nearest(path) or Spot(file, None)
    line = (written.key_line or written.line) if written is not None else spot.line
    values = _value_at(data, path)
    got = _named_values(message, values)
    if isinstance(values, dict) and name not in values and got != "none of them":
        got = f"no {name}, {got}"
    return Problem(spot.file, line, locations.field_name(at), message, got)


def _strip_branches(loc: tuple[Any, ...]) -> DataPath:
    """A pydantic ``loc`` that left the schema, as far as it is a data path."""
    target = target_at(loc[:-1]) if loc else None
    prefix = target.path if target is not None else ()
    return (*prefix, loc[-1]) if loc else ()


def _value_at(data: Any, path: DataPath) -> Any:
    for part in path:
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if not (in_list or (isinstance(data, dict) and part in data)):
            return None
        data = data[part]
    return data


def _problem(
    entry: Any, path: DataPath, target: Any, data: Any, locations: Locations, file: str
) -> Problem:
    kind: str = entry["type"]
    spot = locations.nearest(path) or Spot(file, None)
    line = spot.line
    field = locations.field_name(path)
    exact = locations.spots.get(path)
    got = (clipped(exact.text) if exact is not None and exact.text is not None
           else shown(entry["input"]))
    got = got or "nothing"  # a key written with no value
    unit = f" ({target.unit})" if target is not None and target.unit not in ("", "date") else ""
    plain = describe(target.annotation, target.metadata) if target is not None else ""
    if (target is not None and target.branches and kind.endswith(("_type", "_parsing"))
            and tuple(target.branches[-1][0]) == tuple(path)):
        # Neither form of a number-or-steps field: say both forms (a field inside one of
        # them, a step's date, says its own).
        whole = target_at(target.branches[-1][0])
        if whole is not None:
            plain = describe(whole.annotation, whole.metadata)

    if (kind == "model_type" and isinstance(entry["input"], str) and spot.file != file
            and target is not None and is_window(target.annotation)):
        return Problem(spot.file, line, field, WINDOW_EXPECTED, got)  # a table's cell
    if kind == "missing":
        parent = locations.nearest(path[:-1]) or spot
        expected = f"a required value: {plain}{unit}" if plain else "a required value"
        return Problem(parent.file, parent.line, field, expected, "nothing")
    if kind == "extra_forbidden":
        owner = target_at(path[:-1])
        model = (without_none(split_annotated(owner.annotation)[0]) if owner is not None
                 else None)
        expected = "a known field"
        if model is not None and is_model(model):
            keys = list(fields_by_key(model))
            # (none near what was written: the few there are, as a MetricTerm's under `per`)
            expected = f"a field of {model.__name__}" + (
                did_you_mean(str(path[-1]), keys)
                or (f" ({', '.join(keys)})" if len(keys) <= FEW_FIELDS else ""))
        key_line = exact.key_line if exact is not None and exact.key_line else line
        return Problem(spot.file, key_line, field, expected, f"unknown field {shown(path[-1])}")
    if kind in ("value_error", "assertion_error"):
        message = re.sub(r"^(Value|Assertion) error, ", "", str(entry["msg"]))
        return Problem(spot.file, line, field, message, _named_values(message,
                                                                      _value_at(data, path)))
    if kind == "below_resolution":
        # A figure too small to be told from 0: the range from the smallest value on.
        if target is not None:
            plain = describe(target.annotation, target.metadata, resolution=True)
        return Problem(spot.file, line, field, plain + unit, got)
    if kind in ("too_short", "too_long"):
        ctx = entry.get("ctx") or {}
        bound = ctx.get("min_length" if kind == "too_short" else "max_length")
        words = f"at {'least' if kind == 'too_short' else 'most'} {bound}"
        expected = plain if words in plain else f"{plain or 'a value'} ({words} long)"
        return Problem(spot.file, line, field, expected + unit, got)
    if not plain:
        plain = str(entry["msg"]).removeprefix("Input should be ").removeprefix("input should be ")
    if kind == "date_from_datetime_inexact":
        plain = "a date without a time of day"
    if kind == "string_type" and isinstance(entry["input"], int | float | dt.date):
        # As it was written (YAML read `no` as false and `0750` as 750), where it was.
        written = exact.text if exact is not None and exact.text else str(entry["input"])
        # (after the expected value's own brackets, not in a second pair beside them)
        plain += f", written in quotes: '{written}'"
    if path in (("places",), ("routes",)) and kind == "list_type":
        plain += f", or {{file: {path[0]}.csv}} / {{file: {path[0]}.geojson}}"
    return Problem(spot.file, line, field, plain + unit, got)


def _named_values(message: str, value: Any) -> str:
    """For a rule across fields, the fields the message names and what they hold."""
    if not isinstance(value, dict):
        return shown(value)
    named = [key for key in value if isinstance(key, str)
             and re.search(rf"\b{re.escape(key)}\b", message)]
    if not named:
        return "none of them"
    return ", ".join(f"{key} {shown(value[key])}" for key in named)
