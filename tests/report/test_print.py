"""The report on paper: laid out for print, nothing passes the page's right margin; printed to
PDF, the page is A4 and no heading is left at the foot of a page without what follows it;
and where Chromium fails or hangs, the command says so as a failed run (exit code 1), with
the last lines Chromium wrote and without its command line or temporary folder.

The layout in print is measured with Playwright driving Debian's Chromium (print media, a
window as wide as the page's text); the pages of the PDF are read from its structure tree
(Chromium writes tagged PDF: each heading, paragraph and figure with the page it is on).
Those tests are skipped where Chromium or Playwright is not installed; the failing and
hanging Chromium are shell scripts, and run everywhere."""

from __future__ import annotations

import json
import os
import re
import stat
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import supplyline as sl
from supplyline import cli
from supplyline.report.html import PAGE_MARGIN_MM, PAGE_WIDTH_MM, render_report
from supplyline.report.pdf import CHROMIUM_ENV, PdfFailed, PdfUnavailable, write_pdf

CHROMIUM = Path("/usr/bin/chromium")
TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"
#: The width of the printed page's text in CSS px (96 to the inch).
TEXT_WIDTH_PX = (PAGE_WIDTH_MM - 2 * PAGE_MARGIN_MM[1]) / 25.4 * 96
A4_PT = (595.0, 842.0)

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="printing needs Chromium at /usr/bin/chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def tutorial() -> sl.Plan:
    return sl.plan(sl.load("tutorial"))


def _script(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


# -- the layout in print ---------------------------------------------------------------------

#: What passes the right edge of the window (the page's text): every element, but inside an
#: SVG only the SVG itself (its text is drawn within it, and clipped to it).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter(el => el.tagName.toLowerCase() === "svg" || !el.closest("svg"))
    .map(el => [el.id || el.tagName, el.getBoundingClientRect().right])
    .filter(([, right]) => right > width + 0.5);
  return {width, page: document.documentElement.scrollWidth, wide: wide.slice(0, 10),
          tables: document.querySelectorAll("table").length,
          charts: document.querySelectorAll("svg.chart, svg.map").length};
}"""


@needs_chromium
def test_everything_fits_the_width_of_the_printed_page(tutorial: sl.Plan,
                                                       replay_plan: sl.Plan) -> None:
    """In print, the map and the charts shrink to the page and the tables fit it: on a
    screen the map keeps three quarters of its 1,100 px and wide tables scroll, but paper
    does not scroll, and what passed the margin was cut off (the busiest routes lost their
    days at capacity, the balance its stock at the end, the map its legend). The tutorial's
    report with its risk section, and the valley's with its model-against-history table."""
    sync_api = pytest.importorskip("playwright.sync_api")
    pages = {
        "tutorial": render_report(
            tutorial, results={"simulation": sl.simulate(tutorial, runs=20, seed=1)}),
        "valley": render_report(replay_plan, sl.validate(replay_plan)),
    }
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--no-sandbox"])
        try:
            tab = browser.new_page(viewport={"width": round(TEXT_WIDTH_PX), "height": 1000})
            tab.emulate_media(media="print")
            for name, page in pages.items():
                tab.set_content(page)
                measured = tab.evaluate(OVERFLOW)
                assert measured["tables"] >= 4 and measured["charts"] >= 6, name
                assert measured["wide"] == [], (name, measured["width"])
                assert measured["page"] <= measured["width"], name
        finally:
            browser.close()


# -- the PDF's pages -------------------------------------------------------------------------


