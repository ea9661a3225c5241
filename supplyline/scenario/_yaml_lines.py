"""Read YAML into plain Python data while remembering where every value was written.

The YAML text is composed into PyYAML's node tree (safe tags only) and converted by hand, so
that each value's path (``("routes", 12, "length_km")``) maps to its file and line. Validation
errors, which arrive as paths, are then turned back into places in the file the user edits.
"""

from __future__ import annotations

import codecs
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import yaml
import yaml.reader
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from supplyline.errors import Problem
from supplyline.text import HALF

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
_NULL_TAG = "tag:yaml.org,2002:null"
#: true and false as YAML 1.2 writes them (PyYAML, reading YAML 1.1, also takes yes, no, on,
#: off, y and n, in any of three cases).
_BOOLS = ("true", "false")
#: Numbers as YAML 1.2 writes them (and as a reader expects): YAML 1.1, which PyYAML reads,
#: also takes ``1:30`` as 90 (base 60), ``0750`` as 488 (octal) and ``1_200`` as 1200 (digits
#: grouped by ``_``, which YAML 1.2 and the editors reading the JSON Schema take as text),
#: and ``1e+07`` (no dot), ``1.2e3`` (no sign in the exponent) and ``0o17`` (YAML 1.2's
#: octal) as text. Plain numbers are read by these; other text PyYAML took as a number
#: stays text.
_DECIMAL = re.compile(r"[-+]?[0-9]+")
_HEX_OR_OCTAL = re.compile(r"0x[0-9a-fA-F]+|0o[0-7]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INF_OR_NAN = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")
_GROUPED = re.compile(r"[-+]?(\.[0-9_]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?")
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def joined_pairs(text: str) -> str:
    """``text`` with each pair of UTF-16 halves read as the one character it escapes, as
    JSON reads it: a JSON writer escapes a character beyond U+FFFF as its two halves
    (``"\\ud83d\\ude00"`` for U+1F600), which PyYAML keeps apart. A half without its
    other stays (validation refuses it)."""
    if HALF.search(text) is None:
        return text
    return _PAIR.sub(lambda pair: pair.group().encode("utf-16-le", "surrogatepass")
                     .decode("utf-16-le"), text)


