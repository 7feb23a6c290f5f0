"""`vaani ledger verify` holds the ledger to the audit trail: a transfer removed with both its
legs, and the balances put back to match, leaves every ledger invariant intact; only the
posting recorded in the (checkpointed) audit trail still tells."""

from __future__ import annotations

import sqlalchemy as sa
from typer.testing import CliRunner

from tests.cli.conftest import run
from tests.support.audit_tampering import AuditTampering

_NEWEST = ("SELECT id FROM transfers WHERE status = 'completed' "
           "ORDER BY posted_at DESC, created_at DESC LIMIT 1")


def _remove_newest_transfer(url: str) -> str:
    """Delete the newest posted transfer, its legs and its assessment; undo its balances."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        transfer_id = conn.exec_driver_sql(_NEWEST).scalar_one()
        legs = conn.execute(sa.text("SELECT account_id, entry_type, amount FROM ledger_entries "
                                    "WHERE transfer_id = :t"), {"t": transfer_id}).all()
        assert len(legs) == 2
        for account_id, entry_type, amount in legs:
            undo = -amount if entry_type == "credit" else amount
            conn.execute(sa.text("UPDATE accounts SET balance = balance + :d WHERE id = :a"),
                         {"d": undo, "a": account_id})
        for table in ("ledger_entries", "fraud_assessments", "transfers"):
            column = "id" if table == "transfers" else "transfer_id"
            conn.execute(sa.text(f"DELETE FROM {table} WHERE {column} = :t"),
                         {"t": transfer_id})
    engine.dispose()
    return str(transfer_id)


def test_a_transfer_removed_with_its_legs_and_balances_is_caught(
        seeded: tuple[CliRunner, AuditTampering], database_url: str) -> None:
    runner, _ = seeded
    assert run(runner, "ledger", "verify")[0] == 0
    transfer_id = _remove_newest_transfer(database_url)
    code, _, err = run(runner, "ledger", "verify")
    assert code == 1, "a transfer removed with its legs and balances went unnoticed"
    assert "ledger does not hold as posted" in err
    assert transfer_id.replace("-", "") in err.replace("-", "")
    assert run(runner, "audit", "verify")[0] == 0  # the audit trail itself is untouched


def test_a_posting_whose_audit_record_names_another_amount_is_caught(
        seeded: tuple[CliRunner, AuditTampering]) -> None:
    runner, db = seeded
    posting = next(e for e in reversed(db.chain()) if e.action == "money.deposit")
    db.edit(posting.sequence, reseal=True, details={**posting.details, "amount": "1.00"})
    code, _, err = run(runner, "ledger", "verify")
    assert code == 1 and f"audit record {posting.sequence} says 1.00" in err
