"""Interest on savings (domain/interest.py): `accrue` a day once it is over, `post` a month once
it is over; each is idempotent (a day is marked accrued with its accruals, a month's posting is
kept per account beside the posting it made, under a key derived from both). A posting takes
every accrual left before the month's end, so a month refused or a day accrued late is paid by
the account's next posting (interest_settlement.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import groupby

import attrs

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ports import Clock, DuplicateAccrualDay, UnitOfWorkFactory
from application.use_cases.interest_settlement import ALREADY, CARRIED, POSTED, settle_interest
from application.use_cases.postings import Poster
from domain.account import Account, AccountType
from domain.errors import AccountNotFound, DomainError, ValidationError
from domain.interest import InterestPolicy, accrue, month_of, parse_month
from domain.till import BusinessCalendar


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
    already: int  # accounts whose month was posted before (a day accrued late waits for the next)
    refused: list[str] = attrs.Factory(list)  # account: why (frozen); the next run posts it


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
    """Savings earn; a closed one too, for a day it held money (a night's run redone late):
    closed at zero, it holds none from its close on, and what it earned is paid to the bank's
    payable for closed accounts (interest_settlement.py)."""
    return account.account_type is AccountType.SAVINGS and account.customer_id is not None


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
        _, after = parse_month(month)
        if after > today:
            raise ValidationError(f"{month} is not over yet: a month is posted once it has ended",
                                  field="month")
        with self._uow_factory() as uow:  # which accounts have something to post
            waiting = uow.interest.unposted(after)
        posted = carried = already = 0
        refused: list[str] = []
        for number, _ in groupby(waiting, key=lambda a: a.account_number):
            try:
                outcome = self._post(number, month, after)
            except DomainError as error:
                refused.append(f"{number}: {error.code}")
                continue
            posted += outcome == POSTED
            carried += outcome == CARRIED
            already += outcome == ALREADY
        return PostingRun(month, posted, carried, already, refused)

    def _post(self, number: str, month: str, after: date) -> str:
        """One account's month, under its lock: the accruals are read again there, so a day
        accrued since the first read is either taken now or left for the next posting."""
        with self._uow_factory(write=True) as uow:
            account = uow.accounts.lock([number]).get(number)
            if account is None:
                raise AccountNotFound(f"account {number} not found", account_number=number)
            outcome = settle_interest(uow, self._poster, account, month, after)
            uow.commit()
            return outcome
