"""Who is calling, and what each endpoint declares it needs: a role, or nothing (public)."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response

from application.context import RequestContext
from application.ports import ReadWouldWait
from application.use_cases import Principal
from domain.customer import Role
from domain.errors import Forbidden, Unauthorized
from entrypoints.http.offload import offload
from entrypoints.http.quick_writes import QuickWrites, WorkerHandler
from entrypoints.http.services import Services

Handler = Callable[[Request], Awaitable[Response]]
R = TypeVar("R")
ANY_ROLE = (Role.CUSTOMER, Role.OPERATOR, Role.ADMIN)


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


def requires(*roles: Role) -> Callable[[Handler], Handler]:
    """Declare (and enforce) the roles an endpoint needs. The token's signature and expiry and
    then its session in the database are checked on every request."""

    def wrap(handler: Handler) -> Handler:
        async def endpoint(request: Request) -> Response:
            token = _bearer_token(request)
            await offload(_authenticate, request, token, roles)
            return await handler(request)

        return _declared(endpoint, handler, roles)

    return wrap


def requires_on_worker(*roles: Role, reads_only: bool = False, quick: bool = False
                       ) -> Callable[[WorkerHandler], Handler]:
    """`requires` for an endpoint whose whole work is blocking: the token and session check and
    the handler run one after the other on the same worker thread. Each trip to a worker costs
    the event loop a wake-up and the threads a turn at the GIL; the busiest endpoints make one
    trip instead of two. The handler gets the request, its caller and the body, read on the loop
    (within the size limit) before the trip. The session is read as a request read
    (`request_reads`); an endpoint that `reads_only` reads its answer on the same connection.
    A `quick` one (a row or two to read, or one short write transaction) makes no trip where
    the database lets the event loop read and write in place (`loop_reads`, `loop_writes`:
    SQLite); should a read there meet a lock, or a write find another writer at work, it goes
    to a worker thread after all."""

    def wrap(handler: WorkerHandler) -> Handler:
        async def endpoint(request: Request) -> Response:
            token = _bearer_token(request)
            # A read's handler takes no body: one left unread is dropped by the server.
            body = b"" if reads_only else await request.body()

            def read() -> Response:
                with services(request).uow_factory.request_reads():
                    return handler(request, _authenticate(request, token, roles), body)

            if quick and (in_place := services(request).uow_factory.loop_reads()) is not None:
                if reads_only:  # the session and the answer on one connection
                    answer = await _on_the_loop(in_place, lambda: handler(
                        request, _authenticate(request, token, roles), body))
                    if answer is not None:
                        return answer
                else:
                    written = await _quick_writes(request).write(
                        request, handler, body,
                        lambda: _on_the_loop(in_place, lambda: _authenticate(request, token, roles)))
                    if written is not None:
                        return written

            def write() -> Response:
                # The session check is a request read too; the handler's writes open their
                # own transaction once it has given the connection back.
                with services(request).uow_factory.request_reads():
                    who = _authenticate(request, token, roles)
                return handler(request, who, body)
            return await offload(read if reads_only else write)

        return _declared(endpoint, handler, roles)

    return wrap


async def _on_the_loop(in_place: AbstractContextManager[None], work: Callable[[], R]) -> R | None:
    """`work` on the event loop, reading in place (`loop_reads`); None if a read there would
    wait for a lock: then it is done again on a worker thread, where waiting blocks no one."""
    # One turn of the loop first: a request that never gave the loop back let other
    # connections wait (64 connections on one worker: p99 436 ms; with it, 73 ms, and
    # 2,334 -> 2,819 balances/s).
    await asyncio.sleep(0)
    try:
        with in_place:
            return work()
    except ReadWouldWait:
        return None


def _quick_writes(request: Request) -> QuickWrites:
    """This app's quick writes on the running loop (a test may run an app on several loops one
    after the other; an asyncio lock belongs to one)."""
    loop = asyncio.get_running_loop()
    found: tuple[asyncio.AbstractEventLoop, QuickWrites] | None = getattr(
        request.app.state, "quick_writes", None)
    if found is None or found[0] is not loop:
        found = request.app.state.quick_writes = (loop, QuickWrites(services(request).uow_factory))
    return found[1]


def _bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send an access token: Authorization: Bearer <token>")
    return token.strip()


def _authenticate(request: Request, token: str, roles: tuple[Role, ...]) -> Principal:
    """On a worker thread: the session is read from the database."""
    principal = services(request).authenticate.execute(token)
    if not set(roles) & set(principal.roles):
        raise Forbidden("your role may not use this endpoint")
    request.state.principal = principal
    return principal


def _declared(endpoint: Handler, handler: Callable[..., object], roles: tuple[Role, ...]) -> Handler:
    endpoint.roles = roles  # type: ignore[attr-defined]
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
