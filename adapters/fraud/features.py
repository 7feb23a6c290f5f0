"""Numeric features of a transfer for the statistical model: what the rules look at, as
numbers rather than points. Everything comes from the context and the incremental profiles."""

from __future__ import annotations

import math
from datetime import timedelta

from application.fraud import FraudContext
from domain.device import TrustLevel

NAMES = (
    "log_amount", "amount_robust_z", "amount_vs_max", "history_log", "count_1h", "count_24h",
    "sum_24h_ratio", "new_counterparty", "counterparty_payments_log", "counterparty_fraud",
    "counterparty_fraud_rate", "counterparty_age_days_log", "hour_share", "night",
    "device_suspicious", "device_unknown", "security_events",
    "count_1d", "count_7d", "count_30d", "amount_vs_avg_1d", "amount_vs_avg_7d",
    "amount_vs_avg_30d", "payee_risk_1d", "payee_risk_7d", "payee_risk_30d",
    "payee_volume_30d_log", "amount_hundreds", "log_amount_squared", "payee_risk_7d_x_volume",
)
LABEL_DELAY_DAYS = 7
_UNTRUSTED = (TrustLevel.SUSPICIOUS, TrustLevel.REVOKED)  # both set "device_suspicious"


def features(ctx: FraudContext) -> list[float]:
    amount = ctx.amount.minor / 100
    profile, payee = ctx.customer, ctx.counterparty_profile
    stats = profile.median_and_mad()
    if stats is not None:
        median, mad = stats
        z = (ctx.amount.minor - median) / (1.4826 * mad + max(1.0, 0.05 * median))
        largest = max(profile.recent_amounts)
    else:
        z, largest = 0.0, 0
    count_1h, _ = profile.window(ctx.now, timedelta(hours=1))
    count_24h, sum_24h = profile.window(ctx.now, timedelta(hours=24))
    labelled = payee.confirmed_fraud + payee.legitimate
    age = (ctx.now - payee.first_seen).total_seconds() / 86400 if payee.first_seen else 0.0
    windows = []
    for days in (1, 7, 30):
        count, total = profile.daily(ctx.now, days)
        windows.append((float(count), ctx.amount.minor * count / total if total else 1.0))
    risks = [payee.fraud_rate(ctx.now, LABEL_DELAY_DAYS, days) for days in (1, 7, 30)]
    return [
        math.log1p(amount),
        max(-5.0, min(z, 50.0)),
        ctx.amount.minor / largest if largest else 1.0,
        math.log1p(profile.transfers),
        float(count_1h),
        float(count_24h),
        (sum_24h + ctx.amount.minor) / (ctx.amount.minor + 1),
        0.0 if ctx.own_account or ctx.counterparty in profile.counterparties else 1.0,
        math.log1p(payee.payments),
        float(payee.confirmed_fraud > 0),
        payee.confirmed_fraud / labelled if labelled else 0.0,
        math.log1p(max(age, 0.0)),
        profile.hour_share(ctx.now.hour),
        1.0 if ctx.now.hour < 6 else 0.0,
        # A revoked device (the customer disowned it) is at least as risky as a suspicious one.
        # It sets that feature rather than one of its own: the trained model's vector (NAMES)
        # keeps its layout, so a shipped model still loads and weighs it the suspicious way.
        1.0 if ctx.device_trust in _UNTRUSTED else 0.0,
        # A trusted device not yet settled (`device_new`) is no known device: it sets the
        # unknown device's feature, as the rules weigh it, and the layout stays the same.
        1.0 if ctx.device_trust is None or (ctx.device_new and ctx.device_trust not in _UNTRUSTED)
        else 0.0,
        float(len(ctx.security_events) > 0),
        *(count for count, _ in windows),
        *(min(ratio, 50.0) for _, ratio in windows),
        *(rate for rate, _ in risks),
        math.log1p(risks[2][1]),
        amount / 100,  # linear in the amount too: large payments are risky beyond the log
        math.log1p(amount) ** 2,
        risks[1][0] * math.log1p(risks[1][1]),
    ]
