"""What a simulation reports: probabilities, distributions, fans, standard errors, tables,
JSON; errors for bad arguments."""

from __future__ import annotations

import dataclasses
import io
import json
import math
import re

import numpy as np
import pytest

import supplyline as sl
from supplyline.simulate.result import FAN, SHORT_SHARE
from tests.simulate.helpers import quiet_tutorial_plan, tutorial_plan


@pytest.fixture(scope="module")
def result() -> sl.Simulation:
    return sl.simulate(tutorial_plan(), runs=120, seed=3)


def test_kpis_are_consistent_with_the_runs(result: sl.Simulation) -> None:
    k = result.kpis()
    total_t = result.shortfall_kg.sum(axis=1) / 1000.0
    assert k["runs"] == 120 and k["seed"] == 3
    assert k["shortfall_t"]["value"] == pytest.approx(total_t.mean())
    assert k["shortfall_t"]["se"] == pytest.approx(total_t.std(ddof=1) / np.sqrt(120))
    dist = k["shortfall_distribution_t"]
    assert dist["p50"] <= dist["p90"] <= dist["p99"] <= total_t.max() + 1e-9
    assert dist["cvar95"] >= dist["p90"] - 1e-9
    assert dist["cvar95"] == pytest.approx(np.sort(total_t)[114:].mean())
    p = k["p_any_shortfall"]
    assert p["value"] == pytest.approx(result.short_any.mean())
    assert p["se"] == pytest.approx(np.sqrt(p["value"] * (1 - p["value"]) / 120))
    # The runs needed for ±1 % (95 %): (1.96 σ / (0.01 μ))².
    need = (1.959963984540054 * total_t.std(ddof=1) / (0.01 * total_t.mean())) ** 2
    assert k["shortfall_t"]["runs_for_1pct"] == int(np.ceil(need))
    delivered = result.consumed_kg.sum(axis=1) + result.shortfall_kg.sum(axis=1)
    # Single precision (the default): within its rounding.
    np.testing.assert_allclose(delivered, tutorial_plan().demand_kg.sum(), rtol=1e-6)


def test_shortfall_probability_by_front_good_and_day(result: sl.Simulation) -> None:
    prob = result.shortfall_probability()
    plan = result.plan
    assert prob.shape == (1, 1, plan.steps)
    assert ((prob >= 0) & (prob <= 1)).all()
    # No demand in the first two days (the town lives on its own stores): never short.
    assert prob[0, 0, :2].sum() == 0
    by_step = result.shortfall_probability_by_step()
    assert (by_step >= prob.max(axis=(0, 1)) - 1e-12).all()
    assert SHORT_SHARE < 1


def test_a_shortfall_counts_above_a_share_of_demand_and_a_kilogram() -> None:
    """A front is short when it eats less than SHORT_SHARE of its demand and more than
    SHORT_MIN_KG (the plan's own rule for a shortfall day) less: a few tenths of a kg of a
    10 kg demand made every run of a relief plan 'short' that was executed as planned."""
    from supplyline.plan.result import SHORT_MIN_KG
    from supplyline.simulate.result import is_short

    short = np.array([0.5, 2.0, 5.0, 11.0])
    demand = np.array([10.0, 10.0, 10_000.0, 10_000.0])
    assert is_short(short, demand).tolist() == [False, True, False, True]
    assert SHORT_MIN_KG == 1.0
    # The plan's shortfall days are by the same rule: 1.5 kg of a demand of 2 t was a
    # shortfall day of the plan (more than 1 kg) that the simulation said was not short.
    from tests.plan.builders import place, route, scenario, village

    plan = sl.plan(scenario([village("v", 0.0, 90_000.0), place("front", "front", 0.1)],
                            [route("v", "front", 10.0)], demand_kg_per_day=2_000.0, days=10))
    met = np.nonzero(plan.consumed_kg.sum(axis=(0, 1)) >= plan.demand_kg.sum(axis=(0, 1)))[0]
    day = int(met[-1])
    eaten = plan.consumed_kg.copy()
    front = int(np.argmax(plan.demand_kg.sum(axis=(1, 2))))
    eaten[front, 0, day] -= 1.5
    nearly = dataclasses.replace(plan, consumed_kg=eaten)
    assert nearly.kpis()["shortfall_days"] == plan.kpis()["shortfall_days"]
    eaten[front, 0, day] -= 10.0  # 11.5 kg: 0.6 % of the day's demand, a shortfall day
    assert dataclasses.replace(plan, consumed_kg=eaten).kpis()["shortfall_days"] == (
        plan.kpis()["shortfall_days"] + 1)


