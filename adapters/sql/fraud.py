"""Fraud profiles and assessments in SQL: profiles as JSON documents, one row each."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.sql.postgres.advisory_locks import take_turn
from adapters.sql.prepared import Prepared
from adapters.sql.tables import fraud_assessments, fraud_profiles
from domain.fraud import Assessment, Contribution, Decision, StoredAssessment
from domain.fraud_profile import CounterpartyProfile, CustomerProfile

# Encoders made once: json.dumps with options builds a new one on every call.
_COMPACT = json.JSONEncoder(separators=(",", ":")).encode
_PLAIN = json.JSONEncoder().encode
_WHERE = (fraud_profiles.c.kind == sa.bindparam("profile_kind"),
          fraud_profiles.c.key == sa.bindparam("profile_key"))
_PROFILE = Prepared(sa.select(fraud_profiles.c.data).where(*_WHERE))
# Two primary-key lookups in one statement. Not one WHERE with an OR: on PostgreSQL that was
# planned as a scan of the table, whose hot rows (rewritten at every payment) leave dead row
# versions until vacuum, so the scan grew with the traffic (docs/benchmarks.md, "Figures once
# in docstrings").
_BOTH_PROFILES = Prepared(sa.union_all(*(
    sa.select(fraud_profiles.c.kind, fraud_profiles.c.data).where(
        fraud_profiles.c.kind == kind, fraud_profiles.c.key == sa.bindparam(f"{kind}_key"))
    for kind in ("customer", "counterparty"))))
_UPDATE_PROFILE = Prepared(fraud_profiles.update().where(*_WHERE), column_keys=["data"])
_INSERT_PROFILE = Prepared(fraud_profiles.insert(), column_keys=["kind", "key", "data"])
_INSERT_ASSESSMENT = Prepared(fraud_assessments.insert(),
                              column_keys=list(fraud_assessments.c.keys()))


class SqlFraud:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        # The documents this transaction has read or written: a transfer reads both profiles
        # to score and again to update them, and the second read need not ask the database.
        # Documents, not objects, are kept, so each read still returns a fresh entity.
        self._documents: dict[tuple[str, str], str | None] = {}

    def _load(self, kind: str, key: str) -> dict[str, Any] | None:
        if (kind, key) in self._documents:
            data = self._documents[kind, key]
        else:
            # Writers fold payments in one at a time, or two transfers at once (one customer's
            # two accounts, whose account locks never meet) would both fold into the same old
            # document and the velocity rules would miss one. Taken after the accounts' locks,
            # customer before counterparty, as every writer does: no deadlock.
            take_turn(self._conn, f"fraud_profile:{kind}:{key}")
            data = _PROFILE.scalar(self._conn, {"profile_kind": kind, "profile_key": key})
            self._documents[kind, key] = data
        return json.loads(data) if data else None

    def _save(self, kind: str, key: str, data: dict[str, Any]) -> None:
        text = _COMPACT(data)
        if (kind, key) in self._documents:  # read in this transaction: known to exist or not
            saved = _UPDATE_PROFILE if self._documents[kind, key] is not None else _INSERT_PROFILE
            saved.defer(self._conn, {"profile_kind": kind, "profile_key": key, "kind": kind,
                                     "key": key, "data": text})
        else:
            updated = _UPDATE_PROFILE.execute(
                self._conn, {"profile_kind": kind, "profile_key": key, "data": text})
            if updated == 0:
                _INSERT_PROFILE.execute(self._conn, {"kind": kind, "key": key, "data": text})
        self._documents[kind, key] = text

    def profiles(self, customer_id: UUID, counterparty: str
                 ) -> tuple[CustomerProfile | None, CounterpartyProfile | None]:
        """Both of a payment's profiles in one statement (on PostgreSQL with both turns, in
        one round trip: the screen reads them with the accounts locked)."""
        keys = (("customer", str(customer_id)), ("counterparty", counterparty))
        if not any(k in self._documents for k in keys):
            for kind, key in keys:  # customer before counterparty, as every writer
                take_turn(self._conn, f"fraud_profile:{kind}:{key}")
            found = dict(_BOTH_PROFILES.all(self._conn, {"customer_key": keys[0][1],
                                                          "counterparty_key": counterparty}))
            for kind, key in keys:
                self._documents[kind, key] = found.get(kind)
        return self.customer_profile(customer_id), self.counterparty_profile(counterparty)

    def customer_profile(self, customer_id: UUID) -> CustomerProfile | None:
        data = self._load("customer", str(customer_id))
        if not data:
            return None
        known = {f.name for f in attrs.fields(CustomerProfile)}  # older documents: drop the rest
        return CustomerProfile(**{k: v for k, v in data.items() if k in known},
                               customer_id=customer_id)

    def save_customer_profile(self, profile: CustomerProfile) -> None:
        data = attrs.asdict(profile, recurse=False)  # its fields are JSON values already
        data.pop("customer_id")
        self._save("customer", str(profile.customer_id), data)

    def counterparty_profile(self, key: str) -> CounterpartyProfile | None:
        data = self._load("counterparty", key)
        if not data:
            return None
        first = data.pop("first_seen")
        return CounterpartyProfile(**data, first_seen=datetime.fromisoformat(first) if first else None)

    def save_counterparty_profile(self, profile: CounterpartyProfile) -> None:
        data = attrs.asdict(profile, recurse=False)
        data["first_seen"] = profile.first_seen.isoformat() if profile.first_seen else None
        self._save("counterparty", profile.key, data)

    def add_assessment(self, stored: StoredAssessment) -> None:
        a = stored.assessment
        _INSERT_ASSESSMENT.defer(self._conn, {
            "transfer_id": stored.transfer_id, "score": a.score, "decision": a.decision.value,
            "engine": a.engine, "version": a.version, "assessed_at": stored.assessed_at,
            "contributions": _PLAIN([attrs.asdict(c) for c in a.contributions])})

    def assessment(self, transfer_id: UUID) -> StoredAssessment | None:
        r = self._conn.execute(sa.select(fraud_assessments).where(
            fraud_assessments.c.transfer_id == transfer_id)).first()
        if r is None:
            return None
        contributions = tuple(Contribution(**c) for c in json.loads(r.contributions))
        return StoredAssessment(r.transfer_id, Assessment(
            r.score, Decision(r.decision), contributions, r.engine, r.version), r.assessed_at)
