"""The report in a real browser: headless Chromium opens it from disk, draws it without console
errors and without a single network request, and leaves a screenshot in test-artifacts/.

Chromium writes a network log (``--log-net-log``) of every request; the page's own requests
are those made for the ``file://`` site, which tells them apart from the browser's own
background traffic. Skipped where Chromium is not installed (Debian package ``chromium``).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

import supplyline as sl
from supplyline.report.html import write_report

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
    "--enable-logging=stderr", "--v=0", "--host-resolver-rules=MAP * ~NOTFOUND",
)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="headless browser check needs Chromium at /usr/bin/chromium (apt-get install chromium)",
)


@dataclass
class Visit:
    """What the browser did with a page."""

    output: str  # stdout: the DOM with --dump-dom
    console: list[str]  # console messages the page produced
    requests: list[str]  # URLs the page asked for, other than local files


def visit(page: Path, scratch: Path, *extra: str) -> Visit:
    """Open ``page`` in headless Chromium with ``extra`` flags and report what happened."""
    net_log = scratch / "net-log.json"
    done = subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={scratch / 'profile'}",
         f"--log-net-log={net_log}", *extra, page.resolve().as_uri()],
        capture_output=True, text=True, timeout=90, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    requests = [
        event["params"]["url"]
        for event in log["events"]
        if event["type"] == start_job
        and "file://" in event["params"].get("network_isolation_key", "")
        and not event["params"]["url"].startswith("file:")
    ]
    return Visit(done.stdout, console, requests)


@pytest.fixture(scope="module")
def report(replay_plan: sl.Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    return write_report(replay_plan, folder / "report.html", sl.validate(replay_plan))


def test_report_draws_offline_without_errors(
    report: Path, artifacts: Path, tmp_path: Path
) -> None:
    shot = artifacts / "report.png"
    shot.unlink(missing_ok=True)
    seen = visit(report, tmp_path, "--window-size=1200,2600", f"--screenshot={shot}")
    assert seen.console == []
    assert seen.requests == []
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a drawn page, not a blank one


def test_browser_builds_every_element(report: Path, tmp_path: Path) -> None:
    dom = visit(report, tmp_path, "--dump-dom").output
    for element_id in ("network-map", "chart-deliveries", "chart-stock", "chart-carriers",
                       "chart-eaten", "chart-burden", "table-validation"):
        assert f'id="{element_id}"' in dom


def test_the_check_catches_a_page_that_goes_online(tmp_path: Path) -> None:
    """The two checks above would see a page that fetches or fails: a control."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><title>x</title><img src="http://example.invalid/x.png">'
                   '<script>console.error("boom")</script>', encoding="utf-8")
    seen = visit(bad, tmp_path, "--dump-dom")
    assert seen.requests == ["http://example.invalid/x.png"]
    assert any("boom" in line for line in seen.console)
