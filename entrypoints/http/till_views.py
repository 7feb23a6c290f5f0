"""A teller's till as JSON (the HTTP API and `vaani teller --json` alike)."""

from __future__ import annotations

from typing import Any

from application.use_cases import TillReport
from entrypoints.http import views


def till_body(r: TillReport) -> dict[str, Any]:
    t = r.totals
    return {"teller_id": str(t.teller_id), "business_date": t.business_date.isoformat(),
            "currency": t.currency, "deposits": t.deposits, "deposited": views.money(t.deposited),
            "withdrawals": t.withdrawals, "withdrawn": views.money(t.withdrawn),
            "deposits_reversed": views.money(t.deposits_reversed),
            "withdrawals_reversed": views.money(t.withdrawals_reversed),
            "net": views.money(t.net), "ledger_deposited": views.money(r.ledger_deposited),
            "ledger_withdrawn": views.money(r.ledger_withdrawn),
            "ledger_deposits_reversed": views.money(r.ledger_deposits_reversed),
            "ledger_withdrawals_reversed": views.money(r.ledger_withdrawals_reversed),
            "balanced": r.balanced}
