"""Every caveat the terminal gives of a resilience analysis is in its JSON, in the exported
resilience.json and report, and in a notebook's view, in one wording: the notes of the result
(that the aggregated network has no time, carriers or labour), the worst sets' notes (fewer
cuts than allowed, a full plan above the model's bound) and the protection's (an attack of
fewer cuts). With --k 1, --budget and --window the terminal alone had said that the
aggregated network chooses the protection over the whole horizon: the JSON and the export
did not (on the tutorial's first 16 days, cut on days 5 to 12, "0 t short on the aggregated
network, against 9.94 t unprotected" beside "+0 t against +0 t" on the full plan, with no
word why)."""

from __future__ import annotations

import dataclasses
import html
import io
import json
from pathlib import Path

import pytest
from rich.console import Console

import supplyline as sl
from supplyline.network import compile_network
from supplyline.report.resilience import (
    _defence_words,
    _gap,
    _worst_notes,
    export_resilience,
    print_resilience,
    resilience_html,
    resilience_section,
)
from supplyline.report.sections import ReportContext
from supplyline.resilience.analysis import Resilience, WorstSet, analyse
from supplyline.resilience.interdiction import WorstCut
from supplyline.scenario.whatif import first_days


def _tutorial(days: int, **given: object) -> Resilience:
    net = compile_network(first_days(sl.load("tutorial"), days))
    return analyse(net, **given)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def alone() -> Resilience:
    """The protection without worst sets (--k 1 --budget 1), cut on days 5 to 12 of the
    tutorial's first 16 (the rough edge: 1.5 s)."""
    return _tutorial(16, k=1, budget=1, window=(5, 12))


@pytest.fixture(scope="module")
def sets() -> Resilience:
    """Worst sets of up to 3 cuts and the protection, cut on days 3 to 7 of the tutorial's
    first 10: the worst set has 2 cuts of the 3 allowed, as have both attacks (1.1 s)."""
    return _tutorial(10, k=3, budget=1, window=(3, 7))


def _terminal(res: Resilience) -> str:
    out = io.StringIO()
    print_resilience(res, Console(file=out, width=80, color_system=None))
    text = out.getvalue()
    assert max(len(line) for line in text.splitlines()) <= 80
    return " ".join(text.split())


def _caveats(res: Resilience) -> list[str]:
    """What the JSON says beyond the figures: the notes, the worst sets' and the
    protection's (of an attack, what the terminal says beside its cuts)."""
    doc = json.loads(res.to_json())
    said = list(doc["notes"]) + [n for w in doc["worst"] for n in w["notes"]]
    attacks = doc["defence"]["notes"] if doc["defence"] is not None else []
    return said + [n.split(" network has ", 1)[1] for n in attacks]


def _exported(res: Resilience, folder: Path) -> tuple[dict[str, object], str]:
    assert res.plan is not None
    export_resilience(res, folder)
    section = resilience_section(res.plan, ReportContext(results={"resilience": res}))
    assert section is not None
    return json.loads((folder / "resilience.json").read_text(encoding="utf-8")), section.html


