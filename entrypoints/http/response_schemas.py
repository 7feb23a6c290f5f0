"""One schema per view shape: what each view in entrypoints/http (views.py, reversal_views.py,
dispute_views.py, standing_order_views.py, till_views.py and the routes' own dicts) answers.
Endpoints declare theirs with `returns`; tests/http hold every answer to it, so a view and its
schema cannot part without a test failing."""

from __future__ import annotations

from domain.account import AccountStatus, AccountType
from domain.card import CardKind, CardStatus
from domain.customer import KycStatus, RiskSegment, Role
from domain.device import TrustLevel
from domain.dispute import DisputeReason, DisputeStatus
from domain.fraud import Decision
from domain.ledger import Channel, EntryType
from domain.reminder import ReminderStatus, ReminderType
from domain.reversal import ReversalStatus
from domain.staff_proposal import ProposalStatus, StaffAction
from domain.standing_order import OccurrenceStatus, StandingOrderStatus
from domain.transfer import TransferStatus
from entrypoints.http.schema_builders import (
    BOOLEAN,
    COMPONENTS,
    CURRENCY,
    DATE,
    DATE_TIME,
    INTEGER,
    MONEY,
    NUMBER,
    SIGNED_MONEY,
    STRING,
    TRUE,
    UUID,
    Schema,
    array,
    choice,
    component,
    items,
    mapping,
    nullable,
    obj,
    page,
)
from entrypoints.http.views import STATEMENT_COLUMNS

# The service routes: /health, /ready, /openapi.json and /docs.
HEALTH = obj({"status": {"const": "ok"}})
READY = obj({"status": {"const": "ready"}})
OPENAPI: Schema = {"type": "object", "required": ["openapi", "info", "paths", "components"]}
HTML = STRING

CUSTOMER = component("Customer", obj({
    "customer_number": STRING, "first_name": STRING, "last_name": STRING, "email": STRING,
    "phone_number": STRING, "role": choice(Role), "kyc_status": choice(KycStatus),
    "preferred_language": STRING, "date_of_birth": nullable(DATE), "created_at": DATE_TIME,
    "risk_segment": choice(RiskSegment), "aadhaar": nullable(STRING), "pan": nullable(STRING),
    "upi_pin_set": BOOLEAN}))
_TOKENS = {"access_token": STRING, "refresh_token": STRING, "token_type": {"const": "bearer"},
           "expires_in": INTEGER, "session_id": UUID}
TOKENS = component("Tokens", obj(_TOKENS))
LOGIN_TOKENS = component("LoginTokens", obj({**_TOKENS, "customer": CUSTOMER}))
SECOND_STEP = component("SecondFactorRequired", obj({
    "status": {"const": "second_factor_required"}, "login_ticket": STRING,
    "expires_at": DATE_TIME,
    "methods": array({"type": "string", "enum": ["totp", "recovery_code"]})}))
LOGIN: Schema = {"oneOf": [LOGIN_TOKENS, SECOND_STEP]}  # 200 tokens, or 202 a second step
TOTP_STATUS = component("TotpStatus", obj({
    "enabled": BOOLEAN, "pending": BOOLEAN, "confirmed_at": nullable(DATE_TIME),
    "recovery_codes_left": INTEGER}))
TOTP_ENROLMENT = component("TotpEnrolment", obj({
    "secret": STRING, "otpauth_uri": STRING, "qr_svg": STRING, "status": {"const": "pending"}}))
RECOVERY_CODES = component("RecoveryCodes", obj({
    "enabled": TRUE, "recovery_codes": array(STRING)}))
DEVICE_CHALLENGE = component("DeviceChallenge", obj({
    "nonce": STRING, "expires_at": DATE_TIME, "message": STRING, "say": nullable(STRING)}))
SESSIONS = items(component("Session", obj({
    "id": UUID, "created_at": DATE_TIME, "last_seen_at": DATE_TIME, "expires_at": DATE_TIME,
    "ip": nullable(STRING), "device_id": nullable(STRING), "current": BOOLEAN})))
REVOKED = obj({"revoked": INTEGER})
# POST /auth/password-reset: the same answer whether or not the customer exists.
RESET_REQUESTED = component("PasswordResetRequested", obj({"status": {"const": "sent_if_known"}}))

ACCOUNT = component("Account", obj({
    "account_number": STRING, "account_type": choice(AccountType),
    "status": choice(AccountStatus), "balance": MONEY, "available_balance": MONEY,
}, optional={"branch": obj({"code": STRING, "name": STRING, "ifsc": STRING, "city": STRING})}))
ACCOUNTS = items(ACCOUNT)
ENTRY = component("LedgerEntry", obj({
    "id": UUID, "type": choice(EntryType), "amount": MONEY, "balance_after": MONEY,
    "channel": choice(Channel), "description": STRING, "reference_id": STRING,
    "posted_at": DATE_TIME}))
