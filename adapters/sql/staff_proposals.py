"""Staff proposals in SQL: a decision is one conditional UPDATE, so of two checkers deciding at
once the database lets exactly one change the row."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql.tables import staff_proposals
from domain.staff_proposal import ProposalStatus, StaffAction, StaffProposal

_PENDING = ProposalStatus.PENDING_APPROVAL.value


def _row(p: StaffProposal) -> dict[str, Any]:
    return {"id": p.id, "action": p.action.value, "customer_number": p.customer_number,
            "params": dict(p.params), "reason": p.reason, "proposed_by": p.proposed_by,
            "proposed_at": p.proposed_at, "expires_at": p.expires_at, "status": p.status.value,
            "decided_by": p.decided_by, "decided_at": p.decided_at, "outcome": p.outcome}


def _proposal(r: Any) -> StaffProposal:
    return StaffProposal(
        id=r.id, action=StaffAction(r.action), customer_number=r.customer_number,
        params=tuple(sorted(r.params.items())), reason=r.reason, proposed_by=r.proposed_by,
        proposed_at=r.proposed_at, expires_at=r.expires_at, status=ProposalStatus(r.status),
        decided_by=r.decided_by, decided_at=r.decided_at, outcome=r.outcome)


class SqlStaffProposals:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, proposal: StaffProposal) -> None:
        self._conn.execute(staff_proposals.insert(), _row(proposal))

    def get(self, proposal_id: UUID) -> StaffProposal | None:
        row = self._conn.execute(sa.select(staff_proposals).where(
            staff_proposals.c.id == proposal_id)).first()
        return _proposal(row) if row else None

    def _decision(self, p: StaffProposal) -> dict[str, Any]:
        return {"status": p.status.value, "decided_by": p.decided_by,
                "decided_at": p.decided_at, "outcome": p.outcome}

    def settle(self, proposal: StaffProposal) -> bool:
        c = staff_proposals.c
        return bool(self._conn.execute(staff_proposals.update().where(
            c.id == proposal.id, c.status == _PENDING), self._decision(proposal)).rowcount)

    def record(self, proposal: StaffProposal) -> None:
        self._conn.execute(staff_proposals.update().where(
            staff_proposals.c.id == proposal.id), self._decision(proposal))

    def newest(self, limit: int, status: ProposalStatus | None, now: datetime
               ) -> list[StaffProposal]:
        c = staff_proposals.c
        query = sa.select(staff_proposals)
        if status is ProposalStatus.PENDING_APPROVAL:
            query = query.where(c.status == _PENDING, c.expires_at > now)
        elif status is ProposalStatus.EXPIRED:
            query = query.where(sa.or_(c.status == status.value,
                                       sa.and_(c.status == _PENDING, c.expires_at <= now)))
        elif status is not None:
            query = query.where(c.status == status.value)
        query = query.order_by(c.proposed_at.desc(), c.id.desc()).limit(limit)
        return [_proposal(r) for r in self._conn.execute(query)]
