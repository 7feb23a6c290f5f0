"""Statements of the money path, compiled once per dialect and run on the bare driver.

SQLAlchemy Core spends ~0.1 ms of Python per `Connection.execute` (cache-key generation,
parameter construction, result metadata) — more than SQLite takes to run the statement, and
18 of them make a transfer. A `Prepared` statement keeps what Core builds (the SQL text for the
dialect, the order of its parameters, each column type's bind and result processors) and
afterwards only converts values and calls the DBAPI cursor (SQLite) or libpq (PostgreSQL).
Driver errors are wrapped exactly as Core wraps them (`sqlalchemy.exc.IntegrityError` …), and a
lost connection is invalidated, so callers cannot tell the two paths apart.

On PostgreSQL every statement goes through libpq's pipeline mode, prepared once per connection
(pg_pipeline.py: psycopg's cursor machinery cost more than the rest of a transfer). A write
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

import weakref
from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NoReturn

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.compiler import SQLCompiler

from adapters.sql.pg_pipeline import Outcome, numbered, pipeline_of

Processor = Callable[[Any], Any]
_MISSING = object()


class _Plan:
    """What running one statement on one dialect needs, worked out once."""

    def __init__(self, statement: sa.ClauseElement, dialect: Dialect,
                 column_keys: Sequence[str] | None) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(column_keys or ()) or None)
        assert isinstance(compiled, SQLCompiler)
        self.sql = str(compiled)
        self.positional = bool(compiled.positional)
        names = list(compiled.positiontup or ()) if self.positional else list(compiled.binds)
        # PostgreSQL: the statement as libpq takes it ($1, $2 …), its values in that order.
        self.numbered = b""
        if dialect.name == "postgresql":
            self.numbered, placeholders = numbered(self.sql)
            original = {escaped: name for name, escaped
                        in (compiled.escaped_bind_names or {}).items()}
            names = [original.get(p, p) for p in placeholders]
            self.positional = True
        self.binds: list[tuple[str, Any, Processor | None]] = []
        for name in names:
            bind = compiled.binds[name]
            default = _MISSING if bind.required or bind.callable is not None else bind.value
            self.binds.append((name, default,
                               bind.type.dialect_impl(dialect).bind_processor(dialect)))
        self.parameters: Callable[[Mapping[str, Any]], Any] = _converter(self.binds,
                                                                          self.positional)
        self.row_type: Any = None
        self.readers: list[tuple[int, Processor]] = []
        if isinstance(statement, (sa.Select, sa.CompoundSelect)):
            columns = list(statement.selected_columns)
            self.row_type = namedtuple("Row", [c.key for c in columns])  # type: ignore[misc]
            for i, column in enumerate(columns):
                reader = column.type.dialect_impl(dialect).result_processor(dialect, None)
                if reader is not None:
                    self.readers.append((i, reader))


    def row(self, raw: Sequence[Any]) -> Any:
        if not self.readers:
            return self.row_type._make(raw)
        values = list(raw)
        for i, reader in self.readers:
            values[i] = reader(values[i])
        return self.row_type._make(values)


def _converter(binds: list[tuple[str, Any, Processor | None]],
                positional: bool) -> Callable[[Mapping[str, Any]], Any]:
    """The function that turns a statement's values into its driver parameters, written out
    once per statement (as attrs writes an `__init__`): a loop over the binds, with a lookup,
    a test and a call per parameter, cost a transfer's seventeen statements ~60 µs."""
    namespace: dict[str, Any] = {"_missing": _missing}
    items = []
    for i, (name, default, process) in enumerate(binds):
        if default is _MISSING:
            value = f"(values[{name!r}] if {name!r} in values else _missing({name!r}))"
        else:
            namespace[f"default{i}"] = default
            value = f"values.get({name!r}, default{i})"
        if process is not None:
            namespace[f"process{i}"] = process
            value = f"process{i}({value})"
        items.append(value if positional else f"{name!r}: {value}")
    joined = ", ".join(items)
    if not positional:
        returned = "{" + joined + "}"
    elif items:
        returned = f"({joined},)"
    else:
        returned = "()"
    exec(f"def convert(values):\n    return {returned}\n", namespace)  # noqa: S102
    converter: Callable[[Mapping[str, Any]], Any] = namespace["convert"]
    return converter


def _missing(name: str) -> NoReturn:
    raise KeyError(f"statement parameter {name!r} has no value")


