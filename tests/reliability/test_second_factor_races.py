"""Single-use things of two-step login used twice at the same moment (memory, SQLite and
PostgreSQL): of two logins with one recovery code, one TOTP code, or one ticket, exactly one
wins and the other is refused."""

from __future__ import annotations

import punq

from application.use_cases import CompleteLogin, ListSessions
from domain.errors import DomainError, LoginTicketInvalid, SecondFactorInvalid
from tests.integration.test_two_step_login import HERE, code_at, enrolled, ticket
from tests.support.clock import SteppingClock
from tests.support.races import both_at_once


def test_one_recovery_code_used_twice_at_once_logs_in_once(
        bank: punq.Container, clock: SteppingClock) -> None:
    asha, _, codes = enrolled(bank, clock)
    complete = bank.resolve(CompleteLogin)
    one, two = ticket(bank, asha), ticket(bank, asha)
    results = both_at_once(lambda: complete.execute(one, HERE, recovery_code=codes[0]),
                            lambda: complete.execute(two, HERE, recovery_code=codes[0]))
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 1 and isinstance(refused[0], SecondFactorInvalid), results
    assert len(bank.resolve(ListSessions).execute(asha.id)) == 1


def test_one_code_used_twice_at_once_logs_in_once(
        bank: punq.Container, clock: SteppingClock) -> None:
    asha, secret, _ = enrolled(bank, clock)
    complete = bank.resolve(CompleteLogin)
    code = code_at(secret, clock.now())
    one, two = ticket(bank, asha), ticket(bank, asha)
    results = both_at_once(lambda: complete.execute(one, HERE, code=code),
                            lambda: complete.execute(two, HERE, code=code))
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 1 and isinstance(refused[0], SecondFactorInvalid), results
    assert len(bank.resolve(ListSessions).execute(asha.id)) == 1


def test_one_ticket_completed_twice_at_once_makes_one_session(
        bank: punq.Container, clock: SteppingClock) -> None:
    asha, _, codes = enrolled(bank, clock)
    complete = bank.resolve(CompleteLogin)
    once = ticket(bank, asha)
    results = both_at_once(lambda: complete.execute(once, HERE, recovery_code=codes[0]),
                            lambda: complete.execute(once, HERE, recovery_code=codes[1]))
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 1 and isinstance(refused[0], LoginTicketInvalid), results
    assert len(bank.resolve(ListSessions).execute(asha.id)) == 1
