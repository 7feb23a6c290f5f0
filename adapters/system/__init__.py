"""The real clock and identifier sources."""

from __future__ import annotations

import secrets
import time
import uuid
from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class RandomIds:
    """UUID4 ids; customer and account numbers from the OS's CSPRNG, so they cannot be guessed."""

    def new_id(self) -> uuid.UUID:
        return uuid.uuid4()

    def new_customer_number(self) -> str:
        return str(secrets.randbelow(9 * 10**9) + 10**9)  # 10 digits, no leading zero

    def new_account_number(self) -> str:
        return str(secrets.randbelow(9 * 10**11) + 10**11)  # 12 digits, no leading zero

    def new_secret(self) -> str:
        return secrets.token_urlsafe(32)  # 256 bits: refresh tokens

    def new_code(self) -> str:
        return f"{secrets.randbelow(10**6):06d}"  # a sign-up's code

    def new_digits(self, count: int) -> str:
        return f"{secrets.randbelow(10**count):0{count}d}"  # a spoken challenge


class TimeOrderedIds(RandomIds):
    """The bank's ids (bootstrap.py): UUIDv7 (RFC 9562), 48 bits of Unix milliseconds, then 74
    random bits. Ids made later sort later, so a new row's index entries land at the end of each
    id-keyed B-tree, in pages already cached, instead of on a random page of a tree that grows
    with the bank's history (docs/benchmarks.md, "History size"). 74 random bits cannot be
    guessed; the millisecond they tell is no secret (every record carries its time)."""

    def new_id(self) -> uuid.UUID:
        millis = time.time_ns() // 1_000_000
        rand = int.from_bytes(secrets.token_bytes(10), "big")  # 80 bits, 74 of them kept
        return uuid.UUID(int=(millis & 0xFFFF_FFFF_FFFF) << 80 | 0x7 << 76
                         | (rand >> 68) << 64 | 0b10 << 62 | rand & ((1 << 62) - 1))
