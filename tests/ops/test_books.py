"""The ledger: append-only entries checked against the scenario and the balances, refused
with the field and nothing written, corrections as new entries; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, inspect, select

import supplyline as sl
from supplyline.ops import Books, BooksError, EntryError, open_books
from supplyline.ops.db import shown_url
from tests.ops.conftest import day, entry


@contextmanager
def migrated(url: str, revision: str, down: bool = False
             ) -> Iterator[tuple[Engine, Connection]]:
    """The books at ``url`` migrated up (``down``: down) to ``revision``: the engine, and a
    connection on it whose work is committed when the block ends; the engine's pool is
    emptied after it (the engine stays usable)."""
    from alembic import command
    from alembic.config import Config

    from supplyline.ops.db import _engine, _migrations, database_url

    engine = _engine(database_url(url))
    config = Config()
    config.set_main_option("script_location", _migrations())
    try:
        with engine.connect() as conn:
            config.attributes["connection"] = conn
            (command.downgrade if down else command.upgrade)(config, revision)
            yield engine, conn
            conn.commit()
    finally:
        engine.dispose()


def refused(books: Books, data: dict[str, Any] | list[dict[str, Any]], field: str,
            says: str = "", status: int = 422) -> EntryError:
    """``data`` is refused at ``field`` and nothing is written."""
    before = books.count(), books.balances()
    with pytest.raises(EntryError) as caught:
        if isinstance(data, list):
            books.append_many(data, "clerk")
        else:
            books.append(data, "clerk")
    assert caught.value.field == field, caught.value
    assert says in caught.value.message
    assert caught.value.status == status
    assert (books.count(), books.balances()) == before
    return caught.value


def give(books: Books, sc: sl.Scenario, kg: float, at: str = "ridge-depot", on: int = 0,
         locality: str = "high-village") -> int:
    return books.append(entry("contribution", date=day(sc, on), locality=locality,
                              good="rice", kg=kg, at=at), "commune").id


def porters(books: Books, sc: sl.Scenario, persons: int, on: int = 0) -> None:
    books.append(entry("labour", date=day(sc, on), locality="high-village", persons=persons,
                       days=10, role="carrier", mode="porter"), "commune")


def send(sc: sl.Scenario, kg: float, on: int = 1, units: float = 10,
         from_: str = "ridge-depot", to: str = "kestrel-town",
         mode: str = "porter") -> dict[str, Any]:
    return entry("dispatch", date=day(sc, on), from_=from_, to=to, mode=mode, units=units,
                 cargo_kg={"rice": kg})


def test_entries_are_written_with_who_and_when(books: Books, tutorial: sl.Scenario) -> None:
    before = dt.datetime.now(dt.UTC)
    first = give(books, tutorial, 1000)
    (r,) = books.entries()
    assert (r.id, r.kind, r.place, r.author, r.corrects) == (first, "contribution",
                                                             "high-village", "commune", None)
    assert before - dt.timedelta(seconds=1) <= r.written_at <= dt.datetime.now(dt.UTC)
    assert books.balances()[("ridge-depot", "rice")] == 1000


def test_dispatch_beyond_what_the_place_holds_is_refused(books: Books,
                                                         tutorial: sl.Scenario) -> None:
    give(books, tutorial, 1000)
    give(books, tutorial, 300, on=2)
    porters(books, tutorial, 100)
    walk = books.append(send(tutorial, 0, on=0, units=100, from_="high-village",
                             to="ridge-depot"), "clerk").id
    books.append(entry("receipt", date=day(tutorial, 0), dispatch=walk), "depot")
    error = refused(books, send(tutorial, 1200, on=1, units=60), "cargo_kg.rice",
                    "holds 1,000.0 kg")
    assert "ridge-depot" in error.message and "2024-11-02" in error.message
    # On day 2 the depot holds 1,300 kg.
    books.append(send(tutorial, 1200, on=2, units=60), "depot")
    # Sending 200 on day 1 would leave day 2's dispatch short.
    refused(books, send(tutorial, 200, on=1, units=10), "cargo_kg.rice", "would leave -100")
    assert books.balances()[("ridge-depot", "rice")] == pytest.approx(100)


def test_units_must_be_waiting_there(books: Books, tutorial: sl.Scenario) -> None:
    give(books, tutorial, 1000)
    refused(books, send(tutorial, 100, units=5), "units", "0 units of porter")


def test_every_good_and_mode_an_entry_leaves_short_is_said_at_once(
        books: Books, tutorial: sl.Scenario) -> None:
    """The balance check stopped at the first good or mode short: the clerk sent the entry
    again for each."""
    error = refused(books, send(tutorial, 100, units=5), "cargo_kg.rice")
    assert error.problems == [
        ("cargo_kg.rice", "ridge-depot holds 0.0 kg of rice on 2024-11-02; this entry would "
                          "leave -100.0"),
        # (carriers counted whole, as units are: "0.0 units", "-5.0" had been said)
        ("units", "ridge-depot holds 0 units of porter waiting on 2024-11-02; this entry "
                  "would leave -5 units")]
    # Owned carriers beyond those owned, and the rice: both said.
    error = refused(books, send(tutorial, 100, units=41, from_="river-village", to="bridge",
                                mode="bicycle"), "units", "40 more it owns")
    assert [field for field, _message in error.problems] == ["units", "cargo_kg.rice"]
    # One of them: "1 unit", not "1 units".
    refused(books, send(tutorial, 200, units=1, from_="river-village", to="bridge",
                        mode="bicycle"), "cargo_kg", "expected at most 120 kg (1 unit × 120 kg)")


def test_owned_carriers_go_into_service_up_to_those_owned(books: Books,
                                                          tutorial: sl.Scenario) -> None:
    give(books, tutorial, 5000, at="river-village", locality="river-village")
    books.append(send(tutorial, 2400, units=25, from_="river-village", to="bridge",
                      mode="bicycle"), "clerk")
    held = books.balances()
    assert held[("river-village", "service:bicycle")] == 25
    assert held[("river-village", "unit:bicycle")] == 0
    refused(books, send(tutorial, 100, units=16, from_="river-village", to="bridge",
                        mode="bicycle"), "units", "15 more it owns")


def test_a_convoy_of_owned_carriers_is_corrected_with_its_own_units_back(
        books: Books, tutorial: sl.Scenario) -> None:
    """Correcting only the cargo of 30 of river-village's 40 bicycles was refused: "at most
    0 units ... with 10 more it owns", as if the convoy corrected still held its 30."""
    give(books, tutorial, 5000, at="river-village", locality="river-village")
    first = books.append(send(tutorial, 2400, units=30, from_="river-village", to="bridge",
                              mode="bicycle"), "clerk").id
    second = books.append(send(tutorial, 2300, units=30, from_="river-village", to="bridge",
                               mode="bicycle") | {"corrects": first}, "clerk").id
    held = books.balances()
    assert held[("river-village", "service:bicycle")] == 30
    assert held[("river-village", "unit:bicycle")] == 0
    assert held[("river-village", "rice")] == 5000 - 2300
    # More than it owns, with the corrected convoy's units back, is still refused.
    refused(books, send(tutorial, 2300, units=41, from_="river-village", to="bridge",
                        mode="bicycle") | {"corrects": second}, "units", "40 more it owns")


