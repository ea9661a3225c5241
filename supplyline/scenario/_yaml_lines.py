"""Read YAML into plain Python data while remembering where every value was written.

The YAML text is composed into PyYAML's node tree (safe tags only) and converted by hand, so
that each value's path (``("routes", 12, "length_km")``) maps to its file and line. Validation
errors, which arrive as paths, are then turned back into places in the file the user edits.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
import yaml.reader
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from supplyline.errors import Problem

Path = tuple[str | int, ...]
"""A path into the data: mapping keys and list indices, from the top."""

MAX_DEPTH = 64
"""Deepest nesting accepted; a scenario needs about six levels."""

MAX_ALIAS_VALUES = 100_000
"""Most values that aliases (``*name``) may repeat in one file (guards against alias bombs)."""

_SCALAR_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:timestamp",
}
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_STR_TAG = "tag:yaml.org,2002:str"
_BOOL_TAG = "tag:yaml.org,2002:bool"
#: true and false as YAML 1.2 writes them (PyYAML, reading YAML 1.1, also takes yes, no, on,
#: off, y and n, in any of three cases).
_BOOLS = ("true", "false")
#: Numbers as YAML 1.2 writes them (and as a reader expects): YAML 1.1, which PyYAML reads,
#: also takes ``1:30`` as 90 (base 60) and ``0750`` as 488 (octal), and ``1e+07`` (no dot)
#: and ``1.2e3`` (no sign in the exponent) as text. Plain numbers are read by these; other
#: text PyYAML took as a number stays text.
_DECIMAL = re.compile(r"[-+]?[0-9][0-9_]*")
_HEX_OR_OCTAL = re.compile(r"0x[0-9a-fA-F_]+|0o[0-7_]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?")
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


@dataclass(frozen=True)
class Spot:
    """Where one value was written.

    Attributes
    ----------
    file:
        File that holds the value, as shown to the user.
    line:
        1-based line where the value starts, or ``None`` when unknown.
    key_line:
        1-based line of the mapping key that names the value, when there is one.
    text:
        The value as written (scalars only; strings quoted), for error messages.
    """

    file: str
    line: int | None
    key_line: int | None = None
    text: str | None = None


@dataclass
class Locations:
    """Map from data paths to the places they were written, plus display names.

    ``labels`` renames a path prefix in messages: a place read from GeoJSON is
    ``features[3].properties`` in the file the user edits, not ``places[3]``.
    """

    spots: dict[Path, Spot] = field(default_factory=dict)
    labels: dict[Path, str] = field(default_factory=dict)
    reported: set[Path] = field(default_factory=set)
    """Paths whose problem was already reported while reading (not to report twice)."""
    lines: dict[Path, list[list[tuple[float, float]]]] = field(default_factory=dict)
    """The ``(lon, lat)`` parts of each route line a length was read from (GeoJSON), by the
    route's path: ``check`` compares their ends with the route's places."""

    def already_reported(self, path: Path) -> bool:
        """Whether ``path`` or a prefix of it had a problem reported while reading."""
        return any(path[:end] in self.reported for end in range(len(path) + 1))

    def nearest(self, path: Path) -> Spot | None:
        """The spot of ``path``, or of its longest recorded prefix."""
        for end in range(len(path), -1, -1):
            spot = self.spots.get(path[:end])
            if spot is not None:
                return spot
        return None

    def field_name(self, path: Path) -> str:
        """Dotted name of ``path`` (``routes[12].length_km``), using any label on a prefix."""
        for end in range(len(path), 0, -1):
            label = self.labels.get(path[:end])
            if label is not None:
                return label + dotted(path[end:], leading_dot=True)
        return dotted(path) or "(top level)"

    def sections_of(self, problems: list[Problem]) -> set[str]:
        """The scenario's sections ``problems`` are in (``routes``), also where a field is
        named as its table names it (``features[1].properties.to`` in routes.geojson)."""
        labelled: dict[str, list[Path]] = {}
        for path, label in self.labels.items():
            labelled.setdefault(label, []).append(path)
        out = set()
        for problem in problems:
            name = problem.field
            # The field and each of its prefixes that ends before a "." or a "[".
            ends = [len(name), *(m.start() for m in re.finditer(r"[.\[]", name))]
            found = next((str(path[0]) for end in sorted(ends, reverse=True)
                          for path in labelled.get(name[:end], ())
                          if (spot := self.nearest(path)) is None
                          or spot.file == problem.file), None)
            out.add(found or re.split(r"[.\[]", name, maxsplit=1)[0])
        return out

    def graft(self, prefix: Path, other: Locations) -> None:
        """Add ``other``'s spots and labels under ``prefix`` (a table's rows into the scenario)."""
        for path, spot in other.spots.items():
            self.spots[prefix + path] = spot
        for path, label in other.labels.items():
            self.labels[prefix + path] = label
        self.reported |= {prefix + path for path in other.reported}
        for path, parts in other.lines.items():
            self.lines[prefix + path] = parts


def dotted(path: Path, leading_dot: bool = False) -> str:
    """``("routes", 12, "length_km")`` as ``routes[12].length_km``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    if not leading_dot and text.startswith("."):
        text = text[1:]
    return text


