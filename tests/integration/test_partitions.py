"""On PostgreSQL the ledger and the audit trail are cut into months: a range read touches only
its months, history written before the change moves into them intact (and back out on a
downgrade), and a posting beyond the prepared months is kept and moved into its month later."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import punq
import pytest
import sqlalchemy as sa

from adapters.sql import create_sql_engine, head_revision, upgrade
from adapters.sql.migrate import downgrade
from adapters.sql.postgres.partitions import ensure_months
from application.ports import UnitOfWorkFactory
from application.use_cases import VerifyAuditTrail, VerifyLedger
from entrypoints.bootstrap import bootstrap, prepare_database
from tests.conftest import create_database, settings_for
from tests.support.banking import account, customer, deposit
from tests.support.clock import SteppingClock

pytestmark = pytest.mark.postgresql

MONTHS = [datetime(2026, 9, 30, 23, 59, 59, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC),
          datetime(2026, 11, 15, 12, 0, tzinfo=UTC)]


@pytest.fixture
def posted_over_months(postgres_server: str, tmp_path: Path) -> tuple[punq.Container, str]:
    """A bank at head with deposits in September, October and November 2026, before the months
    its database was prepared for (from today on): kept in the DEFAULT partition, then moved
    into their months by the next `db upgrade`."""
    url = create_database(postgres_server, f"vaani_months_{tmp_path.name[-10:].replace('-', '_')}")
    clock = SteppingClock(MONTHS[0])
    bank = bootstrap(settings_for(url), clock=clock)
    prepare_database(bank)
    number = account(bank, customer(bank)).account_number
    for moment in MONTHS:
        clock.set(moment)
        deposit(bank, number, "10.00")
    assert _rows_by_partition(url, "ledger_entries") == {"ledger_entries_default": 6}
    assert upgrade(bank.resolve(UnitOfWorkFactory).engine) == head_revision()  # type: ignore[attr-defined]
    return bank, url


def _rows_by_partition(url: str, table: str) -> dict[str, int]:
    engine = create_sql_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(f"SELECT tableoid::regclass::text, count(*) FROM {table} "
                                    "GROUP BY 1")).all()
    engine.dispose()
    return {name: count for name, count in rows}


def _books_verify(bank: punq.Container) -> None:
    assert bank.resolve(VerifyLedger).execute().ok
    assert bank.resolve(VerifyAuditTrail).execute().ok


def test_history_moves_into_its_months_and_back_out_intact(
        posted_over_months: tuple[punq.Container, str]) -> None:
    bank, url = posted_over_months
    by_month = _rows_by_partition(url, "ledger_entries")
    assert by_month == {"ledger_entries_y2026m09": 2, "ledger_entries_y2026m10": 2,
                        "ledger_entries_y2026m11": 2}  # a deposit's two legs each
    assert "ledger_entries_default" not in by_month
    _books_verify(bank)
    engine = bank.resolve(UnitOfWorkFactory).engine  # type: ignore[attr-defined]
    assert downgrade(engine, "0014") == "0014"
    # The rows only: today's code reads columns the schema of 0014 does not have yet.
    assert _rows_by_partition(url, "ledger_entries") == {"ledger_entries": 6}
    assert upgrade(engine) == head_revision()
    assert _rows_by_partition(url, "ledger_entries") == by_month
    _books_verify(bank)
    deposit(bank, account(bank, customer(bank)).account_number, "1.00")  # writes still work
    _books_verify(bank)


def test_a_statements_range_reads_only_its_month(
        posted_over_months: tuple[punq.Container, str]) -> None:
    _, url = posted_over_months
    engine = create_sql_engine(url)
    with engine.connect() as conn:
        plan = "\n".join(conn.exec_driver_sql(
            "EXPLAIN SELECT * FROM ledger_entries WHERE posted_at >= %(a)s AND posted_at < %(b)s",
            {"a": datetime(2026, 10, 1, tzinfo=UTC), "b": datetime(2026, 11, 1, tzinfo=UTC)},
        ).scalars())
    engine.dispose()
    assert "ledger_entries_y2026m10" in plan, plan
    assert "y2026m09" not in plan and "y2026m11" not in plan and "_default" not in plan, plan


def test_a_posting_beyond_the_prepared_months_is_kept_and_moves_into_its_month(
        posted_over_months: tuple[punq.Container, str]) -> None:
    _, url = posted_over_months
    far = datetime(2031, 5, 5, tzinfo=UTC)  # a clock years ahead: no month prepared for it
    clock = SteppingClock(far)
    ahead = bootstrap(settings_for(url), clock=clock)
    deposit(ahead, account(ahead, customer(ahead)).account_number, "3.00")
    assert _rows_by_partition(url, "ledger_entries")["ledger_entries_default"] == 2
    engine = create_sql_engine(url)
    with engine.begin() as conn:
        created = ensure_months(conn, date(2031, 5, 1), ahead=0)
    engine.dispose()
    assert "ledger_entries_y2031m05" in created
    by_month = _rows_by_partition(url, "ledger_entries")
    assert by_month["ledger_entries_y2031m05"] == 2 and "ledger_entries_default" not in by_month
    _books_verify(ahead)
