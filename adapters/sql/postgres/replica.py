"""A PostgreSQL streaming replica's connections, lent to a read only when the replica has
replayed what that read must see; otherwise, or while the replica does not answer, None: the
read goes to the primary (replica_reads.py decides which reads ask)."""

from __future__ import annotations

import logging
import time

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

from adapters.sql.engine import database_unavailable
from adapters.sql.kept_connections import KeptConnections, discard, kept_per_kind
from adapters.sql.postgres.wal import REPLAYED, position

log = logging.getLogger(__name__)

# After the replica failed to answer, reads go to the primary for this long before it is tried
# again: a replica that is down costs one request a connection attempt per period, not every
# read its connect timeout.
RETRY_AFTER_SECONDS = 5.0
# Where a connection keeps the replay position it last saw (its pool record's info, which
# lives as long as the server connection does). Replay only moves forward on a running server,
# so a read needing no more than that takes the connection without asking again.
_REPLAYED = "vaani_replayed"


class Replica:
    """`engine`: the replica's (create_sql_engine on VAANI_REPLICA_URL). Its reads run in
    REPEATABLE READ, one snapshot per unit of work, as the primary's do (a hot standby allows
    it); writes never come here."""

    def __init__(self, engine: Engine, retry_after: float = RETRY_AFTER_SECONDS) -> None:
        self._engine = engine
        self.engine = engine.execution_options(isolation_level="REPEATABLE READ")
        kept = kept_per_kind(engine.pool.size()) if isinstance(engine.pool, QueuePool) else 0
        self._connections = KeptConnections(self.engine, kept)
        self._retry_after = retry_after
        self._down_until = 0.0

    def caught_up(self, needed: int) -> Connection | None:
        """A connection to the replica once it has replayed the primary's WAL up to `needed`
        (0: anything it has will do), or None. One round trip to ask, unless this connection
        has already seen the replica that far; the first use of each connection always asks,
        which also refuses a server not in recovery (a promoted replica is no longer a copy
        of the primary: reads go to the primary until the URL names a replica again)."""
        if time.monotonic() < self._down_until:
            return None
        try:
            conn = self._connections.take()
        except Exception as error:
            if not database_unavailable(error):
                raise
            self._down(error)
            return None
        info = conn.info
        seen: int | None = info.get(_REPLAYED)
        if seen is None or seen < needed:
            try:
                seen = position(conn, REPLAYED)
            except Exception as error:
                discard(conn)
                if not database_unavailable(error):
                    raise
                self._down(error)
                return None
            if seen is None:
                log.warning("VAANI_REPLICA_URL names a server that is not a replica (not in "
                            "recovery): reads go to the primary")
                self._connections.give_back(conn, healthy=True)
                return None
            info[_REPLAYED] = seen
        if seen >= needed:
            return conn
        self._connections.give_back(conn, healthy=True)
        return None

    def give_back(self, conn: Connection, healthy: bool) -> None:
        self._connections.give_back(conn, healthy)

    def _down(self, error: BaseException) -> None:
        if time.monotonic() >= self._down_until:
            log.warning("the replica does not answer (%s): reads go to the primary for %g s",
                        str(error).splitlines()[0] if str(error) else type(error).__name__,
                        self._retry_after)
        self._down_until = time.monotonic() + self._retry_after

    def close(self) -> None:
        self._connections.close()
        self._engine.dispose()
