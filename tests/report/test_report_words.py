"""What the report's words name is what the page and the terminal show: the busiest routes'
caption names its columns by their headers, and docs/report.md lists every table the
terminal's summary prints, in its order."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

import supplyline as sl
from supplyline.report import print_plan_summary, render_report

DOC = Path(__file__).resolve().parents[2] / "docs" / "report.md"


@pytest.fixture(scope="module")
def tutorial_plan() -> sl.Plan:
    return sl.plan(sl.load("tutorial"))


def test_the_busiest_routes_caption_names_its_columns_as_headed(
        tutorial_plan: sl.Plan) -> None:
    """The caption explained "Drawn on trips", a column the table heads "t drawn"."""
    section = render_report(tutorial_plan).split('<section id="routes"')[1].split("</section>")[0]
    headers = [h.lower() for h in re.findall(r"<th[^>]*>([^<]*)</th>", section)]
    caption = section.split('<p class="note">')[1].split("</p>")[0]
    # Each term the caption explains ("t drawn: the food ...") is a column's header.
    explained = re.findall(r"(?:^|\. |, by tonnes dispatched; )([A-Za-z ]+): ", caption)
    assert explained, caption
    assert [t.lower() for t in explained if t.lower() not in headers] == [], (explained,
                                                                             headers)
    assert {"t arrived", "t drawn", "days at capacity"} <= {t.lower() for t in explained}


def test_the_page_lists_every_table_the_terminal_prints(tutorial_plan: sl.Plan) -> None:
    """docs/report.md's list of the terminal's tables left out "Where the goods went"."""
    from supplyline.cli.common import _Console

    out = io.StringIO()
    print_plan_summary(tutorial_plan, _Console(width=80, color_system=None, file=out))
    lines = out.getvalue().splitlines()
    tables = ["Delivered vs demand", "Where the goods went", "Mobilized per region",
              "Carriers by mode", "Wounded", "Most burdened localities", "Busiest routes"]
    assert [line for line in lines if line in tables] == tables
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    said = text.split("`print_plan_summary(plan, console)` prints")[1].split(
        "`print_validation")[0].lower()
    at = [said.find(title.lower()) for title in tables]
    assert -1 not in at, dict(zip(tables, at, strict=True))
    assert at == sorted(at), dict(zip(tables, at, strict=True))
