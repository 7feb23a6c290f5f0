"""The hand-written baseline of the ledger-limit benchmark: a minimal transaction on the bare
driver (stdlib sqlite3 or psycopg) that writes the same rows as the TransferMoney use case —
balances, transfer, two ledger legs, fraud profiles and assessment, a hash-chained audit record —
with no framework, no fraud scoring and no domain model in between.

Its rows pass `vaani ledger verify` and `vaani audit verify`, so both implementations can share
one database and the invariants are checked after every round."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime
from typing import Any

import psycopg

from domain.audit import AuditEvent, seal  # the chain's hash function: the same row, byte for byte

_LOCK = ("SELECT account_number, id, balance, held FROM accounts WHERE account_number IN (%s, %s) "
         "ORDER BY id")
_MOVE = "UPDATE accounts SET balance = %s WHERE id = %s"
_TRANSFER = (
    "INSERT INTO transfers (id, kind, customer_id, idempotency_scope, idempotency_key, "
    "fingerprint, status, from_account_id, from_account_number, to_account_id, to_account_number, "
    "amount, currency, channel, description, created_at, posted_at) VALUES (%s, 'transfer', %s, "
    "%s, %s, 'baseline', 'completed', %s, %s, %s, %s, %s, 'INR', 'ONLINE', '', %s, %s)")
_ENTRY = ("INSERT INTO ledger_entries (id, account_id, transfer_id, entry_type, amount, currency, "
          "balance_after, channel, description, reference, posted_at) VALUES "
          "(%s, %s, %s, %s, %s, 'INR', %s, 'ONLINE', '', %s, %s)")
_PROFILE = "SELECT data FROM fraud_profiles WHERE kind = %s AND key = %s"
_SAVE_PROFILE = "UPDATE fraud_profiles SET data = %s WHERE kind = %s AND key = %s"
_NEW_PROFILE = "INSERT INTO fraud_profiles (kind, key, data) VALUES (%s, %s, %s)"
# PostgreSQL: the profile row locked (made when missing) in one statement, so a parallel
# transfer cannot lose this one's update; the use case gives the same guarantee.
_LOCKED_PROFILE = ("INSERT INTO fraud_profiles (kind, key, data) VALUES (%s, %s, '') "
                   "ON CONFLICT (kind, key) DO UPDATE SET data = fraud_profiles.data RETURNING data")
_ASSESSMENT = ("INSERT INTO fraud_assessments (transfer_id, score, decision, engine, version, "
               "contributions, assessed_at) VALUES (%s, 0, 'allow', 'baseline', '1', '[]', %s)")
_HEAD = "SELECT last_sequence, last_hash FROM audit_head WHERE id = 1"
_AUDIT = ("INSERT INTO audit_events (sequence, id, occurred_at, action, outcome, actor_id, "
          "customer_id, resource, details, previous_hash, record_hash) VALUES "
          "(%s, %s, %s, %s, 'success', %s, %s, %s, %s, %s, %s)")
_MOVE_HEAD = "UPDATE audit_head SET last_sequence = %s, last_hash = %s WHERE id = 1"


class HandWritten:
    """One connection; `transfer` is one transaction."""

    def __init__(self, url: str, synchronous: str = "FULL") -> None:
        self.sqlite = url.startswith("sqlite")
        if self.sqlite:
            # The HTTP baseline opens it on the main thread and uses it on its writer thread;
            # one thread at a time, so the driver's same-thread guard is only in the way.
            self._conn: Any = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None,
                                              timeout=30, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute(f"PRAGMA synchronous={synchronous}")
        else:
            self._conn = psycopg.connect(url.replace("postgresql+psycopg", "postgresql"))

    def close(self) -> None:
        self._conn.close()

    def _sql(self, text: str) -> str:
        return text.replace("%s", "?") if self.sqlite else text

    def _id(self, value: uuid.UUID) -> Any:
        return value.hex if self.sqlite else value

    def _time(self, value: datetime) -> Any:
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else value

    def balance(self, account_number: str) -> tuple[int, int, str] | None:
        cursor = self._conn.cursor()
        try:
            row = self._run(cursor, "SELECT balance, held, currency FROM accounts "
                                    "WHERE account_number = %s", account_number).fetchone()
            if not self.sqlite:
                self._conn.rollback()  # end the read transaction psycopg opened
            return None if row is None else (row[0], row[1], row[2])
        finally:
            cursor.close()

    def _run(self, cursor: Any, text: str, *args: Any) -> Any:
        return cursor.execute(self._sql(text), args)

    def transfer(self, customer_id: uuid.UUID, source: str, destination: str, amount: int,
                 key: str) -> uuid.UUID:
        conn, now = self._conn, datetime.now(UTC)
        cursor = conn.cursor()
        try:
            if self.sqlite:
                cursor.execute("BEGIN IMMEDIATE")
            lock = _LOCK + ("" if self.sqlite else " FOR UPDATE")
            rows = {n: (i, b) for n, i, b, _ in self._run(cursor, lock, source, destination)}
            (src_id, src_balance), (dst_id, dst_balance) = rows[source], rows[destination]
            if src_balance < amount:
                raise ValueError("insufficient funds")
            transfer_id = uuid.uuid4()
            self._run(cursor, _TRANSFER, self._id(transfer_id), self._id(customer_id),
                      str(customer_id), key, src_id, source, dst_id, destination, amount,
                      self._time(now), self._time(now))
            for entry_type, account_id, after in (("debit", src_id, src_balance - amount),
                                                  ("credit", dst_id, dst_balance + amount)):
                self._run(cursor, _ENTRY, self._id(uuid.uuid4()), account_id,
                          self._id(transfer_id), entry_type, amount, after,
                          self._id(transfer_id), self._time(now))
            self._run(cursor, _MOVE, src_balance - amount, src_id)
            self._run(cursor, _MOVE, dst_balance + amount, dst_id)
            # Documents the use case can read back, whichever of the two wrote first.
            for kind, profile_key, counter, fresh in (
                    ("customer", str(customer_id), "transfers", {}),
                    ("counterparty", destination, "payments",
                     {"key": destination, "first_seen": now.isoformat()})):
                found = self._run(cursor, _PROFILE if self.sqlite else _LOCKED_PROFILE, kind,
                                  profile_key).fetchone()
                data = json.loads(found[0]) if found and found[0] else fresh
                data[counter] = data.get(counter, 0) + 1
                text = json.dumps(data, separators=(",", ":"))
                if found:
                    self._run(cursor, _SAVE_PROFILE, text, kind, profile_key)
                else:
                    self._run(cursor, _NEW_PROFILE, kind, profile_key, text)
            self._run(cursor, _ASSESSMENT, self._id(transfer_id), self._time(now))
            self._audit(cursor, customer_id, transfer_id, now)
            if self.sqlite:
                cursor.execute("COMMIT")
            else:
                conn.commit()
            return transfer_id
        except BaseException:
            if self.sqlite:
                cursor.execute("ROLLBACK")
            else:
                conn.rollback()
            raise
        finally:
            cursor.close()

    def _audit(self, cursor: Any, customer_id: uuid.UUID, transfer_id: uuid.UUID,
               now: datetime) -> None:
        head = _HEAD + ("" if self.sqlite else " FOR UPDATE")
        sequence, last_hash = self._run(cursor, head).fetchone()
        event = seal(AuditEvent(id=uuid.uuid4(), occurred_at=now, action="money.transfer",
                                outcome="success", actor_id=customer_id, customer_id=customer_id,
                                resource=f"transfer:{transfer_id}", details={"baseline": "yes"}),
                     sequence + 1, last_hash)
        self._run(cursor, _AUDIT, event.sequence, self._id(event.id), self._time(now),
                  event.action, self._id(customer_id), self._id(customer_id), event.resource,
                  json.dumps(dict(event.details), sort_keys=True), event.previous_hash,
                  event.record_hash)
        self._run(cursor, _MOVE_HEAD, event.sequence, event.record_hash)
