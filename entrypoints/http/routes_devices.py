"""Device bindings and voice enrolment."""

from __future__ import annotations

from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from domain.errors import DeviceNotFound
from domain.permissions import Permission
from domain.timestamps import rfc3339
from entrypoints.converters import structure
from entrypoints.http import response_schemas as shapes
from entrypoints.http import views
from entrypoints.http.audio import audio_bytes
from entrypoints.http.auth import accepts, answers, caller, context, requires, returns, services
from entrypoints.http.device_proofs import device_info, device_proof
from entrypoints.http.offload import offload, offload_heavy
from entrypoints.http.query import path_id
from entrypoints.http.request_body import json_body
from entrypoints.http.responses import JSONResponse
from entrypoints.http.schemas import BindDeviceBody, EnrolVoiceBody, RenameDeviceBody


def _device_id(request: Request) -> UUID:
    return path_id(request, "device_id", DeviceNotFound, "device")


@returns(shapes.DEVICES)
@requires(Permission.BANK)
async def list_devices(request: Request) -> Response:
    """The caller's device bindings."""
    found = await offload(services(request).devices.list, caller(request).customer_id)
    return JSONResponse({"items": [views.device(b) for b in found]})


@returns(shapes.DEVICE)
@accepts(BindDeviceBody, 201)
@requires(Permission.BANK)
async def bind_device(request: Request) -> Response:
    """Bind (or re-bind with a voice sample and a signed nonce) a device and its key."""
    body = structure(await json_body(request), BindDeviceBody)
    sample = audio_bytes(body.voice_sample) if body.voice_sample is not None else None
    device = device_info(body.identifier, body.fingerprint, body.label, body.platform,
                         body.public_key, "public_key")
    who = caller(request)
    binding = await offload_heavy(
        services(request).devices.bind, who.customer_id, device, sample,
        context(request, body.identifier), device_proof(body.proof, "proof"), body.totp,
        who.session_id)
    return JSONResponse(views.device(binding), 201)


@returns(shapes.DEVICE)
@accepts(RenameDeviceBody)
@requires(Permission.BANK)
async def rename_device(request: Request) -> Response:
    """Rename a device binding."""
    body = structure(await json_body(request), RenameDeviceBody)
    binding = await offload(services(request).devices.rename,
                            caller(request).customer_id, _device_id(request),
                            body.label, context(request))
    return JSONResponse(views.device(binding))


@answers(204)
@requires(Permission.BANK)
async def revoke_device(request: Request) -> Response:
    """Revoke a device binding; the sessions started on it end with it."""
    await offload(services(request).devices.revoke, caller(request).customer_id,
                  _device_id(request), context(request))
    return Response(status_code=204)


@returns(shapes.VOICEPRINT)
@accepts(EnrolVoiceBody, 201)
@requires(Permission.BANK)
async def enrol_voice(request: Request) -> Response:
    """Enrol the voice from 3+ samples, from the trusted device it is bound to (this session's
    own device)."""
    body = structure(await json_body(request), EnrolVoiceBody)
    recordings = [audio_bytes(s, f"samples[{i}]") for i, s in enumerate(body.samples)]
    # context(request) names the session's device, never one the client sends: the use case
    # refuses a binding that is not it.
    voiceprint = await offload_heavy(
        services(request).enrol.execute, caller(request).customer_id, _device_id(request),
        recordings, context(request), body.password, body.pin)
    return JSONResponse({"voiceprint_id": str(voiceprint.id), "model": voiceprint.model,
                         "samples": len(voiceprint.sample_hashes),
                         "enrolled_at": rfc3339(voiceprint.created_at)}, 201)


routes = [
    Route("/device-bindings", list_devices, methods=["GET"]),
    Route("/device-bindings", bind_device, methods=["POST"]),
    Route("/device-bindings/{device_id}", rename_device, methods=["PATCH"]),
    Route("/device-bindings/{device_id}", revoke_device, methods=["DELETE"]),
    Route("/device-bindings/{device_id}/voice", enrol_voice, methods=["POST"]),
]
