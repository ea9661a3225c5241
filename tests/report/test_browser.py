"""The report in a real browser: headless Chromium opens it from disk, draws it without console
errors and without a single network request, and leaves a screenshot in test-artifacts/.

Chromium writes a network log (``--log-net-log``) of every request; the page's own requests
are those made for the ``file://`` site, which tells them apart from the browser's own
background traffic. Skipped where Chromium is not installed (Debian package ``chromium``).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import supplyline as sl
from supplyline.report.html import write_report
from supplyline.scenario.schema import Scenario
from tests.report.test_map import _crowded_front, _packed_hamlets

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


#: Appended to a scratch copy of a report (never to the report itself, which runs no script):
#: measures every place name on the map with the browser's own fonts and writes the pairs
#: that overlap, and the names that stick out of the map, into the page.
MEASURE = """<script>
const map = document.getElementById("network-map");
const frame = map.querySelector("rect").getBBox();
const boxes = [...map.querySelectorAll("text[data-place], g.map-number")].map(
  el => [el.getAttribute("data-place"), el.getBBox()]);
const found = [];
for (let i = 0; i < boxes.length; i++) {
  const [p, a] = boxes[i];
  if (a.x < frame.x - 1 || a.y < frame.y - 1 || a.x + a.width > frame.x + frame.width + 1
      || a.y + a.height > frame.y + frame.height + 1) found.push("outside " + p);
  for (let j = i + 1; j < boxes.length; j++) {
    const [q, b] = boxes[j];
    if (a.x < b.x + b.width - 1 && b.x < a.x + a.width - 1 && a.y < b.y + b.height - 1
        && b.y < a.y + a.height - 1) found.push("overlap " + p + " " + q);
  }
}
const out = document.createElement("pre");
out.id = "measured";
out.textContent = JSON.stringify({names: boxes.length, problems: found});
document.body.appendChild(out);
</script>"""


@pytest.fixture(scope="module")
def tutorial_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    plan = sl.plan(sl.load("tutorial"))
    folder = tmp_path_factory.mktemp("tutorial")
    return write_report(plan, folder / "tutorial.html", sl.validate(plan))


def test_tutorial_report_screenshot(tutorial_report: Path, artifacts: Path,
                                    tmp_path: Path) -> None:
    """The whole page of the built-in tutorial's report, kept in test-artifacts/ for a
    person to look at."""
    shot = artifacts / "tutorial-report.png"
    shot.unlink(missing_ok=True)
    seen = visit(tutorial_report, tmp_path, "--window-size=1200,4200", f"--screenshot={shot}")
    assert seen.console == [] and seen.requests == []
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 50_000


def test_map_names_do_not_overlap_in_a_browser(
    tutorial_report: Path, replay_plan: sl.Plan, valley_doc: Callable[[], dict[str, Any]],
    tmp_path: Path,
) -> None:
    """With the browser's real fonts, no two place names (or numbers) on the map overlap and
    none sticks out of the map: on the tutorial, the valley, the valley with a crowded front
    (names in a magnified inset) and with forty hamlets packed together (numbers)."""
    valley = write_report(replay_plan, tmp_path / "valley.html")
    doc = valley_doc()
    _crowded_front(doc)
    crowded = write_report(sl.plan(Scenario.model_validate(doc)), tmp_path / "crowded.html")
    assert 'id="map-inset"' in crowded.read_text(encoding="utf-8")
    doc = valley_doc()
    _packed_hamlets(doc)  # forty long names within a few px: most become numbers
    packed = write_report(sl.plan(Scenario.model_validate(doc)), tmp_path / "packed.html")
    assert 'class="map-number"' in packed.read_text(encoding="utf-8")
    for page in (tutorial_report, valley, crowded, packed):
        probe = tmp_path / f"probe-{page.name}"
        probe.write_text(page.read_text(encoding="utf-8").replace(
            "</body>", MEASURE + "</body>"), encoding="utf-8")
        dom = visit(probe, tmp_path, "--dump-dom").output
        measured = json.loads(dom.split('<pre id="measured">')[1].split("</pre>")[0])
        assert measured["names"] >= 7
        assert measured["problems"] == [], page.name


def test_the_overlap_probe_sees_an_overlap(tmp_path: Path) -> None:
    """A control for the check above: two names written on top of each other."""
    page = tmp_path / "overlap.html"
    page.write_text(
        '<!DOCTYPE html><title>x</title><body><svg id="network-map" viewBox="0 0 300 100">'
        '<rect width="300" height="100"/><text x="10" y="50" data-place="a">Alpha village</text>'
        '<text x="20" y="52" data-place="b">Beta village</text>'
        '<text x="280" y="90" data-place="c">Gamma village</text></svg>'
        + MEASURE + "</body>", encoding="utf-8")
    dom = visit(page, tmp_path, "--dump-dom").output
    measured = json.loads(dom.split('<pre id="measured">')[1].split("</pre>")[0])
    assert sorted(measured["problems"]) == ["outside c", "overlap a b"]


#: Appended to a scratch copy of a report: the drawn width of every chart and map against
#: the width it was laid out for (its viewBox), and whether the page itself is wider than
#: the window.
SIZES = """<script>
const found = [...document.querySelectorAll("svg.chart, svg.map")].map(el => [
  el.id, el.getBoundingClientRect().width, el.viewBox.baseVal.width]);
