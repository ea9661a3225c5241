"""The dashboard in a real browser (Playwright driving Debian's Chromium): a commune clerk
logs in, records a contribution and sees the depot's stock change; a bad amount is shown at
its field; the ledger filters and exports CSV; the council re-plans. Screenshots are kept
in test-artifacts/.
Skipped where Chromium or Playwright is missing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import supplyline as sl
from supplyline.ops import open_books
from supplyline.ops.accounts import add_account
from tests.ops.live import in_process

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="the browser test needs Chromium at /usr/bin/chromium (apt-get install chromium)",
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The API and dashboard on a free loopback port, in this process."""
    books = open_books(tmp_path / "books.db", sl.load("tutorial"))
    add_account(books, "high-clerk", "high-password", "commune", "high-village")
    add_account(books, "council", "council-password", "council")
    with in_process(books) as base:
        yield base + "/"
    books.close()


def test_a_commune_clerk_records_a_contribution(server: str) -> None:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        outside: list[str] = []
        page.on("request", lambda r: None if r.url.startswith(server) else outside.append(r.url))
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server)
        page.fill("#login-name", "high-clerk")
        page.fill("#login-password", "high-password")
        page.click("#login-button")
        page.wait_for_selector("#overview:not([hidden])")
        depot = page.locator('#stocks tr[data-place="ridge-depot"] .stock-kg')
        assert depot.count() == 0  # the depot holds nothing yet

        page.click('nav [data-view="record"]')
        page.select_option("#f-kind", "contribution")
        page.fill("#f-date", "2024-11-02")
        page.select_option("#f-at", "ridge-depot")
        page.fill("#f-kg", "0")
        page.click("#entry-submit")
        error = page.locator("#err-kg")
        error.wait_for(state="visible")
        assert "greater than 0" in error.inner_text()
        assert "bad" in (page.get_attribute("#f-kg", "class") or "")

        page.fill("#f-kg", "1250")
        page.click("#entry-submit")
        page.wait_for_selector("#entry-ok:has-text('Recorded as entry #1')")
        assert page.inner_text("#err-kg") == ""

        page.click('nav [data-view="overview"]')
        depot.wait_for()
        assert depot.inner_text() == "1,250"
        assert page.locator("#map line").count() == 8
        assert page.locator("#chart polyline").count() == 2
        page.select_option("#compare", "locality|high-village")
        page.wait_for_selector("#chart text:has-text('actual 1,250 kg')")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard-overview.png"), full_page=True)

        # The ledger, filtered, and its CSV export.
        page.click('nav [data-view="ledger"]')
        page.wait_for_selector("#entries tbody tr")
        row = page.inner_text("#entries tbody tr")
        assert "contribution" in row and "high-clerk" in row and "1250" in row
        page.select_option("#ledger-filters select[name=kind]", "pledge")
        page.click("#ledger-filters button[type=submit]")
        page.wait_for_function("document.querySelectorAll('#entries tbody tr').length === 0")
        page.select_option("#ledger-filters select[name=kind]", "")
        with page.expect_download() as download:
            page.click("#csv")
        lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("id,kind,date,place") and len(lines) == 2
        assert page.is_hidden('nav [data-view="replan"]')  # the council's only

        # The council re-plans from the books.
        page.click("#logout")
        page.fill("#login-name", "council")
        page.fill("#login-password", "council-password")
        page.click("#login-button")
        page.wait_for_selector("#overview:not([hidden])")
        page.click('nav [data-view="replan"]')
        page.fill("#replan-date", "2024-11-01")
        page.click("#replan-button")
        page.wait_for_selector("#err-as_of:has-text('expected a day after 2024-11-01')")
        page.click("#plan-button")
        page.wait_for_selector("#replan-status:has-text('kept as plan #1')", timeout=60_000)
        page.fill("#replan-date", "2024-11-05")
        page.click("#replan-button")
        page.wait_for_selector("#replan-status:has-text('against plan #1')", timeout=60_000)
        assert "Re-plan optimal, kept as plan #2" in page.inner_text("#replan-status")
        assert page.locator("#changes tbody tr").count() > 3
        page.screenshot(path=str(ARTIFACTS / "dashboard-replan.png"), full_page=True)

        # The council adds a depot clerk (a locality is no depot: said at the field).
        page.click('nav [data-view="accounts"]')
        page.wait_for_selector("#account-list tbody tr")
        page.fill("#a-name", "bridge-clerk")
        page.fill("#a-password", "bridge-password")
        page.select_option("#a-role", "depot")
        page.select_option("#a-place", "far-village")
        page.click("#account-submit")
        page.wait_for_selector("#aerr-place:has-text('not a locality')")
        page.select_option("#a-place", "bridge")
        page.click("#account-submit")
        page.wait_for_selector("#account-list td:has-text('bridge-clerk')")
        browser.close()
    assert errors == [] and outside == []


@pytest.fixture
def long_names(tmp_path: Path) -> Iterator[str]:
    """The tutorial with long place names, 40 porters sent to the ridge depot (convoy 2)."""
    sc = sl.load("tutorial")
    places = [p.model_copy(update={"name": f"{p.name}, a long way from anywhere else"})
              for p in sc.places]
    books = open_books(tmp_path / "books.db", sc.model_copy(update={"places": places}))
    add_account(books, "council", "council-password", "council")
    books.append_many([
        {"kind": "labour", "date": "2024-11-01", "locality": "high-village", "persons": 40,
         "days": 20, "role": "carrier", "mode": "porter"},
        {"kind": "dispatch", "date": "2024-11-01", "from": "high-village",
         "to": "ridge-depot", "mode": "porter", "units": 40}], "council")
    with in_process(books) as base:
        yield base + "/"
    books.close()


def test_units_lost_are_recorded_and_no_place_name_runs_off_the_map(long_names: str) -> None:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(long_names)
        page.fill("#login-name", "council")
        page.fill("#login-password", "council-password")
        page.click("#login-button")
        page.wait_for_selector("#overview:not([hidden])")
        page.wait_for_selector("#map text[data-place]")
        width = float(page.get_attribute("#map svg", "width") or 0)
        spans = page.eval_on_selector_all(
            "#map text[data-place]",
            "ts => ts.map(t => { const b = t.getBBox(); return [b.x, b.x + b.width]; })")
        assert len(spans) == 8 and width > 0
        assert all(left >= 0 and right <= width for left, right in spans), spans

        page.click('nav [data-view="record"]')
        page.select_option("#f-kind", "receipt")
        page.fill("#f-dispatch", "2")
        page.fill("#f-units_lost", "41")
        page.select_option("#f-unit_reason", "strike")
        page.click("#entry-submit")
        page.wait_for_selector("#err-units_lost:has-text('at most the 40 units')")
        page.fill("#f-units_lost", "3")
        page.click("#entry-submit")
        page.wait_for_selector("#entry-ok:has-text('Recorded as entry #3')")
        page.click('nav [data-view="overview"]')
        page.wait_for_selector("#losses:has-text('3 porter units (strike)')")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard-long-names.png"), full_page=True)
        browser.close()
    assert errors == []
