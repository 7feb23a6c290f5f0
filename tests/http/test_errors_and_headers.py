"""Every error has the API.md envelope; every response has X-Request-Id."""

from __future__ import annotations

import json
import logging

import attrs
import pytest
from starlette.testclient import TestClient

from entrypoints.bootstrap import bootstrap
from entrypoints.http.app import create_app
from entrypoints.setting_values import ConfigurationError
from entrypoints.settings import load_settings
from tests.conftest import settings_for
from tests.http.conftest import API


def assert_envelope(response: object, status: int, code: str) -> dict:  # type: ignore[type-arg]
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"meta", "error"}
    assert body["error"]["code"] == code and body["error"]["message"]
    assert body["meta"]["requestId"] == response.headers["x-request-id"]  # type: ignore[attr-defined]
    assert body["meta"]["timestamp"].endswith("Z") and body["meta"]["locale"] == "en-IN"
    return body  # type: ignore[no-any-return]


def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/ready").status_code == 200


def test_request_id_is_echoed_or_minted(client: TestClient) -> None:
    assert client.get("/health", headers={"X-Request-Id": "abc-123"}).headers["x-request-id"] == \
        "abc-123"
    minted = client.get("/health", headers={"X-Request-Id": "bad id\twith tab"})
    assert len(minted.headers["x-request-id"]) == 32


def test_missing_or_bad_token_is_unauthorized(client: TestClient) -> None:
    assert_envelope(client.get(f"{API}/accounts"), 401, "unauthorized")
    assert_envelope(client.get(f"{API}/accounts", headers={"Authorization": "Bearer nope"}),
                    401, "unauthorized")


def test_unknown_route_and_wrong_method(client: TestClient) -> None:
    assert_envelope(client.get(f"{API}/nowhere"), 404, "not_found")
    assert_envelope(client.get(f"{API}/auth/login"), 405, "method_not_allowed")


def test_body_over_one_mebibyte_is_refused(client: TestClient) -> None:
    body = b'{"x": "' + b"a" * (1 << 20) + b'"}'
    response = client.post(f"{API}/auth/register", content=body,
                           headers={"content-type": "application/json"})
    assert_envelope(response, 413, "payload_too_large")


def test_streamed_body_over_the_limit_is_refused(client: TestClient) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(20):
            yield b"a" * 65536

    response = client.post(f"{API}/auth/register", content=chunks(),
                           headers={"content-type": "application/json"})
    assert_envelope(response, 413, "payload_too_large")


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"", b'{"first_name": 1.5}'])
def test_malformed_bodies_are_validation_errors(client: TestClient, body: bytes) -> None:
    response = client.post(f"{API}/auth/register", content=body,
                           headers={"content-type": "application/json"})
    assert_envelope(response, 422, "validation_error")


def test_extra_keys_and_coercions_are_refused(client: TestClient) -> None:
    good = {"first_name": "Meera", "last_name": "Iyer", "email": "meera@example.in",
            "phone_number": "+919845000001", "password": "a long passphrase"}
    body = assert_envelope(client.post(f"{API}/auth/register", json={**good, "is_admin": True}),
                           422, "validation_error")
    assert "is_admin" in str(body["error"]["info"])
    assert_envelope(client.post(f"{API}/auth/register", json={**good, "phone_number": 9845000001}),
                    422, "validation_error")


def test_register_then_duplicate(client: TestClient) -> None:
    good = {"first_name": "Meera", "last_name": "Iyer", "email": "meera@example.in",
            "phone_number": "+919845000001", "password": "a long passphrase",
            "date_of_birth": "1990-04-01", "preferred_language": "ta"}
    created = client.post(f"{API}/auth/register", json=good)
    assert created.status_code == 201, created.text
    assert created.json()["kyc_status"] == "pending" and "password" not in created.text
    assert_envelope(client.post(f"{API}/auth/register", json=good), 409, "customer_exists")


def test_wrong_password_is_invalid_credentials(client: TestClient) -> None:
    response = client.post(f"{API}/auth/login", json={
        "customer_number": "1234567890", "method": "password", "password": "whatever-it-is"})
    assert_envelope(response, 401, "invalid_credentials")


def test_ready_is_503_when_the_database_does_not_answer() -> None:
    unreachable = settings_for("postgresql://vaani@127.0.0.1:1/vaani?connect_timeout=2")
    with TestClient(create_app(bootstrap(unreachable))) as client:
        assert_envelope(client.get("/ready"), 503, "not_ready")
        assert client.get("/health").status_code == 200


