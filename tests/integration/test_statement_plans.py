"""A statement costs the same however long the account's history before its range: its
opening balance and each of its pages are index seeks in (posted_at, sequence) order, never a
sort of earlier entries. Checked on the queries the use case really sends, by each database's
own planner, so the test fails when a query or an index changes and loses that property."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import punq
import pytest
import sqlalchemy as sa

from application.use_cases import GenerateStatement, generate_statement
from tests.support.banking import account, customer, deposit


def _sent_to_ledger(bank: punq.Container, url: str, monkeypatch: pytest.MonkeyPatch,
                    ) -> list[tuple[str, Any]]:
    monkeypatch.setattr(generate_statement, "PAGE", 2)  # so a page starts after another
    asha = customer(bank)
    number = account(bank, asha).account_number
    for rupees in range(1, 6):
        deposit(bank, number, f"{rupees}.00")
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM ledger_entries" in statement:
            sent.append((statement, parameters))

    today = datetime.now(UTC).date()  # this bank runs on the real clock
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        statement = bank.resolve(GenerateStatement).execute(
            asha.id, number, today - timedelta(days=1), today + timedelta(days=1))
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)
    assert statement.closing_balance.format() == "15.00"
    return sent


def _plans(url: str, sent: list[tuple[str, Any]]) -> Iterator[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":  # tiny tables: ask for the index plan
                conn.exec_driver_sql("SET enable_seqscan = off")
                conn.exec_driver_sql("SET enable_bitmapscan = off")
            explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
            for statement, parameters in sent:
                rows = conn.exec_driver_sql(explain + statement, parameters).all()
                yield "\n".join(str(row[-1]) for row in rows)
    finally:
        engine.dispose()


def test_a_statement_seeks_its_opening_balance_and_pages_without_sorting(
        sql_bank: tuple[punq.Container, str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    bank, url, _ = sql_bank
    sent = _sent_to_ledger(bank, url, monkeypatch)
    plans = list(_plans(url, sent))
    assert len(plans) >= 4  # the opening balance, then three pages of two
    for plan in plans:
        # SQLite names the index; PostgreSQL names each month's copy of it (partitions.py).
        assert re.search(r"ix_ledger_entries_account_posted|account_id_posted_at_sequence_idx",
                         plan), plan
        assert "TEMP B-TREE" not in plan, plan
        assert not re.search(r"(^|->  )(Incremental )?Sort ", plan, re.MULTILINE), plan
