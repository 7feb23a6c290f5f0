"""Read-only work served by a streaming replica, with read-your-own-writes (docs/replicas.md).

The composition root gives this factory to the use cases whose work only reads (statements,
transaction pages, exports, operator reports); every other use case keeps the primary's. The
use cases ask for `uow_factory(write=False)` as before and cannot tell where it goes:

- a write goes to the primary, always;
- a read acting for a caller (`caller()`: the customer or operator a request acts for) goes to
  the replica when it has replayed the WAL up to where that caller's last write ended, as this
  process noted it after the COMMIT (`LastWrites`); otherwise to the primary. So a customer
  sees their own transfer the moment it is answered, while everyone else's reads stay on the
  replica however far behind it falls;
- a read acting for nobody (an operator's command, a job) must see every commit acknowledged
  before it: the primary's current position is asked first (one short round trip there);
- when the replica does not answer, reads go to the primary for a while (postgres/replica.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from uuid import UUID

from sqlalchemy.engine import Connection

from adapters.sql.postgres.last_writes import LastWrites
from adapters.sql.postgres.replica import Replica
from adapters.sql.postgres.wal import WRITTEN, position
from adapters.sql.transaction import SqlUnitOfWork
from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
from application.ports import UnitOfWork

log = logging.getLogger(__name__)


class ReplicaReads:
    """A UnitOfWorkFactory over `primary` and `replica`. Made, it has the primary note where
    each caller's writes end in the WAL, and close the replica when it closes."""

    def __init__(self, primary: SqlUnitOfWorkFactory, replica: Replica,
                 caller: Callable[[], UUID | None], last_writes: LastWrites | None = None) -> None:
        self._primary = primary
        self._replica = replica
        self._caller = caller
        self._last_writes = last_writes or LastWrites()
        primary.after_writes(self._noted, closing=replica.close)

    def __call__(self, *, write: bool = False) -> UnitOfWork:
        if write:
            return self._primary(write=True)
        caller = self._caller()
        needed = self._last_writes.of(caller) if caller is not None \
            else self._primary.wal_position()
        conn = self._replica.caught_up(needed)
        if conn is None:
            return self._primary()
        return SqlUnitOfWork(self._replica.engine, connections=_Lent(conn, self._replica))

    def ping(self) -> bool:
        """Ready when the primary takes a write: a replica that is down only sends reads to
        the primary."""
        return self._primary.ping()

    def close(self) -> None:
        self._primary.close()

    def _noted(self, conn: Connection) -> None:
        """After a write's COMMIT on the primary: where the WAL ended, for its caller's reads.
        One round trip, only with a replica configured and a caller acting."""
        caller = self._caller()
        if caller is None:
            return
        asked_at = time.monotonic()
        try:
            written = position(conn, WRITTEN)
        except Exception as error:
            # Committed, but where it ended is unknown: this caller reads from the primary
            # until a later position is learnt. The connection is not used again.
            log.warning("the WAL position after a commit could not be read: %s", error)
            conn.invalidate()
            self._last_writes.note_unknown(caller, time.monotonic())
            return
        if written is not None:
            self._last_writes.note(caller, written, asked_at)


class _Lent:
    """The one replica connection `Replica.caught_up` found, for one unit of work."""

    def __init__(self, conn: Connection, replica: Replica) -> None:
        self._conn: Connection | None = conn
        self._replica = replica

    def take(self) -> Connection:
        conn, self._conn = self._conn, None
        assert conn is not None, "a replica read's unit of work entered twice"
        return conn

    def give_back(self, conn: Connection, healthy: bool) -> None:
        self._replica.give_back(conn, healthy)
