"""Customers open accounts within their KYC tier and close their own at zero, over HTTP."""

from __future__ import annotations

import punq
from starlette.testclient import TestClient

from domain.customer import KycStatus
from tests.http.conftest import API, log_in
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import account, customer


def test_open_within_the_tier_and_close_at_zero(client: TestClient, bank: punq.Container) -> None:
    pending = log_in(client, customer(bank, kyc=KycStatus.PENDING).customer_number)
    assert_envelope(client.post(f"{API}/accounts", headers=pending,
                                json={"account_type": "savings"}), 403, "kyc_required")
    small = log_in(client, customer(bank, kyc=KycStatus.MIN).customer_number)
    assert_envelope(client.post(f"{API}/accounts", headers=small,
                                json={"account_type": "current"}), 409, "kyc_limit")
    full_owner = customer(bank)
    owner = log_in(client, full_owner.customer_number)
    opened = client.post(f"{API}/accounts", headers=owner,
                         json={"account_type": "current", "currency": "inr"})
    assert opened.status_code == 201, opened.text
    number = opened.json()["account_number"]
    assert [a["account_number"] for a in client.get(f"{API}/accounts", headers=owner
                                                    ).json()["items"]] == [number]
    assert_envelope(client.post(f"{API}/accounts", headers=owner, json={
        "account_type": "internal"}), 422, "validation_error")
    funded = account(bank, full_owner, "10.00").account_number
    assert_envelope(client.post(f"{API}/accounts/{funded}/close", headers=owner), 409,
                    "account_not_empty")
    assert_envelope(client.post(f"{API}/accounts/{number}/close", headers=small), 404,
                    "account_not_found")
    closed = client.post(f"{API}/accounts/{number}/close", headers=owner)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
