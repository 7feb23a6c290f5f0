"""A fraud engine whose decision is read off the amount, for property tests of money flows
(the rules themselves are tested with the shipped engine): paise % 4 picks the decision."""

from __future__ import annotations

from application.fraud import FraudContext
from domain.fraud import Assessment, Contribution, Decision

BY_REMAINDER = (Decision.ALLOW, Decision.CHALLENGE, Decision.REVIEW, Decision.BLOCK)


class AmountScriptedEngine:
    name = "scripted"
    version = "test"

    def assess(self, context: FraudContext) -> Assessment:
        decision = BY_REMAINDER[context.amount.minor % 4]
        score = {Decision.ALLOW: 0.0, Decision.CHALLENGE: 50.0, Decision.REVIEW: 80.0,
                 Decision.BLOCK: 95.0}[decision]
        return Assessment(score, decision, (Contribution("scripted", score, "scripted"),),
                          self.name, self.version)