class Prepared:
    """One Core statement; `column_keys` names the columns an INSERT or UPDATE sets."""

    def __init__(self, statement: sa.ClauseElement, column_keys: Sequence[str] | None = None) -> None:
        self._statement = statement
        self._column_keys = column_keys
        self._plans: dict[str, _Plan] = {}

    def _plan(self, dialect: Dialect) -> _Plan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            plan = self._plans[dialect.name] = _Plan(self._statement, dialect, self._column_keys)
        return plan

    def all(self, conn: Connection, values: Mapping[str, Any] | None = None) -> list[Any]:
        plan = self._plan(conn.dialect)
        rows = _send(conn, plan, plan.parameters(values or {}), fetch=True)
        return [plan.row(r) for r in rows]

    def first(self, conn: Connection, values: Mapping[str, Any] | None = None) -> Any | None:
        rows = self.all(conn, values)
        return rows[0] if rows else None

    def scalar(self, conn: Connection, values: Mapping[str, Any] | None = None) -> Any:
        row = self.first(conn, values)
        return row[0] if row is not None else None

    def execute(self, conn: Connection, values: Mapping[str, Any] | None = None) -> int:
        """Runs a write; returns the number of rows it touched."""
        plan = self._plan(conn.dialect)
        return int(_send(conn, plan, plan.parameters(values or {})))

    def ask(self, conn: Connection, values: Mapping[str, Any] | None = None
            ) -> Callable[[], list[Any]]:
        """A read queued on PostgreSQL (see above), run now elsewhere; the call answers it."""
        plan = self._plan(conn.dialect)
        parameters = plan.parameters(values or {})
        if conn.dialect.name != "postgresql":
            rows = [plan.row(r) for r in _run(conn, plan, parameters, fetch=True)]
            return lambda: rows
        answer = _Answer(conn, plan)
        _DEFERRED.setdefault(conn, []).append((plan, parameters, False, answer))
        return answer

    def defer(self, conn: Connection, values: Mapping[str, Any] | None = None) -> None:
        """A write nothing waits for: queued on PostgreSQL (see above), run now elsewhere."""
        plan = self._plan(conn.dialect)
        parameters = plan.parameters(values or {})
        if conn.dialect.name == "postgresql":
            _DEFERRED.setdefault(conn, []).append((plan, parameters, False, None))
        else:
            _run(conn, plan, parameters)

    def defer_many(self, conn: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
        plan = self._plan(conn.dialect)
        batch = [plan.parameters(r) for r in rows]
        if not batch:
            return
        if conn.dialect.name == "postgresql":
            _DEFERRED.setdefault(conn, []).append((plan, batch, True, None))
        else:
            _run(conn, plan, batch, many=True)


class _Answer:
    """The rows of a queued read (`Prepared.ask`), in once its round trip is made."""

    def __init__(self, conn: Connection, plan: _Plan) -> None:
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


# Statements queued per connection (a Connection is one unit of work's, never shared by
# threads): the plan, its parameters, whether they are a batch, the answer of a read.
_Queued = tuple[_Plan, Any, bool, _Answer | None]
_DEFERRED: weakref.WeakKeyDictionary[Connection, list[_Queued]] = weakref.WeakKeyDictionary()


def send_deferred(conn: Connection, *, commit: bool = False) -> None:
    """Send the queued writes now (before a statement of Core's own, or before a commit). With
    `commit`, the COMMIT travels in the same round trip; the driver then has nothing left to
    commit, and if a queued write fails the COMMIT is never run."""
    pending = _DEFERRED.pop(conn, None)
    if pending:
        _pipeline(conn, pending, commit=commit)


def drop_deferred(conn: Connection) -> None:
    """The transaction rolls back: its queued writes are never sent."""
    _DEFERRED.pop(conn, None)


def _send(conn: Connection, plan: _Plan, parameters: Any, *, fetch: bool = False) -> Any:
    """`_run`, after the connection's queued writes, in the same round trip."""
    pending = _DEFERRED.pop(conn, None)
    if not pending:
        return _run(conn, plan, parameters, fetch=fetch)
    last = _pipeline(conn, [*pending, (plan, parameters, False, None)])
    return last.rows if fetch else last.rowcount


def _pipeline(conn: Connection, statements: list[_Queued], commit: bool = False) -> Outcome:
    """Send the statements in one round trip (pg_pipeline.py; with the transaction's BEGIN
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


def _run(conn: Connection, plan: _Plan, parameters: Any, *, fetch: bool = False,
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
