"""The OpenAPI 3.1 document, generated from the route table and the request classes the
converter structures, so the contract cannot drift from the code. Also a plain HTML page."""

from __future__ import annotations

import datetime as dt
import enum
import html
import inspect
import types
import typing
from typing import Any, Literal, get_args, get_origin

import attrs
from starlette.routing import Mount, Route

from domain.money import Money
from entrypoints.http.response_schemas import components

RENAMED = {"from_": "from"}  # Python keywords spelled differently in JSON (see converters.py)
ERROR = {"$ref": "#/components/responses/Error"}
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


def _success(endpoint: Any, method: str) -> dict[str, Any]:
    """The success status (and any `also`) with the body `returns` declared: none for a 204."""
    success: dict[str, Any] = {"description": "success"}
    content = getattr(endpoint, "content", None)
    if content:
        success["content"] = {media: {"schema": schema} for media, schema in content.items()}
    status = getattr(endpoint, "status", SUCCESS[method])
    return {code: success for code in (status, *getattr(endpoint, "also", ()))}


def build(routes: list[Any], version: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for path, route in _routes(routes):
        endpoint = route.endpoint
        roles = getattr(endpoint, "roles", ())
        for method in sorted((route.methods or set()) - {"HEAD"}):
            operation: dict[str, Any] = {
                "operationId": f"{method.lower()}_{endpoint.__name__}",
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
            "responses": {"Error": {"description": "the error envelope", "content": {
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
    rows = []
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            fields = ", ".join(body.get("schema", {}).get("properties", {}))
            rows.append(f"<tr><td><code>{method.upper()}</code></td><td><code>{html.escape(path)}"
                        f"</code></td><td>{html.escape(', '.join(op.get('x-roles', [])) or 'public')}"
                        f"</td><td>{html.escape(op['summary'])}</td><td>{html.escape(fields)}</td></tr>")
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Vaani API</title>"
            "<style>body{font-family:sans-serif;margin:2em}td,th{padding:4px 8px;"
            "border-bottom:1px solid #ddd;text-align:left}</style></head><body>"
            f"<h1>{html.escape(document['info']['title'])} {document['info']['version']}</h1>"
            "<p>Machine-readable: <a href='/openapi.json'>/openapi.json</a> (OpenAPI 3.1). "
            "Errors use the envelope {meta, error: {code, message, info}}.</p>"
            "<table><tr><th>method</th><th>path</th><th>roles</th><th>what it does</th>"
            "<th>body fields</th></tr>" + "".join(rows) + "</table></body></html>")
