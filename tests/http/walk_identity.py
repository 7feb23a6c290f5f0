"""The OpenAPI walk's calls (test_openapi_walk.py) for two-step login and the operator API,
each reaching its documented success status on a bank whose policy takes staff actions at once
(the proposals it approves and rejects are made under the default policy, by hand)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import punq
import pyotp
from starlette.testclient import TestClient

from application.audit import AuditRecorder
from application.context import SYSTEM, RequestContext
from application.ports import Clock, IdGenerator, UnitOfWorkFactory
from application.use_cases import ManageTotp, ProposeStaffAction, StaffActions
from domain.customer import Role
from domain.staff_proposal import ApprovalPolicy, StaffAction
from tests.http.walk_world import API, login
from tests.support.banking import PASSWORD, account, customer
from tests.support.clock import SteppingClock

NOTIFICATIONS = "vaani.notifications"  # the LogNotifier's logger

Call = Callable[[TestClient], Any]


def _proposals(bank: punq.Container, operator: RequestContext, number: str) -> list[str]:
    """Two proposals under the bank's default policy: one to approve, one to reject."""
    propose = ProposeStaffAction(
        bank.resolve(UnitOfWorkFactory), bank.resolve(IdGenerator), bank.resolve(Clock),
        bank.resolve(AuditRecorder), bank.resolve(StaffActions), ApprovalPolicy())
    made = [propose.execute(StaffAction.RESTORE_VOICE, number, {}, "walk", operator)
            for _ in range(2)]
    return [str(p.id) for p in made if p is not None]


