"""What is counted in parallel each counts: guesses sent at once never outrun a lockout, and
payments sent at once are each folded into the payer's profile."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import punq
import pytest

from application.ports import UnitOfWork, UnitOfWorkFactory
from domain.customer import Customer, PinPolicy
from domain.fraud_profile import CustomerProfile
from domain.login_attempts import LockoutPolicy, LoginAttempts
from domain.voice import VoiceAttemptPolicy, VoiceAttempts
from tests.support.banking import customer

pytestmark = pytest.mark.slow


def _wrong_password(uow: UnitOfWork, who: Customer) -> int:
    attempts = uow.login_attempts.get(who.customer_number) or LoginAttempts(who.customer_number)
    attempts.reserve(datetime.now(UTC), LockoutPolicy(max_failures=99))
    uow.login_attempts.save(attempts)
    return attempts.failures


def _wrong_voice(uow: UnitOfWork, who: Customer) -> int:
    attempts = uow.voice.attempts(who.id) or VoiceAttempts(who.id)
    attempts.record(False, datetime.now(UTC), VoiceAttemptPolicy(disable_after=99))
    uow.voice.save_attempts(attempts)
    return attempts.failures


def _wrong_pin(uow: UnitOfWork, who: Customer) -> int:
    current = uow.customers.lock(who.id)
    assert current is not None
    current.reserve_pin_attempt(datetime.now(UTC), PinPolicy(max_failures=99))
    uow.customers.update(current)
    return current.pin_failures


def _payment_from_another_account(uow: UnitOfWork, who: Customer) -> int:
    profile = uow.fraud.customer_profile(who.id) or CustomerProfile(who.id)
    profile.observe(100, datetime.now(UTC), "100000000001", "savings:UPI")
    uow.fraud.save_customer_profile(profile)
    return profile.transfers


def _payment_read_as_the_screen_reads(uow: UnitOfWork, who: Customer) -> int:
    payee = "100000000001"
    profile = uow.fraud.profiles(who.id, payee)[0] or CustomerProfile(who.id)  # both at once
    profile.observe(100, datetime.now(UTC), payee, "savings:UPI")
    uow.fraud.save_customer_profile(profile)
    return profile.transfers


@pytest.mark.parametrize("fail", [_wrong_password, _wrong_voice, _wrong_pin,
                                  _payment_from_another_account,
                                  _payment_read_as_the_screen_reads])
def test_what_is_counted_in_parallel_each_counts(
        sql_bank: tuple[punq.Container, str, str],
        fail: Callable[[UnitOfWork, Customer], int]) -> None:
    # An attacker sending guesses at once must not outrun the lockout, nor payments sent at
    # once from a customer's two accounts (whose account locks never meet) the velocity rules:
    # two transactions counting the same thing take turns, also when its row does not exist yet.
    wired = sql_bank[0]
    factory = wired.resolve(UnitOfWorkFactory)
    who = customer(wired)
    first_has_read = threading.Event()

    def attempt(first: bool) -> int:
        with factory(write=True) as uow:
            failures = fail(uow, who)
            if first:
                first_has_read.set()
                time.sleep(0.3)  # still in its transaction while the second one counts
            uow.commit()
            return failures

    for expected in (2, 4):  # no counter yet, then an existing one
        first_has_read.clear()
        with ThreadPoolExecutor(2) as pool:
            first = pool.submit(attempt, True)
            first_has_read.wait(10)
            second = pool.submit(attempt, False)
            assert (first.result(10), second.result(10)) == (expected - 1, expected)
