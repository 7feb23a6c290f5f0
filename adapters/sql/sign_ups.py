"""Sign-ups waiting for their code in SQL: an attempt is counted and a sign-up taken by one
conditional statement each, so parallel requests cannot outrun the count or confirm twice."""

from __future__ import annotations

from datetime import datetime

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql.tables import sign_ups
from domain.sign_up import PendingSignUp


class SqlSignUps:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, sign_up: PendingSignUp) -> None:
        self._conn.execute(sign_ups.insert(), attrs.asdict(sign_up, recurse=False))

    def get(self, customer_number: str) -> PendingSignUp | None:
        row = self._conn.execute(sa.select(sign_ups).where(
            sign_ups.c.customer_number == customer_number)).first()
        return PendingSignUp(**dict(row._mapping)) if row else None

    def reserve_attempt(self, customer_number: str, now: datetime,
                        max_attempts: int) -> PendingSignUp | None:
        c = sign_ups.c
        counted = self._conn.execute(sign_ups.update().where(
            c.customer_number == customer_number, c.expires_at > now,
            c.attempts < max_attempts).values(attempts=c.attempts + 1)).rowcount
        return self.get(customer_number) if counted else None

    def take(self, customer_number: str) -> bool:
        return bool(self._conn.execute(sign_ups.delete().where(
            sign_ups.c.customer_number == customer_number)).rowcount)

    def drop_before(self, moment: datetime) -> None:
        self._conn.execute(sign_ups.delete().where(sign_ups.c.expires_at < moment))
