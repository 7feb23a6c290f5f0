"""/docs: Swagger UI, a page for people to read the OpenAPI document and try requests, served
whole from this package (entrypoints/http/docs_assets: swagger-ui-dist 5.36.0 from npm, its
Apache-2.0 LICENSE and NOTICE beside it), so it works offline and under a Content-Security-
Policy that lets the page load scripts and styles from this server only: no CDN, no inline
script (the initializer is docs.js)."""

from __future__ import annotations

import functools
import html
from importlib import resources

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from entrypoints.http.auth import public, returns
from entrypoints.http.schema_builders import STRING

ASSETS_PATH = "/docs/assets"
JAVASCRIPT = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"
# Only these names are served: nothing else in the folder (or beside it) can be asked for.
ASSETS = {"swagger-ui-bundle.js": JAVASCRIPT, "swagger-ui.css": CSS, "docs.js": JAVASCRIPT}
# The files change only with a release; an hour spares a reader the 2 MB on every visit.
CACHE = "public, max-age=3600"


def page(title: str, version: str) -> str:
    """The HTML of /docs: the style sheet and two scripts, all from ASSETS_PATH."""
    name = html.escape(f"{title} {version}")
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{name}</title><link rel='icon' href='data:,'>"
            f"<link rel='stylesheet' href='{ASSETS_PATH}/swagger-ui.css'></head><body>"
            "<noscript><p>This page needs JavaScript; the API's description is "
            "<a href='/openapi.json'>/openapi.json</a> (OpenAPI 3.1).</p></noscript>"
            "<div id='swagger-ui'></div>"
            f"<script src='{ASSETS_PATH}/swagger-ui-bundle.js'></script>"
            f"<script src='{ASSETS_PATH}/docs.js'></script></body></html>")


@functools.cache
def _read(name: str) -> bytes:
    return (resources.files("entrypoints.http") / "docs_assets" / name).read_bytes()


@returns(STRING, "text/css")
@returns(STRING, "text/javascript")
@public
async def docs_asset(request: Request) -> Response:
    """A script or style sheet of the /docs page (Swagger UI), by name."""
    name = request.path_params["name"]
    media_type = ASSETS.get(name)
    if media_type is None:
        raise HTTPException(404, "no such file of the /docs page")
    return Response(_read(name), headers={"content-type": media_type, "cache-control": CACHE})
