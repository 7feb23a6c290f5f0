"""On SQLite a transfer is written by the event loop itself; while another writer has the
database, the loop serves other requests and the transfer waits for its turn, then posts once.
Transfers in flight together share one commit, and none is answered before it."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

import punq
import pytest
from starlette.testclient import TestClient

from adapters.sql.sqlite.in_place import InPlace
from adapters.sql.sqlite.one_writer import WriterTurn
from application.ports import UnitOfWorkFactory
from application.use_cases import VerifyAuditTrail, VerifyLedger
from entrypoints.http.app import create_app
from entrypoints.http.dispatch import group_commit
from tests.http.conftest import API

pytestmark = pytest.mark.parametrize("profile", ["sqlite"], indirect=True)


def test_a_transfer_waits_for_another_writer_and_posts_once(
        bank: punq.Container, client: TestClient, asha: tuple[dict[str, str], str, str]) -> None:
    headers, savings, current = asha
    database = str(bank.resolve(UnitOfWorkFactory).engine.url.database)  # type: ignore[attr-defined]
    other = WriterTurn(database)  # another worker's (or an operator's command's) turn
    other.acquire()
    answers = []

    def pay() -> None:
        answers.append(client.post(
            f"{API}/accounts/{savings}/transfer",
            json={"to_account_number": current, "amount": {"amount": "25.00", "currency": "INR"}},
            headers={**headers, "Idempotency-Key": "while-another-writes"}))
    paying = threading.Thread(target=pay)
    paying.start()
    paying.join(0.5)
    assert paying.is_alive()  # waiting for its turn...
    balance = client.get(f"{API}/accounts/{savings}/balance", headers=headers)
    assert balance.status_code == 200  # ...while the loop answers others
    assert balance.json()["balance"]["amount"] == "1000.00"
    other.release()
    paying.join(10)
    assert answers[0].status_code == 201, answers[0].text
    again = client.post(
        f"{API}/accounts/{savings}/transfer",
        json={"to_account_number": current, "amount": {"amount": "25.00", "currency": "INR"}},
        headers={**headers, "Idempotency-Key": "while-another-writes"})
    assert again.headers.get("Idempotent-Replayed") == "true"
    after = client.get(f"{API}/accounts/{savings}/balance", headers=headers).json()
    assert after["balance"]["amount"] == "975.00"
    other.close()


async def _pay(app: Any, headers: dict[str, str], source: str, target: str,
               key: str) -> tuple[int, dict[str, str], dict[str, Any]]:
    """One transfer of 1.00 under `key`, an ASGI call (no socket): status, headers and body."""
    body = json.dumps({"to_account_number": target,
                       "amount": {"amount": "1.00", "currency": "INR"}}).encode()
    sent: list[dict[str, Any]] = []
    fields = {**headers, "Idempotency-Key": key, "Content-Type": "application/json",
              "Content-Length": str(len(body))}
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": f"{API}/accounts/{source}/transfer",
             "raw_path": b"", "query_string": b"", "root_path": "",
             "headers": [(k.lower().encode(), v.encode()) for k, v in fields.items()],
             "client": ("127.0.0.1", 1), "server": ("bank", 80)}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
    await app(scope, receive, send)
    answer = {k.decode(): v.decode() for k, v in sent[0]["headers"]}
    return sent[0]["status"], answer, json.loads(b"".join(m.get("body", b"") for m in sent[1:]))


def _pay_together(bank: punq.Container, headers: dict[str, str], source: str, target: str,
                  keys: list[str]) -> list[tuple[int, dict[str, str], dict[str, Any]]]:
    """One transfer of 1.00 per key, all sent at once to one event loop."""
    app = create_app(bank)

    async def pay_all() -> list[tuple[int, dict[str, str], dict[str, Any]]]:
        return list(await asyncio.gather(*(_pay(app, headers, source, target, key)
                                           for key in keys)))
    return asyncio.run(pay_all())


def _counting_commits(monkeypatch: pytest.MonkeyPatch, before: Any = None) -> list[int]:
    """The units of work each commit of writes in place held (`before` runs first)."""
    counted: list[int] = []
    commit = InPlace.commit

    def counting(in_place: InPlace) -> int:
        if before is not None and in_place._open is not None:
            before(in_place._open)
        counted.append(commit(in_place))
        return counted[-1]
    monkeypatch.setattr(InPlace, "commit", counting)
    return counted


def test_transfers_in_flight_together_share_a_commit_and_each_posts_once(
        bank: punq.Container, client: TestClient, asha: tuple[dict[str, str], str, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    headers, savings, current = asha
    # Open until the last write in flight leaves, however slowly this machine runs them.
    monkeypatch.setattr(group_commit, "MAX_OPEN_S", 5.0)
    committed = _counting_commits(monkeypatch)
    # The loop's connection opened first, on a thread: a request arriving while that one still
    # writes is sent to a thread too, and on a busy machine all twelve could arrive then.
    _pay_together(bank, headers, savings, current, ["opens-the-loop-connection"])
    keys = [f"together-{n}" for n in range(12)]
    answers = _pay_together(bank, headers, savings, current, keys)
    assert [status for status, _, _ in answers] == [201] * 12, answers
    assert max(committed) > 1  # several transfers, one commit
    again = _pay_together(bank, headers, savings, current, keys[:3])
    assert [found.get("idempotent-replayed") for _, found, _ in again] == ["true"] * 3
    after = client.get(f"{API}/accounts/{savings}/balance", headers=headers).json()
    assert after["balance"]["amount"] == "987.00"
    assert bank.resolve(VerifyLedger).execute().ok
    assert bank.resolve(VerifyAuditTrail).execute().ok


def test_a_shared_commit_that_fails_answers_each_of_its_transfers_503_and_moves_nothing(
        bank: punq.Container, client: TestClient, asha: tuple[dict[str, str], str, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The database lost the transaction (as SQLite does after an I/O error) just before the
    commit: no transfer that shared it is told it posted, and their retries post once."""
    headers, savings, current = asha
    # All six in one shared commit: on a busy test machine they could outlast the 10 ms a
    # transaction stays open, and the next ones, finding the loop's connection closed by the
    # failed commit, post on a thread (201, rightly). (Writes in place never pause in tests:
    # conftest.py.)
    monkeypatch.setattr(group_commit, "MAX_OPEN_S", 5.0)
    for warm_up in ("warm-1", "warm-2"):  # the first opens the loop's connections, on a thread
        _pay_together(bank, headers, savings, current, [warm_up])
    committed = _counting_commits(monkeypatch,
                                  before=lambda open_: open_.driver.execute("ROLLBACK"))
    keys = [f"lost-{n}" for n in range(6)]
    answers = _pay_together(bank, headers, savings, current, keys)
    assert {status for status, _, _ in answers} == {503}
    assert {body["error"]["code"] for _, _, body in answers} == {"database_unavailable"}
    assert committed == []  # every commit failed
    balance = client.get(f"{API}/accounts/{savings}/balance", headers=headers).json()
    assert balance["balance"]["amount"] == "998.00"
    monkeypatch.undo()
    retried = _pay_together(bank, headers, savings, current, keys)
    assert [status for status, _, _ in retried] == [201] * 6
    assert [found.get("idempotent-replayed") for _, found, _ in retried] == [None] * 6
    after = client.get(f"{API}/accounts/{savings}/balance", headers=headers).json()
    assert after["balance"]["amount"] == "992.00"
    assert bank.resolve(VerifyLedger).execute().ok
    assert bank.resolve(VerifyAuditTrail).execute().ok


