"""Passwords over HTTP: change one's own, ask for a reset (one answer whether or not the
customer exists), set a new password with the code; throttling, errors in the envelope, and
every answer held to its documented schema."""

from __future__ import annotations

import logging

import punq
import pytest
from starlette.testclient import TestClient

from entrypoints.http.app import create_app
from tests.http.conftest import API, log_in
from tests.http.contract import assert_documented
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import PASSWORD, customer
from tests.support.messages import DEMO, reset_code, told

NEW = "a brand new monsoon passphrase"
PATHS = ("/auth/password", "/auth/password-reset", "/auth/password-reset/confirm")


@pytest.fixture
def bank_env() -> dict[str, str]:
    return DEMO


@pytest.fixture(autouse=True)
def notifications(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="vaani.notifications")


def test_changing_the_password_ends_the_other_sessions(
        client: TestClient, bank: punq.Container) -> None:
    person = customer(bank)
    phone, laptop = log_in(client, person.customer_number), log_in(client, person.customer_number)
    url = f"{API}/auth/password"
    assert_envelope(client.post(url, json={"current_password": PASSWORD, "new_password": NEW}),
                    401, "unauthorized")
    assert_envelope(client.post(url, headers=phone, json={  # type: ignore[arg-type]
        "current_password": "not it at all", "new_password": NEW}), 401, "unauthorized")
    weak = client.post(url, headers=phone, json={"current_password": PASSWORD,
                                                 "new_password": "password"})
    assert assert_envelope(weak, 422, "validation_error")["error"]["info"]["field"] == \
        "new_password"
    assert_envelope(client.post(url, headers=phone, json={  # type: ignore[arg-type]
        "current_password": PASSWORD}), 422, "validation_error")
    changed = client.post(url, headers=phone, json={"current_password": PASSWORD,
                                                    "new_password": NEW})
    assert changed.status_code == 204, changed.text
    assert_documented(client, "post", url, changed)  # type: ignore[arg-type]
    assert client.get(f"{API}/auth/sessions", headers=phone).status_code == 200
    assert_envelope(client.get(f"{API}/auth/sessions", headers=laptop), 401, "unauthorized")
    log_in(client, person.customer_number, NEW)


def test_a_reset_answers_alike_and_the_code_sets_a_new_password_once(
        client: TestClient, bank: punq.Container, caplog: pytest.LogCaptureFixture) -> None:
    person = customer(bank)
    headers = log_in(client, person.customer_number)
    url = f"{API}/auth/password-reset"
    unknown = client.post(url, json={"customer_number": "4999999999"})
    known = client.post(url, json={"customer_number": person.customer_number})
    for answer in (unknown, known):
        assert answer.status_code == 202, answer.text
        assert answer.json() == {"status": "sent_if_known"}
        assert answer.headers["cache-control"] == "no-store"
        assert_documented(client, "post", url, answer)  # type: ignore[arg-type]
    code = reset_code(caplog)
    assert code not in known.text and code not in str(known.headers)
    assert_envelope(client.post(url, json={"customer_number": ""}), 422, "validation_error")
    assert_envelope(client.post(url, json={}), 422, "validation_error")

    confirm = f"{API}/auth/password-reset/confirm"
    assert_envelope(client.post(confirm, json={"token": code, "new_password": "password"}),
                    422, "validation_error")
    done = client.post(confirm, json={"token": code, "new_password": NEW})
    assert done.status_code == 204, done.text
    assert_documented(client, "post", confirm, done)  # type: ignore[arg-type]
    again = client.post(confirm, json={"token": code, "new_password": "another monsoon phrase"})
    assert_envelope(again, 400, "reset_token_invalid")
    assert_documented(client, "post", confirm, again)  # type: ignore[arg-type]
    assert_envelope(client.get(f"{API}/auth/sessions", headers=headers), 401, "unauthorized")
    log_in(client, person.customer_number, NEW)
    assert told(caplog)[-1]["title"] == "Your password was reset"


def test_reset_requests_are_rate_limited_per_customer_number(bank: punq.Container) -> None:
    with TestClient(create_app(bank)) as client:
        for _ in range(10):  # under the per-IP limit (30), at the per-customer one (10)
            client.post(f"{API}/auth/password-reset", json={"customer_number": "4111111111"})
        response = client.post(f"{API}/auth/password-reset",
                               json={"customer_number": "4111111111"})
        assert_envelope(response, 429, "rate_limited")


def test_every_password_endpoint_is_documented(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    for path in PATHS:
        operation = document["paths"][API + path]["post"]
        assert "requestBody" in operation, path
        assert operation["requestBody"]["content"]["application/json"]["schema"], path
        assert any(status.startswith("2") for status in operation["responses"]), path
    reset = document["paths"][f"{API}/auth/password-reset"]["post"]["responses"]["202"]
    assert reset["content"]["application/json"]["schema"]
    assert "security" not in document["paths"][f"{API}/auth/password-reset"]["post"] or \
        document["paths"][f"{API}/auth/password-reset"]["post"]["security"] == []
