"""The audit trail's end, on every profile: `VerifyAuditTrail` compares the chain's last record
with its head, and proves the chain still holds and extends every kept, signed checkpoint.
Someone who can write the database can recompute the whole chain after any record and move
the head; only a checkpoint kept outside the database tells."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import attrs
import punq
import pytest

from adapters.memory import MemoryUnitOfWorkFactory
from application.ports import UnitOfWorkFactory
from application.use_cases import (
    AuditReport,
    CreateAuditKey,
    TakeAuditCheckpoint,
    VerifyAuditTrail,
)
from domain.audit import AuditEvent, AuditHead
from domain.audit_checkpoint import SignedCheckpoint, key_id_of
from domain.errors import AuditTrailBroken, ValidationError
from tests.support.audit_tampering import AuditTampering


@pytest.fixture
def tampering(bank: punq.Container) -> Iterator[AuditTampering]:
    """Tampers with the bank's audit trail; puts the original back before the bank's own
    end-of-test verification."""
    factory = bank.resolve(UnitOfWorkFactory)
    tool = AuditTampering(factory.store if isinstance(factory, MemoryUnitOfWorkFactory)
                          else factory.engine)
    original = tool.chain(), tool.head()
    yield tool
    tool.write(*original)


@pytest.fixture
def keys(bank: punq.Container, tmp_path: Path) -> dict[str, str]:
    """The bank's signing key and its public key, and someone else's key pair."""
    paths = {name: str(tmp_path / f"{name}.pem") for name in ("ours", "ours.pub", "theirs", "theirs.pub")}
    create = bank.resolve(CreateAuditKey)
    create.execute(paths["ours"], paths["ours.pub"])
    create.execute(paths["theirs"], paths["theirs.pub"])
    return paths


def append(bank: punq.Container, count: int) -> int:
    """Append `count` records; the sequence of the newest."""
    with bank.resolve(UnitOfWorkFactory)(write=True) as uow:
        for i in range(count):
            uow.audit.append(AuditEvent(id=uuid4(), occurred_at=datetime(2026, 12, 1, tzinfo=UTC),
                                        action="operator.note", outcome="success",
                                        resource=f"note {i}"))
        uow.commit()
    with bank.resolve(UnitOfWorkFactory)() as uow:
        return int(uow.audit.head().sequence)


def verify(bank: punq.Container, checkpoints: list[SignedCheckpoint] | None = None,
           trusted: str | None = None) -> AuditReport:
    return bank.resolve(VerifyAuditTrail).execute(checkpoints or [], [trusted] if trusted else [])


@pytest.mark.parametrize("count", [1, 3])
def test_removing_the_newest_records_is_caught(bank: punq.Container, tampering: AuditTampering,
                                               count: int) -> None:
    newest = append(bank, 5)
    assert verify(bank).ok
    tampering.remove_newest(count, move_head=False)
    report = verify(bank)
    assert not report.ok and report.first_break is not None
    assert f"ends at record {newest - count} but its head is record {newest}" in report.first_break
    assert "removed" in report.first_break and report.broken_sequence == newest - count + 1


def test_a_bank_being_written_to_verifies_whenever_it_is_checked(bank: punq.Container) -> None:
    """The head and the records are read in one snapshot: appends committed while the walk
    runs neither look like records past the head nor like a missing tail."""
    done = threading.Event()
    failures: list[BaseException] = []

    def write() -> None:
        try:
            for _ in range(40):
                append(bank, 2)
        except BaseException as error:  # reported by the assertion below
            failures.append(error)
        finally:
            done.set()

    writer = threading.Thread(target=write)
    writer.start()
    reports = [verify(bank)]
    while not done.is_set():
        reports.append(verify(bank))
    writer.join()
    assert not failures
    assert [r.first_break for r in reports if not r.ok] == []


def test_a_head_moved_back_behind_its_records_is_caught(bank: punq.Container,
                                                        tampering: AuditTampering) -> None:
    newest = append(bank, 3)
    chain = tampering.chain()
    tampering.write(chain, AuditHead(chain[-2].sequence, chain[-2].record_hash))
    report = verify(bank)
    assert not report.ok and f"past its head at record {newest - 1}" in str(report.first_break)


def test_the_newest_record_replaced_and_resealed_is_caught_by_the_head(
        bank: punq.Container, tampering: AuditTampering) -> None:
    newest = append(bank, 3)
    tampering.edit(newest, reseal=True, move_head=False)
    report = verify(bank)
    assert not report.ok and f"record {newest}" in str(report.first_break)
    assert "replaced" in str(report.first_break)


def test_the_newest_record_edited_in_place_is_caught(bank: punq.Container,
                                                      tampering: AuditTampering) -> None:
    newest = append(bank, 3)
    tampering.edit(newest, reseal=False, move_head=False)
    report = verify(bank)
    assert not report.ok and report.broken_sequence == newest and "edited" in str(report.first_break)


RECOMPUTED: dict[str, tuple[Callable[[AuditTampering, int], None], str]] = {
    # name: (what the attacker does given the newest sequence, what verification says)
    "newest records removed, head moved back":
        (lambda t, n: t.remove_newest(2, move_head=True), "missing tail"),
    "all records removed, head reset": (lambda t, n: t.remove_newest(n, move_head=True),
                                        "missing tail"),
    "a middle record edited, the chain recomputed":
        (lambda t, n: t.edit(n - 3, reseal=True), "was rewritten"),
    "the newest record edited, the chain recomputed":
        (lambda t, n: t.edit(n, reseal=True), "was rewritten"),
}


@pytest.mark.parametrize("attack", list(RECOMPUTED))
def test_a_recomputed_chain_passes_the_walk_but_not_a_kept_checkpoint(
        bank: punq.Container, tampering: AuditTampering, keys: dict[str, str], attack: str) -> None:
    newest = append(bank, 5)
    kept = bank.resolve(TakeAuditCheckpoint).execute(keys["ours"])
    assert kept.checkpoint.sequence == newest
    tamper, says = RECOMPUTED[attack]
    tamper(tampering, newest)
    assert verify(bank).ok  # the chain alone cannot tell: every link and the head agree
    report = verify(bank, [kept], keys["ours.pub"])
    assert not report.ok and says in str(report.first_break)
    assert f"checkpoint of record {newest}" in str(report.first_break)


def test_kept_checkpoints_hold_while_the_chain_grows(bank: punq.Container,
                                                     keys: dict[str, str]) -> None:
    take = bank.resolve(TakeAuditCheckpoint)
    first = take.execute(keys["ours"])
    append(bank, 2)
    second = take.execute(keys["ours"])
    newest = append(bank, 2)
    assert second.checkpoint.sequence == first.checkpoint.sequence + 2
    assert second.checkpoint.key_id == key_id_of(second.public_key)
    for trusted in (keys["ours.pub"], keys["ours"]):  # the public half of the private key will do
        report = verify(bank, [first, second], trusted)
        assert report.ok, report.first_break
        assert report.checkpoints == 2 and report.records == newest


def _forged(bank: punq.Container, keys: dict[str, str], kind: str) -> SignedCheckpoint:
    kept = bank.resolve(TakeAuditCheckpoint).execute(keys["ours"])
    theirs = bank.resolve(TakeAuditCheckpoint).execute(keys["theirs"])
    if kind == "altered":  # their own copy, told a different hash
        return attrs.evolve(kept, checkpoint=attrs.evolve(kept.checkpoint, record_hash="0" * 64))
    if kind == "another key":
        return theirs
    if kind == "another key, our key's id":  # signed by theirs, naming and carrying ours
        return attrs.evolve(theirs, public_key=kept.public_key, checkpoint=attrs.evolve(
            theirs.checkpoint, key_id=kept.checkpoint.key_id))
    return attrs.evolve(theirs, checkpoint=attrs.evolve(theirs.checkpoint,
                                                        key_id=kept.checkpoint.key_id))


@pytest.mark.parametrize(("kind", "says"), [
    ("altered", "bad signature"), ("another key", "unknown key"),
    ("another key, our key's id", "bad signature"), ("another key naming ours", "forged")])
def test_a_forged_checkpoint_is_not_believed(bank: punq.Container, keys: dict[str, str],
                                             kind: str, says: str) -> None:
    append(bank, 2)
    report = verify(bank, [_forged(bank, keys, kind)], keys["ours.pub"])
    assert not report.ok and says in str(report.first_break)


def test_no_checkpoint_of_a_broken_chain(bank: punq.Container, tampering: AuditTampering,
                                        keys: dict[str, str]) -> None:
    append(bank, 3)
    tampering.remove_newest(1, move_head=False)
    with pytest.raises(AuditTrailBroken, match="removed"):
        bank.resolve(TakeAuditCheckpoint).execute(keys["ours"])


def test_checkpoints_are_checked_only_against_a_trusted_key(bank: punq.Container,
                                                            keys: dict[str, str]) -> None:
    kept = bank.resolve(TakeAuditCheckpoint).execute(keys["ours"])
    with pytest.raises(ValidationError, match="trusted public key"):
        verify(bank, [kept])
