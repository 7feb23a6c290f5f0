"""The KYC tiers at every posting (domain/kyc.py): a customer's payment and cash paid out are
refused beyond the payer's tier, and money paid in beyond the payee's; a reversal is the bank
putting a posting right and is never refused for it, nor counted as the customer's paying out.
Only a `min` account costs a query (what it paid out today); every other account is decided
from the row the posting locked.

A held payment is asked twice: when it is held, and again when its hold is released, since the
day, the payee's balance and the tiers may all have changed in between."""

from __future__ import annotations

from datetime import datetime, time

from application.ports import UnitOfWork
from domain.account import Account
from domain.customer import KycStatus
from domain.kyc import KycLimits
from domain.money import Money
from domain.till import BusinessCalendar
from domain.transfer import Transfer, TransferKind

_DEBITS = (TransferKind.TRANSFER, TransferKind.WITHDRAWAL)
_CREDITS = (TransferKind.TRANSFER, TransferKind.DEPOSIT)


class KycGate:
    def __init__(self, limits: KycLimits, calendar: BusinessCalendar) -> None:
        self._limits = limits
        self._calendar = calendar

    def check(self, uow: UnitOfWork, kind: TransferKind, source: Account, destination: Account,
              amount: Money, now: datetime) -> None:
        """A posting or a hold, with both accounts locked. Money the payer has on hold counts
        as paid out today: any held payment may post today, and two held payments, each under
        the limit alone, would otherwise both post over it."""
        self._check(uow, kind, source, destination, amount, now, held=source.held.minor)

    def check_release(self, uow: UnitOfWork, transfer: Transfer, source: Account,
                      destination: Account, now: datetime) -> None:
        """A held transfer about to post, with both accounts locked (in the transaction that
        posts it): the payer's tier and what it has paid out today, the payee's tier and
        balance, as they are now. The payer's other holds are asked when they are released."""
        self._check(uow, transfer.kind, source, destination, transfer.amount, now, held=0)

    def _check(self, uow: UnitOfWork, kind: TransferKind, source: Account, destination: Account,
               amount: Money, now: datetime, *, held: int) -> None:
        if kind in _DEBITS and source.kyc is not KycStatus.FULL:
            spent = Money.zero(amount.currency)
            if source.kyc is KycStatus.MIN:
                day_began = datetime.combine(self._calendar.day_of(now), time(),
                                             self._calendar.zone)
                spent = Money(uow.ledger.debited_since(source.id, day_began, _DEBITS) + held,
                              amount.currency)
            self._limits.check_debit(source, amount, spent)
        if kind in _CREDITS and destination.kyc is KycStatus.MIN:
            self._limits.check_credit(destination, amount)
