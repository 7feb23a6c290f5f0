"""Self-service sign-up with a verified contact: the details first (a code goes to the email),
then the code, which makes the customer."""

from __future__ import annotations

from datetime import datetime

from application.audit import AuditRecorder
from application.context import RequestContext
from application.ports import (
    Clock,
    DuplicateCustomer,
    IdGenerator,
    Notifier,
    PasswordHasher,
    Recipient,
    UnitOfWorkFactory,
)
from application.use_cases.register_customer import (
    RegisterCommand,
    check_registration,
    unused_number,
)
from domain.audit import Outcome
from domain.customer import Customer, KycStatus, Role
from domain.errors import CustomerExists, SignUpCodeInvalid
from domain.sign_up import MAX_CODE_ATTEMPTS, SIGN_UP_LIFETIME, PendingSignUp, check_sign_up_code

CODE_SUBJECT = "Your Vaani sign-up code"
CODE_BODY = ("Welcome to Vaani. To finish opening your banking login, enter this code:\n\n"
             "    {secret}\n\nIt works within 15 minutes. If you did not sign up, ignore this "
             "message: nothing is opened without the code.")
TAKEN_SUBJECT = "Someone tried to sign up with your details"
TAKEN_BODY = ("Someone just tried to open a Vaani banking login with your email address or phone "
              "number. Nothing was opened. If it was you: you bank with us already, so log in with "
              "your customer number, or reset your password. If it was not you, no action is needed.")
GONE = "the code is wrong or expired, or the sign-up is unknown: check the code, or sign up again"


class SignUp:
    """The first step answers alike whether or not the email or phone is taken: a customer as
    they would be (a fresh customer number, KYC pending), nothing in it telling which, and a
    code goes to the email only when the contact is free, while the owner of a taken contact is
    told instead. Nothing holds an email or phone until its code confirms it, so nobody can
    squat another's address. Codes are six digits, argon2-hashed, fifteen minutes, five
    attempts counted before each comparison; a confirmed sign-up cannot be confirmed again."""

    def __init__(self, uow_factory: UnitOfWorkFactory, hasher: PasswordHasher, ids: IdGenerator,
                 clock: Clock, audit: AuditRecorder, notifier: Notifier) -> None:
        self._uow_factory = uow_factory
        self._hasher = hasher
        self._ids = ids
        self._clock = clock
        self._audit = audit
        self._notifier = notifier
        self._decoy = hasher.hash("decoy-code-never-matches")

    def start(self, command: RegisterCommand) -> Customer:
        """The customer this sign-up will make, not stored yet (log in only after `confirm`)."""
        checked = check_registration(command, self._clock.now().date())
        password_hash = self._hasher.hash(checked.password)  # slow: before any lock
        code = self._ids.new_code()
        code_hash = self._hasher.hash(code)  # made whether or not it is sent: the same work
        now = self._clock.now()
        with self._uow_factory(write=True) as uow:
            uow.sign_ups.drop_before(now)  # the table holds only live sign-ups
            number = unused_number(uow, self._ids)
            customer = checked.customer(self._ids.new_id(), number, password_hash, now)
            taken = uow.customers.by_email_or_phone(checked.email, checked.phone)
            if taken is None:
                uow.sign_ups.add(_pending(customer, code_hash))
                uow.audit.append(self._audit.event(
                    command.context, "customer.sign_up.started", resource=f"customer:{number}"))
            else:
                uow.audit.append(self._audit.event(
                    command.context, "customer.sign_up.contact_taken", outcome=Outcome.DENIED,
                    customer_id=taken.id, resource=f"customer:{taken.customer_number}",
                    taken="email" if taken.email == checked.email else "phone"))
            uow.commit()
        if taken is None:
            self._notifier.deliver(Recipient.of(customer), CODE_SUBJECT, CODE_BODY, secret=code)
        else:
            self._notifier.deliver(Recipient.of(taken), TAKEN_SUBJECT, TAKEN_BODY)
        return customer

    def confirm(self, customer_number: str, code: str, context: RequestContext) -> Customer:
        """The code the email received: the customer now exists and may log in."""
        check_sign_up_code(code)
        with self._uow_factory(write=True) as uow:  # counted before the comparison
            pending = uow.sign_ups.reserve_attempt(customer_number[:64], self._clock.now(),
                                                   MAX_CODE_ATTEMPTS)
            uow.commit()
        right = self._hasher.verify(pending.code_hash if pending else self._decoy, code)
        if pending is None or not right:
            with self._uow_factory(write=True) as uow:
                uow.audit.append(self._audit.event(
                    context, "customer.sign_up.confirm", outcome=Outcome.FAILURE,
                    resource=f"customer:{customer_number[:64]}",
                    attempt=pending.attempts if pending else None))
                uow.commit()
            raise SignUpCodeInvalid(GONE)
        try:
            with self._uow_factory(write=True) as uow:
                if not uow.sign_ups.take(pending.customer_number):
                    raise SignUpCodeInvalid(GONE)  # confirmed meanwhile by the other request
                if uow.customers.by_email_or_phone(pending.email, pending.phone_number):
                    raise CustomerExists("a customer with this email or phone already exists")
                customer = _customer(pending, self._clock.now())
                uow.customers.add(customer)
                uow.audit.append(self._audit.event(
                    context, "customer.registered", customer_id=customer.id,
                    resource=f"customer:{customer.customer_number}", role=customer.role.value,
                    verified="email"))
                uow.commit()
        except DuplicateCustomer:
            raise CustomerExists("a customer with this email or phone already exists") from None
        return customer


def _pending(customer: Customer, code_hash: str) -> PendingSignUp:
    return PendingSignUp(
        id=customer.id, customer_number=customer.customer_number,
        first_name=customer.first_name, last_name=customer.last_name, email=customer.email,
        phone_number=customer.phone_number, password_hash=customer.password_hash,
        code_hash=code_hash, created_at=customer.created_at,
        expires_at=customer.created_at + SIGN_UP_LIFETIME, date_of_birth=customer.date_of_birth,
        preferred_language=customer.preferred_language, aadhaar_last4=customer.aadhaar_last4,
        pan=customer.pan)


def _customer(pending: PendingSignUp, now: datetime) -> Customer:
    """A self-service sign-up makes a customer (staff are made at the branch, by staff)."""
    return Customer(
        id=pending.id, customer_number=pending.customer_number, first_name=pending.first_name,
        last_name=pending.last_name, email=pending.email, phone_number=pending.phone_number,
        password_hash=pending.password_hash, role=Role.CUSTOMER, created_at=now,
        kyc_status=KycStatus.PENDING, preferred_language=pending.preferred_language,
        date_of_birth=pending.date_of_birth, aadhaar_last4=pending.aadhaar_last4, pan=pending.pan)
