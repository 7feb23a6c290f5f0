"""`vaani audit verify | keygen | checkpoint` against a real SQLite file (and PostgreSQL): the
newest records deleted, the tail truncated and rewritten, with and without the hashes
recomputed, and checkpoints forged or signed by another key."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cli.conftest import run
from tests.support.audit_tampering import AuditTampering


def keys(runner: CliRunner, name: str = "audit") -> None:
    code, out, err = run(runner, "audit", "keygen", f"{name}.pem")
    assert code == 0, err
    assert f"{name}.pub.pem" in out


def test_verify_catches_the_newest_records_deleted(
        seeded: tuple[CliRunner, AuditTampering]) -> None:
    runner, db = seeded
    newest = db.head().sequence
    assert run(runner, "audit", "verify")[0] == 0
    db.remove_newest(2, move_head=False)  # a plain DELETE of the newest rows
    code, _, err = run(runner, "audit", "verify")
    assert code == 1, "deleting the newest records went unnoticed"
    assert f"ends at record {newest - 2} but its head is record {newest}" in err
    assert "removed" in err
    report = json.loads(run(runner, "audit", "verify", "--json")[1])
    assert report["ok"] is False and report["broken_sequence"] == newest - 1
    assert report["head"]["sequence"] == newest


def test_verify_catches_the_tail_truncated_to_nothing(
        seeded: tuple[CliRunner, AuditTampering]) -> None:
    runner, db = seeded
    db.write([], db.head())  # DELETE FROM audit_events
    code, _, err = run(runner, "audit", "verify")
    assert code == 1 and "ends at record 0" in err and "removed" in err


def test_keygen_makes_an_owner_only_key_and_never_overwrites(
        seeded: tuple[CliRunner, AuditTampering]) -> None:
    runner, _ = seeded
    keys(runner)
    assert stat.S_IMODE(os.stat("audit.pem").st_mode) == 0o600
    assert b"PRIVATE KEY" in Path("audit.pem").read_bytes()
    assert b"PUBLIC KEY" in Path("audit.pub.pem").read_bytes()
    before = Path("audit.pem").read_bytes()
    code, _, err = run(runner, "audit", "keygen", "audit.pem")
    assert code == 2 and "never overwritten" in err
    assert Path("audit.pem").read_bytes() == before
    os.chmod("audit.pem", 0o644)
    code, _, err = run(runner, "audit", "checkpoint", "--key", "audit.pem")
    assert code == 2 and "chmod 600" in err


def test_checkpoints_prove_the_chain_holds_and_grows(
        seeded: tuple[CliRunner, AuditTampering]) -> None:
    runner, db = seeded
    keys(runner)
    code, out, err = run(runner, "audit", "checkpoint", "-o", "kept.jsonl",
                         env={"VAANI_AUDIT_SIGNING_KEY": "audit.pem"})
    assert code == 0 and "appended to kept.jsonl" in out, err
    run(runner, "seed", "demo")  # more records: the chain extends the checkpoint
    code, line, _ = run(runner, "audit", "checkpoint", "--key", "audit.pem")
    assert code == 0 and json.loads(line)["sequence"] == db.head().sequence
    with open("kept.jsonl", "a") as file:
        file.write(line)
    code, out, err = run(runner, "audit", "verify", "--checkpoint", "kept.jsonl",
                         "--trusted-key", "audit.pub.pem")
    assert code == 0 and "2 kept checkpoint(s)" in out, err
    code, _, err = run(runner, "audit", "verify", "-c", "kept.jsonl")
    assert code == 2 and "trusted public key" in err


ATTACKS = {
    # what someone with the database does: what `verify --checkpoint` says
    "newest deleted, head moved back": (lambda db: db.remove_newest(3, move_head=True),
                                        "missing tail"),
    "tail truncated, head reset": (lambda db: db.remove_newest(len(db.chain()), move_head=True),
                                   "missing tail"),
    "middle record rewritten, chain recomputed": (lambda db: db.edit(3, reseal=True),
                                                  "was rewritten"),
    "newest record rewritten, chain recomputed": (lambda db: db.edit(db.head().sequence,
                                                                     reseal=True),
                                                  "was rewritten"),
    "middle record rewritten, hashes left": (lambda db: db.edit(3, reseal=False), "edited"),
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_a_kept_checkpoint_catches_what_the_chain_alone_cannot(
        seeded: tuple[CliRunner, AuditTampering], attack: str) -> None:
    runner, db = seeded
    keys(runner)
    assert run(runner, "audit", "checkpoint", "--key", "audit.pem", "-o", "kept.jsonl")[0] == 0
    tamper, says = ATTACKS[attack]
    tamper(db)
    if "recomputed" in attack or "moved" in attack or "reset" in attack:
        assert run(runner, "audit", "verify")[0] == 0  # every link and the head agree
    code, _, err = run(runner, "audit", "verify", "-c", "kept.jsonl",
                       "--trusted-key", "audit.pub.pem")
    assert code == 1 and "BROKEN" in err and says in err


def test_forged_and_foreign_checkpoints_are_refused(
        seeded: tuple[CliRunner, AuditTampering]) -> None:
    runner, _ = seeded
    keys(runner)
    keys(runner, "intruder")
    line = run(runner, "audit", "checkpoint", "--key", "audit.pem")[1]
    altered = json.loads(line)
    altered["sequence"] -= 1
    Path("altered.jsonl").write_text(json.dumps(altered) + "\n")
    Path("foreign.jsonl").write_text(run(runner, "audit", "checkpoint", "--key", "intruder.pem")[1])
    Path("garbled.jsonl").write_text(line + "{not json\n")
    verify = ("audit", "verify", "--trusted-key", "audit.pub.pem", "-c")
    code, _, err = run(runner, *verify, "altered.jsonl")
    assert code == 1 and "bad signature" in err
    code, _, err = run(runner, *verify, "foreign.jsonl")
    assert code == 1 and "unknown key" in err
    code, _, err = run(runner, *verify, "garbled.jsonl")
    assert code == 2 and "garbled.jsonl:2" in err
    Path("empty.jsonl").write_text("\n")
    code, _, err = run(runner, *verify, "empty.jsonl")
    assert code == 2 and "holds no checkpoint" in err
    # The intruder's key is trusted only when the operator says so.
    code, _, _ = run(runner, "audit", "verify", "--trusted-key", "intruder.pub.pem",
                     "-c", "foreign.jsonl")
    assert code == 0


def test_no_checkpoint_is_signed_for_a_broken_chain(
        seeded: tuple[CliRunner, AuditTampering]) -> None:
    runner, db = seeded
    keys(runner)
    db.remove_newest(1, move_head=False)
    code, out, err = run(runner, "audit", "checkpoint", "--key", "audit.pem")
    assert code == 1 and "broken" in err and out == ""
