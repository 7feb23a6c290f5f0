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
from domain.permissions import Permission, may
from domain.reversal import ReversalStatus
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
    """A till's totals and what the ledger's cash-account legs of the same transfers, and of
    the reversals posted against them, say."""

    totals: TillTotals
    ledger_deposited: Money
    ledger_withdrawn: Money
    ledger_deposits_reversed: Money
    ledger_withdrawals_reversed: Money

    @property
    def balanced(self) -> bool:
        t = self.totals
        return (self.ledger_deposited, self.ledger_withdrawn, self.ledger_deposits_reversed,
                self.ledger_withdrawals_reversed) == \
            (t.deposited, t.withdrawn, t.deposits_reversed, t.withdrawals_reversed)


def teller_of(context: RequestContext) -> UUID:
    if context.actor_id is None:
        raise Forbidden("cash at the counter is paid in and out by a named teller")
    return context.actor_id


def _ensure_open(uow: UnitOfWork, teller: UUID, day: date) -> None:
    if uow.tills.closing(teller, day) is not None:
        raise TillClosed(f"your till of {day.isoformat()} is closed",
                         business_date=day.isoformat())


def _ensure_may_handle(uow: UnitOfWork, teller: UUID, account_number: str) -> None:
    """A member of staff still on staff, whose role handles cash, and not on their own
    account: the bank's four-eyes rule keeps a teller's own money at another's counter."""
    who = uow.customers.get(teller)
    if who is None or who.disabled or not may(who.roles, Permission.HANDLE_CASH):
        raise Forbidden("cash at the counter is paid in and out by a teller on staff")
    account = uow.accounts.by_number(account_number)
    if account is not None and account.customer_id == teller:
        raise Forbidden("a teller does not handle cash on their own account",
                        account_number=account_number)


class TellerCash:
    """A teller's slip number (the idempotency key) is theirs for the business day: the same
    number from another teller, or on another day, is another slip."""

    def __init__(self, uow_factory: UnitOfWorkFactory, deposit: Deposit, withdraw: Withdraw,
                 clock: Clock, calendar: BusinessCalendar) -> None:
        self._uow_factory = uow_factory
        self._moves = {CashKind.DEPOSIT: deposit, CashKind.WITHDRAWAL: withdraw}
        self._clock = clock
        self._calendar = calendar

    def execute(self, command: TellerCommand) -> PostingResult:
        teller = teller_of(command.context)
        move = self._moves[command.kind]
        now = self._clock.now()
        day = self._calendar.day_of(now)
        cash = CashCommand(command.account_number, command.amount, Channel.BRANCH,
                           command.description, command.idempotency_key, command.context,
                           idempotency_scope=f"till:{teller}:{day.isoformat()}")
        try:
            with self._uow_factory(write=True) as uow:
                _ensure_open(uow, teller, day)
                _ensure_may_handle(uow, teller, command.account_number)
                result = move.execute(cash, uow)
                if not result.replayed:
                    # The till's turn, then the check again: a close of this till either
                    # committed before (and refuses this) or waits for this to commit (and
                    # counts it). The first check only spares a posting.
                    uow.tills.take_turn(teller, day)
                    _ensure_open(uow, teller, day)
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
        """Close the day's tills — of one teller, or of every member of staff who may handle
        cash (whether or not they moved any) — and report those that moved cash. Each till's
        turn is taken first, so a movement still being written is counted, and a later one
        refused."""
        with self._uow_factory(write=True) as uow:
            if teller_id is not None:
                tellers = {teller_id}
            else:
                tellers = {s.id for s in uow.customers.staff()
                           if may(s.roles, Permission.HANDLE_CASH)}
                tellers |= {e.teller_id for e in uow.tills.of_day(day)}
            for teller in sorted(tellers, key=str):
                uow.tills.take_turn(teller, day)
            entries = uow.tills.of_day(day, teller_id)
            reports = _reports(uow, entries)
            for teller in sorted(tellers, key=str):
                if uow.tills.closing(teller, day) is None:
                    uow.tills.close(TillClosing(teller, day, self._clock.now(), context.actor_id))
            uow.audit.append(self._audit.event(
                context, "till.closed", resource=f"till:{day.isoformat()}",
                tills=len(reports), closed=len(tellers),
                balanced=all(r.balanced for r in reports)))
            uow.commit()
            return reports


def _reports(uow: UnitOfWork, entries: list[TillEntry]) -> list[TillReport]:
    """Each till's totals beside the legs the ledger holds on the cash account's side, of the
    till's transfers and of the reversals posted against them: a reversed deposit is cash the
    cash account gave back, and the till says so too."""
    reversals = {e.transfer_id: [r for r in uow.reversals.of_transfer(e.transfer_id)
                                 if r.status is ReversalStatus.POSTED] for e in entries}
    taken_back = {tid: sum((r.amount for r in found), Money.zero(found[0].amount.currency))
                  for tid, found in reversals.items() if found}
    found = []
    for total in totals(entries, taken_back):
        zero = Money.zero(total.currency)
        ledger = {(kind, back): zero for kind in CashKind for back in (False, True)}
        for entry in entries:
            if (entry.teller_id, entry.amount.currency) != (total.teller_id, total.currency):
                continue
            transfer = uow.transfers.get(entry.transfer_id)
            if transfer is None or transfer.status is not TransferStatus.COMPLETED:
                continue
            # The cash account pays a deposit out (debit) and takes a withdrawal in (credit);
            # a reversal moves the other way.
            deposit = entry.kind is CashKind.DEPOSIT
            cash_id = transfer.from_account_id if deposit else transfer.to_account_id
            moves = [(entry.transfer_id, False)] + [
                (r.reversal_transfer_id, True) for r in reversals[entry.transfer_id]
                if r.reversal_transfer_id is not None]
            for transfer_id, back in moves:
                side = EntryType.DEBIT if deposit != back else EntryType.CREDIT
                for leg in uow.ledger.for_transfer(transfer_id):
                    if leg.entry_type is side and leg.account_id == cash_id:
                        ledger[entry.kind, back] += leg.amount
        found.append(TillReport(
            total, ledger[CashKind.DEPOSIT, False], ledger[CashKind.WITHDRAWAL, False],
            ledger[CashKind.DEPOSIT, True], ledger[CashKind.WITHDRAWAL, True]))
    return found
