"""The KYC tiers at every posting (domain/kyc.py): a customer's payment and cash paid out are
refused beyond the payer's tier, and money paid in beyond the payee's; a reversal is the bank
putting a posting right and is never refused for it. Only a `min` account costs a query (what
it paid out today); every other account is decided from the row the posting locked."""

from __future__ import annotations

from datetime import datetime, time

from application.ports import UnitOfWork
from domain.account import Account
from domain.customer import KycStatus
from domain.kyc import KycLimits
from domain.money import Money
from domain.till import BusinessCalendar
from domain.transfer import TransferKind

_DEBITS = (TransferKind.TRANSFER, TransferKind.WITHDRAWAL)
_CREDITS = (TransferKind.TRANSFER, TransferKind.DEPOSIT)


class KycGate:
    def __init__(self, limits: KycLimits, calendar: BusinessCalendar) -> None:
        self._limits = limits
        self._calendar = calendar

    def check(self, uow: UnitOfWork, kind: TransferKind, source: Account, destination: Account,
              amount: Money, now: datetime) -> None:
        if kind in _DEBITS and source.kyc is not KycStatus.FULL:
            spent = Money.zero(amount.currency)
            if source.kyc is KycStatus.MIN:
                day_began = datetime.combine(self._calendar.day_of(now), time(),
                                             self._calendar.zone)
                spent = Money(uow.ledger.debited_since(source.id, day_began), amount.currency)
            self._limits.check_debit(source, amount, spent)
        if kind in _CREDITS and destination.kyc is KycStatus.MIN:
            self._limits.check_credit(destination, amount)
