"""Sensitive staff actions under maker-checker (domain/staff_proposal.py): propose one (done at
once when the bank's policy does not ask for a second member of staff), approve or reject it,
and see the proposals."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ports import Clock, IdGenerator, UnitOfWork, UnitOfWorkFactory
from application.use_cases.operator_actions import OperateCustomers
from application.use_cases.restore_voice import RestoreVoice
from domain.customer import KycStatus
from domain.errors import (
    CustomerNotFound,
    DomainError,
    ProposalDecided,
    ProposalNotFound,
    Unauthorized,
    ValidationError,
)
from domain.staff_proposal import (
    ApprovalPolicy,
    ProposalStatus,
    StaffAction,
    StaffProposal,
    check_reason,
)


class StaffActions:
    """Takes one action now: what an approved proposal, or an action needing no approval,
    does. Each is a setting (unfrozen, a tier, restored, turned off): taking it twice leaves
    what taking it once does."""

    def __init__(self, customers: OperateCustomers, voice: RestoreVoice) -> None:
        self._customers = customers
        self._voice = voice

    def check(self, action: StaffAction, params: dict[str, str]) -> None:
        if action is StaffAction.SET_KYC and params.get("status") not in set(KycStatus):
            raise ValidationError(f"status must be one of {', '.join(KycStatus)}",
                                  field="status")

    def take(self, action: StaffAction, number: str, params: dict[str, str],
             context: RequestContext) -> None:
        if action is StaffAction.UNFREEZE_CUSTOMER:
            self._customers.freeze(number, False, context)
        elif action is StaffAction.SET_KYC:
            self._customers.set_kyc(number, KycStatus(params["status"]), context)
        elif action is StaffAction.RESTORE_VOICE:
            self._voice.execute(number, context)
        else:
            self._customers.reset_second_factor(number, context)


def _staff(context: RequestContext) -> UUID:
    if context.actor_id is None:
        raise Unauthorized("a staff action needs the member of staff who takes it")
    return context.actor_id


class ProposeStaffAction:
    def __init__(self, uow_factory: UnitOfWorkFactory, ids: IdGenerator, clock: Clock,
                 audit: AuditRecorder, actions: StaffActions, policy: ApprovalPolicy) -> None:
        self._uow_factory = uow_factory
        self._ids = ids
        self._clock = clock
        self._audit = audit
        self._actions = actions
        self._policy = policy

    def execute(self, action: StaffAction, customer_number: str, params: dict[str, str],
                reason: str | None, context: RequestContext) -> StaffProposal | None:
        """The proposal waiting for a second member of staff, or None: done at once."""
        self._actions.check(action, params)
        if not self._policy.needs_approval(action, params):
            self._actions.take(action, customer_number, params, context)
            return None
        staff = _staff(context)
        check_reason(reason or "")
        now = self._clock.now()
        proposal = StaffProposal(
            id=self._ids.new_id(), action=action, customer_number=customer_number,
            params=tuple(sorted(params.items())), reason=reason or "", proposed_by=staff,
            proposed_at=now, expires_at=now + self._policy.lifetime)
        with self._uow_factory(write=True) as uow:
            customer = uow.customers.by_number(customer_number)
            if customer is None:
                raise CustomerNotFound(f"customer {customer_number} not found",
                                       customer_number=customer_number)
            uow.staff_proposals.add(proposal)
            uow.audit.append(self._audit.event(
                context, "staff.proposed", customer_id=customer.id,
                resource=f"proposal:{proposal.id}", staff_action=action.value,
                **proposal.parameters))
            uow.commit()
        return proposal


class DecideStaffAction:
    """The checker's verdict. Approving claims the proposal first (of two checkers at once
    exactly one does), then takes the action; a refused action leaves the proposal `failed`
    with the refusal's code, and the refusal is raised."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, audit: AuditRecorder,
                 actions: StaffActions) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._audit = audit
        self._actions = actions

    def approve(self, proposal_id: UUID, context: RequestContext) -> StaffProposal:
        done = self._decide(proposal_id, context, ProposalStatus.DONE)
        try:
            self._actions.take(done.action, done.customer_number, done.parameters, context)
        except DomainError as refused:
            failed = done.decided(ProposalStatus.FAILED, _staff(context), self._clock.now(),
                                  refused.code)
            with self._uow_factory(write=True) as uow:
                uow.staff_proposals.record(failed)
                uow.audit.append(self._audit.event(
                    context, "staff.failed", resource=f"proposal:{failed.id}",
                    staff_action=failed.action.value, code=refused.code))
                uow.commit()
            raise
        return done

    def reject(self, proposal_id: UUID, context: RequestContext) -> StaffProposal:
        return self._decide(proposal_id, context, ProposalStatus.REJECTED)

    def _decide(self, proposal_id: UUID, context: RequestContext,
                status: ProposalStatus) -> StaffProposal:
        staff, now = _staff(context), self._clock.now()
        with self._uow_factory(write=True) as uow:
            proposal = _found(uow, proposal_id)
            proposal.check_decidable(staff, now, approving=status is ProposalStatus.DONE)
            decided = proposal.decided(status, staff, now)
            if not uow.staff_proposals.settle(decided):
                raise ProposalDecided("another member of staff decided it meanwhile",
                                      proposal_id=str(proposal_id))
            uow.audit.append(self._audit.event(
                context, "staff.approved" if status is ProposalStatus.DONE else "staff.rejected",
                resource=f"proposal:{proposal_id}", staff_action=proposal.action.value,
                customer_number=proposal.customer_number))
            uow.commit()
        return decided


class ListStaffProposals:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def execute(self, status: ProposalStatus | None = None, limit: int = 100
                ) -> tuple[list[StaffProposal], datetime]:
        """Newest first (of one status as of now, if given), with that `now`: what tells an
        expired proposal from a waiting one (`status_at`)."""
        now = self._clock.now()
        with self._uow_factory() as uow:
            return uow.staff_proposals.newest(limit, status, now), now

    def get(self, proposal_id: UUID) -> tuple[StaffProposal, datetime]:
        now = self._clock.now()
        with self._uow_factory() as uow:
            return _found(uow, proposal_id), now


def _found(uow: UnitOfWork, proposal_id: UUID) -> StaffProposal:
    found = uow.staff_proposals.get(proposal_id)
    if found is None:
        raise ProposalNotFound("no such proposal", proposal_id=str(proposal_id))
    return found
