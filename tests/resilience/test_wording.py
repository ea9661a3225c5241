"""What `supplyline resilience` says, as a first-time reader meets it: lists that read as the
sets they are, plurals, sets of fewer cuts than allowed, unplaced protection, the progress,
the grid the analysis plans on, and the report's section and map."""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import supplyline as sl
from supplyline.cli import app
from supplyline.network import compile_network
from supplyline.report.resilience import (
    RANKING_KEY,
    VIOLET,
    _allocation_words,
    _defence_words,
    _more,
    cut_map,
    print_resilience,
    resilience_section,
)
from supplyline.resilience.analysis import Resilience, analyse
from supplyline.resilience.protect import Allocation

runner = CliRunner()


@pytest.fixture(scope="module")
def commas() -> Resilience:
    """The tiny scenario with a comma in every route's and place's name, k 2, budget 1."""
    from tests.conftest import TINY

    sc = sl.load(TINY)
    routes = [r.model_copy(update={"name": f"Stage {n}, by {r.id}"})
              for n, r in enumerate(sc.routes)]
    places = [p.model_copy(update={"name": f"{p.id.title()}, {p.kind}"}) for p in sc.places]
    net = compile_network(sc.model_copy(update={"routes": routes, "places": places}))
    return analyse(net, k=2, budget=1)


def _text(res: Resilience) -> str:
    out = io.StringIO()
    print_resilience(res, Console(file=out, width=200))
    return out.getvalue()


def test_sets_in_sentences_are_joined_by_a_plus(commas: Resilience) -> None:
    """Names hold commas: a set of two read as three when joined by ', '."""
    import dataclasses

    from supplyline.resilience.interdiction import WorstCut

    assert commas.plan is not None and commas.defence is not None
    net = commas.plan.network
    pass_name = net.route_names[net.route_index["pass"]]
    relay_name = next(p.name for p in net.scenario.places if p.id == "relay")
    assert "," in pass_name and "," in relay_name
    two = WorstCut(2, ["pass"], ["relay"], 1.0, 1.0, 0.0, 0.0, 0, "optimal")
    res = dataclasses.replace(commas, defence=dataclasses.replace(
        commas.defence, k=2, protected=("pass", "relay"), attack=two, unprotected=two))
    sentence = _defence_words(res)
    assert f"the best choice is {pass_name} + {relay_name}: " in sentence
    assert f"the worst 2 cuts of the rest ({pass_name} + {relay_name}) leave" in sentence
    # Among routes only, the protection is of routes only.
    routes = _defence_words(dataclasses.replace(res, worst_of="routes"))
    assert routes.startswith("With 1 route made safe from cutting")


def test_counts_of_one_are_said_as_one(commas: Resilience) -> None:
    sentence = _defence_words(commas)
    assert "(s)" not in sentence
    assert sentence.startswith("With 1 route or place made safe from cutting")
    assert "the worst 2 cuts of the rest" in sentence
    alloc = Allocation([("air", "pass", 1.0, 0.0)], 2.0, 0.0, 3, 0.0,
                       budget={"guards": 1, "air": 2, "repair": 2},
                       threatened={"guards": 0, "air": 1, "repair": 2})
    words = _allocation_words(_bare(alloc))
    assert "(s)" not in words and "1 guards" not in words
    assert "1 guard post (no route is under raids)" in words
    assert "1 air-defence unit (the one route under air strikes has one)" in words
    # No unit of a kind was placed: there is no *other* route, only none.
    assert "2 repair crews (no route where one lowers the plan's cost)" in words


def test_no_unit_placed_is_not_said_to_be_on_another_route() -> None:
    alloc = Allocation([], 2.0, 0.0, 3, 0.0, budget={"repair": 1}, threatened={"repair": 3})
    assert alloc.unplaced() == {"repair": (1, "no route where one lowers the plan's cost")}
    words = _allocation_words(_bare(alloc))
    assert "other" not in words and words.endswith(
        ": 1 repair crew (no route where one lowers the plan's cost).")
    placed = Allocation([("repair", "pass", 1.0, 0.0)], 2.0, 0.0, 3, 0.0,
                        budget={"repair": 2}, threatened={"repair": 3})
    assert placed.unplaced()["repair"][1] == "no other route where one lowers the plan's cost"


