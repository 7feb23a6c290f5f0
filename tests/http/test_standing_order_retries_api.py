"""A standing order asked for twice (a client's retry after a lost
answer). HOUSE_STYLE: "Every money movement is idempotent (idempotency key)". Found in review:
the endpoint took no Idempotency-Key, and a retry was a second order that paid everything twice."""

from __future__ import annotations

from datetime import timedelta

import punq
from starlette.testclient import TestClient

from application.use_cases import GetBalance, RunDueStandingOrders
from tests.http.conftest import API, log_in
from tests.http.contract import assert_documented
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import account, customer
from tests.support.clock import SteppingClock


def test_a_retried_standing_order_is_one_order(client: TestClient, bank: punq.Container,
                                               clock: SteppingClock) -> None:
    payer, payee = customer(bank), customer(bank)
    source = account(bank, payer, "1000.00").account_number
    target = account(bank, payee).account_number
    owner = {**log_in(client, payer.customer_number), "Idempotency-Key": "rent-2026"}
    body = {"from_account_number": source, "to_account_number": target,
            "amount": {"amount": "250.00", "currency": "INR"}, "description": "rent",
            "starts_at": "2026-11-25T04:30:00Z"}
    first = client.post(f"{API}/standing-orders", headers=owner, json=body)
    retried = client.post(f"{API}/standing-orders", headers=owner, json=body)  # answer lost
    assert first.status_code == 201, first.text
    clock.advance(timedelta(days=4))
    bank.resolve(RunDueStandingOrders).execute()
    paid = bank.resolve(GetBalance).execute(None, target).balance.format()
    assert paid == "250.00", (f"one instruction sent twice paid {paid} "
                              f"(orders {first.json()['id']} and {retried.json().get('id')})")
    document = client.get("/openapi.json").json()
    assert (retried.status_code, retried.json()["id"]) == (201, first.json()["id"])
    assert "idempotent-replayed" not in first.headers
    assert retried.headers["idempotent-replayed"] == "true"
    assert_documented(document, "post", f"{API}/standing-orders", retried)
    # The same key with other details is refused, as for a transfer; another key is an order.
    owner = {**log_in(client, payer.customer_number), "Idempotency-Key": "rent-2026"}
    conflict = client.post(f"{API}/standing-orders", headers=owner, json={
        **body, "amount": {"amount": "260.00", "currency": "INR"}})
    assert_envelope(conflict, 409, "idempotency_conflict")
    assert_documented(document, "post", f"{API}/standing-orders", conflict)
    later = {**body, "starts_at": "2026-12-25T04:30:00Z"}
    other = client.post(f"{API}/standing-orders", json=later,
                        headers={**owner, "Idempotency-Key": "rent-2027"})
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    assert_envelope(client.post(f"{API}/standing-orders", json=later,
                                headers={**owner, "Idempotency-Key": "k" * 256}),
                    422, "validation_error")
    # Without a key each request is an order of its own (the key is optional, as for transfers).
    plain = {k: v for k, v in owner.items() if k != "Idempotency-Key"}
    unkeyed = [client.post(f"{API}/standing-orders", headers=plain, json=later).json()["id"]
               for _ in range(2)]
    assert len(set(unkeyed)) == 2


def test_a_key_is_the_customers_own(client: TestClient, bank: punq.Container) -> None:
    """Two customers who happen to choose the same key each get their own order."""
    ids = []
    for _ in range(2):
        payer = customer(bank)
        source = account(bank, payer, "100.00").account_number
        target = account(bank, customer(bank)).account_number
        answer = client.post(f"{API}/standing-orders", json={
            "from_account_number": source, "to_account_number": target,
            "amount": {"amount": "10.00", "currency": "INR"},
            "starts_at": "2026-11-25T04:30:00Z"},
            headers={**log_in(client, payer.customer_number), "Idempotency-Key": "same"})
        assert answer.status_code == 201 and "idempotent-replayed" not in answer.headers
        ids.append(answer.json()["id"])
    assert ids[0] != ids[1]
