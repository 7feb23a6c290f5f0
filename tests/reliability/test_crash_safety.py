"""Crash safety: clients keep paying while the server is killed with SIGKILL (and, on
PostgreSQL, while the database itself crashes and restarts). A client that got no answer retries
with the same Idempotency-Key, as our API tells it to.

Afterwards every transfer a client saw acknowledged is in the database exactly once, under its
key, with the id the client was given; nothing is half-applied (ledger verify: two legs per
posted transfer, balances equal their entries); the audit chain verifies; no customer money was
created or lost. VAANI_SOAK_SCALE (make soak) makes the load longer and the crashes more."""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx2 as httpx
import pytest

from application.ports import UnitOfWorkFactory
from domain.transfer import TransferKind
from tests.reliability.conftest import LiveBank, live_database, open_live_bank
from tests.support.postgres import crash_and_restart, throwaway_cluster

pytestmark = pytest.mark.slow
SCALE = int(os.environ.get("VAANI_SOAK_SCALE", "1"))
CLIENTS = 4


class Clients:
    """CLIENTS threads paying until told to stop; each request is retried under its key until
    the server gives a final answer."""

    def __init__(self, live: LiveBank) -> None:
        self.live = live
        self.stop = threading.Event()
        self.acknowledged: dict[str, str] = {}  # key -> transfer id the client was given
        self.answered = 0  # final answers of any kind (a refusal by the fraud rules is one)
        self.unexpected: list[str] = []
        self.retries = 0
        self.unavailable = 0  # 503 answers while the database was down
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._pay, args=(n,)) for n in range(CLIENTS)]

    def __enter__(self) -> Clients:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(300)

    def _pay(self, n: int) -> None:
        rng = random.Random(n)
        number, source = self.live.people[n]
        headers = self.live.log_in(number)  # sessions live in the database: they survive
        others = [a for a in self.live.accounts if a != source]
        i = 0
        while not self.stop.is_set():
            key = f"crash-{n}-{i}"
            body = {"to_account_number": rng.choice(others),
                    "amount": {"amount": f"{rng.randint(1, 40)}.00", "currency": "INR"}}
            self._until_answered(key, source, body, headers)
            i += 1

    def _until_answered(self, key: str, source: str, body: dict[str, object],
                        headers: dict[str, str]) -> None:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                response = httpx.post(
                    f"{self.live.server.base}/api/v1/accounts/{source}/transfer", json=body,
                    headers={**headers, "Idempotency-Key": key}, timeout=30)
            except httpx.TransportError:  # the server is down or died mid-request
                self._retrying()
                continue
            if response.status_code == 503:  # the database is restarting
                assert response.json()["error"]["code"] == "database_unavailable"
                with self.lock:
                    self.unavailable += 1
                self._retrying()
                continue
            with self.lock:
                self.answered += 1
                if response.status_code in (200, 201, 202):
                    self.acknowledged[key] = response.json()["transfer_id"]
                elif response.status_code >= 500:
                    self.unexpected.append(f"{key}: {response.status_code} {response.text[:300]}")
            return
        with self.lock:
            self.unexpected.append(f"{key}: never answered")

    def _retrying(self) -> None:
        with self.lock:
            self.retries += 1
        time.sleep(0.05)

    def wait_for(self, more: int) -> None:
        """Until `more` further requests got their final answer: the load is really running."""
        target = self.answered + more
        deadline = time.monotonic() + 120
        while self.answered < target and time.monotonic() < deadline:
            time.sleep(0.05)
        assert self.answered >= target, "the load stalled"


def _assert_survived(live: LiveBank, clients: Clients, money_before: int) -> None:
    assert clients.unexpected == []
    assert len(clients.acknowledged) > clients.answered // 2, "mostly refusals: not a load"
    assert clients.retries > 0, "no request was ever cut off: the crash missed the load"
    with live.bank.resolve(UnitOfWorkFactory)() as uow:
        stored = {}
        for transfer_id, _ in uow.transfers.statuses():
            transfer = uow.transfers.get(transfer_id)
            assert transfer is not None
            if transfer.kind is TransferKind.DEPOSIT:  # the opening deposits
                continue
            assert transfer.idempotency_key is not None, "a transfer nobody asked for"
            assert transfer.idempotency_key not in stored, "a key moved money twice"
            stored[transfer.idempotency_key] = str(transfer.id)
    for key, transfer_id in clients.acknowledged.items():
        assert stored.get(key) == transfer_id, f"acknowledged {key} is missing or different"
    assert live.customer_money() == money_before
    live.assert_books_verify()


def _crash_test(live: LiveBank, crashes: list[Callable[[], None]]) -> Clients:
    live.server.start()
    money_before = live.customer_money()
    try:
        with Clients(live) as clients:
            for crash in crashes:
                clients.wait_for(20 * SCALE)
                crash()
            clients.wait_for(20)  # and the bank works again after the last one
    finally:
        live.server.stop()
    _assert_survived(live, clients, money_before)
    live.bank.resolve(UnitOfWorkFactory).close()
    return clients


def _kill_and_restart(live: LiveBank) -> Callable[[], None]:
    def crash() -> None:
        live.server.kill()
        live.server.start()
    return crash


def test_killing_the_server_mid_load_loses_and_duplicates_nothing_sqlite(
        tmp_path: Path, request: pytest.FixtureRequest) -> None:
    # Two workers: a kill can land while either process holds the writer turn.
    live = open_live_bank(live_database("sqlite", tmp_path, request), customers=CLIENTS,
                          workers=2)
    _crash_test(live, [_kill_and_restart(live)] * (2 * SCALE))


@pytest.mark.postgresql
def test_killing_the_server_and_crashing_postgresql_mid_load_postgresql(
        tmp_path: Path, request: pytest.FixtureRequest) -> None:
    # Default durability (fsync, synchronous_commit): what a bank runs, and what makes an
    # acknowledged commit survive the database process dying.
    with throwaway_cluster(durable=True) as server_url:
        live = open_live_bank(live_database("postgresql", tmp_path, request, server_url),
                              customers=CLIENTS, workers=2)

        def database_crash() -> None:
            crash_and_restart(server_url, down_for=1.0)
        clients = _crash_test(live, [_kill_and_restart(live), database_crash] * SCALE)
        # The server stayed up through the database's crash and said so, with a 503.
        assert clients.unavailable > 0
