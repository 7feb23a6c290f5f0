"""Prepared statements (adapters/sql/prepared.py) behave like Core's own execution: values
converted by the column types both ways, driver errors wrapped as SQLAlchemy's, a connection
the server dropped invalidated and reported as "database unavailable"."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest
import sqlalchemy as sa

from adapters.sql.engine import create_sql_engine, database_unavailable, normalise_url
from adapters.sql.prepared import Prepared
from adapters.sql.types import UtcDateTime, Uuid

# A table of its own, with the column types the money path uses.
probe = sa.Table("probe", sa.MetaData(), sa.Column("id", Uuid, primary_key=True),
                 sa.Column("customer_id", Uuid, nullable=False),
                 sa.Column("created_at", UtcDateTime, nullable=False),
                 sa.Column("note", sa.String(64), nullable=True))
_INSERT = Prepared(probe.insert(), column_keys=list(probe.c.keys()))
_BY_ID = Prepared(sa.select(probe).where(probe.c.id == sa.bindparam("session_id")))


def _session_row() -> dict[str, object]:
    return {"id": uuid4(), "customer_id": uuid4(), "note": None,
            "created_at": datetime(2026, 11, 22, 9, 30, 15, 123456, tzinfo=UTC)}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> sa.Engine:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'prepared.db'}"
    else:
        from tests.conftest import create_database
        url = create_database(request.getfixturevalue("postgres_server"),
                              f"prepared_{uuid4().hex[:8]}")
    created = create_sql_engine(url)
    with created.begin() as conn:
        probe.create(conn)
    return created


def test_values_round_trip_through_the_column_types(engine: sa.Engine) -> None:
    row = _session_row()
    with engine.begin() as conn:
        _INSERT.execute(conn, row)
        found = _BY_ID.first(conn, {"session_id": row["id"]})
    assert found is not None
    assert found.id == row["id"] and found.customer_id == row["customer_id"]
    assert found.created_at == row["created_at"] and found.created_at.tzinfo is not None
    assert found.note is None


def test_a_missing_parameter_is_refused_before_the_database_sees_it(engine: sa.Engine) -> None:
    with engine.connect() as conn, pytest.raises(KeyError, match="session_id"):
        _BY_ID.first(conn, {})


def test_driver_errors_come_out_as_sqlalchemy_errors(engine: sa.Engine) -> None:
    row = _session_row()
    with engine.connect() as conn:
        _INSERT.execute(conn, row)
        with pytest.raises(sa.exc.IntegrityError) as raised:
            _INSERT.execute(conn, row)
    assert not database_unavailable(raised.value)


@pytest.mark.postgresql
def test_a_dropped_connection_is_invalidated_and_unavailable(postgres_server: str) -> None:
    from tests.conftest import create_database
    engine = create_sql_engine(create_database(postgres_server, f"dropped_{uuid4().hex[:8]}"))
    with engine.begin() as conn:
        probe.create(conn)
    with engine.connect() as victim:
        pid = victim.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        victim.rollback()
        with engine.connect() as killer:
            killer.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")  # type: ignore[arg-type]
        with pytest.raises(sa.exc.DBAPIError) as raised:
            _BY_ID.first(victim, {"session_id": uuid4()})
        assert raised.value.connection_invalidated and victim.invalidated
    assert database_unavailable(raised.value)
    with engine.connect() as fresh:  # the pool hands out a working connection again
        assert _BY_ID.first(fresh, {"session_id": uuid4()}) is None
    engine.dispose()


@pytest.mark.postgresql
def test_a_connection_idle_for_a_while_is_pinged_and_replaced_a_busy_one_is_not(
        postgres_server: str) -> None:
    from tests.conftest import create_database
    url = create_database(postgres_server, f"pinged_{uuid4().hex[:8]}")
    engine = create_sql_engine(url, ping_after_idle=0.5)
    killer = sa.create_engine(normalise_url(url), poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        probe.create(conn)

    def end_the_pooled_connection() -> None:
        with engine.connect() as conn:
            pid = int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
        with killer.connect() as conn:  # waits until the backend is gone
            conn.exec_driver_sql(f"SELECT pg_terminate_backend({pid}, 10000)")

    end_the_pooled_connection()
    # Back in the pool a moment ago: used without a ping, it fails like a request in flight
    # during a restart would, and the pool replaces it.
    with pytest.raises(sa.exc.DBAPIError) as raised, engine.connect() as conn:
        _BY_ID.first(conn, {"session_id": uuid4()})
    assert database_unavailable(raised.value)
    end_the_pooled_connection()
    time.sleep(0.6)
    with engine.connect() as conn:  # idle long enough: pinged, found dead, replaced
        assert _BY_ID.first(conn, {"session_id": uuid4()}) is None
    engine.dispose()
    killer.dispose()


def _count(conn: sa.Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(probe)).scalar_one())


def test_a_deferred_write_is_seen_by_the_next_read_and_kept_by_the_commit(
        engine: sa.Engine) -> None:
    first, second = _session_row(), _session_row()
    with engine.begin() as conn:
        _INSERT.defer(conn, first)
        assert _BY_ID.first(conn, {"session_id": first["id"]}) is not None  # a prepared read
        _INSERT.defer(conn, second)
        assert _count(conn) == 2  # a read of Core's own
        _INSERT.defer(conn, _session_row())
    with engine.connect() as conn:
        assert _count(conn) == 3  # the last one was sent by the commit


def test_a_rolled_back_transaction_never_sends_its_deferred_writes(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        with conn.begin() as tx:
            _INSERT.defer(conn, _session_row())
            tx.rollback()
        with conn.begin():
            _INSERT.defer(conn, _session_row())
        assert _count(conn) == 1


def test_a_failing_deferred_write_fails_the_commit_and_nothing_is_kept(engine: sa.Engine) -> None:
    row = _session_row()
    with engine.begin() as conn:
        _INSERT.execute(conn, row)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        _INSERT.defer(conn, _session_row())
        _INSERT.defer(conn, row)  # the same primary key again
    with engine.connect() as conn:
        assert _count(conn) == 1


def test_a_failing_write_among_several_fails_the_read_after_it_and_the_connection_recovers(
        engine: sa.Engine) -> None:
    # On PostgreSQL the writes nobody reads travel in one pipeline with the next statement:
    # the one that fails, in the middle, must still fail the statement they travel with.
    row = _session_row()
    with engine.begin() as conn:
        _INSERT.execute(conn, row)
    with engine.connect() as conn:
        with pytest.raises(sa.exc.IntegrityError), conn.begin():
            _INSERT.defer(conn, _session_row())
            _INSERT.defer(conn, row)  # the same primary key again
            _INSERT.defer(conn, _session_row())
            _BY_ID.first(conn, {"session_id": row["id"]})
        with conn.begin():  # the same connection, and its prepared statements, still serve
            _INSERT.defer(conn, _session_row())
            _INSERT.defer(conn, _session_row())
            assert _BY_ID.first(conn, {"session_id": row["id"]}) is not None
        assert _count(conn) == 3


def test_a_unit_of_work_commits_its_deferred_writes_all_or_none(engine: sa.Engine) -> None:
    from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
    factory = SqlUnitOfWorkFactory(engine)
    row = _session_row()
    with factory(write=True) as uow:
        _INSERT.defer(uow.connection, row)
        _INSERT.defer(uow.connection, _session_row())
        uow.commit()
    with factory(write=True) as uow, pytest.raises(sa.exc.IntegrityError):
        _INSERT.defer(uow.connection, _session_row())
        _INSERT.defer(uow.connection, row)  # the same primary key again
        uow.commit()
    with engine.connect() as conn:
        assert _count(conn) == 2


@pytest.mark.postgresql
def test_statements_stay_prepared_across_rollbacks_and_rollbacks_still_undo(
        postgres_server: str) -> None:
    """Statements prepared by postgres/pipeline.py outlive every ROLLBACK, also the driver's after a
    failure: psycopg prepares none of its own (engine.py), so it never sends DEALLOCATE ALL."""
    from tests.conftest import create_database
    engine = create_sql_engine(create_database(postgres_server, f"kept_{uuid4().hex[:8]}"),
                               pool_size=1)
    with engine.begin() as conn:
        probe.create(conn)
    prepared = sa.text("SELECT count(*) FROM pg_prepared_statements")
    with engine.connect() as conn:
        for _ in range(8):  # each in a transaction undone
            tx = conn.begin()
            _INSERT.execute(conn, _session_row())
            assert _BY_ID.first(conn, {"session_id": uuid4()}) is None
            tx.rollback()
        assert _count(conn) == 0  # every insert was undone
        conn.rollback()
        assert conn.execute(prepared).scalar_one() >= 2  # the insert and the read
        conn.rollback()
        tx = conn.begin()
        with pytest.raises(sa.exc.IntegrityError):  # a failed statement aborts the transaction
            row = _session_row()
            _INSERT.execute(conn, row)
            _INSERT.execute(conn, row)
        tx.rollback()  # psycopg's own ROLLBACK: the statements are still there after
        assert conn.execute(prepared).scalar_one() >= 2
        conn.rollback()
        for _ in range(8):
            with conn.begin():
                _INSERT.execute(conn, _session_row())
        assert _count(conn) == 8
    engine.dispose()


def test_an_asked_read_is_answered_with_the_next_statement_and_sees_earlier_writes(
        engine: sa.Engine) -> None:
    first, second = _session_row(), _session_row()
    with engine.begin() as conn:
        _INSERT.defer(conn, first)
        asked = _BY_ID.ask(conn, {"session_id": first["id"]})  # queued behind the write
        later = _BY_ID.ask(conn, {"session_id": second["id"]})
        _INSERT.execute(conn, second)  # sends both reads ahead of itself: neither sees it
        assert [r.id for r in asked()] == [first["id"]]
        assert later() == []
        alone = _BY_ID.ask(conn, {"session_id": second["id"]})
        assert [r.id for r in alone()] == [second["id"]]  # wanted first: sent on its own


@pytest.mark.postgresql
def test_a_read_asked_in_a_transaction_rolled_back_before_it_was_sent_is_never_answered(
        postgres_server: str) -> None:
    from tests.conftest import create_database
    engine = create_sql_engine(create_database(postgres_server, f"asked_{uuid4().hex[:8]}"))
    with engine.begin() as conn:
        probe.create(conn)
    with engine.connect() as conn:
        tx = conn.begin()
        asked = _BY_ID.ask(conn, {"session_id": uuid4()})
        tx.rollback()
        with pytest.raises(RuntimeError, match="ended before it was sent"):
            asked()
    engine.dispose()
