"""The customer changes their own profile: names and language at once; a new email or phone
only once a code sent to it comes back (confirm_contact_change.py). The password is needed for a
new email or phone, and for a language no recogniser hears where the bank then takes an
authenticator code in place of the spoken digits (VAANI_VOICE_UNHEARD_LANGUAGE=second-factor):
otherwise a session alone could trade the digits, which a replayed recording cannot say, for a
code from a phone the same thief may hold."""

from __future__ import annotations

from uuid import UUID

import attrs

from application.audit import AuditRecorder
from application.context import SYSTEM, RequestContext
from application.password_attempts import PasswordAttempts
from application.ports import (
    Clock,
    DigitRecogniser,
    IdGenerator,
    Notifier,
    Recipient,
    UnitOfWorkFactory,
)
from application.use_cases.register_customer import LANGUAGES
from application.use_cases.view_profile import own_customer
from domain.contact_change import (
    CODE_LIFETIME,
    ContactChange,
    ContactField,
    code_from_secret,
    code_hash,
    normalise_email,
    normalise_phone,
)
from domain.customer import Customer, check_profile
from domain.errors import Unauthorized, ValidationError
from domain.spoken_challenge import SpokenChallengePolicy, UnheardLanguage

LEAVING = "a language the voice check cannot hear"


@attrs.frozen
class ProfileChanges:
    """Fields left None stay as they are."""

    customer_id: UUID
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone_number: str | None = None
    preferred_language: str | None = None
    context: RequestContext = SYSTEM
    # Needed for a new email or phone (where the bank's messages and a password reset go) and
    # for leaving the spoken digits (module docstring): not on a stolen session alone.
    password: str | None = attrs.field(default=None, repr=False)


@attrs.frozen
class ProfileChanged:
    customer: Customer
    pending: ContactChange | None  # the new email or phone now waiting for its code


