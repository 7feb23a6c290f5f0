"""A code from the customer's authenticator, or one of their recovery codes, checked wherever
one is asked for (the second step of a login, a transfer's challenge, turning TOTP off)."""

from __future__ import annotations

import hashlib
import hmac

from application.audit import AuditRecorder
from application.auth_policy import AuthPolicy
from application.context import RequestContext
from application.ports import Clock, SecretBox, TotpCodes, UnitOfWork, UnitOfWorkFactory
from domain.audit import Outcome
from domain.customer import Customer
from domain.errors import AccountLocked, SecondFactorInvalid, TotpNotEnabled, ValidationError
from domain.login_attempts import LoginAttempts
from domain.timestamps import rfc3339
from domain.totp import check_code, normalise_recovery_code, steps_around


def recovery_hash(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def secret_replaced() -> TotpNotEnabled:
    """The refusal of a code confirming a secret that is no longer the pending one (a newer
    enrolment replaced it, or it was confirmed or turned off meanwhile)."""
    return TotpNotEnabled("the secret this code was for is no longer the one waiting to be "
                          "confirmed (a newer POST /auth/totp replaced it, or it was turned on "
                          "or off meanwhile): confirm again with a code for the newest secret",
                          reason="secret_replaced")


def attempts_key(customer: Customer) -> str:
    """Codes count apart from passwords (a right password must not refund a wrong code), in
    the same table and under the same lockout policy."""
    return f"totp:{customer.customer_number}"


class SecondFactorCheck:
    """Checked like a password: each attempt is counted as failed in the database before its
    code is compared and refunded only if it was right, so parallel guesses cannot outrun the
    lockout; every failure is audited. A right code is accepted once: its time step is spent
    (`spend_step`), as a recovery code is (`spend_recovery_code`), by a conditional write that
    exactly one of parallel users wins."""

    def __init__(self, uow_factory: UnitOfWorkFactory, codes: TotpCodes, box: SecretBox,
                 clock: Clock, audit: AuditRecorder, policy: AuthPolicy) -> None:
        self._uow_factory = uow_factory
        self._codes = codes
        self._box = box
        self._clock = clock
        self._audit = audit
        self._policy = policy

    def verify(self, customer: Customer, context: RequestContext, *, code: str | None = None,
               recovery_code: str | None = None, action: str = "auth.second_factor",
               pending: str | None = None) -> str:
        """Passes quietly (answering which: `totp` or `recovery_code`) or raises
        SecondFactorInvalid, AccountLocked or TotpNotEnabled; `pending`: the sealed secret of
        a new authenticator (not on yet) the code confirms, compared only while it is still
        the stored one."""
        if (code is None) == (recovery_code is None):
            raise ValidationError("give exactly one of code or recovery_code", field="code")
        method = "totp" if code is not None else "recovery_code"
        plain = None
        if code is not None:
            check_code(code)
        else:
            plain = normalise_recovery_code(recovery_code or "")
        secret, attempt = self._reserve(customer, context, action, pending)
        step = None
        if code is not None:
            matched = [s for s in steps_around(self._clock.now())
                       if hmac.compare_digest(self._codes.code(secret, s), code)]
            step = matched[-1] if matched else None
        with self._uow_factory(write=True) as uow:
            key = attempts_key(customer)
            attempts = uow.login_attempts.get(key) or LoginAttempts(key)
            now = self._clock.now()
            right = (uow.second_factors.spend_step(customer.id, step) if step is not None
                     else plain is not None and uow.second_factors.spend_recovery_code(
                         customer.id, recovery_hash(plain), now))
            if right and not attempts.settle_right(attempt, now):
                uow.rollback()  # locked by others' guesses meanwhile: the code stays unspent
                raise AccountLocked("too many wrong codes; try again after "
                                    f"{rfc3339(attempts.locked_until or now)}",
                                    locked_until=rfc3339(attempts.locked_until or now))
            if right:
                uow.login_attempts.save(attempts)
            else:
                self._record_failure(uow, customer, attempt, attempts, context, action, method)
            if right:
                uow.audit.append(self._audit.event(
                    context, action, customer_id=customer.id,
                    resource=f"customer:{customer.customer_number}", method=method,
                    codes_left=(uow.second_factors.recovery_codes_left(customer.id)
                                if plain is not None else None)))
            uow.commit()
        if not right:
            raise SecondFactorInvalid("the code is wrong, expired or already used",
                                      attempts_left=max(0, self._policy.lockout.max_failures
                                                        - attempts.failures))
        return method

    def _reserve(self, customer: Customer, context: RequestContext, action: str,
                 pending: str | None) -> tuple[str, int]:
        """The authenticator's secret and this attempt's number, counted and committed before
        any comparison; refused, comparing nothing, while locked."""
        now = self._clock.now()
        with self._uow_factory(write=True) as uow:
            factor = uow.second_factors.factor(customer.id)
            if pending is not None:
                if factor is None or factor.active or factor.secret_sealed != pending:
                    raise secret_replaced()
            elif factor is None or not factor.active:
                raise TotpNotEnabled("two-step login is not turned on")
            key = attempts_key(customer)
            attempts = uow.login_attempts.get(key) or LoginAttempts(key)
            attempt = attempts.reserve(now, self._policy.lockout)
            if attempt is None:
                until = rfc3339(attempts.locked_until or now)
                uow.audit.append(self._audit.event(
                    context, action, outcome=Outcome.DENIED, customer_id=customer.id,
                    resource=f"customer:{customer.customer_number}", reason="locked",
                    until=until))
                uow.commit()
                raise AccountLocked(f"too many wrong codes; try again after {until}",
                                    locked_until=until)
            uow.login_attempts.save(attempts)
            uow.commit()
        return self._box.open(factor.secret_sealed), attempt

    def _record_failure(self, uow: UnitOfWork, customer: Customer, attempt: int,
                        attempts: LoginAttempts, context: RequestContext, action: str,
                        method: str) -> None:
        uow.audit.append(self._audit.event(
            context, action, outcome=Outcome.FAILURE, customer_id=customer.id,
            resource=f"customer:{customer.customer_number}", method=method,
            failures=attempts.failures))
        if attempt >= self._policy.lockout.max_failures:  # this attempt was the last allowed
            uow.audit.append(self._audit.event(
                context, "auth.lockout", outcome=Outcome.DENIED, customer_id=customer.id,
                resource=f"customer:{customer.customer_number}",
                until=rfc3339(attempts.locked_until or self._clock.now())))
