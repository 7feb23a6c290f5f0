"""A customer's daily limit against payments sent at once over HTTP, to a live server with two
workers (on SQLite two processes at one file; on PostgreSQL two processes, many connections):
from two accounts whose locks never meet, on three channels, the limit still holds exactly
(issue #30, item 1)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import punq
import pytest

from application.ports import UnitOfWorkFactory
from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.settings import load_settings
from tests.reliability.conftest import LIVE_ENV, live_database
from tests.support.banking import PASSWORD, account, customer
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.slow
SHIPPED = Path(__file__).resolve().parents[2] / "adapters" / "fraud" / "rules.toml"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def tight(request: pytest.FixtureRequest,
          tmp_path: Path) -> Iterator[tuple[LiveServer, punq.Container]]:
    """A live bank whose customers may pay out 50,000.00 a day in all."""
    rules = tmp_path / "rules.toml"
    rules.write_text(SHIPPED.read_text().replace(
        'customer = "500000.00"', 'customer = "50000.00"'))
    env = {**LIVE_ENV, "VAANI_FRAUD_RULES": str(rules),
           "VAANI_DATABASE_URL": live_database(str(request.param), tmp_path, request)}
    bank = bootstrap(load_settings(env))
    prepare_database(bank)
    server = LiveServer(env, workers=2)
    server.start()
    try:
        yield server, bank
    finally:
        server.stop()
        bank.resolve(UnitOfWorkFactory).close()


def test_payments_sent_at_once_do_not_beat_the_customers_daily_limit(tight) -> None:  # type: ignore[no-untyped-def]
    server, bank = tight
    asha = customer(bank)
    sources = [account(bank, asha, "100000.00").account_number for _ in range(2)]
    sinks = [account(bank, asha).account_number for _ in range(2)]
    login = httpx.post(f"{server.base}/api/v1/auth/login", timeout=30, json={
        "customer_number": asha.customer_number, "method": "password", "password": PASSWORD})
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    channels = ["ONLINE", "MOBILE", "UPI"]

    def one(i: int) -> int:
        return httpx.post(
            f"{server.base}/api/v1/accounts/{sources[i % 2]}/transfer", headers=headers,
            timeout=60, json={"to_account_number": sinks[i % 2], "channel": channels[i % 3],
                              "amount": {"amount": "10000.00", "currency": "INR"}}).status_code
    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(one, range(16)))
    assert sorted(statuses) == [201] * 5 + [403] * 11, server.log_tail()
    with bank.resolve(UnitOfWorkFactory)() as uow:
        paid = [uow.accounts.by_number(sink) for sink in sinks]
    assert sum(a.balance.minor for a in paid if a is not None) == 50_000_00
    for command in (("ledger", "verify"), ("audit", "verify")):
        result = server.cli(*command)
        assert result.returncode == 0, (command, result.stdout, result.stderr)
