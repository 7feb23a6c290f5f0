"""The operator API for what the CLI does on the bank's host: find and show customers, freeze
and unfreeze them, set KYC, restore voice, turn two-step login off, end sessions, revoke
devices, and freeze, unfreeze or close accounts. Each call is audited with the operator's
identity; the sensitive ones go through maker-checker (routes_staff_proposals.py)."""

from __future__ import annotations

from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from domain.errors import SessionNotFound, ValidationError
from domain.permissions import Permission
from domain.staff_proposal import StaffAction
from entrypoints.converters import structure
from entrypoints.http import response_schemas as shapes
from entrypoints.http import staff_views, views
from entrypoints.http.auth import (
    Handler,
    accepts,
    answers,
    context,
    requires,
    returns,
    services,
)
from entrypoints.http.offload import offload
from entrypoints.http.query import account_number, page_limit
from entrypoints.http.request_body import json_body
from entrypoints.http.responses import JSONResponse
from entrypoints.http.schemas import KycBody, StaffReasonBody

_SEARCH = {"q": {"type": "string", "minLength": 1, "maxLength": 100},
           "limit": {"type": "integer", "minimum": 1, "maximum": 100}}


def _number(request: Request) -> str:
    return str(request.path_params["customer_number"])


@returns(shapes.CUSTOMERS)
@requires(Permission.OPERATE_CUSTOMERS)
async def search(request: Request) -> Response:
    """Customers by number, email or phone, or whose first or last name begins with `q`."""
    text = request.query_params.get("q", "")
    if not (1 <= len(text) <= 100 and text.isprintable()):
        raise ValidationError("'q' must be 1-100 printable characters", field="q")
    found = await offload(services(request).operate_customers.search, text, page_limit(request))
    return JSONResponse({"items": [views.customer(c) for c in found]})


search.query = _SEARCH  # type: ignore[attr-defined]


@returns(shapes.CUSTOMER_OVERVIEW)
@requires(Permission.OPERATE_CUSTOMERS)
async def show(request: Request) -> Response:
    """A customer: profile, accounts, devices, and whether two-step login is on."""
    found = await offload(services(request).operate_customers.show, _number(request))
    return JSONResponse({"customer": views.customer(found.customer),
                         "accounts": [views.account(a) for a in found.accounts],
                         "devices": [views.device(d) for d in found.devices],
                         "two_step_login": found.two_step_login})


@returns(shapes.FROZEN)
@requires(Permission.OPERATE_CUSTOMERS)
async def freeze(request: Request) -> Response:
    """Freeze every open account of the customer and end their sessions (never waits for a
    second member of staff: stopping money is always allowed)."""
    changed = await offload(services(request).operate_customers.freeze, _number(request), True,
                            context(request))
    return JSONResponse({"customer_number": _number(request), "frozen": True,
                         "accounts": [a.account_number for a in changed]})


def _sensitive(action: StaffAction) -> Handler:
    """An endpoint for one sensitive action: done at once (200) or proposed (202)."""

    @returns(shapes.STAFF_ACTION, also=(202,))
    @accepts(KycBody if action is StaffAction.SET_KYC else StaffReasonBody)
    @requires(Permission.OPERATE_CUSTOMERS)
    async def act(request: Request) -> Response:
        raw = await json_body(request) if await request.body() else {}
        params: dict[str, str] = {}
        if action is StaffAction.SET_KYC:
            kyc = structure(raw, KycBody)
            params, reason = {"status": kyc.status}, kyc.reason
        else:
            reason = structure(raw, StaffReasonBody).reason
        proposed = await offload(services(request).propose_staff_action.execute, action,
                                 _number(request), params, reason, context(request))
        body, status = staff_views.action_result(action, _number(request), proposed)
        return JSONResponse(body, status)

    act.__name__ = action.value.replace(".", "_")
    act.__doc__ = {
        StaffAction.UNFREEZE_CUSTOMER: "Unfreeze the customer's accounts.",
        StaffAction.SET_KYC: "Set the customer's KYC tier (pending, min, full, rejected).",
        StaffAction.RESTORE_VOICE: "Let voice login and voice answers work again.",
        StaffAction.RESET_SECOND_FACTOR: "Turn two-step login off (a lost phone and codes).",
    }[action] + " Done at once, or (202) proposed for a second member of staff's approval " \
        "when the bank's policy asks for one (VAANI_APPROVALS); a proposal needs a reason."
    return act


