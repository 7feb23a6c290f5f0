"""The one path every movement of money takes: idempotent, atomic, double-entry."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Protocol
from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import SYSTEM, RequestContext
from application.fraud import HoldPolicy
from application.fraud_screen import ProfileKeeper, Screening
from application.kyc_gate import KycGate
from application.ports import (
    Clock,
    DuplicateIdempotencyKey,
    IdGenerator,
    UnitOfWork,
    UnitOfWorkFactory,
)
from application.replays import same_request
from domain.account import Account
from domain.errors import TransferNotFound, ValidationError
from domain.fraud import Assessment, Decision, StoredAssessment
from domain.ledger import Channel
from domain.money import Money
from domain.transfer import Transfer, TransferKind, check_labels, post, request_fingerprint
from domain.transfer_decision import decided_transfer

MAX_DESCRIPTION = 140
_SORTED_PAIRS = json.JSONEncoder().encode
MAX_IDEMPOTENCY_KEY = 255


@attrs.frozen
class PostingResult:
    """The transfer as stored; `replayed` is true when an idempotent retry found it."""

    transfer: Transfer
    replayed: bool = False
    assessment: Assessment | None = None


@attrs.frozen
class PostingRequest:
    """What to move, from which account to which, on whose behalf."""

    kind: TransferKind
    from_account_number: str
    to_account_number: str
    amount: Money
    channel: Channel
    description: str
    idempotency_key: str | None = None
    # Whose keys these are: the same key from two customers is two different requests.
    idempotency_scope: str = ""
    initiated_by: UUID | None = None
    context: RequestContext = SYSTEM
    reference: str | None = None
    metadata: tuple[tuple[str, str], ...] = ()

    def fingerprint(self) -> str:
        labels: dict[str, object] = {}  # only when given: keys stored before them still match
        if self.reference is not None:
            labels["reference"] = self.reference
        if self.metadata:
            labels["metadata"] = _SORTED_PAIRS(sorted(self.metadata))
        return request_fingerprint(
            kind=self.kind, source=self.from_account_number, destination=self.to_account_number,
            amount=self.amount.minor, currency=self.amount.currency, channel=self.channel,
            description=self.description, **labels,
        )


def check_request(request: PostingRequest) -> None:
    """Refuse malformed requests before any lock is taken."""
    if not request.amount.is_positive():
        raise ValidationError("amount must be greater than zero", field="amount")
    if not request.description.isprintable():
        raise ValidationError("description must be printable text (no control characters)",
                              field="description")
    if len(request.description) > MAX_DESCRIPTION:
        raise ValidationError(f"description is longer than {MAX_DESCRIPTION} characters",
                              field="description")
    check_labels(request.reference, request.metadata)
    key = request.idempotency_key
    if key is not None and not (1 <= len(key) <= MAX_IDEMPOTENCY_KEY and key.isprintable()):
        raise ValidationError("Idempotency-Key must be 1-255 printable characters",
                              field="Idempotency-Key")


# Checks the two locked accounts inside the transaction and returns (source, destination);
# raising a domain error when either is missing or may not take part.
Authorizer = Callable[[UnitOfWork, dict[str, Account]], tuple[Account, Account]]


# With both accounts locked, scores the transfer on what its screen asked before the locks.
Assessor = Callable[[Account, Account], Screening]


class Screen(Protocol):
    """The fraud screen of one request: its decision says whether money posts, is held, or is
    refused."""

    def prepare(self, uow: UnitOfWork) -> Assessor:
        """Asks in `uow` what the screen needs that needs no lock, before the key's lookup; a
        retry found by its key never reads the answers."""
        ...


class Poster:
    """Posts a request exactly once per idempotency key, with both accounts locked."""

    def __init__(self, uow_factory: UnitOfWorkFactory, ids: IdGenerator, clock: Clock,
                 audit: AuditRecorder, holds: HoldPolicy, profiles: ProfileKeeper,
                 kyc: KycGate) -> None:
        self._uow_factory = uow_factory
        self._kyc = kyc
        self._ids = ids
        self._clock = clock
        self._audit = audit
        self._holds = holds
        self._profiles = profiles

    def post(self, request: PostingRequest, authorize: Authorizer,
             screen: Screen | None = None) -> PostingResult:
        """Post in a transaction of its own; a request whose key another transaction committed
        first is answered as its retry would be."""
        check_request(request)
        fingerprint = request.fingerprint()  # hashed before the transaction: no lock waits on it
        try:
            with self._uow_factory(write=True) as uow:
                result = self._post(uow, request, fingerprint, authorize, screen)
                uow.commit()
                return result
        except DuplicateIdempotencyKey:
            with self._uow_factory() as fresh:
                return self._replay(fresh, request, fingerprint)

    def post_in(self, uow: UnitOfWork, request: PostingRequest, authorize: Authorizer,
                screen: Screen | None = None) -> PostingResult:
        """Post inside the caller's unit of work, which commits: the posting is one part of a
        larger change (an account opened with its first deposit)."""
        check_request(request)
        return self._post(uow, request, request.fingerprint(), authorize, screen)

    def _post(self, uow: UnitOfWork, request: PostingRequest, fingerprint: str,
              authorize: Authorizer, screen: Screen | None) -> PostingResult:
        assess = screen.prepare(uow) if screen is not None else None
        if (found := _by_key(uow, request)) is not None:
            return _replayed(found, fingerprint)
        locked = uow.accounts.lock([request.from_account_number, request.to_account_number])
        source, destination = authorize(uow, locked)
        now = self._clock.now()
        self._kyc.check(uow, request.kind, source, destination, request.amount, now)
        screening = None
        if assess is not None:
            # What cannot move is refused before it is scored: an amount in another currency
            # would be weighed against limits kept in the account's minor units.
            source.ensure_can_move(request.amount)
            destination.ensure_can_move(request.amount)
            screening = assess(source, destination)
        assessment = screening.assessment if screening is not None else None
        scored = screening.profiles if screening is not None else None
        decision = assessment.decision if assessment is not None else Decision.ALLOW
        transfer = decided_transfer(
            decision, new_id=self._ids.new_id, now=now,
            challenge_window=self._holds.challenge_window,
            review_window=self._holds.review_window, kind=request.kind,
            customer_id=request.initiated_by,
            idempotency_scope=request.idempotency_scope if request.idempotency_key else None,
            idempotency_key=request.idempotency_key, fingerprint=fingerprint, source=source,
            destination=destination, amount=request.amount, channel=request.channel,
            description=request.description, reference=request.reference,
            metadata=request.metadata)
        if decision is Decision.ALLOW:
            entries = post(transfer, source, destination, (self._ids.new_id(), self._ids.new_id()))
            uow.transfers.add(transfer)
            uow.ledger.append(entries)
            uow.accounts.update(destination)
            self._profiles.observe(uow, transfer, source, scored)
            action = f"money.{request.kind.value}"
        elif decision is Decision.BLOCK:
            uow.transfers.add(transfer)
            action = f"money.{request.kind.value}.blocked"
        else:
            source.place_hold(request.amount)  # available drops now, the ledger when it posts
            uow.transfers.add(transfer)
            self._profiles.hold(uow, transfer, source, scored)
            action = f"money.{request.kind.value}.held"
        uow.accounts.update(source)
        if assessment is not None:
            uow.fraud.add_assessment(StoredAssessment(transfer.id, assessment, now))
        customer_id = request.initiated_by or source.customer_id or destination.customer_id
        uow.audit.append(self._audit.event(
            request.context, action, customer_id=customer_id,
            resource=f"transfer:{transfer.id}", source=source.account_number,
            destination=destination.account_number, amount=request.amount.format(),
            currency=request.amount.currency, channel=request.channel.value,
            score=assessment.score if assessment else None,
            decision=assessment.decision.value if assessment else None))
        return PostingResult(transfer, assessment=assessment)

    def _replay(self, uow: UnitOfWork, request: PostingRequest, fingerprint: str) -> PostingResult:
        assert request.idempotency_key is not None
        found = _by_key(uow, request)
        if found is None:  # the racing transaction rolled back after all
            raise TransferNotFound("the concurrent request with this key did not complete; retry")
        return _replayed(found, fingerprint)


def _by_key(uow: UnitOfWork, request: PostingRequest) -> Transfer | None:
    if request.idempotency_key is None:
        return None
    return uow.transfers.by_idempotency_key(request.idempotency_scope, request.idempotency_key)


def _replayed(found: Transfer, fingerprint: str) -> PostingResult:
    same_request(found.fingerprint, fingerprint, "request", transfer_id=str(found.id))
    return PostingResult(found, replayed=True)
