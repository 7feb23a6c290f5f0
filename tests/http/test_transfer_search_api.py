"""A transfer's reference and metadata, and GET /transfers: a customer finds their own by
reference, time, status and amount, page by page; an operator finds everyone's."""

from __future__ import annotations

from datetime import timedelta

import punq
from starlette.testclient import TestClient

from domain.customer import Role
from tests.http.conftest import API, log_in
from tests.http.contract import assert_documented
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import account, customer
from tests.support.clock import SteppingClock


def test_references_metadata_and_search(client: TestClient, bank: punq.Container,
                                        clock: SteppingClock) -> None:
    payer, other = customer(bank), customer(bank)
    source = account(bank, payer, "10000.00").account_number
    target = account(bank, other, "100.00").account_number
    owner = log_in(client, payer.customer_number)

    def pay(amount: str, **more: object) -> object:
        clock.advance(timedelta(seconds=1))
        return client.post(f"{API}/accounts/{source}/transfer", headers=owner, json={
            "to_account_number": target, "amount": {"amount": amount, "currency": "INR"},
            **more})

    first = pay("10.00", reference="INV-1", metadata={"order": "A-17", "channel-ref": "x"})
    assert first.status_code == 201, first.text  # type: ignore[attr-defined]
    assert first.json()["metadata"] == {"channel-ref": "x", "order": "A-17"}  # type: ignore[attr-defined]
    assert_documented(client, "post", f"{API}/accounts/{{account_number}}/transfer", first)  # type: ignore[arg-type]
    assert_envelope(pay("11.00", reference="INV-1"), 409, "reference_taken")
    assert_envelope(pay("1.00", metadata={f"k{i}": "v" for i in range(17)}), 422,
                    "validation_error")
    assert_envelope(pay("1.00", metadata={"no spaces": "v"}), 422, "validation_error")
    for n in range(5):
        pay(f"{20 + n}.00", reference=f"INV-{n + 2}")
    found = client.get(f"{API}/transfers?reference=INV-1", headers=owner).json()["items"]
    assert [t["amount"]["amount"] for t in found] == ["10.00"]
    pages, cursor = [], None
    while True:
        page = client.get(f"{API}/transfers?limit=2&min=20.00" + (f"&cursor={cursor}" if cursor
                                                                  else ""), headers=owner).json()
        pages.append([t["amount"]["amount"] for t in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == [["24.00", "23.00"], ["22.00", "21.00"], ["20.00"]]
    theirs = log_in(client, other.customer_number)
    assert client.get(f"{API}/transfers", headers=theirs).json()["items"] == []
    ops = log_in(client, customer(bank, Role.OPERATOR).customer_number)
    everyone = client.get(f"{API}/transfers?status=completed&max=10.00", headers=ops)
    assert [t["reference"] for t in everyone.json()["items"]] == ["INV-1"]
    assert_documented(client, "get", f"{API}/transfers", everyone)
    assert_envelope(client.get(f"{API}/transfers?cursor=bogus!", headers=owner), 422,
                    "validation_error")
    assert_envelope(client.get(f"{API}/transfers?status=lost", headers=owner), 422,
                    "validation_error")
    assert_envelope(client.get(f"{API}/transfers?min=ten", headers=owner), 422,
                    "validation_error")
