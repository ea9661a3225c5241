"""docs/dien-bien-phu-1954.md quotes the built-in scenario's figures: its tables of places,
routes and carriers, and the sums it draws from them (spare rice, demand, wounded, labour,
carriers, distances). These tests read each quoted figure from the page and hold it to the
scenario file as the model compiles it, so that a change to either that the other does not
follow fails here. No plan is made: the scenario loads and compiles in about a second."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import supplyline as sl
from supplyline.network import Network
from supplyline.scenario.schema import Scenario
from supplyline.scenario.series import demand_kg_per_day

DOC = Path(__file__).resolve().parents[2] / "docs" / "dien-bien-phu-1954.md"


@pytest.fixture(scope="module")
def text() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sc() -> Scenario:
    return sl.load("dien-bien-phu-1954")


@pytest.fixture(scope="module")
def net(sc: Scenario) -> Network:
    return sl.compile_network(sc)


def _said(text: str, pattern: str) -> re.Match[str]:
    """The page's first sentence that ``pattern`` matches, its line breaks read as spaces."""
    found = re.search(pattern, " ".join(text.split()))
    assert found is not None, pattern
    return found


def _rows(text: str, header: str) -> list[list[str]]:
    """The cells of the rows of the table whose header line starts with ``header``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def _number(cell: str) -> float:
    return float(cell.replace(",", ""))


def _t(amount: str) -> float:
    """'8,560' -> 8,560,000 kg."""
    return _number(amount) * 1000.0


def test_the_places_table_is_the_scenario_s(text: str, sc: Scenario) -> None:
    rows = _rows(text, "| id | kind | name | lat, lon |")
    places = {p.id: p for p in sc.places}
    assert [r[0] for r in rows] == list(places)
    for pid, kind, _name, latlon, regions, population in rows:
        place = places[pid]
        assert kind == place.kind, pid
        lat, lon = (float(x) for x in latlon.replace("(est.)", "").split(","))
        assert (lat, lon) == pytest.approx((place.lat, place.lon)), pid
        assert sorted(r.strip() for r in regions.split(",") if r.strip()) == sorted(
            place.regions), pid
        assert (_number(population) if population else 0.0) == (place.population or 0.0), pid


def test_the_routes_table_is_the_scenario_s(text: str, sc: Scenario) -> None:
    rows = _rows(text, "| id | from → to | km |")
    routes = {r.id: r for r in sc.routes}
    assert sorted(r[0] for r in rows) == sorted(routes)
    road_modes = {"porter", "bicycle", "horse", "truck"}
    for rid, _what, km, how, modes, tonnes, terrain in rows:
        route = routes[rid]
        assert _number(km) == route.length_km, rid
        said = road_modes if modes == "all road modes" else {m.strip() for m in modes.split(",")}
        assert said == set(route.modes), rid
        assert (_number(tonnes) if tonnes else None) == route.capacity_tonnes_per_day, rid
        assert _number(terrain) == route.terrain_factor, rid
        # "gc 127 × 1.2": the great-circle distance, rounded, times the winding factor
        gc = re.match(r"gc (\d+) × ([\d.]+)", how)
        if gc:
            assert round(int(gc[1]) * float(gc[2])) == pytest.approx(route.length_km, abs=1), rid


def test_the_size_line_counts_the_scenario(text: str, sc: Scenario) -> None:
    kinds = [p.kind for p in sc.places]
    said = _said(text, r"Size: (\d+) places \((\d+) front, (\d+) hospitals, (\d+) depots, "
                     r"(\d+) junctions, (\d+) localities\), (\d+) routes\s+\(([\d,]+) km\)")
    assert said is not None
    counts = [int(x) for x in said.groups()[:7]]
    assert counts == [len(sc.places), kinds.count("front"), kinds.count("hospital"),
                      kinds.count("depot"), kinds.count("junction"), kinds.count("locality"),
                      len(sc.routes)]
    assert _number(said[8]) == sum(r.length_km for r in sc.routes)


def test_the_carriers_table_is_the_scenario_s(text: str, sc: Scenario) -> None:
    rows = {r[0]: r for r in _rows(text, "| mode | payload |")}
    modes = {m.id: m for m in sc.modes}
    assert sorted(rows) == sorted(modes)
    for mid, row in rows.items():
        mode = modes[mid]
        assert _number(row[1].removesuffix(" kg")) == mode.payload_kg, mid
        loaded, empty = (_number(x) for x in row[2].split("/"))
        assert (loaded, empty) == (mode.speed_loaded_km_per_day, mode.speed_empty_km_per_day)
        assert _number(row[3]) == mode.crew_per_unit, mid
        rice = re.match(r"([\d.]+) kg rice", row[4])
        assert rice is not None and float(rice[1]) == mode.rations_kg_per_day["rice"], mid
        fuel = re.search(r"([\d.]+) kg fuel per km", row[4])
        assert (float(fuel[1]) if fuel else 0.0) == mode.fuel_kg_per_km, mid
        wounded = re.search(r"([\d.]+) wounded", row[5])
        assert (float(wounded[1]) if wounded else 0.0) == mode.wounded_per_unit, mid
        assert ("night only" in row[5]) == mode.night_only, mid


# The names the page gives the localities in its spare-rice table.
SPARE_NAMES = {"Nghia Lo": "nghia-lo", "Son La": "son-la", "Lai Chau": "lai-chau",
               "Lao Cai": "lao-cai", "Tuan Giao villages": "tuan-giao-villages",
               "Moc Chau": "moc-chau", "Phong Tho": "phong-tho", "Thanh Hoa": "thanh-hoa",
               "Nghe An": "nghe-an", "Phu Tho": "phu-tho", "Tuyen Quang": "tuyen-quang",
               "Thai Nguyen": "thai-nguyen", "Inter-zone 3": "interzone-3"}


def test_the_spare_rice_is_the_stock_less_what_the_people_keep(text: str,
                                                                sc: Scenario) -> None:
    """stock = population × 0.4 kg × 158 days + the spare: the page's spare of each
    locality, and its two totals, are the scenario's stocks less that floor."""
    keep = sc.policy.subsistence_kg_per_person_day["rice"] * sc.days
    spare = {p.id: p.stock_kg.get("rice", 0.0) - p.population * keep
             for p in sc.places if p.kind == "locality"}
    rows = _rows(text, "| | spare rice (could give) |")
    assert len(rows) == 2
    quoted: dict[str, float] = {}
    for row in rows:
        total = re.match(r"\*\*([\d,]+) t\*\*: (.*)", row[1])
        assert total is not None
        parts = {name: found[1] for name in SPARE_NAMES
                 if (found := re.search(re.escape(name) + r" ([\d,]*\d)", total[2]))}
        assert sum(_t(v) for v in parts.values()) == pytest.approx(_t(total[1]))
        quoted |= {SPARE_NAMES[name]: _t(v) for name, v in parts.items()}
    assert quoted == pytest.approx(spare, abs=0.5)
    # "20 kg/person" in the Muong Lo rice bowl
    nghia_lo = next(p for p in sc.places if p.id == "nghia-lo")
    assert spare["nghia-lo"] / nghia_lo.population == pytest.approx(20.0)


