"""The customer's own profile and data on the memory, SQLite and PostgreSQL profiles: names
and language change at once; a new email or phone only with the code sent to it (single use,
15 minutes, wrong codes counted, an address someone else holds never confirmed); the export
holds everything, page by page; erasure closes empty accounts and pseudonymises the profile
while the books and the audit trail stay provable (the `bank` fixture verifies both)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import attrs
import punq
import pytest

from application.context import DeviceInfo, RequestContext
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    BeneficiaryDetails,
    CashCommand,
    ChangeProfile,
    ConfirmContactChange,
    EraseCustomer,
    ExportCustomerData,
    ListAuditEvents,
    LogInWithPassword,
    ManageBeneficiaries,
    ProfileChanges,
    TransferCommand,
    TransferMoney,
    ViewProfile,
    Withdraw,
)
from application.use_cases import export_customer_data as export_module
from domain.account import AccountStatus
from domain.contact_change import ContactField
from domain.customer import Customer
from domain.errors import (
    AccountLocked,
    ContactChangeNotPending,
    ContactCodeInvalid,
    ErasureRefused,
    InvalidCredentials,
    Unauthorized,
    ValidationError,
)
from domain.voice import VoiceAttempts, VoiceChannel, Voiceprint, VoiceSample
from tests.support.banking import PASSWORD, account, customer, inr
from tests.support.clock import SteppingClock
from tests.support.messages import DEMO, code_sent_to, to_address, told

HERE = RequestContext(ip="203.0.113.7", request_id="req-profile")

@pytest.fixture
def bank_env() -> dict[str, str]:
    """A demo's notifier: its log shows the codes it sends, where these tests read them."""
    return DEMO


@pytest.fixture(autouse=True)
def notifications(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.INFO, logger="vaani.notifications"):
        yield caplog


def actions(bank: punq.Container) -> list[str]:
    return [e.action for e in bank.resolve(ListAuditEvents).execute(limit=100).items]


def ask(bank: punq.Container, who: Customer, **fields: str) -> None:
    bank.resolve(ChangeProfile).execute(ProfileChanges(who.id, context=HERE, password=PASSWORD,
                                                       **fields))


def test_a_new_email_needs_the_password_and_a_wrong_one_counts(bank: punq.Container) -> None:
    asha = customer(bank)
    with pytest.raises(ValidationError):
        bank.resolve(ChangeProfile).execute(ProfileChanges(asha.id, email="x@example.in"))
    with pytest.raises(Unauthorized):
        bank.resolve(ChangeProfile).execute(ProfileChanges(
            asha.id, email="x@example.in", password="not the password"))
    with bank.resolve(UnitOfWorkFactory)() as uow:
        counted = uow.login_attempts.get(asha.customer_number)
        pending = uow.customers.get(asha.id)
    assert counted is not None and counted.failures == 1
    assert pending is not None and pending.contact_change is None


def test_names_and_language_change_at_once_and_are_audited(bank: punq.Container) -> None:
    asha = customer(bank)
    changed = bank.resolve(ChangeProfile).execute(ProfileChanges(
        asha.id, first_name=" Asha ", last_name="Rao", preferred_language="hi", context=HERE))
    assert changed.pending is None
    seen = bank.resolve(ViewProfile).execute(asha.id)
    assert (seen.first_name, seen.last_name, seen.preferred_language) == ("Asha", "Rao", "hi")
    assert "customer.profile.changed" in actions(bank)
    for bad in ({"preferred_language": "xx"}, {"first_name": "  "}, {}):
        with pytest.raises(ValidationError):
            ask(bank, asha, **bad)
    with pytest.raises(ValidationError):  # each address is proven by its own code
        ask(bank, asha, email="new@example.in", phone_number="+919999999999")


