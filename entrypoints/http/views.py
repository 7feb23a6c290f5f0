"""How entities look in JSON: field naming lives here, not on the entities."""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Iterator, Mapping
from typing import Any
from uuid import UUID

from application.use_cases import PostingResult, StatementStream
from domain.account import Account
from domain.audit import AuditEvent
from domain.branch import Branch
from domain.customer import Customer
from domain.device import DeviceBinding
from domain.fraud import StoredAssessment
from domain.identity_numbers import mask_aadhaar, mask_pan
from domain.ledger import LedgerEntry
from domain.money import Money
from domain.session import Session
from domain.timestamps import rfc3339
from domain.transfer import Transfer, TransferStatus
from entrypoints.http.responses import compact_json


def money(value: Money) -> dict[str, str]:
    return {"amount": value.format(), "currency": value.currency}


def customer(c: Customer) -> dict[str, Any]:
    return {
        "customer_number": c.customer_number, "first_name": c.first_name,
        "last_name": c.last_name, "email": c.email, "phone_number": c.phone_number,
        "role": c.role.value, "kyc_status": c.kyc_status.value,
        "preferred_language": c.preferred_language,
        "date_of_birth": c.date_of_birth.isoformat() if c.date_of_birth else None,
        "created_at": rfc3339(c.created_at), "risk_segment": c.risk_segment.value,
        "aadhaar": mask_aadhaar(c.aadhaar_last4) if c.aadhaar_last4 else None,
        "pan": mask_pan(c.pan) if c.pan else None,
        "upi_pin_set": c.upi_pin_hash is not None,
    }


def session(s: Session, current: UUID | None = None) -> dict[str, Any]:
    return {
        "id": str(s.id), "created_at": rfc3339(s.created_at),
        "last_seen_at": rfc3339(s.last_seen_at), "expires_at": rfc3339(s.expires_at),
        "ip": s.ip, "device_id": s.device_id, "current": s.id == current,
    }


def account(a: Account, branches: Mapping[str, Branch] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "account_number": a.account_number, "account_type": a.account_type.value,
        "status": a.status.value, "balance": money(a.balance),
        "available_balance": money(a.available_balance),
    }
    branch = (branches or {}).get(a.branch_code or "")
    if branch is not None:
        body["branch"] = {"code": branch.code, "name": branch.name, "ifsc": branch.ifsc,
                          "city": branch.city}
    return body


def entry(e: LedgerEntry) -> dict[str, Any]:
    return {
        "id": str(e.id), "type": e.entry_type.value, "amount": money(e.amount),
        "balance_after": money(e.balance_after), "channel": e.channel.value,
        "description": e.description, "reference_id": e.reference,
        "posted_at": rfc3339(e.posted_at),
    }


_ENTRY = ('{"id":"%s","type":"%s","amount":{"amount":"%s","currency":"%s"},'
          '"balance_after":{"amount":"%s","currency":"%s"},"channel":"%s",'
          '"description":%s,"reference_id":%s,"posted_at":"%s"}')


def entry_json(e: LedgerEntry) -> str:
    """`entry(e)` as JSON text in `compact_json`'s form, written straight from the fields: a
    statement writes thousands, and a dict per entry for the encoder to walk costs more than
    the text. Only the free text can hold characters JSON must escape; the rest are
    identifiers, digits and timestamps (tests/http/test_entry_json.py holds the two equal)."""
    return _ENTRY % (e.id, e.entry_type.value, e.amount.format(), e.amount.currency,
                     e.balance_after.format(), e.balance_after.currency, e.channel.value,
                     compact_json(e.description), compact_json(e.reference), rfc3339(e.posted_at))


def transfer(result: PostingResult) -> dict[str, Any]:
    return transfer_body(result.transfer)


