"""Held, challenged, reviewed and blocked transfers over HTTP."""

from __future__ import annotations

from datetime import timedelta

import punq
import pyotp
from starlette.testclient import TestClient

from domain.customer import Role
from domain.timestamps import rfc3339
from tests.http.conftest import API, log_in
from tests.http.contract import assert_documented
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import PASSWORD, account, customer
from tests.support.clock import SteppingClock


def money(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "INR"}


def setup(client: TestClient, bank: punq.Container, clock: SteppingClock):  # type: ignore[no-untyped-def]
    asha, ravi = customer(bank), customer(bank)
    source = account(bank, asha, "100000.00").account_number
    payee = account(bank, ravi).account_number
    headers = log_in(client, asha.customer_number)
    assert client.post(f"{API}/upi/pin", headers=headers, json={"pin": "4826"}).status_code == 200
    clock.advance(timedelta(days=2))
    for _ in range(5):
        headers = log_in(client, asha.customer_number)  # tokens last 15 minutes
        response = client.post(f"{API}/accounts/{source}/transfer", headers=headers,
                               json={"to_account_number": payee, "amount": money("100.00")})
        assert response.status_code == 201, response.text
        clock.advance(timedelta(hours=3))
    return log_in(client, asha.customer_number), source, payee, asha.customer_number


def test_a_challenged_transfer_is_202_and_posts_after_the_pin(
        client: TestClient, bank: punq.Container, clock: SteppingClock) -> None:
    headers, source, payee, _ = setup(client, bank, clock)
    held = client.post(f"{API}/accounts/{source}/transfer", headers=headers,
                       json={"to_account_number": payee, "amount": money("5000.00")})
    assert held.status_code == 202, held.text
    assert_documented(client, "post", f"{API}/accounts/{{account_number}}/transfer", held)
    body = held.json()
    assert body["status"] == "challenge_required"
    assert body["challenge"]["methods"] == ["voice", "pin"] and body["challenge"]["expires_at"]
    balance = client.get(f"{API}/accounts/{source}/balance", headers=headers).json()
    assert balance["available_balance"] == money("94500.00")
    shown_response = client.get(f"{API}/transfers/{body['transfer_id']}", headers=headers)
    assert_documented(client, "get", f"{API}/transfers/{{transfer_id}}", shown_response)
    shown = shown_response.json()
    assert shown["assessment"]["decision"] == "challenge"
    assert any(r["code"] == "amount_anomaly" for r in shown["assessment"]["reasons"])
    answered = client.post(f"{API}/transfers/{body['transfer_id']}/challenge", headers=headers,
                           json={"pin": "4826"})
    assert answered.status_code == 200 and answered.json()["status"] == "completed"
    assert_documented(client, "post", f"{API}/transfers/{{transfer_id}}/challenge", answered)
    again = client.post(f"{API}/transfers/{body['transfer_id']}/challenge", headers=headers,
                        json={"pin": "4826"})
    assert_envelope(again, 409, "transfer_not_held")


def test_a_failed_challenge_voids_and_others_see_nothing(
        client: TestClient, bank: punq.Container, clock: SteppingClock) -> None:
    headers, source, payee, _ = setup(client, bank, clock)
    transfer_id = client.post(f"{API}/accounts/{source}/transfer", headers=headers, json={
        "to_account_number": payee, "amount": money("5000.00")}).json()["transfer_id"]
    stranger = log_in(client, customer(bank).customer_number)
    assert_envelope(client.get(f"{API}/transfers/{transfer_id}", headers=stranger), 404,
                    "transfer_not_found")
    assert_envelope(client.post(f"{API}/transfers/{transfer_id}/challenge", headers=stranger,
                                json={"pin": "4826"}), 404, "transfer_not_found")
    assert_envelope(client.post(f"{API}/transfers/{transfer_id}/challenge", headers=headers,
                                json={"pin": "1357"}), 401, "pin_invalid")
    voided = client.get(f"{API}/transfers/{transfer_id}", headers=headers)
    assert voided.json()["status"] == "voided" and voided.json()["void_reason"]
    assert_documented(client, "get", f"{API}/transfers/{{transfer_id}}", voided)
    balance = client.get(f"{API}/accounts/{source}/balance", headers=headers).json()
    assert balance["balance"] == balance["available_balance"] == money("99500.00")


def test_review_by_an_operator_and_a_block(client: TestClient, bank: punq.Container,
                                           clock: SteppingClock) -> None:
    headers, source, payee, _ = setup(client, bank, clock)
    client.post(f"{API}/upi/pin", headers=headers, json={"pin": "739152"})  # a PIN change
    held = client.post(f"{API}/accounts/{source}/transfer", headers=headers, json={
        "to_account_number": payee, "amount": money("5000.00")})
    assert held.status_code == 202 and held.json()["status"] == "pending_review"
    operator = log_in(client, customer(bank, Role.OPERATOR).customer_number)
    assert_envelope(client.get(f"{API}/operator/review", headers=headers), 403, "forbidden")
    queue_response = client.get(f"{API}/operator/review", headers=operator)
    assert_documented(client, "get", f"{API}/operator/review", queue_response)
    queue = queue_response.json()["items"]
    assert [q["transfer_id"] for q in queue] == [held.json()["transfer_id"]]
    assert queue[0]["assessment"]["score"] >= 70
    rejected = client.post(f"{API}/operator/review/{held.json()['transfer_id']}/reject",
                           headers=operator)
    assert rejected.status_code == 200 and rejected.json()["status"] == "voided"
    assert_documented(client, "post", f"{API}/operator/review/{{transfer_id}}/reject", rejected)
    blocked = client.post(f"{API}/accounts/{source}/transfer", headers=headers, json={
        "to_account_number": payee, "amount": money("100.00")})
    assert_envelope(blocked, 403, "transfer_blocked")
    assert client.get(f"{API}/operator/review", headers=operator).json()["items"] == []


