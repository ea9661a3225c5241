"""The report's layout measured in a browser (Playwright driving Debian's Chromium) on a phone
(400 px), a desktop (1280 px) and the printed page: headline figures stay inside their card,
values are not broken at their hyphens, legend swatches keep their size and columns of names
keep a readable width. Skipped where Chromium or Playwright is not installed."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import supplyline as sl
from supplyline.report.html import CSS, _kpi, render_report
from supplyline.scenario.schema import Scenario

CHROMIUM = Path("/usr/bin/chromium")
PRINT_WIDTH = 703  # the printed page's text, in CSS px (test_print)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="layout checks need Chromium at /usr/bin/chromium (apt-get install chromium)")

NOTE = ("interior point without crossover: optimal by HiGHS's criteria after undoing its "
        "presolve, proven gap 6.3e-09 to the lower bound its dual values give; the dual values "
        "(used to explain shortfalls) are approximate")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def tutorial() -> sl.Plan:
    """The tutorial planned in steps (the step caveat names a command)."""
    return sl.plan(sl.load("tutorial"), step_days=3)


@pytest.fixture(scope="module")
def pages(tutorial: sl.Plan, valley_doc: Callable[[], dict[str, Any]]) -> list[str]:
    """The tutorial planned in steps (the step caveat names a command), with an interior
    point's note; and the valley with a hyphenated region tag."""
    doc = valley_doc()
    doc["places"][0]["regions"] = ["viet-bac"]
    valley = sl.plan(Scenario.model_validate(doc))
    return [render_report(dataclasses.replace(plan, solver_note=NOTE))
            for plan in (tutorial, valley)]


def _measure(browser: Any, page: str, width: int, script: str, printed: bool = False) -> Any:
    tab = browser.new_page(viewport={"width": width, "height": 900})
    try:
        if printed:
            tab.emulate_media(media="print")
        tab.set_content(page)
        return tab.evaluate(script)
    finally:
        tab.close()


#: Line boxes of every value kept on one line (a command, a tag, a number with a power of
#: ten): more than one is a break at its hyphen.
UNBROKEN = """() => [...document.querySelectorAll("code, .nowrap")].map(el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  return [el.textContent, lines.size];
})"""


def test_values_are_not_broken_at_their_hyphens(browser: Any, pages: list[str]) -> None:
    """`plan --` / `compare-daily` (phone), `6.3e-` / `09` (print) and `viet-` / `bac`
    (print) broke across lines."""
    for page in pages:
        for width, printed in ((400, False), (PRINT_WIDTH, True)):
            values = _measure(browser, page, width, UNBROKEN, printed)
            assert values, width
            assert [v for v in values if v[1] != 1] == [], (width, printed)
    said = {text for page in pages for text, _ in _measure(browser, page, 400, UNBROKEN)}
    assert {"supplyline plan --compare-daily", "6.3e-09", "viet-bac"} <= said


SWATCHES = """() => [...document.querySelectorAll(".swatch")].map(
  el => el.getBoundingClientRect().width)"""


def test_legend_swatches_keep_their_size_beside_a_wrapped_label(browser: Any,
                                                                 pages: list[str]) -> None:
    """The burden bound's dashed swatch shrank from 18 px to 8.5 px on a phone, one short
    tick beside its label's second line."""
    for width, printed in ((400, False), (PRINT_WIDTH, True), (1280, False)):
        widths = _measure(browser, pages[0], width, SWATCHES, printed)
        assert len(widths) >= 5 and min(widths) >= 10.5, width  # (a dot is 11 px)
    dash = """() => document.querySelector(".swatch.dash").getBoundingClientRect().width"""
    assert _measure(browser, pages[0], 400, dash) == pytest.approx(18.0, abs=0.5)


NAMES = """() => {
  const em = parseFloat(getComputedStyle(document.querySelector("table")).fontSize);
  const names = [...document.querySelectorAll("#table-routes td.name")].map(
    el => el.getBoundingClientRect().width / em);
  const headers = [...document.querySelectorAll("th.short")].map(el => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
  });
  return {names, headers};
}"""


def test_columns_of_names_keep_a_readable_width_on_a_phone(browser: Any,
                                                           pages: list[str]) -> None:
    """In a table that scrolls sideways anyway, "Bridge junction → Ridge relief depot" took
    five lines of its column, and headers split as "+short / t"."""
    measured = _measure(browser, pages[0], 400, NAMES)
    assert len(measured["names"]) >= 6  # the "from → to" column of the busiest routes
    assert min(measured["names"]) >= 12 - 0.05
    assert measured["headers"] and max(measured["headers"]) == 1


def test_a_long_headline_figure_stays_inside_its_card(browser: Any) -> None:
    """The built-in plan's 1,051,569 labour-days was 135 px wide in a 120 px card at 1280
    px (and at 700 and 900)."""
    cards = "".join([_kpi("Delivered", "11,232 t", "of 11,237 t demanded (99.96%)", True),
                     _kpi("Shortfall days", "14", "of 158 days", True),
                     _kpi("Mobilized", "12,391 t", "viet-bac 7,000 t"),
                     _kpi("Eaten on the way", "844 t", "6.81% of what was mobilized"),
                     _kpi("Labour-days", "1,051,569", "carriers 1,049,000"),
                     _kpi("Cost per tonne", "1,234,567 đ", "1 in all"),
                     _kpi("Wounded waiting too long", "12,345", "person-days", True)])
    page = (f"<!DOCTYPE html><html><head><style>{CSS}</style></head><body><main>"
            f'<div class="kpis">{cards}</div></main></body></html>')
    script = """() => [...document.querySelectorAll(".kpi .value")].map(
      el => [el.textContent, el.scrollWidth - el.clientWidth])"""
    for width in (400, 700, 900, 1280):
        over = [(text, px) for text, px in _measure(browser, page, width, script) if px > 0]
        assert over == [], width


#: How far the page reaches past the screen's right edge, and the line boxes of each word of
#: a command kept whole (more than one: a break at its hyphen).
SIDEWAYS = """() => ({
  over: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  words: [...document.querySelectorAll("code .nowrap")].map(el => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return [el.textContent, new Set([...range.getClientRects()].map(r => Math.round(r.top))).size];
  }),
  commands: [...document.querySelectorAll("code")].map(el => el.textContent),
})"""


def test_a_command_longer_than_a_phone_wraps_between_its_words(browser: Any,
                                                              tutorial: sl.Plan) -> None:
    """The built-in scenario's header names `supplyline report dien-bien-phu-1954 --replay
    historical`, kept on one line: 470 px wide on a 400 px phone, the page scrolled sideways
    and the command was cut at the screen's edge. A command as long (a scenario given by its
    path) now wraps between its words, never at a hyphen, and fits."""
    command = "supplyline report ./scenarios/kestrel-relief-1954.yaml --replay pledged"
    page = render_report(tutorial, scenario="./scenarios/kestrel-relief-1954.yaml")
    for width in (360, 400):
        measured = _measure(browser, page, width, SIDEWAYS)
        assert measured["over"] <= 0, width
        assert command in measured["commands"]
        words = measured["words"]
        assert set(command.split()) <= {w for w, _ in words}, words
        assert [w for w in words if w[1] != 1] == [], width
