"""A real HTTP receiver on loopback for the webhook tests: it records every message and answers
as told (2xx, an error status, or nothing until the sender gives up), and a reference verifier
of Standard Webhooks signatures written from the specification, not from the sender's code."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import attrs


@attrs.frozen
class Received:
    headers: dict[str, str]
    body: bytes


class Receiver:
    """`status`: what to answer; `hold`: seconds to wait before answering, past the sender's
    timeout (a slow endpoint: never counted as received); `pause`: seconds each message takes
    (a busy but healthy endpoint)."""

    def __init__(self) -> None:
        self.status = 204
        self.hold = 0.0
        self.pause = 0.0
        self.received: list[Received] = []
        self.tried = 0  # every message that arrived, answered well or not
        self._lock = threading.Lock()
        self._release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                with receiver._lock:
                    receiver.tried += 1
                    status, hold = receiver.status, receiver.hold
                time.sleep(receiver.pause)
                if hold:  # the sender gives up first: never counted as received
                    receiver._release.wait(hold)
                elif 200 <= status < 300:
                    with receiver._lock:
                        receiver.received.append(Received(
                            {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/hooks/vaani"

    def wait_for(self, count: int, seconds: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.02)
        raise AssertionError(f"{len(self.received)} of {count} messages arrived")

    def close(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()


def verifies(secret: str, message: Received, now: int, tolerance: int = 300) -> bool:
    """The specification's check: the timestamp within `tolerance` seconds of now, and one
    `v1,` signature equal to base64(HMAC-SHA256(base64-decoded key after `whsec_`,
    "{webhook-id}.{webhook-timestamp}.{body}")), compared in constant time."""
    msg_id = message.headers["webhook-id"]
    timestamp = message.headers["webhook-timestamp"]
    if abs(now - int(timestamp)) > tolerance:
        return False
    key = base64.b64decode(secret.split("_", 1)[1])
    content = f"{msg_id}.{timestamp}.".encode() + message.body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    for candidate in message.headers["webhook-signature"].split(" "):
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return True
    return False
