"""Anchoring the audit trail outside the database: a signing key, and checkpoints signed by it."""

from __future__ import annotations

from application.audit_keys import AuditKeys
from application.ports import Clock
from application.use_cases.audit_trail import VerifyAuditTrail
from domain.audit_checkpoint import Checkpoint, SignedCheckpoint, key_id_of
from domain.errors import AuditTrailBroken, ValidationError


class CreateAuditKey:
    """Makes the key that signs checkpoints; returns its key id. The private key stays with
    the operator (owner-only file); the public key is what verification trusts."""

    def __init__(self, keys: AuditKeys) -> None:
        self._keys = keys

    def execute(self, private_path: str, public_path: str) -> str:
        return key_id_of(self._keys.create(private_path, public_path))


class TakeAuditCheckpoint:
    """Signs where the chain ends now, after proving the chain whole up to there: a checkpoint
    of a broken chain would vouch for the break. The head comes from the same snapshot as the
    walk, so records appended meanwhile neither break nor join it."""

    def __init__(self, verify: VerifyAuditTrail, keys: AuditKeys, clock: Clock) -> None:
        self._verify = verify
        self._keys = keys
        self._clock = clock

    def execute(self, private_path: str) -> SignedCheckpoint:
        public_key = self._keys.public_key(private_path)  # a bad key file fails before the walk
        report = self._verify.execute()
        if not report.ok or report.head is None:
            raise AuditTrailBroken(f"no checkpoint of a broken audit trail: {report.first_break}",
                                   broken_sequence=report.broken_sequence)
        checkpoint = Checkpoint(report.head.sequence, report.head.record_hash,
                                self._clock.now(), key_id_of(public_key))
        signer, signature = self._keys.sign(private_path, checkpoint.payload())
        if signer != public_key:
            raise ValidationError(f"{private_path} changed while the checkpoint was taken",
                                  field="key")
        return SignedCheckpoint(checkpoint, public_key, signature)
