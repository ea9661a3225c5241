"""Places and routes read from CSV and GeoJSON tables beside the YAML file."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import supplyline as sl
from supplyline.errors import Problem, ScenarioError
from supplyline.scenario import load_text
from supplyline.scenario.tables import haversine_km, line_length_km

from .helpers import DATA, TINY_TEXT, by_field, edit, line_of, problems_in

TABLES = DATA / "tables"


def _numbers(scenario: sl.Scenario) -> list[tuple[object, ...]]:
    return [(p.id, p.kind, p.lat, p.lon, p.regions, p.population, p.stock_kg,
             p.production_kg_per_day, p.labour_share, p.carriers) for p in scenario.places]


def test_csv_places_and_geojson_routes_match_the_yaml(tiny: sl.Scenario) -> None:
    tables = sl.load(TABLES / "scenario.yaml")
    assert _numbers(tables) == _numbers(tiny)
    assert tables.routes[:4] == tiny.routes[:4]
    assert tables.routes[4].air_exposed is False


def test_geojson_places_and_csv_routes_match_the_yaml(tiny: sl.Scenario) -> None:
    geo = sl.load(TABLES / "scenario-geo.yaml")
    assert _numbers(geo) == _numbers(tiny)
    assert geo.routes == tiny.routes


def test_route_length_comes_from_its_line_when_not_given() -> None:
    route = sl.load(TABLES / "scenario.yaml").routes[4]
    expected = line_length_km([(103.15, 21.55), (103.12, 21.57), (103.10, 21.60)])
    assert route.length_km == pytest.approx(expected)
    assert 7 < route.length_km < 8.5


def test_haversine_one_degree_of_latitude() -> None:
    assert haversine_km(0.0, 0.0, 0.0, 1.0) == pytest.approx(111.19, abs=0.01)
    assert haversine_km(103.0, 21.0, 103.0, 21.0) == 0.0


def test_haversine_takes_arrays_pair_by_pair() -> None:
    """One formula for the scenario's distances: arrays of points (the synthetic scenarios'
    routes, the places nearest a point) give what the points give one by one."""
    rng = np.random.default_rng(0)
    lon1, lon2 = rng.uniform(-180, 180, (2, 50))
    lat1, lat2 = rng.uniform(-90, 90, (2, 50))
    km = haversine_km(lon1, lat1, lon2, lat2)
    assert isinstance(km, np.ndarray) and km.shape == (50,)
    assert km.tolist() == [haversine_km(float(a), float(b), float(c), float(d))
                           for a, b, c, d in zip(lon1, lat1, lon2, lat2, strict=True)]
    assert isinstance(haversine_km(0.0, 0.0, 0.0, 1.0), float)
    assert haversine_km(0.0, 0.0, 0.0, 1.0, radius_km=1.0) == pytest.approx(np.pi / 180)
    assert line_length_km([(103.0, 21.0)]) == 0.0


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A writable copy of the table scenarios."""
    for path in TABLES.iterdir():
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def _problems(path: Path) -> dict[str, Problem]:
    with pytest.raises(ScenarioError) as caught:
        sl.load(path)
    return by_field(caught.value.problems)


def _replace(path: Path, old: str, new: str) -> str:
    text = edit(path.read_text(encoding="utf-8"), old, new)
    path.write_text(text, encoding="utf-8")
    return text


def test_csv_problem_names_the_csv_file_and_line(copy: Path) -> None:
    text = _replace(copy / "places.csv", "ban-b,Ban B,locality,21.60", "ban-b,Ban B,village,91.60")
    problems = _problems(copy / "scenario.yaml")
    kind, lat = problems["places[1].kind"], problems["places[1].lat"]
    line = line_of(text, "ban-b,")
    assert (kind.file, kind.line) == (str(copy / "places.csv"), line)
    assert lat.line == line
    assert lat.got == "91.60"


def test_csv_unknown_column_is_reported_once_on_the_header(copy: Path) -> None:
    _replace(copy / "places.csv", "stock_kg.rice,", "stok_kg.rice,")
    problem = _problems(copy / "scenario.yaml")["column 'stok_kg.rice'"]
    assert problem.line == 1
    assert "did you mean 'stock_kg.<id>'" in problem.expected


@pytest.mark.parametrize(("scenario", "table", "old", "new"), [
    ("scenario.yaml", "places.csv", "regions,population,", "regions,popuation,"),
    ("scenario-geo.yaml", "routes.csv", ",terrain_factor,", ",terain_factor,"),
])
def test_a_misspelt_column_is_one_problem(copy: Path, scenario: str, table: str, old: str,
                                          new: str) -> None:
    """A misspelt column was dropped, so the checks read the field it likely is as its
    default: "popuation" added carriers "at a locality of population 0", a labour share
    "(population 0)" and a hospital no wounded could reach. Said once, at the header."""
    _replace(copy / table, old, new)
    with pytest.raises(ScenarioError) as caught:
        sl.load(copy / scenario)
    (problem,) = caught.value.problems
    assert problem.line == 1 and "did you mean" in problem.expected


def test_csv_row_with_too_many_cells(copy: Path) -> None:
    with (copy / "routes.csv").open("a", encoding="utf-8") as table:
        table.write(",,ban-b,relay,12,porter,,,,surplus\n")
    problems = _problems(copy / "scenario-geo.yaml")
    assert problems["routes[5]"].line == 7


def test_csv_row_with_too_few_cells(copy: Path) -> None:
    """A cell left out moved the next ones under the wrong column, without a word."""
    header = (copy / "routes.csv").read_text(encoding="utf-8").splitlines()[0]
    with (copy / "routes.csv").open("a", encoding="utf-8") as table:
        table.write("ban-b,relay,12\n")
    problems = _problems(copy / "scenario-geo.yaml")
    problem = problems["routes[5]"]
    assert problem.line == 7
    assert problem.expected.startswith(f"{len(header.split(','))} cells (one per column")
    assert problem.got == "3 cells"
    # What its cells fail under the wrong columns ('ban-b' as an id, 12 as a place) is not
    # said besides: the one problem is the row's.
    assert list(problems) == ["routes[5]"]


def test_a_row_not_read_as_written_makes_no_rule_on_what_its_section_lacks(copy: Path) -> None:
    """`porter,bicycle` for `porter;bicycle` gives a row one cell too many; the modes it
    names were not read, so the bicycle seemed on no route, and that was said first."""
    routes = (copy / "routes.csv").read_text(encoding="utf-8")
    routes = edit(routes, "ban-a,relay,30,porter;bicycle", "ban-a,relay,30,porter,bicycle")
    routes = edit(routes, "porter; bicycle", "porter")
    (copy / "routes.csv").write_text(routes, encoding="utf-8")
    problems = _problems(copy / "scenario-geo.yaml")
    assert list(problems) == ["routes[0]"]
    assert problems["routes[0]"].got == "10 cells"