def test_reserve_fan_is_ordered(result: sl.Simulation) -> None:
    fan = result.reserve_fan()
    assert fan.shape == (len(FAN), 1, result.plan.steps)
    has = ~np.isnan(fan[0, 0])
    assert not has[:2].any() and has[2:].all()
    assert (np.diff(fan[:, 0, has], axis=0) >= -1e-9).all()


def test_without_threats_nothing_is_short_and_the_spread_is_nil() -> None:
    result = sl.simulate(quiet_tutorial_plan(), runs=20, seed=1, precision="double")
    k = result.kpis()
    assert k["p_any_shortfall"]["value"] == 0.0
    assert k["shortfall_t"]["value"] == pytest.approx(0.0, abs=1e-6)
    assert k["destroyed_t"]["value"] == 0.0
    assert np.ptp(result.consumed_kg) < 1e-6
    assert result.alike and k["p_any_shortfall"]["se"] == 0.0  # exact: nothing was drawn


def test_a_chance_of_0_or_1_from_runs_that_differ_is_not_exact() -> None:
    """Four runs of the tutorial all went short: "100 ± 0 %, runs for ±1 %: any", though the
    chance is about 94 % (10,000 runs); the error is Agresti and Coull's there."""
    from supplyline.report.risk import risk_rows

    result = sl.simulate(tutorial_plan(), runs=4, seed=1)
    p = result.kpis()["p_any_shortfall"]
    assert p["value"] == 1.0 and not result.alike
    z2 = 1.959963984540054**2  # Agresti and Coull: p~ = (4 + z^2/2) / (4 + z^2)
    q = (4 + z2 / 2) / (4 + z2)
    assert p["se"] == pytest.approx(math.sqrt(q * (1 - q) / (4 + z2)), rel=1e-12)
    assert p["runs_for_1pct"] == math.ceil(z2 * q * (1 - q) / 0.01**2)
    row = next(r for r in risk_rows(result) if r[0].startswith("chance some front"))
    assert row[1] != "100 ± 0 %" and row[2] != "any", row


def test_tables_and_json(result: sl.Simulation) -> None:
    days = result.to_frame("days")
    assert set(days.columns) >= {"day", "date", "front", "commodity", "demand_kg",
                                 "planned_kg", "p_shortfall"}
    assert len(days) == int((result.plan.demand_kg > 0).sum())
    runs = result.to_frame("runs")
    assert len(runs) == 120
    np.testing.assert_allclose(runs["shortfall_kg"], result.shortfall_kg.sum(axis=1))
    fan = result.to_frame("fan")
    assert list(fan.columns[-5:]) == [f"p{q}_days" for q in FAN]
    # The good that runs out first, and each front's main good, which the report charts.
    main = result.plan.good_ids[int(result.main_goods()[0])]
    assert set(fan["reserve_of"]) == {"first to run out", main}
    charted = fan[fan["reserve_of"] == main]["p50_days"].to_numpy()
    medians = result.reserve_fan(main=True)[FAN.index(50), 0]
    np.testing.assert_allclose(charted, medians[~np.isnan(medians)], atol=1e-6)
    doc = json.loads(result.to_json())
    assert doc["version"] == 2 and doc["scenario"] == "tutorial"
    assert doc["kpis"]["runs"] == 120
    assert len(doc["tables"]["days"]) == len(days)
    with pytest.raises(ValueError, match="table must be one of"):
        result.to_frame("nope")
    assert "Simulation('tutorial', runs=120" in repr(result)
    assert "chance some front goes short" in result._repr_html_()


def test_the_runs_for_1_percent_say_what_1_percent_is(result: sl.Simulation) -> None:
    """A chance's column counts ±1 percentage point, the other figures' ±1 % of the value:
    the terminal, the report and a notebook said neither."""
    from rich.console import Console

    from supplyline.report.risk import print_simulation_summary, risk_section
    from supplyline.report.sections import ReportContext

    console = Console(width=80, record=True)
    print_simulation_summary(result, console)
    said = "±1 % of the value, or to ±1 percentage point for a chance"
    assert said in " ".join(console.export_text().split())
    section = risk_section(result.plan, ReportContext(results={"simulation": result}))
    assert section is not None and said in section.html
    assert said in result._repr_html_()


