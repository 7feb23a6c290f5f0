"""A statement for a date range: opening balance, entries, closing balance, reconciled."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

import attrs

from application.ports import UnitOfWorkFactory
from application.use_cases.view_accounts import owned_account
from domain.account import Account
from domain.errors import ValidationError
from domain.ledger import EntryType, LedgerEntry
from domain.money import Money

MAX_DAYS = 366


@attrs.frozen
class Statement:
    account: Account
    start: date
    end: date
    opening_balance: Money
    closing_balance: Money
    total_credits: Money
    total_debits: Money
    entries: list[LedgerEntry]


class GenerateStatement:
    """Entries posted from the first day 00:00 UTC up to the end of the last day."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def execute(self, customer_id: UUID | None, account_number: str, start: date,
                end: date) -> Statement:
        if start > end:
            raise ValidationError("'from' must not be after 'to'", field="from")
        if (end - start).days >= MAX_DAYS:
            raise ValidationError(f"a statement covers at most {MAX_DAYS} days", field="to")
        since = datetime.combine(start, time.min, UTC)
        until = datetime.combine(end + timedelta(days=1), time.min, UTC)
        with self._uow_factory() as uow:
            account = owned_account(uow, customer_id, account_number)
            before = uow.ledger.last_before(account.id, since)
            entries = list(uow.ledger.between(account.id, since, until))
        zero = Money.zero(account.currency)
        opening = before.balance_after if before is not None else zero
        credits = sum((e.amount for e in entries if e.entry_type is EntryType.CREDIT), zero)
        debits = sum((e.amount for e in entries if e.entry_type is EntryType.DEBIT), zero)
        closing = entries[-1].balance_after if entries else opening
        if opening + credits - debits != closing:
            raise RuntimeError(f"ledger of {account_number} does not reconcile; run ledger verify")
        return Statement(account, start, end, opening, closing, credits, debits, entries)
