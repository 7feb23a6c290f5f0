"""Make sure the bank's internal accounts exist for every currency it books: cash, the
interest expense that pays savings interest, and the payable for closed accounts (the interest
they earned before they closed, owed to their former owners)."""

from __future__ import annotations

from application.ports import Clock, IdGenerator, UnitOfWorkFactory
from application.use_cases.cash import cash_account_number
from domain.account import Account, AccountType
from domain.interest import closed_accounts_payable_number, interest_account_number
from domain.money import MINOR_DIGITS


class EnsureCashAccounts:
    """Create the missing internal accounts; running it again changes nothing."""

    def __init__(self, uow_factory: UnitOfWorkFactory, ids: IdGenerator, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._ids = ids
        self._clock = clock

    def execute(self) -> list[str]:
        created: list[str] = []
        with self._uow_factory(write=True) as uow:
            wanted = [(number, currency) for currency in sorted(MINOR_DIGITS)
                      for number in (cash_account_number(currency),
                                     interest_account_number(currency),
                                     closed_accounts_payable_number(currency))]
            for number, currency in wanted:
                if uow.accounts.by_number(number) is None:
                    uow.accounts.add(Account(
                        id=self._ids.new_id(), account_number=number, customer_id=None,
                        account_type=AccountType.INTERNAL, currency=currency,
                        opened_at=self._clock.now(),
                    ))
                    created.append(number)
            uow.commit()
        return created
