"""Output files written whole or not at all.

:func:`output_files` gives a set of files to write into one folder. Each file is written to a
temporary file beside its final name (``.<name>.<random>.tmp``, created exclusively, so a
symlink planted there is never followed) and renamed into place with :func:`os.replace` once
every file of the set is complete. Hence:

- a reader never sees a half-written file under a final name, even when the run is killed;
- a symlink at a final name is replaced by the file, and its target is left alone;
- a run that fails (an exception, Ctrl-C) removes its temporary files, and the folder if it
  made it, and leaves the files of an earlier run as they were; so does a run one of whose
  files may not be replaced (another user's in a shared folder): the files it would replace
  are moved aside first, and put back where any step fails;
- two runs cannot write into the same folder at once: the folder is locked
  (:func:`fcntl.flock`, released by the system when the process ends, so a killed run leaves
  no stale lock) and the second run gets :class:`OutputBusyError`;
- the temporary files that a run killed outright left for a name are removed by the next
  run that writes that name;
- a scenario file the process has read (its YAML or a table beside it) is never replaced:
  :class:`InputFileError` (``--export`` into a scenario's own folder would have overwritten
  its ``places.geojson``).

>>> from pathlib import Path
>>> with output_files(Path("out")) as files:  # doctest: +SKIP
...     with files.open("a.csv") as handle:
...         handle.write("x\\n1\\n")
"""

from __future__ import annotations

import errno
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: folders are not locked
    fcntl = None  # type: ignore[assignment]

from supplyline.scenario.load import was_read

__all__ = ["InputFileError", "OutputBusyError", "OutputFiles", "output_files"]


class OutputBusyError(OSError):
    """Another run is writing into the same folder."""


class InputFileError(OSError):
    """The name to write is a scenario file this process has read."""


class OutputFiles:
    """The files of one run into one folder: written to temporary files, then renamed into
    place all together by :meth:`commit`, or removed by :meth:`discard`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.written: list[Path] = []  # the final paths, once committed
        self._pending: list[tuple[Path, Path]] = []  # (temporary, final)

    @contextmanager
    def open(self, name: str, binary: bool = False) -> Iterator[IO[Any]]:
        """A new file to write that will be called ``name`` in the folder once committed
        (UTF-8 text with ``\\n`` line ends, or bytes)."""
        if Path(name).name != name:
            raise ValueError(f"expected a file name without a folder, got {name!r}")
        final = self.directory / name
        if was_read(final):
            raise InputFileError(errno.EEXIST, f"{name} is a scenario file this run read "
                                 "(its YAML or one of its tables): write elsewhere")
        left = re.compile(rf"\.{re.escape(name)}\.[0-9a-f]{{12}}\.tmp")
        for path in self.directory.iterdir():  # by a killed run: no other run holds the lock
            if left.fullmatch(path.name):
                path.unlink(missing_ok=True)
        temporary = self.directory / f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except OSError as error:  # said of the file asked for, not of its temporary
            raise OSError(error.errno, error.strerror, str(final)) from error
        self._pending.append((temporary, final))
        if binary:
            handle: IO[Any] = os.fdopen(descriptor, "wb")
        else:
            handle = os.fdopen(descriptor, "w", encoding="utf-8", newline="")
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())

    def commit(self) -> None:
        """Rename every file into place (:attr:`written` lists them in the order opened);
        none where any of them cannot be, and the error names that file (a folder where a
        file is to go: 14 of 15 files were in place before the 15th failed; a file that
        may not be replaced, another user's in a shared folder: 2 of 7 were, and the error
        named a temporary file). The files they replace are first moved aside, then the
        new ones put in place; where a step fails, what was done is undone."""
        for _temporary, final in self._pending:
            if final.is_dir():
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(final))
        aside: list[tuple[Path, Path]] = []  # (final, where the file it replaces went)
        placed: list[Path] = []
        try:
            for _temporary, final in self._pending:
                if final.exists() or final.is_symlink():
                    old = final.with_name(f".{final.name}.{secrets.token_hex(6)}.old")
                    _rename(final, old, final)
                    aside.append((final, old))
            for temporary, final in self._pending:
                _rename(temporary, final, final)
                placed.append(final)
        except BaseException:  # (Ctrl-C too: no file is left only under a hidden name)
            for final in placed:
                with suppress(OSError):
                    final.unlink()
            for final, old in aside:
                with suppress(OSError):
                    os.replace(old, final)
            raise
        for _final, old in aside:
            with suppress(OSError):
                old.unlink()
        self.written += placed
        self._pending = []

    def discard(self) -> None:
        """Remove the temporary files (those already renamed into place are gone)."""
        for temporary, _final in self._pending:
            with suppress(OSError):
                temporary.unlink()
        self._pending = []


def _rename(source: Path, target: Path, said: Path) -> None:
    """``os.replace``, its error said of ``said`` (the file asked for, not a temporary)."""
    try:
        os.replace(source, target)
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(said)) from error


@contextmanager
def output_files(directory: Path) -> Iterator[OutputFiles]:
    """Files to write into ``directory`` (made if needed), committed when the block ends
    without an error and discarded when it does not (the folder too, if this call made it).

    Raises
    ------
    OutputBusyError
        When another run holds the folder.
    OSError
        When the folder cannot be made or written.
    """
    directory = Path(directory)
    made = [d for d in (directory, *directory.parents) if not d.exists()]
    directory.mkdir(parents=True, exist_ok=True)
    try:
        with _locked(directory):
            files = OutputFiles(directory)
            try:
                yield files
                files.commit()
            except BaseException:
                files.discard()
                raise
    except BaseException:
        for folder in made:  # the deepest first; stops at the first that is not empty
            try:
                folder.rmdir()
            except OSError:
                break
        raise


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder itself (no lock file is left behind)."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputBusyError(errno.EBUSY, "another run is writing into this folder",
                                  str(directory)) from None
        yield
    finally:
        os.close(descriptor)
