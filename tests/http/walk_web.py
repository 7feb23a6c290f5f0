"""The walk's calls to the web app (/app): its pages and assets, and its cookie session, on a
client of its own so the session's cookies never ride on the walk's other calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import punq
import pyotp
from starlette.testclient import TestClient

from application.context import SYSTEM
from application.use_cases import ManageTotp
from tests.support.banking import PASSWORD, customer
from tests.support.clock import SteppingClock

Call = Callable[[TestClient], Any]


def web_calls(client: TestClient, bank: punq.Container, clock: SteppingClock
              ) -> dict[tuple[str, str], Call]:
    browser = TestClient(client.app, base_url="http://localhost")  # loopback: plain-HTTP cookies
    plain, careful = customer(bank), customer(bank)
    totp = bank.resolve(ManageTotp)
    codes = totp.confirm(careful.id, pyotp.TOTP(totp.enrol(careful.id, PASSWORD, SYSTEM)
                                                .secret).at(clock.now()), SYSTEM)
    csrf: dict[str, str] = {}

    def log_in(_: TestClient) -> Any:
        response = browser.post("/app/session", json={"customer_number": plain.customer_number,
                                                      "password": PASSWORD})
        csrf["token"] = response.json()["csrf_token"]
        return response

    def second_step(_: TestClient) -> Any:
        ticket = browser.post("/app/session", json={
            "customer_number": careful.customer_number, "password": PASSWORD}).json()
        return browser.post("/app/session/second-factor", json={
            "login_ticket": ticket["login_ticket"], "recovery_code": codes[0]})

    def refresh(_: TestClient) -> Any:
        return browser.post("/app/session/refresh", headers={"X-CSRF-Token": csrf["token"]})

    def sign_out(_: TestClient) -> Any:
        return browser.post("/app/session/logout", headers={"X-CSRF-Token": csrf["token"]})

    return {
        ("/app", "get"): lambda _: browser.get("/app"),
        ("/app/operator", "get"): lambda _: browser.get("/app/operator"),
        ("/app/static/{name}", "get"): lambda _: browser.get("/app/static/app.js"),
        ("/app/session", "post"): log_in,
        ("/app/session/refresh", "post"): refresh,
        ("/app/session/logout", "post"): sign_out,
        ("/app/session/second-factor", "post"): second_step,
    }
