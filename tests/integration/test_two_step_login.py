"""Two-step login (TOTP, RFC 6238) on the memory, SQLite and PostgreSQL profiles: enrolment
and confirmation, the second step of a login, the window's edges under an injected clock,
replayed codes, recovery codes, the lockout, tickets, and turning it off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import punq
import pyotp
import pytest

from application.context import DeviceInfo, RequestContext
from application.ports import SecretBox, UnitOfWorkFactory
from application.second_factor import SecondFactorCheck
from application.use_cases import (
    CompleteLogin,
    ListAuditEvents,
    LogInWithPassword,
    ManageTotp,
    SecondStep,
)
from domain.customer import Customer
from domain.errors import (
    AccountLocked,
    LoginTicketInvalid,
    SecondFactorInvalid,
    SecondFactorRequired,
    TotpAlreadyEnabled,
    TotpNotEnabled,
    Unauthorized,
    ValidationError,
)
from tests.support.banking import PASSWORD, customer
from tests.support.clock import SteppingClock

HERE = RequestContext(ip="203.0.113.9", request_id="req-totp")
BOUNDARY = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)  # a time step begins here (30 s steps)


def code_at(secret: str, moment: datetime) -> str:
    """What the customer's authenticator app shows at `moment` (pyotp: the app's side)."""
    return pyotp.TOTP(secret).at(moment)


def _distinct_around_boundary(secret: str) -> bool:
    """The secret's codes two steps either side of BOUNDARY are all different (a random
    secret repeats a 6-digit code among five steps about once in 100,000)."""
    codes = {code_at(secret, BOUNDARY + timedelta(seconds=30 * n)) for n in range(-2, 3)}
    return len(codes) == 5


def enrolled(bank: punq.Container, clock: SteppingClock) -> tuple[Customer, str, list[str]]:
    """A customer with two-step login on: their secret and recovery codes. Confirmed one step
    before BOUNDARY, so that every code from BOUNDARY on is unspent; the secret is one whose
    codes around BOUNDARY all differ, so a code names its step (enrolling again replaces a
    secret not yet confirmed)."""
    asha = customer(bank)
    totp = bank.resolve(ManageTotp)
    made = totp.enrol(asha.id, PASSWORD, HERE)
    while not _distinct_around_boundary(made.secret):
        made = totp.enrol(asha.id, PASSWORD, HERE)
    clock.set(BOUNDARY - timedelta(seconds=60))
    codes = totp.confirm(asha.id, code_at(made.secret, clock.now()), HERE)
    clock.set(BOUNDARY)
    return asha, made.secret, codes


def ticket(bank: punq.Container, who: Customer, device: DeviceInfo | None = None) -> str:
    step = bank.resolve(LogInWithPassword).start(who.customer_number, PASSWORD, HERE, device)
    assert isinstance(step, SecondStep)
    assert step.methods == ("totp", "recovery_code")
    return step.ticket


def test_enrolment_shows_the_secret_once_and_a_first_code_turns_it_on(
        bank: punq.Container, clock: SteppingClock) -> None:
    asha = customer(bank)
    totp = bank.resolve(ManageTotp)
    with pytest.raises(Unauthorized):
        totp.enrol(asha.id, "not the password", HERE)
    made = totp.enrol(asha.id, PASSWORD, HERE)
    assert made.uri.startswith("otpauth://totp/") and f"secret={made.secret}" in made.uri
    assert made.qr_svg.lstrip().startswith("<svg")
    assert totp.status(asha.id).pending and not totp.status(asha.id).enabled
    # Pending: a password alone still logs in.
    assert bank.resolve(LogInWithPassword).execute(asha.customer_number, PASSWORD, HERE)
    with pytest.raises(SecondFactorInvalid):
        totp.confirm(asha.id, "000000" if code_at(made.secret, clock.now()) != "000000"
                     else "111111", HERE)
    codes = totp.confirm(asha.id, code_at(made.secret, clock.now()), HERE)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(len(c) == 14 and c.count("-") == 2 for c in codes)
    status = totp.status(asha.id)
    assert status.enabled and status.recovery_codes_left == 10
    with pytest.raises(TotpAlreadyEnabled):
        totp.enrol(asha.id, PASSWORD, HERE)
    # At rest the secret is sealed: the database alone does not give it away.
    with bank.resolve(UnitOfWorkFactory)() as uow:
        factor = uow.second_factors.factor(asha.id)
    assert factor is not None and made.secret not in factor.secret_sealed
    assert bank.resolve(SecretBox).open(factor.secret_sealed) == made.secret


@pytest.mark.parametrize("replaced", ["before the check", "after the check"])
def test_a_code_turns_on_only_the_secret_it_was_checked_against(
        bank: punq.Container, clock: SteppingClock, monkeypatch: pytest.MonkeyPatch,
        replaced: str) -> None:
    """A second enrolment (it needs the password) replaces the pending secret while a right
    code for the first is being confirmed: the code must not switch on the second secret.
    The enrolment is run inside the code's check, before or after the comparison (no
    timing): refused, asking to confirm again, and nothing is on until a code of the newest
    secret confirms it."""
    asha = customer(bank)
    totp = bank.resolve(ManageTotp)
    first = totp.enrol(asha.id, PASSWORD, HERE)
    check = bank.resolve(SecondFactorCheck)  # a singleton: the one ManageTotp asks
    compare = check.verify
    newest: list[str] = []

    def interleaved(*args: Any, **kwargs: Any) -> str:
        if replaced == "before the check":
            newest.append(totp.enrol(asha.id, PASSWORD, HERE).secret)
        method = compare(*args, **kwargs)
        if replaced == "after the check":
            newest.append(totp.enrol(asha.id, PASSWORD, HERE).secret)
        return method

    monkeypatch.setattr(check, "verify", interleaved)
    with pytest.raises(TotpNotEnabled) as refused:
        totp.confirm(asha.id, code_at(first.secret, clock.now()), HERE)
    monkeypatch.undo()
    assert refused.value.info["reason"] == "secret_replaced"
    assert totp.status(asha.id).pending and not totp.status(asha.id).enabled
    with bank.resolve(UnitOfWorkFactory)() as uow:
        factor = uow.second_factors.factor(asha.id)
    assert factor is not None and bank.resolve(SecretBox).open(factor.secret_sealed) == newest[0]
    assert bank.resolve(LogInWithPassword).execute(asha.customer_number, PASSWORD, HERE)
    assert len(totp.confirm(asha.id, code_at(newest[0], clock.now()), HERE)) == 10
    assert totp.status(asha.id).enabled

def test_a_password_login_then_needs_a_code_and_a_code_works_once(
        bank: punq.Container, clock: SteppingClock) -> None:
    asha, secret, _ = enrolled(bank, clock)
    with pytest.raises(SecondFactorRequired):
        bank.resolve(LogInWithPassword).execute(asha.customer_number, PASSWORD, HERE)
    complete = bank.resolve(CompleteLogin)
    code = code_at(secret, clock.now())
    issued, who = complete.execute(ticket(bank, asha), HERE, code=code)
    assert who.id == asha.id and issued.access_token
    with pytest.raises(SecondFactorInvalid):  # the same code again: replayed
        complete.execute(ticket(bank, asha), HERE, code=code)
    actions = [e.action for e in bank.resolve(ListAuditEvents).execute(limit=20).items]
    assert "auth.login.password" in actions and "auth.login" in actions


@pytest.mark.parametrize(("offset", "accepted"), [
    (-31, False), (-30, True), (0, True), (30, True), (60, False)])
def test_the_window_is_one_step_either_side_of_now(
        bank: punq.Container, clock: SteppingClock, offset: int, accepted: bool) -> None:
    asha, secret, _ = enrolled(bank, clock)
    now = BOUNDARY + timedelta(seconds=29)  # the last second of BOUNDARY's step
    clock.set(now)
    code = code_at(secret, BOUNDARY + timedelta(seconds=offset))
    complete = bank.resolve(CompleteLogin)
    if accepted:
        assert complete.execute(ticket(bank, asha), HERE, code=code)
    else:
        with pytest.raises(SecondFactorInvalid):
            complete.execute(ticket(bank, asha), HERE, code=code)


def test_a_code_older_than_the_last_accepted_one_is_spent(
        bank: punq.Container, clock: SteppingClock) -> None:
    asha, secret, _ = enrolled(bank, clock)
    complete = bank.resolve(CompleteLogin)
    newer = code_at(secret, BOUNDARY + timedelta(seconds=30))  # a phone running a little fast
    older = code_at(secret, BOUNDARY)
    complete.execute(ticket(bank, asha), HERE, code=newer)
    with pytest.raises(SecondFactorInvalid):
        complete.execute(ticket(bank, asha), HERE, code=older)


def test_recovery_codes_work_once_each_and_as_printed_in_any_case(
        bank: punq.Container, clock: SteppingClock) -> None:
    asha, _, codes = enrolled(bank, clock)
    complete = bank.resolve(CompleteLogin)
    complete.execute(ticket(bank, asha), HERE, recovery_code=codes[0].lower())
    with pytest.raises(SecondFactorInvalid):
        complete.execute(ticket(bank, asha), HERE, recovery_code=codes[0])
    complete.execute(ticket(bank, asha), HERE, recovery_code=codes[1].replace("-", " "))
    assert bank.resolve(ManageTotp).status(asha.id).recovery_codes_left == 8
    with pytest.raises(ValidationError):
        complete.execute(ticket(bank, asha), HERE, recovery_code="short")
    with pytest.raises(ValidationError):
        complete.execute(ticket(bank, asha), HERE, code="12345")


def test_wrong_codes_lock_out_and_a_right_code_then_is_not_compared(
        bank: punq.Container, clock: SteppingClock) -> None:
    asha, secret, _ = enrolled(bank, clock)
    complete = bank.resolve(CompleteLogin)
    right = code_at(secret, clock.now())
    wrong = "000000" if right != "000000" else "111111"
    pending = ticket(bank, asha)
    for left in (4, 3, 2, 1):
        with pytest.raises(SecondFactorInvalid) as refused:
            complete.execute(pending, HERE, code=wrong)
        assert refused.value.info["attempts_left"] == left
    with pytest.raises(SecondFactorInvalid):
        complete.execute(pending, HERE, code=wrong)  # the fifth sets the lock
    with pytest.raises(AccountLocked):
        complete.execute(pending, HERE, code=right)
    clock.advance(timedelta(minutes=16))
    later = code_at(secret, clock.now())
    assert complete.execute(ticket(bank, asha), HERE, code=later)
    audit = [(e.action, e.outcome) for e in bank.resolve(ListAuditEvents).execute(limit=40).items]
    assert ("auth.lockout", "denied") in audit
    assert ("auth.login.second_factor", "failure") in audit


def test_a_ticket_expires_makes_one_session_and_stays_with_its_device(
        bank: punq.Container, clock: SteppingClock) -> None:
    asha, secret, codes = enrolled(bank, clock)
    complete = bank.resolve(CompleteLogin)
    stale = ticket(bank, asha)
    clock.advance(timedelta(minutes=5))
    with pytest.raises(LoginTicketInvalid):
        complete.execute(stale, HERE, code=code_at(secret, clock.now()))
    once = ticket(bank, asha)
    complete.execute(once, HERE, recovery_code=codes[0])
    with pytest.raises(LoginTicketInvalid):
        complete.execute(once, HERE, recovery_code=codes[1])
    with pytest.raises(LoginTicketInvalid):
        complete.execute("no-such-ticket", HERE, recovery_code=codes[1])
    phone = DeviceInfo(identifier="phone-7")
    from_phone = ticket(bank, asha, phone)
    with pytest.raises(LoginTicketInvalid):
        complete.execute(from_phone, HERE, recovery_code=codes[1],
                         device=DeviceInfo(identifier="laptop-1"))
    issued, _ = complete.execute(from_phone, HERE, recovery_code=codes[1], device=phone)
    assert issued.session.device_id == "phone-7"


def test_turning_it_off_needs_password_and_code_and_then_a_password_logs_in(
        bank: punq.Container, clock: SteppingClock) -> None:
    asha, secret, codes = enrolled(bank, clock)
    totp = bank.resolve(ManageTotp)
    with pytest.raises(Unauthorized):
        totp.disable(asha.id, "wrong password", code_at(secret, clock.now()), None, HERE)
    with pytest.raises(ValidationError):
        totp.disable(asha.id, PASSWORD, None, None, HERE)
    fresh = totp.recovery_codes(asha.id, PASSWORD, None, codes[0], HERE)
    assert set(fresh).isdisjoint(codes)
    with pytest.raises(SecondFactorInvalid):  # the old codes stopped working
        totp.disable(asha.id, PASSWORD, None, codes[1], HERE)
    totp.disable(asha.id, PASSWORD, None, fresh[0], HERE)
    assert not totp.status(asha.id).enabled
    assert bank.resolve(LogInWithPassword).execute(asha.customer_number, PASSWORD, HERE)
    with pytest.raises(TotpNotEnabled):
        totp.confirm(asha.id, "123456", HERE)
