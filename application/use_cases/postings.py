"""The one path every movement of money takes: idempotent, atomic, double-entry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol
from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import SYSTEM, RequestContext
from application.fraud import HoldPolicy
from application.fraud_screen import ProfileKeeper, ScoredProfiles
from application.ports import (
    Clock,
    DuplicateIdempotencyKey,
    IdGenerator,
    UnitOfWork,
    UnitOfWorkFactory,
)
from domain.account import Account
from domain.errors import IdempotencyConflict, TransferNotFound, ValidationError
from domain.fraud import Assessment, Decision, StoredAssessment
from domain.ledger import Channel
from domain.money import Money
from domain.transfer import Transfer, TransferKind, TransferStatus, post, request_fingerprint

MAX_DESCRIPTION = 140
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

    def fingerprint(self) -> str:
        return request_fingerprint(
            kind=self.kind, source=self.from_account_number, destination=self.to_account_number,
            amount=self.amount.minor, currency=self.amount.currency, channel=self.channel,
            description=self.description,
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
    key = request.idempotency_key
    if key is not None and not (1 <= len(key) <= MAX_IDEMPOTENCY_KEY and key.isprintable()):
        raise ValidationError("Idempotency-Key must be 1-255 printable characters",
                              field="Idempotency-Key")


# Checks the two locked accounts inside the transaction and returns (source, destination);
# raising a domain error when either is missing or may not take part.
Authorizer = Callable[[UnitOfWork, dict[str, Account]], tuple[Account, Account]]


class Screen(Protocol):
    """Assesses the transfer with both accounts locked, before any money moves."""

    # After the call: the profiles the transfer was scored on, for the keeper to fold it into.
    scored: ScoredProfiles | None

    def read_ahead(self, uow: UnitOfWork, *, answer_now: bool = False) -> None:
        """Before the accounts are locked, ask what needs no lock: in the write transaction
        (answered when scored), or with `answer_now` in a read transaction of its own that
        closes before the write begins."""

    def __call__(self, uow: UnitOfWork, source: Account, destination: Account) -> Assessment:
        ...


class Poster:
    """Posts a request exactly once per idempotency key, with both accounts locked."""

    def __init__(self, uow_factory: UnitOfWorkFactory, ids: IdGenerator, clock: Clock,
                 audit: AuditRecorder, holds: HoldPolicy, profiles: ProfileKeeper) -> None:
        self._uow_factory = uow_factory
        self._ids = ids
        self._clock = clock
        self._audit = audit
        self._holds = holds
        self._profiles = profiles

    def post(self, request: PostingRequest, authorize: Authorizer,
             uow: UnitOfWork | None = None, screen: Screen | None = None) -> PostingResult:
        """Post inside `uow` when given (the caller commits), else in a transaction of its own.
        With a `screen`, the fraud decision says whether money posts, is held, or is refused."""
        check_request(request)
        # Hashed before the transaction opens: on SQLite every writer waits while one writes.
        fingerprint = request.fingerprint()
        if uow is not None:
            return self._post_in(uow, request, fingerprint, authorize, screen)
        read_ahead = True
        if screen is not None and getattr(self._uow_factory, "writers_take_turns", lambda: False)():
            # Every other writer waits while this one holds the turn (SQLite): what needs no
            # lock is read before it is taken, and a retry found by its key never takes it.
            with self._uow_factory() as reading:
                if (found := _by_key(reading, request)) is not None:
                    return _replayed(found, fingerprint)
                screen.read_ahead(reading, answer_now=True)
            read_ahead = False
        try:
            with self._uow_factory(write=True) as own:
                result = self._post_in(own, request, fingerprint, authorize, screen, read_ahead)
                own.commit()
                return result
        except DuplicateIdempotencyKey:
            # Another transaction committed the same key first: answer as a retry would.
            with self._uow_factory() as fresh:
                return self._replay(fresh, request, fingerprint)

    def _post_in(self, uow: UnitOfWork, request: PostingRequest, fingerprint: str,
                 authorize: Authorizer, screen: Screen | None,
                 read_ahead: bool = True) -> PostingResult:
        if screen is not None and read_ahead:
            # Asked first, so that a database may send them with the key's lookup (one round
            # trip); a retry found by the key never reads their answers.
            screen.read_ahead(uow)
        # Looked up again even when looked up before the turn: a request with the same key
        # may have committed since (the unique key would refuse it too, at the commit).
        if (found := _by_key(uow, request)) is not None:
            return _replayed(found, fingerprint)
        locked = uow.accounts.lock([request.from_account_number, request.to_account_number])
        source, destination = authorize(uow, locked)
        if screen is not None:
            # What cannot move is refused before it is scored: an amount in another currency
            # would be weighed against limits kept in the account's minor units.
            source.ensure_can_move(request.amount)
            destination.ensure_can_move(request.amount)
        assessment = screen(uow, source, destination) if screen is not None else None
        decision = assessment.decision if assessment is not None else Decision.ALLOW
        now = self._clock.now()
        # The decision fixes the transfer's status before it is built: built once, not
        # copied again by attrs.evolve (all 19 fields through __init__ a second time).
        transfer_id = self._ids.new_id()
        status, hold_expires_at, challenge_id = TransferStatus.COMPLETED, None, None
        posted_at: datetime | None = now
        if decision is Decision.BLOCK:
            status, posted_at = TransferStatus.BLOCKED, None
        elif decision is not Decision.ALLOW:
            challenge = decision is Decision.CHALLENGE
            status = TransferStatus.CHALLENGE_REQUIRED if challenge else TransferStatus.PENDING_REVIEW
            posted_at = None
            hold_expires_at = now + (self._holds.challenge_window if challenge
                                     else self._holds.review_window)
            challenge_id = self._ids.new_id() if challenge else None
        transfer = Transfer(
            id=transfer_id, kind=request.kind, customer_id=request.initiated_by,
            idempotency_scope=request.idempotency_scope if request.idempotency_key else None,
            idempotency_key=request.idempotency_key, fingerprint=fingerprint, status=status,
            from_account_id=source.id, from_account_number=source.account_number,
            to_account_id=destination.id, to_account_number=destination.account_number,
            amount=request.amount, channel=request.channel, description=request.description,
            created_at=now, hold_expires_at=hold_expires_at, challenge_id=challenge_id,
            posted_at=posted_at,
        )
        customer_id = request.initiated_by or source.customer_id or destination.customer_id
        if decision is Decision.ALLOW:
            entries = post(transfer, source, destination, (self._ids.new_id(), self._ids.new_id()))
            uow.transfers.add(transfer)
            uow.ledger.append(entries)
            uow.accounts.update(destination)
            self._profiles.observe(uow, transfer, source,
                                   screen.scored if screen is not None else None)
            action = f"money.{request.kind.value}"
        elif decision is Decision.BLOCK:
            uow.transfers.add(transfer)
            action = f"money.{request.kind.value}.blocked"
        else:
            source.place_hold(request.amount)  # available drops now, the ledger when it posts
            uow.transfers.add(transfer)
            self._profiles.hold(uow, transfer, source,
                                screen.scored if screen is not None else None)
            action = f"money.{request.kind.value}.held"
        uow.accounts.update(source)
        if assessment is not None:
            uow.fraud.add_assessment(StoredAssessment(transfer.id, assessment, now))
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
    if found.fingerprint != fingerprint:
        raise IdempotencyConflict(
            "this Idempotency-Key was already used with a different request",
            transfer_id=str(found.id),
        )
    return PostingResult(found, replayed=True)
