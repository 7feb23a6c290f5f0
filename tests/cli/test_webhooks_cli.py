"""`vaani webhooks` and `vaani events` against a real SQLite file (and PostgreSQL), sending to a
real receiver on loopback: register, dispatch, read the delivery log, replay, rotate (once per
overlap), disable; and what a receiver says is shown to the operator as plain text."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from entrypoints.cli import runtime
from tests.cli.test_cli import as_json, run
from tests.support.webhook_receiver import Receiver, verifies


def test_an_operator_registers_an_endpoint_and_events_reach_it(
        vaani: tuple[CliRunner, str], monkeypatch: pytest.MonkeyPatch) -> None:
    runner, _ = vaani
    monkeypatch.setenv("VAANI_WEBHOOK_ALLOW_HTTP", "1")
    monkeypatch.setenv("VAANI_WEBHOOK_PRIVATE_NETWORKS", "1")  # the receiver is on loopback
    runtime.reset()
    receiver = Receiver()
    try:
        seeded = as_json(runner, "seed", "demo")["customers"]
        asha, olga = seeded[0]["customer_number"], seeded[2]["customer_number"]
        code, _, err = run(runner, "webhooks", "add", receiver.url, "--operator", asha)
        assert code == 6, err  # a customer may not
        made = as_json(runner, "webhooks", "add", receiver.url, "--operator", olga,
                       "--type", "customer.frozen", "--description", "risk desk")
        assert made["secret"].startswith("whsec_") and made["types"] == ["customer.frozen"]
        as_json(runner, "customer", "freeze", asha)
        run_ = as_json(runner, "events", "dispatch", "--once")
        assert (run_["owed"], run_["delivered"], run_["dead"]) == (1, 1, 0)
        message = receiver.wait_for(1)[0]
        body = json.loads(message.body)
        assert body["type"] == "customer.frozen" and body["resource"] == f"customer:{asha}"
        assert verifies(made["secret"], message, int(time.time()))  # the CLI runs on real time
        owed = as_json(runner, "webhooks", "deliveries", made["id"])["items"]
        assert [d["status"] for d in owed] == ["delivered"]
        log = as_json(runner, "webhooks", "log", owed[0]["id"])["items"]
        assert [(t["attempt"], t["status_code"]) for t in log] == [(1, 204)]
        rotated = as_json(runner, "webhooks", "rotate-secret", made["id"], "--operator", olga)
        assert rotated["secret"] != made["secret"]
        code, _, err = run(runner, "webhooks", "rotate-secret", made["id"], "--operator", olga)
        assert code == 5 and "previous secret still signs" in err \
            and "webhook_rotation_pending" in err  # the first rotation's overlap is not over
        assert as_json(runner, "webhooks", "replay", made["id"], "--operator", olga,
                       "--delivery", owed[0]["id"])["replayed"] == 1
        assert as_json(runner, "events", "dispatch", "--once")["delivered"] == 1
        again = receiver.wait_for(2)[1]
        assert again.headers["webhook-id"] == message.headers["webhook-id"]  # the same message
        assert len(again.headers["webhook-signature"].split(" ")) == 2  # both secrets sign
        as_json(runner, "webhooks", "disable", made["id"], "--operator", olga)
        listed = as_json(runner, "webhooks", "list")["items"]
        assert [e["status"] for e in listed] == ["disabled"]
        feed = as_json(runner, "events", "list", "--type", "customer.frozen")
        assert [e["resource"] for e in feed["items"]] == [f"customer:{asha}"]
        code, _, err = run(runner, "webhooks", "add", "ftp://x.example.in/", "--operator", olga)
        assert code != 0 and "url" in err
    finally:
        receiver.close()


# A status line a hostile receiver might answer: a terminal title, a screen clear, Rich markup.
HOSTILE = b"\x1b]0;owned\x07\x1b[2J[bold]x[/bold]\r\n"


@pytest.fixture
def hostile() -> Iterator[str]:
    """A receiver on loopback that reads each request whole and answers HOSTILE, no HTTP."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", "0")))
            self.wfile.write(HOSTILE)
            self.close_connection = True

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks"
    server.shutdown()
    server.server_close()


def test_a_receiver_s_words_reach_the_operator_as_plain_text(
        vaani: tuple[CliRunner, str], monkeypatch: pytest.MonkeyPatch, hostile: str) -> None:
    runner, url = vaani
    monkeypatch.setenv("VAANI_WEBHOOK_ALLOW_HTTP", "1")
    monkeypatch.setenv("VAANI_WEBHOOK_PRIVATE_NETWORKS", "1")  # the receiver is on loopback
    runtime.reset()
    seeded = as_json(runner, "seed", "demo")["customers"]
    made = as_json(runner, "webhooks", "add", hostile, "--operator",
                   seeded[2]["customer_number"], "--type", "customer.frozen")
    as_json(runner, "customer", "freeze", seeded[0]["customer_number"])
    assert as_json(runner, "events", "dispatch", "--once")["delivered"] == 0
    owed = as_json(runner, "webhooks", "deliveries", made["id"])["items"][0]
    assert "\x1b" not in owed["last_error"] and "[bold]x[/bold]" in owed["last_error"]  # kept
    _shown_plainly(runner, made["id"], owed["id"])
    # A reason stored before the sender made reasons printable is shown plainly all the same.
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        raw = "BadStatusLine: " + HOSTILE.decode()
        conn.execute(sa.text("UPDATE webhook_deliveries SET last_error = :e"), {"e": raw})
        conn.execute(sa.text("UPDATE webhook_attempts SET error = :e"), {"e": raw})
    engine.dispose()
    _shown_plainly(runner, made["id"], owed["id"])


def _shown_plainly(runner: CliRunner, endpoint_id: str, delivery_id: str) -> None:
    for command in (["deliveries", endpoint_id], ["log", delivery_id]):
        code, out, err = run(runner, "webhooks", *command)
        assert code == 0, err
        assert "\x1b" not in out and "\x07" not in out and "[bold]x[/bold]" in out, out
