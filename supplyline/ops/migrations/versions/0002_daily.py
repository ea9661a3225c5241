"""Movements summed per place, item, day, kind and source (table ``daily``), filled from the
movements already written.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "daily",
        sa.Column("place", sa.String(200), primary_key=True),
        sa.Column("item", sa.String(220), primary_key=True),
        sa.Column("date", sa.Date, primary_key=True),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("source", sa.String(200), primary_key=True),
        sa.Column("delta", sa.Float, nullable=False),
    )
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
    op.drop_table("daily")