def test_tables_are_typed_as_the_plans_and_join_them(result: sl.Simulation) -> None:
    """A date is a date and a step says its days, as in the plan's tables, so the two join;
    an empty table keeps its columns."""
    days = result.to_frame("days")
    assert str(days["date"].dtype).startswith("datetime64")
    assert list(days.columns[:3]) == ["day", "date", "step_days"]
    joined = result.plan.to_frame("deliveries").merge(days, on=["date", "front", "commodity"])
    assert len(joined) == len(days)
    short = sl.simulate(sl.plan(sl.load("tutorial"), days=1), runs=3, seed=1)
    for table in ("days", "fan"):
        empty = short.to_frame(table)
        assert empty.empty and "date" in empty.columns and "front" in empty.columns
        # and their types (they had been null in Parquet: such a file joined no other)
        full = result.to_frame(table)
        assert list(empty.columns) == list(full.columns)
        assert [str(t) for t in empty.dtypes] == [str(t) for t in full.dtypes], table


@pytest.mark.parametrize("runs", [0, -3, 2.5, True, 1_000_001])
def test_bad_runs_are_refused(runs: object) -> None:
    with pytest.raises(sl.SimulationError, match="runs must be a whole number"):
        sl.simulate(tutorial_plan(), runs=runs)  # type: ignore[arg-type]


def test_bad_device_is_refused() -> None:
    with pytest.raises(sl.SimulationError, match="device must be one of"):
        sl.simulate(tutorial_plan(), runs=2, device="tpu")


def _has_gpu() -> bool:
    try:
        import cupy  # type: ignore[import-not-found]

        return bool(cupy.cuda.runtime.getDeviceCount())
    except Exception:
        return False


@pytest.mark.skipif(_has_gpu(), reason="a GPU is here")
def test_gpu_without_cupy_or_gpu_says_so() -> None:
    with pytest.raises(sl.SimulationError, match="gpu"):
        sl.simulate(tutorial_plan(), runs=2, device="gpu")


@pytest.mark.skipif(not _has_gpu(), reason="needs CuPy and a CUDA GPU")
def test_gpu_agrees_with_cpu_within_monte_carlo_error() -> None:
    plan = tutorial_plan()
    cpu = sl.simulate(plan, runs=400, seed=9)
    gpu = sl.simulate(plan, runs=400, seed=9, device="gpu")
    a, b = cpu.shortfall_kg.sum(axis=1), gpu.shortfall_kg.sum(axis=1)
    se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    assert abs(a.mean() - b.mean()) < 4 * se + 1e-6
    quiet = sl.simulate(quiet_tutorial_plan(), runs=3, seed=1, device="gpu")
    np.testing.assert_allclose(quiet.consumed_kg[0], quiet_tutorial_plan().consumed_kg.sum(
        axis=(0, 2)), rtol=1e-9)


@pytest.mark.skipif(not _has_gpu(), reason="needs CuPy and a CUDA GPU")
def test_gpu_with_the_cpus_random_numbers_gives_the_cpus_runs() -> None:
    import cupy  # type: ignore[import-not-found]

    from benchmarks.bench_simulate import HostRandom
    from supplyline.simulate.engine import compile_plan, run_chunk

    plan = tutorial_plan()
    a = run_chunk(compile_plan(plan), 200, np.random.default_rng(3))
    b = run_chunk(compile_plan(plan, cupy), 200, HostRandom(np.random.default_rng(3), cupy))
    for key in ("consumed", "destroyed", "eaten", "final_stock", "short", "units_lost"):
        np.testing.assert_allclose(cupy.asnumpy(b[key]), a[key], rtol=1e-6, atol=1e-6,
                                   err_msg=key)


def test_the_first_example_of_the_simulation_page_runs() -> None:
    import re
    from pathlib import Path

    page = Path(__file__).resolve().parents[2] / "docs" / "simulate.md"
    block = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)[0]
    namespace: dict[str, object] = {}
    exec(compile(block, str(page), "exec"), namespace)
    assert isinstance(namespace["risk"], sl.Simulation)


