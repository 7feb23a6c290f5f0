"""The event feeds and the operator's webhooks over HTTP: a customer reads their own events, staff
read everyone's and manage endpoints; secrets are shown once; every answer is documented."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import punq
from starlette.testclient import TestClient

from application.ports import UnitOfWorkFactory
from application.use_cases import DispatchEvents
from domain.customer import Role
from tests.http.conftest import API, log_in
from tests.http.contract import assert_documented
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import account, customer
from tests.support.clock import SteppingClock


def _pay(client: TestClient, auth: dict[str, str], source: str, target: str,
         amount: str) -> None:
    response = client.post(f"{API}/accounts/{source}/transfer", headers=auth, json={
        "to_account_number": target, "amount": {"amount": amount, "currency": "INR"}})
    assert response.status_code == 201, response.text


def test_a_customer_catches_up_on_their_own_events_with_the_poll_cursor(
        client: TestClient, bank: punq.Container) -> None:
    asha, ravi = customer(bank), customer(bank)
    source = account(bank, asha, "900.00").account_number
    target = account(bank, ravi).account_number
    me = log_in(client, asha.customer_number)
    first = client.get(f"{API}/events", headers=me)
    assert_documented(client, "get", f"{API}/events", first)  # type: ignore[arg-type]
    assert first.json()["next_cursor"] is None
    poll = first.json()["poll_cursor"]
    _pay(client, me, source, target, "12.50")
    later = client.get(f"{API}/events", headers=me, params={"cursor": poll})
    items = later.json()["items"]
    assert [(e["type"], e["data"]["amount"], e["customer_id"]) for e in items] == [
        ("transfer.posted", "12.50", str(asha.id))]
    # Ravi's feed is his own: Asha's payment is hers (he sees it in his transactions).
    theirs = client.get(f"{API}/events", headers=log_in(client, ravi.customer_number))
    assert all(e["customer_id"] == str(ravi.id) for e in theirs.json()["items"])
    assert_envelope(client.get(f"{API}/events", headers=me,  # type: ignore[arg-type]
                               params={"cursor": "not-ours"}), 422, "validation_error")
    assert_envelope(client.get(f"{API}/operator/events", headers=me),  # type: ignore[arg-type]
                    403, "forbidden")


def test_staff_register_an_endpoint_and_see_its_secret_once(
        client: TestClient, bank: punq.Container) -> None:
    olga = customer(bank, Role.OPERATOR)
    ops = log_in(client, olga.customer_number)
    hooks = f"{API}/operator/webhooks"
    made = client.post(hooks, headers=ops, json={"url": "https://hooks.example.in/v",
                                                 "types": ["transfer.posted"]})
    assert made.status_code == 201 and made.json()["secret"].startswith("whsec_")
    assert made.json()["created_by"] == str(olga.id)
    assert made.headers["cache-control"] == "no-store"
    assert_documented(client, "post", hooks, made)  # type: ignore[arg-type]
    listed = client.get(hooks, headers=ops).json()["items"]
    assert [(e["id"], e["created_by"]) for e in listed] == [(made.json()["id"], str(olga.id))]
    assert "secret" not in listed[0]
    assert_envelope(client.post(hooks, headers=ops,  # type: ignore[arg-type]
                                json={"url": "http://hooks.example.in/v"}),
                    422, "validation_error")  # plain http: not outside development
    assert_envelope(client.post(hooks, headers=ops,  # type: ignore[arg-type]
                                json={"url": "https://h.example.in/", "types": ["nope"]}),
                    422, "validation_error")
    assert_envelope(client.get(f"{hooks}/00000000-0000-0000-0000-000000000000",  # type: ignore[arg-type]
                               headers=ops), 404, "webhook_not_found")
    teller = log_in(client, customer(bank, Role.TELLER).customer_number)
    assert_envelope(client.get(hooks, headers=teller), 403, "forbidden")  # type: ignore[arg-type]
    mine = log_in(client, customer(bank).customer_number)
    assert_envelope(client.post(hooks, headers=mine,  # type: ignore[arg-type]
                                json={"url": "https://x.example.in/"}), 403, "forbidden")


def test_a_second_rotation_waits_for_the_first_one_s_overlap_to_end(
        client: TestClient, bank: punq.Container, clock: SteppingClock) -> None:
    number = customer(bank, Role.OPERATOR).customer_number
    ops = log_in(client, number)
    hooks = f"{API}/operator/webhooks"
    made = client.post(hooks, headers=ops, json={"url": "https://hooks.example.in/v"}).json()
    rotate = f"{hooks}/{made['id']}/rotate-secret"
    first = client.post(rotate, headers=ops)
    assert first.status_code == 200, first.text
    until = first.json()["previous_secret_until"]
    clock.advance(timedelta(hours=1))
    ops = log_in(client, number)  # the clock moved past the first access token's life
    refused = assert_envelope(client.post(rotate, headers=ops),  # type: ignore[arg-type]
                              409, "webhook_rotation_pending")
    assert refused["error"]["info"]["previous_secret_until"] == until
    assert client.get(f"{hooks}/{made['id']}", headers=ops).json()["previous_secret_until"] \
        == until  # nothing changed: the first rotation's secrets both still sign
    clock.advance(timedelta(hours=24))  # past VAANI_WEBHOOK_SECRET_OVERLAP_HOURS
    ops = log_in(client, number)
    again = client.post(rotate, headers=ops)
    assert again.status_code == 200 and again.json()["secret"] != first.json()["secret"]


def test_a_delivery_being_sent_is_refused_a_replay(
        client: TestClient, bank: punq.Container, clock: SteppingClock) -> None:
    ops = log_in(client, customer(bank, Role.OPERATOR).customer_number)
    hook = client.post(f"{API}/operator/webhooks", headers=ops, json={
        "url": "https://hooks.example.in/v", "types": ["transfer.posted"]}).json()["id"]
    asha = customer(bank)
    source = account(bank, asha, "100.00").account_number
    _pay(client, log_in(client, asha.customer_number), source,
         account(bank, customer(bank)).account_number, "5.00")
    bank.resolve(DispatchEvents).fan_out()
    owed = client.get(f"{API}/operator/webhooks/{hook}/deliveries",
                      headers=ops).json()["items"][0]["id"]
    with bank.resolve(UnitOfWorkFactory)(write=True) as uow:  # a dispatcher sending it now
        now = clock.now()
        assert uow.webhooks.claim(UUID(owed), now, now + timedelta(minutes=1)) is not None
        uow.commit()
    refused = client.post(f"{API}/operator/webhooks/{hook}/replay", headers=ops,
                          json={"delivery_id": owed})
    assert_envelope(refused, 409, "webhook_delivery_in_flight")
    assert refused.json()["error"]["info"] == {"delivery_id": owed}
    assert_documented(client, "post", f"{API}/operator/webhooks/{{endpoint_id}}/replay",
                      refused)  # type: ignore[arg-type]
    clock.advance(timedelta(minutes=2))  # the lease ran out: the dispatcher is gone
    again = client.post(f"{API}/operator/webhooks/{hook}/replay", headers=ops,
                        json={"delivery_id": owed})
    assert again.status_code == 200 and again.json() == {"replayed": 1}
