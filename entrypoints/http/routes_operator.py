"""Operator endpoints."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from domain.permissions import Permission
from entrypoints.http import response_schemas as shapes
from entrypoints.http import views
from entrypoints.http.auth import requires, returns, services
from entrypoints.http.offload import offload
from entrypoints.http.query import page_cursor, page_limit, reads
from entrypoints.http.responses import JSONResponse


@returns(shapes.AUDIT_PAGE)
@reads("limit", "cursor")
@requires(Permission.READ_AUDIT)
async def audit(request: Request) -> Response:
    """The hash-chained audit trail, newest first."""
    page = await offload(
        services(request).audit.execute, limit=page_limit(request),
        before=page_cursor(request))
    return JSONResponse({"items": [views.audit_event(e) for e in page.items],
                         "next_cursor": views.encode_cursor(page.next_before)})


routes = [Route("/operator/audit", audit, methods=["GET"])]
