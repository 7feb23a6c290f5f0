"""Webhook dispatch rate (a benchmark, not a test): events per second from the outbox (the audit
trail) to a receiver on loopback, through `DispatchEvents` with the senders of
`vaani events dispatch`, against a hand-written sender of the same signed messages.
Run: PYTHONPATH=. .venv/bin/python bench/dispatch_rate.py [--quick]"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import attrs

from adapters.system.standard_webhooks import HttpWebhookSender
from application.context import RequestContext
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    DispatchEvents,
    DispatchRun,
    ManageWebhooks,
    ReadEvents,
    TransferCommand,
    TransferMoney,
)
from bench.history_load import settings_env
from bench.report import ALTERNATING, Table, in_turn, write_section
from domain.customer import Role
from domain.webhook import DeliveryStatus
from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.settings import load_settings
from tests.support.banking import account, customer, inr
from tests.support.postgres import throwaway_cluster
from tests.support.webhook_receiver import Receiver

QUICK = "--quick" in sys.argv
EVENTS = 300 if QUICK else 2000
ROUNDS = 1 if QUICK else 3
SENDERS = 4  # `vaani events dispatch`'s default


def _bank(url: str) -> object:
    bank = bootstrap(load_settings(settings_env(url, VAANI_WEBHOOK_ALLOW_HTTP="1",
                                                  VAANI_WEBHOOK_PRIVATE_NETWORKS="1")))
    prepare_database(bank)
    return bank


def _events(bank: object) -> int:
    """EVENTS transfers among 40 customers' accounts; answers the audit position before them."""
    people = [customer(bank) for _ in range(40)]  # type: ignore[arg-type]
    accounts = [(p, account(bank, p, "1000000.00").account_number) for p in people]  # type: ignore[arg-type]
    with bank.resolve(UnitOfWorkFactory)() as uow:  # type: ignore[attr-defined]
        start = uow.audit.head().sequence  # after the opening deposits: only payments count
    pay = bank.resolve(TransferMoney)  # type: ignore[attr-defined]
    for n in range(EVENTS):
        payer, source = accounts[n % 40]
        pay.execute(TransferCommand(customer_id=payer.id, from_account_number=source,
                                    to_account_number=accounts[(n + 1) % 40][1],
                                    amount=inr("1.00")))
    with bank.resolve(UnitOfWorkFactory)() as uow:  # type: ignore[attr-defined]
        bodies = uow.audit.head().sequence - start
    print(f"{EVENTS} transfers, {bodies} audit records after position {start}", flush=True)
    return start


def _vaani(bank: object, receiver: Receiver, start: int, operator: RequestContext,
           events: int) -> float:
    """Seconds for the dispatcher to deliver every event since `start` (`events` of them)."""
    manage = bank.resolve(ManageWebhooks)  # type: ignore[attr-defined]
    made = manage.add(receiver.url, "bench", None, operator).endpoint
    factory = bank.resolve(UnitOfWorkFactory)  # type: ignore[attr-defined]
    with factory(write=True) as uow:  # owed everything since `start`, as if registered then
        uow.webhooks.update(attrs.evolve(made, position=start))
        uow.commit()
    dispatcher = bank.resolve(DispatchEvents)  # type: ignore[attr-defined]
    before = len(receiver.received)
    began = time.perf_counter()
    owed = dispatcher.fan_out()

    def send() -> None:
        while dispatcher.deliver_due(100) != DispatchRun():
            pass

    senders = [threading.Thread(target=send) for _ in range(SENDERS)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    elapsed = time.perf_counter() - began
    manage.disable(made.id, operator)
    delivered = manage.deliveries(made.id, status=DeliveryStatus.DELIVERED, limit=1)
    arrived = len(receiver.received) - before
    assert delivered and owed == events and arrived >= events, \
        f"{arrived} of {events} events arrived ({owed} owed)"
    return elapsed


def _bodies(bank: object, start: int) -> list[str]:
    """The events' JSON, as the dispatcher sends it: the hand-written sender sends the same."""
    feed, bodies, after = bank.resolve(ReadEvents), [], start  # type: ignore[attr-defined]
    while True:
        page = feed.everyone(after=after, limit=100)
        bodies += [json.dumps(e.as_dict(), separators=(",", ":")) for e in page.items]
        if not page.more:
            return bodies
        after = page.position


def _hand_written(receiver: Receiver, bodies: list[str]) -> float:
    """The same number of signed POSTs by SENDERS threads: no database, no retries, no log."""
    sender = HttpWebhookSender(private_networks=True, allow_http=True)  # a loopback receiver
    secret = sender.new_secret()
    queue = list(enumerate(bodies))
    lock = threading.Lock()

    def send() -> None:
        while True:
            with lock:
                if not queue:
                    return
                n, body = queue.pop()
            sender.send(receiver.url, f"msg_{n}", int(time.time()), body, [secret], 10.0)

    began = time.perf_counter()
    threads = [threading.Thread(target=send) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def measure(profile: str, url: str, table: Table) -> None:
    bank = _bank(url)
    receiver = Receiver()
    try:
        start = _events(bank)
        operator = RequestContext(actor_id=customer(bank, Role.OPERATOR).id)  # type: ignore[arg-type]
        bodies = _bodies(bank, start)
        times: dict[str, list[float]] = {"vaani": [], "hand": []}
        for r in range(ROUNDS):
            for side in in_turn(r, ("vaani", "hand")):
                times[side].append(_vaani(bank, receiver, start, operator, len(bodies))
                                   if side == "vaani" else _hand_written(receiver, bodies))
        ours = len(bodies) / statistics.median(times["vaani"])
        base = len(bodies) / statistics.median(times["hand"])
        kinds = Counter(json.loads(b)["type"] for b in bodies)
        print(f"[{profile}] {len(bodies):,} events: {dict(kinds)}", flush=True)
        print(f"[{profile}] {ours:,.0f} events/s against {base:,.0f}/s by hand", flush=True)
        table.add([profile, f"{len(bodies):,}", f"{ours:,.0f}", f"{base:,.0f}",
                   f"{ours / base:.2f}"])
    finally:
        receiver.close()


def main() -> None:
    load_before = os.getloadavg()[0]
    table = Table(["database", "events", "dispatcher events/s", "hand-written sender /s",
                   "ratio"])
    with tempfile.TemporaryDirectory() as tmp, throwaway_cluster(durable=True) as postgres:
        for profile, url in (("SQLite", f"sqlite:///{Path(tmp) / 'dispatch.db'}"),
                             ("PostgreSQL", postgres)):
            measure(profile, url, table)
    write_section("Webhook dispatch", f"""\
`bench/dispatch_rate.py`: {EVENTS:,} transfers among 40 customers make their events (posted,
and held by the fraud screen's velocity rules once a payer sends many in an hour: the table
counts them); an endpoint of every event type, registered before them, is sent every one by
`DispatchEvents` (the fan-out, then
{SENDERS} sender threads as `vaani events dispatch` runs them: each delivery leased, signed,
POSTed, its try logged and settled), to a threaded `http.server` receiver on loopback answering
204 (it shares the two cores). Medians of {ROUNDS} interleaved rounds, and {ALTERNATING}. Load
average before: {load_before:.2f}.

The baseline is a hand-written sender of the same signed messages by {SENDERS} threads over
stdlib `http.client`: no database, no lease, no log, no order kept.

{table.render()}""", quick=QUICK)


if __name__ == "__main__":
    main()
