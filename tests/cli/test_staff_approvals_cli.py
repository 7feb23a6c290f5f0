"""Maker-checker at the command line, under the bank's default policy: an unfreeze proposed by
one operator waits for another's `vaani approvals approve`."""

from __future__ import annotations

from typer.testing import CliRunner

from tests.cli.test_cli import as_json, run


def test_an_unfreeze_waits_for_a_second_operator(vaani: tuple[CliRunner, str]) -> None:
    runner, _ = vaani
    seeded = as_json(runner, "seed", "demo")["customers"]
    asha, olga = seeded[0]["customer_number"], seeded[2]["customer_number"]
    chetan = as_json(runner, "customer", "create", "--first-name", "Chetan", "--last-name",
                     "Checker", "--email", "chetan@example.in", "--phone", "+919811100078",
                     "--role", "operator", env={"VAANI_NEW_PASSWORD": "a checker's passphrase"}
                     )["customer_number"]
    as_json(runner, "customer", "freeze", asha)
    code, _, err = run(runner, "customer", "unfreeze", asha)
    assert code == 6 and "member of staff" in err  # who proposes it must be named
    proposed = as_json(runner, "customer", "unfreeze", asha, "--operator", olga, "--reason",
                       "identity checked on a call-back")
    assert proposed["status"] == "pending_approval" and proposed["action"] == "customer.unfreeze"
    queue = as_json(runner, "approvals", "list", "--status", "pending_approval")["items"]
    assert [p["id"] for p in queue] == [proposed["id"]]
    code, _, err = run(runner, "approvals", "approve", proposed["id"], "--operator", olga)
    assert code == 6 and "cannot approve" in err
    code, _, err = run(runner, "approvals", "approve", proposed["id"], "--operator", asha)
    assert code == 6 and "may not operate customers" in err
    approved = as_json(runner, "approvals", "approve", proposed["id"], "--operator", chetan)
    assert approved["status"] == "done"
    assert {a["status"] for a in as_json(runner, "customer", "show", asha)["accounts"]} == \
        {"active"}
    assert as_json(runner, "approvals", "show", proposed["id"])["decided_by"] is not None
    code, _, err = run(runner, "customer", "second-factor-off", asha, "--operator", olga,
                       "--reason", "lost phone")
    assert code == 0
