"""Fixtures shared by every test: one wired bank per profile, over the same use cases."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import punq
import pytest
import sqlalchemy as sa

from adapters.sql.sqlite import write_pace
from application.ports import UnitOfWorkFactory
from application.use_cases import VerifyAuditTrail, VerifyLedger
from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.settings import Settings, load_settings
from tests.support.clock import SteppingClock
from tests.support.postgres import throwaway_cluster

# Real argon2id, at the cheapest parameters argon2-cffi accepts, so tests stay fast.
# Sign-up in one step (VAANI_SIGNUP_VERIFICATION=off) unless a test is about verifying it.
# No spoken challenge (VAANI_VOICE_CHALLENGE=off) where voice is a tone engine's, which says no
# digits; the challenge's own tests turn it on with real speech (test_spoken_challenge*.py).
TEST_ENV = {"VAANI_JWT_SECRET": "test-secret-" + "x" * 40, "VAANI_ARGON2_MEMORY_KIB": "8192",
            "VAANI_ARGON2_TIME_COST": "1", "VAANI_SIGNUP_VERIFICATION": "off",
            "VAANI_VOICE_CHALLENGE": "off"}
PROFILES = ["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
_database_numbers = itertools.count(1)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--bdd-profile", default="memory", choices=["memory", "sqlite"],
                     help="the profile the Gherkin features run on (default: memory)")


def settings_for(url: str, profile: str | None = None,
                 extra: dict[str, str] | None = None) -> Settings:
    """The tests' settings for a database; `extra`: more VAANI_* values (or other ones)."""
    env = {**TEST_ENV, "VAANI_DATABASE_URL": url, **(extra or {})}
    if profile:
        env["VAANI_PROFILE"] = profile
    return load_settings(env)


def create_database(server: str, name: str, template: str | None = None) -> str:
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    admin.dispose()
    return server.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    with throwaway_cluster() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str) -> str:
    """A migrated database that each test clones (CREATE DATABASE ... TEMPLATE is fast)."""
    url = create_database(postgres_server, "vaani_template")
    wired = bootstrap(settings_for(url))
    prepare_database(wired)
    wired.resolve(UnitOfWorkFactory).close()
    return "vaani_template"


def database_url_for(profile: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A new, empty-but-migrated database for the profile (memory ignores the URL)."""
    if profile == "postgresql":
        template = request.getfixturevalue("postgres_template")
        return create_database(request.getfixturevalue("postgres_server"),
                                f"vaani_test_{next(_database_numbers)}", template)
    return f"sqlite:///{tmp_path / 'vaani.db'}"


@pytest.fixture(autouse=True)
def writes_in_place_never_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's writes in place pause for a while when they hold the lock too long (a slow
    disk). On a busy machine ordinary writes can look that slow, so tests that are not about
    the pause must not depend on it: its threshold is set out of reach here, and a test about
    it sets its own."""
    monkeypatch.setattr(write_pace, "SLOW_WRITE_S", 3600.0)


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock()


@pytest.fixture(params=PROFILES)
def profile(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def bank_env() -> dict[str, str]:
    """More VAANI_* settings for `bank`: a test module overrides this fixture to run its
    tests on a bank configured otherwise (a demo's notifier, a mail server)."""
    return {}


@pytest.fixture
def bank(profile: str, tmp_path: Path, clock: SteppingClock, bank_env: dict[str, str],
         request: pytest.FixtureRequest) -> Iterator[punq.Container]:
    """A fully wired bank on the profile under test, schema migrated, cash accounts ready."""
    url = database_url_for(profile, tmp_path, request)
    wired = bootstrap(settings_for(url, profile, bank_env), clock=clock)
    prepare_database(wired)
    yield wired
    # Whatever a test did, the books and the audit chain must still verify afterwards.
    audit = wired.resolve(VerifyAuditTrail).execute()
    assert audit.ok, audit.first_break
    ledger = wired.resolve(VerifyLedger).execute()
    assert ledger.ok, ledger.problems
    wired.resolve(UnitOfWorkFactory).close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say plainly how many tests ran against the real PostgreSQL server (CI must show it)."""
    passed = [r for r in terminalreporter.stats.get("passed", []) if "postgresql" in r.keywords]
    failed = [r for r in terminalreporter.stats.get("failed", []) if "postgresql" in r.keywords]
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "postgresql" in r.keywords]
    terminalreporter.write_line(
        f"PostgreSQL: {len(passed)} tests passed, {len(failed)} failed, {len(skipped)} skipped "
        "against a throwaway cluster")
