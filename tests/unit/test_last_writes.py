"""`LastWrites` (adapters/sql/postgres/last_writes.py): never below a customer's own last
write, whoever shares their slot; an unknown position holds until a later one is asked; and
VAANI_REPLICA_URL only where there is a PostgreSQL primary to replicate."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.sql.postgres.last_writes import UNKNOWN, LastWrites, shared_file
from adapters.sql.postgres.wal import lsn
from entrypoints.setting_values import ConfigurationError
from entrypoints.settings import load_settings
from tests.conftest import TEST_ENV


@given(st.lists(st.tuples(st.integers(0, 15), st.integers(1, 1 << 40)), max_size=50))
def test_a_customer_never_reads_below_their_own_last_write(writes: list[tuple[int, int]]) -> None:
    table = LastWrites(slots=4)  # few slots: customers share them
    customers = [UUID(int=n * 7919) for n in range(16)]
    own: dict[UUID, int] = {}
    for who, position in writes:
        table.note(customers[who], position, asked_at=0.0)
        own[customers[who]] = max(own.get(customers[who], 0), position)
    for customer, position in own.items():
        assert table.of(customer) >= position


def test_an_unknown_position_holds_until_one_asked_after_it() -> None:
    table = LastWrites()
    asha, ravi = uuid4(), uuid4()
    table.note(asha, 100, asked_at=1.0)
    table.note_unknown(asha, since=2.0)
    assert table.of(asha) == UNKNOWN  # the primary answers her reads meanwhile
    table.note(ravi, 150, asked_at=1.5)  # asked before her write was known to have ended
    assert table.of(asha) == UNKNOWN
    table.note(ravi, 200, asked_at=3.0)
    assert table.of(asha) == 200


def test_workers_sharing_a_table_see_each_others_notes() -> None:
    """`vaani serve --workers N`: a client answered by one worker may ask the next one."""
    asha, ravi = uuid4(), uuid4()
    with shared_file() as path:
        assert path is not None
        one, other = LastWrites(shared=path), LastWrites(shared=path)
        one.note(asha, 100, asked_at=1.0)
        assert other.of(asha) == 100 and other.of(ravi) == 0
        other.note(asha, 90, asked_at=2.0)  # an earlier end, learnt later: never lowers it
        assert one.of(asha) == 100
        one.note_unknown(ravi, since=3.0)
        assert other.of(ravi) == UNKNOWN
        other.note(asha, 300, asked_at=4.0)  # only the worker that did not learn it resolves
        assert other.of(ravi) == UNKNOWN
        one.note(asha, 400, asked_at=5.0)
        assert other.of(ravi) == 400 and other.of(asha) == 400


def test_lsn_text() -> None:
    assert lsn("0/3000148") == 0x3000148
    assert lsn("16/B374D848") == 0x16 << 32 | 0xB374D848


@pytest.mark.parametrize("database", ["sqlite:///./var/x.db", "postgresql://db/vaani"])
def test_a_replica_url_needs_a_postgresql_primary_and_a_postgresql_replica(database: str) -> None:
    env = {**TEST_ENV, "VAANI_DATABASE_URL": database}
    with pytest.raises(ConfigurationError, match="VAANI_REPLICA_URL"):
        load_settings({**env, "VAANI_REPLICA_URL": "sqlite:///./var/replica.db"})
    assert load_settings(env).replica_url is None


def test_a_replica_url_is_read_with_the_psycopg_driver() -> None:
    settings = load_settings({**TEST_ENV, "VAANI_DATABASE_URL": "postgresql://primary/vaani",
                              "VAANI_REPLICA_URL": "postgres://replica/vaani"})
    assert settings.replica_url == "postgresql+psycopg://replica/vaani"
