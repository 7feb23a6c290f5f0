"""Search transfers: a customer's own, or every customer's for an operator (the caller decides
whose by the query's customer_id)."""

from __future__ import annotations

from application.ports import UnitOfWorkFactory
from domain.transfer import Transfer, TransferQuery


class SearchTransfers:
    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def execute(self, query: TransferQuery) -> list[Transfer]:
        with self._uow_factory() as uow:
            return uow.transfers.search(query)
