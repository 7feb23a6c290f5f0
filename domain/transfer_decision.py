"""What a fraud decision makes of a transfer: posted now, held for a challenge or a review,
or refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

from domain.account import Account
from domain.fraud import Decision
from domain.ledger import Channel
from domain.money import Money
from domain.transfer import Transfer, TransferKind, TransferStatus

# The status each decision gives a transfer.
_STATUS = {
    Decision.ALLOW: TransferStatus.COMPLETED,
    Decision.CHALLENGE: TransferStatus.CHALLENGE_REQUIRED,
    Decision.REVIEW: TransferStatus.PENDING_REVIEW,
    Decision.BLOCK: TransferStatus.BLOCKED,
}


def decided_transfer(
    decision: Decision, *, new_id: Callable[[], UUID], now: datetime,
    challenge_window: timedelta, review_window: timedelta,
    kind: TransferKind, customer_id: UUID | None, idempotency_scope: str | None,
    idempotency_key: str | None, fingerprint: str, source: Account, destination: Account,
    amount: Money, channel: Channel, description: str, reference: str | None = None,
    metadata: tuple[tuple[str, str], ...] = (),
) -> Transfer:
    """The transfer as `decision` leaves it, built once: allowed money posts `now`, a challenge
    or a review holds it until its window ends (a challenge under an id of its own), a block
    posts nothing; `new_id` gives the transfer's id first, then the challenge's."""
    transfer_id = new_id()
    status = _STATUS[decision]
    posted_at: datetime | None = now if decision is Decision.ALLOW else None
    hold_expires_at: datetime | None = None
    challenge_id: UUID | None = None
    if decision is Decision.CHALLENGE:
        hold_expires_at, challenge_id = now + challenge_window, new_id()
    elif decision is Decision.REVIEW:
        hold_expires_at = now + review_window
    return Transfer(
        id=transfer_id, kind=kind, customer_id=customer_id,
        idempotency_scope=idempotency_scope, idempotency_key=idempotency_key,
        fingerprint=fingerprint, status=status,
        from_account_id=source.id, from_account_number=source.account_number,
        to_account_id=destination.id, to_account_number=destination.account_number,
        amount=amount, channel=channel, description=description,
        created_at=now, hold_expires_at=hold_expires_at, challenge_id=challenge_id,
        posted_at=posted_at, reference=reference, metadata=metadata,
    )
