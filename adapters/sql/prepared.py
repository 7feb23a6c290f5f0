"""Statements of the money path, compiled once per dialect and run on the bare driver.

SQLAlchemy Core spends more Python per `Connection.execute` (cache-key generation, parameter
construction, result metadata) than SQLite takes to run the statement, and a transfer runs
many of them. A `Prepared` statement keeps what Core builds (the SQL text for the dialect, the
order of its parameters, each column type's bind and result processors) and afterwards only
converts values and calls the DBAPI cursor (SQLite) or libpq (PostgreSQL).
Driver errors are wrapped exactly as Core wraps them (`sqlalchemy.exc.IntegrityError` …), and a
lost connection is invalidated, so callers cannot tell the two paths apart.

How the statements reach the driver — on PostgreSQL in libpq's pipeline mode, a write nothing
waits for or a read asked ahead queued until the next round trip — is prepared_sending.py's.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NoReturn

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.compiler import SQLCompiler

from adapters.sql.postgres.pipeline import numbered
from adapters.sql.prepared_sending import Answer, enqueue, run, send

Processor = Callable[[Any], Any]
_MISSING = object()


class Plan:
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
    a test and a call per parameter, would be paid again on every statement of every transfer."""
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
        self._plans: dict[str, Plan] = {}

    def _plan(self, dialect: Dialect) -> Plan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            plan = self._plans[dialect.name] = Plan(self._statement, dialect, self._column_keys)
        return plan

    def all(self, conn: Connection, values: Mapping[str, Any] | None = None) -> list[Any]:
        plan = self._plan(conn.dialect)
        rows = send(conn, plan, plan.parameters(values or {}), fetch=True)
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
        return int(send(conn, plan, plan.parameters(values or {})))

    def ask(self, conn: Connection, values: Mapping[str, Any] | None = None
            ) -> Callable[[], list[Any]]:
        """A read queued on PostgreSQL (prepared_sending.py), run now elsewhere; the call answers it."""
        plan = self._plan(conn.dialect)
        parameters = plan.parameters(values or {})
        if conn.dialect.name != "postgresql":
            rows = [plan.row(r) for r in run(conn, plan, parameters, fetch=True)]
            return lambda: rows
        answer = Answer(conn, plan)
        enqueue(conn, (plan, parameters, False, answer))
        return answer

    def defer(self, conn: Connection, values: Mapping[str, Any] | None = None) -> None:
        """A write nothing waits for: queued on PostgreSQL (prepared_sending.py), run now elsewhere."""
        plan = self._plan(conn.dialect)
        parameters = plan.parameters(values or {})
        if conn.dialect.name == "postgresql":
            enqueue(conn, (plan, parameters, False, None))
        else:
            run(conn, plan, parameters)

    def defer_many(self, conn: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
        plan = self._plan(conn.dialect)
        batch = [plan.parameters(r) for r in rows]
        if not batch:
            return
        if conn.dialect.name == "postgresql":
            enqueue(conn, (plan, batch, True, None))
        else:
            run(conn, plan, batch, many=True)
