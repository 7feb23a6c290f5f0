"""Sessions, refresh tokens, login attempts and rate-limit counters in SQL: shared by every
worker process and host, so a lockout or a revocation holds everywhere at once."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql import mapping as m
from adapters.sql.postgres.advisory_locks import take_turn
from adapters.sql.prepared import Prepared
from adapters.sql.tables import login_attempts, rate_limits, refresh_tokens, sessions
from adapters.sql.upsert import dialect_insert
from domain.login_attempts import LoginAttempts
from domain.session import RefreshToken, Session

_SESSION_QUERY = sa.select(sessions).where(sessions.c.id == sa.bindparam("session_id"))
_SESSION = Prepared(_SESSION_QUERY)  # read on every authenticated request
_LOCK_SESSION = Prepared(_SESSION_QUERY.with_for_update())


class SqlSessions:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._lock = conn.dialect.name == "postgresql"

    def add(self, session: Session) -> None:
        self._conn.execute(sessions.insert(), m.session_row(session))

    def update(self, session: Session) -> None:
        row = m.session_row(session)
        self._conn.execute(sessions.update().where(sessions.c.id == session.id), row)

    def get(self, session_id: UUID) -> Session | None:
        row = _SESSION.first(self._conn, {"session_id": session_id})
        return m.to_session(row) if row else None

    def lock(self, session_id: UUID) -> Session | None:
        query = _LOCK_SESSION if self._lock else _SESSION
        row = query.first(self._conn, {"session_id": session_id})
        return m.to_session(row) if row else None

    def of_customer(self, customer_id: UUID) -> list[Session]:
        query = sa.select(sessions).where(sessions.c.customer_id == customer_id) \
            .order_by(sessions.c.created_at.desc())
        return [m.to_session(r) for r in self._conn.execute(query)]


class SqlRefreshTokens:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, token: RefreshToken) -> None:
        self._conn.execute(refresh_tokens.insert(), m.refresh_row(token))

    def update(self, token: RefreshToken) -> None:
        self._conn.execute(
            refresh_tokens.update().where(refresh_tokens.c.token_hash == token.token_hash),
            m.refresh_row(token))

    def get(self, token_hash: str) -> RefreshToken | None:
        row = self._conn.execute(sa.select(refresh_tokens).where(
            refresh_tokens.c.token_hash == token_hash)).first()
        return m.to_refresh(row) if row else None


class SqlLoginAttempts:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, customer_number: str) -> LoginAttempts | None:
        take_turn(self._conn, f"login_attempts:{customer_number}")  # writers: every failure counts
        row = self._conn.execute(sa.select(login_attempts).where(
            login_attempts.c.customer_number == customer_number)).first()
        return m.to_attempts(row) if row else None

    def save(self, attempts: LoginAttempts) -> None:
        row = m.attempts_row(attempts)
        insert = dialect_insert(self._conn)(login_attempts).values(row)
        self._conn.execute(insert.on_conflict_do_update(
            index_elements=[login_attempts.c.customer_number],
            set_={k: v for k, v in row.items() if k != "customer_number"}))


class SqlRateLimits:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def hit(self, key: str, window_start: datetime) -> int:
        # One statement, atomic in both databases: start a new window or count into this one.
        insert = dialect_insert(self._conn)(rate_limits).values(
            bucket=key, window_start=window_start, hits=1)
        stale = rate_limits.c.window_start < insert.excluded.window_start
        upsert = insert.on_conflict_do_update(
            index_elements=[rate_limits.c.bucket],
            set_={"window_start": sa.case((stale, insert.excluded.window_start),
                                          else_=rate_limits.c.window_start),
                  "hits": sa.case((stale, 1), else_=rate_limits.c.hits + 1)},
        ).returning(rate_limits.c.hits)
        return int(self._conn.execute(upsert).scalar_one())
