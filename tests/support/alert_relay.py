"""The alert tests' mail relay on loopback and what they read of the alert feed: the bank's
SMTP settings point at a port where nothing listens until a test starts a server there."""

from __future__ import annotations

import logging
from email.message import Message

import punq
import pytest

from application.ports import Clock, UnitOfWorkFactory
from application.use_cases import TransferCommand, TransferMoney
from application.use_cases.send_alerts import CONSUMER
from domain.customer import Customer
from tests.support.banking import inr
from tests.support.messages import free_port

SENDER = "alerts@vaani.example.in"
# The fixtures, for `from tests.support.alert_relay import *` (pytest finds them by name).
__all__ = ["bank_env", "notifications", "relay_port"]


@pytest.fixture
def relay_port() -> int:
    """Where the bank's mail relay listens; nothing does until a test starts it."""
    return free_port()


@pytest.fixture
def bank_env(relay_port: int) -> dict[str, str]:
    return {"VAANI_SMTP_HOST": "127.0.0.1", "VAANI_SMTP_PORT": str(relay_port),
            "VAANI_SMTP_FROM": SENDER}


@pytest.fixture(autouse=True)
def notifications(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="vaani.notifications")


def pay(bank: punq.Container, payer: Customer, source: str, target: str, amount: str) -> None:
    bank.resolve(TransferMoney).execute(TransferCommand(
        customer_id=payer.id, from_account_number=source, to_account_number=target,
        amount=inr(amount)))


def position(bank: punq.Container) -> int:
    """Where the alert feed stands, read through its repository (claimed, then rolled back)."""
    now = bank.resolve(Clock).now()
    with bank.resolve(UnitOfWorkFactory)(write=True) as uow:
        found = uow.alerts.claim(CONSUMER, uow.audit.head().sequence, now, now)
    assert found is not None, "the feed is held"
    return int(found)


def subjects_to(messages: list[Message], who: Customer) -> list[str]:
    return [m["Subject"] for m in messages if who.email in m["To"]]
