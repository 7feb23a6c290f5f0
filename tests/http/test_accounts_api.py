"""Accounts, balances, history, transfers and statements over HTTP."""

from __future__ import annotations

import csv
import io

import punq
import pytest
from starlette.testclient import TestClient

from application.use_cases import SeedDemo, generate_statement
from entrypoints.http import streamed_body
from tests.http.conftest import API, log_in
from tests.http.contract import assert_documented
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import account, customer

Asha = tuple[dict[str, str], str, str]


def money(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "INR"}


def test_accounts_and_balance(client: TestClient, asha: Asha) -> None:
    headers, savings, current = asha
    items = client.get(f"{API}/accounts", headers=headers).json()["items"]
    assert sorted(i["account_number"] for i in items) == sorted([savings, current])
    balance = client.get(f"{API}/accounts/{savings}/balance", headers=headers).json()
    assert balance == {"account_number": savings, "account_type": "savings", "status": "active",
                       "balance": money("1000.00"), "available_balance": money("1000.00")}


def test_someone_elses_account_is_not_found(client: TestClient, asha: Asha,
                                            bank: punq.Container) -> None:
    _, savings, _ = asha
    mallory = customer(bank, first_name="Mallory")
    account(bank, mallory)
    headers = log_in(client, mallory.customer_number)
    for response in (client.get(f"{API}/accounts/{savings}/balance", headers=headers),
                     client.get(f"{API}/accounts/{savings}/transactions", headers=headers),
                     client.post(f"{API}/accounts/{savings}/transfer", headers=headers,
                                 json={"to_account_number": savings, "amount": money("1.00")})):
        assert_envelope(response, 404, "account_not_found")


def test_transfer_is_idempotent_over_http(client: TestClient, asha: Asha) -> None:
    headers, savings, current = asha
    body = {"to_account_number": current, "amount": money("250.50"), "description": "rent",
            "channel": "MOBILE"}
    keyed = {**headers, "Idempotency-Key": "rent-2026-11"}
    first = client.post(f"{API}/accounts/{savings}/transfer", json=body, headers=keyed)
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "completed"
    again = client.post(f"{API}/accounts/{savings}/transfer", json=body, headers=keyed)
    assert again.status_code == 201
    assert again.json()["transfer_id"] == first.json()["transfer_id"]
    assert again.headers["idempotent-replayed"] == "true"
    changed = client.post(f"{API}/accounts/{savings}/transfer",
                          json={**body, "amount": money("1.00")}, headers=keyed)
    assert_envelope(changed, 409, "idempotency_conflict")
    balance = client.get(f"{API}/accounts/{savings}/balance", headers=headers).json()
    assert balance["balance"] == money("749.50")


def test_transfer_refusals(client: TestClient, asha: Asha) -> None:
    headers, savings, current = asha
    url = f"{API}/accounts/{savings}/transfer"
    assert_envelope(client.post(url, headers=headers, json={
        "to_account_number": current, "amount": money("5000.00")}), 409, "insufficient_funds")
    for bad in ({"amount": "1.00", "currency": "INR"} | {"amount": 1.0},
                {"amount": "-1.00", "currency": "INR"}, {"amount": "0.00", "currency": "INR"},
                {"amount": "1.001", "currency": "INR"}, {"amount": "1.00", "currency": "XXX"},
                {"amount": "1.00"}, "1.00", None):
        assert_envelope(client.post(url, headers=headers, json={
            "to_account_number": current, "amount": bad}), 422, "validation_error")
    for channel in ("FAX", 3, "mobile "):
        assert_envelope(client.post(url, headers=headers, json={
            "to_account_number": current, "amount": money("1.00"), "channel": channel}),
            422, "validation_error")
    assert_envelope(client.post(url, headers={**headers, "Idempotency-Key": "x" * 256}, json={
        "to_account_number": current, "amount": money("1.00")}), 422, "validation_error")
    balance = client.get(f"{API}/accounts/{savings}/balance", headers=headers).json()
    assert balance["balance"] == money("1000.00")


