"""The committed state of the in-memory profile, shared by all its units of work."""

from __future__ import annotations

import threading
from datetime import date, datetime
from uuid import UUID

import attrs

from domain.account import Account
from domain.alerts import AlertPreferences
from domain.audit import GENESIS, AuditEvent, AuditHead
from domain.beneficiary import Beneficiary
from domain.branch import Branch
from domain.card import Card
from domain.customer import Customer
from domain.device import DeviceBinding
from domain.device_key import DeviceNonce
from domain.dispute import Dispute
from domain.fraud import StoredAssessment
from domain.interest import Accrual, InterestPosting
from domain.ledger import LedgerEntry
from domain.login_attempts import LoginAttempts
from domain.password_reset import PasswordReset
from domain.reminder import Notification, Reminder
from domain.reversal import Reversal
from domain.session import RefreshToken, Session
from domain.sign_up import PendingSignUp
from domain.staff_proposal import StaffProposal
from domain.standing_order import Occurrence, StandingOrder
from domain.till import TillClosing, TillEntry
from domain.totp import LoginTicket, TotpFactor
from domain.transfer import Transfer
from domain.voice import VoiceAttempts, Voiceprint, VoiceSample
from domain.webhook import Delivery, DeliveryAttempt, WebhookEndpoint


@attrs.define
class MemoryStore:
    """Tables as dicts. Writers hold `writer` for a whole transaction (one writer at a time,
    like SQLite); `state` guards the short moments when a commit applies or a reader reads."""

    customers: dict[UUID, Customer] = attrs.Factory(dict)
    accounts: dict[UUID, Account] = attrs.Factory(dict)
    account_ids: dict[str, UUID] = attrs.Factory(dict)
    transfers: dict[UUID, Transfer] = attrs.Factory(dict)
    transfer_keys: dict[tuple[str, str], UUID] = attrs.Factory(dict)
    transfer_references: dict[tuple[UUID | None, str], UUID] = attrs.Factory(dict)
    entries: list[LedgerEntry] = attrs.Factory(list)
    entries_by_account: dict[UUID, list[LedgerEntry]] = attrs.Factory(dict)
    audit: list[AuditEvent] = attrs.Factory(list)
    audit_head: AuditHead = GENESIS  # kept apart from the records, as SQL's audit_head row
    sessions: dict[UUID, Session] = attrs.Factory(dict)
    refresh_tokens: dict[str, RefreshToken] = attrs.Factory(dict)
    login_attempts: dict[str, LoginAttempts] = attrs.Factory(dict)
    rate_limits: dict[str, tuple[datetime, int]] = attrs.Factory(dict)
    devices: dict[UUID, DeviceBinding] = attrs.Factory(dict)
    device_nonces: dict[str, DeviceNonce] = attrs.Factory(dict)  # by SHA-256 of the nonce
    voiceprints: dict[UUID, Voiceprint] = attrs.Factory(dict)
    voice_attempts: dict[UUID, VoiceAttempts] = attrs.Factory(dict)
    voice_samples: dict[tuple[UUID, str], tuple[VoiceSample, bool, datetime]] = attrs.Factory(dict)
    fraud_profiles: dict[tuple[str, str], object] = attrs.Factory(dict)
    assessments: dict[UUID, StoredAssessment] = attrs.Factory(dict)
    beneficiaries: dict[UUID, Beneficiary | None] = attrs.Factory(dict)
    cards: dict[UUID, Card] = attrs.Factory(dict)
    reminders: dict[UUID, Reminder | None] = attrs.Factory(dict)
    branches: dict[str, Branch] = attrs.Factory(dict)
    reversals: dict[UUID, Reversal] = attrs.Factory(dict)
    disputes: dict[UUID, Dispute] = attrs.Factory(dict)
    standing_orders: dict[UUID, StandingOrder] = attrs.Factory(dict)
    occurrences: dict[tuple[UUID, datetime], Occurrence] = attrs.Factory(dict)
    till_entries: dict[UUID, TillEntry] = attrs.Factory(dict)
    till_closings: dict[tuple[UUID, date], TillClosing] = attrs.Factory(dict)
    accrual_days: dict[date, int] = attrs.Factory(dict)
    accruals: dict[tuple[UUID, date], Accrual] = attrs.Factory(dict)
    interest_postings: dict[tuple[UUID, str], InterestPosting] = attrs.Factory(dict)
    notifications: dict[tuple[UUID, datetime], Notification] = attrs.Factory(dict)
    totp_factors: dict[UUID, TotpFactor] = attrs.Factory(dict)
    recovery_codes: dict[UUID, dict[str, datetime | None]] = attrs.Factory(dict)  # hash: used_at
    login_tickets: dict[str, LoginTicket] = attrs.Factory(dict)
    password_resets: dict[str, PasswordReset] = attrs.Factory(dict)  # by SHA-256 of the token
    sign_ups: dict[str, PendingSignUp] = attrs.Factory(dict)  # by customer number
    staff_proposals: dict[UUID, StaffProposal] = attrs.Factory(dict)
    webhook_endpoints: dict[UUID, WebhookEndpoint] = attrs.Factory(dict)
    webhook_deliveries: dict[UUID, Delivery] = attrs.Factory(dict)
    webhook_attempts: dict[tuple[UUID, int], DeliveryAttempt] = attrs.Factory(dict)
    alert_preferences: dict[UUID, AlertPreferences] = attrs.Factory(dict)
    event_consumers: dict[str, tuple[int, datetime | None]] = attrs.Factory(dict)
    writer: threading.RLock = attrs.Factory(threading.RLock)
    state: threading.RLock = attrs.Factory(threading.RLock)

    def ping(self) -> bool:
        return True
