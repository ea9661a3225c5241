"""The council's books in a database: append-only entries and the movements of goods and
units they make.

:func:`~supplyline.ops.db.open_books` opens (or creates) the books at a database URL
— an SQLite file by default, PostgreSQL by ``postgresql://`` URL — and applies the
migrations shipped in the package. :meth:`Books.append` writes one entry (or
:meth:`Books.append_many` a batch) in one transaction: the entry and its movements are
written together or not at all. A dispatch that sends more than the place holds on any day
from its date on, or a receipt for a convoy never sent, is refused with an
:class:`EntryError` naming the field, and nothing is written. An entry replaces another
(``corrects``), or cancels it (an entry of kind ``cancel``: it puts nothing in its place):
the other's movements are undone in the same transaction. An entry beyond what the scenario
says there is, or a convoy over a closed route, is written all the
same, with warnings (:attr:`Recorded.warnings`).

Writes that could take the same sack are serialized (SQLite: ``BEGIN IMMEDIATE``, one
writer at a time; PostgreSQL: a transaction-scoped advisory lock per place whose balances an
entry may lower), so two clerks cannot both send the last sack. :meth:`Books.submit` (what
the API writes through) hands entries to the books' writer thread, which writes those that
arrive meanwhile in one transaction (a group commit), each batch still whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from dataclasses import replace
from operator import itemgetter
from typing import Any

import numpy as np
from pydantic import ValidationError
from sqlalchemy import (
    JSON,
    Connection,
    Engine,
    bindparam,
    cast,
    exists,
    func,
    insert,
    null,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from supplyline.ops import tables as t
from supplyline.ops.entries import (
    Cancel,
    Contribution,
    Dispatch,
    Entry,
    EntryError,
    EntryWarning,
    Index,
    Labour,
    Pledge,
    Receipt,
    RouteReport,
    Wounded,
    carries_nothing,
    check_entry,
    closed_under_convoys,
    dump_entry,
    given_beyond,
    labour_beyond,
    over_closed_route,
    parse_entry,
    pledged_beyond,
    received_too_soon,
    report_without_effect,
    said,
    scenario_problems,
    sent_past_service,
    units_of,
    wounded_beyond,
)
from supplyline.ops.writing import (
    Group,
    Job,
    KeyReused,
    Move,
    Prepared,
    Recorded,
    Writer,
    in_utc,
    keep_requests,
    now,
    recorded,
    replay,
)
from supplyline.scenario.schema import Scenario
from supplyline.units import words_and

__all__ = ["Books", "UnitMove", "digest", "place_of"]

#: Tolerance on kg and units (float sums).
TOL = 1e-6
#: Most entries kept parsed by :meth:`Books._read` (about 2 kB each).
READ_KEPT = 100_000


#: A movement of units (:meth:`Books.unit_moves`): its date, its entry's kind, the convoy
#: it sends or receives (its first dispatch's id; ``None`` but for a dispatch or a
#: receipt), the place, the item (``unit:MODE`` or ``unitlost:REASON:MODE``) and the units.
#: A plain tuple: GET /api/state reads thousands of them.
UnitMove = tuple[dt.date, str, int | None, str, str, float]


def _lock_key(place: str) -> int:
    return zlib.crc32(place.encode()) - 2**31


class Books:
    """Entries and movements of one scenario's books (see the module's docstring)."""

    def __init__(self, engine: Engine, scenario: Scenario) -> None:
        self.engine = engine
        self.scenario = scenario
        self.index = Index(scenario)
        self.cache: dict[Any, Any] = {}  # what is computed once from the scenario
        self.parsed: dict[str, Entry] = {}  # entries read from the books, by stored text
        self.initial: dict[tuple[str, str], float] = {}
        self.owned: dict[tuple[str, str], float] = {}
        for place in scenario.places:
            if place.kind != "locality":
                for good, kg in place.stock_kg.items():
                    self.initial[(place.id, good)] = kg
            for mode, units in place.carriers.items():
                self.owned[(place.id, mode)] = float(units)
        self.writer = Writer(self)

    @property
    def postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def close(self) -> None:
        self.writer.close()
        self.engine.dispose()

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """One write transaction (committed when the block ends without error)."""
        with self.engine.connect().execution_options(write=True) as conn, conn.begin():
            yield conn

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    # --- writing -------------------------------------------------------------------------

    def append(self, data: Entry | dict[str, Any], author: str,
               allowed: Any = None, key: str | None = None) -> Recorded:
        """Write one entry; :class:`EntryError` (nothing written) when it cannot be.
        ``allowed(entry, place)`` may refuse it (raise) once its place is known; ``key``
        as :meth:`append_many`'s."""
        return self.append_many([data], author, allowed, key=key)[0]

    def append_many(self, batch: Sequence[Entry | dict[str, Any]], author: str,
                    allowed: Any = None, numbered: bool | None = None,
                    key: str | None = None) -> list[Recorded]:
        """Write a batch of entries in one transaction: all or none. An error names the
        entry's position (``3.kg``) where ``numbered`` (by default, in a batch of more than
        one), and says every problem the entries have on their own at once.

        ``key`` (a request's ``Idempotency-Key``): where its author wrote entries with it
        before, nothing is written and those entries are returned as they were written
        (:class:`KeyReused` where they are not the same entries)."""
        job = self._job(batch, author, allowed, numbered, key)
        try:
            with self.writing() as conn:
                if self.postgres:  # (first: a retry waits for the first to commit)
                    self._lock(conn, job.entries)
                if (replayed := replay(conn, job)) is not None:
                    if isinstance(replayed, EntryError):
                        raise replayed
                    return replayed
                group = Group()
                written = self._write_all(conn, job, group)
                self._add_daily(conn, group)
                keep_requests(conn, [(job, written)], group.written_at)
                return written
        except IntegrityError as error:
            if job.key is not None:
                # Another server process wrote the same request meanwhile, and committed
                # first (on its key, or on the convoy or entry it took): this transaction
                # was undone; where that was this request, its entries are the answer.
                with self.reading() as conn:
                    replayed = replay(conn, job)
                if isinstance(replayed, list):
                    return replayed
                if replayed is not None:
                    raise replayed from error
            field = "dispatch" if "receipt_of" in str(error.orig) else "corrects"
            raise EntryError(field, "the entry was corrected or the convoy received "
                                    "meanwhile; read the books again", 409) from error

    def submit(self, batch: Sequence[Entry | dict[str, Any]], author: str,
               allowed: Any = None, numbered: bool | None = None,
               key: str | None = None) -> Future[list[Recorded]]:
        """Write a batch of entries as :meth:`append_many` does, by the books' writer
        thread (:class:`~supplyline.ops.writing.Writer`: a group commit); the future gives
        the entries as written, or the :class:`EntryError`. ``key``: as
        :meth:`append_many`'s (the same request twice in one group is written once, and
        both are answered with its entries)."""
        try:
            job = self._job(batch, author, allowed, numbered, key)
        except EntryError as error:
            refused: Future[list[Recorded]] = Future()
            refused.set_exception(error)
            return refused
        return self.writer.submit(job)

    def _write_all(self, conn: Connection, job: Job, group: Group) -> list[Recorded]:
        """A job's entries, checked and inserted one after the other (their daily sums
        left in ``group``); an :class:`EntryError` names the entry's position in a batch."""
        out: list[Recorded] = []
        group.batch = {}
        for i, entry in enumerate(job.entries):
            where = f"{i}." if job.numbered else ""
            try:
                ready = self._prepare(conn, entry, job.allowed, group)
            except EntryError as error:
                raise error.at(where) from error
            # Kept with the entry at its own fields; said at its place in the batch.
            written = self._insert(conn, [(ready, job.author)], group.written_at)
            out += [replace(r, warnings=tuple(w.at(where) for w in r.warnings))
                    for r in written]
            group.batch.update({r.id: i for r in written})
        return out

    def _job(self, batch: Sequence[Entry | dict[str, Any]], author: str, allowed: Any,
             numbered: bool | None, key: str | None = None) -> Job:
        """A batch to write, each entry validated on its own (:meth:`_parse`): one
        :class:`EntryError` says the problems of every entry at once, at each one's position
        where ``numbered`` (by default, in a batch of more than one)."""
        numbered = len(batch) > 1 if numbered is None else numbered
        entries, errors = [], []
        for i, data in enumerate(batch):
            try:
                entries.append(self._parse(data))
            except EntryError as error:
                errors.append(error.at(f"{i}.") if numbered else error)
        if errors:
            raise EntryError.of(errors)
        digest = "" if key is None else hashlib.sha256(json.dumps(
            [numbered, [dump_entry(e) for e in entries]], sort_keys=True,
            default=str).encode()).hexdigest()
        return Job(entries, author, allowed, numbered, key=key, digest=digest)

    def _parse(self, data: Entry | dict[str, Any]) -> Entry:
        """An entry validated, and checked against the scenario: every problem at once."""
        try:
            entry = data if not isinstance(data, dict) else parse_entry(data)
        except ValidationError as error:
            refused = [said(e, self.index.goods, self.index) for e in error.errors()]
            more = scenario_problems(data, [loc for loc, _ in refused], self.index)
            raise EntryError.of([EntryError(".".join(str(x) for x in loc), message)
                                 for loc, message in refused]
                                + [EntryError(*problem) for problem in more]) from error
        check_entry(entry, self.index)
        return entry

    def _prepare(self, conn: Connection, entry: Entry, allowed: Any,
                 group: Group) -> Prepared:
        """Every check of an entry against the books, and the movements it makes (added to
        ``group`` once all checks passed): reads only, so that an :class:`EntryError` raised
        here leaves the transaction as it was. The daily sums are read through ``group``
        (what it adds counted). Then what the scenario says against the entry."""
        dispatch: Dispatch | None = None
        dispatch_id = 0
        receipt_of: int | None = None
        if isinstance(entry, Receipt):
            dispatch_id, dispatch = self._dispatch(conn, entry.dispatch)
            place = dispatch.to
        elif isinstance(entry, Cancel):
            place = self._place(conn, entry.corrects)
        else:
            place = place_of(entry)
        if allowed is not None:
            allowed(entry, place)
        if isinstance(entry, Receipt) and entry.corrects is None:
            first = conn.execute(select(t.entry.c.id)
                                 .where(t.entry.c.receipt_of == dispatch_id)).scalar()
            if first is None:
                receipt_of = dispatch_id
            else:
                latest, kind = self._latest(conn, first)
                if kind != "cancel":
                    raise EntryError("dispatch", f"convoy {dispatch_id} was already received "
                                                 f"({group.entry(latest)}); correct that "
                                                 "receipt", 409)
                # Its receipt was cancelled: this one takes the cancellation's place among
                # the convoy's receipts (one chain of them a convoy).
                entry = entry.model_copy(update={"corrects": latest})
        undo: list[Move] = []
        undone_place, undone_kind = place, str(entry.kind)
        if entry.corrects is not None:
            undo, undone_place, undone_kind = self._undo(conn, entry, allowed, dispatch_id,
                                                         group)
        moves = self._moves(conn, entry, dispatch)
        short: list[EntryError] = []
        try:
            own = self._owned_units(conn, entry, moves, group, undo)
        except EntryError as error:  # said with the goods it leaves short, if any
            short.append(error)
            own = [m for m in moves if t.read_item(m[1]).kind != "unit"]
        short += self._short(conn, entry, own + undo, group)
        if short:
            raise EntryError.of(short)
        group.add(entry.kind, place, own)
        group.add(undone_kind, undone_place, undo)
        return Prepared(entry, place, receipt_of, own, undo, undone_place, undone_kind,
                         self._warnings(conn, entry, group, dispatch))

    def _warnings(self, conn: Connection, entry: Entry, group: Group,
                  dispatch: Dispatch | None = None) -> list[EntryWarning]:
        """What the scenario says against an entry whose movements ``group`` holds (the rules
        are in :mod:`~supplyline.ops.entries`; the books give them what they count), a
        receipt's against its convoy (``dispatch``)."""
        ix = self.index
        found: EntryWarning | None = None
        if isinstance(entry, Receipt) and dispatch is not None:
            found = received_too_soon(entry, dispatch, ix)
        elif isinstance(entry, Contribution):
            found = given_beyond(entry, self._given(conn, entry.locality, entry.good, group),
                                 ix)
        elif isinstance(entry, Pledge):
            pledged: dict[dt.date, float] = defaultdict(float)
            for e in self._standing(conn, "pledge", entry.locality, group, entry):
                if isinstance(e, Pledge) and e.good == entry.good:
                    pledged[e.by] += e.kg
            found = pledged_beyond(entry, pledged, ix)
        elif isinstance(entry, Labour):
            registered = self._standing(conn, "labour", entry.locality, group, entry)
            return labour_beyond(entry, float(sum(e.persons for e in registered
                                                  if isinstance(e, Labour))), ix)
        elif isinstance(entry, Wounded):
            brought: dict[dt.date, float] = defaultdict(float)
            for e in self._standing(conn, "wounded", entry.front, group, entry):
                if isinstance(e, Wounded):
                    brought[e.date] += e.persons
            found = wounded_beyond(entry, brought, ix)
        elif isinstance(entry, Dispatch):
            reports = self._standing(conn, "route", ix.route_of(entry), group)
            home, carriers = self._carriers_of(conn, entry, group)
            return [w for w in (over_closed_route(entry, [e for e in reports
                                                          if isinstance(e, RouteReport)], ix),
                                carries_nothing(entry),
                                sent_past_service(entry, carriers, home, ix))
                    if w is not None]
        elif isinstance(entry, RouteReport):  # its route checked (check_entry)
            route = ix.routes[entry.route]
            convoys = [e for end in dict.fromkeys((route.from_, route.to))
                       for e in self._standing(conn, "dispatch", end, group)
                       if isinstance(e, Dispatch) and ix.route_of(e) == entry.route]
            standing = [e for e in self._standing(conn, "route", entry.route, group, entry)
                        if isinstance(e, RouteReport)]
            return [w for w in (closed_under_convoys(entry, standing, convoys, ix),
                                report_without_effect(entry, standing, ix)) if w is not None]
        return [] if found is None else [found]

    def _carriers_of(self, conn: Connection, entry: Dispatch, group: Group
                     ) -> tuple[str | None, list[Labour]]:
        """Whose carriers a convoy of a mode of labour takes, and their registrations (the
        carrier labour entries of its mode standing): those of the place it leaves where
        they are registered there, their home, and as many units as it carries by its day;
        else those of every locality (``None``): the warning does not follow whose units
        wait where (the State does, :func:`~supplyline.ops.replan.lost_by_home`), so a
        convoy with units come from elsewhere, or leaving a depot, is judged by all of
        them. None for an owned mode."""
        mode = self.index.modes[entry.mode]
        if mode.units_from != "labour":
            return None, []

        def carriers(place: str) -> list[Labour]:
            return [e for e in self._standing(conn, "labour", place, group)
                    if isinstance(e, Labour) and e.role == "carrier" and e.mode == entry.mode]

        own = carriers(entry.from_)
        crew = mode.crew_per_unit or 1.0
        if sum(e.persons for e in own if e.date <= entry.date) / crew >= entry.units - 1e-6:
            return entry.from_, own
        return None, [e for p in self.index.places.values() if p.kind == "locality"
                      for e in carriers(p.id)]

    def _standing(self, conn: Connection, kind: str, place: str, group: Group,
                  entry: Entry | None = None) -> list[Entry]:
        """The entries of ``kind`` in the books of ``place`` that stand once ``entry`` (if
        any) is written: those in force, less the one it corrects, with those waiting in
        ``group``, and itself."""
        if "standing" not in self.cache:  # made once, so that it is compiled once
            self.cache["standing"] = select(t.entry.c.id, t.entry.c.payload).where(
                t.entry.c.kind == bindparam("kind"), t.entry.c.place == bindparam("place"),
                in_force())
        rows = conn.execute(self.cache["standing"], {"kind": kind, "place": place}).all()
        replaced = None if entry is None else entry.corrects
        out = [self._read(r.payload) for r in rows if r.id != replaced]
        out += group.waiting.get((kind, place), [])
        return out if entry is None else [*out, entry]

    def _read(self, payload: str) -> Entry:
        """An entry as stored, parsed once (the books' checks only read it): every write of
        a kind at a place reads all the entries of that kind standing there, and parsing
        them each time made a batch's writes take time growing with the square of its
        length (1,100 pledges of one locality in one batch: 11.4 s, against 2.8 s kept).
        Kept by the stored text, not the id (a transaction rolled back may leave an id to
        another entry), at most :data:`READ_KEPT` of them."""
        found = self.parsed.get(payload)
        if found is None:
            if len(self.parsed) >= READ_KEPT:
                self.parsed.clear()
            found = self.parsed[payload] = parse_entry(json.loads(payload))
        return found

    def _given(self, conn: Connection, locality: str, good: str,
               group: Group) -> dict[dt.date, float]:
        """kg of ``good`` that ``locality`` gave, by day (the daily sums of its
        contributions, what ``group`` adds counted)."""
        key = (locality, good)
        if key not in group.given_read:
            if "given" not in self.cache:  # made once, so that it is compiled once
                d = t.daily.c
                # Every place, where a contribution may be received: the daily sums' key
                # starts with the place, so that they are read by it, by index.
                self.cache["given"] = select(d.date, func.sum(d.delta)).where(
                    d.kind == "contribution", d.source == bindparam("locality"),
                    d.item == bindparam("good"), d.place.in_(sorted(self.index.places))
                ).group_by(d.date)
            rows = conn.execute(self.cache["given"], {"locality": locality, "good": good})
            group.given_read[key] = {day: float(kg) for day, kg in rows}
        out = dict(group.given_read[key])
        for day, kg in group.given_pending.get(key, {}).items():
            out[day] = out.get(day, 0.0) + kg
        return out

    def _place(self, conn: Connection, entry_id: int) -> str:
        """Whose books entry ``entry_id`` is in (what its cancellation names)."""
        place = conn.execute(select(t.entry.c.place).where(t.entry.c.id == entry_id)).scalar()
        if place is None:
            raise EntryError("corrects", f"expected the id of an entry, got {entry_id}: no "
                                         f"entry has that id")
        return str(place)

    def _first(self, conn: Connection, entry_id: int) -> int:
        """The first entry of the chain of corrections ``entry_id`` is in."""
        root = entry_id
        while (up := conn.execute(select(t.entry.c.corrects)
                                  .where(t.entry.c.id == root)).scalar()) is not None:
            root = up
        return root

    def _latest(self, conn: Connection, entry_id: int) -> tuple[int, str]:
        """The last entry (id, kind) of the chain of corrections from ``entry_id`` on: what
        stands of it (a ``cancel`` when it was cancelled)."""
        latest, kind = entry_id, None
        while (down := conn.execute(select(t.entry.c.id, t.entry.c.kind)
                                    .where(t.entry.c.corrects == latest)).first()) is not None:
            latest, kind = down.id, down.kind
        if kind is None:
            kind = conn.execute(select(t.entry.c.kind).where(t.entry.c.id == latest)
                                ).scalar_one()
        return latest, str(kind)

    def _received(self, conn: Connection, convoy: int) -> int | None:
        """The receipt standing of convoy ``convoy`` (its first dispatch's id), if any: none
        when it was never received, or its receipt was cancelled."""
        first = conn.execute(select(t.entry.c.id).where(t.entry.c.receipt_of == convoy)
                             ).scalar()
        if first is None:
            return None
        latest, kind = self._latest(conn, first)
        return None if kind == "cancel" else latest

    def _insert(self, conn: Connection, ready: list[tuple[Prepared, str]],
                written_at: dt.datetime) -> list[Recorded]:
        """Insert prepared entries (each with its author) and their movements: two
        statements however many entries (their daily sums are the group's)."""
        ids = conn.execute(self._statement("entry"), [
            {"kind": r.entry.kind, "date": r.entry.date, "place": r.place,
             "payload": json.dumps(dump_entry(r.entry)), "corrects": r.entry.corrects,
             "receipt_of": r.receipt_of, "author": author, "written_at": written_at,
             "warnings": json.dumps([w.to_record() for w in r.warnings])}
            for r, author in ready]).scalars().all()
        rows = [{"entry_id": entry_id, "place": p, "item": i, "date": d, "delta": x,
                 "own": own}
                for (r, _author), entry_id in zip(ready, ids, strict=True)
                for own, moves in ((True, r.own), (False, r.undo))
                for p, i, d, x in moves]
        if rows:
            conn.execute(self._statement("movement"), rows)
        return [Recorded(entry_id, r.entry.kind, r.entry.date, r.place, r.entry,
                         r.entry.corrects, author, written_at, tuple(r.warnings))
                for (r, author), entry_id in zip(ready, ids, strict=True)]

    def _dispatch(self, conn: Connection, dispatch_id: int) -> tuple[int, Dispatch]:
        """The convoy a receipt names, as last corrected: (first entry's id, dispatch)."""
        row = conn.execute(select(t.entry.c.kind, t.entry.c.corrects)
                           .where(t.entry.c.id == dispatch_id)).first()
        if row is None or row.kind != "dispatch":
            raise EntryError("dispatch", f"expected the id of a dispatched convoy, got "
                                         f"{dispatch_id}: no convoy was sent with that id")
        root = self._first(conn, dispatch_id)
        latest, kind = self._latest(conn, root)
        if kind == "cancel":
            raise EntryError("dispatch", f"expected the id of a dispatched convoy, got "
                                         f"{dispatch_id}: convoy {root} was cancelled (entry "
                                         f"{latest})")
        payload = conn.execute(select(t.entry.c.payload).where(t.entry.c.id == latest)
                               ).scalar_one()
        found = self._read(payload)
        assert isinstance(found, Dispatch)
        return root, found

    def _undo(self, conn: Connection, entry: Entry, allowed: Any, convoy: int, group: Group
              ) -> tuple[list[tuple[str, str, dt.date, float]], str, str]:
        """Movements undoing the own effect of the entry ``entry`` corrects or cancels, and
        that entry's place and kind. A correction is of the same kind (a receipt may also
        take the place of the cancellation of a receipt of its ``convoy``); a cancellation
        may not be cancelled; the entry is not yet corrected or cancelled; a dispatch is not
        yet received."""
        cancel = isinstance(entry, Cancel)
        verb = "cancel" if cancel else "correct"
        old = conn.execute(select(t.entry).where(t.entry.c.id == entry.corrects)).first()
        if old is None:
            raise EntryError("corrects", f"expected the id of an entry, got {entry.corrects}: "
                                         f"no entry has that id")
        if cancel and old.kind == "cancel":
            raise EntryError("corrects", f"expected an entry that is not a cancellation, got "
                                         f"entry {old.id}, the cancellation of entry "
                                         f"{old.corrects}: write that entry again instead")
        after_cancel = isinstance(entry, Receipt) and old.kind == "cancel"
        if not cancel and old.kind != entry.kind and not after_cancel:
            raise EntryError("corrects", f"expected an entry of kind {entry.kind!r}, got "
                                         f"entry {old.id}, a {old.kind!r}")
        later = conn.execute(select(t.entry.c.id, t.entry.c.kind)
                             .where(t.entry.c.corrects == old.id)).first()
        if later is not None and later.kind == "cancel":
            raise EntryError("corrects", f"entry {old.id} is already cancelled by "
                                         f"{group.entry(later.id)}", 409)
        if later is not None:
            raise EntryError("corrects", f"entry {old.id} is already corrected by "
                                         f"{group.entry(later.id)}; {verb} that one", 409)
        if allowed is not None:
            try:
                allowed(self._read(old.payload), old.place)
            except EntryError as error:  # the entry to correct is another's: said there
                raise EntryError("corrects", error.message, error.status) from error
        if cancel and entry.date < old.date:  # a correction's date is its fact's: any
            raise EntryError("date", f"expected a day on or after the entry it cancels "
                                     f"({old.date}), got {entry.date}")
        if old.kind == "dispatch":
            root = self._first(conn, old.id)
            got = self._received(conn, root)
            if got is not None:
                # The receipt is in the books of the convoy's destination: said, with who
                # may write there (the clerk asking may not). A correction of the convoy
                # (its cargo, units or route) is no receipt's to make: its receipt, which
                # must add up to the cargo, is cancelled first.
                at = str(conn.execute(select(t.entry.c.place).where(t.entry.c.id == got)
                                      ).scalar_one())
                who = (f"a depot clerk of {at} or the council"
                       if self.index.places[at].kind != "locality" else "the council")
                raise EntryError("corrects", f"convoy {root} was received (entry {got}, in "
                                             f"the books of {at}); cancel that receipt first "
                                             f"({who} may)", 409)
        if after_cancel:
            first = self._first(conn, old.id)
            if conn.execute(select(t.entry.c.receipt_of).where(t.entry.c.id == first)
                            ).scalar() != convoy:
                raise EntryError("corrects", f"expected the cancellation of a receipt of "
                                             f"convoy {convoy}, entry {old.id} cancels entry "
                                             f"{old.corrects}")
        elif isinstance(entry, Receipt):
            old_receipt = self._read(old.payload)
            assert isinstance(old_receipt, Receipt)
            if old_receipt.dispatch != entry.dispatch:
                raise EntryError("dispatch", f"expected the convoy of the corrected receipt "
                                             f"({old_receipt.dispatch}), got {entry.dispatch}")
        rows = conn.execute(select(t.movement.c.place, t.movement.c.item, t.movement.c.date,
                                   t.movement.c.delta)
                            .where(t.movement.c.entry_id == old.id, t.movement.c.own)).all()
        return ([(r.place, r.item, r.date, -r.delta) for r in rows], str(old.place),
                str(old.kind))

    def _moves(self, conn: Connection, entry: Entry,
               dispatch: Dispatch | None) -> list[tuple[str, str, dt.date, float]]:
        """The entry's own movements: (place, item, date, delta)."""
        d = entry.date
        if isinstance(entry, Contribution):
            return [(entry.at, entry.good, d, entry.kg)]
        if isinstance(entry, Labour) and entry.role == "carrier":
            assert entry.mode is not None
            crew = self.index.modes[entry.mode].crew_per_unit or 1.0
            units = entry.persons / crew
            return [(entry.locality, t.units_waiting(entry.mode), d, units),
                    (entry.locality, t.units_serving(entry.mode), d, units)]
        if isinstance(entry, Dispatch):
            moves = [(entry.from_, good, d, -kg) for good, kg in entry.cargo_kg.items()
                     if kg > 0]
            moves += sent_moves(entry, self.index.route_of(entry))
            return [*moves, (entry.from_, t.units_waiting(entry.mode), d, -entry.units)]
        if isinstance(entry, Receipt):
            assert dispatch is not None
            problems = []  # every one at once
            if d < dispatch.date:
                problems.append(EntryError("date", f"expected a day on or after the convoy "
                                                   f"left ({dispatch.date}), got {d}"))
            accounted: dict[str, float] = defaultdict(float)
            for good, kg in entry.received_kg.items():
                accounted[good] += kg
            for loss in entry.losses:
                accounted[loss.good] += loss.kg
            for good in sorted(set(accounted) | set(dispatch.cargo_kg)):
                sent = dispatch.cargo_kg.get(good, 0.0)
                if abs(accounted[good] - sent) > 0.5 + 1e-9 * sent:
                    problems.append(EntryError(
                        f"received_kg.{good}",
                        f"expected received and lost to add up to the {sent:,.1f} kg of "
                        f"{good} the convoy carried, got {accounted[good]:,.1f} kg"))
            lost_units = 0.0
            for i, gone in enumerate(entry.units_lost):
                lost_units += gone.units
                if lost_units > dispatch.units * (1 + 1e-9) + TOL and not any(
                        p.field.startswith("units_lost.") for p in problems):
                    problems.append(EntryError(
                        f"units_lost.{i}.units",
                        f"expected at most the {units_of(dispatch.units)} the convoy took "
                        f"lost in all, got {lost_units:g}"))
            if problems:
                raise EntryError.of(problems)
            moves = [(dispatch.to, good, d, kg) for good, kg in entry.received_kg.items()
                     if kg > 0]
            moves += lost_moves(entry, dispatch.to, dispatch.mode)
            arrived = max(0.0, dispatch.units - lost_units)
            if arrived > TOL:
                moves.append((dispatch.to, t.units_waiting(dispatch.mode), d, arrived))
            return moves
        return []

    def _statement(self, name: str) -> Any:
        """Insert statements made once, so that they are compiled once."""
        if name not in self.cache:
            if name == "entry":
                self.cache[name] = insert(t.entry).returning(t.entry.c.id,
                                                             sort_by_parameter_order=True)
            else:
                self.cache[name] = insert(t.movement)
        return self.cache[name]

    def _series(self, conn: Connection, place: str, item: str,
                group: Group | None = None) -> dict[dt.date, float]:
        """A place's daily sums of an item, by date (through ``group`` when given)."""
        if group is not None:
            key = (place, item)
            if key not in group.read:
                group.read[key] = self._series(conn, place, item)
            out = dict(group.read[key])
            for d, x in group.pending.get(key, {}).items():
                out[d] = out.get(d, 0.0) + x
            return out
        rows = conn.execute(
            select(t.daily.c.date, func.sum(t.daily.c.delta))
            .where(t.daily.c.place == place, t.daily.c.item == item)
            .group_by(t.daily.c.date)).all()
        return {d: float(x) for d, x in rows}

    def _add_daily(self, conn: Connection, group: Group) -> None:
        """Add a transaction's movements to the daily sums: one statement, the rows in
        order (two writers meeting on the same rows take them in the same order)."""
        if not group.summed:
            return
        rows = [{"place": p, "item": i, "date": d, "kind": k, "source": src, "delta": x}
                for (p, i, d, k, src), x in sorted(group.summed.items())]
        if "upsert" not in self.cache:  # made once, so that it is compiled once
            if self.postgres:
                from sqlalchemy.dialects.postgresql import insert as upsert
            else:
                from sqlalchemy.dialects.sqlite import (  # type: ignore[assignment]
                    insert as upsert,
                )
            statement = upsert(t.daily)
            self.cache["upsert"] = statement.on_conflict_do_update(
                index_elements=["place", "item", "date", "kind", "source"],
                set_={"delta": t.daily.c.delta + statement.excluded.delta})
        conn.execute(self.cache["upsert"], rows)
        group.summed = {}

    def _lock(self, conn: Connection, entries: list[Entry]) -> None:
        """PostgreSQL: take the locks of the places whose balances the entries may lower
        (or that a receipt or a correction touches), in one order, in one statement, before
        writing any of them: two writers that could both take the last sack of a place are
        one after the other, and never wait for each other in a circle.

        A new entry that only adds (a contribution, labour, a pledge, wounded, a route
        report) takes none: what it adds cannot make another writer's check wrong, and the
        daily sums are added to at the end of a transaction with their rows in order."""
        places: set[str] = set()
        for entry in entries:
            if entry.corrects is None and not isinstance(entry, Dispatch | Receipt):
                continue
            if isinstance(entry, Receipt):
                with suppress(EntryError):  # said when the entry is written
                    places.add(self._dispatch(conn, entry.dispatch)[1].to)
            elif not isinstance(entry, Cancel):  # its entry's places: below
                places.add(place_of(entry))
            if isinstance(entry, Contribution):
                places.add(entry.at)
            if entry.corrects is not None:
                places.update(conn.execute(
                    select(t.movement.c.place).where(t.movement.c.entry_id == entry.corrects)
                    .distinct()).scalars())
                places.update(conn.execute(
                    select(t.entry.c.place).where(t.entry.c.id == entry.corrects)).scalars())
        if places:  # the locks taken in the order of the places' names
            conn.execute(text(
                "SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) "
                "WITH ORDINALITY AS u(k, n) ORDER BY n"),
                {"keys": [_lock_key(p) for p in sorted(places)]})

    def _owned_units(self, conn: Connection, entry: Entry,
                     moves: list[tuple[str, str, dt.date, float]],
                     group: Group | None = None, undo: Sequence[Move] = ()
                     ) -> list[tuple[str, str, dt.date, float]]:
        """A dispatch from the home of owned carriers puts into service the units it needs
        beyond those waiting there (up to the units owned), counted with ``undo`` (what
        undoing the entry it corrects gives back: its convoy's units)."""
        if not isinstance(entry, Dispatch):
            return moves
        key = (entry.from_, entry.mode)
        owned = self.owned.get(key, 0.0)
        if self.index.modes[entry.mode].units_from != "owned" or owned <= 0:
            return moves

        def series(item: str) -> dict[dt.date, float]:
            out = self._series(conn, entry.from_, item, group)
            for place, moved, d, x in undo:
                if (place, moved) == (entry.from_, item):
                    out[d] = out.get(d, 0.0) + x
            return out

        item = t.units_waiting(entry.mode)
        lowest = _lowest_after(series(item), entry.date, -entry.units)
        need = max(0.0, -lowest)
        if need <= TOL:
            return moves
        serving = sum(series(t.units_serving(entry.mode)).values())
        if serving + need > owned + TOL:
            raise EntryError("units", f"expected at most "
                                      f"{units_of(max(0.0, lowest + entry.units))} of "
                                      f"{entry.mode} waiting at {entry.from_} on "
                                      f"{entry.date} and after, with {owned - serving:g} more "
                                      f"it owns to put into service; got {entry.units:g}")
        return [*moves, (entry.from_, item, entry.date, need),
                (entry.from_, t.units_serving(entry.mode), entry.date, need)]

    def _short(self, conn: Connection, entry: Entry,
               moves: list[tuple[str, str, dt.date, float]],
               group: Group | None = None) -> list[EntryError]:
        """No place may hold less than nothing of a good or of waiting units on any day; a
        front holds what it received less what it sent and what it ate (:meth:`eaten`).
        Each good or mode ``moves`` would leave short, said on the first day it is (every
        one at once: a clerk sent the entry again for each)."""
        short: list[EntryError] = []
        taken: dict[tuple[str, str], list[tuple[dt.date, float]]] = defaultdict(list)
        for place, item, d, delta in moves:
            taken[(place, item)].append((d, delta))
        wants = self._wants()
        start_date = self.scenario.start_date
        for (place, item), deltas in taken.items():
            if all(x >= 0 for _, x in deltas):
                continue
            series = self._series(conn, place, item, group)
            first = min(d for d, x in deltas if x < 0)
            start = self.initial.get((place, item), 0.0)
            # What it holds after each day's movements, without this entry and with it.
            dates = sorted({*series, *(d for d, _ in deltas)})
            if (place, item) in wants:  # every day, for the front eats every day
                last = max(dates)
                dates = [start_date + dt.timedelta(days=i)
                         for i in range((last - start_date).days + 1)]
            mine: dict[dt.date, float] = defaultdict(float)
            for d, x in deltas:
                mine[d] += x
            before = np.array([series.get(d, 0.0) for d in dates])
            after = before + np.array([mine.get(d, 0.0) for d in dates])
            want = wants.get((place, item), np.zeros(0))[:len(dates)]
            want = np.pad(want, (0, len(dates) - want.size))  # none past the horizon
            _ate, held = _fronts_eat(start, before, want)
            _ate, left = _fronts_eat(start, after, want)
            for d, was, running in zip(dates, held, left, strict=True):
                if d >= first and running < -TOL * max(1.0, abs(start)) - 1e-6:
                    counted = t.read_item(item)
                    if counted.kind == "unit":  # carriers, counted whole as units are
                        holds, leaves = (f"{units_of(max(was, 0.0))} of {counted.mode} "
                                         f"waiting", units_of(running))
                    else:
                        holds, leaves = f"{max(was, 0.0):,.1f} kg of {item}", f"{running:,.1f}"
                    field = _field_of(entry, item)
                    message = f"{place} holds {holds} on {d}; this entry would leave {leaves}"
                    if entry.corrects is not None:  # what took it since
                        message += self._taken(conn, place, item, first)
                    short.append(EntryError(field, message))
                    break
        return short

    def _taken(self, conn: Connection, place: str, item: str, since: dt.date) -> str:
        """Which entries standing took ``item`` from ``place`` from ``since`` on (what a
        correction or a cancellation would leave short), each with its own date: said, to
        be dealt with first."""
        m = t.movement.c
        takers = conn.execute(
            select(m.entry_id, t.entry.c.date).join(t.entry, t.entry.c.id == m.entry_id)
            .where(m.place == place, m.item == item, m.own, m.delta < 0, m.date >= since,
                   in_force())
            .distinct().order_by(m.entry_id).limit(6)).all()
        if not takers:
            return ""
        said_ = [f"{i} on {d}" for i, d in takers[:5]] + (["more"] if len(takers) > 5 else [])
        one = len(takers) == 1
        return (f" (taken by entr{'y' if one else 'ies'} {words_and(said_)}: cancel or "
                f"correct {'that' if one else 'those'} first)")

    # --- reading -------------------------------------------------------------------------

    def entries(self, *, kind: str | None = None, place: str | None = None,
                since: dt.date | None = None, until: dt.date | None = None,
                effective: bool = False, limit: int | None = None,
                offset: int = 0, newest: bool = False) -> list[Recorded]:
        """Entries in the order written (``newest`` first), filtered; ``effective``: only
        those no later entry corrects (what stands). Each says the entry that corrects or
        cancels it, if any (:attr:`Recorded.replaced_by`)."""
        later = aliased(t.entry)
        q = (select(t.entry, later.c.id.label("replaced_by"),
                    later.c.kind.label("replaced_kind"))
             .outerjoin(later, later.c.corrects == t.entry.c.id)
             .where(*_filtered(kind, place, since, until, effective))
             .order_by(t.entry.c.id.desc() if newest else t.entry.c.id))
        if limit is not None:
            q = q.limit(limit).offset(offset)
        with self.reading() as conn:
            rows = conn.execute(q).all()
        return [recorded(r) for r in rows]

    def count(self, *, kind: str | None = None, place: str | None = None,
              since: dt.date | None = None, until: dt.date | None = None,
              effective: bool = False) -> int:
        """How many entries :meth:`entries` gives with the same filters (all of them, however
        few it is asked for)."""
        q = (select(func.count()).select_from(t.entry)
             .where(*_filtered(kind, place, since, until, effective)))
        with self.reading() as conn:
            return int(conn.execute(q).scalar_one())

    def balances(self, before: dt.date | None = None) -> dict[tuple[str, str], float]:
        """What each place holds: goods (kg, scenario stocks included), ``unit:MODE``
        (units waiting) and ``service:MODE`` (units in service by home), counting the
        movements dated before ``before`` (all when ``None``)."""
        q = select(t.daily.c.place, t.daily.c.item, func.sum(t.daily.c.delta)
                   ).group_by(t.daily.c.place, t.daily.c.item)
        if before is not None:
            q = q.where(t.daily.c.date < before)
        with self.reading() as conn:
            rows = conn.execute(q).all()
        out: dict[tuple[str, str], float] = dict(self.initial)
        for place, item, total in rows:
            out[(place, item)] = out.get((place, item), 0.0) + float(total)
        return out

    def unit_moves(self, before: dt.date | None = None) -> list[UnitMove]:
        """The movements of units that stand (the own movements of the entries in force),
        dated before ``before`` (all when ``None``), in date order (within a day, in no
        order): units waiting (``unit:MODE``: registered, put into service, sent and
        arrived) and lost on the way (``unitlost:REASON:MODE``), each with its entry's kind
        and, for a dispatch or a receipt, its convoy (the id of the convoy's first
        dispatch: a correction of a dispatch, and every receipt of the convoy, corrected or
        written after a cancelled one, name the same). The others (labour, put into
        service) come summed by day, kind, place and item: no convoy tells them apart."""
        m, e = t.movement.c, t.entry.c
        convoys = e.kind.in_(("dispatch", "receipt"))
        units = m.item.like(t.WAITING_LIKE) | m.item.like(t.UNITS_LOST_LIKE)
        each = (select(m.date, e.kind, e.id, m.place, m.item, m.delta)
                .join(t.entry, e.id == m.entry_id)
                .where(m.own, in_force(), units, convoys))
        summed = (select(m.date, e.kind, null().label("id"), m.place, m.item,
                         func.sum(m.delta).label("delta"))
                  .join(t.entry, e.id == m.entry_id)
                  .where(m.own, in_force(), units, ~convoys)
                  .group_by(m.date, e.kind, m.place, m.item))
        if before is not None:
            each, summed = each.where(m.date < before), summed.where(m.date < before)
        chained = select(e.id, e.corrects, e.receipt_of).where(
            e.corrects.is_not(None) | e.receipt_of.is_not(None))
        with self.reading() as conn:
            rows = list(conn.execute(each).all())
            rows += conn.execute(summed).all()
            links = conn.execute(chained).all()
        up = {r.id: r.corrects for r in links if r.corrects is not None}
        receives = {r.id: r.receipt_of for r in links if r.receipt_of is not None}

        def first(entry_id: int) -> int:
            while entry_id in up:
                entry_id = up[entry_id]
            return entry_id

        out: list[UnitMove] = [
            (day, kind, None if entry_id is None else
             first(entry_id) if kind == "dispatch" else receives.get(first(entry_id)),
             place, item, float(delta))
            for day, kind, entry_id, place, item, delta in rows]
        out.sort(key=itemgetter(0))
        return out

    def given(self, before: dt.date | None = None) -> dict[tuple[str, str], float]:
        """kg each locality gave of each good (contributions dated before ``before``)."""
        d = t.daily.c
        q = select(d.source, d.item, func.sum(d.delta)).where(
            d.kind == "contribution", d.item.in_(sorted(self.index.goods))
        ).group_by(d.source, d.item)
        if before is not None:
            q = q.where(d.date < before)
        with self.reading() as conn:
            return {(p, g): float(kg) for p, g, kg in conn.execute(q).all()}

    def on_hand(self, before: dt.date, eaten_before: dt.date | None = None
                ) -> dict[tuple[str, str], float]:
        """:meth:`balances` counting the movements dated before ``before``, less what the
        fronts ate on the days before ``eaten_before`` (``before`` when ``None``): what
        each place holds (:meth:`eaten`)."""
        out = self.balances(before=before)
        for key, kg in self.eaten(before if eaten_before is None else eaten_before).items():
            out[key] = out.get(key, 0.0) - kg
        return out

    def eaten(self, before: dt.date) -> dict[tuple[str, str], float]:
        """kg of each good each front ate on the days before ``before``.

        The books record what arrived, not what was eaten: a front eats the scenario's
        demand of each day from what it holds that day (its stock at the start of the day
        and that day's movements), never more than it holds. What a front holds is what
        it received less what it sent and what it ate by then."""
        sc = self.scenario
        days = min(max((before - sc.start_date).days, 0), sc.days)
        wants = self._wants()
        if days == 0 or not wants:
            return {}
        c = t.daily.c
        moved: dict[tuple[str, str], np.ndarray] = defaultdict(lambda: np.zeros(days))
        with self.reading() as conn:
            rows = conn.execute(
                select(c.place, c.item, c.date, func.sum(c.delta))
                .where(c.place.in_(sorted({p for p, _ in wants})),
                       c.item.in_(sorted({g for _, g in wants})),
                       c.date >= sc.start_date,
                       c.date < sc.start_date + dt.timedelta(days=days))
                .group_by(c.place, c.item, c.date)).all()
        for place, good, day, kg in rows:
            if (place, good) in wants:
                moved[(place, good)][(day - sc.start_date).days] += float(kg)
        out = {}
        for key, want in wants.items():
            ate, _held = _fronts_eat(self.initial.get(key, 0.0), moved[key], want[:days])
            if ate > 0:
                out[key] = ate
        return out

    def _wants(self) -> dict[tuple[str, str], np.ndarray]:
        """The scenario's demand by (front, good): kg a day over the horizon, the
        network's own (:attr:`~supplyline.network.Network.demand_kg_by_day`)."""
        if "demand" not in self.cache:
            net = self.index.network
            by_day = net.demand_kg_by_day
            self.cache["demand"] = {
                (pid, good): by_day[p, c] for p, pid in enumerate(net.place_ids)
                for c, good in enumerate(net.commodity_ids)
                if good in self.index.goods and by_day[p, c].any()}
        wants: dict[tuple[str, str], np.ndarray] = self.cache["demand"]
        return wants

    def actual_by_day(self) -> list[tuple[str, str, dt.date, float]]:
        """What the books show, per day, as ``(what, id, date, kg)``: kg given by each
        locality, sent over each route, received at each front (all goods together), read
        from the daily sums."""
        goods = sorted(self.index.goods)
        fronts = [p.id for p in self.scenario.places if p.kind == "front"]
        d = t.daily.c
        with self.reading() as conn:
            given = conn.execute(
                select(d.source, d.date, func.sum(d.delta))
                .where(d.kind == "contribution", d.item.in_(goods))
                .group_by(d.source, d.date)).all()
            sent = conn.execute(
                select(d.place, d.item, d.date, func.sum(d.delta))
                .where(d.item.like(t.SENT_LIKE)).group_by(d.place, d.item, d.date)).all()
            arrived = conn.execute(
                select(d.place, d.date, func.sum(d.delta))
                .where(d.kind == "receipt", d.place.in_(fronts), d.item.in_(goods))
                .group_by(d.place, d.date)).all()
        out = [("locality", p, day, float(kg)) for p, day, kg in given]
        for place, item, day, kg in sent:
            way = t.read_item(item)  # (no route in books written before routes were named:
            # the one joining the places)
            joining = self.index.routes_between(place, way.to, way.mode) or [
                f"{place}--{way.to}"]
            out.append(("route", way.route or joining[0], day, float(kg)))
        out += [("front", p, day, float(kg)) for p, day, kg in arrived]
        return out

    # --- plans ---------------------------------------------------------------------------

    def save_plan(self, figures: dict[str, Any], author: str) -> int:
        """Keep a plan's figures; the latest kept is the plan in force."""
        with self.writing() as conn:
            return int(conn.execute(
                insert(t.plan).returning(t.plan.c.id),
                {"start": dt.date.fromisoformat(figures["start"]), "author": author,
                 "written_at": now(), "status": str(figures.get("status", "")),
                 "figures": json.dumps(figures)}).scalar_one())

    def answer_of(self, author: str, key: str, digest: str) -> dict[str, Any] | None:
        """The answer a request that writes plans (``POST /api/plans``, ``/api/replan``) was
        given when ``author`` first sent it with ``key`` (``Idempotency-Key``), if it was:
        sent again, it is answered so and writes nothing. :class:`KeyReused` where the key
        was first sent with another request (``digest``: SHA-256 of the request)."""
        with self.reading() as conn:
            row = conn.execute(select(t.request.c.digest, t.request.c.entries)
                               .where(t.request.c.author == author,
                                      t.request.c.key == key)).first()
        if row is None:
            return None
        if row.digest != digest:
            raise KeyReused(key, "a request other than the one")
        answer: dict[str, Any] = json.loads(row.entries)
        return answer

    def save_plans(self, kept: Sequence[dict[str, Any]], author: str,
                   answer: Callable[[list[int]], dict[str, Any]],
                   request: tuple[str, str] | None = None) -> dict[str, Any]:
        """Keep plans' figures (the last kept is the plan in force) in one transaction, and
        the answer ``answer(ids)`` gives the request; where it was sent with a key
        (``request``: its key and digest), the answer is kept with the key in the same
        transaction, so that the request sent again writes nothing (:meth:`answer_of`).
        Where another server process kept the same request meanwhile, nothing is written
        and its answer is the answer."""
        try:
            with self.writing() as conn:
                written = now()
                ids = [int(conn.execute(
                    insert(t.plan).returning(t.plan.c.id),
                    {"start": dt.date.fromisoformat(figures["start"]), "author": author,
                     "written_at": written, "status": str(figures.get("status", "")),
                     "figures": json.dumps(figures)}).scalar_one()) for figures in kept]
                said: dict[str, Any] = answer(ids)
                if request is not None:
                    conn.execute(insert(t.request), {
                        "author": author, "key": request[0], "digest": request[1],
                        "entries": json.dumps(said), "written_at": written})
                return said
        except IntegrityError:
            if request is None:
                raise
            first = self.answer_of(author, *request)
            if first is None:
                raise
            return first

    def plan_in_force(self) -> tuple[int, dict[str, Any]] | None:
        """(id, figures) of the latest plan kept, if any."""
        with self.reading() as conn:
            row = conn.execute(select(t.plan.c.id, t.plan.c.figures)
                               .order_by(t.plan.c.id.desc()).limit(1)).first()
        return None if row is None else (int(row.id), json.loads(row.figures))

    def plans_kept(self) -> list[tuple[int, dict[str, Any]]]:
        """(id, figures) of every plan kept, oldest first (the last is in force)."""
        with self.reading() as conn:
            rows = conn.execute(select(t.plan.c.id, t.plan.c.figures)
                                .order_by(t.plan.c.id)).all()
        return [(int(row.id), json.loads(row.figures)) for row in rows]

    def entries_dated(self, after: dt.date | None = None, until: dt.date | None = None
                      ) -> tuple[int, dt.date | None]:
        """How many entries standing in the books are dated after ``after`` and up to
        ``until`` (each when given), and the last one's date (``None`` when none). An entry
        corrected or cancelled since counts for nothing, nor does a cancellation's own date
        (the entry it cancels counts nowhere, whatever its date)."""
        c = t.entry.c
        q = select(func.count(), func.max(c.date)).where(in_force(), c.kind != "cancel")
        if after is not None:
            q = q.where(c.date > after)
        if until is not None:
            q = q.where(c.date <= until)
        with self.reading() as conn:
            count, last = conn.execute(q).one()
        return int(count), last

    def today(self) -> dt.date:
        """The books' today: the day after the last entry standing (within the horizon; its
        start when there is none)."""
        sc = self.scenario
        _count, last = self.entries_dated()
        return sc.start_date if last is None else min(sc.end_date, last + dt.timedelta(days=1))

    def plans(self) -> list[dict[str, Any]]:
        with self.reading() as conn:
            rows = conn.execute(select(t.plan.c.id, t.plan.c.start, t.plan.c.author,
                                       t.plan.c.written_at, t.plan.c.status)
                                .order_by(t.plan.c.id)).all()
        return [{"id": r.id, "start": r.start.isoformat(), "author": r.author,
                 "written_at": in_utc(r.written_at).isoformat(), "status": r.status}
                for r in rows]


