"""A sign-up's code sent twice at the same moment (memory, SQLite and PostgreSQL): exactly one
customer is made and the other request is refused; many wrong codes at once compare no more
than the five the sign-up allows."""

from __future__ import annotations

import logging

import punq
import pytest

from application.ports import UnitOfWorkFactory
from application.use_cases import SignUp
from domain.customer import Customer
from domain.errors import DomainError, SignUpCodeInvalid
from tests.integration.test_sign_up_verification import HERE, REQUIRED, details
from tests.support.messages import reset_code
from tests.support.races import at_once


@pytest.fixture
def bank_env() -> dict[str, str]:
    return REQUIRED


@pytest.fixture(autouse=True)
def mailbox(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="vaani.notifications")
    return caplog


def test_one_code_sent_twice_at_once_makes_one_customer(
        bank: punq.Container, mailbox: pytest.LogCaptureFixture) -> None:
    sign_up = bank.resolve(SignUp)
    answer = sign_up.start(details())
    code = reset_code(mailbox)
    results = at_once([lambda: sign_up.confirm(answer.customer_number, code, HERE)] * 2)
    made = [r for r in results if isinstance(r, Customer)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(made) == 1 and len(refused) == 1, results
    assert isinstance(refused[0], SignUpCodeInvalid)
    with bank.resolve(UnitOfWorkFactory)() as uow:
        assert uow.customers.by_email_or_phone("meera@example.in", "+919820000001") is not None


def test_wrong_codes_at_once_are_counted_before_they_are_compared(
        bank: punq.Container, mailbox: pytest.LogCaptureFixture) -> None:
    sign_up = bank.resolve(SignUp)
    answer = sign_up.start(details())
    code = reset_code(mailbox)
    wrong = "000000" if code != "000000" else "111111"
    results = at_once([lambda: sign_up.confirm(answer.customer_number, wrong, HERE)] * 8)
    assert all(isinstance(r, SignUpCodeInvalid) for r in results)
    with pytest.raises(SignUpCodeInvalid):  # all five attempts are spent
        sign_up.confirm(answer.customer_number, code, HERE)
