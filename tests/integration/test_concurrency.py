"""Many writers, a few hot accounts: money is conserved, nothing is posted twice, no deadlock."""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime
from uuid import uuid4

import punq
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from application.context import SYSTEM, DeviceInfo
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    LogInWithPassword,
    ManageDevices,
    OperateCustomers,
    RefreshSession,
    VerifyAuditTrail,
    VerifyLedger,
)
from domain.account import Account, AccountStatus
from domain.audit import AuditEvent, Outcome
from domain.errors import Unauthorized
from domain.money import Money
from entrypoints.cli import runtime
from entrypoints.cli.app import app as cli
from tests.conftest import TEST_ENV
from tests.support.banking import PASSWORD, account, customer
from tests.support.workload import Hot, storm, storm_in_process

WORKERS, TRANSFERS, SHARED = 6, 40, 8
OPENING = 100_000  # paise per hot account

pytestmark = pytest.mark.slow


def _hot_accounts(bank: punq.Container) -> Hot:
    owners = [customer(bank), customer(bank)]
    return [(account(bank, owners[i % 2], "1000.00").account_number, str(owners[i % 2].id))
            for i in range(4)]


def _check_books(bank: punq.Container, url: str, profile: str, hot: Hot,
                 results: list[dict[str, int]], monkeypatch: pytest.MonkeyPatch) -> None:
    engine = bank.resolve(UnitOfWorkFactory).engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        balances = dict(conn.execute(sa.text(
            "SELECT account_number, balance FROM accounts WHERE account_type <> 'internal'")).all())
        legs = conn.execute(sa.text(
            "SELECT count(*) FROM (SELECT transfer_id FROM ledger_entries GROUP BY transfer_id "
            "HAVING count(*) <> 2) odd")).scalar_one()
        keyed = conn.execute(sa.text(
            "SELECT count(*) FROM transfers WHERE idempotency_key IS NOT NULL")).scalar_one()
        transfers = conn.execute(sa.text(
            "SELECT count(*) FROM transfers WHERE kind = 'transfer'")).scalar_one()
    assert sum(balances[n] for n, _ in hot) == OPENING * len(hot)  # conserved to the paisa
    assert min(balances.values()) >= 0
    assert legs == 0
    posted = sum(r["posted"] for r in results)
    blocked = sum(r["blocked"] for r in results)  # a replayed block raises again: count range
    assert posted <= transfers <= posted + blocked  # a replay never created a second transfer
    # each shared key was posted by at most one worker, every other worker got a replay
    assert keyed <= posted
    assert bank.resolve(VerifyLedger).execute().ok
    assert bank.resolve(VerifyAuditTrail).execute().ok  # concurrent appends never forked the chain
    monkeypatch.setenv("VAANI_DATABASE_URL", url)
    monkeypatch.setenv("VAANI_PROFILE", profile)
    runtime.reset()
    outcome = CliRunner().invoke(cli, ["ledger", "verify", "--json"])
    runtime.reset()
    assert outcome.exit_code == 0, outcome.output
    assert '"ok": true' in outcome.output