def test_receipts_account_for_every_kg_of_a_convoy_that_was_sent(
        books: Books, tutorial: sl.Scenario) -> None:
    give(books, tutorial, 1000)
    porters(books, tutorial, 20)
    moved = books.append(send(tutorial, 0, from_="high-village", to="ridge-depot", units=20),
                         "clerk").id
    books.append(entry("receipt", date=day(tutorial, 1), dispatch=moved), "depot")
    convoy = books.append(send(tutorial, 400, units=20), "depot").id
    refused(books, entry("receipt", date=day(tutorial, 2), dispatch=999,
                         received_kg={"rice": 400}), "dispatch", "no convoy was sent")
    refused(books, entry("receipt", date=day(tutorial, 2), dispatch=convoy,
                         received_kg={"rice": 350}), "received_kg.rice", "400.0 kg of rice")
    refused(books, entry("receipt", date=day(tutorial, 0), dispatch=convoy,
                         received_kg={"rice": 400}), "date", "on or after")
    books.append(entry("receipt", date=day(tutorial, 2), dispatch=convoy,
                       received_kg={"rice": 350},
                       losses=[{"good": "rice", "kg": 50, "reason": "strike"}]), "front")
    held = books.balances()
    assert held[("kestrel-town", "rice")] == 350
    assert held[("kestrel-town", "unit:porter")] == 20
    assert books.entries(kind="receipt")[-1].place == "kestrel-town"
    refused(books, entry("receipt", date=day(tutorial, 2), dispatch=convoy,
                         received_kg={"rice": 400}), "dispatch", "already", 409)


def test_corrections_replace_what_they_correct(books: Books, tutorial: sl.Scenario) -> None:
    first = give(books, tutorial, 1000)
    second = books.append(entry("contribution", date=day(tutorial, 0), locality="high-village",
                                good="rice", kg=800, at="ridge-depot", corrects=first),
                          "council").id
    assert books.balances()[("ridge-depot", "rice")] == 800
    refused(books, entry("contribution", date=day(tutorial, 0), locality="high-village",
                         good="rice", kg=10, at="ridge-depot", corrects=first),
            "corrects", f"already corrected by entry {second}", 409)
    # A correction of the correction stands alone: 600, not 1000 - 800 + 600.
    books.append(entry("contribution", date=day(tutorial, 0), locality="high-village",
                       good="rice", kg=600, at="ridge-depot", corrects=second), "council")
    assert books.balances()[("ridge-depot", "rice")] == 600
    assert [r.entry.kg for r in books.entries(effective=True)] == [600]  # type: ignore[union-attr]
    assert len(books.entries()) == 3  # nothing updated or deleted
    refused(books, entry("pledge", date=day(tutorial, 0), locality="high-village",
                         good="rice", kg=10, by=day(tutorial, 3), corrects=first),
            "corrects", "of kind 'pledge'")


