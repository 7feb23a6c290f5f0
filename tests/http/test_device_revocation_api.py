"""Revoking a device over HTTP cuts it off at once, on every profile: the sessions started on it
end with it (access and refresh tokens), the customer's other devices keep theirs."""

from __future__ import annotations

import punq
from starlette.testclient import TestClient

from application.use_cases import ListAuditEvents
from tests.http.conftest import API
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import PASSWORD, customer


def login(client: TestClient, number: str, device: str) -> tuple[dict[str, str], str]:
    """A password login on `device`: its bearer header and its refresh token."""
    response = client.post(f"{API}/auth/login", json={
        "customer_number": number, "method": "password", "password": PASSWORD,
        "device": {"identifier": device, "label": "phone", "platform": "android"}})
    assert response.status_code == 200, response.text
    body = response.json()
    return {"Authorization": f"Bearer {body['access_token']}"}, body["refresh_token"]


def refresh(client: TestClient, token: str):  # type: ignore[no-untyped-def]
    return client.post(f"{API}/auth/refresh", json={"refresh_token": token})


def device_id(client: TestClient, headers: dict[str, str], identifier: str) -> str:
    items = client.get(f"{API}/device-bindings", headers=headers).json()["items"]
    return str(next(d["id"] for d in items if d["identifier"] == identifier))


def test_revoking_a_phone_ends_its_sessions_and_leaves_the_laptops(
        bank: punq.Container, client: TestClient) -> None:
    asha = customer(bank)
    phone, phone_refresh = login(client, asha.customer_number, "asha-phone-1")
    again, again_refresh = login(client, asha.customer_number, "asha-phone-1")  # two sessions
    laptop, laptop_refresh = login(client, asha.customer_number, "asha-laptop-1")
    for headers in (phone, again, laptop):
        assert client.get(f"{API}/auth/sessions", headers=headers).status_code == 200
    stolen = device_id(client, laptop, "asha-phone-1")
    assert client.delete(f"{API}/device-bindings/{stolen}", headers=laptop).status_code == 204
    for headers, token in ((phone, phone_refresh), (again, again_refresh)):
        assert_envelope(client.get(f"{API}/auth/sessions", headers=headers), 401, "unauthorized")
        assert_envelope(refresh(client, token), 401, "unauthorized")
    left = client.get(f"{API}/auth/sessions", headers=laptop)
    assert left.status_code == 200 and [s["device_id"] for s in left.json()["items"]] == \
        ["asha-laptop-1"]
    assert refresh(client, laptop_refresh).status_code == 200
    revoked = next(e for e in bank.resolve(ListAuditEvents).execute(limit=50).items
                   if e.action == "device.revoked")
    assert revoked.details["sessions_ended"] == "2"


def test_a_phone_revoking_itself_is_logged_out_and_may_log_in_again_by_password(
        bank: punq.Container, client: TestClient) -> None:
    """A password login may still name the revoked phone (the password is the factor): its
    new session works, and the binding stays revoked for the fraud screen to weigh."""
    asha = customer(bank)
    phone, phone_refresh = login(client, asha.customer_number, "asha-phone-1")
    mine = device_id(client, phone, "asha-phone-1")
    assert client.delete(f"{API}/device-bindings/{mine}", headers=phone).status_code == 204
    assert_envelope(client.get(f"{API}/device-bindings", headers=phone), 401, "unauthorized")
    assert_envelope(refresh(client, phone_refresh), 401, "unauthorized")
    fresh, fresh_refresh = login(client, asha.customer_number, "asha-phone-1")
    listed = client.get(f"{API}/device-bindings", headers=fresh).json()["items"]
    assert [(d["identifier"], d["trust"]) for d in listed] == [("asha-phone-1", "revoked")]
    assert refresh(client, fresh_refresh).status_code == 200
