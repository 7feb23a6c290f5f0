"""Beneficiaries over HTTP on every profile: checks, ownership, paying one, and the fraud rule
for a payee saved minutes ago."""

from __future__ import annotations

from datetime import timedelta

import punq
from starlette.testclient import TestClient

from tests.http.conftest import API, log_in
from tests.http.contract import assert_documented
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import account, customer
from tests.support.clock import SteppingClock


def test_add_list_update_delete(client: TestClient, bank: punq.Container) -> None:
    asha, mallory = customer(bank), customer(bank)
    headers, theirs = log_in(client, asha.customer_number), log_in(client, mallory.customer_number)
    added = client.post(f"{API}/beneficiaries", headers=headers, json={
        "name": "Ravi Kumar", "account_number": "123456789012", "ifsc": "SBIN0001234",
        "nickname": "Ravi", "bank_name": "State Bank of India"})
    assert added.status_code == 201, added.text
    upi = client.post(f"{API}/beneficiaries", headers=headers, json={
        "name": "Milk shop", "upi_id": "milkshop@okaxis", "favourite": True})
    assert upi.status_code == 201
    assert_documented(client, "post", f"{API}/beneficiaries", upi)  # no account, no IFSC
    listed = client.get(f"{API}/beneficiaries", headers=headers).json()["items"]
    assert [b["name"] for b in listed] == ["Milk shop", "Ravi Kumar"]  # favourites first
    assert client.get(f"{API}/beneficiaries", headers=theirs).json()["items"] == []
    one = added.json()["id"]
    assert_envelope(client.patch(f"{API}/beneficiaries/{one}", headers=theirs,
                                 json={"nickname": "mine"}), 404, "beneficiary_not_found")
    changed = client.patch(f"{API}/beneficiaries/{one}", headers=headers, json={"favourite": True})
    assert changed.json()["favourite"] is True
    assert_envelope(client.patch(f"{API}/beneficiaries/{one}", headers=headers,
                                 json={"account_number": "999999999999"}), 422, "validation_error")
    assert_envelope(client.delete(f"{API}/beneficiaries/{one}", headers=theirs), 404,
                    "beneficiary_not_found")
    assert client.delete(f"{API}/beneficiaries/{one}", headers=headers).status_code == 204
    assert [b["name"] for b in client.get(f"{API}/beneficiaries", headers=headers).json()["items"]] \
        == ["Milk shop"]


def test_bad_beneficiaries_are_refused(client: TestClient, bank: punq.Container) -> None:
    headers = log_in(client, customer(bank).customer_number)
    for body in ({"name": "x", "account_number": "123456789012", "ifsc": "SBIN1234"},
                 {"name": "x", "account_number": "12ab", "ifsc": "SBIN0001234"},
                 {"name": "x", "upi_id": "no-at-sign"}, {"name": "x"}, {"name": "",
                                                                        "upi_id": "a@b"},
                 {"name": "x", "upi_id": "ok@bank", "ifsc": "SBIN0001234"}):
        assert_envelope(client.post(f"{API}/beneficiaries", headers=headers, json=body), 422,
                        "validation_error")


def test_paying_a_beneficiary_saved_minutes_ago_needs_a_step_up(
        client: TestClient, bank: punq.Container, clock: SteppingClock) -> None:
    asha, ravi = customer(bank), customer(bank)
    source = account(bank, asha, "1000.00").account_number
    payee = account(bank, ravi).account_number
    headers = log_in(client, asha.customer_number)
    saved = client.post(f"{API}/beneficiaries", headers=headers, json={
        "name": "Ravi", "account_number": payee, "ifsc": "VAAN0000001"}).json()
    clock.advance(timedelta(minutes=2))
    fresh = client.post(f"{API}/accounts/{source}/transfer", headers=headers, json={
        "beneficiary_id": saved["id"], "amount": {"amount": "10.00", "currency": "INR"}})
    assert fresh.status_code == 202 and fresh.json()["status"] == "challenge_required"
    shown = client.get(f"{API}/transfers/{fresh.json()['transfer_id']}", headers=headers).json()
    assert any(r["code"] == "new_beneficiary" for r in shown["assessment"]["reasons"])
    clock.advance(timedelta(hours=1))
    headers = log_in(client, asha.customer_number)
    later = client.post(f"{API}/accounts/{source}/transfer", headers=headers, json={
        "beneficiary_id": saved["id"], "amount": {"amount": "10.00", "currency": "INR"}})
    assert later.status_code == 201 and later.json()["to_account_number"] == payee
    assert_envelope(client.post(f"{API}/accounts/{source}/transfer", headers=headers, json={
        "beneficiary_id": saved["id"], "to_account_number": payee,
        "amount": {"amount": "1.00", "currency": "INR"}}), 422, "validation_error")
    stranger = log_in(client, customer(bank).customer_number)
    assert_envelope(client.get(f"{API}/transfers/{later.json()['transfer_id']}", headers=stranger),
                    404, "transfer_not_found")


def test_a_payee_at_another_bank_is_never_paid_into_our_account_of_the_same_number(
        client: TestClient, bank: punq.Container) -> None:
    """The same account number at another bank (another IFSC) is another person's account."""
    asha, ravi = customer(bank), customer(bank)
    source = account(bank, asha, "1000.00").account_number
    ours = account(bank, ravi).account_number
    headers = log_in(client, asha.customer_number)
    elsewhere = client.post(f"{API}/beneficiaries", headers=headers, json={
        "name": "Ravi at SBI", "account_number": ours, "ifsc": "SBIN0001234"}).json()
    refused = assert_envelope(client.post(f"{API}/accounts/{source}/transfer", headers=headers,
                                          json={"beneficiary_id": elsewhere["id"],
                                                "amount": {"amount": "10.00", "currency": "INR"}}),
                              422, "validation_error")
    assert refused["error"]["info"]["reason"] == "other_bank"
    balance = client.get(f"{API}/accounts/{source}/balance", headers=headers).json()
    assert balance["available_balance"]["amount"] == "1000.00"
