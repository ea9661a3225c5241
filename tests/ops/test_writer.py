"""The books' writer (what the API writes through): entries submitted while it is busy are
written together in one transaction, with the same outcome as one after the other (a
dispatch larger than the stock refused, a refused batch written not at all, the others
written); a submission its caller cancelled before it ran is not written. On SQLite and
PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager

import pytest

import supplyline as sl
from supplyline.ops import Books, EntryError
from supplyline.ops.writing import KeyReused, Recorded
from tests.ops.conftest import day, entry
from tests.ops.test_books import give, send


@contextmanager
def writer_held(books: Books, sc: sl.Scenario) -> Iterator[Future[list[Recorded]]]:
    """Keep the writer waiting until the block ends (a write transaction holds the ridge
    depot, and the writer is writing a convoy from it), so that what is submitted meanwhile
    is written as one group; the convoy's future."""
    with books.writing() as conn:
        if books.postgres:
            books._lock(conn, [books._parse(send(sc, 1))])
        first = books.submit([send(sc, 1)], "depot")
        deadline = time.monotonic() + 30
        while not books.writer.jobs.empty() and time.monotonic() < deadline:
            time.sleep(0.01)  # until the writer has taken it
        time.sleep(0.1)
        yield first


def outcome(future: Future[list[Recorded]]) -> list[Recorded] | EntryError:
    try:
        return future.result(timeout=120)
    except EntryError as error:
        return error


def test_a_group_is_written_as_one_after_the_other_would_be(books: Books,
                                                            tutorial: sl.Scenario) -> None:
    porters = books.append_many([
        entry("labour", date=day(tutorial, 0), locality="high-village", persons=100,
              days=20, role="carrier", mode="porter"),
        entry("dispatch", date=day(tutorial, 0), from_="high-village", to="ridge-depot",
              mode="porter", units=100)], "council")
    books.append(entry("receipt", date=day(tutorial, 0), dispatch=porters[1].id), "council")
    with writer_held(books, tutorial) as first:
        futures = [
            books.submit([entry("contribution", date=day(tutorial, 1), locality="high-village",
                                good="rice", kg=100, at="ridge-depot")], "commune"),
            books.submit([send(tutorial, 150)], "depot"),  # more than the 100 kg there
            books.submit([entry("contribution", date=day(tutorial, 1),
                                locality="far-village", good="rice", kg=50,
                                at="ridge-depot"),
                          send(tutorial, 500, units=30)], "council"),  # refused whole
            books.submit([send(tutorial, 100)], "depot"),
            books.submit([send(tutorial, 1)], "depot"),  # nothing left
            books.submit([entry("contribution", date=day(tutorial, 0), locality="far-village",
                                good="rice", kg=7, at="ridge-depot")], "commune"),
        ]
    assert isinstance(outcome(first), EntryError)  # the depot was empty then
    got = [outcome(f) for f in futures]
    errors = [(k, g.field) for k, g in enumerate(got) if isinstance(g, EntryError)]
    assert errors == [(1, "cargo_kg.rice"), (2, "1.cargo_kg.rice"), (4, "cargo_kg.rice")]
    written = [g[0] for g in got if not isinstance(g, EntryError)]
    assert [r.id for r in written] == sorted(r.id for r in written)  # in the order sent
    assert len({r.written_at for r in written}) == 1  # one transaction
    assert [r.entry.kind for r in books.entries()[3:]] == ["contribution", "dispatch",
                                                           "contribution"]
    held = books.balances()
    assert held[("ridge-depot", "rice")] == pytest.approx(7)
    assert held[("ridge-depot", "unit:porter")] == pytest.approx(90)


def test_a_submission_cancelled_before_it_ran_is_not_written(books: Books,
                                                             tutorial: sl.Scenario) -> None:
    give(books, tutorial, 10)
    with writer_held(books, tutorial) as first:
        gone = books.submit([entry("contribution", date=day(tutorial, 1),
                                   locality="high-village", good="rice", kg=5,
                                   at="ridge-depot")], "commune")
        kept = books.submit([entry("contribution", date=day(tutorial, 1),
                                   locality="high-village", good="rice", kg=3,
                                   at="ridge-depot")], "commune")
        assert gone.cancel()
    assert isinstance(outcome(first), EntryError)  # no porters at the depot
    assert kept.result(timeout=120)[0].entry.kg == 3  # type: ignore[union-attr]
    assert books.balances()[("ridge-depot", "rice")] == pytest.approx(13)
    assert books.count() == 2