def test_threads_transferring_between_hot_accounts(sql_bank: tuple[punq.Container, str, str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    bank, url, profile = sql_bank
    hot = _hot_accounts(bank)
    with ThreadPoolExecutor(WORKERS) as pool:
        futures = [pool.submit(storm, bank, hot, w, TRANSFERS, SHARED) for w in range(WORKERS)]
        results = [f.result(timeout=300) for f in futures]
    assert sum(r["replayed"] for r in results) >= SHARED * (WORKERS - 1)
    _check_books(bank, url, profile, hot, results, monkeypatch)


def test_processes_transferring_between_hot_accounts(sql_bank: tuple[punq.Container, str, str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    bank, url, profile = sql_bank
    hot = _hot_accounts(bank)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(4, mp_context=context) as pool:
        futures = [pool.submit(storm_in_process, url, profile, TEST_ENV, hot, w, TRANSFERS, SHARED)
                   for w in range(4)]
        results = [f.result(timeout=300) for f in futures]
    assert sum(r["replayed"] for r in results) >= SHARED * 3
    _check_books(bank, url, profile, hot, results, monkeypatch)


def test_freezing_a_customer_never_undoes_a_transfer_posted_meanwhile(
        sql_bank: tuple[punq.Container, str, str]) -> None:
    wired = sql_bank[0]
    factory = wired.resolve(UnitOfWorkFactory)
    owner = customer(wired)
    number = account(wired, owner, "1000.00").account_number
    freezing: Future[list[Account]]
    # A posting in flight holds the account and has moved its balance, not yet committed.
    with ThreadPoolExecutor(1) as operator:
        with factory(write=True) as uow:
            posting = uow.accounts.lock([number])[number]
            posting.debit(Money(25_000))
            uow.accounts.update(posting)
            freezing = operator.submit(wired.resolve(OperateCustomers).freeze,
                                       owner.customer_number, True, SYSTEM)
            time.sleep(0.3)  # the operator's freeze starts while the posting is open
            uow.commit()
        assert [a.status for a in freezing.result(10)] == [AccountStatus.FROZEN]
    with factory() as uow:
        after = uow.accounts.by_number(number)
    assert after is not None and after.status is AccountStatus.FROZEN
    assert after.balance == Money(75_000)  # the posting's debit stands


def test_two_refreshes_of_one_token_at_once_leave_a_single_chain(
        sql_bank: tuple[punq.Container, str, str]) -> None:
    # A thief replaying a refresh token while its owner refreshes: whatever order they run in,
    # the session keeps one current refresh token, never two independent ones.
    wired = sql_bank[0]
    factory = wired.resolve(UnitOfWorkFactory)
    who = customer(wired)
    issued, _ = wired.resolve(LogInWithPassword).execute(who.customer_number, PASSWORD)
    refresh = wired.resolve(RefreshSession)

    def attempt() -> str:
        try:
            return refresh.execute(issued.refresh_token, SYSTEM).refresh_token
        except Unauthorized:
            return "refused"

    with ThreadPoolExecutor(2) as clients:
        with factory(write=True) as uow:  # both refreshes queue behind this session lock
            assert uow.sessions.lock(issued.session.id) is not None
            answers = [clients.submit(attempt) for _ in range(2)]
            time.sleep(0.3)
        results = [a.result(10) for a in answers]
    engine = factory.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        current = conn.execute(sa.text(
            "SELECT count(*) FROM refresh_tokens WHERE session_id = :s AND rotated_at IS NULL"
        ).bindparams(sa.bindparam("s", type_=sa.Uuid)), {"s": issued.session.id}).scalar_one()
    assert current <= 1, results


def test_a_login_from_a_device_being_revoked_does_not_bring_it_back(
        sql_bank: tuple[punq.Container, str, str]) -> None:
    # The owner revokes a stolen phone while the thief logs in from it. A login reads the
    # binding to update it (last seen, trust): held until it commits, so a revocation waits
    # for it and is never overwritten by the login's older copy.
    wired = sql_bank[0]
    factory = wired.resolve(UnitOfWorkFactory)
    who = customer(wired)
    phone = DeviceInfo("stolen-phone")
    wired.resolve(LogInWithPassword).execute(who.customer_number, PASSWORD, device=phone)
    with ThreadPoolExecutor(1) as owner:
        with factory(write=True) as uow:  # the thief's login, as DeviceBinder.on_login runs it
            binding = uow.devices.by_identifier(who.id, phone.identifier, lock=True)
            assert binding is not None and not binding.is_revoked
            revoking = owner.submit(wired.resolve(ManageDevices).revoke, who.id, binding.id,
                                    SYSTEM)
            time.sleep(0.3)  # the revocation runs while the login is open
            binding.last_seen_at = datetime.now(UTC)
            uow.devices.update(binding)
            uow.commit()
        revoking.result(10)
    with factory() as uow:
        after = uow.devices.by_identifier(who.id, phone.identifier)
    assert after is not None and after.is_revoked


def test_no_writer_holds_the_audit_chain_while_it_waits_for_an_account(
        sql_bank: tuple[punq.Container, str, str]) -> None:
    # Every writer records itself on the one audit chain. Were its head locked at the first
    # record, a writer recording early and then waiting for an account (expiring holds one by
    # one) and a posting holding that account and then recording would wait for each other.
    wired = sql_bank[0]
    factory = wired.resolve(UnitOfWorkFactory)
    owner = customer(wired)
    first, second = (account(wired, owner, "10.00").account_number for _ in range(2))

    def record(action: str) -> AuditEvent:
        return AuditEvent(id=uuid4(), occurred_at=datetime.now(UTC), action=action,
                          outcome=Outcome.SUCCESS, customer_id=owner.id)

    def records_then_waits() -> None:
        with factory(write=True) as uow:
            uow.accounts.lock([first])
            uow.audit.append(record("test.first_hold_voided"))
            uow.accounts.lock([second])  # held by the posting below
            uow.audit.append(record("test.second_hold_voided"))
            uow.commit()

    with ThreadPoolExecutor(1) as expiry:
        with factory(write=True) as uow:  # a posting holding the second account
            uow.accounts.lock([second])
            waiting = expiry.submit(records_then_waits)
            time.sleep(0.3)
            uow.audit.append(record("test.posted"))
            uow.commit()
        waiting.result(10)
    assert wired.resolve(VerifyAuditTrail).execute().ok
    with factory() as uow:
        actions = [e.action for e in uow.audit.all_in_order() if e.action.startswith("test.")]
    assert sorted(actions) == ["test.first_hold_voided", "test.posted", "test.second_hold_voided"]
