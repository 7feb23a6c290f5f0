"""Disputes: a customer opens one against a posted debit of theirs; operators investigate and
resolve it, rejected with a note or refunded by a reversal through the same maker-checker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ports import Clock, DuplicateDispute, IdGenerator, UnitOfWork, UnitOfWorkFactory
from application.use_cases.reversals import ProposeReversal, ReversalCommand, operator_of
from domain.dispute import (
    MAX_TEXT,
    Dispute,
    DisputePolicy,
    DisputeReason,
    DisputeStatus,
    check_disputable,
)
from domain.errors import DisputeExists, DisputeNotFound, TransferNotFound, ValidationError
from domain.money import Money
from domain.reversal import MAX_REASON, ReversalStatus


@attrs.frozen
class DisputeCommand:
    customer_id: UUID
    transfer_id: UUID
    reason: DisputeReason
    description: str
    context: RequestContext


class OpenDispute:
    def __init__(self, uow_factory: UnitOfWorkFactory, ids: IdGenerator, clock: Clock,
                 audit: AuditRecorder, policy: DisputePolicy) -> None:
        self._uow_factory = uow_factory
        self._ids = ids
        self._clock = clock
        self._audit = audit
        self._policy = policy

    def execute(self, command: DisputeCommand) -> Dispute:
        missing = TransferNotFound("no such transfer", transfer_id=str(command.transfer_id))
        try:
            with self._uow_factory(write=True) as uow:
                transfer = uow.transfers.lock(command.transfer_id)  # beside its reversals
                source = uow.accounts.by_number(transfer.from_account_number) if transfer else None
                if transfer is None or source is None or source.customer_id != command.customer_id:
                    raise missing  # someone else's payment is simply not found
                now = self._clock.now()
                check_disputable(transfer, now, self._policy, command.description)
                if uow.disputes.by_transfer(transfer.id) is not None:
                    raise _exists(transfer.id)
                dispute = Dispute(
                    id=self._ids.new_id(), transfer_id=transfer.id,
                    customer_id=command.customer_id, reason=command.reason,
                    description=command.description.strip(), status=DisputeStatus.OPEN,
                    opened_at=now, due_by=now + self._policy.sla, updated_at=now)
                uow.disputes.add(dispute)
                uow.audit.append(self._audit.event(
                    command.context, "dispute.opened", customer_id=command.customer_id,
                    resource=f"dispute:{dispute.id}", transfer=transfer.id,
                    reason=command.reason.value))
                uow.commit()
                return dispute
        except DuplicateDispute:
            raise _exists(command.transfer_id) from None


def _exists(transfer_id: UUID) -> DisputeExists:
    return DisputeExists("this transfer is disputed already", transfer_id=str(transfer_id))


class WorkDisputes:
    """The operators' side: take a case, resolve it rejected or refunded."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, audit: AuditRecorder,
                 propose: ProposeReversal) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._audit = audit
        self._propose = propose

    def investigate(self, dispute_id: UUID, context: RequestContext) -> Dispute:
        operator = operator_of(context)
        return self._step(dispute_id, context, "dispute.investigating",
                          lambda uow, d, now: d.investigated_by(operator, now))

    def reject(self, dispute_id: UUID, note: str, context: RequestContext) -> Dispute:
        """Resolve the case rejected; refused while its refund still waits for approval."""
        operator_of(context)
        checked = _note(note)
        return self._step(dispute_id, context, "dispute.rejected",
                          lambda uow, d, now: _worked_again(uow, d, now).rejected(checked, now))

    def refund(self, dispute_id: UUID, note: str, context: RequestContext,
               amount: Money | None = None) -> Dispute:
        """Propose the reversal of the disputed debit (all of what remains, or `amount`): at
        or below the approval amount it posts and resolves the case at once; above, the case
        is resolved when a second operator approves it."""
        operator = operator_of(context)
        checked = _note(note)

        def refunding(uow: UnitOfWork, dispute: Dispute, now: datetime) -> Dispute:
            dispute = _worked_again(uow, dispute, now)
            dispute.check_refundable()
            reason = f"dispute {dispute.id}: {checked}"[:MAX_REASON]
            reversal = self._propose.propose_in(uow, ReversalCommand(
                dispute.transfer_id, reason, context, amount, dispute_id=dispute.id), operator)
            waiting = dispute.refund_proposed(operator, reversal.id, checked, now)
            if reversal.status is ReversalStatus.POSTED:
                return waiting.refunded(checked, now)
            return waiting

        return self._step(dispute_id, context, "dispute.refund", refunding)

    def _step(self, dispute_id: UUID, context: RequestContext, action: str,
              change: Callable[[UnitOfWork, Dispute, datetime], Dispute]) -> Dispute:
        with self._uow_factory(write=True) as uow:
            dispute = uow.disputes.lock(dispute_id)
            if dispute is None:
                raise DisputeNotFound("no such dispute", dispute_id=str(dispute_id))
            changed = change(uow, dispute, self._clock.now())
            uow.disputes.update(changed)
            uow.audit.append(self._audit.event(
                context, action, customer_id=dispute.customer_id,
                resource=f"dispute:{dispute.id}", status=changed.status.value,
                reversal=changed.reversal_id))
            uow.commit()
            return changed


def _worked_again(uow: UnitOfWork, dispute: Dispute, now: datetime) -> Dispute:
    """A refund rejected or expired no longer holds the case: a proposal expires when its
    time passes, not when someone next tries to decide it, so the case is worked again then."""
    if dispute.reversal_id is None:
        return dispute
    refund = uow.reversals.get(dispute.reversal_id)
    if refund is not None and refund.status_at(now) in (ReversalStatus.REJECTED,
                                                        ReversalStatus.EXPIRED):
        return dispute.refund_failed(now)
    return dispute


def _note(note: str) -> str:
    if not (1 <= len(note.strip()) <= MAX_TEXT and note.isprintable()):
        raise ValidationError(f"note must be 1-{MAX_TEXT} printable characters", field="note")
    return note.strip()
