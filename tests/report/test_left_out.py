"""A part of the report with nothing to show for a plan says why, in one line, on the page
and in the terminal: a plan with no demand (the tutorial with its fronts asking for nothing)
had left out its deliveries and stock sections, and its empty tables, without a word."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import supplyline as sl
from supplyline.report import print_plan_summary, render_report
from supplyline.report.facts import NOTHING_ASKED
from supplyline.scenario.schema import Scenario

TUTORIAL = Path(sl.__file__).parent / "scenario" / "builtin" / "tutorial.yaml"


def _asking_nothing(wounded: bool) -> Scenario:
    """The tutorial with its front asking for nothing (and without its wounded, who would
    otherwise be carried and fed: something to show)."""
    doc: dict[str, Any] = yaml.safe_load(TUTORIAL.read_text(encoding="utf-8"))
    for demand in doc["demand"]:
        demand["troops"] = [{"start": str(doc["start_date"]), "value": 0}]
        demand.pop("reserves", None)
    doc["observed"] = []
    if not wounded:
        doc.pop("wounded", None)
    return Scenario.model_validate(doc)


@pytest.fixture(scope="module")
def idle_plan() -> sl.Plan:
    """Nothing asked, nothing to carry: every chart and table of movements is empty."""
    return sl.plan(_asking_nothing(wounded=False))


@pytest.fixture(scope="module")
def wounded_only_plan() -> sl.Plan:
    """Nothing asked, but the wounded are carried back (and fed on the way)."""
    return sl.plan(_asking_nothing(wounded=True))


def _section(page: str, section_id: str) -> str:
    found = re.search(rf'<section id="{section_id}"[^>]*>(.*?)</section>', page)
    assert found, f"no section {section_id}"
    return found.group(1)


def _why(page: str, section_id: str) -> str:
    """The one line a section with nothing to show says, as plain text."""
    body = _section(page, section_id)
    found = re.fullmatch(r"<h2>[^<]*</h2><p class=\"note left-out\" "
                         rf"id=\"{section_id}-left-out\">([^<]*)</p>", body)
    assert found, body
    return found.group(1).replace("&#x27;", "'")


def test_a_plan_without_demand_says_why_it_has_no_deliveries_or_stock(
        wounded_only_plan: sl.Plan) -> None:
    page = render_report(wounded_only_plan)
    said = f"{NOTHING_ASKED[0].upper()}{NOTHING_ASKED[1:]}."
    assert _why(page, "deliveries") == said
    assert _why(page, "stock").startswith(said[:-1] + ":")
    # Listed among the sections, as the others are.
    toc = re.search(r'<nav class="toc">(.*?)</nav>', page)
    assert toc and '"#deliveries"' in toc.group(1) and '"#stock"' in toc.group(1)
    # The wounded are carried: those sections have their charts and tables.
    assert "chart-carriers" in page and "table-routes" in page


def test_every_empty_section_says_why(idle_plan: sl.Plan) -> None:
    page = render_report(idle_plan)
    assert _why(page, "carriers") == "No carrier was put into service: nothing was carried."
    assert _why(page, "eaten") == "No route delivered anything."
    assert _why(page, "routes") == "No route carried anything."
    for section_id in ("deliveries", "stock"):
        assert NOTHING_ASKED in _why(page, section_id).lower()
    # Every section of the plan's own is there, with its content or its reason.
    shown = re.findall(r'<section id="(\w+)"', page)
    assert shown[:4] == ["map", "deliveries", "stock", "carriers"]
    assert {"eaten", "burden", "mobilization", "routes", "balance"} <= set(shown)


def test_the_terminal_says_why_a_table_is_empty(idle_plan: sl.Plan) -> None:
    from supplyline.cli.common import _Console

    out = io.StringIO()
    print_plan_summary(idle_plan, _Console(width=80, color_system=None, file=out))
    lines = out.getvalue().splitlines()
    for title, why in (
            ("Delivered vs demand", f"{NOTHING_ASKED}, and no locality gave anything."),
            ("Carriers by mode", "no carrier was put into service: nothing was carried."),
            ("Most burdened localities", "no locality gave anything or served."),
            ("Busiest routes", "no route carried anything.")):
        assert title in lines, (title, lines)
        said = []  # (the line after the title, wrapped between words at 80 columns)
        for line in lines[lines.index(title) + 1:]:
            said.append(line.strip())
            if line.rstrip().endswith("."):
                break
        assert " ".join(said) == why[0].upper() + why[1:], (title, said)
