"""Cash at the counter: a teller pays cash in or out (the one posting path, idempotent), and
each movement is kept in the teller's till for the day; closing the day sets each till's totals
against the ledger's legs and ends the day for that till."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ports import Clock, DuplicateIdempotencyKey, UnitOfWork, UnitOfWorkFactory
from application.use_cases.cash import CashCommand, Deposit, Withdraw
from application.use_cases.postings import PostingResult
from domain.errors import Forbidden, TillClosed
from domain.ledger import Channel, EntryType
from domain.money import Money
from domain.till import BusinessCalendar, CashKind, TillClosing, TillEntry, TillTotals, totals
from domain.transfer import TransferStatus


@attrs.frozen
class TellerCommand:
    kind: CashKind
    account_number: str
    amount: Money
    context: RequestContext  # its actor is the teller
    description: str = ""
    idempotency_key: str | None = None


@attrs.frozen
class TillReport:
    """A till's totals and what the ledger's legs of the same transfers say."""

    totals: TillTotals
    ledger_deposited: Money
    ledger_withdrawn: Money

    @property
    def balanced(self) -> bool:
        return (self.ledger_deposited, self.ledger_withdrawn) == \
            (self.totals.deposited, self.totals.withdrawn)


def teller_of(context: RequestContext) -> UUID:
    if context.actor_id is None:
        raise Forbidden("cash at the counter is paid in and out by a named teller")
    return context.actor_id


class TellerCash:
    def __init__(self, uow_factory: UnitOfWorkFactory, deposit: Deposit, withdraw: Withdraw,
                 clock: Clock, calendar: BusinessCalendar) -> None:
        self._uow_factory = uow_factory
        self._moves = {CashKind.DEPOSIT: deposit, CashKind.WITHDRAWAL: withdraw}
        self._clock = clock
        self._calendar = calendar

    def execute(self, command: TellerCommand) -> PostingResult:
        teller = teller_of(command.context)
        move = self._moves[command.kind]
        cash = CashCommand(command.account_number, command.amount, Channel.BRANCH,
                           command.description, command.idempotency_key, command.context)
        try:
            with self._uow_factory(write=True) as uow:
                now = self._clock.now()
                day = self._calendar.day_of(now)
                if uow.tills.closing(teller, day) is not None:
                    raise TillClosed(f"your till of {day.isoformat()} is closed",
                                     business_date=day.isoformat())
                result = move.execute(cash, uow)
                if not result.replayed:
                    uow.tills.add(TillEntry(result.transfer.id, teller, day, command.kind,
                                            command.amount, now))
                uow.commit()
                return result
        except DuplicateIdempotencyKey:  # a retry that raced the first: answer as a retry
            return move.execute(cash)


class CloseTillDay:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, calendar: BusinessCalendar,
                 audit: AuditRecorder) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._calendar = calendar
        self._audit = audit

    def today(self) -> date:
        return self._calendar.day_of(self._clock.now())

    def report(self, day: date, teller_id: UUID | None = None) -> list[TillReport]:
        with self._uow_factory() as uow:
            return _reports(uow, uow.tills.of_day(day, teller_id))

    def execute(self, day: date, context: RequestContext,
                teller_id: UUID | None = None) -> list[TillReport]:
        """Close the day's tills (of one teller, or of all who moved cash) and report them."""
        with self._uow_factory(write=True) as uow:
            entries = uow.tills.of_day(day, teller_id)
            reports = _reports(uow, entries)
            for teller in sorted({e.teller_id for e in entries}, key=str):
                if uow.tills.closing(teller, day) is None:
                    uow.tills.close(TillClosing(teller, day, self._clock.now(), context.actor_id))
            uow.audit.append(self._audit.event(
                context, "till.closed", resource=f"till:{day.isoformat()}",
                tills=len(reports), balanced=all(r.balanced for r in reports)))
            uow.commit()
            return reports


def _reports(uow: UnitOfWork, entries: list[TillEntry]) -> list[TillReport]:
    """Each till's totals beside the legs the ledger holds on the cash account's side."""
    found = []
    for total in totals(entries):
        ledger = {CashKind.DEPOSIT: Money.zero(total.currency),
                  CashKind.WITHDRAWAL: Money.zero(total.currency)}
        for entry in entries:
            if (entry.teller_id, entry.amount.currency) != (total.teller_id, total.currency):
                continue
            transfer = uow.transfers.get(entry.transfer_id)
            if transfer is None or transfer.status is not TransferStatus.COMPLETED:
                continue
            # The cash account pays a deposit out (debit) and takes a withdrawal in (credit).
            side = EntryType.DEBIT if entry.kind is CashKind.DEPOSIT else EntryType.CREDIT
            cash_id = transfer.from_account_id if entry.kind is CashKind.DEPOSIT \
                else transfer.to_account_id
            for leg in uow.ledger.for_transfer(entry.transfer_id):
                if leg.entry_type is side and leg.account_id == cash_id:
                    ledger[entry.kind] += leg.amount
        found.append(TillReport(total, ledger[CashKind.DEPOSIT], ledger[CashKind.WITHDRAWAL]))
    return found
