"""KYC tiers that mean something: what a customer's tier lets their accounts do. A `pending` or
`rejected` customer's accounts receive money only; a `min` customer holds a small balance, pays
a small amount a day and keeps few accounts (savings, INR); `full` has no KYC limit. The limits
are the bank's (configuration); each refusal names the limit it met."""

from __future__ import annotations

import attrs

from domain.account import Account, AccountType
from domain.customer import KycStatus
from domain.errors import KycLimitExceeded, KycRequired
from domain.money import Money

_RECEIVE_ONLY = (KycStatus.PENDING, KycStatus.REJECTED)


@attrs.frozen
class KycLimits:
    """The limits of the `min` tier, in INR (major units as configured)."""

    min_balance: str = "50000.00"  # most an account may hold
    min_daily_debit: str = "10000.00"  # most an account may pay out in a business day
    min_accounts: int = 1  # most open accounts a customer may have

    def check_debit(self, account: Account, amount: Money, debited_today: Money) -> None:
        """May this account pay `amount` out, having paid `debited_today` today (with what it
        has on hold, which may yet post today)?"""
        if account.kyc in _RECEIVE_ONLY:
            raise KycRequired(f"KYC is {account.kyc.value}: account {account.account_number} "
                              "may receive money but not pay it until KYC is complete",
                              kyc_status=account.kyc.value)
        if account.kyc is KycStatus.MIN and (debited_today + amount).exceeds(self.min_daily_debit):
            raise KycLimitExceeded(
                f"minimum KYC allows paying out {self.min_daily_debit} {amount.currency} a day "
                f"from an account; {debited_today.format()} is paid out or on hold today",
                limit="min_daily_debit", limit_amount=self.min_daily_debit)

    def check_credit(self, account: Account, amount: Money) -> None:
        """May this account take `amount` in? (Its owner's tier caps its balance.)"""
        if account.kyc is KycStatus.MIN and (account.balance + amount).exceeds(self.min_balance):
            raise KycLimitExceeded(
                f"account {account.account_number} is on minimum KYC and may hold at most "
                f"{self.min_balance} {amount.currency}", limit="min_balance",
                limit_amount=self.min_balance)

    def check_opening(self, kyc: KycStatus, account_type: AccountType, currency: str,
                      open_accounts: int) -> None:
        if kyc in _RECEIVE_ONLY:
            raise KycRequired(f"KYC is {kyc.value}: complete KYC to open an account",
                              kyc_status=kyc.value)
        if kyc is KycStatus.MIN:
            if account_type is not AccountType.SAVINGS or currency != "INR":
                raise KycLimitExceeded("minimum KYC opens INR savings accounts only",
                                       limit="min_account_type")
            if open_accounts >= self.min_accounts:
                raise KycLimitExceeded(f"minimum KYC allows {self.min_accounts} open "
                                       "account(s)", limit="min_accounts")
