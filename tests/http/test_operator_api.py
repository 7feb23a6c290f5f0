"""The operator API: customers found and shown, frozen and unfrozen through maker-checker, KYC,
voice, two-step login, sessions, devices and accounts; only staff who may operate customers
reach it, and every answer is what /openapi.json documents."""

from __future__ import annotations

import punq
import pyotp
from starlette.testclient import TestClient

from application.context import SYSTEM
from application.use_cases import ManageTotp
from domain.customer import KycStatus, Role
from tests.http.conftest import API, log_in
from tests.http.contract import assert_documented
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import PASSWORD, account, customer
from tests.support.clock import SteppingClock

OP = f"{API}/operator"


def _documented(client: TestClient, method: str, path: str, response: object) -> None:
    assert_documented(client, method, path, response)  # type: ignore[arg-type]


def test_finding_showing_freezing_and_unfreezing_with_a_second_operator(
        client: TestClient, bank: punq.Container) -> None:
    maya = log_in(client, customer(bank, Role.OPERATOR, "Maya").customer_number)
    chetan = log_in(client, customer(bank, Role.OPERATOR, "Chetan").customer_number)
    asha = customer(bank, first_name="Asharani")
    number = account(bank, asha, "500.00").account_number
    person = f"{OP}/customers/{asha.customer_number}"

    found = client.get(f"{OP}/customers?q=ashar", headers=maya)
    assert [c["customer_number"] for c in found.json()["items"]] == [asha.customer_number]
    _documented(client, "get", f"{OP}/customers", found)
    assert_envelope(client.get(f"{OP}/customers?q=", headers=maya), 422,  # type: ignore[arg-type]
                    "validation_error")
    shown = client.get(person, headers=maya)
    assert shown.json()["accounts"][0]["account_number"] == number
    assert shown.json()["two_step_login"] is False
    _documented(client, "get", f"{OP}/customers/{{customer_number}}", shown)
    assert_envelope(client.get(f"{OP}/customers/0000000000", headers=maya), 404,  # type: ignore[arg-type]
                    "customer_not_found")

    frozen = client.post(f"{person}/freeze", headers=maya)
    assert frozen.json() == {"customer_number": asha.customer_number, "frozen": True,
                             "accounts": [number]}
    _documented(client, "post", f"{OP}/customers/{{customer_number}}/freeze", frozen)
    assert_envelope(client.post(f"{person}/unfreeze", headers=maya), 422,  # type: ignore[arg-type]
                    "validation_error")  # a proposal says why
    proposed = client.post(f"{person}/unfreeze", headers=maya,
                           json={"reason": "identity checked on a call-back"})
    assert proposed.status_code == 202 and proposed.json()["status"] == "pending_approval"
    _documented(client, "post", f"{OP}/customers/{{customer_number}}/unfreeze", proposed)
    proposal = proposed.json()["proposal"]["id"]
    queue = client.get(f"{OP}/proposals?status=pending_approval", headers=chetan)
    assert [p["id"] for p in queue.json()["items"]] == [proposal]
    _documented(client, "get", f"{OP}/proposals", queue)
    assert_envelope(client.post(f"{OP}/proposals/{proposal}/approve", headers=maya),  # type: ignore[arg-type]
                    403, "same_operator")
    approved = client.post(f"{OP}/proposals/{proposal}/approve", headers=chetan)
    assert approved.json()["status"] == "done", approved.text
    _documented(client, "post", f"{OP}/proposals/{{proposal_id}}/approve", approved)
    shown_again = client.get(f"{OP}/proposals/{proposal}", headers=maya)
    _documented(client, "get", f"{OP}/proposals/{{proposal_id}}", shown_again)
    assert client.get(person, headers=maya).json()["accounts"][0]["status"] == "active"
    assert_envelope(client.post(f"{OP}/proposals/{proposal}/reject", headers=chetan),  # type: ignore[arg-type]
                    409, "proposal_decided")


