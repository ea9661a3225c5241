"""Reports of a plan: a self-contained HTML page, terminal tables and file exports.

- :func:`write_report` writes one HTML file (inline SVG map and charts, no network needed);
- :func:`export_plan` writes the plan's tables as CSV and Parquet, the routes with their
  flows as GeoJSON, and the plan as JSON;
- :func:`print_plan_summary` and :func:`print_validation` print Rich tables.
"""

from supplyline.report.export import export_plan
from supplyline.report.html import render_report, write_report
from supplyline.report.sections import SECTIONS, ReportContext, Section
from supplyline.report.terminal import print_plan_summary, print_validation

__all__ = [
    "SECTIONS",
    "ReportContext",
    "Section",
    "export_plan",
    "print_plan_summary",
    "print_validation",
    "render_report",
    "write_report",
]
