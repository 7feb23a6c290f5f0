"""The web app's log-in, refresh and sign-out (/app/session): the same use cases as /auth, the
tokens answered in cookies (cookies.py) instead of the body, so the page's script never holds
them. The body says only who logged in and the CSRF token the script echoes."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from application.sessions import IssuedTokens
from application.use_cases import SecondStep
from domain.customer import Customer
from domain.errors import Unauthorized, ValidationError
from domain.timestamps import rfc3339
from entrypoints.converters import structure
from entrypoints.http import views
from entrypoints.http.auth import accepts, answers, context, public, returns, services
from entrypoints.http.offload import offload, offload_heavy
from entrypoints.http.request_body import json_body
from entrypoints.http.responses import JSONResponse
from entrypoints.http.routes_auth import NO_STORE, throttle_auth
from entrypoints.http.schemas import LoginBody, SecondFactorLoginBody
from entrypoints.http.web import cookies, shapes


def _signed_in(request: Request, issued: IssuedTokens, customer: Customer | None) -> Response:
    csrf = request.cookies.get(cookies.CSRF) if customer is None else None
    csrf = csrf or cookies.new_csrf_token()
    body: dict[str, Any] = {"status": "signed_in", "session_id": str(issued.session.id),
                            "expires_in": issued.expires_in, "csrf_token": csrf}
    if customer is not None:
        body["customer"] = views.customer(customer)
    response = JSONResponse(body, 200, NO_STORE)
    cookies.set_session(request, response, issued.access_token, issued.refresh_token, csrf)
    return response


@returns(shapes.LOGIN, also=(202,))
@accepts(LoginBody)
@public
async def log_in(request: Request) -> Response:
    """A password log-in: 200 with the session in cookies, or 202 with the ticket for the second
    step (POST /app/session/second-factor) when two-step login is on."""
    await throttle_auth(request)
    body = structure(await json_body(request), LoginBody)
    if body.method != "password" or body.voice_sample is not None or body.totp is not None:
        raise ValidationError("the web app logs in with a password (then a code when two-step "
                              "login is on)", field="method")
    if body.password is None:
        raise ValidationError("password is required", field="password")
    policy = services(request).settings.auth
    await offload(services(request).throttle.execute,
                  [(f"login:{body.customer_number[:64]}", policy.logins_per_customer)])
    outcome = await offload_heavy(services(request).log_in.start, body.customer_number,
                                  body.password, context(request), None)
    if isinstance(outcome, SecondStep):
        return JSONResponse({"status": "second_factor_required", "login_ticket": outcome.ticket,
                             "methods": list(outcome.methods),
                             "expires_at": rfc3339(outcome.expires_at)}, 202, NO_STORE)
    issued, customer = outcome
    return _signed_in(request, issued, customer)


@returns(shapes.SIGNED_IN)
@accepts(SecondFactorLoginBody)
@public
async def second_factor(request: Request) -> Response:
    """The second step: the ticket and a code from the authenticator (or a recovery code)."""
    await throttle_auth(request)
    body = structure(await json_body(request), SecondFactorLoginBody)
    if body.device is not None:
        raise ValidationError("the web app binds no device", field="device")
    issued, customer = await offload(
        services(request).complete_login.execute, body.login_ticket, context(request),
        code=body.code, recovery_code=body.recovery_code, device=None)
    return _signed_in(request, issued, customer)


def _refresh_token(request: Request) -> str:
    cookies.check_csrf(request)
    token = request.cookies.get(cookies.REFRESH)
    if not token:
        raise Unauthorized("no web app session: log in")
    return token


@returns(shapes.SIGNED_IN)
@public
async def refresh(request: Request) -> Response:
    """Rotate the session's tokens from the refresh cookie (CSRF checked); a rotated one sent
    again revokes the session, as on /auth/refresh."""
    await throttle_auth(request)
    token = _refresh_token(request)
    issued = await offload(services(request).refresh.execute, token, context(request))
    return _signed_in(request, issued, None)


def _end_session(request: Request) -> None:
    """On a worker thread: revoke the cookie's session, through a refresh when the access token
    has expired; a session already over has nothing left to end."""
    found = services(request)
    access = request.cookies.get(cookies.ACCESS)
    try:
        who = found.authenticate.execute(access) if access else None
    except Unauthorized:
        who = None
    if who is None:
        spare = request.cookies.get(cookies.REFRESH)
        if not spare:
            return
        try:
            who = found.authenticate.execute(
                found.refresh.execute(spare, context(request)).access_token)
        except Unauthorized:
            return
    request.state.principal = who
    found.revoke.one(who.customer_id, who.session_id, context(request), "logout")


@answers(204)
@public
async def sign_out(request: Request) -> Response:
    """End the session (its tokens stop working at once) and clear the cookies: 204."""
    cookies.check_csrf(request)
    await offload(_end_session, request)
    response = Response(status_code=204, headers=NO_STORE)
    cookies.clear_session(request, response)
    return response


routes = [
    Route("/app/session", log_in, methods=["POST"]),
    Route("/app/session/second-factor", second_factor, methods=["POST"]),
    Route("/app/session/refresh", refresh, methods=["POST"]),
    Route("/app/session/logout", sign_out, methods=["POST"]),
]
