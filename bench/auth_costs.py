"""Authentication: password logins and refreshes per second, and the per-request check, each
against the same operation written by hand, measured in the same run (interleaved rounds):

- login (argon2id verify + session + refresh token + audit record) vs a bare argon2id verify;
- refresh (rotation in the database + new tokens + audit) vs the same rows written by hand
  (bench/auth_baseline.py; the memory profile: bare HS256 signing + SHA-256);
- per-request check (HS256 verify, remembered per token, + session row, on the request's kept
  connection) vs an HS256 verify + the session row by hand (memory: a bare HS256 verify), for
  a token already seen and for a token's first use.

Run: make bench (or PYTHONPATH=. .venv/bin/python bench/auth_costs.py)."""

from __future__ import annotations

import hashlib
import os
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

import jwt

from adapters.security import Argon2Hasher
from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
from application.context import SYSTEM
from application.ports import TokenService, UnitOfWorkFactory
from application.use_cases import Authenticate, LogInWithPassword, RefreshSession
from bench.auth_baseline import hand_written_sessions
from bench.report import ALTERNATING, PAIRED, Table, in_turn, paired_ratio, ratio_cell, spread, write_section
from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.settings import load_settings
from tests.support.banking import PASSWORD, customer
from tests.support.postgres import throwaway_cluster

SECRET = "bench-secret-" + "x" * 40
ROUNDS = 5  # a per-request check is tens of microseconds: five rounds steady its ratio


def per_second(fn: Callable[[], object], n: int) -> tuple[float, float]:
    """(operations per second, p99 ms) over n sequential calls."""
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return n / sum(samples), statistics.quantiles(samples, n=100)[98] * 1e3


def interleaved(ours: Callable[[], object], baseline: Callable[[], object],
                n: int) -> tuple[float, float, float, float, tuple[float, float, float]]:
    """Vaani's rate and p99, the baseline's, and the paired ratio (median, lowest, highest)."""
    a, b = [], []
    for r in range(ROUNDS):
        for side in in_turn(r, ("ours", "baseline")):
            if side == "ours":
                a.append(per_second(ours, n))
            else:
                b.append(per_second(baseline, n))
    return (statistics.median(x[0] for x in a), statistics.median(x[1] for x in a),
            statistics.median(x[0] for x in b), statistics.median(x[1] for x in b),
            paired_ratio([x[0] for x in a], [x[0] for x in b]))


