"""The requests that answered 500 in a hostile review of query, path and body parameters: each
is now a validation_error (or not found) naming the parameter. Runs on every profile; the
hypothesis fuzz of each kind is test_parameter_fuzz.py."""

from __future__ import annotations

import base64

import punq
import pytest
from starlette.testclient import TestClient

from domain.customer import Role
from tests.http.conftest import API, log_in
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import account, customer


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


# Each answered 500 once: '²' passes str.isdigit but not int(); int() refuses 4,300+ digits;
# a cursor past BIGINT overflowed the database driver; a day after 9999-12-31 or a zone's
# offset before year 1 or after 9999 overflowed datetime.
HOSTILE_QUERIES = {
    "unicode digit limit": {"limit": "\u00b2"}, "arabic digit limit": {"limit": "\u0663"},
    "5,000-digit limit": {"limit": "9" * 5000}, "huge limit": {"limit": "9" * 20},
    "cursor past BIGINT": {"cursor": _cursor("v1:9999999999999999999")},
    "cursor of 2**63": {"cursor": _cursor("v1:9223372036854775808")},
    "cursor of 5,000 digits": {"cursor": _cursor("v1:" + "9" * 5000)},
    "cursor with a unicode digit": {"cursor": _cursor("v1:\u00b2")},
    "to the last day": {"to": "9999-12-31"}, "from the last day": {"from": "9999-12-31"},
    "from before year 1 in UTC": {"from": "0001-01-01T00:00:00+14:00"},
    "to before year 1 in UTC": {"to": "0001-01-01T00:00:00+14:00"},
    "from after 9999 in UTC": {"from": "9999-12-31T23:59:59-14:00"},
    "to after 9999 in UTC": {"to": "9999-12-31T23:59:59-14:00"},
    "a week date": {"from": "2026-W01-1"}, "unicode digits in a date": {"from": "\u0662026-01-01"},
}


@pytest.mark.parametrize("name", list(HOSTILE_QUERIES))
def test_hostile_query_parameters_are_validation_errors(client: TestClient, bank: punq.Container,
                                                        name: str) -> None:
    asha = customer(bank)
    source = account(bank, asha, "100.00").account_number
    headers = log_in(client, asha.customer_number)
    query = HOSTILE_QUERIES[name]
    body = assert_envelope(client.get(f"{API}/accounts/{source}/transactions", params=query,
                                      headers=headers), 422, "validation_error")
    assert body["error"]["info"]["field"] == next(iter(query))
    if set(query) <= {"limit", "cursor"}:  # the operators' lists read the same parameters
        operator = log_in(client, customer(bank, Role.OPERATOR).customer_number)
        for path in ("operator/audit", "operator/review") if "limit" in query else ("operator/audit",):
            assert_envelope(client.get(f"{API}/{path}", params=query, headers=operator), 422,
                            "validation_error")


def test_an_account_number_no_account_could_have_is_not_found(client: TestClient,
                                                              bank: punq.Container) -> None:
    # A NUL character reached PostgreSQL, which cannot even be asked about it: 500.
    asha = customer(bank)
    source = account(bank, asha, "100.00").account_number
    headers = log_in(client, asha.customer_number)
    money = {"amount": "1.00", "currency": "INR"}
    for number in ("%00", "1%0A2", "9" * 35, "%C2%B2"):
        for response in (
                client.get(f"{API}/accounts/{number}/balance", headers=headers),
                client.get(f"{API}/accounts/{number}/transactions", headers=headers),
                client.post(f"{API}/accounts/{number}/transfer", headers=headers,
                            json={"to_account_number": source, "amount": money}),
                client.post(f"{API}/accounts/{number}/statement/download", headers=headers,
                            json={"from": "2026-01-01", "to": "2026-01-31"})):
            assert_envelope(response, 404, "account_not_found")


@pytest.mark.parametrize("dates", [("9999-12-30", "9999-12-31"), ("0001-01-01", "2026-01-01"),
                                   ("20260101", "20260131"), ("2026-02-30", "2026-03-01")])
def test_statement_dates_out_of_range_are_validation_errors(
        client: TestClient, bank: punq.Container, dates: tuple[str, str]) -> None:
    asha = customer(bank)
    source = account(bank, asha, "100.00").account_number
    response = client.post(f"{API}/accounts/{source}/statement/download",
                           headers=log_in(client, asha.customer_number),
                           json={"from": dates[0], "to": dates[1]})
    assert_envelope(response, 422, "validation_error")


@pytest.mark.parametrize("due_at", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00",
                                    "9999-12-31T23:59:59Z", "2026-12-01T09:00:00+24:00",
                                    "2026-12-01T09:00:00.1234567890Z", "20261201T090000Z"])
def test_reminder_times_out_of_range_are_validation_errors(
        client: TestClient, bank: punq.Container, due_at: str) -> None:
    headers = log_in(client, customer(bank).customer_number)
    response = client.post(f"{API}/reminders", headers=headers, json={
        "type": "CUSTOM", "title": "x", "due_at": due_at})
    body = assert_envelope(response, 422, "validation_error")
    assert "due_at" in str(body["error"]["info"])
