"""Terminal tables: the summary and the validation table say what the plan says, and show
the scenario's text as written, never as markup or terminal controls."""

from __future__ import annotations

import dataclasses
import io
import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from rich.console import Console

import supplyline as sl
from supplyline.plan.metrics import MetricValue
from supplyline.report.facts import commodity_label, persons_text
from supplyline.report.html import render_report
from supplyline.report.inert import inert, plain
from supplyline.report.sections import percent
from supplyline.report.svg import fmt
from supplyline.report.terminal import _history, print_plan_summary, print_validation
from supplyline.scenario.schema import Scenario


def _printed(show: object, *args: object) -> str:
    console = Console(record=True, width=140, color_system=None)
    show(*args, console)  # type: ignore[operator]
    return console.export_text()


def test_summary_has_every_table(valley_plan: sl.Plan) -> None:
    text = _printed(print_plan_summary, valley_plan)
    kpis = valley_plan.kpis()
    for heading in ("Delivered vs demand", "Mobilized per region", "Carriers by mode",
                    "Most burdened localities", "Busiest routes", "Why demand is not met"):
        assert heading in text
    assert f"{fmt(kpis['delivered_t'])} t of {fmt(kpis['demand_t'])} t demanded" in text
    assert f"{kpis['shortfall_days']} of 10" in text
    assert "labour-days" in text and "eaten on the way" in text
    assert "The pass" in text and "Ban A" in text and "Porter" in text
    assert "northwest" in text


def test_the_time_given_is_said_to_be_the_build_and_the_solve(valley_plan: sl.Plan) -> None:
    """"solver optimal in 0.43 s" gave the build and the solve together, where the JSON
    answer's solve_seconds is the solver's alone: the line says what it adds up."""
    plan = dataclasses.replace(valley_plan, build_seconds=0.25, solve_seconds=1.5,
                               explain_seconds=0.0)
    assert plan.seconds == 1.75
    first = _printed(print_plan_summary, plan).splitlines()[1]
    assert first.endswith("; solver optimal; built and solved in 1.75 s"), first
    assert "</span>; built and solved in 1.75 s</li>" in render_report(plan)
    # Where the fronts go short, finding what holds them short solves again (six times the
    # solve on the tutorial with a road closed): said, and counted in the plan's seconds.
    slow = dataclasses.replace(plan, explain_seconds=6.0)
    assert slow.seconds == 7.75 and slow.kpis()["explain_seconds"] == 6.0
    first = _printed(print_plan_summary, slow).splitlines()[1]
    assert first.endswith("; built and solved in 1.75 s, what holds the fronts short found in "
                          "6 s"), first


def test_the_most_burdened_are_in_one_order_in_the_summary_and_the_kpis() -> None:
    """Localities of equal burden (three at the bound) are ranked by one function for the
    summary and for kpis() and the JSON (each had sorted them itself, the summary stably,
    kpis() not: the same order only by the sort's own choice)."""
    plan = sl.plan(sl.load("tutorial"))
    food, labour = plan.burden()
    worst = np.maximum(food, labour)
    assert (worst == worst.max()).sum() >= 2  # (ties: the case)
    net = plan.network
    said = [net.place_ids[int(p)] for p in plan.most_burdened() if worst[p] > 0]
    assert [row["place"] for row in plan.kpis()["most_burdened"]] == said[:5]
    text = _printed(print_plan_summary, plan).split("Most burdened localities")[1]
    shown = [name for name in (net.place_label(net.place_ids.index(pid)) for pid in said)
             if name in text]
    assert sorted(shown, key=text.index) == shown


def test_busiest_routes_are_named_as_everywhere_else(valley_plan: sl.Plan) -> None:
    """A route without a name had a blank cell; it is called by its places' names."""
    net = valley_plan.network
    text = _printed(print_plan_summary, valley_plan).split("Busiest routes")[1]
    unnamed = [r for r, route in enumerate(net.scenario.routes) if not route.name]
    assert unnamed
    shown = [net.route_names[r] for r in unnamed if net.route_names[r] in text]
    assert shown and all(" – " in name for name in shown)


