"""The key figures (``plan --json``, ``plan.json``) hold what the terminal's summary prints:
an analyst reading the JSON found no start or end stock per good, no crews or unit-days per
mode and no split of the labour-days, which the summary's tables show."""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
from rich.console import Console

import supplyline as sl
from supplyline.report.facts import commodity_label, tonnes_text, whole
from supplyline.report.terminal import print_plan_summary
from supplyline.units import fmt
from tests.simulate.helpers import builtin_document


@functools.cache
def worked_plan() -> sl.Plan:
    """The tutorial with each part of the labour (3,000 person-days of road works on the
    gorge path, a repair crew of 10 on the ridge road), stock at the ridge depot at the start
    (5 t of rice, and 2 t of salt nobody wants, held to the end) and bicycles of 2 persons,
    so that no figure is 0 or another's by chance."""
    doc: dict[str, Any] = builtin_document("tutorial")
    doc["commodities"].append({"id": "salt", "source": "test"})
    doc["road_works"] = [{"route": "gorge-path", "crew_days": 3000, "start": "2024-11-01",
                          "by": "2024-11-15", "source": "test"}]
    doc["routes"] = [{**r, "repair_crew": 10} if r.get("id") == "ridge-road" else r
                     for r in doc["routes"]]
    doc["places"] = [{**p, "stock_kg": {"rice": 5000, "salt": 2000}}
                     if p["id"] == "ridge-depot" else p for p in doc["places"]]
    doc["modes"] = [{**m, "crew_per_unit": 2} if m["id"] == "bicycle" else m
                    for m in doc["modes"]]
    return sl.plan(sl.Scenario.model_validate(doc))


@functools.cache
def summary() -> str:
    """The terminal's summary of :func:`worked_plan`, its spaces run together (wide enough
    that no row wraps)."""
    console = Console(width=250, record=True, color_system=None)
    print_plan_summary(worked_plan(), console)
    return " ".join(console.export_text().split())


def test_the_labour_days_by_part_are_the_summary_s() -> None:
    """'labour-days 4,886 (carriers 1,586, road works 3,000, repair crews 300)': the parts
    were in the summary and Plan.labour_days(), not in the key figures."""
    from supplyline.plan.kpis import LabourKpis

    plan = worked_plan()
    kpis = json.loads(plan.to_json())["kpis"]  # as plan.json (and plan --json) write them
    parts = kpis["labour_days_by_part"]
    assert set(parts) == set(LabourKpis.__annotations__)
    assert parts == pytest.approx({k: v for k, v in plan.labour_days().items()
                                   if k != "total"}, rel=1e-12)
    assert all(days > 0 for days in parts.values())
    assert sum(parts.values()) == pytest.approx(kpis["labour_days"], rel=1e-12)
    assert (f"labour-days {fmt(kpis['labour_days'])} (carriers {fmt(parts['carriers'])}, "
            f"road works {fmt(parts['road_works'])}, repair crews "
            f"{fmt(parts['repair_crews'])})") in summary()


def test_where_the_goods_went_adds_up_in_the_key_figures() -> None:
    """Start + given = fronts + on the way + burned + spoiled + lost + end, per good, as
    the summary's "Where the goods went" prints it: the start and end stocks were missing."""
    plan = worked_plan()
    goods = json.loads(plan.to_json())["kpis"]["by_commodity"]
    went = plan.balance_kg()
    for g, cid in enumerate(plan.good_ids):
        row = goods[cid]
        assert row["start_stock_t"] == pytest.approx(went["initial"][g] / 1000.0, rel=1e-12)
        assert row["end_stock_t"] == pytest.approx(went["final_stock"][g] / 1000.0,
                                                   rel=1e-12)
        held = row["start_stock_t"] + row["mobilized_t"]
        gone = (row["delivered_t"] + row["eaten_on_way_t"] + row["burned_t"]
                + row["spoiled_t"] + row["lost_t"] + row["end_stock_t"])
        assert held == pytest.approx(gone, abs=1e-6), cid
        shown = (row[key] for key in ("start_stock_t", "mobilized_t", "delivered_t",
                                      "eaten_on_way_t", "burned_t", "spoiled_t", "lost_t",
                                      "end_stock_t"))
        # (each good by the name the report gives it, "Rice")
        assert f"{commodity_label(plan, g)} {' '.join(tonnes_text(t) for t in shown)} " in \
            summary()
    assert goods["rice"]["start_stock_t"] == pytest.approx(5.0)
    assert goods["salt"]["start_stock_t"] == goods["salt"]["end_stock_t"] == pytest.approx(2.0)


def test_each_mode_s_crews_and_unit_days_are_the_summary_s() -> None:
    """The carriers table's "their crews" and "unit-days" were not in the key figures."""
    plan = worked_plan()
    net = plan.network
    carriers = json.loads(plan.to_json())["kpis"]["carriers"]
    for m, mid in enumerate(net.mode_ids):
        row = carriers[mid]
        assert row["crews"] == pytest.approx(row["needed"] * net.crew_per_unit[m])
        assert row["unit_days"] == pytest.approx(float(plan.unit_days()[m]), rel=1e-12)
        assert (f"{net.mode_label(m)} {whole(row['recruited']):,} {whole(row['needed']):,} "
                f"{whole(row['crews']):,} {fmt(row['unit_days'])} ") in summary()
    bicycles = carriers["bicycle"]
    assert bicycles["crews"] == 2 * bicycles["needed"] > 0
