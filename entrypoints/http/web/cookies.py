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


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def set_session(request: Request, response: Response, access_token: str, refresh_token: str,
                csrf_token: str) -> None:
    """The session's cookies on `response`; Secure when the page came over HTTPS (behind a TLS
    proxy that says so with X-Forwarded-Proto, as `vaani serve` trusts it)."""
    secure = request.url.scheme == "https"
    response.set_cookie(ACCESS, access_token, path="/", secure=secure, httponly=True,
                        samesite="strict")
    response.set_cookie(REFRESH, refresh_token, path=REFRESH_PATH, secure=secure,
                        httponly=True, samesite="strict")
    # Readable by the page's script (it echoes it in X-CSRF-Token), by no other site.
    response.set_cookie(CSRF, csrf_token, path="/", secure=secure, httponly=False,
                        samesite="strict")


def clear_session(request: Request, response: Response) -> None:
    secure = request.url.scheme == "https"
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
