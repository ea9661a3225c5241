"""Every number of the built-in reference scenario says where it comes from, and the
estimates whose reasoning is arithmetic on the scenario's own figures still add up."""

from __future__ import annotations

from importlib.resources import files

import pytest
import yaml

import supplyline as sl

REFERENCE = "scenario/builtin/dien-bien-phu-1954.yaml"


def _unsourced_numbers(text: str) -> list[tuple[int, str, str]]:
    """(line, path, value) of each number with no comment on its line or in the comment
    block just above it, and no ``source`` on its object or on one enclosing it."""
    lines = text.splitlines()
    found: list[tuple[int, str, str]] = []

    def commented(line: int) -> bool:
        if "#" in lines[line]:
            return True
        return line > 0 and lines[line - 1].lstrip().startswith("#")

    def walk(node: yaml.Node, sourced: bool, path: list[str]) -> None:
        if isinstance(node, yaml.MappingNode):
            here = sourced or any(key.value == "source" for key, _ in node.value)
            for key, value in node.value:
                walk(value, here, [*path, str(key.value)])
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                walk(value, sourced, [*path, str(i)])
        elif isinstance(node, yaml.ScalarNode) and node.tag.endswith((":int", ":float")):
            line = node.start_mark.line
            if not (sourced or commented(line)):
                found.append((line + 1, ".".join(path), node.value))

    walk(yaml.compose(text), False, [])
    return found


def test_every_number_of_the_reference_scenario_has_a_source_or_a_comment() -> None:
    text = files("supplyline").joinpath(REFERENCE).read_text("utf-8")
    assert _unsourced_numbers(text) == []


def test_the_check_finds_a_number_written_without_either() -> None:
    text = "modes:\n  - id: porter\n    payload_kg: 20\n    source: x\npolicy:\n" \
           "  # why\n  step_days: 4\n  daily_start_days: 21\n"
    assert _unsourced_numbers(text) == [(8, "policy.daily_start_days", "21")]


def test_the_fuel_estimate_s_arithmetic_holds_on_the_scenario_s_figures() -> None:
    """Yen Bai's 1,200 t of fuel is said to be a little over half of what its 530 trucks
    would burn on Yen Bai - Dien Bien Phu round trips all campaign (358 km each way, 6.9
    days a round trip, 179 kg a round trip, about 2,100-2,200 t in all)."""
    sc = sl.load()
    path = ["r13-yen-bai--lung-lo", "r13-lung-lo--ta-khoa", "r13-ta-khoa--co-noi",
            "r41-co-noi--son-la", "r41-son-la--pha-din", "r41-pha-din--tuan-giao",
            "tuan-giao--dbp-road"]
    routes = {r.id: r for r in sc.routes}
    truck = next(m for m in sc.modes if m.id == "truck")
    km = sum(routes[r].length_km for r in path)
    flat_km = sum(routes[r].length_km * routes[r].terrain_factor for r in path)
    round_trip_days = flat_km / truck.speed_loaded_km_per_day \
        + flat_km / truck.speed_empty_km_per_day
    fuel_per_round_trip = 2 * km * truck.fuel_kg_per_km
    yen_bai = next(p for p in sc.places if p.id == "yen-bai")
    trucks = yen_bai.carriers["truck"]
    burned = trucks * sc.days / round_trip_days * fuel_per_round_trip
    assert km == 358
    assert round_trip_days == pytest.approx(6.9, abs=0.05)
    assert fuel_per_round_trip == pytest.approx(179, abs=0.5)
    assert 2_100e3 <= burned <= 2_200e3
    assert 0.5 < yen_bai.stock_kg["fuel"] / burned < 0.6
    note = " ".join((yen_bai.source or "").split())
    assert "a little over half" in note and "2,100-2,200 t" in note
