"""Register a customer (self-service sign-up or operator onboarding)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import SYSTEM, RequestContext
from application.ports import (
    Clock,
    DuplicateCustomer,
    IdGenerator,
    PasswordHasher,
    UnitOfWork,
    UnitOfWorkFactory,
)
from application.use_cases.password_policy import check_password
from domain.customer import Customer, KycStatus, Role, check_profile
from domain.errors import CustomerExists, ValidationError
from domain.identity_numbers import aadhaar_last4, normalise_pan
from domain.passwords import MAX_LENGTH, MAX_TYPED_LENGTH, prepare_password

LANGUAGES = frozenset({"en", "hi", "bn", "ta", "te", "mr", "gu", "kn", "ml", "pa", "or", "ur"})


@attrs.frozen
class RegisterCommand:
    first_name: str
    last_name: str
    email: str
    phone_number: str
    password: str = attrs.field(repr=False)
    role: Role = Role.CUSTOMER
    date_of_birth: date | None = None
    preferred_language: str = "en"
    aadhaar: str | None = attrs.field(default=None, repr=False)
    pan: str | None = None
    context: RequestContext = SYSTEM


class RegisterCustomer:
    """Create a customer with a freshly issued customer number and an argon2id password hash."""

    def __init__(self, uow_factory: UnitOfWorkFactory, hasher: PasswordHasher, ids: IdGenerator,
                 clock: Clock, audit: AuditRecorder) -> None:
        self._uow_factory = uow_factory
        self._hasher = hasher
        self._ids = ids
        self._clock = clock
        self._audit = audit

    def execute(self, command: RegisterCommand) -> Customer:
        checked = check_registration(command, self._clock.now().date())
        password_hash = self._hasher.hash(checked.password)  # slow: done before taking any lock
        try:
            with self._uow_factory(write=True) as uow:
                if uow.customers.by_email_or_phone(checked.email, checked.phone) is not None:
                    raise CustomerExists("a customer with this email or phone already exists")
                customer = checked.customer(self._ids.new_id(), unused_number(uow, self._ids),
                                            password_hash, self._clock.now())
                uow.customers.add(customer)
                uow.audit.append(self._audit.event(
                    command.context, "customer.registered", customer_id=customer.id,
                    resource=f"customer:{customer.customer_number}", role=customer.role.value))
                uow.commit()
                return customer
        except DuplicateCustomer:
            raise CustomerExists("a customer with this email or phone already exists") from None


@attrs.frozen
class CheckedRegistration:
    """A registration's details as they will be stored: normalised, every rule met."""

    command: RegisterCommand
    email: str
    phone: str
    password: str = attrs.field(repr=False)  # prepared (domain/passwords.py)
    pan: str | None
    aadhaar_last4: str | None

    def customer(self, customer_id: UUID, number: str, password_hash: str,
                 now: datetime) -> Customer:
        command = self.command
        return Customer(
            id=customer_id, customer_number=number, first_name=command.first_name.strip(),
            last_name=command.last_name.strip(), email=self.email, phone_number=self.phone,
            password_hash=password_hash, role=command.role, created_at=now,
            kyc_status=KycStatus.PENDING, preferred_language=command.preferred_language,
            date_of_birth=command.date_of_birth, pan=self.pan, aadhaar_last4=self.aadhaar_last4)


def check_registration(command: RegisterCommand, today: date) -> CheckedRegistration:
    """Every rule of a registration that needs no database; raises ValidationError."""
    email = command.email.strip().lower()
    phone = command.phone_number.strip().replace(" ", "")
    check_profile(command.first_name, command.last_name, email, phone)
    if len(command.password) > MAX_TYPED_LENGTH:
        raise ValidationError(f"password must have at most {MAX_LENGTH} characters",
                              field="password")
    password = prepare_password(command.password)
    check_password(password, email, email.split("@")[0], phone, phone.lstrip("+"))
    if command.preferred_language not in LANGUAGES:
        raise ValidationError("preferred_language is not supported", field="preferred_language",
                              supported=sorted(LANGUAGES))
    if command.date_of_birth is not None and not (
        date(1900, 1, 1) <= command.date_of_birth <= today
    ):
        raise ValidationError("date_of_birth is not plausible", field="date_of_birth")
    pan = normalise_pan(command.pan) if command.pan else None
    aadhaar = aadhaar_last4(command.aadhaar) if command.aadhaar else None  # only 4 digits kept
    return CheckedRegistration(command, email, phone, password, pan, aadhaar)


def unused_number(uow: UnitOfWork, ids: IdGenerator) -> str:
    """A customer number no customer has (nor a sign-up waiting for its code)."""
    for _ in range(20):
        number = ids.new_customer_number()
        if uow.customers.by_number(number) is None and uow.sign_ups.get(number) is None:
            return number
    raise RuntimeError("could not find a free customer number")
