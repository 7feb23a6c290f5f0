"""What the bank told customers, read where a real notifier put it: the `vaani.notifications`
log (the LogNotifier; a demo's shows reset codes) or a mailbox on loopback (SMTP)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message
from socket import socket
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

DEMO = {"VAANI_DEMO": "1"}  # the LogNotifier then writes reset (and sign-up) codes into its log


def told(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    """Every message the LogNotifier logged, oldest first."""
    return [json.loads(r.getMessage()) for r in caplog.records
            if r.name == "vaani.notifications"]


def to_address(caplog: pytest.LogCaptureFixture, address: str) -> list[dict[str, Any]]:
    """What the LogNotifier logged for one email address or phone number, oldest first."""
    return [m for m in told(caplog) if m.get("address") == address]


def code_sent_to(caplog: pytest.LogCaptureFixture, address: str) -> str:
    """The newest code a demo's LogNotifier logged for `address`."""
    codes = [m["secret"] for m in to_address(caplog, address) if "secret" in m]
    assert codes, f"no code was sent to {address}"
    return str(codes[-1])


def reset_code(caplog: pytest.LogCaptureFixture) -> str:
    """The newest secret a demo's LogNotifier logged (a reset code, a sign-up's code)."""
    codes = [m["secret"] for m in told(caplog) if "secret" in m]
    assert codes, "no code was logged"
    return str(codes[-1])


class Mailbox:
    """An aiosmtpd handler keeping every message it is handed."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        with self._arrived:
            self.messages.append(message_from_bytes(envelope.content))
            self._arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Message]:
        """The first `count` messages, once they have arrived."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{len(self.messages)} of {count} messages arrived"
                self._arrived.wait(left)
            return list(self.messages[:count])


def free_port() -> int:
    with socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(port: int | None = None, mailbox: Mailbox | None = None
                ) -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server on 127.0.0.1 and a free port (or `port`: a relay coming back up
    where it was down), and its mailbox."""
    mailbox, port = mailbox or Mailbox(), port or free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def text_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")
