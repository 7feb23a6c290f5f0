"""The memory profile's unit of work: real commit and rollback, one writer at a time."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Self, TypeVar

import attrs

from adapters.memory.alert_repository import MemoryAlerts
from adapters.memory.audit_repository import MemoryAudit
from adapters.memory.everyday_banking_repositories import (
    MemoryBeneficiaries,
    MemoryBranches,
    MemoryCards,
    MemoryReminders,
)
from adapters.memory.identity_repositories import (
    MemoryCustomers,
    MemoryDevices,
    MemoryLoginAttempts,
    MemoryRateLimits,
    MemoryRefreshTokens,
    MemorySessions,
)
from adapters.memory.ledger_repositories import (
    MemoryAccounts,
    MemoryLedger,
    MemoryTransfers,
    holds_reference,
)
from adapters.memory.money_operation_repositories import (
    MemoryDisputes,
    MemoryInterest,
    MemoryReversals,
    MemoryTills,
)
from adapters.memory.password_reset_repository import MemoryPasswordResets
from adapters.memory.second_factor_repository import MemorySecondFactors
from adapters.memory.sign_up_repository import MemorySignUps
from adapters.memory.staff_proposal_repository import MemoryStaffProposals
from adapters.memory.staged import Staged
from adapters.memory.standing_order_repository import MemoryStandingOrders
from adapters.memory.store import MemoryStore
from adapters.memory.voice_and_fraud_repositories import MemoryFraud, MemoryVoice
from adapters.memory.webhook_repository import MemoryWebhooks
from adapters.metrics.audit_taps import sealed
from domain.audit import AuditHead

K = TypeVar("K")
V = TypeVar("V")


class MemoryUnitOfWork:
    def __init__(self, store: MemoryStore, write: bool) -> None:
        self._store = store
        self._write = write
        self._staged = Staged()
        self.customers = MemoryCustomers(store, self._staged)
        self.accounts = MemoryAccounts(store, self._staged)
        self.transfers = MemoryTransfers(store, self._staged)
        self.ledger = MemoryLedger(store, self._staged)
        self.audit = MemoryAudit(store, self._staged)
        self.sessions = MemorySessions(store, self._staged)
        self.refresh_tokens = MemoryRefreshTokens(store, self._staged)
        self.login_attempts = MemoryLoginAttempts(store, self._staged)
        self.rate_limits = MemoryRateLimits(store, self._staged)
        self.devices = MemoryDevices(store, self._staged)
        self.voice = MemoryVoice(store, self._staged)
        self.fraud = MemoryFraud(store, self._staged)
        self.beneficiaries = MemoryBeneficiaries(store, self._staged)
        self.cards = MemoryCards(store, self._staged)
        self.reminders = MemoryReminders(store, self._staged)
        self.branches = MemoryBranches(store, self._staged)
        self.reversals = MemoryReversals(store, self._staged)
        self.disputes = MemoryDisputes(store, self._staged)
        self.standing_orders = MemoryStandingOrders(store, self._staged)
        self.tills = MemoryTills(store, self._staged)
        self.interest = MemoryInterest(store, self._staged)
        self.second_factors = MemorySecondFactors(store, self._staged)
        self.password_resets = MemoryPasswordResets(store, self._staged)
        self.sign_ups = MemorySignUps(store, self._staged)
        self.staff_proposals = MemoryStaffProposals(store, self._staged)
        self.webhooks = MemoryWebhooks(store, self._staged)
        self.alerts = MemoryAlerts(store, self._staged)

    def __enter__(self) -> Self:
        if self._write:
            self._store.writer.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            self.rollback()
        finally:
            if self._write:
                self._store.writer.release()

    def commit(self) -> None:
        if not self._write and not self._staged.empty():
            raise RuntimeError("a read-only unit of work cannot commit changes")
        store, staged = self._store, self._staged
        with store.state:
            store.customers.update(staged.customers)
            for account in staged.accounts.values():
                store.accounts[account.id] = account
                store.account_ids[account.account_number] = account.id
            for transfer in staged.transfers.values():
                store.transfers[transfer.id] = transfer
                if transfer.idempotency_key is not None and transfer.idempotency_scope is not None:
                    store.transfer_keys[(transfer.idempotency_scope, transfer.idempotency_key)] = \
                        transfer.id
                named = (transfer.customer_id, transfer.reference or "")
                if holds_reference(transfer):
                    store.transfer_references[named] = transfer.id
                elif store.transfer_references.get(named) == transfer.id:  # voided: freed
                    del store.transfer_references[named]
            for entry in staged.entries:
                numbered = attrs.evolve(entry, sequence=len(store.entries) + 1)
                store.entries.append(numbered)
                store.entries_by_account.setdefault(entry.account_id, []).append(numbered)
            store.audit.extend(staged.audit)
            if staged.audit:
                newest = staged.audit[-1]
                store.audit_head = AuditHead(newest.sequence, newest.record_hash)
                sealed(staged.audit)  # the process's metrics count them (adapters/metrics)
            store.sessions.update(staged.sessions)
            store.refresh_tokens.update(staged.refresh_tokens)
            store.login_attempts.update(staged.login_attempts)
            store.rate_limits.update(staged.rate_limits)
            store.devices.update(staged.devices)
            for nonce_hash, nonce in staged.device_nonces.items():
                if nonce is None:
                    store.device_nonces.pop(nonce_hash, None)
                else:
                    store.device_nonces[nonce_hash] = nonce
            _forget_voices(store, staged)  # before this transaction's own voice writes
            store.voiceprints.update(staged.voiceprints)
            store.voice_attempts.update(staged.voice_attempts)
            store.voice_samples.update(staged.voice_samples)
            store.fraud_profiles.update(staged.fraud_profiles)
            store.assessments.update(staged.assessments)
            store.cards.update(staged.cards)
            store.branches.update(staged.branches)
            store.reversals.update(staged.reversals)
            store.disputes.update(staged.disputes)
            store.standing_orders.update(staged.standing_orders)
            store.occurrences.update(staged.occurrences)
            store.till_entries.update(staged.till_entries)
            store.till_closings.update(staged.till_closings)
            store.accrual_days.update(staged.accrual_days)
            store.accruals.update(staged.accruals)
            store.interest_postings.update(staged.interest_postings)
            store.notifications.update(staged.notifications)
            _merge(store.totp_factors, staged.totp_factors)
            store.recovery_codes.update(staged.recovery_codes)
            store.staff_proposals.update(staged.staff_proposals)
            store.webhook_endpoints.update(staged.webhook_endpoints)
            store.webhook_deliveries.update(staged.webhook_deliveries)
            store.webhook_attempts.update(staged.webhook_attempts)
            store.alert_preferences.update(staged.alert_preferences)
            store.event_consumers.update(staged.event_consumers)
            _merge(store.login_tickets, staged.login_tickets)
            _merge(store.password_resets, staged.password_resets)
            _merge(store.sign_ups, staged.sign_ups)
            for key, reminder in staged.reminders.items():
                if reminder is None:
                    store.reminders.pop(key, None)
                    for gone in [k for k in store.notifications if k[0] == key]:
                        del store.notifications[gone]
                else:
                    store.reminders[key] = reminder
            _merge(store.beneficiaries, staged.beneficiaries)
        self._staged.clear()

    def rollback(self) -> None:
        self._staged.clear()


def _merge(committed: dict[K, V], staged: Mapping[K, V | None]) -> None:
    """Apply a staged table to the committed one: None stages a deletion."""
    for key, value in staged.items():
        if value is None:
            committed.pop(key, None)
        else:
            committed[key] = value


def _forget_voices(store: MemoryStore, staged: Staged) -> None:
    for gone in staged.forgotten_voices:
        store.voiceprints.pop(gone, None)
        store.voice_attempts.pop(gone, None)
        for sample in [k for k in store.voice_samples if k[0] == gone]:
            del store.voice_samples[sample]


class MemoryUnitOfWorkFactory:
    """Opens units of work over one shared store."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def __call__(self, *, write: bool = False) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self.store, write)

    def ping(self) -> bool:
        return True

    def close(self) -> None:
        pass  # nothing pooled: the store lives as long as the process