def test_the_front_s_demand_is_the_quoted_person_days(text: str, sc: Scenario,
                                                      net: Network) -> None:
    """11,717,000 person-days: 10,545 t of rice, 199 t of salt, 246 t each of meat and
    greens; the 150 t held at the start, about four and a half days of December's demand
    at its average, 34 t a day."""
    person_days = _number(_said(text, r"That is ([\d,]+) person-days")[1])
    front = net.place_ids.index("dien-bien-phu")
    kg = net.demand_kg[front].sum(axis=1)
    ids = net.commodity_ids
    assert kg[ids.index("rice")] == pytest.approx(person_days * 0.9)
    assert round(kg[ids.index("rice")] / 1000.0) == _number(
        _said(text, r"Total over the horizon:\s+\*\*([\d,]+) t\*\*")[1])
    foods = _said(text, r"so (\d+) t salt .*?, (\d+) t meat\s+and (\d+) t greens")
    assert foods is not None
    for good, tonnes in zip(("salt", "meat", "greens"), foods.groups(), strict=True):
        assert round(kg[ids.index(good)] / 1000.0) == int(tonnes), good
    rice = next(d for d in sc.demand if d.commodity == "rice")
    december = demand_kg_per_day(rice, sc)[:31].mean() / 1000.0
    assert round(december) == 34
    assert net.initial_stock_kg[front, ids.index("rice")] / 1000.0 / december == pytest.approx(
        4.5, abs=0.1)


def test_the_wounded_add_up_to_the_quoted_total(text: str, net: Network) -> None:
    """10,140 over the three waves, within 3 days of one of the two hospitals; they eat
    the labour ration (the scenario gives no ration of its own to the wounded)."""
    total = _number(_said(text, r"The\s+scenario spreads ([\d,]+) over")[1])
    (group,) = net.wounded_groups
    assert group.arising.sum() == pytest.approx(total)
    assert sorted(np.asarray(net.place_ids)[group.hospitals]) == ["hospital-forward",
                                                                  "hospital-tuan-giao"]
    rice = net.commodity_ids.index("rice")
    quoted = _said(text, r"The wounded eat ([\d.]+) kg of rice a day")
    assert quoted is not None
    assert net.wounded_rations_kg_per_day[rice] == float(quoted[1])


