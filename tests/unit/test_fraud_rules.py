"""The rules engine and its configuration file."""

from __future__ import annotations

import statistics
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.fraud.config import RulesFileError, load_rules
from adapters.fraud.rules import RulesEngine
from application.fraud import FraudContext
from domain.account import AccountType
from domain.device import TrustLevel
from domain.fraud import Decision
from domain.fraud_profile import CounterpartyProfile, CustomerProfile
from domain.ledger import Channel
from domain.money import Money

NOW = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)
SHIPPED = Path(__file__).resolve().parents[2] / "adapters" / "fraud" / "rules.toml"


def habit(payments: int = 30, amount: int = 10_000) -> CustomerProfile:
    profile = CustomerProfile(uuid.uuid4())
    for i in range(payments):
        profile.observe(amount, NOW - timedelta(days=payments - i, hours=0), "payee", "savings:MOBILE")
    return profile


def context(amount: str, profile: CustomerProfile | None = None, payee: str = "payee",
            trust: TrustLevel | None = TrustLevel.TRUSTED, events: tuple[str, ...] = (),
            channel: Channel = Channel.MOBILE, when: datetime = NOW,
            counterparty: CounterpartyProfile | None = None) -> FraudContext:
    profile = profile or habit()
    return FraudContext(profile.customer_id, Money.parse(amount), AccountType.SAVINGS, channel,
                        payee, False, when, profile, counterparty or CounterpartyProfile(payee),
                        trust, events)


def codes(ctx: FraudContext) -> set[str]:
    return {c.code for c in RulesEngine(load_rules()).contributions(ctx)}


def test_a_usual_payment_scores_nothing() -> None:
    assessment = RulesEngine(load_rules()).assess(context("100.00"))
    assert assessment.score == 0 and assessment.decision is Decision.ALLOW


def test_each_rule_speaks_for_itself() -> None:
    assert "amount_anomaly" in codes(context("5000.00"))
    assert "new_counterparty" in codes(context("100.00", payee="someone-new"))
    assert "device_suspicious" in codes(context("100.00", trust=TrustLevel.SUSPICIOUS))
    assert "device_unknown" in codes(context("100.00", trust=None))
    assert "security_events" in codes(context("100.00", events=("auth.lockout",)))
    assert "daily_limit" in codes(context("60000.00", channel=Channel.ATM))
    assert "unusual_hour" in codes(context("100.00", when=NOW.replace(hour=3)))
    flagged = CounterpartyProfile("payee")
    flagged.observe(NOW - timedelta(days=2))
    flagged.label(NOW - timedelta(days=2), fraud=True)
    assert "counterparty_fraud" in codes(context("100.00", counterparty=flagged))
    busy = habit()
    for minute in range(6):
        busy.observe(10_000, NOW - timedelta(minutes=minute + 1), "payee", "savings:MOBILE")
    assert "velocity" in codes(context("100.00", profile=busy))


def test_reasons_are_sentences_and_the_score_is_capped() -> None:
    assessment = RulesEngine(load_rules()).assess(context(
        "60000.00", payee="new", trust=TrustLevel.SUSPICIOUS, events=("auth.lockout",),
        channel=Channel.ATM))
    assert assessment.score == 100 and assessment.decision is Decision.BLOCK
    assert all(len(reason) > 10 for reason in assessment.reasons())


@pytest.mark.parametrize(("change", "complaint"), [
    (("challenge = 40", "challenge = 80"), "bands"),
    (("weight = 45", "weight = 450"), "amount_anomaly"),
    (('default = "200000.00"', 'default = "2e5"'), "daily_limits.default"),
    (("[velocity]", "[speed]"), "velocity"),
    (("max_per_hour = 5", 'max_per_hour = "five"'), "velocity.max_per_hour"),
    (("[bands]", "[bands"), "rules.toml"),
    (('ATM = "50000.00"', 'ATMM = "50000.00"'), "daily_limits.savings.ATMM"),  # no such channel
    (("[daily_limits.current]", "[daily_limits.curent]"), "daily_limits.curent"),
    (('customer = "500000.00"', 'customers = "500000.00"'), "daily_limits.all_channels.customer"),
    (("weight = 100 ", "weight = 60 "), "daily_limits.weight must reach bands.block"),
    (('currency = "INR"', 'currency = "rupees"'), "daily_limits.currency"),
])
def test_a_bad_rules_file_is_refused_naming_the_key(tmp_path: Path, change: tuple[str, str],
                                                    complaint: str) -> None:
    broken = tmp_path / "rules.toml"
    broken.write_text(SHIPPED.read_text().replace(*change, 1))
    with pytest.raises(RulesFileError, match=complaint.replace(".", r"\.")):
        load_rules(broken)