def test_a_corrected_date_moves_the_books_today_no_more(books: Books,
                                                        tutorial: sl.Scenario) -> None:
    """A contribution mistyped 26 days ahead made every form, the overview and the re-plan
    start from the 27th, and correcting its date did not bring them back."""
    from supplyline.ops.overview import Views

    give(books, tutorial, 1000, on=2)
    typo = give(books, tutorial, 500, on=28)
    assert Views(books).today() == tutorial.start_date + dt.timedelta(days=29)
    books.append(entry("contribution", date=day(tutorial, 2), locality="high-village",
                       good="rice", kg=500, at="ridge-depot", corrects=typo), "council")
    assert Views(books).today() == tutorial.start_date + dt.timedelta(days=3)


def test_a_correction_may_not_leave_less_than_nothing(books: Books,
                                                      tutorial: sl.Scenario) -> None:
    first = give(books, tutorial, 1000)
    porters(books, tutorial, 40)
    books.append(send(tutorial, 0, units=40, on=0, from_="high-village", to="ridge-depot"),
                 "clerk")
    books.append(entry("receipt", date=day(tutorial, 1), dispatch=3), "depot")
    books.append(send(tutorial, 900, units=40, on=2), "depot")
    refused(books, entry("contribution", date=day(tutorial, 0), locality="high-village",
                         good="rice", kg=500, at="ridge-depot", corrects=first),
            "kg", "would leave -400.0")


def test_a_labour_entry_corrected_below_the_carriers_sent_is_refused_at_persons(
        books: Books, tutorial: sl.Scenario) -> None:
    """It was refused at `corrects`, the one field such a correction gets right."""
    registered = books.append(entry("labour", date=day(tutorial, 0), locality="high-village",
                                    persons=40, days=10, role="carrier", mode="porter"),
                              "commune").id
    books.append(send(tutorial, 0, units=30, on=0, from_="high-village", to="ridge-depot"),
                 "clerk")
    refused(books, entry("labour", date=day(tutorial, 0), locality="high-village",
                         persons=20, days=10, role="carrier", mode="porter",
                         corrects=registered), "persons", "this entry would leave -10 units")


def test_a_received_convoy_is_corrected_once_its_receipt_is_cancelled(
        books: Books, tutorial: sl.Scenario) -> None:
    """A convoy's cargo found wrong after it was received: the refusal said "correct the
    receipt instead", but a receipt adds up to the cargo the convoy carried and has no field
    for it, so the correction it led to was refused too. It says what a cancellation is
    told: cancel the receipt first; then the convoy is corrected."""
    give(books, tutorial, 2200, at="high-village")
    porters(books, tutorial, 100)
    sent = books.append(send(tutorial, 2200, on=0, units=88, from_="high-village",
                             to="ridge-depot"), "clerk").id
    got = books.append(entry("receipt", date=day(tutorial, 1), dispatch=sent,
                             received_kg={"rice": 2200}), "depot").id
    truth = send(tutorial, 2100, on=0, units=88, from_="high-village", to="ridge-depot")
    refused(books, truth | {"corrects": sent}, "corrects",
            f"convoy {sent} was received (entry {got}, in the books of ridge-depot); cancel "
            f"that receipt first (a depot clerk of ridge-depot or the council may)", 409)
    # The receipt corrected instead: refused, for it must add up to the cargo.
    refused(books, entry("receipt", date=day(tutorial, 1), dispatch=sent, corrects=got,
                         received_kg={"rice": 1900},
                         losses=[{"good": "rice", "kg": 200, "reason": "raid"}]),
            "received_kg.rice", "add up to the 2,200.0 kg of rice the convoy carried")
    # As the refusal says: the receipt cancelled, the convoy corrected, received again.
    books.append(entry("cancel", date=day(tutorial, 1), corrects=got, reason="cargo wrong"),
                 "depot")
    books.append(truth | {"corrects": sent}, "clerk")
    books.append(entry("receipt", date=day(tutorial, 1), dispatch=sent,
                       received_kg={"rice": 2100}), "depot")
    assert books.balances()[("ridge-depot", "rice")] == pytest.approx(2100)
    assert books.balances()[("high-village", "rice")] == pytest.approx(100)


