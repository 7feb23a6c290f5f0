"""Vaani's domain: the bank's rules, free of any framework."""

from domain.account import Account, AccountStatus, AccountType
from domain.customer import Customer, KycStatus, Role
from domain.ledger import Channel, EntryType, LedgerEntry
from domain.money import Money
from domain.transfer import Transfer, TransferKind, TransferStatus

__all__ = [
    "Account", "AccountStatus", "AccountType", "Channel", "Customer", "EntryType", "KycStatus",
    "LedgerEntry", "Money", "Role", "Transfer", "TransferKind", "TransferStatus",
]
