"""Fraud assessments: a 0-100 score built from rule contributions, and the decision it leads to."""

from __future__ import annotations

import enum
from datetime import datetime
from uuid import UUID

import attrs


class Decision(enum.StrEnum):
    ALLOW = "allow"
    CHALLENGE = "challenge"  # step-up: voice or UPI PIN within minutes
    REVIEW = "review"  # an operator decides
    BLOCK = "block"  # refused outright


class Label(enum.StrEnum):
    CONFIRMED_FRAUD = "confirmed_fraud"
    LEGITIMATE = "legitimate"


@attrs.frozen
class Contribution:
    """One rule's part of a score, with a stable reason code and a sentence for people."""

    code: str
    points: float
    reason: str


@attrs.frozen
class Assessment:
    score: float
    decision: Decision
    contributions: tuple[Contribution, ...]
    engine: str
    version: str

    def reasons(self) -> list[str]:
        return [c.reason for c in self.contributions if c.points > 0]


@attrs.frozen
class DecisionBands:
    """Ordered thresholds on the score: below `challenge` allow, then challenge, review, block."""

    challenge: float = 40.0
    review: float = 70.0
    block: float = 90.0

    def __attrs_post_init__(self) -> None:
        if not 0 < self.challenge <= self.review <= self.block <= 100:
            raise ValueError("decision bands must satisfy 0 < challenge <= review <= block <= 100")

    def decide(self, score: float) -> Decision:
        if score >= self.block:
            return Decision.BLOCK
        if score >= self.review:
            return Decision.REVIEW
        if score >= self.challenge:
            return Decision.CHALLENGE
        return Decision.ALLOW


@attrs.frozen
class StoredAssessment:
    """An assessment as kept beside its transfer."""

    transfer_id: UUID
    assessment: Assessment
    assessed_at: datetime