def _bare(alloc: Allocation) -> Resilience:
    return Resilience("x", None, None, None, [], [], 0.0, 0, allocation=alloc)  # type: ignore[arg-type]


def test_a_worst_set_of_fewer_cuts_than_allowed_says_why(commas: Resilience) -> None:
    """On the tiny scenario one cut takes everything: the worst 2 cuts are one, since the
    model takes at most k and a second adds nothing on the aggregated network."""
    w = commas.worst[0]
    assert w.k == 2 and w.worst is not None and len(w.worst.ids) == 1
    assert w.model is not None and w.model.gap <= 1e-6
    text = _text(commas)
    # (proven, or as far as the model found: the relay and the pass each take all the
    # plan delivers, and which is named is the solver's)
    assert re.search(r"At k = 2 the worst set has 1 cut of the 2 allowed: (a further cut "
                     r"adds no shortfall|the model found no further cut that adds "
                     r"shortfall) to the set on the aggregated network\.", text)
    d = commas.defence
    assert d is not None and len(d.attack.ids) == 1
    assert "1 cut of the 2 allowed: a further cut adds no shortfall" in _defence_words(commas)


def test_each_step_is_said_without_cutting_an_id() -> None:
    from supplyline.cli.resilience import _step_words

    assert _step_words("route high-village--ridge-depot", 40) == (
        "route high-village--ridge-depot")
    assert _step_words("route high-village--ridge-depot", 30) == "high-village--ridge-depot"
    assert _step_words("worst 2: ridge-road + gorge-path", 30) == "ridge-road + gorge-path"
    assert _step_words("worst 2: ridge-road + gorge-path", 20) == "worst 2"
    assert _step_words("worst 2: ridge-road + gorge-path", 5) == ""


def test_the_progress_bar_shows_no_none_and_no_cut_id(monkeypatch: pytest.MonkeyPatch,
                                                      tiny_path: Path) -> None:
    import supplyline.cli as cli

    out = io.StringIO()
    monkeypatch.setattr(cli.common, "stderr", Console(file=out, force_terminal=True, width=80))
    monkeypatch.setattr(cli.common, "bars", lambda json_output: True)
    result = runner.invoke(app, ["resilience", str(tiny_path), "--k", "2"])
    assert result.exit_code == 0, result.output
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue())
    assert "None" not in shown
    assert "planning" in shown and "worst 2" in shown
    ids = {"ban-a--relay", "ban-b--relay", "long-trail", "pass", "relay--hospital", "ban-a",
           "ban-b", "ban-c", "relay", "hospital"}
    for word in re.findall(r"[a-z][a-z-]*-[a-z-]*", shown):  # words with a hyphen: ids
        assert word in ids, word


def test_a_coarser_grid_is_compared_with_the_scenarios_own(
        monkeypatch: pytest.MonkeyPatch, tiny: sl.Scenario) -> None:
    """The tiny scenario analysed in 5-day steps (as a large one is in 14-day steps): what
    its own grid, that of `supplyline plan`, must go short of whatever the plan does (the
    bound `check` says) is said beside the coarser plan's shortfall, in the terminal, the
    JSON and the report; and the plan on its own grid does go short of as much."""
    import supplyline.resilience.analysis as analysis
    from supplyline.plan.reach import unavoidable_short
    from supplyline.report.sections import ReportContext
    from supplyline.resilience import resilience

    monkeypatch.setattr(analysis, "ANALYSIS_MAX_COLUMNS", 100)
    monkeypatch.setattr(analysis, "COARSE_STEP_DAYS", 5)
    res = resilience(tiny, k=1)
    must = sum(x.kg for x in unavoidable_short(compile_network(tiny))) / 1000
    assert must > 0
    own = sl.plan(tiny).kpis()
    assert own["shortfall_t"] >= must - 1e-6
    assert res.own_grid is not None
    assert res.own_grid.at_least_short_t == pytest.approx(must)
    assert res.own_grid.analysed.shortfall_t == pytest.approx(res.base.shortfall_t, abs=1e-9)
    assert res.notes[0].startswith("the analysis plans in 5-day steps")
    assert ("on the scenario's own grid (planned day by day), as `supplyline plan` makes it, "
            f"at least {must:.3g} t must go short whatever the plan does, until ") in res.notes[1]
    text = _text(res)
    assert text.startswith(f"Uncut plan, in 5-day steps: {res.base.shortfall_t:.3g} t short; "
                           "on the scenario's own grid (day by day), as `supplyline plan` "
                           f"makes it, at least {must:.3g} t short until ")
    until = res.own_grid.until
    assert res.to_dict()["own_grid"]["own"]["until"] == until
    assert res.plan is not None
    section = resilience_section(res.plan, ReportContext(results={"resilience": res}))
    assert section is not None and "on the scenario&#x27;s own grid" in section.html
    # (its commands set as the report's header sets them: see the next test)
    assert "<code>" not in section.html
    assert ('<code class="words"><span class="nowrap">supplyline</span> '
            '<span class="nowrap">plan</span></code>') in section.html
    # Without a coarser grid, nothing is compared.
    assert analyse(compile_network(tiny), k=1).own_grid is None


