"""YAML syntax mistakes are told in plain words at the line of the mistake, the same with the
fast reader and the Python one; a ',' written in a number inside { } is said as such."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import supplyline as sl
from supplyline.cli import app
from supplyline.errors import Problem
from supplyline.scenario import _yaml_lines

from .helpers import edit, line_of, problems_in

TUTORIAL = (Path(sl.__file__).parent / "scenario" / "builtin" / "tutorial.yaml").read_text(
    "utf-8")
HAS_FAST_READER = hasattr(yaml, "CSafeLoader")


@pytest.fixture(params=["fast", "python"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Each test once with the fast reader (its own error explained, not the Python
    reader's) and once with the Python reader alone."""
    if request.param == "fast":
        if not HAS_FAST_READER:
            pytest.skip("the fast YAML reader is not installed")
        monkeypatch.setattr(_yaml_lines, "RETOLD_BELOW_CHARS", 0, raising=False)
    else:
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    yield request.param


def _changed(*edits: tuple[str, str]) -> str:
    text = TUTORIAL
    for old, new in edits:
        text = edit(text, old, new)
    return text


def _one(text: str) -> Problem:
    (problem,) = problems_in(text, "tutorial.yaml")
    return problem


def _said(problem: Problem) -> str:
    return f"expected {problem.expected}, got {problem.got}"


def _syntax(text: str, at: str) -> str:
    """The one problem of ``text``: a YAML syntax problem on the line of ``at``; its words."""
    problem = _one(text)
    assert problem.field == "(YAML syntax)"
    assert problem.line == line_of(text, at), _said(problem)
    said = _said(problem)
    assert "while " not in said and "token" not in said, said  # not the reader's own words
    return said


# -- syntax mistakes ---------------------------------------------------------------------------

MISSING_COLON = ("    population: 1200\n", "    population 1200\n")
UNCLOSED_BRACE = ("terrain_factor: 1.5,\n     air_exposed: false}",
                  "terrain_factor: 1.5,\n     air_exposed: false")
UNCLOSED_BRACKET = ("hospitals: [district-hospital]", "hospitals: [district-hospital")
UNCLOSED_QUOTE = ('title: "Tutorial: relief of a cut-off mountain valley"',
                  'title: "Tutorial: relief of a cut-off mountain valley')
QUOTE_TO_THE_END = ("""the depot's tally"\n    replay: pledged\n""",
                    """the depot's tally"\n    replay: "pledged\n""")
TAB = ("    population: 1200\n", "\tpopulation: 1200\n")
COLON_IN_VALUE = ("name: Bridge junction", "name: Bridge: the junction")
KEY_LEFT_OF_ITS_FIELDS = ("    population: 1200\n", "  population: 1200\n")
KEY_RIGHT_OF_ITS_FIELDS = ("    population: 1200\n", "     population: 1200\n")
VALUE_RUNS_ON = ("    lat: 27.912\n", "      lat: 27.912\n")
MISSING_COMMA = ("{from: terrace-village, to: bridge,", "{from: terrace-village to: bridge,")
STRAY_CLOSER = ("stock_kg: {rice: 26200}", "stock_kg: {rice: 26200}}")
WRONG_CLOSER = ("stock_kg: {rice: 26200}", "stock_kg: {rice: 26200]")
COMMA_IN_NUMBER = ("{rice: 63750}", "{rice: 63,750}")
NO_SPACE_AFTER_COLON = ("name: tutorial", "name:tutorial")
QUOTE_AT_LINE_START = ("    name: Rice\n", "'    name: Rice\n")

