"""Standing orders and their occurrences as JSON (the HTTP API and `vaani --json` alike)."""

from __future__ import annotations

from typing import Any

from domain.standing_order import Occurrence, StandingOrder
from domain.timestamps import rfc3339
from entrypoints.http import views


def order_body(o: StandingOrder) -> dict[str, Any]:
    return {"id": str(o.id), "from_account_number": o.from_account_number,
            "to_account_number": o.to_account_number,
            "beneficiary_id": str(o.beneficiary_id) if o.beneficiary_id else None,
            "amount": views.money(o.amount), "description": o.description, "rrule": o.rrule,
            "starts_at": rfc3339(o.starts_at), "ends_at": rfc3339(o.ends_at) if o.ends_at else None,
            "next_due_at": rfc3339(o.next_due_at) if o.next_due_at else None,
            "status": o.status.value,
            "reminder_id": str(o.reminder_id) if o.reminder_id else None,
            "created_at": rfc3339(o.created_at)}


def occurrence_body(o: Occurrence) -> dict[str, Any]:
    return {"due_at": rfc3339(o.due_at), "status": o.status.value, "attempts": o.attempts,
            "next_attempt_at": rfc3339(o.next_attempt_at) if o.next_attempt_at else None,
            "transfer_id": str(o.transfer_id) if o.transfer_id else None, "reason": o.reason}
