"""A real `vaani serve` on SQLite with a seeded customer, and Debian's chromium driving it headless
through /usr/bin/chromedriver (selenium-manager is never asked: the Service names the driver).

The fraud rules are the shipped ones with four weights changed, so the screen decides as a test
needs on a real clock: a first payment to an account and a UPI PIN change add nothing, a
beneficiary saved minutes ago adds 45 points, over the challenge band (40), and a large amount
from a customer with little history 30 more, over the review band (70)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import punq
import pyotp
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from application.context import SYSTEM
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    Authenticate,
    BeneficiaryDetails,
    DisputeCommand,
    LogInWithPassword,
    ManageBeneficiaries,
    ManageTotp,
    OpenDispute,
    SetUpiPin,
    TransferCommand,
    TransferMoney,
)
from domain.account import AccountType
from domain.customer import Role
from domain.dispute import DisputeReason
from domain.transfer import TransferStatus
from entrypoints.bootstrap import bootstrap, prepare_database
from entrypoints.settings import load_settings
from tests.conftest import TEST_ENV
from tests.support.banking import PASSWORD, account, customer, deposit, inr
from tests.support.clock import SteppingClock
from tests.support.live_server import LiveServer

SHIPPED = Path(__file__).resolve().parents[2] / "adapters" / "fraud" / "rules.toml"
ROOT = Path(__file__).resolve().parents[2]
# Each run's screenshots go to var/screenshots (ignored by git); VAANI_SCREENSHOTS=docs/screenshots
# refreshes the ones the README links.
SCREENSHOTS = ROOT / os.environ.get("VAANI_SCREENSHOTS", "var/screenshots")
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
PIN = "4826"


@attrs.frozen
class Seeded:
    base: str
    customer_number: str
    savings: str
    current: str
    payee: str  # Ravi's account, another customer's
    operator_number: str
    scammer: str  # the account Meera's held payments go to (the operator rejects one)
    two_step: tuple[str, str, str]  # Tara, with two-step login on: number, secret, a recovery code


def _rules(tmp_path: Path) -> Path:
    text = SHIPPED.read_text()
    for section, weight in (("new_counterparty", "0"), ("new_beneficiary", "45"),
                            ("security_events", "0"), ("amount_anomaly", "60")):
        text, found = re.subn(rf"(\[{section}\][^\n]*\nweight = )\d+", rf"\g<1>{weight}", text)
        assert found == 1, section
    rules = tmp_path / "rules.toml"
    rules.write_text(text)
    return rules


def _settled_pin(env: dict[str, str], customer_number: str) -> None:
    """Asha's PIN, set two days before the server's real clock reads now: a settled PIN, one
    that answers a held payment (a PIN set just now would be refused as the password's word)."""
    earlier = bootstrap(load_settings(env),
                        clock=SteppingClock(datetime.now(UTC) - timedelta(days=2)))
    issued, _ = earlier.resolve(LogInWithPassword).execute(customer_number, PASSWORD)
    earlier.resolve(SetUpiPin).execute(earlier.resolve(Authenticate).execute(
        issued.access_token), PIN, None, SYSTEM)
    earlier.resolve(UnitOfWorkFactory).close()


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """Asha, with a UPI PIN, a savings account holding a page and a half of history, a current
    account, and Ravi to pay; the server on the same SQLite file."""
    where = tmp_path_factory.mktemp("web")
    env = {**TEST_ENV, "VAANI_AUTH_RATE_PER_IP": "100000",
           "VAANI_LOGIN_RATE_PER_CUSTOMER": "100000", "VAANI_FRAUD_RULES": str(_rules(where)),
           "VAANI_DATABASE_URL": f"sqlite:///{where / 'bank.db'}"}
    bank = bootstrap(load_settings(env))
    prepare_database(bank)
    asha = customer(bank, first_name="Asha")
    savings = account(bank, asha, "25000.00").account_number
    for n in range(14):
        deposit(bank, savings, f"{100 + n}.00")
    current = account(bank, asha, kind=AccountType.CURRENT).account_number
    payee = account(bank, customer(bank, first_name="Ravi")).account_number
    _settled_pin(env, asha.customer_number)
    staff = customer(bank, Role.OPERATOR, first_name="Uma")
    scammer = account(bank, customer(bank, first_name="Kiran")).account_number
    _held_and_disputed(bank, scammer, current)
    two_step = _with_two_step_login(bank)
    bank.resolve(UnitOfWorkFactory).close()
    server = LiveServer(env)
    server.start()
    try:
        yield Seeded(server.base, asha.customer_number, savings, current, payee,
                     staff.customer_number, scammer, two_step)
    finally:
        server.stop()


def _held_and_disputed(bank: punq.Container, payee: str, elsewhere: str) -> None:
    """Meera's two large payments to a payee saved just now, held for review, and a dispute of
    a payment of hers that posted: work for the operator page."""
    meera = customer(bank, first_name="Meera")
    source = account(bank, meera, "200000.00").account_number
    saved = bank.resolve(ManageBeneficiaries).add(meera.id, BeneficiaryDetails(
        "Kiran", account_number=payee, ifsc="VAAN0000001"), SYSTEM)
    pay = bank.resolve(TransferMoney).execute
    for amount in ("60000.00", "61000.00"):
        held = pay(TransferCommand(meera.id, source, payee, inr(amount), beneficiary_id=saved.id))
        assert held.transfer.status is TransferStatus.PENDING_REVIEW, held.transfer
    posted = pay(TransferCommand(meera.id, source, elsewhere, inr("120.00"))).transfer
    assert posted.status is TransferStatus.COMPLETED
    bank.resolve(OpenDispute).execute(DisputeCommand(
        meera.id, posted.id, DisputeReason.DUPLICATE, "Charged twice for one order", SYSTEM))


def _with_two_step_login(bank: punq.Container) -> tuple[str, str, str]:
    tara = customer(bank, first_name="Tara")
    account(bank, tara, "10.00")
    totp = bank.resolve(ManageTotp)
    secret = totp.enrol(tara.id, PASSWORD, SYSTEM).secret
    codes = totp.confirm(tara.id, pyotp.TOTP(secret).now(), SYSTEM)
    return tara.customer_number, secret, codes[0]


@pytest.fixture(scope="session")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="session")
def browser(downloads: Path) -> Iterator[webdriver.Chrome]:
    # make test installs them (.ci/ensure-chromium): missing, the pages are untested, not skipped.
    assert Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists(), \
        "Debian's chromium and chromium-driver are missing: run .ci/ensure-chromium"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", "--window-size=1100,820", "--lang=en-IN",
                     "--disable-extensions", "--no-first-run"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads), "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(downloads)})
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