@pytest.mark.parametrize(("data", "field", "says"), [
    (entry("pledge", date="2024-11-02", locality="nowhere", good="rice", kg=1,
           by="2024-11-05"), "locality", "expected a locality"),
    (entry("pledge", date="2024-11-02", locality="high-village", good="wounded", kg=1,
           by="2024-11-05"), "good", "a good counted in kg"),
    (entry("pledge", date="2024-11-02", locality="high-village", good="rice", kg=1,
           by="2024-11-01"), "by", "on or after"),
    (entry("contribution", date="2024-12-25", locality="high-village", good="rice", kg=1,
           at="ridge-depot"), "date", "horizon"),
    (entry("contribution", date="2024-11-02", locality="high-village", good="rice", kg=-1,
           at="ridge-depot"), "kg", "greater than 0"),
    (entry("contribution", date="2024-11-02", locality="high-village", good="rice", kg=1,
           at="far-village"), "at", "the locality itself"),
    (entry("labour", date="2024-11-02", locality="high-village", persons=3, days=2,
           role="carrier"), "mode", "carriers' mode"),
    (entry("labour", date="2024-11-02", locality="high-village", persons=3, days=2,
           role="carrier", mode="bicycle"), "mode", "from labour"),
    (entry("labour", date="2024-11-02", locality="high-village", persons=3, days=2,
           role="cook"), "role", "carrier"),
    (entry("dispatch", date="2024-11-02", from_="high-village", to="kestrel-town",
           mode="porter", units=1), "to", "joined to 'high-village'"),
    (entry("dispatch", date="2024-11-02", from_="ridge-depot", to="kestrel-town",
           mode="porter", units=1, cargo_kg={"rice": 26}), "cargo_kg", "at most 25 kg"),
    (entry("wounded", date="2024-11-02", front="ridge-depot", hospital="district-hospital",
           persons=2), "front", "a front"),
    (entry("route", date="2024-11-02", route="ridge-road", status="strike"),
     "capacity_lost", "share of capacity"),
    (entry("route", date="2024-11-02", route="ridge-road", status="closed",
           capacity_lost=0.5), "capacity_lost", "expected none"),
    (entry("route", date="2024-11-02", route="nowhere", status="closed"), "route",
     "a route id"),
    (entry("receipt", date="2024-11-02", dispatch=1, surprise=1), "surprise",
     "expected a known field, got unknown field 'surprise'"),
    (entry("dispatch", date="2024-11-02", from_="ridge-depot", to="kestrel-town",
           mode="porter", units=True), "units", "expected a number, got true"),
    (entry("contribution", date="2024-11-02", locality="high-village", good="rice", kg=True,
           at="ridge-depot"), "kg", "expected a number, got true"),
])
def test_bad_entries_name_the_field(books: Books, data: dict[str, Any], field: str,
                                    says: str) -> None:
    refused(books, data, field, says)


def test_a_batch_is_written_whole_or_not_at_all(books: Books, tutorial: sl.Scenario) -> None:
    good = entry("contribution", date=day(tutorial, 0), locality="high-village", good="rice",
                 kg=5, at="ridge-depot")
    refused(books, [good, good, send(tutorial, 100)], "2.cargo_kg.rice")
    assert len(books.append_many([good, good], "clerk")) == 2
    assert books.count() == 2
    assert books.balances()[("ridge-depot", "rice")] == 10


def test_books_are_migrated_kept_and_bound_to_their_scenario(url: str,
                                                             tutorial: sl.Scenario) -> None:
    first = open_books(url, tutorial)
    give(first, tutorial, 7)
    first.close()
    again = open_books(url, tutorial)
    assert again.count() == 1
    names = set(inspect(again.engine).get_table_names())
    assert {"alembic_version", "entry", "movement", "daily", "account", "token",
            "plan", "request"} <= names
    again.close()
    with pytest.raises(BooksError) as caught:
        open_books(url, tutorial.model_copy(update={"name": "other"}))
    # (where the books are said: the command says it at what named the scenario)
    assert str(caught.value) == (f"expected the scenario the books at {shown_url(url)} are "
                                 f"kept for, 'tutorial', got 'other'")


def test_books_refuse_a_scenario_without_the_ids_their_entries_name(
        url: str, tutorial: sl.Scenario) -> None:
    """A scenario of the same name that renamed a place, a mode or a good the entries name
    cannot read the books back: opening them says which, before a re-plan or a page fails
    on the first entry that names one (it had: a KeyError, and HTTP 500)."""
    import re
    from importlib.resources import files

    from supplyline.scenario.load import load_text

    text = (files("supplyline") / "scenario" / "builtin" / "tutorial.yaml").read_text()
    books = open_books(url, tutorial)
    give(books, tutorial, 700)
    porters(books, tutorial, 20)
    books.append(send(tutorial, 0, on=0, units=20, from_="high-village", to="ridge-depot"),
                 "clerk")
    books.close()
    for old, new, says in (("ridge-depot", "ridge-camp", "no place 'ridge-depot'"),
                           ("porter", "bearer", "no mode 'porter'"),
                           ("rice", "paddy", "no good 'rice'")):
        renamed = load_text(re.sub(rf"\b{old}\b", new, text), "renamed.yaml")
        with pytest.raises(BooksError, match=says) as caught:
            open_books(url, renamed)
        assert "expected a scenario with every id the books' entries name" in str(
            caught.value)
    again = open_books(url, tutorial)  # with its own scenario, they open as before
    assert again.count() == 3
    again.close()