def grouped_digits(text: str) -> bool:
    """Whether ``text`` is a number with its digits grouped by ``_`` (``1_200``), which YAML
    1.1 reads as a number and YAML 1.2 as text."""
    return "_" in text and _GROUPED.fullmatch(text) is not None


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
    grouped: set[Path] = field(default_factory=set)
    """Paths of plain values with digits grouped by ``_`` (``1_200``): a number to YAML 1.1,
    text to YAML 1.2 (and so here); where a number is expected, validation says why."""

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
        self.grouped |= {prefix + path for path in other.grouped}
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

    def __init__(self, file: str, text: str = "") -> None:
        self.file = file
        self._text = text  # as written, to quote a number that a ',' split
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
            if grouped_digits(node.value):
                self.locations.grouped.add(path)
            return _number(node)
        if not node.style and node.tag == _BOOL_TAG and node.value.lower() not in _BOOLS:
            return node.value  # yes, no, on, off: text in YAML 1.2 (an id 'no' is no false)
        constructor = SafeConstructor.yaml_constructors[node.tag]
        try:
            value = constructor(self._constructor, node)
        except Exception:  # a malformed date or number: keep the text for validation to judge
            return node.value
        return joined_pairs(value) if isinstance(value, str) else value

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
        split = self._split_numbers(node, path, own)
        result: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        written: set[Any] = set()  # keys written here (not merged)
        for key_node, value_node in node.value:
            if id(key_node) in split:
                continue
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

    def _split_numbers(self, node: MappingNode, path: Path, own: set[int]) -> set[int]:
        """The keys of a ``{ }`` mapping that are the digits after a ',' written in a number.

        Inside ``{ }`` a ',' separates entries: ``{rice: 63,750}`` reads as ``rice: 63`` and
        a key ``750`` without a value. Each such number is said once, at its own field, and
        the keys it made are left out (rather than said to have no value and to be unknown).
        """
        if not node.flow_style:
            return set()
        pairs = [pair for pair in node.value if id(pair[0]) in own]
        left_out: set[int] = set()
        at = 0
        while at < len(pairs):
            key_node, value_node = pairs[at]
            after = at + 1
            last: Node = value_node
            # Only after a number written plainly (``63``, ``-63``, ``39.3``, ``39e3``; not
            # ``.inf``, ``0x1F`` or ``1_000``), and only a ',' alone: in ``39300, 300`` two
            # entries were likely meant.
            if _plain_number(value_node):
                while (after < len(pairs) and _digits_after_comma(*pairs[after])
                       and self._comma_alone(last, pairs[after][0])):
                    last = pairs[after][0]
                    after += 1
            pieces = [piece for piece, _ in pairs[at + 1:after]]
            if pieces and isinstance(key_node, ScalarNode):
                left_out |= {id(piece) for piece in pieces}
                self._split_number((*path, key_node.value), value_node, pieces)
            at = after
        return left_out

    @cached_property
    def _written(self) -> list[str]:
        return _lines(self._text)

    def _comma_alone(self, before: Node, after: Node) -> bool:
        """Whether what is written between nodes ``before`` and ``after`` is a ',' alone."""
        end, start = before.end_mark, after.start_mark
        return (end.line == start.line < len(self._written)
                and self._written[end.line][end.column:start.column] == ",")

    def _split_number(self, path: Path, number: Node, pieces: list[Node]) -> None:
        digits = [str(piece.value) for piece in pieces]
        start, end = number.start_mark, pieces[-1].end_mark
        lines = self._written
        written = (lines[start.line][start.column:end.column]
                   if start.line == end.line and start.line < len(lines)
                   else ",".join([number.value, *digits]))
        note = "inside { } a ',' separates entries"
        whole = re.fullmatch(r"[-+]?[0-9]+", number.value) is not None
        if whole and all(re.fullmatch(r"[0-9]{3}", piece) for piece in digits[:-1]) \
                and re.fullmatch(r"[0-9]{3}(\.[0-9]+)?", digits[-1]):
            expected = f"{number.value}{''.join(digits)}, written without ',' ({note})"
        elif whole and len(digits) == 1 and digits[0].isdigit():
            expected = f"{number.value}.{digits[0]} (a decimal point is '.', and {note})"
        else:
            expected = f"a number written without ',' ({note})"
        keys = [f"'{piece}'" for piece in digits]
        named = (f"a key {keys[0]}" if len(keys) == 1
                 else f"keys {', '.join(keys[:-1])} and {keys[-1]}")
        self.problem(path, start.line + 1, expected,
                     f"{shown(written)}, read as {number.value} and {named}")
        self.locations.reported.add(path)  # (what follows from a misread number is not said)


def _number(node: ScalarNode) -> Any:
    """A plain scalar tagged int, float or str: its value as YAML 1.2 reads it, or its text
    where only YAML 1.1 would read a number (validation then says so).

    PyYAML tags a plain scalar by YAML 1.1's rules, or by an explicit tag. Tagged str, it is
    a number only in YAML 1.1's blind spots, an exponent without a dot (``1e+07``) or without
    a sign (``1.2e3``; YAML 1.1 wants both), a leading zero before an 8 or a 9 (``0800``)
    and YAML 1.2's octal (``0o17``): another number tagged str was tagged so on purpose
    (``!!str 1954``). Tagged
    int or float, it is a number as YAML 1.2 writes one of that kind, else text (``1:30``,
    which YAML 1.1 reads as 90, ``1_200``, or ``!!int 1.5``)."""
    text = node.value
    if node.tag == _STR_TAG:
        if _DECIMAL.fullmatch(text) and len(digits := text.lstrip("+-")) > 1 \
                and digits.startswith("0"):
            return read_whole(text)  # 0800: not octal, so text to YAML 1.1
        if text.startswith("0o") and _HEX_OR_OCTAL.fullmatch(text):
            return int(text, 0)  # YAML 1.2's octal, text to YAML 1.1
        blind = _FLOAT.fullmatch(text) and "e" in text.lower()
        return read_float(text) if blind else text
    if _DECIMAL.fullmatch(text):
        return read_whole(text)
    if _HEX_OR_OCTAL.fullmatch(text):
        return int(text, 0)
    if node.tag == _FLOAT_TAG and _FLOAT.fullmatch(text):
        return read_float(text)
    if node.tag == _FLOAT_TAG and _INF_OR_NAN.fullmatch(text):  # (refused by validation)
        return SafeConstructor.yaml_constructors[_FLOAT_TAG](SafeConstructor(), node)
    return text


