"""Query-string and path parameters, each parsed strictly (entrypoints/parsing.py): a bad one
is a validation_error naming it, never a 500."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar
from uuid import UUID

from starlette.requests import Request

from domain.errors import AccountNotFound, DomainError, ValidationError
from domain.events import EVENT_TYPES
from entrypoints import parsing

T = TypeVar("T")
H = TypeVar("H", bound=Callable[..., object])
MAX_PAGE = 100
_MOMENT: dict[str, object] = {"anyOf": [{"type": "string", "format": "date"},
                     {"type": "string", "format": "date-time"}]}
SCHEMAS: dict[str, dict[str, object]] = {
    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 20},
    "cursor": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,40}$"},
    "position": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,100}$"},
    "from": _MOMENT, "to": _MOMENT,
    "type": {"type": "string", "enum": sorted(EVENT_TYPES)}}


def reads(*names: str) -> Callable[[H], H]:
    """Declare the query parameters an endpoint reads, for the OpenAPI document."""

    def mark(endpoint: H) -> H:
        endpoint.query = {name: SCHEMAS[name] for name in names}  # type: ignore[attr-defined]
        return endpoint

    return mark
_ACCOUNT_NUMBER = re.compile(r"[A-Za-z0-9]{1,34}")  # 12 digits today; an IBAN at most


def page_limit(request: Request) -> int:
    """`limit`: 1 to 100, 20 when absent."""
    return _parsed(request, "limit", lambda text: parsing.whole_number(text, 1, MAX_PAGE)) or 20


def page_cursor(request: Request) -> int | None:
    """`cursor`: the opaque position a previous page gave (`next_cursor`)."""
    return _parsed(request, "cursor", parsing.cursor)


def moment(request: Request, name: str, end_of_day: bool) -> datetime | None:
    """A date (a whole day: its start, or for an end the start of the next) or an RFC 3339
    timestamp with a zone."""
    return _parsed(request, name, lambda text: parsing.day_or_moment(text, end_of_day))


def position_after(request: Request) -> tuple[datetime, UUID] | None:
    """`cursor` of a list in time order: the (time, id) the previous page ended on."""
    found = _parsed(request, "cursor", parsing.position)
    return (parsing.moment_of(found[0]), found[1]) if found else None


def next_position(found: list[T], limit: int, moment: Callable[[T], datetime],
                  item_id: Callable[[T], UUID]) -> str | None:
    """The cursor of the next page: after the last item, when this page is full."""
    if len(found) < limit:
        return None
    return parsing.encode_position(moment(found[-1]), item_id(found[-1]))


def day(request: Request, name: str) -> date | None:
    """A calendar date YYYY-MM-DD."""
    return _parsed(request, name, parsing.calendar_date)


def account_number(request: Request) -> str:
    """The account number in the path; one no account could have is simply not found (as a
    database could not even be asked about a NUL character)."""
    number: str = request.path_params["account_number"]
    if not _ACCOUNT_NUMBER.fullmatch(number):
        raise AccountNotFound("no such account")
    return number


def path_id(request: Request, name: str, missing: type[DomainError], what: str) -> UUID:
    """A UUID path parameter; anything else is simply 'not found' (404), like an unknown id."""
    try:
        return UUID(request.path_params[name])
    except ValueError:
        raise missing(f"no such {what}") from None


def _parsed(request: Request, name: str, parse: Callable[[str], T]) -> T | None:
    text = request.query_params.get(name)
    if not text:
        return None
    try:
        return parse(text)
    except ValueError as error:
        raise ValidationError(f"'{name}' {error}", field=name) from None
