"""Plans side by side (sl.compare), and the same from records (a sweep's table)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

import supplyline as sl
from supplyline.report.compare import compare_records, plan_record, write_comparison


@pytest.fixture(scope="module")
def two() -> dict[str, sl.Plan]:
    base = sl.load("tutorial")
    narrow = base.model_copy(update={"routes": [
        r.model_copy(update={"capacity_movements_per_day": 40.0}) if r.id == "ridge-road"
        else r for r in base.routes]})
    return {"base": sl.plan(base), "narrow ridge": sl.plan(narrow)}


def test_compare_shows_key_figures_regions_and_routes_at_capacity(
        two: dict[str, sl.Plan]) -> None:
    table = sl.compare(two)
    assert list(table.kpis.index) == ["base", "narrow ridge"]
    for label, plan in two.items():
        kpis = plan.kpis()
        assert table.kpis.loc[label, "delivered (t)"] == pytest.approx(kpis["delivered_t"])
        assert table.kpis.loc[label, "labour-days"] == pytest.approx(kpis["labour_days"])
        # A share in percent, as the plan's summary shows it.
        assert table.kpis.loc[label, "largest burden (%)"] == pytest.approx(
            100 * kpis["max_burden"])
        for region, tonnes in kpis["mobilized_by_region_t"].items():
            assert table.regions.loc[label, region] == pytest.approx(tonnes)
        # Routes go by their names (Network.route_names).
        days = dict(zip(plan.network.route_names, plan.route_at_capacity_days(), strict=True))
        for route in table.routes.columns:
            assert table.routes.loc[label, route] == days[route]
        assert {r for r, d in days.items() if d > 0} <= set(table.routes.columns)
    # The narrower ridge road is at capacity on more days; the gorge path takes the rest.
    ridge = "Ridge road (exposed)"
    assert table.routes.loc["narrow ridge", ridge] > table.routes.loc["base", ridge]
    assert table.tonnes.loc["narrow ridge", "Gorge path (safe, slow)"] > 0
    assert list(sl.compare(list(two.values())).kpis.index) == ["1", "2"]


def test_records_read_back_give_the_same_comparison(two: dict[str, sl.Plan],
                                                    tmp_path: Path) -> None:
    records = {label: plan_record(plan) for label, plan in two.items()}
    # A Parquet map column reads back as (key, value) pairs.
    as_read = {label: {k: (list(v.items()) if isinstance(v, dict) else v)
                       for k, v in r.items()} for label, r in records.items()}
    net = two["base"].network
    names = dict(zip(net.route_ids, net.route_names, strict=True))
    direct, read = sl.compare(two), compare_records(as_read, route_names=names)
    assert direct.kpis.equals(read.kpis) and direct.routes.equals(read.routes)
    # Without names, a route goes by its id; a name two routes share keeps its id too.
    assert "ridge-road" in compare_records(as_read).routes.columns
    same = compare_records(as_read, route_names={"ridge-road": "Road", "gorge-path": "Road"})
    assert {"Road [ridge-road]", "Road [gorge-path]"} <= set(same.tonnes.columns)
    with_failure = compare_records({**records, "broken": None}, {"broken": "time limit"})
    assert list(with_failure.kpis.index) == ["base", "narrow ridge"]
    page = write_comparison(with_failure, tmp_path / "c.html", "Two plans",
                            {"base": "as written", "broken": "a bad idea"})
    html = page.read_text("utf-8")
    assert "Mobilized per region (t)" in html and "gorge-path" in html
    # Laid out for a phone's width, as the plan's report is (it had no viewport: a phone
    # drew it at a desktop's width, shrunk).
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "broken: time limit" in html and "a bad idea" in html
    # Each table scrolls in its own box where it is wider than the page (many values).
    # (the plans' legend too, which has no head row)
    assert html.count('<div class="table-wrap"><table>') == html.count("<thead>") + 1 >= 4
    console = Console(width=80, record=True)
    with_failure.print(console)
    text = console.export_text()
    assert "Days at capacity per route" in text and "broken: failed: time limit" in text
    # Every table of the HTML, the tonnes per route too (the terminal had left them out).
    assert "Tonnes carried per route" in text and "gorge-path" in text
    assert max(len(line) for line in text.splitlines()) <= 80
    # Where every plan failed, the tables say no plan was made, not "none in any plan".
    none = compare_records({"broken": None}, {"broken": "time limit"}).to_html()
    assert "None in any plan" not in none and 'No plan was made (see "Failed")' in none
    # A simulated chance of shortfall is in per cent, as the terminal's (it was 0.940).
    simulated = compare_records({"base": {**records["base"], "sim_p_any_shortfall": 0.94,
                                          "sim_shortfall_t": 3.6, "sim_shortfall_p90_t": 7.0,
                                          "sim_delivered_t": 54.2}})
    assert simulated.kpis.loc["base", "P(any shortfall) (%), simulated"] == 94.0
    assert ">94.0<" in simulated.to_html()
    # A count of rows below 1 said "... and 2 more" of a table of one plan.
    with pytest.raises(ValueError, match="max_rows: expected a whole number >= 1, got -1"):
        with_failure.print(console, max_rows=-1)


def test_a_comparison_prints_its_key_figures_and_refuses_what_is_not_a_plan(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """print(comparison) dumped every DataFrame's repr; a mapping with text among the plans
    was said to hold no plan at all."""
    plan = sl.plan(sl.load("tutorial"))
    table = sl.compare({"a": plan, "b": plan})
    assert repr(table) == "<Comparison of 2 plans: .kpis, .regions, .routes, .tonnes, .failed>"
    assert "Key figures" in str(table) and "delivered (t)" in str(table)
    with pytest.raises(TypeError, match=r"expected plans \(sl.plan\(...\)\), got b: str"):
        sl.compare({"a": plan, "b": "x"})  # type: ignore[dict-item]
    # Six plans in an 80-column terminal: the plans' columns come in blocks that fit, where
    # one line of 128 characters had run past it; and print() needs no console of its own.
    six = sl.compare({f"variant number {i}": plan for i in range(6)})
    monkeypatch.setenv("COLUMNS", "80")
    lines = str(six).splitlines()
    assert max(len(line) for line in lines) <= 80, str(six)
    assert all(line == line.rstrip() for line in lines)
    assert sum("variant number 5" in line for line in lines) == 1
    six.print()
    shown = capsys.readouterr().out
    assert "Key figures" in shown and max(len(line) for line in shown.splitlines()) <= 80
    # A label wider than a block (a sweep's, naming every value) ran past it alone, as no
    # block can split a column: such columns are headed by their number, said above.
    long = ("#0 modes.porter.payload_kg=20, threats.air[0].windows[*].day_probability=0.2, "
            "routes.gorge-path.air_exposed=true")
    wide = sl.compare({long: plan, "#1 short": plan})
    lines = str(wide).splitlines()
    assert max(len(line) for line in lines) <= 80, str(wide)
    at = lines.index("Key figures")
    assert lines[at + 1] == "[1] #0 modes.porter.payload_kg=20,"
    assert " ".join(line.strip() for line in lines[at + 1:at + 4]) == f"[1] {long}"
    assert lines[at + 4] == "[2] #1 short" and "[1]" in lines[at + 5] and "[2]" in lines[at + 5]
