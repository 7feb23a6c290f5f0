"""Webhooks as the Standard Webhooks specification has them (standardwebhooks.com): a secret is
`whsec_` and the base64 of 32 random bytes; each message carries `webhook-id`,
`webhook-timestamp` (Unix seconds) and `webhook-signature`: `v1,` and the base64 of
HMAC-SHA256(key, "{id}.{timestamp}.{body}"), one per secret, separated by spaces.

Sent with the standard library's http.client: one connection per try, certificate checked on
https, never a redirect followed (a 3xx is a failure: the endpoint's address is the one staff
registered), at most 64 KiB of the answer read."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import http.client
import secrets
import socket
import ssl
import threading
import time
from urllib.parse import urlsplit

from domain.webhook import AttemptResult

PREFIX = "whsec_"
ANSWER_READ = 64 * 1024
USER_AGENT = "Vaani-Webhooks/1"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """The `v1,` signature of one message under one secret."""
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{message_id}.{timestamp}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


class HttpWebhookSender:
    def __init__(self) -> None:
        self._tls = ssl.create_default_context()

    def new_secret(self) -> str:
        return new_secret()

    def send(self, url: str, message_id: str, timestamp: int, body: str,
             secrets: list[str], timeout: float) -> AttemptResult:
        headers = {
            "content-type": "application/json", "user-agent": USER_AGENT,
            "webhook-id": message_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": " ".join(signature(s, message_id, timestamp, body)
                                          for s in secrets)}
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        started = time.monotonic()
        connection: http.client.HTTPConnection = (
            http.client.HTTPSConnection(parts.hostname or "", parts.port, timeout=timeout,
                                        context=self._tls)
            if parts.scheme == "https" else
            http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout))
        # The socket's timeout bounds each wait, not the whole try: an endpoint that drips its
        # answer a byte at a time is cut off at `timeout` all told, so a try ends within its
        # lease and no second dispatcher sends the same message meanwhile.
        watchdog = threading.Timer(timeout, _cut, args=(connection,))
        watchdog.daemon = True
        watchdog.start()
        try:
            connection.request("POST", target, body=body.encode(), headers=headers)
            answer = connection.getresponse()
            answer.read(ANSWER_READ)
            status = answer.status
        except (OSError, http.client.HTTPException, ValueError) as error:
            # refused, reset, timed out, cut off; a name the resolver cannot encode
            late = time.monotonic() - started >= timeout
            return AttemptResult(None, _ms_since(started),
                                 "no answer within the timeout" if late else _reason(error))
        finally:
            watchdog.cancel()
            connection.close()
        elapsed = _ms_since(started)
        if 200 <= status < 300:
            return AttemptResult(status, elapsed)
        return AttemptResult(status, elapsed, f"the endpoint answered {status}")


def _cut(connection: http.client.HTTPConnection) -> None:
    """Wake a try blocked on its socket: shut down, the socket answers the wait at once."""
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):  # closed meanwhile
            sock.shutdown(socket.SHUT_RDWR)


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _reason(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "no answer within the timeout"
    return f"{type(error).__name__}: {error}"[:300]
