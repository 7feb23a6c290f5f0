"""Reminders over HTTP on every profile."""

from __future__ import annotations

import punq
from starlette.testclient import TestClient

from tests.http.conftest import API, log_in
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import customer


def test_reminders_lifecycle(client: TestClient, bank: punq.Container) -> None:
    asha, mallory = customer(bank), customer(bank)
    headers, theirs = log_in(client, asha.customer_number), log_in(client, mallory.customer_number)
    added = client.post(f"{API}/reminders", headers=headers, json={
        "type": "SUBSCRIPTION", "title": "Music", "due_at": "2026-12-01T09:00:00Z",
        "rrule": "FREQ=MONTHLY;BYMONTHDAY=1", "amount": {"amount": "119.00", "currency": "INR"}})
    assert added.status_code == 201, added.text
    body = added.json()
    assert body["status"] == "PENDING" and body["amount"] == {"amount": "119.00", "currency": "INR"}
    assert [r["id"] for r in client.get(f"{API}/reminders", headers=headers).json()["items"]] == \
        [body["id"]]
    assert client.get(f"{API}/reminders", headers=theirs).json()["items"] == []
    for bad in ({"type": "RENT", "title": "x", "due_at": "2026-12-01T09:00:00Z"},
                {"type": "CUSTOM", "title": "x", "due_at": "2026-12-01T09:00:00"},
                {"type": "CUSTOM", "title": "x", "due_at": "2026-12-01T09:00:00Z",
                 "rrule": "FREQ=SECONDLY"}):
        assert_envelope(client.post(f"{API}/reminders", headers=headers, json=bad), 422,
                        "validation_error")
    url = f"{API}/reminders/{body['id']}"
    assert_envelope(client.patch(f"{url}/status", headers=theirs, json={"status": "CANCELLED"}),
                    404, "reminder_not_found")
    done = client.patch(f"{url}/status", headers=headers, json={"status": "CANCELLED"})
    assert done.json()["status"] == "CANCELLED"
    assert_envelope(client.delete(url, headers=theirs), 404, "reminder_not_found")
    assert client.delete(url, headers=headers).status_code == 204
