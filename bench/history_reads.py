"""The reads of the history-size benchmark, on the reference account of bench/history_plan.py:
its first page of transactions and a page deep in its history, and its statements for today and
for 365 days, each through the use case in-process and over HTTP from `vaani serve` on loopback.

The account holds the same entries in each read's range at every size (the plan's shape), so a
read that costs more on a larger bank pays for history before its range. Each figure is the
median of several timed calls (`timed`), after one untimed call that warms the caches it needs."""

from __future__ import annotations

import http.client
import json
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import punq
import sqlalchemy as sa

from adapters.sql.tables import accounts, ledger_entries
from application.ports import UnitOfWorkFactory
from application.use_cases import ListTransactions, LogInWithPassword
from application.use_cases.generate_statement import GenerateStatement
from bench.history_load import Person
from bench.http_load import BIN, server
from entrypoints.http.views import encode_cursor
from tests.support.banking import PASSWORD
from tests.support.live_server import free_port

REPEAT = 3
BUDGET = 1.0  # seconds of quick calls per read and round
CAP = 200
PAGE = 20
STATEMENTS = {"statement today": 0, "statement 365 days": 364}  # days before today
READS = ("first page", "deep page", *STATEMENTS)


def timed(call: Callable[[], object]) -> float:
    """Milliseconds: the median of REPEAT calls after a warming one, or of as many as fit in
    BUDGET seconds when they are quick (up to CAP): a page read takes a millisecond, and on a
    shared machine three of those are three samples of its neighbours' noise."""
    call()
    times: list[float] = []
    while len(times) < REPEAT or (sum(times) < BUDGET and len(times) < CAP):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def deep_cursor(bank: punq.Container, number: str, depth: int) -> int:
    """The sequence to page back from to read the account's entries `depth` back from its
    newest: where a customer scrolling that far sends the page cursor."""
    engine = bank.resolve(UnitOfWorkFactory).engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        account_id = conn.execute(sa.select(accounts.c.id).where(
            accounts.c.account_number == number)).scalar_one()
        return int(conn.execute(
            sa.select(ledger_entries.c.sequence).where(ledger_entries.c.account_id == account_id)
            .order_by(ledger_entries.c.sequence.desc()).offset(depth).limit(1)).scalar_one())


def in_process(bank: punq.Container, owner: Person, cursor: int) -> dict[str, float]:
    """Milliseconds of each read through its use case."""
    who, number = UUID(owner.customer_id), owner.accounts[0]
    pages, statement = bank.resolve(ListTransactions), bank.resolve(GenerateStatement)
    today = datetime.now(UTC).date()
    found = {"first page": timed(lambda: pages.execute(who, number, limit=PAGE)),
             "deep page": timed(lambda: pages.execute(who, number, limit=PAGE, before=cursor))}
    for name, days in STATEMENTS.items():
        found[name] = timed(lambda d=days: statement.execute(  # type: ignore[misc]
            who, number, today - timedelta(days=d), today))
    return found


class Client:
    """One keep-alive connection to a server, as the reference account's owner."""

    def __init__(self, port: int, bank: punq.Container, owner: Person) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.bank, self.owner = bank, owner
        self.headers: dict[str, str] = {}
        self.prefix = f"/api/v1/accounts/{owner.accounts[0]}"

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> bytes:
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.connection.request(method, self.prefix + path, data, headers)
        response = self.connection.getresponse()
        content = response.read()  # the whole body: a statement streams until its last entry
        if response.status != 200:
            raise SystemExit(f"{method} {path} answered {response.status}: {content[:300]!r}")
        return content

    def reads(self, cursor: int) -> dict[str, float]:
        """Milliseconds of each read over HTTP, until its body's last byte."""
        self.connection.close()  # the server closes a connection idle for seconds: a new one
        self.headers = {"Authorization": f"Bearer {token_for(self.bank, self.owner)}"}  # fresh
        today = datetime.now(UTC).date()
        found = {"first page": timed(lambda: self.call("GET", f"/transactions?limit={PAGE}")),
                 "deep page": timed(lambda: self.call(
                     "GET", f"/transactions?limit={PAGE}&cursor={encode_cursor(cursor)}"))}
        for name, days in STATEMENTS.items():
            body = {"from": _day(today - timedelta(days=days)), "to": _day(today),
                    "format": "json"}
            found[name] = timed(lambda b=body: self.call(  # type: ignore[misc]
                "POST", "/statement/download", b))
        return found


def _day(day: date) -> str:
    return day.isoformat()


def token_for(bank: punq.Container, owner: Person) -> str:
    session = bank.resolve(LogInWithPassword).execute(owner.customer_number, PASSWORD)
    return str(session[0].access_token)


@contextmanager
def serving(env: dict[str, str], bank: punq.Container, owner: Person) -> Iterator[Client]:
    """`vaani serve` (one worker) on a free loopback port, and a client logged in to it."""
    port = free_port()
    command = [str(BIN / "vaani"), "serve", "--port", str(port), "--workers", "1"]
    with server(command, env, port):
        client = Client(port, bank, owner)
        try:
            yield client
        finally:
            client.connection.close()
