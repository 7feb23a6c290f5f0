"""The web app's cookie session over HTTP: log-in sets HttpOnly, SameSite=Strict cookies (Secure
over HTTPS) and never puts a token in the body; the API takes the cookie instead of a bearer token
with the same permission checks; an unsafe request on the cookie needs the CSRF header; refresh
rotates through the cookie; sign-out revokes the session and clears the cookies."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from http.cookies import SimpleCookie

import punq
import pyotp
import pytest
from starlette.testclient import TestClient

from entrypoints.http.app import create_app
from tests.http.conftest import API, log_in
from tests.http.contract import assert_documented
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import PASSWORD, account, customer
from tests.support.clock import SteppingClock


def _cookies(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each Set-Cookie header of `response`, by cookie name, as sent."""
    found = {}
    for header in response.headers.get_list("set-cookie"):
        found[next(iter(SimpleCookie(header)))] = header
    return found


def _sign_in(client: TestClient, number: str) -> str:
    answer = client.post("/app/session", json={"customer_number": number, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["csrf_token"])


@pytest.fixture
def client(bank: punq.Container) -> Iterator[TestClient]:
    """Plain HTTP to this machine, as `make run` serves the web app to a developer."""
    with TestClient(create_app(bank), base_url="http://localhost",
                    raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def https(bank: punq.Container) -> Iterator[TestClient]:
    with TestClient(create_app(bank), base_url="https://testserver",
                    raise_server_exceptions=False) as test_client:
        yield test_client


def test_log_in_sets_httponly_strict_cookies_and_no_token_in_the_body(
        https: TestClient, bank: punq.Container) -> None:
    person = customer(bank)
    answer = https.post("/app/session", json={"customer_number": person.customer_number,
                                              "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    assert_documented(https, "post", "/app/session", answer)  # type: ignore[arg-type]
    body = answer.json()
    assert "access_token" not in body and "refresh_token" not in body
    assert body["customer"]["customer_number"] == person.customer_number
    assert answer.headers["cache-control"] == "no-store"
    sent = _cookies(answer)
    assert set(sent) == {"vaani_access", "vaani_refresh", "vaani_csrf"}
    for name, header in sent.items():
        flags = {part.strip().lower() for part in header.split(";")[1:]}
        assert "secure" in flags and "samesite=strict" in flags, header
        assert ("httponly" in flags) == (name != "vaani_csrf"), header  # only the CSRF token is readable
    assert "path=/app/session" in sent["vaani_refresh"].lower()
    assert SimpleCookie(sent["vaani_csrf"])["vaani_csrf"].value == body["csrf_token"]


def test_plain_http_to_another_host_still_gets_secure_cookies(bank: punq.Container) -> None:
    """A TLS proxy nobody declared looks like plain HTTP: the cookies stay Secure all the same,
    so a browser never sends them over a network in the clear."""
    with TestClient(create_app(bank), base_url="http://bank.example") as remote:
        answer = remote.post("/app/session", json={
            "customer_number": customer(bank).customer_number, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    for header in _cookies(answer).values():
        assert "secure" in header.lower(), header


def test_over_plain_http_on_loopback_the_cookies_are_not_secure_but_still_strict(
        client: TestClient, bank: punq.Container) -> None:
    answer = client.post("/app/session", json={"customer_number": customer(bank).customer_number,
                                               "password": PASSWORD})
    for header in _cookies(answer).values():
        lowered = header.lower()
        assert "samesite=strict" in lowered and "secure" not in lowered


def test_the_api_takes_the_cookie_with_the_same_permission_checks(
        client: TestClient, bank: punq.Container) -> None:
    person = customer(bank)
    number = account(bank, person, "500.00").account_number
    other = account(bank, customer(bank), "1.00").account_number
    csrf = _sign_in(client, person.customer_number)
    mine = client.get(f"{API}/accounts")
    assert mine.status_code == 200 and [a["account_number"] for a in mine.json()["items"]] == [number]
    assert_envelope(client.get(f"{API}/accounts/{other}/balance"), 404, "account_not_found")
    assert_envelope(client.get(f"{API}/operator/review"), 403, "forbidden")  # a customer still
    sent = client.post(f"{API}/accounts/{number}/transfer", headers={"X-CSRF-Token": csrf}, json={
        "to_account_number": other, "amount": {"amount": "10.00", "currency": "INR"}})
    assert sent.status_code == 201, sent.text


def test_an_unsafe_request_on_the_cookie_without_the_csrf_header_is_refused(
        client: TestClient, bank: punq.Container) -> None:
    person = customer(bank)
    number = account(bank, person, "500.00").account_number
    other = account(bank, customer(bank)).account_number
    csrf = _sign_in(client, person.customer_number)
    body = {"to_account_number": other, "amount": {"amount": "10.00", "currency": "INR"}}
    wrong = ("y" if csrf[0] == "x" else "x") + csrf[1:]  # one character off, never the token
    for headers in ({}, {"X-CSRF-Token": wrong}, {"X-CSRF-Token": ""}):
        refused = client.post(f"{API}/accounts/{number}/transfer", headers=headers, json=body)
        assert_envelope(refused, 403, "forbidden")
        assert refused.json()["error"]["info"] == {"reason": "csrf_token"}
        assert "X-CSRF-Token" in refused.json()["error"]["message"]
    for path in ("/app/session/refresh", "/app/session/logout"):
        assert_envelope(client.post(path), 403, "forbidden")
    assert client.get(f"{API}/accounts/{number}/balance").json()["balance"]["amount"] == "500.00"


def test_a_bearer_request_is_unaffected_by_cookies_or_their_absence(
        client: TestClient, bank: punq.Container) -> None:
    person = customer(bank)
    number = account(bank, person, "500.00").account_number
    other = account(bank, customer(bank)).account_number
    headers = log_in(client, person.customer_number)  # a bearer client: no CSRF header
    body = {"to_account_number": other, "amount": {"amount": "1.00", "currency": "INR"}}
    assert client.post(f"{API}/accounts/{number}/transfer", headers=headers,
                       json=body).status_code == 201
    _sign_in(client, customer(bank).customer_number)  # someone else's cookies in the jar
    mine = client.get(f"{API}/accounts", headers=headers).json()["items"]
    assert [a["account_number"] for a in mine] == [number]  # the bearer token wins
    assert client.post(f"{API}/accounts/{number}/transfer", headers=headers,
                       json=body).status_code == 201
    client.cookies.clear()
    assert_envelope(client.get(f"{API}/accounts"), 401, "unauthorized")


def test_refresh_rotates_through_the_cookie_and_a_replayed_one_ends_the_session(
        client: TestClient, bank: punq.Container, clock: SteppingClock) -> None:
    person = customer(bank)
    csrf = _sign_in(client, person.customer_number)
    old_access = client.cookies.get("vaani_access")
    old_refresh = client.cookies.get("vaani_refresh", path="/app/session")
    clock.advance(timedelta(seconds=10))  # past the benign-retry grace
    rotated = client.post("/app/session/refresh", headers={"X-CSRF-Token": csrf})
    assert rotated.status_code == 200, rotated.text
    assert_documented(client, "post", "/app/session/refresh", rotated)  # type: ignore[arg-type]
    assert rotated.json()["csrf_token"] == csrf and "customer" not in rotated.json()
    assert client.cookies.get("vaani_refresh", path="/app/session") != old_refresh
    assert client.cookies.get("vaani_access") != old_access
    assert client.get(f"{API}/accounts").status_code == 200
    clock.advance(timedelta(seconds=10))
    current = dict(client.cookies.items())
    client.cookies.clear()  # a thief's jar: the rotated-out refresh token
    client.cookies.update({"vaani_refresh": str(old_refresh), "vaani_csrf": csrf})
    assert_envelope(client.post("/app/session/refresh", headers={"X-CSRF-Token": csrf}), 401,
                    "unauthorized")
    client.cookies.clear()
    client.cookies.update(current)
    assert_envelope(client.get(f"{API}/accounts"), 401, "unauthorized")  # the family is revoked


def test_sign_out_revokes_the_session_and_clears_the_cookies(
        client: TestClient, bank: punq.Container) -> None:
    person = customer(bank)
    csrf = _sign_in(client, person.customer_number)
    access = str(client.cookies.get("vaani_access"))
    assert client.get(f"{API}/accounts").status_code == 200  # the cookie works until then
    out = client.post("/app/session/logout", headers={"X-CSRF-Token": csrf})
    assert out.status_code == 204 and out.content == b""
    cleared = _cookies(out)
    assert set(cleared) == {"vaani_access", "vaani_refresh", "vaani_csrf"}
    assert all("max-age=0" in h.lower() for h in cleared.values())
    assert client.cookies.get("vaani_access") is None
    # The old cookie, sent again by hand, names a revoked session; so does it as a bearer token.
    client.cookies.set("vaani_access", access)
    assert_envelope(client.get(f"{API}/accounts"), 401, "unauthorized")
    assert_envelope(client.get(f"{API}/accounts", headers={"Authorization": f"Bearer {access}"}),
                    401, "unauthorized")


def test_two_step_login_through_the_web_app(client: TestClient, bank: punq.Container,
                                             clock: SteppingClock) -> None:
    person = customer(bank)
    headers = log_in(client, person.customer_number)
    secret = client.post(f"{API}/auth/totp", headers=headers, json={"password": PASSWORD})
    app = pyotp.TOTP(secret.json()["secret"])
    assert client.post(f"{API}/auth/totp/confirm", headers=headers,
                       json={"code": app.at(clock.now())}).status_code == 200
    clock.advance(timedelta(seconds=30))
    first = client.post("/app/session", json={"customer_number": person.customer_number,
                                              "password": PASSWORD})
    assert first.status_code == 202 and first.json()["status"] == "second_factor_required"
    assert _cookies(first) == {}  # no session before the second step
    assert_envelope(client.post("/app/session/second-factor", json={
        "login_ticket": first.json()["login_ticket"], "code": "12"}), 422, "validation_error")
    second = client.post("/app/session/second-factor", json={
        "login_ticket": first.json()["login_ticket"], "code": app.at(clock.now())})
    assert second.status_code == 200, second.text
    assert_documented(client, "post", "/app/session/second-factor", second)  # type: ignore[arg-type]
    assert set(_cookies(second)) == {"vaani_access", "vaani_refresh", "vaani_csrf"}
    assert client.get(f"{API}/auth/sessions").status_code == 200


def test_bad_log_ins_are_refused_in_the_envelope(client: TestClient, bank: punq.Container) -> None:
    number = customer(bank).customer_number
    assert_envelope(client.post("/app/session", json={"customer_number": number,
                                                      "password": "wrong"}), 401,
                    "invalid_credentials")
    assert_envelope(client.post("/app/session", json={"customer_number": number,
                                                      "method": "voice"}), 422,
                    "validation_error")
    assert_envelope(client.post("/app/session", json={"customer_number": number}), 422,
                    "validation_error")
