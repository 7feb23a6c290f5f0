"""Interest on savings (domain/interest.py): `accrue` a day once it is over, `post` a month once
it is over; each is idempotent (a day is marked accrued with its accruals, a month's posting is
kept per account beside the posting it made, under a key derived from both)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import groupby
from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ports import Clock, DuplicateAccrualDay, UnitOfWork, UnitOfWorkFactory
from application.use_cases.postings import Poster, PostingRequest
from domain.account import Account, AccountStatus, AccountType
from domain.errors import AccountNotFound, DomainError, ValidationError
from domain.interest import (
    InterestPolicy,
    accrue,
    interest_account_number,
    month_of,
    parse_month,
    post_month,
)
from domain.ledger import Channel
from domain.money import Money
from domain.till import BusinessCalendar
from domain.transfer import TransferKind


@attrs.frozen
class AccrualRun:
    day: date
    accounts: int  # accounts that accrued (a positive closing balance)
    already: bool = False  # the day was accrued before: nothing was done


@attrs.frozen
class PostingRun:
    month: str
    posted: int  # accounts credited
    carried: int  # accounts whose month came to less than one minor unit (carried on)
    already: int  # accounts whose month was posted before
    refused: list[str] = attrs.Factory(list)  # account: why (frozen, closed); retried next run


class AccrueInterest:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, calendar: BusinessCalendar,
                 policy: InterestPolicy, audit: AuditRecorder) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._calendar = calendar
        self._policy = policy
        self._audit = audit

    def execute(self, day: date | None = None) -> AccrualRun:
        """Accrue `day` (by default yesterday, in the bank's time zone) on every savings
        account's closing balance of that day."""
        today = self._calendar.day_of(self._clock.now())
        day = day or today - timedelta(days=1)
        if day >= today:
            raise ValidationError(f"{day.isoformat()} is not over yet: a day accrues once it "
                                  "has ended", field="date")
        day_ended = datetime.combine(day + timedelta(days=1), time(), self._calendar.zone)
        try:
            with self._uow_factory(write=True) as uow:
                if uow.interest.day_accrued(day):
                    return AccrualRun(day, 0, already=True)
                accruals = []
                for account in uow.accounts.all():
                    if not _earns(account) or account.opened_at >= day_ended:
                        continue
                    last = uow.ledger.last_before(account.id, day_ended)
                    if last is not None and last.balance_after.minor > 0:
                        accruals.append(accrue(account.id, account.account_number,
                                               account.currency, day,
                                               last.balance_after.minor, self._policy.rate_ppm))
                # The day first: a run racing this one waits on it, then finds it taken.
                uow.interest.mark_day(day, len(accruals), self._clock.now())
                uow.interest.add_accruals(accruals)
                uow.audit.append(self._audit.event(
                    RequestContext(), "interest.accrued", resource=f"interest:{day.isoformat()}",
                    accounts=len(accruals), rate_ppm=self._policy.rate_ppm))
                uow.commit()
                return AccrualRun(day, len(accruals))
        except DuplicateAccrualDay:  # another run accrued it first
            return AccrualRun(day, 0, already=True)


def _earns(account: Account) -> bool:
    return account.account_type is AccountType.SAVINGS and account.customer_id is not None \
        and account.status is not AccountStatus.CLOSED


class PostInterest:
    def __init__(self, uow_factory: UnitOfWorkFactory, poster: Poster, clock: Clock,
                 calendar: BusinessCalendar, audit: AuditRecorder) -> None:
        self._uow_factory = uow_factory
        self._poster = poster
        self._clock = clock
        self._calendar = calendar
        self._audit = audit

    def execute(self, month: str | None = None) -> PostingRun:
        """Post `month` (by default last month): each account's accruals and carry, in whole
        minor units from the interest-expense account; the rest carried to the next month."""
        today = self._calendar.day_of(self._clock.now())
        month = month or month_of(today.replace(day=1) - timedelta(days=1))
        first, after = parse_month(month)
        if after > today:
            raise ValidationError(f"{month} is not over yet: a month is posted once it has ended",
                                  field="month")
        with self._uow_factory() as uow:
            waiting = uow.interest.unposted(first, after)
        posted = carried = already = 0
        refused: list[str] = []
        for (account_id, number, currency), group in groupby(
                waiting, key=lambda a: (a.account_id, a.account_number, a.currency)):
            accrued = sum(a.numerator for a in group)
            try:
                outcome = self._post(account_id, number, currency, month, first, after, accrued)
            except DomainError as error:
                refused.append(f"{number}: {error.code}")
                continue
            posted += outcome == "posted"
            carried += outcome == "carried"
            already += outcome == "already"
        return PostingRun(month, posted, carried, already, refused)

    def _post(self, account_id: UUID, number: str, currency: str, month: str, first: date,
              after: date, accrued: int) -> str:
        with self._uow_factory(write=True) as uow:
            uow.accounts.lock([number])  # one run at a time posts an account's month
            if uow.interest.posting(account_id, month) is not None:
                return "already"
            previous = uow.interest.last_posting(account_id, month)
            posting = post_month(account_id, month, accrued,
                                 previous.carried_out if previous else 0)
            if posting.amount > 0:
                transfer = self._credit(uow, number, Money(posting.amount, currency), month)
                posting = attrs.evolve(posting, transfer_id=transfer)
            uow.interest.add_posting(posting)
            uow.interest.mark_posted(account_id, first, after, month)
            uow.commit()
            return "posted" if posting.amount > 0 else "carried"

    def _credit(self, uow: UnitOfWork, number: str, amount: Money, month: str) -> UUID:
        bank = interest_account_number(amount.currency)
        request = PostingRequest(
            kind=TransferKind.INTEREST, from_account_number=bank, to_account_number=number,
            amount=amount, channel=Channel.BRANCH, description=f"Interest {month}",
            idempotency_key=f"{number}:{month}", idempotency_scope="interest")

        def authorize(_: UnitOfWork, locked: dict[str, Account]) -> tuple[Account, Account]:
            if bank not in locked or number not in locked:
                raise AccountNotFound(f"account {number} or {bank} not found",
                                      account_number=number)
            return locked[bank], locked[number]

        return self._poster.post_in(uow, request, authorize).transfer.id
