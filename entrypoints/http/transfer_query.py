"""GET /transfers' query string as a TransferQuery, each parameter parsed strictly (a bad one is
a validation_error naming it)."""

from __future__ import annotations

from starlette.requests import Request

from application.use_cases import Principal
from domain.errors import ValidationError
from domain.money import Money
from domain.permissions import Permission, may
from domain.transfer import MAX_REFERENCE, TransferQuery, TransferStatus
from entrypoints.http.query import moment, page_limit, position_after


def transfer_query(request: Request, who: Principal) -> TransferQuery:
    params = request.query_params
    operator = may(who.roles, Permission.SEE_ALL_TRANSFERS)
    status = params.get("status")
    if status is not None and status not in TransferStatus.__members__.values():
        raise ValidationError(f"'status' must be one of {', '.join(TransferStatus)}",
                              field="status")
    reference = params.get("reference")
    if reference is not None and not (1 <= len(reference) <= MAX_REFERENCE):
        raise ValidationError(f"'reference' must be 1-{MAX_REFERENCE} characters",
                              field="reference")
    return TransferQuery(
        customer_id=None if operator else who.customer_id, limit=page_limit(request),
        reference=reference, since=moment(request, "from", end_of_day=False),
        until=moment(request, "to", end_of_day=True),
        status=TransferStatus(status) if status else None,
        least=_amount(params.get("min"), "min"), most=_amount(params.get("max"), "max"),
        after=position_after(request))


def _amount(text: str | None, name: str) -> Money | None:
    if text is None:
        return None
    try:
        return Money.parse(text)
    except ValidationError:
        raise ValidationError(f"'{name}' must be an amount such as 250.00", field=name) from None
