"""Customer alerts by mail: a consumer of the event feed (domain/alerts.py) that tells each
customer what their preferences ask, through the Notifier (SMTP where configured).

One consumer at a time holds the feed for a lease, reads a batch of events, hands their alerts
to the mail relay one by one, then moves its position past the events whose alerts (and every
earlier one's) the relay accepted or set aside, and lets go. Alerts are at least once, never
lost: a relay that fails to take one for a reason that may pass (down, busy, a 4xx) stops the run
there, the position stays before that event and the next run (the dispatcher's next pass) starts
again from it; a crash between sending and moving sends those alerts again once the lease runs
out. So a customer may get an alert twice (the other alerts of an event cut short, or of a
crashed batch), never miss one. The first run starts at the feed's end: a bank that turns alerts
on does not mail its customers' history.

A recipient the relay refuses for good (a mistyped or closed mailbox) must not hold every later
alert of the bank: that alert is set aside, audited `alert.undeliverable` (the customer, the
event's sequence, the relay's reply code) for an operator to follow up, and the run goes on. It
is set aside only once the relay accepted another letter in the run (proof that it delivers to
others); until then it is held, as is every refusal of RELAY_AT_FAULT different recipients in a
row, which is the relay's fault (its configuration), not theirs (alert_round.py)."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import attrs

from application.alert_templates import render
from application.audit import AuditRecorder
from application.context import SYSTEM
from application.ports import (
    Clock,
    Notifier,
    Recipient,
    UnitOfWork,
    UnitOfWorkFactory,
)
from application.use_cases.alert_round import AlertRound, Letter, Owed
from application.use_cases.event_feed import MAX_PAGE
from domain.alerts import ALERTING_TYPES, Alert, AlertPreferences, alerts_for
from domain.audit import Outcome
from domain.errors import ValidationError
from domain.events import DomainEvent, actions_of, announce
from domain.money import Money

CONSUMER = "alerts"
LEASE = timedelta(minutes=5)
UNDELIVERABLE = "alert.undeliverable"


@attrs.frozen
class AlertChoices:
    """What a customer asks to be told: amounts as decimal strings (None: never)."""

    debit_above: str | None = "0.00"
    credit_above: str | None = "0.00"
    security: bool = True
    reminders: bool = True
    standing_orders: bool = True


class SendAlerts:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, notifier: Notifier,
                 audit: AuditRecorder) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._notifier = notifier
        self._audit = audit

    def execute(self, batch: int = MAX_PAGE) -> int:
        """Alert on the events since the last run; the number of alerts the relay accepted.
        A refused alert ends the run, owed still, unless its recipient is refused for good
        (see the module's docstring)."""
        sent, run = 0, None
        while True:
            now = self._clock.now()
            lease = now + LEASE
            with self._uow_factory(write=True) as uow:
                position = uow.alerts.claim(CONSUMER, uow.audit.head().sequence, now, lease)
                uow.commit()
            if position is None:
                return sent  # another dispatcher is alerting
            if run is None or run.reached != position:
                run = AlertRound(self._notifier, position)
            with self._uow_factory() as uow:
                records = uow.audit.announced(actions_of(ALERTING_TYPES), after=run.seen,
                                              limit=batch)
                owed = [Owed(record.sequence, self._letters(uow, announce(record)))
                        for record in records]
            told = run.hand_over(owed, last=len(records) < batch)
            with self._uow_factory(write=True) as uow:
                if uow.alerts.release(CONSUMER, run.reached, lease):
                    for refused in run.settle():
                        uow.audit.append(self._audit.event(
                            SYSTEM, UNDELIVERABLE, outcome=Outcome.FAILURE,
                            customer_id=refused.customer_id,
                            resource=f"event:{refused.sequence}",
                            event_sequence=refused.sequence, reply_code=refused.code))
                uow.commit()
            sent += told
            if run.stopped or len(records) < batch:
                return sent

    def _letters(self, uow: UnitOfWork, event: DomainEvent | None) -> list[Letter]:
        letters: list[Letter] = []
        for alert in alerts_for(event) if event is not None else []:
            customer_id = alert.customer_id or _owner(uow, alert)
            if customer_id is None:
                continue  # the bank's own account (cash, interest): no one to tell
            customer = uow.customers.get(customer_id)
            wanted = uow.alerts.preferences(customer_id) or AlertPreferences(customer_id)
            if customer is None or customer.email == "" or not wanted.wants(alert):
                continue
            recipient = Recipient.of(customer)
            subject, body = render(alert, recipient.name)
            letters.append((recipient, subject, body))
        return letters

    def preferences(self, customer_id: UUID) -> AlertPreferences:
        with self._uow_factory() as uow:
            return uow.alerts.preferences(customer_id) or AlertPreferences(customer_id)

    def choose(self, customer_id: UUID, choices: AlertChoices) -> AlertPreferences:
        chosen = AlertPreferences(
            customer_id, debit_above=_threshold(choices.debit_above, "debit_above"),
            credit_above=_threshold(choices.credit_above, "credit_above"),
            security=choices.security, reminders=choices.reminders,
            standing_orders=choices.standing_orders, updated_at=self._clock.now())
        with self._uow_factory(write=True) as uow:
            uow.alerts.save(chosen)
            uow.commit()
        return chosen


def _owner(uow: UnitOfWork, alert: Alert) -> UUID | None:
    account = uow.accounts.by_number(alert.account) if alert.account else None
    return account.customer_id if account is not None else None


def _threshold(text: str | None, field: str) -> Money | None:
    if text is None:
        return None
    try:
        return Money.parse(text)
    except ValidationError as error:
        raise ValidationError(error.message, field=field) from None
