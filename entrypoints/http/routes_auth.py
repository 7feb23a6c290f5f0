"""Sign-up and log-in."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from application.use_cases import RegisterCommand
from domain.errors import ValidationError
from entrypoints.converters import structure
from entrypoints.http import views
from entrypoints.http.request_body import json_body
from entrypoints.http.responses import JSONResponse
from entrypoints.http.schemas import LoginBody, RegisterBody
from entrypoints.http.services import Services


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def register(request: Request) -> Response:
    body = structure(await json_body(request), RegisterBody)
    customer = await run_in_threadpool(_services(request).register.execute, RegisterCommand(
        first_name=body.first_name, last_name=body.last_name, email=body.email,
        phone_number=body.phone_number, password=body.password,
        date_of_birth=body.date_of_birth, preferred_language=body.preferred_language,
    ))
    return JSONResponse(views.customer(customer), 201)


async def login(request: Request) -> Response:
    body = structure(await json_body(request), LoginBody)
    if body.method != "password":
        raise ValidationError("voice login is not available yet; use method \"password\"",
                              field="method")
    if body.password is None:
        raise ValidationError("password is required for method \"password\"", field="password")
    result = await run_in_threadpool(_services(request).log_in.execute, body.customer_number,
                                     body.password)
    payload: dict[str, Any] = {
        "access_token": result.access_token, "token_type": "bearer",
        "expires_in": result.expires_in, "customer": views.customer(result.customer),
    }
    return JSONResponse(payload, 200, {"Cache-Control": "no-store"})


routes = [
    Route("/auth/register", register, methods=["POST"]),
    Route("/auth/login", login, methods=["POST"]),
]