def test_a_new_email_waits_for_the_code_sent_to_it_and_the_old_one_is_told(
        bank: punq.Container, notifications: pytest.LogCaptureFixture) -> None:
    asha = customer(bank)
    changed = bank.resolve(ChangeProfile).execute(ProfileChanges(
        asha.id, email=" Asha.New@Example.IN ", context=HERE, password=PASSWORD))
    assert changed.pending is not None and changed.pending.field is ContactField.EMAIL
    assert changed.pending.value == "asha.new@example.in"
    assert bank.resolve(ViewProfile).execute(asha.id).email == asha.email  # not yet
    heard = [m for m in told(notifications) if m.get("customer_id") == str(asha.id)]
    assert heard and "new email address" in heard[-1]["title"]
    code = code_sent_to(notifications, "asha.new@example.in")
    confirm = bank.resolve(ConfirmContactChange)
    assert confirm.execute(asha.id, code, HERE).email == "asha.new@example.in"
    assert bank.resolve(ViewProfile).execute(asha.id).email == "asha.new@example.in"
    assert to_address(notifications, asha.email)  # the old address hears it was changed
    with pytest.raises(ContactChangeNotPending):  # single use
        confirm.execute(asha.id, code, HERE)
    assert {"customer.contact.change_requested", "customer.contact.changed"} <= set(actions(bank))
    # Logging in still works (by customer number), and the audit trail never holds the address.
    assert bank.resolve(LogInWithPassword).execute(asha.customer_number, PASSWORD, HERE)
    events = bank.resolve(ListAuditEvents).execute(limit=100).items
    assert not any("asha.new" in str(e.details) for e in events)


def test_a_phone_code_expires_after_15_minutes(
        bank: punq.Container, clock: SteppingClock,
        notifications: pytest.LogCaptureFixture) -> None:
    asha = customer(bank)
    ask(bank, asha, phone_number="+91 98765 43210")
    code = code_sent_to(notifications, "+919876543210")
    clock.advance(timedelta(minutes=15))
    with pytest.raises(ContactChangeNotPending):
        bank.resolve(ConfirmContactChange).execute(asha.id, code, HERE)
    assert bank.resolve(ViewProfile).execute(asha.id).phone_number == asha.phone_number


def test_wrong_codes_are_counted_and_the_lockout_drops_the_change(
        bank: punq.Container, notifications: pytest.LogCaptureFixture) -> None:
    asha = customer(bank)
    ask(bank, asha, email="asha.new@example.in")
    code = code_sent_to(notifications, "asha.new@example.in")
    wrong = "000000" if code != "000000" else "111111"
    confirm = bank.resolve(ConfirmContactChange)
    for left in (4, 3, 2, 1, 0):
        with pytest.raises(ContactCodeInvalid) as refused:
            confirm.execute(asha.id, wrong, HERE)
        assert refused.value.info["attempts_left"] == left
    with pytest.raises(AccountLocked):  # the right code, too late
        confirm.execute(asha.id, code, HERE)
    with pytest.raises(ValidationError):
        confirm.execute(asha.id, "12345", HERE)
    assert bank.resolve(ViewProfile).execute(asha.id).email == asha.email
    assert "auth.lockout" in actions(bank)


def test_an_address_someone_else_holds_is_answered_alike_and_never_confirmed(
        bank: punq.Container, notifications: pytest.LogCaptureFixture) -> None:
    asha, ravi = customer(bank), customer(bank)
    free = bank.resolve(ChangeProfile).execute(ProfileChanges(asha.id, email="free@example.in",
                                                              password=PASSWORD))
    taken = bank.resolve(ChangeProfile).execute(ProfileChanges(asha.id, email=ravi.email,
                                                               password=PASSWORD))
    assert free.pending is not None and taken.pending is not None
    assert free.pending.field == taken.pending.field  # the same answer either way
    assert not to_address(notifications, ravi.email)  # Ravi is never sent a code
    with pytest.raises(ContactCodeInvalid):
        bank.resolve(ConfirmContactChange).execute(asha.id, "123456", HERE)
    assert bank.resolve(ViewProfile).execute(ravi.id).email == ravi.email


def test_the_export_holds_everything_about_the_customer_page_by_page(
        bank: punq.Container, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_module, "PAGE", 2)  # every long section takes several pages
    asha, ravi = customer(bank), customer(bank)
    mine, theirs = account(bank, asha, "1000.00"), account(bank, ravi, "10.00")
    for n in range(3):
        bank.resolve(TransferMoney).execute(TransferCommand(
            asha.id, mine.account_number, theirs.account_number, inr("1.00"),
            description=f"rent {n}"))
    bank.resolve(ManageBeneficiaries).add(asha.id, BeneficiaryDetails(
        "Ravi", upi_id="ravi@okbank"), HERE)
    bank.resolve(LogInWithPassword).execute(asha.customer_number, PASSWORD, HERE)
    export = bank.resolve(ExportCustomerData).execute(asha.id)
    assert export.customer.id == asha.id
    sections = {s.name: [item for page in s.pages() for item in page] for s in export.sections}
    assert [a.account_number for a in sections["accounts"]] == [mine.account_number]  # type: ignore[attr-defined]
    assert len(sections["ledger_entries"]) == 4  # the opening deposit and three payments
    assert {n for n, _ in sections["ledger_entries"]} == {mine.account_number}  # type: ignore[misc]
    assert len(sections["transfers"]) == 3
    assert len(sections["beneficiaries"]) == 1 and len(sections["sessions"]) == 1
    about = sections["audit_events"]
    assert about and all(e.customer_id == asha.id for e in about)  # type: ignore[attr-defined]
    assert [e.sequence for e in about] == sorted(e.sequence for e in about)  # type: ignore[attr-defined]


