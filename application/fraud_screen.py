"""Asking the fraud engine about a transfer, and keeping the profiles it reads up to date."""

from __future__ import annotations

from datetime import timedelta

from application.context import RequestContext
from application.fraud import FraudContext, FraudEngine
from application.ports import Clock, UnitOfWork
from domain.account import Account
from domain.fraud import Assessment
from domain.fraud_profile import CounterpartyProfile, CustomerProfile
from domain.ledger import Channel
from domain.money import Money
from domain.transfer import Transfer, TransferKind

# The audit actions that count as recent security events for fraud scoring.
SECURITY_ACTIONS = frozenset({
    "auth.refresh.reuse_detected", "auth.lockout", "upi.pin.changed", "device.trusted",
    "device.fingerprint_changed", "customer.password_changed", "voice.reenrolled",
})


class ProfileKeeper:
    """Folds each posted customer transfer into the payer's and the payee's profiles, in the
    posting's own transaction: profiles never need a scan of the history."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def observe(self, uow: UnitOfWork, transfer: Transfer, source: Account) -> None:
        if transfer.kind is not TransferKind.TRANSFER or source.customer_id is None:
            return
        now = transfer.posted_at or self._clock.now()
        customer = uow.fraud.customer_profile(source.customer_id) or \
            CustomerProfile(source.customer_id)
        customer.observe(transfer.amount.minor, now, transfer.to_account_number,
                         f"{source.account_type.value}:{transfer.channel.value}")
        uow.fraud.save_customer_profile(customer)
        payee = uow.fraud.counterparty_profile(transfer.to_account_number) or \
            CounterpartyProfile(transfer.to_account_number)
        payee.observe(now)
        uow.fraud.save_counterparty_profile(payee)


class FraudScreen:
    """Builds the engine's context from the unit of work: profiles, device trust, security
    events of the last 24 hours."""

    def __init__(self, engine: FraudEngine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def assess(self, uow: UnitOfWork, source: Account, destination: Account, amount: Money,
               channel: Channel, context: RequestContext) -> Assessment:
        assert source.customer_id is not None
        now = self._clock.now()
        device = uow.devices.by_identifier(source.customer_id, context.device_id) \
            if context.device_id else None
        return self._engine.assess(FraudContext(
            customer_id=source.customer_id, amount=amount, account_type=source.account_type,
            channel=channel, counterparty=destination.account_number,
            own_account=destination.customer_id == source.customer_id, now=now,
            customer=uow.fraud.customer_profile(source.customer_id)
            or CustomerProfile(source.customer_id),
            counterparty_profile=uow.fraud.counterparty_profile(destination.account_number)
            or CounterpartyProfile(destination.account_number),
            device_trust=device.trust if device else None,
            security_events=tuple(uow.audit.recent_actions(
                source.customer_id, now - timedelta(hours=24), SECURITY_ACTIONS)),
            payee_added_at=max((b.created_at for b in uow.beneficiaries.of_customer(
                source.customer_id) if b.account_number == destination.account_number),
                default=None),
        ))