def test_csv_quote_left_open_is_said_where_it_opens(copy: Path) -> None:
    """A quote never closed swallows the rest of the file into one cell: it was said as a
    short row, followed by an unknown place for every route the lost rows held."""
    text = _replace(copy / "routes.csv", ",,ban-b,relay,10", ',"Ban B,ban-b,relay,10')
    problems = _problems(copy / "scenario-geo.yaml")
    assert list(problems) == ["routes[1]"]
    problem = problems["routes[1]"]
    assert problem.line == line_of(text, '"Ban B')
    assert problem.got == f"a quoted cell that runs on to line {len(text.splitlines())}"


def test_a_missing_required_column_is_said_once(copy: Path) -> None:
    """Not once a row (a table of 500 places without lat gave 501 problems)."""
    text = (copy / "places.csv").read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    lat = header.index("lat")
    cut = [",".join(c for i, c in enumerate(line.split(",")) if i != lat) for line in text]
    (copy / "places.csv").write_text("\n".join(cut) + "\n", encoding="utf-8")
    problems = _problems(copy / "scenario.yaml")
    assert problems["column 'lat'"].line == 1
    assert not [field for field in problems if field.endswith(".lat")]


def test_a_table_with_another_separator_is_said_once(copy: Path) -> None:
    text = (copy / "places.csv").read_text(encoding="utf-8")
    (copy / "places.csv").write_text(text.replace(",", ";"), encoding="utf-8")
    problems = _problems(copy / "scenario.yaml")
    assert set(problems) == {"header"}
    assert problems["header"].got.startswith("a header separated by ';'")


def test_a_number_grouped_by_underscores_is_refused_in_a_table_as_in_the_yaml(
        copy: Path) -> None:
    """A spreadsheet keeps ``2_000`` as text, as YAML 1.2 does; the schema's lax reading of
    a table had taken it as 2000 in silence. A number written as text (``"2000"``) is
    still read, as a spreadsheet's cells are."""
    text = _replace(copy / "places.csv", "ban-a,Ban A,locality,21.50,103.40,northwest,2000,"
                    "40000,", "ban-a,Ban A,locality,21.50,103.40,northwest,2_000,40_000,")
    problems = _problems(copy / "scenario.yaml")
    assert sorted(problems) == ["places[0].population", "places[0].stock_kg.rice"]
    people = problems["places[0].population"]
    assert (people.file, people.line) == (str(copy / "places.csv"), line_of(text, "ban-a,"))
    assert people.expected == "a number, its digits not grouped by '_' (text to a spreadsheet)"
    assert (people.got, problems["places[0].stock_kg.rice"].got) == ("'2_000'", "'40_000'")
    geo = _replace(copy / "places.geojson", '"population": 2000, "stock_kg": {"rice": 40000}',
                   '"population": "2_000", "stock_kg": {"rice": "40_000"}')
    problems = _problems(copy / "scenario-geo.yaml")
    assert sorted(problems) == ["features[0].properties.population",
                                "features[0].properties.stock_kg.rice"]
    assert problems["features[0].properties.stock_kg.rice"].line == line_of(geo, '"2_000"')
    _replace(copy / "places.geojson", '"population": "2_000", "stock_kg": {"rice": "40_000"}',
             '"population": "2000", "stock_kg": {"rice": "40000"}')
    assert sl.load(copy / "scenario-geo.yaml").places[0].population == 2000


def _yaml_said(old: str, new: str) -> tuple[str, str] | sl.Scenario:
    """What tiny.yaml, with ``old`` written ``new``, loads as, or its one problem's expected
    and found."""
    try:
        return load_text(edit(TINY_TEXT, old, new), "tiny.yaml", base_dir=DATA)
    except ScenarioError as error:
        (problem,) = error.problems
        return problem.expected, problem.got


def test_a_figure_too_small_for_a_float_is_refused_in_a_table_as_in_the_yaml(
        copy: Path) -> None:
    """``1e-400`` in a CSV cell or a GeoJSON property (a number, or a number written as
    text) was read as 0 in silence, where the YAML reader refuses it as the tiny figure it
    is: refused alike, at its file and line, as written."""
    expected, got = _yaml_said("stock_kg: {rice: 40000}", "stock_kg: {rice: 1e-400}")
    assert (expected, got) == ("0, or a number from 1e-09 to 1e+12 (kg)", "1e-400")
    text = _replace(copy / "places.csv", "2000,40000,", "2000,1e-400,")
    problems = _problems(copy / "scenario.yaml")
    assert list(problems) == ["places[0].stock_kg.rice"]
    rice = problems["places[0].stock_kg.rice"]
    assert (rice.file, rice.line, rice.expected, rice.got) == (
        str(copy / "places.csv"), line_of(text, "ban-a,"), expected, "1e-400")
    _replace(copy / "places.csv", "2000,1e-400,", "-1.5e-400,40000,")
    assert _problems(copy / "scenario.yaml")["places[0].population"].got == "-1.5e-400"
    geo = _replace(copy / "places.geojson", '"population": 2000, "stock_kg": {"rice": 40000}',
                   '"population": "1e-400", "stock_kg": {"rice": 1e-400}')
    problems = _problems(copy / "scenario-geo.yaml")
    assert sorted(problems) == ["features[0].properties.population",
                                "features[0].properties.stock_kg.rice"]
    rice = problems["features[0].properties.stock_kg.rice"]
    assert (rice.file, rice.line, rice.expected, rice.got) == (
        str(copy / "places.geojson"), line_of(geo, '"1e-400"'), expected, "1e-400")
    assert problems["features[0].properties.population"].expected.startswith(
        "0, or a number from 1e-09")
    # Other figures written with an exponent are read as written.
    _replace(copy / "places.geojson", '"population": "1e-400", "stock_kg": {"rice": 1e-400}',
             '"population": "2e3", "stock_kg": {"rice": 4.0e4}')
    place = sl.load(copy / "scenario-geo.yaml").places[0]
    assert (place.population, place.stock_kg) == (2000, {"rice": 40000})


@pytest.mark.parametrize("written", ["1e400", "-1e400", "1E400", "NaN", "Infinity",
                                     "-Infinity"])
def test_a_figure_too_large_for_a_float_is_said_as_written_in_a_geojson_table(
        copy: Path, written: str) -> None:
    """``1e400`` in a GeoJSON property (a JSON number) was refused as "got inf", where the
    YAML and a CSV cell say what was written, against the field's bound; JSON's ``NaN``
    and ``Infinity``, which Python's reader takes, were said as "nan" and "inf"."""
    expected, got = _yaml_said("stock_kg: {rice: 40000}", "stock_kg: {rice: 1e400}")
    assert (expected, got) == ("a number from 0 to 1e+12 (kg)", "1e400")
    _replace(copy / "places.csv", "2000,40000,", f"2000,{written},")
    assert _problems(copy / "scenario.yaml")["places[0].stock_kg.rice"].got == written
    geo = _replace(copy / "places.geojson", '"stock_kg": {"rice": 40000}',
                   f'"stock_kg": {{"rice": {written}}}')
    problems = _problems(copy / "scenario-geo.yaml")
    assert list(problems) == ["features[0].properties.stock_kg.rice"]
    rice = problems["features[0].properties.stock_kg.rice"]
    assert (rice.file, rice.line, rice.expected, rice.got) == (
        str(copy / "places.geojson"), line_of(geo, f"{written}}}"), expected, written)
    # a route's length, and a point of a route's line, alike
    geo = _replace(copy / "routes.geojson", '"length_km": 40,', f'"length_km": {written},')
    _replace(copy / "routes.geojson", "[[103.40, 21.50]", f"[[103.40, {written}]")
    problems = _problems(copy / "scenario.yaml")
    length = problems["features[2].properties.length_km"]
    assert (length.line, length.got) == (line_of(geo, '"length_km"', 3), written)
    assert problems["features[0].geometry.coordinates[0]"].got == f"[103.4, {written}]"


