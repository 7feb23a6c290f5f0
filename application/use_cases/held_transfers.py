"""Held transfers: the owner's step-up challenge, the operator's review, expiry, and a look."""

from __future__ import annotations

from typing import NoReturn
from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.auth_policy import AuthPolicy
from application.context import RequestContext
from application.device_possession import DevicePossession, not_proven
from application.factor_settling import TOTP, VOICE, unsettled
from application.holds import REFUSED_AT_RELEASE, HoldKeeper
from application.ownership import owned
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from application.second_factor import SecondFactorCheck
from application.use_cases.reversal_views import ReversalsOf, reversals_of
from application.use_cases.upi_pin import VerifyUpiPin
from application.voice_answer import VoiceListener
from application.voice_checks import VoiceVerifier, refusal, unheard_refusal
from domain.audit import Outcome
from domain.customer import Customer
from domain.device import TrustLevel
from domain.device_key import DeviceProof
from domain.errors import (
    ChallengeFailed,
    DeviceNotTrusted,
    DomainError,
    FactorTooRecent,
    TotpNotEnabled,
    TransferNotFound,
    TransferNotHeld,
)
from domain.fraud import Label, StoredAssessment
from domain.fraud_profile import CounterpartyProfile
from domain.spoken_challenge import UNCOUNTED
from domain.totp import check_code
from domain.transfer import Transfer, TransferStatus


@attrs.frozen
class TransferView:
    transfer: Transfer
    assessment: StoredAssessment | None
    reversals: ReversalsOf | None = None  # shown where one transfer is looked at


def _expire_if_due(uow: UnitOfWork, holds: HoldKeeper, clock: Clock, transfer: Transfer,
                   context: RequestContext) -> Transfer:
    """Lazily void a hold whose time ran out."""
    if transfer.status.holds_funds and transfer.hold_expires_at is not None \
            and clock.now() >= transfer.hold_expires_at:
        return holds.void(uow, transfer, context, "expired")
    return transfer