def test_summary_says_when_all_demand_is_met(valley_plan: sl.Plan) -> None:
    all_met = dataclasses.replace(valley_plan, findings=[])
    assert "All demand is met." in _printed(print_plan_summary, all_met)


def test_validation_table(replay_plan: sl.Plan) -> None:
    values = sl.validate(replay_plan)
    text = _printed(print_validation, values)
    assert "northwest-share" in text and "pass" in text and "FAIL" in text
    assert "input" in text and "input, not a test: set by the replay 'history'" in text
    assert "peak delivery <b>" in text
    assert "1 of 2 computed figures within tolerance; 1 set by the inputs" in text
    for i, v in enumerate(values, start=1):
        assert f"[{i}] {v.source}" in text  # each figure's source, numbered
        assert f"{fmt(v.value)}" in text


def test_validation_of_two_plans_says_which_each_figure_is_of(replay_plan: sl.Plan) -> None:
    """Figures of the plain plan beside a replay's were all titled "the plan under replay";
    a table with nothing tested said "0 of 0 computed figures within tolerance" in green."""
    values = sl.validate(replay_plan)
    plain = [dataclasses.replace(values[0], replay=None), *values[1:]]
    text = _printed(print_validation, plain)
    assert "(the plain plan and the plan under replay 'history')" in " ".join(text.split())
    assert "of the plain plan" in text and "of the plan under replay 'history'" in text
    inputs = [dataclasses.replace(v, input_reason="set by the test", passed=None,
                                  within=False) for v in values]
    text = " ".join(_printed(print_validation, inputs).split())
    assert "No figure is tested: 3 set by the inputs" in text
    assert "set by the test; the inputs give a value outside the record's tolerance" in text
    assert "computed figures within tolerance" not in text


def test_history_column_says_what_agrees() -> None:
    base = MetricValue(id="x", description="", model=1.0, value=100.0, unit="t",
                       tolerance=5.0, compare="within", source="s", passed=True)
    assert _history(base) == "100 ± 5 t"
    assert _history(dataclasses.replace(base, compare="at_least")) == "≥ 95 t"
    assert _history(dataclasses.replace(base, compare="at_most", tolerance=0.0)) == "≤ 100 t"
    assert "No historical figures" in _printed(print_validation, [])


def test_person_days_are_said_in_words() -> None:
    """The built-in scenario's labour-days read '1.18 Mperson*day' against '10.5 ± 1.5
    Mperson*day'; units that are not person-days stay as written."""
    from supplyline.units import words

    labour = MetricValue(id="labour", description="", model=1.18, value=10.5,
                         unit="Mperson*day", tolerance=1.5, compare="within", source="s",
                         passed=False)
    assert _history(labour) == "10.5 ± 1.5 million person-days"
    assert "1.18 million person-days" in " ".join(_printed(print_validation, [labour]).split())
    assert [words(u) for u in ("person*day", "kperson*day", "day*person", "t", "%", "?")] == [
        "person-days", "thousand person-days", "person-days", "t", "%", "?"]


def test_counted_units_are_said_in_the_plural() -> None:
    """validate said "56 day" of the days of battle, and a fraction (unit "1") as "0.4 1"."""
    battle = MetricValue(id="battle", description="", model=56.0, value=56.0, unit="day",
                         tolerance=0.0, compare="within", source="s", passed=True)
    assert _history(battle) == "56 days"
    assert _history(dataclasses.replace(battle, value=1.0)) == "1 day"
    assert _history(dataclasses.replace(battle, tolerance=2.0)) == "56 ± 2 days"
    assert _history(dataclasses.replace(battle, unit="person", value=260_000)) == (
        "260,000 people")
    assert _history(dataclasses.replace(battle, unit="1", value=0.4)) == "0.4"
    text = " ".join(_printed(print_validation, [battle]).split())
    assert "56 days" in text and "56 day " not in text