def test_a_whole_number_of_more_digits_than_python_reads_is_refused_not_a_traceback(
        copy: Path) -> None:
    """A whole number of more than 4,300 digits (more than Python reads as an int) in the
    YAML or in a GeoJSON table stopped the reading with a ValueError (a traceback from
    ``check``), and a GeoJSON table's problems lost their lines; it is refused against the
    field's bound, as ``1e400`` is, in the YAML, a CSV cell and a GeoJSON property alike."""
    big = "1" + "0" * 5000
    shown = big[:59] + "…"
    assert _yaml_said("population: 2000", f"population: {big}") == (
        "a number from 0 to 1e+10 (person)", shown)
    assert _yaml_said("carriers: {bicycle: 20}", f"carriers: {{bicycle: -{big}}}") == (
        "a whole number from 0 to 1e+09 (unit)", "-" + big[:58] + "…")
    _replace(copy / "places.csv", "ban-a,Ban A,locality,21.50,103.40,northwest,2000,",
             f"ban-a,Ban A,locality,21.50,103.40,northwest,{big},")
    assert _problems(copy / "scenario.yaml")["places[0].population"].got == shown
    geo = _replace(copy / "places.geojson", '"population": 3000, "stock_kg"',
                   f'"population": {big}, "stock_kg"')
    _replace(copy / "places.geojson", '"carriers": {"bicycle": 20}',
             f'"carriers": {{"bicycle": {big}}}')
    _replace(copy / "places.geojson", "[103.4, 21.5]", f"[103.4, {big}]")
    problems = _problems(copy / "scenario-geo.yaml")
    people = problems["features[2].properties.population"]
    assert (people.line, people.expected, people.got) == (
        line_of(geo, '"id": "ban-c"'), "a number from 0 to 1e+10 (person)", shown)
    bicycles = problems["features[0].properties.carriers.bicycle"]
    assert (bicycles.line, bicycles.got) == (line_of(geo, '"id": "ban-a"'), shown)
    assert problems["features[0].geometry"].got == (
        "coordinates [103.4, a number of 5001 digits]")


def test_a_place_without_its_id_leaves_the_references_to_it_unjudged(copy: Path) -> None:
    """A places table whose header names its id column ``ID`` was said at its header, and
    then again at each of the 10 references to a place, as "expected a known place id (none
    are defined)", though each place is there; a place of the YAML whose id is written
    under a misspelt key (``idd:``) had each reference to it said as unknown. What a
    missing id leaves unknown is not said, as for an id that is not one."""
    _replace(copy / "places.csv", "id,name,kind", "ID,name,kind")
    problems = _problems(copy / "scenario.yaml")
    assert sorted(problems) == ["column 'ID'", "column 'id'"]
    assert problems["column 'id'"].got == "a header without it"
    problems = problems_in(edit(TINY_TEXT, "  - id: front\n", "  - idd: front\n"))
    assert [(p.field, p.got) for p in problems] == [("places[4].idd", "unknown field 'idd'")]


@pytest.mark.parametrize("column", ["carriers", "carriers.", "population.x"])
def test_a_misnamed_column_of_a_field_leaves_its_values_unread_not_dropped(
        copy: Path, column: str) -> None:
    """A column named as a field but not as its column is written (``carriers`` for
    ``carriers.bicycle``) was said at the header, and its cells then dropped: the checks
    read the places as owning no bicycle, and said so at the mode ("no place owns any").
    Its cells are kept aside, as an unknown column's are, and only the header is said."""
    old = "carriers.bicycle" if column.startswith("carriers") else "population"
    _replace(copy / "places.csv", f",{old},", f",{column},")
    problems = _problems(copy / "scenario.yaml")
    assert list(problems) == [f"column '{column}'"]


def test_a_table_of_too_few_rows_is_said_at_the_table(copy: Path) -> None:
    """A places table of its header alone was said at the YAML's ``places: {file: ...}``
    as "got a list of 0 items": it is said at the table, at its header (a GeoJSON table's
    ``features``), with its rows counted."""
    text = (copy / "places.csv").read_text(encoding="utf-8")
    (copy / "places.csv").write_text(text.split("\n", 1)[0] + "\n", encoding="utf-8")
    (problem,) = _problems(copy / "scenario.yaml").values()
    assert (problem.file, problem.line, problem.field, problem.expected, problem.got) == (
        str(copy / "places.csv"), 1, "places", "a list of Place entries (at least 2)",
        "0 rows")
    (copy / "places.geojson").write_text('{"type": "FeatureCollection",\n "features": []}\n',
                                         encoding="utf-8")
    (problem,) = _problems(copy / "scenario-geo.yaml").values()
    assert (problem.file, problem.line, problem.got) == (
        str(copy / "places.geojson"), 2, "0 features")


@pytest.mark.parametrize(("written", "read"), [
    ("3e1", 30), ("1.5e2", 150), ("1E1", 10), ("40.0", 40), ("3.5", None), ("1e-1", None),
    ("1e-400", None),
])
def test_a_whole_number_with_an_exponent_is_read_in_a_table_as_in_the_yaml(
        copy: Path, written: str, read: int | None) -> None:
    """A whole-number field (a place's carriers) in a CSV table refused ``3e1`` while it
    took ``40.0``; the YAML reader takes both. The table reads the text as the YAML does:
    ``3e1`` and ``1.5e2`` are whole numbers, ``3.5`` and ``1e-1`` are not (a GeoJSON
    property too, a number or text)."""
    yaml = _yaml_said("carriers: {bicycle: 20}", f"carriers: {{bicycle: {written}}}")
    text = _replace(copy / "places.csv", "500,,20,", f"500,,{written},")
    geo = _replace(copy / "places.geojson", '"carriers": {"bicycle": 20}',
                   f'"carriers": {{"bicycle": "{written}"}}')
    if read is not None:
        assert isinstance(yaml, sl.Scenario)
        assert yaml.places[0].carriers == {"bicycle": read}
        assert sl.load(copy / "scenario.yaml").places[0].carriers == {"bicycle": read}
        assert sl.load(copy / "scenario-geo.yaml").places[0].carriers == {"bicycle": read}
        return
    assert yaml == ("a whole number from 0 to 1e+09 (unit)", written)
    (problem,) = _problems(copy / "scenario.yaml").values()
    assert (problem.file, problem.line, problem.field, problem.expected, problem.got) == (
        str(copy / "places.csv"), line_of(text, "ban-a,"), "places[0].carriers.bicycle",
        *yaml)
    (problem,) = _problems(copy / "scenario-geo.yaml").values()
    assert (problem.line, problem.field, problem.expected, problem.got) == (
        line_of(geo, f'"{written}"'), "features[0].properties.carriers.bicycle", *yaml)