def login(client: TestClient, customer_number: str, hardware: str) -> dict[str, str]:
    """A password login from Asha's phone, or from other hardware under its id."""
    response = client.post(f"{API}/auth/login", json={
        "customer_number": customer_number, "method": "password", "password": PASSWORD,
        "device": {"identifier": "ashas-phone", "fingerprint": hardware}})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_a_pin_the_password_just_set_answers_no_hold(
        client: TestClient, bank: punq.Container, clock: SteppingClock) -> None:
    """A password thief on other hardware under Asha's phone's id: the payment is held for a
    step-up, and a PIN set with the password is refused as its answer (401 pin_too_recent);
    the hold stays, the money does not move, and the PIN answers once it has settled."""
    _, source, payee, number = setup(client, bank, clock)
    login(client, number, "ashas-hardware")  # her phone, bound as it describes itself
    clock.advance(timedelta(days=2))  # no longer a recent security event
    thief = login(client, number, "thiefs-hardware")

    def pay() -> str:
        held = client.post(f"{API}/accounts/{source}/transfer", headers=thief, json={
            "to_account_number": payee, "amount": money("100.00")})
        assert held.status_code == 202 and held.json()["status"] == "challenge_required"
        return str(held.json()["transfer_id"])

    transfer_id = pay()
    assert client.post(f"{API}/upi/pin", headers=thief, json={
        "pin": "739152", "password": PASSWORD}).status_code == 200
    answered = client.post(f"{API}/transfers/{transfer_id}/challenge", headers=thief,
                           json={"pin": "739152"})
    refused = assert_envelope(answered, 401, "unauthorized")["error"]
    assert refused["info"]["reason"] == "pin_too_recent" and refused["info"]["usable_from"]
    assert "authenticator code" in refused["message"]
    assert_documented(client, "post", f"{API}/transfers/{{transfer_id}}/challenge", answered)
    shown = client.get(f"{API}/transfers/{transfer_id}", headers=thief).json()
    assert shown["status"] == "challenge_required"
    balance = client.get(f"{API}/accounts/{source}/balance", headers=thief).json()
    assert (balance["balance"], balance["available_balance"]) == (money("99500.00"),
                                                                  money("99400.00"))
    clock.advance(timedelta(days=1))
    thief = login(client, number, "thiefs-hardware")  # tokens last 15 minutes
    settled = client.post(f"{API}/transfers/{pay()}/challenge", headers=thief,
                          json={"pin": "739152"})  # a day on: the PIN is a factor of its own
    assert settled.status_code == 200 and settled.json()["status"] == "completed"


def test_an_authenticator_the_password_just_turned_on_answers_no_hold(
        client: TestClient, bank: punq.Container, clock: SteppingClock) -> None:
    """The same thief turns two-step login on with the password and a code from their own
    app: its code is refused as the hold's answer (401 totp_too_recent, usable_from a day on),
    the hold stays and the money does not move."""
    _, source, payee, number = setup(client, bank, clock)
    login(client, number, "ashas-hardware")
    clock.advance(timedelta(days=2))
    thief = login(client, number, "thiefs-hardware")
    held = client.post(f"{API}/accounts/{source}/transfer", headers=thief, json={
        "to_account_number": payee, "amount": money("100.00")})
    assert held.status_code == 202 and held.json()["status"] == "challenge_required"
    transfer_id = held.json()["transfer_id"]
    turned_on = clock.now()
    made = client.post(f"{API}/auth/totp", headers=thief, json={"password": PASSWORD})
    app = pyotp.TOTP(made.json()["secret"])
    assert client.post(f"{API}/auth/totp/confirm", headers=thief,
                       json={"code": app.at(clock.now())}).status_code == 200
    clock.advance(timedelta(seconds=30))  # the confirming code's step is spent
    answered = client.post(f"{API}/transfers/{transfer_id}/challenge", headers=thief,
                           json={"totp": app.at(clock.now())})
    refused = assert_envelope(answered, 401, "unauthorized")["error"]
    assert refused["info"] == {"reason": "totp_too_recent",
                               "usable_from": rfc3339(turned_on + timedelta(days=1))}
    assert "UPI PIN" in refused["message"]
    assert_documented(client, "post", f"{API}/transfers/{{transfer_id}}/challenge", answered)
    assert client.get(f"{API}/transfers/{transfer_id}", headers=thief).json()["status"] == \
        "challenge_required"
    balance = client.get(f"{API}/accounts/{source}/balance", headers=thief).json()
    assert (balance["balance"], balance["available_balance"]) == (money("99500.00"),
                                                                  money("99400.00"))
