"""Passwords: change one's own, and reset a forgotten one with a code sent to one's contact."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from domain.permissions import Permission
from entrypoints.converters import structure
from entrypoints.http import response_schemas as shapes
from entrypoints.http.auth import accepts, caller, context, public, requires, returns, services
from entrypoints.http.offload import offload, offload_heavy
from entrypoints.http.request_body import json_body
from entrypoints.http.responses import JSONResponse
from entrypoints.http.routes_auth import NO_STORE, throttle_auth
from entrypoints.http.schemas import (
    PasswordChangeBody,
    PasswordResetBody,
    PasswordResetConfirmBody,
)


@accepts(PasswordChangeBody, 204)
@requires(Permission.OWN_LOGIN)
async def change_password(request: Request) -> Response:
    """Change the password with the current one; every other session ends, this one stays.

    The current password counts towards the login lockout as a login's does."""
    body = structure(await json_body(request), PasswordChangeBody)
    await offload_heavy(services(request).change_password.execute, caller(request),
                        body.current_password, body.new_password, context(request))
    return Response(status_code=204)


@returns(shapes.RESET_REQUESTED)
@accepts(PasswordResetBody, 202)
@public
async def request_reset(request: Request) -> Response:
    """Ask for a reset code by customer number; the same answer whether or not it exists.

    A single-use code (15 minutes) goes to the customer's own contact, never in this answer."""
    await throttle_auth(request)
    body = structure(await json_body(request), PasswordResetBody)
    policy = services(request).settings.auth
    await offload(services(request).throttle.execute,
                  [(f"password-reset:{body.customer_number[:64]}", policy.logins_per_customer)])
    await offload(services(request).request_reset.execute, body.customer_number,
                  context(request))
    return JSONResponse({"status": "sent_if_known"}, 202, NO_STORE)


@accepts(PasswordResetConfirmBody, 204)
@public
async def confirm_reset(request: Request) -> Response:
    """Set a new password with a reset code; every session ends, the lockout is lifted."""
    await throttle_auth(request)
    body = structure(await json_body(request), PasswordResetConfirmBody)
    await offload_heavy(services(request).reset_password.execute, body.token,
                        body.new_password, context(request))
    return Response(status_code=204)


routes = [
    Route("/auth/password", change_password, methods=["POST"]),
    Route("/auth/password-reset", request_reset, methods=["POST"]),
    Route("/auth/password-reset/confirm", confirm_reset, methods=["POST"]),
]
