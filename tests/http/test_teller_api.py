"""Cash at the counter over HTTP: a teller pays in and out with a slip's key, sees their till;
customers and operators cannot; bad input is the envelope."""

from __future__ import annotations

import punq
from starlette.testclient import TestClient

from domain.customer import Role
from tests.http.conftest import API, log_in
from tests.http.contract import assert_documented
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import account, customer


def test_a_tellers_counter(client: TestClient, bank: punq.Container) -> None:
    owner = customer(bank)
    number = account(bank, owner).account_number
    teller = log_in(client, customer(bank, Role.TELLER).customer_number)
    slip = {**teller, "Idempotency-Key": "slip-77"}
    paid_in = client.post(f"{API}/teller/accounts/{number}/deposit", headers=slip,
                          json={"amount": {"amount": "900.00", "currency": "INR"}})
    assert paid_in.status_code == 201, paid_in.text
    assert_documented(client, "post", f"{API}/teller/accounts/{{account_number}}/deposit", paid_in)
    again = client.post(f"{API}/teller/accounts/{number}/deposit", headers=slip,
                        json={"amount": {"amount": "900.00", "currency": "INR"}})
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["transfer_id"] == paid_in.json()["transfer_id"]
    paid_out = client.post(f"{API}/teller/accounts/{number}/withdraw", headers=teller,
                           json={"amount": {"amount": "150.00", "currency": "INR"}})
    assert paid_out.status_code == 201, paid_out.text
    till = client.get(f"{API}/teller/till", headers=teller).json()["items"]
    assert [(t["deposited"]["amount"], t["withdrawn"]["amount"], t["net"]["amount"],
             t["balanced"]) for t in till] == [("900.00", "150.00", "750.00", True)]
    assert_envelope(client.post(f"{API}/teller/accounts/{number}/withdraw", headers=teller,
                                json={"amount": {"amount": "751.00", "currency": "INR"}}),
                    409, "insufficient_funds")
    customer_auth = log_in(client, owner.customer_number)
    assert_envelope(client.post(f"{API}/teller/accounts/{number}/deposit", headers=customer_auth,
                                json={"amount": {"amount": "1.00", "currency": "INR"}}),
                    403, "forbidden")
    operator = log_in(client, customer(bank, Role.OPERATOR).customer_number)
    assert_envelope(client.get(f"{API}/teller/till", headers=operator), 403, "forbidden")
    assert_envelope(client.get(f"{API}/teller/till?date=yesterday", headers=teller), 422,
                    "validation_error")
    # A till that paid out more than it took in is short: its net is below zero.
    short = log_in(client, customer(bank, Role.TELLER).customer_number)
    client.post(f"{API}/teller/accounts/{number}/withdraw", headers=short,
                json={"amount": {"amount": "50.00", "currency": "INR"}})
    till_response = client.get(f"{API}/teller/till", headers=short)
    assert till_response.json()["items"][0]["net"] == {"amount": "-50.00", "currency": "INR"}
    assert_documented(client, "get", f"{API}/teller/till", till_response)


def test_a_teller_is_served_at_another_counter(client: TestClient, bank: punq.Container) -> None:
    """A teller's own account: 403, another teller serves them; the till says nothing moved."""
    tara = customer(bank, Role.TELLER)
    own = account(bank, tara).account_number
    teller = log_in(client, tara.customer_number)
    assert_envelope(client.post(f"{API}/teller/accounts/{own}/deposit", headers=teller,
                                json={"amount": {"amount": "10.00", "currency": "INR"}}),
                    403, "forbidden")
    assert client.get(f"{API}/teller/till", headers=teller).json()["items"] == []
    other = log_in(client, customer(bank, Role.TELLER).customer_number)
    served = client.post(f"{API}/teller/accounts/{own}/deposit", headers=other,
                         json={"amount": {"amount": "10.00", "currency": "INR"}})
    assert served.status_code == 201, served.text
    till = client.get(f"{API}/teller/till", headers=other)
    assert [(t["deposits_reversed"]["amount"], t["ledger_deposits_reversed"]["amount"])
            for t in till.json()["items"]] == [("0.00", "0.00")]
    assert_documented(client, "get", f"{API}/teller/till", till)
