"""Output files are written whole or not at all, never through a symlink, one run at a time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from supplyline.report.safe_write import OutputBusyError, output_files


def test_files_appear_together_when_all_are_written(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    with output_files(folder) as files:
        with files.open("a.csv") as handle:
            handle.write("x\n1\n")
        with files.open("b.bin", binary=True) as handle:
            handle.write(b"\x00\x01")
        assert not (folder / "a.csv").exists()  # not under its name before the end
    assert files.written == [folder / "a.csv", folder / "b.bin"]
    assert (folder / "a.csv").read_text(encoding="utf-8") == "x\n1\n"
    assert (folder / "b.bin").read_bytes() == b"\x00\x01"
    assert sorted(p.name for p in folder.iterdir()) == ["a.csv", "b.bin"]  # no temporary left


def test_a_failed_run_leaves_the_earlier_files_and_no_trace(tmp_path: Path) -> None:
    with output_files(tmp_path) as files, files.open("a.csv") as handle:
        handle.write("earlier\n")
    with pytest.raises(RuntimeError), output_files(tmp_path) as files:
        with files.open("a.csv") as handle:
            handle.write("later\n")
        with files.open("b.csv") as handle:
            handle.write("half a li")
            raise RuntimeError("killed midway")
    assert (tmp_path / "a.csv").read_text(encoding="utf-8") == "earlier\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]


def test_a_failed_run_removes_the_folders_it_made(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt), output_files(tmp_path / "new" / "out") as files:
        with files.open("a.csv") as handle:
            handle.write("x")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_a_symlink_at_a_final_name_is_replaced_and_its_target_kept(tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me", encoding="utf-8")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "a.csv").symlink_to(target)
    with output_files(folder) as files, files.open("a.csv") as handle:
        handle.write("new")
    assert target.read_text(encoding="utf-8") == "keep me"
    assert not (folder / "a.csv").is_symlink()
    assert (folder / "a.csv").read_text(encoding="utf-8") == "new"


def test_only_plain_names_are_written(tmp_path: Path) -> None:
    with (pytest.raises(ValueError, match="without a folder"), output_files(tmp_path) as files,
          files.open("../escape.csv")):
        pass
    assert not (tmp_path.parent / "escape.csv").exists()


def test_two_writers_cannot_share_a_folder(tmp_path: Path) -> None:
    with output_files(tmp_path) as first:
        with pytest.raises(OutputBusyError, match="another run"), output_files(tmp_path):
            pass
        with first.open("a.csv") as handle:
            handle.write("first")
    with output_files(tmp_path) as files, files.open("a.csv") as handle:  # free again
        handle.write("second")
    assert (tmp_path / "a.csv").read_text(encoding="utf-8") == "second"


def test_a_lock_held_by_another_process_is_refused_and_released_when_it_dies(
    tmp_path: Path,
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path\n"
         "from supplyline.report.safe_write import output_files\n"
         "with output_files(Path(sys.argv[1])):\n"
         "    print('held', flush=True); time.sleep(60)\n", str(tmp_path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(OutputBusyError), output_files(tmp_path):
            pass
    finally:
        holder.kill()
        holder.wait()
    with output_files(tmp_path) as files, files.open("a.csv") as handle:  # no stale lock
        handle.write("x")
    assert (tmp_path / "a.csv").is_file()


@pytest.mark.parametrize("fails", ["aside", "in place"])
def test_a_file_that_cannot_be_replaced_leaves_every_file_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fails: str) -> None:
    """A file the run may not replace (another user's in a shared folder, an immutable
    one): 2 of 7 files were put in place before it failed, and the error named a temporary
    file. Now none is, whether the old file cannot be moved aside or the new one put in its
    place, and the error names the file."""
    import os

    from supplyline.report import safe_write

    for name in ("a.csv", "b.csv", "c.csv"):
        (tmp_path / name).write_text(f"earlier {name}\n", encoding="utf-8")
    replace = os.replace

    def refused(source: str | Path, target: str | Path) -> None:
        moving = Path(source) == tmp_path / "b.csv" if fails == "aside" else (
            Path(target) == tmp_path / "b.csv" and str(source).endswith(".tmp"))
        if moving:
            raise PermissionError(1, "Operation not permitted", str(source))
        replace(source, target)

    monkeypatch.setattr(safe_write.os, "replace", refused)
    with pytest.raises(PermissionError) as caught, output_files(tmp_path) as files:
        for name in ("a.csv", "b.csv", "c.csv", "d.csv"):
            with files.open(name) as handle:
                handle.write(f"later {name}\n")
    assert caught.value.filename == str(tmp_path / "b.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv", "c.csv"]
    for name in ("a.csv", "b.csv", "c.csv"):
        assert (tmp_path / name).read_text(encoding="utf-8") == f"earlier {name}\n"
    assert files.written == []
