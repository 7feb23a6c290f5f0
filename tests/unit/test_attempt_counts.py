"""Attempt counts settled after the comparison (issue #30, items 3 and 4): a right answer
settles its own reserved attempt and never lifts a block or lock others' attempts set."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from domain.customer import Customer, PinPolicy, Role
from domain.login_attempts import LockoutPolicy, LoginAttempts

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def test_a_right_password_after_its_own_reservation_ends_the_count() -> None:
    attempts = LoginAttempts("5000000001")
    policy = LockoutPolicy(max_failures=3)
    assert [attempts.reserve(NOW, policy) for _ in range(3)] == [1, 2, 3]  # the third locks
    assert attempts.reserve(NOW, policy) is None  # nothing more is compared
    assert attempts.settle_right(3, NOW)  # the last allowed was right: as if in turn
    assert attempts.failures == 0 and not attempts.is_locked(NOW)


def test_a_right_password_never_lifts_a_lock_others_set_after_it() -> None:
    attempts = LoginAttempts("5000000001")
    policy = LockoutPolicy(max_failures=3)
    mine = attempts.reserve(NOW, policy)
    attempts.reserve(NOW, policy), attempts.reserve(NOW, policy)  # two wrong ones lock it
    assert mine == 1 and not attempts.settle_right(mine, NOW)
    assert attempts.is_locked(NOW) and attempts.failures == 3


def test_a_right_password_takes_back_only_its_own_count_when_others_came_after() -> None:
    attempts = LoginAttempts("5000000001")
    policy = LockoutPolicy(max_failures=5)
    mine = attempts.reserve(NOW, policy)
    attempts.reserve(NOW, policy)  # another, still being compared
    assert attempts.settle_right(mine, NOW) and attempts.failures == 1


def test_pins_settle_the_same_way() -> None:
    who = Customer(uuid.uuid4(), "5000000001", "A", "B", "a@b.in", "9800000001", "x",
                   Role.CUSTOMER, NOW)
    policy = PinPolicy(max_failures=3, block_for=timedelta(hours=24))
    mine = who.reserve_pin_attempt(NOW, policy)
    who.reserve_pin_attempt(NOW, policy), who.reserve_pin_attempt(NOW, policy)
    assert who.reserve_pin_attempt(NOW, policy) is None
    assert mine == 1 and not who.settle_right_pin(mine, NOW)
    assert who.pin_blocked(NOW)
    later = NOW + timedelta(hours=25)  # the block ran out: counting starts afresh
    assert who.reserve_pin_attempt(later, policy) == 1 and who.settle_right_pin(1, later)
    assert who.pin_failures == 0 and not who.pin_blocked(later)
