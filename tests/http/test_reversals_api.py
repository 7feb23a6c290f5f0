"""Reversals over HTTP: an operator proposes, a second operator approves; the customer sees
their money come back on the original transfer; every refusal is the error envelope."""

from __future__ import annotations

import punq
from starlette.testclient import TestClient

from domain.customer import Role
from tests.http.conftest import API, log_in
from tests.http.contract import assert_documented
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import account, customer


def _paid(client: TestClient, bank: punq.Container, amount: str) -> tuple[dict[str, str], str]:
    payer, payee = customer(bank), customer(bank)
    source = account(bank, payer, "50000.00").account_number
    target = account(bank, payee).account_number
    headers = log_in(client, payer.customer_number)
    posted = client.post(f"{API}/accounts/{source}/transfer", headers=headers, json={
        "to_account_number": target, "amount": {"amount": amount, "currency": "INR"}})
    assert posted.status_code == 201, posted.text
    return headers, posted.json()["transfer_id"]


def test_maker_checker_over_http(client: TestClient, bank: punq.Container) -> None:
    owner, transfer_id = _paid(client, bank, "20000.00")
    maker = log_in(client, customer(bank, Role.OPERATOR).customer_number)
    checker = log_in(client, customer(bank, Role.OPERATOR).customer_number)
    url = f"{API}/operator/transfers/{transfer_id}/reversals"
    assert_envelope(client.post(url, headers=owner, json={"reason": "mine"}), 403, "forbidden")
    proposed = client.post(url, headers={**maker, "Idempotency-Key": "r-1"},
                           json={"reason": "paid the wrong account"})
    assert proposed.status_code == 201, proposed.text
    assert_documented(client, "post", f"{API}/operator/transfers/{{transfer_id}}/reversals",
                      proposed)
    body = proposed.json()
    assert body["status"] == "pending_approval" and body["amount"]["amount"] == "20000.00"
    again = client.post(url, headers={**maker, "Idempotency-Key": "r-1"},
                        json={"reason": "paid the wrong account"})
    assert again.json()["reversal_id"] == body["reversal_id"]
    queue = client.get(f"{API}/operator/reversals?status=pending_approval", headers=checker)
    assert_documented(client, "get", f"{API}/operator/reversals", queue)
    assert [r["reversal_id"] for r in queue.json()["items"]] == [body["reversal_id"]]
    decide = f"{API}/operator/reversals/{body['reversal_id']}"
    assert_envelope(client.post(f"{decide}/approve", headers=maker), 403, "same_operator")
    approved = client.post(f"{decide}/approve", headers=checker)
    assert approved.status_code == 200 and approved.json()["status"] == "posted"
    assert_documented(client, "post", f"{API}/operator/reversals/{{reversal_id}}/approve",
                      approved)
    assert_envelope(client.post(f"{decide}/approve", headers=checker), 409, "reversal_decided")
    seen_response = client.get(f"{API}/transfers/{transfer_id}", headers=owner)
    assert_documented(client, "get", f"{API}/transfers/{{transfer_id}}", seen_response)
    seen = seen_response.json()
    assert seen["reversible_amount"] == {"amount": "0.00", "currency": "INR"}
    assert [r["status"] for r in seen["reversals"]] == ["posted"]
    assert "reason" not in seen["reversals"][0]  # the bank's notes stay with the bank
    back = client.get(f"{API}/transfers/{seen['reversals'][0]['reversal_transfer_id']}",
                      headers=owner)
    assert back.json()["reverses_transfer_id"] == transfer_id
    assert_documented(client, "get", f"{API}/transfers/{{transfer_id}}", back)


def test_refusals_are_envelopes(client: TestClient, bank: punq.Container) -> None:
    _, transfer_id = _paid(client, bank, "100.00")
    maker = log_in(client, customer(bank, Role.OPERATOR).customer_number)
    url = f"{API}/operator/transfers/{transfer_id}/reversals"
    assert_envelope(client.post(url, headers=maker, json={"reason": "x", "amount": {
        "amount": "100.01", "currency": "INR"}}), 409, "reversal_not_allowed")
    assert_envelope(client.post(url, headers=maker, json={"reason": ""}), 422, "validation_error")
    assert_envelope(client.post(f"{API}/operator/transfers/nope/reversals", headers=maker,
                                json={"reason": "x"}), 404, "transfer_not_found")
    assert_envelope(client.get(f"{API}/operator/reversals/nope", headers=maker), 404,
                    "reversal_not_found")
    assert_envelope(client.get(f"{API}/operator/reversals?status=done", headers=maker), 422,
                    "validation_error")