def test_each_request_writes_one_json_access_line_without_secrets(
        client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="vaani.access"):
        client.post(f"{API}/auth/login", headers={"X-Request-Id": "req-log-1"}, json={
            "customer_number": "1234567890", "method": "password", "password": "hunter2hunter2"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "vaani.access"]
    assert lines == [{"request_id": "req-log-1", "method": "POST", "route": "/api/v1/auth/login",
                      "status": 401, "latency_ms": lines[0]["latency_ms"], "customer_id": None}]
    assert "hunter2" not in caplog.text


def test_an_access_line_stays_one_json_line_whatever_the_path_and_request_id(
        client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    hostile = '/api/v1/no"such\\route%0A{"status":200}\u2028é'
    with caplog.at_level(logging.INFO, logger="vaani.access"):
        client.get(hostile, headers={"X-Request-Id": 'x","status":200,"y":"'})
    [record] = [r for r in caplog.records if r.name == "vaani.access"]
    assert "\n" not in record.getMessage()
    line = json.loads(record.getMessage())
    assert line["status"] == 404 and line["customer_id"] is None
    assert line["route"].startswith('/api/v1/no"such') and "\n" in line["route"]
    assert line["request_id"] != 'x","status":200,"y":"'  # not a sane id: we minted one


def test_cors_answers_only_configured_origins() -> None:
    settings = settings_for("sqlite:///unused.db", "memory")
    allowed = attrs.evolve(settings, cors_origins=("https://app.vaani.example",))
    with TestClient(create_app(bootstrap(allowed))) as client:
        ok = client.options("/api/v1/accounts", headers={
            "Origin": "https://app.vaani.example", "Access-Control-Request-Method": "GET"})
        assert ok.headers["access-control-allow-origin"] == "https://app.vaani.example"
        other = client.options("/api/v1/accounts", headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
        assert "access-control-allow-origin" not in other.headers
    with TestClient(create_app(bootstrap(settings))) as client:  # none configured: none allowed
        for origin in ("https://app.vaani.example", "null"):
            refused = client.options("/api/v1/accounts", headers={
                "Origin": origin, "Access-Control-Request-Method": "GET"})
            assert "access-control-allow-origin" not in refused.headers
            assert refused.status_code >= 400 and "error" in refused.json()
            plain = client.get("/health", headers={"Origin": origin})
            assert "access-control-allow-origin" not in plain.headers


def test_cors_origins_must_be_real_origins() -> None:
    with pytest.raises(ConfigurationError):
        load_settings({"VAANI_JWT_SECRET": "x" * 40, "VAANI_CORS_ORIGINS": "*"})


def test_more_http_threads_than_the_pool_can_lend_are_refused_at_start() -> None:
    base = {"VAANI_JWT_SECRET": "x" * 40, "VAANI_DATABASE_URL": "sqlite:///unused.db"}
    with pytest.raises(ConfigurationError, match="VAANI_DB_POOL_SIZE"):
        load_settings({**base, "VAANI_DB_POOL_SIZE": "2", "VAANI_HTTP_THREADS": "4",
                       "VAANI_HTTP_HEAVY_THREADS": "1"})
    # SQLite keeps the event loop's reader out of the pool: it counts too.
    fits = load_settings({**base, "VAANI_DB_POOL_SIZE": "3", "VAANI_HTTP_THREADS": "3",
                          "VAANI_HTTP_HEAVY_THREADS": "2"})
    assert (fits.http_threads, fits.http_heavy_threads) == (3, 2)
    # A pool of 4 also keeps one reader and one writer between requests.
    with pytest.raises(ConfigurationError, match="kept between requests"):
        load_settings({**base, "VAANI_DB_POOL_SIZE": "4", "VAANI_HTTP_THREADS": "4",
                       "VAANI_HTTP_HEAVY_THREADS": "2"})
    assert load_settings({**base, "VAANI_DB_POOL_SIZE": "4", "VAANI_HTTP_THREADS": "3",
                          "VAANI_HTTP_HEAVY_THREADS": "2"}).http_threads == 3


@pytest.mark.parametrize("wait", ["0", "-1", "61", "nan", "inf", "five", "1e400"])
def test_the_database_wait_is_a_bounded_number_of_seconds(wait: str) -> None:
    with pytest.raises(ConfigurationError, match="VAANI_DB_WAIT_SECONDS"):
        load_settings({"VAANI_JWT_SECRET": "x" * 40, "VAANI_DB_WAIT_SECONDS": wait})
    assert load_settings({"VAANI_JWT_SECRET": "x" * 40}).db_wait_seconds == 5.0
    assert load_settings({"VAANI_JWT_SECRET": "x" * 40,
                          "VAANI_DB_WAIT_SECONDS": "0.5"}).db_wait_seconds == 0.5
