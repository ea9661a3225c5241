"""sl.compare of plans that are not of one scenario, or not of the same days: a name a plan's
scenario lacks is missing (not 0), and the comparison says how the plans differ; and what
print(comparison) shows is rounded as its HTML is."""

from __future__ import annotations

import math
import re

import pytest

import supplyline as sl
from supplyline.report.compare import compare_records, plan_record
from supplyline.scenario.load import builtin_text, load_text


def _renamed() -> sl.Scenario:
    """The tutorial under another name, with its region tags renamed, one route's id (and
    name) renamed, and one route renamed under its own id."""
    text = builtin_text("tutorial")
    for old, new in (("name: tutorial\n", "name: tutorial-renamed\n"),
                     ("[upper]", "[highlands]"), ("[lower]", "[lowlands]"),
                     ("id: bridge-road", "id: bridge-lane"),
                     ("name: Bridge - ridge depot road", "name: Bridge lane"),
                     ("name: Ridge road (exposed)", "name: Ridge track (exposed)")):
        assert old in text, old
        text = text.replace(old, new)
    return load_text(text, "renamed.yaml")


def words(text: str) -> str:
    """Text as one line of words (a note wrapped to the terminal's width)."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def plans() -> dict[str, sl.Plan]:
    tutorial = sl.load("tutorial")
    return {"tutorial": sl.plan(tutorial), "renamed": sl.plan(_renamed()),
            "10 days": sl.plan(tutorial, days=10)}


@pytest.fixture(scope="module")
def versions() -> dict[str, sl.Plan]:
    """Plans of the tutorial copied under another name, and of the tutorial with 20 kg
    porters under its own."""
    text = builtin_text("tutorial")
    return {"copy": sl.plan(load_text(text.replace("name: tutorial\n", "name: tutorial-copy\n"),
                                      "copy.yaml")),
            "edited": sl.plan(load_text(text.replace("payload_kg: 25", "payload_kg: 20"),
                                        "edited.yaml"))}


def test_plans_of_different_scenarios_show_a_missing_name_as_missing_and_say_so(
        plans: dict[str, sl.Plan]) -> None:
    """Each plan's regions and routes showed in the other as 0 (highlands 0.000000 | 12.07),
    and a route id both scenarios have took the last plan's name for both."""
    table = sl.compare({"tutorial": plans["tutorial"], "renamed": plans["renamed"]})
    regions, tonnes = table.regions, table.tonnes
    for region, lacks in (("highlands", "tutorial"), ("lowlands", "tutorial"),
                          ("upper", "renamed"), ("lower", "renamed")):
        assert math.isnan(regions.loc[lacks, region]), (region, lacks)
    assert regions.loc["tutorial", "upper"] == pytest.approx(
        regions.loc["renamed", "highlands"])
    assert math.isnan(tonnes.loc["tutorial", "Bridge lane"])
    assert math.isnan(tonnes.loc["renamed", "Bridge - ridge depot road"])
    # The same id under two names is two routes, each missing in the other plan.
    assert math.isnan(tonnes.loc["tutorial", "Ridge track (exposed)"])
    assert math.isnan(tonnes.loc["renamed", "Ridge road (exposed)"])
    ridge = tonnes.loc["tutorial", "Ridge road (exposed)"]
    assert ridge > 0 and ridge == pytest.approx(tonnes.loc["renamed", "Ridge track (exposed)"])
    # Routes both have, under one name, are one column with both plans' figures.
    far = tonnes["Far village (down the river) – Bridge junction"]
    assert not far.isna().any() and far.iloc[0] > 0
    assert far.iloc[0] == pytest.approx(far.iloc[1])
    # The comparison says that the scenarios differ, and which names are not in both.
    notes = " ".join(table.notes)
    assert "different scenarios" in notes
    assert "tutorial: tutorial" in notes and "renamed: tutorial-renamed" in notes
    for name in ("highlands", "upper", "Bridge lane", "Ridge track (exposed)"):
        assert name in notes, name
    assert table.notes[0] in words(str(table))
    page = table.to_html()
    assert "different scenarios" in page
    # A missing figure is a dash in the tables, never 0.
    row = re.search(r"<tr><th>tutorial</th>(.*?)</tr>", page.split("Mobilized per region")[1])
    assert row is not None and ">—<" in row.group(1)


def test_plans_of_one_scenario_over_different_days_say_so(plans: dict[str, sl.Plan]) -> None:
    table = sl.compare({"30 days": plans["tutorial"], "10 days": plans["10 days"]})
    notes = " ".join(table.notes)
    assert "different days" in notes and "10 days, the first of the scenario's 30" in notes
    assert "different scenarios" not in notes
    assert not table.regions.isna().any().any() and not table.tonnes.isna().any().any()
    assert table.notes[0] in words(str(table)) and "different days" in table.to_html()
    # Plans of one scenario and the same days: nothing to say.
    assert sl.compare([plans["tutorial"], plans["tutorial"]]).notes == []


