"""The web app's pages and assets, read once from the package (no build step, no CDN): /app, the
operator's /app/operator, and /app/static/{name}. Only the files named here are served."""

from __future__ import annotations

from importlib import resources

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from entrypoints.http.auth import public, returns
from entrypoints.http.schema_builders import STRING
from entrypoints.http.web.paths import ASSETS as _ASSETS

_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}


def _read(name: str) -> bytes:
    return resources.files("entrypoints.http.web").joinpath("static", name).read_bytes()


_FILES = {name: _read(name) for name in (*_ASSETS, "index.html", "operator.html")}


def _file(name: str) -> Response:
    kind = _TYPES[name[name.rindex("."):]]
    return Response(_FILES[name], 200, media_type=kind)


@returns(STRING, "text/html")
@public
async def app_page(_: Request) -> Response:
    """The customer web app (its views are chosen by the address's #fragment)."""
    return _file("index.html")


@returns(STRING, "text/html")
@public
async def operator_page(_: Request) -> Response:
    """The operator page: held transfers to approve or reject, and disputes."""
    return _file("operator.html")


@returns(STRING, "image/svg+xml")
@returns(STRING, "text/javascript")
@returns(STRING, "text/css")
@public
async def asset(request: Request) -> Response:
    """A style sheet, script or image of the web app, by name."""
    name = request.path_params["name"]
    if name not in _ASSETS:
        raise HTTPException(404, "no such file")
    return _file(name)


routes = [
    Route("/app", app_page, methods=["GET"]),
    Route("/app/operator", operator_page, methods=["GET"]),
    Route("/app/static/{name}", asset, methods=["GET"]),
]