def underflows(text: str) -> bool:
    """Whether ``text`` is a number other than 0 too small for a float (``1e-400``), which
    Python reads as 0.0."""
    return (_FLOAT.fullmatch(text) is not None and float(text) == 0.0
            and re.search(r"[1-9]", text.lower().partition("e")[0]) is not None)


#: The smallest float above 0: what a number too small for a float is read as.
_SMALLEST = 5e-324


class NotUtf8(Exception):
    """Bytes that are not UTF-8 text: the line of the first byte that is not, and what it
    is, said to a person (:func:`utf8_text`)."""

    def __init__(self, line: int, got: str) -> None:
        super().__init__(f"line {line}: {got}")
        self.line = line
        self.got = got


#: Byte-order marks of the wide encodings a text editor may save in (UTF-32's first: its
#: little-endian mark begins with UTF-16's).
_WIDE_MARKS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
               (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))


def utf8_text(raw: bytes) -> str:
    """A scenario file's or a table's bytes as text, read as UTF-8 (a UTF-8 byte-order mark
    at its start left out); :class:`NotUtf8` where they are not: a file saved as UTF-16 or
    UTF-32 is said so, by its byte-order mark, not as its first byte alone.

    Examples
    --------
    >>> utf8_text("name: x".encode("utf-8-sig"))
    'name: x'
    >>> def said(raw: bytes) -> tuple[int, str] | str:
    ...     try:
    ...         return utf8_text(raw)
    ...     except NotUtf8 as error:
    ...         return error.line, error.got
    >>> said("name: x\\nplace: Brück".encode("latin-1"))
    (2, 'the byte 0xfc')
    >>> said("name: x".encode("utf-16"))
    (1, 'text encoded as UTF-16 (its byte-order mark 0xff 0xfe)')
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        for mark, name in _WIDE_MARKS:
            if raw.startswith(mark):
                shown_mark = " ".join(f"{byte:#04x}" for byte in mark)
                raise NotUtf8(1, f"text encoded as {name} (its byte-order mark "
                                 f"{shown_mark})") from None
        line = raw[: error.start].count(b"\n") + 1
        raise NotUtf8(line, f"the byte {raw[error.start]:#04x}") from None


def read_whole(text: str) -> float:
    """A whole number written as decimal digits, with an optional sign: as an int, or, where
    it has more digits than Python reads as one (4,300), as the float it is (inf), so that
    it is refused against the field's bound as ``1e400`` is (it had stopped the reading with
    a ValueError).

    Examples
    --------
    >>> read_whole("-40"), read_whole("1" + "0" * 5000)
    (-40, inf)
    """
    try:
        return int(text, 10)
    except ValueError:  # (more digits than Python reads as an int)
        return float(text)


def read_float(text: str) -> float | None:
    """A number written with a decimal point or an exponent (``39.3``, ``3e1``, ``.5``), as
    the scenario is read wherever it is written (its YAML, a table's cell or a GeoJSON
    number): one other than 0 too small for a float (:func:`underflows`) as the smallest
    float of its sign, not 0.0 as Python reads it, so that it is judged as the tiny figure it
    is (a figure between 0 and 1e-09 is refused, never rounded to 0 in silence); ``1e400``,
    read as inf, is refused as inf is. ``None`` for any other text, digits alone (a whole
    number, read as one) included.

    Examples
    --------
    >>> read_float("3e1"), read_float("-1e-400"), read_float("40"), read_float("3e")
    (30.0, -5e-324, None, None)
    """
    if _FLOAT.fullmatch(text) is None or _DECIMAL.fullmatch(text) is not None:
        return None
    if underflows(text):
        return -_SMALLEST if text.startswith("-") else _SMALLEST
    return float(text)


class WrittenFloat(float):
    """A number that a float does not hold as written, with its text, which a refusal of it
    says: one beyond the largest float (``1e400``, read as inf), one other than 0 below the
    smallest (``1e-400``, read as the smallest float of its sign, :func:`read_float`), and
    ``NaN`` or ``Infinity``, which JSON does not have but Python's reader takes. A float in
    every other way."""

    text: str

    def __str__(self) -> str:
        return self.text


def json_float(text: str) -> float:
    """A JSON number with a decimal point or an exponent, or one of the constants Python's
    reader takes (``NaN``, ``Infinity``, ``-Infinity``), read as the scenario reads the same
    figure wherever it is written (:func:`read_float`): a :class:`WrittenFloat` where a
    float does not hold it as written, so that ``"kg": 1e400`` is refused as 1e400 (not as
    "inf"), and ``"kg": 1e-400`` as the tiny figure it is (not as 0.0).

    Examples
    --------
    >>> json_float("39.3"), str(json_float("1e400")), str(json_float("-1e-400"))
    (39.3, '1e400', '-1e-400')
    """
    found = read_float(text)
    value = float(text) if found is None else found
    return value if math.isfinite(value) and not underflows(text) else _kept(value, text)


def json_whole(text: str) -> float:
    """A JSON whole number, read as the scenario's YAML reads it (:func:`read_whole`): one of
    more digits than Python reads as an int is a :class:`WrittenFloat` (inf) with its
    digits, refused against the field's bound."""
    value = read_whole(text)
    return value if isinstance(value, int) else _kept(value, text)


