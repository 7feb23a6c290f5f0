"""Customer alerts by mail: a consumer of the event feed (domain/alerts.py) that tells each
customer what their preferences ask, through the Notifier (SMTP where configured).

One consumer at a time holds the feed for a lease, reads a batch of events, hands their alerts
to the mail relay one by one, then moves its position past the events whose alerts (and every
earlier one's) the relay accepted, and lets go. Alerts are at least once, never lost: a relay
that refuses one (or is down) stops the run there, the position stays before that event and the
next run (the dispatcher's next pass) starts again from it; a crash between sending and moving
sends those alerts again once the lease runs out. So a customer may get an alert twice (the
other alerts of an event cut short, or of a crashed batch), never miss one. The first run starts
at the feed's end: a bank that turns alerts on does not mail its customers' history."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import attrs

from application.alert_templates import render
from application.ports import (
    Clock,
    NotificationFailed,
    Notifier,
    Recipient,
    UnitOfWork,
    UnitOfWorkFactory,
)
from application.use_cases.event_feed import MAX_PAGE
from domain.alerts import ALERTING_TYPES, Alert, AlertPreferences, alerts_for
from domain.errors import ValidationError
from domain.events import DomainEvent, actions_of, announce
from domain.money import Money

CONSUMER = "alerts"
LEASE = timedelta(minutes=5)
Letter = tuple[Recipient, str, str]  # to whom, the subject, the body


@attrs.frozen
class AlertChoices:
    """What a customer asks to be told: amounts as decimal strings (None: never)."""

    debit_above: str | None = "0.00"
    credit_above: str | None = "0.00"
    security: bool = True
    reminders: bool = True
    standing_orders: bool = True


class SendAlerts:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock,
                 notifier: Notifier) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._notifier = notifier

    def execute(self, batch: int = MAX_PAGE) -> int:
        """Alert on the events since the last run; the number of alerts the relay accepted.
        A refused alert ends the run, owed still (see the module's docstring)."""
        sent = 0
        while True:
            now = self._clock.now()
            lease = now + LEASE
            with self._uow_factory(write=True) as uow:
                position = uow.alerts.claim(CONSUMER, uow.audit.head().sequence, now, lease)
                uow.commit()
            if position is None:
                return sent  # another dispatcher is alerting
            with self._uow_factory() as uow:
                records = uow.audit.announced(actions_of(ALERTING_TYPES), after=position,
                                              limit=batch)
                owed = [(record.sequence, self._letters(uow, announce(record)))
                        for record in records]
            reached, told, refused = self._hand_over(position, owed)
            with self._uow_factory(write=True) as uow:
                uow.alerts.release(CONSUMER, reached, lease)
                uow.commit()
            sent += told
            if refused or len(records) < batch:
                return sent

    def _hand_over(self, position: int, owed: list[tuple[int, list[Letter]]]
                   ) -> tuple[int, int, bool]:
        """Each event's letters in order, until the relay refuses one: the position reached
        (the last event all of whose letters, and every earlier one's, were accepted), the
        letters accepted, and whether one was refused (the notifier logged why)."""
        reached, told = position, 0
        for sequence, letters in owed:
            for recipient, subject, body in letters:
                try:
                    self._notifier.deliver_now(recipient, subject, body)
                except NotificationFailed:
                    return reached, told, True
                told += 1
            reached = sequence
        return reached, told, False

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