def test_a_grouped_number_in_a_row_of_too_few_cells_is_not_said_under_another_column(
        copy: Path) -> None:
    """A row with a cell left out is said to be short; its cells sit under the columns
    before theirs, so 40_000 (the rice held) is not said to be the population."""
    _replace(copy / "places.csv", "ban-a,Ban A,locality,21.50,103.40,northwest,2000,40000,",
             "ban-a,Ban A,locality,21.50,103.40,2000,40_000,")
    problems = _problems(copy / "scenario.yaml")
    assert not any(p.got == "'40_000'" for p in problems.values()), problems
    assert any("cells" in p.expected for p in problems.values()), problems


def test_csv_list_and_dotted_columns(copy: Path) -> None:
    scenario = sl.load(copy / "scenario-geo.yaml")
    assert scenario.routes[3].modes == ["porter", "bicycle"]  # "porter; bicycle"
    places = sl.load(copy / "scenario.yaml").places
    assert places[0].carriers == {"bicycle": 20}
    assert places[2].source == "estimate: for the tests, with a comma"


def test_a_list_cell_separated_by_commas_is_said_once(copy: Path) -> None:
    """'porter, bicycle' was one unknown mode ("did you mean 'porter'?"), and the bicycle
    then said to be on no route; it is read as meant, and said at its cell."""
    text = _replace(copy / "routes.csv", "porter; bicycle", '"porter, bicycle"')
    problems = _problems(copy / "scenario-geo.yaml")
    assert list(problems) == ["routes[3].modes"]
    said = problems["routes[3].modes"]
    assert (said.line, said.expected, said.got) == (
        line_of(text, '"porter, bicycle"'), "items separated by ';'", "'porter, bicycle'")
    # A GeoJSON property written as one text, as a CSV's cell: the same.
    _replace(copy / "routes.geojson", '"length_km": 30, "modes": ["porter", "bicycle"]',
             '"length_km": 30, "modes": "porter, bicycle"')
    problems = _problems(copy / "scenario.yaml")
    assert list(problems) == ["features[0].properties.modes"]
    assert problems["features[0].properties.modes"].expected == "items separated by ';'"


def test_geojson_problem_names_the_feature(copy: Path) -> None:
    text = _replace(copy / "routes.geojson", '"length_km": 10,', '"length_km": -10, "colour": 1,')
    problems = _problems(copy / "scenario.yaml")
    length = problems["features[1].properties.length_km"]
    assert length.file == str(copy / "routes.geojson")
    assert length.line == line_of(text, '"length_km": -10')
    assert "features[1].properties.colour" in problems


def test_half_of_a_utf16_pair_in_a_geojson_property_is_refused_at_its_line(copy: Path) -> None:
    """JSON reads an escaped pair of UTF-16 halves as its character, but keeps a lone half
    (no character, which no report can write): refused at the feature's property, as in
    the YAML file."""
    text = _replace(copy / "routes.geojson", '"name": "The pass"', '"name": "The \\ud800pass"')
    problems = _problems(copy / "scenario.yaml")
    assert list(problems) == ["features[3].properties.name"]
    problem = problems["features[3].properties.name"]
    assert (problem.file, problem.line) == (str(copy / "routes.geojson"),
                                            line_of(text, '"The \\ud800pass"'))
    assert problem.got == "'The \\ud800pass' (with U+D800)"


def test_geojson_bad_coordinates(copy: Path) -> None:
    _replace(copy / "places.geojson", "[103.5, 21.7]", "[203.5, 21.7]")
    problems = _problems(copy / "scenario-geo.yaml")
    assert "features[2].geometry.coordinates[0]" in problems


def test_a_geojson_lat_written_as_text_is_judged_as_its_number(copy: Path) -> None:
    """A property "lat": "21.7" beside a Point at 21.7 was refused as "expected the same lat
    as the geometry (21.7) ..., got '21.7'" (text numbers are taken in a table's
    properties)."""
    _replace(copy / "places.geojson", '"labour_share": 0.3},',
             '"labour_share": 0.3, "lat": "21.7", "lon": 103.5},')
    assert sl.load(copy / "scenario-geo.yaml").places[2].lat == 21.7
    _replace(copy / "places.geojson", '"lat": "21.7"', '"lat": "21.8"')
    problems = _problems(copy / "scenario-geo.yaml")
    assert problems["features[2].properties.lat"].got == "21.8"


def test_geojson_line_with_one_point(copy: Path) -> None:
    _replace(copy / "routes.geojson", "[[103.15, 21.55], [103.12, 21.57], [103.10, 21.60]]",
             "[[103.15, 21.55]]")
    problems = _problems(copy / "scenario.yaml")
    assert list(problems) == ["features[4].geometry"]
    # (said as such: it was "got a mapping with keys type, coordinates")
    assert problems["features[4].geometry"].got == "a line of 1 point"


def test_geojson_coordinate_too_large_for_a_number_is_refused(copy: Path) -> None:
    """An integer of 401 digits is valid JSON, and a coordinate that large gave a traceback
    (OverflowError) in a place's Point and in a route's line."""
    huge = "1" + "0" * 400
    _replace(copy / "places.geojson", "[103.5, 21.7]", f"[{huge}, 21.7]")
    problems = _problems(copy / "scenario-geo.yaml")
    assert problems["features[2].geometry"].got == "coordinates [a number of 401 digits, 21.7]"
    _replace(copy / "routes.geojson", "[[103.40, 21.50], [103.15, 21.55]]",
             f"[[103.40, 21.50], [{huge}, 21.55]]")
    problems = _problems(copy / "scenario.yaml")
    assert list(problems) == ["features[0].geometry.coordinates[1]"]
    assert problems["features[0].geometry.coordinates[1]"].got == (
        "[a number of 401 digits, 21.55]")


def test_geojson_line_point_off_the_earth_is_refused(copy: Path) -> None:
    """A line's middle point at latitude 95 was read, and the route's length measured
    through it (15,819 km for a 12 km route); a line beside a length_km was not looked at."""
    _replace(copy / "routes.geojson", _HOSPITAL_LINE,
             "[[103.15, 21.55], [103.12, 95.0], [103.10, 21.60]]")
    _replace(copy / "routes.geojson", "[[103.40, 21.50], [103.15, 21.55]]",
             "[[103.40, 21.50], [463.0, 21.5], [103.15, 21.55]]")
    problems = _problems(copy / "scenario.yaml")
    assert list(problems) == ["features[0].geometry.coordinates[1]",
                              "features[4].geometry.coordinates[1]"]
    assert problems["features[4].geometry.coordinates[1]"].got == "[103.12, 95.0]"
    assert "lat from -90 to 90" in problems["features[4].geometry.coordinates[1]"].expected


