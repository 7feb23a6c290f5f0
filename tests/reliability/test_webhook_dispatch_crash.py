"""`vaani events dispatch` killed with SIGKILL mid-batch, then run again: every event reaches the
receiver at least once (none lost), each customer's first arrivals in the order of their events,
and only what was in flight at the kill arrives twice; on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from application.context import RequestContext
from application.use_cases import ManageWebhooks, TransferCommand, TransferMoney
from domain.customer import Role
from domain.webhook import DeliveryStatus
from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.settings import load_settings
from tests.reliability.conftest import LIVE_ENV, live_database
from tests.support.banking import account, customer, inr
from tests.support.clock import SteppingClock
from tests.support.webhook_receiver import Receiver

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
PAYERS, PAYMENTS, WORKERS = 6, 5, 2


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    made.pause = 0.02  # a healthy endpoint that takes a moment: the kill lands mid-batch
    yield made
    made.close()


def _dispatch(env: dict[str, str], *more: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli.app", "events", "dispatch", *more],
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)}, cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.parametrize("profile", ["sqlite", pytest.param("postgresql",
                                                            marks=pytest.mark.postgresql)])
def test_a_dispatcher_killed_mid_batch_loses_nothing(
        profile: str, tmp_path: Path, request: pytest.FixtureRequest,
        receiver: Receiver) -> None:
    url = live_database(profile, tmp_path, request)
    env = {**LIVE_ENV, "VAANI_DATABASE_URL": url, "VAANI_WEBHOOK_ALLOW_HTTP": "1",
           "VAANI_WEBHOOK_PRIVATE_NETWORKS": "1",
           "VAANI_WEBHOOK_TIMEOUT_SECONDS": "1", "VAANI_WEBHOOK_LEASE_SECONDS": "2"}
    bank = bootstrap(load_settings(env), clock=SteppingClock())
    prepare_database(bank)
    operator = RequestContext(actor_id=customer(bank, Role.OPERATOR).id)
    payee = account(bank, customer(bank)).account_number
    payers = [(p, account(bank, p, "1000.00").account_number)
              for p in (customer(bank) for _ in range(PAYERS))]
    # Registered after the accounts' opening deposits: only the payments are owed to it.
    endpoint = bank.resolve(ManageWebhooks).add(receiver.url, "", ["transfer.posted"],
                                                operator).endpoint
    for payer, source in payers:
        for n in range(PAYMENTS):
            bank.resolve(TransferMoney).execute(TransferCommand(
                customer_id=payer.id, from_account_number=source, to_account_number=payee,
                amount=inr(f"{n + 1}.00")))
    total = PAYERS * PAYMENTS
    running = _dispatch(env, "--workers", str(WORKERS), "--interval", "0.1")
    receiver.wait_for(total // 3, seconds=120)
    running.send_signal(signal.SIGKILL)
    running.wait(30)
    arrived_before = len(receiver.received)
    assert arrived_before < total, "the dispatcher finished before it was killed"
    time.sleep(2.5)  # the leases of what it held run out
    finishing = _dispatch(env, "--once", "--json")
    out, err = finishing.communicate(timeout=300)
    assert finishing.returncode == 0, err.decode()
    assert json.loads(out)["dead"] == 0
    bodies = [json.loads(m.body) for m in receiver.received]
    ids = [b["id"] for b in bodies]
    assert len(set(ids)) == total  # every event, none lost
    assert len(ids) - total <= WORKERS  # twice at most what was in flight at the kill
    first_seen: dict[str, list[int]] = {}
    for body in bodies:
        seen = first_seen.setdefault(body["customer_id"], [])
        if body["sequence"] not in seen:
            seen.append(body["sequence"])
    assert all(seen == sorted(seen) for seen in first_seen.values())
    owed = bank.resolve(ManageWebhooks).deliveries(endpoint.id, limit=100)
    assert len(owed) == total and all(d.status is DeliveryStatus.DELIVERED for d in owed)
