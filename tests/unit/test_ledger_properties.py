"""Property: whatever customers and tellers do, the books balance and nothing goes negative."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from application.use_cases import (
    CashCommand,
    Deposit,
    GetBalance,
    TransferCommand,
    TransferMoney,
    VerifyLedger,
    Withdraw,
)
from domain.errors import DomainError
from domain.money import Money
from entrypoints.bootstrap import bootstrap
from tests.conftest import settings_for
from tests.support.banking import account, customer

operations = st.lists(st.tuples(
    st.sampled_from(["deposit", "withdraw", "transfer"]),
    st.integers(0, 2), st.integers(0, 2), st.integers(1, 200_000),
    st.one_of(st.none(), st.sampled_from(["k1", "k2", "k3"]))), max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_money_is_never_created_or_lost(steps: list[tuple[str, int, int, int, str | None]]) -> None:
    bank = bootstrap(settings_for("sqlite:///unused.db", "memory"))
    owner = customer(bank)
    numbers = [account(bank, owner).account_number for _ in range(3)]
    outside = 0  # money that came in minus money that went out through the tills
    for kind, a, b, minor, key in steps:
        amount = Money(minor)
        try:
            if kind == "deposit":
                done = bank.resolve(Deposit).execute(CashCommand(numbers[a], amount,
                                                                 idempotency_key=key))
                outside += 0 if done.replayed else minor
            elif kind == "withdraw":
                done = bank.resolve(Withdraw).execute(CashCommand(numbers[a], amount,
                                                                  idempotency_key=key))
                outside -= 0 if done.replayed else minor
            else:
                bank.resolve(TransferMoney).execute(TransferCommand(
                    owner.id, numbers[a], numbers[b], amount, idempotency_key=key))
        except DomainError:
            pass  # refused: insufficient funds, same account, reused key ... nothing moved
    balances = [bank.resolve(GetBalance).execute(owner.id, n).balance.minor for n in numbers]
    assert sum(balances) == outside
    assert min(balances) >= 0
    report = bank.resolve(VerifyLedger).execute()
    assert report.ok, report.problems
