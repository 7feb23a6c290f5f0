"""`vaani staff`: an admin takes on, re-roles and disables staff; a change ends their sessions
and a disabled member of staff can never log in again."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from application.use_cases import Authenticate, LogInWithPassword
from domain.errors import InvalidCredentials, Unauthorized
from entrypoints.cli import runtime
from tests.cli.test_cli import as_json, run

PASS = {"VAANI_NEW_PASSWORD": "a staff member's passphrase"}


def test_an_admin_takes_on_changes_and_disables_staff(vaani: tuple[CliRunner, str]) -> None:
    runner, _ = vaani
    as_json(runner, "db", "upgrade")
    admin = as_json(runner, "customer", "create", "--first-name", "Ada", "--last-name", "Admin",
                    "--email", "ada@example.in", "--phone", "+919811100090", "--role", "admin",
                    env=PASS)["customer_number"]
    tara = as_json(runner, "staff", "create", "--first-name", "Tara", "--last-name", "Teller",
                   "--email", "tara@example.in", "--phone", "+919811100091", "--role", "teller",
                   "--admin", admin, env=PASS)
    assert tara["role"] == "teller" and tara["disabled"] is False
    number = tara["customer_number"]
    code, _, err = run(runner, "staff", "role", admin, "operator", "--admin", number)
    assert code == 6 and "may not manage staff" in err  # a teller manages nobody
    code, _, err = run(runner, "staff", "role", number, "customer", "--admin", admin)
    assert code == 2  # staff are tellers, operators or admins

    bank = runtime.container()
    issued, _ = bank.resolve(LogInWithPassword).execute(number, PASS["VAANI_NEW_PASSWORD"])
    assert as_json(runner, "staff", "role", number, "operator", "--admin", admin)["role"] == \
        "operator"
    with pytest.raises(Unauthorized):  # the teller's token died with the change
        bank.resolve(Authenticate).execute(issued.access_token)
    again, _ = bank.resolve(LogInWithPassword).execute(number, PASS["VAANI_NEW_PASSWORD"])
    assert as_json(runner, "staff", "disable", number, "--admin", admin)["disabled"] is True
    with pytest.raises(Unauthorized):
        bank.resolve(Authenticate).execute(again.access_token)
    with pytest.raises(InvalidCredentials):
        bank.resolve(LogInWithPassword).execute(number, PASS["VAANI_NEW_PASSWORD"])
    listed = as_json(runner, "staff", "list")["items"]
    assert {(s["customer_number"], s["disabled"]) for s in listed} == {(admin, False),
                                                                      (number, True)}


def test_a_disabled_member_of_staff_is_named_in_no_step(vaani: tuple[CliRunner, str]) -> None:
    """`--teller` and `--operator` name a member of staff: one who left acts no more, though
    their role still grants the step."""
    runner, _ = vaani
    as_json(runner, "db", "upgrade")
    admin = as_json(runner, "customer", "create", "--first-name", "Ada", "--last-name", "Admin",
                    "--email", "ada@example.in", "--phone", "+919811100090", "--role", "admin",
                    env=PASS)["customer_number"]
    tara = as_json(runner, "staff", "create", "--first-name", "Tara", "--last-name", "Teller",
                   "--email", "tara@example.in", "--phone", "+919811100091", "--role", "teller",
                   "--admin", admin, env=PASS)["customer_number"]
    as_json(runner, "staff", "disable", tara, "--admin", admin)
    code, _, err = run(runner, "teller", "deposit", "ANY-ACCOUNT", "1.00", "--teller", tara)
    assert code == 6 and "disabled" in err
