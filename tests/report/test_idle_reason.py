"""The idle carriers' reason where no plan from the start can use a mode: check's own."""

from __future__ import annotations

from typing import Any

import supplyline as sl
from supplyline.plan.reach import never_crossed
from supplyline.report.facts import idle_carriers
from supplyline.scenario.schema import Scenario
from tests.report.test_map import Doc, _with_mules


def _plan(doc: dict[str, Any]) -> sl.Plan:
    return sl.plan(Scenario.model_validate(doc))


def test_idle_units_that_could_never_come_home_are_said_so(valley_doc: Doc) -> None:
    """Mules whose only route runs one way from their home: the idle sentence says what
    check says of them, that no unit could come home (the built-in scenario's 3,000 rafts
    had read "nothing was carried over the routes they may use, by any mode", as if there
    were nothing to carry)."""
    doc = valley_doc()
    _with_mules(doc, rations=1.0, routes=[])
    doc["routes"].append({"id": "downstream", "from": "ban-a", "to": "relay",
                          "length_km": 30, "modes": ["mule"], "one_way": True})
    plan = _plan(doc)
    m = plan.network.mode_ids.index("mule")
    (idle,) = [i for i in idle_carriers(plan) if i.mode == m]
    assert idle.sentence == (
        "30 of 30 pack mule units idle: no unit could come home from any trip it may make "
        "from its homes (to Relay 1: the routes back run one way, or none allows it).")
    # In check's words, one reason for both.
    (said,) = [w for kind, ident, w in never_crossed(plan.network) if ident == "mule"]
    assert said == "Pack mule: " + idle.sentence.split(": ", 1)[1].removesuffix(".")
