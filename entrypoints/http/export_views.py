"""The customer's data export as JSON text, written section by section as it is read."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from application.use_cases import CustomerExport
from domain.contact_change import ContactChange
from domain.timestamps import rfc3339
from entrypoints.http import routes_beneficiaries, routes_cards, routes_reminders, views
from entrypoints.http.dispute_views import dispute_body
from entrypoints.http.standing_order_views import order_body


def contact_change(change: ContactChange | None) -> dict[str, Any] | None:
    if change is None:
        return None
    return {"field": change.field.value, "value": change.value,
            "expires_at": rfc3339(change.expires_at)}


def _writers(export: CustomerExport) -> dict[str, Callable[[Any], dict[str, Any]]]:
    """Each section's items as the API shows them elsewhere (cards masked as ever)."""
    return {
        "accounts": views.account,
        "ledger_entries": lambda pair: {"account_number": pair[0], "entry": views.entry(pair[1])},
        "transfers": views.transfer_body,
        "beneficiaries": routes_beneficiaries.view,
        "cards": routes_cards.view,
        "reminders": routes_reminders.view,
        "standing_orders": order_body,
        "devices": views.device,
        "sessions": views.session,
        "disputes": lambda d: dispute_body(d, export.exported_at),
        "audit_events": views.audit_event,
    }


def export_json(export: CustomerExport) -> Iterator[str]:
    """One JSON object; one chunk per page read, so no section is ever held whole."""
    head = {"exported_at": rfc3339(export.exported_at),
            "customer": views.customer(export.customer),
            "pending_contact_change": contact_change(export.customer.contact_change)}
    yield json.dumps(head)[:-1]
    writers = _writers(export)
    for section in export.sections:
        write = writers[section.name]
        yield f',"{section.name}":['
        comma = ""
        for page in section.pages():
            if page:
                yield comma + ",".join(json.dumps(write(item)) for item in page)
                comma = ","
        yield "]"
    yield "}"
