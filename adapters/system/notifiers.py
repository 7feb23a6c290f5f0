"""Notifiers: the structured log (for operators and development). The outbox needs no
notifier: it is the notifications table, written in the delivering transaction. Mail:
smtp_notifier.py."""

from __future__ import annotations

import json
import logging
from uuid import UUID

from application.ports import Recipient
from domain.reminder import Notification

log = logging.getLogger("vaani.notifications")
REDACTED = "[redacted]"


class LogNotifier:
    """Writes each message to the `vaani.notifications` logger. A secret (a password reset
    code) is written as `[redacted]`: logs are read by more people than the customer, and
    kept longer than the code lives. Only a demo (`reveal_secrets`, VAANI_DEMO=1) writes it,
    so a developer without a mail server can still reset a password."""

    def __init__(self, reveal_secrets: bool = False) -> None:
        self._reveal = reveal_secrets

    def send(self, notification: Notification) -> None:
        log.info(json.dumps({"customer_id": str(notification.customer_id),
                             "reminder_id": str(notification.reminder_id),
                             "occurrence": notification.occurrence.isoformat(),
                             "title": notification.title}))

    def tell(self, customer_id: UUID, title: str, body: str) -> None:
        log.info(json.dumps({"customer_id": str(customer_id), "title": title, "body": body}))

    def deliver(self, to: Recipient, subject: str, body: str, secret: str | None = None) -> None:
        record = {"customer_id": str(to.customer_id), "address": to.address, "title": subject,
                  "body": body}
        if secret is not None:
            shown = secret if self._reveal else REDACTED
            record.update(body=body.replace("{secret}", shown), secret=shown)
        log.info(json.dumps(record))

    def deliver_now(self, to: Recipient, subject: str, body: str) -> None:
        """The log takes every message at once: nothing to wait for, nothing that fails."""
        self.deliver(to, subject, body)