MARKUP = "[/red]A[link=http://e.x]c[/link]"
CONTROL = "\x1b]0;pwned\x07\x1b[2J\u202e"


def test_names_from_the_scenario_are_inert(valley_doc: Callable[[], dict[str, Any]]) -> None:
    doc = valley_doc("Valley [/bold]")
    doc["places"][0]["name"] = MARKUP
    doc["places"][5]["name"] = "Front [/red]"  # named in the findings
    doc["routes"][3]["name"] = "[red]pass"
    doc["modes"][0]["name"] = "Porter [/]"
    plan = sl.plan(Scenario.model_validate(doc))
    console = Console(record=True, width=200, force_terminal=True, color_system="truecolor",
                      file=io.StringIO())
    print_plan_summary(plan, console)
    raw = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b]8;" not in raw  # no hyperlink
    text = console.export_text()
    for name in (MARKUP, "[red]pass", "Porter [/]", "Valley [/bold]",
                 "Front [/red]"):
        assert name in text
    # Control characters never reach a plan: the scenario is refused (a file can write
    # them only as escapes); where other text holds one, it is shown, not obeyed.
    doc["title"] = f"Valley {CONTROL}"
    with pytest.raises(sl.ScenarioError) as caught:
        sl.plan(Scenario.model_validate(doc))
    assert [p.field for p in caught.value.problems] == ["title"]
    console = Console(record=True, width=200, force_terminal=True, file=io.StringIO())
    console.print(inert(f"Front {CONTROL}"))
    raw = console.file.getvalue()  # type: ignore[attr-defined]
    for sequence in ("\x1b]0;", "\x1b[2J", "\x07", "\u202e"):
        assert sequence not in raw
    assert "\\u001b]0;pwned\\u0007\\u001b[2J\\u202e" in console.export_text()


def test_validation_figures_are_inert(replay_plan: sl.Plan) -> None:
    values = [dataclasses.replace(v, id="x[/red]", unit="[link=http://e]t", source=CONTROL)
              for v in sl.validate(replay_plan)]
    console = Console(record=True, width=200, force_terminal=True, file=io.StringIO())
    print_validation(values, console)
    raw = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b]8;" not in raw and "\x1b[2J" not in raw
    assert "x[/red] [1]" in console.export_text()


def test_plain_writes_control_characters_as_escapes() -> None:
    assert plain("a\x1b[2Jb\x07\x9b\u202e") == "a\\u001b[2Jb\\u0007\\u009b\\u202e"
    assert plain("line\nnext\ttab, Điện Biên Phủ") == "line\nnext\ttab, Điện Biên Phủ"
    assert inert("[/red]").plain == "[/red]"


@pytest.fixture(scope="module")
def tutorial_plan() -> sl.Plan:
    return sl.plan(sl.load("tutorial"))


def _at_80(plan: sl.Plan) -> str:
    """The plan's summary as ``supplyline plan`` prints it into a file at 80 columns."""
    from supplyline.cli.common import _Console

    out = io.StringIO()
    print_plan_summary(plan, _Console(width=80, color_system=None, file=out))
    text = out.getvalue()
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines), [x for x in lines if len(x) > 80]
    assert not [line for line in lines if line.endswith(" ")]
    return text


def test_the_carriers_table_says_what_recruited_counts(tutorial_plan: sl.Plan) -> None:
    """An owned mode may be recruited more times than it has units (released and taken
    again): 88 "recruited" of a fleet of 70 bicycles read as 88 bicycles. The column is
    "times recruited", and its caption says it is no count of units."""
    plan = tutorial_plan
    bicycle = plan.network.mode_ids.index("bicycle")
    assert plan.recruited_units[:, bicycle].sum() > 70  # more recruitments than bicycles
    text = _at_80(plan)
    table = text.split("Carriers by mode\n")[1]
    assert table.splitlines()[0].split() == ["mode", "times", "recruited", "needed", "their",
                                             "crews", "unit-days"]
    said = " ".join(table.split())
    assert "times recruited: how often a unit was put into service (again after each " \
           "release), not how many units;" in said


