"""Read-only work on a real PostgreSQL streaming replica (docs/replicas.md), with
read-your-own-writes: a real primary and replica on loopback (tests/support/postgres_replica.py),
one pair for the session. Where a read was served is shown by the server itself
(`pg_is_in_recovery()`), or by a replica whose replay is paused: what it answers lacks what the
primary has since committed."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from uuid import UUID

import punq
import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from adapters.sql.engine import PING_AFTER_IDLE_SECONDS, create_sql_engine
from adapters.sql.postgres.replica import Replica
from adapters.sql.postgres.replica_reads import ReplicaReads
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    ListTransactions,
    TransferCommand,
    TransferMoney,
    VerifyAuditTrail,
    VerifyLedger,
)
from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.caller import acting_for
from entrypoints.http import streamed_body
from entrypoints.http.app import create_app
from entrypoints.settings import Settings, load_settings
from tests.conftest import TEST_ENV, create_database
from tests.http.conftest import API, log_in
from tests.support.banking import account, customer, deposit, inr
from tests.support.clock import SteppingClock
from tests.support.postgres_replica import ReplicaPair, throwaway_replica_pair

pytestmark = pytest.mark.postgresql
_numbers = itertools.count(1)
Bank = tuple[punq.Container, ReplicaPair]


@pytest.fixture(scope="session")
def replica_pair() -> Iterator[ReplicaPair]:
    with throwaway_replica_pair() as pair:
        yield pair


@pytest.fixture(scope="session")
def replicated_template(replica_pair: ReplicaPair) -> str:
    url = create_database(replica_pair.primary, "vaani_template")
    wired = bootstrap(load_settings({**TEST_ENV, "VAANI_DATABASE_URL": url}))
    prepare_database(wired)
    wired.resolve(UnitOfWorkFactory).close()
    return "vaani_template"


@pytest.fixture
def replicated(replica_pair: ReplicaPair, replicated_template: str) -> Iterator[Bank]:
    """A bank on a fresh database of the primary, its reports read on the replica."""
    name = f"vaani_replicated_{next(_numbers)}"
    url = create_database(replica_pair.primary, name, replicated_template)
    replica_pair.caught_up()  # the replica has the new database too
    replica_url = replica_pair.replica.rsplit("/", 1)[0] + "/" + name
    wired = bootstrap(load_settings({**TEST_ENV, "VAANI_DATABASE_URL": url,
                                     "VAANI_REPLICA_URL": replica_url}), clock=SteppingClock())
    try:
        yield wired, replica_pair
    finally:
        replica_pair.resume_replay()
        replica_pair.caught_up()
        assert wired.resolve(VerifyAuditTrail).execute().ok
        assert wired.resolve(VerifyLedger).execute().ok
        wired.resolve(UnitOfWorkFactory).close()


def _served_by_replica(reads: ReplicaReads, *, write: bool = False) -> bool:
    with reads(write=write) as uow:
        in_recovery: bool = uow.connection.exec_driver_sql("SELECT pg_is_in_recovery()").scalar()
    return in_recovery


def _amounts(bank: punq.Container, owner_id: UUID, number: str) -> list[str]:
    with acting_for(owner_id):
        page = bank.resolve(ListTransactions).execute(owner_id, number)
    return [f"{e.entry_type.value} {e.amount.format()}" for e in page.items]


def test_reads_go_to_the_replica_and_writes_to_the_primary(replicated: Bank) -> None:
    bank, pair = replicated
    reads = bank.resolve(ReplicaReads)
    asha = customer(bank)
    with acting_for(asha.id):
        assert _served_by_replica(reads)
        assert not _served_by_replica(reads, write=True)
    # Acting for nobody, once the replica has caught up with everything (background WAL of
    # the primary's own may come in between: then once more).
    assert any(pair.caught_up() or _served_by_replica(reads) for _ in range(5))
    # Only the reports read there: the rest of the bank keeps the primary.
    assert not _served_by_replica(bank.resolve(UnitOfWorkFactory))  # type: ignore[arg-type]


def test_a_customer_sees_their_own_transfer_while_others_read_the_lagging_replica(
        replicated: Bank) -> None:
    bank, pair = replicated
    asha, ravi = customer(bank), customer(bank)
    savings = account(bank, asha, "1000.00").account_number
    ravis = account(bank, ravi, "50.00").account_number
    pair.caught_up()
    pair.pause_replay()
    with acting_for(asha.id):
        bank.resolve(TransferMoney).execute(TransferCommand(
            customer_id=asha.id, from_account_number=savings, to_account_number=ravis,
            amount=inr("100.00"), idempotency_key="asha-pays-ravi"))
    # Asha's read is sent to the primary: the replica has not replayed her transfer.
    assert _amounts(bank, asha.id, savings) == ["debit 100.00", "credit 1000.00"]
    # Ravi wrote nothing: his read is the replica's, which has not seen the credit yet.
    assert _amounts(bank, ravi.id, ravis) == ["credit 50.00"]
    with acting_for(ravi.id):
        assert _served_by_replica(bank.resolve(ReplicaReads))
    pair.resume_replay()
    pair.caught_up()
    assert _amounts(bank, ravi.id, ravis) == ["credit 100.00", "credit 50.00"]


def test_reads_acting_for_nobody_see_every_acknowledged_commit(replicated: Bank) -> None:
    """An operator's command (no caller) may come from another process than the write: its
    read waits for no note, it goes to the primary whenever the replica is behind at all."""
    bank, pair = replicated
    asha = customer(bank)
    savings = account(bank, asha, "10.00").account_number
    pair.caught_up()
    pair.pause_replay()
    deposit(bank, savings, "5.00")
    page = bank.resolve(ListTransactions).execute(None, savings)
    assert [e.amount.format() for e in page.items] == ["5.00", "10.00"]
    assert not _served_by_replica(bank.resolve(ReplicaReads))


# A statement answered whole reads its pages inside the endpoint; a streamed one (a limit of
# 10 characters) reads them after it has returned, on behalf of the caller all the same.
@pytest.mark.parametrize("whole_up_to", [streamed_body.WHOLE_UP_TO, 10])
def test_transaction_pages_and_statements_over_http(replicated: Bank, whole_up_to: int,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streamed_body, "WHOLE_UP_TO", whole_up_to)
    bank, pair = replicated
    asha, ravi = customer(bank), customer(bank)
    savings = account(bank, asha, "1000.00").account_number
    ravis = account(bank, ravi, "50.00").account_number
    with TestClient(create_app(bank), raise_server_exceptions=False) as client:
        asha_in, ravi_in = log_in(client, asha.customer_number), log_in(client, ravi.customer_number)
        pair.caught_up()
        pair.pause_replay()
        deposit(bank, savings, "7.00")  # a teller's: no caller, noted for nobody

        def amounts(number: str, who: dict[str, str]) -> list[str]:
            response = client.get(f"{API}/accounts/{number}/transactions", headers=who)
            assert response.status_code == 200, response.text
            return [item["amount"]["amount"] for item in response.json()["items"]]

        assert amounts(savings, asha_in) == ["1000.00"]  # the lagging replica answered
        paid = client.post(f"{API}/accounts/{savings}/transfer", headers=asha_in,
                           json={"to_account_number": ravis,
                                 "amount": {"amount": "100.00", "currency": "INR"}})
        assert paid.status_code == 201, paid.text
        # Her own transfer is there at once (the primary answered), and so is all before it.
        assert amounts(savings, asha_in) == ["100.00", "7.00", "1000.00"]
        # Ravi's statement streams from the replica, which has not replayed the credit.
        statement = client.post(f"{API}/accounts/{ravis}/statement/download", headers=ravi_in,
                                json={"from": "2026-11-01", "to": "2026-11-30"})
        assert statement.status_code == 200, statement.text
        assert statement.json()["closing_balance"]["amount"] == "50.00"
        pair.resume_replay()
        pair.caught_up()
        statement = client.post(f"{API}/accounts/{ravis}/statement/download", headers=ravi_in,
                                json={"from": "2026-11-01", "to": "2026-11-30"})
        assert statement.json()["closing_balance"]["amount"] == "150.00"


def test_reads_fall_back_to_the_primary_while_the_replica_is_down(replicated: Bank) -> None:
    bank, pair = replicated
    asha = customer(bank)
    savings = account(bank, asha, "10.00").account_number
    reads = bank.resolve(ReplicaReads)
    # A replica of its own that tries again soon, to see it come back.
    replica = Replica(create_sql_engine(bank.resolve(Settings).replica_url or ""), retry_after=0.2)
    with acting_for(asha.id):
        assert _served_by_replica(reads)  # a replica connection kept, then the replica stops
    _give_back(replica, replica.caught_up(0))
    pair.stop("replica")
    # A connection used a moment ago is used again unpinged, as the primary's are: a read
    # caught in the very moment the replica stopped fails like one in flight (503, retried).
    time.sleep(PING_AFTER_IDLE_SECONDS)
    try:
        with acting_for(asha.id):
            assert not _served_by_replica(reads)
            assert not _served_by_replica(reads)  # passed over now, not tried again at once
        assert _amounts(bank, asha.id, savings) == ["credit 10.00"]
        assert replica.caught_up(0) is None
    finally:
        pair.start("replica")
        pair.wait_streaming()
    time.sleep(0.2)  # the pause after a failure
    _give_back(replica, replica.caught_up(0))  # tried again, and back
    replica.close()


def _give_back(replica: Replica, conn: sa.Connection | None) -> None:
    assert conn is not None
    replica.give_back(conn, healthy=True)