def sent_moves(entry: Dispatch, route: str) -> list[tuple[str, str, dt.date, float]]:
    """What a convoy carried, by good, counted where it left as
    ``sent:TO:MODE:GOOD:ROUTE``."""
    return [(entry.from_, t.kg_sent(entry.to, entry.mode, good, route), entry.date, kg)
            for good, kg in entry.cargo_kg.items() if kg > 0]


def lost_moves(entry: Receipt, at: str, mode: str) -> list[tuple[str, str, dt.date, float]]:
    """What a convoy lost, counted where it arrived (``at``): kg by reason and good as
    ``lost:REASON:GOOD``, units of its ``mode`` by reason as ``unitlost:REASON:MODE``."""
    return [(at, t.kg_lost(loss.reason, loss.good), entry.date, loss.kg)
            for loss in entry.losses] + [
        (at, t.units_lost(loss.reason, mode), entry.date, loss.units)
        for loss in entry.units_lost]


def _lowest_after(series: dict[dt.date, float], day: dt.date, delta: float) -> float:
    """The lowest running total from ``day`` on once ``delta`` is added on ``day``."""
    series = dict(series)
    series[day] = series.get(day, 0.0) + delta
    running, lowest = 0.0, np.inf
    for d in sorted(series):
        running += series[d]
        if d >= day:
            lowest = min(lowest, running)
    return float(lowest)