class ChangeProfile:
    """A new email or phone must be proven the customer's before it replaces the old: a code
    is sent to it (6 digits, 15 minutes, single use) and the current address is told, so a
    stolen session cannot quietly move where the bank's messages go. An address another
    customer holds is answered exactly like a free one, and its code is never sent: nobody
    learns from this endpoint who banks here."""

    def __init__(self, uow_factory: UnitOfWorkFactory, ids: IdGenerator, clock: Clock,
                 audit: AuditRecorder, notifier: Notifier, passwords: PasswordAttempts,
                 spoken: SpokenChallengePolicy, recogniser: DigitRecogniser) -> None:
        self._uow_factory = uow_factory
        self._passwords = passwords
        self._ids = ids
        self._clock = clock
        self._audit = audit
        self._notifier = notifier
        self._spoken = spoken
        self._heard = recogniser.languages

    def execute(self, changes: ProfileChanges) -> ProfileChanged:
        contact = _contact(changes)
        why = "a new email or phone" if contact is not None else self._leaving_the_digits(changes)
        attempt = self._password(changes, why) if why else None
        code = code_from_secret(self._ids.new_secret())
        with self._uow_factory(write=True) as uow:
            customer = own_customer(uow, changes.customer_id, lock=True)
            if attempt is not None:
                self._passwords.record_success(uow, customer.customer_number, attempt)
            elif self._leaves_the_digits(customer.preferred_language, changes.preferred_language):
                raise ValidationError(f"{LEAVING} needs your password", field="password")
            changed = _apply_names(customer, changes)
            taken = False
            if contact is not None:
                field, value = contact
                if value == getattr(customer, field.value):
                    raise ValidationError(f"this is your {field.value} already",
                                          field=field.value)
                email, phone = ((value, customer.phone_number) if field is ContactField.EMAIL
                                else (customer.email, value))
                check_profile(customer.first_name, customer.last_name, email, phone)
                other = uow.customers.by_email_or_phone(value, value)  # this field's holder
                taken = other is not None and other.id != customer.id
                customer.contact_change = ContactChange(
                    field, value, code_hash(customer.id, field, value, code),
                    self._clock.now() + CODE_LIFETIME)
            if not changed and contact is None:
                raise ValidationError("give at least one field to change", field="body")
            uow.customers.update(customer)
            if changed:
                uow.audit.append(self._audit.event(
                    changes.context, "customer.profile.changed", customer_id=customer.id,
                    resource=f"customer:{customer.customer_number}", fields=",".join(changed)))
            if contact is not None:  # never the address itself: the trail outlives erasure
                uow.audit.append(self._audit.event(
                    changes.context, "customer.contact.change_requested",
                    customer_id=customer.id, resource=f"customer:{customer.customer_number}",
                    field=contact[0].value))
            uow.commit()
        if customer.contact_change is not None and contact is not None:
            self._send(customer, customer.contact_change, code, taken)
        return ProfileChanged(customer, customer.contact_change if contact else None)

    def _leaving_the_digits(self, changes: ProfileChanges) -> str | None:
        if changes.preferred_language is None or changes.preferred_language in self._heard:
            return None
        with self._uow_factory() as uow:
            now = own_customer(uow, changes.customer_id).preferred_language
        return LEAVING if self._leaves_the_digits(now, changes.preferred_language) else None

    def _leaves_the_digits(self, now: str, wanted: str | None) -> bool:
        """True when the change takes a customer whose voice answers need the spoken digits to
        a language whose voice answers take an authenticator code instead."""
        return (self._spoken.required and self._spoken.unheard is UnheardLanguage.SECOND_FACTOR
                and wanted is not None and wanted != now and now in self._heard
                and wanted not in self._heard)

    def _password(self, changes: ProfileChanges, why: str) -> int:
        """The password, counted towards the login lockout like a login's."""
        if changes.password is None:
            raise ValidationError(f"{why} needs your password", field="password")
        with self._uow_factory() as uow:
            number = own_customer(uow, changes.customer_id).customer_number
        checked = self._passwords.check(number, changes.password, changes.context,
                                        action="customer.contact.password")
        if checked.customer is None:
            raise Unauthorized("the password is wrong", reason="password")
        return checked.attempt

    def _send(self, customer: Customer, change: ContactChange, code: str, taken: bool) -> None:
        what = "email address" if change.field is ContactField.EMAIL else "phone number"
        if not taken:
            self._notifier.deliver(Recipient.at(customer, change.value), "Your Vaani code",
                                   "Enter {secret} in the app within 15 minutes to make this "
                                   f"your {what} at the bank. Never share it with anyone.",
                                   secret=code)
        self._notifier.deliver(Recipient.of(customer), f"A new {what} was asked for",
                               f"Someone asked to change your {what} at the bank. If this was "
                               "not you, call the bank at once: nothing changes without the "
                               "code sent to the new one.")


def _contact(changes: ProfileChanges) -> tuple[ContactField, str] | None:
    if changes.email is not None and changes.phone_number is not None:
        raise ValidationError("change email and phone_number one at a time: each is "
                              "confirmed by its own code", field="phone_number")
    if changes.email is not None:
        return ContactField.EMAIL, normalise_email(changes.email)
    if changes.phone_number is not None:
        return ContactField.PHONE, normalise_phone(changes.phone_number)
    return None


def _apply_names(customer: Customer, changes: ProfileChanges) -> list[str]:
    """Names and language, checked as at sign-up; answers the fields that changed."""
    changed = []
    for field in ("first_name", "last_name"):
        value = getattr(changes, field)
        if value is not None and value.strip() != getattr(customer, field):
            setattr(customer, field, value.strip())
            changed.append(field)
    check_profile(customer.first_name, customer.last_name, customer.email, customer.phone_number)
    language = changes.preferred_language
    if language is not None and language != customer.preferred_language:
        if language not in LANGUAGES:
            raise ValidationError("preferred_language is not supported",
                                  field="preferred_language", supported=sorted(LANGUAGES))
        customer.preferred_language = language
        changed.append("preferred_language")
    return changed