SYNTAX_EDITS = {
    "missing colon": MISSING_COLON, "unclosed brace": UNCLOSED_BRACE,
    "unclosed bracket": UNCLOSED_BRACKET, "unclosed quote": UNCLOSED_QUOTE,
    "quote to the end": QUOTE_TO_THE_END, "tab": TAB, "colon in value": COLON_IN_VALUE,
    "key left of its fields": KEY_LEFT_OF_ITS_FIELDS,
    "key right of its fields": KEY_RIGHT_OF_ITS_FIELDS, "value runs on": VALUE_RUNS_ON,
    "missing comma": MISSING_COMMA, "stray closer": STRAY_CLOSER, "wrong closer": WRONG_CLOSER,
    "no space after colon": NO_SPACE_AFTER_COLON, "quote at line start": QUOTE_AT_LINE_START,
}


def test_missing_colon_is_said_at_its_own_line(reader: str) -> None:
    said = _syntax(text := _changed(MISSING_COLON), "population 1200")
    assert "'key: value' (a ':' after the field's name)" in said
    assert "got 'population 1200'" in said
    assert line_of(text, "population 1200") == line_of(text, "stock_kg: {rice: 26200}") - 1


@pytest.mark.parametrize(("change", "example"), [
    (NO_SPACE_AFTER_COLON, "name: tutorial"),
    (("    name: Rice\n", "    name:Rice\n"), "name: Rice"),
    (("start_date: 2024-11-01", "start_date:2024-11-01"), "start_date: 2024-11-01"),
    (("  - id: rice\n", "  - id:rice\n"), "id: rice"),  # the line below is indented further
], ids=["first field", "in a list item", "a date", "a list item's first field"])
def test_no_space_after_the_colon_is_said(
        reader: str, change: tuple[str, str], example: str) -> None:
    written = change[1].strip()
    said = _syntax(_changed(change), written)
    assert said == f"expected '{example}' (a space after the ':'), got '{written}'"


def test_unclosed_brace_is_said_where_it_was_opened(reader: str) -> None:
    text = _changed(UNCLOSED_BRACE)
    said = _syntax(text, "{from: high-village")
    assert "a '}' to close the '{' opened at column 5" in said
    assert f"no '}}' before line {line_of(text, '{from: terrace-village')}" in said


def test_unclosed_bracket_is_said_where_it_was_opened(reader: str) -> None:
    text = _changed(UNCLOSED_BRACKET)
    said = _syntax(text, "hospitals: [district-hospital")
    assert "a ']' to close the '[' opened at column 16" in said


def test_unclosed_quote_is_said_where_it_was_opened(reader: str) -> None:
    text = _changed(UNCLOSED_QUOTE)
    said = _syntax(text, 'title: "Tutorial')
    assert """a '"' to close the text opened with '"' at column 8""" in said
    next_quote = line_of(text, 'source: "estimate: milled rice')
    assert f"""the next '"' is on line {next_quote}, column 13""" in said


def test_quote_open_to_the_end_of_the_file(reader: str) -> None:
    said = _syntax(_changed(QUOTE_TO_THE_END), 'replay: "pledged')
    assert """a '"' to close the text opened with '"' at column 13""" in said
    assert "the end of the file" in said


def _next_quote(text: str, quote: str, after: str) -> tuple[int, int]:
    """Line and column (1-based) of the first ``quote`` after the first one in ``after``."""
    at = text.index(quote, text.index(after) + after.index(quote) + 1)
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)


@pytest.mark.parametrize("quote", ["'", '"'])
@pytest.mark.parametrize("written", ["{q}    name: Rice", "    {q}name: Rice", "{q}name: tutorial"],
                         ids=["at column 1", "after the indentation", "first field"])
def test_quote_opened_at_the_start_of_a_line_is_said(reader: str, quote: str,
                                                     written: str) -> None:
    written = written.format(q=quote)
    text = _changed((written.replace(quote, "") + "\n", written + "\n"))
    said = _syntax(text, written)
    q = f'"{quote}"' if quote == "'" else f"'{quote}'"
    column = written.index(quote) + 1
    assert f"expected a {q} to close the text opened with {q} at column {column}" in said
    line, at = _next_quote(text, quote, written)
    assert f"the next {q} is on line {line}, column {at}" in said
    assert "':'" not in said


