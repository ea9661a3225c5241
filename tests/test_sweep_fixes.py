"""Sweeps: problems of two varied fields, what --days and a replay's horizon say of the
variants, the units of a slice of variants, an interrupted sweep, and the comparison's
tables as printed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import supplyline as sl
from supplyline.sweep import VaryError, make_variants

TUTORIAL = Path(sl.__file__).parent / "scenario" / "builtin" / "tutorial.yaml"


def undated(folder: Path) -> Path:
    """The tutorial without what is bound to its dates (troops and wounded by date, the
    front's start and reserves, the threats' windows, the replays and observed figures):
    a file whose start_date and end_date may move anywhere."""
    data = yaml.safe_load(TUTORIAL.read_text("utf-8"))
    for demand in data["demand"]:
        demand.pop("start", None)
        demand.pop("reserves", None)
        demand["troops"] = 3000
    for wounded in data["wounded"]:
        wounded["persons_per_day"] = 2
    for key in ("threats", "replays", "observed"):
        data.pop(key, None)
    for route in data["routes"]:  # (which routes air threats strike: there are none)
        route.pop("air_exposed", None)
    path = folder / "undated.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    return path


def test_a_problem_another_varied_field_lifts_waits_for_the_combinations(
        tmp_path: Path) -> None:
    """An end_date before the file's start_date, beside a varied start_date before it, was
    refused alone (the problem is said at end_date, which is not start_date's section),
    though the one combination is valid."""
    path = undated(tmp_path)
    base = sl.load(path)
    both = make_variants(base, ["start_date=2024-10-01", "end_date=2024-10-05"], path)
    assert [v.scenario.days for v in both] == [5]
    # A combination that does not lift it is said with its values, and its own start.
    with pytest.raises(VaryError) as caught:
        make_variants(base, ["start_date=2024-10-01", "end_date=2024-09-05"], path)
    (problem,) = caught.value.problems
    assert problem.option == "start_date=2024-10-01, end_date=2024-09-05"
    assert "2024-10-01" in problem.expected
    # Beside an option that has nothing to do with it, it is still the value's own.
    with pytest.raises(VaryError) as caught:
        make_variants(base, ["modes.porter.payload_kg=15,20", "end_date=2024-09-05"], path)
    (problem,) = caught.value.problems
    assert problem.option == "end_date=2024-09-05" and problem.field == "end_date"


def test_a_replay_given_within_the_first_days_is_said_as_a_plan_says_it() -> None:
    """With --replay and --days, each plan gave the whole horizon's replay within its days
    (55 t mobilized against 4.5 t demanded) and the sweep said nothing of it; a plan says
    it, and the sweep now says the same words (one rule)."""
    from supplyline.report.facts import replay_days_note
    from supplyline.sweep.run import SweepOptions, settings_words, sweep_settings

    tutorial = sl.load("tutorial")
    option = "replays.pledged.mobilization[0].kg=10000,25000"
    pledged = SweepOptions(replay="pledged")
    variants = make_variants(tutorial, [option], "tutorial", days=5, replay="pledged")
    said = replay_days_note(sl.plan(tutorial, replay="pledged", days=5))
    assert said and sweep_settings(variants, pledged)["replay_note"] == said
    assert said in settings_words(sweep_settings(variants, pledged))
    # Over the whole horizon, or without a replay, there is nothing to say.
    whole = make_variants(tutorial, [option], "tutorial", replay="pledged")
    assert sweep_settings(whole, pledged)["replay_note"] == ""
    cut = make_variants(tutorial, ["modes.porter.payload_kg=20,25"], "tutorial", days=5)
    assert sweep_settings(cut, SweepOptions())["replay_note"] == ""


def test_the_days_planned_are_said_where_the_dates_are_varied() -> None:
    """Varying start_date with --days 4, the settings said days: null and 'dates as each
    variant sets them': nothing recorded that 4 days were planned."""
    from supplyline.sweep.run import SweepOptions, SweepResult, settings_words, sweep_settings

    variants = make_variants(sl.load("tutorial"), ["start_date=2024-10-29,2024-11-01"],
                             "tutorial", days=4)
    shared = sweep_settings(variants, SweepOptions())
    assert (shared["start_date"], shared["end_date"], shared["days"]) == (None, None, 4)
    assert ("dates as each variant sets them, the first 4 days of each planned"
            in settings_words(shared))
    # Their totals are still over different days, as the comparison says.
    result = SweepResult({}, Path("t.parquet"), 0.0, 1, settings=shared)
    assert any("different days" in note for note in result.comparison().notes)


def test_a_slice_of_the_variants_keeps_their_units_in_the_table(tmp_path: Path) -> None:
    """run_sweep(variants[1:3], ...) wrote the varied columns without their units and
    descriptions: a slice was a plain list. It is a Variants of those variants, each with
    its own number."""
    import pyarrow.parquet as pq

    from supplyline.sweep import Variants
    from supplyline.sweep.run import table_schema

    variants = make_variants(sl.load("tutorial"), ["modes.porter.payload_kg=15,20",
                                                   "modes.bicycle.payload_kg=100,120"])
    part = variants[1:3]
    assert isinstance(part, Variants) and len(part) == 2
    assert [v.index for v in part] == [1, 2] and part[-1].label == variants[2].label
    assert [v.index for v in part[1:]] == [2] and [v.index for v in variants[::-1]] == [3, 2,
                                                                                         1, 0]
    with pytest.raises(IndexError):
        part[2]
    for schema in (table_schema(variants), table_schema(part)):
        field = schema.field("modes.porter.payload_kg")
        assert field.metadata[b"units"] == b"kg"
        assert b"what one unit carries" in field.metadata[b"description"]
    # Swept, the table says them, and the rows are the slice's variants by their numbers.
    distributed = pytest.importorskip("distributed")
    from supplyline.sweep.run import HTTP_ADDRESS, run_sweep

    cut = make_variants(sl.load("tutorial"), ["modes.porter.payload_kg=15,20",
                                              "modes.bicycle.payload_kg=100,120"], days=3)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=HTTP_ADDRESS, silence_logs=50) as cluster, \
            distributed.Client(cluster) as dask:
        result = run_sweep(cut[1:3], tmp_path / "part.parquet", client=dask)
    assert result.labels == {1: cut[1].label, 2: cut[2].label}
    read = pq.read_schema(tmp_path / "part.parquet")
    assert read.field("modes.bicycle.payload_kg").metadata[b"units"] == b"kg"
    assert list(result.to_frame()["variant"]) == [1, 2]


