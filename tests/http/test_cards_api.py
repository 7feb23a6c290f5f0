"""Cards over HTTP on every profile: only masked numbers, block and unblock, 404 for others."""

from __future__ import annotations

import punq
from starlette.testclient import TestClient

from application.context import SYSTEM
from application.use_cases import ListAuditEvents, ManageCards
from tests.http.conftest import API, log_in
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import account, customer


def test_cards_show_only_masked_numbers_and_can_be_blocked(client: TestClient,
                                                           bank: punq.Container) -> None:
    asha, mallory = customer(bank), customer(bank)
    card = bank.resolve(ManageCards).issue(account(bank, asha).account_number, SYSTEM)
    headers, theirs = log_in(client, asha.customer_number), log_in(client, mallory.customer_number)
    listed = client.get(f"{API}/cards", headers=headers).json()["items"]
    assert [c["masked_number"] for c in listed] == [f"XXXX XXXX XXXX {card.last4}"]
    assert listed[0]["status"] == "active" and len(listed[0]["expires"]) == 5
    assert client.get(f"{API}/cards", headers=theirs).json()["items"] == []
    assert_envelope(client.post(f"{API}/cards/{card.id}/block", headers=theirs), 404,
                    "card_not_found")
    assert client.post(f"{API}/cards/{card.id}/block", headers=headers).json()["status"] == \
        "blocked"
    assert_envelope(client.post(f"{API}/cards/{card.id}/block", headers=headers), 409,
                    "card_state")
    assert client.post(f"{API}/cards/{card.id}/unblock", headers=headers).json()["status"] == \
        "active"
    assert_envelope(client.post(f"{API}/cards/not-a-card/block", headers=headers), 404,
                    "card_not_found")
    actions = [e.action for e in bank.resolve(ListAuditEvents).execute(limit=10).items]
    assert {"card.issued", "card.blocked", "card.unblocked"} <= set(actions)
