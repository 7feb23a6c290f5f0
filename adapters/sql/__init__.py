"""SQLAlchemy Core adapters for SQLite (embedded default) and PostgreSQL (production)."""

from adapters.sql.engine import create_sql_engine, normalise_url
from adapters.sql.migrate import current_revision, head_revision, upgrade
from adapters.sql.transaction import SqlUnitOfWork
from adapters.sql.unit_of_work import SqlUnitOfWorkFactory

__all__ = ["SqlUnitOfWork", "SqlUnitOfWorkFactory", "create_sql_engine", "current_revision",
           "head_revision", "normalise_url", "upgrade"]
