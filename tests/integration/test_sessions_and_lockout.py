"""Sessions, refresh rotation with reuse detection, logout, lockout, rate limits and the UPI
PIN: the identity use cases on the memory, SQLite and PostgreSQL profiles."""

from __future__ import annotations

from datetime import timedelta

import punq
import pytest

from application.auth_policy import AuthPolicy
from application.context import RequestContext
from application.use_cases import (
    Authenticate,
    ListAuditEvents,
    ListSessions,
    LogInWithPassword,
    RefreshSession,
    RevokeSessions,
    SetUpiPin,
    Throttle,
    VerifyAuditTrail,
    VerifyUpiPin,
)
from domain.errors import (
    AccountLocked,
    InvalidCredentials,
    PinBlocked,
    PinInvalid,
    RateLimited,
    SessionNotFound,
    Unauthorized,
    ValidationError,
)
from tests.support.banking import PASSWORD, customer
from tests.support.clock import SteppingClock

HERE = RequestContext(ip="203.0.113.7", request_id="req-1", device_id="phone-1")


def log_in(bank: punq.Container, number: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return bank.resolve(LogInWithPassword).execute(number, password, HERE)[0]


def actions(bank: punq.Container) -> list[str]:
    return [e.action + ":" + e.outcome for e in bank.resolve(ListAuditEvents).execute(limit=100).items]


def test_refresh_rotates_and_the_old_token_then_revokes_the_family(
        bank: punq.Container, clock: SteppingClock) -> None:
    asha = customer(bank)
    first = log_in(bank, asha.customer_number)
    refresh = bank.resolve(RefreshSession)
    second = refresh.execute(first.refresh_token, HERE)
    assert second.refresh_token != first.refresh_token
    assert second.session.id == first.session.id
    clock.advance(timedelta(seconds=6))  # past the benign-retry grace
    with pytest.raises(Unauthorized):
        refresh.execute(first.refresh_token, HERE)  # reuse: possible theft
    with pytest.raises(Unauthorized):
        refresh.execute(second.refresh_token, HERE)  # the whole family is gone
    with pytest.raises(Unauthorized):
        bank.resolve(Authenticate).execute(second.access_token)  # and its access tokens
    assert "auth.refresh.reuse_detected:denied" in actions(bank)


def test_a_retry_within_the_grace_gets_a_fresh_token_once(bank: punq.Container,
                                                           clock: SteppingClock) -> None:
    asha = customer(bank)
    first = log_in(bank, asha.customer_number)
    refresh = bank.resolve(RefreshSession)
    lost = refresh.execute(first.refresh_token, HERE)  # the answer never reached the app
    clock.advance(timedelta(seconds=2))
    retried = refresh.execute(first.refresh_token, HERE)
    assert retried.refresh_token not in (lost.refresh_token, first.refresh_token)
    with pytest.raises(Unauthorized):
        refresh.execute(lost.refresh_token, HERE)  # the one it replaced is no longer current...
    with pytest.raises(Unauthorized):
        refresh.execute(retried.refresh_token, HERE)  # ...and presenting it was reuse


def test_refresh_tokens_expire_when_idle_and_sessions_end(bank: punq.Container,
                                                          clock: SteppingClock) -> None:
    asha = customer(bank)
    issued = log_in(bank, asha.customer_number)
    clock.advance(timedelta(minutes=31))
    with pytest.raises(Unauthorized):
        bank.resolve(RefreshSession).execute(issued.refresh_token, HERE)
    with pytest.raises(Unauthorized):
        bank.resolve(RefreshSession).execute("not-a-token", HERE)


def test_logout_stops_the_access_token_at_once(bank: punq.Container) -> None:
    asha = customer(bank)
    issued = log_in(bank, asha.customer_number)
    other = log_in(bank, asha.customer_number)
    who = bank.resolve(Authenticate).execute(issued.access_token)
    assert who.session_id == issued.session.id
    bank.resolve(RevokeSessions).one(asha.id, issued.session.id, HERE, "logout")
    with pytest.raises(Unauthorized):
        bank.resolve(Authenticate).execute(issued.access_token)
    with pytest.raises(Unauthorized):
        bank.resolve(RefreshSession).execute(issued.refresh_token, HERE)
    assert bank.resolve(Authenticate).execute(other.access_token).session_id == other.session.id
    assert [s.id for s in bank.resolve(ListSessions).execute(asha.id)] == [other.session.id]


def test_sessions_of_others_cannot_be_revoked(bank: punq.Container) -> None:
    asha, mallory = customer(bank), customer(bank)
    issued = log_in(bank, asha.customer_number)
    with pytest.raises(SessionNotFound):
        bank.resolve(RevokeSessions).one(mallory.id, issued.session.id, HERE)
    assert bank.resolve(RevokeSessions).all(asha.id, HERE) == 1
    with pytest.raises(Unauthorized):
        bank.resolve(Authenticate).execute(issued.access_token)


def test_five_failures_lock_for_fifteen_minutes(bank: punq.Container, clock: SteppingClock) -> None:
    asha = customer(bank)
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            log_in(bank, asha.customer_number, "wrong password!")
    with pytest.raises(AccountLocked) as locked:
        log_in(bank, asha.customer_number)  # even the right password is refused now
    assert locked.value.info["locked_until"].endswith("Z")
    clock.advance(timedelta(minutes=15, seconds=1))
    assert log_in(bank, asha.customer_number).access_token
    assert "auth.lockout:denied" in actions(bank)


def test_unknown_customer_numbers_lock_too_so_nothing_can_be_enumerated(
        bank: punq.Container) -> None:
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            log_in(bank, "9999999999", "whatever password")
    with pytest.raises(AccountLocked):
        log_in(bank, "9999999999", "whatever password")


def test_a_success_resets_the_failure_count(bank: punq.Container) -> None:
    asha = customer(bank)
    for _ in range(4):
        with pytest.raises(InvalidCredentials):
            log_in(bank, asha.customer_number, "wrong password!")
    log_in(bank, asha.customer_number)
    for _ in range(4):
        with pytest.raises(InvalidCredentials):
            log_in(bank, asha.customer_number, "wrong password!")
    assert log_in(bank, asha.customer_number).access_token


def test_rate_limits_count_per_window(bank: punq.Container, clock: SteppingClock) -> None:
    throttle = bank.resolve(Throttle)
    clock.set(clock.now().replace(second=0, microsecond=0))
    for _ in range(3):
        throttle.execute([("ip:1", 3)])
    with pytest.raises(RateLimited) as limited:
        throttle.execute([("ip:1", 3)])
    assert 1 <= limited.value.info["retry_after"] <= 60
    throttle.execute([("ip:2", 3)])  # another bucket is untouched
    clock.advance(timedelta(minutes=1))
    throttle.execute([("ip:1", 3)])  # a new window


def test_upi_pin_set_verify_and_block(bank: punq.Container, clock: SteppingClock) -> None:
    asha = customer(bank)
    who = bank.resolve(Authenticate).execute(log_in(bank, asha.customer_number).access_token)
    with pytest.raises(ValidationError):
        bank.resolve(SetUpiPin).execute(who, "1234", None, HERE)  # sequential
    with pytest.raises(ValidationError):
        bank.resolve(SetUpiPin).execute(who, "12a4", None, HERE)
    bank.resolve(SetUpiPin).execute(who, "4826", None, HERE)  # fresh login suffices
    verify = bank.resolve(VerifyUpiPin)
    verify.execute(asha.id, "4826", HERE)
    with pytest.raises(PinInvalid):
        verify.execute(asha.id, "4827", HERE)
    with pytest.raises(PinInvalid):
        verify.execute(asha.id, "4827", HERE)
    with pytest.raises(PinBlocked):
        verify.execute(asha.id, "4827", HERE)
    with pytest.raises(PinBlocked):
        verify.execute(asha.id, "4826", HERE)  # the right PIN is blocked too
    clock.advance(timedelta(hours=24, seconds=1))
    verify.execute(asha.id, "4826", HERE)
    # an old login needs the password to change the PIN
    with pytest.raises(Unauthorized):
        bank.resolve(SetUpiPin).execute(who, "739152", None, HERE)
    with pytest.raises(Unauthorized):
        bank.resolve(SetUpiPin).execute(who, "739152", "wrong password!", HERE)
    bank.resolve(SetUpiPin).execute(who, "739152", PASSWORD, HERE)
    verify.execute(asha.id, "739152", HERE)
    trail = actions(bank)
    assert {"upi.pin.set:success", "upi.pin.changed:success", "upi.pin.blocked:denied",
            "upi.pin.verify:failure"} <= set(trail)


def test_a_refresh_is_no_login_for_the_fresh_login_rule(bank: punq.Container,
                                                        clock: SteppingClock) -> None:
    """The caller's login time is the session's, which a refresh never moves."""
    asha = customer(bank)
    first = log_in(bank, asha.customer_number)
    logged_in_at = clock.now()
    clock.advance(bank.resolve(AuthPolicy).fresh_login + timedelta(seconds=1))
    renewed = bank.resolve(RefreshSession).execute(first.refresh_token, HERE)
    who = bank.resolve(Authenticate).execute(renewed.access_token)
    assert who.logged_in_at == first.session.created_at == logged_in_at
    with pytest.raises(Unauthorized) as refused:
        bank.resolve(SetUpiPin).execute(who, "4826", None, HERE)
    assert refused.value.info["reason"] == "stale_login"
    bank.resolve(SetUpiPin).execute(who, "4826", PASSWORD, HERE)

def test_every_identity_event_is_on_a_chain_that_verifies(bank: punq.Container) -> None:
    asha = customer(bank)
    issued = log_in(bank, asha.customer_number)
    with pytest.raises(InvalidCredentials):
        log_in(bank, asha.customer_number, "wrong password!")
    bank.resolve(RefreshSession).execute(issued.refresh_token, HERE)
    trail = bank.resolve(ListAuditEvents).execute(limit=100).items
    login = next(e for e in trail if e.action == "auth.login" and e.outcome == "success")
    assert (login.ip, login.request_id, login.device_id) == ("203.0.113.7", "req-1", "phone-1")
    assert {"customer.registered:success", "auth.login:failure", "auth.refresh:success"} <= \
        set(actions(bank))
    assert bank.resolve(VerifyAuditTrail).execute().ok
