"""The rules engine: each rule reads the context and the customer's incremental profile and
adds points with a reason code and a sentence; the score is capped at 100."""

from __future__ import annotations

from datetime import timedelta

from adapters.fraud.config import RulesConfig
from application.fraud import FraudContext
from domain.device import TrustLevel
from domain.fraud import Assessment, Contribution
from domain.money import Money


class RulesEngine:
    name = "rules"
    version = "1"

    def __init__(self, config: RulesConfig) -> None:
        self._config = config

    def contributions(self, ctx: FraudContext) -> list[Contribution]:
        c, w = self._config, self._config.weights
        found: list[Contribution] = []
        amount = ctx.amount.minor
        stats = ctx.customer.median_and_mad() if ctx.customer.transfers >= c.amount_min_history \
            else None
        if stats is not None:
            median, mad = stats
            z = (amount - median) / (1.4826 * mad + max(1.0, 0.05 * median))
            share = min(1.0, max(0.0, (z - c.amount_z_start) / (c.amount_z_full - c.amount_z_start)))
            if share > 0:
                found.append(Contribution("amount_anomaly", round(w["amount_anomaly"] * share, 1),
                                          f"{ctx.amount} is far above this customer's usual "
                                          f"amount ({Money(int(median), ctx.amount.currency)})"))
        elif amount > c.new_customer_amount:
            found.append(Contribution("amount_anomaly", w["amount_anomaly"] / 2,
                                      f"{ctx.amount} is large for a customer with little history"))
        count, _ = ctx.customer.window(ctx.now, timedelta(hours=1))
        _, day_total = ctx.customer.window(ctx.now, timedelta(hours=24))
        if not ctx.own_account and (count >= c.max_per_hour
                                    or day_total + amount > c.max_per_day_amount):
            found.append(Contribution("velocity", w["velocity"],
                                      f"{count} transfers in the last hour; "
                                      f"{Money(day_total, ctx.amount.currency)} in 24 hours"))
        if not ctx.own_account and ctx.counterparty not in ctx.customer.counterparties:
            found.append(Contribution("new_counterparty", w["new_counterparty"],
                                      "the first payment to this account"))
        if ctx.payee_added_at is not None and \
                ctx.now - ctx.payee_added_at < c.new_beneficiary_window:
            minutes = int((ctx.now - ctx.payee_added_at).total_seconds() // 60)
            found.append(Contribution("new_beneficiary", w["new_beneficiary"],
                                      f"this payee was saved as a beneficiary {minutes} minutes ago"))
        if ctx.device_trust is TrustLevel.SUSPICIOUS:
            found.append(Contribution("device_suspicious", w["device_suspicious"],
                                      "sent from a device not yet confirmed by voice"))
        elif ctx.device_trust is TrustLevel.REVOKED:
            # The customer said this device is not theirs (a password login may still name it):
            # never less than a device merely unconfirmed, so it weighs the suspicious points.
            found.append(Contribution("device_revoked", w["device_suspicious"],
                                      "sent from a device the customer revoked"))
        elif ctx.device_trust is None:
            found.append(Contribution("device_unknown", w["device_unknown"],
                                      "sent from no bound device"))
        elif ctx.device_new:
            # Trusted, but the password alone may have bound it (no voice enrolled): until it
            # has settled it is no known device, so it weighs what an unknown one does.
            found.append(Contribution("device_new", w["device_unknown"],
                                      "sent from a device bound less than a day ago"))
        if ctx.customer.transfers >= c.unusual_hour_min_history and \
                ctx.customer.hour_share(ctx.now.hour) < c.unusual_hour_max_share:
            found.append(Contribution("unusual_hour", w["unusual_hour"],
                                      f"this customer rarely pays at {ctx.now.hour:02d}:00 UTC"))
        if ctx.counterparty_profile.recent_frauds(ctx.now) > 0:
            found.append(Contribution("counterparty_fraud", w["counterparty_fraud"],
                                      "payments to this account were confirmed as fraud "
                                      "in the last 30 days"))
        recent = sorted(set(ctx.security_events) & c.security_events)
        if recent:
            found.append(Contribution("security_events", w["security_events"],
                                      f"recent security events: {', '.join(recent)}"))
        found.extend(self._daily_limits(ctx))
        return found

    def _daily_limits(self, ctx: FraudContext) -> list[Contribution]:
        """The bank's daily limits: per account type and channel, and on every channel
        together per account and per customer, so no channel a caller names lifts them."""
        c, amount, now, kind = self._config, ctx.amount.minor, ctx.now, ctx.account_type.value
        if ctx.amount.currency != c.currency:
            return [Contribution("daily_limit", c.weights["daily_limits"],
                                 f"the bank's daily limits are kept in {c.currency}: a payment "
                                 f"in {ctx.amount.currency} cannot be weighed against them")]
        bucket = f"{kind}:{ctx.channel.value}"
        checks = [(ctx.customer.spent_today(now, bucket),
                   c.daily_limits.get(bucket, c.daily_limit_default),
                   f"for {kind} via {ctx.channel.value}")]
        if kind in c.account_day_limits:
            checks.append((ctx.customer.spent_today_from(now, ctx.account_number),
                           c.account_day_limits[kind], "for this account on every channel"))
        checks.append((ctx.customer.spent_today_in_all(now), c.customer_day_limit,
                       "for all of this customer's accounts on every channel"))
        return [Contribution("daily_limit", self._config.weights["daily_limits"],
                             f"over the daily limit of {Money(limit, ctx.amount.currency)} {scope}")
                for spent, limit, scope in checks if spent + amount > limit][:1]

    def assess(self, context: FraudContext) -> Assessment:
        found = self.contributions(context)
        score = min(100.0, round(sum(c.points for c in found), 1))
        return Assessment(score, self._config.bands.decide(score), tuple(found), self.name,
                          self.version)
