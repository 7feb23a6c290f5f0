"""A fraud decision fixes a transfer's status, when it posts, and how long its money is held."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from domain.account import Account, AccountType
from domain.fraud import Decision
from domain.ledger import Channel
from domain.money import Money
from domain.transfer import Transfer, TransferKind, TransferStatus
from domain.transfer_decision import decided_transfer

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CHALLENGE, REVIEW = timedelta(minutes=5), timedelta(hours=72)
IDS = [uuid.UUID(int=n) for n in range(1, 4)]


def _account(number: str) -> Account:
    return Account(id=uuid.uuid4(), account_number=number, customer_id=uuid.uuid4(),
                   account_type=AccountType.SAVINGS, currency="INR",
                   opened_at=datetime(2026, 1, 1, tzinfo=UTC), balance=Money(10_000))


SOURCE, DESTINATION = _account("100000000001"), _account("100000000002")


def _ids() -> Callable[[], uuid.UUID]:
    given: Iterator[uuid.UUID] = iter(IDS)
    return lambda: next(given)


def _decided(decision: Decision, new_id: Callable[[], uuid.UUID] | None = None) -> Transfer:
    return decided_transfer(
        decision, new_id=new_id or _ids(), now=NOW, challenge_window=CHALLENGE,
        review_window=REVIEW, kind=TransferKind.TRANSFER, customer_id=SOURCE.customer_id,
        idempotency_scope="customer:x", idempotency_key="k1", fingerprint="f" * 64,
        source=SOURCE, destination=DESTINATION, amount=Money(2_500), channel=Channel.UPI,
        description="rent")


@pytest.mark.parametrize(("decision", "status", "posted_at", "expires_at", "challenge_id"), [
    (Decision.ALLOW, TransferStatus.COMPLETED, NOW, None, None),
    (Decision.CHALLENGE, TransferStatus.CHALLENGE_REQUIRED, None, NOW + CHALLENGE, IDS[1]),
    (Decision.REVIEW, TransferStatus.PENDING_REVIEW, None, NOW + REVIEW, None),
    (Decision.BLOCK, TransferStatus.BLOCKED, None, None, None),
])
def test_each_decision_gives_its_status_and_hold(
        decision: Decision, status: TransferStatus, posted_at: datetime | None,
        expires_at: datetime | None, challenge_id: uuid.UUID | None) -> None:
    transfer = _decided(decision)
    assert transfer.status is status
    assert transfer.posted_at == posted_at
    assert transfer.hold_expires_at == expires_at
    assert transfer.challenge_id == challenge_id
    assert transfer.id == IDS[0]  # the transfer's id is drawn first
    assert transfer.created_at == NOW
    assert transfer.status.holds_funds is (expires_at is not None)


@pytest.mark.parametrize("decision", list(Decision))
def test_only_a_challenge_draws_a_second_id(decision: Decision) -> None:
    drawn: list[uuid.UUID] = []

    def new_id() -> uuid.UUID:
        drawn.append(IDS[len(drawn)])
        return drawn[-1]
    _decided(decision, new_id)
    assert len(drawn) == (2 if decision is Decision.CHALLENGE else 1)


def test_the_request_and_both_accounts_are_carried_over() -> None:
    transfer = _decided(Decision.REVIEW)
    assert (transfer.from_account_id, transfer.from_account_number) == (
        SOURCE.id, SOURCE.account_number)
    assert (transfer.to_account_id, transfer.to_account_number) == (
        DESTINATION.id, DESTINATION.account_number)
    assert (transfer.amount, transfer.channel, transfer.description) == (
        Money(2_500), Channel.UPI, "rent")
    assert (transfer.kind, transfer.customer_id) == (TransferKind.TRANSFER, SOURCE.customer_id)
    assert (transfer.idempotency_scope, transfer.idempotency_key, transfer.fingerprint) == (
        "customer:x", "k1", "f" * 64)
    assert transfer.void_reason is None