def test_a_renamed_copy_is_said_with_the_scenario_the_books_were_kept_with(
        tmp_path: Path, tutorial: sl.Scenario) -> None:
    """An edited copy of the tutorial (renamed.yaml, its scenario still named 'tutorial')
    without the place the entries name was refused with "open the books at ... with the
    scenario they were kept with", naming neither the copy nor that scenario: the source
    kept was compared with the copy's scenario name. Both are said, as of a copy whose
    horizon leaves entries out."""
    from importlib.resources import files

    from supplyline.scenario.load import load_text

    text = (files("supplyline") / "scenario" / "builtin" / "tutorial.yaml").read_text()
    books = open_books(tmp_path / "books.db", tutorial, "tutorial")
    give(books, tutorial, 700)
    books.close()
    renamed = load_text(text.replace("ridge-depot", "ridge-camp"), "renamed.yaml")
    with pytest.raises(BooksError) as caught:
        open_books(tmp_path / "books.db", renamed, "renamed.yaml")
    said = str(caught.value)
    assert "got scenario 'tutorial' (renamed.yaml), which has no place 'ridge-depot'" in said
    assert said.endswith("with the scenario they were kept with (tutorial)")


def short_copy(end: str = "2024-11-08", start: str = "2024-11-01") -> sl.Scenario:
    """The tutorial's text with another horizon (its demand's steps and reserve inside it)."""
    from importlib.resources import files

    from supplyline.scenario.load import load_text

    text = (files("supplyline") / "scenario" / "builtin" / "tutorial.yaml").read_text()
    text = (text.replace("end_date: 2024-11-30", f"end_date: {end}")
            .replace("start_date: 2024-11-01", f"start_date: {start}")
            .replace("      - {start: 2024-11-10, value: 4500}\n", "")
            .replace("by: 2024-11-20}", f"by: {end}}}"))
    return load_text(text, "short.yaml")


def test_books_refuse_a_scenario_whose_horizon_leaves_entries_out(
        url: str, tutorial: sl.Scenario) -> None:
    """A copy of the scenario ending on 8 Nov opened books with entries to 12 Nov: a re-plan
    from 7 Nov was refused as if a day after 12 Nov could be asked, and the dashboard
    counted days the horizon does not have. Opening them says so, as of ids the copy
    lacks."""
    books = open_books(url, tutorial)
    give(books, tutorial, 700)
    books.append(entry("contribution", date="2024-11-12", locality="high-village",
                       good="rice", kg=5, at="high-village"), "clerk")
    cancelled = books.append(entry("contribution", date="2024-11-13", locality="high-village",
                                   good="rice", kg=5, at="high-village"), "clerk")
    books.append(entry("cancel", date="2024-11-13", corrects=cancelled.id, reason="twice"),
                 "clerk")
    books.close()
    with pytest.raises(BooksError) as caught:
        open_books(url, short_copy(), "short.yaml")
    assert str(caught.value) == (
        "expected a scenario whose horizon holds every entry's date, got scenario 'tutorial' "
        "(short.yaml), whose end_date (2024-11-08) is before 3 entries, the last dated "
        "2024-11-13 (edited since the entries were written?); open the books at "
        f"{shown_url(url)} with the scenario they were kept with (tutorial), or a copy whose "
        "horizon holds them")
    with pytest.raises(BooksError, match=r"whose start_date \(2024-11-02\) is after an entry "
                                         r"dated 2024-11-01 \(edited"):
        open_books(url, short_copy("2024-11-30", "2024-11-02"))
    again = open_books(url, short_copy("2024-11-13"))  # every entry inside: it opens
    assert again.count() == 4
    again.close()


def test_the_daily_sums_are_filled_from_books_kept_before_them(url: str,
                                                               tutorial: sl.Scenario) -> None:
    """Books at the first revision, upgraded: the daily sums are made from the movements
    (a correction's undoing in the books of the entry it undoes), and what convoys carried
    and lost from their entries."""
    from sqlalchemy import insert

    from supplyline.ops import tables as t
    from supplyline.ops.writing import now as _now

    day2 = dt.date(2024, 11, 2)

    def written(i: int, kind: str, place: str, corrects: int | None, **data: Any) -> Any:
        payload = {"kind": kind, "date": "2024-11-02", "note": "", "corrects": corrects,
                   **data}
        return {"id": i, "kind": kind, "date": day2, "place": place, "corrects": corrects,
                "payload": json.dumps(payload), "author": "a", "written_at": _now()}

    with migrated(url, "0001") as (_, conn):
        conn.execute(insert(t.entry), [
            written(1, "contribution", "high-village", None, locality="high-village",
                    good="rice", kg=100.0, at="ridge-depot"),
            written(2, "contribution", "river-village", 1, locality="river-village",
                    good="rice", kg=70.0, at="ridge-depot"),
            written(3, "dispatch", "ridge-depot", None, **{"from": "ridge-depot"},
                    to="kestrel-town", mode="porter", units=1.0, cargo_kg={"rice": 20.0}),
            written(4, "dispatch", "ridge-depot", 3, **{"from": "ridge-depot"},
                    to="kestrel-town", mode="porter", units=1.0, cargo_kg={"rice": 15.0}),
            written(5, "receipt", "kestrel-town", None, dispatch=3,
                    received_kg={"rice": 10.0},
                    losses=[{"good": "rice", "kg": 5.0, "reason": "raid"}])])
        conn.execute(insert(t.movement), [
            {"entry_id": e, "place": "ridge-depot", "item": "rice", "date": day2,
             "delta": x, "own": own}
            for e, x, own in ((1, 100.0, True), (2, -100.0, False), (2, 70.0, True),
                              (3, -20.0, True), (4, 20.0, False), (4, -15.0, True))])
    books = open_books(url, tutorial)
    with books.reading() as conn:
        rows = {(r.item, r.source, r.delta) for r in conn.execute(select(t.daily))}
    assert rows == {("rice", "high-village", 0.0), ("rice", "river-village", 70.0),
                    ("rice", "ridge-depot", -15.0),
                    ("sent:kestrel-town:porter:rice", "ridge-depot", 15.0),
                    ("lost:raid:rice", "kestrel-town", 5.0)}
    assert books.balances()[("ridge-depot", "rice")] == 55
    assert ("route", "ridge-road", day2, 15.0) in books.actual_by_day()
    books.close()


