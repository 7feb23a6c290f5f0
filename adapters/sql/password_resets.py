"""Password reset tokens in SQL: a spend is one conditional UPDATE, so of parallel spenders
the database lets exactly one change the row (the other waits for its row lock, then finds
it used or gone)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql.tables import password_resets
from domain.password_reset import PasswordReset


class SqlPasswordResets:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, reset: PasswordReset) -> None:
        self._conn.execute(password_resets.insert(), {
            "token_hash": reset.token_hash, "customer_id": reset.customer_id,
            "created_at": reset.created_at, "expires_at": reset.expires_at,
            "used_at": reset.used_at})

    def get(self, token_hash: str) -> PasswordReset | None:
        row = self._conn.execute(sa.select(password_resets).where(
            password_resets.c.token_hash == token_hash)).first()
        return PasswordReset(**dict(row._mapping)) if row else None

    def spend(self, token_hash: str, now: datetime) -> bool:
        c = password_resets.c
        return bool(self._conn.execute(password_resets.update().where(
            c.token_hash == token_hash, c.used_at.is_(None), c.expires_at > now),
            {"used_at": now}).rowcount)

    def drop_of_customer(self, customer_id: UUID) -> None:
        self._conn.execute(password_resets.delete().where(
            password_resets.c.customer_id == customer_id))

    def drop_before(self, moment: datetime) -> None:
        self._conn.execute(password_resets.delete().where(
            password_resets.c.expires_at < moment))