def test_what_a_step_borrowed_and_did_not_get_back_is_said() -> None:
    """A step's first day counts on what its last day sends back within the step: under
    threats the last day sends less and a place owes it, which the simulation says; a run
    of the quiet plan owes nothing and says nothing."""
    threatened = sl.simulate(tutorial_plan(), runs=200, seed=1)
    owed = [note for note in threatened.notes if "a place still owed at worst " in note
            and "at a day's end" in note]
    assert len(owed) == 1  # the tutorial is day by day: each step a day, said so
    stepped = sl.simulate(sl.plan(sl.load("tutorial"), step_days=3), runs=100, seed=1)
    assert any("a place still owed at worst " in note and "at a step's end" in note
               for note in stepped.notes)
    units, tonnes = (float(x.replace(",", "")) for x in re.findall(
        r"at worst ([\d,.]+) [a-z ]+ units? \([^)]+\) and ([\d,.]+) t of [a-z ]+ \(",
        owed[0])[0])
    assert units > 0.5 or tonnes > 0.0005


def test_what_was_owed_says_only_what_is_above_its_threshold() -> None:
    """0.3 units and 800 kg owed had read 'at worst 0 units and 0.8 t'."""
    from supplyline.simulate import _notes

    plan = quiet_tutorial_plan()
    net = plan.network
    n_p, n_m, n_g = net.n_places, net.n_modes, plan.goods.size
    owed, owed_kg = np.zeros((n_p, n_m)), np.zeros((n_p, n_g))
    owed[1, 0], owed_kg[2, 0] = 0.3, 800.0
    (goods,) = _notes(plan, owed, owed_kg)
    place = net.place_label(2)
    assert f"a place still owed at worst 0.8 t of rice ({place}) at a step's end" in goods
    owed[1, 0], owed_kg[2, 0] = 1.2, 0.1
    (units,) = _notes(plan, owed, owed_kg, daily=True)
    mode = net.mode_label(0).lower()
    assert (f"a place still owed at worst 1 {mode} unit ({net.place_label(1)}) at a day's "
            "end") in units
    owed[1, 0], owed_kg[2, 0] = 0.4, 0.4
    assert _notes(plan, owed, owed_kg) == []
    assert sl.simulate(quiet_tutorial_plan(), runs=20, seed=1).notes == []


def test_what_was_owed_is_the_most_of_one_mode_at_one_place() -> None:
    """Units owed of two modes, or at two places, are not added up ('a place still owed
    at worst 72 units' had summed every place and both modes): the note names the place
    and mode owed the most."""
    from supplyline.simulate import _notes

    plan = quiet_tutorial_plan()
    net = plan.network
    owed = np.zeros((net.n_places, net.n_modes))
    owed[1, 0], owed[1, 1], owed[3, 1] = 20.0, 30.0, 25.0
    (note,) = _notes(plan, owed, np.zeros((net.n_places, plan.goods.size)), daily=True)
    mode = net.mode_label(1).lower()
    assert f"at worst 30 {mode} units ({net.place_label(1)}) at a day's end" in note


def test_the_days_most_at_risk_say_where_the_plan_is_short_too() -> None:
    """A front nothing can reach on the first day is short then in the plan, so in every
    run, which says nothing of risk: the worst days list the days the plan meets first, and
    say which the plan itself is short on; the terminal says so."""
    from rich.console import Console

    from supplyline.report.risk import print_simulation_summary
    from tests.simulate.helpers import one_route

    plan = sl.plan(one_route(p=0.3, destroyed=0.2, lost=0.5))
    short = plan.demand_kg - plan.consumed_kg
    assert short[:, :, 0].sum() > 0 and short[:, :, 5:].sum() == pytest.approx(0, abs=1e-6)
    sim = sl.simulate(plan, runs=200, seed=1)
    assert sim.planned_short_by_step()[0] and not sim.planned_short_by_step()[5:].any()
    assert sim.shortfall_probability_by_step()[0] == 1.0
    worst = sim.kpis()["worst_days"]
    flags = [row["plan_short"] for row in worst]
    assert flags == sorted(flags)  # the days the plan meets first
    assert all(row["day"] > 0 for row in worst if not row["plan_short"])
    # With fewer days than the list holds, the plan's own short day comes last.
    few = sim._worst_days(count=len(sim.plan.step_start))
    assert few[-1]["plan_short"] and few[-1]["day"] == 0
    console = Console(width=80, record=True)
    print_simulation_summary(sim, console)
    text = " ".join(console.export_text().split())
    # The column only where a day listed is one the plan itself is short on (it was a
    # column of blanks otherwise).
    assert ("the plan short too" in text) == any(flags)
    assert (f"The plan itself leaves some front short on {sim.planned_short_by_step().sum()} "
            "day") in text