def test_transfers_sent_while_another_worker_writes_wait_on_the_loop_and_share_a_commit(
        bank: punq.Container, client: TestClient, asha: tuple[dict[str, str], str, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Another worker has the writer turn: the loop's first transfer waits for it on a thread,
    the others wait in line behind it, and once the turn is theirs they post in place, sharing
    commits (on threads, each would have committed alone)."""
    headers, savings, current = asha
    database = str(bank.resolve(UnitOfWorkFactory).engine.url.database)  # type: ignore[attr-defined]
    other = WriterTurn(database)  # another worker's turn, as far as flock can tell
    monkeypatch.setattr(group_commit, "MAX_OPEN_S", 5.0)  # however slowly this machine writes
    committed = _counting_commits(monkeypatch)
    answers: list[tuple[int, dict[str, str], dict[str, Any]]] = []
    ready, go = threading.Event(), threading.Event()

    def pay() -> None:  # one thread: the loop's connections are opened by the warm-up
        _pay_together(bank, headers, savings, current, ["warm-up"])
        ready.set()
        go.wait(10)
        answers.extend(_pay_together(bank, headers, savings, current,
                                     [f"behind-the-other-{n}" for n in range(6)]))
    paying = threading.Thread(target=pay)
    paying.start()
    assert ready.wait(30)
    other.acquire()
    committed.clear()
    go.set()
    paying.join(0.5)
    assert paying.is_alive()  # waiting for the other worker
    other.release()
    paying.join(30)
    assert [status for status, _, _ in answers] == [201] * 6, answers
    assert sum(committed) == 6 and max(committed) > 1, committed  # all in place, shared
    after = client.get(f"{API}/accounts/{savings}/balance", headers=headers).json()
    assert after["balance"]["amount"] == "993.00"
    assert bank.resolve(VerifyLedger).execute().ok and bank.resolve(VerifyAuditTrail).execute().ok
    other.close()


def test_a_transfer_given_up_while_it_waits_for_the_other_worker_gives_the_turn_back(
        bank: punq.Container, client: TestClient, asha: tuple[dict[str, str], str, str]) -> None:
    """The client went away while a thread waited for the other worker's turn: once the thread
    has it, it goes back (else every writer would wait for it for ever), and nothing moved."""
    headers, savings, current = asha
    database = str(bank.resolve(UnitOfWorkFactory).engine.url.database)  # type: ignore[attr-defined]
    other = WriterTurn(database)
    app = create_app(bank)

    async def scenario() -> None:
        await _pay(app, headers, savings, current, "opens-the-loop-connection")
        other.acquire()
        waiting = asyncio.ensure_future(_pay(app, headers, savings, current, "given-up"))
        await asyncio.sleep(0.3)
        assert not waiting.done()  # waits for the other worker
        waiting.cancel()
        other.release()
        deadline = time.monotonic() + 10
        while (refused := other.try_acquire()) is not None:  # until the thread gives it back
            assert time.monotonic() < deadline, refused
            await asyncio.sleep(0.01)
        other.release()
    asyncio.run(scenario())
    after = client.get(f"{API}/accounts/{savings}/balance", headers=headers).json()
    assert after["balance"]["amount"] == "999.00"  # the first only
    other.close()
