"""The PostgreSQL half of the hand-written baseline (bench/ledger_baseline.py): what a good
engineer writes by hand on psycopg 3 for the rows a TransferMoney writes, pipelined, locking
as Vaani locks.

Two round trips, both through psycopg's own pipeline mode (`conn.pipeline()`):
1. BEGIN; both accounts `FOR UPDATE` in id order; the customer's and then the counterparty's
   fraud-profile turn (`pg_advisory_xact_lock` on the names Vaani's writers use,
   adapters/sql/fraud.py); both profile documents. The answers come back together.
2. The balance is checked and the documents updated in Python, then: one statement writing the
   transfer row (its idempotency key under the table's unique constraint), both ledger legs,
   both balances, both profile documents and the assessment; one statement moving the audit
   head and inserting the record after it, its hash computed by the server from the canonical
   parts (`domain.audit.canonical_parts`), as adapters/sql/audit.py does; COMMIT.
So the locks are Vaani's, taken in Vaani's order: accounts, then profile turns, and the audit
head last, in the final statement before the COMMIT of the same round trip. Vaani makes four
round trips: its fraud screen asks two more reads and it looks the idempotency key up before
locking (to answer a retry with the stored transfer); the hand-written transaction needs
neither — its retry finds the key taken by the INSERT, and then it could read the row."""

from __future__ import annotations

import contextlib
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import psycopg

from bench.ledger_baseline import audit_details
from domain.audit import AuditEvent, canonical_parts

_LOCK = ("SELECT account_number, id, balance FROM accounts WHERE account_number IN (%s, %s) "
         "ORDER BY id FOR UPDATE")
_TURN = "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))"
_PROFILES = ("SELECT kind, data FROM fraud_profiles WHERE kind = 'customer' AND key = %s "
             "UNION ALL SELECT kind, data FROM fraud_profiles "
             "WHERE kind = 'counterparty' AND key = %s")
_WRITE = """\
WITH transfer AS (
  INSERT INTO transfers (id, kind, customer_id, idempotency_scope, idempotency_key, fingerprint,
    status, from_account_id, from_account_number, to_account_id, to_account_number, amount,
    currency, channel, description, created_at, posted_at)
  VALUES (%(transfer)s, 'transfer', %(customer)s, %(scope)s, %(key)s, 'baseline', 'completed',
    %(source_id)s, %(source)s, %(destination_id)s, %(destination)s, %(amount)s, 'INR', 'ONLINE',
    '', %(now)s, %(now)s)
), legs AS (
  INSERT INTO ledger_entries (id, account_id, transfer_id, entry_type, amount, currency,
    balance_after, channel, description, reference, posted_at)
  VALUES (%(debit)s, %(source_id)s, %(transfer)s, 'debit', %(amount)s, 'INR', %(source_after)s,
      'ONLINE', '', %(reference)s, %(now)s),
    (%(credit)s, %(destination_id)s, %(transfer)s, 'credit', %(amount)s, 'INR',
      %(destination_after)s, 'ONLINE', '', %(reference)s, %(now)s)
), balances AS (
  UPDATE accounts SET balance = moved.balance
  FROM (VALUES (%(source_id)s::uuid, %(source_after)s::bigint),
               (%(destination_id)s::uuid, %(destination_after)s::bigint)) AS moved (id, balance)
  WHERE accounts.id = moved.id
), profiles AS (
  INSERT INTO fraud_profiles (kind, key, data)
  VALUES ('customer', %(customer_key)s, %(customer_profile)s),
         ('counterparty', %(destination)s, %(counterparty_profile)s)
  ON CONFLICT (kind, key) DO UPDATE SET data = excluded.data
)
INSERT INTO fraud_assessments (transfer_id, score, decision, engine, version, contributions,
  assessed_at)
VALUES (%(transfer)s, 0, 'allow', 'baseline', '1', '[]', %(now)s)"""
# SET reads the row as it was: the old hash becomes previous_hash.
SEAL = """\
WITH head AS (
  UPDATE audit_head SET last_sequence = last_sequence + 1, previous_hash = last_hash,
    last_hash = encode(sha256(%(before)s || convert_to(last_hash, 'UTF8') || %(between)s
                              || convert_to((last_sequence + 1)::text, 'UTF8')
                              || convert_to('}', 'UTF8')), 'hex')
  WHERE id = 1
  RETURNING last_sequence, previous_hash, last_hash
)
INSERT INTO audit_events (sequence, previous_hash, record_hash, id, occurred_at, action, outcome,
  actor_id, customer_id, resource, details)
SELECT last_sequence, previous_hash, last_hash, %(event)s, %(now)s, %(action)s, %(outcome)s,
  %(actor)s, %(customer)s, %(resource)s, %(details)s FROM head"""
