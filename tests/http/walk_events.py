"""The OpenAPI walk's calls (test_openapi_walk.py) for the event feeds and the operator's
webhooks, each reaching its documented success status."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import punq
from starlette.testclient import TestClient

from application.use_cases import DispatchEvents
from tests.http.walk_world import API
from tests.support.banking import account, customer

Call = Callable[[TestClient], Any]


def event_calls(bank: punq.Container, auth: dict[str, str], ops: dict[str, str]
                ) -> dict[tuple[str, str], Call]:
    hooks = f"{API}/operator/webhooks"
    state: dict[str, str] = {}

    def add(c: TestClient) -> Any:
        response = c.post(hooks, headers=ops, json={
            "url": "https://hooks.example.in/vaani", "description": "the walk",
            "types": ["transfer.posted", "dispute.opened"]})
        state["id"] = response.json()["id"]
        return response

    def deliveries(c: TestClient) -> Any:
        # A deposit's event owed to the endpoint (fanned out, never sent: nothing listens).
        account(bank, customer(bank), "10.00")
        bank.resolve(DispatchEvents).fan_out()
        response = c.get(f"{hooks}/{state['id']}/deliveries", headers=ops)
        state["delivery"] = response.json()["items"][0]["id"]
        return response

    return {
        (f"{API}/me/alerts", "get"): lambda c: c.get(f"{API}/me/alerts", headers=auth),
        (f"{API}/me/alerts", "put"): lambda c: c.put(f"{API}/me/alerts", headers=auth, json={
            "debit_above": "500.00", "credit_above": None, "reminders": False}),
        (f"{API}/events", "get"): lambda c: c.get(f"{API}/events?limit=5", headers=auth),
        (f"{API}/operator/events", "get"): lambda c: c.get(
            f"{API}/operator/events?type=transfer.posted&limit=5", headers=ops),
        (hooks, "post"): add,
        (hooks, "get"): lambda c: c.get(hooks, headers=ops),
        (f"{hooks}/{{endpoint_id}}", "get"): lambda c: c.get(f"{hooks}/{state['id']}",
                                                            headers=ops),
        (f"{hooks}/{{endpoint_id}}/deliveries", "get"): deliveries,
        (f"{API}/operator/webhook-deliveries/{{delivery_id}}/attempts", "get"): lambda c: c.get(
            f"{API}/operator/webhook-deliveries/{state['delivery']}/attempts", headers=ops),
        (f"{hooks}/{{endpoint_id}}/replay", "post"): lambda c: c.post(
            f"{hooks}/{state['id']}/replay", headers=ops, json={"delivery_id": state["delivery"]}),
        (f"{hooks}/{{endpoint_id}}/rotate-secret", "post"): lambda c: c.post(
            f"{hooks}/{state['id']}/rotate-secret", headers=ops),
        (f"{hooks}/{{endpoint_id}}/disable", "post"): lambda c: c.post(
            f"{hooks}/{state['id']}/disable", headers=ops),
        (f"{hooks}/{{endpoint_id}}/enable", "post"): lambda c: c.post(
            f"{hooks}/{state['id']}/enable", headers=ops),
    }

