"""The history-size benchmark's bulk loader (bench/history_load.py) writes past the use cases, so
its books are held to the same checks as the bank's own: `vaani ledger verify` and `vaani audit
verify` pass on what it loads, and the reference account's reads hold the entries the
benchmark's shape promises, whatever the size (bench/history_plan.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import punq
import pytest

from application.ports import UnitOfWorkFactory
from application.use_cases.generate_statement import GenerateStatement
from bench.history_load import Loaded, load, settings_env
from bench.history_plan import Shape
from entrypoints.bootstrap import bootstrap
from entrypoints.settings import load_settings

SHAPE = Shape(2_000, recent=300, today=20)


@pytest.fixture
def loaded(sql_bank: tuple[punq.Container, str, str]) -> tuple[str, Loaded]:
    _, url, _ = sql_bank
    return url, load(url, SHAPE)  # raises SystemExit when either verification fails


def test_the_loaded_history_verifies_and_counts_what_its_shape_says(
        loaded: tuple[str, Loaded]) -> None:
    _, history = loaded
    deposits = 2 * SHAPE.customers  # each customer's two accounts, opened with a deposit
    assert history.entries == SHAPE.entries + 2 * deposits


def test_postings_run_forward_in_time_and_the_reference_statements_hold_their_share(
        loaded: tuple[str, Loaded]) -> None:
    url, history = loaded
    bank = bootstrap(load_settings(settings_env(url)))
    with bank.resolve(UnitOfWorkFactory)() as uow:
        moments = [e.posted_at for e in uow.ledger.all_in_order()]
    assert moments == sorted(moments)
    assert moments[-1] < datetime.now(UTC)
    owner = history.people[0]
    today = datetime.now(UTC).date()
    statement = bank.resolve(GenerateStatement)
    day = statement.execute(UUID(owner.customer_id), owner.accounts[0], today, today)
    year = statement.execute(UUID(owner.customer_id), owner.accounts[0],
                             today - timedelta(days=364), today)
    assert len(day.entries) == SHAPE.today
    assert len(year.entries) == SHAPE.recent + SHAPE.today
    assert year.opening_balance.minor > 0  # the deposit and its older history came before
    bank.resolve(UnitOfWorkFactory).close()
