"""Customer alerts: which events a customer is told of by mail, under their own preferences
(docs/events.md). A debit alerts the payer and a credit the payee, each only above the amount
they chose; security changes, reminders and standing orders each have a switch."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from uuid import UUID

import attrs

from domain.events import DomainEvent
from domain.money import Money


class AlertKind(enum.StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"
    HELD = "held"  # a payment waits for the payer's answer or a review
    SECURITY = "security"
    REMINDER = "reminder"
    STANDING_ORDER = "standing_order"


# The alert an event type makes, beside money's debit and credit.
_BY_TYPE: Mapping[str, AlertKind] = {
    "transfer.held": AlertKind.HELD,
    "device.new": AlertKind.SECURITY,
    "security.pin_changed": AlertKind.SECURITY,
    "security.second_factor_changed": AlertKind.SECURITY,
    "security.voice_changed": AlertKind.SECURITY,  # a thief's voice must not go unnoticed
    "security.locked_out": AlertKind.SECURITY,
    "reminder.due": AlertKind.REMINDER,
    "standing_order.paid": AlertKind.STANDING_ORDER,
    "standing_order.failed": AlertKind.STANDING_ORDER,
}
# A password change or reset is told at once by the use case itself, whatever the preferences
# (the one notice a customer can never turn off); it is not alerted a second time.
ALERTING_TYPES = frozenset({"transfer.posted", *_BY_TYPE})


@attrs.frozen
class Alert:
    """One message to one customer: its kind (the template) and what fills it."""

    kind: AlertKind
    customer_id: UUID | None  # None: the owner of `account`, looked up by the caller
    account: str | None
    fields: Mapping[str, str]


def alerts_for(event: DomainEvent) -> list[Alert]:
    """The alerts an event makes: a posting's debit (payer) and credit (payee), found by their
    accounts; every other alerting type to the customer it is about."""
    fields = {**event.data, "event": event.type, "resource": event.resource,
              "occurred_at": event.occurred_at.strftime("%d %b %Y %H:%M UTC")}
    if event.type == "transfer.posted":
        return [Alert(AlertKind.DEBIT, None, event.data.get("source"), fields),
                Alert(AlertKind.CREDIT, None, event.data.get("destination"), fields)]
    kind = _BY_TYPE.get(event.type)
    if kind is None or event.customer_id is None:
        return []
    return [Alert(kind, event.customer_id, None, fields)]


@attrs.frozen
class AlertPreferences:
    """`debit_above` / `credit_above`: alert for money moving above this amount (zero: every
    movement; None: never). A bank's default: every movement, every notice. An amount in
    another currency than the threshold's is always told."""

    customer_id: UUID
    debit_above: Money | None = attrs.field(factory=Money.zero)
    credit_above: Money | None = attrs.field(factory=Money.zero)
    security: bool = True
    reminders: bool = True
    standing_orders: bool = True
    updated_at: datetime | None = None

    def wants(self, alert: Alert) -> bool:
        if alert.kind in (AlertKind.DEBIT, AlertKind.CREDIT):
            threshold = self.debit_above if alert.kind is AlertKind.DEBIT else self.credit_above
            amount, currency = alert.fields.get("amount"), alert.fields.get("currency")
            if threshold is None:
                return False
            if amount is None or currency != threshold.currency:
                return True  # not comparable: told rather than silently left out
            return Money.parse(amount, currency).minor > threshold.minor
        return {AlertKind.HELD: self.security, AlertKind.SECURITY: self.security,
                AlertKind.REMINDER: self.reminders,
                AlertKind.STANDING_ORDER: self.standing_orders}[alert.kind]
