"""Cancelling an entry written by mistake: an entry of kind ``cancel`` naming it, a
correction that puts nothing in its place. A cancelled entry counts nowhere the books are
read; what others depend on is refused at ``corrects``, saying what to cancel first; on
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import supplyline as sl
from supplyline.ops import Books, EntryError
from supplyline.ops.entries import closed_spans
from supplyline.ops.overview import Views, state_json
from supplyline.ops.replan import plan_vs_actual, recorded_state, replan, route_reports
from tests.ops.conftest import day, entry
from tests.ops.test_books import give, porters, refused, send

SC = sl.load("tutorial")
AS_OF = SC.start_date + dt.timedelta(days=6)


def cancel(corrects: int, on: int = 5, reason: str = "written by mistake") -> dict[str, Any]:
    return entry("cancel", date=day(SC, on), corrects=corrects, reason=reason)


def seed(books: Books) -> None:
    """Rice at the ridge depot, porters there, a convoy received at the front and one on
    the way (entry 7), a pledge, wounded brought in."""
    books.append_many([
        entry("contribution", date=day(SC, 0), locality="far-village", good="rice", kg=5000,
              at="ridge-depot"),
        entry("labour", date=day(SC, 0), locality="high-village", persons=40, days=20,
              role="carrier", mode="porter"),
        entry("dispatch", date=day(SC, 0), from_="high-village", to="ridge-depot",
              mode="porter", units=40),
        entry("receipt", date=day(SC, 0), dispatch=3),
        entry("dispatch", date=day(SC, 1), from_="ridge-depot", to="kestrel-town",
              mode="porter", units=10, cargo_kg={"rice": 250}),
        entry("receipt", date=day(SC, 2), dispatch=5, received_kg={"rice": 240},
              losses=[{"good": "rice", "kg": 10, "reason": "raid"}]),
        entry("dispatch", date=day(SC, 3), from_="ridge-depot", to="kestrel-town",
              mode="porter", units=4, cargo_kg={"rice": 100}),
        entry("pledge", date=day(SC, 0), locality="high-village", good="rice", kg=100,
              by=day(SC, 10)),
        entry("wounded", date=day(SC, 2), front="kestrel-town",
              hospital="district-hospital", persons=3),
    ], "council")


#: An entry of each kind that changes what the books show, written and then cancelled.
EXTRA = {
    "pledge": entry("pledge", date=day(SC, 1), locality="high-village", good="rice", kg=300,
                    by=day(SC, 4)),
    "contribution": entry("contribution", date=day(SC, 3), locality="high-village",
                          good="rice", kg=700, at="ridge-depot"),
    "labour": entry("labour", date=day(SC, 2), locality="terrace-village", persons=10,
                    days=8, role="carrier", mode="porter"),
    "dispatch": entry("dispatch", date=day(SC, 4), from_="ridge-depot", to="kestrel-town",
                      mode="porter", units=5, cargo_kg={"rice": 120}),
    "receipt": entry("receipt", date=day(SC, 4), dispatch=7, received_kg={"rice": 95},
                     losses=[{"good": "rice", "kg": 5, "reason": "spoilage"}],
                     units_lost=[{"units": 1, "reason": "illness"}]),
    "wounded": entry("wounded", date=day(SC, 3), front="kestrel-town",
                     hospital="district-hospital", persons=4),
    "route": entry("route", date=day(SC, 2), route="ridge-road", status="closed"),
}


def _tidy(values: dict[Any, float]) -> dict[Any, float]:
    return {k: round(v, 6) for k, v in values.items() if abs(v) > 1e-9}


def seen(books: Books) -> Any:
    """Everything the books are read by: balances, what was given, what is on hand and was
    eaten, the State, the overview, plan against actual, the routes closed, what stands."""
    views = Views(books)
    overview = views.overview(AS_OF)
    overview.pop("entries")  # how many were written
    return {
        "balances": _tidy(books.balances()),
        "given": _tidy(books.given()),
        "on_hand": _tidy(books.on_hand(AS_OF)),
        "eaten": _tidy(books.eaten(AS_OF)),
        "actual_by_day": sorted((w, n, d, round(kg, 6)) for w, n, d, kg
                                in books.actual_by_day() if abs(kg) > 1e-9),
        "plan_vs_actual": plan_vs_actual(books, None),
        "state": state_json(recorded_state(books, views.network, AS_OF), views.network),
        "overview": overview,
        "closed": closed_spans(route_reports(books, AS_OF), SC.end_date),
        "standing": [(r.id, r.kind) for r in books.entries(effective=True)
                     if r.kind != "cancel"],
    }


#: The plan from the seeded books, per database: the same for every kind below (the seed
#: and the planner are deterministic), so made once (a re-plan takes about a second).
_PLANNED: dict[str, Any] = {}


@pytest.mark.parametrize("kind", sorted(EXTRA))
def test_a_cancelled_entry_counts_nowhere(books: Books, kind: str) -> None:
    seed(books)
    before = seen(books)
    database = books.engine.dialect.name
    if database not in _PLANNED:
        _PLANNED[database] = replan(books, AS_OF).figures
    planned = _PLANNED[database]
    extra = books.append(EXTRA[kind], "council")
    assert seen(books) != before
    cancelled = books.append(cancel(extra.id), "council")
    assert (cancelled.kind, cancelled.corrects, cancelled.place) == ("cancel", extra.id,
                                                                     extra.place)
    assert seen(books) == before
    assert replan(books, AS_OF).figures == planned
    # Nothing was deleted: the ledger keeps the entry and its cancellation.
    assert [r.id for r in books.entries()][-2:] == [extra.id, cancelled.id]


def test_a_received_convoy_is_cancelled_after_its_receipt(books: Books) -> None:
    seed(books)
    # The receipt is in the books of the convoy's destination, which the depot's clerk who
    # sent it may not write: said, with who may.
    error = refused(books, cancel(5), "corrects",
                    "convoy 5 was received (entry 6, in the books of kestrel-town); cancel "
                    "that receipt first (a depot clerk of kestrel-town or the council may)", 409)
    assert error.status == 409  # as when it is corrected: the books' state forbids it
    # Corrected, the same advice: a receipt, which adds up to the cargo, corrects no convoy.
    refused(books, send(SC, 0, units=10) | {"corrects": 5}, "corrects",
            "convoy 5 was received (entry 6, in the books of kestrel-town); cancel that "
            "receipt first (a depot clerk of kestrel-town or the council may)", 409)
    views = Views(books)
    on_the_way = len(recorded_state(books, views.network, AS_OF).transit)
    books.append(cancel(6), "council")  # the receipt: the convoy is on the way again
    assert len(recorded_state(books, views.network, AS_OF).transit) == on_the_way + 1
    assert books.balances()[("kestrel-town", "rice")] == pytest.approx(0)
    books.append(cancel(5), "council")  # now the convoy itself
    held = books.balances()
    assert held[("ridge-depot", "rice")] == pytest.approx(5000 - 100)
    assert held[("ridge-depot", "unit:porter")] == pytest.approx(40 - 4)
    assert len(recorded_state(books, views.network, AS_OF).transit) == on_the_way
    refused(books, entry("receipt", date=day(SC, 3), dispatch=5, received_kg={"rice": 250}),
            "dispatch", "convoy 5 was cancelled (entry")


def test_a_convoy_whose_receipt_was_cancelled_is_received_again(books: Books) -> None:
    seed(books)
    dropped = books.append(cancel(6), "council").id
    again = books.append(entry("receipt", date=day(SC, 3), dispatch=5,
                               received_kg={"rice": 250}), "depot")
    # It takes the cancellation's place among the convoy's receipts.
    assert again.corrects == dropped and again.entry.corrects == dropped
    assert books.balances()[("kestrel-town", "rice")] == pytest.approx(250)
    refused(books, entry("receipt", date=day(SC, 3), dispatch=5, received_kg={"rice": 250}),
            "dispatch", f"already received (entry {again.id})", 409)
    refused(books, send(SC, 0, units=10) | {"corrects": 5}, "corrects",
            "cancel that receipt first", 409)
    # Corrected, and cancelled, as any receipt.
    fixed = books.append(entry("receipt", date=day(SC, 3), dispatch=5,
                               received_kg={"rice": 200},
                               losses=[{"good": "rice", "kg": 50, "reason": "strike"}],
                               corrects=again.id), "depot")
    assert books.balances()[("kestrel-town", "rice")] == pytest.approx(200)
    books.append(cancel(fixed.id), "depot")
    assert books.balances()[("kestrel-town", "rice")] == pytest.approx(0)
    assert books.balances()[("kestrel-town", "lost:strike:rice")] == pytest.approx(0)


def test_what_cannot_be_cancelled_is_said_at_corrects(books: Books) -> None:
    seed(books)
    refused(books, cancel(99), "corrects", "expected the id of an entry, got 99: no entry")
    first = books.append(cancel(9), "council").id  # the wounded
    refused(books, cancel(9), "corrects", f"entry 9 is already cancelled by entry {first}",
            409)
    refused(books, cancel(first), "corrects",
            f"expected an entry that is not a cancellation, got entry {first}, the "
            "cancellation of entry 9: write that entry again instead")
    refused(books, entry("wounded", date=day(SC, 2), front="kestrel-town",
                         hospital="district-hospital", persons=2, corrects=first),
            "corrects", f"expected an entry of kind 'wounded', got entry {first}, a 'cancel'")
    fixed = books.append(entry("pledge", date=day(SC, 0), locality="high-village",
                               good="rice", kg=90, by=day(SC, 10), corrects=8), "council")
    refused(books, cancel(8), "corrects",
            f"entry 8 is already corrected by entry {fixed.id}; cancel that one", 409)
    refused(books, entry("cancel", date=day(SC, 5), corrects=fixed.id), "reason",
            "expected some text (not only spaces), got nothing")
    refused(books, entry("cancel", date=day(SC, 5), corrects=fixed.id, reason=""), "reason",
            "expected at least 1 character")
    # The porters that brought the convoys are taken since: say which entries took them.
    refused(books, cancel(2), "corrects",
            "high-village holds 0 units of porter waiting on 2024-11-01; this entry would "
            "leave -40 units (taken by entry 3 on 2024-11-01: cancel or correct that first)")
    # The rice at the depot too: so far as a cancellation would leave it short. Each taker
    # is said with its own date (the cancelled entry's was said, as if theirs).
    refused(books, cancel(1), "corrects",
            "(taken by entries 5 on 2024-11-02 and 7 on 2024-11-04: cancel or correct those "
            "first)")


def test_a_contribution_is_cancelled_by_its_commune_clerk(books: Books) -> None:
    from supplyline.ops.accounts import Account, may_write

    given = give(books, SC, 500)
    theirs = give(books, SC, 300, locality="far-village")
    clerk = Account("high", "commune", "high-village")

    def allowed(e: Any, p: str) -> None:
        may_write(clerk, e, p)

    with pytest.raises(EntryError) as caught:
        books.append(cancel(theirs), "high", allowed)
    assert (caught.value.field, caught.value.status) == ("corrects", 403)
    assert "far-village" in caught.value.message
    depot = Account("ridge", "depot", "ridge-depot")  # a contribution is no depot's entry
    with pytest.raises(EntryError) as caught:
        books.append(cancel(given), "ridge", lambda e, p: may_write(depot, e, p))
    assert (caught.value.field, caught.value.status) == ("corrects", 403)
    books.append(cancel(given), "high", allowed)
    assert books.balances()[("ridge-depot", "rice")] == pytest.approx(300)
    assert books.given() == {("high-village", "rice"): 0.0, ("far-village", "rice"): 300.0}


def test_a_cancelled_mistyped_date_moves_the_books_today_no_more(books: Books) -> None:
    give(books, SC, 1000, on=2)
    typo = give(books, SC, 500, on=28)
    assert Views(books).today() == SC.start_date + dt.timedelta(days=29)
    # Cancelled on the day the books say is today: that date does not count either.
    books.append(cancel(typo, on=28), "council")
    assert Views(books).today() == SC.start_date + dt.timedelta(days=3)


def test_a_cancellation_is_written_with_the_entries_meanwhile(books: Books) -> None:
    """Through the writer: a cancellation between new entries in one group sees them and
    is seen by them."""
    from tests.ops.test_writer import outcome, writer_held

    porters(books, SC, 20)
    walk = books.append(send(SC, 0, on=0, units=20, from_="high-village", to="ridge-depot"),
                        "council").id
    books.append(entry("receipt", date=day(SC, 0), dispatch=walk), "council")
    first = give(books, SC, 100, on=1)
    with writer_held(books, SC) as held:
        futures = [books.submit([entry("contribution", date=day(SC, 1), locality="far-village",
                                       good="rice", kg=41, at="ridge-depot")], "commune"),
                   books.submit([cancel(first)], "commune"),  # 1 kg of it was sent
                   books.submit([send(SC, 100, on=2)], "depot"),  # 40 kg there: refused
                   books.submit([send(SC, 40, on=2)], "depot")]
    assert not isinstance(outcome(held), Exception)  # the convoy of one kg
    got = [outcome(f) for f in futures]
    assert [type(g).__name__ for g in got] == ["list", "list", "EntryError", "list"]
    assert books.balances()[("ridge-depot", "rice")] == pytest.approx(100 + 41 - 1 - 100 - 40)


def test_a_cancellation_is_dated_on_or_after_the_entry_it_cancels(books: Books) -> None:
    """A cancellation dated before its entry was written (a receipt dated before its convoy
    is refused); a correction may be dated before: its date is the fact's, perhaps what it
    corrects."""
    seed(books)  # entry 9: wounded brought in on day 2
    error = refused(books, cancel(9, on=1), "date",
                    f"expected a day on or after the entry it cancels ({day(SC, 2)}), got "
                    f"{day(SC, 1)}")
    assert error.status == 422
    assert books.count() == 9
    books.append(cancel(9, on=2), "council")  # the same day: cancelled
    moved = books.append(entry("wounded", date=day(SC, 1), front="kestrel-town",
                               hospital="district-hospital", persons=3), "council")
    earlier = books.append(entry("wounded", date=day(SC, 0), front="kestrel-town",
                                 hospital="district-hospital", persons=3,
                                 corrects=moved.id), "council")
    assert earlier.date < moved.date  # a correction dated before: written
