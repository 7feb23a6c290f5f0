"""Reversals: an operator proposes one; at or below the bank's approval amount it posts at once,
above it a second operator approves (maker-checker) or anyone rejects. The compensating transfer
takes the one posting path, under a key derived from the reversal, so it posts at most once."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ports import Clock, DuplicateProposal, IdGenerator, UnitOfWork, UnitOfWorkFactory
from application.replays import same_request
from application.use_cases.postings import MAX_IDEMPOTENCY_KEY, Poster, PostingRequest
from domain.account import Account
from domain.dispute import Dispute
from domain.errors import (
    AccountNotFound,
    Forbidden,
    InsufficientFunds,
    ReversalExpired,
    ReversalNotAllowed,
    ReversalNotFound,
    TransferNotFound,
    ValidationError,
)
from domain.money import Money
from domain.reversal import (
    Reversal,
    ReversalPolicy,
    ReversalStatus,
    check_reversible,
    spoken_for,
)
from domain.transfer import Transfer, TransferKind, request_fingerprint


@attrs.frozen
class ReversalCommand:
    transfer_id: UUID
    reason: str
    context: RequestContext  # its actor is the proposing operator
    amount: Money | None = None  # None: all that is still reversible
    idempotency_key: str | None = None
    dispute_id: UUID | None = None


def operator_of(context: RequestContext) -> UUID:
    """Maker-checker needs to know who the operator is; the system itself cannot be one."""
    if context.actor_id is None:
        raise Forbidden("a reversal is proposed and decided by a named operator")
    return context.actor_id


class ReversalPoster:
    """Posts a reversal's compensating transfer inside the caller's unit of work."""

    def __init__(self, poster: Poster, clock: Clock, audit: AuditRecorder) -> None:
        self._poster = poster
        self._clock = clock
        self._audit = audit

    def post(self, uow: UnitOfWork, original: Transfer, reversal: Reversal, operator: UUID,
             context: RequestContext, *, proposal_waits: bool) -> Reversal:
        payee, payer = original.to_account_number, original.from_account_number
        request = PostingRequest(
            kind=TransferKind.REVERSAL, from_account_number=payee, to_account_number=payer,
            amount=reversal.amount, channel=original.channel,
            description=f"Reversal of {original.id}", idempotency_key=str(reversal.id),
            idempotency_scope="reversal", initiated_by=original.customer_id, context=context)

        def authorize(_: UnitOfWork, locked: dict[str, Account]) -> tuple[Account, Account]:
            if payee not in locked or payer not in locked:
                raise AccountNotFound("an account of the original transfer no longer exists",
                                      transfer_id=str(original.id))
            return locked[payee], locked[payer]

        try:
            posted = self._poster.post_in(uow, request, authorize)
        except InsufficientFunds as error:
            # Refused, not owed: the ledger never takes money the payee does not have (no
            # overdraft is granted behind the customer's back); recovery is the bank's claim.
            raise InsufficientFunds(
                f"the payee's account {payee} cannot cover the reversal of "
                f"{reversal.amount.format()} {reversal.amount.currency}; nothing moved"
                + (" (the proposal still waits until it expires)" if proposal_waits else ""),
                **{**error.info, "account_number": payee}) from None
        uow.audit.append(self._audit.event(  # announced as transfer.reversed
            context, "reversal.posted", customer_id=original.customer_id,
            resource=f"reversal:{reversal.id}", transfer=original.id,
            amount=reversal.amount.format(), currency=reversal.amount.currency,
            posted_as=posted.transfer.id))
        return reversal.posted(operator, self._clock.now(), posted.transfer.id)


class ProposeReversal:
    def __init__(self, uow_factory: UnitOfWorkFactory, reversals: ReversalPoster, ids: IdGenerator,
                 clock: Clock, audit: AuditRecorder, policy: ReversalPolicy) -> None:
        self._uow_factory = uow_factory
        self._reversals = reversals
        self._ids = ids
        self._clock = clock
        self._audit = audit
        self._policy = policy

    def execute(self, command: ReversalCommand) -> Reversal:
        operator = operator_of(command.context)
        key = command.idempotency_key
        if key is not None and not (1 <= len(key) <= MAX_IDEMPOTENCY_KEY and key.isprintable()):
            raise ValidationError("Idempotency-Key must be 1-255 printable characters",
                                  field="Idempotency-Key")
        fingerprint = request_fingerprint(transfer=command.transfer_id, reason=command.reason,
                                          amount=command.amount.format() if command.amount else "",
                                          dispute=command.dispute_id)
        try:
            with self._uow_factory(write=True) as uow:
                reversal = self.propose_in(uow, command, operator, fingerprint)
                uow.commit()
                return reversal
        except DuplicateProposal:
            with self._uow_factory() as uow:
                found = uow.reversals.by_key(operator, key or "")
            assert found is not None, "the key's proposal committed first"
            return _replayed(found, fingerprint)

    def propose_in(self, uow: UnitOfWork, command: ReversalCommand, operator: UUID,
                   fingerprint: str = "") -> Reversal:
        """Propose inside the caller's unit of work, which commits (a dispute refunded)."""
        if (found := _by_key(uow, command, operator)) is not None:
            return _replayed(found, fingerprint)  # a plain retry waits for no lock
        original = uow.transfers.lock(command.transfer_id)  # one proposal of it at a time
        if original is None:
            raise TransferNotFound("no such transfer", transfer_id=str(command.transfer_id))
        # Asked again under the lock: a retry that raced its first request waited here for it
        # to commit, and must answer with its proposal, not count it as someone else's.
        if (found := _by_key(uow, command, operator)) is not None:
            return _replayed(found, fingerprint)
        now = self._clock.now()
        taken = spoken_for(uow.reversals.of_transfer(original.id), now,
                           original.amount.currency)
        amount = command.amount or original.amount - taken
        if command.amount is None and not amount.is_positive():
            raise ReversalNotAllowed("all of this transfer is reversed or proposed already",
                                     transfer_id=str(original.id))
        check_reversible(original, amount, command.reason, taken)
        reversal = Reversal(
            id=self._ids.new_id(), transfer_id=original.id, amount=amount,
            reason=command.reason.strip(), proposed_by=operator, proposed_at=now,
            expires_at=now + self._policy.proposal_lifetime, dispute_id=command.dispute_id,
            idempotency_key=command.idempotency_key, fingerprint=fingerprint)
        uow.reversals.add(reversal)
        uow.audit.append(self._audit.event(
            command.context, "reversal.proposed", customer_id=original.customer_id,
            resource=f"reversal:{reversal.id}", transfer=original.id,
            amount=amount.format(), currency=amount.currency, reason=reversal.reason))
        if not self._policy.needs_approval(amount, taken):
            reversal = self._reversals.post(uow, original, reversal, operator, command.context,
                                            proposal_waits=False)
            uow.reversals.update(reversal)
        return reversal


