"""One SQL unit of work: one connection, one transaction, its repositories made on first use,
rolled back unless committed; what a database needs around its writes, a `WriteGuard`."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy.engine import Connection, Engine, RootTransaction

from adapters.sql.alerts import SqlAlerts
from adapters.sql.audit import SqlAudit
from adapters.sql.beneficiaries import SqlBeneficiaries
from adapters.sql.branches import SqlBranches
from adapters.sql.cards import SqlCards
from adapters.sql.disputes import SqlDisputes
from adapters.sql.fraud import SqlFraud
from adapters.sql.identity import SqlLoginAttempts, SqlRateLimits, SqlRefreshTokens, SqlSessions
from adapters.sql.interest import SqlInterest
from adapters.sql.kept_connections import Connections
from adapters.sql.made_on_first_use import MadeOnFirstUse
from adapters.sql.password_resets import SqlPasswordResets
from adapters.sql.prepared_sending import drop_deferred, send_deferred
from adapters.sql.reminders import SqlReminders
from adapters.sql.repositories import (
    SqlAccounts,
    SqlCustomers,
    SqlLedger,
    SqlTransfers,
    key_taken,
    reference_taken,
)
from adapters.sql.reversals import SqlReversals
from adapters.sql.second_factors import SqlSecondFactors
from adapters.sql.sign_ups import SqlSignUps
from adapters.sql.staff_proposals import SqlStaffProposals
from adapters.sql.standing_orders import SqlStandingOrders
from adapters.sql.tills import SqlTills
from adapters.sql.voice import SqlDevices, SqlVoice
from adapters.sql.webhooks import SqlWebhooks
from adapters.sql.write_guard import NothingWritten, WriteGuard
from application.ports import DuplicateIdempotencyKey
from domain.errors import DomainError, ReferenceTaken


class SqlUnitOfWork:
    # Repositories are made on first use: a request touches two or three of the twenty-seven.
    customers = MadeOnFirstUse(SqlCustomers)
    accounts = MadeOnFirstUse(SqlAccounts)
    transfers = MadeOnFirstUse(SqlTransfers)
    ledger = MadeOnFirstUse(SqlLedger)
    audit = MadeOnFirstUse(SqlAudit)
    sessions = MadeOnFirstUse(SqlSessions)
    refresh_tokens = MadeOnFirstUse(SqlRefreshTokens)
    login_attempts = MadeOnFirstUse(SqlLoginAttempts)
    rate_limits = MadeOnFirstUse(SqlRateLimits)
    devices = MadeOnFirstUse(SqlDevices)
    voice = MadeOnFirstUse(SqlVoice)
    fraud = MadeOnFirstUse(SqlFraud)
    beneficiaries = MadeOnFirstUse(SqlBeneficiaries)
    cards = MadeOnFirstUse(SqlCards)
    reminders = MadeOnFirstUse(SqlReminders)
    branches = MadeOnFirstUse(SqlBranches)
    reversals = MadeOnFirstUse(SqlReversals)
    disputes = MadeOnFirstUse(SqlDisputes)
    standing_orders = MadeOnFirstUse(SqlStandingOrders)
    tills = MadeOnFirstUse(SqlTills)
    interest = MadeOnFirstUse(SqlInterest)
    second_factors = MadeOnFirstUse(SqlSecondFactors)
    password_resets = MadeOnFirstUse(SqlPasswordResets)
    sign_ups = MadeOnFirstUse(SqlSignUps)
    staff_proposals = MadeOnFirstUse(SqlStaffProposals)
    webhooks = MadeOnFirstUse(SqlWebhooks)
    alerts = MadeOnFirstUse(SqlAlerts)

    def __init__(self, engine: Engine, *, guard: WriteGuard | None = None, shared: bool = False,
                 connections: Connections | None = None,
                 after_commit: Callable[[Connection], None] | None = None) -> None:
        self._engine = engine
        self._after_commit = after_commit  # given the connection once a COMMIT has returned
        self._shared = shared
        self.committed = False
        self._borrowers = 0
        self._guard = guard
        self._connections = connections  # where its connection comes from and goes back to
        self._conn: Connection | None = None
        self._tx: RootTransaction | None = None

    def __enter__(self) -> Self:
        if self._shared and self._conn is not None:  # borrowed inside request_reads
            self._borrowers += 1
            return self
        if self._guard is not None:
            self._guard.enter()
        try:
            conn = self._connections.take() if self._connections else self._engine.connect()
            self._conn = conn
            if self._guard is not None:
                self._guard.opened(conn)
            if not self._shared:  # a request's reads run statement by statement
                self._tx = conn.begin()
        except BaseException:
            self._release(healthy=False)
            raise
        return self

    @property
    def connection(self) -> Connection:
        assert self._conn is not None, "a repository used outside of `with uow:`"
        return self._conn

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._borrowers:
            self._borrowers -= 1  # the connection goes back when request_reads ends
            return
        # A domain refusal ("no such account") leaves the connection as good as before, and so
        # does a write refused before it began (sqlite/in_place.py) while this one read.
        self._release(healthy=exc is None or isinstance(exc, (DomainError, NothingWritten)))
        if exc is not None and key_taken(exc):
            # A transfer's row is sent with a later statement or the commit (SqlTransfers.add):
            # whichever found the key taken, the caller hears what a race it lost means.
            raise DuplicateIdempotencyKey("another request with this key came first") from exc
        if exc is not None and reference_taken(exc):
            raise ReferenceTaken("this reference names another of your transfers") from exc

    def _release(self, healthy: bool) -> None:
        try:
            if self._conn is not None:
                drop_deferred(self._conn)  # not committed: queued writes are never sent
            if self._tx is not None and self._tx.is_active:
                self._tx.rollback()
            if self._connections is not None and self._conn is not None:
                if self._conn.in_transaction():  # a Core statement's autobegin: sends nothing
                    self._conn.rollback()
                self._connections.give_back(self._conn, healthy)
            elif self._conn is not None:
                self._conn.close()
        finally:
            self._tx = self._conn = None
            for name in REPOSITORIES & vars(self).keys():  # none outlives its transaction
                delattr(self, name)
            if self._guard is not None:
                self._guard.leave()

    def commit(self) -> None:
        assert self._tx is not None, "commit outside of `with uow:`"
        assert not self._shared, "a shared read transaction commits nothing"
        assert self._conn is not None
        audit = vars(self).get("audit")  # made only if this transaction appended or read
        if audit is not None:
            audit.place()
        if self._guard is not None:
            self._guard.committing()
        # Queued writes and the COMMIT in one round trip; if a write fails, nothing commits.
        send_deferred(self._conn, commit=True)
        self._tx.commit()
        self._tx = None
        self.committed = True
        if self._guard is not None:
            self._guard.committed()
        if self._after_commit is not None:
            self._after_commit(self._conn)

    def rollback(self) -> None:
        if (audit := vars(self).get("audit")) is not None:
            audit.discard()
        if self._conn is not None:
            drop_deferred(self._conn)
        if self._tx is not None and self._tx.is_active:
            self._tx.rollback()


REPOSITORIES = frozenset(name for name, value in vars(SqlUnitOfWork).items()
                          if isinstance(value, MadeOnFirstUse))
