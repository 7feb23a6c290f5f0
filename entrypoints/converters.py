"""The one cattrs converter: strict about money, strings and ids; extra keys refused."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, TypeVar

from cattrs import Converter
from cattrs.errors import BaseValidationError, ClassValidationError, ForbiddenExtraKeysError
from cattrs.gen import make_dict_structure_fn, override
from cattrs.v import format_exception, transform_error

from domain.dispute import DisputeReason
from domain.errors import ValidationError
from domain.ledger import Channel
from domain.money import Money
from domain.reminder import ReminderStatus, ReminderType
from entrypoints import parsing
from entrypoints.http.schemas import StatementBody


def _strict_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    # A NUL or a lone surrogate can be spelled in JSON but stored by no database: refuse here.
    # Strict UTF-8 encodes every code point but the surrogates (in C, not a loop per character).
    try:
        value.encode()
    except UnicodeEncodeError:
        raise ValueError("the text holds a NUL character or invalid unicode") from None
    if "\x00" in value:
        raise ValueError("the text holds a NUL character or invalid unicode")
    return value


# JSON's safe integers (RFC 8259 section 6): larger ones no client can send exactly anyway.
MAX_INT = (1 << 53) - 1


def _strict_int(value: Any, _: type) -> int:
    if type(value) is not int:
        raise TypeError(f"expected an integer, got {type(value).__name__}")
    if not -MAX_INT <= value <= MAX_INT:
        raise parsing.Refused(f"must be between {-MAX_INT} and {MAX_INT}")
    return value


def _strict_bool(value: Any, _: type) -> bool:
    if type(value) is not bool:
        raise TypeError(f"expected true or false, got {type(value).__name__}")
    return value


def _money(value: Any, _: type) -> Money:
    if not isinstance(value, dict) or set(value) != {"amount", "currency"}:
        raise TypeError('money must be {"amount": "1250.50", "currency": "INR"}')
    if not isinstance(value["amount"], str) or not isinstance(value["currency"], str):
        raise TypeError("money amount and currency must be strings, e.g. \"1250.50\"")
    return Money.parse(value["amount"], value["currency"])


def _date(value: Any, _: type) -> date:
    if not isinstance(value, str):
        raise TypeError("expected a date string YYYY-MM-DD")
    return parsing.calendar_date(value)


def _moment(value: Any, _: type) -> datetime:
    if not isinstance(value, str):
        raise TypeError("expected an RFC 3339 timestamp string")
    return parsing.moment(value)


def _enum(value: Any, kind: type[enum.Enum]) -> enum.Enum:
    if not isinstance(value, str):
        raise TypeError(f"expected one of {[m.value for m in kind]}")
    return kind(value)


REQUEST_ENUMS: tuple[type[enum.Enum], ...] = (Channel, ReminderType, ReminderStatus,
                                               DisputeReason)


def build_converter() -> Converter:
    converter = Converter(forbid_extra_keys=True)
    converter.register_structure_hook(str, _strict_str)
    converter.register_structure_hook(int, _strict_int)
    converter.register_structure_hook(bool, _strict_bool)
    converter.register_structure_hook(Money, _money)
    converter.register_structure_hook(date, _date)
    converter.register_structure_hook(datetime, _moment)
    # Registered per enum: the most specific class wins over the str hook for a StrEnum.
    for kind in REQUEST_ENUMS:
        converter.register_structure_hook(kind, _enum)
    # `from` is a Python keyword; StatementBody spells it from_.
    converter.register_structure_hook(StatementBody, make_dict_structure_fn(
        StatementBody, converter, _cattrs_forbid_extra_keys=True, from_=override(rename="from")))
    converter.register_unstructure_hook(Money, lambda m: {"amount": m.format(),
                                                          "currency": m.currency})
    return converter


CONVERTER = build_converter()


T = TypeVar("T")


def structure(data: Any, kind: type[T]) -> T:
    """Structure a request body, turning every cattrs complaint into one validation_error."""
    if not isinstance(data, dict):
        raise ValidationError("the request body must be a JSON object")
    try:
        return CONVERTER.structure(data, kind)
    except ValidationError:
        raise
    except ClassValidationError as error:
        domain = _first_domain_error(error)
        if domain is not None:
            raise domain from None
        raise ValidationError("the request body is invalid",
                              errors=_messages(error)) from None
    except (BaseValidationError, ForbiddenExtraKeysError, TypeError, ValueError) as error:
        raise ValidationError("the request body is invalid", errors=[str(error)]) from None


def _first_domain_error(error: BaseException) -> ValidationError | None:
    for inner in getattr(error, "exceptions", ()):
        if isinstance(inner, ValidationError):
            return inner
        nested = _first_domain_error(inner)
        if nested is not None:
            return nested
    return None


def _messages(error: ClassValidationError) -> list[str]:
    return [m.replace("invalid value for type, expected", "expected")
            for m in transform_error(error, format_exception=_described)]


def _described(error: BaseException, kind: type | None) -> str:
    """The strict parsers' own words (what is accepted), else cattrs' description."""
    if isinstance(error, parsing.Refused):
        return f"{getattr(kind, '__name__', 'value')} {error}"
    return format_exception(error, kind)


__all__ = ["CONVERTER", "build_converter", "structure"]
