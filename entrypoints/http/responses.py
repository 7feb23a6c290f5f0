"""JSON responses and the error handlers that render the API.md envelope."""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError
from entrypoints.errors import envelope, http_status_of

# How every JSON answer is written; made once: json.dumps with options builds a new encoder on
# every call.
compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return compact_json(content).encode()


def request_id(request: Request) -> str:
    return str(request.scope.get("state", {}).get("request_id", "-"))


def error_response(request: Request, status: int, code: str, message: str,
                   info: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(envelope(request_id(request), code, message, info), status, headers)


async def on_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    headers: dict[str, str] | None = None
    if exc.code == "unauthorized":
        headers = {"WWW-Authenticate": "Bearer"}
    elif exc.code in ("rate_limited", "voice_attempt_too_soon"):
        headers = {"Retry-After": str(exc.info.get("retry_after", 60))}
    return error_response(request, http_status_of(exc), exc.code, exc.message, exc.info, headers)


_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large",
               415: "unsupported_media_type"}


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "validation_error" if exc.status_code < 500
                           else "internal_error")
    return error_response(request, exc.status_code, code, str(exc.detail))
