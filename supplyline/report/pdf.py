"""The report as PDF, printed from its HTML page by headless Chromium when one is installed.

Chromium is found on the ``PATH`` (``chromium``, ``chromium-browser``, ``google-chrome``) or
at ``SUPPLYLINE_CHROMIUM``. Without it :func:`write_pdf` raises :class:`PdfUnavailable`, and
the command line says so (exit code 2) instead of writing something else under a ``.pdf``
name.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from supplyline.report.safe_write import output_files

__all__ = ["CHROMIUM_ENV", "PdfUnavailable", "find_chromium", "unavailable", "write_pdf"]

#: Environment variable naming the Chromium (or Chrome) executable to print with.
CHROMIUM_ENV = "SUPPLYLINE_CHROMIUM"
_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--no-first-run",
          "--no-pdf-header-footer", "--host-resolver-rules=MAP * ~NOTFOUND")


class PdfUnavailable(OSError):
    """No headless browser to print a PDF with, or it failed."""


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
    """What to do when there is no Chromium to print with."""
    return ("writing PDF needs headless Chromium (Debian: apt-get install chromium; or set "
            f"{CHROMIUM_ENV}); write .html instead and print it from a browser")


def write_pdf(page: str, path: Path, timeout_s: float = 120.0) -> Path:
    """Print the HTML ``page`` to the PDF file ``path`` (written whole or not at all).

    Raises
    ------
    PdfUnavailable
        When no Chromium is installed, or it did not write a PDF.
    """
    chromium = find_chromium()
    if chromium is None:
        raise PdfUnavailable(unavailable())
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="supplyline-pdf-") as scratch:
        source = Path(scratch) / "report.html"
        source.write_text(page, encoding="utf-8")
        printed = Path(scratch) / "report.pdf"
        try:
            subprocess.run(
                [chromium, *_FLAGS, f"--user-data-dir={scratch}/profile",
                 f"--print-to-pdf={printed}", source.as_uri()],
                capture_output=True, timeout=timeout_s, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise PdfUnavailable(f"Chromium could not print the report: {error}") from None
        if not printed.is_file() or not printed.read_bytes().startswith(b"%PDF"):
            raise PdfUnavailable("Chromium did not write a PDF")
        with output_files(path.parent) as files, files.open(path.name, binary=True) as handle:
            handle.write(printed.read_bytes())
    return path
