"""Asking the fraud engine about a transfer, and keeping the profiles it reads up to date."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import attrs

from application.auth_policy import AuthPolicy
from application.context import RequestContext
from application.factor_settling import device_settled
from application.fraud import FraudContext, FraudEngine
from application.ports import Clock, Later, UnitOfWork
from domain.account import Account
from domain.device import TrustLevel
from domain.fraud import Assessment
from domain.fraud_profile import CounterpartyProfile, CustomerProfile
from domain.ledger import Channel
from domain.money import Money
from domain.transfer import Transfer, TransferKind

# The audit actions that count as recent security events for fraud scoring.
SECURITY_ACTIONS = frozenset({
    "auth.refresh.reuse_detected", "auth.lockout", "upi.pin.changed", "device.trusted",
    "device.fingerprint_changed", "auth.password.changed", "auth.password.reset",
    "voice.reenrolled",
})


class ProfileKeeper:
    """Folds each posted customer transfer into the payer's and the payee's profiles, in the
    posting's own transaction: profiles never need a scan of the history."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def observe(self, uow: UnitOfWork, transfer: Transfer, source: Account,
                scored: ScoredProfiles | None, *, held: bool = False) -> None:
        """`scored`: the profiles the payment was just scored on in this transaction (None:
        read them here), folded into as they are, since reading them again would decode both
        documents a second time. `held`: it was counted against the daily limits when held."""
        if not _folded(transfer, source):
            return
        now = transfer.posted_at or self._clock.now()
        customer, payee = self._profiles(uow, transfer, source, scored)
        customer.observe(transfer.amount.minor, now, transfer.to_account_number,
                         _bucket(transfer, source), source.account_number, counted=held)
        uow.fraud.save_customer_profile(customer)
        payee.observe(now)
        uow.fraud.save_counterparty_profile(payee)

    def hold(self, uow: UnitOfWork, transfer: Transfer, source: Account,
             scored: ScoredProfiles | None) -> None:
        """Held money may post later: it counts against today's limits from now on, or two
        held payments, each under a limit alone, would both post over it."""
        if _folded(transfer, source):
            customer, _ = self._profiles(uow, transfer, source, scored)
            customer.count_today(transfer.amount.minor, transfer.created_at,
                                 _bucket(transfer, source), source.account_number)
            uow.fraud.save_customer_profile(customer)

    def give_back(self, uow: UnitOfWork, transfer: Transfer, source: Account) -> None:
        """A held payment voided: it no longer counts against the day it was held on."""
        if _folded(transfer, source):
            customer, _ = self._profiles(uow, transfer, source, None, payee=False)
            customer.uncount(transfer.amount.minor, transfer.created_at,
                             _bucket(transfer, source), source.account_number)
            uow.fraud.save_customer_profile(customer)

    @staticmethod
    def _profiles(uow: UnitOfWork, transfer: Transfer, source: Account,
                  scored: ScoredProfiles | None, payee: bool = True
                  ) -> tuple[CustomerProfile, CounterpartyProfile]:
        assert source.customer_id is not None
        if scored is not None and scored.customer.customer_id == source.customer_id \
                and scored.payee.key == transfer.to_account_number:
            return scored.customer, scored.payee
        customer = uow.fraud.customer_profile(source.customer_id) or \
            CustomerProfile(source.customer_id)
        found = uow.fraud.counterparty_profile(transfer.to_account_number) if payee else None
        return customer, found or CounterpartyProfile(transfer.to_account_number)


def _folded(transfer: Transfer, source: Account) -> bool:
    """Only a customer's transfers shape profiles and count against limits (not cash)."""
    return transfer.kind is TransferKind.TRANSFER and source.customer_id is not None


def _bucket(transfer: Transfer, source: Account) -> str:
    return f"{source.account_type.value}:{transfer.channel.value}"


@attrs.frozen
class ScoredProfiles:
    """The payer's and the payee's profiles as a payment was scored on them: read in its
    transaction with both accounts locked, unchanged by the engine (it only reads)."""

    customer: CustomerProfile
    payee: CounterpartyProfile


@attrs.frozen
class Screening:
    """The screen's answer about one transfer: the engine's assessment, and the profiles it
    was scored on, handed to the keeper so the posting folds into them without reading again."""

    assessment: Assessment
    profiles: ScoredProfiles


@attrs.frozen
class ScreenFacts:
    """What the screen knows about the payer besides the fraud profiles (`FraudScreen.ask_facts`).
    None of it needs the accounts' locks: each fact is as current as it was a moment ago."""

    customer_id: UUID
    device_trust: TrustLevel | None
    security_events: tuple[str, ...]
    payee_added_at: datetime | None
    device_new: bool = False  # bound less than the settling day ago (`device_settled`)


class FraudScreen:
    """Builds the engine's context from the unit of work: profiles, device trust (and whether
    the device has been bound long enough to count as known), security events of the last 24
    hours."""

    def __init__(self, engine: FraudEngine, clock: Clock, policy: AuthPolicy) -> None:
        self._engine = engine
        self._clock = clock
        self._policy = policy

    def ask_facts(self, uow: UnitOfWork, customer_id: UUID, counterparty: str,
                  context: RequestContext) -> Later[ScreenFacts]:
        """The facts that need no lock, asked before the accounts are locked and answered when
        called (`Later`): a retry found by its key never needs them."""
        security_events = uow.audit.ask_recent_actions(
            customer_id, self._clock.now() - timedelta(hours=24), SECURITY_ACTIONS)
        payees = uow.beneficiaries.ask_of_customer(customer_id)
        device = uow.devices.ask_by_identifier(customer_id, context.device_id) \
            if context.device_id else None

        def answer() -> ScreenFacts:
            events = tuple(security_events())
            added = max((b.created_at for b in payees() if b.account_number == counterparty),
                        default=None)
            bound = device() if device is not None else None
            return ScreenFacts(
                customer_id=customer_id, device_trust=bound.trust if bound else None,
                security_events=events, payee_added_at=added,
                device_new=bound is not None and not device_settled(bound, self._policy,
                                                                    self._clock.now()))
        return answer

    def assess(self, uow: UnitOfWork, source: Account, destination: Account, amount: Money,
               channel: Channel, context: RequestContext,
               facts: ScreenFacts | None = None) -> Screening:
        """With both accounts locked; `facts` read before the locks, else read here."""
        assert source.customer_id is not None
        if facts is None or facts.customer_id != source.customer_id:
            facts = self.ask_facts(uow, source.customer_id, destination.account_number,
                                   context)()
        found, found_payee = uow.fraud.profiles(source.customer_id, destination.account_number)
        scored = ScoredProfiles(found or CustomerProfile(source.customer_id),
                                found_payee or CounterpartyProfile(destination.account_number))
        return Screening(self._engine.assess(FraudContext(
            customer_id=source.customer_id, amount=amount, account_type=source.account_type,
            channel=channel, counterparty=destination.account_number,
            own_account=destination.customer_id == source.customer_id, now=self._clock.now(),
            customer=scored.customer, counterparty_profile=scored.payee,
            device_trust=facts.device_trust, security_events=facts.security_events,
            payee_added_at=facts.payee_added_at, account_number=source.account_number,
            device_new=facts.device_new,
        )), scored)
