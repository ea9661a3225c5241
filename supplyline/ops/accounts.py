"""Who may write what in the books: accounts with a role, passwords hashed with argon2,
session tokens kept as SHA-256 digests (a token is 32 random bytes, so a fast hash is
safe, and each request is checked without argon2's deliberate cost).

Roles: ``council`` (everything), ``depot`` (a depot clerk: dispatches and receipts of its
place), ``commune`` (a commune clerk: pledges, contributions and labour of its locality),
``viewer`` (reads only). A clerk may cancel the entries it may write (those of its place).

After :data:`MAX_FAILED` wrong passwords in a row an account is locked for
:data:`LOCK_SECONDS` (no password is checked meanwhile, the right one neither); a login
that succeeds, or a new password, starts the count again.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, insert, select, update

from supplyline.ops import tables as t
from supplyline.ops.books import PLACE_FIELD, Books, digest
from supplyline.ops.entries import Entry, EntryError, ids_listed
from supplyline.ops.writing import now

__all__ = ["LOCK_SECONDS", "MAX_FAILED", "ROLES", "Account", "AccountError", "Locked",
           "account_problems", "add_account", "check_password", "drop_token", "may_write",
           "new_token", "who"]

ROLES = ("council", "depot", "commune", "viewer")
#: The kinds each clerk may write ("cancel": of an entry of one of the others, in its books).
WRITES = {"commune": ("pledge", "contribution", "labour", "cancel"),
          "depot": ("dispatch", "receipt", "cancel")}
#: argon2id with its library's defaults (its parameters are kept in each hash, so a hash
#: made with other parameters still verifies).
hasher = PasswordHasher()
#: Wrong passwords in a row that lock an account, and for how long.
MAX_FAILED = 5
LOCK_SECONDS = 300


class Locked(Exception):
    """An account locked after too many wrong passwords: ``seconds`` until it opens."""

    def __init__(self, name: str, seconds: int) -> None:
        super().__init__(f"too many wrong passwords for {name!r}: try again in {seconds} s")
        self.seconds = seconds


class AccountError(EntryError, ValueError):
    """A bad account, said as a bad entry is (:class:`EntryError`: ``problems``, each as
    (field, "expected ..., got ..."), the first's ``field`` and ``message``, and ``status``:
    409 for a name an account has, 422 otherwise)."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    place: str | None


def _got(value: object) -> str:
    """A value as an account's problem says it found it: ``nothing`` for none."""
    return "nothing" if value is None else repr(value)


def account_problems(books: Books, data: Mapping[str, Any],
                     refused: Collection[str] = ()) -> list[tuple[str, str]]:
    """Every problem of an account's fields (``name``, ``password``, ``role``, ``place``)
    at once, as (field, "expected ..., got ..."); the fields in ``refused`` (found wrong
    already, as by the API's schema) are not judged again, nor is ``place`` while the role
    is wrong, since the place it needs hangs on the role."""
    found: list[tuple[str, str]] = []
    name, password = data.get("name"), data.get("password")
    if "name" not in refused and isinstance(name, str):
        if not 1 <= len(name) <= 100:
            found.append(("name", f"expected 1 to 100 characters, got {len(name)}"))
        elif name != name.strip() or not name.isprintable():
            # 'high ' and 'high' read as one name in a list, and a blank one as none.
            found.append(("name", "expected a name without spaces at its ends or unseen "
                                  f"characters, got {name!r}"))
    if "password" not in refused and isinstance(password, str):
        if len(password) < 8:
            found.append(("password", f"expected at least 8 characters, got "
                                      f"{len(password)}"))
        elif not password.strip():
            found.append(("password", "expected a password that is not only spaces, got "
                                      f"{len(password)} spaces"))
    role, place = data.get("role"), data.get("place")
    if "role" in refused:
        return found
    if role not in ROLES:
        found.append(("role", f"expected one of {', '.join(ROLES)}, got {_got(role)}"))
        return found
    if "place" in refused or not isinstance(place, str | None):
        return found
    kinds = {p.id: p.kind for p in books.scenario.places}
    known = place in kinds
    localities = ids_listed(place or "", (p for p, k in kinds.items() if k == "locality"),
                            known)
    others = ids_listed(place or "", (p for p, k in kinds.items() if k != "locality"), known)
    if role == "commune" and kinds.get(place or "") != "locality":
        found.append(("place", f"expected a locality for a commune clerk ({localities}), "
                               f"got {_got(place)}"))
    elif role == "depot" and kinds.get(place or "") in (None, "locality"):
        found.append(("place", f"expected a place that is not a locality for a depot clerk "
                               f"({others}), got {_got(place)}"))
    elif role in ("council", "viewer") and place is not None:
        found.append(("place", f"expected no place for role {role!r}, got {place!r}"))
    return found


