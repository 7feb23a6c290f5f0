"""Lockouts, rate limits and revocations live in the database: a second worker process (here:
a second, independently wired bank on the same database) sees them at once."""

from __future__ import annotations

from pathlib import Path

import punq
import pytest

from application.context import SYSTEM
from application.ports import UnitOfWorkFactory
from application.use_cases import Authenticate, LogInWithPassword, RevokeSessions, Throttle
from domain.errors import AccountLocked, InvalidCredentials, RateLimited, Unauthorized
from entrypoints.bootstrap import bootstrap, prepare_database
from tests.conftest import database_url_for, settings_for
from tests.support.banking import PASSWORD, customer


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def two_workers(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    url = database_url_for(str(request.param), tmp_path, request)
    first = bootstrap(settings_for(url, str(request.param)))
    prepare_database(first)
    second = bootstrap(settings_for(url, str(request.param)))
    yield first, second
    for bank in (first, second):
        bank.resolve(UnitOfWorkFactory).close()


def test_revocation_lockout_and_rate_limit_hold_across_workers(
        two_workers: tuple[punq.Container, punq.Container]) -> None:
    one, two = two_workers
    asha = customer(one)
    issued, _ = one.resolve(LogInWithPassword).execute(asha.customer_number, PASSWORD)
    assert two.resolve(Authenticate).execute(issued.access_token).customer_id == asha.id
    one.resolve(RevokeSessions).one(asha.id, issued.session.id, SYSTEM, "logout")
    with pytest.raises(Unauthorized):
        two.resolve(Authenticate).execute(issued.access_token)
    for worker in (one, two, one, two, one):
        with pytest.raises(InvalidCredentials):
            worker.resolve(LogInWithPassword).execute(asha.customer_number, "wrong password!")
    with pytest.raises(AccountLocked):
        two.resolve(LogInWithPassword).execute(asha.customer_number, PASSWORD)
    for worker in (one, two):
        worker.resolve(Throttle).execute([("ip:shared", 2)])
    with pytest.raises(RateLimited):
        one.resolve(Throttle).execute([("ip:shared", 2)])
