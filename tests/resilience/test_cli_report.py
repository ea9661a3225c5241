"""`supplyline resilience` on the tiny scenario, its files and its report section."""

from __future__ import annotations

import csv
import html
import itertools
import json
import math
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import supplyline as sl
from supplyline.cli import app
from supplyline.report.export import parquet_available
from supplyline.resilience.bounds import ANALYSIS_MAX_COLUMNS, COARSE_STEP_DAYS, parse_window

runner = CliRunner()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], Path]:
    from tests.conftest import TINY

    out = tmp_path_factory.mktemp("res")
    result = runner.invoke(app, ["resilience", str(TINY), "--k", "2", "--budget", "1",
                                 "--json", "--export", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), out

PASS_NAME = "The pass"  # tests/data/tiny.yaml



def test_json_ranks_every_route_and_place_but_the_front(run: tuple[dict[str, object],
                                                                   Path]) -> None:
    doc, _ = run
    assert doc["ok"] is True
    res = doc["resilience"]
    assert isinstance(res, dict)
    ranked = [tuple(i["ids"]) for i in res["ranking"]]
    assert len(ranked) == 5 + 5  # five routes, six places less the front
    assert ("front",) not in ranked
    first = res["ranking"][0]
    # The pass and the relay carry everything to the front: cutting either is the worst.
    assert first["ids"] in (["pass"], ["relay"])
    assert first["extra_shortfall_t"] > 0
    # Ranked by the extra shortfall to the kg (ties, such as the pass and the relay, then by
    # the extra cost in the objective: cuts.rank).
    shortfalls = [round(i["extra_shortfall_t"], 3) for i in res["ranking"]]
    assert shortfalls == sorted(shortfalls, reverse=True)
    worst = res["worst"][0]
    assert worst["k"] == 2 and worst["method"] == "exact"
    assert worst["model"]["gap"] <= 1e-6
    assert worst["model"]["bound_t"] >= worst["model"]["shortfall_t"] - 1e-9
    assert worst["confirmed"] and worst["confirmed"][0]["status"] == "optimal"
    # One path to the front: no single protection helps against two cuts.
    defence = res["defence"]
    assert defence["budget"] == 1 and defence["k"] == 2
    assert defence["saved_t"] == pytest.approx(0.0, abs=1e-6)
    checked = defence["full_plan"]
    assert checked["protected"]["extra_shortfall_t"] == pytest.approx(
        checked["unprotected"]["extra_shortfall_t"], rel=1e-6)


def test_files_and_report_section(run: tuple[dict[str, object], Path]) -> None:
    from tests.conftest import TINY

    _doc, out = run
    assert sorted(p.name for p in out.iterdir()) == sorted([
        "report.html", "resilience.csv", "resilience.json",
        *(["resilience.parquet"] if parquet_available() else [])])
    rows = list(csv.DictReader((out / "resilience.csv").open(encoding="utf-8")))
    assert len(rows) == 10 and rows[0]["rank"] == "1"
    # The columns Python's Resilience.to_frame() gives, in its order, after the rank.
    assert list(rows[0]) == ["rank", "kind", "ids", "names", "extra_shortfall_t",
                             "extra_wounded_late_person_days", "extra_labour_days",
                             "extra_eaten_t", "extra_road_work_undone_days",
                             "extra_unfed_t", "stock_days", "stock", "status"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="resilience"' in html and 'id="cut-map"' in html
    assert 'id="resilience-ranking"' in html and 'class="cut"' in html  # worst set drawn
    # Each table under its own title, as in the terminal.
    assert html.index("<h3>Cut one at a time (worst first)</h3>") < html.index(
        'id="resilience-ranking"') < html.index("<h3>Worst sets of k cuts</h3>")
    # Names on the cut map: every place's, never two on one spot.
    cut_map = re.search(r'<svg id="cut-map".*?</svg>', html, re.S)
    assert cut_map is not None
    named = re.findall(r'<text text-anchor="(\w+)" class="[^"]*" data-place="([^"]+)">'
                       r'<tspan x="([\d.]+)" y="([\d.]+)"', cut_map.group(0))
    places = {place for _, place, _, _ in named}
    assert len({(x, y) for _, _, x, y in named}) == len(named)
    ids = {place["id"] for place in yaml.safe_load(TINY.read_text())["places"]}
    assert places == ids
    assert json.loads((out / "resilience.json").read_text())["version"] == 3


def test_the_terminal_tables_fit_80_columns(tiny_path: Path) -> None:
    result = runner.invoke(app, ["resilience", str(tiny_path), "--k", "2",
                                 "--window", "1954-03-04:1954-03-07"],
                           env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "Cut one at a time" in result.output and "Worst sets" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80


@pytest.mark.parametrize(("window", "words"), [
    ("1954-03-20:1954-03-25", "within the horizon"),
    ("5", "START:END"),
    ("4:2", "START not after END"),
    ("soon:3", "--window: expected each end a date (YYYY-MM-DD) or a whole day number "
               "from the start, got 'soon' in 'soon:3'"),
    # (as every usage error: "expected ..., got ..."; the date's own fault said)
    ("1954-02-30:1954-03-05", "got '1954-02-30' (day is out of range for month) in "
                              "'1954-02-30:1954-03-05'"),
    ("1.5:3", "--window: expected each end a date (YYYY-MM-DD) or a whole day number from "
              "the start, got '1.5' in '1.5:3'"),
])
def test_a_bad_window_is_a_usage_error(tiny_path: Path, window: str, words: str) -> None:
    result = runner.invoke(app, ["resilience", str(tiny_path), "--window", window, "--json"])
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "usage" and "--window" in error["message"]
    assert words in error["message"]


def test_parse_window_reads_dates_and_day_numbers() -> None:
    import datetime as dt

    start = dt.date(1954, 3, 1)
    assert parse_window("1954-03-04:1954-03-07", start, 10) == (3, 6)
    assert parse_window("0:9", start, 10) == (0, 9)


def test_worst_sets_among_routes_only(tiny_path: Path) -> None:
    result = runner.invoke(app, ["resilience", str(tiny_path), "--k", "2", "--worst-of",
                                 "routes", "--json"])
    assert result.exit_code == 0, result.output
    res = json.loads(result.stdout)["resilience"]
    assert res["worst_of"] == "routes"
    routes = {"ban-a--relay", "ban-b--relay", "long-trail", "pass", "relay--hospital"}
    for w in res["worst"]:
        assert set(w["model"]["ids"]) <= routes and w["model"]["ids"]
        assert set(w["greedy"]["ids"]) <= routes
    bad = runner.invoke(app, ["resilience", str(tiny_path), "--worst-of", "towns", "--json"])
    assert bad.exit_code == 2 and "--worst-of" in json.loads(bad.stdout)["error"]["message"]


def test_more_cuts_never_do_less() -> None:
    """On the tutorial no one route starves the front (parallel paths), so the greedy search
    from nothing stopped at once: k = 4 and 5 said "no cut adds a shortfall", 0 t, below
    the exact k = 2 that takes all 12.8 t. Above 3 it starts from the worst set before."""
    result = runner.invoke(app, ["resilience", "tutorial", "--days", "10", "--k", "5",
                                 "--worst-of", "routes", "--json"])
    assert result.exit_code == 0, result.output
    worst = json.loads(result.stdout)["resilience"]["worst"]
    assert [w["k"] for w in worst] == [2, 3, 4, 5]
    found = [(w["model"] or w["greedy"])["shortfall_t"] for w in worst]
    assert found[0] > 1.0
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(found))
    # The next worst sets re-checked on the full plan are sets of cuts, never the empty
    # one (it was measured as a "place" of no id that "the plan does not use").
    assert all(c["ids"] for w in worst for c in w["confirmed"])


def test_protect_places_units_and_refuses_bad_kinds(tiny_path: Path) -> None:
    result = runner.invoke(app, ["resilience", str(tiny_path), "--k", "1", "--protect",
                                 "air=1, repair=1", "--json"])
    assert result.exit_code == 0, result.output
    protection = json.loads(result.stdout)["resilience"]["protection"]
    assert protection["picks"][0]["kind"] == "air" and protection["picks"][0]["route"] == "pass"
    assert protection["picks"][-1]["objective"] < protection["base_objective"]
    # With no worst sets (k 1), nothing is said of how they are found.
    notes = json.loads(result.stdout)["resilience"]["notes"]
    assert notes and not any("worst sets" in note for note in notes)
    for bad in ("tanks=1", "air=x", "air", "guards=0", ","):
        out = runner.invoke(app, ["resilience", str(tiny_path), "--protect", bad, "--json"])
        assert out.exit_code == 2, bad
        assert "--protect" in json.loads(out.stdout)["error"]["message"]
    # A kind given twice was added up in silence (guards=1,guards=2: 3 guard posts).
    twice = runner.invoke(app, ["resilience", str(tiny_path), "--protect",
                                "guards=1,air=1,guards=2", "--json"])
    assert twice.exit_code == 2
    assert json.loads(twice.stdout)["error"]["message"] == (
        "--protect: expected each kind once, got guards twice (guards=1, guards=2)")


def test_no_section_without_an_analysis(tiny: object) -> None:
    import supplyline as sl
    from supplyline.report import render_report

    plan = sl.plan(tiny)  # type: ignore[arg-type]
    assert 'id="resilience"' not in render_report(plan)


def test_the_top_cuts_are_rechecked_by_simulation(tiny_path: Path) -> None:
    result = runner.invoke(app, ["resilience", str(tiny_path), "--k", "1", "--simulate",
                                 "100", "--protect", "air=1", "--json"])
    assert result.exit_code == 0, result.output
    simulated = json.loads(result.stdout)["resilience"]["simulated"]
    # The uncut plan, the five worst cuts, and the plan on the protected network.
    assert simulated[0]["ids"] == [] and len(simulated) == 7
    # The protected plan's ids are the routes protected, as ids (they read "air on pass",
    # neither a route's id nor a place's), its units apart; each plan says what it is.
    assert simulated[-1]["ids"] == ["pass"] and simulated[-1]["plan"] == "protected"
    assert simulated[-1]["protected"] == [{"kind": "air", "route": "pass"}]
    assert [c["plan"] for c in simulated[:-1]] == ["uncut"] + ["cut"] * 5
    assert all(c["protected"] == [] for c in simulated[:-1])
    # Named as the ranking names them, and the protected plan as such (ids were shown).
    names = {(c["plan"], tuple(c["ids"])): c["names"] for c in simulated}
    assert names[("cut", ("pass",))] == [PASS_NAME]
    assert names[("protected", ("pass",))] == [f"protected: air on {PASS_NAME}"]
    by_ids = {tuple(c["ids"]): c for c in simulated[:-1]}
    uncut, cut = by_ids[()], by_ids[("pass",)]
    # (named as simulate's JSON names them, each a value and its standard error)
    assert all(c["runs"] == 100 and 0.0 <= c["p_any_shortfall"]["value"] <= 1.0
               and set(c["p_any_shortfall"]) == {"value", "se"} for c in simulated)
    # Nothing reaches the front without the pass, whatever the threats draw.
    assert cut["shortfall_t"]["value"] == pytest.approx(cut["planned_shortfall_t"], rel=1e-6)
    assert cut["shortfall_t"]["value"] > uncut["shortfall_t"]["value"]
    assert cut["p_any_shortfall"]["value"] == 1.0


def test_without_a_terminal_each_step_is_a_line_on_standard_error(tiny_path: Path) -> None:
    """A progress bar shows nothing in a log file: there each step is one plain line."""
    result = runner.invoke(app, ["resilience", str(tiny_path), "--k", "2", "--json"])
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)  # standard output stays one JSON document
    lines = result.stderr.splitlines()
    assert lines, "no progress on standard error"
    counts = [line.split("]")[0].strip("[").split()[0] for line in lines]
    done = [int(c.split("/")[0]) for c in counts]
    total = {int(c.split("/")[1]) for c in counts}
    assert len(total) == 1 and done == sorted(done) and done[-1] == total.pop()
    assert all(len(line) <= 80 for line in lines)


def test_a_large_scenario_is_analysed_on_a_coarse_grid_unless_one_is_asked_for() -> None:
    """N-1 solves the plan once per route and place: the built-in scenario (88,269 columns
    on its own grid) is analysed in 14-day steps from its first day, and says so; a small
    scenario keeps its own grid, and a grid asked for is the one used."""
    import supplyline as sl
    from supplyline.plan.variables import define_variables
    from supplyline.resilience import ANALYSIS_MAX_COLUMNS, COARSE_STEP_DAYS, analysis_grid

    builtin = sl.load("dien-bien-phu-1954")
    net, note = analysis_grid(builtin)
    assert note is not None and f"{COARSE_STEP_DAYS}-day steps from the first day" in note
    assert net.step_days == COARSE_STEP_DAYS and net.grid.length[0] == COARSE_STEP_DAYS
    assert define_variables(net).n_columns <= ANALYSIS_MAX_COLUMNS
    own, note = analysis_grid(builtin, step_days=4)
    assert note is None and own.step_days == 4 and own.grid.length[0] == 1  # daily start kept
    none_daily, _ = analysis_grid(builtin, step_days=7, daily_days=0)
    assert none_daily.grid.length[0] == 7
    tutorial = sl.load("tutorial")
    small, note = analysis_grid(tutorial)
    assert note is None and small.steps == sl.compile_network(tutorial).steps
    with pytest.raises(ValueError, match="day by day already"):
        analysis_grid(tutorial, daily_days=3)  # the tutorial plans in steps of one day


def test_the_help_says_when_the_analysis_takes_a_coarser_grid() -> None:
    """--help said 20,000 variables where the analysis (and the README) said 25,000: the
    help now reads the limit and the step from where the analysis reads them."""
    text = " ".join(runner.invoke(app, ["resilience", "--help"], env={"COLUMNS": "200"})
                    .output.replace("│", " ").split())
    assert (f"more than {ANALYSIS_MAX_COLUMNS:,} variables is planned in "
            f"{COARSE_STEP_DAYS}-day steps") in text


def test_daily_days_that_cannot_be_is_a_usage_error(tiny_path: Path) -> None:
    out = runner.invoke(app, ["resilience", str(tiny_path), "--daily-days", "2",
                              "--step-days", "1", "--json"])
    assert out.exit_code == 2
    assert "--daily-days" in json.loads(out.stdout)["error"]["message"]
    # Longer than the horizon: refused as --step-days is, whatever the steps.
    for steps in (["--step-days", "3"], []):
        out = runner.invoke(app, ["resilience", "tutorial", "--daily-days", "40", *steps,
                                  "--json"])
        assert out.exit_code == 2
        assert json.loads(out.stdout)["error"]["message"] == (
            "--daily-days: expected at most the horizon (30 days), got 40")
    # The whole horizon day by day with steps asked for: the steps never began, and the
    # analysis ran day by day without a word of them.
    out = runner.invoke(app, ["resilience", "tutorial", "--daily-days", "30", "--step-days",
                              "3", "--json"])
    assert out.exit_code == 2
    assert json.loads(out.stdout)["error"]["message"] == (
        "--daily-days: expected fewer days than the horizon (30) with --step-days 3, whose "
        "steps begin after them, got 30: every day day by day (leave --step-days out, or "
        "plan fewer days day by day)")


def test_the_cut_map_names_places_and_says_what_its_marks_mean(tiny: sl.Scenario) -> None:
    from supplyline.network import compile_network
    from supplyline.report.resilience import cut_map
    from supplyline.resilience.analysis import analyse

    places = [p.model_copy(update={"name": "The front line"}) if p.id == "front" else p
              for p in tiny.places]
    net = compile_network(tiny.model_copy(update={"places": places}))
    svg = cut_map(net, analyse(net, k=2))
    assert 'data-place="front"><tspan' in svg and ">The front line</tspan>" in svg
    assert "The front line (front): front" in svg  # its tooltip
    for words in ("When cut", "adds little or nothing", "late, labour, unfed or undone",
                  "adds 0.5 t short or more",
                  "over half the worst cut", "in the worst set", ">front</text>"):
        assert words in svg, words


def test_no_name_on_the_cut_map_covers_a_worst_set_ring(
        tiny: sl.Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    """A name beside a place of the worst set was kept clear of its marker only, and ran
    into its red ring (10 px round, 3 px wide), whose stroke its halo broke."""
    import supplyline.report.resilience as shown
    from supplyline.network import compile_network
    from supplyline.report.map import LABEL_FONT, LINE_PX
    from supplyline.report.svg import text_width
    from supplyline.resilience.analysis import analyse

    net = compile_network(tiny)
    res = analyse(net, k=1)
    monkeypatch.setattr(shown, "_struck", lambda _net, _res: set(net.place_ids))
    svg = shown.cut_map(net, res)
    rings = [(float(x), float(y)) for x, y in
             re.findall(r'<circle class="cut" cx="([\d.]+)" cy="([\d.]+)" r="10"', svg)]
    assert len(rings) == len(net.place_ids)
    names = re.findall(r'<text text-anchor="(\w+)" class="label[^"]*" data-place="[^"]+">'
                       r"(.*?)</text>", svg)
    assert len(names) == len(net.place_ids)
    for anchor, spans in names:
        lines = re.findall(r'<tspan x="([\d.]+)" y="([\d.]+)">([^<]*)</tspan>', spans)
        w = max(text_width(html.unescape(t), LABEL_FONT) for _, _, t in lines) + 2
        tx, top = float(lines[0][0]), float(lines[0][1]) - 10
        x1 = {"start": tx - 1, "end": tx + 1 - w, "middle": tx - w / 2}[anchor]
        x2, y2 = x1 + w, top + LINE_PX * len(lines)
        for cx, cy in rings:  # the box's nearest point to the ring's centre
            near = math.hypot(min(max(cx, x1), x2) - cx, min(max(cy, top), y2) - cy)
            assert near >= 11.5 - 0.2, (spans, cx, cy, near)


def test_worst_sets_where_no_cut_adds_a_shortfall() -> None:
    """The tutorial's first two days (its town needs nothing before day 3): no set of cuts
    adds a shortfall. The search for the next worst sets excluded the empty set it found
    first, which no set can satisfy: a traceback, exit code 1."""
    result = runner.invoke(app, ["resilience", "tutorial", "--k", "2", "--days", "2",
                                 "--json"])
    assert result.exit_code == 0, result.output
    worst = json.loads(result.stdout)["resilience"]["worst"]
    assert [w["k"] for w in worst] == [2]
    assert worst[0]["model"]["shortfall_t"] == 0
    assert 1 <= len(worst[0]["confirmed"]) <= 3
    assert all(c["extra_shortfall_t"] == 0 for c in worst[0]["confirmed"])


def test_the_re_check_is_said_as_simulate_says_it_and_its_seed_given(tiny_path: Path) -> None:
    """The re-check printed '94.0% ± 0.8' and '3.2 ± 0.0871' (a value and its error to
    different places) and always drew seed 1, said nowhere: now --seed chooses it, the
    table's title says it, and the figures are written as simulate writes them."""
    from supplyline.report.risk import _pm

    said = runner.invoke(app, ["resilience", str(tiny_path), "--k", "1", "--simulate", "60",
                               "--seed", "7", "--json"])
    assert said.exit_code == 0, said.output
    doc = json.loads(said.stdout)["resilience"]
    assert doc["simulated_seed"] == 7
    again = runner.invoke(app, ["resilience", str(tiny_path), "--k", "1", "--simulate", "60",
                                "--seed", "7", "--json"])
    assert json.loads(again.stdout)["resilience"]["simulated"] == doc["simulated"]
    shown = runner.invoke(app, ["resilience", str(tiny_path), "--k", "1", "--simulate", "60",
                                "--seed", "7"], env={"COLUMNS": "120"})
    assert "(the plan made around each cut; seed 7)" in shown.output
    uncut = doc["simulated"][0]
    row = next(line for line in shown.output.splitlines() if line.startswith("uncut"))
    assert _pm(uncut["shortfall_t"], 60) in row
    # Without --simulate, --seed acts on nothing: refused.
    alone = runner.invoke(app, ["resilience", str(tiny_path), "--seed", "7"])
    assert alone.exit_code == 2 and "acts only with --simulate" in alone.output
    # With --simulate 0 it was said not to have been given.
    off = runner.invoke(app, ["resilience", str(tiny_path), "--simulate", "0", "--seed", "7"])
    assert off.exit_code == 2
    assert ("--seed: acts only with --simulate other than 0, got --simulate 0 (leave --seed "
            "out, or change --simulate)") in " ".join(off.output.split())
    # From Python the same (it had no seed: always 1).
    from supplyline.resilience import resilience

    assert resilience(sl.load(tiny_path), k=1, simulate_runs=60, seed=7).simulated_seed == 7


def test_the_cut_map_draws_routes_as_the_report_map_does(tmp_path: Path) -> None:
    """The cut map drew every route as a straight line: a second route between River
    village and Bridge junction lay on the first, and the Gorge path ran through the ridge
    depot's marker. Now routes are the report map's curves: bowed apart, bent round places."""
    from supplyline.report.map import route_curves

    text = (Path(sl.__file__).parent / "scenario/builtin/tutorial.yaml").read_text("utf-8")
    second = ("  - id: river-track\n    name: River track (second way)\n    from: river-village\n"
              "    to: bridge\n    length_km: 7\n    modes: [porter]\n    air_exposed: false\n")
    anchor = "  - id: bridge-road\n"
    assert text.count(anchor) == 1
    (tmp_path / "two.yaml").write_text(text.replace(anchor, second + anchor), "utf-8")
    # Ten days of the thirty: the map draws every route of the network whatever the days
    # planned (the same curves as on the whole horizon), at a tenth of the cuts' solving.
    result = runner.invoke(app, ["resilience", str(tmp_path / "two.yaml"), "--k", "1",
                                 "--days", "10", "--export", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    cut_map = re.search(r'<svg id="cut-map".*?</svg>', html, re.S)
    assert cut_map is not None
    drawn = dict(re.findall(r'<path data-route="([^"]+)" d="([^"]+)"', cut_map.group(0)))
    assert len(drawn) == 9
    # The two routes between the same places take two ways, neither of them straight.
    river = [d for rid, d in drawn.items() if rid in ("river-track", "river-village--bridge")]
    assert len(river) == 2 and river[0] != river[1]
    # The same curves as the report map's, from the one function.
    assert route_curves([0, 0], [1, 1], [(0.0, 0.0), (100.0, 0.0)], [2.0, 2.0])[0].c != (
        50.0, 0.0)


def test_an_uncut_plan_out_of_time_says_what_to_do_as_plan_does() -> None:
    """resilience said "the uncut plan did not solve (Time limit reached)", where every
    other planning command says to plan fewer days, in longer steps or to allow more time."""
    result = runner.invoke(app, ["resilience", "tutorial", "--time-limit", "0.001", "--json"])
    assert result.exit_code == 1
    message = json.loads(result.stdout)["error"]["message"]
    assert message.startswith("the uncut plan did not solve: the optimizer reached its time "
                              "limit"), message
    assert "allow more time (--time-limit" in message


def test_a_cut_whose_plan_did_not_solve_is_said_and_fails_the_run(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A cut that reached --time-limit was shown as harmless ("—" and "lasts", ranked
    last) and the run exited 0: the analysis hid what it did not find."""
    import dataclasses

    from supplyline.resilience import analysis as command

    n_minus_1 = command.n_minus_1

    def timed_out(*args: object, **kwargs: object) -> list[object]:
        ranking = n_minus_1(*args, **kwargs)  # type: ignore[arg-type]
        worst = ranking[0]
        nan = float("nan")
        ranking[0] = dataclasses.replace(
            worst, status="time limit reached", extra_shortfall_t=nan, extra_labour_days=nan,
            extra_eaten_t=nan, extra_objective=nan, extra_wounded_late=nan,
            reserve_days=dict.fromkeys(worst.reserve_days),
            extra_road_work_undone_days={}, extra_unfed_t={})  # (as cuts.py leaves them)
        from supplyline.resilience.cuts import rank

        return rank(ranking)

    monkeypatch.setattr(command, "n_minus_1", timed_out)
    # (the first 16 days, where the same cut ranks first: 4 s a run against 15 s)
    text = runner.invoke(app, ["resilience", "tutorial", "--days", "16", "--k", "1",
                               "--export", str(tmp_path)])
    assert text.exit_code == 1, text.output
    assert "unsolved" in text.stdout
    said = " ".join(text.stdout.split())
    assert "Note: 1 cut did not solve (time limit reached): Bridge junction; what it costs " \
           "is not known (ranked last, 'unsolved')" in said
    assert "what it costs is not known" in text.stderr.replace("\n", " ")
    with (tmp_path / "resilience.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[-1]["status"] == "time limit reached" and rows[-1]["extra_shortfall_t"] == ""
    # (not known, rather than none: they read 0.0, as if the cut left nothing undone)
    assert rows[-1]["extra_road_work_undone_days"] == rows[-1]["extra_unfed_t"] == ""
    answer = runner.invoke(app, ["resilience", "tutorial", "--days", "16", "--k", "1",
                                 "--json"])
    assert answer.exit_code == 1
    said = json.loads(answer.stdout)
    assert said["ok"] is False and said["error"]["kind"] == "plan"
    assert said["resilience"]["ranking"][-1]["status"] == "time limit reached"
    unsolved = said["resilience"]["ranking"][-1]
    assert unsolved["extra_road_work_undone_days"] is None and unsolved["extra_unfed_t"] is None


def test_rows_alike_are_said_why_and_a_cut_not_used_is_not_said_optimal(tmp_path: Path) -> None:
    """Rows that repeated others, and rows of zeros, were explained in the JSON's notes
    alone; resilience.csv gave "optimal" for cuts never solved, and the simulation re-checked
    a route the plan never uses, its row the uncut plan's again."""
    result = runner.invoke(app, ["resilience", "tutorial", "--days", "16", "--k", "1",
                                 "--simulate", "20", "--export", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "Rows that forbid the same trips as another have its figures: 4 as 3" in text
    assert "Rows that cut what the plan does not use change nothing (nothing was solved):" \
        in text
    with (tmp_path / "resilience.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    said = json.loads((tmp_path / "resilience.json").read_text(encoding="utf-8"))
    solved = {tuple(i["ids"]): i["solved"] for i in said["ranking"]}
    for row in rows:
        assert (row["status"] == "unused") == (not solved[tuple(row["ids"].split(" + "))])
    unused = {row["ids"] for row in rows if row["status"] == "unused"}
    assert unused and not unused & {" + ".join(c["ids"]) for c in said["simulated"]}


def test_where_no_cut_adds_a_shortfall_no_worst_set_is_named() -> None:
    """With no demand in its first two days, the tutorial's worst set of 3 read "2 exact
    Bridge junction + Ridge relief depot 0 0 0 0%" and "At k = 3 the worst set has 2 cuts
    of the 3 allowed": any set is as bad as none there."""
    result = runner.invoke(app, ["resilience", "tutorial", "--days", "2", "--k", "3",
                                 "--json"])
    assert result.exit_code == 0, result.output
    for worst in json.loads(result.stdout)["resilience"]["worst"]:
        assert worst["model"]["ids"] == [] and worst["model"]["shortfall_t"] == 0.0
        assert str(worst["model"]["shortfall_t"]) == "0.0"  # (not -0.0)
    text = runner.invoke(app, ["resilience", "tutorial", "--days", "2", "--k", "3"]).stdout
    assert "none: no cut adds a shortfall" in text and "of the 3 allowed" not in text


def test_the_grid_planned_on_is_said(tiny_path: Path,
                                     run: tuple[dict[str, object], Path]) -> None:
    """With --step-days the stock column counts whole steps, and nothing said the plans were
    made in steps (``simulate`` says "(planned in 2-day steps)"): a note says it, in the JSON
    and under the tables; day by day, nothing."""
    said = ("every plan here, the uncut one and each cut's, is planned in 2-day steps: a "
            "front's stock days count to the start of a step")
    doc = runner.invoke(app, ["resilience", str(tiny_path), "--k", "1", "--step-days", "2",
                              "--json"])
    assert doc.exit_code == 0, doc.output
    assert json.loads(doc.stdout)["resilience"]["notes"][0] == said
    shown = runner.invoke(app, ["resilience", str(tiny_path), "--k", "1", "--step-days", "2"],
                          env={"COLUMNS": "80"})
    assert shown.exit_code == 0, shown.output
    assert f"Note: {said}." in " ".join(shown.stdout.split())
    assert max(len(line) for line in shown.stdout.splitlines()) <= 80
    daily = run[0]["resilience"]
    assert isinstance(daily, dict)
    assert not [n for n in daily["notes"] if "steps" in n]
