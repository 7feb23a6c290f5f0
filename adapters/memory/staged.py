"""What one memory transaction has written but not yet committed, shared by the memory
repositories: reads see committed state plus this staging; writes are staged and reach the
store only on commit."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import attrs

from domain.account import Account
from domain.alerts import AlertPreferences
from domain.audit import AuditEvent
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
class Staged:
    """What one transaction has written but not yet committed."""

    customers: dict[UUID, Customer] = attrs.Factory(dict)
    accounts: dict[UUID, Account] = attrs.Factory(dict)
    transfers: dict[UUID, Transfer] = attrs.Factory(dict)
    entries: list[LedgerEntry] = attrs.Factory(list)
    audit: list[AuditEvent] = attrs.Factory(list)
    sessions: dict[UUID, Session] = attrs.Factory(dict)
    refresh_tokens: dict[str, RefreshToken] = attrs.Factory(dict)
    login_attempts: dict[str, LoginAttempts] = attrs.Factory(dict)
    rate_limits: dict[str, tuple[datetime, int]] = attrs.Factory(dict)
    devices: dict[UUID, DeviceBinding] = attrs.Factory(dict)
    device_nonces: dict[str, DeviceNonce | None] = attrs.Factory(dict)  # None: taken
    voiceprints: dict[UUID, Voiceprint] = attrs.Factory(dict)
    voice_attempts: dict[UUID, VoiceAttempts] = attrs.Factory(dict)
    voice_samples: dict[tuple[UUID, str], tuple[VoiceSample, bool, datetime]] = attrs.Factory(dict)
    fraud_profiles: dict[tuple[str, str], object] = attrs.Factory(dict)
    assessments: dict[UUID, StoredAssessment] = attrs.Factory(dict)
    beneficiaries: dict[UUID, Beneficiary | None] = attrs.Factory(dict)  # None: deleted
    cards: dict[UUID, Card] = attrs.Factory(dict)
    reminders: dict[UUID, Reminder | None] = attrs.Factory(dict)  # None: deleted
    notifications: dict[tuple[UUID, datetime], Notification] = attrs.Factory(dict)
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
    totp_factors: dict[UUID, TotpFactor | None] = attrs.Factory(dict)  # None: turned off
    recovery_codes: dict[UUID, dict[str, datetime | None]] = attrs.Factory(dict)  # a whole set
    login_tickets: dict[str, LoginTicket | None] = attrs.Factory(dict)  # None: dropped
    password_resets: dict[str, PasswordReset | None] = attrs.Factory(dict)  # None: dropped
    sign_ups: dict[str, PendingSignUp | None] = attrs.Factory(dict)  # None: taken or dropped
    staff_proposals: dict[UUID, StaffProposal] = attrs.Factory(dict)
    webhook_endpoints: dict[UUID, WebhookEndpoint] = attrs.Factory(dict)
    webhook_deliveries: dict[UUID, Delivery] = attrs.Factory(dict)
    webhook_attempts: dict[tuple[UUID, int], DeliveryAttempt] = attrs.Factory(dict)
    alert_preferences: dict[UUID, AlertPreferences] = attrs.Factory(dict)
    event_consumers: dict[str, tuple[int, datetime | None]] = attrs.Factory(dict)
    forgotten_voices: set[UUID] = attrs.Factory(set)  # erased: every voice record goes

    def _parts(self) -> tuple[dict | list | set, ...]:  # type: ignore[type-arg]
        return (self.customers, self.accounts, self.transfers, self.entries, self.audit,
                self.sessions, self.refresh_tokens, self.login_attempts, self.rate_limits,
                self.devices, self.device_nonces, self.voiceprints, self.voice_attempts, self.voice_samples,
                self.fraud_profiles, self.assessments, self.beneficiaries, self.cards,
                self.reminders, self.notifications, self.branches, self.reversals,
                self.disputes, self.standing_orders, self.occurrences,
                self.till_entries, self.till_closings, self.accrual_days, self.accruals,
                self.interest_postings, self.totp_factors, self.recovery_codes,
                self.login_tickets, self.password_resets, self.sign_ups, self.staff_proposals,
                self.webhook_endpoints, self.webhook_deliveries, self.webhook_attempts,
                self.alert_preferences, self.event_consumers, self.forgotten_voices)

    def clear(self) -> None:
        for part in self._parts():
            part.clear()

    def empty(self) -> bool:
        return not any(self._parts())
