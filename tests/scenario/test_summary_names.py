"""``supplyline show`` names goods, carriers, places and fronts as the report and the plan's
summary do ('Milled rice', not 'rice'), with the id a scenario file writes beside a name that
does not spell it; ``show --json`` keeps the ids and adds the names."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from supplyline.cli import app


def test_a_name_gets_its_id_where_it_does_not_spell_it() -> None:
    from supplyline.scenario.summary import named

    assert named("Milled rice", "rice") == "Milled rice [rice]"
    assert named("Pack bicycle", "bicycle") == "Pack bicycle [bicycle]"
    # Case, spaces, hyphens and underscores aside, the id is the name: said once.
    assert named("Rice", "rice") == "Rice"
    assert named("Kestrel town", "kestrel-town") == "Kestrel town"
    assert named("Son La", "son_la") == "Son La"
    # A label made distinct by its id (Network.commodity_label) has it already.
    assert named("Rice [paddy]", "paddy") == "Rice [paddy]"


def test_show_names_the_builtin_goods_modes_owners_and_front() -> None:
    runner = CliRunner()
    lines = runner.invoke(app, ["show"], env={"COLUMNS": "80"}).output.splitlines()
    assert max(len(line) for line in lines) <= 80
    at = lines.index("Goods over the horizon (tonnes)")
    goods = [line.split("  ")[0] for line in lines[at + 3:at + 8]]
    assert goods == ["Milled rice [rice]", "Salt", "Meat", "Greens", "Truck fuel [fuel]"]
    at = lines.index("Carriers the places own")
    assert lines[at + 3].startswith("Pack bicycle [bicycle]   20,991   Thanh Hoa 8,000, ")
    at = lines.index("Reserve targets (on hand at the front)")
    row = next(line for line in lines[at:] if "1954-03-12" in line)
    assert row.split()[:6] == ["Dien", "Bien", "Phu", "battle", "area", "Milled"]
    assert "[dien-bien-phu]" in " ".join(lines[at:at + 8])
    # The network's sketch and the route tables speak the ids the file writes.
    assert "dien-bien-phu (front)" in lines


def test_show_json_keeps_the_ids_and_adds_the_names() -> None:
    answer = json.loads(CliRunner().invoke(app, ["show", "--json"]).output)
    rice = answer["commodities"][0]
    assert (rice["commodity"], rice["name"]) == ("rice", "Milled rice")
    (reserve,) = answer["reserves"]
    assert (reserve["front"], reserve["front_name"]) == (
        "dien-bien-phu", "Dien Bien Phu battle area")
    assert (reserve["commodity"], reserve["commodity_name"]) == ("rice", "Milled rice")
    truck = next(row for row in answer["carriers"] if row["mode"] == "truck")
    assert truck["name"] == "Truck"
    assert truck["owned_by"] == [{"place": "yen-bai", "name": "Yen Bai - assembly point",
                                  "units": 530}]
