"""`vaani webhooks` and `vaani events` against a real SQLite file (and PostgreSQL), sending to a
real receiver on loopback: register, dispatch, read the delivery log, replay, rotate, disable."""

from __future__ import annotations

import json
import time

import pytest
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

