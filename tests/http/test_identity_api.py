"""Identity over HTTP: tokens, refresh, logout, sessions, lockout, rate limits, roles, PIN."""

from __future__ import annotations

from datetime import timedelta

import punq
import pytest
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from application.auth_policy import AuthPolicy
from domain.customer import Role
from domain.permissions import Permission, roles_with
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.http.conftest import API, log_in
from tests.http.contract import assert_documented
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import PASSWORD, account, customer
from tests.support.clock import SteppingClock


def login_body(number: str, password: str = PASSWORD) -> dict[str, object]:
    return {"customer_number": number, "method": "password", "password": password,
            "device": {"identifier": "phone-1", "platform": "android"}}


def test_every_endpoint_declares_who_may_call_it(bank: punq.Container) -> None:
    app = create_app(bank)
    routes = [r for m in app.routes if isinstance(m, Mount) for r in m.routes] + \
        [r for r in app.routes if isinstance(r, Route)]
    assert routes
    undeclared = [r.path for r in routes if not hasattr(r.endpoint, "roles")]
    assert undeclared == []
    public = sorted(r.path for r in routes if r.endpoint.roles == ())  # type: ignore[attr-defined]
    assert public == ["/api/v1/auth/device-challenge", "/api/v1/auth/login",
                      "/api/v1/auth/login/second-factor", "/api/v1/auth/password-reset",
                      "/api/v1/auth/password-reset/confirm", "/api/v1/auth/refresh",
                      "/api/v1/auth/register", "/api/v1/auth/register/confirm", "/app",
                      "/app/operator", "/app/session", "/app/session/logout",
                      "/app/session/refresh", "/app/session/second-factor",
                      "/app/static/{name}", "/docs", "/docs/assets/{name}", "/health",
                      "/openapi.json", "/ready"]
    # The rest name a permission of domain/permissions.py's table, never roles of their own.
    guarded = [r for r in routes if r.endpoint.roles != ()]  # type: ignore[attr-defined]
    assert all(isinstance(r.endpoint.permission, Permission) for r in guarded)  # type: ignore[attr-defined]
    assert all(r.endpoint.roles == roles_with(r.endpoint.permission)  # type: ignore[attr-defined]
               for r in guarded)