@pytest.mark.parametrize("case", ["alone", "sets"])
def test_what_the_terminal_says_the_json_and_the_export_say(
        case: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    res: Resilience = request.getfixturevalue(case)
    assert res.defence is not None and res.window_dates is not None
    first, last = res.window_dates
    text = _terminal(res)
    doc = json.loads(res.to_json())  # (what --json prints under "resilience")
    what = "the worst sets and the protection from cutting" if res.worst else \
        "the protection from cutting"
    no_time = (f"the aggregated network has no time: {what} {'are' if res.worst else 'is'} "
               f"chosen over the whole horizon, and measured on the full plan cut from "
               f"{first} to {last} only")
    assert no_time in doc["notes"]
    # Said once on the terminal, as a note, and in no other words.
    assert text.count("has no time") == 1 and f"Note: {no_time}." in text
    assert "whole horizon" not in _defence_words(res)
    # Each caveat of the JSON is the terminal's, word for word.
    caveats = _caveats(res)
    for note in caveats:
        assert note in text, note
    # The worst sets' notes are those under the table, one per k that has one.
    assert [f"At k = {w['k']} {n}." for w in doc["worst"] for n in w["notes"]] == \
        _worst_notes(res)
    # The export says the same: resilience.json, and the report's section.
    written, section = _exported(res, tmp_path)
    assert written == doc
    page = " ".join(html.unescape(section).split())
    for note in caveats:  # (as sentences: a capital first)
        assert note[1:] in page, note
    # A notebook's view too (it showed no protection, under notes that speak of it).
    view = " ".join(html.unescape(resilience_html(res)).split())
    assert _defence_words(res) in view and no_time[1:] in view


def test_the_attacks_fewer_cuts_are_in_the_json(sets: Resilience) -> None:
    """The worst set of 3 cuts, and each attack of the protection, has 2: the terminal says
    why beside them, the JSON had only their ids."""
    doc = json.loads(sets.to_json())
    why = "2 cuts of the 3 allowed: a further cut adds no shortfall to the set on the " \
        "aggregated network"
    assert doc["worst"][-1]["k"] == 3 and doc["worst"][-1]["notes"] == [
        f"the worst set has {why}"]
    assert doc["defence"]["notes"] == [f"the attack on the protected network has {why}",
                                       f"the attack on the unprotected network has {why}"]
    assert f"(Bridge junction + Ridge relief depot; {why})" in _terminal(sets)


def test_greedy_sets_are_not_said_exact(tiny: sl.Scenario) -> None:
    """--k 4 finds the worst set of 4 greedily (the table's "greedy" row), and the note said
    "the worst sets are exact on the aggregated network" (the tutorial's first 16 days,
    --k 4)."""
    res = analyse(compile_network(tiny), k=4)
    assert [w.method for w in res.worst] == ["exact", "exact", "greedy"]
    assert "the worst sets (exactly up to 3 cuts, greedily above) are found on the " \
        "aggregated network (no time, carriers or labour) and measured on the full plan" \
        in res.notes
    assert not any("exact on" in note for note in res.notes)

    from supplyline.resilience.analysis import aggregated_notes

    exact = WorstSet(3, "exact", None, (), 0.0)
    greedy = WorstSet(4, "greedy", None, (), 0.0)
    assert aggregated_notes([exact, greedy], False, None) == [
        "the worst sets (exactly up to 3 cuts, greedily above) are found on the aggregated "
        "network (no time, carriers or labour) and measured on the full plan"]
    assert aggregated_notes([exact], True, None) == [
        "the worst sets and the protection from cutting are found exactly on the aggregated "
        "network (no time, carriers or labour) and measured on the full plan"]
    assert aggregated_notes([], True, ("2024-11-06", "2024-11-13"))[1] == (
        "the aggregated network has no time: the protection from cutting is chosen over the "
        "whole horizon, and measured on the full plan cut from 2024-11-06 to 2024-11-13 only")
    assert aggregated_notes([], False, ("2024-11-06", "2024-11-13")) == []


def test_no_cut_unprotected_is_not_the_same_cuts(alone: Resilience) -> None:
    """Where no cut adds a shortfall with the protection or without (as on the tutorial's
    first 10 days with --k 1 --budget 1), the sentence read "against 0 t unprotected (the
    same cuts)", of cuts there were none."""
    assert alone.defence is not None
    none = WorstCut(1, [], [], 0.0, 0.0, 0.0, 0.0, 0, "optimal")
    bare = dataclasses.replace(alone, defence=dataclasses.replace(
        alone.defence, protected=(), attack=none, unprotected=none))
    said = _defence_words(bare)
    assert "(none) leaves 0 t short on the aggregated network, against 0 t unprotected " \
        "(none)" in said and "the same cuts" not in said
    # Of cuts there are, it stands.
    same = dataclasses.replace(bare, defence=dataclasses.replace(
        bare.defence, attack=alone.defence.unprotected,  # type: ignore[arg-type]
        unprotected=alone.defence.unprotected))
    assert "(the same cuts)" in _defence_words(same)


@pytest.mark.parametrize(("bound_kg", "said"), [
    (20_000.0, "0%"), (30_000.0, "50%"), (40_000.0, "100%"), (520_000.0, "2,500%"),
    (20_000.001, "0.000005%")])
def test_a_gap_is_said_in_the_tables_numbers(bound_kg: float, said: str) -> None:
    """A next set's gap to the bound, (bound - found) / found, is 100 % or more where the
    model's worst leaves twice its shortfall: it read "1e+02%" and "2.5e+03%", and a gap
    of a few grams "5e-06%"."""
    model = WorstCut(2, ["a", "b"], [], 20_000.0, bound_kg, 0.0, 0.0, 0, "optimal")
    worst = WorstSet(2, "exact", model, ("a", "b"), 20_000.0)
    assert _gap(worst, 20_000.0) == "0%"  # (the model's own set: the MIP's gap)
    next_set = dataclasses.replace(model, shortfall_kg=bound_kg)  # (the bound is the worst's)
    assert _gap(dataclasses.replace(worst, model=next_set), 20_000.0) == said