def identity_calls(client: TestClient, bank: punq.Container, clock: SteppingClock,
                   ops: dict[str, str], checker: dict[str, str]
                   ) -> dict[tuple[str, str], Call]:
    tara = customer(bank)  # two-step login, from scratch over HTTP
    auth = {"Authorization": f"Bearer {login(client, tara.customer_number)['access_token']}"}
    lost = customer(bank)  # lost her phone: staff turn two-step login off
    totp = bank.resolve(ManageTotp)
    totp.confirm(lost.id, pyotp.TOTP(totp.enrol(lost.id, PASSWORD, SYSTEM).secret)
                 .at(clock.now()), SYSTEM)
    other = customer(bank)  # the one staff work on
    empty = account(bank, other).account_number
    operator_id = customer(bank, Role.OPERATOR).id
    proposals = _proposals(bank, RequestContext(actor_id=operator_id), other.customer_number)
    state: dict[str, Any] = {}
    person = f"{API}/operator/customers/{other.customer_number}"

    def enrol(c: TestClient) -> Any:
        response = c.post(f"{API}/auth/totp", headers=auth, json={"password": PASSWORD})
        state["app"] = pyotp.TOTP(response.json()["secret"])
        return response

    def confirm(c: TestClient) -> Any:
        response = c.post(f"{API}/auth/totp/confirm", headers=auth,
                          json={"code": state["app"].at(clock.now())})
        state["codes"] = response.json()["recovery_codes"]
        return response

    def second_step(c: TestClient) -> Any:
        ticket = c.post(f"{API}/auth/login", json={
            "customer_number": tara.customer_number, "method": "password",
            "password": PASSWORD}).json()["login_ticket"]
        return c.post(f"{API}/auth/login/second-factor", json={
            "login_ticket": ticket, "recovery_code": state["codes"][0]})

    def new_codes(c: TestClient) -> Any:
        response = c.post(f"{API}/auth/totp/recovery-codes", headers=auth, json={
            "password": PASSWORD, "recovery_code": state["codes"][1]})
        state["codes"] = response.json()["recovery_codes"]
        return response

    def new_email(c: TestClient) -> Any:
        with _Heard() as heard:
            c.patch(f"{API}/me", headers=auth, json={"email": "tara.walk@example.in",
                                                    "password": PASSWORD})
        code = re.search(r"\b([0-9]{6})\b", heard.said("tara.walk@example.in"))
        assert code is not None
        return c.post(f"{API}/me/contact/confirm", headers=auth, json={"code": code.group(1)})

    def sessions_of_other(c: TestClient) -> Any:
        state["session"] = login(c, other.customer_number, "other-phone")["session_id"]
        login(c, other.customer_number, "other-phone")
        return c.get(f"{person}/sessions", headers=ops)

    return {
        (f"{API}/auth/totp", "get"): lambda c: c.get(f"{API}/auth/totp", headers=auth),
        (f"{API}/auth/totp", "post"): enrol,
        (f"{API}/auth/totp/confirm", "post"): confirm,
        (f"{API}/auth/login/second-factor", "post"): second_step,
        (f"{API}/auth/totp/recovery-codes", "post"): new_codes,
        (f"{API}/auth/totp/disable", "post"): lambda c: c.post(
            f"{API}/auth/totp/disable", headers=auth,
            json={"password": PASSWORD, "recovery_code": state["codes"][0]}),
        (f"{API}/operator/customers", "get"): lambda c: c.get(
            f"{API}/operator/customers?q={other.customer_number}", headers=ops),
        (f"{API}/operator/customers/{{customer_number}}", "get"): lambda c: c.get(
            person, headers=ops),
        (f"{API}/operator/customers/{{customer_number}}/freeze", "post"): lambda c: c.post(
            f"{person}/freeze", headers=ops),
        (f"{API}/operator/customers/{{customer_number}}/unfreeze", "post"): lambda c: c.post(
            f"{person}/unfreeze", headers=ops),
        (f"{API}/operator/customers/{{customer_number}}/kyc", "post"): lambda c: c.post(
            f"{person}/kyc", headers=ops, json={"status": "full"}),
        (f"{API}/operator/customers/{{customer_number}}/voice/restore", "post"): lambda c: c.post(
            f"{person}/voice/restore", headers=ops),
        (f"{API}/operator/customers/{{customer_number}}/second-factor/reset", "post"):
            lambda c: c.post(f"{API}/operator/customers/{lost.customer_number}/second-factor/"
                             "reset", headers=ops),
        (f"{API}/operator/customers/{{customer_number}}/sessions", "get"): sessions_of_other,
        (f"{API}/operator/customers/{{customer_number}}/sessions/{{session_id}}", "delete"):
            lambda c: c.delete(f"{person}/sessions/{state['session']}", headers=ops),
        (f"{API}/operator/customers/{{customer_number}}/sessions", "delete"): lambda c: c.delete(
            f"{person}/sessions", headers=ops),
        (f"{API}/operator/customers/{{customer_number}}/devices/{{identifier}}/revoke", "post"):
            lambda c: c.post(f"{person}/devices/other-phone/revoke", headers=ops),
        **{(f"{API}/operator/accounts/{{account_number}}/{verb}", "post"):
           (lambda v: lambda c: c.post(f"{API}/operator/accounts/{empty}/{v}", headers=ops))(verb)
           for verb in ("freeze", "unfreeze", "close")},
        (f"{API}/operator/proposals", "get"): lambda c: c.get(f"{API}/operator/proposals",
                                                             headers=ops),
        (f"{API}/operator/proposals/{{proposal_id}}", "get"): lambda c: c.get(
            f"{API}/operator/proposals/{proposals[0]}", headers=ops),
        (f"{API}/operator/proposals/{{proposal_id}}/approve", "post"): lambda c: c.post(
            f"{API}/operator/proposals/{proposals[0]}/approve", headers=checker),
        (f"{API}/operator/proposals/{{proposal_id}}/reject", "post"): lambda c: c.post(
            f"{API}/operator/proposals/{proposals[1]}/reject", headers=checker),
        (f"{API}/me", "get"): lambda c: c.get(f"{API}/me", headers=auth),
        (f"{API}/me", "patch"): lambda c: c.patch(f"{API}/me", headers=auth,
                                                 json={"first_name": "Tarini"}),
        (f"{API}/me/contact/confirm", "post"): new_email,
        (f"{API}/me/export", "get"): lambda c: c.get(f"{API}/me/export", headers=auth),
        (f"{API}/me/erasure", "post"): lambda c: c.post(  # last of Tara's: it ends her login
            f"{API}/me/erasure", headers=auth, json={"password": PASSWORD}),
    }


class _Heard(logging.Handler):
    """What the log notifier says while it is listened to (how the walk reads a sent code)."""

    def __enter__(self) -> _Heard:
        self.lines: list[str] = []
        logging.getLogger(NOTIFICATIONS).addHandler(self)
        logging.getLogger(NOTIFICATIONS).setLevel(logging.INFO)
        return self

    def __exit__(self, *_: object) -> None:
        logging.getLogger(NOTIFICATIONS).removeHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def said(self, address: str) -> str:
        return " ".join(line for line in self.lines if address in line)
