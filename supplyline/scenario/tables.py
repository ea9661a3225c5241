"""Places and routes kept in a table beside the scenario: CSV or GeoJSON.

A scenario may say ``places: {file: places.csv}`` (or ``.geojson``, and the same for
``routes``) instead of listing them. Both forms are read into the same rows that the YAML
form gives, with each value's file and line kept for error messages.

The file must be a regular file inside the scenario's folder or below it (``tables/x.csv``):
an absolute path, a ``..`` or a link that leads out of the folder is refused, as is a file
larger than :data:`supplyline.scenario.load.MAX_FILE_BYTES` (20 MiB, unless
``load(..., max_file_bytes=...)`` says otherwise); see :func:`supplyline.scenario.load.inside`
and :func:`supplyline.scenario.load.read_limited`.

CSV
    The header row names the fields. A mapping field is spread over dotted columns
    (``stock_kg.rice``, ``carriers.bicycle``); a list field (``regions``, ``modes``) is one
    cell with items separated by ``;``. An empty cell takes the field's default. Lines that
    begin with ``#`` (not within quotes) are comments, above the header too.
GeoJSON
    A ``FeatureCollection``. Places are ``Point`` features (coordinates ``[lon, lat]``),
    routes are ``LineString`` (or ``MultiLineString``) features; the other fields are the
    feature's properties, written as in CSV or as JSON lists and objects. A route without a
    ``length_km`` property gets the length of its line (great-circle distance along it).
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import math
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from supplyline.errors import Problem
from supplyline.scenario._describe import fields_by_key, is_model, split_annotated, without_none
from supplyline.scenario._yaml_lines import (
    Locations,
    NotUtf8,
    Path,
    Spot,
    WrittenFloat,
    grouped_digits,
    json_float,
    json_whole,
    read_float,
    shown,
    utf8_text,
)
from supplyline.scenario.schema import Place, Route
from supplyline.text import did_you_mean

__all__ = ["TABLE_MODELS", "Points", "TableRows", "haversine_km", "line_length_km", "line_misses",
           "longest_line_km", "read_table", "shortest_route_km"]

TABLE_MODELS: dict[str, type[BaseModel]] = {"places": Place, "routes": Route}
"""The scenario sections that may be kept in a table, and the class of their rows."""

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), for great-circle distances."""