def test_what_was_lost_is_not_counted_twice_by_the_migration(url: str,
                                                             tutorial: sl.Scenario) -> None:
    """A receipt written at revision 0002 kept its losses already: 0003 adds none."""
    from supplyline.ops import tables as t

    with migrated(url, "0002") as (engine, conn):
        # Today's writer keeps each entry's warnings, a column of revision 0005: there for
        # the early writing, and taken away again before the books are migrated.
        conn.exec_driver_sql("ALTER TABLE entry ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]'")
    early = Books(engine, tutorial)  # the writing of revision 0002 (lost:, no sent:)
    give(early, tutorial, 100)
    porters(early, tutorial, 10)
    walk = early.append(send(tutorial, 0, on=0, units=10, from_="high-village",
                             to="ridge-depot"), "c").id
    early.append(entry("receipt", date=day(tutorial, 0), dispatch=walk), "c")
    convoy = early.append(send(tutorial, 50, units=10), "c").id
    early.append(entry("receipt", date=day(tutorial, 2), dispatch=convoy,
                       received_kg={"rice": 40},
                       losses=[{"good": "rice", "kg": 10, "reason": "raid"}]), "c")
    with early.writing() as conn:  # as 0002 wrote it: nothing sent
        conn.execute(t.movement.delete().where(t.movement.c.item.like("sent:%")))
        conn.execute(t.daily.delete().where(t.daily.c.item.like("sent:%")))
        conn.exec_driver_sql("ALTER TABLE entry DROP COLUMN warnings")
    engine.dispose()
    books = open_books(url, tutorial)
    held = books.balances()
    assert held[("kestrel-town", "lost:raid:rice")] == 10
    assert held[("ridge-depot", "sent:kestrel-town:porter:rice")] == 50
    assert held[("ridge-depot", "rice")] == 50
    books.close()


def test_entries_written_before_warnings_were_kept_say_none(url: str,
                                                          tutorial: sl.Scenario) -> None:
    """Books of revision 0004 migrated to 0005: their entries read back without warnings."""
    from sqlalchemy import insert

    from supplyline.ops import tables as t
    from supplyline.ops.writing import now as _now

    payload = {"kind": "pledge", "date": "2024-11-02", "note": "", "corrects": None,
               "locality": "high-village", "good": "rice", "kg": 500_000.0,
               "by": "2024-11-03"}
    with migrated(url, "0004") as (_, conn):
        conn.execute(insert(t.entry).values(
            id=1, kind="pledge", date=dt.date(2024, 11, 2), place="high-village",
            payload=json.dumps(payload), author="a", written_at=_now()))
    books = open_books(url, tutorial)
    (old,) = books.entries()
    assert (old.id, old.kind, old.warnings) == (1, "pledge", ())
    books.close()


def test_the_warnings_column_is_taken_away_again_by_a_downgrade(url: str,
                                                               tutorial: sl.Scenario) -> None:
    """Revision 0005 undone on books that hold entries and their movements (on SQLite a copy
    of the table would break the movements' foreign keys), and done again: the entries
    stand, without the warnings they were written with."""
    books = open_books(url, tutorial)
    warned = books.append(entry("contribution", date=day(tutorial, 1), locality="high-village",
                                good="rice", kg=500_000, at="ridge-depot"), "c")
    assert warned.warnings != ()
    books.close()
    with migrated(url, "0004", down=True) as (_, conn):
        assert "warnings" not in {c["name"] for c in inspect(conn).get_columns("entry")}
    books = open_books(url, tutorial)
    (again,) = books.entries()
    assert (again.id, again.warnings) == (warned.id, ())
    assert books.balances()[("ridge-depot", "rice")] == 500_000
    books.close()