def test_transactions_paginate_with_an_opaque_cursor(client: TestClient, asha: Asha) -> None:
    headers, savings, current = asha
    for rupees in ("1.00", "2.00", "3.00"):
        client.post(f"{API}/accounts/{savings}/transfer", headers=headers,
                    json={"to_account_number": current, "amount": money(rupees)})
    url = f"{API}/accounts/{savings}/transactions"
    first = client.get(url, headers=headers, params={"limit": 2}).json()
    assert [i["amount"]["amount"] for i in first["items"]] == ["3.00", "2.00"]
    assert first["items"][0]["type"] == "debit" and first["items"][0]["channel"] == "ONLINE"
    rest = client.get(url, headers=headers, params={"limit": 2, "cursor": first["next_cursor"]})
    assert [i["amount"]["amount"] for i in rest.json()["items"]] == ["1.00", "1000.00"]
    assert rest.json()["next_cursor"] is None
    assert_envelope(client.get(url, headers=headers, params={"cursor": "garbage"}), 422,
                    "validation_error")
    assert_envelope(client.get(url, headers=headers, params={"limit": "0"}), 422, "validation_error")
    assert_envelope(client.get(url, headers=headers, params={"from": "yesterday"}), 422,
                    "validation_error")


def test_statement_as_json_and_csv(client: TestClient, asha: Asha) -> None:
    headers, savings, current = asha
    client.post(f"{API}/accounts/{savings}/transfer", headers=headers,
                json={"to_account_number": current, "amount": money("100.00"),
                      "description": "=HYPERLINK(\"http://evil\")"})
    url = f"{API}/accounts/{savings}/statement/download"
    body = {"from": "2026-11-01", "to": "2026-11-30"}
    as_json = client.post(url, headers=headers, json=body)
    assert_documented(client, "post", f"{API}/accounts/{{account_number}}/statement/download",
                      as_json)
    statement = as_json.json()
    assert statement["opening_balance"] == money("0.00")
    assert statement["closing_balance"] == money("900.00")
    assert len(statement["entries"]) == 2
    response = client.post(url, headers=headers, json={**body, "format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    assert_documented(client, "post", f"{API}/accounts/{{account_number}}/statement/download",
                      response)
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][0] == "posted_at" and rows[1][2] == "opening_balance"
    assert rows[-1][2] == "closing_balance" and rows[-1][5] == "900.00"
    assert rows[-2][7].startswith("'=")  # a formula in a description is defused in the CSV
    assert_envelope(client.post(url, headers=headers, json={**body, "format": "pdf"}), 422,
                    "validation_error")
    assert_envelope(client.post(url, headers=headers, json={"from": "2026-12-01", "to": "2026-11-01"}),
                    422, "validation_error")


# Whole; streamed from the start; a page read before the status line, the rest after it.
@pytest.mark.parametrize("whole_up_to", [streamed_body.WHOLE_UP_TO, 10, 600])
def test_a_statement_of_many_pages_is_one_document(client: TestClient, asha: Asha,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  whole_up_to: int) -> None:
    """The writers send a page of entries per chunk; the pieces must still join into one
    valid JSON document and one CSV, with every entry once, whether the body is short enough
    to be sent whole (with its length) or streamed (chunked)."""
    monkeypatch.setattr(generate_statement, "PAGE", 2)
    monkeypatch.setattr(streamed_body, "WHOLE_UP_TO", whole_up_to)
    headers, savings, current = asha
    for rupees in range(1, 6):
        client.post(f"{API}/accounts/{savings}/transfer", headers=headers,
                    json={"to_account_number": current, "amount": money(f"{rupees}.00")})
    url = f"{API}/accounts/{current}/statement/download"
    body = {"from": "2026-11-01", "to": "2026-11-30"}
    response = client.post(url, headers=headers, json=body)
    assert ("content-length" in response.headers) is (whole_up_to > 600)
    statement = response.json()
    assert [e["amount"]["amount"] for e in statement["entries"]] == \
        ["1.00", "2.00", "3.00", "4.00", "5.00"]
    assert statement["closing_balance"] == money("15.00")
    rows = list(csv.reader(io.StringIO(client.post(url, headers=headers,
                                                   json={**body, "format": "csv"}).text)))
    assert [row[3] for row in rows[2:-1]] == ["1.00", "2.00", "3.00", "4.00", "5.00"]


def test_accounts_show_their_branch(client: TestClient, bank: punq.Container) -> None:
    asha = bank.resolve(SeedDemo).execute()[0]
    headers = log_in(client, asha.customer.customer_number, asha.password)
    listing = client.get(f"{API}/accounts", headers=headers)
    assert_documented(client, "get", f"{API}/accounts", listing)
    items = listing.json()["items"]
    assert {i["branch"]["code"] for i in items} == {"MUM001", "BLR001"}
    assert all(i["branch"]["ifsc"].startswith("VAAN0") for i in items)
