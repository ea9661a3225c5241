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


def test_a_plan_says_why_it_goes_short_and_whether_its_risk_target_held() -> None:
    """A notebook's view of a plan that went short gave the figures, not why (what the
    terminal says first); a plan made with risk= never said, but in plan.risk, that its
    target was missed (nor did its JSON), and plan.risk's repr dumped the plan (kB)."""
    import dataclasses
    import json

    from supplyline.simulate.target import RiskPlan

    closed = {"start": "2024-11-01", "end": "2024-11-15"}
    plan = sl.plan(sl.load("tutorial").replace({"routes.ridge-road.closed": [closed],
                                                "routes.gorge-path.closed": [closed]}))
    page = plan._repr_html_()
    assert "Kestrel town is short of rice by 26.3 t (from 3 Nov 2024)." in page
    assert "What binds:" in page
    missed = RiskPlan(plan=plan, simulation=None, target=0.5, met=False,  # type: ignore[arg-type]
                      message="some front goes short in 96 ± 1 % of runs (target 50 %)")
    risky = dataclasses.replace(plan, risk=missed)
    assert repr(risky).endswith("; risk of shortfall at most 50 %: not met>")
    assert repr(missed) == ("<RiskPlan: risk of shortfall at most 50 %, not met: some front "
                            "goes short in 96 ± 1 % of runs (target 50 %)>")
    assert json.loads(risky.to_json())["risk"] == {
        "target": 0.5, "met": False, "message": missed.message, "rounds": []}
    assert html.escape("Risk target not met: some front goes short in 96 ± 1 %") in \
        risky._repr_html_()


def test_a_plan_of_the_first_days_says_so_in_a_notebook_too(tiny: sl.Scenario) -> None:
    """The notebook's view said "(3 days)" of a plan of the first 3 days, where the terminal
    and the report say they are the first of the scenario's (one wording for all three)."""
    whole = sl.plan(tiny)
    first = sl.plan(tiny, days=3)
    assert first.whole_days == whole.days > 3
    assert (f"(3 days, the first of the scenario&#x27;s {whole.days});"
            in first._repr_html_())
    assert f"({whole.days} days);" in whole._repr_html_()  # (the whole: nothing to add)


def test_one_shortfall_day_is_said_as_one() -> None:
    """A front 20 km from its village goes short on its first day alone: the notebook's
    summary said '1 shortfall days'."""
    from tests.plan.builders import place, route, scenario, village

    plan = sl.plan(scenario([village("v", 0.0, 1e6), place("front", "front", 0.1)],
                            [route("v", "front", 20.0)], demand_kg_per_day=100.0, days=5))
    assert plan.kpis()["shortfall_days"] == 1
    assert "; 1 shortfall day; mobilized" in plan._repr_html_()
