"""What the scenario said against each entry when it was written, kept with it.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Entries written before this revision were not kept with their warnings: none is said.
    # A plain ADD COLUMN with a constant default (SQLite and PostgreSQL alike): the table is
    # not copied.
    op.add_column("entry", sa.Column("warnings", sa.Text, nullable=False,
                                     server_default="[]"))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN in place: a copy of the table would drop the old one, which
    # the movements' foreign keys forbid on SQLite.
    with op.batch_alter_table("entry", recreate="never") as batch:
        batch.drop_column("warnings")
