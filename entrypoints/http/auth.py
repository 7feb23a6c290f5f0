"""Who is calling, and what each endpoint declares it needs: a role, or nothing (public)."""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from application.context import RequestContext
from application.use_cases import Principal
from domain.errors import Forbidden, Unauthorized
from domain.permissions import Permission, may, roles_with
from entrypoints.caller import acting_for, as_caller
from entrypoints.http.offload import offload
from entrypoints.http.services import Services
from entrypoints.http.web.cookies import cookie_access_token

Handler = Callable[[Request], Awaitable[Response]]
# A blocking endpoint's work: the request, its checked caller and its body.
BlockingHandler = Callable[[Request, Principal, bytes], Response]
R = TypeVar("R")


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def caller(request: Request) -> Principal:
    """The authenticated caller of a `requires(...)` endpoint."""
    principal: Principal = request.state.principal
    return principal


def client_address(request: Request) -> str | None:
    """The caller's IP address, or None. Behind a trusted proxy it comes from X-Forwarded-For,
    which a misconfigured proxy could pass on from the client: anything but an IP address is
    not believed (it would name a rate-limit bucket and fill the audit trail's column)."""
    host = request.client.host if request.client else None
    if host is None or len(host) > 45:
        return None
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return None
    return host


def context(request: Request, device_id: str | None = None) -> RequestContext:
    """What the audit trail records about this request."""
    principal: Principal | None = getattr(request.state, "principal", None)
    return RequestContext(
        actor_id=principal.customer_id if principal else None,
        ip=client_address(request),
        device_id=device_id or (principal.device_id if principal else None),
        request_id=request.scope.get("state", {}).get("request_id"),
    )


def requires(permission: Permission) -> Callable[[Handler], Handler]:
    """Declare (and enforce) the permission an endpoint needs (the roles granted it are in
    domain/permissions.py). The token's signature and expiry and then its session in the
    database are checked on every request; the handler then acts for the caller
    (entrypoints/caller.py), on the worker threads it offloads to too."""

    def wrap(handler: Handler) -> Handler:
        async def endpoint(request: Request) -> Response:
            token = _bearer_token(request)
            who = await offload(_authenticate, request, token, permission)
            with acting_for(who.customer_id):
                return await handler(request)

        return _declared(endpoint, handler, permission)

    return wrap


def requires_blocking(permission: Permission, reads_only: bool = False, short: bool = False,
                      reads_body: bool = False) -> Callable[[BlockingHandler], Handler]:
    """`requires` for an endpoint whose whole work is blocking: the caller check and the handler
    run one after the other where the dispatcher chosen at start-up runs request work
    (entrypoints/http/dispatch): one trip off the event loop instead of two, or none. The
    handler gets the request, its caller and the body, read on the loop (within the size
    limit) first. `reads_only`: it only reads, on the connection the check read on; `short`:
    a row or two to read, or one short write transaction; `reads_body`: a read that takes a
    body all the same (a statement's range)."""
    assert reads_only or not reads_body, "every write's handler gets its body"

    def wrap(handler: BlockingHandler) -> Handler:
        async def endpoint(request: Request) -> Response:
            token = _bearer_token(request)
            # A read's handler takes no body unless it asks (`reads_body`): one left unread is
            # dropped by the server.
            body = b"" if reads_only and not reads_body else await request.body()
            dispatch = services(request).dispatch

            def check() -> Principal:
                return _authenticate(request, token, permission)

            def work(who: Principal) -> Response:
                return as_caller(who.customer_id, handler, request, who, body)

            if reads_only:
                return await dispatch.read(lambda: work(check()), short=short)
            return await dispatch.write(check, work, short=short)

        return _declared(endpoint, handler, permission)

    return wrap


def _bearer_token(request: Request) -> str:
    """The bearer token, else the web app's session cookie (web/cookies.py: CSRF checked)."""
    header = request.headers.get("authorization")
    if header is None:
        from_cookie = cookie_access_token(request)
        if from_cookie is not None:
            return from_cookie
        header = ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send an access token: Authorization: Bearer <token>")
    return token.strip()


def _authenticate(request: Request, token: str, permission: Permission) -> Principal:
    """On a worker thread: the session is read from the database."""
    principal = services(request).authenticate.execute(token)
    if not may(principal.roles, permission):
        raise Forbidden("your role may not use this endpoint")
    request.state.principal = principal
    return principal


def _declared(endpoint: Handler, handler: Callable[..., object],
              permission: Permission) -> Handler:
    endpoint.permission = permission  # type: ignore[attr-defined]
    endpoint.roles = roles_with(permission)  # type: ignore[attr-defined]
    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint


def public(handler: Handler) -> Handler:
    """Declare an endpoint that needs no login (sign-up, log-in, refresh, health)."""
    handler.roles = ()  # type: ignore[attr-defined]
    return handler


def accepts(body: type, status: int | None = None) -> Callable[[Handler], Handler]:
    """Declare the request class an endpoint structures (and its success status), for the
    OpenAPI document; put it above `requires`/`public`."""

    def mark(handler: Handler) -> Handler:
        handler.body = body  # type: ignore[attr-defined]
        if status is not None:
            handler.status = str(status)  # type: ignore[attr-defined]
        return handler

    return mark


def answers(status: int) -> Callable[[Handler], Handler]:
    """Declare the success status of an endpoint without a body."""

    def mark(handler: Handler) -> Handler:
        handler.status = str(status)  # type: ignore[attr-defined]
        return handler

    return mark


def returns(schema: dict[str, Any], media_type: str = "application/json",
            also: tuple[int, ...] = ()) -> Callable[[Handler], Handler]:
    """Declare the body an endpoint's success answers with, for the OpenAPI document and the
    tests that hold every answer to it; put it above `requires`/`public`. Stacked, each names
    one more media type the caller may ask for; `also`: more success statuses with this body
    (202 for a transfer that is held)."""

    def mark(handler: Handler) -> Handler:
        content = getattr(handler, "content", {})
        handler.content = {**content, media_type: schema}  # type: ignore[attr-defined]
        if also:
            handler.also = tuple(str(s) for s in also)  # type: ignore[attr-defined]
        return handler

    return mark
