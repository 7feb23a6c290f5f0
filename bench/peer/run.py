"""Runs inside the peer's own environment (bench/peer/.venv), driven by bench/peer_compare.py.

  run.py setup ACCOUNTS          migrate, open ACCOUNTS funded asset accounts (codes 100001…)
  run.py inprocess WORKERS N     N transfers between random accounts by WORKERS processes;
                                 prints {"rate": …, "p99_ms": …}
  run.py verify                  every transaction balances, no account below zero, money kept"""

import json
import os
import random
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # bench/
from timed_rounds import timed_round

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerbank.settings")
OPENING = Decimal("1000000.00")


def _django() -> None:
    import django
    django.setup()


def setup(accounts: int) -> None:
    _django()
    from django.core.management import call_command
    from djmoney.money import Money
    from hordak.models import Account

    call_command("migrate", verbosity=0)
    capital = Account.objects.create(name="Capital", type="EQ", code="900000", currencies=["INR"])
    for n in range(accounts):
        asset = Account.objects.create(name=f"Customer {n}", type="AS", code=f"{100001 + n}",
                                       currencies=["INR"])
        capital.transfer_to(asset, Money(OPENING, "INR"))


def codes() -> list[str]:
    _django()
    from hordak.models import Account
    return list(Account.objects.filter(type="AS").order_by("code").values_list("code", flat=True))


def _worker(pairs, tag, start, results) -> None:  # type: ignore[no-untyped-def]
    _django()
    from peerbank.transfer import transfer
    transfer(pairs[0][0], pairs[0][1], Decimal("1.00"), f"{tag}-warm")
    latencies = []
    start.wait()
    for i, (source, destination) in enumerate(pairs):
        began = time.perf_counter()
        transfer(source, destination, Decimal("1.00"), f"{tag}-{i}")
        latencies.append(time.perf_counter() - began)
    results.put((time.perf_counter(), latencies))


def inprocess(workers: int, count: int, seed: int) -> None:
    accounts = codes()
    rng = random.Random(seed)
    pairs = [tuple(rng.sample(accounts, 2)) for _ in range(count)]
    rate, p99 = timed_round(_worker, pairs, workers, f"p{seed}")
    print(json.dumps({"rate": rate, "p99_ms": p99}))


def verify() -> None:
    _django()
    from django.db.models import Sum
    from hordak.models import Account, Leg, Transaction

    unbalanced = [t.id for t in Transaction.objects.all().iterator()
                  if t.legs.aggregate(d=Sum("debit"))["d"] != t.legs.aggregate(c=Sum("credit"))["c"]]
    negative = [a.code for a in Account.objects.filter(type="AS")
                if a.get_simple_balance()["INR"].amount < 0]
    total = sum((a.get_simple_balance()["INR"].amount for a in Account.objects.filter(type="AS")),
                Decimal(0))
    expected = OPENING * Account.objects.filter(type="AS").count()
    print(json.dumps({"ok": not unbalanced and not negative and total == expected,
                      "legs": Leg.objects.count(), "unbalanced": unbalanced[:5],
                      "negative": negative[:5], "total": str(total)}))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "setup":
        setup(int(sys.argv[2]))
    elif command == "inprocess":
        inprocess(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    elif command == "verify":
        verify()
    elif command == "codes":
        print(json.dumps(codes()))
