"""The rules across sections say a problem at the field a user must change, at its line:
where two fields cause it together, at the one the message names first, the other said in
the message. Each had been said at the whole entry (its first line), or at a field whose
change fixes nothing."""

from __future__ import annotations

from importlib import resources

from supplyline.errors import Problem
from supplyline.scenario import load_text

from .helpers import by_field, edit, line_of, problems_in

TUTORIAL = (resources.files("supplyline.scenario") / "builtin" / "tutorial.yaml").read_text(
    "utf-8")
THREAT = "    - routes: [ridge-road]\n      windows:\n"
RIDGE = "    capacity_movements_per_day: 400\n"


def said(text: str) -> dict[str, Problem]:
    return by_field(problems_in(text, "tutorial.yaml", None))  # type: ignore[arg-type]


def test_an_air_threat_where_no_route_is_open_is_said_at_its_routes() -> None:
    """An air threat naming no route strikes every route open to air attack: with the ridge
    road closed to it too, there is none. Said at the threat's routes (its key's line, not
    the threat's first), and where it gives none, at the threat's line; each says that every
    route has air_exposed: false."""
    closed = edit(TUTORIAL, RIDGE, f"{RIDGE}    air_exposed: false\n")
    text = edit(closed, THREAT, "    - windows:\n")
    text = edit(text, "      capacity_lost_fraction: 0.5\n",
                "      routes: []\n      capacity_lost_fraction: 0.5\n")
    problem = said(text)["threats.air[0].routes"]
    assert problem.line == line_of(text, "      routes: []\n") != line_of(text, "    - windows:")
    assert problem.expected == ("an air threat on some route open to air attack "
                                "(air_exposed: true)")
    assert problem.got == ("no route named, and none open to air attack (every route has "
                           "air_exposed: false)")
    unwritten = edit(text, "      routes: []\n", "")
    assert said(unwritten)["threats.air[0].routes"].line == line_of(unwritten, "    - windows:")
    # The ridge road open to it: the threat strikes it.
    load_text(edit(text, f"{RIDGE}    air_exposed: false\n", RIDGE), "tutorial.yaml")


def test_what_never_acts_is_said_at_its_key_where_written_as_a_block() -> None:
    """Rations no one eats (the wounded given their own, no road works, no repair crews),
    written as a block: said at labour_rations_kg_per_day's own line, not at its first
    good's line below it."""
    text = edit(TUTORIAL, "  labour_rations_kg_per_day: {rice: 0.7}\n",
                "  labour_rations_kg_per_day:\n    rice: 0.7\n"
                "  wounded_rations_kg_per_day: {rice: 0.5}\n")
    problem = said(text)["policy.labour_rations_kg_per_day"]
    assert problem.line == line_of(text, "  labour_rations_kg_per_day:\n")
    assert problem.got == "rations of rice (no one eats them)"


def test_a_second_price_of_a_good_at_a_place_is_said_at_its_place() -> None:
    """Two prices of rice at one village: a change of the second's per_kg (where it was
    said) leaves both; its place (or its good) is what tells them apart."""
    text = edit(TUTORIAL, "\nreplays:\n", "\ncosts:\n  prices:\n"
                "    - {place: high-village, commodity: rice, per_kg: 1}\n"
                "    - per_kg: 2\n      commodity: rice\n      place: high-village\n"
                "\nreplays:\n")
    problem = said(text)["costs.prices[1].place"]
    assert problem.line == line_of(text, "      place: high-village\n")
    assert problem.expected.startswith("one price for each place and commodity (also priced "
                                       f"by costs.prices[0], line {line_of(text, 'per_kg: 1')}")
    assert problem.got == "'rice' at 'high-village' again"
    load_text(edit(text, "      place: high-village\n", "      place: far-village\n"),
              "tutorial.yaml")


def test_an_air_threat_on_a_route_closed_to_it_names_the_routes_air_exposed() -> None:
    """The threat's route id is said (the route it means may be another), and the route's
    air_exposed: false, the other field that makes it, with its line: the message said
    'air_exposed: false' and left the user to find which route's line."""
    text = edit(TUTORIAL, RIDGE, f"{RIDGE}    air_exposed: false\n")
    problem = said(text)["threats.air[0].routes[0]"]
    assert problem.line == line_of(text, THREAT)
    exposed = line_of(text, f"{RIDGE}    air_exposed: false\n") + 1
    assert problem.got == (f"'ridge-road' (air_exposed: false at routes[5].air_exposed, "
                           f"line {exposed})")


def test_a_mode_of_people_no_locality_may_send_names_the_shares_that_send_none() -> None:
    """Said at the mode (the message names it first), with the field that makes every
    locality send none: the policy's labour_share of 0 at its line (the user had to find
    it), or each locality's own population or share, at the places said beside it."""
    text = edit(TUTORIAL, "  labour_share: 0.2\n", "  labour_share: 0\n")
    policy = line_of(text, "  labour_share: 0\n")
    problems = said(text)
    problem = problems["modes[0].units_from"]
    assert problem.line == line_of(text, "    units_from: labour")
    assert problem.got == ("labour: no locality may send any (every locality of "
                           f"policy.labour_share 0, line {policy}; 'porter' is never used)")
    assert problems["places[2].carriers.bicycle"].got == (
        f"'bicycle' at a locality of policy.labour_share 0, line {policy}")
    text = edit(TUTORIAL, "    population: 1200\n", "    population: 0\n")
    for people in ("1800", "2500", "3000"):
        text = edit(text, f"    population: {people}\n",
                    f"    population: {people}\n    labour_share: 0\n")
    assert said(text)["modes[0].units_from"].got == (
        "labour: no locality may send any (every locality of population 0 or labour_share 0; "
        "'porter' is never used)")


def test_a_route_never_open_names_its_open_from_where_the_closures_start_after_it() -> None:
    """A route that opens on 10 November, closed from then to the horizon's end: said at
    its closed windows, which had been said to cover every day of the horizon though they
    leave its first nine open; the open_from that closes those is named, with its line.
    Closures that do cover every day need no open_from said."""
    text = edit(TUTORIAL, "    repair_days: 2\n", "    repair_days: 2\n    open_from: 2024-11-10\n"
                "    closed:\n      - {start: 2024-11-10, end: 2024-11-30}\n")
    problem = said(text)["routes[5].closed"]
    assert problem.line == line_of(text, "    closed:\n")
    assert problem.got == ("closed windows that cover every day of it from 2024-11-10 "
                           f"(open_from, line {line_of(text, 'open_from: 2024-11-10')})")
    whole = edit(text, "- {start: 2024-11-10, end: 2024-11-30}",
                 "- {start: 2024-11-01, end: 2024-11-30}")
    assert said(whole)["routes[5].closed"].got == "closed windows that cover every day of it"
