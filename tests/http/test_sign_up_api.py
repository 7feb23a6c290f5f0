"""Sign-up over HTTP with verification required: the first step's answer is the same shape
(and status) whether or not the contact is taken, the second step makes the customer, errors
are in the envelope, and every answer is held to its documented schema."""

from __future__ import annotations

import logging

import punq
import pytest
from starlette.testclient import TestClient

from entrypoints.identity_settings import undeliverable_codes
from entrypoints.setting_values import ConfigurationError
from entrypoints.settings import load_settings
from tests.conftest import TEST_ENV
from tests.http.conftest import API, log_in
from tests.http.contract import assert_documented
from tests.http.test_errors_and_headers import assert_envelope
from tests.integration.test_sign_up_verification import REQUIRED
from tests.support.banking import customer
from tests.support.messages import reset_code, told

PASSWORD = "a sign-up passphrase"


@pytest.fixture
def bank_env() -> dict[str, str]:
    return REQUIRED


@pytest.fixture(autouse=True)
def mailbox(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="vaani.notifications")
    return caplog


def _body(email: str, phone: str) -> dict[str, str]:
    return {"first_name": "Meera", "last_name": "Iyer", "email": email, "phone_number": phone,
            "password": PASSWORD}


def test_sign_up_in_two_steps_answers_alike_for_a_taken_contact(
        client: TestClient, bank: punq.Container, mailbox: pytest.LogCaptureFixture) -> None:
    owner = customer(bank)
    url = f"{API}/auth/register"
    free = client.post(url, json=_body("meera@example.in", "+919820000001"))
    code = reset_code(mailbox)
    taken = client.post(url, json=_body(owner.email, "+919820000002"))
    for answer in (free, taken):
        assert answer.status_code == 201, answer.text
        assert_documented(client, "post", url, answer)  # type: ignore[arg-type]
    assert free.json().keys() == taken.json().keys()
    assert told(mailbox)[-1]["customer_id"] == str(owner.id)  # the owner is told, no code
    number = free.json()["customer_number"]
    refused = client.post(f"{API}/auth/login", json={
        "customer_number": number, "method": "password", "password": PASSWORD,
        "device": {"identifier": "test-phone-1"}})
    assert_envelope(refused, 401, "invalid_credentials")

    confirm = f"{API}/auth/register/confirm"
    wrong = client.post(confirm, json={"customer_number": number,
                                       "code": "000000" if code != "000000" else "111111"})
    assert_envelope(wrong, 400, "signup_code_invalid")
    assert_documented(client, "post", confirm, wrong)  # type: ignore[arg-type]
    assert_envelope(client.post(confirm, json={"customer_number": number, "code": "12"}),
                    422, "validation_error")
    made = client.post(confirm, json={"customer_number": number, "code": code})
    assert made.status_code == 201, made.text
    assert_documented(client, "post", confirm, made)  # type: ignore[arg-type]
    assert made.json()["customer_number"] == number and made.json()["kyc_status"] == "pending"
    log_in(client, number, PASSWORD)
    assert_envelope(client.post(confirm, json={"customer_number": number, "code": code}),
                    400, "signup_code_invalid")
    gone = taken.json()["customer_number"]
    assert_envelope(client.post(confirm, json={"customer_number": gone, "code": code}),
                    400, "signup_code_invalid")


def test_the_setting_is_required_or_off() -> None:
    plain = {k: v for k, v in TEST_ENV.items() if k != "VAANI_SIGNUP_VERIFICATION"}
    assert load_settings({**plain, "VAANI_PROFILE": "memory"}).signup_verification
    off = load_settings({**plain, "VAANI_PROFILE": "memory", "VAANI_SIGNUP_VERIFICATION": "off"})
    assert not off.signup_verification
    with pytest.raises(ConfigurationError, match="VAANI_SIGNUP_VERIFICATION"):
        load_settings({**plain, "VAANI_PROFILE": "memory", "VAANI_SIGNUP_VERIFICATION": "maybe"})
    # Served without a way for the codes to leave, the bank says so at start-up.
    required = load_settings({**plain, "VAANI_PROFILE": "memory"})
    assert "VAANI_SMTP_HOST" in (undeliverable_codes(required) or "")
    assert undeliverable_codes(off) is None
    assert undeliverable_codes(load_settings({**plain, "VAANI_PROFILE": "memory",
                                              "VAANI_DEMO": "1"})) is None
    assert undeliverable_codes(load_settings({
        **plain, "VAANI_PROFILE": "memory", "VAANI_SMTP_HOST": "mail.example.in",
        "VAANI_SMTP_FROM": "no-reply@example.in"})) is None
