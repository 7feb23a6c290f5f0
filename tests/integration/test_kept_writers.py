"""Writers keep their connection between units of work (adapters/sql/kept_connections.py):
nothing of a failed or abandoned transaction survives into the next one on that connection,
and a connection the server dropped is replaced, on both SQL profiles."""

from __future__ import annotations

import punq
import pytest
import sqlalchemy as sa

from adapters.sql.engine import database_unavailable
from application.ports import UnitOfWorkFactory
from application.use_cases import GetBalance, TransferCommand, TransferMoney
from tests.support.banking import account, customer, inr

SQL = pytest.mark.parametrize(
    "profile", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)],
    indirect=True)


def _add_money(uow: object, number: str) -> None:  # a write no use case would make
    uow.connection.exec_driver_sql(  # type: ignore[attr-defined]
        f"UPDATE accounts SET balance = balance + 100000 WHERE account_number = '{number}'")


@SQL
def test_a_failed_writer_leaves_nothing_for_the_next_one_on_its_connection(
        bank: punq.Container) -> None:
    factory = bank.resolve(UnitOfWorkFactory)
    balance = bank.resolve(GetBalance)
    asha = customer(bank)
    mine = account(bank, asha, "100.00").account_number
    other = account(bank, asha).account_number
    with pytest.raises(RuntimeError), factory(write=True) as uow:
        _add_money(uow, mine)
        raise RuntimeError("the use case failed half way")
    with factory(write=True) as uow:  # left without commit or rollback: rolled back too
        _add_money(uow, mine)
    bank.resolve(TransferMoney).execute(TransferCommand(  # the next writer commits its own
        customer_id=asha.id, from_account_number=mine, to_account_number=other,
        amount=inr("30.00"), idempotency_key="after-a-failed-writer"))
    assert balance.execute(asha.id, mine).balance == inr("70.00")
    assert balance.execute(asha.id, other).balance == inr("30.00")


@pytest.mark.parametrize("profile", [pytest.param("postgresql", marks=pytest.mark.postgresql)],
                         indirect=True)
def test_a_kept_writer_the_server_dropped_fails_once_and_is_replaced(
        bank: punq.Container) -> None:
    factory = bank.resolve(UnitOfWorkFactory)
    asha = customer(bank)
    mine = account(bank, asha, "100.00").account_number
    other = account(bank, asha).account_number
    with factory(write=True) as uow:
        pid = int(uow.connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
    with factory() as reading:  # another connection; waits until the writer's is gone
        reading.connection.exec_driver_sql(f"SELECT pg_terminate_backend({pid}, 10000)")
    transfer = bank.resolve(TransferMoney)
    command = TransferCommand(customer_id=asha.id, from_account_number=mine,
                              to_account_number=other, amount=inr("30.00"),
                              idempotency_key="across-a-dropped-connection")
    with pytest.raises(sa.exc.DBAPIError) as raised:
        transfer.execute(command)
    assert database_unavailable(raised.value)
    transfer.execute(command)  # the client's retry, under the same key: moved once
    transfer.execute(command)
    balance = bank.resolve(GetBalance)
    assert balance.execute(asha.id, mine).balance == inr("70.00")
    assert balance.execute(asha.id, other).balance == inr("30.00")