const out = document.createElement("pre");
out.id = "measured";
out.textContent = JSON.stringify({charts: found, page: document.documentElement.scrollWidth,
                                  window: window.innerWidth});
document.body.appendChild(out);
</script>"""


def test_charts_keep_their_size_on_a_wide_page_and_a_readable_one_on_a_phone(
    tmp_path: Path,
) -> None:
    """On a desktop, no chart is stretched past the width it was laid out for (the risk
    section spans the page: its charts stay 560 px, their text 12 px); on a phone, none
    shrinks below three quarters of it (text of 9 px at least): they scroll in their own
    box, and the page itself is no wider than the screen."""
    plan = sl.plan(sl.load("tutorial"))
    page = write_report(plan, tmp_path / "risk.html",
                        results={"simulation": sl.simulate(plan, runs=20, seed=1)})
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", SIZES + "</body>"),
                     encoding="utf-8")
    for window, check in ((1280, lambda drawn, laid: drawn <= laid + 0.5),
                          (390, lambda drawn, laid: drawn >= 0.75 * laid - 0.5)):
        dom = visit(probe, tmp_path, f"--window-size={window},2000", "--dump-dom").output
        measured = json.loads(dom.split('<pre id="measured">')[1].split("</pre>")[0])
        ids = [chart_id for chart_id, _, _ in measured["charts"]]
        assert {"network-map", "chart-fan-0", "chart-p-short", "chart-burden"} <= set(ids)
        for chart_id, drawn, laid in measured["charts"]:
            assert check(drawn, laid), (window, chart_id, drawn, laid)
        assert measured["page"] <= measured["window"], window


def test_a_rank_column_stays_narrow_on_a_phone(tmp_path: Path) -> None:
    """The width kept for a name in a table's first column (12em) went to the resilience
    table's rank (#) and the worst sets' k too, which pushed the figures off a phone."""
    from supplyline.report.html import CSS
    from supplyline.report.sections import table

    rows = [[1, "Far village (down the river) – Bridge junction", "route", 6.14],
            [2, "Bridge junction", "place", 48.5]]
    page = tmp_path / "ranks.html"
    page.write_text(
        f"<!DOCTYPE html><html><head><style>{CSS}</style></head><body>"
        + table("ranked", ["#", "cut", "kind", "+short t"], rows, [True, False, False, True])
        + table("named", ["place", "t"], [["Bridge junction", 1.0]], [False, True])
        + """<script>
const first = id => document.querySelector(`#${id} tbody td`).getBoundingClientRect().width;
const out = document.createElement("pre");
out.id = "measured";
out.textContent = JSON.stringify({rank: first("ranked"), name: first("named"),
                                  em: parseFloat(getComputedStyle(document.body).fontSize)});
document.body.appendChild(out);
</script></body></html>""", encoding="utf-8")
    dom = visit(page, tmp_path, "--window-size=390,800", "--dump-dom").output
    measured = json.loads(dom.split('<pre id="measured">')[1].split("</pre>")[0])
    assert measured["rank"] < 4 * measured["em"]
    assert measured["name"] >= 12 * 13.5 - 1  # a name keeps its room (12em at 13.5 px)