def test_a_multilinestring_with_a_bad_point_and_a_part_that_is_no_line(copy: Path) -> None:
    """Both are said (the second crashed the check: a number has no length)."""
    _replace(copy / "routes.geojson", _HOSPITAL_GEOMETRY,
             '"type": "MultiLineString", "coordinates": [[[103.15, 21.55], ["x", 21.6]], 5]')
    problems = _problems(copy / "scenario.yaml")
    assert list(problems) == ["features[4].geometry.coordinates[0][1]",
                              "features[4].geometry.coordinates[1]"]
    assert problems["features[4].geometry.coordinates[1]"].got == "5"


def test_a_geojson_feature_id_is_read_and_must_agree(copy: Path) -> None:
    """GeoJSON keeps an id beside a feature's properties; it was dropped in silence, even
    where it named another place than properties.id."""
    _replace(copy / "places.geojson", '"type": "Feature",\n      "properties": {"id": "ban-a", ',
             '"type": "Feature", "id": "ban-a",\n      "properties": {')
    assert sl.load(copy / "scenario-geo.yaml").places[0].id == "ban-a"
    _replace(copy / "places.geojson", '"properties": {"id": "ban-b", ',
             '"id": "ban-z", "properties": {"id": "ban-b", ')
    problems = _problems(copy / "scenario-geo.yaml")
    assert list(problems) == ["features[1].id"]
    assert problems["features[1].id"].got == '"ban-z"'


def test_a_numeric_geojson_feature_id_is_text(copy: Path) -> None:
    """GeoJSON allows a feature id that is a number; it was said as YAML is ("write it in
    quotes")."""
    _replace(copy / "places.geojson", '"properties": {"id": "ban-b", ',
             '"id": 7, "properties": {')
    _replace(copy / "routes.csv", ",,ban-b,relay,", ",,7,relay,")
    assert sl.load(copy / "scenario-geo.yaml").places[1].id == "7"


_HOSPITAL_LINE = "[[103.15, 21.55], [103.12, 21.57], [103.10, 21.60]]"
_HOSPITAL_GEOMETRY = '"type": "LineString",\n                   "coordinates": ' + _HOSPITAL_LINE


@pytest.mark.parametrize(("coordinates", "field", "expected", "got"), [
    ("[]", "features[4].geometry", "a MultiLineString of at least one line of [lon, lat] "
     "points", "no line"),
    (f"[{_HOSPITAL_LINE}, [[103.1, 21.6]]]", "features[4].geometry.coordinates[1]",
     "a line of at least two [lon, lat] points", "a line of 1 point"),
    (f"[{_HOSPITAL_LINE}, 5]", "features[4].geometry.coordinates[1]",
     "a line of at least two [lon, lat] points", "5"),
])
def test_geojson_multilinestring_without_lines_says_which(copy: Path, coordinates: str,
                                                          field: str, expected: str,
                                                          got: str) -> None:
    """A MultiLineString with no line, or a part that is no line, was said as "expected a
    LineString with at least two points", with the whole geometry as what was found."""
    _replace(copy / "routes.geojson", _HOSPITAL_GEOMETRY,
             '"type": "MultiLineString", "coordinates": ' + coordinates)
    problems = _problems(copy / "scenario.yaml")
    assert list(problems) == [field]
    assert (problems[field].expected, problems[field].got) == (expected, got)


def test_geojson_line_drawn_for_another_route_is_refused(copy: Path) -> None:
    """A route's length is read from its line only where the line joins its places: a line
    drawn from the relay to Ban C (about 40 km away) would give the hospital route a length
    that is not its own."""
    text = _replace(copy / "routes.geojson", _HOSPITAL_LINE, "[[103.15, 21.55], [103.50, 21.70]]")
    problems = _problems(copy / "scenario.yaml")
    assert list(problems) == ["features[4].geometry.coordinates"]
    problem = problems["features[4].geometry.coordinates"]
    assert problem.file == str(copy / "routes.geojson")
    assert problem.line == line_of(text, "[[103.15, 21.55], [103.50, 21.70]]")
    assert "joins 'relay' and 'hospital'" in problem.expected
    assert "its end toward 'hospital' is" in problem.got


def test_geojson_line_with_a_stray_part_is_refused(copy: Path) -> None:
    """A MultiLineString part that meets neither the places nor the other parts would add
    its length to the route's."""
    _replace(copy / "routes.geojson", _HOSPITAL_GEOMETRY,
             '"type": "MultiLineString", "coordinates": [' + _HOSPITAL_LINE
             + ', [[104.0, 22.0], [104.1, 22.1]]]')
    problems = _problems(copy / "scenario.yaml")
    assert list(problems) == ["features[4].geometry.coordinates"]
    assert "part 2 of 2" in problems["features[4].geometry.coordinates"].got


def test_a_line_with_a_point_out_of_place_is_refused(copy: Path) -> None:
    """A middle point with a slip (lat 51.57 for 21.57) made the hospital route some
    6,700 km long between places 7.5 km apart, and check said OK: the room an end has to
    meet its place grew with the line's length. A line may wind, not run off the map."""
    text = _replace(copy / "routes.geojson", _HOSPITAL_LINE,
                    "[[103.15, 21.55], [103.12, 51.57], [103.10, 21.60]]")
    problems = _problems(copy / "scenario.yaml")
    assert list(problems) == ["features[4].geometry.coordinates"]
    problem = problems["features[4].geometry.coordinates"]
    assert problem.line == line_of(text, "[[103.15, 21.55], [103.12, 51.57]")
    assert "no longer than 10 × the straight distance between them" in problem.expected
    assert problem.got.startswith("a line: 6,67") and "a point out of place?" in problem.got


def test_a_line_that_ends_at_a_nearer_place_is_refused() -> None:
    """The tutorial's places lie 2 to 6 km apart, within the 5 km an end may miss its place
    by: a line drawn from the district hospital to the bridge passed as the Terrace
    village's route to the bridge. An end nearer another place than its own belongs there."""
    from supplyline.scenario.tables import Points, line_misses

    terrace, bridge = ("terrace-village", (85.66, 27.874)), ("bridge", (85.684, 27.866))
    hospital = ("district-hospital", (85.676, 27.889))
    places = Points.of(dict([terrace, bridge, hospital]))
    drawn = [[hospital[1], (85.68, 27.88), bridge[1]]]
    assert line_misses(drawn, (terrace, bridge))[1] == []  # (without the other places)
    assert line_misses(drawn, (terrace, bridge), places)[1] == [
        "its end toward 'terrace-village' is 2.3 km from it, at 'district-hospital' (0.0 km)"]
    assert line_misses([[bridge[1], terrace[1]]], (terrace, bridge), places)[1] == []
    # Two places of one town (within LINE_END_OWN_KM): the line's end is either's.
    depot = ("depot", (85.6605, 27.8745))
    near_both = Points.of(dict([terrace, bridge, depot]))
    assert line_misses([[depot[1], bridge[1]]], (terrace, bridge), near_both)[1] == []


