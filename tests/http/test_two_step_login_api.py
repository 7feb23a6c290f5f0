"""Two-step login over HTTP: turn it on, log in in two steps, answer a challenge with a code,
get new recovery codes, turn it off; every answer held to its documented schema."""

from __future__ import annotations

from datetime import timedelta

import httpx2 as httpx
import punq
import pyotp
from starlette.testclient import TestClient

from tests.http.conftest import API, log_in
from tests.http.contract import assert_documented
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import PASSWORD, customer
from tests.support.clock import SteppingClock

DEVICE = {"identifier": "test-phone-1"}


def _password_step(client: TestClient, number: str) -> httpx.Response:
    return client.post(f"{API}/auth/login", json={  # type: ignore[return-value]
        "customer_number": number, "method": "password", "password": PASSWORD,
        "device": DEVICE})


def test_turning_on_logging_in_in_two_steps_and_turning_off(
        client: TestClient, bank: punq.Container, clock: SteppingClock) -> None:
    person = customer(bank)
    headers = log_in(client, person.customer_number)
    status = client.get(f"{API}/auth/totp", headers=headers)
    assert status.json() == {"enabled": False, "pending": False, "confirmed_at": None,
                             "recovery_codes_left": 0}
    assert_documented(client, "get", f"{API}/auth/totp", status)  # type: ignore[arg-type]
    assert_envelope(client.post(f"{API}/auth/totp", headers=headers,  # type: ignore[arg-type]
                                json={"password": "wrong"}), 401, "unauthorized")
    made = client.post(f"{API}/auth/totp", headers=headers, json={"password": PASSWORD})
    assert made.status_code == 201 and made.headers["cache-control"] == "no-store"
    assert_documented(client, "post", f"{API}/auth/totp", made)  # type: ignore[arg-type]
    secret = made.json()["secret"]
    app = pyotp.TOTP(secret)
    assert_envelope(client.post(f"{API}/auth/totp/confirm", headers=headers,  # type: ignore[arg-type]
                                json={"code": "12"}), 422, "validation_error")
    confirmed = client.post(f"{API}/auth/totp/confirm", headers=headers,
                            json={"code": app.at(clock.now())})
    assert confirmed.status_code == 200, confirmed.text
    assert_documented(client, "post", f"{API}/auth/totp/confirm", confirmed)  # type: ignore[arg-type]
    codes = confirmed.json()["recovery_codes"]
    assert len(codes) == 10
    # The password alone never replaces an authenticator that is on (turning it off needs a code).
    assert_envelope(client.post(f"{API}/auth/totp", headers=headers,  # type: ignore[arg-type]
                                json={"password": PASSWORD}), 409, "totp_already_enabled")

    clock.advance(timedelta(seconds=30))
    first = _password_step(client, person.customer_number)
    assert first.status_code == 202, first.text
    assert_documented(client, "post", f"{API}/auth/login", first)  # type: ignore[arg-type]
    assert "access_token" not in first.json()
    login_ticket = first.json()["login_ticket"]
    wrong = "000000" if app.at(clock.now()) != "000000" else "111111"
    refused = client.post(f"{API}/auth/login/second-factor", json={
        "login_ticket": login_ticket, "code": wrong, "device": DEVICE})
    assert_envelope(refused, 401, "second_factor_invalid")  # type: ignore[arg-type]
    assert_envelope(client.post(f"{API}/auth/login/second-factor", json={  # type: ignore[arg-type]
        "login_ticket": "made-up", "code": app.at(clock.now()), "device": DEVICE}),
        401, "login_ticket_invalid")
    second = client.post(f"{API}/auth/login/second-factor", json={
        "login_ticket": login_ticket, "code": app.at(clock.now()), "device": DEVICE})
    assert second.status_code == 200, second.text
    assert_documented(client, "post", f"{API}/auth/login/second-factor", second)  # type: ignore[arg-type]
    fresh = {"Authorization": f"Bearer {second.json()['access_token']}"}

    renewed = client.post(f"{API}/auth/totp/recovery-codes", headers=fresh, json={
        "password": PASSWORD, "recovery_code": codes[0]})
    assert renewed.status_code == 200, renewed.text
    assert_documented(client, "post", f"{API}/auth/totp/recovery-codes", renewed)  # type: ignore[arg-type]
    assert client.get(f"{API}/auth/totp", headers=fresh).json()["recovery_codes_left"] == 10
    off = client.post(f"{API}/auth/totp/disable", headers=fresh, json={
        "password": PASSWORD, "recovery_code": renewed.json()["recovery_codes"][0]})
    assert off.status_code == 204, off.text
    assert _password_step(client, person.customer_number).status_code == 200


def test_the_second_step_is_throttled_and_needs_no_token_but_the_rest_do(
        client: TestClient, bank: punq.Container) -> None:
    for path in ("/auth/totp", "/auth/totp/confirm", "/auth/totp/disable",
                 "/auth/totp/recovery-codes"):
        answer = client.post(f"{API}{path}", json={"password": PASSWORD})
        assert_envelope(answer, 401, "unauthorized")  # type: ignore[arg-type]
    missing = client.post(f"{API}/auth/login/second-factor", json={"code": "123456"})
    assert_envelope(missing, 422, "validation_error")  # type: ignore[arg-type]
