"""Standing orders over HTTP: scheduled by the customer, paid by the runner, shown with their
occurrences; someone else's is not found; bad input is the error envelope."""

from __future__ import annotations

from datetime import timedelta

import punq
from starlette.testclient import TestClient

from application.use_cases import RunDueStandingOrders
from tests.http.conftest import API, log_in
from tests.http.contract import assert_documented
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import account, customer
from tests.support.clock import SteppingClock


def test_schedule_pay_and_see(client: TestClient, bank: punq.Container,
                              clock: SteppingClock) -> None:
    payer, payee = customer(bank), customer(bank)
    source = account(bank, payer, "1000.00").account_number
    target = account(bank, payee).account_number
    owner = log_in(client, payer.customer_number)
    reminder = client.post(f"{API}/reminders", headers=owner, json={
        "type": "EMI", "title": "Scooter", "due_at": "2026-11-25T04:30:00Z"}).json()
    body = {"from_account_number": source, "to_account_number": target,
            "amount": {"amount": "250.00", "currency": "INR"}, "description": "scooter EMI",
            "starts_at": "2026-11-25T04:30:00Z", "rrule": "FREQ=MONTHLY;COUNT=2",
            "reminder_id": reminder["id"]}
    created = client.post(f"{API}/standing-orders", headers=owner, json=body)
    assert created.status_code == 201, created.text
    order = created.json()
    assert order["status"] == "active" and order["reminder_id"] == reminder["id"]
    clock.advance(timedelta(days=40))
    assert bank.resolve(RunDueStandingOrders).execute().paid == 2
    owner = log_in(client, payer.customer_number)  # the first session has long expired
    shown_response = client.get(f"{API}/standing-orders/{order['id']}", headers=owner)
    assert_documented(client, "get", f"{API}/standing-orders/{{order_id}}", shown_response)
    shown = shown_response.json()
    assert shown["status"] == "completed"
    assert [o["status"] for o in shown["occurrences"]] == ["paid", "paid"]
    assert client.get(f"{API}/accounts/{source}/balance", headers=owner
                      ).json()["balance"]["amount"] == "500.00"
    other = log_in(client, payee.customer_number)
    assert_envelope(client.get(f"{API}/standing-orders/{order['id']}", headers=other), 404,
                    "standing_order_not_found")
    assert_envelope(client.post(f"{API}/standing-orders/{order['id']}/resume", headers=owner),
                    409, "standing_order_state")
    assert_envelope(client.post(f"{API}/standing-orders", headers=owner, json={
        **body, "rrule": "FREQ=SOMETIMES"}), 422, "validation_error")
    assert_envelope(client.post(f"{API}/standing-orders", headers=owner, json={
        **body, "beneficiary_id": "nope", "to_account_number": None}), 404,
        "beneficiary_not_found")