def test_a_region_a_plan_gave_nothing_from_is_0_not_missing(
        plans: dict[str, sl.Plan]) -> None:
    """A plan's record lists only the regions it mobilized from: in a plan of the same
    scenario, the others are 0."""
    record = plan_record(plans["tutorial"])
    none_up = {**record, "mobilized_by_region_t": {
        k: v for k, v in record["mobilized_by_region_t"].items() if k != "upper"}}
    table = compare_records({"a": record, "b": none_up})
    assert table.regions.loc["b", "upper"] == 0.0


def test_print_shows_the_key_figures_rounded_as_the_html(plans: dict[str, sl.Plan]) -> None:
    """print(comparison) showed labour-days 1636.566355 and shortfall days 0.000000."""
    table = sl.compare({"30 days": plans["tutorial"], "10 days": plans["10 days"]})
    text = str(table)
    kpis = plans["tutorial"].kpis()
    labour = f"{kpis['labour_days']:,.0f}"
    burden = f"{100 * kpis['max_burden']:,.1f}"
    assert re.search(rf"labour-days\s+{re.escape(labour)}\s", text), text
    assert re.search(rf"largest burden \(%\)\s+{re.escape(burden)}\s", text), text
    assert re.search(r"shortfall days\s+0\s+0\b", text), text
    assert f"{kpis['labour_days']:.6f}" not in text and ".000000" not in text
    # The same figures as the HTML shows.
    page = table.to_html()
    assert f">{labour}<" in page and f">{burden}<" in page


def test_figures_that_differ_print_different_and_noise_does_not(
        plans: dict[str, sl.Plan]) -> None:
    """Every figure was rounded to its fixed decimals: 1636.57 and 1637.27 labour-days both
    read 1,637, a shortfall of 0.04 t read as none (0.0, as beside it), a burden of 99.96 %
    as 100.0 %. Each figure is given to the fewest more decimals that tell its plans apart
    (the same in the text, the Rich tables and the HTML), and says so; a difference in the
    solver's last digits, or a -0.0, is not shown."""
    import io

    from rich.console import Console

    from supplyline.report.compare import MORE_SHOWN

    record = plan_record(plans["tutorial"])
    a = {**record, "labour_days": 1636.57, "shortfall_t": 0.0, "max_burden": 0.9996,
         "mobilized_t": 61.555833, "eaten_on_way_t": -1e-12,
         "route_tonnes": {**record["route_tonnes"], "ridge-road": 25.04}}
    b = {**record, "labour_days": 1637.27, "shortfall_t": 0.04, "max_burden": 1.0,
         "mobilized_t": 61.555834, "eaten_on_way_t": 0.0,
         "route_tonnes": {**record["route_tonnes"], "ridge-road": 25.0}}
    table = compare_records({"a": a, "b": b})
    text = str(table)
    console = Console(file=io.StringIO(), width=80, record=True)
    table.print(console)
    printed = console.export_text()
    for shown in (text, printed):
        for figure, values in (("labour-days", "1,636.6 +1,637.3"),
                               (r"shortfall \(t\)", r"0\.00 +0\.04"),
                               (r"largest burden \(%\)", r"99\.96 +100\.00"),
                               (r"mobilized \(t\)", r"61\.6 +61\.6"),
                               (r"eaten on the way \(t\)", r"0\.0 +0\.0")):
            assert re.search(rf"^{figure} +{values}$", shown, re.M), (figure, shown)
        assert " ".join(MORE_SHOWN.split()) in " ".join(shown.split())
        assert "-0.0" not in shown
    assert "25.04" in printed and "25.00" in printed  # (tonnes per route)
    page = table.to_html()
    for cell in ("1,636.6", "1,637.3", "0.04", "0.00", "99.96", "100.00", "25.04", "25.00"):
        assert f">{cell}<" in page, cell
    assert MORE_SHOWN in page and "-0.0" not in page
    # Figures that print apart at their usual decimals are not given more, nor said to be.
    same = compare_records({"a": record, "b": record})
    assert MORE_SHOWN not in same.to_html()
    assert " ".join(MORE_SHOWN.split()) not in " ".join(str(same).split())


