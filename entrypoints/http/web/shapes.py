"""The shapes the web app's session endpoints answer, for the OpenAPI document."""

from __future__ import annotations

from entrypoints.http.response_schemas import CUSTOMER, SECOND_STEP
from entrypoints.http.schema_builders import INTEGER, STRING, UUID, Schema, component, obj

SIGNED_IN = component("WebSession", obj({
    "status": {"const": "signed_in"}, "session_id": UUID, "expires_in": INTEGER,
    "csrf_token": STRING}, {"customer": CUSTOMER}))
LOGIN: Schema = {"oneOf": [SIGNED_IN, SECOND_STEP]}  # 200 signed in, or 202 a second step
