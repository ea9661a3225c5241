"""``supplyline show`` says what carriers the places own, the road works and the reserve
targets, each against the scenario files by hand (it had said none of them: the road works
only as a count, in the JSON)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import supplyline as sl
from supplyline.cli import app
from supplyline.scenario.summary import summarize


def test_the_tutorials_bicycles_and_reserve() -> None:
    summary = summarize(sl.load("tutorial"))
    # River village owns 40 bicycles, Far village 30; porters are labour, owned by no place.
    assert summary["carriers"] == [
        {"mode": "bicycle", "name": "Pack bicycle", "units": 40 + 30, "owners": 2,
         "owned_by": [{"place": "river-village", "name": "River village", "units": 40},
                      {"place": "far-village", "name": "Far village", "units": 30}]}]
    # 3 days of 4,500 people × 0.5 kg on 20 November: 6.75 t.
    (reserve,) = summary["reserves"]
    assert reserve == {"front": "kestrel-town", "front_name": "Kestrel town",
                       "commodity": "rice", "commodity_name": "Rice",
                       "amount_t": pytest.approx(3 * 4500 * 0.5 / 1000),
                       "days_of_supply": pytest.approx(3), "by": "2024-11-20"}
    assert summary["road_works"] == []


def test_a_road_work_and_targets_on_one_day_add_up() -> None:
    """A work without a start runs from the scenario's first day; two demands at one front
    asking reserves on one day are one target, as the planner reads them."""
    sc = sl.load("tutorial").replace({
        "road_works": [{"route": "gorge-path", "crew_days": 1200, "by": "2024-11-12"}],
        "demand": [{"front": "kestrel-town", "commodity": "rice", "kg_per_day": 1000,
                    "reserves": [{"days_of_supply": 2, "by": "2024-11-05"}]},
                   {"front": "kestrel-town", "commodity": "rice", "kg_per_day": 500,
                    "reserves": [{"days_of_supply": 4, "by": "2024-11-05"}]}]})
    summary = summarize(sc)
    (work,) = summary["road_works"]
    assert work == {"route": "gorge-path", "name": "Gorge path (safe, slow)",
                    "person_days": 1200, "start": "2024-11-01", "by": "2024-11-12"}
    # 2 × 1 t + 4 × 0.5 t = 4 t, which is 4 / 1.5 days of the front's 1.5 t that day.
    assert summary["reserves"] == [{"front": "kestrel-town", "front_name": "Kestrel town",
                                    "commodity": "rice", "commodity_name": "Rice",
                                    "amount_t": pytest.approx(4.0),
                                    "days_of_supply": pytest.approx(4 / 1.5),
                                    "by": "2024-11-05"}]


def test_the_builtin_scenarios_carriers_works_and_reserve() -> None:
    summary = summarize(sl.load())
    carriers = {row["mode"]: row for row in summary["carriers"]}
    assert list(carriers) == ["bicycle", "horse", "raft", "truck"]  # (porters: labour)
    # Thanh Hoa, Nghe An, Interzone 3, Phu Tho, Tuyen Quang, Thai Nguyen.
    assert carriers["bicycle"]["units"] == 8000 + 2000 + 1491 + 3500 + 3000 + 3000
    assert carriers["bicycle"]["owners"] == 6
    assert [o["place"] for o in carriers["bicycle"]["owned_by"]] == [
        "thanh-hoa", "phu-tho", "tuyen-quang"]
    # Lai Chau, Lao Cai, Son La, Moc Chau, Nghia Lo; rafts at Phong Tho and Lao Cai.
    assert carriers["horse"]["units"] == 250 + 150 + 250 + 150 + 114
    assert carriers["raft"]["units"] == 1500 + 1500
    assert carriers["truck"] == {"mode": "truck", "name": "Truck", "units": 530, "owners": 1,
                                 "owned_by": [{"place": "yen-bai",
                                               "name": "Yen Bai - assembly point",
                                               "units": 530}]}
    (work,) = summary["road_works"]
    assert (work["route"], work["person_days"], work["start"], work["by"]) == (
        "tuan-giao--dbp-road", 250_000, "1953-12-05", "1954-01-15")
    # 10 days of 85,000 troops × 0.9 kg of rice on 12 March.
    (reserve,) = summary["reserves"]
    assert (reserve["front"], reserve["commodity"], reserve["by"]) == (
        "dien-bien-phu", "rice", "1954-03-12")
    assert reserve["amount_t"] == pytest.approx(10 * 85_000 * 0.9 / 1000)
    # The repair crews, each from its route's opening: the Tuan Giao road's 300 from 16
    # January (112 days to 7 May), the others all 158 days.
    crews = {row["route"]: row for row in summary["repair_crews"]}
    assert len(crews) == 8
    assert crews["tuan-giao--dbp-road"] == {"route": "tuan-giao--dbp-road", "persons": 300,
                                            "from": "1954-01-16", "person_days": 300 * 112}
    assert crews["r13-yen-bai--lung-lo"]["person_days"] == 500 * 158
    assert crews["r13-yen-bai--lung-lo"]["from"] == "1953-12-01"


def test_show_prints_the_repair_crews() -> None:
    said = CliRunner().invoke(app, ["show"], env={"COLUMNS": "80"}).output
    lines = said.splitlines()
    at = lines.index("Repair crews (kept on their routes, fed where the route starts)")
    assert lines[at + 1].split() == ["route", "persons", "from", "person-days"]
    assert "tuan-giao--dbp-road 300 1954-01-16 33,600" in [
        " ".join(line.split()) for line in lines[at + 3:at + 11]]
    assert max(len(line) for line in lines) <= 80


def test_show_prints_them_in_80_columns_and_in_json() -> None:
    runner = CliRunner()
    said = runner.invoke(app, ["show", "tutorial"], env={"COLUMNS": "80"}).output
    lines = said.splitlines()
    assert max(len(line) for line in lines) <= 80
    at = lines.index("Carriers the places own")
    assert lines[at + 3].split() == ["Pack", "bicycle", "[bicycle]", "70", "River", "village",
                                     "40,", "Far", "village", "30"]
    at = lines.index("Reserve targets (on hand at the front)")
    assert lines[at + 3].split() == ["Kestrel", "town", "Rice", "6.75", "3", "2024-11-20"]
    assert "Road works" not in lines
    built_in = runner.invoke(app, ["show"], env={"COLUMNS": "80"}).output.splitlines()
    assert max(len(line) for line in built_in) <= 80
    at = built_in.index("Road works")
    assert built_in[at + 3].split() == ["tuan-giao--dbp-road", "250,000", "1953-12-05",
                                        "1954-01-15"]
    truck = next(line for line in built_in if line.startswith("Truck   "))
    assert truck.split() == ["Truck", "530", "Yen", "Bai", "-", "assembly", "point",
                             "[yen-bai]", "530"]
    at = next(i for i, line in enumerate(built_in) if line.startswith("Pack bicycle "))
    assert built_in[at + 1].endswith("and 3 more")
    answer = json.loads(runner.invoke(app, ["show", "tutorial", "--json"]).output)
    assert answer["carriers"][0]["units"] == 70
    assert answer["reserves"][0]["amount_t"] == pytest.approx(6.75)
    assert answer["road_works"] == []
