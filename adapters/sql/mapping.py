"""Explicit row <-> entity mapping: entities stay plain attrs classes."""

from __future__ import annotations

import json
from typing import Any

from domain.account import Account, AccountStatus, AccountType
from domain.audit import AuditEvent
from domain.contact_change import ContactChange, ContactField
from domain.customer import Customer, KycStatus, RiskSegment, Role
from domain.ledger import Channel, EntryType, LedgerEntry
from domain.login_attempts import LoginAttempts
from domain.money import Money
from domain.session import RefreshToken, Session
from domain.transfer import Transfer, TransferKind, TransferStatus


def customer_row(c: Customer) -> dict[str, Any]:
    return {
        "id": c.id, "customer_number": c.customer_number, "first_name": c.first_name,
        "last_name": c.last_name, "email": c.email, "phone_number": c.phone_number,
        "password_hash": c.password_hash, "role": c.role.value, "kyc_status": c.kyc_status.value,
        "preferred_language": c.preferred_language, "date_of_birth": c.date_of_birth,
        "created_at": c.created_at, "risk_segment": c.risk_segment.value,
        "aadhaar_last4": c.aadhaar_last4, "pan": c.pan, "upi_pin_hash": c.upi_pin_hash,
        "pin_failures": c.pin_failures, "pin_blocked_until": c.pin_blocked_until,
        "pin_set_at": c.pin_set_at,
        "disabled_at": c.disabled_at, **_contact_change_row(c.contact_change),
        "erased_at": c.erased_at,
    }


def _contact_change_row(change: ContactChange | None) -> dict[str, Any]:
    return {"contact_change_field": change.field.value if change else None,
            "contact_change_value": change.value if change else None,
            "contact_change_code_hash": change.code_hash if change else None,
            "contact_change_expires_at": change.expires_at if change else None}


def _contact_change(r: Any) -> ContactChange | None:
    if r.contact_change_field is None:
        return None
    return ContactChange(ContactField(r.contact_change_field), r.contact_change_value,
                         r.contact_change_code_hash, r.contact_change_expires_at)


def to_customer(r: Any) -> Customer:
    return Customer(
        id=r.id, customer_number=r.customer_number, first_name=r.first_name,
        last_name=r.last_name, email=r.email, phone_number=r.phone_number,
        password_hash=r.password_hash, role=Role(r.role), created_at=r.created_at,
        kyc_status=KycStatus(r.kyc_status), preferred_language=r.preferred_language,
        date_of_birth=r.date_of_birth, risk_segment=RiskSegment(r.risk_segment),
        aadhaar_last4=r.aadhaar_last4, pan=r.pan, upi_pin_hash=r.upi_pin_hash,
        pin_failures=r.pin_failures, pin_blocked_until=r.pin_blocked_until,
        pin_set_at=r.pin_set_at,
        disabled_at=r.disabled_at, contact_change=_contact_change(r), erased_at=r.erased_at,
    )


def account_row(a: Account) -> dict[str, Any]:
    return {
        "id": a.id, "account_number": a.account_number, "customer_id": a.customer_id,
        "account_type": a.account_type.value, "currency": a.currency, "status": a.status.value,
        "balance": a.balance.minor, "held": a.held.minor, "opened_at": a.opened_at,
        "branch_code": a.branch_code, "kyc": a.kyc.value,
    }


def to_account(r: Any) -> Account:
    return Account(
        id=r.id, account_number=r.account_number, customer_id=r.customer_id,
        account_type=AccountType(r.account_type), currency=r.currency, opened_at=r.opened_at,
        status=AccountStatus(r.status), balance=Money(r.balance, r.currency),
        held=Money(r.held, r.currency), branch_code=r.branch_code, kyc=KycStatus(r.kyc),
    )


def transfer_row(t: Transfer) -> dict[str, Any]:
    return {
        "id": t.id, "kind": t.kind.value, "customer_id": t.customer_id,
        "idempotency_scope": t.idempotency_scope, "idempotency_key": t.idempotency_key,
        "fingerprint": t.fingerprint, "status": t.status.value,
        "from_account_id": t.from_account_id, "from_account_number": t.from_account_number,
        "to_account_id": t.to_account_id, "to_account_number": t.to_account_number,
        "amount": t.amount.minor, "currency": t.amount.currency, "channel": t.channel.value,
        "description": t.description, "created_at": t.created_at,
        "hold_expires_at": t.hold_expires_at, "challenge_id": t.challenge_id,
        "void_reason": t.void_reason, "posted_at": t.posted_at, "reference": t.reference,
        "metadata": dict(t.metadata) if t.metadata else None,
    }


