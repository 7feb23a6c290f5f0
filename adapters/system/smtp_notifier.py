"""Mail through an SMTP server (stdlib smtplib): what a customer must read in their own
mailbox: a password reset code, an alert of money moving."""

from __future__ import annotations

import contextlib
import json
import logging
import smtplib
import ssl
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from uuid import UUID

import attrs

from adapters.system.notifiers import LogNotifier
from application.ports import NotificationFailed, Recipient
from domain.reminder import Notification

log = logging.getLogger("vaani.notifications")


@attrs.frozen
class SmtpServer:
    """Where mail goes out (VAANI_SMTP_*, docs/configuration.md)."""

    host: str
    port: int
    sender: str  # the From address
    user: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    starttls: bool = False  # upgrade the connection with STARTTLS (certificate checked)
    timeout_seconds: float = 10.0


class SmtpNotifier:
    """Mails `deliver`'s and `deliver_now`'s messages to the recipient's address; `send` and
    `tell` name only a customer id, so they go to the log as the LogNotifier writes them.

    `deliver` (a reset or sign-up code, a notice sent while answering a request) queues the mail
    for one background thread: an answer never waits for the mail server, so a slow one neither
    delays requests nor tells by the delay whether a customer exists; a failed send is logged,
    not retried: the customer asks again. `deliver_now` (an alert) mails on the caller's thread
    and returns only once the server accepted the message, raising NotificationFailed when it
    did not, so the alert stays owed; it says whether the server refused the recipient for good
    (`permanent`, see `_refused_for_good`). A failure is logged with its reason, never the
    message (it may carry a reset code)."""

    def __init__(self, server: SmtpServer, fallback: LogNotifier | None = None) -> None:
        self._server = server
        self._fallback = fallback or LogNotifier()
        self._sender = ThreadPoolExecutor(1, thread_name_prefix="vaani-smtp")

    def send(self, notification: Notification) -> None:
        self._fallback.send(notification)

    def tell(self, customer_id: UUID, title: str, body: str) -> None:
        self._fallback.tell(customer_id, title, body)

    def deliver(self, to: Recipient, subject: str, body: str, secret: str | None = None) -> None:
        if not to.email:  # a phone number: no SMS gateway is wired, the log has it (redacted)
            self._fallback.deliver(to, subject, body, secret)
            return
        message = self._message(to, subject, body, secret)
        self._sender.submit(self._queued, message, to.customer_id, subject)

    def deliver_now(self, to: Recipient, subject: str, body: str) -> None:
        if not to.email:  # the log takes it at once
            self._fallback.deliver_now(to, subject, body)
            return
        self._hand_over(self._message(to, subject, body, None), to.customer_id, subject)

    def close(self) -> None:
        """Wait for the mail queued so far to go out (or fail)."""
        self._sender.shutdown(wait=True)

    def _message(self, to: Recipient, subject: str, body: str,
                 secret: str | None) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._server.sender
        message["To"] = formataddr((to.name, to.email))
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain=self._server.sender.rpartition("@")[2] or None)
        message.set_content(body.replace("{secret}", secret) if secret is not None else body)
        return message

    def _queued(self, message: EmailMessage, customer_id: UUID, subject: str) -> None:
        with contextlib.suppress(NotificationFailed):  # logged; the customer asks again
            self._hand_over(message, customer_id, subject)

    def _hand_over(self, message: EmailMessage, customer_id: UUID, subject: str) -> None:
        server = self._server
        try:
            with smtplib.SMTP(server.host, server.port, timeout=server.timeout_seconds) as smtp:
                if server.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if server.user is not None:
                    smtp.login(server.user, server.password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            reason, permanent = _reason(error), _refused_for_good(error)
            log.error(json.dumps({"customer_id": str(customer_id), "title": subject,
                                  "mailed": False, "error": reason, "permanent": permanent}))
            raise NotificationFailed(reason, permanent=permanent, code=_code(error)) from None
        log.info(json.dumps({"customer_id": str(customer_id), "title": subject, "mailed": True}))


def _reason(error: Exception) -> str:
    """Why the server did not take a message, in its own words where it gave some: the error's
    name and the server's reply (or the system's), never the message."""
    name = type(error).__name__
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return f"{name}: {error.smtp_code} {text}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):  # its text is every address: codes only
        codes = sorted({str(code) for code, _ in error.recipients.values()})
        return f"{name}: {' '.join(codes)}"
    if isinstance(error, OSError) and error.strerror:
        return f"{name}: {error.strerror}"
    return f"{name}: {error}" if str(error) else name


def _refused_for_good(error: Exception) -> bool:
    """Whether the server refused this message's one recipient for good: a 5xx reply to RCPT
    TO (SMTPRecipientsRefused, every code 5xx), or to DATA (SMTPDataError; our messages have one
    recipient, so it is theirs). A 4xx, a refused sender or login, a dropped or refused
    connection may pass on a later try (RFC 5321 §4.2.1: only 5yz is permanent)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(_permanent(code) for code in codes)
    return isinstance(error, smtplib.SMTPDataError) and _permanent(error.smtp_code)


def _permanent(code: int) -> bool:
    return code // 100 == 5


def _code(error: Exception) -> int | None:
    """The server's reply code, where it gave one (the highest, if several recipients had)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        return max(code for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return int(error.smtp_code)
    return None
