"""Prepared statements of the money path sent straight through libpq's pipeline mode.

psycopg's cursor does a great deal of Python for every statement — a cursor's state, its
query conversion, the prepared-statement bookkeeping, its pipeline's queues and generators,
more of the client's work than the rest of the use case (docs/benchmarks.md, "Figures once in
docstrings"). `Prepared` (prepared.py) already knows each statement's SQL and the order
of its values; what is left to do per statement is to turn the values into the wire format
(psycopg's `Transformer`, in C), queue a Bind/Execute for a statement prepared once per
connection, and read the results back (psycopg's own C generators, and its connection's
wait). That is what this module does, one pipeline per round trip, the SYNC at its end.

Behaviour is psycopg's: the same BEGIN (with the connection's isolation level), the same
errors (`psycopg.errors.*`, from the server's error fields), a failed statement aborts the rest
and the transaction; psycopg's connection sees the same transaction state from libpq. The
connections do not let psycopg prepare statements of its own (engine.py sets
`prepare_threshold = None`): psycopg would otherwise send DEALLOCATE ALL at a rollback, which
drops these statements too without our knowing.

It leans on two of psycopg's private names (`Connection._get_tx_start_command`,
`PGconn._encoding`) and on `psycopg.generators`; pyproject.toml bounds psycopg below 3.4 for
that, and the PostgreSQL half of the test suite runs every statement of the bank through here.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import psycopg
from psycopg import errors, pq
from psycopg.adapt import AdaptersMap, PyFormat, Transformer
from psycopg.generators import fetch_many, pipeline_communicate
from psycopg.types.numeric import Int8BinaryDumper

_TUPLES_OK = pq.ExecStatus.TUPLES_OK
_COMMAND_OK = pq.ExecStatus.COMMAND_OK
_FATAL_ERROR = pq.ExecStatus.FATAL_ERROR
_IDLE = pq.TransactionStatus.IDLE
_TEXT = pq.Format.TEXT

# Every Python int goes as int8, so a statement's parameter types do not change with the size
# of its values (psycopg picks int2, int4 or int8 per value: one statement would need a
# prepared variant per combination). The SQL casts where a column is narrower.
_ADAPTERS = AdaptersMap(psycopg.adapters)
_ADAPTERS.register_dumper(int, Int8BinaryDumper)

# Named statements kept per connection; past this many (new parameter types keep coming),
# statements run unnamed rather than fill the server's memory.
MAX_PREPARED = 200


def numbered(sql: str) -> tuple[bytes, list[str]]:
    """psycopg's `%(name)s` placeholders as PostgreSQL's `$n`, and the names in `$n` order
    (a name used twice is one parameter)."""
    names: list[str] = []

    def number(found: re.Match[str]) -> str:
        name = found.group(1)
        if name is None:
            return "%"  # `%%`: a literal percent sign
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return re.sub(r"%%|%\((\w+)\)s", number, sql).encode(), names


class _Context:
    """What a Transformer asks of its context: the adapters, and the connection (encoding)."""

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self.adapters = _ADAPTERS
        self.connection = connection


class Outcome:
    """One statement's answer: its rows when it returns any, else the rows it touched."""

    __slots__ = ("rowcount", "rows")

    def __init__(self, rows: list[tuple[Any, ...]], rowcount: int) -> None:
        self.rows = rows
        self.rowcount = rowcount