@dataclass
class TableRows:
    """Rows read from a table, with where each value came from.

    Attributes
    ----------
    rows:
        One mapping per row, keyed like the YAML form.
    locations:
        Spots keyed by ``(row, field, ...)`` paths, relative to the section.
    problems:
        What was wrong in the table itself (bad header, bad geometry, ...).
    unreadable:
        Whether the table as a whole could not be read (no rows to check).
    line:
        The line its rows are under: a CSV table's header, a GeoJSON table's ``features``.
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    locations: Locations = field(default_factory=Locations)
    problems: list[Problem] = field(default_factory=list)
    unreadable: bool = False
    line: int = 1

    def fail(self, problem: Problem) -> TableRows:
        """Record a problem that makes the whole table unreadable."""
        self.problems.append(problem)
        self.unreadable = True
        return self


def read_table(section: str, raw: bytes, file: str) -> TableRows:
    """Read the rows of a ``places`` or ``routes`` table.

    Parameters
    ----------
    section:
        ``"places"`` or ``"routes"``.
    raw:
        The file's bytes.
    file:
        Its name as shown in messages; its suffix picks the format.

    Returns
    -------
    TableRows
        The rows, their locations and any problems found.
    """
    model = TABLE_MODELS[section]
    try:
        text = utf8_text(raw)
    except NotUtf8 as error:
        return TableRows().fail(Problem(file, error.line, section, "text encoded as UTF-8",
                                        error.got))
    if file.lower().endswith(".csv"):
        return _read_csv(section, model, text, file)
    return _read_geojson(section, model, text, file)


@typing.overload
def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float,
                 radius_km: float = EARTH_RADIUS_KM) -> float: ...
@typing.overload
def haversine_km(lon1: Any, lat1: Any, lon2: Any, lat2: Any,
                 radius_km: float = EARTH_RADIUS_KM) -> Any: ...
def haversine_km(lon1: Any, lat1: Any, lon2: Any, lat2: Any,
                 radius_km: float = EARTH_RADIUS_KM) -> Any:
    """Great-circle distance in km between points given in degrees: the one formula of the
    scenario's distances (a table's lines, the places nearest a point, the synthetic
    scenarios' routes). Numbers give a float; NumPy arrays (or a number and an array) give
    an array of the distances, pair by pair.

    Examples
    --------
    >>> round(haversine_km(0.0, 0.0, 0.0, 1.0), 3)
    111.195
    >>> import numpy as np
    >>> haversine_km(0.0, 0.0, np.array([1.0, 0.0]), 0.0).round(3).tolist()
    [111.195, 0.0]
    """
    import numpy as np

    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlam = np.radians(np.subtract(lon2, lon1))
    h = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlam / 2) ** 2
    km = 2 * radius_km * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return float(km) if np.ndim(km) == 0 else np.asarray(km, dtype=np.float64)


def line_length_km(coordinates: list[tuple[float, float]]) -> float:
    """Length in km along a line of ``(lon, lat)`` points.

    Examples
    --------
    >>> round(line_length_km([(0.0, 0.0), (1.0, 0.0)]), 1)
    111.2
    """
    import numpy as np

    if len(coordinates) < 2:
        return 0.0
    points = np.array([point[:2] for point in coordinates], dtype=float)
    return float(haversine_km(points[:-1, 0], points[:-1, 1], points[1:, 0],
                              points[1:, 1]).sum())


#: An end of a route's line (read from GeoJSON) meets a place, or another part of the line,
#: when it lies within this many km of it or within this share of the straight distance
#: between the route's places, whichever is more. An estimate: a road may be drawn to a
#: village's edge, while the village's coordinates are its centre; a line that misses by
#: more is drawn for another route, and its length would be wrong. (The share was of the
#: line's own length: a line made 13,335 km long by one point out of place met places
#: 1,333 km off.)
LINE_END_KM = 5.0
LINE_END_SHARE = 0.1
#: Where places lie closer together than :data:`LINE_END_KM` (a valley's villages), an end
#: of the line nearer another place than its own is that place's, unless it lies within
#: this many km of its own (two places of one town): the line was drawn for another route.
LINE_END_OWN_KM = 1.0
#: A line at most this many times the straight distance between its route's places, plus
#: the room its ends have (:data:`LINE_END_KM` each): a road winds (two or three times the
#: straight distance in mountains), but a line far longer has a point out of place (lat and
#: lon swapped), and its length would be the route's.
LINE_DETOUR_FACTOR = 10.0
def end_room_km(straight_km: float) -> float:
    """How far a route's end may lie from its place's coordinates, for places
    ``straight_km`` apart: :data:`LINE_END_KM`, or :data:`LINE_END_SHARE` of that distance,
    whichever is more (a place's coordinates are its centre; its road may begin at its
    edge)."""
    return max(LINE_END_KM, LINE_END_SHARE * straight_km)


def shortest_route_km(straight_km: float) -> float:
    """The shortest a route may be between places ``straight_km`` apart (great-circle
    distance between their coordinates): that distance, less the room each of its two ends
    has (:func:`end_room_km`), the rule a line's ends meet their places by. A place's
    coordinates are its centre, and its road may begin at its edge, so a route may be a
    little shorter than the straight distance between the centres; the room (5 km at
    least) also covers coordinates given to two decimals (each up to 0.6 km off). A route
    shorter still is not between those coordinates: one place's lat and lon swapped, or a
    sign lost.

    Examples
    --------
    >>> shortest_route_km(8312.5)
    6650.0
    >>> shortest_route_km(6.3)
    0.0
    """
    return max(0.0, straight_km - 2 * end_room_km(straight_km))


def longest_line_km(straight_km: float) -> float:
    """The longest a route's line may be between places ``straight_km`` apart
    (:data:`LINE_DETOUR_FACTOR`).

    Examples
    --------
    >>> longest_line_km(12.6)
    136.0
    """
    return LINE_DETOUR_FACTOR * straight_km + 2 * LINE_END_KM


@dataclass(frozen=True)
class Points:
    """Places by id with their ``(lon, lat)``, to find the one nearest a point."""

    ids: list[str]
    lon: Any  # numpy arrays of degrees
    lat: Any

    @classmethod
    def of(cls, places: dict[str, tuple[float, float]]) -> Points:
        import numpy as np

        return cls(list(places), np.array([p[0] for p in places.values()], dtype=float),
                   np.array([p[1] for p in places.values()], dtype=float))

    def nearest(self, point: tuple[float, float]) -> tuple[str, float] | None:
        """The place nearest ``point`` and its distance in km (``None`` with no place)."""
        import numpy as np

        if not self.ids:
            return None
        km = haversine_km(point[0], point[1], self.lon, self.lat)
        i = int(np.argmin(km))
        return self.ids[i], float(km[i])


def line_misses(parts: list[list[tuple[float, float]]],
                ends: tuple[tuple[str, tuple[float, float]], tuple[str, tuple[float, float]]],
                places: Points | None = None) -> tuple[float, list[str]]:
    """How a route's line (its parts, each of ``(lon, lat)`` points, in any order and
    direction) misses joining its two places ``ends`` (``(id, (lon, lat))`` each): the
    distance that counts as meeting, and what misses (empty when the line joins them).

    One part joins them when its two ends meet the two places, one each. Several parts join
    them when each place meets an end, and the parts, meeting end to end, form one chain
    from one place to the other with none left over. An end that meets its place must not
    lie nearer another of ``places`` (beyond :data:`LINE_END_OWN_KM` from its own), and the
    line must not be longer than :func:`longest_line_km`.

    Examples
    --------
    >>> a, b = ("a", (0.0, 0.0)), ("b", (1.0, 0.0))
    >>> line_misses([[(0.0, 0.0), (1.0, 0.0)]], (a, b))[1]
    []
    >>> line_misses([[(0.0, 0.0), (0.5, 0.0)]], (a, b))[1]
    ["its end toward 'b' is 55.6 km from it"]
    >>> line_misses([[(0.0, 0.0), (1.0, 0.0)]], (a, ("c", (0.03, 0.0))))[1]
    ["its end toward 'c' is 107.9 km from it"]
    >>> c = ("c", (0.0, 0.04))
    >>> line_misses([[(0.0, 0.04), (0.0, 0.0)]], (("d", (0.0, 0.02)), a),
    ...             Points.of(dict([a, c, ("d", (0.0, 0.02))])))[1]
    ["its end toward 'd' is 2.2 km from it, at 'c' (0.0 km)"]
    """
    def km(p: tuple[float, float], q: tuple[float, float]) -> float:
        return haversine_km(*p, *q)

    straight = km(ends[0][1], ends[1][1])
    near = end_room_km(straight)

    def elsewhere(name: str, place: tuple[float, float], tip: tuple[float, float]
                  ) -> str | None:
        """Where an end that meets its place lies nearer another place (its line was
        drawn for another route)."""
        own = km(place, tip)
        found = places.nearest(tip) if places is not None else None
        if found is None or own <= LINE_END_OWN_KM or found[0] == name or found[1] >= own:
            return None
        return f"its end toward {name!r} is {own:,.1f} km from it, at {found[0]!r} " \
               f"({found[1]:,.1f} km)"

    misses = _end_misses(parts, ends, near, elsewhere)
    length = sum(line_length_km(part) for part in parts)
    if not misses and length > longest_line_km(straight):
        misses = [f"{length:,.1f} km long between places {straight:,.1f} km apart (more than "
                  f"{LINE_DETOUR_FACTOR:g} times as far, and {2 * LINE_END_KM:g} km: a point "
                  "out of place?)"]
    return near, misses


def _end_misses(parts: list[list[tuple[float, float]]],
                ends: tuple[tuple[str, tuple[float, float]], tuple[str, tuple[float, float]]],
                near: float, elsewhere: Callable[[str, tuple[float, float],
                                                  tuple[float, float]], str | None],
                ) -> list[str]:
    """How the ends of a line miss its route's places (:func:`line_misses`)."""
    def km(p: tuple[float, float], q: tuple[float, float]) -> float:
        return haversine_km(*p, *q)

    (name_a, a), (name_b, b) = ends
    if len(parts) == 1:
        first, last = parts[0][0], parts[0][-1]

        def said(pairs: tuple[tuple[tuple[float, float], tuple[float, float]], ...]
                 ) -> list[str]:
            out = []
            for name, (place, tip) in zip((name_a, name_b), pairs, strict=True):
                if km(place, tip) > near:
                    out.append(f"its end toward {name!r} is {km(place, tip):,.1f} km from it")
                elif (other := elsewhere(name, place, tip)) is not None:
                    out.append(other)
            return out

        # The two places on the two ends, whichever way round the line was drawn: the way
        # with fewer misses, then the one whose farther end is nearer its place.
        ways = (((a, first), (b, last)), ((a, last), (b, first)))
        way = min(ways, key=lambda two: (len(said(two)), max(km(*two[0]), km(*two[1]))))
        return said(way)
    # Several parts: which parts and places meet (end to end), and what that joins.
    nodes = len(parts) + 2  # the parts, then the two places
    group = list(range(nodes))

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    tips = [(part[0], part[-1]) for part in parts]
    for i, mine in enumerate(tips):
        for j, place in ((len(parts), a), (len(parts) + 1, b)):
            if min(km(tip, place) for tip in mine) <= near:
                group[root(i)] = root(j)
        for k in range(i + 1, len(parts)):
            if min(km(p, q) for p in mine for q in tips[k]) <= near:
                group[root(i)] = root(k)
    misses = []
    for name, place in ((name_a, a), (name_b, b)):
        tip = min((tip for mine in tips for tip in mine), key=lambda tip: km(tip, place))
        if km(tip, place) > near:
            misses.append(f"its nearest end is {km(tip, place):,.1f} km from {name!r}")
        elif (other := elsewhere(name, place, tip)) is not None:
            misses.append(other)
    if misses:
        return misses
    joined = root(len(parts))
    if joined != root(len(parts) + 1):
        return [f"its parts do not join {name_a!r} to {name_b!r}"]
    return [f"part {i + 1} of {len(parts)} meets neither the route's places nor the "
                  "parts that join them" for i in range(len(parts)) if root(i) != joined]


