"""Log in with the voice, as a second factor on a trusted, bound, enrolled device whose key
signed a fresh nonce."""

from __future__ import annotations

from uuid import UUID

from application.audit import AuditRecorder
from application.context import RequestContext
from application.device_possession import DevicePossession
from application.ports import UnitOfWorkFactory
from application.second_factor import SecondFactorCheck
from application.sessions import IssuedTokens, SessionIssuer
from application.voice_answer import VoiceListener
from application.voice_checks import VoiceVerifier, refusal
from domain.audit import Outcome
from domain.customer import Customer
from domain.device import DeviceBinding, TrustLevel
from domain.device_key import DeviceProof
from domain.errors import InvalidCredentials

NOT_ACCEPTED = ("customer number, device or voice not accepted (voice login needs an enrolled "
                "voice and a trusted device whose registered key signed a fresh nonce from "
                "POST /auth/device-challenge, whose digits the recording says)")


class LogInWithVoice:
    """The device (something you have, proven by its key) and the voice (something you are).
    An unknown customer, an unknown, untrusted or unproven device and a missing voiceprint all
    get the same answer at the same cost, before any voice work; the reason goes to the audit
    trail. An authenticator code (`totp`), when given, is checked before the voice and
    stands in for the spoken digits where the customer's language has no recogniser and
    configuration asks for a second factor."""

    def __init__(self, uow_factory: UnitOfWorkFactory, listener: VoiceListener,
                 verifier: VoiceVerifier, issuer: SessionIssuer, audit: AuditRecorder,
                 possession: DevicePossession, second_factor: SecondFactorCheck) -> None:
        self._uow_factory = uow_factory
        self._listener = listener
        self._verifier = verifier
        self._issuer = issuer
        self._audit = audit
        self._possession = possession
        self._second_factor = second_factor

    def execute(self, customer_number: str, device_identifier: str, recording: bytes,
                context: RequestContext, proof: DeviceProof | None = None,
                totp: str | None = None) -> tuple[IssuedTokens, Customer]:
        customer, spoken = self._admit(customer_number, device_identifier, proof, context)
        if totp is not None:  # raises for a wrong, spent or unconfigured code
            self._second_factor.verify(customer, context, code=totp,
                                       action="auth.login.voice.totp")
        answer = self._listener.listen(recording)  # bad audio is refused only now
        with self._uow_factory(write=True) as uow:
            # Locked: a revocation either waits for this login and then ends its session too,
            # or is seen here; a session is never left standing on a device revoked meanwhile.
            binding = uow.devices.by_identifier(customer.id, device_identifier, lock=True)
            if binding is None or binding.trust is not TrustLevel.TRUSTED:  # revoked meanwhile
                raise InvalidCredentials(NOT_ACCEPTED)
            decision = self._verifier.check(uow, binding, answer, context, "login", spoken,
                                            second_factor=totp is not None)
            if not decision.accepted:
                uow.commit()  # the failed attempt counts
                raise refusal(decision)
            issued = self._issuer.start(uow, customer, context)
            uow.audit.append(self._audit.event(
                context, "auth.login", customer_id=customer.id,
                resource=f"session:{issued.session.id}", method="voice", score=decision.score,
                totp=totp is not None))
            uow.commit()
            return issued, customer

    def _admit(self, customer_number: str, identifier: str, proof: DeviceProof | None,
               context: RequestContext) -> tuple[Customer, str | None]:
        """Spend the nonce and check the device in one committed transaction; refuse alike.
        The customer, and the digits the nonce asked the recording to say."""
        with self._uow_factory(write=True) as uow:
            customer = uow.customers.by_number(customer_number) \
                if 1 <= len(customer_number) <= 64 else None
            who = customer.id if customer else _NOBODY
            binding = uow.devices.by_identifier(who, identifier)
            enrolled = uow.voice.voiceprint(who) is not None
            proven = self._possession.check(uow, customer_number, identifier,
                                            binding.key if binding else None, proof)
            reason = _reason(customer, binding, enrolled) or proven.reason
            if reason is None and customer is not None:
                uow.commit()  # the nonce is spent
                return customer, proven.spoken
            uow.audit.append(self._audit.event(
                context, "auth.login", outcome=Outcome.FAILURE,
                customer_id=customer.id if customer else None,
                resource=f"customer:{customer_number[:64]}", method="voice", reason=reason))
            uow.commit()
        raise InvalidCredentials(NOT_ACCEPTED)


_NOBODY = UUID(int=0)  # looked up for an unknown customer too: the same work either way


def _reason(customer: Customer | None, binding: DeviceBinding | None,
            enrolled: bool) -> str | None:
    if customer is None:
        return "unknown_customer"
    if binding is None:
        return "unknown_device"
    if binding.trust is not TrustLevel.TRUSTED:
        return f"device_{binding.trust.value}"
    return None if enrolled else "voice_not_enrolled"
