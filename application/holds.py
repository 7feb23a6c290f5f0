"""Settling held transfers: post the held money exactly once, or give it back exactly once."""

from __future__ import annotations

import attrs

from application.audit import AuditRecorder
from application.context import RequestContext
from application.fraud_screen import ProfileKeeper
from application.kyc_gate import KycGate
from application.ports import Clock, IdGenerator, UnitOfWork
from domain.audit import AuditEvent, Outcome
from domain.errors import KycLimitExceeded, KycRequired, TransferNotHeld
from domain.fraud import Label
from domain.transfer import Transfer, TransferStatus, post

# What a release may be refused with (HoldKeeper.release): the hold stays, the refusal is told.
REFUSED_AT_RELEASE = (KycRequired, KycLimitExceeded)


class HoldKeeper:
    """Works on a transfer the caller has locked (`uow.transfers.lock`); acts only while the
    transfer still holds funds, so a second decision on the same transfer changes nothing."""

    def __init__(self, ids: IdGenerator, clock: Clock, audit: AuditRecorder,
                 profiles: ProfileKeeper, kyc: KycGate) -> None:
        self._ids = ids
        self._clock = clock
        self._audit = audit
        self._profiles = profiles
        self._kyc = kyc

    def release(self, uow: UnitOfWork, transfer: Transfer, context: RequestContext,
                why: str) -> Transfer:
        """Post the held money: the hold is released and both legs are written. Refused, with
        the KYC gate's error (one of REFUSED_AT_RELEASE), when posting it now would take the
        payer or the payee past their tier (the day's payments, the balance cap): the money
        stays held, to be released within the limits, voided or left to expire. Nothing is
        written then but the refusal's audit record, which the caller commits."""
        _still_held(transfer)
        locked = uow.accounts.lock([transfer.from_account_number, transfer.to_account_number])
        now = self._clock.now()  # read with both accounts locked: each account posts in time order
        source, destination = locked[transfer.from_account_number], locked[transfer.to_account_number]
        try:
            self._kyc.check_release(uow, transfer, source, destination, now)
        except REFUSED_AT_RELEASE as refused:
            uow.audit.append(self._audit.event(
                context, "money.transfer.release_refused", outcome=Outcome.DENIED,
                customer_id=transfer.customer_id, resource=f"transfer:{transfer.id}", why=why,
                reason=refused.code, limit=refused.info.get("limit"),
                amount=transfer.amount.format()))
            raise
        source.release_hold(transfer.amount)
        posted = attrs.evolve(transfer, status=TransferStatus.COMPLETED, posted_at=now,
                              hold_expires_at=None)
        entries = post(posted, source, destination, (self._ids.new_id(), self._ids.new_id()), now)
        uow.ledger.append(entries)
        uow.accounts.update(source)
        uow.accounts.update(destination)
        uow.transfers.update(posted)
        self._profiles.observe(uow, posted, source, None, held=True)  # counted when it was held
        uow.audit.append(self._audit.event(
            context, "money.transfer.released", customer_id=transfer.customer_id,
            resource=f"transfer:{transfer.id}", why=why, amount=transfer.amount.format()))
        return posted

    def void(self, uow: UnitOfWork, transfer: Transfer, context: RequestContext,
             why: str) -> Transfer:
        """Give the held money back; nothing reaches the ledger."""
        _still_held(transfer)
        source = uow.accounts.lock([transfer.from_account_number])[transfer.from_account_number]
        source.release_hold(transfer.amount)
        uow.accounts.update(source)
        self._profiles.give_back(uow, transfer, source)
        voided = attrs.evolve(transfer, status=TransferStatus.VOIDED, void_reason=why,
                              hold_expires_at=None)
        uow.transfers.update(voided)
        uow.audit.append(self._audit.event(
            context, "money.transfer.voided", outcome=Outcome.DENIED,
            customer_id=transfer.customer_id, resource=f"transfer:{transfer.id}", why=why,
            amount=transfer.amount.format()))
        return voided

    def label_event(self, context: RequestContext, transfer: Transfer, label: Label) -> AuditEvent:
        """An operator's verdict is also a label for the counterparty-risk rule."""
        return self._audit.event(context, "fraud.review.verdict",
                                 customer_id=transfer.customer_id,
                                 resource=f"transfer:{transfer.id}", label=label.value,
                                 payee=transfer.to_account_number)


def _still_held(transfer: Transfer) -> None:
    if not transfer.status.holds_funds:
        raise TransferNotHeld(f"transfer {transfer.id} is {transfer.status.value}: nothing is "
                              "held any more", status=transfer.status.value)

