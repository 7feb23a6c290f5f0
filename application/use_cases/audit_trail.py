"""Reading and verifying the hash-chained audit trail."""

from __future__ import annotations

import attrs

from application.ports import UnitOfWorkFactory
from domain.audit import GENESIS_HASH, AuditEvent, broken_link
from domain.errors import ValidationError

MAX_PAGE = 100


@attrs.frozen
class AuditPage:
    items: list[AuditEvent]
    next_before: int | None


@attrs.frozen
class AuditReport:
    records: int
    first_break: str | None
    broken_sequence: int | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


class ListAuditEvents:
    """Newest first, one page at a time."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def execute(self, *, limit: int = 20, before: int | None = None) -> AuditPage:
        if not 1 <= limit <= MAX_PAGE:
            raise ValidationError(f"limit must be between 1 and {MAX_PAGE}", field="limit")
        with self._uow_factory() as uow:
            rows = uow.audit.page(before=before, limit=limit + 1)
        items = rows[:limit]
        return AuditPage(items, items[-1].sequence if len(rows) > limit else None)


class VerifyAuditTrail:
    """Walks the chain from the genesis hash; reports the first record that does not fit."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def execute(self) -> AuditReport:
        previous, count = GENESIS_HASH, 0
        with self._uow_factory() as uow:
            for event in uow.audit.all_in_order():
                problem = broken_link(event, count + 1, previous)
                if problem is not None:
                    return AuditReport(count, problem, event.sequence)
                previous, count = event.record_hash, count + 1
        return AuditReport(count, None, None)
