"""The web app's cookie session: which cookies hold a session's tokens, how they are set and
cleared, and how an API request presents them instead of `Authorization: Bearer`.

The tokens sit in HttpOnly cookies, so no script (nor an injected one) can read them; SameSite=
Strict keeps other sites' pages from sending them; and a request that rides on them and could
change something must echo the CSRF cookie in a header (double submit), which only a page of this
origin can read."""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request
from starlette.responses import Response

from domain.errors import Forbidden
from entrypoints.http.web.paths import SESSION

ACCESS = "vaani_access"
REFRESH = "vaani_refresh"
CSRF = "vaani_csrf"
CSRF_HEADER = "x-csrf-token"
# The refresh token goes only where it is spent: the web app's refresh and sign-out.
REFRESH_PATH = SESSION
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def set_session(request: Request, response: Response, access_token: str, refresh_token: str,
                csrf_token: str) -> None:
    """The session's cookies on `response`, Secure unless the page came over plain HTTP to this
    machine itself (see `_secure`)."""
    secure = _secure(request)
    response.set_cookie(ACCESS, access_token, path="/", secure=secure, httponly=True,
                        samesite="strict")
    response.set_cookie(REFRESH, refresh_token, path=REFRESH_PATH, secure=secure,
                        httponly=True, samesite="strict")
    # Readable by the page's script (it echoes it in X-CSRF-Token), by no other site.
    response.set_cookie(CSRF, csrf_token, path="/", secure=secure, httponly=False,
                        samesite="strict")


def _secure(request: Request) -> bool:
    """A bank's pages are served over TLS, often by a proxy in front: when that proxy is not
    declared (VAANI_TRUSTED_PROXIES) its X-Forwarded-Proto is not believed and the request looks
    like plain HTTP, so only plain HTTP to a loopback address (a developer's `make run`, which
    browsers treat as a secure context) gets cookies without Secure."""
    return request.url.scheme == "https" or (request.url.hostname or "") not in LOOPBACK


def clear_session(request: Request, response: Response) -> None:
    secure = _secure(request)
    for name, path, httponly in ((ACCESS, "/", True), (REFRESH, REFRESH_PATH, True),
                                 (CSRF, "/", False)):
        response.delete_cookie(name, path=path, secure=secure, httponly=httponly,
                               samesite="strict")


def check_csrf(request: Request) -> None:
    """Refuse (403 forbidden) an unsafe request riding on the cookies whose X-CSRF-Token header
    is missing or differs from the CSRF cookie: another site's form or script cannot read it."""
    if request.method in SAFE_METHODS:
        return
    expected = request.cookies.get(CSRF, "")
    given = request.headers.get(CSRF_HEADER, "")
    if not expected or not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise Forbidden("this request uses the web app's session cookie: send its CSRF token "
                        "in the X-CSRF-Token header", reason="csrf_token")


def cookie_access_token(request: Request) -> str | None:
    """The access token from the session cookie (CSRF checked for an unsafe method), or None
    when there is no such cookie; only asked when no Authorization header came."""
    token = request.cookies.get(ACCESS)
    if not token:
        return None
    check_csrf(request)
    return token