def clipped(text: str, limit: int = 60) -> str:
    """``text`` as written, cut to ``limit`` characters with an ellipsis (a number of 500
    digits was said whole)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown(value: Any, limit: int = 60) -> str:
    """A short, readable rendering of a value for an error message."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        if value == "":
            return "'' (empty)"
        return repr(clipped(value, limit))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        keys = ", ".join(str(key) for key in list(value)[:6])
        more = ", …" if len(value) > 6 else ""
        return f"a mapping with keys {keys}{more}" if value else "an empty mapping"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return clipped(str(value), limit)


class _Builder:
    """Converts a composed node tree into plain data, recording locations and problems."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.locations = Locations()
        self.problems: list[Problem] = []
        self._constructor = SafeConstructor()
        self._repeated = 0
        self._seen: set[int] = set()
        self._active: set[int] = set()
        self._own: dict[int, set[int]] = {}  # a mapping's own key nodes, before flattening

    def problem(self, path: Path, line: int | None, expected: str, got: str) -> None:
        self.problems.append(Problem(self.file, line, dotted(path) or "(top level)", expected, got))

    def build(self, node: Node, path: Path, key_line: int | None = None) -> Any:
        line = node.start_mark.line + 1
        if id(node) in self._seen:
            self._repeated += 1
            if self._repeated > MAX_ALIAS_VALUES:
                raise _TooBig(line)
        self._seen.add(id(node))
        if len(path) > MAX_DEPTH:
            raise _TooDeep(line)
        if id(node) in self._active:
            self.problem(path, line, "data without a recursive alias", "an alias to itself")
            return None
        if isinstance(node, ScalarNode):
            value = self._scalar(node, path)
            text = shown(value) if isinstance(value, str) else node.value
            self.locations.spots[path] = Spot(self.file, line, key_line, text)
            return value
        self.locations.spots[path] = Spot(self.file, line, key_line)
        self._active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                if node.tag != _SEQ_TAG:
                    self._bad_tag(node, path)
                return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
            if isinstance(node, MappingNode):
                if node.tag != _MAP_TAG:
                    self._bad_tag(node, path)
                return self._mapping(node, path)
        finally:
            self._active.discard(id(node))
        self.problem(path, line, "a YAML value", f"an unsupported node {type(node).__name__}")
        return None

    def _bad_tag(self, node: Node, path: Path) -> None:
        self.locations.reported.add(path)
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        self.problem(path, node.start_mark.line + 1, "a plain YAML value (no tags)",
                     f"the tag {tag}")

    def _scalar(self, node: ScalarNode, path: Path) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self._bad_tag(node, path)
            return node.value
        if not node.style and node.tag in (_INT_TAG, _FLOAT_TAG, _STR_TAG):  # plain
            return _number(node)
        if not node.style and node.tag == _BOOL_TAG and node.value.lower() not in _BOOLS:
            return node.value  # yes, no, on, off: text in YAML 1.2 (an id 'no' is no false)
        constructor = SafeConstructor.yaml_constructors[node.tag]
        try:
            return constructor(self._constructor, node)
        except Exception:  # a malformed date or number: keep the text for validation to judge
            return node.value

    def _mapping(self, node: MappingNode, path: Path) -> dict[Any, Any]:
        # The keys written in this mapping itself; those a merge key ('<<: *name') brings
        # come first after flattening, and a key written here overrides them, as in YAML.
        # Flattening changes the node in place, and an alias builds it again: its own keys
        # are those of the first time.
        own = self._own.setdefault(id(node), {id(key_node) for key_node, _ in node.value})
        try:
            self._constructor.flatten_mapping(node)
        except yaml.YAMLError as error:
            self.problem(path, node.start_mark.line + 1, "a valid merge key ('<<')",
                         str(getattr(error, "problem", None) or error))
        result: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        written: set[Any] = set()  # keys written here (not merged)
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                self.problem(path, key_line, "a plain key (a name)", "a list or mapping as key")
                continue
            key = self._scalar(key_node, path)
            if not isinstance(key, str):
                # Keys are names; YAML reads `yes:`, `1954:` or `null:` as other types.
                key = key_node.value
            if key in written:
                self.problem((*path, key), key_line, "each key once in a mapping",
                             f"'{key}' again (first on line {first_line[key]})")
                continue
            if id(key_node) in own:
                written.add(key)
            first_line[key] = key_line
            result[key] = self.build(value_node, (*path, key), key_line)
        return result


def _number(node: ScalarNode) -> Any:
    """A plain scalar tagged int, float or str: its value as YAML 1.2 reads it, or its text
    where only YAML 1.1 would read a number (validation then says so).

    PyYAML tags a plain scalar by YAML 1.1's rules, or by an explicit tag. Tagged str, it is
    a number only in YAML 1.1's blind spots, an exponent without a dot (``1e+07``) or without
    a sign (``1.2e3``; YAML 1.1 wants both) and a leading zero before an 8 or a 9 (``0800``):
    another number tagged str was tagged so on purpose (``!!str 1954``). Tagged
    int or float, it is a number as YAML 1.2 writes one of that kind, else text (``1:30``,
    which YAML 1.1 reads as 90, or ``!!int 1.5``)."""
    text = node.value
    plain = text.replace("_", "")
    if node.tag == _STR_TAG:
        if _DECIMAL.fullmatch(text) and len(digits := text.lstrip("+-")) > 1 \
                and digits.startswith("0"):
            return int(plain, 10)  # 0800: not octal, so text to YAML 1.1
        blind = _FLOAT.fullmatch(text) and "e" in text.lower()
        return float(plain) if blind else text
    if _DECIMAL.fullmatch(text):
        return int(plain, 10)
    if _HEX_OR_OCTAL.fullmatch(text):
        return int(plain, 0)
    if node.tag == _FLOAT_TAG and _FLOAT.fullmatch(text):
        return float(plain)
    if node.tag == _FLOAT_TAG and ":" not in text:  # .inf, .nan (refused by validation)
        return SafeConstructor.yaml_constructors[_FLOAT_TAG](SafeConstructor(), node)
    return text


class _TooDeep(Exception):
    def __init__(self, line: int | None) -> None:
        self.line = line


class _TooBig(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


_OPENING = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSING = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def _check_depth(text: str, loader: Any) -> None:
    """Raise ``_TooDeep`` when collections nest deeper than ``MAX_DEPTH``.

    The event parsers are loops, not recursion, so this is safe for any input; composing
    (which recurses, in C for libyaml) only happens after it.
    """
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, _OPENING):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise _TooDeep(mark.line + 1 if mark is not None else None)
        elif isinstance(event, _CLOSING):
            depth -= 1


def _compose(text: str) -> Node | None:
    """Compose with libyaml when it is installed, else in Python."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        try:
            _check_depth(text, loader)
            return yaml.compose(text, Loader=loader)
        except UnicodeEncodeError:
            pass  # lone surrogates: the Python reader reports them with their place
    _check_depth(text, yaml.SafeLoader)
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _too_deep(file: str, line: int | None) -> Problem:
    return Problem(file, line, "(top level)", f"at most {MAX_DEPTH} levels of nesting",
                   "deeper nesting")