def _field_of(entry: Entry, item: str) -> str:
    if isinstance(entry, Dispatch):
        return "units" if t.read_item(item).kind == "unit" else f"cargo_kg.{item}"
    if isinstance(entry, Contribution):
        return "kg"
    if isinstance(entry, Receipt):  # (a convoy's units are the ones it did not lose)
        return "units_lost" if t.read_item(item).kind == "unit" else f"received_kg.{item}"
    if isinstance(entry, Labour):  # (a correction to fewer carriers than were sent on)
        return "persons"
    return "corrects"


#: The field of each kind of entry that says whose books it belongs to (:func:`place_of`;
#: a receipt's is that of the dispatch it names, a cancellation's that of the entry it
#: cancels).
PLACE_FIELD = {"pledge": "locality", "contribution": "locality", "labour": "locality",
               "dispatch": "from", "wounded": "front", "route": "route",
               "receipt": "dispatch", "cancel": "corrects"}


def place_of(entry: Entry) -> str:
    """Whose books an entry belongs to: its :data:`PLACE_FIELD` (a receipt's is its convoy's
    destination, a cancellation's its entry's, known only from the books)."""
    if isinstance(entry, Receipt | Cancel):
        raise TypeError(f"the place of a {entry.kind} is read from the books")
    field = PLACE_FIELD[entry.kind]
    place: str = getattr(entry, "from_" if field == "from" else field)
    return place


