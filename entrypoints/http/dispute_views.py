"""Disputes as JSON: the customer sees their case and the bank's answer; operators also who
works it and its refund."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.dispute import Dispute
from domain.timestamps import rfc3339


def dispute_body(d: Dispute, now: datetime, *, operator: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "dispute_id": str(d.id), "transfer_id": str(d.transfer_id), "reason": d.reason.value,
        "description": d.description, "status": d.status.value,
        "opened_at": rfc3339(d.opened_at), "due_by": rfc3339(d.due_by),
        "overdue": d.overdue(now), "updated_at": rfc3339(d.updated_at),
        "resolution": d.resolution if d.status.resolved else None,
        "resolved_at": rfc3339(d.resolved_at) if d.resolved_at else None,
    }
    if operator:
        body.update(customer_id=str(d.customer_id),
                    assigned_to=str(d.assigned_to) if d.assigned_to else None,
                    reversal_id=str(d.reversal_id) if d.reversal_id else None,
                    resolution=d.resolution)
    return body
