"""The customer's own profile and data over HTTP (GET/PATCH /me, the contact code, the export,
erasure), every answer held to /openapi.json; nothing of another customer's is ever reachable."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import punq
import pytest
from starlette.testclient import TestClient

from application.use_cases import CashCommand, Withdraw
from domain.customer import Role
from tests.http.conftest import API, log_in
from tests.http.contract import assert_documented
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import PASSWORD, account, customer, inr
from tests.support.messages import DEMO, code_sent_to, to_address

ME = f"{API}/me"

@pytest.fixture
def bank_env() -> dict[str, str]:
    """A demo's notifier: its log shows the codes it sends, where these tests read them."""
    return DEMO


@pytest.fixture(autouse=True)
def notifications(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.INFO, logger="vaani.notifications"):
        yield caplog


def test_the_profile_is_seen_and_changed_and_a_new_email_needs_its_code(
        client: TestClient, bank: punq.Container,
        notifications: pytest.LogCaptureFixture) -> None:
    asha = customer(bank, first_name="Asha")
    headers = log_in(client, asha.customer_number)
    seen = client.get(ME, headers=headers)
    assert seen.status_code == 200 and seen.json()["customer_number"] == asha.customer_number
    assert_documented(client, "get", ME, seen)  # type: ignore[arg-type]
    renamed = client.patch(ME, headers=headers, json={"last_name": "Rao",
                                                      "preferred_language": "ta"})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["pending_contact_change"] is None
    assert renamed.json()["customer"]["last_name"] == "Rao"
    assert_documented(client, "patch", ME, renamed)  # type: ignore[arg-type]
    asked = client.patch(ME, headers=headers, json={"email": "asha.rao@example.in",
                                                     "password": PASSWORD})
    assert asked.status_code == 202, asked.text
    assert asked.json()["pending_contact_change"]["field"] == "email"
    assert asked.json()["customer"]["email"] == asha.email  # not yet
    assert_documented(client, "patch", ME, asked)  # type: ignore[arg-type]
    code = code_sent_to(notifications, "asha.rao@example.in")
    wrong = client.post(f"{ME}/contact/confirm", headers=headers,
                        json={"code": "000000" if code != "000000" else "111111"})
    assert_envelope(wrong, 422, "contact_code_invalid")
    assert_documented(client, "post", f"{ME}/contact/confirm", wrong)  # type: ignore[arg-type]
    done = client.post(f"{ME}/contact/confirm", headers=headers, json={"code": code})
    assert done.status_code == 200 and done.json()["email"] == "asha.rao@example.in"
    assert_documented(client, "post", f"{ME}/contact/confirm", done)  # type: ignore[arg-type]
    again = client.post(f"{ME}/contact/confirm", headers=headers, json={"code": code})
    assert_envelope(again, 409, "contact_change_not_pending")
    assert_envelope(client.patch(ME, headers=headers, json={"preferred_language": "xx"}),
                    422, "validation_error")
    assert_envelope(client.patch(ME, headers=headers, json={"nickname": "A"}),
                    422, "validation_error")


def test_a_taken_email_gets_the_same_answer_and_its_holder_no_code(
        client: TestClient, bank: punq.Container,
        notifications: pytest.LogCaptureFixture) -> None:
    asha, ravi = customer(bank), customer(bank)
    headers = log_in(client, asha.customer_number)
    free = client.patch(ME, headers=headers, json={"email": "nobody.yet@example.in",
                                                   "password": PASSWORD})
    taken = client.patch(ME, headers=headers, json={"email": ravi.email, "password": PASSWORD})
    assert free.status_code == taken.status_code == 202
    assert set(free.json()) == set(taken.json())
    assert not to_address(notifications, ravi.email)


