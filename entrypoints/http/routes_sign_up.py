"""Self-service sign-up: the details, then (with VAANI_SIGNUP_VERIFICATION=required) the code
mailed to the email."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from application.use_cases import RegisterCommand
from entrypoints.converters import structure
from entrypoints.http import response_schemas as shapes
from entrypoints.http import views
from entrypoints.http.auth import accepts, context, public, returns, services
from entrypoints.http.offload import offload, offload_heavy
from entrypoints.http.request_body import json_body
from entrypoints.http.responses import JSONResponse
from entrypoints.http.routes_auth import throttle_auth
from entrypoints.http.schemas import RegisterBody, SignUpCodeBody


@returns(shapes.CUSTOMER)
@accepts(RegisterBody, 201)
@public
async def register(request: Request) -> Response:
    """Sign up as a customer (KYC pending); returns the customer number.

    With sign-up verification on (the default) a code goes to the email, the answer is the same
    whether or not the email or phone is taken, and the customer may log in once the code
    confirms the sign-up (POST /auth/register/confirm); with it off, the customer exists at
    once and a taken email or phone is 409 customer_exists."""
    await throttle_auth(request)
    body = structure(await json_body(request), RegisterBody)
    command = RegisterCommand(
        first_name=body.first_name, last_name=body.last_name, email=body.email,
        phone_number=body.phone_number, password=body.password,
        date_of_birth=body.date_of_birth, preferred_language=body.preferred_language,
        aadhaar=body.aadhaar, pan=body.pan, context=context(request))
    found = services(request)
    step = found.sign_up.start if found.settings.signup_verification else found.register.execute
    customer = await offload_heavy(step, command)
    return JSONResponse(views.customer(customer), 201)


@returns(shapes.CUSTOMER)
@accepts(SignUpCodeBody, 201)
@public
async def confirm(request: Request) -> Response:
    """Finish a sign-up with the code mailed to its email; the customer may log in now.

    A wrong or expired code, five wrong codes, or a number that waits for none: 400
    signup_code_invalid."""
    await throttle_auth(request)
    body = structure(await json_body(request), SignUpCodeBody)
    policy = services(request).settings.auth
    await offload(services(request).throttle.execute,
                  [(f"sign-up:{body.customer_number[:64]}", policy.logins_per_customer)])
    customer = await offload_heavy(services(request).sign_up.confirm, body.customer_number,
                                   body.code, context(request))
    return JSONResponse(views.customer(customer), 201)


routes = [
    Route("/auth/register", register, methods=["POST"]),
    Route("/auth/register/confirm", confirm, methods=["POST"]),
]
