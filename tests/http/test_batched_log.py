"""The served process's log: lines written in batches, warnings and loop-less lines at once,
nothing left behind at exit; the access log's lines into the same batch."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import subprocess
import sys
import time

import pytest

from entrypoints.http.access_log import AccessLog
from entrypoints.http.batched_log import BatchedStreamHandler


class CountingStream(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def record(message: str, level: int = logging.INFO) -> logging.LogRecord:
    return logging.LogRecord("vaani.test", level, __file__, 1, message, None, None)


def test_lines_on_a_loop_wait_for_one_write_and_a_warning_takes_them_along() -> None:
    stream = CountingStream()
    handler = BatchedStreamHandler(stream, delay=0.05)

    async def serve() -> None:
        handler.handle(record("one"))
        handler.write_line("two")
        assert stream.getvalue() == ""  # waiting for the batch
        await asyncio.sleep(0.1)
        assert stream.getvalue() == "one\ntwo\n" and stream.writes == 1
        handler.write_line("three")
        handler.handle(record("trouble", logging.WARNING))
        assert stream.getvalue() == "one\ntwo\nthree\ntrouble\n"  # at once, in order

    asyncio.run(serve())


def test_a_line_logged_without_an_event_loop_is_written_at_once() -> None:
    stream = CountingStream()
    BatchedStreamHandler(stream).handle(record("starting"))
    assert stream.getvalue() == "starting\n"


def test_a_full_batch_is_written_without_waiting() -> None:
    stream = CountingStream()
    handler = BatchedStreamHandler(stream, delay=60, max_lines=3)

    async def serve() -> None:
        for n in range(4):
            handler.write_line(str(n))
        assert stream.getvalue() == "0\n1\n2\n" and stream.writes == 1

    asyncio.run(serve())


def test_a_batch_whose_loop_stopped_goes_with_the_next_line() -> None:
    stream = CountingStream()
    handler = BatchedStreamHandler(stream, delay=0.01)

    async def serve() -> None:
        handler.write_line("left")

    asyncio.run(serve())  # the loop is gone before the batch's timer ran
    assert stream.getvalue() == ""
    time.sleep(0.02)  # past the batch's delay

    async def next_request() -> None:
        handler.write_line("next")

    asyncio.run(next_request())
    assert stream.getvalue() == "left\nnext\n"


def test_a_served_process_writes_its_waiting_lines_when_it_exits() -> None:
    program = """
import asyncio, logging
from entrypoints.http.serving import _log_in_batches
write = _log_in_batches()
assert write is not None  # the log is ours: the access log writes into its batch
async def serve():
    write('{"request_id":"last"}')
    logging.getLogger("vaani").info("shutting down")
asyncio.run(serve())
"""
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          timeout=60, check=True)
    access, logged = done.stderr.splitlines()
    assert access == '{"request_id":"last"}'  # the access line as written, into the batch
    assert json.loads(logged)["message"] == "shutting down"  # every other line JSON too


def test_an_access_line_is_the_same_json_through_a_sink_or_the_logger(
        caplog: pytest.LogCaptureFixture) -> None:
    scope = {"method": "GET", "path": "/api/v1/no\"such", "state": {}}
    lines: list[str] = []
    AccessLog(lines.append)(scope, "req-1", 404, 0.0123)
    with caplog.at_level(logging.INFO, logger="vaani.access"):
        AccessLog()(scope, "req-1", 404, 0.0123)
    [logged] = [r.getMessage() for r in caplog.records if r.name == "vaani.access"]
    assert lines == [logged]
    assert json.loads(logged) == {"request_id": "req-1", "method": "GET",
                                  "route": '/api/v1/no"such', "status": 404,
                                  "latency_ms": 12.3, "customer_id": None}
