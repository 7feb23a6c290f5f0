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
    assert code == 6 and "(customer) may not reverse transfers" in err
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


def test_a_tellers_day_at_the_command_line(vaani: tuple[CliRunner, str]) -> None:
    runner, _ = vaani
    people = as_json(runner, "seed", "demo")["customers"]
    number = next(p for p in people if p["role"] == "customer")["accounts"][0]["account_number"]
    operator = next(p for p in people if p["role"] == "operator")["customer_number"]
    teller = as_json(runner, "customer", "create", "--first-name", "Tara", "--last-name",
                     "Teller", "--email", "tara@example.in", "--phone", "+919811100078",
                     "--role", "teller", env={"VAANI_NEW_PASSWORD": "a teller's passphrase"}
                     )["customer_number"]
    code, _, err = run(runner, "teller", "deposit", number, "100.00", "--teller", operator)
    assert code == 6 and "(operator) may not handle cash" in err
    first = as_json(runner, "teller", "deposit", number, "400.00", "--teller", teller,
                    "--idempotency-key", "slip-1")
    again = as_json(runner, "teller", "deposit", number, "400.00", "--teller", teller,
                    "--idempotency-key", "slip-1")
    assert again["replayed"] and again["transfer_id"] == first["transfer_id"]
    as_json(runner, "teller", "withdraw", number, "50.00", "--teller", teller)
    closed = as_json(runner, "teller", "close-day")["items"]
    assert [(t["net"]["amount"], t["balanced"]) for t in closed] == [("350.00", True)]
    code, _, err = run(runner, "teller", "deposit", number, "1.00", "--teller", teller)
    assert code == 4 and "closed" in err


def test_interest_at_the_command_line(vaani: tuple[CliRunner, str]) -> None:
    runner, _ = vaani
    as_json(runner, "seed", "demo")
    first = as_json(runner, "interest", "accrue")
    assert first["accounts"] == 0 and first["already"] is False  # opened today: no balance yet
    assert as_json(runner, "interest", "accrue")["already"] is True
    code, _, err = run(runner, "interest", "accrue", "--date", "2999-01-01")
    assert code == 2 and "not over yet" in err
    code, _, err = run(runner, "interest", "post", "--month", "2999-01")
    assert code == 2 and "not over" in err
    assert as_json(runner, "interest", "post")["refused"] == []
    assert run(runner, "ledger", "verify")[0] == 0
