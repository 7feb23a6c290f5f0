"""Notifiers: the structured log (for operators and development). The outbox needs no
notifier: it is the notifications table, written in the delivering transaction."""

from __future__ import annotations

import json
import logging
from uuid import UUID

from domain.reminder import Notification

log = logging.getLogger("vaani.notifications")


class LogNotifier:
    def send(self, notification: Notification) -> None:
        log.info(json.dumps({"customer_id": str(notification.customer_id),
                             "reminder_id": str(notification.reminder_id),
                             "occurrence": notification.occurrence.isoformat(),
                             "title": notification.title}))

    def tell(self, customer_id: UUID, title: str, body: str) -> None:
        log.info(json.dumps({"customer_id": str(customer_id), "title": title, "body": body}))

    def deliver(self, address: str, title: str, body: str) -> None:
        log.info(json.dumps({"address": address, "title": title, "body": body}))
