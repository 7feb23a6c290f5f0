"""A log handler that writes a served process's lines in batches: one write per tenth of a
second instead of one per request."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TextIO

# What a line waits at most; what a batch holds at most.
DELAY_SECONDS = 0.1
MAX_LINES = 256


class BatchedStreamHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Lines logged on a running event loop wait for the next batch, at most DELAY_SECONDS or
    MAX_LINES; a warning or worse is written at once, after the lines before it, and so is a
    line logged where no event loop runs (a worker thread, start-up). The access log writes a
    line per request, and writing and flushing each was a system call per request, with the
    logging around it a noticeable share of a balance request's work. The price: a process
    killed outright loses the lines of its last tenth of a second, as nginx's buffered access
    log does; a process that exits, however it was asked to, writes them (`logging.shutdown`
    flushes every handler)."""

    def __init__(self, stream: TextIO, delay: float = DELAY_SECONDS,
                 max_lines: int = MAX_LINES) -> None:
        super().__init__(stream)
        self._pending: list[str] = []
        self._since = 0.0  # when the first line of the batch came
        self._delay = delay
        self._max_lines = max_lines

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:  # what StreamHandler does with a record it cannot format
            self.handleError(record)
            return
        with self.lock:  # type: ignore[union-attr]  # set by createLock()
            self._add(line, at_once=record.levelno >= logging.WARNING)

    def write_line(self, line: str) -> None:
        """An INFO line already formatted (the access log's), into the same batch."""
        with self.lock:  # type: ignore[union-attr]
            self._add(line, at_once=False)

    def _add(self, line: str, at_once: bool) -> None:
        self._pending.append(line + self.terminator)
        if len(self._pending) == 1:  # the first of a batch: its time starts now
            self._since = time.monotonic()
            try:
                asyncio.get_running_loop().call_later(self._delay, self.flush)
            except RuntimeError:  # no event loop runs here: nothing would come back for it
                at_once = True
        # A batch whose timer never ran (its loop stopped first) goes with the next line.
        if at_once or len(self._pending) >= self._max_lines or \
                time.monotonic() - self._since >= self._delay:
            self.flush()

    def flush(self) -> None:
        with self.lock:  # type: ignore[union-attr]  # set by createLock(); emit holds it too
            if not self._pending:
                return
            lines, self._pending = "".join(self._pending), []
            try:
                self.stream.write(lines)
                self.stream.flush()
            except (OSError, ValueError):  # stderr closed or gone: nowhere left to say so
                pass
