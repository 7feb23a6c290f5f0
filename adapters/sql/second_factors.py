"""Authenticators, recovery codes and login tickets in SQL: each spend, enrolment and
confirmation is one conditional statement, so of parallel writers the database lets exactly one
change the row, each weighing what the others committed."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql.tables import login_tickets, recovery_codes, totp_factors
from adapters.sql.upsert import dialect_insert
from domain.totp import LoginTicket, TotpFactor


class SqlSecondFactors:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def factor(self, customer_id: UUID) -> TotpFactor | None:
        row = self._conn.execute(sa.select(totp_factors).where(
            totp_factors.c.customer_id == customer_id)).first()
        return TotpFactor(**dict(row._mapping)) if row else None

    def enrol_factor(self, factor: TotpFactor) -> bool:
        # One upsert, not a read then a write: PostgreSQL locks the row it conflicts with and
        # weighs the WHERE against its newest committed version (after waiting for a
        # confirmation under way), and of two first enrolments the second replaces the first
        # rather than failing on the key. SQLite: the writer has the database to itself.
        values = {"secret_sealed": factor.secret_sealed, "created_at": factor.created_at,
                  "confirmed_at": factor.confirmed_at, "last_step": factor.last_step}
        insert = dialect_insert(self._conn)(totp_factors).values(
            customer_id=factor.customer_id, **values)
        # RETURNING, not rowcount: psycopg answers -1 for an INSERT once Core closed its cursor.
        return self._conn.execute(insert.on_conflict_do_update(
            index_elements=[totp_factors.c.customer_id], set_=values,
            where=totp_factors.c.confirmed_at.is_(None),
        ).returning(totp_factors.c.customer_id)).first() is not None

    def confirm_factor(self, customer_id: UUID, secret_sealed: str, now: datetime) -> bool:
        c = totp_factors.c
        return bool(self._conn.execute(totp_factors.update().where(
            c.customer_id == customer_id, c.secret_sealed == secret_sealed,
            c.confirmed_at.is_(None)), {"confirmed_at": now}).rowcount)

    def drop_factor(self, customer_id: UUID) -> None:
        self._conn.execute(recovery_codes.delete().where(
            recovery_codes.c.customer_id == customer_id))
        self._conn.execute(totp_factors.delete().where(totp_factors.c.customer_id == customer_id))

    def spend_step(self, customer_id: UUID, step: int) -> bool:
        c = totp_factors.c
        return bool(self._conn.execute(totp_factors.update().where(
            c.customer_id == customer_id, c.last_step < step), {"last_step": step}).rowcount)

    def replace_recovery_codes(self, customer_id: UUID, code_hashes: list[str]) -> None:
        self._conn.execute(recovery_codes.delete().where(
            recovery_codes.c.customer_id == customer_id))
        self._conn.execute(recovery_codes.insert(), [
            {"customer_id": customer_id, "code_hash": h, "used_at": None} for h in code_hashes])

    def spend_recovery_code(self, customer_id: UUID, code_hash: str, now: datetime) -> bool:
        c = recovery_codes.c
        return bool(self._conn.execute(recovery_codes.update().where(
            c.customer_id == customer_id, c.code_hash == code_hash, c.used_at.is_(None)),
            {"used_at": now}).rowcount)

    def recovery_codes_left(self, customer_id: UUID) -> int:
        c = recovery_codes.c
        return int(self._conn.execute(sa.select(sa.func.count()).where(
            c.customer_id == customer_id, c.used_at.is_(None))).scalar_one())

    def add_ticket(self, ticket: LoginTicket) -> None:
        self._conn.execute(login_tickets.insert(), {
            "ticket_hash": ticket.ticket_hash, "customer_id": ticket.customer_id,
            "device_identifier": ticket.device_identifier, "created_at": ticket.created_at,
            "expires_at": ticket.expires_at, "used_at": ticket.used_at})

    def ticket(self, ticket_hash: str) -> LoginTicket | None:
        row = self._conn.execute(sa.select(login_tickets).where(
            login_tickets.c.ticket_hash == ticket_hash)).first()
        return LoginTicket(**dict(row._mapping)) if row else None

    def spend_ticket(self, ticket_hash: str, now: datetime) -> bool:
        c = login_tickets.c
        return bool(self._conn.execute(login_tickets.update().where(
            c.ticket_hash == ticket_hash, c.used_at.is_(None), c.expires_at > now),
            {"used_at": now}).rowcount)

    def drop_tickets_before(self, moment: datetime) -> None:
        self._conn.execute(login_tickets.delete().where(login_tickets.c.expires_at < moment))
