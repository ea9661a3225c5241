"""The risk figures as shown: a value and its standard error to the same decimal place,
percentiles alike, 'any' runs for a figure that does not vary, one style for a chance, a
table that fits a phone, and the speed of single precision said alike everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import supplyline as sl
from supplyline.cli import app
from supplyline.report.html import render_report
from supplyline.report.risk import _chance, _pm, _runs_for, risk_rows, risk_section
from supplyline.report.sections import ReportContext

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("value", "se", "shown"), [
    (1.3057, 0.00028, "1.3057 ± 0.0003 t"),  # was '1.31 ± 0.00028 t'
    (0.0833, 0.00017, "0.0833 ± 0.0002 t"),  # was '0.0833 ± 0.00017 t'
    (50.4, 0.0487, "50.40 ± 0.05 t"),  # was '50.4 ± 0.0487'
    (3908.8, 4.4, "3,909 ± 4 t"),
    (979_887.0, 109.0, "979,900 ± 100 t"),
    (4.41, 0.069, "4.41 ± 0.07 t"),
    (2.0, 0.0, "2.00 ± 0 t"),
    (1.12e-6, 0.0, "0 ± 0 t"),  # was '0.00000112 ± 0 t': rounding noise
    (0.00034, 0.0, "0.0003 ± 0 t"),
])
def test_a_value_and_its_error_show_to_the_same_decimal_place(
        value: float, se: float, shown: str) -> None:
    assert _pm({"value": value, "se": se}, 2000, unit=" t") == shown


def test_a_chance_reads_the_same_in_the_risk_table_and_the_steps_most_at_risk() -> None:
    assert _pm({"value": 1.0, "se": 0.0}, 10_000, unit=" %", scale=100.0) == "100 ± 0 %"
    assert _chance(1.0, 10_000, exact=True) == "100 ± 0 %"
    assert _chance(1.0, 10_000) == "100.00 ± 0.01 %"  # every run short, but runs differ
    assert _chance(0.622, 2000) == "62 ± 1 %"


def test_a_figure_that_does_not_vary_needs_any_number_of_runs() -> None:
    assert _runs_for({"value": 1.0, "se": 0.0, "runs_for_1pct": 0}, 10_000) == "any"
    assert _runs_for({"value": 4.4, "se": 0.07, "runs_for_1pct": 18_851}, 2000) == "18,851"
    assert _runs_for({"value": 4.4, "se": 0.0, "runs_for_1pct": 0}, 1) == "—"


@pytest.fixture(scope="module")
def simulation() -> sl.Simulation:
    return sl.simulate(sl.plan(sl.load("tutorial")), runs=200, seed=1)


def test_the_percentiles_show_alike(simulation: sl.Simulation,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """'2 / 5 / 7.78 t' where the runs gave 1.997 and 5.001 looked suspiciously round."""
    kpis = simulation.kpis()
    kpis["shortfall_distribution_t"].update(p50=1.997, p90=5.001, p99=7.78, cvar95=8.0)
    monkeypatch.setattr(simulation, "kpis", lambda: kpis)
    rows = {name: value for name, value, _ in risk_rows(simulation)}
    assert rows["shortfall, P50 / P90 / P99"] == "2.00 / 5.00 / 7.78 t"
    assert rows["shortfall, mean of worst 5 %"] == "8.00 t"
    # Rounding noise of a gram is no shortfall, as the mean beside it says: it was
    # '0.00000110 / 0.00000110 / 0.00000110 t' (and in double precision 18 decimals, which
    # broke the table into a list at 80 columns).
    for noise in (1.1e-6, 2.27e-16):
        kpis["shortfall_distribution_t"].update(p50=noise, p90=noise, p99=noise, cvar95=noise)
        rows = {name: value for name, value, _ in risk_rows(simulation)}
        assert rows["shortfall, P50 / P90 / P99"] == "0 / 0 / 0 t"
        assert rows["shortfall, mean of worst 5 %"] == "0 t"
    kpis["shortfall_distribution_t"].update(p50=0.0, p90=3.4e-4, p99=0.0123, cvar95=3.4e-4)
    rows = {name: value for name, value, _ in risk_rows(simulation)}
    assert rows["shortfall, P50 / P90 / P99"] == "0 / 0.0003 / 0.0123 t"
    assert rows["shortfall, mean of worst 5 %"] == "0.0003 t"


def test_the_risk_table_fits_a_phone(simulation: sl.Simulation) -> None:
    """A figure wraps only before its error, and on a narrow screen the table's names give
    up their minimum width and its figures may wrap."""
    made = risk_section(simulation.plan, sl_context(simulation))
    assert made is not None
    table = re.search(r'<table id="table-risk">.*?</table>', made.html, re.S)
    assert table is not None
    cells = re.findall(r'<td class="num">([^<]*±[^<]*)</td>', table.group(0))
    assert cells
    for cell in cells:
        before, after = cell.split("±")
        assert before.endswith(" ") and " " not in before.rstrip() + after
    page = render_report(simulation.plan, sections=[risk_section],
                         results={"simulation": simulation})
    assert re.search(r"@media \(max-width: 600px\) \{ #table-risk td:first-child \{ "
                     r"min-width: 0; \}\s+#table-risk td\.num \{ white-space: normal; \}",
                     page)


def sl_context(simulation: sl.Simulation) -> ReportContext:
    return ReportContext(results={"simulation": simulation})


def test_the_speed_of_single_precision_is_said_alike_everywhere() -> None:
    """docs/simulate.md measured 12.6 s against 18.3 s (1.45 times), 11.7 s against 18.6 s
    (1.6 times), 9.8 s against 16.6 s (1.7 times), 10.0 s against 18.6 s (1.9 times) and
    11.4 s against 16.2 s (1.4 times): 1.4 to 1.9 times, said alike in the help, the docstring
    and the README (they had said 1.6 to 1.7, 1.4 to 1.7, and about 1.5)."""
    docs = " ".join((ROOT / "docs" / "simulate.md").read_text(encoding="utf-8").split())
    for single, double, ratio in ((12.6, 18.3, 1.45), (11.7, 18.6, 1.6), (9.8, 16.6, 1.7),
                                  (10.0, 18.6, 1.9), (11.4, 16.2, 1.4)):
        assert f"{single} s against {double} s" in docs
        assert round(double / single, 2) == pytest.approx(ratio, abs=0.05)
    said = "1.4 to 1.9 times as fast"
    assert said in docs
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{said} as `--precision double`" in readme
    assert all(other not in readme for other in ("1.6 to 1.7", "1.4 to 1.7", "about 1.5 times"))
    text = CliRunner().invoke(app, ["simulate", "--help"], env={"COLUMNS": "200"}).output
    assert said in " ".join(text.split())
    assert said in (sl.simulate.__doc__ or "")
