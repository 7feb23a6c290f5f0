"""The use cases the HTTP API calls, resolved from the container once at start-up."""

from __future__ import annotations

import attrs
import punq

from application.ports import TokenService, UnitOfWorkFactory
from application.use_cases import (
    GenerateStatement,
    GetBalance,
    ListAccounts,
    ListTransactions,
    LogInWithPassword,
    RegisterCustomer,
    TransferMoney,
)


@attrs.frozen
class Services:
    tokens: TokenService
    uow_factory: UnitOfWorkFactory
    register: RegisterCustomer
    log_in: LogInWithPassword
    list_accounts: ListAccounts
    get_balance: GetBalance
    list_transactions: ListTransactions
    transfer: TransferMoney
    statement: GenerateStatement

    @classmethod
    def from_container(cls, container: punq.Container) -> Services:
        fields = attrs.fields_dict(attrs.resolve_types(cls))
        resolved = {
            "tokens": container.resolve(TokenService),
            "uow_factory": container.resolve(UnitOfWorkFactory),
        }
        for name, field in fields.items():
            if name not in resolved:
                resolved[name] = container.resolve(field.type)
        return cls(**resolved)
