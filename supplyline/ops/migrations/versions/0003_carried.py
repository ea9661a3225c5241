"""What convoys carried (``sent:TO:MODE:GOOD:ROUTE`` where they left) and lost
(``lost:REASON:GOOD`` where they arrived) kept as movements, filled for the entries written
before (those that lack them), and the daily sums made again from all movements.

Revision ID: 0003
Revises: 0002
"""

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

entry = sa.table("entry", sa.column("id", sa.Integer), sa.column("kind", sa.String),
                 sa.column("date", sa.Date), sa.column("place", sa.String),
                 sa.column("payload", sa.Text), sa.column("corrects", sa.Integer))
movement = sa.table("movement", sa.column("entry_id", sa.Integer),
                    sa.column("place", sa.String), sa.column("item", sa.String),
                    sa.column("date", sa.Date), sa.column("delta", sa.Float),
                    sa.column("own", sa.Boolean))


def _carried(row: Any) -> list[tuple[str, str, float]]:
    """(place, item, kg) a dispatch sent or a receipt lost, read from its payload."""
    data = json.loads(row.payload)
    if row.kind == "dispatch":
        route = f":{data['route']}" if data.get("route") else ""  # else read as the only
        return [(data["from"], f"sent:{data['to']}:{data['mode']}:{good}{route}", kg)
                for good, kg in data.get("cargo_kg", {}).items() if kg > 0]
    return [(row.place, f"lost:{loss['reason']}:{loss['good']}", loss["kg"])
            for loss in data.get("losses", [])]


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(entry).where(entry.c.kind.in_(["dispatch", "receipt"]))
                        ).all()
    by_id = {r.id: r for r in rows}
    have = set(conn.execute(
        sa.select(movement.c.entry_id).where(
            movement.c.item.like("sent:%") | movement.c.item.like("lost:%")).distinct()
    ).scalars())
    added = []
    for r in rows:
        if r.id in have:
            continue
        added += [{"entry_id": r.id, "place": p, "item": i, "date": r.date, "delta": kg,
                   "own": True} for p, i, kg in _carried(r)]
        old = by_id.get(r.corrects)
        if old is not None:
            added += [{"entry_id": r.id, "place": p, "item": i, "date": old.date,
                       "delta": -kg, "own": False} for p, i, kg in _carried(old)]
    if added:
        conn.execute(sa.insert(movement), added)
    op.execute("DELETE FROM daily")
    # An undoing movement belongs to the books of the entry it undoes.
    op.execute(
        "INSERT INTO daily (place, item, date, kind, source, delta) "
        "SELECT m.place, m.item, m.date, e.kind, "
        "CASE WHEN m.own THEN e.place ELSE c.place END, SUM(m.delta) "
        "FROM movement m JOIN entry e ON e.id = m.entry_id "
        "LEFT JOIN entry c ON c.id = e.corrects "
        "GROUP BY m.place, m.item, m.date, e.kind, "
        "CASE WHEN m.own THEN e.place ELSE c.place END"
    )


def downgrade() -> None:
    op.execute("DELETE FROM movement WHERE item LIKE 'sent:%'")