def test_erasure_refuses_while_money_is_held_and_then_erases_for_good(
        bank: punq.Container) -> None:
    asha, ravi = customer(bank), customer(bank)
    mine, theirs = account(bank, asha, "100.00"), account(bank, ravi, "10.00")
    empty = account(bank, asha)
    bank.resolve(TransferMoney).execute(TransferCommand(
        asha.id, mine.account_number, theirs.account_number, inr("40.00")))
    bank.resolve(ManageBeneficiaries).add(asha.id, BeneficiaryDetails(
        "Ravi", upi_id="ravi@okbank"), HERE)
    bank.resolve(LogInWithPassword).execute(asha.customer_number, PASSWORD,
                                            attrs.evolve(HERE, device_id="phone-1"),
                                            DeviceInfo("phone-1"))
    _enrolled_voice(bank, asha)
    erase = bank.resolve(EraseCustomer)
    with pytest.raises(Unauthorized):
        erase.execute(asha.id, "not the password", HERE)
    with pytest.raises(ErasureRefused) as refused:
        erase.execute(asha.id, PASSWORD, HERE)
    assert refused.value.info["accounts"] == [mine.account_number]
    assert bank.resolve(ViewProfile).execute(asha.id).first_name == asha.first_name  # untouched
    bank.resolve(Withdraw).execute(CashCommand(mine.account_number, inr("60.00")))
    done = erase.execute(asha.id, PASSWORD, HERE)
    assert set(done.accounts_closed) == {mine.account_number, empty.account_number}
    assert done.sessions_ended == 1
    with pytest.raises(InvalidCredentials):
        bank.resolve(LogInWithPassword).execute(asha.customer_number, PASSWORD, HERE)
    with pytest.raises(Unauthorized):
        bank.resolve(ViewProfile).execute(asha.id)
    with bank.resolve(UnitOfWorkFactory)() as uow:
        kept = uow.customers.get(asha.id)
        statuses = {a.status for a in uow.accounts.of_customer(asha.id)}
        payees = uow.beneficiaries.of_customer(asha.id)
        theirs_now = uow.accounts.by_number(theirs.account_number)
    assert kept is not None and kept.customer_number == asha.customer_number
    assert (kept.first_name, kept.last_name) == ("Erased", "Erased")
    assert kept.email == f"erased+{asha.id.hex}@invalid"
    assert kept.phone_number == "+000" + asha.customer_number
    assert kept.date_of_birth is None and kept.pan is None and kept.aadhaar_last4 is None
    assert statuses == {AccountStatus.CLOSED} and payees == []
    assert theirs_now is not None and theirs_now.balance == inr("50.00")  # Ravi's is untouched
    assert "customer.erased" in actions(bank)
    with bank.resolve(UnitOfWorkFactory)() as uow:  # biometric data is gone, not just unused
        assert uow.voice.voiceprint(asha.id) is None and uow.voice.attempts(asha.id) is None
        assert not uow.voice.seen(asha.id, "a" * 64)
        assert uow.voice.accepted_embeddings(asha.id, 10) == []


def _enrolled_voice(bank: punq.Container, who: Customer) -> None:
    """A voiceprint, an attempt count and a remembered recording, as enrolment leaves them."""
    sample = VoiceSample((0.5,) * 256, "a" * 64, 3.0, VoiceChannel.WIDEBAND, "test")
    with bank.resolve(UnitOfWorkFactory)(write=True) as uow:
        binding = uow.devices.of_customer(who.id)[0]
        uow.voice.save_voiceprint(Voiceprint(uuid4(), who.id, binding.id, (0.5,) * 256, "test",
                                             ("a" * 64,), datetime(2026, 11, 22, tzinfo=UTC)))
        uow.voice.save_attempts(VoiceAttempts(who.id, failures=1))
        uow.voice.remember(who.id, sample, True, datetime(2026, 11, 22, tzinfo=UTC))
        uow.commit()
