"""The tables of the books (SQLAlchemy Core). Changed only through a migration in
``migrations/versions``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

__all__ = [
    "SENT_LIKE",
    "WAITING_LIKE",
    "Item",
    "account",
    "daily",
    "entry",
    "kg_lost",
    "kg_sent",
    "login_failure",
    "meta",
    "metadata",
    "movement",
    "plan",
    "read_item",
    "request",
    "token",
    "units_lost",
    "units_serving",
    "units_waiting",
]

metadata = MetaData()

meta = Table(
    "meta", metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

entry = Table(
    "entry", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),
    Column("date", Date, nullable=False),
    Column("place", String(200), nullable=False),
    Column("payload", Text, nullable=False),
    # The entry this one corrects, or cancels (each entry is corrected or cancelled at most
    # once: the correction is corrected in its turn).
    Column("corrects", Integer, ForeignKey("entry.id"), nullable=True, unique=True),
    # On the first receipt of a convoy only: the dispatch it receives (one receipt a convoy;
    # its corrections, its cancellation and a receipt after that follow it by "corrects").
    Column("receipt_of", Integer, ForeignKey("entry.id"), nullable=True, unique=True),
    Column("author", String(200), nullable=False),
    Column("written_at", DateTime(timezone=True), nullable=False),
    # What the scenario said against the entry when it was written (JSON: a list of
    # {"field", "message", "type"}; the books record the entry all the same).
    Column("warnings", Text, nullable=False, server_default="[]"),
)
Index("entry_kind_date", entry.c.kind, entry.c.date)
Index("entry_place_date", entry.c.place, entry.c.date)

movement = Table(
    "movement", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entry_id", Integer, ForeignKey("entry.id"), nullable=False, index=True),
    Column("place", String(200), nullable=False),
    # What is counted at the place: an Item (below).
    Column("item", String(220), nullable=False),
    Column("date", Date, nullable=False),
    Column("delta", Float, nullable=False),
    # The entry's own effect (False: the undoing of the entry it corrects or cancels).
    Column("own", Boolean, nullable=False),
)
Index("movement_place_item_date", movement.c.place, movement.c.item, movement.c.date)

# Movements summed per place, item, day, kind of entry and source (the place whose books
# the entry is in, e.g. the locality that gave): what balances, days of supply, arrivals
# and the balance checks read, small however many entries there are. Kept in the same
# transaction as the movements. An undoing movement is summed with the kind and source of
# the entry it undoes (a cancellation undoes a contribution's in "contribution", so that
# what was given counts it no more).
daily = Table(
    "daily", metadata,
    Column("place", String(200), primary_key=True),
    Column("item", String(220), primary_key=True),
    Column("date", Date, primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("source", String(200), primary_key=True),
    Column("delta", Float, nullable=False),
)

# A write sent with an ``Idempotency-Key`` (per author): the entries it wrote, so that the
# same request sent again (a double click, a retry after a lost answer) writes nothing and
# is answered as the first was. ``digest``: SHA-256 of the request's entries, so that a key
# sent again with other entries is refused.
request = Table(
    "request", metadata,
    Column("author", String(200), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("entries", Text, nullable=False),  # JSON: the ids written, in order
    Column("written_at", DateTime(timezone=True), nullable=False),
)

account = Table(
    "account", metadata,
    Column("name", String(100), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("place", String(200), nullable=True),
    Column("password_hash", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

token = Table(
    "token", metadata,
    Column("digest", String(64), primary_key=True),
    Column("account", String(100), ForeignKey("account.name"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Failed logins in a row per account; ``locked_until``: no login before then.
login_failure = Table(
    "login_failure", metadata,
    Column("account", String(100), ForeignKey("account.name"), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("locked_until", DateTime(timezone=True), nullable=True),
)

plan = Table(
    "plan", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("start", Date, nullable=False),
    Column("author", String(200), nullable=False),
    Column("written_at", DateTime(timezone=True), nullable=False),
    Column("status", String(40), nullable=False),
    Column("figures", Text, nullable=False),
)


# -- what a movement counts -------------------------------------------------------------------

ItemKind = Literal["good", "unit", "service", "lost", "unitlost", "sent"]


@dataclass(frozen=True)
class Item:
    """What a movement counts at its place (``movement.item`` and ``daily.item``), read by
    :func:`read_item` from the one grammar the functions below write (ids hold no ':'):

    - ``GOOD``: kg of a good (persons of the wounded) held there;
    - ``unit:MODE``: units waiting there (:func:`units_waiting`);
    - ``service:MODE``: units in service with this place as their home, lost ones included
      (:func:`units_serving`);
    - ``lost:REASON:GOOD``: kg lost on the way there (:func:`kg_lost`);
    - ``unitlost:REASON:MODE``: units lost on the way there (:func:`units_lost`);
    - ``sent:TO:MODE:GOOD:ROUTE``: kg sent from there (:func:`kg_sent`); the route is ""
      where books written before routes were named lack it (the one joining the places).

    The migrations write the items of their own time themselves.
    """

    kind: ItemKind
    good: str = ""
    mode: str = ""
    reason: str = ""
    to: str = ""
    route: str = ""


def units_waiting(mode: str) -> str:
    return f"unit:{mode}"


def units_serving(mode: str) -> str:
    return f"service:{mode}"


def kg_lost(reason: str, good: str) -> str:
    return f"lost:{reason}:{good}"


def units_lost(reason: str, mode: str) -> str:
    return f"unitlost:{reason}:{mode}"


def kg_sent(to: str, mode: str, good: str, route: str) -> str:
    return f"sent:{to}:{mode}:{good}:{route}"


#: The items of a kind in SQL (``daily.c.item.like(SENT_LIKE)``).
SENT_LIKE = "sent:%"
WAITING_LIKE = "unit:%"
SERVING_LIKE = "service:%"
UNITS_LOST_LIKE = "unitlost:%"


def read_item(text: str) -> Item:
    """The :class:`Item` a movement's ``item`` text writes."""
    kind, colon, rest = text.partition(":")
    if not colon:
        return Item("good", good=text)
    if kind == "unit":
        return Item("unit", mode=rest)
    if kind == "service":
        return Item("service", mode=rest)
    if kind == "lost":
        reason, _, good = rest.partition(":")
        return Item("lost", reason=reason, good=good)
    if kind == "unitlost":
        reason, _, mode = rest.partition(":")
        return Item("unitlost", reason=reason, mode=mode)
    if kind == "sent":
        to, mode, good, *route = rest.split(":")
        return Item("sent", to=to, mode=mode, good=good, route=route[0] if route else "")
    raise ValueError(f"an item of the books (GOOD, unit:, service:, lost:, unitlost: or "
                     f"sent:), got {text!r}")