def test_the_summary_says_what_its_figures_are(tutorial_plan: sl.Plan) -> None:
    """The burdens were left undefined (the HTML report says what they are); "tonnes" stood
    alone under "Delivered vs demand"; "unit-days: in service and on the way home at the
    end" was hard to read."""
    text = _at_80(tutorial_plan)
    lines = text.splitlines()
    said = " ".join(text.split())
    assert "tonnes" not in lines
    assert "demand, delivered and short in tonnes; met: the share of the demand " \
           "delivered; short days: days on which some front went short of it" in said
    assert "food burden: what each locality gave as a share of what it could give above " \
           "subsistence; labour burden: the share of its labour pool that served; bound " \
           "80.5%:" in said
    assert "unit-days: days in service, counting the way home of units still out at the " \
           "end;" in said


def test_the_crews_are_those_of_the_whole_units_needed() -> None:
    """5.07 porters of 2 persons in service at the peak: 6 needed, and their crews 12 persons
    (the table had said 11, the persons of 5.07 units rounded up, beside 6 units)."""
    from supplyline.report.terminal import _carriers
    from tests.plan.builders import PORTER, place, route, scenario, village

    plan = sl.plan(scenario([village("v", 0.0, 50_000.0), place("front", "front", 0.3)],
                            [route("v", "front", 30.0)], demand_kg_per_day=30.0, days=20,
                            modes=[{**PORTER, "crew_per_unit": 2.0}]))  # 5.07 in service
    net = plan.network
    rows = {str(cells[0]): cells for cells, _style in _carriers(plan).rows}
    needed = plan.fleet_needed()
    used = [m for m in range(net.n_modes) if needed[m] > 0]
    assert used and len(rows) == len(used)
    for m in used:
        cells = rows[net.mode_label(m)]
        assert int(str(cells[2]).replace(",", "")) == needed[m]
        assert int(str(cells[3]).replace(",", "")) == math.ceil(
            needed[m] * net.crew_per_unit[m] - 0.01)


def test_region_shares_are_of_all_that_was_mobilized() -> None:
    """A locality with two region tags counts in each: the shares are of what was
    mobilized (60 t of 100 t is 60 %), not of the tags' double-counted sum (50 %)."""
    from supplyline.report.terminal import _regions

    table = _regions({"mobilized_by_region_t": {"north": 60.0, "hills": 60.0},
                      "mobilized_t": 100.0})
    shares = [str(cells[2]) for cells, _style in table.rows]
    assert shares == ["60%", "60%"]


def test_a_shortfall_never_reads_as_all_delivered() -> None:
    from supplyline.report.sections import percent

    assert percent(11_232.0 / 11_237.0) == "99.96%"
    assert percent(1.0) == "100%" and percent(0.5) == "50%"


def test_fuel_held_at_the_start_shows_where_it_went() -> None:
    """Fuel neither given nor demanded was left out of "Where the goods went" (the built-in
    plan's 777 t burned appeared nowhere in the terminal); then its row read 0 mobilized
    against 799 t burned or destroyed, the stocks at the start and the end and what the
    fronts ate left out. Each row now adds up, as the report's "Where the food went"."""
    from supplyline.report.terminal import _goods_used
    from supplyline.scenario.synthetic import synthetic_scenario

    plan = sl.plan(synthetic_scenario(6, 10))
    console = Console(record=True, width=120, color_system=None)
    console.print(_goods_used(plan))
    text = console.export_text()
    # (each good by its name, "Motor fuel": the eight figures follow it)
    names = {commodity_label(plan, g): g for g in range(len(plan.good_ids))}
    rows = {" ".join(line.split()[:-8]): [float(x.replace(",", "")) for x in line.split()[-8:]]
            for line in text.splitlines() if " ".join(line.split()[:-8]) in names}
    assert set(rows) == set(names)
    fuel = next(name for name, g in names.items() if plan.burned_kg()[g] > 0)
    assert rows[fuel][4] > 0  # burned
    for got in rows.values():  # (three figures each: to a percent)
        start, given, *out = got
        assert start + given == pytest.approx(sum(out), rel=0.02, abs=0.01)


