"""Schema migrations with Alembic, run from code so `vaani db upgrade` needs no alembic.ini."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from adapters.sql.postgres.partitions import ensure_months

MIGRATIONS = Path(__file__).with_name("migrations")


def _config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Bring the schema to `revision`; returns the revision the database is at afterwards. On
    PostgreSQL at head, the monthly partitions then reach a year ahead again."""
    command.upgrade(_config(engine), revision)
    reached = current_revision(engine)
    if engine.dialect.name == "postgresql" and reached == head_revision():
        with engine.begin() as conn:
            ensure_months(conn, datetime.now(UTC).date())
    return reached


def downgrade(engine: Engine, revision: str) -> str | None:
    """Take the schema back to `revision`; returns the revision the database is at afterwards."""
    command.downgrade(_config(engine), revision)
    return current_revision(engine)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()
