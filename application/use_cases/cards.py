"""Cards: issue (with an account), list, block and unblock; every change is audited."""

from __future__ import annotations

import secrets
from datetime import date
from uuid import UUID

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ownership import owned
from application.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.card import Card, CardKind
from domain.errors import AccountNotFound, CardNotFound


class ManageCards:
    def __init__(self, uow_factory: UnitOfWorkFactory, ids: IdGenerator, clock: Clock,
                 audit: AuditRecorder) -> None:
        self._uow_factory = uow_factory
        self._ids = ids
        self._clock = clock
        self._audit = audit

    def issue(self, account_number: str, context: RequestContext, network: str = "RUPAY",
              kind: CardKind = CardKind.DEBIT) -> Card:
        """A new card on an account. The card processor holds the full number; we keep the
        last four digits it reports (here drawn at random, as no processor is attached)."""
        now = self._clock.now()
        with self._uow_factory(write=True) as uow:
            account = uow.accounts.by_number(account_number)
            if account is None or account.customer_id is None:
                raise AccountNotFound(f"account {account_number} not found")
            card = Card(id=self._ids.new_id(), customer_id=account.customer_id,
                        account_id=account.id, last4=f"{secrets.randbelow(10_000):04d}",
                        network=network, kind=kind, issued_at=now,
                        expires=date(now.year + 5, now.month, 1))
            uow.cards.add(card)
            uow.audit.append(self._audit.event(context, "card.issued",
                                               customer_id=account.customer_id,
                                               resource=f"card:{card.id}", last4=card.last4))
            uow.commit()
            return card

    def list(self, customer_id: UUID) -> list[Card]:
        with self._uow_factory() as uow:
            return uow.cards.of_customer(customer_id)

    def set_blocked(self, customer_id: UUID | None, card_id: UUID, blocked: bool,
                    context: RequestContext) -> Card:
        """Block or unblock; `customer_id=None` is an operator."""
        with self._uow_factory(write=True) as uow:
            card = owned(uow.cards.get(card_id), customer_id,
                         CardNotFound("no such card", card_id=str(card_id)))
            now = self._clock.now()
            if blocked:
                card.block(now)
            else:
                card.unblock(now.date())
            uow.cards.update(card)
            uow.audit.append(self._audit.event(
                context, "card.blocked" if blocked else "card.unblocked",
                customer_id=card.customer_id, resource=f"card:{card.id}"))
            uow.commit()
            return card
