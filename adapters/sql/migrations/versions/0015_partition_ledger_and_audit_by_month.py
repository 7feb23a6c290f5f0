"""partition ledger_entries by posted_at and audit_events by occurred_at, a month each, on
PostgreSQL (adapters/sql/postgres/partitions.py says why and what it costs); SQLite keeps its
tables as they are

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 12:20:00.000000
"""
from datetime import UTC, datetime

from alembic import op

from adapters.sql.postgres.partitions import ensure_months, first_month

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# What each table needs on its new parent: the key (with the partition column), constraints
# and indexes, exactly as revision 0014 left them otherwise.
_LEDGER = [
    "ALTER TABLE ledger_entries ADD CONSTRAINT pk_ledger_entries PRIMARY KEY (sequence{key})",
    "ALTER TABLE ledger_entries ADD CONSTRAINT uq_ledger_entries_leg "
    "UNIQUE (transfer_id, entry_type{key})",
    "ALTER TABLE ledger_entries ADD CONSTRAINT fk_ledger_entries_account_id_accounts "
    "FOREIGN KEY (account_id) REFERENCES accounts (id)",
    "ALTER TABLE ledger_entries ADD CONSTRAINT fk_ledger_entries_transfer_id_transfers "
    "FOREIGN KEY (transfer_id) REFERENCES transfers (id)",
    "CREATE INDEX ix_ledger_entries_account_sequence ON ledger_entries (account_id, sequence)",
    "CREATE INDEX ix_ledger_entries_account_posted ON ledger_entries "
    "(account_id, posted_at, sequence)",
]
_AUDIT = [
    "ALTER TABLE audit_events ADD CONSTRAINT pk_audit_events PRIMARY KEY (sequence{key})",
    "CREATE INDEX ix_audit_events_customer_action_time ON audit_events "
    "(customer_id, action, occurred_at)",
]
_UNIQUE_ID = "ALTER TABLE {table} ADD CONSTRAINT uq_{table}_id UNIQUE (id)"
_TABLES = {"ledger_entries": ("posted_at", _LEDGER, "ledger_entries_sequence_seq"),
           "audit_events": ("occurred_at", _AUDIT, None)}


def _rebuild(table: str, partitioned: bool) -> None:
    column, statements, sequence = _TABLES[table]
    op.execute(f"ALTER TABLE {table} RENAME TO {table}_before")
    by = f" PARTITION BY RANGE ({column})" if partitioned else ""
    op.execute(f"CREATE TABLE {table} (LIKE {table}_before INCLUDING DEFAULTS "
               f"INCLUDING CONSTRAINTS){by}")
    if sequence:  # the serial's sequence moves to the new table, so dropping the old keeps it
        op.execute(f"ALTER SEQUENCE {sequence} OWNED BY {table}.sequence")
    if partitioned:
        op.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    since = {table: first_month(bind, table, column) for table, (column, _, _) in _TABLES.items()}
    for table in _TABLES:
        _rebuild(table, partitioned=True)
    ensure_months(bind, datetime.now(UTC).date(), since=since)
    for table, (column, statements, _) in _TABLES.items():
        op.execute(f"INSERT INTO {table} SELECT * FROM {table}_before")
        op.execute(f"DROP TABLE {table}_before")
        for statement in statements:
            op.execute(statement.format(key=f", {column}"))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table, (_, statements, _) in _TABLES.items():
        _rebuild(table, partitioned=False)
        op.execute(f"INSERT INTO {table} SELECT * FROM {table}_before")
        op.execute(f"DROP TABLE {table}_before CASCADE")
        for statement in statements:
            op.execute(statement.format(key=""))
        op.execute(_UNIQUE_ID.format(table=table))
