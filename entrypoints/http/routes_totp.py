"""Two-step login: the second step of a login, and the caller's own authenticator (turn on,
confirm, new recovery codes, turn off)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from application.use_cases import TotpStatus
from domain.permissions import Permission
from domain.timestamps import rfc3339
from entrypoints.converters import structure
from entrypoints.http import response_schemas as shapes
from entrypoints.http.auth import (
    accepts,
    answers,
    caller,
    context,
    public,
    requires,
    returns,
    services,
)
from entrypoints.http.device_proofs import device_info
from entrypoints.http.offload import offload, offload_heavy
from entrypoints.http.request_body import json_body
from entrypoints.http.responses import JSONResponse
from entrypoints.http.routes_auth import NO_STORE, login_answer, throttle_auth
from entrypoints.http.schemas import (
    CodeBody,
    PasswordAndCodeBody,
    PasswordBody,
    SecondFactorLoginBody,
)


def _status(found: TotpStatus) -> dict[str, object]:
    return {"enabled": found.enabled, "pending": found.pending,
            "confirmed_at": rfc3339(found.confirmed_at) if found.confirmed_at else None,
            "recovery_codes_left": found.recovery_codes_left}


@returns(shapes.LOGIN_TOKENS)
@accepts(SecondFactorLoginBody)
@public
async def second_factor(request: Request) -> Response:
    """The second step of a login with two-step login on: the ticket the password step gave,
    and a code from the authenticator app or a recovery code; returns tokens."""
    await throttle_auth(request)
    body = structure(await json_body(request), SecondFactorLoginBody)
    given = body.device
    device = device_info(given.identifier, given.fingerprint, given.label, given.platform,
                         given.public_key, proof=given.proof) if given else None
    issued, customer = await offload(
        services(request).complete_login.execute, body.login_ticket,
        context(request, device.identifier if device else None), code=body.code,
        recovery_code=body.recovery_code, device=device)
    return login_answer(issued, customer)


@returns(shapes.TOTP_STATUS)
@requires(Permission.OWN_LOGIN)
async def totp_status(request: Request) -> Response:
    """Whether two-step login is on, and how many recovery codes are left."""
    found = await offload(services(request).totp.status, caller(request).customer_id)
    return JSONResponse(_status(found))


@returns(shapes.TOTP_ENROLMENT)
@accepts(PasswordBody, 201)
@requires(Permission.OWN_LOGIN)
async def enrol(request: Request) -> Response:
    """Start two-step login: a new secret for the authenticator app, shown this once (as a
    secret, an otpauth:// URI and its QR code in SVG); confirm it with a first code."""
    body = structure(await json_body(request), PasswordBody)
    made = await offload_heavy(services(request).totp.enrol, caller(request).customer_id,
                               body.password, context(request))
    return JSONResponse({"secret": made.secret, "otpauth_uri": made.uri, "qr_svg": made.qr_svg,
                         "status": "pending"}, 201, NO_STORE)


@returns(shapes.RECOVERY_CODES)
@accepts(CodeBody)
@requires(Permission.OWN_LOGIN)
async def confirm(request: Request) -> Response:
    """Turn two-step login on with a first code; returns the ten recovery codes, shown once."""
    body = structure(await json_body(request), CodeBody)
    codes = await offload(services(request).totp.confirm, caller(request).customer_id,
                          body.code, context(request))
    return JSONResponse({"enabled": True, "recovery_codes": codes}, 200, NO_STORE)


@returns(shapes.RECOVERY_CODES)
@accepts(PasswordAndCodeBody)
@requires(Permission.OWN_LOGIN)
async def recovery_codes(request: Request) -> Response:
    """Ten new recovery codes (password and a code); the old ones stop working."""
    body = structure(await json_body(request), PasswordAndCodeBody)
    codes = await offload_heavy(services(request).totp.recovery_codes,
                                caller(request).customer_id, body.password, body.code,
                                body.recovery_code, context(request))
    return JSONResponse({"enabled": True, "recovery_codes": codes}, 200, NO_STORE)


@answers(204)
@accepts(PasswordAndCodeBody)
@requires(Permission.OWN_LOGIN)
async def disable(request: Request) -> Response:
    """Turn two-step login off (password and a code or a recovery code)."""
    body = structure(await json_body(request), PasswordAndCodeBody)
    await offload_heavy(services(request).totp.disable, caller(request).customer_id,
                        body.password, body.code, body.recovery_code, context(request))
    return Response(status_code=204)


routes = [
    Route("/auth/login/second-factor", second_factor, methods=["POST"]),
    Route("/auth/totp", totp_status, methods=["GET"]),
    Route("/auth/totp", enrol, methods=["POST"]),
    Route("/auth/totp/confirm", confirm, methods=["POST"]),
    Route("/auth/totp/recovery-codes", recovery_codes, methods=["POST"]),
    Route("/auth/totp/disable", disable, methods=["POST"]),
]