# -- fields ---------------------------------------------------------------------------------


def _field_kinds(model: type[BaseModel]) -> dict[str, str]:
    """``"list"``, ``"dict"`` or ``"scalar"`` for each key a user may write; ``"windows"``
    for a list of windows of days (items with a start and an end: a route's closures), which
    a cell writes ``START/END``."""
    kinds: dict[str, str] = {}
    for key, (_, info) in fields_by_key(model).items():
        base, _ = split_annotated(without_none(info.annotation))
        origin = typing.get_origin(base)
        kinds[key] = "list" if origin is list else "dict" if origin is dict else "scalar"
        item = typing.get_args(base)[0] if origin is list else None
        if item is not None and is_window(item):
            kinds[key] = "windows"
    return kinds


def _number_fields(model: type[BaseModel]) -> set[str]:
    """The keys a user may write whose value (or whose mapping's values) is a number."""
    numbers = set()
    for key, (_, info) in fields_by_key(model).items():
        base, _ = split_annotated(without_none(info.annotation))
        if typing.get_origin(base) is dict:
            base, _ = split_annotated(without_none(typing.get_args(base)[1]))
        if base in (int, float):
            numbers.add(key)
    return numbers


def _number(value: Any) -> Any:
    """A number field's value from a cell or property, as the scenario's YAML reads the same
    text (:func:`read_float`): ``3e1`` as 30.0, which a whole-number field takes, as it takes
    ``40.0``, and ``1e-400`` as the tiny figure it is, which is refused, where the schema's
    lax reading of text took it as 0 and refused ``3e1`` for a whole number. Other values as
    they are (digits alone, which the schema reads exactly; text that is no number)."""
    if isinstance(value, str):
        number = read_float(value.strip())
        return value if number is None else number
    return float(value) if isinstance(value, WrittenFloat) else value


