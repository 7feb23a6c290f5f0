"""The permission table: who may do what, read in one place."""

from __future__ import annotations

from domain.customer import Role
from domain.permissions import GRANTS, Permission, may, roles_with


def test_customers_bank_and_staff_never_do() -> None:
    assert roles_with(Permission.BANK) == (Role.CUSTOMER,)
    assert not may((Role.ADMIN, Role.OPERATOR), Permission.BANK)


def test_each_member_of_staff_has_their_own_work() -> None:
    assert may((Role.TELLER,), Permission.HANDLE_CASH)
    assert not may((Role.TELLER,), Permission.REVIEW_TRANSFERS)
    assert not may((Role.OPERATOR,), Permission.HANDLE_CASH)
    assert may((Role.OPERATOR,), Permission.REVERSE_TRANSFERS)
    assert not may((Role.OPERATOR,), Permission.MANAGE_STAFF)
    assert roles_with(Permission.MANAGE_STAFF) == (Role.ADMIN,)


def test_an_admin_may_do_what_any_member_of_staff_may() -> None:
    staff = GRANTS[Role.TELLER] | GRANTS[Role.OPERATOR]
    assert staff <= GRANTS[Role.ADMIN]


def test_every_role_manages_its_own_login_and_every_permission_is_granted() -> None:
    assert set(roles_with(Permission.OWN_LOGIN)) == set(Role)
    assert all(roles_with(p) for p in Permission)
    assert not may((Role.CUSTOMER,), Permission.SEE_ALL_TRANSFERS)
