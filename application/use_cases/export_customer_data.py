"""Everything the bank holds about the calling customer, for them to take away (a data export)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from uuid import UUID

import attrs

from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from application.use_cases.view_profile import own_customer
from domain.account import Account
from domain.customer import Customer
from domain.transfer import TransferQuery

PAGE = 500  # rows read per short transaction: a long history never sits in memory at once
# The lists a customer keeps short by nature (payees, cards, devices...) are read in one go;
# no customer comes near this, and it bounds what one read may hold if one ever did.
MOST = 10_000

Pages = Callable[[], Iterator[Sequence[object]]]


@attrs.frozen
class ExportSection:
    """One named part of the export, read a page at a time when iterated (not before)."""

    name: str
    pages: Pages = attrs.field(repr=False)


@attrs.frozen
class CustomerExport:
    customer: Customer
    exported_at: datetime
    sections: tuple[ExportSection, ...]


class ExportCustomerData:
    """The profile, then each kind of record in its own section; the long ones (ledger
    entries, transfers, audit events) page by page, each page in its own short read, so the
    writer can stream the export whatever its length. Sections are read as they are written:
    a record made meanwhile may or may not be in it, as with any download taken while the
    bank runs."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def execute(self, customer_id: UUID) -> CustomerExport:
        with self._uow_factory() as uow:
            customer = own_customer(uow, customer_id)
            accounts = uow.accounts.of_customer(customer_id)
        whole = self._whole
        sections = (
            ExportSection("accounts", lambda: iter([accounts])),
            ExportSection("ledger_entries", lambda: self._ledger(accounts)),
            ExportSection("transfers", lambda: self._transfers(customer_id)),
            ExportSection("beneficiaries", whole(lambda u: u.beneficiaries.of_customer(customer_id))),
            ExportSection("cards", whole(lambda u: u.cards.of_customer(customer_id))),
            ExportSection("reminders", whole(lambda u: u.reminders.of_customer(customer_id))),
            ExportSection("standing_orders",
                          whole(lambda u: u.standing_orders.of_customer(customer_id))),
            ExportSection("devices", whole(lambda u: u.devices.of_customer(customer_id))),
            ExportSection("sessions", whole(lambda u: u.sessions.of_customer(customer_id))),
            ExportSection("disputes", whole(lambda u: u.disputes.of_customer(customer_id, MOST))),
            ExportSection("audit_events", lambda: self._audit(customer_id)),
        )
        return CustomerExport(customer, self._clock.now(), sections)

    def _whole(self, read: Callable[[UnitOfWork], Sequence[object]]) -> Pages:
        def pages() -> Iterator[Sequence[object]]:
            with self._uow_factory() as uow:
                found = read(uow)
            yield found[:MOST]

        return pages

    def _ledger(self, accounts: list[Account]) -> Iterator[Sequence[object]]:
        """(account number, entry) pairs, each account's newest first."""
        for account in accounts:
            before: int | None = None
            while True:
                with self._uow_factory() as uow:
                    page = uow.ledger.page(account.id, before=before, limit=PAGE)
                if page:
                    yield [(account.account_number, e) for e in page]
                if len(page) < PAGE:
                    break
                before = page[-1].sequence

    def _transfers(self, customer_id: UUID) -> Iterator[Sequence[object]]:
        """The transfers the customer made, newest first."""
        after: tuple[datetime, UUID] | None = None
        while True:
            with self._uow_factory() as uow:
                page = uow.transfers.search(TransferQuery(customer_id, PAGE, after=after))
            if page:
                yield page
            if len(page) < PAGE:
                return
            after = (page[-1].created_at, page[-1].id)

    def _audit(self, customer_id: UUID) -> Iterator[Sequence[object]]:
        after: int | None = None
        while True:
            with self._uow_factory() as uow:
                page = uow.audit.about(customer_id, after=after, limit=PAGE)
            if page:
                yield page
            if len(page) < PAGE:
                return
            after = page[-1].sequence
