"""The operator CLI through Typer's runner, against SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib.metadata import version as installed_version
from pathlib import Path
from uuid import UUID

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from adapters.sql import head_revision
from application.context import SYSTEM
from application.use_cases import ManageReminders, ReminderDetails, TransferCommand, TransferMoney
from domain.money import Money
from domain.reminder import ReminderType
from entrypoints.cli import runtime
from entrypoints.cli.app import app


def run(runner: CliRunner, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def as_json(runner: CliRunner, *args: str, env: dict[str, str] | None = None) -> dict:  # type: ignore[type-arg]
    code, out, err = run(runner, *args, "--json", env=env)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def without_approvals(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bank's policy of no maker-checker (tests/cli/test_staff_approvals_cli.py has it)."""
    monkeypatch.setenv("VAANI_APPROVALS", "none")
    runtime.reset()


def test_upgrade_seed_open_deposit_verify(vaani: tuple[CliRunner, str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    runner, _ = vaani
    without_approvals(monkeypatch)
    assert as_json(runner, "db", "upgrade")["revision"] == head_revision()
    seeded = as_json(runner, "seed", "demo")["customers"]
    assert [c["created"] for c in seeded] == [True, True, True]
    again = as_json(runner, "seed", "demo")["customers"]  # idempotent: nothing new
    assert [c["created"] for c in again] == [False, False, False]
    assert [c["customer_number"] for c in again] == [c["customer_number"] for c in seeded]
    number = as_json(runner, "customer", "create", "--first-name", "Meera", "--last-name", "Iyer",
                     "--email", "meera@example.in", "--phone", "+919845000001",
                     env={"VAANI_NEW_PASSWORD": "a long enough passphrase"})["customer_number"]
    code, _, err = run(runner, "account", "open", number, "--type", "current")
    assert code == 4 and "KYC is pending" in err  # registered, not verified yet
    assert as_json(runner, "customer", "kyc", number, "full")["status"] == "done"
    opened = as_json(runner, "account", "open", number, "--type", "current",
                     "--opening-deposit", "1000.00")
    assert opened["balance"] == {"amount": "1000.00", "currency": "INR"}
    paid = as_json(runner, "account", "deposit", opened["account_number"], "250.50",
                   "--idempotency-key", "slip-17")
    repeat = as_json(runner, "account", "deposit", opened["account_number"], "250.50",
                     "--idempotency-key", "slip-17")
    assert paid["balance"]["amount"] == repeat["balance"]["amount"] == "1250.50"
    assert repeat["replayed"] is True
    verified = as_json(runner, "ledger", "verify")
    assert verified["ok"] is True and verified["problems"] == []
    trail = as_json(runner, "audit", "tail", "--limit", "5")["items"]
    deposit = next(e for e in trail if e["action"] == "money.deposit")
    assert deposit["device_id"].startswith("cli:")  # operator actions name the operator account


def test_human_output_and_one_line_errors(vaani: tuple[CliRunner, str]) -> None:
    runner, _ = vaani
    assert run(runner, "db", "upgrade")[0] == 0
    code, out, _ = run(runner, "seed", "demo")
    assert code == 0 and "asha-demo-passphrase" in out
    code, _, err = run(runner, "account", "deposit", "000000000000", "10.00")
    assert code == 3 and "not found" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(runner, "account", "deposit", "000000000000", "10.001")
    assert code == 2 and "decimal places" in err
    code, _, err = run(runner, "account", "deposit", "000000000000", "10.00", "--channel", "rtgs")
    assert code == 2 and "BRANCH or an ATM" in err  # cash moves only where cash is
    code, _, err = run(runner, "account", "open", "0000000000", "--type", "savings")
    assert code == 3 and "customer" in err


def test_customer_create_needs_a_password(vaani: tuple[CliRunner, str]) -> None:
    runner, _ = vaani
    run(runner, "db", "upgrade")
    code, _, err = run(runner, "customer", "create", "--first-name", "A", "--last-name", "B",
                       "--email", "ab@example.in", "--phone", "+919845000002")
    assert code != 0 and "VAANI_NEW_PASSWORD" in err


CORRUPTIONS = {
    "a balance changed behind the ledger's back":
        "UPDATE accounts SET balance = balance + 100 WHERE account_type = 'savings'",
    "a leg deleted": "DELETE FROM ledger_entries WHERE sequence = (SELECT max(sequence) "
                     "FROM ledger_entries)",
    "a running balance rewritten": "UPDATE ledger_entries SET balance_after = balance_after + 1 "
                                   "WHERE sequence = (SELECT min(sequence) FROM ledger_entries "
                                   "WHERE entry_type = 'credit')",
    "an amount changed on one leg": "UPDATE ledger_entries SET amount = amount + 5 WHERE sequence "
                                    "= (SELECT max(sequence) FROM ledger_entries)",
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_ledger_verify_fails_on_a_corrupted_database(vaani: tuple[CliRunner, str],
                                                     corruption: str) -> None:
    runner, url = vaani
    run(runner, "seed", "demo")
    assert run(runner, "ledger", "verify")[0] == 0
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(CORRUPTIONS[corruption])
    engine.dispose()
    code, _, err = run(runner, "ledger", "verify")
    assert code == 1 and "FAILED" in err


def test_audit_trail_verifies_and_a_edited_record_breaks_it(vaani: tuple[CliRunner, str]) -> None:
    runner, url = vaani
    run(runner, "seed", "demo")
    tail = as_json(runner, "audit", "tail", "--limit", "3")["items"]
    assert len(tail) == 3 and tail[0]["sequence"] > tail[1]["sequence"]
    assert {"customer.registered", "account.opened", "money.deposit"} <= {
        e["action"] for e in as_json(runner, "audit", "tail", "--limit", "100")["items"]}
    verified = as_json(runner, "audit", "verify")
    assert verified["ok"] is True and verified["records"] >= 8
    code, out, _ = run(runner, "audit", "tail")
    assert code == 0 and "money.deposit" in out
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE audit_events SET ip = '10.9.9.9' WHERE sequence = 3")
    engine.dispose()
    code, _, err = run(runner, "audit", "verify")
    assert code == 1 and "record 3" in err and "edited" in err
    broken = json.loads(run(runner, "audit", "verify", "--json")[1])
    assert broken["broken_sequence"] == 3


def test_audit_verify_names_a_deleted_record(vaani: tuple[CliRunner, str]) -> None:
    runner, url = vaani
    run(runner, "seed", "demo")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM audit_events WHERE sequence = 2")
    engine.dispose()
    code, _, err = run(runner, "audit", "verify")
    assert code == 1 and "record 3" in err and "removed" in err


def test_voice_restore(vaani: tuple[CliRunner, str], monkeypatch: pytest.MonkeyPatch) -> None:
    runner, _ = vaani
    without_approvals(monkeypatch)
    seeded = as_json(runner, "seed", "demo")["customers"][0]["customer_number"]
    assert as_json(runner, "voice", "restore", seeded) == {
        "status": "done", "action": "voice.restore", "customer_number": seeded}
    code, _, err = run(runner, "voice", "restore", "0000000000")
    assert code == 3 and "not found" in err
    assert any(e["action"] == "voice.restored"
               for e in as_json(runner, "audit", "tail", "--limit", "3")["items"])


def test_review_queue_and_expiring_holds(vaani: tuple[CliRunner, str], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    runner, url = vaani
    seeded = as_json(runner, "seed", "demo")["customers"]
    asha, ravi = seeded[0], seeded[1]
    source = asha["accounts"][0]["account_number"]
    payee = ravi["accounts"][0]["account_number"]
    # Rules that hold everything above 1.00 for review, so the queue has work in it.
    rules = Path(__file__).resolve().parents[2] / "adapters" / "fraud" / "rules.toml"
    strict = tmp_path / "strict-rules.toml"
    strict.write_text(rules.read_text().replace("challenge = 40", "challenge = 5")
                      .replace("review = 70", "review = 5"))
    monkeypatch.setenv("VAANI_FRAUD_RULES", str(strict))
    runtime.reset()
    bank = runtime.container()
    owner = UUID(_customer_id(url, asha["customer_number"]))
    held = [bank.resolve(TransferMoney).execute(TransferCommand(
        owner, source, payee, Money.parse(amount))).transfer for amount in ("200.00", "300.00")]
    queue = as_json(runner, "review", "list")["items"]
    assert [q["transfer_id"] for q in queue] == [str(t.id) for t in held]
    shown = as_json(runner, "review", "show", str(held[0].id))
    assert shown["status"] == "pending_review" and shown["assessment"]["decision"] == "review"
    assert as_json(runner, "review", "approve", str(held[0].id))["status"] == "completed"
    assert as_json(runner, "review", "reject", str(held[1].id))["status"] == "voided"
    code, _, err = run(runner, "review", "approve", str(held[1].id))
    assert code == 4 and "voided" in err
    assert as_json(runner, "holds", "expire") == {"voided": 0}
    assert as_json(runner, "ledger", "verify")["ok"] is True


def _customer_id(url: str, number: str) -> str:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(sa.text("SELECT id FROM customers WHERE customer_number = :n"),
                             {"n": number}).scalar_one()
    engine.dispose()
    return str(found)


def test_operator_customer_account_and_device_commands(vaani: tuple[CliRunner, str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    runner, _ = vaani
    without_approvals(monkeypatch)
    asha = as_json(runner, "seed", "demo")["customers"][0]
    number, account_number = asha["customer_number"], asha["accounts"][0]["account_number"]
    shown = as_json(runner, "customer", "show", number)
    assert shown["customer_number"] == number and len(shown["accounts"]) == 2
    assert as_json(runner, "customer", "kyc", number, "full")["status"] == "done"
    frozen = as_json(runner, "customer", "freeze", number)
    assert frozen["frozen"] is True and len(frozen["accounts"]) == 2
    code, _, err = run(runner, "account", "deposit", account_number, "1.00")
    assert code == 4 and "frozen" in err
    assert as_json(runner, "customer", "unfreeze", number)["status"] == "done"
    assert {a["status"] for a in as_json(runner, "customer", "show", number)["accounts"]} == \
        {"active"}
    assert as_json(runner, "account", "freeze", account_number)["status"] == "frozen"
    assert as_json(runner, "account", "unfreeze", account_number)["status"] == "active"
    code, _, err = run(runner, "account", "close", account_number)
    assert code == 4 and "still holds" in err
    assert as_json(runner, "devices", "list", number) == {"items": []}
    code, _, err = run(runner, "devices", "revoke", number, "no-such-device")
    assert code == 3 and "no device" in err
    code, out, _ = run(runner, "customer", "show", number)
    assert code == 0 and account_number in out
    assert {"customer.kyc", "customer.frozen", "account.frozen"} <= {
        e["action"] for e in as_json(runner, "audit", "tail", "--limit", "20")["items"]}


def test_reminders_run_due_delivers_once(vaani: tuple[CliRunner, str]) -> None:
    runner, _ = vaani
    asha = as_json(runner, "seed", "demo")["customers"][0]
    _, url = vaani
    bank = runtime.container()
    owner = UUID(_customer_id(url, asha["customer_number"]))
    bank.resolve(ManageReminders).add(owner, ReminderDetails(
        ReminderType.BILL_PAYMENT, "Electricity", datetime(2020, 1, 1, tzinfo=UTC)), SYSTEM)
    assert as_json(runner, "reminders", "run-due") == {"delivered": 1, "skipped": 0}
    assert as_json(runner, "reminders", "run-due") == {"delivered": 0, "skipped": 0}


def test_statement_export_and_reminder_list(vaani: tuple[CliRunner, str], tmp_path: Path) -> None:
    runner, _ = vaani
    asha = as_json(runner, "seed", "demo")["customers"][0]
    number = asha["accounts"][0]["account_number"]
    out = tmp_path / "statement.csv"
    exported = as_json(runner, "statements", "export", number, "--from", "2000-01-01", "--to",
                       "2000-12-31", "--out", str(out))
    assert exported["entries"] == 0 and out.read_text().count("\n") == 3
    today = datetime.now(UTC).date().isoformat()
    as_json_out = tmp_path / "statement.json"
    exported = as_json(runner, "statements", "export", number, "--from", today, "--to", today,
                       "--format", "json", "--out", str(as_json_out))
    body = json.loads(as_json_out.read_text())
    assert exported["entries"] == len(body["entries"]) == 1
    assert body["closing_balance"] == exported["closing_balance"] == asha["accounts"][0]["balance"]
    code, _, err = run(runner, "statements", "export", number, "--from", "yesterday", "--to", today,
                       "--out", str(out))
    assert code == 2 and "YYYY-MM-DD" in err
    for start, end in (("9999-12-30", "9999-12-31"), ("0001-01-01", today)):  # once a traceback
        code, _, err = run(runner, "statements", "export", number, "--from", start, "--to", end,
                           "--out", str(out))
        assert code == 2 and "between 1900-01-01 and 9000-12-31" in err
    assert as_json(runner, "reminders", "list", asha["customer_number"]) == {"items": []}


def test_version_is_printed_without_a_database() -> None:
    code, out, _ = run(CliRunner(), "--version")
    assert code == 0 and out.strip() == f"vaani {installed_version('vaani')}"
