"""WAL checkpoints off the event loop (SQLite).

A COMMIT that finds the write-ahead log grown past `wal_autocheckpoint` pages (1,000) copies
them back into the database file and syncs it, there and then, in the committing connection:
for the event loop's writer (`loop_writes`), the whole worker stood still meanwhile. That
connection is opened with `wal_autocheckpoint=0`, and after every CHECKPOINT_EVERY of its
commits a thread of this module runs the checkpoint instead, on a connection of its own.
PASSIVE: it never waits for, nor holds up, a writer or a reader; what a reader still needs
stays in the log until the next one. Writers on worker threads keep SQLite's own checkpoints."""

from __future__ import annotations

import logging
import sqlite3
import threading

log = logging.getLogger("vaani.sql")

# A transfer's commit writes some 15 pages of the log (fewer each when commits are shared):
# about as often as SQLite's own 1,000-page threshold would.
CHECKPOINT_EVERY = 64


class Checkpointer:
    def __init__(self, database: str) -> None:
        self._database = database
        self._commits = 0
        self._due = threading.Event()
        self._closing = False
        self._thread: threading.Thread | None = None
        self.checkpoints = 0  # run so far

    def committed(self) -> None:
        """One more commit that did not checkpoint (called on the event loop)."""
        self._commits += 1
        if self._commits % CHECKPOINT_EVERY:
            return
        if self._thread is None:  # started by the first writes in place: a CLI never needs it
            self._thread = threading.Thread(target=self._run, name="vaani-checkpoint",
                                            daemon=True)
            self._thread.start()
        self._due.set()

    def close(self) -> None:
        """Stop the thread (SQLite checkpoints what is left when the last connection closes)."""
        self._closing = True
        self._due.set()
        if self._thread is not None:
            self._thread.join(30)

    def _run(self) -> None:
        connection = sqlite3.connect(self._database, isolation_level=None,
                                     check_same_thread=False)
        try:
            while True:
                self._due.wait()
                self._due.clear()
                if self._closing:
                    return
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.checkpoints += 1
                except sqlite3.Error:
                    # SQLite's own checkpoints, at the next writer's commit, catch up.
                    log.warning("a WAL checkpoint failed", exc_info=True)
        finally:
            connection.close()
