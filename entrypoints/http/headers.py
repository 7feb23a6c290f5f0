"""What every response says about itself (OWASP REST Security Cheat Sheet, "Security headers"),
and what request bodies the API reads: JSON only. Made once; the middleware only appends."""

from __future__ import annotations

from entrypoints.http.web.paths import PATHS as APP_PATHS

Header = tuple[bytes, bytes]

# A JSON API is never framed, sniffed, cached or a referrer; no content of it may load anything.
_COMMON: list[Header] = [(b"x-content-type-options", b"nosniff"),
                         (b"x-frame-options", b"DENY"),
                         (b"referrer-policy", b"no-referrer")]
_NO_STORE: Header = (b"cache-control", b"no-store")  # balances and tokens stay off disks
_API_POLICY: Header = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
# A page (/docs: Swagger UI) runs scripts and styles from this server only, never inline ones,
# and calls this server only; images may be inline data (the style sheet's icons).
_PAGE_POLICY: Header = (b"content-security-policy",
                        b"default-src 'none'; script-src 'self'; style-src 'self'; "
                        b"img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
                        b"form-action 'none'; frame-ancestors 'none'")
PAGES = frozenset({"/docs"})
# The web app (entrypoints/http/web): its own scripts, styles and images, nothing inline, and
# its script may call only this origin.
_APP_POLICY: Header = (b"content-security-policy",
                       b"default-src 'none'; script-src 'self'; style-src 'self'; "
                       b"img-src 'self'; connect-src 'self'; form-action 'self'; "
                       b"base-uri 'none'; frame-ancestors 'none'")

_JSON = frozenset({b"application/json", b"application/json; charset=utf-8",
                   b"application/json;charset=utf-8", b"application/json; charset=UTF-8"})


class SecurityHeaders:
    """The headers for a path: `for_path(path, cached)`, where `cached` says the response set
    its own Cache-Control. HSTS only when served over TLS (`hsts_seconds` > 0): sent over plain
    HTTP it would be ignored, and behind a TLS proxy the proxy may send it instead."""

    def __init__(self, hsts_seconds: int = 0) -> None:
        common = list(_COMMON)
        if hsts_seconds > 0:
            common.append((b"strict-transport-security",
                           f"max-age={hsts_seconds}; includeSubDomains".encode()))
        policies = (_API_POLICY, _PAGE_POLICY, _APP_POLICY)
        self._lists = {(kind, cached): [*common, policy, *([] if cached else [_NO_STORE])]
                       for kind, policy in enumerate(policies) for cached in (False, True)}
        # One exact lookup per response: 0 the API, 1 a page for people, 2 the web app.
        self._kinds = {**dict.fromkeys(PAGES, 1), **dict.fromkeys(APP_PATHS, 2)}

    def for_path(self, path: str, cached: bool) -> list[Header]:
        return self._lists[self._kinds.get(path, 0), cached]


def is_json(content_type: bytes | None) -> bool:
    """`application/json`, with at most a `charset=utf-8` parameter (any case, any spacing)."""
    if content_type is None:
        return False
    if content_type in _JSON:
        return True
    media, *parameters = content_type.decode("latin-1").lower().split(";")
    return media.strip() == "application/json" and all(
        p.strip().replace('"', "") == "charset=utf-8" for p in parameters)
