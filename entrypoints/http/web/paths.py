"""The web app's paths, named once: the assets pages.py serves and every path the security
headers give the web app's Content-Security-Policy (headers.py), looked up exactly, which costs
an API response no more than before."""

from __future__ import annotations

ASSETS = ("app.css", "common.js", "app.js", "pay.js", "operator.js", "logo.svg")
SESSION = "/app/session"
PATHS = frozenset({"/app", "/app/operator", SESSION, f"{SESSION}/second-factor",
                   f"{SESSION}/refresh", f"{SESSION}/logout",
                   *(f"/app/static/{name}" for name in ASSETS)})