def test_line_misses_needs_both_ends_and_one_chain() -> None:
    """Both places matched the same end of a 111 km line between places 3 km apart, and
    parts that met only each other passed: the line's two ends must meet the two places,
    and its parts one chain between them."""
    from supplyline.scenario.tables import line_misses

    a, b, c = ("a", (0.0, 0.0)), ("b", (1.0, 0.0)), ("c", (0.03, 0.0))
    assert line_misses([[(0.0, 0.0), (1.0, 0.0)]], (a, c))[1] == [
        "its end toward 'c' is 107.9 km from it"]
    assert line_misses([[(1.0, 0.0), (0.0, 0.0)]], (a, b))[1] == []  # drawn the other way
    stray = [[(0.0, 0.0), (1.0, 0.0)], [(5.0, 5.0), (5.5, 5.0)], [(5.5, 5.0), (5.0, 5.0)]]
    assert [m[:8] for m in line_misses(stray, (a, b))[1]] == ["part 2 o", "part 3 o"]
    gap = [[(0.0, 0.0), (0.4, 0.0)], [(1.0, 0.0), (0.6, 0.0)]]
    assert line_misses(gap, (a, b))[1] == ["its parts do not join 'a' to 'b'"]
    assert line_misses([[(0.0, 0.0), (0.5, 0.0)], [(1.0, 0.0), (0.5, 0.0)]], (a, b))[1] == []


def test_geojson_line_in_parts_and_either_direction_is_read(copy: Path) -> None:
    """Parts in any order and direction that join the places give the length of them all."""
    _replace(copy / "routes.geojson", _HOSPITAL_GEOMETRY,
             '"type": "MultiLineString", "coordinates": '
             '[[[103.10, 21.60], [103.12, 21.57]], [[103.15, 21.55], [103.12, 21.57]]]')
    route = sl.load(copy / "scenario.yaml").routes[4]
    assert route.length_km == pytest.approx(
        line_length_km([(103.15, 21.55), (103.12, 21.57), (103.10, 21.60)]))


def test_geojson_key_written_twice_is_refused_at_its_second_line(copy: Path) -> None:
    """JSON keeps the last of two writings of a key without a word (a route read as 70 km
    where 7 was written first): each is refused, as in YAML, at the second."""
    text = _replace(copy / "routes.geojson", '"length_km": 10,', '"length_km": 10,\n'
                    '       "length_km": 100,')
    text = _replace(copy / "routes.geojson", '"capacity_movements_per_day": 2000',
                    '"capacity_movements_per_day": 2000, "capacity_movements_per_day": 20')
    problems = _problems(copy / "scenario.yaml")
    assert list(problems) == ["features[1].properties.length_km",
                              "features[3].properties.capacity_movements_per_day"]
    twice = problems["features[1].properties.length_km"]
    assert (twice.line, twice.expected) == (line_of(text, '"length_km": 100'),
                                            "each key once in a mapping")
    assert problems["features[3].properties.capacity_movements_per_day"].line == line_of(
        text, '"capacity_movements_per_day": 2000, "capacity_movements_per_day": 20')


def test_a_geojson_value_given_nested_and_dotted_is_refused(copy: Path) -> None:
    """stock_kg: {rice: ...} and stock_kg.rice in one feature passed, the second kept and
    the first dropped without a word (a CSV's two columns of a name are refused)."""
    text = _replace(copy / "places.geojson", '"stock_kg": {"rice": 40000}',
                    '"stock_kg": {"rice": 40000}, "stock_kg.rice": 30000')
    problems = _problems(copy / "scenario-geo.yaml")
    assert list(problems) == ["features[0].properties.stock_kg.rice"]
    twice = problems["features[0].properties.stock_kg.rice"]
    assert twice.line == line_of(text, '"stock_kg.rice": 30000')
    assert twice.expected.startswith("each value once") and twice.got == "30000"


def test_geojson_keys_written_twice_in_lists_and_at_the_top_are_refused(copy: Path) -> None:
    """A closure written with two ends kept the last, and "features" written twice dropped
    the routes of the first."""
    text = _replace(copy / "routes.geojson", '"air_exposed": false}',
                    '"air_exposed": false,\n"closed": [{"start": "1954-03-02", "end": '
                    '"1954-03-03",\n"end": "1954-03-05"}]}')
    problems = _problems(copy / "scenario.yaml")
    assert list(problems) == ["features[4].properties.closed[0].end"]
    assert problems["features[4].properties.closed[0].end"].line == line_of(
        text, '"end": "1954-03-05"')
    _replace(copy / "routes.geojson", '"features": [', '"features": [],\n"features": [')
    assert list(_problems(copy / "scenario.yaml")) == ["features"]


def test_csv_region_tags_written_with_a_comma_are_refused(copy: Path) -> None:
    """A list cell separates its items with ';': "northwest, delta" was read as one region
    tag, so the place fell out of both regions (and out of their rain) without a word.
    Region tags are identifiers, as ids are."""
    text = _replace(copy / "places.csv", "ban-a,Ban A,locality,21.50,103.40,northwest,",
                    'ban-a,Ban A,locality,21.50,103.40,"northwest, delta",')
    problems = _problems(copy / "scenario.yaml")
    assert list(problems) == ["places[0].regions"]
    assert problems["places[0].regions"].line == line_of(text, "northwest, delta")
    assert problems["places[0].regions"].expected == "items separated by ';'"


