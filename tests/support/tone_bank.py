"""A bank on one profile whose speaker model is the fast tone engine (tests where the voice is
not what is under test), checked whole when the test is done."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import punq
import pytest

from application.ports import UnitOfWorkFactory
from application.use_cases import VerifyAuditTrail, VerifyLedger
from entrypoints.bootstrap import bootstrap, prepare_database
from tests.conftest import database_url_for, settings_for
from tests.support.clock import SteppingClock
from tests.support.voice import ToneVoiceEngine


def tone_bank(request: pytest.FixtureRequest, tmp_path: Path, clock: SteppingClock,
              ledger: bool = False) -> Iterator[punq.Container]:
    """For a fixture to `yield from`: the audit trail (and, with `ledger`, the ledger) must
    verify after the test."""
    url = database_url_for(str(request.param), tmp_path, request)
    wired = bootstrap(settings_for(url, str(request.param)), clock=clock,
                      voice_engine=ToneVoiceEngine())
    prepare_database(wired)
    yield wired
    assert wired.resolve(VerifyAuditTrail).execute().ok
    if ledger:
        assert wired.resolve(VerifyLedger).execute().ok
    wired.resolve(UnitOfWorkFactory).close()