@returns(shapes.SESSIONS)
@requires(Permission.OPERATE_CUSTOMERS)
async def sessions(request: Request) -> Response:
    """The customer's sessions that still work."""
    found = await offload(services(request).operate_sessions.sessions, _number(request))
    return JSONResponse({"items": [views.session(s) for s in found]})


@returns(shapes.REVOKED)
@answers(200)
@requires(Permission.OPERATE_CUSTOMERS)
async def end_sessions(request: Request) -> Response:
    """End every session of the customer."""
    count = await offload(services(request).operate_sessions.end, _number(request),
                          None, context(request))
    return JSONResponse({"revoked": count})


@answers(204)
@requires(Permission.OPERATE_CUSTOMERS)
async def end_session(request: Request) -> Response:
    """End one session of the customer."""
    try:
        session_id = UUID(request.path_params["session_id"])
    except ValueError:
        raise SessionNotFound("no such session") from None
    await offload(services(request).operate_sessions.end, _number(request),
                  session_id, context(request))
    return Response(status_code=204)


@returns(shapes.DEVICE)
@requires(Permission.OPERATE_CUSTOMERS)
async def revoke_device(request: Request) -> Response:
    """Revoke one of the customer's devices (by its identifier); its sessions end with it."""
    binding = await offload(services(request).operate_devices.revoke, _number(request),
                            request.path_params["identifier"], context(request))
    return JSONResponse(views.device(binding))


def _account_act(verb: str) -> Handler:
    @returns(shapes.ACCOUNT)
    @requires(Permission.OPERATE_CUSTOMERS)
    async def act(request: Request) -> Response:
        operate = services(request).operate_accounts
        changed = await offload(getattr(operate, verb), account_number(request),
                                context(request))
        return JSONResponse(views.account(changed))

    act.__name__ = f"{verb}_account"
    act.__doc__ = {"freeze": "Freeze one account.", "unfreeze": "Unfreeze one account.",
                   "close": "Close one account (at zero, with nothing held)."}[verb]
    return act


_CUSTOMER = "/operator/customers/{customer_number}"
routes = [
    Route("/operator/customers", search, methods=["GET"]),
    Route(_CUSTOMER, show, methods=["GET"]),
    Route(f"{_CUSTOMER}/freeze", freeze, methods=["POST"]),
    Route(f"{_CUSTOMER}/unfreeze", _sensitive(StaffAction.UNFREEZE_CUSTOMER), methods=["POST"]),
    Route(f"{_CUSTOMER}/kyc", _sensitive(StaffAction.SET_KYC), methods=["POST"]),
    Route(f"{_CUSTOMER}/voice/restore", _sensitive(StaffAction.RESTORE_VOICE), methods=["POST"]),
    Route(f"{_CUSTOMER}/second-factor/reset", _sensitive(StaffAction.RESET_SECOND_FACTOR),
          methods=["POST"]),
    Route(f"{_CUSTOMER}/sessions", sessions, methods=["GET"]),
    Route(f"{_CUSTOMER}/sessions", end_sessions, methods=["DELETE"]),
    Route(f"{_CUSTOMER}/sessions/{{session_id}}", end_session, methods=["DELETE"]),
    Route(f"{_CUSTOMER}/devices/{{identifier}}/revoke", revoke_device, methods=["POST"]),
    *(Route(f"/operator/accounts/{{account_number}}/{verb}", _account_act(verb),
            methods=["POST"]) for verb in ("freeze", "unfreeze", "close")),
]