def records(count: int, tonnes: dict[str, float]) -> dict[str, dict[str, Any]]:
    """Records of ``count`` plans as a sweep's table holds them, labelled as a sweep's
    report labels its variants."""
    from supplyline.report.compare import KPIS

    made = {}
    for i in range(count):
        record: dict[str, Any] = {key: 1000.0 + i for key, _label, _digits in KPIS}
        record.update(shortfall_days=i, max_burden=0.5, mobilized_by_region_t={"upper": 1.0},
                      route_tonnes=tonnes, route_days_at_capacity={r: 0 for r in tonnes})
        made[f"#{i} payload_kg={15 + i}, day_probability=0.2"] = record
    return made


@pytest.mark.parametrize("count", [2, 12])
def test_the_key_figures_print_as_a_table_one_column_per_plan(
        count: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 80 columns, Comparison.print() gave the key figures as 'header: value' lines per
    plan while print(comparison) gave a table: both give one row per figure, one column per
    plan (in blocks as wide as the terminal), no line wider than it."""
    import io

    from rich.console import Console

    from supplyline.report.compare import compare_records

    monkeypatch.setenv("COLUMNS", "80")
    table = compare_records(records(count, {"ridge-road": 12.0}))
    console = Console(file=io.StringIO(), width=80, record=True)
    table.print(console)
    printed = console.export_text().splitlines()
    text = str(table).splitlines()
    for lines in (printed, text):
        assert max(map(len, lines)) <= 80, "\n".join(lines)
        assert not any(line.lstrip().startswith("•") for line in lines), "\n".join(lines)
        # One row per figure, its plans' figures on it (a block's worth at a time).
        rows = [line.split()[1:] for line in lines if line.startswith("labour-days")]
        assert [f for row in rows for f in row] == [f"{1000 + i:,}" for i in range(count)]


def test_routes_that_carry_nothing_at_the_tenth_shown_are_left_out() -> None:
    """'Tonnes carried per route' showed routes of 0.0 t in every plan (the solver's
    1e-9 t and a few kg): they are left out of what is printed, as routes no plan uses."""
    import io

    from rich.console import Console

    from supplyline.report.compare import compare_records

    table = compare_records(records(2, {"ridge-road": 12.0, "river-path": 0.04,
                                        "high-path": 1e-6, "low-path": 0.06}))
    assert list(table.tonnes.columns) == ["high-path", "low-path", "ridge-road",
                                          "river-path"]  # (the figures themselves, all)
    console = Console(file=io.StringIO(), width=200, record=True)
    table.print(console)
    printed = console.export_text()
    page = table.to_html()
    for shown in (printed, page):
        assert "ridge-road" in shown and "low-path" in shown
        assert "river-path" not in shown and "high-path" not in shown


def test_carriers_needed_are_whole_numbers_in_the_table() -> None:
    """carriers_needed, whole units by their rule, were float64 in the table."""
    import pyarrow as pa

    from supplyline.report.compare import plan_record
    from supplyline.sweep.run import table_schema

    variants = make_variants(sl.load("tutorial"), ["modes.porter.payload_kg=20,25"], days=3)
    assert table_schema(variants).field("carriers_needed").type == pa.map_(pa.string(),
                                                                           pa.int64())
    needed = plan_record(sl.plan(variants[0].scenario))["carriers_needed"]
    assert needed and all(type(n) is int for n in needed.values())


def test_the_table_of_variants_tells_apart_figures_that_differ(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The table of variants rounded each figure on its own: 1636.57 and 1637.27 labour-days
    both read 1,637, and a simulated 29.9 % stood beside 30 (no decimal). Each column is
    given to the same decimals, as many as tell its variants apart, as the report's tables
    are, and says so."""
    import io
    import re

    from rich.console import Console

    import supplyline.cli as cli
    from supplyline.report.compare import MORE_SHOWN

    variants = make_variants(sl.load("tutorial"),
                             ["modes.porter.payload_kg=24.9,25,26"], "tutorial")
    record = {"status": "ok", "delivered_t": 57.75, "shortfall_t": 0.0, "mobilized_t": 61.56,
              "sim_shortfall_t": 3.6}
    records = {0: {**record, "labour_days": 1637.27, "sim_p_any_shortfall": 0.299},
               1: {**record, "labour_days": 1636.57, "sim_p_any_shortfall": 0.3},
               2: {"status": "failed"}}
    console = Console(file=io.StringIO(), width=80, record=True)
    monkeypatch.setattr(cli.common, "stdout", console)
    cli.sweep._print_sweep(variants, records)
    text = console.export_text()
    rows = {line.split()[0]: line.split()[-6:] for line in text.splitlines()
            if re.match(r"\d+ ", line)}
    assert rows["0"] == ["57.8", "0.0", "61.6", "1,637.3", "29.9", "3.6"], text
    assert rows["1"] == ["57.8", "0.0", "61.6", "1,636.6", "30.0", "3.6"], text
    assert " ".join(MORE_SHOWN.split()) in " ".join(text.split())
    assert max(len(line) for line in text.splitlines()) <= 80


def _printed_sweep(monkeypatch: pytest.MonkeyPatch, vary: list[str],
                  **figures: float) -> str:
    """The table of variants of the tutorial as printed at 80 columns, each variant with
    the figures given (and labour-days and mobilized tonnes of its own)."""
    import io

    from rich.console import Console

    import supplyline.cli as cli

    variants = make_variants(sl.load("tutorial"), vary, "tutorial")
    records = {v.index: {"status": "ok", "delivered_t": 57.8, "shortfall_t": 0.0,
                         "mobilized_t": 62.3 - v.index / 10, "labour_days": 2564 - v.index,
                         **figures}
               for v in variants}
    console = Console(file=io.StringIO(), width=80, record=True)
    monkeypatch.setattr(cli.common, "stdout", console)
    cli.sweep._print_sweep(variants, records)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80, text
    return text


def test_a_header_keeps_its_unit_with_its_last_word(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 80 columns, two varied paths and the simulation's figures, the last header read
    'sim. short' over a lone 't'; a unit now stays with the word before it."""
    lines = _printed_sweep(monkeypatch, ["modes.porter.payload_kg=20,25",
                                         "modes.bicycle.payload_kg=80,100"],
                           sim_p_any_shortfall=0.95, sim_shortfall_t=3.3).splitlines()
    figures = lines.index("Key figures, by variant")
    header = lines[figures + 1:figures + 3]
    assert header[-1].endswith("short t"), header
    assert all("sim. short t" in line for line in header if "sim. short" in line), header


def test_one_varied_path_and_the_simulation_fit_one_table_at_80_columns(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every header's unit kept with its word (delivered t, short t, ...) made the table of
    one varied path and the simulation's figures too wide for 80 columns, and split it in
    two: it is one table, each header its words over its unit, no unit alone."""
    text = _printed_sweep(monkeypatch, ["modes.porter.payload_kg=20,25"],
                          sim_p_any_shortfall=0.95, sim_shortfall_t=3.3)
    assert "Key figures, by variant" not in text, text
    lines = text.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("──"))
    header = lines[1:rule]
    assert header[-1].split() == ["#", "payload_kg", "t", "t", "t", "labour-days", "%", "t"], \
        text
    assert not any("sim. short" in line for line in header), text  # (not over a lone t)
    assert lines[rule + 1].split() == ["0", "20", "57.8", "0.0", "62.3", "2,564", "95.0", "3.3"]


def test_a_small_chance_the_same_in_every_variant_does_not_read_0(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Decimals were added only where the variants differ: a chance of 0.02 % of some front
    going short in every variant read 0.0 (it had read 0.02). A figure that is not 0 is
    given to the decimals that show it, in the sweep's table and in sl.compare's alike."""
    from supplyline.report.compare import compare_records, decimals, shown

    text = _printed_sweep(monkeypatch, ["modes.porter.payload_kg=20,25"],
                          sim_p_any_shortfall=0.0002, sim_shortfall_t=0.0004)
    rows = [line.split() for line in text.splitlines() if line[:2] in ("0 ", "1 ")]
    assert [row[-2:] for row in rows] == [["0.02", "0.0004"]] * 2, text
    assert shown([0.0234, 0.0234], 1) == ["0.02", "0.02"]
    # (within the significant digits of the largest: crumbs beside tonnes stay 0)
    assert shown([1e-9, 0.0], 1) == ["0.0", "0.0"] and decimals([1000.0, 0.02], 1) == 1
    record = {"status": "ok", "delivered_t": 57.8, "shortfall_t": 0.0, "mobilized_t": 62.3,
              "labour_days": 2564.0, "sim_p_any_shortfall": 0.0002, "sim_shortfall_t": 3.3}
    table = compare_records({"a": record, "b": record})
    assert table.kpis["P(any shortfall) (%), simulated"].tolist() == [0.02, 0.02]
    assert "0.02" in str(table) and ">0.02<" in table.to_html()


def test_a_region_whose_localities_gave_nothing_is_0_in_a_record_not_left_out() -> None:
    """A record (a sweep's table, its --json) listed only the regions that gave: a region of
    the localities that gave nothing was no key at all, so that its mean over the variants
    left them out, while every route was listed, at 0.0 where nothing went; and sl.compare
    said that one plan's scenario had a region the other's had not, in a table without it."""
    import math

    from supplyline.report.compare import plan_record

    base = sl.load("tutorial")
    # (a village with nothing to give, alone in its region)
    dry = base.replace({"places.high-village.stock_kg.rice": 0,
                        "places.high-village.regions": ["hills"]})
    plans = {"base": sl.plan(base, days=3), "dry": sl.plan(dry, days=3)}
    regions = plan_record(plans["dry"])["mobilized_by_region_t"]
    assert set(regions) == {"hills", "upper", "lower"} and regions["hills"] == 0.0
    assert sum(regions.values()) == pytest.approx(plans["dry"].kpis()["mobilized_t"])
    table = sl.compare(plans)
    assert table.regions.loc["dry", "hills"] == 0.0
    assert math.isnan(table.regions.loc["base", "hills"])  # (no such region there)
    assert not table.regions.drop(columns="hills").isna().any().any()


def test_a_sweep_of_costs_gives_what_each_variant_costs() -> None:
    """A sweep of costs.wage_per_person_day (the docs' own example of a section a sweep
    adds) gave no figure of money: every column read the same in every variant. Each
    record, its table and the comparison give the cost and the cost per tonne delivered,
    in the scenario's currency, and none (unknown, not 0) where nothing is priced."""
    import io
    import math

    import pyarrow.parquet as pq

    from supplyline.report.compare import compare_records
    from supplyline.sweep.run import SweepOptions, _row, _Writer, run_variant, table_schema

    variants = make_variants(sl.load("tutorial"), ["costs.wage_per_person_day=0,2"], days=3)
    records = [run_variant(v.index, v.build, SweepOptions()) for v in variants]
    unpriced, priced = records
    assert unpriced["status"] == priced["status"] == "ok"
    assert unpriced["cost"] is None and unpriced["cost_per_t"] is None
    # (the tutorial prices nothing else: the wages of its labour-days)
    assert priced["cost"] == pytest.approx(2 * priced["labour_days"])
    assert priced["cost_per_t"] == pytest.approx(priced["cost"] / priced["delivered_t"])
    schema = table_schema(variants)
    assert schema.field("cost").metadata[b"units"] == b"USD"
    assert schema.field("cost_per_t").metadata[b"units"] == b"USD/t"
    buffer = io.BytesIO()
    writer = _Writer(buffer, schema, 16)
    for record, variant in zip(records, variants, strict=True):
        writer.add(_row(record, variant, schema))
    writer.close()
    rows = pq.read_table(io.BytesIO(buffer.getvalue())).to_pylist()
    assert [row["cost"] for row in rows] == [None, pytest.approx(priced["cost"])]
    table = compare_records({"unpriced": unpriced, "priced": priced})
    assert math.isnan(table.kpis.loc["unpriced", "cost (USD)"])
    assert table.kpis.loc["priced", "cost per t delivered (USD/t)"] == pytest.approx(
        priced["cost_per_t"])
    assert "cost (USD)" not in compare_records({"unpriced": unpriced}).kpis.columns
    # Costs in two currencies stood side by side under "cost", with no word of it.
    dong = {**priced, "currency": "VND"}
    mixed = compare_records({"usd": priced, "vnd": dong})
    assert "cost" in mixed.kpis.columns and not any("(" in c for c in mixed.kpis.columns
                                                    if c.startswith("cost"))
    assert ("These plans' costs are in different currencies (usd: USD; vnd: VND): the cost "
            "rows set them side by side unconverted.") in mixed.notes
    assert not any("currencies" in note for note in table.notes)


def test_one_more_refused_alike_is_said_in_full_not_counted() -> None:
    """Past the first three refused alike, one more was counted, in the first's words:
    '... expected a date from 2024-11-01 to 2024-11-12 (the horizon), got 1 more
    combinations refused alike' for a combination whose horizon ended on the 14th."""
    from supplyline.sweep.vary import SAID_VALUES

    assert SAID_VALUES == 3
    with pytest.raises(VaryError) as caught:
        make_variants(sl.load("tutorial"), ["start_date=2024-11-01,2024-11-05",
                                             "end_date=2024-11-12,2024-11-14"], "tutorial")
    reserves = [p for p in caught.value.problems if p.field.endswith("reserves[0].by")]
    assert [p.option for p in reserves] == [
        f"start_date={start}, end_date={end}" for start in ("2024-11-01", "2024-11-05")
        for end in ("2024-11-12", "2024-11-14")]
    assert reserves[-1].expected == "a date from 2024-11-05 to 2024-11-14 (the horizon)"
    assert not any("more" in p.got for p in caught.value.problems)
    with pytest.raises(VaryError) as caught:
        make_variants(sl.load("tutorial"), ["modes.porter.payload_kg=-3:0:1"], "tutorial")
    assert [p.got for p in caught.value.problems] == ["-3", "-2", "-1", "0"]
