"""What ``sl.validate``'s result shows (:class:`supplyline.plan.Validation`): as text, the
table ``supplyline validate`` prints (:func:`print_validation`); in a notebook, the report's
"Model against history" table (:func:`validation_section`)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from html import escape

from rich.console import Console

from supplyline.plan.metrics import MetricValue
from supplyline.plan.result import Plan
from supplyline.report.sections import ReportContext, validation_section
from supplyline.report.terminal import print_validation, text_width

__all__ = ["validation_html", "validation_text"]

def validation_text(values: Sequence[MetricValue], width: int | None = None) -> str:
    """The figures as ``supplyline validate`` prints them, without colour, ``width``
    characters wide (:func:`~supplyline.report.terminal.text_width` when ``None``)."""
    buffer = io.StringIO()
    # (not a terminal, nor a notebook: Rich would show it there instead of writing it here)
    console = Console(file=buffer, width=width or text_width(),
                      color_system=None, force_terminal=False, force_jupyter=False,
                      highlight=False)
    print_validation(values, console)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())


def validation_html(plan: Plan, values: Sequence[MetricValue]) -> str:
    """The figures as the report's table, under its heading; where there are none, the
    sentence the command prints."""
    section = validation_section(plan, ReportContext(validation=values))
    if section is None:
        return f"<p>{escape(validation_text(values))}</p>"
    return f"<div><b>{escape(section.title)}</b>{section.html}</div>"
