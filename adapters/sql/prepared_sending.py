"""How prepared statements (prepared.py) reach the driver: the bare DBAPI cursor on SQLite,
libpq's pipeline mode on PostgreSQL, with errors wrapped as Core wraps them.

On PostgreSQL every statement goes through libpq's pipeline mode, prepared once per connection
(postgres/pipeline.py: psycopg's cursor machinery cost more than the rest of a transfer). A write
whose outcome nothing waits for (no rowcount, no rows) may be *deferred*: queued on its
connection and sent, in one pipeline (one round trip), together with the transaction's next
statement or with its COMMIT. With the queued reads
below, a transfer's BEGIN, sixteen statements and COMMIT take four round trips.
Nothing observable changes: a read in the same transaction is sent after the queued writes, so
it sees them; an error in a queued write is raised by that next statement or by the commit, and
the transaction rolls back; a rollback drops the queue unsent. SQLite is in-process, so
deferring would only cost: writes run at once there.

A read may be queued the same way (`ask`): asked now, its rows are in once the next statement
or the commit has been sent, or at once when the answer is wanted first. A transfer asks the
fraud screen's two reads and then looks up its idempotency key: BEGIN and the three reads in
one round trip instead of four (the BEGIN goes in the pipeline too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql.postgres.pipeline import Outcome, pipeline_of

if TYPE_CHECKING:
    from adapters.sql.prepared import Plan


class Answer:
    """The rows of a queued read (`Prepared.ask`), in once its round trip is made."""

    def __init__(self, conn: Connection, plan: Plan) -> None:
        self._conn, self._plan = conn, plan
        self._rows: list[Any] | None = None

    def take(self, rows: list[Any]) -> None:
        self._rows = [self._plan.row(r) for r in rows]

    def __call__(self) -> list[Any]:
        if self._rows is None:
            send_deferred(self._conn)
        if self._rows is None:
            raise RuntimeError("a read asked in a transaction that ended before it was sent "
                               "(rolled back, or its round trip failed)")
        return self._rows


# A queued statement: the plan, its parameters, whether they are a batch, the answer of a read.
_Queued = tuple["Plan", Any, bool, Answer | None]
# Where a Connection keeps its queue (a Connection is one unit of work's at a time, never
# shared by threads): an attribute of its own, gone with it.
_QUEUE = "vaani_deferred"


def enqueue(conn: Connection, statement: _Queued) -> None:
    """Queue a statement on the connection, to go with its next round trip."""
    queue: list[_Queued] | None = vars(conn).get(_QUEUE)
    if queue is None:
        vars(conn)[_QUEUE] = [statement]
    else:
        queue.append(statement)


def _taken(conn: Connection) -> list[_Queued] | None:
    return vars(conn).pop(_QUEUE, None)  # type: ignore[no-any-return]


def send_deferred(conn: Connection, *, commit: bool = False) -> None:
    """Send the queued writes now (before a statement of Core's own, or before a commit). With
    `commit`, the COMMIT travels in the same round trip; the driver then has nothing left to
    commit, and if a queued write fails the COMMIT is never run."""
    pending = _taken(conn)
    if pending:
        _pipeline(conn, pending, commit=commit)


def drop_deferred(conn: Connection) -> None:
    """The transaction rolls back: its queued writes are never sent."""
    _taken(conn)


def send(conn: Connection, plan: Plan, parameters: Any, *, fetch: bool = False) -> Any:
    """`run`, after the connection's queued writes, in the same round trip."""
    pending = _taken(conn)
    if not pending:
        return run(conn, plan, parameters, fetch=fetch)
    last = _pipeline(conn, [*pending, (plan, parameters, False, None)])
    return last.rows if fetch else last.rowcount


def _pipeline(conn: Connection, statements: list[_Queued], commit: bool = False) -> Outcome:
    """Send the statements in one round trip (postgres/pipeline.py; with the transaction's BEGIN
    when it is the first, and its COMMIT when `commit`); the queued reads' answers in, the last
    statement's outcome returned."""
    pooled = conn.connection
    dbapi_connection = pooled.dbapi_connection
    assert dbapi_connection is not None
    try:
        outcomes = pipeline_of(pooled.info, dbapi_connection).run(
            [(plan.numbered, parameters if many else (parameters,))
             for plan, parameters, many, _ in statements], commit=commit)
    except conn.dialect.loaded_dbapi.Error as error:
        _raise_wrapped(conn, "; ".join(plan.sql for plan, _, _, _ in statements), error,
                       dbapi_connection, None)
    # A batch has an outcome per parameter set: its last one stands for it.
    at = -1
    for _, parameters, many, answer in statements:
        at += len(parameters) if many else 1
        if answer is not None:
            answer.take(outcomes[at].rows)
    return outcomes[-1]


def run(conn: Connection, plan: Plan, parameters: Any, *, fetch: bool = False,
         many: bool = False) -> Any:
    """Rows when `fetch`, else the rowcount; `many` runs one batch of parameter sets."""
    if plan.numbered:  # PostgreSQL
        last = _pipeline(conn, [(plan, parameters, many, None)])
        return None if many else (last.rows if fetch else last.rowcount)
    pooled = conn.connection
    dbapi_connection = pooled.dbapi_connection
    assert dbapi_connection is not None
    cursor = _cursor_of(pooled.info, dbapi_connection)
    try:
        if many:
            cursor.executemany(plan.sql, parameters)
            return None
        cursor.execute(plan.sql, parameters)
        return cursor.fetchall() if fetch else cursor.rowcount
    except conn.dialect.loaded_dbapi.Error as error:
        pooled.info.pop(_CURSOR, None)  # a fresh one next time
        try:
            _raise_wrapped(conn, plan.sql, error, dbapi_connection, cursor)
        finally:
            cursor.close()


_CURSOR = "vaani_cursor"


def _cursor_of(info: dict[Any, Any], dbapi_connection: Any) -> Any:
    """One cursor per pooled SQLite connection, kept for its life rather than made for each
    of a request's statements. Each statement's rows are fetched, or its rowcount read, before
    the next one runs; the pool forgets the cursor with the connection it belongs to."""
    kept = info.get(_CURSOR)
    if kept is not None and kept[0] is dbapi_connection:
        return kept[1]
    cursor = dbapi_connection.cursor()
    info[_CURSOR] = (dbapi_connection, cursor)
    return cursor


def _raise_wrapped(conn: Connection, sql: str, error: Any, dbapi_connection: Any,
                   cursor: Any) -> NoReturn:
    disconnected = conn.dialect.is_disconnect(error, dbapi_connection, cursor)
    if disconnected:
        conn.invalidate(error)
    raise sa.exc.DBAPIError.instance(
        sql, None, error, conn.dialect.loaded_dbapi.Error,
        connection_invalidated=disconnected, dialect=conn.dialect) from error
