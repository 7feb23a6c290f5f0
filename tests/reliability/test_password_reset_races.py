"""A reset code used twice at the same moment (memory, SQLite and PostgreSQL): exactly one
reset wins, the other is refused, and exactly one new password is stored. Two reset requests
at once leave one working code."""

from __future__ import annotations

import logging

import punq
import pytest

from application.use_cases import RequestPasswordReset, ResetPassword
from domain.errors import DomainError, ResetTokenInvalid
from tests.integration.test_password_change_and_reset import HERE, can_log_in
from tests.support.banking import PASSWORD, customer
from tests.support.messages import DEMO, reset_code, told
from tests.support.races import both_at_once

ONE, OTHER = "first monsoon passphrase", "second monsoon passphrase"


@pytest.fixture
def bank_env() -> dict[str, str]:
    return DEMO


@pytest.fixture(autouse=True)
def notifications(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="vaani.notifications")




def test_one_code_used_twice_at_once_resets_once(
        bank: punq.Container, caplog: pytest.LogCaptureFixture) -> None:
    asha = customer(bank)
    bank.resolve(RequestPasswordReset).execute(asha.customer_number, HERE)
    code, reset = reset_code(caplog), bank.resolve(ResetPassword)
    results = both_at_once(lambda: reset.execute(code, ONE, HERE),
                            lambda: reset.execute(code, OTHER, HERE))
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 1 and isinstance(refused[0], ResetTokenInvalid), results
    winner = ONE if results[0] is None else OTHER
    assert can_log_in(bank, asha, winner)
    assert not can_log_in(bank, asha, ONE if winner == OTHER else OTHER)
    assert not can_log_in(bank, asha, PASSWORD)
    assert sum(m["title"] == "Your password was reset" for m in told(caplog)) == 1


def test_two_requests_at_once_leave_one_working_code(
        bank: punq.Container, caplog: pytest.LogCaptureFixture) -> None:
    asha = customer(bank)
    request = bank.resolve(RequestPasswordReset)
    both_at_once(lambda: request.execute(asha.customer_number, HERE),
                  lambda: request.execute(asha.customer_number, HERE))
    codes = [m["secret"] for m in told(caplog) if "secret" in m]
    assert len(codes) == 2
    reset = bank.resolve(ResetPassword)
    worked = []
    for code, password in zip(codes, (ONE, OTHER), strict=True):
        try:
            reset.execute(code, password, HERE)
            worked.append(password)
        except ResetTokenInvalid:
            pass
    assert len(worked) == 1
    assert can_log_in(bank, asha, worked[0])
