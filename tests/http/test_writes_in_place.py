"""On SQLite a transfer is written by the event loop itself; while another writer has the
database, the loop serves other requests and the transfer waits for its turn, then posts once."""

from __future__ import annotations

import threading

import punq
import pytest
from starlette.testclient import TestClient

from adapters.sql.writer_turn import WriterTurn
from application.ports import UnitOfWorkFactory
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
