"""Hostile input gets the right 4xx envelope, never a 500, and writes nothing: forged and
expired tokens, malformed and deeply nested JSON, huge numbers, floats as money, unicode edge
cases, and broken audio. Runs on every profile."""

from __future__ import annotations

import base64
import io
import json
from datetime import timedelta
from typing import Any

import jwt
import numpy as np
import punq
import pytest
import soundfile as sf
from starlette.testclient import TestClient

from application.use_cases import VerifyLedger
from tests.http.conftest import API, log_in
from tests.http.test_errors_and_headers import assert_envelope
from tests.support.banking import account, customer
from tests.support.clock import SteppingClock


def books(bank: punq.Container) -> tuple[int, int]:
    report = bank.resolve(VerifyLedger).execute()
    return report.entries, report.transfers


def test_forged_and_expired_tokens_are_unauthorized(client: TestClient, bank: punq.Container,
                                                    clock: SteppingClock) -> None:
    asha = customer(bank)
    headers = log_in(client, asha.customer_number)
    token = headers["Authorization"].split()[1]
    # Used once first: its verification is remembered, and neither its forged variants nor its
    # own expiry may profit from that.
    assert client.get(f"{API}/accounts", headers=headers).status_code == 200
    claims = jwt.decode(token, options={"verify_signature": False})
    forged = {
        "alg none": jwt.encode(claims, None, algorithm="none"),
        "other key": jwt.encode(claims, "another-secret-" + "y" * 40, algorithm="HS256"),
        "other alg": jwt.encode(claims, "test-secret-" + "x" * 60, algorithm="HS512"),
        "tampered": token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"),
        "garbage": "not.a.token",
    }
    for name, bad in forged.items():
        response = client.get(f"{API}/accounts", headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401, name
    clock.advance(timedelta(minutes=16))
    assert_envelope(client.get(f"{API}/accounts", headers=headers), 401, "unauthorized")


HOSTILE_BODIES: dict[str, bytes] = {
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
    "nested object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "not utf-8": b'{"to_account_number": "\xff\xfe"}',
    "NaN": b'{"amount": NaN}',
    "huge integer": b'{"to_account_number": "1", "amount": ' + b"9" * 5000 + b"}",
    "float money": b'{"to_account_number": "1", "amount": {"amount": 1.5, "currency": "INR"}}',
    "huge money": b'{"to_account_number": "1", "amount": {"amount": "' + b"9" * 400
                  + b'.00", "currency": "INR"}}',
    "lone surrogate": b'{"to_account_number": "\\ud800", "amount": {"amount": "1.00", '
                      b'"currency": "INR"}}',
    "nul in description": b'{"to_account_number": "1", "description": "a\\u0000b", '
                          b'"amount": {"amount": "1.00", "currency": "INR"}}',
    "array": b"[]",
    "empty": b"",
}


@pytest.mark.parametrize("name", list(HOSTILE_BODIES))
def test_hostile_bodies_are_refused_and_write_nothing(client: TestClient, bank: punq.Container,
                                                      name: str) -> None:
    asha = customer(bank)
    source = account(bank, asha, "100.00").account_number
    headers = log_in(client, asha.customer_number)
    before = books(bank)
    response = client.post(f"{API}/accounts/{source}/transfer", content=HOSTILE_BODIES[name],
                           headers={**headers, "Content-Type": "application/json"})
    assert 400 <= response.status_code < 500, (name, response.status_code, response.text[:200])
    assert set(response.json()) == {"meta", "error"}
    assert books(bank) == before


@pytest.mark.parametrize("field", ["first_name", "email", "phone_number", "password"])
def test_unicode_edge_cases_at_sign_up(client: TestClient, field: str) -> None:
    good = {"first_name": "Meera", "last_name": "Iyer", "email": "m@example.in",
            "phone_number": "+919845000001", "password": "a long passphrase"}
    for value in ("\ud800", "a\u0000b", "\u202eevil", "x" * 10_000):
        response = client.post(f"{API}/auth/register", content=json.dumps(
            {**good, field: value}).encode())
        assert 400 <= response.status_code < 500, (field, repr(value[:10]), response.status_code)


def _wav_header_only() -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, np.zeros(16000, dtype=np.float32), 16000, format="WAV", subtype="PCM_16")
    return buffer.getvalue()[:44]


def _claims_an_hour() -> bytes:
    """A WAV whose header says one hour of audio, with a second of data behind it."""
    data = bytearray(_wav_header_only() + bytes(32000))
    size = 16000 * 2 * 3600
    data[40:44] = size.to_bytes(4, "little")
    data[4:8] = (size + 36).to_bytes(4, "little")
    return bytes(data)


BROKEN_AUDIO: dict[str, bytes] = {
    "zero length": b"",
    "header only": _wav_header_only(),
    "wrong magic": b"RIFX" + _wav_header_only()[4:] + bytes(1000),
    "truncated": _wav_header_only() + bytes(10),
    "claims an hour": _claims_an_hour(),
    "zip bomb": b"PK\x03\x04" + bytes(2000),
    "random": bytes(range(256)) * 40,
}


@pytest.mark.parametrize("name", list(BROKEN_AUDIO))
def test_broken_audio_is_a_validation_error(client: TestClient, bank: punq.Container,
                                            name: str) -> None:
    asha = customer(bank)
    headers = log_in(client, asha.customer_number)
    device_id = client.get(f"{API}/device-bindings", headers=headers).json()["items"][0]["id"]
    sample = base64.b64encode(BROKEN_AUDIO[name]).decode()
    response = client.post(f"{API}/device-bindings/{device_id}/voice", headers=headers,
                           json={"samples": [sample, sample, sample]})
    body: dict[str, Any] = response.json()
    assert response.status_code == 422, (name, response.status_code, response.text[:200])
    assert body["error"]["code"] == "validation_error"
