"""Pure ASGI middleware: a request id and the security headers on every response, caps on
bodies, JSON-only bodies, and an access line per request (access_log.py)."""

from __future__ import annotations

import json
import logging
import os
import re
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.sql.engine import database_unavailable
from entrypoints.errors import envelope
from entrypoints.http.access_log import AccessLog
from entrypoints.http.headers import SecurityHeaders, is_json
from entrypoints.http.worker_load import WorkerLoad

log = logging.getLogger("vaani.http")
MAX_BODY_BYTES = 1 << 20
# Recordings travel as base64 in JSON: up to 8 MiB where a request may carry them (a voice
# login, a re-binding with a voice sample, an enrolment, a challenge answered by voice).
MAX_VOICE_BODY_BYTES = 8 << 20
_VOICE_PATHS = re.compile(
    r"/api/v1/(auth/login|device-bindings(/[^/]+/voice)?|transfers/[^/]+/challenge)")
_CLIENT_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")


class PayloadTooLarge(Exception):
    pass


class RequestContextMiddleware:
    """Echo a sane client X-Request-Id (or mint one) and add the security headers (headers.py);
    refuse, before the body is read, one over 1 MiB (8 MiB where a POST may carry a recording)
    with 413 and one that is not JSON with 415. With several workers (`load`), a crowded worker
    sends a client to reconnect (worker_load.py)."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY_BYTES,
                 max_voice_body: int = MAX_VOICE_BODY_BYTES, load: WorkerLoad | None = None,
                 access_log: AccessLog | None = None, hsts_seconds: int = 0) -> None:
        self.app = app
        self.access_log = access_log or AccessLog()
        self.max_body = max_body
        self.max_voice_body = max_voice_body
        self.load = load
        self.security = SecurityHeaders(hsts_seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        sent = headers.get(b"x-request-id", b"").decode("latin-1")
        # 32 random hex digits, as uuid4().hex without making a UUID object for them.
        request_id = sent if _CLIENT_ID.fullmatch(sent) else os.urandom(16).hex()
        scope.setdefault("state", {})["request_id"] = request_id
        id_header = (b"x-request-id", request_id.encode())
        load, security, path = self.load, self.security, scope["path"]

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = message.get("headers", [])
                cached = any(name == b"cache-control" for name, _ in raw)
                message["headers"] = [*raw, id_header, *security.for_path(path, cached)]
                if load is not None and load.crowded():
                    message["headers"].append((b"connection", b"close"))
            await send(message)

        limit = self.max_voice_body if scope["method"] == "POST" and _VOICE_PATHS.fullmatch(
            path) else self.max_body
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or len(declared) > 19
                                     or int(declared) > limit):
            await _too_large(request_id, send_with_id, limit)
            return
        has_body = int(declared) > 0 if declared is not None else b"transfer-encoding" in headers
        if has_body and not is_json(headers.get(b"content-type")):
            await _send_json(send_with_id, 415, envelope(
                request_id, "unsupported_media_type",
                "send the request body as JSON (Content-Type: application/json)"))
            return
        received = 0
        started = False
        status = 500
        began = time.perf_counter()
        if load is not None:
            load.started()  # counted out in `finally` below, whatever happens in between

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started, status
            if message["type"] == "http.response.start":
                started, status = True, int(message["status"])
            await send_with_id(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except PayloadTooLarge:
            status = 413
            if not started:
                await _too_large(request_id, send_with_id, limit)
        except Exception as error:
            if database_unavailable(error):
                # A database restart or failover: say so, and when to try again. A client
                # retrying with its Idempotency-Key cannot move money twice.
                log.warning("database unavailable", extra={"request_id": request_id})
                status = 503
                if not started:
                    await _send_json(send_with_id, 503, envelope(
                        request_id, "database_unavailable",
                        "the database is unavailable; retry shortly"), {"retry-after": "1"})
                return
            # Handled here, inside the request-id wrapper, so even a 500 carries X-Request-Id;
            # the stack trace goes to the log, never to the client.
            log.exception("unhandled error", extra={"request_id": request_id})
            status = 500
            if not started:
                await _send_json(send_with_id, 500, envelope(
                    request_id, "internal_error",
                    "something went wrong on our side; quote the request id"))
        finally:
            if load is not None:
                load.finished()
            self.access_log(scope, request_id, status, time.perf_counter() - began)


async def _too_large(request_id: str, send: Any, limit: int) -> None:
    await _send_json(send, 413, envelope(request_id, "payload_too_large",
                                         f"the request body is larger than {limit} bytes",
                                         {"max_bytes": limit}))


async def _send_json(send: Any, status: int, content: dict[str, Any],
                     extra_headers: dict[str, str] | None = None) -> None:
    body = json.dumps(content).encode()
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra_headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
