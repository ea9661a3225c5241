"""The books: entries and their movements, accounts and tokens, plans.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "entry",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("corrects", sa.Integer, sa.ForeignKey("entry.id"), nullable=True,
                  unique=True),
        sa.Column("receipt_of", sa.Integer, sa.ForeignKey("entry.id"), nullable=True,
                  unique=True),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("entry_kind_date", "entry", ["kind", "date"])
    op.create_index("entry_place_date", "entry", ["place", "date"])
    op.create_table(
        "movement",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("entry.id"), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("item", sa.String(220), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("delta", sa.Float, nullable=False),
        sa.Column("own", sa.Boolean, nullable=False),
    )
    op.create_index("ix_movement_entry_id", "movement", ["entry_id"])
    op.create_index("movement_place_item_date", "movement", ["place", "item", "date"])
    op.create_table(
        "account",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("place", sa.String(200), nullable=True),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "token",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("account", sa.String(100), sa.ForeignKey("account.name"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("figures", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for name in ("plan", "token", "account", "movement", "entry", "meta"):
        op.drop_table(name)
