"""A device the customer revoked weighs at least what a suspicious one does, and a trusted device
bound less than a day ago (`device_new`) what an unknown one does, in the rules, in the model's
features and in the composite engine; the model's feature layout is unchanged."""

from __future__ import annotations

import attrs
import pytest

from adapters.fraud.composite import CompositeEngine
from adapters.fraud.config import load_rules
from adapters.fraud.features import NAMES, features
from adapters.fraud.logistic import LogisticModel
from adapters.fraud.rules import RulesEngine
from application.fraud import FraudContext
from domain.device import TrustLevel
from tests.unit.test_fraud_rules import context

SUSPICIOUS, REVOKED = TrustLevel.SUSPICIOUS, TrustLevel.REVOKED


def young(trust: TrustLevel | None = TrustLevel.TRUSTED, amount: str = "100.00") -> FraudContext:
    """A payment from a device bound less than the settling day ago."""
    return attrs.evolve(context(amount, trust=trust), device_new=True)


def device_points(trust: TrustLevel | None, amount: str = "100.00", new: bool = False) -> float:
    ctx = young(trust, amount) if new else context(amount, trust=trust)
    found = RulesEngine(load_rules()).contributions(ctx)
    return sum(c.points for c in found if c.code.startswith("device"))


@pytest.mark.parametrize("amount", ["1.00", "100.00", "5000.00"])
def test_the_rules_weigh_a_revoked_device_at_least_as_a_suspicious_one(amount: str) -> None:
    rules = RulesEngine(load_rules())
    revoked = rules.assess(context(amount, trust=REVOKED))
    assert device_points(REVOKED, amount) >= device_points(SUSPICIOUS, amount) > 0
    assert revoked.score >= rules.assess(context(amount, trust=SUSPICIOUS)).score
    assert revoked.score > rules.assess(context(amount, trust=TrustLevel.TRUSTED)).score
    assert "device_revoked" in {c.code for c in revoked.contributions}
    assert any("revoked" in reason for reason in revoked.reasons())


def test_the_features_put_a_revoked_device_on_the_suspicious_feature() -> None:
    revoked = features(context("100.00", trust=REVOKED))
    assert len(revoked) == len(NAMES)  # the layout a trained model was saved with
    assert revoked[NAMES.index("device_suspicious")] == 1.0
    assert revoked[NAMES.index("device_unknown")] == 0.0
    assert revoked == features(context("100.00", trust=SUSPICIOUS))
    trusted = features(context("100.00", trust=TrustLevel.TRUSTED))
    assert trusted[NAMES.index("device_suspicious")] == 0.0


def model(device_weight: float, bias: float) -> LogisticModel:
    """A model that looks at the device only (the other weights are zero)."""
    n = len(NAMES)
    weights = [0.0] * n
    weights[NAMES.index("device_suspicious")] = device_weight
    return LogisticModel(tuple(weights), bias, (0.0,) * n, (1.0,) * n)


def test_a_model_trained_on_the_features_scores_a_revoked_device_as_a_suspicious_one() -> None:
    lr = model(4.0, -2.0)
    revoked = lr.probability(features(context("100.00", trust=REVOKED)))
    assert revoked == lr.probability(features(context("100.00", trust=SUSPICIOUS)))
    assert revoked > lr.probability(features(context("100.00", trust=TrustLevel.TRUSTED)))


def test_the_composite_engine_keeps_the_revoked_devices_points_as_policy() -> None:
    """A model that rates everything near zero cannot silence the revoked device's points."""
    engine = CompositeEngine(load_rules(), model(0.0, -40.0))
    revoked = engine.assess(context("100.00", trust=REVOKED))
    suspicious = engine.assess(context("100.00", trust=SUSPICIOUS))
    assert revoked.score >= suspicious.score > 0
    assert revoked.score >= device_points(SUSPICIOUS)


@pytest.mark.parametrize("amount", ["1.00", "100.00", "5000.00"])
def test_the_rules_weigh_a_trusted_device_bound_today_as_an_unknown_one(amount: str) -> None:
    rules = RulesEngine(load_rules())
    new = rules.assess(young(amount=amount))
    assert device_points(TrustLevel.TRUSTED, amount, new=True) == device_points(None, amount) > 0
    assert new.score == rules.assess(context(amount, trust=None)).score
    assert new.score > rules.assess(context(amount, trust=TrustLevel.TRUSTED)).score
    assert {c.code for c in new.contributions if c.code.startswith("device")} == {"device_new"}
    assert any("bound less than a day ago" in reason for reason in new.reasons())


def test_a_device_bound_today_and_not_trusted_weighs_its_trust_only() -> None:
    """Suspicious and revoked already weigh more than new: being new adds nothing to them."""
    for trust in (SUSPICIOUS, REVOKED):
        assert device_points(trust, new=True) == device_points(trust)


def test_the_features_put_a_trusted_device_bound_today_on_the_unknown_feature() -> None:
    new = features(young())
    assert len(new) == len(NAMES)
    assert new[NAMES.index("device_unknown")] == 1.0
    assert new[NAMES.index("device_suspicious")] == 0.0
    assert new == features(context("100.00", trust=None))
    assert features(young(SUSPICIOUS)) == features(context("100.00", trust=SUSPICIOUS))


def test_the_composite_engine_keeps_the_new_devices_points_as_policy() -> None:
    """A model that rates everything near zero cannot silence a new device's points."""
    engine = CompositeEngine(load_rules(), model(0.0, -40.0))
    new = engine.assess(young())
    assert new.score == engine.assess(context("100.00", trust=None)).score
    assert new.score >= device_points(None) > 0
    assert engine.assess(context("100.00", trust=TrustLevel.TRUSTED)).score < new.score
