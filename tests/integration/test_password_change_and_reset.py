"""Changing and resetting a password on the memory, SQLite and PostgreSQL profiles: the
current password counted like a login's, the rules of registration for the new one, which
sessions end, the reset code's single use, its fifteen minutes and its delivery (a demo's log;
redacted outside a demo), the same answer for an unknown customer, and the lockout lifted."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from pathlib import Path

import punq
import pytest

from application.context import RequestContext
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    Authenticate,
    ChangePassword,
    ListAuditEvents,
    ListSessions,
    LogInWithPassword,
    Principal,
    RequestPasswordReset,
    ResetPassword,
)
from domain.audit import Outcome
from domain.customer import Customer
from domain.errors import (
    AccountLocked,
    InvalidCredentials,
    ResetTokenInvalid,
    Unauthorized,
    ValidationError,
)
from entrypoints.bootstrap import bootstrap, prepare_database
from tests.conftest import settings_for
from tests.support.banking import PASSWORD, customer
from tests.support.clock import SteppingClock
from tests.support.messages import DEMO, reset_code, told

HERE = RequestContext(ip="203.0.113.40", request_id="req-password")
NEW = "a brand new monsoon passphrase"


@pytest.fixture
def bank_env() -> dict[str, str]:
    return DEMO


@pytest.fixture(autouse=True)
def notifications(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="vaani.notifications")
    return caplog


def logged_in(bank: punq.Container, who: Customer, password: str = PASSWORD) -> Principal:
    return bank.resolve(Authenticate).execute(access_token(bank, who, password))


def access_token(bank: punq.Container, who: Customer, password: str = PASSWORD) -> str:
    issued, _ = bank.resolve(LogInWithPassword).execute(who.customer_number, password, HERE)
    return issued.access_token


def can_log_in(bank: punq.Container, who: Customer, password: str) -> bool:
    try:
        bank.resolve(LogInWithPassword).execute(who.customer_number, password, HERE)
    except InvalidCredentials:
        return False
    return True


def actions(bank: punq.Container) -> list[tuple[str, str]]:
    return [(e.action, e.outcome) for e in bank.resolve(ListAuditEvents).execute(limit=50).items]


def test_a_change_ends_every_other_session_and_keeps_this_one(
        bank: punq.Container, caplog: pytest.LogCaptureFixture) -> None:
    asha = customer(bank)
    phone, laptop = logged_in(bank, asha), access_token(bank, asha)
    ended = bank.resolve(ChangePassword).execute(phone, PASSWORD, NEW, HERE)
    assert ended == 1
    assert [s.id for s in bank.resolve(ListSessions).execute(asha.id)] == [phone.session_id]
    with pytest.raises(Unauthorized):  # the laptop's token stops working at once
        bank.resolve(Authenticate).execute(laptop)
    assert not can_log_in(bank, asha, PASSWORD) and can_log_in(bank, asha, NEW)
    assert ("auth.password.changed", Outcome.SUCCESS) in actions(bank)
    assert any(m["title"] == "Your password was changed" and m["customer_id"] == str(asha.id)
               for m in told(caplog))


def test_a_change_needs_the_current_password_and_a_new_one_the_rules_allow(
        bank: punq.Container) -> None:
    asha = customer(bank)
    me = logged_in(bank, asha)
    change = bank.resolve(ChangePassword)
    with pytest.raises(Unauthorized):
        change.execute(me, "not my password at all", NEW, HERE)
    for refused in ("short", "password123", asha.email, asha.customer_number, PASSWORD,
                    "\u202eright to left override"):
        with pytest.raises(ValidationError) as error:
            change.execute(me, PASSWORD, refused, HERE)
        assert error.value.info["field"] == "new_password", refused
    assert can_log_in(bank, asha, PASSWORD)  # nothing changed
    assert ("auth.password.change", Outcome.FAILURE) in actions(bank)


def test_wrong_current_passwords_count_towards_the_login_lockout(bank: punq.Container) -> None:
    asha = customer(bank)
    me = logged_in(bank, asha)
    change = bank.resolve(ChangePassword)
    for _ in range(5):
        with pytest.raises(Unauthorized):
            change.execute(me, "a wrong guess again", NEW, HERE)
    with pytest.raises(AccountLocked):
        change.execute(me, PASSWORD, NEW, HERE)
    with pytest.raises(AccountLocked):
        bank.resolve(LogInWithPassword).execute(asha.customer_number, PASSWORD, HERE)


def test_a_reset_code_sets_a_new_password_once_and_ends_every_session(
        bank: punq.Container, caplog: pytest.LogCaptureFixture) -> None:
    asha = customer(bank)
    logged_in(bank, asha), logged_in(bank, asha)
    bank.resolve(RequestPasswordReset).execute(asha.customer_number, HERE)
    code = reset_code(caplog)
    assert len(code) >= 43  # 256 bits, URL-safe base64
    with bank.resolve(UnitOfWorkFactory)() as uow:  # at rest: only its SHA-256
        stored = uow.password_resets.get(hashlib.sha256(code.encode()).hexdigest())
        assert uow.password_resets.get(code) is None
    assert stored is not None and stored.customer_id == asha.id
    bank.resolve(ResetPassword).execute(code, NEW, HERE)
    assert bank.resolve(ListSessions).execute(asha.id) == []
    assert not can_log_in(bank, asha, PASSWORD) and can_log_in(bank, asha, NEW)
    with pytest.raises(ResetTokenInvalid):
        bank.resolve(ResetPassword).execute(code, "yet another monsoon passphrase", HERE)
    assert can_log_in(bank, asha, NEW)
    done = actions(bank)
    assert ("auth.password.reset_requested", Outcome.SUCCESS) in done
    assert ("auth.password.reset", Outcome.SUCCESS) in done
    assert ("auth.password.reset", Outcome.FAILURE) in done
    assert [m["title"] for m in told(caplog)][-2:] == ["Reset your Vaani password",
                                                       "Your password was reset"]


def test_an_unknown_customer_gets_the_same_silence(
        bank: punq.Container, caplog: pytest.LogCaptureFixture) -> None:
    bank.resolve(RequestPasswordReset).execute("4999999999", HERE)  # no error: nothing told
    assert told(caplog) == []
    assert ("auth.password.reset_requested", Outcome.FAILURE) in actions(bank)
    with pytest.raises(ValidationError):
        bank.resolve(RequestPasswordReset).execute("", HERE)


def test_a_code_lives_fifteen_minutes(bank: punq.Container, clock: SteppingClock,
                                      caplog: pytest.LogCaptureFixture) -> None:
    asha = customer(bank)
    request, reset = bank.resolve(RequestPasswordReset), bank.resolve(ResetPassword)
    request.execute(asha.customer_number, HERE)
    clock.advance(timedelta(minutes=15))
    with pytest.raises(ResetTokenInvalid):
        reset.execute(reset_code(caplog), NEW, HERE)
    request.execute(asha.customer_number, HERE)
    clock.advance(timedelta(minutes=14, seconds=59))
    reset.execute(reset_code(caplog), NEW, HERE)
    assert can_log_in(bank, asha, NEW)


def test_a_newer_request_makes_the_earlier_code_unusable(
        bank: punq.Container, caplog: pytest.LogCaptureFixture) -> None:
    asha = customer(bank)
    request, reset = bank.resolve(RequestPasswordReset), bank.resolve(ResetPassword)
    request.execute(asha.customer_number, HERE)
    first = reset_code(caplog)
    request.execute(asha.customer_number, HERE)
    second = reset_code(caplog)
    assert first != second
    with pytest.raises(ResetTokenInvalid):
        reset.execute(first, NEW, HERE)
    reset.execute(second, NEW, HERE)


def test_a_refused_new_password_leaves_the_code_usable(
        bank: punq.Container, caplog: pytest.LogCaptureFixture) -> None:
    asha = customer(bank)
    bank.resolve(RequestPasswordReset).execute(asha.customer_number, HERE)
    code, reset = reset_code(caplog), bank.resolve(ResetPassword)
    with pytest.raises(ValidationError):
        reset.execute(code, "password", HERE)
    for nonsense in ("", "x" * 500, "not-a-code"):
        with pytest.raises(ResetTokenInvalid):
            reset.execute(nonsense, NEW, HERE)
    reset.execute(code, NEW, HERE)
    assert can_log_in(bank, asha, NEW)


def test_a_reset_lifts_the_login_lockout(bank: punq.Container,
                                         caplog: pytest.LogCaptureFixture) -> None:
    asha = customer(bank)
    log_in = bank.resolve(LogInWithPassword)
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            log_in.execute(asha.customer_number, "someone guessing", HERE)
    with pytest.raises(AccountLocked):
        log_in.execute(asha.customer_number, PASSWORD, HERE)
    bank.resolve(RequestPasswordReset).execute(asha.customer_number, HERE)
    bank.resolve(ResetPassword).execute(reset_code(caplog), NEW, HERE)
    assert can_log_in(bank, asha, NEW)


def test_outside_a_demo_the_log_never_shows_the_code(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    plain = bootstrap(settings_for(f"sqlite:///{tmp_path / 'plain.db'}", "memory"))
    prepare_database(plain)
    asha = customer(plain)
    plain.resolve(RequestPasswordReset).execute(asha.customer_number, HERE)
    (message,) = told(caplog)
    assert message["secret"] == "[redacted]" and "[redacted]" in message["body"]
    assert "{secret}" not in message["body"]