def test_tab_is_said_to_be_a_tab(reader: str) -> None:
    said = _syntax(_changed(TAB), "\tpopulation: 1200")
    assert "spaces, not tabs" in said
    assert "a tab at column 1" in said


@pytest.mark.parametrize(("change", "column"), [
    (("    population: 1200\n", "    population:\t1200\n"), 16),
    (("{rice: 63750}", "{rice:\t63750}"), 21),
    (("{rice: 63750}", "{rice: 63750,\tbeans: 5}"), 28),
], ids=["after a key", "inside braces", "after a comma in braces"])
def test_tab_after_the_start_of_a_line_is_not_called_indentation(
        monkeypatch: pytest.MonkeyPatch, change: tuple[str, str], column: int) -> None:
    # The fast reader takes a tab there; the Python reader alone refuses it.
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    said = _syntax(_changed(change), change[1].strip())
    assert "indent" not in said
    assert said.endswith(f"got a tab at column {column}")


def test_colon_in_a_value_asks_for_quotes(reader: str) -> None:
    said = _syntax(_changed(COLON_IN_VALUE), "name: Bridge: the junction")
    assert """in quotes, e.g. name: "Bridge: the junction\"""" in said
    assert "column 17" in said


def test_key_left_of_its_fields_says_the_indentation(reader: str) -> None:
    text = _changed(KEY_LEFT_OF_ITS_FIELDS)
    said = _syntax(text, "  population: 1200")
    assert "lined up with the lines above" in said
    assert "'-' at column 3" in said and "fields at column 5" in said
    assert f"line {line_of(text, '- id: high-village')}" in said
    assert "got 'population: 1200' starting at column 3" in said


def test_key_right_of_its_fields_says_the_indentation(reader: str) -> None:
    text = _changed(KEY_RIGHT_OF_ITS_FIELDS)
    said = _syntax(text, "     population: 1200")
    assert "lined up with the lines above" in said
    assert "column 5" in said and "starting at column 6" in said


def test_value_running_on_says_the_indentation(reader: str) -> None:
    text = _changed(VALUE_RUNS_ON)
    said = _syntax(text, "      lat: 27.912")
    above = line_of(text, "    kind: locality")
    assert f"lined up with the one above it (column 5, line {above})" in said
    assert "got 'lat: 27.912' starting at column 7" in said


def test_missing_comma_in_braces_is_not_an_unclosed_brace(reader: str) -> None:
    text = _changed(MISSING_COMMA)
    said = _syntax(text, "{from: terrace-village to")
    assert "',' between the entries" in said and "'}'" not in said


def test_closer_without_opener(reader: str) -> None:
    said = _syntax(_changed(STRAY_CLOSER), "{rice: 26200}}")
    assert "'}' at column 28 with no '{' open" in said


def test_wrong_closer(reader: str) -> None:
    said = _syntax(_changed(WRONG_CLOSER), "{rice: 26200]")
    assert "a '}' to close the '{' opened at line" in said and "got ']' at column 27" in said


