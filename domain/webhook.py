"""Webhook endpoints and the deliveries of events to them (the Standard Webhooks
specification: docs/webhooks.md). A delivery is owed once per event and endpoint, tried until
the endpoint answers 2xx or the tries run out (then it is dead and can be replayed by hand);
a customer's deliveries to one endpoint go in the order of their events."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from uuid import UUID

import attrs

from domain.errors import ValidationError, WebhookRotationPending
from domain.events import EVENT_TYPES
from domain.timestamps import rfc3339

MAX_URL = 2048
MAX_DESCRIPTION = 200
MAX_ERROR = 300


class EndpointStatus(enum.StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"  # nothing more is fanned out to it; what is owed is not sent


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # owed: tried when due
    DELIVERED = "delivered"  # the endpoint answered 2xx
    DEAD = "dead"  # every try failed: kept, for a replay by hand


def checked_url(url: str, allow_http: bool) -> str:
    """An absolute https URL (http too when `allow_http`: development and tests on loopback)
    in ASCII (a path percent-encoded, a name in its IDNA form), without credentials, fragment
    or white space."""
    schemes = ("https", "http") if allow_http else ("https",)
    try:
        parts = urlsplit(url)
        good = len(url) <= MAX_URL and url.isascii() and url.isprintable() and " " not in url \
            and parts.scheme in schemes and bool(parts.hostname) and parts.port != 0 \
            and not (parts.username or parts.password or parts.fragment)
        if good and parts.hostname:
            parts.hostname.encode("idna")  # an empty label ("a..b"): UnicodeError
    except ValueError:  # a port that is not a number, a broken IPv6 address, a bad name
        good = False
    if not good:
        raise ValidationError(f"url must be an absolute {' or '.join(schemes)} URL of at most "
                              f"{MAX_URL} characters, without credentials or fragment",
                              field="url")
    return url


def checked_types(types: Iterable[str] | None) -> tuple[str, ...] | None:
    """The event types an endpoint asks for (None: all), each one the bank announces."""
    if types is None:
        return None
    chosen = tuple(sorted(set(types)))
    unknown = [t for t in chosen if t not in EVENT_TYPES]
    if not chosen or unknown:
        raise ValidationError(f"unknown event type {unknown[0]!r}" if unknown else
                              "name at least one event type, or none for all", field="types")
    return chosen


@attrs.frozen
class WebhookEndpoint:
    """Where events go. Its secret signs every delivery; after a rotation the previous secret
    signs too until `previous_until`, so a receiver can change its key without a gap. Secrets
    are kept sealed (application's SecretBox). `position`: the last event sequence already
    fanned out to it."""

    id: UUID
    url: str
    description: str
    types: tuple[str, ...] | None
    status: EndpointStatus
    secret_sealed: str
    position: int
    created_at: datetime
    updated_at: datetime
    created_by: UUID | None = None
    previous_secret_sealed: str | None = None
    previous_until: datetime | None = None

    def wants(self, event_type: str) -> bool:
        return self.types is None or event_type in self.types

    def signing_secrets(self, now: datetime) -> list[str]:
        """The sealed secrets that sign now: the current one, and the previous one during the
        overlap after a rotation."""
        if self.previous_secret_sealed is not None and self.previous_until is not None \
                and now < self.previous_until:
            return [self.secret_sealed, self.previous_secret_sealed]
        return [self.secret_sealed]

    def rotated(self, new_sealed: str, now: datetime, overlap: timedelta) -> WebhookEndpoint:
        """A new secret; the current one keeps signing beside it for `overlap`. Refused while
        the previous secret is still in its overlap (WebhookRotationPending): one endpoint keeps
        two secrets, so a second rotation then would drop the one receivers may still verify
        with, at once and without warning."""
        if self.previous_secret_sealed is not None and self.previous_until is not None \
                and now < self.previous_until:
            until = rfc3339(self.previous_until)
            raise WebhookRotationPending(
                f"the previous secret still signs until {until}: rotate again after then",
                endpoint_id=str(self.id), previous_secret_until=until)
        return attrs.evolve(self, secret_sealed=new_sealed,
                            previous_secret_sealed=self.secret_sealed,
                            previous_until=now + overlap, updated_at=now)

    def disabled(self, now: datetime) -> WebhookEndpoint:
        return attrs.evolve(self, status=EndpointStatus.DISABLED, updated_at=now)

    def enabled(self, now: datetime) -> WebhookEndpoint:
        return attrs.evolve(self, status=EndpointStatus.ACTIVE, updated_at=now)


@attrs.frozen
class RetryPolicy:
    """Tries and their spacing: exponential from `first_delay`, capped at `max_delay`, each
    delay drawn between half and all of its step ("equal jitter"), so endpoints that failed
    together are not all tried again at the same moment."""

    max_attempts: int = 8
    first_delay: timedelta = timedelta(seconds=10)
    max_delay: timedelta = timedelta(hours=1)
    timeout: timedelta = timedelta(seconds=10)  # one try's wait for the answer
    lease: timedelta = timedelta(seconds=60)  # a dispatcher's hold on a delivery it sends

    def delay(self, attempt: int, jitter: float) -> timedelta:
        """The wait after failed try number `attempt` (1, 2, ...); `jitter` in [0, 1)."""
        step = min(self.max_delay, self.first_delay * (1 << min(attempt - 1, 30)))
        return step * (0.5 + jitter / 2)


def printable(reason: str | None) -> str | None:
    """A failed try's reason as the bank keeps it: at most MAX_ERROR characters, white space a
    space and every other unprintable character (an escape sequence, a bidi override) a `?`.
    Much of it is the receiver's own words (a status line, a TLS alert), and operators read it
    in terminals and pages."""
    if reason is None:
        return None
    return "".join(c if c.isprintable() else " " if c.isspace() else "?"
                   for c in reason[:MAX_ERROR])


@attrs.frozen
class AttemptResult:
    """One try: the HTTP status (None when no answer came), how long it took, and why it
    failed (None when it did not), made printable whoever reports it."""

    status_code: int | None
    latency_ms: int
    error: str | None = attrs.field(default=None, converter=printable)

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@attrs.frozen
class Delivery:
    """One event owed to one endpoint. `ordering_key`: the event's customer (or "" for events
    about no customer): only the oldest pending delivery of a key is sent."""

    id: UUID
    endpoint_id: UUID
    event_sequence: int
    event_id: UUID
    ordering_key: str
    body: str  # the event as JSON, fixed when it was fanned out: every try sends these bytes
    status: DeliveryStatus
    attempts: int  # tries since it was last owed (a replay starts again from none)
    next_attempt_at: datetime
    created_at: datetime
    tries: int = 0  # every try ever: the delivery log's numbering
    leased_until: datetime | None = None
    last_status_code: int | None = None
    last_latency_ms: int | None = None
    last_error: str | None = None
    delivered_at: datetime | None = None

    def tried(self, result: AttemptResult, now: datetime, policy: RetryPolicy,
              jitter: float) -> Delivery:
        attempts = self.attempts + 1
        base = attrs.evolve(self, attempts=attempts, tries=self.tries + 1, leased_until=None,
                            last_status_code=result.status_code,
                            last_latency_ms=result.latency_ms,
                            last_error=result.error[:MAX_ERROR] if result.error else None)
        if result.delivered:
            return attrs.evolve(base, status=DeliveryStatus.DELIVERED, delivered_at=now)
        if attempts >= policy.max_attempts:
            return attrs.evolve(base, status=DeliveryStatus.DEAD)
        return attrs.evolve(base, next_attempt_at=now + policy.delay(attempts, jitter))

    def replayed(self, now: datetime) -> Delivery:
        """Owed again from now, its tries counted afresh (its log keeps the earlier ones)."""
        return attrs.evolve(self, status=DeliveryStatus.PENDING, attempts=0,
                            next_attempt_at=now, leased_until=None, delivered_at=None)


@attrs.frozen
class DeliveryAttempt:
    """A line of the delivery log."""

    delivery_id: UUID
    attempt: int
    attempted_at: datetime
    status_code: int | None
    latency_ms: int
    error: str | None
