"""Reading one VAANI_* value strictly: a value that does not describe a runnable bank stops
start-up with a message saying what to set."""

from __future__ import annotations

from collections.abc import Mapping

from domain.errors import DomainError
from domain.interest import rate_per_million
from domain.money import Money


class ConfigurationError(Exception):
    """The environment does not describe a runnable bank; the message says what to set."""


def whole_number(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be an integer, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigurationError(f"{name} must be between {low} and {high}, got {value}")
    return value


def amount(env: Mapping[str, str], name: str, default: str) -> str:
    text = env.get(name) or default
    try:
        Money.parse(text)
    except DomainError:
        raise ConfigurationError(f"{name} must be an amount such as {default}, got {text!r}"
                                 ) from None
    return text


def rate_percent(env: Mapping[str, str], name: str, default: str) -> int:
    """An annual rate in percent ("3.50"), as parts per million."""
    text = env.get(name) or default
    try:
        return rate_per_million(text)
    except DomainError as error:
        raise ConfigurationError(f"{name}: {error.message}") from None
