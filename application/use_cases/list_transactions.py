"""An account's ledger entries, newest first, one page at a time."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import attrs

from application.ports import UnitOfWorkFactory
from application.use_cases.view_accounts import owned_account
from domain.errors import ValidationError
from domain.ledger import LedgerEntry

MAX_PAGE = 100


@attrs.frozen
class TransactionPage:
    items: list[LedgerEntry]
    # The sequence number to continue before, or None at the end.
    next_before: int | None


class ListTransactions:
    """Keyset pagination on the entry sequence: stable while new entries arrive."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def execute(self, customer_id: UUID | None, account_number: str, *, limit: int = 20,
                before: int | None = None, since: datetime | None = None,
                until: datetime | None = None) -> TransactionPage:
        if not 1 <= limit <= MAX_PAGE:
            raise ValidationError(f"limit must be between 1 and {MAX_PAGE}", field="limit")
        if since is not None and until is not None and since > until:
            raise ValidationError("'from' must not be after 'to'", field="from")
        with self._uow_factory() as uow:
            account = owned_account(uow, customer_id, account_number)
            rows = uow.ledger.page(account.id, before=before, limit=limit + 1,
                                   since=since, until=until)
        more = len(rows) > limit
        items = rows[:limit]
        return TransactionPage(items, items[-1].sequence if more else None)
