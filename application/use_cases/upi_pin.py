"""The UPI PIN: set or change it (with the password or a fresh login), and verify it."""

from __future__ import annotations

from uuid import UUID

from application.audit import AuditRecorder
from application.auth_policy import AuthPolicy
from application.context import RequestContext
from application.factor_settling import PIN, unsettled
from application.password_attempts import PasswordAttempts
from application.ports import Clock, PasswordHasher, UnitOfWorkFactory
from application.use_cases.manage_sessions import Principal
from domain.audit import Outcome
from domain.customer import Customer, check_pin
from domain.errors import PinBlocked, PinInvalid, PinNotSet, Unauthorized
from domain.timestamps import rfc3339


class SetUpiPin:
    """4 or 6 digits, argon2id-hashed with its own salt; never logged, never returned. The
    password, when given, counts towards the login lockout like a login's; without it the
    session's login (not its latest token: a refresh proves nothing) must be fresh. The time it
    is set is kept: a PIN the password set moments ago is no second factor beside that password
    (`Customer.pin_settled`)."""

    def __init__(self, uow_factory: UnitOfWorkFactory, hasher: PasswordHasher, clock: Clock,
                 audit: AuditRecorder, policy: AuthPolicy, passwords: PasswordAttempts) -> None:
        self._uow_factory = uow_factory
        self._hasher = hasher
        self._clock = clock
        self._audit = audit
        self._policy = policy
        self._passwords = passwords

    def execute(self, caller: Principal, pin: str, password: str | None,
                context: RequestContext) -> None:
        check_pin(pin)
        with self._uow_factory() as uow:
            customer = uow.customers.get(caller.customer_id)
        if customer is None:
            raise Unauthorized("unknown customer")
        if password is not None:
            checked = self._passwords.check(customer.customer_number, password, context,
                                            action="upi.pin.password")
            if checked.customer is None:
                raise Unauthorized("the password is wrong")
        elif self._clock.now() - caller.logged_in_at > self._policy.fresh_login:
            raise Unauthorized("changing the UPI PIN needs your password or a login in the last "
                               f"{int(self._policy.fresh_login.total_seconds() // 60)} minutes",
                               reason="stale_login")
        pin_hash = self._hasher.hash(pin)
        with self._uow_factory(write=True) as uow:
            if password is not None:
                self._passwords.record_success(uow, customer.customer_number, checked.attempt)
            current = uow.customers.lock(caller.customer_id)
            assert current is not None
            changed = current.upi_pin_hash is not None
            current.set_pin(pin_hash, self._clock.now())
            uow.customers.update(current)
            uow.audit.append(self._audit.event(
                context, "upi.pin.changed" if changed else "upi.pin.set",
                customer_id=current.id, resource=f"customer:{current.customer_number}",
                proof="password" if password is not None else "fresh_login"))
            uow.commit()


class VerifyUpiPin:
    """Three wrong PINs block PIN use for 24 hours (configurable). Each attempt is counted as
    wrong in the database before the PIN is compared and refunded only if it was right, so no
    interleaving of requests, processes or hosts compares more PINs than the policy allows,
    and none is compared once the block is set. `execute` only checks the PIN (it moves
    nothing); where the PIN stands as a factor of its own, `verify_settled` also asks that it
    have settled (`application.factor_settling`)."""

    def __init__(self, uow_factory: UnitOfWorkFactory, hasher: PasswordHasher, clock: Clock,
                 audit: AuditRecorder, policy: AuthPolicy) -> None:
        self._uow_factory = uow_factory
        self._hasher = hasher
        self._clock = clock
        self._audit = audit
        self._policy = policy

    def execute(self, customer_id: UUID, pin: str, context: RequestContext) -> None:
        pin_hash, attempt = self._reserve(customer_id)
        right = self._hasher.verify(pin_hash, pin)
        with self._uow_factory(write=True) as uow:
            # Decided against the state after the comparison: a wrong PIN was counted already;
            # a right one settles its own count but never lifts a block others' set meanwhile.
            current = uow.customers.lock(customer_id)
            assert current is not None
            accepted = right and current.settle_right_pin(attempt, self._clock.now())
            if accepted:
                uow.customers.update(current)
            uow.audit.append(self._audit.event(
                context, "upi.pin.verify",
                outcome=Outcome.SUCCESS if accepted else Outcome.FAILURE,
                customer_id=current.id, resource=f"customer:{current.customer_number}",
                attempt=attempt, **({"reason": "blocked_meanwhile"} if right and not accepted
                                    else {})))
            blocks = not right and attempt >= self._policy.pin.max_failures
            if blocks:
                uow.audit.append(self._audit.event(
                    context, "upi.pin.blocked", outcome=Outcome.DENIED, customer_id=current.id,
                    resource=f"customer:{current.customer_number}"))
            uow.commit()
        if accepted:
            return
        if blocks or current.pin_blocked(self._clock.now()):
            raise PinBlocked("UPI PIN use is blocked after too many wrong PINs",
                             blocked_until=_until(current))
        raise PinInvalid("the UPI PIN is wrong",
                         attempts_left=max(0, self._policy.pin.max_failures - current.pin_failures))

    def verify_settled(self, customer_id: UUID, pin: str, context: RequestContext, *,
                       used_for: str, instead: str) -> None:
        """The PIN as a factor beside the password (a held payment's answer, re-enrolling a
        voice): verified and counted exactly as `execute`, then refused with PinTooRecent
        (`usable_from`) while it was set or changed less than `factor_settles_after` ago,
        since the password alone (or a login with it) sets a PIN. The customer is read after
        the PIN was verified, so a change at the same moment shows. `used_for` and `instead` word the
        refusal: what the PIN was for, and what the customer can do, ending where the time
        the PIN counts from is put."""
        self.execute(customer_id, pin, context)
        with self._uow_factory() as uow:
            customer = uow.customers.get(customer_id)
        young = unsettled(PIN, customer.pin_set_at if customer is not None else None,
                          self._policy, self._clock.now(), used_for=used_for, instead=instead)
        if young is not None:
            raise young

    def _reserve(self, customer_id: UUID) -> tuple[str, int]:
        """The PIN's hash and this attempt's number, counted and committed before any
        comparison; refused while PIN use is blocked."""
        with self._uow_factory(write=True) as uow:
            customer = uow.customers.lock(customer_id)
            if customer is None or customer.upi_pin_hash is None:
                raise PinNotSet("set a UPI PIN first")
            attempt = customer.reserve_pin_attempt(self._clock.now(), self._policy.pin)
            if attempt is None:
                raise PinBlocked("UPI PIN use is blocked after too many wrong PINs",
                                 blocked_until=_until(customer))
            uow.customers.update(customer)
            uow.commit()
            return customer.upi_pin_hash, attempt


def _until(customer: Customer) -> str:
    return rfc3339(customer.pin_blocked_until) if customer.pin_blocked_until else ""
