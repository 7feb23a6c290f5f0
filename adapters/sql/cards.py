"""Cards in SQL."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql.tables import cards
from domain.card import Card, CardKind, CardStatus


class SqlCards:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, card: Card) -> None:
        self._conn.execute(cards.insert(), _row(card))

    def update(self, card: Card) -> None:
        self._conn.execute(cards.update().where(cards.c.id == card.id), _row(card))

    def get(self, card_id: UUID) -> Card | None:
        row = self._conn.execute(sa.select(cards).where(cards.c.id == card_id)).first()
        return _card(row) if row else None

    def of_customer(self, customer_id: UUID) -> list[Card]:
        query = sa.select(cards).where(cards.c.customer_id == customer_id) \
            .order_by(cards.c.issued_at)
        return [_card(r) for r in self._conn.execute(query)]


def _row(card: Card) -> dict[str, Any]:
    row = attrs.asdict(card)
    row["kind"], row["status"] = card.kind.value, card.status.value
    return row


def _card(row: Any) -> Card:
    values = dict(row._mapping)
    values["kind"], values["status"] = CardKind(values["kind"]), CardStatus(values["status"])
    return Card(**values)