def test_the_export_is_an_attachment_with_everything_and_nothing_of_anyone_else(
        client: TestClient, bank: punq.Container) -> None:
    asha, ravi = customer(bank), customer(bank)
    mine, theirs = account(bank, asha, "500.00"), account(bank, ravi, "70.00")
    headers = log_in(client, asha.customer_number)
    paid = client.post(f"{API}/accounts/{mine.account_number}/transfer", headers=headers,
                       json={"to_account_number": theirs.account_number,
                             "amount": {"amount": "25.00", "currency": "INR"}})
    assert paid.status_code == 201, paid.text
    ravi_headers = log_in(client, ravi.customer_number)
    client.post(f"{API}/accounts/{theirs.account_number}/transfer", headers=ravi_headers,
                json={"to_account_number": mine.account_number,
                      "amount": {"amount": "5.00", "currency": "INR"}})
    found = client.get(f"{ME}/export", headers=headers)
    assert found.status_code == 200, found.text
    assert found.headers["content-disposition"].startswith("attachment;")
    assert found.headers["cache-control"] == "no-store"
    assert_documented(client, "get", f"{ME}/export", found)  # type: ignore[arg-type]
    body = found.json()
    assert body["customer"]["customer_number"] == asha.customer_number
    assert [a["account_number"] for a in body["accounts"]] == [mine.account_number]
    assert {e["account_number"] for e in body["ledger_entries"]} == {mine.account_number}
    assert len(body["ledger_entries"]) == 3 and len(body["transfers"]) == 1
    assert body["audit_events"] and body["sessions"]
    text = json.dumps(body)
    assert ravi.email not in text and ravi.customer_number not in text  # not Ravi's
    assert all(e["customer_id"] == str(asha.id) for e in body["audit_events"])
    # Another customer's accounts stay not found (404, never 403) from this caller.
    assert_envelope(client.get(f"{API}/accounts/{theirs.account_number}/balance",
                               headers=headers), 404, "account_not_found")


def test_erasure_is_refused_while_money_is_held_then_ends_the_login(
        client: TestClient, bank: punq.Container) -> None:
    asha, ravi = customer(bank), customer(bank)
    mine, theirs = account(bank, asha, "30.00"), account(bank, ravi, "70.00")
    headers = log_in(client, asha.customer_number)
    assert_envelope(client.post(f"{ME}/erasure", headers=headers, json={"password": "nope"}),
                    401, "unauthorized")
    refused = client.post(f"{ME}/erasure", headers=headers, json={"password": PASSWORD})
    assert_envelope(refused, 409, "erasure_refused")
    assert refused.json()["error"]["info"]["accounts"] == [mine.account_number]
    assert_documented(client, "post", f"{ME}/erasure", refused)  # type: ignore[arg-type]
    bank.resolve(Withdraw).execute(CashCommand(mine.account_number, inr("30.00")))
    done = client.post(f"{ME}/erasure", headers=headers, json={"password": PASSWORD})
    assert done.status_code == 200, done.text
    assert done.json() == {"erased": True, "customer_number": asha.customer_number,
                           "accounts_closed": [mine.account_number], "sessions_ended": 1}
    assert_documented(client, "post", f"{ME}/erasure", done)  # type: ignore[arg-type]
    assert_envelope(client.get(ME, headers=headers), 401, "unauthorized")
    login = client.post(f"{API}/auth/login", json={
        "customer_number": asha.customer_number, "method": "password", "password": PASSWORD})
    assert_envelope(login, 401, "invalid_credentials")
    # Ravi's account is his as before.
    ravi_headers = log_in(client, ravi.customer_number)
    balance = client.get(f"{API}/accounts/{theirs.account_number}/balance",
                         headers=ravi_headers)
    assert balance.json()["balance"]["amount"] == "70.00"


def test_every_profile_endpoint_needs_a_login_and_staff_cannot_export_or_erase(
        client: TestClient, bank: punq.Container) -> None:
    for method, path in (("get", ME), ("patch", ME), ("post", f"{ME}/contact/confirm"),
                         ("get", f"{ME}/export"), ("post", f"{ME}/erasure")):
        assert_envelope(client.request(method.upper(), path, json={}), 401, "unauthorized")
    operator = customer(bank, role=Role.OPERATOR)
    headers = log_in(client, operator.customer_number)
    assert client.get(ME, headers=headers).status_code == 200  # their own profile
    assert_envelope(client.get(f"{ME}/export", headers=headers), 403, "forbidden")
    assert_envelope(client.post(f"{ME}/erasure", headers=headers, json={"password": PASSWORD}),
                    403, "forbidden")
