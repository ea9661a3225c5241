"""The notebook's view of a scenario counts as ``supplyline check`` and ``show`` count: one
summary (:func:`supplyline.scenario.summary.summarize`) read by all three. The wounded are a
commodity of the file (unit ``person``), counted among its commodities by all three alike,
and never listed among the goods' tonnes."""

from __future__ import annotations

import re

import supplyline as sl
from supplyline.cli.common import _counts_line
from supplyline.scenario.summary import counted, summarize


def test_the_notebook_counts_the_commodities_as_the_command_line_does() -> None:
    scenario = sl.load("tutorial")
    summary = summarize(scenario)
    page = scenario._repr_html_()
    commodities = counted(summary["counts"]["commodities"], "commodity", "commodities")
    assert commodities in _counts_line(summary)  # (check's line)
    assert re.search(rf"modes?, {commodities}<table>", page), page
    # The table lists the goods, in tonnes: the wounded (persons) are not among them.
    rows = re.findall(r"<tr><td>([^<]*)</td>", page)
    assert rows == [row["commodity"] for row in summary["commodities"]] == ["rice"]
    assert [c.id for c in scenario.commodities if c.unit == "person"] == ["wounded"]