def test_csv_closures_are_written_start_slash_end(copy: Path) -> None:
    """A route's closures in a CSV cell, as START/END windows separated by ';' (no way to
    write them in a cell had been said or read); a window that ends before it starts is
    refused at its line."""
    rows = (copy / "routes.csv").read_text(encoding="utf-8").splitlines()
    rows = [row if row.startswith("#") else row + "," for row in rows]
    rows[0] += "closed"
    rows[1] += "1954-03-02 / 1954-03-03; 1954-03-06/1954-03-06"
    (copy / "routes.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    route = sl.load(copy / "scenario-geo.yaml").routes[0]
    assert [(c.start.day, c.end.day) for c in route.closed] == [(2, 3), (6, 6)]
    # In GeoJSON, as text or as a list of windows.
    _replace(copy / "routes.geojson", '"air_exposed": false}',
             '"air_exposed": false, "closed": ["1954-03-02/1954-03-03", '
             '{"start": "1954-03-05", "end": "1954-03-05"}]}')
    hospital = sl.load(copy / "scenario.yaml").routes[4]
    assert [(c.start.day, c.end.day) for c in hospital.closed] == [(2, 3), (5, 5)]
    bad = _replace(copy / "routes.csv", "1954-03-06/1954-03-06", "1954-03-06/1954-03-05")
    problems = _problems(copy / "scenario-geo.yaml")
    assert list(problems) == ["routes[0].closed[1].end"]
    assert problems["routes[0].closed[1].end"].line == line_of(bad, "1954-03-06/1954-03-05")
    # A cell's window without its '/' is told how a window is written (it was "expected a
    # mapping of Closure fields"), in CSV and GeoJSON alike.
    bad = _replace(copy / "routes.csv", "1954-03-06/1954-03-05", "1954-03-06")
    _replace(copy / "routes.geojson", '"1954-03-02/1954-03-03"', '"1954-03-02 - 1954-03-03"')
    problems = _problems(copy / "scenario.yaml")
    assert list(problems) == ["features[4].properties.closed[0]"]
    assert problems["features[4].properties.closed[0]"].expected == (
        "a window written START/END (two dates with a / between: 2025-08-05/2025-08-10)")
    assert problems["features[4].properties.closed[0]"].got == "'1954-03-02 - 1954-03-03'"
    problems = _problems(copy / "scenario-geo.yaml")
    assert list(problems) == ["routes[0].closed[1]"]
    assert problems["routes[0].closed[1]"].expected.startswith("a window written START/END")
    assert problems["routes[0].closed[1]"].line == line_of(bad, "1954-03-06")


def test_geojson_route_geometry_problems_say_what_was_found(copy: Path) -> None:
    """A Point where a line belongs is said as a Point (it was "a mapping with keys type,
    coordinates"), and a route with neither a line nor a length is told it may have either
    (it was asked for length_km only)."""
    _replace(copy / "routes.geojson", '{"type": "LineString", "coordinates": [[103.40, 21.50], '
             '[103.15, 21.55]]}', '{"type": "Point", "coordinates": [103.40, 21.50]}')
    _replace(copy / "routes.geojson", '"length_km": 10, ', '')
    _replace(copy / "routes.geojson", '"geometry": {"type": "LineString", "coordinates": '
             '[[103.20, 21.60], [103.15, 21.55]]}', '"geometry": null')
    problems = _problems(copy / "scenario.yaml")
    assert list(problems) == ["features[0].geometry", "features[1].properties.length_km"]
    assert problems["features[0].geometry"].got == "a Point"
    assert "or a LineString geometry" in problems["features[1].properties.length_km"].expected


def test_a_place_without_a_geometry_or_coordinates_is_said_once(copy: Path) -> None:
    """A place of geometry null was told its lat and its lon were each "a required value";
    with lat and lon properties it needs none."""
    text = _replace(copy / "places.geojson", '"geometry": {"type": "Point", "coordinates": '
                    '[103.15, 21.55]}', '"geometry": null')
    problems = _problems(copy / "scenario-geo.yaml")
    assert list(problems) == ["features[3].geometry"]
    said = problems["features[3].geometry"]
    assert (said.expected, said.got) == ("a Point geometry, or lat and lon properties",
                                         "null and no lat or lon")
    assert said.line == line_of(text, '"geometry": null')
    _replace(copy / "places.geojson", '{"id": "relay", "kind": "depot"}',
             '{"id": "relay", "kind": "depot", "lat": 21.55, "lon": 103.15}')
    assert sl.load(copy / "scenario-geo.yaml").places[3].lat == 21.55


def test_geojson_feature_of_another_type_is_said_at_its_type(copy: Path) -> None:
    """A misspelt type ("Fature") cost every feature its line (they were found by their
    type), and its properties were dropped, so each required field was said missing."""
    text = _replace(copy / "places.geojson", '"type": "Feature",\n      "properties": '
                    '{"id": "ban-b"', '"type": "Fature",\n      "properties": {"id": "ban-b"')
    text = _replace(copy / "places.geojson", "[103.5, 21.7]", "[103.5]")
    problems = _problems(copy / "scenario-geo.yaml")
    assert list(problems) == ["features[1].type", "features[2].geometry"]
    kind = problems["features[1].type"]
    assert (kind.line, kind.expected, kind.got) == (line_of(text, '"Fature"'), '"Feature"',
                                                    '"Fature"')
    point = problems["features[2].geometry"]
    assert point.got == "coordinates [103.5]"
    assert point.line == line_of(text, "[103.5]")


def test_geojson_syntax_error_is_located(copy: Path) -> None:
    (copy / "places.geojson").write_text('{"type": "FeatureCollection",\n "features": [\n',
                                         encoding="utf-8")
    problems = _problems(copy / "scenario-geo.yaml")
    assert list(problems) == ["(JSON syntax)"]
    # A trailing comma: where on its line; an empty file said as a CSV's is ("Expecting
    # value" had been all).
    (copy / "places.geojson").write_text('{"type": "FeatureCollection",\n "features": [],\n}',
                                         encoding="utf-8")
    said = _problems(copy / "scenario-geo.yaml")["(JSON syntax)"]
    assert (said.line, said.got) == (
        3, "expecting property name enclosed in double quotes (column 1)")
    (copy / "places.geojson").write_text("\n", encoding="utf-8")
    assert _problems(copy / "scenario-geo.yaml")["(JSON syntax)"].got == "an empty file"


def test_missing_table_names_the_yaml_line(tmp_path: Path) -> None:
    start, end = TINY_TEXT.index("places:\n"), TINY_TEXT.index("routes:\n")
    text = TINY_TEXT[:start] + "places: {file: nowhere.csv}\n" + TINY_TEXT[end:]
    (tmp_path / "scenario.yaml").write_text(text, encoding="utf-8")
    problems = _problems(tmp_path / "scenario.yaml")
    assert list(problems) == ["places.file"]  # and no cascade of unknown places
    problem = problems["places.file"]
    assert problem.line == line_of(text, "nowhere.csv")
    assert problem.file == str(tmp_path / "scenario.yaml")


def test_table_of_an_unknown_format(tmp_path: Path) -> None:
    start, end = TINY_TEXT.index("places:\n"), TINY_TEXT.index("routes:\n")
    text = TINY_TEXT[:start] + "places: {file: places.xlsx}\n" + TINY_TEXT[end:]
    (tmp_path / "scenario.yaml").write_text(text, encoding="utf-8")
    problem = _problems(tmp_path / "scenario.yaml")["places.file"]
    assert "ending in .csv, .geojson or .json (GeoJSON)" in problem.expected


def test_csv_trailing_empty_column_is_accepted(copy: Path) -> None:
    text = (copy / "routes.csv").read_text(encoding="utf-8")
    (copy / "routes.csv").write_text(text.replace("\n", ",\n"), encoding="utf-8")
    assert len(sl.load(copy / "scenario-geo.yaml").routes) == 5


def test_csv_value_under_an_unnamed_column(copy: Path) -> None:
    text = (copy / "routes.csv").read_text(encoding="utf-8").replace("\n", ",\n")
    text = text.replace("relay,hospital,8,porter,,,false,", "relay,hospital,8,porter,,,false,x")
    (copy / "routes.csv").write_text(text, encoding="utf-8")
    problem = _problems(copy / "scenario-geo.yaml")["routes[4]"]
    assert (problem.line, problem.expected) == (6, "a value under a named column")


def test_csv_with_a_byte_order_mark(copy: Path) -> None:
    raw = (copy / "routes.csv").read_bytes()
    (copy / "routes.csv").write_bytes(b"\xef\xbb\xbf" + raw)
    assert len(sl.load(copy / "scenario-geo.yaml").routes) == 5


def test_csv_cell_over_two_lines_within_closed_quotes_is_read(copy: Path) -> None:
    """A spreadsheet writes a cell with a line break in it within quotes; only a quote
    never closed is refused. (The cell is read whole; a name, which is one line, is then
    refused at its row.)"""
    _replace(copy / "routes.csv", "pass,The pass,relay", 'pass,"The pass\n(upper)",relay')
    with pytest.raises(sl.ScenarioError) as caught:
        sl.load(copy / "scenario-geo.yaml")
    (problem,) = caught.value.problems
    assert (Path(problem.file).name, problem.line, problem.field) == ("routes.csv", 5,
                                                                     "routes[3].name")
    assert problem.got == "'The pass\\n(upper)' (with a line break)"


def test_a_row_read_into_a_quoted_cell_is_said(copy: Path) -> None:
    """A quote left open at the end of a row and a stray one at the end of the next: the
    quotes come out even, and the second row was read into the first's source text in
    silence (check said OK of a scenario without Ban C)."""
    places = (copy / "places.csv").read_text(encoding="utf-8").splitlines()
    b = next(i for i, text in enumerate(places) if text.startswith("ban-b,"))
    c = next(i for i, text in enumerate(places) if text.startswith("ban-c,"))
    assert c == b + 1
    places[b] = places[b].rsplit(",", 1)[0] + ',"estimate: from the 1953 census'
    places[c] += '"'
    (copy / "places.csv").write_text("\n".join(places) + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        sl.load(copy / "scenario.yaml")
    said = [p for p in caught.value.problems if "a whole row" in p.got]
    assert len(said) == 1 and said[0].line == b + 1
    assert said[0].got == (f"a quoted cell from line {b + 1} to {c + 1} that holds line "
                           f"{c + 1}, a whole row")


def test_a_table_s_broken_section_is_left_out_of_the_rules_that_read_it(copy: Path) -> None:
    """A route's misspelt place in routes.geojson ended `check` in a KeyError: its problem
    is named `features[1].properties.to`, so the rules of what never acts did not see that
    the routes were broken, and read them. A misspelt good in places.geojson added a replay
    asking more than the localities can give (their stock under it is no stock)."""
    _replace(copy / "routes.geojson", '"from": "ban-b", "to": "relay"',
             '"from": "ban-b", "to": "relya"')
    problems = _problems(copy / "scenario.yaml")
    assert list(problems) == ["features[1].properties.to"]
    assert "did you mean 'relay'" in problems["features[1].properties.to"].expected
    _replace(copy / "places.geojson", '"stock_kg": {"rice": 40000}', '"stock_kg": {"rcie": 40000}')
    problems = _problems(copy / "scenario-geo.yaml")
    assert list(problems) == ["features[0].properties.stock_kg.rcie"]


def test_a_comment_is_a_line_that_begins_with_a_hash_as_written(copy: Path) -> None:
    """A quoted name beginning with # ("#2 alt road") read as a comment: the route vanished
    and check said OK. Lines of # or blank above the header (an export's note) read the note
    as the header and the header as a row: 28 problems, the first at the wrong line."""
    # (the name first: an id may not begin with #)
    routes = "\n".join(",".join([b, a, *rest]) for a, b, *rest in (
        line.split(",") for line in (copy / "routes.csv").read_text("utf-8").splitlines()))
    (copy / "routes.csv").write_text(
        "# exported from the survey\n\n" + routes
        + '\n"#2 alt road",alt,ban-a,front,60,porter,,,\n# a real comment,,,,,,,,\n',
        encoding="utf-8")
    scenario = sl.load(copy / "scenario-geo.yaml")
    alt = next(r for r in scenario.routes if r.id == "alt")
    assert alt.name == "#2 alt road" and len(scenario.routes) == 6
    # A problem of the header is said at its line, below the comment and the blank line.
    text = (copy / "routes.csv").read_text(encoding="utf-8")
    (copy / "routes.csv").write_text(text.replace("length_km", "length_kmm", 1), "utf-8")
    problems = _problems(copy / "scenario-geo.yaml")
    assert problems["column 'length_kmm'"].line == 3
    (copy / "routes.csv").write_text("# nothing but a note\n\n", encoding="utf-8")
    assert "only blank and comment lines" in _problems(copy / "scenario-geo.yaml")["header"].got


def test_a_cell_longer_than_the_csv_module_s_limit_is_read(copy: Path) -> None:
    """A cell of 200,000 characters stopped the reading (the csv module's 131,072): the rows
    after it went unchecked, and "a list of 0 items" was said of a table of six rows."""
    text = _replace(copy / "places.csv", "ban-a,Ban A,", "ban-a," + "A" * 200_000 + ",")
    _replace(copy / "places.csv", "ban-b,Ban B,locality,21.60", "ban-b,Ban B,locality,zz")
    problems = _problems(copy / "scenario.yaml")
    assert list(problems) == ["places[1].lat"]
    assert problems["places[1].lat"].line == line_of(text, "ban-b,Ban B")


def test_a_choice_with_a_line_break_is_offered_as_python_writes_it() -> None:
    from supplyline.text import did_you_mean

    assert did_you_mean("ban-b", ["ban-b\n"]) == " (did you mean 'ban-b\\n'?)"
    assert did_you_mean("relya", ["relay"]) == " (did you mean 'relay'?)"


def test_geojson_lines_are_right_on_the_last_of_many_features(copy: Path) -> None:
    """The line of each problem in a long table is the line it is written on, on the last
    feature as on the first (the lines are found by one pass over the file)."""
    features = [
        '    {"type": "Feature",\n'
        f'     "properties": {{"id": "extra-{n}", "from": "ban-b", "to": "relay",\n'
        '                    "modes": ["porter"]},\n'
        '     "geometry": {"type": "LineString",\n'
        '                  "coordinates": [[103.20, 21.60], [103.15, 21.55]]}}'
        for n in range(300)]
    features[-1] = (
        '    {"type": "Featur",\n'
        '     "properties": {"id": "last", "from": "ban-b",\n'
        '                    "modes": ["porter"], "modes": ["porter"],\n'
        '                    "colour": 1},\n'
        '     "geometry": {"type": "LineString",\n'
        '                  "coordinates": [[103.20, 21.60], [203.15, 21.55]]}}')
    text = _replace(copy / "routes.geojson", "    }\n  ]\n}",
                    "    },\n" + ",\n".join(features) + "\n  ]\n}")
    problems = _problems(copy / "scenario.yaml")
    last = "features[304]"  # (after the table's own five)
    assert {name: problem.line for name, problem in problems.items()} == {
        f"{last}.properties.to": line_of(text, '"Featur"'),  # (the feature's line)
        f"{last}.type": line_of(text, '"Featur"'),
        f"{last}.properties.modes": line_of(text, '"modes": ["porter"], "modes"'),
        f"{last}.properties.colour": line_of(text, '"colour"'),
        f"{last}.geometry.coordinates[1]": line_of(text, "[203.15"),
    }


@pytest.mark.parametrize("written", ["[]", "false", '""', "0"])
def test_geojson_properties_that_are_no_mapping_are_said_when_empty_too(
        copy: Path, written: str) -> None:
    """A feature's properties written as an empty list, false, "" or 0 were read as no
    properties, said only as its fields missing; they are said as what they are, as a
    non-empty list or text is (null is GeoJSON's own "no properties")."""
    old = '"properties": {"from": "ban-b", "to": "relay", "length_km": 10, "modes": "porter"}'
    text = _replace(copy / "routes.geojson", old, f'"properties": {written}')
    said = _problems(copy / "scenario.yaml")["features[1].properties"]
    assert (said.line, said.expected) == (line_of(text, f'"properties": {written}'),
                                          "a mapping of fields")
