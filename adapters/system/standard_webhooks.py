"""Webhooks as the Standard Webhooks specification has them (standardwebhooks.com): a secret is
`whsec_` and the base64 of 32 random bytes; each message carries `webhook-id`,
`webhook-timestamp` (Unix seconds) and `webhook-signature`: `v1,` and the base64 of
HMAC-SHA256(key, "{id}.{timestamp}.{body}"), one per secret, separated by spaces.

Sent with the standard library's http.client: one connection per try, certificate checked on
https, never a redirect followed (a 3xx is a failure: the endpoint's address is the one staff
registered), at most 64 KiB of the answer read. The name is resolved once per try and the
connection made to the address checked, never resolved again (a name that answers a public
address to the check and a private one to the connection cannot turn a webhook on the bank's own
network); unless private networks are allowed, an endpoint whose name resolves to any loopback,
private, link-local or other non-public address is not sent to."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import http.client
import ipaddress
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
    def __init__(self, *, private_networks: bool = False) -> None:
        self._tls = ssl.create_default_context()
        self._private_networks = private_networks

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
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            address = _address(parts.hostname or "", port, self._private_networks)
        except (OSError, UnicodeError, ValueError) as error:  # no such name, or refused
            return AttemptResult(None, _ms_since(started), _reason(error))
        connection: http.client.HTTPConnection = (
            http.client.HTTPSConnection(parts.hostname or "", parts.port, timeout=timeout,
                                        context=self._tls)
            if parts.scheme == "https" else
            http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout))
        # To the address checked; the Host header and the certificate's name stay the URL's.
        connection._create_connection = (  # type: ignore[attr-defined]
            lambda _, wait, source=None: socket.create_connection((address, port), wait, source))
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


class PrivateAddress(ValueError):
    """The endpoint's name resolves to an address inside a private network."""


def _address(host: str, port: int, private_networks: bool) -> str:
    """The address to connect to: the first the name resolves to, every one of them public
    unless private networks are allowed (a name with one private answer among public ones is
    refused too: which one a connection would get is not ours to choose)."""
    found = [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
    if not private_networks:
        for text in found:
            ip = ipaddress.ip_address(text.split("%", 1)[0])
            mapped = getattr(ip, "ipv4_mapped", None)
            if not (mapped or ip).is_global:
                raise PrivateAddress(f"{host} resolves to {text}, a non-public address "
                                     "(VAANI_WEBHOOK_PRIVATE_NETWORKS=1 allows it)")
    return str(found[0])


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
