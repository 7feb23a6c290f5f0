"""What each role may do, in one table: every endpoint and staff command names the permission it
needs, never a list of roles, so a role's reach is read (and changed) here alone."""

from __future__ import annotations

import enum
from collections.abc import Iterable

from domain.customer import Role


class Permission(enum.StrEnum):
    BANK = "bank"  # one's own accounts, payments, payees, cards, devices, reminders
    OWN_LOGIN = "own_login"  # one's own sessions and two-step login (every role)
    SEE_TRANSFERS = "see_transfers"  # search transfers: one's own
    SEE_ALL_TRANSFERS = "see_all_transfers"  # ...and every customer's
    REVIEW_TRANSFERS = "review_transfers"  # the queue of transfers held for review
    READ_AUDIT = "read_audit"
    READ_EVENTS = "read_events"  # every customer's events (one's own come with BANK)
    MANAGE_WEBHOOKS = "manage_webhooks"  # register, rotate, disable and replay webhooks
    WORK_DISPUTES = "work_disputes"
    REVERSE_TRANSFERS = "reverse_transfers"  # propose and approve reversals (maker-checker)
    HANDLE_CASH = "handle_cash"  # deposits and withdrawals at the counter, the till
    OPERATE_CUSTOMERS = "operate_customers"  # freeze, KYC, devices, voice, sessions, accounts
    MANAGE_STAFF = "manage_staff"  # create staff, change roles, disable


_STAFF_COMMON = {Permission.OWN_LOGIN}
_OPERATOR = {*_STAFF_COMMON, Permission.SEE_TRANSFERS, Permission.SEE_ALL_TRANSFERS,
             Permission.REVIEW_TRANSFERS,
             Permission.READ_AUDIT, Permission.WORK_DISPUTES, Permission.REVERSE_TRANSFERS,
             Permission.OPERATE_CUSTOMERS, Permission.READ_EVENTS, Permission.MANAGE_WEBHOOKS}

GRANTS: dict[Role, frozenset[Permission]] = {
    Role.CUSTOMER: frozenset({Permission.BANK, Permission.OWN_LOGIN, Permission.SEE_TRANSFERS}),
    Role.TELLER: frozenset({*_STAFF_COMMON, Permission.HANDLE_CASH}),
    Role.OPERATOR: frozenset(_OPERATOR),
    # An admin may do what any member of staff may, and manage staff; never bank as a customer.
    Role.ADMIN: frozenset({*_OPERATOR, Permission.HANDLE_CASH, Permission.MANAGE_STAFF}),
}


def may(roles: Iterable[Role], permission: Permission) -> bool:
    return any(permission in GRANTS[role] for role in roles)


def roles_with(permission: Permission) -> tuple[Role, ...]:
    """The roles granted `permission`, in the table's order (for the API's documentation)."""
    return tuple(role for role in GRANTS if permission in GRANTS[role])
