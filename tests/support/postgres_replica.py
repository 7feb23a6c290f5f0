"""A throwaway PostgreSQL primary and its streaming replica for the test session, both on
loopback: `initdb` (WAL for a replica, a replication entry in pg_hba.conf), `pg_basebackup -R`
from the running primary, the replica started on a port of its own, and both stopped and deleted
afterwards. Runs the servers as `postgres` when we are root, as tests/support/postgres.py does.

`ReplicaPair` lets a test make the replica lag (replay paused), stop it and start it again, and
wait until it has replayed everything the primary wrote."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from tests.support.postgres import _free_port, find_pg_bin

# What both servers run with: tests need no durability (as in postgres.py), the replica answers
# reads while it replays (hot standby), and never cancels a test's read for replay's sake.
_SERVER = ("-c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=off "
           "-c synchronous_commit=off -c full_page_writes=off -c wal_level=replica "
           "-c max_wal_senders=4 -c hot_standby=on -c max_standby_streaming_delay=-1")


class ReplicaPair:
    """The running pair: `primary` and `replica` are postgresql+psycopg URLs of their
    `postgres` databases (`url_of` names another database on the same server)."""

    def __init__(self, root: Path, as_user: list[str]) -> None:
        self._root, self._as_user = root, as_user
        self._bin = find_pg_bin()
        self._ports = {"primary": _free_port(), "replica": _free_port()}
        self.primary = self._url("primary")
        self.replica = self._url("replica")

    def _url(self, which: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self._ports[which]}/postgres"

    def _run(self, *args: str, timeout: float = 120) -> None:
        subprocess.run([*self._as_user, *args], check=True, capture_output=True, timeout=timeout)

    def _data(self, which: str) -> Path:
        return self._root / which

    def start(self, which: str) -> None:
        options = f"-p {self._ports[which]} -k {self._root} {_SERVER}"
        self._run(str(self._bin / "pg_ctl"), "-D", str(self._data(which)), "-o", options,
                  "-l", str(self._root / f"{which}.log"), "-w", "start")

    def stop(self, which: str) -> None:
        """Stop a server now (`-m immediate`: as a crash would; the replica reconnects and
        catches up when started again)."""
        subprocess.run([*self._as_user, str(self._bin / "pg_ctl"), "-D", str(self._data(which)),
                        "-m", "immediate", "-w", "stop"], capture_output=True, timeout=60)

    def create(self) -> None:
        """The primary initialised, configured for a replica and started; the replica copied
        from it (`pg_basebackup -R` writes standby.signal and its primary_conninfo), started,
        and streaming."""
        primary = self._data("primary")
        self._run(str(self._bin / "initdb"), "-D", str(primary), "-U", "postgres",
                  "--auth=trust", "-E", "UTF8", "--no-sync")
        # initdb's pg_hba.conf lets loopback replicate already; said here in so many words,
        # since the replica depends on it.
        hba = primary / "pg_hba.conf"
        entry = "\nhost replication postgres 127.0.0.1/32 trust\n"
        self._run("sh", "-c", f"printf '{entry}' >> {hba}")
        self.start("primary")
        self._run(str(self._bin / "pg_basebackup"), "-h", "127.0.0.1",
                  "-p", str(self._ports["primary"]), "-U", "postgres",
                  "-D", str(self._data("replica")), "-R", "-X", "stream", "-c", "fast",
                  "--no-sync")
        self.start("replica")
        self.wait_streaming()

    def wait_streaming(self, within: float = 60.0) -> None:
        """Until the replica's WAL receiver streams from the primary."""
        self._poll(self.replica, "SELECT status = 'streaming' FROM pg_stat_wal_receiver",
                   within, "the replica did not start streaming")

    def caught_up(self, within: float = 60.0) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        engine = sa.create_engine(self.primary)
        try:
            with engine.connect() as conn:
                written = conn.exec_driver_sql("SELECT pg_current_wal_insert_lsn()").scalar()
        finally:
            engine.dispose()
        self._poll(self.replica, f"SELECT pg_last_wal_replay_lsn() >= '{written}'::pg_lsn",
                   within, "the replica did not catch up with the primary")

    def pause_replay(self) -> None:
        self._on_replica("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self._on_replica("SELECT pg_wal_replay_resume()")

    def _on_replica(self, sql: str) -> None:
        engine = sa.create_engine(self.replica, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(sql)
        finally:
            engine.dispose()

    @staticmethod
    def _poll(url: str, sql: str, within: float, failure: str) -> None:
        deadline = time.monotonic() + within
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            while True:
                try:
                    with engine.connect() as conn:
                        if conn.exec_driver_sql(sql).scalar():
                            return
                except sa.exc.OperationalError:
                    pass  # still starting
                if time.monotonic() > deadline:
                    raise RuntimeError(failure)
                time.sleep(0.05)
        finally:
            engine.dispose()


@contextmanager
def throwaway_replica_pair() -> Iterator[ReplicaPair]:
    root = Path(tempfile.mkdtemp(prefix="vaani-pg-pair-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(root, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    pair = ReplicaPair(root, as_user)
    try:
        pair.create()
        yield pair
    finally:
        pair.stop("replica")
        pair.stop("primary")
        shutil.rmtree(root, ignore_errors=True)