TRANSACTIONS = page(ENTRY)
STATEMENT = component("Statement", obj({
    "account_number": STRING, "currency": CURRENCY, "from": DATE, "to": DATE,
    "opening_balance": MONEY, "entries": array(ENTRY), "closing_balance": MONEY,
    "total_credits": MONEY, "total_debits": MONEY}))
# The CSV statement is text; its first row names the columns.
STATEMENT_CSV: Schema = {"type": "string", "pattern": "^" + ",".join(STATEMENT_COLUMNS) + "\r?\n"}

_ASSESSMENT = obj({
    "score": NUMBER, "decision": choice(Decision), "engine": STRING, "version": STRING,
    "assessed_at": DATE_TIME,
    "reasons": array(obj({"code": STRING, "points": NUMBER, "reason": STRING}))})
_TRANSFER = {
    "transfer_id": UUID, "status": choice(TransferStatus), "from_account_number": STRING,
    "to_account_number": STRING, "amount": MONEY, "channel": choice(Channel),
    "description": STRING, "created_at": DATE_TIME, "posted_at": nullable(DATE_TIME)}
_TRANSFER_SOMETIMES = {  # a held transfer's challenge or hold, a void's reason, the client's own
    "challenge": obj({"id": UUID, "methods": array({"type": "string", "enum": ["voice", "pin", "totp"]}),
                      "expires_at": DATE_TIME}),
    "hold_expires_at": DATE_TIME, "void_reason": STRING, "reference": STRING,
    "metadata": mapping(STRING), "assessment": _ASSESSMENT}
TRANSFER = component("Transfer", obj(_TRANSFER, optional=_TRANSFER_SOMETIMES))
TRANSFERS = items(TRANSFER)
TRANSFER_PAGE = page(TRANSFER)

_REVERSAL = {
    "reversal_id": UUID, "transfer_id": UUID, "status": choice(ReversalStatus), "amount": MONEY,
    "proposed_at": DATE_TIME, "decided_at": nullable(DATE_TIME),
    "reversal_transfer_id": nullable(UUID)}
# A customer sees what happens to their money; who proposed and decided it and why stays
# with the bank (reversal_views.py).
REVERSAL_SEEN = component("CustomerReversal", obj(_REVERSAL))
REVERSAL = component("Reversal", obj({
    **_REVERSAL, "reason": STRING, "proposed_by": UUID, "expires_at": DATE_TIME,
    "decided_by": nullable(UUID), "dispute_id": nullable(UUID)}))
REVERSALS = page(REVERSAL)
# GET /transfers/{id}: the transfer, and (once it may have them) its reversals.
TRANSFER_DETAIL = component("TransferDetail", {
    **obj(_TRANSFER, optional={
        **_TRANSFER_SOMETIMES, "reversals": array(REVERSAL_SEEN), "reversible_amount": MONEY,
        "reverses_transfer_id": nullable(UUID)}),
    "dependentRequired": {"reversals": ["reversible_amount", "reverses_transfer_id"]}})

_DISPUTE = {
    "dispute_id": UUID, "transfer_id": UUID, "reason": choice(DisputeReason),
    "description": STRING, "status": choice(DisputeStatus), "opened_at": DATE_TIME,
    "due_by": DATE_TIME, "overdue": BOOLEAN, "updated_at": DATE_TIME,
    "resolution": nullable(STRING), "resolved_at": nullable(DATE_TIME)}
DISPUTE = component("Dispute", obj(_DISPUTE))
DISPUTES = items(DISPUTE)
# The operator's case: also whose it is, who works it and its refund.
CASE = component("DisputeCase", obj({
    **_DISPUTE, "customer_id": UUID, "assigned_to": nullable(UUID),
    "reversal_id": nullable(UUID)}))
CASES = page(CASE)

AUDIT_PAGE = page(component("AuditEvent", obj({
    "sequence": INTEGER, "id": UUID, "occurred_at": DATE_TIME, "action": STRING,
    "outcome": STRING, "actor_id": nullable(UUID), "customer_id": nullable(UUID),
    "resource": STRING, "ip": nullable(STRING), "device_id": nullable(STRING),
    "request_id": nullable(STRING), "details": mapping(STRING), "previous_hash": STRING,
    "record_hash": STRING})))

_EVENT = component("Event", obj({
    "id": UUID, "sequence": INTEGER, "type": STRING, "version": INTEGER, "occurred_at": DATE_TIME,
    "customer_id": nullable(UUID), "resource": STRING, "data": mapping(STRING)}))
EVENT_PAGE = obj({"items": array(_EVENT), "next_cursor": nullable(STRING),
                  "poll_cursor": nullable(STRING)})
ALERT_PREFERENCES = component("AlertPreferences", obj({
    "debit_above": nullable(MONEY), "credit_above": nullable(MONEY), "security": BOOLEAN,
    "reminders": BOOLEAN, "standing_orders": BOOLEAN}))

