"""Device bindings and voice data in SQL. Embeddings are stored as 256 little-endian float32."""

from __future__ import annotations

import json
import struct
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql.postgres.advisory_locks import take_turn
from adapters.sql.prepared import Prepared
from adapters.sql.tables import (
    device_bindings,
    device_nonces,
    voice_attempts,
    voice_samples,
    voiceprints,
)
from application.ports import Later
from domain.device import DeviceBinding, TrustLevel
from domain.device_key import DeviceKey, DeviceNonce
from domain.voice import Embedding, VoiceAttempts, Voiceprint, VoiceSample


def pack(embedding: Embedding) -> bytes:
    return struct.pack(f"<{len(embedding)}f", *embedding)


def unpack(blob: bytes) -> Embedding:
    return struct.unpack(f"<{len(blob) // 4}f", blob)


def _binding_row(b: DeviceBinding) -> dict[str, Any]:
    return {"id": b.id, "customer_id": b.customer_id, "identifier": b.identifier,
            "trust": b.trust.value, "created_at": b.created_at, "last_seen_at": b.last_seen_at,
            "fingerprint": b.fingerprint, "label": b.label, "platform": b.platform,
            "revoked_at": b.revoked_at, "key_algorithm": b.key.algorithm if b.key else None,
            "public_key": b.key.public_key if b.key else None}


def _binding(r: Any) -> DeviceBinding:
    return DeviceBinding(id=r.id, customer_id=r.customer_id, identifier=r.identifier,
                         trust=TrustLevel(r.trust), created_at=r.created_at,
                         last_seen_at=r.last_seen_at, fingerprint=r.fingerprint, label=r.label,
                         platform=r.platform, revoked_at=r.revoked_at,
                         key=DeviceKey(r.key_algorithm, bytes(r.public_key))
                         if r.key_algorithm else None)


# Read by the fraud screen on every transfer sent from a device.
_BY_IDENTIFIER = Prepared(sa.select(device_bindings).where(
    device_bindings.c.customer_id == sa.bindparam("customer"),
    device_bindings.c.identifier == sa.bindparam("identifier")))


class SqlDevices:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def ask_by_identifier(self, customer_id: UUID, identifier: str
                          ) -> Later[DeviceBinding | None]:
        rows = _BY_IDENTIFIER.ask(self._conn, {"customer": customer_id, "identifier": identifier})
        return lambda: next((_binding(r) for r in rows()), None)

    def add(self, binding: DeviceBinding) -> None:
        self._conn.execute(device_bindings.insert(), _binding_row(binding))

    def update(self, binding: DeviceBinding) -> None:
        self._conn.execute(device_bindings.update().where(device_bindings.c.id == binding.id),
                           _binding_row(binding))

    def get(self, binding_id: UUID, *, lock: bool = False) -> DeviceBinding | None:
        return self._one(device_bindings.c.id == binding_id, lock)

    def by_identifier(self, customer_id: UUID, identifier: str, *,
                      lock: bool = False) -> DeviceBinding | None:
        if not lock:
            return self.ask_by_identifier(customer_id, identifier)()
        return self._one(sa.and_(device_bindings.c.customer_id == customer_id,
                                 device_bindings.c.identifier == identifier), lock)

    def _one(self, where: sa.ColumnElement[bool], lock: bool) -> DeviceBinding | None:
        query = sa.select(device_bindings).where(where)
        if lock and self._conn.dialect.name == "postgresql":  # SQLite: the writer has it all
            query = query.with_for_update()
        row = self._conn.execute(query).first()
        return _binding(row) if row else None

    def of_customer(self, customer_id: UUID) -> list[DeviceBinding]:
        query = sa.select(device_bindings).where(device_bindings.c.customer_id == customer_id) \
            .order_by(device_bindings.c.created_at)
        return [_binding(r) for r in self._conn.execute(query)]

    def add_nonce(self, nonce: DeviceNonce) -> None:
        self._conn.execute(device_nonces.insert(), {
            "nonce_hash": nonce.nonce_hash, "customer_number": nonce.customer_number,
            "identifier": nonce.identifier, "expires_at": nonce.expires_at,
            "spoken": nonce.spoken})

    def take_nonce(self, nonce_hash: str) -> DeviceNonce | None:
        # One DELETE ... RETURNING: a parallel taker of the same row gets no row back.
        row = self._conn.execute(device_nonces.delete().where(
            device_nonces.c.nonce_hash == nonce_hash).returning(*device_nonces.c)).first()
        return DeviceNonce(row.nonce_hash, row.customer_number, row.identifier,
                           row.expires_at, row.spoken) if row else None

    def drop_expired_nonces(self, now: datetime) -> None:
        self._conn.execute(device_nonces.delete().where(device_nonces.c.expires_at <= now))