def is_window(annotation: Any) -> bool:
    """Whether a schema type is a window of days (a model with a start and an end), which a
    table's cell writes ``START/END``."""
    return is_model(annotation) and {"start", "end"} <= set(annotation.model_fields)


#: A window of days in one cell: ``2025-08-05/2025-08-10`` (an ISO 8601 interval).
_WINDOW = re.compile(r"^(\S+)\s*/\s*(\S+)$")
#: What a table's cell that is not such a window is told.
WINDOW_EXPECTED = "a window written START/END (two dates with a / between: 2025-08-05/2025-08-10)"


def _window(item: str) -> Any:
    """A window written ``START/END`` in a cell, as its mapping (anything else as written,
    which the schema refuses)."""
    match = _WINDOW.match(item)
    return {"start": match[1], "end": match[2]} if match else item


def _cell_text(cell: str) -> str:
    """A cell as written: numbers bare, other text quoted."""
    try:
        float(cell)
    except ValueError:
        return shown(cell)
    return cell


# -- CSV ------------------------------------------------------------------------------------


def _read_csv(section: str, model: type[BaseModel], text: str, file: str) -> TableRows:
    table = TableRows()
    kinds = _field_kinds(model)
    numbers = _number_fields(model)
    # A cell may be as long as the file (its size is limited where it is read): beyond the
    # csv module's 131,072 characters the reading stopped, and the rows after went unread.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""))
    # The lines as the reader counts them: a comment is a row whose line begins with "#"
    # as written, not one whose first cell does once read ("#2 Highway", quoted, is a name;
    # its row was dropped in silence).
    raw = re.split(r"\r\n|\r|\n", text)

    def comment(cells: list[str], line: int) -> bool:
        return not any(cell.strip() for cell in cells) or (
            line <= len(raw) and raw[line - 1].lstrip().startswith("#"))

    header_line = 1
    try:
        header = next(reader, None)
        # (blank and comment lines above the header: an export's note; the header was read
        # as one and the real header as a row)
        while header is not None and comment(header, header_line):
            header_line = reader.line_num + 1
            header = next(reader, None)
    except csv.Error as error:
        return table.fail(Problem(file, header_line, "header", "a CSV header row", str(error)))
    if header is None:
        return table.fail(Problem(file, 1, "header", "a header row naming the fields",
                                  "an empty file" if not text.strip() else
                                  "only blank and comment lines"))
    if len(header) == 1 and (mark := next((m for m in ";\t|" if m in header[0]), None)):
        # Another separator: every row would be one cell, and every field missing.
        return table.fail(Problem(file, header_line, "header", "fields separated by commas",
                                  f"a header separated by {mark!r}: {shown(header[0])}"))
    table.line = header_line
    columns, unknown = _csv_columns(model, kinds, [name.strip() for name in header], file,
                                    table, header_line)
    # A quote is never closed where the quotes are odd ("" inside quotes is a pair).
    unclosed = text.count('"') % 2 == 1
    last_line = len(text.splitlines())
    next_line = reader.line_num + 1
    while True:
        line = next_line
        try:
            cells = next(reader, None)
        except csv.Error as error:
            table.problems.append(Problem(file, line, "row", "a well-formed CSV row",
                                          str(error)))
            break
        next_line = reader.line_num + 1
        if cells is None:
            break
        if unclosed and reader.line_num >= last_line and any("\n" in c for c in cells):
            # A quote never closed runs on to the file's end (a cell may hold a line break
            # within quotes that close): the rows it swallowed are not read, so the table is
            # not either.
            return table.fail(Problem(
                file, line, f"{section}[{len(table.rows)}]",
                "each cell on its line (a quote closed where it opens)",
                f"a quoted cell that runs on to line {reader.line_num}"))
        if comment(cells, line):
            continue
        index = len(table.rows)
        swallowed = next((n for n in range(line + 1, min(reader.line_num, len(raw)) + 1)
                          if len(next(csv.reader([raw[n - 1]]), [])) == len(columns)), None)
        if swallowed is not None:
            # A quoted cell over several lines (a spreadsheet's line break) may hold a line
            # that reads as a whole row: a quote left open above it, closed by a stray one
            # below, read the row into the cell in silence (a place lost in a source text).
            table.problems.append(Problem(
                file, line, f"{section}[{index}]",
                "each row on its own line (a quote closed where it opens)",
                f"a quoted cell from line {line} to {reader.line_num} that holds line "
                f"{swallowed}, a whole row"))
            table.locations.reported.add((index,))
        if len(cells) != len(columns):  # a cell left out moves the next ones under the wrong column
            table.problems.append(Problem(
                file, line, f"{section}[{index}]",
                f"{len(columns)} cells (one per column; an empty one as nothing between "
                "commas)", f"{len(cells)} cells",
            ))
            # Its cells stand under the wrong columns: what they fail there is not said.
            table.locations.reported.add((index,))
        row: dict[str, Any] = {}
        table.locations.spots[(index,)] = Spot(file, line)
        for position, (column, cell) in enumerate(zip(columns, cells, strict=False)):
            value = cell.strip()
            if column is None and value and header[position].strip() == "":
                table.problems.append(Problem(file, line, f"{section}[{index}]",
                                              "a value under a named column", shown(value)))
            if position in unknown and value:
                # Kept as written, said once at the header: a misspelt field stands beside
                # the rest of its row, so that the checks do not read the field it likely
                # is as its default ("popuation": not a population of 0).
                row[unknown[position]] = value
                table.locations.reported.add((index, unknown[position]))
            if column is None or value == "":
                continue
            if column[1] is None:
                value = _commas(table, kinds, column[0], value, file, line,
                                f"{section}[{index}].{column[0]}")
            _put(row, (index,), column, value, (kinds, numbers), file, line,
                 table.locations)
        table.rows.append(row)
    _missing_columns(model, columns, table, file, header_line)
    return table


