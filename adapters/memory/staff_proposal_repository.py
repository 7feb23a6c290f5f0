"""Staff proposals over the memory store (the writer lock serialises every decision)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from adapters.memory.staged import Staged
from adapters.memory.store import MemoryStore
from domain.staff_proposal import ProposalStatus, StaffProposal


class MemoryStaffProposals:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def add(self, proposal: StaffProposal) -> None:
        self._staged.staff_proposals[proposal.id] = proposal

    def get(self, proposal_id: UUID) -> StaffProposal | None:
        return self._staged.staff_proposals.get(proposal_id) or \
            self._store.staff_proposals.get(proposal_id)

    def settle(self, proposal: StaffProposal) -> bool:
        found = self.get(proposal.id)
        if found is None or found.status is not ProposalStatus.PENDING_APPROVAL:
            return False
        self._staged.staff_proposals[proposal.id] = proposal
        return True

    def record(self, proposal: StaffProposal) -> None:
        self._staged.staff_proposals[proposal.id] = proposal

    def newest(self, limit: int, status: ProposalStatus | None, now: datetime
               ) -> list[StaffProposal]:
        with self._store.state:
            merged = {**self._store.staff_proposals, **self._staged.staff_proposals}
        found = sorted(merged.values(), key=lambda p: (p.proposed_at, p.id), reverse=True)
        return [p for p in found if status is None or p.status_at(now) is status][:limit]
