"""Authenticators, recovery codes and login tickets over the memory store. The writer lock is
held for a whole write transaction, so each conditional spend sees every earlier one."""

from __future__ import annotations

import copy
from datetime import datetime
from uuid import UUID

import attrs

from adapters.memory.staged import Staged
from adapters.memory.store import MemoryStore
from domain.totp import LoginTicket, TotpFactor


class MemorySecondFactors:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def factor(self, customer_id: UUID) -> TotpFactor | None:
        found = self._stored(customer_id)
        return copy.copy(found) if found else None

    def _stored(self, customer_id: UUID) -> TotpFactor | None:
        if customer_id in self._staged.totp_factors:
            return self._staged.totp_factors[customer_id]
        return self._store.totp_factors.get(customer_id)

    def enrol_factor(self, factor: TotpFactor) -> bool:
        stored = self._stored(factor.customer_id)  # under the writer lock: nothing changes it
        if stored is not None and stored.active:
            return False
        self._stage(factor)
        return True

    def _stage(self, factor: TotpFactor) -> None:
        self._staged.totp_factors[factor.customer_id] = copy.copy(factor)

    def confirm_factor(self, customer_id: UUID, secret_sealed: str, now: datetime) -> bool:
        factor = self.factor(customer_id)
        if factor is None or factor.active or factor.secret_sealed != secret_sealed:
            return False
        factor.confirmed_at = now
        self._stage(factor)
        return True

    def drop_factor(self, customer_id: UUID) -> None:
        self._staged.totp_factors[customer_id] = None
        self._staged.recovery_codes[customer_id] = {}

    def spend_step(self, customer_id: UUID, step: int) -> bool:
        factor = self.factor(customer_id)
        if factor is None or factor.last_step >= step:
            return False
        factor.last_step = step
        self._stage(factor)
        return True

    def _codes(self, customer_id: UUID) -> dict[str, datetime | None]:
        if customer_id in self._staged.recovery_codes:
            return self._staged.recovery_codes[customer_id]
        return dict(self._store.recovery_codes.get(customer_id, {}))

    def replace_recovery_codes(self, customer_id: UUID, code_hashes: list[str]) -> None:
        self._staged.recovery_codes[customer_id] = dict.fromkeys(code_hashes)

    def spend_recovery_code(self, customer_id: UUID, code_hash: str, now: datetime) -> bool:
        codes = self._codes(customer_id)
        if code_hash not in codes or codes[code_hash] is not None:
            return False
        codes[code_hash] = now
        self._staged.recovery_codes[customer_id] = codes
        return True

    def recovery_codes_left(self, customer_id: UUID) -> int:
        return sum(1 for used in self._codes(customer_id).values() if used is None)

    def add_ticket(self, ticket: LoginTicket) -> None:
        self._staged.login_tickets[ticket.ticket_hash] = ticket

    def ticket(self, ticket_hash: str) -> LoginTicket | None:
        if ticket_hash in self._staged.login_tickets:
            return self._staged.login_tickets[ticket_hash]
        return self._store.login_tickets.get(ticket_hash)

    def spend_ticket(self, ticket_hash: str, now: datetime) -> bool:
        found = self.ticket(ticket_hash)
        if found is None or not found.usable(now):
            return False
        self._staged.login_tickets[ticket_hash] = attrs.evolve(found, used_at=now)
        return True

    def drop_tickets_before(self, moment: datetime) -> None:
        with self._store.state:
            expired = [h for h, t in self._store.login_tickets.items() if t.expires_at < moment]
        for ticket_hash in expired:
            self._staged.login_tickets[ticket_hash] = None
