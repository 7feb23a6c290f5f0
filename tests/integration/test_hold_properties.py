"""Property: across transfers that post, hold, settle, void, expire or are blocked, money is
never created, lost or moved twice; on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from application.context import SYSTEM
from application.fraud import FraudEngine
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    AnswerChallenge,
    Authenticate,
    CashCommand,
    Deposit,
    ExpireHolds,
    GetBalance,
    LogInWithPassword,
    ReviewTransfers,
    SetUpiPin,
    TransferCommand,
    TransferMoney,
    VerifyLedger,
    Withdraw,
)
from domain.errors import DomainError
from domain.money import Money
from entrypoints.bootstrap import bootstrap, prepare_database
from tests.conftest import PROFILES, database_url_for, settings_for
from tests.support.banking import PASSWORD, account, customer
from tests.support.clock import SteppingClock
from tests.support.scripted_fraud import AmountScriptedEngine

pytestmark = pytest.mark.slow

steps = st.lists(st.one_of(
    st.tuples(st.just("transfer"), st.integers(0, 2), st.integers(0, 2), st.integers(1, 300_000)),
    st.tuples(st.just("deposit"), st.integers(0, 2), st.integers(0, 0), st.integers(1, 100_000)),
    st.tuples(st.just("withdraw"), st.integers(0, 2), st.integers(0, 0), st.integers(1, 200_000)),
    st.tuples(st.sampled_from(["pin_ok", "pin_bad", "approve", "reject", "expire"]),
              st.integers(0, 5), st.integers(0, 0), st.integers(0, 0)),
), max_size=25)


@pytest.mark.parametrize("profile", PROFILES)
def test_holds_never_create_or_lose_money(profile: str, tmp_path_factory: pytest.TempPathFactory,
                                          request: pytest.FixtureRequest) -> None:
    examples = 40 if profile == "memory" else 12

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
    @given(steps)
    def run(plan: list[tuple[str, int, int, int]]) -> None:
        clock = SteppingClock()
        url = database_url_for(profile, tmp_path_factory.mktemp("holds"), request)
        bank = bootstrap(settings_for(url, profile), clock=clock)
        bank.register(FraudEngine, instance=AmountScriptedEngine())
        prepare_database(bank)
        try:
            check(bank, clock, plan)
        finally:
            bank.resolve(UnitOfWorkFactory).close()

    run()


def check(bank, clock: SteppingClock, plan: list[tuple[str, int, int, int]]) -> None:  # type: ignore[no-untyped-def]
    owner = customer(bank)
    numbers = [account(bank, owner, "1000.00").account_number for _ in range(3)]
    issued, _ = bank.resolve(LogInWithPassword).execute(owner.customer_number, PASSWORD)
    bank.resolve(SetUpiPin).execute(bank.resolve(Authenticate).execute(issued.access_token),
                                    "4826", None, SYSTEM)
    outside = 3 * 100_000
    held: list = []  # type: ignore[type-arg]
    for kind, a, b, minor in plan:
        try:
            if kind == "transfer":
                result = bank.resolve(TransferMoney).execute(TransferCommand(
                    owner.id, numbers[a], numbers[b], Money(minor)))
                if result.transfer.status.holds_funds:
                    held.append(result.transfer)
            elif kind == "deposit":
                bank.resolve(Deposit).execute(CashCommand(numbers[a], Money(minor)))
                outside += minor
            elif kind == "withdraw":
                bank.resolve(Withdraw).execute(CashCommand(numbers[a], Money(minor)))
                outside -= minor
            elif kind == "expire":
                clock.advance(timedelta(hours=73))
                bank.resolve(ExpireHolds).execute(SYSTEM)
            elif held:
                target = held[a % len(held)]
                if kind in ("pin_ok", "pin_bad"):
                    bank.resolve(AnswerChallenge).execute(
                        owner.id, target.id, SYSTEM, pin="4826" if kind == "pin_ok" else "1357")
                else:
                    bank.resolve(ReviewTransfers).decide(target.id, kind == "approve", SYSTEM)
        except DomainError:
            pass  # refused, blocked, not held any more...: whatever happened, check the books
        clock.advance(timedelta(seconds=30))
    accounts = [bank.resolve(GetBalance).execute(owner.id, n) for n in numbers]
    assert sum(acc.balance.minor for acc in accounts) == outside
    assert all(acc.balance.minor >= 0 and acc.available_balance.minor >= 0 for acc in accounts)
    report = bank.resolve(VerifyLedger).execute()
    assert report.ok, report.problems
    with bank.resolve(UnitOfWorkFactory)() as uow:
        still_held = uow.transfers.held_totals()
    assert sum(acc.held.minor for acc in accounts) == sum(still_held.values())