_COMPACT = json.JSONEncoder(separators=(",", ":")).encode
_SORTED = json.JSONEncoder(sort_keys=True).encode  # the details column, as Vaani stores it


class Pipelined:
    """One psycopg connection in pipeline mode for its whole life. The connection is in
    autocommit mode and a transaction's BEGIN and COMMIT are statements of their own: psycopg's
    managed transaction would wait for its BEGIN alone, and leaving a `conn.pipeline()` block
    per transaction costs one more Sync."""

    def __init__(self, url: str) -> None:
        self._conn = psycopg.connect(url.replace("postgresql+psycopg", "postgresql"),
                                     autocommit=True)
        self._held = contextlib.ExitStack()
        self._pipeline = self._held.enter_context(self._conn.pipeline())

    def close(self) -> None:
        self._held.close()
        self._conn.close()

    def _roll_back(self) -> None:
        """Out of an aborted pipeline (a Sync), then out of the transaction."""
        with contextlib.suppress(psycopg.Error):
            self._pipeline.sync()
        self._conn.execute("ROLLBACK")  # a warning only, when no transaction was open
        self._pipeline.sync()


class PostgresHandWritten(Pipelined):
    """`transfer` is one transaction of two round trips (`Pipelined`)."""

    def balance(self, account_number: str) -> tuple[int, int, str] | None:
        found = self._conn.execute("SELECT balance, held, currency FROM accounts "
                                   "WHERE account_number = %s", (account_number,))
        self._pipeline.sync()  # one round trip; its rows are in
        row = found.fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def transfer(self, customer_id: uuid.UUID, source: str, destination: str, amount: int,
                 key: str) -> uuid.UUID:
        conn = self._conn
        try:
            conn.execute("BEGIN")
            locked = conn.execute(_LOCK, (source, destination))
            conn.execute(_TURN, (f"fraud_profile:customer:{customer_id}",))
            conn.execute(_TURN, (f"fraud_profile:counterparty:{destination}",))
            documents = conn.execute(_PROFILES, (str(customer_id), destination))
            rows = {number: (i, b) for number, i, b in locked.fetchall()}  # round trip 1
            found = dict(documents.fetchall())
            # The clock is read with both accounts locked, as Vaani reads it: an account's
            # entries are posted in time order (`vaani ledger verify` checks it).
            now = datetime.now(UTC)
            (src_id, src_balance), (dst_id, dst_balance) = rows[source], rows[destination]
            if src_balance < amount:
                raise ValueError("insufficient funds")
            transfer_id = uuid.uuid4()
            conn.execute(_WRITE, {
                "transfer": transfer_id, "customer": customer_id,
                "scope": f"customer:{customer_id}", "key": key, "source_id": src_id,
                "source": source, "destination_id": dst_id, "destination": destination,
                "amount": amount, "now": now, "debit": uuid.uuid4(), "credit": uuid.uuid4(),
                "source_after": src_balance - amount, "destination_after": dst_balance + amount,
                "reference": str(transfer_id), "customer_key": str(customer_id),
                "customer_profile": _counted(found.get("customer"), "transfers", {}),
                "counterparty_profile": _counted(
                    found.get("counterparty"), "payments",
                    {"key": destination, "first_seen": now.isoformat()})})
            conn.execute(SEAL, _audit_values(customer_id, transfer_id, source, destination,
                                              amount, now))
            conn.execute("COMMIT")
            self._pipeline.sync()  # round trip 2: both writes and the COMMIT
            return transfer_id
        except BaseException:
            self._roll_back()
            raise

def _counted(document: str | None, counter: str, fresh: dict[str, Any]) -> str:
    """The profile document with one more `counter`: one the use case can read back, whichever
    of the two wrote it first."""
    data = json.loads(document) if document else fresh
    data[counter] = data.get(counter, 0) + 1
    return _COMPACT(data)


def _audit_values(customer_id: uuid.UUID, transfer_id: uuid.UUID, source: str,
                  destination: str, amount: int, now: datetime) -> dict[str, Any]:
    return seal_values(AuditEvent(
        id=uuid.uuid4(), occurred_at=now, action="money.transfer", outcome="success",
        actor_id=customer_id, customer_id=customer_id, resource=f"transfer:{transfer_id}",
        details=audit_details(source, destination, amount)))


def seal_values(event: AuditEvent) -> dict[str, Any]:
    """The parameters of `SEAL` for `event`: the server seals it after the chain's head. An
    event without ip, device or request id (`SEAL` leaves those columns empty)."""
    assert event.ip is None and event.device_id is None and event.request_id is None
    before, between = canonical_parts(event)
    return {"before": before, "between": between, "event": event.id, "now": event.occurred_at,
            "action": event.action, "outcome": event.outcome, "actor": event.actor_id,
            "customer": event.customer_id, "resource": event.resource,
            "details": _SORTED(dict(event.details))}
