"""Check every ledger invariant: what an auditor would ask before trusting the books."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

import attrs

from application.ports import UnitOfWorkFactory
from domain.account import Account
from domain.audit import AuditEvent, Outcome
from domain.ledger import EntryType, LedgerEntry
from domain.transfer import TransferKind, TransferStatus

# The audit actions of a posting (application/use_cases/postings.py, application/holds.py).
_POSTED = frozenset({f"money.{kind.value}" for kind in TransferKind} | {"money.transfer.released"})


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
    """Replays every account's entries, checks the legs of every transfer, and holds the
    ledger to the audit trail: every posting is recorded there in the same transaction, so a
    transfer removed (or slipped in) with its legs and the balances fixed to match still shows;
    the audit trail itself is anchored by checkpoints (`VerifyAuditTrail`)."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def execute(self, max_problems: int = 100) -> LedgerReport:
        problems: list[str] = []
        legs: dict[UUID, list[LedgerEntry]] = defaultdict(list)
        with self._uow_factory() as uow:  # one snapshot for the whole check
            accounts = {a.id: a for a in uow.accounts.all()}
            replayed: dict[UUID, int] = defaultdict(int)
            last_posted: dict[UUID, datetime] = {}
            entries = 0
            for entry in uow.ledger.all_in_order():
                entries += 1
                legs[entry.transfer_id].append(entry)
                problems.extend(_check_entry(entry, accounts.get(entry.account_id), replayed,
                                             last_posted))
            statuses = dict(uow.transfers.statuses())
            held = uow.transfers.held_totals()
            audited = _postings_in(uow.audit.all_in_order())
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
        problems.extend(_check_audited(statuses, legs, audited))
        return LedgerReport(len(accounts), entries, len(transfer_ids), problems[:max_problems])


def _check_entry(entry: LedgerEntry, account: Account | None, replayed: dict[UUID, int],
                 last_posted: dict[UUID, datetime]) -> list[str]:
    if account is None:
        return [f"entry {entry.id} belongs to no account"]
    found: list[str] = []
    previous = last_posted.get(account.id)
    if previous is not None and entry.posted_at < previous:  # statements rely on time order
        found.append(f"account {account.account_number}: entry {entry.id} is posted at "
                     f"{entry.posted_at.isoformat()}, before the entry ahead of it")
    last_posted[account.id] = entry.posted_at
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


def _postings_in(events: Iterable[AuditEvent]) -> dict[UUID, tuple[int, str]]:
    """The transfers the audit trail says were posted: their record's sequence and amount
    ("" when the record names none, as the benchmark's hand-written baseline writes them)."""
    posted: dict[UUID, tuple[int, str]] = {}
    for event in events:
        if event.action in _POSTED and event.outcome == Outcome.SUCCESS \
                and event.resource.startswith("transfer:"):
            try:
                posted[UUID(event.resource.removeprefix("transfer:"))] = \
                    (event.sequence, event.details.get("amount", ""))
            except ValueError:
                continue
    return posted


def _check_audited(statuses: dict[UUID, TransferStatus], legs: dict[UUID, list[LedgerEntry]],
                   audited: dict[UUID, tuple[int, str]]) -> list[str]:
    found: list[str] = []
    for transfer_id, status in statuses.items():
        if status is not TransferStatus.COMPLETED:
            continue
        if transfer_id not in audited:
            found.append(f"transfer {transfer_id} is posted in the ledger but the audit trail "
                         "never recorded its posting")
            continue
        sequence, amount = audited[transfer_id]
        posted = legs[transfer_id][0].amount.format() if legs.get(transfer_id) else amount
        if amount and posted != amount:
            found.append(f"transfer {transfer_id} posts {posted} but audit record {sequence} "
                         f"says {amount}")
    for transfer_id, (sequence, _) in audited.items():
        if statuses.get(transfer_id) is not TransferStatus.COMPLETED:
            found.append(f"audit record {sequence} posted transfer {transfer_id}, which the "
                         "ledger does not hold as posted (removed or altered)")
    return found