def read_yaml(text: str, file: str) -> tuple[Any, Locations, list[Problem]]:
    """Parse one YAML document into plain data with the location of every value.

    Parameters
    ----------
    text:
        The YAML text.
    file:
        The file name shown in messages.

    Returns
    -------
    data, locations, problems:
        The plain data (``None`` when the text could not be parsed), where each value was
        written, and the problems found while reading (syntax errors, duplicate keys, tags).
    """
    try:
        node = _compose(text)
    except _TooDeep as deep:
        return None, Locations(), [_too_deep(file, deep.line)]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(part for part in (error.context, error.problem) if part)
        return None, Locations(), [Problem(file, line, "(YAML syntax)", "valid YAML", what)]
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1 if isinstance(error.position, int) else None
        character = chr(error.character) if isinstance(error.character, int) else error.character
        return None, Locations(), [Problem(file, line, "(YAML syntax)",
                                           "printable text (no control characters)",
                                           f"the character {character!r}")]
    except yaml.YAMLError as error:
        return None, Locations(), [Problem(file, None, "(YAML syntax)", "valid YAML", str(error))]
    except RecursionError:
        return None, Locations(), [
            Problem(file, None, "(YAML syntax)", "YAML nested less deeply", "too deep nesting")
        ]
    if node is None:
        return None, Locations(), [
            Problem(file, 1, "(top level)", "a mapping of scenario fields", "an empty file")
        ]
    builder = _Builder(file)
    try:
        data = builder.build(node, ())
    except _TooDeep as deep:
        return None, Locations(), [_too_deep(file, deep.line)]
    except _TooBig as big:
        return None, Locations(), [
            Problem(file, big.line, "(top level)",
                    f"at most {MAX_ALIAS_VALUES} values repeated through aliases",
                    "more (aliases expanding too far)")
        ]
    return data, builder.locations, builder.problems
