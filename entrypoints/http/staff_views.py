"""How the operator API shows a staff proposal and the result of a sensitive action."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.staff_proposal import StaffAction, StaffProposal
from domain.timestamps import rfc3339


def proposal(p: StaffProposal, now: datetime) -> dict[str, Any]:
    return {
        "id": str(p.id), "action": p.action.value, "customer_number": p.customer_number,
        "params": p.parameters, "reason": p.reason, "proposed_by": str(p.proposed_by),
        "proposed_at": rfc3339(p.proposed_at), "expires_at": rfc3339(p.expires_at),
        "status": p.status_at(now).value,
        "decided_by": str(p.decided_by) if p.decided_by else None,
        "decided_at": rfc3339(p.decided_at) if p.decided_at else None, "outcome": p.outcome,
    }


def action_result(action: StaffAction, number: str, proposed: StaffProposal | None
                  ) -> tuple[dict[str, Any], int]:
    """Done at once (200), or waiting for a second member of staff (202)."""
    if proposed is None:
        return {"status": "done", "action": action.value, "customer_number": number}, 200
    return {"status": "pending_approval", "action": action.value, "customer_number": number,
            "proposal": proposal(proposed, proposed.proposed_at)}, 202
