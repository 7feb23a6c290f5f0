"""What every response says about itself (security headers), what bodies the API reads (JSON
only, 415 otherwise), and that limits come before a body is read. Runs on every profile."""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import punq
import pytest
from starlette.requests import Request
from starlette.testclient import TestClient

from entrypoints.bootstrap import bootstrap
from entrypoints.cli.serve import forwarding
from entrypoints.http.app import create_app
from entrypoints.http.auth import client_address
from entrypoints.http.middleware import MAX_BODY_BYTES
from entrypoints.setting_values import ConfigurationError
from entrypoints.settings import Settings, load_settings
from tests.conftest import settings_for
from tests.http.conftest import API, log_in
from tests.http.test_errors_and_headers import assert_envelope
from tests.http.test_hostile_input import books
from tests.support.banking import account, customer

API_POLICY = "default-src 'none'; frame-ancestors 'none'"
MONEY = {"amount": "10.00", "currency": "INR"}


def assert_secure_headers(response: object, policy: str = API_POLICY) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["content-security-policy"] == policy
    assert headers["cache-control"] == "no-store"  # once, even where the endpoint set it too
    assert "strict-transport-security" not in headers  # not configured for TLS
    assert "server" not in headers


def test_every_answer_carries_the_security_headers(client: TestClient,
                                                   bank: punq.Container) -> None:
    asha = customer(bank)
    source = account(bank, asha, "100.00").account_number
    login = client.post(f"{API}/auth/login", json={
        "customer_number": asha.customer_number, "password": "correct horse battery staple"})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    statement = {"from": "2026-01-01", "to": "2026-12-31"}
    for response in (
            login, client.get("/health"), client.get("/ready"), client.get("/openapi.json"),
            client.get(f"{API}/accounts/{source}/balance", headers=headers),
            client.get(f"{API}/accounts/{source}/transactions", headers=headers),
            client.post(f"{API}/accounts/{source}/statement/download", headers=headers,
                        json=statement),
            client.post(f"{API}/accounts/{source}/statement/download", headers=headers,
                        json={**statement, "format": "csv"}),
            client.get(f"{API}/accounts"), client.get(f"{API}/nowhere"),
            client.post(f"{API}/auth/register", content=b"x" * (MAX_BODY_BYTES + 1),
                        headers={"content-type": "application/json"}),
            client.post(f"{API}/auth/register", content=b"{}",
                        headers={"content-type": "text/plain"})):
        assert_secure_headers(response)
    # The page for people (Swagger UI) loads scripts and styles from this server, none inline.
    page = client.get("/docs")
    assert_secure_headers(page, "default-src 'none'; script-src 'self'; style-src 'self'; "
                                "img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
                                "form-action 'none'; frame-ancestors 'none'")
    assert "<style" not in page.text and "<script>" not in page.text


def test_strict_transport_security_only_when_configured() -> None:
    settings = attrs.evolve(settings_for("sqlite:///unused.db", "memory"), hsts_seconds=31536000)
    with TestClient(create_app(bootstrap(settings))) as client:
        for response in (client.get("/health"), client.get(f"{API}/accounts")):
            assert response.headers["strict-transport-security"] == \
                "max-age=31536000; includeSubDomains"


def test_a_transfer_that_is_not_json_is_refused_and_moves_nothing(
        client: TestClient, bank: punq.Container) -> None:
    asha = customer(bank)
    source = account(bank, asha, "100.00").account_number
    target = account(bank, asha).account_number
    headers = log_in(client, asha.customer_number)
    url = f"{API}/accounts/{source}/transfer"
    body = f'{{"to_account_number": "{target}", "amount": {{"amount": "10.00", ' \
           f'"currency": "INR"}}}}'.encode()
    before = books(bank)
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                         "application/json; charset=latin-1", "application/jsonp", None):
        sent = {**headers, **({"content-type": content_type} if content_type else {})}
        assert_envelope(client.post(url, content=body, headers=sent), 415,
                        "unsupported_media_type")
    assert_envelope(client.post(url, headers=headers, data={"to_account_number": target}), 415,
                    "unsupported_media_type")
    assert books(bank) == before
    for content_type in ("application/json", "application/json; charset=utf-8",
                         "Application/JSON;Charset=\"UTF-8\""):
        posted = client.post(url, content=body, headers={**headers, "content-type": content_type})
        assert posted.status_code == 201, (content_type, posted.text)


