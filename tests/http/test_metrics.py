"""`/metrics` in one process (the live, several-worker server: test_metrics_live.py): off
unless configured, a bearer token when it says so, left out of the API's document, and the
voice decisions, failed logins and lockouts counted from the audit records of real requests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import punq
import pytest
from starlette.testclient import TestClient

from application.ports import UnitOfWorkFactory
from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.http.app import create_app
from entrypoints.setting_values import ConfigurationError
from tests.conftest import PROFILES, TEST_ENV, database_url_for, settings_for
from tests.http.conftest import API
from tests.http.test_devices_and_voice_api import (
    ASHA_HZ,
    OTHER_HZ,
    enrol,
    password_login,
    voice_login,
)
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import customer
from tests.support.clock import SteppingClock
from tests.support.scraping import present, value
from tests.support.voice import ToneVoiceEngine, tone

TOKEN = "metrics-token-" + "m" * 32


@pytest.fixture
def bank_env() -> dict[str, str]:
    return {"VAANI_METRICS": "token", "VAANI_METRICS_TOKEN": TOKEN, "VAANI_LOCKOUT_FAILURES": "2"}


def scrape(client: TestClient) -> str:
    answer = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=")
    return answer.text


def test_unconfigured_there_is_no_metrics_endpoint(tmp_path: Path) -> None:
    from entrypoints.settings import load_settings

    settings = load_settings({**TEST_ENV, "VAANI_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
                              "VAANI_PROFILE": "memory"})
    assert not settings.metrics.served
    with TestClient(create_app(bootstrap(settings))) as client:
        assert_envelope(client.get("/metrics"), 404, "not_found")
        assert_envelope(client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}),
                        404, "not_found")


def test_a_token_guards_the_endpoint_and_the_api_document_leaves_it_out(
        client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN},
                    {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": f"Basic {TOKEN}"}):
        refused = client.get("/metrics", headers=headers)
        assert_envelope(refused, 401, "unauthorized")
        assert refused.headers["www-authenticate"] == "Bearer" and "vaani_" not in refused.text
    text = scrape(client)
    assert present(text, "vaani_http_requests_total")
    assert client.get("/metrics", headers={"Authorization": f"bearer {TOKEN}"}).status_code == 200
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]


def test_failed_logins_and_the_lockout_are_counted(client: TestClient,
                                                   bank: punq.Container) -> None:
    person = customer(bank)
    before = scrape(client)
    for _ in range(3):  # two failures lock the customer number; the third is refused as locked
        client.post(f"{API}/auth/login", json={
            "customer_number": person.customer_number, "method": "password",
            "password": "not-the-password", "device": {"identifier": "phone"}})
    after = scrape(client)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("vaani_login_failures_total", method="password", outcome="failure") == 2
    assert moved("vaani_login_failures_total", method="password", outcome="denied") == 1
    assert moved("vaani_lockouts_total", what="login") == 1
    assert moved("vaani_audit_events_total", action="auth.lockout", outcome="denied") == 1
    assert moved("vaani_http_requests_total", route="/api/v1/auth/login", method="POST",
                 status="401") == 2
    assert moved("vaani_http_requests_total", route="/api/v1/auth/login", method="POST",
                 status="423") == 1
    assert moved("vaani_http_request_duration_seconds_count", route="/api/v1/auth/login",
                 method="POST") == 3


@pytest.fixture(params=PROFILES)
def voice_bank(request: pytest.FixtureRequest, tmp_path: Path,
               clock: SteppingClock) -> Iterator[tuple[TestClient, punq.Container]]:
    url = database_url_for(str(request.param), tmp_path, request)
    bank = bootstrap(settings_for(url, str(request.param), {"VAANI_METRICS": "open"}),
                     clock=clock, voice_engine=ToneVoiceEngine())
    prepare_database(bank)
    with TestClient(create_app(bank)) as client:
        yield client, bank
    bank.resolve(UnitOfWorkFactory).close()


def test_voice_decisions_are_counted_by_reason(
        voice_bank: tuple[TestClient, punq.Container]) -> None:
    client, bank = voice_bank
    asha = customer(bank)
    enrol(client, password_login(client, asha.customer_number))
    before = client.get("/metrics").text
    assert voice_login(client, asha.customer_number, tone(ASHA_HZ, seed=10)).status_code == 200
    assert voice_login(client, asha.customer_number, tone(ASHA_HZ, seed=10)).status_code == 401
    assert voice_login(client, asha.customer_number, tone(OTHER_HZ, seed=11)).status_code == 401
    after = client.get("/metrics").text
    for reason in ("match", "replayed_recording", "no_match"):
        assert value(after, "vaani_voice_decisions_total", purpose="login", reason=reason) - \
            value(before, "vaani_voice_decisions_total", purpose="login", reason=reason) == 1
    assert value(after, "vaani_login_failures_total", method="voice") == \
        value(before, "vaani_login_failures_total", method="voice")  # scored: not a login's


@pytest.mark.parametrize(("env", "says"), [
    ({"VAANI_METRICS": "public"}, "VAANI_METRICS must be one of off, token, open"),
    ({"VAANI_METRICS": "token"}, "VAANI_METRICS_TOKEN, 32 bytes at least"),
    ({"VAANI_METRICS": "token", "VAANI_METRICS_TOKEN": "short"}, "32 bytes at least"),
    ({"VAANI_METRICS_TOKEN": TOKEN}, "VAANI_METRICS is not `token`"),
])
def test_a_metrics_setting_that_makes_no_sense_stops_start_up(env: dict[str, str],
                                                              says: str) -> None:
    with pytest.raises(ConfigurationError, match=says):
        settings_for("sqlite:///unused.db", "sqlite", env)
