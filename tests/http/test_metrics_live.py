"""`/metrics` of a live `vaani serve --workers 2` on SQLite: whichever worker answers a scrape,
it sums both workers' counts; the series move by exactly the traffic driven; the directory
the workers count in is the server's own, gone when it exits."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import httpx2 as httpx
import pytest

from application.ports import UnitOfWorkFactory
from tests.reliability.conftest import LiveBank, open_live_bank
from tests.support.banking import account, customer
from tests.support.scraping import samples, value

pytestmark = pytest.mark.slow
TOKEN = "live-metrics-token-" + "t" * 32
POOL = 10  # VAANI_DB_POOL_SIZE's default
HEALTH_CHECKS = 40


def scrape(live: LiveBank) -> str:
    answer = httpx.get(f"{live.server.base}/metrics", timeout=30,
                       headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200, answer.text
    return answer.text


def both_workers_up(live: LiveBank) -> str:
    """The server answers once one worker is ready; wait for the second (it loads the speaker
    model first), whose pool's gauge then joins the sum."""
    deadline = time.monotonic() + 180
    while value(text := scrape(live), "vaani_db_pool_limit") < 2 * 2 * POOL:
        assert time.monotonic() < deadline, "the second worker never started"
        time.sleep(0.2)
    return text


def access_lines_written(live: LiveBank) -> list[str]:
    """The server's log once the health checks' access lines are in it (the workers write in
    batches, a tenth of a second apart)."""
    deadline = time.monotonic() + 60
    while True:
        lines = live.server.log_tail(100_000).splitlines()
        if sum('"route":"/health"' in line for line in lines) >= HEALTH_CHECKS:
            return lines
        assert time.monotonic() < deadline, lines[-5:]
        time.sleep(0.1)


def workers(live: LiveBank) -> set[int]:
    """The pids of the server's uvicorn workers (its children started by multiprocessing)."""
    assert live.server._process is not None
    master, found = live.server._process.pid, set()
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:  # gone meanwhile
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == master and b"spawn_main" in command:
            found.add(int(entry))
    return found


def a_worker_killed(live: LiveBank, directory: Path) -> str:
    """SIGKILL one worker: it says no last words. uvicorn starts another; a scrape drops the
    dead one's pool gauges (the files of a pid no longer running) and sums the two live
    workers', and still every count the dead one made."""
    victim = min(workers(live))
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 180
    while True:
        text, alive = scrape(live), workers(live)
        if victim not in alive and len(alive) == 2 and \
                not (directory / f"gauge_livesum_{victim}.db").exists() and \
                value(text, "vaani_db_pool_limit") == 2 * 2 * POOL:
            return text
        assert time.monotonic() < deadline, (alive, value(text, "vaani_db_pool_limit"))
        time.sleep(0.2)


def metrics_directories(tmp: Path) -> list[str]:
    return [name for name in os.listdir(tmp) if name.startswith("vaani-metrics-")]


def test_two_workers_count_together(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"  # the server's TMPDIR: where its metrics directory goes
    tmp.mkdir()
    live = open_live_bank(f"sqlite:///{tmp_path / 'live.db'}", customers=2, workers=2, env={
        "VAANI_METRICS": "token", "VAANI_METRICS_TOKEN": TOKEN, "VAANI_LOCKOUT_FAILURES": "3",
        "TMPDIR": str(tmp)})
    rich = customer(live.bank)
    rich_account = account(live.bank, rich, "100000.00").account_number
    (locked_number, _), (payer_number, payer_account) = live.people
    payee = live.accounts[0]
    live.server.start()
    try:
        refused = httpx.get(f"{live.server.base}/metrics", timeout=30)
        assert refused.status_code == 401 and "vaani_" not in refused.text
        before = both_workers_up(live)
        for _ in range(HEALTH_CHECKS):  # each on a new connection: both workers take some
            assert httpx.get(f"{live.server.base}/health", timeout=30).status_code == 200
        for _ in range(3):
            wrong = httpx.post(f"{live.server.base}/api/v1/auth/login", timeout=30, json={
                "customer_number": locked_number, "method": "password", "password": "wrong-one",
                "device": {"identifier": "phone"}})
            assert wrong.status_code == 401
        paid = httpx.post(f"{live.server.base}/api/v1/accounts/{payer_account}/transfer",
                          headers={**live.log_in(payer_number), "Idempotency-Key": "small"},
                          json={"to_account_number": payee,
                                "amount": {"amount": "10.00", "currency": "INR"}}, timeout=30)
        assert paid.status_code == 201, paid.text
        # No history, a first payment to this account, above the new-customer amount: held.
        held = httpx.post(f"{live.server.base}/api/v1/accounts/{rich_account}/transfer",
                          headers={**live.log_in(rich.customer_number), "Idempotency-Key": "big"},
                          json={"to_account_number": payee,
                                "amount": {"amount": "60000.00", "currency": "INR"}}, timeout=30)
        assert held.status_code == 202, held.text
        scrapes = [scrape(live) for _ in range(6)]  # answered by either worker, alike
        logged = access_lines_written(live)
        [directory] = metrics_directories(tmp)
        after_a_crash = a_worker_killed(live, tmp / directory)
    finally:
        live.server.stop()
        live.bank.resolve(UnitOfWorkFactory).close()
    assert metrics_directories(tmp) == []  # removed as the server exited
    # Every line JSON: the access log's, uvicorn's, ours.
    assert all(isinstance(json.loads(line), dict) for line in logged), logged
    after = scrapes[-1]

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("vaani_http_requests_total", route="/health", method="GET",
                 status="200") == HEALTH_CHECKS
    assert moved("vaani_http_request_duration_seconds_count", route="/health",
                 method="GET") == HEALTH_CHECKS
    assert moved("vaani_http_requests_total", route="/api/v1/auth/login", method="POST",
                 status="401") == 3
    transfer_route = "/api/v1/accounts/{account_number}/transfer"
    assert moved("vaani_http_requests_total", route=transfer_route, status="201") == 1
    assert moved("vaani_http_requests_total", route=transfer_route, status="202") == 1
    assert moved("vaani_login_failures_total", method="password", outcome="failure") == 3
    assert moved("vaani_lockouts_total", what="login") == 1
    assert moved("vaani_transfers_total", kind="transfer", decision="posted") == 1
    assert moved("vaani_transfers_total", kind="transfer", decision="held") == 1
    assert value(after, "vaani_money_held", currency="INR") == 60000.0
    assert value(after, "vaani_held_transfers", currency="INR") == 1
    assert value(after, "vaani_webhook_deliveries", status="pending") == 0
    assert value(after, "vaani_database_figures_read") == 1
    # Live gauges summed over both workers' files: each worker's pool lends twice its size.
    assert value(after, "vaani_db_pool_limit") == 2 * 2 * POOL
    assert value(after, "vaani_db_connections_in_use") >= 1
    # Counts never depend on which worker answers.
    for text in scrapes:
        assert value(text, "vaani_http_requests_total", route="/health") == \
            value(after, "vaani_http_requests_total", route="/health")
    assert value(after_a_crash, "vaani_http_requests_total", route="/health") == \
        value(after, "vaani_http_requests_total", route="/health")
    # Routes are templates: no account number, nor any other path of a client's, is a label.
    routes = {labels["route"] for _, labels, _ in samples(after) if "route" in labels}
    assert not any(number in route for route in routes for number in live.accounts)