def _kept(value: float, text: str) -> WrittenFloat:
    written = WrittenFloat(value)
    written.text = text
    return written


def _plain_number(node: Node) -> bool:
    """Whether ``node`` is a number written as digits, with an optional sign, decimal point
    and exponent (``63``, ``39.3``, ``39e3``; not ``"63"``, ``.inf``, ``0x1F`` or
    ``1_000``)."""
    return (isinstance(node, ScalarNode) and not node.style
            and re.fullmatch(r"[-+]?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?", node.value)
            is not None)


def _digits_after_comma(key: Node, value: Node) -> bool:
    """Whether a ``{ }`` entry is digits alone, without a value: the end of a number in
    which a ',' was written (``750`` of ``63,750``)."""
    return (isinstance(key, ScalarNode) and not key.style
            and re.fullmatch(r"[0-9]+(\.[0-9]+)?", key.value) is not None
            and isinstance(value, ScalarNode) and value.tag == _NULL_TAG and value.value == "")


class _TooDeep(Exception):
    def __init__(self, line: int | None) -> None:
        self.line = line


class _TooBig(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _Unreadable(Exception):
    """A YAML syntax error, with the last event read before it (a quoted text that ran on
    over several lines ends there) and the ``{ }`` or ``[ ]`` still open there, if any."""

    def __init__(self, error: yaml.MarkedYAMLError, last: yaml.Event | None = None,
                 flow: yaml.Event | None = None) -> None:
        self.error = error
        self.last = last
        self.flow = flow


_OPENING = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSING = (yaml.SequenceEndEvent, yaml.MappingEndEvent)

RETOLD_BELOW_CHARS = 256 * 1024
"""A syntax error that libyaml finds in a text shorter than this is looked for again by the
Python reader, and that reader's error is the one explained: the two word their errors
differently (and place a few differently), so a mistake is then said the same way whichever
is installed. In a longer text libyaml's own error is explained (reading it again in Python
would take seconds)."""


def _check_depth(text: str, loader: Any) -> None:
    """Raise ``_TooDeep`` when collections nest deeper than ``MAX_DEPTH``, and
    ``_Unreadable`` at a syntax error.

    The event parsers are loops, not recursion, so this is safe for any input; composing
    (which recurses, in C for libyaml) only happens after it.
    """
    open_: list[Any] = []  # the collections open, outermost first
    last = None
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, _OPENING):
                open_.append(event)
                if len(open_) > MAX_DEPTH:
                    mark = event.start_mark
                    raise _TooDeep(mark.line + 1 if mark is not None else None)
            elif isinstance(event, _CLOSING):
                open_.pop()
            if not isinstance(event, yaml.DocumentEndEvent):
                last = event  # (a text read as the whole document stays the last event)
    except yaml.MarkedYAMLError as error:
        flow = next((event for event in reversed(open_) if event.flow_style), None)
        raise _Unreadable(error, last, flow) from None


