"""Registration and password log-in, on every profile, with real argon2id and JWT."""

from __future__ import annotations

import punq
import pytest

from adapters.security import Argon2Hasher
from application.audit import AuditRecorder
from application.auth_policy import AuthPolicy
from application.password_attempts import PasswordAttempts
from application.ports import Clock, IdGenerator, PasswordHasher, TokenService, UnitOfWorkFactory
from application.sessions import SessionIssuer
from application.use_cases import DeviceBinder, LogInWithPassword, RegisterCommand, RegisterCustomer
from domain.customer import KycStatus, Role
from domain.errors import CustomerExists, InvalidCredentials, ValidationError
from tests.support.banking import PASSWORD, customer


def test_registration_issues_a_number_and_stores_only_an_argon2id_hash(bank: punq.Container) -> None:
    asha = customer(bank, kyc=KycStatus.PENDING)  # as registered: KYC is the bank's next step
    assert asha.customer_number.isdigit() and len(asha.customer_number) == 10
    assert asha.kyc_status is KycStatus.PENDING
    with bank.resolve(UnitOfWorkFactory)() as uow:
        stored = uow.customers.by_number(asha.customer_number)
    assert stored is not None
    assert stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash


def test_duplicate_email_or_phone_is_refused(bank: punq.Container) -> None:
    register = bank.resolve(RegisterCustomer)
    register.execute(RegisterCommand("A", "B", "dup@example.in", "+919811111111", PASSWORD))
    with pytest.raises(CustomerExists):
        register.execute(RegisterCommand("C", "D", "DUP@example.in", "+919822222222", PASSWORD))
    with pytest.raises(CustomerExists):
        register.execute(RegisterCommand("C", "D", "other@example.in", "+919811111111", PASSWORD))


@pytest.mark.parametrize(("field", "value"), [
    ("email", "not-an-email"), ("phone_number", "12"), ("password", "short"),
    ("first_name", ""), ("preferred_language", "xx"),
])
def test_bad_profiles_are_refused(bank: punq.Container, field: str, value: str) -> None:
    fields = {"first_name": "A", "last_name": "B", "email": "ok@example.in",
              "phone_number": "+919833333333", "password": PASSWORD, field: value}
    with pytest.raises(ValidationError):
        bank.resolve(RegisterCustomer).execute(RegisterCommand(**fields))  # type: ignore[arg-type]


def test_log_in_returns_a_token_that_names_the_customer(bank: punq.Container) -> None:
    operator = customer(bank, Role.OPERATOR)
    issued, who = bank.resolve(LogInWithPassword).execute(operator.customer_number, PASSWORD)
    claims = bank.resolve(TokenService).read(issued.access_token)
    assert claims.customer_id == operator.id == who.id and claims.roles == (Role.OPERATOR,)
    assert claims.session_id == issued.session.id
    assert issued.expires_in == 15 * 60


def test_wrong_password_and_unknown_customer_look_the_same(bank: punq.Container) -> None:
    asha = customer(bank)
    log_in = bank.resolve(LogInWithPassword)
    with pytest.raises(InvalidCredentials) as wrong:
        log_in.execute(asha.customer_number, PASSWORD + "!")
    with pytest.raises(InvalidCredentials) as unknown:
        log_in.execute("0000000000", PASSWORD)
    assert wrong.value.message == unknown.value.message


def test_log_in_rehashes_when_the_parameters_change(bank: punq.Container) -> None:
    asha = customer(bank)
    stronger = Argon2Hasher(memory_kib=9216, time_cost=1)
    attempts = PasswordAttempts(bank.resolve(UnitOfWorkFactory), stronger, bank.resolve(Clock),
                                bank.resolve(AuditRecorder), bank.resolve(AuthPolicy))
    log_in = LogInWithPassword(bank.resolve(UnitOfWorkFactory), stronger,
                               bank.resolve(SessionIssuer), bank.resolve(AuditRecorder), attempts,
                               bank.resolve(DeviceBinder), bank.resolve(IdGenerator),
                               bank.resolve(Clock))
    log_in.execute(asha.customer_number, PASSWORD)
    with bank.resolve(UnitOfWorkFactory)() as uow:
        stored = uow.customers.get(asha.id)
    assert stored is not None and "m=9216" in stored.password_hash
    assert bank.resolve(PasswordHasher).verify(stored.password_hash, PASSWORD)
