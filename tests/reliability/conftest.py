"""A live `vaani serve` on a real database (a SQLite file or PostgreSQL, two workers), with
customers who can log in over HTTP, and the checks every reliability test ends with."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2 as httpx
import punq
import pytest

from application.context import DeviceInfo
from application.ports import UnitOfWorkFactory
from application.use_cases import LogInWithPassword
from domain.customer import Role
from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.settings import load_settings
from tests.conftest import TEST_ENV, create_database
from tests.support.banking import PASSWORD, account, customer
from tests.support.clock import SteppingClock
from tests.support.device_keys import DeviceKeyPair
from tests.support.live_server import LiveServer

PIN = "482613"
OPENING = "20000.00"
LIVE_ENV = {**TEST_ENV, "VAANI_AUTH_RATE_PER_IP": "100000",
            "VAANI_LOGIN_RATE_PER_CUSTOMER": "100000"}


class LiveBank:
    """The server, an in-process view of the same database, and logged-in customers."""

    def __init__(self, server: LiveServer, bank: punq.Container, customers: int) -> None:
        self.server, self.bank = server, bank
        self.accounts: list[str] = []
        self.people: list[tuple[str, str]] = []  # customer number, account number
        self.keys: dict[str, DeviceKeyPair] = {}  # customer number -> her phone's key
        for _ in range(customers):
            person = customer(bank)
            number = account(bank, person, OPENING).account_number
            self.people.append((person.customer_number, number))
            self.accounts.append(number)
            self.keys[person.customer_number] = DeviceKeyPair()
        self.operator_number = customer(bank, Role.OPERATOR).customer_number

    def log_in(self, customer_number: str) -> dict[str, str]:
        """A password login from the customer's phone, which signs a fresh nonce with its key
        (a login naming it without the proof would make it suspicious to the fraud screen)."""
        device: dict[str, object] = {"identifier": phone_of(customer_number)}
        key = self.keys.get(customer_number)
        if key is not None:
            with httpx.Client(base_url=self.server.base, timeout=30) as client:
                device["proof"] = key.http_proof(client, customer_number,
                                                 phone_of(customer_number))
        response = httpx.post(f"{self.server.base}/api/v1/auth/login", timeout=30, json={
            "customer_number": customer_number, "method": "password", "password": PASSWORD,
            "device": device})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def set_pins(self) -> None:
        for number, _ in self.people:
            response = httpx.post(f"{self.server.base}/api/v1/upi/pin", json={"pin": PIN},
                                  headers=self.log_in(number), timeout=30)
            assert response.status_code == 200, response.text

    def customer_money(self) -> int:
        with self.bank.resolve(UnitOfWorkFactory)() as uow:
            return sum(a.balance.minor for a in uow.accounts.all() if a.customer_id is not None)

    def statuses(self) -> dict[str, int]:
        """Transfer status -> how many transfers have it."""
        with self.bank.resolve(UnitOfWorkFactory)() as uow:
            counts: dict[str, int] = {}
            for _, status in uow.transfers.statuses():
                counts[status.value] = counts.get(status.value, 0) + 1
            return counts

    def keys_in_database(self) -> dict[str, int]:
        """Idempotency key -> how many transfers carry it."""
        with self.bank.resolve(UnitOfWorkFactory)() as uow:
            counts: dict[str, int] = {}
            for transfer_id, _ in uow.transfers.statuses():
                found = uow.transfers.get(transfer_id)
                if found is not None and found.idempotency_key:
                    counts[found.idempotency_key] = counts.get(found.idempotency_key, 0) + 1
            return counts

    def assert_books_verify(self) -> None:
        """What an operator runs after an incident: both verify commands, as processes."""
        for command in (("ledger", "verify"), ("audit", "verify")):
            result = self.server.cli(*command)
            assert result.returncode == 0, (command, result.stdout, result.stderr)


def phone_of(customer_number: str) -> str:
    return f"phone-of-{customer_number}"


def _phones_bound_before(env: dict[str, str], keys: dict[str, DeviceKeyPair]) -> None:
    """Each customer's phone, with its key, bound by a password login two days before the real
    clock reads now: a phone first bound by the test's own login would weigh as a new device
    for its first day (`device_new`, docs/fraud.md), and these payments are about the
    database."""
    earlier = bootstrap(load_settings(env),
                        clock=SteppingClock(datetime.now(UTC) - timedelta(days=2)))
    for number, key in keys.items():
        earlier.resolve(LogInWithPassword).execute(
            number, PASSWORD, device=DeviceInfo(phone_of(number), key=key.key))
    earlier.resolve(UnitOfWorkFactory).close()


def live_database(profile: str, tmp_path: Path, request: pytest.FixtureRequest,
                  server_url: str | None = None) -> str:
    if profile == "sqlite":
        return f"sqlite:///{tmp_path / 'live.db'}"
    server = server_url or request.getfixturevalue("postgres_server")
    name = f"live_{request.node.name.split('[')[0][-20:]}_{abs(hash(request.node.nodeid)) % 10**6}"
    return create_database(server, name.lower())


def open_live_bank(url: str, customers: int, workers: int,
                   env: dict[str, str] | None = None) -> LiveBank:
    env = {**LIVE_ENV, **(env or {}), "VAANI_DATABASE_URL": url}
    bank = bootstrap(load_settings(env))
    prepare_database(bank)
    server = LiveServer(env, workers=workers)
    live = LiveBank(server, bank, customers)
    _phones_bound_before(env, live.keys)
    return live


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def live_bank(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveBank]:
    profile = str(request.param)
    # Two workers on either database: on SQLite, two processes taking turns at one file.
    live = open_live_bank(live_database(profile, tmp_path, request), customers=6, workers=2)
    live.server.start()
    try:
        yield live
    finally:
        live.server.stop()
        live.bank.resolve(UnitOfWorkFactory).close()