def _by_key(uow: UnitOfWork, command: ReversalCommand, operator: UUID) -> Reversal | None:
    key = command.idempotency_key
    return uow.reversals.by_key(operator, key) if key is not None else None


def _replayed(found: Reversal, fingerprint: str) -> Reversal:
    same_request(found.fingerprint, fingerprint, "proposal", reversal_id=str(found.id))
    return found


class DecideReversal:
    """A second operator approves (the money moves) or an operator rejects a proposal."""

    def __init__(self, uow_factory: UnitOfWorkFactory, reversals: ReversalPoster, clock: Clock,
                 audit: AuditRecorder) -> None:
        self._uow_factory = uow_factory
        self._reversals = reversals
        self._clock = clock
        self._audit = audit

    def approve(self, reversal_id: UUID, context: RequestContext) -> Reversal:
        return self._decide(reversal_id, context, approving=True)

    def reject(self, reversal_id: UUID, context: RequestContext) -> Reversal:
        return self._decide(reversal_id, context, approving=False)

    def _decide(self, reversal_id: UUID, context: RequestContext, *, approving: bool) -> Reversal:
        operator = operator_of(context)
        with self._uow_factory(write=True) as uow:
            reversal = uow.reversals.lock(reversal_id)  # two approvers: one waits, then sees
            if reversal is None:
                raise ReversalNotFound("no such reversal", reversal_id=str(reversal_id))
            now = self._clock.now()
            try:
                reversal.check_decidable(operator, now, approving=approving)
            except ReversalExpired:
                if reversal.status is ReversalStatus.PENDING_APPROVAL:
                    uow.reversals.update(reversal.expired())
                    self._settle_dispute(uow, reversal, None, now, context)
                    uow.commit()
                raise
            # Locked before the transfer, as a dispute's refund locks them (no deadlock).
            dispute = uow.disputes.lock(reversal.dispute_id) if reversal.dispute_id else None
            original = uow.transfers.lock(reversal.transfer_id)
            assert original is not None, "a reversal names a stored transfer"
            if approving:
                taken = spoken_for(uow.reversals.of_transfer(original.id), now,
                                   original.amount.currency, besides=reversal.id)
                check_reversible(original, reversal.amount, reversal.reason, taken)
                decided = self._reversals.post(uow, original, reversal, operator, context,
                                               proposal_waits=True)
            else:
                decided = reversal.rejected(operator, now)
            uow.reversals.update(decided)
            self._settle_dispute(uow, decided, dispute, now, context)
            uow.audit.append(self._audit.event(
                context, "reversal.approved" if approving else "reversal.rejected",
                customer_id=original.customer_id, resource=f"reversal:{reversal.id}",
                transfer=original.id, amount=reversal.amount.format(),
                posted_as=decided.reversal_transfer_id))
            uow.commit()
            return decided

    def _settle_dispute(self, uow: UnitOfWork, reversal: Reversal, dispute: Dispute | None,
                        now: datetime, context: RequestContext) -> None:
        """A dispute's refund decided: posted resolves it as refunded; otherwise the case is
        worked again."""
        if reversal.dispute_id is None:
            return
        dispute = dispute or uow.disputes.lock(reversal.dispute_id)
        if dispute is None or dispute.reversal_id != reversal.id:
            return
        if reversal.status is ReversalStatus.POSTED:
            resolved = dispute.refunded(dispute.resolution or reversal.reason, now)
            uow.disputes.update(resolved)
            uow.audit.append(self._audit.event(  # announced as dispute.resolved
                context, "dispute.refunded", customer_id=dispute.customer_id,
                resource=f"dispute:{dispute.id}", status=resolved.status.value,
                reversal=reversal.id))
        else:
            uow.disputes.update(dispute.refund_failed(now))
