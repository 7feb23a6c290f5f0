"""Walk every operation of /openapi.json and reach each status code it documents: the success
code with a valid request, and a 4XX with a refused one; each answer's body is the one its
schema in the document describes (tests/http/contract.py)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from starlette.testclient import TestClient

from application.use_cases import CashCommand, Deposit
from domain.money import Money
from domain.reversal import ReversalPolicy
from domain.staff_proposal import ApprovalPolicy
from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.http.app import create_app
from tests.conftest import settings_for
from tests.http.contract import assert_documented
from tests.http.walk_events import event_calls
from tests.http.walk_identity import identity_calls
from tests.http.walk_web import web_calls
from tests.http.walk_world import API, LOGIN_RATE, b64, login, setup
from tests.support.banking import PASSWORD, customer
from tests.support.clock import SteppingClock
from tests.support.messages import reset_code
from tests.support.voice import ToneVoiceEngine, tone

NEW = "a walker's new passphrase"


@pytest.fixture
def world() -> dict[str, Any]:
    clock = SteppingClock()
    # Every reversal waits for a second operator, so approve and reject have one to decide.
    # A demo's notifier logs the codes the walk then uses (a password reset's, a contact
    # change's); sign-up takes its two steps, so that the second has a code to confirm. Staff
    # actions are taken at once here (walk_identity.py makes its proposals by hand).
    settings = attrs.evolve(settings_for("sqlite:///unused.db", "memory", LOGIN_RATE), demo=True,
                            signup_verification=True,
                            reversal_policy=ReversalPolicy(approval_above="0.00"),
                            approval_policy=ApprovalPolicy(needed=frozenset()))
    bank = bootstrap(settings, clock=clock, voice_engine=ToneVoiceEngine())
    prepare_database(bank)
    return {"bank": bank, "clock": clock}


def test_every_documented_status_is_reached(world: dict[str, Any],
                                           caplog: pytest.LogCaptureFixture) -> None:
    bank, clock = world["bank"], world["clock"]
    caplog.set_level(logging.INFO, logger="vaani.notifications")
    with TestClient(create_app(bank)) as client:
        s = setup(client, bank, clock)
        walker = customer(bank)  # changes and resets a password of their own
        w = {"Authorization": f"Bearer {login(client, walker.customer_number)['access_token']}"}
        document = client.get("/openapi.json").json()
        a, ops, money = s["auth"], s["ops"], {"amount": "1.00", "currency": "INR"}
        reviewed = {}

        def review(c: TestClient, verdict: str) -> Any:
            c.post(f"{API}/upi/pin", headers=a, json={"pin": "739152", "password": PASSWORD})
            transfer = c.post(f"{API}/accounts/{s['source']}/transfer", headers=a, json={
                "to_account_number": s["payee"], "amount": {"amount": "7000.00",
                                                            "currency": "INR"}}).json()
            reviewed[verdict] = transfer["transfer_id"]
            return c.post(f"{API}/operator/review/{transfer['transfer_id']}/{verdict}",
                          headers=ops)

        beneficiary: dict[str, str] = {}
        reminder: dict[str, str] = {}
        reversal: dict[str, str] = {}
        dispute: dict[str, str] = {}
        order: dict[str, str] = {}
        opened: dict[str, str] = {}

        def open_account(c: TestClient) -> Any:
            response = c.post(f"{API}/accounts", headers=a, json={"account_type": "current"})
            opened["number"] = response.json()["account_number"]
            return response

        def add_order(c: TestClient) -> Any:
            response = c.post(f"{API}/standing-orders", headers=a, json={
                "from_account_number": s["source"], "to_account_number": s["payee"],
                "amount": money, "starts_at": "2027-06-01T09:00:00Z", "rrule": "FREQ=MONTHLY"})
            order["id"] = response.json()["id"]
            return response

        def change_order(c: TestClient, verb: str) -> Any:
            return c.post(f"{API}/standing-orders/{order['id']}/{verb}", headers=a)

        def open_dispute(c: TestClient) -> Any:
            response = c.post(f"{API}/transfers/{s['paid']}/dispute", headers=a, json={
                "reason": "duplicate", "description": "charged twice"})
            dispute["id"] = response.json()["dispute_id"]
            return response

        def propose(c: TestClient) -> Any:
            posted = bank.resolve(Deposit).execute(CashCommand(s["source"], Money(100))).transfer.id
            response = c.post(f"{API}/operator/transfers/{posted}/reversals", headers=ops,
                              json={"reason": "walk", "amount": {"amount": "0.50",
                                                                 "currency": "INR"}})
            reversal["id"] = response.json()["reversal_id"]
            return response

        def decide(c: TestClient, verdict: str) -> Any:
            propose(c)
            return c.post(f"{API}/operator/reversals/{reversal['id']}/{verdict}",
                          headers=s["checker"])

        def add_beneficiary(c: TestClient) -> Any:
            response = c.post(f"{API}/beneficiaries", headers=a, json={
                "name": "Walk", "account_number": "123456789012", "ifsc": "SBIN0001234"})
            beneficiary["id"] = response.json()["id"]
            return response

        def add_reminder(c: TestClient) -> Any:
            response = c.post(f"{API}/reminders", headers=a, json={
                "type": "CUSTOM", "title": "Walk", "due_at": "2027-01-01T09:00:00Z"})
            reminder["id"] = response.json()["id"]
            return response

        signed: dict[str, str] = {}

        def sign_up(c: TestClient) -> Any:
            response = c.post(f"{API}/auth/register", json={
                "first_name": "W", "last_name": "K", "email": "walk@example.in",
                "phone_number": "+919811122233", "password": "a walking passphrase"})
            signed["number"] = response.json()["customer_number"]
            return response

        ok: dict[tuple[str, str], Callable[[TestClient], Any]] = {
            ("/health", "get"): lambda c: c.get("/health"),
            ("/ready", "get"): lambda c: c.get("/ready"),
            ("/openapi.json", "get"): lambda c: c.get("/openapi.json"),
            ("/docs", "get"): lambda c: c.get("/docs"),
            ("/docs/assets/{name}", "get"): lambda c: c.get("/docs/assets/docs.js"),
            (f"{API}/auth/register", "post"): sign_up,
            (f"{API}/auth/register/confirm", "post"): lambda c: c.post(
                f"{API}/auth/register/confirm", json={"customer_number": signed["number"],
                                                      "code": reset_code(caplog)}),
            (f"{API}/auth/login", "post"): lambda c: c.post(f"{API}/auth/login", json={
                "customer_number": s["asha"].customer_number, "method": "password",
                "password": PASSWORD}),
            (f"{API}/auth/device-challenge", "post"): lambda c: c.post(
                f"{API}/auth/device-challenge", json={
                    "customer_number": s["asha"].customer_number,
                    "device_identifier": "walk-phone-1"}),
            (f"{API}/auth/refresh", "post"): lambda c: c.post(f"{API}/auth/refresh", json={
                "refresh_token": s["tokens"]["refresh_token"]}),
            (f"{API}/auth/sessions", "get"): lambda c: c.get(f"{API}/auth/sessions", headers=a),
            (f"{API}/auth/sessions/{{session_id}}", "delete"): lambda c: c.delete(
                f"{API}/auth/sessions/{s['other_session']}", headers=a),
            (f"{API}/accounts", "get"): lambda c: c.get(f"{API}/accounts", headers=a),
            (f"{API}/accounts/{{account_number}}/balance", "get"): lambda c: c.get(
                f"{API}/accounts/{s['source']}/balance", headers=a),
            (f"{API}/accounts/{{account_number}}/transactions", "get"): lambda c: c.get(
                f"{API}/accounts/{s['source']}/transactions", headers=a),
            (f"{API}/accounts/{{account_number}}/transfer", "post"): lambda c: c.post(
                f"{API}/accounts/{s['source']}/transfer", headers=a,
                json={"to_account_number": s["payee"], "amount": money}),
            (f"{API}/accounts/{{account_number}}/statement/download", "post"): lambda c: c.post(
                f"{API}/accounts/{s['source']}/statement/download", headers=a,
                json={"from": "2026-11-01", "to": "2026-12-31"}),
            (f"{API}/transfers/{{transfer_id}}/challenge", "post"): lambda c: c.post(  # before /upi/pin
                f"{API}/transfers/{s['held'][0]}/challenge", headers=a, json={"pin": "4826"}),
            (f"{API}/upi/pin", "post"): lambda c: c.post(f"{API}/upi/pin", headers=a, json={
                "pin": "4826", "password": PASSWORD}),
            (f"{API}/upi/verify-pin", "post"): lambda c: c.post(f"{API}/upi/verify-pin",
                                                               headers=a, json={"pin": "4826"}),
            (f"{API}/operator/audit", "get"): lambda c: c.get(f"{API}/operator/audit",
                                                             headers=ops),
            (f"{API}/device-bindings", "get"): lambda c: c.get(f"{API}/device-bindings",
                                                              headers=a),
            (f"{API}/device-bindings", "post"): lambda c: c.post(f"{API}/device-bindings",
                                                                headers=a,
                                                                json={"identifier": "tablet-77"}),
            (f"{API}/device-bindings/{{device_id}}", "patch"): lambda c: c.patch(
                f"{API}/device-bindings/{s['device']}", headers=a, json={"label": "phone"}),
            (f"{API}/device-bindings/{{device_id}}/voice", "post"): lambda c: c.post(
                f"{API}/device-bindings/{s['device']}/voice", headers=a,
                json={"samples": [b64(tone(440, seed=i)) for i in (1, 2, 3)]}),
            (f"{API}/transfers/{{transfer_id}}", "get"): lambda c: c.get(
                f"{API}/transfers/{s['held'][0]}", headers=a),
            (f"{API}/operator/review", "get"): lambda c: c.get(f"{API}/operator/review",
                                                              headers=ops),
            (f"{API}/operator/review/{{transfer_id}}/approve", "post"): lambda c: review(
                c, "approve"),
            (f"{API}/operator/review/{{transfer_id}}/reject", "post"): lambda c: review(
                c, "reject"),
            (f"{API}/operator/transfers/{{transfer_id}}/reversals", "post"): propose,
            (f"{API}/operator/reversals", "get"): lambda c: c.get(f"{API}/operator/reversals",
                                                                 headers=ops),
            (f"{API}/operator/reversals/{{reversal_id}}", "get"): lambda c: c.get(
                f"{API}/operator/reversals/{reversal['id']}", headers=ops),
            (f"{API}/operator/reversals/{{reversal_id}}/approve", "post"): lambda c: decide(
                c, "approve"),
            (f"{API}/operator/reversals/{{reversal_id}}/reject", "post"): lambda c: decide(
                c, "reject"),
            (f"{API}/transfers/{{transfer_id}}/dispute", "post"): open_dispute,
            (f"{API}/disputes", "get"): lambda c: c.get(f"{API}/disputes", headers=a),
            (f"{API}/disputes/{{dispute_id}}", "get"): lambda c: c.get(
                f"{API}/disputes/{dispute['id']}", headers=a),
            (f"{API}/operator/disputes", "get"): lambda c: c.get(
                f"{API}/operator/disputes?overdue=false", headers=ops),
            (f"{API}/operator/disputes/{{dispute_id}}", "get"): lambda c: c.get(
                f"{API}/operator/disputes/{dispute['id']}", headers=ops),
            (f"{API}/operator/disputes/{{dispute_id}}/investigate", "post"): lambda c: c.post(
                f"{API}/operator/disputes/{dispute['id']}/investigate", headers=ops),
            (f"{API}/operator/disputes/{{dispute_id}}/resolve", "post"): lambda c: c.post(
                f"{API}/operator/disputes/{dispute['id']}/resolve", headers=ops,
                json={"outcome": "rejected", "note": "the two charges are two orders"}),
            (f"{API}/standing-orders", "post"): add_order,
            (f"{API}/standing-orders", "get"): lambda c: c.get(f"{API}/standing-orders",
                                                              headers=a),
            (f"{API}/standing-orders/{{order_id}}", "get"): lambda c: c.get(
                f"{API}/standing-orders/{order['id']}", headers=a),
            (f"{API}/standing-orders/{{order_id}}/pause", "post"): lambda c: change_order(
                c, "pause"),
            (f"{API}/standing-orders/{{order_id}}/resume", "post"): lambda c: change_order(
                c, "resume"),
            (f"{API}/standing-orders/{{order_id}}/cancel", "post"): lambda c: change_order(
                c, "cancel"),
            (f"{API}/teller/accounts/{{account_number}}/deposit", "post"): lambda c: c.post(
                f"{API}/teller/accounts/{s['source']}/deposit", headers=s["teller"],
                json={"amount": money}),
            (f"{API}/teller/accounts/{{account_number}}/withdraw", "post"): lambda c: c.post(
                f"{API}/teller/accounts/{s['source']}/withdraw", headers=s["teller"],
                json={"amount": money}),
            (f"{API}/teller/till", "get"): lambda c: c.get(f"{API}/teller/till",
                                                          headers=s["teller"]),
            (f"{API}/accounts", "post"): open_account,
            (f"{API}/accounts/{{account_number}}/close", "post"): lambda c: c.post(
                f"{API}/accounts/{opened['number']}/close", headers=a),
            (f"{API}/transfers", "get"): lambda c: c.get(f"{API}/transfers?limit=5", headers=a),
            (f"{API}/beneficiaries", "get"): lambda c: c.get(f"{API}/beneficiaries", headers=a),
            (f"{API}/beneficiaries", "post"): add_beneficiary,
            (f"{API}/beneficiaries/{{beneficiary_id}}", "patch"): lambda c: c.patch(
                f"{API}/beneficiaries/{beneficiary['id']}", headers=a, json={"nickname": "W"}),
            (f"{API}/beneficiaries/{{beneficiary_id}}", "delete"): lambda c: c.delete(
                f"{API}/beneficiaries/{beneficiary['id']}", headers=a),
            (f"{API}/cards", "get"): lambda c: c.get(f"{API}/cards", headers=a),
            (f"{API}/cards/{{card_id}}/block", "post"): lambda c: c.post(
                f"{API}/cards/{s['card']}/block", headers=a),
            (f"{API}/cards/{{card_id}}/unblock", "post"): lambda c: c.post(
                f"{API}/cards/{s['card']}/unblock", headers=a),
            (f"{API}/reminders", "get"): lambda c: c.get(f"{API}/reminders", headers=a),
            (f"{API}/reminders", "post"): add_reminder,
            (f"{API}/reminders/{{reminder_id}}/status", "patch"): lambda c: c.patch(
                f"{API}/reminders/{reminder['id']}/status", headers=a,
                json={"status": "CANCELLED"}),
            (f"{API}/reminders/{{reminder_id}}", "delete"): lambda c: c.delete(
                f"{API}/reminders/{reminder['id']}", headers=a),
            (f"{API}/device-bindings/{{device_id}}", "delete"): lambda c: c.delete(
                f"{API}/device-bindings/{s['device']}", headers=a),
            (f"{API}/auth/sessions", "delete"): lambda c: c.delete(f"{API}/auth/sessions",
                                                                  headers=a),
            (f"{API}/auth/password", "post"): lambda c: c.post(f"{API}/auth/password", headers=w,
                                                              json={"current_password": PASSWORD,
                                                                    "new_password": NEW}),
            (f"{API}/auth/password-reset", "post"): lambda c: c.post(
                f"{API}/auth/password-reset", json={"customer_number": walker.customer_number}),
            (f"{API}/auth/password-reset/confirm", "post"): lambda c: c.post(
                f"{API}/auth/password-reset/confirm", json={"token": reset_code(caplog),
                                                            "new_password": PASSWORD}),
            (f"{API}/auth/logout", "post"): lambda c: c.post(f"{API}/auth/logout", headers=a),
        }
        keys = list(ok)  # the revocations, password changes and the logout stay last
        ending = keys[keys.index((f"{API}/device-bindings/{{device_id}}", "delete")):]
        last = {key: ok.pop(key) for key in ending}
        ok.update(identity_calls(client, bank, clock, ops, s["checker"]))
        ok.update(event_calls(bank, a, ops))
        ok.update(web_calls(client, bank, clock))
        ok.update(last)
        documented = {(path, method): op for path, ops_ in document["paths"].items()
                      for method, op in ops_.items()}
        assert set(ok) == set(documented), set(documented) ^ set(ok)
        for key, call in ok.items():  # in this order: logout and revocations come last
            path, method = key
            expected = next(code for code in documented[key]["responses"] if code.isdigit())
            if key in ((f"{API}/auth/logout", "post"), (f"{API}/auth/sessions", "delete")):
                fresh = login(client, s["asha"].customer_number)["access_token"]
                a.update({"Authorization": f"Bearer {fresh}"})  # the last ones end sessions
            response = call(client)
            assert str(response.status_code) == expected, (method, path, response.text[:300])
            assert_documented(document, method, path, response)
        known = {"account_number": s["source"], "transfer_id": s["held"][1], "card_id": s["card"],
                 "device_id": s["device"], "session_id": s["other_session"],
                 "customer_number": "0000000000"}
        for (path, method), op in documented.items():
            if "4XX" not in op["responses"]:
                continue
            concrete = re.sub(r"\{(\w+)\}", lambda m: known.get(m.group(1), "x"), path)
            refused = client.request(method.upper(), concrete, content=b"{not json",
                                     headers={"content-type": "application/json"})
            assert 400 <= refused.status_code < 500, (method, path, refused.status_code)
            assert_documented(document, method, path, refused)  # the error envelope
