"""Several workers of one `vaani serve` keep their load even: a crowded worker sends one client
at a time to reconnect (entrypoints/http/worker_load.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from entrypoints.bootstrap import bootstrap
from entrypoints.http.app import create_app
from entrypoints.http.worker_load import (
    ENVIRONMENT,
    EVERY_SECONDS,
    WorkerLoad,
    shared_load_file,
    shared_with_workers,
)
from tests.conftest import settings_for


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memfd", "temporary directory"])
def load_file(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Both kinds of the supervisor's file: in memory on Linux, a temporary file elsewhere."""
    if request.param != "memfd":
        monkeypatch.delattr(os, "memfd_create")
    with shared_load_file() as path:
        yield path
    assert not Path(path).exists(), "the supervisor's file outlived serving"


def _alive(pid: int) -> bool:
    return pid != 4242  # the worker that died


def test_each_worker_claims_its_own_slot_and_sees_the_others(load_file: str) -> None:
    clock = Clock()
    mine = WorkerLoad(load_file, pid=1001, alive=_alive, clock=clock)
    other = WorkerLoad(load_file, pid=1002, alive=_alive, clock=clock)
    for _ in range(3):
        other.started()
    for _ in range(5):
        mine.started()
    # 5 in flight here, 3 there: the mean is 4, and 5 is within one of it.
    assert not mine.crowded()
    clock.now += EVERY_SECONDS
    mine.started()  # 6 > 4.5 + 1
    assert mine.crowded()
    assert not other.crowded()  # 3 is under its share


def test_a_crowded_worker_sends_away_one_client_per_interval(load_file: str) -> None:
    clock = Clock()
    mine = WorkerLoad(load_file, pid=1001, alive=_alive, clock=clock)
    WorkerLoad(load_file, pid=1002, alive=_alive, clock=clock)
    for _ in range(4):
        mine.started()
    assert mine.crowded()
    assert not mine.crowded()  # still crowded, but it waits to see the first one go
    clock.now += EVERY_SECONDS
    assert mine.crowded()
    for _ in range(4):
        mine.finished()
    clock.now += EVERY_SECONDS
    assert not mine.crowded()


def test_a_lone_worker_is_never_crowded(load_file: str) -> None:
    lone = WorkerLoad(load_file, pid=1001, alive=_alive, clock=Clock())
    for _ in range(50):
        lone.started()
    assert not lone.crowded()


def test_a_dead_workers_slot_is_reclaimed_and_its_count_ignored(load_file: str) -> None:
    clock = Clock()
    dead = WorkerLoad(load_file, pid=4242, alive=_alive, clock=clock)
    for _ in range(20):
        dead.started()  # killed with 20 requests in flight: its slot still says so
    mine = WorkerLoad(load_file, pid=1001, alive=_alive, clock=clock)
    WorkerLoad(load_file, pid=1003, alive=_alive, clock=clock)  # takes the dead one's slot
    for _ in range(3):
        mine.started()
    # Counted, the dead worker's 20 would make 3 look idle.
    assert mine.crowded()


def test_a_worker_that_stops_frees_its_slot(load_file: str) -> None:
    clock = Clock()
    mine = WorkerLoad(load_file, pid=1001, alive=_alive, clock=clock)
    gone = WorkerLoad(load_file, pid=1002, alive=_alive, clock=clock)
    gone.close()
    for _ in range(5):
        mine.started()
    assert not mine.crowded()  # alone again


def test_a_file_that_is_not_a_load_file_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.write_bytes(b"x")
    with pytest.raises(ValueError, match="not a worker load file"):
        WorkerLoad(str(other))


def test_a_worker_without_a_usable_file_serves_unbalanced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.delenv("VAANI_WORKER_LOAD_FILE", raising=False)
    assert WorkerLoad.from_environment() is None  # serving alone
    monkeypatch.setenv("VAANI_WORKER_LOAD_FILE", str(tmp_path / "gone"))
    assert WorkerLoad.from_environment() is None
    assert "will not balance its load" in caplog.text


def test_the_supervisor_names_the_file_to_its_workers_while_serving(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENVIRONMENT, raising=False)
    with shared_with_workers():
        worker = WorkerLoad.from_environment()  # what each worker does at start
        assert worker is not None
        worker.started()
        assert worker.in_flight == 1
        worker.close()
    assert ENVIRONMENT not in os.environ  # not left for anything started afterwards


def test_the_crowded_worker_answers_with_connection_close(load_file: str) -> None:
    clock = Clock()
    load = WorkerLoad(load_file, pid=os.getpid(), alive=_alive, clock=clock)
    WorkerLoad(load_file, pid=1002, alive=_alive, clock=clock)  # an idle second worker
    load.started()
    load.started()  # two other requests in flight here
    settings = settings_for("sqlite:///unused.db", "memory")
    with TestClient(create_app(bootstrap(settings), load)) as client:
        sent_away = client.get("/health")
        kept = client.get("/health")
        clock.now += EVERY_SECONDS
        load.finished()
        load.finished()
        calm = client.get("/health")
        refused = client.post("/api/v1/auth/register", content=b"{}",
                              headers={"content-length": str(1 << 21)})
    assert sent_away.status_code == 200 and sent_away.json() == {"status": "ok"}
    assert sent_away.headers["connection"] == "close"
    assert "connection" not in kept.headers  # one client per interval
    assert "connection" not in calm.headers  # no longer crowded
    assert refused.status_code == 413
    # Every request was counted out again: nothing in flight but the two begun above.
    assert load.in_flight == 0
