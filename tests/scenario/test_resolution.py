"""Absurdly tiny inputs: a quantity is 0 or at least its resolution (RESOLUTION of its unit, or
a physical minimum), so that a figure the planner could not tell from 0 is a located check
error rather than a coefficient HiGHS drops, a sum that loses it, or a solver that fails.
Every figure of a scenario at 1e-38 is refused (or plans: coordinates), and at its smallest
accepted value it plans."""

from __future__ import annotations

import copy
import json
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import supplyline as sl
from supplyline.cli import app
from supplyline.scenario._describe import (
    Constraints,
    constraints_of,
    is_model,
    split_annotated,
    target_at,
    union_members,
    without_none,
)
from supplyline.scenario._yaml_lines import Locations, dotted
from supplyline.scenario.load import validate_data
from supplyline.scenario.paths import document
from supplyline.scenario.reference import reachable_classes
from supplyline.scenario.schema import RESOLUTION

from .helpers import line_of

DataPath = tuple[str | int, ...]
TUTORIAL_FILE = Path(sl.__file__).parent / "scenario" / "builtin" / "tutorial.yaml"
#: Figures that are not quantities of the model: where a place is drawn, and how far an
#: observed figure may be from the model's (both may be anything in their range).
NOT_QUANTITIES = {"lat", "lon", "tolerance"}
#: A historical figure, compared with the plan's in its own unit (as its tolerance), not a
#: quantity the planner reads.
RECORDS = {"Observed.value"}


