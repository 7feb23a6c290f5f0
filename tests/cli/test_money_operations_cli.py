"""`vaani reversals` and `vaani disputes` on a real SQLite file and PostgreSQL: a named operator
proposes, a second one approves; the same operator cannot, and every refusal is one line and
its exit code."""

from __future__ import annotations

import json
from uuid import uuid4

from typer.testing import CliRunner

from tests.cli.test_cli import as_json, run


def test_maker_checker_at_the_command_line(vaani: tuple[CliRunner, str]) -> None:
    runner, _ = vaani
    people = as_json(runner, "seed", "demo")["customers"]
    asha = next(p for p in people if p["role"] == "customer")
    maker = next(p for p in people if p["role"] == "operator")["customer_number"]
    checker = as_json(runner, "customer", "create", "--first-name", "Chetan", "--last-name",
                      "Checker", "--email", "chetan@example.in", "--phone", "+919811100077",
                      "--role", "operator", env={"VAANI_NEW_PASSWORD": "a checker's passphrase"}
                      )["customer_number"]
    number = asha["accounts"][0]["account_number"]
    deposit = as_json(runner, "account", "deposit", number, "20000.00")["transfer_id"]

    code, _, err = run(runner, "reversals", "propose", deposit, "--reason", "keyed twice",
                       "--operator", asha["customer_number"])
    assert code == 6 and "not an operator" in err
    proposal = as_json(runner, "reversals", "propose", deposit, "--reason", "keyed twice",
                       "--operator", maker)
    assert proposal["status"] == "pending_approval"
    listed = as_json(runner, "reversals", "list", "--status", "pending_approval")["items"]
    assert [r["reversal_id"] for r in listed] == [proposal["reversal_id"]]

    code, _, err = run(runner, "reversals", "approve", proposal["reversal_id"],
                       "--operator", maker)
    assert code == 6 and "second operator" in err
    approved = as_json(runner, "reversals", "approve", proposal["reversal_id"],
                       "--operator", checker)
    assert approved["status"] == "posted" and approved["decided_by"]
    assert run(runner, "ledger", "verify")[0] == 0
    code, _, err = run(runner, "reversals", "approve", "not-an-id", "--operator", checker)
    assert code == 3 and "not a reversal id" in err


def test_a_dispute_worked_at_the_command_line(vaani: tuple[CliRunner, str]) -> None:
    runner, _ = vaani
    people = as_json(runner, "seed", "demo")["customers"]
    operator = next(p for p in people if p["role"] == "operator")["customer_number"]
    code, out, err = run(runner, "disputes", "list", "--json")
    assert code == 0 and json.loads(out)["items"] == []
    code, _, err = run(runner, "disputes", "investigate", "nope", "--operator", operator)
    assert code == 3 and "not a dispute id" in err
    code, _, err = run(runner, "disputes", "resolve", str(uuid4()), "--outcome", "maybe",
                       "--note", "x", "--operator", operator)
    assert code == 2 and "--outcome" in err