DEVICE = component("DeviceBinding", obj({
    "id": UUID, "identifier": STRING, "label": nullable(STRING), "platform": nullable(STRING),
    "trust": choice(TrustLevel), "created_at": DATE_TIME, "last_seen_at": DATE_TIME,
    "revoked_at": nullable(DATE_TIME), "key_algorithm": nullable(STRING)}))
DEVICES = items(DEVICE)
VOICEPRINT = component("Voiceprint", obj({
    "voiceprint_id": UUID, "model": STRING, "samples": INTEGER, "enrolled_at": DATE_TIME}))
PIN_SET = obj({"upi_pin_set": TRUE})
PIN_VERIFIED = obj({"verified": TRUE})

BENEFICIARY = component("Beneficiary", obj({
    "id": UUID, "name": STRING, "account_number": nullable(STRING), "ifsc": nullable(STRING),
    "upi_id": nullable(STRING), "phone": nullable(STRING), "bank_name": nullable(STRING),
    "nickname": nullable(STRING), "favourite": BOOLEAN, "created_at": DATE_TIME}))
BENEFICIARIES = items(BENEFICIARY)
CARD = component("Card", obj({
    "id": UUID, "masked_number": STRING, "network": STRING, "kind": choice(CardKind),
    "status": choice(CardStatus), "expires": {"type": "string", "pattern": "^[0-9]{2}/[0-9]{2}$"},
    "issued_at": DATE_TIME}))
CARDS = items(CARD)
REMINDER = component("Reminder", obj({
    "id": UUID, "type": choice(ReminderType), "title": STRING, "due_at": DATE_TIME,
    "rrule": nullable(STRING), "amount": nullable(MONEY), "status": choice(ReminderStatus),
    "delivered": INTEGER, "created_at": DATE_TIME}))
REMINDERS = items(REMINDER)

_ORDER = {
    "id": UUID, "from_account_number": STRING, "to_account_number": nullable(STRING),
    "beneficiary_id": nullable(UUID), "amount": MONEY, "description": STRING,
    "rrule": nullable(STRING), "starts_at": DATE_TIME, "ends_at": nullable(DATE_TIME),
    "next_due_at": nullable(DATE_TIME), "status": choice(StandingOrderStatus),
    "reminder_id": nullable(UUID), "created_at": DATE_TIME}
ORDER = component("StandingOrder", obj(_ORDER))
ORDERS = items(ORDER)
OCCURRENCE = component("Occurrence", obj({
    "due_at": DATE_TIME, "status": choice(OccurrenceStatus), "attempts": INTEGER,
    "next_attempt_at": nullable(DATE_TIME), "transfer_id": nullable(UUID),
    "reason": nullable(STRING)}))
ORDER_DETAIL = component("StandingOrderDetail", obj({**_ORDER, "occurrences": array(OCCURRENCE)}))

TILLS = items(component("Till", obj({
    "teller_id": UUID, "business_date": DATE, "currency": CURRENCY, "deposits": INTEGER,
    "deposited": MONEY, "withdrawals": INTEGER, "withdrawn": MONEY,
    "deposits_reversed": MONEY, "withdrawals_reversed": MONEY, "net": SIGNED_MONEY,
    "ledger_deposited": MONEY, "ledger_withdrawn": MONEY, "ledger_deposits_reversed": MONEY,
    "ledger_withdrawals_reversed": MONEY, "balanced": BOOLEAN})))


def components() -> dict[str, Schema]:
    """Every shape kept under a name, for components.schemas of /openapi.json."""
    return dict(sorted(COMPONENTS.items()))

# The operator API (routes_operator_customers.py, routes_staff_proposals.py).
CUSTOMERS = items(CUSTOMER)
CUSTOMER_OVERVIEW = component("CustomerOverview", obj({
    "customer": CUSTOMER, "accounts": array(ACCOUNT), "devices": array(DEVICE),
    "two_step_login": BOOLEAN}))
FROZEN = obj({"customer_number": STRING, "frozen": BOOLEAN, "accounts": array(STRING)})
PROPOSAL = component("StaffProposal", obj({
    "id": UUID, "action": choice(StaffAction), "customer_number": STRING,
    "params": mapping(STRING), "reason": STRING, "proposed_by": UUID, "proposed_at": DATE_TIME,
    "expires_at": DATE_TIME, "status": choice(ProposalStatus), "decided_by": nullable(UUID),
    "decided_at": nullable(DATE_TIME), "outcome": nullable(STRING)}))
PROPOSALS = items(PROPOSAL)
# A sensitive action: done at once (200), or proposed for a second member of staff (202).
STAFF_ACTION = component("StaffActionResult", obj(
    {"status": {"type": "string", "enum": ["done", "pending_approval"]},
     "action": choice(StaffAction), "customer_number": STRING},
    optional={"proposal": PROPOSAL}))
