"""Voice biometrics and fraud-scoring repositories over the memory store. Reads see committed
state plus this transaction's staged changes; writes are staged until commit."""

from __future__ import annotations

import copy
from datetime import datetime
from uuid import UUID

from adapters.memory.staged import Staged
from adapters.memory.store import MemoryStore
from domain.fraud import StoredAssessment
from domain.fraud_profile import CounterpartyProfile, CustomerProfile
from domain.voice import Embedding, VoiceAttempts, Voiceprint, VoiceSample


class MemoryVoice:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def voiceprint(self, customer_id: UUID) -> Voiceprint | None:
        if customer_id in self._staged.forgotten_voices:
            return self._staged.voiceprints.get(customer_id)
        with self._store.state:
            return self._staged.voiceprints.get(customer_id) or \
                self._store.voiceprints.get(customer_id)

    def save_voiceprint(self, voiceprint: Voiceprint) -> None:
        self._staged.voiceprints[voiceprint.customer_id] = copy.copy(voiceprint)

    def attempts(self, customer_id: UUID) -> VoiceAttempts | None:
        if customer_id in self._staged.forgotten_voices:
            return copy.copy(self._staged.voice_attempts.get(customer_id))
        with self._store.state:
            found = self._staged.voice_attempts.get(customer_id) or \
                self._store.voice_attempts.get(customer_id)
        return copy.copy(found) if found else None

    def save_attempts(self, attempts: VoiceAttempts) -> None:
        self._staged.voice_attempts[attempts.customer_id] = copy.copy(attempts)

    def _samples(self) -> dict[tuple[UUID, str], tuple[VoiceSample, bool, datetime]]:
        gone = self._staged.forgotten_voices
        with self._store.state:
            kept = {k: v for k, v in self._store.voice_samples.items() if k[0] not in gone}
        return {**kept, **self._staged.voice_samples}

    def seen(self, customer_id: UUID, sha256: str) -> bool:
        return (customer_id, sha256) in self._samples()

    def accepted_embeddings(self, customer_id: UUID, limit: int) -> list[Embedding]:
        mine = sorted(((when, s) for (c, _), (s, ok, when) in self._samples().items()
                       if c == customer_id and ok), key=lambda pair: pair[0], reverse=True)
        return [s.embedding for _, s in mine[:limit]]

    def remember(self, customer_id: UUID, sample: VoiceSample, accepted: bool,
                 when: datetime) -> None:
        self._staged.voice_samples[(customer_id, sample.sha256)] = (sample, accepted, when)

    def forget(self, customer_id: UUID) -> None:
        self._staged.forgotten_voices.add(customer_id)
        self._staged.voiceprints.pop(customer_id, None)
        self._staged.voice_attempts.pop(customer_id, None)
        for key in [k for k in self._staged.voice_samples if k[0] == customer_id]:
            del self._staged.voice_samples[key]


class MemoryFraud:
    def __init__(self, store: MemoryStore, staged: Staged) -> None:
        self._store, self._staged = store, staged

    def _get(self, key: tuple[str, str]) -> object | None:
        with self._store.state:
            found = self._staged.fraud_profiles.get(key) or self._store.fraud_profiles.get(key)
        return copy.deepcopy(found)

    def profiles(self, customer_id: UUID, counterparty: str
                 ) -> tuple[CustomerProfile | None, CounterpartyProfile | None]:
        return self.customer_profile(customer_id), self.counterparty_profile(counterparty)

    def customer_profile(self, customer_id: UUID) -> CustomerProfile | None:
        found = self._get(("customer", str(customer_id)))
        return found if isinstance(found, CustomerProfile) else None

    def save_customer_profile(self, profile: CustomerProfile) -> None:
        self._staged.fraud_profiles[("customer", str(profile.customer_id))] = copy.deepcopy(profile)

    def counterparty_profile(self, key: str) -> CounterpartyProfile | None:
        found = self._get(("counterparty", key))
        return found if isinstance(found, CounterpartyProfile) else None

    def save_counterparty_profile(self, profile: CounterpartyProfile) -> None:
        self._staged.fraud_profiles[("counterparty", profile.key)] = copy.deepcopy(profile)

    def add_assessment(self, stored: StoredAssessment) -> None:
        self._staged.assessments[stored.transfer_id] = stored

    def assessment(self, transfer_id: UUID) -> StoredAssessment | None:
        with self._store.state:
            return self._staged.assessments.get(transfer_id) or \
                self._store.assessments.get(transfer_id)