def add_account(books: Books, name: str, password: str, role: str,
                place: str | None = None, replace: bool = False) -> Account:
    """Create an account (or, with ``replace``, set a new password and role); every
    problem of its fields is said at once (:class:`AccountError`)."""
    problems = account_problems(books, {"name": name, "password": password, "role": role,
                                         "place": place})
    if problems:
        raise AccountError(*problems[0], more=problems[1:])
    row = {"name": name, "role": role, "place": place,
           "password_hash": hasher.hash(password), "created_at": dt.datetime.now(dt.UTC)}
    with books.writing() as conn:
        found = conn.execute(select(t.account.c.name).where(t.account.c.name == name)).first()
        if found is not None and not replace:
            raise AccountError("name", f"expected a name no account has, got {name!r}, "
                                       "which exists", status=409)
        if found is None and not replace:
            # Names are matched as written (a login too), so 'High' beside 'high' would be a
            # second clerk, and the ledger's authors two, told apart by capitals alone.
            alike = [other for other in conn.execute(select(t.account.c.name)).scalars()
                     if other.casefold() == name.casefold()]
            if alike:
                raise AccountError("name", f"expected a name no account has, in any "
                                           f"capitals, got {name!r}: account {alike[0]!r} "
                                           "has it", status=409)
        if found is not None:
            conn.execute(delete(t.token).where(t.token.c.account == name))
            conn.execute(delete(t.login_failure).where(t.login_failure.c.account == name))
            conn.execute(delete(t.account).where(t.account.c.name == name))
        conn.execute(insert(t.account), row)
    return Account(name, role, place)


def accounts(books: Books) -> list[Account]:
    with books.reading() as conn:
        rows = conn.execute(select(t.account.c.name, t.account.c.role, t.account.c.place)
                            .order_by(t.account.c.name)).all()
    return [Account(r.name, r.role, r.place) for r in rows]


def has_council(books: Books) -> bool:
    with books.reading() as conn:
        return bool(conn.execute(select(func.count()).select_from(t.account)
                                 .where(t.account.c.role == "council")).scalar_one())


def check_password(books: Books, name: str, password: str) -> Account | None:
    """The account, when ``password`` is its password; :class:`Locked` when it is locked
    (see the module's docstring)."""
    with books.reading() as conn:
        row = conn.execute(select(t.account).where(t.account.c.name == name)).first()
        failed = conn.execute(select(t.login_failure.c.locked_until)
                              .where(t.login_failure.c.account == name)).first()
    if row is None:
        hasher.hash(password)  # the same time whether the name exists or not
        return None
    at = now()
    if failed is not None and failed.locked_until is not None:
        until = failed.locked_until
        if until.tzinfo is None:
            until = until.replace(tzinfo=dt.UTC)
        if until > at:
            raise Locked(name, max(1, math.ceil((until - at).total_seconds())))
    try:
        hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        _failed(books, name, at)
        return None
    if failed is not None:
        with books.writing() as conn:
            conn.execute(delete(t.login_failure).where(t.login_failure.c.account == name))
    return Account(row.name, row.role, row.place)


def _failed(books: Books, name: str, now: dt.datetime) -> None:
    """Count a wrong password; the last of too many in a row locks the account."""
    with books.writing() as conn:
        failures = conn.execute(select(t.login_failure.c.failures)
                                .where(t.login_failure.c.account == name)).scalar()
        count = (failures or 0) + 1
        locked = now + dt.timedelta(seconds=LOCK_SECONDS) if count >= MAX_FAILED else None
        values = {"failures": 0 if locked else count, "locked_until": locked}
        if failures is None:
            conn.execute(insert(t.login_failure), {"account": name, **values})
        else:
            conn.execute(update(t.login_failure)
                         .where(t.login_failure.c.account == name).values(**values))


def new_token(books: Books, account: Account) -> str:
    token = secrets.token_urlsafe(32)
    with books.writing() as conn:
        conn.execute(insert(t.token), {"digest": digest(token), "account": account.name,
                                       "created_at": dt.datetime.now(dt.UTC)})
    return token


def drop_token(books: Books, token: str) -> None:
    """End a session: the token is forgotten."""
    with books.writing() as conn:
        conn.execute(delete(t.token).where(t.token.c.digest == digest(token)))


def who(books: Books, token: str) -> Account | None:
    """The account a session token belongs to."""
    with books.reading() as conn:
        row = conn.execute(
            select(t.account.c.name, t.account.c.role, t.account.c.place)
            .join(t.token, t.token.c.account == t.account.c.name)
            .where(t.token.c.digest == digest(token))).first()
    return None if row is None else Account(row.name, row.role, row.place)


def may_write(account: Account, entry: Entry, place: str) -> None:
    """Raise an :class:`EntryError` with status 403 unless ``account`` may write ``entry``
    in the books of ``place``."""
    if account.role == "council":
        return
    kinds = WRITES.get(account.role, ())
    if entry.kind not in kinds:
        raise EntryError("kind", f"a {account.role} account may not write {entry.kind} "
                                 f"entries", 403)
    if place != account.place:
        raise EntryError(PLACE_FIELD[entry.kind], f"the {account.role} clerk of "
                         f"{account.place} may not write in the books of {place}", 403)
