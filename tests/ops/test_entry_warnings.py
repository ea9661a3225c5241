"""Entries beyond what the scenario says there is, and convoys over closed routes, are
written (the books record what the clerks report; the scenario's figures may be wrong), with
a warning saying what was written and what the scenario says; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import supplyline as sl
from supplyline.ops import Books, open_books
from supplyline.ops.entries import EntryWarning
from supplyline.ops.overview import Views
from supplyline.ops.writing import Recorded
from supplyline.scenario.schema import Closure, Scenario
from tests.ops.conftest import day, entry
from tests.ops.test_books import porters, send

SC = sl.load("tutorial")  # high-village can give 10,000 kg of rice; 240 of its people serve


def rice(kg: float, on: int = 1, locality: str = "high-village", at: str = "ridge-depot",
         **more: Any) -> dict[str, Any]:
    return entry("contribution", date=day(SC, on), locality=locality, good="rice", kg=kg,
                 at=at, **more)


def said(recorded: Recorded) -> list[tuple[str, str]]:
    return [(w.field, w.message) for w in recorded.warnings]


def test_more_given_than_the_locality_can_is_written_with_a_warning(books: Books) -> None:
    beyond = books.append(rice(500_000), "commune")
    assert said(beyond) == [("kg", "high-village gave 500,000 kg of rice on 2024-11-02; the "
                                   "scenario says it can give at most 10,000 kg by then (its "
                                   "stores and what it grows, less what its people keep)")]
    assert beyond.warnings[0].type == "beyond_scenario"
    assert books.balances()[("ridge-depot", "rice")] == 500_000  # written all the same
    # Corrected to what it can give: no warning.
    assert books.append(rice(9000, corrects=beyond.id), "commune").warnings == ()
    # What it gave before counts; so does a later day it makes short.
    later = books.append(rice(900, on=5), "commune")
    assert later.warnings == ()
    early = books.append(rice(600, on=2), "commune")
    assert said(early) == [("kg", "high-village gave 10,500 kg of rice in all by 2024-11-06, "
                                  "this entry's 600 kg included; the scenario says it can give "
                                  "at most 10,000 kg by then (its stores and what it grows, "
                                  "less what its people keep)")]
    # Another locality, another good's books: their own.
    assert books.append(rice(20_000, locality="far-village"), "commune").warnings == ()


def test_a_cancelled_contribution_counts_no_more_against_what_was_given(books: Books) -> None:
    first = books.append(rice(9000), "commune")
    books.append(entry("cancel", date=day(SC, 1), corrects=first.id, reason="twice"), "c")
    assert books.append(rice(9000, on=2), "commune").warnings == ()


def pledge(kg: float, on: int = 1, by: int = 3, **more: Any) -> dict[str, Any]:
    return entry("pledge", date=day(SC, on), locality="high-village", good="rice", kg=kg,
                 by=day(SC, by), **more)


def test_a_pledge_beyond_what_the_locality_can_give_is_written_with_a_warning(
        books: Books) -> None:
    """Pledges of a good, by the days they are due, against what the locality can have
    given by then (the rule contributions are warned by)."""
    beyond = books.append(pledge(500_000), "commune")
    assert said(beyond) == [("kg", "high-village pledged 500,000 kg of rice by 2024-11-04; "
                                   "the scenario says it can give at most 10,000 kg by then "
                                   "(its stores and what it grows, less what its people "
                                   "keep)")]
    assert beyond.warnings[0].type == "beyond_scenario"
    assert len(books.entries()) == 1  # written all the same
    # Corrected to what it can give: no warning; a second pledge due later adds up.
    assert books.append(pledge(6000, corrects=beyond.id), "commune").warnings == ()
    later = books.append(pledge(5000, by=8), "commune")
    assert said(later) == [("kg", "high-village pledged 11,000 kg of rice in all by "
                                  "2024-11-09, this entry's 5,000 kg included; the scenario "
                                  "says it can give at most 10,000 kg by then (its stores and "
                                  "what it grows, less what its people keep)")]
    # Cancelled, it counts no more.
    books.append(entry("cancel", date=day(SC, 1), corrects=later.id, reason="twice"), "c")
    assert books.append(pledge(3000, by=8), "commune").warnings == ()
    # What was pledged is not what was given: a contribution is warned of on its own.
    assert books.append(rice(9000), "commune").warnings == ()


def test_pledges_add_up_however_few_entries_the_books_keep_parsed(
        books: Books, monkeypatch: pytest.MonkeyPatch) -> None:
    """The books keep the entries they read parsed, at most READ_KEPT of them: with room for
    one, what was pledged still adds up, in a batch and entry after entry."""
    monkeypatch.setattr("supplyline.ops.books.READ_KEPT", 1)
    books.append_many([pledge(3000, by=8), pledge(3500, by=8), pledge(2500, by=8)], "commune")
    last = books.append(pledge(2000, by=8), "commune")
    assert said(last) == [("kg", "high-village pledged 11,000 kg of rice in all by "
                                 "2024-11-09, this entry's 2,000 kg included; the scenario "
                                 "says it can give at most 10,000 kg by then (its stores and "
                                 "what it grows, less what its people keep)")]
    assert len(books.parsed) == 1


def test_labour_beyond_the_people_who_can_serve(books: Books) -> None:
    crew = books.append(entry("labour", date=day(SC, 0), locality="high-village",
                              persons=200, days=10, role="road_crew"), "commune")
    assert crew.warnings == ()
    more = books.append(entry("labour", date=day(SC, 1), locality="high-village", persons=50,
                              days=30, role="carrier", mode="porter"), "commune")
    assert said(more) == [
        ("persons", "high-village registered 250 persons in all, this entry's 50 included; "
                    "the scenario says 240 of its 1,200 people can serve"),
        ("days", "high-village registered persons to serve 30 days; the scenario says one "
                 "person serves at most 20 days")]
    huge = books.append(entry("labour", date=day(SC, 1), locality="far-village",
                              persons=10**8, days=5, role="carrier", mode="porter"), "c")
    assert said(huge) == [("persons", "far-village registered 100,000,000 persons; the "
                                      "scenario says 600 of its 3,000 people can serve")]
    assert books.balances()[("far-village", "unit:porter")] == 10**8


def test_wounded_beyond_those_who_arose(books: Books) -> None:
    """Kestrel town: 6 wounded a day to the 7th, 2 a day after."""
    first = books.append(entry("wounded", date=day(SC, 2), front="kestrel-town",
                               hospital="district-hospital", persons=18), "council")
    assert first.warnings == ()
    more = books.append(entry("wounded", date=day(SC, 2), front="kestrel-town",
                              hospital="district-hospital", persons=5), "council")
    assert said(more) == [("persons", "23 wounded brought in from kestrel-town in all by "
                                      "2024-11-03, this entry's 5 included; the scenario says "
                                      "18 arose there by then")]
    # By the next day 24 had arisen.
    assert books.append(entry("wounded", date=day(SC, 3), front="kestrel-town",
                              hospital="district-hospital", persons=5, corrects=more.id),
                        "council").warnings == ()


def walked(books: Books, on: int) -> Recorded:
    """Porters sent empty to the depot, on purpose (as such, warned of: ``no_cargo``), with
    what else is said against them."""
    sent = books.append(send(SC, 0, on=on, units=5, from_="high-village", to="ridge-depot"),
                        "clerk")
    assert [w.type for w in sent.warnings][-1:] == ["no_cargo"]
    return replace(sent, warnings=tuple(w for w in sent.warnings if w.type != "no_cargo"))


def test_a_convoy_over_a_route_reported_closed(books: Books) -> None:
    porters(books, SC, 40)
    closed = books.append(entry("route", date=day(SC, 1), route="high-village--ridge-depot",
                                status="closed"), "council")

    def walk(on: int) -> Recorded:
        return walked(books, on)

    assert walk(0).warnings == ()  # the day before
    over = walk(1)
    assert said(over) == [("route", "the convoy went over high-village--ridge-depot on "
                                    "2024-11-02: it was reported closed on 2024-11-02 and not "
                                    "reported reopened by then")]
    assert over.warnings[0].type == "route_closed"
    books.append(entry("route", date=day(SC, 4), route="high-village--ridge-depot",
                       status="reopened"), "council")
    assert walk(3).warnings != () and walk(4).warnings == ()
    # A report cancelled closes nothing.
    books.append(entry("cancel", date=day(SC, 4), corrects=closed.id, reason="wrong road"),
                 "council")
    assert walk(2).warnings == ()


def test_a_route_reported_closed_under_convoys_already_sent(books: Books) -> None:
    """The same rule from the report's side: a report that makes the route closed on days
    convoys already went over it says so; a convoy on a day already reported closed (warned
    of when it was written) is not said again."""
    porters(books, SC, 40)

    def walk(on: int) -> Recorded:
        return walked(books, on)

    def report(status: str, on: int) -> Recorded:
        return books.append(entry("route", date=day(SC, on), route="high-village--ridge-depot",
                                  status=status), "council")

    walk(0), walk(2), walk(2), walk(5)
    closed = report("closed", 1)
    assert said(closed) == [("status", "3 convoys were on high-village--ridge-depot on "
                                       "2024-11-03 and 2024-11-06, which this report makes "
                                       "closed")]
    assert closed.warnings[0].type == "route_closed"
    assert said(report("reopened", 4)) == []  # reopening closes nothing
    assert said(report("closed", 2)) == []  # closed already on those days: said before
    # Closed again from the 6th: the convoy of that day.
    assert said(report("closed", 5)) == [("status", "a convoy was on "
                                                    "high-village--ridge-depot on 2024-11-06, "
                                                    "which this report makes closed")]


def test_a_route_report_that_changes_nothing_is_written_with_a_warning(books: Books) -> None:
    """A reopening of a route never closed, and a repair of a route not damaged, were
    written without a word; they are written, saying that the books count nothing from
    them."""
    def report(route: str, status: str, on: int, **more: Any) -> Recorded:
        return books.append(entry("route", date=day(SC, on), route=route, status=status,
                                  **more), "council")

    reopened = report("bridge-road", "reopened", 4)
    assert said(reopened) == [("status", "bridge-road reported reopened on 2024-11-05, but it "
                                         "was not reported closed by then")]
    assert reopened.warnings[0].type == "no_effect"
    assert said(report("bridge-road", "repaired", 4)) == [
        ("status", "bridge-road reported repaired on 2024-11-05, but it was not reported "
                   "struck, damaged or closed by then")]
    # Closed, then reopened: once, not twice; a closure may end by a repair too.
    assert said(report("gorge-path", "closed", 2)) == []
    assert said(report("gorge-path", "reopened", 3)) == []
    assert said(report("gorge-path", "reopened", 4)) == [
        ("status", "gorge-path reported reopened on 2024-11-05, but it was not reported "
                   "closed by then (it was reported reopened on 2024-11-04 already)")]
    assert said(report("gorge-path", "closed", 5)) == []
    assert said(report("gorge-path", "repaired", 6)) == []
    # A strike on the ridge road (repaired in 2 days: damaged on 2 and 3 Nov after one of
    # 1 Nov) is repaired by a report while it holds, not once it is over.
    assert said(report("ridge-road", "strike", 0, capacity_lost=0.5)) == []
    assert said(report("ridge-road", "repaired", 2)) == []
    assert said(report("ridge-road", "repaired", 3)) == [
        ("status", "ridge-road reported repaired on 2024-11-04, but it was reported "
                   "repaired on 2024-11-03 already, and not struck, damaged or closed since")]
    assert said(report("ridge-road", "damage", 5, capacity_lost=0.2)) == []
    assert said(report("ridge-road", "repaired", 8)) == [
        ("status", "ridge-road reported repaired on 2024-11-09, but the damage reported on "
                   "2024-11-06 was over by then: the scenario says it is repaired in 2 "
                   "days, from the day after")]
    # A reopening dated before the closure it would end counts nothing either; one
    # cancelled counts nowhere.
    closed = report("bridge-road", "closed", 10)
    assert said(report("bridge-road", "reopened", 9)) != []
    books.append(entry("cancel", date=day(SC, 10), corrects=closed.id, reason="wrong road"),
                 "council")
    assert said(report("bridge-road", "reopened", 11)) != []
    assert len(books.entries(kind="route")) == 15  # all written


def test_a_convoy_over_a_route_the_scenario_closes(tmp_path: Path) -> None:
    routes = [r.model_copy(update={"closed": [Closure(start=dt.date(2024, 11, 3),
                                                      end=dt.date(2024, 11, 4))]})
              if r.key == "ridge-road" else
              r.model_copy(update={"open_from": dt.date(2024, 11, 10)})
              if r.key == "gorge-path" else r for r in SC.routes]
    sc = SC.model_copy(update={"routes": routes})
    books = open_books(tmp_path / "books.db", sc)
    books.append_many([rice(5000, on=0, at="bridge"), rice(5000, on=0)], "council")
    books.append(entry("labour", date=day(sc, 0), locality="terrace-village", persons=40,
                       days=10, role="carrier", mode="porter"), "council")
    walk = books.append(send(sc, 0, on=0, units=40, from_="terrace-village", to="bridge"),
                        "council")
    books.append(entry("receipt", date=day(sc, 0), dispatch=walk.id), "council")
    bridge = books.append(send(sc, 100, on=2, units=5, from_="bridge", to="ridge-depot"),
                          "council")
    assert bridge.warnings == ()
    books.append(entry("receipt", date=day(sc, 2), dispatch=bridge.id,
                       received_kg={"rice": 100}), "council")
    ridge = books.append(send(sc, 50, on=3, units=2), "council")
    assert said(ridge) == [("route", "the convoy went over ridge-road on 2024-11-04: the "
                                     "scenario says it is closed from 2024-11-03 to "
                                     "2024-11-04")]
    gorge = books.append(send(sc, 50, on=3, units=2, from_="bridge"), "council")
    assert said(gorge) == [("route", "the convoy is on gorge-path from 2024-11-04 to "
                                     "2024-11-06 (its trip, as the planner reckons it): the "
                                     "scenario says it opens on 2024-11-10")]
    # The overview says the same of the routes (one rule): a route not open yet is closed.
    views = Views(books)
    for on, ridge_road, gorge_path in ((3, "closed", "closed"), (5, "open", "closed"),
                                       (9, "open", "open")):
        status = {r["id"]: r["status"] for r in views.overview(sc.start_date + dt.timedelta(
            days=on))["routes"]}
        assert (status["ridge-road"], status["gorge-path"]) == (ridge_road, gorge_path), on
    books.close()


def test_a_batch_says_each_warning_at_its_entry(books: Books) -> None:
    first, second = books.append_many([rice(6000), rice(6000)], "commune")
    assert first.warnings == ()
    assert [w.field for w in second.warnings] == ["1.kg"]
    assert "12,000 kg of rice in all" in second.warnings[0].message
    assert EntryWarning("kg", "m", "beyond_scenario").to_json() == {
        "loc": ["body", "kg"], "msg": "m", "type": "beyond_scenario"}


def test_the_books_keep_each_warning_with_its_entry(books: Books) -> None:
    """Read back from the books (the ledger), an entry says what was said against it when
    it was written, at its own field; a correction that is within bounds says nothing."""
    beyond = books.append(rice(500_000), "commune")
    fixed = books.append(rice(900, corrects=beyond.id), "commune")
    _, second = books.append_many([rice(1), rice(500_000, on=2)], "commune")
    kept = {r.id: r.warnings for r in books.entries()}
    assert kept[beyond.id] == beyond.warnings != ()
    assert [w.field for w in kept[second.id]] == ["kg"]  # "1.kg" in the batch's answer
    assert kept[second.id][0].message == second.warnings[0].message
    assert kept[fixed.id] == ()


def test_entries_written_together_see_each_other(books: Books) -> None:
    """Through the writer: entries that wait to be inserted together are counted."""
    from tests.ops.test_writer import outcome, writer_held

    with writer_held(books, SC) as held:
        futures = [books.submit([rice(6000)], "commune"),
                   books.submit([rice(6000, on=2)], "commune"),
                   books.submit([entry("labour", date=day(SC, 1), locality="high-village",
                                       persons=200, days=5, role="road_crew")], "commune"),
                   books.submit([entry("labour", date=day(SC, 1), locality="high-village",
                                       persons=50, days=5, role="road_crew")], "commune")]
    outcome(held)
    got = [outcome(f) for f in futures]
    assert all(isinstance(g, list) for g in got)
    fields = [[w.field for w in g[0].warnings] for g in got if isinstance(g, list)]
    assert fields == [[], ["kg"], [], ["persons"]]


def test_a_convoy_that_carries_nothing_is_written_with_a_warning(books: Books) -> None:
    """A dispatch without cargo (none given, ``{}``, or 0 kg: the dashboard sends none for
    a blank "Cargo kg") was written without a word, as carriers sent empty: the mistake
    showed days later, at the receipt. Carriers are sent empty at times (home, or to fetch
    a load): written, with a warning at ``cargo_kg``, kept with the entry."""
    porters(books, SC, 40)
    books.append(rice(100, on=0, at="high-village"), "commune")
    empty = [("cargo_kg", "the convoy carries nothing: 5 units of porter sent empty from "
                          "high-village to ridge-depot")]
    for cargo in ({}, {"rice": 0}, None):
        data = send(SC, 0, on=0, units=5, from_="high-village", to="ridge-depot")
        data.pop("cargo_kg")
        sent = books.append(data if cargo is None else data | {"cargo_kg": cargo}, "clerk")
        assert said(sent) == empty and sent.warnings[0].type == "no_cargo"
        assert books.entries()[-1].warnings == tuple(EntryWarning(*w, "no_cargo")
                                                     for w in empty)
    loaded = books.append(send(SC, 100, on=0, units=5, from_="high-village",
                               to="ridge-depot"), "clerk")
    assert loaded.warnings == ()


def _porters_at_bridge(books: Books, sc: Scenario, days: int = 20) -> None:
    """5 t of rice and 40 of the terrace village's porters at the bridge on the first day
    (a convoy there, received), ready to cross the gorge path (registered for ``days``
    days: 20, so that their service holds to the 20th)."""
    books.append(rice(5000, on=0, at="bridge"), "council")
    books.append(entry("labour", date=day(sc, 0), locality="terrace-village", persons=40,
                       days=days, role="carrier", mode="porter"), "council")
    walk = books.append(send(sc, 0, on=0, units=40, from_="terrace-village", to="bridge"),
                        "council")
    books.append(entry("receipt", date=day(sc, 0), dispatch=walk.id), "council")


def test_a_convoy_is_on_its_route_until_its_trip_lands(tmp_path: Path) -> None:
    """The books judged a closure on the convoy's day alone, where the planner forbids a trip
    whose route is closed on any day from its day to its arrival: porters leaving on the
    3rd over gorge-path (2.08 days) closed from the 4th were written without a word; and a
    report closing a route the day after a convoy left, while it was on its way, said
    nothing either."""
    routes = [r.model_copy(update={"closed": [Closure(start=dt.date(2024, 11, 4),
                                                      end=dt.date(2024, 11, 6))]})
              if r.key == "gorge-path" else r for r in SC.routes]
    sc = SC.model_copy(update={"routes": routes})
    books = open_books(tmp_path / "books.db", sc)
    _porters_at_bridge(books, sc)
    gorge = books.append(send(sc, 200, on=2, units=10, from_="bridge"), "council")
    assert said(gorge) == [("route", "the convoy is on gorge-path from 2024-11-03 to "
                                     "2024-11-05 (its trip, as the planner reckons it): on "
                                     "2024-11-04, the scenario says it is closed from "
                                     "2024-11-04 to 2024-11-06")]
    # From the report's side: gorge-path reported closed on the 11th, under a convoy that
    # left on the 10th (on its way to the 12th)
    assert books.append(send(sc, 200, on=9, units=10, from_="bridge"), "council"
                        ).warnings == ()
    closed = books.append(entry("route", date=day(sc, 10), route="gorge-path",
                                status="closed"), "council")
    # (the days it was on the route closed, not the day it left: a report of the 11th had
    # been said to close the 10th)
    assert said(closed) == [("status", "a convoy (that left on 2024-11-10) was on gorge-path "
                                       "on 2024-11-11 and 2024-11-12, which this report "
                                       "makes closed")]
    books.close()


def test_a_receipt_before_the_convoy_can_have_arrived_is_written_with_a_warning(
        tmp_path: Path) -> None:
    """A receipt dated the day a convoy left over gorge-path (a trip of 2.08 days, loaded,
    as the planner reckons it) was written without a word."""
    books = open_books(tmp_path / "books.db", SC)
    books.append(rice(5000, on=0, at="bridge"), "council")
    books.append(entry("labour", date=day(SC, 0), locality="terrace-village", persons=40,
                       days=10, role="carrier", mode="porter"), "council")
    walk = books.append(send(SC, 0, on=0, units=40, from_="terrace-village", to="bridge"),
                        "council")
    assert said(books.append(entry("receipt", date=day(SC, 0), dispatch=walk.id),
                             "council")) == []  # (a trip of 0.16 days lands that day)
    gorge = books.append(send(SC, 200, on=2, units=10, from_="bridge"), "council")
    soon = books.append(entry("receipt", date=day(SC, 3), dispatch=gorge.id,
                              received_kg={"rice": 200}), "council")
    assert said(soon) == [("date", "received on 2024-11-04, but the convoy left bridge on "
                                   "2024-11-03 and the scenario says its loaded trip to "
                                   "kestrel-town is 2.08 days on the move in dry weather: it "
                                   "lands on 2024-11-05 at the earliest")]
    assert soon.warnings[0].type == "beyond_scenario"
    again = books.append(entry("receipt", date=day(SC, 4), dispatch=gorge.id,
                               received_kg={"rice": 200}, corrects=soon.id), "council")
    assert said(again) == []
    books.close()


def test_a_receipt_is_not_said_too_soon_for_the_rain_the_scenario_expects(
        tmp_path: Path) -> None:
    """With rain expected on the gorge path every other day at half speed, the planner's trip
    lasts 3.12 days, and a receipt after 2 (a dry trip's 2.08) was said to come before the
    convoy could land ("at the earliest" on the 6th, where a dry trip lands on the 5th)."""
    wet = SC.replace({"threats.rain": [{
        "routes": ["gorge-path"], "start": "2024-11-01", "end": "2024-11-30",
        "probability_per_day": 0.5, "speed_factor": 0.5, "capacity_factor": 1.0,
        "source": "estimate: a test's wet month"}]})
    books = open_books(tmp_path / "books.db", wet)
    _porters_at_bridge(books, wet)
    gorge = books.append(send(wet, 200, on=2, units=10, from_="bridge"), "council")
    assert books.index.trip(gorge.entry).days > 3  # (as the planner reckons it, wet)
    assert books.append(entry("receipt", date=day(wet, 4), dispatch=gorge.id,
                              received_kg={"rice": 200}), "council").warnings == ()
    books.close()


def test_a_convoy_past_its_carriers_service_days_is_written_with_a_warning(
        books: Books) -> None:
    """Porters whose registered service days were over had been sent without a word: a
    convoy whose units are in service past them, to the day its trip lands, is warned of
    (the rule the State counts the days they owe by: each person's ``days`` from the day
    registered)."""
    sc = SC
    books.append(rice(5000, on=0, at="high-village"), "council")
    for on, persons, days in ((0, 40, 10), (2, 20, 20)):  # served to the 10th, to the 22nd
        books.append(entry("labour", date=day(sc, on), locality="high-village",
                           persons=persons, days=days, role="carrier", mode="porter"),
                     "council")

    def up(on: int, units: int) -> Recorded:
        """Sent, then cancelled, so that each convoy finds the 60 porters at home."""
        sent = books.append(send(sc, 100, on=on, units=units, from_="high-village",
                                 to="ridge-depot"), "council")
        assert books.entries()[-1].warnings == sent.warnings  # written, and kept with it
        books.append(entry("cancel", date=day(sc, on), corrects=sent.id, reason="try"), "c")
        return sent

    assert up(9, 60).warnings == ()  # the 10th: all 60 serve
    later = up(12, 30)
    assert said(later) == [("units", "the convoy's 30 units of porter are in service to "
                                     "2024-11-13 (its trip to ridge-depot, as the planner "
                                     "reckons it), but the service days registered for "
                                     "high-village's porter units hold 20 units then (the "
                                     "others' served to 2024-11-10)")]
    assert later.warnings[0].type == "service_over"
    assert up(12, 20).warnings == ()
    assert said(up(25, 5)) == [("units", "the convoy's 5 units of porter are in service to "
                                         "2024-11-26 (its trip to ridge-depot, as the "
                                         "planner reckons it), but the service days "
                                         "registered for high-village's porter units are "
                                         "over by then (the last registered served to "
                                         "2024-11-22)")]
    # Owned carriers serve no registered days (sent empty: warned of that alone).
    bikes = books.append(send(sc, 0, on=25, units=5, from_="river-village", to="bridge",
                              mode="bicycle"), "council")
    assert [w.type for w in bikes.warnings] == ["no_cargo"]


def test_a_convoy_whose_trip_lands_after_its_carriers_service_is_warned_of(
        books: Books) -> None:
    """Away from their home, the warning does not follow whose porters wait (the State
    does): those of every locality count. The 40 at the bridge serve to the 10th; a convoy
    leaving on the 10th over the gorge path lands on the 12th."""
    sc = SC
    _porters_at_bridge(books, sc, days=10)
    assert books.append(send(sc, 200, on=5, units=10, from_="bridge"), "council"
                        ).warnings == ()
    late = books.append(send(sc, 200, on=9, units=10, from_="bridge"), "council")
    books.append(entry("cancel", date=day(sc, 9), corrects=late.id, reason="try"), "c")
    assert said(late) == [("units", "the convoy's 10 units of porter are in service to "
                                    "2024-11-12 (its trip to kestrel-town, as the planner "
                                    "reckons it), but the service days registered for the "
                                    "porter units of every locality (this warning does "
                                    "not follow whose wait at bridge) are over by then (the "
                                    "last "
                                    "registered served to 2024-11-10)")]
    # Registered again in time: their service holds.
    books.append(entry("labour", date=day(sc, 9), locality="far-village", persons=10,
                       days=5, role="carrier", mode="porter"), "council")
    assert books.append(send(sc, 200, on=9, units=10, from_="bridge"), "council"
                        ).warnings == ()


def test_a_convoy_of_its_own_and_arrived_porters_leaving_a_village_is_written(
        tmp_path: Path) -> None:
    """A convoy leaving a village with more porters than the village registered, none of
    whose registrations had ended, was refused with a server error (the warning of service
    past its days named the day the others' ended, and there was none)."""
    from tests.ops.conftest import council_client

    books, client, council = council_client(tmp_path / "books.db")
    for data in (
        entry("labour", date="2024-11-01", locality="terrace-village", persons=10, days=20,
              role="carrier", mode="porter"),
        entry("labour", date="2024-11-01", locality="river-village", persons=6, days=20,
              role="carrier", mode="porter"),
        entry("dispatch", date="2024-11-01", from_="river-village", to="bridge",
              mode="porter", units=6, cargo_kg={}),
        entry("receipt", date="2024-11-01", dispatch=3),
        entry("dispatch", date="2024-11-01", from_="bridge", to="terrace-village",
              mode="porter", units=6, cargo_kg={}),
        entry("receipt", date="2024-11-01", dispatch=5),
    ):
        assert client.post("/api/entries", json=data, headers=council).status_code == 201
    got = client.post("/api/entries", headers=council, json=entry(
        "dispatch", date="2024-11-02", from_="terrace-village", to="bridge", mode="porter",
        units=16, cargo_kg={"rice": 0}))
    assert got.status_code == 201, got.text
    assert [w["type"] for w in got.json()["warnings"]] == ["no_cargo"]
    books.close()


def test_a_convoy_beyond_the_carriers_registered_anywhere_is_said_so(books: Books) -> None:
    """More units than every locality's registrations hold, none of them over: the warning
    says how many they hold (it named the day the others' ended, and there was none)."""
    from supplyline.ops.entries import parse_entry, sent_past_service

    labour = parse_entry(entry("labour", date=day(SC, 0), locality="far-village",
                               persons=10, days=20, role="carrier", mode="porter"))
    convoy = parse_entry(send(SC, 200, on=1, units=16, from_="bridge"))
    got = sent_past_service(convoy, [labour], None, books.index)  # type: ignore[arg-type]
    assert got is not None and got.message.endswith(
        "whose wait at bridge) hold 10 units then, all registered by 2024-11-02")
