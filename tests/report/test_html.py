"""The HTML report: self-contained, complete, escaped, and built from section functions."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import supplyline as sl
from supplyline.report.html import render_report, write_report
from supplyline.report.sections import SECTIONS, ReportContext, Section
from supplyline.scenario.schema import Scenario

CHART_IDS = ("network-map", "chart-deliveries", "chart-stock", "chart-carriers", "chart-eaten",
             "chart-burden")
TABLE_IDS = ("table-mobilization", "table-routes", "table-balance")
VOID = {"meta", "link", "br", "img", "input", "hr", "area", "base", "col", "source", "wbr"}


class _Tags(HTMLParser):
    """Collects element ids and checks that every element that is opened is closed."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.open: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.extend(v for k, v in attrs if k == "id" and v)
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.extend(v for k, v in attrs if k == "id" and v)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.open[-1] if self.open else None}>")
            return
        self.open.pop()


def _parse(page: str) -> _Tags:
    tags = _Tags()
    tags.feed(page)
    tags.close()
    return tags


@pytest.fixture(scope="module")
def page(valley_plan: sl.Plan) -> str:
    return render_report(valley_plan)


@pytest.fixture(scope="module")
def replay_page(replay_plan: sl.Plan) -> str:
    return render_report(replay_plan, sl.validate(replay_plan))


def test_report_is_self_contained(page: str, replay_page: str) -> None:
    for html in (page, replay_page):
        assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
        assert "<script" not in html.lower()
        assert "@import" not in html and "url(" not in html
        assert "<link" not in html.lower()


def test_report_has_the_map_every_chart_and_the_tables(page: str) -> None:
    tags = _parse(page)
    for element_id in (*CHART_IDS, *TABLE_IDS, "kpis", "findings", "scale-bar"):
        assert element_id in tags.ids, element_id
    assert len(tags.ids) == len(set(tags.ids)), "element ids are unique"
    assert "table-validation" not in tags.ids, "no validation table without validation figures"


def test_markup_is_well_formed(page: str, replay_page: str) -> None:
    for html in (page, replay_page):
        tags = _parse(html)
        assert tags.errors == []
        assert tags.open == []
        for svg in re.findall(r"<svg.*?</svg>", html, re.S):
            ET.fromstring(svg)  # every chart is well-formed XML as well


def test_every_navigation_link_has_its_section(page: str) -> None:
    ids = set(_parse(page).ids)
    links = re.findall(r'href="#([^"]+)"', page)
    assert links and all(link in ids for link in links)


def test_header_shows_the_headline_figures(page: str, valley_plan: sl.Plan) -> None:
    kpis = valley_plan.kpis()
    assert "1 Mar 1954 – 10 Mar 1954" in page and "(10 days)" in page
    assert "optimal" in page
    for label in ("Delivered", "Shortfall days", "Mobilized", "Eaten on the way", "Labour-days"):
        assert label in page
    assert f"{kpis['shortfall_days']}</div>" in page
    assert "Why demand is not met" in page and "The pass" in page


def test_chokepoint_is_highlighted(page: str, valley_plan: sl.Plan) -> None:
    assert valley_plan.route_at_capacity_days().max() > 0
    assert 'class="chokepoint"' in page
    assert "at capacity on" in page


def test_text_is_escaped(page: str, replay_page: str) -> None:
    assert "Valley &lt;test&gt; &amp; co" in page
    assert "<test>" not in page
    assert "peak delivery &lt;b&gt;" in replay_page


def test_validation_table_when_given(replay_page: str) -> None:
    assert 'id="table-validation"' in replay_page
    assert replay_page.count('class="badge pass"') == 1
    assert replay_page.count('class="badge fail"') == 1
    assert replay_page.count('class="badge" title="set by the replay') == 1  # northwest-share
    assert "1 of 2 historical figures computed by the model" in replay_page
    assert "shown but not tested: northwest-share (set by the replay" in replay_page
    assert "replayed: history" in replay_page


def test_sections_are_pluggable_and_absent_ones_leave_no_trace(valley_plan: sl.Plan) -> None:
    def risk(plan: sl.Plan, context: ReportContext) -> Section | None:
        runs = context.results.get("simulation")
        if runs is None:
            return None
        return Section("risk", "Risk of shortfall", f"<p>{runs} runs</p>", wide=True)

    without = render_report(valley_plan, sections=[*SECTIONS, risk])
    assert 'id="risk"' not in without and "Risk of shortfall" not in without
    with_risk = render_report(valley_plan, sections=[*SECTIONS, risk],
                              results={"simulation": 1000})
    assert '<section id="risk" class="wide"><h2>Risk of shortfall</h2><p>1000 runs</p>' in with_risk
    assert '<a href="#risk">Risk of shortfall</a>' in with_risk


def test_write_report_creates_the_folder(valley_plan: sl.Plan, tmp_path: Path) -> None:
    path = write_report(valley_plan, tmp_path / "deep" / "report.html")
    assert path == tmp_path / "deep" / "report.html"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and 'charset="utf-8"' in text
    assert len(text.encode()) < 500_000


def test_a_plan_that_moves_nothing_leaves_out_the_empty_charts(
    valley_doc: Callable[[], dict[str, Any]],
) -> None:
    doc = valley_doc()
    doc["demand"] = [{"front": "front", "commodity": "rice", "kg_per_day": 0}]
    doc["wounded"] = []
    page = render_report(sl.plan(Scenario.model_validate(doc)))
    sections = re.findall(r'<section id="([^"]+)"', page)
    assert sections == ["map", "burden", "mobilization", "balance"]
    assert "Why demand is not met" not in page
    assert 'id="network-map"' in page and _parse(page).errors == []