def measure(profile: str, url: str, table: Table) -> None:
    bank = bootstrap(load_settings({"VAANI_DATABASE_URL": url, "VAANI_PROFILE": profile,
                                    "VAANI_JWT_SECRET": SECRET}))
    prepare_database(bank)
    asha = customer(bank)
    hasher = Argon2Hasher()  # the production default: m=19 MiB, t=2, p=1
    stored = hasher.hash(PASSWORD)
    log_in = bank.resolve(LogInWithPassword)
    rows = [("password login", *interleaved(
        lambda: log_in.execute(asha.customer_number, PASSWORD),
        lambda: hasher.verify(stored, PASSWORD), 20), "bare argon2id verify")]

    refresh = bank.resolve(RefreshSession)
    current = [log_in.execute(asha.customer_number, PASSWORD)[0].refresh_token]

    def rotate() -> None:
        current[0] = refresh.execute(current[0], SYSTEM).refresh_token

    by_hand = None if profile == "memory" else hand_written_sessions(url, SECRET)
    if by_hand is None:  # no database to write by hand: the bare cryptography
        def bare_refresh() -> None:
            token = secrets.token_urlsafe(32)
            hashlib.sha256(token.encode()).hexdigest()
            jwt.encode({"sub": "x", "sid": "y", "exp": 2_000_000_000}, SECRET, algorithm="HS256")

        def bare_check(token: str) -> None:
            jwt.decode(token, SECRET, algorithms=["HS256"], issuer="vaani")
        rotated, checked = "bare token + SHA-256 + HS256 sign", "bare HS256 verify"
    else:
        sessions, theirs = by_hand, [log_in.execute(asha.customer_number, PASSWORD)[0].refresh_token]

        def bare_refresh() -> None:
            theirs[0] = sessions.rotate(theirs[0])[0]

        def bare_check(token: str) -> None:
            sessions.check(token)
        rotated, checked = "hand-written rotation, same rows", "HS256 verify + session row by hand"
    rows.append(("refresh (rotation)", *interleaved(rotate, bare_refresh, 300), rotated))

    access = log_in.execute(asha.customer_number, PASSWORD)[0].access_token
    authenticate = bank.resolve(Authenticate)
    factory = bank.resolve(UnitOfWorkFactory)
    # As a request checks its caller: its reads on one kept connection (`request_reads`).
    request = factory.request_reads if isinstance(factory, SqlUnitOfWorkFactory) else nullcontext

    def check(token: str) -> None:
        with request():
            authenticate.execute(token)
    rows.append(("per-request check", *interleaved(
        lambda: check(access), lambda: bare_check(access), 3000), checked))
    # A token's signature is verified on its first use and remembered; the first use of each
    # token (a new login or refresh every 15 minutes per client) pays the whole verify.
    session_id = authenticate.execute(access).session_id
    fresh = iter([bank.resolve(TokenService).issue(asha, session_id)[0]
                  for _ in range(ROUNDS * 3000)])
    bare_fresh = iter([bank.resolve(TokenService).issue(asha, session_id)[0]
                       for _ in range(ROUNDS * 3000)])
    rows.append(("per-request check, token's first use", *interleaved(
        lambda: check(next(fresh)), lambda: bare_check(next(bare_fresh)), 3000),
        checked))
    if by_hand is not None:
        by_hand.close()
    for what, ours, ours99, base, base99, (ratio, low, high), baseline in rows:
        print(f"[{profile}] {what}: {ours:,.0f}/s vs {baseline} {base:,.0f}/s", flush=True)
        table.add([profile, what, f"{ours:,.0f}", f"{ours99:.2f}", baseline, f"{base:,.0f}",
                   f"{base99:.2f}", ratio_cell(ratio), spread(low, high)])


def main() -> None:
    load_before = os.getloadavg()[0]
    table = Table(["profile", "operation", "Vaani /s", "p99 ms", "baseline", "baseline /s",
                   "baseline p99 ms", "ratio", "rounds' ratios"])
    with tempfile.TemporaryDirectory() as tmp, throwaway_cluster(durable=True) as postgres:
        for profile, url in (("memory", "sqlite:///unused.db"),
                             ("sqlite", f"sqlite:///{Path(tmp) / 'auth.db'}"),
                             ("postgresql", postgres)):
            measure(profile, url, table)
    write_section("Authentication", f"""\
`bench/auth_costs.py`: one thread, sequential calls, medians of {ROUNDS} interleaved rounds,
and {ALTERNATING}; {PAIRED}.
argon2id at the production default (m=19 MiB, t=2, p=1; argon2-cffi's own default costs ~10x
more). Over HTTP, login runs on a worker thread, never on the event loop. The per-request check
is what every authenticated request pays: token signature (verified on the token's first use in
a process, then remembered by its exact text) and expiry, then the session row, so a logout or
revocation holds at once in every worker. Load average before: {load_before:.2f}.

Each baseline is what the same operation costs written by hand, in the same process. A password
login: one argon2id verify of a hash made with the same parameters (no customer read, no attempt
counted, no session, no tokens issued). On SQLite and PostgreSQL (`bench/auth_baseline.py`), a
refresh: one transaction on the bare driver writing the same rows (the presented token, its
session locked and its customer's role read in one statement; the new token inserted, the old
one marked rotated, the session's last use, a hash-chained audit record and the chain's head;
on PostgreSQL two pipelined round trips, the record sealed by the server) and a new HS256 access
token; the per-request check: one HS256 verify and the session row read by its id, on every
request, for the same token and, for a token's first use, for a token never seen before. Vaani
remembers a verified token by its text, the baseline verifies it every time: the first-use row
compares the two without that. Vaani's check runs as a request runs it, its reads on one kept
connection (`request_reads`). The memory profile has no database to write by hand: its refresh is set
against a random token, its SHA-256 and one HS256 signature, its check against one HS256 verify.

{table.render()}""")


if __name__ == "__main__":
    main()