def _missing_columns(model: type[BaseModel], columns: list[tuple[str, str | None] | None],
                     table: TableRows, file: str, line: int = 1) -> None:
    """A required field without a column is said once, at the header, not once a row."""
    present = {column[0] for column in columns if column is not None}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if not info.is_required() or key in present or not table.rows:
            continue
        table.problems.append(Problem(file, line, f"column '{key}'",
                                      f"a column {key} (each row needs a value of it)",
                                      "a header without it"))
        table.locations.reported.update((index, key) for index in range(len(table.rows)))


def _csv_columns(
    model: type[BaseModel], kinds: dict[str, str], header: list[str], file: str,
    table: TableRows, line: int = 1,
) -> tuple[list[tuple[str, str | None] | None], dict[int, str]]:
    """Each header cell as ``(field, key)``; ``None`` for a column that is reported; and the
    unknown columns' names by position (the header on ``line``)."""
    columns: list[tuple[str, str | None] | None] = []
    unknown: dict[int, str] = {}
    seen: set[str] = set()
    allowed = [key if kinds[key] != "dict" else f"{key}.<id>" for key in kinds]
    for name in header:
        if name == "":
            columns.append(None)  # an unnamed column (a trailing comma): must stay empty
            continue
        base, _, key = name.partition(".")
        kind = kinds.get(base)
        good = kind is not None and (kind == "dict") == bool(key)
        if not good:
            expected = f"a field of {model.__name__}" + did_you_mean(name, allowed)
            if kind == "dict":
                expected = f"a column {base}.<id> (one per id)"
            table.problems.append(Problem(file, line, f"column '{name}'", expected,
                                          shown(name)))
            if name not in seen:  # (a field's column misnamed too: carriers, population.x)
                unknown[len(columns)] = name
            columns.append(None)
        elif name in seen:
            table.problems.append(Problem(file, line, f"column '{name}'", "each column once",
                                          "a second column of that name"))
            columns.append(None)
        else:
            columns.append((base, key or None))
        seen.add(name)
    return columns, unknown


def _commas(table: TableRows, kinds: dict[str, str], base: str, value: Any, file: str,
            line: int | None, field: str) -> Any:
    """A list written in one cell with its items separated as in a sentence ('raft,
    porter'): said at ``field``, and read as meant (an id has no comma), so that no check
    reads it as one unknown mode."""
    if (kinds.get(base) in ("list", "windows") and isinstance(value, str) and "," in value
            and ";" not in value):
        table.problems.append(Problem(file, line, field, "items separated by ';'",
                                      shown(value)))
        return value.replace(",", ";")
    return value


def _put(
    row: dict[str, Any], prefix: Path, column: tuple[str, str | None], value: Any,
    fields: tuple[dict[str, str], set[str]], file: str, line: int | None,
    locations: Locations,
) -> None:
    """Store one cell (or property) in ``row``, splitting lists and dotted keys; ``fields``
    are the model's kinds of field (:func:`_field_kinds`) and its number fields
    (:func:`_number_fields`)."""
    base, key = column
    kinds, numbers = fields
    text = (_cell_text(value) if isinstance(value, str)
            else value.text if isinstance(value, WrittenFloat) else shown(value))
    # A number with its digits grouped by "_" is text to a spreadsheet, as to YAML 1.2;
    # the schema's lax reading would take it, so it is marked for check to refuse.
    grouped = isinstance(value, str) and grouped_digits(value.strip())
    if base in numbers:
        value = _number(value)
    if key is not None:
        inner = row.setdefault(base, {})
        if isinstance(inner, dict):
            inner[key] = value
        locations.spots.setdefault((*prefix, base), Spot(file, line))
        locations.spots[(*prefix, base, key)] = Spot(file, line, line, text)
        if grouped:
            locations.grouped.add((*prefix, base, key))
        return
    if kinds.get(base) in ("list", "windows") and isinstance(value, str):
        value = [item.strip() for item in value.split(";") if item.strip()]
    if kinds.get(base) == "windows" and isinstance(value, list):  # START/END, as text
        value = [_window(item.strip()) if isinstance(item, str) else item for item in value]
        for position, item in enumerate(value):
            locations.spots[(*prefix, base, position)] = Spot(file, line, line, shown(item))
    row[base] = value
    locations.spots[(*prefix, base)] = Spot(file, line, line, text)
    if grouped:
        locations.grouped.add((*prefix, base))


# -- GeoJSON --------------------------------------------------------------------------------


def _once(given: set[tuple[str, str]], table: TableRows, at: tuple[str, int | None, str],
          base: str, key: str, value: Any) -> bool:
    """Whether a feature's value of ``base`` for ``key`` is given for the first time (a
    property ``stock_kg: {rice: ...}`` and a property ``stock_kg.rice`` would both give it:
    the second is reported, not dropped in silence)."""
    file, line, where = at
    if (base, key) in given:
        table.problems.append(Problem(
            file, line, f"{where}.properties.{base}.{key}",
            f"each value once (a property {base} and a property {base}.{key} both give it)",
            shown(value)))
        return False
    given.add((base, key))
    return True

_SPACE = re.compile(r"\s*")


