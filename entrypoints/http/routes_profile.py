"""The caller's own profile and data: see and change it (a new email or phone confirmed by a
code), take all of it away (an export), or have it erased."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from application.use_cases import ProfileChanges
from domain.permissions import Permission
from entrypoints.caller import each_carried
from entrypoints.converters import structure
from entrypoints.http import profile_schemas as profile_shapes
from entrypoints.http import response_schemas as shapes
from entrypoints.http import views
from entrypoints.http.auth import accepts, caller, context, requires, returns, services
from entrypoints.http.export_views import contact_change, export_json
from entrypoints.http.offload import offload, offload_heavy
from entrypoints.http.request_body import json_body
from entrypoints.http.responses import JSONResponse
from entrypoints.http.routes_auth import NO_STORE
from entrypoints.http.schemas import CodeBody, PasswordBody, ProfileChangesBody


async def _throttle_codes(request: Request) -> None:
    """Each contact change sends a message and each confirmation tests a code: counted per
    customer, on top of the lockout that wrong codes run into."""
    bank = services(request)
    await offload(bank.throttle.execute, [(f"contact:{caller(request).customer_id}",
                                           bank.settings.auth.logins_per_customer)])


@returns(shapes.CUSTOMER)
@requires(Permission.OWN_LOGIN)
async def show(request: Request) -> Response:
    """The caller's profile."""
    found = await offload(services(request).view_profile.execute, caller(request).customer_id)
    return JSONResponse(views.customer(found), 200, NO_STORE)


@returns(profile_shapes.PROFILE_CHANGE, also=(202,))
@accepts(ProfileChangesBody)
@requires(Permission.OWN_LOGIN)
async def change(request: Request) -> Response:
    """Change names and language at once (200). A new email or phone_number (one at a time)
    is not taken yet: a 6-digit code goes to it, the current address is told, and the answer
    is 202 with what waits for POST /me/contact/confirm (15 minutes). An address another
    customer holds is answered alike and can never be confirmed."""
    body = structure(await json_body(request), ProfileChangesBody)
    if body.email is not None or body.phone_number is not None:
        await _throttle_codes(request)
    done = await offload_heavy(services(request).change_profile.execute, ProfileChanges(
        caller(request).customer_id, first_name=body.first_name, last_name=body.last_name,
        email=body.email, phone_number=body.phone_number,
        preferred_language=body.preferred_language, context=context(request),
        password=body.password))
    return JSONResponse({"customer": views.customer(done.customer),
                         "pending_contact_change": contact_change(done.pending)},
                        202 if done.pending else 200, NO_STORE)


@returns(shapes.CUSTOMER)
@accepts(CodeBody)
@requires(Permission.OWN_LOGIN)
async def confirm_contact(request: Request) -> Response:
    """The code sent to the new email or phone: the change is made (once); wrong codes count
    towards a lockout that also drops the change."""
    body = structure(await json_body(request), CodeBody)
    await _throttle_codes(request)
    found = await offload(services(request).confirm_contact.execute,
                          caller(request).customer_id, body.code, context(request))
    return JSONResponse(views.customer(found), 200, NO_STORE)


@returns(profile_shapes.EXPORT)
@requires(Permission.BANK)
async def export(request: Request) -> Response:
    """Everything the bank holds about the caller, as one JSON file, streamed section by
    section (profile, accounts, ledger entries, transfers, payees, cards masked, reminders,
    standing orders, devices, sessions, disputes, the audit events about them)."""
    found = await offload(services(request).export_data.execute, caller(request).customer_id)
    name = f"vaani-data-{found.customer.customer_number}.json"
    # Its pages are read as the body is sent, once this endpoint has returned: for the caller.
    return StreamingResponse(each_carried(export_json(found)), media_type="application/json",
                             headers={"Content-Disposition": f'attachment; filename="{name}"',
                                      **NO_STORE})


@returns(profile_shapes.ERASURE)
@accepts(PasswordBody)
@requires(Permission.BANK)
async def erase(request: Request) -> Response:
    """Close every account (each must be at zero with nothing held, or nothing is done and
    the error lists those that still hold money), end every session, revoke devices, turn off
    two-step login and pseudonymise the profile; the ledger, transfers and audit trail stay
    (README, Security). The password is asked again; afterwards nobody can log in as them."""
    body = structure(await json_body(request), PasswordBody)
    done = await offload_heavy(services(request).erase.execute, caller(request).customer_id,
                               body.password, context(request))
    return JSONResponse({"erased": True, "customer_number": done.customer_number,
                         "accounts_closed": list(done.accounts_closed),
                         "sessions_ended": done.sessions_ended}, 200, NO_STORE)


routes = [
    Route("/me", show, methods=["GET"]),
    Route("/me", change, methods=["PATCH"]),
    Route("/me/contact/confirm", confirm_contact, methods=["POST"]),
    Route("/me/export", export, methods=["GET"]),
    Route("/me/erasure", erase, methods=["POST"]),
]
