"""`vaani reminders run-due` with reminders stored before rules were checked strictly: the bad
ones are skipped, suspended and audited, the others delivered, and the run exits 0."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import sqlalchemy as sa
from typer.testing import CliRunner

from adapters.sql.tables import reminders
from tests.cli.test_cli import _customer_id, as_json, run

DUE = datetime(2020, 1, 1, 9, 0, tzinfo=UTC)
# Due in this order: the first stopped every run of the original code (exit 1), the last one
# made it spin for ever; UNTIL as a date was accepted, then refused by every run.
ROWS = [("old bad 1", "FREQ=MONTHLY;BYDAY=+999MO"),
        ("old bad 2", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31"),
        ("until a date", "FREQ=DAILY;UNTIL=20200101"), ("old bad 3", "FREQ=DAILY;INTERVAL=0"),
        ("once", None)]


def _store_as_old_rows(url: str, owner: UUID) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(reminders.insert(), [
            {"id": uuid4(), "customer_id": owner, "type": "BILL_PAYMENT", "title": title,
             "due_at": DUE + timedelta(minutes=n), "starts_at": DUE + timedelta(minutes=n),
             "created_at": DUE, "rrule": rule, "amount": None, "currency": None,
             "status": "PENDING", "delivered": 0}
            for n, (title, rule) in enumerate(ROWS)])
    engine.dispose()


def test_run_due_skips_and_reports_a_bad_reminder(vaani: tuple[CliRunner, str]) -> None:
    runner, url = vaani
    asha = as_json(runner, "seed", "demo")["customers"][0]
    _store_as_old_rows(url, UUID(_customer_id(url, asha["customer_number"])))
    code, out, err = run(runner, "reminders", "run-due")
    assert code == 0, err
    assert "2 reminder(s) delivered" in out and "3 reminder(s) skipped" in out
    assert as_json(runner, "reminders", "run-due") == {"delivered": 0, "skipped": 0}
    listed = as_json(runner, "reminders", "list", asha["customer_number"])["items"]
    assert {r["title"]: (r["status"], r["delivered"]) for r in listed} == {
        "old bad 1": ("SUSPENDED", 0), "old bad 2": ("SUSPENDED", 0),
        "old bad 3": ("SUSPENDED", 0), "until a date": ("COMPLETED", 1),
        "once": ("COMPLETED", 1)}
    suspended = [e for e in as_json(runner, "audit", "tail", "--limit", "20")["items"]
                 if e["action"] == "reminder.suspended"]
    assert len(suspended) == 3 and {e["outcome"] for e in suspended} == {"failure"}
    assert as_json(runner, "audit", "verify")["ok"] is True