class _LineAt:
    """The 1-based line of an offset in ``text``, from one pass over it (counting the
    newlines before each feature again made a table's reading grow with its square)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._breaks = [found.start() for found in re.finditer("\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_left(self._breaks, offset) + 1


def _feature_starts(text: str) -> list[int] | None:
    """Where each element of a FeatureCollection's ``features`` list begins in ``text``,
    whatever its type says (``None`` where the text is not laid out as one object)."""
    # (only where each value ends is read: numbers are kept as text, so that a whole number
    # of more digits than Python reads as an int leaves the features' lines known)
    decoder = json.JSONDecoder(parse_int=str, parse_float=str, parse_constant=str)

    def value_end(at: int) -> int:
        return decoder.raw_decode(text, at)[1]

    def skip(at: int) -> int:
        return _SPACE.match(text, at).end()  # type: ignore[union-attr]

    try:
        at = skip(0)
        if text[at] != "{":
            return None
        at = skip(at + 1)
        while text[at] != "}":
            key, at = decoder.raw_decode(text, at)
            at = skip(skip(at) + 1)  # past the colon
            if key != "features":
                at = skip(value_end(at))
            elif text[at] != "[":
                return None
            else:
                starts: list[int] = []
                at = skip(at + 1)
                while text[at] != "]":
                    starts.append(at)
                    at = skip(value_end(at))
                    at = skip(at + 1) if text[at] == "," else at
                return starts
            at = skip(at + 1) if text[at] == "," else at
    except (ValueError, IndexError):
        return None
    return None


def _read_geojson(section: str, model: type[BaseModel], text: str, file: str) -> TableRows:
    table = TableRows()
    try:
        # (a number a float does not hold as written keeps its text, which a refusal says)
        document = json.loads(text, object_pairs_hook=_Mapping.of, parse_float=json_float,
                              parse_int=json_whole, parse_constant=json_float)
    except json.JSONDecodeError as error:
        # (the decoder's own words, with where on the line; an empty file said as a CSV's is)
        got = ("an empty file" if not text.strip()
               else f"{error.msg.lower()} (column {error.colno})")
        return table.fail(Problem(file, error.lineno, "(JSON syntax)", "valid JSON", got))
    except RecursionError:
        return table.fail(Problem(file, None, "(JSON syntax)", "JSON nested less deeply",
                                  "too deep nesting"))
    if isinstance(document, _Mapping) and document.repeated:  # ("features" twice dropped one)
        own = _Mapping.of([])
        own.repeated = document.repeated  # its own keys only: features are read below
        for problem in _repeated_keys(own, "", _LineAt(text), 0, len(text), file, 1):
            table.problems.append(problem)
        return table.fail(table.problems.pop())
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" or (
        not isinstance(features, list)
    ):
        return table.fail(Problem(file, 1, "(top level)",
                                  "a GeoJSON FeatureCollection with a features list",
                                  shown(document)))
    starts = _feature_starts(text) or []
    if len(starts) != len(features):
        starts = []
    kinds = _field_kinds(model)
    numbers = _number_fields(model)
    line_at = _LineAt(text)
    table.line = _line_of(line_at, '"features"', 0, len(text)) or 1
    for index, feature in enumerate(features):
        begin = starts[index] if starts else None
        end = starts[index + 1] if starts and index + 1 < len(starts) else len(text)
        line = line_at(begin) if begin is not None else None
        where = f"features[{index}]"
        table.locations.spots[(index,)] = Spot(file, line)
        table.locations.labels[(index,)] = f"{where}.properties"
        table.problems += _repeated_keys(feature, where, line_at, begin, end, file, line)
        if not isinstance(feature, dict):
            table.problems.append(Problem(file, line, where, "a GeoJSON Feature",
                                          shown(feature)))
            table.locations.reported.add((index,))  # nothing of it is read
            table.rows.append({})
            continue
        if feature.get("type") != "Feature":  # said, and its properties read all the same
            kind = feature.get("type")
            written = re.compile(r'"type"\s*:\s*' + re.escape(json.dumps(kind)))
            found = written.search(text, begin, end) if begin is not None else None
            table.problems.append(Problem(
                file, line_at(found.start()) if found else line,
                f"{where}.type", '"Feature"',
                _written(kind) if "type" in feature else "no type"))
        properties = feature.get("properties")
        if properties is None:  # (GeoJSON's own null: no properties)
            properties = {}
        elif not isinstance(properties, dict):  # ([] or false too: said, not read as none)
            table.problems.append(Problem(
                file, _line_of(line_at, '"properties"', begin, end) or line,
                f"{where}.properties", "a mapping of fields", shown(properties)))
            properties = {}
        row: dict[str, Any] = {}
        given: set[tuple[str, str]] = set()  # (field, id): each once, nested or dotted
        for name, value in properties.items():
            name_line = _line_of(line_at, f'"{name}"', begin, end) or line
            base, _, key = str(name).partition(".")
            if value is None:
                continue
            if kinds.get(base) is None or (key and kinds[base] != "dict"):
                row[str(name)] = value  # unknown: the schema reports it, with its line
                table.locations.spots[(index, str(name))] = Spot(file, name_line, name_line)
                continue
            if isinstance(value, dict) and not key:
                for inner_key, inner in value.items():
                    if _once(given, table, (file, name_line, where), base, str(inner_key),
                             inner):
                        _put(row, (index,), (base, str(inner_key)), inner,
                             (kinds, numbers), file, name_line, table.locations)
                continue
            if key and not _once(given, table, (file, name_line, where), base, key, value):
                continue
            if not key:
                value = _commas(table, kinds, base, value, file, name_line,
                                f"features[{index}].properties.{name}")
            _put(row, (index,), (base, key or None), value, (kinds, numbers), file,
                 name_line, table.locations)
        _feature_id(row, feature, index, file, line, table)
        geometry = feature.get("geometry")
        coords_line = (_line_of(line_at, '"coordinates"', begin, end)
                       or _line_of(line_at, '"geometry"', begin, end) or line)
        if section == "places":
            _place_geometry(row, geometry, index, file, coords_line, table)
        else:
            _route_geometry(row, geometry, index, file, coords_line, table)
        table.rows.append(row)
    return table


def _feature_id(row: dict[str, Any], feature: dict[str, Any], index: int, file: str,
                line: int | None, table: TableRows) -> None:
    """A feature's own ``id`` (GeoJSON's place for it) is the row's id where its properties
    give none, and must be the same where they do (it was dropped in silence)."""
    if "id" not in feature:
        return
    found = feature["id"]
    if isinstance(found, int) and not isinstance(found, bool):
        found = str(found)  # (GeoJSON allows a number; an id here is text)
    written = row.get("id")
    if written is None:
        row["id"] = found
        table.locations.spots[(index, "id")] = Spot(file, line, line, _written(found))
        table.locations.labels[(index, "id")] = f"features[{index}].id"
    elif written != found:
        table.problems.append(Problem(
            file, line, f"features[{index}].id",
            f"the same id as properties.id ({_written(written)}), or no feature id",
            _written(found)))


class _Mapping(dict[str, Any]):
    """A JSON object as read, with the keys written in it more than once (JSON keeps the
    last silently)."""

    repeated: list[str]

    @classmethod
    def of(cls, pairs: list[tuple[str, Any]]) -> _Mapping:
        mapping = cls(pairs)
        names = [name for name, _ in pairs]
        mapping.repeated = [name for i, name in enumerate(names) if name in names[:i]]
        return mapping


def _repeated_keys(value: Any, where: str, line_at: _LineAt, begin: int | None, end: int,
                   file: str, line: int | None) -> list[Problem]:
    """A problem for each key written twice in a feature's objects and lists (``where``: its
    path), at the line of its last writing within the feature's text (``begin``..``end``;
    the key may be written elsewhere in the feature too, but the one written again comes
    later)."""
    problems = []
    if isinstance(value, _Mapping):
        for name in value.repeated:
            found = line
            if begin is not None:
                key = re.escape(json.dumps(name, ensure_ascii=False)) + r"\s*:"
                writings = list(re.compile(key).finditer(line_at.text, begin, end))
                if len(writings) > 1:
                    found = line_at(writings[-1].start())
            problems.append(Problem(file, found, f"{where}.{name}".lstrip("."),
                                    "each key once in a mapping", f"{shown(name)} again"))
    if isinstance(value, dict):
        for name, inner in value.items():
            problems += _repeated_keys(inner, f"{where}.{name}", line_at, begin, end, file,
                                       line)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            problems += _repeated_keys(inner, f"{where}[{i}]", line_at, begin, end, file,
                                       line)
    return problems


def _written(value: Any) -> str:
    """A JSON value as it is written, when short; else described (a point's numbers one by
    one), a number a float does not hold as written by its text (``1e400``, not
    ``Infinity``)."""
    if isinstance(value, WrittenFloat):  # (digits beyond a float's reach, said as an int's)
        digits = value.text.lstrip("-")
        return (value.text if len(value.text) <= 40 else shown(value) if not digits.isdigit()
                else f"a number of {len(digits)} digits")
    flat = isinstance(value, list) and 0 < len(value) <= 3 and not any(
        isinstance(x, list | dict) for x in value)
    text = json.dumps(value, ensure_ascii=False)
    if len(text) <= 40 and not (flat and any(isinstance(x, WrittenFloat) for x in value)):
        return text
    if flat:
        return "[" + ", ".join(_written(x) for x in value) + "]"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"a number of {len(str(abs(value)))} digits"
    return shown(value)


def _line_of(line_at: _LineAt, needle: str, begin: int | None, end: int) -> int | None:
    if begin is None:
        return None
    found = line_at.text.find(needle, begin, end)
    return line_at(found) if found >= 0 else None


def _coordinate(value: Any) -> float | None:
    """A finite number as a float (an integer too large for one is no coordinate)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _point(value: Any) -> tuple[float, float] | None:
    """``[lon, lat]`` (or ``[lon, lat, height]``) of finite numbers; ``None`` otherwise."""
    if isinstance(value, list) and len(value) in (2, 3):
        numbers = [_coordinate(x) for x in value]
        if None not in numbers:
            return typing.cast(float, numbers[0]), typing.cast(float, numbers[1])
    return None