def _fronts_eat(start: float, moved: np.ndarray, want: np.ndarray) -> tuple[float, np.ndarray]:
    """A place day by day from ``start``: each day's movements ``moved``, then it eats the
    day's ``want`` from what it holds, never more (the rule of :meth:`Books.eaten`; zeros
    for a place that eats nothing). What it ate in all, and what it held each day after the
    day's movements, before eating."""
    held, ate = start, 0.0
    before_eating = np.empty(moved.size)
    for i, (delta, need) in enumerate(zip(moved, want, strict=True)):
        held += float(delta)
        before_eating[i] = held
        bite = min(max(held, 0.0), float(need))
        held, ate = held - bite, ate + bite
    return ate, before_eating


def _filtered(kind: str | None, place: str | None, since: dt.date | None,
              until: dt.date | None, effective: bool) -> list[Any]:
    """The conditions on ``entry`` rows of :meth:`Books.entries`' filters."""
    c = t.entry.c
    found = []
    if kind:
        found.append(c.kind == kind)
    if place:
        found.append(c.place == place)
    if since:
        found.append(c.date >= since)
    if until:
        found.append(c.date <= until)
    if effective:
        found.append(in_force())
    return found


def in_force() -> Any:
    """The condition on ``entry`` rows that no later entry corrects: what stands."""
    later = aliased(t.entry)
    return ~exists().where(later.c.corrects == t.entry.c.id)


