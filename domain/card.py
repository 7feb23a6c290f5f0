"""Payment cards. The bank keeps only the masked number: the full PAN lives with the card
processor, never here."""

from __future__ import annotations

import enum
from datetime import date, datetime
from uuid import UUID

import attrs

from domain.errors import CardStateError


class CardStatus(enum.StrEnum):
    ACTIVE = "active"
    BLOCKED = "blocked"


class CardKind(enum.StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"


@attrs.define(eq=False)
class Card:
    id: UUID
    customer_id: UUID
    account_id: UUID
    last4: str
    network: str
    kind: CardKind
    expires: date
    issued_at: datetime
    status: CardStatus = CardStatus.ACTIVE
    blocked_at: datetime | None = None

    @property
    def masked_number(self) -> str:
        return f"XXXX XXXX XXXX {self.last4}"

    def block(self, now: datetime) -> None:
        if self.status is CardStatus.BLOCKED:
            raise CardStateError("the card is already blocked")
        self.status, self.blocked_at = CardStatus.BLOCKED, now

    def unblock(self, today: date) -> None:
        if self.status is CardStatus.ACTIVE:
            raise CardStateError("the card is not blocked")
        if self.expires < today:
            raise CardStateError("the card has expired; ask for a new one")
        self.status, self.blocked_at = CardStatus.ACTIVE, None