def _objects(data: bytes) -> dict[int, bytes]:
    """The PDF's objects by number (their dictionaries; streams are not read)."""
    return {int(m[1]): m[2] for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", data, re.S)}


def _page_numbers(objects: dict[int, bytes]) -> dict[int, int]:
    """Each page object's number in the document, from 1."""
    def kids(body: bytes) -> list[int]:
        found = re.search(rb"/Kids\s*\[(.*?)\]", body, re.S)
        return [int(r) for r in re.findall(rb"(\d+) 0 R", found[1])] if found else []

    root = next(body for body in objects.values()
                if re.search(rb"/Type\s*/Pages\b", body) and b"/Parent" not in body)
    order: list[int] = []
    stack = kids(root)[::-1]
    while stack:
        ref = stack.pop()
        if re.search(rb"/Type\s*/Pages\b", objects[ref]):
            stack.extend(kids(objects[ref])[::-1])
        else:
            order.append(ref)
    return {ref: number for number, ref in enumerate(order, start=1)}


def _tagged_content(data: bytes) -> list[tuple[tuple[str, ...], int]]:
    """Each piece of the PDF's tagged content in reading order: the kinds of the structure
    elements it is in (``("Document", ..., "H2")``) and the page it is on."""
    objects = _objects(data)
    page_of = _page_numbers(objects)
    root = next((body for body in objects.values()
                 if re.search(rb"/Type\s*/StructTreeRoot\b", body)), None)
    if root is None:
        pytest.skip("this Chromium writes untagged PDF")
    found: list[tuple[tuple[str, ...], int]] = []

    def walk(body: bytes, kinds: tuple[str, ...], page: int) -> None:
        kind = re.search(rb"/S\s*/(\w+)", body)
        kinds = (*kinds, kind[1].decode()) if kind else kinds
        on = re.search(rb"/Pg\s+(\d+) 0 R", body)
        page = page_of[int(on[1])] if on else page
        items = re.search(rb"/K\s*(\[.*?\]|\d+ 0 R|\d+|<<.*?>>)", body, re.S)
        for item in re.findall(rb"<<.*?>>|\d+ 0 R|\d+", items[1] if items else b"", re.S):
            if item.endswith(b"R"):
                walk(objects[int(item.split()[0])], kinds, page)
            else:  # marked content: a number, or a reference to it on a page of its own
                on = re.search(rb"/Pg\s+(\d+) 0 R", item)
                found.append((kinds, page_of[int(on[1])] if on else page))

    walk(root, (), 0)
    return found


def stranded_headings(data: bytes) -> list[tuple[str, int]]:
    """The headings (h2, h3) whose page is not the page of the content that follows them."""
    content = _tagged_content(data)
    stranded = []
    for i, (kinds, page) in enumerate(content):
        if kinds[-1] in ("H2", "H3"):
            after = next((p for k, p in content[i + 1:] if not {"H2", "H3"} & set(k)), page)
            if after != page:
                stranded.append((kinds[-1], page))
    return stranded


@pytest.fixture(scope="module")
def printed(tutorial: sl.Plan, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The tutorial's report printed to PDF as the command line prints it."""
    if not CHROMIUM.exists():
        pytest.skip("printing needs Chromium at /usr/bin/chromium (apt-get install chromium)")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CHROMIUM_ENV, str(CHROMIUM))
        path = write_pdf(render_report(tutorial), tmp_path_factory.mktemp("pdf") / "r.pdf")
    return path.read_bytes()


def test_the_pdf_is_a4_with_the_sections_as_bookmarks(printed: bytes) -> None:
    """The page is the report's own (A4, its margins), not Chromium's default (US Letter)."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", printed)
    assert boxes and all(abs(float(w) - A4_PT[0]) < 1 and abs(float(h) - A4_PT[1]) < 1
                         for w, h in boxes), boxes
    assert b"/Outlines" in printed and b"(Network and flows)" in printed


def test_no_heading_ends_a_page_of_the_pdf(printed: bytes) -> None:
    """"Network and flows" was the last line of the first page, its map on the second, and
    three more headings ended a page so; each now stays with what follows it."""
    content = _tagged_content(printed)
    assert sum(kinds[-1] == "H2" for kinds, _ in content) >= 9
    assert max(page for _, page in content) >= 4
    assert stranded_headings(printed) == []


# -- a Chromium that fails -------------------------------------------------------------------


def test_a_chromium_that_fails_is_a_failed_run_in_its_own_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exit code 1 (the run failed; 2 is for bad input, as when there is no Chromium at all),
    with the last lines Chromium wrote; its output was thrown away, and the message was
    "Chromium did not write a PDF" with exit code 2."""
    chromium = _script(tmp_path, "chromium", 'for arg; do last=$arg; done\n'
                                             'echo "starting" >&2\n'
                                             'echo "cannot open $last" >&2\n'
                                             'echo "Printing failed: no printer" >&2\n'
                                             "exit 3\n")
    monkeypatch.setenv(CHROMIUM_ENV, str(chromium))
    target = tmp_path / "out" / "report.pdf"
    result = CliRunner().invoke(cli.app, ["report", str(TINY), "--out", str(target), "--json"])
    assert result.exit_code == 1, result.output
    error = json.loads(result.stdout)["error"]
    message = error["message"]
    assert error["kind"] == "output" and "exit status 3" in message
    assert message.endswith("Printing failed: no printer")
    assert "cannot open file://…/report.html" in message  # its temporary folder left out
    assert "supplyline-pdf-" not in message and "--print-to-pdf" not in message
    assert not target.exists()


def test_a_chromium_that_hangs_is_stopped_with_all_it_started(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Chromium that never finishes is killed, with the processes it started, at the time
    limit; the message says so in a line, without the command line or temporary folder."""
    started = tmp_path / "child.pid"
    chromium = _script(tmp_path, "chromium", 'echo "loading the page" >&2\n'
                                             f"sleep 60 & echo $! > {started}\nwait\n")
    monkeypatch.setenv(CHROMIUM_ENV, str(chromium))
    began = time.monotonic()
    with pytest.raises(PdfFailed) as failed:
        write_pdf("<p>a page</p>", tmp_path / "report.pdf", timeout_s=1)
    assert time.monotonic() - began < 10
    assert str(failed.value) == ("Chromium did not finish printing within 1 s; Chromium said: "
                                 "loading the page")
    assert not (tmp_path / "report.pdf").exists()
    child = int(started.read_text(encoding="utf-8"))
    for _ in range(50):  # gone, or a zombie waiting to be reaped
        status = Path(f"/proc/{child}/status")
        if not status.exists() or "\nState:\tZ" in status.read_text(encoding="utf-8"):
            break
        time.sleep(0.1)
    else:
        os.kill(child, 9)
        raise AssertionError("the process Chromium started still runs")


def test_no_chromium_is_not_a_failed_print(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Where there is no Chromium at all, the error is the one that says how to get one (on
    the command line: bad input, exit code 2), not a failed print."""
    monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path / "no-such-browser"))
    with pytest.raises(PdfUnavailable) as missing:
        write_pdf("<p>a page</p>", tmp_path / "report.pdf")
    assert not isinstance(missing.value, PdfFailed)
    assert "needs headless Chromium" in str(missing.value)


def test_a_chromium_named_that_is_not_there_is_said_so(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """With SUPPLYLINE_CHROMIUM naming a file that does not exist, the error told the user to
    set SUPPLYLINE_CHROMIUM, which was set: it now names the path as not found."""
    from supplyline.report.pdf import unavailable

    missing = tmp_path / "no-such-browser"
    monkeypatch.setenv(CHROMIUM_ENV, str(missing))
    with pytest.raises(PdfUnavailable) as raised:
        write_pdf("<p>a page</p>", tmp_path / "report.pdf")
    assert str(raised.value).startswith(f"{CHROMIUM_ENV}={missing}: no such file; writing PDF "
                                        "needs headless Chromium")
    monkeypatch.setenv(CHROMIUM_ENV, "no-such-browser-on-the-path")
    assert unavailable().startswith(f"{CHROMIUM_ENV}=no-such-browser-on-the-path: not found "
                                    "on the PATH;")
    monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path))
    assert unavailable().startswith(f"{CHROMIUM_ENV}={tmp_path}: a folder, not a program;")
    monkeypatch.delenv(CHROMIUM_ENV)
    assert unavailable().startswith("writing PDF needs headless Chromium (Debian: apt-get")