def test_the_scenarios_differ_by_what_they_hold_not_by_their_names(
        plans: dict[str, sl.Plan], versions: dict[str, sl.Plan]) -> None:
    """Plans were said to be of different scenarios by their names alone: a scenario edited
    under its name (or a sweep's variant) gave no note, and a copy under another name, the
    same scenario, gave one."""
    text = builtin_text("tutorial")
    same_plan, edited = versions["copy"], versions["edited"]
    assert same_plan.network.scenario.name == "tutorial-copy"
    same = sl.compare({"tutorial": plans["tutorial"], "copy": same_plan})
    assert same.notes == []
    assert edited.network.scenario.name == "tutorial"
    table = sl.compare({"as built": plans["tutorial"], "edited": edited,
                        "again": plans["tutorial"]})
    # It says where they differ, as --vary and Scenario.replace name it.
    note = ("These plans are of different versions of scenario tutorial (as built: version 1; "
            "edited: version 2; again: version 1), which differ in modes.porter.payload_kg.")
    assert table.notes == [note]
    assert note in words(str(table)) and note in table.to_html()
    mixed = sl.compare({"as built": plans["tutorial"], "edited": edited, "copy": same_plan})
    # print(comparison) wraps its notes to the terminal's width (they ran past it).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLUMNS", "80")
        lines = str(mixed).splitlines()
    assert max(map(len, lines)) <= 80, "\n".join(lines)
    # Values a file leaves at their defaults are what one that writes them holds.
    written = load_text(text.replace("policy:\n", "policy:\n  step_days: "
                                     f"{plans['tutorial'].network.scenario.policy.step_days}\n"),
                        "written.yaml")
    assert sl.compare([plans["tutorial"], sl.plan(written)]).notes == []
    # Plans with different replays fixed say so.
    replayed = sl.plan(sl.load("tutorial"), replay="pledged")
    assert sl.compare({"free": plans["tutorial"], "pledged": replayed}).notes == [
        "These plans fix different replays (free: none; pledged: pledged)."]


def test_a_copy_beside_another_version_is_the_version_it_holds(
        plans: dict[str, sl.Plan], versions: dict[str, sl.Plan]) -> None:
    """A copy under another name, beside plans of two versions of its scenario, was listed
    among 'different scenarios' ('copy: tutorial-copy') though it holds what one of them
    does: it is that version, under its own name."""
    copy, edited = versions["copy"], versions["edited"]
    for labelled in ({"as built": plans["tutorial"], "edited": edited, "copy": copy},
                     {"copy": copy, "edited": edited, "as built": plans["tutorial"]}):
        each = {"as built": "version 1", "edited": "version 2",
                "copy": "version 1, named tutorial-copy"}
        assert sl.compare(labelled).notes == [
            "These plans are of different versions of scenario tutorial ("
            + "; ".join(f"{label}: {each[label]}" for label in labelled)
            + "), which differ in modes.porter.payload_kg."]
    # Beside another scenario, the copy is of the scenario it holds, not a third one.
    notes = sl.compare({"as built": plans["tutorial"], "copy": copy,
                        "renamed": plans["renamed"]}).notes
    assert notes[0].startswith(
        "These plans are of different scenarios (as built: tutorial; copy: tutorial, named "
        "tutorial-copy; renamed: tutorial-renamed), which differ in"), notes


def test_plans_made_in_other_steps_are_of_one_scenario_on_other_step_grids(
        plans: dict[str, sl.Plan]) -> None:
    """Plans of one scenario made with other steps (sl.plan(..., step_days=3)) were said to
    be of 'different versions of scenario tutorial ..., which differ in policy.step_days':
    the steps are the planner's option, not an edited scenario. They are said to be
    planned on different step grids; a scenario edited besides is still said to be."""
    tutorial = sl.load("tutorial")
    assert tutorial.policy.step_days == 1
    stepped = sl.plan(tutorial, step_days=3)
    table = sl.compare({"all": plans["tutorial"], "3d": stepped})
    note = ("These plans were planned on different step grids (all: day by day; 3d: in 3-day "
            "steps).")
    assert table.notes == [note]
    assert note in words(str(table)) and note in table.to_html()
    # Steps given that are the scenario's own: nothing to say.
    assert sl.compare([plans["tutorial"], sl.plan(tutorial, step_days=1)]).notes == []
    # A scenario edited besides is another version, in what was edited only.
    text = builtin_text("tutorial")
    edited = sl.plan(load_text(text.replace("payload_kg: 25", "payload_kg: 20"),
                               "edited.yaml"), step_days=3)
    assert sl.compare({"all": plans["tutorial"], "3d": stepped, "edited": edited}).notes == [
        "These plans are of different versions of scenario tutorial (all: version 1; 3d: "
        "version 1; edited: version 2), which differ in modes.porter.payload_kg.",
        "These plans were planned on different step grids (all: day by day; 3d: in 3-day "
        "steps; edited: in 3-day steps)."]
    # A file that plans in other steps is another version of the scenario, as before.
    written = sl.plan(load_text(text.replace("policy:\n", "policy:\n  step_days: 3\n"),
                                "written.yaml"))
    assert sl.compare({"all": plans["tutorial"], "file": written}).notes == [
        "These plans are of different versions of scenario tutorial (all: version 1; file: "
        "version 2), which differ in policy.step_days."]
    assert sl.compare({"3d": stepped, "file": written}).notes == []
