"""`vaani standing-orders run-due` killed with SIGKILL mid-run, then run again (as cron would):
every due occurrence is paid exactly once — none lost, none doubled — on a SQLite file and on
PostgreSQL; the books verify."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from application.context import RequestContext
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    ManageStandingOrders,
    StandingOrderDetails,
    VerifyLedger,
)
from domain.money import Money
from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.settings import load_settings
from tests.reliability.conftest import LIVE_ENV, live_database
from tests.support.banking import account, customer
from tests.support.clock import SteppingClock

pytestmark = pytest.mark.slow
ORDERS = 160  # enough that a kill lands mid-run: a run takes many polls of the count
ROOT = Path(__file__).resolve().parents[2]
_PAID = "SELECT count(*) FROM standing_order_occurrences WHERE status = 'paid'"


def _run_due(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli.app", "standing-orders", "run-due", "--json"],
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)}, cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.parametrize("profile", ["sqlite", pytest.param("postgresql",
                                                            marks=pytest.mark.postgresql)])
def test_a_runner_killed_mid_run_loses_and_doubles_nothing(
        profile: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = live_database(profile, tmp_path, request)
    env = {**LIVE_ENV, "VAANI_DATABASE_URL": url, "VAANI_STANDING_ORDER_LEASE_SECONDS": "1"}
    clock = SteppingClock()
    bank = bootstrap(load_settings(env), clock=clock)
    prepare_database(bank)
    payee = account(bank, customer(bank)).account_number
    payers = []
    for _ in range(ORDERS):
        owner = customer(bank)
        payers.append(account(bank, owner, "100.00").account_number)
        bank.resolve(ManageStandingOrders).add(owner.id, StandingOrderDetails(
            payers[-1], Money.parse("7.00"), clock.now() + timedelta(seconds=1),
            to_account_number=payee, rrule="FREQ=YEARLY"), RequestContext())
    engine = sa.create_engine(url)
    killed_at = []
    for round_ in range(3):  # kill twice at different points, then let one run finish
        runner = _run_due(env)
        if round_ < 2:
            wanted = (round_ + 1) * ORDERS // 4
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and runner.poll() is None:
                with engine.connect() as conn:
                    if conn.execute(sa.text(_PAID)).scalar_one() >= wanted:
                        break
                time.sleep(0.01)
            runner.send_signal(signal.SIGKILL)
            runner.wait(30)
            with engine.connect() as conn:
                killed_at.append(conn.execute(sa.text(_PAID)).scalar_one())
            time.sleep(1.2)  # the lease of what it held runs out
        else:
            _, err = runner.communicate(timeout=300)
            assert runner.returncode == 0, err.decode()
    assert killed_at[0] < ORDERS, f"the runner finished before it was killed ({killed_at})"
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT status, attempts FROM standing_order_occurrences")).all()
        keys = conn.execute(sa.text(
            "SELECT count(*), count(DISTINCT idempotency_key) FROM transfers "
            "WHERE idempotency_key LIKE 'standing-order:%'")).one()
    engine.dispose()
    assert len(rows) == ORDERS and {r.status for r in rows} == {"paid"}
    assert tuple(keys) == (ORDERS, ORDERS)  # one payment per occurrence, none twice
    with bank.resolve(UnitOfWorkFactory)() as uow:
        balances = {a.account_number: a.balance.format() for a in uow.accounts.all()}
    assert {balances[p] for p in payers} == {"93.00"}
    assert balances[payee] == f"{7 * ORDERS}.00"
    report = bank.resolve(VerifyLedger).execute()
    assert report.ok, report.problems
    bank.resolve(UnitOfWorkFactory).close()
