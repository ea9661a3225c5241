"""Files a scenario reads: tables stay inside its folder, only regular files, sizes limited."""

from __future__ import annotations

import inspect
import os
import shutil
import sys
import threading
from pathlib import Path

import pytest

import supplyline as sl
from supplyline.errors import Problem, ScenarioError
from supplyline.scenario import load_text
from supplyline.scenario.load import MAX_FILE_BYTES

from .helpers import DATA, TINY_TEXT, line_of

TABLES = DATA / "tables"
SECRET = "s3cr3t-cell-value"

needs_symlinks = pytest.mark.skipif(sys.platform == "win32", reason="symlinks need rights")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the table scenarios in ``scenario/``, with a secret file beside the folder."""
    inner = tmp_path / "scenario"
    inner.mkdir()
    for path in TABLES.iterdir():
        shutil.copy(path, inner / path.name)
    (tmp_path / "secret.csv").write_text(f"id,kind\n{SECRET},depot\n", encoding="utf-8")
    return inner


def _with_places(folder: Path, reference: str) -> tuple[Path, str]:
    """``scenario.yaml`` with its places read from ``reference``."""
    path = folder / "scenario.yaml"
    text = path.read_text(encoding="utf-8").replace("{file: places.csv}",
                                                    f"{{file: {reference}}}")
    path.write_text(text, encoding="utf-8")
    return path, text


def _refusal(path: Path, **options: int | None) -> Problem:
    """The one problem that loading ``path`` reports."""
    with pytest.raises(ScenarioError) as caught:
        sl.load(path, **options)
    assert SECRET not in str(caught.value)
    (problem,) = caught.value.problems
    return problem


@pytest.mark.parametrize(("reference", "got"), [
    ("../secret.csv", "'../secret.csv' (a path through '..')"),
    ("sub/../../secret.csv", "(a path through '..')"),
    ("/etc/passwd.csv", "(an absolute path)"),
    ("C:/data/places.csv", "(an absolute path)"),
])
def test_table_outside_the_folder_is_refused(folder: Path, reference: str, got: str) -> None:
    path, text = _with_places(folder, reference)
    problem = _refusal(path)
    assert (problem.field, problem.line) == ("places.file", line_of(text, "places: {file"))
    assert got in problem.got
    assert "scenario's folder" in problem.expected


def test_absolute_path_to_a_real_table_is_refused(folder: Path) -> None:
    path, _ = _with_places(folder, str(folder.parent / "secret.csv"))
    assert "(an absolute path)" in _refusal(path).got


@needs_symlinks
def test_link_out_of_the_folder_is_refused(folder: Path) -> None:
    (folder / "linked.csv").symlink_to(folder.parent / "secret.csv")
    path, _ = _with_places(folder, "linked.csv")
    problem = _refusal(path)
    assert problem.got == "'linked.csv' (a link to a place outside it)"
    assert str(folder.parent) not in problem.got  # where it leads is not said


@needs_symlinks
def test_folder_link_out_of_the_folder_is_refused(folder: Path) -> None:
    (folder / "elsewhere").symlink_to(folder.parent)
    path, _ = _with_places(folder, "elsewhere/secret.csv")
    assert "outside" in _refusal(path).got


@needs_symlinks
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_link_to_an_endless_device_is_refused(folder: Path) -> None:
    (folder / "zero.csv").symlink_to("/dev/zero")
    path, _ = _with_places(folder, "zero.csv")
    assert "outside" in _refusal(path).got


@needs_symlinks
def test_link_inside_the_folder_is_followed(folder: Path) -> None:
    (folder / "tables").mkdir()
    shutil.move(folder / "places.csv", folder / "tables" / "places.csv")
    (folder / "same.csv").symlink_to(Path("tables") / "places.csv")
    path, _ = _with_places(folder, "same.csv")
    assert len(sl.load(path).places) == 6
    # A table in a subfolder is inside too.
    path.write_text(path.read_text(encoding="utf-8").replace("same.csv", "tables/places.csv"),
                    encoding="utf-8")
    assert len(sl.load(path).places) == 6


@needs_symlinks
def test_loop_of_links_is_refused(folder: Path) -> None:
    (folder / "a.csv").symlink_to("b.csv")
    (folder / "b.csv").symlink_to("a.csv")
    path, _ = _with_places(folder, "a.csv")
    assert _refusal(path).field == "places.file"


def _finishes(action: object, seconds: float = 20.0) -> None:
    """Run ``action`` in a thread; fail (rather than hang the suite) if it blocks."""
    assert callable(action)
    worker = threading.Thread(target=action, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "reading blocked"


@needs_fifo
def test_named_pipe_table_is_refused_without_blocking(folder: Path) -> None:
    os.mkfifo(folder / "pipe.csv")
    path, _ = _with_places(folder, "pipe.csv")
    found: list[Problem] = []
    _finishes(lambda: found.append(_refusal(path)))
    assert found[0].got == "'pipe.csv' (a named pipe (FIFO))"
    assert found[0].expected == "a regular file"


@needs_fifo
def test_named_pipe_scenario_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    found: list[Problem] = []
    _finishes(lambda: found.append(_refusal(tmp_path / "pipe.yaml")))
    assert (found[0].field, found[0].got) == ("(file)", "a named pipe (FIFO)")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_device_as_scenario_is_refused() -> None:
    found: list[Problem] = []
    _finishes(lambda: found.append(_refusal(Path("/dev/zero"))))
    assert found[0].got == "a device"


def test_table_that_is_a_folder_is_refused(folder: Path) -> None:
    (folder / "dir.csv").mkdir()
    path, _ = _with_places(folder, "dir.csv")
    assert _refusal(path).got == "'dir.csv' (a folder)"


@pytest.mark.parametrize(("reference", "meant"), [
    ("Places.csv", " (did you mean 'places.csv'?)"),  # (other capitals: no file here)
    ("sub/PLACES.CSV", " (did you mean 'sub/places.csv'?)"),
    ("sub/place.csv", " (did you mean 'sub/places.csv'?)"),
    ("zzz.csv", ""),  # (nothing close)
])
def test_a_table_not_there_says_the_closest_table_there(folder: Path, reference: str,
                                                         meant: str) -> None:
    """`places: {file: Places.csv}` beside places.csv said only "no such file"."""
    (folder / "sub").mkdir()
    shutil.copy(folder / "places.csv", folder / "sub" / "places.csv")
    if (folder / reference).exists():
        pytest.skip("this file system does not tell capitals apart")
    path, text = _with_places(folder, reference)
    problem = _refusal(path)
    assert (problem.field, problem.line) == ("places.file", line_of(text, reference))
    assert problem.expected == f"a table file next to the scenario{meant}"
    assert problem.got == f"{reference!r}: no such file"


def test_folder_as_scenario_is_refused(tmp_path: Path) -> None:
    assert _refusal(tmp_path).got == "a folder"


# -- sizes ----------------------------------------------------------------------------------


def test_default_limit_is_documented_and_is_the_default() -> None:
    assert MAX_FILE_BYTES == 20 * 1024 * 1024
    for function in (sl.load, load_text):
        default = inspect.signature(function).parameters["max_file_bytes"].default
        assert default == MAX_FILE_BYTES


def test_scenario_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY_TEXT, encoding="utf-8")
    size = path.stat().st_size
    problem = _refusal(path, max_file_bytes=1000)
    assert (problem.field, problem.got) == ("(file)", f"{size:,} bytes")
    assert "at most 1,000 bytes" in problem.expected
    assert sl.load(path, max_file_bytes=size).name == "tiny"
    assert sl.load(path, max_file_bytes=None).name == "tiny"


def test_table_over_the_limit_is_refused(folder: Path) -> None:
    path = folder / "scenario.yaml"
    table = folder / "places.csv"
    table.write_text(table.read_text(encoding="utf-8") + "#" * 5000 + "\n", encoding="utf-8")
    limit = max(path.stat().st_size, (folder / "routes.geojson").stat().st_size)
    assert table.stat().st_size > limit
    problem = _refusal(path, max_file_bytes=limit)
    assert problem.field == "places.file"
    assert problem.got == f"'places.csv' ({table.stat().st_size:,} bytes)"
    assert len(sl.load(path, max_file_bytes=table.stat().st_size).places) == 6


def test_text_over_the_limit_is_refused() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_text(TINY_TEXT, "tiny.yaml", max_file_bytes=100)
    assert caught.value.field == "(file)"
    assert load_text(TINY_TEXT, "tiny.yaml", base_dir=DATA, max_file_bytes=None).name == "tiny"


@pytest.mark.parametrize("name", sl.scenario.builtin_names())
def test_builtin_scenarios_are_not_limited(name: str) -> None:
    assert sl.load(name, max_file_bytes=10).name == name


def test_a_refused_routes_table_is_the_one_problem_said(tmp_path: Path) -> None:
    """A routes table refused (a path through '..') also had road_use refused, as if no
    route had a capacity: checks that need the routes wait for routes that can be read."""
    text = (Path(sl.__file__).parent / "scenario/builtin/tutorial.yaml").read_text("utf-8")
    start, end = text.index("\nroutes:\n"), text.index("\ndemand:\n")
    (tmp_path / "s").mkdir()
    path = tmp_path / "s" / "tutorial.yaml"
    path.write_text(text[:start] + "\nroutes: {file: ../routes.csv}\n" + text[end:], "utf-8")
    (tmp_path / "routes.csv").write_text("from,to,length_km,modes\n", encoding="utf-8")
    assert "road_use" in text  # (the case: a mode's road_use checked against the routes)
    with pytest.raises(ScenarioError) as caught:
        sl.load(path)
    assert [p.field for p in caught.value.problems] == ["routes.file"]