def test_a_finding_wraps_under_its_bullet_with_its_numbers_beside_their_units(
        valley_plan: sl.Plan) -> None:
    """At 80 columns a finding is wrapped between words, its following lines indented under
    its first; a figure is never split from its unit (it had been wrapped as any paragraph,
    "2.38" ending one line and "t of the salt" starting the next, flush left)."""
    console = Console(record=True, width=60, color_system=None, file=io.StringIO())
    print_plan_summary(valley_plan, console)
    text = console.export_text().split("Why demand is not met\n")[1]
    bullets = text.split("\n• ")
    assert len(bullets) >= 1 and text.startswith("• ")
    lines = [line for b in bullets for line in b.splitlines()
             if not line.startswith(("The plan counts", "What else"))]
    wrapped = [line for line in lines[1:] if line.startswith("  ")]
    assert wrapped, text  # a finding longer than 60 columns, continued under its bullet
    assert all(len(line) <= 60 for line in lines)
    assert not any(re.match(r"\s*(t|kg)\b", line) for line in lines), text


def test_a_one_day_horizon_says_one_day() -> None:
    """It said "(1 days"."""
    console = Console(record=True, width=120, color_system=None, file=io.StringIO())
    print_plan_summary(sl.plan(sl.load("tutorial"), days=1), console)
    text = console.export_text()
    assert "(1 day, the first of the scenario's 30)" in text and "1 days" not in text



def test_a_plan_of_the_first_days_says_they_are_the_first_in_a_line_that_fits(
        valley_doc: Callable[[], dict[str, Any]]) -> None:
    """`supplyline plan tutorial --days 10` said "(10 days)" where the report's header says
    "(10 days, the first of the scenario's 30)"; both say it in one wording. At 80 columns
    the solver goes to a line of its own rather than being cut after 'solver'."""
    sc = Scenario.model_validate(valley_doc())
    first = sl.plan(sc, days=4)
    wide = _printed(print_plan_summary, first).splitlines()[1]
    assert wide.startswith("1 Mar 1954 – 4 Mar 1954 (4 days, the first of the scenario's "
                           "10); solver optimal; built and solved in "), wide
    assert "(4 days, the first of the scenario&#x27;s 10)" in render_report(first)
    console = Console(record=True, width=80, color_system=None, file=io.StringIO())
    print_plan_summary(dataclasses.replace(first, build_seconds=12.5, solve_seconds=100.0,
                                           explain_seconds=0.0), console)
    lines = console.export_text().splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert lines[1] == "1 Mar 1954 – 4 Mar 1954 (4 days, the first of the scenario's 10);"
    assert lines[2].startswith("solver optimal; built and solved in "), lines[2]
    # A plan of the whole horizon keeps its one line.
    whole = _printed(print_plan_summary, sl.plan(sc)).splitlines()[1]
    assert whole.startswith("1 Mar 1954 – 10 Mar 1954 (10 days); solver optimal"), whole


def test_a_horizon_wider_than_the_line_wraps_on_with_the_solver(
        valley_doc: Callable[[], dict[str, Any]]) -> None:
    """The built-in plan's first line, wider than 80 columns with its steps, had left
    "4-day steps);" alone on a line, the solver's words on the next: the line wraps between
    words, the solver's on with the horizon's end (never parted from 'solver')."""
    doc = valley_doc()
    doc["policy"] = {**doc.get("policy", {}), "step_days": 2, "daily_start_days": 3}
    plan = sl.plan(Scenario.model_validate(doc), days=9)
    for width in (60, 70, 80, 90):
        console = Console(record=True, width=width, color_system=None, file=io.StringIO())
        print_plan_summary(dataclasses.replace(plan, build_seconds=12.5, solve_seconds=100.0,
                                               explain_seconds=0.0), console)
        lines = console.export_text().splitlines()
        first = lines[1] + " " + lines[2]
        assert first.startswith("1 Mar 1954 – 9 Mar 1954 (9 days, the first of the "
                                "scenario's 10, planned the first 3 days day by day, then "), (
            width, lines[1:4])
        end = next(i for i, line in enumerate(lines) if "steps);" in line)
        assert "solver optimal;" in lines[end] + " " + lines[end + 1].split("built")[0]
        # The solver's words begin a line only where they did not fit the line before.
        if lines[end].rstrip().endswith("steps);"):
            assert len(lines[end].rstrip()) + len(" solver optimal;") > width, lines[end]
        assert all(len(line) <= width for line in lines[:end + 2])
        assert not any(line.rstrip().endswith("solver") for line in lines[:end + 2])