def test_the_report_section_keys_its_columns_and_writes_notes_as_sentences(
        commas: Resilience) -> None:
    from html import escape

    from supplyline.report.sections import ReportContext

    assert commas.plan is not None
    section = resilience_section(commas.plan, ReportContext(results={"resilience": commas}))
    assert section is not None
    assert escape(RANKING_KEY) in section.html  # what +late p-d and +labour d are
    notes = re.findall(r'<p class="note">(.*?)</p>', section.html)
    notes.remove(escape(RANKING_KEY))
    assert notes and all(n[0].isupper() for n in notes), notes
    assert "A cut is known to the plan in advance" in section.html


def test_a_command_in_the_section_wraps_between_its_words_as_in_the_header(
        commas: Resilience) -> None:
    """The section set a command as a bare <code>, which the page never wraps (white-space:
    nowrap, so that no word breaks at its hyphen): a long one made a phone's page scroll
    sideways, as the header's had before its commands wrapped between their words. Both set
    it through one rule (:func:`supplyline.report.sections.prose`)."""
    import dataclasses

    from supplyline.report.sections import ReportContext, prose

    command = ("supplyline resilience dien-bien-phu-1954 --window 1954-03-13:1954-04-01 "
               "--budget 2")
    res = dataclasses.replace(commas, notes=[f"see `{command}`"])
    assert res.plan is not None
    section = resilience_section(res.plan, ReportContext(results={"resilience": res}))
    assert section is not None
    words = " ".join(f'<span class="nowrap">{word}</span>' for word in command.split())
    assert f'<p class="note">See <code class="words">{words}</code>.</p>' in section.html
    assert prose(f"See `{command}`.") in section.html
    assert "<code>" not in section.html


