"""Log in with customer number and password; returns a signed access token."""

from __future__ import annotations

import attrs

from application.ports import PasswordHasher, TokenService, UnitOfWorkFactory
from domain.customer import Customer
from domain.errors import InvalidCredentials


@attrs.frozen
class LoginResult:
    access_token: str = attrs.field(repr=False)
    expires_in: int
    customer: Customer


class LogInWithPassword:
    """Check a password; an unknown customer costs the same hash work as a wrong password."""

    def __init__(self, uow_factory: UnitOfWorkFactory, hasher: PasswordHasher,
                 tokens: TokenService) -> None:
        self._uow_factory = uow_factory
        self._hasher = hasher
        self._tokens = tokens
        # A real hash of a random secret, so the unknown-customer path does the same work.
        self._decoy = hasher.hash("decoy-password-never-matches")

    def execute(self, customer_number: str, password: str) -> LoginResult:
        with self._uow_factory() as uow:
            customer = uow.customers.by_number(customer_number)
        if customer is None:
            self._hasher.verify(self._decoy, password)
            raise InvalidCredentials("customer number or password is wrong")
        if not self._hasher.verify(customer.password_hash, password):
            raise InvalidCredentials("customer number or password is wrong")
        if self._hasher.needs_rehash(customer.password_hash):
            self._rehash(customer, password)
        token, expires_in = self._tokens.issue(customer)
        return LoginResult(token, expires_in, customer)

    def _rehash(self, customer: Customer, password: str) -> None:
        new_hash = self._hasher.hash(password)
        with self._uow_factory(write=True) as uow:
            current = uow.customers.get(customer.id)
            if current is not None and current.password_hash == customer.password_hash:
                current.password_hash = new_hash
                uow.customers.update(current)
                uow.commit()
