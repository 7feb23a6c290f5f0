"""PostgreSQL statements sent through libpq's pipeline mode (adapters/sql/postgres/pipeline.py) keep
psycopg's behaviour: the transaction's BEGIN with its isolation level, autocommit, errors, and
one prepared statement per statement on a connection."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import uuid4

import pytest
import sqlalchemy as sa

from adapters.sql.engine import create_sql_engine
from adapters.sql.postgres import pipeline as pg_pipeline
from adapters.sql.postgres.pipeline import numbered
from adapters.sql.prepared import Prepared

counters = sa.Table("counters", sa.MetaData(), sa.Column("name", sa.String(32), primary_key=True),
                    sa.Column("value", sa.BigInteger, nullable=False))
_ADD = Prepared(counters.insert(), column_keys=["name", "value"])
_VALUE = Prepared(sa.select(counters.c.value).where(counters.c.name == sa.bindparam("name")))
_COUNT = Prepared(sa.select(sa.func.count().label("n")).select_from(counters))
_PREPARED = sa.text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE :sql")


def test_placeholders_are_numbered_in_order_of_first_use() -> None:
    sql, names = numbered("SELECT %(b)s::INT, %(a)s, %(b)s, 'x' || '%%'")
    assert sql == b"SELECT $1::INT, $2, $1, 'x' || '%'"
    assert names == ["b", "a"]


@pytest.fixture
def engine(postgres_server: str) -> Iterator[sa.Engine]:
    from tests.conftest import create_database
    created = create_sql_engine(create_database(postgres_server, f"pipe_{uuid4().hex[:8]}"),
                                pool_size=1)
    with created.begin() as conn:
        counters.create(conn)
    yield created
    created.dispose()


@pytest.mark.postgresql
def test_small_and_large_numbers_share_one_prepared_statement(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        for name, value in (("small", 7), ("large", 2**40), ("negative", -(2**62))):
            _ADD.execute(conn, {"name": name, "value": value})
        assert conn.execute(_PREPARED, {"sql": "INSERT INTO counters%"}).scalar_one() == 1
        assert _VALUE.scalar(conn, {"name": "large"}) == 2**40
        assert _VALUE.scalar(conn, {"name": "negative"}) == -(2**62)


@pytest.mark.postgresql
def test_a_statement_the_server_refuses_fails_its_transaction_and_the_connection_serves_on(
        engine: sa.Engine) -> None:
    broken = Prepared(sa.select(sa.column("value")).select_from(sa.table("no_such_table")))
    with engine.connect() as conn:
        tx = conn.begin()
        _ADD.defer(conn, {"name": "undone", "value": 1})
        with pytest.raises(sa.exc.ProgrammingError, match="no_such_table"):
            broken.all(conn)
        tx.rollback()
        with conn.begin():
            _ADD.execute(conn, {"name": "kept", "value": 2})
        tx = conn.begin()
        with pytest.raises(sa.exc.ProgrammingError, match="no_such_table"):  # not "does not exist"
            broken.all(conn)
        tx.rollback()
        assert _COUNT.scalar(conn) == 1
        assert _VALUE.scalar(conn, {"name": "kept"}) == 2


@pytest.mark.postgresql
def test_past_the_limit_of_named_statements_they_run_unnamed(
        engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg_pipeline, "MAX_PREPARED", 0)
    with engine.begin() as conn:
        _ADD.execute(conn, {"name": "a", "value": 1})
        _ADD.defer(conn, {"name": "b", "value": 2})
        assert _COUNT.scalar(conn) == 2
        assert conn.execute(_PREPARED, {"sql": "%counters%"}).scalar_one() == 0


@pytest.mark.postgresql
def test_a_repeatable_read_transaction_keeps_its_snapshot(engine: sa.Engine) -> None:
    reading = engine.execution_options(isolation_level="REPEATABLE READ")
    with reading.connect() as reader:
        tx = reader.begin()
        assert _COUNT.scalar(reader) == 0
        other = sa.create_engine(engine.url)
        with other.begin() as writer:
            writer.execute(counters.insert().values(name="meanwhile", value=1))
        other.dispose()
        assert _COUNT.scalar(reader) == 0  # the snapshot of the first statement
        tx.rollback()
        assert _COUNT.scalar(reader) == 1
        reader.rollback()


@pytest.mark.postgresql
def test_an_autocommit_connection_commits_each_statement(engine: sa.Engine) -> None:
    with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
        _ADD.execute(conn, {"name": "at-once", "value": 3})
        conn.rollback()  # nothing to undo: it committed on its own
    with engine.connect() as conn:
        assert _VALUE.scalar(conn, {"name": "at-once"}) == 3


@pytest.mark.postgresql
def test_a_number_past_64_bits_is_a_data_error_and_nothing_of_its_transaction_is_written(
        engine: sa.Engine) -> None:
    with engine.connect() as conn:
        tx = conn.begin()
        _ADD.defer(conn, {"name": "before", "value": 1})
        with pytest.raises(sa.exc.DataError, match="64-bit"):
            _ADD.execute(conn, {"name": "huge", "value": 2**70})
        tx.rollback()
        assert _COUNT.scalar(conn) == 0
        conn.rollback()
        with conn.begin():
            _ADD.execute(conn, {"name": "after", "value": 2**63 - 1})
        assert _VALUE.scalar(conn, {"name": "after"}) == 2**63 - 1