def test_protection_in_a_window_says_the_aggregated_network_has_no_time(
        tiny_path: Path, tiny: sl.Scenario, tmp_path: Path) -> None:
    """`resilience --window START:END --budget N --k 1` gave the protection's figures on the
    aggregated network (the whole horizon) beside the full plan's (cut in the window only)
    without the note that the aggregated network has no time: it came with the worst sets,
    and --k 1 has none (on the tutorial with --window 5:15, "6.11 t short on the aggregated
    network, against 48.5 t unprotected; on the full plan +0 t against +0 t"). The
    protection's sentence then said it, and the JSON and the export did not: it is one of
    the result's notes (tests/resilience/test_notes_everywhere.py holds every output to
    it)."""
    said = ("the aggregated network has no time: the protection from cutting is chosen over "
            "the whole horizon, and measured on the full plan cut from 1954-03-04 to "
            "1954-03-07 only")
    command = ["resilience", str(tiny_path), "--k", "1", "--budget", "1", "--window",
               "1954-03-04:1954-03-07"]
    result = runner.invoke(app, command, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Worst sets" not in result.output
    text = " ".join(result.output.split())
    assert f"Note: {said}." in text and text.count("has no time") == 1
    out = tmp_path / "out"
    answer = runner.invoke(app, [*command, "--json", "--export", str(out)])
    assert answer.exit_code == 0, answer.output
    assert said in json.loads(answer.stdout)["resilience"]["notes"]
    assert said in json.loads((out / "resilience.json").read_text(encoding="utf-8"))["notes"]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert html.escape(said[:1].upper() + said[1:]) in page
    # Over the whole horizon both networks are cut alike: nothing to say.
    whole = analyse(compile_network(tiny), k=1, budget=1)
    assert whole.defence is not None and not any("has no time" in n for n in whole.notes)
    # With worst sets one note says it of both, and the protection's words not again (the
    # output had said the aggregated network has no time three times).
    sets = analyse(compile_network(tiny), k=2, budget=1, window=(3, 6))
    assert sets.worst and [n for n in sets.notes if "has no time" in n] == [
        "the aggregated network has no time: the worst sets and the protection from cutting "
        "are chosen over the whole horizon, and measured on the full plan cut from "
        "1954-03-04 to 1954-03-07 only"]
    assert "no time" not in _defence_words(sets) and "horizon" not in _defence_words(sets)


def test_where_the_whole_ranking_is_said_plainly(commas: Resilience) -> None:
    assert _more(commas, 9, report=True) == (
        "1 more cut ranks below these; all 10 are in resilience.csv, written beside this "
        "report.")
    assert _more(commas, 7) == ("3 more cuts rank below these; all 10 are in resilience.csv, "
                                "which --export DIR writes.")
    assert _more(commas, 10) == ""


def test_the_csv_has_the_stock_column(tiny_path: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["resilience", str(tiny_path), "--k", "1", "--json",
                                 "--export", str(tmp_path)])
    assert result.exit_code == 0, result.output
    ranking = json.loads(result.stdout)["resilience"]["ranking"]
    rows = list(csv.DictReader((tmp_path / "resilience.csv").open(encoding="utf-8")))
    assert "stock_days" in rows[0]
    for row, cut in zip(rows, ranking, strict=True):
        days = [d for d in cut["reserve_days"].values() if d is not None]
        assert row["stock_days"] == (str(float(min(days))) if days else ""), row
        assert row["stock"] == ("short" if days else "lasts"), row
        # The JSON gives the same figure by the same name (it had reserve_days alone, by
        # front: the terminal's "stock" had three names).
        assert cut["stock_days"] == (min(days) if days else None)
    assert any(row["stock_days"] for row in rows) and any(not row["stock_days"] for row in rows)


def test_the_cut_map_names_every_place_and_marks_late_wounded(tiny: sl.Scenario) -> None:
    """The hospital's cut adds no shortfall but leaves wounded late: not drawn as harmless;
    every place has its name on the map (or a number keyed under it)."""
    net = compile_network(tiny)
    res = analyse(net, k=1)
    hospital = next(i for i in res.ranking if i.ids == ("hospital",))
    assert hospital.extra_shortfall_t < 0.5 and hospital.extra_wounded_late >= 1
    svg = cut_map(net, res)
    named = set(re.findall(r'data-place="([^"]+)"', svg))
    assert named == set(net.place_ids)
    circle = re.search(r'<circle[^>]*fill="([^"]+)"[^>]*><title>(hospital \(hospital\)[^<]*)',
                       svg)
    assert circle is not None and circle.group(1) == VIOLET
    assert "person-days of wounded late" in circle.group(2)
    route = re.search(r'stroke="([^"]+)"[^>]*><title>[^<]*relay[^<]*hospital[^<]*</title>', svg)
    assert route is not None and route.group(1) == VIOLET
    assert "late, labour, unfed or undone" in svg  # the legend
    assert not math.isnan(res.base.labour_days)


def test_the_key_to_numbered_names_stays_on_the_map(tiny: sl.Scenario) -> None:
    """Names with no free spot are numbered and keyed under the map: the key wraps onto as
    many lines as it needs, each within the drawing (one line ran off its right edge)."""
    from supplyline.report.resilience import KEY_CHARS

    places = [p.model_copy(update={"name": f"A very long name for {p.id}, " * 12})
              for p in tiny.places]
    net = compile_network(tiny.model_copy(update={"places": places}))
    svg = cut_map(net, analyse(net, k=1))
    height = float(re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', svg).group(1))  # type: ignore[union-attr]
    key = re.findall(r'<text x="6" y="([\d.]+)" font-size="10">([^<]*)</text>', svg)
    assert len(key) > 1, "expected names too long to place, keyed on several lines"
    assert all(len(line) <= KEY_CHARS and float(y) < height for y, line in key)
    assert float(key[0][0]) > 460  # under the map, not over its names