def to_transfer(r: Any) -> Transfer:
    return Transfer(
        id=r.id, kind=TransferKind(r.kind), customer_id=r.customer_id,
        idempotency_scope=r.idempotency_scope, idempotency_key=r.idempotency_key,
        fingerprint=r.fingerprint, status=TransferStatus(r.status),
        from_account_id=r.from_account_id, from_account_number=r.from_account_number,
        to_account_id=r.to_account_id, to_account_number=r.to_account_number,
        amount=Money(r.amount, r.currency), channel=Channel(r.channel),
        description=r.description, created_at=r.created_at, hold_expires_at=r.hold_expires_at,
        challenge_id=r.challenge_id, void_reason=r.void_reason, posted_at=r.posted_at,
        reference=r.reference, metadata=tuple(sorted(r.metadata.items())) if r.metadata else (),
    )


def entry_row(e: LedgerEntry) -> dict[str, Any]:
    return {
        "id": e.id, "account_id": e.account_id, "transfer_id": e.transfer_id,
        "entry_type": e.entry_type.value, "amount": e.amount.minor, "currency": e.amount.currency,
        "balance_after": e.balance_after.minor, "channel": e.channel.value,
        "description": e.description, "reference": e.reference, "posted_at": e.posted_at,
    }


def to_entry(r: Any) -> LedgerEntry:
    return LedgerEntry(
        id=r.id, account_id=r.account_id, transfer_id=r.transfer_id,
        entry_type=EntryType(r.entry_type), amount=Money(r.amount, r.currency),
        balance_after=Money(r.balance_after, r.currency), channel=Channel(r.channel),
        description=r.description, reference=r.reference, posted_at=r.posted_at,
        sequence=r.sequence,
    )


# Made once: json.dumps with options builds an encoder on every call.
_SORTED = json.JSONEncoder(sort_keys=True).encode


def audit_row(e: AuditEvent) -> dict[str, Any]:
    return {
        "sequence": e.sequence, "id": e.id, "occurred_at": e.occurred_at, "action": e.action,
        "outcome": e.outcome, "actor_id": e.actor_id, "customer_id": e.customer_id,
        "resource": e.resource, "ip": e.ip, "device_id": e.device_id, "request_id": e.request_id,
        "details": _SORTED(dict(e.details)), "previous_hash": e.previous_hash,
        "record_hash": e.record_hash,
    }


def to_audit(r: Any) -> AuditEvent:
    return AuditEvent(
        id=r.id, occurred_at=r.occurred_at, action=r.action, outcome=r.outcome,
        actor_id=r.actor_id, customer_id=r.customer_id, resource=r.resource, ip=r.ip,
        device_id=r.device_id, request_id=r.request_id, details=json.loads(r.details),
        sequence=r.sequence, previous_hash=r.previous_hash, record_hash=r.record_hash,
    )


def session_row(s: Session) -> dict[str, Any]:
    return {
        "id": s.id, "customer_id": s.customer_id, "created_at": s.created_at,
        "expires_at": s.expires_at, "last_seen_at": s.last_seen_at, "ip": s.ip,
        "device_id": s.device_id, "revoked_at": s.revoked_at, "revoked_reason": s.revoked_reason,
    }


def to_session(r: Any) -> Session:
    return Session(
        id=r.id, customer_id=r.customer_id, created_at=r.created_at, expires_at=r.expires_at,
        last_seen_at=r.last_seen_at, ip=r.ip, device_id=r.device_id, revoked_at=r.revoked_at,
        revoked_reason=r.revoked_reason,
    )


def refresh_row(t: RefreshToken) -> dict[str, Any]:
    return {
        "token_hash": t.token_hash, "session_id": t.session_id, "issued_at": t.issued_at,
        "expires_at": t.expires_at, "rotated_at": t.rotated_at, "replaced_by": t.replaced_by,
    }


def to_refresh(r: Any) -> RefreshToken:
    return RefreshToken(
        token_hash=r.token_hash, session_id=r.session_id, issued_at=r.issued_at,
        expires_at=r.expires_at, rotated_at=r.rotated_at, replaced_by=r.replaced_by,
    )


def attempts_row(a: LoginAttempts) -> dict[str, Any]:
    return {"customer_number": a.customer_number, "failures": a.failures,
            "locked_until": a.locked_until, "last_failure_at": a.last_failure_at}


def to_attempts(r: Any) -> LoginAttempts:
    return LoginAttempts(customer_number=r.customer_number, failures=r.failures,
                         locked_until=r.locked_until, last_failure_at=r.last_failure_at)
