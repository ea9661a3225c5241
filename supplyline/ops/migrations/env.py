"""Alembic environment of the books: run on the connection that :func:`upgrade` hands over
(``config.attributes["connection"]``)."""

from alembic import context

from supplyline.ops.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