def _on_earth(point: tuple[float, float]) -> bool:
    return -180.0 <= point[0] <= 180.0 and -90.0 <= point[1] <= 90.0


def _number_or_none(value: Any) -> float | None:
    """A property's number, written as a number or as its text ("27.912", as a table's cells
    are); ``None`` where it is no number."""
    if isinstance(value, bool):
        return None
    try:
        return float(value.strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _place_geometry(
    row: dict[str, Any], geometry: Any, index: int, file: str, line: int | None,
    table: TableRows,
) -> None:
    where = f"features[{index}].geometry"
    if geometry is None:
        missing = [name for name in ("lat", "lon") if row.get(name) is None]
        if missing:  # (said once, here: lat and lon had each been "a required value")
            table.problems.append(Problem(file, line, where, "a Point geometry, or lat and "
                                          "lon properties", f"null and no {' or '.join(missing)}"))
            table.locations.reported |= {(index, name) for name in missing}
        return
    point = _point(geometry.get("coordinates")) if isinstance(geometry, dict) else None
    if not isinstance(geometry, dict) or geometry.get("type") != "Point" or point is None:
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if not isinstance(geometry, dict):
            found = shown(geometry)
        elif kind != "Point":
            found = f"a {kind}" if isinstance(kind, str) else f"type {_written(kind)}"
        else:
            found = f"coordinates {_written(geometry.get('coordinates'))}"
        table.problems.append(Problem(file, line, where, "a Point with coordinates [lon, lat]",
                                      found))
        table.locations.reported |= {(index, "lat"), (index, "lon")}
        return
    for name, value, position in (("lon", point[0], 0), ("lat", point[1], 1)):
        written = row.get(name)
        if written is not None and _number_or_none(written) != value:
            said = table.locations.spots.get((index, name))  # (as written: 1e-400, not 5e-324)
            table.problems.append(Problem(
                file, line, f"features[{index}].properties.{name}",
                f"the same {name} as the geometry ({value:g}), or no {name} property",
                said.text if said is not None and said.text else shown(written),
            ))
        row[name] = value
        table.locations.spots[(index, name)] = Spot(file, line, line, f"{value:g}")
        table.locations.labels[(index, name)] = f"{where}.coordinates[{position}]"


def _route_geometry(
    row: dict[str, Any], geometry: Any, index: int, file: str, line: int | None,
    table: TableRows,
) -> None:
    where = f"features[{index}].geometry"
    if geometry is None:
        if "length_km" not in row:
            table.problems.append(Problem(
                file, line, f"features[{index}].properties.length_km",
                "a length_km property, or a LineString geometry to measure", "neither"))
            table.locations.reported.add((index, "length_km"))
        return
    parts: list[Any] = []
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if kind == "LineString":
        parts = [coordinates]
    elif kind == "MultiLineString":
        parts = coordinates if isinstance(coordinates, list) else [None]
    lines = [[_point(p) for p in part] if isinstance(part, list) else [None] for part in parts]
    bad = next((k for k, points in enumerate(lines) if len(points) < 2 or None in points), None)
    if not lines or bad is not None:
        expected, got = "a LineString with at least two [lon, lat] points", shown(geometry)
        part = parts[bad] if bad is not None else None
        if isinstance(kind, str) and kind not in ("LineString", "MultiLineString"):
            got = f"a {kind}"
        elif isinstance(part, list) and len(part) >= 2:  # points that are none
            for k, points in enumerate(lines):
                at = f"[{k}]" if kind == "MultiLineString" else ""
                part_k = parts[k]
                if not (isinstance(part_k, list) and len(part_k) >= 2):  # (another part)
                    short = isinstance(part_k, list)
                    table.problems.append(Problem(
                        file, line, f"{where}.coordinates{at}",
                        "a line of at least two [lon, lat] points",
                        f"a line of {len(part_k)} point{'s' * (len(part_k) != 1)}" if short
                        else shown(part_k)))
                    continue
                for j, point in enumerate(points):
                    if point is None:
                        table.problems.append(Problem(
                            file, line, f"{where}.coordinates{at}[{j}]",
                            "a point [lon, lat] of finite numbers", _written(part_k[j])))
            table.locations.reported.add((index, "length_km"))
            return
        elif kind == "LineString" and isinstance(part, list) and len(part) < 2:
            got = f"a line of {len(part)} point{'s' * (len(part) != 1)}"
        elif kind == "MultiLineString" and not isinstance(coordinates, list):
            expected = "a MultiLineString: a list of lines of [lon, lat] points"
            got = shown(coordinates)
        elif kind == "MultiLineString" and not lines:
            expected = "a MultiLineString of at least one line of [lon, lat] points"
            got = "no line"
        elif kind == "MultiLineString" and bad is not None:
            part = parts[bad]
            where += f".coordinates[{bad}]"
            expected = "a line of at least two [lon, lat] points"
            short = isinstance(part, list) and len(part) < 2
            got = f"a line of {len(part)} point{'s' * (len(part) != 1)}" if short else shown(part)
        table.problems.append(Problem(file, line, where, expected, got))
        table.locations.reported.add((index, "length_km"))
        return
    off_earth = [(k, j) for k, points in enumerate(lines)
                 for j, point in enumerate(points) if not _on_earth(typing.cast(Any, point))]
    for k, j in off_earth:
        at = f"[{k}][{j}]" if kind == "MultiLineString" else f"[{j}]"
        table.problems.append(Problem(
            file, line, f"{where}.coordinates{at}",
            "a point [lon, lat] with lon from -180 to 180 and lat from -90 to 90",
            _written(parts[k][j])))
    if off_earth:
        table.locations.reported.add((index, "length_km"))
        return
    if "length_km" in row:
        return
    length = sum(line_length_km(typing.cast(list[tuple[float, float]], points))
                 for points in lines)
    row["length_km"] = length
    table.locations.lines[(index,)] = typing.cast(list[list[tuple[float, float]]], lines)
    table.locations.spots[(index, "length_km")] = Spot(file, line, line,
                                                       f"{length:g} (from the geometry)")
    table.locations.labels[(index, "length_km")] = f"{where}.coordinates"
