"""PostgreSQL waits for a lock VAANI_DB_WAIT_SECONDS at most (lock_timeout, set on every
connection), keeping the options the database URL already gives."""

from __future__ import annotations

from uuid import uuid4

import pytest

from adapters.sql.engine import create_sql_engine
from tests.conftest import create_database


@pytest.mark.postgresql
def test_every_connection_waits_for_locks_no_longer_than_the_wait(postgres_server: str) -> None:
    url = create_database(postgres_server, f"waits_{uuid4().hex[:8]}")
    given = ("&" if "?" in url else "?") + "options=-c%20statement_timeout%3D12345"
    engine = create_sql_engine(url + given, wait=1.5)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "1500ms"
            assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "12345ms"
    finally:
        engine.dispose()
