"""The customer's beneficiaries."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import attrs
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from application.use_cases import BeneficiaryDetails
from domain.beneficiary import Beneficiary
from domain.errors import BeneficiaryNotFound
from domain.permissions import Permission
from domain.timestamps import rfc3339
from entrypoints.converters import structure
from entrypoints.http import response_schemas as shapes
from entrypoints.http.auth import accepts, answers, caller, context, requires, returns, services
from entrypoints.http.offload import offload
from entrypoints.http.query import path_id
from entrypoints.http.request_body import json_body
from entrypoints.http.responses import JSONResponse
from entrypoints.http.schemas import BeneficiaryChanges


def view(b: Beneficiary) -> dict[str, Any]:
    return {**{k: v for k, v in attrs.asdict(b).items() if k not in ("customer_id", "created_at")},
            "id": str(b.id), "created_at": rfc3339(b.created_at)}


def _id(request: Request) -> UUID:
    return path_id(request, "beneficiary_id", BeneficiaryNotFound, "beneficiary")


@returns(shapes.BENEFICIARIES)
@requires(Permission.BANK)
async def list_beneficiaries(request: Request) -> Response:
    """The caller's beneficiaries, favourites first."""
    found = await offload(services(request).beneficiaries.list,
                          caller(request).customer_id)
    return JSONResponse({"items": [view(b) for b in found]})


@returns(shapes.BENEFICIARY)
@accepts(BeneficiaryDetails, 201)
@requires(Permission.BANK)
async def add_beneficiary(request: Request) -> Response:
    """Save a payee by account number and IFSC, or UPI id."""
    details = structure(await json_body(request), BeneficiaryDetails)
    added = await offload(services(request).beneficiaries.add,
                          caller(request).customer_id, details, context(request))
    return JSONResponse(view(added), 201)


@returns(shapes.BENEFICIARY)
@accepts(BeneficiaryChanges)
@requires(Permission.BANK)
async def update_beneficiary(request: Request) -> Response:
    """Change a beneficiary's name, phone, bank, nickname or favourite."""
    body = structure(await json_body(request), BeneficiaryChanges)
    changes = {k: v for k, v in attrs.asdict(body).items() if v is not None}
    changed = await offload(services(request).beneficiaries.update,
                            caller(request).customer_id, _id(request), changes,
                            context(request))
    return JSONResponse(view(changed))


@answers(204)
@requires(Permission.BANK)
async def delete_beneficiary(request: Request) -> Response:
    """Delete a beneficiary."""
    await offload(services(request).beneficiaries.delete, caller(request).customer_id,
                  _id(request), context(request))
    return Response(status_code=204)


routes = [
    Route("/beneficiaries", list_beneficiaries, methods=["GET"]),
    Route("/beneficiaries", add_beneficiary, methods=["POST"]),
    Route("/beneficiaries/{beneficiary_id}", update_beneficiary, methods=["PATCH"]),
    Route("/beneficiaries/{beneficiary_id}", delete_beneficiary, methods=["DELETE"]),
]
