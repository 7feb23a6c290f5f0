"""Reading and checking the rules file: a bad file stops start-up with a message that says
which key is wrong, never a half-configured engine."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from domain.errors import ValidationError
from domain.fraud import DecisionBands
from domain.ledger import Channel
from domain.money import Money

ACCOUNT_KINDS = ("savings", "current")


class RulesFileError(ValueError):
    """The rules file is missing, malformed or out of range; the message names the key."""


@attrs.frozen
class RulesConfig:
    bands: DecisionBands
    weights: Mapping[str, float]
    amount_z_start: float
    amount_z_full: float
    amount_min_history: int
    new_customer_amount: int
    max_per_hour: int
    max_per_day_amount: int
    unusual_hour_min_history: int
    unusual_hour_max_share: float
    security_events: frozenset[str]
    new_beneficiary_window: timedelta
    daily_limit_default: int
    daily_limits: Mapping[str, int]  # "account_type:CHANNEL" -> minor units
    # All channels together, so the channel a caller names can never lift a limit:
    account_day_limits: Mapping[str, int]  # account type -> minor units, for one account
    customer_day_limit: int  # minor units, for all of one customer's accounts
    # The currency of every amount in the file: a payment in another is never weighed
    # against them (its minor units are not these).
    currency: str = "INR"


def _get(table: Mapping[str, Any], path: str, kind: type) -> Any:
    node: Any = table
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise RulesFileError(f"rules file: missing key {path!r}")
        node = node[part]
    if kind is float and isinstance(node, int) and not isinstance(node, bool):
        node = float(node)
    if not isinstance(node, kind) or (isinstance(node, bool) and kind is not bool):
        raise RulesFileError(f"rules file: {path!r} must be {kind.__name__}, got {node!r}")
    return node


def _money(table: Mapping[str, Any], path: str) -> int:
    try:
        return Money.parse(_get(table, path, str), _currency(table)).minor
    except ValidationError as error:
        raise RulesFileError(f"rules file: {path!r}: {error.message}") from None


def _currency(table: Mapping[str, Any]) -> str:
    """`daily_limits.currency`, INR where the file does not say."""
    found = table.get("daily_limits", {}).get("currency", "INR")
    if not (isinstance(found, str) and len(found) == 3 and found.isascii() and found.isupper()):
        raise RulesFileError(f"rules file: daily_limits.currency must be an ISO 4217 code, "
                             f"got {found!r}")
    return found


def load_rules(path: Path | None = None) -> RulesConfig:
    try:
        text = path.read_text() if path else \
            resources.files("adapters.fraud").joinpath("rules.toml").read_text()
        raw = tomllib.loads(text)
    except OSError as error:
        raise RulesFileError(f"rules file {path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise RulesFileError(f"rules file {path or 'rules.toml'}: {error}") from None
    try:
        bands = DecisionBands(_get(raw, "bands.challenge", float), _get(raw, "bands.review", float),
                              _get(raw, "bands.block", float))
    except ValueError as error:
        raise RulesFileError(f"rules file: bands: {error}") from None
    weights = {name: _get(raw, f"{name}.weight", float) for name in (
        "amount_anomaly", "velocity", "new_counterparty", "unusual_hour", "counterparty_fraud",
        "security_events", "daily_limits", "new_beneficiary")}
    weights["device_suspicious"] = _get(raw, "device.suspicious_weight", float)
    weights["device_unknown"] = _get(raw, "device.unknown_weight", float)
    for name, weight in weights.items():
        if not 0 <= weight <= 100:
            raise RulesFileError(f"rules file: weight of {name} must be within 0..100")
    if weights["daily_limits"] < bands.block:  # else a PIN would let a payment over a limit
        raise RulesFileError("rules file: daily_limits.weight must reach bands.block: a "
                             "payment over a daily limit is refused, never only challenged")
    limits = _channel_limits(raw)
    totals = {kind: _money(raw, f"daily_limits.all_channels.{kind}") for kind in ACCOUNT_KINDS}
    return RulesConfig(
        bands=bands, weights=weights,
        amount_z_start=_get(raw, "amount_anomaly.z_start", float),
        amount_z_full=_get(raw, "amount_anomaly.z_full", float),
        amount_min_history=_get(raw, "amount_anomaly.min_history", int),
        new_customer_amount=_money(raw, "amount_anomaly.new_customer_amount"),
        max_per_hour=_get(raw, "velocity.max_per_hour", int),
        max_per_day_amount=_money(raw, "velocity.max_per_day_amount"),
        unusual_hour_min_history=_get(raw, "unusual_hour.min_history", int),
        unusual_hour_max_share=_get(raw, "unusual_hour.max_share", float),
        security_events=frozenset(_get(raw, "security_events.events", list)),
        new_beneficiary_window=timedelta(minutes=_get(raw, "new_beneficiary.minutes", int)),
        daily_limit_default=_money(raw, "daily_limits.default"),
        daily_limits=limits,
        account_day_limits=totals,
        customer_day_limit=_money(raw, "daily_limits.all_channels.customer"),
        currency=_currency(raw),
    )


def _channel_limits(raw: Mapping[str, Any]) -> dict[str, int]:
    """Per account type and channel; a misspelt channel or table would silently fall back to
    the default, so it stops start-up instead."""
    section = _get(raw, "daily_limits", dict)
    tables = ("weight", "currency", "default", "all_channels", *ACCOUNT_KINDS)
    for key in section:
        if key not in tables:
            raise RulesFileError(f"rules file: 'daily_limits.{key}' is not one of "
                                 f"{', '.join(tables)}")
    limits = {}
    for kind in ACCOUNT_KINDS:
        for channel in section.get(kind, {}):
            if channel not in Channel.__members__:
                raise RulesFileError(f"rules file: 'daily_limits.{kind}.{channel}': no such "
                                     f"channel (one of {', '.join(Channel.__members__)})")
            limits[f"{kind}:{channel}"] = _money(raw, f"daily_limits.{kind}.{channel}")
    return limits
