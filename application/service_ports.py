"""Ports to services outside the bank's data: time, identifiers, hashing, tokens, voice,
recurrence rules and notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

import attrs

from domain.customer import Customer, Role
from domain.reminder import Notification
from domain.voice import VoiceChannel, VoiceSample


class Clock(Protocol):
    """The current time, timezone-aware UTC."""

    def now(self) -> datetime: ...


class IdGenerator(Protocol):
    """New identifiers: UUIDs, and the numbers the bank prints on cards and statements."""

    def new_id(self) -> UUID: ...
    def new_customer_number(self) -> str: ...
    def new_account_number(self) -> str: ...
    def new_secret(self) -> str: ...
    def new_code(self) -> str:
        """Six random digits: a code a person reads in a message and types."""

    def new_digits(self, count: int) -> str:
        """`count` random digits: what a person reads off a screen and says (a spoken
        challenge)."""


class PasswordHasher(Protocol):
    """One-way password hashing (argon2id in production)."""

    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...
    def needs_rehash(self, password_hash: str) -> bool: ...


@attrs.frozen
class TokenClaims:
    """What an access token says about its bearer."""

    customer_id: UUID
    session_id: UUID
    roles: tuple[Role, ...]
    token_id: str
    issued_at: datetime
    expires_at: datetime


class TokenService(Protocol):
    """Issues and checks signed access tokens."""

    def issue(self, customer: Customer, session_id: UUID) -> tuple[str, int]: ...
    def read(self, token: str) -> TokenClaims: ...


class VoiceEngine(Protocol):
    """Turns a recording into a speaker embedding, refusing unusable audio."""

    model: str

    def analyse(self, audio: bytes) -> VoiceSample: ...
    def warm_up(self) -> None: ...


class DigitRecogniser(Protocol):
    """Hears spoken digits in a recording, offline: the spoken challenge's half of a voice
    answer (the speaker model is the other half). `languages`: the customers' preferred
    languages (ISO 639-1) it hears; `channels`: the audio channels it hears them over."""

    languages: frozenset[str]
    channels: frozenset[VoiceChannel]

    def hear(self, audio: bytes) -> str:
        """The digits heard, in order ("" when none); raises ValidationError for audio it
        cannot read, as VoiceEngine.analyse does."""
        ...

    def warm_up(self) -> None: ...


class Recurrence(Protocol):
    """RFC 5545 recurrence rules (a documented subset). `check` refuses a rule that is malformed,
    out of bounds or without an occurrence from `start`; `next_after` answers None when the rule
    has ended and raises ValidationError when no next occurrence can be found within its bounded
    search, so that no rule can keep a caller busy."""

    def check(self, rule: str, start: datetime) -> None: ...
    def next_after(self, rule: str, start: datetime, after: datetime) -> datetime | None: ...


@attrs.frozen
class Recipient:
    """Whom a message goes to and where: the caller looks the customer up, so an adapter that
    mails needs no database."""

    customer_id: UUID
    name: str
    email: str  # "" when the message is for a phone number (`phone`)
    phone: str | None = None

    @classmethod
    def of(cls, customer: Customer) -> Recipient:
        return cls(customer.id, f"{customer.first_name} {customer.last_name}".strip(),
                   customer.email)

    @classmethod
    def at(cls, customer: Customer, address: str) -> Recipient:
        """The customer, at an address that is not (yet, or any more) on their profile."""
        name = f"{customer.first_name} {customer.last_name}".strip()
        return cls(customer.id, name, address) if "@" in address else \
            cls(customer.id, name, "", phone=address)

    @property
    def address(self) -> str:
        return self.email or self.phone or ""


class NotificationFailed(Exception):
    """The carrier (the mail relay) did not take a message; `reason` says why, never what the
    message said. `permanent`: the carrier refused this recipient for good (a mailbox that does
    not exist or is closed), so trying again cannot help, where anything else (the carrier down
    or busy, a refusal not about the recipient) may pass on a later try; the adapter decides,
    as only it knows its carrier's replies. `code`: the carrier's reply code, where it gave one
    (SMTP's 550): what an operator following up reads, without the address or the message."""

    def __init__(self, reason: str, *, permanent: bool = False, code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.code = code


class Notifier(Protocol):
    """Tells a customer something (push, SMS, e-mail: whatever the adapter reaches)."""

    def send(self, notification: Notification) -> None: ...
    def tell(self, customer_id: UUID, title: str, body: str) -> None:
        """A message that is its own record elsewhere (a standing order's occurrence)."""
    def deliver(self, to: Recipient, subject: str, body: str, secret: str | None = None) -> None:
        """A message to the customer's own contact. With a `secret` (a reset token) the body
        names its place as `{secret}`: the adapter puts it there for the customer's eyes only,
        and never writes it where anyone else reads (a production log). It may return before
        the message leaves, and a message that then fails is only logged: for a code the
        customer can ask for again."""
    def deliver_now(self, to: Recipient, subject: str, body: str) -> None:
        """A message that must not be lost (an alert): returns once the carrier has taken it
        (the mail relay accepted it), raises NotificationFailed otherwise, so the caller can
        keep it owed and try again, or set it aside when the recipient is refused for good
        (`permanent`)."""


class TotpCodes(Protocol):
    """RFC 6238's mechanics: a new base32 secret, the code of a time step, what an
    authenticator app scans (an `otpauth://` URI, drawn as an SVG QR code), and recovery codes
    (12 base32 characters from a CSPRNG)."""

    def new_secret(self) -> str: ...
    def code(self, secret: str, step: int) -> str: ...
    def provisioning_uri(self, secret: str, account: str, issuer: str) -> str: ...
    def qr_svg(self, uri: str) -> str: ...
    def new_recovery_code(self) -> str: ...


class SecretBox(Protocol):
    """Seals a secret the bank must read back (an authenticator's): authenticated encryption
    under a key held outside the database, so a copy of the database alone reveals nothing."""

    def seal(self, plain: str) -> str: ...
    def open(self, sealed: str) -> str: ...
