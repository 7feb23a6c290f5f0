"""Check every ledger invariant: what an auditor would ask before trusting the books."""

from __future__ import annotations

from collections import defaultdict
from uuid import UUID

import attrs

from application.ports import UnitOfWorkFactory
from domain.account import Account
from domain.ledger import EntryType, LedgerEntry
from domain.transfer import TransferStatus


@attrs.frozen
class LedgerReport:
    accounts: int
    entries: int
    transfers: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


class VerifyLedger:
    """Replays every account's entries and checks the legs of every transfer."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def execute(self, max_problems: int = 100) -> LedgerReport:
        problems: list[str] = []
        legs: dict[UUID, list[LedgerEntry]] = defaultdict(list)
        with self._uow_factory() as uow:  # one snapshot for the whole check
            accounts = {a.id: a for a in uow.accounts.all()}
            replayed: dict[UUID, int] = defaultdict(int)
            entries = 0
            for entry in uow.ledger.all_in_order():
                entries += 1
                legs[entry.transfer_id].append(entry)
                problems.extend(_check_entry(entry, accounts.get(entry.account_id), replayed))
            statuses = dict(uow.transfers.statuses())
            held = uow.transfers.held_totals()
        transfer_ids = set(statuses)
        total = 0
        for account in accounts.values():
            total += account.balance.minor
            if replayed[account.id] != account.balance.minor:
                problems.append(f"account {account.account_number}: balance "
                                f"{account.balance.minor} but its entries sum to {replayed[account.id]}")
            if account.held.minor < 0 or (not account.may_overdraw and account.held > account.balance):
                problems.append(f"account {account.account_number}: hold {account.held.minor} is invalid")
        if total != 0:
            problems.append(f"the balances of all accounts sum to {total}, not 0: money was created or lost")
        for account in accounts.values():
            if account.held.minor != held.get(account.id, 0):
                problems.append(f"account {account.account_number}: holds {account.held.minor} but "
                                f"its held transfers add up to {held.get(account.id, 0)}")
        for transfer_id, status in statuses.items():
            if status is TransferStatus.COMPLETED:
                problems.extend(_check_legs(transfer_id, legs.get(transfer_id, [])))
            elif transfer_id in legs:
                problems.append(f"transfer {transfer_id} is {status.value} but has ledger entries")
        for transfer_id in legs.keys() - transfer_ids:
            problems.append(f"entries reference transfer {transfer_id}, which does not exist")
        return LedgerReport(len(accounts), entries, len(transfer_ids), problems[:max_problems])


def _check_entry(entry: LedgerEntry, account: Account | None, replayed: dict[UUID, int]) -> list[str]:
    if account is None:
        return [f"entry {entry.id} belongs to no account"]
    found: list[str] = []
    if entry.amount.minor <= 0:
        found.append(f"entry {entry.id} has a non-positive amount")
    sign = 1 if entry.entry_type is EntryType.CREDIT else -1
    replayed[account.id] += sign * entry.amount.minor
    if replayed[account.id] != entry.balance_after.minor:
        found.append(f"account {account.account_number}: entry {entry.id} says balance_after "
                     f"{entry.balance_after.minor}, the running balance is {replayed[account.id]}")
        replayed[account.id] = entry.balance_after.minor  # report each break once
    if entry.balance_after.minor < 0 and not account.may_overdraw:
        found.append(f"account {account.account_number} went negative at entry {entry.id}")
    return found


def _check_legs(transfer_id: UUID, legs: list[LedgerEntry]) -> list[str]:
    kinds = sorted(leg.entry_type.value for leg in legs)
    if kinds != ["credit", "debit"]:
        return [f"transfer {transfer_id} has legs {kinds}, expected one debit and one credit"]
    if legs[0].amount != legs[1].amount:
        return [f"transfer {transfer_id}: debit and credit amounts differ"]
    if legs[0].account_id == legs[1].account_id:
        return [f"transfer {transfer_id} debits and credits the same account"]
    return []
