"""A statement for a date range: opening balance, entries, closing balance, reconciled."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

import attrs

from application.ports import UnitOfWorkFactory
from application.use_cases.view_accounts import owned_account
from domain.account import Account
from domain.errors import ValidationError
from domain.ledger import EntryType, LedgerEntry
from domain.money import Money

MAX_DAYS = 3660  # ten years: statements stream, so length costs no memory


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


PAGE = 500


@attrs.define
class Tally:
    """Running totals while a statement streams; `closing` is the last balance seen."""

    closing: Money
    credits: Money
    debits: Money

    def add(self, entry: LedgerEntry) -> None:
        if entry.entry_type is EntryType.CREDIT:
            self.credits = self.credits + entry.amount
        else:
            self.debits = self.debits + entry.amount
        self.closing = entry.balance_after


@attrs.frozen
class StatementStream:
    """A statement whose entries are read page by page, each page in its own short read, so
    a year of a busy account never sits in memory or holds a transaction open."""

    account: Account
    start: date
    end: date
    opening_balance: Money
    tally: Tally
    _pages: Callable[[], Iterator[list[LedgerEntry]]] = attrs.field(repr=False)

    def pages(self) -> Iterator[list[LedgerEntry]]:
        """The entries a page at a time (a writer sends each page in one piece), tallied."""
        for page in self._pages():
            for entry in page:
                self.tally.add(entry)
            yield page

    def entries(self) -> Iterator[LedgerEntry]:
        for page in self.pages():
            yield from page


class StreamStatement:
    """Entries posted from the first day 00:00 UTC up to the end of the last day."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def execute(self, customer_id: UUID | None, account_number: str, start: date,
                end: date) -> StatementStream:
        if start > end:
            raise ValidationError("'from' must not be after 'to'", field="from")
        if (end - start).days >= MAX_DAYS:
            raise ValidationError(f"a statement covers at most {MAX_DAYS} days", field="to")
        since = datetime.combine(start, time.min, UTC)
        until = datetime.combine(end + timedelta(days=1), time.min, UTC)
        with self._uow_factory() as uow:
            account = owned_account(uow, customer_id, account_number)
            before = uow.ledger.last_before(account.id, since)
        zero = Money.zero(account.currency)
        opening = before.balance_after if before is not None else zero

        def pages() -> Iterator[list[LedgerEntry]]:
            after: LedgerEntry | None = None
            while True:
                with self._uow_factory() as uow:
                    page = uow.ledger.in_range(account.id, since, until, after=after, limit=PAGE)
                if page:
                    yield page
                if len(page) < PAGE:
                    return
                after = page[-1]

        return StatementStream(account, start, end, opening, Tally(opening, zero, zero), pages)


class GenerateStatement:
    """The whole statement at once (for short ranges and operators), reconciled."""

    def __init__(self, stream: StreamStatement) -> None:
        self._stream = stream

    def execute(self, customer_id: UUID | None, account_number: str, start: date,
                end: date) -> Statement:
        stream = self._stream.execute(customer_id, account_number, start, end)
        entries = list(stream.entries())
        tally = stream.tally
        if stream.opening_balance + tally.credits - tally.debits != tally.closing:
            raise RuntimeError(f"ledger of {account_number} does not reconcile; run ledger verify")
        return Statement(stream.account, start, end, stream.opening_balance, tally.closing,
                         tally.credits, tally.debits, entries)
