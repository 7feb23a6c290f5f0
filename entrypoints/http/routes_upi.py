"""The UPI PIN."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from domain.permissions import Permission
from entrypoints.converters import structure
from entrypoints.http import response_schemas as shapes
from entrypoints.http.auth import accepts, caller, context, requires, returns, services
from entrypoints.http.offload import offload_heavy
from entrypoints.http.request_body import json_body
from entrypoints.http.responses import JSONResponse
from entrypoints.http.schemas import SetPinBody, VerifyPinBody


@returns(shapes.PIN_SET)
@accepts(SetPinBody)
@requires(Permission.BANK)
async def set_pin(request: Request) -> Response:
    """Set or change the UPI PIN (password or a fresh login)."""
    body = structure(await json_body(request), SetPinBody)
    await offload_heavy(services(request).set_pin.execute, caller(request), body.pin,
                  body.password, context(request))
    return JSONResponse({"upi_pin_set": True})


@returns(shapes.PIN_VERIFIED)
@accepts(VerifyPinBody)
@requires(Permission.BANK)
async def verify_pin(request: Request) -> Response:
    """Check the UPI PIN; 3 wrong block it for 24 hours."""
    body = structure(await json_body(request), VerifyPinBody)
    await offload_heavy(services(request).verify_pin.execute, caller(request).customer_id,
                  body.pin, context(request))
    return JSONResponse({"verified": True})


routes = [
    Route("/upi/pin", set_pin, methods=["POST"]),
    Route("/upi/verify-pin", verify_pin, methods=["POST"]),
]