def numbers(node: Any, path: DataPath = ()) -> Iterator[DataPath]:
    """The paths of every number in a scenario's data."""
    if isinstance(node, bool):
        return
    if isinstance(node, int | float):
        yield path
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from numbers(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from numbers(value, (*path, index))


def limits_at(path: DataPath) -> tuple[Any, Constraints]:
    """The type (float or int) and the bounds the schema gives the number at ``path``."""
    target = target_at(path)
    assert target is not None, path
    base, inner = split_annotated(target.annotation)
    kind, more = split_annotated(without_none(base))
    return kind, constraints_of([*target.metadata, *inner, *more])


def with_value(data: dict[str, Any], path: DataPath, value: float) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    node = changed
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return changed


@pytest.fixture(scope="module")
def tutorial_data() -> dict[str, Any]:
    data = document(sl.load("tutorial"))
    data.pop("observed")  # figures compared with a plan, not planned
    return data


def test_every_quantity_has_a_smallest_value_other_than_zero() -> None:
    """Written once (NonzeroAtLeast), on every number of the schema that may be near 0."""
    missing = []

    def walk(annotation: Any, metadata: list[Any], where: str) -> None:
        base, inner = split_annotated(annotation)
        limits = constraints_of([*metadata, *inner])
        if typing.get_origin(base) in (typing.Union, types.UnionType):
            for member in union_members(base):
                walk(member, [*metadata, *inner], where)
        elif typing.get_origin(base) in (list, dict):
            walk(typing.get_args(base)[-1], [], where)
        elif base is float:
            low = limits.ge if limits.ge is not None else limits.gt
            if low is not None and low <= 0 and limits.least is None:
                missing.append(where)

    for model in reachable_classes():
        for name, info in model.model_fields.items():
            if name not in NOT_QUANTITIES and f"{model.__name__}.{name}" not in RECORDS and (
                    not is_model(info.annotation)):
                walk(info.annotation, list(info.metadata), f"{model.__name__}.{name}")
    assert missing == []


def test_every_number_at_1e_38_is_a_located_error(tutorial_data: dict[str, Any]) -> None:
    for path in numbers(tutorial_data):
        data = with_value(tutorial_data, path, 1e-38)
        scenario, problems = validate_data(data, Locations(), "what-if")
        if path[-1] in NOT_QUANTITIES:
            # A coordinate of 1e-38 is one (not a figure too small): the place, moved to the
            # equator or the meridian, is thousands of km from its routes' other ends, and
            # only those routes, shorter than the way between them, are refused.
            assert problems and all(problem.field.endswith(".length_km")
                                    and "great-circle" in problem.expected
                                    for problem in problems), (path, problems)
            continue
        assert scenario is None, path
        [problem] = problems
        assert (problem.field, problem.got) == (dotted(path), "1e-38"), path
        kind, limits = limits_at(path)
        if kind is int:
            assert problem.expected.startswith("a whole number"), (path, problem)
            continue
        least = limits.least if limits.least is not None else limits.ge
        assert least is not None and least >= RESOLUTION, path
        assert f"a number from {least:g} to" in problem.expected, (path, problem)


def test_a_tiny_figure_in_a_file_names_its_line(tmp_path: Path) -> None:
    text = TUTORIAL_FILE.read_text("utf-8")
    text = text.replace("population: 1800", "population: 1.0e-38", 1)
    text = text.replace("ration_kg_per_person_day: 0.5", "ration_kg_per_person_day: 2e-10", 1)
    text = text.replace("length_km: 14", "length_km: 0.0001", 1)
    file = tmp_path / "tiny-figures.yaml"
    file.write_text(text, "utf-8")
    result = CliRunner().invoke(app, ["check", str(file), "--json"])
    assert result.exit_code == 2, result.output
    problems = {p["field"]: p for p in json.loads(result.stdout)["error"]["problems"]}
    assert set(problems) == {"places[1].population", "demand[0].ration_kg_per_person_day",
                             "routes[5].length_km"}
    population = problems["places[1].population"]
    assert population["line"] == line_of(text, "population: 1.0e-38")
    assert population["expected"] == "0, or a number from 1e-09 to 1e+10 (person)"
    assert population["got"] == "1.0e-38"
    assert problems["demand[0].ration_kg_per_person_day"]["expected"] == (
        "0, or a number from 1e-09 to 1000 (kg/person/day)")
    assert problems["routes[5].length_km"]["expected"] == "a number from 0.001 to 100000 (km)"
    # Other mistakes read as before: the range the field takes.
    with pytest.raises(sl.ScenarioError, match="expected a number > 0 and <= 100000 "):
        sl.load("tutorial").replace({"routes.ridge-road.length_km": -4})


def test_a_figure_too_small_for_a_float_is_not_read_as_0(tmp_path: Path) -> None:
    """``decay_per_day: 1e-400`` was read as 0 (Python's float of it) and passed: a figure
    between 0 and 1e-09 is refused, never rounded to 0 in silence."""
    text = TUTORIAL_FILE.read_text("utf-8")
    assert "decay_per_day: 0.0005" in text
    file = tmp_path / "underflow.yaml"
    file.write_text(text.replace("decay_per_day: 0.0005", "decay_per_day: 1e-400", 1)
                    .replace("population: 1800", "population: -1.5e-400", 1), "utf-8")
    result = CliRunner().invoke(app, ["check", str(file), "--json"])
    assert result.exit_code == 2, result.output
    problems = {p["field"]: p for p in json.loads(result.stdout)["error"]["problems"]}
    decay = problems["commodities[0].decay_per_day"]
    assert (decay["expected"], decay["got"]) == ("0, or a number from 1e-09 to 1 (1/day)",
                                                 "1e-400")
    assert problems["places[1].population"]["got"] == "-1.5e-400"
    file.write_text(text.replace("decay_per_day: 0.0005", "decay_per_day: 0.0e-400", 1),
                    "utf-8")  # (0 written so is 0)
    assert CliRunner().invoke(app, ["check", str(file)]).exit_code == 0


def test_the_same_check_for_a_what_if_and_a_sweep() -> None:
    with pytest.raises(sl.ScenarioError) as caught:
        sl.load("tutorial").replace({"threats.air[0].windows[*].day_probability": 1e-30})
    assert caught.value.expected == "0, or a number from 1e-09 to 1 (1/day)"


def test_the_json_schema_refuses_what_check_refuses() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from supplyline.scenario.json_schema import scenario_json_schema

    validator = jsonschema.Draft202012Validator(scenario_json_schema())
    data = json.loads(json.dumps(document(sl.load("tutorial")), default=str))
    assert not list(validator.iter_errors(data))
    data["places"][0]["population"] = 1e-38
    assert list(validator.iter_errors(data))
    data["places"][0]["population"] = 0
    assert not list(validator.iter_errors(data))
    data["places"][0]["name"] = "Bridge\x00junction"  # a control character, as check says
    assert list(validator.iter_errors(data))
    data["places"][0]["name"] = "Bridge junction (Ngã ba cầu)"  # text in any script passes
    assert not list(validator.iter_errors(data))


def test_the_json_schema_asks_each_id_once_where_check_does() -> None:
    """A list in which check refuses an id written twice says so in the JSON Schema too
    (``uniqueItems``), so an editor marks it as it is typed."""
    jsonschema = pytest.importorskip("jsonschema")
    from supplyline.scenario.json_schema import scenario_json_schema
    from supplyline.scenario.reference import reachable_classes
    from supplyline.scenario.schema import each_once_fields

    schema = scenario_json_schema()
    once = {(model.__name__, name) for model in reachable_classes()
            for name in each_once_fields(model)}
    assert once == {("Place", "regions"), ("Route", "modes"), ("WoundedFlow", "hospitals"),
                    ("AirThreat", "routes"), ("Sabotage", "regions"), ("RainSpell", "routes"),
                    ("RainSpell", "regions"), ("ReplayMobilization", "regions"),
                    ("ReplayMobilization", "places"), ("ReplayMobilization", "exclude_regions"),
                    ("Metric", "regions"), ("MetricTerm", "regions")}
    for model, name in once:
        assert schema["$defs"][model]["properties"][name]["uniqueItems"] is True, (model, name)
    validator = jsonschema.Draft202012Validator(schema)
    data = json.loads(json.dumps(document(sl.load("tutorial")), default=str))
    data["routes"][1]["modes"] = ["porter", "porter"]
    (error,) = validator.iter_errors(data)  # (routes: a list, or a table beside the file)
    assert "uniqueItems" in {error.validator, *(inner.validator for inner in error.context)}


def test_every_number_at_its_smallest_value_plans(tutorial_data: dict[str, Any]) -> None:
    """At the resolution (or the physical minimum) a figure is planned with, not refused
    and not a solver failure: 5 days of the tutorial, each number alone."""
    for path in numbers(tutorial_data):
        kind, limits = limits_at(path)
        least = limits.least if limits.least is not None else limits.ge
        if path[-1] in NOT_QUANTITIES or kind is int or least is None:
            continue  # whole numbers (carriers, days) have no tiny values
        data = with_value(tutorial_data, path, least)
        # As a what-if: a village's stock at its least leaves the pledged replay more
        # than it can give, which matters only where that replay is planned.
        replay = "pledged" if path[0] == "replays" else None
        scenario, problems = validate_data(data, Locations(), "what-if", unused=False,
                                           replay=replay)
        assert scenario is not None, (path, problems)
        plan = sl.plan(scenario, replay=replay, days=5, time_limit_s=60)
        assert plan.kpis()["demand_t"] > 0, path
