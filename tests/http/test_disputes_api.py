"""Disputes over HTTP: the payer opens one on a posted debit; operators take it and refund it
(by a reversal), and the customer sees the bank's answer; refusals are envelopes."""

from __future__ import annotations

import punq
from starlette.testclient import TestClient

from domain.customer import Role
from tests.http.conftest import API, log_in
from tests.http.contract import assert_documented
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import account, customer


def test_a_dispute_from_opening_to_refund(client: TestClient, bank: punq.Container) -> None:
    payer, payee = customer(bank), customer(bank)
    source = account(bank, payer, "5000.00").account_number
    target = account(bank, payee).account_number
    owner = log_in(client, payer.customer_number)
    paid = client.post(f"{API}/accounts/{source}/transfer", headers=owner, json={
        "to_account_number": target, "amount": {"amount": "700.00", "currency": "INR"}}).json()
    url = f"{API}/transfers/{paid['transfer_id']}/dispute"
    other = log_in(client, payee.customer_number)
    assert_envelope(client.post(url, headers=other, json={
        "reason": "unauthorised", "description": "not me"}), 404, "transfer_not_found")
    assert_envelope(client.post(url, headers=owner, json={
        "reason": "because", "description": "x"}), 422, "validation_error")
    opened = client.post(url, headers=owner, json={"reason": "not_received",
                                                   "description": "the order never came"})
    assert opened.status_code == 201, opened.text
    case = opened.json()
    assert case["status"] == "open" and case["overdue"] is False and "assigned_to" not in case
    assert_envelope(client.post(url, headers=owner, json={
        "reason": "not_received", "description": "again"}), 409, "dispute_exists")

    ops = log_in(client, customer(bank, Role.OPERATOR).customer_number)
    assert_envelope(client.get(f"{API}/operator/disputes", headers=owner), 403, "forbidden")
    queue = client.get(f"{API}/operator/disputes?status=open", headers=ops).json()["items"]
    assert [d["dispute_id"] for d in queue] == [case["dispute_id"]]
    taken = client.post(f"{API}/operator/disputes/{case['dispute_id']}/investigate", headers=ops)
    assert taken.json()["status"] == "investigating" and taken.json()["assigned_to"]
    resolved = client.post(f"{API}/operator/disputes/{case['dispute_id']}/resolve", headers=ops,
                           json={"outcome": "refunded", "note": "refunded: merchant agreed"})
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "resolved_refunded" and resolved.json()["reversal_id"]
    assert_documented(client, "post", f"{API}/operator/disputes/{{dispute_id}}/resolve", resolved)
    seen_response = client.get(f"{API}/disputes/{case['dispute_id']}", headers=owner)
    assert_documented(client, "get", f"{API}/disputes/{{dispute_id}}", seen_response)
    seen = seen_response.json()
    assert seen["resolution"] == "refunded: merchant agreed"
    balance = client.get(f"{API}/accounts/{source}/balance", headers=owner).json()
    assert balance["balance"]["amount"] == "5000.00"
    assert_envelope(client.get(f"{API}/disputes/{case['dispute_id']}", headers=other), 404,
                    "dispute_not_found")
