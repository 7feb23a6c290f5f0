"""Alembic environment: migrations run on the engine handed over by adapters.sql.migrate."""

from __future__ import annotations

from alembic import context

from adapters.sql.postgres.partitions import compared
from adapters.sql.tables import metadata

engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite",
                      include_object=compared)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
