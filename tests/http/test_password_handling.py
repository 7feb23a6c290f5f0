"""Passwords over HTTP: prepared as RFC 8265's OpaqueString (spaces mapped, NFKC), blank and
invisible ones refused, and every endpoint that asks for a password or a UPI PIN counting it
towards the same lockout or block as logging in does."""

from __future__ import annotations

import punq
import pytest
from starlette.testclient import TestClient

from application.ports import PasswordHasher, UnitOfWorkFactory
from tests.http.conftest import API, log_in
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import PASSWORD, customer

PROFILE = {"first_name": "Meera", "last_name": "Iyer", "email": "meera@example.in",
           "phone_number": "+919845000001"}
FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) for c in "monsoon")  # as a CJK keyboard types it


@pytest.mark.parametrize("password", [
    " " * 8,                            # only spaces
    "\u3000" * 10,                      # only ideographic spaces
    "pass\u202eword-1234",              # a right-to-left override
    "correct\u200bhorse battery",       # a zero-width space
    "new\u0007bell password",           # a control character
])
def test_blank_and_invisible_passwords_are_refused(client: TestClient, password: str) -> None:
    body = assert_envelope(client.post(f"{API}/auth/register",
                                       json={**PROFILE, "password": password}),
                           422, "validation_error")
    assert body["error"]["info"]["field"] == "password"


def test_a_password_typed_in_full_width_forms_is_the_same_password(client: TestClient) -> None:
    typed = f"{FULL_WIDTH}\u00a0over\u2003Kochi"  # no-break and em spaces
    created = client.post(f"{API}/auth/register", json={**PROFILE, "password": typed})
    assert created.status_code == 201, created.text
    number = created.json()["customer_number"]
    log_in(client, number, "monsoon over Kochi")
    log_in(client, number, typed)


def test_a_hash_of_the_password_as_typed_still_logs_in_and_is_made_again(
        client: TestClient, bank: punq.Container) -> None:
    asha = customer(bank)
    typed = f"{FULL_WIDTH} over Kochi"
    hasher = bank.resolve(PasswordHasher)
    with bank.resolve(UnitOfWorkFactory)(write=True) as uow:  # as stored before preparing
        stored = uow.customers.get(asha.id)
        assert stored is not None
        stored.password_hash = hasher.hash(typed)
        uow.customers.update(stored)
        uow.commit()
    log_in(client, asha.customer_number, typed)
    with bank.resolve(UnitOfWorkFactory)() as uow:
        again = uow.customers.get(asha.id)
    assert again is not None and hasher.verify(again.password_hash, "monsoon over Kochi")


def test_setting_the_upi_pin_with_wrong_passwords_counts_towards_the_lockout(
        client: TestClient, bank: punq.Container) -> None:
    asha = customer(bank)
    headers = log_in(client, asha.customer_number)
    for _ in range(5):  # the lockout's five
        assert_envelope(client.post(f"{API}/upi/pin", headers=headers,
                                    json={"pin": "482613", "password": "not the password"}),
                        401, "unauthorized")
    assert_envelope(client.post(f"{API}/upi/pin", headers=headers,
                                json={"pin": "482613", "password": PASSWORD}),
                    423, "account_locked")
    assert_envelope(client.post(f"{API}/auth/login", json={
        "customer_number": asha.customer_number, "method": "password", "password": PASSWORD}),
        423, "account_locked")


def test_a_bad_device_costs_no_attempt_and_tells_nothing_of_the_password(
        client: TestClient, bank: punq.Container) -> None:
    """The device is checked before the password: a right password with a malformed device
    neither counts towards the lockout nor answers differently from a wrong one."""
    asha = customer(bank)
    for password in (PASSWORD, "not the password") * 3:
        assert_envelope(client.post(f"{API}/auth/login", json={
            "customer_number": asha.customer_number, "method": "password", "password": password,
            "device": {"identifier": "phone", "public_key": {"algorithm": "ed25519",
                                                             "key": "bm90IGEga2V5"}}}),
            422, "validation_error")
    log_in(client, asha.customer_number)  # six refusals, and no lock


def test_a_password_far_longer_than_any_that_can_be_set_is_refused_unprepared(
        client: TestClient, bank: punq.Container) -> None:
    """NFKC makes some characters many times longer: such a password is refused before it is
    prepared, at login (a wrong password) and at sign-up."""
    asha = customer(bank)
    huge = "\ufdfa" * 100_000
    assert_envelope(client.post(f"{API}/auth/login", json={
        "customer_number": asha.customer_number, "method": "password", "password": huge}),
        401, "invalid_credentials")
    assert_envelope(client.post(f"{API}/auth/register", json={**PROFILE, "password": huge}),
                    422, "validation_error")
