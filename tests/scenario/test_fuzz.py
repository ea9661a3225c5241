"""Whatever the input, loading either succeeds or raises ScenarioError, never anything else."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, reject, settings
from hypothesis import strategies as st

import supplyline as sl
from supplyline.errors import ScenarioError, SupplylineError
from supplyline.scenario import load_text

from .helpers import TINY_TEXT

# The number of examples comes from the settings profile (tests/scenario/conftest.py): 200
# with the default `ci`, 10,000 with `--hypothesis-profile=thorough`.
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TINY_DATA: dict[str, Any] = yaml.safe_load(TINY_TEXT)

ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
    st.text(max_size=12), st.dates(), st.just([]), st.just({}), st.just([{"x": 1}]),
    st.just({"file": "places.csv"}), st.just(float("inf")), st.just(-1), st.just(-0.5),
)


def _survives(text: str) -> None:
    """``load_text`` returns a scenario or raises ScenarioError with located problems."""
    try:
        load_text(text)
    except ScenarioError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.field and problem.expected and isinstance(problem.got, str)
            assert problem.line is None or problem.line >= 1


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into nested dicts and lists."""
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


ALL_PATHS = _paths(TINY_DATA)


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@FUZZ
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    _survives(text)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "random.yaml"
    path.write_bytes(raw)
    with contextlib.suppress(ScenarioError):
        sl.load(path)


@FUZZ
@given(st.data())
def test_mutated_scenario(data: st.DataObject) -> None:
    scenario = copy.deepcopy(TINY_DATA)
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        path = data.draw(st.sampled_from(ALL_PATHS), label="path")
        try:
            parent = _parent(scenario, path)
            present = path[-1] in parent if isinstance(parent, dict) else (
                isinstance(parent, list) and path[-1] < len(parent))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this path
        if not present:
            continue
        action = data.draw(st.sampled_from(["delete", "replace", "unknown key", "negate"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = data.draw(ODD_VALUES, label="value")
        elif action == "unknown key" and isinstance(parent, dict):
            parent[data.draw(st.text(min_size=1, max_size=8), label="key")] = 1
        elif action == "negate" and isinstance(parent[path[-1]], int | float):
            parent[path[-1]] = -parent[path[-1]] - 1
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    _survives(yaml.dump(scenario, Dumper=dumper, allow_unicode=True, sort_keys=False))


@FUZZ
@given(st.data())
def test_broken_yaml_text(data: st.DataObject) -> None:
    lines = TINY_TEXT.splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        where = data.draw(st.integers(0, len(lines) - 1), label="line")
        action = data.draw(st.sampled_from(["delete", "insert", "indent", "truncate"]))
        if action == "delete" and len(lines) > 1:
            del lines[where]
        elif action == "insert":
            lines.insert(where, data.draw(st.text(max_size=20), label="text") + "\n")
        elif action == "indent":
            lines[where] = " " * data.draw(st.integers(1, 3), label="spaces") + lines[where]
        else:
            cut = data.draw(st.integers(0, len(lines[where])), label="cut")
            lines = [*lines[:where], lines[where][:cut]]
    _survives("".join(lines))


def _value_at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


NUMBER_PATHS = [path for path in ALL_PATHS
                if isinstance(_value_at(TINY_DATA, path), int | float)
                and not isinstance(_value_at(TINY_DATA, path), bool)]
SCALES = st.sampled_from([0.0, 1e-300, 1e-6, 0.01, 0.5, 2.0, 10.0, 1e3, 1e6, 1e20, 1e200])

# Planning is slower than loading: a quarter as many examples as the profile gives.
PLANNED = settings(FUZZ, max_examples=max(10, settings.default.max_examples // 4))


@PLANNED
@given(st.data())
def test_plan_on_variants_that_load(data: st.DataObject) -> None:
    """A scenario that passes ``check`` plans, or fails with a documented error."""
    scenario = copy.deepcopy(TINY_DATA)
    for _ in range(data.draw(st.integers(1, 3), label="changes")):
        path = data.draw(st.sampled_from(NUMBER_PATHS), label="path")
        parent = _parent(scenario, path)
        parent[path[-1]] = parent[path[-1]] * data.draw(SCALES, label="scale")
    scenario["policy"]["step_days"] = data.draw(st.integers(1, 7), label="step_days")
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    try:
        loaded = load_text(yaml.dump(scenario, Dumper=dumper, sort_keys=False))
    except ScenarioError:
        reject()  # only a variant that passes check is planned
    replay = data.draw(st.sampled_from([None, "history"]), label="replay")
    try:
        sl.plan(loaded, replay=replay, time_limit_s=20)
    except SupplylineError as error:
        event(f"plan: {type(error).__name__}")


@pytest.mark.parametrize("value", [
    "!!python/object:os.system {}", "&a [*a]", "{? [a, b] : c}", "\t", "%YAML 1.1\n---\n",
    "--- a\n--- b\n", "x: !!set {a, b}", "x: 1954-02-30", "x: 12:30:00", "<<: *nope",
    "x: &a {y: 1}\nz:\n  <<: *a\n  <<: [1]", dt.date(1954, 1, 1).isoformat(),
])
def test_strange_documents(value: str) -> None:
    _survives(value)
