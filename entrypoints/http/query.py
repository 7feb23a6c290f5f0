"""Query-string parameters shared by the list endpoints."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from starlette.requests import Request

from domain.errors import DomainError, ValidationError


def page_limit(request: Request) -> int:
    text = request.query_params.get("limit", "20")
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise ValidationError("limit must be a whole number between 1 and 100", field="limit")
    return int(text)


def moment(request: Request, name: str, end_of_day: bool) -> datetime | None:
    """A date (whole day) or an RFC 3339 timestamp with a zone."""
    text = request.query_params.get(name)
    if not text:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1) if end_of_day else day, time.min, UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(f"'{name}' must be a date or an RFC 3339 timestamp",
                              field=name) from None
    if parsed.tzinfo is None:
        raise ValidationError(f"'{name}' needs a time zone (e.g. Z)", field=name)
    return parsed


def path_id(request: Request, name: str, missing: type[DomainError], what: str) -> UUID:
    """A UUID path parameter; anything else is simply 'not found' (404), like an unknown id."""
    try:
        return UUID(request.path_params[name])
    except ValueError:
        raise missing(f"no such {what}") from None
