"""The audit chain as each profile stores it. On PostgreSQL the database seals every record
(the hash is computed by the server inside the statement that moves the head); `vaani audit
verify` recomputes it in Python, so the two must agree byte for byte, whatever the text."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from uuid import uuid4

import punq
import pytest

from application.ports import UnitOfWorkFactory
from application.use_cases.audit_trail import VerifyAuditTrail
from domain.audit import AuditEvent, record_hash


def _event(resource: str, **details: str) -> AuditEvent:
    return AuditEvent(id=uuid4(), occurred_at=datetime(2026, 12, 1, 7, 30, 0, 123456, tzinfo=UTC),
                      action="operator.note", outcome="success", actor_id=uuid4(),
                      resource=resource, ip="2001:db8::1", device_id="term\u00e9-7",
                      request_id='req "1"', details=details)


def test_records_appended_together_and_apart_chain_in_order_and_verify(
        bank: punq.Container) -> None:
    factory = bank.resolve(UnitOfWorkFactory)
    with factory() as uow:
        before = sum(1 for _ in uow.audit.all_in_order())
    awkward = [_event('quote " backslash \\ brace }', note="नमस्ते \u2028 line"),
               _event('","sequence":9,"x":"', **{"previous_hash": "f" * 64, "emoji": "\U0001F4B8"}),
               _event("plain")]
    with factory(write=True) as uow:  # two in one transaction
        uow.audit.append(awkward[0])
        uow.audit.append(awkward[1])
        uow.commit()
    with factory(write=True) as uow:
        uow.audit.append(awkward[2])
        uow.commit()
    with factory() as uow:
        stored = list(uow.audit.all_in_order())[before:]
    assert [e.id for e in stored] == [e.id for e in awkward]
    assert [e.sequence for e in stored] == [before + 1, before + 2, before + 3]
    assert stored[1].previous_hash == stored[0].record_hash
    assert stored[2].previous_hash == stored[1].record_hash
    for event in stored:
        assert record_hash(event) == event.record_hash
    assert bank.resolve(VerifyAuditTrail).execute().ok


@pytest.mark.slow
def test_writers_appending_at_once_each_get_their_own_place(bank: punq.Container) -> None:
    factory = bank.resolve(UnitOfWorkFactory)
    errors: list[BaseException] = []

    def append(n: int) -> None:
        try:
            for i in range(10):
                with factory(write=True) as uow:
                    uow.audit.append(_event(f"writer {n} record {i}"))
                    uow.commit()
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    report = bank.resolve(VerifyAuditTrail).execute()
    assert report.ok, report.first_break
    with factory() as uow:
        resources = [e.resource for e in uow.audit.all_in_order()]
    assert sum(r.startswith("writer ") for r in resources) == 40
