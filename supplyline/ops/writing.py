"""Writing entries: the record of an entry as written (:class:`Recorded`); what one write
transaction has checked but not yet written (:class:`Group`); the books' writer thread
(:class:`Writer`), which writes the batches submitted while it was busy in one transaction
(a group commit); and the keys a request may be sent with (``Idempotency-Key``), kept with
the entries they wrote so that the same request sent again is written once.

The checks themselves are the books' (:class:`~supplyline.ops.books.Books`)."""

from __future__ import annotations

import datetime as dt
import json
import queue
import threading
from collections import defaultdict
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert, select

from supplyline.ops import tables as t
from supplyline.ops.entries import (
    Entry,
    EntryError,
    EntryWarning,
    Receipt,
    dump_entry,
    parse_entry,
)

if TYPE_CHECKING:
    from supplyline.ops.books import Books

__all__ = ["GROUP_ENTRIES", "Group", "Job", "KeyReused", "Move", "Prepared", "Recorded",
           "Writer", "in_utc", "keep_requests", "recorded", "replay"]


class KeyReused(EntryError):
    """A request's key (``Idempotency-Key``) that its author already sent with other
    entries: nothing is written."""

    def __init__(self, key: str, what: str = "entries other than those") -> None:
        super().__init__("Idempotency-Key", f"expected a new key for {what} first sent with "
                                            f"it, got {key!r} again")


@dataclass(frozen=True)
class Recorded:
    """An entry as written: its id, who wrote it and when, what it corrects, and what the
    scenario said against it when it was written (``warnings``: the books record it all the
    same, and keep them with it); read back from the books, the entry that replaced it
    since, if any (``replaced_by``, of kind ``replaced_kind``: a ``cancel`` when it was
    cancelled)."""

    id: int
    kind: str
    date: dt.date
    place: str
    entry: Entry
    corrects: int | None
    author: str
    written_at: dt.datetime
    warnings: tuple[EntryWarning, ...] = ()
    replaced_by: int | None = None
    replaced_kind: str | None = None

    @property
    def cancelled_by(self) -> int | None:
        """The id of the entry that cancels this one, if any."""
        return self.replaced_by if self.replaced_kind == "cancel" else None

    @property
    def corrected_by(self) -> int | None:
        """The id of the entry that corrects (replaces) this one, if any: a correction, or
        the receipt that takes a cancelled receipt's place."""
        return self.replaced_by if self.replaced_kind not in (None, "cancel") else None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "date": self.date.isoformat(),
                "place": self.place, "corrects": self.corrects, "author": self.author,
                "written_at": self.written_at.isoformat(), "entry": dump_entry(self.entry),
                "corrected_by": self.corrected_by, "cancelled_by": self.cancelled_by,
                "warnings": [w.to_json() for w in self.warnings]}


Move = tuple[str, str, dt.date, float]  # (place, item, date, delta)

#: The most entries the writer puts in one transaction.
GROUP_ENTRIES = 1000


@dataclass
class Prepared:
    """An entry checked against the books, with the movements it makes (``undo``: those
    undoing the entry it corrects or cancels, in the books of that entry, of its kind) and
    what the scenario says against it."""

    entry: Entry
    place: str
    receipt_of: int | None
    own: list[Move]
    undo: list[Move]
    undone_place: str
    undone_kind: str
    warnings: list[EntryWarning] = field(default_factory=list)


@dataclass
class Job:
    """Entries to write together, or none of them."""

    entries: list[Entry]
    author: str
    allowed: Any
    numbered: bool = False  # its problems said at each entry's position (``3.kg``)
    future: Future[list[Recorded]] = field(default_factory=Future)
    key: str | None = None  # the request's Idempotency-Key, if it was sent with one
    digest: str = ""  # SHA-256 of its entries (and whether they are numbered)

    @property
    def request(self) -> tuple[str, str] | None:
        """Whose request this is and its key (a key is its author's own)."""
        return None if self.key is None else (self.author, self.key)


DailyKey = tuple[str, str, dt.date, str, str]  # (place, item, date, kind, source)
Series = dict[tuple[str, str], dict[dt.date, float]]