class PipelineConnection:
    """The statements prepared on one psycopg connection, and its value transformer."""

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self.connection = connection
        self._pgconn = connection.pgconn
        self._transformer = Transformer(_Context(connection))
        self._names: dict[tuple[bytes, tuple[int, ...]], bytes] = {}

    def run(self, statements: Sequence[tuple[bytes, Sequence[Sequence[Any]]]], *,
            commit: bool = False) -> list[Outcome]:
        """Send each statement (its SQL, and one or more parameter sets: one Outcome each) in
        one round trip, after the BEGIN when the transaction has not started and before the
        COMMIT when `commit`; raise the first failure, as psycopg would."""
        pgconn, dump = self._pgconn, self._transformer.dump_sequence
        commands: deque[Callable[[], Any]] = deque()
        # What each command's results are: an index into the outcomes, a name being prepared
        # (registered once the server has it), or None (BEGIN, COMMIT).
        meaning: list[int | tuple[tuple[bytes, tuple[int, ...]], bytes] | None] = []
        connection = self.connection
        if not connection.autocommit and pgconn.transaction_status == _IDLE:
            commands.append(partial(pgconn.send_query_params,
                                    connection._get_tx_start_command(), None))
            meaning.append(None)
        preparing: dict[tuple[bytes, tuple[int, ...]], bytes] = {}
        count = 0
        for sql, parameter_sets in statements:
            for values in parameter_sets:
                try:
                    params = dump(values, [PyFormat.AUTO] * len(values))
                except OverflowError as error:  # past int8: what the server would answer
                    raise errors.NumericValueOutOfRange(
                        f"a number does not fit in a 64-bit integer column: {error}") from error
                types, formats = self._transformer.types or (), self._transformer.formats
                key = (sql, types)
                name = self._names.get(key) or preparing.get(key)
                if name is None and len(self._names) + len(preparing) < MAX_PREPARED:
                    name = preparing[key] = b"vaani_%d" % (len(self._names) + len(preparing))
                    commands.append(partial(pgconn.send_prepare, name, sql, param_types=types))
                    meaning.append((key, name))
                if name is None:
                    commands.append(partial(pgconn.send_query_params, sql, params,
                                            param_types=types, param_formats=formats,
                                            result_format=_TEXT))
                else:
                    commands.append(partial(pgconn.send_query_prepared, name, params,
                                            param_formats=formats, result_format=_TEXT))
                meaning.append(count)
                count += 1
        if commit:
            commands.append(partial(pgconn.send_query_params, b"COMMIT", None))
            meaning.append(None)
        commands.append(pgconn.pipeline_sync)
        return self._exchange(commands, meaning, count)

    def _exchange(self, commands: deque[Callable[[], Any]],
                  meaning: list[int | tuple[tuple[bytes, tuple[int, ...]], bytes] | None],
                  count: int) -> list[Outcome]:
        pgconn = self._pgconn
        expected = len(commands)  # one group of results per command, the SYNC's included
        pgconn.enter_pipeline_mode()
        try:
            # The connection's own wait: it sleeps until the socket is ready (psycopg's bare
            # `waiting.wait` polls unless given an interval) and cancels on Ctrl-C.
            wait = self.connection.wait
            groups: list[list[Any]] = wait(pipeline_communicate(pgconn, commands))
            while len(groups) < expected:  # sent, not all in yet
                more = wait(fetch_many(pgconn))
                if not more:
                    raise errors.OperationalError("the server's answers ended early")
                groups.append(more)
        finally:
            try:
                pgconn.exit_pipeline_mode()
            except psycopg.OperationalError:
                # Answers left unread (the server went away mid-way): a connection stuck in
                # pipeline mode serves nobody. Closed, it reads as lost, and the pool drops it.
                pgconn.finish()
        outcomes: list[Outcome] = []
        failure: errors.Error | None = None
        transformer = self._transformer
        for what, results in zip(meaning, groups, strict=False):
            result = results[-1]
            status = result.status
            if status == _FATAL_ERROR:
                failure = failure or errors.error_from_result(result,
                                                              encoding=pgconn._encoding)
                continue
            if status != _TUPLES_OK and status != _COMMAND_OK:
                continue  # aborted after an earlier failure: that one is raised
            if isinstance(what, tuple):
                self._names[what[0]] = what[1]
            elif what is not None:
                rows: list[tuple[Any, ...]] = []
                if status == _TUPLES_OK:
                    transformer.set_pgresult(result)
                    rows = transformer.load_rows(0, result.ntuples, tuple)
                outcomes.append(Outcome(rows, result.command_tuples or 0))
        if failure is not None:
            raise failure
        if len(outcomes) != count:
            raise errors.OperationalError("the server answered fewer statements than were sent")
        return outcomes


_KEY = "vaani_pipeline"


def pipeline_of(info: dict[Any, Any], connection: Any) -> PipelineConnection:
    """The PipelineConnection of a pooled connection, made on first use, forgotten with it."""
    kept = info.get(_KEY)
    if kept is not None and kept.connection is connection:
        return kept  # type: ignore[no-any-return]
    kept = info[_KEY] = PipelineConnection(connection)
    return kept
