"""The figures `/metrics` reads from the database as it is scraped: the webhook outbox (what
is owed, since when, and what is not fanned out yet), to a real receiver that fails and then
recovers; on the memory profile there is no database to read, and no such series."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import punq
import pytest
from starlette.testclient import TestClient

from application.use_cases import DispatchEvents, ManageWebhooks
from entrypoints.bootstrap import bootstrap
from entrypoints.http.app import create_app
from tests.conftest import settings_for
from tests.integration.test_webhooks import Payer, _operator
from tests.support.clock import SteppingClock
from tests.support.scraping import present, value
from tests.support.webhook_receiver import Receiver


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def profile(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def bank_env() -> dict[str, str]:
    return {"VAANI_METRICS": "open", "VAANI_WEBHOOK_ALLOW_HTTP": "1",
            "VAANI_WEBHOOK_PRIVATE_NETWORKS": "1",
            "VAANI_WEBHOOK_TIMEOUT_SECONDS": "1", "VAANI_WEBHOOK_LEASE_SECONDS": "5"}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.close()


def test_the_outbox_is_read_as_it_is_scraped(client: TestClient, bank: punq.Container,
                                             receiver: Receiver, clock: SteppingClock) -> None:
    asha = Payer(bank)
    bank.resolve(ManageWebhooks).add(receiver.url, "ledger sync", None, _operator(bank))
    receiver.status = 503
    asha.pays("1.00", "2.00")
    waiting = client.get("/metrics").text
    assert value(waiting, "vaani_outbox_behind_records", consumer="webhooks") >= 2
    assert value(waiting, "vaani_webhook_deliveries", status="pending") == 0
    assert value(waiting, "vaani_webhook_oldest_pending_seconds") == 0

    run = bank.resolve(DispatchEvents).execute()
    assert run.owed >= 2 and run.delivered == 0
    clock.advance(timedelta(seconds=90))
    failing = client.get("/metrics").text
    assert value(failing, "vaani_outbox_behind_records", consumer="webhooks") == 0
    assert value(failing, "vaani_webhook_deliveries", status="pending") == run.owed
    assert value(failing, "vaani_webhook_oldest_pending_seconds") == 90  # the bank's clock's
    assert value(failing, "vaani_database_figures_read") == 1

    receiver.status = 204
    clock.advance(timedelta(hours=1))  # past any backoff
    while bank.resolve(DispatchEvents).execute().delivered:
        clock.advance(timedelta(hours=1))
    caught_up = client.get("/metrics").text
    assert value(caught_up, "vaani_webhook_deliveries", status="pending") == 0
    assert value(caught_up, "vaani_webhook_oldest_pending_seconds") == 0


def test_the_memory_profile_has_no_database_figures(clock: SteppingClock) -> None:
    settings = settings_for("sqlite:///unused.db", "memory", {"VAANI_METRICS": "open"})
    with TestClient(create_app(bootstrap(settings, clock=clock))) as client:
        assert client.get("/health").status_code == 200
        text = client.get("/metrics").text
    assert value(text, "vaani_http_requests_total", route="/health") >= 1
    assert not present(text, "vaani_money_held")
    assert not present(text, "vaani_database_figures_read")
