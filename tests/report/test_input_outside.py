"""An input figure whose value lies outside the record's tolerance is said so in the
report's summary of "Model against history" as in the terminal's note: the page had said it
only in the badge's hover text, and its summary gave the input's reason alone."""

from __future__ import annotations

import html
import io

from rich.console import Console

import supplyline as sl
from supplyline.report.sections import ReportContext, validation_section
from supplyline.report.terminal import print_validation
from tests.plan.builders import place, route, scenario, village

OUTSIDE = "the inputs give a value outside the record's tolerance"


def test_an_input_outside_the_record_s_tolerance_is_said_in_the_page_s_summary() -> None:
    plain = scenario(
        [village("near", 0.0, 50_000.0),
         place("front", "front", 1.0, stock_kg={"rice": 1400.0})],
        [route("near", "front", 40.0)], demand_kg_per_day=200.0, days=60,
        observed=[{"id": "eaten", "metric": {"kind": "consumed_t", "commodity": "rice"},
                   "value": 20.0, "unit": "t", "tolerance": 0.1, "source": "test"}])
    plan = sl.plan(plain)
    (eaten,) = values = sl.validate(plan)
    assert eaten.is_input and eaten.within is False  # (12 t eaten: the demand, all met)
    section = validation_section(plan, ReportContext(validation=values))
    assert section is not None
    summary = html.unescape(section.html.split('<p class="note">', 1)[1].split("</p>")[0])
    assert summary.startswith("No historical figure is computed by the model here, so none "
                              "is tested.")  # (it read "0 of 0 ... reproduced")
    assert f"eaten (all demand is met, so consumption is the scenario's demand; {OUTSIDE})" \
        in summary
    out = io.StringIO()
    print_validation(values, Console(file=out, width=200))
    assert f"input, not a test: all demand is met, so consumption is the scenario's " \
           f"demand; {OUTSIDE}" in out.getvalue()