def test_a_busy_customers_profile_stays_small() -> None:
    profile = CustomerProfile(uuid.uuid4())
    for i in range(5000):  # a transfer every 30 seconds for almost two days
        profile.observe(100, NOW + timedelta(seconds=30 * i), f"payee-{i % 50}", "savings:UPI")
    assert len(profile.minutes) <= 24 * 60 and len(profile.recent_amounts) == 100
    end = NOW + timedelta(seconds=30 * 4999)
    assert profile.window(end, timedelta(hours=1)) == (120, 12_000)


@given(st.lists(st.integers(min_value=0, max_value=10**12), min_size=5, max_size=100))
def test_the_amount_statistics_are_the_textbook_median_and_mad(amounts: list[int]) -> None:
    profile = CustomerProfile(uuid.uuid4(), transfers=len(amounts), recent_amounts=amounts)
    median = statistics.median(amounts)
    assert profile.median_and_mad() == (float(median),
                                        float(statistics.median(abs(a - median) for a in amounts)))


def test_the_daily_limits_hold_on_every_channel_together() -> None:
    """Per account type and channel, per account and per customer (issue #30, item 1): a
    channel with a wide limit of its own lifts neither the account's nor the customer's."""
    profile = habit()
    profile.observe(150_000_00, NOW - timedelta(minutes=5), "payee", "savings:MOBILE", "S-1")
    ctx = attrs.evolve(context("60000.00", profile=profile, channel=Channel.ONLINE),
                       account_number="S-1")
    assert codes(ctx) >= {"daily_limit"}
    reasons = RulesEngine(load_rules()).assess(ctx).reasons()
    assert "over the daily limit of 200000.00 INR for this account on every channel" in reasons
    other = attrs.evolve(ctx, account_number="S-2")  # another account: its own limit is free
    assert "daily_limit" not in codes(other)
    profile.observe(300_000_00, NOW - timedelta(minutes=4), "payee", "current:UPI", "C-1")
    assert "daily_limit" in codes(other)  # 4,50,000.00 + 60,000.00 > 5,00,000.00 in all
    tomorrow = attrs.evolve(other, now=NOW + timedelta(days=1))
    assert "daily_limit" not in codes(tomorrow)


@pytest.mark.parametrize("amount", [Money.parse("199999.00", "USD"), Money(19_999_999, "JPY")])
def test_a_payment_in_another_currency_is_never_weighed_against_rupee_limits(
        amount: Money) -> None:
    """The limits are minor units of the file's currency: a dollar is not a rupee, nor a yen a
    paisa (review of issue #30)."""
    ctx = attrs.evolve(context("1.00"), amount=amount)
    assessment = RulesEngine(load_rules()).assess(ctx)
    assert assessment.decision is Decision.BLOCK
    assert any("kept in INR" in reason for reason in assessment.reasons())


def test_a_host_whose_clock_is_behind_at_midnight_never_starts_the_day_afresh() -> None:
    """Another host's slightly slow clock must not read, nor reset, today's totals as
    yesterday's (review of issue #30)."""
    profile = CustomerProfile(uuid.uuid4())
    midnight = datetime(2026, 12, 7, tzinfo=UTC)
    profile.count_today(150_000_00, midnight + timedelta(seconds=1), "savings:MOBILE", "S-1")
    behind = midnight - timedelta(seconds=2)
    assert profile.spent_today_from(behind, "S-1") == 150_000_00
    profile.count_today(10_000_00, behind, "savings:MOBILE", "S-1")
    assert profile.spent_today_from(midnight + timedelta(seconds=3), "S-1") == 160_000_00
