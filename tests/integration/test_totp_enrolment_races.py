"""An authenticator enrolment racing the customer's own confirmation, and two enrolments
racing each other (a defect found in a hostile review, fixed). An enrolment needs only the
password, so it must never replace an authenticator that is on, even one a confirmation turned
on after the enrolment looked: that would switch two-step login off behind the customer's back
just after they were told it is on. PostgreSQL lets two writers of one customer overlap (READ
COMMITTED): there the race is forced open with threads, the enrolment held just before its
write reaches the database until the confirmation has committed. Memory and SQLite have one
writer at a time, so there the window cannot open; on every profile the enrolment is instead
shown what it could have read a moment before the confirmation committed, and must still
refuse."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

import punq
import pyotp
import pytest
import sqlalchemy as sa

from application.ports import SecretBox, UnitOfWorkFactory
from application.use_cases import LogInWithPassword, ManageTotp, TotpEnrolment
from domain.customer import Customer
from domain.errors import (
    DomainError,
    SecondFactorInvalid,
    SecondFactorRequired,
    TotpAlreadyEnabled,
    TotpNotEnabled,
)
from domain.totp import TotpFactor
from tests.integration.test_two_step_login import HERE, code_at
from tests.support.banking import PASSWORD, customer
from tests.support.clock import SteppingClock
from tests.support.races import both_at_once

ON_POSTGRESQL = pytest.mark.parametrize(
    "profile", [pytest.param("postgresql", marks=pytest.mark.postgresql)], indirect=True)
ENROLMENT = "enrolment"  # the name of the thread an enrolment is held on
WRITES_THE_FACTOR = ("INSERT INTO TOTP_FACTORS", "UPDATE TOTP_FACTORS")


def _stored_secret(bank: punq.Container, customer_id: UUID) -> TotpFactor:
    with bank.resolve(UnitOfWorkFactory)() as uow:
        found = uow.second_factors.factor(customer_id)
    assert found is not None
    return found


def _still_on_with(bank: punq.Container, asha: Customer, secret: str) -> None:
    """Two-step login is on with the secret the customer confirmed, its recovery codes kept,
    and a password alone no longer logs in."""
    status = bank.resolve(ManageTotp).status(asha.id)
    assert status.enabled and not status.pending and status.recovery_codes_left == 10, status
    stored = _stored_secret(bank, asha.id)
    assert bank.resolve(SecretBox).open(stored.secret_sealed) == secret
    with pytest.raises(SecondFactorRequired):
        bank.resolve(LogInWithPassword).execute(asha.customer_number, PASSWORD, HERE)


def test_an_enrolment_that_looked_before_a_confirmation_does_not_undo_it(
        bank: punq.Container, clock: SteppingClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """The enrolment is answered, wherever it reads the authenticator, with what it was a
    moment before the confirmation committed (pending): it must still refuse, because its
    write is what checks."""
    asha = customer(bank)
    totp = bank.resolve(ManageTotp)
    first = totp.enrol(asha.id, PASSWORD, HERE)
    with bank.resolve(UnitOfWorkFactory)() as uow:
        before = uow.second_factors.factor(asha.id)
        repository = type(uow.second_factors)
    assert before is not None and not before.active
    totp.confirm(asha.id, code_at(first.secret, clock.now()), HERE)
    monkeypatch.setattr(repository, "factor", lambda self, customer_id: copy.copy(before))
    with pytest.raises(TotpAlreadyEnabled):
        totp.enrol(asha.id, PASSWORD, HERE)
    monkeypatch.undo()
    _still_on_with(bank, asha, first.secret)


@ON_POSTGRESQL
def test_on_postgresql_an_enrolment_held_while_the_confirmation_commits_is_refused(
        bank: punq.Container, clock: SteppingClock) -> None:
    asha = customer(bank)
    totp = bank.resolve(ManageTotp)
    first = totp.enrol(asha.id, PASSWORD, HERE)
    held, go = threading.Event(), threading.Event()

    def hold(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if (threading.current_thread().name == ENROLMENT and not held.is_set()
                and statement.lstrip().upper().startswith(WRITES_THE_FACTOR)):
            held.set()
            assert go.wait(20), "the confirmation never finished"

    answer: list[object] = []
    enrolment = threading.Thread(target=lambda: answer.append(
        _answer(lambda: totp.enrol(asha.id, PASSWORD, HERE))), name=ENROLMENT)
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", hold)
    try:
        enrolment.start()
        assert held.wait(20), "the enrolment never came to write its secret"
        totp.confirm(asha.id, code_at(first.secret, clock.now()), HERE)
    finally:
        go.set()
        enrolment.join(30)
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", hold)
    assert isinstance(answer[0], TotpAlreadyEnabled), (
        f"an enrolment replaced the authenticator just turned on: {answer[0]!r}")
    _still_on_with(bank, asha, first.secret)


def test_two_enrolments_at_once_leave_one_pending_secret_and_only_its_code_turns_it_on(
        bank: punq.Container, clock: SteppingClock) -> None:
    """Of the two secrets shown, the one stored is the only one a code can turn on; a code
    of the other is refused and switches nothing on."""
    asha = customer(bank)
    totp = bank.resolve(ManageTotp)
    made = both_at_once(lambda: totp.enrol(asha.id, PASSWORD, HERE),
                        lambda: totp.enrol(asha.id, PASSWORD, HERE))
    assert all(isinstance(m, TotpEnrolment) for m in made), made
    secrets = [m.secret for m in made if isinstance(m, TotpEnrolment)]
    stored = bank.resolve(SecretBox).open(_stored_secret(bank, asha.id).secret_sealed)
    assert stored in secrets
    other = next(s for s in secrets if s != stored)
    with pytest.raises((SecondFactorInvalid, TotpNotEnabled)):
        totp.confirm(asha.id, _distinct_code(other, stored, clock), HERE)
    status = totp.status(asha.id)
    assert status.pending and not status.enabled
    assert len(totp.confirm(asha.id, code_at(stored, clock.now()), HERE)) == 10
    _still_on_with(bank, asha, stored)


@ON_POSTGRESQL
def test_on_postgresql_two_first_enrolments_overlapping_in_the_database_keep_the_later(
        bank: punq.Container, clock: SteppingClock) -> None:
    """Below the use case (whose password counter already makes one customer's enrolments
    take turns): the second write waits for the first, uncommitted insert and then replaces
    it, where an insert of its own would have failed on the key."""
    asha = customer(bank)
    factory = bank.resolve(UnitOfWorkFactory)
    box = bank.resolve(SecretBox)
    first, second = box.seal(pyotp.random_base32()), box.seal(pyotp.random_base32())
    answer: list[bool] = []

    def enrol_second() -> None:
        with factory(write=True) as uow:
            answer.append(uow.second_factors.enrol_factor(TotpFactor(asha.id, second,
                                                                     clock.now())))
            uow.commit()

    later = threading.Thread(target=enrol_second)
    with factory(write=True) as uow:
        assert uow.second_factors.enrol_factor(TotpFactor(asha.id, first, clock.now()))
        later.start()
        _until_a_writer_waits(factory)
        uow.commit()
    later.join(30)
    assert answer == [True]
    stored = _stored_secret(bank, asha.id)
    assert stored.secret_sealed == second and not stored.active


def _answer(call: Callable[[], object]) -> object:
    try:
        return call()
    except DomainError as error:
        return error


def _distinct_code(secret: str, stored: str, clock: SteppingClock) -> str:
    """A code of `secret`, or a wrong one where it is also the stored secret's code now (one
    time in a million)."""
    code, right = code_at(secret, clock.now()), code_at(stored, clock.now())
    return code if code != right else "000000" if right != "000000" else "111111"


def _until_a_writer_waits(factory: UnitOfWorkFactory) -> None:
    """Until a connection to this database waits for a lock (the second writer has reached
    the first one's row): a condition, not a pause."""
    engine: sa.Engine = factory.engine  # type: ignore[attr-defined]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for _ in range(2000):
            if conn.exec_driver_sql(
                    "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
                    "WHERE NOT l.granted AND a.datname = current_database()").scalar():
                return
            time.sleep(0.01)
    raise AssertionError("the second enrolment never waited for the first")
