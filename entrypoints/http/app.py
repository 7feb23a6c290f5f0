"""The Starlette application, built in one constructor call from a wired container."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import metadata
from typing import Any

import punq
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route

from domain.errors import DomainError
from entrypoints.http import (
    openapi,
    routes_account_opening,
    routes_accounts,
    routes_auth,
    routes_beneficiaries,
    routes_cards,
    routes_devices,
    routes_disputes,
    routes_events,
    routes_operator,
    routes_operator_customers,
    routes_password,
    routes_profile,
    routes_reminders,
    routes_reversals,
    routes_sign_up,
    routes_staff_proposals,
    routes_standing_orders,
    routes_teller,
    routes_totp,
    routes_transfers,
    routes_upi,
    routes_webhooks,
)
from entrypoints.http import response_schemas as shapes
from entrypoints.http.access_log import AccessLog, LineSink
from entrypoints.http.auth import public, returns
from entrypoints.http.middleware import RequestContextMiddleware
from entrypoints.http.offload import install_executors, offload, remove_executors
from entrypoints.http.responses import JSONResponse, error_response, on_domain_error, on_http_error
from entrypoints.http.services import Services
from entrypoints.http.web import pages as web_pages
from entrypoints.http.web import session as web_session
from entrypoints.http.worker_load import WorkerLoad

API_PREFIX = "/api/v1"


@returns(shapes.HEALTH)
@public
async def health(_: Request) -> Response:
    """The process is up (no dependencies checked)."""
    return JSONResponse({"status": "ok"})


@returns(shapes.READY)
@public
async def ready(request: Request) -> Response:
    """The database answers: 200, else 503."""
    services: Services = request.app.state.services
    if await offload(services.uow_factory.ping):
        return JSONResponse({"status": "ready"})
    return error_response(request, 503, "not_ready", "the database does not answer")


def _version() -> str:
    try:
        return metadata.version("vaani")
    except metadata.PackageNotFoundError:
        return "0"


def _prefixed(routes: list[Route]) -> list[Route]:
    """The API's routes under API_PREFIX, flat: a Mount is a router of its own that every
    request would walk through for nothing; the OpenAPI document still mounts them."""
    return [Route(API_PREFIX + r.path, r.endpoint, methods=sorted(r.methods or ()) or None,
                  name=r.name, include_in_schema=r.include_in_schema) for r in routes]


def _cors(origins: tuple[str, ...]) -> list[Middleware]:
    """Only the configured browser origins; credentials travel as bearer tokens. With none
    configured no browser page elsewhere may call the API, and no middleware is needed to say
    so (it would cost every request something for nothing)."""
    if not origins:
        return []
    return [Middleware(CORSMiddleware, allow_origins=list(origins),
                       allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                       allow_headers=["Authorization", "Content-Type", "Idempotency-Key",
                                      "X-Request-Id"],
                       expose_headers=["X-Request-Id", "Retry-After", "Idempotent-Replayed"],
                       max_age=600)]


def create_app(container: punq.Container, worker_load: WorkerLoad | None = None,
               access_lines: LineSink | None = None) -> Starlette:
    """The API; `worker_load`: this worker's slot when `vaani serve` runs several;
    `access_lines`: where the access log's lines go, if not to the `vaani.access` logger."""
    services = Services.from_container(container)
    document: dict[str, Any] = {}
    metered = None
    if services.settings.metrics.served:  # imported only then: docs/metrics.md
        from entrypoints.http.metrics.wiring import metered as metering
        metered = metering(container, services, access_lines)

    @returns(shapes.OPENAPI)
    @public
    async def openapi_json(_: Request) -> Response:
        """The OpenAPI 3.1 document of this API."""
        return JSONResponse(document)

    @returns(shapes.HTML, "text/html")
    @public
    async def docs(_: Request) -> Response:
        """A page for people listing every endpoint."""
        return HTMLResponse(openapi.docs_page(document))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        executors = install_executors(services.settings.http_threads,
                                      services.settings.http_heavy_threads)
        yield
        remove_executors(executors)
        services.uow_factory.close()  # graceful shutdown: return pooled connections
        if worker_load is not None:
            worker_load.close()
        if metered is not None:
            metered.close()

    service = [Route("/health", health, methods=["GET"]),
               Route("/ready", ready, methods=["GET"]),
               Route("/openapi.json", openapi_json, methods=["GET"]),
               Route("/docs/assets/{name}", openapi.docs_asset, methods=["GET"]),
               Route("/docs", docs, methods=["GET"])]
    web = [*web_session.routes, *web_pages.routes]  # the web app at /app (docs/web-app.md)
    api = [*routes_sign_up.routes, *routes_auth.routes, *routes_password.routes,
           *routes_totp.routes, *routes_accounts.routes, *routes_upi.routes,
           *routes_operator.routes, *routes_devices.routes, *routes_transfers.routes,
           *routes_beneficiaries.routes, *routes_cards.routes, *routes_reminders.routes,
           *routes_reversals.routes, *routes_disputes.routes, *routes_standing_orders.routes,
           *routes_teller.routes, *routes_account_opening.routes,
           *routes_operator_customers.routes, *routes_staff_proposals.routes, *routes_profile.routes,
           *routes_events.routes, *routes_webhooks.routes]
    # The router tries routes in order, paying for each miss, and no two paths here overlap: the API
    # goes first, the busiest endpoints at its head. The OpenAPI document keeps reading order.
    busiest = [*routes_accounts.routes, *routes_transfers.routes]
    app = Starlette(
        # /metrics stays out of the OpenAPI document: an operator's, there by configuration.
        routes=[*_prefixed([*busiest, *(r for r in api if r not in busiest)]), *service, *web,
                *([metered.route] if metered else [])],
        middleware=[Middleware(RequestContextMiddleware, load=worker_load,
                               access_log=metered.access_log if metered else AccessLog(access_lines),
                               hsts_seconds=services.settings.hsts_seconds),
                    *_cors(services.settings.cors_origins)],
        exception_handlers={DomainError: on_domain_error, HTTPException: on_http_error},
        lifespan=lifespan,
    )
    app.state.services = services
    document.update(openapi.build([*service, *web, Mount(API_PREFIX, routes=api)], _version()))
    return app
