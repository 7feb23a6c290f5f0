"""Revoking a device ends the sessions started on it, by the customer or by an operator, on the
memory, SQLite and PostgreSQL profiles: its access and refresh tokens stop at once; other
devices, and other customers naming the same identifier, keep theirs."""

from __future__ import annotations

import punq
import pytest

from application.context import DeviceInfo, RequestContext
from application.sessions import IssuedTokens
from application.use_cases import (
    Authenticate,
    ListAuditEvents,
    LogInWithPassword,
    ManageDevices,
    OperateDevices,
    RefreshSession,
    RevokeSessions,
)
from domain.customer import Customer
from domain.errors import Unauthorized
from tests.support.banking import PASSWORD, customer

HERE = RequestContext(ip="203.0.113.7", request_id="req-1")


def log_in(bank: punq.Container, who: Customer, device: str) -> IssuedTokens:
    return bank.resolve(LogInWithPassword).execute(who.customer_number, PASSWORD, HERE,
                                                   DeviceInfo(device))[0]


def works(bank: punq.Container, issued: IssuedTokens) -> bool:
    """Both of the session's tokens are still accepted (the refresh rotates it)."""
    try:
        bank.resolve(Authenticate).execute(issued.access_token)
    except Unauthorized:
        with pytest.raises(Unauthorized):
            bank.resolve(RefreshSession).execute(issued.refresh_token, HERE)
        return False
    bank.resolve(RefreshSession).execute(issued.refresh_token, HERE)
    return True


def revoked_details(bank: punq.Container) -> dict[str, str]:
    found = [e for e in bank.resolve(ListAuditEvents).execute(limit=100).items
             if e.action == "device.revoked"]
    assert len(found) == 1
    return dict(found[0].details)


def test_the_operator_revoking_a_phone_ends_its_sessions_only(bank: punq.Container) -> None:
    asha, ravi = customer(bank), customer(bank)
    phone, again = log_in(bank, asha, "shared-tablet"), log_in(bank, asha, "shared-tablet")
    laptop = log_in(bank, asha, "asha-laptop")
    ravis = log_in(bank, ravi, "shared-tablet")  # the same identifier, another customer's
    logged_out = log_in(bank, asha, "shared-tablet")
    bank.resolve(RevokeSessions).one(asha.id, logged_out.session.id, HERE, "logout")
    binding = bank.resolve(OperateDevices).revoke(asha.customer_number, "shared-tablet", HERE)
    assert binding.is_revoked
    assert not works(bank, phone) and not works(bank, again)
    assert works(bank, laptop) and works(bank, ravis)
    assert revoked_details(bank) == {"by": "operator", "sessions_ended": "2"}


def test_the_customer_revoking_a_phone_ends_its_sessions(bank: punq.Container) -> None:
    asha = customer(bank)
    phone, laptop = log_in(bank, asha, "asha-phone"), log_in(bank, asha, "asha-laptop")
    devices = bank.resolve(ManageDevices)
    stolen = next(b for b in devices.list(asha.id) if b.identifier == "asha-phone")
    devices.revoke(asha.id, stolen.id, HERE)
    assert not works(bank, phone) and works(bank, laptop)
    assert revoked_details(bank) == {"sessions_ended": "1"}
    later = log_in(bank, asha, "asha-phone")  # a password may still name it...
    assert later.session.device_id == "asha-phone" and works(bank, later)
    assert next(b for b in devices.list(asha.id) if b.identifier == "asha-phone").is_revoked
