"""/docs is Swagger UI served whole from the package: the page names only files of this server,
each of them is served with its type, nothing is fetched from anywhere else, and the document it
shows passes an OpenAPI validator."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from openapi_spec_validator import OpenAPIV31SpecValidator
from starlette.testclient import TestClient

EXTERNAL = re.compile(r"(?:https?:)?//", re.IGNORECASE)


class _References(HTMLParser):
    """Every URL the page makes the browser load: scripts, style sheets, icons, images."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.others: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            if found.get("src"):
                self.scripts.append(str(found["src"]))
            else:
                self.inline_scripts += 1
        elif tag == "link" and found.get("rel") == "stylesheet":
            self.styles.append(str(found["href"]))
        elif tag in ("link", "img", "iframe", "object", "embed") and (
                found.get("href") or found.get("src")):
            self.others.append(str(found.get("href") or found.get("src")))


def _references(client: TestClient) -> _References:
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    parsed = _References()
    parsed.feed(page.text)
    return parsed


def test_the_docs_page_is_swagger_ui_from_this_server_only(client: TestClient) -> None:
    page = client.get("/docs").text
    found = _references(client)
    assert "id='swagger-ui'" in page
    assert found.inline_scripts == 0 and "<style" not in page  # the policy forbids them
    assert found.scripts == ["/docs/assets/swagger-ui-bundle.js", "/docs/assets/docs.js"]
    assert found.styles == ["/docs/assets/swagger-ui.css"]
    assert found.others == ["data:,"]  # no favicon fetched from anywhere
    assert not EXTERNAL.search(page), page  # no other origin, not even protocol-relative


def test_every_file_the_page_names_is_served_with_its_type(client: TestClient) -> None:
    found = _references(client)
    wanted = [(url, "text/javascript") for url in found.scripts] + \
        [(url, "text/css") for url in found.styles]
    for url, media_type in wanted:
        served = client.get(url)
        assert served.status_code == 200, url
        assert served.headers["content-type"] == f"{media_type}; charset=utf-8", url
        assert served.headers["x-content-type-options"] == "nosniff"  # the type must be right
        assert served.headers["cache-control"] == "public, max-age=3600"
        assert len(served.content) > 500, url
    # The style sheet's own images are inline data, never another server's files.
    sheet = client.get(found.styles[0]).text
    assert all(u.startswith(("data:", '"data:')) for u in re.findall(r"url\(([^)]{0,8})", sheet))
    assert "@import" not in sheet


def test_the_initializer_reads_this_servers_document_and_sends_nothing_elsewhere(
        client: TestClient) -> None:
    start = client.get("/docs/assets/docs.js").text
    assert 'url: "/openapi.json"' in start
    assert "validatorUrl: null" in start  # else the bundle posts the document to swagger.io
    assert "persistAuthorization: false" in start  # a token never lands in localStorage
    assert not re.search(r"https?:", start)
    # The bundle is Swagger UI 5, the first that renders OpenAPI 3.1 (4.x refuses the document).
    bundle = client.get("/docs/assets/swagger-ui-bundle.js").text
    assert "isOAS31" in bundle
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1.")


def test_only_the_pages_own_files_are_served(client: TestClient) -> None:
    for name in ("LICENSE", "NOTICE", "swagger-ui-bundle.js.LICENSE.txt", "nothing.js",
                 "..%2F..%2Fapp.py", "%2E%2E%2Fopenapi.py", "docs.js%00"):
        refused = client.get(f"/docs/assets/{name}")
        assert refused.status_code == 404, name
        assert refused.json()["error"]["code"] == "not_found"
    assert client.get("/docs/assets/../app.py").status_code == 404


def test_the_authorize_button_has_a_bearer_scheme_to_offer(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    guarded = [op for ops in document["paths"].values() for op in ops.values() if "x-roles" in op]
    assert len(guarded) > 50
    assert all(op["security"] == [{"bearer": []}] for op in guarded)


def test_an_openapi_validator_passes_the_document(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    errors = [e.message for e in OpenAPIV31SpecValidator(document).iter_errors()]
    assert errors == []
    ids = [op["operationId"] for ops in document["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))  # handlers' names repeat across modules; these may not
    transfer = document["paths"]["/api/v1/accounts/{account_number}/transfer"]["post"]
    assert transfer["operationId"] == "post_accounts_account_number_transfer"
