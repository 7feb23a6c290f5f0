"""Asha's bank for tests of SQLite's writes in place (adapters/sql/sqlite/in_place.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

import punq

from adapters.sql.sqlite.in_place import InPlace, Written
from adapters.sql.sqlite.one_writer import WriterTurn
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    GetBalance,
    TransferCommand,
    TransferMoney,
    VerifyAuditTrail,
    VerifyLedger,
)
from tests.support.banking import account, customer, inr


class InPlaceBlock:
    """A request's writes in place, reusable as a `with` block; `pending` after it."""

    def __init__(self, in_place: InPlace) -> None:
        self._in_place = in_place
        self._written = Written()
        self.pending = False

    def __enter__(self) -> None:
        self._writes = self._in_place.writes()
        self._written = self._writes.__enter__()

    def __exit__(self, *exc: object) -> bool | None:
        try:
            return self._writes.__exit__(*exc)  # type: ignore[arg-type]
        finally:
            self.pending = self._written.pending


class InPlaceBank:
    """Asha's two accounts, and transfers between them."""

    def __init__(self, bank: punq.Container) -> None:
        self.factory = bank.resolve(UnitOfWorkFactory)
        self._transfer = bank.resolve(TransferMoney)
        self._balance = bank.resolve(GetBalance)
        self.asha = customer(bank)
        self.source = account(bank, self.asha, "100.00").account_number
        self.target = account(bank, self.asha).account_number
        self.database = str(self.factory.engine.url.database)  # type: ignore[attr-defined]
        self.in_place: InPlace = self.factory.in_place  # type: ignore[attr-defined]

    def move(self, amount: str, key: str) -> None:
        self._transfer.execute(TransferCommand(
            customer_id=self.asha.id, from_account_number=self.source,
            to_account_number=self.target, amount=inr(amount), idempotency_key=key))

    def moved(self) -> object:
        return self._balance.execute(self.asha.id, self.target).balance

    def turn_is_free(self) -> bool:
        """Whether another process could take the writer turn right now."""
        other = WriterTurn(self.database)  # another process's turn, as far as flock can tell
        try:
            if other.try_acquire() is not None:
                return False
            other.release()
            return True
        finally:
            other.close()

    def block(self) -> InPlaceBlock:
        """A block of writes in place, left to share the loop's transaction with the next."""
        return InPlaceBlock(self.in_place)

    def writes(self) -> AbstractContextManager[None]:
        """A block of writes in place, committed at its end as the HTTP layer commits them."""
        writes = self.block()

        @contextmanager
        def committed_after() -> Iterator[None]:
            try:
                with writes:
                    yield
            finally:
                self.in_place.commit()
        return committed_after()


def verified(bank: punq.Container) -> None:
    assert bank.resolve(VerifyLedger).execute().ok
    assert bank.resolve(VerifyAuditTrail).execute().ok