@pytest.mark.skipif(not HAS_FAST_READER, reason="the fast YAML reader is not installed")
@pytest.mark.parametrize("name", [*SYNTAX_EDITS, "comma in number"])
def test_both_readers_say_the_same(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = _changed(SYNTAX_EDITS.get(name, COMMA_IN_NUMBER))
    default = problems_in(text)
    with monkeypatch.context() as patch:
        patch.setattr(_yaml_lines, "RETOLD_BELOW_CHARS", 0, raising=False)
        fast = problems_in(text)
    with monkeypatch.context() as patch:
        patch.delattr(yaml, "CSafeLoader")
        python = problems_in(text)
    assert default == fast == python
    (problem,) = python
    assert "while " not in _said(problem) and "token" not in _said(problem)


def test_a_large_file_is_explained_from_the_fast_reader_alone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    text = _changed(COLON_IN_VALUE)
    monkeypatch.setattr(_yaml_lines, "RETOLD_BELOW_CHARS", len(text) - 1, raising=False)
    assert "in quotes" in _said(_one(text))


def test_undefined_alias_asks_for_quotes(reader: str) -> None:
    text = _changed(("""tally"\n    replay: pledged\n""", """tally"\n    replay: *pledged\n"""))
    said = _syntax(text, "*pledged")
    assert "a value beginning with '*' written in quotes" in said
    assert "got '*pledged' at column 13" in said


def test_other_syntax_mistakes_keep_the_readers_words(reader: str) -> None:
    text = _changed(("name: tutorial", "name: !<x tutorial"))
    problem = _one(text)
    assert problem.field == "(YAML syntax)" and problem.expected == "valid YAML"
    assert "tag" in problem.got and "(column 10)" in problem.got
    assert problem.line == line_of(text, "name: !<x")


def test_a_text_alone_where_fields_are(reader: str) -> None:
    text = _changed(("# horizon runs to `end_date`", "horizon runs to `end_date`"))
    said = _syntax(text, "horizon runs to")
    assert "'key: value' (a ':' after the field's name)" in said


# -- a ',' written in a number inside { } ------------------------------------------------------


def test_comma_in_a_number_in_braces(reader: str) -> None:
    text = _changed(COMMA_IN_NUMBER)
    problem = _one(text)
    assert problem.field == "places[2].stock_kg.rice"
    assert problem.line == line_of(text, "{rice: 63,750}")
    assert problem.expected == "63750, written without ',' (inside { } a ',' separates entries)"
    assert problem.got == "'63,750', read as 63 and a key '750'"


def test_comma_in_a_number_in_a_list_of_braces(reader: str) -> None:
    text = _changed(("regions: [lower], kg: 45000,", "regions: [lower], kg: 45,000,"))
    problem = _one(text)
    assert problem.field == "replays[0].mobilization[1].kg"
    assert problem.line == line_of(text, "kg: 45,000")
    assert "45000" in problem.expected and "read as 45 and a key '000'" in problem.got


def test_two_commas_in_a_number(reader: str) -> None:
    problem = _one(_changed(("{rice: 70500}", "{rice: 1,070,500}")))
    assert problem.expected.startswith("1070500, written without ','")
    assert problem.got == "'1,070,500', read as 1 and keys '070' and '500'"


def test_decimal_comma_in_braces(reader: str) -> None:
    problem = _one(_changed(("labour_rations_kg_per_day: {rice: 0.7}",
                             "labour_rations_kg_per_day: {rice: 0,7}")))
    assert problem.field == "policy.labour_rations_kg_per_day.rice"
    assert problem.expected.startswith("0.7 (a decimal point is '.'")
    assert problem.got == "'0,7', read as 0 and a key '7'"


def test_comma_in_a_signed_number_or_before_a_fraction(reader: str) -> None:
    problem = _one(_changed(("{rice: 70500}", "{rice: -1,070,500.5}")))
    assert problem.expected.startswith("-1070500.5, written without ','")
    assert problem.got == "'-1,070,500.5', read as -1 and keys '070' and '500.5'"


def test_commas_in_digits_grouped_otherwise_ask_for_a_number_without_them(reader: str) -> None:
    problem = _one(_changed(("{rice: 70500}", "{rice: 1,070.5,500}")))
    assert problem.expected.startswith("a number written without ','")
    assert problem.got == "'1,070.5,500', read as 1 and keys '070.5' and '500'"


@pytest.mark.parametrize("written", ["1.5,750", "39e3,300", "-2.5e3,300,100"])
def test_a_comma_after_a_decimal_or_exponent_is_said_without_a_guess(reader: str,
                                                                     written: str) -> None:
    """`{rice: 39e3,300}` read as 39e3 and a key '300' that was then said to have no value
    and to be no commodity; which number was meant is not guessed."""
    problem = _one(_changed(("{rice: 70500}", f"{{rice: {written}}}")))
    assert problem.field == "places[3].stock_kg.rice"
    assert problem.expected == ("a number written without ',' (inside { } a ',' separates "
                                "entries)")
    number, *keys = written.split(",")
    assert problem.got.startswith(f"'{written}', read as {number} and ")
    assert problem.got.endswith(f"'{keys[-1]}'")


@pytest.mark.parametrize("written", [
    "39300, 300", "39300 ,300", ".inf,750", "0x1F,750", "1_000,750", "'63',750",
])
def test_a_comma_after_what_is_not_plain_digits_is_left_as_yaml_reads_it(written: str) -> None:
    data, _, problems = _yaml_lines.read_yaml(f"a: {{rice: {written}}}\n", "f")
    assert problems == [], [_said(problem) for problem in problems]
    assert list(data["a"]) == ["rice", *written.replace(" ", "").split(",")[1:]]


def test_a_space_after_the_comma_leaves_an_entry_to_the_checks(reader: str) -> None:
    problems = problems_in(_changed(("{rice: 63750}", "{rice: 63750, 300}")))
    # (said by the checks: a commodity '300' that is not known, with no amount)
    assert {problem.field for problem in problems} == {"places[2].stock_kg.300"}, problems


def test_comma_in_a_number_in_block_style_stays_as_it_was() -> None:
    text = _changed(("population: 1200", "population: 1,200"))
    problem = _one(text)
    assert (problem.field, problem.line, problem.got) == (
        "places[0].population", line_of(text, "1,200"), "'1,200'")


def test_a_number_key_written_on_purpose_is_kept() -> None:
    data, _, problems = _yaml_lines.read_yaml("a: {rice: 5, 750: 1}\nb: {x: y, 750}\n", "f")
    assert problems == []
    assert data == {"a": {"rice": 5, "750": 1}, "b": {"x": "y", "750": None}}


# -- through `supplyline check` ----------------------------------------------------------------

CLI_CASES = {
    "missing colon": (MISSING_COLON, "population 1200", "(YAML syntax)", "'key: value'"),
    "unclosed brace": (UNCLOSED_BRACE, "{from: high-village", "(YAML syntax)", "close the '{'"),
    "unclosed quote": (UNCLOSED_QUOTE, 'title: "Tutorial', "(YAML syntax)",
                       """close the text opened with '"'"""),
    "tab": (TAB, "\tpopulation", "(YAML syntax)", "not tabs"),
    "colon in value": (COLON_IN_VALUE, "Bridge: the", "(YAML syntax)", "in quotes"),
    "key left of its fields": (KEY_LEFT_OF_ITS_FIELDS, "  population: 1200", "(YAML syntax)",
                               "lined up with the lines above"),
    "comma in number": (COMMA_IN_NUMBER, "63,750", "places[2].stock_kg.rice",
                        "a ',' separates entries"),
    "no space after colon": (NO_SPACE_AFTER_COLON, "name:tutorial", "(YAML syntax)",
                             "a space after the ':'"),
    "quote at line start": (QUOTE_AT_LINE_START, "'    name: Rice", "(YAML syntax)",
                            """close the text opened with "'" """),
}


@pytest.mark.parametrize("name", CLI_CASES)
def test_check_says_where_and_exits_2(name: str, tmp_path: Path) -> None:
    change, at, field, words = CLI_CASES[name]
    text = _changed(change)
    file = tmp_path / "tutorial.yaml"
    file.write_text(text, "utf-8")
    result = CliRunner().invoke(app, ["check", str(file)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith(str(file))]
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"{file} line {line_of(text, at)}: {field}: expected ")
    assert words in lines[0]
    as_json = CliRunner().invoke(app, ["check", str(file), "--json"])
    assert as_json.exit_code == 2
    (problem,) = json.loads(as_json.stdout)["error"]["problems"]
    assert (problem["line"], problem["field"]) == (line_of(text, at), field)
