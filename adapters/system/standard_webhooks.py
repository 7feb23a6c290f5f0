"""Webhooks as the Standard Webhooks specification has them (standardwebhooks.com): a secret is
`whsec_` and the base64 of 32 random bytes; each message carries `webhook-id`,
`webhook-timestamp` (Unix seconds) and `webhook-signature`: `v1,` and the base64 of
HMAC-SHA256(key, "{id}.{timestamp}.{body}"), one per secret, separated by spaces.

Sent with the standard library's http.client: one connection per try, certificate checked on
https, never a redirect followed (a 3xx is a failure: the endpoint's address is the one staff
registered), at most 64 KiB of the answer read."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import secrets
import ssl
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
        try:
            connection.request("POST", target, body=body.encode(), headers=headers)
            answer = connection.getresponse()
            answer.read(ANSWER_READ)
            status = answer.status
        except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out
            return AttemptResult(None, _ms_since(started), _reason(error))
        finally:
            connection.close()
        elapsed = _ms_since(started)
        if 200 <= status < 300:
            return AttemptResult(status, elapsed)
        return AttemptResult(status, elapsed, f"the endpoint answered {status}")


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _reason(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "no answer within the timeout"
    return f"{type(error).__name__}: {error}"[:300]
