"""A frozen customer over HTTP. Freezing ends their sessions and
freezes their accounts; undoing it needs a second operator (docs/operator-cli.md). A frozen
customer opens no account until unfrozen (a defect found in review, fixed)."""

from __future__ import annotations

import punq
import pytest
from starlette.testclient import TestClient

from application.context import SYSTEM
from application.use_cases import OperateCustomers
from tests.http.conftest import API, log_in
from tests.support.banking import account, customer


@pytest.fixture
def profile() -> str:
    return "memory"


def test_a_frozen_customer_cannot_open_an_account(client: TestClient,
                                                 bank: punq.Container) -> None:
    suspect = customer(bank)
    account(bank, suspect, "500.00")
    bank.resolve(OperateCustomers).freeze(suspect.customer_number, True, SYSTEM)
    headers = log_in(client, suspect.customer_number)  # the freeze ended the old sessions only
    opened = client.post(f"{API}/accounts", headers=headers,
                         json={"account_type": "savings", "currency": "INR"})
    assert opened.status_code != 201 or opened.json()["status"] == "frozen", \
        f"a frozen customer opened {opened.json()}"
    # The refusal is the API's envelope, naming the freeze (docs/money-operations.md).
    assert opened.status_code == 409 and opened.json()["error"]["code"] == "account_frozen"
    bank.resolve(OperateCustomers).freeze(suspect.customer_number, False, SYSTEM)
    reopened = client.post(f"{API}/accounts", headers=log_in(client, suspect.customer_number),
                           json={"account_type": "savings", "currency": "INR"})
    assert reopened.status_code == 201 and reopened.json()["status"] == "active"
