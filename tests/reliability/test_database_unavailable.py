"""A database that cannot take writes, on a live server with two workers: locked by someone
else past the wait (VAANI_DB_WAIT_SECONDS), or its file moved or deleted while serving.

Requests are answered 503 `database_unavailable` with Retry-After within the wait (not a 500
after SQLite's old 30-second busy timeout, nor a request hanging on PostgreSQL), `/ready` says
not ready, and no write is acknowledged that the database does not hold. Once the lock goes,
everything refused is accepted when sent again, once, and the books verify."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import psycopg
import pytest

from adapters.sql.sqlite.one_writer import WriterTurn
from application.ports import UnitOfWorkFactory
from tests.reliability.conftest import LiveBank, live_database, open_live_bank
from tests.support.banking import PASSWORD

pytestmark = pytest.mark.slow
WAIT = {"VAANI_DB_WAIT_SECONDS": "1"}
# Far above the 1-second wait, far below the 30 seconds SQLite's busy handler used to wait: an
# answer that has not come by then is the defect itself.
PATIENCE = 20


@pytest.fixture
def live(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveBank]:
    profile = getattr(request, "param", "sqlite")
    bank = open_live_bank(live_database(profile, tmp_path, request), customers=2, workers=2,
                          env=WAIT)
    bank.server.start()
    try:
        yield bank
    finally:
        bank.server.stop()
        bank.bank.resolve(UnitOfWorkFactory).close()


def _database(live: LiveBank) -> str:
    return str(live.bank.resolve(UnitOfWorkFactory).engine.url.database)  # type: ignore[attr-defined]


def _log_in(live: LiveBank) -> httpx.Response:
    return httpx.post(f"{live.server.base}/api/v1/auth/login", timeout=PATIENCE, json={
        "customer_number": live.people[0][0], "method": "password", "password": PASSWORD,
        "device": {"identifier": "phone"}})


def _pay(live: LiveBank, headers: dict[str, str], key: str) -> httpx.Response:
    return httpx.post(f"{live.server.base}/api/v1/accounts/{live.people[0][1]}/transfer",
                      json={"to_account_number": live.people[1][1],
                            "amount": {"amount": "10.00", "currency": "INR"}},
                      headers={**headers, "Idempotency-Key": key}, timeout=PATIENCE)


def _ready(live: LiveBank) -> int:
    return httpx.get(f"{live.server.base}/ready", timeout=PATIENCE).status_code


def _assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "database_unavailable"
    assert int(response.headers["retry-after"]) >= 1


class _SqliteWriter:
    """A writer outside Vaani (another program, a backup tool) holding the write lock."""

    def __init__(self, database: str) -> None:
        self._connection = sqlite3.connect(database, isolation_level=None)

    def acquire(self) -> None:
        self._connection.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        self._connection.execute("ROLLBACK")
        self._connection.close()


@pytest.mark.parametrize("holder", ["sqlite write lock", "writer turn"])
def test_a_locked_database_answers_503_within_the_wait_and_loses_nothing(
        live: LiveBank, holder: str) -> None:
    headers = live.log_in(live.people[0][0])
    database = _database(live)
    lock = _SqliteWriter(database) if holder == "sqlite write lock" else WriterTurn(database)
    keys = [f"locked-{n}" for n in range(10)]
    lock.acquire()
    try:
        for key in keys[:4]:  # on either worker, on the loop and on worker threads
            _assert_unavailable(_log_in(live))
            _assert_unavailable(_pay(live, headers, key))
        assert _ready(live) == 503
        with ThreadPoolExecutor(6) as clients:  # in line behind each other in a worker
            for response in clients.map(lambda key: _pay(live, headers, key), keys[4:]):
                _assert_unavailable(response)
    finally:
        lock.release()
    assert _ready(live) == 200
    for key in keys:  # sent again under the same keys: each posts once
        assert _pay(live, headers, key).status_code == 201
    assert _log_in(live).status_code == 200
    balances = live.bank.resolve(UnitOfWorkFactory)
    with balances() as uow:
        payer = uow.accounts.by_number(live.people[0][1])
        assert payer is not None and payer.balance.minor == 19900_00
    live.assert_books_verify()


@pytest.mark.parametrize("how", ["moved", "deleted"])
def test_a_database_file_gone_while_serving_takes_no_more_writes(
        live: LiveBank, how: str) -> None:
    headers = live.log_in(live.people[0][0])
    database = _database(live)
    acknowledged_after: list[str] = []
    gone = threading.Event()
    stop = threading.Event()

    def pay() -> None:  # a client paying all along
        n = 0
        while not stop.is_set():
            after = gone.is_set()
            response = _pay(live, headers, f"paying-{n}")
            if after and response.status_code < 300:
                acknowledged_after.append(f"paying-{n}: {response.status_code}")
            n += 1
    client = threading.Thread(target=pay)
    client.start()
    try:
        assert _pay(live, headers, "before").status_code == 201
        if how == "moved":
            os.rename(database, f"{database}.moved")
        else:
            os.unlink(database)
        gone.set()
        for n in range(6):
            _assert_unavailable(_pay(live, headers, f"after-{n}"))
        _assert_unavailable(_log_in(live))
        assert _ready(live) == 503
    finally:
        stop.set()
        client.join(60)
    assert acknowledged_after == []
    assert not Path(database).exists()  # no empty bank made in its place


@pytest.mark.postgresql
@pytest.mark.parametrize("live", ["postgresql"], indirect=True)
def test_a_row_locked_elsewhere_answers_503_within_the_wait_on_postgresql(
        live: LiveBank) -> None:
    headers = live.log_in(live.people[0][0])
    url = str(live.bank.resolve(UnitOfWorkFactory).engine.url  # type: ignore[attr-defined]
              .set(drivername="postgresql").render_as_string(hide_password=False))
    with psycopg.connect(url) as holder:
        holder.execute("SELECT 1 FROM accounts WHERE account_number = %s FOR UPDATE",
                       (live.people[0][1],))
        for n in range(4):
            _assert_unavailable(_pay(live, headers, f"locked-{n}"))
        assert _ready(live) == 200  # the database itself answers
        holder.rollback()
    for n in range(4):
        assert _pay(live, headers, f"locked-{n}").status_code == 201
    live.assert_books_verify()
