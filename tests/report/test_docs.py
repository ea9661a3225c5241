"""The examples in docs/report.md run as written."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "report.md"


def test_the_examples_in_the_report_page_run(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 3
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for block in blocks:  # the later examples use the plan of the first
        exec(compile(block, str(DOC), "exec"), namespace)
    # The first example validates its plan: the page has the section (the plain tutorial
    # plan, which the page used to validate, has no figures to compare).
    assert "Model against history" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert (tmp_path / "tables" / "routes.geojson").is_file()
    for name in ("deliveries", "stock", "map"):
        assert (tmp_path / f"{name}.png").read_bytes()[:4] == b"\x89PNG"


def test_the_page_states_the_rounding_the_tables_use() -> None:
    """Tables round tonnes to the kg, then show three significant figures: the page says so,
    with examples that hold."""
    from supplyline.report.sections import percent, tonnes_of
    from supplyline.report.svg import fmt

    text = " ".join(DOC.read_text(encoding="utf-8").split())
    assert ("Tonnes are rounded to the kg, then shown to three significant figures (61,523.4 "
            "kg shows as 61.5 t; from 1,000 t on, in whole tonnes: 2,620 t)") in text
    assert fmt(tonnes_of(61_523.4)) == "61.5" and fmt(tonnes_of(2_620_000.4)) == "2,620"
    assert "(80.4 %, 2.16 %)" in text and (percent(0.804), percent(0.021634)) == ("80.4%",
                                                                                  "2.16%")
    assert "shown to the kg" not in text


def test_the_page_says_how_many_busiest_routes_the_outputs_list() -> None:
    """The page promised "the fifteen that carried most" where every output lists eight
    (`BUSIEST_ROUTES`): it says the number the code uses."""
    from supplyline.plan.result import BUSIEST_ROUTES

    numbers = {8: "eight", 10: "ten", 12: "twelve", 15: "fifteen"}
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    assert (f"**Busiest routes** — the {numbers[BUSIEST_ROUTES]} that carried most "
            "(`Plan.busiest_routes`: the same routes the terminal and `plan.json` list") in text


def test_the_page_s_sentence_on_idle_mules_is_the_report_s(
        valley_doc: Callable[[], dict[str, Any]]) -> None:
    """The tests' valley with 30 pack mules eating 6 kg of fodder a day: the page quotes the
    sentence the report writes under "Carriers in use" (it had quoted 20 idle on 4 routes,
    175 kg against 28.1 kg and 111 porters, where the report now says 18, 5, 176, 28.2 and
    109)."""
    import supplyline as sl
    from supplyline.report.sections import idle_carriers
    from tests.report.test_map import _with_mules

    doc = valley_doc()
    _with_mules(doc, rations=6.0, routes=None)
    plan = sl.plan(sl.Scenario.model_validate(doc))
    mule = plan.network.mode_ids.index("mule")
    (idle,) = [i for i in idle_carriers(plan) if i.mode == mule]
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    assert f'fodder a day: "{idle.sentence}")' in text