def test_a_convoy_names_its_route_where_several_join_its_ends(tmp_path: Path,
                                                              tutorial: sl.Scenario) -> None:
    """A second, longer track beside the ridge road: a convoy must say which it takes; its
    tonnes count on that route, and it arrives when a trip over it ends."""
    from supplyline.network import compile_network
    from supplyline.ops.replan import recorded_state
    from supplyline.scenario.schema import Route

    track = Route.model_validate({"id": "ridge-track", "from": "ridge-depot",
                                  "to": "kestrel-town", "length_km": 30, "modes": ["porter"]})
    sc = tutorial.model_copy(update={"routes": [*tutorial.routes, track]})
    books = open_books(tmp_path / "books.db", sc)
    give(books, sc, 1000)
    porters(books, sc, 40)
    walk = books.append(send(sc, 0, on=0, units=40, from_="high-village", to="ridge-depot"),
                        "c").id
    books.append(entry("receipt", date=day(sc, 0), dispatch=walk), "c")
    refused(books, send(sc, 250), "route", "ridge-road, ridge-track join")
    refused(books, send(sc, 250) | {"route": "gorge-path"}, "route",
            "expected a route from 'ridge-depot' to 'kestrel-town'")
    books.append(send(sc, 250) | {"route": "ridge-track"}, "c")
    books.append(send(sc, 100, units=4) | {"route": "ridge-road"}, "c")
    sent = {(what, name): kg for what, name, _d, kg in books.actual_by_day()
            if what == "route"}
    assert sent == {("route", "ridge-track"): 250, ("route", "ridge-road"): 100}
    # 30 km at 20 km a day: 1.5 days from day 1 (the road: 14 x 1.4 / 20 = 0.98 days).
    state = recorded_state(books, compile_network(sc), sc.start_date + dt.timedelta(days=2))
    assert sorted(state.transit.arrive_in_days.tolist()) == pytest.approx([0.0, 0.5])
    books.close()


def test_a_front_eats_its_demand_from_what_it_holds(books: Books,
                                                    tutorial: sl.Scenario) -> None:
    """Kestrel town eats 3,000 people x 0.5 kg a day from day 2 on: what it holds is what
    it received less what it ate, and it never eats more than it holds."""
    for on, kg in ((0, 5000), (7, 1000)):
        books.append(entry("contribution", date=day(tutorial, on), locality="high-village",
                           good="rice", kg=kg, at="kestrel-town"), "council")

    def before(on: int) -> dt.date:
        return tutorial.start_date + dt.timedelta(days=on)

    ate = [books.eaten(before(on)).get(("kestrel-town", "rice"), 0.0) for on in range(10)]
    # 1,500 kg a day from day 2 until the 5,000 kg are eaten (500 kg on day 5); nothing on
    # day 6; the 1,000 kg of day 7 eaten that day.
    assert ate == [0, 0, 0, 1500, 3000, 4500, 5000, 5000, 6000, 6000]
    assert books.on_hand(before(4))[("kestrel-town", "rice")] == 5000 - 3000
    # The overview's day counts its own entries, and what was eaten before it.
    assert books.on_hand(before(8), eaten_before=before(7))[("kestrel-town", "rice")] == 1000
    assert books.balances()[("kestrel-town", "rice")] == 6000  # the movements themselves


def test_a_front_cannot_send_away_what_it_has_eaten(books: Books,
                                                   tutorial: sl.Scenario) -> None:
    """The check on a dispatch counts what the front ate, as the overview and the re-plan
    do: 5,000 kg at Kestrel town on day 0 are eaten by day 5 (1,500 kg a day from day 2)."""
    give(books, tutorial, 5000, at="kestrel-town")
    porters(books, tutorial, 20)
    for a, b, on in (("high-village", "ridge-depot", 0), ("ridge-depot", "kestrel-town", 1)):
        sent = books.append(send(tutorial, 0, on=on, units=20, from_=a, to=b), "clerk")
        books.append(entry("receipt", date=day(tutorial, on + 1), dispatch=sent.id), "clerk")
    back = {"from_": "kestrel-town", "to": "ridge-depot"}
    books.append(send(tutorial, 200, on=3, **back), "clerk")  # 3,500 kg are still there
    refused(books, send(tutorial, 200, on=6, **back), "cargo_kg.rice",
            "kestrel-town holds 0.0 kg of rice on 2024-11-07")
    # On its own day a dispatch goes before the day's eating: on day 5 the town holds
    # 300 kg until it eats them (docs/operate.md, the State).
    books.append(send(tutorial, 250, on=5, units=10, **back), "clerk")


def test_the_time_an_entry_was_written_is_said_in_utc() -> None:
    """A server may hand the time back in its own zone: it is said in UTC."""
    from types import SimpleNamespace

    from supplyline.ops.writing import recorded as _recorded

    pledge = entry("pledge", date="2024-11-02", locality="high-village", good="rice", kg=1,
                   by="2024-11-03")
    row = SimpleNamespace(id=1, kind="pledge", date=dt.date(2024, 11, 2),
                          place="high-village", payload=json.dumps(pledge), corrects=None,
                          author="clerk", warnings="[]", written_at=dt.datetime(
                              2024, 11, 2, 13, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))))
    assert _recorded(row).to_json()["written_at"] == "2024-11-02T06:00:00+00:00"


