"""The history-size benchmark's bulk loader (bench/history_load.py) writes past the use cases, so
its books are held to the same checks as the bank's own: `vaani ledger verify` and `vaani audit
verify` pass on what it loads, and the reference account's reads hold the entries the
benchmark's shape promises, whatever the size (bench/history_plan.py); and a history that does
not verify stops the benchmark."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import punq
import pytest
import sqlalchemy as sa

from adapters.sql.tables import ledger_entries
from application.ports import UnitOfWorkFactory
from application.use_cases.generate_statement import GenerateStatement
from bench.history_load import load, settings_env, verify
from bench.history_plan import BUSY, Shape
from entrypoints.bootstrap import bootstrap
from entrypoints.settings import load_settings

SHAPE = Shape(2_000, recent=300, today=20, least_customers=16)


def test_the_loaded_history_verifies_runs_forward_and_gives_the_reference_its_statements(
        sql_bank: tuple[punq.Container, str, str]) -> None:
    _, url, profile = sql_bank
    history = load(url, SHAPE)  # raises SystemExit unless both verifications pass
    if profile == "postgresql":  # in the months a bank running that long would have prepared
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            kept = conn.exec_driver_sql("SELECT count(*) FROM ledger_entries_default").scalar()
        engine.dispose()
        assert kept == 0
    deposits = 2 * SHAPE.customers  # each customer's two accounts, opened with a deposit
    assert history.entries == SHAPE.entries + 2 * deposits
    bank = bootstrap(load_settings(settings_env(url)))
    with bank.resolve(UnitOfWorkFactory)() as uow:
        moments = [e.posted_at for e in uow.ledger.all_in_order()]
    assert moments == sorted(moments)
    assert moments[-1] < datetime.now(UTC)
    owner = history.people[0]
    today = datetime.now(UTC).date()
    statement = bank.resolve(GenerateStatement)
    day = statement.execute(UUID(owner.customer_id), owner.accounts[0], today, today)
    year = statement.execute(UUID(owner.customer_id), owner.accounts[0],
                             today - timedelta(days=364), today)
    assert len(day.entries) == SHAPE.today
    assert len(year.entries) == SHAPE.recent + SHAPE.today
    assert year.opening_balance.minor > 0  # the deposit and its older history came before
    bank.resolve(UnitOfWorkFactory).close()


def test_a_history_that_does_not_verify_stops_the_benchmark(
        sql_bank: tuple[punq.Container, str, str]) -> None:
    _, url, _ = sql_bank
    load(url, Shape(200, recent=40, today=5, least_customers=BUSY))
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # one running balance off by a paisa
        newest = conn.execute(sa.select(sa.func.max(ledger_entries.c.sequence))).scalar_one()
        conn.execute(ledger_entries.update().where(ledger_entries.c.sequence == newest)
                     .values(balance_after=ledger_entries.c.balance_after + 1))
    engine.dispose()
    with pytest.raises(SystemExit, match="does not verify"):
        verify(url)