def rice(sc: sl.Scenario, kg: float) -> dict[str, object]:
    return entry("contribution", date=day(sc, 1), locality="high-village", good="rice", kg=kg,
                 at="ridge-depot")


def test_a_request_sent_again_with_its_key_is_written_once(books: Books,
                                                           tutorial: sl.Scenario) -> None:
    """A double click, or a retry after an answer that was lost: the same entries with the
    same key are answered with the entries first written, and nothing is written again."""
    first = books.append_many([rice(tutorial, 5), rice(tutorial, 2)], "commune", key="k-1")
    again = books.append_many([rice(tutorial, 5), rice(tutorial, 2)], "commune", key="k-1")
    assert [r.id for r in again] == [r.id for r in first]
    assert [r.to_json() for r in again] == [r.to_json() for r in first]
    assert books.count() == 2
    assert books.balances()[("ridge-depot", "rice")] == pytest.approx(7)
    # The same key with other entries is refused, and writes nothing.
    with pytest.raises(KeyReused, match=r"expected a new key .* got 'k-1' again"):
        books.append_many([rice(tutorial, 5)], "commune", key="k-1")
    # A key is its author's own; and a request without a key is always written.
    books.append(rice(tutorial, 5), "council", key="k-1")
    books.append(rice(tutorial, 5), "council")
    books.append(rice(tutorial, 5), "council")
    assert books.count() == 5
    assert books.balances()[("ridge-depot", "rice")] == pytest.approx(22)


def test_a_refused_request_may_be_sent_again_with_its_key(books: Books,
                                                          tutorial: sl.Scenario) -> None:
    """Nothing is kept of a request that was refused: sent again (once it can be written)
    with the same key, it is written."""
    with pytest.raises(EntryError, match=r"cargo_kg\.rice"):
        books.append(send(tutorial, 10), "depot", key="convoy-1")
    give(books, tutorial, 10)
    books.append_many([entry("labour", date=day(tutorial, 0), locality="high-village",
                             persons=10, days=20, role="carrier", mode="porter"),
                       entry("dispatch", date=day(tutorial, 0), from_="high-village",
                             to="ridge-depot", mode="porter", units=10)], "council")
    books.append(entry("receipt", date=day(tutorial, 0), dispatch=3), "council")
    sent = books.append(send(tutorial, 10), "depot", key="convoy-1")
    assert books.append(send(tutorial, 10), "depot", key="convoy-1").id == sent.id
    assert books.balances()[("ridge-depot", "rice")] == pytest.approx(0)


def test_the_same_request_twice_in_one_group_is_written_once(books: Books,
                                                             tutorial: sl.Scenario) -> None:
    """The writer's group commit: the same request twice in one transaction is written once
    and both are answered with its entries; the key with other entries is refused, and the
    same key of another author is written."""
    with writer_held(books, tutorial) as first:
        futures = [books.submit([rice(tutorial, 5)], "commune", key="click"),
                   books.submit([rice(tutorial, 5)], "commune", key="click"),
                   books.submit([rice(tutorial, 6)], "commune", key="click"),
                   books.submit([rice(tutorial, 5)], "council", key="click")]
    assert isinstance(outcome(first), EntryError)  # no porters at the depot
    got = [outcome(f) for f in futures]
    assert isinstance(got[2], KeyReused)
    ids = [[r.id for r in g] for g in got if not isinstance(g, EntryError)]
    assert ids[0] == ids[1] and ids[0] != ids[2]
    assert books.count() == 2
    assert books.balances()[("ridge-depot", "rice")] == pytest.approx(10)
    # Sent again later, it is answered from the books.
    later = books.submit([rice(tutorial, 5)], "commune", key="click").result(timeout=120)
    assert [r.id for r in later] == ids[0]
    assert books.count() == 2


def test_a_key_sent_again_in_one_group_is_judged_by_what_the_books_kept(
        books: Books, tutorial: sl.Scenario) -> None:
    """In one group, a key's second request was compared with the group's first job: after
    a refused first (which keeps no key) the second was refused too, where sent one after
    the other it is written."""
    with writer_held(books, tutorial) as first:
        refused = books.submit([send(tutorial, 10)], "depot", key="k")  # the depot is empty
        second = books.submit([rice(tutorial, 4)], "depot", key="k")
    assert isinstance(outcome(first), EntryError)
    assert isinstance(outcome(refused), EntryError)
    written = outcome(second)
    assert not isinstance(written, EntryError), written
    assert books.count() == 1 and books.balances()[("ridge-depot", "rice")] == 4
