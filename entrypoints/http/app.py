"""The Starlette application, built in one constructor call from a wired container."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import punq
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from domain.errors import DomainError
from entrypoints.http import (
    routes_accounts,
    routes_auth,
    routes_beneficiaries,
    routes_cards,
    routes_devices,
    routes_operator,
    routes_transfers,
    routes_upi,
)
from entrypoints.http.auth import public
from entrypoints.http.middleware import RequestContextMiddleware
from entrypoints.http.responses import JSONResponse, error_response, on_domain_error, on_http_error
from entrypoints.http.services import Services

API_PREFIX = "/api/v1"


@public
async def health(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


@public
async def ready(request: Request) -> Response:
    services: Services = request.app.state.services
    if await run_in_threadpool(services.uow_factory.ping):
        return JSONResponse({"status": "ready"})
    return error_response(request, 503, "not_ready", "the database does not answer")


def create_app(container: punq.Container) -> Starlette:
    services = Services.from_container(container)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        services.uow_factory.close()  # graceful shutdown: return pooled connections

    app = Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/ready", ready, methods=["GET"]),
            Mount(API_PREFIX, routes=[*routes_auth.routes, *routes_accounts.routes,
                                     *routes_upi.routes, *routes_operator.routes,
                                     *routes_devices.routes, *routes_transfers.routes,
                                     *routes_beneficiaries.routes, *routes_cards.routes]),
        ],
        middleware=[Middleware(RequestContextMiddleware)],
        exception_handlers={DomainError: on_domain_error, HTTPException: on_http_error},
        lifespan=lifespan,
    )
    app.state.services = services
    return app
