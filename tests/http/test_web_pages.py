"""The web app's pages come from the package under a strict Content-Security-Policy: no inline
script or style, nothing from another origin, and only the named files are served."""

from __future__ import annotations

import re

import punq
from starlette.routing import Route
from starlette.testclient import TestClient

from entrypoints.http.app import create_app
from entrypoints.http.web.paths import ASSETS, PATHS
from tests.http.test_errors_and_headers import assert_envelope


def test_the_pages_are_served_with_a_strict_policy_and_nothing_inline(client: TestClient) -> None:
    for path in ("/app", "/app/operator"):
        page = client.get(path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        policy = page.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "default-src 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy and page.headers["x-frame-options"] == "DENY"
        html = page.text
        assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []  # no inline script
        assert " style=" not in html and "<style" not in html and " on" + "click=" not in html
        assert "http://" not in html and "https://" not in html and "//cdn" not in html
        for asset in re.findall(r'(?:src|href)="(/app/static/[^"]+)"', html):
            served = client.get(asset)
            assert served.status_code == 200, asset
            assert served.headers["content-security-policy"] == policy


def test_assets_have_their_types_and_only_named_files_are_served(client: TestClient) -> None:
    kinds = {"app.css": "text/css", "app.js": "text/javascript", "common.js": "text/javascript",
             "pay.js": "text/javascript", "operator.js": "text/javascript",
             "logo.svg": "image/svg+xml"}
    for name, kind in kinds.items():
        assert client.get(f"/app/static/{name}").headers["content-type"].startswith(kind)
    for name in ("index.html", "..%2Fpages.py", "nothing.js", "%2e%2e%2f__init__.py"):
        assert_envelope(client.get(f"/app/static/{name}"), 404, "not_found")


def test_the_api_keeps_its_own_policy(client: TestClient) -> None:
    assert client.get("/health").headers["content-security-policy"] == \
        "default-src 'none'; frame-ancestors 'none'"


def test_every_web_app_path_gets_the_web_apps_policy(client: TestClient, bank: punq.Container
                                                     ) -> None:
    served = {r.path for r in create_app(bank).routes
              if isinstance(r, Route) and r.path.startswith("/app")}
    concrete = {p for p in served if "{" not in p} | {f"/app/static/{n}" for n in ASSETS}
    assert concrete == set(PATHS)
    answer = client.post("/app/session", json={"customer_number": "1", "password": "x"})
    assert answer.status_code == 401 and "script-src 'self'" in answer.headers[
        "content-security-policy"]
