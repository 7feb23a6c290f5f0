"""The shapes of the customer's own profile and data (routes_profile.py, export_views.py),
beside response_schemas.py whose shapes they reuse."""

from __future__ import annotations

from domain.contact_change import ContactField
from entrypoints.http.response_schemas import (
    ACCOUNT,
    BENEFICIARY,
    CARD,
    CUSTOMER,
    DEVICE,
    DISPUTE,
    ENTRY,
    ORDER,
    REMINDER,
    TRANSFER,
)
from entrypoints.http.schema_builders import (
    DATE_TIME,
    INTEGER,
    STRING,
    TRUE,
    array,
    choice,
    component,
    nullable,
    obj,
    ref,
)

CONTACT_CHANGE = component("PendingContactChange", obj({
    "field": choice(ContactField), "value": STRING, "expires_at": DATE_TIME}))
# 200: names or language changed; 202: a new email or phone waits for its code.
PROFILE_CHANGE = component("ProfileChange", obj({
    "customer": CUSTOMER, "pending_contact_change": nullable(CONTACT_CHANGE)}))
EXPORT = component("CustomerDataExport", obj({
    "exported_at": DATE_TIME, "customer": CUSTOMER,
    "pending_contact_change": nullable(CONTACT_CHANGE), "accounts": array(ACCOUNT),
    "ledger_entries": array(obj({"account_number": STRING, "entry": ENTRY})),
    "transfers": array(TRANSFER), "beneficiaries": array(BENEFICIARY), "cards": array(CARD),
    "reminders": array(REMINDER), "standing_orders": array(ORDER), "devices": array(DEVICE),
    "sessions": array(ref("Session")), "disputes": array(DISPUTE),
    "audit_events": array(ref("AuditEvent"))}))
ERASURE = component("Erasure", obj({
    "erased": TRUE, "customer_number": STRING, "accounts_closed": array(STRING),
    "sessions_ended": INTEGER}))