class GetTransfer:
    """A transfer, its fraud assessment and its reversals, shown to its owner (or to an
    operator)."""

    def __init__(self, uow_factory: UnitOfWorkFactory, holds: HoldKeeper, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._holds = holds
        self._clock = clock

    def execute(self, customer_id: UUID | None, transfer_id: UUID,
                context: RequestContext) -> TransferView:
        with self._uow_factory(write=True) as uow:
            transfer = owned(uow.transfers.lock(transfer_id), customer_id,
                             TransferNotFound("no such transfer", transfer_id=str(transfer_id)))
            transfer = _expire_if_due(uow, self._holds, self._clock, transfer, context)
            view = TransferView(transfer, uow.fraud.assessment(transfer.id),
                                reversals_of(uow, transfer, self._clock.now()))
            uow.commit()
            return view


class AnswerChallenge:
    """The owner proves it is them: the UPI PIN, a code from their authenticator (two-step
    login on), or a voice sample on a trusted bound device whose key signed a fresh nonce
    (checked before the voice). A pass posts the held money once; a failure or a late answer
    gives it back once. A right answer from a factor created or replaced less than
    `AuthPolicy.factor_settles_after` ago (a PIN set, an authenticator turned on, a voice
    enrolled: the password alone does each, and a thief with it is who a hold stops) is refused
    with FactorTooRecent and is no failure: the hold stays, and the refusal is recorded
    (`money.transfer.challenge_refused`). The code or voice was checked and spent first, as
    any answer's is."""

    def __init__(self, uow_factory: UnitOfWorkFactory, holds: HoldKeeper, clock: Clock,
                 verify_pin: VerifyUpiPin, listener: VoiceListener, verifier: VoiceVerifier,
                 possession: DevicePossession, audit: AuditRecorder,
                 second_factor: SecondFactorCheck, policy: AuthPolicy) -> None:
        self._uow_factory = uow_factory
        self._holds = holds
        self._clock = clock
        self._verify_pin = verify_pin
        self._listener = listener
        self._verifier = verifier
        self._possession = possession
        self._audit = audit
        self._second_factor = second_factor
        self._policy = policy

    def execute(self, customer_id: UUID, transfer_id: UUID, context: RequestContext, *,
                pin: str | None = None, voice: bytes | None = None,
                proof: DeviceProof | None = None, totp: str | None = None) -> Transfer:
        if [pin, voice, totp].count(None) != 2:
            raise ChallengeFailed("answer with exactly one of pin, totp or voice_sample")
        owner = self._with_totp(customer_id, totp) if totp is not None else None
        self._pending(customer_id, transfer_id, context)
        failure: DomainError | None = None
        spoken: str | None = None
        if pin is not None or totp is not None:
            try:
                if pin is not None:
                    self._verify_pin.verify_settled(
                        customer_id, pin, context, used_for="as this payment's answer",
                        instead="answer with an authenticator code or your voice, or with the "
                                "PIN from")
                elif owner is not None:
                    self._second_factor.verify(owner, context, code=totp,
                                               action="transfer.challenge.totp")
                    failure = self._totp_unsettled(customer_id)
            except DomainError as error:
                failure = error
        else:
            failure, spoken = self._unproven(customer_id, context, proof)
        answer = self._listener.listen(voice) if voice is not None and failure is None else None
        with self._uow_factory(write=True) as uow:
            transfer = uow.transfers.lock(transfer_id)
            assert transfer is not None
            transfer = _expire_if_due(uow, self._holds, self._clock, transfer, context)
            if transfer.status is not TransferStatus.CHALLENGE_REQUIRED:
                uow.commit()
                raise TransferNotHeld(f"the transfer is {transfer.status.value}",
                                      status=transfer.status.value)
            if isinstance(failure, FactorTooRecent):
                # A right PIN or code the password may have just set up: no answer either way.
                # The hold stays for another factor, or this one once it has settled.
                self._refuse(uow, context, customer_id, transfer, failure)
            if answer is not None:
                binding = uow.devices.by_identifier(customer_id, context.device_id or "")
                if binding is None or binding.trust is not TrustLevel.TRUSTED:
                    failure = DeviceNotTrusted("answer by voice from your trusted bound device")
                else:
                    decision = self._verifier.check(uow, binding, answer, context,
                                                    "challenge", spoken)
                    if decision.reason in UNCOUNTED:
                        # No voice answer anyone could give: the hold stays for the PIN or an
                        # authenticator code, each a whole answer on its own.
                        uow.commit()
                        raise unheard_refusal(decision)
                    failure = None if decision.accepted else refusal(decision)  # type: ignore[assignment]
                    if failure is None:  # heard and recorded; a voice just enrolled is refused
                        voiceprint = uow.voice.voiceprint(customer_id)
                        young = unsettled(
                            VOICE, voiceprint.created_at if voiceprint else None, self._policy,
                            self._clock.now(), used_for="as this payment's answer",
                            instead="answer with your UPI PIN or an authenticator code, or by "
                                    "voice from")
                        if young is not None:
                            self._refuse(uow, context, customer_id, transfer, young)
            if failure is None:
                try:
                    result = self._holds.release(uow, transfer, context, "challenge passed")
                except REFUSED_AT_RELEASE:
                    uow.commit()  # the answer was heard: its records stand, the hold stays
                    raise
            else:
                result = self._holds.void(uow, transfer, context, "challenge failed")
            uow.commit()
        if failure is not None:
            raise failure
        return result

    def _refuse(self, uow: UnitOfWork, context: RequestContext, customer_id: UUID,
                transfer: Transfer, young: FactorTooRecent) -> NoReturn:
        """Record the refusal of an unsettled factor's right answer, commit (the hold and the
        answer's own records stand) and raise it."""
        uow.audit.append(self._audit.event(
            context, "money.transfer.challenge_refused", outcome=Outcome.DENIED,
            customer_id=customer_id, resource=f"transfer:{transfer.id}",
            reason=young.info["reason"], usable_from=young.info["usable_from"]))
        uow.commit()
        raise young

    def _totp_unsettled(self, customer_id: UUID) -> DomainError | None:
        """After its code was checked and spent: the refusal of an authenticator turned on
        less than `factor_settles_after` ago, read now so that a change meanwhile shows. One
        turned off meanwhile (or replaced by one not yet confirmed) has no age to show: the
        code answered for nothing that stands, a failed answer."""
        with self._uow_factory() as uow:
            factor = uow.second_factors.factor(customer_id)
        if factor is None or factor.confirmed_at is None:
            return TotpNotEnabled("two-step login was turned off while this code was checked")
        return unsettled(TOTP, factor.confirmed_at, self._policy,
                         self._clock.now(), used_for="as this payment's answer",
                         instead="answer with your UPI PIN or your voice, or with a code from "
                                 "this authenticator from")

    def _with_totp(self, customer_id: UUID, code: str) -> Customer:
        """A malformed code, or one from a customer without two-step login, is refused before
        the transfer is touched: it was no answer, and the hold stays for a real one."""
        check_code(code)
        with self._uow_factory() as uow:
            customer = uow.customers.get(customer_id)
            factor = uow.second_factors.factor(customer_id)
        if customer is None or factor is None or not factor.active:
            raise TotpNotEnabled("answer with totp once two-step login is on")
        return customer

    def _unproven(self, customer_id: UUID, context: RequestContext,
                  proof: DeviceProof | None) -> tuple[DomainError | None, str | None]:
        """Spend the nonce and check the session's device proof, committed on its own: the
        refusal (None: proven) and the digits the nonce asked the voice answer to say."""
        identifier = context.device_id or ""
        with self._uow_factory(write=True) as uow:
            customer = uow.customers.get(customer_id)
            binding = uow.devices.by_identifier(customer_id, identifier)
            proven = self._possession.check(
                uow, customer.customer_number if customer else "", identifier,
                binding.key if binding else None, proof)
            reason = proven.reason
            if reason is not None:
                uow.audit.append(self._audit.event(
                    context, "device.proof", outcome=Outcome.FAILURE, customer_id=customer_id,
                    resource=f"device:{binding.id if binding else identifier}", reason=reason))
            uow.commit()
        return (not_proven(reason) if reason is not None else None), proven.spoken

    def _pending(self, customer_id: UUID, transfer_id: UUID, context: RequestContext) -> None:
        """Yours and still waiting for its answer: a decided transfer spends no PIN attempt
        and no voice work (the answer is decided again under the transfer's lock)."""
        with self._uow_factory() as uow:
            transfer = owned(uow.transfers.get(transfer_id), customer_id,
                             TransferNotFound("no such transfer", transfer_id=str(transfer_id)))
        if transfer.status is not TransferStatus.CHALLENGE_REQUIRED:
            raise TransferNotHeld(f"the transfer is {transfer.status.value}",
                                  status=transfer.status.value)


class ReviewTransfers:
    """The operator's queue. A verdict settles the hold and labels the payee for the rules."""

    def __init__(self, uow_factory: UnitOfWorkFactory, holds: HoldKeeper, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._holds = holds
        self._clock = clock

    def queue(self, limit: int = 100) -> list[TransferView]:
        with self._uow_factory() as uow:
            held = uow.transfers.holding(status=TransferStatus.PENDING_REVIEW, limit=limit)
            return [TransferView(t, uow.fraud.assessment(t.id)) for t in held]

    def decide(self, transfer_id: UUID, approve: bool, context: RequestContext) -> Transfer:
        with self._uow_factory(write=True) as uow:
            transfer = uow.transfers.lock(transfer_id)
            if transfer is None:
                raise TransferNotFound("no such transfer", transfer_id=str(transfer_id))
            transfer = _expire_if_due(uow, self._holds, self._clock, transfer, context)
            if transfer.status is not TransferStatus.PENDING_REVIEW:
                raise TransferNotHeld(f"the transfer is {transfer.status.value}, not under review",
                                      status=transfer.status.value)
            # A posting's lock order (PostgreSQL): the accounts, then the payee's profile, then
            # the audit chain's head, which release and void take as they record themselves.
            uow.accounts.lock([transfer.from_account_number, transfer.to_account_number])
            uow.fraud.counterparty_profile(transfer.to_account_number)
            if approve:
                try:
                    result = self._holds.release(uow, transfer, context, "approved by an operator")
                except REFUSED_AT_RELEASE:
                    uow.commit()  # the refusal's record; the hold stays for another verdict
                    raise
                label = Label.LEGITIMATE
            else:
                result = self._holds.void(uow, transfer, context, "rejected by an operator")
                label = Label.CONFIRMED_FRAUD
            # Read again: a release has folded the payment into it meanwhile.
            payee = uow.fraud.counterparty_profile(transfer.to_account_number) or \
                CounterpartyProfile(transfer.to_account_number)
            payee.label(transfer.created_at, label is Label.CONFIRMED_FRAUD)
            uow.fraud.save_counterparty_profile(payee)
            uow.audit.append(self._holds.label_event(context, transfer, label))
            uow.commit()
            return result
