"""A webhook endpoint's secrets and a try's reason, as the domain keeps them: one rotation at a
time (a second within the overlap would drop the secret receivers still verify with), and a
reason that can carry no control character into an operator's terminal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.errors import WebhookRotationPending
from domain.webhook import MAX_ERROR, AttemptResult, EndpointStatus, WebhookEndpoint

AT = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
DAY = timedelta(hours=24)


def _endpoint() -> WebhookEndpoint:
    return WebhookEndpoint(id=uuid4(), url="https://hooks.example.in/v", description="",
                           types=None, status=EndpointStatus.ACTIVE, secret_sealed="first",
                           position=0, created_at=AT, updated_at=AT)


def test_a_second_rotation_within_the_overlap_is_refused_and_keeps_both_secrets() -> None:
    rotated = _endpoint().rotated("second", AT, DAY)
    assert rotated.signing_secrets(AT + DAY / 2) == ["second", "first"]
    with pytest.raises(WebhookRotationPending) as refused:
        rotated.rotated("third", AT + DAY / 2, DAY)
    assert refused.value.code == "webhook_rotation_pending"
    assert refused.value.info["previous_secret_until"] == "2026-12-08T10:00:00Z"
    assert "2026-12-08T10:00:00Z" in refused.value.message


def test_once_the_overlap_is_over_the_secret_rotates_again() -> None:
    rotated = _endpoint().rotated("second", AT, DAY)
    again = rotated.rotated("third", AT + DAY, DAY)
    assert again.signing_secrets(AT + DAY) == ["third", "second"]  # "first" had its overlap
    assert _endpoint().rotated("second", AT, timedelta(0)).rotated("third", AT, DAY) \
        .signing_secrets(AT) == ["third", "second"]  # no overlap configured: nothing to cut


def test_a_try_s_reason_is_kept_printable_and_short() -> None:
    said = "BadStatusLine: '\x1b]0;owned\x07\x1b[2J[bold]x[/bold]\u202e\r\n" + "y" * 400
    kept = AttemptResult(None, 5, said).error
    assert kept is not None and kept.isprintable() and len(kept) == MAX_ERROR
    assert kept.startswith("BadStatusLine: '?]0;owned??[2J[bold]x[/bold]?  y")
    assert AttemptResult(204, 5).error is None
