"""The hand-written baselines of the authentication table on a database: what a good engineer
writes by hand for the rows a refresh and a per-request check touch, with no framework and no
domain model in between (bench/auth_costs.py).

- `check(access)`: one HS256 verify (issuer and expiry), then the session row by its id: still
  the token's customer's, not revoked, not expired. Every request, no token remembered.
- `rotate(refresh)`: one transaction writing the rows a `RefreshSession` writes: the presented
  token (by its SHA-256) with its session, locked, and its customer's role read in one
  statement; the new refresh token inserted, the old one marked rotated, the session's last use
  moved, a hash-chained `auth.refresh` audit record and the chain's head; a new access token
  signed. On SQLite through bench/ledger_baseline.py's connection (Vaani's settings and
  checkpoint policy), the record sealed in Python; on PostgreSQL two pipelined round trips,
  the record sealed by the server (bench/ledger_baseline_pg.py's `SEAL`).

They time the path every client takes, a successful rotation and a check that passes, and
refuse what Vaani refuses there (a rotated, expired or revoked token or session) with
ValueError. A rotated token presented again is only refused: Vaani's reuse detection (the
session revoked, audited) and its retry within the grace period are not written by hand. Their
rows pass `vaani audit verify`."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from application.auth_policy import AuthPolicy
from bench.ledger_baseline import SqliteHandWritten, append_audit, as_stored
from bench.ledger_baseline_pg import SEAL, Pipelined, seal_values
from domain.audit import AuditEvent

IDLE = AuthPolicy().refresh_idle  # the default the benchmark's bank runs with
ACCESS = timedelta(minutes=15)  # VAANI_ACCESS_TOKEN_MINUTES' default
_PRESENTED = (
    "SELECT t.session_id, t.expires_at, t.rotated_at, s.customer_id, s.expires_at, s.revoked_at, "
    "c.role FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id "
    "JOIN customers c ON c.id = s.customer_id WHERE t.token_hash = {0}")
_SESSION = "SELECT customer_id, expires_at, revoked_at FROM sessions WHERE id = {0}"
_ROTATE = (
    "INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at) "
    "VALUES ({0}, {0}, {0}, {0})",
    "UPDATE refresh_tokens SET rotated_at = {0}, replaced_by = {0} WHERE token_hash = {0}",
    "UPDATE sessions SET last_seen_at = {0} WHERE id = {0}")


def hand_written_sessions(url: str, secret: str) -> SqliteSessions | PostgresSessions:
    if url.startswith("sqlite"):
        return SqliteSessions(url, secret)
    return PostgresSessions(url, secret)


class _Tokens:
    def __init__(self, secret: str) -> None:
        self._secret = secret

    def claims(self, access: str) -> dict[str, Any]:
        return jwt.decode(access, self._secret, algorithms=["HS256"], issuer="vaani",
                          options={"require": ["exp", "sub", "sid"]})

    def sign(self, customer_id: Any, session_id: Any, role: str, now: datetime) -> str:
        return jwt.encode({"iss": "vaani", "sub": str(customer_id), "sid": str(session_id),
                           "jti": secrets.token_urlsafe(16), "roles": [role],
                           "iat": int(now.timestamp()), "exp": int((now + ACCESS).timestamp())},
                          self._secret, algorithm="HS256")


def _refused(row: Any, now: Any) -> bool:
    """The presented token's row: missing, rotated, expired, or its session ended."""
    return row is None or row[2] is not None or row[1] <= now or row[5] is not None \
        or row[4] <= now


def _event(customer_id: uuid.UUID, session_id: uuid.UUID, now: datetime) -> AuditEvent:
    return AuditEvent(id=uuid.uuid4(), occurred_at=now, action="auth.refresh", outcome="success",
                      actor_id=None, customer_id=customer_id, resource=f"session:{session_id}",
                      details={})


class SqliteSessions(_Tokens):
    def __init__(self, url: str, secret: str) -> None:
        super().__init__(secret)
        self._db = SqliteHandWritten(url.removeprefix("sqlite:///"), "FULL")

    def close(self) -> None:
        self._db.close()

    def check(self, access: str) -> None:
        claims = self.claims(access)
        row = self._db.read(_SESSION.format("?"), (uuid.UUID(claims["sid"]).hex,))
        if row is None or row[0] != uuid.UUID(claims["sub"]).hex or row[2] is not None \
                or row[1] <= as_stored(datetime.now(UTC)):
            raise ValueError("the session has ended")

    def rotate(self, refresh: str) -> tuple[str, str]:
        """(the new refresh token, a new access token)"""
        presented = hashlib.sha256(refresh.encode()).hexdigest()

        def work(run: Any) -> tuple[str, str]:
            now = datetime.now(UTC)
            stamp = as_stored(now)
            row = run(_PRESENTED.format("?"), (presented,)).fetchone()
            if _refused(row, stamp):
                raise ValueError("the refresh token is invalid, expired or revoked")
            session_id, customer_id = uuid.UUID(row[0]), uuid.UUID(row[3])
            token = secrets.token_urlsafe(32)
            new = hashlib.sha256(token.encode()).hexdigest()
            insert, rotate, seen = (sql.format("?") for sql in _ROTATE)
            run(insert, (new, row[0], stamp, min(as_stored(now + IDLE), row[4])))
            run(rotate, (stamp, new, presented))
            run(seen, (stamp, row[0]))
            append_audit(run, _event(customer_id, session_id, now), stamp)
            return token, self.sign(customer_id, session_id, row[6], now)
        return self._db.write(work)


class PostgresSessions(Pipelined, _Tokens):
    """On one pipelined connection, as the transfer baseline's (`Pipelined`)."""

    def __init__(self, url: str, secret: str) -> None:
        Pipelined.__init__(self, url)
        _Tokens.__init__(self, secret)

    def check(self, access: str) -> None:
        claims = self.claims(access)
        found = self._conn.execute(_SESSION.format("%s"), (uuid.UUID(claims["sid"]),))
        self._pipeline.sync()  # one round trip
        row = found.fetchone()
        if row is None or row[0] != uuid.UUID(claims["sub"]) or row[2] is not None \
                or row[1] <= datetime.now(UTC):
            raise ValueError("the session has ended")

    def rotate(self, refresh: str) -> tuple[str, str]:
        """(the new refresh token, a new access token): two round trips."""
        conn, presented = self._conn, hashlib.sha256(refresh.encode()).hexdigest()
        try:
            conn.execute("BEGIN")
            # Both rows locked: a rotation that waited re-reads the token, and finds it rotated.
            row: Any = conn.execute(_PRESENTED.format("%s") + " FOR UPDATE OF t, s",
                               (presented,)).fetchone()  # round trip 1
            now = datetime.now(UTC)
            if _refused(row, now):
                raise ValueError("the refresh token is invalid, expired or revoked")
            session_id, customer_id = row[0], row[3]
            token = secrets.token_urlsafe(32)
            new = hashlib.sha256(token.encode()).hexdigest()
            insert, rotate, seen = (sql.format("%s") for sql in _ROTATE)
            conn.execute(insert, (new, session_id, now, min(now + IDLE, row[4])))
            conn.execute(rotate, (now, new, presented))
            conn.execute(seen, (now, session_id))
            conn.execute(SEAL, seal_values(_event(customer_id, session_id, now)))
            conn.execute("COMMIT")
            access = self.sign(customer_id, session_id, row[6], now)
            self._pipeline.sync()  # round trip 2: the writes and the COMMIT
            return token, access
        except BaseException:
            self._roll_back()
            raise