class SqlVoice:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def voiceprint(self, customer_id: UUID) -> Voiceprint | None:
        r = self._conn.execute(sa.select(voiceprints).where(
            voiceprints.c.customer_id == customer_id)).first()
        if r is None:
            return None
        return Voiceprint(id=r.id, customer_id=r.customer_id,
                          device_binding_id=r.device_binding_id, embedding=unpack(r.embedding),
                          model=r.model, sample_hashes=tuple(json.loads(r.sample_hashes)),
                          created_at=r.created_at)

    def save_voiceprint(self, voiceprint: Voiceprint) -> None:
        self._conn.execute(voiceprints.delete().where(
            voiceprints.c.customer_id == voiceprint.customer_id))
        self._conn.execute(voiceprints.insert(), {
            "id": voiceprint.id, "customer_id": voiceprint.customer_id,
            "device_binding_id": voiceprint.device_binding_id,
            "embedding": pack(voiceprint.embedding), "model": voiceprint.model,
            "sample_hashes": json.dumps(list(voiceprint.sample_hashes)),
            "created_at": voiceprint.created_at})

    def attempts(self, customer_id: UUID) -> VoiceAttempts | None:
        take_turn(self._conn, f"voice_attempts:{customer_id}")  # writers: every failure counts
        r = self._conn.execute(sa.select(voice_attempts).where(
            voice_attempts.c.customer_id == customer_id)).first()
        return VoiceAttempts(r.customer_id, r.failures, r.last_failure_at, r.disabled) if r else None

    def save_attempts(self, attempts: VoiceAttempts) -> None:
        take_turn(self._conn, f"voice_attempts:{attempts.customer_id}")  # delete + insert: alone
        self._conn.execute(voice_attempts.delete().where(
            voice_attempts.c.customer_id == attempts.customer_id))
        self._conn.execute(voice_attempts.insert(), {
            "customer_id": attempts.customer_id, "failures": attempts.failures,
            "last_failure_at": attempts.last_failure_at, "disabled": attempts.disabled})

    def seen(self, customer_id: UUID, sha256: str) -> bool:
        return self._conn.execute(sa.select(voice_samples.c.sha256).where(
            voice_samples.c.customer_id == customer_id,
            voice_samples.c.sha256 == sha256)).first() is not None

    def accepted_embeddings(self, customer_id: UUID, limit: int) -> list[Embedding]:
        query = sa.select(voice_samples.c.embedding).where(
            voice_samples.c.customer_id == customer_id, voice_samples.c.accepted.is_(True)) \
            .order_by(voice_samples.c.seen_at.desc()).limit(limit)
        return [unpack(blob) for blob in self._conn.execute(query).scalars()]

    def remember(self, customer_id: UUID, sample: VoiceSample, accepted: bool,
                 when: datetime) -> None:
        self._conn.execute(voice_samples.insert(), {
            "customer_id": customer_id, "sha256": sample.sha256, "accepted": accepted,
            "embedding": pack(sample.embedding) if accepted else None, "seen_at": when})

    def forget(self, customer_id: UUID) -> None:
        for table in (voice_samples, voiceprints, voice_attempts):
            self._conn.execute(table.delete().where(table.c.customer_id == customer_id))
