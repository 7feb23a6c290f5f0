"""Hold an HTTP answer to what /openapi.json says that operation answers, with jsonschema: a
schema the answers do not keep is a test failure, not a document clients learn to distrust."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx2 as httpx
from jsonschema import Draft202012Validator
from starlette.testclient import TestClient


def documented_schema(document: Mapping[str, Any], method: str, path: str, status: int,
                      media_type: str = "application/json") -> dict[str, Any]:
    """The schema documented for this answer: by its status, else `4XX`, else `default`."""
    responses = document["paths"][path][method.lower()]["responses"]
    assert status >= 300 or str(status) in responses, (method, path, status, "undocumented")
    found = (responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
             or responses["default"])
    while "$ref" in found:  # #/components/responses/Error
        found = _pointer(document, found["$ref"])
    content = found.get("content")
    assert content and media_type in content, (method, path, status, media_type, found)
    return dict(content[media_type]["schema"])


def validator(document: Mapping[str, Any], schema: Mapping[str, Any]) -> Draft202012Validator:
    """A validator for one schema whose `$ref`s point into the document (#/components/...):
    the schema is checked with the document's components beside it. Formats are checked too
    (uuid, date)."""
    whole = {**schema, "components": document["components"]}
    Draft202012Validator.check_schema(whole)
    return Draft202012Validator(whole, format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_documented(source: TestClient | Mapping[str, Any], method: str, path: str,
                      response: httpx.Response) -> None:
    """`response` (to `method` on the document's `path` template, e.g. /api/v1/transfers/
    {transfer_id}) is what the document promises: a documented status, a documented media
    type, a body its schema accepts; a 204 has no body."""
    document = source.get("/openapi.json").json() if isinstance(source, TestClient) else source
    if response.status_code == 204:
        assert response.content == b"", (method, path)
        return
    media_type = response.headers["content-type"].split(";")[0].strip()
    schema = documented_schema(document, method, path, response.status_code, media_type)
    body = response.json() if media_type == "application/json" else response.text
    errors = sorted(validator(document, schema).iter_errors(body), key=lambda e: list(e.path))
    assert not errors, (method, path, response.status_code,
                        [f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5]])


def _pointer(document: Mapping[str, Any], ref: str) -> Any:
    found: Any = document
    for part in ref.removeprefix("#/").split("/"):
        found = found[part.replace("~1", "/").replace("~0", "~")]
    return found