def test_the_day_the_plan_is_short_is_listed_when_there_is_room() -> None:
    """On the tiny scenario four days of the plan's ten go short in some run and the plan
    itself is short on one: it was never listed, since days no run goes short took its place
    among the five before they were left out."""
    from tests.conftest import TINY

    sim = sl.simulate(sl.plan(sl.load(TINY)), runs=200, seed=1)
    p, planned = sim.shortfall_probability_by_step(), sim.planned_short_by_step()
    assert planned.sum() == 1 and (p[~planned] > 0).sum() == 3 and (p == 0).sum() > 0
    worst = sim.kpis()["worst_days"]
    assert [row["plan_short"] for row in worst] == [False, False, False, True]
    assert worst[-1]["day"] == int(sim.plan.step_start[np.flatnonzero(planned)[0]])


def test_without_threats_or_breakdowns_a_run_is_the_plan() -> None:
    """With availability below 1, runs without threats still draw breakdowns and differ
    from the plan; without breakdowns too, a run is the plan executed as planned. What the
    runs leave out is said with them."""
    from rich.console import Console

    from supplyline.report.risk import print_simulation_summary

    sc = sl.load("tutorial")
    sc = sc.replace({"threats.air": [], "modes.porter.availability": 0.8,
                     "modes.bicycle.availability": 0.8})
    plan = sl.plan(sc)
    planned = float(plan.consumed_kg.sum())
    drawn = sl.simulate(plan, runs=50, seed=2, threats=False, precision="double")
    assert abs(float(drawn.consumed_kg.sum(axis=1).mean()) - planned) > 100.0
    exact = sl.simulate(plan, runs=2, seed=2, threats=False, breakdowns=False,
                        precision="double")
    np.testing.assert_allclose(exact.consumed_kg.sum(axis=1), planned, rtol=1e-9)
    assert exact.kpis()["breakdowns"] is False and drawn.kpis()["breakdowns"] is True
    console = Console(width=80, record=True)
    print_simulation_summary(exact, console)
    head = " ".join(console.export_text().split())
    assert "; without strikes, raids or rain, without breakdowns)" in head
    assert drawn.assumptions() == "without strikes, raids or rain"
    assert (drawn.drawn(), exact.drawn()) == ("breakdowns", "")


def test_json_tables_write_dates_as_days() -> None:
    """Every date in the JSON the tool writes is a day (``2024-11-03``): the tables of a
    plan and of a simulation, as ``worst_days`` and the CSV exports."""
    import json
    import re

    plan = tutorial_plan()
    day = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    simulation = json.loads(sl.simulate(plan, runs=8, seed=1).to_json())
    planned = json.loads(plan.to_json())
    for tables in (simulation["tables"], planned["tables"]):
        for rows in tables.values():
            for row in rows[:3]:
                for key, value in row.items():
                    if key.endswith("date"):
                        assert day.match(value), (key, value)
    assert day.match(simulation["kpis"]["worst_days"][0]["date"])


def test_no_run_loses_more_units_than_served_nor_counts_labour_below_nothing() -> None:
    """Heavy strikes on the tutorial's ridge road and no demand after 11 November: runs lost
    51 bicycles on average (73 in one) of the 46 the plan ever put into service, and the
    labour-days came out at -670, as each unit lost was charged its crew's days to the
    horizon's end, after the plan had released its mode's units."""
    from tests.simulate.helpers import builtin_document

    doc = builtin_document("tutorial")
    doc["demand"][0]["troops"].append({"start": "2024-11-12", "value": 0})
    del doc["demand"][0]["reserves"]
    air = doc["threats"]["air"][0]
    air["windows"][0]["day_probability"] = 0.5
    air["cargo_destroyed_fraction"] = 0.5
    plan = sl.plan(sl.Scenario.model_validate(doc))
    result = sl.simulate(plan, runs=200, seed=1)
    from supplyline.simulate.compiled import compile_plan

    c = compile_plan(plan)
    served = np.asarray(c.units_in + c.recruited).sum(axis=(0, 2))  # [M] ever in service
    assert result.units_lost.max() > 1.0
    assert (result.units_lost <= served[None, :] + 1e-6).all()
    assert result.labour_days.min() >= 0.0
    assert result.kpis()["labour_days"]["value"] <= plan.kpis()["labour_days"] + 1e-6


