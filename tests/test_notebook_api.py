"""What a notebook shows: short reprs and HTML for scenarios and plans."""

from __future__ import annotations

import html

import supplyline as sl


def test_scenario_repr_is_short_and_says_what_it_holds() -> None:
    for name in ("tutorial", "dien-bien-phu-1954"):
        scenario = sl.load(name)
        text = repr(scenario)
        assert len(text) < 200, text
        assert text.startswith(f"<Scenario {name!r}: ")
        assert f"({scenario.days} days)" in text and f"{len(scenario.places)} places" in text


def test_scenario_html_escapes_and_sums(tiny: sl.Scenario) -> None:
    scenario = tiny.replace({"title": "Valley <b>& co</b>"})
    page = scenario._repr_html_()
    assert html.escape("Valley <b>& co</b>") in page and "<b>& co</b>" not in page
    assert "<table>" in page and "could give (t)" in page


def test_plan_repr_is_short_and_html_has_the_headline(tiny: sl.Scenario) -> None:
    plan = sl.plan(tiny.replace({"title": "Tiny <script>"}))
    text = repr(plan)
    assert len(text) < 300, text
    kpis = plan.kpis()
    assert f"delivered {kpis['delivered_t']:,.1f} t of {kpis['demand_t']:,.1f} t" in text
    page = plan._repr_html_()
    assert "Tiny &lt;script&gt;" in page and "<script>" not in page
    assert "<table>" in page and "delivered" in page
