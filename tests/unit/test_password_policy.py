"""ASVS 5.0 password rules."""

from __future__ import annotations

import pytest

from application.use_cases.password_policy import check_password, common_passwords
from domain.errors import ValidationError


def test_ships_a_list_of_at_least_ten_thousand_common_passwords() -> None:
    assert len(common_passwords()) >= 10_000
    assert {"password", "qwerty", "123456789"} <= common_passwords()


@pytest.mark.parametrize("password", ["password1", "Iloveyou123", "QWERTYUIOP", "1234567890"])
def test_common_passwords_are_refused_whatever_their_case(password: str) -> None:
    with pytest.raises(ValidationError, match="common"):
        check_password(password)


def test_length_rules_without_composition_rules() -> None:
    with pytest.raises(ValidationError, match="15 or more is recommended"):
        check_password("short7!")
    check_password("all lower case words")  # no digits or symbols demanded
    check_password("x" * 64 + "y" * 64)  # 128 accepted, well over ASVS's 64
    with pytest.raises(ValidationError):
        check_password("z" * 129)


def test_personal_details_are_refused() -> None:
    with pytest.raises(ValidationError, match="email"):
        check_password("meera.iyer@example.in", "meera.iyer@example.in")