def digest(token_: str) -> str:
    """SHA-256 of a session token (tokens are random, so a fast hash is enough)."""
    return hashlib.sha256(token_.encode()).hexdigest()



#: The ids an entry's fields name, beyond whose books it is in (its place) and what its
#: movements name (the places, goods and modes of units they move: a contribution's all),
#: by kind: field, and what the field names.
NAMED_IN = {"pledge": [("good", "good")], "labour": [("mode", "mode")],
            "dispatch": [("to", "place"), ("mode", "mode"), ("route", "route")],
            "wounded": [("hospital", "place")]}


def unknown_ids(conn: Connection, index: Index) -> dict[str, list[str]]:
    """The ids the books name that the scenario of ``index`` does not have, by what they
    name (place, good, mode, route): a scenario that renamed or removed them cannot read
    the books back (opening them refuses it, rather than a page or a re-plan failing on
    the first entry that names one). Entries cancelled or corrected count too: the books
    keep and show them."""
    known = {"place": set(index.places), "good": index.goods | index.wounded,
             "mode": set(index.modes), "route": set(index.routes)}
    named: dict[str, set[str]] = {what: set() for what in known}
    d = t.daily.c
    for place, item, source in conn.execute(select(d.place, d.item, d.source).distinct()):
        named["place"].update((place, source))
        counted = t.read_item(item)
        for what, value in (("good", counted.good), ("mode", counted.mode),
                            ("place", counted.to), ("route", counted.route)):
            if value:
                named[what].add(value)
    e = t.entry.c
    # (by the indexes on place and on kind: a table of 100,000 entries is read in 10 ms,
    # and in 0.2 s as distinct pairs of kind and place)
    routes = set(conn.execute(select(e.place).where(e.kind == "route").distinct()).scalars())
    named["route"] |= routes
    named["place"] |= set(conn.execute(select(e.place).distinct()).scalars()) - routes
    payload = cast(e.payload, JSON)
    for kind, fields in NAMED_IN.items():
        values = [payload[field].as_string() for field, _ in fields]
        for row in conn.execute(select(*values).where(e.kind == kind).distinct()):
            for (_, what), value in zip(fields, row, strict=True):
                if value is not None:
                    named[what].add(value)
    a = t.account.c
    named["place"].update(p for (p,) in conn.execute(
        select(a.place).where(a.place.is_not(None)).distinct()))
    return {what: sorted(ids - known[what]) for what, ids in named.items()
            if ids - known[what]}
