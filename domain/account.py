"""Accounts: the bank's rulebook for what may happen to a balance."""

from __future__ import annotations

import enum
from datetime import datetime
from uuid import UUID

import attrs

from domain.customer import KycStatus
from domain.errors import (
    AccountClosed,
    AccountFrozen,
    AccountNotEmpty,
    CurrencyMismatch,
    InsufficientFunds,
    ValidationError,
)
from domain.money import Money


class AccountType(enum.StrEnum):
    SAVINGS = "savings"
    CURRENT = "current"
    # The bank's own side of cash deposits and withdrawals; it may go negative, so the
    # sum of every balance in the ledger is always exactly zero (double entry).
    INTERNAL = "internal"


class AccountStatus(enum.StrEnum):
    ACTIVE = "active"
    FROZEN = "frozen"
    CLOSED = "closed"


@attrs.define(eq=False)
class Account:
    """A customer's (or the bank's internal) account; balances change only through postings."""

    id: UUID
    account_number: str
    customer_id: UUID | None
    account_type: AccountType
    currency: str
    opened_at: datetime
    status: AccountStatus = AccountStatus.ACTIVE
    balance: Money = attrs.field(default=None)
    held: Money = attrs.field(default=None)
    branch_code: str | None = None
    # The owner's KYC tier, kept on the account so a posting reads it with the row it locks
    # (domain/kyc.py); the bank's own accounts are never limited by it.
    kyc: KycStatus = KycStatus.FULL

    def __attrs_post_init__(self) -> None:
        if self.balance is None:
            self.balance = Money.zero(self.currency)
        if self.held is None:
            self.held = Money.zero(self.currency)

    @property
    def available_balance(self) -> Money:
        return self.balance - self.held

    @property
    def may_overdraw(self) -> bool:
        return self.account_type is AccountType.INTERNAL

    def ensure_can_move(self, amount: Money) -> None:
        """Refuse any movement on a frozen or closed account, or in another currency."""
        if self.status is AccountStatus.FROZEN:
            raise AccountFrozen(f"account {self.account_number} is frozen",
                                account_number=self.account_number)
        if self.status is AccountStatus.CLOSED:
            raise AccountClosed(f"account {self.account_number} is closed",
                                account_number=self.account_number)
        if amount.currency != self.currency:
            raise CurrencyMismatch(
                f"account {self.account_number} holds {self.currency}, not {amount.currency}",
                expected=self.currency, got=amount.currency,
            )
        if not amount.is_positive():
            raise ValidationError("amount must be greater than zero", field="amount")

    def debit(self, amount: Money) -> Money:
        """Take money out; never below the available balance. Returns the new balance."""
        self._ensure_available(amount)
        self.balance = self.balance - amount
        return self.balance

    def _ensure_available(self, amount: Money) -> None:
        self.ensure_can_move(amount)
        if not self.may_overdraw and self.available_balance < amount:
            raise InsufficientFunds(
                f"account {self.account_number} has insufficient funds",
                account_number=self.account_number,
                available=self.available_balance.format(),
            )

    def credit(self, amount: Money) -> Money:
        """Put money in. Returns the new balance."""
        self.ensure_can_move(amount)
        self.balance = self.balance + amount
        return self.balance

    def place_hold(self, amount: Money) -> None:
        """Reserve money for a transfer awaiting a challenge or a review: the available
        balance drops, the ledger balance does not."""
        self._ensure_available(amount)
        self.held = self.held + amount

    def release_hold(self, amount: Money) -> None:
        """Give reserved money back (before posting it, or when the transfer is voided)."""
        if amount.minor <= 0 or self.held < amount:
            raise ValueError(f"account {self.account_number} holds less than {amount}")
        self.held = self.held - amount

    def freeze(self) -> None:
        if self.status is AccountStatus.CLOSED:
            raise AccountClosed(f"account {self.account_number} is closed")
        self.status = AccountStatus.FROZEN

    def unfreeze(self) -> None:
        if self.status is AccountStatus.CLOSED:
            raise AccountClosed(f"account {self.account_number} is closed")
        self.status = AccountStatus.ACTIVE

    def close(self) -> None:
        """Close only an empty account with nothing on hold."""
        if self.status is AccountStatus.CLOSED:
            raise AccountClosed(f"account {self.account_number} is already closed")
        if self.balance.minor != 0 or self.held.minor != 0:
            raise AccountNotEmpty(
                f"account {self.account_number} still holds {self.balance}",
                balance=self.balance.format(),
            )
        self.status = AccountStatus.CLOSED
