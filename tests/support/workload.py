"""A transfer storm between a few hot accounts, for the concurrency tests. Module-level so
worker processes can import it."""

from __future__ import annotations

import random
from uuid import UUID

import punq

from application.use_cases import TransferCommand, TransferMoney
from domain.errors import InsufficientFunds, TransferBlocked
from domain.ledger import Channel
from domain.money import Money

Hot = list[tuple[str, str]]  # (account number, owner id)


def storm(bank: punq.Container, hot: Hot, worker: int, count: int,
          shared_keys: int = 0) -> dict[str, int]:
    """`count` transfers between random hot accounts; every third is retried with its key;
    the first `shared_keys` requests use keys every worker also sends (identical bodies)."""
    rng = random.Random(worker)
    transfer = bank.resolve(TransferMoney)
    stats = {"posted": 0, "refused": 0, "replayed": 0, "blocked": 0}
    for i in range(count):
        shared = i < shared_keys
        pick = random.Random(i) if shared else rng
        (source, owner), (destination, _) = pick.sample(hot, 2)
        key = f"shared-{i}" if shared else (f"w{worker}-{i}" if i % 3 == 0 else None)
        command = TransferCommand(
            customer_id=UUID(owner), from_account_number=source, to_account_number=destination,
            amount=Money(pick.randint(1, 5_000)), channel=Channel.MOBILE,
            description=f"shared {i}" if shared else f"storm {worker}/{i}", idempotency_key=key)
        for _attempt in range(2 if key and not shared else 1):
            try:
                result = transfer.execute(command)
            except InsufficientFunds:
                stats["refused"] += 1
                break
            except TransferBlocked:  # recorded by the fraud engine, nothing moved
                stats["blocked"] += 1
                break
            stats["replayed" if result.replayed else "posted"] += 1
    return stats


def storm_in_process(url: str, profile: str, env: dict[str, str], hot: Hot, worker: int,
                     count: int, shared_keys: int) -> dict[str, int]:
    """The same storm from a separate OS process with its own engine and container."""
    from entrypoints.bootstrap import bootstrap
    from entrypoints.settings import load_settings

    bank = bootstrap(load_settings({**env, "VAANI_DATABASE_URL": url, "VAANI_PROFILE": profile}))
    return storm(bank, hot, worker, count, shared_keys)
