"""The headers /openapi.json documents are the ones the API sends and reads: Idempotency-Key on
the operations that honour it, Idempotent-Replayed on their replays, Retry-After on a 429."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from starlette.testclient import TestClient

from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.http.app import create_app
from tests.conftest import settings_for
from tests.http.conftest import API
from tests.http.contract import assert_documented

TRANSFER = f"{API}/accounts/{{account_number}}/transfer"


def _header_schema(headers: dict[str, Any], name: str) -> Draft202012Validator:
    return Draft202012Validator(headers[name]["schema"])


def test_idempotency_key_is_documented_where_it_is_read(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    reading = {(path, method) for path, ops in document["paths"].items()
               for method, op in ops.items()
               if any(p["name"] == "Idempotency-Key" and p["in"] == "header"
                      for p in op.get("parameters", []))}
    assert reading == {(TRANSFER, "post"),
                       (f"{API}/teller/accounts/{{account_number}}/deposit", "post"),
                       (f"{API}/teller/accounts/{{account_number}}/withdraw", "post"),
                       (f"{API}/standing-orders", "post"),
                       (f"{API}/operator/transfers/{{transfer_id}}/reversals", "post")}
    for path, method in reading:
        assert "409" in document["paths"][path][method]["responses"]  # a key reused elsewhere


def test_a_replayed_transfer_says_so_in_the_documented_header(
        client: TestClient, asha: tuple[dict[str, str], str, str]) -> None:
    headers, savings, current = asha
    document = client.get("/openapi.json").json()
    url = f"{API}/accounts/{savings}/transfer"
    body = {"to_account_number": current, "amount": {"amount": "5.00", "currency": "INR"}}
    keyed = {**headers, "Idempotency-Key": "tour-0001"}
    first = client.post(url, headers=keyed, json=body)
    again = client.post(url, headers=keyed, json=body)
    assert first.status_code == again.status_code == 201
    assert "idempotent-replayed" not in first.headers
    assert again.json()["transfer_id"] == first.json()["transfer_id"]
    documented = document["paths"][TRANSFER]["post"]["responses"]["201"]["headers"]
    _header_schema(documented, "Idempotent-Replayed").validate(again.headers["idempotent-replayed"])
    assert_documented(document, "post", TRANSFER, again)
    conflict = client.post(url, headers=keyed, json={**body, "amount": {
        "amount": "6.00", "currency": "INR"}})
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "idempotency_conflict"
    assert_documented(document, "post", TRANSFER, conflict)
    # The documented bound is the one enforced: 255 characters pass, 256 are refused.
    key = next(p for p in document["paths"][TRANSFER]["post"]["parameters"]
               if p["name"] == "Idempotency-Key")
    assert key["schema"]["maxLength"] == 255
    longest = client.post(url, headers={**headers, "Idempotency-Key": "k" * 255}, json=body)
    too_long = client.post(url, headers={**headers, "Idempotency-Key": "k" * 256}, json=body)
    assert (longest.status_code, too_long.status_code) == (201, 422)


def test_a_refusal_to_slow_down_carries_the_documented_retry_after() -> None:
    # A bank of its own, with a per-address limit of two calls.
    settings = settings_for("sqlite:///unused.db", "memory", {"VAANI_AUTH_RATE_PER_IP": "2"})
    bank = bootstrap(settings)
    prepare_database(bank)
    with TestClient(create_app(bank)) as client:
        document = client.get("/openapi.json").json()
        answers = [client.post(f"{API}/auth/login", json={
            "customer_number": "0000000001", "method": "password", "password": "wrong one"})
            for _ in range(3)]
        assert [a.status_code for a in answers] == [401, 401, 429]
        refused = answers[-1]
        error_headers = document["components"]["responses"]["Error"]["headers"]
        _header_schema(error_headers, "Retry-After").validate(refused.headers["retry-after"])
        assert int(refused.headers["retry-after"]) >= 1
        assert_documented(document, "post", f"{API}/auth/login", refused)