def test_the_labour_pool_and_the_carriers_owned(text: str, sc: Scenario) -> None:
    share = sc.policy.labour_share
    pool = sum(p.population * share for p in sc.places if p.kind == "locality")
    assert pool == _number(_said(text, r"The scenario's pool, ([\d,]+) people")[1])

    def owned(mode: str) -> dict[str, float]:
        return {p.id: p.carriers[mode] for p in sc.places if p.carriers.get(mode)}

    bikes = owned("bicycle")
    assert sum(bikes.values()) == 20_991
    said = _said(text, r"Thanh Hoa ([\d,]+), Phu Tho ([\d,]+), Tuyen Quang\s+([\d,]+) and "
                     r"Thai Nguyen ([\d,]+) .*?, Nghe An ([\d,]+),\s+Inter-zone 3 the "
                     r"remaining ([\d,]+)")
    assert said is not None
    assert [_number(x) for x in said.groups()] == [
        bikes[p] for p in ("thanh-hoa", "phu-tho", "tuyen-quang", "thai-nguyen", "nghe-an",
                           "interzone-3")]
    assert sum(owned("horse").values()) == 914
    assert owned("raft") == {"phong-tho": 1500, "lao-cai": 1500}
    assert owned("truck") == {"yen-bai": 530}
    yen_bai = next(p for p in sc.places if p.id == "yen-bai")
    assert yen_bai.stock_kg["fuel"] == 1_200_000


def test_the_quoted_distances_and_days(text: str, sc: Scenario, net: Network) -> None:
    """Thanh Hoa → Dien Bien Phu 559 km and 27 days for a porter; Suoi Rut → Dien Bien
    Phu 386 km; a truck on the Tuan Giao road 0.84 of a day's drive."""
    routes = {r.id: r for r in sc.routes}
    trunk = ["r41-suoi-rut--moc-chau", "r41-moc-chau--co-noi", "r41-co-noi--son-la",
             "r41-son-la--pha-din", "r41-pha-din--tuan-giao", "tuan-giao--dbp-road"]
    rear = ["thanh-hoa--xuan-lap", "xuan-lap--suoi-rut"]
    km = {r: routes[r].length_km for r in rear + trunk}
    assert sum(km[r] for r in trunk) == _number(
        _said(text, r"Suoi Rut → Dien Bien Phu is\s+(\d+) km")[1])
    assert sum(km.values()) == _number(
        _said(text, r"Thanh Hoa →\s+Dien Bien Phu is (\d+) km")[1])
    porter = next(m for m in sc.modes if m.id == "porter")
    days = sum(routes[r].length_km * routes[r].terrain_factor for r in rear + trunk)
    days /= porter.speed_loaded_km_per_day
    assert round(days) == int(_said(text, r"a porter needs (\d+) days")[1])
    truck = next(m for m in sc.modes if m.id == "truck")
    road = routes["tuan-giao--dbp-road"]
    drive = road.length_km * road.terrain_factor / truck.speed_loaded_km_per_day
    assert drive == pytest.approx(float(_said(text, r"road in ([\d.]+) of a night-drive")[1]))


def test_repair_crews_are_posted_on_eight_of_the_eleven_bombed_routes(
        text: str, sc: Scenario, net: Network) -> None:
    """...and the Tuan Giao road's serves from its opening, in the plan's 4-day steps from
    19 January."""
    bombed = {r for threat in sc.threats.air for r in threat.routes}
    crewed = {r.id for r in sc.routes if r.repair_crew > 0}
    assert crewed <= bombed
    said = _said(text, r"posted on (\w+) of the\s+(\w+) bombed routes")
    assert said is not None
    words = {"eight": 8, "eleven": 11}
    assert (len(crewed), len(bombed)) == (words[said[1]], words[said[2]])
    assert {r.repair_crew for r in sc.routes if r.repair_crew} == {300, 500}
    road = [r.id for r in sc.routes].index("tuan-giao--dbp-road")
    first = net.grid.start[net.route_open_step[road]]
    assert (sc.start_date + np.timedelta64(int(first), "D").item()).isoformat() == "1954-01-19"
    assert "in the plan's 4-day steps from 19 January" in " ".join(text.split())