class Group:
    """What one write transaction has checked but not yet written.

    New entries that are neither receipts nor corrections (their checks read only the daily
    sums) wait in ``ready`` to be inserted together (and in ``waiting``, by kind and place,
    for the warnings that read entries). The daily sums are added to once, at the end, in
    one statement with the rows in order (``summed``), so that two writers never wait for
    each other's rows in a circle; meanwhile the checks read them through ``pending`` (what
    this transaction adds) on top of ``read`` (what the books held, read once a place and
    item), and what localities gave through ``given_pending`` on top of ``given_read``
    (by locality and good)."""

    def __init__(self) -> None:
        self.ready: list[tuple[Prepared, Job]] = []
        self.waiting: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        self.read: Series = {}
        self.pending: Series = {}
        self.given_read: Series = {}
        self.given_pending: Series = {}
        self.summed: dict[DailyKey, float] = {}
        self.written_at = now()  # one time for the transaction's entries
        self.batch: dict[int, int] = {}  # entries written by the batch being written: position

    def entry(self, entry_id: int) -> str:
        """An entry as a refusal names it: one the batch being written wrote (and will undo)
        by its position there."""
        position = self.batch.get(entry_id)
        return f"entry {entry_id}" if position is None else f"item {position} of this batch"

    def add(self, kind: str, source: str, moves: list[Move]) -> None:
        """Movements written by an entry of ``kind`` in the books of ``source``."""
        for p, i, d, x in moves:
            series = self.pending.setdefault((p, i), {})
            series[d] = series.get(d, 0.0) + x
            key = (p, i, d, kind, source)
            self.summed[key] = self.summed.get(key, 0.0) + x
            if kind == "contribution":  # what the locality (the source) gave
                given = self.given_pending.setdefault((source, i), {})
                given[d] = given.get(d, 0.0) + x

    def wait(self, ready: Prepared, job: Job) -> None:
        """A new entry checked, to be inserted with the others waiting."""
        self.ready.append((ready, job))
        self.waiting[(ready.entry.kind, ready.place)].append(ready.entry)

    def saved(self) -> tuple[Series, Series, dict[DailyKey, float]]:
        return ({k: dict(v) for k, v in self.pending.items()},
                {k: dict(v) for k, v in self.given_pending.items()}, dict(self.summed))

    def restore(self, saved: tuple[Series, Series, dict[DailyKey, float]]) -> None:
        self.pending, self.given_pending, self.summed = saved


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Writer:
    """The books' writer thread: it writes the jobs submitted while it was busy in one
    transaction, one commit for all (a group commit); each job is still written whole or
    not at all and answered only once committed, and one refused leaves the others as they
    are. Many clients writing one entry each then cost one transaction, not one each."""

    def __init__(self, books: Books) -> None:
        self.books = books
        self.jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, job: Job) -> Future[list[Recorded]]:
        """Hand ``job`` to the writer (started on the first); its future gives the entries
        as written, or the :class:`EntryError`."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name="books-writer")
                self._thread.start()
            self.jobs.put(job)
        return job.future

    def close(self) -> None:
        """Write what was submitted, then stop the thread."""
        with self._lock:
            if self._thread is not None:
                self.jobs.put(None)
                self._thread.join(60)
                self._thread = None

    def _run(self) -> None:
        """The writer thread: take what was submitted meanwhile, write it as one group."""
        while True:
            job = self.jobs.get()
            if job is None:
                return
            jobs, size, stop = [job], len(job.entries), False
            while size < GROUP_ENTRIES:
                try:
                    more = self.jobs.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                jobs.append(more)
                size += len(more.entries)
            # A job its caller cancelled before it ran (a client gone) is not written.
            jobs = [one for one in jobs if one.future.set_running_or_notify_cancel()]
            if jobs:
                self._write_group(jobs)
            if stop:
                return

    def _write_group(self, jobs: list[Job]) -> None:
        """Write jobs in one transaction; when it fails as a whole (a conflict with another
        writer, a lost connection), each job again in its own, so that only a job at fault
        fails."""
        outcomes: dict[int, list[Recorded] | EntryError] = {}
        firsts: set[tuple[str, str]] = set()  # the requests sent with a key in the group
        later: list[int] = []  # a request sent again in the group: answered once committed
        kept: list[int] = []  # the jobs whose request is to be kept
        books = self.books
        try:
            with books.writing() as conn:
                if books.postgres:
                    books._lock(conn, [e for job in jobs for e in job.entries])
                group = Group()
                for k, job in enumerate(jobs):
                    if job.request is not None:
                        if job.request in firsts:
                            later.append(k)
                            continue
                        firsts.add(job.request)
                        if (replayed := replay(conn, job)) is not None:
                            outcomes[k] = replayed
                            continue
                        kept.append(k)
                    first = job.entries[0] if job.entries else None
                    if (len(job.entries) == 1 and not job.numbered and first is not None
                            and plain(first)):
                        # Checks only read (see _prepare): a refused entry wrote nothing.
                        try:
                            ready = books._prepare(conn, first, job.allowed, group)
                        except EntryError as error:
                            outcomes[k] = error
                            continue
                        group.wait(ready, job)
                        continue
                    # Written at once, after those waiting (ids in the order checked).
                    self._flush(conn, group, jobs, outcomes)
                    saved = group.saved()
                    savepoint = conn.begin_nested()
                    try:
                        outcomes[k] = books._write_all(conn, job, group)
                    except EntryError as error:
                        savepoint.rollback()
                        group.restore(saved)
                        outcomes[k] = error
                        continue
                    savepoint.commit()
                self._flush(conn, group, jobs, outcomes)
                books._add_daily(conn, group)
                keep_requests(conn, [(jobs[k], outcomes[k]) for k in kept], group.written_at)
        except Exception:  # nothing was written: each job alone says why
            for job in jobs:
                self._alone(job)
            return
        for k, job in enumerate(jobs):
            if k in later:  # against what the books kept of the request, now committed
                self._alone(job)
                continue
            outcome = outcomes[k]
            if isinstance(outcome, EntryError):
                job.future.set_exception(outcome)
            else:
                job.future.set_result(outcome)

    def _alone(self, job: Job) -> None:
        """Write ``job`` in a transaction of its own, and answer its caller."""
        try:
            job.future.set_result(self.books.append_many(job.entries, job.author, job.allowed,
                                                         job.numbered, job.key))
        except Exception as error:  # handed to the caller
            job.future.set_exception(error)

    def _flush(self, conn: Connection, group: Group, jobs: list[Job],
               outcomes: dict[int, list[Recorded] | EntryError]) -> None:
        """Insert the entries waiting in the group."""
        if group.ready:
            position = {id(job): k for k, job in enumerate(jobs)}
            written = self.books._insert(
                conn, [(ready, job.author) for ready, job in group.ready], group.written_at)
            for (_ready, job), recorded in zip(group.ready, written, strict=True):
                outcomes[position[id(job)]] = [recorded]
            group.ready.clear()
            group.waiting.clear()


def replay(conn: Connection, job: Job) -> list[Recorded] | KeyReused | None:
    """The entries ``job``'s request wrote before, read back as they were written
    (:class:`KeyReused` where it sent other entries then); None for a new request."""
    if job.key is None:
        return None
    row = conn.execute(select(t.request.c.digest, t.request.c.entries)
                       .where(t.request.c.author == job.author,
                              t.request.c.key == job.key)).first()
    if row is None:
        return None
    if row.digest != job.digest:
        return KeyReused(job.key)
    ids = json.loads(row.entries)
    found = {r.id: recorded(r) for r in conn.execute(select(t.entry)
                                                      .where(t.entry.c.id.in_(ids)))}
    # Said as first answered: a batch's warnings at each entry's position there.
    return [replace(found[i], warnings=tuple(w.at(f"{n}.") for w in found[i].warnings))
            if job.numbered else found[i] for n, i in enumerate(ids)]

def keep_requests(conn: Connection, written: list[tuple[Job, list[Recorded] | EntryError]],
                  written_at: dt.datetime) -> None:
    """Keep the requests (sent with a key) whose entries were written, with their ids."""
    rows = [{"author": job.author, "key": job.key, "digest": job.digest,
             "entries": json.dumps([r.id for r in outcome]), "written_at": written_at}
            for job, outcome in written
            if job.key is not None and not isinstance(outcome, EntryError)]
    if rows:
        conn.execute(insert(t.request), rows)

def plain(entry: Entry) -> bool:
    """A new entry whose checks read only the daily sums (not a receipt, not a
    correction): the writer may insert it later in its transaction."""
    return entry.corrects is None and not isinstance(entry, Receipt)


def in_utc(written: dt.datetime) -> dt.datetime:
    """A time the books wrote, in UTC: kept in UTC, but a server may hand it back in its own
    zone, and SQLite without one."""
    return written.replace(tzinfo=dt.UTC) if written.tzinfo is None else \
        written.astimezone(dt.UTC)


def recorded(row: Any) -> Recorded:
    """An entry's row, with the id and kind of the entry that replaced it where the row
    was read with them (:meth:`Books.entries`)."""
    return Recorded(row.id, row.kind, row.date, row.place,
                    parse_entry(json.loads(row.payload)), row.corrects, row.author,
                    in_utc(row.written_at),
                    tuple(EntryWarning(**w) for w in json.loads(row.warnings)),
                    replaced_by=getattr(row, "replaced_by", None),
                    replaced_kind=getattr(row, "replaced_kind", None))
