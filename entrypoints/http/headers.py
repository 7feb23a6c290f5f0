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
# A page (/docs: Swagger UI) runs scripts and styles from this server only, never inline ones,
# and calls this server only; images may be inline data (the style sheet's icons).
_PAGE_POLICY: Header = (b"content-security-policy",
                        b"default-src 'none'; script-src 'self'; style-src 'self'; "
                        b"img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
                        b"form-action 'none'; frame-ancestors 'none'")
PAGES = frozenset({"/docs"})

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

    def for_path(self, path: str, cached: bool) -> list[Header]:
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