def test_kpis_hold_plain_python_numbers(result: sl.Simulation) -> None:
    """A standard error was NumPy's float64, printed as np.float64(0.179) in the README's
    example: every figure is a plain number."""
    def walk(x: object) -> None:
        if isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list | tuple):
            for v in x:
                walk(v)
        else:
            assert x is None or type(x) in (float, int, str, bool), (type(x), x)

    walk(result.kpis())
    # (a seed given as a NumPy integer is kept as a plain one)
    walk(sl.simulate(tutorial_plan(), runs=2, seed=np.int64(3)).kpis())


def test_a_day_the_plan_is_short_is_not_said_short_in_every_run_where_it_is_not() -> None:
    """A plan made under threats counts on the cargo they destroy: on a day it is short, a
    run that loses less is not. "every run is short then too" was said where only 21 % of
    the runs were short."""
    from rich.console import Console

    from supplyline.report.risk import print_simulation_summary

    sc = sl.load("tutorial").replace({"demand[0].troops[1].value": 9000})
    plan = sl.plan(sc, step_days=7)
    sim = sl.simulate(plan, runs=300, seed=1)
    planned = sim.planned_short_by_step()
    p = sim.shortfall_probability_by_step()
    assert planned.any() and (p[planned] < 1.0).any()
    console = Console(file=io.StringIO(), width=80)
    print_simulation_summary(sim, console)
    text = " ".join(console.file.getvalue().split())
    assert "every run is short then too" not in text
    assert "runs are short then too unless they lose less" in text


def test_fuel_burned_is_said_and_in_the_runs_table() -> None:
    """Fuel burned was in the JSON alone: not in the terminal's table nor the runs table, so
    their tonnes could not be made to add up (609 t on the built-in scenario)."""
    from rich.console import Console

    from supplyline.report.risk import print_simulation_summary

    sc = sl.load("tutorial").replace({
        "commodities": [*sl.load("tutorial").model_dump(mode="json")["commodities"],
                        {"id": "fuel", "name": "Fuel"}],
        "modes.bicycle.fuel_commodity": "fuel", "modes.bicycle.fuel_kg_per_km": 0.2,
        "places.river-village.stock_kg": {"rice": 63750, "fuel": 2000},
        "places.far-village.stock_kg": {"rice": 70500, "fuel": 2000}})
    sim = sl.simulate(sl.plan(sc), runs=50, seed=1)
    runs = sim.runs_frame()
    assert runs["burned_kg"].min() > 0
    assert runs["burned_kg"].tolist() == sim.burned_kg.sum(axis=1).tolist()
    assert runs["unfed_kg"].tolist() == sim.unfed_kg.sum(axis=1).tolist()
    console = Console(file=io.StringIO(), width=80)
    print_simulation_summary(sim, console)
    assert "fuel burned" in console.file.getvalue()
    console = Console(file=io.StringIO(), width=80)
    print_simulation_summary(sl.simulate(sl.plan(sl.load("tutorial")), runs=20, seed=1),
                             console)
    assert "fuel burned" not in console.file.getvalue()  # (no mode burns any)


def test_unit_losses_off_without_threats_is_refused_as_the_command_line_refuses_it() -> None:
    """``sl.simulate(plan, threats=False, unit_losses=False)`` ran, where ``simulate
    --no-threats --no-unit-losses`` is refused: without threats no unit is lost."""
    plan = quiet_tutorial_plan()
    with pytest.raises(sl.SimulationError, match="unit_losses: False acts only with the "
                                                 "threats drawn"):
        sl.simulate(plan, runs=2, threats=False, unit_losses=False)
    assert sl.simulate(plan, runs=2, seed=1, threats=False).unit_losses  # (the default)