def transfer_body(t: Transfer, assessment: StoredAssessment | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "transfer_id": str(t.id), "status": t.status.value,
        "from_account_number": t.from_account_number, "to_account_number": t.to_account_number,
        "amount": money(t.amount), "channel": t.channel.value, "description": t.description,
        "created_at": rfc3339(t.created_at),
        "posted_at": rfc3339(t.posted_at) if t.posted_at else None,
    }
    if t.status is TransferStatus.CHALLENGE_REQUIRED and t.challenge_id and t.hold_expires_at:
        body["challenge"] = {"id": str(t.challenge_id), "methods": ["voice", "pin"],
                             "expires_at": rfc3339(t.hold_expires_at)}
    elif t.hold_expires_at:
        body["hold_expires_at"] = rfc3339(t.hold_expires_at)
    if t.void_reason:
        body["void_reason"] = t.void_reason
    if t.reference is not None:
        body["reference"] = t.reference
    if t.metadata:
        body["metadata"] = dict(t.metadata)
    if assessment is not None:
        a = assessment.assessment
        body["assessment"] = {
            "score": a.score, "decision": a.decision.value, "engine": a.engine,
            "version": a.version, "assessed_at": rfc3339(assessment.assessed_at),
            "reasons": [{"code": c.code, "points": c.points, "reason": c.reason}
                        for c in a.contributions]}
    return body


def statement_json(s: StatementStream) -> Iterator[str]:
    """The statement as one JSON object, written while the entries are read."""
    head = {"account_number": s.account.account_number, "currency": s.account.currency,
            "from": s.start.isoformat(), "to": s.end.isoformat(),
            "opening_balance": money(s.opening_balance)}
    yield compact_json(head)[:-1] + ',"entries":['
    comma = ""
    for page in s.pages():  # one chunk per page: each chunk costs the server a thread hop
        if page:
            yield comma + ",".join([entry_json(e) for e in page])
            comma = ","
    tail = {"closing_balance": money(s.tally.closing), "total_credits": money(s.tally.credits),
            "total_debits": money(s.tally.debits)}
    yield "]," + compact_json(tail)[1:]


STATEMENT_COLUMNS = ("posted_at", "id", "type", "amount", "currency", "balance_after", "channel",
                     "description", "reference_id")


def _cell(text: str) -> str:
    """Neutralise spreadsheet formulas in free text (CSV injection): a leading quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def statement_csv(s: StatementStream) -> Iterator[str]:
    """CSV rows: opening balance, one row per entry, closing balance (reconciles by addition)."""
    currency = s.account.currency
    out = io.StringIO()
    writer = csv.writer(out)

    def line(row: list[str]) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow(row)
        return out.getvalue()

    yield line(list(STATEMENT_COLUMNS))
    yield line(["", "", "opening_balance", "", currency, s.opening_balance.format(), "", "", ""])
    for page in s.pages():  # one chunk per page, as in statement_json
        yield "".join(line([rfc3339(e.posted_at), str(e.id), e.entry_type.value,
                            e.amount.format(), currency, e.balance_after.format(),
                            e.channel.value, _cell(e.description), e.reference]) for e in page)
    yield line(["", "", "closing_balance", "", currency, s.tally.closing.format(), "", "", ""])


def encode_cursor(sequence: int | None) -> str | None:
    if sequence is None:
        return None
    return base64.urlsafe_b64encode(f"v1:{sequence}".encode()).decode().rstrip("=")


def audit_event(e: AuditEvent) -> dict[str, Any]:
    return {
        "sequence": e.sequence, "id": str(e.id), "occurred_at": rfc3339(e.occurred_at),
        "action": e.action, "outcome": e.outcome,
        "actor_id": str(e.actor_id) if e.actor_id else None,
        "customer_id": str(e.customer_id) if e.customer_id else None,
        "resource": e.resource, "ip": e.ip, "device_id": e.device_id,
        "request_id": e.request_id, "details": dict(e.details),
        "previous_hash": e.previous_hash, "record_hash": e.record_hash,
    }


def device(b: DeviceBinding) -> dict[str, Any]:
    return {
        "id": str(b.id), "identifier": b.identifier, "label": b.label, "platform": b.platform,
        "trust": b.trust.value, "created_at": rfc3339(b.created_at),
        "last_seen_at": rfc3339(b.last_seen_at),
        "revoked_at": rfc3339(b.revoked_at) if b.revoked_at else None,
        "key_algorithm": b.key.algorithm if b.key else None,
    }
