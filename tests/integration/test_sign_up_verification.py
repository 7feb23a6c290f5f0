"""Sign-up with a verified email (VAANI_SIGNUP_VERIFICATION=required) on the memory, SQLite
and PostgreSQL profiles: a code mailed to the email makes the customer; the first step answers
alike whether or not the email or phone is taken, and tells the owner of a taken one; codes
are single-use, live fifteen minutes and allow five attempts; nothing squats an address."""

from __future__ import annotations

import logging
from datetime import timedelta

import attrs
import punq
import pytest

from application.context import RequestContext
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    ListAuditEvents,
    LogInWithPassword,
    RegisterCommand,
    RegisterCustomer,
    SignUp,
)
from domain.customer import Customer, KycStatus, Role
from domain.errors import CustomerExists, InvalidCredentials, SignUpCodeInvalid, ValidationError
from entrypoints.settings import Settings
from tests.support.banking import customer
from tests.support.clock import SteppingClock
from tests.support.messages import DEMO, told
from tests.support.messages import reset_code as mailed_code

HERE = RequestContext(ip="203.0.113.77", request_id="req-sign-up")
PASSWORD = "a sign-up passphrase"
REQUIRED = {**DEMO, "VAANI_SIGNUP_VERIFICATION": "required"}


@pytest.fixture
def bank_env() -> dict[str, str]:
    return REQUIRED


@pytest.fixture(autouse=True)
def mailbox(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="vaani.notifications")
    return caplog


def details(email: str = "meera@example.in", phone: str = "+919820000001") -> RegisterCommand:
    return RegisterCommand(first_name="Meera", last_name="Iyer", email=email,
                           phone_number=phone, password=PASSWORD, context=HERE)


def stored(bank: punq.Container, number: str) -> Customer | None:
    with bank.resolve(UnitOfWorkFactory)() as uow:
        return uow.customers.by_number(number)


def logs_in(bank: punq.Container, number: str) -> bool:
    try:
        bank.resolve(LogInWithPassword).execute(number, PASSWORD, HERE)
    except InvalidCredentials:
        return False
    return True


def test_verification_is_on_unless_switched_off(bank: punq.Container) -> None:
    assert bank.resolve(Settings).signup_verification


def test_the_mailed_code_makes_the_customer_once(
        bank: punq.Container, mailbox: pytest.LogCaptureFixture) -> None:
    sign_up = bank.resolve(SignUp)
    answer = sign_up.start(details())
    assert answer.kyc_status is KycStatus.PENDING and answer.role is Role.CUSTOMER
    assert stored(bank, answer.customer_number) is None
    assert not logs_in(bank, answer.customer_number)  # as a wrong password: nothing to tell
    (sent,) = [m for m in told(mailbox) if "secret" in m]
    assert sent["customer_id"] == str(answer.id) and len(sent["secret"]) == 6
    wrong = "000000" if sent["secret"] != "000000" else "111111"
    with pytest.raises(SignUpCodeInvalid):
        sign_up.confirm(answer.customer_number, wrong, HERE)
    made = sign_up.confirm(answer.customer_number, sent["secret"], HERE)
    assert (made.id, made.customer_number, made.email) == (answer.id, answer.customer_number,
                                                           "meera@example.in")
    assert logs_in(bank, made.customer_number)
    with pytest.raises(SignUpCodeInvalid):
        sign_up.confirm(answer.customer_number, sent["secret"], HERE)
    actions = [(e.action, e.outcome) for e in bank.resolve(ListAuditEvents).execute(limit=20).items]
    assert ("customer.sign_up.started", "success") in actions
    assert ("customer.sign_up.confirm", "failure") in actions
    assert ("customer.registered", "success") in actions
    with pytest.raises(ValidationError):
        sign_up.confirm(answer.customer_number, "12ab", HERE)


@pytest.mark.parametrize("taken", ["email", "phone"])
def test_a_taken_contact_gets_the_same_answer_and_its_owner_is_told(
        bank: punq.Container, mailbox: pytest.LogCaptureFixture, taken: str) -> None:
    owner = customer(bank)
    free = bank.resolve(SignUp).start(details())
    mailbox.clear()
    probe = details(email=owner.email if taken == "email" else "someone@example.in",
                    phone=owner.phone_number if taken == "phone" else "+919820000002")
    answer = bank.resolve(SignUp).start(probe)
    shown = {f.name for f in attrs.fields(Customer)} - {"id", "customer_number", "email",
                                                        "phone_number", "password_hash"}
    assert {n: getattr(answer, n) for n in shown} == {n: getattr(free, n) for n in shown}
    assert answer.customer_number != owner.customer_number
    assert stored(bank, answer.customer_number) is None
    assert [m["title"] for m in told(mailbox)] == ["Someone tried to sign up with your details"]
    assert told(mailbox)[0]["customer_id"] == str(owner.id) and "secret" not in told(mailbox)[0]
    with pytest.raises(SignUpCodeInvalid):
        bank.resolve(SignUp).confirm(answer.customer_number, "123456", HERE)
    assert not logs_in(bank, answer.customer_number)


def test_five_wrong_codes_void_the_sign_up(bank: punq.Container,
                                           mailbox: pytest.LogCaptureFixture) -> None:
    sign_up = bank.resolve(SignUp)
    answer = sign_up.start(details())
    code = mailed_code(mailbox)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(SignUpCodeInvalid):
            sign_up.confirm(answer.customer_number, wrong, HERE)
    with pytest.raises(SignUpCodeInvalid):
        sign_up.confirm(answer.customer_number, code, HERE)
    assert stored(bank, answer.customer_number) is None


def test_a_code_lives_fifteen_minutes(bank: punq.Container, clock: SteppingClock,
                                      mailbox: pytest.LogCaptureFixture) -> None:
    sign_up = bank.resolve(SignUp)
    late = sign_up.start(details())
    clock.advance(timedelta(minutes=15))
    with pytest.raises(SignUpCodeInvalid):
        sign_up.confirm(late.customer_number, mailed_code(mailbox), HERE)
    on_time = sign_up.start(details())  # the address was never held
    clock.advance(timedelta(minutes=14, seconds=59))
    assert sign_up.confirm(on_time.customer_number, mailed_code(mailbox), HERE)


def test_nothing_squats_an_address_and_the_first_code_wins(
        bank: punq.Container, mailbox: pytest.LogCaptureFixture) -> None:
    sign_up = bank.resolve(SignUp)
    squatter = sign_up.start(details(phone="+919820000009"))
    squatter_code = mailed_code(mailbox)
    owner = sign_up.start(details())
    sign_up.confirm(owner.customer_number, mailed_code(mailbox), HERE)
    with pytest.raises(CustomerExists):  # only the address's owner could read either code
        sign_up.confirm(squatter.customer_number, squatter_code, HERE)


def test_the_rules_of_registration_apply_before_anything_is_sent(
        bank: punq.Container, mailbox: pytest.LogCaptureFixture) -> None:
    for bad in (attrs.evolve(details(), password="password"),
                attrs.evolve(details(), email="not an email"),
                attrs.evolve(details(), preferred_language="xx")):
        with pytest.raises(ValidationError):
            bank.resolve(SignUp).start(bad)
    assert told(mailbox) == []


def test_branch_onboarding_stays_one_step(bank: punq.Container) -> None:
    made = bank.resolve(RegisterCustomer).execute(details())
    assert stored(bank, made.customer_number) is not None and logs_in(bank, made.customer_number)
