"""Log in with the voice, as a second factor on a trusted, bound, enrolled device."""

from __future__ import annotations

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ports import UnitOfWorkFactory, VoiceEngine
from application.sessions import IssuedTokens, SessionIssuer
from application.voice_checks import VoiceVerifier, refusal
from domain.customer import Customer
from domain.device import TrustLevel
from domain.errors import DeviceNotTrusted, InvalidCredentials


class LogInWithVoice:
    """The device (something you have) and the voice (something you are). A voice alone, or on
    an unknown, suspicious or revoked device, logs nobody in."""

    def __init__(self, uow_factory: UnitOfWorkFactory, engine: VoiceEngine,
                 verifier: VoiceVerifier, issuer: SessionIssuer, audit: AuditRecorder) -> None:
        self._uow_factory = uow_factory
        self._engine = engine
        self._verifier = verifier
        self._issuer = issuer
        self._audit = audit

    def execute(self, customer_number: str, device_identifier: str, recording: bytes,
                context: RequestContext) -> tuple[IssuedTokens, Customer]:
        sample = self._engine.analyse(recording)  # bad audio is refused before any lookup
        with self._uow_factory(write=True) as uow:
            customer = uow.customers.by_number(customer_number)
            if customer is None:
                raise InvalidCredentials("customer number, device or voice not accepted")
            binding = uow.devices.by_identifier(customer.id, device_identifier)
            if binding is None or binding.trust is not TrustLevel.TRUSTED:
                raise DeviceNotTrusted("voice login needs a trusted device bound to this customer")
            decision = self._verifier.check(uow, binding, recording, sample, context, "login")
            if not decision.accepted:
                uow.commit()  # the failed attempt counts
                raise refusal(decision)
            issued = self._issuer.start(uow, customer, context)
            uow.audit.append(self._audit.event(
                context, "auth.login", customer_id=customer.id,
                resource=f"session:{issued.session.id}", method="voice", score=decision.score))
            uow.commit()
            return issued, customer