def test_every_endpoint_that_takes_a_body_refuses_one_that_is_not_json(
        client: TestClient, bank: punq.Container) -> None:
    headers = log_in(client, customer(bank).customer_number)
    document = client.get("/openapi.json").json()
    with_body = [(path, method, op) for path, ops in document["paths"].items()
                 for method, op in ops.items() if "requestBody" in op]
    assert len(with_body) >= 15
    for path, method, op in with_body:
        assert "415" in op["responses"], (method, path)
        concrete = path.replace("{", "").replace("}", "")
        response = client.request(method.upper(), concrete, content=b"{}", headers={
            **headers, "content-type": "text/plain"})
        assert_envelope(response, 415, "unsupported_media_type")
    # A POST that takes no body stays fine without one.
    assert client.post(f"{API}/auth/logout", headers=headers).status_code == 204


def _counting(consumed: list[int], size: int) -> Iterator[bytes]:
    consumed.append(size)
    yield b'{"customer_number": "1234567890", "method": "voice", "voice_sample": "'
    yield b"A" * size
    yield b'"}'


def test_the_rate_limit_answers_before_a_login_body_is_read(client: TestClient,
                                                            bank: punq.Container) -> None:
    per_ip = bank.resolve(Settings).auth.auth_requests_per_ip
    for _ in range(per_ip):  # the caller's address spends its budget on refreshes
        assert client.post(f"{API}/auth/refresh", json={"refresh_token": "x"}).status_code == 401
    consumed: list[int] = []
    response = client.post(f"{API}/auth/login", content=_counting(consumed, (8 << 20) - 1024),
                           headers={"content-type": "application/json"})
    assert_envelope(response, 429, "rate_limited")
    assert consumed == []  # the 8 MiB body was never read


@pytest.mark.parametrize(("path", "capped"), [
    ("/auth/login", False), ("/transfers/00000000-0000-0000-0000-000000000000/challenge", False),
    ("/device-bindings/00000000-0000-0000-0000-000000000000/voice", False),
    ("/beneficiaries", True), ("/auth/register", True), ("/reminders", True)])
def test_only_endpoints_that_take_recordings_accept_more_than_one_mebibyte(
        client: TestClient, path: str, capped: bool) -> None:
    response = client.post(f"{API}{path}", content=b" " * (2 << 20),
                           headers={"content-type": "application/json"})
    assert (response.status_code == 413) is capped, (path, response.status_code)


def test_forwarded_headers_are_believed_only_from_configured_proxies() -> None:
    base = {"VAANI_JWT_SECRET": "x" * 40, "VAANI_DATABASE_URL": "sqlite:///unused.db"}
    assert forwarding(load_settings(base)) == {"proxy_headers": False}  # none by default
    proxies = load_settings({**base, "VAANI_TRUSTED_PROXIES": " 10.0.0.0/8, ::1,192.0.2.7 "})
    assert forwarding(proxies) == {"proxy_headers": True,
                                   "forwarded_allow_ips": ["10.0.0.0/8", "::1", "192.0.2.7"]}
    for junk in ("*", "10.0.0.1/8", "localhost", "10.0.0.0/33"):
        with pytest.raises(ConfigurationError, match="VAANI_TRUSTED_PROXIES"):
            load_settings({**base, "VAANI_TRUSTED_PROXIES": junk})
    with pytest.raises(ConfigurationError, match="VAANI_HSTS_SECONDS"):
        load_settings({**base, "VAANI_HSTS_SECONDS": "-1"})


@pytest.mark.parametrize(("host", "believed"), [
    ("203.0.113.9", "203.0.113.9"), ("2001:db8::1", "2001:db8::1"), ("x" * 300, None),
    ("testclient", None), ("1.2.3.4.5", None)])
def test_only_an_ip_address_is_taken_as_the_callers_address(host: str,
                                                            believed: str | None) -> None:
    request = Request({"type": "http", "client": (host, 1), "headers": [], "method": "GET",
                       "path": "/", "query_string": b""})
    assert client_address(request) == believed
