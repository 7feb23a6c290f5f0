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
private, link-local or other non-public address is not sent to (the rule:
adapters/system/public_addresses.py). The name lookup counts in the try's timeout, and a plain
http endpoint is not sent to unless http is allowed now, whenever it was registered."""

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
from collections.abc import Callable
from urllib.parse import urlsplit

from adapters.system.public_addresses import is_public
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


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system's resolver answers for `host`, in its order."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


class HttpWebhookSender:
    """`private_networks`: endpoints may resolve to non-public addresses; `allow_http`: plain
    http endpoints are sent to (checked at each try: an endpoint registered while http was
    allowed gets nothing once it is not); `resolve`: the name lookup (the system's resolver;
    tests give their own)."""

    def __init__(self, *, private_networks: bool = False, allow_http: bool = False,
                 resolve: Callable[[str, int], list[str]] = system_resolver) -> None:
        self._tls = ssl.create_default_context()
        self._private_networks = private_networks
        self._allow_http = allow_http
        self._resolve = resolve

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
        if parts.scheme != "https" and not (self._allow_http and parts.scheme == "http"):
            return AttemptResult(None, 0, "the endpoint is not https, and only https is sent "
                                          "to (VAANI_WEBHOOK_ALLOW_HTTP=1 allows http)")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            address = self._address(parts.hostname or "", port, timeout)
        except LookupLate:
            return AttemptResult(None, _ms_since(started),
                                 "the endpoint's name did not resolve within the timeout")
        except (OSError, UnicodeError, ValueError) as error:  # no such name, or refused
            return AttemptResult(None, _ms_since(started), _reason(error))
        left = timeout - (time.monotonic() - started)  # the lookup counts in the try's time
        if left <= 0:
            return AttemptResult(None, _ms_since(started), "no answer within the timeout")
        connection: http.client.HTTPConnection = (
            http.client.HTTPSConnection(parts.hostname or "", parts.port, timeout=left,
                                        context=self._tls)
            if parts.scheme == "https" else
            http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=left))
        # To the address checked; the Host header and the certificate's name stay the URL's.
        connection._create_connection = (  # type: ignore[attr-defined]
            lambda _, wait, source=None: socket.create_connection((address, port), wait, source))
        # The socket's timeout bounds each wait, not the whole try: an endpoint that drips its
        # answer a byte at a time is cut off at `timeout` all told, so a try ends within its
        # lease and no second dispatcher sends the same message meanwhile.
        watchdog = threading.Timer(left, _cut, args=(connection,))
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

    def _address(self, host: str, port: int, timeout: float) -> str:
        """The address to connect to: the first the name resolves to, every one of them public
        unless private networks are allowed (a name with one private answer among public ones
        is refused too: which one a connection would get is not ours to choose)."""
        found = _within(timeout, lambda: self._resolve(host, port))
        if not found:
            raise OSError(f"{host} resolves to no address")
        if not self._private_networks and not all(is_public(text) for text in found):
            # Which address is not said: the delivery log is no map of the bank's network.
            raise PrivateAddress(f"{host} resolves to a non-public address "
                                 "(VAANI_WEBHOOK_PRIVATE_NETWORKS=1 allows it)")
        return found[0]


class PrivateAddress(ValueError):
    """The endpoint's name resolves to an address inside a private network."""


class LookupLate(Exception):
    """The name lookup did not answer within the try's timeout."""


def _within(timeout: float, lookup: Callable[[], list[str]]) -> list[str]:
    """`lookup`'s answer, or LookupLate once `timeout` has passed without one. The system's
    resolver takes no timeout (its own, from resolv.conf, can be many times the try's), so it
    runs in a thread of its own, left to finish by itself when it is late."""
    answer: list[list[str] | Exception] = []
    done = threading.Event()

    def run() -> None:
        try:
            answer.append(lookup())
        except Exception as error:  # handed to the try, which reports it
            answer.append(error)
        finally:
            done.set()

    threading.Thread(target=run, name="webhook-name-lookup", daemon=True).start()
    if not done.wait(timeout):
        raise LookupLate
    if isinstance(answer[0], Exception):
        raise answer[0]
    return answer[0]


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
    if isinstance(error, PrivateAddress):  # the bank's own words: no class name needed
        return str(error)
    return f"{type(error).__name__}: {error}"  # AttemptResult makes it printable and short