def _compose(text: str) -> Node | None:
    """Compose with libyaml when it is installed, else in Python."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        try:
            _check_depth(text, loader)
            return yaml.compose(text, Loader=loader)
        except UnicodeEncodeError:
            pass  # lone surrogates: the Python reader reports them with their place
        except (_Unreadable, yaml.MarkedYAMLError):
            if len(text) >= RETOLD_BELOW_CHARS:
                raise
            # said as the Python reader finds it (below)
    _check_depth(text, yaml.SafeLoader)
    return yaml.compose(text, Loader=yaml.SafeLoader)


# -- syntax errors in plain words ---------------------------------------------------------------

_SYNTAX = "(YAML syntax)"
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # as YAML counts lines
_CLOSER = {"{": "}", "[": "]"}


def _lines(text: str) -> list[str]:
    return _LINE_BREAK.split(text) if text else []


def _q(char: str) -> str:
    """One character in quotes, for a message: ``'{'``, or ``"'"``."""
    return f'"{char}"' if char == "'" else f"'{char}'"


def _quote_starts(line: str, at: int) -> bool:
    """Whether the quote at ``line[at]`` opens a quoted text (not ``O'Brien``'s)."""
    return at == 0 or line[at - 1] in " \t{[,:"


def _scan(line: str, start: int = 0, quote: str = "") -> tuple[list[int], int | None, str]:
    """Read ``line`` from ``start``, inside a text opened with ``quote`` (none: "") where a
    line before left one open: the positions outside quoted texts (the quotes themselves
    left out), where its comment starts (a ``#`` after a space, outside quotes; None), and
    the quote still open at its end."""
    plain: list[int] = []
    at = start
    while at < len(line):
        char = line[at]
        if quote:
            if quote == '"' and char == "\\":
                at += 1
            elif char == quote:
                quote = ""
        elif char in "'\"" and _quote_starts(line, at):
            quote = char
        elif char == "#" and (at == 0 or line[at - 1] in " \t"):
            return plain, at, quote
        else:
            plain.append(at)
        at += 1
    return plain, None, quote


def _content(line: str) -> str:
    """``line`` as written, without its indentation and its comment (a ``#`` after a
    space, outside quotes)."""
    _plain, comment, _quote = _scan(line)
    return line[:comment].strip() if comment is not None else line.strip()


def _indent(line: str) -> int:
    """The column (1-based) where ``line``'s content starts."""
    return len(line) - len(line.lstrip(" ")) + 1


@dataclass(frozen=True)
class _FlowEnd:
    """How a ``{`` or ``[`` ends: ``how`` is "closed", "wrong" (by a closer of the other
    kind: ``opener`` is the bracket it should close, at ``opened``) or "open"; ``at`` is the
    closer's (line, column), 0-based."""

    how: str
    opener: str = ""
    opened: tuple[int, int] = (0, 0)
    at: tuple[int, int] = (0, 0)
    closer: str = ""


def _flow_end(lines: list[str], start: Any, last_line: int) -> _FlowEnd:
    """Follow the bracket at mark ``start`` to its closer, reading to the end of line
    ``last_line`` (quoted texts and comments skipped)."""
    stack: list[tuple[str, tuple[int, int]]] = []
    quote = ""
    for number in range(start.line, min(last_line, len(lines) - 1) + 1):
        line = lines[number]
        plain, _comment, quote = _scan(line, start.column if number == start.line else 0,
                                       quote)
        for at in plain:
            char = line[at]
            if char in _CLOSER:
                stack.append((char, (number, at)))
            elif char in "}]" and stack:
                opener, opened = stack.pop()
                if _CLOSER[opener] != char:
                    return _FlowEnd("wrong", opener, opened, (number, at), char)
                if not stack:
                    return _FlowEnd("closed", opener, opened, (number, at), char)
    return _FlowEnd("open")


def _rest_is_empty(lines: list[str], mark: Any) -> bool:
    """Whether nothing but spaces and comments follows ``mark``."""
    if mark.line >= len(lines):
        return True
    rest = [lines[mark.line][mark.column:], *lines[mark.line + 1:]]
    return all(not _content(line) for line in rest)


def _syntax_problem(file: str, text: str, unreadable: _Unreadable) -> Problem:
    """A YAML syntax error as one problem, said in plain words at the line of the mistake:
    where a bracket or quote was opened, where a ':' is missing, where a tab indents.
    PyYAML's own words are kept only for the errors not recognised here."""
    lines = _lines(text)
    error, last = unreadable.error, unreadable.last
    context, problem = error.context or "", error.problem or ""
    opened: Any = error.context_mark
    found: Any = error.problem_mark or error.context_mark

    def line_at(mark: Any) -> str:
        return lines[mark.line] if mark is not None and mark.line < len(lines) else ""

    def char_at(mark: Any) -> str:
        line = line_at(mark)
        return line[mark.column] if mark is not None and mark.column < len(line) else ""

    def said(mark: Any, expected: str, got: str) -> Problem:
        return Problem(file, mark.line + 1 if mark is not None else None, _SYNTAX, expected, got)

    here = line_at(found)
    if found is None:
        return said(None, "valid YAML", " ".join(part for part in (context, problem) if part))
    column = found.column + 1
    # A tab in the indentation (YAML refuses it, whatever error it then gives).
    indentation = here[: len(here) - len(here.lstrip(" \t"))]
    if "\t" in indentation:
        return said(found, "indentation made of spaces (YAML indents with spaces, not tabs)",
                    f"a tab at column {indentation.index(chr(9)) + 1}")
    if char_at(found) == "\t":  # after a ':' or a ',', where some readers take no tab
        return said(found, "a space where the tab is (write spaces, not tabs, in YAML)",
                    f"a tab at column {column}")
    if "simple key" in context and opened is not None:
        quote = char_at(opened)
        closed = _quote_end(lines, opened) if quote in ("'", '"') else None
        if quote in ("'", '"') and (closed is None or closed[0] != opened.line):
            # A quote opened where a field starts, and not closed on its line.
            return said(opened, f"a {_q(quote)} to close the text opened with {_q(quote)} at "
                        f"column {opened.column + 1}", _ran_on(_q(quote), closed))
        return _missing_colon(file, opened.line, line_at(opened))
    if "quoted scalar" in context and opened is not None:
        quote = char_at(opened) or '"'
        if "end of stream" in problem:
            return said(opened, f"a {_q(quote)} to close the text opened with {_q(quote)} at "
                        f"column {opened.column + 1}", f"no other {_q(quote)} to the end of "
                        "the file")
        if "escape" in problem:
            return said(found, """a '\\' in "double quotes" only to begin an escape such as \\n """
                        """(to keep a '\\' as written, put the text in 'single quotes')""",
                        shown(_content(here)))
    # A quoted text that ran on over lines to the next quote, and the error came after it.
    if (isinstance(last, yaml.ScalarEvent) and last.style in ("'", '"')
            and last.start_mark is not None and last.end_mark is not None
            and last.start_mark.line < last.end_mark.line == found.line):
        start, ended = last.start_mark, last.end_mark
        quote = _q(last.style)
        return said(start, f"a {quote} to close the text opened with {quote} at column "
                    f"{start.column + 1}", _ran_on(quote, (ended.line, ended.column - 1)))
    if "flow node" in context and unreadable.flow is not None:
        opened = unreadable.flow.start_mark  # (the { or [ the value was to go in)
    if "flow" in context:
        end = _flow_end(lines, opened, found.line) if opened is not None else _FlowEnd("?")
        if end.how == "open" and opened is not None:
            opener = char_at(opened)
            closer = _q(_CLOSER.get(opener, "}"))
            before = ("the end of the file" if _rest_is_empty(lines, found)
                      else f"line {found.line + 1}")
            return said(opened, f"a {closer} to close the {_q(opener)} opened at column "
                        f"{opened.column + 1}", f"no {closer} before {before}")
        if end.how == "wrong":
            (line, at), (opened_line, opened_at) = end.at, end.opened
            return Problem(file, line + 1, _SYNTAX,
                           f"a {_q(_CLOSER[end.opener])} to close the {_q(end.opener)} "
                           f"opened at line {opened_line + 1}, column {opened_at + 1}",
                           f"{_q(end.closer)} at column {at + 1}")
        if end.how == "closed" and "flow node" not in context and char_at(found) and opened:
            pair = f"{char_at(opened)} {_CLOSER.get(char_at(opened), '}')}"
            return said(found, f"',' between the entries of the {pair} opened at line "
                        f"{opened.line + 1}, column {opened.column + 1}",
                        f"{_q(char_at(found))} at column {column} in {shown(_content(here))}")
    if char_at(found) in ("}", "]"):
        opener = "{" if char_at(found) == "}" else "["
        return said(found, f"a {_q(char_at(found))} only to close a {_q(opener)} opened "
                    "before it", f"{_q(char_at(found))} at column {column} with no "
                    f"{_q(opener)} open")
    if char_at(found) in ("@", "`", "%") and "cannot start any token" in problem:
        return said(found, f"a value that does not begin with {_q(char_at(found))} (put such "
                    "a value in quotes)", f"{_q(char_at(found))} at column {column}")
    if "mapping values are not allowed" in problem:
        return _colon_problem(file, lines, found)
    if context == "while scanning a block scalar" and opened is not None:
        return said(opened, f"a value that does not begin with {_q(char_at(opened))} (put such "
                    f"a value in quotes; a {_q(char_at(opened))} alone at the end of the line "
                    "begins a text written on the lines below it)",
                    shown(_content(line_at(opened))))
    if context in ("while scanning an alias", "while scanning an anchor") and opened:
        return said(opened, f"a value that does not begin with {_q(char_at(opened))} (put such "
                    "a value in quotes)", shown(_content(line_at(opened))))
    if "undefined alias" in problem:
        word = here[found.column:].split()[0] if here[found.column:].strip() else "*"
        return said(found, "a value beginning with '*' written in quotes ('*name' repeats a "
                    "value marked '&name' before it)", f"{shown(word)} at column {column}")
    if "document start" in problem:
        first = next((number for number in range(found.line) if _content(lines[number])
                      and not _content(lines[number]).startswith(("%", "---", "..."))), None)
        if first is not None and _glued(_content(lines[first])) is not None:
            return _missing_colon(file, first, lines[first])
        if first is not None and ":" not in lines[first]:
            return Problem(file, first + 1, _SYNTAX, "'key: value' (a ':' after the field's "
                           "name), or a comment beginning with '#'", shown(_content(lines[first])))
        if first is not None and _content(here):
            name = _content(lines[first]).split(":")[0]
            return said(found, f"indentation lined up with the lines above (the file's first "
                        f"field, {shown(name)} on line {first + 1}, starts at column "
                        f"{_indent(lines[first])})",
                        f"{shown(_content(here))} starting at column {column}")
    if "single document" in context:
        return said(found, "one YAML document (a line '---' begins another)",
                    f"{shown(_content(here))} at column {column}")
    mapping = "block mapping" in context
    name = _content(line_at(opened)[opened.column:]).split(":")[0] if opened else ""
    block = bool(mapping and name) or "block collection" in context
    if block and opened is not None and column == _indent(here) and _content(here):
        if mapping and column == opened.column + 1:
            return said(found, f"a field written 'key: value' like the others here (as "
                        f"{shown(name)} on line {opened.line + 1})", shown(_content(here)))
        return said(found, _lined_up(line_at(opened), opened, mapping),
                    f"{shown(_content(here))} starting at column {column}")
    before = here[: found.column].rstrip()
    if "block" in context and before and before[-1] in "'\"}]":
        inside = ("the quotes" if before[-1] in "'\"" else
                  "the { }" if before[-1] == "}" else "the [ ]")
        return said(found, f"the whole value inside {inside}",
                    f"{shown(_content(here))}, with more after the closing {_q(before[-1])} "
                    f"(column {column})")
    got = " ".join(part for part in (context, problem) if part)
    return said(found, "valid YAML", f"{got} (column {column})")


def _quote_end(lines: list[str], start: Any) -> tuple[int, int] | None:
    """The line and column (0-based) of the quote that closes the one at mark ``start``, or
    ``None`` when none does before the end of the file."""
    quote = lines[start.line][start.column]
    at = start.column + 1
    for number in range(start.line, len(lines)):
        line = lines[number]
        while at < len(line):
            char = line[at]
            if quote == '"' and char == "\\":
                at += 2  # an escape (\" does not close)
            elif char == quote and quote == "'" and line[at + 1:at + 2] == "'":
                at += 2  # '' stands for one ' in 'single quotes'
            elif char == quote:
                return number, at
            else:
                at += 1
        at = 0
    return None


def _ran_on(quote: str, closed: tuple[int, int] | None) -> str:
    """What became of a text opened with ``quote`` (quoted for the message) and not closed
    on its line: said with the place of the quote that closed it (0-based), if any."""
    if closed is None:
        return f"no other {quote} to the end of the file"
    return (f"none on that line: the next {quote} is on line {closed[0] + 1}, column "
            f"{closed[1] + 1}, and all between was read as one text")


def _glued(text: str) -> tuple[str, str] | None:
    """The name and the value of a field written without a space after its ':'
    (``name:tutorial``), else ``None``."""
    field = re.match(r"(?:-\s+)*([^\s'\"#:\-?][^\s:]*):(?=\S)(.+)", text)
    return None if field is None else (field.group(1), field.group(2))


def _missing_colon(file: str, number: int, line: str) -> Problem:
    """A line of text (0-based ``number``) where a field was expected: ``name:tutorial``,
    which YAML reads as one text (no space after the ':'), or no ':' at all."""
    text = _content(line)
    glued = _glued(text)
    if glued is not None:
        return Problem(file, number + 1, _SYNTAX,
                       f"{shown(f'{glued[0]}: {glued[1]}')} (a space after the ':')",
                       shown(text))
    return Problem(file, number + 1, _SYNTAX, "'key: value' (a ':' after the field's name)",
                   shown(text))


def _colon_problem(file: str, lines: list[str], found: Any) -> Problem:
    """A ':' where YAML takes no new field: in a value (``name: Bridge: the junction``), or
    a field indented further than the line above (which then runs on into it)."""
    line = lines[found.line] if found.line < len(lines) else ""
    key = re.match(r"\s*(?:-\s+)*([^#\s][^#]*?):\s", line)
    if key is not None and key.end() <= found.column:
        value = _content(line[key.end():])
        if '"' not in value and "\\" not in value:
            example = f'{key.group(1)}: "{value}"'
        else:
            example = f"{key.group(1)}: '{value.replace(chr(39), chr(39) * 2)}'"
        return Problem(file, found.line + 1, _SYNTAX,
                       f"a value holding ': ' written in quotes, e.g. {example}",
                       f"{shown(_content(line))}, with ': ' again at column {found.column + 1}")
    above = next((number for number in range(found.line - 1, -1, -1)
                  if _content(lines[number])), None)
    if above is None:
        return Problem(file, found.line + 1, _SYNTAX, "valid YAML",
                       f"a ':' that YAML does not take here (column {found.column + 1})")
    if not re.match(r"\s*(?:-\s+)*[^#\s][^#]*?:(\s|$)", lines[above]):
        # A line of text alone above (a missing ':'), which ran on into this one.
        return _missing_colon(file, above, lines[above])
    field = re.match(r"\s*(?:-\s+)*", lines[above])
    start = (field.end() if field is not None else 0) + 1
    return Problem(file, found.line + 1, _SYNTAX,
                   f"a field lined up with the one above it (column {start}, line {above + 1})",
                   f"{shown(_content(line))} starting at column {_indent(line)}")


def _lined_up(line: str, opened: Any, mapping: bool) -> str:
    """What the lines of the block that starts at mark ``opened`` (on ``line``) line up
    with, for a line that does not."""
    where = f"line {opened.line + 1}"
    column = opened.column + 1
    if mapping:
        name = _content(line[opened.column:]).split(":")[0]
        return (f"indentation lined up with the lines above (the fields here start at column "
                f"{column}, as {shown(name)} on {where})")
    item = re.match(r"-\s+(?=[^#\s])", line[opened.column:])
    fields = f", and their fields at column {column + item.end()}" if item else ""
    return (f"indentation lined up with the lines above (this list's items start with '-' at "
            f"column {column}, as on {where}{fields})")


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
    except _Unreadable as unreadable:
        return None, Locations(), [_syntax_problem(file, text, unreadable)]
    except yaml.MarkedYAMLError as error:
        return None, Locations(), [_syntax_problem(file, text, _Unreadable(error))]
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
    if node is None:  # (a file of comments is said as a table's is, not as an empty one)
        return None, Locations(), [
            Problem(file, 1, "(top level)", "a mapping of scenario fields",
                    "an empty file" if not text.strip() else "only blank and comment lines")
        ]
    builder = _Builder(file, text)
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
