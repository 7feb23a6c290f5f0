"""The benchmarks' hand-written baselines write past the use cases, so their rows are held to the
bank's own checks: transfers by hand keep `ledger verify` and `audit verify` passing and refuse
an overdraft; sessions rotated by hand are ones Vaani accepts (and the other way round), and the
hand-written check and rotation refuse an ended session and a rotated token. A baseline that
writes less than Vaani, or something Vaani cannot read, would make its ratio a lie."""

from __future__ import annotations

import punq
import pytest

from application.context import SYSTEM
from application.use_cases import Authenticate, LogInWithPassword, RefreshSession
from application.use_cases.audit_trail import VerifyAuditTrail
from application.use_cases.manage_sessions import RevokeSessions
from application.use_cases.verify_ledger import VerifyLedger
from bench.auth_baseline import hand_written_sessions
from bench.ledger_baseline import hand_written
from tests.conftest import TEST_ENV
from tests.support.banking import PASSWORD, account, customer


def test_transfers_by_hand_keep_the_books_verifying_and_refuse_an_overdraft(
        sql_bank: tuple[punq.Container, str, str]) -> None:
    bank, url, _ = sql_bank
    owner = customer(bank)
    source, destination = account(bank, owner, "100.00"), account(bank, owner)
    driver = hand_written(url)
    try:
        for n in range(3):
            driver.transfer(owner.id, source.account_number, destination.account_number, 1_000,
                            f"key-{n}")
        with pytest.raises(ValueError, match="insufficient funds"):
            driver.transfer(owner.id, source.account_number, destination.account_number,
                            8_000, "too-much")
        assert driver.balance(source.account_number) == (7_000, 0, "INR")
        assert driver.balance(destination.account_number) == (3_000, 0, "INR")
    finally:
        driver.close()
    assert bank.resolve(VerifyLedger).execute().problems == []
    assert bank.resolve(VerifyAuditTrail).execute().first_break is None


def test_sessions_rotated_by_hand_are_ones_vaani_accepts_and_ended_ones_are_refused(
        sql_bank: tuple[punq.Container, str, str]) -> None:
    bank, url, _ = sql_bank
    asha = customer(bank)
    issued = bank.resolve(LogInWithPassword).execute(asha.customer_number, PASSWORD)[0]
    sessions = hand_written_sessions(url, TEST_ENV["VAANI_JWT_SECRET"])
    try:
        refresh, access = sessions.rotate(issued.refresh_token)
        refresh, access = sessions.rotate(refresh)
        sessions.check(access)
        principal = bank.resolve(Authenticate).execute(access)
        assert principal.session_id == issued.session.id
        with pytest.raises(ValueError, match="invalid, expired or revoked"):
            sessions.rotate(issued.refresh_token)  # already rotated
        renewed = bank.resolve(RefreshSession).execute(refresh, SYSTEM)
        refresh = sessions.rotate(renewed.refresh_token)[0]
        bank.resolve(RevokeSessions).one(asha.id, issued.session.id, SYSTEM)
        with pytest.raises(ValueError, match="the session has ended"):
            sessions.check(access)
        with pytest.raises(ValueError, match="invalid, expired or revoked"):
            sessions.rotate(refresh)
    finally:
        sessions.close()
    assert bank.resolve(VerifyAuditTrail).execute().first_break is None
