"""What every response says about itself (OWASP REST Security Cheat Sheet, "Security headers"),
and what request bodies the API reads: JSON only. Made once; the middleware only appends."""

from __future__ import annotations

Header = tuple[bytes, bytes]

# A JSON API is never framed, sniffed, cached or a referrer; no content of it may load anything.
_COMMON: list[Header] = [(b"x-content-type-options", b"nosniff"),
                         (b"x-frame-options", b"DENY"),
                         (b"referrer-policy", b"no-referrer")]
_NO_STORE: Header = (b"cache-control", b"no-store")  # balances and tokens stay off disks
_API_POLICY: Header = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
# The /docs page is HTML with an inline style sheet, and nothing else.
_PAGE_POLICY: Header = (b"content-security-policy",
                        b"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
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
        self._lists = {(page, cached): [*common, _PAGE_POLICY if page else _API_POLICY,
                                        *([] if cached else [_NO_STORE])]
                       for page in (False, True) for cached in (False, True)}
        self._app = {cached: [*common, _APP_POLICY, *([] if cached else [_NO_STORE])]
                     for cached in (False, True)}

    def for_path(self, path: str, cached: bool) -> list[Header]:
        if path.startswith("/app"):
            return self._app[cached]
        return self._lists[path in PAGES, cached]


def is_json(content_type: bytes | None) -> bool:
    """`application/json`, with at most a `charset=utf-8` parameter (any case, any spacing)."""
    if content_type is None:
        return False
    if content_type in _JSON:
        return True
    media, *parameters = content_type.decode("latin-1").lower().split(";")
    return media.strip() == "application/json" and all(
        p.strip().replace('"', "") == "charset=utf-8" for p in parameters)
