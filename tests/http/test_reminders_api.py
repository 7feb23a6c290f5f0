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


BAD_RULES = [  # each was answered 201 and then stopped every later `run-due`
    "FREQ=DAILY;INTERVAL=0", "FREQ=DAILY;INTERVAL=-1", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31",
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30,31", "FREQ=MONTHLY;BYDAY=+999MO",
    "FREQ=YEARLY;BYMONTHDAY=0", "FREQ=DAILY;INTERVAL=" + "9" * 30,
    "FREQ=MONTHLY;BYMONTHDAY=1;BYDAY=5MO", "FREQ=WEEKLY;BYDAY=MO,MO", "FREQ=DAILY;FREQ=WEEKLY",
    "FREQ=DAILY;WKST=MO", "FREQ=DAILY;", "FREQ=DAILY;COUNT=0", "FREQ=DAILY;UNTIL=20200101",
    "FREQ=DAILY;UNTIL=20270230", "FREQ=DAILY;BYDAY=1MO", "FREQ=YEARLY;INTERVAL=11",
    "FREQ=DAILY;INTERVAL=\u0663", "FREQ=DAILY;BYMONTHDAY=" + ",".join(["1"] * 80),
]


def test_a_rule_out_of_bounds_or_without_occurrence_is_refused(
        client: TestClient, bank: punq.Container) -> None:
    headers = log_in(client, customer(bank).customer_number)
    for rule in BAD_RULES:
        refused = client.post(f"{API}/reminders", headers=headers, json={
            "type": "CUSTOM", "title": "x", "due_at": "2026-12-01T09:00:00Z", "rrule": rule})
        assert refused.status_code == 422, (rule, refused.text)
        body = assert_envelope(refused, 422, "validation_error")
        assert body["error"]["info"] == {"field": "rrule"} and "rrule" in body["error"]["message"]
    assert client.get(f"{API}/reminders", headers=headers).json()["items"] == []


def test_rules_within_bounds_are_accepted(client: TestClient, bank: punq.Container) -> None:
    headers = log_in(client, customer(bank).customer_number)
    for rule in ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=MONTHLY;BYDAY=-1FR",
                 "FREQ=YEARLY;BYDAY=53MO,-53SU", "FREQ=DAILY;INTERVAL=3660;COUNT=9",
                 "FREQ=DAILY;COUNT=1000",
                 "freq=weekly;byday=mo,fr;until=20271231T000000Z", "FREQ=DAILY;UNTIL=20270101"):
        added = client.post(f"{API}/reminders", headers=headers, json={
            "type": "CUSTOM", "title": "x", "due_at": "2026-12-01T09:00:00Z", "rrule": rule})
        assert added.status_code == 201, (rule, added.text)