def test_kyc_voice_two_step_login_sessions_devices_and_accounts(
        client: TestClient, bank: punq.Container, clock: SteppingClock) -> None:
    maya = log_in(client, customer(bank, Role.OPERATOR, "Maya").customer_number)
    asha = customer(bank, kyc=KycStatus.PENDING)
    person = f"{OP}/customers/{asha.customer_number}"
    kyc = client.post(f"{person}/kyc", headers=maya, json={"status": "min"})
    assert kyc.status_code == 200 and kyc.json()["status"] == "done"
    _documented(client, "post", f"{OP}/customers/{{customer_number}}/kyc", kyc)
    waiting = client.post(f"{person}/kyc", headers=maya, json={"status": "full", "reason": "ok"})
    assert waiting.status_code == 202
    _documented(client, "post", f"{OP}/customers/{{customer_number}}/kyc", waiting)
    voice = client.post(f"{person}/voice/restore", headers=maya, json={"reason": "video call"})
    assert voice.status_code == 202
    _documented(client, "post", f"{OP}/customers/{{customer_number}}/voice/restore", voice)
    totp = bank.resolve(ManageTotp)
    totp.confirm(asha.id, pyotp.TOTP(totp.enrol(asha.id, PASSWORD, SYSTEM).secret)
                 .at(clock.now()), SYSTEM)
    assert client.get(person, headers=maya).json()["two_step_login"] is True
    reset = client.post(f"{person}/second-factor/reset", headers=maya,
                        json={"reason": "lost phone, seen in branch"})
    assert reset.status_code == 202
    _documented(client, "post", f"{OP}/customers/{{customer_number}}/second-factor/reset", reset)
    rejected = client.post(f"{OP}/proposals/{reset.json()['proposal']['id']}/reject",
                           headers=maya)  # its maker withdraws it
    assert rejected.json()["status"] == "rejected"
    _documented(client, "post", f"{OP}/proposals/{{proposal_id}}/reject", rejected)

    account_holder = customer(bank).customer_number
    first = log_in(client, account_holder)
    own = log_in(client, account_holder)
    listed = client.get(f"{OP}/customers/{account_holder}/sessions", headers=maya)
    assert len(listed.json()["items"]) == 2
    one = client.delete(f"{OP}/customers/{account_holder}/sessions/{listed.json()['items'][0]['id']}",
                        headers=maya)
    assert one.status_code == 204
    _documented(client, "delete",
                f"{OP}/customers/{{customer_number}}/sessions/{{session_id}}", one)
    assert_envelope(client.delete(f"{OP}/customers/{account_holder}/sessions/not-a-uuid",  # type: ignore[arg-type]
                                  headers=maya), 404, "session_not_found")
    still = [h for h in (first, own) if client.get(f"{API}/accounts", headers=h).status_code == 200]
    assert len(still) == 1
    own = still[0]
    _documented(client, "get", f"{OP}/customers/{{customer_number}}/sessions", listed)
    ended = client.delete(f"{OP}/customers/{account_holder}/sessions", headers=maya)
    assert ended.json() == {"revoked": 1}
    _documented(client, "delete", f"{OP}/customers/{{customer_number}}/sessions", ended)
    assert client.get(f"{API}/accounts", headers=own).status_code == 401
    phone = log_in(client, account_holder)  # a new session on test-phone-1
    revoked = client.post(f"{OP}/customers/{account_holder}/devices/test-phone-1/revoke",
                          headers=maya)
    assert revoked.json()["revoked_at"] is not None
    assert client.get(f"{API}/accounts", headers=phone).status_code == 401  # ended with it
    _documented(client, "post",
                f"{OP}/customers/{{customer_number}}/devices/{{identifier}}/revoke", revoked)

    empty = account(bank, asha).account_number
    for verb, status in (("freeze", "frozen"), ("unfreeze", "active"), ("close", "closed")):
        answer = client.post(f"{OP}/accounts/{empty}/{verb}", headers=maya)
        assert answer.json()["status"] == status, answer.text
        _documented(client, "post", f"{OP}/accounts/{{account_number}}/{verb}", answer)


def test_only_staff_who_operate_customers_reach_it(client: TestClient,
                                                   bank: punq.Container) -> None:
    asha = customer(bank)
    for who in (asha, customer(bank, Role.TELLER, "Tara")):
        headers = log_in(client, who.customer_number)
        for method, path in (("get", f"{OP}/customers?q=a"), ("get", f"{OP}/proposals"),
                             ("post", f"{OP}/customers/{asha.customer_number}/freeze")):
            assert_envelope(getattr(client, method)(path, headers=headers), 403,  # type: ignore[arg-type]
                            "forbidden")
    admin = log_in(client, customer(bank, Role.ADMIN, "Ada").customer_number)
    assert client.get(f"{OP}/customers?q=Test", headers=admin).status_code == 200