def test_the_summary_says_what_became_of_the_wounded(tutorial_plan: sl.Plan) -> None:
    """Of the wounded the summary said only the person-days late (none on the tutorial: no
    line at all): how many arose, reached a hospital in time or late, still wait or are on
    the way at the end, and who brought them in, within 80 columns."""
    figures = tutorial_plan.kpis()["wounded"]
    assert figures is not None
    said = " ".join(_at_80(tutorial_plan).split("\nWounded\n")[1].split())
    p = persons_text
    assert f"wounded {p(figures['arising'])} persons to bring to a hospital within 2 days" \
        in said
    share = percent(figures["reached"] / figures["arising"])
    assert share == "99.7%"  # (0.25 of 88 still on the way: not all)
    assert (f"at a hospital {p(figures['reached'])} by the end ({share}): "
            f"{p(figures['reached_late'])} of them late") in said
    assert (f"not there at the end {p(figures['waiting'] + figures['on_the_way'])}: "
            f"{p(figures['waiting'])} waiting, {p(figures['on_the_way'])} on the way") in said
    assert f"brought in by Pack bicycle {p(figures['reached'])}" in said
    assert f"into District hospital {p(figures['reached'])}" in said
    assert "carried most over Ridge road 88, Ridge relief depot – District hospital 88" in said
    # (at 80 columns the late had wrapped apart from their number: "…, 0" over "late")
    block = _at_80(tutorial_plan).split("\nWounded\n")[1].split("\n\n")[0]
    assert not [line for line in block.splitlines() if line.strip() == "late"], block


def test_a_plan_without_wounded_says_nothing_of_them() -> None:
    from tests.plan.test_physics import _line

    text = _at_80(sl.plan(_line(), explain=False))
    assert "Wounded" not in text and "wounded" not in text


def test_the_summary_names_each_good_as_the_report_does() -> None:
    """"Delivered vs demand" and "Where the goods went" named each good by its id ("fuel")
    where the report's tables say its name ("Motor fuel"); a long name wraps in its cell,
    within 80 columns."""
    from supplyline.scenario.synthetic import synthetic_scenario

    long = "Salt from the traders of the hill villages and of the sea coast"
    plan = sl.plan(synthetic_scenario(6, 10).replace({"commodities.salt.name": long}))
    text = _at_80(plan)
    assert max(map(len, text.splitlines())) <= 80, text
    page = render_report(plan)
    names = [commodity_label(plan, g) for g in range(len(plan.good_ids))]
    assert names == ["Rice", long, "Motor fuel"]  # (as the report's tables name them)
    for name in names:
        assert f'<td class="">{name}</td>' in page  # (its "Where the goods went")
    for title, figures, shown in (("Delivered vs demand", 5, names[:2]),
                                  ("Where the goods went", 8, names)):
        table = text.split(f"\n{title}\n")[1].split("\ntonnes")[0].split("\ndemand,")[0]
        said: list[str] = []  # (each row's name, its lines under its first joined)
        for line in table.split("─\n")[1].splitlines():  # (under the header's rule)
            if line.rstrip()[-1:].isdigit():
                said.append(" ".join(line.split()[:-figures]))
            else:
                said[-1] += " " + line.strip()
        assert said == shown, table
