"""Attempt counters against guesses sent all at once, over HTTP to a live server with two worker
processes (SQLite and PostgreSQL): the policy's number of guesses is checked, not one more, and
a right answer arriving after the block or lock is refused and leaves it in place."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest

from application.ports import UnitOfWorkFactory
from domain.audit import AuditEvent
from tests.reliability.conftest import PIN, LiveBank
from tests.support.banking import PASSWORD

pytestmark = pytest.mark.slow
GUESSES = 30


def _events(live: LiveBank, action: str, resource: str) -> list[AuditEvent]:
    with live.bank.resolve(UnitOfWorkFactory)() as uow:
        return [e for e in uow.audit.all_in_order()
                if e.action == action and e.resource == resource]


def _all_at_once(send: object, count: int) -> list[httpx.Response]:
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(send, range(count)))  # type: ignore[arg-type]


def test_parallel_wrong_pins_get_three_comparisons_and_a_right_pin_after_stays_blocked(
        live_bank: LiveBank) -> None:
    number, _ = live_bank.people[0]
    headers = live_bank.log_in(number)
    api = f"{live_bank.server.base}/api/v1"
    assert httpx.post(f"{api}/upi/pin", json={"pin": PIN}, headers=headers,
                      timeout=30).status_code == 200

    def guess(i: int) -> httpx.Response:
        wrong = f"{(int(PIN) + 1 + i) % 1_000_000:06d}"
        return httpx.post(f"{api}/upi/verify-pin", json={"pin": wrong}, headers=headers,
                          timeout=120)

    answers = _all_at_once(guess, GUESSES)
    codes = sorted(r.json()["error"]["code"] for r in answers)
    assert set(codes) <= {"pin_invalid", "pin_blocked"}, codes
    compared = _events(live_bank, "upi.pin.verify", f"customer:{number}")
    assert len(compared) == 3, [e.details for e in compared]
    # A wrong PIN compared before the block but answered after it is told of the block.
    assert codes.count("pin_invalid") <= 2 and codes.count("pin_blocked") >= GUESSES - 2

    right = httpx.post(f"{api}/upi/verify-pin", json={"pin": PIN}, headers=headers, timeout=30)
    assert right.status_code == 423 and right.json()["error"]["code"] == "pin_blocked"
    again = httpx.post(f"{api}/upi/verify-pin", json={"pin": PIN}, headers=headers, timeout=30)
    assert again.json()["error"]["code"] == "pin_blocked"  # the block was not erased
    assert len(_events(live_bank, "upi.pin.verify", f"customer:{number}")) == 3
    live_bank.assert_books_verify()


def test_parallel_wrong_passwords_get_five_checks_and_a_right_one_after_stays_locked(
        live_bank: LiveBank) -> None:
    number, _ = live_bank.people[1]
    login = f"{live_bank.server.base}/api/v1/auth/login"

    def guess(i: int) -> httpx.Response:
        return httpx.post(login, timeout=120, json={
            "customer_number": number, "method": "password", "password": f"wrong-{i}-{PASSWORD}"})

    answers = _all_at_once(guess, 10)
    codes = sorted(r.json()["error"]["code"] for r in answers)
    assert set(codes) <= {"invalid_credentials", "account_locked"}, codes
    checked = [e for e in _events(live_bank, "auth.login", f"customer:{number}")
               if e.outcome == "failure"]
    assert len(checked) == 5, [e.details for e in checked]
    assert codes.count("invalid_credentials") == 5

    right = httpx.post(login, timeout=30, json={
        "customer_number": number, "method": "password", "password": PASSWORD})
    assert right.status_code == 423 and right.json()["error"]["code"] == "account_locked"
    assert len(_events(live_bank, "auth.lockout", f"customer:{number}")) == 1
    live_bank.assert_books_verify()
