"""The rules and the statistical model together. The model reads the same behaviour the
rules read (as numbers) and ranks by probability; the rules that are bank policy rather than
statistics (daily limits, untrusted devices, recent security events) keep their points, so the
model can never silence them; the payee's confirmed-fraud history reaches the score through the
model's payee-risk features instead of a flat penalty."""

from __future__ import annotations

from adapters.fraud.config import RulesConfig
from adapters.fraud.features import features
from adapters.fraud.logistic import LogisticModel
from adapters.fraud.rules import RulesEngine
from application.fraud import FraudContext
from domain.fraud import Assessment, Contribution

POLICY_RULES = frozenset({"daily_limit", "device_suspicious", "device_revoked", "device_unknown",
                          "device_new", "security_events"})


class CompositeEngine:
    name = "composite"

    def __init__(self, config: RulesConfig, model: LogisticModel) -> None:
        self._rules = RulesEngine(config)
        self._bands = config.bands
        self._model = model
        self.version = f"rules-{self._rules.version}+lr"

    def assess(self, context: FraudContext) -> Assessment:
        found = self._rules.contributions(context)
        policy_score = min(100.0, sum(c.points for c in found if c.code in POLICY_RULES))
        model_score = round(100 * self._model.probability(features(context)), 1)
        model = Contribution("model", max(0.0, round(model_score - policy_score, 1)),
                             f"the statistical model rates this {model_score:.0f}/100")
        contributions = (*found, model)
        score = round(max(policy_score, model_score), 1)
        return Assessment(score, self._bands.decide(score), contributions, self.name,
                          self.version)
