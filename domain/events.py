"""Domain events: what the bank tells the world as money moves and as a customer's security
changes. An event is an audit record of an announced action, seen through the catalogue
below, so the audit trail is the outbox: written in the same transaction as the act, ordered
by its sequence (given under the chain head's lock, so in commit order and without gaps),
never edited. A consumer that remembers the last sequence it saw misses nothing.

Only the details a type names are published: an audit record may say more (scores, reasons
for a refusal) than a webhook receiver should learn, and none of it is a secret."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from uuid import UUID

import attrs

from domain.audit import AuditEvent, Outcome
from domain.timestamps import rfc3339


@attrs.frozen
class EventType:
    """One kind of event; `version` rises when its data changes shape (docs/events.md)."""

    name: str
    version: int
    fields: tuple[str, ...]  # the audit details published as the event's data
    summary: str


@attrs.frozen
class DomainEvent:
    id: UUID  # the audit record's: a receiver's deduplication key
    sequence: int  # the audit record's: a feed's position
    type: str
    version: int
    occurred_at: datetime
    customer_id: UUID | None
    resource: str
    data: Mapping[str, str]

    def as_dict(self) -> dict[str, object]:
        """The event as the feeds and webhooks carry it (docs/events.md)."""
        return {"id": str(self.id), "sequence": self.sequence, "type": self.type,
                "version": self.version, "occurred_at": rfc3339(self.occurred_at),
                "customer_id": str(self.customer_id) if self.customer_id else None,
                "resource": self.resource, "data": dict(self.data)}


_MONEY = ("kind", "source", "destination", "amount", "currency", "channel")
TRANSFER_POSTED = EventType("transfer.posted", 1, _MONEY, "Money moved between two accounts.")
TRANSFER_HELD = EventType("transfer.held", 1, _MONEY,
                          "A payment waits: the payer must answer a challenge, or an operator "
                          "review it. The money is held, not moved.")
TRANSFER_BLOCKED = EventType("transfer.blocked", 1, _MONEY,
                             "The fraud checks refused a payment; nothing moved.")
TRANSFER_RELEASED = EventType("transfer.released", 1, ("amount", "why"),
                              "A held payment was released and posted.")
TRANSFER_VOIDED = EventType("transfer.voided", 1, ("amount", "why"),
                            "A held payment was given back; nothing moved.")
TRANSFER_REVERSED = EventType("transfer.reversed", 1,
                              ("transfer", "amount", "currency", "posted_as"),
                              "A posted transfer was reversed (in full or in part) by a new "
                              "transfer back to its payer.")
DISPUTE_OPENED = EventType("dispute.opened", 1, ("transfer", "reason"),
                           "A customer disputed a debit.")
DISPUTE_RESOLVED = EventType("dispute.resolved", 1, ("status", "reversal"),
                             "A dispute was resolved: refunded or rejected.")
STANDING_ORDER_PAID = EventType("standing_order.paid", 1, ("occurrence", "transfer"),
                                "A standing order's occurrence was paid.")
STANDING_ORDER_FAILED = EventType("standing_order.failed", 1,
                                  ("occurrence", "status", "reason", "transfer"),
                                  "A standing order's occurrence was not paid: `status` says "
                                  "whether it is retried, held or failed for good.")
DEVICE_NEW = EventType("device.new", 1, ("trust",),
                       "A device the customer had not used before logged in.")
PASSWORD_CHANGED = EventType("security.password_changed", 1, ("how",),
                             "The login password was changed or reset.")
PIN_CHANGED = EventType("security.pin_changed", 1, ("how",), "The UPI PIN was set or changed.")
SECOND_FACTOR_CHANGED = EventType("security.second_factor_changed", 1, ("how",),
                                  "Two-step login was turned on, off, or reset by the bank.")
VOICE_CHANGED = EventType("security.voice_changed", 1, ("how",),
                          "A voice was enrolled for voice login and answers, or enrolled again.")
LOCKED_OUT = EventType("security.locked_out", 1, ("until",),
                       "Too many wrong passwords: logins are refused until `until`.")
ACCOUNT_FROZEN = EventType("account.frozen", 1, (), "An account (the resource) was frozen.")
ACCOUNT_UNFROZEN = EventType("account.unfrozen", 1, (), "An account was unfrozen.")
CUSTOMER_FROZEN = EventType("customer.frozen", 1, ("accounts",),
                            "Every account and login of a customer was frozen.")
REMINDER_DUE = EventType("reminder.due", 1, ("title", "type", "amount", "currency",
                                             "occurrence"), "A reminder fell due.")


@attrs.frozen
class _Announced:
    type: EventType
    outcome: str = Outcome.SUCCESS
    when: Callable[[Mapping[str, str]], bool] | None = None
    fixed: Mapping[str, str] = attrs.field(factory=dict)  # data the action itself implies


def _status_is(status: str) -> Callable[[Mapping[str, str]], bool]:
    return lambda details: details.get("status") == status


_MOVED = ("transfer", "deposit", "withdrawal", "interest")
CATALOGUE: Mapping[str, _Announced] = {
    **{f"money.{kind}": _Announced(TRANSFER_POSTED, fixed={"kind": kind}) for kind in _MOVED},
    # Only a customer's transfer is screened (application/use_cases/transfer_money.py).
    "money.transfer.held": _Announced(TRANSFER_HELD, fixed={"kind": "transfer"}),
    "money.transfer.blocked": _Announced(TRANSFER_BLOCKED, fixed={"kind": "transfer"}),
    "money.transfer.released": _Announced(TRANSFER_RELEASED),
    "money.transfer.voided": _Announced(TRANSFER_VOIDED, Outcome.DENIED),
    "reversal.posted": _Announced(TRANSFER_REVERSED),
    "dispute.opened": _Announced(DISPUTE_OPENED),
    "dispute.rejected": _Announced(DISPUTE_RESOLVED),
    "dispute.refund": _Announced(DISPUTE_RESOLVED, when=_status_is("resolved_refunded")),
    "dispute.refunded": _Announced(DISPUTE_RESOLVED),
    "standing_order.paid": _Announced(STANDING_ORDER_PAID),
    **{f"standing_order.{status}": _Announced(STANDING_ORDER_FAILED, Outcome.FAILURE,
                                              fixed={"status": status})
       for status in ("retrying", "held", "failed")},
    "device.bound": _Announced(DEVICE_NEW),
    "device.rekeyed": _Announced(DEVICE_NEW),  # a key on a binding that had none: a new device
    "auth.password.changed": _Announced(PASSWORD_CHANGED, fixed={"how": "changed"}),
    "auth.password.reset": _Announced(PASSWORD_CHANGED, fixed={"how": "reset"}),
    "upi.pin.set": _Announced(PIN_CHANGED, fixed={"how": "set"}),
    "upi.pin.changed": _Announced(PIN_CHANGED, fixed={"how": "changed"}),
    "auth.totp.enabled": _Announced(SECOND_FACTOR_CHANGED, fixed={"how": "enabled"}),
    "auth.totp.disabled": _Announced(SECOND_FACTOR_CHANGED, fixed={"how": "disabled"}),
    "auth.totp.reset": _Announced(SECOND_FACTOR_CHANGED, fixed={"how": "reset_by_bank"}),
    "voice.enrolled": _Announced(VOICE_CHANGED, fixed={"how": "enrolled"}),
    "voice.reenrolled": _Announced(VOICE_CHANGED, fixed={"how": "replaced"}),
    "auth.lockout": _Announced(LOCKED_OUT, Outcome.DENIED),
    "account.frozen": _Announced(ACCOUNT_FROZEN),
    "account.unfrozen": _Announced(ACCOUNT_UNFROZEN),
    "customer.frozen": _Announced(CUSTOMER_FROZEN),
    "reminder.due": _Announced(REMINDER_DUE),
}
ANNOUNCED_ACTIONS = frozenset(CATALOGUE)
EVENT_TYPES: Mapping[str, EventType] = {a.type.name: a.type for a in CATALOGUE.values()}


def actions_of(types: frozenset[str] | None) -> frozenset[str]:
    """The audit actions that announce any of `types` (every announced action for None)."""
    if types is None:
        return ANNOUNCED_ACTIONS
    return frozenset(action for action, a in CATALOGUE.items() if a.type.name in types)


def announce(record: AuditEvent) -> DomainEvent | None:
    """The event an audit record announces, or None: an action outside the catalogue, or an
    outcome or detail that says the act did not happen as the type means."""
    announced = CATALOGUE.get(record.action)
    if announced is None or record.outcome != announced.outcome:
        return None
    if announced.when is not None and not announced.when(record.details):
        return None
    kind = announced.type
    data = {name: record.details[name] for name in kind.fields if name in record.details}
    data.update(announced.fixed)
    return DomainEvent(id=record.id, sequence=record.sequence, type=kind.name,
                       version=kind.version, occurred_at=record.occurred_at,
                       customer_id=record.customer_id, resource=record.resource, data=data)
