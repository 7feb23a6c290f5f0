"""/docs in a real browser: Debian's chromium, headless, driven through chromedriver's W3C
WebDriver protocol (plain HTTP, nothing downloaded), against a live `vaani serve`. Swagger UI
renders the document under the page's Content-Security-Policy with no console error (a refused
script, style or request is one), takes a bearer token through Authorize and tries a request."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from tests.conftest import TEST_ENV
from tests.support.live_server import LiveServer, free_port

pytestmark = pytest.mark.slow
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C key of an element reference
ACCOUNTS = "#operations-default-get_accounts"


class Browser:
    """One headless chromium session; `wait` polls a bounded number of times, not a clock."""

    def __init__(self, driver: str) -> None:
        options = {"binary": shutil.which("chromium"), "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,2000"]}
        answer = httpx.post(f"{driver}/session", timeout=120, json={"capabilities": {
            "alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options,
                            "goog:loggingPrefs": {"browser": "ALL"}}}})
        self.session = f"{driver}/session/{answer.json()['value']['sessionId']}"

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        answer = httpx.request(method, self.session + path, json=body, timeout=120)
        assert answer.status_code == 200, answer.text[:500]
        return answer.json()["value"]

    def all(self, css: str) -> list[dict[str, str]]:
        found: list[dict[str, str]] = self.call("POST", "/elements", {
            "using": "css selector", "value": css})
        return found

    def wait(self, css: str, tries: int = 600) -> list[dict[str, str]]:
        for _ in range(tries):
            found = self.all(css)
            if found:
                return found
            time.sleep(0.2)
        raise AssertionError(f"never shown: {css}")

    def click(self, css: str) -> None:
        self.call("POST", f"/element/{self.wait(css)[0][ELEMENT]}/click", {})

    def type(self, css: str, text: str) -> None:
        self.call("POST", f"/element/{self.wait(css)[0][ELEMENT]}/value", {"text": text})

    def text(self, element: dict[str, str]) -> str:
        return str(self.call("GET", f"/element/{element[ELEMENT]}/text"))


@pytest.fixture
def browser() -> Iterator[Browser]:
    # make test installs them (.ci/ensure-chromium): missing, the page is untested, not skipped.
    assert shutil.which("chromium") and shutil.which("chromedriver"), \
        "Debian's chromium and chromium-driver are missing: run .ci/ensure-chromium"
    port = free_port()
    driver = subprocess.Popen(["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{base}/status")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        session = Browser(base)
        yield session
        httpx.delete(session.session, timeout=60)
    finally:
        driver.terminate()
        driver.wait(30)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[LiveServer, dict[str, Any]]]:
    server = LiveServer({**TEST_ENV, "VAANI_DATABASE_URL": f"sqlite:///{tmp_path / 'docs.db'}"})
    seeded = server.cli("seed", "demo", "--json")
    assert seeded.returncode == 0, seeded.stderr
    server.start()
    try:
        yield server, json.loads(seeded.stdout)["customers"][0]
    finally:
        server.stop()


def test_swagger_ui_renders_authorizes_and_tries_a_request(
        live: tuple[LiveServer, dict[str, Any]], browser: Browser) -> None:
    server, asha = live
    token = httpx.post(f"{server.base}/api/v1/auth/login", json={
        "customer_number": asha["customer_number"], "method": "password",
        "password": asha["password"]}).json()["access_token"]
    browser.call("POST", "/url", {"url": f"{server.base}/docs"})
    browser.wait(ACCOUNTS)
    document = httpx.get(f"{server.base}/openapi.json").json()
    assert len(browser.all(".opblock")) == sum(len(ops) for ops in document["paths"].values())
    browser.click("button.authorize")
    browser.type(".auth-container input", token)
    browser.click(".auth-btn-wrapper button.authorize")
    assert "Authorized" in browser.text(browser.wait(".auth-container")[0])
    browser.click(".auth-btn-wrapper button.btn-done")
    browser.click(f"{ACCOUNTS} .opblock-summary-control")
    browser.click(f"{ACCOUNTS} .try-out__btn")
    browser.click(f"{ACCOUNTS} button.execute")
    browser.wait(f"{ACCOUNTS} .live-responses-table .microlight")
    statuses = [browser.text(e) for e in browser.all(
        f"{ACCOUNTS} .live-responses-table .response-col_status")]
    assert statuses == ["Code", "200"]
    body = browser.text(browser.all(f"{ACCOUNTS} .live-responses-table .microlight")[0])
    assert asha["accounts"][0]["account_number"] in body
    console = browser.call("POST", "/se/log", {"type": "browser"})
    assert [e for e in console if e["level"] in ("SEVERE", "WARNING")] == [], console
