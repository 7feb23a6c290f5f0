"""Reversals as JSON: operators see the whole proposal, a customer what happens to their money."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from application.use_cases import ReversalsOf
from domain.reversal import Reversal
from domain.timestamps import rfc3339
from entrypoints.http.views import money


def reversal_body(r: Reversal, now: datetime, *, operator: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reversal_id": str(r.id), "transfer_id": str(r.transfer_id),
        "status": r.status_at(now).value, "amount": money(r.amount),
        "proposed_at": rfc3339(r.proposed_at),
        "decided_at": rfc3339(r.decided_at) if r.decided_at else None,
        "reversal_transfer_id": str(r.reversal_transfer_id) if r.reversal_transfer_id else None,
    }
    if operator:  # who proposed and decided, and why, stays with the bank
        body.update(
            reason=r.reason, proposed_by=str(r.proposed_by), expires_at=rfc3339(r.expires_at),
            decided_by=str(r.decided_by) if r.decided_by else None,
            dispute_id=str(r.dispute_id) if r.dispute_id else None)
    return body


def reversals_part(found: ReversalsOf, *, operator: bool) -> dict[str, Any]:
    """What GET /transfers/{id} adds: the transfer's reversals and what remains reversible."""
    return {"reversals": [reversal_body(r, found.now, operator=operator)
                          for r in found.reversals],
            "reversible_amount": money(found.reversible),
            "reverses_transfer_id": str(found.reverses) if found.reverses else None}
