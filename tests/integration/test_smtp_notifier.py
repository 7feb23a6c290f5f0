"""The SMTP notifier against a real SMTP server on loopback (aiosmtpd): a message reaches the
customer's address with the reset code in it and nowhere in the log; a server that is down
costs a log line, not an answer; an alert is mailed before `deliver_now` returns, or it raises
with the reason; a whole reset over HTTP with the code read out of the mail."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator

import punq
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from starlette.testclient import TestClient

from adapters.system.notifiers import LogNotifier
from adapters.system.smtp_notifier import SmtpNotifier, SmtpServer
from application.ports import NotificationFailed, Notifier, Recipient
from entrypoints.http.app import create_app
from entrypoints.setting_values import ConfigurationError
from entrypoints.settings import load_settings
from tests.conftest import TEST_ENV
from tests.http.conftest import API, log_in
from tests.support.banking import customer
from tests.support.messages import Mailbox, free_port, smtp_server, text_of, told

ASHA = Recipient(uuid.uuid4(), "Asha Rao", "asha@example.in")
SENDER = "no-reply@vaani.example.in"
NEW = "a brand new monsoon passphrase"


@pytest.fixture(autouse=True)
def notifications(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="vaani.notifications")


@pytest.fixture
def mail() -> Iterator[tuple[Mailbox, int]]:
    with smtp_server() as running:
        yield running


@pytest.fixture
def bank_env(mail: tuple[Mailbox, int]) -> dict[str, str]:
    return {"VAANI_SMTP_HOST": "127.0.0.1", "VAANI_SMTP_PORT": str(mail[1]),
            "VAANI_SMTP_FROM": SENDER}


def test_a_secret_reaches_the_mailbox_and_never_the_log(
        mail: tuple[Mailbox, int], caplog: pytest.LogCaptureFixture) -> None:
    mailbox, port = mail
    notifier = SmtpNotifier(SmtpServer("127.0.0.1", port, SENDER))
    notifier.deliver(ASHA, "Reset your password", "Your code:\n{secret}\n", secret="s3cr3t-c0de")
    notifier.close()
    (message,) = mailbox.wait_for(1)
    assert message["To"] == "Asha Rao <asha@example.in>" and message["From"] == SENDER
    assert message["Subject"] == "Reset your password" and message["Message-ID"]
    assert "s3cr3t-c0de" in text_of(message) and "{secret}" not in text_of(message)
    assert "s3cr3t-c0de" not in caplog.text
    assert told(caplog) == [{"customer_id": str(ASHA.customer_id),
                             "title": "Reset your password", "mailed": True}]


def test_a_server_that_is_down_costs_a_log_line_not_an_answer(
        caplog: pytest.LogCaptureFixture) -> None:
    notifier = SmtpNotifier(SmtpServer("127.0.0.1", free_port(), SENDER, timeout_seconds=2))
    notifier.deliver(ASHA, "Reset your password", "{secret}", secret="s3cr3t-c0de")  # no raise
    notifier.close()
    (failed,) = told(caplog)
    assert failed["mailed"] is False and failed["error"]
    assert "s3cr3t-c0de" not in caplog.text


def test_an_alert_is_mailed_before_deliver_now_returns(
        mail: tuple[Mailbox, int], caplog: pytest.LogCaptureFixture) -> None:
    mailbox, port = mail
    SmtpNotifier(SmtpServer("127.0.0.1", port, SENDER)).deliver_now(
        ASHA, "Debit alert", "INR 600.00 was debited.")
    (message,) = mailbox.messages  # accepted by the server already: nothing queued to wait for
    assert message["Subject"] == "Debit alert"
    assert told(caplog) == [{"customer_id": str(ASHA.customer_id), "title": "Debit alert",
                             "mailed": True}]


def test_an_alert_the_server_does_not_take_raises_with_the_reason(
        caplog: pytest.LogCaptureFixture) -> None:
    notifier = SmtpNotifier(SmtpServer("127.0.0.1", free_port(), SENDER, timeout_seconds=2))
    with pytest.raises(NotificationFailed) as failed:
        notifier.deliver_now(ASHA, "Debit alert", "INR 600.00 was debited.")
    assert failed.value.reason.startswith("ConnectionRefusedError")
    assert not failed.value.permanent and failed.value.code is None  # it may pass: try again
    assert told(caplog) == [{"customer_id": str(ASHA.customer_id), "title": "Debit alert",
                             "mailed": False, "error": failed.value.reason, "permanent": False}]
    assert "debited" not in caplog.text  # the reason, never the message


class _Answering(Mailbox):
    """A server answering MAIL FROM, RCPT TO and DATA as told (None: it takes them)."""

    def __init__(self) -> None:
        super().__init__()
        self.mail: str | None = None
        self.rcpt: str | None = None
        self.data: str | None = None

    async def handle_MAIL(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, mail_options: list[str]) -> str:
        envelope.mail_from = address
        return self.mail or "250 OK"

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        envelope.rcpt_tos.append(address)
        return self.rcpt or "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        return self.data or await super().handle_DATA(server, session, envelope)


@pytest.mark.parametrize(("step", "reply", "permanent"), [
    ("rcpt", "550 5.1.1 No such mailbox", True), ("data", "554 5.6.0 Rejected", True),
    ("rcpt", "451 4.3.0 Try again later", False), ("data", "452 4.3.1 Full", False),
    ("mail", "553 5.7.1 Sender refused", False)])  # the bank's sender, not the customer
def test_only_a_5xx_about_the_recipient_is_a_refusal_for_good(
        step: str, reply: str, permanent: bool, caplog: pytest.LogCaptureFixture) -> None:
    server = _Answering()
    setattr(server, step, reply)
    with smtp_server(mailbox=server) as (_, port), pytest.raises(NotificationFailed) as failed:
        SmtpNotifier(SmtpServer("127.0.0.1", port, SENDER)).deliver_now(
            ASHA, "Debit alert", "INR 600.00 was debited.")
    assert failed.value.permanent is permanent and failed.value.code == int(reply[:3])
    (logged,) = told(caplog)
    assert logged["permanent"] is permanent and ASHA.email not in logged["error"]


def test_it_logs_in_to_the_server_when_given_a_user(caplog: pytest.LogCaptureFixture) -> None:
    mailbox, port, seen = Mailbox(), free_port(), []

    def authenticate(server: object, session: object, envelope: object, mechanism: str,
                     data: object) -> AuthResult:
        assert isinstance(data, LoginPassword)
        seen.append((data.login, data.password))
        return AuthResult(success=data.password == b"mail-secret")

    controller = Controller(mailbox, hostname="127.0.0.1", port=port,
                            authenticator=authenticate, auth_require_tls=False)
    controller.start()
    try:
        notifier = SmtpNotifier(SmtpServer("127.0.0.1", port, SENDER, user="vaani",
                                           password="mail-secret"))
        notifier.deliver(ASHA, "Your password was changed", "It was.")
        notifier.close()
        assert len(mailbox.wait_for(1)) == 1 and seen == [(b"vaani", b"mail-secret")]
    finally:
        controller.stop()


def test_what_names_no_address_goes_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    notifier = SmtpNotifier(SmtpServer("127.0.0.1", free_port(), SENDER), LogNotifier())
    notifier.tell(ASHA.customer_id, "Standing order paid", "₹500 to Ravi")
    notifier.close()
    assert told(caplog) == [{"customer_id": str(ASHA.customer_id),
                             "title": "Standing order paid", "body": "₹500 to Ravi"}]


def test_smtp_settings_are_checked_at_start_up() -> None:
    base = {**TEST_ENV, "VAANI_PROFILE": "memory", "VAANI_SMTP_HOST": "mail.example.in"}
    with pytest.raises(ConfigurationError, match="VAANI_SMTP_FROM"):
        load_settings(base)
    with pytest.raises(ConfigurationError, match="go together"):
        load_settings({**base, "VAANI_SMTP_FROM": SENDER, "VAANI_SMTP_USER": "vaani"})
    with pytest.raises(ConfigurationError, match="VAANI_SMTP_PORT"):
        load_settings({**base, "VAANI_SMTP_FROM": SENDER, "VAANI_SMTP_PORT": "0"})
    smtp = load_settings({**base, "VAANI_SMTP_FROM": SENDER, "VAANI_SMTP_STARTTLS": "1",
                          "VAANI_SMTP_USER": "u", "VAANI_SMTP_PASSWORD": "mail-secret"}).smtp
    assert smtp == SmtpServer("mail.example.in", 587, SENDER, "u", "mail-secret", starttls=True)
    assert "mail-secret" not in repr(smtp)
    assert load_settings({**TEST_ENV, "VAANI_PROFILE": "memory"}).smtp is None


def test_a_whole_reset_over_http_with_the_code_read_out_of_the_mail(
        bank: punq.Container, mail: tuple[Mailbox, int], caplog: pytest.LogCaptureFixture
        ) -> None:
    notifier = bank.resolve(Notifier)
    assert isinstance(notifier, SmtpNotifier)
    mailbox, _ = mail
    person = customer(bank)
    with TestClient(create_app(bank), raise_server_exceptions=False) as client:
        asked = client.post(f"{API}/auth/password-reset",
                            json={"customer_number": person.customer_number})
        assert asked.status_code == 202, asked.text
        (message,) = mailbox.wait_for(1)
        assert message["To"].endswith(f"<{person.email}>")
        code = re.search(r"^ {4}(\S+)\s*$", text_of(message), re.MULTILINE)
        assert code is not None
        assert code.group(1) not in caplog.text
        done = client.post(f"{API}/auth/password-reset/confirm",
                           json={"token": code.group(1), "new_password": NEW})
        assert done.status_code == 204, done.text
        log_in(client, person.customer_number, NEW)
        notice = mailbox.wait_for(2)[1]
        assert notice["Subject"] == "Your password was reset"
    notifier.close()  # its last log line is this test's, not the next one's
