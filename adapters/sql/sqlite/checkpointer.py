"""WAL checkpoints off the writer turn and off the event loop (SQLite).

A COMMIT that finds the write-ahead log grown past `wal_autocheckpoint` pages (1,000) copies
them back into the database file and syncs it, there and then, in the committing connection.
SQLite lets other writers in meanwhile, but Vaani's writers hold the writer turn
(sqlite/one_writer.py) until their unit of work ends, so every other writer of every process waited
for the copy; for the event loop's writer (`InPlace`), the whole worker stood still too.
So Vaani's writers' connections are opened with `wal_autocheckpoint=0`, and after every
CHECKPOINT_EVERY commits of a process a thread of this module runs the checkpoint instead, on a
connection of its own. PASSIVE: it never waits for, nor holds up, a writer or a reader; what a
reader still needs stays in the log until the next one.

The log starts again from its beginning only when a writer begins with every frame of it
copied back. Writers kept committing while a checkpoint copied, so that moment never came:
under steady load the log grew without end, and with it the time every commit took. So once
the log holds RESTART_AFTER_FRAMES frames, the thread takes the writer turn for a second
pass, which copies the few frames committed during the first, and the next writer starts the
log again. (The measurements behind both choices: docs/benchmarks.md, "Figures once in
docstrings".)
Writers outside Vaani keep SQLite's own checkpoints, and the last connection to close a
database checkpoints what is left."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from urllib.parse import quote

from sqlalchemy.engine import Connection

from adapters.sql.sqlite.one_writer import WriterTurn

log = logging.getLogger("vaani.sql")

# A transfer's commit writes some 15 pages of the log (fewer each when commits are shared):
# about as often as SQLite's own 1,000-page threshold would.
CHECKPOINT_EVERY = 64
# 16 MiB of 4 KiB pages: some 1,000 transfers, a few seconds of the busiest worker.
RESTART_AFTER_FRAMES = 4096


class Checkpointer:
    def __init__(self, database: str, turn: WriterTurn) -> None:
        self._database = database
        self._turn = turn
        self._commits = 0
        self._counting = threading.Lock()  # commits of worker threads and of the event loop
        self._due = threading.Event()
        self._closing = False
        self._thread: threading.Thread | None = None
        self._pid = 0  # the process the thread runs in
        self.checkpoints = 0  # run so far

    def committed(self) -> None:
        """One more commit that did not checkpoint."""
        with self._counting:
            self._commits += 1
            if self._commits % CHECKPOINT_EVERY:
                return
            # Started by the busy (a CLI command rarely needs it), and again in a child of a
            # fork, which has the thread's object but not the thread.
            if self._thread is None or self._pid != os.getpid():
                self._pid, self._due = os.getpid(), threading.Event()
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
        # Read-write, never create: a database file deleted meanwhile must stay missing
        # (sqlite/database_file.py), not come back empty.
        try:
            connection = sqlite3.connect(f"file:{quote(os.path.abspath(self._database))}?mode=rw",
                                         uri=True, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            log.warning("the WAL checkpoint thread could not open the database", exc_info=True)
            return
        try:
            while True:
                self._due.wait()
                self._due.clear()
                if self._closing:
                    return
                try:
                    if self._checkpoint(connection) >= RESTART_AFTER_FRAMES:
                        self._turn.acquire()  # no writer of Vaani adds frames meanwhile
                        try:
                            self._checkpoint(connection)
                        finally:
                            self._turn.release()
                except sqlite3.Error:
                    # The next one, CHECKPOINT_EVERY commits later, catches up.
                    log.warning("a WAL checkpoint failed", exc_info=True)
        finally:
            connection.close()

    def _checkpoint(self, connection: sqlite3.Connection) -> int:
        """A PASSIVE checkpoint; the frames the log held."""
        (_, frames, _), = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        self.checkpoints += 1
        return int(frames)


def leave_checkpoints_to_the_thread(conn: Connection) -> None:
    """A writer's connection whose commits never checkpoint: SQLite would run the checkpoint
    inside the COMMIT, while this process holds the writer turn (sqlite/checkpointer.py). Once per
    connection: the setting lasts as long as it does."""
    if conn.connection.info.get("vaani_checkpoints_left") is None:
        dbapi_connection = conn.connection.dbapi_connection
        assert dbapi_connection is not None
        dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")
        conn.connection.info["vaani_checkpoints_left"] = True
