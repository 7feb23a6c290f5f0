"""The SQL unit of work: one connection, one transaction, rolled back unless committed."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Self

from sqlalchemy.engine import Connection, Engine, RootTransaction

from adapters.sql.audit import SqlAudit
from adapters.sql.beneficiaries import SqlBeneficiaries
from adapters.sql.branches import SqlBranches
from adapters.sql.cards import SqlCards
from adapters.sql.fraud import SqlFraud
from adapters.sql.identity import SqlLoginAttempts, SqlRateLimits, SqlRefreshTokens, SqlSessions
from adapters.sql.reminders import SqlReminders
from adapters.sql.repositories import SqlAccounts, SqlCustomers, SqlLedger, SqlTransfers
from adapters.sql.voice import SqlDevices, SqlVoice


class SqlUnitOfWork:
    customers: SqlCustomers
    accounts: SqlAccounts
    transfers: SqlTransfers
    ledger: SqlLedger
    audit: SqlAudit
    sessions: SqlSessions
    refresh_tokens: SqlRefreshTokens
    login_attempts: SqlLoginAttempts
    rate_limits: SqlRateLimits
    devices: SqlDevices
    voice: SqlVoice
    fraud: SqlFraud
    beneficiaries: SqlBeneficiaries
    cards: SqlCards
    reminders: SqlReminders
    branches: SqlBranches

    def __init__(self, engine: Engine, write: bool, writer: threading.Lock | None) -> None:
        self._engine = engine
        self._write = write
        self._writer = writer if write else None
        self._conn: Connection | None = None
        self._tx: RootTransaction | None = None

    def __enter__(self) -> Self:
        if self._writer is not None:
            self._writer.acquire()
        try:
            conn = self._engine.connect().execution_options(vaani_write=self._write)
            self._conn = conn
            self._tx = conn.begin()
        except BaseException:
            self._release()
            raise
        self.customers = SqlCustomers(conn)
        self.accounts = SqlAccounts(conn)
        self.transfers = SqlTransfers(conn)
        self.ledger = SqlLedger(conn)
        self.audit = SqlAudit(conn)
        self.sessions = SqlSessions(conn)
        self.refresh_tokens = SqlRefreshTokens(conn)
        self.login_attempts = SqlLoginAttempts(conn)
        self.rate_limits = SqlRateLimits(conn)
        self.devices = SqlDevices(conn)
        self.voice = SqlVoice(conn)
        self.fraud = SqlFraud(conn)
        self.beneficiaries = SqlBeneficiaries(conn)
        self.cards = SqlCards(conn)
        self.reminders = SqlReminders(conn)
        self.branches = SqlBranches(conn)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._release()

    def _release(self) -> None:
        try:
            if self._tx is not None and self._tx.is_active:
                self._tx.rollback()
            if self._conn is not None:
                self._conn.close()
        finally:
            self._tx = self._conn = None
            if self._writer is not None:
                self._writer.release()

    def commit(self) -> None:
        assert self._tx is not None, "commit outside of `with uow:`"
        self._tx.commit()
        self._tx = None

    def rollback(self) -> None:
        if self._tx is not None and self._tx.is_active:
            self._tx.rollback()


class SqlUnitOfWorkFactory:
    """Opens units of work on one engine. On SQLite, writers in this process queue on a lock
    before asking the database, so threads do not spin on SQLite's busy timeout."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = threading.Lock() if engine.dialect.name == "sqlite" else None

    def __call__(self, *, write: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, write, self._writer)

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
            return True
        except Exception:
            return False

    def close(self) -> None:
        self.engine.dispose()
