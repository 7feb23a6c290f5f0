"""Log-in, refresh, log-out and the customer's sessions (sign-up: routes_sign_up.py)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from application.sessions import IssuedTokens
from application.use_cases import SecondStep
from domain.customer import Customer
from domain.errors import SessionNotFound, ValidationError
from domain.permissions import Permission
from domain.timestamps import rfc3339
from entrypoints.converters import structure
from entrypoints.http import response_schemas as shapes
from entrypoints.http import views
from entrypoints.http.audio import audio_bytes
from entrypoints.http.auth import (
    accepts,
    answers,
    caller,
    client_address,
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
from entrypoints.http.schemas import DeviceChallengeBody, LoginBody, RefreshBody

NO_STORE = {"Cache-Control": "no-store"}


async def throttle_auth(request: Request, *extra: tuple[str, int]) -> None:
    """Per-IP limit on every /auth call, plus any per-customer bucket given."""
    policy = services(request).settings.auth
    ip = client_address(request) or "unknown"
    await offload(services(request).throttle.execute,
                  [(f"auth-ip:{ip}", policy.auth_requests_per_ip), *extra])


def login_answer(issued: IssuedTokens, customer: Customer) -> Response:
    return JSONResponse(_tokens(issued, customer), 200, NO_STORE)


def _tokens(issued: IssuedTokens, customer: Customer | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "access_token": issued.access_token, "refresh_token": issued.refresh_token,
        "token_type": "bearer", "expires_in": issued.expires_in,
        "session_id": str(issued.session.id),
    }
    if customer is not None:
        body["customer"] = views.customer(customer)
    return body


@returns(shapes.LOGIN, also=(202,))
@accepts(LoginBody)
@public
async def login(request: Request) -> Response:
    """Log in with password or voice on a bound device; returns tokens, or (202) a ticket for
    the second step when two-step login is on (POST /auth/login/second-factor)."""
    await throttle_auth(request)  # per address, before a body of up to 8 MiB is read
    body = structure(await json_body(request), LoginBody)
    policy = services(request).settings.auth
    await offload(services(request).throttle.execute,
                  [(f"login:{body.customer_number[:64]}", policy.logins_per_customer)])
    given = body.device
    device = device_info(given.identifier, given.fingerprint, given.label, given.platform,
                         given.public_key, proof=given.proof) if given else None
    where = context(request, device.identifier if device else None)
    if body.method == "voice":
        if body.voice_sample is None or device is None or given is None:
            raise ValidationError("voice login needs voice_sample and device.identifier",
                                  field="voice_sample")
        issued, customer = await offload_heavy(
            services(request).voice_login.execute, body.customer_number, device.identifier,
            audio_bytes(body.voice_sample), where, device.proof, body.totp)
    else:
        if body.totp is not None:
            raise ValidationError("totp goes with method \"voice\"; a password login's code "
                                  "is its second step (POST /auth/login/second-factor)",
                                  field="totp")
        if body.password is None:
            raise ValidationError("password is required for method \"password\"",
                                  field="password")
        outcome = await offload_heavy(
            services(request).log_in.start, body.customer_number, body.password, where, device)
        if isinstance(outcome, SecondStep):
            return JSONResponse({"status": "second_factor_required",
                                 "login_ticket": outcome.ticket, "methods": list(outcome.methods),
                                 "expires_at": rfc3339(outcome.expires_at)}, 202, NO_STORE)
        issued, customer = outcome
    return login_answer(issued, customer)


@returns(shapes.DEVICE_CHALLENGE)
@accepts(DeviceChallengeBody, 201)
@public
async def device_challenge(request: Request) -> Response:
    """A fresh single-use nonce for a device to sign (voice login, re-binding, challenges),
    and the digits (`say`) its voice answer must speak; `say` is null when the bank asks for
    none (VAANI_VOICE_CHALLENGE=off)."""
    await throttle_auth(request)  # per address, before the body is read
    body = structure(await json_body(request), DeviceChallengeBody)
    policy = services(request).settings.auth
    await offload(services(request).throttle.execute,
                  [(f"device-nonce:{body.customer_number[:64]}", policy.logins_per_customer)])
    issued = await offload(
        services(request).device_nonce.execute, body.customer_number, body.device_identifier)
    return JSONResponse({"nonce": issued.nonce, "expires_at": rfc3339(issued.expires_at),
                         "message": issued.message.decode(), "say": issued.spoken},
                        201, NO_STORE)


@returns(shapes.TOKENS)
@accepts(RefreshBody)
@public
async def refresh(request: Request) -> Response:
    """Rotate the refresh token; reuse of an old one revokes the session."""
    await throttle_auth(request)
    body = structure(await json_body(request), RefreshBody)
    issued = await offload(services(request).refresh.execute, body.refresh_token,
                           context(request))
    return JSONResponse(_tokens(issued), 200, NO_STORE)


@answers(204)
@requires(Permission.OWN_LOGIN)
async def logout(request: Request) -> Response:
    """End this session: its access and refresh tokens stop working."""
    who = caller(request)
    await offload(services(request).revoke.one, who.customer_id, who.session_id,
                  context(request), "logout")
    return Response(status_code=204)


@returns(shapes.SESSIONS)
@requires(Permission.OWN_LOGIN)
async def list_sessions(request: Request) -> Response:
    """The caller's active sessions."""
    who = caller(request)
    found = await offload(services(request).sessions.execute, who.customer_id)
    return JSONResponse({"items": [views.session(s, who.session_id) for s in found]})


@answers(204)
@requires(Permission.OWN_LOGIN)
async def revoke_session(request: Request) -> Response:
    """End one of the caller's sessions."""
    who = caller(request)
    try:
        session_id = UUID(request.path_params["session_id"])
    except ValueError:
        raise SessionNotFound("no such session") from None
    await offload(services(request).revoke.one, who.customer_id, session_id,
                  context(request))
    return Response(status_code=204)


@returns(shapes.REVOKED)
@answers(200)
@requires(Permission.OWN_LOGIN)
async def revoke_all_sessions(request: Request) -> Response:
    """End all of the caller's sessions."""
    who = caller(request)
    count = await offload(services(request).revoke.all, who.customer_id,
                          context(request))
    return JSONResponse({"revoked": count})


routes = [
    Route("/auth/login", login, methods=["POST"]),
    Route("/auth/device-challenge", device_challenge, methods=["POST"]),
    Route("/auth/refresh", refresh, methods=["POST"]),
    Route("/auth/logout", logout, methods=["POST"]),
    Route("/auth/sessions", list_sessions, methods=["GET"]),
    Route("/auth/sessions", revoke_all_sessions, methods=["DELETE"]),
    Route("/auth/sessions/{session_id}", revoke_session, methods=["DELETE"]),
]
