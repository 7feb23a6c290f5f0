"""The OpenAPI 3.1 document, generated from the route table and the request classes the
converter structures, so the contract cannot drift from the code. Also the /docs page that
shows it (Swagger UI, docs_page.py)."""

from __future__ import annotations

import datetime as dt
import enum
import inspect
import re
import types
import typing
from collections.abc import Callable
from typing import Any, Literal, TypeVar, get_args, get_origin

import attrs
from starlette.routing import Mount, Route

from application.use_cases.postings import MAX_IDEMPOTENCY_KEY
from domain.money import Money
from entrypoints.http.docs_page import docs_asset as docs_asset  # app.py routes it from here
from entrypoints.http.docs_page import page
from entrypoints.http.response_schemas import components

RENAMED = {"from_": "from"}  # Python keywords spelled differently in JSON (see converters.py)
ERROR = {"$ref": "#/components/responses/Error"}
# Sent with a 429 (too many requests, or a voice attempt too soon) and a 503 (the database).
RETRY_AFTER = {"description": "seconds to wait before trying again (429, 503)",
               "schema": {"type": "string", "pattern": "^[0-9]+$"}}
REPLAYED = {"description": "this answer repeats the first one for its Idempotency-Key",
            "schema": {"type": "string", "enum": ["true"]}}
H = TypeVar("H", bound=Callable[..., Any])
SUCCESS = {"POST": "200", "GET": "200", "PUT": "200", "PATCH": "200", "DELETE": "204"}


def _schema(kind: Any) -> dict[str, Any]:
    origin = get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in get_args(kind) if a is not type(None)]
        inner = _schema(options[0]) if len(options) == 1 else {"anyOf": [_schema(a) for a in options]}
        return {"anyOf": [inner, {"type": "null"}]} if type(None) in get_args(kind) else inner
    if origin is Literal:
        return {"type": "string", "enum": list(get_args(kind))}
    if origin is list:
        return {"type": "array", "items": _schema(get_args(kind)[0])}
    if origin is dict:
        return {"type": "object", "additionalProperties": _schema(get_args(kind)[1])}
    if kind is Money:
        return {"$ref": "#/components/schemas/Money"}
    if inspect.isclass(kind) and issubclass(kind, enum.Enum):
        return {"type": "string", "enum": [m.value for m in kind]}
    if inspect.isclass(kind) and attrs.has(kind):
        return body_schema(kind)
    return {str: {"type": "string"}, bool: {"type": "boolean"}, int: {"type": "integer"},
            dt.date: {"type": "string", "format": "date"},
            dt.datetime: {"type": "string", "format": "date-time"}}.get(kind, {})


def body_schema(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    properties, required = {}, []
    for field in attrs.fields(cls):
        name = RENAMED.get(field.name, field.name)
        properties[name] = _schema(hints[field.name])
        if field.default is attrs.NOTHING:
            required.append(name)
    return {"type": "object", "properties": properties, "required": required,
            "additionalProperties": False}


def _routes(routes: list[Any], prefix: str = "") -> list[tuple[str, Route]]:
    found: list[tuple[str, Route]] = []
    for route in routes:
        if isinstance(route, Mount):
            found += _routes(list(route.routes), prefix + route.path)
        elif isinstance(route, Route):
            found.append((prefix + route.path, route))
    return found


def operation_id(method: str, path: str) -> str:
    """Unique by construction (OpenAPI requires it; handlers' names repeat across modules), and
    stable as routes come and go: the method and the path, e.g. post_accounts_account_number_transfer."""
    words = re.findall(r"[a-z0-9]+", re.sub(r"^/api/v\d+", "", path).lower())
    return "_".join([method.lower(), *words])


def _success(endpoint: Any, method: str) -> dict[str, Any]:
    """The success status (and any `also`) with the body `returns` declared: none for a 204."""
    success: dict[str, Any] = {"description": "success"}
    content = getattr(endpoint, "content", None)
    if content:
        success["content"] = {media: {"schema": schema} for media, schema in content.items()}
    status = getattr(endpoint, "status", SUCCESS[method])
    return {code: success for code in (status, *getattr(endpoint, "also", ()))}


def idempotent(replays: bool) -> Callable[[H], H]:
    """Declare that an endpoint reads an Idempotency-Key header, and with `replays` that a repeat
    is answered with the first answer and `Idempotent-Replayed: true`, for the document."""

    def mark(handler: H) -> H:
        handler.idempotent = replays  # type: ignore[attr-defined]
        return handler

    return mark


def _idempotency(endpoint: Any, responses: dict[str, Any]) -> list[dict[str, Any]]:
    """The Idempotency-Key parameter of an `idempotent` endpoint (none for others); its key
    reused with another body is a 409, and a replay says so in a header of its success."""
    replays = getattr(endpoint, "idempotent", None)
    if replays is None:
        return []
    responses["409"] = ERROR
    if replays:
        for status, answer in list(responses.items()):
            if status.startswith("2"):
                responses[status] = {**answer, "headers": {"Idempotent-Replayed": REPLAYED}}
    return [{"name": "Idempotency-Key", "in": "header", "required": False, "schema": {
        "type": "string", "minLength": 1, "maxLength": MAX_IDEMPOTENCY_KEY},
        "description": "Repeat a request with the same key and it takes effect once."}]


def build(routes: list[Any], version: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for path, route in _routes(routes):
        endpoint = route.endpoint
        roles = getattr(endpoint, "roles", ())
        for method in sorted((route.methods or set()) - {"HEAD"}):
            operation: dict[str, Any] = {
                "operationId": operation_id(method, path),
                "summary": (inspect.getdoc(endpoint) or endpoint.__name__).splitlines()[0],
                "responses": _success(endpoint, method) | {"default": ERROR},
            }
            if roles or getattr(endpoint, "body", None) or route.param_convertors:
                operation["responses"]["4XX"] = ERROR  # refused input or caller
            if roles:
                operation["security"] = [{"bearer": []}]
                operation["x-roles"] = [r.value for r in roles]
            body = getattr(endpoint, "body", None)
            if body is not None:
                operation["requestBody"] = {"required": True, "content": {
                    "application/json": {"schema": body_schema(body)}}}
                # A body that is not JSON, or too large, is refused before it is read.
                operation["responses"].update({"413": ERROR, "415": ERROR})
            params = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                      for p in route.param_convertors]
            params += [{"name": name, "in": "query", "required": False, "schema": schema}
                       for name, schema in getattr(endpoint, "query", {}).items()]
            params += _idempotency(endpoint, operation["responses"])
            if params:
                operation["parameters"] = params
            paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Vaani core banking API", "version": version},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "bearerFormat": "JWT"}},
            "schemas": components(),
            "responses": {"Error": {"description": "the error envelope", "headers": {
                "Retry-After": RETRY_AFTER}, "content": {
                "application/json": {"schema": {
                    "type": "object", "required": ["meta", "error"], "properties": {
                        "meta": {"type": "object"},
                        "error": {"type": "object", "required": ["code", "message", "info"],
                                  "properties": {"code": {"type": "string"},
                                                 "message": {"type": "string"},
                                                 "info": {"type": "object"}}}}}}}}},
        },
    }


def docs_page(document: dict[str, Any]) -> str:
    """The /docs page: Swagger UI on this document (docs_page.py serves its files)."""
    return page(document["info"]["title"], document["info"]["version"])
