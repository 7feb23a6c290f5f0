"""The event catalogue: which audit records announce which events, and what they publish."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

from domain.audit import AuditEvent, Outcome
from domain.events import CATALOGUE, EVENT_TYPES, actions_of, announce

ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def record(action: str, outcome: str = Outcome.SUCCESS, **details: str) -> AuditEvent:
    return AuditEvent(id=uuid4(), occurred_at=AT, action=action, outcome=outcome,
                      customer_id=uuid4(), resource="transfer:x", details=details, sequence=7)


def test_a_posting_announces_only_the_details_its_type_names() -> None:
    posted = announce(record("money.transfer", source="1", destination="2", amount="10.00",
                             currency="INR", channel="mobile", score="0.91", decision="allow"))
    assert posted is not None and posted.type == "transfer.posted" and posted.version == 1
    assert dict(posted.data) == {"kind": "transfer", "source": "1", "destination": "2",
                                 "amount": "10.00", "currency": "INR", "channel": "mobile"}
    assert posted.sequence == 7  # the record's place in the chain is the event's position


def test_an_outcome_or_detail_that_says_it_did_not_happen_announces_nothing() -> None:
    assert announce(record("money.transfer", Outcome.FAILURE)) is None
    assert announce(record("dispute.refund", status="investigating")) is None  # refund waits
    refunded = announce(record("dispute.refund", status="resolved_refunded", reversal="r"))
    assert refunded is not None and refunded.type == "dispute.resolved"
    assert announce(record("auth.login")) is None  # not announced at all
    locked = announce(record("auth.lockout", Outcome.DENIED, until="2026-12-06T12:15:00Z"))
    assert locked is not None and locked.data == {"until": "2026-12-06T12:15:00Z"}


def test_types_choose_their_actions() -> None:
    assert actions_of(frozenset({"dispute.resolved"})) == {
        "dispute.rejected", "dispute.refund", "dispute.refunded"}
    assert actions_of(None) == frozenset(CATALOGUE)


def _recorded_actions() -> set[str]:
    """The audit actions the application records, with its f-string families expanded."""
    text = "\n".join(p.read_text() for p in (ROOT / "application").rglob("*.py"))
    found = set(re.findall(r'"([a-z_]+(?:\.[a-z_]+)+)"', text))
    found |= {f"money.{k}" for k in ("transfer", "deposit", "withdrawal", "interest")}
    found |= {"money.transfer.held", "money.transfer.blocked"}
    found |= {f"standing_order.{s}" for s in ("paid", "retrying", "held", "failed")}
    found |= {f"account.{a}" for a in ("frozen", "unfrozen")}
    return found


def test_every_announced_action_is_one_the_bank_records() -> None:
    # A renamed audit action would silently stop its event: this fails instead.
    assert set(CATALOGUE) - _recorded_actions() == set()


def test_the_fraud_screens_security_events_are_ones_the_bank_records() -> None:
    # They were once named after an action no use case records: the rule never fired.
    from adapters.fraud.config import load_rules
    from application.fraud_screen import SECURITY_ACTIONS
    assert set(SECURITY_ACTIONS) - _recorded_actions() == set()
    assert load_rules().security_events <= SECURITY_ACTIONS


def test_every_type_is_documented_with_its_version_and_data() -> None:
    doc = (ROOT / "docs" / "events.md").read_text()
    for kind in EVENT_TYPES.values():
        row = f"| `{kind.name}` | {kind.version} | " + (
            ", ".join(f"`{f}`" for f in _documented_fields(kind.name)) or "—") + " |"
        assert row in doc, row


def _documented_fields(name: str) -> list[str]:
    """What an event of the type can carry: its type's details and the fixed data."""
    fields: list[str] = []
    for announced in CATALOGUE.values():
        if announced.type.name == name:
            for field in (*announced.type.fields, *announced.fixed):
                if field not in fields:
                    fields.append(field)
    return fields


def test_a_voice_enrolled_or_replaced_is_told_to_the_customer_as_a_security_change() -> None:
    """A voice answers held payments once it has settled: a thief's enrolment must reach the
    customer within that day, as a new PIN or authenticator does."""
    from application.alert_templates import render
    from domain.alerts import AlertKind, alerts_for
    for action, how in (("voice.enrolled", "enrolled"), ("voice.reenrolled", "replaced")):
        made = record(action, samples="3", model="m")
        event = announce(made)
        assert event is not None and event.type == "security.voice_changed"
        assert dict(event.data) == {"how": how}
        [alert] = alerts_for(event)
        assert alert.kind is AlertKind.SECURITY and alert.customer_id == made.customer_id
        subject, body = render(alert, "Asha")
        assert subject == f"Security alert: Your voice for voice login was {how}"
        assert "If this was not you, call the bank" in body
