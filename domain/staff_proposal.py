"""Maker-checker for sensitive staff actions: a member of staff proposes (the maker), a second
one approves (the checker) before the proposal expires, and only then is it done. The same
person can never be both. Which actions need it is the bank's choice (ApprovalPolicy); money
reversals have their own rule by amount (domain/reversal.py)."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from uuid import UUID

import attrs

from domain.errors import ProposalDecided, ProposalExpired, SameOperator, ValidationError

MAX_REASON = 280


class StaffAction(enum.StrEnum):
    UNFREEZE_CUSTOMER = "customer.unfreeze"  # money can move again
    SET_KYC = "customer.kyc"  # params: status (to `full`, it lifts every KYC limit)
    RESTORE_VOICE = "voice.restore"  # voice login and challenges work again
    RESET_SECOND_FACTOR = "second_factor.reset"  # a lost phone: two-step login turned off


class ProposalStatus(enum.StrEnum):
    PENDING_APPROVAL = "pending_approval"
    DONE = "done"  # approved, and the action was taken
    FAILED = "failed"  # approved, but the action was refused (its error code is kept)
    REJECTED = "rejected"
    EXPIRED = "expired"


def approval_name(action: StaffAction, params: dict[str, str]) -> str:
    """The name the policy lists an action under: a KYC change is named by its tier
    (`customer.kyc_full`), since only some tiers are sensitive."""
    if action is StaffAction.SET_KYC:
        return f"{action.value}_{params.get('status', '')}"
    return action.value


DEFAULT_APPROVALS = frozenset({"customer.unfreeze", "customer.kyc_full", "voice.restore",
                               "second_factor.reset"})


@attrs.frozen
class ApprovalPolicy:
    """`needed`: the actions (as `approval_name` gives them) a second member of staff must
    approve; `lifetime`: how long a proposal waits."""

    needed: frozenset[str] = DEFAULT_APPROVALS
    lifetime: timedelta = timedelta(hours=24)

    def needs_approval(self, action: StaffAction, params: dict[str, str]) -> bool:
        return approval_name(action, params) in self.needed


def check_reason(reason: str) -> None:
    if not (1 <= len(reason.strip()) <= MAX_REASON and reason.isprintable()):
        raise ValidationError(f"reason must be 1-{MAX_REASON} printable characters",
                              field="reason")


@attrs.frozen
class StaffProposal:
    id: UUID
    action: StaffAction
    customer_number: str  # whom it is about
    params: tuple[tuple[str, str], ...]
    reason: str
    proposed_by: UUID
    proposed_at: datetime
    expires_at: datetime
    status: ProposalStatus = ProposalStatus.PENDING_APPROVAL
    decided_by: UUID | None = None
    decided_at: datetime | None = None
    outcome: str | None = None  # a failed action's error code

    @property
    def parameters(self) -> dict[str, str]:
        return dict(self.params)

    def status_at(self, now: datetime) -> ProposalStatus:
        if self.status is ProposalStatus.PENDING_APPROVAL and now >= self.expires_at:
            return ProposalStatus.EXPIRED
        return self.status

    def check_decidable(self, staff: UUID, now: datetime, *, approving: bool) -> None:
        """A second member of staff may approve a proposal that still waits; its maker may
        only withdraw it (reject)."""
        status = self.status_at(now)
        if status is ProposalStatus.EXPIRED:
            raise ProposalExpired(f"the proposal expired at {self.expires_at.isoformat()}",
                                  proposal_id=str(self.id))
        if status is not ProposalStatus.PENDING_APPROVAL:
            raise ProposalDecided(f"the proposal is already {status.value}",
                                  proposal_id=str(self.id), status=status.value)
        if approving and staff == self.proposed_by:
            raise SameOperator("whoever proposed an action cannot approve it: a second member "
                               "of staff must", proposal_id=str(self.id))

    def decided(self, status: ProposalStatus, staff: UUID, now: datetime,
                outcome: str | None = None) -> StaffProposal:
        return attrs.evolve(self, status=status, decided_by=staff, decided_at=now,
                            outcome=outcome)
