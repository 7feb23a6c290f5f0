"""A storm over HTTP on a live server: customers paying each other from hot accounts, every
request sent again (concurrently) under the same Idempotency-Key, step-up challenges answered
twice at once, two operators racing to approve and reject the same held transfers.

Afterwards: no 5xx anywhere, every key moved money at most once, every hold was decided at most
once, customer money is unchanged, and `vaani ledger verify` and `vaani audit verify` pass.
VAANI_SOAK_SCALE (make soak) multiplies the number of requests."""

from __future__ import annotations

import os
import random
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest

from tests.reliability.conftest import OPENING, PIN, LiveBank

pytestmark = pytest.mark.slow
SCALE = int(os.environ.get("VAANI_SOAK_SCALE", "1"))
REQUESTS_PER_CUSTOMER = 24 * SCALE
AMOUNTS = ["1.00", "25.00", "480.00", "4999.00", "15000.00"]


class Ledger:
    """What the clients saw, shared by their threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.transfers_by_key: dict[str, set[str]] = defaultdict(set)
        self.decisions: dict[str, int] = defaultdict(int)  # transfer id -> successful decisions
        self.server_errors: list[str] = []

    def saw(self, response: httpx.Response, what: str) -> None:
        if response.status_code >= 500:
            with self.lock:
                self.server_errors.append(f"{what}: {response.status_code} {response.text[:200]}")


def _pay(live: LiveBank, seen: Ledger, payer: int, seed: int) -> None:
    rng = random.Random(seed)
    number, source = live.people[payer]
    headers = live.log_in(number)
    others = [a for a in live.accounts if a != source]
    with httpx.Client(base_url=f"{live.server.base}/api/v1", headers=headers,
                      timeout=60) as http, ThreadPoolExecutor(3) as twins:
        for i in range(REQUESTS_PER_CUSTOMER):
            key = f"storm-{payer}-{i}"
            body = {"to_account_number": rng.choice(others),
                    "amount": {"amount": rng.choice(AMOUNTS), "currency": "INR"}}
            copies = 3 if rng.random() < 0.3 else 1  # a client retrying before the answer came

            def send(_: int, body: dict[str, object] = body, key: str = key) -> httpx.Response:
                return http.post(f"/accounts/{source}/transfer", json=body,
                                 headers={"Idempotency-Key": key})
            for response in list(twins.map(send, range(copies))):
                seen.saw(response, f"transfer {key}")
                if response.status_code in (200, 201, 202):
                    with seen.lock:
                        seen.transfers_by_key[key].add(response.json()["transfer_id"])
            if response.status_code == 202 and response.json().get("challenge"):
                _answer_twice(http, twins, seen, response.json()["transfer_id"])


def _answer_twice(http: httpx.Client, twins: ThreadPoolExecutor, seen: Ledger,
                  transfer_id: str) -> None:
    answers = list(twins.map(lambda _: http.post(f"/transfers/{transfer_id}/challenge",
                                                 json={"pin": PIN}), range(2)))
    for answer in answers:
        seen.saw(answer, f"challenge {transfer_id}")
        if answer.status_code == 200:
            with seen.lock:
                seen.decisions[transfer_id] += 1


def _review(live: LiveBank, seen: Ledger, verdict: str, done: threading.Event) -> None:
    headers = live.log_in(live.operator_number)
    with httpx.Client(base_url=f"{live.server.base}/api/v1", headers=headers, timeout=60) as http:
        while True:
            finished = done.is_set()
            queue = http.get("/operator/review", params={"limit": 50})
            seen.saw(queue, "review queue")
            for held in queue.json().get("items", []):
                decided = http.post(f"/operator/review/{held['transfer_id']}/{verdict}")
                seen.saw(decided, f"{verdict} {held['transfer_id']}")
                if decided.status_code == 200:
                    with seen.lock:
                        seen.decisions[held["transfer_id"]] += 1
            if finished:
                return


def test_a_storm_of_payments_retries_and_decisions_keeps_the_books(live_bank: LiveBank) -> None:
    live = live_bank
    live.set_pins()
    money_before = live.customer_money()
    assert money_before == len(live.people) * int(OPENING.replace(".", ""))
    seen, done = Ledger(), threading.Event()
    reviewers = [threading.Thread(target=_review, args=(live, seen, verdict, done))
                 for verdict in ("approve", "reject")]
    for reviewer in reviewers:
        reviewer.start()
    try:
        with ThreadPoolExecutor(len(live.people)) as payers:
            list(payers.map(lambda p: _pay(live, seen, p, seed=p), range(len(live.people))))
    finally:
        done.set()
        for reviewer in reviewers:
            reviewer.join(120)

    assert seen.server_errors == [], live.server.log_tail()
    assert seen.transfers_by_key, "no transfer was accepted at all"
    twice = {k: ids for k, ids in seen.transfers_by_key.items() if len(ids) != 1}
    assert twice == {}, "one Idempotency-Key answered with different transfers"
    assert all(n == 1 for n in seen.decisions.values()), "a hold was decided more than once"
    in_database = live.keys_in_database()
    assert all(n == 1 for n in in_database.values())
    assert set(in_database) >= set(seen.transfers_by_key)
    assert all(k.startswith("storm-") for k in in_database), "a transfer nobody asked for"
    assert live.customer_money() == money_before
    live.assert_books_verify()
    # The storm did reach every path: postings, step-ups and reviews decided, refusals.
    statuses = live.statuses()
    assert statuses.get("completed") and seen.decisions
    assert statuses.get("blocked", 0) + statuses.get("voided", 0) > 0