def test_the_time_a_plan_was_kept_is_said_in_utc(books: Books, tutorial: sl.Scenario) -> None:
    """`/api/plans` gave it without a zone (SQLite hands it back naive)."""
    from supplyline.ops.replan import figures_of

    books.save_plan(figures_of(sl.plan(tutorial, days=3)), "council")
    (kept,) = books.plans()
    written = dt.datetime.fromisoformat(kept["written_at"])
    assert written.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.UTC) - written) < dt.timedelta(minutes=5)


def test_each_item_of_the_books_reads_back_as_written() -> None:
    """One grammar for what a movement counts (supplyline.ops.tables): each writer's text
    reads back to the ids it was written with; a sent item of books written before routes
    were named reads with no route."""
    from supplyline.ops.tables import (
        Item,
        kg_lost,
        kg_sent,
        read_item,
        units_lost,
        units_serving,
        units_waiting,
    )

    assert read_item("rice") == Item("good", good="rice")
    assert read_item(units_waiting("porter")) == Item("unit", mode="porter")
    assert read_item(units_serving("truck")) == Item("service", mode="truck")
    assert read_item(kg_lost("air", "salt")) == Item("lost", reason="air", good="salt")
    assert read_item(units_lost("raid", "truck")) == Item("unitlost", reason="raid",
                                                          mode="truck")
    assert read_item(kg_sent("front", "truck", "rice", "r-41")) == Item(
        "sent", to="front", mode="truck", good="rice", route="r-41")
    assert read_item("sent:front:truck:rice") == Item("sent", to="front", mode="truck",
                                                      good="rice")
    with pytest.raises(ValueError, match="an item of the books"):
        read_item("owed:porter")


def test_a_field_refused_does_not_hide_what_the_scenario_says(books: Books) -> None:
    """An entry written through the library: its negative kg and its unknown locality and
    good are said at once (the scenario's checks ran only once every field validated)."""
    data = entry("contribution", date="2024-11-03", locality="nowhere", good="gold", kg=-1,
                 at="ridge-depot")
    with pytest.raises(EntryError) as caught:
        books.append(data, "council")
    assert [field for field, _message in caught.value.problems] == [
        "kg", "locality", "good"]


def test_a_pledge_s_by_is_not_judged_against_a_date_refused(books: Books) -> None:
    """A date outside the horizon was refused, and its by judged against it all the same
    ("expected a day on or after the pledge's date 2024-12-03"): a field that hangs on
    another found wrong is not judged. Against a date that stands, it is."""
    pledge = entry("pledge", locality="high-village", good="rice", kg=5)
    with pytest.raises(EntryError) as caught:
        books.append({**pledge, "date": "2024-12-03", "by": "2024-11-10"}, "council")
    assert [field for field, _message in caught.value.problems] == ["date"]
    with pytest.raises(EntryError) as caught:
        books.append({**pledge, "date": "2024-11-12", "by": "2024-11-10"}, "council")
    assert caught.value.problems == [
        ("by", "expected a day on or after the pledge's date 2024-11-12, got 2024-11-10")]


def test_every_problem_of_a_receipt_is_said_at_once(books: Books,
                                                    tutorial: sl.Scenario) -> None:
    """A receipt dated before its convoy left, whose kg do not add up and that loses more
    units than the convoy took was refused at its date only: the clerk heard of the next
    problem after fixing the first."""
    give(books, tutorial, 1000, at="high-village", on=1)
    porters(books, tutorial, 20)
    convoy = books.append(send(tutorial, 400, on=1, units=20, from_="high-village",
                               to="ridge-depot"), "clerk").id
    caught = refused(books, entry("receipt", date=day(tutorial, 0), dispatch=convoy,
                                  received_kg={"rice": 300},
                                  units_lost=[{"units": 15, "reason": "strike"},
                                              {"units": 10, "reason": "raid"}]), "date")
    assert [field for field, _message in caught.problems] == [
        "date", "received_kg.rice", "units_lost.1.units"]


def test_a_negative_kg_of_one_good_does_not_hide_an_unknown_good(books: Books) -> None:
    """``cargo_kg: {"rice": -3, "salt": 2}`` was refused at rice alone: the whole of
    cargo_kg went unjudged once one of its goods was refused."""
    data = entry("dispatch", date="2024-11-02", from_="high-village", to="ridge-depot",
                 mode="porter", units=1, cargo_kg={"rice": -3, "salt": 2})
    with pytest.raises(EntryError) as caught:
        books.append(data, "council")
    assert caught.value.problems == [
        ("cargo_kg.rice", "expected a number of at least 0, got -3"),
        ("cargo_kg.salt", "expected a good counted in kg (rice), got 'salt'")]
