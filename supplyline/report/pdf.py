"""The report as PDF, printed from its HTML page by headless Chromium when one is installed.

Chromium is found on the ``PATH`` (``chromium``, ``chromium-browser``, ``google-chrome``) or
at ``SUPPLYLINE_CHROMIUM``. Without it :func:`write_pdf` raises :class:`PdfUnavailable`, and
the command line says so (exit code 2) instead of writing something else under a ``.pdf``
name. Where Chromium fails or takes too long, :func:`write_pdf` raises :class:`PdfFailed`
with the last lines Chromium wrote on standard error (the command line: exit code 1). The
page size and margins are the page's own (its CSS ``@page`` rule).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from contextlib import suppress
from pathlib import Path

from supplyline.report.safe_write import output_files

__all__ = ["CHROMIUM_ENV", "PdfFailed", "PdfUnavailable", "find_chromium", "unavailable",
           "write_pdf"]

#: Environment variable naming the Chromium (or Chrome) executable to print with.
CHROMIUM_ENV = "SUPPLYLINE_CHROMIUM"
_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--no-first-run",
          "--no-pdf-header-footer", "--generate-pdf-document-outline",
          "--host-resolver-rules=MAP * ~NOTFOUND")
#: How many of the last lines Chromium wrote on standard error a failure quotes, and how
#: much of each.
_STDERR_LINES, _LINE_CHARS = 3, 300


class PdfUnavailable(OSError):
    """No headless browser to print a PDF with (or, as :class:`PdfFailed`, it failed)."""


class PdfFailed(PdfUnavailable):
    """Chromium was found but did not print the PDF: it failed, or ran past its time."""


def find_chromium() -> str | None:
    """The Chromium executable to print with, or None when there is none."""
    named = os.environ.get(CHROMIUM_ENV, "").strip()
    if named:
        return named if Path(named).is_file() else shutil.which(named)
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def unavailable() -> str:
    """What to do when there is no Chromium to print with: where ``SUPPLYLINE_CHROMIUM`` names
    one that is not there, that it is not (setting it again would not help)."""
    named = os.environ.get(CHROMIUM_ENV, "").strip()
    if named:
        if Path(named).is_dir():
            where = "a folder, not a program"
        elif "/" in named or os.sep in named:
            where = "no such file"
        else:
            where = "not found on the PATH"
        return (f"{CHROMIUM_ENV}={named}: {where}; writing PDF needs headless Chromium "
                f"(set {CHROMIUM_ENV} to the Chromium or Chrome program, or unset it to look "
                "for one on the PATH); write .html instead and print it from a browser")
    return ("writing PDF needs headless Chromium (Debian: apt-get install chromium; or set "
            f"{CHROMIUM_ENV}); write .html instead and print it from a browser")


def write_pdf(page: str, path: Path, timeout_s: float = 120.0) -> Path:
    """Print the HTML ``page`` to the PDF file ``path`` (written whole or not at all).

    Raises
    ------
    PdfUnavailable
        When no Chromium is installed.
    PdfFailed
        When Chromium could not be started, did not write a PDF, or did not finish within
        ``timeout_s`` seconds; the message quotes the last lines it wrote on standard error.
    """
    chromium = find_chromium()
    if chromium is None:
        raise PdfUnavailable(unavailable())
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="supplyline-pdf-") as scratch:
        source = Path(scratch) / "report.html"
        source.write_text(page, encoding="utf-8")
        printed = Path(scratch) / "report.pdf"
        status, said = _run([chromium, *_FLAGS, f"--user-data-dir={scratch}/profile",
                             f"--print-to-pdf={printed}", source.as_uri()], timeout_s)
        if status is None:
            raise PdfFailed(f"Chromium did not finish printing within {timeout_s:g} s"
                            + _last_lines(said, scratch))
        if not printed.is_file() or not printed.read_bytes().startswith(b"%PDF"):
            how = (f"exit status {status}" if status >= 0 else f"killed by signal {-status}")
            raise PdfFailed(f"Chromium did not write a PDF ({how})" + _last_lines(said, scratch))
        with output_files(path.parent) as files, files.open(path.name, binary=True) as handle:
            handle.write(printed.read_bytes())
    return path


def _run(command: list[str], timeout_s: float) -> tuple[int | None, bytes]:
    """Run ``command``: its exit status (None when it ran past ``timeout_s``: it is then
    killed with every process it started) and what it wrote on standard error."""
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, start_new_session=True)
    except OSError as error:
        raise PdfFailed(f"Chromium could not be started: {error.strerror or error}") from None
    with process:
        try:
            said = process.communicate(timeout=timeout_s)[1]
        except subprocess.TimeoutExpired as late:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return None, late.stderr or b""
    return process.returncode, said


def _last_lines(said: bytes, scratch: str) -> str:
    """The last lines Chromium wrote on standard error, to quote (its temporary folder left
    out), or nothing when it wrote none."""
    lines = [line.strip().replace(scratch, "…")[:_LINE_CHARS] for line in
             said.decode("utf-8", "replace").splitlines() if line.strip()]
    return f"; Chromium said: {' | '.join(lines[-_STDERR_LINES:])}" if lines else ""