def test_login_refresh_logout(client: TestClient, bank: punq.Container) -> None:
    asha = customer(bank)
    response = client.post(f"{API}/auth/login", json=login_body(asha.customer_number))
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    tokens = response.json()
    assert set(tokens) >= {"access_token", "refresh_token", "token_type", "expires_in", "customer"}
    assert tokens["customer"]["customer_number"] == asha.customer_number
    assert "password" not in response.text and "pin" not in tokens["customer"]
    renewed = client.post(f"{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert renewed.status_code == 200
    fresh = renewed.json()
    headers = {"Authorization": f"Bearer {fresh['access_token']}"}
    assert client.get(f"{API}/accounts", headers=headers).status_code == 200
    assert client.post(f"{API}/auth/logout", headers=headers).status_code == 204
    assert_envelope(client.get(f"{API}/accounts", headers=headers), 401, "unauthorized")
    assert_envelope(client.post(f"{API}/auth/refresh",
                                json={"refresh_token": fresh["refresh_token"]}), 401, "unauthorized")


def test_a_logged_out_token_moves_no_money(client: TestClient, bank: punq.Container) -> None:
    """Writing endpoints check the session as a request read: a logout holds at once there too."""
    asha = customer(bank)
    source = account(bank, asha, "100.00").account_number
    target = account(bank, asha).account_number
    tokens = client.post(f"{API}/auth/login", json=login_body(asha.customer_number)).json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    body = {"to_account_number": target, "amount": {"amount": "1.00", "currency": "INR"}}
    paid = client.post(f"{API}/accounts/{source}/transfer", json=body,
                       headers={**headers, "Idempotency-Key": "before-logout"})
    assert paid.status_code == 201
    assert client.post(f"{API}/auth/logout", headers=headers).status_code == 204
    refused = client.post(f"{API}/accounts/{source}/transfer", json=body,
                          headers={**headers, "Idempotency-Key": "after-logout"})
    assert_envelope(refused, 401, "unauthorized")
    again = client.post(f"{API}/auth/login", json=login_body(asha.customer_number)).json()
    balance = client.get(f"{API}/accounts/{source}/balance",
                         headers={"Authorization": f"Bearer {again['access_token']}"})
    assert balance.json()["balance"]["amount"] == "99.00"


def test_reused_refresh_token_revokes_the_family(client: TestClient, bank: punq.Container,
                                                 clock: SteppingClock) -> None:
    asha = customer(bank)
    tokens = client.post(f"{API}/auth/login", json=login_body(asha.customer_number)).json()
    renewed = client.post(f"{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    clock.advance(timedelta(seconds=10))
    stolen = client.post(f"{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert_envelope(stolen, 401, "unauthorized")
    headers = {"Authorization": f"Bearer {renewed.json()['access_token']}"}
    assert_envelope(client.get(f"{API}/accounts", headers=headers), 401, "unauthorized")


def test_sessions_list_and_revoke(client: TestClient, bank: punq.Container) -> None:
    asha, ravi = customer(bank), customer(bank)
    laptop = log_in(client, asha.customer_number)
    phone = log_in(client, asha.customer_number)
    listed = client.get(f"{API}/auth/sessions", headers=laptop).json()["items"]
    assert len(listed) == 2 and sum(s["current"] for s in listed) == 1
    other = next(s["id"] for s in listed if not s["current"])
    ravis = log_in(client, ravi.customer_number)
    assert_envelope(client.delete(f"{API}/auth/sessions/{other}", headers=ravis), 404,
                    "session_not_found")
    assert_envelope(client.delete(f"{API}/auth/sessions/not-a-uuid", headers=ravis), 404,
                    "session_not_found")
    assert client.delete(f"{API}/auth/sessions/{other}", headers=laptop).status_code == 204
    assert_envelope(client.get(f"{API}/accounts", headers=phone), 401, "unauthorized")
    assert client.delete(f"{API}/auth/sessions", headers=laptop).json() == {"revoked": 1}
    assert_envelope(client.get(f"{API}/accounts", headers=laptop), 401, "unauthorized")


def test_lockout_is_423_with_the_unlock_time(client: TestClient, bank: punq.Container) -> None:
    asha = customer(bank)
    for _ in range(5):
        assert_envelope(client.post(f"{API}/auth/login",
                                    json=login_body(asha.customer_number, "not my password")),
                        401, "invalid_credentials")
    locked = assert_envelope(client.post(f"{API}/auth/login", json=login_body(asha.customer_number)),
                             423, "account_locked")
    assert locked["error"]["info"]["locked_until"].endswith("Z")


def test_unknown_and_known_customers_fail_alike(client: TestClient, bank: punq.Container) -> None:
    asha = customer(bank)
    known = client.post(f"{API}/auth/login", json=login_body(asha.customer_number, "wrong one!!"))
    unknown = client.post(f"{API}/auth/login", json=login_body("4000000000", "wrong one!!"))
    assert known.status_code == unknown.status_code == 401
    assert known.json()["error"] == unknown.json()["error"]


def test_auth_requests_are_rate_limited_per_ip(bank: punq.Container) -> None:
    assert bank.resolve(Settings).auth.auth_requests_per_ip == 30
    with TestClient(create_app(bank)) as client:
        codes = [client.post(f"{API}/auth/refresh", json={"refresh_token": "x"}).status_code
                 for _ in range(31)]
        assert codes[:30] == [401] * 30
        response = client.post(f"{API}/auth/refresh", json={"refresh_token": "x"})
        assert_envelope(response, 429, "rate_limited")
        assert 1 <= int(response.headers["retry-after"]) <= 60


def test_roles_are_enforced(client: TestClient, bank: punq.Container) -> None:
    asha = customer(bank)
    account(bank, asha, "10.00")
    operator = customer(bank, Role.OPERATOR)
    as_customer = log_in(client, asha.customer_number)
    as_operator = log_in(client, operator.customer_number)
    assert_envelope(client.get(f"{API}/operator/audit", headers=as_customer), 403, "forbidden")
    assert_envelope(client.get(f"{API}/operator/audit"), 401, "unauthorized")
    assert_envelope(client.get(f"{API}/accounts", headers=as_operator), 403, "forbidden")
    audit = client.get(f"{API}/operator/audit", headers=as_operator, params={"limit": 2})
    assert audit.status_code == 200
    page = audit.json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    assert page["items"][0]["sequence"] > page["items"][1]["sequence"]
    rest = client.get(f"{API}/operator/audit", headers=as_operator,
                      params={"limit": 100, "cursor": page["next_cursor"]}).json()
    assert rest["items"][0]["sequence"] == page["items"][1]["sequence"] - 1


def test_upi_pin_over_http(client: TestClient, bank: punq.Container) -> None:
    asha = customer(bank)
    headers = log_in(client, asha.customer_number)
    assert_envelope(client.post(f"{API}/upi/verify-pin", headers=headers, json={"pin": "4826"}),
                    409, "pin_not_set")
    assert_envelope(client.post(f"{API}/upi/pin", headers=headers, json={"pin": "1111"}), 422,
                    "validation_error")
    assert_envelope(client.post(f"{API}/upi/pin", headers=headers, json={"pin": 4826}), 422,
                    "validation_error")
    assert client.post(f"{API}/upi/pin", headers=headers, json={"pin": "4826"}).json() == \
        {"upi_pin_set": True}
    assert client.post(f"{API}/upi/verify-pin", headers=headers, json={"pin": "4826"}).status_code == 200
    wrong = assert_envelope(client.post(f"{API}/upi/verify-pin", headers=headers,
                                        json={"pin": "4827"}), 401, "pin_invalid")
    assert wrong["error"]["info"]["attempts_left"] == 2
    client.post(f"{API}/upi/verify-pin", headers=headers, json={"pin": "4827"})
    blocked = assert_envelope(client.post(f"{API}/upi/verify-pin", headers=headers,
                                          json={"pin": "4827"}), 423, "pin_blocked")
    assert blocked["error"]["info"]["blocked_until"].endswith("Z")



def test_a_refreshed_token_is_no_fresh_login_for_the_upi_pin(
        client: TestClient, bank: punq.Container, clock: SteppingClock) -> None:
    """Setting the UPI PIN without the password needs a login at most `fresh_login` old,
    counted from the login itself: a refresh makes a new access token, never a new login, so
    whoever holds the session (a stolen refresh token, an unlocked phone) cannot refresh their
    way to a new PIN."""
    asha = customer(bank)
    window = bank.resolve(AuthPolicy).fresh_login
    tokens = client.post(f"{API}/auth/login", json=login_body(asha.customer_number)).json()

    def refreshed() -> dict[str, str]:
        renewed = client.post(f"{API}/auth/refresh",
                              json={"refresh_token": tokens["refresh_token"]})
        assert renewed.status_code == 200, renewed.text
        tokens.update(renewed.json())
        return {"Authorization": f"Bearer {tokens['access_token']}"}

    right_after = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.post(f"{API}/upi/pin", headers=right_after, json={"pin": "4826"}).json() == \
        {"upi_pin_set": True}
    clock.advance(window - timedelta(seconds=1))  # the login is still fresh: refreshed or not
    assert client.post(f"{API}/upi/pin", headers=refreshed(),
                       json={"pin": "739152"}).status_code == 200
    clock.advance(timedelta(seconds=2))  # the login is stale; the token just made is not
    stale = assert_envelope(client.post(f"{API}/upi/pin", headers=refreshed(),
                                        json={"pin": "582914"}), 401, "unauthorized")
    assert stale["error"]["info"]["reason"] == "stale_login"
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.post(f"{API}/upi/verify-pin", headers=headers,
                       json={"pin": "739152"}).status_code == 200  # the PIN did not change
    assert client.post(f"{API}/upi/pin", headers=headers, json={
        "pin": "582914", "password": PASSWORD}).status_code == 200
    assert client.post(f"{API}/upi/pin", headers=log_in(client, asha.customer_number),
                       json={"pin": "4826"}).status_code == 200  # a new login is fresh

@pytest.mark.parametrize(("field", "value"), [("aadhaar", "2345 6789 0123"), ("pan", "abcde1234f")])
def test_register_checks_aadhaar_and_pan(client: TestClient, field: str, value: str) -> None:
    body = {"first_name": "Meera", "last_name": "Iyer", "email": "m@example.in",
            "phone_number": "+919845000001", "password": "a long passphrase", field: value}
    assert_envelope(client.post(f"{API}/auth/register", json=body), 422, "validation_error")


def test_register_keeps_only_the_last_four_aadhaar_digits(client: TestClient) -> None:
    body = {"first_name": "Meera", "last_name": "Iyer", "email": "m@example.in",
            "phone_number": "+919845000001", "password": "a long passphrase",
            "aadhaar": "2363 0000 0001", "pan": "ABCPE1234F"}
    response = client.post(f"{API}/auth/register", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["aadhaar"] == "XXXX XXXX 0001"
    assert response.json()["pan"] == "ABXXXXXX4F"
    assert_documented(client, "post", f"{API}/auth/register", response)


def test_logins_are_rate_limited_per_customer_number(bank: punq.Container) -> None:
    with TestClient(create_app(bank)) as client:
        for _ in range(10):  # well under the per-IP limit (30), at the per-customer one (10)
            client.post(f"{API}/auth/login", json=login_body("4111111111", "guess"))
        response = client.post(f"{API}/auth/login", json=login_body("4111111111", "guess"))
        assert_envelope(response, 429, "rate_limited")
        assert int(response.headers["retry-after"]) >= 1
