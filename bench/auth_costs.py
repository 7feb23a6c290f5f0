"""Authentication costs on this machine: argon2id, password login, and the per-request check
(JWT signature + session row). Run: make bench (or PYTHONPATH=. .venv/bin/python bench/auth_costs.py)."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from adapters.security import Argon2Hasher
from application.ports import TokenService
from application.use_cases import Authenticate, LogInWithPassword
from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.settings import load_settings
from tests.support.banking import PASSWORD, customer
from tests.support.postgres import throwaway_cluster

SECRET = "bench-secret-" + "x" * 40


def timings(fn: Callable[[], object], n: int) -> tuple[float, float]:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1e3, statistics.quantiles(samples, n=20)[18] * 1e3


def main() -> None:
    hasher = Argon2Hasher()  # the production default: m=19 MiB, t=2, p=1
    stored = hasher.hash(PASSWORD)
    p50, p95 = timings(lambda: hasher.verify(stored, PASSWORD), 30)
    print(f"argon2id verify (m=19456 KiB, t=2, p=1): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    with tempfile.TemporaryDirectory() as tmp, throwaway_cluster() as postgres:
        for profile, url in (("memory", "sqlite:///unused.db"),
                             ("sqlite", f"sqlite:///{Path(tmp) / 'auth.db'}"),
                             ("postgresql", postgres)):
            measure(profile, url)


def measure(profile: str, url: str) -> None:
    bank = bootstrap(load_settings({"VAANI_DATABASE_URL": url, "VAANI_PROFILE": profile,
                                    "VAANI_JWT_SECRET": SECRET}))
    prepare_database(bank)
    asha = customer(bank)
    log_in = bank.resolve(LogInWithPassword)
    p50, p95 = timings(lambda: log_in.execute(asha.customer_number, PASSWORD), 20)
    print(f"[{profile}] password login (argon2 + session + audit): p50 {p50:.1f} ms, "
          f"p95 {p95:.1f} ms")
    issued, _ = log_in.execute(asha.customer_number, PASSWORD)
    tokens = bank.resolve(TokenService)
    authenticate = bank.resolve(Authenticate)
    jwt_only, _ = timings(lambda: tokens.read(issued.access_token), 5000)
    full, full95 = timings(lambda: authenticate.execute(issued.access_token), 5000)
    print(f"[{profile}] per request: JWT check {jwt_only * 1e3:.0f} us; JWT + session row "
          f"{full * 1e3:.0f} us (p95 {full95 * 1e3:.0f} us); the session check adds "
          f"{(full - jwt_only) * 1e3:.0f} us")

if __name__ == "__main__":
    main()
